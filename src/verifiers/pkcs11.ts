/** 'verify pkcs11-key': the 'key' method with the public key read from a PKCS #11 token. */
import { readTokenPublicKey } from '../pkcs11/token-key.js';
import { EllipticKeyVerifier } from './key.js';
import type { Verifier } from './types.js';
import type { TimestampVerifierOptions } from '../timestamp/verify.js';

export interface Pkcs11KeyVerifierOptions extends TimestampVerifierOptions {
  /** RFC 7512 URI of the public key (or of its private key, whose public key object is used). */
  pkcs11Uri: string;
  /** Extra directories to search for `module-name`. */
  modulePaths?: string[];
  /** Asked when the token must be logged into and the URI carries no PIN. */
  pinPrompt?: (tokenLabel: string) => Promise<string>;
}

export async function createPkcs11KeyVerifier(o: Pkcs11KeyVerifierOptions): Promise<Verifier> {
  const { publicKey } = await readTokenPublicKey(o);
  return new EllipticKeyVerifier(publicKey, o);
}
