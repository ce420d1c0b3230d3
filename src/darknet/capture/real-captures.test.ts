/**
 * The shared real captures against tshark as the oracle: equal packet counts for every file,
 * and equal addresses, ports and timestamps packet by packet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { scanCapture } from './reader.ts';
import type { DecodedPacket } from '../packet.ts';
import { sharedData } from '../../../test/support/shared-data.ts';

const CAPTURES = sharedData('pcaps');
/** Per-packet comparison stops here per file, to keep the test within seconds. */
const COMPARED_PACKETS = 1500;

const captureFiles = readdirSync(CAPTURES)
  .filter((name) => /\.pcap(ng)?$/.test(name))
  .sort();

function requireTshark(): void {
  const probe = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  assert.equal(probe.status, 0, 'tshark is required as the oracle for these tests and was not found: npm test installs it as root (apt-get install tshark)');
}

const run = promisify(execFile);

/** tshark's own wiretap library counts the packets; capinfos ships with tshark. */
async function capinfosCount(file: string): Promise<number> {
  const { stdout } = await run('capinfos', ['-M', '-c', file], { encoding: 'utf8' });
  const match = /Number of packets:\s+(\d+)/.exec(stdout);
  assert.ok(match, `capinfos output for ${file}: ${stdout}`);
  return Number(match[1]);
}

async function tsharkFields(file: string, fields: string[], limit?: number): Promise<string[][]> {
  const args = ['-n', '-r', file, '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE', '-T', 'fields', '-E', 'occurrence=f', '-E', 'separator=|'];
  if (limit !== undefined) args.push('-c', String(limit));
  for (const field of fields) args.push('-e', field);
  const { stdout } = await run('tshark', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('|'));
}

async function readAll(file: string): Promise<DecodedPacket[]> {
  const packets: DecodedPacket[] = [];
  await scanCapture(file, (packet) => {
    packets.push(packet);
  });
  return packets;
}

test('the shared capture set is present', () => {
  assert.ok(captureFiles.length >= 22, `expected the 22 shared captures in ${CAPTURES}`);
});

test('every shared capture reads with the packet count tshark reports', async () => {
  requireTshark();
  assert.equal(spawnSync('capinfos', ['-h']).status, 0, 'capinfos (installed with tshark by npm test) is required');
  const counts = await Promise.all(captureFiles.map((name) => capinfosCount(join(CAPTURES, name))));
  for (const [index, name] of captureFiles.entries()) {
    const file = join(CAPTURES, name);
    const expected = counts[index];
    const stats = await scanCapture(file, () => {});
    assert.equal(stats.packets, expected, `${name}: packet count`);
    assert.equal(stats.skipped, 0, `${name}: nothing skipped`);
  }
});

/** tshark's epoch text "1566400000.123456789" → whole microseconds, without float rounding. */
function epochToMicros(text: string): number {
  const [seconds, fraction = ''] = text.split('.');
  return Number(seconds) * 1_000_000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

test('addresses, ports, IP protocol and timestamps equal tshark packet by packet', async () => {
  requireTshark();
  let compared = 0;
  const fields = [
    'frame.time_epoch',
    'frame.len',
    'frame.cap_len',
    'ip.src',
    'ip.dst',
    'ipv6.src',
    'ipv6.dst',
    'tcp.dstport',
    'udp.dstport',
    'tcp.srcport',
    'udp.srcport',
    'ip.proto',
    'ip.ttl',
  ];
  const allRows = await Promise.all(captureFiles.map((name) => tsharkFields(join(CAPTURES, name), fields, COMPARED_PACKETS)));
  for (const [fileIndex, name] of captureFiles.entries()) {
    const file = join(CAPTURES, name);
    const rows = allRows[fileIndex];
    const packets = (await readAll(file)).slice(0, COMPARED_PACKETS);
    assert.equal(packets.length, rows.length, `${name}: rows`);
    rows.forEach(([epoch, length, captured, ipSrc, ipDst, ip6Src, ip6Dst, tcpDst, udpDst, tcpSrc, udpSrc, ipProto, ttl], index) => {
      const packet = packets[index];
      const where = `${name} packet ${index + 1}`;
      assert.equal(packet.timeMicros, epochToMicros(epoch), `${where}: time`);
      assert.equal(packet.length, Number(length), `${where}: length`);
      assert.equal(packet.captured, Number(captured), `${where}: captured`);
      const expectedSrc = ipSrc || ip6Src;
      const expectedDst = ipDst || ip6Dst;
      assert.equal(packet.src ?? '', expectedSrc, `${where}: src`);
      assert.equal(packet.dst ?? '', expectedDst, `${where}: dst`);
      if (ipSrc) assert.equal(String(packet.ipProtocol), ipProto, `${where}: ip.proto`);
      if (ipSrc) assert.equal(String(packet.ttl), ttl, `${where}: ttl`);
      // For ICMP errors tshark's first tcp/udp port is the quoted packet's.
      const ourDst = packet.dstPort ?? packet.quoted?.dstPort;
      const ourSrc = packet.srcPort ?? packet.quoted?.srcPort;
      assert.equal(ourDst === undefined ? '' : String(ourDst), tcpDst || udpDst, `${where}: dst port`);
      assert.equal(ourSrc === undefined ? '' : String(ourSrc), tcpSrc || udpSrc, `${where}: src port`);
      compared++;
    });
  }
  assert.ok(compared > 5_000, `compared ${compared} packets`);
});

test('TCP sequence, flags, window and IP id equal tshark on the masscan capture', async () => {
  requireTshark();
  const file = join(CAPTURES, 'esnet-masscan-tcp-0-1000.pcap');
  const rows = await tsharkFields(file, ['tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags', 'tcp.window_size_value', 'ip.id']);
  const packets = await readAll(file);
  let syns = 0;
  rows.forEach(([seq, ack, flags, window, ipId], index) => {
    const packet = packets[index];
    if (seq === '') return;
    assert.equal(packet.seq, Number(seq), `packet ${index + 1}: seq`);
    assert.equal(packet.ack, Number(ack), `packet ${index + 1}: ack`);
    assert.equal(packet.tcpFlags, Number(flags), `packet ${index + 1}: flags`);
    assert.equal(packet.window, Number(window), `packet ${index + 1}: window`);
    assert.equal(packet.ipId, Number(ipId), `packet ${index + 1}: ip id`);
    if (packet.tcpFlags === 0x02) syns++;
  });
  assert.equal(syns, 1001);
});
