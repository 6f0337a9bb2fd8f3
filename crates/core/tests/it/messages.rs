//! Messages and folders: paging, sorting, free-text search, filters, PATCH with If-Match,
//! delete then purge, folder counts and user folders.

use brevdue_memo::DocumentKind;
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

/// Alice's mailbox with `n` letters "Brev 0".. "Brev n-1", one minute apart, from two senders.
async fn alice_with_letters(w: &World, n: usize) -> (String, String) {
    for i in 0..n {
        let mut memo = MemoSpec::to_cpr(ALICE_CPR, &format!("Brev {i}"));
        if i % 2 == 1 {
            memo.sender_label = "Afdeling B".into();
        } else {
            memo.sender_label = "Afdeling A".into();
        }
        w.deliver(&memo).await;
        w.clock.advance(Duration::minutes(1));
    }
    (w.mailbox_of(ALICE).await, w.token(ALICE).await)
}

fn labels(page: &Value) -> Vec<String> {
    page["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["label"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn pages_and_sorting() {
    let w = World::new().await;
    let (mb, alice) = alice_with_letters(&w, 7).await;
    let base = format!("/apis/v1/mailboxes/{mb}/messages");
    let (_, p0) = w.get(&alice, &format!("{base}?size=3")).await;
    assert_eq!(
        labels(&p0),
        vec!["Brev 6", "Brev 5", "Brev 4"],
        "newest first by default"
    );
    assert_eq!(p0["totalElements"], 7);
    assert_eq!(p0["totalPages"], 3);
    assert_eq!(p0["page"], 0);
    assert_eq!(p0["size"], 3);
    let (_, p2) = w.get(&alice, &format!("{base}?size=3&page=2")).await;
    assert_eq!(labels(&p2), vec!["Brev 0"]);
    let (_, p9) = w.get(&alice, &format!("{base}?size=3&page=9")).await;
    assert!(labels(&p9).is_empty());

    let (_, asc) = w
        .get(
            &alice,
            &format!("{base}?sortFields=receivedDateTime:asc&size=2"),
        )
        .await;
    assert_eq!(labels(&asc), vec!["Brev 0", "Brev 1"]);
    let (_, by_label) = w
        .get(&alice, &format!("{base}?sortFields=label:desc&size=2"))
        .await;
    assert_eq!(labels(&by_label), vec!["Brev 6", "Brev 5"]);
    let (_, by_sender) = w
        .get(
            &alice,
            &format!("{base}?sortFields=sender:desc,receivedDateTime:asc&size=4"),
        )
        .await;
    assert_eq!(
        labels(&by_sender),
        vec!["Brev 1", "Brev 3", "Brev 5", "Brev 0"]
    );

    let (status, body) = w.get(&alice, &format!("{base}?sortFields=secret")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "BAD_REQUEST");
    let (status, body) = w.get(&alice, &format!("{base}?page=-1")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "BAD_REQUEST");
}

#[tokio::test]
async fn free_text_searches_subject_sender_and_document_text() {
    let w = World::new().await;
    w.deliver(&MemoSpec::to_cpr(ALICE_CPR, "Årsopgørelse 2026"))
        .await;
    let mut sender = MemoSpec::to_cpr(ALICE_CPR, "Et brev");
    sender.sender_label = "Vejdirektoratet".into();
    w.deliver(&sender).await;
    w.deliver(&MemoSpec::to_cpr(ALICE_CPR, "Brev med tekst").main_file(
        "brev.txt",
        "text/plain",
        "Husk at medbringe pas og sygesikringskort".as_bytes(),
    ))
    .await;
    w.deliver(&MemoSpec::to_cpr(ALICE_CPR, "Brev med HTML").main_file(
        "brev.html",
        "text/html",
        b"<html><body><p>Din <b>tandl&aelig;ge</b>tid</p><script>hemmelighed</script></body></html>",
    ))
    .await;
    w.deliver(&MemoSpec::to_cpr(ALICE_CPR, "Brev med PDF").main_file(
        "brev.pdf",
        "application/pdf",
        b"%PDF-1.4\n1 0 obj << /Length 44 >>\nstream\nBT 72 700 Td (Parkeringsafgift i Fjordby) Tj ET\nendstream\nendobj\n%%EOF\n",
    ))
    .await;
    w.deliver(&MemoSpec::to_cpr(ALICE_CPR, "Binært").main_file(
        "data.bin",
        "application/octet-stream",
        b"kryptonit",
    ))
    .await;
    let mb = w.mailbox_of(ALICE).await;
    let alice = w.token(ALICE).await;
    let search = |q: &str| format!("/apis/v1/mailboxes/{mb}/messages?any={q}");
    let cases: &[(&str, &[&str])] = &[
        ("aarsopgoerelse", &[]),
        ("årsopgørelse", &["Årsopgørelse 2026"]),
        ("ÅRSOPGØRELSE", &["Årsopgørelse 2026"]), // case does not matter
        ("arsopgørelse", &["Årsopgørelse 2026"]), // nor accents (ø is a letter, not an accent)
        ("vejdirektorat", &["Et brev"]),          // sender, as a prefix
        ("sygesikringskort", &["Brev med tekst"]), // text/plain
        ("pas sygesikring", &["Brev med tekst"]), // several words narrow
        ("pas tandlæge", &[]),
        ("tandlæge", &["Brev med HTML"]), // HTML text, entity decoded
        ("hemmelighed", &[]),             // scripts are not text
        ("parkeringsafgift", &["Brev med PDF"]), // text of an uncompressed PDF
        ("kryptonit", &[]),               // binary files are not indexed
        ("\"OR\" NEAR(", &[]),            // FTS syntax is not interpreted
    ];
    for (q, expected) in cases {
        let (status, page) = w.get(&alice, &search(&urlencode(q))).await;
        assert_eq!(status, StatusCode::OK, "{q}: {page}");
        assert_eq!(labels(&page), *expected, "search {q:?}");
    }
}

/// On PostgreSQL a word also finds its Danish inflections (Snowball stemming), beside what it
/// finds as a prefix; a Danish stop word alone narrows nothing away. Always on PostgreSQL.
#[tokio::test]
async fn on_postgresql_search_finds_danish_inflections() {
    let url = crate::postgres::fresh_postgres_database();
    let w = World::with(|c| c.database_url = Some(url)).await;
    w.deliver(&MemoSpec::to_cpr(ALICE_CPR, "Skatten for 2026").main_file(
        "brev.txt",
        "text/plain",
        "Du har betalt for meget i skat og får penge tilbage".as_bytes(),
    ))
    .await;
    w.deliver(&MemoSpec::to_cpr(ALICE_CPR, "Indkaldelser til tandlægen"))
        .await;
    let mb = w.mailbox_of(ALICE).await;
    let alice = w.token(ALICE).await;
    let cases: &[(&str, &[&str])] = &[
        ("skatter", &["Skatten for 2026"]),               // the stem skat
        ("indkaldelse", &["Indkaldelser til tandlægen"]), // singular finds plural
        ("tandlæge", &["Indkaldelser til tandlægen"]),
        ("penge og skat", &["Skatten for 2026"]), // a Danish stop word, found as written
        ("penge tandlæge", &[]),                  // still every word
        ("ska", &["Skatten for 2026"]),           // a prefix, as on SQLite
    ];
    for (q, expected) in cases {
        let path = format!("/apis/v1/mailboxes/{mb}/messages?any={}", urlencode(q));
        let (status, page) = w.get(&alice, &path).await;
        assert_eq!(status, StatusCode::OK, "{q}: {page}");
        assert_eq!(labels(&page), *expected, "search {q:?}");
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn patch_needs_the_current_version() {
    let w = World::new().await;
    let (mb, alice) = alice_with_letters(&w, 2).await;
    let (_, page) = w
        .get(&alice, &format!("/apis/v1/mailboxes/{mb}/messages"))
        .await;
    let id = page["content"][0]["id"].as_str().unwrap().to_owned();
    let version = page["content"][0]["version"].as_i64().unwrap();
    let path = format!("/apis/v1/mailboxes/{mb}/messages/{id}");

    let patch = |if_match: Option<String>, body: Value| {
        let mut req = w.http.patch(w.url(&path)).bearer_auth(&alice).json(&body);
        if let Some(v) = if_match {
            req = req.header("If-Match", v);
        }
        req.send()
    };
    let r = patch(None, json!({"read": true})).await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"],
        "PRECONDITION_REQUIRED"
    );

    let r = patch(
        Some(format!("\"{version}\"")),
        json!({"read": true, "flagged": true}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], format!("\"{}\"", version + 1).as_str());
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["read"], true);
    assert_eq!(m["flagged"], true);
    assert_eq!(m["version"], version + 1);

    let r = patch(Some(version.to_string()), json!({"read": false}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"],
        "PRECONDITION_FAILED"
    );

    let r = patch(Some((version + 1).to_string()), json!({"read": false}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // read=false finds it again; the other letter was never read.
    let (_, unread) = w
        .get(
            &alice,
            &format!("/apis/v1/mailboxes/{mb}/messages?read=false"),
        )
        .await;
    assert_eq!(unread["totalElements"], 2);
    let (_, flagged) = w
        .get(
            &alice,
            &format!("/apis/v1/mailboxes/{mb}/messages?flagged=true"),
        )
        .await;
    assert_eq!(labels(&flagged), vec!["Brev 1"]);

    // Move to a user folder.
    let (status, folder) = w
        .call(
            Method::POST,
            &alice,
            &format!("/apis/v1/mailboxes/{mb}/folders"),
            Some(json!({"name": "Skat"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let folder_id = folder["id"].as_str().unwrap().to_owned();
    let r = patch(Some("*".into()), json!({"folderId": folder_id}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, in_folder) = w
        .get(
            &alice,
            &format!("/apis/v1/mailboxes/{mb}/messages?folderId={folder_id}"),
        )
        .await;
    assert_eq!(labels(&in_folder), vec!["Brev 1"]);
    let r = patch(Some("*".into()), json!({"folderId": "no-such-folder"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = patch(Some("*".into()), json!({"read": "yes"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    w.assert_counts_consistent().await;
}

#[tokio::test]
async fn delete_moves_to_deleted_and_from_there_purges() {
    let w = World::new().await;
    let (mb, alice) = alice_with_letters(&w, 2).await;
    let deleted = w.folder(&alice, &mb, "DELETED").await;
    let (_, page) = w
        .get(&alice, &format!("/apis/v1/mailboxes/{mb}/messages"))
        .await;
    let id = page["content"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/apis/v1/mailboxes/{mb}/messages/{id}");

    let r = w
        .http
        .delete(w.url(&path))
        .bearer_auth(&alice)
        .header("If-Match", "99")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        w.call(Method::DELETE, &alice, &path, None).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, msg) = w.get(&alice, &path).await;
    assert_eq!(msg["folderId"], deleted.as_str());
    let (_, rest) = w
        .get(&alice, &format!("/apis/v1/mailboxes/{mb}/messages"))
        .await;
    assert_eq!(
        rest["totalElements"], 1,
        "the default list leaves DELETED out"
    );
    let (_, folders) = w
        .get(&alice, &format!("/apis/v1/mailboxes/{mb}/folders"))
        .await;
    let count = |t: &str, field: &str| {
        folders
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["type"] == t)
            .unwrap()[field]
            .clone()
    };
    assert_eq!(count("DELETED", "totalCount"), 1);
    assert_eq!(count("INBOX", "totalCount"), 1);
    assert_eq!(count("INBOX", "unreadCount"), 1);

    assert_eq!(
        w.call(Method::DELETE, &alice, &path, None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(w.get(&alice, &path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        w.call(Method::DELETE, &alice, &path, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(w.count("messages").await, 1);
    assert_eq!(w.count("message_tombstones").await, 1);
    w.assert_counts_consistent().await;
}

#[tokio::test]
async fn a_message_carries_its_memo_model_state_and_file_paths() {
    let w = World::new().await;
    let memo = MemoSpec::to_cpr(ALICE_CPR, "Med bilag").with_file(
        DocumentKind::Additional,
        "bilag.pdf",
        "application/pdf",
        b"%PDF-1.4 fake",
    );
    w.deliver(&memo).await;
    let mb = w.mailbox_of(ALICE).await;
    let alice = w.token(ALICE).await;
    let (_, page) = w
        .get(&alice, &format!("/apis/v1/mailboxes/{mb}/messages"))
        .await;
    assert_eq!(page["content"][0]["hasAttachments"], true);
    let id = page["content"][0]["id"].as_str().unwrap();
    let resp = w
        .http
        .get(w.url(&format!("/apis/v1/mailboxes/{mb}/messages/{id}")))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["etag"], "\"1\"");
    let m: Value = resp.json().await.unwrap();
    assert_eq!(m["memo"]["messageUUID"], memo.uuid.to_string());
    assert_eq!(m["memo"]["sender"]["id"], KOMMUNE_CVR);
    assert_eq!(
        m["memo"]["documents"][1]["files"][0]["filename"],
        "bilag.pdf"
    );
    assert_eq!(m["read"], false);
    assert_eq!(m["version"], 1);
    assert_eq!(m["documents"][1]["kind"], "additional");
    assert_eq!(
        m["documents"][1]["files"][0]["contentPath"],
        format!("/apis/v1/mailboxes/{mb}/messages/{id}/documents/1/files/0/content")
    );
    assert_eq!(m["documents"][1]["files"][0]["size"], 13);
}

#[tokio::test]
async fn user_folders() {
    let w = World::new().await;
    let mb = w.mailbox_of(ALICE).await;
    let alice = w.token(ALICE).await;
    let path = format!("/apis/v1/mailboxes/{mb}/folders");
    let (status, _) = w
        .call(Method::POST, &alice, &path, Some(json!({"name": "Bolig"})))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = w
        .call(Method::POST, &alice, &path, Some(json!({"name": "Bolig"})))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    for bad in ["", "   ", "a\u{0}b"] {
        let (status, _) = w
            .call(Method::POST, &alice, &path, Some(json!({"name": bad})))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}");
    }
    let long = "x".repeat(101);
    let (status, _) = w
        .call(Method::POST, &alice, &path, Some(json!({"name": long})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, folders) = w.get(&alice, &path).await;
    let types: Vec<&str> = folders
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        vec!["INBOX", "DRAFTS", "SENT", "USER_DEFINED", "DELETED"]
    );
}
