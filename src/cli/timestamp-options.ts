/** The RFC 3161 timestamp flags of the key, certificate and PKCS #11 commands. */
import type { Command } from 'commander';
import { collect } from './collect.js';
import type { TimestampOptions } from '../timestamp/signer.js';
import type { TimestampVerifierOptions } from '../timestamp/verify.js';

export interface TsaSignFlags {
  tsaUrl?: string[];
}
export interface TsaVerifyFlags {
  tsaCertificateChain?: string[];
  requireTimestamp?: boolean;
}

export function addTsaSignOption(cmd: Command): Command {
  return cmd.option(
    '--tsa-url <url>',
    'RFC 3161 timestamp authority that stamps the signature, so it outlives the key or certificate (repeatable; all must answer).',
    collect,
  );
}

export function addTsaVerifyOptions(cmd: Command): Command {
  return cmd
    .option('--tsa-certificate-chain <path>', "PEM file of the timestamp authority's certificates to trust (repeatable).", collect)
    .option('--require-timestamp', 'Fail unless the signature has a timestamp from a trusted timestamp authority.');
}

export function tsaSignOptions(o: TsaSignFlags): TimestampOptions {
  return o.tsaUrl?.length ? { tsaUrls: o.tsaUrl } : {};
}

export function tsaVerifyOptions(o: TsaVerifyFlags): TimestampVerifierOptions {
  return {
    ...(o.tsaCertificateChain?.length ? { tsaCertificateChain: o.tsaCertificateChain } : {}),
    ...(o.requireTimestamp ? { requireTimestamp: true } : {}),
  };
}
