/**
 * What a re-survey checks: only what was notified. The addresses and ports of open findings
 * that went into a report (and of the hold-out's control findings, which must be watched
 * the same way for the comparison to mean anything), plus the other known services of
 * those devices, so identification — and with it the firmware check — sees the whole device
 * as the first survey did. Infected findings are re-checked by the darknet, not by dialling.
 */
import { findingKind } from '../core/finding-kinds.ts';
import type { FindingKind, NotifiableFinding, OpenPort } from '../core/records.ts';
import type { NotificationTimes } from '../store/roles/reports.ts';
import type { ServiceRow } from '../store/row-types.ts';
import { assignGroup, type HoldoutPolicy } from './holdout.ts';

export interface ResurveyPlan {
  /** Ports to dial, as if a port scan had reported them open. */
  targets: OpenPort[];
  /** Open findings covered by these targets, by kind. */
  findingsByKind: Partial<Record<FindingKind, number>>;
  addresses: number;
  /** Open findings left out, and why. */
  leftOut: { notNotified: number; infected: number; otherIsp: number };
  /** The checks the re-survey must run to reproduce these findings. */
  checks: Array<'credentials' | 'firmware'>;
}

export interface ResurveyInput {
  /** Open findings with their attribution. */
  open: readonly NotifiableFinding[];
  notified: ReadonlyMap<number, NotificationTimes>;
  /** Every known service, so a device is re-grabbed on all its ports. */
  services: readonly ServiceRow[];
  study?: HoldoutPolicy;
  /** Only this ISP's findings. */
  ispId?: string;
  at: string;
  /** Names of the UDP protocols: their findings and services are re-checked over UDP (a reflector by its protocol's request). */
  udpProtocols?: ReadonlySet<string>;
}

/**
 * @example
 * const plan = planResurvey({ open, notified: await store.notificationTimes(), services: await store.listServices(), at: now })
 * config.importedOpenPorts = plan.targets
 */
export function planResurvey(input: ResurveyInput): ResurveyPlan {
  const leftOut = { notNotified: 0, infected: 0, otherIsp: 0 };
  const findingsByKind: ResurveyPlan['findingsByKind'] = {};
  // Per address, "tcp:23" and "udp:161": the same number over two transports is two services.
  const ports = new Map<string, Set<string>>();
  const portKey = (protocol: string, port: number) => `${input.udpProtocols?.has(protocol) ? 'udp' : 'tcp'}:${port}`;
  const checks = new Set<'credentials' | 'firmware'>();
  for (const finding of input.open) {
    if (input.ispId !== undefined && finding.attribution.ispId !== input.ispId) {
      leftOut.otherIsp++;
      continue;
    }
    const watched = input.notified.has(finding.id) || (input.study !== undefined && assignGroup(finding.id, input.study) === 'holdout');
    if (!watched) {
      leftOut.notNotified++;
      continue;
    }
    if (finding.kind === 'infected') {
      leftOut.infected++;
      continue;
    }
    findingsByKind[finding.kind] = (findingsByKind[finding.kind] ?? 0) + 1;
    // A reflector is re-measured by the UDP stage itself; no check has to be asked for.
    const foundBy = findingKind(finding.kind)?.foundBy;
    if (foundBy === 'firmware' || foundBy === 'credentials') checks.add(foundBy);
    const known = ports.get(finding.ip) ?? new Set<string>();
    if (finding.port > 0) known.add(portKey(finding.protocol, finding.port));
    ports.set(finding.ip, known);
  }
  for (const service of input.services) {
    if (service.status === 'success') ports.get(service.ip)?.add(portKey(service.protocol, service.port));
  }
  const targets: OpenPort[] = [];
  for (const [ip, set] of ports) {
    const keyed = [...set].map((key) => ({ transport: key.slice(0, 3), port: Number(key.slice(4)) }));
    for (const { transport, port } of keyed.sort((a, b) => a.port - b.port || a.transport.localeCompare(b.transport))) {
      targets.push({ ip, port, source: 'resurvey', seenAt: input.at, ...(transport === 'udp' ? { transport: 'udp' as const } : {}) });
    }
  }
  return { targets, findingsByKind, addresses: ports.size, leftOut, checks: [...checks].sort() };
}
