/**
 * What the zmap and masscan importers share: streaming a file through a per-line
 * parser, turning malformed lines into located errors (or skipping and counting them),
 * and keeping the counts the CLI prints at the end.
 */
import { OpenNoticeError } from '../core/errors.ts';
import type { OpenPort } from '../core/records.ts';
import { fileModifiedAt, readScanFileLines } from './scan-file.ts';

export interface ImportOptions {
  /** Skip and count malformed lines instead of failing on the first one. */
  skipInvalid?: boolean;
  /** Time for records that carry none; defaults to the file's modification time. */
  seenAt?: string;
  /** Longest line accepted (bytes). */
  maxLineBytes?: number;
}

/** How many examples of skipped lines are kept for the final report. */
const maxSkippedExamples = 5;

export interface ImportStats {
  file: string;
  /** Format recognised so far, e.g. "zmap-csv", "masscan-json". */
  format: string;
  linesRead: number;
  /** Open ports handed on (TCP, and UDP from a `zmap -M udp` file). */
  imported: number;
  /** Well-formed lines that are not an open port: headers, comments, rst/closed/ICMP-unreachable rows, banners, masscan UDP. */
  ignored: number;
  /** Malformed lines skipped under `skipInvalid`. */
  skipped: number;
  /** The first few skipped lines and why. */
  skippedExamples: Array<{ line: number; reason: string }>;
  /**
   * A malformed last line the file ended in without a line end: the half a scanner still
   * running had not finished writing. Not an error and not skipped-as-invalid; counted.
   */
  unfinishedLines: number;
}

/** A stream of open ports; `stats` is complete once iteration has finished. */
export interface OpenPortImport extends AsyncIterable<OpenPort> {
  readonly stats: ImportStats;
}

/** What one line meant. */
export type LineOutcome =
  | { kind: 'open'; ports: OpenPort[] }
  | { kind: 'ignored' }
  /** Empty lines and pure structure ("[", ","): counted as read only. */
  | { kind: 'blank' }
  | { kind: 'invalid'; reason: string };

export interface ParserContext {
  file: string;
  /** Goes into OpenPort.source, e.g. "zmap:scan.csv". */
  source: string;
  /** Time for records without their own. */
  fallbackSeenAt: string;
  /** Lets the parser name the variant it recognised. */
  setFormat(format: string): void;
}

export type LineParser = (text: string, lineNumber: number) => LineOutcome;

/**
 * Builds an import over `file`. Nothing is read until iteration starts; each
 * iteration reads the file afresh and resets the counts.
 * @example
 * const ports = importWith('scan.csv', 'zmap', 'zmap-csv', {}, (ctx) => (text) => ({ kind: 'ignored' }))
 * for await (const port of ports) console.log(port)
 * console.log(ports.stats.imported)
 */
export function importWith(
  file: string,
  sourceName: string,
  initialFormat: string,
  options: ImportOptions,
  createParser: (context: ParserContext) => LineParser,
): OpenPortImport {
  const stats: ImportStats = emptyStats(file, initialFormat);
  return {
    stats,
    async *[Symbol.asyncIterator]() {
      Object.assign(stats, emptyStats(file, initialFormat));
      const context: ParserContext = {
        file,
        source: `${sourceName}:${file}`,
        fallbackSeenAt: options.seenAt ?? (await fileModifiedAt(file)),
        setFormat: (format) => {
          stats.format = format;
        },
      };
      const parse = createParser(context);
      for await (const line of readScanFileLines(file, options.maxLineBytes)) {
        stats.linesRead++;
        const outcome = parse(line.text, line.number);
        if (outcome.kind === 'open') {
          stats.imported += outcome.ports.length;
          yield* outcome.ports;
        } else if (outcome.kind === 'ignored') {
          stats.ignored++;
        } else if (outcome.kind === 'invalid') {
          if (!line.terminated) {
            stats.unfinishedLines++;
            continue;
          }
          if (!options.skipInvalid) throw new OpenNoticeError('IMPORT_INVALID', outcome.reason, { file, line: line.number });
          stats.skipped++;
          if (stats.skippedExamples.length < maxSkippedExamples) stats.skippedExamples.push({ line: line.number, reason: outcome.reason });
        }
      }
    },
  };
}

/**
 * One line for the end of an import, e.g. "scan.csv: 1200 lines read, 1000 open ports imported, 190 ignored, 10 skipped (line 7: …)".
 * @example console.error(describeImportStats(ports.stats))
 */
export function describeImportStats(stats: ImportStats): string {
  const unfinished = stats.unfinishedLines > 0 ? `, ${stats.unfinishedLines} unfinished last line (a file still being written)` : '';
  const base = `${stats.file} (${stats.format}): ${stats.linesRead} lines read, ${stats.imported} open ports imported, ${stats.ignored} ignored, ${stats.skipped} skipped${unfinished}`;
  if (stats.skippedExamples.length === 0) return base;
  return `${base} (${stats.skippedExamples.map((example) => `line ${example.line}: ${example.reason}`).join('; ')})`;
}

/** Counts before anything was read. */
export function emptyStats(file: string, format: string): ImportStats {
  return { file, format, linesRead: 0, imported: 0, ignored: 0, skipped: 0, skippedExamples: [], unfinishedLines: 0 };
}
