/**
 * OCI targets on `sign <method>` / `verify <method>`: an image reference or an image manifest file in
 * place of the model path. The flags follow the Red Hat fork (--output-mode, --attachment-mode,
 * --local-model) and model-transparency PR #623 (--oci-manifest).
 */
import { Command, Option } from 'commander';
import { ociTargetOf, type OciTarget } from '../oci/target.js';
import { EXIT_USAGE } from './errors.js';

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

