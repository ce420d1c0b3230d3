import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from '../core/errors.ts';
import type { OpenPort } from '../core/records.ts';
import type { OpenPortImport } from './import-run.ts';
import { readZmapCsv, zmapTimeToIso } from './zmap.ts';
import { fixturePath } from '../../test/support/fixtures.ts';

const fixture = (name: string) => fixturePath(`discover/${name}`);

async function collect(ports: OpenPortImport): Promise<OpenPort[]> {
  const found: OpenPort[] = [];
  for await (const port of ports) found.push(port);
  return found;
}

const isImportError = (line: number | undefined, pattern: RegExp) => (error: unknown) =>
  error instanceof OpenNoticeError && error.code === 'IMPORT_INVALID' && error.context.line === line && pattern.test(error.message);

test('a ZMap CSV with a header yields synack rows as open ports (responder address, source port)', async () => {
  const file = fixture('zmap-synscan.csv');
  const ports = readZmapCsv(file);
  const found = await collect(ports);
  assert.deepEqual(
    found.map((p) => `${p.ip}:${p.port}`),
    ['192.0.2.10:23', '192.0.2.12:2323', '192.0.2.10:23', '192.0.2.200:23'],
    'rst rows are not open; the repeat row is still an open port (dedup is the store’s job)',
  );
  assert.equal(found[0].seenAt, '2023-11-14T22:13:20.120Z', 'timestamp_str converted from +0900 to UTC');
  assert.equal(found[0].source, `zmap:${file}`);
  assert.deepEqual(
    { read: ports.stats.linesRead, imported: ports.stats.imported, ignored: ports.stats.ignored, skipped: ports.stats.skipped },
    { read: 7, imported: 4, ignored: 3, skipped: 0 },
  );
});

test('default ZMap output (saddr only) needs the scanned port', async () => {
  await assert.rejects(collect(readZmapCsv(fixture('zmap-default.csv'))), isImportError(1, /--port/));
  const found = await collect(readZmapCsv(fixture('zmap-default.csv'), { port: 23, seenAt: '2025-01-01T00:00:00.000Z' }));
  assert.deepEqual(
    found,
    ['192.0.2.10', '192.0.2.12', '192.0.2.200'].map((ip) => ({
      ip,
      port: 23,
      source: `zmap:${fixture('zmap-default.csv')}`,
      seenAt: '2025-01-01T00:00:00.000Z',
    })),
  );
});

test('headerless output with CRLF and blank lines reads one address per line', async () => {
  await assert.rejects(collect(readZmapCsv(fixture('zmap-no-header.txt'))), isImportError(1, /--port/));
  const ports = readZmapCsv(fixture('zmap-no-header.txt'), { port: 2323 });
  const found = await collect(ports);
  assert.deepEqual(
    found.map((p) => `${p.ip}:${p.port}`),
    ['192.0.2.10:2323', '192.0.2.12:2323', '192.0.2.200:2323'],
  );
  assert.match(found[0].seenAt, /^\d{4}-\d{2}-\d{2}T/, 'falls back to the file time');
  assert.equal(ports.stats.linesRead, 4);
});

test('a malformed row stops the import with file and line, unless skipping is asked for', async () => {
  const file = fixture('zmap-damaged.csv');
  await assert.rejects(collect(readZmapCsv(file)), (error: unknown) => {
    assert.ok(error instanceof OpenNoticeError);
    assert.equal(error.code, 'IMPORT_INVALID');
    assert.equal(error.context.file, file);
    assert.equal(error.context.line, 3);
    assert.match(error.message, /expected 12 fields/);
    return true;
  });
  const ports = readZmapCsv(file, { skipInvalid: true });
  const found = await collect(ports);
  assert.deepEqual(
    found.map((p) => `${p.ip}:${p.port}`),
    ['192.0.2.10:23', '192.0.2.15:80'],
  );
  assert.equal(ports.stats.skipped, 3);
  assert.deepEqual(
    ports.stats.skippedExamples.map((example) => example.line),
    [3, 4, 5],
  );
  assert.match(ports.stats.skippedExamples[1].reason, /192\.0\.2\.300.*not an IP address/);
  assert.match(ports.stats.skippedExamples[2].reason, /sport "0" is not a port number/);
});

