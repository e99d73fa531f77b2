/**
 * Manifest <-> in-toto Statement v1 (OMS predicate v1.0, and reading the legacy v0.1 predicate).
 * Producing is deterministic (fixed key order, 2-space JSON like the reference, no trailing
 * newline). Reading validates every field BEFORE anything touches the disk: a signed payload is
 * still hostile input (names escaping the model, duplicates, impossible shard layouts).
 */
import { ModelSigningError } from './errors.js';
import {
  DIGEST_SIZE,
  compareCodePoints,
  isHashAlgorithm,
  parseShardName,
  rootDigest,
  type HashAlgorithm,
  type Manifest,
  type ResourceDescriptor,
  type Serialization,
} from './manifest.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_TYPE_V1 = 'https://model_signing/signature/v1.0';
export const PREDICATE_TYPE_LEGACY = 'https://model_signing/Digests/v0.1';

export const DEFAULT_MAX_RESOURCES = 10_000_000;
export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;
export const MAX_JSON_DEPTH = 64;

/** What a signature claims: validated, but not yet compared with any model. */
export interface ExpectedManifest {
  /** 'v1.0': the OMS predicate; 'v0.1': the v0.2.0 reference's per-file subjects. */
  format: 'v1.0' | 'v0.1';
  predicateType: string;
  /** subject[0].name (informational); '' for the legacy format, which has none. */
  modelName: string;
  serialization: Serialization;
  /** In payload order, names as signed. */
  resources: ResourceDescriptor[];
  /** subject[0].digest.sha256 (checked against the resources); null for the legacy format. */
  rootDigest: string | null;
  /** The reference's single-file name `.` (v0.3-v1.x): matches the model file's basename. */
  singleFileDot: boolean;
}

export interface StatementLimits {
  maxResources?: number;
  maxPayloadBytes?: number;
}

// ---------------------------------------------------------------------------------------------
// Producing

