/**
 * The configuration file (`--config FILE`, docs/formats.md "Configuration file"): settings an
 * operator keeps from one run to the next instead of repeating them on every command line.
 * It lists fingerprint rule paths and may name the store; unknown keys are refused, so a typo
 * never silently drops a setting.
 */
import { dirname, resolve } from 'node:path';
import { createFieldReader, readDataFile } from '../core/data-file.ts';

export interface OpenNoticeConfig {
  /** Fingerprint rule folders or files (our YAML, Recog XML), absolute, in the file's order. */
  rules: string[];
  /**
   * The store to use when the command line gives no --db: a postgres:// URL as written, or an
   * SQLite file made absolute like the rule paths. Absent when the file names none.
   */
  store?: string;
}

const configKeys = ['rules', 'store'] as const;

/**
 * Read and check a configuration file (YAML or JSON). Relative paths in it are relative to
 * the file's own folder, so the file works from any working directory.
 * @example readConfigFile('/etc/opennotice/config.yaml') // { rules: ['/etc/opennotice/rules', '/srv/recog/xml'] }
 */
export function readConfigFile(file: string): OpenNoticeConfig {
  const dataFile = readDataFile(file, 'CONFIG_INVALID');
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  // An empty file is an empty configuration.
  const root = dataFile.data === null || dataFile.data === undefined ? {} : read.object(dataFile.data, []);
  read.onlyKeys(root, [], configKeys);
  const folder = dirname(resolve(file));
  const rules = root.rules === undefined ? [] : read.list(root.rules, ['rules']).map((item, index) => resolve(folder, read.string(item, ['rules', index])));
  if (root.store === undefined) return { rules };
  const store = read.string(root.store, ['store']);
  return { rules, store: /^postgres(ql)?:\/\//i.test(store) ? store : resolve(folder, store) };
}
