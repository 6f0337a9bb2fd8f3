/**
 * The state of the whole window: who is signed in, which mailbox, folder, view and message
 * are chosen, and the connection. Components read it and call its methods; only this module
 * and the components that load their own data call `ipc.call`.
 */
import { call, on, toAppError, type AppError } from '../ipc';
import { language, setLanguage, t, tp } from '../i18n/index.svelte';
import { applyTheme } from '../theme';
import { permissions } from '../access';
import type {
  AppInfo,
  Connectivity,
  Folder,
  Language,
  Mailbox,
  OpenedFile,
  Session,
  SortOrder,
  SyncProgress,
  UpdateInfo,
} from '../types';

export type View = 'folder' | 'agenda' | 'compose' | 'access-log';

export interface Notice {
  id: number;
  kind: 'success' | 'info' | 'error';
  text: string;
}

/** Where an update stands: found, being installed, installed (restart to use it). */
export type UpdateStep = 'found' | 'installing' | 'installed';

export interface OpenMessage {
  mailboxId: string;
  messageId: string;
}

/** What the compose view starts from. */
export interface ComposeRequest {
  reason: 'new' | 'reply' | 'forward';
  /** A draft to reopen. */
  draftId?: string;
  /** A contact point to write to (a deep link). */
  contactPointId?: string;
  /** The message a reply or forward is about (in the current mailbox). */
  messageId?: string;
  /** Bumped on every request, so that the view starts again even for the same one. */
  seq: number;
}

export interface ListQuery {
  search: string;
  unreadOnly: boolean;
  sort: SortOrder;
}

class AppState {
  /** What the app said about itself; null until it has answered. */
  info = $state<AppInfo | null>(null);
  /** The MeMo file the app was started with (file mode: no account, no server), else null. */
  file = $state<OpenedFile | null>(null);
  /** Set when the app cannot start (no backend): the code of the error. */
  fatal = $state<AppError | null>(null);
  session = $state<Session | null>(null);
  mailboxes = $state<Mailbox[]>([]);
  mailboxId = $state<string | null>(null);
  folders = $state<Folder[]>([]);
  folderId = $state<string | null>(null);
  view = $state<View>('folder');
  /** Why the compose view is shown: a new message, or a reply/forward of the open one. */
  composeReason = $state<'new' | 'reply' | 'forward'>('new');
  /** What compose starts from: a draft, a contact point, or the message answered. */
  composeRequest = $state<ComposeRequest>({ reason: 'new', seq: 0 });
  open = $state<OpenMessage | null>(null);
  query = $state<ListQuery>({ search: '', unreadOnly: false, sort: 'received_desc' });
  /** Bumped to make the message list fetch again (new mail, a move, a delete). */
  listVersion = $state(0);
  connectivity = $state<Connectivity>({ online: true, signedIn: true });
  sync = $state<SyncProgress | null>(null);
  notices = $state<Notice[]>([]);
  /** A newer signed build found at the update address, until the user puts it off. */
  update = $state<UpdateInfo | null>(null);
  updateStep = $state<UpdateStep>('found');
  /** The current time, ticking once a minute, so that "om 3 dage" stays true. */
  now = $state(new Date());

  private nextNoticeId = 1;
  private unlisten: (() => void)[] = [];

  get mailbox(): Mailbox | null {
    return this.mailboxes.find((m) => m.id === this.mailboxId) ?? null;
  }

  get folder(): Folder | null {
    return this.folders.find((f) => f.id === this.folderId) ?? null;
  }

