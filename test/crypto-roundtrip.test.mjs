// Sign + verify round trips with the key and certificate methods on P-256/P-384/P-521 keys in
// every PEM form; signatures are checked independently with openssl, bundles with the OMS schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { TestPki, openssl, vectorsPresent, vectorPath, NO_VECTORS } from './support/crypto-pki.mjs';
import { EllipticKeySigner } from '../dist/signers/key.js';
import { CertificateSigner } from '../dist/signers/certificate.js';
import { EllipticKeyVerifier } from '../dist/verifiers/key.js';
import { CertificateVerifier } from '../dist/verifiers/certificate.js';
import { pae } from '../dist/dsse.js';

const pki = new TestPki();
test.after(() => pki.cleanup());
const TYPE = 'application/vnd.in-toto+json';
const PAYLOAD = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'm', digest: { sha256: '00'.repeat(32) } }] }));
const HASH = { p256: 'sha256', p384: 'sha384', p521: 'sha512' };

let validateBundle = null;
if (vectorsPresent) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  for (const s of ['envelope', 'statement', 'predicate', 'bundle']) {
    ajv.addSchema(JSON.parse(fs.readFileSync(vectorPath(`oms-spec/schemas/${s}.schema.json`), 'utf8')));
  }
  validateBundle = ajv.getSchema('https://model_signing/bundle/v1.0/schema');
}
function assertSchemaValid(bundle) {
  if (!validateBundle) return;
  assert.ok(validateBundle(bundle), JSON.stringify(validateBundle.errors));
  const { dsseEnvelope, ...withoutEnvelope } = bundle;
  assert.equal(validateBundle(withoutEnvelope), false, 'the schema validator must be able to fail');
}

