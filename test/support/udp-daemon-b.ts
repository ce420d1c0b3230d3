/**
 * A real UDP daemon for a grabber test: started in the foreground in its own process group with
 * a configuration of the test's own, ready once `ready()` says so (a UDP port cannot be probed
 * by connecting, so the test asks its own question), stopped with SIGTERM then SIGKILL. A
 * daemon that exits or stays silent fails the test fast, with its log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { GrabContext } from '../../src/protocols/grab.ts';
import type { ConnectionLimits } from '../../src/scope/connection.ts';
import { createDialer } from '../../src/scope/dialer.ts';
import { buildScope } from '../../src/scope/scope.ts';

export interface UdpDaemon {
  readonly name: string;
  output(): string;
  stop(): Promise<void>;
}

export interface UdpDaemonSpec {
  name: string;
  command: string;
  args: readonly string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** One question to the daemon: true once it answers. */
  ready: () => Promise<boolean>;
  startTimeoutMs?: number;
}

/**
 * @example const snmpd = await startUdpDaemon({ name: 'snmpd', command: '/usr/sbin/snmpd', args, logFile, ready: async () => (await grabSnmp(ctx, target)).status === 'success' })
 */
export async function startUdpDaemon(spec: UdpDaemonSpec): Promise<UdpDaemon> {
  const fd = openSync(spec.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, { stdio: ['ignore', fd, fd], detached: true, ...(spec.env ? { env: spec.env } : {}) });
  } finally {
    closeSync(fd);
  }
  let exited = false;
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
  for (let attempt = 0; attempt < 100 && Date.now() < deadline; attempt++) {
    if (exited) break;
    if (await spec.ready()) return { name: spec.name, output, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`${spec.name} ${exited ? 'exited' : 'did not answer'} before it was ready:\n${output()}`);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * A GrabContext like the loopback one whose datagrams leave from `source` (in 127.102.0.0/16),
 * so a daemon's address-based access list (snmpd's `rocommunity … 127.102.0.0/16`) admits it
 * and a capture filtered on our addresses sees every packet.
 * @example const ctx = createSourcedContext('127.102.0.100', { ioTimeoutMs: 1500 })
 */
export function createSourcedContext(source: string, limits: Partial<ConnectionLimits> = {}): GrabContext {
  const dialer = createDialer({
    scope: buildScope({ allow: ['127.0.0.0/8'] }),
    rate: { connectionsPerSecond: 10_000, maxConcurrent: 64, perHostConcurrent: 8, datagramsPerTarget: { requests: 1000, windowMs: 1000 } },
    limits,
    sourceAddresses: [source],
  });
  return {
    dial: (target, overrides) => dialer.dial(target, overrides),
    dialTls: (target, options) => dialer.dialTls(target, options),
    query: (target, request, options) => dialer.query(target, request, options),
    userAgent: 'opennotice-test (+https://example.org/opennotice-test)',
    signal: new AbortController().signal,
  };
}
