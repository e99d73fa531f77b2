// The PIN prompt on a real terminal: util-linux `script` gives the CLI a pseudo-terminal, the test
// types the PIN when the prompt appears, and checks it is not echoed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliPath } from './support/cli.mjs';
import { SoftHsmToken, softhsmSkipReason } from './support/softhsm-token.mjs';

const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' }).status === 0;
const skip = softhsmSkipReason() ?? (hasScript ? null : "util-linux 'script' (to run the CLI on a pseudo-terminal) is not available");

const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI on a pseudo-terminal; `keys` is typed once the PIN prompt appears. */
function onTerminal(args, { cwd, env, keys }) {
  return new Promise((resolve, reject) => {
    const cmd = `exec ${[process.execPath, cliPath, ...args].map(shellQuote).join(' ')}`;
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd, env: { ...process.env, MODEL_SIGNING_LOG_LEVEL: '', ...env } });
    let out = '';
    let prompted = -1;
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (prompted < 0 && /Enter the user PIN of PKCS #11 token '[^']*': /.test(out)) {
        prompted = out.length;
        child.stdin.write(keys);
      }
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, out, afterPrompt: prompted < 0 ? null : out.slice(prompted) });
    });
  });
}

describe('PKCS #11 PIN prompt on a terminal', { skip: skip ?? false }, () => {
  let token;
  let work;
  let model;
  before(() => {
    token = new SoftHsmToken({ label: 'prompt-token', pin: '4711' });
    token.keygen({ keyType: 'EC:prime256v1', label: 'k', id: '01' });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-pkcs11-tty-'));
    model = path.join(work, 'model');
    fs.mkdirSync(model);
    fs.writeFileSync(path.join(model, 'w.bin'), 'weights');
  });
  after(() => {
    token?.cleanup();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const uri = () => token.uri({ object: 'k', pin: null });

  test('asks for the PIN without echo (Backspace edits), then signs', async () => {
    const sig = path.join(work, 'ok.sig');
    const r = await onTerminal(['sign', 'pkcs11-key', '--pkcs11-uri', uri(), '--signature', sig, model], { cwd: work, env: token.env, keys: '47x\x7f11\r' });
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /Enter the user PIN of PKCS #11 token 'prompt-token': /);
    assert.ok(r.afterPrompt !== null);
    // The line the PIN was typed on stays empty (echo would show "47x" and a backspace there).
    assert.equal(r.afterPrompt.split('\n')[0].replace(/\r/g, ''), '', 'nothing typed is echoed');
    assert.doesNotMatch(r.afterPrompt, /47x/);
    assert.match(r.out, /Signing succeeded/);
    assert.ok(fs.existsSync(sig));
  });

  test('a wrong PIN typed at the prompt fails cleanly', async () => {
    const sig = path.join(work, 'wrong.sig');
    const r = await onTerminal(['sign', 'pkcs11-key', '--pkcs11-uri', uri(), '--signature', sig, model], { cwd: work, env: token.env, keys: '0000\r' });
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /Signing failed with error: wrong PIN for token 'prompt-token'/);
    assert.ok(!fs.existsSync(sig));
  });

  test('Ctrl-C at the prompt cancels', async () => {
    const sig = path.join(work, 'cancel.sig');
    const r = await onTerminal(['sign', 'pkcs11-key', '--pkcs11-uri', uri(), '--signature', sig, model], { cwd: work, env: token.env, keys: '47\x03' });
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /PIN entry cancelled/);
    assert.ok(!fs.existsSync(sig));
  });
});
