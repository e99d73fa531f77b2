// The tamper matrix: for every signing method (key, certificate, Sigstore via the loopback stand-in, PKCS #11 on
// SoftHSM2 when present) and for file and shard serialization, one signed model is copied and tampered with in
// one way per test. Every tampered model must fail with a message naming what differs, with and without
// ignore-unsigned-files (except added files, which that option is for); the untouched copy must pass.
// Bundle fields (payload, signature, key hint, certificate, log entry, timestamp, media type) are tampered too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { MODEL_LAYOUT, copyModel, mkTemp, writeModel } from './support/hardening-model.mjs';
import { certificateMethod, keyMethod, pkcs11Method, sigstoreMethod } from './support/hardening-methods.mjs';
import * as signing from '../dist/api/signing.js';
import * as hashing from '../dist/api/hashing.js';
import * as verifying from '../dist/api/verifying.js';

const SHARD_SIZE = 1000;
const SERIALIZATIONS = ['files', 'shards'];
const METHOD_NAMES = ['key', 'certificate', 'sigstore', 'pkcs11'];
const FILES = Object.keys(MODEL_LAYOUT);

const work = mkTemp('ms-tamper-');
const methods = {};
const signed = {}; // `${method}/${serialization}` -> { model, sig, bundle }

before(async () => {
  methods.key = await keyMethod(work);
  methods.certificate = await certificateMethod();
  methods.sigstore = await sigstoreMethod(work);
  methods.pkcs11 = await pkcs11Method(work);
  const base = writeModel(path.join(work, 'base-model'));
  for (const m of METHOD_NAMES) {
    if (methods[m].skip) continue;
    for (const ser of SERIALIZATIONS) {
      const model = copyModel(base, path.join(work, `${m}-${ser}`, 'model'));
      const sig = path.join(work, `${m}-${ser}`, 'model.sig');
      const h = new hashing.Config();
      if (ser === 'shards') h.useShardSerialization({ shardSize: SHARD_SIZE });
      await new signing.Config().useSigner(methods[m].signer).setHashingConfig(h).sign(model, sig);
      signed[`${m}/${ser}`] = { model, sig, bundle: JSON.parse(fs.readFileSync(sig, 'utf8')) };
    }
  }
});

after(async () => {
  for (const m of Object.values(methods)) await m.close?.();
  fs.rmSync(work, { recursive: true, force: true });
});

const verify = (method, model, sig, ignoreUnsigned = false) =>
  new verifying.Config().useVerifier(methods[method].verifier).setIgnoreUnsignedFiles(ignoreUnsigned).verify(model, sig);

/** A fresh copy of the signed model for one case (the original stays untouched for the others). */
let copies = 0;
function copyOf(key) {
  const dst = path.join(work, `case-${++copies}`, 'model');
  copyModel(signed[key].model, dst);
  return dst;
}

