// The collector gives the same flows and counters whichever transport receives (node:dgram or
// the native receiver), and the fixed-layout fast path reads records exactly as the per-record
// path does. Real sockets on 127.170.0.0/16, the real compiled receiver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ByteWriter,
  ipfixMessage,
  ipv4FlowFields,
  netflowV5,
  netflowV9,
  writeIpv4Flow,
  writeSet,
  writeTemplate,
} from '../../test/support/flow-exports.ts';
import { startFlowCollector } from './collector.ts';
import type { FlowRecord } from './flow-record.ts';

const cacheDirectory = join(tmpdir(), 'opennotice-test-native-receiver');
const exportSeconds = 1_800_000_000;
const interfaceName = 82;

/** IPFIX fields at unusual widths: 4-byte ports, 2-byte protocol and flags, 3-byte octets, 8-byte packets, absolute ms times. */
const oddWidthFields: ReadonlyArray<readonly [number, number]> = [
  [8, 4],
  [12, 4],
  [7, 4],
  [11, 4],
  [4, 2],
  [6, 2],
  [1, 3],
  [2, 8],
  [152, 8],
  [153, 8],
];

function writeOddWidthFlow(w: ByteWriter, index: number): void {
  w.ipv4(`192.0.2.${index % 250}`).ipv4(`198.51.100.${(index * 7) % 250}`);
  // A port field wider than 16 bits keeps its low bits; flags wider than 8 bits keep theirs.
  w.u32(70_000 + index).u32(23 + (index % 3));
  w.u16(0x0106).u16(0x0312);
  w.u8(index % 256).u16(1000 + index);
  w.u32(0).u32(5 + index);
  w.u32(0x1a3).u32(185_032_704 + index * 1000);
  w.u32(0x1a3).u32(185_032_704 + index * 1000 + 500);
}

/** Every format the collector reads, IPv4 and IPv6, fixed and variable-length templates. */
function exportStream(): Buffer[] {
  const flows = Array.from({ length: 30 }, (_, index) => ({
    source: `10.1.${index}.${index + 1}`,
    destination: `203.0.113.${index % 64}`,
    sourcePort: 1024 + index,
    destinationPort: [23, 80, 2323][index % 3]!,
    protocol: 6,
    packets: 1 + index,
    bytes: 60 * (1 + index),
    firstUptimeMs: 100_000 + index,
    lastUptimeMs: 200_000 + index,
    tcpFlags: 0x12,
  }));
  const datagrams: Buffer[] = [netflowV5({ uptimeMs: 3_600_000, unixSeconds: exportSeconds }, flows.slice(0, 20))];
  datagrams.push(
    netflowV9({ uptimeMs: 3_600_000, unixSeconds: exportSeconds, sourceId: 3 }, (w) => {
      writeSet(w, 0, (t) => writeTemplate(t, 256, ipv4FlowFields));
      writeSet(w, 256, (d) => {
        for (const flow of flows) writeIpv4Flow(d, flow);
      });
    }),
  );
  datagrams.push(
    ipfixMessage({ exportSeconds, domain: 9 }, (w) => {
      writeSet(w, 2, (t) => {
        writeTemplate(t, 300, oddWidthFields);
        // The same fields and a variable-length one at the end: its records take the per-record path.
        writeTemplate(t, 301, [...oddWidthFields, [interfaceName, 65535]]);
        writeTemplate(t, 302, [
          [27, 16],
          [28, 16],
          [7, 2],
          [11, 2],
          [4, 1],
          [1, 8],
          [2, 8],
          [152, 8],
          [153, 8],
        ]);
      });
      writeSet(w, 300, (d) => {
        for (let index = 0; index < 12; index++) writeOddWidthFlow(d, index);
      });
      writeSet(w, 301, (d) => {
        for (let index = 0; index < 12; index++) {
          writeOddWidthFlow(d, index);
          d.u8(3).raw([0x65, 0x74, 0x68]);
        }
      });
      writeSet(w, 302, (d) => {
        for (let index = 0; index < 5; index++) {
          d.raw([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, index + 1]);
          d.raw([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 + index]);
          d.u16(40_000 + index)
            .u16(443)
            .u8(6);
          d.u32(0)
            .u32(1500 * (index + 1))
            .u32(0)
            .u32(index + 1);
          d.u32(0x1a3).u32(185_032_704).u32(0x1a3).u32(185_033_704);
        }
      });
    }),
  );
  // Garbage among them: counted the same way by both.
  datagrams.push(Buffer.from('not an export'), Buffer.from([0, 9, 0]));
  return datagrams;
}

async function collect(receiver: 'dgram' | 'native', listenAddress: string, senderAddress: string, datagrams: readonly Buffer[]) {
  const records: FlowRecord[] = [];
  const collector = await startFlowCollector(
    { listen: { address: listenAddress, port: 0, receiver, nativeBuild: { cacheDirectory } }, now: () => exportSeconds * 1000 },
    (flows) => records.push(...flows),
  );
  try {
    assert.equal(collector.receiver, receiver);
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, senderAddress, () => resolve());
    });
    try {
      for (const datagram of datagrams) {
        await new Promise<void>((resolve, reject) => socket.send(datagram, collector.port, listenAddress, (error) => (error ? reject(error) : resolve())));
      }
    } finally {
      socket.close();
    }
    for (let waited = 0; collector.decoder.datagrams < datagrams.length; waited += 20) {
      if (waited > 10_000) throw new Error(`${receiver}: ${collector.decoder.datagrams} of ${datagrams.length} datagrams within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { records, decoder: structuredClone(collector.decoder), listener: { ...collector.listener } };
  } finally {
    await collector.close();
  }
}

test('the collector gives the same flows and counters with the native receiver as with node:dgram', async () => {
  const datagrams = exportStream();
  const withDgram = await collect('dgram', '127.170.1.1', '127.170.1.2', datagrams);
  const withNative = await collect('native', '127.170.1.1', '127.170.1.2', datagrams);
  assert.equal(withDgram.records.length, 20 + 30 + 12 + 12 + 5);
  assert.deepEqual(withNative.records, withDgram.records);
  assert.deepEqual(withNative.decoder, withDgram.decoder);
  assert.deepEqual(withNative.listener, withDgram.listener);
  assert.ok(withNative.records.every((record) => record.exporter === '127.170.1.2' || record.exporter.startsWith('127.170.1.2/')));
});

test('records of a fixed template (the column fast path) equal those of the same fields read one by one', async () => {
  const { records } = await collect('dgram', '127.170.1.3', '127.170.1.4', exportStream());
  const fixed = records.slice(50, 62);
  const perRecord = records.slice(62, 74);
  assert.deepEqual(fixed, perRecord);
  // Low bits of the oversized fields, absolute times, widths 3 and 8 read right.
  assert.deepEqual(fixed[1], {
    exporter: '127.170.1.4/9',
    sourceAddress: '192.0.2.1',
    destinationAddress: '198.51.100.7',
    sourcePort: 70_001 % 65_536,
    destinationPort: 24,
    protocol: 0x06,
    tcpFlags: 0x12,
    packets: 6,
    bytes: 1 * 65_536 + 1001,
    startMs: 0x1a3 * 2 ** 32 + 185_033_704,
    endMs: 0x1a3 * 2 ** 32 + 185_034_204,
  });
  const ipv6 = records.slice(74);
  assert.equal(ipv6[0]!.sourceAddress, '2001:db8::1');
  assert.equal(ipv6[0]!.destinationAddress, '2001:db8:1::10');
  assert.equal(ipv6[4]!.bytes, 7500);
});
