// Placeholder: keyless Sigstore signing (Fulcio + Rekor + TSA) is being built.
import { ModelSigningError } from '../errors.js';
import type { Signer } from './types.js';

export interface SigstoreSignerOptions {
  identityToken?: string;
  useAmbientCredentials?: boolean;
  useStaging?: boolean;
  forceOob?: boolean;
  clientId?: string;
  clientSecret?: string;
  /** Path to a ClientTrustConfig JSON file. */
  trustConfig?: string;
  oidcIssuer?: string;
}

export function createSigstoreSigner(_o: SigstoreSignerOptions): Signer {
  throw new ModelSigningError('SIGNING', "the 'sigstore' method is not available yet in this version");
}
