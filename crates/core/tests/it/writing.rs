//! Writing from a mailbox (`POST /apis/v1/mailboxes/{m}/messages`): enrichment only for
//! viewing clients, reply rules, forward, the same messageUUID twice, limits, who may write,
//! the contact point's audiences,
//! SENT, the recipient system's pull with the KLE code; and the contact points' QR codes.

use brevdue_memo::{
    Document, DocumentKind, File, FileId, ForwardData, MemorySink, Message, MessageType, Recipient,
    ReplyData, Sender,
};
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use crate::common::*;

const BOB_CPR: &str = "0101802222";

/// Adds the contact points these tests write to (an import never deletes the others).
async fn add_contact_points(w: &World) {
    let contacts = brevdue_core::contacts::ContactPoints::new(w.db().clone());
    let csv = "type;id;name;audiences;visibility;recipient_system_id;kle_codes;form_codes;\
               location_type;location_code;max_attachments;max_attachment_mb\n\
               KONTAKTPUNKT;cp-kle;Pas og rejse;CITIZEN|COMPANY;VISIBLE;s-kommune-pas;\
               05.04.02 Pas;32.15.10 Udstedelse af pas;GLN;5790000000005;1;1\n\
               KONTAKTPUNKT;cp-hidden;Skjult;CITIZEN;HIDDEN;;;;;;;\n";
    contacts
        .import_csv(KOMMUNE, csv.as_bytes(), false)
        .await
        .unwrap();
}

/// A message written by the owner of a citizen mailbox (`cpr`) to `recipient`.
struct Written {
    uuid: Uuid,
    sender_id: String,
    sender_type: String,
    recipient: Recipient,
    label: String,
    /// (file name, bytes) of attachments.
    attachments: Vec<(String, Vec<u8>)>,
    reply_to: Option<Uuid>,
    forward_of: Option<Uuid>,
}

impl Written {
    fn to_contact_point(cpr: &str, cp: &str) -> Self {
        Written {
            uuid: Uuid::new_v4(),
            sender_id: cpr.into(),
            sender_type: "CPR".into(),
            recipient: Recipient {
                id: KOMMUNE_CVR.into(),
                id_type: "CVR".into(),
                contact_point: Some(brevdue_memo::ContactPoint {
                    contact_point_id: cp.into(),
                    ..Default::default()
                }),
                ..Recipient::default()
            },
            label: "Mit pas er bortkommet".into(),
            attachments: vec![],
            reply_to: None,
            forward_of: None,
        }
    }

    fn to_person(cpr: &str, recipient_cpr: &str) -> Self {
        Written {
            recipient: Recipient {
                id: recipient_cpr.into(),
                id_type: "CPR".into(),
                ..Recipient::default()
            },
            ..Self::to_contact_point(cpr, "")
        }
    }

