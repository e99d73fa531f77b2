// The engine's digests against independent tools (openssl, b2sum, b3sum), through both the
// calling-thread path (small jobs) and the worker pool (a 17 MiB filler task forces it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { hashTasks, hashBuffer } from '../dist/hashing/engine.js';
import { tempDir, writeRandom, taskFor, toolMissing, toolDigest, hex } from './support/hashing-fixtures.mjs';

const ALGORITHMS = ['sha256', 'blake2b', 'blake3'];
const CHUNK = 64 * 1024; // small chunks so sizes around chunk boundaries stay small
const SIZES = [0, 1, 4095, 4096, 4097, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 4095, 3 * CHUNK + 17];

function fixtures(t) {
  const dir = tempDir(t);
  const files = SIZES.map((s) => writeRandom(path.join(dir, `f${s}`), s));
  const filler = writeRandom(path.join(dir, 'filler'), 17 * 1024 * 1024);
  return { dir, files, filler };
}

for (const algorithm of ALGORITHMS) {
  test(`${algorithm}: whole files at page and chunk boundaries, inline and in workers`, async (t) => {
    const missing = toolMissing(algorithm);
    if (missing) return t.skip(missing);
    const { files, filler } = fixtures(t);
    const expected = files.map((f) => toolDigest(algorithm, f));
    const tasks = files.map((f) => taskFor(f));

    const inline = await hashTasks(tasks, { algorithm, chunkSize: CHUNK });
    assert.deepEqual(inline.map(hex), expected);

    const pooled = await hashTasks([taskFor(filler), ...tasks], { algorithm, chunkSize: CHUNK });
    assert.equal(hex(pooled[0]), toolDigest(algorithm, filler));
    assert.deepEqual(pooled.slice(1).map(hex), expected);
  });

  test(`${algorithm}: shard ranges starting mid-page`, async (t) => {
    const missing = toolMissing(algorithm);
    if (missing) return t.skip(missing);
    const dir = tempDir(t);
    const size = 5 * CHUNK + 123;
    const file = writeRandom(path.join(dir, 'big'), size);
    const filler = writeRandom(path.join(dir, 'filler'), 17 * 1024 * 1024);
    const ranges = [[1, 70000], [4095, 200000], [4097, 2 * CHUNK + 5], [100, 100], [CHUNK + 4000, size], [0, size], [size - 1, size]];
    const tasks = ranges.map((r) => taskFor(file, `big:${r[0]}:${r[1]}`, r));
    const expected = ranges.map(([s, e]) => toolDigest(algorithm, file, s, e));

    assert.deepEqual((await hashTasks(tasks, { algorithm, chunkSize: CHUNK })).map(hex), expected, 'inline');
    const pooled = await hashTasks([...tasks, taskFor(filler)], { algorithm, chunkSize: CHUNK });
    assert.deepEqual(pooled.slice(0, -1).map(hex), expected, 'workers');
    // Default 4 MiB chunks too.
    assert.deepEqual((await hashTasks(tasks, { algorithm })).map(hex), expected, 'default chunk size');
  });
}

test('portable fallbacks (node:crypto BLAKE2b, hash-wasm BLAKE3) agree with the tools', async (t) => {
  const dir = tempDir(t);
  const file = writeRandom(path.join(dir, 'f'), 3 * 1024 * 1024 + 5); // > 1 MiB: wasm updates are split
  const filler = writeRandom(path.join(dir, 'filler'), 17 * 1024 * 1024);
  for (const algorithm of ['blake2b', 'blake3']) {
    const missing = toolMissing(algorithm);
    if (missing) {
      t.diagnostic(`skipping ${algorithm}: ${missing}`);
      continue;
    }
    const tasks = [taskFor(file, 'f', [4097, 3 * 1024 * 1024 + 5]), taskFor(filler)];
    const d = await hashTasks(tasks, { algorithm, nativeBackends: false });
    assert.equal(hex(d[0]), toolDigest(algorithm, file, 4097));
    assert.equal(hex(d[1]), toolDigest(algorithm, filler));
  }
});

