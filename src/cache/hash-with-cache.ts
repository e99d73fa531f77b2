/**
 * The one call the hashing API makes when a digest cache is configured: serve unchanged files
 * from the cache, hash only the rest (with whatever engine the caller passes), record the new
 * digests, and save. The returned digests are in task order, exactly as a full hash would give.
 */
import { promises as fsp } from 'node:fs';
import type { HashAlgorithm } from '../manifest.js';
import type { HashTask } from '../hashing/types.js';
import type { ModelFile } from '../model/types.js';
import { ModelSigningError } from '../errors.js';
import { DigestCache } from './digest-cache.js';
import { nowNs, sameState, type CacheKey, type FileState } from './key.js';

export interface CachedHashItem {
  task: HashTask;
  /** The walk's snapshot of the file the task reads. */
  file: Pick<ModelFile, 'dev' | 'ino' | 'size' | 'mtimeNs' | 'ctimeNs'>;
}

export interface HashWithDigestCacheOptions {
  /** Cache directory (default: `$XDG_CACHE_HOME/model-signing` or `~/.cache/model-signing`). */
  dir?: string;
  /** Absolute, resolved model root (WalkResult.root). */
  modelRoot: string;
  algorithm: HashAlgorithm;
  items: readonly CachedHashItem[];
  /** Hashes the tasks that missed, returning digests in the same order (e.g. the hashing engine). */
  hash: (tasks: HashTask[]) => Promise<Buffer[]>;
  onWarning?: (message: string) => void;
  /** Only read the cache (e.g. a run that must not change it); default false. */
  readOnly?: boolean;
}

export interface HashWithDigestCacheResult {
  /** One digest per item, in item order. */
  digests: Buffer[];
  /** Tasks served from the cache / hashed. */
  hits: number;
  misses: number;
}

export function cacheKeyFor(item: CachedHashItem, algorithm: HashAlgorithm): CacheKey {
  const { task, file } = item;
  return { path: task.path, dev: file.dev, ino: file.ino, size: file.size, mtimeNs: file.mtimeNs, ctimeNs: file.ctimeNs, algorithm, start: task.start, end: task.end };
}

/** Current state of a path, following a symlink only when the task allowed it. */
async function currentState(task: HashTask): Promise<FileState | null> {
  try {
    const st = task.noFollow ? await fsp.lstat(task.path, { bigint: true }) : await fsp.stat(task.path, { bigint: true });
    return st.isFile() ? { dev: st.dev, ino: st.ino, size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs } : null;
  } catch {
    return null;
  }
}

export async function hashWithDigestCache(o: HashWithDigestCacheOptions): Promise<HashWithDigestCacheResult> {
  const cache = await DigestCache.open({ dir: o.dir, modelRoot: o.modelRoot, onWarning: o.onWarning });
  const keys = o.items.map((it) => cacheKeyFor(it, o.algorithm));
  const digests: (Buffer | undefined)[] = keys.map((k) => cache.lookup(k));
  const missed = keys.flatMap((_, i) => (digests[i] === undefined ? [i] : []));

  // Taken before any byte is read: the reference point for the racy-timestamp rule.
  const hashStartedNs = nowNs();
  const fresh = missed.length > 0 ? await o.hash(missed.map((i) => o.items[i]!.task)) : [];
  if (fresh.length !== missed.length) throw new ModelSigningError('INTERNAL', `hashing returned ${fresh.length} digests for ${missed.length} tasks`);
  // Record a digest only if the file still is what the walk saw (an edit hidden by restoring the
  // mtime still changes the ctime; the engine checks size and mtime only).
  const states = new Map<string, FileState | null>();
  for (const [j, i] of missed.entries()) {
    const item = o.items[i]!;
    const digest = fresh[j]!;
    digests[i] = digest;
    if (!states.has(item.task.path)) states.set(item.task.path, await currentState(item.task));
    const now = states.get(item.task.path);
    if (now && sameState(now, keys[i]!)) cache.store(keys[i]!, digest, hashStartedNs);
  }
  if (!o.readOnly) await cache.save({ modelRoot: o.modelRoot, livePaths: new Set(o.items.map((it) => it.task.path)) });
  return { digests: digests as Buffer[], hits: cache.hits, misses: cache.misses };
}
