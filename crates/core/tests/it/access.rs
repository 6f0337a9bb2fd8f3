//! The access matrix: every endpoint called as every kind of caller, each answer checked
//! against the table below. Each row runs in a fresh world; the owner calls last, so that
//! what an owner's call changes cannot hide another caller's answer.
//!
//! The cast: Alice owns her CPR mailbox; Bob holds rights in ACME, Carol works there without
//! them; Dave represents Alice (every folder), Erin did (expired), Frank does for one folder
//! ("Delt"); Mallory is a stranger; and a sender and a recipient system of the municipality.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    EmployeeWithRights,
    EmployeeWithoutRights,
    RepActive,
    RepExpired,
    RepFolderLimited,
    Stranger,
    SenderSystem,
    RecipientSystem,
    NoToken,
    Owner,
}

/// The columns of the table, in calling order (the folder-limited representative before the
/// unlimited one, whose moves could bring a message into the limited one's folders).
const CALLERS: [Who; 10] = [
    Who::EmployeeWithRights,
    Who::EmployeeWithoutRights,
    Who::RepFolderLimited,
    Who::RepExpired,
    Who::RepActive,
    Who::Stranger,
    Who::SenderSystem,
    Who::RecipientSystem,
    Who::NoToken,
    Who::Owner,
];

fn subject(who: Who) -> Option<&'static str> {
    Some(match who {
        Who::Owner => ALICE,
        Who::EmployeeWithRights => BOB,
        Who::EmployeeWithoutRights => CAROL,
        Who::RepActive => DAVE,
        Who::RepExpired => ERIN,
        Who::RepFolderLimited => FRANK,
        Who::Stranger => MALLORY,
        Who::SenderSystem => KOMMUNE_SENDER,
        Who::RecipientSystem => KOMMUNE_INBOX,
        Who::NoToken => return None,
    })
}

/// The world every row starts from.
struct Fixture {
    alice: String,
    acme: String,
    inbox: String,
    delt: String,
    deleted: String,
    /// In Alice's inbox.
    m1: String,
    /// In Alice's folder "Delt".
    m2: String,
    /// In Alice's SENT folder, not from a public sender (her own letter).
    m3: String,
    /// In ACME's inbox.
    a1: String,
    dave_grant: String,
    /// Routed to the municipality's default recipient system.
    queued: uuid::Uuid,
    /// From the municipality to Alice, value date ahead.
    scheduled: uuid::Uuid,
}

async fn message_id(w: &World, uuid: uuid::Uuid) -> String {
    let (id,): (String,) = sqlx::query_as("SELECT id FROM messages WHERE message_uuid = $1")
        .bind(uuid.to_string())
        .fetch_one(w.db())
        .await
        .unwrap();
    id
}

