/**
 * X.509 for the certificate method: reading PEM certificate files, fingerprints in the
 * reference's log format, and RFC 5280 path validation (pkijs), with the checks pkijs lacks.
 */
import { X509Certificate, webcrypto } from 'node:crypto';
import type * as Pkijs from 'pkijs';
import { ModelSigningError, errorMessage } from './errors.js';
import { pemBlocks, readKeyFile } from './keys.js';

/** All certificates of a PEM file (several blocks allowed, text between them ignored). */
export function loadCertificates(path: string, what = 'certificate'): X509Certificate[] {
  return certificatesFromPem(readKeyFile(path, what), path, what);
}

/** The same from PEM text (the browser build has no files); `path` names its origin in errors. */
export function certificatesFromPem(text: string, path: string, what = 'certificate'): X509Certificate[] {
  const blocks = pemBlocks(text).filter((b) => b.label === 'CERTIFICATE');
  if (blocks.length === 0) {
    throw new ModelSigningError('KEY', `${what} file ${path} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)`);
  }
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b.text);
    } catch (e) {
      throw new ModelSigningError('KEY', `${what} file ${path}: certificate #${i + 1} is malformed: ${errorMessage(e)}`);
    }
  });
}

/** `[  init  ] sha256 Fingerprint: AA:BB:...` - the reference's `--log-fingerprints` line. */
export function fingerprintLine(where: 'init' | 'verify', cert: X509Certificate): string {
  const label = where === 'init' ? '  init  ' : ' verify ';
  return `[${label}] sha256 Fingerprint: ${cert.fingerprint256.toUpperCase()}`;
}

/** One-line distinguished name ("CN=a, O=b") from Node's multi-line form. */
export function oneLineName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Path validation

const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_KEY_USAGE = '2.5.29.15';
const OID_EXT_KEY_USAGE = '2.5.29.37';
const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const OID_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

/** What the end-entity certificate of a path is for: signing models, or stamping times (a TSA). */
export type LeafPurpose = 'signing' | 'timeStamping';
const ROLE: Record<LeafPurpose, string> = { signing: 'signing certificate', timeStamping: 'TSA certificate' };
/** Bundle certificates beyond this are refused: each one widens pkijs's path search. */
export const MAX_BUNDLE_CERTIFICATES = 10;
/** pkijs searches issuers recursively without cycle detection; bound the work explicitly. */
const MAX_ISSUER_LOOKUPS = 200;

type EngineCrypto = ConstructorParameters<typeof Pkijs.CryptoEngine>[0]['crypto'];
type PkijsModule = typeof Pkijs;

// pkijs takes ~100 ms to load: only certificate verification needs it, so it is loaded on first use.
let loaded: { pkijs: PkijsModule; crypto: Pkijs.CryptoEngine } | undefined;
async function loadPkijs(): Promise<{ pkijs: PkijsModule; crypto: Pkijs.CryptoEngine }> {
  if (!loaded) {
    const pkijs = await import('pkijs');
    loaded = { pkijs, crypto: new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as EngineCrypto }) };
  }
  return loaded;
}

function toPkijs(pkijs: PkijsModule, cert: X509Certificate): Pkijs.Certificate {
  return pkijs.Certificate.fromBER(new Uint8Array(cert.raw));
}

/** Anchors are parsed once per certificate object (the default store has ~150 roots). */
const anchorCache = new WeakMap<X509Certificate, Pkijs.Certificate>();
function anchorToPkijs(pkijs: PkijsModule, cert: X509Certificate): Pkijs.Certificate {
  let p = anchorCache.get(cert);
  if (!p) anchorCache.set(cert, (p = toPkijs(pkijs, cert)));
  return p;
}

function extension(cert: Pkijs.Certificate, oid: string): Pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

/** Short readable form of a certificate for error messages. */
function label(cert: X509Certificate): string {
  return `'${oneLineName(cert.subject)}'`;
}

function checkValidityNow(cert: X509Certificate, role: string, now: Date): void {
  if (now < new Date(cert.validFrom)) {
    throw new ModelSigningError('TRUST', `the ${role} ${label(cert)} is not valid before ${new Date(cert.validFrom).toISOString()}`);
  }
  if (now > new Date(cert.validTo)) {
    throw new ModelSigningError('TRUST', `the ${role} ${label(cert)} expired on ${new Date(cert.validTo).toISOString()}`);
  }
}

/**
 * The leaf may sign: KeyUsage digitalSignature, or EKU codeSigning (the reference's rule).
 * pkijs does not look at end-entity usage at all.
 */
function checkSigningUsage(leaf: Pkijs.Certificate, node: X509Certificate): void {
  const ku = extension(leaf, OID_KEY_USAGE)?.parsedValue as { valueBlock?: { valueHexView?: Uint8Array } } | undefined;
  const kuBits = ku?.valueBlock?.valueHexView;
  if (kuBits && kuBits.length > 0 && (kuBits[0]! & 0x80) !== 0) return;
  const eku = extension(leaf, OID_EXT_KEY_USAGE)?.parsedValue as Pkijs.ExtKeyUsage | undefined;
  if (eku?.keyPurposes.includes(OID_CODE_SIGNING)) return;
  throw new ModelSigningError(
    'TRUST',
    `the signing certificate ${label(node)} cannot be used for signing (needs KeyUsage digitalSignature or ExtendedKeyUsage codeSigning)`,
  );
}

