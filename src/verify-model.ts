/**
 * Verification after the cryptography: the verified payload becomes a validated expected
 * manifest, the model is re-hashed with the signature's OWN serialization parameters (callers
 * can only add exclusions), and the two are compared as maps into a structured report.
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Config, type DigestCacheOptions } from './api/hashing.js';
import { ModelSigningError } from './errors.js';
import { debug, elapsedMs } from './debug-log.js';
import { parseShardName, type Manifest, type ResourceDescriptor, type Serialization } from './manifest.js';
import { statementToManifest, type ExpectedManifest, type StatementLimits } from './statement.js';
import { IN_TOTO_PAYLOAD_TYPE, type BundleJSON } from './signers/types.js';
import { checkBundleConsistency } from './bundle-consistency.js';
import type { SignerInfo, Verifier } from './verifiers/types.js';
import type { HashProgress } from './hashing/types.js';

export interface Mismatch {
  /** Resource name (a file, or `path:start:end` for shards). */
  name: string;
  /** Signed digest (hex); null when the signature has no such shard. */
  expected: string | null;
  /** Digest of the local content (hex); null when the model has no such shard. */
  actual: string | null;
}

export interface VerificationReport {
  ok: boolean;
  /** subject[0].name as signed (informational). */
  modelName: string;
  format: ExpectedManifest['format'];
  predicateType: string;
  serialization: Serialization;
  rootDigest: string | null;
  /** Number of signed resources (files or shards). */
  resourceCount: number;
  /** The signed resources, in payload order and with the names as signed. */
  resources: ResourceDescriptor[];
  /** Local files the signature does not list (never reported with ignore-unsigned-files). */
  extraFiles: string[];
  /** Signed files not found in the model. */
  missingFiles: string[];
  /** Content that differs, with both digests. */
  mismatches: Mismatch[];
  warnings: string[];
  signer: SignerInfo;
}

/** The report for a verified signature and the comparison of its manifest with the model (every front end's). */
export function verificationReport(
  expected: ExpectedManifest,
  diff: Pick<VerificationReport, 'extraFiles' | 'missingFiles' | 'mismatches'>,
  warnings: string[],
  signer: SignerInfo,
): VerificationReport {
  return {
    ok: diff.extraFiles.length === 0 && diff.missingFiles.length === 0 && diff.mismatches.length === 0,
    modelName: expected.modelName,
    format: expected.format,
    predicateType: expected.predicateType,
    serialization: expected.serialization,
    rootDigest: expected.rootDigest,
    resourceCount: expected.resources.length,
    resources: expected.resources,
    ...diff,
    warnings,
    signer,
  };
}

/** A successful verification. */
export type VerificationResult = VerificationReport & { ok: true };

/** Thrown when the model does not match its (validly signed) manifest; carries the full report. */
export class VerificationMismatchError extends ModelSigningError {
  readonly report: VerificationReport;
  constructor(report: VerificationReport) {
    super('MISMATCH', mismatchSummary(report));
    this.name = 'VerificationMismatchError';
    this.report = report;
  }
}

/** What the caller may add to the signature's own hashing parameters. */
export interface VerifyHashingOverrides {
  /** Extra model-relative exclusions (e.g. the signature file inside the model, --ignore-paths). */
  ignorePaths?: string[];
  /** Exclude the top-level git paths (default true, as when signing). */
  ignoreGitPaths?: boolean;
  /** Follow symlinks even if the signature says they were not allowed. */
  allowSymlinks?: boolean;
  onProgress?: (p: HashProgress) => void;
  onWarning?: (message: string) => void;
  /** Opt-in: trust digests of unchanged files from the digest cache instead of re-hashing them. */
  digestCache?: DigestCacheOptions;
}

export interface VerifyModelOptions {
  verifier: Verifier;
  ignoreUnsignedFiles?: boolean;
  hashing?: VerifyHashingOverrides;
  limits?: StatementLimits;
}

export const LEGACY_FORMAT_WARNING =
  'this signature uses the deprecated v0.1 manifest format (no serialization parameters, no root digest); please re-sign the model';
