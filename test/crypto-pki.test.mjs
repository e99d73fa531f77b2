// RFC 5280 path rules on test PKIs generated with openssl: RSA and EC issuers, usage, basic
// constraints, pathLen, validity windows, untrusted self-signed intermediates, pinned leaves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestPki } from './support/crypto-pki.mjs';
import { CertificateSigner } from '../dist/signers/certificate.js';
import { CertificateVerifier } from '../dist/verifiers/certificate.js';

const pki = new TestPki();
test.after(() => pki.cleanup());
const PAYLOAD = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');

/** Signs with `leaf` and the given chain files, verifies against `anchors`. */
async function roundTrip(leaf, chain, anchors, opts) {
  const bundle = await CertificateSigner.fromFiles({ privateKey: leaf.key, signingCertificate: leaf.cert, certificateChain: chain }).sign(PAYLOAD);
  return CertificateVerifier.fromFiles(anchors, opts).verify(bundle);
}

const rsaRoot = pki.identity('rsa-root', { type: 'rsa', ca: true });
const ecRoot = pki.identity('ec-root', { type: 'p521', ca: true });
const rsaInt = pki.identity('rsa-int', { type: 'rsa', ca: true, issuer: rsaRoot });
const ecInt = pki.identity('ec-int', { type: 'p384', ca: true, issuer: ecRoot });

test('RSA-signed and ECDSA-signed chains validate for P-256/P-384/P-521 leaves', async () => {
  for (const [type, int, root] of [['p256', rsaInt, rsaRoot], ['p384', rsaInt, rsaRoot], ['p521', ecInt, ecRoot], ['p256', ecInt, ecRoot]]) {
    const leaf = pki.identity(`leaf-${type}-${int === rsaInt ? 'rsa' : 'ec'}`, { type, issuer: int });
    const r = await roundTrip(leaf, [int.cert], [root.cert]);
    assert.match(r.signer.description, new RegExp(`CN=leaf-${type}.*CN=${int === rsaInt ? 'rsa' : 'ec'}-int' -> '`));
    assert.deepEqual(r.payload, PAYLOAD);
  }
});

test('the leaf must allow signing: digitalSignature or codeSigning', async () => {
  const codeSigning = pki.identity('leaf-eku', { issuer: rsaInt, ext: ['basicConstraints=CA:FALSE', 'extendedKeyUsage=codeSigning'] });
  assert.ok(await roundTrip(codeSigning, [rsaInt.cert], [rsaRoot.cert]));
  const noUsage = pki.identity('leaf-nousage', { issuer: rsaInt, ext: ['basicConstraints=CA:FALSE', 'keyUsage=critical,keyEncipherment', 'extendedKeyUsage=serverAuth'] });
  await assert.rejects(roundTrip(noUsage, [rsaInt.cert], [rsaRoot.cert]), { code: 'TRUST', message: /'CN=leaf-nousage' cannot be used for signing/ });
  const bare = pki.identity('leaf-bare', { issuer: rsaInt, ext: ['basicConstraints=CA:FALSE'] });
  await assert.rejects(roundTrip(bare, [rsaInt.cert], [rsaRoot.cert]), { code: 'TRUST', message: /cannot be used for signing/ });
});

