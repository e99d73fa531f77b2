/** `sign key` / `verify key`: an EC key pair in PEM files (the reference's flags and spellings). */
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EllipticKeySigner } from '../../signers/key.js';
import { EllipticKeyVerifier } from '../../verifiers/key.js';
import { addSignOptions, addVerifyOptions, runSign, runVerify, type SignOptions, type VerifyOptions } from '../run.js';

export function signCommands(ctx: CliContext): Command[] {
  const cmd = new Command('key')
    .description('Sign with an EC private key (P-256, P-384 or P-521, PEM).')
    .argument('<MODEL_PATH>', 'Model directory or file.')
    .requiredOption('--private-key <path>', 'PEM private key (PKCS #8, SEC1; encrypted PKCS #8 needs --password).')
    .option('--password <password>', 'Password of an encrypted private key.')
    .helpOption('-h, --help', 'Show this message and exit.');
  addSignOptions(cmd);
  cmd.action((modelPath: string, o: SignOptions & { privateKey: string; password?: string }, c: Command) =>
    runSign(ctx, c, modelPath, o, () =>
      EllipticKeySigner.fromFile({ privateKey: o.privateKey, ...(o.password !== undefined ? { password: o.password } : {}) }),
    ),
  );
  return [cmd];
}

export function verifyCommands(ctx: CliContext): Command[] {
  const cmd = new Command('key')
    .description('Verify with the EC public key (PEM) matching the signing key.')
    .argument('<MODEL_PATH>', 'Model directory or file.')
    .requiredOption('--public-key <path>', 'PEM public key.')
    .helpOption('-h, --help', 'Show this message and exit.');
  addVerifyOptions(cmd);
  cmd.action((modelPath: string, o: VerifyOptions & { publicKey: string }, c: Command) =>
    runVerify(ctx, c, modelPath, o, () => EllipticKeyVerifier.fromFile(o.publicKey)),
  );
  return [cmd];
}
