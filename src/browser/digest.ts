/**
 * Streaming digests of Blob byte ranges with hash-wasm (SHA-256, BLAKE2b-512, BLAKE3 in WebAssembly: WebCrypto
 * cannot hash incrementally, and a 2 GiB shard must never be held in memory). Shared by the Web Worker and the
 * in-thread fallback. Reads run ahead of the hashing: a browser reads a chosen file through its own process, and
 * several reads in flight hide that latency (measured in Chromium: up to twice the throughput of one at a time).
 */
import { createBLAKE2b, createBLAKE3, createSHA256, type IHasher } from 'hash-wasm';
import type { HashAlgorithm } from '../manifest.js';

/** Bytes read from the Blob per step, and how many reads are in flight: at most 48 MiB per worker. */
export const READ_CHUNK = 16 << 20;
const READS_AHEAD = 3;
/** hash-wasm's BLAKE3 slows down on big updates (as in the Node fallback): feed it at most 1 MiB at a time. */
const MAX_UPDATE = 1 << 20;

export interface DigestJob {
  blob: Blob;
  start: number;
  end: number;
  algorithm: HashAlgorithm;
}

// One hasher per digest in progress: hash-wasm hashers hold state, and two verifications running at once in
// the same thread (a page checking two models) must never interleave on one. Finished hashers are reused.
const idle: Partial<Record<HashAlgorithm, IHasher[]>> = {};
const MAKE: Record<HashAlgorithm, () => Promise<IHasher>> = {
  sha256: () => createSHA256(),
  blake2b: () => createBLAKE2b(512),
  blake3: () => createBLAKE3(256),
};

/** Hex digest of `blob[start, end)`; `onBytes` reports progress as chunks are hashed. */
export async function digestRange(job: DigestJob, onBytes?: (n: number) => void): Promise<string> {
  const h = idle[job.algorithm]?.pop() ?? (await MAKE[job.algorithm]());
  try {
    return await digestWith(h, job, onBytes);
  } finally {
    (idle[job.algorithm] ??= []).push(h);
  }
}

async function digestWith(h: IHasher, job: DigestJob, onBytes?: (n: number) => void): Promise<string> {
  h.init();
  const queue: Array<{ data: Promise<ArrayBuffer>; length: number }> = [];
  let next = job.start;
  const fill = (): void => {
    while (queue.length < READS_AHEAD && next < job.end) {
      const end = Math.min(next + READ_CHUNK, job.end);
      const data = job.blob.slice(next, end).arrayBuffer();
      data.catch(() => undefined); // reported when awaited; not an unhandled rejection if an earlier read fails
      queue.push({ data, length: end - next });
      next = end;
    }
  };
  fill();
  while (queue.length > 0) {
    const { data, length } = queue.shift()!;
    const buf = new Uint8Array(await data);
    if (buf.length !== length) throw new Error('the file changed size while it was read');
    fill();
    for (let off = 0; off < buf.length; off += MAX_UPDATE) h.update(buf.subarray(off, off + MAX_UPDATE));
    onBytes?.(buf.length);
  }
  return h.digest('hex');
}
