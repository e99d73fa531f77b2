// Placeholder: keyless Sigstore verification is being built.
import { ModelSigningError } from '../errors.js';
import type { Verifier } from './types.js';

export interface SigstoreVerifierOptions {
  identity: string;
  oidcIssuer: string;
  useStaging?: boolean;
  /** Path to a ClientTrustConfig JSON file. */
  trustConfig?: string;
}

export function createSigstoreVerifier(_o: SigstoreVerifierOptions): Verifier {
  throw new ModelSigningError('TRUST', "the 'sigstore' method is not available yet in this version");
}
