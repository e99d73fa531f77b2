/**
 * Help text and usage-error wording shared by every command: required options are marked, defaults
 * are shown once (never "(default). (default: true)"), and every usage error ends with the command
 * whose help explains it.
 */
import type { Command, Option } from 'commander';

/** `model-signing verify key`: the command as the user types it. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The line every usage error ends with. */
export function helpHint(cmd: Command): string {
  return `try '${commandPath(cmd)} --help'`;
}

/**
 * Commander appends "(default: true)" to boolean flags and repeats defaults our descriptions already
 * state; this shows a default only when the description does not, never for on/off flags, and marks
 * required options.
 */
export function describeOption(option: Option): string {
  const extra: string[] = [];
  if (option.mandatory) extra.push('required');
  const statesDefault = /\(default\b|\bdefault:/i.test(option.description);
  if (option.defaultValue !== undefined && !statesDefault && !option.isBoolean()) {
    extra.push(`default: ${option.defaultValueDescription ?? JSON.stringify(option.defaultValue)}`);
  }
  if (option.envVar !== undefined) extra.push(`env: ${option.envVar}`);
  return extra.length === 0 ? option.description : `${option.description} (${extra.join(', ')})`;
}

/** Applies the help wording and the usage-error hint to one command. */
export function configureHelpFor(cmd: Command): void {
  cmd.configureHelp({
    optionDescription: (o: Option) => describeOption(o),
    // `pkcs11-certificate [options] <MODEL_PATH>` left too little room to wrap the description.
    subcommandTerm: (c: Command) => c.name(),
  });
  cmd.showHelpAfterError(helpHint(cmd));
  if (cmd.commands.length > 0) cmd.helpCommand('help [command]', 'Show the help of a command.');
}
