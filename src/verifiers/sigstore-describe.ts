/**
 * What a Sigstore bundle claims, read WITHOUT verifying anything (for `inspect`): the certificate's identity and
 * OIDC issuer, the transparency-log entries and the RFC 3161 timestamps. Never use it for trust decisions.
 */
import { RFC3161Timestamp, X509Certificate } from '@sigstore/core';

export interface SigstoreTlogDescription {
  logIndex?: string;
  /** Rekor v1 only; Rekor v2 entries carry no integrated time. */
  integratedTime?: Date;
  kind?: string;
  version?: string;
  /** Base64 key id of the log, as in the bundle. */
  logId?: string;
}

export interface SigstoreBundleDescription {
  mediaType?: string;
  /** Certificate SAN (email or URI). */
  identity?: string;
  /** OIDC issuer from the Fulcio extension (1.3.6.1.4.1.57264.1.8, else .1.1). */
  issuer?: string;
  certificateNotBefore?: Date;
  certificateNotAfter?: Date;
  tlogEntries: SigstoreTlogDescription[];
  /** Signing times of the RFC 3161 timestamps. */
  timestamps: Date[];
}

const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** Best effort: fields that are missing or malformed are left out rather than thrown. */
export function describeSigstoreBundle(bundleJson: unknown): SigstoreBundleDescription {
  const bundle = obj(bundleJson) ?? {};
  const vm = obj(bundle['verificationMaterial']) ?? {};
  const out: SigstoreBundleDescription = { tlogEntries: [], timestamps: [] };
  const mediaType = str(bundle['mediaType']);
  if (mediaType) out.mediaType = mediaType;

  const leafB64 = str(obj(vm['certificate'])?.['rawBytes']) ?? str(obj(arr(obj(vm['x509CertificateChain'])?.['certificates'])[0])?.['rawBytes']);
  if (leafB64) {
    try {
      const cert = X509Certificate.parse(Buffer.from(leafB64, 'base64'));
      const san = cert.subjectAltName;
      if (san) out.identity = san;
      const issuer = issuerOf(cert);
      if (issuer) out.issuer = issuer;
      out.certificateNotBefore = cert.notBefore;
      out.certificateNotAfter = cert.notAfter;
    } catch {
      // not a parsable certificate: leave the identity out
    }
  }

  for (const e of arr(vm['tlogEntries'])) {
    const entry = obj(e);
    if (!entry) continue;
    const d: SigstoreTlogDescription = {};
    const logIndex = str(entry['logIndex']);
    if (logIndex) d.logIndex = logIndex;
    const it = Number(str(entry['integratedTime']) ?? NaN);
    if (Number.isFinite(it) && it > 0) d.integratedTime = new Date(it * 1000);
    const kv = obj(entry['kindVersion']);
    const kind = str(kv?.['kind']);
    const version = str(kv?.['version']);
    if (kind) d.kind = kind;
    if (version) d.version = version;
    const logId = str(obj(entry['logId'])?.['keyId']);
    if (logId) d.logId = logId;
    out.tlogEntries.push(d);
  }

  for (const t of arr(obj(vm['timestampVerificationData'])?.['rfc3161Timestamps'])) {
    const b64 = str(obj(t)?.['signedTimestamp']);
    if (!b64) continue;
    try {
      out.timestamps.push(RFC3161Timestamp.parse(Buffer.from(b64, 'base64')).signingTime);
    } catch {
      // unparsable timestamp: skipped
    }
  }
  return out;
}

/** The Fulcio issuer extension: v2 is a DER UTF8String, v1 the raw string. */
export function issuerOf(cert: X509Certificate): string | undefined {
  const v2 = cert.extension(OID_ISSUER_V2);
  if (v2) {
    const s = v2.valueObj.subs[0]?.value.toString('utf8');
    if (s) return s;
  }
  return cert.extension(OID_ISSUER_V1)?.value.toString('utf8');
}
