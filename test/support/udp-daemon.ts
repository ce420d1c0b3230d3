/**
 * A real UDP daemon for grabber tests, on the host's loopback or inside a test namespace:
 * started in the foreground, ready once `ss` shows its UDP port bound (bounded in time; a daemon
 * that exits or never binds fails the test at once with its output), stopped by its own pid.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { stopProcess, systemPath, type NetworkNamespace } from './network-namespace.ts';

const run = promisify(execFile);

export interface UdpDaemon {
  /** What it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface UdpDaemonSpec {
  name: string;
  command: string;
  args: readonly string[];
  /** The UDP port it binds, and the address when it binds one ("*" in ss when it does not). */
  port: number;
  /** The address it binds, when it binds one: only that socket counts as ready. */
  ip?: string;
  namespace?: NetworkNamespace;
  startTimeoutMs?: number;
}

/**
 * @example const server = await startUdpDaemon({ name: 'coap-server', command: 'coap-server-notls', args: ['-A', '127.101.0.1'], port: 5683 })
 */
export async function startUdpDaemon(spec: UdpDaemonSpec): Promise<UdpDaemon> {
  const child: ChildProcess = spec.namespace
    ? spec.namespace.spawn(spec.command, spec.args)
    : spawn(spec.command, spec.args, { env: { ...process.env, PATH: systemPath }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString('utf8');
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.once('error', (error) => {
    exited = true;
    log += String(error);
  });
  // A test cut short must not leave the daemon running.
  const killOnExit = () => !exited && child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await stopProcess(child);
  };
  const ss = ['-H', '-u', '-a', '-n', spec.ip ? `src ${spec.ip}:${spec.port}` : `sport = :${spec.port}`];
  const deadline = Date.now() + (spec.startTimeoutMs ?? 8000);
  for (let attempt = 0; attempt < 200 && Date.now() < deadline; attempt++) {
    if (exited) break;
    const listing = spec.namespace
      ? await spec.namespace.exec('ss', ss).catch(() => '')
      : (await run('ss', ss, { timeout: 5000, env: { ...process.env, PATH: systemPath } }).catch(() => ({ stdout: '' }))).stdout;
    if (listing.trim() !== '') return { output: () => log, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`${spec.name} ${exited ? 'exited' : 'did not bind'} UDP ${spec.port} in time:\n${log}`);
}
