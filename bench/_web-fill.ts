// What the web benchmark adds to fillBenchStore's findings so every page has real work:
// a month of darknet day windows whose scanners are surveyed devices (→ infected findings),
// one report per ISP carrying all its open findings (every finding notified, as after
// `opennotice notify`), a re-survey that finds a fifth of the weak devices fixed (closed
// findings, remediation curves), ISP feedback, and web users with an API token.
// Addresses are text only: nothing here is ever dialled.
import { randomBytes } from 'node:crypto';
import type { DarknetSourceRecord, DarknetWindow } from '../src/core/records.ts';
import { collectInfected, surveyedSpace } from '../src/darknet/infected.ts';
import { hashPassword } from '../src/server/auth/password.ts';
import { issueApiToken } from '../src/server/auth/tokens.ts';
import type { Store } from '../src/store/store.ts';
import { benchIsps } from './_fill-store.ts';

export interface WebBenchAccounts {
  operator: { name: string; password: string };
  isp: { name: string; password: string; ispId: string; token: string };
}

export interface WebExtrasOptions {
  /** As given to fillBenchStore. */
  findings: number;
  isps: number;
  onStep?: (text: string) => void;
}

const dayMs = 86_400_000;
const darknetDays = 30;
const scannersPerDay = 400;
const batchSize = 20_000;

/** The address fillBenchStore gives device number `device` (the same formula). */
export function benchDeviceIp(device: number, isps: number): string {
  const isp = device % isps;
  const slot = Math.floor(device / isps);
  return `${10 + (slot >>> 16)}.${isp}.${(slot >>> 8) & 255}.${slot & 255}`;
}

/** fillBenchStore makes 1 + 1/3 findings per device. */
const deviceCount = (findings: number) => Math.floor((findings * 3) / 4);

function scanner(ip: string, day: string, index: number): DarknetSourceRecord {
  const mirai = index % 3 !== 0;
  return {
    ip,
    verdict: 'scanner',
    ...(mirai ? { family: 'mirai' as const } : {}),
    packets: 500 + (index % 97) * 10,
    distinctDestinations: 400 + (index % 89),
    topPorts: [
      { port: 23, count: 300 },
      { port: 2323, count: 100 },
    ],
    hits: mirai ? { mirai: 400 } : { 'tcp-syn-scan': 400 },
    firstSeen: `${day}T01:00:00.000Z`,
    lastSeen: `${day}T22:00:00.000Z`,
    reason: 'bench: scanning IoT ports',
  };
}

/** Day windows of a /16 darknet; each day's scanners are surveyed devices, so they become infected findings. */
function darknetWindows(options: WebExtrasOptions): DarknetWindow[] {
  const devices = deviceCount(options.findings);
  return Array.from({ length: darknetDays }, (_, dayIndex) => {
    const day = new Date(Date.parse('2026-03-01T00:00:00.000Z') + dayIndex * dayMs).toISOString().slice(0, 10);
    const judged = Array.from({ length: scannersPerDay }, (_, index) =>
      scanner(benchDeviceIp((dayIndex * 7919 + index * 104_729) % devices, options.isps), day, index),
    );
    return {
      darknet: '198.18.0.0/16',
      darknetSize: 65_536,
      start: `${day}T00:00:00.000Z`,
      periodSeconds: 86_400,
      firstPacketAt: `${day}T00:00:01.000Z`,
      lastPacketAt: `${day}T23:59:59.000Z`,
      packets: 4_000_000 + dayIndex * 10_000,
      sources: 9_000 + dayIndex,
      scanners: judged.length,
      miraiScanners: judged.filter((source) => source.family === 'mirai').length,
      researchSources: 40,
      backscatterSources: 1_200,
      classTotals: { mirai: 2_000_000, 'tcp-syn-scan': 1_500_000, backscatter: 500_000 },
      topPorts: [23, 2323, 80, 8080, 22, 5555, 37215, 52869].map((port, rank) => ({ port, packets: 1_000_000 >> rank })),
      judged,
    };
  });
}

