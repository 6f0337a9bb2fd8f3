//! Recipient systems pull what was routed to them: the queue, the raw MeMo, receipts.

use chrono::{NaiveDate, TimeZone, Utc};
use reqwest::{Method, StatusCode};

use crate::common::*;

fn to_contact_point(cp: &str, label: &str) -> MemoSpec {
    let mut memo = MemoSpec::to_cvr(KOMMUNE_CVR, label);
    memo.sender_cvr = SKAT_CVR.into();
    memo.contact_point = Some(cp.into());
    memo
}

async fn send(w: &World, memo: &MemoSpec) {
    let skat = w.token(SKAT_SENDER).await;
    let (status, body) = w.post_memo(&skat, memo.build()).await;
    assert!(status.is_success(), "{body}");
}

#[tokio::test]
async fn a_recipient_system_pulls_the_raw_memo_and_receipts_it() {
    let w = World::new().await;
    let memo = to_contact_point("cp-generel", "Henvendelse");
    send(&w, &memo).await;
    let inbox = w.token(KOMMUNE_INBOX).await;
    let (_, queue) = w.get(&inbox, "/apis/v1/memos").await;
    assert_eq!(queue.as_array().unwrap().len(), 1);
    assert_eq!(queue[0]["label"], "Henvendelse");
    assert_eq!(queue[0]["size"], memo.build().len());

    let path = format!("/apis/v1/memos/{}", memo.uuid);
    let r = w
        .http
        .get(w.url(&path))
        .bearer_auth(&inbox)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/xml");
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        memo.build().as_slice(),
        "the bytes as sent"
    );

    // Another recipient system, the sender, a person: not theirs.
    let pas = w.token(KOMMUNE_PAS).await;
    assert_eq!(w.get(&pas, &path).await.0, StatusCode::NOT_FOUND);
    let receipt = format!("{path}/receipt");
    assert_eq!(
        w.call(Method::POST, &pas, &receipt, None).await.0,
        StatusCode::NOT_FOUND
    );
    let skat = w.token(SKAT_SENDER).await;
    assert_eq!(w.get(&skat, &path).await.0, StatusCode::FORBIDDEN);

    assert_eq!(
        w.call(Method::POST, &inbox, &receipt, None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        w.call(Method::POST, &inbox, &receipt, None).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, queue) = w.get(&inbox, "/apis/v1/memos").await;
    assert!(queue.as_array().unwrap().is_empty());
    let unknown = format!("/apis/v1/memos/{}/receipt", uuid::Uuid::new_v4());
    assert_eq!(
        w.call(Method::POST, &inbox, &unknown, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&inbox, "/apis/v1/memos/not-a-uuid").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn value_dated_authority_post_waits_in_the_queue() {
    let w = World::new().await;
    let mut memo = to_contact_point("cp-pas", "Senere");
    memo.value_date = Some(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    send(&w, &memo).await;
    let pas = w.token(KOMMUNE_PAS).await;
    let (_, queue) = w.get(&pas, "/apis/v1/memos").await;
    assert!(queue.as_array().unwrap().is_empty());
    assert_eq!(
        w.get(&pas, &format!("/apis/v1/memos/{}", memo.uuid))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    w.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 27, 23, 0, 0).unwrap());
    let (_, queue) = w.get(&pas, "/apis/v1/memos").await;
    assert_eq!(queue.as_array().unwrap().len(), 1);
}
