// A worker may hold a second (small) batch behind a big task that switched to double-buffered
// reads; the second batch must not run while the big task's reads are in flight (they share the
// worker's read buffer). Digests are checked against node:crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { createHash } from 'node:crypto';
import { hashTasks } from '../dist/hashing/engine.js';
import { tempDir, writeRandom, taskFor, hex } from './support/hashing-fixtures.mjs';

const sha256 = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('a small batch pipelined behind a big double-buffered task leaves both digests right', async (t) => {
  // With one worker on a machine with more cores, the big task reads double-buffered from its
  // first block on, and the next (small) batch is already queued in the same worker.
  if (os.availableParallelism() < 2) return t.skip('needs at least 2 cores (a spare core turns double-buffered reads on)');
  const dir = tempDir(t);
  const big = writeRandom(path.join(dir, 'big.bin'), 24 * 1024 * 1024);
  const small = [];
  for (let i = 0; i < 300; i++) small.push(writeRandom(path.join(dir, `s${i}.bin`), 4096 + i));
  const files = [big, ...small];
  const expected = files.map(sha256);
  for (let round = 0; round < 3; round++) {
    const got = await hashTasks(files.map((f) => taskFor(f)), { algorithm: 'sha256', maxWorkers: 1, chunkSize: 256 * 1024 });
    assert.deepEqual(got.map(hex), expected, `round ${round}`);
  }
});
