import type { LabTruth } from '../../lab/truth.ts';
import type { DeviceRow } from '../../store/roles/inventory.ts';
import type { FindingRow, ServiceRow } from '../../store/row-types.ts';
import {
  type DetectionScore,
  scoreCredentialFindings,
  scoreDetection,
  scoreCriticalDevices,
  type CriticalDeviceScore,
  scoreFirmwareFindings,
  scoreIdentification,
  scoreUdpFindings,
} from '../../lab/score-against-truth.ts';

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function formatTable(title: string, rows: Array<[string, number]>, total: number): string {
  const width = Math.max(12, ...rows.map(([label]) => label.length));
  const lines = rows.map(
    ([label, count]) => `  ${label.padEnd(width)} ${String(count).padStart(6)}  ${((100 * count) / Math.max(1, total)).toFixed(1).padStart(5)}%`,
  );
  return `${title}\n${lines.join('\n')}\n`;
}

/** Age bucket of a device from its release year, as NOTICE's public figures group them. */
function ageBucket(releaseYear: number | undefined, now: number): string {
  if (releaseYear === undefined) return 'unknown';
  const age = now - releaseYear;
  if (age >= 10) return '10+ years old';
  if (age >= 5) return '5–9 years old';
  return 'under 5 years old';
}

/** Breakdowns a program manager asks for first: device type, vendor, device age. */
export function formatBreakdowns(findings: readonly FindingRow[]): string {
  const devices = new Map<string, FindingRow>();
  for (const finding of findings) devices.set(finding.ip, finding);
  const vulnerable = [...devices.values()];
  const year = new Date().getUTCFullYear();
  return [
    `Devices with findings: ${vulnerable.length}`,
    formatTable(
      'By device type:',
      countBy(vulnerable, (row) => row.deviceType ?? 'unidentified'),
      vulnerable.length,
    ),
    formatTable(
      'By vendor:',
      countBy(vulnerable, (row) => row.vendor ?? 'unidentified'),
      vulnerable.length,
    ),
    formatTable(
      'By device age (release year):',
      countBy(vulnerable, (row) => ageBucket(row.releaseYear, year)),
      vulnerable.length,
    ),
  ].join('\n');
}

/** How the survey did against the lab's ground truth. */
export function formatScores(
  truth: LabTruth,
  findings: readonly FindingRow[],
  devices: readonly DeviceRow[],
  extra: { firmware?: { findings: readonly FindingRow[]; importedCves: ReadonlySet<string> }; services?: readonly ServiceRow[]; udp?: boolean } = {},
): string {
  const { firmware, services, udp } = extra;
  const udpScore = udp ? scoreUdpFindings(truth, findings) : undefined;
  const credentials = scoreCredentialFindings(truth, findings);
  const identification = scoreIdentification(
    truth,
    devices.map((row) => ({
      ip: row.ip,
      identity: {
        vendor: row.vendor,
        model: row.model,
        deviceType: row.deviceType,
        firmwareVersion: row.firmwareVersion,
        releaseYear: row.releaseYear,
        confidence: row.confidence,
        evidence: row.evidence,
      },
    })),
  );
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  return [
    'Accuracy against the lab ground truth:',
    `  credential findings  precision ${percent(credentials.precision)}  recall ${percent(credentials.recall)}  (${credentials.truePositives} correct, ${credentials.falsePositives.length} false, ${credentials.falseNegatives.length} missed)`,
    ...(services ? [formatDetectionScore(scoreDetection(truth, services))] : []),
    ...(udpScore
      ? [
          `  reflectors (UDP)     precision ${percent(udpScore.reflectors.precision)}  recall ${percent(udpScore.reflectors.recall)}  (${udpScore.reflectors.truePositives} correct, ${udpScore.reflectors.falsePositives.length} false, ${udpScore.reflectors.falseNegatives.length} missed; hostile UDP devices included)`,
          `  SNMP read by public  precision ${percent(udpScore.readableCommunities.precision)}  recall ${percent(udpScore.readableCommunities.recall)}  (${udpScore.readableCommunities.truePositives} agents)`,
        ]
      : []),
    `  identification       precision ${percent(identification.precision)}  recall ${percent(identification.recall)}  (${identification.truePositives} devices exactly right)`,
    formatCriticalScore(scoreCriticalDevices(truth, devices)),
    ...(firmware ? [formatFirmwareScore(truth, firmware.findings, firmware.importedCves)] : []),
    '',
  ].join('\n');
}

function formatCriticalScore(score: CriticalDeviceScore): string {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  return (
    `  critical devices     precision ${percent(score.precision)}  recall ${percent(score.recall)}  (${score.truePositives} found, ${score.falsePositives.length} false, ${score.falseNegatives.length} missed` +
    `; sector right for ${score.sectorsRight} of the ${score.sectorsKnown} whose sector the lab names)`
  );
}

function formatDetectionScore(score: DetectionScore): string {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  return (
    `  protocol detection   accuracy ${percent(score.accuracy)} of ${score.services} services, ${percent(score.moved.accuracy)} of ${score.moved.services} moved off their usual port` +
    `; ${score.probesPerService.toFixed(1)} probes a service`
  );
}

function formatFirmwareScore(truth: LabTruth, findings: readonly FindingRow[], importedCves: ReadonlySet<string>): string {
  const labCves = [...(truth.vulnerabilityFeed?.synthetic ?? []), ...(truth.vulnerabilityFeed?.real ?? [])];
  const inScope = new Set(labCves.filter((cveId) => importedCves.has(cveId)));
  const score = scoreFirmwareFindings(truth, findings, inScope);
  const missing = labCves.length - inScope.size;
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  return (
    `  vulnerable firmware  precision ${percent(score.precision)}  recall ${percent(score.recall)}  (${score.truePositives} device/CVE pairs right, ${score.falsePositives.length} false, ${score.falseNegatives.length} missed)` +
    (missing > 0 ? `\n                       ${missing} lab CVEs have no imported record (real NVD data: demo --feed FILE)` : '')
  );
}
