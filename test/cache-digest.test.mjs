// The digest cache: what is reused, what is re-hashed, and how damaged cache files are handled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, statSync, utimesSync, renameSync, unlinkSync, truncateSync, rmSync, chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DigestCache, hashWithDigestCache, cacheFileFor, defaultCacheDir } from '../dist/cache/index.js';
import { decodeCacheFile, encodeCacheFile } from '../dist/cache/format.js';
import { hashTasks } from '../dist/hashing/engine.js';
import { makeTempDir, writeModel, keyOf, sha256File, wholeFileTask, sleepPastRacyWindow, OLD_MTIME_S } from './support/cache-fixtures.mjs';

const base = makeTempDir();
const models = {};
const files = { 'a.bin': 'alpha-content', 'b.bin': 'bravo-content', 'README.md': 'read me please' };

// Every model is written first, then we wait out the racy window once for all tests.
before(async () => {
  for (const name of ['hits', 'mtime', 'replaced', 'corrupt', 'prune', 'algo', 'e2e', 'crafted', 'owner']) {
    models[name] = { root: join(base, name), paths: writeModel(join(base, name), files) };
  }
  await sleepPastRacyWindow();
});
after(() => rmSync(base, { recursive: true, force: true }));

const cacheDirFor = (name) => join(base, `cache-${name}`);

async function storeAll(cache, paths) {
  for (const p of Object.values(paths)) cache.store(keyOf(p), sha256File(p));
}

test('unchanged files are served from the cache after a save and reopen', async () => {
  const { root, paths } = models.hits;
  const dir = cacheDirFor('hits');
  const first = await DigestCache.open({ dir, modelRoot: root });
  for (const p of Object.values(paths)) assert.equal(first.lookup(keyOf(p)), undefined);
  assert.equal(first.misses, 3);
  await storeAll(first, paths);
  await first.save({ modelRoot: root, livePaths: new Set(Object.values(paths)) });

  const second = await DigestCache.open({ dir, modelRoot: root });
  for (const p of Object.values(paths)) assert.deepEqual(second.lookup(keyOf(p)), sha256File(p));
  assert.equal(second.hits, 3);
  assert.equal(second.misses, 0);
  // Private: the digests decide what gets signed.
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(cacheFileFor(dir, root)).mode & 0o777, 0o600);
});

test('a same-size edit with the mtime restored is re-hashed because the change time moved', async () => {
  const { root, paths } = models.mtime;
  const dir = cacheDirFor('mtime');
  const p = paths['a.bin'];
  const c1 = await DigestCache.open({ dir, modelRoot: root });
  await storeAll(c1, paths);
  await c1.save({ modelRoot: root, livePaths: new Set(Object.values(paths)) });

  const before = keyOf(p);
  await new Promise((r) => setTimeout(r, 20));
  writeFileSync(p, 'ALPHA-CONTENT'); // same size
  utimesSync(p, OLD_MTIME_S, OLD_MTIME_S);
  const afterEdit = keyOf(p);
  assert.equal(afterEdit.size, before.size);
  assert.equal(afterEdit.mtimeNs, before.mtimeNs, 'mtime restored exactly');
  assert.equal(afterEdit.ino, before.ino);
  assert.notEqual(afterEdit.ctimeNs, before.ctimeNs, 'only the change time tells');

  const c2 = await DigestCache.open({ dir, modelRoot: root });
  assert.equal(c2.lookup(afterEdit), undefined);
  assert.deepEqual(c2.lookup(keyOf(paths['b.bin'])), sha256File(paths['b.bin']));
  assert.equal(c2.hits, 1);
  assert.equal(c2.misses, 1);
});

test('a replaced file (new inode, same content and mtime) is re-hashed', async () => {
  const { root, paths } = models.replaced;
  const dir = cacheDirFor('replaced');
  const p = paths['b.bin'];
  const c1 = await DigestCache.open({ dir, modelRoot: root });
  await storeAll(c1, paths);
  await c1.save({ modelRoot: root, livePaths: new Set(Object.values(paths)) });

  const old = keyOf(p);
  const tmp = join(root, '.b.new');
  writeFileSync(tmp, readFileSync(p));
  utimesSync(tmp, OLD_MTIME_S, OLD_MTIME_S);
  renameSync(tmp, p);
  const now = keyOf(p);
  assert.notEqual(now.ino, old.ino);
  assert.equal(now.mtimeNs, old.mtimeNs);

  const c2 = await DigestCache.open({ dir, modelRoot: root });
  assert.equal(c2.lookup(now), undefined);
  assert.equal(c2.misses, 1);
});

