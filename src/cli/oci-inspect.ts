/**
 * `inspect IMAGE_REFERENCE`: the signatures attached to an image in the registry, with the image
 * reference and manifest digest; the newest is described like a signature file. NOT verified.
 */
import { ModelSigningError } from '../errors.js';
import { findSignatures } from '../oci/attach.js';
import { loadFromRegistry } from '../oci/load.js';
import { parseReference } from '../oci/reference.js';
import type { CliContext } from './context.js';
import { printable } from './errors.js';
import { formatInspect, inspectBundle, inspectToJson, type InspectInfo } from './inspect.js';
import { printJson } from './json-output.js';

export interface OciInspectFlags {
  json?: boolean;
  insecure?: boolean;
  forceInsecure?: boolean;
  platform?: string;
}

export async function inspectReference(ctx: CliContext, target: string, o: OciInspectFlags): Promise<InspectInfo> {
  const ref = parseReference(target);
  const img = await loadFromRegistry(ref, {
    ...(o.insecure ? { insecure: true } : {}),
    ...(o.forceInsecure ? { forceInsecure: true } : {}),
    ...(o.platform !== undefined ? { platform: o.platform } : {}),
  });
  const found = await findSignatures(img.client!, ref.repository, img.manifest.digest, (m) => ctx.warn(`skipping an unreadable attached signature: ${m}`));
  if (found.length === 0) throw new ModelSigningError('BUNDLE', `${target}: no signature attached to ${img.manifest.digest}`);
  const newest = found[0]!;
  const info = inspectBundle(newest.bundle);
  const image = {
    reference: target,
    digest: img.manifest.digest,
    signatures: found.map((f) => ({ digest: f.digest, location: f.location })),
  };
  if (o.json) {
    printJson(ctx, 'inspect', { ...inspectToJson(info), image }, info.statementError ? new ModelSigningError('BUNDLE', info.statementError) : undefined);
  } else {
    const lines = [
      `image reference: ${printable(target)}`,
      `manifest digest: ${image.digest}`,
      `signatures attached: ${found.length} (newest first)`,
      ...found.map((f) => `  ${f.digest} (${f.location})`),
      `newest signature:`,
    ];
    ctx.print(lines.join('\n'));
    ctx.print(formatInspect(info));
  }
  return info;
}
