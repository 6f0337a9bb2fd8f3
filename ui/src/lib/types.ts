/**
 * The data the UI receives from the Tauri commands, as JSON.
 *
 * One type, one place: the types below are generated from the Rust types by ts-rs
 * (`scripts/gen-types` writes `./generated/`; `scripts/test` fails when they are stale), and
 * only re-exported here. Timestamps are RFC 3339 strings in UTC, dates `YYYY-MM-DD`, UUIDs
 * lower-case strings, 64-bit integers numbers, `Option` is `T | null` (`field?: T | null`
 * where serde leaves a `None` out), `Vec` is an array.
 * 1. A MeMo message and its agenda: `brevdue_memo::Message` and `brevdue_memo::AgendaItem`.
 * 2. The app's own types (`src-tauri`): what the commands in `ipc.ts` take and return.
 * 3. The contact points and groups of the core's API (`brevdue_api::contacts`), and drafts.
 * Hand-written here only what has no Rust type of its own; each says why.
 *
 * Nothing here is trusted: every string may come from a hostile message.
 */

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
// 2. The app's own types (src-tauri/src, brevdue-desktop's `ts` feature)
// ---------------------------------------------------------------------------------------

export type { AccessType } from './generated/api/AccessType';
export type { AccessEntry } from './generated/app/AccessEntry';
export type { AccessEntryKind } from './generated/app/AccessEntryKind';
export type { FolderType } from './generated/api/FolderType';
export type { OwnerType } from './generated/api/OwnerType';
export type { AgendaEntry } from './generated/app/AgendaEntry';
export type { AppInfo } from './generated/app/AppInfo';
export type { Connectivity } from './generated/app/Connectivity';
export type { DemoIdentity } from './generated/app/DemoIdentity';
export type { ExportFolder } from './generated/app/ExportFolder';
export type { ExportProgress } from './generated/app/ExportProgress';
export type { ExportResult } from './generated/app/ExportResult';
export type { FileContent } from './generated/app/FileContent';
export type { FileKind } from './generated/app/FileKind';
export type { Folder } from './generated/app/Folder';
export type { Language } from './generated/app/Language';
export type { Mailbox } from './generated/app/Mailbox';
export type { MailboxAccess } from './generated/app/MailboxAccess';
export type { MessageDetail } from './generated/app/MessageDetail';
export type { MessagePage } from './generated/app/MessagePage';
export type { MessageSummary } from './generated/app/MessageSummary';
export type { NewMail } from './generated/app/NewMail';
export type { NextEvent } from './generated/app/NextEvent';
export type { OpenedFile } from './generated/app/OpenedFile';
export type { SavedFile } from './generated/app/SavedFile';
export type { Session } from './generated/app/Session';
export type { SortOrder } from './generated/app/SortOrder';
export type { SyncProgress } from './generated/app/SyncProgress';
export type { UpdateInfo } from './generated/app/UpdateInfo';

/**
 * How an export lays the letters out: a Maildir or an mbox per mailbox, or a folder per letter.
 * Hand-written: the app takes it as a plain string and parses it itself (`parse_format`).
 */
export type ExportFormat = 'maildir' | 'mbox' | 'files';

// ---------------------------------------------------------------------------------------
// 3. Writing to the public sector (crates/api contacts.rs, and the app's drafts)
// ---------------------------------------------------------------------------------------

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
  | 'authorityCvr'
  | 'authorityType'
  | 'name'
  | 'description'
  | 'infoText'
  | 'selfServiceUrl'
  | 'extraFields'
  | 'attachmentLimits'
  | 'groupIds'
>;

// The app's drafts (src-tauri/src/commands/compose.rs, attachments.rs)

export type { Addressee } from './generated/app/Addressee';
export type { Attachment } from './generated/app/Attachment';
export type { Draft } from './generated/app/Draft';
export type { DraftKind } from './generated/app/DraftKind';
export type { DraftSummary } from './generated/app/DraftSummary';
export type { ExtraFieldValue } from './generated/app/ExtraFieldValue';
export type { SendReceipt } from './generated/app/SendReceipt';
export type { ThreadEntry } from './generated/app/ThreadEntry';
