// UDP benchmark: the lab's UDP services (SSDP, SNMP, NTP, DNS, memcached, and hostile UDP
// devices) inside a network namespace, probed from a second namespace over a veth pair by the
// survey's UDP stage and by `zmap -M udp` with the same first request per port, in one run.
// Prints probes per second and the share of answering services each tool heard (its loss),
// reflectors found per second, and reflector precision and recall against the lab's truth.
// `--small`: a lab of 40 devices on a /26, zmap only if installed; needs root either way
// (network namespaces).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLabProcess } from '../src/lab/lab-child-process.ts';
import { scoreUdpFindings } from '../src/lab/score-against-truth.ts';
import { senderThreadFromPacketsPerSecond } from '../src/scope/udp-sweep.ts';
import type { LabTruth } from '../src/lab/truth.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { printTarget, printTargetUnavailable } from './_target.ts';
import { toolInstalled } from './_tools.ts';
import { firstRequest } from './_udp-probes.ts';
import { createUdpBenchNetwork, type UdpBenchNetwork } from './_udp-namespaces.ts';
import type { UdpSurveyFigures } from './_udp-survey-child.ts';

interface UdpSizes {
  lab: { cidr: string; devices: number };
  /** zmap's send rates tried, packets per second; the survey's own achieved rate is tried as well. */
  zmapRates: readonly number[];
  /** The packet rate the survey's sweep is given: zmap's highest. */
  surveyRate: number;
  installZmap: boolean;
  /**
   * zmap keeps listening this long after its last probe (`-c`). The lab answers within
   * milliseconds, but zmap's status file (its send rate) is written once a second: at least 2 s
   * so that a line after the last send exists.
   */
  zmapCooldownSeconds: number;
}

/** A /20 (4,096 addresses, 1,000 devices): 20,480 UDP targets on the five ports. 127.233/16 is used by no test. */
const fullSizes: UdpSizes = {
  lab: { cidr: '127.233.0.0/20', devices: 1000 },
  zmapRates: [10_000, 100_000],
  surveyRate: 100_000,
  installZmap: true,
  zmapCooldownSeconds: 3,
};
const smallSizes: UdpSizes = {
  lab: { cidr: '127.234.0.0/26', devices: 40 },
  zmapRates: [10_000],
  surveyRate: 10_000,
  installZmap: false,
  zmapCooldownSeconds: 2,
};
/** The UDP ports the lab's devices answer on, each with a shipped UDP protocol. */
const ports = [53, 123, 161, 1900, 11211] as const;
/** The lab's forwarders answer any name; a name of our own is what a plan would give. */
const resolverCheckName = 'check.bench.opennotice.example';
const childScript = fileURLToPath(new URL('./_udp-survey-child.ts', import.meta.url));

/** What one zmap pass over every port heard. */
interface ZmapPass {
  rate: number;
  /** zmap's `-T`: its sender threads (its default is 1). */
  threads: number;
  seconds: number;
  probes: number;
  /** `address:port` of the services that answered from the probed port. */
  heard: Set<string>;
}

function ensureZmap(install: boolean): boolean {
  if (toolInstalled('zmap')) return true;
  if (install && process.getuid?.() === 0) {
    process.stderr.write('zmap not found: installing the Debian package (apt-get install -y zmap) …\n');
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'zmap'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return toolInstalled('zmap');
  }
  return false;
}

/** Run a command inside a namespace to its end; its stdout, or an error naming what failed. */
function runIn(network: UdpBenchNetwork, namespace: string, command: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = network.spawnIn(namespace, command, args);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8192);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.slice(0, 3).join(' ')} … exited with ${code}: ${stderr.trim().slice(-2000)}`));
    });
  });
}

/**
 * Services of the truth that answer the first request from the port asked: reflectors, DNS
 * forwarders that refuse (REFUSED is an answer), and hostile devices that answer anything from
 * the port asked. Silent ones: SNMP agents of another community, a hostile answer from another port.
 */
function answeringServices(truth: LabTruth): Set<string> {
  const answering = new Set<string>();
  for (const device of truth.devices)
    for (const service of device.udpServices ?? []) {
      const answers = service.hostile !== undefined ? service.hostile !== 'other-port' : service.reflector || service.protocol === 'dns';
      if (answers) answering.add(`${device.ip}:${service.port}`);
    }
  return answering;
}

/**
 * zmap's own figure of its send rate for one run: the last line of its status file (`-u`),
 * written each second, whose `sent-avg-per-sec` is the datagrams sent over the time from its
 * first send to its last — zmap's start-up, wind-down and cooldown left out by zmap itself.
 * (A run of 4,096 probes lasts a few hundredths of a second: timing it from outside measured
 * zmap's start-up more than its sending.)
 */
function zmapSendRate(statusFile: string): { sent: number; perSecond: number } {
  const rows = readFileSync(statusFile, 'utf8').trim().split('\n');
  const header = rows[0]!.split(',');
  const last = rows.at(-1)!.split(',');
  const sent = Number(last[header.indexOf('sent-total')]);
  const perSecond = Number(last[header.indexOf('sent-avg-per-sec')]);
  if (!(sent > 0 && perSecond > 0)) throw new Error(`zmap's status file ${statusFile} has no send rate in its last line: ${rows.at(-1)}`);
  return { sent, perSecond };
}

