// Placeholder until `inspect` lands.
import { Command } from 'commander';
import type { CliContext } from './context.js';
import { setExitCode } from './program.js';

export function inspectCommand(ctx: CliContext): Command {
  return new Command('inspect')
    .description('Show what a signature claims (NOT verified).')
    .argument('<SIGNATURE>')
    .option('--json')
    .helpOption('-h, --help', 'Show this message and exit.')
    .action((_s: string, _o: unknown, cmd: Command) => {
      ctx.err('inspect is not available yet in this version\n');
      setExitCode(cmd, 1);
    });
}
