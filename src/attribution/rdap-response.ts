/**
 * Reading an RDAP "ip network" object (RFC 9083 §5.4): the network's range, its name and the
 * abuse contact. Pure functions over parsed JSON; the client (rdap-client.ts) does the I/O.
 *
 * Registries place the abuse contact differently: some as a top-level entity with the role
 * "abuse" (APNIC's IRT objects), some nested inside the registrant organisation (ARIN), so the
 * entity tree is searched breadth-first, nearest first, to a bounded depth.
 */
import { blockWithinIPv4, blockWithinIPv6, parseAddress } from './address.ts';

export interface RdapNetwork {
  /** The CIDR block of the network that holds the queried address (the cache key). */
  cidr: string;
  startAddress: string;
  endAddress: string;
  handle?: string;
  name?: string;
  country?: string;
  /** The e-mail of the nearest entity with the "abuse" role, when there is one. */
  abuseEmail?: string;
}

const maxEntityDepth = 4;
const maxEntitiesVisited = 200;

/**
 * Read the network object returned for `queried`; a string says why it is unusable.
 * @example parseRdapNetwork(await response.json(), '192.0.2.7') // { cidr: '192.0.2.0/24', abuseEmail: 'abuse@example.net', … }
 */
export function parseRdapNetwork(json: unknown, queried: string): RdapNetwork | string {
  if (!isObject(json)) return 'the response is not a JSON object';
  if (json.objectClassName !== 'ip network') return `expected an "ip network" object, got ${JSON.stringify(json.objectClassName ?? null)}`;
  if (typeof json.startAddress !== 'string' || typeof json.endAddress !== 'string') return 'the network has no startAddress/endAddress';
  const start = parseAddress(json.startAddress);
  const end = parseAddress(json.endAddress);
  const address = parseAddress(queried);
  if (!start || !end || !address || start.family !== end.family || start.family !== address.family)
    return `the network range ${json.startAddress}–${json.endAddress} is not usable for ${queried}`;
  if (address.first < start.first || address.first > end.first) return `the network ${json.startAddress}–${json.endAddress} does not contain ${queried}`;
  const cidr =
    address.family === 4
      ? blockWithinIPv4(address.first, start.first as number, end.first as number)
      : blockWithinIPv6(address.first, start.first as bigint, end.first as bigint);
  const network: RdapNetwork = { cidr, startAddress: json.startAddress, endAddress: json.endAddress };
  if (typeof json.handle === 'string') network.handle = json.handle;
  if (typeof json.name === 'string') network.name = json.name;
  if (typeof json.country === 'string') network.country = json.country;
  const abuseEmail = findAbuseEmail(json.entities);
  if (abuseEmail) network.abuseEmail = abuseEmail;
  return network;
}

/**
 * The first e-mail of the nearest entity whose roles include "abuse".
 * @example findAbuseEmail([{ roles: ['abuse'], vcardArray: ['vcard', [['email', {}, 'text', 'abuse@example.net']]] }]) // 'abuse@example.net'
 */
export function findAbuseEmail(entities: unknown): string | undefined {
  let level: unknown[] = Array.isArray(entities) ? entities : [];
  let visited = 0;
  for (let depth = 0; depth < maxEntityDepth && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const entity of level) {
      if (!isObject(entity) || ++visited > maxEntitiesVisited) continue;
      if (Array.isArray(entity.roles) && entity.roles.includes('abuse')) {
        const email = vcardEmail(entity.vcardArray);
        if (email) return email;
      }
      if (Array.isArray(entity.entities)) next.push(...entity.entities);
    }
    level = next;
  }
  return undefined;
}

/**
 * The first "email" property of a jCard (RFC 7095): ["vcard", [[name, params, type, value], …]].
 * @example vcardEmail(['vcard', [['version', {}, 'text', '4.0'], ['email', {}, 'text', 'noc@example.net']]]) // 'noc@example.net'
 */
export function vcardEmail(vcardArray: unknown): string | undefined {
  if (!Array.isArray(vcardArray) || vcardArray[0] !== 'vcard' || !Array.isArray(vcardArray[1])) return undefined;
  for (const property of vcardArray[1] as unknown[]) {
    if (Array.isArray(property) && property[0] === 'email' && typeof property[3] === 'string' && property[3].includes('@')) return property[3].trim();
  }
  return undefined;
}

/** The title and description of an RDAP error response (RFC 9083 §6), when the body is one. */
export function rdapErrorText(json: unknown): string | undefined {
  if (!isObject(json)) return undefined;
  const title = typeof json.title === 'string' ? json.title : undefined;
  const description = Array.isArray(json.description) ? json.description.filter((line) => typeof line === 'string').join(' ') : undefined;
  return [title, description].filter(Boolean).join(': ') || undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
