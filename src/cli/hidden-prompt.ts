/**
 * Asks a person for a secret (a PKCS #11 PIN, a key password) on the terminal without echo. Node has
 * no getpass(); raw mode on /dev/tty (not stdin, which may be redirected) is the portable way, so the
 * few key cases are handled here: Enter ends, Backspace deletes, Ctrl-C / Ctrl-D cancel.
 */
import { openSync, writeSync } from 'node:fs';
import tty from 'node:tty';
import { ModelSigningError, type ErrorCode } from '../errors.js';

export interface HiddenPromptWording {
  /** Error code of every failure, e.g. 'PKCS11' or 'KEY'. */
  code: ErrorCode;
  /** What is asked for, in errors: 'PIN', 'password'. */
  what: string;
  /** How to give the secret without a terminal, e.g. 'add pin-source=<file> to the URI'. */
  otherwise: string;
}

/** Whether a person can answer a prompt (stdin is a terminal); scripts get an error naming the other ways instead. */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY);
}

export function readHiddenLine(prompt: string, w: HiddenPromptWording): Promise<string> {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return Promise.reject(new ModelSigningError(w.code, `cannot open the terminal to ask for the ${w.what}: ${w.otherwise}`));
  }
  const input = new tty.ReadStream(fd);
  input.setRawMode(true); // before the prompt, so nothing typed after seeing it is echoed
  writeSync(fd, prompt);
  return new Promise<string>((resolve, reject) => {
    let secret = '';
    const finish = (err?: Error): void => {
      input.removeListener('data', onData);
      input.setRawMode(false);
      try {
        writeSync(fd, '\n');
      } catch {
        // the terminal went away; the result still stands
      }
      input.destroy(); // closes fd
      if (err) reject(err);
      else resolve(secret);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new ModelSigningError(w.code, `${w.what} entry cancelled`));
        if (ch === '\u007f' || ch === '\b') secret = [...secret].slice(0, -1).join('');
        else if (ch >= ' ') secret += ch;
      }
    };
    input.on('data', onData);
    input.once('error', (e) => {
      reject(new ModelSigningError(w.code, `cannot read the ${w.what} from the terminal: ${e.message}`));
    });
  });
}
