/**
 * One entry point for `opennotice survey --input FILE`: recognise which scanner wrote
 * the file, then stream its open ports.
 */
import { OpenNoticeError } from '../core/errors.ts';
import type { OpenPort } from '../core/records.ts';
import { splitCsvLine } from './csv-line.ts';
import { emptyStats, type ImportOptions, type ImportStats, type OpenPortImport } from './import-run.ts';
import { canonicalAddress } from '../scope/canonical-address.ts';
import { readScanFileLines } from './scan-file.ts';
import { readMasscan } from './masscan.ts';
import { readZmapCsv } from './zmap.ts';

export type ScanFileFormat = 'zmap-csv' | 'masscan-json' | 'masscan-ndjson' | 'masscan-list';

/** What --input-format accepts: 'auto', a tool name, or one of its formats. */
export const inputFormatNames = ['auto', 'zmap', 'zmap-csv', 'masscan', 'masscan-json', 'masscan-ndjson', 'masscan-list'] as const;
export type InputFormatName = (typeof inputFormatNames)[number];

/** Lines looked at before giving up on recognising a file (a masscan -oJ starts with "["). */
const sniffLines = 5;

/**
 * Guesses the format from the first meaningful line; undefined when it looks like none.
 * @example await detectScanFileFormat('scan.txt') // 'masscan-list'
 */
export async function detectScanFileFormat(file: string): Promise<ScanFileFormat | undefined> {
  let looked = 0;
  for await (const { text } of readScanFileLines(file)) {
    const line = text.trim();
    if (line === '' || line === '[' || line === ',') continue;
    if (++looked > sniffLines) break;
    if (line.startsWith('#masscan')) return 'masscan-list';
    if (/^(open|closed|banner|up|unknown)\s/.test(line)) return 'masscan-list';
    if (line.startsWith('{')) {
      if (/"rec_type"\s*:/.test(line)) return 'masscan-ndjson';
      if (/"ports"\s*:/.test(line)) return 'masscan-json';
      return undefined;
    }
    const cells = splitCsvLine(line);
    if (cells?.includes('saddr')) return 'zmap-csv';
    if (cells?.length === 1 && canonicalAddress(cells[0]) !== undefined) return 'zmap-csv';
    return undefined;
  }
  return undefined;
}

export interface ReadOpenPortsOptions extends ImportOptions {
  /** One of `inputFormatNames`; 'auto' (default) sniffs the file. */
  format?: string;
  /** Scanned port, for zmap files without a sport column. */
  port?: number;
  /** What a zmap file without a classification column scanned (default tcp). */
  transport?: 'tcp' | 'udp';
}

/**
 * A zmap or masscan result file as a stream of open ports. Returns at once; the file
 * is opened (and its format sniffed) when iteration starts, and `stats` is complete
 * when iteration ends.
 * @example
 * const ports = readOpenPorts('scan.json', { format: 'auto', skipInvalid: true })
 * for await (const port of ports) queue.push(port)
 * console.error(describeImportStats(ports.stats))
 */
export function readOpenPorts(file: string, options: ReadOpenPortsOptions = {}): OpenPortImport {
  const format = options.format ?? 'auto';
  if (!(inputFormatNames as readonly string[]).includes(format)) {
    throw new OpenNoticeError('USAGE', `unknown input format "${format}" (known: ${inputFormatNames.join(', ')})`);
  }
  // Before iteration starts there is nothing to report yet.
  let current: OpenPortImport | undefined;
  const pending: ImportStats = emptyStats(file, format);
  return {
    get stats() {
      return current?.stats ?? pending;
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<OpenPort> {
      const tool = format === 'auto' ? toolOf(await detectScanFileFormat(file)) : format.startsWith('zmap') ? 'zmap' : 'masscan';
      if (tool === undefined) {
        throw new OpenNoticeError(
          'IMPORT_INVALID',
          'cannot tell which scanner wrote this file: expected ZMap CSV or masscan -oJ/-oD/-oL output (or give the format)',
          { file },
        );
      }
      current = tool === 'zmap' ? readZmapCsv(file, options) : readMasscan(file, options);
      yield* current;
    },
  };
}

function toolOf(format: ScanFileFormat | undefined): 'zmap' | 'masscan' | undefined {
  if (format === undefined) return undefined;
  return format === 'zmap-csv' ? 'zmap' : 'masscan';
}
