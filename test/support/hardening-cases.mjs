// The hardening cases as a table, so that every front end (the CLI, the library, a browser verifier) runs the
// same ones. buildHardeningCases() makes the material in Node (real EC keys, an openssl PKI, the loopback
// Sigstore stand-in) and returns plain data:
//
//   { id, item, title,
//     model: { 'name': Buffer | string | { size } },      // { size }: that many zero bytes (sparse on disk)
//     bundle: object | string,                             // the signature file (a string is written verbatim)
//     trust: { method: 'key', publicKeyPem }
//          | { method: 'certificate', anchorPems: [pem] }
//          | { method: 'sigstore', trustConfig, identity, issuer },
//     ignoreUnsignedFiles?: boolean,
//     expect: { ok: true } | { exit: 1, code: 'MISMATCH' | 'BUNDLE' | 'TRUST' | ..., message: 'fragment' } }
//
// A failure must match exactly: the exit code, the error code (library) and the message fragment (both).
//
// Cases about files the user names on a command line (FIFOs, devices) only exist where there is a file
// system: they carry `nodeOnly: true` and `argv(paths)`, the CLI arguments, instead of a bundle and trust,
// and expect { exit, message, reason }: the message names the flag, the reason says why the file is refused.
// `item` is the number of the problem in the second hardening round (see SECURITY.md).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeKeyPair, resourcesOf, signPayload, statementFor } from './hardening-model.mjs';
import { TestPki } from './crypto-pki.mjs';
import { startStandin } from './sigstore-standin.mjs';
import { CertificateSigner } from '../../dist/signers/certificate.js';
import { createSigstoreSigner } from '../../dist/signers/sigstore.js';

const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
const W = Buffer.from(Array.from({ length: 2500 }, (_, i) => (i * 7919) % 251));
const BASE_MODEL = { 'w.bin': W, 'config.json': '{"layers": 2}' };

/** Writes a case's model under `dir` (a `{ size }` entry becomes a sparse file). */
export function writeModelFiles(dir, model) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(model)) {
    const p = path.join(dir, ...name.split('/'));
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (content && typeof content === 'object' && !Buffer.isBuffer(content)) {
      fs.writeFileSync(p, '');
      fs.truncateSync(p, content.size);
    } else fs.writeFileSync(p, content);
  }
  return dir;
}

const clone = (b) => structuredClone(b);
const mismatch = (message) => ({ exit: 1, code: 'MISMATCH', message });
const bundleError = (message) => ({ exit: 1, code: 'BUNDLE', message });
const trustError = (message) => ({ exit: 1, code: 'TRUST', message });

/** Item 1: shard signatures and empty files (OMS 6.3.2 omits them from shard manifests). */
async function shardEmptyFileCases(dir, key) {
  const trust = { method: 'key', publicKeyPem: fs.readFileSync(key.pubPath, 'utf8') };
  const modelDir = writeModelFiles(path.join(dir, 'shard-base'), BASE_MODEL);
  const rs = resourcesOf(modelDir, { method: 'shards', shardSize: 1000 });
  const bundle = await signPayload(key.signer, statementFor(rs, { method: 'shards', shardSize: 1000 }));
  // The reference's legacy spelling: per-shard `sha256-sharded-N` algorithms and a float shard size.
  const legacyRs = rs.map((r) => ({ ...r, algorithm: 'sha256-sharded-1000' }));
  const legacyText = JSON.stringify(statementFor(legacyRs, { method: 'shards', shardSize: 1000 })).replace('"shard_size":1000', '"shard_size":1000.0');
  const legacy = await signPayload(key.signer, legacyText);
  const base = { item: 1, trust, bundle };
  return [
    { ...base, id: 'shards-untouched', title: 'a shard-signed model verifies', model: BASE_MODEL, expect: { ok: true } },
    { ...base, id: 'shards-empty-init-added', title: 'an unsigned empty __init__.py added to a shard-signed model', model: { ...BASE_MODEL, '__init__.py': '' }, expect: mismatch("1 unsigned file(s): '__init__.py'") },
    { ...base, id: 'shards-empty-file-added-deep', title: 'an unsigned empty file added in a sub-folder', model: { ...BASE_MODEL, 'pkg/sub/__init__.py': '' }, expect: mismatch("1 unsigned file(s): 'pkg/sub/__init__.py'") },
    { ...base, id: 'shards-empty-file-ignored', title: '--ignore-unsigned-files accepts the added empty file', model: { ...BASE_MODEL, '__init__.py': '' }, ignoreUnsignedFiles: true, expect: { ok: true } },
    { ...base, id: 'shards-signed-file-emptied', title: 'a signed file truncated to zero bytes', model: { ...BASE_MODEL, 'w.bin': '' }, expect: mismatch("digest mismatch(es): 'w.bin:0:1000'") },
    { ...base, bundle: legacy, id: 'shards-legacy-empty-file-added', title: 'legacy shard bundle (sha256-sharded-N, float shard size) with an empty file added', model: { ...BASE_MODEL, '__init__.py': '' }, expect: mismatch("1 unsigned file(s): '__init__.py'") },
    { ...base, bundle: legacy, id: 'shards-legacy-untouched', title: 'the legacy shard bundle verifies', model: BASE_MODEL, expect: { ok: true } },
  ];
}

