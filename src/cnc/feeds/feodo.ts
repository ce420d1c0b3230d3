/**
 * abuse.ch Feodo Tracker's botnet C2 IP blocklist, in its two public formats:
 *   CSV  (ipblocklist.csv): '#' comment lines, then "first_seen_utc","dst_ip","dst_port",
 *        "c2_status","last_online","malware" rows (the header line itself may be commented);
 *   JSON (ipblocklist.json): an array of { ip_address, port, status, first_seen, malware, … }.
 * Every entry is an IP and port. A malformed record is an IMPORT_INVALID error naming file and line.
 */
import { OpenNoticeError } from '../../core/errors.ts';
import type { CncFeedEntry } from '../feed-entry.ts';
import { splitCsvLine } from './csv-line.ts';
import { feedAddress, feedPort, feedTime, looksLikeJson, parseFeedJson } from './feed-file.ts';

/**
 * Parse a Feodo Tracker blocklist (CSV or JSON, told apart by its first character).
 * @example parseFeodoTracker(readFeedText('ipblocklist.csv'), 'ipblocklist.csv')[0] // { feed: 'feodo', kind: 'ip', value: '192.0.2.9', port: 443, label: 'QakBot', … }
 */
export function parseFeodoTracker(text: string, file: string): CncFeedEntry[] {
  return looksLikeJson(text) ? parseFeodoJson(text, file) : parseFeodoCsv(text, file);
}

function parseFeodoCsv(text: string, file: string): CncFeedEntry[] {
  const entries: CncFeedEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fail = (message: string) => new OpenNoticeError('IMPORT_INVALID', `Feodo Tracker CSV: ${message.slice(0, 300)}`, { file, line: index + 1 });
    const fields = splitCsvLine(line);
    if (!fields) throw fail('a quoted field is not closed');
    if (fields[0] === 'first_seen_utc') continue;
    if (fields.length !== 6) throw fail(`expected 6 fields (first_seen_utc, dst_ip, dst_port, c2_status, last_online, malware), got ${fields.length}`);
    const [firstSeen, ip, port, , , malware] = fields as [string, string, string, string, string, string];
    const value = feedAddress(ip);
    if (!value) throw fail(`dst_ip "${ip}" is not an IP address`);
    const portNumber = feedPort(port);
    if (portNumber === undefined) throw fail(`dst_port "${port}" is not a port`);
    entries.push(entry(value, portNumber, malware, feedTime(firstSeen)));
  }
  return entries;
}

function parseFeodoJson(text: string, file: string): CncFeedEntry[] {
  const json = parseFeedJson(text, file);
  if (!Array.isArray(json.data)) throw json.errorAt([], 'expected an array of C2 records');
  return json.data.map((record: unknown, index) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw json.errorAt([index], 'expected an object');
    const fields = record as { ip_address?: unknown; port?: unknown; malware?: unknown; first_seen?: unknown };
    const value = typeof fields.ip_address === 'string' ? feedAddress(fields.ip_address) : undefined;
    if (!value) throw json.errorAt([index, 'ip_address'], `"${String(fields.ip_address)}" is not an IP address`);
    const port = feedPort(fields.port);
    if (port === undefined) throw json.errorAt([index, 'port'], `"${String(fields.port)}" is not a port`);
    return entry(value, port, typeof fields.malware === 'string' ? fields.malware : undefined, feedTime(fields.first_seen));
  });
}

function entry(value: string, port: number, label: string | undefined, firstSeen: string | undefined): CncFeedEntry {
  return {
    feed: 'feodo',
    kind: 'ip',
    value,
    port,
    ...(label?.trim() ? { label: label.trim() } : {}),
    ...(firstSeen ? { firstSeen } : {}),
  };
}
