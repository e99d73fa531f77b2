// A short, seeded run of the bundle fuzzer (fuzz/): mutated bundles and hostile re-signed statements fed to the
// library's verify. No input may crash it (every failure is a ModelSigningError with a known code) or be
// accepted unless it means exactly what was signed (or, re-signed, describes the model truthfully).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from '../fuzz/fuzzer.mjs';

for (const seed of [1, 20251122]) {
  test(`fuzz seed ${seed}: 300 inputs, no crash, no false acceptance`, async (t) => {
    const r = await runFuzz({ seed, iterations: 300 });
    t.diagnostic(`seed ${seed}: ${r.tried} inputs in ${r.ms} ms: ${JSON.stringify(r.histogram)}`);
    assert.deepEqual(r.findings, [], r.findings.map((f) => `#${f.index} ${f.kind}: ${f.how}: ${f.detail}`).join('\n'));
    assert.equal(r.tried, 300);
    assert.ok((r.histogram.accepted ?? 0) >= 1, 'the untouched bundle is accepted');
    assert.ok((r.histogram['rejected:SIGNATURE'] ?? 0) > 0 && (r.histogram['rejected:BUNDLE'] ?? 0) > 0, 'both layers were exercised');
    assert.equal(r.histogram.CRASH, undefined);
    assert.equal(r.histogram['FALSE-ACCEPT'], undefined);
  });
}

test('the fuzzer is repeatable: the same seed gives the same inputs, another seed others', async () => {
  const a = await runFuzz({ seed: 7, iterations: 120 });
  const b = await runFuzz({ seed: 7, iterations: 120 });
  const c = await runFuzz({ seed: 8, iterations: 120 });
  assert.equal(a.inputs.length, 120);
  assert.deepEqual(a.inputs, b.inputs);
  assert.notDeepEqual(a.inputs, c.inputs);
  assert.deepEqual([a.findings, b.findings, c.findings], [[], [], []]);
});