async fn fixture(w: &World) -> Fixture {
    let alice_token = w.token(ALICE).await;
    let alice = w.mailbox_of(ALICE).await;
    let inbox = w.folder(&alice_token, &alice, "INBOX").await;
    let deleted = w.folder(&alice_token, &alice, "DELETED").await;
    let sent = w.folder(&alice_token, &alice, "SENT").await;
    let (_, delt) = w
        .call(
            Method::POST,
            &alice_token,
            &format!("/apis/v1/mailboxes/{alice}/folders"),
            Some(json!({"name": "Delt"})),
        )
        .await;
    let delt = delt["id"].as_str().unwrap().to_owned();

    let m1 = MemoSpec::to_cpr(ALICE_CPR, "M1 i indbakken");
    let m2 = MemoSpec::to_cpr(ALICE_CPR, "M2 i Delt");
    let m3 = MemoSpec::to_cpr(ALICE_CPR, "M3 Alices eget brev");
    for m in [&m1, &m2, &m3] {
        w.deliver(m).await;
    }
    let (m1, m2, m3) = (
        message_id(w, m1.uuid).await,
        message_id(w, m2.uuid).await,
        message_id(w, m3.uuid).await,
    );
    sqlx::query("UPDATE messages SET folder_id = $1 WHERE id = $2")
        .bind(&delt)
        .bind(&m2)
        .execute(w.db())
        .await
        .unwrap();
    // Her own sent letter: what a write feature will store, with a non-public sender.
    sqlx::query("UPDATE messages SET folder_id = $1, sender_public = FALSE WHERE id = $2")
        .bind(&sent)
        .bind(&m3)
        .execute(w.db())
        .await
        .unwrap();

    let a1 = MemoSpec::to_cvr(ACME_CVR, "A1 til ACME");
    w.deliver(&a1).await;
    let a1 = message_id(w, a1.uuid).await;
    let bob = w.token(BOB).await;
    let (_, bob_list) = w.get(&bob, "/apis/v1/mailboxes").await;
    let acme = bob_list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["ownerType"] == "ORGANISATION")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let grants = format!("/apis/v1/mailboxes/{alice}/representatives");
    let (status, dave) = w
        .call(
            Method::POST,
            &alice_token,
            &grants,
            Some(json!({"cpr": DAVE_CPR})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{dave}");
    let erin_expires = w.clock.now() + Duration::hours(1);
    let (status, _) = w
        .call(
            Method::POST,
            &alice_token,
            &grants,
            Some(json!({"cpr": "0101805555", "expiresDateTime": erin_expires})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let frank_expires = w.clock.now() + Duration::days(30);
    let (status, _) = w
        .call(
            Method::POST,
            &alice_token,
            &grants,
            Some(
                json!({"cpr": "0101806666", "folderIds": [delt], "expiresDateTime": frank_expires}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let mut queued = MemoSpec::to_cvr(KOMMUNE_CVR, "Til kommunen");
    queued.sender_cvr = SKAT_CVR.into();
    queued.contact_point = Some("cp-generel".into());
    let skat = w.token(SKAT_SENDER).await;
    assert_eq!(
        w.post_memo(&skat, queued.build()).await.0,
        StatusCode::CREATED
    );
    let mut scheduled = MemoSpec::to_cpr(ALICE_CPR, "Planlagt");
    scheduled.value_date = Some(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
    w.deliver(&scheduled).await;

    // Erin's grant runs out.
    w.clock.advance(Duration::hours(2));
    Fixture {
        alice,
        acme,
        inbox,
        delt,
        deleted,
        m1,
        m2,
        m3,
        a1,
        dave_grant: dave["id"].as_str().unwrap().to_owned(),
        queued: queued.uuid,
        scheduled: scheduled.uuid,
    }
}

/// One request of the matrix.
struct Req {
    method: Method,
    path: String,
    body: Option<Value>,
    raw: Option<Vec<u8>>,
    if_match: bool,
}

fn req(method: Method, path: String) -> Req {
    Req {
        method,
        path,
        body: None,
        raw: None,
        if_match: false,
    }
}

impl Req {
    fn json(mut self, v: Value) -> Self {
        self.body = Some(v);
        self
    }
    fn if_match(mut self) -> Self {
        self.if_match = true;
        self
    }
}

type Row = (&'static str, fn(&Fixture) -> Req, [u16; 10]);

// Columns:      Bob  Carol Frank Erin Dave Mall Send Recv None Alice
fn rows() -> Vec<Row> {
    vec![
        (
            "list mailboxes",
            |_| req(Method::GET, "/apis/v1/mailboxes".into()),
            [200, 200, 200, 200, 200, 200, 403, 403, 401, 200],
        ),
        (
            "list folders",
            |f| {
                req(
                    Method::GET,
                    format!("/apis/v1/mailboxes/{}/folders", f.alice),
                )
            },
            [404, 404, 200, 404, 200, 404, 404, 404, 401, 200],
        ),
        (
            "create folder",
            |f| {
                req(
                    Method::POST,
                    format!("/apis/v1/mailboxes/{}/folders", f.alice),
                )
                .json(json!({"name": format!("Ny {}", uuid::Uuid::new_v4())}))
            },
            [404, 404, 201, 404, 201, 404, 404, 404, 401, 201],
        ),
        (
            "list messages",
            |f| {
                req(
                    Method::GET,
                    format!("/apis/v1/mailboxes/{}/messages", f.alice),
                )
            },
            [404, 404, 200, 404, 200, 404, 404, 404, 401, 200],
        ),
        (
            "list a folder out of a limit",
            |f| {
                req(
                    Method::GET,
                    format!(
                        "/apis/v1/mailboxes/{}/messages?folderId={}",
                        f.alice, f.inbox
                    ),
                )
            },
            [404, 404, 404, 404, 200, 404, 404, 404, 401, 200],
        ),
        (
            "get M1 (inbox)",
            |f| {
                req(
                    Method::GET,
                    format!("/apis/v1/mailboxes/{}/messages/{}", f.alice, f.m1),
                )
            },
            [404, 404, 404, 404, 200, 404, 404, 404, 401, 200],
        ),
        (
            "get M2 (Delt)",
            |f| {
                req(
                    Method::GET,
                    format!("/apis/v1/mailboxes/{}/messages/{}", f.alice, f.m2),
                )
            },
            [404, 404, 200, 404, 200, 404, 404, 404, 401, 200],
        ),
        (
            "get M3 (own, not public)",
            |f| {
                req(
                    Method::GET,
                    format!("/apis/v1/mailboxes/{}/messages/{}", f.alice, f.m3),
                )
            },
            [404, 404, 404, 404, 404, 404, 404, 404, 401, 200],
        ),
        (
            "file of M1",
            |f| {
                req(
                    Method::GET,
                    format!(
                        "/apis/v1/mailboxes/{}/messages/{}/documents/0/files/0/content",
                        f.alice, f.m1
                    ),
                )
            },
            [404, 404, 404, 404, 200, 404, 404, 404, 401, 200],
        ),
        (
            "file of M3",
            |f| {
                req(
                    Method::GET,
                    format!(
                        "/apis/v1/mailboxes/{}/messages/{}/documents/0/files/0/content",
                        f.alice, f.m3
                    ),
                )
            },
            [404, 404, 404, 404, 404, 404, 404, 404, 401, 200],
        ),
        (
            "mark M1 read",
            |f| {
                req(
                    Method::PATCH,
                    format!("/apis/v1/mailboxes/{}/messages/{}", f.alice, f.m1),
                )
                .json(json!({"read": true}))
                .if_match()
            },
            [404, 404, 404, 404, 200, 404, 404, 404, 401, 200],
        ),
        (
            "flag M2",
            |f| {
                req(
                    Method::PATCH,
                    format!("/apis/v1/mailboxes/{}/messages/{}", f.alice, f.m2),
                )
                .json(json!({"flagged": true}))
                .if_match()
            },
            [404, 404, 200, 404, 200, 404, 404, 404, 401, 200],
        ),
        (
            "move M1 to DELETED",
            |f| {
                req(
                    Method::PATCH,
                    format!("/apis/v1/mailboxes/{}/messages/{}", f.alice, f.m1),
                )
                .json(json!({"folderId": f.deleted}))
                .if_match()
            },
            [404, 404, 404, 404, 403, 404, 404, 404, 401, 200],
        ),
        (
            "move M2 to INBOX",
            |f| {
                req(
                    Method::PATCH,
                    format!("/apis/v1/mailboxes/{}/messages/{}", f.alice, f.m2),
                )
                .json(json!({"folderId": f.inbox}))
                .if_match()
            },
            [404, 404, 404, 404, 200, 404, 404, 404, 401, 200],
        ),
        (
            "move M1 to Delt",
            |f| {
                req(
                    Method::PATCH,
                    format!("/apis/v1/mailboxes/{}/messages/{}", f.alice, f.m1),
                )
                .json(json!({"folderId": f.delt}))
                .if_match()
            },
            [404, 404, 404, 404, 200, 404, 404, 404, 401, 200],
        ),
        (
            "delete M1",
            |f| {
                req(
                    Method::DELETE,
                    format!("/apis/v1/mailboxes/{}/messages/{}", f.alice, f.m1),
                )
            },
            [404, 404, 404, 404, 403, 404, 404, 404, 401, 204],
        ),
        (
            "delete M2",
            |f| {
                req(
                    Method::DELETE,
                    format!("/apis/v1/mailboxes/{}/messages/{}", f.alice, f.m2),
                )
            },
            [404, 404, 403, 404, 403, 404, 404, 404, 401, 204],
        ),
        (
            "change feed",
            |f| {
                req(
                    Method::GET,
                    format!("/apis/v1/mailboxes/{}/changes?since=0", f.alice),
                )
            },
            [404, 404, 200, 404, 200, 404, 404, 404, 401, 200],
        ),
        (
            "list representatives",
            |f| {
                req(
                    Method::GET,
                    format!("/apis/v1/mailboxes/{}/representatives", f.alice),
                )
            },
            [404, 404, 403, 404, 403, 404, 404, 404, 401, 200],
        ),
        (
            "grant a representative",
            |f| {
                req(
                    Method::POST,
                    format!("/apis/v1/mailboxes/{}/representatives", f.alice),
                )
                .json(json!({"cpr": "0101807777"}))
            },
            [404, 404, 403, 404, 403, 404, 404, 404, 401, 201],
        ),
        (
            "revoke a representative",
            |f| {
                req(
                    Method::DELETE,
                    format!(
                        "/apis/v1/mailboxes/{}/representatives/{}",
                        f.alice, f.dave_grant
                    ),
                )
            },
            [404, 404, 403, 404, 403, 404, 404, 404, 401, 204],
        ),
        (
            "list ACME's messages",
            |f| {
                req(
                    Method::GET,
                    format!("/apis/v1/mailboxes/{}/messages", f.acme),
                )
            },
            [200, 404, 404, 404, 404, 404, 404, 404, 401, 404],
        ),
        (
            "get A1",
            |f| {
                req(
                    Method::GET,
                    format!("/apis/v1/mailboxes/{}/messages/{}", f.acme, f.a1),
                )
            },
            [200, 404, 404, 404, 404, 404, 404, 404, 401, 404],
        ),
        (
            "mark A1 read",
            |f| {
                req(
                    Method::PATCH,
                    format!("/apis/v1/mailboxes/{}/messages/{}", f.acme, f.a1),
                )
                .json(json!({"read": true}))
                .if_match()
            },
            [200, 404, 404, 404, 404, 404, 404, 404, 401, 404],
        ),
        (
            "ACME's folders",
            |f| {
                req(
                    Method::GET,
                    format!("/apis/v1/mailboxes/{}/folders", f.acme),
                )
            },
            [200, 404, 404, 404, 404, 404, 404, 404, 401, 404],
        ),
        (
            "ACME's representatives",
            |f| {
                req(
                    Method::GET,
                    format!("/apis/v1/mailboxes/{}/representatives", f.acme),
                )
            },
            [200, 404, 404, 404, 404, 404, 404, 404, 401, 404],
        ),
        (
            "delete A1",
            |f| {
                req(
                    Method::DELETE,
                    format!("/apis/v1/mailboxes/{}/messages/{}", f.acme, f.a1),
                )
            },
            [204, 404, 404, 404, 404, 404, 404, 404, 401, 404],
        ),
        (
            "hand in a memo",
            |_| {
                let mut r = req(Method::POST, "/apis/v1/memos".into());
                r.raw = Some(MemoSpec::to_cpr(ALICE_CPR, "Ny").build());
                r
            },
            [403, 403, 403, 403, 403, 403, 201, 403, 401, 403],
        ),
        (
            "list the queue",
            |_| req(Method::GET, "/apis/v1/memos".into()),
            [403, 403, 403, 403, 403, 403, 403, 200, 401, 403],
        ),
        (
            "fetch a queued memo",
            |f| req(Method::GET, format!("/apis/v1/memos/{}", f.queued)),
            [403, 403, 403, 403, 403, 403, 403, 200, 401, 403],
        ),
        (
            "receipt a queued memo",
            |f| req(Method::POST, format!("/apis/v1/memos/{}/receipt", f.queued)),
            [403, 403, 403, 403, 403, 403, 403, 204, 401, 403],
        ),
        (
            "recall a scheduled memo",
            |f| req(Method::DELETE, format!("/apis/v1/memos/{}", f.scheduled)),
            [403, 403, 403, 403, 403, 403, 204, 403, 401, 403],
        ),
    ]
}

#[tokio::test]
async fn every_endpoint_as_every_caller() {
    let mut failures = Vec::new();
    for (name, make, expected) in rows() {
        let w = World::new().await;
        let f = fixture(&w).await;
        for (who, want) in CALLERS.iter().zip(expected) {
            let r = make(&f);
            let mut call = w.http.request(r.method.clone(), w.url(&r.path));
            if let Some(s) = subject(*who) {
                call = call.bearer_auth(w.token(s).await);
            }
            if let Some(b) = &r.body {
                call = call.json(b);
            }
            if let Some(raw) = r.raw {
                call = call.body(raw);
            }
            if r.if_match {
                call = call.header("If-Match", "*");
            }
            let resp = call.send().await.unwrap();
            let got = resp.status().as_u16();
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            w.assert_counts_consistent().await;
            if got != want {
                failures.push(format!(
                    "{name} as {who:?}: expected {want}, got {got} {body}"
                ));
            }
            if got >= 400 {
                // Every refusal has the error shape.
                assert!(
                    body["code"].is_string() && body["message"].is_string(),
                    "{name} as {who:?}: {body}"
                );
                if got == 404 {
                    assert_eq!(body["code"], "NOT_FOUND");
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn visible(w: &World, who: &str, mailbox: &str) -> BTreeSet<String> {
    let token = w.token(who).await;
    let (status, feed) = w
        .get(
            &token,
            &format!("/apis/v1/mailboxes/{mailbox}/changes?since=0"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let from_feed: BTreeSet<String> = feed["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["label"].as_str().unwrap().to_owned())
        .collect();
    let mut all = BTreeSet::new();
    let (_, folders) = w
        .get(&token, &format!("/apis/v1/mailboxes/{mailbox}/folders"))
        .await;
    for folder in folders.as_array().unwrap() {
        let (_, page) = w
            .get(
                &token,
                &format!(
                    "/apis/v1/mailboxes/{mailbox}/messages?folderId={}",
                    folder["id"].as_str().unwrap()
                ),
            )
            .await;
        for m in page["content"].as_array().unwrap() {
            all.insert(m["label"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(all, from_feed, "lists and the change feed agree for {who}");
    all
}

#[tokio::test]
async fn what_each_caller_sees_and_may_do() {
    let w = World::new().await;
    let f = fixture(&w).await;
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        visible(&w, ALICE, &f.alice).await,
        set(&["M1 i indbakken", "M2 i Delt", "M3 Alices eget brev"])
    );
    assert_eq!(
        visible(&w, DAVE, &f.alice).await,
        set(&["M1 i indbakken", "M2 i Delt"])
    );
    assert_eq!(visible(&w, FRANK, &f.alice).await, set(&["M2 i Delt"]));

    // Folder counts count only what the caller sees.
    let dave = w.token(DAVE).await;
    let (_, folders) = w
        .get(&dave, &format!("/apis/v1/mailboxes/{}/folders", f.alice))
        .await;
    let sent = folders
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["type"] == "SENT")
        .unwrap();
    assert_eq!(sent["totalCount"], 0);
    let frank = w.token(FRANK).await;
    let (_, folders) = w
        .get(&frank, &format!("/apis/v1/mailboxes/{}/folders", f.alice))
        .await;
    let names: Vec<&str> = folders
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Delt"]);
    // A folder Frank makes is his to use.
    let (status, _) = w
        .call(
            Method::POST,
            &frank,
            &format!("/apis/v1/mailboxes/{}/folders", f.alice),
            Some(json!({"name": "Franks"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, folders) = w
        .get(&frank, &format!("/apis/v1/mailboxes/{}/folders", f.alice))
        .await;
    assert_eq!(folders.as_array().unwrap().len(), 2);

    // The mailbox list says what each access allows.
    let (_, list) = w.get(&dave, "/apis/v1/mailboxes").await;
    let rep = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == f.alice.as_str())
        .unwrap();
    assert_eq!(rep["ownerType"], "CITIZEN");
    assert_eq!(rep["ownerName"], "Alice Andersen");
    assert_eq!(rep["access"]["accessType"], "PARTY_REPRESENTATIVE");
    assert_eq!(rep["access"]["publicSendersOnly"], true);
    let p = &rep["access"]["permissions"];
    for allowed in ["read", "markRead", "flag", "createFolder", "moveMessages"] {
        assert_eq!(p[allowed], true, "{allowed}");
    }
    for denied in [
        "delete",
        "write",
        "reply",
        "forward",
        "changeSettings",
        "manageRepresentatives",
    ] {
        assert_eq!(p[denied], false, "{denied}");
    }
    let alice = w.token(ALICE).await;
    let (_, list) = w.get(&alice, "/apis/v1/mailboxes").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(
        list[0]["access"]["permissions"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v == true)
    );
    assert!(list[0].get("cvr").is_none(), "a CPR number is never sent");
    let (_, list) = w.get(&frank, "/apis/v1/mailboxes").await;
    let rep = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == f.alice.as_str())
        .unwrap();
    assert_eq!(rep["access"]["folderIds"].as_array().unwrap().len(), 2);
    let erin = w.token(ERIN).await;
    let (_, list) = w.get(&erin, "/apis/v1/mailboxes").await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|m| m["id"] != f.alice.as_str()),
        "expired grants are gone"
    );
    let carol = w.token(CAROL).await;
    let (_, list) = w.get(&carol, "/apis/v1/mailboxes").await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|m| m["ownerType"] == "CITIZEN")
    );

    // The owner sees the grants; revoking ends the access at once.
    let (_, grants) = w
        .get(
            &alice,
            &format!("/apis/v1/mailboxes/{}/representatives", f.alice),
        )
        .await;
    assert_eq!(grants.as_array().unwrap().len(), 3);
    let (status, _) = w
        .call(
            Method::DELETE,
            &alice,
            &format!(
                "/apis/v1/mailboxes/{}/representatives/{}",
                f.alice, f.dave_grant
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        w.get(&dave, &format!("/apis/v1/mailboxes/{}/messages", f.alice))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Granting to an unknown CPR number.
    let (status, body) = w
        .call(
            Method::POST,
            &alice,
            &format!("/apis/v1/mailboxes/{}/representatives", f.alice),
            Some(json!({"cpr": "0000000000"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "UNKNOWN_PERSON");
}
