// Safety of the engine: change detection, symlink refusal, OS errors, progress, abort, process exit.
// Each case runs on the calling thread (small job) and in the worker pool (17 MiB filler task).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hashTasks } from '../dist/hashing/engine.js';
import { ModelSigningError } from '../dist/errors.js';
import { tempDir, writeRandom, taskFor } from './support/hashing-fixtures.mjs';

const FILLER = 17 * 1024 * 1024;

/** Runs `tasks` inline and with workers; both must reject with the same code and a matching message. */
async function rejectsBothWays(t, dir, tasks, code, pattern) {
  const filler = taskFor(writeRandom(path.join(dir, 'filler'), FILLER));
  for (const [label, list] of [['inline', tasks], ['workers', [filler, ...tasks]]]) {
    await assert.rejects(hashTasks(list, { algorithm: 'sha256' }), (e) => {
      assert.ok(e instanceof ModelSigningError, `${label}: ${e}`);
      assert.equal(e.code, code, `${label}: ${e.message}`);
      assert.match(e.message, pattern, label);
      return true;
    });
  }
}

test('a size different from the walk is reported as a change', async (t) => {
  const dir = tempDir(t);
  const f = writeRandom(path.join(dir, 'w.bin'), 10000);
  const task = { ...taskFor(f, 'sub/w.bin'), expectedSize: 9000, end: 9000 };
  await rejectsBothWays(t, dir, [task], 'MODEL', /^'sub\/w\.bin' changed while it was being hashed \(size 9000 -> 10000\)$/);
});

test('a modification time different from the walk is reported as a change', async (t) => {
  const dir = tempDir(t);
  const f = writeRandom(path.join(dir, 'm.bin'), 10000);
  const task = { ...taskFor(f, 'm.bin'), expectedMtimeNs: taskFor(f).expectedMtimeNs - 1_000_000_000n };
  await rejectsBothWays(t, dir, [task], 'MODEL', /^'m\.bin' changed while it was being hashed \(modification time changed\)$/);
});

test('a file that ends before the range does is reported as a change', async (t) => {
  const dir = tempDir(t);
  const f = writeRandom(path.join(dir, 's.bin'), 10000);
  const task = { ...taskFor(f, 's.bin:0:20000'), end: 20000 };
  await rejectsBothWays(t, dir, [task], 'MODEL', /^'s\.bin:0:20000' changed while it was being hashed/);
});