/** Item 2: critical extensions this verifier does not process, in each position of a certificate path. */
function criticalExtensionCases(pki, root) {
  const CA = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'];
  const LEAF = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature'];
  const chain = (id, { intExt = [], leafExt = [] } = {}) => {
    const int = pki.identity(`cx-int-${id}`, { issuer: root, ext: [...CA, ...intExt] });
    const leaf = pki.identity(`cx-leaf-${id}`, { issuer: int, ext: [...LEAF, ...leafExt] });
    return { int, leaf };
  };
  const specs = [
    ['cert-clean-chain', 'a clean three-certificate chain verifies', {}, { ok: true }],
    ['cert-leaf-unknown-noncritical', 'an unknown NON-critical extension in the leaf is fine', { leafExt: ['1.3.6.1.4.1.55555.1=ASN1:UTF8String:x'] }, { ok: true }],
    ['cert-leaf-unknown-critical', 'an unknown critical extension in the leaf', { leafExt: ['1.3.6.1.4.1.55555.1=critical,ASN1:UTF8String:x'] }, trustError("signing certificate 'CN=cx-leaf-cert-leaf-unknown-critical' has a critical unknown extension 1.3.6.1.4.1.55555.1")],
    ['cert-int-unknown-critical', 'an unknown critical extension in the intermediate', { intExt: ['1.3.6.1.4.1.55555.2=critical,ASN1:UTF8String:x'] }, trustError("intermediate certificate 'CN=cx-int-cert-int-unknown-critical' has a critical unknown extension 1.3.6.1.4.1.55555.2")],
    ['cert-int-name-constraints', 'critical name constraints (not processed) in the intermediate', { intExt: ['nameConstraints=critical,permitted;DNS:example.com'] }, trustError('critical nameConstraints (2.5.29.30)')],
    ['cert-int-policy-constraints', 'critical policy constraints (not processed) in the intermediate', { intExt: ['policyConstraints=critical,inhibitPolicyMapping:3'] }, trustError('critical policyConstraints (2.5.29.36)')],
    ['cert-int-inhibit-any-policy', 'critical inhibitAnyPolicy in the intermediate', { intExt: ['inhibitAnyPolicy=critical,0'] }, trustError('critical inhibitAnyPolicy (2.5.29.54)')],
    ['cert-leaf-policies', 'critical certificate policies in the leaf', { leafExt: ['certificatePolicies=critical,1.2.3.4'] }, trustError('critical certificatePolicies (2.5.29.32)')],
    ['cert-leaf-ct-poison', 'a CT precertificate (critical poison extension) as the leaf', { leafExt: ['1.3.6.1.4.1.11129.2.4.3=critical,ASN1:NULL'] }, trustError('critical CT precertificate poison')],
  ];
  return specs.map(([id, title, exts, expect]) => ({ id, title, exts, expect, ...chain(id, exts) })).map((c) => ({
    item: 2,
    id: c.id,
    title: c.title,
    model: BASE_MODEL,
    trust: { method: 'certificate', anchorPems: [fs.readFileSync(root.cert, 'utf8')] },
    sign: () => CertificateSigner.fromFiles({ privateKey: c.leaf.key, signingCertificate: c.leaf.cert, certificateChain: [c.int.cert] }),
    leafKey: c.leaf.key,
    leafCert: c.leaf.cert,
    expect: c.expect,
  }));
}

const b64flip = (s) => {
  const b = Buffer.from(s, 'base64');
  b[b.length >> 1] ^= 1;
  return b.toString('base64');
};

