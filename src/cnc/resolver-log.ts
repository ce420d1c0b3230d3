/**
 * One line of an ISP resolver's query log, in the three formats resolvers write (each as its
 * manual describes the `log-queries` / query-logging output):
 *   dnsmasq (`log-queries`, to syslog or `log-facility=FILE`):
 *     "Dec  7 03:15:02 dnsmasq[1234]: query[A] c2.example from 192.0.2.7"
 *     (with `log-queries=extra` a serial and the client's port come before "query[")
 *   unbound (`log-queries: yes`; the time in brackets, or ascii with `log-time-ascii: yes`):
 *     "[1765077302] unbound[1234:0] info: 192.0.2.7 c2.example. A IN"
 *   BIND (`category queries`):
 *     "07-Dec-2026 03:15:02.123 client @0x7f2a… 192.0.2.7#53422 (c2.example): query: c2.example IN A +E(0) (192.0.2.1)"
 * Only questions are read: replies, forwards and other messages are "other" lines. A line whose
 * time cannot be read, or a question that does not parse, is a problem the caller reports with
 * file and line.
 */
import { canonicalAddress } from '../scope/canonical-address.ts';

export type ResolverLogFormat = 'dnsmasq' | 'unbound' | 'bind';
export const resolverLogFormats: readonly ResolverLogFormat[] = ['dnsmasq', 'unbound', 'bind'];

export interface ResolverQuery {
  /** Epoch ms (second precision for dnsmasq and unbound). */
  atMs: number;
  /** Canonical address of the client that asked. */
  client: string;
  /** Lower case, without the trailing dot. */
  name: string;
  /** Query type as logged (A, AAAA, TXT, TYPE65 …). */
  type: string;
}

export type ResolverLogLine = { query: ResolverQuery } | { other: true } | { problem: string };

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Syslog's "Dec  7 03:15:02" has no year: the year that puts it at most a day after `nowMs`
 * (a log read in January still holds December). Read in the machine's time zone, as written.
 */
function syslogTime(month: string, day: string, time: string, nowMs: number): number | undefined {
  const monthIndex = months.indexOf(month.toLowerCase());
  const [hours, minutes, seconds] = time.split(':').map(Number) as [number, number, number];
  if (monthIndex < 0 || !(hours < 24 && minutes < 60 && seconds < 61)) return undefined;
  const year = new Date(nowMs).getFullYear();
  const atMs = new Date(year, monthIndex, Number(day), hours, minutes, seconds).getTime();
  return atMs > nowMs + 86_400_000 ? new Date(year - 1, monthIndex, Number(day), hours, minutes, seconds).getTime() : atMs;
}

/** A domain as logged, checked and cut to the form candidates use. */
function domainOf(text: string): string | undefined {
  const name = text.toLowerCase().replace(/\.$/, '');
  return /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name) && name.length <= 253 ? name : undefined;
}

const dnsmasqLine = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}:\d{2}:\d{2}) (?:\S+ )?dnsmasq\[\d+\]: (.*)$/;
const dnsmasqQuery = /^(?:\d+ \S+ )?query\[([A-Za-z0-9]+)\] (\S+) from (\S+)$/;

