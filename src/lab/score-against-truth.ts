import type { CriticalSector, DeviceIdentity, DeviceType } from '../core/records.ts';
import { evaluateIdentification } from '../identify/evaluate.ts';
import type { LabTruth } from './truth.ts';
import { labUdpProtocols } from './types.ts';

/** A UDP protocol of the lab: its services are scored by scoreUdpFindings, not with the TCP ones. */
const isUdpProtocol = (protocol: string | undefined) => protocol !== undefined && (labUdpProtocols as readonly string[]).includes(protocol);

export interface FindingKey {
  kind: string;
  ip: string;
  port: number;
  /** Findings on the lab's UDP protocols are left to scoreUdpFindings. */
  protocol?: string;
}

export interface CredentialScore {
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: FindingKey[];
  falseNegatives: FindingKey[];
}

/** The weakness paths the credential survey checks; form logins are out of its reach for now. */
export const checkedWeaknessPaths = [
  'telnet-login',
  'telnet-open-shell',
  'http-basic',
  'ftp-login',
  'ssh-login',
  'mqtt-login',
  'mqtt-anonymous',
  'rtsp-login',
  'rtsp-open-stream',
  'adb-open',
] as const;

const keyOf = (finding: FindingKey) => `${finding.kind} ${finding.ip}:${finding.port}`;

/**
 * Precision and recall of weak-credential and no-authentication findings against the
 * lab's ground truth, keyed on (kind, address, port).
 * @example scoreCredentialFindings(truth, await store.listFindings({ status: 'open' }))
 */
export function scoreCredentialFindings(truth: LabTruth, findings: readonly FindingKey[]): CredentialScore {
  const expected = new Map<string, FindingKey>();
  for (const device of truth.devices) {
    for (const weakness of device.weaknesses) {
      if (!(checkedWeaknessPaths as readonly string[]).includes(weakness.via)) continue;
      const key = { kind: weakness.kind, ip: device.ip, port: weakness.port };
      expected.set(keyOf(key), key);
    }
  }
  const credentialKinds = new Set(['weak-credential', 'no-authentication']);
  const actual = new Map(
    findings
      .filter((finding) => credentialKinds.has(finding.kind) && !isUdpProtocol(finding.protocol))
      .map((finding) => [keyOf(finding), { kind: finding.kind, ip: finding.ip, port: finding.port }]),
  );
  const truePositives = [...actual.keys()].filter((key) => expected.has(key)).length;
  return {
    precision: actual.size === 0 ? (expected.size === 0 ? 1 : 0) : truePositives / actual.size,
    recall: expected.size === 0 ? 1 : truePositives / expected.size,
    truePositives,
    falsePositives: [...actual].filter(([key]) => !expected.has(key)).map(([, value]) => value),
    falseNegatives: [...expected].filter(([key]) => !actual.has(key)).map(([, value]) => value),
  };
}

/** Identification precision/recall against the lab's ground truth. */
export function scoreIdentification(truth: LabTruth, devices: ReadonlyArray<{ ip: string; identity: DeviceIdentity }>) {
  return evaluateIdentification(
    truth.devices.map((device) => ({ ip: device.ip, identity: device.identity })),
    new Map(devices.map((device) => [device.ip, device.identity])),
  );
}

export interface FirmwareScore {
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: string[];
  falseNegatives: string[];
}

/**
 * Precision and recall of vulnerable-firmware findings against the lab's ground truth,
 * over (address, CVE) pairs, counting only CVEs whose records were imported (`inScope`):
 * a survey cannot be blamed for a CVE it was never told about.
 * @example scoreFirmwareFindings(truth, findings, new Set(truth.vulnerabilityFeed.synthetic))
 */
