// `sign sigstore` / `verify sigstore` through the real CLI process against the loopback Sigstore stand-in:
// every token source (flag, ambient SIGSTORE_ID_TOKEN and GitHub Actions, browser flow, out-of-band code),
// Rekor v1 and v2, exact identity checks, errors, and the public-good vectors with no network at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, mkdirSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStandin } from './support/sigstore-standin.mjs';
import { runCliAsync, printedAuthUrl } from './support/sigstore-cli.mjs';

const vectors = fileURLToPath(new URL('../../shared/vectors/model-transparency/', import.meta.url));
let s;
let dir;
let model;
const tc = {};
let env;

before(async () => {
  s = await startStandin();
  dir = mkdtempSync(join(tmpdir(), 'ms-sigstore-cli-'));
  model = join(dir, 'model');
  mkdirSync(join(model, 'sub'), { recursive: true });
  writeFileSync(join(model, 'weights.bin'), Buffer.alloc(4096, 7));
  writeFileSync(join(model, 'sub', 'config.json'), '{"layers": 2}');
  tc.v1 = join(dir, 'tc-v1.json');
  tc.v2 = join(dir, 'tc-v2.json');
  writeFileSync(tc.v1, JSON.stringify(s.trustConfig({ rekor: 1 })));
  writeFileSync(tc.v2, JSON.stringify(s.trustConfig({ rekor: 2, snake: true })));
  // No ambient credentials leak in from the machine running the tests; TUF cache in the temp dir.
  env = { SIGSTORE_ID_TOKEN: '', ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '', GITHUB_ACTIONS: '', XDG_CACHE_HOME: join(dir, 'cache') };
});
after(async () => {
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sig = (name) => join(dir, `${name}.sig`);
const sign = (name, args, o = {}) => runCliAsync(['sign', ...args, model, '--signature', sig(name)], { ...o, env: { ...env, ...(o.env ?? {}) } });
const verify = (name, identity, { trustConfig = tc.v1, issuer = s.issuer, extra = [] } = {}) =>
  runCliAsync(['verify', 'sigstore', model, '--signature', sig(name), '--identity', identity, '--identity-provider', issuer, '--trust-config', trustConfig, ...extra], { env });
const token = (claims = { email: 'alice@example.com', email_verified: true }, o) => s.mintToken(claims, o);

for (const [rekor, trustConfigKey] of [[1, 'v1'], [2, 'v2']]) {
  test(`--identity-token, Rekor v${rekor}: sign, verify, wrong identity and look-alike rejected`, async () => {
    const name = `token-v${rekor}`;
    const r = await sign(name, ['sigstore', '--identity-token', await token(), '--trust-config', tc[trustConfigKey]]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'Signing succeeded\n');
    const bundle = JSON.parse(readFileSync(sig(name), 'utf8'));
    assert.equal(bundle.verificationMaterial.tlogEntries[0].kindVersion.version, rekor === 1 ? '0.0.1' : '0.0.2');
    const ok = await verify(name, 'alice@example.com', { trustConfig: tc[trustConfigKey] });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, 'Verification succeeded\n');
    for (const identity of ['lice@example.com']) {
      const bad = await verify(name, identity, { trustConfig: tc[trustConfigKey] });
      assert.equal(bad.status, 1, identity);
      assert.match(bad.stderr, /^Verification failed with error: .*not to the expected identity/m);
    }
    const badIssuer = await verify(name, 'alice@example.com', { trustConfig: tc[trustConfigKey], issuer: 'https://oauth2.sigstore.dev/auth' });
    assert.equal(badIssuer.status, 1);
    assert.match(badIssuer.stderr, /OIDC issuer/);
  });
}

test('the default method: `sign MODEL` and `verify MODEL` mean sigstore; a look-alike signer is refused', async () => {
  const r = await runCliAsync(['sign', model, '--identity-token', await token({ email: 'malice@example.com', email_verified: true }), '--trust-config', tc.v1, '--signature', sig('malice')], { env });
  assert.equal(r.status, 0, r.stderr);
  const bad = await runCliAsync(['verify', model, '--signature', sig('malice'), '--identity', 'alice@example.com', '--identity_provider', s.issuer, '--trust_config', tc.v1], { env });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /issued to 'malice@example.com', not to the expected identity 'alice@example.com'/);
  const good = await verify('malice', 'malice@example.com');
  assert.equal(good.status, 0, good.stderr);
});

