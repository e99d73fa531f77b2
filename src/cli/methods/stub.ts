/** Placeholder commands for methods still being built: a clear error instead of a silent no-op. */
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { setExitCode } from '../exit-code.js';

export function notAvailableCommand(ctx: CliContext, name: string, verb: 'Signing' | 'Verification'): Command {
  return new Command(name)
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .argument('[args...]')
    .helpOption('-h, --help', 'Show this message and exit.')
    .action((_args: unknown, _o: unknown, cmd: Command) => {
      ctx.err(`${verb} failed with error: the '${name}' method is not available yet in this version\n`);
      setExitCode(cmd, 1);
    });
}
