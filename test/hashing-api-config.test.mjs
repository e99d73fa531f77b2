// The public hashing API: options and their validation, what is recorded, file and shard digests
// against independent tools, selection for verification, progress, abort, limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { hashing } from '../dist/index.js';
import { buildHashItems, MAX_HASH_TASKS } from '../dist/api/hashing.js';
import { tempDir, writeTree } from './support/fixtures-models.mjs';

const GIT = ['.git', '.gitattributes', '.github', '.gitignore'];
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function withModel(tree, fn) {
  return async (t) => {
    const tmp = tempDir('ms-hashapi-');
    try {
      await fn(writeTree(path.join(tmp.dir, 'model'), tree), tmp.dir, t);
    } finally {
      tmp.cleanup();
    }
  };
}

const usage = (pattern) => (e) => {
  assert.equal(e.code, 'USAGE', e.message);
  assert.match(e.message, pattern);
  return true;
};

function tool(cmd, file) {
  return execFileSync(cmd, [file], { encoding: 'utf8' }).split(/\s/)[0];
}

function rootOf(resources) {
  const h = createHash('sha256');
  for (const r of resources) h.update(Buffer.from(r.digest, 'hex'));
  return h.digest('hex');
}

test('option validation gives usage errors naming the option and value', () => {
  const c = new hashing.Config();
  assert.throws(() => c.useFileSerialization({ hashAlgorithm: 'md5' }), usage(/unknown hash algorithm 'md5'/));
  assert.throws(() => c.useFileSerialization({ hashAlgorithm: 42 }), usage(/hashAlgorithm/));
  for (const bad of [0, -1, 1.5, 2 ** 53, Number.NaN, '8', Infinity]) {
    assert.throws(() => c.useShardSerialization({ shardSize: bad }), usage(/shardSize must be a positive safe integer/));
  }
  for (const bad of [0, -4, 1.5, '1']) {
    assert.throws(() => c.useFileSerialization({ chunkSize: bad }), usage(/chunkSize must be a positive integer/));
    assert.throws(() => c.useShardSerialization({ maxWorkers: bad }), usage(/maxWorkers must be a positive integer/));
  }
  for (const bad of ['*.bin', '../x', '.', 'a/[b]']) assert.throws(() => c.setIgnoredPaths({ paths: [bad] }), usage(/ignore path/));
  // A rejected call leaves the previous settings alone.
  c.useShardSerialization({ hashAlgorithm: 'blake3', shardSize: 64, chunkSize: 4096 });
  assert.throws(() => c.useFileSerialization({ hashAlgorithm: 'sha256', chunkSize: 4096, maxWorkers: 0 }), usage(/maxWorkers/));
  assert.throws(() => c.useFileSerialization({ hashAlgorithm: 'sha256', ignorePaths: ['/x', '../y'] }), usage(/ignore path/));
  assert.deepEqual(c.serialization, { method: 'shards', shardSize: 64, hashType: 'blake3', allowSymlinks: false, ignorePaths: GIT });
});

test('serialization getter: defaults, algorithms, shard size, ignore paths sorted and canonical', () => {
  const c = new hashing.Config();
  assert.deepEqual(c.serialization, { method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths: GIT });
  assert.equal(c.ignoreGitPaths, true);
  c.useShardSerialization({ hashAlgorithm: 'blake2', shardSize: 1024 }).setIgnoredPaths({ paths: ['b', 'a/./c', 'b/', '\u{1F600}', '\uFF5A'], ignoreGitPaths: false });
  assert.deepEqual(c.serialization, { method: 'shards', shardSize: 1024, hashType: 'blake2b', allowSymlinks: false, ignorePaths: ['a/c', 'b', '\uFF5A', '\u{1F600}'] });
  assert.equal(c.ignoreGitPaths, false);
  c.useShardSerialization({ hashAlgorithm: 'blake3' });
  assert.equal(c.serialization.shardSize, 1_000_000_000);
  c.useFileSerialization({ allowSymlinks: true, ignorePaths: ['z'] }).addIgnoredPaths(['y']).addIgnoredPaths({ paths: ['x'] });
  assert.deepEqual(c.serialization, { method: 'files', hashType: 'sha256', allowSymlinks: true, ignorePaths: ['a/c', 'b', 'x', 'y', 'z', '\uFF5A', '\u{1F600}'] });
  c.setIgnoredPaths({ paths: ['.git', 'q'] });
  assert.deepEqual(c.serialization.ignorePaths, ['.git', '.gitattributes', '.github', '.gitignore', 'q']);
});

