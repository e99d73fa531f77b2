// Benchmark datasets in bench/.work/, built once and reused when a content check passes.
// Content is AES-CTR keystream from openssl (fast, incompressible, reproducible from a seed).
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';

const MiB = 1024 * 1024;

/** Reproducible pseudo-random file of `size` bytes. */
function writeStream(file, size, seed) {
  const key = createHash('sha256').update(`bench-${seed}`).digest('hex');
  const cmd = `openssl enc -aes-128-ctr -K ${key.slice(0, 32)} -iv ${key.slice(32, 64)} -in /dev/zero 2>/dev/null | head -c ${size} > "$1"`;
  const r = spawnSync('sh', ['-c', cmd, 'sh', file], { stdio: 'inherit' });
  if (r.status !== 0 || fs.statSync(file).size !== size) throw new Error(`could not generate ${file}`);
}

/** Small files: slices of one random buffer, each different. */
function smallBytes(size, i) {
  const b = createHash('sha512').update(`small-${i}`).digest();
  const out = Buffer.allocUnsafe(size);
  for (let o = 0; o < size; o += b.length) b.copy(out, o);
  out.writeUInt32BE(i, 0);
  return out;
}

/** Cheap content check: sizes, plus SHA-256 over the first and last 64 KiB of every file. */
function fingerprint(files) {
  const h = createHash('sha256');
  const buf = Buffer.alloc(64 * 1024);
  for (const f of files) {
    const fd = fs.openSync(f, 'r');
    const size = fs.fstatSync(fd).size;
    h.update(`${path.basename(f)}:${size};`);
    for (const pos of size > buf.length ? [0, size - buf.length] : [0]) {
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      h.update(buf.subarray(0, n));
    }
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/**
 * Ensures a dataset exists: `spec` lists { rel, size, seed|small }. Returns absolute file paths.
 * The stamp records the spec and the fingerprint; any difference rebuilds the set.
 */
function ensure(dir, spec, log) {
  const stampFile = `${dir}.stamp.json`; // beside the set, not in it: the set is the model
  const specKey = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
  const files = spec.map((s) => path.join(dir, s.rel));
  try {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    if (stamp.spec === specKey && stamp.fingerprint === fingerprint(files)) return files;
  } catch {
    /* missing or different: rebuild */
  }
  log(`building ${path.basename(dir)} (${spec.length} files, ${(spec.reduce((s, x) => s + x.size, 0) / MiB).toFixed(0)} MiB)...`);
  fs.rmSync(dir, { recursive: true, force: true });
  spec.forEach((s, i) => {
    const f = files[i];
    fs.mkdirSync(path.dirname(f), { recursive: true });
    if (s.small) fs.writeFileSync(f, smallBytes(s.size, i));
    else writeStream(f, s.size, s.seed);
  });
  fs.writeFileSync(stampFile, JSON.stringify({ spec: specKey, fingerprint: fingerprint(files) }));
  return files;
}

export function datasets(root, quick, log) {
  const big = quick ? 64 * MiB : 512 * MiB;
  const single = quick ? 256 * MiB : 2048 * MiB;
  const nSmall = quick ? 2000 : 20000;

  const modelSpec = [];
  for (let i = 0; i < 4; i++) modelSpec.push({ rel: `weights-0000${i}.safetensors`, size: big, seed: `model-${i}-${big}` });
  for (let i = 0; i < 200; i++) modelSpec.push({ rel: `extra/d${i % 10}/f${i}.json`, size: 1024 + ((i * 7919) % 65536), small: true });

  const smallSpec = [];
  for (let i = 0; i < nSmall; i++) smallSpec.push({ rel: `dir${String(i % 20).padStart(2, '0')}/f${i}.bin`, size: 4096, small: true });

  const tinySpec = [
    { rel: 'config.json', size: 700, small: true },
    { rel: 'model.bin', size: 300 * 1024, small: true },
  ];

  const model = path.join(root, 'model');
  const singleDir = path.join(root, 'single');
  const smallDir = path.join(root, 'small');
  const tinyDir = path.join(root, 'tiny');
  return {
    model: { dir: model, files: ensure(model, modelSpec, log) },
    single: { dir: singleDir, files: ensure(singleDir, [{ rel: 'huge.bin', size: single, seed: `single-${single}` }], log) },
    small: { dir: smallDir, files: ensure(smallDir, smallSpec, log) },
    tiny: { dir: tinyDir, files: ensure(tinyDir, tinySpec, log) },
  };
}
