#!/usr/bin/env node
// Bundle fuzzer entry point: `node fuzz/run.mjs [--seed N] [--iterations M] [--jobs J] [--verbose]` (after
// `npm run build`); FUZZ_N, FUZZ_SEED and FUZZ_JOBS set the defaults (`FUZZ_N=100000 npm run fuzz`). With J jobs
// (default: one per core), job j runs its share of the inputs from seed N + j in its own process, so a run is
// repeatable from (N, M, J). Exits 1 when any input crashed the verifier or was wrongly accepted.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runFuzz } from './fuzzer.mjs';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: process.env.FUZZ_SEED || String(Date.now() % 1_000_000) },
    iterations: { type: 'string', default: process.env.FUZZ_N || '2000' },
    jobs: { type: 'string', default: process.env.FUZZ_JOBS || String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length)) },
    verbose: { type: 'boolean', default: false },
    'json-result': { type: 'boolean', default: false }, // internal: a job's result for the parent
  },
});
const seed = Number(values.seed);
const iterations = Number(values.iterations);
const jobs = Math.min(Number(values.jobs), iterations);
if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(iterations) || iterations < 1 || !Number.isSafeInteger(jobs) || jobs < 1) {
  console.error('usage: node fuzz/run.mjs [--seed N] [--iterations M] [--jobs J] [--verbose]');
  process.exit(2);
}

/** One job in a child process; resolves with its result object. */
function job(j, share) {
  return new Promise((resolve, reject) => {
    const args = [fileURLToPath(import.meta.url), '--seed', String(seed + j), '--iterations', String(share), '--jobs', '1', '--json-result'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`fuzz job ${j} (seed ${seed + j}) exited ${code} without a result`));
      }
    });
  });
}

const t0 = Date.now();
let results;
if (jobs === 1) {
  const r = await runFuzz({
    seed,
    iterations,
    onProgress: (n) => {
      if (values['json-result']) return;
      if (process.stderr.isTTY && n % 50 === 0) process.stderr.write(`\r${n}/${iterations}`);
      else if (!process.stderr.isTTY && n % 10_000 === 0) process.stderr.write(`${n}/${iterations}\n`);
    },
  });
  if (process.stderr.isTTY && !values['json-result']) process.stderr.write('\r');
  const { inputs: _inputs, ...rest } = r;
  if (values['json-result']) {
    process.stdout.write(JSON.stringify(rest));
    process.exit(0);
  }
  results = [rest];
} else {
  const base = Math.floor(iterations / jobs);
  results = await Promise.all(Array.from({ length: jobs }, (_, j) => job(j, base + (j < iterations % jobs ? 1 : 0))));
}

const histogram = {};
for (const r of results) for (const [k, v] of Object.entries(r.histogram)) histogram[k] = (histogram[k] ?? 0) + v;
const tried = results.reduce((n, r) => n + r.tried, 0);
const methods = [...new Set(results.flatMap((r) => r.methods))];
console.log(`seed ${seed}${jobs > 1 ? ` (+0..${jobs - 1}, ${jobs} jobs)` : ''}: ${tried} inputs (${methods.join(', ')}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
for (const [k, v] of Object.entries(histogram).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(20)} ${v}`);
let findings = 0;
for (const r of results) {
  for (const f of r.findings) {
    findings++;
    console.log(`FINDING seed ${r.seed} #${f.index} (${f.kind}): ${f.how}\n  ${f.detail}`);
  }
  if (values.verbose) for (const [k, list] of Object.entries(r.examples)) for (const e of list) console.log(`${k}: ${e}`);
}
process.exit(findings > 0 ? 1 : 0);
