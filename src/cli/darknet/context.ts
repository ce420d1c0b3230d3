/** The options every `darknet` subcommand reads, parsed and checked once. */
import { OpenNoticeError } from '../../core/errors.ts';
import { loadResearchScanners, researchRangesOf } from '../../darknet/classify/research-scanners.ts';
import { darknetRange } from '../../darknet/ingest.ts';
import { readCidrList } from '../../scope/cidr-file.ts';
import { integerOption } from '../command.ts';
import type { DarknetValues } from './options.ts';

export interface DarknetCommandContext {
  /** --darknet: no default, a real darknet is the operator's (`darknet generate` falls back to the lab's). */
  darknet?: string;
  /** --research FILE, when given (read by researchRanges()). */
  researchFile?: string;
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
  const darknet = typeof values.darknet === 'string' ? values.darknet : undefined;
  if (darknet !== undefined) darknetRange(darknet);
  if (values.json && values.csv) throw new OpenNoticeError('USAGE', 'choose one of --json and --csv');
  return {
    ...(darknet === undefined ? {} : { darknet }),
    ...(typeof values.research === 'string' ? { researchFile: values.research } : {}),
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

/**
 * The darknet a subcommand reads: there is no default outside the lab, since judging a real
 * capture against the wrong range would silently count nothing.
 * @example const darknet = requireDarknet(context, 'ingest')
 */
export function requireDarknet(context: DarknetCommandContext, subcommand: string): string {
  if (context.darknet === undefined) throw new OpenNoticeError('USAGE', `${subcommand} needs --darknet CIDR (the darknet the captures observed)`);
  return context.darknet;
}

/**
 * The research scanners' ranges: --research FILE when given — a file in the shipped YAML format
 * (.yaml/.yml) or a plain CIDR list, one per line — else the shipped list of well-known research
 * scanners (src/darknet/classify/research-scanners.yaml). A lab capture's research scanners are
 * the lab's own: pass the list `darknet generate` wrote beside it.
 * @example researchRanges(context) // ['162.142.125.0/24', …]
 */
export function researchRanges(context: DarknetCommandContext): string[] {
  const file = context.researchFile;
  if (file === undefined) return researchRangesOf(loadResearchScanners());
  if (/\.ya?ml$/i.test(file)) return researchRangesOf(loadResearchScanners(file));
  return readCidrList(file).map((entry) => entry.cidr);
}
