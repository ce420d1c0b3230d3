/**
 * A small programme written through the roles, for the suites of the roles that read across
 * everything (ISP portal, dashboard, address check): two ISPs, two survey runs a month apart
 * (the second closes two notified findings), reports with a delivery, feedback, darknet
 * windows and a pending opt-out request. The figures the suites expect are worked out by hand
 * from what is written here.
 */
import type { FindingKind } from '../../src/core/records.ts';
import type { DarknetStore } from '../../src/store/roles/darknet.ts';
import type { FeedbackStore } from '../../src/store/roles/feedback.ts';
import type { FindingStore } from '../../src/store/roles/findings.ts';
import type { InventoryStore } from '../../src/store/roles/inventory.ts';
import type { IspAttributionStore } from '../../src/store/roles/isp-attribution.ts';
import type { OptOutStore } from '../../src/store/roles/opt-outs.ts';
import type { OutboxStore } from '../../src/store/roles/outbox.ts';
import type { ReportStore } from '../../src/store/roles/reports.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { darknetWindow, finding, reportInput, scanner } from './fixtures.ts';

/** The roles the programme is written through. */
export type ProgrammeWriter = RunStore &
  InventoryStore &
  FindingStore &
  IspAttributionStore &
  ReportStore &
  OutboxStore &
  FeedbackStore &
  DarknetStore &
  OptOutStore;

/**
 * Finding ids by letter:
 * - run 1 (2026-01-10): A weak-credential 192.0.2.1:23, B weak-credential 192.0.2.2:23,
 *   C no-authentication 192.0.2.3:80 (sakura); D weak-credential 198.51.100.1:22, E infected
 *   198.51.100.1 (hikari); F infected 198.51.100.2 (not attributed);
 * - run 2 (2026-02-05) closes B and D, and finds G weak-credential 198.51.100.3:21 (hikari)
 *   and H weak-credential 192.0.2.1:2323 (sakura).
 * Reports: R1 to sakura (A, B, C; delivered), R2 to hikari (D, E), R3 to vendors (A).
 */
export interface Programme {
  findings: Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H', number>;
  reports: Record<'R1' | 'R2' | 'R3', number>;
  runs: { first: number; second: number; darknet: number };
  feedbackId: number;
  optOutId: number;
}

const january = '2026-01-10T01:00:00.000Z';
const february = '2026-02-05T01:00:00.000Z';

/**
 * Writes the programme into an empty store.
 * @example const programme = await writeProgramme(store); await store.findingHistory(programme.findings.B)
 */
