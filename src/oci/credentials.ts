/**
 * Registry credentials from the files docker, podman and skopeo write: $REGISTRY_AUTH_FILE,
 * $XDG_RUNTIME_DIR/containers/auth.json, $DOCKER_CONFIG/config.json, ~/.docker/config.json (first
 * file that has the host wins). Credential helpers (`credsStore`, `credHelpers`) are not run: we never
 * execute programs named in a config file; use `docker login` with a file store or the env vars.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ModelSigningError } from '../errors.js';
import { readSmallFile } from './read-small-file.js';

export interface Credential {
  username: string;
  password: string;
}

const MAX_AUTH_FILE_BYTES = 1024 * 1024;

export function authFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const files: string[] = [];
  if (env['REGISTRY_AUTH_FILE']) files.push(env['REGISTRY_AUTH_FILE']);
  if (env['XDG_RUNTIME_DIR']) files.push(join(env['XDG_RUNTIME_DIR'], 'containers', 'auth.json'));
  files.push(join(env['DOCKER_CONFIG'] || join(env['HOME'] || homedir(), '.docker'), 'config.json'));
  return files;
}

/** The keys a host may be stored under (docker.io has historical spellings). */
function hostKeys(host: string): string[] {
  if (host === 'docker.io' || host === 'registry-1.docker.io' || host === 'index.docker.io') {
    return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  }
  return [host, `https://${host}`, `http://${host}`, `https://${host}/v1/`, `https://${host}/v2/`];
}

function fromEntry(v: unknown, file: string, host: string): Credential | null {
  if (typeof v !== 'object' || v === null) return null;
  const e = v as Record<string, unknown>;
  if (typeof e['auth'] === 'string' && e['auth'] !== '') {
    const text = Buffer.from(e['auth'], 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon < 0) throw new ModelSigningError('IO', `credentials for ${host} in '${file}' are malformed (auth is not base64 user:password)`);
    return { username: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  if (typeof e['username'] === 'string' && typeof e['password'] === 'string') return { username: e['username'], password: e['password'] };
  return null;
}

/** The credential for `host` (host[:port]), or null for anonymous access. */
export function lookupCredential(host: string, env: NodeJS.ProcessEnv = process.env): Credential | null {
  for (const file of authFiles(env)) {
    const bytes = readSmallFile(file, MAX_AUTH_FILE_BYTES, 'registry auth file');
    if (bytes === null) continue;
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new ModelSigningError('IO', `registry auth file '${file}' is not valid JSON`);
    }
    const auths = (json as Record<string, unknown> | null)?.['auths'];
    if (typeof auths !== 'object' || auths === null) continue;
    for (const key of hostKeys(host)) {
      const c = fromEntry((auths as Record<string, unknown>)[key], file, host);
      if (c) return c;
    }
  }
  return null;
}
