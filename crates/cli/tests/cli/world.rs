//! A real core with the demo world on a loopback port, started in the test's own runtime, and
//! the `brevdue` viewing-client commands run against it with a data folder of their own.
//! The test reads the core's truth over its REST API with a token it issues itself, never
//! through `brevdue-client`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use brevdue_core::demo::world::{self, SystemRole};
use brevdue_core::{Config, RunningServer};
use brevdue_memo::{Document, DocumentKind, File, FileId, MemorySink, Message, MessageType};
use chrono::Utc;
use serde_json::Value;
use tempfile::TempDir;

use crate::support::{Run, sha256};

/// The demo identity the tests sign in as.
pub(crate) const KAREN: &str = world::KAREN;

pub(crate) struct DemoCore {
    pub(crate) runtime: tokio::runtime::Runtime,
    core: Option<RunningServer>,
    pub(crate) url: String,
    /// The data folder of the `brevdue` commands (`--data-dir`).
    pub(crate) data: TempDir,
    _core_dir: TempDir,
    http: reqwest::Client,
    token: String,
}

impl DemoCore {
    /// A core with the demo world, listening on a free loopback port.
    pub(crate) fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let core_dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(core_dir.path().join("core"));
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.test_provider = true;
        let core = runtime.block_on(async {
            let core = brevdue_core::start(config).await.unwrap();
            brevdue_core::demo::seed(core.state(), Utc::now())
                .await
                .unwrap();
            core
        });
        let token = runtime.block_on(async {
            core.state()
                .auth
                .issue_person_tokens("brevdue-cli", KAREN)
                .await
                .unwrap()
                .access_token
        });
        DemoCore {
            url: format!("http://{}", core.addr()),
            runtime,
            core: Some(core),
            data: tempfile::tempdir().unwrap(),
            _core_dir: core_dir,
            http: reqwest::Client::new(),
            token,
        }
    }

    /// Runs `brevdue ARGS --server URL --data-dir DATA`.
    pub(crate) fn brevdue(&self, args: &[&str]) -> Run {
        let out = self
            .command(args)
            .stdin(Stdio::null())
            .output()
            .expect("run brevdue");
        Run {
            code: out.status.code().expect("exited, not killed by a signal"),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// The command `brevdue ARGS --server URL --data-dir DATA`, not started.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_brevdue"));
        command
            .args(args)
            .arg("--server")
            .arg(&self.url)
            .arg("--data-dir")
            .arg(self.data.path())
            .env("RUST_LOG", "warn");
        command
    }

    /// Signs in as Karen by the demo provider and syncs.
    pub(crate) fn sign_in_and_sync(&self) {
        let run = self.brevdue(&["login", "--demo-identity", KAREN]);
        run.expect_code(0);
        assert!(run.stdout.contains("Karen Holm"), "{run:#?}");
        self.brevdue(&["sync"]).expect_code(0);
    }

    /// `GET /apis/v1/...` as Karen: the JSON.
    pub(crate) fn api(&self, path: &str) -> Value {
        self.runtime.block_on(async {
            let response = self
                .http
                .get(format!("{}/apis/v1/{path}", self.url))
                .bearer_auth(&self.token)
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_success(),
                "{path}: {}",
                response.status()
            );
            response.json().await.unwrap()
        })
    }

    /// The bytes of a file as the core serves them.
    pub(crate) fn file_bytes(
        &self,
        mailbox: &str,
        id: &str,
        document: usize,
        file: usize,
    ) -> Vec<u8> {
        self.runtime.block_on(async {
            let response = self
                .http
                .get(format!(
                    "{}/apis/v1/mailboxes/{mailbox}/messages/{id}/documents/{document}/files/{file}/content",
                    self.url
                ))
                .bearer_auth(&self.token)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success(), "{}", response.status());
            response.bytes().await.unwrap().to_vec()
        })
    }

    /// Every message Karen sees outside DELETED, as the core has it: the message's JSON and
    /// its files' (name, SHA-256 of the bytes the core serves).
    pub(crate) fn truth(&self) -> Vec<Truth> {
        let mut all = Vec::new();
        for mailbox in self.api("mailboxes").as_array().unwrap() {
            let mailbox_id = mailbox["id"].as_str().unwrap();
            let folders = self.api(&format!("mailboxes/{mailbox_id}/folders"));
            let deleted: Vec<&str> = folders
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["folderType"] == "DELETED")
                .map(|f| f["id"].as_str().unwrap())
                .collect();
            for page in 0.. {
                let listed = self.api(&format!(
                    "mailboxes/{mailbox_id}/messages?page={page}&size=100"
                ));
                let items = listed["content"]
                    .as_array()
                    .unwrap_or_else(|| panic!("a page of messages: {listed}"))
                    .clone();
                for item in &items {
                    if deleted.contains(&item["folderId"].as_str().unwrap()) {
                        continue;
                    }
                    let id = item["id"].as_str().unwrap();
                    let detail = self.api(&format!("mailboxes/{mailbox_id}/messages/{id}"));
                    let mut files = Vec::new();
                    for (d, document) in detail["memo"]["documents"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .enumerate()
                    {
                        for (f, file) in document["files"].as_array().unwrap().iter().enumerate() {
                            let bytes = self.file_bytes(mailbox_id, id, d, f);
                            assert_eq!(sha256(&bytes), file["sha256"].as_str().unwrap());
                            files.push((
                                file["filename"].as_str().unwrap().to_owned(),
                                sha256(&bytes),
                            ));
                        }
                    }
                    all.push(Truth {
                        id: id.to_owned(),
                        label: detail["label"].as_str().unwrap().to_owned(),
                        message_uuid: detail["messageUUID"].as_str().unwrap().to_owned(),
                        received: detail["receivedDateTime"].as_str().unwrap().to_owned(),
                        files,
                    });
                }
                if items.len() < 100 {
                    break;
                }
            }
        }
        all
    }

    /// Delivers `n` letters to Karen from the municipality, each with a file of `size` bytes
    /// that are not text, so that exporting them takes a while.
    pub(crate) fn deliver_many(&self, n: usize, size: usize) {
        for i in 0..n {
            let bytes = crate::support::random_bytes(size, i as u64 + 1);
            self.deliver(
                &format!("Kopi af sagsakt nr. {i} – bilag ÆØÅ"),
                &format!("sagsakt-{i}-ærø.bin"),
                bytes,
                Vec::new(),
            );
        }
    }

    /// Delivers a letter to Karen asking her to pay within a week (a deadline in her agenda).
    pub(crate) fn deliver_deadline_letter(&self) {
        let due = Utc::now() + chrono::Duration::days(7);
        self.deliver(
            "Opkrævning af ejendomsskat",
            "opkraevning.txt",
            b"Betal senest om en uge.\n".to_vec(),
            vec![brevdue_memo::Action {
                label: "Betal ejendomsskatten".into(),
                action_code: brevdue_memo::ActionCode::Betaling,
                start_date_time: None,
                end_date_time: Some(due),
                reservation: None,
                entry_point: Some("https://betaling.example.dk/".into()),
            }],
        );
    }

    /// Routes a letter with one file to Karen, from a sender system of the demo world.
    fn deliver(
        &self,
        label: &str,
        filename: &str,
        bytes: Vec<u8>,
        actions: Vec<brevdue_memo::Action>,
    ) {
        let now = Utc::now();
        let world = world::world(now);
        let karen = world.persons.iter().find(|p| p.id == KAREN).unwrap();
        let system = world
            .systems
            .iter()
            .find(|s| s.role == SystemRole::Sender)
            .unwrap();
        let authority = world
            .authorities
            .iter()
            .find(|a| a.id == system.authority_id)
            .unwrap();
        let mut contents = MemorySink::default();
        contents.insert(
            FileId {
                document: 0,
                file: 0,
            },
            bytes.clone(),
        );
        let message = Message {
            memo_version: "1.2".into(),
            memo_sch_version: None,
            message_type: MessageType::DigitalPost,
            message_uuid: uuid::Uuid::new_v4(),
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
            sender: brevdue_memo::Sender {
                id: authority.cvr.into(),
                id_type: "CVR".into(),
                label: authority.name.into(),
                ..brevdue_memo::Sender::default()
            },
            recipient: brevdue_memo::Recipient {
                id: karen.cpr.into(),
                id_type: "CPR".into(),
                ..brevdue_memo::Recipient::default()
            },
            content_data: None,
            forward_data: None,
            reply_data: Vec::new(),
            created_date_time: Some(now),
            documents: vec![Document {
                kind: DocumentKind::Main,
                id: Some("akt-1".into()),
                label: Some(label.into()),
                files: vec![File {
                    filename: filename.into(),
                    encoding_format: "application/octet-stream".into(),
                    language: "da".into(),
                    size: bytes.len() as u64,
                    sha256: String::new(),
                }],
                actions,
            }],
        };
        let memo = brevdue_memo::to_vec(&message, &mut contents).unwrap();
        let state = self.core.as_ref().unwrap().state().clone();
        self.runtime.block_on(async {
            let accepted = brevdue_core::routing::accept_bytes(&state, system.id, &memo)
                .await
                .unwrap();
            assert!(accepted.created);
        });
    }
}

