// Key loading, hints, ECDSA encodings and the DSSE encodings, against real files and openssl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { TestPki, openssl, vectorsPresent, vectorPath, NO_VECTORS } from './support/crypto-pki.mjs';
import {
  curveHash, loadPrivateKey, loadPublicKey, publicKeyHint, derToRawEcdsa, rawToDerEcdsa, softwareSigningKey,
} from '../dist/keys.js';
import { pae, paeCompat, pythonBytesRepr } from '../dist/dsse.js';

const pki = new TestPki();
test.after(() => pki.cleanup());
const KEYS = vectorsPresent ? vectorPath('model-transparency/keys/certificate/') : '';

const ONLY_EC = 'only EC P-256/P-384/P-521 keys are supported';

test('curve hash follows the curve', () => {
  for (const [type, hash] of [['p256', 'sha256'], ['p384', 'sha384'], ['p521', 'sha512']]) {
    assert.equal(curveHash(loadPrivateKey(pki.key(`c-${type}`, type))), hash);
  }
});

test('RSA, Ed25519 and secp256k1 keys are rejected with the exact message', () => {
  for (const [type, got] of [['rsa', 'rsa'], ['ed25519', 'ed25519'], ['secp256k1', 'EC secp256k1']]) {
    const k = pki.key(`bad-${type}`, type);
    const exact = `${ONLY_EC} (got ${got})`;
    assert.throws(() => curveHash(crypto.createPrivateKey(fs.readFileSync(k))), { code: 'KEY', message: exact });
    assert.throws(() => loadPrivateKey(k), (e) => e.code === 'KEY' && e.message.endsWith(exact) && e.message.includes(k));
    assert.throws(() => loadPublicKey(pki.pub(k, `bad-${type}`)), (e) => e.code === 'KEY' && e.message.endsWith(exact));
  }
});

test('SEC1, PKCS#8 and encrypted PKCS#8 private keys load; passwords are checked', () => {
  const p8 = pki.key('forms', 'p384');
  const sec1 = pki.file('forms.sec1.pem');
  openssl(['ec', '-in', p8, '-out', sec1]);
  assert.match(fs.readFileSync(sec1, 'utf8'), /BEGIN EC PRIVATE KEY/);
  const enc = pki.file('forms.enc.pem');
  openssl(['pkcs8', '-topk8', '-in', p8, '-out', enc, '-passout', 'pass:s3cret', '-v2', 'aes-256-cbc']);
  const want = publicKeyHint(crypto.createPublicKey(fs.readFileSync(p8)));
  for (const k of [loadPrivateKey(p8), loadPrivateKey(sec1), loadPrivateKey(enc, 's3cret')]) {
    assert.equal(publicKeyHint(crypto.createPublicKey(k)), want);
  }
  assert.throws(() => loadPrivateKey(enc), { code: 'KEY', message: `private key ${enc} is encrypted: a password is required` });
  assert.throws(() => loadPrivateKey(enc, 'wrong'), { code: 'KEY', message: `private key ${enc}: wrong password (or corrupt encrypted key)` });
  // Text before and between the armour is tolerated.
  const chatty = pki.file('forms.chatty.pem');
  fs.writeFileSync(chatty, 'Public Key Info:\n\tcurve: SECP384R1\n\n' + fs.readFileSync(sec1, 'utf8'));
  assert.equal(publicKeyHint(crypto.createPublicKey(loadPrivateKey(chatty))), want);
});

