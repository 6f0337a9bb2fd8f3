/**
 * How folders are named and shown: the system folders by their translated names, a
 * folder of the user's own by the name it was given.
 */
import type { Folder, Language } from './types';
import type { MessageKey } from './i18n/da';
import { translate } from './i18n/translate';

export function folderName(lang: Language, f: Pick<Folder, 'type' | 'name'>): string {
  return f.type === 'USER_DEFINED' ? f.name : translate(lang, `folder.${f.type}` as MessageKey);
}

export function folderIcon(f: Pick<Folder, 'type'>): string {
  switch (f.type) {
    case 'INBOX':
      return 'email';
    case 'SENT':
      return 'send';
    case 'DRAFTS':
      return 'edit';
    case 'DELETED':
      return 'delete';
    default:
      return 'folder';
  }
}
