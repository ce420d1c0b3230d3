/**
 * One parser per routing-data format, each turning one line into a range added to a
 * prefix-table builder. Pure apart from the builder: no I/O, so each is tested on strings.
 *
 * - pfx2as (CAIDA's RouteViews prefix-to-AS): `prefix <TAB> length <TAB> origins`. Origins may
 *   be a multi-origin list `A_B` (several ASes announce the prefix) and/or an AS-set `A,B`
 *   (an aggregate, sometimes written `{A,B}`). All are kept in `origins`; `asn` is the first
 *   public one (private and reserved ASNs in AS-sets are aggregation leftovers), else the first.
 * - ip2asn (iptoasn.com): `first <TAB> last <TAB> asn <TAB> country <TAB> description`; AS 0
 *   means "not routed" and adds nothing. Country "None"/"Unknown" is dropped.
 * - ip-location-db (`@ip-location-db/asn` CSV): `first,last,asn,organisation`, RFC 4180 quoting.
 *   The `-num` variants (decimal integers) are accepted too: a range with an end above
 *   2^32 − 1 is IPv6, otherwise IPv4.
 */
import { quoted } from '../core/errors.ts';
import { splitCsvLine } from '../discover/csv-line.ts';
import { parseAddress, parsePrefix } from './address.ts';
import type { PrefixTableBuilder, RouteInfo } from './prefix-table.ts';

export type RoutingDataFormat = 'pfx2as' | 'ip2asn' | 'ip-location-db';
export const routingDataFormats: readonly RoutingDataFormat[] = ['pfx2as', 'ip2asn', 'ip-location-db'];

/** What one line amounted to: a range added, a line to pass over, or why it is malformed. */
export type LineOutcome = { kind: 'added' } | { kind: 'ignored' } | { kind: 'not-routed' } | { kind: 'invalid'; message: string };

/** Route objects shared between ranges with the same AS, name and country: 400,000 ranges, 80,000 routes. */
export interface RouteInterner {
  route(asn: number, asName: string | undefined, country: string | undefined, origins?: readonly number[]): RouteInfo;
  readonly size: number;
}

/** @example const interner = createRouteInterner(); interner.route(13335, 'Cloudflare', 'US') === interner.route(13335, 'Cloudflare', 'US') // true */
export function createRouteInterner(): RouteInterner {
  // By ASN first: a handful of routes per AS, compared field by field, is cheaper than
  // building a string key for each of 700,000 lines.
  const byAsn = new Map<number, RouteInfo[]>();
  let size = 0;
  const sameOrigins = (a: readonly number[] | undefined, b: readonly number[] | undefined) =>
    a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((asn, index) => asn === b[index]));
  return {
    route(asn, asName, country, origins) {
      let routes = byAsn.get(asn);
      if (!routes) byAsn.set(asn, (routes = []));
      for (const route of routes) {
        if (route.asName === asName && route.country === country && sameOrigins(route.origins, origins)) return route;
      }
      const route: RouteInfo = Object.freeze({
        asn,
        ...(asName ? { asName } : {}),
        ...(country ? { country } : {}),
        ...(origins ? { origins: Object.freeze([...origins]) } : {}),
      });
      routes.push(route);
      size++;
      return route;
    },
    get size() {
      return size;
    },
  };
}

export type LineParser = (text: string, lineNumber: number, builder: PrefixTableBuilder, interner: RouteInterner) => LineOutcome;

const invalid = (message: string): LineOutcome => ({ kind: 'invalid', message });
const added: LineOutcome = { kind: 'added' };
const ignored: LineOutcome = { kind: 'ignored' };
const decimal = /^\d{1,10}$/;
const maxAsn = 4294967295;

/** Public (globally routable) ASNs: not 0, AS_TRANS, documentation, private or last ASNs (RFC 6996, 7300, 5398). */
export function isPublicAsn(asn: number): boolean {
  if (asn === 0 || asn === 23456) return false;
  if (asn >= 64496 && asn <= 65551) return false;
  return !(asn >= 4200000000);
}

/** Parse "1234", "1234_5678", "1,2", "{1,2}", "1_2,3" into the distinct ASNs in order; undefined when malformed. */
export function parseOrigins(field: string): number[] | undefined {
  const origins: number[] = [];
  for (const part of field.replace(/[{}]/g, '').split(/[_,]/)) {
    if (!decimal.test(part)) return undefined;
    const asn = Number(part);
    if (asn > maxAsn) return undefined;
    if (!origins.includes(asn)) origins.push(asn);
  }
  return origins.length > 0 ? origins : undefined;
}

const isBlankOrComment = (text: string) => text.length === 0 || text.startsWith('#') || text.trim().length === 0;
/** A first line with letters in its first cell, e.g. "ip_range_start,…" or "range_start\t…". */
const isHeader = (firstCell: string, lineNumber: number) => lineNumber === 1 && /^[A-Za-z_]/.test(firstCell) && !firstCell.includes(':');

