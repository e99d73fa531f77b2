/**
 * `sign pkcs11-key`, `sign pkcs11-certificate`, `verify pkcs11-key`: keys on a PKCS #11 token named
 * by an RFC 7512 URI. When the URI has no PIN and we run in a terminal, the PIN is asked for on
 * the terminal without echo.
 */
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { collect } from '../collect.js';
import { canPrompt, readHiddenLine } from '../hidden-prompt.js';
import { createPkcs11CertificateSigner, createPkcs11Signer } from '../../signers/pkcs11.js';
import { createPkcs11KeyVerifier } from '../../verifiers/pkcs11.js';
import { addSignOptions, addVerifyOptions, runSign, runVerify, type SignOptions, type VerifyOptions } from '../run.js';
import { checkTimestampOptions, withTimestamps } from '../../timestamp/signer.js';
import { addTsaSignOption, addTsaVerifyOptions, tsaSignOptions, tsaVerifyOptions, type TsaSignFlags, type TsaVerifyFlags } from '../timestamp-options.js';

const URI_HELP = 'RFC 7512 URI of the key, e.g. "pkcs11:token=mytoken;object=mykey?module-name=softhsm2&pin-source=/path/pin".';

/** A PIN prompt only when a person can answer it. */
function pinPrompt(): ((tokenLabel: string) => Promise<string>) | undefined {
  if (!canPrompt()) return undefined;
  return (label) =>
    readHiddenLine(`Enter the user PIN of PKCS #11 token '${label}': `, { code: 'PKCS11', what: 'PIN', otherwise: 'add pin-source=<file> to the URI' });
}

function warnAboutPinValue(ctx: CliContext, uri: string): void {
  if (/[?&]pin-value=/.test(uri)) {
    ctx.warn('the PIN in pin-value is visible to other users of this machine (process list, shell history); prefer pin-source=<file>');
  }
}

export function signCommands(ctx: CliContext): Command[] {
  const keyCmd = new Command('pkcs11-key')
    .description('Sign with an EC private key on a PKCS #11 token (P-256, P-384 or P-521).')
    .argument('<MODEL_PATH>', 'Model directory or file.')
    .requiredOption('--pkcs11-uri <uri>', URI_HELP)
    .helpOption('-h, --help', 'Show this message and exit.');
  addTsaSignOption(keyCmd);
  addSignOptions(keyCmd);
  keyCmd.action((modelPath: string, o: SignOptions & TsaSignFlags & { pkcs11Uri: string }, c: Command) => {
    warnAboutPinValue(ctx, o.pkcs11Uri);
    const prompt = pinPrompt();
    return runSign(ctx, c, modelPath, o, async () => {
      checkTimestampOptions(tsaSignOptions(o)); // before the token is opened
      return withTimestamps(await createPkcs11Signer({ pkcs11Uri: o.pkcs11Uri, ...(prompt ? { pinPrompt: prompt } : {}) }), tsaSignOptions(o));
    });
  });

  const certCmd = new Command('pkcs11-certificate')
    .description('Sign with an EC private key on a PKCS #11 token and its signing certificate (PEM).')
    .argument('<MODEL_PATH>', 'Model directory or file.')
    .requiredOption('--pkcs11-uri <uri>', URI_HELP)
    .requiredOption('--signing-certificate <path>', 'PEM signing (leaf) certificate of the token key.')
    .option('--certificate-chain <path>', 'PEM file of intermediate certificates to embed (repeatable).', collect)
    .helpOption('-h, --help', 'Show this message and exit.');
  addTsaSignOption(certCmd);
  addSignOptions(certCmd);
  type CertOpts = SignOptions & TsaSignFlags & { pkcs11Uri: string; signingCertificate: string; certificateChain?: string[] };
  certCmd.action((modelPath: string, o: CertOpts, c: Command) => {
    warnAboutPinValue(ctx, o.pkcs11Uri);
    const prompt = pinPrompt();
    return runSign(ctx, c, modelPath, o, async () => {
      checkTimestampOptions(tsaSignOptions(o));
      const signer = await createPkcs11CertificateSigner({
        pkcs11Uri: o.pkcs11Uri,
        signingCertificate: o.signingCertificate,
        certificateChain: o.certificateChain ?? [],
        ...(prompt ? { pinPrompt: prompt } : {}),
      });
      for (const w of signer.chainWarnings()) ctx.warn(w);
      return withTimestamps(signer, tsaSignOptions(o));
    });
  });
  return [keyCmd, certCmd];
}

export function verifyCommands(ctx: CliContext): Command[] {
  const cmd = new Command('pkcs11-key')
    .description('Verify with the EC public key read from a PKCS #11 token.')
    .argument('<MODEL_PATH>', 'Model directory or file.')
    .requiredOption('--pkcs11-uri <uri>', URI_HELP)
    .helpOption('-h, --help', 'Show this message and exit.');
  addTsaVerifyOptions(cmd);
  addVerifyOptions(cmd);
  cmd.action((modelPath: string, o: VerifyOptions & TsaVerifyFlags & { pkcs11Uri: string }, c: Command) => {
    warnAboutPinValue(ctx, o.pkcs11Uri);
    const prompt = pinPrompt();
    return runVerify(ctx, c, modelPath, o, () =>
      createPkcs11KeyVerifier({ pkcs11Uri: o.pkcs11Uri, ...(prompt ? { pinPrompt: prompt } : {}), ...tsaVerifyOptions(o) }),
    );
  });
  return [cmd];
}
