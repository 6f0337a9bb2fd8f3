//! The client against a real core on loopback: sync into the cache, reading offline with the
//! core stopped, and changes made offline reaching the server exactly once after a restart.

use std::time::Duration;

use brevdue_client::ErrorKind;
use brevdue_client::cache::ListQuery;
use brevdue_client::sync::{Progress, SyncEvent};
use chrono::{Duration as Days, Utc};
use serde_json::Value;

use crate::in_private_keyring;
use crate::support::core::{ANNA, ANNA_CPR, BO_CPR, TestCore, letter};
use crate::support::{files_containing, open_client, secret_tool_lookup};

/// Calls the core's API as `person` with a token of the core's own.
async fn call(
    core: &TestCore,
    person: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    if_match: Option<i64>,
) -> (u16, Value) {
    let token = core.token(person).await;
    let mut request = reqwest::Client::new()
        .request(
            method,
            format!("{}{}", core.url().as_str().trim_end_matches('/'), path),
        )
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    if let Some(v) = if_match {
        request = request.header("if-match", format!("\"{v}\""));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn inbox_query(client_mailbox: &str, inbox: &str) -> ListQuery {
    ListQuery {
        mailbox_id: client_mailbox.into(),
        folder_id: Some(inbox.into()),
        size: 50,
        ..ListQuery::default()
    }
}

#[tokio::test]
async fn sync_fills_the_cache_and_the_mail_reads_offline_after_a_restart() {
    in_private_keyring!(sync_fills_the_cache_and_the_mail_reads_offline_after_a_restart);
    let mut core = TestCore::start().await;
    let due = (Utc::now() + Days::days(10)).with_nanosecond_zero();
    core.deliver(&letter(
        ANNA_CPR,
        "Din årsopgørelse",
        "Her er din årsopgørelse for 2026.",
        None,
    ))
    .await;
    core.deliver(&letter(
        ANNA_CPR,
        "Ejendomsskat",
        "Betal ejendomsskatten.",
        Some(due),
    ))
    .await;
    core.deliver(&letter(
        ANNA_CPR,
        "Affaldsordning",
        "Nye tider for tømning.",
        None,
    ))
    .await;
    core.deliver(&letter(BO_CPR, "Til Bo", "Ikke til Anna.", None))
        .await;

    let data = tempfile::tempdir().unwrap();
    let client = open_client(core.url(), data.path()).await;
    assert!(client.account().await.is_none());
    assert_eq!(
        client.mailboxes().await.unwrap_err().kind(),
        ErrorKind::SignInRequired
    );
    let account = client.sign_in_demo(ANNA).await.unwrap();
    assert_eq!(account.id, ANNA);

    let (tx, mut rx) = tokio::sync::mpsc::channel::<Progress>(1000);
    let report = client.sync(Some(tx)).await.unwrap();
    assert_eq!(report.changed, 3);
    assert_eq!(report.fetched, 3);
    let mut steps = Vec::new();
    while let Some(p) = rx.recv().await {
        steps.push(p);
    }
    let last = steps.last().unwrap();
    assert!(last.total >= 5 && last.done == last.total, "{steps:?}");
    assert!(steps.windows(2).all(|w| w[0].done <= w[1].done));

    let mailboxes = client.mailboxes().await.unwrap();
    assert_eq!(mailboxes.len(), 1);
    let mailbox = mailboxes[0].id.clone();
    let folders = client.folders(&mailbox).await.unwrap();
    let inbox = folders
        .iter()
        .find(|f| f.folder_type == brevdue_api::FolderType::Inbox)
        .unwrap();
    assert_eq!((inbox.total_count, inbox.unread_count), (3, 3));
    let list = client
        .messages(&inbox_query(&mailbox, &inbox.id))
        .await
        .unwrap();
    let labels: Vec<&str> = list.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(
        labels,
        ["Affaldsordning", "Ejendomsskat", "Din årsopgørelse"]
    );
    let tax = &list[1];
    assert!(tax.has_actions && !list[0].has_actions);
    assert_eq!(tax.next_deadline, Some(due));
    assert_eq!(tax.sender, "Testrup Kommune");

    // Search: text of the letter, case and accents aside, prefixes; the sender.
    let found = client.search("ARSOPGØR", None, 10).await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].label, "Din årsopgørelse");
    assert_eq!(
        client
            .search("tømning", Some(&mailbox), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(client.search("testrup", None, 10).await.unwrap().len(), 3);
    assert!(client.search("Bo", None, 10).await.unwrap().is_empty());

    let agenda = client
        .agenda(Utc::now(), Utc::now() + Days::days(30))
        .await
        .unwrap();
    assert_eq!(agenda.len(), 2, "{agenda:?}");
    assert!(agenda.iter().all(|a| a.message_id == tax.id));
    let ics = client
        .export_ics(Utc::now(), Utc::now() + Days::days(30))
        .await
        .unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"));
    assert_eq!(
        ics.matches("BEGIN:VEVENT").count() + ics.matches("BEGIN:VTODO").count(),
        2,
        "{ics}"
    );

    let file = client.file_content(&tax.id, 0, 0).await.unwrap();
    assert_eq!(file, b"Betal ejendomsskatten.");

    // The refresh token is in the secret store and in no file of the data folder; neither is
    // any other access or refresh token the core ever issued (it keeps their hashes).
    let user = format!("{} {}@{}", account.client_id, account.id, account.server);
    let refresh = secret_tool_lookup(&user).expect("a refresh token in the secret store");
    assert!(files_containing(data.path(), &refresh).is_empty());
    assert!(core.files_with_tokens(data.path()).await.is_empty());

    // The core goes away, and the app is started again: everything reads from the cache.
    core.stop().await;
    drop(client);
    let client = open_client(core.url(), data.path()).await;
    assert_eq!(client.account().await.unwrap().id, ANNA);
    let offline = client
        .messages(&inbox_query(&mailbox, &inbox.id))
        .await
        .unwrap();
    assert_eq!(offline, list);
    let message = client.message(&tax.id).await.unwrap();
    assert_eq!(message.detail.unwrap().memo.label, "Ejendomsskat");
    assert_eq!(message.agenda.len(), 2);
    let file = client.file_content(&tax.id, 0, 0).await.unwrap();
    assert_eq!(file, b"Betal ejendomsskatten.");
    assert_eq!(
        client.search("ejendomsskat", None, 10).await.unwrap().len(),
        1
    );
    // Syncing says it is offline, and loses nothing.
    assert_eq!(
        client.sync(None).await.unwrap_err().kind(),
        ErrorKind::Offline
    );
    assert_eq!(
        client
            .messages(&inbox_query(&mailbox, &inbox.id))
            .await
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn changes_made_offline_reach_the_server_exactly_once_after_a_restart() {
    in_private_keyring!(changes_made_offline_reach_the_server_exactly_once_after_a_restart);
    let mut core = TestCore::start().await;
    for label in ["Et", "To", "Tre", "Fire", "Fem"] {
        core.deliver(&letter(ANNA_CPR, label, label, None)).await;
    }
    let data = tempfile::tempdir().unwrap();
    let client = open_client(core.url(), data.path()).await;
    client.sign_in_demo(ANNA).await.unwrap();
    client.sync(None).await.unwrap();
    let mailbox = client.mailboxes().await.unwrap()[0].id.clone();
    let skat = client.create_folder(&mailbox, "Skat").await.unwrap();
    assert_eq!(
        client
            .create_folder(&mailbox, "Skat")
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Conflict
    );
    let folders = client.folders(&mailbox).await.unwrap();
    assert!(folders.iter().any(|f| f.id == skat && f.name == "Skat"));
    let inbox = folders
        .iter()
        .find(|f| f.folder_type == brevdue_api::FolderType::Inbox)
        .unwrap()
        .id
        .clone();
    let deleted = folders
        .iter()
        .find(|f| f.folder_type == brevdue_api::FolderType::Deleted)
        .unwrap()
        .id
        .clone();
    let list = client
        .messages(&inbox_query(&mailbox, &inbox))
        .await
        .unwrap();
    let id = |label: &str| list.iter().find(|m| m.label == label).unwrap().id.clone();
    let (one, two, three, four, five) = (id("Et"), id("To"), id("Tre"), id("Fire"), id("Fem"));
    let mut before = std::collections::HashMap::new();
    for m in [&one, &two, &three, &four, &five] {
        before.insert(m.clone(), core.server_message(m).await);
    }

    // Offline: read, flag, move, delete, and flag one that will change on the server too.
    core.stop().await;
    client.mark_read(&one, true).await.unwrap();
    client.set_flagged(&two, true).await.unwrap();
    client.move_to(&three, &skat).await.unwrap();
    client.delete(&four).await.unwrap();
    client.set_flagged(&five, true).await.unwrap();
    assert_eq!(client.pending_changes().await.unwrap(), 5);
    // The user sees the changes at once.
    let now = client
        .messages(&inbox_query(&mailbox, &inbox))
        .await
        .unwrap();
    let labels: Vec<&str> = now.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(labels, ["Fem", "To", "Et"]);
    assert!(now.iter().find(|m| m.id == one).unwrap().read);
    assert!(now.iter().all(|m| m.pending));
    let counts = client.folders(&mailbox).await.unwrap();
    let count = |id: &str| {
        counts
            .iter()
            .find(|f| f.id == id)
            .map(|f| (f.total_count, f.unread_count))
            .unwrap()
    };
    assert_eq!(count(&inbox), (3, 2));
    assert_eq!(count(&skat), (1, 1));
    assert_eq!(count(&deleted), (1, 1));
    // Unknown folders are refused before anything is queued.
    assert_eq!(
        client
            .move_to(&one, "no-such-folder")
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );

    // The core comes back on the same data. Before the client syncs: "Et" was marked read by a
    // request whose answer never arrived (the same change with the same version), and
    // somebody else marked "Fem" read on another device.
    core.restart().await;
    let v1 = before[&one].0;
    let (status, _) = call(
        &core,
        ANNA,
        reqwest::Method::PATCH,
        &format!("/apis/v1/mailboxes/{mailbox}/messages/{one}"),
        Some(serde_json::json!({"read": true})),
        Some(v1),
    )
    .await;
    assert_eq!(status, 200);
    let v5 = before[&five].0;
    let (status, _) = call(
        &core,
        ANNA,
        reqwest::Method::PATCH,
        &format!("/apis/v1/mailboxes/{mailbox}/messages/{five}"),
        Some(serde_json::json!({"read": true})),
        Some(v5),
    )
    .await;
    assert_eq!(status, 200);

    let report = client.sync(None).await.unwrap();
    assert_eq!(
        (report.sent, report.already_applied, report.refused),
        (4, 1, 0),
        "{report:?}"
    );
    assert_eq!(client.pending_changes().await.unwrap(), 0);

    // Each change is on the server exactly once: one version step per change.
    assert_eq!(
        core.server_message(&one).await,
        (v1 + 1, true, false, inbox.clone())
    );
    assert_eq!(
        core.server_message(&two).await,
        (before[&two].0 + 1, false, true, inbox.clone())
    );
    assert_eq!(
        core.server_message(&three).await,
        (before[&three].0 + 1, false, false, skat.clone())
    );
    assert_eq!(
        core.server_message(&four).await,
        (before[&four].0 + 1, false, false, deleted.clone())
    );
    assert_eq!(
        core.server_message(&five).await,
        (v5 + 2, true, true, inbox.clone())
    );

    // Syncing again sends nothing and changes nothing.
    let again = client.sync(None).await.unwrap();
    assert_eq!((again.sent, again.already_applied), (0, 0));
    assert_eq!(core.server_message(&one).await.0, v1 + 1);
    assert_eq!(core.server_message(&five).await.0, v5 + 2);
    // The cache agrees with the server.
    for m in [&one, &two, &three, &four, &five] {
        let cached = client.message(m).await.unwrap().item;
        let server = core.server_message(m).await;
        assert_eq!(
            (
                cached.version,
                cached.read,
                cached.flagged,
                cached.folder_id
            ),
            server
        );
        assert!(!cached.pending);
    }
}

#[tokio::test]
async fn online_changes_go_out_at_once_and_background_sync_reports_progress() {
    in_private_keyring!(online_changes_go_out_at_once_and_background_sync_reports_progress);
    let core = TestCore::start().await;
    core.deliver(&letter(ANNA_CPR, "Velkommen", "Hej", None))
        .await;
    let data = tempfile::tempdir().unwrap();
    let client = open_client(core.url(), data.path()).await;
    client.sign_in_demo(ANNA).await.unwrap();

    let (tx, mut rx) = tokio::sync::mpsc::channel(100);
    let background = client
        .start_background_sync(Duration::from_secs(3600), tx)
        .await
        .unwrap();
    let mut saw_progress = false;
    loop {
        match tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .unwrap()
            .unwrap()
        {
            SyncEvent::Progress(p) => saw_progress |= p.total > 0,
            SyncEvent::Done(report) => {
                assert_eq!(report.fetched, 1);
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(saw_progress);

    let mailbox = client.mailboxes().await.unwrap()[0].id.clone();
    let message = client
        .messages(&ListQuery {
            mailbox_id: mailbox.clone(),
            size: 10,
            ..ListQuery::default()
        })
        .await
        .unwrap()
        .remove(0);
    let version = core.server_message(&message.id).await.0;
    client.mark_read(&message.id, true).await.unwrap();
    assert_eq!(core.server_message(&message.id).await.0, version + 1);
    assert_eq!(client.pending_changes().await.unwrap(), 0);

    // A new letter arrives; asking for a sync brings it in.
    core.deliver(&letter(ANNA_CPR, "Nyt brev", "Nyt", None))
        .await;
    background.sync_now();
    loop {
        if let SyncEvent::Done(report) = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .unwrap()
            .unwrap()
        {
            // The new letter, and the read mark coming back through the feed; only the new
            // letter is fetched.
            assert_eq!((report.changed, report.fetched), (2, 1));
            break;
        }
    }
    assert_eq!(client.search("nyt brev", None, 10).await.unwrap().len(), 1);

    // Sign-out deletes the cache and the stored token.
    drop(background);
    let cache_dirs = std::fs::read_dir(data.path().join("accounts"))
        .unwrap()
        .count();
    assert_eq!(cache_dirs, 1);
    client.sign_out().await.unwrap();
    assert_eq!(
        std::fs::read_dir(data.path().join("accounts"))
            .unwrap()
            .count(),
        0
    );
    assert!(client.account().await.is_none());
    let reopened = open_client(core.url(), data.path()).await;
    assert!(reopened.account().await.is_none());
}

trait NoNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl NoNanos for chrono::DateTime<Utc> {
    fn with_nanosecond_zero(self) -> Self {
        chrono::Timelike::with_nanosecond(&self, 0).unwrap()
    }
}

#[tokio::test]
async fn offline_deletes_for_good_and_changes_to_messages_gone_meanwhile_settle_once() {
    in_private_keyring!(
        offline_deletes_for_good_and_changes_to_messages_gone_meanwhile_settle_once
    );
    let mut core = TestCore::start().await;
    for label in ["Gammel", "Væk", "Bliver"] {
        core.deliver(&letter(ANNA_CPR, label, label, None)).await;
    }
    let data = tempfile::tempdir().unwrap();
    let client = open_client(core.url(), data.path()).await;
    client.sign_in_demo(ANNA).await.unwrap();
    client.sync(None).await.unwrap();
    let mailbox = client.mailboxes().await.unwrap()[0].id.clone();
    let all = ListQuery {
        mailbox_id: mailbox.clone(),
        size: 50,
        ..ListQuery::default()
    };
    let list = client.messages(&all).await.unwrap();
    let id = |label: &str| list.iter().find(|m| m.label == label).unwrap().id.clone();
    let (old, gone, stays) = (id("Gammel"), id("Væk"), id("Bliver"));
    // "Gammel" is in DELETED already (deleted online: it goes out at once).
    client.delete(&old).await.unwrap();
    assert_eq!(client.pending_changes().await.unwrap(), 0);
    let deleted = core.server_message(&old).await.3;

    core.stop().await;
    // Offline: delete "Gammel" for good, and mark "Væk" read.
    client.delete(&old).await.unwrap();
    client.mark_read(&gone, true).await.unwrap();
    assert!(
        client
            .messages(&all)
            .await
            .unwrap()
            .iter()
            .all(|m| m.id != old)
    );
    let in_deleted = ListQuery {
        folder_id: Some(deleted.clone()),
        ..all.clone()
    };
    assert!(client.messages(&in_deleted).await.unwrap().is_empty());

    // Meanwhile "Væk" is deleted for good on the server (from another device).
    core.restart().await;
    for _ in 0..2 {
        let (status, _) = call(
            &core,
            ANNA,
            reqwest::Method::DELETE,
            &format!("/apis/v1/mailboxes/{mailbox}/messages/{gone}"),
            None,
            None,
        )
        .await;
        assert_eq!(status, 204);
    }

    let report = client.sync(None).await.unwrap();
    assert_eq!((report.sent, report.refused), (1, 1), "{report:?}");
    assert_eq!(client.pending_changes().await.unwrap(), 0);
    let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM messages WHERE id IN (?, ?)")
        .bind(&old)
        .bind(&gone)
        .fetch_one(&core.state().db)
        .await
        .unwrap();
    assert_eq!(left, 0);
    let ids: Vec<String> = client
        .messages(&all)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, [stays]);
    assert!(client.messages(&in_deleted).await.unwrap().is_empty());
    // Nothing is sent again.
    let again = client.sync(None).await.unwrap();
    assert_eq!(
        (again.sent, again.refused, again.already_applied),
        (0, 0, 0)
    );
}
