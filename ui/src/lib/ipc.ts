/**
 * The one door between the UI and the Rust side: every Tauri command the UI calls, with its
 * argument and result types, and the events it listens to.
 *
 * The UI never talks to the network; it calls these commands, and the commands call the
 * `client` crate. This file is the contract the Tauri shell implements.
 *
 * ## Calling convention
 * `call(name, args)` runs `invoke(name, args)`. Each key of `args` is one parameter of the
 * Rust command (Tauri maps the camelCase key `mailboxId` to the parameter `mailbox_id`).
 * Results are the serde JSON of the Rust types (camelCase), described in `types.ts`.
 *
 * ## Errors
 * A failing command rejects with `{ code, message }`. `code` is one of {@link ErrorCode}
 * (an enum on the Rust side too); `message` is for logs and bug reports only. The UI shows
 * the translated text for the code (`error.<code>` in the translation table) and never
 * matches on `message`. An unknown code is shown as the general error text.
 *
 * ## Commands
 * | command | args | result |
 * |---|---|---|
 * | `app_info` | – | {@link AppInfo} |
 * | `set_language` | `{ language }` | – (the Rust side remembers it) |
 * | `first_list_shown` | `{ pageMs, letters }` | – (once per page load, after the first list was drawn: the start's time goes to the app's log) |
 * | `demo_identities` | – | {@link DemoIdentity}[] (empty unless demo mode) |
 * | `sign_in` | `{ loginHint? }` | {@link Session}. Demo: `loginHint` is a demo identity id. Real server: the system browser opens for the login, and the promise settles when it is done. |
 * | `sign_out` | – | – |
 * | `mailboxes` | – | {@link Mailbox}[]: own first, then companies, then read access |
 * | `folders` | `{ mailboxId }` | {@link Folder}[] |
 * | `list_messages` | `{ mailboxId, folderId, search?, unreadOnly?, sort, offset, limit }` | {@link MessagePage} |
 * | `get_message` | `{ mailboxId, messageId }` | {@link MessageDetail} |
 * | `file_content` | `{ mailboxId, messageId, document, file }` | {@link FileContent}; HTML is sanitized in Rust |
 * | `mark_read` | `{ mailboxId, messageId, read }` | – |
 * | `set_flagged` | `{ mailboxId, messageId, flagged }` | – |
 * | `move_message` | `{ mailboxId, messageId, folderId }` | – |
 * | `delete_message` | `{ mailboxId, messageId }` | – (to DELETED; from DELETED for good) |
 * | `create_folder` | `{ mailboxId, name }` | {@link Folder} |
 * | `agenda` | – | {@link AgendaEntry}[] across all mailboxes, in time order |
 * | `export_ics` | `{ scope: 'all' \| { mailboxId, messageId, uid? } }` | {@link SavedFile} or null when the user cancels Rust's save dialog |
 * | `save_file` | `{ mailboxId, messageId, document, file }` | {@link SavedFile} or null (cancelled) |
 * | `print_message` | `{ mailboxId, messageId }` | – |
 * | `open_entry_point` | `{ url }` | – (Rust opens http and https only, in the system browser; the UI has asked the user first) |
 * | `search_contact_points` | `{ query, authorityType }` | {@link ContactPointInfo}[]: visible ones only, for the mailbox's kind of owner; every word must match a name or a search word, case-insensitive; at most 50 |
 * | `contact_groups` | `{ authorityType }` | {@link ContactGroup}[], parents before children |
 * | `group_contact_points` | `{ groupId }` | {@link ContactPointInfo}[] in that group (visible ones only) |
 * | `contact_point` | `{ id }` | {@link ContactPointInfo} (also for a deep link) |
 * | `pick_attachments` | – | {@link Attachment}[]: Rust opens the file dialog; empty when cancelled |
 * | `forget_attachment` | `{ handle }` | – (the user removed it) |
 * | `prepare_draft` | `{ mailboxId, kind, messageId }` | {@link Draft}, saved: a reply (to the sender, with ReplyData) or a forward (with ForwardData and the letter's files as attachments) |
 * | `save_draft` | `{ draft }` | {@link Draft} with its id and `updated` |
 * | `drafts` | `{ mailboxId }` | {@link DraftSummary}[], newest first |
 * | `draft` | `{ id }` | {@link Draft} |
 * | `delete_draft` | `{ id }` | – |
 * | `send_message` | `{ draft }` | {@link SendReceipt}. Rust checks everything again (recipient, lengths, the limits), writes the MeMo and sends it through the outbox (exactly once); the draft is deleted |
 * | `take_compose_link` | – | {@link ComposeRequest} or null: the `brevdue://contact-point/<id>` link the app was started with, once |
 * | `thread` | `{ mailboxId, messageId }` | {@link ThreadEntry}[]: the messages of its conversation, oldest first (just the message itself when alone) |
 * | `pick_export_folder` | – | {@link ExportFolder} or null (cancelled): Rust opens the folder dialog; only a folder picked so can be exported into |
 * | `start_export` | `{ format, mailboxId?, since?, folder }` | {@link ExportResult} when done or stopped. `format`: {@link ExportFormat}; no `mailboxId`: every mailbox the user can see; `since`: `YYYY-MM-DD`, from the start of that day in Danish time; `folder`: a handle from `pick_export_folder`. One export at a time; progress comes as `export-progress` |
 * | `cancel_export` | – | – (the export stops; what it wrote stays whole, and exporting again completes it) |
 * | `start_at_login` | – | `boolean`: whether the app starts when the user logs in (off until turned on) |
 * | `set_start_at_login` | `{ enabled }` | – |
 * | `check_for_update` | – | {@link UpdateInfo} or null: asks the update address (only when `AppInfo.updates`; else `invalid_input`) |
 * | `install_update` | – | –: downloads the build found, checks its signature (`bad_signature` when it does not verify: nothing is installed) and installs it; `not_installable` for a copy not installed from a package |
 * | `restart_after_update` | – | –: restarts into the version just installed |
 *
 * ## File mode
 * Started with a MeMo file (`brevdue-desktop FILE`, or opened from the file manager), the app
 * shows that one message read-only, with no account and no server. The UI asks first:
 * | command | args | result |
 * |---|---|---|
 * | `open_memo_file` | – | {@link OpenedFile}, or null when the app was started without a file; `bad_content` when the file is no readable MeMo |
 * | `memo_file_content` | `{ document, file }` | {@link FileContent}, as `file_content` |
 * | `save_memo_file` | `{ document, file }` | {@link SavedFile} or null (cancelled) |
 * | `export_memo_file_ics` | `{ uid? }` | {@link SavedFile} or null (cancelled) |
 * | `print_memo_file` | – | – |
 *
 * ## Events
 * | event | payload |
 * |---|---|
 * | `sync-progress` | {@link SyncProgress} |
 * | `connectivity` | {@link Connectivity} |
 * | `new-mail` | {@link NewMail} |
 * | `attachments-dropped` | {@link Attachment}[]: files the user dropped on the window (paths from the OS, kept by Rust) |
 * | `open-compose` | {@link ComposeRequest}: a `brevdue://contact-point/<id>` link was opened while the app ran |
 * | `export-progress` | {@link ExportProgress}: after each letter the export wrote (first `{ done: 0, total }`) |
 */

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  AccessEntry,
  AgendaEntry,
  Attachment,
  AuthorityType,
  ContactGroup,
  ContactPointInfo,
  Draft,
  DraftSummary,
  ExportFolder,
  ExportFormat,
  ExportProgress,
  ExportResult,
  SendReceipt,
  ThreadEntry,
  AppInfo,
  Connectivity,
  DemoIdentity,
  FileContent,
  Folder,
  Language,
  Mailbox,
  MessageDetail,
  MessagePage,
  NewMail,
  OpenedFile,
  SavedFile,
  Session,
  SortOrder,
  SyncProgress,
  UpdateInfo,
} from './types';
import type { ErrorCode as RustErrorCode } from './generated/app/ErrorCode';

