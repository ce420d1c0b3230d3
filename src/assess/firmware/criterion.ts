/**
 * One NVD cpeMatch entry judged against a device: CPE attributes (NISTIR 7696 relations,
 * vendor and product through the alias tables) and the version (range fields or the
 * criteria's own version) in three states. Criteria and device names are compiled once,
 * so judging is string compares and pre-parsed version tokens.
 */
import type { AliasTable } from './aliases.ts';
import { compareCpeParts, compareCpeValues, cpeValueText, parseCpeName, type CpeAttribute, type CpeValue, type ParsedCpe } from './cpe-match.ts';
import type { CpeMatch, DevicePlatform, PlatformComponent } from './types.ts';
import { checkVersionRange, compareParsedVersions, parseVersion, parseVersionRange, type ParsedVersion, type ParsedVersionRange } from './version.ts';

/** Kleene truth values as numbers, so AND = min, OR = max and NOT = 1 - x. */
export type Truth = 0 | 0.5 | 1;
export const FALSE: Truth = 0;
export const UNKNOWN: Truth = 0.5;
export const TRUE: Truth = 1;

export interface CompiledCriterion {
  source: CpeMatch;
  /** source.vulnerable, copied so the hot loop reads a field of one object shape. */
  vulnerable: boolean;
  /** Attributes other than part/vendor/product/version the criteria constrain (usually none). */
  constrained: readonly CpeAttribute[];
  /** undefined when the criteria string is not a CPE 2.3 name: it then never matches. */
  cpe: ParsedCpe | undefined;
  /** Alias-normalised keys of literal vendor / product values (undefined for ANY or patterns). */
  vendorKey?: string;
  productKey?: string;
  version?: ParsedVersion;
  /** Version with the update folded in ("1.06" + "beta1"), for devices that carry no update. */
  versionWithUpdate?: ParsedVersion;
  range?: ParsedVersionRange;
}

export interface DeviceCpe {
  cpe: ParsedCpe;
  /** The software component this name belongs to; undefined for the device's own names. */
  component?: PlatformComponent;
  vendorKey: string;
  productKey: string;
  /** The device's version text (unescaped, lower-case); '' when unknown. */
  versionText: string;
  version?: ParsedVersion;
}

export interface CompiledPlatform {
  platform: DevicePlatform;
  cpes: DeviceCpe[];
}

export type VerdictKind =
  | 'unparsed'
  | 'mismatch'
  | 'attribute-unknown'
  | 'revision-unknown'
  | 'version-any'
  | 'version-na'
  | 'equal'
  | 'different'
  | 'in-range'
  | 'out-of-range'
  | 'version-missing'
  | 'version-incomparable';

/** Outcome of one criterion on one device name; constant objects, so judging allocates nothing. */
export interface Verdict {
  kind: VerdictKind;
  truth: Truth;
  /** How sure the truth value is (0..1). */
  confidence: number;
  /** Prefer verdicts where the product matched when explaining a "false". */
  productMatched: boolean;
}

const verdict = (kind: VerdictKind, truth: Truth, confidence: number, productMatched = true): Verdict =>
  Object.freeze({ kind, truth, confidence, productMatched });
export const verdicts = {
  unparsed: verdict('unparsed', FALSE, 1, false),
  mismatch: verdict('mismatch', FALSE, 1, false),
  attributeMismatch: verdict('mismatch', FALSE, 0.9),
  attributeUnknown: verdict('attribute-unknown', UNKNOWN, 0.5),
  revisionUnknown: verdict('revision-unknown', UNKNOWN, 0.5),
  versionAny: verdict('version-any', TRUE, 0.95),
  versionNa: verdict('version-na', TRUE, 0.6),
  equalExact: verdict('equal', TRUE, 0.95),
  equalLoose: verdict('equal', TRUE, 0.7),
  differentExact: verdict('different', FALSE, 0.95),
  differentLoose: verdict('different', FALSE, 0.7),
  inRangeExact: verdict('in-range', TRUE, 0.95),
  inRangeLoose: verdict('in-range', TRUE, 0.7),
  outOfRangeExact: verdict('out-of-range', FALSE, 0.95),
  outOfRangeLoose: verdict('out-of-range', FALSE, 0.7),
  versionMissing: verdict('version-missing', UNKNOWN, 0.3),
  versionIncomparable: verdict('version-incomparable', UNKNOWN, 0.4),
} as const;

