#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeError, OpenNoticeError } from '../core/errors.ts';
import { allowLinearRegexFallback } from '../core/linear-regex-fallback.ts';
import type { Logger } from '../core/logger.ts';
import { formatCommandHelp, parseCommandArgs, type Command, type OptionSpecs, type OptionValues } from './command.ts';
import { commandLogger } from './observability.ts';
import { commands } from './commands/index.ts';

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

function overview(list: readonly Command[]): string {
  const width = Math.max(...list.map((command) => command.name.length));
  return [
    'opennotice — survey an authorized address space for hijackable IoT devices, and close the loop.',
    '',
    'Usage: opennotice COMMAND [options]      opennotice COMMAND --help',
    '',
    'Commands:',
    ...list.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Start with:  opennotice demo     (runs the lab, surveys it, prints what was found)',
    '',
  ].join('\n');
}

/**
 * Entry point: dispatch to a command, turn errors into one clear line and an exit
 * code, and make SIGINT/SIGTERM stop long work cleanly (a second signal forces exit).
 */
export async function main(argv: string[]): Promise<number> {
  // Before any pattern runs: every pattern of the process then gets the linear-time fallback.
  allowLinearRegexFallback();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((command) => command.name === rest[0]) : undefined;
    process.stdout.write(topic ? formatCommandHelp(topic) : overview(commands));
    return 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`opennotice: unknown command "${name}"\n\n${overview(commands)}`);
    return 2;
  }
  const controller = new AbortController();
  let values: OptionValues<OptionSpecs> = {};
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    const message = `${signal} received, stopping and saving what was done (again to force)`;
    const log = errorLogger(command.name, values);
    if (log.structured) log.warn(message, { event: 'signal', signal });
    else process.stderr.write(`\nopennotice: ${message}\n`);
    controller.abort(new OpenNoticeError('INTERRUPTED', `interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const parsed = parseCommandArgs(command, rest);
    values = parsed.values;
    const { positionals } = parsed;
    if (values.help) {
      process.stdout.write(formatCommandHelp(command));
      return 0;
    }
    return await command.run(values, positionals, { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
  } catch (error) {
    // With --log-format json the failure is one more JSON line (code and context), so stderr stays parseable.
    errorLogger(command.name, values).error(describeError(error), error, { event: 'command-failed' });
    if (error instanceof OpenNoticeError) return error.exitCode;
    if (process.env.OPENNOTICE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 70;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The command's logger, or plain text when its log options are themselves what failed. */
function errorLogger(name: string, values: OptionValues<OptionSpecs>): Logger {
  try {
    return commandLogger(name, { 'log-format': values['log-format'], 'log-level': values['log-level'] }, process.stderr);
  } catch {
    return commandLogger(name, {}, process.stderr);
  }
}

/** True when this file is the program being run (not imported); works on Node 22 and 24. */
function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `opennotice findings | head`: a reader that goes away is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
