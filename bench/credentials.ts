// Credentials benchmark: the same login services of the lab (telnet, SSH, FTP, HTTP Basic)
// checked with the same pairs by opennotice's survey and by Debian's `hydra`, in one run,
// with the same per-host limit. Prints hosts fully checked per minute for both, the ratio,
// each tool's findings against the lab's truth, per protocol, and whether they are equal.
// `--small`: a lab of 60 devices on 127.96.0.0/24, one host per login kind, and hydra only if
// it is already installed (and not on telnet).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DictionaryEntry, loadDictionary } from '../src/assess/credentials/dictionary.ts';
import type { OpenPort } from '../src/core/records.ts';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { labDictionaryIds } from '../src/lab/credentials.ts';
import { startLabProcess } from '../src/lab/lab-child-process.ts';
import { openStore } from '../src/store/open-store.ts';
import type { SurveyLimits } from '../src/survey/request.ts';
import { runSurvey } from '../src/survey/run-survey.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { ensureHydra, type HydraResult, type HydraSettings, hydraArguments, hydraPackageVersion, planHydraRuns, runHydra } from './_hydra.ts';
import {
  benchmarkPairs,
  findingDifferences,
  type FindingScore,
  type LabLogin,
  labLogins,
  type LoginKind,
  loginKinds,
  type ReportedLogin,
  sampleLogins,
  scoreFindings,
  serviceKey,
} from './_login-sample.ts';
import { printTarget, printTargetUnavailable } from './_target.ts';

/** The lab, how many hosts per login kind both tools check, and how long hydra may take. */
interface CredentialSizes {
  lab: { cidr: string; devices: number };
  perKind: number;
  /** Full mode installs hydra when it may (root with apt); small mode never installs anything. */
  installHydra: boolean;
  /** Each hydra run is killed after this long. */
  hydraTimeoutMs: number;
}

/**
 * The default lab's size without its hostile devices (they hold connections to their deadline
 * and have no login to check). 127.96.0.0/16 is a loopback range no test or other lab uses.
 */
const fullSizes: CredentialSizes = { lab: { cidr: '127.96.0.0/16', devices: 2000 }, perKind: 60, installHydra: true, hydraTimeoutMs: 20 * 60_000 };
const smallSizes: CredentialSizes = { lab: { cidr: '127.96.0.0/24', devices: 60 }, perKind: 1, installHydra: false, hydraTimeoutMs: 60_000 };

/**
 * The limits both tools work under. Per host: two connections at once, our survey's default
 * (hydra `-t 2`). Overall: 64 connections at once, hydra's maximum (`-T 64`), so the ratio
 * compares the work of each connection, not how many a tool may open.
 */
const perHostConcurrent = 2;
const overallConcurrent = 64;
/** Our login answer wait (src/protocols/login-pacing.ts), given to hydra as `-w`. */
const answerWaitSeconds = 8;

/**
 * The survey's cap on tries per service: twice the pairs. Every try counts against the cap,
 * a try made again after an unanswered one included (an SSH server hanging up at its
 * MaxAuthTries costs one), so a cap of exactly the pairs would leave the last pair untried
 * whenever a try had to be made again. hydra redoes such tries outside any cap. Never more
 * pairs than the list: the room is only for tries made again.
 */
function attemptsPerService(pairs: readonly DictionaryEntry[]): number {
  return 2 * pairs.length;
}

/**
 * Why telnet is left out of the ratio and of "findings equal" (hydra-telnet.c of 9.4, the
 * version Debian 12 ships; the module was rewritten upstream since).
 */
const hydraTelnetProblem =
  'telnet is left out of the comparison: hydra 9.4 cannot check these logins. When a refusal ends in a new "login:" prompt on the same ' +
  "connection (the lab's devices do, as login(1) and BusyBox do), its telnet module goes on without fetching its next pair: it types an " +
  'empty user name, then the rest of the previous one, and the pairs it was handed count as tried without being typed. It also takes any ' +
  'line with %, >, #, $ or / after a password for a shell prompt, so a Cisco-style "% Access denied" before the device hangs up counts ' +
  'as a login. Its telnet figures below are its own word, not a full check.';

/** hydra cannot check the lab's telnet logins (hydraTelnetProblem): the ratio and the findings compare the other kinds. */
const comparedKinds: readonly LoginKind[] = ['ssh', 'ftp', 'http', 'https'];

