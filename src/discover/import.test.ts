import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenNoticeError } from '../core/errors.ts';
import { describeImportStats } from './import-run.ts';
import { detectScanFileFormat, readOpenPorts } from './import.ts';
import { canonicalAddress } from '../scope/canonical-address.ts';
import { parsePort, unixSecondsToIso } from './scan-fields.ts';
import { readScanFileLines } from './scan-file.ts';
import { fixturePath } from '../../test/support/fixtures.ts';

const fixture = (name: string) => fixturePath(`discover/${name}`);

const withTempDir = (work: (dir: string) => Promise<void>) => async () => {
  const dir = mkdtempSync(join(tmpdir(), 'opennotice-import-'));
  try {
    await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test('each fixture is recognised as the format that wrote it', async () => {
  const expected = {
    'zmap-synscan.csv': 'zmap-csv',
    'zmap-default.csv': 'zmap-csv',
    'zmap-no-header.txt': 'zmap-csv',
    'masscan.json': 'masscan-json',
    'masscan-2016.json': 'masscan-json',
    'masscan.ndjson': 'masscan-ndjson',
    'masscan.txt': 'masscan-list',
    'README.md': undefined,
  };
  for (const [name, format] of Object.entries(expected)) assert.equal(await detectScanFileFormat(fixture(name)), format, name);
});

test('readOpenPorts sniffs the format, dispatches to the right reader and reports counts', async () => {
  const ports = readOpenPorts(fixture('masscan.ndjson'));
  assert.equal(ports.stats.imported, 0, 'nothing is read before iteration');
  const found: string[] = [];
  for await (const port of ports) found.push(`${port.ip}:${port.port}`);
  assert.deepEqual(found, ['192.0.2.10:23', '192.0.2.10:80']);
  assert.match(describeImportStats(ports.stats), /masscan\.ndjson \(masscan-ndjson\): 4 lines read, 2 open ports imported, 2 ignored, 0 skipped$/);

  const zmap = readOpenPorts(fixture('zmap-default.csv'), { format: 'zmap', port: 23 });
  let count = 0;
  for await (const port of zmap) count += port.port === 23 ? 1 : 0;
  assert.equal(count, 3);
  await assert.rejects(
    async () => {
      for await (const _ of readOpenPorts(fixture('README.md'))) void _;
    },
    { code: 'IMPORT_INVALID' },
  );
  assert.throws(() => readOpenPorts(fixture('masscan.txt'), { format: 'nmap' }), { code: 'USAGE' });
  const forced = readOpenPorts(fixture('masscan.txt'), { format: 'zmap-csv' });
  await assert.rejects(async () => {
    for await (const _ of forced) void _;
  }, /not ZMap CSV/);
});

test('iterating twice reads the file afresh instead of double counting', async () => {
  const ports = readOpenPorts(fixture('masscan.txt'), { format: 'masscan-list' });
  for (let pass = 0; pass < 2; pass++) {
    for await (const _ of ports) void _;
    assert.equal(ports.stats.imported, 3);
  }
});

test(
  'the line reader refuses a line longer than its cap, naming the line',
  withTempDir(async (dir) => {
    const file = join(dir, 'no-newlines.txt');
    writeFileSync(file, `open tcp 23 192.0.2.1 1700000000\n${'x'.repeat(300_000)}`);
    const lines: number[] = [];
    await assert.rejects(
      async () => {
        for await (const line of readScanFileLines(file, 100_000)) lines.push(line.number);
      },
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'IMPORT_INVALID' && error.context.line === 2,
    );
    assert.deepEqual(lines, [1]);
  }),
);

test(
  'the line reader keeps lines split across chunks whole and numbers them',
  withTempDir(async (dir) => {
    const file = join(dir, 'many.txt');
    const expected = Array.from({ length: 20_000 }, (_, index) => `open tcp ${1 + (index % 65535)} 192.0.2.${index % 256} 1700000000`);
    writeFileSync(file, `${expected.join('\n')}\n`);
    const seen: string[] = [];
    let last = 0;
    for await (const line of readScanFileLines(file)) {
      seen.push(line.text);
      last = line.number;
    }
    assert.deepEqual(seen, expected);
    assert.equal(last, expected.length);
  }),
);

test('addresses, ports and times are validated strictly', () => {
  assert.equal(canonicalAddress('192.0.2.1'), '192.0.2.1');
  assert.equal(canonicalAddress('192.0.2.01'), undefined, 'leading zeros are ambiguous');
  assert.equal(canonicalAddress('256.0.0.1'), undefined);
  assert.equal(canonicalAddress('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(canonicalAddress('2001:db8::1]/x[::1'), undefined);
  assert.equal(canonicalAddress('example.net'), undefined);
  assert.deepEqual(['1', '65535', '0', '65536', '8o', 443].map(parsePort), [1, 65535, undefined, undefined, undefined, 443]);
  assert.equal(unixSecondsToIso('1700000000'), '2023-11-14T22:13:20.000Z');
  assert.equal(unixSecondsToIso('-5'), undefined);
});
