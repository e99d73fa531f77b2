// Interrupting `sign` never leaves a truncated signature: the signature path holds either the old complete
// bundle or a new complete one, and after SIGINT no temp file is left next to it. One deterministic case (the
// process is held inside the fsync of the temp file with strace's syscall delay injection, then interrupted)
// and a loop of SIGINT/SIGKILL at random moments while a multi-file model is hashed and signed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cliPath, runCli } from './support/cli.mjs';
import { makeKeyPair, mkTemp, writeModel } from './support/hardening-model.mjs';
import { prng } from '../fuzz/prng.mjs';
import * as verifying from '../dist/api/verifying.js';

const HAVE_STRACE = spawnSync('strace', ['-V']).status === 0;

const work = mkTemp('ms-interrupt-');
let keys;
let model;
const sigDir = path.join(work, 'out');
const sig = path.join(sigDir, 'model.sig');
let oldBundle;

before(() => {
  keys = makeKeyPair(work);
  // ~48 MiB in 24 files: long enough (hundreds of ms) to be interrupted while hashing.
  const layout = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`part-${String(i).padStart(2, '0')}.bin`, 2 * 1024 * 1024]));
  model = writeModel(path.join(work, 'model'), layout);
  fs.mkdirSync(sigDir);
  const r = runCli(['sign', 'key', '--private-key', keys.privPath, '--signature', sig, model]);
  assert.equal(r.status, 0, r.stderr);
  oldBundle = fs.readFileSync(sig);
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

const verifyFile = (file) => new verifying.Config().useEllipticKeyVerifier({ publicKey: keys.pubPath }).verify(model, file);
const tempFiles = () => fs.readdirSync(sigDir).filter((n) => n !== 'model.sig');

/** The signature must be the old bundle byte for byte, or a new complete bundle that verifies. */
async function assertCompleteSignature(context) {
  const now = fs.readFileSync(sig);
  if (now.equals(oldBundle)) return 'old';
  assert.doesNotThrow(() => JSON.parse(now.toString('utf8')), `${context}: the signature is not complete JSON`);
  assert.equal((await verifyFile(sig)).ok, true, context);
  return 'new';
}

function exited(child) {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

function waitFor(cond, timeoutMs) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() - t0 > timeoutMs) return reject(new Error('timed out'));
      setTimeout(tick, 5);
    };
    tick();
  });
}

test('SIGINT while the new signature is being written (held in fsync): old or new complete bundle, no temp file', { skip: HAVE_STRACE ? false : 'strace is not installed (needed to hold the process inside fsync)' }, async () => {
  fs.writeFileSync(sig, oldBundle);
  // strace holds every fsync for 1.5 s; the tracee is the CLI process itself (strace's only child).
  const child = spawn('strace', ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=fsync', '-e', 'inject=fsync:delay_enter=1500000', process.execPath, cliPath, 'sign', 'key', '--private-key', keys.privPath, '--signature', sig, model], { stdio: 'ignore' });
  const done = exited(child);
  await waitFor(() => tempFiles().length > 0, 60_000); // the temp file exists: the process is writing or in fsync
  const childrenFile = `/proc/${child.pid}/task/${child.pid}/children`;
  const nodePid = Number(fs.readFileSync(childrenFile, 'utf8').trim().split(/\s+/)[0]);
  assert.ok(nodePid > 0, 'found the traced CLI process');
  process.kill(nodePid, 'SIGINT');
  await done;
  const which = await assertCompleteSignature('after SIGINT in fsync');
  assert.deepEqual(tempFiles(), [], `no temp file may be left after SIGINT (signature is the ${which} one)`);
  // The interrupt is handled between synchronous calls: the write that had started is completed.
  assert.equal(which, 'new');
});

test('SIGINT and SIGKILL at random moments: the signature is always complete; SIGINT leaves no temp file', async (t) => {
  const r = prng(4242);
  const outcomes = { old: 0, new: 0 };
  for (let i = 0; i < 10; i++) {
    fs.writeFileSync(sig, oldBundle);
    for (const n of tempFiles()) fs.rmSync(path.join(sigDir, n)); // SIGKILL may legitimately leave one
    const signal = i % 2 === 0 ? 'SIGINT' : 'SIGKILL';
    const child = spawn(process.execPath, [cliPath, 'sign', 'key', '--private-key', keys.privPath, '--signature', sig, model], { stdio: 'ignore' });
    const done = exited(child);
    await new Promise((res) => setTimeout(res, 150 + r.int(1200)));
    child.kill(signal);
    await done;
    outcomes[await assertCompleteSignature(`${signal} #${i}`)]++;
    if (signal === 'SIGINT') assert.deepEqual(tempFiles(), [], `no temp file after SIGINT #${i}`);
  }
  t.diagnostic(`signature afterwards: ${JSON.stringify(outcomes)}`);
});
