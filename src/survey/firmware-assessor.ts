import { OpenNoticeError } from '../core/errors.ts';
import { createVulnerabilityMatcher } from '../assess/firmware/matcher.ts';
import { platformOf } from '../assess/firmware/platform.ts';
import type { VulnerabilityStore } from '../store/roles/vulnerabilities.ts';
import type { StoreHandle } from '../store/store.ts';
import type { FirmwareAssessor } from './firmware-phase.ts';

/**
 * Build the firmware step's assessor from the vulnerability data imported into the
 * store (opennotice feeds import/update). No data is an error that says what to do,
 * not an empty result that would read as "nothing vulnerable".
 * @example const firmware = await loadFirmwareAssessor(store)
 */
export async function loadFirmwareAssessor(store: VulnerabilityStore & Pick<StoreHandle, 'location'>): Promise<FirmwareAssessor> {
  const records = await store.listVulnerabilities();
  if (records.length === 0) {
    throw new OpenNoticeError(
      'USAGE',
      `the firmware check needs vulnerability data, and ${store.location} has none: import it first (opennotice feeds import FILE…, or opennotice feeds update)`,
    );
  }
  const kev = new Map((await store.listKev()).map((entry) => [entry.cveId, entry]));
  const matcher = createVulnerabilityMatcher(records);
  const byId = new Map(records.map((record) => [record.cveId, record]));
  return {
    size: records.length,
    match: (identity) => matcher.match(platformOf(identity, matcher.aliases)),
    vulnerability: (cveId) => byId.get(cveId),
    kev: (cveId) => kev.get(cveId),
  };
}
