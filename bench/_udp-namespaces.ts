/**
 * Two network namespaces joined by a veth pair, for the UDP benchmark: the lab answers on its
 * loopback range inside one ("lab"), the scanners (the survey and zmap) send from the other
 * ("scan") through the veth, so zmap — which writes Ethernet frames and cannot scan its own
 * loopback — and the survey's sockets probe the same addresses over the same link. Every packet
 * stays inside the two namespaces; both are removed afterwards, and any left by a crashed run
 * are removed before they are made again.
 *
 * The lab's range is loopback (the lab refuses anything else), so both ends allow 127/8 on the
 * veth (`route_localnet`), and the scan side drops its catch-all local route for 127/8 (keeping
 * 127.0.0.1) and routes the lab's range to the lab side instead.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const path = `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${process.env.PATH ?? ''}`;

export interface UdpBenchNetwork {
  scanNamespace: string;
  labNamespace: string;
  /** The scan side's address (the survey's and zmap's source). */
  scanAddress: string;
  /** The lab side's MAC address: zmap's gateway. */
  gatewayMac: string;
  /** The scan side's interface, for zmap's `-i`. */
  scanInterface: string;
  /** Start a command in a namespace. */
  spawnIn(namespace: string, command: string, args: readonly string[]): ChildProcess;
  /** Remove both namespaces (their interfaces go with them). */
  remove(): Promise<void>;
}

async function ip(args: readonly string[]): Promise<string> {
  try {
    return (await run('ip', args, { timeout: 10_000, env: { ...process.env, PATH: path } })).stdout;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr || (error instanceof Error ? error.message : String(error));
    throw new Error(`ip ${args.join(' ')} failed (the UDP benchmark needs root and iproute2): ${detail.trim()}`);
  }
}

/**
 * Make the two namespaces; `labCidr` is the lab's loopback range.
 * @example const network = await createUdpBenchNetwork('127.233.0.0/16'); try { … } finally { await network.remove() }
 */
export async function createUdpBenchNetwork(labCidr: string): Promise<UdpBenchNetwork> {
  const scanNamespace = 'on-bench-udp-scan';
  const labNamespace = 'on-bench-udp-lab';
  const scanInterface = 'on-bu-scan';
  const labInterface = 'on-bu-lab';
  const [scanAddress, labAddress] = ['10.213.0.1', '10.213.0.2'];
  for (const namespace of [scanNamespace, labNamespace]) await ip(['netns', 'delete', namespace]).catch(() => undefined);
  const remove = async () => {
    for (const namespace of [scanNamespace, labNamespace]) await ip(['netns', 'delete', namespace]).catch(() => undefined);
  };
  try {
    await ip(['netns', 'add', scanNamespace]);
    await ip(['netns', 'add', labNamespace]);
    await ip(['link', 'add', scanInterface, 'netns', scanNamespace, 'type', 'veth', 'peer', 'name', labInterface, 'netns', labNamespace]);
    await ip(['-n', scanNamespace, 'addr', 'add', `${scanAddress}/30`, 'dev', scanInterface]);
    await ip(['-n', labNamespace, 'addr', 'add', `${labAddress}/30`, 'dev', labInterface]);
    for (const [namespace, device] of [
      [scanNamespace, scanInterface],
      [labNamespace, labInterface],
    ] as const) {
      await ip(['-n', namespace, 'link', 'set', 'lo', 'up']);
      await ip(['-n', namespace, 'link', 'set', device, 'up']);
      const sysctl = [
        'net.ipv4.conf.all.route_localnet=1',
        `net.ipv4.conf.${device}.route_localnet=1`,
        'net.ipv4.conf.all.rp_filter=0',
        `net.ipv4.conf.${device}.rp_filter=0`,
      ];
      await ip(['netns', 'exec', namespace, 'sysctl', '-qw', ...sysctl]);
    }
    await ip(['-n', scanNamespace, 'route', 'del', 'local', '127.0.0.0/8', 'dev', 'lo', 'table', 'local']);
    await ip(['-n', scanNamespace, 'route', 'replace', 'local', '127.0.0.1/32', 'dev', 'lo', 'table', 'local']);
    await ip(['-n', scanNamespace, 'route', 'add', labCidr, 'via', labAddress, 'dev', scanInterface]);
    const link = await ip(['-n', labNamespace, 'link', 'show', labInterface]);
    const gatewayMac = /link\/ether ([0-9a-f:]{17})/.exec(link)?.[1];
    if (!gatewayMac) throw new Error(`no MAC address on ${labInterface}: ${link.trim()}`);
    return {
      scanNamespace,
      labNamespace,
      scanAddress,
      gatewayMac,
      scanInterface,
      spawnIn: (namespace, command, args) =>
        spawn('ip', ['netns', 'exec', namespace, command, ...args], { env: { ...process.env, PATH: path }, stdio: ['ignore', 'pipe', 'pipe'] }),
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
