// The README's main job: `npm run demo` signs and verifies the bundled sample model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './support/cli.mjs';

test('the demo signs and verifies the sample model and prints both success lines', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'examples', 'demo.mjs')], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}$/m);
  assert.match(r.stdout, /^Signing succeeded$/m);
  assert.match(r.stdout, /^Verification succeeded$/m);
  assert.match(r.stdout, /NOT VERIFIED/);
});
