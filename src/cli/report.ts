/** The verification report as readable text (each difference with both digests) and as JSON. */
import { basename, resolve } from 'node:path';
import type { VerificationReport } from '../verify-model.js';
import { resourcesJson, serializationJson } from './json-output.js';
import { printable } from './errors.js';

/** Long lists are cut in the text form; --json always has everything. */
const MAX_LINES_PER_SECTION = 50;

function section(title: string, items: string[], render: (s: string) => string[]): string[] {
  if (items.length === 0) return [];
  const out = [`  ${title} (${items.length}):`];
  for (const item of items.slice(0, MAX_LINES_PER_SECTION)) out.push(...render(item));
  if (items.length > MAX_LINES_PER_SECTION) out.push(`    ... and ${items.length - MAX_LINES_PER_SECTION} more (use --json for the full list)`);
  return out;
}

/**
 * Multi-line text for a failed verification (empty for a successful one). It names `modelPath`, the
 * folder being verified: the name recorded in the signature is the signer's and can differ.
 */
export function formatReport(r: VerificationReport, modelPath?: string): string {
  if (r.ok) return '';
  const algo = r.serialization.hashType;
  // Names come from the model and the signature: escaped, so they cannot add lines or redraw the terminal.
  const shown = modelPath ?? r.modelName;
  const signedAs = modelPath !== undefined && r.modelName !== '' && r.modelName !== basename(resolve(modelPath)) ? ` (signed as '${printable(r.modelName)}')` : '';
  const lines = [`Model '${printable(shown || '(unnamed)')}'${signedAs} does not match its signature (signed by ${printable(r.signer.description)}):`];
  const byName = new Map(r.mismatches.map((m) => [m.name, m] as const));
  lines.push(
    ...section('Changed', [...byName.keys()], (name) => {
      const m = byName.get(name)!;
      return [
        `    ${printable(name)}`,
        `      expected: ${m.expected === null ? '(not in the signature)' : `${algo}:${m.expected}`}`,
        `      actual:   ${m.actual === null ? '(not in the model)' : `${algo}:${m.actual}`}`,
      ];
    }),
  );
  lines.push(...section('Missing (signed but not found in the model)', r.missingFiles, (n) => [`    ${printable(n)}`]));
  lines.push(
    ...section('Extra (in the model but not signed; --ignore-unsigned-files skips them)', r.extraFiles, (n) => [`    ${printable(n)}`]),
  );
  return lines.join('\n');
}

/** The report's fields of the `verify --json` document (see json-output.ts). */
export function reportJson(r: VerificationReport): Record<string, unknown> {
  return {
    modelName: r.modelName,
    predicateType: r.predicateType,
    format: r.format,
    rootDigest: r.rootDigest === null ? null : { sha256: r.rootDigest },
    serialization: serializationJson(r.serialization),
    resourceCount: r.resourceCount,
    resources: resourcesJson(r.resources),
    signer: { ...r.signer },
    warnings: r.warnings,
    mismatches: r.mismatches.map((m) => ({ name: m.name, expected: m.expected, actual: m.actual })),
    missingFiles: r.missingFiles,
    extraFiles: r.extraFiles,
  };
}

/** The earlier name: the report's `verify --json` fields with the signature path. */
export function reportToJson(r: VerificationReport, signature?: string): Record<string, unknown> {
  return { ...(signature !== undefined ? { signature } : {}), ...reportJson(r) };
}
