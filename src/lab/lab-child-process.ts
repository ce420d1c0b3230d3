import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenNoticeError } from '../core/errors.ts';
import { canonicalAddress } from '../scope/canonical-address.ts';
import type { LabTruth } from './truth.ts';
import type { LabStats } from './lab.ts';

export interface RemediationResult {
  /** Addresses whose devices are now fixed (asked for, in order). */
  remediated: string[];
  /** Addresses with no lab device. */
  unknown: string[];
}

export interface LabProcess {
  truth: LabTruth;
  /** The lab's synthetic vulnerability feed (NVD 2.0 JSON), valid until stop(). */
  feedFile: string;
  /**
   * The owners of these devices fix them now (weak passwords become strong for new logins),
   * through the lab's control channel. Rejects (LAB_FAILED) when the lab does not answer in time.
   */
  remediate(ips: readonly string[], options?: { timeoutMs?: number }): Promise<RemediationResult>;
  /** Stops the lab (SIGTERM), waits for it to exit, and returns the counters it printed. */
  stop(): Promise<LabStats | undefined>;
}

/** Where iproute2 lives, whatever the caller's PATH. */
const systemPath = `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${process.env.PATH ?? ''}`;
const cliEntry = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
/** Most of the lab's output kept for error messages and the final stats line (answers scroll past). */
const maxKeptOutput = 64 * 1024;
const defaultRemediateTimeoutMs = 10_000;

/** A remediate call waiting for its answers, which come in the order of the commands. */
interface PendingCommand {
  ips: readonly string[];
  answers: Array<{ verb: string; ip: string }>;
  settled: boolean;
  settle(error?: Error): void;
}

/**
 * Start `opennotice lab` as a child process — the devices then run on the other core,
 * as real devices would not share the scanner's event loop — and wait for "lab ready".
 * @example
 * const lab = await startLabProcess({ cidr: '127.79.0.0/16', devices: 300 });
 * await lab.remediate(['127.79.0.12']); // { remediated: ['127.79.0.12'], unknown: [] }
 * await lab.stop();
 */
export async function startLabProcess(
  options: {
    cidr?: string;
    seed?: number;
    devices?: number;
    hostile?: boolean;
    timeoutMs?: number;
    /** Run the lab inside this network namespace (`ip netns exec`), whose loopback it then listens on. */
    namespace?: string;
  } = {},
): Promise<LabProcess> {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-lab-'));
  const truthFile = join(directory, 'truth.json');
  const feedFile = join(directory, 'synthetic-feed.json');
  const args = ['--disable-warning=ExperimentalWarning', cliEntry, 'lab', '--truth', truthFile, '--feed', feedFile];
  if (options.cidr) args.push('--cidr', options.cidr);
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.devices !== undefined) args.push('--devices', String(options.devices));
  if (options.hostile === false) args.push('--no-hostile');
  const child = options.namespace
    ? spawn('ip', ['netns', 'exec', options.namespace, process.execPath, ...args], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, PATH: systemPath },
      })
    : spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  // A lab that died must not crash this process when we write a command to it.
  child.stdin.on('error', () => undefined);
  let output = '';
  let partialLine = '';
  const pending: PendingCommand[] = [];
  const keep = (text: string) => {
    output += text;
    if (output.length > maxKeptOutput) output = output.slice(-maxKeptOutput);
  };
  const onAnswer = (line: string) => {
    const match = /^(remediated|unknown|error) (.*)$/.exec(line);
    const command = pending[0];
    if (!match || !command) return;
    command.answers.push({ verb: match[1]!, ip: match[2]! });
    if (command.answers.length < command.ips.length) return;
    pending.shift();
    const error = command.answers.find((answer, index) => answer.verb === 'error' || answer.ip !== command.ips[index]);
    command.settle(error ? new OpenNoticeError('LAB_FAILED', `the lab answered "${error.verb} ${error.ip}" to a remediate command`) : undefined);
  };
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    keep(text);
    const lines = (partialLine + text).split('\n');
    partialLine = lines.pop()!.slice(-maxKeptOutput);
    for (const line of lines) onAnswer(line);
  });
  child.stderr.on('data', (chunk: Buffer) => keep(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then((code) => {
    for (const command of pending.splice(0)) command.settle(new OpenNoticeError('LAB_FAILED', `the lab exited (code ${code}) before answering`));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new OpenNoticeError('LAB_FAILED', `lab not ready within ${options.timeoutMs ?? 60_000} ms:\n${output}`)),
        options.timeoutMs ?? 60_000,
      );
      const onData = () => {
        if (/^lab ready/m.test(output)) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      exited.then((code) => {
        clearTimeout(timer);
        reject(new OpenNoticeError('LAB_FAILED', `lab exited with code ${code} before it was ready:\n${output.trim()}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as LabTruth;
  return {
    truth,
    feedFile,
    remediate(ips, remediateOptions = {}) {
      for (const ip of ips) {
        // One address per line, nothing else: a stray newline would be a second command.
        if (canonicalAddress(ip) !== ip)
          return Promise.reject(new OpenNoticeError('USAGE', `remediate: "${ip.slice(0, 64)}" is not an address in canonical form`));
      }
      if (ips.length === 0) return Promise.resolve({ remediated: [], unknown: [] });
      if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new OpenNoticeError('LAB_FAILED', 'the lab is not running'));
      const timeoutMs = remediateOptions.timeoutMs ?? defaultRemediateTimeoutMs;
      return new Promise<RemediationResult>((resolve, reject) => {
        const command: PendingCommand = {
          ips: [...ips],
          answers: [],
          settled: false,
          settle(error) {
            if (command.settled) return;
            command.settled = true;
            clearTimeout(timer);
            if (error) return reject(error);
            resolve({
              remediated: command.answers.filter((answer) => answer.verb === 'remediated').map((answer) => answer.ip),
              unknown: command.answers.filter((answer) => answer.verb === 'unknown').map((answer) => answer.ip),
            });
          },
        };
        // On timeout the command stays queued, so later answers still line up with later commands.
        const timer = setTimeout(
          () => command.settle(new OpenNoticeError('LAB_FAILED', `the lab did not answer ${ips.length} remediate command(s) within ${timeoutMs} ms`)),
          timeoutMs,
        );
        pending.push(command);
        child.stdin.write(ips.map((ip) => `remediate ${ip}\n`).join(''));
      });
    },
    async stop() {
      child.stdin.end();
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(directory, { recursive: true, force: true });
      const statsLine = /^lab stopped (\{.*\})$/m.exec(output)?.[1];
      return statsLine ? (JSON.parse(statsLine) as LabStats) : undefined;
    },
  };
}
