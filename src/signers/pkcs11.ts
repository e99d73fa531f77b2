/**
 * The 'pkcs11-key' and 'pkcs11-certificate' methods: the same bundles as 'key' and 'certificate',
 * signed by a private key that never leaves its PKCS #11 token.
 */
import { openTokenSigningKey } from '../pkcs11/token-key.js';
import { CertificateSigner } from './certificate.js';
import { EllipticKeySigner } from './key.js';
import type { Signer } from './types.js';

export interface Pkcs11SignerOptions {
  /** RFC 7512 URI of the private key. */
  pkcs11Uri: string;
  /** Extra directories to search for `module-name`. */
  modulePaths?: string[];
  /** Asked when the URI carries no PIN (the CLI prompts on a terminal). */
  pinPrompt?: (tokenLabel: string) => Promise<string>;
}
export interface Pkcs11CertificateSignerOptions extends Pkcs11SignerOptions {
  signingCertificate: string;
  certificateChain?: string[];
}

export async function createPkcs11Signer(o: Pkcs11SignerOptions): Promise<Signer> {
  return new EllipticKeySigner(await openTokenSigningKey(o));
}

export async function createPkcs11CertificateSigner(o: Pkcs11CertificateSignerOptions): Promise<CertificateSigner> {
  const key = await openTokenSigningKey(o);
  return CertificateSigner.fromKey(key, { signingCertificate: o.signingCertificate, certificateChain: o.certificateChain ?? [] });
}