export const parsePfx2asLine: LineParser = (text, lineNumber, builder, interner) => {
  if (isBlankOrComment(text)) return ignored;
  // RouteViews separates with tabs; hand-edited copies may use spaces.
  let cells = text.split('\t');
  if (cells.length !== 3) cells = text.trim().split(/\s+/);
  if (isHeader(cells[0]!, lineNumber)) return ignored;
  if (cells.length !== 3) return invalid(`expected "prefix<TAB>length<TAB>origin AS", got ${cells.length} fields`);
  const [network, length, originField] = cells as [string, string, string];
  if (!/^\d{1,3}$/.test(length)) return invalid(`prefix length ${quoted(length)} is not a number`);
  const prefix = parsePrefix(`${network}/${length}`);
  if (!prefix) return invalid(`${quoted(`${network}/${length}`)} is not a prefix`);
  if (prefix.hostBitsSet) return invalid(`${quoted(`${network}/${length}`)} has host bits set`);
  const origins = parseOrigins(originField);
  if (!origins) return invalid(`origin AS ${quoted(originField)} is not an AS number, multi-origin list or AS-set`);
  if (origins.length === 1 && origins[0] === 0) return { kind: 'not-routed' };
  const asn = origins.find(isPublicAsn) ?? origins[0]!;
  const ordered = origins.length > 1 ? [asn, ...origins.filter((origin) => origin !== asn)] : undefined;
  const route = interner.route(asn, undefined, undefined, ordered);
  if (prefix.family === 4) builder.addIPv4Range(prefix.first, prefix.last, route);
  else builder.addIPv6Range(prefix.first, prefix.last, route);
  return added;
};

export const parseIp2asnLine: LineParser = (text, lineNumber, builder, interner) => {
  if (isBlankOrComment(text)) return ignored;
  const cells = text.split('\t');
  if (isHeader(cells[0]!, lineNumber)) return ignored;
  if (cells.length < 3) return invalid(`expected "first<TAB>last<TAB>AS<TAB>country<TAB>description", got ${cells.length} fields`);
  const [firstText, lastText, asnText, countryText, ...descriptionParts] = cells as [string, string, string, string?, ...string[]];
  if (!decimal.test(asnText) || Number(asnText) > maxAsn) return invalid(`AS number ${quoted(asnText)} is not a number`);
  const asn = Number(asnText);
  const range = parseRange(firstText.trim(), lastText.trim());
  if (typeof range === 'string') return invalid(range);
  if (asn === 0) return { kind: 'not-routed' };
  const country = countryText && /^[A-Z]{2}$/.test(countryText.trim()) ? countryText.trim() : undefined;
  const description = descriptionParts.join('\t').trim();
  const route = interner.route(asn, description && description !== 'Not routed' ? description : undefined, country);
  addRange(builder, range, route);
  return added;
};

export const parseIpLocationDbLine: LineParser = (text, lineNumber, builder, interner) => {
  if (isBlankOrComment(text)) return ignored;
  // Most lines have no quoted cell: a plain split is several times faster than the RFC 4180 reader.
  const cells = text.includes('"') ? splitCsvLine(text) : text.split(',');
  if (!cells) return invalid('unterminated quote');
  if (isHeader(cells[0]!, lineNumber)) return ignored;
  if (cells.length !== 4) return invalid(`expected "first,last,AS,organisation", got ${cells.length} fields`);
  const [firstText, lastText, asnText, organisation] = cells as [string, string, string, string];
  if (!decimal.test(asnText) || Number(asnText) > maxAsn) return invalid(`AS number ${quoted(asnText)} is not a number`);
  const asn = Number(asnText);
  const range = /^\d+$/.test(firstText) && /^\d+$/.test(lastText) ? numericRange(firstText, lastText) : parseRange(firstText, lastText);
  if (typeof range === 'string') return invalid(range);
  if (asn === 0) return { kind: 'not-routed' };
  addRange(builder, range, interner.route(asn, organisation.trim() || undefined, undefined));
  return added;
};

export const lineParsers: Record<RoutingDataFormat, LineParser> = {
  pfx2as: parsePfx2asLine,
  ip2asn: parseIp2asnLine,
  'ip-location-db': parseIpLocationDbLine,
};

type Range = { family: 4; first: number; last: number } | { family: 6; first: bigint; last: bigint };

/** Both ends as addresses of one family, first ≤ last; otherwise the reason as text. */
function parseRange(firstText: string, lastText: string): Range | string {
  const first = parseAddress(firstText);
  if (!first) return `${quoted(firstText)} is not an IP address`;
  const last = parseAddress(lastText);
  if (!last) return `${quoted(lastText)} is not an IP address`;
  if (first.family !== last.family) return `${quoted(firstText)} and ${quoted(lastText)} are of different address families`;
  if (first.first > last.first) return `range starts after it ends (${quoted(firstText)} > ${quoted(lastText)})`;
  return first.family === 4 ? { family: 4, first: first.first, last: last.first as number } : { family: 6, first: first.first, last: last.first as bigint };
}

function numericRange(firstText: string, lastText: string): Range | string {
  const first = BigInt(firstText);
  const last = BigInt(lastText);
  if (last >= 1n << 128n) return `${quoted(lastText)} is larger than any IPv6 address`;
  if (first > last) return `range starts after it ends (${firstText} > ${lastText})`;
  return last > 0xffffffffn ? { family: 6, first, last } : { family: 4, first: Number(first), last: Number(last) };
}

function addRange(builder: PrefixTableBuilder, range: Range, route: RouteInfo): void {
  if (range.family === 4) builder.addIPv4Range(range.first, range.last, route);
  else builder.addIPv6Range(range.first, range.last, route);
}
