/** `digest MODEL_PATH`: prints `sha256:<root digest>` (as the reference does), or the manifest with --json. */
import { Command } from 'commander';
import type { CliContext } from './context.js';
import { addCacheOptions, addHashingOptions, addModelOptions, applyCacheOptions, hashingConfigFromOptions, type CacheOptions, type HashingOptions } from './hashing-options.js';
import { progressReporter } from './progress.js';
import { reportError } from './errors.js';
import { setExitCode } from './exit-code.js';
import { manifestToJson } from './manifest-json.js';

export function digestCommand(ctx: CliContext): Command {
  const cmd = new Command('digest')
    .description('Compute the model\'s root digest (no signing).')
    .argument('<MODEL_PATH>', 'Model directory or file.')
    .option('--json', 'Print the manifest and its parameters as JSON.')
    .helpOption('-h, --help', 'Show this message and exit.');
  addModelOptions(cmd);
  addHashingOptions(cmd);
  addCacheOptions(cmd);
  cmd.action(async (modelPath: string, o: HashingOptions & CacheOptions & { json?: boolean }) => {
    const progress = progressReporter(ctx, 'hashing');
    try {
      const cfg = hashingConfigFromOptions(ctx, modelPath, o);
      applyCacheOptions(cfg, o, (hits, total) => ctx.info(`${hits} of ${total} digests reused from the digest cache`));
      if (progress) cfg.setProgressHandler(progress.onProgress);
      const manifest = await cfg.hash(modelPath);
      progress?.done();
      ctx.print(o.json ? JSON.stringify(manifestToJson(manifest), null, 2) : `sha256:${manifest.rootDigest}`);
    } catch (e) {
      progress?.done();
      setExitCode(cmd, reportError(ctx, 'Computing digest failed: ', e));
    }
  });
  return cmd;
}
