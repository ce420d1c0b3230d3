/**
 * Which language to answer in: `?lang=` (which the core then remembers in a cookie), else
 * the `lang` cookie, else the browser's Accept-Language, else English.
 */
import { locales, type Locale } from './route-types.ts';

const isLocale = (value: string | null | undefined): value is Locale => value !== null && value !== undefined && (locales as readonly string[]).includes(value);

/**
 * The first of our languages the browser ranks highest (q-values honoured; "ja-JP" counts as "ja").
 * @example localeFromAcceptLanguage('ja-JP,ja;q=0.9,en;q=0.8') // 'ja'
 */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((parameter) => /^\s*q=([0-9.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined);
      return { language: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), index };
    });
  ranked.sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.find((entry) => entry.q > 0 && isLocale(entry.language))?.language as Locale | undefined;
}

/**
 * @example negotiateLocale({ query: 'en', cookie: 'ja', acceptLanguage: 'ja' }) // { locale: 'en', remember: true }
 */
export function negotiateLocale(input: { query: string | null; cookie: string | undefined; acceptLanguage: string | undefined }): {
  locale: Locale;
  remember: boolean;
} {
  if (isLocale(input.query)) return { locale: input.query, remember: input.query !== input.cookie };
  if (isLocale(input.cookie)) return { locale: input.cookie, remember: false };
  return { locale: localeFromAcceptLanguage(input.acceptLanguage) ?? 'en', remember: false };
}