const otherAttributes: readonly CpeAttribute[] = ['edition', 'language', 'swEdition', 'targetSw', 'targetHw', 'other'];

const literalKey = (value: CpeValue, key: (text: string) => string): string | undefined => (value.kind === 'value' ? key(value.value) : undefined);

/**
 * Compile a cpeMatch entry once for many devices.
 * @example compileCriterion({ vulnerable: true, criteria: 'cpe:2.3:o:d-link:dir-600_firmware:*:*:*:*:*:*:*:*', versionEndIncluding: '2.16ww' }, loadAliasTable()).vendorKey // 'dlink'
 */
export function compileCriterion(source: CpeMatch, aliases: AliasTable): CompiledCriterion {
  const cpe = parseCpeName(source.criteria);
  if (!cpe) return { source, vulnerable: source.vulnerable, constrained: [], cpe };
  const vendorKey = literalKey(cpe.vendor, aliases.vendorKey);
  const productKey = vendorKey === undefined ? undefined : literalKey(cpe.product, (product) => aliases.productKey(vendorKey, product));
  const hasRange =
    source.versionStartIncluding !== undefined ||
    source.versionStartExcluding !== undefined ||
    source.versionEndIncluding !== undefined ||
    source.versionEndExcluding !== undefined;
  const version = cpe.version.kind === 'value' ? parseVersion(cpe.version.value) : undefined;
  const versionWithUpdate = cpe.version.kind === 'value' && cpe.update.kind === 'value' ? parseVersion(`${cpe.version.value} ${cpe.update.value}`) : undefined;
  const constrained = (['update', ...otherAttributes] as const).filter((attribute) => cpe[attribute].kind !== 'any');
  return {
    source,
    vulnerable: source.vulnerable,
    constrained,
    cpe,
    vendorKey,
    productKey,
    version,
    versionWithUpdate,
    range: hasRange ? parseVersionRange(source) : undefined,
  };
}

/**
 * Compile a device's candidate names: parsed, alias-normalised, versions read. A firmware
 * or application name of the device without a version takes the platform's firmwareVersion;
 * a component's name keeps its own version (unknown stays unknown: dropbear is not at the
 * firmware's version).
 * @example compilePlatform({ vendor: 'D-Link', cpes: ['cpe:2.3:h:dlink:dir-600:*:*:*:*:*:*:*:*'] }, loadAliasTable()).cpes[0].productKey // 'dir600'
 */
export function compilePlatform(platform: DevicePlatform, aliases: AliasTable): CompiledPlatform {
  const cpes: DeviceCpe[] = [];
  const add = (text: string, component?: PlatformComponent) => {
    const cpe = parseCpeName(text);
    if (cpe?.vendor.kind !== 'value' || cpe.product.kind !== 'value') return;
    const vendorKey = aliases.vendorKey(cpe.vendor.value);
    let versionText = cpe.version.kind === 'value' || cpe.version.kind === 'pattern' ? cpe.version.value : '';
    if (versionText === '' && !component && cpe.part !== 'h' && platform.firmwareVersion) versionText = platform.firmwareVersion.trim().toLowerCase();
    // Every name gets the same fields (component undefined for the device's own), so they share one object shape.
    cpes.push({
      cpe,
      component,
      vendorKey,
      productKey: aliases.productKey(vendorKey, cpe.product.value),
      versionText,
      version: versionText ? parseVersion(versionText) : undefined,
    });
  };
  for (const text of platform.cpes) add(text);
  for (const component of platform.components ?? []) add(component.cpe, component);
  return { platform, cpes };
}

