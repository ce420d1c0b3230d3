/** The options every `darknet` subcommand reads, parsed and checked once. */
import { OpenNoticeError } from '../../core/errors.ts';
import { darknetRange } from '../../darknet/ingest.ts';
import { defaultResearchRanges } from '../../lab/darknet/generate.ts';
import { readCidrList } from '../../scope/cidr-file.ts';
import { integerOption } from '../command.ts';
import type { DarknetValues } from './options.ts';

export interface DarknetCommandContext {
  darknet: string;
  researchRanges: readonly string[];
  /** Extra surveyed space for infected findings (CIDRs). */
  space: string[];
  db: string;
  json: boolean;
  csv: boolean;
  skipCorrupt: boolean;
  quietDays: number;
  /** Day range for statistics from the store (YYYY-MM-DD, inclusive start, exclusive end). */
  from?: string;
  to?: string;
}

function dayOption(text: string | undefined, name: string): string | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`)))
    throw new OpenNoticeError('USAGE', `--${name} must be a day like 2026-01-31, got "${text}"`);
  return `${text}T00:00:00.000Z`;
}

/** @example const context = darknetContext(values) */
export function darknetContext(values: DarknetValues): DarknetCommandContext {
  const darknet = String(values.darknet);
  darknetRange(darknet);
  if (values.json && values.csv) throw new OpenNoticeError('USAGE', 'choose one of --json and --csv');
  return {
    darknet,
    researchRanges: typeof values.research === 'string' ? readCidrList(values.research).map((entry) => entry.cidr) : defaultResearchRanges,
    space: typeof values.space === 'string' ? readCidrList(values.space).map((entry) => entry.cidr) : [],
    db: String(values.db),
    json: Boolean(values.json),
    csv: Boolean(values.csv),
    skipCorrupt: Boolean(values['skip-corrupt']),
    quietDays: integerOption(values['quiet-days'], 'quiet-days', { min: 1, max: 365 }) ?? 7,
    from: dayOption(values.from, 'from'),
    to: dayOption(values.to, 'to'),
  };
}
