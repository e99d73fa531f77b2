/**
 * The signature file: a Sigstore bundle (JSON) holding a DSSE envelope. Reading checks the outer
 * shape only (the verifiers check signatures and trust); writing is atomic, so a failed signing
 * never leaves a partial file and never destroys an existing signature.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync, constants } from 'node:fs';
import { readUserFile } from './io/read-user-file.js';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ModelSigningError, errorMessage } from './errors.js';
import { parseJsonBytes } from './statement.js';
import type { BundleJSON } from './signers/types.js';
import { decodeBase64 } from './verifiers/envelope.js';

export const DEFAULT_MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

const MEDIA_TYPES = new Set([
  'application/vnd.dev.sigstore.bundle.v0.3+json',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(path: string, msg: string): never {
  throw new ModelSigningError('BUNDLE', `signature file '${path}' ${msg}`);
}

/** Checks the bundle's outer shape; `where` names it in errors. */
export function checkBundleShape(json: unknown, where: string): BundleJSON {
  if (!isObject(json)) bad(where, 'is not a JSON object');
  const mediaType = json['mediaType'];
  if (typeof mediaType !== 'string') bad(where, 'has no mediaType: not a Sigstore bundle');
  if (!MEDIA_TYPES.has(mediaType)) bad(where, `has media type '${mediaType}', not a Sigstore bundle v0.1-v0.3`);
  const vm = json['verificationMaterial'];
  if (!isObject(vm)) bad(where, 'has no verificationMaterial');
  if (vm['certificate'] !== undefined && !Array.isArray(vm['tlogEntries'])) {
    bad(where, 'is a Sigstore (certificate) bundle without verificationMaterial.tlogEntries');
  }
  const env = json['dsseEnvelope'];
  if (env === undefined) {
    if (json['messageSignature'] !== undefined) bad(where, 'holds a message signature, not a DSSE envelope: it is not a model signature');
    bad(where, 'has no dsseEnvelope');
  }
  if (!isObject(env)) bad(where, 'has a dsseEnvelope that is not an object');
  if (typeof env['payload'] !== 'string') bad(where, 'has no dsseEnvelope.payload');
  if (typeof env['payloadType'] !== 'string') bad(where, 'has no dsseEnvelope.payloadType');
  const sigs = env['signatures'];
  if (!Array.isArray(sigs) || sigs.length === 0) bad(where, 'has no dsseEnvelope.signatures');
  return json;
}

/** The signature file goes through the same safe reader as every other file the user names. */
function readBounded(path: string, maxBytes: number): Buffer {
  return readUserFile(path, 'signature file', { maxBytes, code: 'BUNDLE' });
}

/** Reads, parses and shape-checks a signature file. */
export function readBundleFile(path: string, opts: { maxBytes?: number } = {}): BundleJSON {
  const bytes = readBounded(path, opts.maxBytes ?? DEFAULT_MAX_BUNDLE_BYTES);
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '') bad(path, 'is empty');
  let json: unknown;
  try {
    json = parseJsonBytes(bytes, 'its content');
  } catch (e) {
    bad(path, `is not a Sigstore bundle: ${errorMessage(e)}`);
  }
  return checkBundleShape(json, path);
}

/** The DSSE payload bytes as carried, NOT verified (for inspect). */
export function bundlePayload(bundle: BundleJSON, where = 'the signature'): Buffer {
  const env = bundle['dsseEnvelope'] as Record<string, unknown>;
  try {
    return decodeBase64(env['payload'], 'dsseEnvelope.payload');
  } catch (e) {
    throw new ModelSigningError('BUNDLE', `${where}: ${errorMessage(e)}`);
  }
}

/**
 * Writes the bundle as compact JSON without a trailing newline (as the reference does): a temp
 * file in the same directory, fsync, then rename over the target, so readers see the old file or
 * the complete new one.
 */
export function writeBundleAtomic(path: string, bundle: BundleJSON): void {
  const data = Buffer.from(JSON.stringify(bundle), 'utf8');
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file may never have been created
    }
    throw new ModelSigningError('IO', `cannot write signature file '${path}': ${errorMessage(e)}`);
  }
  try {
    // Make the rename durable; not all platforms allow opening a directory.
    const dfd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // best effort
  }
}
