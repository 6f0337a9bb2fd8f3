//! Hostile content in the real app window: every payload of `tests/e2e/data/hostile-content.txt`
//! (XSS and HTML injection in subjects, sender names, file names, action labels, entry points,
//! plain-text, HTML, XHTML and PDF letters, HTML and SVG attachments) is delivered by a sender
//! system through the core's API as a real message, and opened one by one in the real
//! `brevdue-desktop` window (WebKitGTK under Xvfb, through tauri-driver). Proven for each:
//! - no script ran: the main document has no `__pwned`, its title and localStorage are as
//!   before (each payload tries to set them in its own, its parent's and the top window);
//! - no request left: a loopback HTTP listener that every payload points at hears nothing;
//! - no IPC command was reached: each payload calls `__TAURI_INTERNALS__.invoke` to flag, mark
//!   read and delete a canary message, make a folder, switch the language and turn on start at
//!   login; afterwards the canary is untouched on the core, there is no such folder, the
//!   settings file still says Danish and there is no autostart entry.
//!
//! Controls make the checks mean something: the listener counts a request the test makes
//! itself; the main document has the IPC bridge a payload would need; and at the end the same
//! attack script, run in the main document itself, is seen by every check (its marks, the
//! canary, the folder, the language, the autostart entry).

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use brevdue_memo::{
    Action, ActionCode, Document, DocumentKind, File, FileId, MemorySink, Message, MessageType,
    Recipient, Sender,
};
use fantoccini::Locator;
use support::{Display, Driver, Screenshots, Tools, app_args, desktop_binary, element};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

/// The person the hostile post is for: added to the demo world so that her inbox holds only
/// the corpus and the canary.
const PERSON_ID: &str = "e2e-hostile";
const PERSON_NAME: &str = "Bente Skeptisk";
/// Fictional (31 February).
const PERSON_CPR: &str = "3102801234";
/// The sender system that hands the corpus in, registered for the demo municipality.
const SENDER_SYSTEM: &str = "e2e-hostile-sender";
/// The demo municipality's CVR number (`brevdue_core::demo::world`).
const KOMMUNE_CVR: &str = "29189631";
/// The folder name the payloads try to create.
const PWNED_FOLDER: &str = "PWNED";

/// One payload of the corpus.
#[derive(Debug, Clone)]
struct Payload {
    id: String,
    place: String,
    what: String,
    body: String,
}

/// Reads the corpus file (format in its header).
fn corpus() -> Result<Vec<Payload>> {
    let path = support::workspace_root().join("tests/e2e/data/hostile-content.txt");
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let mut out: Vec<Payload> = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    let mut head: Option<(String, String)> = None;
    let flush =
        |head: &mut Option<(String, String)>, lines: &mut Vec<&str>, out: &mut Vec<Payload>| {
            if let Some((place, what)) = head.take() {
                out.push(Payload {
                    id: format!("H{:02}", out.len() + 1),
                    place,
                    what,
                    body: lines.join("\n"),
                });
            }
            lines.clear();
        };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("=== ") {
            flush(&mut head, &mut lines, &mut out);
            let (place, what) = rest.split_once(' ').unwrap_or((rest, ""));
            head = Some((place.to_owned(), what.trim().to_owned()));
        } else if head.is_some() {
            lines.push(line);
        }
    }
    flush(&mut head, &mut lines, &mut out);
    Ok(out)
}

/// The places a payload can go (see the corpus file).
const PLACES: &[&str] = &[
    "subject",
    "sender",
    "filename",
    "action",
    "entry",
    "text",
    "html",
    "xhtml",
    "html-attachment",
    "svg-attachment",
    "svg-as-png",
    "pdf",
];

/// The ids a payload's script aims its IPC calls at.
struct Targets {
    mailbox: String,
    canary: String,
}

