import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OpenNoticeError } from '../../../core/errors.ts';
import { cve5ToRecord } from './cve5.ts';
import { cve5VersionBounds, versionTextBounds } from './cve5-versions.ts';
import { sharedData } from '../../../../test/support/shared-data.ts';

const record = (id: string): unknown => JSON.parse(readFileSync(sharedData(`cve5/records/${id}.json`), 'utf8'));

test('ADP firmware + hardware CPEs become "firmware in range AND hardware" (CNA vendor n/a)', () => {
  const { record: converted } = cve5ToRecord(record('CVE-2014-100005'));
  assert.equal(converted.source, 'cve5');
  assert.deepEqual(converted.configurations, [
    {
      operator: 'AND',
      nodes: [
        { operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:o:dlink:dir-600_firmware:*:*:*:*:*:*:*:*', versionEndIncluding: '2.16ww' }] },
        { operator: 'OR', cpeMatch: [{ vulnerable: false, criteria: 'cpe:2.3:h:dlink:dir-600:-:*:*:*:*:*:*:*' }] },
      ],
    },
  ]);
  assert.ok(converted.scores.some((s) => s.source === 'CISA-ADP' && s.version === '3.1'));
  assert.match(converted.published ?? '', /^2015-/);
});

test('ADP ranges with a start version, CNA scores with the CNA name', () => {
  const { record: converted } = cve5ToRecord(record('CVE-2023-4398'));
  const first = converted.configurations[0].nodes[0].cpeMatch[0];
  assert.deepEqual(first, {
    vulnerable: true,
    criteria: 'cpe:2.3:o:zyxel:atp_firmware:*:*:*:*:*:*:*:*',
    versionStartIncluding: '4.32',
    versionEndIncluding: '5.37',
  });
  assert.equal(converted.configurations.length, 5);
  assert.deepEqual(
    converted.scores.map((s) => [s.source, s.baseScore]),
    [['Zyxel', 7.5]],
  );
});

test('CNA-only record: vendor/product text → CPE, prose versions read, unusable ones noted', () => {
  const cna = {
    dataType: 'CVE_RECORD',
    cveMetadata: { cveId: 'CVE-2024-0001', state: 'PUBLISHED', dateUpdated: '2024-02-01T00:00:00Z' },
    containers: {
      cna: {
        providerMetadata: { shortName: 'acme' },
        descriptions: [{ lang: 'en', value: 'x' }],
        affected: [
          { vendor: 'ACME Networks Co., Ltd.', product: 'ACME R-100 Router', versions: [{ status: 'affected', version: 'V1.0.5 and earlier' }] },
          {
            vendor: 'ACME Networks Co., Ltd.',
            product: 'Cloud Client',
            versions: [{ status: 'affected', version: '2.0', lessThan: '2.4', versionType: 'semver' }],
          },
          { vendor: 'n/a', product: 'n/a', versions: [{ status: 'affected', version: 'n/a' }] },
          { vendor: 'ACME', product: 'R-200', defaultStatus: 'affected', versions: [{ status: 'unaffected', version: '3.0' }] },
        ],
        metrics: [{ cvssV3_1: { version: '3.1', baseScore: 9.8, vectorString: 'CVSS:3.1/AV:N' } }],
      },
    },
  };
  const { record: converted, notes } = cve5ToRecord(cna);
  const matches = converted.configurations.map((c) => c.nodes[0].cpeMatch[0]);
  assert.deepEqual(matches, [
    { vulnerable: true, criteria: 'cpe:2.3:o:acme_networks:r-100_router:*:*:*:*:*:*:*:*', versionEndIncluding: 'V1.0.5' },
    { vulnerable: true, criteria: 'cpe:2.3:a:acme_networks:cloud_client:*:*:*:*:*:*:*:*', versionStartIncluding: '2.0', versionEndExcluding: '2.4' },
  ]);
  assert.equal(notes.length, 2);
  assert.match(notes[0], /names no product/);
  assert.match(notes[1], /unaffected exceptions/);
  assert.deepEqual(converted.scores, [{ version: '3.1', baseScore: 9.8, severity: 'CRITICAL', vector: 'CVSS:3.1/AV:N', source: 'acme', type: 'Secondary' }]);
});

test('rejected and non-CVE documents are IMPORT_INVALID', () => {
  assert.throws(
    () => cve5ToRecord({ cveMetadata: { cveId: 'CVE-2024-0002', state: 'REJECTED' }, containers: {} }),
    (e: unknown) => e instanceof OpenNoticeError && e.context.rejected === true,
  );
  assert.throws(
    () => cve5ToRecord({ hello: 1 }, 'x.json'),
    (e: unknown) => e instanceof OpenNoticeError && e.context.file === 'x.json',
  );
});

test('version items and version prose (English and Japanese) → bounds', () => {
  const cases: Array<[Record<string, unknown>, unknown]> = [
    [
      { version: '0', lessThanOrEqual: '2.16ww' },
      { version: '*', versionEndIncluding: '2.16ww' },
    ],
    [{ version: '0', lessThan: '*' }, { version: '*' }],
    [
      { version: '2.4.x.x', lessThan: '2.4.0.0570' },
      { version: '*', versionEndExcluding: '2.4.0.0570' },
    ],
    [{ version: '1.02B03' }, { version: '1.02B03' }],
    [{ version: 'n/a' }, { version: '*' }],
    [{ version: 'Dahua IP Camera devices IPC-HX3XXX Buildtime before June, 2021.' }, undefined],
  ];
  for (const [item, expected] of cases) assert.deepEqual(cve5VersionBounds(item), expected, JSON.stringify(item));
  assert.deepEqual(versionTextBounds('v6 R4 およびそれ以前のバージョン'), { version: '*', versionEndIncluding: 'v6 R4' });
  assert.deepEqual(versionTextBounds('Ver.1.3.0より前のバージョン（CVE-2025-0355）'), { version: '*', versionEndExcluding: '1.3.0' });
  assert.deepEqual(versionTextBounds('1.0 から 2.0'), { version: '*', versionStartIncluding: '1.0', versionEndIncluding: '2.0' });
  assert.deepEqual(versionTextBounds('before 3.1'), { version: '*', versionEndExcluding: '3.1' });
  assert.equal(versionTextBounds('for EMC Celerra 5.8 (Build 1577) 未満'), undefined);
});
