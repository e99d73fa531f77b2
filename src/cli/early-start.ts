/**
 * Starts the hashing workers before the rest of the CLI is loaded, for the commands that hash a local
 * model: a worker takes about 90 ms to start (Node 24), the CLI's modules about 50 ms to load, and the
 * hashing would otherwise wait for the difference. The model path is guessed from the raw arguments (the
 * last one); a wrong guess costs no more than idle workers, which never keep the process alive and stop
 * after a few idle seconds, and the command starts what it needs itself as before.
 */
import { commandIndex, normaliseArgv } from './argv.js';

const HASHING_COMMANDS = new Set(['digest', 'sign', 'verify']);

export async function startHashingEarly(raw: readonly string[]): Promise<void> {
  const argv = normaliseArgv(raw); // as the command will read them (`--max_workers` is `--max-workers`)
  const i = commandIndex(argv);
  if (!HASHING_COMMANDS.has(argv[i] ?? '')) return;
  // Help, a worker count of the user's, or a digest cache (most files then need no hashing): leave it to the command.
  if (argv.some((a) => a === '-h' || a === '--help' || a === 'help' || a === '--incremental' || a.startsWith('--max-workers'))) return;
  const modelPath = argv.slice(i + 1).at(-1);
  if (modelPath === undefined || modelPath.startsWith('-')) return;
  const { prepareHashing } = await import('../hashing/prepare.js');
  // Nothing starts for a model that looks small, or for a path that is not one (an image reference).
  prepareHashing({ modelPath });
}
