// Runs Debian's `hydra` on login services and reads what it reports: the pairs it found
// (its JSON output, -b json), the targets it says it finished (-v status lines) and those it
// gave up on. hydra takes one service module per run, so the services are split into runs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoginKind, ReportedLogin } from './_login-sample.ts';
import { serviceKey } from './_login-sample.ts';

/**
 * hydra's version from its banner ("Hydra v9.4 (c) 2022 …"), or undefined when it is not
 * installed. hydra has no --version: every call it does not understand prints the banner and
 * exits 255.
 * @example hydraVersion() // 'v9.4'
 */
export function hydraVersion(): string | undefined {
  const result = spawnSync('hydra', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  return /^Hydra (v[\d.]+)/m.exec(`${result.stdout ?? ''}${result.stderr ?? ''}`)?.[1];
}

/**
 * hydra's version, installing Debian's package first when `install` is set and we are root.
 * @example ensureHydra(false) // undefined when hydra is not installed
 */
export function ensureHydra(install: boolean): string | undefined {
  const version = hydraVersion();
  if (version || !install || process.getuid?.() !== 0) return version;
  process.stderr.write('hydra not found: installing the Debian package (apt-get install -y hydra) …\n');
  spawnSync('apt-get', ['install', '-y', 'hydra'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });
  return hydraVersion();
}

/** The Debian package's version ("9.4-1"), for the record. */
export function hydraPackageVersion(): string | undefined {
  const result = spawnSync('dpkg', ['-s', 'hydra'], { encoding: 'utf8', timeout: 30_000 });
  return result.status === 0 ? /^Version: (.+)$/m.exec(result.stdout)?.[1] : undefined;
}

/** hydra's module for a login kind, and the module's option (the path for the HTTP modules: every Basic page of the lab asks for a login at `/`). */
export function hydraModuleOf(kind: LoginKind): { module: string; option?: string } {
  switch (kind) {
    case 'telnet':
    case 'ssh':
    case 'ftp':
      return { module: kind };
    case 'http':
      return { module: 'http-get', option: '/' };
    case 'https':
      return { module: 'https-get', option: '/' };
  }
}

/** One hydra run: one module over targets that name each address at most once. */
export interface HydraRun {
  module: string;
  option?: string;
  kind: LoginKind;
  targets: Array<{ ip: string; port: number }>;
}

/**
 * Split services into hydra runs: one module per run, and each address at most once per run,
 * so that no host ever sees more than `-t` connections at once (a host with HTTP Basic on two
 * ports gets two runs). Runs go one after the other.
 * @example planHydraRuns([{ ip: '127.96.0.5', port: 21, protocol: 'ftp' }]) // [{ module: 'ftp', kind: 'ftp', targets: [{ ip: '127.96.0.5', port: 21 }] }]
 */
export function planHydraRuns(services: ReadonlyArray<{ ip: string; port: number; protocol: LoginKind }>): HydraRun[] {
  const runs: HydraRun[] = [];
  for (const service of services) {
    const { module, option } = hydraModuleOf(service.protocol);
    let run = runs.find((candidate) => candidate.module === module && !candidate.targets.some((target) => target.ip === service.ip));
    if (!run) {
      run = { module, kind: service.protocol, targets: [] };
      if (option !== undefined) run.option = option;
      runs.push(run);
    }
    run.targets.push({ ip: service.ip, port: service.port });
  }
  return runs;
}

/** The flags every run gets; docs/benchmarks.md says why each. */
export interface HydraSettings {
  /** `-C`: the `user:password` file, one pair a line, in the survey's order. */
  pairsFile: string;
  /** `-t`: connections at once per target (our perHostConcurrent). */
  tasksPerHost: number;
  /** `-T`: connections at once over all targets (hydra's maximum is 64). */
  tasksOverall: number;
  /** `-w`: seconds to wait for an answer (our login answer wait). */
  waitSeconds: number;
  /** Where the target list, the JSON output and any restore file go. */
  directory: string;
  /** The run is killed (with its children) after this long. */
  timeoutMs: number;
}

/**
 * The command line of one run (without the program name).
 * @example hydraArguments(run, settings, 'targets.txt', 'found.json').join(' ') // '-C pairs.txt -t 2 -T 64 -f -w 8 -I -v -o found.json -b json -M targets.txt ssh'
 */
export function hydraArguments(run: HydraRun, settings: HydraSettings, targetsFile: string, outputFile: string): string[] {
  const args = ['-C', settings.pairsFile, '-t', String(settings.tasksPerHost), '-T', String(settings.tasksOverall), '-f', '-w', String(settings.waitSeconds)];
  args.push('-I', '-v', '-o', outputFile, '-b', 'json', '-M', targetsFile, run.module);
  if (run.option !== undefined) args.push(run.option);
  return args;
}

/** What one run did. */
export interface HydraResult {
  run: HydraRun;
  args: string[];
  seconds: number;
  found: ReportedLogin[];
  /** `ip:port` of targets hydra said it finished: a pair found, or every pair handed out and none left to try. */
  finished: Set<string>;
  /** `ip:port` of targets hydra disabled after too many connection errors. */
  disabled: Set<string>;
  /** "[ERROR] child N sent nonsense data" and other error lines. */
  errorLines: number;
  /** hydra's own last word ("40 of 40 targets successfully completed, 5 valid passwords found"). */
  summary: string;
  timedOut: boolean;
}

/**
 * Run hydra once, in `settings.directory` (its restore file lands there), killed with its
 * children after `settings.timeoutMs`.
 * @example const result = await runHydra(planHydraRuns(sample)[0], settings, 0)
 */
export async function runHydra(run: HydraRun, settings: HydraSettings, index: number): Promise<HydraResult> {
  const targetsFile = join(settings.directory, `hydra-targets-${index}.txt`);
  const outputFile = join(settings.directory, `hydra-found-${index}.json`);
  writeFileSync(targetsFile, `${run.targets.map((target) => `${target.ip}:${target.port}`).join('\n')}\n`);
  const args = hydraArguments(run, settings, targetsFile, outputFile);
  const started = performance.now();
  const { output, timedOut } = await runBounded('hydra', args, settings.directory, settings.timeoutMs);
  const seconds = (performance.now() - started) / 1000;
  const portOf = new Map(run.targets.map((target) => [target.ip, target.port]));
  const finished = new Set<string>();
  const disabled = new Set<string>();
  let errorLines = 0;
  for (const line of output.split('\n')) {
    const done = /^\[STATUS\] attack finished for (\S+) \((?:valid pair found|waiting for children to complete tests)\)/.exec(line);
    if (done && portOf.has(done[1]!)) finished.add(serviceKey({ ip: done[1]!, port: portOf.get(done[1]!)! }));
    const gaveUp = /^\[ERROR\] Too many connect errors to target, disabling [\w-]+:\/\/(\S+):(\d+)/.exec(line);
    if (gaveUp) disabled.add(serviceKey({ ip: gaveUp[1]!, port: Number(gaveUp[2]) }));
    if (line.startsWith('[ERROR]')) errorLines++;
  }
  for (const key of disabled) finished.delete(key);
  const summary = /^\d+ of \d+ targets? .*$/m.exec(output)?.[0] ?? (timedOut ? 'killed at the time limit' : 'no summary line');
  return { run, args, seconds, found: readFound(outputFile), finished, disabled, errorLines, summary, timedOut };
}

/**
 * The pairs in hydra's JSON output. Each result is one line (`{"port": 22, "service": "ssh",
 * "host": "…", "login": "…", "password": "…"},`), so the lines are read one by one: a run
 * killed at its time limit leaves a file without its closing lines.
 */
function readFound(file: string): ReportedLogin[] {
  if (!existsSync(file)) return [];
  const found: ReportedLogin[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const text = line.trim().replace(/,$/, '');
    if (!text.startsWith('{"port"')) continue;
    const result = JSON.parse(text) as { port: number; host: string; login?: string; password?: string };
    found.push({ ip: result.host, port: result.port, username: result.login ?? '', password: result.password ?? '' });
  }
  return found;
}

/** Run a command in its own process group, collect stdout and stderr, kill the group at the time limit. */
function runBounded(command: string, args: string[], cwd: string, timeoutMs: number): Promise<{ output: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // It ended by itself meanwhile.
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ output, timedOut });
    });
  });
}
