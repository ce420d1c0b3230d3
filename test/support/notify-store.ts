/** A store ready for `notify`: ISPs in the registry and open findings attributed to them. */
import { openStore } from '../../src/store/open-store.ts';
import type { IspRecord } from '../../src/store/roles/isp-attribution.ts';

/**
 * A store with `isps` ISPs (contacts abuse@isp-N.example, every other one in Japanese) and
 * `findingsPerIsp` attributed open weak-credential findings each, ready for `notify`.
 * @example const isps = await prepareNotifyStore('store.sqlite', 12)
 */
export async function prepareNotifyStore(db: string, isps: number, findingsPerIsp = 3): Promise<IspRecord[]> {
  const store = await openStore(db);
  try {
    const records: IspRecord[] = Array.from({ length: isps }, (_, index) => ({
      id: `isp-${index}`,
      name: `ISP ${index}`,
      asns: [64_500 + index],
      prefixes: [],
      contacts: { abuseEmail: `abuse@isp-${index}.example`, portalUsers: [] },
      preferences: { format: 'csv', cadence: 'daily', language: index % 2 ? 'ja' : 'en' },
      managesCustomerDevices: false,
    }));
    await store.upsertIsps(records);
    const run = await store.startRun({ startedAt: '2026-04-01T00:00:00.000Z', scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] });
    await store.reconcileFindings(run, {
      covered: [],
      found: Array.from({ length: isps * findingsPerIsp }, (_, index) => ({
        kind: 'weak-credential' as const,
        ip: `192.0.2.${index + 1}`,
        port: 23,
        protocol: 'telnet',
        dictionaryEntryId: 'on-001',
        evidence: {},
        observedAt: '2026-04-01T00:01:00.000Z',
      })),
    });
    const findings = await store.listFindings();
    await store.recordAttributions(
      findings.map((finding) => ({
        findingId: finding.id,
        attribution: { source: 'registry' as const, ispId: `isp-${(Number(finding.ip.split('.')[3]) - 1) % isps}` },
      })),
    );
    await store.finishRun(run, { finishedAt: '2026-04-01T00:02:00.000Z', status: 'completed', counts: {} });
    return records;
  } finally {
    await store.close();
  }
}
