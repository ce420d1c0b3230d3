/**
 * Every vendor of the lab, in one explicit list (a reader sees them all here): the
 * fictional vendors (rules in src/lab/rules/fictional-vendors.yaml) and the real-product
 * profiles that simulate real vulnerable routers for the firmware survey (rules in
 * src/lab/rules/real-products.yaml).
 */
import type { VendorProfile } from './profile.ts';
import { velmora } from './velmora.ts';
import { quillon } from './quillon.ts';
import { ardentel } from './ardentel.ts';
import { storix } from './storix.ts';
import { lumeca } from './lumeca.ts';
import { kestrix } from './kestrix.ts';
import { nexorra } from './nexorra.ts';
import { dlink } from './dlink.ts';
import { draytek } from './draytek.ts';

/** Vendors invented for the lab; the synthetic CVE feed (vuln-feed.ts) covers their firmware. */
export const fictionalVendors: readonly VendorProfile[] = [velmora, quillon, ardentel, storix, lumeca, kestrix, nexorra];

/** Real vendors and models, simulated so the matcher meets real NVD records (see dlink.ts). */
export const realProductVendors: readonly VendorProfile[] = [dlink, draytek];

export const labVendors: readonly VendorProfile[] = [...fictionalVendors, ...realProductVendors];

/**
 * The profile of a vendor by name.
 * @example vendorProfile('Storix').models.length // 6
 */
export function vendorProfile(vendor: string): VendorProfile {
  const profile = labVendors.find((candidate) => candidate.vendor === vendor);
  if (!profile) throw new Error(`unknown lab vendor "${vendor}"`);
  return profile;
}

/**
 * Whether the lab simulates this vendor's products (the payload printer is the one device of another vendor).
 * @example isLabVendor('Storix') // true
 */
export function isLabVendor(vendor: string): boolean {
  return labVendors.some((candidate) => candidate.vendor === vendor);
}
