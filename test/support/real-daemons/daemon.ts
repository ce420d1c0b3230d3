/**
 * A real daemon for the credential test bed: started in the foreground in its own process
 * group, its output kept in a log file, ready once it accepts a TCP connection (bounded),
 * stopped with its children (the sessions it forked).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

export interface Daemon {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  /** What the daemon printed so far (its log when it logs to stderr). */
  output(): string;
  /** SIGTERM to its process group, SIGKILL after two seconds; resolves once it exited. */
  stop(): Promise<void>;
}

export interface DaemonSpec {
  name: string;
  command: string;
  args: readonly string[];
  ip: string;
  port: number;
  /** Where stdout and stderr go. */
  logFile: string;
  /** How long it may take to accept connections. */
  startTimeoutMs?: number;
}

/**
 * @example const sshd = await startDaemon({ name: 'sshd', command: '/usr/sbin/sshd', args: ['-D', '-e', '-f', config], ip: '127.93.2.1', port: 2222, logFile })
 */
export async function startDaemon(spec: DaemonSpec): Promise<Daemon> {
  // A daemon left over from an earlier run would answer in place of this one.
  if (await accepts(spec.ip, spec.port)) throw new Error(`something already listens on ${spec.ip}:${spec.port}: stop it first`);
  const fd = openSync(spec.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, { stdio: ['ignore', fd, fd], detached: true });
  } finally {
    closeSync(fd);
  }
  let exited = child.exitCode !== null;
  // A test run cut short (a timeout, --test-force-exit) skips `after`: the daemon must not outlive it.
  const killOnExit = () => child.pid !== undefined && !exited && signalGroup(child.pid, 'SIGKILL');
  process.once('exit', killOnExit);
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      process.removeListener('exit', killOnExit);
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });
  const output = () => readFileSync(spec.logFile, 'utf8');
  const stop = async () => {
    if (!exited && child.pid !== undefined) signalGroup(child.pid, 'SIGTERM');
    const killer = setTimeout(() => child.pid !== undefined && signalGroup(child.pid, 'SIGKILL'), 2000);
    await exit;
    clearTimeout(killer);
  };
  const deadline = Date.now() + (spec.startTimeoutMs ?? 10_000);
  for (let attempt = 0; attempt < 1000 && Date.now() < deadline; attempt++) {
    if (exited) throw new Error(`${spec.name} exited before it accepted connections:\n${output()}`);
    if ((await accepts(spec.ip, spec.port)) && !exited) return { name: spec.name, ip: spec.ip, port: spec.port, output, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`${spec.name} did not accept connections on ${spec.ip}:${spec.port} in time:\n${output()}`);
}

/** The daemon and the sessions it forked share its process group. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function accepts(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, 500);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}
