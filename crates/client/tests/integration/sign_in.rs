//! Sign-in against the real core's OAuth endpoints on loopback (its test identity provider),
//! with the refresh token in the real secret store.

use std::time::Duration;

use brevdue_client::auth::{Authenticator, CLIENT_ID_CLI, CLIENT_ID_DESKTOP, Session};
use brevdue_client::credentials::CredentialStore;
use brevdue_client::{ErrorKind, http_client};
use url::Url;

use crate::in_private_keyring;
use crate::support::core::{ANNA, BO, TestCore};
use crate::support::secret_tool_lookup;

fn authenticator(server: &TestCore, client_id: &str) -> Authenticator {
    Authenticator::new(
        http_client().unwrap(),
        server.url(),
        client_id,
        CredentialStore::new(),
    )
    .unwrap()
}

fn user_of(session: &Session) -> String {
    let a = session.account();
    format!("{} {}@{}", a.client_id, a.id, a.server)
}

/// The final page the browser showed: status and text.
type Page = tokio::sync::oneshot::Receiver<(u16, String)>;

/// What a person's browser does with the authorization URL: load the login page, pick
/// `login_hint` (or cancel), and follow the redirect; first it may visit `detour` (a URL a
/// hostile local page would make it load). Sends back the final page's status and text.
fn browser(
    login_hint: &'static str,
    cancel: bool,
    detour: Option<&'static str>,
) -> (impl FnOnce(&Url) -> Result<(), String>, Page) {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let open = move |url: &Url| {
        let url = url.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let login = http.get(url.clone()).send().await.unwrap();
            assert_eq!(login.status(), 200, "the login page");
            let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            form.push(("login_hint".into(), login_hint.into()));
            if cancel {
                form.push(("cancel".into(), "1".into()));
            }
            let mut endpoint = url.clone();
            endpoint.set_query(None);
            let answer = http.post(endpoint).form(&form).send().await.unwrap();
            assert_eq!(answer.status(), 303);
            let location = answer.headers()["location"].to_str().unwrap().to_owned();
            if let Some(detour) = detour {
                let mut hostile = Url::parse(&location).unwrap();
                hostile.set_query(Some(detour));
                let refused = http.get(hostile).send().await.unwrap();
                assert_eq!(refused.status(), 400, "a callback with a foreign state");
            }
            let page = http.get(location).send().await.unwrap();
            let status = page.status().as_u16();
            let _ = tx.send((status, page.text().await.unwrap()));
        });
        Ok(())
    };
    (open, rx)
}

#[tokio::test]
async fn pkce_sign_in_through_the_loopback_redirect_stores_the_refresh_token() {
    in_private_keyring!(pkce_sign_in_through_the_loopback_redirect_stores_the_refresh_token);
    let server = TestCore::start().await;
    let auth = authenticator(&server, CLIENT_ID_DESKTOP);
    let (open, page) = browser(ANNA, false, Some("code=stolen&state=not-ours"));
    let session = auth
        .sign_in_with_browser(open, Duration::from_secs(20))
        .await
        .unwrap();

    let (status, text) = page.await.unwrap();
    assert_eq!(status, 200);
    assert!(
        text.contains("Du er logget ind — du kan lukke dette vindue"),
        "{text}"
    );

    let account = session.account();
    assert_eq!(account.id, ANNA);
    assert_eq!(account.name, "Anna Andersen");
    assert_eq!(account.client_id, CLIENT_ID_DESKTOP);
    // The access token works, and the refresh token in the secret store is a live one: the
    // session refreshes with it, and the rotated token replaces it there.
    let access = session.access_token().await.unwrap();
    assert!(server.access_is_live(access.expose()).await);
    let stored = secret_tool_lookup(&user_of(&session)).expect("a stored refresh token");
    let refreshed = session.access_token_after_rejection(&access).await.unwrap();
    assert_ne!(refreshed, access);
    assert!(server.access_is_live(refreshed.expose()).await);
    let rotated = secret_tool_lookup(&user_of(&session)).unwrap();
    assert_ne!(rotated, stored);
}

async fn grants(server: &TestCore) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM auth_grants")
        .fetch_one(&server.state().db)
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn a_cancelled_or_abandoned_sign_in_stores_nothing() {
    in_private_keyring!(a_cancelled_or_abandoned_sign_in_stores_nothing);
    let server = TestCore::start().await;
    let auth = authenticator(&server, CLIENT_ID_DESKTOP);
    let (open, page) = browser(ANNA, true, None);
    let error = auth
        .sign_in_with_browser(open, Duration::from_secs(20))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::SignInCancelled);
    let (_, text) = page.await.unwrap();
    assert!(text.contains("Du afbrød log på"), "{text}");

    // Nobody comes back: the wait ends.
    let error = auth
        .sign_in_with_browser(|_| Ok(()), Duration::from_millis(300))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::SignInCancelled);
    // A browser that cannot be opened is a failed sign-in.
    let error = auth
        .sign_in_with_browser(|_| Err("no display".into()), Duration::from_secs(5))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::SignInFailed);
    assert_eq!(grants(&server).await, 0);
}

