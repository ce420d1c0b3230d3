/**
 * The indicators a blocklist export is written from, checked and put in one order. Every
 * writer and the version hash start from this list, so the same approved set always gives the
 * same bytes (the signature and the "unchanged" check depend on that).
 */
import { readFileSync } from 'node:fs';
import { OpenNoticeError } from '../core/errors.ts';
import { canonicalAddress } from '../scope/canonical-address.ts';
import { parseAnyCidr } from '../scope/address-space.ts';
import type { BlockIndicator, BlockProtocol } from './indicator.ts';

/** A lower-case host name of LDH labels (underscores allowed: C&C names are not always hostnames). */
const domainPattern = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)+$/;
/**
 * RPZ reads a trigger's last label before the origin as its kind (rpz-ip, rpz-nsdname, …); a
 * domain ending in one would turn into another kind of trigger. No real TLD is spelled so.
 */
const rpzTriggerLabel = /\.rpz-(ip|nsip|nsdname|client-ip)$/;
/** Printable text without line breaks: reasons go into comments of every exported file. */
const unprintable = /[\u0000-\u001f\u007f]/;

/**
 * Whether `text` is a lower-case domain name without the trailing dot (what indicators and the
 * RPZ origin must be, so no text can break a zone file's syntax).
 * @example isDomainName('evil.example') // true
 */
export function isDomainName(text: string): boolean {
  return domainPattern.test(text);
}

/** The address family of an ip or cidr indicator (domains have none). */
export function indicatorFamily(indicator: BlockIndicator): 'ipv4' | 'ipv6' | undefined {
  if (indicator.kind === 'domain') return undefined;
  return indicator.value.includes(':') ? 'ipv6' : 'ipv4';
}

/** "192.0.2.7" as "192.0.2.7/32": the formats that take prefixes get one form for both kinds. */
export function indicatorPrefix(indicator: BlockIndicator): string {
  if (indicator.kind === 'cidr') return indicator.value;
  return `${indicator.value}/${indicatorFamily(indicator) === 'ipv6' ? 128 : 32}`;
}

/**
 * Check one indicator: canonical address, CIDR without host bits, lower-case domain, a port in
 * 1–65535, a printable reason. Throws CONFIG_INVALID naming the entry.
 * @example checkIndicator({ kind: 'ip', value: '192.0.2.7', reason: 'C&C', approvedAt: '2026-12-01T00:00:00Z' }, 'indicators.json#0')
 */
export function checkIndicator(indicator: BlockIndicator, where: string): BlockIndicator {
  const fail = (why: string) => new OpenNoticeError('CONFIG_INVALID', `${where}: ${why}`, { file: where });
  if (indicator.kind === 'ip') {
    if (canonicalAddress(indicator.value) !== indicator.value) throw fail(`"${indicator.value}" is not a canonical IPv4 or IPv6 address`);
  } else if (indicator.kind === 'cidr') {
    let canonical: string;
    try {
      canonical = parseAnyCidr(indicator.value).text;
    } catch (error) {
      throw fail(error instanceof Error ? error.message : String(error));
    }
    if (canonical !== indicator.value || !indicator.value.includes('/')) throw fail(`"${indicator.value}" is not a canonical CIDR (expected "${canonical}")`);
  } else if (indicator.kind === 'domain') {
    if (!isDomainName(indicator.value)) throw fail(`"${indicator.value}" is not a lower-case domain name without a trailing dot`);
    if (rpzTriggerLabel.test(indicator.value)) throw fail(`"${indicator.value}" ends in an RPZ trigger label`);
  } else {
    throw fail(`kind must be ip, cidr or domain, not "${String((indicator as { kind: unknown }).kind)}"`);
  }
  if (indicator.port !== undefined && (!Number.isInteger(indicator.port) || indicator.port < 1 || indicator.port > 65535))
    throw fail(`port ${String(indicator.port)} is not in 1–65535`);
  if (indicator.protocol !== undefined) {
    if (indicator.protocol !== 'tcp' && indicator.protocol !== 'udp') throw fail(`protocol must be tcp or udp, not "${String(indicator.protocol)}"`);
    // A protocol without a port would be "block all TCP to this address": no writer says that, so it is refused rather than widened.
    if (indicator.port === undefined) throw fail(`protocol ${indicator.protocol} needs a port`);
  }
  if (typeof indicator.reason !== 'string' || unprintable.test(indicator.reason)) throw fail('reason must be printable text on one line');
  if (typeof indicator.approvedAt !== 'string' || Number.isNaN(Date.parse(indicator.approvedAt))) throw fail('approvedAt must be an ISO time');
  return indicator;
}

const kindOrder = { domain: 0, ip: 1, cidr: 2 } as const;

/** "tcp/udp" for a port without a protocol: what the writers that name protocols write for it. */
export function indicatorProtocols(indicator: BlockIndicator): readonly BlockProtocol[] {
  return indicator.protocol === undefined ? ['tcp', 'udp'] : [indicator.protocol];
}

/**
 * Checked indicators in one order (kind, value, port, protocol), duplicates of the same endpoint kept
 * once (the first approval wins), each reduced to the fields a BlockIndicator has.
 * @example canonicalIndicators(JSON.parse(text), 'indicators.json')
 */
export function canonicalIndicators(indicators: readonly BlockIndicator[], source: string): BlockIndicator[] {
  const byEndpoint = new Map<string, BlockIndicator>();
  indicators.forEach((indicator, index) => {
    checkIndicator(indicator, `${source}#${index}`);
    const key = `${indicator.kind} ${indicator.value} ${indicator.port ?? ''} ${indicator.protocol ?? ''}`;
    if (byEndpoint.has(key)) return;
    const { kind, value, port, protocol, reason, approvedAt } = indicator;
    byEndpoint.set(key, {
      kind,
      value,
      ...(port === undefined ? {} : { port }),
      ...(protocol === undefined ? {} : { protocol }),
      reason,
      approvedAt,
    });
  });
  return [...byEndpoint.values()].sort(
    (a, b) =>
      kindOrder[a.kind] - kindOrder[b.kind] ||
      (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) ||
      (a.port ?? 0) - (b.port ?? 0) ||
      (a.protocol ?? '').localeCompare(b.protocol ?? ''),
  );
}

/**
 * Read a JSON file holding an array of BlockIndicator (what `listApprovedIndicators()` returns).
 * @example readIndicatorFile('approved.json')
 */
export function readIndicatorFile(file: string): BlockIndicator[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OpenNoticeError('CONFIG_INVALID', `cannot read indicators from ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
  if (!Array.isArray(parsed) || parsed.some((entry) => typeof entry !== 'object' || entry === null))
    throw new OpenNoticeError('CONFIG_INVALID', `${file}: expected a JSON array of indicators`, { file });
  // Each entry's shape is checked field by field in checkIndicator.
  return canonicalIndicators(parsed as BlockIndicator[], file);
}

/** One line of text for a comment: the reason and approval time, nothing that breaks a line. */
export function indicatorComment(indicator: BlockIndicator): string {
  return `${indicator.reason} (approved ${indicator.approvedAt})`;
}
