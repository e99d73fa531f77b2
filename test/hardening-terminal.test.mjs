// Attacker-controlled text (file names in the model, fields of the bundle) must not reach the terminal as control
// characters: a carriage return or an escape sequence could redraw "Verification failed" as something else.
// Everything the CLI prints about a hostile input must be free of C0/C1 controls (other than the newline that
// ends a line) and of bidirectional overrides.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cliPath } from './support/cli.mjs';
import { makeKeyPair, mkTemp, resourcesOf, signPayload, statementFor, writeModel } from './support/hardening-model.mjs';

const EVIL = '\r\x1b[2K\x1b[32mVerification succeeded\x1b[0m\x1b]0;owned\x07\u202e\u0085';
// Allowed: printable text, the space, and the newline ending each line.
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

const work = mkTemp('ms-terminal-');
let keys;
let model;
let sig;
before(async () => {
  keys = makeKeyPair(work);
  model = writeModel(path.join(work, 'model'));
  sig = path.join(work, 'model.sig');
  fs.writeFileSync(sig, JSON.stringify(await signPayload(keys.signer, statementFor(resourcesOf(model)))));
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

const cli = (args) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });

function assertPrintable(text, what) {
  const m = UNSAFE.exec(text);
  assert.equal(m, null, `${what} printed a control character U+${m?.[0].codePointAt(0).toString(16).padStart(4, '0')}: ${JSON.stringify(text)}`);
}

test('bundle fields echoed in error messages are printed without control characters', () => {
  const bundle = JSON.parse(fs.readFileSync(sig, 'utf8'));
  for (const [field, edit] of [
    ['publicKey.hint', (b) => { b.verificationMaterial.publicKey.hint = `ab${EVIL}`; }],
    ['mediaType', (b) => { b.mediaType = `application/x${EVIL}`; }],
  ]) {
    const b = structuredClone(bundle);
    edit(b);
    const bad = path.join(work, 'evil.sig');
    fs.writeFileSync(bad, JSON.stringify(b));
    const r = cli(['verify', 'key', '--public-key', keys.pubPath, '--signature', bad, model]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^Verification failed with error: /);
    assertPrintable(r.stderr, field);
    assertPrintable(r.stdout, field);
  }
});

test('model file names in the mismatch summary and report are printed without control characters', () => {
  const m = path.join(work, 'evil-model');
  fs.cpSync(model, m, { recursive: true });
  fs.writeFileSync(path.join(m, `x${EVIL}`), 'unsigned');
  const r = cli(['verify', 'key', '--public-key', keys.pubPath, '--signature', sig, m]);
  assert.equal(r.status, 1, r.stderr);
  assertPrintable(r.stderr, 'verify');
  assert.match(r.stderr, /unsigned file\(s\): 'x\\x0d\\x1b\[2K/, 'the name is shown, escaped');
  assert.match(r.stderr, /Extra .*\n {4}x\\x0d\\x1b\[2K\\x1b\[32mVerification succeeded/, 'the per-file report shows it escaped on one line');
});
