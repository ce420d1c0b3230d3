/**
 * What the gateway learns from its LAN interface when not told: the networks behind it (the
 * interface's subnets, asked of the server) and the address the walled garden listens on.
 */
import { networkInterfaces } from 'node:os';
import { OpenNoticeError } from '../core/errors.ts';
import { formatIPv4, parseIPv4 } from '../scope/ipv4.ts';
import { formatIPv6, parseIPv6 } from '../scope/ipv6.ts';

export interface LanAddresses {
  /** The interface's subnets, canonical CIDRs (link-local IPv6 left out: no finding lives there). */
  networks: string[];
  /** Its first IPv4 address, else its first global IPv6 address. */
  primary: string;
}

function networkOf(address: string, prefixLength: number): string | undefined {
  const v4 = parseIPv4(address);
  if (v4 !== undefined) {
    const size = 2 ** (32 - prefixLength);
    return `${formatIPv4(v4 - (v4 % size))}/${prefixLength}`;
  }
  const v6 = parseIPv6(address);
  if (v6 === undefined) return undefined;
  const hostBits = BigInt(128 - prefixLength);
  return `${formatIPv6((v6 >> hostBits) << hostBits)}/${prefixLength}`;
}

/**
 * @example lanAddresses('lan0') // { networks: ['192.168.1.0/24'], primary: '192.168.1.1' }
 */
export function lanAddresses(interfaceName: string): LanAddresses {
  const entries = networkInterfaces()[interfaceName];
  if (!entries || entries.length === 0) throw new OpenNoticeError('USAGE', `--lan-interface ${interfaceName}: no such interface, or it has no address`);
  const usable = entries.filter((entry) => !entry.address.toLowerCase().startsWith('fe80:'));
  const networks = [
    ...new Set(usable.flatMap((entry) => networkOf(entry.address, Number(entry.cidr?.split('/')[1] ?? (entry.family === 'IPv4' ? 32 : 128))) ?? [])),
  ];
  const primary = usable.find((entry) => entry.family === 'IPv4')?.address ?? usable[0]?.address;
  if (!primary || networks.length === 0) throw new OpenNoticeError('USAGE', `--lan-interface ${interfaceName} has no usable address`);
  return { networks, primary };
}
