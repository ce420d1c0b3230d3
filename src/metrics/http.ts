/**
 * The web server's requests: counted by route template (never the path itself, which would
 * make a label per finding id or probe URL), method and status, with their durations.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { AnsweredRequest } from '../server/app.ts';

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * @example buildApp({ deps, onAnswered: createHttpMetrics(registry).observe })
 */
export function createHttpMetrics(registry: Registry): { observe(answered: AnsweredRequest): void } {
  const requests = new Counter({
    name: 'opennotice_http_requests_total',
    help: 'HTTP requests answered, by route template ("unmatched" when no route took it), method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'opennotice_http_request_duration_seconds',
    help: 'Time from a request reaching the application to its answer being ready, by route template.',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    observe(answered) {
      const method = knownMethods.has(answered.method) ? answered.method : 'other';
      requests.inc({ route: answered.route, method, status: String(answered.status) });
      duration.observe({ route: answered.route }, answered.seconds);
    },
  };
}
