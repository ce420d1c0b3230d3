import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcapFile, type TestPacket } from '../../test/support/pcap-writer.ts';
import type { FlowRecord } from './flow-record.ts';
import { flowsFromCapture } from './pcap-flows.ts';

const t0 = Date.UTC(2026, 11, 7, 1, 0, 0);
const udp = (timeMs: number, sourcePort: number, payloadBytes = 100): TestPacket => ({
  timeMs,
  source: '192.0.2.1',
  destination: '198.51.100.2',
  sourcePort,
  destinationPort: 53,
  protocol: 17,
  payloadBytes,
});

async function flowsOf(packets: readonly TestPacket[], options: Parameters<typeof flowsFromCapture>[2] = {}) {
  const directory = mkdtempSync(join(tmpdir(), 'on-flows-pcap-'));
  try {
    const file = join(directory, 'trace.pcap');
    writeFileSync(file, pcapFile(packets));
    const flows: FlowRecord[] = [];
    const stats = await flowsFromCapture(file, (flow) => flows.push(flow), { exporter: 'pcap:test', ...options });
    return { flows, stats };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

test('packets become 5-tuple flows with IP byte counts, OR-ed TCP flags and capture times', async () => {
  const { flows, stats } = await flowsOf([
    udp(t0, 4000),
    { timeMs: t0 + 10, source: '192.0.2.9', destination: '203.0.113.5', sourcePort: 5555, destinationPort: 23, protocol: 6, payloadBytes: 0, tcpFlags: 0x02 },
    udp(t0 + 20, 4000, 50),
    { timeMs: t0 + 30, source: '192.0.2.9', destination: '203.0.113.5', sourcePort: 5555, destinationPort: 23, protocol: 6, payloadBytes: 10, tcpFlags: 0x18 },
    // The reverse direction is a flow of its own, as NetFlow counts it.
    { ...udp(t0 + 40, 53), source: '198.51.100.2', destination: '192.0.2.1', destinationPort: 4000, sourcePort: 53 },
  ]);
  assert.equal(stats.flows, 3);
  assert.deepEqual(
    flows.sort((a, b) => a.startMs - b.startMs),
    [
      {
        exporter: 'pcap:test',
        sourceAddress: '192.0.2.1',
        destinationAddress: '198.51.100.2',
        sourcePort: 4000,
        destinationPort: 53,
        protocol: 17,
        packets: 2,
        bytes: 128 + 78,
        startMs: t0,
        endMs: t0 + 20,
      },
      {
        exporter: 'pcap:test',
        sourceAddress: '192.0.2.9',
        destinationAddress: '203.0.113.5',
        sourcePort: 5555,
        destinationPort: 23,
        protocol: 6,
        packets: 2,
        bytes: 40 + 50,
        startMs: t0 + 10,
        endMs: t0 + 30,
        tcpFlags: 0x1a,
      },
      {
        exporter: 'pcap:test',
        sourceAddress: '198.51.100.2',
        destinationAddress: '192.0.2.1',
        sourcePort: 53,
        destinationPort: 4000,
        protocol: 17,
        packets: 1,
        bytes: 128,
        startMs: t0 + 40,
        endMs: t0 + 40,
      },
    ],
  );
});

test('a flow idle longer than the timeout ends, and the same 5-tuple later is a new flow', async () => {
  const { flows } = await flowsOf([udp(t0, 4000), udp(t0 + 1000, 4000), udp(t0 + 20_000, 4000)], { idleTimeoutMs: 15_000 });
  assert.deepEqual(
    flows.map((flow) => [flow.packets, flow.startMs, flow.endMs]),
    [
      [2, t0, t0 + 1000],
      [1, t0 + 20_000, t0 + 20_000],
    ],
  );
});

test('the flow table is bounded: past the limit the flow idle longest ends early, and is counted', async () => {
  const { flows, stats } = await flowsOf([udp(t0, 1), udp(t0 + 1, 2), udp(t0 + 2, 3), udp(t0 + 3, 2)], { maxActiveFlows: 2 });
  assert.equal(stats.evicted, 1);
  assert.deepEqual(
    flows.map((flow) => [flow.sourcePort, flow.packets]).sort((a, b) => a[0]! - b[0]!),
    [
      [1, 1],
      [2, 2],
      [3, 1],
    ],
  );
});