test('file problems give one-line errors naming the path', () => {
  const missing = pki.file('nope.pem');
  assert.throws(() => loadPrivateKey(missing), { code: 'IO', message: `private key file (--private-key) '${missing}' does not exist` });
  assert.throws(() => loadPublicKey(pki.dir), { code: 'IO', message: `public key file (--public-key) '${pki.dir}' is a directory, not a file` });
  const text = pki.file('text.pem');
  fs.writeFileSync(text, 'hello\n');
  assert.throws(() => loadPrivateKey(text), { code: 'KEY', message: `private key file ${text} holds no PEM block (expected -----BEGIN PRIVATE KEY-----)` });
  const broken = pki.file('broken.pem');
  fs.writeFileSync(broken, '-----BEGIN PRIVATE KEY-----\nAAAA!!notbase64\n-----END PRIVATE KEY-----\n');
  assert.throws(() => loadPrivateKey(broken), (e) => e.code === 'KEY' && e.message.startsWith(`private key ${broken}: malformed PEM PRIVATE KEY`));
  const pub = pki.pub(pki.key('pubonly'), 'pubonly');
  assert.throws(() => loadPrivateKey(pub), { code: 'KEY', message: `private key file ${pub} holds a public key, not a private key` });
  assert.throws(() => loadPublicKey(pki.key('privonly')), (e) => e.code === 'KEY' && /holds a private key/.test(e.message));
});

test('public keys load from SPKI PEM and from certificates', () => {
  const id = pki.identity('pubcert', { type: 'p521' });
  const fromCert = loadPublicKey(id.cert);
  const fromPub = loadPublicKey(pki.pub(id.key, 'pubcert'));
  assert.equal(publicKeyHint(fromCert), publicKeyHint(fromPub));
  assert.equal(curveHash(fromCert), 'sha512');
});

test('hint of the reference test key is sha256 of its PEM text', { skip: !vectorsPresent && NO_VECTORS }, () => {
  const key = loadPublicKey(KEYS + 'signing-key-pub.pem'); // certtool text precedes the armour
  assert.equal(publicKeyHint(key), 'e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e');
  const priv = loadPrivateKey(KEYS + 'signing-key.pem');
  assert.equal(publicKeyHint(crypto.createPublicKey(priv)), publicKeyHint(key));
});

test('DER <-> raw ECDSA conversion matches node for every curve', async () => {
  for (const type of ['p256', 'p384', 'p521']) {
    const priv = loadPrivateKey(pki.key(`conv-${type}`, type));
    const sk = softwareSigningKey(priv);
    for (let i = 0; i < 20; i++) {
      const data = crypto.randomBytes(40);
      const der = await sk.sign(data);
      const raw = derToRawEcdsa(der, sk.publicKey);
      assert.equal(raw.length, { p256: 64, p384: 96, p521: 132 }[type]);
      assert.ok(crypto.verify(curveHash(priv), data, { key: sk.publicKey, dsaEncoding: 'ieee-p1363' }, raw));
      assert.deepEqual(rawToDerEcdsa(raw, sk.publicKey), der);
    }
  }
  assert.throws(() => derToRawEcdsa(Buffer.from('3003020100', 'hex'), 'P-256'), { code: 'SIGNATURE' });
  assert.throws(() => rawToDerEcdsa(Buffer.alloc(10), 'P-256'), /expected 64/);
});

test('PAE is the DSSE v1 encoding', () => {
  assert.equal(pae('application/vnd.in-toto+json', Buffer.from('{"a":1}')).toString(), 'DSSEv1 28 application/vnd.in-toto+json 7 {"a":1}');
});

test("compat PAE reproduces Python's bytes repr", () => {
  const samples = [
    Buffer.from('{"x": "it\'s"}\n\t\r\\'),
    Buffer.from('both \' and "'),
    Buffer.from([0, 1, 0x1f, 0x7f, 0x80, 0xff, 0x41]),
    crypto.randomBytes(300),
  ];
  let python = null;
  try {
    python = (b) => execFileSync('python3', ['-c', 'import sys; sys.stdout.write(repr(sys.stdin.buffer.read()))'], { input: b }).toString('latin1');
    python(Buffer.from('x'));
  } catch {
    python = null;
  }
  if (python) for (const s of samples) assert.equal(pythonBytesRepr(s), python(s));
  assert.equal(pythonBytesRepr(samples[0]), `b'{"x": "it\\'s"}\\n\\t\\r\\\\'`);
  assert.equal(pythonBytesRepr(Buffer.from("it's")), `b"it's"`);
  assert.equal(paeCompat('t', Buffer.from('ab\n')).toString(), "DSSEV1 1 t 3 b'ab\\n'");
});
