/**
 * The one `--json` shape of every command (documented in README "JSON output", described by
 * `schemas/cli-output.schema.json`): an envelope with `schemaVersion`, `command`, `ok` and, on
 * failure, `error: {code, message}`, then the command's own fields. Keys are camelCase, dates are
 * ISO 8601 UTC. Bump SCHEMA_VERSION on any incompatible change; adding optional fields is compatible.
 */
import { ModelSigningError, errorMessage } from '../errors.js';
import type { Manifest, ResourceDescriptor, Serialization } from '../manifest.js';
import type { CliContext } from './context.js';

export const SCHEMA_VERSION = 1;
export type JsonCommand = 'digest' | 'sign' | 'verify' | 'inspect';
type Json = Record<string, unknown>;

export function serializationJson(s: Serialization): Json {
  return {
    method: s.method,
    hashType: s.hashType,
    ...(s.method === 'shards' ? { shardSize: s.shardSize } : {}),
    allowSymlinks: s.allowSymlinks,
    ignorePaths: s.ignorePaths,
  };
}

export function resourcesJson(rs: readonly ResourceDescriptor[]): Json[] {
  return rs.map((r) => ({ name: r.name, algorithm: r.algorithm, digest: r.digest }));
}

/** The fields `digest` and `sign` share: what was hashed, in the layout that was (or would be) signed. */
export function manifestJson(m: Manifest): Json {
  return {
    modelName: m.modelName,
    rootDigest: { sha256: m.rootDigest },
    serialization: serializationJson(m.serialization),
    resourceCount: m.resources.length,
    resources: resourcesJson(m.resources),
  };
}

export function errorJson(e: unknown): { code: string; message: string } {
  return { code: e instanceof ModelSigningError ? e.code : 'INTERNAL', message: errorMessage(e).replace(/\s*\n\s*/g, ' ').trim() };
}

/** Prints one JSON document on stdout: the envelope first, then the command's fields. */
export function printJson(ctx: CliContext, command: JsonCommand, body: Json, error?: unknown): void {
  const doc: Json = { schemaVersion: SCHEMA_VERSION, command, ok: error === undefined, ...(error !== undefined ? { error: errorJson(error) } : {}), ...body };
  ctx.print(JSON.stringify(doc, null, 2));
}

/** ISO 8601 UTC from any date text (OpenSSL's `Jan  1 00:00:00 2030 GMT` included), or null. */
export function isoDate(d: Date | string | undefined | null): string | null {
  if (d === undefined || d === null) return null;
  const date = typeof d === 'string' ? new Date(d) : d;
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const COMMANDS: readonly string[] = ['digest', 'sign', 'verify', 'inspect'];

/** A command line commander refused, when it asked for --json: the same envelope, code USAGE. */
export function usageErrorJson(ctx: CliContext, argv: readonly string[], message: string): void {
  if (!argv.includes('--json')) return;
  const command = argv.find((a) => COMMANDS.includes(a));
  if (command === undefined) return;
  const text = message.replace(/^error:\s*/, '');
  printJson(ctx, command as JsonCommand, {}, new ModelSigningError('USAGE', text));
}
