import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotifiableFinding } from '../../core/records.ts';
import { buildVendorReport, renderVendorReportCsv, renderVendorReportJson, vendorCsvColumns } from './vendor-report.ts';
import { allFindings, parseCsv, vulnerableFirmware, weakTelnet } from '../../../test/support/notifiable-findings.ts';

/** A second Korvan camera on the same firmware, in another network and country. */
const secondCamera: NotifiableFinding = {
  ...vulnerableFirmware,
  id: 21,
  ip: '203.0.113.44',
  vendor: 'korvan',
  attribution: { prefix: '203.0.113.0/26', asn: 64511, asName: 'OTHER-NET', country: 'kr', ispId: 'isp-b', ispName: 'Other ISP', source: 'registry' },
};
const input = { reportId: 'v-2025-01', generatedAt: '2025-02-01T00:00:00Z', findings: [...allFindings, secondCamera] };

test('findings are grouped by vendor, model and firmware, with device counts per kind and per CVE', () => {
  const report = buildVendorReport(input);
  assert.equal(report.schema, 'opennotice.vendor-report/1');
  const korvan = report.rows.find((row) => row.vendor === 'Korvan')!;
  assert.equal(korvan.model, 'IPC-2120');
  assert.equal(korvan.firmwareVersion, '3.1.4');
  assert.equal(korvan.devices, 2, 'vendor spelling differences do not split a model');
  assert.deepEqual(korvan.byKind, { infected: 0, 'no-authentication': 0, 'weak-credential': 1, 'vulnerable-firmware': 2, reflector: 0 });
  const hanwa = report.rows.find((row) => row.vendor === 'Hanwa')!;
  assert.equal(hanwa.devices, 2, 'the R-100 with an open shell and the R-100 that reflects SSDP');
  assert.equal(hanwa.byKind.reflector, 1, 'a manufacturer learns how many of its devices amplify DDoS attacks');
  assert.equal(hanwa.byKind['no-authentication'], 1);
  assert.deepEqual(korvan.cves, [
    { cveId: 'CVE-2019-10999', baseScore: 8.8, kev: true, devices: 2 },
    { cveId: 'CVE-2018-0001', baseScore: 5.3, kev: false, devices: 2 },
  ]);
  assert.deepEqual(korvan.countries, { JP: 1, KR: 1 });
  assert.ok(!report.rows.some((row) => row.vendor === 'unidentified'), 'unidentified devices are left out');
});

test('a report for one vendor matches its name loosely and holds only that vendor', () => {
  const report = buildVendorReport({ ...input, vendor: 'KOR-van' });
  assert.deepEqual(
    report.rows.map((row) => row.vendor),
    ['Korvan'],
  );
  assert.equal(buildVendorReport({ ...input, vendor: 'nobody' }).rows.length, 0);
});

test('no subscriber address, prefix, AS or ISP appears in the vendor files', () => {
  const report = buildVendorReport(input);
  const outputs = [renderVendorReportCsv(report), renderVendorReportJson(report)];
  const secrets = [
    ...input.findings.flatMap((finding) => [finding.ip, finding.attribution.prefix!]),
    '64500',
    '64511',
    'EXAMPLE-NET',
    'OTHER-NET',
    'Example ISP',
    'Other ISP',
    'admin-user-secret',
  ];
  for (const output of outputs) for (const secret of secrets) assert.ok(!output.includes(secret), `${secret} leaked`);
});

test('the CSV has the documented columns and defuses hostile vendor strings', () => {
  const rows = parseCsv(renderVendorReportCsv(buildVendorReport(input)));
  assert.deepEqual(rows[0], [...vendorCsvColumns]);
  assert.deepEqual(rows[0], [
    'vendor',
    'model',
    'firmware_version',
    'device_type',
    'release_year',
    'devices',
    'infected',
    'no_authentication',
    'weak_credential',
    'vulnerable_firmware',
    'reflector',
    'cve_ids',
    'max_cvss',
    'kev',
    'countries',
    'first_seen',
    'last_seen',
  ]);
  const korvan = rows.find((cells) => cells[0] === 'Korvan')!;
  assert.deepEqual(korvan.slice(5, 15), ['2', '0', '0', '1', '2', '0', 'CVE-2019-10999;CVE-2018-0001', '8.8', 'Y', 'JP:1;KR:1']);
  const hanwa = rows.find((cells) => cells[0] === 'Hanwa')!;
  assert.deepEqual(hanwa.slice(5, 11), ['2', '0', '1', '0', '0', '1'], 'devices, then infected … reflector');
  assert.ok(rows.some((cells) => cells[0]!.startsWith("'=HYPERLINK")));
  assert.equal(buildVendorReport({ ...input, findings: [weakTelnet] }).rows[0]!.cves.length, 0);
});
