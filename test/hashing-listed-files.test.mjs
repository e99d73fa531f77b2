// Many-file models: the walk lists regular files by directory entry type and the hashing threads stat
// each one right before opening it, hashing the small ones in the same pass. Digests must equal those of
// the walk-then-hash path (which the digest cache still uses) and of node:crypto directly, in files and
// shards mode; progress must stay monotonic; the per-file safety checks must still apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { Config } from '../dist/api/hashing.js';
import { hashListedFiles, INLINE_MAX_TASKS, LISTED_HASH_MAX_BYTES } from '../dist/hashing/engine.js';
import { ModelSigningError } from '../dist/errors.js';
import { tempDir, writeRandom } from './support/hashing-fixtures.mjs';

/** More files than the calling thread takes (so the worker pool runs), of sizes around every threshold. */
function manyFileModel(dir) {
  const sizes = [];
  const n = INLINE_MAX_TASKS + 300;
  for (let i = 0; i < n; i++) sizes.push(i % 5 === 0 ? 0 : i % 7 === 0 ? 5000 + i : 1 + (i % 300));
  sizes.push(LISTED_HASH_MAX_BYTES, LISTED_HASH_MAX_BYTES + 1, 3 * 1024 * 1024 + 17);
  const files = sizes.map((size, i) => {
    const rel = `d${i % 9}/e${i % 4}/f${i}.bin`;
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    writeRandom(path.join(dir, rel), size);
    return { rel, size };
  });
  return files;
}

/** What the manifest must hold, computed with node:crypto from the files themselves. */
function expected(dir, files, shardSize) {
  const out = [];
  for (const { rel } of files) {
    const data = fs.readFileSync(path.join(dir, rel));
    if (shardSize === undefined) out.push([rel, createHash('sha256').update(data).digest('hex')]);
    else for (let a = 0; a < data.length; a += shardSize) {
      const b = Math.min(data.length, a + shardSize);
      out.push([`${rel}:${a}:${b}`, createHash('sha256').update(data.subarray(a, b)).digest('hex')]);
    }
  }
  return out.sort((x, y) => Buffer.compare(Buffer.from(x[0]), Buffer.from(y[0])));
}

const pairs = (m) => m.resources.map((r) => [r.name, r.digest]);

test('files mode: digests equal node:crypto and the walk-then-hash path (digest cache)', async (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'model');
  const files = manyFileModel(model);
  const listed = await new Config().hash(model);
  assert.deepEqual(pairs(listed), expected(model, files));
  const walked = await new Config().useDigestCache({ dir: path.join(dir, 'cache'), readOnly: true }).hash(model);
  assert.equal(listed.rootDigest, walked.rootDigest);
});

test('a few hundred mid-size files: some are hashed as they are listed, the rest as tasks; same digests', async (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'model');
  const files = [];
  for (let i = 0; i < 200; i++) {
    const rel = `m${i % 3}/f${i}.bin`;
    const size = 150 * 1024 + i; // 200 x 150 KiB: over the calling thread's byte budget
    fs.mkdirSync(path.join(model, path.dirname(rel)), { recursive: true });
    writeRandom(path.join(model, rel), size);
    files.push({ rel, size });
  }
  const m = await new Config().hash(model);
  assert.deepEqual(pairs(m), expected(model, files));
});

test('shards mode: small files are one shard each, empty files none, big ones split', async (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'model');
  const files = manyFileModel(model);
  for (const shardSize of [4096, 1_000_000_000]) {
    const m = await new Config().useShardSerialization({ shardSize }).hash(model);
    assert.deepEqual(pairs(m), expected(model, files, shardSize), `shard size ${shardSize}`);
  }
});