const p = (model, name) => path.join(model, ...name.split('/'));
function flipByte(model, name, where) {
  const file = p(model, name);
  const buf = fs.readFileSync(file);
  const i = where === 'start' ? 0 : where === 'end' ? buf.length - 1 : buf.length >> 1;
  buf[i] ^= 0x01;
  fs.writeFileSync(file, buf);
}
const q = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Each case: tamper(model) and the message it must produce: `names` lists what must be named (files or shards).
// `passesWithIgnoreUnsigned`: the only change is an added file, which --ignore-unsigned-files accepts.
const MODEL_CASES = [];
for (const f of FILES) {
  for (const where of ['start', 'middle', 'end']) {
    MODEL_CASES.push({ name: `one byte changed at the ${where} of ${f}`, tamper: (m) => flipByte(m, f, where), expect: new RegExp(`digest mismatch.*'${q(f)}`) });
  }
  MODEL_CASES.push({ name: `${f} truncated by one byte`, tamper: (m) => fs.truncateSync(p(m, f), MODEL_LAYOUT[f] - 1), expect: new RegExp(`digest mismatch.*'${q(f)}`) });
  MODEL_CASES.push({ name: `${f} truncated to zero bytes`, tamper: (m) => fs.truncateSync(p(m, f), 0), expect: new RegExp(`'${q(f)}`) });
  MODEL_CASES.push({ name: `one byte appended to ${f}`, tamper: (m) => fs.appendFileSync(p(m, f), 'x'), expect: new RegExp(`digest mismatch.*'${q(f)}`) });
  MODEL_CASES.push({ name: `${f} deleted`, tamper: (m) => fs.rmSync(p(m, f)), expect: new RegExp(`missing file\\(s\\): .*'${q(f)}'`) });
  MODEL_CASES.push({
    name: `${f} renamed`,
    tamper: (m) => fs.renameSync(p(m, f), p(m, `${f}.renamed`)),
    expect: new RegExp(`missing file\\(s\\): .*'${q(f)}'`),
    expectDefault: new RegExp(`missing file\\(s\\): .*'${q(f)}'.*unsigned file\\(s\\): .*'${q(f)}.renamed'`),
  });
  MODEL_CASES.push({
    name: `${f} replaced by a symlink to an identical copy`,
    tamper: (m) => {
      const copy = path.join(path.dirname(m), `copy-of-${path.basename(f)}`);
      fs.copyFileSync(p(m, f), copy);
      fs.rmSync(p(m, f));
      fs.symlinkSync(copy, p(m, f));
    },
    expect: new RegExp(`'${q(f)}'.*symlink`),
    code: 'MODEL',
  });
}
MODEL_CASES.push({
  name: 'contents of config.json and sub/tokenizer.txt swapped',
  tamper: (m) => {
    const a = fs.readFileSync(p(m, 'config.json'));
    fs.writeFileSync(p(m, 'config.json'), fs.readFileSync(p(m, 'sub/tokenizer.txt')));
    fs.writeFileSync(p(m, 'sub/tokenizer.txt'), a);
  },
  expect: /digest mismatch.*'config\.json.*'sub\/tokenizer\.txt/,
});
MODEL_CASES.push({ name: 'a file added at the top', tamper: (m) => fs.writeFileSync(p(m, 'added.bin'), 'new'), expect: /unsigned file\(s\): 'added\.bin'/, passesWithIgnoreUnsigned: true });
MODEL_CASES.push({ name: 'a file added in a sub-folder', tamper: (m) => fs.writeFileSync(p(m, 'sub/deep/added.bin'), 'new'), expect: /unsigned file\(s\): 'sub\/deep\/added\.bin'/, passesWithIgnoreUnsigned: true });
MODEL_CASES.push({ name: 'an empty file added', tamper: (m) => fs.writeFileSync(p(m, 'empty'), ''), expect: /unsigned file\(s\): 'empty'/, passesWithIgnoreUnsigned: true });
MODEL_CASES.push({ name: 'an empty __init__.py added in a sub-folder', tamper: (m) => fs.writeFileSync(p(m, 'sub/__init__.py'), ''), expect: /unsigned file\(s\): 'sub\/__init__\.py'/, passesWithIgnoreUnsigned: true });
MODEL_CASES.push({
  name: 'a sub-folder replaced by a symlink to an identical copy',
  tamper: (m) => {
    const copy = path.join(path.dirname(m), 'copy-of-sub');
    fs.renameSync(p(m, 'sub'), copy);
    fs.symlinkSync(copy, p(m, 'sub'));
  },
  expect: /'sub'.*symlink/,
  code: 'MODEL',
});
MODEL_CASES.push({ name: 'a sub-folder renamed', tamper: (m) => fs.renameSync(p(m, 'sub'), p(m, 'sub2')), expect: /missing file\(s\): 'sub\/deep\/extra\.dat', 'sub\/tokenizer\.txt'/ });

