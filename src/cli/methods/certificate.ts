// Placeholder until the 'certificate' method lands.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { notAvailableCommand } from './stub.js';

export function signCommands(ctx: CliContext): Command[] {
  return [notAvailableCommand(ctx, 'certificate', 'Signing')];
}
export function verifyCommands(ctx: CliContext): Command[] {
  return [notAvailableCommand(ctx, 'certificate', 'Verification')];
}
