// Survey benchmark: the default lab surveyed by opennotice, and the same addresses and
// ports by `nmap -sT -sV`, in one run. Prints services identified per second, wall
// time, accuracy of service identification against the lab's truth, and the ratio.
// `--small`: a lab of 40 ordinary devices on 127.83.0.0/24, a 16-address sample, and nmap
// only if it is already installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { defaultLabOptions } from '../src/lab/options.ts';
import type { LabTruth } from '../src/lab/truth.ts';
import { openStore } from '../src/store/open-store.ts';
import { startLabProcess } from '../src/lab/lab-child-process.ts';
import type { SurveyRequest } from '../src/survey/request.ts';
import { runSurvey } from '../src/survey/run-survey.ts';
import { scoreIdentification } from '../src/lab/score-against-truth.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { countTimedOutHosts, parseNmapServices } from './_nmap.ts';
import { printTarget, printTargetUnavailable } from './_target.ts';
import { toolInstalled } from './_tools.ts';

const ports = [21, 22, 23, 80, 2323, 8080];

/** The lab to survey and how many of its devices both tools survey. */
interface SurveySizes {
  lab: { cidr: string; devices: number; hostile: boolean };
  sampleSize: number;
  /** Full mode installs nmap when it may (root with apt); small mode never installs anything. */
  installNmap: boolean;
}

/** The default lab, hostile devices included. */
const fullSizes: SurveySizes = {
  lab: { cidr: defaultLabOptions.cidr, devices: defaultLabOptions.deviceCount, hostile: defaultLabOptions.hostile },
  sampleSize: 256,
  installNmap: true,
};
/**
 * No hostile devices: they hold a connection until its deadline (10 s), which would be most
 * of a small run. 127.83.0.0/24 is a loopback range no test or other lab uses.
 */
const smallSizes: SurveySizes = { lab: { cidr: '127.83.0.0/24', devices: 40, hostile: false }, sampleSize: 16, installNmap: false };
/**
 * nmap waits forever on some hostile devices (an endless banner stalled -sV for over half
 * an hour in our runs), so it gets a generous per-host limit; hosts it abandons are
 * counted and reported, not hidden.
 */
const nmapHostTimeout = '300s';

interface ServiceCall {
  ip: string;
  port: number;
  protocol: string;
}

/** Share of true (ip, port, protocol) services a tool named correctly, and of its names that were right. */
function serviceAccuracy(truth: LabTruth, addresses: Set<string>, calls: ServiceCall[]) {
  const expected = new Map<string, string>();
  for (const device of truth.devices) {
    if (!addresses.has(device.ip) || device.role !== 'device') continue;
    for (const service of device.services) expected.set(`${device.ip}:${service.port}`, service.protocol);
  }
  const correct = calls.filter((call) => expected.get(`${call.ip}:${call.port}`) === call.protocol).length;
  return {
    correct,
    expected: expected.size,
    named: calls.length,
    recall: correct / Math.max(1, expected.size),
    precision: correct / Math.max(1, calls.length),
  };
}

function ensureNmap(install: boolean): boolean {
  if (toolInstalled('nmap')) return true;
  if (install && process.getuid?.() === 0) {
    process.stderr.write('nmap not found: installing the Debian package (apt-get install -y nmap) …\n');
    spawnSync('apt-get', ['install', '-y', 'nmap'], { stdio: 'ignore' });
    return toolInstalled('nmap');
  }
  return false;
}

/**
 * The one place the benchmark's survey is configured: discovery, grab and identification
 * on `ports`, no credential check, the CLI's default limits.
 */
function surveyRequest(targets: string[]): SurveyRequest {
  return {
    targets,
    checks: [],
    ports,
    seed: 1,
    limits: { perHostConcurrent: 2, connectTimeoutMs: 1500, ioTimeoutMs: 3000, deadlineMs: 10_000, maxBytes: 262_144 },
  };
}

async function surveyWithOpennotice(targets: string[], db: string) {
  const store = await openStore(db);
  try {
    const request = surveyRequest(targets);
    const started = performance.now();
    const summary = await runSurvey(request, createSurveyDeps({ store }));
    const seconds = (performance.now() - started) / 1000;
    const services = await store.listServices();
    const calls = services
      .filter((service) => service.status === 'success')
      .map((service) => ({ ip: service.ip, port: service.port, protocol: service.protocol }));
    const devices = await store.listDevices();
    return { summary, seconds, calls, devices };
  } finally {
    await store.close();
  }
}

