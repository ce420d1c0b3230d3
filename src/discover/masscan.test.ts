import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenNoticeError } from '../core/errors.ts';
import type { OpenPort } from '../core/records.ts';
import type { OpenPortImport } from './import-run.ts';
import { readMasscan } from './masscan.ts';
import { fixturePath } from '../../test/support/fixtures.ts';

const fixture = (name: string) => fixturePath(`discover/${name}`);

async function collect(ports: OpenPortImport): Promise<string[]> {
  const found: OpenPort[] = [];
  for await (const port of ports) found.push(port);
  return found.map((p) => `${p.ip}:${p.port}@${p.seenAt}`);
}

test('masscan -oJ (current): brackets and comma lines skipped, banners ignored', async () => {
  const ports = readMasscan(fixture('masscan.json'));
  assert.deepEqual(await collect(ports), [
    '192.0.2.10:23@2023-11-14T22:13:20.000Z',
    '192.0.2.10:80@2023-11-14T22:13:21.000Z',
    '192.0.2.12:2323@2023-11-14T22:13:22.000Z',
  ]);
  assert.equal(ports.stats.format, 'masscan-json');
  assert.equal(ports.stats.ignored, 1, 'the banner record');
  assert.equal(ports.stats.linesRead, 9);
});

test('masscan -oJ (before 2017): trailing commas and the {finished: 1} line', async () => {
  assert.deepEqual(await collect(readMasscan(fixture('masscan-2016.json'))), [
    '192.0.2.10:23@2016-04-07T03:33:20.000Z',
    '192.0.2.12:2323@2016-04-07T03:33:21.000Z',
  ]);
});

test('masscan -oD NDJSON: only open TCP status records', async () => {
  const ports = readMasscan(fixture('masscan.ndjson'));
  assert.deepEqual(await collect(ports), ['192.0.2.10:23@2023-11-14T22:13:20.000Z', '192.0.2.10:80@2023-11-14T22:13:21.000Z']);
  assert.equal(ports.stats.format, 'masscan-ndjson');
  assert.equal(ports.stats.ignored, 2, 'the UDP port and the banner');
});

test('masscan -oL list: comments, banner, closed and UDP lines are not open TCP ports; IPv6 is', async () => {
  const ports = readMasscan(fixture('masscan.txt'));
  assert.deepEqual(await collect(ports), [
    '192.0.2.10:23@2023-11-14T22:13:20.000Z',
    '192.0.2.10:80@2023-11-14T22:13:21.000Z',
    '2001:db8::a:2323@2023-11-14T22:13:25.000Z',
  ]);
  assert.equal(ports.stats.format, 'masscan-list');
  assert.deepEqual([ports.stats.linesRead, ports.stats.imported, ports.stats.ignored], [8, 3, 3]);
});

test('malformed masscan lines: located error, or skipped and counted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'opennotice-masscan-'));
  try {
    const file = join(dir, 'broken.txt');
    writeFileSync(
      file,
      [
        'open tcp 23 192.0.2.1 1700000000',
        'open tcp 99999 192.0.2.2 1700000000',
        '{ "ip": "192.0.2.3", "timestamp": "1700000000", "ports": [ {"port": 23',
        'open tcp 23 not-an-ip 1700000000',
        'hello world',
        '{"ip":"192.0.2.4","port":23,"proto":"tcp"}',
        'open tcp 23 192.0.2.5 1700000000',
      ].join('\n'),
    );
    await assert.rejects(collect(readMasscan(file)), (error: unknown) => {
      assert.ok(error instanceof OpenNoticeError);
      assert.deepEqual([error.code, error.context.file, error.context.line], ['IMPORT_INVALID', file, 2]);
      return true;
    });
    const ports = readMasscan(file, { skipInvalid: true, seenAt: '2025-01-01T00:00:00.000Z' });
    assert.deepEqual(await collect(ports), ['192.0.2.1:23@2023-11-14T22:13:20.000Z', '192.0.2.5:23@2023-11-14T22:13:20.000Z']);
    assert.equal(ports.stats.skipped, 5);
    assert.equal(ports.stats.skippedExamples.length, 5);
    assert.match(ports.stats.skippedExamples[1].reason, /not a JSON record/);
    assert.match(ports.stats.skippedExamples[4].reason, /neither "ports"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
