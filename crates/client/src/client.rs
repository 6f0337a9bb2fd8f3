//! The [`Client`] facade: what the app and the command line call. See the crate
//! documentation for the list of operations.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use brevdue_api::{AccessLogEntry, FolderType, Mailbox};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tokio::sync::{Mutex, RwLock, mpsc};
use url::Url;

use crate::api::Api;
use crate::auth::{Account, Authenticator, DemoIdentity, Session, SignedOut};
use crate::cache::{
    AgendaEntry, Cache, CachedMessage, FolderView, ListQuery, LocalChange, MessageListItem,
    Rebuilt, RowMarks,
};
use crate::credentials::CredentialStore;
use crate::error::{ClientError, ErrorKind, Result};
use crate::sync::{self, BackgroundSync, Progress, SyncEvent, SyncReport};

mod write;

/// The file in the data folder that says who is signed in (no secrets).
const ACCOUNTS_FILE: &str = "accounts.json";
/// How many entries of an access log [`Client::access_log`] returns at most.
pub const ACCESS_LOG_LIMIT: u32 = 500;
/// The folder in the data folder that holds one cache folder per account.
const CACHES_DIR: &str = "accounts";

/// How to set up a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Where the caches and the list of accounts live (e.g. the app's data folder).
    pub data_dir: PathBuf,
    /// The core's base URL.
    pub server: Url,
    /// The program's OAuth client id ([`crate::auth::CLIENT_ID_DESKTOP`] or
    /// [`crate::auth::CLIENT_ID_CLI`]).
    pub client_id: String,
}

/// The parts that exist while somebody is signed in.
#[derive(Debug, Clone)]
struct SignedIn {
    session: Session,
    api: Api,
    cache: Cache,
}

/// Brevdue's viewing client for one server: sign-in, the cache, sync, and changes.
#[derive(Debug)]
pub struct Client {
    config: ClientConfig,
    http: reqwest::Client,
    auth: Authenticator,
    signed_in: RwLock<Option<SignedIn>>,
    /// One sync at a time.
    sync_lock: Arc<Mutex<()>>,
    /// Where each account's cache key lives (next to its refresh token).
    store: CredentialStore,
    /// Why the cache was made anew when it was last opened, until the app has asked
    /// ([`Client::take_cache_rebuilt`]).
    cache_rebuilt: std::sync::Mutex<Option<Rebuilt>>,
}

impl Client {
    /// Sets up the client and, when an account was signed in on this server before, resumes
    /// it from the secret store (no network needed: the cache opens at once).
    pub async fn open(config: ClientConfig) -> Result<Self> {
        let http = crate::http::http_client()?;
        let auth = Authenticator::new(
            http.clone(),
            config.server.clone(),
            &config.client_id,
            CredentialStore::new(),
        )?;
        let client = Client {
            config,
            http,
            auth,
            signed_in: RwLock::new(None),
            sync_lock: Arc::new(Mutex::new(())),
            store: CredentialStore::new(),
            cache_rebuilt: std::sync::Mutex::new(None),
        };
        let accounts = read_accounts(&client.config.data_dir).await?;
        let server = crate::credentials::normalize_server(&client.config.server);
        if let Some(account) = accounts
            .iter()
            .find(|a| a.server == server && a.client_id == client.config.client_id)
        {
            match client.auth.resume(account).await {
                Ok(session) => client.enter(session).await?,
                Err(error) if error.kind() == ErrorKind::SignInRequired => {
                    tracing::info!("the stored sign-in is gone; signing in is needed");
                }
                // Without the secret store nobody can be signed in; the client still opens,
                // and signing in says what is wrong.
                Err(error) if error.kind() == ErrorKind::SecretStore => {
                    tracing::warn!(%error, "the secret store cannot be reached");
                }
                Err(error) => return Err(error),
            }
        }
        Ok(client)
    }

    /// Why the signed-in account's cache was made anew when it was opened (damaged, its key
    /// lost, or from before encryption), once: the app shows a notice, then it is cleared.
    pub fn take_cache_rebuilt(&self) -> Option<Rebuilt> {
        self.cache_rebuilt.lock().ok().and_then(|mut r| r.take())
    }

