import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { scanCapture } from '../../darknet/capture/reader.ts';
import type { DecodedPacket } from '../../darknet/packet.ts';
import { createCaptureWriter } from './pcap-writer.ts';
import { buildIcmpEcho, buildIcmpUnreachable, buildTcp, buildUdp, internetChecksum, ipv4Bytes, tcpFlag, wrapEthernet } from './packet-builders.ts';

const src = ipv4Bytes('198.51.100.7');
const dst = ipv4Bytes('127.200.1.2');
const src6 = Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1]);
const dst6 = Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 2]);

function samplePackets(): Uint8Array[] {
  return [
    buildTcp({ src, dst, srcPort: 1234, dstPort: 23, seq: 0x7fc80102, ipId: 777, flags: tcpFlag.syn }),
    buildUdp({ src, dst, srcPort: 53, dstPort: 4000, payload: Uint8Array.of(1, 2, 3) }),
    buildIcmpEcho({ src, dst, identifier: 1, sequence: 2 }),
    buildIcmpUnreachable({ src, dst, code: 3, offending: buildUdp({ src: dst, dst: src, srcPort: 5, dstPort: 6 }) }),
    buildTcp({ src: src6, dst: dst6, srcPort: 80, dstPort: 5555, seq: 9, ack: 10, flags: tcpFlag.syn | tcpFlag.ack }),
    buildUdp({ src: src6, dst: dst6, srcPort: 53, dstPort: 4000, payload: Uint8Array.of(1, 2, 3) }),
    buildIcmpEcho({ src: src6, dst: dst6, identifier: 1, sequence: 2 }),
    buildIcmpUnreachable({ src: src6, dst: dst6, code: 4, offending: buildUdp({ src: dst6, dst: src6, srcPort: 5, dstPort: 6 }) }),
  ];
}

const baseTime = 1_700_000_000_123_456;

async function writeSample(file: string, format: 'pcap' | 'pcapng', linkType: 1 | 101, nanosecond: boolean): Promise<void> {
  const writer = createCaptureWriter(file, { format, linkType, nanosecond });
  for (const [index, packet] of samplePackets().entries()) {
    await writer.write(baseTime + index * 1001, linkType === 1 ? wrapEthernet(packet) : packet);
  }
  await writer.close();
}

test('IPv4 header checksums verify to zero', () => {
  const packet = buildTcp({ src, dst, srcPort: 1, dstPort: 2, seq: 3, flags: tcpFlag.syn });
  assert.equal(internetChecksum(packet, 0, 20), 0);
  assert.notEqual(packet[10] | packet[11], 0);
});

for (const format of ['pcap', 'pcapng'] as const) {
  for (const linkType of [1, 101] as const) {
    for (const nanosecond of [false, true]) {
      test(`${format} link ${linkType}${nanosecond ? ' ns' : ''} reads back with the capture reader`, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'opennotice-writer-'));
        try {
          const file = join(dir, `sample.${format}`);
          await writeSample(file, format, linkType, nanosecond);
          const packets: DecodedPacket[] = [];
          await scanCapture(file, (packet) => packets.push(packet));
          assert.equal(packets.length, 8);
          assert.deepEqual(
            packets.map((packet) => packet.timeMicros),
            [0, 1, 2, 3, 4, 5, 6, 7].map((i) => baseTime + i * 1001),
          );
          assert.deepEqual(
            packets.map((packet) => packet.protocol),
            ['tcp', 'udp', 'icmp', 'icmp', 'tcp', 'udp', 'icmpv6', 'icmpv6'],
          );
          assert.equal(packets[0].seq, 0x7fc80102);
          assert.equal(packets[0].ipId, 777);
          assert.equal(packets[0].dst, '127.200.1.2');
          assert.equal(packets[3].quoted?.src, '127.200.1.2');
          assert.equal(packets[3].quoted?.dstPort, 6);
          assert.equal(packets[4].src, '2001:db8::1');
          assert.equal(packets[4].tcpFlags, 0x12);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  }
}

const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

test('tshark reads the file and finds every checksum good', async () => {
  assert.ok(hasTshark, 'tshark is missing: npm test installs it as root (apt-get install tshark)');
  const dir = mkdtempSync(join(tmpdir(), 'opennotice-writer-'));
  try {
    const file = join(dir, 'sample.pcapng');
    await writeSample(file, 'pcapng', 1, true);
    const fields = ['ip.checksum.status', 'tcp.checksum.status', 'udp.checksum.status', 'icmp.checksum.status', 'icmpv6.checksum.status'];
    const result = spawnSync(
      'tshark',
      [
        '-r',
        file,
        '-o',
        'ip.check_checksum:TRUE',
        '-o',
        'tcp.check_checksum:TRUE',
        '-o',
        'udp.check_checksum:TRUE',
        '-T',
        'fields',
        ...fields.flatMap((field) => ['-e', field]),
      ],
      { encoding: 'utf8' },
    );
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 8);
    const statuses = lines.flatMap((line) => line.split(/[\t,]/).filter((value) => value !== ''));
    // 1 = good, 2 = bad: 4 IPv4 headers (+1 quoted), 2 TCP, 3 UDP (+1 quoted), 2 ICMP, 2 ICMPv6.
    assert.ok(statuses.length >= 12, `statuses: ${statuses.join(' ')}`);
    assert.ok(
      statuses.every((status) => status === '1'),
      `statuses: ${statuses.join(' ')}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the writer waits for a slow stream (backpressure) and loses nothing', async () => {
  const chunks: Buffer[] = [];
  let waits = 0;
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      setImmediate(done);
    },
  });
  const writer = createCaptureWriter(slow, { format: 'pcap', linkType: 101 });
  const packet = buildTcp({ src, dst, srcPort: 1, dstPort: 23, seq: 1, flags: tcpFlag.syn });
  for (let index = 0; index < 20_000; index++) {
    const pending = writer.write(baseTime + index, packet);
    if (pending) {
      waits++;
      await pending;
    }
  }
  await writer.close();
  await new Promise<void>((resolve) => slow.end(resolve));
  const bytes = Buffer.concat(chunks);
  assert.ok(waits > 0, 'the writer should have been asked to wait');
  assert.equal(bytes.length, 24 + 20_000 * (16 + packet.length));
  assert.equal(bytes.readUInt32LE(0), 0xa1b2c3d4);
});

test('pcapng blocks are 32-bit aligned with matching trailing lengths', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'opennotice-writer-'));
  try {
    const file = join(dir, 'odd.pcapng');
    const writer = createCaptureWriter(file, { format: 'pcapng', linkType: 101 });
    await writer.write(baseTime, buildUdp({ src, dst, srcPort: 1, dstPort: 2, payload: Uint8Array.of(1) }));
    await writer.close();
    const bytes = readFileSync(file);
    let offset = 0;
    const types: number[] = [];
    while (offset < bytes.length) {
      const length = bytes.readUInt32LE(offset + 4);
      assert.equal(length % 4, 0);
      assert.equal(bytes.readUInt32LE(offset + length - 4), length);
      types.push(bytes.readUInt32LE(offset));
      offset += length;
    }
    assert.deepEqual(types, [0x0a0d0d0a, 1, 6]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
