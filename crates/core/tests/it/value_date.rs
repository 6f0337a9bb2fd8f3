//! Value dates (`doNotDeliverUntilDate`): invisible until the day begins in Danish time,
//! at most 5 days ahead, released exactly once, recallable until then.

use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use reqwest::{Method, StatusCode};

use crate::common::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn visible_labels(w: &World, person: &str) -> Vec<String> {
    let mailbox = w.mailbox_of(person).await;
    let token = w.token(person).await;
    let (status, page) = w
        .get(&token, &format!("/apis/v1/mailboxes/{mailbox}/messages"))
        .await;
    assert_eq!(status, StatusCode::OK);
    page["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["label"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_value_dated_message_appears_when_its_danish_day_begins() {
    let w = World::new().await;
    let mailbox = w.mailbox_of(ALICE).await;
    let alice = w.token(ALICE).await;
    let mut memo = MemoSpec::to_cpr(ALICE_CPR, "Årsopgørelse");
    memo.value_date = Some(date(2026, 11, 29));
    let accepted = w.deliver(&memo).await;
    assert_eq!(accepted["status"], "SCHEDULED");
    assert_eq!(accepted["doNotDeliverUntilDate"], "2026-11-29");

    assert!(visible_labels(&w, ALICE).await.is_empty());
    let (_, folders) = w
        .get(&alice, &format!("/apis/v1/mailboxes/{mailbox}/folders"))
        .await;
    assert!(
        folders
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["totalCount"] == 0)
    );
    let (_, feed) = w
        .get(
            &alice,
            &format!("/apis/v1/mailboxes/{mailbox}/changes?since=0"),
        )
        .await;
    assert!(feed["changed"].as_array().unwrap().is_empty());
    let cursor = feed["nextCursor"].as_str().unwrap().to_owned();
    let (_, search) = w
        .get(
            &alice,
            &format!("/apis/v1/mailboxes/{mailbox}/messages?any=årsopgørelse"),
        )
        .await;
    assert_eq!(search["totalElements"], 0);

    // 29 November begins at 23:00 UTC on the 28th (CET, UTC+1).
    w.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 28, 22, 59, 59).unwrap());
    assert!(visible_labels(&w, ALICE).await.is_empty());
    w.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 28, 23, 0, 0).unwrap());
    assert_eq!(visible_labels(&w, ALICE).await, vec!["Årsopgørelse"]);

    let (_, page) = w
        .get(&alice, &format!("/apis/v1/mailboxes/{mailbox}/messages"))
        .await;
    assert_eq!(
        page["content"][0]["receivedDateTime"],
        "2026-11-28T23:00:00Z"
    );
    let (_, feed) = w
        .get(
            &alice,
            &format!("/apis/v1/mailboxes/{mailbox}/changes?since={cursor}"),
        )
        .await;
    assert_eq!(
        feed["changed"].as_array().unwrap().len(),
        1,
        "the release is a change"
    );
    assert!(feed["nextCursor"].as_str().unwrap().parse::<i64>().unwrap() > cursor.parse().unwrap());
}

#[tokio::test]
async fn value_dates_may_be_at_most_five_days_ahead() {
    let w = World::new().await;
    let kommune = w.token(KOMMUNE_SENDER).await;
    let mut too_far = MemoSpec::to_cpr(ALICE_CPR, "For tidligt");
    too_far.value_date = Some(date(2026, 12, 3)); // today (27th) + 6
    let (status, body) = w.post_memo(&kommune, too_far.build()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "INVALID_VALUE_DATE");
    assert_eq!(w.count("memos").await, 0);

    let mut five = MemoSpec::to_cpr(ALICE_CPR, "Om fem dage");
    five.value_date = Some(date(2026, 12, 2));
    assert_eq!(w.deliver(&five).await["status"], "SCHEDULED");

    let mut today = MemoSpec::to_cpr(ALICE_CPR, "I dag");
    today.value_date = Some(date(2026, 11, 27));
    assert_eq!(w.deliver(&today).await["status"], "DELIVERED");
    let mut past = MemoSpec::to_cpr(ALICE_CPR, "I går");
    past.value_date = Some(date(2026, 11, 1));
    assert_eq!(w.deliver(&past).await["status"], "DELIVERED");
    let mut labels = visible_labels(&w, ALICE).await;
    labels.sort();
    assert_eq!(labels, vec!["I dag", "I går"]);
}

