/**
 * A live command (`darknet capture`, `flows collect`) as the kill harness runs it: started,
 * sent its traffic once it says it listens, then stopped with Ctrl-C (SIGINT) as an operator
 * stops it — or killed with SIGKILL at a given moment while the traffic goes on regardless
 * (senders do not wait for a dead collector).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CommandResult } from './kill-harness.ts';

const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** Bounds every session: a command that never says it listens, or never stops, fails the test. */
const sessionTimeoutMs = 60_000;

export interface LiveSession {
  args: readonly string[];
  /** The line (stdout or stderr) after which the command receives: the traffic starts then. */
  ready: RegExp;
  /** Sends the session's traffic; given the output so far (e.g. the bound port is in it). */
  traffic(output: string): Promise<void>;
  /** How long to wait after the traffic before Ctrl-C, so the last packets are read, not cut. */
  settleMs: number;
}

/** True while a process group has a member (signal 0 only asks). */
function groupAlive(groupId: number): boolean {
  try {
    process.kill(-groupId, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Run one session; with `killAfterMs`, SIGKILL the command then (if still running), as the OOM
 * killer would: the command's process only, not its children. Children left behind are then
 * removed with their group, so no session outlives its test.
 * @example await runLiveSession({ args: ['flows', 'collect', ...], ready: /listening for flows/, traffic: send, settleMs: 300 }, { killAfterMs: 900 })
 */
export function runLiveSession(session: LiveSession, options: { killAfterMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // Its own process group, so whatever it starts can be found and removed after a kill.
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', cli, ...session.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let trafficStarted = false;
    let trafficDone: Promise<unknown> = Promise.resolve();
    let stoppedByUs = false;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const startTraffic = () => {
      if (trafficStarted || !session.ready.test(stdout + stderr)) return;
      trafficStarted = true;
      trafficDone = (async () => {
        await session.traffic(stdout + stderr);
        if (options.killAfterMs !== undefined && child.exitCode === null && child.signalCode === null) {
          // The kill may still come after the traffic: wait for it, then stop as usual if it did not.
          await Promise.race([exited, new Promise((wait) => setTimeout(wait, session.settleMs))]);
        } else await new Promise((wait) => setTimeout(wait, session.settleMs));
        if (child.exitCode === null && child.signalCode === null) {
          stoppedByUs = true;
          child.kill('SIGINT');
        }
      })().catch((error: unknown) => {
        child.kill('SIGKILL');
        reject(error);
      });
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      startTraffic();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      startTraffic();
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), sessionTimeoutMs);
    const killer = options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    child.once('exit', (code, signal) => {
      clearTimeout(guard);
      if (killer) clearTimeout(killer);
      // An orphaned tcpdump would only notice its reader is gone at its next packet.
      const groupId = child.pid;
      if (groupId !== undefined && groupAlive(groupId)) process.kill(-groupId, 'SIGKILL');
      // Ctrl-C is how a live command ends: its 130 (or 0) after our SIGINT is a clean end.
      const stoppedCleanly = stoppedByUs && signal === null && (code === 0 || code === 130);
      // A killed command's traffic still runs to its end: the next session must not receive it.
      void trafficDone.then(() => resolve({ code: stoppedCleanly ? 0 : code, signal, stdout, stderr, ms: performance.now() - started }));
    });
  });
}
