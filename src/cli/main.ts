#!/usr/bin/env node
// Entry point of the `model-signing` / `model_signing` commands: all logic lives in program.ts.
import module from 'node:module';
import { isSupportedNode, unsupportedNodeMessage } from './node-version.js';

// Checked before anything else is loaded: on an old Node the dependencies may not even parse, and a user
// deserves one line saying which Node is needed, not a syntax error or a stack trace.
if (!isSupportedNode(process.version)) {
  process.stderr.write(`Error: ${unsupportedNodeMessage(process.version)}\n`);
  process.exit(1);
}

// Node >= 22.1 can cache compiled code between runs (start-up is most of a small model's time).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const args = process.argv.slice(2);
await (await import('./early-start.js')).startHashingEarly(args);
const { runCli } = await import('./program.js');

// Ctrl-C / kill: exit through Node instead of the default signal action. JavaScript handlers run between
// synchronous calls, so a signature being written (temp file, fsync, rename: all synchronous) is always
// finished or never started, and no temp file is left behind. 128 + signal number, as shells report.
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

// `model-signing digest --json | head -2`: the reader has gone, so stop quietly as other Unix tools do
// (exit 128 + SIGPIPE, the status a shell reports for them) instead of an unhandled EPIPE stack trace.
// Signature writes are synchronous, so one is finished or not started (see above). A closed stderr only
// loses messages: the command carries on and its exit status still tells.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(141);
  throw e;
});
process.stderr.on('error', () => {});

process.exitCode = await runCli(args);
