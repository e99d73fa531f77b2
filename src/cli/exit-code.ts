import type { Command } from 'commander';

/** Actions store their exit code on the root command (commander ignores an action's return value). */
export function setExitCode(cmd: Command, code: number): void {
  let root = cmd;
  while (root.parent) root = root.parent;
  (root as Command & { _exitCodeOverride?: number })._exitCodeOverride = code;
}

export function exitCodeOf(program: Command): number | undefined {
  return (program as Command & { _exitCodeOverride?: number })._exitCodeOverride;
}
