/**
 * `inspect SIGNATURE [--json]`: what a signature CLAIMS (method, signer hints, model name, root
 * digest, serialization, counts). Nothing is verified: no signature, trust or model check. Each
 * method has its own describer below; unknown or damaged fields are shown as such, never fatal.
 */
import { Command } from 'commander';
import { X509Certificate as NodeX509 } from 'node:crypto';
import type { CliContext } from './context.js';
import { setExitCode } from './exit-code.js';
import { describeSigstoreBundle } from '../verifiers/sigstore-describe.js';
import { oneLineName } from '../certificates.js';
import { printable, reportError } from './errors.js';
import { bundlePayload, readBundleFile } from '../bundle.js';
import { statementToManifest, type ExpectedManifest } from '../statement.js';
import { ModelSigningError, errorMessage } from '../errors.js';
import { isoDate, printJson, resourcesJson, serializationJson } from './json-output.js';
import type { BundleJSON } from '../signers/types.js';
import { existsSync } from 'node:fs';
import { looksLikeReference } from '../oci/reference.js';

export const NOT_VERIFIED = 'NOT VERIFIED: this only shows what the signature claims';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface InspectInfo {
  verified: false;
  mediaType: string;
  method: 'key' | 'certificate' | 'sigstore' | 'unknown';
  /** Method-specific claims, ready to print as "key: value" lines. */
  signer: Record<string, unknown>;
  payloadType: string;
  predicateType: string | null;
  statement: Record<string, unknown> | null;
  /** Why the statement could not be read, if it could not. */
  statementError: string | null;
  /** RFC 3161 timestamps the bundle carries (claimed signing times, ISO 8601 UTC). */
  timestamps: Array<{ kind: 'rfc3161'; time: string }>;
}

function certSummary(b64: unknown): Json {
  try {
    const c = new NodeX509(Buffer.from(String(b64), 'base64'));
    return {
      subject: oneLine(c.subject),
      issuer: oneLine(c.issuer),
      notBefore: isoDate(c.validFrom),
      notAfter: isoDate(c.validTo),
      fingerprintSha256: c.fingerprint256,
    };
  } catch (e) {
    return { error: `unreadable certificate: ${errorMessage(e)}` };
  }
}
const oneLine = (dn: string | undefined) => oneLineName(dn ?? '') || '(empty)';

function describeKey(vm: Json): Json {
  const pk = isObject(vm['publicKey']) ? vm['publicKey'] : {};
  if (typeof pk['hint'] === 'string' && pk['hint'] !== '') return { publicKeyHint: pk['hint'] };
  return { publicKey: 'embedded (legacy rawBytes format, pre-1.1)', ...(pk['keyDetails'] ? { keyDetails: pk['keyDetails'] } : {}) };
}

function describeCertificateChain(vm: Json): Json {
  const chain = isObject(vm['x509CertificateChain']) ? vm['x509CertificateChain']['certificates'] : undefined;
  const list = Array.isArray(chain) ? chain : [];
  return { certificates: list.map((c: unknown) => certSummary(isObject(c) ? c['rawBytes'] : undefined)) };
}

/** Sigstore claims (identity, issuer, log entries, timestamps), read by the shared unverified describer. */
function describeSigstore(bundle: BundleJSON, vm: Json): Json {
  const d = describeSigstoreBundle(bundle);
  const out: Json = { identity: d.identity ?? '(none)', oidcIssuer: d.issuer ?? '(none)' };
  const raw = isObject(vm['certificate']) ? vm['certificate']['rawBytes'] : undefined;
  const cert = certSummary(raw);
  if (typeof cert['issuer'] === 'string') out['certificateIssuer'] = cert['issuer'];
  else out['certificate'] = cert['error'];
  if (d.certificateNotBefore) out['notBefore'] = d.certificateNotBefore.toISOString();
  if (d.certificateNotAfter) out['notAfter'] = d.certificateNotAfter.toISOString();
  out['tlogEntries'] = d.tlogEntries.map((e) => ({
    logIndex: e.logIndex,
    integratedTime: e.integratedTime?.toISOString() ?? null,
    ...(e.kind ? { kind: `${e.kind} ${e.version ?? ''}`.trim() } : {}),
  }));
  return out;
}

function statementSummary(m: ExpectedManifest): Json {
  const files = new Set(m.resources.map((r) => (m.serialization.method === 'shards' ? r.name.replace(/:\d+:\d+$/, '') : r.name)));
  return {
    format: m.format,
    modelName: m.modelName,
    rootDigest: m.rootDigest === null ? null : { sha256: m.rootDigest },
    serialization: serializationJson(m.serialization),
    fileCount: files.size,
    resourceCount: m.resources.length,
    resources: resourcesJson(m.resources),
  };
}

/** RFC 3161 timestamps in the bundle, whatever the signing method (claims only, never checked here). */
function timestampsOf(bundle: BundleJSON): InspectInfo['timestamps'] {
  try {
    return describeSigstoreBundle(bundle).timestamps.map((t) => ({ kind: 'rfc3161' as const, time: t.toISOString() }));
  } catch {
    return [];
  }
}

