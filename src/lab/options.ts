import { OpenNoticeError } from '../core/errors.ts';
import { parseCidr, type Cidr } from '../scope/cidr.ts';
import { formatIPv6Cidr, IPv6Set, parseIPv6Cidr, type IPv6Cidr } from '../scope/cidr6.ts';
import { formatIPv4 } from '../scope/ipv4.ts';
import { formatIPv6 } from '../scope/ipv6.ts';

/** How to build a lab. Every lab with the same options is the same lab. */
export interface LabOptions {
  /**
   * Network the devices live in: a /16 or smaller inside 127.0.0.0/8 (loopback), or an IPv6
   * /64 to /120 of the documentation prefix 2001:db8::/32 for a lab
   * inside a network namespace that holds that prefix and nothing else.
   */
  cidr: string;
  /** Seed of every random choice (addresses, devices, credentials). */
  seed: number;
  /** Number of devices, hostile ones included. */
  deviceCount: number;
  /**
   * Include hostile devices (tarpit, endless banner, binary garbage, slow sender, IAC storm)
   * and the payload devices whose banners carry script-injection payloads (payload-devices.ts).
   */
  hostile: boolean;
}

export const defaultLabOptions: LabOptions = { cidr: '127.77.0.0/16', seed: 1, deviceCount: 2000, hostile: true };

/** Each hostile behaviour appears on at least this many devices. */
const minimumPerHostileBehaviour = 2;
/** Below this, a lab with hostile devices would be mostly hostile. */
export const minimumDevicesWithHostile = 20;

/**
 * Fill in defaults and validate. Wrong input is a USAGE error that says what is allowed.
 * @example resolveLabOptions({ deviceCount: 60 }) // { cidr: '127.77.0.0/16', seed: 1, deviceCount: 60, hostile: true }
 */
export function resolveLabOptions(partial: Partial<LabOptions> = {}): LabOptions {
  const options: LabOptions = {
    cidr: partial.cidr ?? defaultLabOptions.cidr,
    seed: partial.seed ?? defaultLabOptions.seed,
    deviceCount: partial.deviceCount ?? defaultLabOptions.deviceCount,
    hostile: partial.hostile ?? defaultLabOptions.hostile,
  };
  const v6 = options.cidr.includes(':') ? parseLabIPv6Cidr(options.cidr) : undefined;
  const network = v6 ? undefined : parseLabCidr(options.cidr);
  if (!Number.isSafeInteger(options.seed)) throw new OpenNoticeError('USAGE', `lab seed must be an integer, got ${String(options.seed)}`);
  const capacity = v6 ? labIPv6Capacity(v6) : labHostAddresses(network!).length;
  if (!Number.isSafeInteger(options.deviceCount) || options.deviceCount < 1 || options.deviceCount > capacity) {
    throw new OpenNoticeError('USAGE', `lab device count must be an integer from 1 to ${capacity} for ${options.cidr}, got ${String(options.deviceCount)}`);
  }
  if (options.hostile && options.deviceCount < minimumDevicesWithHostile) {
    throw new OpenNoticeError(
      'USAGE',
      `a lab with hostile devices needs at least ${minimumDevicesWithHostile} devices (got ${options.deviceCount}); add devices or turn hostile devices off`,
    );
  }
  return { ...options, cidr: v6 ? formatIPv6Cidr(v6) : `${formatIPv4(network!.network)}/${network!.prefixLength}` };
}

/**
 * Where an IPv6 lab may number its devices: the documentation prefix (RFC 3849), which no
 * network routes or configures. Not unique-local space: many home and office LANs number
 * their devices from fd00::/8, and the lab must never answer on an address a LAN uses.
 */
const labIPv6Space = IPv6Set.fromCidrs(['2001:db8::/32']);

/** At most this many device addresses in an IPv6 lab network: host numbers 1 to 65534. */
const maxIPv6LabHosts = 65_534;

