// Runs the table of hardening cases (test/support/hardening-cases.mjs) through the two Node front ends: the
// library (exact error code and message fragment) and the CLI as a process (exact exit code and the same
// fragment on stderr). Node-only cases (files named on the command line) run through the CLI only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildHardeningCases, casesToJson, writeModelFiles } from './support/hardening-cases.mjs';
import { mkTemp } from './support/hardening-model.mjs';
import { cliPath } from './support/cli.mjs';
import * as verifying from '../dist/api/verifying.js';

const work = mkTemp('ms-cases-');
let built;
before(async () => {
  built = await buildHardeningCases({ dir: path.join(work, 'builder') });
});
after(() => {
  built?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A CLI run that can never hang the suite: killed with SIGKILL after `ms`. */
function cli(args, ms = 30_000) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, MODEL_SIGNING_LOG_LEVEL: '', MODEL_SIGNING_BROWSER: 'none' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** Writes a portable case to disk: model, signature, trust files; returns the paths and the CLI trust flags. */
function materialize(c) {
  const dir = path.join(work, c.id);
  const model = writeModelFiles(path.join(dir, 'model'), c.model);
  const sig = path.join(dir, 'model.sig');
  fs.writeFileSync(sig, typeof c.bundle === 'string' ? c.bundle : JSON.stringify(c.bundle));
  const t = c.trust;
  let flags;
  let config;
  let opts; // the same trust for the browser verifier
  if (t.method === 'key') {
    const pub = path.join(dir, 'key.pub.pem');
    fs.writeFileSync(pub, t.publicKeyPem);
    flags = ['key', '--public-key', pub];
    config = (v) => v.useEllipticKeyVerifier({ publicKey: pub });
    opts = { method: 'key', publicKey: pub };
  } else if (t.method === 'certificate') {
    const anchors = path.join(dir, 'anchors.pem');
    fs.writeFileSync(anchors, t.anchorPems.join(''));
    flags = ['certificate', '--certificate-chain', anchors];
    config = (v) => v.useCertificateVerifier({ certificateChain: [anchors] });
    opts = { method: 'certificate', certificateChain: [anchors] };
  } else {
    const tc = path.join(dir, 'trust-config.json');
    fs.writeFileSync(tc, JSON.stringify(t.trustConfig));
    flags = ['sigstore', '--trust-config', tc, '--identity', t.identity, '--identity-provider', t.issuer];
    config = (v) => v.useSigstoreVerifier({ trustConfig: tc, identity: t.identity, oidcIssuer: t.issuer });
    opts = { method: 'sigstore', trustConfig: tc, identity: t.identity, oidcIssuer: t.issuer };
  }
  return { model, sig, flags, config, opts };
}

test('the case table covers every problem of the second hardening round', async () => {
  const items = new Set(built.cases.map((c) => c.item));
  assert.deepEqual([...items].sort(), [1, 2, 3, 5, 6]); // 4 (the TUF cache) is hardening-tuf-cache.test.mjs
  const ids = built.cases.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, 'case ids are unique');
  for (const c of built.cases) assert.ok(c.expect.ok === true || (c.expect.exit === 1 && c.expect.message), c.id);
  // The portable cases travel as JSON to front ends without Node (file contents as base64).
  const json = JSON.parse(casesToJson(built.cases));
  assert.equal(json.length, built.cases.filter((c) => !c.nodeOnly).length);
  assert.ok(json.every((c) => c.bundle && c.trust && c.expect && !c.argv));
});

test('portable cases: library and CLI give the exact expected outcome', { concurrency: 2 }, async (t) => {
  const runs = [];
  for (const c of built.cases.filter((x) => !x.nodeOnly)) {
    runs.push(t.test(`#${c.item} ${c.id}: ${c.title}`, async () => {
      const m = materialize(c);
      const v = m.config(new verifying.Config()).setIgnoreUnsignedFiles(c.ignoreUnsignedFiles === true);
      const t0 = Date.now();
      if (c.expect.ok) {
        const r = await v.verify(m.model, m.sig);
        assert.equal(r.ok, true);
      } else {
        await assert.rejects(v.verify(m.model, m.sig), (e) => {
          assert.equal(e.code, c.expect.code, e.message);
          assert.ok(e.message.includes(c.expect.message), `${e.message}\n  does not include\n${c.expect.message}`);
          return true;
        });
      }
      const ms = Date.now() - t0;
      const r = await cli(['verify', ...m.flags, '--signature', m.sig, ...(c.ignoreUnsignedFiles ? ['--ignore-unsigned-files'] : []), m.model]);
      assert.equal(r.signal, null, 'the CLI hung');
      if (c.expect.ok) {
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /Verification succeeded/);
      } else {
        assert.equal(r.status, c.expect.exit, r.stderr);
        assert.ok(r.stderr.includes(c.expect.message), `${r.stderr}\n  does not include\n${c.expect.message}`);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      }
      if (c.item === 5) assert.ok(ms < 2_000, `a hostile shard size must be refused before hashing (${ms} ms)`);
    }));
  }
  await Promise.all(runs);
});

