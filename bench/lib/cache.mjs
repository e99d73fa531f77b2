// Page-cache control: warm (read everything) and cold (drop the bench files' pages only).
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

export function warm(files) {
  // `cat` rather than Node: the recipe's way, and it leaves nothing in this process.
  for (let i = 0; i < files.length; i += 500) {
    spawnSync('sh', ['-c', 'cat "$@" > /dev/null', 'sh', ...files.slice(i, i + 500)], { stdio: 'ignore' });
  }
}

const DD_SCRIPT = 'for f in "$@"; do dd if="$f" iflag=nocache count=0 status=none; done';

/** Resident bytes of a file per `fincore`, or null when it cannot tell. */
function resident(file) {
  const r = spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

let method;
/**
 * How to make the bench files cold. Per-file fadvise(DONTNEED) through `dd iflag=nocache` is
 * preferred: it leaves node, the CLI's own files and other people's work cached. Else the global
 * knob (root only), else nothing.
 */
export function coldMethod(probe) {
  if (method !== undefined) return method;
  method = null;
  if (probe) {
    spawnSync('cat', [probe], { stdio: 'ignore' });
    const r = spawnSync('sh', ['-c', DD_SCRIPT, 'sh', probe]);
    const left = resident(probe);
    if (r.status === 0 && (left === null || left === 0)) method = 'per-file fadvise DONTNEED (dd iflag=nocache)';
  }
  if (!method) {
    try {
      fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
      method = 'echo 1 > /proc/sys/vm/drop_caches';
    } catch {
      /* not permitted */
    }
  }
  return method;
}

/** Drops the page cache of `files`; false when not possible. */
export function drop(files) {
  const m = coldMethod(files[0]);
  if (!m) return false;
  if (m.startsWith('echo')) {
    spawnSync('sync');
    fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
    return true;
  }
  for (let i = 0; i < files.length; i += 200) spawnSync('sh', ['-c', DD_SCRIPT, 'sh', ...files.slice(i, i + 200)], { stdio: 'ignore' });
  return true;
}