function parseDnsmasq(text: string, nowMs: number): ResolverLogLine {
  const line = dnsmasqLine.exec(text);
  if (!line) return { problem: 'not a dnsmasq log line ("Mon DD HH:MM:SS dnsmasq[PID]: …")' };
  const atMs = syslogTime(line[1]!, line[2]!, line[3]!, nowMs);
  if (atMs === undefined) return { problem: `cannot read the time "${line[1]} ${line[2]} ${line[3]}"` };
  const message = line[4]!;
  if (!/(^|\s)query\[/.test(message)) return { other: true };
  const query = dnsmasqQuery.exec(message);
  if (!query) return { problem: 'a query line without "query[TYPE] NAME from ADDRESS"' };
  return questionOf(atMs, query[3]!, query[2]!, query[1]!);
}

const unboundLine = /^(?:\[(\d{9,11})\]|([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}:\d{2}:\d{2})) (?:\S+ )?unbound\[[\d:]+\] (\w+): (.*)$/;
const unboundQuery = /^(\S+) (\S+) (\S+) (IN|CH|HS|CLASS\d+)$/;

function parseUnbound(text: string, nowMs: number): ResolverLogLine {
  const line = unboundLine.exec(text);
  if (!line) return { problem: 'not an unbound log line ("[EPOCH] unbound[PID:THREAD] LEVEL: …")' };
  const atMs = line[1] !== undefined ? Number(line[1]) * 1000 : syslogTime(line[2]!, line[3]!, line[4]!, nowMs);
  if (atMs === undefined) return { problem: `cannot read the time "${line[2]} ${line[3]} ${line[4]}"` };
  // Questions are the info lines of four fields that start with the client's address; replies
  // (log-replies) carry the rcode and timings after the same four, and other messages no address.
  const fields = line[6]!.split(' ');
  if (line[5] !== 'info' || fields.length !== 4 || canonicalAddress(fields[0]!) === undefined) return { other: true };
  const query = unboundQuery.exec(line[6]!);
  if (!query) return { problem: 'a query line without "ADDRESS NAME. TYPE CLASS"' };
  return questionOf(atMs, query[1]!, query[2]!, query[3]!);
}

const bindLine = /^(\d{2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))? (.*)$/;
const bindQuery = /client (?:@0x[0-9a-f]+ )?(\S+)#\d+ \([^)]*\): (?:view \S+: )?query: (\S+) (\S+) (\S+) /;

function parseBind(text: string): ResolverLogLine {
  const line = bindLine.exec(text);
  if (!line) return { problem: 'not a BIND log line ("DD-Mon-YYYY HH:MM:SS.mmm …")' };
  const monthIndex = months.indexOf(line[2]!.toLowerCase());
  if (monthIndex < 0) return { problem: `cannot read the month "${line[2]}"` };
  const atMs = new Date(Number(line[3]), monthIndex, Number(line[1]), Number(line[4]), Number(line[5]), Number(line[6]), Number(line[7] ?? 0)).getTime();
  const message = line[8]!;
  if (!message.includes(' query: ')) return { other: true };
  const query = bindQuery.exec(`${message} `);
  if (!query) return { problem: 'a query line without "client ADDRESS#PORT (NAME): query: NAME CLASS TYPE"' };
  return questionOf(atMs, query[1]!, query[2]!, query[4]!);
}

function questionOf(atMs: number, clientText: string, nameText: string, type: string): ResolverLogLine {
  const client = canonicalAddress(clientText);
  if (client === undefined) return { problem: `the client "${clientText}" is not an IP address` };
  const name = domainOf(nameText);
  if (name === undefined) return { problem: `"${nameText}" is not a domain name` };
  return { query: { atMs, client, name, type: type.toUpperCase() } };
}

/**
 * Read one line of a query log in `format`; `nowMs` dates lines whose format has no year.
 * @example parseResolverLogLine('dnsmasq', 'Dec  7 03:15:02 dnsmasq[12]: query[A] c2.example from 192.0.2.7', Date.now())
 */
export function parseResolverLogLine(format: ResolverLogFormat, text: string, nowMs: number): ResolverLogLine {
  if (format === 'dnsmasq') return parseDnsmasq(text, nowMs);
  if (format === 'unbound') return parseUnbound(text, nowMs);
  return parseBind(text);
}

/**
 * The format of a log from its first non-blank line, or undefined when none fits.
 * @example resolverLogFormatOf('07-Dec-2026 03:15:02.123 client …') // 'bind'
 */
export function resolverLogFormatOf(firstLine: string): ResolverLogFormat | undefined {
  return resolverLogFormats.find((format) => !('problem' in parseResolverLogLine(format, firstLine, Date.now())));
}
