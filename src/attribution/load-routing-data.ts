/**
 * Loads routing-data files into a prefix table: streaming (gzip or plain), one line parser
 * per format (routing-formats.ts), malformed lines skipped and counted up to a bound, or
 * refused at the first one in strict mode. Several files may feed one builder; where their
 * ranges overlap, the narrowest wins and, between equal ones, the file loaded last.
 */
import { fileURLToPath } from 'node:url';
import { OpenNoticeError } from '../core/errors.ts';
import { forEachLine } from '../core/read-lines.ts';
import { createPrefixTableBuilder, type PrefixTable, type PrefixTableBuilder } from './prefix-table.ts';
import { createRouteInterner, lineParsers, type RouteInterner, type RoutingDataFormat } from './routing-formats.ts';

export interface LoadOptions {
  /** Refuse the file at its first malformed line (IMPORT_INVALID with file:line). Default false: skip and count. */
  strict?: boolean;
  /** Refuse the file once more lines than this are malformed: a wrong format, not a few bad rows. Default 1000. */
  maxInvalidLines?: number;
  /** Share route objects across files (createRouteInterner()); one is made per call otherwise. */
  interner?: RouteInterner;
}

export interface LoadReport {
  file: string;
  format: RoutingDataFormat;
  lines: number;
  /** Ranges added to the table. */
  ranges: number;
  /** Lines saying "not routed" (AS 0): nothing added. */
  notRouted: number;
  invalidLines: number;
  /** The first few malformed lines, for the operator to look at. */
  invalidExamples: Array<{ line: number; message: string }>;
  /** Licence attribution to show wherever this data is used, when its licence asks for one. */
  notice?: string;
}

export interface RoutingDataSource {
  file: string;
  format: RoutingDataFormat;
}

const keptExamples = 10;

/** Routing-data lines are short; a longer one means the file is not what the caller thinks. */
const maxLineBytes = 64 * 1024;

/**
 * The attribution line that CC BY 4.0 asks for wherever `@ip-location-db/asn` data is used
 * (its sources are RouteViews, the NRO's RIR statistics and DB-IP's IP to ASN Lite).
 */
export const ipLocationDbNotice =
  'IP to ASN data: @ip-location-db/asn by sapics, from RouteViews (routeviews.org), NRO (nro.net) and DB-IP (db-ip.com, "IP Geolocation by DB-IP"), licensed CC BY 4.0 (creativecommons.org/licenses/by/4.0), modified.';

/**
 * The CSV files of the installed `@ip-location-db/asn` package.
 * @example const { ipv4 } = ipLocationDbAsnFiles(); await loadRoutingData(builder, ipv4, 'ip-location-db')
 */
export function ipLocationDbAsnFiles(): { ipv4: string; ipv6: string } {
  return {
    ipv4: fileURLToPath(import.meta.resolve('@ip-location-db/asn/asn-ipv4.csv')),
    ipv6: fileURLToPath(import.meta.resolve('@ip-location-db/asn/asn-ipv6.csv')),
  };
}

/**
 * Add one routing-data file's ranges to `builder`.
 * @example
 * const builder = createPrefixTableBuilder();
 * const report = await loadRoutingData(builder, 'routeviews-rv2-20170329-0200.pfx2as.gz', 'pfx2as');
 * console.log(report.ranges, report.invalidLines); const table = builder.build();
 */
export async function loadRoutingData(builder: PrefixTableBuilder, file: string, format: RoutingDataFormat, options: LoadOptions = {}): Promise<LoadReport> {
  const parse = lineParsers[format];
  const interner = options.interner ?? createRouteInterner();
  const maxInvalidLines = options.maxInvalidLines ?? 1000;
  const report: LoadReport = { file, format, lines: 0, ranges: 0, notRouted: 0, invalidLines: 0, invalidExamples: [] };
  if (format === 'ip-location-db') report.notice = ipLocationDbNotice;
  await forEachLine(
    file,
    (text, line) => {
      report.lines = line;
      const outcome = parse(text, line, builder, interner);
      if (outcome.kind === 'added') report.ranges++;
      else if (outcome.kind === 'not-routed') report.notRouted++;
      else if (outcome.kind === 'invalid') {
        if (options.strict) throw new OpenNoticeError('IMPORT_INVALID', `${format}: ${outcome.message}`, { file, line });
        report.invalidLines++;
        if (report.invalidExamples.length < keptExamples) report.invalidExamples.push({ line, message: outcome.message });
        if (report.invalidLines > maxInvalidLines) {
          const first = report.invalidExamples[0]!;
          throw new OpenNoticeError(
            'IMPORT_INVALID',
            `${format}: more than ${maxInvalidLines} malformed lines; is this a ${format} file? first: ${first.message}`,
            { file, line: first.line },
          );
        }
      }
    },
    { maxLineBytes, gzip: true, expected: `${format} file` },
  );
  if (report.ranges === 0 && report.invalidLines > 0) {
    const first = report.invalidExamples[0]!;
    throw new OpenNoticeError('IMPORT_INVALID', `${format}: no usable line; is this a ${format} file? first: ${first.message}`, { file, line: first.line });
  }
  return report;
}

/**
 * Build a table from several files in the order given (later files win ties).
 * @example const { table, reports } = await loadPrefixTable([{ file: ipLocationDbAsnFiles().ipv4, format: 'ip-location-db' }])
 */
export async function loadPrefixTable(
  sources: readonly RoutingDataSource[],
  options: LoadOptions = {},
): Promise<{ table: PrefixTable; reports: LoadReport[] }> {
  const builder = createPrefixTableBuilder();
  const interner = options.interner ?? createRouteInterner();
  const reports: LoadReport[] = [];
  for (const source of sources) reports.push(await loadRoutingData(builder, source.file, source.format, { ...options, interner }));
  return { table: builder.build(), reports };
}