/** RFC 3161 2.3: the TSA's certificate has extended key usage timeStamping (and it is critical). */
function checkTimeStampingUsage(leaf: Pkijs.Certificate, node: X509Certificate): void {
  const ext = extension(leaf, OID_EXT_KEY_USAGE);
  const eku = ext?.parsedValue as Pkijs.ExtKeyUsage | undefined;
  if (ext?.critical && eku?.keyPurposes.includes(OID_TIME_STAMPING)) return;
  throw new ModelSigningError(
    'TRUST',
    `the TSA certificate ${label(node)} is not a timestamping certificate (needs a critical ExtendedKeyUsage timeStamping)`,
  );
}

/**
 * pkijs checks that each issuer is a CA with keyCertSign but not basicConstraints pathLen,
 * nor critical extensions it does not process; RFC 5280 (6.1.4 (m), (o), 6.1.5) requires both.
 */
function checkPathLengths(path: Pkijs.Certificate[], nodes: X509Certificate[]): void {
  for (let i = 1; i < path.length; i++) {
    const bc = extension(path[i]!, OID_BASIC_CONSTRAINTS)?.parsedValue as Pkijs.BasicConstraints | undefined;
    if (!bc || !('pathLenConstraint' in bc) || typeof bc.pathLenConstraint !== 'number') continue;
    // CAs between this one and the leaf; self-issued ones do not count (RFC 5280 6.1.4 (l)).
    let below = 0;
    for (let j = 1; j < i; j++) if (!path[j]!.subject.isEqual(path[j]!.issuer)) below++;
    if (below > bc.pathLenConstraint) {
      throw new ModelSigningError(
        'TRUST',
        `certificate chain too long: CA ${label(nodes[i]!)} allows ${bc.pathLenConstraint} intermediate CA(s) below it (pathLen), found ${below}`,
      );
    }
  }
}

/**
 * Critical extensions whose meaning this verifier enforces (or that cannot restrict a path): every other
 * critical extension, in any certificate of a path, makes the path invalid (RFC 5280 6.1.3, 6.1.4 (o),
 * 6.1.5 (f)). Deliberately not here: name constraints, policies, policy mappings and constraints, inhibit
 * anyPolicy (restrictions we do not apply), and the CT precertificate poison (a precertificate is no leaf).
 */
const PROCESSED_CRITICAL = new Set([
  OID_BASIC_CONSTRAINTS, // CA flag and pathLen: pkijs and checkPathLengths
  OID_KEY_USAGE, // keyCertSign on issuers (pkijs), digitalSignature on the leaf (checkSigningUsage)
  OID_EXT_KEY_USAGE, // codeSigning on the leaf (checkSigningUsage); Fulcio's leaves carry it
  '2.5.29.17', // subjectAltName: critical when the subject is empty (Fulcio); it names, it does not restrict
  '2.5.29.14', // subjectKeyIdentifier and authorityKeyIdentifier: path building hints only
  '2.5.29.35',
]);

const EXTENSION_NAMES: Record<string, string> = {
  '2.5.29.30': 'nameConstraints',
  '2.5.29.32': 'certificatePolicies',
  '2.5.29.33': 'policyMappings',
  '2.5.29.36': 'policyConstraints',
  '2.5.29.54': 'inhibitAnyPolicy',
  '2.5.29.18': 'issuerAltName',
  '2.5.29.31': 'cRLDistributionPoints',
  '2.5.29.46': 'freshestCRL',
  '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess',
  '1.3.6.1.4.1.11129.2.4.3': 'CT precertificate poison',
  '1.3.6.1.4.1.11129.2.4.2': 'CT signed certificate timestamps',
};

/** The first critical extension of a certificate that we do not process, as `name (oid)`, or null. */
export function unprocessedCriticalExtension(cert: Pkijs.Certificate): string | null {
  for (const ext of cert.extensions ?? []) {
    if (ext.critical && !PROCESSED_CRITICAL.has(ext.extnID)) {
      const name = EXTENSION_NAMES[ext.extnID];
      return name ? `${name} (${ext.extnID})` : `unknown extension ${ext.extnID}`;
    }
  }
  return null;
}

function checkCriticalExtensions(path: Pkijs.Certificate[], nodes: X509Certificate[]): void {
  path.forEach((cert, i) => {
    const ext = unprocessedCriticalExtension(cert);
    if (ext === null) return;
    const role = i === 0 ? 'signing certificate' : i === path.length - 1 ? 'trusted certificate' : 'intermediate certificate';
    throw new ModelSigningError('TRUST', `the ${role} ${label(nodes[i]!)} has a critical ${ext} that this verifier does not process; RFC 5280 requires rejecting the chain`);
  });
}

