/**
 * Importer for masscan output, all three machine formats, recognised line by line:
 *
 * - `-oJ` JSON: one record per line inside `[` … `]`. masscan ≥ 1.0.5 writes the
 *   separating commas on their own lines; older versions end each record with a comma
 *   and, before 2017, finish with a non-JSON `{finished: 1}` line and no brackets.
 * - `-oD` NDJSON: one flat record per line with `rec_type` "status" or "banner".
 * - `-oL` list: `open tcp 80 192.0.2.1 1700000000`, `#` comments, `banner …` lines.
 *
 * Only open TCP ports become records; closed ports, banners and other protocols are
 * counted as ignored.
 */
import type { OpenPort } from '../core/records.ts';
import { quoteForMessage } from './csv-line.ts';
import { importWith, type ImportOptions, type LineOutcome, type OpenPortImport, type ParserContext } from './import-run.ts';
import { canonicalAddress } from '../scope/canonical-address.ts';
import { parsePort, unixSecondsToIso } from './scan-fields.ts';

/** Port states masscan prints (status_string in its output.c). */
const knownStates = new Set(['open', 'closed', 'up', 'unknown']);

/**
 * Streams the open TCP ports of a masscan -oJ, -oD or -oL file.
 * @example
 * // masscan -p23,80 --rate 1000 -oL scan.txt 192.0.2.0/24
 * const ports = readMasscan('scan.txt')
 * for await (const { ip, port } of ports) console.log(ip, port)
 */
export function readMasscan(file: string, options: ImportOptions = {}): OpenPortImport {
  return importWith(file, 'masscan', 'masscan', options, createMasscanParser);
}

function createMasscanParser(context: ParserContext) {
  return (text: string): LineOutcome => {
    const line = text.trim();
    if (line === '' || line === '[' || line === ']' || line === ',' || line.startsWith('#')) return { kind: 'blank' };
    if (line.startsWith('{') || line.startsWith(',{') || line.startsWith(', {')) return parseJsonLine(line, context);
    return parseListLine(line, context);
  };
}

function parseJsonLine(line: string, context: ParserContext): LineOutcome {
  const body = line.replace(/^,\s*/, '').replace(/,\s*$/, '');
  // Written by masscan before 2017 as the last line; not JSON (unquoted key).
  if (/^\{\s*"?finished"?\s*:\s*1\s*\}$/.test(body)) return { kind: 'blank' };
  let record: unknown;
  try {
    record = JSON.parse(body);
  } catch (error) {
    return { kind: 'invalid', reason: `not a JSON record: ${(error as Error).message}` };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { kind: 'invalid', reason: 'JSON line is not an object' };
  const fields = record as Record<string, unknown>;
  const ip = typeof fields.ip === 'string' ? canonicalAddress(fields.ip) : undefined;
  if (ip === undefined) return { kind: 'invalid', reason: `"ip" ${quoteForMessage(String(fields.ip))} is not an IP address` };
  const seenAt = timeOf(fields.timestamp, context);
  if (seenAt === undefined) return { kind: 'invalid', reason: `"timestamp" ${quoteForMessage(String(fields.timestamp))} is not Unix seconds` };

  if (Array.isArray(fields.ports)) {
    context.setFormat('masscan-json');
    const ports: OpenPort[] = [];
    for (const entry of fields.ports) {
      if (typeof entry !== 'object' || entry === null) return { kind: 'invalid', reason: '"ports" holds a non-object' };
      const item = entry as Record<string, unknown>;
      const port = parsePort(item.port);
      if (port === undefined) return { kind: 'invalid', reason: `port ${quoteForMessage(String(item.port))} is not a port number` };
      if (item.status === 'open' && item.proto === 'tcp') ports.push({ ip, port, source: context.source, seenAt });
    }
    return ports.length > 0 ? { kind: 'open', ports } : { kind: 'ignored' };
  }

  if (typeof fields.rec_type === 'string') {
    context.setFormat('masscan-ndjson');
    const port = parsePort(fields.port);
    if (port === undefined) return { kind: 'invalid', reason: `port ${quoteForMessage(String(fields.port))} is not a port number` };
    const data = fields.data as Record<string, unknown> | undefined;
    const isOpen = fields.rec_type === 'status' && data?.status === 'open' && fields.proto === 'tcp';
    return isOpen ? { kind: 'open', ports: [{ ip, port, source: context.source, seenAt }] } : { kind: 'ignored' };
  }
  return { kind: 'invalid', reason: 'JSON record has neither "ports" (-oJ) nor "rec_type" (-oD)' };
}

function parseListLine(line: string, context: ParserContext): LineOutcome {
  const tokens = line.split(/\s+/);
  // "banner tcp 80 192.0.2.1 1700000000 http HTTP/1.0 200 OK…": a banner, not a port state.
  if (tokens[0] === 'banner') return { kind: 'ignored' };
  if (!knownStates.has(tokens[0]) || tokens.length < 4 || tokens.length > 5) {
    return { kind: 'invalid', reason: `unrecognised line ${quoteForMessage(line)} (expected e.g. "open tcp 80 192.0.2.1 1700000000")` };
  }
  context.setFormat('masscan-list');
  const [state, protocol, portText, ipText, timeText] = tokens;
  const port = parsePort(portText);
  if (port === undefined) return { kind: 'invalid', reason: `port ${quoteForMessage(portText)} is not a port number` };
  const ip = canonicalAddress(ipText);
  if (ip === undefined) return { kind: 'invalid', reason: `${quoteForMessage(ipText)} is not an IP address` };
  const seenAt = timeOf(timeText, context);
  if (seenAt === undefined) return { kind: 'invalid', reason: `${quoteForMessage(timeText ?? '')} is not Unix seconds` };
  if (state !== 'open' || protocol !== 'tcp') return { kind: 'ignored' };
  return { kind: 'open', ports: [{ ip, port, source: context.source, seenAt }] };
}

/** Unix seconds (masscan writes them as a string in JSON, a number in lists); absent → fallback. */
function timeOf(value: unknown, context: ParserContext): string | undefined {
  if (value === undefined) return context.fallbackSeenAt;
  if (typeof value === 'string' || typeof value === 'number') return unixSecondsToIso(value);
  return undefined;
}
