// walkModel on real trees: enumeration, ignore rules, the symlink policy, special files, names, order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { walkModel } from '../dist/model/walk.js';
import { tempDir, writeTree } from './support/fixtures-models.mjs';

function withTmp(fn) {
  return async (t) => {
    const tmp = tempDir('ms-walk-');
    try {
      await fn(tmp.dir, t);
    } finally {
      tmp.cleanup();
    }
  };
}

const names = (r) => r.files.map((f) => f.name);

function rejectsWith(promise, code, pattern) {
  return assert.rejects(promise, (e) => {
    assert.equal(e.name, 'ModelSigningError', String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), 'one-line message');
    return true;
  });
}

test('enumerates regular files (hidden too), skips empty directories, sorts, records stats', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'm'), { 'b.bin': 'bb', '.hidden': 'h', 'a/x.txt': 'xyz', 'a/empty/': null, 'e': '' });
  const r = await walkModel(m);
  assert.deepEqual(names(r), ['.hidden', 'a/x.txt', 'b.bin', 'e']);
  assert.equal(r.root, path.resolve(m));
  assert.equal(r.modelName, 'm');
  assert.equal(r.singleFile, false);
  assert.deepEqual(r.missing, []);
  const x = r.files.find((f) => f.name === 'a/x.txt');
  const st = fs.statSync(path.join(m, 'a/x.txt'), { bigint: true });
  assert.equal(x.path, path.join(r.root, 'a', 'x.txt'));
  assert.equal(x.size, 3);
  assert.equal(x.isSymlink, false);
  assert.equal(x.ino, st.ino);
  assert.equal(x.dev, st.dev);
  assert.equal(x.mtimeNs, st.mtimeNs);
  assert.equal(x.ctimeNs, st.ctimeNs);
}));

test('default git exclusions apply at the top level only; .gitfoo and sub/.git are kept', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'm'), {
    '.git/HEAD': 'ref', '.gitattributes': '*', '.github/w.yml': 'w', '.gitignore': 'x', '.gitfoo': 'f', '.gitmodules': 'g',
    'sub/.git/c': 'c', 'sub/.gitignore': 'i', 'w.bin': 'w',
  });
  assert.deepEqual(names(await walkModel(m)), ['.gitfoo', '.gitmodules', 'sub/.git/c', 'sub/.gitignore', 'w.bin']);
  assert.deepEqual(names(await walkModel(m, { ignoreGitPaths: false })), [
    '.git/HEAD', '.gitattributes', '.gitfoo', '.github/w.yml', '.gitignore', '.gitmodules', 'sub/.git/c', 'sub/.gitignore', 'w.bin',
  ]);
}));

test('user ignore paths are exact model-relative paths excluding their subtree', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'm'), {
    'cache/a': '1', 'cache/deep/b': '2', 'cachefile': '3', 'sub/cache/c': '4', 'sub/keep.bin': '5', 'sub/skip.bin': '6', 'w': '7',
  });
  const r = await walkModel(m, { ignorePaths: ['cache', 'sub/skip.bin'] });
  assert.deepEqual(names(r), ['cachefile', 'sub/cache/c', 'sub/keep.bin', 'w']);
}));

test('malformed ignore entries are usage errors', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'm'), { a: '1' });
  for (const bad of ['*.bin', 'a?', 'x[1]', '/abs', '../up', 'a/../b', 'a//b', 'a/', './a', '']) {
    await rejectsWith(walkModel(m, { ignorePaths: [bad] }), 'USAGE', /ignore path/);
  }
}));

test('an ignored symlink or FIFO is never a problem', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'm'), { 'w.bin': 'w' });
  fs.symlinkSync('/nonexistent/target', path.join(m, 'dangling'));
  fs.mkdirSync(path.join(m, 'runtime'));
  execFileSync('mkfifo', [path.join(m, 'runtime', 'pipe')]);
  assert.deepEqual(names(await walkModel(m, { ignorePaths: ['dangling', 'runtime'] })), ['w.bin']);
}));