test('a different algorithm or byte range never matches', async () => {
  const { root, paths } = models.algo;
  const dir = cacheDirFor('algo');
  const p = paths['a.bin'];
  const c1 = await DigestCache.open({ dir, modelRoot: root });
  c1.store(keyOf(p, 'sha256', [0, 5]), sha256File(p));
  await c1.save({ modelRoot: root, livePaths: new Set([p]) });
  const c2 = await DigestCache.open({ dir, modelRoot: root });
  assert.equal(c2.lookup(keyOf(p, 'blake3', [0, 5])), undefined, 'same length, other algorithm');
  assert.equal(c2.lookup(keyOf(p, 'sha256', [0, 6])), undefined, 'other range');
  assert.equal(c2.lookup(keyOf(p, 'sha256')), undefined, 'whole file');
  assert.ok(c2.lookup(keyOf(p, 'sha256', [0, 5])));
  // A digest of the wrong length for its algorithm is a bug, refused loudly.
  assert.throws(() => c2.store(keyOf(p, 'blake2b'), sha256File(p)), (e) => e.code === 'INTERNAL' && /64 bytes/.test(e.message));
});

test('a truncated or corrupted cache file is ignored with a warning, then rewritten', async () => {
  const { root, paths } = models.corrupt;
  const dir = cacheDirFor('corrupt');
  const live = new Set(Object.values(paths));
  const c1 = await DigestCache.open({ dir, modelRoot: root });
  await storeAll(c1, paths);
  await c1.save({ modelRoot: root, livePaths: live });
  const file = cacheFileFor(dir, root);
  const good = readFileSync(file);

  truncateSync(file, good.length - 7);
  const warnings = [];
  const c2 = await DigestCache.open({ dir, modelRoot: root, onWarning: (m) => warnings.push(m) });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /ignoring corrupted digest cache file .*truncated/);
  for (const p of live) assert.equal(c2.lookup(keyOf(p)), undefined);

  // One flipped byte inside the body: caught by the checksum, not parsed.
  const flipped = Buffer.from(good);
  flipped[flipped.length - 20] ^= 0x01;
  writeFileSync(file, flipped);
  const w3 = [];
  const c3 = await DigestCache.open({ dir, modelRoot: root, onWarning: (m) => w3.push(m) });
  assert.match(w3.join('\n'), /checksum mismatch/);
  for (const p of live) assert.equal(c3.lookup(keyOf(p)), undefined);

  // Garbage that is not a cache file at all.
  writeFileSync(file, 'not a cache');
  const w4 = [];
  const c4 = await DigestCache.open({ dir, modelRoot: root, onWarning: (m) => w4.push(m) });
  assert.match(w4.join('\n'), /not a digest cache file|no header/);
  await storeAll(c4, paths);
  await c4.save({ modelRoot: root, livePaths: live });
  assert.equal(decodeCacheFile(readFileSync(file)).entries.length, 3, 'rewritten whole');
  const c5 = await DigestCache.open({ dir, modelRoot: root, onWarning: (m) => assert.fail(m) });
  for (const p of live) assert.ok(c5.lookup(keyOf(p)));
});

test('entries that are racy, mis-sized or from another root are never trusted', async () => {
  const { root, paths } = models.crafted;
  const dir = cacheDirFor('crafted');
  mkdirSync(dir, { mode: 0o700 });
  const file = cacheFileFor(dir, root);
  const p = paths['a.bin'];
  const k = keyOf(p);
  const entry = { ...k, digest: sha256File(p), hashStartedNs: k.ctimeNs + 1_000_000_000n }; // hashed 1 s after the last change
  writeFileSync(file, encodeCacheFile({ root, entries: [entry] }), { mode: 0o600 });
  const c1 = await DigestCache.open({ dir, modelRoot: root });
  assert.equal(c1.lookup(k), undefined, 'racy: changed within 2 s before hashing started');

  // (The fixtures were last changed more than 2.3 s ago, so this start time is in the past.)
  const settled = { ...entry, hashStartedNs: k.ctimeNs + 2_100_000_000n };
  writeFileSync(file, encodeCacheFile({ root, entries: [settled] }), { mode: 0o600 });
  const c2 = await DigestCache.open({ dir, modelRoot: root });
  assert.ok(c2.lookup(k), 'the same entry, hashed over 2 s after the change, is trusted');

  writeFileSync(file, encodeCacheFile({ root, entries: [{ ...entry, hashStartedNs: k.ctimeNs + 3_600_000_000_000n }] }), { mode: 0o600 });
  const cFuture = await DigestCache.open({ dir, modelRoot: root });
  assert.equal(cFuture.lookup(k), undefined, 'a start time in the future (clock moved back) is not trusted');

  const short = encodeCacheFile({ root, entries: [{ ...settled, algorithm: 'blake2b' }] });
  writeFileSync(file, short, { mode: 0o600 });
  const w = [];
  const c3 = await DigestCache.open({ dir, modelRoot: root, onWarning: (m) => w.push(m) });
  assert.match(w.join('\n'), /digest length does not match/);
  assert.equal(c3.lookup({ ...k, algorithm: 'blake2b' }), undefined);

  writeFileSync(file, encodeCacheFile({ root: join(base, 'hits'), entries: [] }), { mode: 0o600 });
  const w4 = [];
  await DigestCache.open({ dir, modelRoot: root, onWarning: (m) => w4.push(m) });
  assert.match(w4.join('\n'), /belongs to/);
});

