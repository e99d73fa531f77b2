// Regressions for the verification hardening of the @sigstore/verify 4.1 line (the reason for leaving Node 20),
// each through the CLI on the public-good v1.1.0-sigstore vector, offline: a checkpoint signature name made of
// regular-expression metacharacters is refused at once (3.1.1 ran it as a RegExp and hung for minutes),
// duplicate transparency-log entries and a log ID that does not belong to the checkpoint's log are refused, and
// look-alike identities still fail. Also: SIGINT ends a running `verify` at once and leaves nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync, truncateSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, runCli, tempDir } from './support/cli.mjs';
import { copyVector, mt, haveVectors, NO_VECTORS, craftStatement, signPayloadToFile, pki } from './support/flow-helpers.mjs';
import { repoRoot } from './support/cli.mjs';

const IDENTITY = 'stefanb@us.ibm.com';
const ISSUER = 'https://sigstore.verify.ibm.com/oauth2';
const skip = haveVectors ? false : NO_VECTORS;
// A hang detector, not a speed claim: 3.1.1 needed 138 s for the hostile name.
const PROMPT_MS = 20_000;

/** The v1.1.0-sigstore model in a temp dir, with its bundle changed by `mutate(bundle)`. */
function tamperedVector(t, mutate) {
  const dir = copyVector('v1.1.0-sigstore', join(tempDir(t), 'model'));
  const sig = join(dir, 'model.sig');
  const bundle = JSON.parse(readFileSync(sig, 'utf8'));
  mutate(bundle);
  writeFileSync(sig, JSON.stringify(bundle));
  return { dir, sig };
}

function verify(dir, sig, identity = IDENTITY) {
  return runCli(['verify', 'sigstore', dir, '--signature', sig, '--identity', identity, '--identity-provider', ISSUER, '--offline'], {
    env: { XDG_CACHE_HOME: join(dir, '..', 'cache') },
  });
}

function timed(fn) {
  const start = Date.now();
  const r = fn();
  return { ...r, ms: Date.now() - start };
}

test('control: the untouched vector verifies offline through the CLI', { skip }, (t) => {
  const { dir, sig } = tamperedVector(t, () => {});
  const r = verify(dir, sig);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Verification succeeded/);
});

for (const name of ['(.?.?)*X', '(a+)+$', '.*', 'rekor\\.sigstore\\.dev|.*', '[']) {
  test(`a checkpoint signature named ${JSON.stringify(name)} is refused promptly`, { skip }, (t) => {
    const { dir, sig } = tamperedVector(t, (b) => {
      const proof = b.verificationMaterial.tlogEntries[0].inclusionProof;
      proof.checkpoint.envelope = proof.checkpoint.envelope.replace('\u2014 rekor.sigstore.dev ', `\u2014 ${name} `);
    });
    const r = timed(() => verify(dir, sig));
    assert.equal(r.signal, null, `verify did not end by itself (${r.ms} ms)`);
    assert.ok(r.ms < PROMPT_MS, `took ${r.ms} ms`);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Verification failed with error: .*checkpoint/i);
  });
}

test('a duplicated transparency-log entry is refused, not counted twice', { skip }, (t) => {
  // An exact copy repeats the entry's timestamp too; a copy stripped of its (optional) integrated time and
  // promise still carries a valid inclusion proof: both must be refused as duplicates.
  const cases = [
    [(e) => structuredClone(e), /duplicate timestamp/],
    [(e) => ({ ...structuredClone(e), integratedTime: '0', inclusionPromise: undefined }), /duplicate tlog entry/],
  ];
  for (const [copy, message] of cases) {
    const { dir, sig } = tamperedVector(t, (b) => {
      const [e] = b.verificationMaterial.tlogEntries;
      b.verificationMaterial.tlogEntries = [e, copy(e)];
    });
    const r = verify(dir, sig);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, message);
  }
});

test("a log entry whose log ID is not the checkpoint's log is refused", { skip }, async (t) => {
  const { PRODUCTION } = await import('../dist/trust/embedded.js');
  const entryLog = (b) => b.verificationMaterial.tlogEntries[0].logId.keyId;
  const original = entryLog(JSON.parse(readFileSync(join(mt, 'v1.1.0-sigstore', 'model.sig'), 'utf8')));
  // Another real log of the public-good instance: trusted, but it did not sign this entry's checkpoint.
  const otherLog = PRODUCTION.trustedRoot.tlogs.map((l) => l.logId.keyId).find((id) => id !== original);
  assert.ok(otherLog, 'the embedded root lists a second log');
  const cases = [
    // With its promise, the entry is first refused by the SET check under the other log's key.
    [(e) => { e.logId.keyId = otherLog; }, /inclusion promise could not be verified/],
    // Without a promise, only the checkpoint binds the entry to its log: it must not verify under another log.
    [(e) => { e.logId.keyId = otherLog; delete e.inclusionPromise; }, /invalid checkpoint signature/],
  ];
  for (const [mutate, message] of cases) {
    const { dir, sig } = tamperedVector(t, (b) => mutate(b.verificationMaterial.tlogEntries[0]));
    const r = verify(dir, sig);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, message);
  }
});

for (const identity of ['xstefanb@us.ibm.com', 'stefanb@us.ibm.com.evil', 'stefanb@us.ibm.co', '.*', 'stefanb@us\\.ibm\\.com']) {
  test(`the look-alike identity ${identity} does not pass for ${IDENTITY}`, { skip }, (t) => {
    const { dir, sig } = tamperedVector(t, () => {});
    const r = verify(dir, sig, identity);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Verification failed with error: .*identity/i);
  });
}

test('SIGINT ends a running verify with exit 130 and leaves no file behind', { skip: skip || (existsSync('/proc/self/fd') ? false : 'needs /proc to see when hashing starts') }, async (t) => {
  // 8 GiB of sparse zeros takes seconds to hash; the signature is valid, its digest need not be (the run is
  // interrupted long before the comparison).
  const dir = join(tempDir(t), 'big');
  mkdirSync(dir);
  writeFileSync(join(dir, 'weights.bin'), '');
  truncateSync(join(dir, 'weights.bin'), 8 * 1024 ** 3);
  const sig = join(dir, '..', 'model.sig');
  await signPayloadToFile(repoRoot, craftStatement([{ name: 'weights.bin', algorithm: 'sha256', digest: '00'.repeat(32) }]), sig);
  const before = readdirSync(join(dir, '..')).sort();
  const child = spawn(process.execPath, [cliPath, 'verify', 'key', dir, '--signature', sig, '--public-key', join(pki, 'signing-key-pub.pem')], {
    cwd: join(dir, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  // Interrupt once the file is being hashed (one of the process's descriptors is open on it), not while Node
  // is still starting up.
  const hashing = () => {
    try {
      return readdirSync(`/proc/${child.pid}/fd`).some((fd) => {
        try {
          return readlinkSync(`/proc/${child.pid}/fd/${fd}`).endsWith('weights.bin');
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 600 && !hashing(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(hashing(), 'verify started hashing the model');
  const interruptedAt = Date.now();
  child.kill('SIGINT');
  const [code, signal] = await new Promise((r) => child.on('close', (c, s) => r([c, s])));
  assert.equal(signal, null);
  assert.equal(code, 130, out);
  assert.ok(Date.now() - interruptedAt < PROMPT_MS);
  assert.doesNotMatch(out, /Verification succeeded/);
  assert.deepEqual(readdirSync(join(dir, '..')).sort(), before);
  assert.deepEqual(readdirSync(dir), ['weights.bin']);
  assert.ok(existsSync(sig));
});
