// The reference's key and certificate signatures verify with the reference's own command lines
// (cwd = the vectors folder, underscore flags), and fail, naming what differs, when the model,
// the trust input or the bundle is altered (on temporary copies; the vectors are never modified).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCli, tempDir } from './support/cli.mjs';
import { haveVectors, NO_VECTORS, mt, pki, copyVector } from './support/flow-helpers.mjs';

const skip = haveVectors ? false : NO_VECTORS;
const CA = './keys/certificate/ca-cert.pem';
const PUB = './keys/certificate/signing-key-pub.pem';

const CERT_VECTORS = ['v0.2.0-certificate', 'v1.0.0-certificate', 'v1.1.0-certificate'];

function ok(r) {
  assert.equal(r.status, 0, `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(r.stdout, 'Verification succeeded\n');
}
function failed(r, re) {
  assert.equal(r.status, 1, `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const first = r.stderr.split('\n').find((l) => l.startsWith('Verification failed with error: '));
  assert.ok(first, r.stderr);
  assert.match(first, re);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
}

test('certificate vectors verify with the reference command line (and from inside with .)', { skip }, () => {
  for (const v of CERT_VECTORS) {
    const extra = v.startsWith('v1.1') ? ['--ignore-paths', `./${v}/ignore-me`] : [];
    ok(runCli(['verify', 'certificate', ...extra, '--signature', `./${v}/model.sig`, '--certificate_chain', CA, `./${v}/`], { cwd: mt }));
    ok(runCli(['verify', 'certificate', '--signature', 'model.sig', '--certificate_chain', `.${CA}`, '.'], { cwd: join(mt, v) }));
  }
});

test('the v0.2.0 legacy format verifies with a warning to re-sign', { skip }, () => {
  const r = runCli(['verify', 'certificate', '--signature', './v0.2.0-certificate/model.sig', '--certificate_chain', CA, './v0.2.0-certificate/'], { cwd: mt });
  ok(r);
  assert.match(r.stderr, /re-sign/);
});

test('key vectors verify with the reference command line, the single-file one with a warning', { skip }, () => {
  const single = runCli(['verify', 'key', '--signature', './v1.0.0-elliptic-key/model.sig', '--public_key', PUB, './v1.0.0-elliptic-key/signme-1'], { cwd: mt });
  ok(single);
  assert.match(single.stderr, /older verification material format/);
  ok(runCli(['verify', 'key', '--ignore-paths', './v1.1.0-elliptic-key/ignore-me', '--signature', './v1.1.0-elliptic-key/model.sig', '--public_key', PUB, './v1.1.0-elliptic-key'], { cwd: mt }));
  // ignore-me is recorded in the v1.1.0 signature: no flag needed.
  ok(runCli(['verify', 'key', '--signature', './v1.1.0-elliptic-key/model.sig', '--public_key', PUB, './v1.1.0-elliptic-key'], { cwd: mt }));
  ok(runCli(['verify', 'key', '--signature', 'model.sig', '--public_key', `.${PUB}`, '.'], { cwd: join(mt, 'v1.1.0-elliptic-key') }));
  ok(runCli(['verify', 'key', '--signature', 'model.sig', '--public_key', `.${PUB}`, 'signme-1'], { cwd: join(mt, 'v1.0.0-elliptic-key') }));
});

/** Each vector on a temp copy: verify args for it. */
const CASES = [
  ...CERT_VECTORS.map((v) => ({ v, model: '.', method: 'certificate', trust: ['--certificate-chain', join(pki, 'ca-cert.pem')], file: 'signme-1', other: 'signme-2' })),
  { v: 'v1.1.0-elliptic-key', model: '.', method: 'key', trust: ['--public-key', join(pki, 'signing-key-pub.pem')], file: 'signme-1', other: 'signme-2' },
  { v: 'v1.0.0-elliptic-key', model: 'signme-1', method: 'key', trust: ['--public-key', join(pki, 'signing-key-pub.pem')], file: 'signme-1', other: null },
];

function setup(t, c) {
  const d = copyVector(c.v, join(tempDir(t), c.v));
  const verify = (extra = [], trust = c.trust) => runCli(['verify', c.method, '--signature', join(d, 'model.sig'), ...trust, ...extra, join(d, c.model)], { cwd: d });
  return { d, verify };
}

test('one byte changed in a signed file fails, naming the file and both digests', { skip }, (t) => {
  for (const c of CASES) {
    const { d, verify } = setup(t, c);
    ok(verify());
    const p = join(d, c.file);
    const buf = readFileSync(p);
    buf[0] ^= 1;
    writeFileSync(p, buf);
    const r = verify();
    failed(r, new RegExp(`digest mismatch.*'${c.file}'`));
    assert.match(r.stderr, /expected: sha256:[0-9a-f]{64}\n\s+actual: +sha256:[0-9a-f]{64}/, c.v);
    failed(verify(['--ignore-unsigned-files']), /digest mismatch/);
  }
});

test('a removed signed file fails as missing', { skip }, (t) => {
  for (const c of CASES.filter((x) => x.other)) {
    const { d, verify } = setup(t, c);
    rmSync(join(d, c.other));
    failed(verify(), new RegExp(`missing file\\(s\\): '${c.other}'`));
    failed(verify(['--ignore_unsigned_files']), new RegExp(`missing file\\(s\\): '${c.other}'`));
  }
});

test('an added unsigned file fails, and passes with --ignore-unsigned-files', { skip }, (t) => {
  for (const c of CASES.filter((x) => x.model === '.')) {
    const { d, verify } = setup(t, c);
    writeFileSync(join(d, 'added.bin'), 'new');
    failed(verify(), /unsigned file\(s\): 'added.bin'/);
    ok(verify(['--ignore-unsigned-files']));
  }
});

test('wrong public key or wrong CA fails', { skip }, (t) => {
  const d = tempDir(t);
  const key = join(d, 'k.pem');
  const pub = join(d, 'pub.pem');
  execFileSync('openssl', ['ecparam', '-name', 'secp384r1', '-genkey', '-noout', '-out', key]);
  execFileSync('openssl', ['ec', '-in', key, '-pubout', '-out', pub], { stdio: 'ignore' });
  const ca = join(d, 'ca.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=other-root', '-keyout', join(d, 'ca.key'), '-out', ca, '-days', '2'], { stdio: 'ignore' });
  for (const c of CASES) {
    const { verify } = setup(t, c);
    const r = verify([], c.method === 'key' ? ['--public-key', pub] : ['--certificate-chain', ca]);
    failed(r, c.method === 'key' ? /key|signature/i : /certificate|chain|trust|issuer/i);
  }
});