/** Everything the bundle claims, without verifying anything. */
export function inspectBundle(bundle: BundleJSON): InspectInfo {
  const vm = isObject(bundle['verificationMaterial']) ? bundle['verificationMaterial'] : {};
  const env = bundle['dsseEnvelope'] as Json;
  let method: InspectInfo['method'] = 'unknown';
  let signer: Json = {};
  if (vm['publicKey'] !== undefined) {
    method = 'key';
    signer = describeKey(vm);
  } else if (vm['x509CertificateChain'] !== undefined) {
    method = 'certificate';
    signer = describeCertificateChain(vm);
  } else if (vm['certificate'] !== undefined) {
    method = 'sigstore';
    signer = describeSigstore(bundle, vm);
  }
  let statement: Json | null = null;
  let statementError: string | null = null;
  let predicateType: string | null = null;
  try {
    const payload = bundlePayload(bundle);
    try {
      const raw = JSON.parse(payload.toString('utf8')) as unknown;
      if (isObject(raw) && typeof raw['predicateType'] === 'string') predicateType = raw['predicateType'];
    } catch {
      // reported by statementToManifest below
    }
    statement = statementSummary(statementToManifest(payload));
  } catch (e) {
    statementError = errorMessage(e);
  }
  return {
    verified: false,
    mediaType: String(bundle['mediaType']),
    method,
    signer,
    payloadType: String(env['payloadType']),
    predicateType,
    statement,
    statementError,
    timestamps: timestampsOf(bundle),
  };
}

function textLines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}(none)`];
    return value.flatMap((v, i) => (isObject(v) ? [`${indent}[${i}]`, ...textLines(v, indent + '  ')] : [`${indent}- ${String(v)}`]));
  }
  if (isObject(value)) {
    return Object.entries(value).flatMap(([k, v]) =>
      isObject(v) || Array.isArray(v) ? [`${indent}${label(k)}:`, ...textLines(v, indent + '  ')] : [`${indent}${label(k)}: ${v === null ? '-' : String(v)}`],
    );
  }
  return [`${indent}${String(value)}`];
}

/** The `inspect --json` fields (see json-output.ts); `files` keeps the per-resource list. */
export function inspectToJson(info: InspectInfo, files = false): Record<string, unknown> {
  return {
    note: NOT_VERIFIED,
    verified: false,
    method: info.method,
    mediaType: info.mediaType,
    payloadType: info.payloadType,
    predicateType: info.predicateType,
    signer: info.signer,
    statement: info.statement && !files ? withoutResources(info.statement) : info.statement,
    statementError: info.statementError,
    timestamps: info.timestamps,
  };
}

function withoutResources(statement: Json): Json {
  const { resources: _resources, ...rest } = statement;
  return rest;
}

/** Text labels in the snake_case the text form always used (`modelName` -> `model_name`). */
const label = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function formatInspect(info: InspectInfo, files = false): string {
  const lines = [NOT_VERIFIED, '', `method: ${info.method}`, `media type: ${info.mediaType}`, `payload type: ${info.payloadType}`];
  lines.push(`predicate type: ${info.predicateType ?? '(unreadable)'}`);
  lines.push('signer (claimed):', ...textLines(info.signer, '  '));
  if (info.timestamps.length > 0) lines.push('timestamps (claimed):', ...info.timestamps.map((t) => `  ${t.time} (${t.kind})`));
  if (info.statement) {
    const { resources, ...summary } = info.statement;
    lines.push('model (claimed):', ...textLines(summary, '  '));
    if (files && Array.isArray(resources)) {
      lines.push('  resources:', ...(resources as Array<{ name: string; algorithm: string; digest: string }>).map((r) => `    ${r.name}  ${r.algorithm}:${r.digest}`));
    }
  }
  if (info.statementError) lines.push(`statement: INVALID - ${info.statementError}`);
  // Every value here is attacker-chosen text: no control character may reach the terminal.
  return lines.map(printable).join('\n');
}

/** For a signature whose subject is an image reference (a claim, like the rest). */
function claimedImageLines(info: InspectInfo): string[] {
  const name = info.statement?.['modelName'] ?? info.statement?.['model_name'];
  return typeof name === 'string' && looksLikeReference(name) ? [printable(`image reference (claimed): ${name}`)] : [];
}

export function inspectCommand(ctx: CliContext): Command {
  return new Command('inspect')
    .description('Show what a signature claims (NOT verified: no signature, trust or model check).')
    .argument('<SIGNATURE>', 'The signature file (Sigstore bundle), or an image reference to show its attached signatures.')
    .option('--json', 'Print the claims as JSON.')
    .option('--files', 'Also list every signed file (or shard) with its digest.')
    .option('--insecure', 'Image references: plain HTTP to a loopback registry.')
    .option('--platform <os/arch>', 'Image references: the platform to pick from an image index.')
    .helpOption('-h, --help', 'Show this message and exit.')
    .action(async (signature: string, o: { json?: boolean; files?: boolean; insecure?: boolean; platform?: string }, cmd: Command) => {
      try {
        if (!existsSync(signature) && looksLikeReference(signature)) {
          const info = await (await import('./oci-inspect.js')).inspectReference(ctx, signature, o);
          if (info.statementError) setExitCode(cmd, 1);
          return;
        }
        const info = inspectBundle(readBundleFile(signature));
        const failure = info.statementError ? new ModelSigningError('BUNDLE', info.statementError) : undefined;
        if (o.json) printJson(ctx, 'inspect', { signature, ...inspectToJson(info, o.files === true) }, failure);
        else ctx.print([formatInspect(info, o.files === true), ...claimedImageLines(info)].join('\n'));
        if (info.statementError) setExitCode(cmd, 1);
      } catch (e) {
        if (o.json) printJson(ctx, 'inspect', { signature }, e);
        setExitCode(cmd, reportError(ctx, 'Inspecting failed with error: ', e));
      }
    });
}