/** Vendor or product: a literal compares by alias key; a pattern tests the device's text. */
function namesMatch(value: CpeValue, key: string | undefined, deviceValue: CpeValue, deviceKey: string): boolean {
  if (key !== undefined) return key === deviceKey;
  if (value.kind === 'any') return true;
  if (value.kind === 'pattern') return deviceValue.kind === 'value' && (value.regex.test(deviceValue.value) || value.regex.test(deviceKey));
  return false; // NA vendor or product never names a device
}

function judgeVersion(criterion: CompiledCriterion, device: DeviceCpe, foldUpdate: boolean): Verdict {
  const cpe = criterion.cpe as ParsedCpe;
  const hardware = cpe.part === 'h';
  if (criterion.range) {
    if (!device.version) return device.versionText ? verdicts.versionIncomparable : verdicts.versionMissing;
    const check = checkVersionRange(device.version, criterion.range);
    if (check.state === 'unknown') return verdicts.versionIncomparable;
    if (check.state === 'inside') return check.exact ? verdicts.inRangeExact : verdicts.inRangeLoose;
    return check.exact ? verdicts.outOfRangeExact : verdicts.outOfRangeLoose;
  }
  const wanted = cpe.version;
  if (wanted.kind === 'any') return verdicts.versionAny;
  // NVD writes "-" when a product has no versions to tell apart (typical for hardware).
  if (wanted.kind === 'na') return hardware ? verdicts.versionAny : verdicts.versionNa;
  if (device.versionText === '') return hardware ? verdicts.revisionUnknown : verdicts.versionMissing;
  if (wanted.kind === 'pattern') return wanted.regex.test(device.versionText) ? verdicts.equalLoose : verdicts.differentLoose;
  const parsed = foldUpdate ? criterion.versionWithUpdate : criterion.version;
  if (!foldUpdate && wanted.value === device.versionText) return verdicts.equalExact;
  if (!parsed || !device.version) return hardware ? verdicts.differentExact : verdicts.versionIncomparable;
  const comparison = compareParsedVersions(device.version, parsed);
  if (comparison === undefined) return hardware ? verdicts.differentLoose : verdicts.versionIncomparable;
  if (comparison.order === 0) return comparison.exact ? verdicts.equalExact : verdicts.equalLoose;
  return comparison.exact ? verdicts.differentExact : verdicts.differentLoose;
}

/**
 * Judge a criterion against one device name.
 * @example judgeCriterionOnCpe(criterion, platform.cpes[0]).kind // 'in-range'
 */
export function judgeCriterionOnCpe(criterion: CompiledCriterion, device: DeviceCpe): Verdict {
  const cpe = criterion.cpe;
  if (!cpe) return verdicts.unparsed;
  const part = compareCpeParts(cpe.part, device.cpe.part);
  if (part === 'disjoint' || part === 'subset') return verdicts.mismatch;
  if (!namesMatch(cpe.vendor, criterion.vendorKey, device.cpe.vendor, device.vendorKey)) return verdicts.mismatch;
  if (!namesMatch(cpe.product, criterion.productKey, device.cpe.product, device.productKey)) return verdicts.mismatch;
  const foldUpdate = cpe.update.kind === 'value' && device.cpe.update.kind === 'any' && criterion.versionWithUpdate !== undefined;
  let unknownAttribute = false;
  const constrained = criterion.constrained;
  for (let index = 0; index < constrained.length; index++) {
    const attribute = constrained[index];
    if (foldUpdate && attribute === 'update') continue;
    const wanted = cpe[attribute];
    const relation = compareCpeValues(wanted, device.cpe[attribute]);
    if (relation === 'disjoint') return verdicts.attributeMismatch;
    // NA in the feed vs "not known" on the device: assume the plain product.
    if (relation === 'subset' && wanted.kind !== 'na') unknownAttribute = true;
  }
  const version = judgeVersion(criterion, device, foldUpdate);
  return unknownAttribute && version.truth !== FALSE ? verdicts.attributeUnknown : version;
}