test('file serialization: every file (empty too) with digests equal to sha256sum / b2sum / b3sum', withModel(
  { 'a.bin': 'alpha', 'sub/b.bin': 'bravo'.repeat(1000), 'empty': '', '.gitignore': 'skip' },
  async (model) => {
    for (const [algo, cmd] of [['sha256', 'sha256sum'], ['blake2', 'b2sum'], ['blake3', 'b3sum']]) {
      const m = await new hashing.Config().useFileSerialization({ hashAlgorithm: algo }).hash(model);
      const hashType = algo === 'blake2' ? 'blake2b' : algo;
      assert.deepEqual(m.resources.map((r) => r.name), ['a.bin', 'empty', 'sub/b.bin']);
      for (const r of m.resources) {
        assert.equal(r.algorithm, hashType);
        assert.equal(r.digest, tool(cmd, path.join(model, r.name)), `${algo} ${r.name}`);
      }
      assert.equal(m.rootDigest, rootOf(m.resources));
      assert.equal(m.modelName, 'model');
      assert.deepEqual(m.serialization, { method: 'files', hashType, allowSymlinks: false, ignorePaths: GIT });
    }
    const sha = await hashing.hash(model);
    assert.equal(sha.resources.find((r) => r.name === 'empty').digest, EMPTY_SHA256);
  },
));

test('shard serialization: path:start:end ranges, no shards for empty files, code-point order', withModel(
  { 'w.bin': 'x'.repeat(20) + 'tail', 'empty': '', 'small': 'abc' },
  async (model) => {
    const m = await new hashing.Config().useShardSerialization({ shardSize: 8 }).hash(model);
    assert.deepEqual(m.resources.map((r) => r.name), ['small:0:3', 'w.bin:0:8', 'w.bin:16:24', 'w.bin:8:16']);
    const content = fs.readFileSync(path.join(model, 'w.bin'));
    for (const r of m.resources.filter((x) => x.name.startsWith('w.bin'))) {
      const [, start, end] = r.name.split(':').map(Number);
      assert.equal(r.digest, createHash('sha256').update(content.subarray(start, end)).digest('hex'));
      assert.equal(r.algorithm, 'sha256');
    }
    assert.equal(m.rootDigest, rootOf(m.resources));
    assert.deepEqual(m.serialization, { method: 'shards', shardSize: 8, hashType: 'sha256', allowSymlinks: false, ignorePaths: GIT });
  },
));

test('a model larger than the inline limit (worker pool) hashes like sha256sum', withModel({ 'big.bin': '' }, async (model) => {
  const big = path.join(model, 'big.bin');
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;
  const fd = fs.openSync(big, 'w');
  for (let i = 0; i < 20; i++) fs.writeSync(fd, block);
  fs.closeSync(fd);
  for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(model, `f${i}`), `file ${i}`);
  const progress = [];
  const m = await new hashing.Config().useShardSerialization({ shardSize: 8 << 20, maxWorkers: 2 }).setProgressHandler((p) => progress.push(p)).hash(model);
  assert.deepEqual(m.resources.map((r) => r.name), ['big.bin:0:8388608', 'big.bin:16777216:20971520', 'big.bin:8388608:16777216', 'f0:0:6', 'f1:0:6', 'f2:0:6']);
  const files = await new hashing.Config().hash(model);
  assert.equal(files.resources[0].digest, tool('sha256sum', big));
  const last = progress.at(-1);
  assert.equal(last.bytesDone, last.bytesTotal);
  assert.equal(last.bytesTotal, 20 * (1 << 20) + 18);
  assert.equal(last.tasksDone, 6);
}));

test('recorded ignore paths: user paths (absolute ones made relative) plus the git names, no duplicates', withModel(
  { 'w': 'w', 'cache/x': 'x', 'logs/y': 'y', '.github/z': 'z' },
  async (model) => {
    const m = await new hashing.Config().setIgnoredPaths({ paths: ['cache', path.join(model, 'logs'), '.github', './cache/'] }).hash(model);
    assert.deepEqual(m.resources.map((r) => r.name), ['w']);
    assert.deepEqual(m.serialization.ignorePaths, ['.git', '.gitattributes', '.github', '.gitignore', 'cache', 'logs']);
    const noGit = await new hashing.Config().setIgnoredPaths({ paths: ['cache'], ignoreGitPaths: false }).hash(model);
    assert.deepEqual(noGit.resources.map((r) => r.name), ['.github/z', 'logs/y', 'w']);
    assert.deepEqual(noGit.serialization.ignorePaths, ['cache']);
    await assert.rejects(new hashing.Config().setIgnoredPaths({ paths: ['/definitely/elsewhere'] }).hash(model), usage(/is outside the model/));
  },
));

test('symlinks: refused by default, followed when allowed (and recorded)', withModel({ 'w': 'weights' }, async (model) => {
  fs.symlinkSync('w', path.join(model, 'alias'));
  await assert.rejects(hashing.hash(model), (e) => e.code === 'MODEL' && /Cannot use 'alias' because it is a symlink/.test(e.message));
  for (const cfg of [new hashing.Config().setAllowSymlinks(true), new hashing.Config().useFileSerialization({ allowSymlinks: true })]) {
    const m = await cfg.hash(model);
    assert.deepEqual(m.resources.map((r) => [r.name, r.digest]), [['alias', m.resources[1].digest], ['w', m.resources[1].digest]]);
    assert.equal(m.serialization.allowSymlinks, true);
  }
}));

