/** What a command needs from the outside world; tests and the real process provide it. */
import { printable } from './errors.js';
export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 };

export function parseLogLevel(s: string): LogLevel | null {
  const v = s.trim().toLowerCase();
  if (v === 'warn') return 'warning';
  return v in ORDER ? (v as LogLevel) : null;
}

export class CliContext {
  logLevel: LogLevel = 'info';
  quiet = false;
  constructor(
    readonly out: (s: string) => void = (s) => process.stdout.write(s),
    readonly err: (s: string) => void = (s) => process.stderr.write(s),
    readonly stderrIsTTY: boolean = Boolean(process.stderr.isTTY),
    /**
     * The terminal's width now, asked of the terminal itself: `columns` is only updated once Node has
     * handled SIGWINCH, and a redraw in between would use the old width.
     */
    readonly stderrColumns: () => number = () => terminalColumns(process.stderr),
  ) {}

  enabled(level: LogLevel): boolean {
    return ORDER[level] >= ORDER[this.logLevel];
  }
  /** A line on stdout: results (success lines, digests, JSON). */
  print(line: string): void {
    this.out(line + '\n');
  }
  debug(msg: string): void {
    if (this.enabled('debug')) this.err(`debug: ${msg}\n`);
  }
  info(msg: string): void {
    if (this.enabled('info') && !this.quiet) this.err(`${msg}\n`);
  }
  warn(msg: string): void {
    // Warnings name files and bundle fields, which an attacker chooses: never print them raw.
    if (this.enabled('warning')) this.err(`warning: ${printable(msg)}\n`);
  }
  error(msg: string): void {
    if (this.enabled('error')) this.err(`${msg}\n`);
  }
}

function terminalColumns(stream: NodeJS.WriteStream): number {
  try {
    const [columns] = stream.getWindowSize();
    if (columns > 0) return columns;
  } catch {
    // not a terminal (any more)
  }
  return stream.columns || 80;
}
