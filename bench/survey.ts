// Survey benchmark: the default lab surveyed by opennotice on the survey's default ports, and
// the same addresses and ports by `nmap -sT -sV`, in one run. Prints services identified per
// second, wall time, naming precision and recall against the lab's truth, detection on the
// services moved off their usual port, and the ratios.
// `--small`: a lab of 40 ordinary devices on 127.83.0.0/24, a 16-address sample, and nmap
// only if it is already installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { defaultLabOptions } from '../src/lab/options.ts';
import { openStore } from '../src/store/open-store.ts';
import { startLabProcess } from '../src/lab/lab-child-process.ts';
import type { SurveyRequest } from '../src/survey/request.ts';
import { runSurvey } from '../src/survey/run-survey.ts';
import { scoreDetection, scoreIdentification } from '../src/lab/score-against-truth.ts';
import type { LabTruth } from '../src/lab/truth.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { describeMisnames, type NamingScore, scoreNaming, truthServices } from './_naming-score.ts';
import { countTimedOutHosts, nmapIdentifications } from './_nmap.ts';
import { printTarget, printTargetUnavailable } from './_target.ts';
import { toolInstalled } from './_tools.ts';

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
/** However nmap fares, it is stopped after this long (the benchmark then fails, saying so). */
const nmapRunLimitMs = 45 * 60 * 1000;

const hostileNote =
  'hostile devices are left out of the sample: nmap -sV does not come back from some of them (an endless banner kept it busy for over ' +
  '30 minutes in our runs, --host-timeout notwithstanding), and they speak no protocol on purpose, so there is no right name to score';

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
 * The one place the benchmark's survey is configured: discovery, detection, grab and
 * identification on the survey's default ports (none named here), no credential check, the
 * CLI's default limits.
 */
function surveyRequest(targets: string[]): SurveyRequest {
  return {
    targets,
    checks: [],
    // TCP only, as nmap -sV is run: the comparison is of TCP discovery, detection and identification.
    udpPorts: [],
    seed: 1,
    limits: { perHostConcurrent: 2, connectTimeoutMs: 1500, ioTimeoutMs: 3000, deadlineMs: 10_000, maxBytes: 262_144 },
  };
}

async function surveyWithOpennotice(truth: LabTruth, targets: string[], db: string) {
  const store = await openStore(db);
  try {
    const started = performance.now();
    const summary = await runSurvey(surveyRequest(targets), createSurveyDeps({ store }));
    const seconds = (performance.now() - started) / 1000;
    const ports = (await store.getRun(summary.runId))?.ports ?? [];
    const services = await store.listServices();
    const calls = services
      .filter((service) => service.status === 'success')
      .map((service) => ({ ip: service.ip, port: service.port, protocol: service.protocol }));
    const devices = await store.listDevices();
    return { summary, seconds, ports, calls, devices, detection: scoreDetection(truth, services) };
  } finally {
    await store.close();
  }
}

/** An evenly spread sample of the lab's ordinary devices (the same addresses for both tools). */
function sampleOf(truth: LabTruth, size: number): string[] {
  const ordinary = truth.devices.filter((device) => device.role === 'device').sort((a, b) => a.ip.localeCompare(b.ip));
  return ordinary
    .filter((_, index) => index % Math.max(1, Math.floor(ordinary.length / size)) === 0)
    .slice(0, size)
    .map((device) => device.ip);
}

const fixed = (value: number, digits = 3) => value.toFixed(digits);
const rate = (count: number, seconds: number) => (count / seconds).toFixed(1);
const share = (score: { correct: number; services: number; accuracy: number }) => `${fixed(score.accuracy)} (${score.correct}/${score.services})`;

