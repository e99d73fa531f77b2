// The failure report names the folder being verified, not the name recorded at signing (they differ when
// a model is copied or renamed), and shows the signed name next to it when it differs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './support/cli.mjs';

test("a renamed model's failure report names the folder given on the command line", (t) => {
  const d = tempDir(t);
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(d, 'k.pem'), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(d, 'pub.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
  mkdirSync(join(d, 'bert-base'));
  writeFileSync(join(d, 'bert-base', 'w.bin'), 'weights');
  assert.equal(runCli(['sign', 'key', '--private-key', 'k.pem', '--signature', 'm.sig', 'bert-base'], { cwd: d }).status, 0);
  renameSync(join(d, 'bert-base'), join(d, 'downloaded'));
  writeFileSync(join(d, 'downloaded', 'w.bin'), 'tampered');
  const r = runCli(['verify', 'key', '--public-key', 'pub.pem', '--signature', 'm.sig', 'downloaded'], { cwd: d });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^Model 'downloaded' \(signed as 'bert-base'\) does not match its signature \(signed by EC P-256 public key [0-9a-f]{64}\):$/m);
  assert.match(r.stderr, /^ {4}w\.bin$/m);
  // Same name: no "signed as".
  mkdirSync(join(d, 'other', 'bert-base'), { recursive: true });
  writeFileSync(join(d, 'other', 'bert-base', 'w.bin'), 'tampered');
  const same = runCli(['verify', 'key', '--public-key', 'pub.pem', '--signature', 'm.sig', join('other', 'bert-base')], { cwd: d });
  assert.equal(same.status, 1);
  assert.match(same.stderr, /^Model 'other\/bert-base' does not match its signature/m);
});
