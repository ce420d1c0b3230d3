/**
 * The bulk path (`aggregateCapture`: row batches, in this thread or with decoding in a worker
 * that takes over from this thread) must leave an aggregator exactly as the plain path does (`scanCapture` + `add` per
 * packet): same windows, window totals, per-source summaries in the same order, class totals
 * and memory. Checked on generated captures, every shared real capture, a capture mixing IPv4
 * with IPv6 and non-IP frames, at every `afterChunk` call, and up to a corruption error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenNoticeError } from '../../core/errors.ts';
import { generateDarknetCapture, parseIpv4Cidr } from '../../lab/darknet/generate.ts';
import { buildIcmpEcho, buildTcp, buildUdp, ipv4Bytes, tcpFlag, wrapEthernet } from '../../lab/darknet/packet-builders.ts';
import { createCaptureWriter } from '../../lab/darknet/pcap-writer.ts';
import { scanCapture, type CaptureOptions, type CaptureSource } from '../capture/reader.ts';
import { scanBatchesInWorker } from '../capture/worker-reader.ts';
import type { DecodedPacket, PacketBatch } from '../packet.ts';
import { aggregateCapture } from './aggregate-capture.ts';
import { createDarknetAggregator, type AggregatorOptions, type DarknetAggregator } from './aggregate.ts';
import { sharedData } from '../../../test/support/shared-data.ts';

const CAPTURES = sharedData('pcaps');
const dir = mkdtempSync(join(tmpdir(), 'opennotice-bulk-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Everything an aggregator exposes, in a form deepEqual compares exactly. */
function snapshot(aggregator: DarknetAggregator): unknown {
  return {
    classTotals: { ...aggregator.classTotals },
    bytesUsed: aggregator.bytesUsed(),
    windows: aggregator.windows().map((start) => {
      const { portPackets, ...totals } = aggregator.totals(start)!;
      const ports = [...portPackets.entries()].filter(([, count]) => count > 0);
      return { start, ...totals, ports, sourceCount: aggregator.sourceCount(start), sources: [...aggregator.sources(start)] };
    }),
  };
}

/**
 * The ways to read: per packet (the reference), batches in this thread, and with a decoding
 * worker — as aggregateCapture starts it, reading everything, or taking over after 1 or 3 chunks.
 */
type Path = 'plain' | 'batches' | 'worker' | 'worker from the start' | 'worker after 1 chunk' | 'worker after 3 chunks';
const filePaths: Path[] = ['batches', 'worker', 'worker from the start', 'worker after 1 chunk', 'worker after 3 chunks'];
const headStarts: Partial<Record<Path, number>> = { 'worker from the start': 0, 'worker after 1 chunk': 1, 'worker after 3 chunks': 3 };

/** Reads `source` into `aggregator` along one path. */
function read(path: Path, source: CaptureSource, aggregator: DarknetAggregator, options: CaptureOptions) {
  if (path === 'plain')
    return scanCapture(
      source,
      (packet) => {
        aggregator.add(packet);
      },
      { ...options, formatAddresses: false },
    );
  if (path === 'batches' || path === 'worker') return aggregateCapture(source, aggregator, { ...options, decodeInWorker: path === 'worker' });
  const sink = {
    batch: (rows: PacketBatch) => aggregator.addBatch(rows),
    packet: (packet: DecodedPacket) => {
      aggregator.add(packet);
    },
  };
  return scanBatchesInWorker(source as string, sink, { ...options, formatAddresses: false }, headStarts[path]);
}

/** Aggregates `source` along one path; also records the packets counted at each afterChunk call. */
async function aggregate(path: Path, source: () => CaptureSource, options: AggregatorOptions, onCorrupt: 'throw' | 'skip' = 'throw') {
  const aggregator = createDarknetAggregator(options);
  const atChunkEnds: number[] = [];
  const afterChunk = (): void => {
    atChunkEnds.push(aggregator.windows().reduce((sum, start) => sum + aggregator.totals(start)!.packets, 0));
  };
  const stats = await read(path, source(), aggregator, { onCorrupt, afterChunk });
  return { snapshot: snapshot(aggregator), stats, atChunkEnds };
}

