/**
 * The operator's own networks: destinations inside them are never C&C candidates (a bot
 * talking to a neighbour, a local NAS or the ISP's own services is not calling home). Taken
 * from the ISP registry's prefixes in the store and from `--own-networks` (CIDRs, comma-
 * separated, or a file of one CIDR a line, `#` comments).
 */
import { existsSync } from 'node:fs';
import { parseAddress, parsePrefix, type ParsedRange } from '../attribution/address.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { forEachLine } from '../core/read-lines.ts';

/** Answers "is this destination inside the operator's own networks?". */
export interface OwnNetworks {
  /** How many prefixes, for the command's summary. */
  readonly size: number;
  contains(address: string): boolean;
}

/**
 * @example createOwnNetworks(['10.0.0.0/8', '2001:db8::/32']).contains('10.1.2.3') // true
 */
export function createOwnNetworks(prefixes: readonly string[], where = 'own networks'): OwnNetworks {
  const ranges: ParsedRange[] = prefixes.map((text) => {
    const range = parsePrefix(text.trim());
    if (!range) throw new OpenNoticeError('CONFIG_INVALID', `${where}: expected a CIDR such as 192.0.2.0/24, got "${text}"`);
    return range;
  });
  return {
    size: ranges.length,
    contains(address) {
      const parsed = parseAddress(address);
      if (!parsed) return false;
      return ranges.some((range) => range.family === parsed.family && parsed.first >= range.first && parsed.first <= range.last);
    },
  };
}

/**
 * The CIDRs `--own-networks` names: a file of one CIDR a line when such a file exists, else a comma-separated list.
 * @example await readOwnNetworksOption('10.0.0.0/8,192.0.2.0/24') // ['10.0.0.0/8', '192.0.2.0/24']
 */
export async function readOwnNetworksOption(value: string): Promise<string[]> {
  if (!existsSync(value))
    return value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
  const prefixes: string[] = [];
  await forEachLine(
    value,
    (text, line) => {
      const entry = text.replace(/#.*/, '').trim();
      if (entry === '') return;
      if (!parsePrefix(entry)) throw new OpenNoticeError('CONFIG_INVALID', `expected a CIDR such as 192.0.2.0/24, got "${entry}"`, { file: value, line });
      prefixes.push(entry);
    },
    { maxLineBytes: 4096, expected: 'file of CIDRs, one a line' },
  );
  return prefixes;
}
