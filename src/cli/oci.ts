/**
 * OCI targets on `sign <method>` / `verify <method>`: an image reference or an image manifest file in
 * place of the model path. The flags follow the Red Hat fork (--output-mode, --attachment-mode,
 * --local-model) and model-transparency PR #623 (--oci-manifest).
 */
import { Command, Option } from 'commander';
import { ModelSigningError, errorMessage } from '../errors.js';
import type { Signer } from '../signers/types.js';
import type { Verifier } from '../verifiers/types.js';
import { ociTargetOf, type OciTarget } from '../oci/load.js';
import { signOci, type OutputMode } from '../oci/sign.js';
import { verifyOci, type OciVerificationReport } from '../oci/verify.js';
import type { AttachmentMode } from '../oci/attach.js';
import type { RegistryOptions } from '../oci/registry-client.js';
import { mismatchSummary } from '../verify-model.js';
import type { CliContext } from './context.js';
import { EXIT_FAILURE, EXIT_USAGE, printable, reportError } from './errors.js';
import { setExitCode } from './exit-code.js';
import { manifestToJson } from './manifest-json.js';
import { formatReport, reportToJson } from './report.js';

export interface OciFlags {
  ociManifest?: string | boolean;
  platform?: string;
  insecure?: boolean;
  forceInsecure?: boolean;
  ignorePaths?: string[];
  json?: boolean;
}
export interface OciSignFlags extends OciFlags {
  outputMode?: string;
  attachmentMode?: string;
  signature: string;
  signatureGiven?: boolean;
}
export interface OciVerifyFlags extends OciFlags {
  signature?: string;
  localModel?: string;
}

function addRegistryOptions(cmd: Command): Command {
  return cmd
    .option('--oci-manifest [file]', 'The target is a local OCI image manifest file (JSON, e.g. from skopeo inspect --raw).')
    .option('--platform <os/arch>', 'Pick this platform\'s manifest when the reference names an image index.')
    .option('--insecure', 'Talk plain HTTP to the registry (loopback registries only).')
    .addOption(new Option('--force-insecure', 'Allow --insecure for a registry that is not on this machine.').hideHelp());
}

/** Model path may now be an image reference or a manifest file: the positional becomes optional for --oci-manifest FILE. */
const TARGET_HELP = 'Model directory or file, an image reference ([oci://]host/repo:tag|@sha256:...), or an OCI image manifest file.';

export function addOciSignOptions(cmd: Command): Command {
  const arg = cmd.registeredArguments[0];
  if (arg) arg.argOptional().description = TARGET_HELP;
  return addRegistryOptions(cmd)
    .addOption(new Option('--output-mode <mode>', 'Where the signature of an image goes (default: registry for references, file for manifest files).').choices(['registry', 'file', 'both']))
    .addOption(new Option('--attachment-mode <mode>', 'How the signature is attached in the registry.').choices(['referrers', 'tag']).default('referrers'));
}

export function addOciVerifyOptions(cmd: Command): Command {
  const arg = cmd.registeredArguments[0];
  if (arg) arg.argOptional().description = TARGET_HELP;
  return addRegistryOptions(cmd).option('--local-model <dir>', 'Also hash this local folder (pulled artifact or unpacked ModelCar) against the signed names.');
}

/**
 * The OCI target the command line names, or null for an ordinary model. Throws a commander usage
 * error (exit 2) for a missing target.
 */
export function ociTargetFromCli(cmd: Command, modelPath: string | undefined, o: OciFlags): OciTarget | null {
  if (typeof o.ociManifest === 'string') {
    if (modelPath !== undefined) cmd.error(`error: give the manifest either with --oci-manifest FILE or as the argument, not both`, { exitCode: EXIT_USAGE });
    return { kind: 'file', path: o.ociManifest };
  }
  if (modelPath === undefined) cmd.error(`error: missing required argument 'MODEL_PATH'`, { exitCode: EXIT_USAGE });
  return ociTargetOf(modelPath, o.ociManifest === true);
}

function registryOptions(o: OciFlags): RegistryOptions {
  return { ...(o.insecure ? { insecure: true } : {}), ...(o.forceInsecure ? { forceInsecure: true } : {}) };
}

