//! The test world: a real core on a loopback port with a real SQLite file in a temporary
//! folder (or a PostgreSQL database of its own, see `postgres`) and a manual clock; a cast of people, companies, authorities and systems; tokens;
//! and MeMo messages built with `brevdue_memo`'s writer.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use brevdue_core::auth::SystemRole;
use brevdue_core::{Clock, Config, RunningServer};
use brevdue_memo::{
    Document, DocumentKind, File, FileId, MemorySink, Message, MessageType, Recipient, Sender,
};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tempfile::TempDir;
use uuid::Uuid;

/// Friday 27 November 2026, 09:00 UTC (10:00 in Denmark).
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap()
}

// The cast. Person ids are also what a token is issued for.
pub const ALICE: &str = "p-alice"; // a citizen
pub const ALICE_CPR: &str = "0101801111";
pub const BOB: &str = "p-bob"; // employee of ACME with rights
pub const CAROL: &str = "p-carol"; // employee of ACME without rights
pub const DAVE: &str = "p-dave"; // Alice's representative, active, every folder
pub const DAVE_CPR: &str = "0202802222";
pub const ERIN: &str = "p-erin"; // Alice's representative, expired
pub const FRANK: &str = "p-frank"; // Alice's representative, limited to one folder
pub const MALLORY: &str = "p-mallory"; // a stranger
pub const ACME_CVR: &str = "12345678";
pub const KOMMUNE: &str = "a-kommune";
pub const KOMMUNE_CVR: &str = "29189846";
pub const SKAT_CVR: &str = "19552101";
pub const KOMMUNE_SENDER: &str = "s-kommune-send";
pub const SKAT_SENDER: &str = "s-skat-send";
pub const KOMMUNE_INBOX: &str = "s-kommune-recv"; // the authority's default recipient system
pub const KOMMUNE_PAS: &str = "s-kommune-pas"; // mapped for contact point cp-pas
pub const SKAT_RECEIVER: &str = "s-skat-recv";

pub struct World {
    pub server: RunningServer,
    pub dir: TempDir,
    pub http: reqwest::Client,
    pub clock: Clock,
    /// Each system's secret, from its registration.
    secrets: Mutex<HashMap<String, String>>,
    /// Access tokens already signed in, by subject.
    tokens: Mutex<HashMap<String, String>>,
}

/// The URL of `db` if it is PostgreSQL (`None`: SQLite in the data folder), to start another
/// core on the same database.
pub fn database_url(db: &brevdue_core::db::Db) -> Option<String> {
    let url = db.connect_options().database_url.clone();
    url.scheme()
        .starts_with("postgres")
        .then(|| url.to_string())
}

/// The public client the tests sign people in through.
pub const CLIENT: &str = "brevdue-cli";

impl World {
    pub async fn new() -> Self {
        Self::with(|_| {}).await
    }

    pub async fn with(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = Clock::manual(t0());
        let mut config = Config::new(dir.path().join("data"));
        config.clock = clock.clone();
        config.test_provider = true;
        config.database_url = crate::postgres::test_database_url();
        tweak(&mut config);
        let server = brevdue_core::start(config).await.unwrap();
        let world = Self {
            server,
            dir,
            // Sign-in answers with redirects that the tests read themselves.
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            clock,
            secrets: Mutex::new(HashMap::new()),
            tokens: Mutex::new(HashMap::new()),
        };
        world.seed().await;
        world
    }

