/** The two public Sigstore instances: where their TUF repository lives and what we ship for offline use. */
import { PRODUCTION, STAGING, type EmbeddedInstance } from './embedded.js';

export interface SigstoreInstance {
  name: 'production' | 'staging';
  tufMirror: string;
  embedded: EmbeddedInstance;
}

export const PRODUCTION_INSTANCE: SigstoreInstance = {
  name: 'production',
  tufMirror: 'https://tuf-repo-cdn.sigstore.dev',
  embedded: PRODUCTION,
};
export const STAGING_INSTANCE: SigstoreInstance = {
  name: 'staging',
  tufMirror: 'https://tuf-repo-cdn.sigstage.dev',
  embedded: STAGING,
};

export const PUBLIC_GOOD_OIDC_ISSUER = 'https://oauth2.sigstore.dev/auth';
export const DEFAULT_CLIENT_ID = 'sigstore';

export function publicInstance(useStaging: boolean | undefined): SigstoreInstance {
  return useStaging ? STAGING_INSTANCE : PRODUCTION_INSTANCE;
}