test('a changed byte in the bundle signature, certificate or payload fails', { skip }, (t) => {
  const flipB64 = (s, at) => {
    const b = Buffer.from(s, 'base64');
    b[at] ^= 0x01;
    return b.toString('base64');
  };
  for (const c of CASES) {
    const mutations = {
      signature: (b) => (b.dsseEnvelope.signatures[0].sig = flipB64(b.dsseEnvelope.signatures[0].sig, 20)),
      payload: (b) => {
        const text = Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8');
        b.dsseEnvelope.payload = Buffer.from(text.replace(/("(?:digest|sha256)": ")([0-9a-f])/, (m, pre, ch) => pre + (ch === 'a' ? 'b' : 'a'))).toString('base64');
      },
    };
    if (c.method === 'certificate') {
      mutations.certificate = (b) => {
        const cert = b.verificationMaterial.x509CertificateChain.certificates[0];
        const der = Buffer.from(cert.rawBytes, 'base64');
        cert.rawBytes = flipB64(cert.rawBytes, der.length - 10); // inside the issuer's signature
      };
    }
    for (const [what, mutate] of Object.entries(mutations)) {
      const { d, verify } = setup(t, c);
      const p = join(d, 'model.sig');
      const b = JSON.parse(readFileSync(p, 'utf8'));
      mutate(b);
      writeFileSync(p, JSON.stringify(b));
      const r = verify();
      assert.equal(r.status, 1, `${c.v} ${what}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /^Verification failed with error: \S/m, `${c.v} ${what}`);
    }
  }
});

test('truncated or non-bundle signature files fail with one line', { skip }, (t) => {
  const c = CASES[1];
  const { d, verify } = setup(t, c);
  const p = join(d, 'model.sig');
  const text = readFileSync(p, 'utf8');
  writeFileSync(p, text.slice(0, text.length / 2));
  failed(verify(), /not valid JSON/);
  writeFileSync(p, '');
  failed(verify(), /is empty/);
  writeFileSync(p, JSON.stringify({ ...JSON.parse(text), mediaType: 'application/vnd.example+json' }));
  failed(verify(), /media type/);
  appendFileSync(p, 'x');
  failed(verify(), /not valid JSON/);
});

test('inspect reads every reference vector without verifying it', { skip }, () => {
  for (const v of ['v0.2.0-certificate', 'v1.0.0-certificate', 'v1.1.0-certificate', 'v1.0.0-elliptic-key', 'v1.1.0-elliptic-key', 'v1.0.0-sigstore', 'v1.1.0-sigstore']) {
    const r = runCli(['inspect', '--json', join(mt, v, 'model.sig')]);
    assert.equal(r.status, 0, `${v}: ${r.stderr}`);
    const j = JSON.parse(r.stdout);
    assert.equal(j.verified, false);
    assert.equal(j.method, v.split('-').slice(1).join('-').replace('elliptic-key', 'key'));
    assert.equal(j.statement.fileCount, v.includes('elliptic-key') && v.startsWith('v1.0') ? 1 : 2, v);
    if (j.method === 'sigstore') {
      assert.equal(j.signer.identity, 'stefanb@us.ibm.com');
      assert.equal(j.signer.oidcIssuer, 'https://sigstore.verify.ibm.com/oauth2');
      assert.match(String(j.signer.tlogEntries[0].logIndex), /^\d+$/);
    }
  }
  assert.match(runCli(['inspect', join(mt, 'v1.1.0-sigstore', 'model.sig')]).stdout, /^NOT VERIFIED: this only shows what the signature claims/);
});