export async function writeProgramme(store: ProgrammeWriter): Promise<Programme> {
  await store.upsertIsps(
    [
      { id: 'sakura', name: 'Sakura Net', asn: 64496 },
      { id: 'hikari', name: 'Hikari Broadband', asn: 64498 },
    ].map(({ id, name, asn }) => ({
      id,
      name,
      asns: [asn],
      prefixes: [],
      contacts: { abuseEmail: `abuse@${id}.example`, portalUsers: [] },
      preferences: { format: 'csv' as const, cadence: 'weekly' as const, language: 'ja' as const },
      managesCustomerDevices: false,
    })),
    { at: '2026-01-01T00:00:00.000Z' },
  );

  const first = await store.startRun({
    startedAt: '2026-01-10T00:00:00.000Z',
    scope: ['192.0.2.0/24', '198.51.100.0/24'],
    exclude: [],
    ports: [21, 22, 23, 80],
    checks: ['credentials'],
  });
  const device = (ip: string, vendor: string, model: string, deviceType: 'ip-camera' | 'router', releaseYear: number) => ({
    ip,
    identity: { vendor, model, deviceType, releaseYear, confidence: 0.9, evidence: [{ ruleId: 'test-rule', protocol: 'http', port: 80, matched: model }] },
  });
  await store.recordDevices(first, [
    device('192.0.2.1', 'Korvan', 'KC-100', 'ip-camera', 2014),
    device('192.0.2.2', 'Korvan', 'KC-200', 'ip-camera', 2016),
    device('198.51.100.1', 'Velmora', 'VR-2', 'router', 2012),
  ]);
  await store.recordServices(first, [
    { ip: '192.0.2.1', port: 23, protocol: 'telnet', status: 'success', result: { banner: 'KC-100 login:' }, durationMs: 12, observedAt: january },
  ]);
  await store.reconcileFindings(first, {
    found: [
      finding('weak-credential', '192.0.2.1', 23, 'telnet', january, { banner: 'KC-100 login:' }),
      finding('weak-credential', '192.0.2.2', 23, 'telnet', january),
      finding('no-authentication', '192.0.2.3', 80, 'http', january),
      finding('weak-credential', '198.51.100.1', 22, 'ssh', january),
      finding('infected', '198.51.100.1', 0, 'darknet', '2026-01-12T05:00:00.000Z', { daysSeen: ['2026-01-11', '2026-01-12'] }),
      finding('infected', '198.51.100.2', 0, 'darknet', '2026-01-12T06:00:00.000Z'),
    ],
    covered: [],
  });
  const idOf = async (kind: FindingKind, ip: string, port: number) =>
    (await store.listFindings({ kind })).find((row) => row.ip === ip && row.port === port)!.id;
  const A = await idOf('weak-credential', '192.0.2.1', 23);
  const B = await idOf('weak-credential', '192.0.2.2', 23);
  const C = await idOf('no-authentication', '192.0.2.3', 80);
  const D = await idOf('weak-credential', '198.51.100.1', 22);
  const E = await idOf('infected', '198.51.100.1', 0);
  const F = await idOf('infected', '198.51.100.2', 0);
  await store.recordAttributions(
    [
      ...[A, B, C].map((findingId) => ({ findingId, attribution: { source: 'registry' as const, ispId: 'sakura', asn: 64496, prefix: '192.0.2.0/24' } })),
      ...[D, E].map((findingId) => ({ findingId, attribution: { source: 'registry' as const, ispId: 'hikari', asn: 64498, prefix: '198.51.100.0/24' } })),
    ],
    { at: '2026-01-14T00:00:00.000Z' },
  );
  const R1 = await store.createReport(
    reportInput('sakura', '2026-01-15T00:00:00.000Z', [A, B, C], {
      outbox: [{ channel: 'smtp', destination: 'abuse@sakura.example', idempotencyKey: 'sakura-1/smtp', payload: '{}' }],
    }),
  );
  const [delivery] = await store.listOutbox();
  await store.settleOutbox({ id: delivery!.id, at: '2026-01-15T00:05:00.000Z', status: 'delivered' });
  const R2 = await store.createReport(reportInput('hikari', '2026-01-20T00:00:00.000Z', [D, E]));
  const R3 = await store.createReport(reportInput(undefined, '2026-01-21T00:00:00.000Z', [A]));
  const feedbackId = await store.recordFeedback({
    findingId: B,
    ispId: 'sakura',
    action: 'subscriber-contacted',
    note: 'called',
    at: '2026-01-25T00:00:00.000Z',
  });

  const darknet = await store.startRun({ startedAt: '2026-01-13T00:00:00.000Z', scope: [], exclude: [], ports: [], checks: ['darknet'] });
  await store.recordDarknetWindows(darknet, [
    darknetWindow('2026-01-11T00:00:00.000Z', 86400, 1000, [scanner('198.51.100.1', 90)]),
    darknetWindow('2026-01-11T00:00:00.000Z', 3600, 400),
    darknetWindow('2026-01-12T00:00:00.000Z', 3600, 100),
    { ...darknetWindow('2026-01-12T01:00:00.000Z', 3600, 50), topPorts: [{ port: 80, packets: 40 }] },
  ]);
  await store.finishRun(darknet, { finishedAt: '2026-01-13T00:10:00.000Z', status: 'completed', counts: {} });

  const optOutId = await store.createOptOutRequest({
    cidrs: ['203.0.113.0/24'],
    contact: 'noc@example.net',
    reason: 'research network',
    requestedAt: '2026-01-30T00:00:00.000Z',
    requesterAddress: '203.0.113.9',
  });

  const second = await store.startRun({
    startedAt: '2026-02-05T00:00:00.000Z',
    scope: ['192.0.2.0/24', '198.51.100.0/24'],
    exclude: [],
    ports: [21, 22, 23, 2323],
    checks: ['credentials'],
  });
  await store.reconcileFindings(second, {
    found: [finding('weak-credential', '198.51.100.3', 21, 'ftp', february), finding('weak-credential', '192.0.2.1', 2323, 'telnet', february)],
    covered: [
      { ip: '192.0.2.2', port: 23, protocol: 'telnet', kind: 'weak-credential' },
      { ip: '198.51.100.1', port: 22, protocol: 'ssh', kind: 'weak-credential' },
    ],
  });
  const G = await idOf('weak-credential', '198.51.100.3', 21);
  const H = await idOf('weak-credential', '192.0.2.1', 2323);
  await store.recordAttributions(
    [
      { findingId: G, attribution: { source: 'registry', ispId: 'hikari', asn: 64498 } },
      { findingId: H, attribution: { source: 'registry', ispId: 'sakura', asn: 64496 } },
    ],
    { at: '2026-02-06T00:00:00.000Z' },
  );
  return {
    findings: { A, B, C, D, E, F, G, H },
    reports: { R1: R1.reportId, R2: R2.reportId, R3: R3.reportId },
    runs: { first, second, darknet },
    feedbackId,
    optOutId,
  };
}
