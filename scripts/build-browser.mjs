// Builds the browser verifier: dist/browser/index.js (the `model-signing/browser` ESM bundle, no Node
// built-ins) and the static page dist/browser/verify.html (one HTML file with its script and style inlined, so it
// opens from disk and from any static host). The hashing worker is bundled first and embedded as a string.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = (p) => join(root, 'src', 'browser', p);
const out = join(root, 'dist', 'browser');
mkdirSync(out, { recursive: true });

// The core's Node-only imports (file reading, the Node hashing engine) resolve to a module that throws if called.
const UNAVAILABLE = src('shims/node-unavailable.ts');
const nodeOnly = {
  name: 'node-only',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(fs|path|tls|os)$/ }, () => ({ path: UNAVAILABLE }));
    b.onResolve({ filter: /^(node:)?crypto$/ }, () => ({ path: src('shims/node-crypto.ts') }));
    b.onResolve({ filter: /^(node:)?util$/ }, () => ({ path: src('shims/node-util.ts') }));
    // verify-model.ts: the comparison is platform-neutral, its verifyModel() re-hashes with the Node engine.
    b.onResolve({ filter: /\/api\/hashing\.js$/ }, (a) => (a.importer.endsWith('verify-model.ts') ? { path: UNAVAILABLE } : undefined));
    // The Node trusted-root resolution (TUF, caches, files) is only reached without an explicit trusted root.
    b.onResolve({ filter: /\/trust\/trusted-root\.js$/ }, () => ({ path: UNAVAILABLE }));
    b.onResolve({ filter: /^node:/ }, (a) => ({ errors: [{ text: `Node built-in '${a.path}' imported by ${a.importer} in the browser build` }] }));
  },
};

const common = {
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox115'],
  plugins: [nodeOnly],
  inject: [src('shims/buffer-global.ts')],
  // protobuf-specs reads `globalThis.Buffer`: point it at the injected polyfill rather than set a global.
  define: { 'process.platform': '"browser"', 'process.env.NODE_DEBUG': 'undefined', 'globalThis.Buffer': 'Buffer' },
  // tsc resolves the core's `./x.js` imports to `./x.ts`; esbuild does the same.
  resolveExtensions: ['.ts', '.js', '.mjs'],
  logLevel: 'warning',
  legalComments: 'eof',
};

const worker = await build({ ...common, entryPoints: [src('hash-worker.ts')], write: false, minify: true, format: 'iife' });
const workerSource = worker.outputFiles[0].text;
const define = { ...common.define, __HASH_WORKER_SOURCE__: JSON.stringify(workerSource) };

// Named after its source (src/browser/index.ts), like every compiled file in dist/. No source map: its sources
// would be files of node_modules, which the package does not ship.
await build({ ...common, define, entryPoints: [src('index.ts')], outfile: join(out, 'index.js') });

const page = await build({ ...common, define, entryPoints: [src('page/page.ts')], write: false, minify: true, format: 'iife' });
const css = readFileSync(src('page/page.css'), 'utf8');
const html = readFileSync(src('page/verify.html'), 'utf8')
  .replace('/*STYLE*/', () => css)
  // `</script` inside the inlined code would end the element early.
  .replace('/*SCRIPT*/', () => page.outputFiles[0].text.replace(/<\/script/gi, '<\\/script'));
writeFileSync(join(out, 'verify.html'), html);
writeFileSync(join(out, 'index.html'), html);
