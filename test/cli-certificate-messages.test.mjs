// Certificate messages: a missing intermediate is a warning at signing time; "does not chain"
// names the trust anchors used and the chain the signature holds; a production Sigstore bundle
// checked with --use-staging is said to come from another instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, tempDir } from './support/cli.mjs';
import { haveVectors, NO_VECTORS, pki, mt, writeTree } from './support/flow-helpers.mjs';

const skip = haveVectors ? false : NO_VECTORS;
const KEY = () => join(pki, 'signing-key.pem');
const CERT = () => join(pki, 'signing-key-cert.pem');
const INT = () => join(pki, 'int-ca-cert.pem');
const CA = () => join(pki, 'ca-cert.pem');

function signCert(t, chain) {
  const d = tempDir(t);
  const m = writeTree(join(d, 'model'), { 'w.bin': 'weights' });
  const sig = join(d, 'model.sig');
  const r = runCli(['sign', 'certificate', m, '--private-key', KEY(), '--signing-certificate', CERT(), '--signature', sig, ...chain.flatMap((c) => ['--certificate-chain', c])]);
  assert.equal(r.status, 0, r.stderr);
  return { m, sig, r };
}

test('sign certificate warns when the signing certificate\'s issuer is not in the signature', { skip }, (t) => {
  const { r } = signCert(t, []);
  assert.match(r.stderr, /^warning: the signing certificate was issued by 'CN=intermediate-ca', which is not in the signature: .*add it with --certificate-chain$/m);
  const full = signCert(t, [INT()]);
  assert.doesNotMatch(full.r.stderr, /warning/);
});

test('"does not chain" names the anchors (files or bundled roots) and the chain', { skip }, (t) => {
  const { m, sig } = signCert(t, []);
  const files = runCli(['verify', 'certificate', m, '--signature', sig, '--certificate-chain', CA()]);
  assert.equal(files.status, 1);
  assert.match(files.stderr, /does not chain to a trusted certificate; trust anchors used: 1 certificate\(s\) from '[^']*ca-cert\.pem': 'CN=root-ca'; chain in the signature: 'CN=intermediate-ca' \(issued by 'CN=intermediate-ca'\) alone \(no intermediates\)/);
  const bundled = runCli(['verify', 'certificate', m, '--signature', sig]);
  assert.equal(bundled.status, 1);
  assert.match(bundled.stderr, /trust anchors used: Node's bundled Mozilla root store \(\d+ public roots; give your CA with --certificate-chain\)/);
  const withInt = signCert(t, [INT()]);
  const ok = runCli(['verify', 'certificate', withInt.m, '--signature', withInt.sig, '--certificate-chain', CA()]);
  assert.equal(ok.status, 0, ok.stderr);
});

test('a production Sigstore bundle verified with --use-staging is said to come from another instance', { skip }, (t) => {
  const v = join(mt, 'v1.1.0-sigstore');
  if (!existsSync(v)) return t.skip('no sigstore vector');
  const cache = mkdtempSync(join(tmpdir(), 'ms-instance-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const args = ['verify', 'sigstore', v, '--signature', join(v, 'model.sig'), '--identity', 'stefanb@us.ibm.com', '--identity-provider', 'https://sigstore.verify.ibm.com/oauth2', '--offline'];
  const staging = runCli([...args, '--use-staging'], { env: { XDG_CACHE_HOME: cache } });
  assert.equal(staging.status, 1);
  assert.match(staging.stderr, /the bundle looks like it comes from another Sigstore instance than the Sigstore staging instance \(--use-staging\) \(its transparency log entry is from a log this trusted root does not list\): verify without --use-staging/);
  const production = runCli(args, { env: { XDG_CACHE_HOME: cache } });
  assert.equal(production.status, 0, production.stderr);
  assert.doesNotMatch(production.stderr, /another Sigstore instance/);
});