/** What one tool did on a set of services. */
interface ToolRun {
  seconds: number;
  reported: ReportedLogin[];
  /** `ip:port` of services checked to the end: a pair found, or an answer to every pair. */
  fullyChecked: Set<string>;
}

/**
 * A survey of exactly these services (their open ports handed in, as a re-survey does):
 * grab, identify, then the credential check with the benchmark's dictionary and limits.
 */
async function checkWithOpennotice(
  services: readonly LabLogin[],
  pairs: readonly DictionaryEntry[],
  dictionaryFile: string,
  limits: SurveyLimits,
  db: string,
): Promise<ToolRun & { tries: number; connections: number }> {
  const store = await openStore(db);
  try {
    const seenAt = new Date().toISOString();
    const openPorts: OpenPort[] = services.map((service) => ({ ip: service.ip, port: service.port, source: 'bench', seenAt }));
    const started = performance.now();
    const summary = await runSurvey(
      {
        targets: [...new Set(services.map((service) => `${service.ip}/32`))],
        checks: ['credentials'],
        discovery: { kind: 'open-ports', openPorts },
        dictionary: dictionaryFile,
        seed: 1,
        limits,
      },
      createSurveyDeps({ store }),
    );
    const seconds = (performance.now() - started) / 1000;
    const entryById = new Map(pairs.map((entry) => [entry.id, entry]));
    const reported: ReportedLogin[] = [];
    for (const finding of await store.listFindings({ runId: summary.runId })) {
      if (finding.kind === 'weak-credential' && finding.dictionaryEntryId) {
        const entry = entryById.get(finding.dictionaryEntryId);
        if (entry) reported.push({ ip: finding.ip, port: finding.port, username: entry.username, password: entry.password });
      } else if (finding.kind === 'no-authentication') {
        // No pair asked for: reported with an empty pair, which the truth never has.
        reported.push({ ip: finding.ip, port: finding.port, username: '', password: '' });
      }
    }
    // A service is checked to the end when a pair was found, or every pair got an answer.
    const answered = new Map<string, Set<string>>();
    const attempts = await store.listAttempts(summary.runId);
    for (const attempt of attempts) {
      if (attempt.outcome !== 'rejected' && attempt.outcome !== 'accepted') continue;
      const key = serviceKey(attempt);
      const ids = answered.get(key) ?? new Set<string>();
      ids.add(attempt.dictionaryEntryId);
      answered.set(key, ids);
    }
    const fullyChecked = new Set<string>(reported.map(serviceKey));
    for (const [key, ids] of answered) if (pairs.every((entry) => ids.has(entry.id))) fullyChecked.add(key);
    return { seconds, reported, fullyChecked, tries: attempts.length, connections: summary.logins?.connections ?? 0 };
  } finally {
    await store.close();
  }
}

/** hydra's runs over these services, one after the other; their times add up. */
async function checkWithHydra(services: readonly LabLogin[], settings: HydraSettings, firstIndex: number): Promise<ToolRun & { runs: HydraResult[] }> {
  const runs: HydraResult[] = [];
  for (const [offset, run] of planHydraRuns(services).entries()) runs.push(await runHydra(run, settings, firstIndex + offset));
  return {
    seconds: runs.reduce((sum, run) => sum + run.seconds, 0),
    reported: runs.flatMap((run) => run.found),
    fullyChecked: new Set(runs.flatMap((run) => [...run.finished])),
    runs,
  };
}

/** Hosts whose every service in `services` was checked to the end. */
function hostsFullyChecked(services: readonly LabLogin[], fullyChecked: ReadonlySet<string>): { hosts: number; checked: number } {
  const hosts = new Map<string, boolean>();
  for (const service of services) hosts.set(service.ip, (hosts.get(service.ip) ?? true) && fullyChecked.has(serviceKey(service)));
  return { hosts: hosts.size, checked: [...hosts.values()].filter(Boolean).length };
}

const describeScore = (score: FindingScore) =>
  `${score.found} weak found, ${score.otherPair} with another pair, ${score.falseFound} false, ${score.missed} missed (of ${score.weak} weak)`;

/** One line per tool: time, hosts checked to the end and their rate, findings against the truth. */
function toolLine(label: string, services: readonly LabLogin[], run: ToolRun, extra = ''): number {
  const { hosts, checked } = hostsFullyChecked(services, run.fullyChecked);
  const perMinute = checked / (run.seconds / 60);
  process.stdout.write(
    `${label}: ${run.seconds.toFixed(1)} s, ${checked} of ${hosts} hosts fully checked = ${perMinute.toFixed(1)} hosts/min; ` +
      `${describeScore(scoreFindings(services, run.reported))}${extra}\n`,
  );
  return perMinute;
}

