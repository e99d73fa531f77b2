/**
 * What every `sign <method>` / `verify <method>` command does around its signer or verifier:
 * the common flags, hashing with progress, the success line, and one-line errors plus the
 * per-file report. Method modules (key, certificate, sigstore, pkcs11) only build the signer
 * or verifier.
 */
import type { Command } from 'commander';
import * as hashing from '../api/hashing.js';
import * as signing from '../api/signing.js';
import * as verifying from '../api/verifying.js';
import { signatureIgnorePath } from '../model/ignore-paths.js';
import type { Signer } from '../signers/types.js';
import type { Verifier } from '../verifiers/types.js';
import { mismatchSummary, type VerificationReport } from '../verify-model.js';
import type { CliContext } from './context.js';
import { EXIT_FAILURE, printable, reportError } from './errors.js';
import {
  addCacheOptions,
  addHashingOptions,
  addModelOptions,
  applyCacheOptions,
  applyModelOptions,
  digestCacheFromOptions,
  hashingConfigFromOptions,
  type CacheOptions,
  type HashingOptions,
  type ModelOptions,
} from './hashing-options.js';
import { manifestJson, printJson } from './json-output.js';
import { checkReferenceSerialization, parseCompat, referenceIncompatibility } from '../compat/reference.js';
import { setExitCode } from './exit-code.js';
import { progressReporter } from './progress.js';
import { formatReport, reportJson } from './report.js';
import { metadataVerifyHint, signedMetadataNote } from './hf-hints.js';
import { addOciSignOptions, addOciVerifyOptions, ociTargetFromCli, type OciSignFlags, type OciVerifyFlags } from './oci.js';

export interface SignOptions extends HashingOptions, CacheOptions, OciSignFlags {
  signature: string;
  json?: boolean;
}
export interface VerifyOptions extends ModelOptions, CacheOptions, OciVerifyFlags {
  signature?: string;
  ignoreUnsignedFiles?: boolean;
  json?: boolean;
}

/** --signature (default model.sig, relative to the current directory), model and hashing flags, --json. */
export function addSignOptions(cmd: Command): Command {
  cmd.option('--signature <path>', 'Where to write the signature (relative to the current directory).', 'model.sig');
  addModelOptions(cmd);
  addHashingOptions(cmd);
  addCacheOptions(cmd);
  addOciSignOptions(cmd);
  return cmd.option('--json', 'Print the result (signed manifest summary) as JSON.');
}

/** --signature (required), model flags, --ignore-unsigned-files/--no-ignore-unsigned-files, --json. */
export function addVerifyOptions(cmd: Command): Command {
  // Required, except for an image reference (the signature is then looked up in the registry).
  cmd.option('--signature <path>', 'The signature file to verify (for an image reference: default, the one attached in the registry).');
  addModelOptions(cmd);
  addCacheOptions(cmd);
  addOciVerifyOptions(cmd);
  return cmd
    .option('--ignore-unsigned-files', 'Check only the files the signature lists; ignore other local files.')
    .option('--no-ignore-unsigned-files', 'Fail on local files the signature does not list (default).')
    .option('--json', 'Print the verification report as JSON.');
}

