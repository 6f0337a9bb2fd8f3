//! Routing rules of `POST /apis/v1/memos`: where each kind of recipient goes, what is refused
//! (and that a refusal stores nothing), size limits, idempotency.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

/// Nothing of a refused memo is kept: no row, no temporary file, no blob.
async fn nothing_stored(w: &World) {
    assert_eq!(w.count("memos").await, 0);
    assert_eq!(w.count("messages").await, 0);
    assert_eq!(w.tmp_files(), 0, "temporary files left behind");
    assert_eq!(w.blob_count(), 0, "blobs left behind");
}

async fn queue(w: &World, system: &str) -> Vec<Value> {
    let token = w.token(system).await;
    let (status, body) = w.get(&token, "/apis/v1/memos").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().unwrap().clone()
}

#[tokio::test]
async fn cpr_goes_to_the_citizens_inbox_made_on_first_delivery() {
    let w = World::new().await;
    assert_eq!(w.count("mailboxes").await, 0);
    let memo = MemoSpec::to_cpr(ALICE_CPR, "Din ansøgning er modtaget");
    let accepted = w.deliver(&memo).await;
    assert_eq!(accepted["routedTo"], "MAILBOX");
    assert_eq!(accepted["status"], "DELIVERED");
    assert_eq!(accepted["messageUUID"], memo.uuid.to_string());
    assert_eq!(w.count("mailboxes").await, 1);

    let mailbox = w.mailbox_of(ALICE).await;
    let alice = w.token(ALICE).await;
    let inbox = w.folder(&alice, &mailbox, "INBOX").await;
    let (status, page) = w
        .get(
            &alice,
            &format!("/apis/v1/mailboxes/{mailbox}/messages?folderId={inbox}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["totalElements"], 1);
    let m = &page["content"][0];
    assert_eq!(m["label"], "Din ansøgning er modtaget");
    assert_eq!(m["sender"]["senderId"], KOMMUNE_CVR);
    assert_eq!(m["read"], false);
    assert_eq!(m["receivedDateTime"], "2026-11-27T09:00:00Z");
}

#[tokio::test]
async fn cvr_goes_to_the_company_mailbox() {
    let w = World::new().await;
    w.deliver(&MemoSpec::to_cvr(ACME_CVR, "Moms for oktober"))
        .await;
    let bob = w.token(BOB).await;
    let (_, list) = w.get(&bob, "/apis/v1/mailboxes").await;
    let acme = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["ownerType"] == "ORGANISATION")
        .expect("Bob sees ACME's mailbox")
        .clone();
    assert_eq!(acme["ownerName"], "ACME ApS");
    assert_eq!(acme["cvr"], ACME_CVR);
    assert_eq!(acme["access"]["accessType"], "OWNER");
    let (_, page) = w
        .get(
            &bob,
            &format!(
                "/apis/v1/mailboxes/{}/messages",
                acme["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(page["content"][0]["label"], "Moms for oktober");
    // Nothing went to a citizen's mailbox.
    let bob_own = w.mailbox_of(BOB).await;
    let (_, own) = w
        .get(&bob, &format!("/apis/v1/mailboxes/{bob_own}/messages"))
        .await;
    assert_eq!(own["totalElements"], 0);
}

#[tokio::test]
async fn a_mapped_contact_point_goes_to_its_recipient_system() {
    let w = World::new().await;
    let mut memo = MemoSpec::to_cvr(KOMMUNE_CVR, "Pas til barn");
    memo.sender_cvr = SKAT_CVR.into();
    memo.contact_point = Some("cp-pas".into());
    memo.post_type = Some("MYNDIGHEDSPOST".into());
    let skat = w.token(SKAT_SENDER).await;
    let (status, accepted) = w.post_memo(&skat, memo.build()).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    assert_eq!(accepted["routedTo"], "RECIPIENT_SYSTEM");
    assert_eq!(accepted["recipientSystemId"], KOMMUNE_PAS);
    let q = queue(&w, KOMMUNE_PAS).await;
    assert_eq!(q.len(), 1);
    assert_eq!(q[0]["messageUUID"], memo.uuid.to_string());
    assert_eq!(q[0]["contactPointId"], "cp-pas");
    assert_eq!(q[0]["postType"], "MYNDIGHEDSPOST");
    assert_eq!(q[0]["senderId"], SKAT_CVR);
    assert!(queue(&w, KOMMUNE_INBOX).await.is_empty());
    assert_eq!(w.count("messages").await, 0, "no mailbox got it");
}

#[tokio::test]
async fn an_unmapped_contact_point_goes_to_the_default_recipient_system() {
    let w = World::new().await;
    let mut memo = MemoSpec::to_cvr(KOMMUNE_CVR, "Spørgsmål");
    memo.sender_cvr = SKAT_CVR.into();
    memo.contact_point = Some("cp-generel".into());
    let skat = w.token(SKAT_SENDER).await;
    let (status, accepted) = w.post_memo(&skat, memo.build()).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    assert_eq!(accepted["recipientSystemId"], KOMMUNE_INBOX);
    assert_eq!(queue(&w, KOMMUNE_INBOX).await.len(), 1);
    assert!(queue(&w, KOMMUNE_PAS).await.is_empty());
}

#[tokio::test]
async fn company_post_to_an_authority_goes_to_its_default_recipient_system() {
    let w = World::new().await;
    let mut memo = MemoSpec::to_cvr(KOMMUNE_CVR, "Virksomhedspost");
    memo.sender_cvr = SKAT_CVR.into();
    memo.post_type = Some("VIRKSOMHEDSPOST".into());
    let skat = w.token(SKAT_SENDER).await;
    let (status, accepted) = w.post_memo(&skat, memo.build()).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    let q = queue(&w, KOMMUNE_INBOX).await;
    assert_eq!(q[0]["postType"], "VIRKSOMHEDSPOST");
    assert!(q[0].get("contactPointId").is_none());
}

#[tokio::test]
async fn unknown_or_unroutable_recipients_are_422_and_store_nothing() {
    let w = World::new().await;
    let kommune = w.token(KOMMUNE_SENDER).await;
    let mut cases = Vec::new();
    cases.push(("UNKNOWN_RECIPIENT", MemoSpec::to_cpr("0909099999", "x")));
    cases.push(("UNKNOWN_RECIPIENT", MemoSpec::to_cvr("99999999", "x")));
    let mut cp = MemoSpec::to_cvr(KOMMUNE_CVR, "x");
    cp.contact_point = Some("cp-does-not-exist".into());
    cases.push(("UNKNOWN_RECIPIENT", cp));
    let mut wrong_authority = MemoSpec::to_cvr(SKAT_CVR, "x");
    wrong_authority.contact_point = Some("cp-pas".into());
    cases.push(("UNKNOWN_RECIPIENT", wrong_authority));
    let mut odd_type = MemoSpec::to_cpr(ALICE_CPR, "x");
    odd_type.recipient_type = "EMAIL".into();
    cases.push(("UNKNOWN_RECIPIENT", odd_type));
    let mut no_system = MemoSpec::to_cvr(SKAT_CVR, "x");
    no_system.contact_point = Some("cp-skat".into());
    cases.push(("UNROUTABLE", no_system));
    for (code, memo) in cases {
        let (status, body) = w.post_memo(&kommune, memo.build()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{memo:?}: {body}");
        assert_eq!(body["code"], code, "{memo:?}");
        assert!(body["message"].as_str().unwrap().len() > 5);
    }
    nothing_stored(&w).await;
}

#[tokio::test]
async fn the_sender_must_be_the_systems_authority() {
    let w = World::new().await;
    let mut memo = MemoSpec::to_cpr(ALICE_CPR, "Forfalsket");
    memo.sender_cvr = SKAT_CVR.into();
    let kommune = w.token(KOMMUNE_SENDER).await;
    let (status, body) = w.post_memo(&kommune, memo.build()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "SENDER_MISMATCH");
    nothing_stored(&w).await;
}

#[tokio::test]
async fn malformed_memos_are_400_with_the_position_and_store_nothing() {
    let w = World::new().await;
    let kommune = w.token(KOMMUNE_SENDER).await;
    let mismatched = "<?xml version=\"1.0\"?>\n<Message xmlns=\"https://DigitalPost.dk/MeMo-1\" \
        memoVersion=\"1.2\">\n  <MessageHeader>\n    <label>x</lbl>\n  </MessageHeader>\n</Message>\n";
    let (status, body) = w.post_memo(&kommune, mismatched.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "MALFORMED_MEMO");
    assert_eq!(body["position"]["line"], 4, "{body}");
    assert!(body["position"]["column"].as_u64().unwrap() > 1);

    let whole = MemoSpec::to_cpr(ALICE_CPR, "Afkortet").build();
    let (status, body) = w
        .post_memo(&kommune, whole[..whole.len() / 2].to_vec())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "MALFORMED_MEMO");
    assert!(body["position"]["line"].as_u64().is_some());

    let bad_base64 = String::from_utf8(MemoSpec::to_cpr(ALICE_CPR, "B64").build())
        .unwrap()
        .replacen("<content>", "<content>!!!!", 1);
    let (status, body) = w.post_memo(&kommune, bad_base64.into_bytes()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "MALFORMED_MEMO");

    let (status, body) = w.post_memo(&kommune, b"not xml at all".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "MALFORMED_MEMO");

    let (status, _) = w.post_memo(&kommune, Vec::new()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    nothing_stored(&w).await;
}

#[tokio::test]
async fn memos_breaking_the_schema_are_400_with_the_position_and_store_nothing() {
    let w = World::new().await;
    let kommune = w.token(KOMMUNE_SENDER).await;
    // Readable by the lenient reader (Sender's children out of order), refused by the
    // validator.
    let xml = include_str!("../../../memo/tests/data/invalid_order_sender.xml")
        .replace("29190925", KOMMUNE_CVR)
        .replace("0101701234", ALICE_CPR);
    let (status, body) = w.post_memo(&kommune, xml.into_bytes()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "INVALID_MEMO");
    assert!(body["position"]["line"].as_u64().unwrap() > 1, "{body}");
    nothing_stored(&w).await;
}

#[tokio::test]
async fn a_declared_length_over_99_5_mb_is_413_before_the_body_is_read() {
    let w = World::new().await;
    let kommune = w.token(KOMMUNE_SENDER).await;
    let mut tcp = tokio::net::TcpStream::connect(w.server.addr())
        .await
        .unwrap();
    let head = format!(
        "POST /apis/v1/memos HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {kommune}\r\n\
         Content-Type: application/xml\r\nContent-Length: {}\r\n\r\n<Message",
        brevdue_memo::MAX_MESSAGE_BYTES + 1
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), tcp.read(&mut answer))
        .await
        .expect("the server answers without waiting for the body")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("PAYLOAD_TOO_LARGE"), "{answer}");
    nothing_stored(&w).await;
}

#[tokio::test]
async fn a_streamed_body_over_the_limit_is_413_and_its_spool_file_removed() {
    let w = World::with(|c| c.max_memo_bytes = 64 * 1024).await;
    let kommune = w.token(KOMMUNE_SENDER).await;
    // Chunked (no Content-Length): the limit is found while counting.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..80).map(|_| Ok(vec![b' '; 1024])).collect();
    let resp = w
        .http
        .post(w.url("/apis/v1/memos"))
        .bearer_auth(&kommune)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "PAYLOAD_TOO_LARGE");
    nothing_stored(&w).await;
    // Under the limit it goes through.
    w.deliver(&MemoSpec::to_cpr(ALICE_CPR, "Lille")).await;
}

#[tokio::test]
async fn only_sender_systems_may_hand_in_memos() {
    let w = World::new().await;
    let memo = MemoSpec::to_cpr(ALICE_CPR, "x").build();
    for who in [ALICE, KOMMUNE_INBOX] {
        let token = w.token(who).await;
        let (status, body) = w.post_memo(&token, memo.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(body["code"], "FORBIDDEN");
    }
    let (status, body) = w.post_memo("not-a-token", memo.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "UNAUTHORIZED");
    let resp = w
        .http
        .post(w.url("/apis/v1/memos"))
        .body(memo)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    nothing_stored(&w).await;
}

#[tokio::test]
async fn the_same_message_uuid_twice_is_accepted_once() {
    let w = World::new().await;
    let memo = MemoSpec::to_cpr(ALICE_CPR, "To gange");
    let kommune = w.token(KOMMUNE_SENDER).await;
    let (first_status, first) = w.post_memo(&kommune, memo.build()).await;
    assert_eq!(first_status, StatusCode::CREATED);
    let (second_status, second) = w.post_memo(&kommune, memo.build()).await;
    assert_eq!(second_status, StatusCode::OK);
    assert_eq!(first, second);
    // Upper-case UUID in the XML is the same message.
    let upper = String::from_utf8(memo.build()).unwrap().replace(
        &memo.uuid.to_string(),
        &memo.uuid.to_string().to_uppercase(),
    );
    let (third_status, third) = w.post_memo(&kommune, upper.into_bytes()).await;
    assert_eq!(third_status, StatusCode::OK);
    assert_eq!(first, third);
    assert_eq!(w.count("memos").await, 1);
    assert_eq!(w.count("messages").await, 1);
    // Another authority may not reuse it.
    let mut stolen = memo.clone();
    stolen.sender_cvr = SKAT_CVR.into();
    let skat = w.token(SKAT_SENDER).await;
    let (status, body) = w.post_memo(&skat, stolen.build()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(w.count("memos").await, 1);
}

#[tokio::test]
async fn concurrent_duplicates_are_accepted_once() {
    let w = World::new().await;
    let memo = MemoSpec::to_cpr(ALICE_CPR, "Samtidig").build();
    let kommune = w.token(KOMMUNE_SENDER).await;
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let http = w.http.clone();
        let url = w.url("/apis/v1/memos");
        let token = kommune.clone();
        let body = memo.clone();
        tasks.push(tokio::spawn(async move {
            let r = http
                .post(url)
                .bearer_auth(token)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            (status, r.json::<Value>().await.unwrap())
        }));
    }
    let mut created = 0;
    let mut results = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("unexpected {other}: {body}"),
        }
        results.push(body);
    }
    assert_eq!(created, 1);
    assert!(results.windows(2).all(|p| p[0] == p[1]));
    assert_eq!(w.count("memos").await, 1);
    assert_eq!(w.count("messages").await, 1);
    assert_eq!(w.tmp_files(), 0);
}