    /// Closes the signed-in account's cache (its file fully written, the WAL folded in). The
    /// client is as if signed out afterwards; the sign-in stays stored and [`Client::open`]
    /// resumes it.
    pub async fn close(&self) {
        if let Some(signed_in) = self.signed_in.write().await.take() {
            let _sync = self.sync_lock.lock().await;
            signed_in.cache.close().await;
        }
    }

    /// Who is signed in, if anybody.
    pub async fn account(&self) -> Option<Account> {
        self.signed_in
            .read()
            .await
            .as_ref()
            .map(|s| s.session.account().clone())
    }

    /// The test provider's identities (demo mode).
    pub async fn demo_identities(&self) -> Result<Vec<DemoIdentity>> {
        self.auth.demo_identities().await
    }

    /// Signs in through the system browser; see [`Authenticator::sign_in_with_browser`].
    pub async fn sign_in_with_browser(
        &self,
        open_url: impl FnOnce(&Url) -> std::result::Result<(), String>,
        wait: Duration,
    ) -> Result<Account> {
        let session = self.auth.sign_in_with_browser(open_url, wait).await?;
        let account = session.account().clone();
        self.enter(session).await?;
        Ok(account)
    }

    /// Signs in as a demo identity without a browser.
    pub async fn sign_in_demo(&self, identity_id: &str) -> Result<Account> {
        let session = self.auth.sign_in_demo(identity_id).await?;
        let account = session.account().clone();
        self.enter(session).await?;
        Ok(account)
    }

    async fn enter(&self, session: Session) -> Result<()> {
        let account = session.account().clone();
        let (key, made) = self.store.cache_key_async(&account.key()).await?;
        let new_dir = self.cache_dir(&account);
        let mut cache = Cache::open(&new_dir, &key).await?;
        // Whether the last run closed the cache cleanly shows here: after a crash the whole
        // file was checked (the whole-system test reads this line).
        tracing::info!(
            checked_in_full = cache.checked_at_open(),
            "the cache is open"
        );
        if made && cache.rebuilt() == Some(Rebuilt::Damaged) {
            // The old cache was encrypted with a key that is no longer in the secret store.
            cache.set_rebuilt(Rebuilt::KeyLost);
        }
        if let Ok(mut noted) = self.cache_rebuilt.lock() {
            *noted = cache.rebuilt();
        }
        let api = Api::new(self.http.clone(), session.clone());
        let mut accounts = read_accounts(&self.config.data_dir).await?;
        // Written only when it changes: resuming must work on a full disk too (the cached
        // mail is still there to read).
        if accounts.first() != Some(&account) {
            accounts.retain(|a| !(a.server == account.server && a.client_id == account.client_id));
            accounts.insert(0, account);
            write_accounts(&self.config.data_dir, &accounts).await?;
        }
        let previous = self.signed_in.write().await.replace(SignedIn {
            session,
            api,
            cache,
        });
        if let Some(previous) = previous {
            if previous.cache.dir() == new_dir {
                // The same cache opened again (signed in again as the same person): its
                // check marker belongs to the new one now.
                previous.cache.pool().close().await;
            } else {
                previous.cache.close().await;
            }
        }
        Ok(())
    }

