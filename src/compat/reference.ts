/**
 * `--compat reference`: the manifest layout the Python reference `model_signing` 1.1.1 writes and
 * expects, where it differs from the OMS spec form we write by default:
 * - a single-file model's resource is named `.` (shards `.:start:end`), not the file's basename;
 * - shard resources carry `algorithm: "<hash>-sharded-<shard size>"`, not the hash name;
 * - resources are ordered by path components, then by numeric shard offsets (so the root digest
 *   differs from the spec's code-point order for `model/` beside `model.bin`, or 0:8 before 16:23);
 * - `shard_size` is written as a float (`8.0`) and the predicate keys in its protobuf order.
 * The statement bytes reproduce the reference's goldens exactly. Hand-written: no library knows
 * this layout, and it is small.
 */
import { ModelSigningError } from '../errors.js';
import { parseShardName, rootDigest, type Manifest, type ResourceDescriptor, type Serialization } from '../manifest.js';
import { STATEMENT_TYPE, PREDICATE_TYPE_V1, unsafePathReason } from '../statement.js';

export const COMPAT_MODES = ['spec', 'reference'] as const;
export type Compat = (typeof COMPAT_MODES)[number];

export function parseCompat(s: string): Compat {
  const v = s.trim().toLowerCase();
  if ((COMPAT_MODES as readonly string[]).includes(v)) return v as Compat;
  throw new ModelSigningError('USAGE', `unknown compatibility mode '${s}': expected spec or reference`);
}

/** Refuses, before any hashing, what the reference cannot verify whatever we write. */
export function checkReferenceSerialization(s: Serialization): void {
  if (s.method === 'shards' && s.hashType === 'blake3') {
    throw new ModelSigningError(
      'USAGE',
      'model_signing 1.1.1 never shards BLAKE3 (it hashes whole files instead), so it cannot verify BLAKE3 shards: use --serialization files with --hash-algorithm blake3, or sha256 shards',
    );
  }
}

interface RefKey {
  parts: string[];
  start: number;
  end: number;
}

function refKey(r: ResourceDescriptor, shards: boolean): RefKey {
  if (!shards) return { parts: r.name.split('/'), start: 0, end: 0 };
  const p = parseShardName(r.name);
  if (!p) throw new ModelSigningError('INTERNAL', `shard resource name '${r.name}' is not 'path:start:end'`);
  return { parts: p.path.split('/'), start: p.start, end: p.end };
}

/** Python str comparison: code points (JS `<` compares UTF-16 units, which differs above U+FFFF). */
function compareStr(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** PurePosixPath order (component lists), then shard start and end as integers. */
function compareRefKeys(a: RefKey, b: RefKey): number {
  const n = Math.min(a.parts.length, b.parts.length);
  for (let i = 0; i < n; i++) {
    const c = compareStr(a.parts[i]!, b.parts[i]!);
    if (c !== 0) return c;
  }
  if (a.parts.length !== b.parts.length) return a.parts.length - b.parts.length;
  return a.start - b.start || a.end - b.end;
}

/** The manifest as the reference lays it out: names, algorithm strings, order and root digest. */
export function referenceLayout(m: Manifest): Manifest {
  const s = m.serialization;
  checkReferenceSerialization(s);
  const shards = s.method === 'shards';
  const algorithm = shards ? `${s.hashType}-sharded-${s.shardSize}` : s.hashType;
  const rename = (name: string): string => {
    if (!m.singleFile) return name;
    if (!shards) return '.';
    const p = parseShardName(name);
    return p ? `.:${p.start}:${p.end}` : name;
  };
  const resources = m.resources
    .map((r) => ({ name: rename(r.name), algorithm, digest: r.digest }))
    .map((r) => ({ r, key: refKey(r, shards) }))
    .sort((a, b) => compareRefKeys(a.key, b.key))
    .map((x) => x.r);
  return { ...m, resources, rootDigest: rootDigest(resources) };
}

/** Python's repr of an integral float as protobuf's JSON writes it (`8.0`, `1e+16`). */
function pythonFloat(n: number): string {
  if (n < 1e16) return `${n}.0`;
  const [mant, exp] = n.toExponential().split('e');
  return `${mant}e+${exp!.replace('+', '').padStart(2, '0')}`;
}

/**
 * The statement bytes the reference writes for a manifest already in reference layout: 2-space JSON,
 * serialization before resources, resource keys algorithm/digest/name, no trailing newline.
 */
export function referenceStatement(m: Manifest): Buffer {
  if (m.resources.length === 0) {
    throw new ModelSigningError('MODEL', `model '${m.modelName}' has no files to sign (OMS requires at least one resource)`);
  }
  const s = m.serialization;
  // Never sign what verification would refuse.
  for (const r of m.resources) {
    const file = s.method === 'shards' ? (parseShardName(r.name)?.path ?? r.name) : r.name;
    const why = file === '.' && m.singleFile ? null : unsafePathReason(file);
    if (why) throw new ModelSigningError('MODEL', `cannot sign file name ${JSON.stringify(file)}: it ${why}`);
  }
  const FLOAT = '\u0000shard_size\u0000';
  const serialization: Record<string, unknown> = { method: s.method, hash_type: s.hashType, allow_symlinks: s.allowSymlinks };
  if (s.method === 'shards') serialization['shard_size'] = FLOAT;
  if (s.ignorePaths.length > 0) serialization['ignore_paths'] = [...s.ignorePaths];
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: m.modelName, digest: { sha256: rootDigest(m.resources) } }],
    predicateType: PREDICATE_TYPE_V1,
    predicate: {
      serialization,
      resources: m.resources.map((r) => ({ algorithm: r.algorithm, digest: r.digest, name: r.name })),
    },
  };
  // The placeholder (a NUL cannot appear in any other JSON string here) becomes a bare float.
  const text = JSON.stringify(statement, null, 2);
  return Buffer.from(s.method === 'shards' ? text.replace(JSON.stringify(FLOAT), pythonFloat(s.shardSize)) : text, 'utf8');
}

/**
 * Why a spec-form signature of this manifest would not verify with the reference 1.1.1 and how to
 * get one that does, or null when it would (its verifier compares manifests as maps, so file order
 * alone is no problem).
 */
export function referenceIncompatibility(m: Manifest): { why: string; fix: string } | null {
  const s = m.serialization;
  if (s.method === 'shards' && s.hashType === 'blake3') {
    return { why: 'it never shards BLAKE3', fix: 'sign with --serialization files, or SHA-256 shards with --compat reference' };
  }
  const fix = 'sign with --compat reference for one it can';
  if (s.method === 'shards') return { why: "it expects shard algorithms named '<hash>-sharded-<size>'", fix };
  if (m.singleFile) return { why: "it names a single-file model's resource '.'", fix };
  return null;
}
