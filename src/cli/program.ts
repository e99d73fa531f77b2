/** The command tree: digest, sign <method>, verify <method>, inspect. Thin over the library API. */
import { Command, CommanderError } from 'commander';
import { CliContext, parseLogLevel } from './context.js';
import { normaliseArgv } from './argv.js';
import { EXIT_OK, EXIT_USAGE, EXIT_FAILURE } from './errors.js';
import { packageVersion } from './version.js';
import { digestCommand } from './digest.js';
import { inspectCommand } from './inspect.js';
import * as sigstore from './methods/sigstore.js';
import * as key from './methods/key.js';
import * as certificate from './methods/certificate.js';
import * as pkcs11 from './methods/pkcs11.js';

/** Each method module contributes `sign <method>` and `verify <method>` subcommands. */
export interface MethodModule {
  signCommands(ctx: CliContext): Command[];
  verifyCommands(ctx: CliContext): Command[];
}
const METHODS: MethodModule[] = [sigstore, key, certificate, pkcs11];

export function buildProgram(ctx: CliContext, progName: string): Command {
  const program = new Command(progName)
    .description('Sign and verify machine-learning models (OpenSSF Model Signing v1.0).')
    .version(`${progName}, version ${packageVersion()}`, '--version', 'Show the version and exit.')
    .helpOption('-h, --help', 'Show this message and exit.')
    .option('--log-level <level>', 'Logging level: debug, info, warning, error, critical (env MODEL_SIGNING_LOG_LEVEL).')
    .option('-q, --quiet', 'No progress output and no informational messages.')
    .addHelpText('after', '\nA model is a directory (or a single file); its signature is a Sigstore bundle (default model.sig).')
    .showSuggestionAfterError(true);

  program.hook('preAction', (root) => {
    const o = root.opts<{ logLevel?: string; quiet?: boolean }>();
    const raw = o.logLevel ?? process.env['MODEL_SIGNING_LOG_LEVEL'];
    if (raw !== undefined && raw !== '') {
      const level = parseLogLevel(raw);
      if (!level) root.error(`error: invalid log level '${raw}' (expected debug, info, warning, error, critical)`, { exitCode: EXIT_USAGE });
      else ctx.logLevel = level;
    }
    ctx.quiet = Boolean(o.quiet);
  });

  program.addCommand(digestCommand(ctx));
  program.addCommand(group(ctx, 'sign', 'Sign a model (method: sigstore [default], key, certificate, pkcs11-key, pkcs11-certificate).', (m) => m.signCommands(ctx)));
  program.addCommand(group(ctx, 'verify', 'Verify a model (method: sigstore [default], key, certificate, pkcs11-key).', (m) => m.verifyCommands(ctx)));
  program.addCommand(inspectCommand(ctx));
  configureTree(program, ctx);
  return program;
}

function group(ctx: CliContext, name: string, description: string, pick: (m: MethodModule) => Command[]): Command {
  const g = new Command(name).description(description).helpOption('-h, --help', 'Show this message and exit.');
  for (const m of METHODS) {
    for (const c of pick(m)) {
      // `sign MODEL ...` means `sign sigstore MODEL ...`, as in the Python CLI.
      g.addCommand(c, c.name() === 'sigstore' ? { isDefault: true } : undefined);
    }
  }
  void ctx;
  return g;
}

/** Same output streams and error handling for every command in the tree. */
function configureTree(cmd: Command, ctx: CliContext): void {
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s) });
  for (const c of cmd.commands) configureTree(c, ctx);
}

export async function runCli(argv: readonly string[], ctx = new CliContext(), progName = progNameFromArgv()): Promise<number> {
  const program = buildProgram(ctx, progName);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(normaliseArgv(argv), { from: 'user' });
    return exitCodeOf(program) ?? EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      if (e.code === 'commander.executeSubCommandAsync') return EXIT_FAILURE;
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    ctx.err(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_FAILURE;
  }
}

/** Actions store their exit code on the root command (commander's action return value is ignored). */
export function setExitCode(cmd: Command, code: number): void {
  let root = cmd;
  while (root.parent) root = root.parent;
  (root as Command & { _exitCodeOverride?: number })._exitCodeOverride = code;
}
function exitCodeOf(program: Command): number | undefined {
  return (program as Command & { _exitCodeOverride?: number })._exitCodeOverride;
}

function progNameFromArgv(): string {
  const invoked = process.argv[1] ?? '';
  return /model_signing(\.js)?$/.test(invoked) ? 'model_signing' : 'model-signing';
}
