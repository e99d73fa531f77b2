/**
 * The manifest: what a model is made of, as a list of resource descriptors
 * (one per file, or per shard of a file), plus the serialization parameters
 * needed to reproduce it. Pure data and pure functions; no I/O.
 */
import { createHash } from 'node:crypto';
import { ModelSigningError } from './errors.js';

export const HASH_ALGORITHMS = ['sha256', 'blake2b', 'blake3'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** Digest length in bytes of each algorithm (blake2b is BLAKE2b-512). */
export const DIGEST_SIZE: Record<HashAlgorithm, number> = { sha256: 32, blake2b: 64, blake3: 32 };

export const DEFAULT_SHARD_SIZE = 1_000_000_000;

export function isHashAlgorithm(s: unknown): s is HashAlgorithm {
  return typeof s === 'string' && (HASH_ALGORITHMS as readonly string[]).includes(s);
}

/** Accepts the reference's API spelling `blake2` too. */
export function parseHashAlgorithm(s: string): HashAlgorithm {
  const v = s.trim().toLowerCase();
  if (v === 'blake2') return 'blake2b';
  if (isHashAlgorithm(v)) return v;
  throw new ModelSigningError('USAGE', `unknown hash algorithm '${s}': expected one of ${HASH_ALGORITHMS.join(', ')}`);
}

interface SerializationCommon {
  hashType: HashAlgorithm;
  allowSymlinks: boolean;
  /** Model-relative, canonical ('/'-separated), sorted, without duplicates. */
  ignorePaths: string[];
}
export interface FileSerialization extends SerializationCommon {
  method: 'files';
}
export interface ShardSerialization extends SerializationCommon {
  method: 'shards';
  shardSize: number;
}
export type Serialization = FileSerialization | ShardSerialization;

export interface ResourceDescriptor {
  /** Canonical model-relative path; for shards `path:start:end`. */
  name: string;
  /** Algorithm identifier as recorded (OMS: equal to hash_type). */
  algorithm: string;
  /** Lowercase hex digest. */
  digest: string;
}

/**
 * Code-point order (not UTF-16 code unit order, which `<` on strings gives). The two differ only where
 * a surrogate (U+D800-DFFF, part of a code point above U+FFFF) meets a unit U+E000-FFFF: remapping
 * those two ranges at the first difference gives code-point order without decoding the strings.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

export function sortResources(rs: ResourceDescriptor[]): ResourceDescriptor[] {
  // Hashing hands over resources already in order: then checking is enough (no copy of a long list).
  for (let i = 1; i < rs.length; i++) {
    if (compareCodePoints(rs[i - 1]!.name, rs[i]!.name) > 0) return [...rs].sort((a, b) => compareCodePoints(a.name, b.name));
  }
  return rs;
}

/** OMS root digest: SHA-256 over the raw digests, in the given order. */
export function rootDigest(resources: readonly ResourceDescriptor[]): string {
  const h = createHash('sha256');
  for (const r of resources) h.update(Buffer.from(r.digest, 'hex'));
  return h.digest('hex');
}

export function shardName(path: string, start: number, end: number): string {
  return `${path}:${start}:${end}`;
}

/** Splits `path:start:end` using the LAST two colon-separated decimal parts (OMS 6.3.2). */
export function parseShardName(name: string): { path: string; start: number; end: number } | null {
  const m = /^(.*):(0|[1-9][0-9]*):(0|[1-9][0-9]*)$/s.exec(name);
  if (!m) return null;
  const start = Number(m[2]);
  const end = Number(m[3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return null;
  return { path: m[1]!, start, end };
}

export interface Manifest {
  /** Informational model name (basename of the model path). */
  modelName: string;
  serialization: Serialization;
  /** Sorted by name in code-point order when produced by hashing. */
  resources: ResourceDescriptor[];
  /** Hex SHA-256 root digest over `resources` in order. */
  rootDigest: string;
  /** The model path was a single file (set by hashing; `--compat reference` names it `.`). */
  singleFile?: boolean;
}

export function makeManifest(modelName: string, serialization: Serialization, resources: ResourceDescriptor[]): Manifest {
  const sorted = sortResources(resources);
  return { modelName, serialization, resources: sorted, rootDigest: rootDigest(sorted) };
}
