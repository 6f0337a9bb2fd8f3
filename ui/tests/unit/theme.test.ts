// The two DKFDS themes: the start waits only for borger.dk's stylesheet, and a switch to
// Virk's before it has loaded keeps borger.dk's look until it has (never an unstyled page).
import { describe, expect, it } from 'vitest';
import { applyTheme, installThemes } from '../../src/lib/theme';

describe('the themes', () => {
  it('start with borger.dk, and switch to Virk only once its stylesheet has loaded', async () => {
    let started = false;
    const ready = installThemes({ borgerdk: '/b.css', virkdk: '/v.css' }).then(() => (started = true));
    const link = (name: string): HTMLLinkElement => {
      const l = document.head.querySelector<HTMLLinkElement>(`link[data-theme=${name}]`);
      if (!l) throw new Error(`no ${name} stylesheet`);
      return l;
    };
    expect(link('borgerdk').media).toBe('all');
    expect(link('virkdk').media).toBe('not all');

    // The start goes on when borger.dk's has loaded, whatever Virk's is doing.
    await Promise.resolve();
    expect(started).toBe(false);
    link('borgerdk').dispatchEvent(new Event('load'));
    await ready;
    expect(started).toBe(true);

    // A company's mailbox before Virk's stylesheet is there: borger.dk's stays in force.
    applyTheme('ORGANISATION');
    expect(document.documentElement.dataset.theme).toBe('virkdk');
    expect(link('borgerdk').media).toBe('all');
    expect(link('virkdk').media).toBe('not all');
    link('virkdk').dispatchEvent(new Event('load'));
    expect(link('virkdk').media).toBe('all');
    expect(link('borgerdk').media).toBe('not all');

    // Back and forth at once, now that both are loaded.
    applyTheme('CITIZEN');
    expect(link('borgerdk').media).toBe('all');
    expect(link('virkdk').media).toBe('not all');
    applyTheme('ORGANISATION');
    expect(link('virkdk').media).toBe('all');
  });
});
