#!/usr/bin/env node
// The README's main job: sign the bundled sample model with a key and verify it, through the real CLI.
// A demo key pair is generated on first run into .demo/ (git-ignored). It is a DEMO key: never sign real models with it.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, '.demo');
const priv = join(demo, 'demo-private-key.pem');
const pub = join(demo, 'demo-public-key.pem');
const model = join(root, 'examples', 'sample-model');
const sig = join(demo, 'sample-model.sig');

if (!existsSync(priv) || !existsSync(pub)) {
  mkdirSync(demo, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  console.log(`(generated a DEMO key pair in ${relative(root, demo)}/ - for this demo only)`);
}

const rel = (p) => relative(root, p);
function run(...args) {
  console.log(`\n$ model-signing ${args.map((a) => (a.startsWith('/') ? rel(a) : a)).join(' ')}`);
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run('digest', model);
run('sign', 'key', model, '--private-key', priv, '--signature', sig);
run('verify', 'key', model, '--public-key', pub, '--signature', sig);
run('inspect', sig);