#[tokio::test]
async fn demo_sign_in_needs_no_browser_and_refresh_rotates_the_stored_token() {
    in_private_keyring!(demo_sign_in_needs_no_browser_and_refresh_rotates_the_stored_token);
    let server = TestCore::start().await;
    let auth = authenticator(&server, CLIENT_ID_CLI);
    let identities = auth.demo_identities().await.unwrap();
    let ids: Vec<&str> = identities.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, [ANNA, BO]);

    let session = auth.sign_in_demo(BO).await.unwrap();
    assert_eq!(session.account().id, BO);
    let first_access = session.access_token().await.unwrap();
    let first_refresh = secret_tool_lookup(&user_of(&session)).unwrap();

    // The server refuses the access token (401): the session refreshes and rotates.
    let second_access = session
        .access_token_after_rejection(&first_access)
        .await
        .unwrap();
    assert_ne!(second_access, first_access);
    let second_refresh = secret_tool_lookup(&user_of(&session)).unwrap();
    assert_ne!(
        second_refresh, first_refresh,
        "the new refresh token was stored"
    );
    assert!(server.access_is_live(second_access.expose()).await);
    // A second task that saw the same rejection does not refresh again.
    let again = session
        .access_token_after_rejection(&first_access)
        .await
        .unwrap();
    assert_eq!(again, second_access);
    assert_eq!(
        secret_tool_lookup(&user_of(&session)).unwrap(),
        second_refresh
    );

    // Somebody replays the spent refresh token: the server ends the whole sign-in, and the
    // session learns it at its next refresh and forgets the dead token.
    let replay = reqwest::Client::new()
        .post(format!("{}oauth/token", server.url()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", first_refresh.as_str()),
            ("client_id", CLIENT_ID_CLI),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 400);
    assert!(!server.access_is_live(second_access.expose()).await);
    let error = session
        .access_token_after_rejection(&second_access)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::SignInRequired);
    assert_eq!(secret_tool_lookup(&user_of(&session)), None);
}

#[tokio::test]
async fn a_restarted_program_resumes_from_the_secret_store_and_sign_out_revokes() {
    in_private_keyring!(a_restarted_program_resumes_from_the_secret_store_and_sign_out_revokes);
    let server = TestCore::start().await;
    let account = {
        let session = authenticator(&server, CLIENT_ID_CLI)
            .sign_in_demo(ANNA)
            .await
            .unwrap();
        session.account().clone()
    };
    // A new program run: nothing in memory but the account record.
    let auth = authenticator(&server, CLIENT_ID_CLI);
    let session = auth.resume(&account).await.unwrap();
    let access = session.access_token().await.unwrap();
    assert!(server.access_is_live(access.expose()).await);

    // The desktop app has no sign-in of its own for this account.
    let desktop = authenticator(&server, CLIENT_ID_DESKTOP);
    let mut desktop_account = account.clone();
    desktop_account.client_id = CLIENT_ID_DESKTOP.into();
    assert_eq!(
        desktop.resume(&desktop_account).await.unwrap_err().kind(),
        ErrorKind::SignInRequired
    );

    let signed_out = session.sign_out().await.unwrap();
    assert!(signed_out.revoked);
    assert!(!server.access_is_live(access.expose()).await);
    assert_eq!(secret_tool_lookup(&user_of(&session)), None);
    assert_eq!(
        auth.resume(&account).await.unwrap_err().kind(),
        ErrorKind::SignInRequired
    );
}

#[tokio::test]
async fn sign_out_while_the_server_is_down_still_forgets_the_token() {
    in_private_keyring!(sign_out_while_the_server_is_down_still_forgets_the_token);
    let mut server = TestCore::start().await;
    let auth = authenticator(&server, CLIENT_ID_CLI);
    let session = auth.sign_in_demo(ANNA).await.unwrap();
    server.stop().await;
    let signed_out = session.sign_out().await.unwrap();
    assert!(!signed_out.revoked);
    assert_eq!(secret_tool_lookup(&user_of(&session)), None);
}

#[test]
fn tokens_are_never_sent_to_a_remote_server_over_plain_http() {
    let error = Authenticator::new(
        http_client().unwrap(),
        Url::parse("http://core.example.dk").unwrap(),
        CLIENT_ID_CLI,
        CredentialStore::new(),
    )
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
}