test('progress on a many-file model is monotonic and ends at the model size and file count', async (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'model');
  const files = manyFileModel(model);
  const total = files.reduce((s, f) => s + f.size, 0);
  const seen = [];
  await new Config().setProgressHandler((p) => seen.push(p)).hash(model);
  assert.ok(seen.length >= 2, 'at least the end of each phase');
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i].bytesDone >= seen[i - 1].bytesDone, `bytesDone went back at event ${i}`);
    assert.ok(seen[i].bytesTotal >= seen[i - 1].bytesTotal, `bytesTotal went back at event ${i}`);
    assert.ok(seen[i].bytesDone <= seen[i].bytesTotal);
  }
  assert.deepEqual(seen.at(-1), { bytesDone: total, bytesTotal: total, tasksDone: files.length, tasksTotal: files.length });
});

/** hashListedFiles on the calling thread (few names) and on the workers (padded with good files). */
async function listedRejects(dir, names, code, pattern) {
  const pad = [];
  for (let i = 0; i < INLINE_MAX_TASKS + 10; i++) {
    fs.writeFileSync(path.join(dir, `pad${i}`), `${i}`);
    pad.push(`pad${i}`);
  }
  for (const [label, list] of [['inline', names], ['workers', [...pad, ...names]]]) {
    await assert.rejects(hashListedFiles(list, { algorithm: 'sha256', root: dir, noFollow: true, onHashed: () => {}, onStatOnly: () => {} }), (e) => {
      assert.ok(e instanceof ModelSigningError, `${label}: ${e}`);
      assert.equal(e.code, code, `${label}: ${e.message}`);
      assert.match(e.message, pattern, label);
      return true;
    });
  }
}

test('a listed file that became a symlink is refused; a missing one is an IO error naming it', async (t) => {
  const dir = tempDir(t);
  writeRandom(path.join(dir, 'target'), 100);
  fs.symlinkSync(path.join(dir, 'target'), path.join(dir, 'link'));
  await listedRejects(dir, ['link'], 'MODEL', /^'link' is a symlink, and symlinks are not allowed here$/);
  await listedRejects(dir, ['gone'], 'IO', /^cannot read 'gone': ENOENT/);
});

test('a listed file that became a FIFO is refused without blocking', { skip: process.platform === 'win32' }, async (t) => {
  const dir = tempDir(t);
  assert.equal(spawnSync('mkfifo', [path.join(dir, 'fifo')]).status, 0);
  await listedRejects(dir, ['fifo'], 'IO', /^cannot read 'fifo': not a regular file$/);
});

test('small listed files report their size and digest, bigger ones the stat taken by the hashing thread', async (t) => {
  const dir = tempDir(t);
  const f = writeRandom(path.join(dir, 'x.bin'), 1000);
  const big = writeRandom(path.join(dir, 'big.bin'), LISTED_HASH_MAX_BYTES + 1);
  const stat = (p) => {
    const st = fs.lstatSync(p, { bigint: true });
    return { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, dev: st.dev, ino: st.ino };
  };
  const sha = (p) => createHash('sha256').update(fs.readFileSync(p)).digest('hex');
  const pad = [];
  for (let i = 0; i < INLINE_MAX_TASKS + 10; i++) pad.push(writeRandom(path.join(dir, `pad${i}`), i % 3 === 0 ? 0 : 100 + i));
  // Few names: the calling thread; many: the workers (whose replies carry sizes, and stats only for big files).
  for (const [label, names] of [['inline', ['x.bin', 'big.bin']], ['workers', ['x.bin', 'big.bin', ...pad.map((p) => path.basename(p))]]]) {
    const hashed = new Map();
    const statOnly = new Map();
    await hashListedFiles(names, {
      algorithm: 'sha256',
      root: dir,
      noFollow: true,
      onHashed: (i, size, hex) => hashed.set(names[i], [size, hex]),
      onStatOnly: (i, st) => statOnly.set(names[i], { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, dev: st.dev, ino: st.ino }),
    });
    // The big file is only stat'ed: it comes back to be scheduled as a task (largest first).
    assert.deepEqual([...statOnly], [['big.bin', stat(big)]], label);
    assert.equal(hashed.size, names.length - 1, label);
    assert.deepEqual(hashed.get('x.bin'), [1000, sha(f)], label);
    for (const p of label === 'workers' ? pad : []) assert.deepEqual(hashed.get(path.basename(p)), [fs.statSync(p).size, sha(p)], p);
  }
});
