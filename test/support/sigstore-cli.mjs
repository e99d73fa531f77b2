// Runs the CLI as a real process without blocking the event loop (the loopback stand-in lives in the test
// process), with hooks to play the user: watch stderr, type on stdin.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = join(repoRoot, 'dist', 'cli', 'main.js');

/**
 * Resolves { status, stdout, stderr }. `onStderr(text, child)` sees the stderr so far after each chunk.
 * `prefix` runs the CLI under another command, e.g. ['unshare', '-n'].
 */
export function runCliAsync(args, { cwd = repoRoot, env = {}, onStderr, prefix = [], timeoutMs = 60_000, stdin = 'pipe' } = {}) {
  const cmd = [...prefix, process.execPath, cliPath, ...args];
  const child = spawn(cmd[0], cmd.slice(1), {
    cwd,
    env: { ...process.env, MODEL_SIGNING_LOG_LEVEL: '', MODEL_SIGNING_BROWSER: 'none', ...env },
    stdio: [stdin, 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => {
    stderr += d;
    onStderr?.(stderr, child);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** The first authorization URL the CLI printed, if any. */
export function printedAuthUrl(stderr) {
  const m = stderr.match(/\n\t(http\S+)\n/);
  return m ? m[1] : undefined;
}
