import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OpenNoticeError } from '../../../core/errors.ts';
import { openStore } from '../../../store/open-store.ts';
import { importFeedFile } from './import.ts';
import { sharedData } from '../../../../test/support/shared-data.ts';

const shared = (path: string): string => {
  const file = sharedData(path);
  assert.ok(existsSync(file), `shared test data missing: ${file}`);
  return file;
};
const nvdMain = shared('nvd/iot-cves.json');
const nvdFkie = shared('nvd/iot-cves-2017plus-fkie.json');
const cve5Dir = shared('cve5/records');
const kevFile = shared('kev/known_exploited_vulnerabilities.json');
const overlap = [
  'CVE-2014-100005',
  'CVE-2023-4398',
  'CVE-2023-4473',
  'CVE-2023-5593',
  'CVE-2023-35136',
  'CVE-2023-45481',
  'CVE-2020-15415',
  'CVE-2021-40655',
  'CVE-2023-25280',
  'CVE-2024-0769',
];

test('imports every shared NVD, CVE5 and KEV record; re-import changes nothing', async () => {
  const store = await openStore(':memory:');
  try {
    const first = [
      await importFeedFile(store, nvdMain),
      await importFeedFile(store, nvdFkie),
      await importFeedFile(store, cve5Dir),
      await importFeedFile(store, kevFile),
    ];
    assert.deepEqual(
      first.map((r) => [r.format, r.read, r.inserted, r.updated, r.skipped.length]),
      [
        ['nvd', 465, 465, 0, 0],
        ['nvd', 5, 5, 0, 0],
        // the 10 CVEs also in the NVD files merge into existing records
        ['cve5', readdirSync(cve5Dir).filter((name) => name.endsWith('.json')).length, 108, 10, 0],
        ['kev', 1404, 1404, 0, 0],
      ],
    );
    assert.equal(first[2].read, 118);
    assert.equal((await store.listVulnerabilities()).length, 470 + 108);
    assert.equal((await store.listKev()).length, 1404);

    const again = [await importFeedFile(store, nvdMain), await importFeedFile(store, cve5Dir), await importFeedFile(store, kevFile)];
    assert.deepEqual(
      again.map((r) => [r.inserted, r.updated, r.unchanged]),
      [
        [0, 0, 465],
        [0, 0, 118],
        [0, 0, 1404],
      ],
    );
    const log = await store.listFeedImports();
    assert.equal(log.length, 7);
    assert.equal(log[0].format, 'kev');
    assert.equal(log[0].unchanged, 1404);
  } finally {
    await store.close();
  }
});

test('every shared MyJVN example imports without error; JVN never overrides NVD applicability', async () => {
  const store = await openStore(':memory:');
  try {
    let read = 0;
    for (const folder of ['jvn/hnd', 'jvn/oka']) {
      const dir = shared(folder);
      for (const name of readdirSync(dir).sort()) {
        const report = await importFeedFile(store, join(dir, name));
        assert.equal(report.format, 'jvn', name);
        assert.deepEqual(report.skipped, [], name);
        read += report.read;
      }
    }
    assert.ok(read >= 20);
    const aterm = await store.getVulnerability('CVE-2025-0355');
    assert.deepEqual(aterm?.aliases, ['JVNDB-2025-000002']);
    assert.equal(aterm?.source, 'jvn');
    // The same JVN entry seen in several example files is one record, not several.
    assert.equal((await store.listVulnerabilities()).filter((r) => r.cveId === 'CVE-2022-41993').length, 1);
  } finally {
    await store.close();
  }
});

