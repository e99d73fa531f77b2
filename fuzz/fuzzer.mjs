// The bundle fuzzer: mutates real signed bundles of a real small model and feeds each one to the library's
// verify (in-process) with the verifier of the method that signed it: key (also what PKCS #11 bundles are),
// certificate (an openssl PKI) and Sigstore (the loopback stand-in, when it can start; its bundles are
// signed once, and the hostile-signer mode re-signs with the key and the certificate). Properties checked
// for every input:
//  1. no crash: every failure is a ModelSigningError with a known code other than INTERNAL;
//  2. no false acceptance: an input accepted WITHOUT being re-signed must carry a statement that parses to
//     the original manifest; an input accepted after being re-signed (the "signing oracle" mode, standing for
//     a hostile signer) must describe the model truthfully: every signed resource exists with that digest
//     and, unless unsigned files are ignored, every file of the model is signed.
import fs from 'node:fs';
import path from 'node:path';
import { prng } from './prng.mjs';
import { mutateBase64, mutateBytes, mutateTree, serialize } from './mutations.mjs';
import { makeKeyPair, mkTemp, resourcesOf, signPayload, statementFor, writeModel } from '../test/support/hardening-model.mjs';
import { TestPki } from '../test/support/crypto-pki.mjs';
import { startStandin } from '../test/support/sigstore-standin.mjs';
import { CertificateSigner } from '../dist/signers/certificate.js';
import { createSigstoreSigner } from '../dist/signers/sigstore.js';
import * as verifying from '../dist/api/verifying.js';
import { isModelSigningError } from '../dist/errors.js';
import { bundlePayload, readBundleFile } from '../dist/bundle.js';
import { statementToManifest } from '../dist/statement.js';

const KNOWN_CODES = new Set(['USAGE', 'IO', 'MODEL', 'KEY', 'BUNDLE', 'SIGNATURE', 'TRUST', 'MISMATCH', 'SIGNING', 'PKCS11']);
const MAX_FINDINGS = 20;

/** The resources and hashing parameters a manifest commits to (the subject name is informational). */
function semantics(m) {
  const s = m.serialization;
  return JSON.stringify({
    method: s.method,
    hashType: s.hashType,
    shardSize: s.method === 'shards' ? s.shardSize : null,
    resources: [...m.resources].map((r) => [r.name, r.digest]).sort(),
  });
}

/**
 * Sets up a temp model and, per method (key, certificate, Sigstore unless `sigstore: false`), one signed
 * bundle per serialization with the matching verifier. Call `cleanup()` when done.
 */