#[tokio::test]
async fn concurrent_releases_release_each_message_exactly_once() {
    let w = World::new().await;
    for i in 0..30 {
        let mut memo = MemoSpec::to_cpr(ALICE_CPR, &format!("Planlagt {i}"));
        memo.value_date = Some(date(2026, 11, 28));
        w.deliver(&memo).await;
    }
    let seq_before: (i64,) = sqlx::query_as("SELECT value FROM change_sequence")
        .fetch_one(w.db())
        .await
        .unwrap();
    w.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap());
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let state = w.server.state().clone();
        tasks.push(tokio::spawn(async move {
            brevdue_core::release::release_due(&state).await.unwrap()
        }));
    }
    let mut released = 0;
    for t in tasks {
        released += t.await.unwrap();
    }
    assert_eq!(released, 30);
    let seq_after: (i64,) = sqlx::query_as("SELECT value FROM change_sequence")
        .fetch_one(w.db())
        .await
        .unwrap();
    assert_eq!(
        seq_after.0 - seq_before.0,
        30,
        "one change number per release"
    );
    let (distinct,): (i64,) = sqlx::query_as("SELECT COUNT(DISTINCT change_seq) FROM messages")
        .fetch_one(w.db())
        .await
        .unwrap();
    assert_eq!(distinct, 30);
    assert_eq!(visible_labels(&w, ALICE).await.len(), 30);
    assert_eq!(
        brevdue_core::release::release_due(w.server.state())
            .await
            .unwrap(),
        0
    );
    w.assert_counts_consistent().await;
}

#[tokio::test]
async fn the_periodic_task_releases_without_anyone_looking() {
    let w = World::with(|c| c.release_interval = Duration::from_millis(20)).await;
    let mut memo = MemoSpec::to_cpr(ALICE_CPR, "Af sig selv");
    memo.value_date = Some(date(2026, 11, 28));
    w.deliver(&memo).await;
    w.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap());
    let mut visible = 0;
    for _ in 0..250 {
        let (v,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM messages WHERE visible = TRUE")
            .fetch_one(w.db())
            .await
            .unwrap();
        visible = v;
        if visible == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(visible, 1);
}

#[tokio::test]
async fn a_sender_recalls_until_the_value_date_and_not_after() {
    let w = World::new().await;
    let kommune = w.token(KOMMUNE_SENDER).await;
    let mut early = MemoSpec::to_cpr(ALICE_CPR, "Fortrudt");
    early.value_date = Some(date(2026, 11, 30));
    w.deliver(&early).await;
    let mut late = MemoSpec::to_cpr(ALICE_CPR, "For sent at fortryde");
    late.value_date = Some(date(2026, 11, 28));
    w.deliver(&late).await;
    let now = MemoSpec::to_cpr(ALICE_CPR, "Straks");
    w.deliver(&now).await;

    // Not the sender's authority, not a sender system, no such memo.
    let skat = w.token(SKAT_SENDER).await;
    let path = format!("/apis/v1/memos/{}", early.uuid);
    assert_eq!(
        w.call(Method::DELETE, &skat, &path, None).await.0,
        StatusCode::NOT_FOUND
    );
    let alice = w.token(ALICE).await;
    assert_eq!(
        w.call(Method::DELETE, &alice, &path, None).await.0,
        StatusCode::FORBIDDEN
    );
    let unknown = format!("/apis/v1/memos/{}", uuid::Uuid::new_v4());
    assert_eq!(
        w.call(Method::DELETE, &kommune, &unknown, None).await.0,
        StatusCode::NOT_FOUND
    );

    let (status, _) = w.call(Method::DELETE, &kommune, &path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        w.call(Method::DELETE, &kommune, &path, None).await.0,
        StatusCode::NO_CONTENT
    );
    // Posting it again does not bring it back.
    let (status, body) = w.post_memo(&kommune, early.build()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "RECALLED");

    // A delivered memo cannot be recalled.
    let (status, body) = w
        .call(
            Method::DELETE,
            &kommune,
            &format!("/apis/v1/memos/{}", now.uuid),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "CONFLICT");
    // Nor one whose value date has begun, even if nobody has looked since.
    w.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 27, 23, 0, 0).unwrap());
    let (status, _) = w
        .call(
            Method::DELETE,
            &kommune,
            &format!("/apis/v1/memos/{}", late.uuid),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // After every value date: the recalled one never appears.
    w.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
    let mut labels = visible_labels(&w, ALICE).await;
    labels.sort();
    assert_eq!(labels, vec!["For sent at fortryde", "Straks"]);
    assert_eq!(
        w.count("message_search").await,
        2,
        "the recalled text is unindexed"
    );
    w.assert_counts_consistent().await;
}
