/** Picks the trusted root for verification: a trust config file, else staging, else production (via TUF). */
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { ModelSigningError, errorMessage } from '../errors.js';
import { debug } from '../debug-log.js';
import { loadClientTrustConfig } from './client-trust-config.js';
import { publicInstance, type SigstoreInstance } from './instances.js';
import { fetchTufTarget, tufFailureReason, verifiedCachedTufTarget, type TufOptions } from './tuf.js';

export interface TrustedRootOptions extends TufOptions {
  useStaging?: boolean;
  /** Path to a ClientTrustConfig JSON file; wins over useStaging, as in the reference's verifier. */
  trustConfig?: string;
  /** Skip the TUF refresh and use the cached or embedded root. */
  offline?: boolean;
  onWarning?: (message: string) => void;
}

const TRUSTED_ROOT_TARGET = 'trusted_root.json';

export async function resolveTrustedRoot(o: TrustedRootOptions = {}): Promise<TrustedRoot> {
  if (o.trustConfig !== undefined) {
    debug('trust', `trusted root: from the trust config '${o.trustConfig}'`);
    return loadClientTrustConfig(o.trustConfig).trustedRoot;
  }
  const instance = publicInstance(o.useStaging);
  if (!o.offline) {
    try {
      const root = parseRoot(await fetchTufTarget(instance, TRUSTED_ROOT_TARGET, o), `TUF target ${TRUSTED_ROOT_TARGET} from ${instance.tufMirror}`);
      debug('trust', `trusted root: Sigstore ${instance.name}, refreshed through TUF from ${instance.tufMirror}`);
      return root;
    } catch (e) {
      return fallbackRoot(instance, o, `could not refresh the Sigstore ${instance.name} trusted root from ${instance.tufMirror} (${tufFailureReason(e)})`);
    }
  }
  return fallbackRoot(instance, o, undefined);
}

async function fallbackRoot(instance: SigstoreInstance, o: TrustedRootOptions, why: string | undefined): Promise<TrustedRoot> {
  let cacheProblem: string | undefined;
  try {
    const cached = await verifiedCachedTufTarget(instance, TRUSTED_ROOT_TARGET, o);
    const root = parseRoot(cached.text, cached.path);
    debug('trust', `trusted root: Sigstore ${instance.name}, the verified cached copy ${cached.path}${why ? '' : ' (offline)'}`);
    if (why) o.onWarning?.(`${why}; using the cached copy ${cached.path}`);
    return root;
  } catch (e) {
    // No usable cache is not fatal: the embedded root follows. A cache someone else could have
    // planted is worth saying, even offline.
    const msg = errorMessage(e);
    if (/not safe to trust|does not match|does not verify/.test(msg)) cacheProblem = msg;
  }
  if (cacheProblem) o.onWarning?.(`${why ? `${why}; ` : ''}not using the cached trusted root (${cacheProblem}); using the copy embedded in model-signing`);
  else if (why) o.onWarning?.(`${why}; using the copy embedded in model-signing`);
  debug('trust', `trusted root: Sigstore ${instance.name}, the copy embedded in model-signing`);
  return TrustedRoot.fromJSON(instance.embedded.trustedRoot);
}

function parseRoot(text: string, where: string): TrustedRoot {
  try {
    return TrustedRoot.fromJSON(JSON.parse(text));
  } catch (e) {
    throw new ModelSigningError('TRUST', `${where} is not a valid trusted root: ${errorMessage(e)}`, { cause: e });
  }
}