/// The attack script of a payload: no spaces, double quotes or angle brackets, so that it fits
/// unquoted attributes, quoted attributes and text alike.
fn attack_js(id: &str, beacon: &str, t: &Targets) -> String {
    let (mb, msg) = (&t.mailbox, &t.canary);
    let calls = [
        format!("['set_flagged',{{mailboxId:'{mb}',messageId:'{msg}',flagged:true}}]"),
        format!("['mark_read',{{mailboxId:'{mb}',messageId:'{msg}',read:true}}]"),
        format!("['create_folder',{{mailboxId:'{mb}',name:'{PWNED_FOLDER}'}}]"),
        "['set_language',{language:'en'}]".to_owned(),
        "['set_start_at_login',{enabled:true}]".to_owned(),
        format!("['delete_message',{{mailboxId:'{mb}',messageId:'{msg}'}}]"),
    ]
    .join(",");
    format!(
        "(function(){{B='{beacon}';[self,parent,top].forEach(function(w){{\
try{{w.__pwned='{id}';}}catch(e){{}}\
try{{w.document.title='PWNED-{id}';}}catch(e){{}}\
try{{w.localStorage.setItem('pwned','{id}');}}catch(e){{}}\
try{{var_t=w.__TAURI_INTERNALS__;if(var_t){{[{calls}].forEach(function(c){{var_t.invoke(c[0],c[1]);}});}}}}catch(e){{}}\
}});try{{fetch(B+'/fetch');}}catch(e){{}}try{{document.createElement('img').src=B+'/img';}}catch(e){{}}}})()"
    )
}

/// The payload with its placeholders filled in.
fn fill(p: &Payload, beacon_base: &str, t: &Targets) -> String {
    let beacon = format!("{beacon_base}/b/{}", p.id);
    let js = attack_js(&p.id, &beacon, t);
    let html = format!("<script>{js}</script><img src=\"{beacon}/data-html.png\">");
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"{js}\"><script>{js}</script></svg>"
    );
    let short = format!("top.__pwned='{}';import('{beacon}/s.js')", p.id);
    let ipc_short = "top.__TAURI_INTERNALS__.invoke('set_language',{language:'en'})";
    let short_html = format!("<script>{short}</script>");
    p.body
        .replace("@@JS_SHORT@@", &short)
        .replace("@@IPC_SHORT@@", ipc_short)
        .replace("@@SHORT_HTML_B64@@", &STANDARD.encode(&short_html))
        .replace("@@JS_B64@@", &STANDARD.encode(&js))
        .replace("@@HTML_B64@@", &STANDARD.encode(&html))
        .replace("@@SVG_B64@@", &STANDARD.encode(&svg))
        .replace("@@JS@@", &js)
        .replace("@@BEACON@@", &beacon)
        .replace("@@ID@@", &p.id)
}

/// One document of a [`Letter`]: kind, file name, MIME type, bytes, actions.
type Doc = (DocumentKind, String, String, Vec<u8>, Vec<Action>);

/// A MeMo from the municipality to the test's person.
struct Letter {
    label: String,
    sender_label: String,
    /// (kind, file name, MIME type, bytes, actions); the first is the main document.
    documents: Vec<Doc>,
}

impl Letter {
    fn plain(label: String, text: String) -> Letter {
        Letter {
            label,
            sender_label: "Fjordmark Kommune".into(),
            documents: vec![(
                DocumentKind::Main,
                "brev.txt".into(),
                "text/plain".into(),
                text.into_bytes(),
                Vec::new(),
            )],
        }
    }

    /// The letter that carries payload `p` (filled in as `payload`).
    fn hostile(p: &Payload, payload: String) -> Result<Letter> {
        let label = format!("[{}] {}", p.id, p.what);
        let mut letter = Letter::plain(
            label.clone(),
            format!("Kære modtager. Dette brev prøver: {}.", p.what),
        );
        let main = &mut letter.documents[0];
        let action = |label: String, code: ActionCode, entry: Option<String>| Action {
            label,
            action_code: code,
            start_date_time: None,
            end_date_time: None,
            reservation: None,
            entry_point: entry,
        };
        let attachment = |name: &str, mime: &str, bytes: Vec<u8>| {
            (
                DocumentKind::Additional,
                name.to_owned(),
                mime.to_owned(),
                bytes,
                Vec::new(),
            )
        };
        match p.place.as_str() {
            "subject" => letter.label = format!("[{}] {payload}", p.id),
            "sender" => letter.sender_label = payload,
            "filename" => main.1 = payload,
            "action" => main.4.push(action(payload, ActionCode::Information, None)),
            "entry" => main.4.push(action(
                "Gå til selvbetjening".into(),
                ActionCode::Selvbetjening,
                Some(payload),
            )),
            "text" => main.3 = payload.into_bytes(),
            "html" | "xhtml" | "pdf" => {
                main.1 = format!("brev.{}", p.place);
                main.2 = match p.place.as_str() {
                    "html" => "text/html",
                    "xhtml" => "application/xhtml+xml",
                    _ => "application/pdf",
                }
                .into();
                main.3 = payload.into_bytes();
            }
            "html-attachment" => {
                letter
                    .documents
                    .push(attachment("bilag.html", "text/html", payload.into_bytes()))
            }
            "svg-attachment" => letter.documents.push(attachment(
                "bilag.svg",
                "image/svg+xml",
                payload.into_bytes(),
            )),
            "svg-as-png" => {
                letter
                    .documents
                    .push(attachment("bilag.png", "image/png", payload.into_bytes()))
            }
            other => bail!("{}: unknown place {other:?}", p.id),
        }
        Ok(letter)
    }