export const EMPTY_SHARD_FILES_WARNING =
  'shard signatures cannot record empty files (OMS omits them), so an empty file the signature does not list is reported as unsigned: it may have been added after signing';
export const SYMLINKS_WARNING = 'the signature allows symbolic links: linked content outside the model is trusted as signed';

const MAX_SUMMARY_NAMES = 3;
function listNames(names: string[]): string {
  const shown = names.slice(0, MAX_SUMMARY_NAMES).map((n) => `'${n}'`);
  if (names.length > MAX_SUMMARY_NAMES) shown.push(`and ${names.length - MAX_SUMMARY_NAMES} more`);
  return shown.join(', ');
}

/** One line naming what differs. */
export function mismatchSummary(r: VerificationReport): string {
  const parts: string[] = [];
  if (r.mismatches.length > 0) parts.push(`${r.mismatches.length} digest mismatch(es): ${listNames(r.mismatches.map((m) => m.name))}`);
  if (r.missingFiles.length > 0) parts.push(`${r.missingFiles.length} missing file(s): ${listNames(r.missingFiles)}`);
  if (r.extraFiles.length > 0) parts.push(`${r.extraFiles.length} unsigned file(s): ${listNames(r.extraFiles)}`);
  return `the model does not match its signature: ${parts.join('; ')}`;
}

function fileOf(name: string, s: Serialization): string {
  if (s.method !== 'shards') return name;
  return parseShardName(name)?.path ?? name;
}

/** The expected name->digest map, mapping the reference's single-file `.` onto the local file's name. */
function expectedMap(expected: ExpectedManifest, localFileName: string | null): Map<string, string> {
  const map = new Map<string, string>();
  for (const r of expected.resources) {
    let name = r.name;
    if (expected.singleFileDot && localFileName !== null) {
      name = expected.serialization.method === 'shards' ? localFileName + name.slice(1) : localFileName;
    }
    map.set(name, r.digest);
  }
  return map;
}

/** Compares as maps; with ignoreUnsigned, local files absent from the signature are not reported. */
export function compareManifests(
  expected: ExpectedManifest,
  actual: readonly ResourceDescriptor[],
  opts: { ignoreUnsignedFiles: boolean; localFileName: string | null; missing?: readonly string[]; emptyFiles?: readonly string[] },
): Pick<VerificationReport, 'extraFiles' | 'missingFiles' | 'mismatches'> {
  const s = expected.serialization;
  const want = expectedMap(expected, opts.localFileName);
  const have = new Map(actual.map((r) => [r.name, r.digest] as const));
  const wantFiles = new Set([...want.keys()].map((n) => fileOf(n, s)));
  const haveFiles = new Set([...have.keys()].map((n) => fileOf(n, s)));
  // Shards: empty files have no resource (OMS 6.3.2), but they are local files all the same. One the
  // signature does not list is unsigned (an added empty `__init__.py` changes what Python imports);
  // a signed file that is now empty has its shards reported as changed.
  const emptyFiles = s.method === 'shards' ? (opts.emptyFiles ?? []) : [];
  for (const f of emptyFiles) haveFiles.add(f);
  const mismatches: Mismatch[] = [];
  const missing = new Set<string>(opts.missing ?? []);
  const extra = new Set<string>();
  for (const [name, digest] of want) {
    const got = have.get(name);
    if (got === undefined) {
      if (haveFiles.has(fileOf(name, s))) mismatches.push({ name, expected: digest, actual: null });
      else missing.add(fileOf(name, s));
    } else if (got !== digest) mismatches.push({ name, expected: digest, actual: got });
  }
  for (const [name, digest] of have) {
    if (want.has(name)) continue;
    if (wantFiles.has(fileOf(name, s))) mismatches.push({ name, expected: null, actual: digest });
    else if (!opts.ignoreUnsignedFiles) extra.add(fileOf(name, s));
  }
  if (!opts.ignoreUnsignedFiles) for (const f of emptyFiles) if (!wantFiles.has(f)) extra.add(f);
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    extraFiles: [...extra].sort(),
    missingFiles: [...missing].sort(),
    mismatches: mismatches.sort(byName),
  };
}

