#!/usr/bin/env node
// Bundle fuzzer entry point: `node fuzz/run.mjs [--seed N] [--iterations M] [--verbose]` (after `npm run build`);
// FUZZ_N and FUZZ_SEED set the defaults (`FUZZ_N=100000 npm run fuzz`). Same seed, same inputs, same outcome.
// Exits 1 when any input crashed the verifier or was wrongly accepted.
import { parseArgs } from 'node:util';
import { runFuzz } from './fuzzer.mjs';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: process.env.FUZZ_SEED || String(Date.now() % 1_000_000) },
    iterations: { type: 'string', default: process.env.FUZZ_N || '2000' },
    verbose: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const iterations = Number(values.iterations);
if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(iterations) || iterations < 1) {
  console.error('usage: node fuzz/run.mjs [--seed N] [--iterations M] [--verbose]');
  process.exit(2);
}

const result = await runFuzz({
  seed,
  iterations,
  onProgress: (n) => {
    if (process.stderr.isTTY && n % 50 === 0) process.stderr.write(`\r${n}/${iterations}`);
    else if (!process.stderr.isTTY && n % 10_000 === 0) process.stderr.write(`${n}/${iterations}\n`);
  },
});
if (process.stderr.isTTY) process.stderr.write('\r');
console.log(`seed ${result.seed}: ${result.tried} inputs (${result.methods.join(', ')}) in ${(result.ms / 1000).toFixed(1)} s`);
for (const [k, v] of Object.entries(result.histogram).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(20)} ${v}`);
for (const f of result.findings) console.log(`FINDING #${f.index} (${f.kind}): ${f.how}\n  ${f.detail}`);
if (values.verbose) {
  for (const [k, list] of Object.entries(result.examples)) for (const e of list) console.log(`${k}: ${e}`);
}
process.exit(result.findings.length > 0 ? 1 : 0);
