//! Writing against a real core: a message queued with the core stopped is delivered exactly
//! once after it starts (also when the answer is lost and it is sent again), drafts survive
//! reopening (a reply's draft still answers its letter), replies and forwards carry their data
//! and follow the reply rule.

use brevdue_client::cache::ListQuery;
use brevdue_client::{Draft, DraftAttachment, DraftRecipient, ErrorKind, ExtraFieldValue};
use brevdue_core::auth::SystemRole;
use brevdue_memo::MemorySink;
use tempfile::TempDir;

use crate::in_private_keyring;
use crate::support::core::{ANNA, ANNA_CPR, BO_CPR, TestCore, letter};
use crate::support::{cache_key, open_client, open_encrypted};

/// The municipality's recipient system and a contact point `cp-pas` with KLE and FORM codes,
/// at most 2 attachments.
pub async fn add_contact_point(core: &TestCore) {
    let db = &core.state().db;
    brevdue_core::auth::systems::register(
        db,
        "s-kommune-recv",
        "a-kommune",
        SystemRole::Recipient,
        "Kommunens modtagersystem",
    )
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO authority_default_recipients (authority_id, system_id) \
         VALUES ('a-kommune', 's-kommune-recv')",
    )
    .execute(db)
    .await
    .unwrap();
    let csv = "type;id;name;audiences;visibility;kle_codes;form_codes;max_attachments;\
               extra_field_1\n\
               KONTAKTPUNKT;cp-pas;Pas;CITIZEN;VISIBLE;05.04.02 Pas;32.15.10 Pas;2;Barnets navn\n\
               KONTAKTPUNKT;cp-skjult;Skjult;CITIZEN;HIDDEN;;;;\n";
    brevdue_core::contacts::ContactPoints::new(db.clone())
        .import_csv("a-kommune", csv.as_bytes(), false)
        .await
        .unwrap();
}

