/**
 * The parallel hashing engine: hashes files and byte ranges (shards) with a pool of worker threads,
 * one per core, each reading synchronously into one reused page-aligned buffer. Small jobs are
 * hashed on the calling thread, because starting workers would cost more than the hashing.
 */
import { availableParallelism } from 'node:os';
import type { HashAlgorithm } from '../manifest.js';
import { isHashAlgorithm } from '../manifest.js';
import { debug } from '../debug-log.js';
import { ModelSigningError } from '../errors.js';
import { STAT, STAT_FIELDS, type FolderRun, type HashOptions, type HashProgress, type HashTask } from './types.js';
import { loadHasherFactory } from './backends.js';
import { alignedBuffer, normaliseChunkSize } from './aligned-buffer.js';
import { hashTaskSync } from './read-task.js';
import { hashListedBatch, listedBatchReply, settledBeforeNs } from './listed-read.js';
import type { ListedFolders } from '../model/types.js';
import { planBatches, taskBytes } from './schedule.js';
import type { BatchConfig, WorkerRequest } from './protocol.js';
import { HashPool, type DoneReply } from './pool.js';

import { INLINE_MAX_BYTES, INLINE_MAX_TASKS, LISTED_BATCH_FILES, LISTED_HASH_MAX_BYTES } from './limits.js';
import { sharedPool } from './prepare.js';
export { INLINE_MAX_BYTES, INLINE_MAX_TASKS, LISTED_BATCH_FILES, LISTED_HASH_MAX_BYTES } from './limits.js';
export { prepareHashing } from './prepare.js';
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
  const progress = new ProgressTracker(tasks.reduce((n, t) => n + taskBytes(t), 0), tasks.length, opts.onProgress);
  if (tasks.length === 0) {
    progress.finish();
    return [];
  }
  const chunkSize = normaliseChunkSize(opts.chunkSize);
  const maxWorkers = opts.maxWorkers ?? availableParallelism();
  const inline = progress.total <= INLINE_MAX_BYTES && tasks.length <= INLINE_MAX_TASKS;
  debug('hash', () =>
    inline
      ? `${tasks.length} task(s), ${progress.total} bytes: hashed on the main thread (chunk size ${Math.min(chunkSize, 1 << 20)} bytes)`
      : `${tasks.length} task(s), ${progress.total} bytes: up to ${maxWorkers} worker thread(s)${opts.maxWorkers === undefined ? ' (one per core)' : ''}, chunk size ${chunkSize} bytes, ${opts.algorithm}`,
  );
  const digests =
    inline
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


/** A listed file's stat, as the hashing thread took it (bigints, as fs reports them). */
export interface ListedStat {
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  dev: bigint;
  ino: bigint;
}

/**
 * What happens to each listed file, called once per file in no particular order: a file small enough to
 * hash in the same pass gives its size and digest (hex); a bigger one gives its stat, to be hashed as tasks.
 */