/**
 * opennotice against nmap on the lab; ends with `target: survey_vs_nmap`.
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const { lab: labSize, sampleSize, installNmap } = options.small ? smallSizes : fullSizes;
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-'));
  process.stdout.write(
    `bench survey: lab of ${labSize.devices} devices on ${labSize.cidr}${labSize.hostile ? '' : ' (no hostile devices)'}, ports ${ports.join(',')}\n`,
  );
  const lab = await startLabProcess({ cidr: labSize.cidr, devices: labSize.devices, hostile: labSize.hostile });
  try {
    const everyone = new Set(lab.truth.devices.map((device) => device.ip));
    const full = await surveyWithOpennotice([labSize.cidr], join(directory, 'full.sqlite'));
    const fullAccuracy = serviceAccuracy(lab.truth, everyone, full.calls);
    const identity = scoreIdentification(
      lab.truth,
      full.devices.map((row) => ({ ip: row.ip, identity: { ...row, evidence: row.evidence } })),
    );
    process.stdout.write(
      `opennotice, whole lab (${full.summary.targets} targets): ${full.seconds.toFixed(1)} s wall, ${full.calls.length} services identified ` +
        `= ${(full.calls.length / full.seconds).toFixed(1)} services/s; service naming precision ${fullAccuracy.precision.toFixed(3)} recall ${fullAccuracy.recall.toFixed(3)}; ` +
        `device identification precision ${identity.precision.toFixed(3)} recall ${identity.recall.toFixed(3)}\n`,
    );

    // The same addresses for both tools: an evenly spread sample of the lab's ordinary
    // devices. Hostile devices are left out of the comparison because nmap does not come
    // back from them: an endless-banner device kept `nmap -sV` busy for over 30 minutes in
    // our runs, --host-timeout notwithstanding (opennotice ends it at its byte cap).
    const ordinary = lab.truth.devices.filter((device) => device.role === 'device').sort((a, b) => a.ip.localeCompare(b.ip));
    const sample = ordinary
      .filter((_, index) => index % Math.max(1, Math.floor(ordinary.length / sampleSize)) === 0)
      .slice(0, sampleSize)
      .map((device) => device.ip);
    const sampleSet = new Set(sample);
    process.stdout.write(`sample: ${sample.length} addresses of ordinary lab devices, spread evenly over the lab\n`);
    const ours = await surveyWithOpennotice(
      sample.map((ip) => `${ip}/32`),
      join(directory, 'sample.sqlite'),
    );
    const oursAccuracy = serviceAccuracy(lab.truth, sampleSet, ours.calls);
    process.stdout.write(
      `opennotice, ${sample.length}-address sample: ${ours.seconds.toFixed(1)} s, ${ours.calls.length} services identified = ${(ours.calls.length / ours.seconds).toFixed(1)} services/s; precision ${oursAccuracy.precision.toFixed(3)} recall ${oursAccuracy.recall.toFixed(3)}\n`,
    );

    if (!ensureNmap(installNmap)) {
      process.stdout.write('nmap is not installed (Debian package "nmap"): no reference figure this run\n');
      printTargetUnavailable('survey_vs_nmap', 'nmap not installed');
      return;
    }
    const listFile = join(directory, 'targets.txt');
    const xmlFile = join(directory, 'nmap.xml');
    writeFileSync(listFile, `${sample.join('\n')}\n`);
    const nmapArgs = ['-sT', '-sV', '-n', '-Pn', '-T4', '--host-timeout', nmapHostTimeout, '-p', ports.join(','), '-iL', listFile, '-oX', xmlFile];
    process.stdout.write(`nmap ${nmapArgs.join(' ')}\n`);
    const started = performance.now();
    // Bounded like every load loop here: nmap is stopped after 30 minutes whatever happens.
    execFileSync('nmap', nmapArgs, { stdio: 'ignore', maxBuffer: 1 << 26, timeout: 30 * 60 * 1000 });
    const nmapSeconds = (performance.now() - started) / 1000;
    const nmapCalls = parseNmapServices(xmlFile);
    const abandoned = countTimedOutHosts(xmlFile);
    if (abandoned > 0) process.stdout.write(`nmap gave up on ${abandoned} host(s) after --host-timeout ${nmapHostTimeout}\n`);
    const nmapAccuracy = serviceAccuracy(lab.truth, sampleSet, nmapCalls);
    process.stdout.write(
      `nmap -sT -sV, same sample: ${nmapSeconds.toFixed(1)} s, ${nmapCalls.length} services identified = ${(nmapCalls.length / nmapSeconds).toFixed(1)} services/s; precision ${nmapAccuracy.precision.toFixed(3)} recall ${nmapAccuracy.recall.toFixed(3)}\n`,
    );
    const ratio = ours.calls.length / ours.seconds / (nmapCalls.length / nmapSeconds);
    process.stdout.write(
      `ratio (opennotice services/s ÷ nmap services/s, same sample): ${ratio.toFixed(1)}× (target ≥ 5×); wall-time ratio ${(nmapSeconds / ours.seconds).toFixed(1)}×\n`,
    );
    process.stdout.write(
      `identification at least as good as nmap's: ${oursAccuracy.recall >= nmapAccuracy.recall && oursAccuracy.precision >= nmapAccuracy.precision ? 'yes' : 'NO'}\n`,
    );
    printTarget('survey_vs_nmap', ratio);
  } finally {
    await lab.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}
