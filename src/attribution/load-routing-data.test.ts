// Correctness against real routing data: the shared RouteViews pfx2as snapshot, the iptoasn
// sample and the installed @ip-location-db/asn package, each checked against an independent
// scan of the same file written here (hash lookups per prefix length, not the table's code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createRandom } from '../core/random.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { formatIPv4 } from '../scope/ipv4.ts';
import { createPrefixTableBuilder } from './prefix-table.ts';
import { ipLocationDbAsnFiles, ipLocationDbNotice, loadPrefixTable, loadRoutingData } from './load-routing-data.ts';
import { sharedData } from '../../test/support/shared-data.ts';

const sharedAsn = (name: string) => sharedData(`asn/${name}`);
const dottedToNumber = (text: string) => text.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
const isImportError = (line?: number) => (error: unknown) =>
  error instanceof OpenNoticeError && error.code === 'IMPORT_INVALID' && (line === undefined || error.context.line === line);

test('RouteViews pfx2as: random addresses match an independent longest-prefix scan of the file', async () => {
  const file = sharedAsn('routeviews-rv2-20170329-0200.pfx2as.gz');
  const { table, reports } = await loadPrefixTable([{ file, format: 'pfx2as' }]);
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter(Boolean);
  assert.equal(reports[0]!.ranges, lines.length);
  assert.equal(reports[0]!.invalidLines, 0);

  // Independent index: one hash map per prefix length, keyed by the network number.
  const byLength = Array.from({ length: 33 }, () => new Map<number, string>());
  const parsed = lines.map((line) => {
    const [network, length, origins] = line.split('\t') as [string, string, string];
    byLength[Number(length)]!.set(dottedToNumber(network), origins);
    return { network: dottedToNumber(network), length: Number(length) };
  });
  const random = createRandom(2017);
  let nestedProbes = 0;
  for (let probe = 0; probe < 3000; probe++) {
    const row = random.pick(parsed);
    const address = row.network + random.int(0, 2 ** (32 - row.length) - 1);
    let expected: string | undefined;
    let matches = 0;
    for (let length = 32; length >= 0; length--) {
      const size = 2 ** (32 - length);
      const origins = byLength[length]!.get(address - (address % size));
      if (origins === undefined) continue;
      matches++;
      expected ??= origins;
    }
    if (matches > 1) nestedProbes++;
    const route = table.lookupIPv4(address);
    const listed = expected!.split(/[_,]/).map(Number);
    if (listed.length === 1) assert.equal(route?.asn, listed[0], formatIPv4(address));
    else assert.deepEqual(new Set(route?.origins), new Set(listed), formatIPv4(address));
  }
  assert.ok(nestedProbes > 100, `the sample exercises nested prefixes (${nestedProbes})`);
  // Known rows of this snapshot.
  assert.equal(table.lookup('1.0.64.1')?.prefix, '1.0.64.0/18');
  assert.equal(table.lookup('1.0.64.1')?.route.asn, 18144);
  assert.deepEqual(table.lookup('1.2.4.4')?.route.origins, [24151, 24409, 24406]);
  assert.equal(table.lookup('8.8.8.8')?.route.asn, 15169);
});

test('iptoasn ip2asn sample: both ends of every range resolve to its AS and country', async () => {
  const file = sharedAsn('ip2asn-v4.sample.tsv');
  const { table, reports } = await loadPrefixTable([{ file, format: 'ip2asn' }]);
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
  assert.equal(reports[0]!.ranges, rows.length);
  for (const [first, last, asn, country] of rows) {
    for (const address of [first!, last!]) {
      const match = table.lookup(address);
      assert.equal(match?.route.asn, Number(asn), address);
      assert.equal(match?.route.country, country, address);
    }
  }
  assert.equal(table.lookup('1.1.1.1')?.route.asn, 7497);
  assert.equal(table.lookup('1.1.1.100')?.prefix, '1.1.1.64/26', 'inside the unaligned 1.1.1.2–1.1.1.255');
});

