/**
 * The parallel hashing engine: hashes files and byte ranges (shards) with a pool of worker threads,
 * one per core, each reading synchronously into one reused page-aligned buffer. Small jobs are
 * hashed on the calling thread, because starting workers would cost more than the hashing.
 */
import { availableParallelism } from 'node:os';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HashAlgorithm } from '../manifest.js';
import { isHashAlgorithm } from '../manifest.js';
import { ModelSigningError } from '../errors.js';
import type { HashOptions, HashProgress, HashTask } from './types.js';
import { loadHasherFactory } from './backends.js';
import { alignedBuffer, normaliseChunkSize } from './aligned-buffer.js';
import { hashTaskSync } from './read-task.js';
import { planBatches, taskBytes } from './schedule.js';
import type { BatchConfig } from './protocol.js';
import { HashPool } from './pool.js';

/** Below both limits the job runs on the calling thread (a worker costs tens of ms to start). */
export const INLINE_MAX_BYTES = 16 * 1024 * 1024;
export const INLINE_MAX_TASKS = 512;
const PROGRESS_INTERVAL_MS = 100;

/** Raw digest of each task, in task order. */
export async function hashTasks(tasks: readonly HashTask[], opts: HashOptions): Promise<Buffer[]> {
  if (!isHashAlgorithm(opts.algorithm)) throw new ModelSigningError('USAGE', `unknown hash algorithm '${String(opts.algorithm)}'`);
  if (opts.maxWorkers !== undefined && !(Number.isSafeInteger(opts.maxWorkers) && opts.maxWorkers > 0)) {
    throw new ModelSigningError('USAGE', `maxWorkers must be a positive integer, got ${opts.maxWorkers}`);
  }
  if (opts.chunkSize !== undefined && !(Number.isSafeInteger(opts.chunkSize) && opts.chunkSize > 0)) {
    throw new ModelSigningError('USAGE', `chunkSize must be a positive integer, got ${opts.chunkSize}`);
  }
  for (const t of tasks) {
    if (!(Number.isSafeInteger(t.start) && Number.isSafeInteger(t.end) && t.start >= 0 && t.end >= t.start)) {
      throw new ModelSigningError('INTERNAL', `bad byte range ${t.start}..${t.end} for '${t.name}'`);
    }
  }
  opts.signal?.throwIfAborted();
  const progress = new ProgressTracker(tasks, opts.onProgress);
  if (tasks.length === 0) {
    progress.finish();
    return [];
  }
  const chunkSize = normaliseChunkSize(opts.chunkSize);
  const maxWorkers = opts.maxWorkers ?? availableParallelism();
  const digests =
    progress.total <= INLINE_MAX_BYTES && tasks.length <= INLINE_MAX_TASKS
      ? await hashInline(tasks, opts.algorithm, Math.min(chunkSize, 1 << 20), progress, opts.signal, opts.nativeBackends !== false)
      : await hashWithWorkers(tasks, opts.algorithm, chunkSize, maxWorkers, progress, opts.signal, opts.nativeBackends !== false);
  progress.finish();
  return digests;
}

