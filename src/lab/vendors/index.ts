/**
 * Every fictional vendor of the lab, in one explicit list (a reader sees them all here).
 * Their fingerprint rules live in src/identify/rules/lab-vendors.yaml.
 */
import type { VendorProfile } from './profile.ts';
import { velmora } from './velmora.ts';
import { quillon } from './quillon.ts';
import { ardentel } from './ardentel.ts';
import { storix } from './storix.ts';
import { lumeca } from './lumeca.ts';
import { kestrix } from './kestrix.ts';
import { nexorra } from './nexorra.ts';

export const labVendors: readonly VendorProfile[] = [velmora, quillon, ardentel, storix, lumeca, kestrix, nexorra];

/**
 * The profile of a vendor by name.
 * @example vendorProfile('Storix').models.length // 6
 */
export function vendorProfile(vendor: string): VendorProfile {
  const profile = labVendors.find((candidate) => candidate.vendor === vendor);
  if (!profile) throw new Error(`unknown lab vendor "${vendor}"`);
  return profile;
}
