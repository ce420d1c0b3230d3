// Darknet benchmark: a generated capture of ≥ 10M packets, read + classify + aggregate by
// opennotice (`aggregateCapture`, the bulk path everything uses), against
// `tcpdump -r FILE -w /dev/null` with a BPF filter (the read floor) and `tshark -T fields` on
// a slice. The machine is shared, so opennotice and tcpdump are timed in alternation over
// several rounds and each round's ratio is taken: medians are reported. Each opennotice run
// is a child process, so its peak memory is its own. Bounded: the capture size and rounds
// are fixed, every external tool has a time limit. `--small`: ten minutes of the same
// darknet (~400k packets, 24 MiB), one round, tshark on 20,000 packets.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregateCapture } from '../src/darknet/classify/aggregate-capture.ts';
import { createDarknetAggregator } from '../src/darknet/classify/aggregate.ts';
import { generateDarknetCapture, parseIpv4Cidr } from '../src/lab/darknet/generate.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { printTarget, printTargetUnavailable } from './_target.ts';
import { toolInstalled } from './_tools.ts';

/** Only the capture file's packets are addressed to it: nothing is sent anywhere. */
const darknet = '127.192.0.0/10';
const toolTimeoutMs = 15 * 60_000;

/** How big the capture is and how often it is read. */
interface DarknetSizes {
  /** The generator's scale grows until the capture has at least this many packets. */
  minimumPackets: number;
  /** The scale tried first (8 gives about 10.5M packets for a day of the /10). */
  initialScale: number;
  durationSeconds: number;
  rounds: number;
  /** tshark is ~250× slower: it reads only the first packets. */
  tsharkSlice: number;
}

/** Ten minutes of the same darknet at scale 1: ~400k packets, 24 MiB. */
const smallSizes: DarknetSizes = { minimumPackets: 0, initialScale: 1, durationSeconds: 600, rounds: 1, tsharkSlice: 20_000 };

function fullSizes(args: readonly string[]): DarknetSizes {
  return { minimumPackets: Number(args[0] ?? 10_000_000), initialScale: 8, durationSeconds: 86_400, rounds: 5, tsharkSlice: 500_000 };
}

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

/**
 * Capture reading against tcpdump and tshark; ends with `target: darknet_vs_tcpdump` and
 * `target: darknet_vs_tshark`. `--measure FILE MODE` is the measuring child's side.
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const { args } = options;
  if (args[0] === '--measure') return measure(args[1]!, args[2]!);
  const { minimumPackets, initialScale, durationSeconds, rounds, tsharkSlice } = options.small ? smallSizes : fullSizes(args);
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-darknet-'));
  try {
    const file = join(directory, 'darknet.pcap');
    // A /10 darknet for a day at scale 8 gives about 10.5M packets; grow the scale if not.
    let scale = initialScale;
    let truth = await generateDarknetCapture({ file, format: 'pcap', darknet, durationSeconds, seed: 1, scale });
    while (truth.packets < minimumPackets && scale < 2000) {
      scale = Math.ceil((scale * minimumPackets * 1.05) / Math.max(1, truth.packets));
      truth = await generateDarknetCapture({ file, format: 'pcap', darknet, durationSeconds, seed: 1, scale });
    }
    const megabytes = statSync(file).size / 2 ** 20;
    process.stdout.write(`capture: ${truth.packets} packets, ${megabytes.toFixed(0)} MiB, darknet ${darknet}, ${truth.sources.length} sources\n`);

    const hasTcpdump = toolInstalled('tcpdump');
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
    const tcpdumpRatio = hasTcpdump ? median(ratios) : undefined;
    if (hasTcpdump) {
      const tcpdumpSeconds = median(tcpdump);
      process.stdout.write(
        `tcpdump -r FILE -w /dev/null (BPF filter, median): ${tcpdumpSeconds.toFixed(2)} s = ${rate(truth.packets, tcpdumpSeconds)}; opennotice ÷ tcpdump = ${median(ratios).toFixed(2)}× (median of per-round ratios; target ≥ 1×)\n`,
      );
    }

    let tsharkRatio: number | undefined;
    if (toolInstalled('tshark')) {
      const slice = Math.min(tsharkSlice, packets);
      const seconds = timeTool('tshark', ['-r', file, '-c', String(slice), '-T', 'fields', '-e', 'ip.src', '-e', 'tcp.dstport']);
      const tsharkRate = slice / seconds;
      tsharkRatio = packets / oursSeconds / tsharkRate;
      process.stdout.write(
        `tshark -T fields -e ip.src -e tcp.dstport on the first ${slice} packets: ${seconds.toFixed(2)} s = ${(tsharkRate / 1e3).toFixed(0)} k packets/s; opennotice ÷ tshark = ${tsharkRatio.toFixed(0)}× (target ≥ 100×)\n`,
      );
    } else process.stdout.write('tshark not installed (Debian package "tshark"): no tshark figure\n');

    if (tcpdumpRatio === undefined) printTargetUnavailable('darknet_vs_tcpdump', 'tcpdump not installed');
    else printTarget('darknet_vs_tcpdump', tcpdumpRatio);
    if (tsharkRatio === undefined) printTargetUnavailable('darknet_vs_tshark', 'tshark not installed');
    else printTarget('darknet_vs_tshark', tsharkRatio);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
