/** RFC 3161 2.3: a TSA certificate carries extended key usage timeStamping (read with @sigstore/core). */
import type { X509Certificate as NodeX509 } from 'node:crypto';
import { ASN1Obj, X509Certificate as CoreX509 } from '@sigstore/core';

export const OID_EXT_KEY_USAGE = '2.5.29.37';
export const OID_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

export function hasTimeStampingUsage(cert: NodeX509): boolean {
  try {
    const eku = CoreX509.parse(cert.raw as Buffer<ArrayBuffer>).extension(OID_EXT_KEY_USAGE);
    if (!eku) return false;
    // extnValue is an OCTET STRING wrapping the SEQUENCE OF KeyPurposeId.
    const purposes = ASN1Obj.parseBuffer(eku.value as Buffer<ArrayBuffer>).subs;
    return purposes.some((s) => s.tag.isOID() && s.toOID() === OID_TIME_STAMPING);
  } catch {
    return false;
  }
}
