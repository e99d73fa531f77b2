/** Canonical model-relative names (OMS 6.1.2): UTF-8 only, `/`-separated, no `.`/`..`/empty segments. */
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { ModelSigningError } from '../errors.js';
import { compareCodePoints } from '../manifest.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/** Decodes a raw directory entry name; a name that is not valid UTF-8 cannot be recorded in JSON losslessly. */
export function decodeEntryName(raw: Buffer, parentName: string): string {
  try {
    return strictUtf8.decode(raw);
  } catch {
    const shown = joinName(parentName, lossyUtf8.decode(raw));
    throw new ModelSigningError('MODEL', `file name '${shown}' is not valid UTF-8 (bytes ${raw.toString('hex')}); rename it to sign the model`);
  }
}

/** Child name under a model-relative parent ('' is the model root). */
export function joinName(parent: string, child: string): string {
  return parent === '' ? child : `${parent}/${child}`;
}

/** Why `name` is not a canonical model-relative path, or null when it is. */
export function canonicalNameProblem(name: string): string | null {
  if (name === '') return 'is empty';
  if (name.startsWith('/')) return "starts with '/' (absolute)";
  for (const seg of name.split('/')) {
    if (seg === '') return 'has an empty segment';
    if (seg === '.') return "has a '.' segment";
    if (seg === '..') return "has a '..' segment (escapes the model)";
    if (seg.includes('\0')) return 'contains a NUL character';
  }
  return null;
}

/**
 * Lexically normalises a relative POSIX path: collapses `./`, `//`, trailing `/` and `x/..`.
 * Returns null when the result escapes (`..` left over) or is absolute; '' means the model itself.
 */
export function normaliseRelative(p: string): string | null {
  if (p.startsWith('/')) return null;
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else {
      out.push(seg);
    }
  }
  return out.join('/');
}

/** `abs` relative to `root` as a canonical name, '' for the root itself, or null when outside. */
export function nameInside(root: string, abs: string): string | null {
  const rel = relative(root, abs);
  if (rel === '') return '';
  if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) return null;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** Code-point order (= UTF-8 byte order). Sorts a copy; allocates nothing per item (many-file models). */
export function sortByName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => compareCodePoints(a.name, b.name));
}

export function sortNames(names: Iterable<string>): string[] {
  return sortByName([...new Set(names)].map((name) => ({ name }))).map((x) => x.name);
}

/** Informational model name: the basename, or that of the resolved path for `.`, `..`, `/`, ''. */
export function modelNameOf(modelPath: string): string {
  const b = basename(modelPath);
  if (b !== '' && b !== '.' && b !== '..') return b;
  return basename(resolve(modelPath)) || '/';
}
