/**
 * Conformance of VulnerabilityStore: the atomic read–decide–write of feed copies and merged
 * records, KEV upsert counts, and — through the importers' own decision
 * (assess/firmware/feeds/upsert.ts) — merging by feed precedence end to end.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { upsertVulnerabilities } from '../../src/assess/firmware/feeds/upsert.ts';
import type { KevEntry, VulnerabilityRecord } from '../../src/assess/firmware/types.ts';
import type { VulnerabilityStore } from '../../src/store/roles/vulnerabilities.ts';
import { type OpenStore, withStore } from './harness.ts';

const firmwareConfig = [
  {
    operator: 'AND' as const,
    nodes: [
      {
        operator: 'OR' as const,
        cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:o:korvan:ipc-2120_firmware:*:*:*:*:*:*:*:*', versionEndIncluding: '5.4.2' }],
      },
      { operator: 'OR' as const, cpeMatch: [{ vulnerable: false, criteria: 'cpe:2.3:h:korvan:ipc-2120:-:*:*:*:*:*:*:*' }] },
    ],
  },
];

const nvd: VulnerabilityRecord = {
  cveId: 'CVE-2020-1000',
  source: 'nvd',
  published: '2020-01-01T00:00:00.000',
  lastModified: '2020-02-01T00:00:00.000',
  description: 'from NVD',
  scores: [{ version: '3.1', baseScore: 9.8, severity: 'CRITICAL', vector: 'CVSS:3.1/AV:N', source: 'nvd@nist.gov', type: 'Primary' }],
  configurations: firmwareConfig,
  references: ['https://example.com/a'],
  aliases: [],
};
const cve5: VulnerabilityRecord = {
  cveId: 'CVE-2020-1000',
  source: 'cve5',
  published: '2019-12-30T00:00:00.000Z',
  lastModified: '2024-01-01T00:00:00.000Z',
  description: 'from the CNA',
  scores: [{ version: '3.1', baseScore: 7.5, severity: 'HIGH', vector: 'CVSS:3.1/AV:N/x', source: 'CISA-ADP', type: 'Secondary' }],
  configurations: [{ nodes: [{ operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:o:korvan:ipc-2120:*:*:*:*:*:*:*:*' }] }] }],
  references: ['https://example.com/a', 'https://example.com/b'],
  aliases: [],
};
const kev: KevEntry = {
  cveId: 'CVE-2020-1000',
  vendorProject: 'Korvan',
  product: 'IPC',
  vulnerabilityName: 'Korvan IPC RCE',
  dateAdded: '2024-05-01',
  knownRansomwareCampaignUse: 'Unknown',
};
const other: VulnerabilityRecord = { ...cve5, cveId: 'CVE-2019-0001', source: 'jvn', description: 'from JVN', aliases: ['JVNDB-2019-000001'] };

/**
 * Registers the VulnerabilityStore tests.
 * @example describe('SQLite', () => vulnerabilityStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function vulnerabilityStoreConformance(open: OpenStore<VulnerabilityStore>): void {
  describe('VulnerabilityStore', () => {
    test('an update sees the stored copies of exactly its CVEs and writes what it returns', () =>
      withStore(open, async (store) => {
        const seen: VulnerabilityRecord[][] = [];
        const first = await store.updateVulnerabilities(
          [nvd.cveId, other.cveId],
          (stored) => {
            seen.push([...stored]);
            return { writes: { copies: [nvd, other], merged: [nvd, other] }, outcome: 'written' };
          },
          { importedAt: '2024-01-01T00:00:00.000Z' },
        );
        assert.equal(first, 'written', 'the outcome is passed back');
        assert.deepEqual(seen[0], [], 'nothing stored yet');
        await store.updateVulnerabilities([nvd.cveId, nvd.cveId], (stored) => {
          seen.push([...stored]);
          return { writes: { copies: [cve5], merged: [{ ...nvd, description: 'merged' }] }, outcome: undefined };
        });
        assert.deepEqual(seen[1], [nvd], 'only the CVEs asked for, each copy once');
        await store.updateVulnerabilities([nvd.cveId], (stored) => {
          seen.push([...stored].sort((a, b) => a.source.localeCompare(b.source)));
          return { writes: { copies: [], merged: [] }, outcome: undefined };
        });
        assert.deepEqual(seen[2], [cve5, nvd], 'every feed’s copy, as given');

        assert.deepEqual(await store.getVulnerability(nvd.cveId), { ...nvd, description: 'merged' }, 'merged records are replaced by CVE id');
        assert.equal(await store.getVulnerability('CVE-1999-0000'), undefined);
        assert.deepEqual(
          (await store.listVulnerabilities()).map((record) => [record.cveId, record.source]),
          [
            ['CVE-2019-0001', 'jvn'],
            ['CVE-2020-1000', 'nvd'],
          ],
          'by CVE id',
        );
        const counts = await store.vulnerabilityCounts();
        assert.deepEqual(counts.bySource, [
          { source: 'jvn', count: 1 },
          { source: 'nvd', count: 1 },
        ]);
        assert.deepEqual(counts.byFeed, [
          { source: 'cve5', count: 1 },
          { source: 'jvn', count: 1 },
          { source: 'nvd', count: 1 },
        ]);
      }));

    test('an update that fails writes nothing', () =>
      withStore(open, async (store) => {
        await store.updateVulnerabilities([nvd.cveId], () => ({ writes: { copies: [nvd], merged: [nvd] }, outcome: undefined }));
        await assert.rejects(
          store.updateVulnerabilities([nvd.cveId], () => {
            throw new Error('decided to give up');
          }),
          /decided to give up/,
        );
        const invalid = { ...cve5, source: 'not-a-feed' } as unknown as VulnerabilityRecord;
        await assert.rejects(
          store.updateVulnerabilities([nvd.cveId], () => ({
            writes: { copies: [cve5, invalid], merged: [{ ...nvd, description: 'half' }] },
            outcome: undefined,
          })),
          { code: 'STORE_FAILED' },
          'a copy from an unknown feed is refused',
        );
        assert.deepEqual(await store.getVulnerability(nvd.cveId), nvd, 'the merged record is as before');
        assert.deepEqual((await store.vulnerabilityCounts()).byFeed, [{ source: 'nvd', count: 1 }], 'no copy of the failed updates was kept');
      }));

    test('vulnerability upserts count inserted / updated / unchanged and merge sources by precedence', () =>
      withStore(open, async (store) => {
        assert.deepEqual(await upsertVulnerabilities(store, [cve5]), { inserted: 1, updated: 0, unchanged: 0 });
        assert.equal((await store.getVulnerability(nvd.cveId))?.source, 'cve5');
        assert.deepEqual(await upsertVulnerabilities(store, [nvd]), { inserted: 0, updated: 1, unchanged: 0 });
        const merged = await store.getVulnerability(nvd.cveId);
        assert.ok(merged);
        assert.equal(merged.source, 'nvd');
        assert.deepEqual(merged.configurations, firmwareConfig);
        assert.equal(merged.description, 'from NVD');
        assert.deepEqual(
          merged.scores.map((s) => s.source),
          ['nvd@nist.gov', 'CISA-ADP'],
        );
        assert.deepEqual(merged.references, ['https://example.com/a', 'https://example.com/b']);
        assert.equal(merged.published, '2019-12-30T00:00:00.000Z', 'earliest publication');
        assert.deepEqual(await upsertVulnerabilities(store, [nvd, cve5]), { inserted: 0, updated: 0, unchanged: 2 });
        // NVD without configurations (not yet analysed) leaves applicability to CVE5.
        await upsertVulnerabilities(store, [{ ...nvd, lastModified: '2020-03-01T00:00:00.000', configurations: [] }]);
        assert.equal((await store.getVulnerability(nvd.cveId))?.source, 'cve5');
        // An older copy of a feed (a late import of an old file) changes nothing.
        assert.deepEqual(await upsertVulnerabilities(store, [{ ...cve5, lastModified: '2023-01-01T00:00:00.000Z', description: 'old' }]), {
          inserted: 0,
          updated: 0,
          unchanged: 1,
        });
        assert.equal((await store.getVulnerability(nvd.cveId))?.description, 'from NVD');
        assert.equal((await store.listVulnerabilities()).length, 1);
        const counts = await store.vulnerabilityCounts();
        assert.deepEqual(counts.byFeed, [
          { source: 'cve5', count: 1 },
          { source: 'nvd', count: 1 },
        ]);
      }));

    test('KEV upserts count inserted / updated / unchanged and list by CVE id', () =>
      withStore(open, async (store) => {
        assert.deepEqual(await store.upsertKev([kev]), { inserted: 1, updated: 0, unchanged: 0 });
        assert.deepEqual(await store.upsertKev([kev]), { inserted: 0, updated: 0, unchanged: 1 });
        assert.deepEqual(
          await store.upsertKev([{ ...kev, knownRansomwareCampaignUse: 'Known', dueDate: '2024-05-22' }], { importedAt: '2024-06-01T00:00:00.000Z' }),
          {
            inserted: 0,
            updated: 1,
            unchanged: 0,
          },
        );
        await store.upsertKev([{ ...kev, cveId: 'CVE-2019-0001', requiredAction: 'Apply updates' }]);
        assert.deepEqual(await store.listKev(), [
          { ...kev, cveId: 'CVE-2019-0001', requiredAction: 'Apply updates' },
          { ...kev, knownRansomwareCampaignUse: 'Known', dueDate: '2024-05-22' },
        ]);
        const counts = await store.vulnerabilityCounts();
        assert.equal(counts.kev, 2);
        assert.equal(counts.kevRansomware, 1);
      }));
  });
}
