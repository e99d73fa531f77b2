// Placeholder until the PKCS #11 methods land.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { notAvailableCommand } from './stub.js';

export function signCommands(ctx: CliContext): Command[] {
  return [notAvailableCommand(ctx, 'pkcs11-key', 'Signing'), notAvailableCommand(ctx, 'pkcs11-certificate', 'Signing')];
}
export function verifyCommands(ctx: CliContext): Command[] {
  return [notAvailableCommand(ctx, 'pkcs11-key', 'Verification')];
}
