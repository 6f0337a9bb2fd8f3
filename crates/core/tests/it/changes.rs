//! The change feed: deliveries, PATCHes, moves and purges after a cursor, in order, paged.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

async fn feed(w: &World, token: &str, mb: &str, since: &str, limit: u32) -> Value {
    let (status, f) = w
        .get(
            token,
            &format!("/apis/v1/mailboxes/{mb}/changes?since={since}&limit={limit}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{f}");
    f
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m.as_str()
                .map_or_else(|| m["id"].as_str().unwrap().to_owned(), str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn the_feed_returns_what_changed_since_a_cursor() {
    let w = World::new().await;
    let mb = w.mailbox_of(ALICE).await;
    let alice = w.token(ALICE).await;
    let first = feed(&w, &alice, &mb, "0", 100).await;
    assert!(first["changed"].as_array().unwrap().is_empty());
    assert_eq!(first["nextCursor"], "0");

    for i in 0..5 {
        w.deliver(&MemoSpec::to_cpr(ALICE_CPR, &format!("Brev {i}")))
            .await;
    }
    // Another mailbox's post never shows.
    w.deliver(&MemoSpec::to_cvr(ACME_CVR, "Til ACME")).await;

    // Paged in order of change.
    let a = feed(&w, &alice, &mb, "0", 3).await;
    assert_eq!(a["changed"].as_array().unwrap().len(), 3);
    assert_eq!(a["hasMore"], true);
    let b = feed(&w, &alice, &mb, a["nextCursor"].as_str().unwrap(), 3).await;
    assert_eq!(b["changed"].as_array().unwrap().len(), 2);
    assert_eq!(b["hasMore"], false);
    let all: Vec<String> = a["changed"]
        .as_array()
        .unwrap()
        .iter()
        .chain(b["changed"].as_array().unwrap())
        .map(|m| m["label"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(all, vec!["Brev 0", "Brev 1", "Brev 2", "Brev 3", "Brev 4"]);
    let cursor = b["nextCursor"].as_str().unwrap().to_owned();
    let quiet = feed(&w, &alice, &mb, &cursor, 100).await;
    assert!(quiet["changed"].as_array().unwrap().is_empty());
    assert_eq!(quiet["nextCursor"], cursor.as_str());

    // A PATCH and a delete (move) change a message; a purge deletes it.
    let first_id = a["changed"][0]["id"].as_str().unwrap().to_owned();
    let second_id = a["changed"][1]["id"].as_str().unwrap().to_owned();
    let path = |id: &str| format!("/apis/v1/mailboxes/{mb}/messages/{id}");
    let r = w
        .http
        .patch(w.url(&path(&first_id)))
        .bearer_auth(&alice)
        .header("If-Match", "1")
        .json(&json!({"read": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        w.call(Method::DELETE, &alice, &path(&second_id), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let c = feed(&w, &alice, &mb, &cursor, 100).await;
    assert_eq!(
        ids(&c["changed"]),
        vec![first_id.clone(), second_id.clone()]
    );
    assert_eq!(c["changed"][0]["read"], true);
    assert!(c["deleted"].as_array().unwrap().is_empty());
    let cursor = c["nextCursor"].as_str().unwrap().to_owned();
    assert_eq!(
        w.call(Method::DELETE, &alice, &path(&second_id), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let d = feed(&w, &alice, &mb, &cursor, 100).await;
    assert!(d["changed"].as_array().unwrap().is_empty());
    assert_eq!(ids(&d["deleted"]), vec![second_id]);

    let (status, body) = w
        .get(
            &alice,
            &format!("/apis/v1/mailboxes/{mb}/changes?since=abc"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "BAD_REQUEST");
}
