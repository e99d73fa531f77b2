/**
 * The hashing Web Worker: receives `{ id, job }`, streams the Blob range through hash-wasm, posts progress
 * (`{ id, bytes }`) and the result (`{ id, digest }` or `{ id, error }`).
 */
import { digestRange, type DigestJob } from './digest.js';

interface WorkerScope {
  onmessage: ((ev: { data: { id: number; job: DigestJob } }) => void) | null;
  postMessage(m: unknown): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = (ev) => {
  const { id, job } = ev.data;
  digestRange(job, (bytes) => scope.postMessage({ id, bytes })).then(
    (digest) => scope.postMessage({ id, digest }),
    (e: unknown) => scope.postMessage({ id, error: e instanceof Error ? e.message : String(e) }),
  );
};
