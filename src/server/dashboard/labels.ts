/**
 * Words and number formats the dashboard and the public pages share, in Japanese and
 * English. Anything not listed (a kind added later, a vendor name) is shown as stored.
 */
import { findingKind } from '../../core/finding-kinds.ts';
import type { Locale } from '../route-types.ts';

const otherLabels: Record<Locale, Record<string, string>> = {
  en: { open: 'open', closed: 'closed (remediated)', unattributed: 'no ISP named', unidentified: 'not identified', unknown: 'unknown', all: 'All ISPs' },
  ja: { open: '未対処', closed: '対処済み', unattributed: 'ISP不明', unidentified: '未特定', unknown: '不明', all: '全ISP' },
};

/**
 * @example kindLabel('ja', 'infected') // '感染'
 */
export function kindLabel(locale: Locale, kind: string): string {
  return findingKind(kind)?.label[locale] ?? kind;
}

/**
 * The reading of a special key ('open', 'unattributed', 'unidentified', 'all' …), else the key.
 * @example keyLabel('en', 'unidentified') // 'not identified'
 */
export function keyLabel(locale: Locale, key: string): string {
  return otherLabels[locale][key] ?? key;
}

/**
 * @example formatCount('en', 1234567) // '1,234,567'
 */
export function formatCount(locale: Locale, value: number): string {
  return value.toLocaleString(locale === 'ja' ? 'ja-JP' : 'en-US', { maximumFractionDigits: 1 });
}

/**
 * A share as a percentage, or a dash when there is none (null: not enough data yet).
 * @example formatShare('en', 0.4567) // '45.7%'
 */
export function formatShare(_locale: Locale, value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)}%`;
}

/**
 * An ISO time as "YYYY-MM-DD HH:MM UTC" (the same in both languages, unambiguous).
 * @example formatTime('2026-01-05T10:20:30.000Z') // '2026-01-05 10:20 UTC'
 */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '–';
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
}
