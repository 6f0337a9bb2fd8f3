//! A real core (`brevdue-core`) on loopback with a real SQLite file and its built-in test
//! identity provider, which the tests can stop and start again on the same data folder and
//! port.

use std::net::SocketAddr;

use brevdue_core::auth::SystemRole;
use brevdue_core::{AppState, Config, RunningServer};
use brevdue_memo::{
    Action, ActionCode, Document, DocumentKind, File, FileId, MemorySink, Message, MessageType,
    Recipient, Reservation, Sender,
};
use chrono::{DateTime, Duration, Utc};
use tempfile::TempDir;
use uuid::Uuid;

pub const ANNA: &str = "p-anna";
pub const ANNA_CPR: &str = "0101701234";
pub const BO: &str = "p-bo";
pub const BO_CPR: &str = "0202702345";
const SENDER_SYSTEM: &str = "s-kommune-send";

pub struct TestCore {
    pub dir: TempDir,
    pub addr: SocketAddr,
    running: Option<RunningServer>,
}

impl TestCore {
    /// A core with Anna and Bo, a municipality and its sender system.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let running = brevdue_core::start(Self::config(&dir, "127.0.0.1:0".parse().unwrap()))
            .await
            .unwrap();
        let core = TestCore {
            addr: running.addr(),
            dir,
            running: Some(running),
        };
        let seed = [
            "INSERT INTO persons (id, cpr, name, description) VALUES \
             ('p-anna', '0101701234', 'Anna Andersen', 'borger'), \
             ('p-bo', '0202702345', 'Bo Berg', 'borger')",
            "INSERT INTO authorities (id, cvr, name, authority_type) VALUES \
             ('a-kommune', '29189846', 'Testrup Kommune', 'MUNICIPALITY')",
        ];
        for sql in seed {
            sqlx::query(sql).execute(&core.state().db).await.unwrap();
        }
        brevdue_core::auth::systems::register(
            &core.state().db,
            SENDER_SYSTEM,
            "a-kommune",
            SystemRole::Sender,
            "Kommunens brevsystem",
        )
        .await
        .unwrap();
        core
    }

    /// A core with the demo world (the people, companies, authorities and letters of
    /// `brevdue serve --demo`) and nothing else.
    pub async fn start_demo() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let running = brevdue_core::start(Self::config(&dir, "127.0.0.1:0".parse().unwrap()))
            .await
            .unwrap();
        brevdue_core::demo::seed(running.state(), Utc::now())
            .await
            .unwrap();
        TestCore {
            addr: running.addr(),
            dir,
            running: Some(running),
        }
    }

    fn config(dir: &TempDir, listen: SocketAddr) -> Config {
        let mut config = Config::new(dir.path().join("core"));
        config.listen = listen;
        config.test_provider = true;
        config
    }

    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}", self.addr)).unwrap()
    }

    pub fn state(&self) -> &AppState {
        self.running.as_ref().expect("the core is running").state()
    }

    /// Stops the core: no more connections, the database closed.
    pub async fn stop(&mut self) {
        let running = self.running.take().expect("the core is running");
        running.shutdown().await.unwrap();
    }

    /// Starts the core again on the same data folder and port.
    pub async fn restart(&mut self) {
        for attempt in 0.. {
            match brevdue_core::start(Self::config(&self.dir, self.addr)).await {
                Ok(running) => {
                    self.running = Some(running);
                    return;
                }
                Err(error) if attempt < 50 => {
                    eprintln!("restarting on {}: {error}", self.addr);
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(error) => panic!("cannot restart on {}: {error}", self.addr),
            }
        }
    }

    /// An access token of the core for `person`, as the tests' own way into the API.
    pub async fn token(&self, person: &str) -> String {
        self.state()
            .auth
            .issue_person_tokens("brevdue-cli", person)
            .await
            .unwrap()
            .access_token
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
        // The core's flags are read through `Flag` (its database may hand back 0/1 or a boolean).
        type Row = (i64, brevdue_core::db::Flag, brevdue_core::db::Flag, String);
        let (version, read, flagged, folder): Row =
            sqlx::query_as("SELECT version, read, flagged, folder_id FROM messages WHERE id = $1")
                .bind(id)
                .fetch_one(&self.state().db)
                .await
                .unwrap();
        (version, read.0, flagged.0, folder)
    }

    /// Whether `access` is accepted by the core (asked at `/oauth/userinfo`).
    pub async fn access_is_live(&self, access: &str) -> bool {
        let response = reqwest::Client::new()
            .get(format!("http://{}/oauth/userinfo", self.addr))
            .bearer_auth(access)
            .send()
            .await
            .unwrap();
        match response.status().as_u16() {
            200 => true,
            401 => false,
            other => panic!("userinfo answered {other}"),
        }
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

impl TestCore {
    /// Files under `dir` holding any access or refresh token the core ever issued (it keeps
    /// their SHA-256 hashes): every 43-character base64url run in every file is hashed and
    /// looked up.
    pub async fn files_with_tokens(&self, dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        use sha2::{Digest, Sha256};
        let hashes: Vec<(String,)> = sqlx::query_as(
            "SELECT token_hash FROM auth_access_tokens UNION SELECT token_hash FROM auth_refresh_tokens",
        )
        .fetch_all(&self.state().db)
        .await
        .unwrap();
        assert!(!hashes.is_empty(), "the core issued no tokens");
        let hashes: std::collections::HashSet<String> = hashes.into_iter().map(|(h,)| h).collect();
        let is_b64 = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
        let mut found = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                let hit = bytes
                    .split(|b| !is_b64(b))
                    .filter(|run| run.len() >= 43)
                    .any(|run| {
                        run.windows(43)
                            .any(|w| hashes.contains(&hex::encode(Sha256::digest(w))))
                    });
                if hit {
                    found.push(path);
                }
            }
        }
        found
    }
}
