// Mutations of JSON documents (bundles, statements), of their text and of base64 strings.
// A JSON value is mutated as a tree; two markers let a mutation emit text that JSON.stringify cannot:
// RAW (verbatim text: huge numbers, lone surrogates, deep nesting) and DUP (an object with a repeated key).

const RAW = Symbol('raw');
const DUP = Symbol('dup');

export const raw = (text) => ({ [RAW]: text });
/** An object whose serialization repeats `key` with `value` before the original entries. */
const withDuplicate = (obj, key, value) => ({ [DUP]: { obj, key, value } });

/** JSON text of a tree that may hold RAW and DUP markers (compact, like the bundles we write). */
export function serialize(v) {
  if (v !== null && typeof v === 'object') {
    if (RAW in v) return v[RAW];
    if (DUP in v) {
      const { obj, key, value } = v[DUP];
      const inner = serialize(obj);
      const dup = `${JSON.stringify(key)}:${serialize(value)}`;
      return inner === '{}' ? `{${dup}}` : `{${dup},${inner.slice(1)}`;
    }
    if (Array.isArray(v)) return `[${v.map(serialize).join(',')}]`;
    return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Every path (array of keys) to a value in the tree, the root included. */
function paths(v, prefix = [], out = []) {
  out.push(prefix);
  if (v !== null && typeof v === 'object' && !(RAW in v) && !(DUP in v)) {
    for (const k of Array.isArray(v) ? v.keys() : Object.keys(v)) paths(v[k], [...prefix, k], out);
  }
  return out;
}

const get = (root, path) => path.reduce((v, k) => v[k], root);

/** Replaces the value at `path` (returns the new root; the root itself may be replaced). */
function setAt(root, path, value) {
  if (path.length === 0) return value;
  get(root, path.slice(0, -1))[path.at(-1)] = value;
  return root;
}

const SCALARS = [null, true, false, 0, -1, 1, 1.5, -0.5, '', 'x', [], {}, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2];
const RAW_NUMBERS = ['1e400', '-1e400', '1e-400', '9007199254740993', '123456789012345678901234567890', '-0', '0.0', '1E3'];
const STRINGS = [
  '/etc/passwd', '../outside', 'a/../../b', './a', 'a//b', 'a/', '.', '..', '\u0000', 'a\u0000b', 'C:\\x', 'a\\b',
  '\u202eevil', 'e\u0301', '\u00e9', '\ud83d\ude00', '\ufeff', ' ', 'a:0:1', 'a:1:0', 'a:-1:5', 'a:0:99999999999999999999',
  'sha256', 'blake3', 'blake2b', 'md5', 'files', 'shards', 'x'.repeat(5000),
];
const RAW_STRINGS = ['"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"', '"a\\/b"', '"\\u002e\\u002e/x"'];

/** A random replacement value of another type or shape. */
function randomValue(r, depth = 0) {
  switch (r.int(depth > 1 ? 4 : 6)) {
    case 0: return structuredClone(r.pick(SCALARS));
    case 1: return raw(r.pick(RAW_NUMBERS));
    case 2: return r.pick(STRINGS);
    case 3: return raw(r.pick(RAW_STRINGS));
    case 4: return Array.from({ length: r.int(3) }, () => randomValue(r, depth + 1));
    default: return Object.fromEntries(Array.from({ length: r.int(3) }, (_, i) => [r.pick(['name', 'digest', 'x', `k${i}`, '__proto__']), randomValue(r, depth + 1)]));
  }
}

function deepNesting(r) {
  const n = r.pick([20, 63, 64, 65, 200, 10_000, 200_000]);
  return raw(r.chance(0.5) ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n));
}

function mutateString(r, s) {
  switch (r.int(8)) {
    case 0: return s.slice(0, r.int(s.length + 1));
    case 1: return s + r.pick(['x', '/', '/..', ':0:1', '\u0000', '\u00e9', ' ']);
    case 2: return r.pick(['../', '/', './', '.git/', 'sub/../']) + s;
    case 3: return s.toUpperCase();
    case 4: return s.normalize(r.pick(['NFD', 'NFKC']));
    case 5: {
      const i = r.int(s.length + 1);
      return s.slice(0, i) + String.fromCharCode(r.int(0x10000)) + s.slice(i);
    }
    case 6: return s.replaceAll('/', r.pick(['//', '\\', '/./']));
    default: return r.pick(STRINGS);
  }
}

function mutateArray(r, a) {
  const c = [...a];
  switch (r.int(6)) {
    case 0: c.splice(r.int(c.length + 1), 1); return c; // remove one
    case 1: if (c.length) c.push(structuredClone(r.pick(c))); return c; // duplicate one
    case 2: c.reverse(); return c;
    case 3: return [];
    case 4: return c.length ? Array.from({ length: r.pick([2, 100, 2000]) }, () => structuredClone(c[0])) : c;
    default: c.splice(r.int(c.length + 1), 0, randomValue(r)); return c;
  }
}

/** Applies one structural mutation to a (cloned) JSON tree; returns [newRoot, description]. */
export function mutateTree(r, root) {
  const all = paths(root);
  const path = r.pick(all);
  const where = path.length ? path.join('.') : '<root>';
  const v = get(root, path);
  const isObj = v !== null && typeof v === 'object' && !Array.isArray(v);
  const op = r.int(10);
  if (op === 0 && path.length > 0 && !Array.isArray(get(root, path.slice(0, -1)))) {
    delete get(root, path.slice(0, -1))[path.at(-1)];
    return [root, `delete ${where}`];
  }
  if (op === 1 && isObj && Object.keys(v).length) {
    const k = r.pick(Object.keys(v));
    const dupValue = r.chance(0.5) ? structuredClone(v[k]) : randomValue(r);
    return [setAt(root, path, withDuplicate(v, k, dupValue)), `duplicate key ${where}.${k}`];
  }
  if (op === 2 && isObj) {
    // defineProperty: a plain assignment to '__proto__' would change the prototype instead of adding a key.
    const key = r.pick(['extra', 'name', 'digest', 'shard_size', 'ignore_paths', '__proto__', 'constructor']);
    Object.defineProperty(v, key, { value: randomValue(r), enumerable: true, writable: true, configurable: true });
    return [root, `add field to ${where}`];
  }
  if (op === 3 && typeof v === 'string') return [setAt(root, path, mutateString(r, v)), `edit string ${where}`];
  if (op === 4 && Array.isArray(v)) return [setAt(root, path, mutateArray(r, v)), `edit array ${where}`];
  if (op === 5) return [setAt(root, path, deepNesting(r)), `deep nesting at ${where}`];
  if (op === 6) return [setAt(root, path, raw(r.pick(RAW_NUMBERS))), `huge number at ${where}`];
  if (op === 7 && typeof v === 'number') return [setAt(root, path, r.pick([v + 1, v - 1, -v, v * 2, v / 2, v + 0.5, 0])), `change number ${where}`];
  return [setAt(root, path, randomValue(r)), `change type of ${where}`];
}

/** Byte-level mutation of a text (bit flips, truncation, splices, invalid UTF-8). */
export function mutateBytes(r, buf) {
  const b = Buffer.from(buf);
  const at = () => r.int(b.length + 1);
  switch (r.int(7)) {
    case 0: {
      const n = 1 + r.int(4);
      for (let i = 0; i < n && b.length; i++) b[r.int(b.length)] ^= 1 << r.int(8);
      return [b, `flip ${n} bit(s)`];
    }
    case 1: return [b.subarray(0, at()), 'truncate'];
    case 2: {
      const i = at();
      return [Buffer.concat([b.subarray(0, i), b.subarray(Math.min(b.length, i + 1 + r.int(40)))]), 'delete a range'];
    }
    case 3: {
      const i = at();
      return [Buffer.concat([b.subarray(0, i), r.bytes(1 + r.int(8)), b.subarray(i)]), 'insert random bytes'];
    }
    case 4: {
      const i = at();
      const bad = r.pick([[0xc0, 0xaf], [0xff], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0x00]]);
      return [Buffer.concat([b.subarray(0, i), Buffer.from(bad), b.subarray(i)]), 'insert invalid UTF-8 / BOM / NUL'];
    }
    case 5: {
      const i = r.int(b.length);
      const j = Math.min(b.length, i + 1 + r.int(200));
      return [Buffer.concat([b.subarray(0, j), b.subarray(i, j), b.subarray(j)]), 'duplicate a range'];
    }
    default: return [Buffer.concat([r.bytes(r.int(3)), b, r.bytes(1 + r.int(3))]), 'surround with garbage'];
  }
}

/** Mutations of a base64 string that a careless decoder might still accept. */
export function mutateBase64(r, s) {
  const i = r.int(s.length + 1);
  switch (r.int(9)) {
    case 0: return [s.slice(0, i) + r.pick(['!', '*', '.', '\u00e9', '%', '"']) + s.slice(i), 'insert a non-base64 character'];
    case 1: return [s + r.pick(['=', '==', '===', 'A', 'AA', 'A=']), 'extra padding or characters'];
    case 2: return [s.slice(0, -1 - r.int(3)), 'drop trailing characters'];
    case 3: return [s.slice(0, i) + r.pick(['\n', ' ', '\t', '\r\n']) + s.slice(i), 'insert whitespace'];
    case 4: return [s.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, ''), 'base64url spelling'];
    case 5: return ['', 'empty string'];
    case 6: return [s.slice(0, i) + '=' + s.slice(i), 'padding in the middle'];
    case 7: return [Buffer.from(s).toString('base64'), 'double-encoded'];
    default: {
      const c = s.split('');
      if (c.length) c[r.int(c.length)] = r.pick([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/']);
      return [c.join(''), 'replace one character'];
    }
  }
}