export interface ListedFileHandlers {
  onHashed: (index: number, size: number, digestHex: string) => void;
  onStatOnly: (index: number, stat: ListedStat) => void;
}
export async function hashListedFiles(
  files: readonly string[],
  opts: HashOptions & ListedFileHandlers & { root: string; noFollow: boolean; hashMaxBytes?: number; folders?: ListedFolders },
): Promise<void> {
  if (!isHashAlgorithm(opts.algorithm)) throw new ModelSigningError('USAGE', `unknown hash algorithm '${String(opts.algorithm)}'`);
  opts.signal?.throwIfAborted();
  const chunkSize = normaliseChunkSize(opts.chunkSize);
  const hashMaxBytes = Math.min(opts.hashMaxBytes ?? LISTED_HASH_MAX_BYTES, chunkSize);
  const native = opts.nativeBackends !== false;
  const n = files.length;
  const progress = new ProgressTracker(0, n, opts.onProgress);
  const { onHashed, onStatOnly } = opts;
  // A file unchanged since before this moment is taken from a single read (see listed-read.ts).
  const settledNs = settledBeforeNs();
  // A file too big for this pass will be hashed by every worker: the ones not started yet start now.
  let grown = false;
  const bigFileAhead = (): void => {
    if (!grown) sharedPool().grow(opts.maxWorkers ?? availableParallelism());
    grown = true;
  };

  debug('hash', () =>
    n <= INLINE_MAX_TASKS
      ? `${n} listed file(s): stat'ed and hashed on the main thread (chunk size ${Math.min(chunkSize, 1 << 20)} bytes)`
      : `${n} listed file(s): stat'ed and hashed on the calling thread and up to ${Math.min(opts.maxWorkers ?? availableParallelism(), Math.ceil(n / LISTED_BATCH_FILES)) - 1} worker thread(s)${opts.maxWorkers === undefined ? ' (one thread per core)' : ''}, chunk size ${chunkSize} bytes, ${opts.algorithm}`,
  );
  // The calling thread hashes listed files in both cases (alone, or as one of the lanes).
  const newHasher = await loadHasherFactory(opts.algorithm, { native });
  const buf = alignedBuffer(Math.min(chunkSize, 1 << 20));
  if (n <= INLINE_MAX_TASKS) {
    // Few files: the calling thread, as for a small task list (workers cost more than they save), up to
    // INLINE_MAX_BYTES hashed; the files beyond that are only stat'ed, and come back as tasks.
    let budget = INLINE_MAX_BYTES;
    const batch = { names: files, folders: opts.folders && foldersOf(opts.folders, 0, n), root: opts.root, noFollow: opts.noFollow, settledNs };
    hashListedBatch(
      batch,
      buf,
      newHasher,
      () => Math.min(hashMaxBytes, buf.length, budget),
      (i, { stat, digest }) => {
        const size = Number(stat.size);
        progress.grow(size);
        if (!digest) {
          bigFileAhead();
          return onStatOnly(i, stat);
        }
        budget -= size;
        onHashed(i, size, digest.toString('hex'));
        progress.add(size, 1);
      },
      () => opts.signal?.throwIfAborted(),
    );
  } else {
    const batchCount = Math.ceil(n / LISTED_BATCH_FILES);
    const cfg: BatchConfig = { algorithm: opts.algorithm, chunkSize, overlapMinBytes: Number.MAX_SAFE_INTEGER, native, spareCore: new SharedArrayBuffer(4) };
    const batchFiles = (id: number): string[] => files.slice(id * LISTED_BATCH_FILES, (id + 1) * LISTED_BATCH_FILES);
    const request = (id: number, c: BatchConfig): Extract<WorkerRequest, { type: 'listed' }> => ({
      type: 'listed',
      id,
      cfg: c,
      root: opts.root,
      names: batchFiles(id),
      ...(opts.folders ? { folders: foldersOf(opts.folders, id * LISTED_BATCH_FILES, Math.min(n, (id + 1) * LISTED_BATCH_FILES)) } : {}),
      noFollow: opts.noFollow,
      hashMaxBytes,
      settledNs,
    });
    // The calling thread is one of the lanes: one worker fewer to start (tens of ms of CPU each).
    const lanes = Math.min(opts.maxWorkers ?? availableParallelism(), batchCount);
    const workers = lanes - 1;
    const localLane = (id: number): DoneReply => listedBatchReply(id, request(id, cfg), buf, newHasher);
    await withPool((pool) =>
      pool.run({
        batchCount,
        batchBytes: () => 0,
        request,
        localLane,
        onDone: (id: number, m: DoneReply): number => {
          const first = id * LISTED_BATCH_FILES;
          const count = Math.min(LISTED_BATCH_FILES, n - first);
          const { sizes, hashed, stats } = m as Required<DoneReply>;
          const digests = Buffer.from(m.digests.buffer, m.digests.byteOffset, m.digests.byteLength);
          const d = m.digestSize;
          let done = 0;
          let seen = 0;
          let bytes = 0;
          for (let j = 0; j < count; j++) {
            const size = sizes[j]!;
            seen += size;
            if (hashed[j] === 1) {
              onHashed(first + j, size, digests.toString('hex', j * d, (j + 1) * d));
              bytes += size;
              done++;
              continue;
            }
            const o = j * STAT_FIELDS;
            bigFileAhead();
            onStatOnly(first + j, { size: stats[o + STAT.size]!, mtimeNs: stats[o + STAT.mtimeNs]!, ctimeNs: stats[o + STAT.ctimeNs]!, dev: stats[o + STAT.dev]!, ino: stats[o + STAT.ino]! });
          }
          progress.grow(seen);
          progress.add(bytes, 0);
          return done;
        },
        cfg,
        workers,
        signal: opts.signal,
        onBytes: (b) => progress.add(b, 0),
        onTasksDone: (k) => progress.add(0, k),
      }),
    );
  }
  progress.emitNow();
}

