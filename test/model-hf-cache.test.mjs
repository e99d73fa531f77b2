// Hugging Face layouts: a hub cache snapshot (files are symlinks into ../../blobs) and a
// `--local-dir` download with its `.cache/huggingface/` metadata.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './support/cli.mjs';
import { writeTree } from './support/flow-helpers.mjs';

function keys(d) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(d, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(d, 'p.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  return { key: join(d, 'k.pem'), pub: join(d, 'p.pem') };
}

/** models--acme--tiny/{blobs, refs, snapshots/<rev>} as huggingface_hub lays it out. */
function hubCache(d) {
  const repo = join(d, 'hub', 'models--acme--tiny');
  const blobs = writeTree(join(repo, 'blobs'), { b1: '{"layers": 2}', b2: 'weights', b3: 'tokens' });
  writeTree(join(repo, 'refs'), { main: 'abc123' });
  const snap = join(repo, 'snapshots', 'abc123');
  mkdirSync(join(snap, 'sub'), { recursive: true });
  symlinkSync('../../blobs/b1', join(snap, 'config.json'));
  symlinkSync('../../blobs/b2', join(snap, 'model.safetensors'));
  symlinkSync('../../../blobs/b3', join(snap, 'sub', 'tokenizer.json'));
  return { snap, blobs };
}

test('hub cache snapshot: the refusal says to use --allow-symlinks', (t) => {
  const d = tempDir(t);
  const { snap } = hubCache(d);
  const { key } = keys(d);
  const r = runCli(['sign', 'key', snap, '--private-key', key, '--signature', join(d, 's.sig')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is a symlink; this is a Hugging Face hub cache snapshot, whose files are symlinks into '.*blobs': sign and verify it with --allow-symlinks/);
  const single = runCli(['digest', join(snap, 'model.safetensors')]);
  assert.equal(single.status, 1);
  assert.match(single.stderr, /Hugging Face hub cache snapshot.*--allow-symlinks/);
});

test('hub cache snapshot with --allow-symlinks: one summary line, and the linked content is signed', (t) => {
  const d = tempDir(t);
  const { snap } = hubCache(d);
  const { key, pub } = keys(d);
  const r = runCli(['digest', snap, '--allow-symlinks']);
  assert.equal(r.status, 0, r.stderr);
  const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
  assert.equal(warnings.length, 1, r.stderr);
  assert.match(warnings[0], /^warning: 3 files are symlinks into the Hugging Face cache's blobs folder '.*blobs': their content is signed as if it were inside the model$/);
  // The same digest as a plain copy with the same content.
  const copy = writeTree(join(d, 'abc123'), { 'config.json': '{"layers": 2}', 'model.safetensors': 'weights', 'sub/tokenizer.json': 'tokens' });
  assert.equal(runCli(['digest', copy]).stdout, r.stdout);

  const sig = join(d, 'model.sig');
  assert.equal(runCli(['sign', 'key', snap, '--allow-symlinks', '--private-key', key, '--signature', sig]).status, 0);
  const v = runCli(['verify', 'key', snap, '--public-key', pub, '--signature', sig]);
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stderr.split('\n').filter((l) => /symlinks into the Hugging Face cache/.test(l)).length, 1);
});

test('a symlink outside any hub cache still gets its own warning', (t) => {
  const d = tempDir(t);
  writeFileSync(join(d, 'outside'), 'x');
  const m = writeTree(join(d, 'model'), { a: 'a' });
  symlinkSync(join(d, 'outside'), join(m, 'link'));
  const r = runCli(['digest', m, '--allow-symlinks']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /'link' is a symlink to '.*outside', outside the model/);
  assert.doesNotMatch(r.stderr, /Hugging Face/);
});

test('--local-dir metadata: verification names the flag; signing over it says how to leave it out', (t) => {
  const d = tempDir(t);
  const { key, pub } = keys(d);
  const m = writeTree(join(d, 'tiny'), { 'config.json': '{}', 'model.safetensors': 'weights' });
  const sig = join(d, 'model.sig');
  assert.equal(runCli(['sign', 'key', m, '--private-key', key, '--signature', sig]).status, 0);
  // What `huggingface-cli download --local-dir` leaves next to the files.
  writeTree(join(m, '.cache', 'huggingface'), {
    '.gitignore': '*',
    'download/config.json.metadata': 'abc\n1\n',
    'download/model.safetensors.metadata': 'abc\n2\n',
    'download/.gitignore': '*',
  });
  const bad = runCli(['verify', 'key', m, '--public-key', pub, '--signature', sig]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /4 unsigned file\(s\)/);
  const flag = `--ignore-paths ${join(m, '.cache', 'huggingface')}`;
  assert.ok(bad.stderr.includes(`hint: 4 unsigned file(s) are Hugging Face download metadata ('.cache/huggingface/', written by 'huggingface-cli download --local-dir'); verify with ${flag}`), bad.stderr);
  const ok = runCli(['verify', 'key', m, '--public-key', pub, '--signature', sig, '--ignore-paths', join(m, '.cache', 'huggingface')]);
  assert.equal(ok.status, 0, ok.stderr);

  // Signing such a folder keeps hashing everything (digests stay compatible), with a note.
  const sig2 = join(d, 'with-metadata.sig');
  const s = runCli(['sign', 'key', m, '--private-key', key, '--signature', sig2, '--json']);
  assert.equal(s.status, 0, s.stderr);
  assert.equal(JSON.parse(s.stdout).resourceCount, 6);
  assert.ok(s.stderr.includes(`note: the signature covers 4 Hugging Face download metadata file(s) in '.cache/huggingface/'`), s.stderr);
  assert.ok(s.stderr.includes(`sign with ${flag} to leave them out`));
});