test('@ip-location-db/asn: sampled rows of both files resolve to their AS and organisation', async () => {
  const files = ipLocationDbAsnFiles();
  const { table, reports } = await loadPrefixTable([
    { file: files.ipv4, format: 'ip-location-db' },
    { file: files.ipv6, format: 'ip-location-db' },
  ]);
  assert.equal(reports[0]!.notice, ipLocationDbNotice);
  assert.match(ipLocationDbNotice, /CC BY 4\.0/);
  const random = createRandom(4);
  for (const file of [files.ipv4, files.ipv6]) {
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    assert.equal(reports.find((report) => report.file === file)!.ranges, lines.length);
    for (let probe = 0; probe < 400; probe++) {
      const line = random.pick(lines);
      // The first three cells never hold a comma; the organisation may be quoted.
      const [first, last, asn] = line.split(',') as [string, string, string];
      const organisation = line
        .split(',')
        .slice(3)
        .join(',')
        .replace(/^"(.*)"$/, '$1')
        .replaceAll('""', '"');
      for (const address of [first, last]) {
        const route = table.lookup(address)?.route;
        assert.equal(route?.asn, Number(asn), address);
        assert.equal(route?.asName, organisation || undefined, address);
      }
    }
  }
  assert.equal(table.lookup('1.1.1.1')?.route.asn, 13335);
  assert.equal(table.lookup('2001:200::1')?.route.asName, 'WIDE Project');
});

test('malformed lines are skipped, counted and located; strict mode refuses the first', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-attribution-'));
  try {
    const file = join(directory, 'mixed.pfx2as');
    writeFileSync(file, ['1.0.0.0\t24\t1', 'garbage', '1.0.1.0\t24\tAS2', '', '1.0.2.0\t24\t3'].join('\r\n'));
    const builder = createPrefixTableBuilder();
    const report = await loadRoutingData(builder, file, 'pfx2as');
    assert.equal(report.ranges, 2);
    assert.equal(report.invalidLines, 2);
    assert.deepEqual(
      report.invalidExamples.map((example) => example.line),
      [2, 3],
    );
    assert.equal(builder.build().lookup('1.0.2.9')?.route.asn, 3, 'CRLF line ends');

    await assert.rejects(loadRoutingData(createPrefixTableBuilder(), file, 'pfx2as', { strict: true }), isImportError(2));
    await assert.rejects(loadRoutingData(createPrefixTableBuilder(), file, 'pfx2as', { maxInvalidLines: 1 }), isImportError(2));

    const wrongFormat = join(directory, 'not-routing.txt');
    writeFileSync(wrongFormat, 'hello\nworld\n');
    await assert.rejects(
      loadRoutingData(createPrefixTableBuilder(), wrongFormat, 'ip2asn'),
      (error: unknown) => isImportError(2)(error) && /no usable line/.test((error as Error).message),
    );
    await assert.rejects(loadRoutingData(createPrefixTableBuilder(), join(directory, 'missing.gz'), 'pfx2as'), isImportError());
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('gzip is recognised by its magic bytes, whatever the name; a truncated gzip is an import error', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-attribution-'));
  try {
    const compressed = gzipSync(Buffer.from('1.2.3.0\t1.2.3.255\t64500\tJP\tExample Net\n'));
    const file = join(directory, 'ip2asn.tsv');
    writeFileSync(file, compressed);
    const builder = createPrefixTableBuilder();
    assert.equal((await loadRoutingData(builder, file, 'ip2asn')).ranges, 1);
    assert.equal(builder.build().lookup('1.2.3.4')?.route.asName, 'Example Net');
    const truncated = join(directory, 'truncated.gz');
    writeFileSync(truncated, compressed.subarray(0, compressed.length - 12));
    await assert.rejects(loadRoutingData(createPrefixTableBuilder(), truncated, 'ip2asn'), isImportError());
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