export async function runSign(
  ctx: CliContext,
  cmd: Command,
  modelArg: string | undefined,
  o: SignOptions,
  makeSigner: () => Promise<Signer> | Signer,
): Promise<void> {
  const oci = ociTargetFromCli(cmd, modelArg, o);
  if (oci) return (await import('./oci-run.js')).runSignOci(ctx, cmd, oci, o, makeSigner);
  const modelPath = modelArg!;
  const progress = progressReporter(ctx, 'hashing');
  try {
    const compat = parseCompat(o.compat ?? 'spec');
    const sigRel = signatureIgnorePath(modelPath, o.signature, process.cwd());
    const cfg = hashingConfigFromOptions(ctx, modelPath, o, sigRel !== null ? [sigRel] : []);
    if (compat === 'reference') checkReferenceSerialization(cfg.serialization); // before any sign-in
    const signer = await makeSigner();
    if (progress) cfg.setProgressHandler(progress.onProgress);
    applyCacheOptions(cfg, o, (hits, total) => ctx.info(`${hits} of ${total} digests reused from the digest cache`));
    const { manifest } = await new signing.Config().useSigner(signer).setHashingConfig(cfg).setCompat(compat).sign(modelPath, o.signature);
    progress?.done();
    const why = compat === 'spec' ? referenceIncompatibility(manifest) : null;
    if (why) ctx.info(`note: model_signing 1.1.1 cannot verify this signature (${why.why}); ${why.fix}`);
    const hfNote = signedMetadataNote(manifest, modelPath);
    if (hfNote) ctx.info(hfNote);
    if (o.json) printJson(ctx, 'sign', { signature: o.signature, compat, ...manifestJson(manifest) });
    else ctx.print('Signing succeeded');
  } catch (e) {
    progress?.done();
    if (o.json) printJson(ctx, 'sign', { signature: o.signature }, e);
    // Bad flag values found by the library (e.g. --shard-size 0) exit 1 like every other bad input;
    // exit 2 is for command lines commander cannot parse.
    setExitCode(cmd, reportError(ctx, 'Signing failed with error: ', e));
  }
}

export async function runVerify(
  ctx: CliContext,
  cmd: Command,
  modelArg: string | undefined,
  o: VerifyOptions,
  makeVerifier: () => Promise<Verifier> | Verifier,
): Promise<void> {
  const oci = ociTargetFromCli(cmd, modelArg, o);
  if (oci && (oci.kind === 'reference' || o.signature !== undefined)) return (await import('./oci-run.js')).runVerifyOci(ctx, cmd, oci, o, makeVerifier);
  if (o.signature === undefined) cmd.error("error: required option '--signature <path>' not specified", { exitCode: 2 });
  const signature = o.signature;
  const modelPath = modelArg!;
  const progress = progressReporter(ctx, 'hashing');
  try {
    // The library's verification, with the flags only adding exclusions to what the signature says.
    const cfg = new verifying.Config()
      .useVerifier(await makeVerifier())
      .setIgnoreUnsignedFiles(o.ignoreUnsignedFiles === true)
      .setHashingConfig(applyModelOptions(ctx, new hashing.Config(), modelPath, o))
      .setWarningHandler((m) => ctx.warn(m));
    if (progress) cfg.setProgressHandler(progress.onProgress);
    const cache = digestCacheFromOptions(o, (hits, total) => ctx.info(`${hits} of ${total} files trusted from the digest cache`));
    if (cache) cfg.useDigestCache(cache);
    let report: VerificationReport;
    try {
      report = await cfg.verify(modelPath, signature);
    } catch (e) {
      if (!(e instanceof verifying.VerificationMismatchError)) throw e;
      report = e.report;
    }
    progress?.done();
    if (o.json) printJson(ctx, 'verify', { signature, ...reportJson(report) }, report.ok ? undefined : new verifying.VerificationMismatchError(report));
    if (report.ok) {
      for (const t of report.signer.timestamps ?? []) ctx.info(`signature timestamped ${t.time} by '${printable(t.authority)}'`);
      if (!o.json) ctx.print('Verification succeeded');
      return;
    }
    ctx.err(`Verification failed with error: ${printable(mismatchSummary(report))}\n`);
    if (!o.json) ctx.err(formatReport(report, modelPath) + '\n');
    const hfHint = metadataVerifyHint(report, modelPath);
    if (hfHint) ctx.err(printable(hfHint) + '\n');
    setExitCode(cmd, EXIT_FAILURE);
  } catch (e) {
    progress?.done();
    if (o.json) printJson(ctx, 'verify', { signature }, e);
    setExitCode(cmd, reportError(ctx, 'Verification failed with error: ', e));
  }
}
