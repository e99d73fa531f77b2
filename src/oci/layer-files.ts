/**
 * The files inside a ModelCar layer blob, hashed while it streams from the registry (nothing is kept):
 * the blob's own size and digest are checked against its descriptor, then each regular file of the
 * (optionally gzip-compressed) tar is hashed with SHA-256.
 */
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import { ModelSigningError, errorMessage } from '../errors.js';
import type { Descriptor } from './image-manifest.js';
import type { RegistryClient } from './registry-client.js';
import { TarReader } from './tar-reader.js';
import { stripModelsPrefix } from './payload.js';

export interface LayerFile {
  /** Name in the tar minus `./` and the ModelCar `/models/` prefix. */
  name: string;
  /** Lowercase hex SHA-256 of the content. */
  digest: string;
}

function compression(layer: Descriptor, what: string): 'gzip' | 'none' {
  const t = layer.mediaType;
  if (/(\+|\.)gzip$/.test(t)) return 'gzip';
  if (/(\+|\.)zstd$/.test(t)) throw new ModelSigningError('MODEL', `${what}: zstd-compressed layers are not supported`);
  return 'none';
}

export async function layerFiles(client: RegistryClient, repo: string, layer: Descriptor, what: string): Promise<LayerFile[]> {
  const files: LayerFile[] = [];
  let hash: Hash | null = null;
  let current = '';
  const tar = new TarReader(
    {
      entry: (e) => {
        if (e.type === 'other') throw new ModelSigningError('MODEL', `${what}: the layer holds a link or special file '${e.name}'`);
        current = stripModelsPrefix(e.name.replace(/^(\.\/)+/, ''));
        hash = e.type === 'file' ? createHash('sha256') : null;
      },
      data: (c) => hash?.update(c),
      entryEnd: () => {
        if (hash && current !== '') files.push({ name: current, digest: hash.digest('hex') });
        hash = null;
      },
    },
    what,
  );
  if (compression(layer, what) === 'none') {
    await client.streamBlob(repo, layer, (c) => tar.write(Buffer.from(c)));
  } else {
    const gunzip = createGunzip();
    let failure: unknown = null;
    gunzip.on('data', (c: Buffer) => {
      try {
        tar.write(c);
      } catch (e) {
        failure ??= e;
        gunzip.destroy();
      }
    });
    gunzip.on('error', (e) => (failure ??= e));
    const ended = once(gunzip, 'end').catch(() => undefined);
    await client.streamBlob(repo, layer, async (c) => {
      if (failure) return;
      if (!gunzip.write(c)) await Promise.race([once(gunzip, 'drain'), once(gunzip, 'close')]);
    });
    gunzip.end();
    if (!failure) await Promise.race([ended, once(gunzip, 'close')]);
    if (failure) {
      if (failure instanceof ModelSigningError) throw failure;
      throw new ModelSigningError('MODEL', `${what}: the layer is not valid gzip (${errorMessage(failure)})`);
    }
  }
  tar.end();
  return files;
}
