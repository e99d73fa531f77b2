// Library API details: configurations are not mutated by sign(), and verification with a key read
// from a PKCS #11 token is available to library users too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { tempDir } from './support/cli.mjs';
import { SoftHsmToken, softhsmSkipReason } from './support/softhsm-token.mjs';
import { hashing, signing, verifying } from '../dist/index.js';

function keyModel(t) {
  const d = tempDir(t);
  const m = join(d, 'model');
  mkdirSync(m);
  writeFileSync(join(m, 'w.bin'), 'weights');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  writeFileSync(join(d, 'key.pem'), privateKey.export({ type: 'sec1', format: 'pem' }));
  writeFileSync(join(d, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  return { d, m, key: join(d, 'key.pem'), pub: join(d, 'pub.pem') };
}

test('sign() leaves the caller\'s hashing configuration unchanged when it excludes the signature file', async (t) => {
  const { m, key, pub } = keyModel(t);
  const h = new hashing.Config().useFileSerialization({ hashAlgorithm: 'blake2b' });
  const before = JSON.stringify(h.serialization);
  const s = new signing.Config().useEllipticKeySigner({ privateKey: key }).setHashingConfig(h);
  await s.sign(m, join(m, 'first.sig'));
  const second = await s.sign(m, join(m, 'second.sig'));
  assert.equal(JSON.stringify(h.serialization), before, 'the given config is not mutated');
  // The second signature excludes only itself; the first signature is an ordinary (signed) file now.
  assert.deepEqual(second.manifest.resources.map((r) => r.name), ['first.sig', 'w.bin']);
  assert.ok(!second.manifest.serialization.ignorePaths.includes('first.sig'));
  const ok = await new verifying.Config().useEllipticKeyVerifier({ publicKey: pub }).verify(m, join(m, 'second.sig'));
  assert.equal(ok.ok, true);
});

const skip = softhsmSkipReason();
test('verifying.Config().usePkcs11KeyVerifier reads the public key from the token', { skip: skip ?? false }, async (t) => {
  const token = new SoftHsmToken({ label: 'api-token' });
  t.after(() => token.cleanup());
  token.keygen({ keyType: 'EC:secp384r1', label: 'apikey', id: '21' });
  process.env.SOFTHSM2_CONF = token.env.SOFTHSM2_CONF;
  const d = tempDir(t);
  const m = join(d, 'model');
  mkdirSync(m);
  writeFileSync(join(m, 'w.bin'), 'weights');
  const uri = token.uri({ object: 'apikey' });
  await new signing.Config().usePkcs11Signer({ pkcs11Uri: uri }).sign(m, join(d, 'model.sig'));
  const r = await new verifying.Config().usePkcs11KeyVerifier({ pkcs11Uri: uri }).verify(m, join(d, 'model.sig'));
  assert.equal(r.ok, true);
  writeFileSync(join(m, 'w.bin'), 'tampered');
  await assert.rejects(new verifying.Config().usePkcs11KeyVerifier({ pkcs11Uri: uri }).verify(m, join(d, 'model.sig')), { code: 'MISMATCH' });
  await assert.rejects(
    new verifying.Config().usePkcs11KeyVerifier({ pkcs11Uri: token.uri({ object: 'no-such-key' }) }).verify(m, join(d, 'model.sig')),
    (e) => e.code === 'PKCS11' && /no-such-key|not found|no key/i.test(e.message),
  );
});
