// The reference's golden fixture models (vectors/README.md, reference-behaviour 7.3), regenerated on
// disk, plus small helpers for model trees in temporary directories.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// This file is in test/support/, so the vectors are one level further up than from test/.
export const VECTORS_URL = new URL('../../../shared/vectors/', import.meta.url);
export const VECTORS_DIR = fileURLToPath(VECTORS_URL);
export const GOLDENS_DIR = path.join(VECTORS_DIR, 'model-transparency', 'goldens');
export const VECTORS_MISSING = fs.existsSync(GOLDENS_DIR) ? false : `test vectors not found at ${VECTORS_DIR} (a plain clone has no ../shared/vectors)`;

export const KNOWN_MODEL_TEXT = 'This is a simple model';

/** Fixture name -> the basename the reference gives the model path (subject name). */
export const FIXTURE_BASENAMES = {
  sample_model_file: 'file_model',
  empty_model_file: 'empty_file_model',
  sample_model_folder: 'sample_model',
  empty_model_folder: 'empty_folder_model',
  model_folder_with_empty_file: 'empty_file_inside_model',
  deep_model_folder: 'deep_model',
  symlink_model_folder: 'symlink_model',
};

/** Fixtures with nothing to sign in file / shard serialization (the spec rejects empty models). */
export const EMPTY_IN_FILES = new Set(['empty_model_folder']);
export const EMPTY_IN_SHARDS = new Set(['empty_model_folder', 'empty_model_file', 'model_folder_with_empty_file']);

/** Creates one fixture under `baseDir/<fixture>/` and returns the model path. */
export function makeFixtureModel(baseDir, fixture) {
  const dir = path.join(baseDir, fixture);
  fs.mkdirSync(dir, { recursive: true });
  const model = path.join(dir, FIXTURE_BASENAMES[fixture]);
  switch (fixture) {
    case 'sample_model_file':
      fs.writeFileSync(model, KNOWN_MODEL_TEXT);
      break;
    case 'empty_model_file':
      fs.writeFileSync(model, '');
      break;
    case 'sample_model_folder':
      for (let i = 0; i < 2; i++) {
        fs.mkdirSync(path.join(model, `d${i}`), { recursive: true });
        for (let j = 0; j < 3; j++) fs.writeFileSync(path.join(model, `d${i}`, `f${i}${j}`), `This is file f${i}${j} in d${i}.`);
      }
      for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(model, `f${i}`), `This is file f${i} in root.`);
      break;
    case 'empty_model_folder':
      fs.mkdirSync(model);
      break;
    case 'model_folder_with_empty_file':
      fs.mkdirSync(model);
      fs.writeFileSync(path.join(model, 'empty_file'), '');
      break;
    case 'deep_model_folder': {
      const deep = path.join(model, 'd0', 'd1', 'd2', 'd3', 'd4');
      fs.mkdirSync(deep, { recursive: true });
      for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(deep, `f${i}`), `This is file f${i}.`);
      break;
    }
    case 'symlink_model_folder': {
      fs.mkdirSync(model);
      const outside = path.join(dir, 'outside_target');
      fs.writeFileSync(outside, KNOWN_MODEL_TEXT);
      fs.symlinkSync(path.resolve(outside), path.join(model, 'symlink_file'));
      break;
    }
    default:
      throw new Error(`unknown fixture ${fixture}`);
  }
  return model;
}

/** All fixtures under `baseDir`: { fixture: modelPath }. */
export function makeAllFixtureModels(baseDir) {
  return Object.fromEntries(Object.keys(FIXTURE_BASENAMES).map((f) => [f, makeFixtureModel(baseDir, f)]));
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'ms-model-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a tree from { 'a/b.txt': 'content', 'empty/': null } (a trailing '/' makes a directory). */
export function writeTree(root, tree) {
  fs.mkdirSync(root, { recursive: true });
  for (const [name, content] of Object.entries(tree)) {
    const p = path.join(root, name);
    if (name.endsWith('/')) {
      fs.mkdirSync(p, { recursive: true });
    } else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content ?? '');
    }
  }
  return root;
}

/** Parses a golden digest file: `name:hex` lines (shards: `path:start:end:hex`) -> Map(name -> hex). */
export function readGoldenDigests(file, singleFileName) {
  const map = new Map();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const at = line.lastIndexOf(':');
    map.set(referenceNameToOurs(line.slice(0, at), singleFileName), line.slice(at + 1));
  }
  return map;
}

/** The reference names a single-file model's resource `.`; we (and the spec) use its basename. */
export function referenceNameToOurs(name, singleFileName) {
  if (!singleFileName) return name;
  if (name === '.') return singleFileName;
  if (name.startsWith('.:')) return singleFileName + name.slice(1);
  return name;
}
