import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseKevCatalog } from './kev.ts';
import { sharedData } from '../../../../test/support/shared-data.ts';

test('reads the whole shared KEV catalog', () => {
  const catalog = JSON.parse(readFileSync(sharedData('kev/known_exploited_vulnerabilities.json'), 'utf8'));
  const { entries, skipped, catalogVersion } = parseKevCatalog(catalog);
  assert.equal(entries.length, 1404);
  assert.deepEqual(skipped, []);
  assert.equal(catalogVersion, '2025.08.25');
  assert.equal(entries.filter((e) => e.knownRansomwareCampaignUse === 'Known').length, 293);
  const dir600 = entries.find((e) => e.cveId === 'CVE-2014-100005');
  assert.equal(dir600?.vendorProject, 'D-Link');
  assert.ok(dir600?.dueDate && dir600.requiredAction);
});

test('bad entries are skipped with reasons; a non-catalog is refused', () => {
  const parsed = parseKevCatalog({
    catalogVersion: 'x',
    vulnerabilities: [{ cveID: 'nope' }, { cveID: 'CVE-2024-1234' }, { cveID: 'CVE-2024-1235', dateAdded: '2024-01-01', knownRansomwareCampaignUse: 'known' }],
  });
  assert.deepEqual(
    parsed.entries.map((e) => [e.cveId, e.knownRansomwareCampaignUse]),
    [['CVE-2024-1235', 'Known']],
  );
  assert.deepEqual(
    parsed.skipped.map((s) => s.reason),
    ['vulnerabilities[0]: no valid "cveID"', 'vulnerabilities[1]: no "dateAdded"'],
  );
  assert.throws(() => parseKevCatalog({ vulnerabilities: [] }, 'k.json'), /not a CISA KEV catalog/);
});
