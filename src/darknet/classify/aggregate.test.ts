import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DecodedPacket } from '../packet.ts';
import { createDarknetAggregator } from './aggregate.ts';
import { createResearchScannerList } from './research-list.ts';
import { maxBytesPerSource } from './source-table.ts';
import { judgeSource, scannerThresholds } from './verdict.ts';

const darknetBase = 0x7fc80000;
const day = 86400e6;

function synPacket(srcV4: number, dstV4: number, dstPort: number, timeMicros: number, seq = 1): DecodedPacket {
  return {
    timeMicros,
    length: 40,
    captured: 40,
    linkType: 101,
    ipVersion: 4,
    srcV4,
    dstV4,
    protocol: 'tcp',
    ipProtocol: 6,
    ipId: 1,
    srcPort: 40000,
    dstPort,
    tcpFlags: 0x02,
    seq,
    truncated: false,
  };
}

test('distinct destinations: exact up to 8, then within 3 standard errors (6.5%) of the truth', () => {
  const aggregator = createDarknetAggregator({ periodSeconds: 86400 });
  const small = 0x0a000001;
  for (let index = 0; index < 20; index++) aggregator.add(synPacket(small, darknetBase + (index % 5), 23, index));
  const sizes = [100, 1000, 20000];
  sizes.forEach((size, source) => {
    for (let index = 0; index < size; index++) aggregator.add(synPacket(0x0b000000 + source, darknetBase + index * 7, 23, index));
  });
  const summaries = new Map([...aggregator.sources(0)].map((summary) => [summary.srcV4, summary]));
  assert.equal(summaries.get(small)!.distinctDestinations, 5);
  assert.equal(summaries.get(small)!.distinctExact, true);
  sizes.forEach((size, source) => {
    const summary = summaries.get(0x0b000000 + source)!;
    assert.equal(summary.distinctExact, false);
    assert.ok(Math.abs(summary.distinctDestinations - size) / size < 3 * 0.065, `${size} → ${summary.distinctDestinations}`);
  });
});

test('packets, first/last seen, fingerprint hits and top ports per source', () => {
  const aggregator = createDarknetAggregator({ periodSeconds: 86400 });
  const src = 0x0a000002;
  const ports = [23, 23, 23, 23, 2323, 2323, 80, 8080, 37215, 23];
  ports.forEach((port, index) => {
    aggregator.add(synPacket(src, darknetBase + index, port, 1000 + index, darknetBase + index));
  });
  aggregator.add(synPacket(src, darknetBase, 23, 500, 7));
  const [summary] = [...aggregator.sources(0)];
  assert.equal(summary.ip, '10.0.0.2');
  assert.equal(summary.packets, 11);
  assert.equal(summary.firstSeenMicros, 500);
  assert.equal(summary.lastSeenMicros, 1009);
  assert.equal(summary.hits.mirai, 10);
  assert.equal(summary.hits['tcp-syn-scan'], 1);
  assert.deepEqual(summary.topPorts[0], { port: 23, count: 6 });
  assert.deepEqual(summary.topPorts[1], { port: 2323, count: 2 });
  assert.equal(summary.topPorts.length, 4);
});

test('windows split by day and by hour', () => {
  const days = createDarknetAggregator({ periodSeconds: 86400 });
  const hours = createDarknetAggregator({ periodSeconds: 3600 });
  for (const time of [0, 3599e6, 3600e6, day + 5]) {
    days.add(synPacket(1, darknetBase, 23, time));
    hours.add(synPacket(1, darknetBase, 23, time));
  }
  assert.deepEqual(days.windows(), [0, day]);
  assert.deepEqual(hours.windows(), [0, 3600e6, day]);
  assert.equal([...days.sources(0)][0].packets, 3);
  days.drop(0);
  assert.deepEqual(days.windows(), [day]);
});

test('thresholds scale with darknet size and observation time', () => {
  const slash16 = scannerThresholds({ darknetSize: 65536, observedSeconds: 86400 });
  const slash12 = scannerThresholds({ darknetSize: 1 << 20, observedSeconds: 86400 });
  assert.ok(Math.abs(slash16.expectedPackets - (50 * 86400 * 65536) / 2 ** 32) < 1e-9);
  assert.equal(slash12.minPackets, Math.ceil(slash16.expectedPackets * 16 * 0.5));
  assert.equal(scannerThresholds({ darknetSize: 4096, observedSeconds: 3600 }).minPackets, 3);
});

test('verdicts: research list first, then scanner past thresholds, backscatter, noise', () => {
  const aggregator = createDarknetAggregator({ periodSeconds: 86400 });
  const research = createResearchScannerList(['203.0.113.0/24', '2001:db8:1::/48']);
  const thresholds = scannerThresholds({ darknetSize: 65536, observedSeconds: 86400 });
  for (let index = 0; index < 40; index++) {
    aggregator.add(synPacket(0x01010101, darknetBase + index * 13, 23, index, darknetBase + index * 13));
    aggregator.add(synPacket(0x02020202, darknetBase + index * 13, 23, index, 5));
    aggregator.add(synPacket(0xcb007105, darknetBase + index * 13, 23, index, 5));
  }
  for (let index = 0; index < 5; index++) aggregator.add(synPacket(0x03030303, darknetBase + index, 23, index));
  aggregator.add({ ...synPacket(0x04040404, darknetBase, 0, 1), tcpFlags: 0x12, srcPort: 80, dstPort: 5555 });
  const verdicts = new Map([...aggregator.sources(0)].map((summary) => [summary.ip, judgeSource(summary, thresholds, research)]));
  assert.deepEqual(verdicts.get('1.1.1.1'), { ...verdicts.get('1.1.1.1'), verdict: 'scanner', family: 'mirai' });
  assert.equal(verdicts.get('2.2.2.2')!.family, 'other');
  assert.equal(verdicts.get('203.0.113.5')!.verdict, 'research');
  assert.equal(verdicts.get('3.3.3.3')!.verdict, 'noise');
  assert.equal(verdicts.get('4.4.4.4')!.verdict, 'backscatter');
  assert.equal(research.contains('2001:db8:1::9'), true);
  assert.equal(research.contains('2001:db8:2::9'), false);
});

test(`memory: 400k sources stay within ${maxBytesPerSource} bytes each (typed columns and measured heap)`, () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage();
  const aggregator = createDarknetAggregator({ periodSeconds: 86400 });
  const sources = 400_000;
  for (let index = 0; index < sources; index++) {
    const src = (0x20000000 + index * 2654435761) >>> 0;
    aggregator.add(synPacket(src, darknetBase + (index & 0xffff), 23, index));
    aggregator.add(synPacket(src, darknetBase + ((index + 1) & 0xffff), 2323, index + 1));
  }
  gc();
  const after = process.memoryUsage();
  assert.equal(aggregator.sourceCount(0), sources);
  assert.ok(aggregator.bytesUsed() <= sources * maxBytesPerSource, `accounted ${aggregator.bytesUsed() / sources} B/source`);
  // Typed arrays live outside the JS heap (arrayBuffers); a little slack for the test's own allocations.
  const measured = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
  assert.ok(measured <= sources * maxBytesPerSource * 1.1, `measured ${measured / sources} B/source`);
});