/** The address of one file in one message. */
export interface FileAddress {
  mailboxId: string;
  messageId: string;
  document: number;
  file: number;
}

export interface MessageAddress {
  mailboxId: string;
  messageId: string;
}

export interface ListMessagesArgs {
  mailboxId: string;
  folderId: string;
  search?: string;
  unreadOnly?: boolean;
  sort: SortOrder;
  offset: number;
  limit: number;
}

export type IcsScope = 'all' | (MessageAddress & { uid?: string });

/** Every command: its arguments (`undefined` when it takes none) and its result. */
export interface Commands {
  app_info: { args: undefined; result: AppInfo };
  set_language: { args: { language: Language }; result: null };
  first_list_shown: { args: { pageMs: number; letters: number }; result: null };
  demo_identities: { args: undefined; result: DemoIdentity[] };
  sign_in: { args: { loginHint?: string }; result: Session };
  sign_out: { args: undefined; result: null };
  mailboxes: { args: undefined; result: Mailbox[] };
  folders: { args: { mailboxId: string }; result: Folder[] };
  list_messages: { args: ListMessagesArgs; result: MessagePage };
  get_message: { args: MessageAddress; result: MessageDetail };
  file_content: { args: FileAddress; result: FileContent };
  mark_read: { args: MessageAddress & { read: boolean }; result: null };
  set_flagged: { args: MessageAddress & { flagged: boolean }; result: null };
  move_message: { args: MessageAddress & { folderId: string }; result: null };
  delete_message: { args: MessageAddress; result: null };
  create_folder: { args: { mailboxId: string; name: string }; result: Folder };
  agenda: { args: undefined; result: AgendaEntry[] };
  access_log: { args: { mailboxId: string }; result: AccessEntry[] };
  export_ics: { args: { scope: IcsScope }; result: SavedFile | null };
  save_file: { args: FileAddress; result: SavedFile | null };
  print_message: { args: MessageAddress; result: null };
  open_entry_point: { args: { url: string }; result: null };
  start_at_login: { args: undefined; result: boolean };
  set_start_at_login: { args: { enabled: boolean }; result: null };
  open_memo_file: { args: undefined; result: OpenedFile | null };
  memo_file_content: { args: { document: number; file: number }; result: FileContent };
  save_memo_file: { args: { document: number; file: number }; result: SavedFile | null };
  export_memo_file_ics: { args: { uid?: string }; result: SavedFile | null };
  print_memo_file: { args: undefined; result: null };
  search_contact_points: { args: { query: string; authorityType: AuthorityType }; result: ContactPointInfo[] };
  contact_groups: { args: { authorityType: AuthorityType }; result: ContactGroup[] };
  group_contact_points: { args: { groupId: string }; result: ContactPointInfo[] };
  contact_point: { args: { id: string }; result: ContactPointInfo };
  pick_attachments: { args: undefined; result: Attachment[] };
  forget_attachment: { args: { handle: string }; result: null };
  prepare_draft: { args: { mailboxId: string; kind: 'reply' | 'forward'; messageId: string }; result: Draft };
  save_draft: { args: { draft: Draft }; result: Draft };
  drafts: { args: { mailboxId: string }; result: DraftSummary[] };
  draft: { args: { id: string }; result: Draft };
  delete_draft: { args: { id: string }; result: null };
  send_message: { args: { draft: Draft }; result: SendReceipt };
  thread: { args: MessageAddress; result: ThreadEntry[] };
  take_compose_link: { args: undefined; result: ComposeRequest | null };
  pick_export_folder: { args: undefined; result: ExportFolder | null };
  start_export: {
    args: { format: ExportFormat; mailboxId?: string; since?: string; folder: string };
    result: ExportResult;
  };
  cancel_export: { args: undefined; result: null };
  check_for_update: { args: undefined; result: UpdateInfo | null };
  install_update: { args: undefined; result: null };
  restart_after_update: { args: undefined; result: null };
}

