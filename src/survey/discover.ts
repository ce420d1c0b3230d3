/**
 * The survey's first stage: which (address, port) pairs are open, grouped by host. Either the
 * built-in connect scan over the scope's addresses (or a hit list's) and ports in a seeded pseudo-random order,
 * or open ports handed in (a ZMap/masscan file, a re-survey's list) — which the scope still
 * filters, because a file may name anything.
 */
import type { OpenPort, Target } from '../core/records.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { connectScan } from '../discover/connect.ts';
import type { Dialer } from '../scope/dialer.ts';
import { countTargets, permutedTargets } from '../scope/targets.ts';
import type { SurveySettings } from './policy.ts';

export interface Discovery {
  /** Open TCP ports by host, each port once, in discovery order. */
  openByHost: Map<string, OpenPort[]>;
  /** UDP ports handed in (a `zmap -M udp` file, a re-survey's UDP services), each once, for the UDP stage to query. */
  udpOpen: OpenPort[];
  /** Targets probed (connect scan) or open ports read (given). */
  targets: number;
  openPorts: number;
}

export interface DiscoveryHooks {
  signal: AbortSignal;
  /** Hosts to leave out: a resumed run's hosts that were already saved. */
  skipHosts: ReadonlySet<string>;
  /** A target the connect scan found refused: a conclusive "nothing listens here now". */
  onRefused?: (target: Target) => void;
  /** Called as targets are probed: done so far of total (total 0 when unknown). */
  onProbed?: (done: number, total: number, openPorts: number) => void;
  /** The probe planner's targets, required when the settings' discovery is 'planned': dialed in this order instead of the sweep. */
  planned?: readonly Target[];
}

/**
 * Run discovery for the settings' source.
 * @example const { openByHost } = await discoverOpenPorts(settings, dialer, { signal, skipHosts: new Set() })
 */
export async function discoverOpenPorts(settings: SurveySettings, dialer: Dialer, hooks: DiscoveryHooks): Promise<Discovery> {
  const discovery: Discovery = { openByHost: new Map(), udpOpen: [], targets: 0, openPorts: 0 };
  const udpSeen = new Set<string>();
  const addOpen = (open: OpenPort) => {
    if (!settings.scope.allows(open.ip) || hooks.skipHosts.has(open.ip)) return;
    if (open.transport === 'udp') {
      const key = `${open.ip}|${open.port}`;
      if (!udpSeen.has(key)) discovery.udpOpen.push(open);
      udpSeen.add(key);
      return;
    }
    const list = discovery.openByHost.get(open.ip) ?? [];
    if (list.some((known) => known.port === open.port)) return;
    list.push(open);
    discovery.openByHost.set(open.ip, list);
    discovery.openPorts++;
  };

  if (settings.discovery.kind === 'given') {
    for await (const open of settings.discovery.openPorts) {
      if (hooks.signal.aborted) break;
      discovery.targets++;
      addOpen(open);
    }
    return discovery;
  }

  const order = { addresses: settings.addresses.addresses, ports: settings.ports, seed: settings.seed };
  if (settings.discovery.kind === 'planned' && !hooks.planned) throw new OpenNoticeError('INTERNAL', 'a planned survey was started without its planned probes');
  const targets = settings.discovery.kind === 'planned' ? plannedInScope(settings, hooks.planned!) : permutedTargets(order);
  const total = settings.discovery.kind === 'planned' ? hooks.planned!.length : countTargets(order);
  await connectScan({
    dialer,
    targets,
    concurrency: settings.discoveryConcurrency,
    connectTimeoutMs: settings.limits.connectTimeoutMs,
    signal: hooks.signal,
    onOpen: addOpen,
    onProbed: (target, status) => {
      discovery.targets++;
      if (status === 'connection-refused') hooks.onRefused?.(target);
      hooks.onProbed?.(discovery.targets, total, discovery.openPorts);
    },
  });
  return discovery;
}

/**
 * How many targets the connect scan of these settings probes (0 when open ports are given; the
 * plan's length when planned).
 */
export function discoveryTotal(settings: SurveySettings, planned?: readonly Target[]): number {
  if (settings.discovery.kind === 'planned') return planned?.length ?? 0;
  return settings.discovery.kind === 'given' ? 0 : countTargets({ addresses: settings.addresses.addresses, ports: settings.ports, seed: settings.seed });
}

/** Planned targets on the survey's ports inside its scope: the plan narrows the sweep, it never widens it. */
function* plannedInScope(settings: SurveySettings, planned: readonly Target[]): Generator<Target> {
  const ports = new Set(settings.ports);
  for (const target of planned) if (ports.has(target.port) && settings.scope.allows(target.ip)) yield target;
}
