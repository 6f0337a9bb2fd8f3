//! The viewing-client commands against a real core with the demo world: sign-in by the demo
//! provider, sync, `mailboxes`, `list`, `show`, `agenda` (JSON and iCalendar), sign-out.

use serde_json::Value;

use crate::in_private_keyring;
use crate::world::DemoCore;

#[test]
fn login_sync_list_show_and_agenda_match_the_core() {
    in_private_keyring!(login_sync_list_show_and_agenda_match_the_core);
    let core = DemoCore::start();

    let before = core.brevdue(&["list"]);
    before.expect_code(1);
    assert!(before.stderr.contains("brevdue login"), "{before:#?}");

    let refused = core.brevdue(&["login", "--demo-identity", "nobody"]);
    refused.expect_code(2);
    assert!(refused.stderr.contains("karen-holm"), "{refused:#?}");

    core.sign_in_and_sync();
    let truth = core.truth();
    assert!(
        truth.len() >= 5,
        "the demo world gives Karen letters: {}",
        truth.len()
    );

    // mailboxes --json: Karen's own and the ones she may read.
    let run = core.brevdue(&["mailboxes", "--json"]);
    run.expect_code(0);
    let mailboxes: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let core_mailboxes = core.api("mailboxes");
    assert_eq!(mailboxes.len(), core_mailboxes.as_array().unwrap().len());
    for m in &mailboxes {
        assert!(m["id"].is_string() && m["ownerName"].is_string() && m["folders"].is_array());
    }

    // list --json: every message outside DELETED, newest first.
    let run = core.brevdue(&["list", "--json", "--limit", "10000"]);
    run.expect_code(0);
    let listed: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let mut ids: Vec<&str> = listed.iter().map(|m| m["id"].as_str().unwrap()).collect();
    let times: Vec<&str> = listed
        .iter()
        .map(|m| m["received"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    ids.sort_unstable();
    let mut expected: Vec<&str> = truth.iter().map(|t| t.id.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(ids, expected, "list shows exactly what the core has");

    // --unread and --mailbox narrow it; --since too.
    let run = core.brevdue(&["list", "--json", "--unread", "--limit", "10000"]);
    let unread: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert!(unread.iter().all(|m| m["read"] == false));
    assert!(
        unread.len() < listed.len(),
        "the demo world has read letters too"
    );
    let first_mailbox = mailboxes[0]["id"].as_str().unwrap();
    let run = core.brevdue(&[
        "list",
        "--json",
        "--mailbox",
        first_mailbox,
        "--limit",
        "10000",
    ]);
    let one: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert!(!one.is_empty() && one.iter().all(|m| m["mailboxId"] == first_mailbox));
    let middle = listed[listed.len() / 2]["received"].as_str().unwrap();
    let run = core.brevdue(&["list", "--json", "--since", middle, "--limit", "10000"]);
    let since: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert!(!since.is_empty() && since.len() < listed.len());
    assert!(
        since
            .iter()
            .all(|m| m["received"].as_str().unwrap() >= middle)
    );
    core.brevdue(&["list", "--since", "yesterday"])
        .expect_code(2);

    // The text list names each message.
    let run = core.brevdue(&["list"]);
    run.expect_code(0);
    assert!(run.stdout.contains(&truth[0].id), "{}", run.stdout);

    // show: one message, its documents.
    let sample = truth.iter().find(|t| !t.files.is_empty()).unwrap();
    let run = core.brevdue(&["show", &sample.id]);
    run.expect_code(0);
    assert!(run.stdout.contains(&sample.label), "{}", run.stdout);
    let run = core.brevdue(&["show", &sample.id, "--json"]);
    let shown: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(shown["detail"]["messageUUID"], sample.message_uuid.as_str());
    core.brevdue(&["show", "no-such-message"]).expect_code(1);

    // agenda --json and --ics: the same coming items.
    let run = core.brevdue(&["agenda", "--json"]);
    run.expect_code(0);
    let agenda: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        !agenda.is_empty(),
        "the demo world has coming appointments and deadlines"
    );
    let now = chrono::Utc::now().to_rfc3339();
    assert!(
        agenda
            .iter()
            .all(|a| a["start"].as_str().unwrap() >= now.as_str())
    );
    let ics_path = core.data.path().join("agenda.ics");
    let run = core.brevdue(&["agenda", "--ics", ics_path.to_str().unwrap()]);
    run.expect_code(0);
    let ics = std::fs::read_to_string(&ics_path).unwrap();
    let mut uids = crate::calendar::uids_of(&ics);
    uids.sort();
    let mut expected: Vec<String> = agenda
        .iter()
        .map(|a| a["uid"].as_str().unwrap().to_owned())
        .collect();
    expected.sort();
    expected.dedup();
    assert_eq!(uids.len(), expected.len(), "{ics}");
    for uid in &expected {
        assert!(
            uids.iter().any(|u| u.contains(uid.as_str())),
            "{uid} missing from {ics}"
        );
    }

    // logout: the cache goes, and the commands ask for a sign-in again.
    let run = core.brevdue(&["logout"]);
    run.expect_code(0);
    assert!(run.stdout.contains("Signed out"), "{run:#?}");
    core.brevdue(&["list"]).expect_code(1);
}

/// Without a browser the sign-in address is printed; a browser elsewhere (here: the test, as
/// the demo login page's form would) completes it through the loopback redirect.
#[test]
fn login_prints_the_address_and_the_loopback_redirect_completes_it() {
    in_private_keyring!(login_prints_the_address_and_the_loopback_redirect_completes_it);
    use std::io::{BufRead, BufReader};
    let core = DemoCore::start();
    let mut child = core
        .command(&["login", "--no-browser", "--timeout", "60"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read standard error to its end in a thread (the command must not write into a closed
    // pipe), handing over the address when it comes.
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in stderr.lines() {
            let line = line.unwrap();
            if line.trim().starts_with("http://") {
                tx.send(line.trim().to_owned()).unwrap();
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let address = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the sign-in address is printed");
    let url = url::Url::parse(&address).unwrap();
    assert_eq!(url.path(), "/oauth/authorize");
    let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(
        form.iter()
            .any(|(k, v)| k == "code_challenge_method" && v == "S256")
    );
    assert!(
        form.iter()
            .any(|(k, v)| k == "client_id" && v == "brevdue-cli")
    );
    form.push(("login_hint".into(), crate::world::KAREN.into()));
    let page = core.runtime.block_on(async {
        let mut endpoint = url.clone();
        endpoint.set_query(None);
        // Posting the login page's form; the redirect to the loopback port is followed as a
        // browser would.
        let response = reqwest::Client::new()
            .post(endpoint)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        assert!(response.url().host_str() == Some("127.0.0.1"));
        response.text().await.unwrap()
    });
    assert!(!page.is_empty());
    let out = child.wait_with_output().unwrap();
    let stderr = reader.join().unwrap();
    assert!(out.status.success(), "{out:?} {stderr}");
    assert!(
        stderr.contains("ssh -L"),
        "how to reach the port from elsewhere: {stderr}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("Signed in") && stdout.contains("Karen Holm"),
        "{stdout}"
    );
    core.brevdue(&["sync"]).expect_code(0);
}
