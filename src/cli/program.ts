/** The command tree: digest, sign <method>, verify <method>, inspect. Thin over the library API. */
import { Command, CommanderError } from 'commander';
import { CliContext, parseLogLevel } from './context.js';
import { commandIndex, normaliseArgv } from './argv.js';
import { EXIT_OK, EXIT_USAGE, EXIT_FAILURE, printable } from './errors.js';
import { setDebugSink } from '../debug-log.js';
import { packageVersion } from './version.js';
import { exitCodeOf } from './exit-code.js';
import { usageErrorJson } from './json-output.js';
import { configureHelpFor } from './help.js';
import { checkMethod } from './method-check.js';
export { setExitCode } from './exit-code.js';

/** Each method module contributes `sign <method>` and `verify <method>` subcommands. */
export interface MethodModule {
  signCommands(ctx: CliContext): Command[];
  verifyCommands(ctx: CliContext): Command[];
}

/**
 * Commands are loaded on use: signing and verification pull in X.509, Sigstore and PKCS #11 libraries
 * that `digest` never needs, and start-up time is most of a small model's hashing time.
 */
async function loadMethods(): Promise<MethodModule[]> {
  return Promise.all([
    import('./methods/sigstore.js'),
    import('./methods/key.js'),
    import('./methods/certificate.js'),
    import('./methods/pkcs11.js'),
  ]);
}

const DESCRIPTIONS = {
  digest: "Compute the model's root digest (no signing).",
  sign: 'Sign a model (method: sigstore [default], key, certificate, pkcs11-key, pkcs11-certificate).',
  verify: 'Verify a model (method: sigstore [default], key, certificate, pkcs11-key).',
  inspect: 'Show what a signature claims (NOT verified).',
  'serve-verifier': 'Serve the in-browser verification page on 127.0.0.1.',
} as const;
type TopCommand = keyof typeof DESCRIPTIONS;

/** The top-level command named in argv (options before it are program options), if any. */
function selectedCommand(argv: readonly string[]): TopCommand | null {
  const a = argv[commandIndex(argv)]; // `help sign` needs `sign` loaded
  return a !== undefined && a in DESCRIPTIONS ? (a as TopCommand) : null;
}

export async function buildProgram(ctx: CliContext, progName: string, argv: readonly string[] = []): Promise<Command> {
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
    setDebugSink(ctx.enabled('debug') ? (topic, m) => ctx.debug(`${topic}: ${printable(m)}`) : null);
  });

  // Only the selected command is loaded for real; the others are listed for help.
  const selected = selectedCommand(argv);
  for (const name of Object.keys(DESCRIPTIONS) as TopCommand[]) {
    if (name !== selected) program.addCommand(new Command(name).description(DESCRIPTIONS[name]));
    else if (name === 'digest') program.addCommand((await import('./digest.js')).digestCommand(ctx));
    else if (name === 'inspect') program.addCommand((await import('./inspect.js')).inspectCommand(ctx));
    else if (name === 'serve-verifier') program.addCommand((await import('./serve-verifier.js')).serveVerifierCommand(ctx));
    else {
      const methods = await loadMethods();
      program.addCommand(group(name, DESCRIPTIONS[name], methods, (m) => (name === 'sign' ? m.signCommands(ctx) : m.verifyCommands(ctx))));
    }
  }
  configureTree(program, ctx);
  return program;
}

function group(name: string, description: string, methods: MethodModule[], pick: (m: MethodModule) => Command[]): Command {
  const g = new Command(name).description(description).helpOption('-h, --help', 'Show this message and exit.');
  for (const m of methods) {
    for (const c of pick(m)) {
      // `sign MODEL ...` means `sign sigstore MODEL ...`, as in the Python CLI.
      g.addCommand(c, c.name() === 'sigstore' ? { isDefault: true } : undefined);
    }
  }
  return g;
}

/** Same output streams and error handling for every command in the tree. */
function configureTree(cmd: Command, ctx: CliContext): void {
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s) });
  configureHelpFor(cmd);
  for (const c of cmd.commands) configureTree(c, ctx);
}

export async function runCli(argv: readonly string[], ctx = new CliContext(), progName = progNameFromArgv()): Promise<number> {
  const normalised = normaliseArgv(argv);
  const program = await buildProgram(ctx, progName, normalised);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    checkMethod(program, normalised);
    await program.parseAsync(normalised, { from: 'user' });
    return exitCodeOf(program) ?? EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      if (e.code === 'commander.executeSubCommandAsync') return EXIT_FAILURE;
      if (e.exitCode === 0) return EXIT_OK;
      usageErrorJson(ctx, normalised, e.message);
      return EXIT_USAGE;
    }
    ctx.err(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_FAILURE;
  }
}


function progNameFromArgv(): string {
  const invoked = process.argv[1] ?? '';
  return /model_signing(\.js)?$/.test(invoked) ? 'model_signing' : 'model-signing';
}
