/** `opennotice_errors_total{code}`: every error a process logged, by its OpenNoticeError code ("UNEXPECTED" for others). */
import { Counter, type Registry } from 'prom-client';

/** @example const errors = createErrorMetrics(registry); createLogger({ …, onError: errors.count }) */
export function createErrorMetrics(registry: Registry): { count(code: string): void } {
  const counter = new Counter({
    name: 'opennotice_errors_total',
    help: 'Errors logged by this process, by error code (OpenNoticeError code; UNEXPECTED for any other error).',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  return { count: (code) => counter.inc({ code }) };
}
