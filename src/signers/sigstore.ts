/**
 * Keyless Sigstore signing: an identity token, an ephemeral P-256 key certified by Fulcio, a Rekor entry
 * (v1 or v2, as the signing config selects) and an RFC 3161 timestamp when the instance has a TSA.
 * The bundle is @sigstore/sign's DSSE bundle (v0.3: `certificate`, `tlogEntries`, `timestampVerificationData`),
 * the shape sigstore-python writes for the reference.
 */
import type { DSSEBundleBuilder, Witness } from '@sigstore/sign';
import { ModelSigningError, errorMessage, isModelSigningError } from '../errors.js';
import { debug } from '../debug-log.js';
import { obtainIdentityToken, type IdentityOptions, type IdentityToken } from '../oidc/identity.js';
import { checkIdentityToken } from '../oidc/token.js';
import type { AuthUrlInfo } from '../oidc/interactive.js';
import { oneLine } from '../oidc/ambient.js';
import { DEFAULT_CLIENT_ID, PUBLIC_GOOD_OIDC_ISSUER } from '../trust/instances.js';
import type { SigningServices } from '../trust/signing-config.js';
import { IN_TOTO_PAYLOAD_TYPE, type BundleJSON, type Signer } from './types.js';

export interface SigstoreSignerOptions {
  /** A ready identity token (JWT); wins over everything else. */
  identityToken?: string;
  /** Use CI workload identity ($SIGSTORE_ID_TOKEN, GitHub Actions); falls back to the interactive flow. */
  useAmbientCredentials?: boolean;
  useStaging?: boolean;
  /** Out-of-band interactive flow: show the URL and read the code instead of a loopback redirect. */
  forceOob?: boolean;
  clientId?: string;
  clientSecret?: string;
  /** Path to a ClientTrustConfig JSON file. */
  trustConfig?: string;
  /** OIDC issuer for the interactive flow; default: the signing config's, else public-good. */
  oidcIssuer?: string;
  /** Show the authorization URL (interactive flow). */
  onAuthUrl?: (url: string, info: AuthUrlInfo) => void;
  /** Read the pasted code (out-of-band flow). */
  readCode?: (prompt: string) => Promise<string>;
  /** Launch a browser; return false if none was launched. Default: the system browser. */
  openBrowser?: (url: string) => Promise<boolean>;
  /** Non-fatal problems, e.g. a TUF refresh that failed so the embedded config is used. */
  onWarning?: (message: string) => void;
  /** Informational notices, e.g. which identity and services are used. */
  onNotice?: (message: string) => void;
  /** TUF cache folder (default $XDG_CACHE_HOME/model-signing/tuf). */
  tufCacheDir?: string;
  /** Per-request timeout for Fulcio, Rekor and the TSA; default 20 s. */
  serviceTimeoutMs?: number;
  /** How long to wait for the user in the interactive flow; default 5 minutes. */
  interactiveTimeoutMs?: number;
  /** Milliseconds since the epoch (tests: a token that expires while hashing). */
  clock?: () => number;
}

/** A token closer to its expiry than this after hashing is renewed (or refused): Fulcio must still accept it. */
export const TOKEN_RENEW_MARGIN_MS = 30_000;

interface Prepared {
  services: SigningServices;
  identity: IdentityOptions;
  id: IdentityToken;
}

/**
 * `prepare()` (called before hashing) checks the token, loads the signing config, checks that
 * Fulcio, Rekor and the TSA answer, and obtains the identity token (interactive sign-in included):
 * all of it fails in about a second whatever the model's size. `sign()` after hashing renews a
 * token that expired meanwhile when it can (interactive or ambient), else names the problem.
 */
export function createSigstoreSigner(o: SigstoreSignerOptions): Signer & { prepare(): Promise<void> } {
  let prepared: Promise<Prepared> | undefined;
  const ready = () => (prepared ??= prepareSigstore(o));
  return {
    async prepare(): Promise<void> {
      await ready();
    },
    async sign(payload: Buffer): Promise<BundleJSON> {
      const p = await ready();
      const id = await renewIfExpiring(p, o);
      debug('sigstore', `identity token from ${id.source}; asking Fulcio at ${p.services.fulcioURL} for a certificate`);
      // Loaded on use: @sigstore/sign and its HTTP stack cost most of a second at start-up for every command.
      const sign = await import('@sigstore/sign');
      const { bundleToJSON } = await import('@sigstore/bundle');
      const builder = bundleBuilder(sign, p.services, id.token, o.serviceTimeoutMs ?? 20_000);
      try {
        const bundle = await builder.create({ data: payload, type: IN_TOTO_PAYLOAD_TYPE });
        return bundleToJSON(bundle) as unknown as BundleJSON;
      } catch (e) {
        throw serviceError(e, p.services, sign.InternalError);
      }
    },
  };
}

