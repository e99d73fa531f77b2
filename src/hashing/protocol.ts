/** Messages between the engine (main thread) and its hashing workers. */
import type { HashAlgorithm } from '../manifest.js';
import type { HashTask } from './types.js';

export interface WorkerConfig {
  algorithm: HashAlgorithm;
  chunkSize: number;
  /** Use double-buffered async reads for tasks of at least this many bytes (0: never). */
  overlapMinBytes: number;
  /** Force the portable backends (tests). */
  native: boolean;
}

/** A batch of tasks; the reply carries their digests concatenated, in batch order. */
export interface BatchRequest {
  id: number;
  tasks: HashTask[];
}

export type WorkerReply =
  | { type: 'done'; id: number; digests: Uint8Array; digestSize: number }
  | { type: 'progress'; bytes: number }
  | { type: 'error'; id: number; code: string; message: string };
