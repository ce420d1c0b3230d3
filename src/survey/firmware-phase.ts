import type { DeviceIdentity, Finding } from '../core/records.ts';
import { notificationPriority, primaryScore } from '../assess/firmware/priority.ts';
import type { AffectedCve, KevEntry, VulnerabilityMatch, VulnerabilityRecord } from '../assess/firmware/types.ts';
import type { CoveredCheck } from '../store/roles/findings.ts';
import type { FindingRow } from '../store/row-types.ts';

/** What the firmware step needs: matches for an identity, and facts about a CVE. */
export interface FirmwareAssessor {
  /** Affected and unknown matches of one device. */
  match(identity: DeviceIdentity): VulnerabilityMatch[];
  vulnerability(cveId: string): VulnerabilityRecord | undefined;
  kev(cveId: string): KevEntry | undefined;
  /** How many vulnerability records the assessor knows (0 = nothing imported). */
  readonly size: number;
}

export interface FirmwareFindings {
  findings: Finding[];
  covered: CoveredCheck[];
  devicesAssessed: number;
  /** Device × CVE pairs whose CPE matched but whose version could not be decided. */
  unknownMatches: number;
}

/**
 * The service whose banner gave the identity: where a firmware finding is reported.
 * Chosen the same way every run (web first, then the lowest port), whatever order the
 * services were grabbed in, so re-surveys update the finding instead of opening a twin.
 */
function reportingService(identity: DeviceIdentity): { port: number; protocol: string } {
  const [evidence] = [...identity.evidence].sort(
    (a, b) => Number(b.protocol === 'http') - Number(a.protocol === 'http') || a.port - b.port || a.protocol.localeCompare(b.protocol),
  );
  return evidence ? { port: evidence.port, protocol: evidence.protocol } : { port: 0, protocol: 'device' };
}

/**
 * The vulnerable-firmware step of a survey: every device identified in the run is
 * matched against the vulnerability data — its firmware and each software component it
 * runs; a device with at least one affected CVE gets one `vulnerable-firmware` finding
 * listing them, each with what matched (device firmware or which component), its CVSS
 * score, KEV flag and notification priority (which counts how many devices of this survey share the CVE,
 * hence two passes). Every assessed device is covered, so a device whose firmware was
 * updated has its old finding closed.
 * @example const { findings, covered } = assessFirmware(devices, assessor, openFirmwareFindings)
 */
export function assessFirmware(
  devices: ReadonlyArray<{ ip: string; identity: DeviceIdentity }>,
  assessor: FirmwareAssessor,
  openFindings: readonly FindingRow[],
  observedAt: string = new Date().toISOString(),
): FirmwareFindings {
  const matched = devices.map((device) => ({ device, matches: assessor.match(device.identity) }));
  const affectedCount = new Map<string, number>();
  let unknownMatches = 0;
  for (const { matches } of matched) {
    for (const match of matches) {
      if (match.state === 'affected') affectedCount.set(match.cveId, (affectedCount.get(match.cveId) ?? 0) + 1);
      else if (match.state === 'unknown') unknownMatches++;
    }
  }
  const openByAddress = Map.groupBy(
    openFindings.filter((row) => row.kind === 'vulnerable-firmware'),
    (row) => row.ip,
  );

  const findings: Finding[] = [];
  const covered: CoveredCheck[] = [];
  for (const { device, matches } of matched) {
    const service = reportingService(device.identity);
    covered.push({ ip: device.ip, ...service, kind: 'vulnerable-firmware' });
    for (const row of openByAddress.get(device.ip) ?? []) covered.push({ ip: row.ip, port: row.port, protocol: row.protocol, kind: 'vulnerable-firmware' });
    const cves = matches
      .filter((match) => match.state === 'affected')
      .map((match): AffectedCve => {
        const record = assessor.vulnerability(match.cveId);
        const score = record ? primaryScore(record.scores) : undefined;
        const kev = assessor.kev(match.cveId);
        const priority = notificationPriority(score, kev, affectedCount.get(match.cveId) ?? 1);
        return {
          cveId: match.cveId,
          baseScore: score?.baseScore,
          severity: score?.severity,
          cvssVersion: score?.version,
          kev: Boolean(kev),
          ransomware: kev?.knownRansomwareCampaignUse === 'Known',
          confidence: match.confidence,
          matchEvidence: match.evidence,
          matchedOn: match.matchedOn,
          priority: priority.score,
          priorityLabel: priority.label,
        };
      })
      .sort((a, b) => b.priority - a.priority || a.cveId.localeCompare(b.cveId));
    if (cves.length === 0) continue;
    const top = cves[0]!;
    findings.push({
      kind: 'vulnerable-firmware',
      ip: device.ip,
      ...service,
      evidence: {
        cveIds: cves.map((cve) => cve.cveId),
        cves,
        maxBaseScore: Math.max(...cves.map((cve) => cve.baseScore ?? 0)),
        kev: cves.some((cve) => cve.kev),
        ransomware: cves.some((cve) => cve.ransomware),
        priority: top.priority,
        priorityLabel: top.priorityLabel,
        firmwareVersion: device.identity.firmwareVersion,
        cpe: device.identity.cpe,
      },
      observedAt,
    });
  }
  return { findings, covered, devicesAssessed: devices.length, unknownMatches };
}
