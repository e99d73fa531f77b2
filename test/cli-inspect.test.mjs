// inspect on the reference's Sigstore bundle: every claim a reviewer needs, clearly marked unverified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { runCli, tempDir, vectorsDir } from './support/cli.mjs';

const sig = join(vectorsDir, 'model-transparency', 'v1.1.0-sigstore', 'model.sig');
const skip = existsSync(sig) ? false : 'the shared vectors (../shared/vectors) are not present';

test('inspect shows the Sigstore signer, log entry and timestamp, marked NOT VERIFIED', { skip }, () => {
  const text = runCli(['inspect', sig]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^NOT VERIFIED: this only shows what the signature claims/);
  assert.match(text.stdout, /certificate_issuer: O=sigstore\.dev, CN=sigstore-intermediate/);
  const r = runCli(['inspect', sig, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.signer.identity, 'stefanb@us.ibm.com');
  assert.equal(j.signer.oidcIssuer, 'https://sigstore.verify.ibm.com/oauth2');
  assert.equal(j.signer.tlogEntries[0].logIndex, '598151086');
  assert.equal(j.signer.tlogEntries[0].integratedTime, '2025-10-10T02:12:20.000Z');
  assert.deepEqual(j.timestamps, [{ kind: 'rfc3161', time: '2025-10-10T02:12:20.000Z' }]);
});

test('inspect never prints control characters from the bundle (they are shown escaped)', (t) => {
  const d = tempDir(t);
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'evil\r\x1b[2KVerification succeeded', digest: { sha256: createHash('sha256').update(Buffer.from('ab'.repeat(32), 'hex')).digest('hex') } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: { resources: [{ name: 'a', algorithm: 'sha256', digest: 'ab'.repeat(32) }], serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false } },
  };
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: 'ab\x1b]0;title\x07' }, tlogEntries: [] },
    dsseEnvelope: { payload: Buffer.from(JSON.stringify(statement)).toString('base64'), payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: 'AA==', keyid: '' }] },
  };
  writeFileSync(join(d, 'evil.sig'), JSON.stringify(bundle));
  const r = runCli(['inspect', join(d, 'evil.sig')]);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /[\x00-\x09\x0b-\x1f\x7f]/, 'no raw control characters');
  assert.match(r.stdout, /ab\\x1b\]0;title\\x07/);
  assert.match(r.stdout, /model_name: evil\\x0d\\x1b\[2KVerification succeeded/);
});
