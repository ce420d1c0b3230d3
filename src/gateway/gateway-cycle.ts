/**
 * One round of the gateway: report what the rules counted since they were loaded, pull the
 * policy, load the rules again (the new policy, or the last good one when the pull failed —
 * loading resets the counters, so no packet is reported twice). A device whose finding closed
 * is no longer in the policy, so the new rules release it. Failures of the report or the
 * pull are logged and survived: blocking goes on with the last good policy, and unsent reports
 * wait for a round when the server takes them.
 */
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { BlockIndicator } from '../blocklist/indicator.ts';
import type { GatewayQuarantineCount } from '../store/roles/gateway-reports.ts';
import { parseRuleCounts } from './counters.ts';
import type { NftRunner } from './nft.ts';
import type { GatewayPolicy, UpdateEndpoint } from './policy.ts';
import type { GatewayReportBody, PolicyClient } from './policy-client.ts';
import { quarantineBehindNat } from './nat-quarantine.ts';
import type { PortForward } from './port-forwards.ts';
import type { RouterForwardReader } from './router-forwards.ts';
import { buildGatewayRuleset } from './ruleset.ts';
import { resolveUpdatePath } from './update-hosts.ts';
import type { WalledGarden } from './walled-garden.ts';

export interface GatewayConfig {
  /** Names the gateway in its reports. */
  name: string;
  lanInterface: string;
  walledGarden: { ip: string; port: number };
  /** Update endpoints configured on the gateway itself, added to the policy's. */
  localUpdatePath: readonly UpdateEndpoint[];
  /**
   * Behind NAT: the router's public addresses (findings there are moved to the device a port
   * forward leads to) and the forwards the operator named (they win over the router's rules).
   */
  nat?: { wanAddresses: readonly string[]; forwards: readonly PortForward[] };
}

export interface GatewayDeps {
  client: PolicyClient;
  nft: NftRunner;
  /** Absent in --once mode: no pages are served, none counted. */
  garden?: WalledGarden;
  log: Logger;
  now(): Date;
  /** Keep a pulled policy beyond this process (`--state-file`); a failure is logged, not fatal. */
  savePolicy?(policy: GatewayPolicy): void;
  /** The router's own port forwards, read every round when `nat` is configured. */
  routerForwards?: RouterForwardReader;
}

/** What the gateway remembers between rounds (owned by its loop, never shared). */
export interface GatewayState {
  lastGood?: { policy: GatewayPolicy; indicators: BlockIndicator[] };
  /** What the loaded rules enforce: the last good policy with findings behind NAT moved to their devices. */
  enforced?: GatewayPolicy;
  /** When the loaded rules started counting. */
  windowStart: Date;
  /** Reports of earlier windows the server did not take yet, oldest first. */
  unsent: GatewayReportBody[];
}

export interface CycleOutcome {
  /** The policy now enforced (undefined: none yet, nothing loaded). */
  policy?: GatewayPolicy;
  /** False when the pull failed and the last good policy (if any) was loaded again. */
  pulled: boolean;
  reported: boolean;
}

/**
 * The policy as this gateway enforces it: without `nat`, as pulled; with it, the findings at
 * the router's WAN addresses moved to the devices the port forwards lead to (the router's
 * forwards read now), and those no forward explains logged as the router's own services.
 * @example const enforced = await enforcedPolicy(config, state.lastGood.policy, deps)
 */
export async function enforcedPolicy(config: GatewayConfig, policy: GatewayPolicy, deps: Pick<GatewayDeps, 'log' | 'routerForwards'>): Promise<GatewayPolicy> {
  if (!config.nat || config.nat.wanAddresses.length === 0) return policy;
  const forwards = [...config.nat.forwards, ...((await deps.routerForwards?.read()) ?? [])];
  const mapped = quarantineBehindNat(policy.quarantine, config.nat.wanAddresses, forwards);
  for (const moved of mapped.forwarded)
    deps.log.info(`finding ${moved.findingId} at ${moved.wanAddress} ${moved.transport}/${moved.port} is device ${moved.lanAddress} (${moved.origin})`, {
      event: 'gateway-finding-forwarded',
      findingId: moved.findingId,
      device: moved.lanAddress,
    });
  for (const own of mapped.onGateway)
    deps.log.warn(
      `finding ${own.findingId} at ${own.wanAddress}${own.port === undefined ? '' : ` ${own.transport}/${own.port}`} leads to no device (no port forward): the router itself answers there — fix the router's own service`,
      { event: 'gateway-finding-on-router', findingId: own.findingId },
    );
  return { ...policy, quarantine: mapped.quarantine };
}

/**
 * The ruleset for a policy on this gateway, the update hosts resolved now.
 * @example process.stdout.write(await rulesetFor(config, pulled, log))
 */