test('a digest of a just-written file is not stored (racy timestamps)', async () => {
  const dir = cacheDirFor('racy');
  const root = join(base, 'racy');
  const { 'fresh.bin': p } = writeModel(root, { 'fresh.bin': 'fresh' });
  writeFileSync(p, 'fresh'); // now: ctime is current
  const c1 = await DigestCache.open({ dir, modelRoot: root });
  c1.store(keyOf(p), sha256File(p));
  assert.equal(c1.racySkipped, 1);
  assert.equal(c1.lookup(keyOf(p)), undefined);
  await c1.save({ modelRoot: root, livePaths: new Set([p]) });
  const c2 = await DigestCache.open({ dir, modelRoot: root });
  assert.equal(c2.lookup(keyOf(p)), undefined);
});

test('pruning drops entries for files that are gone, changed, or no longer part of the model', async () => {
  const { root, paths } = models.prune;
  const dir = cacheDirFor('prune');
  const all = new Set(Object.values(paths));
  const c1 = await DigestCache.open({ dir, modelRoot: root });
  await storeAll(c1, paths);
  await c1.save({ modelRoot: root, livePaths: all });
  const file = cacheFileFor(dir, root);
  assert.equal(decodeCacheFile(readFileSync(file)).entries.length, 3);

  // b.bin deleted, but a caller still lists it: gone files go.
  unlinkSync(paths['b.bin']);
  const c2 = await DigestCache.open({ dir, modelRoot: root });
  await c2.save({ modelRoot: root, livePaths: all });
  assert.deepEqual(decodeCacheFile(readFileSync(file)).entries.map((e) => e.path).sort(), [paths['README.md'], paths['a.bin']].sort());

  // README.md no longer in the model (e.g. now ignored): pruned although it exists.
  const c3 = await DigestCache.open({ dir, modelRoot: root });
  await c3.save({ modelRoot: root, livePaths: new Set([paths['a.bin']]) });
  assert.deepEqual(decodeCacheFile(readFileSync(file)).entries.map((e) => e.path), [paths['a.bin']]);
  assert.deepEqual(readdirSync(dir).sort(), [file.slice(dir.length + 1)], 'no lock or temp files left behind');
});

test('hashWithDigestCache gives exactly the digests of a full hash, re-hashing only what changed', async () => {
  const { root, paths } = models.e2e;
  const dir = cacheDirFor('e2e');
  const items = () => Object.entries(paths).map(([n, p]) => wholeFileTask(n, p));
  let hashed = [];
  const hash = (tasks) => {
    hashed = tasks.map((t) => t.name);
    return hashTasks(tasks, { algorithm: 'sha256', maxWorkers: 1 });
  };
  const full = async () => hashTasks(items().map((i) => i.task), { algorithm: 'sha256', maxWorkers: 1 });

  const r1 = await hashWithDigestCache({ dir, modelRoot: root, algorithm: 'sha256', items: items(), hash });
  assert.deepEqual(r1.digests, await full());
  assert.equal(r1.misses, 3);
  assert.equal(hashed.length, 3);

  const r2 = await hashWithDigestCache({ dir, modelRoot: root, algorithm: 'sha256', items: items(), hash: () => assert.fail('nothing to hash') });
  assert.deepEqual(r2.digests, await full());
  assert.equal(r2.hits, 3);

  writeFileSync(paths['README.md'], 'READ ME PLEASE');
  utimesSync(paths['README.md'], OLD_MTIME_S, OLD_MTIME_S);
  const r3 = await hashWithDigestCache({ dir, modelRoot: root, algorithm: 'sha256', items: items(), hash });
  assert.deepEqual(hashed, ['README.md']);
  assert.deepEqual(r3.digests, await full());
  assert.deepEqual(r3.digests[2], sha256File(paths['README.md']));
  assert.equal(r3.hits, 2);
});

test('a cache directory other users can write is not used', { skip: typeof process.getuid !== 'function' ? 'no POSIX ownership' : false }, async () => {
  const { root, paths } = models.owner;
  const dir = cacheDirFor('owner');
  mkdirSync(dir, { mode: 0o700 });
  chmodSync(dir, 0o777);
  const w = [];
  const c = await DigestCache.open({ dir, modelRoot: root, onWarning: (m) => w.push(m) });
  assert.equal(c.enabled, false);
  assert.match(w.join('\n'), /digest cache disabled: .*writable by group or others/);
  await storeAll(c, paths);
  await c.save({ modelRoot: root, livePaths: new Set(Object.values(paths)) });
  assert.deepEqual(readdirSync(dir), [], 'nothing written');
});

test('the default location follows XDG_CACHE_HOME, ignoring a relative value', () => {
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/model-signing');
  assert.match(defaultCacheDir({ XDG_CACHE_HOME: 'rel' }), /\/\.cache\/model-signing$/);
  assert.match(defaultCacheDir({}), /\/\.cache\/model-signing$/);
});