/**
 * The same rule for certificates checked by another validator (the Sigstore leaf, whose chain
 * @sigstore/verify validates without looking at criticality): throws naming the certificate.
 */
export async function checkNoUnprocessedCriticalExtensions(ders: readonly Uint8Array[], roles: readonly string[]): Promise<void> {
  const { pkijs } = await loadPkijs();
  ders.forEach((der, i) => {
    let cert: Pkijs.Certificate;
    try {
      cert = pkijs.Certificate.fromBER(new Uint8Array(der));
    } catch (e) {
      throw new ModelSigningError('BUNDLE', `the ${roles[i] ?? 'certificate'} is not a valid X.509 certificate: ${errorMessage(e)}`);
    }
    const ext = unprocessedCriticalExtension(cert);
    if (ext !== null) {
      throw new ModelSigningError('TRUST', `the ${roles[i] ?? 'certificate'} has a critical ${ext} that this verifier does not process; RFC 5280 requires rejecting it`);
    }
  });
}

export interface ValidatedPath {
  /** Leaf first, trust anchor last. */
  path: X509Certificate[];
}

/**
 * Validates `leaf` through the untrusted `intermediates` to one of `anchors` at time `now`:
 * signatures (RSA, RSA-PSS, ECDSA issuers), name chaining, validity of every certificate,
 * CA basicConstraints and keyCertSign on issuers (pkijs), plus pathLen, critical extensions
 * of every certificate of the path and leaf signing usage (here). Any anchor ends a path, self-signed or not
 * (partial chains, as Go does); untrusted certificates never do, even self-signed ones.
 */
export async function validateCertificatePath(
  leaf: X509Certificate,
  intermediates: X509Certificate[],
  anchors: X509Certificate[],
  now: Date,
  purpose: LeafPurpose = 'signing',
): Promise<ValidatedPath> {
  if (anchors.length === 0) throw new ModelSigningError('TRUST', 'no trust anchors were given');
  const role = ROLE[purpose];
  checkValidityNow(leaf, role, now);
  const { pkijs, crypto: pkiCrypto } = await loadPkijs();
  const leafPki = toPkijs(pkijs, leaf);
  const byPki = new Map<Pkijs.Certificate, X509Certificate>([[leafPki, leaf]]);
  const pinned = anchors.find((a) => a.raw.equals(leaf.raw));
  let path: Pkijs.Certificate[];
  if (pinned) {
    // The leaf itself is a trust anchor: nothing to chain (pkijs would demand it be a CA).
    path = [leafPki];
  } else {
    const anchorsPki = anchors.map((a) => {
      const p = anchorToPkijs(pkijs, a);
      byPki.set(p, a);
      return p;
    });
    // pkijs takes the LAST certificate as the leaf after removing duplicates: keep the leaf
    // out of the intermediates so a duplicate cannot displace it.
    const untrusted = intermediates.filter((c) => !c.raw.equals(leaf.raw)).map((c) => {
      const p = toPkijs(pkijs, c);
      byPki.set(p, c);
      return p;
    });
    let lookups = 0;
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: anchorsPki,
      certs: [...untrusted, leafPki],
      checkDate: now,
      findIssuer: async (cert, eng, crypto) => {
        if (++lookups > MAX_ISSUER_LOOKUPS) throw new Error('certificate path search limit exceeded');
        return eng.defaultFindIssuer(cert, eng, crypto);
      },
    });
    let result: Pkijs.CertificateChainValidationEngineVerifyResult;
    try {
      result = await engine.verify({}, pkiCrypto);
    } catch (e) {
      throw new ModelSigningError('TRUST', `certificate chain validation failed: ${errorMessage(e)}`);
    }
    if (!result.result || !result.certificatePath) {
      throw new ModelSigningError('TRUST', chainFailureMessage(leaf, result.resultMessage ?? 'unknown error', now, role));
    }
    path = result.certificatePath;
  }
  const nodes = path.map((p) => {
    const n = byPki.get(p);
    if (!n) throw new ModelSigningError('INTERNAL', 'certificate path holds an unknown certificate');
    return n;
  });
  checkPathLengths(path, nodes);
  checkCriticalExtensions(path, nodes);
  if (purpose === 'timeStamping') checkTimeStampingUsage(leafPki, leaf);
  else checkSigningUsage(leafPki, leaf);
  return { path: nodes };
}

function chainFailureMessage(leaf: X509Certificate, why: string, now: Date, role: string): string {
  const subject = label(leaf);
  if (/No valid certificate paths found|Unable to find certificate path/.test(why)) {
    return `the ${role} ${subject} (issued by '${oneLineName(leaf.issuer)}') does not chain to a trusted certificate`;
  }
  if (/not yet valid or expired/.test(why)) {
    return `certificate chain of ${subject} holds a certificate that is expired or not yet valid at ${now.toISOString()}`;
  }
  if (/not a CA certificate/.test(why)) {
    return `certificate chain of ${subject} has an issuer that is not a CA allowed to sign certificates (basicConstraints/keyUsage)`;
  }
  return `certificate chain validation of ${subject} failed: ${why}`;
}
