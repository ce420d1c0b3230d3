/**
 * Hand-built pcap/pcapng files (tiny inline writer) for both byte orders, µs/ns magic,
 * pcapng sections, if_tsresol/if_tsoffset, EPB/SPB/OPB, skipped block types, gzip, chunking
 * and corruption handling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OpenNoticeError } from '../../core/errors.ts';
import { openCapture, scanCapture, type CaptureSource } from './reader.ts';
import type { DecodedPacket } from '../packet.ts';

// ---- tiny writer -------------------------------------------------------------------------

/** A raw-IP (linktype 101) IPv4/UDP frame to 198.51.100.<last> port `port`. */
function frame(last: number, port: number): Buffer {
  const packet = Buffer.alloc(28);
  packet[0] = 0x45;
  packet.writeUInt16BE(28, 2);
  packet[8] = 64;
  packet[9] = 17;
  packet.set([192, 0, 2, 1, 198, 51, 100, last], 12);
  packet.writeUInt16BE(1234, 20);
  packet.writeUInt16BE(port, 22);
  packet.writeUInt16BE(8, 24);
  return packet;
}

interface Writer {
  u16(v: number): Buffer;
  u32(v: number): Buffer;
}
const writer = (little: boolean): Writer => ({
  u16: (v) => {
    const b = Buffer.alloc(2);
    if (little) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  },
  u32: (v) => {
    const b = Buffer.alloc(4);
    if (little) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  },
});

function pcap(little: boolean, nano: boolean, linkType: number, records: Array<[seconds: number, fraction: number, data: Buffer]>): Buffer {
  const w = writer(little);
  const header = [w.u32(nano ? 0xa1b23c4d : 0xa1b2c3d4), w.u16(2), w.u16(4), w.u32(0), w.u32(0), w.u32(65535), w.u32(linkType)];
  const body = records.flatMap(([seconds, fraction, data]) => [w.u32(seconds), w.u32(fraction), w.u32(data.length), w.u32(data.length), data]);
  return Buffer.concat([...header, ...body]);
}

const pad4 = (data: Buffer): Buffer => Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);

function block(w: Writer, type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  return Buffer.concat([w.u32(type), w.u32(total), body, w.u32(total)]);
}

const ng = {
  section: (w: Writer) => block(w, 0x0a0d0d0a, Buffer.concat([w.u32(0x1a2b3c4d), w.u16(1), w.u16(0), Buffer.alloc(8, 0xff)])),
  iface: (w: Writer, linkType: number, options: Array<[code: number, value: Buffer]> = [], snapLength = 0) =>
    block(
      w,
      1,
      Buffer.concat([
        w.u16(linkType),
        w.u16(0),
        w.u32(snapLength),
        ...options.flatMap(([code, value]) => [w.u16(code), w.u16(value.length), pad4(value)]),
        ...(options.length ? [w.u32(0)] : []),
      ]),
    ),
  epb: (w: Writer, id: number, ticks: bigint, data: Buffer) =>
    block(
      w,
      6,
      Buffer.concat([w.u32(id), w.u32(Number(ticks >> 32n)), w.u32(Number(ticks & 0xffffffffn)), w.u32(data.length), w.u32(data.length), pad4(data)]),
    ),
  opb: (w: Writer, id: number, ticks: bigint, data: Buffer) =>
    block(
      w,
      2,
      Buffer.concat([w.u16(id), w.u16(0), w.u32(Number(ticks >> 32n)), w.u32(Number(ticks & 0xffffffffn)), w.u32(data.length), w.u32(data.length), pad4(data)]),
    ),
  spb: (w: Writer, data: Buffer) => block(w, 3, Buffer.concat([w.u32(data.length), pad4(data)])),
  other: (w: Writer, type: number) => block(w, type, Buffer.alloc(8)),
};

function int64(w: Writer, little: boolean, value: bigint): Buffer {
  const b = Buffer.alloc(8);
  if (little) b.writeBigInt64LE(value);
  else b.writeBigInt64BE(value);
  void w;
  return b;
}

