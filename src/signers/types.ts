/** A signer turns the statement bytes into a complete Sigstore bundle (plain JSON object). */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export type BundleJSON = Record<string, unknown>;

export interface Signer {
  /** Signs the DSSE PAE of (IN_TOTO_PAYLOAD_TYPE, payload) and returns the bundle JSON. */
  sign(payload: Buffer): Promise<BundleJSON>;
}
