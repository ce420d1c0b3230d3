/**
 * Turning the rules that matched one address into one identity: vote on the vendor,
 * pick model and version, join the product catalogue, build the CPE, combine confidence.
 * docs/fingerprints.md ("How conflicts resolve") explains the choices for rule authors.
 */
import type { CriticalSector, DeviceIdentity, DeviceType, SoftwareComponent } from '../core/records.ts';
import { collectComponents } from './components.ts';
import { formatCpe } from './cpe.ts';
import { normaliseKey, type FingerprintRule, type ProductEntry, type RuleFacts } from './rule-types.ts';

/** One rule that matched one service of the address. */
export interface RuleMatch {
  rule: FingerprintRule;
  /** Position of the rule in the rule set: breaks ties so results never depend on luck. */
  order: number;
  protocol: string;
  port: number;
  /** The text the pattern matched, cut to `matchedTextLimit` characters. */
  matched: string;
  /** The rule's constants with its captures laid over them (captures win). */
  facts: RuleFacts;
  /** The software component a component rule read from this text. */
  component?: SoftwareComponent;
}

/** Products keyed by normalised "vendor\0model". */
export type ProductCatalogue = ReadonlyMap<string, ProductEntry>;

export const matchedTextLimit = 120;
/** No pile of banner rules makes identification certain. */
const confidenceCap = 0.99;

/**
 * Index products for the vendor+model join (case-insensitive).
 * @example const catalogue = buildCatalogue(ruleSet.products)
 */
export function buildCatalogue(products: readonly ProductEntry[]): ProductCatalogue {
  return new Map(products.map((product) => [productKey(product.vendor, product.model), product]));
}

function productKey(vendor: string, model: string): string {
  return `${normaliseKey(vendor)}\u0000${normaliseKey(model)}`;
}

/**
 * Versions are only trimmed. Whether a "V" prefix belongs to a version is the vendor's
 * convention ("V5.02.R11" is one product's real version string), so the rule decides by
 * what it captures: `V?(?<version>\d[\d.]*)` drops it, `(?<version>V[\d.]+)` keeps it.
 * @example normaliseVersion(' 1.2.3 ') // '1.2.3'
 */
export function normaliseVersion(version: string): string {
  return version.trim();
}

/** Highest confidence first, then rule-set order: the winner of a tie is always the same. */
function strongerFirst(a: RuleMatch, b: RuleMatch): number {
  return b.rule.confidence - a.rule.confidence || a.order - b.order;
}

function sameText(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || normaliseKey(a) === normaliseKey(b);
}

/**
 * Decide what the device is. With no rule naming a vendor, the identity names only the software
 * components the services showed (no vendor, model or firmware); with neither, undefined.
 * Components do not depend on the vendor vote: software seen is seen whoever made the device.
 * @example resolveIdentity(identifier.match(observations), buildCatalogue(ruleSet.products))
 */
export function resolveIdentity(matches: readonly RuleMatch[], catalogue: ProductCatalogue): DeviceIdentity | undefined {
  const components = collectComponents(matches.flatMap((match) => (match.component ? [match.component] : [])));
  const vendorKey = electVendor(matches);
  if (vendorKey === undefined) return components.length === 0 ? undefined : softwareOnlyIdentity(matches, components);
  // Facts from rules that named another vendor are dropped with that vendor.
  const forVendor = matches.filter((match) => match.facts.vendor !== undefined && normaliseKey(match.facts.vendor) === vendorKey).sort(strongerFirst);
  // Rules that name no vendor (e.g. a model string, a device-type hint) attach to the winner.
  const vendorless = matches.filter((match) => match.facts.vendor === undefined).sort(strongerFirst);
  const ranked = [...forVendor, ...vendorless];

  const model = ranked.find((match) => match.facts.model !== undefined)?.facts.model;
  const version = ranked.find((match) => match.facts.version !== undefined)?.facts.version;
  const hardware = ranked.find((match) => match.facts.hardware !== undefined)?.facts.hardware;
  const product = model === undefined ? undefined : catalogue.get(productKey(vendorKey, model));
  const deviceType: DeviceType = product?.deviceType ?? ranked.find((match) => match.facts.deviceType !== undefined)?.facts.deviceType ?? 'other';

  // A rule contributes when it agrees with every identity fact it asserts; a vendor-less
  // rule must also have asserted at least one of them (an "os: linux" hint says nothing).
  const agrees = (facts: RuleFacts): boolean => sameText(facts.model, model) && sameText(facts.version, version);
  const contributing = [
    ...forVendor.filter((match) => agrees(match.facts)),
    ...vendorless.filter(
      (match) =>
        (match.facts.model !== undefined || match.facts.version !== undefined || match.facts.deviceType !== undefined) &&
        agrees(match.facts) &&
        (match.facts.deviceType === undefined || match.facts.deviceType === deviceType),
    ),
  ].sort((a, b) => a.order - b.order);

  const identity: DeviceIdentity = {
    vendor: product?.vendor ?? forVendor[0].facts.vendor!,
    deviceType,
    confidence: combineConfidence(contributing.map((match) => match.rule.confidence)),
    evidence: contributing.map(evidenceOf),
    components,
  };
  if (deviceType === 'critical') identity.sector = sectorOf(ranked, product);
  if (model !== undefined) identity.model = product?.model ?? model;
  if (version !== undefined) identity.firmwareVersion = version;
  if (hardware !== undefined) identity.hardwareVersion = hardware;
  if (product?.releaseYear !== undefined) identity.releaseYear = product.releaseYear;
  if (product?.cpeProduct !== undefined) {
    identity.cpe = formatCpe({ part: product.cpePart, vendor: product.cpeVendor ?? product.vendor, product: product.cpeProduct, version });
  }
  return identity;
}

