/**
 * Records the conformance suites write: runs, services, devices, findings, ISPs and darknet
 * windows with fixed times, so every implementation is asked the same questions.
 */
import type { DarknetSourceRecord, DarknetWindow, Device, Finding, FindingKind, ServiceObservation } from '../../src/core/records.ts';
import type { CoveredCheck, FindingStore } from '../../src/store/roles/findings.ts';
import type { IspRecord } from '../../src/store/roles/isp-attribution.ts';
import type { ReportInput } from '../../src/store/roles/reports.ts';
import type { RunStart, RunStore } from '../../src/store/roles/runs.ts';

/**
 * A run over 192.0.2.0/24 started at `startedAt`.
 * @example await store.startRun(runAt('2025-01-01T00:00:00.000Z', { plan }))
 */
export const runAt = (startedAt: string, extra: Partial<RunStart> = {}): RunStart => ({
  startedAt,
  seed: 42,
  scope: ['192.0.2.0/24'],
  exclude: ['192.0.2.128/25'],
  ports: [23, 80],
  checks: ['discovery', 'identify', 'credentials'],
  ...extra,
});

/** @example const runId = await startRun(store, '2025-02-01T00:00:00.000Z') */
export const startRun = (store: RunStore, startedAt: string): Promise<number> =>
  store.startRun({ startedAt, scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] });

/**
 * A telnet service that answered with `banner`.
 * @example await store.recordServices(runId, [telnet('192.0.2.1', '2025-01-01T00:00:01.000Z', 'hello')])
 */
export const telnet = (ip: string, observedAt: string, banner: string): ServiceObservation => ({
  ip,
  port: 23,
  protocol: 'telnet',
  status: 'success',
  result: { banner, prompt: 'login:', promptKind: 'login' },
  durationMs: 12.4,
  observedAt,
});

/**
 * A Korvan IPC-2120 camera at `ip`.
 * @example await store.recordDevices(runId, [camera('192.0.2.10', '2.0')])
 */
export const camera = (ip: string, firmwareVersion: string): Device => ({
  ip,
  identity: {
    vendor: 'Korvan',
    model: 'IPC-2120',
    deviceType: 'ip-camera',
    firmwareVersion,
    releaseYear: 2014,
    confidence: 0.9,
    evidence: [{ ruleId: 'korvan-http-title', protocol: 'http', port: 80, matched: 'Korvan IPC-2120 Web' }],
  },
});

/**
 * A weak telnet credential at `ip`.
 * @example await store.reconcileFindings(runId, { found: [weak('192.0.2.1', '2025-01-01T00:01:00.000Z')], covered: [] })
 */
export const weak = (ip: string, observedAt: string, dictionaryEntryId = 'on-001'): Finding => ({
  kind: 'weak-credential',
  ip,
  port: 23,
  protocol: 'telnet',
  dictionaryEntryId,
  evidence: { prompt: 'login:', success: 'shell prompt' },
  observedAt,
});

/**
 * A finding of any kind (evidence empty unless given).
 * @example finding('infected', '198.51.100.1', 0, 'darknet', '2026-01-12T05:00:00.000Z', { daysSeen: ['2026-01-12'] })
 */
export const finding = (kind: FindingKind, ip: string, port: number, protocol: string, observedAt: string, evidence: Record<string, unknown> = {}): Finding =>
  ({ kind, ip, port, protocol, evidence, observedAt }) as Finding;

/**
 * The telnet check of `kind` ran at `ip`.
 * @example await store.reconcileFindings(runId, { found: [], covered: [covered('192.0.2.2')] })
 */
export const covered = (ip: string, kind: FindingKind = 'weak-credential'): CoveredCheck => ({ ip, port: 23, protocol: 'telnet', kind });

/**
 * An ISP of the registry ('beta' manages its customers' devices).
 * @example await store.upsertIsps([isp('alpha', [64500])])
 */
export const isp = (id: string, asns: number[] = [64500]): IspRecord => ({
  id,
  name: `${id} Networks`,
  asns,
  prefixes: [],
  contacts: { abuseEmail: `abuse@${id}.example`, portalUsers: [] },
  preferences: { format: 'csv', cadence: 'daily', language: 'ja' },
  managesCustomerDevices: id === 'beta',
});

/**
 * A Mirai scanner judged in a darknet window (`extra` overrides).
 * @example darknetWindow('2026-01-11T00:00:00.000Z', 86400, 1000, [scanner('192.0.2.7', 90)])
 */
export const scanner = (ip: string, packets: number, extra: Partial<DarknetSourceRecord> = {}): DarknetSourceRecord => ({
  ip,
  verdict: 'scanner',
  family: 'mirai',
  packets,
  distinctDestinations: packets,
  topPorts: [{ port: 23, count: packets }],
  hits: { mirai: packets },
  firstSeen: '2026-01-11T01:00:00.000Z',
  lastSeen: '2026-01-11T02:00:00.000Z',
  reason: 'mirai fingerprint',
  ...extra,
});

/**
 * A window of the 127.200.0.0/16 darknet (or `darknet`) whose packets all went to port 23.
 * @example await store.recordDarknetWindows(runId, [darknetWindow('2026-01-11T00:00:00.000Z', 86400, 1000)])
 */
export const darknetWindow = (
  start: string,
  periodSeconds: number,
  packets: number,
  judged: DarknetSourceRecord[] = [],
  darknet = '127.200.0.0/16',
): DarknetWindow => ({
  darknet,
  darknetSize: 65536,
  start,
  periodSeconds,
  firstPacketAt: start,
  lastPacketAt: start,
  packets,
  sources: judged.length + 1,
  scanners: judged.filter((source) => source.verdict === 'scanner').length,
  miraiScanners: judged.filter((source) => source.family === 'mirai').length,
  researchSources: judged.filter((source) => source.verdict === 'research').length,
  backscatterSources: 1,
  classTotals: { mirai: packets },
  topPorts: [{ port: 23, packets }],
  judged,
});

/**
 * Opens a weak-credential finding at each address, in a run of its own started at `at`;
 * returns their ids, in the order of the addresses.
 * @example const [one, two] = await openFindings(store, ['192.0.2.1', '192.0.2.2'])
 */
export async function openFindings(store: RunStore & FindingStore, ips: readonly string[], at = '2026-02-01T00:00:00.000Z'): Promise<number[]> {
  const runId = await startRun(store, at);
  await store.reconcileFindings(runId, { found: ips.map((ip) => weak(ip, at)), covered: [] });
  const idByIp = new Map((await store.listFindings({ kind: 'weak-credential' })).map((row) => [row.ip, row.id]));
  return ips.map((ip) => idByIp.get(ip)!);
}

/**
 * A report to `ispId` (absent: to vendors) made at `createdAt`, keyed by both.
 * @example await store.createReport(reportInput('alpha', '2026-02-02T00:00:00.000Z', [findingId]))
 */
export const reportInput = (ispId: string | undefined, createdAt: string, findingIds: number[], extra: Partial<ReportInput> = {}): ReportInput => ({
  ...(ispId !== undefined ? { ispId } : {}),
  audience: ispId !== undefined ? 'isp' : 'vendor',
  createdAt,
  periodEnd: createdAt,
  idempotencyKey: `${ispId ?? 'vendor'}/${createdAt}`,
  findingIds,
  summary: { 'weak-credential': findingIds.length },
  outbox: [],
  ...extra,
});
