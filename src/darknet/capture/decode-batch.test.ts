/**
 * The batch decoder must agree with decodeFrame + classifyPacket on every field the aggregator
 * reads (time, addresses, ports, class), and decline exactly the frames that are not
 * complete-header IPv4: checked frame by frame on the
 * shared real captures, a generated capture, and seeded random damage to real frames.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDarknetCapture } from '../../lab/darknet/generate.ts';
import { classifyPacket, packetClasses } from '../classify/classify-packet.ts';
import { createPacketBatch, rowField, type DecodedPacket } from '../packet.ts';
import { decodeIntoBatch } from './decode-batch.ts';
import { decodeFrame, type FrameInfo } from './decode.ts';
import { scanFrames } from './reader.ts';
import { sharedData } from '../../../test/support/shared-data.ts';

const CAPTURES = sharedData('pcaps');

/** Fails with the frame's description when the row and the decoded packet disagree. */
function checkFrame(frame: FrameInfo, label: string): boolean {
  const packet: DecodedPacket = decodeFrame(frame, { formatAddresses: false });
  const batch = createPacketBatch(1);
  const view = new DataView(frame.buffer.buffer, frame.buffer.byteOffset, frame.buffer.byteLength);
  batch.timeMicros[0] = frame.timeMicros;
  const accepted = decodeIntoBatch(frame.buffer, view, frame.offset, frame.captured, frame.linkType, batch);
  assert.equal(accepted, packet.ipVersion === 4 && packet.srcV4 !== undefined, `${label}: declined exactly when not a complete-header IPv4 packet`);
  if (!accepted) return false;
  const row = batch.fields;
  assert.deepEqual(
    {
      time: batch.timeMicros[0],
      src: row[rowField.srcV4]! >>> 0,
      dst: row[rowField.dstV4]! >>> 0,
      packetClass: packetClasses[row[rowField.classNumber]!],
      srcPort: row[rowField.srcPort],
      dstPort: row[rowField.dstPort],
      ipProtocol: row[rowField.ipProtocol],
      ipLength: row[rowField.ipLength],
    },
    {
      time: packet.timeMicros,
      src: packet.srcV4,
      dst: packet.dstV4,
      packetClass: classifyPacket(packet),
      srcPort: packet.srcPort ?? -1,
      dstPort: packet.dstPort ?? -1,
      ipProtocol: packet.ipProtocol,
      ipLength: packet.ipLength,
    },
    label,
  );
  assert.equal(batch.count, 1);
  return true;
}

/** Copies of the first `limit` frames of a capture (scanFrames reuses its frame object). */
async function framesOf(file: string, limit: number): Promise<FrameInfo[]> {
  const frames: FrameInfo[] = [];
  await scanFrames(file, (frame) => {
    if (frames.length < limit)
      frames.push({ ...frame, buffer: Uint8Array.from(frame.buffer.subarray(frame.offset, frame.offset + frame.captured)), offset: 0 });
  });
  return frames;
}

test('batch rows equal decodeFrame on every shared real capture, frame by frame', async () => {
  let accepted = 0;
  let declined = 0;
  for (const name of readdirSync(CAPTURES)
    .filter((file) => /\.pcap(ng)?$/.test(file))
    .sort()) {
    await scanFrames(join(CAPTURES, name), (frame) => {
      if (checkFrame(frame, `${name} frame`)) accepted++;
      else declined++;
    });
  }
  assert.ok(accepted > 1000, `IPv4 frames checked (${accepted})`);
  assert.ok(declined > 10, `IPv6 / non-IP frames declined (${declined})`);
});

test('batch rows equal decodeFrame on a generated capture (pcapng, Ethernet) and on damaged real frames', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'opennotice-batch-'));
  try {
    const file = join(dir, 'dark.pcapng');
    await generateDarknetCapture({
      file,
      format: 'pcapng',
      darknet: '127.200.0.0/16',
      durationSeconds: 3600,
      seed: 5,
      scale: 1,
      linkType: 1,
      nanosecond: true,
    });
    let accepted = 0;
    await scanFrames(file, (frame) => {
      if (checkFrame(frame, 'generated frame')) accepted++;
    });
    assert.ok(accepted > 100);

    // Seeded damage inside the headers: IHL below 5, fragments, NS flag, odd protocols and
    // lengths, cut transport headers, plus random flips.
    let state = 7;
    const random = (below: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % below;
    };
    const originals = [...(await framesOf(join(CAPTURES, 'esnet-masscan-tcp-0-1000.pcap'), 300)), ...(await framesOf(file, 300))];
    const damages: Array<(bytes: Uint8Array, ip: number) => void> = [
      (bytes, ip) => {
        bytes[ip] = 0x40 | random(16);
      },
      (bytes, ip) => {
        bytes[ip + 6] = random(256);
        bytes[ip + 7] = random(256);
      },
      (bytes, ip) => {
        bytes[ip + 9] = [1, 6, 17, 58, 2, 0][random(6)]!;
      },
      (bytes, ip) => {
        bytes[ip + 2] = random(2);
        bytes[ip + 3] = random(256);
      },
      (bytes, ip) => {
        const l4 = ip + (bytes[ip]! & 15) * 4;
        if (l4 + 13 < bytes.length) {
          bytes[l4 + 12] |= 1;
          bytes[l4 + 13] = random(256);
        }
      },
      (bytes) => {
        for (let flips = 1 + random(3); flips > 0; flips--) bytes[random(Math.min(bytes.length, 64))] ^= 1 + random(255);
      },
    ];
    const seen = new Set<number>();
    for (const [index, original] of originals.entries()) {
      const ip = original.linkType === 1 ? 14 : 0;
      for (let round = 0; round < 12; round++) {
        const bytes = Uint8Array.from(original.buffer);
        const damage = random(damages.length);
        damages[damage]!(bytes, ip);
        const captured = random(4) === 0 ? random(bytes.length + 1) : bytes.length;
        if (checkFrame({ ...original, buffer: bytes, captured }, `damaged frame ${index}/${round} (damage ${damage})`)) seen.add(damage);
      }
    }
    assert.equal(seen.size, damages.length, 'every kind of damage met in accepted frames');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
