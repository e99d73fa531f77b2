#!/usr/bin/env node
// Engine throughput without process start-up: hashes the model's files in-process 4 times (the
// first call also starts the workers) after warming them with cat, and prints the median GB/s of
// calls 2-4 as JSON. Usage: node bench/engine-only.mjs MODEL_DIR ALGORITHM
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { hashTasks } from '../dist/hashing/engine.js';

const [model, algorithm = 'sha256'] = process.argv.slice(2);
const files = fs
  .readdirSync(model, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile())
  .map((d) => path.join(d.parentPath ?? d.path, d.name));
const tasks = files.map((p) => {
  const s = fs.lstatSync(p, { bigint: true });
  return { name: p, path: p, start: 0, end: Number(s.size), expectedSize: Number(s.size), expectedMtimeNs: s.mtimeNs, noFollow: true };
});
const total = tasks.reduce((a, t) => a + t.end, 0);
const rates = [];
for (let i = 0; i < 4; i++) {
  spawnSync('sh', ['-c', 'cat "$@" > /dev/null', 'sh', ...files], { stdio: 'ignore' });
  const t0 = performance.now();
  await hashTasks(tasks, { algorithm });
  rates.push(total / ((performance.now() - t0) / 1000));
}
const later = rates.slice(1).sort((a, b) => a - b);
console.log(JSON.stringify({ first: rates[0], median: later[1] }));
