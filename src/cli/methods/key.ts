/** `sign key` / `verify key`: an EC key pair in PEM files (the reference's flags and spellings). */
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EllipticKeySigner } from '../../signers/key.js';
import { EllipticKeyVerifier } from '../../verifiers/key.js';
import { addPasswordOptions, keyPassword, type PasswordOptions } from '../password.js';
import { addSignOptions, addVerifyOptions, runSign, runVerify, type SignOptions, type VerifyOptions } from '../run.js';
import { withTimestamps } from '../../timestamp/signer.js';
import { addTsaSignOption, addTsaVerifyOptions, tsaSignOptions, tsaVerifyOptions, type TsaSignFlags, type TsaVerifyFlags } from '../timestamp-options.js';

export function signCommands(ctx: CliContext): Command[] {
  const cmd = new Command('key')
    .description('Sign with an EC private key (P-256, P-384 or P-521, PEM).')
    .argument('<MODEL_PATH>', 'Model directory or file.')
    .requiredOption('--private-key <path>', 'PEM private key (PKCS #8, SEC1; encrypted PKCS #8 needs a password).')
    .helpOption('-h, --help', 'Show this message and exit.');
  addPasswordOptions(cmd);
  addTsaSignOption(cmd);
  addSignOptions(cmd);
  cmd.action((modelPath: string, o: SignOptions & TsaSignFlags & PasswordOptions & { privateKey: string }, c: Command) =>
    runSign(ctx, c, modelPath, o, async () => {
      const password = await keyPassword(ctx, o.privateKey, o);
      return withTimestamps(
        EllipticKeySigner.fromFile({ privateKey: o.privateKey, ...(password !== undefined ? { password } : {}) }),
        tsaSignOptions(o),
      );
    }),
  );
  return [cmd];
}

export function verifyCommands(ctx: CliContext): Command[] {
  const cmd = new Command('key')
    .description('Verify with the EC public key (PEM) matching the signing key.')
    .argument('<MODEL_PATH>', 'Model directory or file.')
    .requiredOption('--public-key <path>', 'PEM public key.')
    .helpOption('-h, --help', 'Show this message and exit.');
  addTsaVerifyOptions(cmd);
  addVerifyOptions(cmd);
  cmd.action((modelPath: string, o: VerifyOptions & TsaVerifyFlags & { publicKey: string }, c: Command) =>
    runVerify(ctx, c, modelPath, o, () => EllipticKeyVerifier.fromFile(o.publicKey, tsaVerifyOptions(o))),
  );
  return [cmd];
}
