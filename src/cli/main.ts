#!/usr/bin/env node
// Entry point of the `model-signing` / `model_signing` commands: all logic lives in program.ts.
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2));