test('CVEs in both NVD and CVE5 keep NVD configurations and gain CNA/ADP scores, whatever the order', async () => {
  for (const order of [
    [nvdMain, nvdFkie, cve5Dir],
    [cve5Dir, nvdFkie, nvdMain],
  ]) {
    const store = await openStore(':memory:');
    try {
      for (const file of order) await importFeedFile(store, file);
      const nvdOnly = await openStore(':memory:');
      await importFeedFile(nvdOnly, nvdMain);
      await importFeedFile(nvdOnly, nvdFkie);
      for (const cveId of overlap) {
        const merged = await store.getVulnerability(cveId);
        const plain = await nvdOnly.getVulnerability(cveId);
        assert.ok(merged && plain, cveId);
        assert.equal(merged.source, 'nvd', cveId);
        assert.deepEqual(merged.configurations, plain.configurations, cveId);
        assert.ok(merged.scores.length >= plain.scores.length, cveId);
      }
      const dir600 = await store.getVulnerability('CVE-2014-100005');
      assert.ok(
        dir600?.scores.some((score) => score.source === 'CISA-ADP'),
        'ADP score merged in',
      );
      await nvdOnly.close();
    } finally {
      await store.close();
    }
  }
});

test('a CVE only in CVE5 gets applicability converted from ADP CPEs', async () => {
  const store = await openStore(':memory:');
  try {
    await importFeedFile(store, cve5Dir);
    const record = await store.getVulnerability('CVE-2019-19824');
    assert.ok(record);
    assert.equal(record.source, 'cve5');
    assert.ok(record.configurations.length > 0);
    assert.ok(
      record.configurations
        .flatMap((c) => c.nodes)
        .flatMap((n) => n.cpeMatch)
        .every((m) => m.criteria.startsWith('cpe:2.3:')),
    );
  } finally {
    await store.close();
  }
});

test('a newer lastModified updates, an older one is ignored; gzip is read by magic number', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'feeds-'));
  const store = await openStore(':memory:');
  try {
    const feed = JSON.parse(readFileSync(nvdFkie, 'utf8'));
    await importFeedFile(store, nvdFkie);
    const newer = structuredClone(feed);
    newer.vulnerabilities[0].cve.lastModified = '2030-01-01T00:00:00.000';
    newer.vulnerabilities[0].cve.descriptions = [{ lang: 'en', value: 'changed' }];
    const newerFile = join(dir, 'newer.bin');
    writeFileSync(newerFile, gzipSync(JSON.stringify(newer)));
    const report = await importFeedFile(store, newerFile);
    assert.deepEqual([report.inserted, report.updated, report.unchanged], [0, 1, 4]);
    const cveId = feed.vulnerabilities[0].cve.id as string;
    assert.equal((await store.getVulnerability(cveId))?.description, 'changed');

    const older = structuredClone(feed);
    older.vulnerabilities[0].cve.lastModified = '2001-01-01T00:00:00.000';
    older.vulnerabilities[0].cve.descriptions = [{ lang: 'en', value: 'stale' }];
    const olderFile = join(dir, 'older.json');
    writeFileSync(olderFile, JSON.stringify(older));
    const stale = await importFeedFile(store, olderFile);
    assert.deepEqual([stale.updated, stale.unchanged], [0, 5]);
    assert.equal((await store.getVulnerability(cveId))?.description, 'changed');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('corrupted JSON is IMPORT_INVALID naming the file and line; unknown formats too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'feeds-'));
  const store = await openStore(':memory:');
  try {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, readFileSync(nvdFkie, 'utf8').slice(0, 5000));
    await assert.rejects(
      importFeedFile(store, broken),
      (error: unknown) =>
        error instanceof OpenNoticeError && error.code === 'IMPORT_INVALID' && error.context.file === broken && typeof error.context.line === 'number',
    );
    const unknown = join(dir, 'other.json');
    writeFileSync(unknown, '{"hello": "world"}');
    await assert.rejects(importFeedFile(store, unknown), /unknown feed format/);
    await assert.rejects(importFeedFile(store, unknown, { format: 'kev' }), /not a CISA KEV catalog/);
    assert.equal((await store.listFeedImports()).length, 0, 'failed imports are not logged as done');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
