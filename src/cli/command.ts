import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OpenNoticeError } from '../core/errors.ts';

type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string; valueName?: string };

/** One CLI command: a name, its options, and what it does. */
export interface Command {
  name: string;
  summary: string;
  /** Usage line after "opennotice NAME". */
  usage: string;
  /** Longer help text: what it does, examples. */
  details?: string;
  options: Record<string, OptionSpec>;
  /** Returns the process exit code. */
  run(values: Record<string, unknown>, positionals: string[], io: CommandIo): Promise<number>;
}

export interface CommandIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Aborted on SIGINT/SIGTERM: long commands stop cleanly and save what they have. */
  signal: AbortSignal;
}

export function defineCommand(command: Command): Command {
  return command;
}

/** Parse argv for a command; unknown options are a usage error naming the option. */
export function parseCommandArgs(command: Command, argv: string[]): { values: Record<string, unknown>; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, spec] of Object.entries(command.options)) {
    const { description: _description, valueName: _valueName, ...parseSpec } = spec;
    options[name] = parseSpec;
  }
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, unknown>, positionals: parsed.positionals };
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

/** Read an integer option with bounds; a bad value is a usage error naming the option. */
export function integerOption(values: Record<string, unknown>, name: string, range: { min: number; max: number }): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new OpenNoticeError('USAGE', `--${name} must be an integer from ${range.min} to ${range.max}, got "${String(raw)}"`);
  }
  return value;
}

/** Comma-separated and/or repeated list option: --ports 21,22 --ports 23 */
export function listOption(values: Record<string, unknown>, name: string): string[] {
  const raw = values[name];
  const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return items
    .flatMap((item) => String(item).split(','))
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Port list option parsed and validated. */
export function portsOption(values: Record<string, unknown>, name: string): number[] {
  return [
    ...new Set(
      listOption(values, name).map((text) => {
        const port = Number(text);
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw new OpenNoticeError('USAGE', `--${name}: "${text}" is not a port number`);
        return port;
      }),
    ),
  ];
}
