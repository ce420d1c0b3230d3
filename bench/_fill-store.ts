// A store with N findings on devices spread over ISPs, filled through the store's own API
// (so the data has the real schema, indexes and constraints). Used by the notify and web
// benchmarks. Addresses are text only: nothing here is ever dialled.
import type { DeviceType, Finding } from '../src/core/records.ts';
import type { IspRecord } from '../src/store/roles/isp-attribution.ts';
import type { Store } from '../src/store/store.ts';

export interface FillOptions {
  findings: number;
  isps: number;
  /** Progress callback, every batch. */
  onProgress?: (done: number) => void;
}

const vendors = ['Korvan', 'Velmora', 'Quillon', 'Ardentel', 'Kestrix', 'Lumeca', 'Storix', 'Nexorra'];
const deviceTypes: DeviceType[] = ['ip-camera', 'router', 'dvr', 'nas', 'printer', 'iot-gateway'];
const batchSize = 20_000;

/** ISP i owns addresses whose second octet is i (so addresses group by ISP like real prefixes). */
export function benchIsps(count: number): IspRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `isp-${String(index).padStart(3, '0')}`,
    name: `Bench ISP ${index}`,
    asns: [64_512 + index],
    prefixes: [],
    contacts: { abuseEmail: `abuse@isp-${index}.example`, portalUsers: [] },
    preferences: { format: (['csv', 'json', 'stix'] as const)[index % 3], cadence: 'daily', language: index % 2 === 0 ? 'ja' : 'en' },
    managesCustomerDevices: index % 10 === 0,
  }));
}

/**
 * Every third device also has a vulnerable-firmware finding; the rest are weak credentials,
 * one in twelve no authentication. Returns the run id.
 * @example await fillBenchStore(store, { findings: 1_000_000, isps: 100 })
 */
export async function fillBenchStore(store: Store, options: FillOptions): Promise<number> {
  const isps = benchIsps(options.isps);
  await store.upsertIsps(isps);
  const run = await store.startRun({
    startedAt: '2026-01-05T00:00:00.000Z',
    scope: ['0.0.0.0/0'],
    exclude: [],
    ports: [23, 80],
    checks: ['credentials', 'firmware'],
  });
  let made = 0;
  let device = 0;
  while (made < options.findings) {
    const found: Finding[] = [];
    const devices = [];
    while (found.length < batchSize && made + found.length < options.findings) {
      const isp = device % options.isps;
      const slot = Math.floor(device / options.isps);
      const ip = `${10 + (slot >>> 16)}.${isp}.${(slot >>> 8) & 255}.${slot & 255}`;
      const vendor = vendors[device % vendors.length]!;
      const observedAt = new Date(Date.parse('2026-01-05T00:00:00.000Z') + (device % 90) * 86_400_000).toISOString();
      devices.push({
        ip,
        identity: {
          vendor,
          model: `${vendor.slice(0, 2).toUpperCase()}-${100 + (device % 7)}`,
          deviceType: deviceTypes[device % deviceTypes.length]!,
          firmwareVersion: `1.${device % 5}.0`,
          releaseYear: 2010 + (device % 12),
          confidence: 0.9,
          evidence: [],
        },
      });
      const kind = device % 12 === 0 ? ('no-authentication' as const) : ('weak-credential' as const);
      found.push({
        kind,
        ip,
        port: 23,
        protocol: 'telnet',
        ...(kind === 'weak-credential' ? { dictionaryEntryId: 'bench-001' } : {}),
        evidence: { banner: `${vendor} login:`, attempts: 3 },
        observedAt,
      });
      if (device % 3 === 0 && made + found.length < options.findings) {
        found.push({
          kind: 'vulnerable-firmware',
          ip,
          port: 80,
          protocol: 'http',
          evidence: { cveIds: ['CVE-2099-0001', 'CVE-2099-0002'], maxBaseScore: 9.8, kev: device % 6 === 0, priority: 0.8, priorityLabel: 'urgent' },
          observedAt,
        });
      }
      device++;
    }
    await store.recordDevices(run, devices);
    await store.reconcileFindings(run, { found, covered: [] });
    made += found.length;
    options.onProgress?.(made);
  }
  const rows = await store.listNotifiableFindings();
  const byId = new Map(isps.map((isp) => [Number(isp.id.slice(4)), isp]));
  await store.recordAttributions(
    rows.map((row) => {
      const index = Number(row.ip.split('.')[1]);
      const isp = byId.get(index)!;
      return {
        findingId: row.id,
        attribution: {
          source: 'registry' as const,
          ispId: isp.id,
          asn: isp.asns[0],
          prefix: `${row.ip.split('.')[0]}.${index}.0.0/16`,
          country: 'JP',
          abuseEmail: isp.contacts.abuseEmail,
        },
      };
    }),
  );
  await store.finishRun(run, { finishedAt: '2026-01-05T01:00:00.000Z', status: 'completed', counts: { findings: made } });
  return run;
}