/** zmap 2.1.1's known abort (zmap issues #310 and #786, fixed after Debian 12's version) on few targets. */
const zmapKnownAbort = 'constraint_lookup_index';
const zmapAttempts = 3;

/**
 * One zmap run, run again when Debian's zmap 2.1.1 aborts with its known assertion: with few
 * targets a sender thread can be handed a shard with nothing in it and abort (the lab of small
 * mode is a /26). Any other failure, or the abort three times, ends the benchmark.
 */
async function runZmapPastKnownAbort(network: UdpBenchNetwork, args: readonly string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runIn(network, network.scanNamespace, 'zmap', args, 120_000);
      return;
    } catch (error) {
      if (attempt >= zmapAttempts || !String(error).includes(zmapKnownAbort)) throw error;
      process.stdout.write(`zmap aborted with its known ${zmapKnownAbort} assertion (fixed after zmap 2.1.1); run again (${attempt + 1} of ${zmapAttempts})\n`);
    }
  }
}

async function zmapPass(
  network: UdpBenchNetwork,
  cooldownSeconds: number,
  cidr: string,
  rate: number,
  directory: string,
  passPorts: readonly number[] = ports,
  threads = 1,
): Promise<ZmapPass> {
  const heard = new Set<string>();
  let seconds = 0;
  let probes = 0;
  for (const port of passPorts) {
    const probeFile = join(directory, `probe-${port}.bin`);
    writeFileSync(probeFile, firstRequest(port, resolverCheckName)!);
    const output = join(directory, `zmap-${port}-${rate}-${threads}.csv`);
    const statusFile = join(directory, `zmap-${port}-${rate}-${threads}.status.csv`);
    const args = [
      ...['-i', network.scanInterface, '-G', network.gatewayMac, '-S', network.scanAddress],
      ...['-M', 'udp', '-p', String(port), `--probe-args=file:${probeFile}`],
      // zmap's own blocklist names 127/8; the lab's range is inside our own namespaces.
      ...['-b', '/dev/null', '-r', String(rate), '-T', String(threads), '-c', String(cooldownSeconds), '-q'],
      ...['-O', 'csv', '-f', 'saddr,sport,classification,success', '-o', output, '-u', statusFile, cidr],
    ];
    // zmap's monitor opens the status file after zmap has dropped root (to nobody): it must exist, writable.
    writeFileSync(statusFile, '');
    chmodSync(statusFile, 0o666);
    await runZmapPastKnownAbort(network, args);
    const { sent, perSecond } = zmapSendRate(statusFile);
    seconds += sent / perSecond;
    probes += sent;
    for (const row of readFileSync(output, 'utf8').split('\n').slice(1)) {
      const [address, sport, classification, success] = row.split(',');
      if (classification === 'udp' && success === '1' && Number(sport) === port) heard.add(`${address}:${port}`);
    }
  }
  return { rate, threads, seconds, probes, heard };
}

