//! The server itself: health, the OpenAPI document, errors as JSON, graceful shutdown, and a
//! restart on the same data folder.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

#[tokio::test]
async fn health_and_openapi() {
    let w = World::new().await;
    let r = w.http.get(w.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = w
        .http
        .get(w.url("/apis/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/apis/v1/mailboxes",
        "/apis/v1/mailboxes/{mailboxId}/folders",
        "/apis/v1/mailboxes/{mailboxId}/messages",
        "/apis/v1/mailboxes/{mailboxId}/messages/{messageId}",
        "/apis/v1/mailboxes/{mailboxId}/messages/{messageId}/documents/{documentId}/files/{fileId}/content",
        "/apis/v1/mailboxes/{mailboxId}/changes",
        "/apis/v1/mailboxes/{mailboxId}/representatives",
        "/apis/v1/memos",
        "/apis/v1/memos/{messageUUID}",
        "/apis/v1/memos/{messageUUID}/receipt",
        "/apis/v1/contact-points",
        "/apis/v1/contact-points/{id}",
        "/apis/v1/contact-groups",
        "/apis/v1/contact-groups/{id}/contact-points",
        "/apis/v1/contact-structure",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for s in [
        "ErrorBody",
        "ErrorCode",
        "Mailbox",
        "MessageSummary",
        "ChangeFeed",
        "MemoAccepted",
    ] {
        assert!(schemas.contains_key(s), "schema {s} missing");
    }
    let codes = schemas["ErrorCode"]["enum"].as_array().unwrap();
    assert!(codes.iter().any(|c| c == "PRECONDITION_FAILED"));
}

#[tokio::test]
async fn a_restart_on_the_same_folder_keeps_everything() {
    let w = World::new().await;
    w.deliver(&MemoSpec::to_cpr(ALICE_CPR, "Før genstart"))
        .await;
    let data = w.dir.path().join("data");
    let database_url = database_url(w.db());
    let World {
        server,
        dir,
        clock,
        http,
        ..
    } = w;
    server.shutdown().await.unwrap();
    let mut config = brevdue_core::Config::new(&data);
    config.clock = clock;
    config.database_url = database_url;
    let again = brevdue_core::start(config).await.unwrap();
    // Signed in through the restarted server's database.
    let tokens = again
        .state()
        .auth
        .issue_person_tokens(CLIENT, ALICE)
        .await
        .unwrap();
    let token = tokens.access_token;
    let list: Value = http
        .get(format!("{}/apis/v1/mailboxes", again.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mb = list[0]["id"].as_str().unwrap();
    let page: Value = http
        .get(format!("{}/apis/v1/mailboxes/{mb}/messages", again.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["content"][0]["label"], "Før genstart");
    again.shutdown().await.unwrap();
    drop(dir);
}

#[tokio::test]
async fn unknown_routes_and_bad_tokens() {
    let w = World::new().await;
    let r = w
        .http
        .get(w.url("/apis/v1/mailboxes"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "UNAUTHORIZED");
    let token = w.token(ALICE).await;
    let r = w
        .http
        .get(w.url("/apis/v1/mailboxes"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    w.revoke(&token).await;
    let r = w
        .http
        .get(w.url("/apis/v1/mailboxes"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn brevdue_serve_demo_starts_a_seeded_core_on_loopback() {
    let options = brevdue_core::ServeOptions {
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: None,
        demo: true,
        test_login: false,
        database: None,
    };
    let running = brevdue_core::cli_start(options).await.unwrap();
    assert!(
        running.demo_messages >= 50,
        "{} demo messages",
        running.demo_messages
    );
    let temp = running.temp_data.as_ref().unwrap().path().to_path_buf();
    assert!(temp.join("brevdue.sqlite3").is_file());
    let http = reqwest::Client::new();
    let ids: Value = http
        .get(format!("{}/oauth/demo-identities", running.server.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!ids.as_array().unwrap().is_empty());
    running.server.shutdown().await.unwrap();
    drop(running.temp_data);
    assert!(
        !temp.exists(),
        "the demo's temporary data folder is removed"
    );

    // The test identity provider never listens beyond loopback.
    let wide = brevdue_core::ServeOptions {
        listen: Some("0.0.0.0:0".parse().unwrap()),
        data_dir: None,
        demo: true,
        test_login: false,
        database: None,
    };
    assert!(brevdue_core::cli_start(wide).await.is_err());
}

/// `brevdue serve --demo --database postgres://…`: the demo world in PostgreSQL (not in the
/// data folder, which keeps only the file store). Always on PostgreSQL.
#[tokio::test]
async fn brevdue_serve_with_a_postgres_database_keeps_its_rows_there() {
    let url = crate::postgres::fresh_postgres_database();
    let data = tempfile::tempdir().unwrap();
    let options = brevdue_core::ServeOptions {
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(data.path().to_path_buf()),
        demo: true,
        test_login: false,
        database: Some(url.clone()),
    };
    let running = brevdue_core::cli_start(options).await.unwrap();
    assert!(running.demo_messages >= 50);
    let db = running.server.state().db.clone();
    assert_eq!(
        brevdue_core::db::Backend::of(&db),
        brevdue_core::db::Backend::Postgres
    );
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM memos")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(usize::try_from(n).unwrap(), running.demo_messages);
    assert!(!data.path().join("brevdue.sqlite3").exists());
    assert!(data.path().join("blobs").is_dir());
    running.server.shutdown().await.unwrap();

    // A database URL of another kind is refused with a clear error.
    let wrong = brevdue_core::ServeOptions {
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(data.path().to_path_buf()),
        database: Some("mysql://localhost/brevdue".into()),
        ..Default::default()
    };
    let err = brevdue_core::cli_start(wrong)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("unsupported database URL"), "{err}");
}
