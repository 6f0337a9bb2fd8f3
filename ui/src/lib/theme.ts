/**
 * The DKFDS theme follows the mailbox: borger.dk's for a person's mailbox, Virk's for a
 * company's, so the user always sees whose post they read. Both stylesheets are loaded at
 * start and the inactive one gets `media="not all"` (it stays loaded but applies nowhere),
 * so a switch is instant.
 */
import type { OwnerType } from './types';

export type ThemeName = 'borgerdk' | 'virkdk';

let links: Record<ThemeName, HTMLLinkElement> | null = null;
/** The stylesheets that have loaded (or failed), which may be switched to. */
const usable = new Set<ThemeName>();
/** The theme the shown mailbox asks for. */
let wanted: ThemeName = 'borgerdk';

/**
 * Adds the two theme stylesheets to the page (once), the borger.dk one active. Resolves
 * when that one has loaded (or failed, or after 5 seconds), so the app never draws
 * unstyled; Virk's goes on loading beside the start, and a switch to it before it has loaded
 * waits for it (the page keeps borger.dk's look meanwhile).
 */
export function installThemes(urls: Record<ThemeName, string>): Promise<void> {
  if (links) return Promise.resolve();
  const make = (name: ThemeName): HTMLLinkElement => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = urls[name];
    link.dataset.theme = name;
    // Before our own styles, so that they extend DKFDS rather than lose to it.
    document.head.prepend(link);
    return link;
  };
  links = { virkdk: make('virkdk'), borgerdk: make('borgerdk') };
  applyTheme('CITIZEN');
  const loaded = (name: ThemeName): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        usable.add(name);
        if (wanted === name) useStylesheet(name);
        resolve();
      };
      links?.[name].addEventListener('load', done, { once: true });
      links?.[name].addEventListener('error', done, { once: true });
      setTimeout(done, 5000);
    });
  void loaded('virkdk');
  return loaded('borgerdk');
}

export function themeFor(owner: OwnerType): ThemeName {
  return owner === 'ORGANISATION' ? 'virkdk' : 'borgerdk';
}

/** Lets only `name`'s stylesheet apply. */
function useStylesheet(name: ThemeName): void {
  if (!links) return;
  links.borgerdk.media = name === 'borgerdk' ? 'all' : 'not all';
  links.virkdk.media = name === 'virkdk' ? 'all' : 'not all';
}

export function applyTheme(owner: OwnerType): void {
  const name = themeFor(owner);
  wanted = name;
  // borger.dk's is active from the start; another is switched to once it has loaded.
  if (name === 'borgerdk' || usable.has(name)) useStylesheet(name);
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = name;
}
