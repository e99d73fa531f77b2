/**
 * Page-aligned read buffers. Large Buffer.alloc* / SharedArrayBuffer memory sits at page offset 16
 * (glibc malloc), which sends the kernel's page-cache copy down a 4-5x slower path on some CPUs
 * (see docs: hashing limits). A resizable ArrayBuffer is reserved with mmap, so it starts on a page.
 */
export const PAGE_SIZE = 4096;
export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;

/** Rounds a requested chunk size to whole pages (at least one page). */
export function normaliseChunkSize(n: number | undefined): number {
  const v = n ?? DEFAULT_CHUNK_SIZE;
  return Math.max(PAGE_SIZE, Math.ceil(v / PAGE_SIZE) * PAGE_SIZE);
}

// The ES2024 resizable-ArrayBuffer constructor (Node >= 20) is not in the ES2023 lib typings.
const ResizableArrayBuffer = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer;

export function alignedBuffer(size: number): Buffer {
  return Buffer.from(new ResizableArrayBuffer(size, { maxByteLength: size }));
}