test('a symlink is refused by default, naming the link (file, directory, and the model path itself)', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'm'), { 'w.bin': 'w', 'sub/real': 'r' });
  fs.symlinkSync('../w.bin', path.join(m, 'sub', 'link'));
  await rejectsWith(walkModel(m), 'MODEL', /^Cannot use 'sub\/link' because it is a symlink; use --allow-symlinks to follow symlinks$/);
  fs.rmSync(path.join(m, 'sub', 'link'));
  fs.symlinkSync('sub', path.join(m, 'dirlink'));
  await rejectsWith(walkModel(m), 'MODEL', /^Cannot use 'dirlink' because it is a symlink/);
  fs.symlinkSync(m, path.join(dir, 'alias'));
  await rejectsWith(walkModel(path.join(dir, 'alias')), 'MODEL', /Cannot use '.*alias' because it is a symlink/);
}));

test('allowSymlinks follows links to files (hashed under the link name) and descends linked directories', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'm'), { 'w.bin': 'weights', 'real/a': 'aa', 'real/b/c': 'ccc' });
  fs.symlinkSync('w.bin', path.join(m, 'alias.bin'));
  fs.symlinkSync('real', path.join(m, 'linked'));
  const warnings = [];
  const r = await walkModel(m, { allowSymlinks: true, onWarning: (w) => warnings.push(w) });
  assert.deepEqual(names(r), ['alias.bin', 'linked/a', 'linked/b/c', 'real/a', 'real/b/c', 'w.bin']);
  assert.deepEqual(warnings, []);
  const alias = r.files.find((f) => f.name === 'alias.bin');
  const target = fs.statSync(path.join(m, 'w.bin'), { bigint: true });
  assert.equal(alias.isSymlink, true);
  assert.equal(alias.path, path.join(r.root, 'alias.bin'));
  assert.equal(alias.size, 7);
  assert.equal(alias.ino, target.ino);
  assert.equal(r.files.find((f) => f.name === 'linked/b/c').path, path.join(r.root, 'linked', 'b', 'c'));
  // The model path itself may be a link when symlinks are allowed.
  fs.symlinkSync(m, path.join(dir, 'alias'));
  assert.equal((await walkModel(path.join(dir, 'alias'), { allowSymlinks: true })).files.length, 6);
}));

test('links to targets outside the model are followed with a warning', withTmp(async (dir) => {
  writeTree(path.join(dir, 'outside'), { 'f': 'out', 'd/g': 'gg' });
  const m = writeTree(path.join(dir, 'm'), { 'w': 'w' });
  fs.symlinkSync(path.join(dir, 'outside', 'f'), path.join(m, 'ext-file'));
  fs.symlinkSync('../outside/d', path.join(m, 'ext-dir'));
  const warnings = [];
  const r = await walkModel(m, { allowSymlinks: true, onWarning: (w) => warnings.push(w) });
  assert.deepEqual(names(r), ['ext-dir/g', 'ext-file', 'w']);
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.ok(warnings.some((w) => w.startsWith("'ext-file'") && w.includes('outside the model')));
  assert.ok(warnings.some((w) => w.startsWith("'ext-dir'") && w.includes('outside the model')));
}));

test('a directory cycle through symlinks warns and terminates; a link to a sibling is not a cycle', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'm'), { 'w': 'w', 'a/x': 'x', 'b/y': 'y' });
  fs.symlinkSync('..', path.join(m, 'a', 'up'));
  fs.symlinkSync('.', path.join(m, 'self'));
  fs.symlinkSync('../b', path.join(m, 'a', 'sib'));
  const warnings = [];
  const r = await walkModel(m, { allowSymlinks: true, onWarning: (w) => warnings.push(w) });
  assert.deepEqual(names(r), ['a/sib/y', 'a/x', 'b/y', 'w']);
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.ok(warnings.some((w) => w.includes("'a/up'") && /cycle/.test(w)));
  assert.ok(warnings.some((w) => w.includes("'self'") && /cycle/.test(w)));
}));

