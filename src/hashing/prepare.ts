/**
 * Starting the shared worker pool ahead of the hashing. Kept apart from the engine so that the CLI can
 * start workers before it loads anything else (a worker takes about 90 ms to start).
 */
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { HashPool } from './pool.js';
import { INLINE_MAX_BYTES, LISTED_HASH_MAX_BYTES } from './limits.js';

let shared: HashPool | undefined;

/**
 * Call before walking a model: the shared worker pool starts now, on its own threads, so that
 * worker start-up (tens of ms) overlaps the walk instead of following it. With `modelPath`, a model
 * that is evidently small (hashed on the calling thread anyway) starts nothing: starting workers for
 * it would cost more than hashing it. Idle workers never keep the process alive.
 */
export function prepareHashing(opts: { maxWorkers?: number; modelPath?: string } = {}): void {
  const look = opts.modelPath === undefined ? 'unknown' : peekModel(opts.modelPath);
  if (look === 'small') return;
  const lanes = opts.maxWorkers ?? availableParallelism();
  // Listed small files are hashed on the calling thread too, so one worker fewer does; big files use
  // every worker (the last one also starts once the hashing sees a big file).
  sharedPool().grow(look === 'big files' ? lanes : Math.max(1, lanes - 1));
}

/**
 * A cheap look at the model's top level: 'small' (a small file, or a folder of a few small files and no
 * subfolders: hashed on the calling thread), 'big files' (a file there too big for the listed pass: every
 * worker will be busy), or 'unknown'.
 */
function peekModel(modelPath: string): 'small' | 'big files' | 'unknown' {
  try {
    const st = statSync(modelPath);
    if (!st.isDirectory()) return st.size <= INLINE_MAX_BYTES ? 'small' : 'big files';
    const entries = readdirSync(modelPath, { withFileTypes: true });
    if (entries.length > 64) return 'unknown';
    let bytes = 0;
    let folders = false;
    for (const e of entries) {
      if (e.isDirectory()) {
        folders = true;
        continue;
      }
      const size = statSync(join(modelPath, e.name)).size;
      if (size > LISTED_HASH_MAX_BYTES) return 'big files';
      bytes += size;
    }
    return folders || bytes > INLINE_MAX_BYTES ? 'unknown' : 'small';
  } catch {
    return 'small'; // the walk will report the problem; no workers needed for that
  }
}

/** The pool every call shares (a concurrent call gets a pool of its own). */
export function sharedPool(): HashPool {
  if (!shared || shared.closed) {
    shared = new HashPool((p) => {
      if (shared === p) shared = undefined;
    });
  }
  return shared;
}

