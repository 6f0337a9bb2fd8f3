//! Two core instances on one PostgreSQL database and one file store, as a deployment runs
//! them behind a load balancer without sticky sessions: a token from one works at the other,
//! the same messageUUID sent to both at once is accepted once, and a value-dated message is
//! released once whichever instance (or both at once) does it.

use chrono::{Duration as Days, NaiveDate};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

/// A world on PostgreSQL (whatever `BREVDUE_TEST_DATABASE` says) and a second core beside it on
/// the same database, file store and clock.
async fn two_instances() -> (World, brevdue_core::RunningServer) {
    let url = crate::postgres::fresh_postgres_database();
    let w = World::with(|c| c.database_url = Some(url.clone())).await;
    let mut config = brevdue_core::Config::new(w.dir.path().join("data"));
    config.database_url = Some(url);
    config.clock = w.clock.clone();
    config.test_provider = true;
    let second = brevdue_core::start(config).await.unwrap();
    (w, second)
}

async fn get_at(w: &World, base: &str, token: &str, path: &str) -> (StatusCode, Value) {
    let resp = w
        .http
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn post_memo_at(w: &World, base: &str, token: &str, memo: Vec<u8>) -> (StatusCode, Value) {
    let resp = w
        .http
        .post(format!("{base}/apis/v1/memos"))
        .bearer_auth(token)
        .header("content-type", "application/xml")
        .body(memo)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_person_signed_in_at_one_instance_is_served_by_the_other() {
    let (w, second) = two_instances().await;
    w.deliver(&MemoSpec::to_cpr(ALICE_CPR, "Brev via den første"))
        .await;
    let mailbox = w.mailbox_of(ALICE).await;
    let alice = w.token(ALICE).await; // signed in at the first instance
    let path = format!("/apis/v1/mailboxes/{mailbox}/messages");
    let (status, first) = w.get(&alice, &path).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (status, other) = get_at(&w, second.url(), &alice, &path).await;
    assert_eq!(status, StatusCode::OK, "{other}");
    assert_eq!(other["totalElements"], 1);
    assert_eq!(other["content"], first["content"]);

    // A message read at the second instance is read at the first.
    let id = other["content"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = get_at(&w, second.url(), &alice, &format!("{path}/{id}")).await;
    assert_eq!(status, StatusCode::OK);

    // A revoked token is refused by both.
    w.revoke(&alice).await;
    let (status, _) = get_at(&w, second.url(), &alice, &path).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    second.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_same_message_uuid_sent_to_both_instances_at_once_is_accepted_once() {
    let (w, second) = two_instances().await;
    let kommune = w.token(KOMMUNE_SENDER).await;
    for round in 0..5 {
        let memo = MemoSpec::to_cpr(ALICE_CPR, &format!("Samme brev {round}")).build();
        let (a, b) = tokio::join!(
            post_memo_at(&w, w.server.url(), &kommune, memo.clone()),
            post_memo_at(&w, second.url(), &kommune, memo.clone()),
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CREATED],
            "one creates, the other answers the first result: {} / {}",
            a.1,
            b.1
        );
        assert_eq!(a.1["messageUUID"], b.1["messageUUID"]);
    }
    assert_eq!(w.count("memos").await, 5);
    assert_eq!(w.count("messages").await, 5);
    w.assert_counts_consistent().await;
    second.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_value_dated_message_is_released_once_by_two_instances() {
    let (w, second) = two_instances().await;
    let mut uuids = Vec::new();
    for i in 0..20 {
        let mut memo = MemoSpec::to_cpr(ALICE_CPR, &format!("Årsopgørelse {i}"));
        memo.value_date = NaiveDate::from_ymd_opt(2026, 11, 29);
        uuids.push(w.deliver(&memo).await["messageUUID"].clone());
    }
    let mailbox = w.mailbox_of(ALICE).await;
    let alice = w.token(ALICE).await;
    let feed_path = format!("/apis/v1/mailboxes/{mailbox}/changes?since=0");
    let (_, feed) = w.get(&alice, &feed_path).await;
    assert!(feed["changed"].as_array().unwrap().is_empty());

    w.clock.advance(Days::days(2));
    let (a, b) = tokio::join!(
        brevdue_core::release::release_due(w.server.state()),
        brevdue_core::release::release_due(second.state()),
    );
    assert_eq!(
        a.unwrap() + b.unwrap(),
        20,
        "each released once, by one of them"
    );

    let (status, feed) = get_at(&w, second.url(), &alice, &feed_path).await;
    assert_eq!(status, StatusCode::OK);
    let changed = feed["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 20);
    let mut seen: Vec<&Value> = changed.iter().map(|m| &m["messageUUID"]).collect();
    seen.sort_by_key(|v| v.as_str().unwrap().to_owned());
    seen.dedup();
    assert_eq!(seen.len(), 20, "no message twice in the feed");
    let (_, page) = w
        .get(&alice, &format!("/apis/v1/mailboxes/{mailbox}/messages"))
        .await;
    assert_eq!(page["totalElements"], 20);
    w.assert_counts_consistent().await;
    second.shutdown().await.unwrap();
}
