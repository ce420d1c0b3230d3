/**
 * A darknet run's Prometheus metrics (the DarknetMetrics a run records into): packets read,
 * the capture time of the newest one, windows written by length, DRDoS attacks, and what
 * happened to infected findings. No source or destination address is ever a label.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DarknetMetrics } from '../darknet/darknet-metrics.ts';
import type { ReconcileCounts } from '../store/roles/findings.ts';

const periodNames: Readonly<Record<number, string>> = { 3600: 'hour', 86400: 'day' };

/**
 * @example await ingestLiveCapture(stream, { ...options, metrics: createDarknetMetrics(registry) })
 */
export function createDarknetMetrics(registry: Registry): DarknetMetrics {
  const registers = [registry];
  const runId = new Gauge({ name: 'opennotice_darknet_run_id', help: 'The stored run this process writes.', registers });
  const packets = new Counter({ name: 'opennotice_darknet_packets_total', help: 'Packets read from the capture (files or the live capture).', registers });
  const newest = new Gauge({
    name: 'opennotice_darknet_last_packet_timestamp_seconds',
    help: 'Capture time of the newest packet read (Unix time): a live capture whose value stops moving receives nothing.',
    registers,
  });
  const windows = new Counter({
    name: 'opennotice_darknet_windows_written_total',
    help: 'Observation windows written to the store, by length (hour, day).',
    labelNames: ['period'] as const,
    registers,
  });
  const attacks = new Counter({
    name: 'opennotice_darknet_drdos_attacks_total',
    help: 'DRDoS attacks on darknet addresses written (passing the thresholds).',
    registers,
  });
  const infected = new Counter({
    name: 'opennotice_darknet_infected_findings_total',
    help: 'Changes to infected findings the darknet runs made: opened, updated (seen again), reopened, closed (quiet for the set days).',
    labelNames: ['change'] as const,
    registers,
  });
  let newestMicros = 0;
  return {
    runStarted: (id) => runId.set(id),
    packetsRead(count, micros) {
      if (count > 0) packets.inc(count);
      if (micros > newestMicros) {
        newestMicros = micros;
        newest.set(micros / 1e6);
      }
    },
    windowWritten: (periodSeconds) => windows.inc({ period: periodNames[periodSeconds] ?? `${periodSeconds}s` }),
    attacksWritten: (count) => {
      if (count > 0) attacks.inc(count);
    },
    infectedFindings(counts) {
      for (const change of ['opened', 'updated', 'reopened', 'closed'] as const satisfies ReadonlyArray<keyof ReconcileCounts>) {
        if (counts[change] > 0) infected.inc({ change }, counts[change]);
      }
    },
  };
}
