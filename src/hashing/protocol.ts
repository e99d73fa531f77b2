/** Messages between the engine (main thread) and its hashing workers. */
import type { HashAlgorithm } from '../manifest.js';
import type { HashTask } from './types.js';

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
  /** The call is over: drop the read buffers so an idle pool holds no big memory. */
  | { type: 'release' };

export type WorkerReply =
  | { type: 'done'; id: number; digests: Uint8Array; digestSize: number }
  | { type: 'progress'; bytes: number }
  | { type: 'error'; id: number; code: string; message: string };
