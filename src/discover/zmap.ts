/**
 * Importer for ZMap's CSV output (the default output module), of TCP SYN scans and of UDP
 * scans (`-M udp`).
 *
 * With a header row (ZMap writes one when more than one output field is asked for) the
 * columns come from --output-fields: `saddr` is the responder, i.e. the target, and `sport` its
 * port (the response's source port). Without `sport` — e.g. the default output, which is only
 * `saddr` — the caller must say which port was scanned. Rows that are not an open port
 * (`classification` other than synack or udp, `success` 0) are ignored.
 *
 * A UDP scan's rows say `classification` "udp" (a UDP reply; "icmp-unreach" and "other" are
 * not open ports). ZMap does not check a UDP reply's source port, so when the scanned port is
 * given, a reply from any other port is ignored, as the survey's own UDP queries ignore it.
 * A file without a classification column cannot tell UDP from TCP: the caller says
 * (`transport: 'udp'`, `--input-transport udp`).
 */
import { OpenNoticeError } from '../core/errors.ts';
import type { OpenPort } from '../core/records.ts';
import { quoteForMessage, splitCsvLine } from './csv-line.ts';
import { importWith, type ImportOptions, type LineOutcome, type OpenPortImport, type ParserContext } from './import-run.ts';
import { canonicalAddress } from '../scope/canonical-address.ts';
import { parsePort, unixSecondsToIso } from './scan-fields.ts';

export interface ZmapImportOptions extends ImportOptions {
  /** The port zmap scanned (`-p`); required when the file has no `sport` column. */
  port?: number;
  /** What a file without a classification column scanned (default tcp); classified rows say it themselves. */
  transport?: 'tcp' | 'udp';
}

/** The classifications of a row that is an open port: a TCP SYN-ACK, a UDP reply. */
const openClassifications: Readonly<Record<string, 'tcp' | 'udp'>> = { synack: 'tcp', udp: 'udp' };

interface ColumnIndex {
  saddr: number;
  sport?: number;
  classification?: number;
  success?: number;
  timestampStr?: number;
  timestampTs?: number;
  timestampUs?: number;
  count: number;
}

/**
 * Streams the open ports of a ZMap CSV file.
 * @example
 * // zmap -p 23 -f saddr,sport,classification,success,timestamp_str -o scan.csv 192.0.2.0/24
 * const ports = readZmapCsv('scan.csv')
 * for await (const { ip, port } of ports) console.log(ip, port)
 * console.error(ports.stats.imported, 'open ports')
 */
export function readZmapCsv(file: string, options: ZmapImportOptions = {}): OpenPortImport {
  if (options.port !== undefined && parsePort(options.port) === undefined) {
    throw new OpenNoticeError('USAGE', `--port must be a whole number from 1 to 65535, got ${options.port}`);
  }
  return importWith(file, 'zmap', 'zmap-csv', options, (context) => createZmapParser(context, options.port, options.transport ?? 'tcp'));
}

