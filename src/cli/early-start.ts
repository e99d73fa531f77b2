/**
 * Starts the hashing workers before the rest of the CLI is loaded, for the commands that hash a local
 * model: a worker takes about 90 ms to start (Node 24), the CLI's modules about 50 ms to load, and the
 * hashing would otherwise wait for the difference. The model path is guessed from the raw arguments (the
 * last one); a wrong guess costs no more than idle workers, which never keep the process alive and stop
 * after a few idle seconds, and the command starts what it needs itself as before.
 */
const HASHING_COMMANDS = new Set(['digest', 'sign', 'verify']);

export async function startHashingEarly(argv: readonly string[]): Promise<void> {
  let i = 0;
  // Global options come before the command.
  while (i < argv.length && argv[i]!.startsWith('-')) i += argv[i] === '--log-level' ? 2 : 1;
  if (!HASHING_COMMANDS.has(argv[i] ?? '')) return;
  const rest = argv.slice(i + 1);
  // Help, a worker count of the user's, or a digest cache (most files then need no hashing): leave it to the command.
  if (rest.some((a) => a === '-h' || a === '--help' || a === 'help' || a === '--incremental' || a.startsWith('--max-workers'))) return;
  const modelPath = rest.at(-1);
  if (modelPath === undefined || modelPath.startsWith('-')) return;
  const { prepareHashing } = await import('../hashing/prepare.js');
  // Nothing starts for a model that looks small, or for a path that is not one (an image reference).
  prepareHashing({ modelPath });
}
