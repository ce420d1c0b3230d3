/**
 * A notification study file: the randomized hold-out the operator committed to before
 * notifying, kept with the data so `notify`, `track resurvey` and `track effectiveness`
 * all use the same assignment. Format (YAML):
 *
 *   study:
 *     name: spring-2026-holdout     # shown in the figures
 *     holdoutShare: 0.1             # 10 % of findings form the control group
 *     key: 4f1c…                    # secret; without it the assignment cannot be predicted
 *     delayDays: 30                 # the control group is notified this much later
 */
import { createFieldReader, readDataFile } from '../core/data-file.ts';
import type { HoldoutPolicy } from './holdout.ts';

export interface Study extends HoldoutPolicy {
  name: string;
}

/**
 * Read and validate a study file (CONFIG_INVALID with file and line on any mistake).
 * @example const study = readStudyFile('study.yaml'); assignGroup(finding.id, study)
 */
export function readStudyFile(file: string): Study {
  const dataFile = readDataFile(file, 'CONFIG_INVALID');
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  const root = read.object(dataFile.data ?? {}, []);
  read.onlyKeys(root, [], ['study']);
  const study = read.object(root.study, ['study']);
  read.onlyKeys(study, ['study'], ['name', 'holdoutShare', 'key', 'delayDays']);
  const key = read.string(study.key, ['study', 'key']);
  if (key.length < 8) read.fail(['study', 'key'], 'use a key of at least 8 characters, so the assignment cannot be guessed');
  return {
    name: read.string(study.name, ['study', 'name']),
    share: read.number(study.holdoutShare, ['study', 'holdoutShare'], { min: 0, max: 0.5 }),
    key,
    delayDays: read.number(study.delayDays, ['study', 'delayDays'], { min: 1, max: 365 }),
  };
}
