/** Small user-named files (auth files, manifests): regular files only, size-bounded, never blocking on a FIFO. */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ModelSigningError, errorMessage } from '../errors.js';

/** Reads a regular file of at most `max` bytes without blocking on FIFOs; null when absent. */
export function readSmallFile(path: string, max: number, what: string): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ModelSigningError('IO', `cannot open ${what} '${path}': ${errorMessage(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ModelSigningError('IO', `${what} '${path}' is not a regular file`);
    if (st.size > max) throw new ModelSigningError('IO', `${what} '${path}' is ${st.size} bytes, more than the limit of ${max}`);
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > max) throw new ModelSigningError('IO', `${what} '${path}' is more than the limit of ${max} bytes`);
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
