//! `brevdue serve --demo`: a real core on a free loopback port, filled with the demo world,
//! answering over HTTP, and stopping cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A plain HTTP/1.1 GET on loopback: status line and body.
fn get(base: &str, path: &str) -> (String, String) {
    let host = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).unwrap();
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
    (
        head.lines().next().unwrap_or("").to_owned(),
        body.to_owned(),
    )
}

#[test]
fn serve_demo_answers_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_brevdue"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("Brevdue core: ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    let second = lines.next().unwrap().unwrap();
    assert!(second.starts_with("Demo world: "), "{second}");

    let (status, _) = get(&url, "/healthz");
    assert!(status.contains(" 200 "), "{status}");
    let (status, body) = get(&url, "/oauth/demo-identities");
    assert!(status.contains(" 200 "), "{status}");
    let identities: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(
        identities.as_array().is_some_and(|a| a.len() >= 3),
        "{body}"
    );
    let (status, body) = get(&url, "/apis/v1/openapi.json");
    assert!(
        status.contains(" 200 ") && body.contains("\"openapi\""),
        "{status}"
    );
    let (status, _) = get(&url, "/apis/v1/mailboxes");
    assert!(status.contains(" 401 "), "no token, no mailboxes: {status}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "a graceful stop exits 0, got {status}");
}
