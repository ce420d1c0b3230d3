// Darknet benchmark: a generated capture of ≥ 10M packets, read + classify + aggregate by
// opennotice, against `tcpdump -r FILE -w /dev/null` with a BPF filter (the read floor) and
// `tshark -T fields` on a slice. Prints packets/s, ratios and peak memory. Bounded: the
// capture size is fixed, every external tool has a time limit.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanCapture } from '../src/darknet/capture/reader.ts';
import { createDarknetAggregator } from '../src/darknet/classify/aggregate.ts';
import { generateDarknetCapture, parseIpv4Cidr } from '../src/lab/darknet/generate.ts';

const darknet = '127.192.0.0/10';
const tsharkSlice = 500_000;

function timed<T>(work: () => T): { value: T; seconds: number } {
  const started = performance.now();
  const value = work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

export async function run(args: string[]): Promise<void> {
  const minimumPackets = Number(args[0] ?? 10_000_000);
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-darknet-'));
  try {
    const file = join(directory, 'darknet.pcap');
    // A /10 darknet for a day at scale 8 gives about 10.6M packets; grow the scale if not.
    let scale = 8;
    let truth = await generateDarknetCapture({ file, format: 'pcap', darknet, durationSeconds: 86_400, seed: 1, scale });
    while (truth.packets < minimumPackets && scale < 2000) {
      scale = Math.ceil((scale * minimumPackets * 1.05) / Math.max(1, truth.packets));
      truth = await generateDarknetCapture({ file, format: 'pcap', darknet, durationSeconds: 86_400, seed: 1, scale });
    }
    const megabytes = statSync(file).size / 2 ** 20;
    process.stdout.write(`capture: ${truth.packets} packets, ${megabytes.toFixed(0)} MiB, darknet ${darknet}, ${truth.sources.length} sources\n`);

    const range = parseIpv4Cidr(darknet);
    const aggregator = createDarknetAggregator({ periodSeconds: 86_400, darknet: range });
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const started = performance.now();
    let seen = 0;
    await scanCapture(file, (packet) => {
      aggregator.add(packet);
      if (++seen % 1_000_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, { formatAddresses: false });
    const ours = (performance.now() - started) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const oursRate = seen / ours;
    process.stdout.write(`opennotice read + classify + aggregate: ${ours.toFixed(2)} s = ${(oursRate / 1e6).toFixed(2)} M packets/s; aggregator ${(aggregator.bytesUsed() / 2 ** 20).toFixed(1)} MiB; peak rss ${(peakRss / 2 ** 20).toFixed(0)} MiB\n`);

    if (spawnSync('tcpdump', ['--version']).status === 0) {
      const tcpdump = timed(() => execFileSync('tcpdump', ['-n', '-r', file, '-w', '/dev/null', 'tcp[tcpflags] & tcp-syn != 0 and dst net 127.192.0.0/10'], { stdio: 'ignore', timeout: 15 * 60_000 }));
      const rate = truth.packets / tcpdump.seconds;
      process.stdout.write(`tcpdump -r FILE -w /dev/null (BPF filter): ${tcpdump.seconds.toFixed(2)} s = ${(rate / 1e6).toFixed(2)} M packets/s; opennotice ÷ tcpdump = ${(oursRate / rate).toFixed(2)}× (target ≥ 1×)\n`);
    } else process.stdout.write('tcpdump not installed (Debian package "tcpdump"): no read-floor figure\n');

    if (spawnSync('tshark', ['--version']).status === 0) {
      const tshark = timed(() =>
        execFileSync('tshark', ['-r', file, '-c', String(tsharkSlice), '-T', 'fields', '-e', 'ip.src', '-e', 'tcp.dstport'], { stdio: ['ignore', 'ignore', 'ignore'], timeout: 15 * 60_000 }),
      );
      const rate = tsharkSlice / tshark.seconds;
      process.stdout.write(`tshark -T fields -e ip.src -e tcp.dstport on the first ${tsharkSlice} packets: ${tshark.seconds.toFixed(2)} s = ${(rate / 1e3).toFixed(0)} k packets/s; opennotice ÷ tshark = ${(oursRate / rate).toFixed(0)}× (target ≥ 100×)\n`);
    } else process.stdout.write('tshark not installed (Debian package "tshark"): no tshark figure\n');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