/** One line per protocol the sample's devices speak: each tool's right names, and what else each said. */
function printByProtocol(ours: NamingScore, nmap: NamingScore): void {
  process.stdout.write('naming by protocol, same sample (services; named right by opennotice / by nmap; what else was said):\n');
  for (const [protocol, truth] of [...ours.byProtocol].sort((a, b) => a[0].localeCompare(b[0]))) {
    const theirs = nmap.byProtocol.get(protocol)!;
    const instead = [
      truth.namedInstead.size > 0 ? `opennotice: ${describeMisnames(truth.namedInstead)}` : '',
      theirs.namedInstead.size > 0 ? `nmap: ${describeMisnames(theirs.namedInstead)}` : '',
    ].filter(Boolean);
    process.stdout.write(
      `  ${protocol.padEnd(7)} ${String(truth.services).padStart(4)}  ${String(truth.correct).padStart(4)} / ${String(theirs.correct).padStart(4)}${instead.length > 0 ? `  (${instead.join('; ')})` : ''}\n`,
    );
  }
}

/** Most moved services listed by name when a tool got them wrong. */
const movedMisnamesShown = 20;

/** Each moved service that either tool named wrongly: where, what it speaks, what each said. */
function printMovedMisnames(ours: NamingScore, nmap: NamingScore): void {
  const said = (score: NamingScore, key: string) => score.moved.wrong.find((wrong) => `${wrong.ip}:${wrong.port}` === key)?.said;
  const wrong = new Map([...ours.moved.wrong, ...nmap.moved.wrong].map((service) => [`${service.ip}:${service.port}`, service]));
  for (const [key, service] of [...wrong].slice(0, movedMisnamesShown)) {
    process.stdout.write(
      `  moved ${key} (from ${service.movedFrom}) speaks ${service.protocol}: opennotice ${said(ours, key) ?? service.protocol}, nmap ${said(nmap, key) ?? service.protocol}\n`,
    );
  }
  if (wrong.size > movedMisnamesShown) process.stdout.write(`  … and ${wrong.size - movedMisnamesShown} more\n`);
}

