/**
 * Scoring identification against ground truth (the lab's truth file, or a hand-labelled
 * sample of real devices): precision and recall of full identities.
 */
import type { DeviceIdentity } from '../core/records.ts';

/** What a device really is. No identity means nothing should be claimed (e.g. a hostile host). */
export interface ExpectedDevice {
  ip: string;
  identity?: { vendor: string; model?: string; deviceType: string; firmwareVersion?: string };
}

/** The four fields that must all be right for an identification to count. */
export const scoredFields = ['vendor', 'model', 'deviceType', 'firmwareVersion'] as const;
type ScoredField = (typeof scoredFields)[number];
type ScoredIdentity = Partial<Record<ScoredField, string>>;

export interface IdentificationMismatch {
  ip: string;
  /** wrong-identity: claimed but wrong; unexpected: claimed where nothing should be; missed: nothing claimed. */
  kind: 'wrong-identity' | 'unexpected' | 'missed';
  expected?: ScoredIdentity;
  actual?: ScoredIdentity;
  /** For wrong-identity: which of the scored fields differ. */
  differingFields: ScoredField[];
}

export interface IdentificationScore {
  /** Correct claims / all claims (1 when nothing was claimed). */
  precision: number;
  /** Correct claims / all devices with an expected identity (1 when none was expected). */
  recall: number;
  truePositives: number;
  /** Claims that were wrong, or made for an address that should have had none. */
  falsePositives: number;
  /** Expected identities not correctly claimed (a wrong claim is both a FP and a FN). */
  falseNegatives: number;
  mismatches: IdentificationMismatch[];
}

/** Case-insensitive, trimmed; a missing value equals only another missing (or empty) value. */
function comparable(value: string | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

function pick(identity: ScoredIdentity | DeviceIdentity): ScoredIdentity {
  const picked: ScoredIdentity = {};
  for (const field of scoredFields) if (identity[field] !== undefined) picked[field] = identity[field];
  return picked;
}

/**
 * Compare identities with the truth. A device counts as identified only when vendor,
 * model, deviceType and firmwareVersion all equal the expected ones. An identity without a
 * vendor names only the software a host runs, not the device: it is no claim here (a
 * hostile host that shows "dropbear" has been claimed to be nothing).
 * @example
 * const score = evaluateIdentification(truth, new Map([['127.0.0.5', identity]]));
 * assert.ok(score.precision >= 0.99 && score.recall >= 0.99, JSON.stringify(score.mismatches));
 */
export function evaluateIdentification(expected: readonly ExpectedDevice[], identities: ReadonlyMap<string, DeviceIdentity>): IdentificationScore {
  const actual = new Map([...identities].filter(([, identity]) => identity.vendor !== undefined));
  const score: IdentificationScore = { precision: 1, recall: 1, truePositives: 0, falsePositives: 0, falseNegatives: 0, mismatches: [] };
  const expectedByIp = new Map(expected.map((device) => [device.ip, device]));
  let expectedCount = 0;
  for (const device of expected) {
    const claimed = actual.get(device.ip);
    if (!device.identity) {
      if (claimed) {
        score.falsePositives++;
        score.mismatches.push({ ip: device.ip, kind: 'unexpected', actual: pick(claimed), differingFields: [] });
      }
      continue;
    }
    expectedCount++;
    const wanted = pick(device.identity);
    if (!claimed) {
      score.falseNegatives++;
      score.mismatches.push({ ip: device.ip, kind: 'missed', expected: wanted, differingFields: [] });
      continue;
    }
    const got = pick(claimed);
    const differingFields = scoredFields.filter((field) => comparable(wanted[field]) !== comparable(got[field]));
    if (differingFields.length === 0) {
      score.truePositives++;
    } else {
      score.falsePositives++;
      score.falseNegatives++;
      score.mismatches.push({ ip: device.ip, kind: 'wrong-identity', expected: wanted, actual: got, differingFields });
    }
  }
  // Claims for addresses the truth does not list at all are false claims too.
  for (const [ip, claimed] of actual) {
    if (expectedByIp.has(ip)) continue;
    score.falsePositives++;
    score.mismatches.push({ ip, kind: 'unexpected', actual: pick(claimed), differingFields: [] });
  }
  const claims = score.truePositives + score.falsePositives;
  score.precision = claims === 0 ? 1 : score.truePositives / claims;
  score.recall = expectedCount === 0 ? 1 : score.truePositives / expectedCount;
  return score;
}
