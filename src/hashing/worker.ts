/** Hashing worker: receives batches of tasks, replies with their digests. One reused aligned buffer. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadHasherFactory } from './backends.js';
import { alignedBuffer } from './aligned-buffer.js';
import { hashTaskOverlapped, hashTaskSync } from './read-task.js';
import { isModelSigningError, errorMessage } from '../errors.js';
import type { BatchRequest, WorkerConfig, WorkerReply } from './protocol.js';

const PROGRESS_INTERVAL_MS = 100;

const port = parentPort!;
const cfg = workerData as WorkerConfig;
// Not awaited at top level: the message listener must be attached at once so no batch waits on a race.
const hasherReady = loadHasherFactory(cfg.algorithm, { native: cfg.native });
const buf = alignedBuffer(cfg.chunkSize);
let second: Buffer | undefined; // only allocated if an overlapped read is needed

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

async function run(req: BatchRequest): Promise<WorkerReply> {
  const newHasher = await hasherReady;
  let out: Buffer | undefined;
  let size = 0;
  for (let i = 0; i < req.tasks.length; i++) {
    const t = req.tasks[i]!;
    const big = cfg.overlapMinBytes > 0 && t.end - t.start >= cfg.overlapMinBytes;
    const d = big
      ? await hashTaskOverlapped(t, [buf, (second ??= alignedBuffer(cfg.chunkSize))], newHasher, onBytes)
      : hashTaskSync(t, buf, newHasher, onBytes);
    if (!out) {
      size = d.length;
      out = Buffer.allocUnsafe(size * req.tasks.length);
    }
    d.copy(out, i * size);
  }
  flushProgress();
  return { type: 'done', id: req.id, digests: out ?? new Uint8Array(0), digestSize: size };
}

port.on('message', (req: BatchRequest) => {
  run(req).then(
    (reply) => port.postMessage(reply),
    (e: unknown) => {
      flushProgress();
      const reply: WorkerReply = isModelSigningError(e)
        ? { type: 'error', id: req.id, code: e.code, message: e.message }
        : { type: 'error', id: req.id, code: 'INTERNAL', message: `hashing failed: ${errorMessage(e)}` };
      port.postMessage(reply);
    },
  );
});
