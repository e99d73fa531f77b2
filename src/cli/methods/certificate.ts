/** `sign certificate` / `verify certificate`: an EC key with its X.509 certificate and chain. */
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { collect } from '../collect.js';
import { CertificateSigner } from '../../signers/certificate.js';
import { CertificateVerifier } from '../../verifiers/certificate.js';
import { addPasswordOptions, keyPassword, type PasswordOptions } from '../password.js';
import { addSignOptions, addVerifyOptions, runSign, runVerify, type SignOptions, type VerifyOptions } from '../run.js';
import { withTimestamps } from '../../timestamp/signer.js';
import { addTsaSignOption, addTsaVerifyOptions, tsaSignOptions, tsaVerifyOptions, type TsaSignFlags, type TsaVerifyFlags } from '../timestamp-options.js';

export function signCommands(ctx: CliContext): Command[] {
  const cmd = new Command('certificate')
    .description('Sign with an EC private key and its signing certificate (PEM).')
    .argument('<MODEL_PATH>', 'Model directory or file.')
    .requiredOption('--private-key <path>', 'PEM private key of the signing certificate.')
    .requiredOption('--signing-certificate <path>', 'PEM signing (leaf) certificate.')
    .option('--certificate-chain <path>', 'PEM file of intermediate certificates to embed (repeatable).', collect)
    .helpOption('-h, --help', 'Show this message and exit.');
  addPasswordOptions(cmd);
  addTsaSignOption(cmd);
  addSignOptions(cmd);
  type Opts = SignOptions & TsaSignFlags & PasswordOptions & { privateKey: string; signingCertificate: string; certificateChain?: string[] };
  cmd.action((modelPath: string, o: Opts, c: Command) =>
    runSign(ctx, c, modelPath, o, async () => {
      const password = await keyPassword(ctx, o.privateKey, o);
      const signer = CertificateSigner.fromFiles({
        privateKey: o.privateKey,
        ...(password !== undefined ? { password } : {}),
        signingCertificate: o.signingCertificate,
        certificateChain: o.certificateChain ?? [],
      });
      for (const w of signer.chainWarnings()) ctx.warn(w);
      return withTimestamps(signer, tsaSignOptions(o));
    }),
  );
  return [cmd];
}

export function verifyCommands(ctx: CliContext): Command[] {
  const cmd = new Command('certificate')
    .description('Verify a certificate signature against trusted CA certificates.')
    .argument('<MODEL_PATH>', 'Model directory or file.')
    .option('--certificate-chain <path>', 'PEM file of trusted CA certificates (repeatable; default: the bundled root store).', collect)
    .option('--log-fingerprints', 'Log the SHA-256 fingerprints of the trusted and the signing certificates.')
    .helpOption('-h, --help', 'Show this message and exit.');
  addTsaVerifyOptions(cmd);
  addVerifyOptions(cmd);
  type Opts = VerifyOptions & TsaVerifyFlags & { certificateChain?: string[]; logFingerprints?: boolean };
  cmd.action((modelPath: string, o: Opts, c: Command) =>
    runVerify(ctx, c, modelPath, o, () =>
      CertificateVerifier.fromFiles(o.certificateChain ?? [], {
        ...(o.logFingerprints ? { onFingerprint: (line: string) => ctx.info(line) } : {}),
        ...tsaVerifyOptions(o),
      }),
    ),
  );
  return [cmd];
}
