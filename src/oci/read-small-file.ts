/** Small files the OCI commands read when present (auth files, manifests), through the one safe reader. */
import { readUserFile } from '../io/read-user-file.js';

/** Reads a regular file of at most `max` bytes without blocking on FIFOs; null when it does not exist. */
export function readSmallFile(path: string, max: number, what: string): Buffer | null {
  try {
    return readUserFile(path, what, { maxBytes: max });
  } catch (e) {
    if (((e as Error).cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return null;
    throw e;
  }
}
