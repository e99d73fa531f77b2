/**
 * `model-signing/browser`: verify OMS model signatures in a web page, with nothing installed and nothing
 * uploaded. An ESM bundle without Node built-ins; hashing runs in Web Workers (hash-wasm).
 */
import { WorkersUnavailableError, workerDigester, inThreadDigester, type Digester } from './hash-model.js';
import { verify as verifyWith, type BrowserVerifyOptions } from './verify.js';
import type { VerificationResult } from '../verify-model.js';

export { ModelSigningError, isModelSigningError, type ErrorCode } from '../errors.js';
export { VerificationMismatchError, mismatchSummary } from '../verify-model.js';
export type { VerificationReport, VerificationResult, Mismatch } from '../verify-model.js';
export type { SignerInfo } from '../verifiers/types.js';
export type { HashProgress } from '../hashing/types.js';
export { modelFromEntries, modelFromFileList, modelFromHandle, type BrowserModel, type ModelEntry, type ModelInput } from './model.js';
export { readSignature, browserTrustedRoot, type BrowserVerifyOptions, type SignatureInput, type VerifyMethod } from './verify.js';
export { hashModel, inThreadDigester, workerDigester, WorkersUnavailableError, type Digester } from './hash-model.js';

/** The hashing worker's code, put in by the build (a Blob URL works from file:// pages and any host). */
declare const __HASH_WORKER_SOURCE__: string;

let workerUrl: string | undefined;
function makeWorker(): Worker {
  workerUrl ??= URL.createObjectURL(new Blob([__HASH_WORKER_SOURCE__], { type: 'text/javascript' }));
  return new Worker(workerUrl);
}

/** How the last digests were computed ('workers' or 'in-thread'), for the page and the tests. */
export const hashingStats = { last: 'none' as 'none' | 'workers' | 'in-thread' };

/** A Web Worker pool (one per core, at most 8) when the page may start workers; else hashing in this thread. */
export function defaultDigester(workers?: number): Digester {
  const inThread: Digester = (jobs, onBytes) => {
    hashingStats.last = 'in-thread';
    return inThreadDigester(jobs, onBytes);
  };
  if (typeof Worker === 'undefined' || typeof URL.createObjectURL !== 'function') return inThread;
  const n = workers ?? Math.min(8, Math.max(1, (globalThis.navigator?.hardwareConcurrency ?? 2)));
  const pool = workerDigester(makeWorker, n);
  return async (jobs, onBytes) => {
    try {
      const out = await pool(jobs, onBytes);
      hashingStats.last = 'workers';
      return out;
    } catch (e) {
      // A Content-Security-Policy may forbid blob: workers: hash here instead.
      if (e instanceof WorkersUnavailableError) return inThread(jobs, onBytes);
      throw e;
    }
  };
}

/** Verifies a model against its signature (see BrowserVerifyOptions); throws ModelSigningError on failure. */
export function verify(o: BrowserVerifyOptions): Promise<VerificationResult> {
  return verifyWith({ ...o, digester: o.digester ?? defaultDigester() });
}
