/** A one-line progress bar on stderr: bytes done, rate, ETA. Only on a terminal and when not quiet. */
import type { HashProgress } from '../hashing/types.js';
import type { CliContext } from './context.js';

const WIDTH = 28;

export function progressReporter(ctx: CliContext, label: string): { onProgress: (p: HashProgress) => void; done: () => void } | null {
  if (!ctx.stderrIsTTY || ctx.quiet) return null;
  const started = Date.now();
  let drawn = false;
  return {
    onProgress(p) {
      const elapsed = (Date.now() - started) / 1000;
      if (elapsed < 0.3 && p.bytesDone < p.bytesTotal) return; // fast jobs: no flicker
      const frac = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 1;
      const rate = elapsed > 0 ? p.bytesDone / elapsed : 0;
      const eta = rate > 0 ? (p.bytesTotal - p.bytesDone) / rate : 0;
      const filled = Math.round(frac * WIDTH);
      const bar = '#'.repeat(filled) + '-'.repeat(WIDTH - filled);
      ctx.err(`\r${label} [${bar}] ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)} ${formatBytes(rate)}/s ETA ${formatSeconds(eta)}  `);
      drawn = true;
    },
    done() {
      if (drawn) ctx.err('\r\x1b[K');
    },
  };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.round(s);
  return t >= 60 ? `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s` : `${t}s`;
}