    fn to_memo(&self, uuid: Uuid) -> Result<Vec<u8>> {
        let mut contents = MemorySink::default();
        let mut documents = Vec::new();
        for (i, (kind, name, mime, bytes, actions)) in self.documents.iter().enumerate() {
            contents.insert(
                FileId {
                    document: i,
                    file: 0,
                },
                bytes.clone(),
            );
            documents.push(Document {
                kind: *kind,
                id: Some(format!("doc-{i}")),
                label: Some(name.clone()),
                files: vec![File {
                    filename: name.clone(),
                    encoding_format: mime.clone(),
                    language: "da".into(),
                    size: bytes.len() as u64,
                    sha256: String::new(),
                }],
                actions: actions.clone(),
            });
        }
        let message = Message {
            memo_version: "1.2".into(),
            memo_sch_version: None,
            message_type: MessageType::DigitalPost,
            message_uuid: uuid,
            message_id: None,
            message_code: None,
            label: self.label.clone(),
            notification: None,
            additional_notification: None,
            reply: false,
            reply_by_date_time: None,
            do_not_deliver_until_date: None,
            mandatory: false,
            legal_notification: false,
            post_type: None,
            sender: Sender {
                id: KOMMUNE_CVR.into(),
                id_type: "CVR".into(),
                label: self.sender_label.clone(),
                ..Sender::default()
            },
            recipient: Recipient {
                id: PERSON_CPR.into(),
                id_type: "CPR".into(),
                ..Recipient::default()
            },
            content_data: None,
            forward_data: None,
            reply_data: Vec::new(),
            created_date_time: Some(chrono::Utc::now()),
            documents,
        };
        Ok(brevdue_memo::to_vec(&message, &mut contents)?)
    }
}

/// A loopback HTTP listener that records the first line of every request it gets.
struct Beacon {
    base: String,
    hits: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Beacon {
    async fn start() -> Result<Beacon> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let hits = Arc::new(Mutex::new(Vec::new()));
        let seen = hits.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    let n = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buf))
                        .await
                        .ok()
                        .and_then(Result::ok)
                        .unwrap_or(0);
                    let head = String::from_utf8_lossy(&buf[..n]);
                    let line = head.lines().next().unwrap_or("(connection)").to_owned();
                    if let Ok(mut hits) = seen.lock() {
                        hits.push(line);
                    }
                    let _ = stream
                        .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                        .await;
                });
            }
        });
        Ok(Beacon { base, hits, task })
    }

    fn hits(&self) -> Vec<String> {
        self.hits.lock().map(|h| h.clone()).unwrap_or_default()
    }

    fn clear(&self) {
        if let Ok(mut hits) = self.hits.lock() {
            hits.clear();
        }
    }
}

