/**
 * The DRDoS attack thresholds (thresholds.yaml): each value with the reason it has, validated
 * at load like every other data file of the darknet.
 */
import { fileURLToPath } from 'node:url';
import { createFieldReader, readDataFile, type DataFile } from '../../core/data-file.ts';

export interface AttackThresholds {
  /** An attack ends after this many seconds without a reply. */
  idleSeconds: number;
  /** Replies an attack needs at least. */
  minPackets: number;
  /** Distinct reflectors an attack needs at least. */
  minReflectors: number;
  /** Replies per reflector an attack needs at least (a measurement asks each reflector once). */
  minPacketsPerReflector: number;
  /** Attacks tracked at once; the quietest are closed early beyond this. */
  maxOpenAttacks: number;
}

export const defaultAttackThresholdsFile = fileURLToPath(new URL('./thresholds.yaml', import.meta.url));

const limits: Record<keyof AttackThresholds, { min: number; max: number }> = {
  idleSeconds: { min: 1, max: 86_400 },
  minPackets: { min: 1, max: 1e9 },
  minReflectors: { min: 1, max: 1e6 },
  minPacketsPerReflector: { min: 1, max: 1e6 },
  maxOpenAttacks: { min: 16, max: 1 << 24 },
};

/**
 * Load and check thresholds; any mistake is a CONFIG_INVALID error naming the file and line.
 * @example loadAttackThresholds().idleSeconds // 300
 */
export function loadAttackThresholds(file: string = defaultAttackThresholdsFile): AttackThresholds {
  return validateAttackThresholds(readDataFile(file, 'CONFIG_INVALID'));
}

/**
 * Check parsed thresholds: every value present, in range, with its reason.
 * @example validateAttackThresholds(parseDataFile(text, 'mine.yaml', 'CONFIG_INVALID')).minPackets
 */
export function validateAttackThresholds(dataFile: DataFile): AttackThresholds {
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  const root = read.object(dataFile.data, []);
  const names = Object.keys(limits) as Array<keyof AttackThresholds>;
  read.onlyKeys(root, [], ['version', ...names]);
  if (root.version !== 1) read.fail(['version'], `unsupported version ${JSON.stringify(root.version)} (expected 1)`);
  const values = {} as AttackThresholds;
  for (const name of names) {
    const entry = read.object(root[name], [name]);
    read.onlyKeys(entry, [name], ['value', 'why']);
    const value = read.number(entry.value, [name, 'value'], limits[name]);
    if (!Number.isInteger(value)) read.fail([name, 'value'], `${value} is not a whole number`);
    read.string(entry.why, [name, 'why']);
    values[name] = value;
  }
  return values;
}