test('portable cases: the browser verifier gives the same expected outcome', { concurrency: 2 }, async (t) => {
  const { browserVerify } = await import('./support/browser-core.mjs');
  const runs = [];
  for (const c of built.cases.filter((x) => !x.nodeOnly)) {
    runs.push(t.test(`#${c.item} ${c.id}: ${c.title}`, async () => {
      const m = materialize({ ...c, id: `${c.id}-browser` });
      const r = await browserVerify(m.model, m.sig, { ...m.opts, ...(c.ignoreUnsignedFiles ? { ignoreUnsignedFiles: true } : {}) });
      if (c.expect.ok) {
        assert.equal(r.ok, true, `${r.code}: ${r.message}`);
      } else {
        assert.equal(r.ok, false, 'the browser verifier accepted it');
        assert.equal(r.code, c.expect.code, r.message);
        assert.ok(r.message.includes(c.expect.message), `${r.message}\n  does not include\n${c.expect.message}`);
      }
    }));
  }
  await Promise.all(runs);
});

test('node-only cases: a FIFO, /dev/zero or a directory given for any file flag fails at once, naming the flag', { concurrency: 2 }, async (t) => {
  const dir = path.join(work, 'user-files');
  const model = writeModelFiles(path.join(dir, 'model'), { 'w.bin': 'weights' });
  const sig = path.join(dir, 'model.sig');
  fs.writeFileSync(sig, JSON.stringify(built.material.keyBundle));
  const fifo = path.join(dir, 'planted.fifo');
  execFileSync('mkfifo', [fifo]);
  const emptyDir = path.join(dir, 'a-directory');
  fs.mkdirSync(emptyDir);
  const p = { model, sig, fifo, dir: emptyDir, out: path.join(dir, 'out.sig'), privateKey: built.material.privateKey, publicKey: built.material.publicKey, leafCert: built.material.leafCert };
  p.privateKey = built.material.leafKey; // matches leafCert for the certificate signer
  const runs = [];
  for (const c of built.cases.filter((x) => x.nodeOnly)) {
    runs.push(t.test(`#${c.item} ${c.id}: ${c.title}`, async () => {
      const r = await cli(c.argv(p), 20_000);
      assert.equal(r.signal, null, `the CLI hung on ${c.title}`);
      assert.equal(r.status, c.expect.exit, r.stderr);
      assert.ok(r.stderr.includes(c.expect.message), `${r.stderr}\n  does not name\n${c.expect.message}`);
      assert.ok(r.stderr.includes(c.expect.reason), `${r.stderr}\n  does not say\n${c.expect.reason}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.equal(fs.existsSync(p.out), false, 'no signature written');
    }));
  }
  await Promise.all(runs);
});

test('signing a model with an empty file under shard serialization is refused (the signature could not account for it)', async () => {
  const { EllipticKeySigner } = await import('../dist/signers/key.js');
  const signing = await import('../dist/api/signing.js');
  const hashing = await import('../dist/api/hashing.js');
  const model = writeModelFiles(path.join(work, 'sign-shards', 'model'), { 'w.bin': 'weights', 'pkg/__init__.py': '' });
  const out = path.join(work, 'sign-shards', 'model.sig');
  const cfg = new signing.Config()
    .useSigner(EllipticKeySigner.fromFile({ privateKey: built.material.privateKey }))
    .setHashingConfig(new hashing.Config().useShardSerialization({ shardSize: 1000 }));
  await assert.rejects(cfg.sign(model, out), (e) => {
    assert.equal(e.code, 'MODEL');
    assert.match(e.message, /cannot sign with shard serialization: 'pkg\/__init__\.py' is empty, and shard signatures cannot record empty files/);
    return true;
  });
  assert.equal(fs.existsSync(out), false);
  // Excluding it, or file serialization, signs.
  const files = new signing.Config().useSigner(EllipticKeySigner.fromFile({ privateKey: built.material.privateKey }));
  assert.equal((await files.sign(model, out)).manifest.resources.length, 2);
});