test('a broken or looping symlink is an error naming it', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'm'), { 'w': 'w' });
  fs.symlinkSync('missing-target', path.join(m, 'broken'));
  await rejectsWith(walkModel(m, { allowSymlinks: true }), 'MODEL', /^Cannot use 'broken' because it is a broken symlink \(target 'missing-target'\)$/);
  fs.rmSync(path.join(m, 'broken'));
  fs.symlinkSync('loop', path.join(m, 'loop'));
  await rejectsWith(walkModel(m, { allowSymlinks: true }), 'MODEL', /'loop' because it is a symlink loop/);
}));

test('FIFOs are refused, naming the path and what it is (directly and through a link)', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'm'), { 'w': 'w' });
  execFileSync('mkfifo', [path.join(m, 'sub-pipe')]);
  await rejectsWith(walkModel(m), 'MODEL', /^Cannot use 'sub-pipe' because it is a FIFO \(named pipe\)/);
  await rejectsWith(walkModel(path.join(m, 'sub-pipe')), 'MODEL', /because it is a FIFO/);
  fs.renameSync(path.join(m, 'sub-pipe'), path.join(dir, 'pipe'));
  fs.symlinkSync(path.join(dir, 'pipe'), path.join(m, 'to-pipe'));
  await rejectsWith(walkModel(m, { allowSymlinks: true }), 'MODEL', /'to-pipe' because it is a symlink to a FIFO/);
}));

test('a file name that is not valid UTF-8 is an error naming it', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'm'), { 'ok': 'ok', 'sub/': null });
  const bad = Buffer.concat([Buffer.from(path.join(m, 'sub') + '/'), Buffer.from([0x66, 0xff, 0xfe, 0x2e, 0x62])]);
  fs.writeFileSync(bad, 'x');
  await rejectsWith(walkModel(m), 'MODEL', /^file name 'sub\/f\uFFFD\uFFFD\.b' is not valid UTF-8 \(bytes 66fffe2e62\)/);
}));

test('a model with nothing to sign is an error, but not when selecting names', withTmp(async (dir) => {
  const empty = writeTree(path.join(dir, 'empty'), { 'd/': null });
  await rejectsWith(walkModel(empty), 'MODEL', /^model '.*empty' contains no files to sign \(after exclusions\)$/);
  const onlyGit = writeTree(path.join(dir, 'git'), { '.git/HEAD': 'h', '.gitignore': 'x', 'c/a': 'a' });
  await rejectsWith(walkModel(onlyGit, { ignorePaths: ['c'] }), 'MODEL', /contains no files to sign/);
  const sel = await walkModel(empty, { onlyNames: ['gone'] });
  assert.deepEqual(sel.files, []);
  assert.deepEqual(sel.missing, ['gone']);
}));

test('names sort by code point, not UTF-16 units or path components', withTmp(async (dir) => {
  // U+1F600 is stored as surrogates D83D DE00, below U+FF5A in UTF-16 but above it as a code point.
  const m = writeTree(path.join(dir, 'm'), { '\u{1F600}.bin': 'e', '\uFF5A.bin': 'z', 'model/x': 'm', 'model.bin': 'b', 'a b/z': '1', 'a/b': '2', 'a-b': '3' });
  const r = await walkModel(m);
  assert.deepEqual(names(r), ['a b/z', 'a-b', 'a/b', 'model.bin', 'model/x', '\uFF5A.bin', '\u{1F600}.bin']);
  assert.deepEqual(names(r), [...names(r)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
}));

test('single-file model: named by its basename; the model name resolves . and trailing slashes', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'model-dir'), { 'weights.bin': 'w' });
  const single = await walkModel(path.join(m, 'weights.bin'));
  assert.equal(single.singleFile, true);
  assert.deepEqual(names(single), ['weights.bin']);
  assert.equal(single.modelName, 'weights.bin');
  assert.equal((await walkModel(m + '/')).modelName, 'model-dir');
  assert.equal((await walkModel(path.join(m, '.'))).modelName, 'model-dir');
  assert.equal((await walkModel(path.join(m, 'sub-less', '..'))).modelName, 'model-dir');
  const sel = await walkModel(path.join(m, 'weights.bin'), { onlyNames: ['weights.bin', 'other'] });
  assert.deepEqual(names(sel), ['weights.bin']);
  assert.deepEqual(sel.missing, ['other']);
}));

