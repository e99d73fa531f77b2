/** Turns any thrown value into one line on stderr and an exit code (stack only at debug level). */
import type { CliContext } from './context.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function reportError(ctx: CliContext, prefix: string, e: unknown): number {
  const message = e instanceof Error ? e.message : String(e);
  ctx.err(`${prefix}${printable(oneLine(message))}\n`);
  if (ctx.enabled('debug') && e instanceof Error && e.stack) ctx.err(`${e.stack}\n`);
  return EXIT_FAILURE;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

// C0/C1 controls and bidirectional overrides: attacker-chosen names and bundle fields end up in messages,
// and a raw carriage return or escape sequence could redraw a failure as "Verification succeeded".
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu;

/** The text with every control character shown as an escape (`\x1b`, `\u202e`), safe to print on a terminal. */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => {
    const n = c.codePointAt(0)!;
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}