const evidenceOf = (match: RuleMatch): DeviceIdentity['evidence'][number] => ({
  ruleId: match.rule.id,
  protocol: match.protocol,
  port: match.port,
  matched: match.matched,
});

/**
 * A device whose maker no rule named, known by the software it runs. Its confidence and
 * evidence are those of the component rules (how sure the software reading is), plus the
 * strongest device-type hint, if any; model and firmware need a vendor and are left out.
 */
function softwareOnlyIdentity(matches: readonly RuleMatch[], components: SoftwareComponent[]): DeviceIdentity {
  const hint = [...matches].filter((match) => match.facts.deviceType !== undefined).sort(strongerFirst)[0];
  const contributing = matches.filter((match) => match.component !== undefined || match === hint).sort((a, b) => a.order - b.order);
  const deviceType = hint?.facts.deviceType ?? 'other';
  return {
    deviceType,
    ...(deviceType === 'critical' ? { sector: sectorOf([hint!]) } : {}),
    confidence: combineConfidence(contributing.map((match) => match.rule.confidence)),
    evidence: contributing.map(evidenceOf),
    components,
  };
}

/**
 * The sector of a critical device: the product catalogue's, else the strongest rule's, else
 * 'other' — a critical device always has one, so its findings always reach a sector's contacts.
 */
function sectorOf(ranked: readonly RuleMatch[], product?: ProductEntry): CriticalSector {
  return product?.sector ?? ranked.find((match) => match.facts.sector !== undefined)?.facts.sector ?? 'other';
}

/**
 * The vendor named with the most total confidence; ties go to the one with the single
 * strongest rule, then to the earliest rule in the set.
 */
function electVendor(matches: readonly RuleMatch[]): string | undefined {
  const tally = new Map<string, { total: number; best: number; firstOrder: number }>();
  for (const match of matches) {
    if (match.facts.vendor === undefined) continue;
    const key = normaliseKey(match.facts.vendor);
    const entry = tally.get(key) ?? { total: 0, best: 0, firstOrder: Infinity };
    entry.total += match.rule.confidence;
    entry.best = Math.max(entry.best, match.rule.confidence);
    entry.firstOrder = Math.min(entry.firstOrder, match.order);
    tally.set(key, entry);
  }
  let winner: string | undefined;
  let winnerEntry: { total: number; best: number; firstOrder: number } | undefined;
  for (const [key, entry] of tally) {
    // Totals are sums of decimals: compare with a tolerance so 0.1+0.2 ties with 0.3.
    const difference = winnerEntry ? entry.total - winnerEntry.total : 1;
    const better =
      !winnerEntry ||
      difference > 1e-9 ||
      (Math.abs(difference) <= 1e-9 && (entry.best > winnerEntry.best || (entry.best === winnerEntry.best && entry.firstOrder < winnerEntry.firstOrder)));
    if (better) {
      winner = key;
      winnerEntry = entry;
    }
  }
  return winner;
}

/**
 * Independent pieces of evidence: 1 − Π(1 − cᵢ), capped at 0.99 and rounded to 4 places.
 * @example combineConfidence([0.9, 0.5]) // 0.95
 */
export function combineConfidence(confidences: readonly number[]): number {
  const doubt = confidences.reduce((product, confidence) => product * (1 - confidence), 1);
  return Math.round(Math.min(confidenceCap, 1 - doubt) * 10_000) / 10_000;
}
