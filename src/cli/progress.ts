/**
 * A one-line progress bar on stderr: bytes done, rate, ETA. Only on a terminal and when not quiet.
 *
 * The line always fits the terminal (a line as wide as the terminal or wider wraps, and every redraw
 * then adds a line to the scrollback): fields are dropped, least useful first, rather than wrapped.
 * Each redraw erases the line first (a shorter line would leave the tail of the previous one), redraws
 * are throttled, and a resize redraws at the new width at once. Kept by hand: the maintained bar
 * libraries pull in more code than this whole file for a single line, and start-up time matters.
 */
import type { HashProgress } from '../hashing/types.js';
import type { CliContext } from './context.js';

/** At most this many redraws a second; a fast job draws nothing at all. */
const REDRAW_INTERVAL_MS = 200;
const FIRST_DRAW_AFTER_MS = 300;
const MAX_BAR = 30;
const MIN_BAR = 10;
const ERASE_LINE = '\r\x1b[K';

/**
 * The progress line for a terminal `columns` wide: at most `columns - 1` characters (writing the last
 * column makes some terminals wrap). Fields go in this order as the width shrinks: bar, ETA, rate, sizes.
 */
export function progressLine(label: string, p: HashProgress, elapsedSeconds: number, columns: number): string {
  const limit = Math.max(0, Math.floor(columns) - 1);
  const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 1;
  const rate = elapsedSeconds > 0 ? p.bytesDone / elapsedSeconds : 0;
  const eta = rate > 0 ? (p.bytesTotal - p.bytesDone) / rate : Infinity;
  const fields = [
    `${label} ${String(Math.floor(frac * 100)).padStart(3)}%`,
    `${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}`,
    `${formatBytes(rate)}/s`,
    `ETA ${formatSeconds(eta)}`,
  ];
  while (fields.length > 1 && fields.join(' ').length > limit) fields.pop();
  let line = fields.join(' ');
  if (line.length > limit) return line.slice(0, limit);
  const room = limit - line.length - 3; // ' [' ... ']'
  if (room >= MIN_BAR) {
    const width = Math.min(MAX_BAR, room);
    const filled = Math.round(frac * width);
    const [head, ...rest] = fields;
    line = [`${head} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`, ...rest].join(' ');
  }
  return line;
}

export function progressReporter(ctx: CliContext, label: string): { onProgress: (p: HashProgress) => void; done: () => void } | null {
  if (!ctx.stderrIsTTY || ctx.quiet) return null;
  const started = Date.now();
  let drawn = false;
  let lastDraw = 0;
  let last: HashProgress | null = null;
  let lastLine = '';
  const draw = (force: boolean): void => {
    if (!last) return;
    const now = Date.now();
    const finished = last.bytesDone >= last.bytesTotal;
    if (!force && now - started < FIRST_DRAW_AFTER_MS && !finished) return; // fast jobs: no flicker
    if (!force && now - lastDraw < REDRAW_INTERVAL_MS && !finished) return;
    const line = progressLine(label, last, (now - started) / 1000, ctx.stderrColumns());
    if (line === lastLine && !force) return;
    ctx.err(ERASE_LINE + line);
    lastDraw = now;
    lastLine = line;
    drawn = true;
  };
  // Resized: redraw at the new width at once. A terminal that rewraps old text on a narrower window
  // (tmux, VTE) keeps the upper part of the previous line; going up to erase it is not safe, since a
  // terminal that does not rewrap (xterm) would lose a line of real output instead.
  const onResize = (): void => {
    if (drawn) draw(true);
  };
  process.stderr.on('resize', onResize);
  return {
    onProgress(p) {
      last = p;
      draw(false);
    },
    done() {
      process.stderr.off('resize', onResize);
      if (drawn) ctx.err(ERASE_LINE);
      drawn = false;
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
  if (t >= 3600) return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
  return t >= 60 ? `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s` : `${t}s`;
}
