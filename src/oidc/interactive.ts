/**
 * Interactive OAuth 2.0 authorization-code flow with PKCE (openid-client): a loopback redirect on 127.0.0.1
 * with the browser opened for the user, or the out-of-band variant where the user pastes the code.
 * The library never prints: the URL and the code prompt go through callbacks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { ModelSigningError, errorMessage } from '../errors.js';
import { oneLine } from './ambient.js';

export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

export interface AuthUrlInfo {
  /** True when a browser was launched; the URL should still be shown. */
  browserOpened: boolean;
  /** True for the out-of-band flow: the user must paste the code shown by the issuer. */
  oob: boolean;
}

export interface InteractiveTokenOptions {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  forceOob?: boolean;
  /** Show the authorization URL to the user. */
  onAuthUrl?: (url: string, info: AuthUrlInfo) => void;
  /** Read the code the user pastes (out-of-band flow). */
  readCode?: (prompt: string) => Promise<string>;
  /** Launch a browser; return false when none was launched. Default: the `open` package. */
  openBrowser?: (url: string) => Promise<boolean>;
  /** How long to wait for the user; default 5 minutes. */
  timeoutMs?: number;
}

export async function interactiveIdentityToken(o: InteractiveTokenOptions): Promise<string> {
  const config = await discover(o);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const params = {
    scope: 'openid email',
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  };
  const timeoutMs = o.timeoutMs ?? 5 * 60_000;
  let currentUrl: URL;
  let checks: oidc.AuthorizationCodeGrantChecks;
  if (o.forceOob) {
    if (!o.readCode) throw new ModelSigningError('SIGNING', 'the out-of-band OAuth flow needs a way to read the code (no terminal input available)');
    const url = oidc.buildAuthorizationUrl(config, { ...params, redirect_uri: OOB_REDIRECT_URI });
    o.onAuthUrl?.(url.href, { browserOpened: false, oob: true });
    const code = (await withTimeout(o.readCode('Enter verification code: '), timeoutMs, 'no verification code entered')).trim();
    if (code === '') throw new ModelSigningError('SIGNING', 'no verification code entered');
    currentUrl = new URL(`${OOB_REDIRECT_URI}?code=${encodeURIComponent(code)}`);
    // The code was typed by the user, not redirected, so there is no state to compare; PKCE binds it to us.
    checks = { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: oidc.skipStateCheck, idTokenExpected: true };
  } else {
    const callback = await startCallbackServer();
    try {
      const url = oidc.buildAuthorizationUrl(config, { ...params, redirect_uri: callback.redirectUri });
      const opened = await (o.openBrowser ?? openWithDefaultBrowser)(url.href).catch(() => false);
      o.onAuthUrl?.(url.href, { browserOpened: opened, oob: false });
      currentUrl = await withTimeout(callback.result, timeoutMs, `no answer from the browser on ${callback.redirectUri}`);
    } finally {
      callback.close();
    }
    checks = { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true };
  }
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(config, currentUrl, checks);
  } catch (e) {
    throw new ModelSigningError('SIGNING', `the OIDC issuer ${o.issuer} did not issue an identity token: ${describeOidcError(e)}`, { cause: e });
  }
  if (!tokens.id_token) throw new ModelSigningError('SIGNING', `the OIDC issuer ${o.issuer} returned no id_token`);
  return tokens.id_token;
}

async function discover(o: InteractiveTokenOptions): Promise<oidc.Configuration> {
  let issuer: URL;
  try {
    issuer = new URL(o.issuer);
  } catch {
    throw new ModelSigningError('USAGE', `the OIDC issuer '${o.issuer}' is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && loopback)) {
    throw new ModelSigningError('USAGE', `the OIDC issuer '${o.issuer}' must use https (plain http is allowed on loopback only)`);
  }
  const auth = o.clientSecret ? oidc.ClientSecretPost(o.clientSecret) : oidc.None();
  try {
    return await oidc.discovery(issuer, o.clientId, undefined, auth, {
      timeout: 30,
      ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
  } catch (e) {
    throw new ModelSigningError('SIGNING', `cannot discover the OIDC issuer ${o.issuer}: ${describeOidcError(e)}`, { cause: e });
  }
}

function describeOidcError(e: unknown): string {
  const parts = [errorMessage(e)];
  const err = e as { error?: unknown; error_description?: unknown; cause?: unknown };
  if (typeof err.error === 'string') parts.push(`${err.error}${typeof err.error_description === 'string' ? `: ${err.error_description}` : ''}`);
  else if (err.cause !== undefined && !(err.cause instanceof Response)) parts.push(errorMessage(err.cause));
  return oneLine(parts.filter((p, i) => p && parts.indexOf(p) === i).join(' - '), 400);
}

interface CallbackServer {
  redirectUri: string;
  result: Promise<URL>;
  close(): void;
}

/** Loopback redirect target: resolves with the first callback that carries a code (or rejects on an error). */
async function startCallbackServer(): Promise<CallbackServer> {
  let resolve!: (u: URL) => void;
  let reject!: (e: Error) => void;
  const result = new Promise<URL>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  result.catch(() => undefined); // handled by the caller; avoid an unhandled rejection if it stops waiting
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', redirectUri);
    if (url.pathname !== '/auth/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const error = url.searchParams.get('error');
    if (error) {
      const desc = url.searchParams.get('error_description');
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`Sign-in failed: ${error}. You may close this window.`);
      reject(new ModelSigningError('SIGNING', `the OIDC issuer refused the sign-in: ${error}${desc ? `: ${oneLine(desc)}` : ''}`));
      return;
    }
    if (!url.searchParams.get('code')) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('missing code');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' })
      .end('<!doctype html><title>model-signing</title><p>Authentication complete. You may close this window and return to the terminal.</p>');
    resolve(url);
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/callback`;
  return {
    redirectUri,
    result,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

async function openWithDefaultBrowser(url: string): Promise<boolean> {
  const { default: open } = await import('open');
  const child = await open(url);
  child.on('error', () => undefined); // no browser installed: the URL is shown anyway
  return true;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ModelSigningError('SIGNING', `${what} within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
