/** Turns any thrown value into one line on stderr and an exit code (stack only at debug level). */
import type { CliContext } from './context.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function reportError(ctx: CliContext, prefix: string, e: unknown): number {
  const message = e instanceof Error ? e.message : String(e);
  ctx.err(`${prefix}${oneLine(message)}\n`);
  if (ctx.enabled('debug') && e instanceof Error && e.stack) ctx.err(`${e.stack}\n`);
  return EXIT_FAILURE;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