/** Per login kind: services, weak ones, and each tool's findings and services checked to the end. */
function printBreakdown(services: readonly LabLogin[], ours: ToolRun, hydra: (ToolRun & { runs: HydraResult[] }) | undefined): void {
  process.stdout.write(`per protocol: services (weak) | opennotice found/other pair/false/missed, checked | hydra found/other pair/false/missed, checked, s\n`);
  for (const kind of loginKinds) {
    const ofKind = services.filter((service) => service.protocol === kind);
    if (ofKind.length === 0) continue;
    const cells = (run: ToolRun) => {
      const score = scoreFindings(ofKind, run.reported);
      const checked = ofKind.filter((service) => run.fullyChecked.has(serviceKey(service))).length;
      return `${score.found}/${score.otherPair}/${score.falseFound}/${score.missed}, ${checked}`;
    };
    const hydraRuns = hydra?.runs.filter((run) => run.run.kind === kind) ?? [];
    const hydraCells = hydra && hydraRuns.length > 0 ? `${cells(hydra)}, ${hydraRuns.reduce((sum, run) => sum + run.seconds, 0).toFixed(1)}` : 'not run';
    process.stdout.write(
      `  ${kind.padEnd(6)} ${String(ofKind.length).padStart(4)} (${ofKind.filter((service) => service.weak).length}) | ${cells(ours)} | ${hydraCells}\n`,
    );
  }
}

