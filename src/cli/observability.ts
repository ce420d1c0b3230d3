/**
 * The options every long-running command shares for being watched — `--log-format`,
 * `--log-level`, `--metrics-listen`, `--metrics-allow-remote` — and the one call that turns
 * them into a logger, a metrics registry and its endpoint (docs/operations.md, "Monitoring").
 */
import { readFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { OpenNoticeError } from '../core/errors.ts';
import type { LogBindings, Logger, LogLevel } from '../core/logger.ts';
import { createLogger, type LogFormat, logFormats, logLevels } from '../logging/create-logger.ts';
import { startMetricsEndpoint, type MetricsEndpoint } from '../metrics/endpoint.ts';
import { createErrorMetrics } from '../metrics/errors.ts';
import { parseListenAddress } from '../metrics/listen-address.ts';
import { createMetricsRegistry } from '../metrics/registry.ts';
import type { OptionSpecs, OptionValues } from './command.ts';

export const observabilityOptions = {
  'log-format': { type: 'string', valueName: 'FORMAT', description: 'text (human lines) or json (one JSON object a line, on stderr)', default: 'text' },
  'log-level': { type: 'string', valueName: 'LEVEL', description: 'debug, info, warn or error', default: 'info' },
  'metrics-listen': {
    type: 'string',
    valueName: 'HOST:PORT',
    description: 'serve Prometheus metrics at http://HOST:PORT/metrics (loopback only unless allowed)',
  },
  'metrics-allow-remote': { type: 'boolean', description: 'allow a --metrics-listen address that is not loopback' },
} as const satisfies OptionSpecs;

/** What a command that takes `observabilityOptions` has once they are applied. */
export interface Observability {
  log: Logger;
  /** Present with --metrics-listen: the registry the command's metrics register in. */
  registry?: Registry;
  endpoint?: MetricsEndpoint;
  close(): Promise<void>;
}

function chosen<T extends string>(value: unknown, allowed: readonly T[], name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new OpenNoticeError('USAGE', `--${name} must be one of ${allowed.join(', ')}, got "${String(value)}"`);
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The log options as any command's values carry them (absent where the command has none). */
export interface LogOptionValues {
  readonly 'log-format'?: unknown;
  readonly 'log-level'?: unknown;
}

/**
 * The logger a command's options ask for (any command's: options it does not have read as absent).
 * @example commandLogger('survey', values, process.stderr).info('started')
 */
export function commandLogger(command: string, values: LogOptionValues, stderr: { write(text: string): unknown }, onError?: (code: string) => void): Logger {
  const format = chosen<LogFormat>(values['log-format'], logFormats, 'log-format', 'text');
  const level = chosen<LogLevel>(values['log-level'], logLevels, 'log-level', 'info');
  return createLogger({ command, format, level, destination: stderr, ...(onError ? { onError } : {}) });
}

/**
 * The logger, and with --metrics-listen a registry served at /metrics until `close()`.
 * @example
 * const watch = await openObservability('survey', values, io.stderr)
 * try { … createSurveyMetrics(watch.registry) … } finally { await watch.close() }
 */
export async function openObservability(
  command: string,
  values: OptionValues<typeof observabilityOptions>,
  stderr: { write(text: string): unknown },
  bindings: LogBindings = {},
): Promise<Observability> {
  const listen = typeof values['metrics-listen'] === 'string' ? parseListenAddress(values['metrics-listen']) : undefined;
  const registry = listen ? createMetricsRegistry({ command, version: packageVersion() }) : undefined;
  const errors = registry ? createErrorMetrics(registry) : undefined;
  const log = commandLogger(command, values, stderr, errors?.count).child(bindings);
  if (!registry || !listen) return { log, close: async () => {} };
  const endpoint = await startMetricsEndpoint({
    registry,
    ...listen,
    allowNonLoopback: Boolean(values['metrics-allow-remote']),
    onError: (error) => log.error('a metrics scrape failed', error, { event: 'metrics-error' }),
  });
  log.info(`metrics at ${endpoint.url}`, { event: 'metrics-listening', url: endpoint.url });
  return { log, registry, endpoint, close: () => endpoint.close() };
}