export async function rulesetFor(
  config: GatewayConfig,
  enforced: { policy: GatewayPolicy; indicators: readonly BlockIndicator[] },
  log: Logger,
): Promise<string> {
  return buildGatewayRuleset({
    lanInterface: config.lanInterface,
    indicators: enforced.indicators,
    quarantine: enforced.policy.quarantine.map((device) => device.ip),
    updatePath: await resolveUpdatePath([...enforced.policy.updatePath, ...config.localUpdatePath], log),
    walledGarden: config.walledGarden,
    policyVersion: enforced.policy.version,
  });
}

/** The report of the window that ends now, from the loaded rules' counters and the pages served; undefined when nothing was loaded. */
async function windowReport(config: GatewayConfig, deps: GatewayDeps, state: GatewayState): Promise<GatewayReportBody | undefined> {
  const json = await deps.nft.listTable();
  const pages = deps.garden?.takePageCounts() ?? new Map<string, number>();
  if (json === undefined) return undefined;
  const counts = parseRuleCounts(json);
  const devices = new Set([...counts.quarantineDrops.keys(), ...pages.keys()]);
  const quarantined: GatewayQuarantineCount[] = [...devices]
    .sort()
    .map((ip) => ({ ip, droppedPackets: counts.quarantineDrops.get(ip) ?? 0, pagesServed: pages.get(ip) ?? 0 }))
    .filter((device) => device.droppedPackets > 0 || device.pagesServed > 0 || state.enforced?.quarantine.some((entry) => entry.ip === device.ip));
  return {
    gateway: config.name,
    windowStart: state.windowStart.toISOString(),
    windowEnd: deps.now().toISOString(),
    policyVersion: state.lastGood?.policy.version ?? 'none',
    blocked: counts.blocked,
    quarantined,
  };
}

/** Windows kept for a later round while the server cannot take them: a day of 5-minute rounds. */
export const maxUnsentReports = 288;

/**
 * Report the window, after any earlier windows the server could not take. A failure is logged,
 * not thrown: the unsent windows wait for the next round (the oldest are dropped beyond
 * maxUnsentReports), and blocking goes on.
 */
async function report(config: GatewayConfig, deps: GatewayDeps, state: GatewayState): Promise<boolean> {
  try {
    const body = await windowReport(config, deps, state);
    if (body) state.unsent.push(body);
  } catch (error) {
    deps.log.warn(`counters not read: ${describeError(error)}`, { event: 'gateway-counters-failed' });
  }
  if (state.unsent.length > maxUnsentReports) {
    const dropped = state.unsent.splice(0, state.unsent.length - maxUnsentReports);
    deps.log.warn(`${dropped.length} unsent reports dropped (the oldest)`, { event: 'gateway-reports-dropped', count: dropped.length });
  }
  let sent = 0;
  try {
    while (state.unsent.length > 0) {
      const body = state.unsent[0]!;
      await deps.client.report(body);
      state.unsent.shift();
      sent++;
      const packets = body.blocked.reduce((sum, entry) => sum + entry.packets, 0);
      deps.log.info(`reported ${packets} packets to C&C endpoints dropped, ${body.quarantined.length} quarantined devices (window from ${body.windowStart})`, {
        event: 'gateway-reported',
        packets,
      });
    }
  } catch (error) {
    deps.log.warn(`report not sent, ${state.unsent.length} kept for the next round: ${describeError(error)}`, { event: 'gateway-report-failed' });
  }
  return sent > 0;
}

/**
 * One round. With `pull: false` (on stopping) the rules are only re-loaded after the report.
 * @example const outcome = await runGatewayCycle(config, deps, state, { pull: true })
 */
export async function runGatewayCycle(config: GatewayConfig, deps: GatewayDeps, state: GatewayState, options: { pull: boolean }): Promise<CycleOutcome> {
  const reported = await report(config, deps, state);
  let pulled = false;
  if (options.pull) {
    try {
      state.lastGood = await deps.client.pull();
      pulled = true;
      try {
        deps.savePolicy?.(state.lastGood.policy);
      } catch (error) {
        deps.log.warn(describeError(error), { event: 'gateway-state-not-saved' });
      }
    } catch (error) {
      // With nothing to enforce the caller decides (--once fails, the loop retries); else keep blocking with what we have.
      if (!state.lastGood) throw error;
      deps.log.error(`policy not pulled, keeping the last good policy: ${describeError(error)}`, error, { event: 'gateway-pull-failed' });
    }
  }
  if (!state.lastGood) return { pulled, reported };
  const { indicators } = state.lastGood;
  const policy = await enforcedPolicy(config, state.lastGood.policy, deps);
  await deps.nft.apply(await rulesetFor(config, { policy, indicators }, deps.log));
  state.enforced = policy;
  state.windowStart = deps.now();
  deps.log.info(
    `policy ${policy.version.slice(0, 12)} applied: ${indicators.length} C&C indicators, ${policy.quarantine.length} quarantined devices${
      policy.quarantine.length > 0 ? ` (${policy.quarantine.map((device) => device.ip).join(', ')})` : ''
    }`,
    { event: 'gateway-applied', version: policy.version, indicators: indicators.length, quarantined: policy.quarantine.length },
  );
  return { policy, pulled, reported };
}