test('ambient credentials: $SIGSTORE_ID_TOKEN, then GitHub Actions (audience sigstore)', async () => {
  const r1 = await sign('ambient-env', ['sigstore', '--use-ambient-credentials', '--trust-config', tc.v1], { env: { SIGSTORE_ID_TOKEN: await token({ email: 'ci@example.com', email_verified: true }) } });
  assert.equal(r1.status, 0, r1.stderr);
  assert.equal((await verify('ambient-env', 'ci@example.com')).status, 0);

  const before = s.hits['GET /gha/token'] ?? 0;
  const gha = { ACTIONS_ID_TOKEN_REQUEST_URL: `${s.url}/gha/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: s.ghaBearer };
  const r2 = await sign('ambient-gha', ['sigstore', '--use-ambient-credentials', '--trust-config', tc.v2], { env: gha });
  assert.equal(r2.status, 0, r2.stderr);
  assert.equal(s.hits['GET /gha/token'], before + 1);
  const v = await verify('ambient-gha', s.ghaClaims.sub, { trustConfig: tc.v2 });
  assert.equal(v.status, 0, v.stderr);

  const r3 = await sign('ambient-gha-bad', ['sigstore', '--use-ambient-credentials', '--trust-config', tc.v1], { env: { ...gha, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong' } });
  assert.equal(r3.status, 1);
  assert.match(r3.stderr, new RegExp(`GitHub Actions OIDC token endpoint ${s.url.replace(/[.]/g, '\\.')}/gha/token refused: HTTP 401`));
  assert.ok(!existsSync(sig('ambient-gha-bad')), 'nothing is written on failure');
});

/** Plays the browser: once the CLI printed the URL, follow it (the issuer redirects to the loopback callback). */
function browser() {
  let started = false;
  return (stderr) => {
    const url = printedAuthUrl(stderr);
    if (url && !started) {
      started = true;
      fetch(url).then((r) => r.text()).catch(() => undefined);
    }
  };
}

test('browser flow: the URL is printed, the loopback redirect completes the sign-in', async () => {
  s.user = { email: 'dave@example.com', sub: 'dave' };
  try {
    const r = await sign('browser', ['sigstore', '--trust-config', tc.v1], { onStderr: browser() });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /Go to the following link in a browser:/);
    assert.match(r.stderr, /Waiting for browser interaction/);
    const url = new URL(printedAuthUrl(r.stderr));
    assert.equal(url.origin + url.pathname, `${s.issuer}/auth`);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal((await verify('browser', 'dave@example.com')).status, 0);
  } finally {
    s.user = { email: 'alice@example.com', sub: 'alice' };
  }
});

test('--use-ambient-credentials with nothing to find falls back to the browser flow with a notice', async () => {
  const r = await sign('ambient-fallback', ['sigstore', '--use-ambient-credentials', '--trust-config', tc.v2], { onStderr: browser() });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /no ambient credentials found.*falling back to interactive sign-in/);
  assert.equal((await verify('ambient-fallback', 'alice@example.com', { trustConfig: tc.v2 })).status, 0);
});

test('--oauth-force-oob: the code is typed on stdin', async () => {
  let typed = false;
  const r = await sign('oob', ['sigstore', '--oauth-force-oob', '--trust-config', tc.v1], {
    onStderr: (stderr, child) => {
      const url = printedAuthUrl(stderr);
      if (url && !typed && stderr.includes('Enter verification code: ')) {
        typed = true;
        fetch(url).then((res) => res.text()).then((page) => child.stdin.end(`${page.match(/code: (\w+)/)[1]}\n`));
      }
    },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(new URL(printedAuthUrl(r.stderr)).searchParams.get('redirect_uri'), 'urn:ietf:wg:oauth:2.0:oob');
  assert.equal((await verify('oob', 'alice@example.com')).status, 0);
});

test('failures name the service and write nothing; usage errors exit 2', async () => {
  s.failures = { fulcio: 403 };
  try {
    const r = await sign('refused', ['sigstore', '--identity-token', await token(), '--trust-config', tc.v1]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^Signing failed with error: Fulcio at ${s.url.replace(/[.]/g, '\\.')} refused to issue a signing certificate: HTTP 403`, 'm'));
    assert.ok(!existsSync(sig('refused')));
  } finally {
    s.failures = {};
  }
  const expired = await sign('expired', ['sigstore', '--identity-token', await token(undefined, { expiresIn: -5 }), '--trust-config', tc.v1]);
  assert.equal(expired.status, 1);
  assert.match(expired.stderr, /identity token from --identity-token .* expired at/);
  const missing = await runCliAsync(['verify', 'sigstore', model, '--signature', sig('token-v1'), '--identity', 'alice@example.com'], { env });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--identity-provider/);
});

// ---- public-good vectors, network unreachable ----
function unshareProblem() {
  const r = spawnSync('unshare', ['-n', process.execPath, '-e', '0'], { encoding: 'utf8' });
  return r.status === 0 ? false : `unshare -n is not usable here: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`;
}
const vectorSkip = !existsSync(vectors) ? `test vectors not found at ${vectors}` : unshareProblem();

for (const v of ['v1.0.0-sigstore', 'v1.1.0-sigstore']) {
  test(`${v} verifies through the CLI with no network (unshare -n), and fails with a wrong identity or issuer`, { skip: vectorSkip }, async () => {
    const m = join(vectors, v);
    const args = (identity, issuer) => ['verify', m, '--signature', join(m, 'model.sig'), '--identity', identity, '--identity-provider', issuer];
    const offline = { prefix: ['unshare', '-n'], env };
    const t0 = Date.now();
    const ok = await runCliAsync(args('stefanb@us.ibm.com', 'https://sigstore.verify.ibm.com/oauth2'), offline);
    const ms = Date.now() - t0;
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, 'Verification succeeded\n');
    assert.match(ok.stderr, /warning: could not refresh the Sigstore production trusted root .*embedded/);
    assert.ok(ms < 20_000, `took ${ms} ms`);
    // Each vector gets one negative case (the library tests cover every tampering and look-alike).
    const wrong = v === 'v1.0.0-sigstore' ? args('stefanb@us.ibm.co', 'https://sigstore.verify.ibm.com/oauth2') : args('stefanb@us.ibm.com', 'https://github.com/login/oauth');
    const bad = await runCliAsync(wrong, offline);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^Verification failed with error: the signing certificate was issued/m);
    if (v !== 'v1.1.0-sigstore') return;
    const quiet = await runCliAsync([...args('stefanb@us.ibm.com', 'https://sigstore.verify.ibm.com/oauth2'), '--offline'], offline);
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr, /could not refresh/);
  });
}