impl Drop for DemoCore {
    fn drop(&mut self) {
        if let Some(core) = self.core.take() {
            let _ = self.runtime.block_on(core.shutdown());
        }
    }
}

/// A message as the core has it.
#[derive(Debug, Clone)]
pub(crate) struct Truth {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) message_uuid: String,
    pub(crate) received: String,
    /// (the sender's file name, SHA-256 of the bytes), in document order.
    pub(crate) files: Vec<(String, String)>,
}

/// Reads a Maildir or an mbox with Python's `mailbox` and `email` modules and returns, per
/// message: its `X-Brevdue-Message-Id`, decoded subject, Message-ID, date, flags, body text
/// and attachments (file name, media type, size, SHA-256 of the decoded bytes).
pub(crate) fn read_with_python(kind: &str, path: &Path) -> Vec<Value> {
    let output = Command::new("python3")
        .arg("-c")
        .arg(PYTHON_READER)
        .arg(kind)
        .arg(path)
        .output()
        .expect("python3 must be installed");
    assert!(
        output.status.success(),
        "the Python reader failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&output.stdout).unwrap()
}

const PYTHON_READER: &str = r#"
import email, hashlib, json, mailbox, sys
from email import policy
kind, path = sys.argv[1], sys.argv[2]
box = mailbox.Maildir(path, create=False) if kind == "maildir" else mailbox.mbox(path, create=False)
out = []
for key in box.keys():
    raw = box.get_bytes(key)
    flags = box.get_message(key).get_flags()
    msg = email.message_from_bytes(raw, policy=policy.default)
    attachments = []
    for part in msg.iter_attachments():
        data = part.get_payload(decode=True)
        attachments.append({
            "filename": part.get_filename(),
            "contentType": part.get_content_type(),
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        })
    body = msg.get_body(preferencelist=("plain",))
    out.append({
        "id": str(msg["X-Brevdue-Message-Id"]),
        "subject": str(msg["Subject"]),
        "from": str(msg["From"]),
        "messageId": str(msg["Message-ID"]),
        "date": msg["Date"].datetime.isoformat(),
        "flags": flags,
        "defects": [str(d) for d in msg.defects],
        "body": body.get_content() if body is not None else None,
        "attachments": attachments,
    })
print(json.dumps(out))
"#;

/// Every file under `dir`, relative, sorted, with its size.
pub(crate) fn listing(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let size = std::fs::metadata(&path).unwrap().len();
                found.push((path.strip_prefix(dir).unwrap().to_path_buf(), size));
            }
        }
    }
    found.sort();
    found
}
