/** Messages between the engine (main thread) and its hashing workers. */
import type { HashAlgorithm } from '../manifest.js';
import type { FolderRun, HashTask } from './types.js';

/** How to hash; sent with every batch, since a pooled worker serves calls with different options. */
export interface BatchConfig {
  algorithm: HashAlgorithm;
  chunkSize: number;
  /** Tasks of at least this many bytes may switch to double-buffered reads when a core is spare. */
  overlapMinBytes: number;
  /** Int32 flag set by the engine once a core has nothing left to do in this call. */
  spareCore: SharedArrayBuffer;
  /** false forces the portable backends (tests). */
  native: boolean;
}

export type WorkerRequest =
  /** A batch of tasks; the reply carries their digests concatenated, in batch order. */
  | { type: 'batch'; id: number; cfg: BatchConfig; tasks: HashTask[] }
  /**
   * A batch of listed files (model-relative names under `root`, not yet stat'ed): each is stat'ed, and
   * hashed at once when it has at most `hashMaxBytes` bytes. The reply carries every file's stat, and
   * the digests of those hashed.
   */
  | {
      type: 'listed';
      id: number;
      cfg: BatchConfig;
      root: string;
      names: string[];
      /** The folder of each run of names (files are opened through it); absent: opened by path. */
      folders?: FolderRun[];
      noFollow: boolean;
      hashMaxBytes: number;
      /** Change-time bound for taking a single read (see listed-read.ts). */
      settledNs: bigint;
    }
  /** The call is over: drop the read buffers so an idle pool holds no big memory. */
  | { type: 'release' };

export type WorkerReply =
  | {
      type: 'done';
      id: number;
      /** Digests in batch order, `digestSize` bytes each (for 'listed': a zero-filled slot when not hashed). */
      digests: Uint8Array;
      digestSize: number;
      /** 'listed' only: every file's size, 1 per file that was hashed, and STAT_FIELDS values per file left unhashed (absent when all were hashed). */
      sizes?: Float64Array;
      hashed?: Uint8Array;
      stats?: BigInt64Array;
    }
  | { type: 'progress'; bytes: number }
  | { type: 'error'; id: number; code: string; message: string };