export function scoreFirmwareFindings(
  truth: LabTruth,
  findings: ReadonlyArray<{ kind: string; ip: string; evidence: Record<string, unknown> }>,
  inScope: ReadonlySet<string>,
): FirmwareScore {
  const expected = new Set<string>();
  for (const device of truth.devices) {
    for (const cveId of device.vulnerabilities ?? []) if (inScope.has(cveId)) expected.add(`${device.ip} ${cveId}`);
  }
  const actual = new Set<string>();
  for (const finding of findings) {
    if (finding.kind !== 'vulnerable-firmware' || !Array.isArray(finding.evidence.cveIds)) continue;
    for (const cveId of finding.evidence.cveIds as string[]) if (inScope.has(cveId)) actual.add(`${finding.ip} ${cveId}`);
  }
  const truePositives = [...actual].filter((key) => expected.has(key)).length;
  return {
    precision: actual.size === 0 ? (expected.size === 0 ? 1 : 0) : truePositives / actual.size,
    recall: expected.size === 0 ? 1 : truePositives / expected.size,
    truePositives,
    falsePositives: [...actual].filter((key) => !expected.has(key)),
    falseNegatives: [...expected].filter((key) => !actual.has(key)),
  };
}

export interface InfectedScore {
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: string[];
  falseNegatives: string[];
}

/**
 * Infected findings against the addresses the lab made scan as bots.
 * @example scoreInfectedFindings(['127.77.0.5'], await store.listFindings({ kind: 'infected', status: 'open' }))
 */
export function scoreInfectedFindings(infected: readonly string[], findings: ReadonlyArray<{ kind: string; ip: string }>): InfectedScore {
  const expected = new Set(infected);
  const found = new Set(findings.filter((finding) => finding.kind === 'infected').map((finding) => finding.ip));
  const truePositives = [...found].filter((ip) => expected.has(ip)).length;
  return {
    precision: found.size === 0 ? 1 : truePositives / found.size,
    recall: expected.size === 0 ? 1 : truePositives / expected.size,
    truePositives,
    falsePositives: [...found].filter((ip) => !expected.has(ip)),
    falseNegatives: [...expected].filter((ip) => !found.has(ip)),
  };
}

export interface DetectionScore {
  /** Services of ordinary devices the survey recorded, and those named with the protocol they speak. */
  services: number;
  correct: number;
  accuracy: number;
  /** The same, over services moved off their usual port (the ones a port-based guess gets wrong). */
  moved: { services: number; correct: number; accuracy: number };
  /** Requests spent finding protocols, per recorded service (detection records only). */
  probesPerService: number;
  /** Services named wrongly or not at all: where, what it is, what the survey said. */
  wrong: Array<{ ip: string; port: number; speaks: string; recordedAs: string; status: string }>;
}

/**
 * Protocol detection against the truth: for every service of an ordinary device that the survey
 * recorded, whether it was recorded under the protocol the service speaks. Hostile devices
 * speak nothing on purpose and are not counted.
 * @example scoreDetection(truth, await store.listServices()).moved.accuracy
 */
export function scoreDetection(
  truth: LabTruth,
  recorded: ReadonlyArray<{ ip: string; port: number; protocol: string; status: string; detection?: { probes: number } }>,
): DetectionScore {
  const tcp = recorded.filter((service) => !isUdpProtocol(service.protocol));
  const byPlace = new Map(tcp.map((service) => [`${service.ip}:${service.port}`, service]));
  const score: DetectionScore = { services: 0, correct: 0, accuracy: 1, moved: { services: 0, correct: 0, accuracy: 1 }, probesPerService: 0, wrong: [] };
  for (const device of truth.devices) {
    if (device.role !== 'device') continue;
    for (const service of device.services) {
      const seen = byPlace.get(`${device.ip}:${service.port}`);
      if (!seen) continue;
      const right = seen.protocol === service.protocol && seen.status === 'success';
      score.services++;
      if (right) score.correct++;
      else score.wrong.push({ ip: device.ip, port: service.port, speaks: service.protocol, recordedAs: seen.protocol, status: seen.status });
      if (service.movedFrom !== undefined) {
        score.moved.services++;
        if (right) score.moved.correct++;
      }
    }
  }
  const probes = tcp.reduce((total, service) => total + (service.detection?.probes ?? 0), 0);
  score.accuracy = score.services === 0 ? 1 : score.correct / score.services;
  score.moved.accuracy = score.moved.services === 0 ? 1 : score.moved.correct / score.moved.services;
  score.probesPerService = tcp.length === 0 ? 0 : probes / tcp.length;
  return score;
}

