// Usage errors through the real CLI: bare `sign`/`verify` show their help, a mistyped or misplaced method is
// named with a suggestion and the list of methods, every usage error ends with the help to read (exit 2), help
// marks required options and shows each default once; a closed stdout ends the command quietly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, cliPath, tempDir } from './support/cli.mjs';

test('bare sign and verify show their help (with the methods) on stderr, exit 2', () => {
  for (const cmd of ['sign', 'verify']) {
    const r = runCli([cmd]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^Usage: model-signing ${cmd} \\[options\\] \\[command\\]`));
    assert.match(r.stderr, /\n {2}pkcs11-key +\S/);
    assert.doesNotMatch(r.stderr, /required option/);
  }
});

test("a mistyped method: \"no such method 'kye' (did you mean key?)\", the methods, the help to read", () => {
  const r = runCli(['sign', 'kye', '--private-key', 'k.pem', 'model']);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(
    r.stderr,
    "error: no such method 'kye' for sign (did you mean key?); methods: sigstore (default), key, certificate, pkcs11-key, pkcs11-certificate\n" +
      "try 'model-signing sign --help'\n",
  );
});

test('program options before the command are skipped; `help sign` is help (exit 0), not a usage error', () => {
  const typo = runCli(['--log-level', 'debug', '--quiet', 'verify', 'kye']);
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /^error: no such method 'kye' for verify \(did you mean key\?\)/);
  const help = runCli(['help', 'sign']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage: model-signing sign /);
});

test('a method of sign given to verify is named as such, not reported as a missing --identity', () => {
  const r = runCli(['verify', 'pkcs11-certificate', '--pkcs11-uri', 'pkcs11:token=t', '--signature', 'x.sig', 'model']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^error: no such method 'pkcs11-certificate' for verify \(did you mean certificate\?\); methods: sigstore \(default\), key, certificate, pkcs11-key\n/);
  assert.match(r.stderr, /try 'model-signing verify --help'\n$/);
  assert.doesNotMatch(r.stderr, /--identity/);
});

test('an existing folder named like a method is still a model (the default method gets it)', (t) => {
  const d = tempDir(t);
  mkdirSync(join(d, 'kye'));
  writeFileSync(join(d, 'kye', 'w.bin'), 'w');
  const r = runCli(['verify', 'kye', '--signature', 'none.sig', '--identity', 'a@example.com', '--identity-provider', 'https://issuer.example'], { cwd: d });
  assert.equal(r.status, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /no such method/);
  assert.match(r.stderr, /none\.sig/);
});

test('every usage error ends with the help of the command that failed', () => {
  const cases = [
    [['verify', 'sigstore', 'model', '--signature', 's'], /^error: required option '--identity <identity>'.* not specified\ntry 'model-signing verify sigstore --help'\n$/],
    [['sign', 'key', 'model'], /^error: required option '--private-key <path>' not specified\ntry 'model-signing sign key --help'\n$/],
    [['digest'], /^error: missing required argument 'MODEL_PATH'\ntry 'model-signing digest --help'\n$/],
    [['digest', 'm', '--bogus'], /^error: unknown option '--bogus'\ntry 'model-signing digest --help'\n$/],
    [['--log-level', 'loud', 'digest', 'm'], /^error: invalid log level 'loud' .*\ntry 'model-signing --help'\n$/],
    [['frobnicate'], /^error: unknown command 'frobnicate'\ntry 'model-signing --help'\n$/],
  ];
  for (const [args, expected] of cases) {
    const r = runCli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, expected, args.join(' '));
  }
});

test('help marks required options and shows each default once', () => {
  const verify = runCli(['verify', 'key', '--help']);
  assert.equal(verify.status, 0);
  assert.match(verify.stdout, /--public-key <path> +PEM public key\. \(required\)/);
  // --signature may be left out for an image reference (the signature attached in the registry).
  assert.doesNotMatch(verify.stdout, /--signature <path>[^-]*\(required\)/);
  const sign = runCli(['sign', 'key', '--help']);
  assert.match(sign.stdout, /--private-key <path>[^]*?\(required\)/);
  assert.match(sign.stdout, /--hash-algorithm <name>[^]*?\(default:\s+"sha256"\)/);
  for (const r of [verify, sign, runCli(['verify', 'sigstore', '--help']), runCli(['digest', '--help']), runCli(['sign', 'sigstore', '--help'])]) {
    assert.doesNotMatch(r.stdout, /\(default\)\.\s+\(default: true\)/);
    assert.doesNotMatch(r.stdout, /\(default: (true|false)\)/);
    assert.doesNotMatch(r.stdout, /default[^()]*\)[^\n]*\(default:/i, 'a default stated twice');
  }
});

test('help wraps long descriptions to the width (80 columns when not a terminal)', () => {
  for (const args of [['--help'], ['sign', '--help'], ['verify', 'key', '--help'], ['sign', 'sigstore', '--help']]) {
    const r = runCli(args);
    assert.equal(r.status, 0);
    const long = r.stdout.split('\n').filter((l) => l.length > 80 && !l.startsWith('A model is'));
    assert.deepEqual(long, [], args.join(' '));
  }
});

/** Runs the CLI with stdout on a pipe the reader closes after the first bytes (`| head -c 10`). */
function withClosedStdout(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, MODEL_SIGNING_LOG_LEVEL: '' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stderr }));
  });
}

test('a reader that stops early (`| head`) ends digest --json and sign --json quietly: no EPIPE trace, status 141', async (t) => {
  const d = tempDir(t);
  const model = join(d, 'model');
  mkdirSync(model);
  for (let i = 0; i < 3000; i++) writeFileSync(join(model, `file-${i}.bin`), String(i));
  const digest = await withClosedStdout(['digest', '--json', model]);
  assert.equal(digest.stderr, '');
  assert.equal(digest.status, 141);
  const key = join(d, 'k.pem');
  const { generateKeyPairSync } = await import('node:crypto');
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(key, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const pub = join(d, 'pub.pem');
  writeFileSync(pub, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  const sig = join(d, 'model.sig');
  const sign = await withClosedStdout(['sign', 'key', '--json', '--private-key', key, '--signature', sig, model]);
  assert.equal(sign.stderr, '');
  assert.equal(sign.status, 141);
  assert.equal(runCli(['verify', 'key', '--public-key', pub, '--signature', sig, model]).status, 0, 'the signature was written whole');
});