async function addInfected(store: Store, options: WebExtrasOptions): Promise<number> {
  const windows = darknetWindows(options);
  const run = await store.startRun({ startedAt: '2026-03-31T00:00:00.000Z', scope: ['198.18.0.0/16'], exclude: [], ports: [], checks: ['darknet'] });
  await store.recordDarknetWindows(run, windows);
  const collector = collectInfected(await surveyedSpace(store));
  for (const window of windows) collector.add(window);
  const found = collector.findings();
  await store.reconcileFindings(run, { found, covered: [] });
  await store.finishRun(run, { finishedAt: '2026-03-31T00:10:00.000Z', status: 'completed', counts: { findings: found.length } });
  const isps = new Map(benchIsps(options.isps).map((isp, index) => [index, isp]));
  const infected = await store.listFindings({ kind: 'infected', runId: run });
  await store.recordAttributions(
    infected.map((row) => {
      const isp = isps.get(Number(row.ip.split('.')[1]))!;
      return {
        findingId: row.id,
        attribution: {
          source: 'registry' as const,
          ispId: isp.id,
          asn: isp.asns[0],
          prefix: `${row.ip.split('.')[0]}.${row.ip.split('.')[1]}.0.0/16`,
          country: 'JP',
        },
      };
    }),
  );
  return infected.length;
}

/** One report per ISP with all its open findings, as `opennotice notify` would have made. */
async function addReports(store: Store, options: WebExtrasOptions): Promise<number> {
  let notified = 0;
  for (const isp of benchIsps(options.isps)) {
    const findingIds = (await store.listNotifiableFindings({ ispId: isp.id, status: 'open' })).map((finding) => finding.id);
    await store.createReport({
      ispId: isp.id,
      audience: 'isp',
      createdAt: '2026-04-10T00:00:00.000Z',
      periodEnd: '2026-04-10T00:00:00.000Z',
      idempotencyKey: `bench/${isp.id}`,
      findingIds,
      summary: { findings: findingIds.length },
      outbox: [],
    });
    notified += findingIds.length;
  }
  return notified;
}

/** A re-survey on 2026-04-20 that no longer finds the telnet finding of every fifth device. */
async function addRemediation(store: Store, options: WebExtrasOptions): Promise<number> {
  const run = await store.startRun({ startedAt: '2026-04-20T00:00:00.000Z', scope: ['0.0.0.0/0'], exclude: [], ports: [23], checks: ['credentials'] });
  const devices = deviceCount(options.findings);
  let closed = 0;
  for (let first = 1; first < devices; first += batchSize * 5) {
    const covered = [];
    for (let device = first; device < Math.min(devices, first + batchSize * 5); device += 5) {
      covered.push({
        ip: benchDeviceIp(device, options.isps),
        port: 23,
        protocol: 'telnet',
        kind: device % 12 === 0 ? ('no-authentication' as const) : ('weak-credential' as const),
      });
    }
    closed += (await store.reconcileFindings(run, { found: [], covered })).closed;
  }
  await store.finishRun(run, { finishedAt: '2026-04-20T06:00:00.000Z', status: 'completed', counts: { closed } });
  return closed;
}

/**
 * @example const accounts = await addWebExtras(store, { findings: 1_000_000, isps: 100 })
 */
export async function addWebExtras(store: Store, options: WebExtrasOptions): Promise<WebBenchAccounts> {
  const step = options.onStep ?? (() => {});
  step(`infected findings from ${darknetDays} darknet days: ${await addInfected(store, options)}`);
  step(`findings notified in ${options.isps} reports: ${await addReports(store, options)}`);
  step(`findings closed by a re-survey: ${await addRemediation(store, options)}`);

  const ispId = benchIsps(options.isps)[0]!.id;
  const feedback = (await store.listNotifiableFindings({ ispId, status: 'open' })).slice(0, 500);
  for (const [index, finding] of feedback.entries()) {
    await store.recordFeedback({
      findingId: finding.id,
      ispId,
      action: index % 2 === 0 ? 'handled' : 'subscriber-contacted',
      note: 'bench feedback',
      author: `noc@${ispId}`,
      at: '2026-04-12T00:00:00.000Z',
    });
  }
  step(`feedback on ${feedback.length} findings of ${ispId}`);
  return createBenchAccounts(store, ispId);
}

/**
 * The web benchmarks' users: an operator, and an ISP user of `ispId` with an API token; fresh
 * random passwords each run.
 * @example const accounts = await createBenchAccounts(store, 'isp-03')
 */
export async function createBenchAccounts(store: Store, ispId: string): Promise<WebBenchAccounts> {
  const createdAt = '2026-01-01T00:00:00.000Z';
  const operator = { name: 'bench-operator', password: randomBytes(18).toString('base64url') };
  const isp = { name: `noc@${ispId}`, password: randomBytes(18).toString('base64url'), ispId };
  await store.createWebUser({ name: operator.name, role: 'operator', passwordHash: await hashPassword(operator.password), createdAt });
  const ispUserId = await store.createWebUser({ name: isp.name, role: 'isp', ispId, passwordHash: await hashPassword(isp.password), createdAt });
  const { token } = await issueApiToken(store, ispUserId, 'bench', new Date());
  return { operator, isp: { ...isp, token } };
}