/**
 * Parse an IPv6 lab network: a /64 to /120 inside 2001:db8::/32. The lab listens
 * there only inside a network namespace the caller made (docs/operations.md); such a prefix is
 * never routed on the internet, so no other machine can reach it even if it leaked.
 * @example parseLabIPv6Cidr('2001:db8:6::/64').prefixLength // 64
 */
export function parseLabIPv6Cidr(text: string): IPv6Cidr {
  let network: IPv6Cidr;
  try {
    network = parseIPv6Cidr(text);
  } catch (error) {
    throw new OpenNoticeError('USAGE', `lab network: ${(error as Error).message}`, {}, { cause: error });
  }
  const inside = IPv6Set.fromCidrs([formatIPv6Cidr(network)]).subtract(labIPv6Space).size === 0n;
  if (!inside || network.prefixLength < 64 || network.prefixLength > 120) {
    throw new OpenNoticeError(
      'USAGE',
      `an IPv6 lab network must be a /64 to /120 inside the documentation prefix 2001:db8::/32, got "${text}" — e.g. 2001:db8:6::/64`,
    );
  }
  return network;
}

function labIPv6Capacity(network: IPv6Cidr): number {
  return Math.min(maxIPv6LabHosts, 2 ** (128 - network.prefixLength) - 1);
}

/**
 * The device address of host number `host` (1 … capacity) in an IPv6 lab network.
 * @example labIPv6Address(parseLabIPv6Cidr('2001:db8:6::/64'), 26) // '2001:db8:6::1a'
 */
export function labIPv6Address(network: IPv6Cidr, host: number): string {
  return formatIPv6(network.network + BigInt(host));
}

/**
 * Host numbers an IPv6 lab network may give its devices, ascending: 1 to 65534 (fewer in a
 * small network), so the devices' addresses are scattered over a range no sweep would cover
 * while the population stays a function of the seed.
 * @example labIPv6Hosts(parseLabIPv6Cidr('2001:db8:6::/120')).length // 255
 */
export function labIPv6Hosts(network: IPv6Cidr): number[] {
  return Array.from({ length: labIPv6Capacity(network) }, (_, index) => index + 1);
}

/**
 * Parse the lab's network and insist that it is loopback: the lab must never listen
 * on an address another machine could reach.
 * @example parseLabCidr('127.78.0.0/16').prefixLength // 16
 */
export function parseLabCidr(text: string): Cidr {
  let network: Cidr;
  try {
    network = parseCidr(text);
  } catch (error) {
    throw new OpenNoticeError('USAGE', `lab network: ${(error as Error).message}`, {}, { cause: error });
  }
  if (network.network >>> 24 !== 127 || network.prefixLength < 16 || network.prefixLength > 30) {
    throw new OpenNoticeError('USAGE', `lab network must be a /16 to /30 inside 127.0.0.0/8 (loopback only), got "${text}" — e.g. 127.77.0.0/16`);
  }
  return network;
}

/**
 * Usable device addresses of a lab network, ascending: every address except those
 * ending in .0 or .255 (they look like network/broadcast addresses to people and tools).
 * @example labHostAddresses(parseLabCidr('127.9.9.0/30')).length // 3 (.1, .2, .3)
 */
export function labHostAddresses(network: Cidr): number[] {
  const size = 2 ** (32 - network.prefixLength);
  const addresses: number[] = [];
  for (let offset = 0; offset < size; offset++) {
    const address = network.network + offset;
    const lastOctet = address & 255;
    if (lastOctet !== 0 && lastOctet !== 255) addresses.push(address);
  }
  return addresses;
}

/**
 * How many devices show each hostile behaviour: at least two, about 0.2 % of the lab each.
 * @example hostilePerBehaviour({ ...defaultLabOptions }) // 4
 */
export function hostilePerBehaviour(options: LabOptions): number {
  if (!options.hostile) return 0;
  return Math.max(minimumPerHostileBehaviour, Math.round(options.deviceCount * 0.002));
}
