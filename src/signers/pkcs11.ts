// Placeholder: signing with keys on PKCS #11 tokens is being built.
import { ModelSigningError } from '../errors.js';
import type { Signer } from './types.js';

export interface Pkcs11SignerOptions {
  /** RFC 7512 URI of the private key. */
  pkcs11Uri: string;
  /** Extra directories to search for `module-name`. */
  modulePaths?: string[];
  /** Asked when the URI carries no PIN (the CLI prompts on a terminal). */
  pinPrompt?: () => Promise<string>;
}
export interface Pkcs11CertificateSignerOptions extends Pkcs11SignerOptions {
  signingCertificate: string;
  certificateChain?: string[];
}

export async function createPkcs11Signer(_o: Pkcs11SignerOptions): Promise<Signer> {
  throw new ModelSigningError('PKCS11', "the 'pkcs11-key' method is not available yet in this version");
}
export async function createPkcs11CertificateSigner(_o: Pkcs11CertificateSignerOptions): Promise<Signer> {
  throw new ModelSigningError('PKCS11', "the 'pkcs11-certificate' method is not available yet in this version");
}
