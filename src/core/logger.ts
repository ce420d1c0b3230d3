/**
 * What long-running commands log through: a message with a few typed fields. The shape is
 * here, in core, so that the survey, the darknet runs and the server can take a `Logger`
 * without knowing whether it writes human lines or JSON (src/logging/create-logger.ts).
 */

/** Values a log line may carry besides its message: flat and primitive, so every line stays one JSON object a log store can index. */
export type LogValue = string | number | boolean | undefined;

/** The fields every line of a logger (and its children) repeat: who wrote it, and for which run. */
export interface LogBindings {
  /** The stored run the line is about, where there is one. */
  runId?: number;
  /** e.g. "capture", "ingest" for `darknet` subcommands. */
  subcommand?: string;
}

export interface LogFields {
  /** A short stable name of what happened, for filtering ("progress", "window-written", "listening"). */
  event?: string;
  readonly [name: string]: LogValue;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * @example log.info('capturing on eth1', { event: 'capture-started', interface: 'eth1' })
 * @example log.error('cannot answer GET /x', error, { event: 'handler-error' }) // code and context from an OpenNoticeError
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  /** An error's code and context (OpenNoticeError) become fields of the line. */
  error(message: string, error?: unknown, fields?: LogFields): void;
  /** A logger whose lines all carry these bindings too. */
  child(bindings: LogBindings): Logger;
  /** True when lines are JSON: a command then writes no progress bar or free text to stderr. */
  readonly structured: boolean;
}
