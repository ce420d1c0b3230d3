// Darknet benchmark: a generated capture of ≥ 10M packets, read + classify + aggregate by
// opennotice (`aggregateCapture`, the bulk path everything uses), against
// `tcpdump -r FILE -w /dev/null` with a BPF filter (the read floor) and `tshark -T fields` on
// a slice. The machine is shared, so opennotice and tcpdump are timed in alternation over
// several rounds and each round's ratio is taken: medians are reported. Each opennotice run
// is a child process, so its peak memory is its own. Bounded: the capture size and rounds
// are fixed, every external tool has a time limit.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregateCapture } from '../src/darknet/classify/aggregate-capture.ts';
import { createDarknetAggregator } from '../src/darknet/classify/aggregate.ts';
import { generateDarknetCapture, parseIpv4Cidr } from '../src/lab/darknet/generate.ts';

const darknet = '127.192.0.0/10';
const tsharkSlice = 500_000;
const rounds = 5;
const toolTimeoutMs = 15 * 60_000;

/** What one measuring child process prints (one JSON line). */
interface Measurement {
  packets: number;
  seconds: number;
  peakRssBytes: number;
  aggregatorBytes: number;
  sources: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const rate = (packets: number, seconds: number): string => `${(packets / seconds / 1e6).toFixed(2)} M packets/s`;

/** Child side: aggregate the capture once and report. */
async function measure(file: string, mode: string): Promise<void> {
  const aggregator = createDarknetAggregator({ periodSeconds: 86_400, darknet: parseIpv4Cidr(darknet) });
  const started = performance.now();
  const stats = await aggregateCapture(file, aggregator, { decodeInWorker: mode === 'worker' });
  const seconds = (performance.now() - started) / 1000;
  const [day] = aggregator.windows();
  const result: Measurement = {
    packets: stats.packets,
    seconds,
    // ru_maxrss of the whole process: both threads and every buffer.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    aggregatorBytes: aggregator.bytesUsed(),
    sources: day === undefined ? 0 : aggregator.sourceCount(day),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(file: string, mode: 'worker' | 'thread'): Measurement {
  const output = execFileSync(process.execPath, [...process.execArgv, new URL('./run.ts', import.meta.url).pathname, 'darknet', '--measure', file, mode], {
    encoding: 'utf8',
    timeout: toolTimeoutMs,
  });
  return JSON.parse(output.trim().split('\n').pop()!) as Measurement;
}

function timeTool(command: string, args: string[]): number {
  const started = performance.now();
  execFileSync(command, args, { stdio: 'ignore', timeout: toolTimeoutMs });
  return (performance.now() - started) / 1000;
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--measure') return measure(args[1]!, args[2]!);
  const minimumPackets = Number(args[0] ?? 10_000_000);
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-darknet-'));
  try {
    const file = join(directory, 'darknet.pcap');
    // A /10 darknet for a day at scale 8 gives about 10.5M packets; grow the scale if not.
    let scale = 8;
    let truth = await generateDarknetCapture({ file, format: 'pcap', darknet, durationSeconds: 86_400, seed: 1, scale });
    while (truth.packets < minimumPackets && scale < 2000) {
      scale = Math.ceil((scale * minimumPackets * 1.05) / Math.max(1, truth.packets));
      truth = await generateDarknetCapture({ file, format: 'pcap', darknet, durationSeconds: 86_400, seed: 1, scale });
    }
    const megabytes = statSync(file).size / 2 ** 20;
    process.stdout.write(`capture: ${truth.packets} packets, ${megabytes.toFixed(0)} MiB, darknet ${darknet}, ${truth.sources.length} sources\n`);

    const hasTcpdump = spawnSync('tcpdump', ['--version']).status === 0;
    if (!hasTcpdump) process.stdout.write('tcpdump not installed (Debian package "tcpdump"): no read-floor figure\n');
    const ours: Measurement[] = [];
    const oneThread: Measurement[] = [];
    const tcpdump: number[] = [];
    const ratios: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const worker = runChild(file, 'worker');
      const thread = runChild(file, 'thread');
      ours.push(worker);
      oneThread.push(thread);
      let line = `round ${round}: opennotice ${worker.seconds.toFixed(2)} s (one thread ${thread.seconds.toFixed(2)} s)`;
      if (hasTcpdump) {
        const seconds = timeTool('tcpdump', ['-n', '-r', file, '-w', '/dev/null', 'tcp[tcpflags] & tcp-syn != 0 and dst net 127.192.0.0/10']);
        tcpdump.push(seconds);
        ratios.push(seconds / worker.seconds);
        line += `, tcpdump ${seconds.toFixed(2)} s: ${(seconds / worker.seconds).toFixed(2)}×`;
      }
      process.stdout.write(`${line}\n`);
    }
    const packets = ours[0]!.packets;
    const oursSeconds = median(ours.map((m) => m.seconds));
    const peakRss = Math.max(...ours.map((m) => m.peakRssBytes));
    process.stdout.write(
      `opennotice read + classify + aggregate (median of ${rounds}): ${oursSeconds.toFixed(2)} s = ${rate(packets, oursSeconds)}; ` +
        `one thread ${median(oneThread.map((m) => m.seconds)).toFixed(2)} s = ${rate(packets, median(oneThread.map((m) => m.seconds)))}; ` +
        `aggregator ${(ours[0]!.aggregatorBytes / 2 ** 20).toFixed(1)} MiB for ${ours[0]!.sources} sources; peak rss ${(peakRss / 2 ** 20).toFixed(0)} MiB ` +
        `(one thread ${(Math.max(...oneThread.map((m) => m.peakRssBytes)) / 2 ** 20).toFixed(0)} MiB)\n`,
    );
    if (hasTcpdump) {
      const tcpdumpSeconds = median(tcpdump);
      process.stdout.write(
        `tcpdump -r FILE -w /dev/null (BPF filter, median): ${tcpdumpSeconds.toFixed(2)} s = ${rate(truth.packets, tcpdumpSeconds)}; opennotice ÷ tcpdump = ${median(ratios).toFixed(2)}× (median of per-round ratios; target ≥ 1×)\n`,
      );
    }

    if (spawnSync('tshark', ['--version']).status === 0) {
      const seconds = timeTool('tshark', ['-r', file, '-c', String(tsharkSlice), '-T', 'fields', '-e', 'ip.src', '-e', 'tcp.dstport']);
      const tsharkRate = tsharkSlice / seconds;
      process.stdout.write(
        `tshark -T fields -e ip.src -e tcp.dstport on the first ${tsharkSlice} packets: ${seconds.toFixed(2)} s = ${(tsharkRate / 1e3).toFixed(0)} k packets/s; opennotice ÷ tshark = ${(packets / oursSeconds / tsharkRate).toFixed(0)}× (target ≥ 100×)\n`,
      );
    } else process.stdout.write('tshark not installed (Debian package "tshark"): no tshark figure\n');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
