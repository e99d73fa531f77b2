/**
 * An OCI image manifest as OMS resources, following the mapping the Go port (pkg/oci/manifest.go),
 * model-transparency PR #623 and the Red Hat fork share: config -> `config.json`, layers -> their
 * `org.opencontainers.image.title` or `layer_NNN.tar.gz`, digests as written in the manifest.
 * ModelCar (OLOT) images: only the annotated layers, named by their in-layer path.
 */
import { ModelSigningError } from '../errors.js';
import { makeManifest, type Manifest } from '../manifest.js';
import { unsafePathReason } from '../statement.js';
import type { Descriptor, ImageManifest } from './image-manifest.js';

export const TITLE_ANNOTATION = 'org.opencontainers.image.title';
export const OLOT_TYPE = 'olot.layer.content.type';
export const OLOT_PATH = 'olot.layer.content.inlayerpath';
export const OLOT_DIGEST = 'olot.layer.content.digest';
export const CONFIG_NAME = 'config.json';

export type ResourceSource = 'config' | 'layer' | 'untitled-layer' | 'modelcar-file' | 'modelcar-directory';

export interface OciResource {
  name: string;
  /** Lowercase hex sha256. */
  digest: string;
  source: ResourceSource;
  /** Index in `layers` (none for the config). */
  layerIndex?: number;
  descriptor: Descriptor;
}

/** Hashes the regular files of a ModelCar `directory` layer: names relative to the model root. */
export type DirectoryLayerHasher = (layer: Descriptor, index: number, inLayerPath: string) => Promise<Array<{ name: string; digest: string }>>;

export function isModelCar(m: ImageManifest): boolean {
  return m.layers.some((l) => l.annotations[OLOT_TYPE] !== undefined);
}

function hexOf(digest: string, where: string, what: string): string {
  const m = /^sha256:([a-f0-9]{64})$/.exec(digest);
  if (!m) throw new ModelSigningError('MODEL', `${what}: ${where} digest '${digest}' is not sha256 (OMS payloads of OCI manifests are sha256)`);
  return m[1]!;
}

function safeName(name: string, where: string, what: string): string {
  const why = unsafePathReason(name);
  if (why) throw new ModelSigningError('MODEL', `${what}: ${where} name ${JSON.stringify(name)} ${why}`);
  return name;
}

/** `/models/a/b` -> `a/b` (the ModelCar convention keeps the model under /models). */
export function stripModelsPrefix(p: string): string {
  return p.replace(/^\/?models\//, '');
}

/**
 * The resources the manifest stands for, before exclusions. `what` names the source in errors.
 * `directoryLayer` is needed only for ModelCar images with directory layers (it pulls the blob).
 */
export async function ociResources(m: ImageManifest, what: string, directoryLayer?: DirectoryLayerHasher): Promise<OciResource[]> {
  const out: OciResource[] = [];
  if (isModelCar(m)) {
    for (const [i, layer] of m.layers.entries()) {
      const type = layer.annotations[OLOT_TYPE];
      if (type === undefined) continue;
      const path = layer.annotations[OLOT_PATH];
      if (path === undefined) throw new ModelSigningError('MODEL', `${what}: ModelCar layer ${i} has no ${OLOT_PATH} annotation`);
      if (type === 'file') {
        const raw = layer.annotations[OLOT_DIGEST];
        if (raw === undefined) throw new ModelSigningError('MODEL', `${what}: ModelCar layer ${i} has no ${OLOT_DIGEST} annotation`);
        const digest = hexOf(raw.includes(':') ? raw : `sha256:${raw}`, `ModelCar layer ${i} content`, what);
        out.push({ name: safeName(stripModelsPrefix(path), `ModelCar layer ${i}`, what), digest, source: 'modelcar-file', layerIndex: i, descriptor: layer });
      } else if (type === 'directory') {
        if (!directoryLayer) {
          throw new ModelSigningError('MODEL', `${what}: ModelCar layer ${i} is a directory layer: its files can only be hashed from the registry`);
        }
        for (const f of await directoryLayer(layer, i, path)) {
          out.push({ name: safeName(f.name, `ModelCar layer ${i} file`, what), digest: f.digest, source: 'modelcar-directory', layerIndex: i, descriptor: layer });
        }
      } else {
        throw new ModelSigningError('MODEL', `${what}: ModelCar layer ${i} has an unknown ${OLOT_TYPE} '${type}'`);
      }
    }
  } else {
    const titled = m.layers.some((l) => l.annotations[TITLE_ANNOTATION] === CONFIG_NAME);
    if (!titled) out.push({ name: CONFIG_NAME, digest: hexOf(m.config.digest, 'config', what), source: 'config', descriptor: m.config });
    for (const [i, layer] of m.layers.entries()) {
      const title = layer.annotations[TITLE_ANNOTATION];
      const where = `layer ${i}`;
      if (title === undefined || title === '') {
        const name = `layer_${String(i).padStart(3, '0')}.tar.gz`;
        out.push({ name, digest: hexOf(layer.digest, where, what), source: 'untitled-layer', layerIndex: i, descriptor: layer });
      } else {
        out.push({ name: safeName(title, `${where} title`, what), digest: hexOf(layer.digest, where, what), source: 'layer', layerIndex: i, descriptor: layer });
      }
    }
  }
  if (out.length === 0) throw new ModelSigningError('MODEL', `${what}: the manifest lists nothing to sign`);
  const seen = new Set<string>();
  for (const r of out) {
    // The Go port keeps the last of two equal names (a map); an ambiguous manifest is refused instead.
    if (seen.has(r.name)) throw new ModelSigningError('MODEL', `${what}: two resources are named ${JSON.stringify(r.name)}`);
    seen.add(r.name);
  }
  return out;
}

/** Drops the resources whose name is, or lies under, one of `ignorePaths` (model-relative). */
export function withoutIgnored<T extends { name: string }>(rs: T[], ignorePaths: readonly string[]): T[] {
  const ignored = (n: string) => ignorePaths.some((p) => n === p || n.startsWith(p.endsWith('/') ? p : `${p}/`));
  return rs.filter((r) => !ignored(r.name));
}

/** The OMS manifest (files, sha256, no symlinks) for the resources; `ignorePaths` are recorded. */
export function ociManifest(subjectName: string, rs: OciResource[], ignorePaths: readonly string[] = []): Manifest {
  return makeManifest(
    subjectName,
    { method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths: [...ignorePaths] },
    rs.map((r) => ({ name: r.name, algorithm: 'sha256', digest: r.digest })),
  );
}
