/**
 * Digest backends: one streaming hasher per algorithm, chosen once per thread.
 * SHA-256 uses node:crypto (OpenSSL with SHA-NI). BLAKE2b-512 and BLAKE3 use the prebuilt
 * @napi-rs/blake-hash binary, falling back to node:crypto (BLAKE2b) or hash-wasm (BLAKE3)
 * when the native package cannot load on this platform.
 */
import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { HashAlgorithm } from '../manifest.js';
import { ModelSigningError } from '../errors.js';

export interface StreamHasher {
  update(data: Buffer): void;
  digest(): Buffer;
}
/**
 * Starts a new stream. Streams from one factory must not interleave (the wasm fallback reuses one
 * instance). `oneShot`, when present, digests a whole buffer with less per-call overhead (small files).
 */
export interface HasherFactory {
  (): StreamHasher;
  oneShot?: (data: Buffer) => Buffer;
}

function withOneShot(f: () => StreamHasher, oneShot: ((d: Buffer) => Buffer) | undefined): HasherFactory {
  const factory: HasherFactory = f;
  if (oneShot) factory.oneShot = oneShot;
  return factory;
}

interface NativeBlake {
  blake2b(input: Uint8Array): Buffer;
  blake3(input: Uint8Array): Buffer;
  Blake2BHasher: new () => { update(b: Buffer): unknown; digestBuffer(): Buffer };
  Blake3Hasher: new () => { update(b: Uint8Array): unknown; digestBuffer(): Buffer };
}

/** hash-wasm's BLAKE3 slows down and misbehaves on big updates; feed it at most 1 MiB at a time. */
const WASM_MAX_UPDATE = 1 << 20;

let nativeBlake: NativeBlake | null | undefined;
function loadNativeBlake(): NativeBlake | null {
  if (nativeBlake === undefined) {
    try {
      nativeBlake = createRequire(import.meta.url)('@napi-rs/blake-hash') as NativeBlake;
    } catch {
      nativeBlake = null;
    }
  }
  return nativeBlake;
}

export interface BackendOptions {
  /** Use @napi-rs/blake-hash when it loads (default true). false forces the portable fallbacks (tests). */
  native?: boolean;
}

/** Which implementation `loadHasherFactory` picks, for diagnostics and the benchmark. */
export function backendName(algorithm: HashAlgorithm, o: BackendOptions = {}): string {
  if (algorithm === 'sha256') return 'node:crypto';
  const native = o.native !== false && loadNativeBlake() !== null;
  if (algorithm === 'blake2b') return native ? '@napi-rs/blake-hash' : 'node:crypto';
  return native ? '@napi-rs/blake-hash' : 'hash-wasm';
}

export async function loadHasherFactory(algorithm: HashAlgorithm, o: BackendOptions = {}): Promise<HasherFactory> {
  // Only the BLAKE algorithms load the native package (its loader costs ms per thread at start-up).
  const native = o.native !== false && algorithm !== 'sha256' ? loadNativeBlake() : null;
  switch (algorithm) {
    case 'sha256':
      return withOneShot(() => cryptoHasher('sha256'), cryptoOneShot('sha256'));
    case 'blake2b':
      if (native) {
        const { Blake2BHasher, blake2b } = native;
        return withOneShot(() => {
          const h = new Blake2BHasher();
          return { update: (d) => void h.update(d), digest: () => h.digestBuffer() };
        }, (d) => blake2b(d));
      }
      return withOneShot(() => cryptoHasher('blake2b512'), cryptoOneShot('blake2b512'));
    case 'blake3': {
      if (native) {
        const { Blake3Hasher, blake3 } = native;
        return withOneShot(() => {
          const h = new Blake3Hasher();
          return { update: (d) => void h.update(d), digest: () => h.digestBuffer() };
        }, (d) => blake3(d));
      }
      const { createBLAKE3 } = await import('hash-wasm');
      const wasm = await createBLAKE3();
      return () => {
        wasm.init();
        return {
          update(d) {
            for (let i = 0; i < d.length; i += WASM_MAX_UPDATE) wasm.update(d.subarray(i, i + WASM_MAX_UPDATE));
          },
          digest: () => Buffer.from(wasm.digest('binary')),
        };
      };
    }
    default:
      throw new ModelSigningError('USAGE', `unknown hash algorithm '${String(algorithm)}'`);
  }
}

type OneShotHash = (algorithm: string, data: Buffer, outputEncoding: 'buffer') => Buffer;
/** crypto.hash (Node >= 20.12) skips the Hash object: measurably cheaper per small file. */
function cryptoOneShot(name: string): ((d: Buffer) => Buffer) | undefined {
  const hash = (crypto as unknown as { hash?: OneShotHash }).hash;
  return hash ? (d) => hash(name, d, 'buffer') : undefined;
}

function cryptoHasher(name: string): StreamHasher {
  const h = createHash(name);
  return { update: (d) => void h.update(d), digest: () => h.digest() };
}
