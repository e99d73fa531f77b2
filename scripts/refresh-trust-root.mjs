#!/usr/bin/env node
// Refreshes the Sigstore trust material embedded in model-signing (src/trust/embedded.ts) from a copy of a
// TUF repository (for example a checkout of sigstore/root-signing's `repository/` folder, or a mirror
// downloaded with any tool). Nothing is taken on faith: the copy is served on 127.0.0.1 to the same TUF
// client the CLI uses (@sigstore/tuf), which walks the root chain from the currently embedded root (or
// --root FILE), checks every signature, version and expiry, and only then hands out the targets.
//
//   npm run refresh-trust-root -- [--instance production|staging] [--root FILE] [--output FILE] REPOSITORY_DIR
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, lstatSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initTUF } from '@sigstore/tuf';
import { TrustedRoot, SigningConfig } from '@sigstore/protobuf-specs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUTPUT = join(repoRoot, 'src', 'trust', 'embedded.ts');
const README = join(repoRoot, 'README.md');

function fail(message) {
  process.stderr.write(`refresh-trust-root: ${message}\n`);
  process.exit(1);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { instance: { type: 'string', default: 'production' }, root: { type: 'string' }, output: { type: 'string' } },
});
if (positionals.length !== 1) fail('usage: refresh-trust-root [--instance production|staging] [--root FILE] [--output FILE] REPOSITORY_DIR');
const instance = values.instance;
if (instance !== 'production' && instance !== 'staging') fail(`--instance must be production or staging, not '${instance}'`);
const repo = resolve(positionals[0]);
try {
  if (!lstatSync(repo).isDirectory()) fail(`${repo} is not a directory`);
} catch (e) {
  fail(`cannot read ${repo}: ${e.message}`);
}
const output = resolve(values.output ?? DEFAULT_OUTPUT);

// The current embedded material (built by `npm run build`, which the npm script runs first).
const { PRODUCTION, STAGING } = await import(join(repoRoot, 'dist', 'trust', 'embedded.js'));
const current = { production: PRODUCTION, staging: STAGING };
const startRoot = values.root ? JSON.parse(readFileSync(values.root, 'utf8')) : current[instance].tufRoot;

// A read-only static server for the repository copy, confined to its folder, on loopback only.
const server = createServer((req, res) => {
  const path = resolve(repo, '.' + decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
  let body;
  try {
    if (req.method === 'GET' && (path + sep).startsWith(repo + sep) && lstatSync(path).isFile()) body = readFileSync(path);
  } catch {
    body = undefined;
  }
  res.writeHead(body ? 200 : 404).end(body);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const mirrorURL = `http://127.0.0.1:${server.address().port}`;
const cache = mkdtempSync(join(tmpdir(), 'ms-tuf-refresh-'));
try {
  const seed = join(cache, 'seed-root.json');
  writeFileSync(seed, JSON.stringify(startRoot));
  const tuf = await initTUF({ mirrorURL, cachePath: cache, rootPath: seed, forceInit: true, retry: false, timeout: 10_000 });
  const trustedRoot = JSON.parse(await tuf.getTarget('trusted_root.json'));
  const signingConfig = JSON.parse(await tuf.getTarget('signing_config.v0.2.json'));
  // Both must be what they claim to be before they replace what we ship.
  TrustedRoot.fromJSON(trustedRoot);
  if (!String(trustedRoot.mediaType ?? '').startsWith('application/vnd.dev.sigstore.trustedroot')) fail('trusted_root.json has no trusted-root media type');
  SigningConfig.fromJSON(signingConfig);
  if (!String(signingConfig.mediaType ?? '').startsWith('application/vnd.dev.sigstore.signingconfig')) fail('signing_config.v0.2.json has no signing-config media type');
  // The newest root the client verified and moved to.
  const tufRoot = JSON.parse(readFileSync(join(cache, encodeURIComponent(new URL(mirrorURL).host), 'root.json'), 'utf8'));
  const updated = { ...current, [instance]: { tufRoot, trustedRoot, signingConfig } };
  writeAtomic(output, render(updated));
  const summary = rootSummary(updated);
  if (!values.output) updateReadme(summary);
  process.stdout.write(`${instance}: TUF root version ${tufRoot.signed.version} (expires ${tufRoot.signed.expires}) written to ${output}\n`);
} catch (e) {
  fail(`the repository copy did not verify: ${e.message}${e.cause ? ` (${e.cause.message ?? e.cause})` : ''}`);
} finally {
  server.close();
  rmSync(cache, { recursive: true, force: true });
}

function render(inst) {
  return (
    "// Sigstore's public trust roots (Apache-2.0, from the sigstore/root-signing TUF repositories), vendored so that\n" +
    '// verification works offline and --use-staging has a TUF root to start from. Refreshed through TUF when online.\n' +
    '// Generated by `npm run refresh-trust-root`; do not edit by hand.\n' +
    '/* eslint-disable */\n' +
    'export interface EmbeddedInstance { tufRoot: unknown; trustedRoot: unknown; signingConfig: unknown }\n' +
    `export const PRODUCTION: EmbeddedInstance = ${JSON.stringify(inst.production, null, 1)};\n` +
    `export const STAGING: EmbeddedInstance = ${JSON.stringify(inst.staging, null, 1)};\n`
  );
}

function rootSummary(inst) {
  const one = (i) => `version ${i.tufRoot.signed.version} (expires ${String(i.tufRoot.signed.expires).slice(0, 10)})`;
  return `production TUF root ${one(inst.production)}, staging TUF root ${one(inst.staging)}`;
}

/** Keeps the README's sentence about the embedded roots true. */
function updateReadme(summary) {
  const text = readFileSync(README, 'utf8');
  const next = text.replace(/(Embedded trust material: ).*?(\.\n)/, `$1${summary}$2`);
  if (next !== text) writeAtomic(README, next);
}

function writeAtomic(path, text) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
