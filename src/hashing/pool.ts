/**
 * A pool of hashing workers. It serves one call at a time; between calls its workers are unref'd
 * (they never keep the process alive) and hold no read buffers, and after a few idle seconds the
 * pool shuts itself down. Starting it early (prepareHashing) overlaps worker start-up with the walk.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { ModelSigningError, type ErrorCode } from '../errors.js';
import type { BatchConfig, WorkerReply, WorkerRequest } from './protocol.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);
// Workers inherit the process's flags, but some only make sense for a main script
// (`node --input-type=module -e ...` would make every worker fail to start). Only then is an explicit list
// passed: an explicit list is validated strictly, and Node 24's test runner hands its children per-process
// flags (--v8-pool-size, --secure-heap, ...) that a worker refuses, while plain inheritance accepts them.
const MAIN_SCRIPT_FLAG = /^(--input-type|--eval|--print|-e|-p)(=|$)/;
const WORKER_EXEC_ARGV = process.execArgv.some((a) => MAIN_SCRIPT_FLAG.test(a))
  ? process.execArgv.filter((a, i, all) => !MAIN_SCRIPT_FLAG.test(a) && !/^(-e|-p|--eval|--print)$/.test(all[i - 1] ?? ''))
  : undefined;
const IDLE_SHUTDOWN_MS = 5000;
/** A worker may hold a second batch when it is at most this big: it hides the message round trip for small files. */
const PIPELINE_MAX_BYTES = 8 * 1024 * 1024;

export type DoneReply = Extract<WorkerReply, { type: 'done' }>;

export interface PoolJob {
  /** Number of batches; batch `id` is sent as `request(id)`, in order (the caller orders them largest first). */
  batchCount: number;
  /** Bytes of each batch, when known (small batches are pipelined two per worker). */
  batchBytes: (id: number) => number;
  request: (id: number, cfg: BatchConfig) => WorkerRequest;
  /** A batch's reply; returns how many tasks it completed. */
  onDone: (id: number, reply: DoneReply) => number;
  cfg: BatchConfig;
  workers: number;
  onBytes: (n: number) => void;
  onTasksDone: (n: number) => void;
  signal?: AbortSignal | undefined;
  /**
   * Runs a batch synchronously on the calling thread, which then takes batches too (between them it
   * yields, so the workers' replies are handled): one worker fewer to start for the same lanes.
   */
  localLane?: ((id: number) => DoneReply) | undefined;
}

export class HashPool {
  private workers: Worker[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  busy = false;
  closed = false;

  constructor(private readonly onClose: (p: HashPool) => void = () => {}) {}

  /** Starts workers until there are `n` (they start on their own threads; this returns at once). */
  grow(n: number): void {
    while (this.workers.length < n) {
      const w = new Worker(WORKER_URL, { execArgv: WORKER_EXEC_ARGV });
      w.unref();
      // An idle worker that dies (it should not) just leaves the pool.
      w.on('error', () => this.drop(w));
      w.on('exit', () => this.drop(w));
      this.workers.push(w);
    }
    if (!this.busy) this.armIdleTimer();
  }

  run(job: PoolJob): Promise<void> {
    if (this.busy || this.closed) throw new ModelSigningError('INTERNAL', 'hashing pool is busy');
    this.busy = true;
    clearTimeout(this.idleTimer);
    this.grow(job.workers);
    const crew = this.workers.slice(0, job.workers);
    const { batchCount, signal } = job;

    return new Promise<void>((resolve, reject) => {
      let next = 0;
      let pending = 0;
      let settled = false;
      const listeners: Array<() => void> = [];
      const finish = (err: unknown): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        for (const off of listeners) off();
        if (err) {
          // Workers may be in the middle of other batches of this call: stop them all.
          void this.close().finally(() => reject(err));
          return;
        }
        for (const w of crew) {
          w.postMessage({ type: 'release' } satisfies WorkerRequest);
          w.unref();
        }
        this.busy = false;
        this.armIdleTimer();
        resolve();
      };
      const onAbort = (): void => finish(signal!.reason ?? new DOMException('This operation was aborted', 'AbortError'));
      signal?.addEventListener('abort', onAbort, { once: true });

      const inflight = new Map<Worker, number>();
      const spare = new Int32Array(job.cfg.spareCore);
      // A worker with nothing in flight and nothing left to send: its core is free for the others' reads.
      const noteIdle = (w: Worker): void => {
        if (next >= batchCount && !inflight.get(w)) Atomics.store(spare, 0, 1);
      };
      const send = (w: Worker): void => {
        const id = next++;
        pending++;
        inflight.set(w, (inflight.get(w) ?? 0) + 1);
        w.postMessage(job.request(id, job.cfg));
      };
      const dispatch = (w: Worker): void => {
        if (next < batchCount && !inflight.get(w)) send(w);
        if (next < batchCount && inflight.get(w) === 1 && job.batchBytes(next) <= PIPELINE_MAX_BYTES) send(w);
      };

      // A batch done, by a worker or by the calling thread: false when the call failed on it.
      const complete = (id: number, reply: DoneReply): boolean => {
        try {
          job.onTasksDone(job.onDone(id, reply));
        } catch (e) {
          finish(e);
          return false;
        }
        pending--;
        if (next >= batchCount && pending === 0) finish(null);
        return true;
      };

      for (const w of crew) {
        const onMessage = (m: WorkerReply): void => {
          if (settled) return;
          if (m.type === 'progress') return job.onBytes(m.bytes);
          if (m.type === 'error') return finish(new ModelSigningError(m.code as ErrorCode, m.message));
          if (!complete(m.id, m)) return;
          inflight.set(w, inflight.get(w)! - 1);
          if (next < batchCount) dispatch(w);
          else if (!settled) noteIdle(w);
        };
        const onError = (e: Error): void => finish(new ModelSigningError('INTERNAL', `hashing worker failed: ${e.message}`, { cause: e }));
        const onExit = (code: number): void => finish(new ModelSigningError('INTERNAL', `hashing worker exited unexpectedly (code ${code})`));
        w.on('message', onMessage).on('error', onError).on('exit', onExit);
        listeners.push(() => w.off('message', onMessage).off('error', onError).off('exit', onExit));
        w.ref(); // while this call runs, the workers are what the caller is waiting for
        dispatch(w);
      }
      if (crew.length + (job.localLane ? 1 : 0) < availableParallelism()) Atomics.store(spare, 0, 1);
      if (job.localLane) void runLocal(job.localLane);

      async function runLocal(lane: (id: number) => DoneReply): Promise<void> {
        while (!settled && next < batchCount) {
          const id = next++;
          pending++;
          let reply: DoneReply;
          try {
            reply = lane(id);
          } catch (e) {
            return finish(e);
          }
          if (!complete(id, reply) || settled) return;
          await new Promise<void>((r) => setImmediate(r));
        }
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.onClose(this);
    const ws = this.workers;
    this.workers = [];
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private drop(w: Worker): void {
    this.workers = this.workers.filter((x) => x !== w);
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), IDLE_SHUTDOWN_MS);
    this.idleTimer.unref();
  }
}