/**
 * opennotice against nmap on the lab; ends with `target: survey_vs_nmap` and
 * `target: survey_moved_detection_vs_nmap`.
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const { lab: labSize, sampleSize, installNmap } = options.small ? smallSizes : fullSizes;
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-'));
  process.stdout.write(
    `bench survey: lab of ${labSize.devices} devices on ${labSize.cidr}${labSize.hostile ? '' : ' (no hostile devices)'}, the survey's default ports\n`,
  );
  const lab = await startLabProcess({ cidr: labSize.cidr, devices: labSize.devices, hostile: labSize.hostile });
  try {
    const everyone = new Set(lab.truth.devices.map((device) => device.ip));
    const full = await surveyWithOpennotice(lab.truth, [labSize.cidr], join(directory, 'full.sqlite'));
    const fullNaming = scoreNaming(truthServices(lab.truth, everyone), full.calls);
    const identity = scoreIdentification(
      lab.truth,
      full.devices.map((row) => ({ ip: row.ip, identity: { ...row, evidence: row.evidence } })),
    );
    process.stdout.write(`ports (${full.ports.length}, the survey's defaults): ${full.ports.join(',')}\n`);
    process.stdout.write(
      `opennotice, whole lab (${full.summary.targets} targets): ${fixed(full.seconds, 1)} s wall, ${full.calls.length} services identified ` +
        `= ${rate(full.calls.length, full.seconds)} services/s; service naming precision ${fixed(fullNaming.precision)} recall ${fixed(fullNaming.recall)}; ` +
        `device identification precision ${fixed(identity.precision)} recall ${fixed(identity.recall)}\n`,
    );
    process.stdout.write(
      `opennotice, whole lab: services moved off their usual port named right ${share(fullNaming.moved)}; ` +
        `${fixed(full.detection.probesPerService, 2)} probes per service (${full.summary.detection.probes} in all)\n`,
    );

    const sample = sampleOf(lab.truth, sampleSize);
    const sampleServices = truthServices(lab.truth, new Set(sample));
    process.stdout.write(
      `sample: ${sample.length} addresses of ordinary lab devices, spread evenly over the lab: ${sampleServices.length} services, ` +
        `${sampleServices.filter((service) => service.movedFrom !== undefined).length} of them moved off their usual port\n`,
    );
    if (labSize.hostile) process.stdout.write(`${hostileNote}\n`);
    const ours = await surveyWithOpennotice(
      lab.truth,
      sample.map((ip) => `${ip}/32`),
      join(directory, 'sample.sqlite'),
    );
    const oursNaming = scoreNaming(sampleServices, ours.calls);
    process.stdout.write(
      `opennotice, ${sample.length}-address sample: ${fixed(ours.seconds, 1)} s, ${ours.calls.length} services identified = ${rate(ours.calls.length, ours.seconds)} services/s; ` +
        `precision ${fixed(oursNaming.precision)} recall ${fixed(oursNaming.recall)}\n`,
    );
    process.stdout.write(
      `opennotice, same sample: moved services named right ${share(oursNaming.moved)}; ${fixed(ours.detection.probesPerService, 2)} probes per service\n`,
    );

    if (!ensureNmap(installNmap)) {
      process.stdout.write('nmap is not installed (Debian package "nmap"): no reference figure this run\n');
      printTargetUnavailable('survey_vs_nmap', 'nmap not installed');
      printTargetUnavailable('survey_moved_detection_vs_nmap', 'nmap not installed');
      return;
    }
    const listFile = join(directory, 'targets.txt');
    const xmlFile = join(directory, 'nmap.xml');
    writeFileSync(listFile, `${sample.join('\n')}\n`);
    // Small mode only proves the comparison's machinery: nmap's lightest version scan (its
    // likeliest probes) keeps that run short; the full run uses nmap's default intensity.
    const intensity = options.small ? ['--version-light'] : [];
    const nmapArgs = [
      '-sT',
      '-sV',
      ...intensity,
      '-n',
      '-Pn',
      '-T4',
      '--host-timeout',
      nmapHostTimeout,
      '-p',
      ours.ports.join(','),
      '-iL',
      listFile,
      '-oX',
      xmlFile,
    ];
    process.stdout.write(`nmap ${nmapArgs.join(' ')}\n`);
    const started = performance.now();
    execFileSync('nmap', nmapArgs, { stdio: 'ignore', maxBuffer: 1 << 26, timeout: nmapRunLimitMs });
    const nmapSeconds = (performance.now() - started) / 1000;
    const xml = readFileSync(xmlFile, 'utf8');
    const nmapCalls = nmapIdentifications(xml);
    const abandoned = countTimedOutHosts(xml);
    if (abandoned > 0) process.stdout.write(`nmap gave up on ${abandoned} host(s) after --host-timeout ${nmapHostTimeout}\n`);
    const nmapNaming = scoreNaming(sampleServices, nmapCalls);
    process.stdout.write(
      `nmap -sT -sV${intensity.map((flag) => ` ${flag}`).join('')}, same sample: ${fixed(nmapSeconds, 1)} s, ${nmapCalls.length} services identified = ${rate(nmapCalls.length, nmapSeconds)} services/s; ` +
        `precision ${fixed(nmapNaming.precision)} recall ${fixed(nmapNaming.recall)}\n`,
    );
    printByProtocol(oursNaming, nmapNaming);

    const ratio = ours.calls.length / ours.seconds / (nmapCalls.length / nmapSeconds);
    const movedDifference = oursNaming.moved.accuracy - nmapNaming.moved.accuracy;
    const asGood = oursNaming.recall >= nmapNaming.recall && oursNaming.precision >= nmapNaming.precision;
    process.stdout.write(
      `ratio (opennotice services/s ÷ nmap services/s, same sample): ${ratio.toFixed(1)}× (target ≥ 5×); wall-time ratio ${(nmapSeconds / ours.seconds).toFixed(1)}×; ` +
        `services named right per second ${rate(oursNaming.correct, ours.seconds)} vs ${rate(nmapNaming.correct, nmapSeconds)}\n`,
    );
    process.stdout.write(`naming at least as good as nmap's (precision and recall): ${asGood ? 'yes' : 'NO'}\n`);
    process.stdout.write(
      `moved services named right, same sample: opennotice ${share(oursNaming.moved)}, nmap ${share(nmapNaming.moved)}; ` +
        `difference ${movedDifference >= 0 ? '+' : ''}${fixed(movedDifference)} (target ≥ 0)\n`,
    );
    printMovedMisnames(oursNaming, nmapNaming);
    printTarget('survey_vs_nmap', ratio);
    printTarget('survey_moved_detection_vs_nmap', movedDifference);
  } finally {
    await lab.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}
