/**
 * The ISP registry: which participating ISP answers for an address, and how it wants to hear
 * about it. An ISP is named by its ASNs and, for space it serves under someone else's AS
 * (or carves out of a shared AS), by extra prefixes. The registry's data comes from a file
 * (isp-registry-file.ts) or the store; this module only indexes and answers.
 */
import { OpenNoticeError } from '../core/errors.ts';
import { parseIPv4, parseIPv6Words, parsePrefix } from './address.ts';
import type { RouteInfo } from './prefix-table.ts';
import { createRangeIndexBuilder } from './range-index.ts';

export type ReportFormat = 'csv' | 'json' | 'stix';
export type ReportCadence = 'daily' | 'weekly' | 'monthly';
export type ReportLanguage = 'ja' | 'en';
export const reportFormats: readonly ReportFormat[] = ['csv', 'json', 'stix'];
export const reportCadences: readonly ReportCadence[] = ['daily', 'weekly', 'monthly'];
export const reportLanguages: readonly ReportLanguage[] = ['ja', 'en'];

export interface IspContacts {
  abuseEmail?: string;
  /** Reports are POSTed here (HMAC-signed by notify/). */
  webhookUrl?: string;
  /** Accounts allowed to read this ISP's findings in the portal. */
  portalUsers: string[];
}

export interface IspPreferences {
  format: ReportFormat;
  cadence: ReportCadence;
  language: ReportLanguage;
}

export interface Isp {
  /** Stable identifier, e.g. "sakura-net"; lower case, digits, ".", "_", "-". */
  id: string;
  name: string;
  asns: number[];
  /** Extra prefixes in CIDR text; they win over the ASNs (see IspRegistry.find). */
  prefixes: string[];
  contacts: IspContacts;
  preferences: IspPreferences;
  /** The ISP rents and manages the customer device (e.g. home routers), so it can fix them in bulk. */
  managesCustomerDevices: boolean;
}

export const defaultIspPreferences: Readonly<IspPreferences> = Object.freeze({ format: 'csv', cadence: 'weekly', language: 'en' });

/** How an address was tied to an ISP. */
export interface IspMatch {
  isp: Isp;
  matchedBy: 'prefix' | 'asn';
  /** The registry prefix that matched (matchedBy 'prefix'). */
  prefix?: string;
  /** The origin AS that matched (matchedBy 'asn'). */
  asn?: number;
}

export interface IspRegistry {
  readonly isps: readonly Isp[];
  byId(id: string): Isp | undefined;
  byAsn(asn: number): Isp | undefined;
  /** The ISP whose extra prefix is the longest match for `address`. */
  byPrefix(address: string): { isp: Isp; prefix: string } | undefined;
  /**
   * Extra prefixes first (longest match), then the route's origin ASes in order (the first
   * origin of a multi-origin prefix that belongs to an ISP).
   */
  find(address: string, route?: RouteInfo): IspMatch | undefined;
}

/**
 * Index a list of ISPs. Two ISPs claiming one ASN or one prefix, or a duplicate id, is a
 * CONFIG_INVALID error: an address must never go to two ISPs by accident.
 * @example
 * const registry = createIspRegistry([{ id: 'sakura-net', name: 'Sakura Net', asns: [64500], prefixes: [], contacts: { abuseEmail: 'abuse@sakura.example', portalUsers: [] }, preferences: defaultIspPreferences, managesCustomerDevices: false }]);
 * registry.byAsn(64500)?.name // 'Sakura Net'
 */
export function createIspRegistry(isps: readonly Isp[]): IspRegistry {
  const byId = new Map<string, Isp>();
  const byAsn = new Map<number, Isp>();
  const prefixOwners = new Map<string, Isp>();
  const prefixes: Array<{ isp: Isp; prefix: string }> = [];
  const index = createRangeIndexBuilder();
  const conflict = (message: string) => new OpenNoticeError('CONFIG_INVALID', message);

  for (const isp of isps) {
    if (byId.has(isp.id)) throw conflict(`ISP id "${isp.id}" is used twice`);
    byId.set(isp.id, isp);
    for (const asn of isp.asns) {
      const owner = byAsn.get(asn);
      if (owner) throw conflict(`AS${asn} is claimed by both "${owner.id}" and "${isp.id}"`);
      byAsn.set(asn, isp);
    }
    for (const text of isp.prefixes) {
      const prefix = parsePrefix(text);
      if (!prefix || prefix.hostBitsSet) throw conflict(`ISP "${isp.id}": "${text}" is not a network prefix`);
      const canonical = `${prefix.family}:${String(prefix.first)}/${prefix.length}`;
      const owner = prefixOwners.get(canonical);
      if (owner) throw conflict(`prefix ${text} is claimed by both "${owner.id}" and "${isp.id}"`);
      prefixOwners.set(canonical, isp);
      if (prefix.family === 4) index.addIPv4(prefix.first, prefix.last, prefixes.length);
      else index.addIPv6(prefix.first, prefix.last, prefixes.length);
      prefixes.push({ isp, prefix: text });
    }
  }

  const built = index.build();
  const words = new Uint32Array(4);
  const byPrefix = (address: string) => {
    const v4 = parseIPv4(address);
    let id = -1;
    if (v4 !== undefined) id = built.lookupIPv4(v4);
    else if (address.includes(':') && parseIPv6Words(address, words)) id = built.lookupIPv6(words);
    return id < 0 ? undefined : prefixes[id];
  };

  return {
    isps,
    byId: (id) => byId.get(id),
    byAsn: (asn) => byAsn.get(asn),
    byPrefix,
    find(address, route) {
      const prefixMatch = byPrefix(address);
      if (prefixMatch) return { isp: prefixMatch.isp, matchedBy: 'prefix', prefix: prefixMatch.prefix };
      if (!route) return undefined;
      for (const asn of route.origins ?? [route.asn]) {
        const isp = byAsn.get(asn);
        if (isp) return { isp, matchedBy: 'asn', asn };
      }
      return undefined;
    },
  };
}
