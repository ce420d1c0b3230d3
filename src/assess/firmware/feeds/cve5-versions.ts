/**
 * CVE JSON 5 `versions[]` items → NVD-style version bounds. CNAs write versions as
 * structured ranges (`version` + `lessThan` / `lessThanOrEqual`) or as free text
 * ("versions 4.32 through 5.37", "V4.00.10 and earlier"); both are read here.
 */
import type { CpeMatch } from '../types.ts';
import { text } from './json-fields.ts';

/** The version part of a cpeMatch: an exact version (or '*' = any) and optional range bounds. */
export type VersionBounds = Pick<CpeMatch, 'versionStartIncluding' | 'versionEndIncluding' | 'versionEndExcluding'> & { version: string };

/** Versions that say "not stated": the product is listed as affected without versions. */
const unstated = /^(?:n\/a|na|unspecified|unknown|all|all versions|\*|-)$/i;
/** Range starts that mean "from the beginning". */
const openStart = /^(?:0|\*|n\/a|unspecified|-)$/i;
/** A start like "2.4.x.x" or "CIPC-B2303.X.X.XXXXXX" is a family pattern, not a bound. */
const familyPattern = /(?:^|[.-])[xX]+(?:$|[.-])/;

/**
 * Read one CVE5 version item (status "affected" only: callers drop the others).
 * Returns undefined when the text is prose that cannot be turned into bounds.
 * @example cve5VersionBounds({ version: '0', lessThanOrEqual: '2.16ww', status: 'affected' }) // { version: '*', versionEndIncluding: '2.16ww' }
 * @example cve5VersionBounds({ version: 'versions 4.32 through 5.37', status: 'affected' }) // { version: '*', versionStartIncluding: '4.32', versionEndIncluding: '5.37' }
 */
export function cve5VersionBounds(item: Record<string, unknown>): VersionBounds | undefined {
  const version = text(item.version) ?? '*';
  const lessThan = text(item.lessThan);
  const lessThanOrEqual = text(item.lessThanOrEqual);
  if (lessThan !== undefined || lessThanOrEqual !== undefined) {
    const bounds: VersionBounds = { version: '*' };
    if (!openStart.test(version) && !familyPattern.test(version) && !/\s/.test(version)) bounds.versionStartIncluding = version;
    // lessThan "*" means "every version from `version` on" (CVE5 schema); no end bound then.
    if (lessThanOrEqual !== undefined && lessThanOrEqual !== '*') bounds.versionEndIncluding = lessThanOrEqual;
    else if (lessThan !== undefined && lessThan !== '*') bounds.versionEndExcluding = lessThan;
    return bounds;
  }
  if (unstated.test(version)) return { version: '*' };
  return versionTextBounds(version);
}

/**
 * Free-text versions as CNAs and JVN write them: "4.32 through 5.37", "1.04 and earlier",
 * "before 2.0", and the Japanese forms "1.05 およびそれ以前" (and earlier), "1.3.0 より前" /
 * "未満" (before), "2.0 以降" (and later). Undefined for other prose.
 * @example versionTextBounds('ファームウェアバージョン 1.05およびそれ以前') // { version: '*', versionEndIncluding: '1.05' }
 */
export function versionTextBounds(raw: string): VersionBounds | undefined {
  return japaneseBounds(raw) ?? proseBounds(raw);
}

/** A version as written inside Japanese prose: must start like a version ("1.0", "v6 R4", "Ver.1.3"). */
const japaneseVersion = String.raw`((?:ver\.?\s*|v)?\d[\w.\-()]*(?:\s+R\d+)?)`;
const japanesePatterns: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => VersionBounds]> = [
  [
    new RegExp(String.raw`^${japaneseVersion}\s*(?:から|〜|~)\s*${japaneseVersion}(?:\s*まで)?$`, 'i'),
    (m) => ({ version: '*', versionStartIncluding: clean(m[1]), versionEndIncluding: clean(m[2]) }),
  ],
  [new RegExp(String.raw`^${japaneseVersion}\s*(?:および|及び)?\s*(?:それ)?以前$`, 'i'), (m) => ({ version: '*', versionEndIncluding: clean(m[1]) })],
  [new RegExp(String.raw`^${japaneseVersion}\s*(?:より前|未満)$`, 'i'), (m) => ({ version: '*', versionEndExcluding: clean(m[1]) })],
  [new RegExp(String.raw`^${japaneseVersion}\s*(?:および|及び)?\s*(?:それ)?以降$`, 'i'), (m) => ({ version: '*', versionStartIncluding: clean(m[1]) })],
];

/** "Ver.1.3.0" and "v1.3.0" are the version 1.3.0 as devices show it; keep "v6 R4" as is. */
function clean(version: string): string {
  return version.replace(/^ver\.?\s*/i, '').trim();
}

function japaneseBounds(raw: string): VersionBounds | undefined {
  const value = raw
    .replace(/[（(]\s*CVE-\d{4}-\d+(?:\s*[,、]\s*CVE-\d{4}-\d+)*\s*[)）]/gi, '')
    .replace(/^(?:ファームウェア|ファームウエア)?\s*(?:バージョン|版)?\s*/, '')
    .replace(/\s*の?(?:バージョン|版)$/, '')
    .trim();
  if (!/[\u3040-\u30ff\u4e00-\u9fff\u301c]/.test(value)) return undefined;
  for (const [pattern, build] of japanesePatterns) {
    const match = pattern.exec(value);
    if (match) return build(match);
  }
  return undefined;
}

/** Free-text versions CNAs commonly write; anything else with spaces is not usable. */
function proseBounds(raw: string): VersionBounds | undefined {
  const value = raw.replace(/^(?:firmware\s+)?versions?\s+/i, '').trim();
  let match = /^(\S+)\s+(?:through|to|-|–)\s+(\S+)$/i.exec(value);
  if (match) return { version: '*', versionStartIncluding: match[1], versionEndIncluding: match[2] };
  match =
    /^(?:<=|≤|up to(?: and including)?|through)\s*(\S+)$/i.exec(value) ??
    /^(\S+)\s+(?:and|or)\s+(?:earlier|prior|before|below|lower)(?:\s+versions?)?$/i.exec(value);
  if (match) return { version: '*', versionEndIncluding: match[1] };
  match = /^(?:<|before|prior to|earlier than|below)\s*(\S+)$/i.exec(value);
  if (match) return { version: '*', versionEndExcluding: match[1] };
  if (/\s/.test(value) || value === '') return undefined;
  return { version: value };
}