test('hashSelected: only the named files, missing ones returned; hash({ filesToHash }) returns a plain manifest', withModel(
  { 'a': 'a', 'sub/b': 'b', 'extra': 'e' },
  async (model) => {
    const c = new hashing.Config();
    const sel = await c.hashSelected(model, ['sub/b', 'gone', 'a']);
    assert.deepEqual(sel.resources.map((r) => r.name), ['a', 'sub/b']);
    assert.deepEqual(sel.missing, ['gone']);
    assert.equal(sel.rootDigest, rootOf(sel.resources));
    const none = await c.hashSelected(model, ['gone']);
    assert.deepEqual([none.resources, none.missing], [[], ['gone']]);
    const plain = await c.hash(model, { filesToHash: [path.join(model, 'a'), 'sub/b'] });
    assert.deepEqual(plain.resources.map((r) => r.name), ['a', 'sub/b']);
    assert.equal('missing' in plain, false);
    await assert.rejects(c.hash(model, { filesToHash: ['/etc/hostname'] }), usage(/outside the model/));
    await assert.rejects(c.hashSelected(model, ['../model/a']), usage(/refusing file name/));
  },
));

test('fromSerialization re-hashes exactly as a signature says', withModel({ 'w.bin': 'x'.repeat(30), '.git/c': 'c', 'skip/x': 's' }, async (model) => {
  const signed = await new hashing.Config().useShardSerialization({ hashAlgorithm: 'blake3', shardSize: 16 }).setIgnoredPaths({ paths: ['skip'] }).hash(model);
  const cfg = hashing.Config.fromSerialization(signed.serialization);
  assert.deepEqual(cfg.serialization, signed.serialization);
  assert.deepEqual(await cfg.hash(model), signed);
  assert.throws(() => hashing.Config.fromSerialization({ ...signed.serialization, hashType: 'md5' }), usage(/unknown hash algorithm/));
  assert.throws(() => hashing.Config.fromSerialization({ ...signed.serialization, shardSize: 0 }), usage(/shardSize/));
  assert.throws(() => hashing.Config.fromSerialization({ ...signed.serialization, method: 'chunks' }), usage(/unknown serialization method/));
  assert.throws(() => hashing.Config.fromSerialization({ ...signed.serialization, ignorePaths: ['../etc'] }), usage(/ignore path/));
}));

test('nothing to sign: an empty model, or only empty files with shards', withModel({ 'd/': null }, async (model) => {
  await assert.rejects(hashing.hash(model), (e) => e.code === 'MODEL' && /contains no files to sign/.test(e.message));
  fs.writeFileSync(path.join(model, 'd', 'empty'), '');
  assert.equal((await hashing.hash(model)).resources[0].digest, EMPTY_SHA256);
  await assert.rejects(new hashing.Config().useShardSerialization().hash(model), (e) => e.code === 'MODEL' && /nothing to sign/.test(e.message));
}));

test('an aborted signal stops hashing', withModel({ 'a': 'a' }, async (model) => {
  const ac = new AbortController();
  ac.abort(new Error('user cancelled'));
  await assert.rejects(new hashing.Config().setAbortSignal(ac.signal).hash(model), /user cancelled/);
}));

test('buildHashItems: ranges, names, change-detection fields and noFollow', () => {
  const file = { name: 'd/w', path: '/m/d/w', isSymlink: false, size: 22, dev: 1n, ino: 2n, mtimeNs: 3n, ctimeNs: 4n };
  const empty = { ...file, name: 'e', path: '/m/e', size: 0 };
  const common = { hashType: 'sha256', allowSymlinks: false, ignorePaths: [] };
  const shards = buildHashItems([file, empty], { ...common, method: 'shards', shardSize: 8 });
  assert.deepEqual(shards.map((i) => [i.name, i.task.start, i.task.end]), [['d/w:0:8', 0, 8], ['d/w:8:16', 8, 16], ['d/w:16:22', 16, 22]]);
  assert.deepEqual(shards[0].task, { name: 'd/w', path: '/m/d/w', start: 0, end: 8, expectedSize: 22, expectedMtimeNs: 3n, expectedDev: 1n, expectedIno: 2n, noFollow: true });
  assert.equal(shards[0].file, file);
  const files = buildHashItems([file, empty], { ...common, allowSymlinks: true, method: 'files' });
  assert.deepEqual(files.map((i) => [i.name, i.task.start, i.task.end, i.task.noFollow]), [['d/w', 0, 22, false], ['e', 0, 0, false]]);
});

test('a shard size that would create more digests than the limit is refused before hashing', withModel({ 'huge.bin': '' }, async (model) => {
  fs.truncateSync(path.join(model, 'huge.bin'), 1_000_000_000); // sparse: no disk space used
  await assert.rejects(
    new hashing.Config().useShardSerialization({ shardSize: 8 }).hash(model),
    usage(new RegExp(`more than the limit of ${MAX_HASH_TASKS}; use a larger shard size than 8`)),
  );
}));
