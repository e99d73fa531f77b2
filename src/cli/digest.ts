/** `digest MODEL_PATH`: prints `sha256:<root digest>` (as the reference does), or the manifest with --json. */
import { Command } from 'commander';
import type { CliContext } from './context.js';
import { addCacheOptions, addHashingOptions, addModelOptions, applyCacheOptions, hashingConfigFromOptions, type CacheOptions, type HashingOptions } from './hashing-options.js';
import { progressReporter } from './progress.js';
import { reportError } from './errors.js';
import { setExitCode } from './exit-code.js';
import { manifestJson, printJson } from './json-output.js';
import { checkReferenceSerialization, parseCompat, referenceLayout } from '../compat/reference.js';

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
      const compat = parseCompat(o.compat ?? 'spec');
      const cfg = hashingConfigFromOptions(ctx, modelPath, o);
      if (compat === 'reference') checkReferenceSerialization(cfg.serialization);
      applyCacheOptions(cfg, o, (hits, total) => ctx.info(`${hits} of ${total} digests reused from the digest cache`));
      if (progress) cfg.setProgressHandler(progress.onProgress);
      const hashed = await cfg.hash(modelPath);
      const manifest = compat === 'reference' ? referenceLayout(hashed) : hashed;
      progress?.done();
      if (o.json) printJson(ctx, 'digest', { compat, ...manifestJson(manifest) });
      else ctx.print(`sha256:${manifest.rootDigest}`);
    } catch (e) {
      progress?.done();
      if (o.json) printJson(ctx, 'digest', {}, e);
      setExitCode(cmd, reportError(ctx, 'Computing digest failed: ', e));
    }
  });
  return cmd;
}
