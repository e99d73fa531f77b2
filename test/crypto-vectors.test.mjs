// The reference's and the OMS spec's key and certificate bundles, as real files: they verify at the
// signature level, and every tampering or wrong trust input fails with a specific error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { TestPki, vectorsPresent, vectorPath, NO_VECTORS } from './support/crypto-pki.mjs';
import { EllipticKeyVerifier, LEGACY_KEY_MATERIAL_WARNING } from '../dist/verifiers/key.js';
import { CertificateVerifier } from '../dist/verifiers/certificate.js';

const skip = !vectorsPresent && NO_VECTORS;
const MT = vectorsPresent ? vectorPath('model-transparency/') : '';
const KEYS = MT + 'keys/certificate/';
const load = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));
const clone = (o) => structuredClone(o);
const keyVerifier = () => EllipticKeyVerifier.fromFile(KEYS + 'signing-key-pub.pem');
const caVerifier = (o) => CertificateVerifier.fromFiles([KEYS + 'ca-cert.pem'], o);
const STATEMENT = 'https://in-toto.io/Statement/v1';

function flipBase64(b64, index = 10) {
  const buf = Buffer.from(b64, 'base64');
  buf[index] ^= 0x01;
  return buf.toString('base64');
}

const CERT_VECTORS = ['v0.2.0-certificate', 'v1.0.0-certificate', 'v1.1.0-certificate'];
const KEY_VECTORS = ['v1.0.0-elliptic-key', 'v1.1.0-elliptic-key'];

