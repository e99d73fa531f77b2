/**
 * Finds the PKCS #11 module (shared library) a URI names: `module-path` (a file, or a directory to
 * search), or `module-name` looked up in the caller's directories, then the usual system ones
 * (including Debian/Ubuntu multiarch directories and p11-kit's module registrations).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ModelSigningError } from '../errors.js';
import type { Pkcs11Uri } from './uri.js';

const FIXED_DIRS = [
  '/usr/lib64/pkcs11',
  '/usr/lib/pkcs11',
  '/usr/lib64/softhsm',
  '/usr/lib/softhsm',
  '/usr/local/lib/pkcs11',
  '/usr/local/lib/softhsm',
  '/opt/homebrew/lib/pkcs11',
  '/opt/homebrew/lib/softhsm',
];
const P11KIT_DIRS = ['/etc/pkcs11/modules', '/usr/share/p11-kit/modules'];

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
function isFile(p: string): boolean {
  try {
    return statSync(p).isFile(); // follows symlinks, as dlopen does
  } catch {
    return false;
  }
}
function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * Multiarch directories (`/usr/lib/x86_64-linux-gnu/{pkcs11,softhsm}`, ...), whatever the triplet.
 * Not the triplet directory itself: `module-name=ssl` must not load libssl as a token module.
 */
function multiarchDirs(): string[] {
  const triplets = list('/usr/lib').filter((d) => /-linux-gnu|-linux-musl/.test(d));
  return triplets.flatMap((t) => [join('/usr/lib', t, 'pkcs11'), join('/usr/lib', t, 'softhsm')]);
}

/** The directories searched for `module-name` after the caller's own, in order. */
export function defaultModuleDirs(): string[] {
  return [...FIXED_DIRS.slice(0, 2), ...multiarchDirs(), ...FIXED_DIRS.slice(2)].filter(isDir);
}

/**
 * Whether a library file is the module `name`: `softhsm2`, `libsofthsm2`, `libsofthsm2.so` all
 * name `libsofthsm2.so` (case-insensitive). Stricter than the reference's substring match, so
 * `hsm2` does not silently load some other library.
 */
export function moduleFileMatches(file: string, name: string): boolean {
  const f = file.toLowerCase();
  const n = name.toLowerCase();
  if (!/\.(so(\.[0-9]+)*|dylib|dll)$/.test(f)) return false;
  if (f === n) return true;
  const stem = f.replace(/\.(so(\.[0-9]+)*|dylib|dll)$/, '');
  const bare = n.replace(/\.(so(\.[0-9]+)*|dylib|dll)$/, '');
  return stem === bare || stem === `lib${bare}`;
}

function searchDir(dir: string, name: string): string | undefined {
  for (const f of list(dir)) {
    if (moduleFileMatches(f, name) && isFile(join(dir, f))) return join(dir, f);
  }
  return undefined;
}

/** p11-kit registrations (`softhsm2.module` with `module: /path/libsofthsm2.so`). */
function p11kitModule(name: string, dirs: string[]): string | undefined {
  for (const dir of P11KIT_DIRS) {
    for (const f of list(dir)) {
      if (!f.endsWith('.module') || f.slice(0, -'.module'.length).toLowerCase() !== name.toLowerCase()) continue;
      let text: string;
      try {
        text = readFileSync(join(dir, f), 'utf8');
      } catch {
        continue;
      }
      const m = /^\s*module\s*:\s*(\S+)\s*$/m.exec(text);
      if (!m) continue;
      const target = m[1]!;
      if (target.startsWith('/')) {
        if (isFile(target)) return target;
      } else {
        for (const d of dirs) if (isFile(join(d, target))) return join(d, target);
      }
    }
  }
  return undefined;
}

/** Absolute path of the module to load; throws a PKCS11 error listing where it looked. */
export function findModule(u: Pkcs11Uri, extraDirs: readonly string[] = []): string {
  if (u.modulePath !== undefined) {
    if (isFile(u.modulePath)) return u.modulePath;
    if (!isDir(u.modulePath)) throw new ModelSigningError('PKCS11', `PKCS #11 module not found: module-path ${u.modulePath} does not exist`);
    if (u.moduleName === undefined) {
      throw new ModelSigningError('USAGE', `module-path ${u.modulePath} is a directory: add module-name=<name> to say which module in it to load`);
    }
    const found = searchDir(u.modulePath, u.moduleName);
    if (found) return found;
    throw new ModelSigningError('PKCS11', `PKCS #11 module '${u.moduleName}' not found in ${u.modulePath} (module-path)`);
  }
  if (u.moduleName === undefined) {
    throw new ModelSigningError(
      'USAGE',
      'the PKCS #11 URI does not say which module to load: add ?module-name=<name> (e.g. softhsm2) or ?module-path=/path/to/module.so',
    );
  }
  const dirs = [...extraDirs, ...defaultModuleDirs()];
  for (const d of dirs) {
    const found = searchDir(d, u.moduleName);
    if (found) return found;
  }
  const registered = p11kitModule(u.moduleName, dirs);
  if (registered) return registered;
  const where = dirs.length > 0 ? dirs.join(', ') : '(no module directory exists)';
  throw new ModelSigningError(
    'PKCS11',
    `PKCS #11 module '${u.moduleName}' not found in ${where}; give its file as module-path=/path/to/${basename(`lib${u.moduleName}.so`)}`,
  );
}
