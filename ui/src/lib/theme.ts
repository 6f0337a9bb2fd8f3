/**
 * The DKFDS theme follows the mailbox: borger.dk's for a person's mailbox, Virk's for a
 * company's, so the user always sees whose post they read. Both stylesheets are loaded at
 * start and the inactive one gets `media="not all"` (it stays loaded but applies nowhere),
 * so a switch is instant.
 */
import type { OwnerType } from './types';

export type ThemeName = 'borgerdk' | 'virkdk';

let links: Record<ThemeName, HTMLLinkElement> | null = null;

/**
 * Adds the two theme stylesheets to the page (once), the borger.dk one active. Resolves
 * when they have loaded (or failed, or after 5 seconds), so the app never draws unstyled.
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
  const loaded = (link: HTMLLinkElement): Promise<void> =>
    new Promise((resolve) => {
      link.addEventListener('load', () => resolve(), { once: true });
      link.addEventListener('error', () => resolve(), { once: true });
      setTimeout(resolve, 5000);
    });
  return Promise.all([loaded(links.borgerdk), loaded(links.virkdk)]).then(() => undefined);
}

export function themeFor(owner: OwnerType): ThemeName {
  return owner === 'ORGANISATION' ? 'virkdk' : 'borgerdk';
}

export function applyTheme(owner: OwnerType): void {
  const name = themeFor(owner);
  if (links) {
    links.borgerdk.media = name === 'borgerdk' ? 'all' : 'not all';
    links.virkdk.media = name === 'virkdk' ? 'all' : 'not all';
  }
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = name;
}