test('a file with another identity (device, inode) than the walk saw is refused', async (t) => {
  const dir = tempDir(t);
  const f = writeRandom(path.join(dir, 'id.bin'), 10000);
  const good = { ...taskFor(f, 'id.bin'), expectedDev: fs.statSync(f, { bigint: true }).dev, expectedIno: fs.statSync(f, { bigint: true }).ino };
  assert.equal((await hashTasks([good], { algorithm: 'sha256' })).length, 1);
  await rejectsBothWays(t, dir, [{ ...good, expectedIno: good.expectedIno + 1n }], 'MODEL', /^'id\.bin' changed while it was being hashed \(it is no longer the file the walk found/);
  // A parent folder swapped for another folder holding a same-size, same-mtime file.
  const sub = path.join(dir, 'sub');
  fs.mkdirSync(sub);
  const victim = writeRandom(path.join(sub, 'v.bin'), 20000);
  const task = { ...taskFor(victim, 'sub/v.bin'), expectedDev: fs.statSync(victim, { bigint: true }).dev, expectedIno: fs.statSync(victim, { bigint: true }).ino };
  const decoyDir = path.join(dir, 'decoy');
  fs.mkdirSync(decoyDir);
  const decoy = writeRandom(path.join(decoyDir, 'v.bin'), 20000);
  spawnSync('touch', ['-r', victim, decoy]);
  fs.renameSync(sub, path.join(dir, 'moved'));
  fs.symlinkSync(decoyDir, sub);
  await rejectsBothWays(t, dir, [task], 'MODEL', /^'sub\/v\.bin' changed while it was being hashed \(it is no longer/);
});

test('noFollow refuses a symlink; without it the target is hashed', async (t) => {
  const dir = tempDir(t);
  const target = writeRandom(path.join(dir, 'target'), 5000);
  const link = path.join(dir, 'link');
  fs.symlinkSync(target, link);
  await rejectsBothWays(t, dir, [taskFor(link, 'link', undefined, true)], 'MODEL', /^'link' is a symlink/);
  const [viaLink, direct] = await hashTasks([taskFor(link, 'link', undefined, false), taskFor(target)], { algorithm: 'sha256' });
  assert.deepEqual(viaLink, direct);
});

test('a missing file is an IO error naming it', async (t) => {
  const dir = tempDir(t);
  const f = writeRandom(path.join(dir, 'gone'), 10);
  const task = taskFor(f, 'models/gone');
  fs.rmSync(f);
  await rejectsBothWays(t, dir, [task], 'IO', /^cannot read 'models\/gone': ENOENT/);
});

test('a directory or a FIFO in place of a file is an IO error (and does not hang)', async (t) => {
  const dir = tempDir(t);
  const d = path.join(dir, 'adir');
  fs.mkdirSync(d);
  await rejectsBothWays(t, dir, [{ ...taskFor(d, 'adir'), expectedSize: 0, end: 0 }], 'IO', /^cannot read 'adir': not a regular file$/);
  const fifo = path.join(dir, 'fifo');
  if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo is not available');
  await rejectsBothWays(t, dir, [{ ...taskFor(fifo, 'fifo'), expectedSize: 0, end: 0 }], 'IO', /^cannot read 'fifo': not a regular file$/);
});

test('an unreadable file is an IO error', async (t) => {
  if (process.getuid?.() === 0) return t.skip('running as root: permissions are not enforced');
  const dir = tempDir(t);
  const f = writeRandom(path.join(dir, 'secret'), 10);
  fs.chmodSync(f, 0o000);
  await rejectsBothWays(t, dir, [taskFor(f, 'secret')], 'IO', /^cannot read 'secret': EACCES/);
});

test('progress is monotonic and ends at bytesTotal and tasksTotal', async (t) => {
  const dir = tempDir(t);
  const tasks = [taskFor(writeRandom(path.join(dir, 'a'), 40 * 1024 * 1024)), taskFor(writeRandom(path.join(dir, 'b'), 12345))];
  for (const [label, list] of [['workers', tasks], ['inline', [tasks[1]]]]) {
    const seen = [];
    await hashTasks(list, { algorithm: 'sha256', chunkSize: 256 * 1024, onProgress: (p) => seen.push({ ...p }) });
    const total = list.reduce((s, x) => s + x.end - x.start, 0);
    assert.ok(seen.length >= 1, label);
    const last = seen.at(-1);
    assert.deepEqual(last, { bytesDone: total, bytesTotal: total, tasksDone: list.length, tasksTotal: list.length }, label);
    for (let i = 1; i < seen.length; i++) {
      assert.ok(seen[i].bytesDone >= seen[i - 1].bytesDone && seen[i].tasksDone >= seen[i - 1].tasksDone, label);
      assert.ok(seen[i].bytesDone <= total, label);
    }
  }
});

test('abort: an aborted signal rejects with its reason, before and during hashing', async (t) => {
  const dir = tempDir(t);
  const big = taskFor(writeRandom(path.join(dir, 'big'), 64 * 1024 * 1024));
  const small = taskFor(writeRandom(path.join(dir, 'small'), 100));

  await assert.rejects(hashTasks([small], { algorithm: 'sha256', signal: AbortSignal.abort() }), { name: 'AbortError' });

  const ac = new AbortController();
  const reason = new Error('stop now');
  const p = hashTasks([big, small], { algorithm: 'blake2b', maxWorkers: 1, chunkSize: 64 * 1024, signal: ac.signal });
  setImmediate(() => ac.abort(reason));
  await assert.rejects(p, (e) => e === reason);
});

test('the pool does not keep the process alive, after success or after an error', (t) => {
  const dir = tempDir(t);
  const file = writeRandom(path.join(dir, 'f'), FILLER);
  const engine = new URL('../dist/hashing/engine.js', import.meta.url).href;
  const script = `
    import { hashTasks, prepareHashing } from ${JSON.stringify(engine)};
    prepareHashing(); // an idle, prepared pool must not keep the process alive either
    import fs from 'node:fs';
    const st = fs.statSync(${JSON.stringify(file)}, { bigint: true });
    const task = { name: 'f', path: ${JSON.stringify(file)}, start: 0, end: Number(st.size), expectedSize: Number(st.size), expectedMtimeNs: st.mtimeNs, noFollow: true };
    const d = await hashTasks([task, { ...task, name: 'g' }], { algorithm: 'sha256' });
    console.log(d.length);
    await hashTasks([task, { ...task, name: 'missing', path: task.path + '.missing' }], { algorithm: 'sha256' }).catch((e) => console.log(e.code));
    console.log((await hashTasks([task, { ...task, name: 'again' }], { algorithm: 'blake3' })).length);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.error, undefined, 'the child must exit on its own');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['2', 'IO', '2']);
});

test('bad options are usage errors', async () => {
  await assert.rejects(hashTasks([], { algorithm: 'md5' }), { code: 'USAGE' });
  await assert.rejects(hashTasks([], { algorithm: 'sha256', maxWorkers: 0 }), { code: 'USAGE' });
});
