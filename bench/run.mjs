#!/usr/bin/env node
// Benchmark: our digest (end to end, whole process) against limits measured in the same run.
// `npm run bench` (full, ~2 GiB sets) or `BENCH_QUICK=1 npm run bench` (small sets).
// Every figure is the median of 3 runs; runs disturbed by other processes are repeated.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { datasets } from './lib/data.mjs';
import { runOnce, measure, median, stopRetryingAt } from './lib/measure.mjs';
import { warm, drop, coldMethod } from './lib/cache.mjs';
import { incrementalSign } from './lib/incremental.mjs';
import { checkRuns, oracleRoot } from './lib/oracle.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = 3;
const log = (s) => process.stderr.write(`${s}\n`);

// ---- how to run `digest` (switch here once the CLI has it) -------------------------------------
const CLI = path.join(REPO, 'dist/cli/main.js');
const FALLBACK = path.join(REPO, 'bench/lib-digest.mjs');
/** argv for `digest MODEL` with the given hashing flags. */
function digestArgv(entry, model, { algorithm = 'sha256', serialization = 'files', shardSize } = {}) {
  const args = [entry, ...(entry === CLI ? ['digest'] : []), model, '--hash-algorithm', algorithm, '--serialization', serialization];
  if (shardSize) args.push('--shard-size', String(shardSize));
  return args;
}
function pickDigestEntry(probeModel) {
  if (process.env.BENCH_DIGEST === 'library') return { entry: FALLBACK, note: 'library stand-in (BENCH_DIGEST=library)' };
  const r = spawnSync(process.execPath, digestArgv(CLI, probeModel), { encoding: 'utf8' });
  if (r.status === 0 && /^sha256:[0-9a-f]{64}\s*$/.test(r.stdout)) return { entry: CLI, note: 'CLI: node dist/cli/main.js digest' };
  return { entry: FALLBACK, note: `library stand-in bench/lib-digest.mjs (the CLI digest is not usable yet: ${firstLine(r.stderr) || `exit ${r.status}`})` };
}
const firstLine = (s) => (s ?? '').trim().split('\n').find((l) => /error/i.test(l))?.trim().slice(0, 140) ?? '';

// ---- limits --------------------------------------------------------------------------------
/** `openssl speed -multi 2 -evp ALG -bytes 16384`, in bytes/s (its last line: "<alg> <N>k"). */
function opensslSpeed(alg) {
  return measure(RUNS, () => {
    const r = runOnce('openssl', ['speed', '-multi', '2', '-evp', alg, '-bytes', '16384', '-seconds', '2']);
    const last = r.stdout.trim().split('\n').at(-1);
    const m = /([0-9.]+)k\s*$/.exec(last);
    if (!m) throw new Error(`cannot parse openssl speed output: ${last}`);
    return { ...r, value: Number(m[1]) * 1000 };
  });
}

// ---- runs ----------------------------------------------------------------------------------
const bytesOf = (files) => files.reduce((s, f) => s + fs.statSync(f).size, 0);

function timed(cmd, args, files, cache) {
  return measure(RUNS, () => {
    if (cache === 'cold') drop(files);
    else warm(files);
    return runOnce(cmd, args, { cwd: REPO });
  });
}

const rows = [];
function row(what, value, unit, ref, refLabel, target, extra = '') {
  rows.push({ what, value, unit, ref, refLabel, target, extra });
}
const gb = (bps) => bps / 1e9;
const fmt = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));

