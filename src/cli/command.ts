import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OpenNoticeError } from '../core/errors.ts';

/** One option as node:util's parseArgs takes it, with its help text. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string; valueName?: string };
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The value an option parses to: text or a flag, a list of them when repeatable. */
type OptionValue<Spec extends OptionSpec> = Spec extends { type: 'boolean' }
  ? Spec extends { multiple: true }
    ? boolean[]
    : boolean
  : Spec extends { multiple: true }
    ? string[]
    : string;

/** What a command's run() receives for its options: each typed by its spec, absent when not given. */
export type OptionValues<Specs extends OptionSpecs> = { readonly [Name in keyof Specs]?: OptionValue<Specs[Name]> } & { readonly help?: boolean };

/** One CLI command: a name, its options, and what it does. */
export interface Command<Specs extends OptionSpecs = OptionSpecs> {
  name: string;
  summary: string;
  /** Usage line after "opennotice NAME". */
  usage: string;
  /** Longer help text: what it does, examples. */
  details?: string;
  options: Specs;
  /** Returns the process exit code. */
  run(values: OptionValues<Specs>, positionals: string[], io: CommandIo): Promise<number>;
}

export interface CommandIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Aborted on SIGINT/SIGTERM: long commands stop cleanly and save what they have. */
  signal: AbortSignal;
}

/**
 * A command with its option values typed from its option specs.
 * @example export default defineCommand({ name: 'runs', summary: '…', usage: '', options: { json: { type: 'boolean', description: 'JSON' } }, async run(values) { return values.json ? 0 : 1 } })
 */
export function defineCommand<const Specs extends OptionSpecs>(command: Command<Specs>): Command<Specs> {
  return command;
}

/** Parse argv for a command; unknown options are a usage error naming the option. */
export function parseCommandArgs<Specs extends OptionSpecs>(command: Command<Specs>, argv: string[]): { values: OptionValues<Specs>; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, spec] of Object.entries(command.options)) {
    const { description: _description, valueName: _valueName, ...parseSpec } = spec;
    options[name] = parseSpec;
  }
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    // parseArgs returns exactly the shapes the specs declare (OptionValues mirrors its typing).
    return { values: parsed.values as OptionValues<Specs>, positionals: parsed.positionals };
  } catch (error) {
    throw new OpenNoticeError('USAGE', `${(error as Error).message} (see: opennotice ${command.name} --help)`);
  }
}

/** Help text for one command, with every option and its default. */
export function formatCommandHelp(command: Command): string {
  const lines = [`Usage: opennotice ${command.name} ${command.usage}`, '', command.summary];
  if (command.details) lines.push('', command.details.trimEnd());
  lines.push('', 'Options:');
  const entries = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    const fallback = spec.default !== undefined ? ` (default: ${Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default)})` : '';
    return [flag, `${spec.description}${fallback}${spec.multiple ? ' [repeatable]' : ''}`] as const;
  });
  entries.push(['-h, --help', 'show this help']);
  const width = Math.max(...entries.map(([flag]) => flag.length));
  for (const [flag, text] of entries) lines.push(`  ${flag.padEnd(width)}  ${text}`);
  return `${lines.join('\n')}\n`;
}

/**
 * An integer option with bounds; a bad value is a usage error naming the option.
 * @example integerOption(values.rate, 'rate', { min: 1, max: 1_000_000 }) // 500
 */
export function integerOption(raw: string | undefined, name: string, range: { min: number; max: number }): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new OpenNoticeError('USAGE', `--${name} must be an integer from ${range.min} to ${range.max}, got "${String(raw)}"`);
  }
  return value;
}

/**
 * Comma-separated and/or repeated list option: --ports 21,22 --ports 23
 * @example listOption(['21,22', '23']) // ['21', '22', '23']
 */
export function listOption(raw: string | readonly string[] | undefined): string[] {
  const items = typeof raw === 'string' ? [raw] : (raw ?? []);
  return items
    .flatMap((item) => String(item).split(','))
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * Port list option parsed and validated.
 * @example portsOption(['21,22'], 'ports') // [21, 22]
 */
export function portsOption(raw: string | readonly string[] | undefined, name: string): number[] {
  return [
    ...new Set(
      listOption(raw).map((text) => {
        const port = Number(text);
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw new OpenNoticeError('USAGE', `--${name}: "${text}" is not a port number`);
        return port;
      }),
    ),
  ];
}