/** Digest of an in-memory buffer (tests, small helpers). */
export async function hashBuffer(algorithm: HashAlgorithm, data: Uint8Array): Promise<Buffer> {
  const h = (await loadHasherFactory(algorithm))();
  h.update(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return h.digest();
}

async function hashInline(
  tasks: readonly HashTask[],
  algorithm: HashAlgorithm,
  chunkSize: number,
  progress: ProgressTracker,
  signal: AbortSignal | undefined,
  native: boolean,
): Promise<Buffer[]> {
  const newHasher = await loadHasherFactory(algorithm, { native });
  const buf = alignedBuffer(chunkSize);
  const out: Buffer[] = [];
  for (const t of tasks) {
    signal?.throwIfAborted();
    out.push(hashTaskSync(t, buf, newHasher));
    progress.add(taskBytes(t), 1);
  }
  return out;
}

let shared: HashPool | undefined;

/**
 * Call before walking a model: the shared worker pool starts now, on its own threads, so that
 * worker start-up (tens of ms) overlaps the walk instead of following it. With `modelPath`, a model
 * that is evidently small (hashed on the calling thread anyway) starts nothing: starting workers for
 * it would cost more than hashing it. Idle workers never keep the process alive.
 */
export function prepareHashing(opts: { maxWorkers?: number; modelPath?: string } = {}): void {
  if (opts.modelPath !== undefined && looksSmall(opts.modelPath)) return;
  sharedPool().grow(opts.maxWorkers ?? availableParallelism());
}

/** A cheap look at the model's top level: a small file, or a folder of a few small files and no subfolders. */
function looksSmall(modelPath: string): boolean {
  try {
    const st = statSync(modelPath);
    if (!st.isDirectory()) return st.size <= INLINE_MAX_BYTES;
    const entries = readdirSync(modelPath, { withFileTypes: true });
    if (entries.length > 64) return false;
    let bytes = 0;
    for (const e of entries) {
      if (e.isDirectory()) return false;
      bytes += statSync(join(modelPath, e.name)).size;
      if (bytes > INLINE_MAX_BYTES) return false;
    }
    return true;
  } catch {
    return true; // the walk will report the problem; no workers needed for that
  }
}

function sharedPool(): HashPool {
  if (!shared || shared.closed) {
    shared = new HashPool((p) => {
      if (shared === p) shared = undefined;
    });
  }
  return shared;
}

async function hashWithWorkers(
  tasks: readonly HashTask[],
  algorithm: HashAlgorithm,
  chunkSize: number,
  maxWorkers: number,
  progress: ProgressTracker,
  signal: AbortSignal | undefined,
  native: boolean,
): Promise<Buffer[]> {
  const batches = planBatches(tasks);
  const workers = Math.min(maxWorkers, batches.length);
  // Big tasks switch to double-buffered reads once a core is spare (fewer workers than cores, or
  // the tail of the job); while every core is busy, plain sync reads are faster.
  const cfg: BatchConfig = { algorithm, chunkSize, overlapMinBytes: 2 * chunkSize, native, spareCore: new SharedArrayBuffer(4) };
  // One call at a time per pool: a concurrent call gets a pool of its own, closed afterwards.
  const own = sharedPool().busy ? new HashPool() : undefined;
  const pool = own ?? sharedPool();
  try {
    return await pool.run({
      tasks,
      batches,
      batchBytes: batches.map((b) => b.reduce((sum, i) => sum + taskBytes(tasks[i]!), 0)),
      cfg,
      workers,
      signal,
      onBytes: (n) => progress.add(n, 0),
      onTasksDone: (n) => progress.add(0, n),
    });
  } finally {
    if (own) await own.close();
  }
}

/** Aggregates progress and reports it at most every ~100 ms, and once at the end. */
class ProgressTracker {
  readonly total: number;
  private bytesDone = 0;
  private tasksDone = 0;
  private last = 0;
  constructor(
    private readonly tasks: readonly HashTask[],
    private readonly cb: ((p: HashProgress) => void) | undefined,
  ) {
    this.total = tasks.reduce((s, t) => s + taskBytes(t), 0);
  }
  add(bytes: number, tasks: number): void {
    this.bytesDone += bytes;
    this.tasksDone += tasks;
    if (!this.cb) return;
    const now = Date.now();
    if (now - this.last >= PROGRESS_INTERVAL_MS) {
      this.last = now;
      this.emit();
    }
  }
  finish(): void {
    this.bytesDone = this.total;
    this.tasksDone = this.tasks.length;
    this.emit();
  }
  private emit(): void {
    this.cb?.({ bytesDone: Math.min(this.bytesDone, this.total), bytesTotal: this.total, tasksDone: this.tasksDone, tasksTotal: this.tasks.length });
  }
}