for (const name of CERT_VECTORS) {
  test(`${name} verifies with ca-cert.pem`, { skip }, async () => {
    const lines = [];
    const r = await caVerifier({ onFingerprint: (l) => lines.push(l) }).verify(load(MT + name + '/model.sig'));
    assert.equal(r.payloadType, 'application/vnd.in-toto+json');
    assert.equal(JSON.parse(r.payload.toString())._type, STATEMENT);
    assert.equal(r.signer.method, 'certificate');
    assert.match(r.signer.description, /CN=intermediate-ca.*CN=root-ca/);
    assert.equal(r.warnings.length, name.startsWith('v0.2.0') ? 1 : 0, 'only v0.2.0 needs the compat PAE');
    assert.equal(lines.filter((l) => l.startsWith('[  init  ] sha256 Fingerprint: ')).length, 1);
    assert.equal(lines.filter((l) => l.startsWith('[ verify ] sha256 Fingerprint: ')).length, 2);
    assert.match(lines[0], /^\[  init  \] sha256 Fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });
}

for (const name of KEY_VECTORS) {
  test(`${name} verifies with signing-key-pub.pem`, { skip }, async () => {
    const r = await keyVerifier().verify(load(MT + name + '/model.sig'));
    assert.equal(JSON.parse(r.payload.toString())._type, STATEMENT);
    assert.equal(r.signer.method, 'key');
    assert.deepEqual(r.warnings, name.startsWith('v1.0.0') ? [LEGACY_KEY_MATERIAL_WARNING] : []);
  });
}

test('OMS spec valid key and certificate bundles verify', { skip }, async () => {
  const dir = vectorPath('oms-spec/test-vectors/valid/');
  assert.equal((await keyVerifier().verify(load(dir + 'key.bundle.json'))).warnings.length, 0);
  assert.equal((await caVerifier().verify(load(dir + 'certificate.bundle.json'))).signer.method, 'certificate');
});

test('an intermediate given as trust anchor is enough (partial chain)', { skip }, async () => {
  const r = await CertificateVerifier.fromFiles([KEYS + 'int-ca-cert.pem']).verify(load(MT + 'v1.1.0-certificate/model.sig'));
  assert.doesNotMatch(r.signer.description, /root-ca/);
});

test('key bundles fail with the wrong key, a changed hint, or any flipped byte', { skip }, async () => {
  const pki = new TestPki();
  try {
    const bundle = load(MT + 'v1.1.0-elliptic-key/model.sig');
    const otherKey = pki.pub(pki.key('other', 'p384'), 'other');
    await assert.rejects(EllipticKeyVerifier.fromFile(otherKey).verify(bundle), { code: 'TRUST', message: /^key mismatch: the bundle's public key hint e8450dec\S+ does not match the given public key [0-9a-f]{64}$/ });
    // Without a hint (legacy bundle) the wrong key fails at the signature.
    const legacy = load(MT + 'v1.0.0-elliptic-key/model.sig');
    await assert.rejects(EllipticKeyVerifier.fromFile(otherKey).verify(legacy), { code: 'SIGNATURE' });
    const hinted = clone(bundle);
    hinted.verificationMaterial.publicKey.hint = 'ab'.repeat(32);
    await assert.rejects(keyVerifier().verify(hinted), { code: 'TRUST', message: /key mismatch/ });
    const sig = clone(bundle);
    sig.dsseEnvelope.signatures[0].sig = flipBase64(sig.dsseEnvelope.signatures[0].sig, 20);
    await assert.rejects(keyVerifier().verify(sig), { code: 'SIGNATURE', message: /signature verification failed/ });
    const payload = clone(bundle);
    payload.dsseEnvelope.payload = flipBase64(payload.dsseEnvelope.payload, 100);
    await assert.rejects(keyVerifier().verify(payload), { code: 'SIGNATURE' });
    // rawBytes is never trusted as the key: a legacy bundle carrying another key's bytes still
    // verifies only with the real key.
    const swapped = clone(legacy);
    swapped.verificationMaterial.publicKey.rawBytes = Buffer.from(fs.readFileSync(otherKey)).toString('base64');
    assert.ok(await keyVerifier().verify(swapped));
    await assert.rejects(EllipticKeyVerifier.fromFile(otherKey).verify(swapped), { code: 'SIGNATURE' });
  } finally {
    pki.cleanup();
  }
});

test('certificate bundles fail with a wrong CA, a same-CN impostor CA, a dropped intermediate or flipped bytes', { skip }, async () => {
  const pki = new TestPki();
  try {
    const bundle = load(MT + 'v1.1.0-certificate/model.sig');
    const wrongCa = pki.identity('wrong-ca', { type: 'rsa', ca: true }).cert;
    await assert.rejects(CertificateVerifier.fromFiles([wrongCa]).verify(bundle), { code: 'TRUST', message: /does not chain to a trusted certificate/ });
    const impostor = pki.identity('impostor', { type: 'rsa', ca: true, cn: 'root-ca' }).cert;
    await assert.rejects(CertificateVerifier.fromFiles([impostor]).verify(bundle), { code: 'TRUST', message: /does not chain/ });
    const impostorInt = pki.identity('impostor-int', { type: 'rsa', ca: true, cn: 'intermediate-ca' }).cert;
    await assert.rejects(CertificateVerifier.fromFiles([impostorInt]).verify(bundle), { code: 'TRUST' });
    const dropped = clone(bundle);
    dropped.verificationMaterial.x509CertificateChain.certificates.splice(1, 1);
    await assert.rejects(caVerifier().verify(dropped), { code: 'TRUST', message: /does not chain/ });
    // Default trust (Mozilla roots) does not trust the test PKI.
    await assert.rejects(CertificateVerifier.fromFiles([]).verify(bundle), { code: 'TRUST' });
    for (const [i, at] of [[0, 200], [1, 300], [0, 700]]) {
      const bad = clone(bundle);
      const c = bad.verificationMaterial.x509CertificateChain.certificates[i];
      c.rawBytes = flipBase64(c.rawBytes, at);
      await assert.rejects(caVerifier().verify(bad), (e) => ['TRUST', 'BUNDLE', 'KEY'].includes(e.code), `cert ${i} byte ${at}`);
    }
    const sig = clone(bundle);
    sig.dsseEnvelope.signatures[0].sig = flipBase64(sig.dsseEnvelope.signatures[0].sig, 30);
    await assert.rejects(caVerifier().verify(sig), { code: 'SIGNATURE' });
    const payload = clone(bundle);
    payload.dsseEnvelope.payload = flipBase64(payload.dsseEnvelope.payload, 5);
    await assert.rejects(caVerifier().verify(payload), { code: 'SIGNATURE' });
  } finally {
    pki.cleanup();
  }
});

test('malformed bundles and the wrong method give BUNDLE errors', { skip }, async () => {
  const keyB = load(MT + 'v1.1.0-elliptic-key/model.sig');
  const certB = load(MT + 'v1.1.0-certificate/model.sig');
  const sigstoreB = load(MT + 'v1.1.0-sigstore/model.sig');
  await assert.rejects(keyVerifier().verify(certB), { code: 'BUNDLE', message: /signed with the 'certificate' method .*x509CertificateChain/ });
  await assert.rejects(caVerifier().verify(keyB), { code: 'BUNDLE', message: /signed with the 'key' method/ });
  await assert.rejects(caVerifier().verify(sigstoreB), { code: 'BUNDLE', message: /'sigstore' method/ });
  const cases = [
    [(b) => delete b.dsseEnvelope, /no dsseEnvelope/],
    [(b) => delete b.verificationMaterial, /no verificationMaterial/],
    [(b) => (b.dsseEnvelope.signatures = []), /exactly one DSSE signature, found 0/],
    [(b) => b.dsseEnvelope.signatures.push(b.dsseEnvelope.signatures[0]), /exactly one DSSE signature, found 2/],
    [(b) => (b.dsseEnvelope.payload = '***'), /payload is not valid base64/],
    [(b) => (b.dsseEnvelope.signatures[0].sig = 42), /sig must be a base64 string/],
    [(b) => (b.dsseEnvelope.payloadType = 'text/plain'), /expected DSSE payload type application\/vnd.in-toto\+json/],
    [(b) => (b.verificationMaterial.publicKey = 'x'), /publicKey must be an object/],
  ];
  for (const [mutate, message] of cases) {
    const b = clone(keyB);
    mutate(b);
    await assert.rejects(keyVerifier().verify(b), { code: 'BUNDLE', message });
  }
  for (const keyid of [undefined, null, '', 'anything']) {
    const b = clone(keyB);
    if (keyid === undefined) delete b.dsseEnvelope.signatures[0].keyid;
    else b.dsseEnvelope.signatures[0].keyid = keyid;
    assert.ok(await keyVerifier().verify(b), `keyid ${keyid}`);
  }
  const noCerts = clone(certB);
  noCerts.verificationMaterial.x509CertificateChain.certificates = [];
  await assert.rejects(caVerifier().verify(noCerts), { code: 'BUNDLE', message: /non-empty array/ });
  const junk = clone(certB);
  junk.verificationMaterial.x509CertificateChain.certificates[0].rawBytes = Buffer.from('not a cert').toString('base64');
  await assert.rejects(caVerifier().verify(junk), { code: 'BUNDLE', message: /certificates\[0\] is not a valid X.509 certificate/ });
});