/** Checks the DER signature over the PAE with openssl, with the curve's hash (and not another). */
function opensslVerify(bundle, pubPem, type, tag) {
  const paeFile = pki.file(`${tag}.pae`);
  const sigFile = pki.file(`${tag}.sig`);
  const pubFile = pki.file(`${tag}.pub`);
  fs.writeFileSync(paeFile, pae(TYPE, Buffer.from(bundle.dsseEnvelope.payload, 'base64')));
  fs.writeFileSync(sigFile, Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64'));
  fs.writeFileSync(pubFile, pubPem);
  const out = openssl(['dgst', `-${HASH[type]}`, '-verify', pubFile, '-signature', sigFile, paeFile]).toString();
  assert.match(out, /Verified OK/);
  const other = type === 'p256' ? 'sha384' : 'sha256';
  assert.throws(() => openssl(['dgst', `-${other}`, '-verify', pubFile, '-signature', sigFile, paeFile]), 'signature must not verify with another hash');
  // DER SEQUENCE{r,s}
  assert.equal(fs.readFileSync(sigFile)[0], 0x30);
}

for (const type of ['p256', 'p384', 'p521']) {
  test(`key method round trip on ${type} (SEC1, PKCS#8, encrypted PKCS#8)`, async () => {
    const p8 = pki.key(`rt-${type}`, type);
    const sec1 = pki.file(`rt-${type}.sec1.pem`);
    openssl(['ec', '-in', p8, '-out', sec1]);
    const enc = pki.file(`rt-${type}.enc.pem`);
    openssl(['pkcs8', '-topk8', '-in', p8, '-out', enc, '-passout', 'pass:pw-' + type]);
    const pub = pki.pub(p8, `rt-${type}`);
    const verifier = EllipticKeyVerifier.fromFile(pub);
    for (const [form, signer] of [
      ['pkcs8', EllipticKeySigner.fromFile({ privateKey: p8 })],
      ['sec1', EllipticKeySigner.fromFile({ privateKey: sec1 })],
      ['encrypted', EllipticKeySigner.fromFile({ privateKey: enc, password: 'pw-' + type })],
    ]) {
      const bundle = await signer.sign(PAYLOAD);
      assert.deepEqual(Object.keys(bundle), ['mediaType', 'verificationMaterial', 'dsseEnvelope']);
      assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
      assert.deepEqual(Object.keys(bundle.verificationMaterial), ['publicKey', 'tlogEntries']);
      assert.deepEqual(bundle.verificationMaterial.tlogEntries, []);
      assert.match(bundle.verificationMaterial.publicKey.hint, /^[0-9a-f]{64}$/);
      assert.deepEqual(Object.keys(bundle.dsseEnvelope), ['payload', 'payloadType', 'signatures']);
      assert.deepEqual(Object.keys(bundle.dsseEnvelope.signatures[0]), ['sig', 'keyid']);
      assert.equal(bundle.dsseEnvelope.signatures[0].keyid, '');
      assertSchemaValid(bundle);
      const r = await verifier.verify(JSON.parse(JSON.stringify(bundle)));
      assert.deepEqual(r.payload, PAYLOAD);
      assert.deepEqual(r.warnings, []);
      opensslVerify(bundle, fs.readFileSync(pub), type, `rt-${type}-${form}`);
    }
    assert.throws(() => EllipticKeySigner.fromFile({ privateKey: enc, password: 'nope' }), { code: 'KEY', message: /wrong password/ });
    assert.throws(() => EllipticKeySigner.fromFile({ privateKey: enc }), { code: 'KEY', message: /password is required/ });
  });

  test(`certificate method round trip on ${type}`, async () => {
    const root = pki.identity(`crt-root-${type}`, { type: 'rsa', ca: true });
    const int = pki.identity(`crt-int-${type}`, { type: 'p384', ca: true, issuer: root });
    const leaf = pki.identity(`crt-leaf-${type}`, { type, issuer: int });
    // Chain files may hold several certificates with text between them; order is kept.
    const chainFile = pki.file(`crt-chain-${type}.pem`);
    fs.writeFileSync(chainFile, `intermediate:\n${fs.readFileSync(int.cert, 'utf8')}\nand the root:\n${fs.readFileSync(root.cert, 'utf8')}`);
    const enc = pki.file(`crt-leaf-${type}.enc.pem`);
    openssl(['pkcs8', '-topk8', '-in', leaf.key, '-out', enc, '-passout', 'pass:pw']);
    const signer = CertificateSigner.fromFiles({ privateKey: enc, password: 'pw', signingCertificate: leaf.cert, certificateChain: [chainFile] });
    const bundle = await signer.sign(PAYLOAD);
    assert.deepEqual(Object.keys(bundle.verificationMaterial), ['x509CertificateChain', 'tlogEntries']);
    const der = (p) => openssl(['x509', '-in', p, '-outform', 'DER']).toString('base64');
    assert.deepEqual(bundle.verificationMaterial.x509CertificateChain.certificates.map((c) => c.rawBytes), [der(leaf.cert), der(int.cert), der(root.cert)]);
    assertSchemaValid(bundle);
    const r = await CertificateVerifier.fromFiles([root.cert]).verify(bundle);
    assert.deepEqual(r.payload, PAYLOAD);
    opensslVerify(bundle, openssl(['x509', '-in', leaf.cert, '-noout', '-pubkey']), type, `crt-${type}`);
  });
}

test('the signing certificate must match the private key', () => {
  const a = pki.identity('match-a');
  const b = pki.identity('match-b');
  assert.throws(() => CertificateSigner.fromFiles({ privateKey: a.key, signingCertificate: b.cert }), { code: 'KEY', message: /^the signing certificate does not match the private key/ });
  const chainless = CertificateSigner.fromFiles({ privateKey: a.key, signingCertificate: a.cert });
  assert.ok(chainless);
  assert.throws(() => CertificateSigner.fromFiles({ privateKey: a.key, signingCertificate: a.key }), { code: 'KEY', message: /holds no PEM certificate/ });
});

test('the reference test key signs bundles the reference shape verifies', { skip: !vectorsPresent && NO_VECTORS }, async () => {
  const keys = vectorPath('model-transparency/keys/certificate/');
  const keyBundle = await EllipticKeySigner.fromFile({ privateKey: keys + 'signing-key.pem' }).sign(PAYLOAD);
  const reference = JSON.parse(fs.readFileSync(vectorPath('model-transparency/v1.1.0-elliptic-key/model.sig'), 'utf8'));
  assert.deepEqual(keyBundle.verificationMaterial, reference.verificationMaterial);
  const certBundle = await CertificateSigner.fromFiles({
    privateKey: keys + 'signing-key.pem', signingCertificate: keys + 'signing-key-cert.pem', certificateChain: [keys + 'int-ca-cert.pem'],
  }).sign(PAYLOAD);
  const refCert = JSON.parse(fs.readFileSync(vectorPath('model-transparency/v1.1.0-certificate/model.sig'), 'utf8'));
  assert.deepEqual(certBundle.verificationMaterial, refCert.verificationMaterial);
  assertSchemaValid(certBundle);
  assert.ok(await CertificateVerifier.fromFiles([keys + 'ca-cert.pem']).verify(certBundle));
});