/** Item 3: redundant bundle fields that must agree with what is verified (or cannot change the outcome). */
function bundleFieldCases(keyBundle, keyTrust, sig1, sig2) {
  const out = [];
  const relabel = (b, mediaType) => ({ ...clone(b), mediaType });
  for (const [suffix, mt] of [['v0.2', 'application/vnd.dev.sigstore.bundle+json;version=0.2'], ['v0.1', 'application/vnd.dev.sigstore.bundle+json;version=0.1']]) {
    out.push({ id: `key-relabelled-${suffix}`, title: `a key bundle relabelled ${mt}`, bundle: relabel(keyBundle, mt), trust: keyTrust, expect: bundleError('a signature without transparency log entries is a v0.3 bundle') });
  }
  out.push({ id: 'key-relabelled-v0.3-other-spelling', title: 'the other spelling of the v0.3 media type means the same', bundle: relabel(keyBundle, 'application/vnd.dev.sigstore.bundle+json;version=0.3'), trust: keyTrust, expect: { ok: true } });
  out.push({ id: 'key-relabelled-v0.4', title: 'an unknown bundle version', bundle: relabel(keyBundle, 'application/vnd.dev.sigstore.bundle.v0.4+json'), trust: keyTrust, expect: bundleError('media type') });
  const keyidChanged = clone(keyBundle);
  keyidChanged.dsseEnvelope.signatures[0].keyid = 'attacker-chosen';
  out.push({ id: 'key-dsse-keyid-changed', title: 'the DSSE keyid (unauthenticated, unused) changed: same outcome', bundle: keyidChanged, trust: keyTrust, expect: { ok: true } });
  if (sig1) {
    const entry = (b) => b.verificationMaterial.tlogEntries[0];
    out.push({ id: 'sigstore-untouched', title: 'the Sigstore (Rekor v1) bundle verifies', bundle: sig1.bundle, trust: sig1.trust, expect: { ok: true } });
    for (const [suffix, mt] of [['v0.2', 'application/vnd.dev.sigstore.bundle+json;version=0.2'], ['v0.1', 'application/vnd.dev.sigstore.bundle+json;version=0.1']]) {
      out.push({ id: `sigstore-relabelled-${suffix}`, title: `a Sigstore v0.3 bundle relabelled ${mt}`, bundle: relabel(sig1.bundle, mt), trust: sig1.trust, expect: bundleError('verificationMaterial.certificate exists only from v0.3') });
    }
    const rootFlipped = clone(sig1.bundle);
    entry(rootFlipped).inclusionProof.rootHash = b64flip(entry(rootFlipped).inclusionProof.rootHash);
    out.push({ id: 'rekor1-root-hash-flipped', title: 'Rekor v1 inclusionProof.rootHash flipped', bundle: rootFlipped, trust: sig1.trust, expect: bundleError("inclusionProof.rootHash differs from its checkpoint's root hash") });
    const sizeChanged = clone(sig1.bundle);
    entry(sizeChanged).inclusionProof.treeSize = String(Number(entry(sizeChanged).inclusionProof.treeSize) + 1);
    out.push({ id: 'rekor1-tree-size-changed', title: 'Rekor v1 inclusionProof.treeSize changed', bundle: sizeChanged, trust: sig1.trust, expect: bundleError("inclusionProof.treeSize") });
    const noProof = clone(sig1.bundle);
    delete entry(noProof).inclusionProof;
    out.push({ id: 'rekor1-proof-removed', title: 'the inclusion proof removed from a v0.3 bundle', bundle: noProof, trust: sig1.trust, expect: bundleError('has no inclusionProof, which a v0.3 bundle requires') });
  }
  if (sig2) {
    out.push({ id: 'rekor2-untouched', title: 'the Sigstore (Rekor v2) bundle verifies', bundle: sig2.bundle, trust: sig2.trust, expect: { ok: true } });
    const timed = clone(sig2.bundle);
    timed.verificationMaterial.tlogEntries[0].integratedTime = '1700000000';
    out.push({ id: 'rekor2-integrated-time-added', title: 'a forged integratedTime added to a Rekor v2 entry', bundle: timed, trust: sig2.trust, expect: bundleError('Rekor v2 entry with an integratedTime') });
  }
  return out.map((c) => ({ item: 3, model: BASE_MODEL, ...c }));
}