export async function setup({ sigstore = true } = {}) {
  const dir = mkTemp('ms-fuzz-');
  const model = writeModel(path.join(dir, 'model'));
  const keys = makeKeyPair(dir);
  const pki = new TestPki();
  const root = pki.identity('fuzz-root', { ca: true });
  const leaf = pki.identity('fuzz-leaf', { issuer: root });
  const methods = [
    { name: 'key', signer: keys.signer, verifier: () => new verifying.Config().useEllipticKeyVerifier({ publicKey: keys.pubPath }) },
    {
      name: 'certificate',
      signer: CertificateSigner.fromFiles({ privateKey: leaf.key, signingCertificate: leaf.cert }),
      verifier: () => new verifying.Config().useCertificateVerifier({ certificateChain: [root.cert] }),
    },
  ];
  let standin;
  if (sigstore) {
    try {
      standin = await startStandin();
      const trustConfig = path.join(dir, 'trust-config.json');
      fs.writeFileSync(trustConfig, JSON.stringify(standin.trustConfig({ rekor: 1, tsa: true })));
      const identityToken = await standin.mintToken({ email: 'fuzz@example.com', email_verified: true });
      methods.push({
        name: 'sigstore',
        signer: createSigstoreSigner({ identityToken, trustConfig }),
        resign: false, // one HTTP round trip per signature: the hostile-signer mode uses the other methods
        verifier: () => new verifying.Config().useSigstoreVerifier({ identity: 'fuzz@example.com', oidcIssuer: standin.issuer, trustConfig }),
      });
    } catch {
      // no loopback HTTP here: key and certificate only
    }
  }
  const bases = [];
  for (const m of methods) {
    const verifier = m.verifier();
    for (const method of ['files', 'shards']) {
      const resources = resourcesOf(model, { method, shardSize: 1000 });
      const statement = statementFor(resources, { method, shardSize: 1000, name: 'model' });
      const bundle = await signPayload(m.signer, statement);
      bases.push({ signing: m.name, signer: m.signer, resign: m.resign !== false, verifier, method, statement, bundle, truth: new Map(resources.map((r) => [r.name, r.digest])) });
    }
  }
  await standin?.close();
  const cleanup = () => {
    pki.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { dir, model, keys, bases, cleanup };
}

/** One mutated input: { bytes, how, resigned }. */
async function makeInput(r, env, base) {
  const mode = r.int(10);
  if (mode < 4) {
    // Structure of the bundle JSON (1-3 mutations).
    let tree = structuredClone(base.bundle);
    const how = [];
    for (let n = 1 + r.int(3); n > 0; n--) {
      const [t, d] = mutateTree(r, tree);
      tree = t;
      how.push(d);
    }
    return { bytes: Buffer.from(serialize(tree)), how: `bundle: ${how.join(', ')}`, resigned: false };
  }
  if (mode < 5) {
    const [bytes, how] = mutateBytes(r, Buffer.from(JSON.stringify(base.bundle)));
    return { bytes, how: `bundle bytes: ${how}`, resigned: false };
  }
  if (mode < 6) {
    const tree = structuredClone(base.bundle);
    const env2 = tree.dsseEnvelope;
    const field = r.chance(0.6) ? 'payload' : 'sig';
    const holder = field === 'payload' ? env2 : env2.signatures[0];
    const [s, how] = mutateBase64(r, holder[field]);
    holder[field] = s;
    return { bytes: Buffer.from(JSON.stringify(tree)), how: `base64 ${field}: ${how}`, resigned: false };
  }
  if (mode < 7 || !base.resign) {
    // Statement bytes changed inside an otherwise intact bundle (the signature no longer covers them).
    const tree = structuredClone(base.bundle);
    const [payload, how] = mutateBytes(r, Buffer.from(tree.dsseEnvelope.payload, 'base64'));
    tree.dsseEnvelope.payload = payload.toString('base64');
    return { bytes: Buffer.from(JSON.stringify(tree)), how: `payload bytes: ${how}`, resigned: false };
  }
  // Signing oracle: a hostile signer signs a mutated statement (structure or bytes).
  let payload;
  let how;
  if (r.chance(0.8)) {
    let tree = structuredClone(base.statement);
    const parts = [];
    for (let n = 1 + r.int(2); n > 0; n--) {
      const [t, d] = mutateTree(r, tree);
      tree = t;
      parts.push(d);
    }
    payload = Buffer.from(serialize(tree));
    how = `re-signed statement: ${parts.join(', ')}`;
  } else {
    const [b, d] = mutateBytes(r, Buffer.from(JSON.stringify(base.statement)));
    payload = b;
    how = `re-signed statement bytes: ${d}`;
  }
  const bundle = await signPayload(base.signer, payload);
  return { bytes: Buffer.from(JSON.stringify(bundle)), how, resigned: true };
}

/** Whether an accepted input is acceptable (see the header); returns a reason when it is not. */
function checkAccepted(input, sigPath, base, ignoreUnsigned) {
  const accepted = statementToManifest(bundlePayload(readBundleFile(sigPath)));
  if (!input.resigned) {
    const original = statementToManifest(Buffer.from(JSON.stringify(base.statement)));
    return semantics(accepted) === semantics(original) ? null : 'accepted a bundle whose statement differs from the signed one';
  }
  const s = accepted.serialization;
  if (s.method !== base.method || s.hashType !== 'sha256' || (s.method === 'shards' && s.shardSize !== 1000)) {
    return `accepted a manifest with other hashing parameters (${s.method}, ${s.hashType})`;
  }
  for (const res of accepted.resources) {
    if (base.truth.get(res.name) !== res.digest) return `accepted resource '${res.name}' that the model does not hold with that digest`;
  }
  if (!ignoreUnsigned && new Set(accepted.resources.map((x) => x.name)).size !== base.truth.size) {
    return 'accepted a manifest that leaves model files unsigned';
  }
  return null;
}

/**
 * Runs `iterations` inputs from `seed`. Returns { seed, tried, histogram, examples, findings, accepted, inputs, ms }; `findings` lists
 * crashes and false acceptances (each with the seed-relative index and the mutation, to reproduce it);
 * `examples` holds up to 3 inputs per outcome; `accepted` samples the mutations that were (rightly) accepted; `inputs` describes every input in order.
 * The inputs depend only on the seed; outcomes can differ in rare cases, since ECDSA signatures are randomized
 * (e.g. whether a signature's base64 ends in padding that a mutation drops).
 */
export async function runFuzz({ seed = 1, iterations = 300, onProgress, sigstore = true } = {}) {
  const env = await setup({ sigstore });
  const r = prng(seed);
  const histogram = {};
  const findings = [];
  const accepted = [];
  const inputs = [];
  const examples = {};
  const count = (k) => (histogram[k] = (histogram[k] ?? 0) + 1);
  const sigPath = path.join(env.dir, 'model.sig');
  const t0 = Date.now();
  try {
    for (let i = 0; i < iterations; i++) {
      const base = r.pick(env.bases);
      // Input 0 of each run is an untouched bundle: proves the harness accepts what it should.
      const input = i === 0 ? { bytes: Buffer.from(JSON.stringify(base.bundle)), how: 'original', resigned: false } : await makeInput(r, env, base);
      const ignoreUnsigned = r.chance(0.3);
      inputs.push(`${base.signing}/${base.method}${ignoreUnsigned ? ' +ignore-unsigned' : ''}: ${input.how}`);
      fs.writeFileSync(sigPath, input.bytes);
      let outcome;
      let rejection = '';
      try {
        await base.verifier.setIgnoreUnsignedFiles(ignoreUnsigned).verify(env.model, sigPath);
        const why = checkAccepted(input, sigPath, base, ignoreUnsigned);
        outcome = why ? 'FALSE-ACCEPT' : 'accepted';
        if (why) findings.push({ index: i, kind: 'false acceptance', how: input.how, detail: why });
        else if (accepted.length < 50) accepted.push(`#${i} ${input.how}`);
      } catch (e) {
        if (isModelSigningError(e) && KNOWN_CODES.has(e.code)) {
          outcome = `rejected:${e.code}`;
          rejection = e.message.slice(0, 160);
        } else {
          outcome = 'CRASH';
          findings.push({ index: i, kind: 'crash', how: input.how, detail: `${e?.name}: ${e?.code ?? ''} ${e?.message}`.slice(0, 300) });
        }
      }
      count(outcome);
      const ex = (examples[outcome] ??= []);
      if (ex.length < 3) ex.push(`#${i} ${input.how}${outcome.startsWith('rejected') ? ` -> ${rejection}` : ''}`);
      onProgress?.(i + 1, outcome);
      if (findings.length >= MAX_FINDINGS) break;
    }
  } finally {
    env.cleanup();
  }
  const tried = Object.values(histogram).reduce((a, b) => a + b, 0);
  const methods = [...new Set(env.bases.map((b) => b.signing))];
  return { seed, tried, histogram, examples, findings, accepted, inputs, methods, ms: Date.now() - t0 };
}
