/**
 * One registry of error codes for the whole project. Every error that crosses a module
 * boundary is an `OpenNoticeError` with a code from here and a context object that says
 * where (file, line, address, …), so the CLI can print one clear line and exit with the
 * code's exit status.
 */

export const errorCodes = {
  USAGE: { exit: 2, summary: 'invalid command-line usage' },
  CONFIG_INVALID: { exit: 3, summary: 'invalid configuration or data file' },
  PLAN_REQUIRED: { exit: 4, summary: 'a survey plan is required for this scope' },
  PLAN_INVALID: { exit: 4, summary: 'the survey plan is invalid' },
  SCOPE_INVALID: { exit: 3, summary: 'invalid scope (CIDR, range or list)' },
  SCOPE_EMPTY: { exit: 5, summary: 'the scope contains no address to survey' },
  TARGET_BLOCKED: { exit: 6, summary: 'target is outside the scope or excluded' },
  RULES_INVALID: { exit: 3, summary: 'invalid fingerprint rule file' },
  DICTIONARY_INVALID: { exit: 3, summary: 'invalid credential dictionary' },
  IMPORT_INVALID: { exit: 3, summary: 'malformed input file' },
  FEED_UNREACHABLE: { exit: 9, summary: 'a vulnerability feed could not be reached' },
  CAPTURE_FAILED: { exit: 10, summary: 'live packet capture failed' },
  STORE_FAILED: { exit: 7, summary: 'storage error' },
  LAB_FAILED: { exit: 8, summary: 'the lab could not start' },
  SERVER_FAILED: { exit: 11, summary: 'the web server could not start' },
  AUTH_FAILED: { exit: 12, summary: 'authentication or authorization failed' },
  QUEUE_FAILED: { exit: 13, summary: 'the job queue of a distributed survey failed' },
  SHARING_REFUSED: { exit: 14, summary: 'an export would have shared what its policy forbids (TLP:RED, a subscriber address)' },
  AUDIT_BROKEN: { exit: 15, summary: 'the audit trail failed verification: a record was altered, removed or moved, or a checkpoint is not genuine' },
  GATEWAY_FAILED: { exit: 16, summary: 'the secure gateway could not pull its policy, apply its rules or report' },
  INTERRUPTED: { exit: 130, summary: 'interrupted' },
  INTERNAL: { exit: 70, summary: 'internal error' },
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** Where an error happened: any of these fields that are known. */
export interface ErrorContext {
  file?: string;
  line?: number;
  column?: number;
  path?: string;
  ip?: string;
  port?: number;
  [key: string]: unknown;
}

/**
 * The project's one error type.
 * @example throw new OpenNoticeError('RULES_INVALID', 'missing "vendor"', { file: 'rules/http.yaml', line: 12 })
 */
export class OpenNoticeError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OpenNoticeError';
    this.code = code;
    this.context = context;
  }

  get exitCode(): number {
    return errorCodes[this.code].exit;
  }

  /** "file:line: message" when a location is known, as compilers print it. */
  describe(): string {
    const { file, line, column } = this.context;
    const where = file ? `${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ` : '';
    return `${where}${this.message} [${this.code}]`;
  }
}

/** Narrow an unknown thrown value to a message, without losing OpenNoticeError detail. */
export function describeError(error: unknown): string {
  if (error instanceof OpenNoticeError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * A value from the input, quoted for an error message and cut to `limit` characters: a message
 * is one line a person reads, and a corrupt file's "value" can be a megabyte long.
 * @example `not an IPv4 CIDR: ${quoted(text)}` // not an IPv4 CIDR: "10.0.0.0/33"
 */
export function quoted(value: unknown, limit = 80): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return JSON.stringify(text.length > limit ? `${text.slice(0, limit)}…` : text);
}
