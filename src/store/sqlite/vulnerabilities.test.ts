import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KevEntry, VulnerabilityRecord } from '../../assess/firmware/types.ts';
import { upsertVulnerabilities } from '../../assess/firmware/feeds/upsert.ts';
import { openStore } from '../open-store.ts';

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

test('vulnerability upserts count inserted / updated / unchanged and merge sources by precedence', async () => {
  const store = await openStore(':memory:');
  try {
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
    assert.equal((await store.listVulnerabilities()).length, 1);
    const counts = await store.vulnerabilityCounts();
    assert.deepEqual(counts.byFeed, [
      { source: 'cve5', count: 1 },
      { source: 'nvd', count: 1 },
    ]);
  } finally {
    await store.close();
  }
});

test('KEV upserts, listing and the feed import log survive reopening the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kev-'));
  const file = join(dir, 'store.sqlite');
  try {
    const store = await openStore(file);
    assert.deepEqual(await store.upsertKev([kev]), { inserted: 1, updated: 0, unchanged: 0 });
    assert.deepEqual(await store.upsertKev([kev]), { inserted: 0, updated: 0, unchanged: 1 });
    assert.deepEqual(await store.upsertKev([{ ...kev, knownRansomwareCampaignUse: 'Known', dueDate: '2024-05-22' }]), {
      inserted: 0,
      updated: 1,
      unchanged: 0,
    });
    const skipped = Array.from({ length: 1500 }, (_, i) => ({ id: `CVE-2020-${1000 + i}`, reason: 'test' }));
    await store.recordFeedImport(
      { file: 'a.json', format: 'nvd', read: 1, inserted: 1, updated: 0, unchanged: 0, skipped: [] },
      { startedAt: '2024-01-01T00:00:00Z', finishedAt: '2024-01-01T00:00:01Z' },
    );
    await store.recordFeedImport(
      { file: 'https://nvd', format: 'nvd-api', read: 1600, inserted: 0, updated: 0, unchanged: 100, skipped, through: '2024-02-01T00:00:00.000Z' },
      { startedAt: '2024-02-01T00:00:00Z', finishedAt: '2024-02-01T00:00:01Z' },
    );
    await store.close();

    const reopened = await openStore(file);
    assert.deepEqual(await reopened.listKev(), [{ ...kev, knownRansomwareCampaignUse: 'Known', dueDate: '2024-05-22' }]);
    const [latest, first] = await reopened.listFeedImports();
    assert.equal(latest.format, 'nvd-api');
    assert.equal(latest.through, '2024-02-01T00:00:00.000Z');
    assert.equal(latest.skippedCount, 1500);
    assert.equal(latest.skipped.length, 1000, 'the log keeps the first 1000 reasons');
    assert.equal(first.file, 'a.json');
    assert.equal((await reopened.listFeedImports({ format: 'nvd-api', limit: 1 })).length, 1);
    assert.equal((await reopened.vulnerabilityCounts()).kevRansomware, 1);
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
