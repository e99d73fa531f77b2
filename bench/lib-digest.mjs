#!/usr/bin/env node
// Stand-in for `model-signing digest` while the CLI command is not available: walks the model the
// simple way and hashes it with the library engine, printing `sha256:<root digest>` like the CLI.
// Usage: node bench/lib-digest.mjs MODEL [--hash-algorithm A] [--serialization files|shards] [--shard-size N]
import fs from 'node:fs';
import path from 'node:path';
import { hashTasks, prepareHashing } from '../dist/hashing/engine.js';
import { compareCodePoints, rootDigest, shardName, DEFAULT_SHARD_SIZE } from '../dist/manifest.js';

const argv = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const model = path.resolve(argv[0]);
const algorithm = flag('--hash-algorithm', 'sha256');
const shards = flag('--serialization', 'files') === 'shards';
const shardSize = Number(flag('--shard-size', DEFAULT_SHARD_SIZE));

prepareHashing({ modelPath: argv[0] }); // workers start while we walk, as the library API should do
const st = fs.statSync(model);
const entries = st.isFile()
  ? [{ name: path.basename(model), path: model }]
  : fs
      .readdirSync(model, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => {
        const abs = path.join(d.parentPath ?? d.path, d.name);
        return { name: path.relative(model, abs).split(path.sep).join('/'), path: abs };
      });

const tasks = [];
for (const e of entries) {
  const s = fs.lstatSync(e.path, { bigint: true });
  const size = Number(s.size);
  const base = { path: e.path, expectedSize: size, expectedMtimeNs: s.mtimeNs, noFollow: true };
  if (!shards) tasks.push({ ...base, name: e.name, start: 0, end: size });
  else for (let a = 0; a < size || a === 0; a += shardSize) {
    const b = Math.min(size, a + shardSize);
    tasks.push({ ...base, name: shardName(e.name, a, b), start: a, end: b });
    if (size === 0) break;
  }
}
const digests = await hashTasks(tasks, { algorithm });
const resources = tasks
  .map((t, i) => ({ name: t.name, algorithm, digest: digests[i].toString('hex') }))
  .sort((a, b) => compareCodePoints(a.name, b.name));
console.log(`sha256:${rootDigest(resources)}`);
