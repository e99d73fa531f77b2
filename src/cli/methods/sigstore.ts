/**
 * `sign sigstore` / `verify sigstore` (the default method): keyless signing with an OIDC identity, and
 * verification against the public-good, staging or a private instance's trusted root.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { createInterface } from 'node:readline';
import type { CliContext } from '../context.js';
import { createSigstoreSigner } from '../../signers/sigstore.js';
import { createSigstoreVerifier } from '../../verifiers/sigstore.js';
import type { AuthUrlInfo } from '../../oidc/interactive.js';
import { addSignOptions, addVerifyOptions, runSign, runVerify, type SignOptions, type VerifyOptions } from '../run.js';
import { anchoredRegExp } from '../../verifiers/identity-match.js';
import { errorMessage } from '../../errors.js';

interface SigstoreSignFlags extends SignOptions {
  useStaging?: boolean;
  trustConfig?: string;
  useAmbientCredentials?: boolean;
  identityToken?: string;
  oauthForceOob?: boolean;
  clientId?: string;
  clientSecret?: string;
  oidcIssuer?: string;
}
interface SigstoreVerifyFlags extends VerifyOptions {
  identity?: string;
  identityRegexp?: string;
  identityProvider?: string;
  identityProviderRegexp?: string;
  useStaging?: boolean;
  trustConfig?: string;
  offline?: boolean;
}

export function signCommands(ctx: CliContext): Command[] {
  const cmd = new Command('sigstore')
    .description('Sign with Sigstore keyless signing (the default): an OIDC identity, a short-lived Fulcio certificate, a Rekor entry.')
    .argument('<MODEL_PATH>', 'Model directory or file.')
    .option('--use-staging', 'Use the Sigstore staging instance.')
    .option('--trust-config <path>', 'ClientTrustConfig JSON (trusted root + signing config) of a private Sigstore instance.')
    .option('--use-ambient-credentials', 'Use the CI workload identity ($SIGSTORE_ID_TOKEN, GitHub Actions OIDC); falls back to the browser.')
    .option('--identity-token <token>', 'A ready OIDC identity token (JWT) to sign with.')
    .option('--oauth-force-oob', 'Out-of-band sign-in: print the URL and read the code from the terminal.')
    .option('--client-id <id>', 'OAuth client id for the sign-in.', 'sigstore')
    .option('--client-secret <secret>', 'OAuth client secret for the sign-in.')
    .option('--oidc-issuer <url>', 'OIDC issuer for the sign-in (default: the instance\'s, https://oauth2.sigstore.dev/auth for public-good).')
    .helpOption('-h, --help', 'Show this message and exit.');
  addSignOptions(cmd);
  cmd.action((modelPath: string, o: SigstoreSignFlags, c: Command) =>
    runSign(ctx, c, modelPath, o, () =>
      createSigstoreSigner({
        ...(o.identityToken !== undefined ? { identityToken: o.identityToken } : {}),
        ...(o.useAmbientCredentials ? { useAmbientCredentials: true } : {}),
        ...(o.useStaging ? { useStaging: true } : {}),
        ...(o.oauthForceOob ? { forceOob: true } : {}),
        ...(o.clientId !== undefined ? { clientId: o.clientId } : {}),
        ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}),
        ...(o.trustConfig !== undefined ? { trustConfig: o.trustConfig } : {}),
        ...(o.oidcIssuer !== undefined ? { oidcIssuer: o.oidcIssuer } : {}),
        onAuthUrl: (url, info) => showAuthUrl(ctx, url, info),
        readCode: (prompt) => readLine(ctx, prompt),
        ...(browserDisabled() ? { openBrowser: async () => false } : {}),
        onWarning: (m) => ctx.warn(m),
        onNotice: (m) => ctx.info(m),
      }),
    ),
  );
  return [cmd];
}

export function verifyCommands(ctx: CliContext): Command[] {
  const cmd = new Command('sigstore')
    .description('Verify a Sigstore keyless signature: the certificate identity and its OIDC issuer must match exactly (or a whole-value pattern).')
    .argument('<MODEL_PATH>', 'Model directory or file.')
    .addOption(new Option('--identity <identity>', 'Expected signer identity (certificate SAN: email or URI), compared exactly.').conflicts('identityRegexp'))
    .addOption(
      new Option('--identity-regexp <pattern>', 'Instead of --identity: a JavaScript regular expression the WHOLE identity must match (anchored at both ends).')
        .argParser(regexpArg('--identity-regexp')),
    )
    .addOption(new Option('--identity-provider <url>', 'Expected OIDC issuer of the identity, compared exactly.').conflicts('identityProviderRegexp'))
    .addOption(
      new Option('--identity-provider-regexp <pattern>', 'Instead of --identity-provider: a regular expression the WHOLE issuer must match.')
        .argParser(regexpArg('--identity-provider-regexp')),
    )
    .option('--use-staging', 'Use the Sigstore staging instance.')
    .option('--trust-config <path>', 'ClientTrustConfig JSON of a private Sigstore instance (its trusted root is used).')
    .option('--offline', 'Do not refresh the trusted root through TUF; use the cached or embedded one.')
    .helpOption('-h, --help', 'Show this message and exit.');
  addVerifyOptions(cmd);
  cmd.action((modelPath: string, o: SigstoreVerifyFlags, c: Command) => {
    // commander has no "one of these two is required".
    if (o.identity === undefined && o.identityRegexp === undefined) c.error("error: required option '--identity <identity>' (or --identity-regexp) not specified", { exitCode: 2 });
    if (o.identityProvider === undefined && o.identityProviderRegexp === undefined) {
      c.error("error: required option '--identity-provider <url>' (or --identity-provider-regexp) not specified", { exitCode: 2 });
    }
    return runVerify(ctx, c, modelPath, o, () =>
      createSigstoreVerifier({
        ...(o.identity !== undefined ? { identity: o.identity } : {}),
        ...(o.identityRegexp !== undefined ? { identityRegexp: o.identityRegexp } : {}),
        ...(o.identityProvider !== undefined ? { oidcIssuer: o.identityProvider } : {}),
        ...(o.identityProviderRegexp !== undefined ? { oidcIssuerRegexp: o.identityProviderRegexp } : {}),
        ...(o.useStaging ? { useStaging: true } : {}),
        ...(o.trustConfig !== undefined ? { trustConfig: o.trustConfig } : {}),
        ...(o.offline ? { offline: true } : {}),
      }),
    );
  });
  return [cmd];
}

/** Checks a pattern while parsing, so an invalid one is a usage error (exit 2). */
function regexpArg(flag: string): (value: string) => string {
  return (value) => {
    try {
      anchoredRegExp(value, flag);
    } catch (e) {
      throw new InvalidArgumentError(errorMessage(e));
    }
    return value;
  };
}

/** MODEL_SIGNING_BROWSER=none: never launch a browser, only print the URL (headless machines, tests). */
function browserDisabled(): boolean {
  return (process.env['MODEL_SIGNING_BROWSER'] ?? '').toLowerCase() === 'none';
}

// The URL must reach the user even with --quiet: it is the only way to finish signing.
function showAuthUrl(ctx: CliContext, url: string, info: AuthUrlInfo): void {
  const lead = info.browserOpened ? 'Your browser was opened to sign in; if it did not show up, go to:' : 'Go to the following link in a browser:';
  ctx.err(`${lead}\n\n\t${url}\n\n`);
  if (!info.oob) ctx.err('Waiting for browser interaction...\n');
}

function readLine(ctx: CliContext, prompt: string): Promise<string> {
  ctx.err(prompt);
  const rl = createInterface({ input: process.stdin, terminal: false });
  return new Promise((resolve) => {
    let done = false;
    const finish = (line: string) => {
      if (done) return;
      done = true;
      rl.close();
      resolve(line);
    };
    rl.once('line', finish);
    rl.once('close', () => finish(''));
  });
}
