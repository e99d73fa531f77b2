/** A signer turns the statement bytes into a complete Sigstore bundle (plain JSON object). */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export type BundleJSON = Record<string, unknown>;

export interface Signer {
  /** Signs the DSSE PAE of (IN_TOTO_PAYLOAD_TYPE, payload) and returns the bundle JSON. */
  sign(payload: Buffer): Promise<BundleJSON>;
  /**
   * Checks (and obtains) everything that can be checked before the model is hashed, so bad input
   * fails in a second whatever the model's size. Signing calls it before hashing; optional.
   */
  prepare?(): Promise<void>;
}
