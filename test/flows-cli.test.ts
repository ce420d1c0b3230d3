// `opennotice flows import` then `flows stats`, as a user runs them: a pcap in, hourly aggregates
// stored with the source cut to its /24, read back from the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlowAggregate } from '../src/flows/flow-aggregates.ts';
import { pcapFile, type TestPacket } from './support/pcap-writer.ts';

const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--disable-warning=ExperimentalWarning', entry, ...args], { timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('flows import stores hourly aggregates; flows stats reads them back', async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'on-flows-cli-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  // The start of this hour: kept by the 90-day retention, shown by `stats` (last 24 h), and the
  // packets 30 ms apart cannot straddle an hour boundary.
  const start = Date.now() - (Date.now() % 3_600_000);
  const packet = (offsetMs: number, source: string, destinationPort: number): TestPacket => ({
    timeMs: start + offsetMs,
    source,
    destination: '203.0.113.50',
    sourcePort: 40000,
    destinationPort,
    protocol: 17,
    payloadBytes: 12,
  });
  const capture = join(directory, 'trace.pcap');
  writeFileSync(capture, pcapFile([packet(0, '192.0.2.1', 6667), packet(10, '192.0.2.1', 6667), packet(20, '192.0.2.99', 6667), packet(30, '192.0.2.1', 53)]));
  const db = join(directory, 'flows.sqlite');
  const imported = await cli(['flows', 'import', capture, '--db', db]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stderr, /3 flows from 4 packets/);
  assert.match(imported.stderr, /2 aggregate rows stored/);
  assert.match(imported.stderr, /watching 0 known bots for the C&C analysis/);
  assert.match(imported.stderr, /C&C contact rows stored/, 'the C&C analysis gets its sketches of the sources too');
  const stats = await cli(['flows', 'stats', '--db', db, '--json']);
  assert.equal(stats.code, 0, stats.stderr);
  const rows = JSON.parse(stats.stdout) as FlowAggregate[];
  assert.deepEqual(
    rows
      .map((row) => [row.sourceNetwork, row.destinationAddress, row.destinationPort, row.flows, row.packets, row.bytes])
      .sort((a, b) => Number(a[2]) - Number(b[2])),
    [
      ['192.0.2.0/24', '203.0.113.50', 53, 1, 1, 40],
      ['192.0.2.0/24', '203.0.113.50', 6667, 2, 3, 120],
    ],
  );
  const usage = await cli(['flows', 'collect', '--db', db]);
  assert.equal(usage.code, 2, 'collect without --listen is a usage error');
});
