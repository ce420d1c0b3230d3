import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FindingRow } from '../store/row-types.ts';
import { renderFindingsCsv, renderFindingsJson, renderFindingsTable } from './findings.ts';

const row = (overrides: Partial<FindingRow> = {}): FindingRow => ({
  id: 1,
  kind: 'weak-credential',
  ip: '192.0.2.10',
  port: 23,
  protocol: 'telnet',
  dictionaryEntryId: 'on-001',
  evidence: { prompt: 'login:' },
  status: 'open',
  firstSeen: '2025-01-01T00:00:00.000Z',
  lastSeen: '2025-02-01T00:00:00.000Z',
  firstRunId: 1,
  lastRunId: 2,
  vendor: 'Korvan',
  model: 'IPC-2120',
  deviceType: 'ip-camera',
  firmwareVersion: '3.1.4',
  releaseYear: 2014,
  ...overrides,
});

test('the table aligns every column under its heading', () => {
  const rows = [
    row(),
    row({
      id: 2,
      ip: '198.51.100.200',
      port: 8080,
      protocol: 'http',
      vendor: undefined,
      model: undefined,
      deviceType: undefined,
      firmwareVersion: undefined,
      releaseYear: undefined,
      status: 'closed',
    }),
  ];
  const lines = renderFindingsTable(rows).trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^IP +PORT +PROTOCOL +KIND +VENDOR +MODEL +TYPE +FIRMWARE +YEAR +ENTRY +STATUS +LAST SEEN$/);
  const statusColumn = lines[0].indexOf('STATUS');
  assert.equal(lines[1].slice(statusColumn, statusColumn + 6), 'open  ');
  assert.equal(lines[2].slice(statusColumn, statusColumn + 6), 'closed');
  assert.equal(lines[2].indexOf('8080'), lines[0].indexOf('PORT'));
  assert.match(lines[2], /http +weak-credential +- +- +- +- +- +on-001/, 'unknown identity shows as -');
  assert.ok(lines[1].endsWith('2025-02-01T00:00:00.000Z'));
});

test('the table neutralises terminal control characters from device strings', () => {
  const table = renderFindingsTable([row({ vendor: 'Evil\u001b[2J\rCorp' })]);
  assert.ok(!table.includes('\u001b'));
  assert.match(table, /Evil\?\[2J\?Corp/);
});

test('colour only wraps the header and status, and never breaks alignment', () => {
  const plain = renderFindingsTable([row(), row({ status: 'closed' })]);
  const colored = renderFindingsTable([row(), row({ status: 'closed' })], { color: true });
  assert.ok(colored.includes('\u001b[31m') && colored.includes('\u001b[32m'));
  assert.equal(colored.replace(/\u001b\[\d+m/g, ''), plain);
});

test('an empty result says so', () => {
  assert.match(renderFindingsTable([]), /\(no findings\)\n$/);
  assert.equal(renderFindingsCsv([]).split('\r\n').length, 2, 'header row only');
  assert.equal(renderFindingsJson([]), '[]\n');
});

test('CSV quotes per RFC 4180 and defuses spreadsheet formulas', () => {
  const csv = renderFindingsCsv([
    row({ vendor: '=HYPERLINK("http://x")', model: 'A, "B"', firmwareVersion: '+1', deviceType: undefined }),
    row({ model: '@SUM(1)', firmwareVersion: '-2\nx' }),
  ]);
  const lines = csv.split('\r\n');
  assert.equal(
    lines[0],
    'ip,port,protocol,kind,vendor,model,device_type,firmware_version,release_year,dictionary_entry_id,status,first_seen,last_seen,closed_at',
  );
  assert.equal(
    lines[1],
    `192.0.2.10,23,telnet,weak-credential,"'=HYPERLINK(""http://x"")","A, ""B""",,'+1,2014,on-001,open,2025-01-01T00:00:00.000Z,2025-02-01T00:00:00.000Z,`,
  );
  assert.match(csv, /,'@SUM\(1\),ip-camera,"'-2\nx",/);
  assert.ok(csv.endsWith('\r\n'));
});

test('JSON keeps every field, evidence included, and no password field exists', () => {
  const parsed = JSON.parse(renderFindingsJson([row()]));
  assert.deepEqual(parsed, [row()]);
  assert.ok(!/password/i.test(renderFindingsJson([row()]) + renderFindingsCsv([row()]) + renderFindingsTable([row()])));
});