  /** Starts the app: asks who is signed in, then loads the mailboxes. */
  async boot(): Promise<void> {
    try {
      const opened = await call('open_memo_file');
      if (opened) {
        setLanguage(opened.language === 'en' ? 'en' : 'da');
        this.file = opened;
        return;
      }
    } catch (e) {
      // Started with a file that is no readable MeMo: say so; there is no mailbox to show.
      this.fatal = toAppError(e);
      return;
    }
    try {
      const info = await call('app_info');
      setLanguage(info.language === 'en' ? 'en' : 'da');
      this.info = info;
      this.session = info.session;
      // A calm word when the local copy had to be fetched again; a cache from before
      // encryption is made anew silently (nothing went wrong).
      if (info.cacheRebuilt === 'damaged') this.notify('info', t('status.cacheRebuilt'));
      if (info.cacheRebuilt === 'keyLost') this.notify('info', t('status.cacheKeyLost'));
      await this.listen();
    } catch (e) {
      // Without app_info there is nothing to show but what went wrong.
      this.fatal = toAppError(e);
      return;
    }
    // Only when an update address is configured: otherwise the app asks nobody anything.
    if (this.info.updates) void this.checkForUpdate(false);
    if (this.session) {
      try {
        await this.loadMailboxes();
        await this.openStartLink();
      } catch (e) {
        this.fail(e);
      }
    }
    const timer = setInterval(() => (this.now = new Date()), 60_000);
    this.unlisten.push(() => clearInterval(timer));
  }

  private async listen(): Promise<void> {
    // All four at once: each is a round trip to the Rust side, and the start waits for them.
    this.unlisten.push(
      ...(await Promise.all([
        on('connectivity', (c) => {
          this.connectivity = c;
        }),
        on('sync-progress', (p) => {
          this.sync = p.total > 0 && p.done < p.total ? p : null;
          if (p.total > 0 && p.done >= p.total) void this.refresh();
        }),
        on('new-mail', (n) => {
          if (n.count > 0) this.notify('info', tp('status.newMail', n.count));
          void this.refresh();
        }),
        on('open-compose', (r) => {
          void this.composeTo(r.contactPointId);
        }),
      ])),
    );
  }

  async signIn(loginHint?: string): Promise<boolean> {
    try {
      this.session = await call('sign_in', loginHint ? { loginHint } : {});
      this.connectivity = { ...this.connectivity, signedIn: true };
      await this.loadMailboxes();
      await this.openStartLink();
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    }
  }

  async signOut(): Promise<void> {
    try {
      await call('sign_out');
    } catch (e) {
      this.fail(e);
      return;
    }
    this.session = null;
    this.mailboxes = [];
    this.mailboxId = null;
    this.folders = [];
    this.folderId = null;
    this.open = null;
    this.view = 'folder';
    applyTheme('CITIZEN');
  }

  async changeLanguage(lang: Language): Promise<void> {
    setLanguage(lang);
    try {
      await call('set_language', { language: lang });
    } catch (e) {
      this.fail(e);
    }
  }

  async loadMailboxes(): Promise<void> {
    this.mailboxes = await call('mailboxes');
    const keep = this.mailboxes.find((m) => m.id === this.mailboxId);
    const first = keep ?? this.mailboxes[0];
    if (first) await this.selectMailbox(first.id, { keepView: true });
  }

  /** Switches to a mailbox: its theme, its folders, its inbox. */
  async selectMailbox(id: string, opts: { keepView?: boolean; keepOpen?: boolean } = {}): Promise<void> {
    const mailbox = this.mailboxes.find((m) => m.id === id);
    if (!mailbox) return;
    const changed = this.mailboxId !== id;
    this.mailboxId = id;
    applyTheme(mailbox.ownerType);
    if (changed) {
      // The old mailbox's folders must not pair with the new mailbox while its own load:
      // the list would ask for a folder the new mailbox does not have.
      this.folders = [];
      this.folderId = null;
      if (!opts.keepOpen) this.open = null;
    }
    if (!opts.keepView) this.view = 'folder';
    try {
      const folders = await call('folders', { mailboxId: id });
      if (this.mailboxId !== id) return;
      this.folders = folders;
      if (changed || !folders.some((f) => f.id === this.folderId)) {
        this.folderId = (folders.find((f) => f.type === 'INBOX') ?? folders[0])?.id ?? null;
        this.query = { ...this.query, search: '', unreadOnly: false };
      }
    } catch (e) {
      this.fail(e);
    }
  }

  selectFolder(id: string): void {
    if (this.folderId !== id) {
      this.folderId = id;
      this.open = null;
      this.query = { ...this.query, search: '', unreadOnly: false };
    }
    this.view = 'folder';
  }

  showAgenda(): void {
    this.view = 'agenda';
  }

