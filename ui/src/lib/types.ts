/**
 * The data the UI receives from the Tauri commands, as JSON.
 *
 * One type, one place: the types below are generated from the Rust types by ts-rs
 * (`scripts/gen-types` writes `./generated/`; `scripts/test` fails when they are stale), and
 * only re-exported here. Timestamps are RFC 3339 strings in UTC, dates `YYYY-MM-DD`, UUIDs
 * lower-case strings, 64-bit integers numbers, `Option` is `T | null` (`field?: T | null`
 * where serde leaves a `None` out), `Vec` is an array.
 * 1. A MeMo message and its agenda: `brevdue_memo::Message` and `brevdue_memo::AgendaItem`.
 * 2. The app's own types: what the commands in `ipc.ts` take and return.
 * 3. The contact points and groups of the core's API (`brevdue_api::contacts`).
 *
 * Nothing here is trusted: every string may come from a hostile message.
 */

import type { AgendaItem } from './generated/memo/AgendaItem';
import type { AgendaKind } from './generated/memo/AgendaKind';
import type { Message } from './generated/memo/Message';
import type { AuthorityType } from './generated/api/AuthorityType';
import type { ContactPoint as ApiContactPoint } from './generated/api/ContactPoint';

// ---------------------------------------------------------------------------------------
// 1. brevdue_memo: the message model and the agenda (crates/memo/src/model.rs, agenda.rs)
// ---------------------------------------------------------------------------------------

export type { Action } from './generated/memo/Action';
export type { ActionCode } from './generated/memo/ActionCode';
export type { AdditionalContentData } from './generated/memo/AdditionalContentData';
export type { AdditionalReplyData } from './generated/memo/AdditionalReplyData';
export type { Address } from './generated/memo/Address';
export type { AddressPoint } from './generated/memo/AddressPoint';
export type { AgendaItem } from './generated/memo/AgendaItem';
export type { AgendaKind } from './generated/memo/AgendaKind';
export type { AttentionData } from './generated/memo/AttentionData';
export type { AttentionPerson } from './generated/memo/AttentionPerson';
export type { CaseId } from './generated/memo/CaseId';
export type { ContactInfo } from './generated/memo/ContactInfo';
export type { ContactPoint } from './generated/memo/ContactPoint';
export type { ContentData } from './generated/memo/ContentData';
export type { ContentResponsible } from './generated/memo/ContentResponsible';
export type { CprData } from './generated/memo/CprData';
export type { CvrData } from './generated/memo/CvrData';
export type { Document } from './generated/memo/Document';
export type { DocumentKind } from './generated/memo/DocumentKind';
export type { Education } from './generated/memo/Education';
export type { EMail } from './generated/memo/EMail';
export type { Eid } from './generated/memo/Eid';
export type { File } from './generated/memo/File';
export type { FileId } from './generated/memo/FileId';
export type { ForwardData } from './generated/memo/ForwardData';
export type { FormData } from './generated/memo/FormData';
export type { GeneratingSystem } from './generated/memo/GeneratingSystem';
export type { GlobalLocationNumber } from './generated/memo/GlobalLocationNumber';
export type { KleData } from './generated/memo/KleData';
export type { Message } from './generated/memo/Message';
export type { MessageType } from './generated/memo/MessageType';
export type { MotorVehicle } from './generated/memo/MotorVehicle';
export type { ProductionUnit } from './generated/memo/ProductionUnit';
export type { Recipient } from './generated/memo/Recipient';
export type { ReplyData } from './generated/memo/ReplyData';
export type { Representative } from './generated/memo/Representative';
export type { Reservation } from './generated/memo/Reservation';
export type { SeNumber } from './generated/memo/SeNumber';
export type { Sender } from './generated/memo/Sender';
export type { SorData } from './generated/memo/SorData';
export type { Telephone } from './generated/memo/Telephone';

// ---------------------------------------------------------------------------------------
// 2. The app's own types
// ---------------------------------------------------------------------------------------