test('many small files: more tasks than workers, several batches, order kept', async (t) => {
  const missing = toolMissing('sha256');
  if (missing) return t.skip(missing);
  const dir = tempDir(t);
  const tasks = [];
  for (let i = 0; i < 700; i++) {
    const f = path.join(dir, `s${i}`);
    fs.writeFileSync(f, `file ${i}\n`.repeat(i % 50));
    tasks.push(taskFor(f));
  }
  const d = await hashTasks(tasks, { algorithm: 'sha256' }); // 700 tasks > inline limit: workers, 3 batches
  const { createHash } = await import('node:crypto');
  assert.equal(d.length, 700);
  tasks.forEach((task, i) => assert.equal(hex(d[i]), createHash('sha256').update(fs.readFileSync(task.path)).digest('hex'), task.name));
  // Spot-check a few against openssl as well.
  for (const i of [0, 1, 349, 699]) assert.equal(hex(d[i]), toolDigest('sha256', tasks[i].path));
});

test('maxWorkers 1 (overlapped reads on a spare core) gives the same digests', async (t) => {
  const dir = tempDir(t);
  const a = writeRandom(path.join(dir, 'a'), 20 * 1024 * 1024 + 4097);
  const b = writeRandom(path.join(dir, 'b'), 3 * CHUNK + 1);
  const tasks = [taskFor(a), taskFor(b), taskFor(a, 'a:4097:9000000', [4097, 9000000])];
  for (const algorithm of ALGORITHMS) {
    const missing = toolMissing(algorithm);
    if (missing) {
      t.diagnostic(`skipping ${algorithm}: ${missing}`);
      continue;
    }
    const one = await hashTasks(tasks, { algorithm, maxWorkers: 1, chunkSize: CHUNK });
    assert.equal(hex(one[0]), toolDigest(algorithm, a), algorithm);
    assert.equal(hex(one[1]), toolDigest(algorithm, b), algorithm);
    assert.equal(hex(one[2]), toolDigest(algorithm, a, 4097, 9000000), algorithm);
  }
});

test('hashBuffer matches the tools and the engine', async (t) => {
  const dir = tempDir(t);
  const file = writeRandom(path.join(dir, 'f'), 100003);
  const data = fs.readFileSync(file);
  for (const algorithm of ALGORITHMS) {
    const missing = toolMissing(algorithm);
    if (missing) {
      t.diagnostic(`skipping ${algorithm}: ${missing}`);
      continue;
    }
    assert.equal(hex(await hashBuffer(algorithm, data)), toolDigest(algorithm, file), algorithm);
    assert.equal(hex(await hashBuffer(algorithm, data.subarray(7, 5000))), toolDigest(algorithm, file, 7, 5000), algorithm);
  }
  assert.equal(hex(await hashBuffer('sha256', new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('no tasks: empty result', async () => {
  assert.deepEqual(await hashTasks([], { algorithm: 'sha256' }), []);
});

test('concurrent calls (shared pool and a temporary one) each get their own digests', async (t) => {
  const dir = tempDir(t);
  const a = writeRandom(path.join(dir, 'a'), 17 * 1024 * 1024);
  const b = writeRandom(path.join(dir, 'b'), 18 * 1024 * 1024 + 1);
  const [da, db, dc] = await Promise.all([
    hashTasks([taskFor(a), taskFor(b)], { algorithm: 'sha256' }),
    hashTasks([taskFor(b), taskFor(a)], { algorithm: 'blake3' }),
    hashTasks([taskFor(a, 'a', [1, 17 * 1024 * 1024 - 1]), taskFor(b)], { algorithm: 'blake2b', chunkSize: 100000 }),
  ]);
  for (const [algorithm, got, want] of [
    ['sha256', da, [[a], [b]]],
    ['blake3', db, [[b], [a]]],
    ['blake2b', dc, [[a, 1, 17 * 1024 * 1024 - 1], [b]]],
  ]) {
    if (toolMissing(algorithm)) continue;
    assert.deepEqual(got.map(hex), want.map(([f, s, e]) => toolDigest(algorithm, f, s, e)), algorithm);
  }
});

test('a big task that switches to double-buffered reads mid-stream (other worker idle) is still right', async (t) => {
  const dir = tempDir(t);
  const big = writeRandom(path.join(dir, 'big'), 30 * 1024 * 1024 + 4097);
  const small = writeRandom(path.join(dir, 'small'), 1000);
  for (const algorithm of ALGORITHMS) {
    if (toolMissing(algorithm)) continue;
    // Two batches on two workers: the small one ends at once, then the big one is alone.
    const d = await hashTasks([taskFor(small), taskFor(big, 'big:4097:end', [4097, 30 * 1024 * 1024 + 4097])], { algorithm, maxWorkers: 2, chunkSize: CHUNK });
    assert.equal(hex(d[0]), toolDigest(algorithm, small), algorithm);
    assert.equal(hex(d[1]), toolDigest(algorithm, big, 4097), algorithm);
  }
});