  /** "Hvem har læst min post": the access log of the current mailbox (its owner's only). */
  showAccessLog(): void {
    this.view = 'access-log';
  }

  compose(
    reason: 'new' | 'reply' | 'forward',
    opts: { draftId?: string; contactPointId?: string; messageId?: string } = {},
  ): void {
    this.composeReason = reason;
    this.composeRequest = { reason, ...opts, seq: this.composeRequest.seq + 1 };
    this.view = 'compose';
  }

  /** Opens compose for the contact point link the app was started with, if any. */
  private async openStartLink(): Promise<void> {
    const link = await call('take_compose_link');
    if (link) await this.composeTo(link.contactPointId);
  }

  /**
   * Opens compose for a contact point (a `brevdue://contact-point/<id>` link). When the
   * mailbox shown is read with read access, the first mailbox the user may write from is
   * chosen; with none, nothing opens.
   */
  async composeTo(contactPointId: string): Promise<void> {
    if (!this.session) return;
    const now = this.now;
    if (!permissions(this.mailbox, null, now).write) {
      const writable = this.mailboxes.find((m) => permissions(m, null, now).write);
      if (!writable) {
        this.notify('info', t('compose.cannotWrite'));
        return;
      }
      await this.selectMailbox(writable.id, { keepView: true });
    }
    this.compose('new', { contactPointId });
  }

  /** Opens a message, switching to its mailbox if need be (from the agenda). */
  async openMessage(mailboxId: string, messageId: string): Promise<void> {
    if (this.mailboxId !== mailboxId) await this.selectMailbox(mailboxId, { keepView: true, keepOpen: true });
    this.open = { mailboxId, messageId };
  }

  closeMessage(): void {
    this.open = null;
  }

  /** Reloads the folder counts and the list (after new mail, a move, a delete). */
  async refresh(): Promise<void> {
    this.listVersion++;
    const id = this.mailboxId;
    if (!id) return;
    try {
      const folders = await call('folders', { mailboxId: id });
      if (this.mailboxId === id) this.folders = folders;
    } catch (e) {
      this.fail(e);
    }
  }

  /** Adjusts a folder's unread count at once, before the server's own count arrives. */
  adjustUnread(folderId: string, delta: number): void {
    this.folders = this.folders.map((f) =>
      f.id === folderId ? { ...f, unread: Math.max(0, f.unread + delta) } : f,
    );
  }

  /**
   * Asks the update address for a newer build. At start (`manual` false) a failure is only
   * logged: an unreachable update address is no reason to disturb anyone. Asked for, the
   * answer (or the failure) is shown.
   */
  async checkForUpdate(manual: boolean): Promise<void> {
    try {
      const found = await call('check_for_update');
      if (found) {
        this.update = found;
        this.updateStep = 'found';
      } else if (manual) {
        this.notify('info', t('update.none', { version: this.info?.version ?? '' }));
      }
    } catch (e) {
      if (manual) this.fail(e);
      else console.warn('the update check failed', toAppError(e).message);
    }
  }

  /** Installs the update found, on the user's word; the signature is checked in Rust. */
  async installUpdate(): Promise<void> {
    this.updateStep = 'installing';
    try {
      await call('install_update');
      this.updateStep = 'installed';
    } catch (e) {
      this.updateStep = 'found';
      this.fail(e);
    }
  }

  async restartAfterUpdate(): Promise<void> {
    try {
      await call('restart_after_update');
    } catch (e) {
      this.fail(e);
    }
  }

  notify(kind: Notice['kind'], text: string): void {
    const id = this.nextNoticeId++;
    this.notices = [...this.notices.slice(-2), { id, kind, text }];
    if (kind !== 'error') setTimeout(() => this.dismiss(id), 8000);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  /** Tells the user, in plain words, what went wrong; returns the error. */
  fail(e: unknown): AppError {
    const err = toAppError(e);
    if (err.code === 'offline') this.connectivity = { ...this.connectivity, online: false };
    if (err.code === 'signed_out') this.connectivity = { ...this.connectivity, signedIn: false };
    this.notify(err.code === 'offline' ? 'info' : 'error', t(`error.${err.code}`));
    return err;
  }

  get language(): Language {
    return language();
  }
}

export const app = new AppState();
