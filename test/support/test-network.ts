/**
 * A small network of "machines" for tests that need several hosts: one network namespace per
 * host, each joined by a veth pair to a bridge the set-up makes in the test's own namespace,
 * with an address from 198.18.0.0/15 (RFC 2544's benchmarking range, never routed on the
 * Internet). The test process reaches every host through the bridge's own address; services
 * the test runs in its own namespace (PostgreSQL, a queue) listen on that address and the
 * hosts reach them. One host may serve the lab: its loopback range is made reachable from the
 * others over the veths (`route_localnet` on every hop, the lab's range routed to the lab host,
 * and each other host's catch-all local route for 127/8 narrowed to 127.0.0.1), so that every
 * packet to the lab crosses the lab host's veth, where a capture sees it.
 *
 * Every packet stays on interfaces the set-up made; `remove()` deletes the namespaces and the
 * bridge, and a network of the same name left by a crashed run is removed before it is made.
 * Needs root and iproute2; every command is bounded in time and says which one failed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { systemPath } from './network-namespace.ts';

const run = promisify(execFile);
const commandTimeoutMs = 10_000;

export interface TestHost {
  name: string;
  /** The host's network namespace. */
  namespace: string;
  /** Its address on the bridge (its source address). */
  address: string;
  /** Its veth's name inside the namespace, for a capture (`tcpdump -i`). */
  interfaceName: string;
  /** Run a command inside the host to its end (bounded); its stdout. */
  exec(command: string, args: readonly string[], timeoutMs?: number): Promise<string>;
  /** Start a long-running command inside the host. */
  spawn(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): ChildProcess;
}

export interface TestNetwork {
  /** The bridge's address in the test's own namespace: where the hosts reach the test's services. */
  gatewayAddress: string;
  hosts: ReadonlyMap<string, TestHost>;
  host(name: string): TestHost;
  /** Delete every namespace and the bridge. Safe to call twice. */
  remove(): Promise<void>;
}

export interface TestNetworkOptions {
  /** Short (≤ 6 characters, letters and digits): names the bridge, the veths and the namespaces. */
  name: string;
  /** The third octet of 198.18.X.0/24 this network uses (each test its own). */
  subnet: number;
  hosts: readonly string[];
  /** The host that serves a lab on its loopback range, and that range. */
  lab?: { host: string; cidr: string };
}

async function ip(args: readonly string[]): Promise<string> {
  try {
    return (await run('ip', args, { timeout: commandTimeoutMs, env: { ...process.env, PATH: systemPath } })).stdout;
  } catch (error) {
    const detail = error instanceof Error ? (error as { stderr?: string }).stderr || error.message : String(error);
    throw new Error(`ip ${args.join(' ')} failed (the test network needs root and iproute2): ${detail.trim()}`);
  }
}

async function sysctl(namespace: string | undefined, settings: readonly string[]): Promise<void> {
  const args = ['-qw', ...settings];
  if (namespace) await ip(['netns', 'exec', namespace, 'sysctl', ...args]);
  else await run('sysctl', args, { timeout: commandTimeoutMs, env: { ...process.env, PATH: systemPath } });
}

/**
 * @example const network = await createTestNetwork({ name: 'dist', subnet: 41, hosts: ['lab', 'w1', 'w2'], lab: { host: 'lab', cidr: '127.141.0.0/20' } }); try { … } finally { await network.remove() }
 */
export async function createTestNetwork(options: TestNetworkOptions): Promise<TestNetwork> {
  if (!/^[a-z0-9]{1,6}$/.test(options.name)) throw new Error(`a test network name is 1–6 letters or digits, not ${options.name}`);
  if (!Number.isInteger(options.subnet) || options.subnet < 0 || options.subnet > 255) throw new Error(`subnet ${options.subnet} is not 0–255`);
  if (options.hosts.length > 200) throw new Error('at most 200 hosts');
  const bridge = `on-${options.name}-br`;
  const namespaceOf = (host: string) => `on-${options.name}-${host}`;
  const gatewayAddress = `198.18.${options.subnet}.1`;
  const namespaces = options.hosts.map(namespaceOf);

  const remove = async () => {
    for (const namespace of namespaces) await ip(['netns', 'delete', namespace]).catch(() => undefined);
    await ip(['link', 'delete', bridge]).catch(() => undefined);
  };
  await remove();

  const hosts = new Map<string, TestHost>();
  try {
    await ip(['link', 'add', bridge, 'type', 'bridge']);
    await ip(['addr', 'add', `${gatewayAddress}/24`, 'dev', bridge]);
    await ip(['link', 'set', bridge, 'up']);
    for (const [index, name] of options.hosts.entries()) {
      const namespace = namespaceOf(name);
      const address = `198.18.${options.subnet}.${10 + index}`;
      // Interface names are at most 15 characters: short ones, numbered.
      const outside = `on${options.name}o${index}`;
      const inside = `eth0`;
      await ip(['netns', 'add', namespace]);
      await ip(['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside, 'netns', namespace]);
      await ip(['link', 'set', outside, 'master', bridge]);
      await ip(['link', 'set', outside, 'up']);
      await ip(['-n', namespace, 'link', 'set', 'lo', 'up']);
      await ip(['-n', namespace, 'addr', 'add', `${address}/24`, 'dev', inside]);
      await ip(['-n', namespace, 'link', 'set', inside, 'up']);
      hosts.set(name, {
        name,
        namespace,
        address,
        interfaceName: inside,
        exec: async (command, args, timeoutMs = commandTimeoutMs) =>
          (await run('ip', ['netns', 'exec', namespace, command, ...args], { timeout: timeoutMs, env: { ...process.env, PATH: systemPath } })).stdout,
        spawn: (command, args, env) =>
          spawn('ip', ['netns', 'exec', namespace, command, ...args], { env: { ...process.env, ...env, PATH: systemPath }, stdio: ['ignore', 'pipe', 'pipe'] }),
      });
    }
    if (options.lab) await routeLab(options.lab, hosts);
    return {
      gatewayAddress,
      hosts,
      host(name) {
        const found = hosts.get(name);
        if (!found) throw new Error(`no host ${name} in the test network ${options.name}`);
        return found;
      },
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** Makes the lab host's loopback range reachable from every other host, over the veths only. */
async function routeLab(lab: { host: string; cidr: string }, hosts: ReadonlyMap<string, TestHost>): Promise<void> {
  const labHost = hosts.get(lab.host);
  if (!labHost) throw new Error(`the lab host ${lab.host} is not in the network`);
  for (const host of hosts.values()) {
    await sysctl(host.namespace, [
      'net.ipv4.conf.all.route_localnet=1',
      `net.ipv4.conf.${host.interfaceName}.route_localnet=1`,
      'net.ipv4.conf.all.rp_filter=0',
      `net.ipv4.conf.${host.interfaceName}.rp_filter=0`,
    ]);
    if (host === labHost) continue;
    // Only 127.0.0.1 stays local: the rest of 127/8 leaves through the veth to the lab host.
    await ip(['-n', host.namespace, 'route', 'del', 'local', '127.0.0.0/8', 'dev', 'lo', 'table', 'local']);
    await ip(['-n', host.namespace, 'route', 'replace', 'local', '127.0.0.1/32', 'dev', 'lo', 'table', 'local']);
    await ip(['-n', host.namespace, 'route', 'add', lab.cidr, 'via', labHost.address, 'dev', host.interfaceName]);
  }
}