    /// Signs out: revokes the sign-in on the server (when it can be reached), deletes the
    /// refresh token and the cache key from the secret store, and deletes the account's cache
    /// (database and files). Each step is tried even when one before it failed (a secret store that cannot
    /// be reached must not leave the letters on disk); the first error is returned.
    pub async fn sign_out(&self) -> Result<SignedOut> {
        let Some(signed_in) = self.signed_in.write().await.take() else {
            return Err(ClientError::new(
                ErrorKind::SignInRequired,
                "nobody is signed in",
            ));
        };
        let _sync = self.sync_lock.lock().await;
        let result = signed_in.session.sign_out().await;
        signed_in.cache.close().await;
        let account = signed_in.session.account().clone();
        let dir = self.cache_dir(&account);
        let removed = match tokio::fs::remove_dir_all(&dir).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(ClientError::cache("the cache could not be deleted", e)),
        };
        let key_deleted = self
            .store
            .delete_cache_key_async(&account.key())
            .await
            .map(|_| ());
        let forgotten = async {
            let mut accounts = read_accounts(&self.config.data_dir).await?;
            accounts.retain(|a| a != &account);
            write_accounts(&self.config.data_dir, &accounts).await
        }
        .await;
        let result = result?;
        removed?;
        key_deleted?;
        forgotten?;
        Ok(result)
    }

    /// The cache folder of `account`: named by a hash, so no part of a URL or id becomes a
    /// path.
    fn cache_dir(&self, account: &Account) -> PathBuf {
        let digest = Sha256::digest(
            format!("{}\n{}\n{}", account.client_id, account.server, account.id).as_bytes(),
        );
        self.config
            .data_dir
            .join(CACHES_DIR)
            .join(&hex::encode(digest)[..24])
    }

    /// The accounts signed in with a data folder, the most recent first (no secrets: server,
    /// program, person id and name).
    pub async fn accounts_in(data_dir: &Path) -> Result<Vec<Account>> {
        read_accounts(data_dir).await
    }

    /// The client's configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The signed-in account's cache.
    pub(crate) async fn cache(&self) -> Result<Cache> {
        Ok(self.current().await?.cache)
    }

    async fn current(&self) -> Result<SignedIn> {
        self.signed_in
            .read()
            .await
            .clone()
            .ok_or_else(|| ClientError::new(ErrorKind::SignInRequired, "nobody is signed in"))
    }

    // ---- sync ----

    /// Syncs once: sends the outbox, pulls every mailbox's changes, fetches new messages.
    pub async fn sync(&self, progress: Option<mpsc::Sender<Progress>>) -> Result<SyncReport> {
        let s = self.current().await?;
        let _guard = self.sync_lock.lock().await;
        sync::sync_once(&s.api, &s.cache, progress.as_ref()).await
    }

    /// Starts syncing in the background every `interval`; events go to `events`.
    pub async fn start_background_sync(
        &self,
        interval: Duration,
        events: mpsc::Sender<SyncEvent>,
    ) -> Result<BackgroundSync> {
        let s = self.current().await?;
        Ok(sync::spawn(
            s.api,
            s.cache,
            self.sync_lock.clone(),
            interval,
            events,
        ))
    }

    /// Sends the outbox now if the server can be reached; being offline is no error here (the
    /// changes stay queued).
    async fn try_send(&self, s: &SignedIn) {
        let Ok(_guard) = self.sync_lock.try_lock() else {
            return; // a sync is running and sends the outbox itself
        };
        let mut report = SyncReport::default();
        if let Err(error) = sync::send_outbox(&s.api, &s.cache, &mut report).await {
            tracing::debug!(kind = %error.kind(), "the outbox waits for the server");
        }
    }

    // ---- reading (from the cache) ----

    /// The mailboxes the account may use.
    pub async fn mailboxes(&self) -> Result<Vec<Mailbox>> {
        self.current().await?.cache.mailboxes().await
    }

    /// The folders of a mailbox with their counts.
    pub async fn folders(&self, mailbox_id: &str) -> Result<Vec<FolderView>> {
        self.current().await?.cache.folders(mailbox_id).await
    }

    /// A page of messages.
    pub async fn messages(&self, query: &ListQuery) -> Result<Vec<MessageListItem>> {
        self.current().await?.cache.list_messages(query).await
    }

    /// What the list rows of `ids` show beyond their summary, from the cache alone (see
    /// [`RowMarks`]): a message not fetched yet has no marks, one not in the cache is absent.
    pub async fn row_marks(&self, ids: &[&str]) -> Result<HashMap<String, RowMarks>> {
        self.current().await?.cache.row_marks(ids).await
    }

    /// Messages matching `text`.
    pub async fn search(
        &self,
        text: &str,
        mailbox_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<MessageListItem>> {
        self.current()
            .await?
            .cache
            .search(text, mailbox_id, limit)
            .await
    }

    /// One message: from the cache; fetched first when its details are not cached yet (and
    /// the server can be reached).
    pub async fn message(&self, id: &str) -> Result<CachedMessage> {
        let s = self.current().await?;
        let cached =
            s.cache.message(id).await?.ok_or_else(|| {
                ClientError::new(ErrorKind::NotFound, "no such message in the cache")
            })?;
        if cached.detail.is_some() {
            return Ok(cached);
        }
        sync::fetch_message(&s.api, &s.cache, &cached.item.mailbox_id, id).await?;
        s.cache
            .message(id)
            .await?
            .ok_or_else(|| ClientError::new(ErrorKind::NotFound, "no such message in the cache"))
    }

    /// A file's content, from the cache (decrypted, see [`crate::sealed`]), fetched first
    /// when it is not there. The caller chooses the name to show or save it under (see
    /// `brevdue_memo::safe_name`).
    pub async fn file_content(
        &self,
        message_id: &str,
        document: usize,
        file: usize,
    ) -> Result<Vec<u8>> {
        let s = self.current().await?;
        let message = self.message(message_id).await?;
        let detail = message.detail.as_ref().ok_or_else(|| {
            ClientError::new(ErrorKind::NotFound, "the message has not been fetched")
        })?;
        let meta = detail
            .memo
            .file(brevdue_memo::FileId { document, file })
            .ok_or_else(|| ClientError::new(ErrorKind::NotFound, "no such file in the message"))?;
        sync::file_bytes(
            &s.api,
            &s.cache,
            &message.item.mailbox_id,
            message_id,
            &(document.to_string(), file.to_string()),
            &meta.sha256,
            meta.size,
        )
        .await
    }

    /// The appointments and deadlines of all mailboxes starting in `[from, to)`.
    pub async fn agenda(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<AgendaEntry>> {
        self.current().await?.cache.agenda(from, to).await
    }

    /// The agenda of `[from, to)` as an iCalendar file (`brevdue_memo::ics`).
    pub async fn export_ics(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<String> {
        let items: Vec<_> = self
            .agenda(from, to)
            .await?
            .into_iter()
            .map(|entry| entry.item)
            .collect();
        Ok(brevdue_memo::ics::to_ics(&items, Utc::now()))
    }

    // ---- changes (shown at once, sent now or when the server is back) ----

    /// Marks a message read or unread.
    pub async fn mark_read(&self, message_id: &str, read: bool) -> Result<()> {
        self.change(message_id, LocalChange::Read { read }).await
    }

    /// Flags or unflags a message.
    pub async fn set_flagged(&self, message_id: &str, flagged: bool) -> Result<()> {
        self.change(message_id, LocalChange::Flag { flagged }).await
    }

    /// Moves a message to another folder of its mailbox.
    pub async fn move_to(&self, message_id: &str, folder_id: &str) -> Result<()> {
        self.change(
            message_id,
            LocalChange::Move {
                folder_id: folder_id.to_owned(),
            },
        )
        .await
    }

    /// Deletes a message: moves it to DELETED, or, when it is there already, deletes it for
    /// good.
    pub async fn delete(&self, message_id: &str) -> Result<()> {
        let s = self.current().await?;
        let message =
            s.cache.message(message_id).await?.ok_or_else(|| {
                ClientError::new(ErrorKind::NotFound, "no such message in the cache")
            })?;
        let deleted = s
            .cache
            .system_folder(&message.item.mailbox_id, FolderType::Deleted)
            .await?
            .ok_or_else(|| {
                ClientError::new(ErrorKind::NotFound, "the mailbox has no DELETED folder")
            })?;
        let change = if message.item.folder_id == deleted {
            LocalChange::Purge
        } else {
            LocalChange::Move { folder_id: deleted }
        };
        self.change(message_id, change).await
    }

    async fn change(&self, message_id: &str, change: LocalChange) -> Result<()> {
        let s = self.current().await?;
        if let Some(mailbox) = self.mailbox_of(&s, message_id).await? {
            let p = mailbox.access.permissions;
            let allowed = match &change {
                LocalChange::Read { .. } => p.mark_read,
                LocalChange::Flag { .. } => p.flag,
                LocalChange::Move { .. } => p.move_messages,
                LocalChange::Purge => p.delete,
            };
            if !allowed {
                return Err(ClientError::new(
                    ErrorKind::Forbidden,
                    "the account may not do this in the mailbox",
                ));
            }
        }
        s.cache.queue_change(message_id, &change).await?;
        self.try_send(&s).await;
        Ok(())
    }

    async fn mailbox_of(&self, s: &SignedIn, message_id: &str) -> Result<Option<Mailbox>> {
        let Some(message) = s.cache.message(message_id).await? else {
            return Ok(None);
        };
        Ok(s.cache
            .mailboxes()
            .await?
            .into_iter()
            .find(|m| m.id == message.item.mailbox_id))
    }

    /// Makes a folder in a mailbox (online only) and returns its id; the cache learns it at
    /// once.
    pub async fn create_folder(&self, mailbox_id: &str, name: &str) -> Result<String> {
        let s = self.current().await?;
        let folder = s.api.create_folder(mailbox_id, name).await?;
        let folders = s.api.folders(mailbox_id).await?;
        s.cache.set_folders(mailbox_id, &folders).await?;
        Ok(folder.id)
    }

    /// How many changes and messages wait for the server.
    pub async fn pending_changes(&self) -> Result<usize> {
        let s = self.current().await?;
        Ok(s.cache.outbox().await?.len() + crate::outgoing::pending(&s.cache).await?)
    }

    // ---- the access log (online) ----

    /// What representatives listed and read in the mailbox `mailbox_id`, newest first (at
    /// most the newest [`ACCESS_LOG_LIMIT`] entries). Asked of the server each time, never
    /// cached. Only the mailbox's owner may see it: for a representative this is
    /// [`ErrorKind::Forbidden`]; offline it is [`ErrorKind::Offline`].
    pub async fn access_log(&self, mailbox_id: &str) -> Result<Vec<AccessLogEntry>> {
        let page = self
            .current()
            .await?
            .api
            .access_log(mailbox_id, 0, ACCESS_LOG_LIMIT)
            .await?;
        Ok(page.content)
    }
}

impl Drop for Client {
    /// Dropped without [`Client::close`] (the command line, an app that just exits), the
    /// cache is left as cleanly as closed: every write was committed (WAL), so the next open
    /// need not check the whole file (see [`crate::cache::CHECK_MARKER`]). A crash never
    /// gets here and leaves the marker.
    fn drop(&mut self) {
        if let Some(signed_in) = self.signed_in.get_mut() {
            signed_in.cache.mark_clean();
        }
    }
}

async fn read_accounts(data_dir: &Path) -> Result<Vec<Account>> {
    match tokio::fs::read(data_dir.join(ACCOUNTS_FILE)).await {
        Ok(bytes) => serde_json::from_slice(&bytes).or_else(|error| {
            // A damaged list only means signing in again; it is not worth failing over.
            tracing::warn!(%error, "the list of accounts is unreadable; ignoring it");
            Ok(Vec::new())
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(error) => Err(ClientError::cache(
            "the list of accounts cannot be read",
            error,
        )),
    }
}

async fn write_accounts(data_dir: &Path, accounts: &[Account]) -> Result<()> {
    let io = |e| ClientError::cache("the list of accounts cannot be written", e);
    tokio::fs::create_dir_all(data_dir).await.map_err(io)?;
    let json = serde_json::to_vec_pretty(accounts)
        .map_err(|e| ClientError::cache("the list of accounts cannot be written", e))?;
    let temp = data_dir.join(format!("{ACCOUNTS_FILE}.part"));
    tokio::fs::write(&temp, json).await.map_err(io)?;
    tokio::fs::rename(&temp, data_dir.join(ACCOUNTS_FILE))
        .await
        .map_err(io)
}
