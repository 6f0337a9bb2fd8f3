//! A real core (`brevdue-core`) on loopback with a real SQLite file, which the tests can stop
//! and start again on the same data folder and port.
//!
//! The core's own sign-in is still a stand-in without HTTP endpoints (the `auth` branch brings
//! them), so the OAuth endpoints of [`super::oauth`] are mounted on the same server and mint
//! the core's own access tokens. Their state lives outside the core and so survives a restart,
//! as a real authorization server's database would; the core forgets its access tokens when it
//! stops, so after a restart the client meets a 401 and must refresh.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use brevdue_core::{AppState, Config};
use brevdue_memo::{
    Action, ActionCode, Document, DocumentKind, File, FileId, MemorySink, Message, MessageType,
    Recipient, Reservation, Sender,
};
use chrono::{DateTime, Duration, Utc};
use tempfile::TempDir;
use uuid::Uuid;

use super::oauth::{self, Mint, OAuthState};

pub const ANNA: &str = "p-anna";
pub const ANNA_CPR: &str = "0101701234";
pub const BO_CPR: &str = "0202702345";
const SENDER_SYSTEM: &str = "s-kommune-send";

pub struct TestCore {
    pub dir: TempDir,
    pub addr: SocketAddr,
    pub oauth: Arc<Mutex<OAuthState>>,
    /// The running core's sign-in, for minting tokens.
    auth: Arc<Mutex<Option<brevdue_core::auth::Auth>>>,
    running: Option<Running>,
}

struct Running {
    state: AppState,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl TestCore {
    /// A core with Anna and Bo, a municipality and its sender system.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut core = TestCore {
            dir,
            addr,
            oauth: Arc::new(Mutex::new(OAuthState::default())),
            auth: Arc::new(Mutex::new(None)),
            running: None,
        };
        core.run(listener).await;
        let seed = [
            "INSERT INTO persons (id, cpr, name) VALUES ('p-anna', '0101701234', 'Anna Andersen'), \
             ('p-bo', '0202702345', 'Bo Berg')",
            "INSERT INTO authorities (id, cvr, name, authority_type) VALUES \
             ('a-kommune', '29189846', 'Testrup Kommune', 'MUNICIPALITY')",
            "INSERT INTO systems (id, authority_id, role, name, secret_hash) VALUES \
             ('s-kommune-send', 'a-kommune', 'SENDER', 'Kommunens brevsystem', 'x')",
        ];
        for sql in seed {
            sqlx::query(sql).execute(&core.state().db).await.unwrap();
        }
        core
    }

    fn data_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("core")
    }

    async fn run(&mut self, listener: tokio::net::TcpListener) {
        let config = Config::new(self.data_dir());
        let state = brevdue_core::open_state(&config).await.unwrap();
        *self.auth.lock().unwrap() = Some(state.auth.clone());
        let auth = self.auth.clone();
        let mint: Mint = Arc::new(move |person| {
            let auth = auth.lock().unwrap().clone();
            Box::pin(async move { auth.unwrap().issue(&person).await.unwrap() })
        });
        let app = brevdue_core::router(state.clone()).merge(oauth::router(
            self.oauth.clone(),
            format!("http://{}", self.addr),
            mint,
        ));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        self.running = Some(Running { state, stop, task });
    }

    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}", self.addr)).unwrap()
    }

    pub fn state(&self) -> &AppState {
        &self.running.as_ref().expect("the core is running").state
    }

    /// Stops the core: no more connections, the database closed.
    pub async fn stop(&mut self) {
        let running = self.running.take().expect("the core is running");
        let _ = running.stop.send(());
        running.task.await.unwrap();
        running.state.db.close().await;
        *self.auth.lock().unwrap() = None;
    }

    /// Starts the core again on the same data folder and port.
    pub async fn restart(&mut self) {
        let mut tries = 0;
        let listener = loop {
            match tokio::net::TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(error) if tries < 50 => {
                    tries += 1;
                    eprintln!("rebinding {}: {error}", self.addr);
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(error) => panic!("cannot rebind {}: {error}", self.addr),
            }
        };
        self.run(listener).await;
    }

    /// A token of the core's own for `person`, as the tests' back door to the API.
    pub async fn token(&self, person: &str) -> String {
        self.state().auth.issue(person).await.unwrap()
    }

    /// Routes a MeMo from the municipality's sender system.
    pub async fn deliver(&self, memo: &[u8]) {
        let accepted = brevdue_core::routing::accept_bytes(self.state(), SENDER_SYSTEM, memo)
            .await
            .unwrap();
        assert!(accepted.created);
    }

    /// A message as the server holds it: (version, read, flagged, folder id).
    pub async fn server_message(&self, id: &str) -> (i64, bool, bool, String) {
        sqlx::query_as("SELECT version, read, flagged, folder_id FROM messages WHERE id = ?")
            .bind(id)
            .fetch_one(&self.state().db)
            .await
            .unwrap()
    }
}

/// A letter from the municipality to `cpr`: a plain-text main document saying `text`, and,
/// when `due` is given, a payment action due then and an appointment the day before.
pub fn letter(cpr: &str, label: &str, text: &str, due: Option<DateTime<Utc>>) -> Vec<u8> {
    let mut contents = MemorySink::default();
    contents.insert(
        FileId {
            document: 0,
            file: 0,
        },
        text.as_bytes().to_vec(),
    );
    let mut actions = Vec::new();
    if let Some(due) = due {
        actions.push(Action {
            label: "Betal regningen".into(),
            action_code: ActionCode::Betaling,
            start_date_time: None,
            end_date_time: Some(due),
            reservation: None,
            entry_point: Some("https://betaling.example.dk/".into()),
        });
        let start = due - Duration::days(1);
        actions.push(Action {
            label: "Møde på rådhuset".into(),
            action_code: ActionCode::Aftale,
            start_date_time: Some(start),
            end_date_time: Some(start + Duration::hours(1)),
            reservation: Some(Reservation {
                reservation_uuid: Uuid::new_v4(),
                abstract_: "Møde om ejendomsskat".into(),
                description: "Tag papirerne med".into(),
                location: "Rådhuset, lokale 2".into(),
                start_date_time: start,
                end_date_time: start + Duration::hours(1),
                organizer_mail: None,
                organizer_name: Some("Testrup Kommune".into()),
            }),
            entry_point: None,
        });
    }
    let message = Message {
        memo_version: "1.2".into(),
        memo_sch_version: None,
        message_type: MessageType::DigitalPost,
        message_uuid: Uuid::new_v4(),
        message_id: None,
        message_code: None,
        label: label.into(),
        notification: None,
        additional_notification: None,
        reply: false,
        reply_by_date_time: None,
        do_not_deliver_until_date: None,
        mandatory: false,
        legal_notification: false,
        post_type: None,
        sender: Sender {
            id: "29189846".into(),
            id_type: "CVR".into(),
            label: "Testrup Kommune".into(),
            ..Sender::default()
        },
        recipient: Recipient {
            id: cpr.into(),
            id_type: "CPR".into(),
            ..Recipient::default()
        },
        content_data: None,
        forward_data: None,
        reply_data: Vec::new(),
        created_date_time: Some(Utc::now()),
        documents: vec![Document {
            kind: DocumentKind::Main,
            id: Some("doc-0".into()),
            label: Some(label.into()),
            files: vec![File {
                filename: "brev.txt".into(),
                encoding_format: "text/plain".into(),
                language: "da".into(),
                size: text.len() as u64,
                sha256: String::new(),
            }],
            actions,
        }],
    };
    brevdue_memo::to_vec(&message, &mut contents).unwrap()
}
