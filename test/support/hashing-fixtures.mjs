// Shared helpers for the hashing tests: temporary files, tasks, and independent digest tools.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-hashing-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `size` pseudo-random bytes (seeded by randomBytes, fast for big sizes). */
export function writeRandom(file, size) {
  const fd = fs.openSync(file, 'w');
  const block = randomBytes(Math.min(size, 1 << 20) || 1);
  let left = size;
  let i = 0;
  while (left > 0) {
    const n = Math.min(left, block.length);
    block[0] = i++ & 0xff; // blocks differ, so a misplaced block changes the digest
    fs.writeSync(fd, block, 0, n);
    left -= n;
  }
  fs.closeSync(fd);
  return file;
}

/** A task for the whole file, or [start, end) of it, with the walk's snapshot taken now. */
export function taskFor(file, name = path.basename(file), range, noFollow = true) {
  const st = fs.lstatSync(file, { bigint: true });
  const target = st.isSymbolicLink() ? fs.statSync(file, { bigint: true }) : st;
  const size = Number(target.size);
  const [start, end] = range ?? [0, size];
  return { name, path: file, start, end, expectedSize: size, expectedMtimeNs: target.mtimeNs, noFollow };
}

export const TOOLS = {
  sha256: { cmd: 'openssl', args: ['dgst', '-sha256', '-r'] },
  blake2b: { cmd: 'b2sum', args: ['-'] },
  blake3: { cmd: 'b3sum', args: ['-'] },
};

export function toolMissing(algorithm) {
  const { cmd } = TOOLS[algorithm];
  const r = spawnSync(cmd, ['--version'], { stdio: 'ignore' });
  return r.error ? `${cmd} is not installed` : false;
}

/** Digest of bytes [start, end) of a file by the independent command-line tool (hex). */
export function toolDigest(algorithm, file, start = 0, end) {
  const { cmd, args } = TOOLS[algorithm];
  const whole = fs.readFileSync(file);
  const input = whole.subarray(start, end ?? whole.length);
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return r.stdout.toString().trim().split(/\s+/)[0];
}

export const hex = (b) => Buffer.from(b).toString('hex');