/// Rows of the core's `memos` with this messageUUID, and copies of it in `messages`.
pub async fn on_the_core(core: &TestCore, uuid: &str) -> (i64, i64) {
    let db = &core.state().db;
    let (memos,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM memos WHERE message_uuid = ?")
        .bind(uuid)
        .fetch_one(db)
        .await
        .unwrap();
    let (copies,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM messages WHERE message_uuid = ?")
        .bind(uuid)
        .fetch_one(db)
        .await
        .unwrap();
    (memos, copies)
}

pub fn to_pas(mailbox: &str, subject: &str) -> Draft {
    let mut draft = Draft::new(mailbox);
    draft.recipient = Some(DraftRecipient::ContactPoint {
        id: "cp-pas".into(),
        authority_cvr: "29189846".into(),
        label: "Pas".into(),
    });
    draft.subject = subject.into();
    draft.body = "Mit pas er bortkommet.".into();
    draft
}

/// The cache's SQLite file under the client's data folder.
fn cache_file(data: &TempDir) -> std::path::PathBuf {
    let accounts = data.path().join("accounts");
    let dir = std::fs::read_dir(&accounts)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    dir.join(brevdue_client::cache::DB_FILE)
}

#[tokio::test]
async fn a_message_queued_offline_is_delivered_exactly_once() {
    in_private_keyring!(a_message_queued_offline_is_delivered_exactly_once);
    let mut core = TestCore::start().await;
    add_contact_point(&core).await;
    let data = tempfile::tempdir().unwrap();
    let client = open_client(core.url(), data.path()).await;
    client.sign_in_demo(ANNA).await.unwrap();
    client.sync(None).await.unwrap();
    let mailbox = client.mailboxes().await.unwrap()[0].id.clone();

    // Offline: the message is queued with its attachment copied, the file may go away.
    core.stop().await;
    let picked = data.path().join("kvittering.pdf");
    std::fs::write(&picked, b"%PDF-1.4 en kvittering").unwrap();
    let mut draft = to_pas(&mailbox, "Bortkommet pas");
    draft.attachments = vec![DraftAttachment::from_path(&picked)];
    draft.extra_fields = vec![ExtraFieldValue {
        label: "Barnets navn".into(),
        value: "Ida".into(),
    }];
    let draft_id = client.save_draft(draft.clone()).await.unwrap();
    draft.id = Some(draft_id);
    let uuid = client.send(draft).await.unwrap();
    std::fs::remove_file(&picked).unwrap();
    // Copied into the cache sealed: no byte of the attachment in any file of the data folder.
    assert!(crate::support::files_containing(data.path(), "en kvittering").is_empty());
    assert_eq!(client.pending_changes().await.unwrap(), 1);
    assert!(
        client.drafts(&mailbox).await.unwrap().is_empty(),
        "sent drafts go"
    );
    let err = client.sync(None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Offline);

    // Back online: sent once, and it is in SENT.
    core.restart().await;
    let report = client.sync(None).await.unwrap();
    assert_eq!(report.messages_sent, 1);
    assert_eq!(client.pending_changes().await.unwrap(), 0);
    let uuid = uuid.to_string();
    assert_eq!(on_the_core(&core, &uuid).await, (1, 1));
    let (model,): (String,) = sqlx::query_as("SELECT model_json FROM memos WHERE message_uuid = ?")
        .bind(&uuid)
        .fetch_one(&core.state().db)
        .await
        .unwrap();
    let model: brevdue_memo::Message = serde_json::from_str(&model).unwrap();
    assert_eq!(model.sender.id, ANNA_CPR);
    assert_eq!(
        model
            .content_data
            .as_ref()
            .unwrap()
            .kle_data
            .as_ref()
            .unwrap()
            .subject_key,
        "05.04.02"
    );
    let cp = model.recipient.contact_point.as_ref().unwrap();
    assert_eq!(cp.contact_info[0].value, "Ida");
    assert_eq!(model.documents.len(), 2);
    assert_eq!(model.documents[1].files[0].filename, "kvittering.pdf");
    assert_eq!(
        model.documents[1].files[0].encoding_format,
        "application/pdf"
    );

    let sent_folder = client
        .folders(&mailbox)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.folder_type == brevdue_api::FolderType::Sent)
        .unwrap();
    let sent = client
        .messages(&ListQuery {
            mailbox_id: mailbox.clone(),
            folder_id: Some(sent_folder.id),
            size: 10,
            ..ListQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].label, "Bortkommet pas");

    // The answer lost on the way: the entry is still queued and goes again under the same
    // messageUUID; the core answers the first result and stores nothing twice.
    let pool = open_encrypted(&cache_file(&data), &cache_key(&client).await).await;
    sqlx::query(
        "INSERT INTO outgoing (message_uuid, mailbox_id, created, model_json, files_json) \
         SELECT ?, ?, 0, model_json, files_json FROM (SELECT ? AS model_json, ? AS files_json)",
    )
    .bind(&uuid)
    .bind(&mailbox)
    .bind(serde_json::to_string(&{
        let mut m = model.clone();
        m.sender.id = String::new();
        m
    })
    .unwrap())
    .bind(
        serde_json::to_string(
            &model
                .files()
                .map(|(id, f)| serde_json::json!({"document": id.document, "file": id.file, "sha256": f.sha256}))
                .collect::<Vec<_>>(),
        )
        .unwrap(),
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert_eq!(client.pending_changes().await.unwrap(), 1);
    let report = client.sync(None).await.unwrap();
    assert_eq!(report.messages_sent, 1);
    assert_eq!(client.pending_changes().await.unwrap(), 0);
    assert_eq!(on_the_core(&core, &uuid).await, (1, 1));
}

#[tokio::test]
async fn drafts_survive_reopening() {
    in_private_keyring!(drafts_survive_reopening);
    let core = TestCore::start().await;
    let data = tempfile::tempdir().unwrap();
    let mailbox;
    let id;
    {
        let client = open_client(core.url(), data.path()).await;
        client.sign_in_demo(ANNA).await.unwrap();
        client.sync(None).await.unwrap();
        mailbox = client.mailboxes().await.unwrap()[0].id.clone();
        let mut draft = to_pas(&mailbox, "Halvfærdig");
        draft.attachments = vec![DraftAttachment::from_path("/tmp/ikke-her.pdf")];
        id = client.save_draft(draft).await.unwrap();
        // Saved again as the user types: the same draft, not a second one.
        let mut draft = client.draft(&id).await.unwrap();
        draft.body = "Mit pas er bortkommet i Rom.".into();
        assert_eq!(client.save_draft(draft).await.unwrap(), id);
        assert_eq!(client.drafts(&mailbox).await.unwrap().len(), 1);
    }
    let client = open_client(core.url(), data.path()).await;
    let drafts = client.drafts(&mailbox).await.unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].id.as_ref(), Some(&id));
    assert_eq!(drafts[0].body, "Mit pas er bortkommet i Rom.");
    assert_eq!(
        drafts[0].attachments[0].path,
        std::path::PathBuf::from("/tmp/ikke-her.pdf")
    );
    assert!(client.drafts("another-mailbox").await.unwrap().is_empty());
    client.delete_draft(&id).await.unwrap();
    assert!(client.drafts(&mailbox).await.unwrap().is_empty());
    assert_eq!(
        client.draft(&id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

/// A letter to Anna from contact point `cp-pas` that may be replied to (or not).
fn replyable_letter(label: &str, reply: bool) -> Vec<u8> {
    let bytes = letter(ANNA_CPR, label, "Skriv endelig tilbage.", None);
    let mut files = MemorySink::with_limit(1 << 20);
    let mut model = brevdue_memo::read(bytes.as_slice(), &mut files).unwrap();
    model.reply = reply;
    model.sender.contact_point = Some(brevdue_memo::ContactPoint {
        contact_point_id: "cp-pas".into(),
        ..Default::default()
    });
    brevdue_memo::to_vec(&model, &mut files).unwrap()
}

#[tokio::test]
async fn reply_and_forward_carry_their_data() {
    in_private_keyring!(reply_and_forward_carry_their_data);
    let core = TestCore::start().await;
    add_contact_point(&core).await;
    core.deliver(&replyable_letter("Må svares", true)).await;
    core.deliver(&replyable_letter("Kan ikke besvares", false))
        .await;
    let data = tempfile::tempdir().unwrap();
    let client = open_client(core.url(), data.path()).await;
    client.sign_in_demo(ANNA).await.unwrap();
    client.sync(None).await.unwrap();
    let mailbox = client.mailboxes().await.unwrap()[0].id.clone();
    let list = client
        .messages(&ListQuery {
            mailbox_id: mailbox.clone(),
            size: 10,
            ..ListQuery::default()
        })
        .await
        .unwrap();
    let find = |label: &str| list.iter().find(|m| m.label == label).unwrap().id.clone();
    let (open, closed) = (find("Må svares"), find("Kan ikke besvares"));

    let closed_message = client.message(&closed).await.unwrap();
    assert!(!client.can_reply(&closed_message));
    let err = client.reply_to(&closed).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ReplyNotAllowed);

    let open_message = client.message(&open).await.unwrap();
    assert!(client.can_reply(&open_message));
    let mut reply = client.reply_to(&open).await.unwrap();
    let original_uuid = open_message.detail.as_ref().unwrap().memo.message_uuid;
    assert_eq!(
        reply.reply_data.as_ref().unwrap().message_uuid,
        original_uuid
    );
    assert_eq!(reply.subject, "Sv: Må svares");
    reply.body = "Tak, her er mit svar.".into();
    let uuid = client.send(reply).await.unwrap().to_string();
    assert_eq!(on_the_core(&core, &uuid).await, (1, 1));
    let (cp,): (Option<String>,) =
        sqlx::query_as("SELECT contact_point_id FROM memos WHERE message_uuid = ?")
            .bind(&uuid)
            .fetch_one(&core.state().db)
            .await
            .unwrap();
    assert_eq!(cp.as_deref(), Some("cp-pas"));

    // Forward to Bo: the letter's file goes along, ForwardData points to it.
    let forward = client
        .forward(
            &closed,
            DraftRecipient::Citizen { cpr: BO_CPR.into() },
            Some("Se her"),
        )
        .await
        .unwrap();
    assert_eq!(forward.attachments.len(), 1);
    assert_eq!(forward.attachments[0].filename.as_deref(), Some("brev.txt"));
    let uuid = client.send(forward).await.unwrap().to_string();
    // Anna's SENT and Bo's INBOX.
    assert_eq!(on_the_core(&core, &uuid).await, (1, 2));
    let (model,): (String,) = sqlx::query_as("SELECT model_json FROM memos WHERE message_uuid = ?")
        .bind(&uuid)
        .fetch_one(&core.state().db)
        .await
        .unwrap();
    let model: brevdue_memo::Message = serde_json::from_str(&model).unwrap();
    // The letter's file went along as its plaintext (the cache keeps it sealed).
    let letter = client.message(&closed).await.unwrap().detail.unwrap();
    let original = &letter.memo.documents[0].files[0];
    assert!(
        model
            .files()
            .any(|(_, f)| f.sha256 == original.sha256 && f.size == original.size),
        "{:?}",
        model.files().collect::<Vec<_>>()
    );
    let forward_data = model.forward_data.unwrap();
    assert_eq!(
        forward_data.message_uuid,
        client
            .message(&closed)
            .await
            .unwrap()
            .detail
            .unwrap()
            .memo
            .message_uuid
    );
    assert_eq!(forward_data.comment.as_deref(), Some("Se her"));

    // More attachments than the contact point takes: refused before anything is queued.
    let mut many = to_pas(&mailbox, "For mange bilag");
    for name in ["a.txt", "b.txt", "c.txt"] {
        let path = data.path().join(name);
        std::fs::write(&path, name).unwrap();
        many.attachments.push(DraftAttachment::from_path(path));
    }
    let err = client.send(many).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyAttachments);
    assert_eq!(client.pending_changes().await.unwrap(), 0);
}

/// A reply saved as a draft, the app closed and opened again: the draft still answers the
/// letter (its `ReplyData` names it, and the client finds the letter for "replying to"), and
/// sent from the reopened draft it reaches the core as a reply to that letter.
#[tokio::test]
async fn a_reopened_reply_draft_still_answers_its_letter() {
    in_private_keyring!(a_reopened_reply_draft_still_answers_its_letter);
    let core = TestCore::start().await;
    add_contact_point(&core).await;
    core.deliver(&replyable_letter("Svar venligst", true)).await;
    let data = tempfile::tempdir().unwrap();
    let (letter_id, letter_uuid, draft_id);
    {
        let client = open_client(core.url(), data.path()).await;
        client.sign_in_demo(ANNA).await.unwrap();
        client.sync(None).await.unwrap();
        let mailbox = client.mailboxes().await.unwrap()[0].id.clone();
        let list = client
            .messages(&ListQuery {
                mailbox_id: mailbox,
                size: 10,
                ..ListQuery::default()
            })
            .await
            .unwrap();
        letter_id = list
            .iter()
            .find(|m| m.label == "Svar venligst")
            .unwrap()
            .id
            .clone();
        let letter = client.message(&letter_id).await.unwrap();
        letter_uuid = letter.detail.unwrap().memo.message_uuid;
        let mut reply = client.reply_to(&letter_id).await.unwrap();
        reply.body = "Halvt skrevet".into();
        draft_id = client.save_draft(reply).await.unwrap();
    }

    // The app is opened again: the same data folder, signed in from the secret store.
    let client = open_client(core.url(), data.path()).await;
    let mut draft = client.draft(&draft_id).await.unwrap();
    assert_eq!(
        draft.reply_data.as_ref().map(|r| r.message_uuid),
        Some(letter_uuid)
    );
    let original = client.draft_original(&draft).await.unwrap().unwrap();
    assert_eq!(original.item.id, letter_id);
    // Saved again as the user goes on typing: still a reply.
    draft.body = "Her er mit svar.".into();
    client.save_draft(draft).await.unwrap();
    let draft = client.draft(&draft_id).await.unwrap();
    assert!(draft.reply_data.is_some());

    let uuid = client.send_draft(&draft_id).await.unwrap().to_string();
    assert_eq!(on_the_core(&core, &uuid).await, (1, 1));
    let (model, cp): (String, Option<String>) =
        sqlx::query_as("SELECT model_json, contact_point_id FROM memos WHERE message_uuid = ?")
            .bind(&uuid)
            .fetch_one(&core.state().db)
            .await
            .unwrap();
    let model: brevdue_memo::Message = serde_json::from_str(&model).unwrap();
    assert_eq!(model.reply_data[0].message_uuid, letter_uuid);
    assert_eq!(cp.as_deref(), Some("cp-pas"));
    assert_eq!(model.label, "Sv: Svar venligst");

    // A new message's draft answers nothing.
    let mailbox = client.mailboxes().await.unwrap()[0].id.clone();
    let plain = to_pas(&mailbox, "Nyt");
    assert!(client.draft_original(&plain).await.unwrap().is_none());
}

#[tokio::test]
async fn a_refused_message_is_kept_as_failed_and_not_sent_again() {
    in_private_keyring!(a_refused_message_is_kept_as_failed_and_not_sent_again);
    let core = TestCore::start().await;
    add_contact_point(&core).await;
    let data = tempfile::tempdir().unwrap();
    let client = open_client(core.url(), data.path()).await;
    client.sign_in_demo(ANNA).await.unwrap();
    client.sync(None).await.unwrap();
    let mailbox = client.mailboxes().await.unwrap()[0].id.clone();
    // A hidden contact point can be looked up (replies go there) but not written to.
    let mut draft = to_pas(&mailbox, "Til en skjult");
    draft.recipient = Some(DraftRecipient::ContactPoint {
        id: "cp-skjult".into(),
        authority_cvr: "29189846".into(),
        label: "Skjult".into(),
    });
    let uuid = client.send(draft).await.unwrap();
    let outgoing = client.outgoing().await.unwrap();
    assert_eq!(outgoing.len(), 1);
    assert_eq!(outgoing[0].message_uuid, uuid);
    assert_eq!(outgoing[0].failed.as_deref(), Some("INVALID_INPUT"));
    assert_eq!(client.pending_changes().await.unwrap(), 0);
    let report = client.sync(None).await.unwrap();
    assert_eq!((report.messages_sent, report.messages_failed), (0, 0));
    assert_eq!(on_the_core(&core, &uuid.to_string()).await, (0, 0));
}

#[tokio::test]
async fn a_representative_cannot_write_reply_or_forward() {
    in_private_keyring!(a_representative_cannot_write_reply_or_forward);
    let core = TestCore::start().await;
    add_contact_point(&core).await;
    core.deliver(&replyable_letter("Må svares", true)).await;
    // Anna gives Bo read access to her mailbox, through the core's API.
    let http = reqwest::Client::new();
    let base = core.url().as_str().trim_end_matches('/').to_owned();
    let anna = core.token(ANNA).await;
    let mailboxes: serde_json::Value = http
        .get(format!("{base}/apis/v1/mailboxes"))
        .bearer_auth(&anna)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let anna_mailbox = mailboxes[0]["id"].as_str().unwrap().to_owned();
    let granted = http
        .post(format!(
            "{base}/apis/v1/mailboxes/{anna_mailbox}/representatives"
        ))
        .bearer_auth(&anna)
        .json(&serde_json::json!({ "cpr": BO_CPR }))
        .send()
        .await
        .unwrap();
    assert!(granted.status().is_success());

    let data = tempfile::tempdir().unwrap();
    let client = open_client(core.url(), data.path()).await;
    client.sign_in_demo(crate::support::core::BO).await.unwrap();
    client.sync(None).await.unwrap();
    let mailbox = client
        .mailboxes()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.id == anna_mailbox)
        .unwrap();
    assert!(!mailbox.access.permissions.write);
    let err = client
        .send(to_pas(&anna_mailbox, "Som Anna"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let letter_id = client
        .messages(&ListQuery {
            mailbox_id: anna_mailbox.clone(),
            size: 10,
            ..ListQuery::default()
        })
        .await
        .unwrap()[0]
        .id
        .clone();
    assert_eq!(
        client.reply_to(&letter_id).await.unwrap_err().kind(),
        ErrorKind::Forbidden
    );
    let forward = client
        .forward(
            &letter_id,
            DraftRecipient::Citizen { cpr: BO_CPR.into() },
            None,
        )
        .await;
    assert_eq!(forward.unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(client.pending_changes().await.unwrap(), 0);
    let (memos,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM memos WHERE sender_mailbox_id IS NOT NULL")
            .fetch_one(&core.state().db)
            .await
            .unwrap();
    assert_eq!(memos, 0);
}

/// A large attachment goes through the queue, the MeMo writer, the core's reader and the
/// enrichment's second writing, streamed; the core holds the same bytes.
#[tokio::test]
async fn a_large_attachment_arrives_whole() {
    in_private_keyring!(a_large_attachment_arrives_whole);
    let core = TestCore::start().await;
    add_contact_point(&core).await;
    let data = tempfile::tempdir().unwrap();
    let client = open_client(core.url(), data.path()).await;
    client.sign_in_demo(ANNA).await.unwrap();
    client.sync(None).await.unwrap();
    let mailbox = client.mailboxes().await.unwrap()[0].id.clone();
    // 8 MB keeps the suite quick; 40 MB took 24 s in a debug build on a busy machine.
    let size = 8_000_000usize;
    let bytes: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
    let picked = data.path().join("stor.bin");
    std::fs::write(&picked, &bytes).unwrap();
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    drop(bytes);
    let mut draft = to_pas(&mailbox, "Stort bilag");
    draft.attachments = vec![DraftAttachment::from_path(&picked)];
    let started = std::time::Instant::now();
    let uuid = client.send(draft).await.unwrap().to_string();
    eprintln!("{size} bytes attached, sent in {:?}", started.elapsed());
    let (model,): (String,) = sqlx::query_as("SELECT model_json FROM memos WHERE message_uuid = ?")
        .bind(&uuid)
        .fetch_one(&core.state().db)
        .await
        .unwrap();
    let model: brevdue_memo::Message = serde_json::from_str(&model).unwrap();
    let file = &model.documents[1].files[0];
    assert_eq!(
        (file.size, file.sha256.as_str()),
        (size as u64, sha.as_str())
    );
}
