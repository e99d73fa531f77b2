/**
 * `sign`/`verify` take a method and fall back to `sigstore` when the first word is a model path. A
 * mistyped method (`sign kye ...`) would otherwise be taken for a model and fail on some unrelated
 * option; this tells the user what they most likely meant instead.
 */
import { existsSync } from 'node:fs';
import { CommanderError, type Command } from 'commander';
import { EXIT_USAGE, printable } from './errors.js';

const ALL_METHODS = ['sigstore', 'key', 'certificate', 'pkcs11-key', 'pkcs11-certificate'];

/**
 * Edit distance with adjacent transpositions (optimal string alignment), so `kye` is one edit from
 * `key`. Commander has the same helper but does not export it.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest method within a small distance (about a third of the word), if any. */
export function closestMethod(word: string, methods: readonly string[]): string | undefined {
  let best: { name: string; dist: number } | undefined;
  for (const m of methods) {
    const dist = editDistance(word.toLowerCase(), m);
    if (dist <= Math.max(1, Math.floor(m.length / 3)) && (!best || dist < best.dist)) best = { name: m, dist };
  }
  if (best) return best.name;
  // `verify pkcs11-certificate` -> `certificate`: a method of the other command that contains one of ours.
  return methods.find((m) => m.length > 3 && word.toLowerCase().endsWith(m));
}

/**
 * Checks the words right after `sign`/`verify` before commander parses them: bare `sign` shows its
 * help, and a first word that is neither a method nor an existing path but looks like a method is a
 * usage error naming the methods. Throws a CommanderError (exit 2); returns when all is well.
 */
export function checkMethod(program: Command, argv: readonly string[]): void {
  const at = commandIndex(argv);
  if (at === -1 || (argv[at] !== 'sign' && argv[at] !== 'verify')) return; // `help sign` is help, not a usage error
  const group = program.commands.find((c) => c.name() === argv[at]);
  if (!group || group.commands.length === 0) return;
  const rest = argv.slice(at + 1);
  if (rest.length === 0) {
    group.outputHelp({ error: true });
    throw new CommanderError(EXIT_USAGE, 'model-signing.missingMethod', `${argv[at]}: no method or model given`);
  }
  const word = rest[0]!;
  if (word.startsWith('-')) return;
  const methods = group.commands.map((c) => c.name());
  if (methods.includes(word) || existsSync(word)) return;
  const suggestion = closestMethod(word, methods);
  if (suggestion === undefined && !ALL_METHODS.includes(word)) return; // a model path that does not exist: the method says so
  const list = methods.map((m) => (m === 'sigstore' ? 'sigstore (default)' : m)).join(', ');
  const hint = suggestion !== undefined ? ` (did you mean ${suggestion}?)` : '';
  group.error(`error: no such method '${printable(word)}' for ${group.name()}${hint}; methods: ${list}`, {
    exitCode: EXIT_USAGE,
    code: 'model-signing.unknownMethod',
  });
}

/** Where the command word is: the first word that is neither a program option nor its value. */
function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--log-level') i++;
    else if (!a.startsWith('-')) return i;
  }
  return -1;
}
