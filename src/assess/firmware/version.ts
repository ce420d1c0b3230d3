/**
 * A version comparator for the firmware strings devices and vulnerability feeds really
 * carry ("1.0.5 Build 20190617 rel.44209", "V1.0.0.20(C1)", "1.02B03", "105b03",
 * "V5.21(AAZF.14)C0", "v200r001c00spc100", "2015-10-06"). The rules, in order:
 *
 * 1. Text is CPE-unescaped ("3.40\(agd.2\)" → "3.40(agd.2)"), trimmed and lower-cased,
 *    so "1.02B03" = "1.02b03".
 * 2. A leading "v", "ver", "version", "fw" or "firmware" before a digit is dropped ("V1.2" = "1.2").
 * 3. Dates written with separators (2019-06-17, 2019/6/17, 2019.06.17) become one number
 *    (20190617), so they equal and order like the compact form.
 * 4. D-Link's compact notation "105b03" (three digits then b + build) reads as "1.05b03".
 * 5. The text splits into a MAIN version and a QUALIFIER at the first blank, "(" or
 *    build/release word ("build", "bld", "rel", "release"): "1.0.5 Build 20190617 rel.44209"
 *    → main "1.0.5", qualifier "build 20190617 rel 44209". A qualifier that starts with a
 *    pre-release word ("1.06 beta1") belongs to the main version instead.
 * 6. Each part becomes tokens: runs of digits (compared as numbers, so "05" = "5") and
 *    runs of letters; other characters only separate tokens.
 * 7. Main versions compare token by token. Numbers compare numerically; pre-release words
 *    (dev < alpha < prebeta < beta < pre/preview < rc) sort before the release and before
 *    any number; other letters sort after numbers at the same place ("1.02.1" > "1.02b03"),
 *    and against each other alphabetically. When one version runs out, trailing zeros are
 *    equal ("1.0" = "1.0.0"), a pre-release word makes the longer one smaller
 *    ("1.0rc1" < "1.0"), anything else makes it greater ("2.16ww" > "2.16").
 * 8. Only when the main versions are equal do qualifiers count: two qualifiers compare
 *    like main versions; a missing qualifier equals any ("1.0.5" = "1.0.5 build 20190617"),
 *    because a feed that names a release without a build means every build of it.
 *    A lone "b" equals a spelled-out "beta" at the same place ("1.06b01" = "1.06 beta1",
 *    D-Link's spelling of NVD's 1.06 update beta1); such a match is not exact.
 * 9. Not comparable (`undefined`): text without a digit ("xcp", "jul.2016" is fine, "-" is
 *    not), versions whose first tokens differ in kind ("webui-13.1" vs "21.3"), and
 *    qualifiers that disagree on a word ("(aazf.14)" vs "(abag.11)": Zyxel model codes).
 *
 * Comparisons that rely on a guess (rules 4, 7's letter orderings, 8's missing qualifier)
 * are reported as not `exact`, which the matcher turns into a lower confidence.
 */

/** A version read once and compared many times. */
export interface ParsedVersion {
  /** The normalised text (unescaped, lower-case), for evidence and equality. */
  text: string;
  main: string[];
  qualifier: string[];
  /** True when reading needed a guess (rule 4). */
  loose: boolean;
}

export type VersionOrder = -1 | 0 | 1;

export interface VersionComparison {
  order: VersionOrder;
  /** False when the order rests on a heuristic rather than plain numbers and words. */
  exact: boolean;
}

/** The six possible comparison results as shared constants: comparing allocates nothing. */
const results: readonly VersionComparison[] = ([-1, 0, 1] as const).flatMap((order) => [
  Object.freeze({ order, exact: true }),
  Object.freeze({ order, exact: false }),
]);
const result = (order: VersionOrder, exact: boolean): VersionComparison => results[(order + 1) * 2 + (exact ? 0 : 1)];

const preReleaseRank: Readonly<Record<string, number>> = {
  dev: 0,
  snapshot: 0,
  alpha: 1,
  prebeta: 2,
  beta: 3,
  pre: 4,
  preview: 4,
  rc: 5,
};

const isDigit = (token: string): boolean => token.charCodeAt(0) <= 57;

/** Undo CPE formatted-string escaping: "\(" → "(". */
export function unescapeCpeText(text: string): string {
  return text.includes('\\') ? text.replace(/\\(.)/g, '$1') : text;
}

/** Plain dotted numbers, except year-first ones that rule 3 may read as a date. */
const plainDotted = /^(?!(?:19|20)\d\d\.)\d{1,15}(?:\.\d{1,15})*$/;
const stripLeadingZeros = (digits: string): string => (digits.length > 1 && digits.charCodeAt(0) === 48 ? digits.replace(/^0+(?=\d)/, '') : digits);