test('a missing model path is an IO error naming it', withTmp(async (dir) => {
  await rejectsWith(walkModel(path.join(dir, 'nope')), 'IO', /^model path '.*nope' does not exist$/);
}));

test('an unreadable directory is an IO error naming it', withTmp(async (dir, t) => {
  const m = writeTree(path.join(dir, 'm'), { 'w': 'w', 'locked/x': 'x' });
  fs.chmodSync(path.join(m, 'locked'), 0o000);
  try {
    if (process.getuid?.() !== 0) {
      await rejectsWith(walkModel(m), 'IO', /^cannot read directory 'locked': permission denied$/);
      return;
    }
    // Root reads anything: walk in a child process that dropped to an unprivileged user.
    const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
    if (!setpriv) return t.skip('running as root without setpriv: permissions are not enforced');
    fs.chmodSync(dir, 0o755);
    const walkUrl = new URL('../dist/model/walk.js', import.meta.url).href;
    const script = `import { walkModel } from ${JSON.stringify(walkUrl)};
      try { await walkModel(process.argv[1]); console.log('{}'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const out = execFileSync(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e', script, m], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), { code: 'IO', message: "cannot read directory 'locked': permission denied" });
  } finally {
    fs.chmodSync(path.join(m, 'locked'), 0o755);
  }
}));

test('onlyNames: exact names, missing ones reported, ignored ones dropped, escapes refused', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'm'), { 'a': '1', 'sub/b': '2', 'sub/c': '3', 'dir/': null, '.git/x': 'g', 'extra': 'e' });
  const r = await walkModel(m, { onlyNames: ['sub/b', 'a', 'gone', 'sub/none', 'a/under-file', 'dir', '.git/x', 'a'] });
  assert.deepEqual(names(r), ['a', 'sub/b']);
  assert.deepEqual(r.missing, ['a/under-file', 'dir', 'gone', 'sub/none']);
  for (const bad of ['../m/a', '/etc/passwd', 'sub/../a', 'sub//b', './a', '']) {
    await rejectsWith(walkModel(m, { onlyNames: [bad] }), 'USAGE', /refusing file name/);
  }
}));

test('onlyNames: a symlinked parent directory counts as a symlink unless symlinks are allowed', withTmp(async (dir) => {
  writeTree(path.join(dir, 'outside'), { 'secret': 's' });
  const m = writeTree(path.join(dir, 'm'), { 'a': '1' });
  fs.symlinkSync(path.join(dir, 'outside'), path.join(m, 'ext'));
  await rejectsWith(walkModel(m, { onlyNames: ['ext/secret'] }), 'MODEL', /^Cannot use 'ext' because it is a symlink/);
  const warnings = [];
  fs.writeFileSync(path.join(dir, 'outside', 'other'), 'o');
  const r = await walkModel(m, { onlyNames: ['ext/secret', 'ext/other', 'ext/gone'], allowSymlinks: true, onWarning: (w) => warnings.push(w) });
  assert.deepEqual(names(r), ['ext/other', 'ext/secret']);
  assert.deepEqual(r.missing, ['ext/gone']);
  assert.equal(r.files[0].isSymlink, false);
  assert.equal(warnings.length, 1, 'one warning per link, not per file');
  assert.match(warnings[0], /^'ext' is a symlink to .* outside the model/);
}));

test('an aborted walk stops with the abort reason', withTmp(async (dir) => {
  const m = writeTree(path.join(dir, 'm'), { 'a': '1' });
  const ac = new AbortController();
  ac.abort(new Error('stop now'));
  await assert.rejects(walkModel(m, { signal: ac.signal }), /stop now/);
}));
