/**
 * R2, kill -9 anywhere: each long-running command runs once to its end (the reference), then
 * again and again in fresh stores, killed with SIGKILL at a random moment of its work and
 * restarted (or resumed) until it finishes; each store must then hold what the reference
 * holds — the same findings, services, windows, reports and deliveries, none lost, none
 * doubled. Commands run as a user runs them: the CLI, in its own process, on a real SQLite file.
 * The test suite kills each scenario at a few points (test/kill-anywhere.test.ts); `npm run
 * reliability -- kill` at 20 or more.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '../../src/core/random.ts';

const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const commandTimeoutMs = 240_000;

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Run the CLI with `args`; with `killAfterMs`, SIGKILL it then (if still running); with
 * `killWhen`, as soon as it answers true (asked every 10 ms: a kill at a chosen state of the store).
 * @example await runCli(['survey', '--target', '127.206.0.0/24', '--db', db], { killAfterMs: 800 })
 */
export function runCli(
  args: readonly string[],
  options: { killAfterMs?: number; killWhen?: () => boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', cli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), commandTimeoutMs);
    const killer = options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    const killWhen = options.killWhen;
    const watcher =
      killWhen === undefined
        ? undefined
        : setInterval(() => {
            if (killWhen()) child.kill('SIGKILL');
          }, 10);
    child.once('exit', (code, signal) => {
      clearTimeout(guard);
      if (killer) clearTimeout(killer);
      if (watcher) clearInterval(watcher);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

export interface KillScenario {
  name: string;
  /** Runs the command to its end in `db` (a copy of the prepared store). Throws if it fails. */
  firstRun(db: string, killAfterMs?: number): Promise<CommandResult>;
  /** What a user does after a crash: resume or run again, until the work is done. */
  recover(db: string): Promise<void>;
  /** The store's content that must match the reference: normalised, without ids or times. */
  snapshot(db: string): Promise<unknown>;
  /**
   * How the recovered store must relate to the reference's; returns the broken promise, if any.
   * Default: equal (firstDifference). A live command (capture, collector) promises less: what
   * it held in memory at the kill is lost, within a stated bound.
   */
  judge?(expected: unknown, actual: unknown): string | undefined;
  /**
   * The recovery does new work of its own (a restarted capture sees the traffic that comes
   * after it): the reference then runs it too, after its uninterrupted run, so both stores saw it.
   */
  recoverAfterReference?: boolean;
}

export interface KillPointResult {
  killAfterMs: number;
  /** The command had already finished when the kill came (the point was past its end). */
  finishedBeforeKill: boolean;
  equal: boolean;
  difference?: string;
}

export interface ScenarioFigures {
  scenario: string;
  /** The CLI's own start-up (no work): kill points fall between it and the reference's end. */
  startupMs: number;
  referenceMs: number;
  points: KillPointResult[];
}

/** First difference between two JSON-able values, as a path and both sides. */
export function firstDifference(expected: unknown, actual: unknown, path = '$'): string | undefined {
  if (JSON.stringify(expected) === JSON.stringify(actual)) return undefined;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) return `${path}: ${expected.length} entries expected, ${actual.length} found`;
    for (let index = 0; index < expected.length; index++) {
      const inner = firstDifference(expected[index], actual[index], `${path}[${index}]`);
      if (inner) return inner;
    }
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected)) {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const inner = firstDifference((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], `${path}.${key}`);
      if (inner) return inner;
    }
  }
  return `${path}: expected ${JSON.stringify(expected)?.slice(0, 200)}, found ${JSON.stringify(actual)?.slice(0, 200)}`;
}

/**
 * The reference run, then `points` kill points spread at random over its duration.
 * @example const figures = await killAnywhere(scenario, { directory, prepared, points: 20, seed: 1 })
 */
export async function killAnywhere(
  scenario: KillScenario,
  options: { directory: string; prepared: string; points: number; seed: number; startupMs?: number },
): Promise<ScenarioFigures> {
  const random = createRandom(options.seed);
  const work = join(options.directory, scenario.name);
  mkdirSync(work, { recursive: true });
  const referenceDb = join(work, 'reference.sqlite');
  copyFileSync(options.prepared, referenceDb);
  const reference = await scenario.firstRun(referenceDb);
  if (scenario.recoverAfterReference) await scenario.recover(referenceDb);
  const expected = await scenario.snapshot(referenceDb);
  // A kill while the CLI is still loading its modules proves nothing about the work.
  const startupMs = Math.min(options.startupMs ?? (await measureStartup()), reference.ms * 0.5);
  const points: KillPointResult[] = [];
  for (let point = 0; point < options.points; point++) {
    const db = join(work, `kill-${point}.sqlite`);
    // Anywhere in the work: from the end of the start-up to the reference's end. A run faster
    // than the reference may finish before its kill: then the same share of a shorter span, on
    // a fresh copy, so that each point is a kill in the middle of the work if at all possible.
    const share = random.next();
    let killAfterMs = 0;
    let finishedBeforeKill = true;
    for (let shrink = 1; shrink >= 1 / 16 && finishedBeforeKill; shrink /= 2) {
      copyFileSync(options.prepared, db);
      for (const suffix of ['-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
      killAfterMs = Math.round(startupMs + (reference.ms - startupMs) * share * shrink);
      const killed = await scenario.firstRun(db, killAfterMs);
      finishedBeforeKill = killed.signal === null && killed.code === 0;
    }
    if (!finishedBeforeKill) await scenario.recover(db);
    const actual = await scenario.snapshot(db);
    const difference = scenario.judge ? scenario.judge(expected, actual) : firstDifference(expected, actual);
    points.push({ killAfterMs, finishedBeforeKill, equal: difference === undefined, ...(difference ? { difference } : {}) });
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
  }
  return { scenario: scenario.name, startupMs: Math.round(startupMs), referenceMs: Math.round(reference.ms), points };
}

/**
 * How long the CLI takes to start and do nothing (its `--help`): measure once for many scenarios.
 * @example const startupMs = await measureStartup()
 */
export async function measureStartup(): Promise<number> {
  return (await runCli(['--help'])).ms;
}

/** Throws with the command's output unless it ended well. */
export function assertCompleted(result: CommandResult, what: string): CommandResult {
  if (result.code !== 0) throw new Error(`${what} failed (${result.code ?? result.signal}): ${result.stderr.slice(-3000)}`);
  return result;
}