    fn build(&self) -> Vec<u8> {
        let mut contents = MemorySink::default();
        let mut documents = Vec::new();
        let mut files = vec![("besked.txt".to_owned(), b"Hej kommune.".to_vec())];
        files.extend(self.attachments.iter().cloned());
        for (i, (name, bytes)) in files.into_iter().enumerate() {
            contents.insert(
                FileId {
                    document: i,
                    file: 0,
                },
                bytes.clone(),
            );
            documents.push(Document {
                kind: if i == 0 {
                    DocumentKind::Main
                } else {
                    DocumentKind::Additional
                },
                id: Some(format!("d{i}")),
                label: Some(name.clone()),
                files: vec![File {
                    filename: name,
                    encoding_format: "text/plain".into(),
                    language: "da".into(),
                    size: bytes.len() as u64,
                    sha256: String::new(),
                }],
                actions: vec![],
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
            reply: false,
            reply_by_date_time: None,
            do_not_deliver_until_date: None,
            mandatory: false,
            legal_notification: false,
            post_type: None,
            sender: Sender {
                id: self.sender_id.clone(),
                id_type: self.sender_type.clone(),
                label: "Alice Andersen".into(),
                ..Sender::default()
            },
            recipient: self.recipient.clone(),
            content_data: None,
            forward_data: self.forward_of.map(|uuid| ForwardData {
                message_uuid: uuid,
                original_message_date_time: Some(t0()),
                original_sender: "Testrup Kommune".into(),
                original_content_responsible: None,
                original_representative: None,
                contact_point_id: None,
                comment: Some("Til orientering".into()),
            }),
            reply_data: self
                .reply_to
                .map(|uuid| ReplyData {
                    message_id: None,
                    message_uuid: uuid,
                    reply_uuid: None,
                    sender_id: None,
                    recipient_id: None,
                    case_id: None,
                    contact_point_id: None,
                    generating_system_id: None,
                    comment: None,
                    additional_reply_data: vec![],
                })
                .into_iter()
                .collect(),
            created_date_time: Some(t0()),
            documents,
        };
        brevdue_memo::to_vec(&message, &mut contents).unwrap()
    }
}

/// POSTs a written MeMo from `mailbox` as `person`.
async fn write(w: &World, person: &str, mailbox: &str, memo: Vec<u8>) -> (StatusCode, Value) {
    let token = w.token(person).await;
    let resp = w
        .http
        .post(w.url(&format!("/apis/v1/mailboxes/{mailbox}/messages")))
        .bearer_auth(token)
        .header("content-type", "application/xml")
        .body(memo)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The raw MeMo a recipient system pulls, read back.
async fn pull(w: &World, system: &str, uuid: Uuid) -> (Vec<u8>, Message) {
    let token = w.token(system).await;
    let resp = w
        .http
        .get(w.url(&format!("/apis/v1/memos/{uuid}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.unwrap().to_vec();
    let model = brevdue_memo::read(bytes.as_slice(), &mut brevdue_memo::Discard).unwrap();
    let violations = brevdue_memo::validate(bytes.as_slice()).unwrap();
    assert!(violations.is_empty(), "{violations:?}");
    (bytes, model)
}

/// The labels of the messages in a folder of `mailbox`.
async fn labels_in(w: &World, person: &str, mailbox: &str, folder_type: &str) -> Vec<Value> {
    let token = w.token(person).await;
    let folder = w.folder(&token, mailbox, folder_type).await;
    let (status, page) = w
        .get(
            &token,
            &format!("/apis/v1/mailboxes/{mailbox}/messages?folderId={folder}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["label"].clone())
        .collect()
}

#[tokio::test]
async fn a_viewing_clients_message_is_enriched_and_pulled_with_its_kle_code() {
    let w = World::new().await;
    add_contact_points(&w).await;
    let mailbox = w.mailbox_of(ALICE).await;
    let memo = Written::to_contact_point(ALICE_CPR, "cp-kle");
    let (status, sent) = write(&w, ALICE, &mailbox, memo.build()).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["messageUUID"], memo.uuid.to_string());
    assert_eq!(sent["routedTo"], "RECIPIENT_SYSTEM");
    assert_eq!(sent["contactPointId"], "cp-kle");

    // The contact point's recipient system finds it in its queue, from Alice, with the codes.
    let pas = w.token(KOMMUNE_PAS).await;
    let (_, queue) = w.get(&pas, "/apis/v1/memos").await;
    let queue = queue.as_array().unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["senderId"], ALICE_CPR);
    assert_eq!(queue[0]["contactPointId"], "cp-kle");
    let (_, model) = pull(&w, KOMMUNE_PAS, memo.uuid).await;
    let data = model.content_data.expect("ContentData added");
    let kle = data.kle_data.expect("KLEdata added");
    assert_eq!(kle.subject_key, "05.04.02");
    assert_eq!(kle.label, "Pas");
    assert_eq!(data.form_data.expect("FORMdata added").task_key, "32.15.10");
    let gln = model
        .recipient
        .attention_data
        .and_then(|a| a.global_location_number)
        .expect("the location code");
    assert_eq!(gln.global_location_number, "5790000000005");
    // What Alice wrote is still there.
    assert_eq!(model.label, memo.label);
    assert_eq!(model.sender.id, ALICE_CPR);

    // It is in Alice's SENT folder, read, and her change feed has it.
    assert_eq!(
        labels_in(&w, ALICE, &mailbox, "SENT").await,
        vec![Value::from(memo.label.clone())]
    );
    let token = w.token(ALICE).await;
    let (_, feed) = w
        .get(
            &token,
            &format!("/apis/v1/mailboxes/{mailbox}/changes?since=0"),
        )
        .await;
    let changed = feed["changed"].as_array().unwrap();
    assert!(
        changed
            .iter()
            .any(|m| m["messageUUID"] == memo.uuid.to_string() && m["read"] == true),
        "{feed}"
    );
    let (status, detail) = w
        .get(
            &token,
            &format!(
                "/apis/v1/mailboxes/{mailbox}/messages/{}",
                sent["messageId"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        detail["memo"]["contentData"]["kleData"]["subjectKey"],
        "05.04.02"
    );
    w.assert_counts_consistent().await;
}

#[tokio::test]
async fn a_systems_memo_to_the_same_contact_point_is_never_changed() {
    let w = World::new().await;
    add_contact_points(&w).await;
    let mut memo = MemoSpec::to_cvr(KOMMUNE_CVR, "Fra Skat");
    memo.sender_cvr = SKAT_CVR.into();
    memo.contact_point = Some("cp-kle".into());
    let skat = w.token(SKAT_SENDER).await;
    let sent = memo.build();
    let (status, body) = w.post_memo(&skat, sent.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (bytes, model) = pull(&w, KOMMUNE_PAS, memo.uuid).await;
    assert_eq!(bytes, sent, "the bytes as the system sent them");
    assert!(model.content_data.is_none());
    assert!(model.recipient.attention_data.is_none());
}

#[tokio::test]
async fn the_same_message_uuid_twice_is_accepted_once() {
    let w = World::new().await;
    add_contact_points(&w).await;
    let mailbox = w.mailbox_of(ALICE).await;
    let memo = Written::to_contact_point(ALICE_CPR, "cp-kle");
    let (first, a) = write(&w, ALICE, &mailbox, memo.build()).await;
    assert_eq!(first, StatusCode::CREATED, "{a}");
    let (again, b) = write(&w, ALICE, &mailbox, memo.build()).await;
    assert_eq!(again, StatusCode::OK, "{b}");
    assert_eq!(a, b, "the first answer");
    let uuid = memo.uuid.to_string();
    let (memos,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM memos WHERE message_uuid = $1")
        .bind(&uuid)
        .fetch_one(w.db())
        .await
        .unwrap();
    let (copies,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM messages WHERE message_uuid = $1")
        .bind(&uuid)
        .fetch_one(w.db())
        .await
        .unwrap();
    assert_eq!((memos, copies), (1, 1));
    let pas = w.token(KOMMUNE_PAS).await;
    let (_, queue) = w.get(&pas, "/apis/v1/memos").await;
    assert_eq!(queue.as_array().unwrap().len(), 1);
    assert_eq!(labels_in(&w, ALICE, &mailbox, "SENT").await.len(), 1);

    // Bob may not reuse Alice's messageUUID from his own mailbox.
    let bob_mailbox = w.mailbox_of(BOB).await;
    let mut stolen = Written::to_contact_point(BOB_CPR, "cp-kle");
    stolen.uuid = memo.uuid;
    let (status, body) = write(&w, BOB, &bob_mailbox, stolen.build()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

/// Delivers a letter from the municipality to Alice, from contact point `cp-pas`.
async fn letter(w: &World, reply: bool, reply_by: Option<chrono::DateTime<Utc>>) -> Uuid {
    let mut memo = MemoSpec::to_cpr(ALICE_CPR, "Svar venligst");
    memo.reply = reply;
    memo.reply_by = reply_by;
    memo.sender_contact_point = Some("cp-pas".into());
    w.deliver(&memo).await;
    memo.uuid
}

fn reply_to(original: Uuid) -> Written {
    let mut reply = Written::to_contact_point(ALICE_CPR, "cp-pas");
    reply.label = "Sv: Svar venligst".into();
    reply.reply_to = Some(original);
    reply
}

#[tokio::test]
async fn replies_follow_the_originals_rules() {
    let w = World::new().await;
    let mailbox = w.mailbox_of(ALICE).await;

    let no_reply = letter(&w, false, None).await;
    let (status, body) = write(&w, ALICE, &mailbox, reply_to(no_reply).build()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "REPLY_NOT_ALLOWED");

    // A short deadline: moving the clock far would also expire the test's tokens.
    let deadline = t0() + Duration::minutes(1);
    let late = letter(&w, true, Some(deadline)).await;
    w.clock.set(deadline + Duration::seconds(1));
    let (status, body) = write(&w, ALICE, &mailbox, reply_to(late).build()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "REPLY_DEADLINE_PASSED");

    let (status, body) = write(&w, ALICE, &mailbox, reply_to(Uuid::new_v4()).build()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "UNKNOWN_ORIGINAL");

    // In time: it goes to the contact point the letter came from (its mapped system).
    w.clock.set(t0());
    let open = letter(&w, true, Some(t0() + Duration::days(14))).await;
    let reply = reply_to(open);
    let (status, body) = write(&w, ALICE, &mailbox, reply.build()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["contactPointId"], "cp-pas");
    let (_, model) = pull(&w, KOMMUNE_PAS, reply.uuid).await;
    assert_eq!(model.reply_data[0].message_uuid, open);

    // A reply to another contact point than the letter's is refused.
    let mut elsewhere = reply_to(open);
    elsewhere.recipient.contact_point = Some(brevdue_memo::ContactPoint {
        contact_point_id: "cp-generel".into(),
        ..Default::default()
    });
    let (status, body) = write(&w, ALICE, &mailbox, elsewhere.build()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "UNKNOWN_RECIPIENT");
    // Nothing of the refused ones was stored.
    let (stored,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM memos WHERE sender_mailbox_id = $1")
            .bind(&mailbox)
            .fetch_one(w.db())
            .await
            .unwrap();
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn a_reply_without_a_contact_point_goes_to_the_authoritys_default_system() {
    let w = World::new().await;
    let mailbox = w.mailbox_of(ALICE).await;
    let mut memo = MemoSpec::to_cpr(ALICE_CPR, "Svar gerne");
    memo.reply = true;
    w.deliver(&memo).await;
    let mut reply = reply_to(memo.uuid);
    reply.recipient.contact_point = None;
    let (status, body) = write(&w, ALICE, &mailbox, reply.build()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let inbox = w.token(KOMMUNE_INBOX).await;
    let (_, queue) = w.get(&inbox, "/apis/v1/memos").await;
    assert_eq!(queue[0]["messageUUID"], reply.uuid.to_string());
}

#[tokio::test]
async fn a_forward_reaches_a_citizen_and_is_in_sent() {
    let w = World::new().await;
    let alice_mailbox = w.mailbox_of(ALICE).await;
    let bob_mailbox = w.mailbox_of(BOB).await;
    let original = letter(&w, false, None).await;

    let mut forward = Written::to_person(ALICE_CPR, BOB_CPR);
    forward.label = "Videresendt: Svar venligst".into();
    forward.forward_of = Some(original);
    let (status, body) = write(&w, ALICE, &alice_mailbox, forward.build()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["routedTo"], "MAILBOX");
    assert_eq!(
        labels_in(&w, BOB, &bob_mailbox, "INBOX").await,
        vec![Value::from(forward.label.clone())]
    );
    assert!(
        labels_in(&w, ALICE, &alice_mailbox, "SENT")
            .await
            .contains(&Value::from(forward.label.clone()))
    );
    // Bob sees who forwarded it; it is not post from an authority.
    let (sender_public,): (i64,) = sqlx::query_as(
        "SELECT CAST(sender_public AS INTEGER) FROM messages \
         WHERE mailbox_id = $1 AND message_uuid = $2",
    )
    .bind(&bob_mailbox)
    .bind(forward.uuid.to_string())
    .fetch_one(w.db())
    .await
    .unwrap();
    assert_eq!(sender_public, 0);
    w.assert_counts_consistent().await;

    // Forwarding what is not in the mailbox, or to an authority without a contact point: no.
    let mut unknown = Written::to_person(ALICE_CPR, BOB_CPR);
    unknown.forward_of = Some(Uuid::new_v4());
    let (status, body) = write(&w, ALICE, &alice_mailbox, unknown.build()).await;
    assert_eq!(body["code"], "UNKNOWN_ORIGINAL", "{status}");
    let mut to_authority = Written::to_person(ALICE_CPR, KOMMUNE_CVR);
    to_authority.recipient.id_type = "CVR".into();
    to_authority.forward_of = Some(original);
    let (status, body) = write(&w, ALICE, &alice_mailbox, to_authority.build()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "UNKNOWN_RECIPIENT");
    // A new message (no ForwardData) may not go to a citizen.
    let (status, body) = write(
        &w,
        ALICE,
        &alice_mailbox,
        Written::to_person(ALICE_CPR, BOB_CPR).build(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn the_contact_points_limits_and_the_overall_limit_are_kept() {
    let w = World::new().await;
    add_contact_points(&w).await;
    let mailbox = w.mailbox_of(ALICE).await;
    let before = w.count("memos").await;

    let mut two = Written::to_contact_point(ALICE_CPR, "cp-kle");
    two.attachments = vec![
        ("a.txt".into(), b"a".to_vec()),
        ("b.txt".into(), b"b".to_vec()),
    ];
    let (status, body) = write(&w, ALICE, &mailbox, two.build()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "TOO_MANY_ATTACHMENTS");

    let mut big = Written::to_contact_point(ALICE_CPR, "cp-kle");
    big.attachments = vec![("stor.txt".into(), vec![b'x'; 1_000_001])];
    let (status, body) = write(&w, ALICE, &mailbox, big.build()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["code"], "ATTACHMENTS_TOO_LARGE");

    let mut one = Written::to_contact_point(ALICE_CPR, "cp-kle");
    one.attachments = vec![("lille.txt".into(), vec![b'x'; 900_000])];
    let (status, body) = write(&w, ALICE, &mailbox, one.build()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(w.count("memos").await, before + 1);
    assert_eq!(w.tmp_files(), 0);
}

#[tokio::test]
async fn a_message_over_the_overall_limit_is_refused() {
    let w = World::with(|c| c.max_memo_bytes = 20_000).await;
    let mailbox = w.mailbox_of(ALICE).await;
    let mut big = Written::to_contact_point(ALICE_CPR, "cp-generel");
    big.attachments = vec![("stor.txt".into(), vec![b'x'; 30_000])];
    let (status, body) = write(&w, ALICE, &mailbox, big.build()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["code"], "PAYLOAD_TOO_LARGE");
    assert_eq!(w.count("memos").await, 0);
    assert_eq!(w.tmp_files(), 0);
}

#[tokio::test]
async fn only_owners_write_and_only_as_themselves() {
    let w = World::new().await;
    add_contact_points(&w).await;
    let alice_mailbox = w.mailbox_of(ALICE).await;
    let memo = || Written::to_contact_point(ALICE_CPR, "cp-kle").build();

    // Dave gets read access to Alice's mailbox: 403, whatever he sends.
    let alice = w.token(ALICE).await;
    let (status, body) = w
        .call(
            reqwest::Method::POST,
            &alice,
            &format!("/apis/v1/mailboxes/{alice_mailbox}/representatives"),
            Some(serde_json::json!({"cpr": DAVE_CPR})),
        )
        .await;
    assert!(status.is_success(), "{body}");
    let (status, body) = write(&w, DAVE, &alice_mailbox, memo()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // A stranger does not learn the mailbox exists.
    let (status, _) = write(&w, MALLORY, &alice_mailbox, memo()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Alice writing as somebody else.
    let (status, body) = write(
        &w,
        ALICE,
        &alice_mailbox,
        Written::to_contact_point(BOB_CPR, "cp-kle").build(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "SENDER_MISMATCH");
    // A hidden contact point, or none at all.
    let (status, body) = write(
        &w,
        ALICE,
        &alice_mailbox,
        Written::to_contact_point(ALICE_CPR, "cp-hidden").build(),
    )
    .await;
    assert_eq!(body["code"], "UNKNOWN_RECIPIENT", "{status}");
    assert_eq!(w.count("memos").await, 0);

    // Bob writes from ACME's mailbox as ACME; Carol (no rights) cannot.
    let token = w.token(BOB).await;
    let (_, list) = w.get(&token, "/apis/v1/mailboxes").await;
    let acme = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["cvr"] == ACME_CVR)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut from_acme = Written::to_contact_point(ACME_CVR, "cp-kle");
    from_acme.sender_type = "CVR".into();
    let (status, body) = write(&w, BOB, &acme, from_acme.build()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = write(&w, CAROL, &acme, from_acme.build()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A contact point takes messages only from its audiences: one for companies refuses a
/// citizen (422 `WRONG_AUDIENCE`, saying what to do) and takes the company's message; one for
/// citizens refuses the company; one for authorities only refuses both; a hidden one is never
/// written to. Nothing is stored for a refused message, and a forward is checked the same way.
#[tokio::test]
async fn a_contact_point_takes_messages_only_from_its_audiences() {
    let w = World::new().await;
    let contacts = brevdue_core::contacts::ContactPoints::new(w.db().clone());
    let csv = "type;id;name;audiences;visibility\n\
               KONTAKTPUNKT;cp-erhverv;Erhverv;COMPANY;VISIBLE\n\
               KONTAKTPUNKT;cp-borger;Borger;CITIZEN;VISIBLE\n\
               KONTAKTPUNKT;cp-myndighed;Myndigheder;AUTHORITY;VISIBLE\n\
               KONTAKTPUNKT;cp-skjult-borger;Skjult;CITIZEN;HIDDEN\n";
    contacts
        .import_csv(KOMMUNE, csv.as_bytes(), false)
        .await
        .unwrap();
    let alice = w.mailbox_of(ALICE).await;
    let token = w.token(BOB).await;
    let (_, list) = w.get(&token, "/apis/v1/mailboxes").await;
    let acme = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["cvr"] == ACME_CVR)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let from_acme = |cp: &str| {
        let mut m = Written::to_contact_point(ACME_CVR, cp);
        m.sender_type = "CVR".into();
        m
    };
    let before = w.count("memos").await;

    // A citizen to the companies' contact point: refused, with what to do.
    let (status, body) = write(
        &w,
        ALICE,
        &alice,
        Written::to_contact_point(ALICE_CPR, "cp-erhverv").build(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "WRONG_AUDIENCE");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("does not take messages from citizens")
            && message.contains("it is for companies")
            && message.contains("choose one of the authority's contact points for citizens"),
        "{message}"
    );
    // A company to the citizens' contact point, and either to the authorities'.
    let (status, body) = write(&w, BOB, &acme, from_acme("cp-borger").build()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "WRONG_AUDIENCE");
    assert!(body["message"].as_str().unwrap().contains("from companies"));
    for (person, mailbox, memo) in [
        (
            ALICE,
            &alice,
            Written::to_contact_point(ALICE_CPR, "cp-myndighed"),
        ),
        (BOB, &acme, from_acme("cp-myndighed")),
    ] {
        let (status, body) = write(&w, person, mailbox, memo.build()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["code"], "WRONG_AUDIENCE");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("it is for authorities")
        );
    }
    // A hidden contact point is not written to, even by its audience.
    let (status, body) = write(
        &w,
        ALICE,
        &alice,
        Written::to_contact_point(ALICE_CPR, "cp-skjult-borger").build(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "UNKNOWN_RECIPIENT");
    // A forward to the companies' contact point is checked the same way.
    let original = letter(&w, false, None).await;
    let mut forward = Written::to_contact_point(ALICE_CPR, "cp-erhverv");
    forward.forward_of = Some(original);
    let (status, body) = write(&w, ALICE, &alice, forward.build()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "WRONG_AUDIENCE");
    let before = before + 1; // the letter forwarded
    assert_eq!(w.count("memos").await, before, "nothing refused is stored");

    // Each audience reaches its own.
    let (status, body) = write(
        &w,
        ALICE,
        &alice,
        Written::to_contact_point(ALICE_CPR, "cp-borger").build(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = write(&w, BOB, &acme, from_acme("cp-erhverv").build()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(w.count("memos").await, before + 2);
}

#[tokio::test]
async fn each_contact_point_has_a_qr_code_of_its_deep_link() {
    let w = World::new().await;
    let resp = w
        .http
        .get(w.url("/apis/v1/contact-points/cp-pas/qr.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "image/png");
    let png = resp.bytes().await.unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png.to_vec()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (width, height) = (info.width as usize, info.height as usize);
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, text) = grids[0].decode().unwrap();
    assert_eq!(text, "brevdue://contact-point/cp-pas");

    let resp = w
        .http
        .get(w.url("/apis/v1/contact-points/cp-pas/qr.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "image/svg+xml");
    let svg = resp.text().await.unwrap();
    assert!(
        svg.contains("<svg") && svg.trim_end().ends_with("</svg>"),
        "{svg}"
    );
    // The same code as the PNG: one 8x8 square per dark module, each dark in the PNG too.
    assert!(
        svg.contains(&format!("width=\"{width}\" height=\"{height}\"")),
        "{svg}"
    );
    let path = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let squares: Vec<(usize, usize)> = path
        .split('M')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (x, rest) = p.split_once(' ').unwrap();
            let y = rest.split('h').next().unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    let dark_pixels = pixels.iter().filter(|p| **p == 0).count();
    assert_eq!(squares.len() * 64, dark_pixels);
    for (x, y) in squares {
        assert_eq!(pixels[(y + 4) * width + x + 4], 0, "module at {x},{y}");
    }

    for path in [
        "/apis/v1/contact-points/nope/qr.png",
        "/apis/v1/contact-points/nope/qr.svg",
    ] {
        let status = w.http.get(w.url(path)).send().await.unwrap().status();
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn the_openapi_document_has_the_new_routes() {
    let w = World::new().await;
    let doc: Value = w
        .http
        .get(w.url("/apis/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = &doc["paths"];
    assert!(paths["/apis/v1/mailboxes/{mailboxId}/messages"]["post"].is_object());
    assert!(paths["/apis/v1/contact-points/{id}/qr.png"]["get"].is_object());
    assert!(paths["/apis/v1/contact-points/{id}/qr.svg"]["get"].is_object());
    assert!(doc["components"]["schemas"]["MessageSent"].is_object());
}
