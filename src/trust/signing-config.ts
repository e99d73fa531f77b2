/**
 * Picks the signing config (staging, else a trust config file, else production, as the reference's signer does)
 * and the services in it. The selection mirrors the SigningConfig rules (highest supported API version, inside its
 * validity window, newest start first); it is written out here because @sigstore/sign keeps its own private and we
 * need the chosen URLs to name them in error messages.
 */
import { ServiceSelector, SigningConfig, type Service } from '@sigstore/protobuf-specs';
import { ModelSigningError } from '../errors.js';
import { debug } from '../debug-log.js';
import { loadClientTrustConfig } from './client-trust-config.js';
import { publicInstance } from './instances.js';
import { fetchTufTarget, tufFailureReason, type TufOptions } from './tuf.js';

export interface SigningConfigOptions extends TufOptions {
  useStaging?: boolean;
  trustConfig?: string;
  /** Use the embedded signing config of a public instance without a TUF refresh. */
  offline?: boolean;
  onWarning?: (message: string) => void;
}

export interface SigningServices {
  fulcioURL: string;
  rekor?: { url: string; majorApiVersion: number };
  tsaURL?: string;
  /** OIDC issuer for the interactive flow, when the config names one. */
  oidcURL?: string;
}

const SIGNING_CONFIG_TARGET = 'signing_config.v0.2.json';
const MAX_CA_API = 1;
const MAX_TLOG_API = 2;
const MAX_TSA_API = 1;

export async function resolveSigningConfig(o: SigningConfigOptions = {}): Promise<SigningConfig> {
  if (!o.useStaging && o.trustConfig !== undefined) {
    const cfg = loadClientTrustConfig(o.trustConfig);
    if (!cfg.signingConfig) {
      throw new ModelSigningError('TRUST', `trust config '${o.trustConfig}' has no 'signingConfig' (needed to sign)`);
    }
    debug('trust', `signing config: from the trust config '${o.trustConfig}'`);
    return cfg.signingConfig;
  }
  const instance = publicInstance(o.useStaging);
  if (!o.offline) {
    try {
      const cfg = SigningConfig.fromJSON(JSON.parse(await fetchTufTarget(instance, SIGNING_CONFIG_TARGET, o)));
      debug('trust', `signing config: Sigstore ${instance.name}, refreshed through TUF from ${instance.tufMirror}`);
      return cfg;
    } catch (e) {
      o.onWarning?.(`could not refresh the Sigstore ${instance.name} signing config from ${instance.tufMirror} (${tufFailureReason(e)}); using the copy embedded in model-signing`);
    }
  }
  debug('trust', `signing config: Sigstore ${instance.name}, the copy embedded in model-signing`);
  return SigningConfig.fromJSON(instance.embedded.signingConfig);
}

export function selectServices(cfg: SigningConfig, now = new Date()): SigningServices {
  const ca = pick(cfg.caUrls, MAX_CA_API, now);
  if (!ca) throw new ModelSigningError('TRUST', 'the signing config lists no usable certificate authority (Fulcio) service');
  const out: SigningServices = { fulcioURL: ca.url };
  const oidc = pick(cfg.oidcUrls, 1, now);
  if (oidc) out.oidcURL = oidc.url;
  if (cfg.rekorTlogConfig) {
    requireAny(cfg.rekorTlogConfig.selector, 'rekorTlogConfig');
    const tlog = pick(cfg.rekorTlogUrls, MAX_TLOG_API, now);
    if (!tlog) throw new ModelSigningError('TRUST', 'the signing config lists no usable transparency log (Rekor v1 or v2) service');
    out.rekor = { url: tlog.url, majorApiVersion: tlog.majorApiVersion };
  }
  if (cfg.tsaConfig) {
    requireAny(cfg.tsaConfig.selector, 'tsaConfig');
    const tsa = pick(cfg.tsaUrls, MAX_TSA_API, now);
    if (!tsa) throw new ModelSigningError('TRUST', 'the signing config lists no usable timestamp authority service');
    out.tsaURL = tsa.url;
  }
  if (!out.rekor && !out.tsaURL) {
    throw new ModelSigningError('TRUST', 'the signing config has neither a transparency log nor a timestamp authority: a signature would not be verifiable');
  }
  return out;
}

function requireAny(selector: ServiceSelector, field: string): void {
  if (selector !== ServiceSelector.ANY && selector !== ServiceSelector.SERVICE_SELECTOR_UNDEFINED) {
    throw new ModelSigningError('TRUST', `the signing config's ${field} selector ${ServiceSelector[selector] ?? selector} is not supported (only ANY)`);
  }
}

function pick(services: Service[], maxApi: number, now: Date): Service | undefined {
  const usable = services.filter((s) => {
    if (s.majorApiVersion < 1 || s.majorApiVersion > maxApi) return false;
    const start = s.validFor?.start;
    const end = s.validFor?.end;
    return (!start || start <= now) && (!end || end >= now);
  });
  if (usable.length === 0) return undefined;
  const top = Math.max(...usable.map((s) => s.majorApiVersion));
  return usable
    .filter((s) => s.majorApiVersion === top)
    .sort((a, b) => (b.validFor?.start?.getTime() ?? 0) - (a.validFor?.start?.getTime() ?? 0))[0];
}

export function describeServices(s: SigningServices): string {
  const parts = [`Fulcio ${s.fulcioURL}`];
  if (s.rekor) parts.push(`Rekor v${s.rekor.majorApiVersion} ${s.rekor.url}`);
  if (s.tsaURL) parts.push(`TSA ${s.tsaURL}`);
  return parts.join(', ');
}
