/**
 * Verifying the RFC 3161 timestamps of key and certificate bundles against the TSA certificates
 * the user trusts: each token must be over the DSSE signature bytes, signed by a TSA certificate
 * with extended key usage timeStamping that chains (RFC 5280, pkijs) to a trusted TSA certificate
 * at the time it stamped. Every timestamp the bundle carries must pass.
 */
import type { X509Certificate } from 'node:crypto';
import { loadCertificates, oneLineName, validateCertificatePath } from '../certificates.js';
import { ModelSigningError, errorMessage } from '../errors.js';
import { decodeBase64 } from '../verifiers/envelope.js';
import { TimestampProblem, checkTokenSignature, findSigner, parseTimestamp, statusName } from './token.js';

/** More is refused: each one costs a path validation. */
export const MAX_BUNDLE_TIMESTAMPS = 16;

export interface VerifiedTimestamp {
  /** When the TSA says it saw the signature (TSTInfo genTime). */
  time: Date;
  /** Subject of the TSA's certificate. */
  authority: string;
}

/** What a verifier needs to use timestamps: the trusted TSA certificates and whether one is required. */
export interface TimestampVerification {
  tsaAnchors: X509Certificate[];
  requireTimestamp: boolean;
}

export interface TimestampVerifierOptions {
  /** PEM files of the TSA certificates to trust (its root, intermediate or its own certificate). */
  tsaCertificateChain?: string[];
  /** Fail when the bundle carries no timestamp that verifies. Needs `tsaCertificateChain`. */
  requireTimestamp?: boolean;
}

export function timestampVerification(o: TimestampVerifierOptions): TimestampVerification | undefined {
  const paths = o.tsaCertificateChain ?? [];
  if (paths.length === 0) {
    if (o.requireTimestamp) {
      throw new ModelSigningError('USAGE', 'requiring a timestamp needs the TSA certificates to trust (--tsa-certificate-chain)');
    }
    return undefined;
  }
  return { tsaAnchors: paths.flatMap((p) => loadCertificates(p, 'TSA certificate chain')), requireTimestamp: o.requireTimestamp === true };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The DER timestamps of `verificationMaterial.timestampVerificationData.rfc3161Timestamps` (strictly read). */
export function bundleTimestamps(vm: Record<string, unknown>): Buffer[] {
  const tvd = vm['timestampVerificationData'];
  if (tvd === undefined || tvd === null) return [];
  if (!isObject(tvd)) throw new ModelSigningError('BUNDLE', 'verificationMaterial.timestampVerificationData must be an object');
  const list = tvd['rfc3161Timestamps'];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ModelSigningError('BUNDLE', 'timestampVerificationData.rfc3161Timestamps must be an array');
  if (list.length > MAX_BUNDLE_TIMESTAMPS) {
    throw new ModelSigningError('BUNDLE', `the bundle holds ${list.length} timestamps; at most ${MAX_BUNDLE_TIMESTAMPS} are accepted`);
  }
  return list.map((t: unknown, i) => {
    const field = `timestampVerificationData.rfc3161Timestamps[${i}].signedTimestamp`;
    return decodeBase64(isObject(t) ? t['signedTimestamp'] : undefined, field);
  });
}

function problem(i: number, e: TimestampProblem): ModelSigningError {
  const code = e.kind === 'malformed' ? 'BUNDLE' : e.kind === 'imprint' || e.kind === 'signature' ? 'SIGNATURE' : 'TRUST';
  return new ModelSigningError(code, `timestamp #${i + 1}: ${e.message}`);
}

/** Checks every timestamp of the bundle over `signature`; returns them in bundle order. */
export async function verifyTimestamps(
  vm: Record<string, unknown>,
  signature: Buffer,
  tsaAnchors: X509Certificate[],
): Promise<VerifiedTimestamp[]> {
  const out: VerifiedTimestamp[] = [];
  const ders = bundleTimestamps(vm);
  for (const [i, der] of ders.entries()) {
    try {
      const ts = parseTimestamp(der);
      if (ts.status !== 0) throw new TimestampProblem(`its status is '${statusName(ts.status)}', not 'granted'`, 'status');
      const signer = findSigner(ts, [...ts.embedded, ...tsaAnchors]);
      if (!signer) {
        throw new TimestampProblem("the TSA's certificate is neither in the timestamp nor among the trusted TSA certificates", 'signer');
      }
      checkTokenSignature(ts, signature, signer);
      const name = `'${oneLineName(signer.subject)}'`;
      const when = ts.time.toISOString();
      if (ts.time < new Date(signer.validFrom) || ts.time > new Date(signer.validTo)) {
        throw new TimestampProblem(
          `the TSA certificate ${name} was not valid when it stamped ${when} (valid ${new Date(signer.validFrom).toISOString()} to ${new Date(signer.validTo).toISOString()})`,
          'signer',
        );
      }
      try {
        const others = ts.embedded.filter((c) => c !== signer);
        await validateCertificatePath(signer, others, tsaAnchors, ts.time, 'timeStamping');
      } catch (e) {
        throw new TimestampProblem(`untrusted timestamp authority: ${errorMessage(e)} (trusted TSA certificates: --tsa-certificate-chain)`, 'signer');
      }
      out.push({ time: ts.time, authority: oneLineName(signer.subject) });
    } catch (e) {
      if (e instanceof TimestampProblem) throw problem(i, e);
      throw e;
    }
  }
  return out;
}

/**
 * The timestamps a key or certificate verifier relies on: none when no TSA is trusted (a bundle's
 * timestamps are then only mentioned in a warning), else every one verified; `required` fails a
 * bundle without any.
 */
export async function checkBundleTimestamps(
  vm: Record<string, unknown>,
  signature: Buffer,
  tv: TimestampVerification | undefined,
  warnings: string[],
): Promise<VerifiedTimestamp[]> {
  if (!tv) {
    const tvd = vm['timestampVerificationData'];
    const list = isObject(tvd) ? tvd['rfc3161Timestamps'] : undefined;
    if (Array.isArray(list) && list.length > 0) {
      warnings.push(
        `The signature carries ${list.length} RFC 3161 timestamp(s) that were not checked: give the TSA certificates to trust (--tsa-certificate-chain) to use them.`,
      );
    }
    return [];
  }
  const verified = await verifyTimestamps(vm, signature, tv.tsaAnchors);
  if (tv.requireTimestamp && verified.length === 0) {
    throw new ModelSigningError('TRUST', 'the signature carries no RFC 3161 timestamp, but one is required');
  }
  return verified;
}

/** For SignerInfo: the `--json` timestamp shape (kind, ISO time) with the TSA's name. */
export function describeTimestamps(ts: VerifiedTimestamp[]): Array<{ kind: 'rfc3161'; time: string; authority: string }> {
  return ts.map((t) => ({ kind: 'rfc3161', time: t.time.toISOString(), authority: t.authority }));
}