test('files that are not ZMap output, or missing, are refused clearly', async () => {
  await assert.rejects(collect(readZmapCsv(fixture('masscan.txt'))), isImportError(1, /not ZMap CSV/));
  await assert.rejects(collect(readZmapCsv(fixture('does-not-exist.csv'))), isImportError(undefined, /ENOENT/));
  assert.throws(() => readZmapCsv(fixture('zmap-default.csv'), { port: 70000 }), { code: 'USAGE' });
});

test('ZMap timestamps convert to UTC, garbage does not', () => {
  assert.equal(zmapTimeToIso('2024-03-01T10:15:42.123+0900'), '2024-03-01T01:15:42.123Z');
  assert.equal(zmapTimeToIso('2024-03-01T10:15:42.000-0500'), '2024-03-01T15:15:42.000Z');
  assert.equal(zmapTimeToIso('yesterday'), undefined);
});

test('a `zmap -M udp` CSV yields its UDP replies as UDP ports; ICMP unreachable rows and replies from another port are not', async () => {
  const file = fixture('zmap-udp.csv');
  const ports = readZmapCsv(file, { port: 1900 });
  const found = await collect(ports);
  assert.deepEqual(
    found.map((p) => `${p.transport ?? 'tcp'} ${p.ip}:${p.port}`),
    ['udp 192.0.2.20:1900', 'udp 192.0.2.20:1900', 'udp 192.0.2.23:1900'],
    'the repeat row is still a port (the survey queries each once); 192.0.2.22 answered from port 50211',
  );
  assert.equal(found[0].seenAt, '2026-11-30T00:00:01.250Z');
  assert.deepEqual({ imported: ports.stats.imported, ignored: ports.stats.ignored }, { imported: 3, ignored: 3 });
  const withoutScannedPort = await collect(readZmapCsv(file));
  assert.ok(
    withoutScannedPort.some((p) => p.port === 50211),
    'without the scanned port the reply’s own source port is taken as it is',
  );
});

test('a ZMap file without a classification column is TCP unless the caller says it was a UDP scan', async () => {
  const tcp = await collect(readZmapCsv(fixture('zmap-default.csv'), { port: 161, seenAt: '2026-01-01T00:00:00.000Z' }));
  assert.equal(tcp[0].transport, undefined);
  const udp = await collect(readZmapCsv(fixture('zmap-default.csv'), { port: 161, transport: 'udp', seenAt: '2026-01-01T00:00:00.000Z' }));
  assert.deepEqual(
    udp.map((p) => `${p.transport} ${p.ip}:${p.port}`),
    ['udp 192.0.2.10:161', 'udp 192.0.2.12:161', 'udp 192.0.2.200:161'],
  );
});

test('a ZMap file still being written ends in half a row: counted as unfinished, not an error, and every whole row is read', async () => {
  const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const directory = mkdtempSync(join(tmpdir(), 'on-zmap-'));
  try {
    const whole = readFileSync(fixture('zmap-synscan.csv'), 'utf8');
    const lines = whole.trimEnd().split('\n');
    // The last row cut in its first field, as a reader sees a file zmap is still writing.
    const file = join(directory, 'running.csv');
    writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n${lines.at(-1)!.slice(0, 7)}`);
    const ports = readZmapCsv(file);
    const found = await collect(ports);
    const complete = join(directory, 'complete.csv');
    writeFileSync(complete, `${lines.slice(0, -1).join('\n')}\n`);
    const expected = await collect(readZmapCsv(complete));
    assert.deepEqual(
      found.map((port) => `${port.ip}:${port.port}`),
      expected.map((port) => `${port.ip}:${port.port}`),
    );
    assert.equal(ports.stats.unfinishedLines, 1);
    assert.equal(ports.stats.skipped, 0);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