export interface UdpScore {
  /** `reflector` findings against the UDP services the truth calls reflectors (hostile ones never are). */
  reflectors: CredentialScore;
  /** weak-credential findings on SNMP against the agents readable with `public`. */
  readableCommunities: CredentialScore;
}

function precisionRecall(expected: ReadonlyMap<string, FindingKey>, actual: ReadonlyMap<string, FindingKey>): CredentialScore {
  const truePositives = [...actual.keys()].filter((key) => expected.has(key)).length;
  return {
    precision: actual.size === 0 ? (expected.size === 0 ? 1 : 0) : truePositives / actual.size,
    recall: expected.size === 0 ? 1 : truePositives / expected.size,
    truePositives,
    falsePositives: [...actual].filter(([key]) => !expected.has(key)).map(([, value]) => value),
    falseNegatives: [...expected].filter(([key]) => !actual.has(key)).map(([, value]) => value),
  };
}

/**
 * Precision and recall of what a UDP survey reports against the truth's UDP services.
 * @example scoreUdpFindings(truth, await store.listFindings({ status: 'open' })).reflectors.recall
 */
export function scoreUdpFindings(truth: LabTruth, findings: readonly FindingKey[]): UdpScore {
  const reflectors = new Map<string, FindingKey>();
  const readable = new Map<string, FindingKey>();
  for (const device of truth.devices) {
    for (const service of device.udpServices ?? []) {
      if (service.reflector) {
        const key = { kind: 'reflector', ip: device.ip, port: service.port, protocol: service.protocol };
        reflectors.set(keyOf(key), key);
      }
      if (service.readableWithPublic) {
        const key = { kind: 'weak-credential', ip: device.ip, port: service.port, protocol: service.protocol };
        readable.set(keyOf(key), key);
      }
    }
  }
  const entries = (keep: (finding: FindingKey) => boolean) => new Map(findings.filter(keep).map((finding) => [keyOf(finding), finding]));
  return {
    reflectors: precisionRecall(
      reflectors,
      entries((finding) => finding.kind === 'reflector'),
    ),
    readableCommunities: precisionRecall(
      readable,
      entries((finding) => finding.kind === 'weak-credential' && finding.protocol === 'snmp'),
    ),
  };
}

export interface CriticalDeviceScore {
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: string[];
  falseNegatives: string[];
  /** Of the critical devices found whose sector the truth names, those given that sector. */
  sectorsRight: number;
  sectorsKnown: number;
}

/**
 * Critical devices (identified with device type `critical`) against the truth, by address,
 * and whether each one found got the sector the truth names.
 * @example scoreCriticalDevices(truth, await store.listDevices())
 */
export function scoreCriticalDevices(
  truth: LabTruth,
  devices: ReadonlyArray<{ ip: string; deviceType: DeviceType; sector?: CriticalSector }>,
): CriticalDeviceScore {
  const expected = new Map(truth.devices.filter((device) => device.identity?.deviceType === 'critical').map((device) => [device.ip, device.identity!]));
  const actual = new Map(devices.filter((device) => device.deviceType === 'critical').map((device) => [device.ip, device]));
  const found = [...actual.keys()].filter((ip) => expected.has(ip));
  const withSector = found.filter((ip) => expected.get(ip)!.sector !== undefined);
  return {
    precision: actual.size === 0 ? (expected.size === 0 ? 1 : 0) : found.length / actual.size,
    recall: expected.size === 0 ? 1 : found.length / expected.size,
    truePositives: found.length,
    falsePositives: [...actual.keys()].filter((ip) => !expected.has(ip)),
    falseNegatives: [...expected.keys()].filter((ip) => !actual.has(ip)),
    sectorsRight: withSector.filter((ip) => actual.get(ip)!.sector === expected.get(ip)!.sector).length,
    sectorsKnown: withSector.length,
  };
}
