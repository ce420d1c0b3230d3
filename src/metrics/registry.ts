/**
 * One Prometheus registry per process, made by the command's wiring and handed down: no metric
 * lives in a module-level default registry, so two surveys in one test process never share
 * counts. It carries the Node process metrics (CPU, memory, event-loop lag, open handles) and
 * `opennotice_build_info`, whose `command` label says which kind of process a target is.
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export interface MetricsRegistryOptions {
  /** "serve", "survey", "darknet-capture", "worker", …: the `command` label of opennotice_build_info. */
  command: string;
  /** The package version, for opennotice_build_info. */
  version: string;
}

/**
 * @example const registry = createMetricsRegistry({ command: 'survey', version: '0.1.0' }); await registry.metrics()
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const info = new Gauge({
    name: 'opennotice_build_info',
    help: 'Always 1: the opennotice version and the command this process runs.',
    labelNames: ['version', 'command'] as const,
    registers: [registry],
  });
  info.set({ version: options.version, command: options.command }, 1);
  return registry;
}
