import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VulnerabilityRecord } from '../types.ts';
import { planVulnerabilityUpsert } from './upsert.ts';

const record = (source: VulnerabilityRecord['source'], lastModified: string, extra: Partial<VulnerabilityRecord> = {}): VulnerabilityRecord => ({
  cveId: 'CVE-2020-1000',
  source,
  lastModified,
  description: `from ${source}`,
  scores: [],
  configurations:
    source === 'jvn' ? [] : [{ nodes: [{ operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: `cpe:2.3:o:korvan:${source}:*:*:*:*:*:*:*:*` }] }] }],
  references: [`https://example.com/${source}`],
  aliases: [],
  ...extra,
});

test('a new CVE is inserted: its copy is written and merged as it is', () => {
  const nvd = record('nvd', '2020-02-01T00:00:00.000');
  const plan = planVulnerabilityUpsert([], [nvd]);
  assert.deepEqual(plan.counts, { inserted: 1, updated: 0, unchanged: 0 });
  assert.deepEqual(plan.writes, { copies: [nvd], merged: [nvd] });
});

test('another feed’s copy updates the CVE: the merged record is made from every copy, stored and new', () => {
  const cve5 = record('cve5', '2024-01-01T00:00:00.000Z');
  const nvd = record('nvd', '2020-02-01T00:00:00.000');
  const plan = planVulnerabilityUpsert([cve5], [nvd]);
  assert.deepEqual(plan.counts, { inserted: 0, updated: 1, unchanged: 0 });
  assert.deepEqual(plan.writes.copies, [nvd], 'only the changed copy is written');
  assert.equal(plan.writes.merged.length, 1);
  assert.equal(plan.writes.merged[0]!.source, 'nvd', 'NVD applicability wins');
  assert.deepEqual(plan.writes.merged[0]!.references, ['https://example.com/nvd', 'https://example.com/cve5']);
});

test('an identical or older copy changes nothing and writes nothing', () => {
  const cve5 = record('cve5', '2024-01-01T00:00:00.000Z');
  const plan = planVulnerabilityUpsert([cve5], [{ ...cve5 }, record('cve5', '2023-06-01T00:00:00', { description: 'an old file imported late' })]);
  assert.deepEqual(plan.counts, { inserted: 0, updated: 0, unchanged: 2 });
  assert.deepEqual(plan.writes, { copies: [], merged: [] });
});

test('records of one batch are taken in order: a later copy of the same feed wins, and counts as an update', () => {
  const first = record('jvn', '2024-01-01T00:00:00+09:00', { description: 'first' });
  const second = record('jvn', '2024-02-01T00:00:00+09:00', { description: 'second' });
  const older = record('jvn', '2023-01-01T00:00:00+09:00', { description: 'older than the first' });
  const plan = planVulnerabilityUpsert([], [first, second, older]);
  assert.deepEqual(plan.counts, { inserted: 1, updated: 1, unchanged: 1 });
  assert.deepEqual(plan.writes.copies, [second], 'one copy per CVE and feed: the last that changed it');
  assert.deepEqual(
    plan.writes.merged.map((merged) => merged.description),
    ['second'],
  );
});

test('several CVEs in one batch: each merged from its own copies, stored copies of others untouched', () => {
  const stored = [record('nvd', '2020-02-01T00:00:00.000'), record('nvd', '2020-02-01T00:00:00.000', { cveId: 'CVE-2021-0002' })];
  const plan = planVulnerabilityUpsert(stored, [record('cve5', '2024-01-01T00:00:00.000Z', { cveId: 'CVE-2022-0003' }), record('jvn', '2024-01-01T00:00:00Z')]);
  assert.deepEqual(plan.counts, { inserted: 1, updated: 1, unchanged: 0 });
  assert.deepEqual(
    plan.writes.merged.map((merged) => [merged.cveId, merged.source, merged.description]),
    [
      ['CVE-2022-0003', 'cve5', 'from cve5'],
      ['CVE-2020-1000', 'nvd', 'from nvd'],
    ],
  );
});
