/**
 * The 'certificate' method: the bundle's leaf certificate must chain (through the bundle's other
 * certificates, untrusted) to one of the trust anchors, be valid now, allow signing, and its EC
 * key must verify the DSSE signature.
 */
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import {
  MAX_BUNDLE_CERTIFICATES,
  certificatesFromPem,
  fingerprintLine,
  loadCertificates,
  oneLineName,
  validateCertificatePath,
} from '../certificates.js';
import { ModelSigningError, errorMessage } from '../errors.js';
import { debug } from '../debug-log.js';
import { curveName } from '../keys.js';
import {
  COMPAT_PAE_WARNING,
  decodeBase64,
  readEnvelope,
  requireMaterial,
  verificationMaterial,
  verifyDsseSignature,
} from './envelope.js';
import type { VerifiedPayload, Verifier } from './types.js';
import {
  checkBundleTimestamps,
  describeTimestamps,
  timestampVerification,
  type TimestampVerification,
  type TimestampVerifierOptions,
  type VerifiedTimestamp,
} from '../timestamp/verify.js';

export interface CertificateVerifierOptions extends TimestampVerifierOptions {
  /** Receives `[  init  ] sha256 Fingerprint: ...` / `[ verify ] ...` lines (reference format). */
  onFingerprint?: (line: string) => void;
  /**
   * Validation time when the bundle has no trusted timestamp; defaults to the time of each
   * verify() call. With trusted timestamps the chain is validated at their times instead.
   */
  now?: Date;
}

/** A trusted timestamp outside the leaf's validity means the leaf was not valid when it signed. */
function checkStampedWithinValidity(leaf: X509Certificate, stamps: VerifiedTimestamp[]): void {
  const from = new Date(leaf.validFrom);
  const to = new Date(leaf.validTo);
  for (const [i, t] of stamps.entries()) {
    if (t.time < from || t.time > to) {
      throw new ModelSigningError(
        'TRUST',
        `timestamp #${i + 1} (${t.time.toISOString()}, by '${t.authority}') lies outside the validity of the signing certificate '${oneLineName(leaf.subject)}' (${from.toISOString()} to ${to.toISOString()})`,
      );
    }
  }
}

function bundleCertificates(vm: Record<string, unknown>): X509Certificate[] {
  const chain = vm['x509CertificateChain'];
  const list = typeof chain === 'object' && chain !== null ? (chain as Record<string, unknown>)['certificates'] : undefined;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ModelSigningError('BUNDLE', 'verificationMaterial.x509CertificateChain.certificates must be a non-empty array');
  }
  if (list.length > MAX_BUNDLE_CERTIFICATES) {
    throw new ModelSigningError('BUNDLE', `the bundle holds ${list.length} certificates; at most ${MAX_BUNDLE_CERTIFICATES} are accepted`);
  }
  return list.map((entry: unknown, i) => {
    const field = `verificationMaterial.x509CertificateChain.certificates[${i}]`;
    const raw = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)['rawBytes'] : undefined;
    const der = decodeBase64(raw, `${field}.rawBytes`);
    try {
      return new X509Certificate(der);
    } catch (e) {
      throw new ModelSigningError('BUNDLE', `${field} is not a valid X.509 certificate: ${errorMessage(e)}`);
    }
  });
}

/** "N certificate(s) from 'a.pem', 'b.pem': 'CN=x', 'CN=y'", for the "does not chain" message. */
function givenAnchors(anchors: X509Certificate[], names: string[]): string {
  return `${anchors.length} certificate(s) from ${names.map((p) => `'${p}'`).join(', ')}: ${anchors.map((a) => `'${oneLineName(a.subject)}'`).join(', ')}`;
}

export class CertificateVerifier implements Verifier {
  private readonly timestamps: TimestampVerification | undefined;

  private constructor(
    private readonly anchors: X509Certificate[],
    private readonly options: CertificateVerifierOptions,
    /** Where the anchors came from, for the "does not chain" message. */
    private readonly anchorSource: string = `${anchors.length} given certificate(s)`,
  ) {
    this.timestamps = timestampVerification(options);
  }

