import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OpenNoticeError } from '../../../core/errors.ts';
import { nvdCveToRecord, parseNvdFeed } from './nvd.ts';
import { sharedData } from '../../../../test/support/shared-data.ts';

const loadShared = (name: string): unknown => JSON.parse(readFileSync(sharedData(`nvd/${name}`), 'utf8'));

test('parses every record of the shared NVD files', () => {
  const main = parseNvdFeed(loadShared('iot-cves.json'), 'iot-cves.json');
  const fkie = parseNvdFeed(loadShared('iot-cves-2017plus-fkie.json'), 'iot-cves-2017plus-fkie.json');
  assert.equal(main.records.length, 465);
  assert.equal(fkie.records.length, 5);
  assert.deepEqual([...main.skipped, ...fkie.skipped], []);
});

test('keeps a firmware AND hardware configuration as written, scores of every version', () => {
  const { records } = parseNvdFeed(loadShared('iot-cves-2017plus-fkie.json'));
  const record = records.find((r) => r.cveId === 'CVE-2024-0769');
  assert.ok(record);
  assert.equal(record.configurations[0].operator, 'AND');
  assert.equal(record.configurations[0].nodes.length, 2);
  assert.equal(record.configurations[0].nodes[1].cpeMatch[0].vulnerable, false);
  assert.equal(record.configurations[0].nodes[1].cpeMatch[0].criteria, 'cpe:2.3:h:dlink:dir-859:-:*:*:*:*:*:*:*');
  const v31 = record.scores.filter((s) => s.version === '3.1').map((s) => [s.source, s.baseScore, s.type]);
  assert.deepEqual(v31, [
    ['cna@vuldb.com', 5.3, 'Secondary'],
    ['nvd@nist.gov', 9.8, 'Primary'],
  ]);
  const v2 = record.scores.find((s) => s.version === '2.0');
  assert.equal(v2?.severity, 'MEDIUM', 'v2 severity is read from the metric object');
  assert.equal(new Set(record.references).size, record.references.length, 'references de-duplicated');
  assert.match(record.description, /^\*\* UNSUPPORTED WHEN ASSIGNED/);
  assert.ok(record.description.length <= 1000);
});

test('single-node configuration keeps its missing config-level operator absent', () => {
  const { records } = parseNvdFeed(loadShared('iot-cves.json'));
  const single = records.find((r) => r.configurations.some((c) => c.nodes.length === 1));
  assert.ok(single);
  assert.equal(single.configurations.find((c) => c.nodes.length === 1)?.operator, undefined);
});

test('garbage CVE throws IMPORT_INVALID naming the CVE; the feed parser lists it as skipped', () => {
  const bad = { id: 'CVE-2020-0001', configurations: [{ nodes: [{ operator: 'XOR', cpeMatch: [] }] }] };
  assert.throws(
    () => nvdCveToRecord(bad),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'IMPORT_INVALID' && /CVE-2020-0001/.test(error.message),
  );
  assert.throws(() => nvdCveToRecord({ id: 'nope' }), /no valid CVE id/);
  const feed = {
    format: 'NVD_CVE',
    vulnerabilities: [
      { cve: bad },
      { cve: { id: 'CVE-2020-0002', vulnStatus: 'Rejected' } },
      { cve: { id: 'CVE-2020-0003', descriptions: [{ lang: 'en', value: 'ok' }] } },
    ],
  };
  const parsed = parseNvdFeed(feed);
  assert.deepEqual(
    parsed.records.map((r) => r.cveId),
    ['CVE-2020-0003'],
  );
  assert.deepEqual(
    parsed.skipped.map((s) => s.cveId),
    ['CVE-2020-0001', 'CVE-2020-0002'],
  );
  assert.match(parsed.skipped[1].reason, /rejected/i);
});

test('a document without the envelope is IMPORT_INVALID with the file name', () => {
  assert.throws(
    () => parseNvdFeed({ CVE_Items: [] }, 'old.json'),
    (error: unknown) => error instanceof OpenNoticeError && error.context.file === 'old.json',
  );
});

test('a mangled format or CVE id is quoted cut short: the error line stays readable whatever the file holds', () => {
  const long = 'NVD'.padEnd(200_000, '<a>');
  const readable = (error: unknown) => error instanceof OpenNoticeError && error.code === 'IMPORT_INVALID' && error.describe().length < 400;
  assert.throws(() => parseNvdFeed({ format: long, vulnerabilities: [] }, 'feed.json'), readable);
  assert.throws(() => nvdCveToRecord({ id: long }), readable);
});