/**
 * opennotice's survey against hydra on the lab's login services; ends with `target: credentials_vs_hydra`.
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const sizes = options.small ? smallSizes : fullSizes;
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-'));
  const pairs = benchmarkPairs(loadDictionary(), labDictionaryIds());
  const dictionaryFile = join(directory, 'pairs.json');
  const pairsFile = join(directory, 'pairs.txt');
  writeFileSync(
    dictionaryFile,
    JSON.stringify({
      version: 1,
      entries: pairs.map(({ id, username, password, reason, sources, rank, vendors, protocols }) => ({
        id,
        username,
        password,
        reason,
        sources,
        rank,
        vendors,
        protocols,
      })),
    }),
  );
  writeFileSync(pairsFile, `${pairs.map((entry) => `${entry.username}:${entry.password}`).join('\n')}\n`);
  process.stdout.write(
    `bench credentials: lab of ${sizes.lab.devices} devices on ${sizes.lab.cidr} (no hostile devices); the first ${pairs.length} pairs of the survey's order ` +
      `(${pairs[0]!.id} … ${pairs.at(-1)!.id}), the smallest prefix holding every weak pair of the lab (${labDictionaryIds()[0]} … ${labDictionaryIds().at(-1)})\n`,
  );
  const lab = await startLabProcess({ cidr: sizes.lab.cidr, devices: sizes.lab.devices, hostile: false });
  try {
    const sample = sampleLogins(labLogins(lab.truth), sizes.perKind);
    const compared = sample.filter((service) => comparedKinds.includes(service.protocol));
    const telnet = sample.filter((service) => service.protocol === 'telnet');
    const count = (services: readonly LabLogin[]) => `${services.length} services (${services.filter((service) => service.weak).length} weak)`;
    process.stdout.write(
      `sample: ${new Set(sample.map((service) => service.ip)).size} hosts spread over the lab, ${sizes.perKind} per login kind; compared: ${count(compared)} of ` +
        `${comparedKinds.join(', ')} on ${new Set(compared.map((service) => service.ip)).size} hosts; telnet: ${count(telnet)}\n`,
    );

    const limits: SurveyLimits = { perHostConcurrent, maxConcurrent: overallConcurrent, maxAttemptsPerService: attemptsPerService(pairs) };
    const ours = await checkWithOpennotice(compared, pairs, dictionaryFile, limits, join(directory, 'compared.sqlite'));
    const oursRate = toolLine(
      `opennotice (survey, ${overallConcurrent} connections, ${perHostConcurrent} per host)`,
      compared,
      ours,
      `; ${ours.tries} tries, ${ours.connections} login connections`,
    );
    if (!options.small) {
      // The same survey at its own overall limit on loopback: how much of the figure is the overall bound.
      const loopbackDefaults = { perHostConcurrent, maxAttemptsPerService: attemptsPerService(pairs) };
      const unbounded = await checkWithOpennotice(compared, pairs, dictionaryFile, loopbackDefaults, join(directory, 'default.sqlite'));
      toolLine(`opennotice at the survey's loopback defaults (1000 connections, ${perHostConcurrent} per host)`, compared, unbounded);
    }
    const oursTelnet = await checkWithOpennotice(telnet, pairs, dictionaryFile, limits, join(directory, 'telnet.sqlite'));

    const version = ensureHydra(sizes.installHydra);
    if (!version) {
      printBreakdown(
        [...compared, ...telnet],
        { ...ours, reported: [...ours.reported, ...oursTelnet.reported], fullyChecked: new Set([...ours.fullyChecked, ...oursTelnet.fullyChecked]) },
        undefined,
      );
      toolLine('opennotice, telnet', telnet, oursTelnet);
      process.stdout.write('hydra not installed (Debian package "hydra"): no reference figure this run\n');
      printTargetUnavailable('credentials_vs_hydra', 'hydra not installed');
      return;
    }
    const settings: HydraSettings = {
      pairsFile,
      tasksPerHost: perHostConcurrent,
      tasksOverall: overallConcurrent,
      waitSeconds: answerWaitSeconds,
      directory,
      timeoutMs: sizes.hydraTimeoutMs,
    };
    const example = planHydraRuns(compared)[0];
    process.stdout.write(
      `hydra ${version} (Debian package ${hydraPackageVersion() ?? 'unknown'}), one run per module and round, e.g.: hydra ${example ? hydraArguments(example, settings, 'TARGETS', 'FOUND.json').join(' ') : '(no run)'}\n`,
    );
    const hydra = await checkWithHydra(compared, settings, 0);
    const hydraRate = toolLine(`hydra -t ${perHostConcurrent} -T ${overallConcurrent} -f, same services (${hydra.runs.length} runs)`, compared, hydra);
    for (const result of hydra.runs) {
      process.stdout.write(
        `  hydra ${result.run.module}: ${result.run.targets.length} targets, ${result.seconds.toFixed(1)} s, ${result.errorLines} error lines${result.timedOut ? ', KILLED at the time limit' : ''}; hydra says: ${result.summary}\n`,
      );
    }
    // Telnet: measured (in full mode), shown, and left out of the ratio, because hydra cannot check it.
    const hydraTelnet = options.small ? undefined : await checkWithHydra(telnet, settings, hydra.runs.length);
    printBreakdown(
      [...compared, ...telnet],
      { ...ours, reported: [...ours.reported, ...oursTelnet.reported], fullyChecked: new Set([...ours.fullyChecked, ...oursTelnet.fullyChecked]) },
      {
        ...hydra,
        reported: [...hydra.reported, ...(hydraTelnet?.reported ?? [])],
        fullyChecked: new Set([...hydra.fullyChecked, ...(hydraTelnet?.fullyChecked ?? [])]),
        runs: [...hydra.runs, ...(hydraTelnet?.runs ?? [])],
      },
    );
    process.stdout.write(`${hydraTelnetProblem}\n`);
    toolLine('opennotice, telnet', telnet, oursTelnet);
    if (hydraTelnet) toolLine('hydra, telnet, the hosts it says it finished', telnet, hydraTelnet);
    else process.stdout.write('hydra, telnet: not run in small mode (it took about 30 s on three telnet hosts)\n');

    const ratio = oursRate / hydraRate;
    if (!Number.isFinite(ratio)) throw new Error(`hydra checked no host to the end (${hydraRate} hosts/min): no ratio`);
    process.stdout.write(
      `ratio (opennotice hosts/min ÷ hydra hosts/min, same services and pairs, ${comparedKinds.join(', ')}): ${ratio.toFixed(2)}× (target ≥ 1×)\n`,
    );
    const differences = findingDifferences(compared, ours.reported, hydra.reported);
    const described = (services: readonly LabLogin[]) =>
      services
        .slice(0, 5)
        .map((service) => `${serviceKey(service)} ${service.protocol}`)
        .join(', ') + (services.length > 5 ? ', …' : '');
    process.stdout.write(
      `findings equal (${comparedKinds.join(', ')}): ${differences.services.length === 0 ? 'yes' : 'NO'}, the same services found weak` +
        (differences.services.length > 0 ? ` except ${differences.services.length} (${described(differences.services)})` : '') +
        `; pairs equal: ${differences.pairs.length === 0 ? 'yes' : `NO on ${differences.pairs.length} (${described(differences.pairs)})`}\n`,
    );
    printTarget('credentials_vs_hydra', ratio);
  } finally {
    await lab.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}
