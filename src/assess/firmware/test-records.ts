/** Test helper: the shared NVD sample records (../shared/data/nvd), read through the NVD importer. */
import { readFileSync } from 'node:fs';
import { parseNvdFeed } from './feeds/nvd.ts';
import type { VulnerabilityRecord } from './types.ts';

export const sharedNvdFiles = ['iot-cves.json', 'iot-cves-2017plus-fkie.json'].map(
  (name) => new URL(`../../../../shared/data/nvd/${name}`, import.meta.url),
);

/** All records of both files; throws if the importer skipped any. */
export function loadSharedNvdRecords(): VulnerabilityRecord[] {
  return sharedNvdFiles.flatMap((file) => {
    const feed = parseNvdFeed(JSON.parse(readFileSync(file, 'utf8')), file.pathname);
    if (feed.skipped.length > 0) throw new Error(`importer skipped ${feed.skipped.length} records of ${file.pathname}`);
    return feed.records;
  });
}