function main() {
  const started = Date.now();
  stopRetryingAt(started + (QUICK ? 90 : 240) * 1000);
  const root = path.join(REPO, 'bench/.work', QUICK ? 'quick' : 'full');
  fs.mkdirSync(root, { recursive: true });
  const d = datasets(root, QUICK, log);
  const digest = pickDigestEntry(d.tiny.dir);
  const node = process.execPath;
  log(`digest under test: ${digest.note}`);

  log('limits: openssl speed -multi 2 ...');
  const shaLimit = opensslSpeed('sha256');
  const b2Limit = opensslSpeed('blake2b512');

  const modelBytes = bytesOf(d.model.files);
  const singleBytes = bytesOf(d.single.files);
  const single = d.single.files[0];

  log('model, sha256 (warm, cold) ...');
  const shaWarm = timed(node, digestArgv(digest.entry, d.model.dir), d.model.files, 'warm');
  const canCold = coldMethod(d.tiny.files[1]) !== null;
  const shaCold = canCold ? timed(node, digestArgv(digest.entry, d.model.dir), d.model.files, 'cold') : null;

  log('model, blake3 vs b3sum, blake2b ...');
  const b3Warm = timed(node, digestArgv(digest.entry, d.model.dir, { algorithm: 'blake3' }), d.model.files, 'warm');
  const hasB3sum = spawnSync('b3sum', ['--version']).status === 0;
  const b3sum = hasB3sum ? timed('b3sum', ['--num-threads', '2', ...d.model.files], d.model.files, 'warm') : null;
  const b3Cold = canCold ? timed(node, digestArgv(digest.entry, d.model.dir, { algorithm: 'blake3' }), d.model.files, 'cold') : null;
  const b3sumCold = canCold && hasB3sum ? timed('b3sum', ['--num-threads', '2', ...d.model.files], d.model.files, 'cold') : null;
  const b2Warm = timed(node, digestArgv(digest.entry, d.model.dir, { algorithm: 'blake2b' }), d.model.files, 'warm');

  log('checking the digests against openssl / b3sum ...');
  const shaCheck = checkRuns('sha256 digest', shaWarm, oracleRoot(d.model.dir, d.model.files, 'sha256'));
  const b3Check = checkRuns('blake3 digest', b3Warm, oracleRoot(d.model.dir, d.model.files, 'blake3'));

  log('engine only (in-process) ...');
  // Same idle wait and noise check as the other rows: value = the in-process median GB/s.
  const engineOnly = (alg) => {
    const m = measure(RUNS, () => {
      const r = runOnce(node, [path.join(REPO, 'bench/engine-only.mjs'), d.model.dir, alg]);
      const j = JSON.parse(r.stdout);
      return { ...r, value: j.median, first: j.first };
    });
    return { median: m.value, first: median(m.runs.map((r) => r.first)), noisy: m.noisy };
  };
  const engSha = engineOnly('sha256');
  const engB3 = engineOnly('blake3');

  log('single file, shards ...');
  const shardWarm = timed(node, digestArgv(digest.entry, single, { serialization: 'shards' }), d.single.files, 'warm');
  const shardCold = canCold ? timed(node, digestArgv(digest.entry, single, { serialization: 'shards' }), d.single.files, 'cold') : null;

  log('small files ...');
  const nSmall = d.small.files.length;
  const smallRun = timed(node, digestArgv(digest.entry, d.small.dir), d.small.files, 'warm');
  const peer = timed('sh', ['-c', `find "$1" -type f -print0 | xargs -0 -P2 -n500 openssl dgst -sha256 > /dev/null`, 'sh', d.small.dir], d.small.files, 'warm');

  // The same two jobs through the library stand-in: separates the CLI's own start-up cost.
  const viaCli = digest.entry === CLI;
  const smallLib = viaCli ? timed(node, digestArgv(FALLBACK, d.small.dir), d.small.files, 'warm') : null;

  log('incremental re-sign ...');
  const incr = viaCli
    ? incrementalSign({ node, cli: CLI, model: d.model.dir, files: d.model.files, work: path.join(root, 'sign'), runs: RUNS, cwd: REPO })
    : null;

  log('two-file model ...');
  const tiny = measure(5, () => runOnce(node, digestArgv(digest.entry, d.tiny.dir), { cwd: REPO }));
  const tinyLib = viaCli ? measure(5, () => runOnce(node, digestArgv(FALLBACK, d.tiny.dir), { cwd: REPO })) : null;
  const nodeBare = measure(5, () => runOnce(node, ['-e', '']));

  const M = QUICK ? `${(modelBytes / 2 ** 20).toFixed(0)} MiB model` : '2 GiB model';
  const S = QUICK ? `${(singleBytes / 2 ** 20).toFixed(0)} MiB file` : '2 GiB file';
  const tput = (bytes, m) => bytes / m.wall;
  const shaL = shaLimit.value;
  row('openssl speed -multi 2 sha256 (limit)', gb(shaL), 'GB/s');
  row('openssl speed -multi 2 blake2b512 (limit)', gb(b2Limit.value), 'GB/s');
  row(`${M} sha256 warm`, gb(tput(modelBytes, shaWarm)), 'GB/s', tput(modelBytes, shaWarm) / shaL, 'x sha256 limit', '>= 0.90', `digest ${shaCheck} vs openssl ${mark(shaWarm)}`.trim());
  if (engSha) row(`${M} sha256 warm, engine in-process`, gb(engSha.median), 'GB/s', engSha.median / shaL, 'x sha256 limit', '(info)', `first call (starts workers): ${fmt(gb(engSha.first))} GB/s${engSha.noisy ? '; noisy' : ''}`);
  if (shaCold) row(`${M} sha256 cold`, gb(tput(modelBytes, shaCold)), 'GB/s', tput(modelBytes, shaCold) / shaL, 'x sha256 limit', '(info)', mark(shaCold));
  if (b3sum) row(`b3sum --num-threads 2, ${M} warm (peer)`, gb(tput(modelBytes, b3sum)), 'GB/s', null, '', '', mark(b3sum));
  row(`${M} blake3 warm`, gb(tput(modelBytes, b3Warm)), 'GB/s', b3sum ? b3sum.wall / b3Warm.wall : null, 'x b3sum', '>= 0.90', `digest ${b3Check} vs b3sum ${mark(b3Warm)}`.trim());
  if (engB3) row(`${M} blake3 warm, engine in-process`, gb(engB3.median), 'GB/s', b3sum ? engB3.median / tput(modelBytes, b3sum) : null, 'x b3sum', '(info)', `first call: ${fmt(gb(engB3.first))} GB/s${engB3.noisy ? '; noisy' : ''}`);
  if (b3Cold) row(`${M} blake3 cold`, gb(tput(modelBytes, b3Cold)), 'GB/s', b3sumCold ? b3sumCold.wall / b3Cold.wall : null, 'x b3sum cold', '(info)', mark(b3Cold));
  row(`${M} blake2b warm`, gb(tput(modelBytes, b2Warm)), 'GB/s', tput(modelBytes, b2Warm) / b2Limit.value, 'x blake2b512 limit', '(info)', mark(b2Warm));
  row(`${S} shards sha256 warm`, gb(tput(singleBytes, shardWarm)), 'GB/s', tput(singleBytes, shardWarm) / shaL, 'x sha256 limit', '>= 0.90', mark(shardWarm));
  if (shardCold) row(`${S} shards sha256 cold`, gb(tput(singleBytes, shardCold)), 'GB/s', tput(singleBytes, shardCold) / shaL, 'x sha256 limit', '(info)', mark(shardCold));
  row(`${nSmall} x 4 KiB files`, nSmall / smallRun.wall, 'files/s', nSmall / smallRun.wall / 40000, 'x 40k target', '>= 1.00', mark(smallRun));
  if (smallLib) row(`${nSmall} x 4 KiB files, library stand-in`, nSmall / smallLib.wall, 'files/s', nSmall / smallLib.wall / 40000, 'x 40k target', '(info)', mark(smallLib));
  row(`find | xargs -P2 openssl dgst (peer)`, nSmall / peer.wall, 'files/s', smallRun.wall ? peer.wall / smallRun.wall : null, 'ours / peer', '(info)', mark(peer));
  const rss = Math.max(shaWarm.rssKiB ?? 0, b3Warm.rssKiB ?? 0, shardWarm.rssKiB ?? 0, smallRun.rssKiB ?? 0) / 1024;
  row('peak RSS of the digest process', rss || null, 'MiB', rss ? rss / 256 : null, 'x 256 MiB budget', '<= 1.00');
  if (incr) {
    row(`${M} full sign (key)`, incr.full.wall * 1000, 'ms', null, '', '', mark(incr.full));
    row(`${M} incremental re-sign, 1 byte appended to 1 file`, incr.inc.wall * 1000, 'ms', incr.inc.wall / incr.full.wall, 'x full sign', '<= 0.10', `${incr.reused} digests reused ${mark(incr.inc)}`.trim());
  }
  row('two-file model, end to end', tiny.wall * 1000, 'ms', tiny.wall / 0.15, 'x 150 ms budget', '<= 1.00', `(bare node: ${fmt(nodeBare.wall * 1000, 0)} ms)`);
  if (tinyLib) row('two-file model, library stand-in', tinyLib.wall * 1000, 'ms', tinyLib.wall / 0.15, 'x 150 ms budget', '(info)');

  print(digest.note, canCold, started);
}

function mark(m) {
  return m.noisy ? 'noisy: other processes were busy' : '';
}

function print(note, canCold, started) {
  const lines = [];
  lines.push(`model-signing hashing benchmark${QUICK ? ' (BENCH_QUICK)' : ''}: median of ${RUNS} runs, whole-process wall time`);
  lines.push(`digest: ${note}`);
  lines.push(`cold cache: ${canCold ? coldMethod() : 'not permitted here (cold rows skipped)'}; warm runs pre-warmed with cat`);
  const head = ['measurement', 'value', 'unit', 'ratio', 'vs', 'target', 'note'];
  const body = rows.map((r) => [r.what, fmt(r.value, r.unit === 'GB/s' ? 2 : 0), r.unit, fmt(r.ref), r.refLabel ?? '', r.target ?? '', r.extra ?? '']);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cols) => cols.map((c, i) => (i === 1 || i === 3 ? String(c).padStart(w[i]) : String(c).padEnd(w[i]))).join('  ').trimEnd();
  lines.push(line(head), line(w.map((n) => '-'.repeat(n))), ...body.map(line));
  lines.push(`bench time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(lines.join('\n'));
}

main();
