// The command-line surface shared by every command: help, version, exit codes, flag spellings, digest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { runCli, tempDir, cliPath, repoRoot } from './support/cli.mjs';

const sha256 = (b) => createHash('sha256').update(b).digest();
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

function twoFileModel(t) {
  const d = tempDir(t);
  const m = join(d, 'model');
  mkdirSync(join(m, 'sub'), { recursive: true });
  writeFileSync(join(m, 'a.bin'), 'alpha');
  writeFileSync(join(m, 'sub', 'b.txt'), 'beta');
  return { dir: d, model: m };
}
// The expected root: SHA-256 over the raw file digests in code-point order of the names.
const expectedRoot = (contents) => sha256(Buffer.concat(contents.map((c) => sha256(c)))).toString('hex');

test('--version prints the program name and the package version', () => {
  const r = runCli(['--version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, new RegExp(`^model-signing, version ${pkg.version.replace(/\./g, '\\.')}\\n$`));
});

test('both package bins point at the CLI', () => {
  assert.equal(pkg.bin['model-signing'], 'dist/cli/main.js');
  assert.equal(pkg.bin['model_signing'], 'dist/cli/main.js');
});

test('--help lists the commands; no arguments prints help and exits 2', () => {
  const h = runCli(['--help']);
  assert.equal(h.status, 0);
  for (const c of ['digest', 'sign', 'verify', 'inspect']) assert.match(h.stdout, new RegExp(`\\b${c}\\b`));
  const none = runCli([]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /Usage:/);
});

test('usage errors exit 2: unknown command, unknown option, missing argument, bad log level', () => {
  assert.equal(runCli(['frobnicate']).status, 2);
  const bad = runCli(['digest', '--no-such-flag', '.']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown option '--no-such-flag'/);
  assert.equal(runCli(['digest']).status, 2);
  const lvl = runCli(['--log-level', 'loud', 'digest', '.']);
  assert.equal(lvl.status, 2);
  assert.match(lvl.stderr, /invalid log level 'loud'/);
  const envLvl = runCli(['digest', '.'], { env: { MODEL_SIGNING_LOG_LEVEL: 'loud' } });
  assert.equal(envLvl.status, 2, 'MODEL_SIGNING_LOG_LEVEL is validated like --log-level');
});

test('digest prints sha256:<root> over the file digests in code-point order', (t) => {
  const { model } = twoFileModel(t);
  const r = runCli(['digest', model]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `sha256:${expectedRoot(['alpha', 'beta'])}\n`);
});

test('digest --json prints the manifest (schema version 1 field names)', (t) => {
  const { model } = twoFileModel(t);
  const r = runCli(['digest', model, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.schemaVersion, 1);
  assert.equal(j.command, 'digest');
  assert.equal(j.modelName, 'model');
  assert.equal(j.rootDigest.sha256, expectedRoot(['alpha', 'beta']));
  assert.deepEqual(j.serialization, {
    method: 'files', hashType: 'sha256', allowSymlinks: false,
    ignorePaths: ['.git', '.gitattributes', '.github', '.gitignore'],
  });
  assert.deepEqual(j.resources.map((x) => x.name), ['a.bin', 'sub/b.txt']);
  assert.equal(j.resources[0].digest, sha256('alpha').toString('hex'));
  assert.equal(j.resources[0].algorithm, 'sha256');
});

test('underscore spellings of flags are accepted (--ignore_paths, --hash_algorithm)', (t) => {
  const { model } = twoFileModel(t);
  const r = runCli(['digest', model, '--ignore_paths', join(model, 'sub'), '--hash_algorithm', 'sha256']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `sha256:${expectedRoot(['alpha'])}\n`);
});

test('ignore paths are taken relative to the current directory or to the model; outside is an error', (t) => {
  const { dir, model } = twoFileModel(t);
  const fromCwd = runCli(['digest', 'model', '--ignore-paths', 'model/sub'], { cwd: dir });
  assert.equal(fromCwd.status, 0, fromCwd.stderr);
  assert.equal(fromCwd.stdout, `sha256:${expectedRoot(['alpha'])}\n`);
  const fromModel = runCli(['digest', 'model', '--ignore-paths', 'sub'], { cwd: dir });
  assert.equal(fromModel.status, 0, fromModel.stderr);
  assert.equal(fromModel.stdout, fromCwd.stdout);
  const outside = runCli(['digest', model, '--ignore-paths', '/etc/passwd']);
  assert.equal(outside.status, 1);
  assert.match(outside.stderr, /outside the model/);
});

test('digest: shards and other algorithms change the digest; bad values are one-line errors with exit 1', (t) => {
  const { model } = twoFileModel(t);
  const files = runCli(['digest', model]).stdout;
  const shards = runCli(['digest', model, '--serialization', 'shards', '--shard-size', '2']);
  assert.equal(shards.status, 0, shards.stderr);
  assert.notEqual(shards.stdout, files);
  const blake3 = runCli(['digest', model, '--hash-algorithm', 'blake3']);
  assert.equal(blake3.status, 0, blake3.stderr);
  assert.match(blake3.stdout, /^sha256:[0-9a-f]{64}\n$/);
  assert.notEqual(blake3.stdout, files);
  for (const [args, msg] of [
    [['--hash-algorithm', 'md5'], /unknown hash algorithm 'md5'/],
    [['--serialization', 'shards', '--shard-size', '0'], /--shard-size must be a positive integer, got '0'/],
    [['--serialization', 'shards', '--shard-size', '-5'], /--shard-size must be a positive integer/],
    [['--serialization', 'blocks'], /unknown serialization 'blocks'/],
  ]) {
    const r = runCli(['digest', model, ...args]);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('digest bad input: missing path, empty model, refused symlink; stack only with --log-level debug', (t) => {
  const d = tempDir(t);
  const missing = runCli(['digest', join(d, 'nope')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^Computing digest failed: .*nope/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
  mkdirSync(join(d, 'empty'));
  const empty = runCli(['digest', join(d, 'empty')]);
  assert.equal(empty.status, 1);
  assert.match(empty.stderr, /no files/);
  mkdirSync(join(d, 'm'));
  writeFileSync(join(d, 'target'), 'x');
  symlinkSync(join(d, 'target'), join(d, 'm', 'link'));
  const link = runCli(['digest', join(d, 'm')]);
  assert.equal(link.status, 1);
  assert.match(link.stderr, /'link'.*symlink/);
  const debug = runCli(['--log-level', 'debug', 'digest', join(d, 'nope')]);
  assert.equal(debug.status, 1);
  assert.match(debug.stderr, /\n\s+at /, 'stack trace at debug level');
});

test('a progress bar is drawn on a terminal and never when stderr is not one', (t) => {
  const d = tempDir(t);
  mkdirSync(join(d, 'm'));
  // A sparse 1 GiB file: no disk use, but long enough to hash for the bar to appear.
  spawnSync('truncate', ['-s', '1G', join(d, 'm', 'big.bin')]);
  const plain = runCli(['digest', join(d, 'm')]);
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(plain.stderr, '');
  const tty = spawnSync('script', ['-qec', `"${process.execPath}" "${cliPath}" digest "${join(d, 'm')}"`, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(tty.status, 0, tty.stdout);
  assert.match(tty.stdout, /hashing +\d+% \[[#-]+\] .*\/s ETA/);
  assert.match(tty.stdout, /sha256:[0-9a-f]{64}/);
  const quiet = spawnSync('script', ['-qec', `"${process.execPath}" "${cliPath}" --quiet digest "${join(d, 'm')}"`, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
  assert.doesNotMatch(quiet.stdout, /hashing/);
});