function createZmapParser(context: ParserContext, scannedPort: number | undefined, assumedTransport: 'tcp' | 'udp') {
  // Decided by the first non-empty line: a header row, or headerless one-address lines.
  let columns: ColumnIndex | 'headerless' | undefined;

  const fileError = (line: number, message: string) => new OpenNoticeError('IMPORT_INVALID', message, { file: context.file, line });

  return (text: string, lineNumber: number): LineOutcome => {
    if (text.trim() === '') return { kind: 'blank' };
    if (columns === undefined) {
      const first = splitCsvLine(text.trim());
      if (first?.length === 1 && canonicalAddress(first[0]) !== undefined) {
        if (scannedPort === undefined) {
          throw fileError(lineNumber, 'ZMap output without a header row has no port column: give the scanned port (--port)');
        }
        columns = 'headerless';
      } else if (first?.includes('saddr')) {
        columns = indexColumns(first);
        if (columns.sport === undefined && scannedPort === undefined) {
          throw fileError(lineNumber, 'ZMap output has no sport column: give the scanned port (--port), or add sport to --output-fields');
        }
        return { kind: 'ignored' };
      } else {
        throw fileError(lineNumber, 'not ZMap CSV: expected a header row with a saddr column, or one address per line');
      }
    }
    return columns === 'headerless' ? parseHeaderless(text.trim()) : parseRow(text, columns);
  };

  function parseHeaderless(text: string): LineOutcome {
    const ip = canonicalAddress(text);
    if (ip === undefined) return { kind: 'invalid', reason: `expected one IP address per line, got ${quoteForMessage(text)}` };
    return open({ ip, port: scannedPort!, source: context.source, seenAt: context.fallbackSeenAt }, assumedTransport);
  }

  function parseRow(text: string, index: ColumnIndex): LineOutcome {
    const cells = splitCsvLine(text);
    if (cells === undefined) return { kind: 'invalid', reason: 'unterminated quoted field' };
    if (cells.length !== index.count) return { kind: 'invalid', reason: `expected ${index.count} fields as in the header, got ${cells.length}` };
    const cell = (at: number | undefined) => (at === undefined ? undefined : cells[at]);

    const classification = cell(index.classification);
    const success = cell(index.success);
    const transport = classification === undefined ? assumedTransport : openClassifications[classification];
    if (transport === undefined) return { kind: 'ignored' };
    if (success !== undefined && success !== '1' && success !== 'true') return { kind: 'ignored' };

    const ip = canonicalAddress(cells[index.saddr]);
    if (ip === undefined) return { kind: 'invalid', reason: `saddr ${quoteForMessage(cells[index.saddr])} is not an IP address` };
    const portText = cell(index.sport);
    const port = portText === undefined ? scannedPort : parsePort(portText);
    if (port === undefined) return { kind: 'invalid', reason: `sport ${quoteForMessage(portText ?? '')} is not a port number` };
    // A UDP reply from another port than the one probed is not that port's service.
    if (transport === 'udp' && scannedPort !== undefined && port !== scannedPort) return { kind: 'ignored' };
    const seenAt = rowTime(cells, index);
    if (seenAt === undefined) return { kind: 'invalid', reason: 'timestamp is not a valid time' };
    return open({ ip, port, source: context.source, seenAt }, transport);
  }

  /** The row's own time if it has one, the fallback if not, undefined if it is garbled. */
  function rowTime(cells: string[], index: ColumnIndex): string | undefined {
    if (index.timestampStr !== undefined) return zmapTimeToIso(cells[index.timestampStr]);
    if (index.timestampTs !== undefined) {
      const micro = index.timestampUs !== undefined ? Number(cells[index.timestampUs]) : 0;
      return unixSecondsToIso(cells[index.timestampTs], Number.isFinite(micro) ? micro : 0);
    }
    return context.fallbackSeenAt;
  }
}

function open(port: OpenPort, transport: 'tcp' | 'udp'): LineOutcome {
  return { kind: 'open', ports: [transport === 'udp' ? { ...port, transport } : port] };
}

function indexColumns(header: string[]): ColumnIndex {
  const at = (name: string) => {
    const position = header.indexOf(name);
    return position === -1 ? undefined : position;
  };
  return {
    saddr: header.indexOf('saddr'),
    sport: at('sport'),
    classification: at('classification'),
    success: at('success'),
    timestampStr: at('timestamp_str'),
    timestampTs: at('timestamp_ts'),
    timestampUs: at('timestamp_us'),
    count: header.length,
  };
}

/**
 * ZMap's timestamp_str ("2024-03-01T10:15:42.123+0900", local time with a numeric
 * offset) as UTC ISO-8601.
 * @example zmapTimeToIso('2024-03-01T10:15:42.123+0900') // '2024-03-01T01:15:42.123Z'
 */
export function zmapTimeToIso(text: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(Z|[+-]\d{2}:?\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const offset = match[2] === 'Z' ? 'Z' : `${match[2].slice(0, 3)}:${match[2].slice(-2)}`;
  const time = new Date(`${match[1]}${offset}`);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}
