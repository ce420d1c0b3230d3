// SQLite-specific: vulnerability data survives closing and reopening the file. What every store
// keeps and counts is in conformance/vulnerabilities.ts and conformance/feed-imports.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upsertVulnerabilities } from '../../assess/firmware/feeds/upsert.ts';
import type { KevEntry, VulnerabilityRecord } from '../../assess/firmware/types.ts';
import { openStore } from '../open-store.ts';

const cve5: VulnerabilityRecord = {
  cveId: 'CVE-2020-1000',
  source: 'cve5',
  published: '2019-12-30T00:00:00.000Z',
  lastModified: '2024-01-01T00:00:00.000Z',
  description: 'from the CNA',
  scores: [{ version: '3.1', baseScore: 7.5, severity: 'HIGH', vector: 'CVSS:3.1/AV:N/x', source: 'CISA-ADP', type: 'Secondary' }],
  configurations: [{ nodes: [{ operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:o:korvan:ipc-2120:*:*:*:*:*:*:*:*' }] }] }],
  references: ['https://example.com/a'],
  aliases: [],
};
const kev: KevEntry = {
  cveId: 'CVE-2020-1000',
  vendorProject: 'Korvan',
  product: 'IPC',
  vulnerabilityName: 'Korvan IPC RCE',
  dateAdded: '2024-05-01',
  knownRansomwareCampaignUse: 'Known',
  dueDate: '2024-05-22',
};

test('vulnerabilities, KEV and the feed import log survive reopening the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kev-'));
  const file = join(dir, 'store.sqlite');
  try {
    const store = await openStore(file);
    await upsertVulnerabilities(store, [cve5]);
    await store.upsertKev([kev]);
    const skipped = Array.from({ length: 1500 }, (_, i) => ({ id: `CVE-2020-${1000 + i}`, reason: 'test' }));
    await store.recordFeedImport(
      { file: 'https://nvd', format: 'nvd-api', read: 1600, inserted: 0, updated: 0, unchanged: 100, skipped, through: '2024-02-01T00:00:00.000Z' },
      { startedAt: '2024-02-01T00:00:00Z', finishedAt: '2024-02-01T00:00:01Z' },
    );
    const before = {
      vulnerabilities: await store.listVulnerabilities(),
      kev: await store.listKev(),
      imports: await store.listFeedImports(),
      counts: await store.vulnerabilityCounts(),
    };
    await store.close();

    const reopened = await openStore(file);
    assert.deepEqual(await reopened.listVulnerabilities(), before.vulnerabilities);
    assert.deepEqual(await reopened.listKev(), [kev]);
    const [latest] = await reopened.listFeedImports();
    assert.deepEqual([latest?.through, latest?.skippedCount, latest?.skipped.length], ['2024-02-01T00:00:00.000Z', 1500, 1000]);
    assert.deepEqual(await reopened.listFeedImports(), before.imports);
    assert.deepEqual(await reopened.vulnerabilityCounts(), before.counts);
    assert.equal(before.counts.kevRansomware, 1);
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
