// Generated trees the benchmark creates for one run and removes afterwards: a nested tree of a million
// empty and tiny files, and a large sparse file. Their digests are known from how they were made, so
// each timed digest is checked without hashing them again.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';

/** Tree layout: TOP dirs x MID dirs x `perDir` files; the first top dir holds a tenth of the files. */
const TOP = 10;
const MID = 100;

/** File k's content: even files are empty, odd ones hold 1..64 bytes. */
const content = (k) => (k % 2 === 0 ? '' : `${k}\n`.repeat(1 + (k % 7)).slice(0, 1 + (k % 64)));

/**
 * Builds `total` files (a multiple of 1,000) under `dir` as a{0..9}/b{00..99}/f{k}. Returns the tree's
 * root and its first top-level folder (a tenth of the files), each with its expected root digest.
 */
export function millionTree(dir, total, log) {
  const perDir = total / (TOP * MID);
  if (!Number.isInteger(perDir)) throw new Error(`tree size ${total} is not a multiple of ${TOP * MID}`);
  fs.rmSync(dir, { recursive: true, force: true });
  log(`building a tree of ${total.toLocaleString('en')} empty and tiny files ...`);
  const t0 = Date.now();
  const names = [];
  for (let a = 0; a < TOP; a++) {
    for (let b = 0; b < MID; b++) {
      const sub = `a${a}/b${String(b).padStart(2, '0')}`;
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
      for (let i = 0; i < perDir; i++) {
        const k = (a * MID + b) * perDir + i;
        const name = `${sub}/f${k}`;
        fs.writeFileSync(path.join(dir, name), content(k));
        names.push([name, k]);
      }
    }
  }
  log(`  built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const digestOf = new Map();
  const fileDigest = (k) => {
    const c = content(k);
    let d = digestOf.get(c);
    if (!d) digestOf.set(c, (d = createHash('sha256').update(c).digest()));
    return d;
  };
  const root = (entries, strip) => {
    // Code-point order of the model-relative names (ASCII here: plain string order).
    const sorted = entries.map(([n, k]) => [n.slice(strip), k]).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const h = createHash('sha256');
    for (const [, k] of sorted) h.update(fileDigest(k));
    return `sha256:${h.digest('hex')}`;
  };
  const firstTop = names.filter(([n]) => n.startsWith('a0/'));
  return {
    all: { dir, files: total, expected: root(names, 0) },
    tenth: { dir: path.join(dir, 'a0'), files: firstTop.length, expected: root(firstTop, 3) },
  };
}

/**
 * A sparse file of `size` bytes (no data blocks: `truncate`), and its expected root digest in shards of
 * `shardSize` bytes: every shard is zeros, so only two distinct shard digests need computing.
 */
export function sparseFile(dir, size, shardSize) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'sparse.bin');
  fs.rmSync(file, { force: true });
  const fd = fs.openSync(file, 'w');
  fs.ftruncateSync(fd, size);
  fs.closeSync(fd);
  const zeros = Buffer.alloc(1 << 20);
  const zeroDigest = (n) => {
    const h = createHash('sha256');
    for (let left = n; left > 0; left -= zeros.length) h.update(left >= zeros.length ? zeros : zeros.subarray(0, left));
    return h.digest();
  };
  const cache = new Map();
  const shards = [];
  for (let a = 0; a < size; a += shardSize) {
    const b = Math.min(size, a + shardSize);
    if (!cache.has(b - a)) cache.set(b - a, zeroDigest(b - a));
    shards.push([Buffer.from(`sparse.bin:${a}:${b}`), cache.get(b - a)]);
  }
  shards.sort((x, y) => Buffer.compare(x[0], y[0]));
  const h = createHash('sha256');
  for (const [, d] of shards) h.update(d);
  return { dir, file, size, expected: `sha256:${h.digest('hex')}` };
}
