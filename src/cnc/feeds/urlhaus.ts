/**
 * abuse.ch URLhaus, in its public dump formats:
 *   CSV  (csv_recent / csv_online): '#' comment lines (the header among them), then rows of
 *        id, dateadded, url, url_status, [last_online,] threat, tags, urlhaus_link, reporter;
 *   JSON (json_recent / json_online): an object from id to a list of { dateadded, url, threat, … }.
 * Each URL becomes its host (IP or domain) and port (the URL's, or the scheme's default). One
 * host listed under many URLs is one entry. Malformed records: IMPORT_INVALID naming file and line.
 */
import { OpenNoticeError } from '../../core/errors.ts';
import type { CncFeedEntry } from '../feed-entry.ts';
import { splitCsvLine } from './csv-line.ts';
import { feedAddress, feedTime, looksLikeJson, parseFeedJson } from './feed-file.ts';

const schemePorts: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443, 'ftp:': 21 };

/**
 * The endpoint a URL names, or a reason it names none.
 * @example urlEndpoint('http://192.0.2.9:8080/bins/x.arm7') // { kind: 'ip', value: '192.0.2.9', port: 8080 }
 */
export function urlEndpoint(text: string): Pick<CncFeedEntry, 'kind' | 'value' | 'port'> | { problem: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { problem: `"${text}" is not a URL` };
  }
  const port = url.port === '' ? schemePorts[url.protocol] : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (host === '') return { problem: `"${text}" names no host` };
  const address = feedAddress(host);
  return { kind: address ? 'ip' : 'domain', value: address ?? host.toLowerCase(), ...(port === undefined ? {} : { port }) };
}

/**
 * Parse a URLhaus dump (CSV or JSON, told apart by its first character).
 * @example parseUrlhaus(readFeedText('csv_recent.txt'), 'csv_recent.txt')
 */
export function parseUrlhaus(text: string, file: string): CncFeedEntry[] {
  const entries = new Map<string, CncFeedEntry>();
  const add = (endpoint: Pick<CncFeedEntry, 'kind' | 'value' | 'port'>, threat: string | undefined, added: string | undefined) => {
    const key = `${endpoint.value}|${endpoint.port ?? ''}`;
    if (entries.has(key)) return;
    entries.set(key, {
      feed: 'urlhaus',
      ...endpoint,
      ...(threat?.trim() ? { label: threat.trim() } : {}),
      ...(added ? { firstSeen: added } : {}),
    });
  };
  if (looksLikeJson(text)) {
    const json = parseFeedJson(text, file);
    if (typeof json.data !== 'object' || json.data === null || Array.isArray(json.data))
      throw json.errorAt([], 'expected an object from URL id to its records');
    for (const [id, records] of Object.entries(json.data)) {
      if (!Array.isArray(records)) throw json.errorAt([id], 'expected a list of URL records');
      records.forEach((record: unknown, index) => {
        const fields = (typeof record === 'object' && record !== null ? record : {}) as { url?: unknown; threat?: unknown; dateadded?: unknown };
        if (typeof fields.url !== 'string') throw json.errorAt([id, index], 'expected a record with a "url"');
        const endpoint = urlEndpoint(fields.url);
        if ('problem' in endpoint) throw json.errorAt([id, index, 'url'], endpoint.problem);
        add(endpoint, typeof fields.threat === 'string' ? fields.threat : undefined, feedTime(fields.dateadded));
      });
    }
    return [...entries.values()];
  }
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fail = (message: string) => new OpenNoticeError('IMPORT_INVALID', `URLhaus CSV: ${message.slice(0, 300)}`, { file, line: index + 1 });
    const fields = splitCsvLine(line);
    if (!fields) throw fail('a quoted field is not closed');
    if (fields.length !== 8 && fields.length !== 9)
      throw fail(`expected 8 or 9 fields (id, dateadded, url, url_status, [last_online,] threat, tags, urlhaus_link, reporter), got ${fields.length}`);
    const endpoint = urlEndpoint(fields[2]!);
    if ('problem' in endpoint) throw fail(endpoint.problem);
    add(endpoint, fields[fields.length === 9 ? 5 : 4], feedTime(fields[1]));
  }
  return [...entries.values()];
}
