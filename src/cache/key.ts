/** What identifies one cached digest, and the rules for when a recorded entry may be trusted. */
import type { HashAlgorithm } from '../manifest.js';

/** The file's identity and state as seen by the walk (fs.stat with bigint), plus what was hashed. */
export interface CacheKey {
  /** Absolute path of the file (as the hashing task opens it). */
  path: string;
  dev: bigint;
  ino: bigint;
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
  algorithm: HashAlgorithm;
  /** Byte range [start, end) that was hashed (whole file: 0..size). */
  start: number;
  end: number;
}

/** The stat part of a key: what must be unchanged for a digest to still describe the file. */
export type FileState = Pick<CacheKey, 'dev' | 'ino' | 'size' | 'mtimeNs' | 'ctimeNs'>;

/** One slot per (path, algorithm, range); the stat parts are compared on lookup, not used to index. */
export function slotOf(path: string, algorithm: string, start: number, end: number): string {
  return `${path}\0${algorithm}\0${start}\0${end}`;
}

export function sameState(a: FileState, b: FileState): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * Timestamps have a granularity (kernel tick, 1-2 s on some filesystems) and clocks may differ
 * slightly between a network filesystem and us. A write in the same tick as the recorded
 * timestamps is invisible to the key (git's "racy git" problem), so a digest is only trusted when
 * both timestamps are older than the moment hashing started by at least this window.
 */
export const RACY_WINDOW_NS = 2_000_000_000n;

export function isRacy(state: Pick<FileState, 'mtimeNs' | 'ctimeNs'>, hashStartedNs: bigint): boolean {
  const limit = hashStartedNs - RACY_WINDOW_NS;
  return state.mtimeNs >= limit || state.ctimeNs >= limit;
}

/** Wall-clock time in nanoseconds (file timestamps are wall-clock too). */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
