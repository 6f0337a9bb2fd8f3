/**
 * The data the UI receives from the Tauri commands, as JSON.
 *
 * Two parts, both in this one file so that a later step can generate it from the Rust types
 * (ts-rs) and CI can tell when it is stale:
 * 1. A MeMo message and its agenda, mirroring `brevdue_memo::Message` and
 *    `brevdue_memo::AgendaItem` exactly as serde serializes them (camelCase, with the
 *    explicit renames such as `messageUUID`). Timestamps are RFC 3339 strings in UTC, dates
 *    `YYYY-MM-DD`, UUIDs lower-case strings, `Option` is `T | null`, `Vec` is an array.
 * 2. The app's own types: what the commands in `ipc.ts` take and return.
 *
 * Nothing here is trusted: every string may come from a hostile message.
 */

// ---------------------------------------------------------------------------------------
// 1. brevdue_memo: the message model (crates/memo/src/model.rs)
// ---------------------------------------------------------------------------------------

/** `messageType`: DIGITALPOST or NEMSMS; anything else kept as written. */
export type MessageType = 'DIGITALPOST' | 'NEMSMS' | (string & {});

/** `actionCode`: the known codes, or any other code as written. */
export type ActionCode =
  | 'AFTALE'
  | 'BETALING'
  | 'SELVBETJENING'
  | 'INFORMATION'
  | 'UNDERSKRIV'
  | 'BEKRAEFT'
  | 'FORBEREDELSE'
  | 'TILMELDING'
  | (string & {});

export interface Message {
  memoVersion: string;
  memoSchVersion: string | null;
  messageType: MessageType;
  messageUUID: string;
  messageID: string | null;
  messageCode: string | null;
  /** The subject. */
  label: string;
  notification: string | null;
  additionalNotification: string | null;
  /** May the recipient reply? */
  reply: boolean;
  replyByDateTime: string | null;
  /** Value date, `YYYY-MM-DD` (Danish time). */
  doNotDeliverUntilDate: string | null;
  mandatory: boolean;
  legalNotification: boolean;
  postType: string | null;
  sender: Sender;
  recipient: Recipient;
  contentData: ContentData | null;
  forwardData: ForwardData | null;
  replyData: ReplyData[];
  createdDateTime: string | null;
  /** Main document first in a valid message, then additional and technical documents. */
  documents: Document[];
}

export interface Sender {
  id: string;
  idType: string;
  idTypeLabel: string | null;
  label: string;
  attentionData: AttentionData | null;
  contactPoint: ContactPoint | null;
  representative: Representative | null;
}

export interface Recipient {
  id: string;
  idType: string;
  idTypeLabel: string | null;
  label: string | null;
  attentionData: AttentionData | null;
  contactPoint: ContactPoint | null;
}

export interface Representative {
  representativeID: string | null;
  idType: string | null;
  idTypeLabel: string | null;
  label: string | null;
}

export interface ContactPoint {
  contactGroup: string | null;
  contactPointID: string;
  label: string | null;
  contactInfo: ContactInfo[];
}

export interface ContactInfo {
  label: string;
  value: string;
}

export interface AttentionData {
  attentionPerson: AttentionPerson | null;
  productionUnit: ProductionUnit | null;
  globalLocationNumber: GlobalLocationNumber | null;
  email: EMail | null;
  seNumber: SeNumber | null;
  telephone: Telephone | null;
  eid: Eid | null;
  contentResponsible: ContentResponsible | null;
  generatingSystem: GeneratingSystem | null;
  sorData: SorData | null;
  address: Address | null;
  unstructuredAddress: string | null;
}

export interface AttentionPerson {
  personID: string | null;
  label: string | null;
}

export interface ProductionUnit {
  productionUnitNumber: string;
  productionUnitName: string | null;
}

export interface GlobalLocationNumber {
  globalLocationNumber: string;
  location: string | null;
}

export interface EMail {
  emailAddress: string;
  relatedAgent: string | null;
}

export interface SeNumber {
  seNumber: string;
  companyName: string | null;
}

export interface Telephone {
  telephoneNumber: string;
  relatedAgent: string | null;
}

export interface Eid {
  eid: string;
  label: string | null;
}

export interface ContentResponsible {
  contentResponsibleID: string | null;
  label: string | null;
}

export interface GeneratingSystem {
  generatingSystemID: string;
  label: string | null;
}

export interface SorData {
  sorIdentifier: string;
  entryName: string | null;
}

export interface Address {
  id: string | null;
  addressLabel: string | null;
  houseNumber: string | null;
  door: string | null;
  floor: string | null;
  co: string | null;
  zipCode: string | null;
  city: string | null;
  country: string | null;
  addressPoint: AddressPoint | null;
}

export interface AddressPoint {
  geographicEastingMeasure: string | null;
  geographicNorthingMeasure: string | null;
  geographicHeightMeasure: string | null;
}

export interface ContentData {
  cprData: CprData | null;
  cvrData: CvrData | null;
  motorVehicle: MotorVehicle | null;
  propertyNumber: string | null;
  caseID: CaseId | null;
  kleData: KleData | null;
  formData: FormData | null;
  productionUnit: ProductionUnit | null;
  education: Education | null;
  address: Address | null;
  unstructuredAddress: string | null;
  additionalContentData: AdditionalContentData[];
}

