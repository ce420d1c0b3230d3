// Flows benchmark: one recorded NetFlow v9 export stream (written once to a file: datagrams
// with their lengths, templates resent every 20 datagrams as exporters do) replayed over
// loopback to `opennotice flows collect` (with `--receiver dgram`, then `--receiver native`,
// the default) and to nfdump's `nfcapd`, one after the other, in alternating rounds (and, once,
// to a Node process that only receives with node:dgram). The machine is shared and the sender
// is paced, so wall time says little: what is compared is flow records ingested per CPU second
// of the collector's processes — the Node process and, with the native receiver, its receiver
// child too (all threads, from /proc/PID/stat) — plus what each received and its peak memory
// (VmHWM, summed), after a warm-up stream of other hosts that is not measured (a collector runs
// for months: its steady rate is what counts). The target uses the native receiver. Both
// collectors bind a 127.160.0.0/16 address; nothing leaves the host. Then, in this process: the
// decode and aggregation alone, and what taking the rows out costs (after the measured window,
// as nfcapd's final file flush is). Last, the C&C figures the issue names with this benchmark:
// candidate detection time on a generated day of flows, and precision and recall on the lab
// (bench/cnc.ts). `--small`: 60,000 records, one round, small C&C populations.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DecodeContext } from '../src/flows/decode-context.ts';
import { FlowAggregator } from '../src/flows/flow-aggregates.ts';
import { FlowColumns } from '../src/flows/flow-columns.ts';
import { decodeFlowColumns } from '../src/flows/flow-decoder.ts';
import { ipv4FlowFields, netflowV9, writeIpv4Flow, writeSet, writeTemplate } from '../test/support/flow-exports.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { measureCncOnLab, timeCncDetection } from './cnc.ts';
import { printTarget, printTargetUnavailable } from './_target.ts';
import { toolInstalled } from './_tools.ts';

const cliEntry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const floorEntry = fileURLToPath(new URL('./_dgram-floor.ts', import.meta.url));
/** The network the detection time is told for: subscribers (one device each in the lab), one day. */
const subscribers = 100_000;
const recordsPerDatagram = 30;
const templateEvery = 20;
const clockTicksPerSecond = 100;
const childTimeoutMs = 10 * 60_000;

interface Sizes {
  records: number;
  rounds: number;
  /** Records of a warm-up stream (other hosts) each collector receives before the measured one. */
  warmupRecords: number;
}

/** The export stream a round sends: a warm-up, not measured, then the measured stream. */
interface RoundStreams {
  warmup: readonly Buffer[];
  measured: readonly Buffer[];
  warmupRecords: number;
}

/** The stream as one buffer: [u16 length, datagram]… — what a capture of the exporter's output holds. */
function recordStream(records: number, seed = 2026): Buffer[] {
  const datagrams: Buffer[] = [];
  const exportSeconds = Math.floor(Date.now() / 1000);
  // A fixed linear congruential sequence: the same stream every run.
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  for (let sent = 0, index = 0; sent < records; index++) {
    const count = Math.min(recordsPerDatagram, records - sent);
    datagrams.push(
      netflowV9({ uptimeMs: 3_600_000, unixSeconds: exportSeconds, sourceId: 0 }, (w) => {
        if (index % templateEvery === 0) writeSet(w, 0, (t) => writeTemplate(t, 256, ipv4FlowFields));
        writeSet(w, 256, (d) => {
          for (let r = 0; r < count; r++) {
            const host = next();
            writeIpv4Flow(d, {
              source: `10.${(host >>> 16) & 255}.${(host >>> 8) & 255}.${host & 255}`,
              destination: `198.51.100.${next() % 64}`,
              sourcePort: 1024 + (next() % 60000),
              destinationPort: [23, 80, 443, 2323, 7547][next() % 5]!,
              protocol: 6,
              packets: 1 + (next() % 20),
              bytes: 40 + (next() % 20000),
              firstUptimeMs: 3_000_000,
              lastUptimeMs: 3_500_000,
              tcpFlags: 0x12,
            });
          }
        });
      }),
    );
    sent += count;
  }
  return datagrams;
}

