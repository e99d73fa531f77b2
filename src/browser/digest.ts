/**
 * Streaming digests of Blob byte ranges with hash-wasm (SHA-256, BLAKE2b-512, BLAKE3 in WebAssembly: WebCrypto
 * cannot hash incrementally, and a 2 GiB shard must never be held in memory). Shared by the Web Worker and the
 * in-thread fallback. Reads are double-buffered: the next chunk is read while the current one is hashed.
 */
import { createBLAKE2b, createBLAKE3, createSHA256, type IHasher } from 'hash-wasm';
import type { HashAlgorithm } from '../manifest.js';

/** Bytes read from the Blob per step. */
export const READ_CHUNK = 8 << 20;
/** hash-wasm's BLAKE3 slows down on big updates (as in the Node fallback): feed it at most 1 MiB at a time. */
const MAX_UPDATE = 1 << 20;

export interface DigestJob {
  blob: Blob;
  start: number;
  end: number;
  algorithm: HashAlgorithm;
}

const hashers: Partial<Record<HashAlgorithm, Promise<IHasher>>> = {};
function hasher(algorithm: HashAlgorithm): Promise<IHasher> {
  const make = { sha256: () => createSHA256(), blake2b: () => createBLAKE2b(512), blake3: () => createBLAKE3(256) }[algorithm];
  return (hashers[algorithm] ??= make());
}

/** Hex digest of `blob[start, end)`; `onBytes` reports progress as chunks are hashed. */
export async function digestRange(job: DigestJob, onBytes?: (n: number) => void): Promise<string> {
  const h = await hasher(job.algorithm);
  h.init();
  const read = (pos: number): Promise<ArrayBuffer> => job.blob.slice(pos, Math.min(pos + READ_CHUNK, job.end)).arrayBuffer();
  let pos = job.start;
  let next = pos < job.end ? read(pos) : undefined;
  while (next) {
    const buf = new Uint8Array(await next);
    if (buf.length === 0) throw new Error('the file became shorter while it was read');
    pos += buf.length;
    next = pos < job.end ? read(pos) : undefined;
    for (let off = 0; off < buf.length; off += MAX_UPDATE) h.update(buf.subarray(off, off + MAX_UPDATE));
    onBytes?.(buf.length);
  }
  return h.digest('hex');
}
