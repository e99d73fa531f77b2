// The Sigstore TUF cache decides the production trust root when the network is not used (--offline, or a
// failed refresh): it is used only when it is ours and not writable by others, and a cached trusted_root.json
// only when it verifies against the cached, signed, unexpired TUF metadata. Anything else falls back to the
// embedded root with a warning naming the problem. (A real signed TUF cache is built by support/tuf-cache.mjs.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeTufCache } from './support/tuf-cache.mjs';
import { resolveTrustedRoot } from '../dist/trust/trusted-root.js';
import { publicInstance } from '../dist/trust/instances.js';

const MIRROR = publicInstance(false).tufMirror;
const EMBEDDED = JSON.parse(JSON.stringify(publicInstance(false).embedded.trustedRoot));
const MARK = 'https://planted-rekor.example';
const planted = Buffer.from(JSON.stringify({ ...EMBEDDED, tlogs: EMBEDDED.tlogs.map((t) => ({ ...t, baseUrl: MARK })) }));
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-tufcache-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

let n = 0;
function freshCache(opts) {
  const cacheDir = path.join(work, `c${++n}`, 'tuf');
  const r = writeTufCache(cacheDir, MIRROR, { 'trusted_root.json': planted }, opts);
  return { cacheDir, ...r };
}

/** Which root was chosen ('cache' or 'embedded') and the warnings. */
async function resolve(cacheDir, { offline = true } = {}) {
  const warnings = [];
  const t0 = Date.now();
  const root = await resolveTrustedRoot({ offline, cacheDir, timeoutMs: 500, onWarning: (w) => warnings.push(w) });
  const which = root.tlogs[0].baseUrl === MARK ? 'cache' : 'embedded';
  return { which, warnings, ms: Date.now() - t0 };
}

test('a safe cache whose target verifies against its TUF metadata is used offline, without warnings', async () => {
  const { cacheDir } = freshCache();
  const r = await resolve(cacheDir);
  assert.deepEqual([r.which, r.warnings], ['cache', []]);
});

test('a world-writable cache directory is refused, falling back to the embedded root with a warning', async () => {
  const { cacheDir, targetsDir } = freshCache();
  fs.chmodSync(targetsDir, 0o777);
  const r = await resolve(cacheDir);
  assert.equal(r.which, 'embedded');
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /not using the cached trusted root \(the TUF cache '.*' is not safe to trust: '.*targets' is writable by group or others \(mode 777\)\); using the copy embedded in model-signing/);
});

test('a group-writable cached target file is refused too', async () => {
  const { cacheDir, targetsDir } = freshCache();
  fs.chmodSync(path.join(targetsDir, 'trusted_root.json'), 0o664);
  const r = await resolve(cacheDir);
  assert.equal(r.which, 'embedded');
  assert.match(r.warnings[0], /trusted_root\.json' is writable by group or others \(mode 664\)/);
});

test('a world-writable parent of the cache (not sticky) is refused', async () => {
  const { cacheDir } = freshCache();
  fs.chmodSync(path.dirname(cacheDir), 0o777);
  const r = await resolve(cacheDir);
  assert.equal(r.which, 'embedded');
  assert.match(r.warnings[0], /its parent '.*' is writable by others \(mode 777\)/);
});

test('a cache file or directory owned by another user is refused', { skip: isRoot ? false : 'needs root to chown' }, async () => {
  const { cacheDir, repo } = freshCache();
  fs.chownSync(path.join(repo, 'root.json'), 65534, 65534);
  const r = await resolve(cacheDir);
  assert.equal(r.which, 'embedded');
  assert.match(r.warnings[0], /root\.json' is owned by another user \(uid 65534\)/);
  fs.chownSync(path.join(repo, 'root.json'), 0, 0);
  fs.chownSync(repo, 65534, 65534);
  assert.match((await resolve(cacheDir)).warnings[0], /is owned by another user \(uid 65534\)/);
});

test('a cached target that no longer matches the cached TUF metadata is refused', async () => {
  const { cacheDir, targetsDir } = freshCache();
  fs.writeFileSync(path.join(targetsDir, 'trusted_root.json'), Buffer.from(JSON.stringify(EMBEDDED)));
  const r = await resolve(cacheDir);
  assert.equal(r.which, 'embedded');
  assert.match(r.warnings[0], /the cached trusted_root\.json does not match its length and hashes in the cached TUF metadata/);
});

test('expired cached TUF metadata is refused, offline, without reaching the network', async () => {
  const { cacheDir } = freshCache({ expiresInDays: -1 });
  const r = await resolve(cacheDir);
  assert.equal(r.which, 'embedded');
  assert.match(r.warnings[0] ?? '', /not using the cached trusted root \(the cached TUF metadata does not verify offline \(root\.json expired on .*\)\)/);
  assert.doesNotMatch(r.warnings[0], /planted/);
  assert.ok(r.ms < 5_000, `${r.ms} ms`);
});

test('a trusted_root.json planted without TUF metadata is never used', async () => {
  const cacheDir = path.join(work, 'bare', 'tuf');
  const targets = path.join(cacheDir, 'tuf-repo-cdn.sigstore.dev', 'targets');
  fs.mkdirSync(targets, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(targets, 'trusted_root.json'), planted, { mode: 0o600 });
  assert.equal((await resolve(cacheDir)).which, 'embedded');
});

test('online, an unsafe cache is refused before any request (its root.json would seed the TUF refresh)', async () => {
  const { cacheDir, repo } = freshCache();
  fs.chmodSync(repo, 0o757);
  const r = await resolve(cacheDir, { offline: false });
  assert.equal(r.which, 'embedded');
  assert.match(r.warnings[0], /could not refresh the Sigstore production trusted root .*not safe to trust: '.*' is writable by group or others \(mode 757\)/);
  assert.ok(r.ms < 2_000, `refused before any network request (${r.ms} ms)`);
});