/** Payload of `open-compose`: write to this contact point. */
export interface ComposeRequest {
  contactPointId: string;
}

export type CommandName = keyof Commands;

/** Every event the Rust side emits, and its payload. */
export interface Events {
  'sync-progress': SyncProgress;
  connectivity: Connectivity;
  'new-mail': NewMail;
  'attachments-dropped': Attachment[];
  'open-compose': ComposeRequest;
  'export-progress': ExportProgress;
}

/** The error codes a command may fail with. Mirrored by an enum on the Rust side. */
export const ERROR_CODES = [
  /** No network: cached mail is still readable; actions are queued. */
  'offline',
  /** The session ended; sign in again. */
  'signed_out',
  /** The message, folder or mailbox no longer exists. */
  'not_found',
  /** The access does not allow it (e.g. read access and delete). */
  'forbidden',
  /** Somebody else changed the message first; the UI reloads it. */
  'conflict',
  /** The arguments were refused, e.g. an empty folder name or a non-web address. */
  'invalid_input',
  /** The message or file could not be read (a broken MeMo file, a broken PDF). */
  'bad_content',
  /** The server failed. */
  'server',
  /** Writing or reading a local file failed. */
  'io',
  /** The UI runs outside the desktop app, so there is nobody to answer. */
  'no_backend',
  /** The message is bigger, or has more attachments, than the recipient accepts. */
  'too_large',
  /** The message may not be answered (the sender does not allow it, or the deadline passed). */
  'reply_closed',
  /** The disk is full: nothing was stored; it is tried again once there is room. */
  'disk_full',
  /** An update's signature does not verify against the app's key; nothing was installed. */
  'bad_signature',
  /** This copy of the app was not installed from a package and cannot update itself. */
  'not_installable',
  /** Anything else. */
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
/** Fails to compile when `ERROR_CODES` and the app's `ErrorCode` (src-tauri/src/error.rs) differ. */
const _sameErrorCodes: [Exclude<RustErrorCode, ErrorCode>, Exclude<ErrorCode, RustErrorCode>] extends [never, never]
  ? true
  : never = true;

/** A failed command, as the UI sees it. */
export class AppError extends Error {
  readonly code: ErrorCode;
  /** The code as sent, when it was not one we know (then `code` is `internal`). */
  readonly rawCode: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'AppError';
    this.rawCode = code;
    this.code = isErrorCode(code) ? code : 'internal';
  }
}

export function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/** Turns whatever a rejected `invoke` gave into an {@link AppError}. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') {
    const message = 'message' in e && typeof e.message === 'string' ? e.message : '';
    return new AppError(e.code, message);
  }
  return new AppError('internal', e instanceof Error ? e.message : String(e));
}

function hasBackend(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/** Calls a Tauri command. Rejects with an {@link AppError}. */
export async function call<C extends CommandName>(
  ...[cmd, args]: Commands[C]['args'] extends undefined
    ? [cmd: C, args?: undefined]
    : [cmd: C, args: Commands[C]['args']]
): Promise<Commands[C]['result']> {
  if (!hasBackend()) throw new AppError('no_backend', 'not running inside the desktop app');
  try {
    return await invoke<Commands[C]['result']>(cmd, args ?? {});
  } catch (e) {
    throw toAppError(e);
  }
}

/** Listens to one event; returns the function that stops listening. */
export async function on<E extends keyof Events>(
  event: E,
  handler: (payload: Events[E]) => void,
): Promise<UnlistenFn> {
  if (!hasBackend()) return () => {};
  return listen<Events[E]>(event, (e) => handler(e.payload));
}