    pub fn db(&self) -> &brevdue_core::db::Db {
        &self.server.state().db
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    async fn seed(&self) {
        let sql = [
            "INSERT INTO persons (id, cpr, name) VALUES \
             ('p-alice', '0101801111', 'Alice Andersen'), ('p-bob', '0101802222', 'Bob Berg'), \
             ('p-carol', '0101803333', 'Carol Cho'), ('p-dave', '0202802222', 'Dave Dahl'), \
             ('p-erin', '0101805555', 'Erin Eriksen'), ('p-frank', '0101806666', 'Frank Friis'), \
             ('p-mallory', '0101807777', 'Mallory Madsen')",
            "INSERT INTO companies (cvr, name) VALUES ('12345678', 'ACME ApS')",
            "INSERT INTO company_rights (person_id, cvr) VALUES ('p-bob', '12345678')",
            "INSERT INTO authorities (id, cvr, name, authority_type) VALUES \
             ('a-kommune', '29189846', 'Testrup Kommune', 'MUNICIPALITY'), \
             ('a-skat', '19552101', 'Skattestyrelsen', 'STATE')",
            "INSERT INTO authority_default_recipients (authority_id, system_id) VALUES \
             ('a-kommune', 's-kommune-recv')",
        ];
        let (identities, routes) = sql.split_at(4);
        for s in identities {
            sqlx::query(s).execute(self.db()).await.unwrap();
        }
        let systems = [
            (KOMMUNE_SENDER, "a-kommune", SystemRole::Sender),
            (SKAT_SENDER, "a-skat", SystemRole::Sender),
            (KOMMUNE_INBOX, "a-kommune", SystemRole::Recipient),
            (KOMMUNE_PAS, "a-kommune", SystemRole::Recipient),
            (SKAT_RECEIVER, "a-skat", SystemRole::Recipient),
        ];
        for (id, authority, role) in systems {
            let secret = brevdue_core::auth::systems::register(self.db(), id, authority, role, id)
                .await
                .unwrap();
            self.secrets.lock().unwrap().insert(id.to_owned(), secret);
        }
        for s in routes {
            sqlx::query(s).execute(self.db()).await.unwrap();
        }
        // Contact points through the contact structure import, as an authority uploads them.
        let contacts = brevdue_core::contacts::ContactPoints::new(self.db().clone());
        let structures = [
            (
                "a-kommune",
                "type;id;name;audiences;visibility;recipient_system_id\n\
              KONTAKTPUNKT;cp-pas;Pas;CITIZEN|COMPANY|AUTHORITY;VISIBLE;s-kommune-pas\n\
              KONTAKTPUNKT;cp-generel;Generelt;CITIZEN|COMPANY|AUTHORITY;VISIBLE;\n",
            ),
            (
                "a-skat",
                "type;id;name;audiences;visibility\n\
              KONTAKTPUNKT;cp-skat;Skat;CITIZEN|COMPANY|AUTHORITY;VISIBLE\n",
            ),
        ];
        for (authority, csv) in structures {
            contacts
                .import_csv(authority, csv.as_bytes(), false)
                .await
                .unwrap();
        }
    }

    /// An access token for `subject`, signed in through the real endpoints: a system with
    /// client credentials, a person with the authorization code flow, PKCE and `login_hint`.
    pub async fn token(&self, subject: &str) -> String {
        if let Some(t) = self.tokens.lock().unwrap().get(subject) {
            return t.clone();
        }
        let secret = self.secrets.lock().unwrap().get(subject).cloned();
        let token = match secret {
            Some(secret) => self.system_token(subject, &secret).await,
            None => self.person_token(subject).await,
        };
        self.tokens
            .lock()
            .unwrap()
            .insert(subject.to_owned(), token.clone());
        token
    }

    /// The secret of the system `id`, from its registration.
    pub fn secret(&self, id: &str) -> String {
        self.secrets.lock().unwrap().get(id).cloned().unwrap()
    }

    async fn system_token(&self, id: &str, secret: &str) -> String {
        let r = self
            .http
            .post(self.url("/oauth/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", secret),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    async fn person_token(&self, person_id: &str) -> String {
        let redirect = "http://127.0.0.1:50123/callback";
        let verifier = format!("{}-{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let r = self
            .http
            .post(self.url("/oauth/authorize"))
            .form(&[
                ("response_type", "code"),
                ("client_id", CLIENT),
                ("redirect_uri", redirect),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
                ("state", "st"),
                ("scope", "openid profile"),
                ("login_hint", person_id),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let location = reqwest::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
        let code = location
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .into_owned();
        let r = self
            .http
            .post(self.url("/oauth/token"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT),
                ("code", code.as_str()),
                ("redirect_uri", redirect),
                ("code_verifier", verifier.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// Revokes a person's token through the revocation endpoint.
    pub async fn revoke(&self, token: &str) {
        let r = self
            .http
            .post(self.url("/oauth/revoke"))
            .form(&[("token", token), ("client_id", CLIENT)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        self.tokens.lock().unwrap().retain(|_, t| t != token);
    }

    /// Sends a request with a bearer token and an optional JSON body.
    pub async fn call(
        &self,
        method: Method,
        token: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, token, path, None).await
    }

    /// POSTs a MeMo as `sender_token`.
    pub async fn post_memo(&self, sender_token: &str, memo: Vec<u8>) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(self.url("/apis/v1/memos"))
            .bearer_auth(sender_token)
            .header("content-type", "application/xml")
            .body(memo)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// Sends `memo` from the municipality and checks it was accepted.
    pub async fn deliver(&self, memo: &MemoSpec) -> Value {
        let token = self.token(KOMMUNE_SENDER).await;
        let (status, body) = self.post_memo(&token, memo.build()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// The id of `person`'s own mailbox (made on first look).
    pub async fn mailbox_of(&self, person: &str) -> String {
        let token = self.token(person).await;
        let (status, list) = self.get(&token, "/apis/v1/mailboxes").await;
        assert_eq!(status, StatusCode::OK);
        list.as_array()
            .unwrap()
            .iter()
            .find(|m| m["ownerType"] == "CITIZEN" && m["access"]["accessType"] == "OWNER")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The id of the folder of `folder_type` in `mailbox`.
    pub async fn folder(&self, token: &str, mailbox: &str, folder_type: &str) -> String {
        let (status, list) = self
            .get(token, &format!("/apis/v1/mailboxes/{mailbox}/folders"))
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        list.as_array()
            .unwrap()
            .iter()
            .find(|f| f["type"] == folder_type)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Counts rows of `table`.
    pub async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(self.db())
            .await
            .unwrap();
        n
    }

    /// Checks that the folder counts the database keeps match the messages it holds.
    pub async fn assert_counts_consistent(&self) {
        let kept: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT mailbox_id, folder_id, CAST(sender_public AS INTEGER), total, unread \
             FROM folder_counts \
             WHERE total <> 0 OR unread <> 0 ORDER BY 1, 2, 3",
        )
        .fetch_all(self.db())
        .await
        .unwrap();
        let counted: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT mailbox_id, folder_id, CAST(sender_public AS INTEGER), COUNT(*), \
             CAST(SUM(CASE WHEN read THEN 0 ELSE 1 END) AS BIGINT) FROM messages \
             WHERE visible = TRUE GROUP BY mailbox_id, folder_id, sender_public ORDER BY 1, 2, 3",
        )
        .fetch_all(self.db())
        .await
        .unwrap();
        assert_eq!(
            kept, counted,
            "kept folder counts drifted from the messages"
        );
    }

    /// Files in the data folder's `tmp/` (leftovers of a request).
    pub fn tmp_files(&self) -> usize {
        std::fs::read_dir(self.dir.path().join("data/tmp"))
            .unwrap()
            .count()
    }

    /// Files in the blob store.
    pub fn blob_count(&self) -> usize {
        let root = self.dir.path().join("data/blobs");
        std::fs::read_dir(&root)
            .unwrap()
            .map(|d| std::fs::read_dir(d.unwrap().path()).unwrap().count())
            .sum()
    }
}

/// A MeMo to build for a test.
#[derive(Debug, Clone)]
pub struct MemoSpec {
    pub uuid: Uuid,
    pub sender_cvr: String,
    pub sender_label: String,
    pub recipient_id: String,
    pub recipient_type: String,
    pub contact_point: Option<String>,
    pub label: String,
    pub value_date: Option<NaiveDate>,
    pub post_type: Option<String>,
    /// May the recipient reply, and until when.
    pub reply: bool,
    pub reply_by: Option<DateTime<Utc>>,
    /// The sender's contact point (where replies go).
    pub sender_contact_point: Option<String>,
    /// (document kind, file name, MIME type, bytes); the first is the main document.
    pub files: Vec<(DocumentKind, String, String, Vec<u8>)>,
}

impl MemoSpec {
    /// A letter from the municipality to a citizen.
    pub fn to_cpr(cpr: &str, label: &str) -> Self {
        Self {
            uuid: Uuid::new_v4(),
            sender_cvr: KOMMUNE_CVR.into(),
            sender_label: "Testrup Kommune".into(),
            recipient_id: cpr.into(),
            recipient_type: "CPR".into(),
            contact_point: None,
            label: label.into(),
            value_date: None,
            post_type: None,
            reply: false,
            reply_by: None,
            sender_contact_point: None,
            files: vec![(
                DocumentKind::Main,
                "brev.txt".into(),
                "text/plain".into(),
                format!("Kære modtager. {label}.").into_bytes(),
            )],
        }
    }

    pub fn to_cvr(cvr: &str, label: &str) -> Self {
        Self {
            recipient_id: cvr.into(),
            recipient_type: "CVR".into(),
            ..Self::to_cpr("", label)
        }
    }

    pub fn with_file(mut self, kind: DocumentKind, name: &str, mime: &str, bytes: &[u8]) -> Self {
        self.files
            .push((kind, name.into(), mime.into(), bytes.to_vec()));
        self
    }

    pub fn main_file(mut self, name: &str, mime: &str, bytes: &[u8]) -> Self {
        self.files[0] = (DocumentKind::Main, name.into(), mime.into(), bytes.to_vec());
        self
    }

    pub fn build(&self) -> Vec<u8> {
        let mut contents = MemorySink::default();
        let mut documents: Vec<Document> = Vec::new();
        for (kind, name, mime, bytes) in &self.files {
            let id = FileId {
                document: documents.len(),
                file: 0,
            };
            contents.insert(id, bytes.clone());
            documents.push(Document {
                kind: *kind,
                id: Some(format!("doc-{}", documents.len())),
                label: Some(name.clone()),
                files: vec![File {
                    filename: name.clone(),
                    encoding_format: mime.clone(),
                    language: "da".into(),
                    size: bytes.len() as u64,
                    sha256: String::new(),
                }],
                actions: Vec::new(),
            });
        }
        let message = Message {
            memo_version: "1.2".into(),
            memo_sch_version: None,
            message_type: MessageType::DigitalPost,
            message_uuid: self.uuid,
            message_id: None,
            message_code: None,
            label: self.label.clone(),
            notification: None,
            additional_notification: None,
            reply: self.reply,
            reply_by_date_time: self.reply_by,
            do_not_deliver_until_date: self.value_date,
            mandatory: false,
            legal_notification: false,
            post_type: self.post_type.clone(),
            sender: Sender {
                id: self.sender_cvr.clone(),
                id_type: "CVR".into(),
                label: self.sender_label.clone(),
                contact_point: self.sender_contact_point.as_ref().map(|cp| {
                    brevdue_memo::ContactPoint {
                        contact_point_id: cp.clone(),
                        ..Default::default()
                    }
                }),
                ..Sender::default()
            },
            recipient: Recipient {
                id: self.recipient_id.clone(),
                id_type: self.recipient_type.clone(),
                contact_point: self
                    .contact_point
                    .as_ref()
                    .map(|cp| brevdue_memo::ContactPoint {
                        contact_point_id: cp.clone(),
                        ..Default::default()
                    }),
                ..Recipient::default()
            },
            content_data: None,
            forward_data: None,
            reply_data: Vec::new(),
            created_date_time: Some(t0()),
            documents,
        };
        brevdue_memo::to_vec(&message, &mut contents).unwrap()
    }
}
