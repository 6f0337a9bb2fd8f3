/**
 * The current language, and `t` / `tp` that read it, so that every text in the UI follows a
 * language switch at once.
 */
import type { MessageKey } from './da';
import type { Language } from '../types';
import { translate, translatePlural, type Params, type PluralBase } from './translate';

export type { MessageKey } from './da';

const current = $state<{ lang: Language }>({ lang: 'da' });

export function language(): Language {
  return current.lang;
}

export function setLanguage(lang: Language): void {
  current.lang = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/** The text for `key` in the current language. */
export function t(key: MessageKey, params?: Params): string {
  return translate(current.lang, key, params);
}

/** The singular or plural text for `count` in the current language. */
export function tp(base: PluralBase, count: number, params?: Params): string {
  return translatePlural(current.lang, base, count, params);
}
