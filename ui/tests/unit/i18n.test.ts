import { describe, expect, it } from 'vitest';
import { da } from '../../src/lib/i18n/da';
import { en } from '../../src/lib/i18n/en';
import { fill, genitive, translatePlural } from '../../src/lib/i18n/translate';
import { ERROR_CODES } from '../../src/lib/ipc';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('the translation tables', () => {
  it('have exactly the same keys in Danish and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(da).sort());
  });

  it('have no empty text', () => {
    for (const [key, text] of [...Object.entries(da), ...Object.entries(en)]) {
      expect(text.trim(), key).not.toBe('');
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(da) as (keyof typeof da)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(da[key]));
    }
  });

  it('come in singular and plural pairs', () => {
    for (const key of Object.keys(da)) {
      if (key.endsWith('_one')) expect(Object.keys(da), key).toContain(key.replace(/_one$/, '_other'));
      if (key.endsWith('_other')) expect(Object.keys(da), key).toContain(key.replace(/_other$/, '_one'));
    }
  });

  it('have a text for every error code the commands can send', () => {
    for (const code of ERROR_CODES) expect(Object.keys(da)).toContain(`error.${code}`);
  });

  it('fill placeholders and leave unknown ones visible', () => {
    expect(fill('Hej {name}, {x}', { name: 'Karen' })).toBe('Hej Karen, {x}');
  });

  it('choose singular or plural and format the number', () => {
    expect(translatePlural('da', 'list.count', 1)).toBe('1 brev');
    expect(translatePlural('da', 'list.count', 100_000)).toBe('100.000 breve');
    expect(translatePlural('en', 'list.count', 100_000)).toBe('100,000 letters');
  });

  it('write the possessive of a name', () => {
    expect(genitive('da', 'Karen Hansen')).toBe('Karen Hansens');
    expect(genitive('da', 'Lars')).toBe("Lars'");
    expect(genitive('en', 'Karen')).toBe("Karen's");
    expect(genitive('en', 'Lars')).toBe("Lars'");
  });
});
