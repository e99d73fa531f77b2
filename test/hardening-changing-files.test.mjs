// Files changing under us, end to end through the CLI:
//  - a file whose size or modification time changes while it is being hashed makes `sign` fail (nothing is
//    written) and `verify` report it, instead of signing or accepting a mix of old and new content. The change
//    is made at a known moment: once /proc shows the CLI process holding the file open (so hashing has begun);
//  - with symlinks not allowed, a symlink swapped in for a file after the walk is refused when the file is
//    opened, and a folder swapped (for a symlink or another folder) after the walk is refused when the hashing
//    opens it; once it holds the folder open, a swap cannot redirect it. The swaps are made deterministic with
//    strace: it holds the process in one system call on that folder (-P), and the swap happens meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cliPath } from './support/cli.mjs';
import { contentFor, makeKeyPair, mkTemp, writeModel } from './support/hardening-model.mjs';

const HAVE_STRACE = spawnSync('strace', ['-V']).status === 0;
const NO_STRACE = 'strace is not installed (needed to hold the open of one file)';
const BIG = 768 * 1024 * 1024; // sparse: no disk space, but hashing it takes a while

const work = mkTemp('ms-changing-');
let keys;
after(() => fs.rmSync(work, { recursive: true, force: true }));
before(() => {
  keys = makeKeyPair(work);
});

function modelWithBigFile(name) {
  const model = writeModel(path.join(work, name), { 'small.txt': 100, 'sub/tokenizer.txt': 700 });
  const fd = fs.openSync(path.join(model, 'big.bin'), 'w');
  fs.writeSync(fd, Buffer.from('head'), 0, 4, 0);
  fs.ftruncateSync(fd, BIG);
  fs.closeSync(fd);
  return model;
}

function run(args, { strace } = {}) {
  const argv = [cliPath, ...args];
  const child = strace ? spawn('strace', [...strace, process.execPath, ...argv]) : spawn(process.execPath, argv);
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => (stdout += d));
  const done = new Promise((resolve) => child.on('exit', (status, signal) => resolve({ status, signal, stderr, stdout })));
  return { child, done };
}

const SYSCALLS = process.arch === 'arm64' ? { openat: '56', statx: '291', pread64: '67' } : { openat: '257', statx: '332', pread64: '17' };

/**
 * Resolves once the CLI traced by strace process `stracePid` is held inside the delayed system call `name`
 * (openat, statx or pread64): the same thread shows that call with the same arguments over 200 ms.
 */
