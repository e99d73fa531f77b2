// Helpers for the flow tests: vector locations, the test PKI, schema validation, and a signer
// that signs arbitrary (crafted) statement bytes with a real EC key.
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

export const vectors = fileURLToPath(new URL('../../../shared/vectors/', import.meta.url));
export const mt = join(vectors, 'model-transparency');
export const pki = join(mt, 'keys', 'certificate');
export const haveVectors = existsSync(join(mt, 'keys', 'certificate', 'signing-key.pem'));
export const NO_VECTORS = 'test vectors not found at ../shared/vectors (a plain clone has none)';

export const sha256hex = (b) => createHash('sha256').update(b).digest('hex');

/** Ajv 2020-12 validators for the OMS schemas. */
export async function omsSchemas() {
  const { default: Ajv2020 } = await import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const dir = join(vectors, 'oms-spec', 'schemas');
  for (const f of readdirSync(dir)) ajv.addSchema(JSON.parse(readFileSync(join(dir, f), 'utf8')));
  return {
    statement: ajv.getSchema('https://model_signing/statement/v1.0/schema'),
    bundle: ajv.getSchema('https://model_signing/bundle/v1.0/schema'),
  };
}

/** Writes `files` ({relpath: content}) under dir. */
export function writeTree(dir, files) {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

export function copyVector(name, dest) {
  cpSync(join(mt, name), dest, { recursive: true });
  return dest;
}

/** A statement object in OMS shape, with the root digest computed over the given order. */
export function craftStatement(resources, serialization = { method: 'files', hash_type: 'sha256', allow_symlinks: false }, name = 'model') {
  const root = createHash('sha256');
  for (const r of resources) root.update(Buffer.from(r.digest, 'hex'));
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name, digest: { sha256: root.digest('hex') } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: { resources, serialization },
  };
}

/** Signs crafted payload bytes with the vectors' EC key into a bundle file; returns its path. */
export async function signPayloadToFile(repoRoot, payload, path) {
  const { EllipticKeySigner } = await import(join(repoRoot, 'dist', 'signers', 'key.js'));
  const signer = EllipticKeySigner.fromFile({ privateKey: join(pki, 'signing-key.pem') });
  const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const bundle = await signer.sign(bytes);
  writeFileSync(path, JSON.stringify(bundle));
  return path;
}