export type Language = 'da' | 'en';

export interface Session {
  /** The signed-in person's name. */
  name: string;
}

export interface AppInfo {
  version: string;
  demo: boolean;
  serverUrl: string;
  session: Session | null;
  language: Language;
}

export interface DemoIdentity {
  id: string;
  name: string;
  description: string;
}

export type OwnerType = 'CITIZEN' | 'ORGANISATION';
export type AccessType = 'OWNER' | 'PARTY_REPRESENTATIVE';

/** What the signed-in person may do in a mailbox. */
export interface MailboxAccess {
  accessType: AccessType;
  canDelete: boolean;
  canWrite: boolean;
  canReply: boolean;
  canForward: boolean;
  canMove: boolean;
  /** Also governs flagging: both are the reader's own markings. */
  canMarkRead: boolean;
  canCreateFolders: boolean;
  /** When a representative's access ends (RFC 3339), or null. */
  expires: string | null;
}

export interface Mailbox {
  id: string;
  ownerType: OwnerType;
  ownerName: string;
  access: MailboxAccess;
}

export type FolderType = 'INBOX' | 'SENT' | 'DRAFTS' | 'DELETED' | 'USER_DEFINED';

export interface Folder {
  id: string;
  type: FolderType;
  /** The name for USER_DEFINED folders; the UI names the system folders itself. */
  name: string;
  unread: number;
  total: number;
}

export type SortOrder = 'received_desc' | 'received_asc' | 'sender' | 'subject';

export interface MessageSummary {
  id: string;
  /** The subject. */
  label: string;
  senderLabel: string;
  receivedDateTime: string;
  read: boolean;
  flagged: boolean;
  /** The message holds at least one action. */
  hasActions: boolean;
  /**
   * The nearest coming appointment or deadline; when none is coming, the latest deadline
   * that has passed (so an overdue letter still stands out); null when the letter has none.
   */
  nextEvent: NextEvent | null;
  mandatory: boolean;
  legalNotification: boolean;
}

export interface NextEvent {
  kind: AgendaKind;
  /** The appointment's start, or the deadline. */
  at: string;
}

export interface MessagePage {
  /** How many messages match in all; `items` is the page at the asked offset. */
  total: number;
  items: MessageSummary[];
}

export interface MessageDetail {
  id: string;
  mailboxId: string;
  folderId: string;
  read: boolean;
  flagged: boolean;
  /** The server's version of the message's state, for `If-Match`. */
  version: string;
  receivedDateTime: string;
  memo: Message;
  agenda: AgendaItem[];
}

/** A MeMo file opened from disk (`brevdue-desktop FILE`): shown read-only, with no account. */
export interface OpenedFile {
  /** The file's name, without its folder. */
  name: string;
  language: Language;
  detail: MessageDetail;
}

export type FileKind = 'pdf' | 'text' | 'html' | 'image' | 'other';

export interface FileContent {
  kind: FileKind;
  mime: string;
  filename: string;
  size: number;
  /** For pdf and image. */
  base64?: string | null;
  /** For text. */
  text?: string | null;
  /** For html: sanitized by the Rust side before it gets here. */
  sanitizedHtml?: string | null;
}

export interface AgendaEntry {
  item: AgendaItem;
  mailboxId: string;
  mailboxName: string;
  messageId: string;
}

export interface SavedFile {
  savedTo: string;
}

/** How an export lays the letters out: a Maildir or an mbox per mailbox, or a folder per letter. */
export type ExportFormat = 'maildir' | 'mbox' | 'files';

/** A folder the user picked in the folder dialog Rust opened: a handle, and where it is. */
export interface ExportFolder {
  handle: string;
  path: string;
}