/** The local single file's name when the model path is a file, else null. */
function localSingleFileName(modelPath: string): string | null {
  try {
    return statSync(modelPath).isFile() ? basename(resolve(modelPath)) : null;
  } catch {
    return null; // hashing reports the missing path with a proper message
  }
}

/** The hashing configuration the signature describes, plus the caller's exclusions. */
export function hashingConfigFor(expected: ExpectedManifest, o: VerifyHashingOverrides = {}): Config {
  const s = expected.serialization;
  const allowSymlinks = s.allowSymlinks || o.allowSymlinks === true;
  const cfg = Config.fromSerialization({ ...s, allowSymlinks }, { signedResources: expected.resources.length });
  const paths = [...new Set([...s.ignorePaths, ...(o.ignorePaths ?? [])])];
  cfg.setIgnoredPaths({ paths, ignoreGitPaths: o.ignoreGitPaths !== false });
  if (o.onProgress) cfg.setProgressHandler(o.onProgress);
  if (o.onWarning) cfg.setWarningHandler(o.onWarning);
  if (o.digestCache) cfg.useDigestCache(o.digestCache);
  return cfg;
}

/**
 * The first half of every verification (Node, browser): redundant bundle fields agree with what is verified,
 * the signature and trust verify, the payload is an OMS statement; returns its manifest and the warnings.
 */
export async function verifySignedManifest(
  bundle: BundleJSON,
  verifier: Verifier,
  limits?: StatementLimits,
): Promise<{ verified: Awaited<ReturnType<Verifier['verify']>>; expected: ExpectedManifest; warnings: string[] }> {
  checkBundleConsistency(bundle);
  const verifyStart = performance.now();
  const verified = await verifier.verify(bundle);
  debug('verify', () => `signature verified in ${elapsedMs(verifyStart)}: signed by ${verified.signer.description}`);
  if (verified.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new ModelSigningError('BUNDLE', `expected DSSE payload type ${IN_TOTO_PAYLOAD_TYPE}, but got '${verified.payloadType}'`);
  }
  const expected = statementToManifest(verified.payload, limits);
  const warnings = [...verified.warnings];
  if (expected.format === 'v0.1') warnings.push(LEGACY_FORMAT_WARNING);
  if (expected.serialization.allowSymlinks) warnings.push(SYMLINKS_WARNING);
  return { verified, expected, warnings };
}

/** Verifies the bundle, then the model against it. Returns the report; `ok` says whether they match. */
export async function verifyModel(modelPath: string, bundle: BundleJSON, o: VerifyModelOptions): Promise<VerificationReport> {
  // Fields the verifiers do not authenticate must agree with those they do (media type, proof roots, times).
  const { verified, expected, warnings } = await verifySignedManifest(bundle, o.verifier, o.limits);
  for (const w of warnings) o.hashing?.onWarning?.(w);

  const cfg = hashingConfigFor(expected, o.hashing);
  const localFileName = localSingleFileName(modelPath);
  const ignoreUnsignedFiles = o.ignoreUnsignedFiles === true;
  let actual: Manifest;
  let missing: string[] = [];
  let emptyFiles: string[];
  if (ignoreUnsignedFiles) {
    // Only the signed names, already validated as clean relative paths: nothing outside the model.
    // The reference's `.` names the model file itself; with a directory model it cannot exist.
    const files = new Set([...expectedMap(expected, localFileName).keys()].map((n) => fileOf(n, expected.serialization)));
    if (files.delete('.')) missing.push('.');
    const selected = await cfg.hashWithDetails(modelPath, [...files]);
    actual = selected.manifest;
    missing = [...missing, ...selected.missing];
    emptyFiles = selected.emptyFiles;
  } else {
    ({ manifest: actual, emptyFiles } = await cfg.hashWithDetails(modelPath));
  }
  const diff = compareManifests(expected, actual.resources, { ignoreUnsignedFiles, localFileName, missing, emptyFiles });
  if (expected.serialization.method === 'shards' && diff.extraFiles.some((f) => emptyFiles.includes(f))) {
    const w = EMPTY_SHARD_FILES_WARNING;
    warnings.push(w);
    o.hashing?.onWarning?.(w);
  }
  return verificationReport(expected, diff, warnings, verified.signer);
}