async function whenHeldIn(stracePid, name, timeoutMs = 60_000) {
  const nr = SYSCALLS[name];
  const t0 = Date.now();
  const seen = new Map();
  for (;;) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for the held ${name}`);
    let pid;
    try {
      pid = Number(fs.readFileSync(`/proc/${stracePid}/task/${stracePid}/children`, 'utf8').trim().split(/\s+/)[0]);
    } catch {
      throw new Error(`strace exited before the ${name}`);
    }
    if (pid > 0) {
      let tids = [];
      try {
        tids = fs.readdirSync(`/proc/${pid}/task`);
      } catch {
        // between two processes (strace's child is starting the CLI): look again
      }
      for (const tid of tids) {
        let line = '';
        try {
          line = fs.readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'utf8').trim();
        } catch {
          continue;
        }
        if (!line.startsWith(`${nr} `)) {
          seen.delete(tid);
          continue;
        }
        const first = seen.get(tid);
        if (first && first.line === line && Date.now() - first.at > 200) return;
        if (!first || first.line !== line) seen.set(tid, { line, at: Date.now() });
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * strace arguments that hold the process for 3 s in the `when`-th `call` touching `folder` (by path, or
 * through a descriptor strace saw opened on it): an openat before it resolves the path, a statx after it
 * returned. The walk reads a folder with the first openat of its path; the hashing opens it again (the
 * second), then fstats it (statx on the descriptor) to check it is the folder the walk read; its files are
 * then opened through that descriptor.
 */
function holdAt(folder, call, when = undefined) {
  const delay = call === 'statx' ? 'delay_exit' : 'delay_enter';
  return ['-f', '-qq', '-o', '/dev/null', '-P', folder, '-e', `inject=${call}:${delay}=3000000${when ? `:when=${when}` : ''}`];
}

/**
 * Resolves once process `pid` (any thread) has held `file` open for a while: the hashing of it has begun.
 * (A listed file is first opened for a moment, read once and fstat'ed; a big one is then reopened to be
 * hashed. Only that second, long open means the hashing has its "before" stat.)
 */
async function whenOpen(pid, file, timeoutMs = 60_000) {
  const t0 = Date.now();
  const since = new Map(); // fd -> when it was first seen open on `file`
  for (;;) {
    let fds;
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      throw new Error(`process ${pid} exited before opening ${file}`);
    }
    const now = Date.now();
    for (const fd of fds) {
      let target = null;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        // the descriptor closed meanwhile
      }
      if (target !== file) {
        since.delete(fd);
        continue;
      }
      if (!since.has(fd)) since.set(fd, now);
      else if (now - since.get(fd) >= 30) return;
    }
    for (const fd of since.keys()) if (!fds.includes(fd)) since.delete(fd);
    if (now - t0 > timeoutMs) throw new Error(`timed out waiting for ${file} to be opened`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

for (const [what, change, message] of [
  ['appended to', (f) => fs.appendFileSync(f, 'x'), /size 805306368 -> 805306369/],
  ['touched (modification time only)', (f) => fs.utimesSync(f, new Date(), new Date(Date.now() + 5000)), /modification time changed/],
]) {
  test(`sign fails when a file is ${what} while it is being hashed; nothing is written`, async () => {
    const model = modelWithBigFile(`sign-${what.split(' ')[0]}`);
    const sig = path.join(work, `sign-${what.split(' ')[0]}.sig`);
    const big = path.join(model, 'big.bin');
    const { child, done } = run(['sign', 'key', '--private-key', keys.privPath, '--signature', sig, model]);
    await whenOpen(child.pid, big);
    change(big);
    const r = await done;
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Signing failed with error: 'big\.bin' changed while it was being hashed/);
    assert.match(r.stderr, message);
    assert.equal(fs.existsSync(sig), false, 'no signature of a mix of old and new content');
    assert.deepEqual(fs.readdirSync(work).filter((n) => n.endsWith('.tmp')), []);
  });
}

test('verify reports a file that changes while it is being hashed', async () => {
  const model = modelWithBigFile('verify-model');
  const sig = path.join(work, 'verify.sig');
  const signed = await run(['sign', 'key', '--private-key', keys.privPath, '--signature', sig, model]).done;
  assert.equal(signed.status, 0, signed.stderr);
  const big = path.join(model, 'big.bin');
  const { child, done } = run(['verify', 'key', '--public-key', keys.pubPath, '--signature', sig, model]);
  await whenOpen(child.pid, big);
  fs.appendFileSync(big, 'x');
  const r = await done;
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /Verification failed with error: 'big\.bin' changed while it was being hashed/);
});

test('a symlink swapped in for a file after the walk is refused when it is opened (O_NOFOLLOW)', { skip: HAVE_STRACE ? false : NO_STRACE }, async () => {
  const model = writeModel(path.join(work, 'swap-model'), { 'config.json': 300, 'sub/weights.bin': 2500 });
  const victim = path.join(model, 'sub', 'weights.bin');
  const decoy = path.join(work, 'decoy.bin');
  fs.copyFileSync(victim, decoy); // identical content: only the symlink itself is wrong
  const sig = path.join(work, 'swap.sig');
  const { child, done } = run(['sign', 'key', '--private-key', keys.privPath, '--signature', sig, model], {
    strace: holdAt(path.join(model, 'sub'), 'openat', 2),
  });
  await whenHeldIn(child.pid, 'openat'); // the walk is over; the hashing is opening the folder
  fs.rmSync(victim);
  fs.symlinkSync(decoy, victim);
  const r = await done;
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /Signing failed with error: 'sub\/weights\.bin' is a symlink, and symlinks are not allowed here/);
  assert.equal(fs.existsSync(sig), false);
});

/** A model with sub/tokenizer.txt, and outside it a folder holding a same-named file of the same size and times. */
function modelAndDecoyFolder(label) {
  const model = writeModel(path.join(work, `${label}-model`), { 'config.json': 300, 'sub/tokenizer.txt': 700 });
  const victim = path.join(model, 'sub', 'tokenizer.txt');
  const decoyDir = path.join(work, `${label}-decoy-dir`);
  fs.mkdirSync(decoyDir);
  fs.writeFileSync(path.join(decoyDir, 'tokenizer.txt'), contentFor('decoy', 700));
  // `touch -r` copies the timestamps to the nanosecond (fs.utimesSync takes floating-point seconds).
  execFileSync('touch', ['-r', victim, path.join(decoyDir, 'tokenizer.txt')]);
  return { model, decoyDir, sub: path.join(model, 'sub'), moved: path.join(work, `${label}-sub-moved`) };
}

test('a folder swapped for a symlink after the walk is refused when the hashing opens it', { skip: HAVE_STRACE ? false : NO_STRACE }, async () => {
  const { model, decoyDir, sub, moved } = modelAndDecoyFolder('parent-swap');
  const sig = path.join(work, 'parent-swap.sig');
  const { child, done } = run(['sign', 'key', '--private-key', keys.privPath, '--signature', sig, model], { strace: holdAt(sub, 'openat', 2) });
  await whenHeldIn(child.pid, 'openat');
  fs.renameSync(sub, moved);
  fs.symlinkSync(decoyDir, sub);
  const r = await done;
  assert.equal(r.status, 1, `signed content from outside the model: ${r.stdout}`);
  assert.match(r.stderr, /Signing failed with error: 'sub' changed while it was being hashed \(it is no longer the folder the walk read: replaced, or it or a parent folder was swapped\)/);
  assert.equal(fs.existsSync(sig), false);
  if (process.env.HARDENING_SHOW_MESSAGES) console.log(r.stderr);
});

test('a folder replaced by another folder after the walk is refused when the hashing opens it', { skip: HAVE_STRACE ? false : NO_STRACE }, async () => {
  const { model, decoyDir, sub, moved } = modelAndDecoyFolder('folder-replaced');
  const sig = path.join(work, 'folder-replaced.sig');
  const { child, done } = run(['sign', 'key', '--private-key', keys.privPath, '--signature', sig, model], { strace: holdAt(sub, 'openat', 2) });
  await whenHeldIn(child.pid, 'openat');
  fs.renameSync(sub, moved);
  fs.renameSync(decoyDir, sub); // a real folder this time: O_NOFOLLOW alone would not notice
  const r = await done;
  assert.equal(r.status, 1, `signed content from another folder: ${r.stdout}`);
  assert.match(r.stderr, /'sub' changed while it was being hashed \(it is no longer the folder the walk read/);
  assert.equal(fs.existsSync(sig), false);
});

test('a folder swapped before a big file in it is hashed is refused (the file must be the one first opened)', { skip: HAVE_STRACE ? false : NO_STRACE }, async () => {
  const model = writeModel(path.join(work, 'big-swap-model'), { 'config.json': 300, 'sub/weights.bin': 2 * 1024 * 1024 });
  const sub = path.join(model, 'sub');
  const decoyDir = path.join(work, 'big-swap-decoy-dir');
  fs.mkdirSync(decoyDir);
  fs.copyFileSync(path.join(sub, 'weights.bin'), path.join(decoyDir, 'weights.bin')); // same bytes, another file
  const sig = path.join(work, 'big-swap.sig');
  // A file over 1 MiB is looked at through its folder, then reopened by path to be hashed: hold that open.
  const { child, done } = run(['sign', 'key', '--private-key', keys.privPath, '--signature', sig, model], {
    strace: holdAt(path.join(sub, 'weights.bin'), 'openat', 1),
  });
  await whenHeldIn(child.pid, 'openat');
  fs.renameSync(sub, path.join(work, 'big-swap-sub-moved'));
  fs.symlinkSync(decoyDir, sub);
  const r = await done;
  assert.equal(r.status, 1, `signed a file from outside the model: ${r.stdout}`);
  assert.match(r.stderr, /'sub\/weights\.bin' changed while it was being hashed \(it is no longer the file the walk found: replaced, or a parent folder was swapped\)/);
  assert.equal(fs.existsSync(sig), false);
});

test('a folder swapped once the hashing holds it open: its own files are hashed, never the decoy', { skip: HAVE_STRACE ? false : NO_STRACE }, async () => {
  const { model, decoyDir, sub, moved } = modelAndDecoyFolder('held-swap');
  const sig = path.join(work, 'held-swap.sig');
  // Held in the fstat that checks the opened folder (after it returned): the swap happens with the folder open.
  const { child, done } = run(['sign', 'key', '--private-key', keys.privPath, '--signature', sig, model], { strace: holdAt(sub, 'statx', 2) });
  await whenHeldIn(child.pid, 'statx');
  fs.renameSync(sub, moved);
  fs.symlinkSync(decoyDir, sub);
  const r = await done;
  assert.equal(r.status, 0, r.stderr);
  // The signature is of the model as walked: it verifies once the folder is back, and not with the decoy.
  const withDecoy = spawnSync(process.execPath, [cliPath, 'verify', 'key', '--public-key', keys.pubPath, '--signature', sig, model], { encoding: 'utf8' });
  assert.equal(withDecoy.status, 1, withDecoy.stdout);
  fs.rmSync(sub);
  fs.renameSync(moved, sub);
  const back = spawnSync(process.execPath, [cliPath, 'verify', 'key', '--public-key', keys.pubPath, '--signature', sig, model], { encoding: 'utf8' });
  assert.equal(back.status, 0, back.stderr);
});

// A small file is read once and then fstat'ed; it is read again between two fstats whenever it changed
// recently (its change time), so a change during the first read never ends up signed as a mix.
test('a small file changed while it is read is read again: the signature has its new content', { skip: HAVE_STRACE ? false : NO_STRACE }, async () => {
  const model = writeModel(path.join(work, 'small-change-model'), { 'config.json': 300, 'sub/tokenizer.txt': 700 });
  const file = path.join(model, 'sub', 'tokenizer.txt');
  const sig = path.join(work, 'small-change.sig');
  const { child, done } = run(['sign', 'key', '--private-key', keys.privPath, '--signature', sig, model], { strace: holdAt(file, 'pread64', 1) });
  await whenHeldIn(child.pid, 'pread64');
  fs.writeFileSync(file, contentFor('new tokenizer', 700)); // same size, other bytes
  const r = await done;
  assert.equal(r.status, 0, r.stderr);
  const verified = spawnSync(process.execPath, [cliPath, 'verify', 'key', '--public-key', keys.pubPath, '--signature', sig, model], { encoding: 'utf8' });
  assert.equal(verified.status, 0, verified.stderr);
});

test('a small file that changes again while it is read again is refused; nothing is written', { skip: HAVE_STRACE ? false : NO_STRACE }, async () => {
  const model = writeModel(path.join(work, 'small-churn-model'), { 'config.json': 300, 'sub/tokenizer.txt': 700 });
  const file = path.join(model, 'sub', 'tokenizer.txt');
  const sig = path.join(work, 'small-churn.sig');
  const { child, done } = run(['sign', 'key', '--private-key', keys.privPath, '--signature', sig, model], { strace: holdAt(file, 'pread64') });
  await whenHeldIn(child.pid, 'pread64'); // the first read
  fs.writeFileSync(file, contentFor('second', 700));
  await new Promise((r) => setTimeout(r, 3200)); // released; now held in the second read
  await whenHeldIn(child.pid, 'pread64');
  fs.appendFileSync(file, 'x');
  const r = await done;
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /Signing failed with error: 'sub\/tokenizer\.txt' changed while it was being hashed \(size 700 -> 701\)/);
  assert.equal(fs.existsSync(sig), false);
});

test('a small file unchanged for a while is read once; one changed just now is read again between two fstats', { skip: HAVE_STRACE ? false : NO_STRACE }, async () => {
  const model = writeModel(path.join(work, 'settled-model'), { 'config.json': 300, 'sub/old.txt': 700 });
  // Change times cannot be set back: wait until old.txt's is more than the five-second margin old.
  await new Promise((r) => setTimeout(r, 5200));
  fs.writeFileSync(path.join(model, 'sub', 'new.txt'), contentFor('new', 900));
  const log = path.join(work, 'settled.strace');
  const files = ['old.txt', 'new.txt'].map((n) => path.join(model, 'sub', n));
  // -y names each descriptor's file: the calls made on each file's descriptor, in order.
  const r = spawnSync('strace', ['-f', '-qq', '-y', '-o', log, '-e', 'trace=pread64,statx,close', ...files.flatMap((f) => ['-P', f]), process.execPath, cliPath, 'digest', model], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = fs.readFileSync(log, 'utf8').split('\n');
  const calls = (name) => lines.map((l) => new RegExp(`\\b(pread64|statx|close)\\(\\d+<[^>]*/sub/${name}>`).exec(l)?.[1]).filter(Boolean);
  const shown = lines.join('\n');
  assert.deepEqual(calls('old.txt'), ['pread64', 'statx', 'close'], `settled: one read, one fstat\n${shown}`);
  assert.deepEqual(calls('new.txt'), ['pread64', 'statx', 'pread64', 'statx', 'close'], `recent: read again between two fstats\n${shown}`);
});
