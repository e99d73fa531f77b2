/**
 * On-disk format of one model root's cache file: a header line carrying a version, the SHA-256
 * and the length of the body, then a JSON body. The checksum makes a truncated or corrupted file
 * detectable, so it is ignored (and rewritten) instead of trusted.
 *
 *   model-signing-digest-cache 1 sha256:<hex> <body length>\n<body JSON>
 */
import { createHash } from 'node:crypto';
import { isAbsolute, sep } from 'node:path';
import { DIGEST_SIZE, isHashAlgorithm } from '../manifest.js';
import type { CacheKey } from './key.js';

const MAGIC = 'model-signing-digest-cache';
const VERSION = 1;

/** One recorded digest. `hashStartedNs` is when hashing began, for the racy-timestamp rule. */
export interface CacheEntry extends CacheKey {
  digest: Buffer;
  hashStartedNs: bigint;
}

export interface CacheFileContents {
  root: string;
  entries: CacheEntry[];
}

/** Entries stored as arrays (compact for models with very many files), paths relative to the root. */
type Row = [string, string, string, number, string, string, string, number, number, string, string];

function relativeTo(root: string, path: string): string | null {
  if (path === root) return '';
  const prefix = root.endsWith(sep) ? root : root + sep;
  return path.startsWith(prefix) ? path.slice(prefix.length) : null;
}

function absoluteFrom(root: string, rel: string): string {
  if (rel === '') return root;
  return root.endsWith(sep) ? root + rel : root + sep + rel;
}

export function isUnderRoot(root: string, path: string): boolean {
  return relativeTo(root, path) !== null;
}

export function encodeCacheFile(c: CacheFileContents): Buffer {
  const rows: Row[] = [];
  for (const e of c.entries) {
    const rel = relativeTo(c.root, e.path);
    if (rel === null) continue;
    rows.push([rel, String(e.dev), String(e.ino), e.size, String(e.mtimeNs), String(e.ctimeNs), e.algorithm, e.start, e.end, e.digest.toString('hex'), String(e.hashStartedNs)]);
  }
  const body = Buffer.from(JSON.stringify({ root: c.root, entries: rows }), 'utf8');
  const sum = createHash('sha256').update(body).digest('hex');
  return Buffer.concat([Buffer.from(`${MAGIC} ${VERSION} sha256:${sum} ${body.length}\n`, 'utf8'), body]);
}

export class CacheFormatError extends Error {}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const SIGNED_DECIMAL = /^-?(0|[1-9][0-9]*)$/;

function big(v: unknown, signed = false): bigint {
  if (typeof v !== 'string' || !(signed ? SIGNED_DECIMAL : DECIMAL).test(v)) throw new CacheFormatError('bad integer field');
  return BigInt(v);
}
function int(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new CacheFormatError('bad number field');
  return v;
}

/** Parses and validates a cache file; throws CacheFormatError on anything unexpected. */
export function decodeCacheFile(data: Buffer): CacheFileContents {
  const nl = data.indexOf(0x0a);
  if (nl < 0 || nl > 200) throw new CacheFormatError('no header');
  const m = /^(\S+) (\d+) sha256:([0-9a-f]{64}) (\d+)$/.exec(data.subarray(0, nl).toString('utf8'));
  if (!m || m[1] !== MAGIC) throw new CacheFormatError('not a digest cache file');
  if (Number(m[2]) !== VERSION) throw new CacheFormatError(`unsupported version ${m[2]}`);
  const body = data.subarray(nl + 1);
  if (body.length !== Number(m[4])) throw new CacheFormatError(`truncated (${body.length} of ${m[4]} bytes)`);
  if (createHash('sha256').update(body).digest('hex') !== m[3]) throw new CacheFormatError('checksum mismatch');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new CacheFormatError('body is not JSON');
  }
  const o = parsed as { root?: unknown; entries?: unknown };
  if (typeof o !== 'object' || o === null || typeof o.root !== 'string' || !isAbsolute(o.root) || !Array.isArray(o.entries)) {
    throw new CacheFormatError('bad body');
  }
  const root = o.root;
  const entries: CacheEntry[] = [];
  for (const r of o.entries as unknown[]) {
    if (!Array.isArray(r) || r.length !== 11) throw new CacheFormatError('bad entry');
    const [rel, dev, ino, size, mtime, ctime, alg, start, end, digest, started] = r as unknown[];
    if (typeof rel !== 'string' || isAbsolute(rel) || rel.split(sep).some((s) => s === '..')) throw new CacheFormatError('bad entry path');
    // An algorithm this version does not know (written by a newer one) is skipped, not fatal.
    if (typeof alg !== 'string') throw new CacheFormatError('bad algorithm');
    if (!isHashAlgorithm(alg)) continue;
    if (typeof digest !== 'string' || !/^[0-9a-f]*$/.test(digest) || digest.length !== DIGEST_SIZE[alg] * 2) {
      throw new CacheFormatError('digest length does not match its algorithm');
    }
    const e: CacheEntry = {
      path: absoluteFrom(root, rel),
      dev: big(dev),
      ino: big(ino),
      size: int(size),
      mtimeNs: big(mtime, true),
      ctimeNs: big(ctime, true),
      algorithm: alg,
      start: int(start),
      end: int(end),
      digest: Buffer.from(digest, 'hex'),
      hashStartedNs: big(started),
    };
    if (e.start > e.end || e.end > e.size) throw new CacheFormatError('bad byte range');
    entries.push(e);
  }
  return { root, entries };
}