// ---- helpers -----------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'opennotice-capture-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let fileCounter = 0;
function save(bytes: Buffer, extension = 'pcap'): string {
  const file = join(dir, `f${fileCounter++}.${extension}`);
  writeFileSync(file, bytes);
  return file;
}

async function readAll(source: CaptureSource, onCorrupt: 'throw' | 'skip' = 'throw'): Promise<DecodedPacket[]> {
  const packets: DecodedPacket[] = [];
  for await (const packet of openCapture(source, { onCorrupt })) packets.push(packet);
  return packets;
}

/** tshark's timestamps for a hand-built file, when tshark is installed (the oracle tests require it). */
function tsharkMicros(file: string): number[] {
  const out = execFileSync('tshark', ['-n', '-r', file, '-T', 'fields', '-e', 'frame.time_epoch'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out
    .split('\n')
    .filter(Boolean)
    .map((t) => {
      const [s, f = ''] = t.split('.');
      return Number(s) * 1e6 + Number(f.padEnd(6, '0').slice(0, 6));
    });
}

// ---- tests -------------------------------------------------------------------------------

test('pcap in both byte orders with µs and ns magic', async () => {
  for (const little of [true, false]) {
    for (const nano of [false, true]) {
      const bytes = pcap(little, nano, 101, [
        [1700000000, nano ? 123456789 : 123456, frame(1, 23)],
        [1700000001, 5, frame(2, 2323)],
      ]);
      const packets = await readAll(save(bytes));
      const label = `little=${little} nano=${nano}`;
      assert.deepEqual(
        packets.map((p) => [p.dst, p.dstPort]),
        [
          ['198.51.100.1', 23],
          ['198.51.100.2', 2323],
        ],
        label,
      );
      assert.equal(packets[0].timeMicros, 1700000000_123456, label);
      assert.equal(packets[1].timeMicros, 1700000001_000000 + (nano ? 0 : 5), label);
    }
  }
});

test('pcapng: both byte orders, sections restart interface ids, EPB/OPB/SPB, other blocks skipped', async () => {
  for (const little of [true, false]) {
    const w = writer(little);
    const bytes = Buffer.concat([
      ng.section(w),
      ng.iface(w, 1),
      ng.iface(w, 101),
      ng.other(w, 4 /* NRB */),
      ng.epb(w, 1, 1_700_000_000_000_000n, frame(1, 1)),
      ng.other(w, 5 /* ISB */),
      ng.other(w, 0x0bad /* custom */),
      ng.other(w, 10 /* DSB */),
      ng.section(w),
      ng.iface(w, 101),
      ng.opb(w, 0, 1_700_000_001_000_000n, frame(2, 2)),
      ng.spb(w, frame(3, 3)),
    ]);
    const packets = await readAll(save(bytes, 'pcapng'));
    assert.deepEqual(
      packets.map((p) => [p.linkType, p.dstPort, p.timeMicros]),
      [
        [101, 1, 1_700_000_000_000_000],
        [101, 2, 1_700_000_001_000_000],
        [101, 3, 0],
      ],
      `little=${little}`,
    );
  }
});

test('pcapng if_tsresol (10^-9, 10^-3, 2^-10) and if_tsoffset convert to µs like tshark', async () => {
  const w = writer(true);
  const bytes = Buffer.concat([
    ng.section(w),
    ng.iface(w, 101, [[9, Buffer.from([9])]]),
    ng.iface(w, 101, [
      [9, Buffer.from([3])],
      [14, int64(w, true, 100n)],
    ]),
    ng.iface(w, 101, [[9, Buffer.from([0x80 | 10])]]),
    ng.epb(w, 0, 1_700_000_000_123_456_789n, frame(1, 1)),
    ng.epb(w, 1, 1_700_000_000_123n, frame(2, 2)),
    ng.epb(w, 2, 1_700_000_000n * 1024n + 512n, frame(3, 3)),
  ]);
  const file = save(bytes, 'pcapng');
  const micros = (await readAll(file)).map((p) => p.timeMicros);
  assert.deepEqual(micros, [1_700_000_000_123_456, 1_700_000_100_123_000, 1_700_000_000_500_000]);
  assert.deepEqual(micros, tsharkMicros(file));
});

test('gzip-compressed captures are inflated on the fly', async () => {
  const bytes = pcap(true, false, 101, [[1, 0, frame(9, 80)]]);
  const packets = await readAll(save(gzipSync(bytes), 'pcap.gz'));
  assert.deepEqual(
    packets.map((p) => p.dstPort),
    [80],
  );
});

test('records split across any chunk boundary read the same (stream source, 1..7-byte chunks)', async () => {
  const w = writer(false);
  const bytes = Buffer.concat([ng.section(w), ng.iface(w, 101), ...Array.from({ length: 20 }, (_, i) => ng.epb(w, 0, BigInt(i), frame(i, i)))]);
  for (const size of [1, 3, 7]) {
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    }
    const packets = await readAll(chunks());
    assert.deepEqual(
      packets.map((p) => p.dstPort),
      Array.from({ length: 20 }, (_, i) => i),
      `chunk ${size}`,
    );
  }
});

async function rejection(source: CaptureSource): Promise<OpenNoticeError> {
  try {
    await scanCapture(source, () => {});
  } catch (error) {
    assert.ok(error instanceof OpenNoticeError);
    return error;
  }
  assert.fail('expected an OpenNoticeError');
}

test('corruption throws IMPORT_INVALID with the file and byte offset', async () => {
  const good = pcap(true, false, 101, [
    [1, 0, frame(1, 1)],
    [2, 0, frame(2, 2)],
  ]);
  const badMagic = await rejection(save(Buffer.from('not a capture at all')));
  assert.match(badMagic.message, /not a pcap or pcapng file/);
  assert.equal(badMagic.code, 'IMPORT_INVALID');
  const huge = Buffer.from(good);
  huge.writeUInt32LE(0x7fffffff, 24 + 16 + 28 + 8); // second record's caplen
  const hugeError = await rejection(save(huge));
  assert.equal(hugeError.context.offset, 24 + 16 + 28);
  assert.match(hugeError.message, /byte 68: record caplen/);
  const cut = await rejection(save(good.subarray(0, good.length - 5)));
  assert.match(cut.message, /truncated last record/);
  const w = writer(true);
  const odd = Buffer.concat([ng.section(w), ng.iface(w, 101), ng.epb(w, 0, 0n, frame(1, 1))]);
  odd.writeUInt32LE(46, 28 + 20 + 4); // EPB length not a multiple of 4
  assert.match((await rejection(save(odd))).message, /byte 48: block length 46/);
  assert.match((await rejection(save(Buffer.alloc(0)))).message, /empty file/);
});

test('skip mode counts corruption instead of throwing and keeps good packets', async () => {
  const w = writer(true);
  const unknownInterface = ng.epb(w, 7, 0n, frame(1, 1));
  const bytes = Buffer.concat([ng.section(w), ng.iface(w, 101), ng.epb(w, 0, 0n, frame(1, 1)), unknownInterface, ng.epb(w, 0, 0n, frame(3, 3))]);
  const capture = openCapture(save(bytes, 'pcapng'), { onCorrupt: 'skip' });
  const ports: Array<number | undefined> = [];
  for await (const packet of capture) ports.push(packet.dstPort);
  assert.deepEqual(ports, [1, 3], 'block with a bad interface id skipped by its length');
  assert.deepEqual([capture.stats.packets, capture.stats.skipped, capture.stats.corruptAt], [2, 1, [28 + 20 + 60]]);
  const good = pcap(false, false, 101, [
    [1, 0, frame(1, 1)],
    [2, 0, frame(2, 2)],
  ]);
  const cut = openCapture(save(good.subarray(0, good.length - 3)), { onCorrupt: 'skip' });
  let count = 0;
  for await (const _ of cut) count++;
  assert.deepEqual([count, cut.stats.skipped, cut.stats.corruptAt], [1, 1, [24 + 44]]);
  const gzipCut = await scanCapture(save(gzipSync(good).subarray(0, 30), 'pcap.gz'), () => {}, { onCorrupt: 'skip' });
  assert.ok(gzipCut.skipped >= 1, 'cut gzip counted');
});
