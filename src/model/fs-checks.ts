/** Small filesystem helpers for the walk: bigint stats, error wording, the symlink policy messages. */
import { lstatSync, readdirSync, realpathSync, readlinkSync, statSync, type BigIntStats } from 'node:fs';
import { ModelSigningError } from '../errors.js';
import { decodeEntryName } from './names.js';
import type { ModelFile } from './types.js';

export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'name too long',
  EIO: 'input/output error',
};

export function reason(e: unknown): string {
  const code = errnoCode(e);
  return (code && REASONS[code]) ?? (e instanceof Error ? e.message : String(e));
}

/** What a non-regular, non-directory entry is, for error messages. */
export function kindOf(st: BigIntStats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isSymbolicLink()) return 'a symlink';
  return 'not a regular file or directory';
}

export function specialFileError(name: string, st: BigIntStats, viaLink = false): ModelSigningError {
  const what = viaLink ? `is a symlink to ${kindOf(st)}` : `is ${kindOf(st)}`;
  return new ModelSigningError('MODEL', `Cannot use '${name}' because it ${what}; a model may only hold regular files and directories`);
}

export function symlinkRefused(name: string, hint?: string): ModelSigningError {
  return new ModelSigningError('MODEL', `Cannot use '${name}' because it is a symlink; ${hint ?? 'use --allow-symlinks to follow symlinks'}`);
}

/** lstat, turning failures into one-line IO errors naming the path. */
export function lstatOrThrow(abs: string, name: string): BigIntStats {
  try {
    return lstatSync(abs, { bigint: true });
  } catch (e) {
    throw new ModelSigningError('IO', `cannot read '${name}': ${reason(e)}`, { cause: e });
  }
}

/** Stat through a symlink; a dangling or looping link is an error naming the link. */
export function followLink(abs: string, name: string): BigIntStats {
  try {
    return statSync(abs, { bigint: true });
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') {
      let target = '?';
      try {
        target = readlinkSync(abs);
      } catch {
        // keep '?': the link vanished too
      }
      const what = code === 'ELOOP' ? 'a symlink loop' : 'a broken symlink';
      throw new ModelSigningError('MODEL', `Cannot use '${name}' because it is ${what} (target '${target}')`, { cause: e });
    }
    throw new ModelSigningError('IO', `cannot follow symlink '${name}': ${reason(e)}`, { cause: e });
  }
}

/** A directory entry: its name (valid UTF-8, decoded) and type (d_type; unknown types are stat'ed by Node). */
export interface DirEntry {
  name: string;
  isFile(): boolean;
}

/**
 * Directory entries with their types. Names are read as strings (the fast path); only a directory with a
 * U+FFFD in some name is read again as raw bytes, since that is how an invalid UTF-8 name shows, and each
 * name is then decoded strictly (an invalid one is an error naming it).
 */
export function readDirEntries(abs: string, name: string, modelName: string): DirEntry[] {
  try {
    const entries = readdirSync(abs, { withFileTypes: true });
    if (!entries.some((e) => e.name.includes('\uFFFD'))) return entries;
    return readdirSync(abs, { encoding: 'buffer', withFileTypes: true }).map((e) => {
      const decoded = decodeEntryName(e.name, modelName);
      return { name: decoded, isFile: () => e.isFile() };
    });
  } catch (e) {
    if (e instanceof ModelSigningError) throw e;
    throw new ModelSigningError('IO', `cannot read directory '${name}': ${reason(e)}`, { cause: e });
  }
}

export function realpathOrNull(abs: string): string | null {
  try {
    return realpathSync(abs);
  } catch {
    return null;
  }
}

export function modelFile(name: string, path: string, isSymlink: boolean, st: BigIntStats): ModelFile {
  return { name, path, isSymlink, size: Number(st.size), dev: st.dev, ino: st.ino, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

export function dirKey(st: BigIntStats): string {
  return `${st.dev}:${st.ino}`;
}
