// Concurrent runs sharing one model's cache file, and recovery from abandoned locks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync, utimesSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hostname } from 'node:os';
import { DigestCache, cacheFileFor } from '../dist/cache/index.js';
import { decodeCacheFile } from '../dist/cache/format.js';
import { makeTempDir, writeModel, keyOf, sha256File, sleepPastRacyWindow } from './support/cache-fixtures.mjs';

const distDir = fileURLToPath(new URL('../dist/', import.meta.url));
const writer = fileURLToPath(new URL('./support/cache-writer.mjs', import.meta.url));
const base = makeTempDir();
const root = join(base, 'model');
const names = Array.from({ length: 60 }, (_, i) => `f${String(i).padStart(2, '0')}.bin`);
let paths;

before(async () => {
  paths = writeModel(root, Object.fromEntries(names.map((n) => [n, `content of ${n}`])));
  await sleepPastRacyWindow();
});
after(() => rmSync(base, { recursive: true, force: true }));

function runWriter(cacheDir, rounds, live, own) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, distDir, cacheDir, root, String(rounds), JSON.stringify(live), JSON.stringify(own)]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`writer exited ${code}: ${err}`))));
  });
}

test('two processes storing and saving in a loop leave a valid file with both sets of entries', async () => {
  const cacheDir = join(base, 'cache-concurrent');
  const all = Object.values(paths);
  const setA = all.slice(0, 30);
  const setB = all.slice(30);
  const [a, b] = await Promise.all([runWriter(cacheDir, 2, all, setA), runWriter(cacheDir, 2, all, setB)]);
  assert.deepEqual(a.warnings, []);
  assert.deepEqual(b.warnings, []);

  const file = cacheFileFor(cacheDir, root);
  const contents = decodeCacheFile(readFileSync(file)); // throws if torn or corrupted
  assert.deepEqual(contents.entries.map((e) => e.path).sort(), [...all].sort());
  for (const e of contents.entries) assert.deepEqual(e.digest, sha256File(e.path));
  assert.deepEqual(readdirSync(cacheDir), [file.slice(cacheDir.length + 1)], 'no lock or temp files left behind');

  const c = await DigestCache.open({ dir: cacheDir, modelRoot: root });
  for (const p of all) assert.ok(c.lookup(keyOf(p)));
  assert.equal(c.hits, all.length);
});

test('a lock left by a process that no longer exists is taken over', async () => {
  const cacheDir = join(base, 'cache-dead-lock');
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  const c0 = await DigestCache.open({ dir: cacheDir, modelRoot: root });
  const lockPath = `${cacheFileFor(cacheDir, root)}.lock`;
  writeFileSync(lockPath, `${dead} ${hostname()} ${Date.now()} deadbeef`);
  const p = paths[names[0]];
  c0.store(keyOf(p), sha256File(p));
  const warnings = [];
  const c1 = await DigestCache.open({ dir: cacheDir, modelRoot: root, onWarning: (m) => warnings.push(m), lock: { timeoutMs: 5_000 } });
  c1.store(keyOf(p), sha256File(p));
  const t0 = Date.now();
  await c1.save({ modelRoot: root, livePaths: new Set([p]) });
  assert.deepEqual(warnings, []);
  assert.ok(Date.now() - t0 < 4_000, 'did not wait for the timeout');
  assert.equal(decodeCacheFile(readFileSync(cacheFileFor(cacheDir, root))).entries.length, 1);
});

test('a lock older than the stale limit is taken over; a fresh live one makes save give up with a warning', async () => {
  const cacheDir = join(base, 'cache-held-lock');
  const p = paths[names[1]];
  const lockPath = `${cacheFileFor(cacheDir, root)}.lock`;
  const warnings = [];
  const c = await DigestCache.open({ dir: cacheDir, modelRoot: root, onWarning: (m) => warnings.push(m), lock: { timeoutMs: 300, staleMs: 60_000 } });
  // Held by this (live) process on this host, just now: not stale.
  const liveToken = `${process.pid} ${hostname()} ${Date.now()} cafebabe`;
  writeFileSync(lockPath, liveToken);
  c.store(keyOf(p), sha256File(p));
  await c.save({ modelRoot: root, livePaths: new Set([p]) });
  assert.match(warnings.join('\n'), /digest cache not saved: .*held by another run/);
  assert.equal(readFileSync(lockPath, 'utf8'), liveToken, 'a live lock is left alone');

  // The same lock, two minutes old: abandoned whoever holds it.
  const old = Date.now() / 1000 - 120;
  utimesSync(lockPath, old, old);
  await c.save({ modelRoot: root, livePaths: new Set([p]) });
  assert.equal(warnings.length, 1);
  assert.equal(decodeCacheFile(readFileSync(cacheFileFor(cacheDir, root))).entries.length, 1);
});
