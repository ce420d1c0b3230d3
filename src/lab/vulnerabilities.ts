/**
 * Which CVEs each lab device is affected by — known by construction: synthetic CVEs from
 * their release-index definitions (vuln-catalogue.ts), real CVEs from the hand-curated
 * table in each real-product profile's releases (vendors/dlink.ts, vendors/draytek.ts).
 * Nothing here compares version strings or calls the project's matcher.
 */
import type { LabIdentity, TruthVulnerabilityFeed } from './types.ts';
import { syntheticCves, syntheticCvesOf } from './vuln-catalogue.ts';
import { vendorProfile } from './vendors/index.ts';

/**
 * Real CVE ids in the shared records (/work/shared/data/nvd, cve5) that name a real-product
 * profile's firmware or hardware. real-products.test.ts checks this list is complete for
 * the NVD files. CVE-2020-19318 (DIR-605L rev A, firmware 1.x; cve5 only) affects no lab
 * unit and is here as a negative case.
 */
export const realCvesInScope: readonly string[] = [
  'CVE-2014-100005',
  'CVE-2014-8361',
  'CVE-2020-15415',
  'CVE-2020-19318',
  'CVE-2021-40655',
  'CVE-2023-25280',
  'CVE-2023-6265',
  'CVE-2024-0769',
];

/**
 * The CVE ids the truth speaks about.
 * @example labVulnerabilityFeed().synthetic[0] // 'CVE-2099-0001'
 */
export function labVulnerabilityFeed(): TruthVulnerabilityFeed {
  return { synthetic: syntheticCves.map((definition) => definition.id), real: [...realCvesInScope] };
}

/**
 * CVE ids a device with this identity is affected by, sorted.
 * @example vulnerabilitiesOf({ vendor: 'D-Link', model: 'DIR-600', hardwareVersion: 'B2', firmwareVersion: '2.12', ... }) // ['CVE-2014-100005']
 */
export function vulnerabilitiesOf(identity: LabIdentity): string[] {
  const profile = vendorProfile(identity.vendor);
  if (!profile.realProduct) return syntheticCvesOf(identity).sort();
  const model = profile.models.find((candidate) => candidate.model === identity.model && candidate.hardwareVersion === identity.hardwareVersion);
  const release = model && profile.firmwareReleases(model).find((candidate) => candidate.version === identity.firmwareVersion);
  if (!release)
    throw new Error(`${identity.vendor} ${identity.model} ${identity.hardwareVersion ?? ''} ${identity.firmwareVersion}: not a release of the profile`);
  return [...(release.cves ?? [])].sort();
}