  /**
   * `chainPaths`: PEM files whose certificates are the trust anchors (roots or intermediates;
   * any certificate given here ends a chain). None: Node's bundled Mozilla root store.
   */
  static fromFiles(chainPaths: string[], o: CertificateVerifierOptions = {}): CertificateVerifier {
    const anchors =
      chainPaths.length > 0
        ? chainPaths.flatMap((p) => loadCertificates(p, 'certificate chain'))
        : rootCertificates.map((pem) => new X509Certificate(pem));
    debug('trust', () =>
      chainPaths.length > 0
        ? `trust anchors: ${anchors.length} certificate(s) from ${chainPaths.join(', ')}`
        : `trust anchors: Node's bundled root store (${anchors.length} certificates)`,
    );
    for (const a of anchors) o.onFingerprint?.(fingerprintLine('init', a));
    const source =
      chainPaths.length > 0
        ? givenAnchors(anchors, chainPaths)
        : `Node's bundled Mozilla root store (${anchors.length} public roots; give your CA with --certificate-chain)`;
    return new CertificateVerifier(anchors, o, source);
  }

  /** Trust anchors given as PEM texts, named by `names` in errors (the browser build: no files, no system store). */
  static fromPem(pemTexts: string[], names: string[], o: CertificateVerifierOptions = {}): CertificateVerifier {
    const anchors = pemTexts.flatMap((t, i) => certificatesFromPem(t, names[i] ?? `#${i + 1}`, 'certificate chain'));
    for (const a of anchors) o.onFingerprint?.(fingerprintLine('init', a));
    return new CertificateVerifier(anchors, o, givenAnchors(anchors, pemTexts.map((_, i) => names[i] ?? `#${i + 1}`)));
  }

  async verify(bundle: Record<string, unknown>): Promise<VerifiedPayload> {
    const vm = verificationMaterial(bundle);
    requireMaterial(vm, 'certificate');
    const certs = bundleCertificates(vm);
    const env = readEnvelope(bundle);
    for (const c of certs) this.options.onFingerprint?.(fingerprintLine('verify', c));
    const [leaf, ...intermediates] = certs as [X509Certificate, ...X509Certificate[]];
    let curve: string;
    try {
      curve = curveName(leaf.publicKey);
    } catch (e) {
      throw new ModelSigningError('KEY', `signing certificate '${oneLineName(leaf.subject)}': ${errorMessage(e)}`);
    }
    const warnings: string[] = [];
    const stamps = await checkBundleTimestamps(vm, env.signature, this.timestamps, warnings);
    checkStampedWithinValidity(leaf, stamps);
    // With trusted timestamps the leaf must have been valid when it signed, not now: a signature
    // outlives its certificate. Every timestamp's time must pass.
    const times = stamps.length > 0 ? stamps.map((t) => t.time) : [this.options.now ?? new Date()];
    let path: X509Certificate[] = [];
    try {
      for (const t of times) ({ path } = await validateCertificatePath(leaf, intermediates, this.anchors, t));
    } catch (e) {
      if (!(e instanceof ModelSigningError) || !/does not chain to a trusted certificate/.test(e.message)) throw e;
      throw new ModelSigningError('TRUST', `${e.message}; trust anchors used: ${this.anchorSource}; chain in the signature: ${describeChain(certs)}`);
    }
    const subject = oneLineName(leaf.subject);
    // The reference's v0.2.0 signer hashed its mistaken PAE with SHA-256 whatever the curve.
    const { compat } = verifyDsseSignature(env, leaf.publicKey, 'sha256', `the signing certificate '${subject}'`);
    const chain = path.slice(1).map((c) => `'${oneLineName(c.subject)}'`);
    const description = `certificate '${subject}' (EC ${curve}), chained via ${chain.join(' -> ') || 'itself (pinned)'}`;
    if (compat) warnings.push(COMPAT_PAE_WARNING);
    return {
      payloadType: env.payloadType,
      payload: env.payload,
      signer: { method: 'certificate', description, ...(stamps.length > 0 ? { timestamps: describeTimestamps(stamps) } : {}) },
      warnings,
    };
  }
}

/** `'CN=leaf' (issued by 'CN=int') -> 'CN=int' (issued by 'CN=root')`, as the bundle holds it. */
function describeChain(certs: X509Certificate[]): string {
  const parts = certs.map((c) => `'${oneLineName(c.subject)}' (issued by '${oneLineName(c.issuer)}')`);
  return certs.length === 1 ? `${parts[0]} alone (no intermediates)` : parts.join(' -> ');
}
