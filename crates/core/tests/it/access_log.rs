//! The access log: a representative's lists and reads are recorded (who, which mailbox, which
//! message, when), the owner's own are not; repeats within the window fold into one; only the
//! owner may list it.

use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

fn log_path(mailbox: &str) -> String {
    format!("/apis/v1/mailboxes/{mailbox}/access-log")
}

/// The log's entries as (kind, messageId) pairs, newest first.
fn kinds(log: &Value) -> Vec<(String, Option<String>)> {
    log["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["messageId"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_representatives_reads_are_logged_for_the_owner_alone() {
    let w = World::new().await;
    let alice = w.token(ALICE).await;
    let alice_box = w.mailbox_of(ALICE).await;
    w.deliver(&MemoSpec::to_cpr(ALICE_CPR, "Din ansøgning"))
        .await;
    let (status, grant) = w
        .call(
            Method::POST,
            &alice,
            &format!("/apis/v1/mailboxes/{alice_box}/representatives"),
            Some(json!({"cpr": DAVE_CPR})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{grant}");
    let grant_id = grant["id"].as_str().unwrap().to_owned();

    // The owner reads her own post: nothing is logged.
    let messages = format!("/apis/v1/mailboxes/{alice_box}/messages");
    let (status, list) = w.get(&alice, &messages).await;
    assert_eq!(status, StatusCode::OK);
    let message_id = list["content"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = w.get(&alice, &format!("{messages}/{message_id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, log) = w.get(&alice, &log_path(&alice_box)).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    assert_eq!(log["totalElements"], 0, "{log}");

    // Dave, her representative, lists, syncs, opens the letter and fetches its file.
    let dave = w.token(DAVE).await;
    let (status, _) = w.get(&dave, &messages).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = w
        .get(
            &dave,
            &format!("/apis/v1/mailboxes/{alice_box}/changes?since=0"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, detail) = w.get(&dave, &format!("{messages}/{message_id}")).await;
    assert_eq!(status, StatusCode::OK);
    let content_path = detail["documents"][0]["files"][0]["contentPath"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = w
        .http
        .get(w.url(&content_path))
        .bearer_auth(&dave)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let (status, log) = w.get(&alice, &log_path(&alice_box)).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    // The list and the change feed within the window are one listing.
    assert_eq!(
        kinds(&log),
        vec![
            ("READ_FILE".to_owned(), Some(message_id.clone())),
            ("READ_MESSAGE".to_owned(), Some(message_id.clone())),
            ("LIST_MESSAGES".to_owned(), None),
        ],
        "{log}"
    );
    for entry in log["content"].as_array().unwrap() {
        assert_eq!(entry["personId"], DAVE);
        assert_eq!(entry["name"], "Dave Dahl");
        assert_eq!(entry["mailboxId"], alice_box.as_str());
        assert_eq!(entry["representativeId"], grant_id.as_str());
        let at: chrono::DateTime<chrono::Utc> =
            serde_json::from_value(entry["accessDateTime"].clone()).unwrap();
        assert_eq!(at, w.clock.now());
    }
    // No CPR number of the representative is in the log.
    assert!(!log.to_string().contains(DAVE_CPR));

    // Reading again at once adds nothing; after the window it is a new entry.
    let (status, _) = w.get(&dave, &format!("{messages}/{message_id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, log) = w.get(&alice, &log_path(&alice_box)).await;
    assert_eq!(log["totalElements"], 3, "{log}");
    w.clock.advance(Duration::minutes(6));
    let (status, _) = w.get(&dave, &format!("{messages}/{message_id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, log) = w.get(&alice, &log_path(&alice_box)).await;
    assert_eq!(log["totalElements"], 4, "{log}");
    assert_eq!(log["content"][0]["kind"], "READ_MESSAGE");
    assert_eq!(
        log["content"][0]["accessDateTime"],
        json!(w.clock.now()),
        "{log}"
    );

    // Paging: newest first, one per page.
    let (status, page) = w
        .get(&alice, &format!("{}?page=3&size=1", log_path(&alice_box)))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["totalPages"], 4);
    assert_eq!(kinds(&page), vec![("LIST_MESSAGES".to_owned(), None)]);

    // The representative may not see the log (403: he sees the mailbox); a stranger and a
    // system may not know the mailbox (404).
    let (status, body) = w.get(&dave, &log_path(&alice_box)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let mallory = w.token(MALLORY).await;
    let (status, _) = w.get(&mallory, &log_path(&alice_box)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let system = w.token(KOMMUNE_SENDER).await;
    let (status, _) = w.get(&system, &log_path(&alice_box)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Nor may a failed attempt be logged as a read.
    let (_, log) = w.get(&alice, &log_path(&alice_box)).await;
    assert_eq!(log["totalElements"], 4, "{log}");

    // The log outlives the grant.
    let (status, _) = w
        .call(
            Method::DELETE,
            &alice,
            &format!("/apis/v1/mailboxes/{alice_box}/representatives/{grant_id}"),
            None,
        )
        .await;
    assert!(status.is_success(), "{status}");
    let (status, _) = w.get(&dave, &messages).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, log) = w.get(&alice, &log_path(&alice_box)).await;
    assert_eq!(log["totalElements"], 4, "{log}");

    // A company's owner (an employee with rights) has a log of the company's mailbox.
    let bob = w.token(BOB).await;
    let (_, boxes) = w.get(&bob, "/apis/v1/mailboxes").await;
    let acme = boxes
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["ownerType"] == "ORGANISATION")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, log) = w.get(&bob, &log_path(&acme)).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    assert_eq!(log["totalElements"], 0);

    // Bad paging is a clear 400.
    let (status, _) = w
        .get(&alice, &format!("{}?page=-1", log_path(&alice_box)))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
