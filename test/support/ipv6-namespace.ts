/**
 * A network namespace that holds an IPv6 documentation prefix and nothing else: the prefix is
 * routed to the namespace's own loopback (`ip -6 route add local PREFIX dev lo`) and
 * `net.ipv6.ip_nonlocal_bind` is on, so a listener may bind any address of the prefix without
 * adding each one, and a connection to any of them stays on the namespace's loopback. The
 * scanner's published source address is configured on lo, as a plan requires, and so may be
 * a decoy the kernel would prefer as a source: traffic from the decoy shows a dialer that
 * did not bind to the published address.
 * No interface leads out of the namespace: every packet stays inside it.
 */
import { createNetworkNamespace, type NetworkNamespace } from './network-namespace.ts';

export interface IPv6Namespace extends NetworkNamespace {
  /** The prefix routed to the namespace's loopback, e.g. 2001:db8:6::/64. */
  prefix: string;
  /** The address configured on lo: the scanner's source address. */
  sourceAddress: string;
}

export interface IPv6NamespaceOptions {
  name: string;
  /** Routed to the namespace's loopback, e.g. 2001:db8:6::/64. */
  prefix: string;
  /** Configured on lo: the scanner's published source address. */
  sourceAddress: string;
  /** Configured on lo too: an address the kernel would choose as the source unless told otherwise. */
  decoyAddress?: string;
}

/**
 * @example const ns = await createIPv6Namespace({ name: `on-v6-${process.pid}`, prefix: '2001:db8:6::/64', sourceAddress: '2001:db8:6::1:1' }); try { … } finally { await ns.remove() }
 */
export async function createIPv6Namespace(options: IPv6NamespaceOptions): Promise<IPv6Namespace> {
  const { name, prefix, sourceAddress } = options;
  if (!name.startsWith('on-v6-')) throw new Error(`IPv6 test namespaces are named on-v6-…, not ${name}`);
  const namespace = await createNetworkNamespace(name);
  try {
    // nodad: the address is usable at once, not "tentative" for the length of duplicate detection.
    for (const address of [sourceAddress, ...(options.decoyAddress ? [options.decoyAddress] : [])]) {
      await namespace.exec('ip', ['-6', 'addr', 'add', `${address}/128`, 'dev', 'lo', 'nodad']);
    }
    await namespace.exec('ip', ['-6', 'route', 'add', 'local', prefix, 'dev', 'lo']);
    await namespace.exec('sysctl', ['-qw', 'net.ipv6.ip_nonlocal_bind=1']);
  } catch (error) {
    await namespace.remove();
    throw error;
  }
  return { ...namespace, prefix, sourceAddress };
}