for (const method of METHOD_NAMES) {
  for (const ser of SERIALIZATIONS) {
    const key = `${method}/${ser}`;
    const skip = () => methods[method]?.skip;

    test(`${key}: the untouched signed model verifies`, async (t) => {
      if (skip()) return t.skip(skip());
      const r = await verify(method, copyOf(key), signed[key].sig);
      assert.equal(r.ok, true);
      assert.equal(r.serialization.method, ser);
      assert.equal(r.resourceCount, ser === 'files' ? FILES.length : 1 + 3 + 1 + 1);
    });

    for (const c of MODEL_CASES) {
      if (c.filesOnly && ser !== 'files') continue;
      test(`${key}: ${c.name} is detected`, async (t) => {
        if (skip()) return t.skip(skip());
        const model = copyOf(key);
        c.tamper(model);
        for (const ignoreUnsigned of [false, true]) {
          const run = verify(method, model, signed[key].sig, ignoreUnsigned);
          if (ignoreUnsigned && c.passesWithIgnoreUnsigned) {
            assert.equal((await run).ok, true, 'an added file is what --ignore-unsigned-files allows');
            continue;
          }
          const expect = (!ignoreUnsigned && c.expectDefault) || c.expect;
          await assert.rejects(run, (e) => {
            assert.equal(e.code, c.code ?? 'MISMATCH', e.message);
            assert.match(e.message, expect);
            if (e.code === 'MISMATCH') assert.equal(e.report.ok, false);
            return true;
          }, `ignore-unsigned-files=${ignoreUnsigned}`);
        }
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Bundle fields. Each case edits a copy of the bundle JSON; the model is untouched.

const b64flip = (s, at = 0.5) => {
  const buf = Buffer.from(s, 'base64');
  buf[Math.floor((buf.length - 1) * at)] ^= 0x01;
  return buf.toString('base64');
};
const SIG_FAIL = /signature/i;
const SIG_TS_FAIL = /signature|timestamp/i;
const SHOW = process.env.HARDENING_SHOW_MESSAGES === '1';

function bundleCases(method, ser) {
  const other = signed[`${method}/${ser === 'files' ? 'shards' : 'files'}`]?.bundle;
  // Sigstore checks the log entry's body (which records the payload and signature hashes) before the
  // signature itself, so it names the mismatch as a TRUST failure of the payload or signature.
  const SIG = method === 'sigstore' ? 'TRUST|SIGNATURE' : 'SIGNATURE|BUNDLE';
  const cases = [
    ['a payload byte flipped', (b) => { b.dsseEnvelope.payload = b64flip(b.dsseEnvelope.payload); }, SIG, /signature|payload/i],
    ['the payload of another valid signature', (b) => { b.dsseEnvelope.payload = other.dsseEnvelope.payload; }, SIG, /signature|payload/i],
    // Sigstore: the RFC 3161 timestamp is over the signature bytes, so @sigstore/verify reports the timestamp.
    ['a signature byte flipped', (b) => { b.dsseEnvelope.signatures[0].sig = b64flip(b.dsseEnvelope.signatures[0].sig, 0.7); }, SIG, SIG_TS_FAIL],
    ['the signature of another valid bundle', (b) => { b.dsseEnvelope.signatures[0].sig = other.dsseEnvelope.signatures[0].sig; }, SIG, SIG_TS_FAIL],
    ['a second signature added', (b) => { b.dsseEnvelope.signatures.push(other.dsseEnvelope.signatures[0]); }, `BUNDLE|${SIG}`, /signature/i],
    ['the payload type changed', (b) => { b.dsseEnvelope.payloadType = 'application/json'; }, `BUNDLE|${SIG}`, /payload ?type|signature/i],
    ['the media type changed', (b) => { b.mediaType = 'application/vnd.dev.sigstore.bundle.v0.9+json'; }, 'BUNDLE', /media type/],
    ['the media type relabelled v0.2', (b) => { b.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.2'; }, 'BUNDLE', /media type .*version=0\.2 is a v0\.2 bundle/],
    ['the media type relabelled v0.1', (b) => { b.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.1'; }, 'BUNDLE', /media type .*version=0\.1 is a v0\.1 bundle/],
    ['the media type removed', (b) => { delete b.mediaType; }, 'BUNDLE', /mediaType/],
  ];
  if (method === 'key' || method === 'pkcs11') {
    cases.push(['the public key hint changed', (b) => {
      const h = b.verificationMaterial.publicKey.hint;
      b.verificationMaterial.publicKey.hint = (h[0] === '0' ? '1' : '0') + h.slice(1);
    }, 'TRUST', /hint/]);
    cases.push(['the key material swapped for a certificate chain', (b) => {
      b.verificationMaterial = { x509CertificateChain: { certificates: [{ rawBytes: 'AAAA' }] }, tlogEntries: [] };
    }, 'BUNDLE', /certificate/]);
  }
  if (method === 'certificate') {
    const { rogueLeaf, other: otherLeaf } = methods.certificate.pki;
    const der = (pem) => Buffer.from(fs.readFileSync(pem, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('base64');
    const certs = (b) => b.verificationMaterial.x509CertificateChain.certificates;
    cases.push(['a byte of the signing certificate flipped', (b) => { certs(b)[0].rawBytes = b64flip(certs(b)[0].rawBytes, 0.3); }, 'BUNDLE|TRUST|KEY', /certificate/]);
    cases.push(['the certificate of a look-alike from an untrusted root', (b) => { certs(b)[0].rawBytes = der(rogueLeaf.cert); }, 'TRUST', /certificate|chain|trust/i]);
    cases.push(['a valid certificate for another key', (b) => { certs(b)[0].rawBytes = der(otherLeaf.cert); }, 'SIGNATURE', SIG_FAIL]);
    cases.push(['the certificates removed', (b) => { b.verificationMaterial.x509CertificateChain.certificates = []; }, 'BUNDLE', /certificate/]);
  }
  if (method === 'sigstore') {
    const vm = (b) => b.verificationMaterial;
    const entry = (b) => vm(b).tlogEntries[0];
    cases.push(['a byte of the Fulcio certificate flipped', (b) => { vm(b).certificate.rawBytes = b64flip(vm(b).certificate.rawBytes, 0.3); }, 'BUNDLE|TRUST|SIGNATURE|KEY', /certificate|signature/i]);
    cases.push(["another identity's certificate", (b) => { vm(b).certificate = methods.sigstore.otherBundle.verificationMaterial.certificate; }, 'TRUST|SIGNATURE', /mallory|signature|certificate/i]);
    cases.push(['the log entry index changed', (b) => { entry(b).logIndex = String(Number(entry(b).logIndex) + 1); }, 'TRUST|SIGNATURE|BUNDLE', /log|tlog|inclusion|signature/i]);
    cases.push(['the log entry integrated time changed', (b) => { entry(b).integratedTime = String(Number(entry(b).integratedTime) + 1); }, 'TRUST|SIGNATURE|BUNDLE', /log|tlog|time|promise|signature/i]);
    cases.push(['a byte of the logged body flipped', (b) => { entry(b).canonicalizedBody = b64flip(entry(b).canonicalizedBody); }, 'TRUST|SIGNATURE|BUNDLE', /log|tlog|body|promise|signature/i]);
    cases.push(['the log entry of another signature', (b) => { vm(b).tlogEntries = methods.sigstore.otherBundle.verificationMaterial.tlogEntries; }, 'TRUST|SIGNATURE|BUNDLE', /log|tlog|body|promise|signature/i]);
    cases.push(['the log entries removed', (b) => { vm(b).tlogEntries = []; }, 'TRUST|BUNDLE', /log|tlog|timestamp/i]);
    cases.push(['a byte of the RFC 3161 timestamp flipped', (b) => {
      const ts = vm(b).timestampVerificationData.rfc3161Timestamps[0];
      ts.signedTimestamp = b64flip(ts.signedTimestamp, 0.9);
    }, 'TRUST|BUNDLE', /timestamp/i]);
  }
  return cases;
}

for (const method of METHOD_NAMES) {
  for (const ser of SERIALIZATIONS) {
    test(`${method}/${ser}: every tampered bundle field is refused with a message naming it`, async (t) => {
      if (methods[method]?.skip) return t.skip(methods[method].skip);
      const key = `${method}/${ser}`;
      if (method === 'sigstore' && !methods.sigstore.otherBundle) {
        methods.sigstore.otherBundle = await methods.sigstore.otherSigner.sign(Buffer.from(signed[key].bundle.dsseEnvelope.payload, 'base64'));
      }
      const model = copyOf(key);
      for (const [name, edit, codes, message] of bundleCases(method, ser)) {
        const b = structuredClone(signed[key].bundle);
        edit(b);
        const sig = path.join(path.dirname(model), 'tampered.sig');
        fs.writeFileSync(sig, JSON.stringify(b));
        await assert.rejects(verify(method, model, sig), (e) => {
          assert.match(e.code, new RegExp(`^(${codes})$`), `${name}: ${e.code} ${e.message}`);
          assert.match(e.message, message, `${name}: ${e.message}`);
          if (SHOW) t.diagnostic(`${name}: ${e.code}: ${e.message}`);
          return true;
        }, name);
      }
    });
  }
}

// The same detection through the CLI, as a user sees it: one line naming what differs, then the per-file report.
test('CLI: a tampered model fails with exit 1, naming the changed, missing and extra files and both digests', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const { cliPath } = await import('./support/cli.mjs');
  const trust = {
    key: ['key', '--public-key', methods.key.keys.pubPath],
    certificate: ['certificate', '--certificate-chain', methods.certificate.pki.root.cert],
  };
  for (const [method, args] of Object.entries(trust)) {
    for (const ser of SERIALIZATIONS) {
      const key = `${method}/${ser}`;
      const model = copyOf(key);
      flipByte(model, 'weights.bin', 'middle');
      fs.rmSync(p(model, 'config.json'));
      fs.writeFileSync(p(model, 'sub/added.bin'), 'new');
      const r = spawnSync(process.execPath, [cliPath, 'verify', ...args, '--signature', signed[key].sig, model], { encoding: 'utf8' });
      assert.equal(r.status, 1, r.stderr);
      const changed = ser === 'files' ? 'weights.bin' : 'weights.bin:1000:2000';
      assert.match(r.stderr, new RegExp(`Verification failed with error: the model does not match its signature: 1 digest mismatch\\(es\\): '${q(changed)}'; 1 missing file\\(s\\): 'config\\.json'; 1 unsigned file\\(s\\): 'sub/added\\.bin'`));
      assert.match(r.stderr, new RegExp(`${q(changed)}\\n\\s+expected: sha256:[0-9a-f]{64}\\n\\s+actual:\\s+sha256:[0-9a-f]{64}`));
      t.diagnostic(`${key}: ${r.stderr.split('\n')[0]}`);
    }
  }
});
