// RFC 7512 URI parsing, PIN sources, module search and EC public keys from token attributes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { parsePkcs11Uri, redact, formatId } from '../dist/pkcs11/uri.js';
import { pinFromUri, pinSourcePath } from '../dist/pkcs11/pin.js';
import { findModule, moduleFileMatches, defaultModuleDirs } from '../dist/pkcs11/module-search.js';
import { ecPublicKey } from '../dist/pkcs11/ec-public-key.js';

function tempDir(t) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-pkcs11-uri-'));
  t.after(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

function rejects(uri, pattern) {
  assert.throws(() => parsePkcs11Uri(uri), (e) => {
    assert.equal(e.name, 'ModelSigningError');
    assert.equal(e.code, 'USAGE');
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  }, uri);
}

test('a full URI: path and query attributes, percent-decoded', () => {
  const u = parsePkcs11Uri(
    'pkcs11:token=My%20Token;object=my%2Fkey;id=%01%ff%20;slot-id=830659380;type=private;manufacturer=SoftHSM%20project;serial=2ce8;model=SoftHSM%20v2;library-version=2.6' +
      '?pin-value=12%2634&module-name=softhsm2&module-path=/usr/lib/softhsm&x-vendor=1',
  );
  assert.equal(u.token, 'My Token');
  assert.equal(u.object, 'my/key');
  assert.deepEqual(u.id, Buffer.from([0x01, 0xff, 0x20]));
  assert.equal(u.slotId, 830659380n);
  assert.equal(u.type, 'private');
  assert.equal(u.pinValue, '12&34');
  assert.equal(u.moduleName, 'softhsm2');
  assert.equal(u.modulePath, '/usr/lib/softhsm');
  assert.equal(u.pinSource, undefined);
});

test('minimal URIs: empty path, query only, case-insensitive scheme, id from plain characters, UTF-8 labels', () => {
  assert.deepEqual(parsePkcs11Uri('pkcs11:'), {});
  assert.deepEqual(parsePkcs11Uri('pkcs11:?module-name=opensc-pkcs11'), { moduleName: 'opensc-pkcs11' });
  assert.equal(parsePkcs11Uri('PKCS11:object=k').object, 'k');
  assert.deepEqual(parsePkcs11Uri('pkcs11:id=ab').id, Buffer.from('ab'));
  assert.equal(parsePkcs11Uri('pkcs11:token=T%C3%B6ken').token, 'Töken');
  assert.equal(parsePkcs11Uri('pkcs11:slot-id=18446744073709551615').slotId, 18446744073709551615n);
});

test('malformed URIs are rejected with a message naming the problem', () => {
  rejects('pkcs12:object=k', /must start with 'pkcs11:'/);
  rejects('object=k', /must start with 'pkcs11:'/);
  rejects('pkcs11:object', /attribute 'object' has no '=value'/);
  rejects('pkcs11:=x', /has no '=value'/);
  rejects('pkcs11:object=k;', /empty path attribute/);
  rejects('pkcs11:object=k?module-name=a&', /empty query attribute/);
  rejects('pkcs11:object=k%2', /bad percent-encoding '%2'/);
  rejects('pkcs11:object=k%zz', /bad percent-encoding '%zz'/);
  rejects('pkcs11:object=my key', /" " in path attribute 'object' must be percent-encoded/);
  rejects('pkcs11:object=k#frag', /fragment/);
  rejects('pkcs11:object=k?a=1?b=2', /more than one '\?'/);
  rejects('pkcs11:slot-id=abc', /slot-id 'abc' is not a slot number/);
  rejects('pkcs11:slot-id=-1', /slot-id '-1'/);
  rejects('pkcs11:slot-id=18446744073709551616', /not a slot number/);
  rejects('pkcs11:type=secret', /type 'secret' is not one of/);
  rejects('pkcs11:library-version=1.x', /library-version '1.x'/);
  rejects('pkcs11:lable=mykey', /unknown path attribute 'lable'/);
  rejects('pkcs11:object=k?pin=1234', /unknown query attribute 'pin'/);
  rejects('pkcs11:object=k?module-path=lib/softhsm2.so', /module-path 'lib\/softhsm2.so' must be an absolute path/);
  rejects('pkcs11:object=k?module-name=/usr/lib/x.so', /must be a module's name/);
  rejects('pkcs11:object=k?pin-value=1&pin-source=/p', /pin-value and pin-source cannot both be given/);
  rejects('pkcs11:token=%ff', /token is not valid UTF-8/);
});

test('duplicate attributes are rejected, in the path and in the query', () => {
  rejects('pkcs11:object=a;object=b', /duplicate path attribute 'object'/);
  rejects('pkcs11:id=%01;token=t;id=%02', /duplicate path attribute 'id'/);
  rejects('pkcs11:object=a?module-name=x&module-name=y', /duplicate query attribute 'module-name'/);
});

test('the PIN never appears in error messages', () => {
  rejects('pkcs11:object=a;object=b?pin-value=s3cret', /pin-value=\*\*\*/);
  assert.equal(redact('pkcs11:x=1?module-name=a&pin-value=123&b=2'), 'pkcs11:x=1?module-name=a&pin-value=***&b=2');
  assert.throws(() => parsePkcs11Uri('pkcs11:object=a;object=b?pin-value=s3cret'), (e) => !e.message.includes('s3cret'));
});

test('formatId percent-encodes every byte', () => {
  assert.equal(formatId(Buffer.from([0x01, 0xab])), '%01%ab');
});

test('pin-source: plain paths, file: URIs, whole content less one line break', (t) => {
  const d = tempDir(t);
  const f = path.join(d, 'pin');
  fs.writeFileSync(f, '1234\n');
  assert.equal(pinFromUri(parsePkcs11Uri(`pkcs11:?pin-source=${f}`)), '1234');
  assert.equal(pinFromUri(parsePkcs11Uri(`pkcs11:?pin-source=file:${f}`)), '1234');
  assert.equal(pinFromUri(parsePkcs11Uri(`pkcs11:?pin-source=file://${f}`)), '1234');
  assert.equal(pinFromUri(parsePkcs11Uri(`pkcs11:?pin-source=file://localhost${f}`)), '1234');
  fs.writeFileSync(f, ' 12 34 \r\n');
  assert.equal(pinFromUri(parsePkcs11Uri(`pkcs11:?pin-source=${f}`)), ' 12 34 ', 'spaces are kept');
  fs.writeFileSync(f, 'ab\n\n');
  assert.equal(pinFromUri(parsePkcs11Uri(`pkcs11:?pin-source=${f}`)), 'ab\n', 'only one line break is dropped');
  // A file name with a space, percent-encoded in the pkcs11 URI and decoded once.
  const spaced = path.join(d, 'my pin');
  fs.writeFileSync(spaced, '9999');
  assert.equal(pinFromUri(parsePkcs11Uri(`pkcs11:?pin-source=${spaced.replace(' ', '%20')}`)), '9999');
  assert.equal(pinFromUri(parsePkcs11Uri('pkcs11:?pin-value=42')), '42');
  assert.equal(pinFromUri(parsePkcs11Uri('pkcs11:object=k')), undefined);
});

test('pin-source errors: missing, empty, directory, other schemes and hosts', (t) => {
  const d = tempDir(t);
  const empty = path.join(d, 'empty');
  fs.writeFileSync(empty, '');
  const err = (uri, code, pattern) =>
    assert.throws(() => pinFromUri(parsePkcs11Uri(uri)), (e) => e.code === code && pattern.test(e.message), uri);
  err(`pkcs11:?pin-source=${d}/missing`, 'IO', /PIN file \(pin-source\) '.*missing' does not exist/);
  err(`pkcs11:?pin-source=${empty}`, 'USAGE', /is empty/);
  err(`pkcs11:?pin-source=${d}`, 'IO', /is a directory/);
  err('pkcs11:?pin-source=https://example.com/pin', 'USAGE', /only files and file: URIs/);
  err('pkcs11:?pin-source=file://otherhost/etc/pin', 'USAGE', /other hosts/);
  assert.equal(pinSourcePath('rel/pin'), path.resolve('rel/pin'));
});

test('module names match library files the way RFC 7512 names them', () => {
  assert.ok(moduleFileMatches('libsofthsm2.so', 'softhsm2'));
  assert.ok(moduleFileMatches('libsofthsm2.so', 'SoftHSM2'));
  assert.ok(moduleFileMatches('libsofthsm2.so', 'libsofthsm2'));
  assert.ok(moduleFileMatches('libsofthsm2.so', 'libsofthsm2.so'));
  assert.ok(moduleFileMatches('opensc-pkcs11.so', 'opensc-pkcs11'));
  assert.ok(moduleFileMatches('libykcs11.so.2', 'ykcs11'));
  assert.ok(moduleFileMatches('libsofthsm2.dylib', 'softhsm2'));
  assert.ok(!moduleFileMatches('libsofthsm2.so', 'hsm2'), 'no substring matches');
  assert.ok(!moduleFileMatches('onepin-opensc-pkcs11.so', 'opensc-pkcs11'));
  assert.ok(!moduleFileMatches('softhsm2.module', 'softhsm2'), 'not a library');
});

test('module search: module-path file or directory, module-name in given directories, clear errors', (t) => {
  const d = tempDir(t);
  const a = path.join(d, 'a');
  const b = path.join(d, 'b');
  fs.mkdirSync(a);
  fs.mkdirSync(b);
  fs.writeFileSync(path.join(a, 'libother.so'), '');
  fs.writeFileSync(path.join(b, 'libmytoken.so'), '');
  fs.mkdirSync(path.join(a, 'libmytoken.so')); // a directory with a module's name is not a module
  assert.equal(findModule(parsePkcs11Uri(`pkcs11:?module-path=${b}/libmytoken.so`)), path.join(b, 'libmytoken.so'));
  assert.equal(findModule(parsePkcs11Uri(`pkcs11:?module-path=${b}&module-name=mytoken`)), path.join(b, 'libmytoken.so'));
  assert.equal(findModule(parsePkcs11Uri('pkcs11:?module-name=mytoken'), [a, b]), path.join(b, 'libmytoken.so'));

  const fails = (uri, dirs, code, pattern) =>
    assert.throws(() => findModule(parsePkcs11Uri(uri), dirs), (e) => e.code === code && pattern.test(e.message), uri);
  fails('pkcs11:?module-name=nosuch', [a, b], 'PKCS11', new RegExp(`module 'nosuch' not found in ${a}, ${b}`));
  fails(`pkcs11:?module-path=${b}`, [], 'USAGE', /is a directory: add module-name=/);
  fails(`pkcs11:?module-path=${a}&module-name=mytoken`, [], 'PKCS11', /'mytoken' not found in .*\(module-path\)/);
  fails(`pkcs11:?module-path=${d}/none.so`, [], 'PKCS11', /module not found: module-path .*none\.so does not exist/);
  fails('pkcs11:object=k', [], 'USAGE', /does not say which module to load: add \?module-name=/);
});

test('module search finds SoftHSM2 by name in the system directories (Debian multiarch, p11-kit)', { skip: fs.existsSync('/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so') || fs.existsSync('/usr/lib/softhsm/libsofthsm2.so') ? false : 'softhsm2 is not installed' }, () => {
  const found = findModule(parsePkcs11Uri('pkcs11:?module-name=softhsm2'));
  assert.match(found, /libsofthsm2\.so$/);
  assert.ok(fs.statSync(found).isFile());
  assert.ok(defaultModuleDirs().every((d) => fs.statSync(d).isDirectory()));
});

test('EC public keys from CKA_EC_PARAMS and CKA_EC_POINT (DER-wrapped or bare), all three curves', () => {
  const params = { 'P-256': '06082a8648ce3d030107', 'P-384': '06052b81040022', 'P-521': '06052b81040023' };
  for (const [crv, oid] of Object.entries(params)) {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: crv });
    const jwk = publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
    const len = point.length < 0x80 ? Buffer.from([point.length]) : Buffer.from([0x81, point.length]);
    const wrapped = Buffer.concat([Buffer.from([0x04]), len, point]);
    for (const p of [wrapped, point]) {
      const k = ecPublicKey(Buffer.from(oid, 'hex'), p, 'test key');
      assert.ok(k.equals(publicKey), `${crv} ${p === point ? 'bare' : 'wrapped'}`);
    }
  }
});

test('EC public keys: other curves, compressed and corrupt points are refused', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const point = der.subarray(der.length - 65);
  assert.throws(() => ecPublicKey(Buffer.from('06052b8104000a', 'hex'), point, 'k1 key'), /k1 key: unsupported EC curve .*only P-256, P-384 and P-521/);
  const p256 = Buffer.from('06082a8648ce3d030107', 'hex');
  const compressed = Buffer.concat([Buffer.from([0x04, 33, 0x02]), Buffer.alloc(32, 1)]);
  assert.throws(() => ecPublicKey(p256, compressed, 'c'), /compressed EC points are not supported/);
  assert.throws(() => ecPublicKey(p256, Buffer.alloc(10), 'c'), /not an uncompressed point/);
  const offCurve = Buffer.concat([Buffer.from([0x04]), Buffer.alloc(64, 1)]);
  assert.throws(() => ecPublicKey(p256, offCurve, 'c'), (e) => e.code === 'PKCS11' && /invalid EC public key/.test(e.message));
});
