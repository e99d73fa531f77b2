// PKCS #11 failures through the CLI on a real SoftHSM2 token: one clear line, exit 1 (2 for a
// malformed URI), no stack trace, no PIN echoed, and no signature file left behind.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './support/cli.mjs';
import { SoftHsmToken, softhsmSkipReason } from './support/softhsm-token.mjs';

const skip = softhsmSkipReason();

describe('PKCS #11 errors on SoftHSM2', { skip: skip ?? false }, () => {
  let token;
  let work;
  let model;

  before(() => {
    token = new SoftHsmToken({ label: 'ms-test-token' });
    token.keygen({ keyType: 'EC:secp384r1', label: 'mykey', id: '01' });
    token.keygen({ keyType: 'rsa:2048', label: 'rsakey', id: '20' });
    token.keygen({ keyType: 'EC:prime256v1', label: 'dup', id: '31' });
    token.keygen({ keyType: 'EC:prime256v1', label: 'dup', id: '32' });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-pkcs11-'));
    model = path.join(work, 'model');
    fs.mkdirSync(model);
    fs.writeFileSync(path.join(model, 'weights.bin'), Buffer.alloc(1000, 7));
  });
  after(() => {
    token?.cleanup();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const cli = (args) => runCli(args, { cwd: work, env: token.env });
  const sigPath = (name) => path.join(work, name);

  const failures = [
    ['module not found', () => token.uri({ object: 'mykey', query: ['module-name=no-such-pkcs11-module', `pin-value=${token.pin}`] }), /module 'no-such-pkcs11-module' not found/],
    ['module-path does not exist', () => token.uri({ object: 'mykey', query: ['module-path=/nonexistent/libx.so', `pin-value=${token.pin}`] }), /module not found: module-path \/nonexistent\/libx\.so/],
    ['token not found', () => token.uri({ token: 'no-such-token', object: 'mykey' }), /token 'no-such-token' not found/],
    ['wrong PIN', () => token.uri({ object: 'mykey', pin: '0000' }), /wrong PIN for token 'ms-test-token'/],
    ['key not found', () => token.uri({ object: 'nokey' }), /no private key matching object="nokey"/],
    ['several keys match', () => token.uri({ object: 'dup' }), /several private keys .* match object="dup".*add id=/],
    ['RSA key on the token', () => token.uri({ object: 'rsakey' }), /'rsakey'.* is an RSA key: only EC keys/],
    ['no PIN and no terminal to ask', () => token.uri({ object: 'mykey', pin: null }), /needs its user PIN: add pin-source/],
  ];
  for (const [name, uri, message] of failures) {
    test(`sign pkcs11-key fails cleanly: ${name}`, () => {
      const sig = sigPath(`fail-${name.replace(/\W+/g, '-')}.sig`);
      const r = cli(['sign', 'pkcs11-key', '--pkcs11-uri', uri(), '--signature', sig, model]);
      assert.equal(r.status, 1, r.stderr);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('Signing failed'));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(errors[0], message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.doesNotMatch(r.stderr, new RegExp(`pin-value=${token.pin}\\b`), 'the PIN is not echoed back');
      assert.ok(!fs.existsSync(sig), 'no signature file is left behind');
    });
  }

  test('a malformed URI is a one-line error (exit 1) naming the problem', () => {
    const sig = sigPath('malformed.sig');
    const r = cli(['sign', 'pkcs11-key', '--pkcs11-uri', `pkcs11:object=a;object=b?module-path=${token.module}`, '--signature', sig, model]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /duplicate path attribute 'object'/);
    assert.ok(!fs.existsSync(sig));
  });

  test('with two tokens, a URI naming neither token nor slot is refused; slot-id picks one', () => {
    token.initToken('second-token');
    {
      const noToken = `pkcs11:object=mykey?module-path=${token.module}&pin-value=${token.pin}`;
      const sig = sigPath('two.sig');
      const r = cli(['sign', 'pkcs11-key', '--pkcs11-uri', noToken, '--signature', sig, model]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /several tokens .*add token=<label> or slot-id=<n>/);
      assert.match(r.stderr, /'ms-test-token'/);
      assert.match(r.stderr, /'second-token'/);
      const slots = token.run('softhsm2-util', ['--show-slots']);
      const block = slots.split(/^Slot /m).find((b) => /Label:\s*ms-test-token\s*$/m.test(b));
      assert.ok(block, slots);
      const slotId = /^(\d+)/.exec(block)[1];
      const bySlot = `pkcs11:slot-id=${slotId};object=mykey?module-path=${token.module}&pin-value=${token.pin}`;
      const ok = cli(['sign', 'pkcs11-key', '--pkcs11-uri', bySlot, '--signature', sig, model]);
      assert.equal(ok.status, 0, ok.stderr);
      const wrongLabel = `pkcs11:slot-id=${slotId};token=second-token;object=mykey?module-path=${token.module}&pin-value=${token.pin}`;
      const bad = cli(['verify', 'pkcs11-key', '--pkcs11-uri', wrongLabel, '--signature', sig, model]);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /holds token 'ms-test-token', not 'second-token'/);
    }
  });
});

test('without the optional pkcs11js package: a clear message, and the rest of the CLI still works', (t) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-nopkcs11js-'));
  t.after(() => fs.rmSync(d, { recursive: true, force: true }));
  // A resolve hook makes `pkcs11js` unresolvable in the child, as on a machine where it failed to install.
  fs.writeFileSync(path.join(d, 'hooks.mjs'), `export async function resolve(specifier, context, next) {
  if (specifier === 'pkcs11js') { const e = new Error("Cannot find package 'pkcs11js'"); e.code = 'ERR_MODULE_NOT_FOUND'; throw e; }
  return next(specifier, context);
}\n`);
  fs.writeFileSync(path.join(d, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
  fs.mkdirSync(path.join(d, 'model'));
  fs.writeFileSync(path.join(d, 'model', 'w.bin'), 'w');
  const env = { NODE_OPTIONS: `--import=${path.join(d, 'register.mjs')}` };
  const sig = path.join(d, 'model.sig');
  const r = runCli(['sign', 'pkcs11-key', '--pkcs11-uri', 'pkcs11:object=k?module-name=softhsm2', '--signature', sig, path.join(d, 'model')], { cwd: d, env });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^Signing failed with error: PKCS #11 support needs the optional package pkcs11js/m);
  assert.ok(!fs.existsSync(sig));
  const digest = runCli(['digest', path.join(d, 'model')], { cwd: d, env });
  assert.equal(digest.status, 0, digest.stderr);
  assert.match(digest.stdout, /^sha256:[0-9a-f]{64}$/m);
});