function saveStream(file: string, datagrams: readonly Buffer[]): void {
  const parts: Buffer[] = [];
  for (const datagram of datagrams) {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(datagram.length);
    parts.push(length, datagram);
  }
  writeFileSync(file, Buffer.concat(parts));
}

function loadStream(file: string): Buffer[] {
  const bytes = readFileSync(file);
  const datagrams: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = bytes.readUInt16BE(at);
    datagrams.push(bytes.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return datagrams;
}

/** Sends the stream paced in bursts, so a collector that keeps up loses nothing to the socket buffer. */
async function replay(datagrams: readonly Buffer[], address: string, port: number): Promise<void> {
  const socket = createSocket('udp4');
  try {
    for (let index = 0; index < datagrams.length; index++) {
      await new Promise<void>((resolve, reject) => socket.send(datagrams[index]!, port, address, (error) => (error ? reject(error) : resolve())));
      if (index % 16 === 15) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    socket.close();
  }
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After the command name: utime and stime are fields 14 and 15 of the whole line.
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

function peakMemoryMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

/** Waits for `text` on the child's stderr (bounded), so the replay starts once the socket is bound. */
function waitForStderr(child: ChildProcess, text: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${text} within ${timeoutMs} ms: ${seen}`)), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (text.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => reject(new Error(`exited before ${text}: ${seen}`)));
  });
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

interface Measured {
  records: number;
  cpuSeconds: number;
  peakMiB: number;
}

interface MeasuredOpennotice extends Measured {
  /** The native receiver child's share of cpuSeconds (0 with node:dgram). */
  receiverCpuSeconds: number;
  receiverPeakMiB: number;
  receiver: 'native' | 'dgram';
}

/** Every CPU second counts: the collector's Node process and, with the native receiver, its child. */
async function measureOpennotice(streams: RoundStreams, port: number, receiver: 'native' | 'dgram'): Promise<MeasuredOpennotice> {
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', cliEntry, 'flows', 'collect', '--listen', `127.160.0.1:${port}`, '--no-store', '--json', '--receiver', receiver],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: childTimeoutMs,
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitForStderr(child, /listening for flows/, 60_000);
  const receiverPid = Number(/native receiver \(pid (\d+)\)/.exec(stderr)?.[1] ?? 0) || undefined;
  if (receiver === 'native' && receiverPid === undefined) throw new Error(`the collector did not use the native receiver: ${stderr}`);
  const processes = receiverPid === undefined ? [child.pid!] : [child.pid!, receiverPid];
  const cpuOf = () => processes.map(cpuSeconds);
  await replay(streams.warmup, '127.160.0.1', port);
  await settle();
  const before = cpuOf();
  await replay(streams.measured, '127.160.0.1', port);
  await settle();
  const after = cpuOf();
  const peakMiB = processes.map(peakMemoryMiB);
  child.kill('SIGTERM');
  await exitOf(child);
  const report = JSON.parse(stdout) as { counters: { records: number } };
  return {
    records: report.counters.records - streams.warmupRecords,
    cpuSeconds: after.reduce((sum, value, index) => sum + value - before[index]!, 0),
    peakMiB: peakMiB.reduce((sum, value) => sum + value, 0),
    receiverCpuSeconds: receiverPid === undefined ? 0 : after[1]! - before[1]!,
    receiverPeakMiB: peakMiB[1] ?? 0,
    receiver,
  };
}

/** CPU seconds of a Node process that receives the stream and does nothing else. */
async function measureDgramFloor(datagrams: readonly Buffer[], port: number): Promise<{ datagrams: number; cpuSeconds: number }> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', floorEntry, '127.160.0.3', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: childTimeoutMs,
  });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  await waitForStderr(child, /listening/, 30_000);
  const before = cpuSeconds(child.pid!);
  await replay(datagrams, '127.160.0.3', port);
  await settle();
  const used = cpuSeconds(child.pid!) - before;
  child.kill('SIGTERM');
  await exitOf(child);
  return { datagrams: (JSON.parse(stdout) as { datagrams: number }).datagrams, cpuSeconds: used };
}

/** The collector's own work without the socket, in this process: decode into columns, aggregate, then take the rows out. */
function measureInProcess(datagrams: readonly Buffer[]): { records: number; ingestSeconds: number; rows: number; drainSeconds: number } {
  const context = new DecodeContext();
  const columns = new FlowColumns();
  const aggregator = new FlowAggregator();
  const started = process.cpuUsage();
  let records = 0;
  for (const datagram of datagrams) {
    records += decodeFlowColumns(datagram, '127.160.0.1', context, Date.now(), columns);
    aggregator.addColumns(columns);
  }
  const ingested = process.cpuUsage(started);
  const rows = aggregator.rows().length;
  const drained = process.cpuUsage(started);
  const seconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;
  return { records, ingestSeconds: seconds(ingested), rows, drainSeconds: seconds(drained) - seconds(ingested) };
}

async function measureNfcapd(streams: RoundStreams, port: number, directory: string): Promise<Measured> {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const child = spawn('nfcapd', ['-b', '127.160.0.2', '-p', String(port), '-w', directory, '-B', String(8 * 1024 * 1024)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: childTimeoutMs,
  });
  // nfcapd prints nothing reliable when ready: wait until its socket is bound.
  for (let attempt = 0; ; attempt++) {
    const sockets = execFileSync('ss', ['-uln'], { encoding: 'utf8', timeout: 10_000 });
    if (sockets.includes(`127.160.0.2:${port}`)) break;
    if (attempt > 100 || child.exitCode !== null) throw new Error('nfcapd did not bind');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await replay(streams.warmup, '127.160.0.2', port);
  await settle();
  const before = cpuSeconds(child.pid!);
  await replay(streams.measured, '127.160.0.2', port);
  await settle();
  const used = cpuSeconds(child.pid!) - before;
  const peakMiB = peakMemoryMiB(child.pid!);
  child.kill('SIGTERM');
  await exitOf(child);
  const listed = execFileSync('nfdump', ['-R', directory, '-q', '-o', 'fmt:%sp'], { encoding: 'utf8', timeout: childTimeoutMs, maxBuffer: 1 << 30 });
  return { records: listed.split('\n').filter((line) => line.trim() !== '').length - streams.warmupRecords, cpuSeconds: used, peakMiB };
}

function describeOurs(measured: MeasuredOpennotice): string {
  const child =
    measured.receiver === 'native'
      ? ` (receiver child ${measured.receiverCpuSeconds.toFixed(2)} CPU s, peak ${Math.round(measured.receiverPeakMiB)} MiB, included)`
      : '';
  return `opennotice, ${measured.receiver === 'native' ? 'native receiver' : 'node:dgram'}: ${measured.records} records received, ${measured.cpuSeconds.toFixed(2)} CPU s = ${Math.round(perSecond(measured))} records/CPU s; peak ${Math.round(measured.peakMiB)} MiB${child}`;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const perSecond = (m: Measured) => m.records / Math.max(m.cpuSeconds, 1 / clockTicksPerSecond);

/**
 * Prints the stream, each round's figures, the floor, in-process and C&C figures, and ends with
 * `target: flows_vs_nfcapd = RATIO` (opennotice records per CPU second ÷ nfcapd's; target ≥ 1×;
 * n/a without nfcapd), `target: cnc_precision = …` and `target: cnc_recall = …`.
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const sizes: Sizes = options.small
    ? { records: 60_000, rounds: 1, warmupRecords: 6_000 }
    : { records: Number(options.args[0] ?? 2_000_000), rounds: 3, warmupRecords: 200_000 };
  const work = mkdtempSync(join(tmpdir(), 'on-flows-bench-'));
  try {
    const streamFile = join(work, 'export-stream.bin');
    saveStream(streamFile, recordStream(sizes.records));
    const datagrams = loadStream(streamFile);
    const bytes = datagrams.reduce((sum, datagram) => sum + datagram.length, 0);
    process.stdout.write(`stream: NetFlow v9, ${sizes.records} records in ${datagrams.length} datagrams, ${(bytes / 2 ** 20).toFixed(1)} MiB\n`);
    // Collectors run for months: what counts is the steady rate, so each collector first gets a
    // warm-up stream of other hosts (Node compiles its hot code then; nfcapd gets the same), and
    // only the stream after it is measured. The received counts exclude the warm-up.
    const streams: RoundStreams = { warmup: recordStream(sizes.warmupRecords, 4047), measured: datagrams, warmupRecords: sizes.warmupRecords };
    process.stdout.write(`warm-up before each measurement: ${sizes.warmupRecords} records of other hosts, not measured\n`);
    const withNfcapd = toolInstalled('nfdump') && spawnable('nfcapd');
    const ratios: number[] = [];
    const ours: Measured[] = [];
    const dgramRuns: Measured[] = [];
    for (let round = 0; round < sizes.rounds; round++) {
      const port = 20000 + (process.pid % 20000) + round;
      const withDgram = await measureOpennotice(streams, port, 'dgram');
      process.stdout.write(`round ${round + 1} ${describeOurs(withDgram)}\n`);
      dgramRuns.push(withDgram);
      const opennotice = await measureOpennotice(streams, port, 'native');
      ours.push(opennotice);
      process.stdout.write(`round ${round + 1} ${describeOurs(opennotice)}\n`);
      if (!withNfcapd) continue;
      const nfcapd = await measureNfcapd(streams, port, join(work, `nfcapd-${round}`));
      process.stdout.write(
        `round ${round + 1} nfcapd: ${nfcapd.records} records received, ${nfcapd.cpuSeconds.toFixed(2)} CPU s = ${Math.round(perSecond(nfcapd))} records/CPU s; peak ${Math.round(nfcapd.peakMiB)} MiB; opennotice ÷ nfcapd = ${(perSecond(opennotice) / perSecond(nfcapd)).toFixed(2)}×\n`,
      );
      ratios.push(perSecond(opennotice) / perSecond(nfcapd));
    }
    process.stdout.write(
      `opennotice median: native receiver ${Math.round(median(ours.map(perSecond)))} records/CPU s, node:dgram ${Math.round(median(dgramRuns.map(perSecond)))} records/CPU s (${sizes.rounds} rounds; the target uses the native receiver, the default)\n`,
    );
    const floor = await measureDgramFloor(datagrams, 20000 + (process.pid % 20000) + sizes.rounds);
    process.stdout.write(
      `node:dgram receive alone (no decoding): ${floor.datagrams} datagrams, ${floor.cpuSeconds.toFixed(2)} CPU s = ${Math.round(sizes.records / Math.max(floor.cpuSeconds, 1 / clockTicksPerSecond))} records/CPU s\n`,
    );
    const inProcess = measureInProcess(datagrams);
    process.stdout.write(
      `in-process decode + aggregate (no socket): ${inProcess.records} records in ${inProcess.ingestSeconds.toFixed(3)} CPU s = ${Math.round(inProcess.records / inProcess.ingestSeconds)} records/CPU s; taking out ${inProcess.rows} rows: ${inProcess.drainSeconds.toFixed(3)} CPU s\n`,
    );
    const cncPooled = measureCncOnLab(options);
    const day = options.small ? { devices: 500, hours: 2 } : { devices: 1000, hours: 24 };
    const detection = timeCncDetection(day.devices, day.hours, 16);
    const scale = (subscribers * 24) / (day.devices * day.hours);
    process.stdout.write(
      `cnc candidate detection: ${detection.flows} flows of ${day.devices} devices × ${day.hours} h in ${detection.seconds.toFixed(2)} CPU s = ${(detection.flows / detection.seconds / 1e6).toFixed(2)} M flows/s, ${detection.candidates} candidates; ` +
        `one day of a ${subscribers}-subscriber network ≈ ${Math.round(detection.flows * scale)} flows ≈ ${Math.round(detection.seconds * scale)} CPU s (extrapolated linearly, not measured at that size)\n`,
    );
    if (withNfcapd) printTarget('flows_vs_nfcapd', median(ratios));
    else printTargetUnavailable('flows_vs_nfcapd', 'nfcapd not installed');
    printTarget('cnc_precision', cncPooled.precision);
    printTarget('cnc_recall', cncPooled.recall);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function spawnable(command: string): boolean {
  try {
    execFileSync(command, ['-V'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
