/**
 * Network namespaces for tests that run a real daemon which wants interfaces of its own
 * (miniupnpd wants an external interface): created and removed by the test, so every packet
 * the daemon or the test sends stays inside them. Needs root and iproute2; every command is
 * bounded in time, and a failure says which command failed and why.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Where iproute2 and daemons live, whatever the test runner's PATH. */
export const systemPath = `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${process.env.PATH ?? ''}`;
const commandTimeoutMs = 10_000;

export interface NetworkNamespace {
  name: string;
  /** Run a command inside the namespace to its end (bounded); its stdout. */
  exec(command: string, args: readonly string[], timeoutMs?: number): Promise<string>;
  /** Start a long-running command inside the namespace. */
  spawn(command: string, args: readonly string[]): ChildProcess;
  /** Delete the namespace (its interfaces go with it). Safe to call twice. */
  remove(): Promise<void>;
}

async function ip(args: readonly string[]): Promise<string> {
  try {
    return (await run('ip', args, { timeout: commandTimeoutMs, env: { ...process.env, PATH: systemPath } })).stdout;
  } catch (error) {
    const detail = error instanceof Error ? (error as { stderr?: string }).stderr || error.message : String(error);
    throw new Error(`ip ${args.join(' ')} failed (network namespaces need root and iproute2): ${detail.trim()}`);
  }
}

/**
 * A fresh namespace with its loopback up.
 * @example const ns = await createNetworkNamespace(`onsmall-upnp-${process.pid}`); try { … } finally { await ns.remove() }
 */
export async function createNetworkNamespace(name: string): Promise<NetworkNamespace> {
  // A namespace left by an earlier run that crashed would make `add` fail.
  await ip(['netns', 'delete', name]).catch(() => undefined);
  await ip(['netns', 'add', name]);
  let removed = false;
  const namespace: NetworkNamespace = {
    name,
    exec: async (command, args, timeoutMs = commandTimeoutMs) =>
      (await run('ip', ['netns', 'exec', name, command, ...args], { timeout: timeoutMs, env: { ...process.env, PATH: systemPath } })).stdout,
    spawn: (command, args) =>
      spawn('ip', ['netns', 'exec', name, command, ...args], { env: { ...process.env, PATH: systemPath }, stdio: ['ignore', 'pipe', 'pipe'] }),
    async remove() {
      if (removed) return;
      removed = true;
      await ip(['netns', 'delete', name]);
    },
  };
  try {
    await ip(['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (error) {
    await namespace.remove();
    throw error;
  }
  return namespace;
}

/**
 * Stop a process started with `spawn`: SIGTERM, then SIGKILL if it has not exited in time.
 * @example await stopProcess(daemon)
 */
export async function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