/** The folder runs of listed files [a, b), with `from` counted from a. */
export function foldersOf(lf: ListedFolders, a: number, b: number): FolderRun[] {
  const { runStarts, runFolders, folders } = lf;
  // The run holding index a: the last start <= a.
  let lo = 0;
  let hi = runStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (runStarts[mid]! <= a) lo = mid;
    else hi = mid - 1;
  }
  const out: FolderRun[] = [];
  for (let k = lo; k < runStarts.length && runStarts[k]! < b; k++) {
    const f = folders[runFolders[k]!]!;
    out.push({ ...f, from: Math.max(runStarts[k]!, a) - a });
  }
  return out;
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
  const batchBytes = batches.map((b) => b.reduce((sum, i) => sum + taskBytes(tasks[i]!), 0));
  const results: Buffer[] = new Array<Buffer>(tasks.length);
  await withPool((pool) =>
    pool.run({
      batchCount: batches.length,
      batchBytes: (id) => batchBytes[id]!,
      request: (id, c): WorkerRequest => ({ type: 'batch', id, cfg: c, tasks: batches[id]!.map((i) => tasks[i]!) }),
      onDone: (id, m) => {
        const batch = batches[id]!;
        for (let j = 0; j < batch.length; j++) {
          results[batch[j]!] = Buffer.from(m.digests.buffer, m.digests.byteOffset + j * m.digestSize, m.digestSize);
        }
        return batch.length;
      },
      cfg,
      workers,
      signal,
      onBytes: (n) => progress.add(n, 0),
      onTasksDone: (n) => progress.add(0, n),
    }),
  );
  return results;
}

/** One call at a time per pool: a concurrent call gets a pool of its own, closed afterwards. */
async function withPool<T>(f: (pool: HashPool) => Promise<T>): Promise<T> {
  const own = sharedPool().busy ? new HashPool() : undefined;
  try {
    return await f(own ?? sharedPool());
  } finally {
    if (own) await own.close();
  }
}

/** Aggregates progress and reports it at most every ~100 ms, and once at the end. */
class ProgressTracker {
  private bytesDone = 0;
  private tasksDone = 0;
  private last = 0;
  constructor(
    public total: number,
    private readonly tasksTotal: number,
    private readonly cb: ((p: HashProgress) => void) | undefined,
  ) {}
  /** More bytes to do (files whose size became known). */
  grow(bytes: number): void {
    this.total += bytes;
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
    this.tasksDone = this.tasksTotal;
    this.emit();
  }
  emitNow(): void {
    this.emit();
  }
  private emit(): void {
    this.cb?.({ bytesDone: Math.min(this.bytesDone, this.total), bytesTotal: this.total, tasksDone: this.tasksDone, tasksTotal: this.tasksTotal });
  }
}