/** Is `candidate` a better verdict than `best`? true > unknown > false; then product matched; then confidence. */
function better(candidate: Verdict, best: Verdict): boolean {
  if (candidate.truth !== best.truth) return candidate.truth > best.truth;
  if (candidate.productMatched !== best.productMatched) return candidate.productMatched;
  return candidate.confidence > best.confidence;
}

/**
 * The best verdict over all of a device's names. A literal product that differs from a
 * name's product key is rejected before any other work (most calls end there).
 */
export function judgeCriterion(criterion: CompiledCriterion, device: CompiledPlatform): Verdict {
  let best: Verdict = verdicts.mismatch;
  const cpes = device.cpes;
  for (let index = 0; index < cpes.length; index++) {
    const candidate = cpes[index];
    if (criterion.productKey !== undefined && criterion.productKey !== candidate.productKey) continue;
    const result = judgeCriterionOnCpe(criterion, candidate);
    if (better(result, best)) best = result;
  }
  return best;
}

/** judgeCriterion's verdict together with the device name behind it, for evidence. */
export function judgeCriterionWithCpe(criterion: CompiledCriterion, device: CompiledPlatform): { verdict: Verdict; cpe: DeviceCpe | undefined } {
  let best: Verdict = verdicts.mismatch;
  let bestCpe: DeviceCpe | undefined;
  for (const candidate of device.cpes) {
    const result = judgeCriterionOnCpe(criterion, candidate);
    if (better(result, best)) {
      best = result;
      bestCpe = candidate;
    }
  }
  return { verdict: best, cpe: bestCpe };
}

function rangeText(source: CpeMatch): string {
  let text = '';
  const add = (symbol: string, bound: string | undefined) => {
    if (bound !== undefined) text += `${text ? ' and ' : ''}${symbol} ${bound.includes('\\') ? bound.replace(/\\(.)/g, '$1') : bound}`;
  };
  add('≥', source.versionStartIncluding);
  add('>', source.versionStartExcluding);
  add('≤', source.versionEndIncluding);
  add('<', source.versionEndExcluding);
  return text;
}

/**
 * One line of evidence for a verdict, e.g. "dir-600_firmware 2.15 in range ≤ 2.16ww".
 * @example describeVerdict(criterion, verdicts.versionMissing) // 'dir-600_firmware: device version not read (feed: ≤ 2.16ww)'
 */
export function describeVerdict(criterion: CompiledCriterion, result: Verdict, device?: DeviceCpe): string {
  const cpe = criterion.cpe;
  if (!cpe) return `criteria not readable: ${criterion.source.criteria}`;
  const product = `${cpeValueText(cpe.vendor)}:${cpeValueText(cpe.product)}`;
  const wanted = criterion.range
    ? rangeText(criterion.source)
    : cpe.update.kind === 'value'
      ? `${cpeValueText(cpe.version)} ${cpe.update.value}`
      : cpeValueText(cpe.version);
  const seen = device?.versionText || '(unknown)';
  switch (result.kind) {
    case 'unparsed':
      return `criteria not readable: ${criterion.source.criteria}`;
    case 'mismatch':
      return `${product}: does not name this device`;
    case 'attribute-unknown':
      return `${product}: the feed names an edition/update the device does not show`;
    case 'revision-unknown':
      return `${product}: hardware revision ${wanted} required, device revision not known`;
    case 'version-any':
      return cpe.part === 'h' ? `${product} hardware` : `${product}: all versions`;
    case 'version-na':
      return `${product}: the feed gives no version ("-")`;
    case 'equal':
      return `${product} ${seen} = ${wanted}${result.confidence < 0.9 ? ' (loosely)' : ''}`;
    case 'different':
      return `${product} ${seen} ≠ ${wanted}`;
    case 'in-range':
      return `${product} ${seen} in range ${wanted}${result.confidence < 0.9 ? ' (loosely)' : ''}`;
    case 'out-of-range':
      return `${product} ${seen} outside range ${wanted}`;
    case 'version-missing':
      return `${product}: device version not read (feed: ${wanted})`;
    case 'version-incomparable':
      return `${product} ${seen} cannot be compared with ${wanted}`;
  }
}
