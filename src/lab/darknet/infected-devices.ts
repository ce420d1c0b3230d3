/**
 * Which lab devices are "infected" in the lab's story: a seeded share of the devices whose
 * telnet login is a default credential (or open), because that is how Mirai and its kin
 * spread. They then scan in the generated darknet capture, so darknet findings join survey
 * results the way they do in the real program. Known by construction, so it is ground truth.
 */
import { createRandom, hashText } from '../../core/random.ts';
import type { LabTruth } from '../types.ts';

export interface InfectedChoice {
  /** Share of telnet-weak devices that are infected (0..1). Default 0.2. */
  share?: number;
  seed: number;
}

/**
 * @example chooseInfectedDevices(lab.truth, { seed: 1 }) // ['127.77.0.23', …]
 */
export function chooseInfectedDevices(truth: LabTruth, choice: InfectedChoice): string[] {
  const share = choice.share ?? 0.2;
  const random = createRandom(hashText(`infected:${choice.seed}`));
  return truth.devices
    .filter((device) => device.role === 'device' && device.weaknesses.some((weakness) => weakness.protocol === 'telnet'))
    .filter(() => random.chance(share))
    .map((device) => device.ip);
}
