/**
 * The rules of writing a message that the UI checks before anything is sent (the Rust side
 * checks them again): the limits on attachments and size, the recipient, the lengths. Pure
 * functions, so that they can be tested without a window.
 */
import type { Attachment, AttachmentLimits, Draft, Addressee } from './types';
import type { MessageKey } from './i18n/da';

/** A message, attachments included, is at most 99.5 MB (decimal megabytes). */
export const MAX_MESSAGE_BYTES = 99_500_000;
/** The longest subject accepted. */
export const MAX_SUBJECT_CHARS = 200;
/** The longest message text accepted. */
export const MAX_BODY_CHARS = 50_000;
/** The longest value of an extra field. */
export const MAX_EXTRA_FIELD_CHARS = 200;
/** The most attachments any message may carry, whatever the contact point says. */
export const MAX_ATTACHMENTS = 50;
/** How long typing must pause before a search runs (ms). */
export const SEARCH_DEBOUNCE_MS = 250;
/** How long typing must pause before the draft is saved (ms). */
export const DRAFT_DEBOUNCE_MS = 800;

/** One thing that stops the message from being sent, as a text key and its values. */
export interface Problem {
  key: MessageKey;
  params?: Record<string, string | number>;
  /** The id of the field to fix, for the error summary's link. */
  field: string;
}

/** The size of text as UTF-8, as it will travel. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** The most bytes this message may have: the contact point's limit, never above 99.5 MB. */
export function byteLimit(limits: AttachmentLimits | null | undefined): number {
  const own = limits?.maxTotalBytes;
  return own && own > 0 ? Math.min(own, MAX_MESSAGE_BYTES) : MAX_MESSAGE_BYTES;
}

/** The most attachments this message may have. */
export function countLimit(limits: AttachmentLimits | null | undefined): number {
  const own = limits?.maxCount;
  return own !== null && own !== undefined && own >= 0 ? Math.min(own, MAX_ATTACHMENTS) : MAX_ATTACHMENTS;
}

/** The size of the message as the limits count it: the text and every attachment. */
export function messageBytes(draft: Pick<Draft, 'subject' | 'body' | 'attachments'>): number {
  return (
    utf8Bytes(draft.subject) + utf8Bytes(draft.body) + draft.attachments.reduce((sum, a) => sum + Math.max(0, a.size), 0)
  );
}

/** The problems with the attachments alone (shown as soon as a file is added). */
export function attachmentProblems(
  attachments: Attachment[],
  draft: Pick<Draft, 'subject' | 'body'>,
  limits: AttachmentLimits | null | undefined,
): Problem[] {
  const problems: Problem[] = [];
  const maxCount = countLimit(limits);
  if (attachments.length > maxCount) {
    problems.push({
      key: maxCount === 0 ? 'compose.problem.noAttachments' : 'compose.problem.tooMany',
      params: { max: maxCount, count: attachments.length, remove: attachments.length - maxCount },
      field: 'compose-attach',
    });
  }
  const limit = byteLimit(limits);
  const size = messageBytes({ ...draft, attachments });
  if (size > limit) {
    problems.push({
      key: limit < MAX_MESSAGE_BYTES ? 'compose.problem.tooBigHere' : 'compose.problem.tooBig',
      params: { max: limit, size },
      field: 'compose-attach',
    });
  }
  return problems;
}

/** A CPR number: 10 digits (a dash after the sixth is allowed and dropped). */
export function normaliseCpr(text: string): string | null {
  const t = text.trim().replace(/^(\d{6})-(\d{4})$/, '$1$2');
  return /^\d{10}$/.test(t) ? t : null;
}

/** A CVR number: 8 digits. */
export function normaliseCvr(text: string): string | null {
  const t = text.trim().replace(/\s/g, '');
  return /^\d{8}$/.test(t) ? t : null;
}

/** Every problem that stops the draft from being sent. */
export function sendProblems(draft: Draft, limits: AttachmentLimits | null | undefined): Problem[] {
  const problems: Problem[] = [];
  if (!validRecipient(draft.recipient)) {
    problems.push({ key: 'compose.problem.noRecipient', field: 'compose-recipient' });
  }
  const subject = draft.subject.trim();
  if (subject === '') problems.push({ key: 'compose.problem.noSubject', field: 'compose-subject' });
  else if ([...subject].length > MAX_SUBJECT_CHARS) {
    problems.push({ key: 'compose.problem.subjectTooLong', params: { max: MAX_SUBJECT_CHARS }, field: 'compose-subject' });
  }
  if (draft.kind !== 'forward' && draft.body.trim() === '' && draft.attachments.length === 0) {
    problems.push({ key: 'compose.problem.empty', field: 'compose-body' });
  }
  if ([...draft.body].length > MAX_BODY_CHARS) {
    problems.push({ key: 'compose.problem.bodyTooLong', params: { max: MAX_BODY_CHARS }, field: 'compose-body' });
  }
  draft.extraFields.forEach((f, i) => {
    if ([...f.value].length > MAX_EXTRA_FIELD_CHARS) {
      problems.push({
        key: 'compose.problem.extraTooLong',
        params: { max: MAX_EXTRA_FIELD_CHARS },
        field: `compose-extra-${i}`,
      });
    }
  });
  problems.push(...attachmentProblems(draft.attachments, draft, limits));
  return problems;
}

function validRecipient(r: Addressee | null): boolean {
  if (!r) return false;
  if (r.kind === 'cpr') return normaliseCpr(r.id) !== null;
  if (r.kind === 'cvr') return normaliseCvr(r.id) !== null;
  return r.id.trim() !== '';
}

/** Whether a draft holds anything worth keeping. */
export function hasContent(draft: Draft): boolean {
  return (
    draft.subject.trim() !== '' ||
    draft.body.trim() !== '' ||
    draft.attachments.length > 0 ||
    draft.extraFields.some((f) => f.value.trim() !== '') ||
    draft.recipient !== null
  );
}

/** What of a draft is saved: everything but its id and the time it was saved. */
export function draftContent(draft: Draft): string {
  const { id: _id, updated: _updated, ...rest } = draft;
  return JSON.stringify(rest);
}

/** A function that runs `fn` once typing has paused for `ms`; `flush` runs it at once. */
export function debounce<A extends unknown[]>(
  fn: (...args: A) => void,
  ms: number,
): { (...args: A): void; cancel: () => void; flush: () => void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: A | null = null;
  const run = (): void => {
    timer = null;
    const args = pending;
    pending = null;
    if (args) fn(...args);
  };
  const d = (...args: A): void => {
    pending = args;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  d.cancel = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    pending = null;
  };
  d.flush = (): void => {
    if (timer) clearTimeout(timer);
    run();
  };
  return d;
}

/** The info text's paragraphs (separated by blank lines). */
export function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** An empty draft in a mailbox. */
export function emptyDraft(mailboxId: string, kind: Draft['kind'] = 'new', originalMessageId: string | null = null): Draft {
  return {
    id: null,
    mailboxId,
    kind,
    originalMessageId,
    authorityType: null,
    recipient: null,
    subject: '',
    body: '',
    extraFields: [],
    attachments: [],
  };
}
