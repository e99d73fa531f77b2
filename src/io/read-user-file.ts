/**
 * The one way to read a file the user names (keys, certificates, PIN and password files, trust configs):
 * opened non-blocking (a FIFO cannot hang the open), regular files only (no /dev/zero, no directories),
 * refused from its size before reading, and read with a hard cap (a file growing while read cannot
 * exhaust memory). Errors are one line naming what the file is for, e.g. `--public-key`.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ModelSigningError, errorMessage, type ErrorCode } from '../errors.js';

/** Keys, certificates, PINs and trust configs are small; 16 MiB leaves room for big CA bundles. */
export const DEFAULT_MAX_USER_FILE_BYTES = 16 * 1024 * 1024;

/** How errors name the files whose readers live in modules that load lazily. */
export const TRUST_CONFIG_LABEL = 'trust config (--trust-config)';

export interface ReadUserFileOptions {
  /** Size limit in bytes (default 16 MiB). */
  maxBytes?: number;
  /** Error code for every failure (default 'IO'). */
  code?: ErrorCode;
}

/**
 * Reads `path` for `what` (the flag or option it came from, e.g. `--public-key` or `public key`) and
 * returns its bytes. Throws a ModelSigningError naming `what` and the path when it is missing,
 * unreadable, not a regular file, or larger than the limit.
 */
export function readUserFile(path: string, what: string, o: ReadUserFileOptions = {}): Buffer {
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_USER_FILE_BYTES;
  const fail = (msg: string, cause?: unknown): never => {
    throw new ModelSigningError(o.code ?? 'IO', `${what} '${path}' ${msg}`, cause === undefined ? undefined : { cause });
  };
  if (typeof path !== 'string' || path === '') throw new ModelSigningError('USAGE', `${what}: no file given`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail('does not exist', e);
    if (code === 'EACCES' || code === 'EPERM') fail('cannot be read (permission denied)');
    if (code === 'ENXIO') fail('is not a regular file (a socket or a FIFO with no writer)');
    return fail(`cannot be opened: ${errorMessage(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) fail('is a directory, not a file');
    if (st.isFIFO()) fail('is a FIFO (named pipe), not a regular file');
    if (st.isCharacterDevice() || st.isBlockDevice()) fail('is a device, not a regular file');
    if (!st.isFile()) fail('is not a regular file');
    if (st.size > maxBytes) fail(`is ${st.size} bytes, more than the limit of ${maxBytes}`);
    const buf = Buffer.alloc(st.size + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n === buf.length) fail(`grew while being read (more than its ${st.size} bytes)`);
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** readUserFile as text (`utf8` for JSON and PINs; `latin1` for PEM, which never fails to decode). */
export function readUserTextFile(path: string, what: string, encoding: 'utf8' | 'latin1' = 'utf8', o: ReadUserFileOptions = {}): string {
  return readUserFile(path, what, o).toString(encoding);
}
