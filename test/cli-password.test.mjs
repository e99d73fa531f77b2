// Passwords of encrypted private keys: --password-file (opened like the signature: regular file, bounded,
// non-blocking), MODEL_SIGNING_PASSWORD, a prompt without echo on a terminal, and a warning for --password.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, cliPath } from './support/cli.mjs';

const PASSWORD = 'c0rrect horse';
let dir;
let model;
let encKey;
let pubKey;
let n = 0;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ms-password-'));
  model = join(dir, 'model');
  mkdirSync(model);
  writeFileSync(join(model, 'w.bin'), 'weights');
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  encKey = join(dir, 'enc.pem');
  writeFileSync(encKey, pair.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSWORD }));
  pubKey = join(dir, 'pub.pem');
  writeFileSync(pubKey, pair.publicKey.export({ type: 'spki', format: 'pem' }));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const newSig = () => join(dir, `s${++n}.sig`);
const signKey = (sig, extra, opts) => runCli(['sign', 'key', '--private-key', encKey, '--signature', sig, ...extra, model], opts);
const verifies = (sig) => runCli(['verify', 'key', '--public-key', pubKey, '--signature', sig, model]).status === 0;
const pwFile = (content) => {
  const p = join(dir, `pw${++n}`);
  writeFileSync(p, content);
  return p;
};

test('no password and no terminal: exit 1 naming --password-file and MODEL_SIGNING_PASSWORD', () => {
  const sig = newSig();
  const r = signKey(sig, [], { env: { MODEL_SIGNING_PASSWORD: '' } });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^Signing failed with error: private key \S+enc\.pem is encrypted: give its password with --password-file or \$MODEL_SIGNING_PASSWORD\n$/);
  assert.ok(!existsSync(sig));
});

test('--password-file (one trailing line break dropped) signs; no warning', () => {
  const sig = newSig();
  const r = signKey(sig, ['--password-file', pwFile(`${PASSWORD}\n`)]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.ok(verifies(sig));
});

test('MODEL_SIGNING_PASSWORD signs; no warning', () => {
  const sig = newSig();
  const r = signKey(sig, [], { env: { MODEL_SIGNING_PASSWORD: PASSWORD } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.ok(verifies(sig));
});

test('--password still works, with a warning that it is visible to others', () => {
  const sig = newSig();
  const r = signKey(sig, ['--password', PASSWORD]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^warning: a password given with --password is visible to other users of this machine \(process list, shell history\); prefer --password-file\n$/);
  assert.ok(verifies(sig));
});

test('--password with --password-file is a usage error (exit 2)', () => {
  const r = signKey(newSig(), ['--password', PASSWORD, '--password-file', pwFile(PASSWORD)]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot be used with option '--password-file <path>'\ntry 'model-signing sign key --help'\n$/);
});

test('a wrong password from the file fails cleanly', () => {
  const sig = newSig();
  const r = signKey(sig, ['--password-file', pwFile('wrong\n')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /wrong password/);
  assert.ok(!existsSync(sig));
});

test('--password-file is opened like the signature: FIFO, device, directory, empty, oversized refused at once', () => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const big = pwFile(Buffer.alloc(65 * 1024, 'a'));
  const cases = [
    [fifo, /password file \(--password-file\) '\S+fifo' is (a FIFO|not a regular file)/],
    ['/dev/zero', /password file \(--password-file\) '\/dev\/zero' is a device, not a regular file/],
    [dir, /is a directory/],
    [pwFile(''), /password file \(--password-file\) '\S+' is empty/],
    [pwFile('\n'), /is empty/],
    [big, /is 66560 bytes, more than the limit of 65536/],
    [join(dir, 'missing'), /does not exist/],
  ];
  for (const [path, expected] of cases) {
    const started = Date.now();
    const r = signKey(newSig(), ['--password-file', path]);
    assert.equal(r.status, 1, `${path}: ${r.stderr}`);
    assert.match(r.stderr, expected);
    assert.ok(Date.now() - started < 60_000);
  }
});

test('sign certificate and sign key list --password-file in their help', () => {
  for (const m of ['key', 'certificate']) {
    const r = runCli(['sign', m, '--help']);
    assert.match(r.stdout, /--password-file <path> +File holding the password/);
  }
});

const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' }).status === 0;

describe('password prompt on a terminal', { skip: hasScript ? false : "util-linux 'script' (a pseudo-terminal) is not available" }, () => {
  const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  function onTerminal(args, keys) {
    return new Promise((resolve, reject) => {
      const cmd = `exec ${[process.execPath, cliPath, ...args].map(shellQuote).join(' ')}`;
      const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, MODEL_SIGNING_LOG_LEVEL: '', MODEL_SIGNING_PASSWORD: '' } });
      let out = '';
      let prompted = -1;
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.stdout.on('data', (d) => {
        out += d;
        if (prompted < 0 && /Enter the password of private key '[^']*': /.test(out)) {
          prompted = out.length;
          child.stdin.write(keys);
        }
      });
      child.on('error', reject);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, out, afterPrompt: prompted < 0 ? null : out.slice(prompted) });
      });
    });
  }

  test('asks without echo when the key is encrypted and no password was given', async () => {
    const sig = newSig();
    const r = await onTerminal(['sign', 'key', '--private-key', encKey, '--signature', sig, model], `${PASSWORD}\r`);
    assert.equal(r.status, 0, r.out);
    assert.ok(r.afterPrompt !== null, r.out);
    assert.doesNotMatch(r.out, new RegExp(PASSWORD));
    assert.match(r.out, /Signing succeeded/);
    assert.ok(verifies(sig));
  });

  test('Ctrl-C at the prompt cancels', async () => {
    const sig = newSig();
    const r = await onTerminal(['sign', 'key', '--private-key', encKey, '--signature', sig, model], '\u0003');
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /Signing failed with error: password entry cancelled/);
    assert.ok(!existsSync(sig));
  });
});