/** Item 5: a hostile signed shard size must be refused from the file sizes, before any task exists. */
async function shardCountCases(key) {
  const trust = { method: 'key', publicKeyPem: fs.readFileSync(key.pubPath, 'utf8') };
  const one = Buffer.from('a');
  const st = statementFor([{ name: 'a.txt:0:1', algorithm: 'sha256', digest: sha256(one) }], { method: 'shards', shardSize: 1 });
  const tiny = await signPayload(key.signer, st);
  const big = { 'a.txt': one, 'big.bin': { size: 9_000_000 } };
  const stBig = statementFor([{ name: 'big.bin:0:1', algorithm: 'sha256', digest: sha256(Buffer.alloc(1)) }], { method: 'shards', shardSize: 1 });
  const tinyOverBig = await signPayload(key.signer, stBig);
  return [
    { id: 'shard-size-1-unsigned-9mb', title: 'shard_size 1 and an unsigned 9 MB file', model: big, bundle: tiny, expect: mismatch('needs 9000001 digests, but the signature lists only 1') },
    { id: 'shard-size-1-unsigned-9mb-ignored', title: '... with --ignore-unsigned-files (only a.txt is hashed)', model: big, bundle: tiny, ignoreUnsignedFiles: true, expect: { ok: true } },
    { id: 'shard-size-1-signed-9mb', title: 'shard_size 1 over a signed file that is 9 MB locally, with --ignore-unsigned-files', model: big, bundle: tinyOverBig, ignoreUnsignedFiles: true, expect: mismatch('needs 9000000 digests, but the signature lists only 1') },
  ].map((c) => ({ item: 5, trust, ...c }));
}

/** Item 6: user-named files that never end (FIFOs, /dev/zero) and directories, for every flag that takes one. */
function userFileCases() {
  const FLAGS = [
    ['--public-key', 'public key file (--public-key)', (p, x) => ['verify', 'key', '--public-key', x, '--signature', p.sig, p.model]],
    ['--certificate-chain', 'certificate chain file (--certificate-chain)', (p, x) => ['verify', 'certificate', '--certificate-chain', x, '--signature', p.sig, p.model]],
    ['--trust-config', 'trust config (--trust-config)', (p, x) => ['verify', 'sigstore', '--trust-config', x, '--identity', 'a@example.com', '--identity-provider', 'https://issuer.example', '--signature', p.sig, p.model]],
    ['--private-key', 'private key file (--private-key)', (p, x) => ['sign', 'key', '--private-key', x, '--signature', p.out, p.model]],
    ['--signing-certificate', 'signing certificate file (--signing-certificate)', (p, x) => ['sign', 'certificate', '--private-key', p.privateKey, '--signing-certificate', x, '--signature', p.out, p.model]],
    ['sign --certificate-chain', 'certificate chain file (--certificate-chain)', (p, x) => ['sign', 'certificate', '--private-key', p.privateKey, '--signing-certificate', p.leafCert, '--certificate-chain', x, '--signature', p.out, p.model]],
    ['--tsa-certificate-chain', 'TSA certificate chain file (--tsa-certificate-chain)', (p, x) => ['verify', 'key', '--public-key', p.publicKey, '--tsa-certificate-chain', x, '--signature', p.sig, p.model]],
    ['--password-file', 'password file (--password-file)', (p, x) => ['sign', 'key', '--private-key', p.privateKey, '--password-file', x, '--signature', p.out, p.model]],
    ['pin-source', 'PIN file (pin-source)', (p, x) => ['sign', 'pkcs11-key', '--pkcs11-uri', `pkcs11:token=none?module-path=/nonexistent/pkcs11.so&pin-source=${x}`, '--signature', p.out, p.model]],
  ];
  const KINDS = [
    ['fifo', 'is a FIFO (named pipe), not a regular file'],
    ['/dev/zero', 'is a device, not a regular file'],
    ['dir', 'is a directory, not a file'],
  ];
  const out = [];
  for (const [flag, label, argv] of FLAGS) {
    for (const [kind, why] of KINDS) {
      out.push({
        item: 6,
        nodeOnly: true,
        id: `user-file-${flag.replace(/\W+/g, '-')}-${kind.replace(/\W+/g, '')}`,
        title: `${kind} given as ${flag}`,
        argv: (p) => argv(p, kind === 'fifo' ? p.fifo : kind === 'dir' ? p.dir : '/dev/zero'),
        // Two fragments: which flag, and why the file is refused.
        expect: { exit: 1, message: `${label} '`, reason: why },
      });
    }
  }
  return out;
}

