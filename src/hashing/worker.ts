/** Hashing worker: receives batches of tasks, replies with their digests. One reused aligned buffer. */
import { parentPort } from 'node:worker_threads';
import { loadHasherFactory, type HasherFactory } from './backends.js';
import { alignedBuffer } from './aligned-buffer.js';
import { hashTaskAdaptive, hashTaskSync } from './read-task.js';
import { listedBatchReply } from './listed-read.js';
import { isModelSigningError, errorMessage } from '../errors.js';
import type { BatchConfig, WorkerReply, WorkerRequest } from './protocol.js';

const PROGRESS_INTERVAL_MS = 100;
const port = parentPort!;

const factories = new Map<string, Promise<HasherFactory>>();
function factoryFor(cfg: BatchConfig): Promise<HasherFactory> {
  const key = `${cfg.algorithm}/${cfg.native}`;
  let f = factories.get(key);
  if (!f) factories.set(key, (f = loadHasherFactory(cfg.algorithm, { native: cfg.native })));
  return f;
}

// Read buffers, kept across batches of one call and dropped on 'release'.
let bufs: Buffer[] = [];
function buffer(i: number, size: number): Buffer {
  if (bufs[i]?.length !== size) bufs[i] = alignedBuffer(size);
  return bufs[i]!;
}

let unreported = 0;
let lastReport = Date.now();
function onBytes(n: number): void {
  unreported += n;
  const now = Date.now();
  if (now - lastReport >= PROGRESS_INTERVAL_MS) flushProgress(now);
}
function flushProgress(now = Date.now()): void {
  if (unreported > 0) port.postMessage({ type: 'progress', bytes: unreported } satisfies WorkerReply);
  unreported = 0;
  lastReport = now;
}

async function run(id: number, cfg: BatchConfig, tasks: readonly WorkerRequestTask[]): Promise<WorkerReply> {
  const newHasher = await factoryFor(cfg);
  const buf = buffer(0, cfg.chunkSize);
  const flag = new Int32Array(cfg.spareCore);
  const spareCore = (): boolean => Atomics.load(flag, 0) !== 0;
  const pair = (): [Buffer, Buffer] => [buf, buffer(1, cfg.chunkSize)];
  let out: Buffer | undefined;
  let size = 0;
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    const big = t.end - t.start >= cfg.overlapMinBytes;
    const d = big ? await hashTaskAdaptive(t, pair, newHasher, onBytes, spareCore) : hashTaskSync(t, buf, newHasher, onBytes);
    if (!out) {
      size = d.length;
      out = Buffer.allocUnsafe(size * tasks.length);
    }
    d.copy(out, i * size);
  }
  flushProgress();
  return { type: 'done', id, digests: out ?? new Uint8Array(0), digestSize: size };
}
/** Listed files: stat each, hash the small ones (see listed-read.ts). */
async function runListed(id: number, cfg: BatchConfig, req: Extract<WorkerRequest, { type: 'listed' }>): Promise<WorkerReply> {
  return listedBatchReply(id, req, buffer(0, cfg.chunkSize), await factoryFor(cfg));
}
type WorkerRequestTask = Extract<WorkerRequest, { type: 'batch' }>['tasks'][number];

// One batch at a time: a batch that arrives while a big task awaits its double-buffered reads
// (a pipelined second batch) must not run in between, since both would use the same read buffer.
let queue: Promise<void> = Promise.resolve();
port.on('message', (req: WorkerRequest) => {
  queue = queue.then(() => serve(req));
});

async function serve(req: WorkerRequest): Promise<void> {
  if (req.type === 'release') {
    bufs = [];
    return;
  }
  try {
    port.postMessage(req.type === 'listed' ? await runListed(req.id, req.cfg, req) : await run(req.id, req.cfg, req.tasks));
  } catch (e) {
    flushProgress();
    const reply: WorkerReply = isModelSigningError(e)
      ? { type: 'error', id: req.id, code: e.code, message: e.message }
      : { type: 'error', id: req.id, code: 'INTERNAL', message: `hashing failed: ${errorMessage(e)}` };
    port.postMessage(reply);
  }
}
