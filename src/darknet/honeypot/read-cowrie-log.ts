/**
 * Thin I/O around the Cowrie aggregator: a file path or a byte stream in (gzip detected by
 * its magic 1f 8b and inflated on the fly), lines through the bounded line reader, one report
 * out. Memory: one read chunk, at most one line, the capped session table and the sources.
 */
import { forEachLine, type LineSource } from '../../core/read-lines.ts';
import { createCowrieAggregator, type CowrieAggregatorOptions } from './cowrie-aggregator.ts';
import type { HoneypotReport } from './types.ts';

export interface CowrieLogOptions extends Partial<CowrieAggregatorOptions> {
  /** Longest accepted line in bytes (default 1 MiB); longer lines are corrupt. */
  maxLineBytes?: number;
}

export type CowrieLogSource = LineSource;

export const defaultMaxLineBytes = 1024 * 1024;

/**
 * Read a Cowrie JSON log (cowrie.json, one event per line; plain or gzip) into per-source
 * evidence of infection. Overlong lines and a broken stream are corrupt input, which the
 * aggregator refuses or (onCorrupt: 'skip') counts.
 * @example
 * const report = await readCowrieLog('var/cowrie.json.2018-05-24.gz', { onCorrupt: 'skip' });
 * for (const source of report.sources) if (source.verdict === 'bot') console.log(source.ip, source.reason);
 */
export async function readCowrieLog(source: CowrieLogSource, options: CowrieLogOptions = {}): Promise<HoneypotReport> {
  const name = options.name ?? (typeof source === 'string' ? source : 'stream');
  const maxLineBytes = options.maxLineBytes ?? defaultMaxLineBytes;
  const aggregator = createCowrieAggregator({ ...options, name });
  await forEachLine(source, (text, _line, terminated) => aggregator.addLine(text, terminated), {
    maxLineBytes,
    gzip: true,
    name,
    onTooLong: () => aggregator.addOversizedLine(maxLineBytes),
    // The lines before the break were counted; the partial line at the break is dropped with it.
    onBrokenInput: (reason) => aggregator.addBrokenStream(reason),
  });
  return aggregator.finish();
}
