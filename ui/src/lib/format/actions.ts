/**
 * What a MeMo action is called in words people know, and which actions set a deadline.
 * Mirrors `ActionCode` in `crates/memo/src/model.rs`.
 */
import type { ActionCode, Language } from '../types';
import type { MessageKey } from '../i18n/da';
import { translate } from '../i18n/translate';

export const KNOWN_CODES = [
  'AFTALE',
  'BETALING',
  'SELVBETJENING',
  'INFORMATION',
  'UNDERSKRIV',
  'BEKRAEFT',
  'FORBEREDELSE',
  'TILMELDING',
] as const;

export type KnownCode = (typeof KNOWN_CODES)[number];

/** The code as the Rust side reads it: trimmed, upper case, BEKRÆFT as BEKRAEFT. */
export function knownCode(code: ActionCode): KnownCode | null {
  const c = code.trim().toLocaleUpperCase('da-DK').replace('Æ', 'AE');
  return (KNOWN_CODES as readonly string[]).includes(c) ? (c as KnownCode) : null;
}

/** "Aftale", "Betaling", …; a code Brevdue does not know is shown as written. */
export function actionCodeLabel(lang: Language, code: ActionCode): string {
  const known = knownCode(code);
  if (!known) return code.trim();
  return translate(lang, `todo.code.${known}` as MessageKey);
}

/**
 * Whether the action asks the recipient to do something, so that its end time is a
 * deadline. Information only informs; an appointment is not a task. Unknown codes count as
 * tasks: better a deadline too many than one missed (as `ActionCode::is_task` in Rust).
 */
export function isTask(code: ActionCode): boolean {
  const known = knownCode(code);
  return known !== 'INFORMATION' && known !== 'AFTALE';
}

/** The DKFDS icon for an action code. */
export function actionIcon(code: ActionCode): string {
  switch (knownCode(code)) {
    case 'AFTALE':
      return 'calendar-month';
    case 'BETALING':
      return 'payments';
    case 'UNDERSKRIV':
      return 'edit';
    case 'BEKRAEFT':
      return 'check';
    case 'FORBEREDELSE':
      return 'checklist';
    case 'TILMELDING':
      return 'how-to-reg';
    case 'SELVBETJENING':
      return 'laptop';
    case 'INFORMATION':
      return 'info';
    default:
      return 'assignment';
  }
}
