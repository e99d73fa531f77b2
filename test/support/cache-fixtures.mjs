// Shared helpers for the digest-cache tests: real files, real stat snapshots, real digests.
import { statSync, readFileSync, mkdtempSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

/** A round mtime (whole seconds) so fs.utimesSync can restore it exactly. */
export const OLD_MTIME_S = 1_700_000_000;

/** The racy window is 2 s: fixtures must be older than that before their digests may be cached. */
export const sleepPastRacyWindow = () => new Promise((r) => setTimeout(r, 2_300));

export function makeTempDir(prefix = 'ms-cache-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files (name -> content) under dir with the round mtime; returns their absolute paths. */
export function writeModel(dir, files) {
  mkdirSync(dir, { recursive: true });
  const paths = {};
  for (const [name, content] of Object.entries(files)) {
    const p = join(dir, name);
    writeFileSync(p, content);
    utimesSync(p, OLD_MTIME_S, OLD_MTIME_S);
    paths[name] = p;
  }
  return paths;
}

/** A CacheKey from the file's current state (what the walk would record). */
export function keyOf(path, algorithm = 'sha256', range) {
  const st = statSync(path, { bigint: true });
  const size = Number(st.size);
  return {
    path,
    dev: st.dev,
    ino: st.ino,
    size,
    mtimeNs: st.mtimeNs,
    ctimeNs: st.ctimeNs,
    algorithm,
    start: range ? range[0] : 0,
    end: range ? range[1] : size,
  };
}

export const sha256File = (path) => createHash('sha256').update(readFileSync(path)).digest();

/** A HashTask for the whole file, as the hashing API builds it. */
export function wholeFileTask(name, path) {
  const st = statSync(path, { bigint: true });
  return {
    task: { name, path, start: 0, end: Number(st.size), expectedSize: Number(st.size), expectedMtimeNs: st.mtimeNs, noFollow: true },
    file: { dev: st.dev, ino: st.ino, size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs },
  };
}
