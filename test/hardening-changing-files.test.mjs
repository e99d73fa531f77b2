// Files changing under us, end to end through the CLI:
//  - a file whose size or modification time changes while it is being hashed makes `sign` fail (nothing is
//    written) and `verify` report it, instead of signing or accepting a mix of old and new content. The change
//    is made at a known moment: once /proc shows the CLI process holding the file open (so hashing has begun);
//  - with symlinks not allowed, a symlink swapped in for a file after the walk is refused when the file is
//    opened. The swap is made deterministic with strace: it delays the process's open of that one path (-P),
//    and the swap happens during the delay.
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

/**
 * Resolves once the CLI traced by strace process `stracePid` is held inside the delayed openat (syscall 257 on
 * x86-64, 56 on arm64): the same thread shows that syscall with the same arguments over 200 ms.
 */
async function whenHeldInOpen(stracePid, timeoutMs = 60_000) {
  const OPENAT = process.arch === 'arm64' ? '56' : '257';
  const t0 = Date.now();
  const seen = new Map();
  for (;;) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting for the held open');
    let pid;
    try {
      pid = Number(fs.readFileSync(`/proc/${stracePid}/task/${stracePid}/children`, 'utf8').trim().split(/\s+/)[0]);
    } catch {
      throw new Error('strace exited before the open');
    }
    if (pid > 0) {
      for (const tid of fs.readdirSync(`/proc/${pid}/task`, { throwIfNoEntry: false }) ?? []) {
        let line = '';
        try {
          line = fs.readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'utf8').trim();
        } catch {
          continue;
        }
        if (!line.startsWith(`${OPENAT} `)) {
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

/** Resolves once process `pid` (any thread) holds `file` open. */
async function whenOpen(pid, file, timeoutMs = 60_000) {
  const t0 = Date.now();
  for (;;) {
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        try {
          if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === file) return;
        } catch {
          // the descriptor closed meanwhile
        }
      }
    } catch {
      throw new Error(`process ${pid} exited before opening ${file}`);
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${file} to be opened`);
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
  const model = writeModel(path.join(work, 'swap-model'), { 'config.json': 300, 'weights.bin': 2500 });
  const victim = path.join(model, 'weights.bin');
  const decoy = path.join(work, 'decoy.bin');
  fs.copyFileSync(victim, decoy); // identical content: only the symlink itself is wrong
  const sig = path.join(work, 'swap.sig');
  const { child, done } = run(['sign', 'key', '--private-key', keys.privPath, '--signature', sig, model], {
    strace: ['-f', '-qq', '-o', '/dev/null', '-P', victim, '-e', 'inject=openat:delay_enter=3000000'],
  });
  await whenHeldInOpen(child.pid); // the walk is over; the open of weights.bin has not resolved its path yet
  fs.rmSync(victim);
  fs.symlinkSync(decoy, victim);
  const r = await done;
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /Signing failed with error: 'weights\.bin' is a symlink, and symlinks are not allowed here/);
  assert.equal(fs.existsSync(sig), false);
});

test('a parent directory swapped for a symlink after the walk is refused when the file is opened', {
  skip: HAVE_STRACE ? false : NO_STRACE,
}, async () => {
  const model = writeModel(path.join(work, 'parent-swap-model'), { 'config.json': 300, 'sub/tokenizer.txt': 700 });
  const victim = path.join(model, 'sub', 'tokenizer.txt');
  // Outside the model: a file of the same size and modification time, with other content.
  const decoyDir = path.join(work, 'decoy-dir');
  fs.mkdirSync(decoyDir);
  fs.writeFileSync(path.join(decoyDir, 'tokenizer.txt'), contentFor('decoy', 700));
  // `touch -r` copies the timestamps to the nanosecond (fs.utimesSync takes floating-point seconds).
  execFileSync('touch', ['-r', victim, path.join(decoyDir, 'tokenizer.txt')]);
  const sig = path.join(work, 'parent-swap.sig');
  const { child, done } = run(['sign', 'key', '--private-key', keys.privPath, '--signature', sig, model], {
    strace: ['-f', '-qq', '-o', '/dev/null', '-P', victim, '-e', 'inject=openat:delay_enter=3000000'],
  });
  await whenHeldInOpen(child.pid);
  fs.renameSync(path.join(model, 'sub'), path.join(work, 'sub-moved'));
  fs.symlinkSync(decoyDir, path.join(model, 'sub'));
  const r = await done;
  assert.equal(r.status, 1, `signed content from outside the model: ${r.stdout}`);
  assert.match(r.stderr, /sub\/tokenizer\.txt/);
  if (process.env.HARDENING_SHOW_MESSAGES) console.log(r.stderr);
});
