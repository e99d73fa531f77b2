// Runs the built CLI as a real process and captures what a user would see.
import { spawnSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = join(repoRoot, 'dist', 'cli', 'main.js');
export const vectorsDir = fileURLToPath(new URL('../../../shared/vectors/', import.meta.url));

/** Synchronous run: { status, stdout, stderr }. */
export function runCli(args, { cwd = repoRoot, env = {}, input } = {}) {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    env: { ...process.env, MODEL_SIGNING_LOG_LEVEL: '', ...env },
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/** Asynchronous run, for tests that interact with the process. */
export function spawnCli(args, { cwd = repoRoot, env = {} } = {}) {
  return spawn(process.execPath, [cliPath, ...args], { cwd, env: { ...process.env, ...env } });
}

/** A temporary directory removed after the test. */
export function tempDir(t, prefix = 'ms-test-') {
  const d = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}