async function prepareSigstore(o: SigstoreSignerOptions): Promise<Prepared> {
  // A bad explicit token is reported before any network traffic.
  if (o.identityToken !== undefined) checkIdentityToken(o.identityToken, '--identity-token');
  const { resolveSigningConfig, selectServices } = await import('../trust/signing-config.js');
  const config = await resolveSigningConfig({
    ...(o.useStaging !== undefined ? { useStaging: o.useStaging } : {}),
    ...(o.trustConfig !== undefined ? { trustConfig: o.trustConfig } : {}),
    ...(o.tufCacheDir !== undefined ? { cacheDir: o.tufCacheDir } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  });
  const services = selectServices(config);
  debug('sigstore', () =>
    `services: Fulcio ${services.fulcioURL}, ${services.rekor ? `Rekor v${services.rekor.majorApiVersion} ${services.rekor.url}` : 'no Rekor'}, ${services.tsaURL ? `TSA ${services.tsaURL}` : 'no TSA'}, OIDC ${services.oidcURL ?? '(none)'}`,
  );
  const issuer = o.oidcIssuer ?? services.oidcURL ?? (o.trustConfig === undefined || o.useStaging ? PUBLIC_GOOD_OIDC_ISSUER : '');
  const needsInteractive = o.identityToken === undefined;
  if (needsInteractive && issuer === '' && !o.useAmbientCredentials) {
    throw new ModelSigningError('USAGE', `the trust config '${o.trustConfig}' names no OIDC issuer: pass an identity token or an OIDC issuer`);
  }
  // Before the sign-in: nobody should sign in only to learn that Fulcio is down.
  await checkServicesReachable(services, Math.min(o.serviceTimeoutMs ?? 20_000, 10_000));
  const identity: IdentityOptions = {
    issuer,
    clientId: o.clientId ?? DEFAULT_CLIENT_ID,
    ...(o.identityToken !== undefined ? { identityToken: o.identityToken } : {}),
    ...(o.useAmbientCredentials ? { useAmbientCredentials: true } : {}),
    ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}),
    ...(o.forceOob ? { forceOob: true } : {}),
    ...(o.onAuthUrl ? { onAuthUrl: o.onAuthUrl } : {}),
    ...(o.readCode ? { readCode: o.readCode } : {}),
    ...(o.openBrowser ? { openBrowser: o.openBrowser } : {}),
    ...(o.onNotice ? { onNotice: o.onNotice } : {}),
    ...(o.interactiveTimeoutMs !== undefined ? { timeoutMs: o.interactiveTimeoutMs } : {}),
  };
  const id = await obtainIdentityToken(identity);
  o.onNotice?.(`signing as ${id.claims.identity} (issuer ${id.claims.issuer}, token from ${id.source})`);
  return { services, identity, id };
}

/** After hashing: the token must still be good for Fulcio; interactive and ambient tokens are renewed. */
async function renewIfExpiring(p: Prepared, o: SigstoreSignerOptions): Promise<IdentityToken> {
  const now = o.clock?.() ?? Date.now();
  const exp = p.id.claims.expiresAt?.getTime();
  if (exp === undefined || exp - now > TOKEN_RENEW_MARGIN_MS) return p.id;
  const when = `${exp <= now ? 'expired' : 'expires'} at ${new Date(exp).toISOString()}`;
  if (p.identity.identityToken !== undefined) {
    throw new ModelSigningError('SIGNING', `the identity token from --identity-token ${when}, while the model was being hashed; pass a token valid for longer, or sign in interactively (a fresh token is then fetched after hashing)`);
  }
  o.onNotice?.(`the identity token from ${p.id.source} ${when}: getting a fresh one`);
  const fresh = await obtainIdentityToken(p.identity);
  p.id = fresh;
  return fresh;
}