async function assertSameOnEveryPath(
  label: string,
  source: () => CaptureSource,
  options: AggregatorOptions,
  paths: Path[],
  onCorrupt: 'throw' | 'skip' = 'throw',
) {
  const plain = await aggregate('plain', source, options, onCorrupt);
  for (const path of paths) assert.deepEqual(await aggregate(path, source, options, onCorrupt), plain, `${label}: ${path}`);
  return plain;
}

test('generated captures: bulk path (this thread and worker) = plain path, by the hour and by the day', async () => {
  const cases = [
    { format: 'pcap', linkType: 101, nanosecond: false, seed: 11 },
    { format: 'pcapng', linkType: 1, nanosecond: true, seed: 12 },
  ] as const;
  for (const options of cases) {
    const file = join(dir, `gen-${options.seed}.${options.format}`);
    const truth = await generateDarknetCapture({ file, darknet: '127.192.0.0/13', durationSeconds: 3 * 3600, scale: 1, ...options });
    const darknet = parseIpv4Cidr('127.192.0.0/13');
    const hourly = await assertSameOnEveryPath(file, () => file, { periodSeconds: 3600, darknet }, filePaths);
    assert.equal((hourly.stats as { packets: number }).packets, truth.packets);
    assert.ok((hourly.snapshot as { windows: unknown[] }).windows.length >= 3, 'several windows');
    assert.ok(hourly.atChunkEnds.length >= 5, 'several chunks, compared at each afterChunk');
    await assertSameOnEveryPath(file, () => file, { periodSeconds: 86400 }, ['batches', 'worker after 1 chunk']);
  }
});

test('every shared real capture: bulk path = plain path', async () => {
  const files = readdirSync(CAPTURES)
    .filter((name) => /\.pcap(ng)?$/.test(name))
    .sort();
  assert.ok(files.length >= 10);
  for (const name of files) {
    const file = join(CAPTURES, name);
    // (Each file is smaller than a chunk: a head start would read all of it.)
    await assertSameOnEveryPath(name, () => file, { periodSeconds: 3600 }, ['batches', 'worker from the start']);
    // As a byte stream in small chunks, records straddle every boundary.
    const bytes = readFileSync(file);
    await assertSameOnEveryPath(
      `${name} streamed`,
      () =>
        (async function* () {
          for (let at = 0; at < bytes.length; at += 4093) yield bytes.subarray(at, at + 4093);
        })(),
      { periodSeconds: 3600 },
      ['batches'],
    );
  }
});

/** IPv4 TCP/UDP/ICMP interleaved with IPv6, ARP and cut IPv4 frames (Ethernet), from few sources so order matters. */
async function writeMixedCapture(file: string, packets: number): Promise<void> {
  const writer = createCaptureWriter(file, { format: 'pcap', linkType: 1 });
  const v6 = (last: number): Uint8Array => Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), last]);
  const arp = Uint8Array.from([...new Array<number>(12).fill(2), 0x08, 0x06, ...new Array<number>(28).fill(1)]);
  for (let index = 0; index < packets; index++) {
    const src = ipv4Bytes(0xc6336400 + (index % 7));
    const dst = ipv4Bytes(0x7fc80000 + ((index * 7919) % 4096));
    let frame: Uint8Array;
    switch (index % 6) {
      case 0:
        frame = wrapEthernet(
          buildTcp({
            src,
            dst,
            srcPort: 40000 + (index % 5),
            dstPort: [23, 2323, 80, 8080, 5555][index % 5]!,
            seq: (index * 2654435761) >>> 0,
            flags: tcpFlag.syn,
          }),
        );
        break;
      case 1:
        frame = wrapEthernet(buildTcp({ src: v6(index % 3), dst: v6(200), srcPort: 1000, dstPort: 23 + (index % 4), seq: index, flags: tcpFlag.syn }));
        break;
      case 2:
        frame = wrapEthernet(buildUdp({ src, dst, srcPort: index % 2 ? 53 : 1234, dstPort: 1900 + (index % 3) }));
        break;
      case 3:
        frame = index % 4 === 1 ? arp : wrapEthernet(buildIcmpEcho({ src: v6(index % 5), dst: v6(201), identifier: 1, sequence: index }));
        break;
      case 4:
        frame = wrapEthernet(buildIcmpEcho({ src, dst, identifier: 1, sequence: index, reply: index % 2 === 0 }));
        break;
      default:
        frame = wrapEthernet(buildTcp({ src, dst, srcPort: 80, dstPort: 40000, seq: 1, flags: tcpFlag.syn | tcpFlag.ack })).subarray(0, 14 + 12);
        break;
    }
    await writer.write(1_700_000_000_000_000 + index * 997_000, frame);
  }
  await writer.close();
}

