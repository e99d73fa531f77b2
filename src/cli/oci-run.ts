/** Running `sign`/`verify` on an OCI target (loaded only when the target is one). */
import type { Command } from 'commander';
import type { Signer } from '../signers/types.js';
import type { Verifier } from '../verifiers/types.js';
import type { OciTarget } from '../oci/target.js';
import { signOci, type OutputMode } from '../oci/sign.js';
import { verifyOci, type OciVerificationReport } from '../oci/verify.js';
import type { AttachmentMode } from '../oci/attach.js';
import type { RegistryOptions } from '../oci/registry-client.js';
import { mismatchSummary } from '../verify-model.js';
import type { CliContext } from './context.js';
import { EXIT_FAILURE, printable, reportError } from './errors.js';
import { setExitCode } from './exit-code.js';
import { manifestJson, printJson } from './json-output.js';
import { formatReport, reportJson } from './report.js';
import { VerificationMismatchError } from '../verify-model.js';
import type { OciFlags, OciSignFlags, OciVerifyFlags } from './oci.js';

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
      printJson(ctx, 'sign', {
        ...(r.signaturePath !== null ? { signature: r.signaturePath } : {}),
        compat: 'spec',
        ...manifestJson(r.manifest),
        image: {
          reference: r.reference,
          digest: r.imageDigest,
          attached: r.attached ? { location: r.attached.location, digest: r.attached.digest, tag: r.attached.tag ?? null } : null,
        },
      });
    } else ctx.print('Signing succeeded');
  } catch (e) {
    if (o.json) printJson(ctx, 'sign', o.outputMode === 'registry' || (o.outputMode === undefined && target.kind === 'reference') ? {} : { signature: o.signature }, e);
    setExitCode(cmd, reportError(ctx, 'Signing failed with error: ', e));
  }
}

function ociReportJson(r: OciVerificationReport, signature: string | undefined): Record<string, unknown> {
  return {
    ...(signature !== undefined ? { signature } : {}),
    ...reportJson(r),
    image: {
      reference: r.image.reference,
      digest: r.image.digest,
      signatureLocation: r.image.signatureLocation,
      signatureDigest: r.image.signatureDigest,
      layersChecked: r.layersChecked,
      localModel: r.localModel,
    },
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
    if (o.json) printJson(ctx, 'verify', ociReportJson(r, o.signature), r.ok ? undefined : new VerificationMismatchError(r));
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
    if (o.json) printJson(ctx, 'verify', o.signature !== undefined ? { signature: o.signature } : {}, e);
    setExitCode(cmd, reportError(ctx, 'Verification failed with error: ', e));
  }
}