/**
 * Any HTTP answer from each service's base URL will do: this only finds unreachable hosts before
 * hashing (the real requests still report refusals). Skipped behind a proxy, which fetch() would
 * not use while @sigstore/sign does.
 */
async function checkServicesReachable(s: SigningServices, timeoutMs: number): Promise<void> {
  const env = process.env;
  if (env['HTTPS_PROXY'] || env['https_proxy'] || env['HTTP_PROXY'] || env['http_proxy']) return;
  const targets: Array<[string, string]> = [['Fulcio', s.fulcioURL]];
  if (s.rekor) targets.push([`Rekor v${s.rekor.majorApiVersion}`, s.rekor.url]);
  if (s.tsaURL) targets.push(['the timestamp authority', s.tsaURL]);
  await Promise.all(
    targets.map(async ([what, url]) => {
      try {
        await headRequest(url, timeoutMs);
      } catch (e) {
        throw new ModelSigningError('SIGNING', `cannot reach ${what} at ${url}: ${oneLine(errorMessage(e), 300)}`, { cause: e });
      }
    }),
  );
}

/** node:http rather than fetch(), which refuses some ports (e.g. 9) that @sigstore/sign can use. */
async function headRequest(url: string, timeoutMs: number): Promise<void> {
  const u = new URL(url);
  const { request } = u.protocol === 'https:' ? await import('node:https') : await import('node:http');
  await new Promise<void>((resolve, reject) => {
    const req = request(u, { method: 'HEAD', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve();
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

type SignModule = typeof import('@sigstore/sign');

function bundleBuilder(
  { DSSEBundleBuilder, FulcioSigner, RekorWitness, TSAWitness }: SignModule,
  s: SigningServices,
  token: string,
  timeout: number,
): DSSEBundleBuilder {
  const retry = { retries: 1 };
  const witnesses: Witness[] = [];
  if (s.rekor) {
    witnesses.push(new RekorWitness({ rekorBaseURL: s.rekor.url, majorApiVersion: s.rekor.majorApiVersion, entryType: 'dsse', timeout, retry }));
  }
  if (s.tsaURL) witnesses.push(new TSAWitness({ tsaBaseURL: s.tsaURL, timeout, retry }));
  return new DSSEBundleBuilder({
    signer: new FulcioSigner({ fulcioBaseURL: s.fulcioURL, identityProvider: { getToken: async () => token }, timeout, retry }),
    witnesses,
  });
}

/** Names the service, its URL and the server's answer. Never includes the token (sigstore-js sometimes does). */
function serviceError(e: unknown, s: SigningServices, InternalError: SignModule['InternalError']): ModelSigningError {
  if (isModelSigningError(e)) return e;
  if (e instanceof InternalError) {
    const [what, url, action] =
      e.code === 'CA_CREATE_SIGNING_CERTIFICATE_ERROR' ? ['Fulcio', s.fulcioURL, 'issue a signing certificate']
      : e.code === 'TLOG_CREATE_ENTRY_ERROR' || e.code === 'TLOG_FETCH_ENTRY_ERROR' ? [`Rekor v${s.rekor?.majorApiVersion ?? 1}`, s.rekor?.url ?? '', 'record the signature']
      : e.code === 'TSA_CREATE_TIMESTAMP_ERROR' ? ['the timestamp authority', s.tsaURL ?? '', 'issue a timestamp']
      : ['Sigstore', '', 'sign'];
    const cause = e.cause as { statusCode?: unknown } | undefined;
    const detail = oneLine(cause !== undefined ? errorMessage(cause) : e.message, 300);
    if (cause && typeof cause.statusCode === 'number') {
      const text = detail.replace(/^\(\d+\)\s*/, '');
      return new ModelSigningError('SIGNING', `${what} at ${url} refused to ${action}: HTTP ${cause.statusCode}${text ? `: ${text}` : ''}`, { cause: e });
    }
    if (cause !== undefined && /request to|ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|timeout|socket/i.test(detail)) {
      return new ModelSigningError('SIGNING', `cannot reach ${what} at ${url}: ${detail}`, { cause: e });
    }
    return new ModelSigningError('SIGNING', `${what} at ${url} could not ${action}: ${detail}`, { cause: e });
  }
  return new ModelSigningError('SIGNING', `Sigstore signing failed: ${oneLine(errorMessage(e), 300)}`, { cause: e });
}