/** The OMS v1.0 statement bytes for a manifest (resources re-sorted by code point, root recomputed). */
export function manifestToStatement(m: Manifest): Buffer {
  if (m.resources.length === 0) {
    throw new ModelSigningError('MODEL', `model '${m.modelName}' has no files to sign (OMS requires at least one resource)`);
  }
  // Never sign what verification would refuse.
  for (const r of m.resources) {
    const file = m.serialization.method === 'shards' ? (parseShardName(r.name)?.path ?? r.name) : r.name;
    const why = unsafePathReason(file);
    if (why) throw new ModelSigningError('MODEL', `cannot sign file name ${show(file)}: it ${why}`);
  }
  const s = m.serialization;
  const resources = [...m.resources]
    .sort((a, b) => compareCodePoints(a.name, b.name))
    .map((r) => ({ name: r.name, algorithm: s.hashType, digest: r.digest }));
  const serialization: Record<string, unknown> = { method: s.method, hash_type: s.hashType };
  if (s.method === 'shards') serialization['shard_size'] = s.shardSize;
  serialization['allow_symlinks'] = s.allowSymlinks;
  const ignore = [...new Set(s.ignorePaths)].sort(compareCodePoints);
  if (ignore.length > 0) serialization['ignore_paths'] = ignore;
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: m.modelName, digest: { sha256: rootDigest(resources) } }],
    predicateType: PREDICATE_TYPE_V1,
    predicate: { resources, serialization },
  };
  return Buffer.from(JSON.stringify(statement, null, 2), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// Reading

function bad(msg: string): never {
  throw new ModelSigningError('BUNDLE', `invalid signed statement: ${msg}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/**
 * Maximum nesting depth of a JSON text, scanning it without building it. Hand-written because
 * JSON.parse has no depth limit and no library offers a streaming depth check for one buffer.
 */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Parses JSON from bytes: strict UTF-8, bounded depth. `what` names the input in errors. */
export function parseJsonBytes(bytes: Buffer, what: string, code: 'BUNDLE' = 'BUNDLE'): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ModelSigningError(code, `${what} is not valid UTF-8`);
  }
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new ModelSigningError(code, `${what} is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelSigningError(code, `${what} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

const GLOB_CHARS = /[*?[\]]/;

/** Why a model-relative path is unsafe or ambiguous, or null when it is clean. */
export function unsafePathReason(p: string): string | null {
  if (p.length === 0) return 'is empty';
  if (p.includes('\0')) return 'contains a NUL character';
  if (/[\uD800-\uDFFF]/u.test(p)) return 'contains an unpaired surrogate (not a valid file name)';
  if (p.includes('\\')) {
    // A plain character on POSIX, a separator on Windows: the name must be safe read either way.
    if (process.platform === 'win32') return 'contains a backslash (a path separator here)';
    const asSeparator = unsafePathReason(p.replace(/\\/g, '/'));
    if (asSeparator) return `contains a backslash and, read as a path separator, ${asSeparator}`;
  }
  if (p.startsWith('/')) return 'is absolute';
  if (/^[A-Za-z]:/.test(p) && process.platform === 'win32') return 'starts with a drive letter';
  for (const seg of p.split('/')) {
    if (seg === '') return 'has an empty path segment';
    if (seg === '.') return "has a '.' segment";
    if (seg === '..') return "has a '..' segment (escapes the model)";
  }
  return null;
}

function hexDigest(v: unknown, algorithm: HashAlgorithm, where: string): string {
  const want = DIGEST_SIZE[algorithm] * 2;
  if (typeof v !== 'string' || v.length !== want || !/^[0-9a-f]+$/.test(v)) {
    bad(`${where} must be ${want} lowercase hex characters for ${algorithm}, got ${show(v)}`);
  }
  return v;
}

/** Accepts integral numbers (also the reference's floats like 1000000000.0): 0 < n <= 2^53 - 1. */
function shardSizeOf(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isInteger(v)) {
    bad(`serialization.shard_size must be a positive integer, got ${show(v)}`);
  }
  if (v <= 0) bad(`serialization.shard_size must be positive, got ${v}`);
  if (!Number.isSafeInteger(v)) bad(`serialization.shard_size ${v} is larger than 2^53 - 1`);
  return v;
}

/** The OMS schema forbids other keys (additionalProperties: false); an unknown rule could change what was signed. */
const SERIALIZATION_KEYS = new Set(['method', 'hash_type', 'shard_size', 'allow_symlinks', 'ignore_paths']);

function parseSerialization(v: unknown): Serialization {
  if (!isObject(v)) bad(`predicate.serialization must be an object, got ${show(v)}`);
  for (const k of Object.keys(v)) if (!SERIALIZATION_KEYS.has(k)) bad(`serialization has an unknown field ${show(k)}`);
  const method = v['method'];
  if (method !== 'files' && method !== 'shards') bad(`serialization.method must be "files" or "shards", got ${show(method)}`);
  const hashType = v['hash_type'];
  if (!isHashAlgorithm(hashType)) bad(`serialization.hash_type must be sha256, blake2b or blake3, got ${show(hashType)}`);
  const allowSymlinks = v['allow_symlinks'];
  if (typeof allowSymlinks !== 'boolean') bad(`serialization.allow_symlinks must be a boolean, got ${show(allowSymlinks)}`);
  const rawIgnore = v['ignore_paths'] ?? [];
  if (!Array.isArray(rawIgnore)) bad(`serialization.ignore_paths must be an array, got ${show(rawIgnore)}`);
  const ignorePaths: string[] = [];
  for (const p of rawIgnore) {
    if (typeof p !== 'string') bad(`serialization.ignore_paths entries must be strings, got ${show(p)}`);
    const why = unsafePathReason(p);
    if (why) bad(`serialization.ignore_paths entry ${show(p)} ${why}`);
    if (GLOB_CHARS.test(p)) bad(`serialization.ignore_paths entry ${show(p)} contains glob characters`);
    ignorePaths.push(p);
  }
  const uniqueIgnore = [...new Set(ignorePaths)].sort(compareCodePoints);
  if (method === 'files') {
    if (v['shard_size'] !== undefined) bad('serialization.shard_size must be absent when method is "files"');
    return { method, hashType, allowSymlinks, ignorePaths: uniqueIgnore };
  }
  if (v['shard_size'] === undefined) bad('serialization.shard_size is required when method is "shards"');
  return { method, hashType, allowSymlinks, ignorePaths: uniqueIgnore, shardSize: shardSizeOf(v['shard_size']) };
}

function checkResourceCount(n: number, limits: StatementLimits): void {
  if (n === 0) bad('the manifest lists no resources');
  const max = limits.maxResources ?? DEFAULT_MAX_RESOURCES;
  if (n > max) bad(`the manifest lists ${n} resources, more than the limit of ${max}`);
}

/** Checks names (clean, unique, no file also used as a directory) and shard layouts. */
function checkNames(resources: ResourceDescriptor[], s: Serialization): boolean {
  const seen = new Set<string>();
  const files = new Set<string>();
  const shardsByFile = new Map<string, Array<{ start: number; end: number; name: string }>>();
  for (const r of resources) {
    if (seen.has(r.name)) bad(`resource name ${show(r.name)} is listed twice`);
    seen.add(r.name);
    let file = r.name;
    if (s.method === 'shards') {
      const parsed = parseShardName(r.name);
      if (!parsed) bad(`shard resource name ${show(r.name)} is not 'path:start:end'`);
      if (parsed.end <= parsed.start) bad(`shard ${show(r.name)} is empty or reversed`);
      file = parsed.path;
      const list = shardsByFile.get(file) ?? [];
      list.push({ ...parsed, name: r.name });
      shardsByFile.set(file, list);
    }
    files.add(file);
  }
  const dot = files.has('.');
  if (dot && files.size > 1) bad("the single-file name '.' is mixed with other names");
  if (!dot) {
    for (const f of files) {
      const why = unsafePathReason(f);
      if (why) bad(`resource name ${show(f)} ${why}`);
    }
    // A signer excludes its ignore paths, so a resource under one is an inconsistent manifest.
    for (const f of files) {
      const hit = s.ignorePaths.find((p) => f === p || f.startsWith(p + '/'));
      if (hit !== undefined) bad(`resource name ${show(f)} lies under the signed ignore path ${show(hit)}`);
    }
    // A name cannot be both a file and the directory of another name.
    for (const f of files) {
      for (let i = f.indexOf('/'); i !== -1; i = f.indexOf('/', i + 1)) {
        if (files.has(f.slice(0, i))) bad(`resource name ${show(f.slice(0, i))} is both a file and a directory`);
      }
    }
  }
  if (s.method === 'shards') {
    for (const [file, list] of shardsByFile) {
      list.sort((a, b) => a.start - b.start);
      let expect = 0;
      list.forEach((sh, i) => {
        if (sh.start !== expect) bad(`shards of ${show(file)} are not contiguous from 0: ${show(sh.name)} starts at ${sh.start}, expected ${expect}`);
        const len = sh.end - sh.start;
        const last = i === list.length - 1;
        if (last ? len > s.shardSize : len !== s.shardSize) {
          bad(`shard ${show(sh.name)} has ${len} bytes, but the shard size is ${s.shardSize}`);
        }
        expect = sh.end;
      });
    }
  }
  return dot;
}

function parseResources(v: unknown, s: Serialization, limits: StatementLimits): ResourceDescriptor[] {
  if (!Array.isArray(v)) bad(`predicate.resources must be an array, got ${show(v)}`);
  checkResourceCount(v.length, limits);
  const legacyAlgorithm = s.method === 'shards' ? `${s.hashType}-sharded-${s.shardSize}` : null;
  return v.map((r: unknown, i: number): ResourceDescriptor => {
    if (!isObject(r)) bad(`predicate.resources[${i}] must be an object`);
    const name = r['name'];
    if (typeof name !== 'string' || name.length === 0) bad(`predicate.resources[${i}].name must be a non-empty string`);
    const algorithm = r['algorithm'];
    if (algorithm !== s.hashType && algorithm !== legacyAlgorithm) {
      bad(`predicate.resources[${i}].algorithm ${show(algorithm)} does not match hash_type ${s.hashType}`);
    }
    const digest = hexDigest(r['digest'], s.hashType, `predicate.resources[${i}].digest`);
    return { name, algorithm: algorithm as string, digest };
  });
}

function parseSubjectV1(v: unknown): { name: string; root: string } {
  if (!Array.isArray(v)) bad('subject must be an array');
  if (v.length !== 1) bad(`expected exactly one subject, got ${v.length}`);
  const s = v[0];
  if (!isObject(s)) bad('subject[0] must be an object');
  const name = s['name'];
  if (typeof name !== 'string' || name.length === 0) bad('subject[0].name must be a non-empty string');
  const digest = s['digest'];
  if (!isObject(digest)) bad('subject[0].digest must be an object');
  return { name, root: hexDigest(digest['sha256'], 'sha256', 'subject[0].digest.sha256') };
}

function legacyManifest(st: Record<string, unknown>, limits: StatementLimits): ExpectedManifest {
  const subjects = st['subject'];
  if (!Array.isArray(subjects)) bad('subject must be an array');
  checkResourceCount(subjects.length, limits);
  const serialization: Serialization = { method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths: [] };
  const resources = subjects.map((s: unknown, i: number): ResourceDescriptor => {
    if (!isObject(s)) bad(`subject[${i}] must be an object`);
    const name = s['name'];
    if (typeof name !== 'string' || name.length === 0) bad(`subject[${i}].name must be a non-empty string`);
    const digest = s['digest'];
    if (!isObject(digest)) bad(`subject[${i}].digest must be an object`);
    return { name, algorithm: 'sha256', digest: hexDigest(digest['sha256'], 'sha256', `subject[${i}].digest.sha256`) };
  });
  const singleFileDot = checkNames(resources, serialization);
  return { format: 'v0.1', predicateType: PREDICATE_TYPE_LEGACY, modelName: '', serialization, resources, rootDigest: null, singleFileDot };
}

/** Parses and validates the signed statement; nothing here reads the model. */
export function statementToManifest(payload: Buffer, limits: StatementLimits = {}): ExpectedManifest {
  const maxBytes = limits.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  if (payload.length > maxBytes) bad(`the payload is ${payload.length} bytes, more than the limit of ${maxBytes}`);
  const st = parseJsonBytes(payload, 'the signed payload');
  if (!isObject(st)) bad('the payload is not a JSON object');
  if (st['_type'] !== STATEMENT_TYPE) bad(`_type must be ${STATEMENT_TYPE}, got ${show(st['_type'])}`);
  const predicateType = st['predicateType'];
  if (predicateType === PREDICATE_TYPE_LEGACY) return legacyManifest(st, limits);
  if (predicateType !== PREDICATE_TYPE_V1) {
    bad(`predicateType must be ${PREDICATE_TYPE_V1} (or the legacy ${PREDICATE_TYPE_LEGACY}), got ${show(predicateType)}`);
  }
  const subject = parseSubjectV1(st['subject']);
  const predicate = st['predicate'];
  if (!isObject(predicate)) bad('predicate must be an object');
  const serialization = parseSerialization(predicate['serialization']);
  const resources = parseResources(predicate['resources'], serialization, limits);
  const singleFileDot = checkNames(resources, serialization);
  // The root is computed over the payload's order: the reference's order differs from the spec's.
  const actualRoot = rootDigest(resources);
  if (actualRoot !== subject.root) {
    bad(`manifest is inconsistent: root digest is ${subject.root} but the resources hash to ${actualRoot}`);
  }
  return { format: 'v1.0', predicateType, modelName: subject.name, serialization, resources, rootDigest: subject.root, singleFileDot };
}
