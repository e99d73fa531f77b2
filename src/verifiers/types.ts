/** A verifier checks a bundle's signature and trust and hands back the signed payload. */

export interface SignerInfo {
  method: 'key' | 'certificate' | 'sigstore';
  /** Human-readable description: key hint, certificate subject, or identity + issuer. */
  description: string;
  /** Sigstore: certificate SAN and OIDC issuer. */
  identity?: string;
  issuer?: string;
  /** Key and certificate methods: the RFC 3161 timestamps that were verified (TSA time and name). */
  timestamps?: Array<{ kind: 'rfc3161'; time: string; authority: string }>;
}

export interface VerifiedPayload {
  payloadType: string;
  payload: Buffer;
  signer: SignerInfo;
  /** Non-fatal findings, e.g. a legacy bundle format that should be re-signed. */
  warnings: string[];
}

export interface Verifier {
  /** `bundle` is the parsed JSON of the signature file. Throws ModelSigningError on any failure. */
  verify(bundle: Record<string, unknown>): Promise<VerifiedPayload>;
}