function tokenize(text: string): string[] {
  const tokens = text.match(/\d+|[a-z]+/g) ?? [];
  return tokens.map((token) => (isDigit(token) ? stripLeadingZeros(token) : token));
}

/**
 * Read a version string; undefined when it holds no digit (nothing to order by), or is
 * the CPE ANY/NA value.
 * @example parseVersion('V1.0.0.20(C1)') // { text: 'v1.0.0.20(c1)', main: ['1','0','0','20'], qualifier: ['c','1'], loose: false }
 */
export function parseVersion(raw: string): ParsedVersion | undefined {
  // Fast path for the common plain dotted number ("1.2.3"): same result, no regex work.
  if (plainDotted.test(raw)) return { text: raw, main: raw.split('.').map(stripLeadingZeros), qualifier: [], loose: false };
  const text = unescapeCpeText(raw).trim().toLowerCase();
  if (text === '' || text === '*' || text === '-' || !/\d/.test(text)) return undefined;
  let body = text.replace(/^(?:firmware|version|ver|fw|v)[\s._-]*(?=\d)/, '');
  body = body.replace(/(?<!\d)((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/g, (whole, year: string, month: string, day: string) =>
    Number(month) >= 1 && Number(month) <= 12 && Number(day) >= 1 && Number(day) <= 31 ? `${year}${month.padStart(2, '0')}${day.padStart(2, '0')}` : whole,
  );
  let loose = false;
  const compact = /^(\d)(\d\d)(b\d+.*)$/.exec(body);
  if (compact) {
    body = `${compact[1]}.${compact[2]}${compact[3]}`;
    loose = true;
  }
  const split = /\s|\(|(?<![a-z])(?:build|bld|release|rel)(?![a-z])/.exec(body);
  let main = tokenize(split ? body.slice(0, split.index) : body);
  let qualifier = split ? tokenize(body.slice(split.index)) : [];
  if (qualifier.length > 0 && preReleaseRank[qualifier[0]] !== undefined) {
    main = [...main, ...qualifier];
    qualifier = [];
  }
  if (main.length === 0) {
    main = qualifier;
    qualifier = [];
  }
  return { text, main, qualifier, loose };
}

function compareNumbers(a: string, b: string): VersionOrder {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** What the remaining tokens of the longer version say about it (rule 7, "runs out"). */
function compareTail(rest: string[], start: number): VersionComparison {
  let index = start;
  while (index < rest.length && rest[index] === '0') index++;
  if (index >= rest.length) return result(0, true);
  const token = rest[index];
  if (isDigit(token)) return result(1, true);
  if (preReleaseRank[token] !== undefined) return result(-1, true);
  return result(1, false);
}

/**
 * Compare two token lists. `strictWords` (used for qualifiers) makes two different
 * ordinary words not comparable instead of alphabetical.
 */
function compareTokens(a: string[], b: string[], strictWords: boolean): VersionComparison | undefined {
  const length = Math.max(a.length, b.length);
  let abbreviated = false;
  for (let index = 0; index < length; index++) {
    const left = a[index];
    const right = b[index];
    if (left === right) continue;
    if (left === undefined) {
      const tail = compareTail(b, index);
      return result((tail.order === 0 ? 0 : -tail.order) as VersionOrder, tail.exact);
    }
    if (right === undefined) return compareTail(a, index);
    const leftNumber = isDigit(left);
    const rightNumber = isDigit(right);
    if (leftNumber && rightNumber) {
      const order = compareNumbers(left, right);
      if (order !== 0) return { order, exact: true };
      continue;
    }
    // D-Link writes "1.06B01" for what NVD files as 1.06 update "beta1": "b" abbreviates
    // "beta" when the other side spells it out (a guess, so the result is not exact).
    if ((left === 'b' && right === 'beta') || (left === 'beta' && right === 'b')) {
      abbreviated = true;
      continue;
    }
    const leftRank = preReleaseRank[left];
    const rightRank = preReleaseRank[right];
    if (leftNumber !== rightNumber) {
      if (index === 0) return undefined;
      const wordRank = leftNumber ? rightRank : leftRank;
      const numberSide: VersionOrder = leftNumber ? 1 : -1;
      // A pre-release word sorts below any number; another word above it, as a guess.
      return wordRank !== undefined ? result(numberSide, true) : result(numberSide, false);
    }
    if (leftRank !== undefined && rightRank !== undefined) {
      if (leftRank !== rightRank) return result(leftRank < rightRank ? -1 : 1, true);
      return result(left < right ? -1 : 1, false);
    }
    if (strictWords) return undefined;
    if (leftRank !== undefined || rightRank !== undefined) return result(leftRank !== undefined ? -1 : 1, false);
    return result(left < right ? -1 : 1, false);
  }
  return result(0, !abbreviated);
}

/**
 * Compare two parsed versions (see the file comment for the rules).
 * @example compareParsedVersions(parseVersion('1.0.05')!, parseVersion('1.0.5')!) // { order: 0, exact: true }
 */
export function compareParsedVersions(a: ParsedVersion, b: ParsedVersion): VersionComparison | undefined {
  const main = compareTokens(a.main, b.main, false);
  if (main === undefined) return undefined;
  const loose = a.loose || b.loose;
  if (main.order !== 0) return loose ? result(main.order, false) : main;
  if (a.qualifier.length === 0 && b.qualifier.length === 0) return result(0, main.exact && !loose);
  if (a.qualifier.length === 0 || b.qualifier.length === 0) return result(0, false);
  const qualifier = compareTokens(a.qualifier, b.qualifier, true);
  if (qualifier === undefined) return undefined;
  return result(qualifier.order, main.exact && qualifier.exact && !loose);
}

/**
 * Compare two version strings with the exactness flag.
 * @example compareVersionsDetailed('1.02B03', '1.02b03') // { order: 0, exact: true }
 */
export function compareVersionsDetailed(a: string, b: string): VersionComparison | undefined {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (!left || !right) return undefined;
  return compareParsedVersions(left, right);
}

/**
 * Compare two version strings: -1, 0, 1, or undefined when they cannot be ordered.
 * @example compareVersions('1.0.5 Build 20190617 rel.44209', '1.0.6') // -1
 */
export function compareVersions(a: string, b: string): VersionOrder | undefined {
  return compareVersionsDetailed(a, b)?.order;
}

/** NVD's four optional range bounds, already parsed. A bound that did not parse is `null`. */
export interface ParsedVersionRange {
  startIncluding?: ParsedVersion | null;
  startExcluding?: ParsedVersion | null;
  endIncluding?: ParsedVersion | null;
  endExcluding?: ParsedVersion | null;
}

export interface RangeCheck {
  state: 'inside' | 'outside' | 'unknown';
  exact: boolean;
}

/** Read NVD range bounds once; absent bounds stay absent, unreadable ones become null. */
export function parseVersionRange(range: {
  versionStartIncluding?: string;
  versionStartExcluding?: string;
  versionEndIncluding?: string;
  versionEndExcluding?: string;
}): ParsedVersionRange {
  const read = (text: string | undefined) => (text === undefined ? undefined : (parseVersion(text) ?? null));
  return {
    startIncluding: read(range.versionStartIncluding),
    startExcluding: read(range.versionStartExcluding),
    endIncluding: read(range.versionEndIncluding),
    endExcluding: read(range.versionEndExcluding),
  };
}

/**
 * Is `version` inside the range? Any bound that rules it out decides "outside"; otherwise a
 * bound that cannot be compared makes it "unknown" (never "inside").
 * @example checkVersionRange(parseVersion('2.15')!, parseVersionRange({ versionEndIncluding: '2.16ww' })) // { state: 'inside', exact: false }
 */
export function checkVersionRange(version: ParsedVersion, range: ParsedVersionRange): RangeCheck {
  // Written out bound by bound: this runs for every ranged criterion a device meets.
  let unknown = false;
  let exact = true;
  for (let bound = 0; bound < 4; bound++) {
    const limit = bound === 0 ? range.startIncluding : bound === 1 ? range.startExcluding : bound === 2 ? range.endIncluding : range.endExcluding;
    if (limit === undefined) continue;
    const comparison = limit === null ? undefined : compareParsedVersions(version, limit);
    if (comparison === undefined) {
      unknown = true;
      continue;
    }
    const order = comparison.order;
    const holds = bound === 0 ? order >= 0 : bound === 1 ? order > 0 : bound === 2 ? order <= 0 : order < 0;
    if (!holds) return comparison.exact ? outsideExact : outsideLoose;
    exact &&= comparison.exact;
  }
  return unknown ? rangeUnknown : exact ? insideExact : insideLoose;
}

const insideExact: RangeCheck = Object.freeze({ state: 'inside', exact: true });
const insideLoose: RangeCheck = Object.freeze({ state: 'inside', exact: false });
const outsideExact: RangeCheck = Object.freeze({ state: 'outside', exact: true });
const outsideLoose: RangeCheck = Object.freeze({ state: 'outside', exact: false });
const rangeUnknown: RangeCheck = Object.freeze({ state: 'unknown', exact: false });