/** What an export did. */
export interface ExportResult {
  /** Letters written in this run (when cancelled: those written before it stopped). */
  written: number;
  /** Letters in the folder from an earlier run. */
  alreadyExported: number;
  /** Letters deleted on the server since the last sync, left out. */
  gone: number;
  /** Documents written in this run. */
  files: number;
  /** The export folder. */
  folder: string;
  /** The user stopped it; exporting to the same folder again completes it. */
  cancelled: boolean;
}

// Events

export interface SyncProgress {
  done: number;
  total: number;
}

/** How far an export has come: letters written of those to write in this run. */
export interface ExportProgress {
  done: number;
  total: number;
}

export interface Connectivity {
  online: boolean;
  signedIn: boolean;
}

export interface NewMail {
  mailboxId: string;
  count: number;
}

// Writing to the public sector (crates/api contacts.rs, and the app's drafts)

export type { AttachmentLimits } from './generated/api/AttachmentLimits';
export type { AuthorityType } from './generated/api/AuthorityType';
export type { ContactGroup } from './generated/api/ContactGroup';
export type { ExtraField } from './generated/api/ExtraField';

/** Every authority type, in the order they are offered (checked against the generated type below). */
export const AUTHORITY_TYPES = ['STATE', 'REGION', 'MUNICIPALITY', 'OTHER'] as const satisfies readonly AuthorityType[];
/** Fails to compile when Rust gains an authority type that `AUTHORITY_TYPES` lacks. */
const _allAuthorityTypes: Exclude<AuthorityType, (typeof AUTHORITY_TYPES)[number]> extends never ? true : never = true;

/**
 * A contact point of an authority, as the core serves it (`brevdue_api::contacts::ContactPoint`):
 * the fields the UI uses, so that tests and the demo can build one without the rest.
 */
export type ContactPointInfo = Pick<
  ApiContactPoint,
  | 'id'
  | 'authorityId'
  | 'authorityName'
  | 'authorityType'
  | 'name'
  | 'description'
  | 'infoText'
  | 'selfServiceUrl'
  | 'extraFields'
  | 'attachmentLimits'
  | 'groupIds'
>;

/**
 * A file chosen to attach: in Rust's file dialog or dropped on the window. The UI holds only
 * this opaque handle, the name and the size; Rust keeps the path.
 */
export interface Attachment {
  handle: string;
  name: string;
  size: number;
}

/** Who a message goes to: a contact point (writing, replying), a person or a company (forwarding). */
export type Addressee =
  | { kind: 'contactPoint'; id: string; label: string }
  | { kind: 'cpr'; id: string }
  | { kind: 'cvr'; id: string };

export type DraftKind = 'new' | 'reply' | 'forward';

/** A message being written. Saved as the user types; survives a restart. */
export interface Draft {
  /** Null until it was saved the first time. */
  id: string | null;
  mailboxId: string;
  kind: DraftKind;
  /** The message a reply answers or a forward passes on (in `mailboxId`). */
  originalMessageId: string | null;
  authorityType: AuthorityType | null;
  recipient: Addressee | null;
  subject: string;
  body: string;
  /** The contact point's extra fields as filled in, in its order (at most 2, never required). */
  extraFields: ExtraFieldValue[];
  attachments: Attachment[];
  /** When it was last saved (RFC 3339); set by Rust. */
  updated?: string | null;
}

/** One extra field as the user filled it in. */
export interface ExtraFieldValue {
  label: string;
  value: string;
}

/** A draft in the list of drafts. */
export interface DraftSummary {
  id: string;
  kind: DraftKind;
  subject: string;
  recipientLabel: string | null;
  updated: string;
}

/** What `send_message` did: sent now, or queued in the outbox (offline) to be sent once. */
export interface SendReceipt {
  /** The messageUUID the client made; the core accepts it once. */
  messageUuid: string;
  queued: boolean;
}

/** One message of a conversation, for the thread in the message view. */
export interface ThreadEntry {
  messageId: string;
  label: string;
  senderLabel: string;
  receivedDateTime: string;
  /** True for what this mailbox sent. */
  sent: boolean;
}
