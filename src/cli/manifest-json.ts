/** The manifest as JSON for `--json` output, with the OMS field names for the serialization. */
import type { Manifest, Serialization } from '../manifest.js';

export function serializationToJson(s: Serialization): Record<string, unknown> {
  return {
    method: s.method,
    hash_type: s.hashType,
    ...(s.method === 'shards' ? { shard_size: s.shardSize } : {}),
    allow_symlinks: s.allowSymlinks,
    ignore_paths: s.ignorePaths,
  };
}

export function manifestToJson(m: Manifest): Record<string, unknown> {
  return {
    model_name: m.modelName,
    root_digest: { sha256: m.rootDigest },
    serialization: serializationToJson(m.serialization),
    resources: m.resources.map((r) => ({ name: r.name, algorithm: r.algorithm, digest: r.digest })),
  };
}
