// The static verification page in a real browser (Debian's headless Chromium): the reference vectors (key,
// certificate, Sigstore) and our own signatures verify; a changed byte, a removed and an added file are reported
// per file; wrong trust input is refused; hashing runs in Web Workers; the page makes no network request; the
// form is usable from the keyboard and every control has a label. A screenshot per verdict is kept in
// test-artifacts/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { haveVectors, mt, pki, NO_VECTORS } from './support/flow-helpers.mjs';
import { haveChromium, NO_CHROMIUM, launch, verifyInPage, PAGE_URL } from './support/browser-page.mjs';
import { makeKeyPair, mkTemp, writeModel } from './support/hardening-model.mjs';
import * as hashing from '../dist/api/hashing.js';
import * as signing from '../dist/api/signing.js';

const skip = !haveChromium ? NO_CHROMIUM : false;
const skipVectors = skip || (!haveVectors && NO_VECTORS);
let browser;
const work = mkTemp('ms-browser-page-');
before(async () => {
  if (!skip) browser = await launch();
});
after(async () => {
  await browser?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const VERIFIED = 'Verified: the model matches its signature';
const MISMATCH = 'NOT verified: the model does not match its signature';
const KEY_HINT = 'EC P-384 public key e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e';
const key = { method: 'key', publicKey: path.join(pki, 'signing-key-pub.pem') };
const cert = { method: 'certificate', caFiles: [path.join(pki, 'ca-cert.pem')] };
const sigstore = { method: 'sigstore', identity: 'stefanb@us.ibm.com', issuer: 'https://sigstore.verify.ibm.com/oauth2' };

function onlyLocalRequests(r) {
  const remote = r.requests.filter((u) => !/^(file|blob|data):/.test(u));
  assert.deepEqual(remote, [], 'the page must not use the network');
  assert.deepEqual(r.errors, []);
}

const VECTORS = [
  ['v0.2.0-certificate', cert, "certificate 'CN=intermediate-ca' (EC P-384), chained via 'CN=intermediate-ca' -> 'CN=root-ca'"],
  ['v1.0.0-certificate', cert, "certificate 'CN=intermediate-ca'"],
  ['v1.1.0-certificate', cert, "certificate 'CN=intermediate-ca'"],
  ['v1.1.0-elliptic-key', key, KEY_HINT],
  ['v1.0.0-sigstore', sigstore, 'stefanb@us.ibm.com'],
  ['v1.1.0-sigstore', sigstore, 'stefanb@us.ibm.com'],
];

for (const [name, opts, signer] of VECTORS) {
  test(`page: vector ${name} verifies (model.sig found inside the folder)`, { skip: skipVectors }, async () => {
    const r = await verifyInPage(browser, { dir: path.join(mt, name), ...opts }, `verified-${name}`);
    assert.equal(r.heading, VERIFIED, r.text);
    assert.match(r.signatureStatus, /Using 'model\.sig' found in the model folder/);
    assert.ok(r.details['Signed by'].includes(signer), r.details['Signed by']);
    if (opts.method === 'sigstore') {
      assert.equal(r.details['OIDC issuer'], 'https://sigstore.verify.ibm.com/oauth2');
      assert.match(r.details['Signed at'], /^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ \(transparency log\)/);
    }
    assert.equal(r.hashing, 'workers');
    onlyLocalRequests(r);
  });
}

test('page: a single-file model (v1.0.0-elliptic-key, name ".") with its signature chosen separately', { skip: skipVectors }, async () => {
  const dir = path.join(mt, 'v1.0.0-elliptic-key');
  const r = await verifyInPage(browser, { file: path.join(dir, 'signme-1'), signature: path.join(dir, 'model.sig'), ...key }, 'verified-single-file');
  assert.equal(r.heading, VERIFIED, r.text);
  assert.match(r.text, /older verification material format/);
});

test('page: a changed byte, a removed file and an added file are reported per file', { skip: skipVectors }, async () => {
  const dir = path.join(work, 'tampered');
  fs.cpSync(path.join(mt, 'v1.1.0-elliptic-key'), dir, { recursive: true });
  const f = path.join(dir, 'signme-1');
  const bytes = fs.readFileSync(f);
  bytes[bytes.length - 1] ^= 1;
  fs.writeFileSync(f, bytes);
  let r = await verifyInPage(browser, { dir, ...key }, 'mismatch-changed-byte');
  assert.equal(r.heading, MISMATCH);
  assert.deepEqual(r.rows, [['changed', 'signme-1']]);
  fs.rmSync(path.join(dir, 'signme-2'));
  fs.writeFileSync(path.join(dir, 'added.bin'), 'not signed');
  r = await verifyInPage(browser, { dir, ...key }, 'mismatch-missing-extra');
  assert.deepEqual(r.rows, [['changed', 'signme-1'], ['missing', 'signme-2'], ['extra (not signed)', 'added.bin']]);
  r = await verifyInPage(browser, { dir, ...key, ignoreUnsigned: true }, 'mismatch-ignore-unsigned');
  assert.deepEqual(r.rows, [['changed', 'signme-1'], ['missing', 'signme-2']]);
});

test('page: wrong trust input is refused with the error code', { skip: skipVectors }, async () => {
  let r = await verifyInPage(browser, { dir: path.join(mt, 'v1.1.0-sigstore'), ...sigstore, identity: 'someone@example.com' }, 'refused-wrong-identity');
  assert.equal(r.heading, 'NOT verified');
  assert.equal(r.code, 'TRUST');
  assert.match(r.text, /issued to 'stefanb@us\.ibm\.com', not to the expected identity 'someone@example\.com'/);
  r = await verifyInPage(browser, { dir: path.join(mt, 'v1.1.0-certificate'), ...key }, 'refused-wrong-method');
  assert.equal(r.code, 'BUNDLE');
  assert.match(r.text, /signed with the 'certificate' method/);
  const other = makeKeyPair(work, 'secp384r1');
  r = await verifyInPage(browser, { dir: path.join(mt, 'v1.1.0-elliptic-key'), method: 'key', publicKey: other.pubPath }, 'refused-wrong-key');
  assert.equal(r.code, 'TRUST');
  assert.match(r.text, /key mismatch/);
});

test('page: our own BLAKE3 shard and BLAKE2b file signatures verify, then report a changed shard', { skip }, async () => {
  const keys = makeKeyPair(work);
  for (const [alg, method] of [['blake3', 'shards'], ['blake2b', 'files'], ['sha256', 'shards']]) {
    // Shard signing refuses empty files (shard manifests cannot record them): only the files model has one.
    const dir = writeModel(path.join(work, `own-${alg}`), { 'config.json': 300, 'weights.bin': 2_500_000, 'sub/tok.txt': 700, ...(method === 'files' ? { 'empty.txt': 0 } : {}) });
    const h = new hashing.Config();
    if (method === 'files') h.useFileSerialization({ hashAlgorithm: alg });
    else h.useShardSerialization({ hashAlgorithm: alg, shardSize: 1_000_000 });
    await new signing.Config().useEllipticKeySigner({ privateKey: keys.privPath }).setHashingConfig(h).sign(dir, path.join(dir, 'model.sig'));
    let r = await verifyInPage(browser, { dir, method: 'key', publicKey: keys.pubPath }, `verified-own-${alg}-${method}`);
    assert.equal(r.heading, VERIFIED, r.text);
    assert.match(r.details['Resources'], new RegExp(`\\(${method}, ${alg}\\)`));
    const f = path.join(dir, 'weights.bin');
    const bytes = fs.readFileSync(f);
    bytes[1_500_000] ^= 1;
    fs.writeFileSync(f, bytes);
    r = await verifyInPage(browser, { dir, method: 'key', publicKey: keys.pubPath }, `mismatch-own-${alg}-${method}`);
    assert.deepEqual(r.rows, [['changed', method === 'files' ? 'weights.bin' : 'weights.bin:1000000:2000000']]);
  }
});

test('page: every form control has a label, and the verdict is announced', { skip }, async () => {
  const page = await browser.newPage();
  try {
    await page.goto(PAGE_URL);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, textarea, button, select')]
        .filter((e) => !(e.labels?.length > 0 || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || (e.tagName === 'BUTTON' && e.textContent.trim())))
        .map((e) => e.id || e.outerHTML),
    );
    assert.deepEqual(unlabelled, []);
    assert.equal(await page.$eval('#result', (e) => e.getAttribute('aria-live')), 'polite');
    // Choosing the folder is reachable from the keyboard: Tab reaches the hidden file input's label target.
    const reachable = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      reachable.push(await page.evaluate(() => document.activeElement?.id));
    }
    assert.ok(reachable.includes('model-dir'), `Tab order: ${reachable.join(', ')}`);
  } finally {
    await page.close();
  }
});
