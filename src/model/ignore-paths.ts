/**
 * Ignore paths: validation of canonical entries, and resolution of user input (CLI: relative to the
 * current directory as the reference takes them, or to the model; API: relative to the model, or
 * absolute inside it) into canonical model-relative names.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { ModelSigningError } from '../errors.js';
import { canonicalNameProblem, nameInside, normaliseRelative, sortNames } from './names.js';

/** Excluded at the model's top level by default (OMS 6.2), and recorded as such. */
export const GIT_IGNORE_PATHS: readonly string[] = ['.git', '.gitattributes', '.github', '.gitignore'];

const GLOB_CHARS = /[*?[]/;

/** Throws USAGE unless `p` is a canonical ignore entry (OMS 6.2.1: no globs, no leading `/`, no `..`). */
export function validateIgnorePath(p: string): string {
  if (typeof p !== 'string') throw new ModelSigningError('USAGE', `ignore path must be a string, got ${typeof p}`);
  if (GLOB_CHARS.test(p)) throw new ModelSigningError('USAGE', `ignore path '${p}' contains a glob character (*, ? or [); give exact paths`);
  const problem = canonicalNameProblem(p);
  if (problem) throw new ModelSigningError('USAGE', `ignore path '${p}' ${problem}`);
  return p;
}

/** Canonical, validated, sorted and de-duplicated. */
export function canonicalIgnorePaths(paths: Iterable<string>): string[] {
  return sortNames([...paths].map(validateIgnorePath));
}

/**
 * CLI `--ignore-paths`: each value is taken relative to `cwd` when that lands inside the model
 * (as the reference CLI does), else relative to the model when it reads as a clean relative path;
 * anything else is outside the model and an error (the reference silently drops it).
 */
export function resolveCliIgnorePaths(modelPath: string, paths: readonly string[], cwd: string): string[] {
  const root = resolve(cwd, modelPath);
  const out: string[] = [];
  for (const p of paths) {
    if (typeof p !== 'string' || p === '') throw new ModelSigningError('USAGE', 'ignore path must not be empty');
    let name = insideModel(root, resolve(cwd, p));
    if (name === null && !isAbsolute(p)) name = normaliseRelative(p);
    if (name === null) throw new ModelSigningError('USAGE', `ignore path '${p}' is outside the model '${modelPath}'`);
    out.push(checkNotRoot(name, p, modelPath));
  }
  return canonicalIgnorePaths(out);
}

/**
 * API ignore paths: relative to the model (lexically normalised), or absolute inside it.
 * Outside the model is an error, never silently dropped.
 */
export function resolveApiIgnorePaths(modelPath: string, paths: readonly string[]): string[] {
  const root = resolve(modelPath);
  const out: string[] = [];
  for (const p of paths) {
    if (typeof p !== 'string' || p === '') throw new ModelSigningError('USAGE', 'ignore path must not be empty');
    const name = isAbsolute(p) ? insideModel(root, p) : normaliseRelative(p);
    if (name === null) throw new ModelSigningError('USAGE', `ignore path '${p}' is outside the model '${modelPath}'`);
    out.push(checkNotRoot(name, p, modelPath));
  }
  return canonicalIgnorePaths(out);
}

/**
 * The signature file's model-relative name when it lies inside the model directory, else null.
 * A name with glob characters is returned as is: recording it as an ignore path then fails loudly,
 * which beats signing the signature file into its own manifest.
 */
export function signatureIgnorePath(modelPath: string, sigPath: string, cwd: string): string | null {
  try {
    const name = insideModel(resolve(cwd, modelPath), resolve(cwd, sigPath));
    if (name === null || name === '' || canonicalNameProblem(name) !== null) return null;
    return name;
  } catch {
    return null;
  }
}

function checkNotRoot(name: string, given: string, modelPath: string): string {
  if (name === '') throw new ModelSigningError('USAGE', `ignore path '${given}' is the model '${modelPath}' itself`);
  return name;
}

/** Lexical containment first; then with symlinks resolved (the reference resolves both sides). */
function insideModel(root: string, abs: string): string | null {
  const lexical = nameInside(root, abs);
  if (lexical !== null) return lexical;
  return nameInside(realpathLoose(root), realpathLoose(abs));
}

/** realpath of the longest existing prefix, with the rest appended (the path need not exist). */
function realpathLoose(p: string): string {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return join(realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return p;
      rest.push(basename(cur));
      cur = parent;
    }
  }
}
