/**
 * The logger behind `--log-format` and `--log-level`: human lines by default ("opennotice
 * survey: …", as the commands always wrote), or one JSON object a line through pino, for a log
 * shipper to index. Both go to stderr, so stdout keeps the command's own output (a summary, a
 * JSON result) untouched.
 */
import { pino } from 'pino';
import { OpenNoticeError, type ErrorContext } from '../core/errors.ts';
import type { LogBindings, LogFields, Logger, LogLevel } from '../core/logger.ts';

export type LogFormat = 'text' | 'json';
export const logFormats: readonly LogFormat[] = ['text', 'json'];
export const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface LoggerOptions {
  /** The command the process runs ("survey", "serve", "darknet"): a field of every JSON line. */
  command: string;
  format: LogFormat;
  /** Lines below this level are dropped. Default info. */
  level?: LogLevel;
  /** Where lines go: the process's stderr in the CLI, a collecting stream in tests. */
  destination: { write(text: string): unknown };
  /** Told the code of every error logged (OpenNoticeError code, else "UNEXPECTED"): the errors counter of the metrics. */
  onError?: (code: string) => void;
}

/** What an error becomes in a JSON line: its code, message and where it happened. */
interface ErrorFields {
  code: string;
  message: string;
  context?: ErrorContext;
}

function errorFields(error: unknown): ErrorFields | undefined {
  if (error === undefined) return undefined;
  if (error instanceof OpenNoticeError) return { code: error.code, message: error.message, context: error.context };
  return { code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
}

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * @example
 * const log = createLogger({ command: 'survey', format: 'json', destination: process.stderr })
 * log.child({ runId: 7 }).info('survey started', { event: 'run-started' })
 * // {"level":"info","time":"2026-…","command":"survey","runId":7,"event":"run-started","msg":"survey started"}
 */
export function createLogger(options: LoggerOptions): Logger {
  return options.format === 'json' ? jsonLogger(options) : textLogger(options, {});
}

function jsonLogger(options: LoggerOptions): Logger {
  const root = pino(
    {
      level: options.level ?? 'info',
      base: { command: options.command },
      timestamp: pino.stdTimeFunctions.isoTime,
      // The level by name ("warn"), not pino's number: what an operator greps and a log store indexes.
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
  const wrap = (instance: pino.Logger): Logger => ({
    structured: true,
    debug: (message, fields) => instance.debug(fields ?? {}, message),
    info: (message, fields) => instance.info(fields ?? {}, message),
    warn: (message, fields) => instance.warn(fields ?? {}, message),
    error(message, error, fields) {
      const described = errorFields(error);
      if (described) options.onError?.(described.code);
      instance.error({ ...fields, ...(described ? { error: described } : {}) }, message);
    },
    child: (bindings) => wrap(instance.child(bindings)),
  });
  return wrap(root);
}

/** Human lines, as the commands wrote before structured logs: "opennotice survey: message (detail) [CODE]". */
function textLogger(options: LoggerOptions, bindings: LogBindings): Logger {
  const threshold = rank[options.level ?? 'info'];
  const prefix = `opennotice ${options.command}${bindings.subcommand ? ` ${bindings.subcommand}` : ''}`;
  const write = (level: LogLevel, message: string) => {
    if (rank[level] >= threshold) options.destination.write(`${prefix}: ${message}\n`);
  };
  return {
    structured: false,
    debug: (message: string, _fields?: LogFields) => write('debug', message),
    info: (message: string, _fields?: LogFields) => write('info', message),
    warn: (message: string, _fields?: LogFields) => write('warn', message),
    error(message, error) {
      const described = errorFields(error);
      if (described) options.onError?.(described.code);
      const detail = error instanceof OpenNoticeError ? error.describe() : described ? described.message : '';
      write('error', detail && detail !== message ? `${message}: ${detail}` : message);
    },
    child: (more) => textLogger(options, { ...bindings, ...more }),
  };
}
