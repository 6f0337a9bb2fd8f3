/**
 * Looking up text in the translation tables: pure functions of the language, so that they
 * can be tested and used outside components. The reactive current language is in
 * `index.svelte.ts`.
 */
import { da, type MessageKey, type Translation } from './da';
import { en } from './en';
import type { Language } from '../types';

export const tables: Record<Language, Translation> = { da, en };

export type Params = Record<string, string | number>;

/** The bases of the keys that come as a `_one` / `_other` pair. */
export type PluralBase = {
  [K in MessageKey]: K extends `${infer B}_one` ? (`${B}_other` extends MessageKey ? B : never) : never;
}[MessageKey];

/** Fills `{name}` placeholders; a placeholder without a value is left as written. */
export function fill(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

export function translate(lang: Language, key: MessageKey, params?: Params): string {
  return fill(tables[lang][key], params);
}

const pluralRules: Record<Language, Intl.PluralRules> = {
  da: new Intl.PluralRules('da-DK'),
  en: new Intl.PluralRules('en-GB'),
};

/** The singular or plural text for `count`; `{count}` is filled in with the number. */
export function translatePlural(
  lang: Language,
  base: PluralBase,
  count: number,
  params?: Params,
): string {
  const form = pluralRules[lang].select(count) === 'one' ? 'one' : 'other';
  const key = `${base}_${form}` as MessageKey;
  return fill(tables[lang][key], { count: formatNumber(lang, count), ...params });
}

/** The locale tag for Intl in each language. English dates are British (day first). */
export function localeOf(lang: Language): string {
  return lang === 'da' ? 'da-DK' : 'en-GB';
}

export function formatNumber(lang: Language, n: number): string {
  return new Intl.NumberFormat(localeOf(lang)).format(n);
}

/**
 * The possessive of a name: Danish "Karens", "Lars'"; English "Karen's", "Lars'".
 */
export function genitive(lang: Language, name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') return trimmed;
  const last = trimmed.slice(-1).toLowerCase();
  if (lang === 'da') return /[sxz]/.test(last) ? `${trimmed}'` : `${trimmed}s`;
  return last === 's' ? `${trimmed}'` : `${trimmed}'s`;
}
