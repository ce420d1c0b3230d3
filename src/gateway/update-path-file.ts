/**
 * The vendor update endpoints quarantined devices may still reach, from a JSON file: an array
 * of { cidr, port?, label } or { host, port?, label } (a name the gateway resolves every
 * round, since nftables matches addresses). `opennotice serve
 * --gateway-update-path FILE` sends them in every policy; `opennotice gateway --update-path
 * FILE` adds local ones.
 */
import { readFileSync } from 'node:fs';
import { OpenNoticeError } from '../core/errors.ts';
import { type UpdateEndpoint, updateEndpointOf } from './policy.ts';

/**
 * @example readUpdatePathFile('update-path.json') // [{ cidr: '198.51.100.0/24', port: 443, label: 'vendor firmware' }]
 */
export function readUpdatePathFile(file: string): UpdateEndpoint[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OpenNoticeError('CONFIG_INVALID', `cannot read the update path ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
  if (!Array.isArray(parsed)) throw new OpenNoticeError('CONFIG_INVALID', `${file}: expected a JSON array of { cidr or host, port?, label }`, { file });
  return parsed.map((entry, index) => updateEndpointOf(entry, `${file}#${index}`));
}