/**
 * The UDP stage against zmap on a lab in network namespaces; ends with `target: udp_vs_zmap`,
 * `target: reflector_precision` and `target: reflector_recall`.
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const sizes = options.small ? smallSizes : fullSizes;
  if (process.getuid?.() !== 0) throw new Error('bench udp needs root: it runs the lab and the scanners in network namespaces of its own');
  const haveZmap = ensureZmap(sizes.installZmap);
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-udp-'));
  // Searchable by zmap once it has dropped root (its status file lives here).
  chmodSync(directory, 0o711);
  const network = await createUdpBenchNetwork(sizes.lab.cidr);
  let lab: Awaited<ReturnType<typeof startLabProcess>> | undefined;
  try {
    lab = await startLabProcess({ cidr: sizes.lab.cidr, devices: sizes.lab.devices, seed: 1, namespace: network.labNamespace });
    const truth = lab.truth;
    const answering = answeringServices(truth);
    const reflectors = truth.devices.flatMap((device) => (device.udpServices ?? []).filter((service) => service.reflector)).length;
    const targets = 2 ** (32 - Number(sizes.lab.cidr.split('/')[1])) * ports.length;
    process.stdout.write(
      `bench udp: lab of ${sizes.lab.devices} devices on ${sizes.lab.cidr} in namespace ${network.labNamespace}, probed from ${network.scanNamespace} over a veth; ` +
        `UDP ports ${ports.join(', ')}: ${targets} targets, ${answering.size} services answer the first request (${reflectors} reflectors in the truth)\n`,
    );

    const ours = JSON.parse(
      await runIn(
        network,
        network.scanNamespace,
        process.execPath,
        ['--disable-warning=ExperimentalWarning', childScript, sizes.lab.cidr, ports.join(','), resolverCheckName, String(sizes.surveyRate)],
        30 * 60_000,
      ),
    ) as UdpSurveyFigures;
    // Like zmap's: datagrams over the time spent sending them (cooldowns and the grabs that follow left out).
    const ourRate = ours.swept / Math.max(0.001, ours.sendingSeconds);
    // Compared like zmap's: only the services the truth says answer the first request count.
    const heardOfAnswering = ours.heard.filter((service) => answering.has(service)).length;
    const heardByUs = heardOfAnswering / Math.max(1, answering.size);
    const score = scoreUdpFindings(truth, ours.findings);
    const foundReflectors = ours.findings.filter((finding) => finding.kind === 'reflector').length;
    process.stdout.write(
      `opennotice UDP stage (sweep at up to ${sizes.surveyRate}/s with its default ${sizes.surveyRate >= senderThreadFromPacketsPerSecond ? 'one sender thread' : 'no sender thread'}, then grabs): ${ours.seconds.toFixed(1)} s in all, ${ours.sendingSeconds.toFixed(1)} s sending, ${ours.swept} probes for ${ours.targets} targets = ${ourRate.toFixed(0)} probes/s; ` +
        `${ours.answered} services answered (${ours.unmatched} more with something else; ${(heardByUs * 100).toFixed(1)} % of those that answer); ${foundReflectors} reflectors = ${(foundReflectors / ours.seconds).toFixed(1)} reflectors/s\n`,
    );
    process.stdout.write(
      `reflectors against the truth: precision ${score.reflectors.precision.toFixed(3)} recall ${score.reflectors.recall.toFixed(3)} ` +
        `(${score.reflectors.truePositives} right, ${score.reflectors.falsePositives.length} false, ${score.reflectors.falseNegatives.length} missed); ` +
        `SNMP readable with public: precision ${score.readableCommunities.precision.toFixed(3)} recall ${score.readableCommunities.recall.toFixed(3)}\n`,
    );

    if (!haveZmap) {
      process.stdout.write('zmap: not installed (full mode installs it as root)\n');
      printTargetUnavailable('udp_vs_zmap', 'zmap not installed');
    } else {
      const passes: ZmapPass[] = [];
      process.stdout.write("zmap's rate is its own: each run's average send rate from its status file (first send to last)\n");
      for (const rate of [Math.max(100, Math.round(ourRate)), ...sizes.zmapRates])
        passes.push(await zmapPass(network, sizes.zmapCooldownSeconds, sizes.lab.cidr, rate, directory, ports));
      // zmap with a second sender thread too, at its highest rate: the survey's sweep has one sender thread
      // beside its main thread by default, so zmap is given every thread it can use as well.
      passes.push(await zmapPass(network, sizes.zmapCooldownSeconds, sizes.lab.cidr, Math.max(...sizes.zmapRates), directory, ports, 2));
      for (const pass of passes) {
        const heard = [...pass.heard].filter((service) => answering.has(service)).length / Math.max(1, answering.size);
        process.stdout.write(
          `zmap -M udp -r ${pass.rate} -T ${pass.threads}: ${pass.seconds.toFixed(1)} s sending, ${pass.probes} probes = ${(pass.probes / pass.seconds).toFixed(0)} probes/s; ` +
            `${pass.heard.size} services answered (${(heard * 100).toFixed(1)} % of those that answer)\n`,
        );
      }
      // zmap's fastest rate that heard at least as much as we did: the same loss, or less.
      const sameLoss = passes.filter((pass) => [...pass.heard].filter((service) => answering.has(service)).length >= heardOfAnswering - 0.005 * answering.size);
      const fastest = Math.max(0, ...sameLoss.map((pass) => pass.probes / pass.seconds));
      // When zmap lost more at every rate, it is compared at the rate it was given that equals ours.
      const reference = fastest > 0 ? fastest : passes[0]!.probes / passes[0]!.seconds;
      process.stdout.write(
        fastest > 0
          ? `ratio (opennotice probes/s ÷ zmap's fastest probes/s, any rate and sender threads tried, at the same loss or less): ${(ourRate / reference).toFixed(3)}× (target ≥ 1×)\n`
          : `ratio (opennotice probes/s ÷ zmap's probes/s at the survey's own rate; zmap lost more at every rate): ${(ourRate / reference).toFixed(3)}× (target ≥ 1×)\n`,
      );
      printTarget('udp_vs_zmap', ourRate / reference);
    }
    printTarget('reflector_precision', score.reflectors.precision);
    printTarget('reflector_recall', score.reflectors.recall);
  } finally {
    await lab?.stop().catch(() => undefined);
    await network.remove();
    rmSync(directory, { recursive: true, force: true });
  }
}
