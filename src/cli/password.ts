/**
 * The password of an encrypted private key: `--password-file`, `MODEL_SIGNING_PASSWORD`, a prompt
 * without echo on a terminal, or `--password` (visible in the process list and shell history, so it
 * draws a warning, as a PIN in a PKCS #11 URI does).
 */
import { Option, type Command } from 'commander';
import { ModelSigningError } from '../errors.js';
import { privateKeyIsEncrypted } from '../keys.js';
import { readUserTextFile } from '../io/read-user-file.js';
import type { CliContext } from './context.js';
import { debug } from '../debug-log.js';
import { canPrompt, readHiddenLine } from './hidden-prompt.js';

export const PASSWORD_ENV = 'MODEL_SIGNING_PASSWORD';
/** A password is a line; anything bigger is not a password file. */
const MAX_PASSWORD_FILE_BYTES = 64 * 1024;

export interface PasswordOptions {
  password?: string;
  passwordFile?: string;
}

/** --password and --password-file (sign key, sign certificate). */
export function addPasswordOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--password <password>', 'Password of an encrypted private key (visible to other users; prefer --password-file).').conflicts(
        'passwordFile',
      ),
    )
    .option('--password-file <path>', `File holding the password of an encrypted private key (also: $${PASSWORD_ENV}; asked on a terminal).`);
}

/** The file's content less one trailing line break (`echo secret > file` adds one). */
export function readPasswordFile(path: string): string {
  const text = readUserTextFile(path, 'password file (--password-file)', 'utf8', { maxBytes: MAX_PASSWORD_FILE_BYTES });
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new ModelSigningError('USAGE', `password file (--password-file) '${path}' is empty`);
  return password;
}

/** The password to load `privateKey` with, or undefined when it is not encrypted. */
export async function keyPassword(ctx: CliContext, privateKey: string, o: PasswordOptions): Promise<string | undefined> {
  if (o.password !== undefined) {
    ctx.warn('a password given with --password is visible to other users of this machine (process list, shell history); prefer --password-file');
    debug('key', 'password from --password');
    return o.password;
  }
  if (o.passwordFile !== undefined) {
    debug('key', `password from the file '${o.passwordFile}'`);
    return readPasswordFile(o.passwordFile);
  }
  const fromEnv = process.env[PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    debug('key', `password from $${PASSWORD_ENV}`);
    return fromEnv;
  }
  if (!privateKeyIsEncrypted(privateKey)) return undefined;
  debug('key', `private key '${privateKey}' is encrypted and no password was given: asking on the terminal`);
  if (!canPrompt()) {
    throw new ModelSigningError('KEY', `private key ${privateKey} is encrypted: give its password with --password-file or $${PASSWORD_ENV}`);
  }
  return readHiddenLine(`Enter the password of private key '${privateKey}': `, {
    code: 'KEY',
    what: 'password',
    otherwise: `use --password-file or $${PASSWORD_ENV}`,
  });
}
