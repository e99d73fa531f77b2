/**
 * `serve-verifier [--port N]`: serves the static verification page (dist/browser/verify.html) on 127.0.0.1 only,
 * for people who prefer a local URL to opening the file. Static content, GET/HEAD only, no other paths; the
 * page itself never uploads anything. Runs until interrupted.
 */
import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { CliContext } from './context.js';
import { reportError } from './errors.js';
import { setExitCode } from './exit-code.js';
import { ModelSigningError } from '../errors.js';

export const DEFAULT_VERIFIER_PORT = 8737;
const HOST = '127.0.0.1';

/** The page's own policy again, as a header (a page saved elsewhere keeps its meta tag). */
const CSP = "default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; worker-src blob:; img-src data:";

function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isInteger(n) || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535 (0: any free port)');
  return n;
}

interface Asset {
  body: Buffer;
  type: string;
}

function loadAssets(): Map<string, Asset> {
  const dir = new URL('../browser/', import.meta.url);
  const read = (name: string): Buffer => {
    try {
      return readFileSync(fileURLToPath(new URL(name, dir)));
    } catch {
      throw new ModelSigningError('IO', `the verification page is not built (${fileURLToPath(new URL(name, dir))} is missing): run 'npm run build'`);
    }
  };
  const page: Asset = { body: read('verify.html'), type: 'text/html; charset=utf-8' };
  const lib: Asset = { body: read('index.js'), type: 'text/javascript; charset=utf-8' };
  return new Map([
    ['/', page],
    ['/verify.html', page],
    ['/index.html', page],
    ['/model-signing.js', lib],
  ]);
}

/** Starts the server; resolves with it once listening. */
export async function startVerifierServer(port: number): Promise<{ url: string; close(): Promise<void> }> {
  const assets = loadAssets();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const headers = {
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    const address = server.address();
    const ownPort = typeof address === 'object' && address ? address.port : port;
    // Only this machine's names for this server: a page on another site cannot reach it through DNS rebinding.
    const host = req.headers.host ?? '';
    if (host !== `${HOST}:${ownPort}` && host !== `localhost:${ownPort}`) {
      res.writeHead(421, { ...headers, 'Content-Type': 'text/plain' }).end('misdirected request\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const asset = assets.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!asset) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': asset.type, 'Content-Length': asset.body.length });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new ModelSigningError('IO', e.code === 'EADDRINUSE' ? `port ${port} on ${HOST} is already in use (choose another with --port)` : `cannot listen on ${HOST}:${port}: ${e.message}`)),
    );
    server.listen(port, HOST, resolve);
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${HOST}:${actual}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function serveVerifierCommand(ctx: CliContext): Command {
  const cmd = new Command('serve-verifier')
    .description('Serve the in-browser verification page on 127.0.0.1 (files never leave the browser).')
    .option('--port <port>', `TCP port on 127.0.0.1 (default ${DEFAULT_VERIFIER_PORT}; 0 picks a free one).`, parsePort, DEFAULT_VERIFIER_PORT)
    .helpOption('-h, --help', 'Show this message and exit.');
  cmd.action(async (o: { port: number }) => {
    try {
      const server = await startVerifierServer(o.port);
      ctx.print(`Serving the model verification page at ${server.url} (press Ctrl-C to stop)`);
      // Serves until the process is interrupted (the CLI exits 130 on Ctrl-C, 143 on SIGTERM).
      await new Promise<never>(() => undefined);
    } catch (e) {
      setExitCode(cmd, reportError(ctx, 'Serving the verification page failed: ', e));
    }
  });
  return cmd;
}