test('IPv4 mixed with IPv6, non-IP and cut frames: same per-source order and counts on every path', async () => {
  const file = join(dir, 'mixed.pcap');
  // Enough declined frames to fill a worker slot's list of them more than once.
  await writeMixedCapture(file, 30_000);
  const plain = await assertSameOnEveryPath('mixed', () => file, { periodSeconds: 3600 }, ['batches', 'worker from the start', 'worker after 1 chunk']);
  const sources = (plain.snapshot as { windows: Array<{ sources: Array<{ ip: string }> }> }).windows.flatMap((window) =>
    window.sources.map((source) => source.ip),
  );
  assert.ok(sources.some((ip) => ip.includes(':')) && sources.includes('?') && sources.includes('198.51.100.3'), 'IPv6, non-IP and IPv4 sources all present');
});

test('several aggregators at once equal one at a time', async () => {
  const file = join(dir, 'gen-11.pcap');
  const days = createDarknetAggregator({ periodSeconds: 86400 });
  const hours = createDarknetAggregator({ periodSeconds: 3600 });
  await aggregateCapture(file, [days, hours]);
  assert.deepEqual(snapshot(days), (await aggregate('plain', () => file, { periodSeconds: 86400 })).snapshot);
  assert.deepEqual(snapshot(hours), (await aggregate('plain', () => file, { periodSeconds: 3600 })).snapshot);
});

/** File offset of the first pcap record at or after `offset` (little-endian pcap). */
function recordAtOrAfter(pcap: Buffer, offset: number): number {
  let at = 24;
  while (at < offset) at += 16 + pcap.readUInt32LE(at + 8);
  return at;
}

test('corruption: same OpenNoticeError on every path, after the same packets; skip mode the same stats', async () => {
  const good = readFileSync(join(dir, 'gen-11.pcap'));
  const cut = join(dir, 'cut.pcap');
  writeFileSync(cut, good.subarray(0, 2_500_001));
  // A record in the second chunk claims an impossible length: nothing after it can be read.
  const corrupt = join(dir, 'corrupt.pcap');
  const damaged = Buffer.from(good);
  damaged.writeUInt32LE(0x7fffffff, recordAtOrAfter(damaged, 1_500_000) + 8);
  writeFileSync(corrupt, damaged);
  for (const file of [cut, corrupt]) {
    const reference: unknown[] = [];
    for (const path of ['plain', ...filePaths] as Path[]) {
      const aggregator = createDarknetAggregator({ periodSeconds: 3600 });
      const error = await read(path, file, aggregator, {}).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof OpenNoticeError, `${path}: ${String(error)}`);
      const outcome = [
        { code: error.code, message: error.message, context: error.context, aggregated: snapshot(aggregator) },
        await aggregate(path, () => file, { periodSeconds: 3600 }, 'skip'),
      ];
      if (path === 'plain') reference.push(...outcome);
      else assert.deepEqual(outcome, reference, `${file}: ${path}`);
    }
    const packetsBeforeError = (reference[0] as { aggregated: { windows: Array<{ packets: number }> } }).aggregated.windows.reduce(
      (sum, window) => sum + window.packets,
      0,
    );
    assert.ok(packetsBeforeError > 10_000, `${file}: packets before the error counted (${packetsBeforeError})`);
  }
});
