import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenNoticeError } from '../core/errors.ts';
import type { LabTruth } from '../lab/truth.ts';
import type { LabStats } from '../lab/lab.ts';

export interface LabProcess {
  truth: LabTruth;
  /** The lab's synthetic vulnerability feed (NVD 2.0 JSON), valid until stop(). */
  feedFile: string;
  /** Stops the lab (SIGTERM), waits for it to exit, and returns the counters it printed. */
  stop(): Promise<LabStats | undefined>;
}

const cliEntry = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

/**
 * Start `opennotice lab` as a child process — the devices then run on the other core,
 * as real devices would not share the scanner's event loop — and wait for "lab ready".
 * @example const lab = await startLabProcess({ cidr: '127.79.0.0/16', devices: 300 }); …; await lab.stop()
 */
export async function startLabProcess(options: { cidr?: string; seed?: number; devices?: number; hostile?: boolean; timeoutMs?: number } = {}): Promise<LabProcess> {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-lab-'));
  const truthFile = join(directory, 'truth.json');
  const feedFile = join(directory, 'synthetic-feed.json');
  const args = ['--disable-warning=ExperimentalWarning', cliEntry, 'lab', '--truth', truthFile, '--feed', feedFile];
  if (options.cidr) args.push('--cidr', options.cidr);
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.devices !== undefined) args.push('--devices', String(options.devices));
  if (options.hostile === false) args.push('--no-hostile');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new OpenNoticeError('LAB_FAILED', `lab not ready within ${options.timeoutMs ?? 60_000} ms:\n${output}`)), options.timeoutMs ?? 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/^lab ready/m.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
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
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(directory, { recursive: true, force: true });
      const statsLine = /^lab stopped (\{.*\})$/m.exec(output)?.[1];
      return statsLine ? (JSON.parse(statsLine) as LabStats) : undefined;
    },
  };
}
