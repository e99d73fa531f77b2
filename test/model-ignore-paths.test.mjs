// Resolving user ignore paths (CLI: CWD- or model-relative; API: model-relative or absolute inside)
// and the signature file's exclusion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveApiIgnorePaths, resolveCliIgnorePaths, signatureIgnorePath } from '../dist/model/ignore-paths.js';
import { tempDir, writeTree } from './support/fixtures-models.mjs';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

function usageError(fn, pattern) {
  assert.throws(fn, (e) => e.code === 'USAGE' && pattern.test(e.message) && !e.message.includes('\n'));
}

function setup() {
  const tmp = tempDir('ms-ignore-');
  const models = path.join(tmp.dir, 'models');
  const model = writeTree(path.join(models, 'm'), { 'w.bin': 'w', 'ignore-me/x': 'x', 'sub/cache/y': 'y' });
  fs.mkdirSync(path.join(tmp.dir, 'elsewhere'));
  return { ...tmp, models, model };
}

test('CLI ignore paths relative to the current directory, as the reference takes them', () => {
  const s = setup();
  try {
    // From the directory above the model (the reference's documented usage).
    assert.deepEqual(resolveCliIgnorePaths('m', ['./m/ignore-me', 'm/sub/cache/'], s.models), ['ignore-me', 'sub/cache']);
    // From inside the model.
    assert.deepEqual(resolveCliIgnorePaths('.', ['ignore-me'], s.model), ['ignore-me']);
    // From a subdirectory of the model, with `..`.
    assert.deepEqual(resolveCliIgnorePaths('..', ['../ignore-me', 'cache'], path.join(s.model, 'sub')), ['ignore-me', 'sub/cache']);
    // Absolute paths inside the model.
    assert.deepEqual(resolveCliIgnorePaths(s.model, [path.join(s.model, 'w.bin')], '/'), ['w.bin']);
  } finally {
    s.cleanup();
  }
});

test('CLI ignore paths fall back to model-relative, sorted and de-duplicated', () => {
  const s = setup();
  try {
    const elsewhere = path.join(s.dir, 'elsewhere');
    assert.deepEqual(resolveCliIgnorePaths(s.model, ['sub/cache', 'ignore-me', './ignore-me', 'ignore-me/'], elsewhere), ['ignore-me', 'sub/cache']);
  } finally {
    s.cleanup();
  }
});

test('CLI ignore paths outside the model, the model itself, or with globs are usage errors', () => {
  const s = setup();
  try {
    const elsewhere = path.join(s.dir, 'elsewhere');
    usageError(() => resolveCliIgnorePaths(s.model, ['../other'], elsewhere), /^ignore path '\.\.\/other' is outside the model '.*m'$/);
    usageError(() => resolveCliIgnorePaths(s.model, ['/etc/passwd'], elsewhere), /is outside the model/);
    usageError(() => resolveCliIgnorePaths('m', ['m'], s.models), /is the model 'm' itself/);
    usageError(() => resolveCliIgnorePaths('m', ['m/*.bin'], s.models), /glob character/);
    usageError(() => resolveCliIgnorePaths('m', [''], s.models), /must not be empty/);
  } finally {
    s.cleanup();
  }
});

test('CLI ignore paths resolve through a symlinked model path', () => {
  const s = setup();
  try {
    fs.symlinkSync(s.model, path.join(s.dir, 'alias'));
    assert.deepEqual(resolveCliIgnorePaths(path.join(s.dir, 'alias'), [path.join(s.model, 'ignore-me')], '/'), ['ignore-me']);
  } finally {
    s.cleanup();
  }
});

test('the CLI digest honours CWD-relative ignore paths from a different directory', () => {
  const s = setup();
  try {
    const run = (args, cwd) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
    const full = run(['digest', 'm'], s.models);
    const fromAbove = run(['digest', 'm', '--ignore-paths', 'm/ignore-me'], s.models);
    const fromInside = run(['digest', '.', '--ignore-paths', 'ignore-me'], s.model);
    const modelRelative = run(['digest', s.model, '--ignore-paths', 'ignore-me'], path.join(s.dir, 'elsewhere'));
    for (const r of [full, fromAbove, fromInside, modelRelative]) assert.equal(r.status, 0, r.stderr);
    assert.match(fromAbove.stdout, /^sha256:[0-9a-f]{64}\n$/);
    assert.notEqual(fromAbove.stdout, full.stdout);
    assert.equal(fromInside.stdout, fromAbove.stdout);
    assert.equal(modelRelative.stdout, fromAbove.stdout);
    const outside = run(['digest', 'm', '--ignore-paths', '../elsewhere'], s.models);
    assert.notEqual(outside.status, 0);
    assert.match(outside.stderr, /outside the model/);
  } finally {
    s.cleanup();
  }
});

test('API ignore paths: model-relative (normalised) or absolute inside the model; outside is an error', () => {
  const s = setup();
  try {
    assert.deepEqual(resolveApiIgnorePaths(s.model, ['sub/./cache', 'a/../ignore-me', path.join(s.model, 'w.bin')]), ['ignore-me', 'sub/cache', 'w.bin']);
    usageError(() => resolveApiIgnorePaths(s.model, ['../x']), /is outside the model/);
    usageError(() => resolveApiIgnorePaths(s.model, [path.join(s.dir, 'elsewhere')]), /is outside the model/);
    usageError(() => resolveApiIgnorePaths(s.model, ['.']), /itself/);
    usageError(() => resolveApiIgnorePaths(s.model, ['x?']), /glob/);
  } finally {
    s.cleanup();
  }
});

test('signatureIgnorePath: the signature inside the model directory, else null (never an error)', () => {
  const s = setup();
  try {
    assert.equal(signatureIgnorePath('m', 'm/model.sig', s.models), 'model.sig');
    assert.equal(signatureIgnorePath('.', 'sub/s.sig', s.model), 'sub/s.sig');
    assert.equal(signatureIgnorePath(s.model, 'model.sig', s.models), null);
    assert.equal(signatureIgnorePath(s.model, s.model, '/'), null);
    assert.equal(signatureIgnorePath(path.join(s.model, 'w.bin'), path.join(s.model, 'w.sig'), '/'), null);
    assert.equal(signatureIgnorePath(s.model, path.join(s.model, 'odd[1].sig'), '/'), 'odd[1].sig');
  } finally {
    s.cleanup();
  }
});
