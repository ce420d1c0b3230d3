import type { DeviceIdentity } from '../core/records.ts';
import { evaluateIdentification } from '../identify/evaluate.ts';
import type { LabTruth } from '../lab/truth.ts';

export interface FindingKey {
  kind: string;
  ip: string;
  port: number;
}

export interface CredentialScore {
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: FindingKey[];
  falseNegatives: FindingKey[];
}

/** The weakness paths the credential survey checks; form logins are out of its reach for now. */
export const checkedWeaknessPaths = ['telnet-login', 'telnet-open-shell', 'http-basic', 'ftp-login', 'ssh-login'] as const;

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
  const actual = new Map(findings.map((finding) => [keyOf(finding), { kind: finding.kind, ip: finding.ip, port: finding.port }]));
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