impl Drop for Beacon {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Hands `memo` to the core as the sender system; fails unless it was accepted.
async fn deliver(http: &reqwest::Client, core: &str, token: &str, memo: Vec<u8>) -> Result<()> {
    let r = http
        .post(format!("{core}/apis/v1/memos"))
        .bearer_auth(token)
        .header("content-type", "application/xml")
        .body(memo)
        .send()
        .await?;
    let status = r.status();
    let body = r.text().await.unwrap_or_default();
    ensure!(
        status.is_success(),
        "the core refused a memo: {status} {body}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_content_is_harmless_in_the_real_window() -> Result<()> {
    let payloads = corpus()?;
    ensure!(
        payloads.len() >= 50,
        "the corpus has {} payloads",
        payloads.len()
    );
    for p in &payloads {
        ensure!(
            PLACES.contains(&p.place.as_str()),
            "{}: unknown place {}",
            p.id,
            p.place
        );
    }
    let tools = Tools::find()?;
    let app = desktop_binary()?;
    let work = tempfile::tempdir()?;

    let (core, _) = support::demo_core(&work.path().join("core")).await?;
    let db = &core.state().db;
    sqlx::query("INSERT INTO persons (id, cpr, name, description) VALUES ($1, $2, $3, $4)")
        .bind(PERSON_ID)
        .bind(PERSON_CPR)
        .bind(PERSON_NAME)
        .bind("Modtager af fjendtlig post (e2e)")
        .execute(db)
        .await?;
    let secret = brevdue_core::auth::systems::register(
        db,
        SENDER_SYSTEM,
        brevdue_core::demo::world::KOMMUNE,
        brevdue_core::auth::SystemRole::Sender,
        "e2e hostile sender",
    )
    .await?;
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{}/oauth/token", core.url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", SENDER_SYSTEM),
            ("client_secret", secret.as_str()),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = token["access_token"]
        .as_str()
        .context("no access token")?
        .to_owned();

    // The canary first: the letter the payloads try to flag, mark read and delete.
    let canary_uuid = Uuid::new_v4();
    let canary = Letter::plain("Kontrolbrev".into(), "Dette brev må ikke røres.".into());
    deliver(&http, core.url(), &token, canary.to_memo(canary_uuid)?).await?;
    let (canary_id, mailbox_id): (String, String) =
        sqlx::query_as("SELECT id, mailbox_id FROM messages WHERE message_uuid = $1")
            .bind(canary_uuid.to_string())
            .fetch_one(db)
            .await?;
    let targets = Targets {
        mailbox: mailbox_id.clone(),
        canary: canary_id.clone(),
    };

    // The listener, and a control that it counts.
    let beacon = Beacon::start().await?;
    http.get(format!("{}/control", beacon.base)).send().await?;
    ensure!(
        beacon.hits().len() == 1,
        "the listener did not count a request"
    );
    beacon.clear();

    for p in &payloads {
        let letter = Letter::hostile(p, fill(p, &beacon.base, &targets))?;
        deliver(&http, core.url(), &token, letter.to_memo(Uuid::new_v4())?)
            .await
            .with_context(|| format!("{} ({})", p.id, p.what))?;
    }
    println!("{} hostile letters delivered", payloads.len());

    let display = Display::start()?;
    let home = work.path().join("home");
    let driver = Driver::start(&tools, &display, &home)?;
    let shots = Screenshots::new(&display)?;
    let args = app_args(core.url(), work.path());
    let c = driver.launch(&app, &args).await?;
    let started = Instant::now();
    let result = open_all(&c, &shots, &payloads, &beacon).await;
    println!("opened in {:?}", started.elapsed());
    let result = match result {
        Ok(()) => {
            let watched = Watched {
                db,
                canary: &canary_id,
                mailbox: &mailbox_id,
                app_dir: &work.path().join("app"),
                autostart: [
                    home.join(".config/autostart"),
                    home.join("config/autostart"),
                ],
            };
            untouched_then_control(&c, &watched, &targets, &beacon).await
        }
        Err(e) => Err(e),
    };
    if result.is_err() {
        driver.report_failure(&c, &shots, "h-failed").await;
    }
    let _ = c.close().await;
    drop(driver);
    core.shutdown().await?;
    result
}

/// What a script would change in the main document.
async fn marks(c: &fantoccini::Client) -> Result<serde_json::Value> {
    Ok(c.execute(
        "return { pwned: window.__pwned === undefined ? null : String(window.__pwned), \
                  title: document.title, \
                  local: localStorage.getItem('pwned'), \
                  session: sessionStorage.getItem('pwned') };",
        vec![],
    )
    .await?)
}

/// Signs in as the test's person and opens every payload's letter in turn.
async fn open_all(
    c: &fantoccini::Client,
    shots: &Screenshots,
    payloads: &[Payload],
    beacon: &Beacon,
) -> Result<()> {
    support::element_with_text(c, "button", &format!("Log ind som {PERSON_NAME}"))
        .await?
        .click()
        .await?;
    element(c, "[data-testid=message-list] .mrow").await?;
    let before = marks(c).await?;
    ensure!(
        before["pwned"].is_null() && before["local"].is_null(),
        "marks before any letter was opened: {before}"
    );
    // The control: the main document has the IPC bridge a payload would call.
    let bridge = c
        .execute(
            "return typeof (window.__TAURI_INTERNALS__ || {}).invoke === 'function';",
            vec![],
        )
        .await?;
    ensure!(
        bridge == serde_json::Value::Bool(true),
        "the main document has no IPC bridge: the IPC check would prove nothing"
    );

    for (n, p) in payloads.iter().enumerate() {
        open_one(c, p)
            .await
            .with_context(|| format!("{} ({} {})", p.id, p.place, p.what))?;
        if n % 10 == 0 {
            shots.window(c, &format!("h-{}", p.id)).await?;
        }
        let now = marks(c).await?;
        ensure!(
            now == before,
            "{} ({}): the main document changed: {before} -> {now}",
            p.id,
            p.what
        );
        let hits = beacon.hits();
        ensure!(
            hits.is_empty(),
            "{} ({}): requests left the window: {hits:?}",
            p.id,
            p.what
        );
    }
    Ok(())
}

/// Opens the letter of `p` (scrolling the virtual list until its row is there), waits until
/// its documents and attachments are shown, and checks how the payload's place is shown.
async fn open_one(c: &fantoccini::Client, p: &Payload) -> Result<()> {
    let tag = format!("[{}]", p.id);
    // The list is virtual and may be redrawn (a sync, a letter marked read) between finding a
    // row and clicking it, so finding, scrolling to and clicking the row is one script, and
    // the whole step is tried again until the letter's heading shows.
    let end = Instant::now() + Duration::from_secs(90);
    loop {
        let state = c
            .execute(
                "const v = document.querySelector('[data-testid=message-list]');\
                 if (!v) return 'none';\
                 const r = [...v.querySelectorAll('.mrow')].find(e => e.textContent.includes(arguments[0]));\
                 if (r) { r.scrollIntoView({block: 'nearest'}); r.click(); return 'clicked'; }\
                 if (v.scrollTop + v.clientHeight >= v.scrollHeight - 2) { v.scrollTop = 0; return 'top'; }\
                 v.scrollTop += Math.max(100, v.clientHeight / 2); return 'down';",
                vec![tag.clone().into()],
            )
            .await?;
        if state.as_str() == Some("clicked") {
            let wait = Instant::now() + Duration::from_secs(5);
            let mut opened = false;
            while !opened && Instant::now() < wait {
                let heading = c
                    .execute(
                        "const h = document.querySelector('h2#message-subject');\
                         return !!h && h.textContent.includes(arguments[0]);",
                        vec![tag.clone().into()],
                    )
                    .await?;
                opened = heading.as_bool() == Some(true);
                if !opened {
                    tokio::time::sleep(Duration::from_millis(150)).await;
                }
            }
            if opened {
                break;
            }
        }
        if Instant::now() > end {
            bail!("the letter {tag} did not open (last step: {state})");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }

    // Every attachment opened inline.
    for button in c
        .find_all(Locator::Css(
            ".attachment-buttons button[aria-expanded=false]",
        ))
        .await?
    {
        button.click().await?;
    }
    // Until nothing is loading any more.
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let busy = c
            .execute(
                "return document.querySelectorAll('[data-testid=document-view] .spinner-box').length;",
                vec![],
            )
            .await?;
        if busy.as_u64() == Some(0) {
            break;
        }
        if Instant::now() > end {
            bail!("the letter's documents did not load");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Time for anything that would run, load or navigate.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let shown = |css: &'static str| async move {
        Ok::<_, anyhow::Error>(!c.find_all(Locator::Css(css)).await?.is_empty())
    };
    match p.place.as_str() {
        "html" | "xhtml" | "html-attachment" => {
            let sandbox = c
                .execute(
                    "return [...document.querySelectorAll('[data-testid=letter-frame]')]\
                       .map(f => f.getAttribute('sandbox'));",
                    vec![],
                )
                .await?;
            ensure!(
                sandbox == serde_json::json!([""]),
                "the HTML is not in one frame with sandbox=\"\": {sandbox}"
            );
        }
        "svg-attachment" | "svg-as-png" => {
            ensure!(
                shown(".cannot-show").await? && !shown(".letter-image").await?,
                "an SVG was shown, not only offered for saving"
            );
        }
        "entry" => {
            ensure!(
                shown(".bad-link").await? && !shown(".entry-button").await?,
                "a hostile entry point is offered as a button"
            );
        }
        "subject" => {
            let heading = element(c, "h2#message-subject").await?.text().await?;
            ensure!(
                heading.contains('<'),
                "the subject is not shown as text: {heading:?}"
            );
        }
        "sender" => {
            let sender = element(c, ".message-sender").await?.text().await?;
            ensure!(
                sender.contains('<'),
                "the sender is not shown as text: {sender:?}"
            );
        }
        "text" => {
            let text = element(c, "[data-testid=letter-text]")
                .await?
                .text()
                .await?;
            ensure!(
                !text.contains("@@") && (text.contains('<') || text.contains("javascript:")),
                "the letter is not shown as text: {text:?}"
            );
        }
        _ => {}
    }
    Ok(())
}

/// Where the payloads' IPC calls would show.
struct Watched<'a> {
    db: &'a brevdue_core::db::Db,
    canary: &'a str,
    mailbox: &'a str,
    /// The app's data and config folder (`settings.json`).
    app_dir: &'a std::path::Path,
    /// Where an autostart entry would be written: `~/.config/autostart` (where
    /// tauri-plugin-autostart writes, whatever `XDG_CONFIG_HOME` says) and
    /// `$XDG_CONFIG_HOME/autostart`.
    autostart: [std::path::PathBuf; 2],
}

/// Every effect of the payloads' IPC calls that can be seen: the canary changed on the core
/// (read, flagged, moved or deleted: its version moved), a folder the payloads name, the
/// language switched in the settings file, an autostart entry. Empty when nothing happened.
async fn ipc_effects(w: &Watched<'_>) -> Result<Vec<String>> {
    let mut seen = Vec::new();
    let row: Option<(i64, i64, i64, String)> = sqlx::query_as(
        "SELECT CAST(m.read AS INTEGER), CAST(m.flagged AS INTEGER), m.version, f.folder_type FROM messages m \
         JOIN folders f ON f.id = m.folder_id WHERE m.id = $1",
    )
    .bind(w.canary)
    .fetch_optional(w.db)
    .await?;
    if row != Some((0, 0, 1, "INBOX".to_owned())) {
        seen.push(format!(
            "the canary changed (read, flagged, version, folder): {row:?}"
        ));
    }
    let (folders,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM folders WHERE mailbox_id = $1 AND name = $2")
            .bind(w.mailbox)
            .bind(PWNED_FOLDER)
            .fetch_one(w.db)
            .await?;
    if folders != 0 {
        seen.push(format!("a folder named {PWNED_FOLDER}"));
    }
    let settings = std::fs::read_to_string(w.app_dir.join("settings.json")).unwrap_or_default();
    if settings.contains("\"en\"") {
        seen.push(format!("the language switched: {settings}"));
    }
    let entries: Vec<_> = w
        .autostart
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flat_map(|d| d.filter_map(|e| e.ok().map(|e| e.path())))
        .collect();
    if !entries.is_empty() {
        seen.push(format!("start at login turned on: {entries:?}"));
    }
    Ok(seen)
}

/// After every letter was opened: no IPC effect and no request. Then the control: the same
/// attack run in the main document itself (where the app's own code runs) does reach the IPC,
/// and each of the checks above sees its effect, so their silence meant something.
async fn untouched_then_control(
    c: &fantoccini::Client,
    w: &Watched<'_>,
    targets: &Targets,
    beacon: &Beacon,
) -> Result<()> {
    // Late requests and commands get their chance.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let effects = ipc_effects(w).await?;
    ensure!(effects.is_empty(), "a payload reached the IPC: {effects:?}");
    let hits = beacon.hits();
    ensure!(hits.is_empty(), "requests left the window: {hits:?}");

    let control = attack_js("CONTROL", &format!("{}/b/CONTROL", beacon.base), targets);
    c.execute(&format!("{control}; return true;"), vec![])
        .await?;
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let effects = ipc_effects(w).await?;
        let all = ["canary", "folder", "language", "start at login"]
            .iter()
            .all(|what| effects.iter().any(|e| e.contains(what)));
        if all {
            break;
        }
        if Instant::now() > end {
            bail!("the control attack in the main document was not seen: {effects:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let marked = marks(c).await?;
    ensure!(
        marked["pwned"] == "CONTROL" && marked["local"] == "CONTROL",
        "the control attack's marks were not seen: {marked}"
    );
    Ok(())
}
