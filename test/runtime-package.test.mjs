// The runtime and the package: the CLI explains an unsupported Node.js in one line, the package ships what its
// source maps point at and says where it lives, the build leaves no stale output, and an installed but unbuilt
// pkcs11js is named as such.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { cliPath, repoRoot, tempDir } from './support/cli.mjs';
import { isSupportedNode, SUPPORTED_NODE } from '../dist/cli/node-version.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

test('the supported Node.js lines are the ones package.json declares', () => {
  assert.equal(pkg.engines.node, SUPPORTED_NODE);
  for (const v of ['22.22.2', 'v22.23.3', '24.15.0', '24.21.0', '26.0.0', '27.1.0']) assert.equal(isSupportedNode(v), true, v);
  for (const v of ['20.20.2', 'v18.20.0', '22.22.1', '22.9.0', '23.11.0', '24.14.9', '25.0.0']) assert.equal(isSupportedNode(v), false, v);
});

/** A system Node.js older than we support (this machine's /usr/bin/node is 20), if there is one. */
function oldNode() {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    const r = spawnSync(candidate, ['-p', 'process.version'], { encoding: 'utf8' });
    if (r.status === 0 && !isSupportedNode(r.stdout.trim())) return { path: candidate, version: r.stdout.trim() };
  }
  return undefined;
}
const old = oldNode();

test('under an unsupported Node.js the CLI prints one line saying which Node it needs', { skip: old ? false : 'no unsupported Node.js on this machine' }, () => {
  for (const args of [['--version'], ['verify', 'key', '.', '--public-key', 'x.pem'], []]) {
    const r = spawnSync(old.path, [cliPath, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `Error: model-signing needs Node.js 22.22.2 or later 22.x, 24.15.0 or later 24.x, or 26+ (this is Node.js ${old.version}); install a supported LTS release (the npm scripts of the source repository use the Node.js it pins)\n`);
  }
});

test('package.json says where the project lives', () => {
  assert.match(pkg.repository.url, /^git\+https:\/\/github\.com\/.+\.git$/);
  assert.match(pkg.homepage, /^https:\/\//);
  assert.match(pkg.bugs.url, /\/issues$/);
});

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

test('every source map points at a file the package ships', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const shipped = new Set(JSON.parse(r.stdout)[0].files.map((f) => f.path));
  const maps = [...shipped].filter((f) => f.endsWith('.js.map'));
  assert.ok(maps.length > 10, 'the package has source maps');
  for (const map of maps) {
    for (const source of JSON.parse(readFileSync(join(repoRoot, map), 'utf8')).sources) {
      const target = relative(repoRoot, join(repoRoot, dirname(map), source));
      assert.ok(shipped.has(target), `${map} points at ${target}, which is not in the package`);
    }
  }
});

test('the build leaves no stale output: every compiled file has its TypeScript source', () => {
  const stale = walk(join(repoRoot, 'dist'))
    .filter((f) => /\.(js|d\.ts|js\.map)$/.test(f))
    .map((f) => relative(join(repoRoot, 'dist'), f).replace(/\.(js|d\.ts|js\.map)$/, '.ts'))
    .filter((ts) => !existsSync(join(repoRoot, 'src', ts)));
  assert.deepEqual(stale, []);
  assert.match(pkg.scripts.build, /rmSync\('dist'/, 'the build empties dist/ first');
});

test('pkcs11js installed but not built: the PKCS #11 commands say to run npm rebuild pkcs11js', (t) => {
  // A copy of the package whose node_modules has every dependency but pkcs11js's compiled addon.
  const root = tempDir(t);
  cpSync(join(repoRoot, 'dist'), join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'model-signing', type: 'module' }));
  mkdirSync(join(root, 'node_modules'));
  for (const name of readdirSync(join(repoRoot, 'node_modules'))) {
    if (name !== 'pkcs11js' && name !== '.bin') symlinkSync(join(repoRoot, 'node_modules', name), join(root, 'node_modules', name));
  }
  const p11 = join(repoRoot, 'node_modules', 'pkcs11js');
  const unbuilt = join(root, 'node_modules', 'pkcs11js');
  mkdirSync(unbuilt);
  for (const f of ['package.json', 'index.js']) cpSync(join(p11, f), join(unbuilt, f));
  writeFileSync(join(root, 'm.bin'), 'weights');
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'sign', 'pkcs11-key', join(root, 'm.bin'), '--pkcs11-uri', 'pkcs11:token=t;object=k?module-path=/nonexistent/lib.so&pin-value=1', '--signature', join(root, 'm.sig')], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /installed but not built for this Node\.js \(run `npm rebuild pkcs11js`\)/);
  assert.equal(r.stderr.trim().split('\n').filter((l) => !/^warning:/i.test(l)).length, 1, r.stderr);
  assert.equal(existsSync(join(root, 'm.sig')), false);
});
