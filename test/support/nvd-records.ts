/** Test helper: the shared NVD sample records (../shared/data/nvd), read through the NVD importer. */
import { readFileSync } from 'node:fs';
import { parseNvdFeed } from '../../src/assess/firmware/feeds/nvd.ts';
import type { VulnerabilityRecord } from '../../src/assess/firmware/types.ts';
import { sharedData } from './shared-data.ts';

export const sharedNvdFiles = ['iot-cves.json', 'iot-cves-2017plus-fkie.json'].map((name) => sharedData(`nvd/${name}`));

/** All records of both files; throws if the importer skipped any. */
export function loadSharedNvdRecords(): VulnerabilityRecord[] {
  return sharedNvdFiles.flatMap((file) => {
    const feed = parseNvdFeed(JSON.parse(readFileSync(file, 'utf8')), file);
    if (feed.skipped.length > 0) throw new Error(`importer skipped ${feed.skipped.length} records of ${file}`);
    return feed.records;
  });
}
