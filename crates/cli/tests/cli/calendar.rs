//! `brevdue serve-calendar`: the agenda as a calendar feed over HTTP on loopback, parsed back
//! with the `ical` crate; refused on other addresses; refreshed by its background sync.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::in_private_keyring;
use crate::world::DemoCore;

/// The UIDs of the events and to-dos of an iCalendar text, parsed with the `ical` crate.
pub(crate) fn uids_of(ics: &str) -> Vec<String> {
    let mut uids = Vec::new();
    for calendar in ical::IcalParser::new(BufReader::new(ics.as_bytes())) {
        let calendar = calendar.unwrap_or_else(|e| panic!("not iCalendar: {e}\n{ics}"));
        let properties = calendar
            .events
            .iter()
            .map(|e| &e.properties)
            .chain(calendar.todos.iter().map(|t| &t.properties));
        for props in properties {
            let uid = props.iter().find(|p| p.name == "UID").unwrap();
            uids.push(uid.value.clone().unwrap());
        }
    }
    uids
}

/// A plain HTTP/1.1 GET with a Host header of our choice: status line, headers, body.
fn get(addr: &str, path: &str, host: &str) -> (String, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    (
        status.to_owned(),
        headers.to_ascii_lowercase(),
        body.to_owned(),
    )
}

#[test]
fn the_calendar_feed_serves_the_agenda_and_follows_new_mail() {
    in_private_keyring!(the_calendar_feed_serves_the_agenda_and_follows_new_mail);
    let core = DemoCore::start();
    core.sign_in_and_sync();

    let refused = core.brevdue(&["serve-calendar", "--listen", "0.0.0.0:0"]);
    refused.expect_code(2);
    assert!(refused.stderr.contains("loopback"), "{refused:#?}");

    let run = core.brevdue(&["agenda", "--json"]);
    let agenda: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert!(!agenda.is_empty());

    let mut child = core
        .command(&[
            "serve-calendar",
            "--listen",
            "127.0.0.1:0",
            "--interval",
            "5",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("Calendar feed: ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, path) = rest.split_once('/').unwrap();
    let path = format!("/{path}");

    let (status, headers, body) = get(addr, &path, addr);
    assert!(status.contains(" 200 "), "{status}");
    assert!(headers.contains("content-type: text/calendar"), "{headers}");
    let uids = uids_of(&body);
    for item in &agenda {
        let uid = item["uid"].as_str().unwrap();
        assert!(
            uids.iter().any(|u| u.contains(uid)),
            "{uid} missing from the feed"
        );
    }

    // A page that rebinds its own name to 127.0.0.1 is not answered.
    let (status, _, _) = get(addr, &path, "attacker.example:80");
    assert!(status.contains(" 403 "), "{status}");

    // New mail with a deadline reaches the feed after the next background sync.
    let before = uids.len();
    core.deliver_deadline_letter();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, _, body) = get(addr, &path, addr);
        if uids_of(&body).len() > before {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the feed did not follow the new letter"
        );
        std::thread::sleep(Duration::from_millis(500));
    }

    child.kill().unwrap();
    child.wait().unwrap();
}
