import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanCapture } from '../../darknet/capture/reader.ts';
import { generateDarknetCapture, parseIpv4Cidr, type DarknetGeneratorOptions } from './generate.ts';

function withDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'opennotice-darknet-'));
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const base: Omit<DarknetGeneratorOptions, 'file'> = {
  format: 'pcap',
  darknet: '127.200.0.0/16',
  durationSeconds: 6 * 3600,
  seed: 11,
  scale: 1,
  infectedSources: ['127.0.1.10', '127.0.1.11', '127.0.1.12'],
};

test('parseIpv4Cidr masks host bits and rejects junk', () => {
  assert.deepEqual(parseIpv4Cidr('127.200.3.4/16'), { base: 0x7fc80000, size: 65536 });
  assert.throws(() => parseIpv4Cidr('127.300.0.0/16'), /not an IPv4 CIDR/);
});

test('same seed gives the same bytes; another seed does not', async () => {
  await withDir(async (dir) => {
    const digest = async (seed: number, name: string): Promise<string> => {
      const file = join(dir, name);
      await generateDarknetCapture({ ...base, file, seed });
      return createHash('sha256').update(readFileSync(file)).digest('hex');
    };
    const first = await digest(11, 'a.pcap');
    assert.equal(await digest(11, 'b.pcap'), first);
    assert.notEqual(await digest(12, 'c.pcap'), first);
  });
});

test('ground truth matches what the reader sees, packet for packet and per source', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'dark.pcapng');
    const truth = await generateDarknetCapture({ ...base, file, format: 'pcapng' });
    const perSource = new Map<string, number>();
    const darknet = parseIpv4Cidr(base.darknet);
    let last = 0;
    let ordered = true;
    let outside = 0;
    const stats = await scanCapture(file, (packet) => {
      perSource.set(packet.src!, (perSource.get(packet.src!) ?? 0) + 1);
      if (packet.timeMicros < last) ordered = false;
      last = packet.timeMicros;
      if (packet.dstV4! < darknet.base || packet.dstV4! >= darknet.base + darknet.size) outside++;
    });
    assert.equal(stats.packets, truth.packets);
    assert.ok(ordered, 'timestamps ascend');
    assert.equal(outside, 0, 'every packet targets the darknet');
    assert.ok(last <= truth.startMicros + base.durationSeconds * 1e6);
    for (const source of truth.sources) assert.equal(perSource.get(source.ip) ?? 0, source.packets, source.ip);
    const infected = truth.sources.filter((source) => source.ip.startsWith('127.0.1.'));
    assert.deepEqual(
      infected.map((source) => source.kind),
      ['mirai', 'mirai', 'bot-other'],
    );
    const kinds = new Set(truth.sources.map((source) => source.kind));
    assert.deepEqual([...kinds].sort(), ['backscatter', 'bot-other', 'mirai', 'misconfiguration', 'research-scanner']);
    assert.ok(truth.sources.filter((source) => source.kind === 'research-scanner').every((source) => source.ip.startsWith('203.0.113.')));
  });
});

test('bot packet counts follow rate·T·N/2^32: a /20 sees about 1/16 of what a /16 sees', async () => {
  await withDir(async (dir) => {
    const count = async (darknet: string): Promise<number> => {
      const truth = await generateDarknetCapture({ ...base, file: join(dir, 'x.pcap'), darknet, durationSeconds: 86400, scale: 3 });
      return truth.packetsByKind.mirai + truth.packetsByKind['bot-other'];
    };
    const wide = await count('127.200.0.0/16');
    const narrow = await count('127.200.0.0/20');
    // 63 bots at 80–200 pps for ≥ 60% of a day: expected ≈ 6k–13k packets in a /16.
    assert.ok(wide > 5000 && wide < 16000, `wide ${wide}`);
    const ratio = wide / narrow;
    assert.ok(ratio > 12 && ratio < 21, `ratio ${ratio}`);
  });
});

test('Mirai probes carry seq == destination and go to port 23 about 90% of the time', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'm.pcap');
    const truth = await generateDarknetCapture({ ...base, file, durationSeconds: 86400, scale: 2 });
    const mirai = new Set(truth.sources.filter((source) => source.kind === 'mirai').map((source) => source.ip));
    let probes = 0;
    let fingerprinted = 0;
    let telnet = 0;
    await scanCapture(file, (packet) => {
      if (!mirai.has(packet.src!)) return;
      probes++;
      if (packet.seq === packet.dstV4 && packet.tcpFlags === 0x02) fingerprinted++;
      if (packet.dstPort === 23) telnet++;
    });
    assert.ok(probes > 1000);
    assert.equal(fingerprinted, probes);
    assert.ok(telnet / probes > 0.86 && telnet / probes < 0.94, `port 23 share ${telnet / probes}`);
  });
});