export interface CprData {
  cprNumber: string;
  name: string | null;
}

export interface CvrData {
  cvrNumber: string;
  companyName: string | null;
}

export interface MotorVehicle {
  licenseNumber: string;
  chassisNumber: string | null;
}

export interface CaseId {
  caseID: string;
  caseSystem: string;
}

export interface KleData {
  subjectKey: string;
  version: string;
  activityFacet: string | null;
  label: string;
}

export interface FormData {
  taskKey: string;
  version: string;
  activityFacet: string | null;
  label: string;
}

export interface Education {
  educationCode: string;
  educationName: string | null;
}

export interface AdditionalContentData {
  contentDataType: string | null;
  contentDataName: string;
  contentDataValue: string;
}

export interface ForwardData {
  messageUUID: string;
  originalMessageDateTime: string | null;
  originalSender: string;
  originalContentResponsible: string | null;
  originalRepresentative: string | null;
  contactPointID: string | null;
  comment: string | null;
}

export interface ReplyData {
  messageID: string | null;
  messageUUID: string;
  replyUUID: string | null;
  senderID: string | null;
  recipientID: string | null;
  caseID: string | null;
  contactPointID: string | null;
  generatingSystemID: string | null;
  comment: string | null;
  additionalReplyData: AdditionalReplyData[];
}

export interface AdditionalReplyData {
  label: string;
  value: string;
}

/** Which of the three document elements a document came from. */
export type DocumentKind = 'main' | 'additional' | 'technical';

export interface Document {
  kind: DocumentKind;
  id: string | null;
  label: string | null;
  /** Several files are renditions of the same document (e.g. PDF and plain text). */
  files: File[];
  actions: Action[];
}

export interface File {
  filename: string;
  /** The MIME type, e.g. `application/pdf`. */
  encodingFormat: string;
  language: string;
  /** Decoded size in bytes. */
  size: number;
  sha256: string;
}

/** Where a file sits in a message: indexes into `documents`, then `files`. */
export interface FileId {
  document: number;
  file: number;
}

export interface Action {
  label: string;
  actionCode: ActionCode;
  startDateTime: string | null;
  endDateTime: string | null;
  reservation: Reservation | null;
  /** As written in the message; not checked. */
  entryPoint: string | null;
}

export interface Reservation {
  reservationUUID: string;
  abstract: string;
  description: string;
  location: string;
  startDateTime: string;
  endDateTime: string;
  organizerMail: string | null;
  organizerName: string | null;
}

// ---------------------------------------------------------------------------------------
// brevdue_memo: the agenda (crates/memo/src/agenda.rs)
// ---------------------------------------------------------------------------------------

export type AgendaKind = 'appointment' | 'replyDeadline' | 'actionDeadline';

export interface AgendaItem {
  kind: AgendaKind;
  uid: string;
  title: string;
  /** When the appointment starts, or the deadline. */
  start: string;
  /** When the appointment ends; null for deadlines. */
  end: string | null;
  location: string | null;
  description: string | null;
  organizerName: string | null;
  organizerMail: string | null;
  /** The action's code; null for the reply deadline. */
  actionCode: ActionCode | null;
  entryPoint: string | null;
  messageUUID: string;
  messageLabel: string;
  senderLabel: string;
}

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

// Events

export interface SyncProgress {
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

/** The kind of public authority (brevdue_api::contacts::AuthorityType). */
export type AuthorityType = 'STATE' | 'REGION' | 'MUNICIPALITY' | 'OTHER';

export const AUTHORITY_TYPES: readonly AuthorityType[] = ['STATE', 'REGION', 'MUNICIPALITY', 'OTHER'];

/** An extra field a contact point asks for. Never mandatory. */
export interface ExtraField {
  label: string;
  helpText?: string | null;
}

export interface AttachmentLimits {
  /** At most this many attachments; absent: no limit of its own. */
  maxCount?: number | null;
  /** The message with its attachments may be at most this big (never above 99.5 MB). */
  maxTotalBytes: number;
}

/** A contact point of an authority, as the core serves it (the fields the UI uses). */
export interface ContactPointInfo {
  id: string;
  authorityId: string;
  authorityName: string;
  /** The authority's CVR number: a message to the contact point is addressed to it. */
  authorityCvr: string;
  authorityType: AuthorityType;
  name: string;
  description: string;
  /** Paragraphs separated by blank lines. */
  infoText: string;
  /** Shown clearly before the user writes; it never stops them from writing. */
  selfServiceUrl?: string | null;
  /** At most 2. */
  extraFields: ExtraField[];
  attachmentLimits: AttachmentLimits;
  groupIds: string[];
}

/** A contact group: a folder of contact points, never itself one. */
export interface ContactGroup {
  id: string;
  authorityId: string;
  parentId?: string | null;
  name: string;
  description: string;
  /** The names from the top group down, joined by `/`, e.g. `Borgerservice/Pas`. */
  path: string;
  /** 1 for a top group. */
  depth: number;
}

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
  /** `authorityCvr`: the contact point's authority, so that a message can wait in the outbox offline. */
  | { kind: 'contactPoint'; id: string; label: string; authorityCvr?: string }
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