/**
 * Builds every case. `sigstore: false` skips the Sigstore cases (no stand-in). Call `close()` when done
 * (removes the PKI). `dir` holds scratch files of the builder.
 */
export async function buildHardeningCases({ dir, sigstore = true }) {
  fs.mkdirSync(dir, { recursive: true });
  const key = makeKeyPair(dir);
  const keyTrust = { method: 'key', publicKeyPem: fs.readFileSync(key.pubPath, 'utf8') };
  const baseDir = writeModelFiles(path.join(dir, 'files-base'), BASE_MODEL);
  const keyBundle = await signPayload(key.signer, statementFor(resourcesOf(baseDir)));
  const pki = new TestPki();
  let sig1;
  let sig2;
  if (sigstore) {
    const s = await startStandin();
    try {
      const token = await s.mintToken({ email: 'alice@example.com', email_verified: true });
      const payload = Buffer.from(JSON.stringify(statementFor(resourcesOf(baseDir))));
      for (const rekor of [1, 2]) {
        const tcPath = path.join(dir, `trust-config-${rekor}.json`);
        const trustConfig = s.trustConfig({ rekor, tsa: true });
        fs.writeFileSync(tcPath, JSON.stringify(trustConfig));
        const bundle = await createSigstoreSigner({ identityToken: token, trustConfig: tcPath }).sign(payload);
        const v = { bundle, trust: { method: 'sigstore', trustConfig, identity: 'alice@example.com', issuer: s.issuer } };
        if (rekor === 1) sig1 = v;
        else sig2 = v;
      }
    } finally {
      await s.close();
    }
  }
  const root = pki.identity('cx-root', { ca: true });
  const certCases = criticalExtensionCases(pki, root);
  for (const c of certCases) {
    c.bundle = await c.sign().sign(Buffer.from(JSON.stringify(statementFor(resourcesOf(baseDir)))));
  }
  const clean = certCases.find((c) => c.id === 'cert-clean-chain');
  const material = { privateKey: key.privPath, publicKey: key.pubPath, keyBundle, leafKey: clean.leafKey, leafCert: clean.leafCert };
  for (const c of certCases) {
    delete c.sign;
    delete c.leafKey;
    delete c.leafCert;
  }
  if (sig1) {
    // @sigstore/verify takes the Fulcio chain from the trusted root; certificates the bundle adds are not
    // validated, but a critical extension we do not process is refused in them as in the leaf.
    const evil = pki.identity('cx-sigstore-extra', { issuer: root, ext: ['basicConstraints=critical,CA:FALSE', '1.3.6.1.4.1.55555.3=critical,ASN1:UTF8String:x'] });
    const der = (pem) => Buffer.from(fs.readFileSync(pem, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('base64');
    const b = clone(sig1.bundle);
    b.verificationMaterial.x509CertificateChain = { certificates: [b.verificationMaterial.certificate, { rawBytes: der(evil.cert) }] };
    delete b.verificationMaterial.certificate;
    b.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.2'; // chains are the v0.1/v0.2 form
    certCases.push({ item: 2, id: 'sigstore-bundle-cert-critical', title: 'a Sigstore bundle carrying a certificate with an unknown critical extension', model: BASE_MODEL, trust: sig1.trust, bundle: b, expect: trustError('bundle certificate #2 has a critical unknown extension 1.3.6.1.4.1.55555.3') });
  }
  const cases = [
    ...(await shardEmptyFileCases(dir, key)),
    ...certCases,
    ...bundleFieldCases(keyBundle, keyTrust, sig1, sig2),
    ...(await shardCountCases(key)),
    ...userFileCases(),
  ];
  // `material`: valid files for the command lines of the node-only cases (only the file under test is hostile).
  return { cases, material, close: () => pki.cleanup() };
}

/**
 * The portable cases as JSON text for a front end without Node (a browser page): Buffers become
 * `{ base64 }`, `{ size }` stays (that many zero bytes), node-only cases are left out.
 */
export function casesToJson(cases) {
  return JSON.stringify(
    cases.filter((c) => !c.nodeOnly),
    (_, v) => (v && v.type === 'Buffer' && Array.isArray(v.data) ? { base64: Buffer.from(v.data).toString('base64') } : v),
  );
}
