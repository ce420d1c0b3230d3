import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cpe23FromJvn, parseJvnText } from './jvn.ts';
import { sharedData } from '../../../../test/support/shared-data.ts';

const jvn = (path: string): string => readFileSync(sharedData(`jvn/${path}`), 'utf8');

test('VULDEF detail: one record per CVE, JVNDB id as alias, Japanese ranges per CVE', () => {
  const parsed = parseJvnText(jvn('hnd/dataFeed_jvndb_detail_hnd.xml'), 'detail.xml');
  assert.equal(parsed.read, 7);
  const cve0355 = parsed.records.find((r) => r.cveId === 'CVE-2025-0355');
  const cve0356 = parsed.records.find((r) => r.cveId === 'CVE-2025-0356');
  assert.ok(cve0355 && cve0356);
  assert.deepEqual(cve0355.aliases, ['JVNDB-2025-000002']);
  assert.equal(cve0355.source, 'jvn');
  const gb1200 = cve0355.configurations[0].nodes[0].cpeMatch.find((m) => m.criteria.includes('aterm_gb1200pe_firmware'));
  assert.deepEqual(gb1200, { vulnerable: true, criteria: 'cpe:2.3:o:nec:aterm_gb1200pe_firmware:*:*:*:*:*:*:*:*', versionEndExcluding: '1.3.0' });
  // The GB1200PE version note names CVE-2025-0355 only.
  assert.ok(!cve0356.configurations[0].nodes[0].cpeMatch.some((m) => m.criteria.includes('aterm_gb1200pe_firmware')));
  const noCve = parsed.records.find((r) => r.cveId === 'JVNDB-2018-009328');
  assert.ok(noCve, 'an entry without a CVE is keyed by its JVNDB id');
  assert.equal(noCve.configurations[0].nodes[0].cpeMatch.length, 6);
  assert.ok(parsed.notes.some((n) => /for EMC Celerra/.test(n.reason)));
});

test('RSS overview (with the unquoted status attribute) and OKA JSON are read too', () => {
  const rss = parseJvnText(jvn('hnd/dataFeed_jvndb_rss_hnd.xml'), 'rss.xml');
  assert.deepEqual(
    rss.records.map((r) => r.cveId),
    ['CVE-2023-29001', 'CVE-2023-40496', 'CVE-2023-40500', 'CVE-2023-40516'],
  );
  assert.equal(rss.records[0].configurations[0].nodes[0].cpeMatch[0].criteria, 'cpe:2.3:o:contiki-ng:contiki-ng:*:*:*:*:*:*:*:*');
  assert.deepEqual(
    rss.records[0].scores.map((s) => [s.version, s.baseScore, s.severity]),
    [['3.0', 7.5, 'HIGH']],
  );
  const oka = parseJvnText(jvn('oka/getVulnDetailInfo_oka_JVNDB-2022-000097.json'), 'oka.json');
  assert.deepEqual(
    oka.records.map((r) => r.cveId),
    ['CVE-2022-41993', 'CVE-2022-46287', 'CVE-2022-46288'],
  );
  const hnd = parseJvnText(jvn('hnd/getVulnDetailInfo_hnd_JVNDB-2022-000097.xml'), 'hnd.xml');
  const criteria = (r: (typeof hnd.records)[0]) =>
    r.configurations
      .flatMap((c) => c.nodes)
      .flatMap((n) => n.cpeMatch)
      .map((m) => m.criteria);
  assert.deepEqual(criteria(hnd.records[0]), criteria(oka.records[0]), 'both encodings name the same product');
  // The XML carries the version phrase; this OKA sample has none, so it claims every version.
  assert.equal(hnd.records[0].configurations[0].nodes[0].cpeMatch[0].versionEndIncluding, 'v6 R4');
  const vendors = parseJvnText(jvn('hnd/getVendorList_hnd.xml'), 'v.xml');
  assert.deepEqual([vendors.read, vendors.records.length, vendors.notes.length], [0, 0, 1]);
});

test('CPE 2.2 URIs convert; part-less ones do not', () => {
  assert.equal(cpe23FromJvn('cpe:/o:planex:mzk-dp300n'), 'cpe:2.3:o:planex:mzk-dp300n:*:*:*:*:*:*:*:*');
  assert.equal(cpe23FromJvn('cpe:/:misc'), undefined);
  assert.equal(cpe23FromJvn('cpe:/:hitachi'), undefined);
  assert.equal(cpe23FromJvn('cpe:2.3:h:pcu:pcu:*:*:*:*:*:*:*:*'), 'cpe:2.3:h:pcu:pcu:*:*:*:*:*:*:*:*');
});
