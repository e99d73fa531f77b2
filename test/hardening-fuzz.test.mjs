// A short, seeded run of the bundle fuzzer (fuzz/): mutated bundles of the key, certificate and Sigstore methods
// and hostile re-signed statements fed to the library's verify. No input may crash it (every failure is a
// ModelSigningError with a known code) or be accepted unless it means exactly what was signed (or, re-signed,
// describes the model truthfully). Besides two fixed seeds, every run tries a new seed (FUZZ_SEED to repeat it);
// longer campaigns: `FUZZ_N=100000 npm run fuzz`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from '../fuzz/fuzzer.mjs';

const fresh = Number(process.env.FUZZ_SEED || Date.now() % 1_000_000);

for (const [seed, iterations] of [[1, 300], [20251122, 300], [fresh, Number(process.env.FUZZ_CI_N || 400)]]) {
  test(`fuzz seed ${seed}: ${iterations} inputs, no crash, no false acceptance`, async (t) => {
    const r = await runFuzz({ seed, iterations });
    t.diagnostic(`seed ${seed} (repeat with FUZZ_SEED=${seed}): ${r.tried} inputs over ${r.methods.join(', ')} in ${r.ms} ms: ${JSON.stringify(r.histogram)}`);
    assert.deepEqual(r.findings, [], `seed ${seed}:\n` + r.findings.map((f) => `#${f.index} ${f.kind}: ${f.how}: ${f.detail}`).join('\n'));
    assert.equal(r.tried, iterations);
    assert.ok(r.methods.includes('key') && r.methods.includes('certificate'), `methods: ${r.methods}`);
    assert.ok((r.histogram.accepted ?? 0) >= 1, 'the untouched bundle is accepted');
    assert.ok((r.histogram['rejected:SIGNATURE'] ?? 0) > 0 && (r.histogram['rejected:BUNDLE'] ?? 0) > 0, 'both layers were exercised');
    assert.equal(r.histogram.CRASH, undefined);
    assert.equal(r.histogram['FALSE-ACCEPT'], undefined);
  });
}

test('the fuzzer is repeatable: the same seed gives the same inputs, another seed others', async () => {
  const a = await runFuzz({ seed: 7, iterations: 120, sigstore: false });
  const b = await runFuzz({ seed: 7, iterations: 120, sigstore: false });
  const c = await runFuzz({ seed: 8, iterations: 120, sigstore: false });
  assert.equal(a.inputs.length, 120);
  assert.deepEqual(a.inputs, b.inputs);
  assert.notDeepEqual(a.inputs, c.inputs);
  assert.deepEqual([a.findings, b.findings, c.findings], [[], [], []]);
});
