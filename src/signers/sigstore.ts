/**
 * Keyless Sigstore signing: an identity token, an ephemeral P-256 key certified by Fulcio, a Rekor entry
 * (v1 or v2, as the signing config selects) and an RFC 3161 timestamp when the instance has a TSA.
 * The bundle is @sigstore/sign's DSSE bundle (v0.3: `certificate`, `tlogEntries`, `timestampVerificationData`),
 * the shape sigstore-python writes for the reference.
 */
import type { DSSEBundleBuilder, Witness } from '@sigstore/sign';
import { ModelSigningError, errorMessage, isModelSigningError } from '../errors.js';
import { obtainIdentityToken } from '../oidc/identity.js';
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
}

export function createSigstoreSigner(o: SigstoreSignerOptions): Signer {
  return {
    async sign(payload: Buffer): Promise<BundleJSON> {
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
      const issuer = o.oidcIssuer ?? services.oidcURL ?? (o.trustConfig === undefined || o.useStaging ? PUBLIC_GOOD_OIDC_ISSUER : '');
      const needsInteractive = o.identityToken === undefined;
      if (needsInteractive && issuer === '' && !o.useAmbientCredentials) {
        throw new ModelSigningError('USAGE', `the trust config '${o.trustConfig}' names no OIDC issuer: pass an identity token or an OIDC issuer`);
      }
      const id = await obtainIdentityToken({
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
      });
      o.onNotice?.(`signing as ${id.claims.identity} (issuer ${id.claims.issuer}, token from ${id.source})`);
      // Loaded on use: @sigstore/sign and its HTTP stack cost most of a second at start-up for every command.
      const sign = await import('@sigstore/sign');
      const { bundleToJSON } = await import('@sigstore/bundle');
      const builder = bundleBuilder(sign, services, id.token, o.serviceTimeoutMs ?? 20_000);
      try {
        const bundle = await builder.create({ data: payload, type: IN_TOTO_PAYLOAD_TYPE });
        return bundleToJSON(bundle) as unknown as BundleJSON;
      } catch (e) {
        throw serviceError(e, services, sign.InternalError);
      }
    },
  };
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
