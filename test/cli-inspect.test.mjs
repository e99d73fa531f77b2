// inspect on the reference's Sigstore bundle: every claim a reviewer needs, clearly marked unverified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, vectorsDir } from './support/cli.mjs';

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
  assert.equal(j.signer.oidc_issuer, 'https://sigstore.verify.ibm.com/oauth2');
  assert.equal(j.signer.tlog_entries[0].log_index, '598151086');
  assert.equal(j.signer.tlog_entries[0].integrated_time, '2025-10-10T02:12:20.000Z');
  assert.equal(j.signer.timestamps[0].tsa_time, '2025-10-10T02:12:20.000Z');
});