/** --ignore-paths name resources of the manifest (`config.json`), not files under the current directory. */
function resourceIgnores(o: OciFlags): string[] {
  return (o.ignorePaths ?? []).map((p) => p.replace(/^(\.\/)+/, '').replace(/\/+$/, ''));
}

const describeTarget = (t: OciTarget) => (t.kind === 'file' ? t.path : t.reference.original);

export async function runSignOci(ctx: CliContext, cmd: Command, target: OciTarget, o: OciSignFlags, makeSigner: () => Promise<Signer> | Signer): Promise<void> {
  try {
    const r = await signOci({
      signer: makeSigner,
      target,
      ...(o.outputMode !== undefined ? { outputMode: o.outputMode as OutputMode } : {}),
      signaturePath: o.signature,
      attachmentMode: (o.attachmentMode ?? 'referrers') as AttachmentMode,
      ...(o.platform !== undefined ? { platform: o.platform } : {}),
      registry: registryOptions(o),
      ignorePaths: resourceIgnores(o),
    });
    if (r.attached) {
      const where = r.attached.location === 'signature tag' ? `tag ${r.attached.tag}` : r.attached.location === 'referrers tag' ? `referrers tag ${r.attached.tag} (the registry has no referrers API)` : 'referrers API';
      ctx.info(`Signature attached to ${r.reference}@${r.imageDigest} as ${r.attached.digest} (${where})`);
    }
    if (o.json) {
      ctx.print(
        JSON.stringify(
          {
            ok: true,
            signature: r.signaturePath,
            image: { reference: r.reference, digest: r.imageDigest },
            attached: r.attached ? { location: r.attached.location, digest: r.attached.digest, tag: r.attached.tag ?? null } : null,
            ...manifestToJson(r.manifest),
            resource_count: r.manifest.resources.length,
          },
          null,
          2,
        ),
      );
    } else ctx.print('Signing succeeded');
  } catch (e) {
    if (o.json) ctx.print(JSON.stringify({ ok: false, error: { code: e instanceof ModelSigningError ? e.code : 'INTERNAL', message: errorMessage(e) } }, null, 2));
    setExitCode(cmd, reportError(ctx, 'Signing failed with error: ', e));
  }
}

function ociReportJson(r: OciVerificationReport, signature: string | undefined): Record<string, unknown> {
  return {
    ...reportToJson(r, signature),
    image: {
      reference: r.image.reference,
      digest: r.image.digest,
      signature_location: r.image.signatureLocation,
      signature_digest: r.image.signatureDigest,
    },
    layers_checked: r.layersChecked,
    local_model: r.localModel,
  };
}

export async function runVerifyOci(ctx: CliContext, cmd: Command, target: OciTarget, o: OciVerifyFlags, makeVerifier: () => Promise<Verifier> | Verifier): Promise<void> {
  try {
    const r = await verifyOci({
      verifier: await makeVerifier(),
      target,
      ...(o.signature !== undefined ? { signaturePath: o.signature } : {}),
      ...(o.platform !== undefined ? { platform: o.platform } : {}),
      ...(o.localModel !== undefined ? { localModel: o.localModel } : {}),
      registry: registryOptions(o),
      ignorePaths: resourceIgnores(o),
      onWarning: (m) => ctx.warn(m),
    });
    if (o.json) ctx.print(JSON.stringify(ociReportJson(r, o.signature), null, 2));
    if (r.image.signatureLocation !== 'file') {
      ctx.info(`Signature ${r.image.signatureDigest} found in the ${r.image.signatureLocation} of ${describeTarget(target)}@${r.image.digest}`);
    }
    if (r.ok) {
      if (!o.json) ctx.print('Verification succeeded');
      return;
    }
    ctx.err(`Verification failed with error: ${printable(`${describeTarget(target)}: ${mismatchSummary(r)}`)}\n`);
    if (!o.json) ctx.err(formatReport(r) + '\n');
    setExitCode(cmd, EXIT_FAILURE);
  } catch (e) {
    if (o.json) ctx.print(JSON.stringify({ ok: false, error: { code: e instanceof ModelSigningError ? e.code : 'INTERNAL', message: errorMessage(e) } }, null, 2));
    setExitCode(cmd, reportError(ctx, 'Verification failed with error: ', e));
  }
}