test('issuers must be CAs allowed to sign certificates', async () => {
  const notCa = pki.identity('int-notca', { type: 'p256', issuer: rsaRoot, ext: ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyCertSign'] });
  const leaf1 = pki.identity('leaf-under-notca', { issuer: notCa });
  await assert.rejects(roundTrip(leaf1, [notCa.cert], [rsaRoot.cert]), { code: 'TRUST', message: /not a CA allowed to sign certificates/ });
  const noCertSign = pki.identity('int-nocertsign', { type: 'p256', issuer: rsaRoot, ext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature'] });
  const leaf2 = pki.identity('leaf-under-nocertsign', { issuer: noCertSign });
  await assert.rejects(roundTrip(leaf2, [noCertSign.cert], [rsaRoot.cert]), { code: 'TRUST', message: /not a CA allowed to sign certificates/ });
});

test('pathLen constraints are enforced along the chain', async () => {
  const root0 = pki.identity('root-pl0', { type: 'p256', ca: true, ext: ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign'] });
  const direct = pki.identity('leaf-pl0-direct', { issuer: root0 });
  assert.ok(await roundTrip(direct, [], [root0.cert]), 'pathlen:0 still issues leaves');
  const int = pki.identity('int-under-pl0', { type: 'p256', ca: true, issuer: root0 });
  const deep = pki.identity('leaf-pl0-deep', { issuer: int });
  await assert.rejects(roundTrip(deep, [int.cert], [root0.cert]), { code: 'TRUST', message: /CA 'CN=root-pl0' allows 0 intermediate CA\(s\) below it \(pathLen\), found 1/ });
  const root1 = pki.identity('root-pl1', { type: 'p256', ca: true, ext: ['basicConstraints=critical,CA:TRUE,pathlen:1', 'keyUsage=critical,keyCertSign'] });
  const a = pki.identity('int-a', { type: 'p256', ca: true, issuer: root1 });
  const b = pki.identity('int-b', { type: 'p256', ca: true, issuer: a });
  const leafB = pki.identity('leaf-under-b', { issuer: b });
  await assert.rejects(roundTrip(leafB, [b.cert, a.cert], [root1.cert]), { code: 'TRUST', message: /allows 1 .* found 2/ });
  const leafA = pki.identity('leaf-under-a', { issuer: a });
  assert.ok(await roundTrip(leafA, [a.cert], [root1.cert]));
});

test('every certificate must be valid now', async () => {
  const expired = pki.identity('leaf-expired', { issuer: rsaInt, start: '20200101000000Z', end: '20210101000000Z' });
  await assert.rejects(roundTrip(expired, [rsaInt.cert], [rsaRoot.cert]), { code: 'TRUST', message: /'CN=leaf-expired' expired on 2021-01-01T00:00:00.000Z/ });
  const future = pki.identity('leaf-future', { issuer: rsaInt, start: '20990101000000Z', end: '20991231000000Z' });
  await assert.rejects(roundTrip(future, [rsaInt.cert], [rsaRoot.cert]), { code: 'TRUST', message: /'CN=leaf-future' is not valid before 2099-01-01/ });
  const longRoot = pki.identity('long-root', { type: 'rsa', ca: true, start: '20190101000000Z', end: '20400101000000Z' });
  const oldInt = pki.identity('int-expired', { type: 'p256', ca: true, issuer: longRoot, start: '20200101000000Z', end: '20210101000000Z' });
  const leaf = pki.identity('leaf-under-expired', { issuer: oldInt, start: '20200101000000Z', end: '20400101000000Z' });
  await assert.rejects(roundTrip(leaf, [oldInt.cert], [longRoot.cert]), { code: 'TRUST', message: /expired or not yet valid/ });
  // The validation time can be set explicitly, e.g. to check when the chain was still valid.
  assert.ok(await roundTrip(leaf, [oldInt.cert], [longRoot.cert], { now: new Date('2020-06-01T00:00:00Z') }));
  const oldRoot = pki.identity('root-expired', { type: 'p256', ca: true, start: '20190101000000Z', end: '20200101000000Z' });
  const leafOldRoot = pki.identity('leaf-under-expired-root', { issuer: oldRoot, start: '20190101000000Z', end: '20400101000000Z' });
  await assert.rejects(roundTrip(leafOldRoot, [], [oldRoot.cert]), { code: 'TRUST', message: /expired or not yet valid/ });
});

test('untrusted self-signed certificates in the bundle never act as anchors', async () => {
  const rogueRoot = pki.identity('rogue-root', { type: 'p256', ca: true, cn: 'rsa-root' });
  const rogueInt = pki.identity('rogue-int', { type: 'p256', ca: true, issuer: rogueRoot, cn: 'rsa-int' });
  const leaf = pki.identity('leaf-rogue', { issuer: rogueInt });
  await assert.rejects(roundTrip(leaf, [rogueInt.cert, rogueRoot.cert], [rsaRoot.cert]), { code: 'TRUST', message: /does not chain/ });
  // A self-signed leaf is not trusted just for being in the bundle either...
  const selfSigned = pki.identity('self-leaf', { type: 'p256', ext: ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature'] });
  await assert.rejects(roundTrip(selfSigned, [], [rsaRoot.cert]), { code: 'TRUST' });
  // ...but may be pinned explicitly as the trust anchor.
  const r = await roundTrip(selfSigned, [], [selfSigned.cert]);
  assert.match(r.signer.description, /itself \(pinned\)/);
});

test('extra and duplicated bundle certificates do not change the result', async () => {
  const leaf = pki.identity('leaf-dups', { issuer: rsaInt });
  assert.ok(await roundTrip(leaf, [rsaInt.cert, rsaRoot.cert, leaf.cert, rsaInt.cert], [rsaRoot.cert]));
  // The leaf is checked even when a trusted CA is also in the bundle.
  const expired = pki.identity('leaf-dups-expired', { issuer: rsaInt, start: '20200101000000Z', end: '20210101000000Z' });
  await assert.rejects(roundTrip(expired, [rsaInt.cert, rsaRoot.cert, expired.cert], [rsaRoot.cert, rsaInt.cert]), { code: 'TRUST', message: /expired/ });
});

test('certificates that issue each other in a loop end in an error, not a hang', async () => {
  // X (CN=loop) is signed by Y's key and Y (CN=loop) by X's key: an issuer cycle.
  const kx = pki.key('loop-x', 'p256');
  const ky = pki.key('loop-y', 'p256');
  const seedY = { key: ky, cert: pki.cert('loop-y-seed', { key: ky, cn: 'loop', ca: true }) };
  const x = { key: kx, cert: pki.cert('loop-x', { key: kx, cn: 'loop', ca: true, issuer: seedY }) };
  const y = { key: ky, cert: pki.cert('loop-y', { key: ky, cn: 'loop', ca: true, issuer: x }) };
  const leaf = pki.identity('leaf-loop', { issuer: x });
  const started = Date.now();
  await assert.rejects(roundTrip(leaf, [x.cert, y.cert], [rsaRoot.cert]), { code: 'TRUST', message: /path search limit exceeded/ });
  assert.ok(Date.now() - started < 20000);
});

test('a leaf certificate with a non-EC or unsupported-curve key is rejected', async () => {
  const { certificateChainBundle } = await import('../dist/signers/bundle-json.js');
  const { X509Certificate } = await import('node:crypto');
  const fs = await import('node:fs');
  for (const [type, got] of [['rsa', 'rsa'], ['ed25519', 'ed25519'], ['secp256k1', 'EC secp256k1']]) {
    const leaf = pki.identity(`leaf-${type}-key`, { type, issuer: rsaInt });
    const der = new X509Certificate(fs.readFileSync(leaf.cert)).raw;
    const bundle = certificateChainBundle(PAYLOAD, Buffer.from([0x30, 0]), [der, new X509Certificate(fs.readFileSync(rsaInt.cert)).raw]);
    await assert.rejects(CertificateVerifier.fromFiles([rsaRoot.cert]).verify(bundle), {
      code: 'KEY',
      message: `signing certificate 'CN=leaf-${type}-key': only EC P-256/P-384/P-521 keys are supported (got ${got})`,
    });
  }
});
