// Child process for the "nothing outside the model is touched" proof: verifies each given signature against the
// model (library API, key method) and prints one JSON result per case. The parent runs it under strace and
// checks that no file-system call named the sentinel directory. Usage: node runner.mjs spec.json
import fs from 'node:fs';
import * as verifying from '../../dist/api/verifying.js';

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const results = [];
for (const c of spec.cases) {
  try {
    await new verifying.Config().useEllipticKeyVerifier({ publicKey: spec.publicKey }).setIgnoreUnsignedFiles(c.ignoreUnsigned).verify(spec.model, c.sig);
    results.push({ id: c.id, ignoreUnsigned: c.ignoreUnsigned, ok: true });
  } catch (e) {
    results.push({ id: c.id, ignoreUnsigned: c.ignoreUnsigned, ok: false, code: e.code ?? null, message: String(e.message) });
  }
}
// Control: one deliberate look at the sentinel, so the parent knows the tracer would have seen any other.
fs.statSync(spec.control, { throwIfNoEntry: false });
process.stdout.write(JSON.stringify(results));
