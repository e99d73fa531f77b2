// Timing helpers for the benchmark: wall time of a child process, its CPU and peak RSS
// (/usr/bin/time), CPU used by other processes meanwhile (/proc/stat), medians, idle waits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const TIME_BIN = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const CLK_TCK = 100; // USER_HZ on Linux

/** Busy and total jiffies over all CPUs, or null off Linux. */
function cpuJiffies() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Waits (up to maxMs) until the machine is nearly idle: other engineers' jobs skew figures. */
export function waitIdle(maxMs = 6000) {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const a = cpuJiffies();
    if (!a) return true;
    sleep(400);
    const b = cpuJiffies();
    const frac = (b.busy - a.busy) / Math.max(1, b.total - a.total);
    if (frac * os.cpus().length <= 0.08) return true;
    if (Date.now() > deadline) return false;
  }
}

/**
 * Runs a command once. Returns wall seconds, child CPU seconds, peak RSS (KiB, if measurable),
 * and foreign CPU seconds (other processes' CPU while it ran, as a fraction of wall time).
 */
export function runOnce(cmd, args, { cwd, input } = {}) {
  const out = path.join(os.tmpdir(), `bench-time-${process.pid}.txt`);
  const [c, a] = TIME_BIN ? [TIME_BIN, ['-f', '%M %U %S', '-o', out, cmd, ...args]] : [cmd, args];
  const j0 = cpuJiffies();
  const t0 = performance.now();
  const r = spawnSync(c, a, { cwd, input, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['pipe', 'pipe', 'pipe'] });
  const wall = (performance.now() - t0) / 1000;
  const j1 = cpuJiffies();
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  let rssKiB = null;
  let cpu = null;
  if (TIME_BIN) {
    const [m, u, s] = fs.readFileSync(out, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
    rssKiB = m;
    cpu = u + s;
    fs.rmSync(out, { force: true });
  }
  const busy = j0 && j1 ? (j1.busy - j0.busy) / CLK_TCK : null;
  const foreign = busy !== null && cpu !== null ? Math.max(0, busy - cpu) / wall : null;
  return { wall, cpu, rssKiB, foreign, stdout: r.stdout, stderr: r.stderr };
}

let retryUntil = Infinity;
/** After this time (ms since epoch), noisy runs are no longer repeated: keeps the bench within its time box. */
export function stopRetryingAt(t) {
  retryUntil = t;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Median of `n` runs. A run during which other processes used more than 10 % of a CPU is
 * repeated (at most `n` extra times); the cleanest `n` runs are kept.
 */
export function measure(n, fn) {
  const runs = [];
  const clean = () => runs.filter((r) => !(r.foreign > 0.1)).length;
  while (runs.length < n || (clean() < n && runs.length < 2 * n && Date.now() < retryUntil)) {
    waitIdle(Date.now() < retryUntil ? 4000 : 500);
    runs.push(fn());
  }
  const kept = [...runs].sort((a, b) => (a.foreign ?? 0) - (b.foreign ?? 0)).slice(0, n);
  return {
    runs: kept,
    wall: median(kept.map((r) => r.wall)),
    value: kept[0].value !== undefined ? median(kept.map((r) => r.value)) : undefined,
    rssKiB: Math.max(...kept.map((r) => r.rssKiB ?? 0)) || null,
    noisy: kept.some((r) => r.foreign > 0.1),
  };
}

/**
 * Ours against a peer, run in turn (ours, peer, ours, peer, ...): the ratio is taken pair by pair and its
 * median reported, so a machine whose speed drifts during the run (other jobs, the host) moves both sides
 * of a pair alike. Returns each side as `measure` does, and `ratio` = median(peer wall / our wall).
 */
export function measurePaired(n, ours, peer) {
  const a = [];
  const b = [];
  const ratios = [];
  for (let i = 0; i < n; i++) {
    waitIdle(Date.now() < retryUntil ? 4000 : 500);
    a.push(ours());
    waitIdle(Date.now() < retryUntil ? 4000 : 500);
    b.push(peer());
    ratios.push(b.at(-1).wall / a.at(-1).wall);
  }
  const side = (runs) => ({
    runs,
    wall: median(runs.map((r) => r.wall)),
    rssKiB: Math.max(...runs.map((r) => r.rssKiB ?? 0)) || null,
    noisy: runs.some((r) => r.foreign > 0.1),
  });
  return { ours: side(a), peer: side(b), ratio: median(ratios) };
}
