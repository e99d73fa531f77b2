// Signing and verifying through the CLI with keys generated on a real (throw-away) SoftHSM2 token:
// every curve, both signing modes, and every way of checking the result.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCli } from './support/cli.mjs';
import { SoftHsmToken, softhsmSkipReason } from './support/softhsm-token.mjs';

const skip = softhsmSkipReason();
const VECTORS = new URL('../../shared/vectors/', import.meta.url);
const CERT_DIR = new URL('model-transparency/keys/certificate/', VECTORS).pathname;
const vectorsPresent = fs.existsSync(CERT_DIR);

const CURVES = [
  { name: 'P-256', keyType: 'EC:prime256v1', label: 'p256', id: '11' },
  { name: 'P-384', keyType: 'EC:secp384r1', label: 'mykey', id: '01' },
  { name: 'P-521', keyType: 'EC:secp521r1', label: 'p521', id: '13' },
];

describe('PKCS #11 on SoftHSM2', { skip: skip ?? false }, () => {
  let token;
  let work;
  let model;
  const pub = {};

  before(() => {
    token = new SoftHsmToken({ label: 'ms-test-token' });
    for (const c of CURVES) token.keygen(c);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-pkcs11-'));
    model = path.join(work, 'model');
    fs.mkdirSync(path.join(model, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(model, 'weights.bin'), Buffer.alloc(100_000, 7));
    fs.writeFileSync(path.join(model, 'sub', 'config.json'), '{"layers": 2}\n');
    for (const c of CURVES) {
      pub[c.id] = path.join(work, `${c.label}.pub.pem`);
      fs.writeFileSync(pub[c.id], token.publicKeyPem(c.id));
    }
  });
  after(() => {
    token?.cleanup();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const cli = (args) => runCli(args, { cwd: work, env: token.env });
  const sigPath = (name) => path.join(work, name);

  for (const c of CURVES) {
    test(`${c.name}: sign pkcs11-key, then verify key (exported PEM) and verify pkcs11-key`, () => {
      const sig = sigPath(`${c.label}.sig`);
      const s = cli(['sign', 'pkcs11-key', '--pkcs11-uri', token.uri({ object: c.label }), '--signature', sig, model]);
      assert.equal(s.status, 0, s.stderr);
      assert.match(s.stdout, /Signing succeeded/);
      const bundle = JSON.parse(fs.readFileSync(sig, 'utf8'));
      const hint = createHash('sha256').update(fs.readFileSync(pub[c.id])).digest('hex');
      assert.equal(bundle.verificationMaterial.publicKey.hint, hint, 'hint is the SHA-256 of the PEM public key');
      assert.equal(bundle.dsseEnvelope.signatures.length, 1);

      const v = cli(['verify', 'key', '--public-key', pub[c.id], '--signature', sig, model]);
      assert.equal(v.status, 0, v.stderr);
      assert.match(v.stdout, /Verification succeeded/);
      // Verification reads the public key object: no PIN needed.
      const vp = cli(['verify', 'pkcs11-key', '--pkcs11-uri', token.uri({ id: c.id, pin: null }), '--signature', sig, model]);
      assert.equal(vp.status, 0, vp.stderr);
      assert.match(vp.stdout, /Verification succeeded/);
    });
  }

  test('the reference test script URI (p11tool style): module-name=softhsm2 found in the system module directories', () => {
    const sig = sigPath('ref.sig');
    const uri = `pkcs11:model=SoftHSM%20v2;manufacturer=SoftHSM%20project;serial=0123456789abcdef;token=${token.label};id=%01;object=mykey;type=private?pin-value=${token.pin}&module-name=softhsm2`;
    const s = cli(['sign', 'pkcs11-key', '--pkcs11_uri', uri, '--signature', sig, model]);
    assert.equal(s.status, 0, s.stderr);
    const v = cli(['verify', 'key', '--public_key', pub['01'], '--signature', sig, model]);
    assert.equal(v.status, 0, v.stderr);
  });

  test('pin-source: a plain path and a file: URI (a trailing newline is not part of the PIN)', () => {
    const pinFile = path.join(work, 'pin.txt');
    fs.writeFileSync(pinFile, `${token.pin}\n`);
    for (const src of [pinFile, `file://${pinFile}`]) {
      const sig = sigPath('pinsrc.sig');
      fs.rmSync(sig, { force: true });
      const uri = token.uri({ object: 'p256', query: [`module-path=${token.module}`, `pin-source=${src}`] });
      const s = cli(['sign', 'pkcs11-key', '--pkcs11-uri', uri, '--signature', sig, model]);
      assert.equal(s.status, 0, s.stderr);
      assert.doesNotMatch(s.stderr, /pin-value/, 'no pin-value warning when the PIN comes from a file');
      assert.ok(fs.existsSync(sig));
    }
  });

  test('verify pkcs11-key fails on a changed model', () => {
    const m2 = path.join(work, 'model2');
    fs.cpSync(model, m2, { recursive: true });
    const sig = sigPath('tamper.sig');
    assert.equal(cli(['sign', 'pkcs11-key', '--pkcs11-uri', token.uri({ object: 'p521' }), '--signature', sig, m2]).status, 0);
    fs.appendFileSync(path.join(m2, 'sub', 'config.json'), ' ');
    const v = cli(['verify', 'pkcs11-key', '--pkcs11-uri', token.uri({ object: 'p521' }), '--signature', sig, m2]);
    assert.equal(v.status, 1);
    assert.match(v.stderr, /Verification failed/);
    assert.match(v.stderr, /config\.json/);
  });

  test('verify pkcs11-key with another key on the token fails (key mismatch)', () => {
    const sig = sigPath('other.sig');
    assert.equal(cli(['sign', 'pkcs11-key', '--pkcs11-uri', token.uri({ object: 'p256' }), '--signature', sig, model]).status, 0);
    const v = cli(['verify', 'pkcs11-key', '--pkcs11-uri', token.uri({ object: 'mykey', pin: null }), '--signature', sig, model]);
    assert.equal(v.status, 1);
    assert.match(v.stderr, /mismatch/i);
  });

  test('pkcs11-certificate with a certificate issued by the test CA; verify certificate against the root', { skip: vectorsPresent ? false : 'shared test vectors (../shared/vectors) are not present' }, () => {
    const ext = path.join(work, 'leaf.ext');
    fs.writeFileSync(ext, '[v3]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    const leaf = path.join(work, 'leaf.pem');
    // No CSR: the token will not hand out its private key, so the certificate is made for the public key.
    execFileSync('openssl', ['x509', '-new', '-subj', '/CN=token-signer', '-force_pubkey', pub['01'], '-CA', path.join(CERT_DIR, 'int-ca-cert.pem'),
      '-CAkey', path.join(CERT_DIR, 'int-ca-priv.pem'), '-extfile', ext, '-extensions', 'v3', '-days', '30', '-out', leaf], { stdio: 'pipe' });
    const sig = sigPath('cert.sig');
    const s = cli(['sign', 'pkcs11-certificate', '--pkcs11-uri', token.uri({ object: 'mykey' }), '--signing-certificate', leaf,
      '--certificate-chain', path.join(CERT_DIR, 'int-ca-cert.pem'), '--signature', sig, model]);
    assert.equal(s.status, 0, s.stderr);
    const bundle = JSON.parse(fs.readFileSync(sig, 'utf8'));
    assert.equal(bundle.verificationMaterial.x509CertificateChain.certificates.length, 2);
    const v = cli(['verify', 'certificate', '--certificate-chain', path.join(CERT_DIR, 'ca-cert.pem'), '--signature', sig, model]);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /Verification succeeded/);

    // The same certificate does not belong to another key on the token: refused before signing.
    const bad = sigPath('cert-bad.sig');
    const b = cli(['sign', 'pkcs11-certificate', '--pkcs11-uri', token.uri({ object: 'p521' }), '--signing-certificate', leaf, '--signature', bad, model]);
    assert.equal(b.status, 1);
    assert.match(b.stderr, /signing certificate does not match/);
    assert.ok(!fs.existsSync(bad));
  });

});
