/**
 * What a re-survey checks: only what was notified. The addresses and ports of open findings
 * that went into a report (and of the hold-out's control findings, which must be watched
 * the same way for the comparison to mean anything), plus the other known services of
 * those devices, so identification — and with it the firmware check — sees the whole device
 * as the first survey did. Infected findings are re-checked by the darknet, not by dialling.
 */
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
}

/**
 * @example
 * const plan = planResurvey({ open, notified: await store.notificationTimes(), services: await store.listServices(), at: now })
 * config.importedOpenPorts = plan.targets
 */
export function planResurvey(input: ResurveyInput): ResurveyPlan {
  const leftOut = { notNotified: 0, infected: 0, otherIsp: 0 };
  const findingsByKind: ResurveyPlan['findingsByKind'] = {};
  const ports = new Map<string, Set<number>>();
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
    checks.add(finding.kind === 'vulnerable-firmware' ? 'firmware' : 'credentials');
    const known = ports.get(finding.ip) ?? new Set<number>();
    if (finding.port > 0) known.add(finding.port);
    ports.set(finding.ip, known);
  }
  for (const service of input.services) {
    if (service.status === 'success') ports.get(service.ip)?.add(service.port);
  }
  const targets: OpenPort[] = [];
  for (const [ip, set] of ports) {
    for (const port of [...set].sort((a, b) => a - b)) targets.push({ ip, port, source: 'resurvey', seenAt: input.at });
  }
  return { targets, findingsByKind, addresses: ports.size, leftOut, checks: [...checks].sort() };
}
