//! `brevdue export` against a real core with the demo world: Maildir and mbox read back by
//! Python's `mailbox` and `email` modules with every document present and byte-identical to
//! what the core serves; the files layout; a second run writes nothing; a run killed with
//! SIGKILL half-way is completed by the next without a duplicate.

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::in_private_keyring;
use crate::world::{DemoCore, Truth, listing, read_with_python};

/// Checks what Python read from every Maildir or mbox under `dir` against the core: each
/// message exactly once, its subject, date, Message-ID and attachments (names and the SHA-256
/// of the decoded bytes).
fn check_mail(kind: &str, dir: &Path, truth: &[Truth]) {
    let mut read = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if kind == "mbox" {
            assert!(name.ends_with(".mbox"), "{name}");
        } else {
            assert!(
                path.join("cur").is_dir() && path.join("new").is_dir(),
                "{name}"
            );
        }
        read.extend(read_with_python(kind, &path));
    }
    let mut by_id: HashMap<&str, &Value> = HashMap::new();
    for message in &read {
        let id = message["id"].as_str().unwrap();
        assert!(by_id.insert(id, message).is_none(), "{id} exported twice");
        assert_eq!(message["defects"], serde_json::json!([]), "{message}");
    }
    assert_eq!(by_id.len(), truth.len(), "every message once");
    for t in truth {
        let m = by_id
            .get(t.id.as_str())
            .unwrap_or_else(|| panic!("{} missing", t.id));
        assert_eq!(
            m["subject"],
            t.label.as_str(),
            "the subject survives (RFC 2047)"
        );
        assert_eq!(
            m["messageId"],
            format!("<{}@memo.brevdue.invalid>", t.message_uuid)
        );
        let date = chrono::DateTime::parse_from_rfc3339(m["date"].as_str().unwrap()).unwrap();
        let received = chrono::DateTime::parse_from_rfc3339(&t.received).unwrap();
        assert_eq!(date.timestamp(), received.timestamp(), "the date");
        let attachments = m["attachments"].as_array().unwrap();
        assert_eq!(
            attachments.len(),
            t.files.len(),
            "every document of {}",
            t.id
        );
        for (attachment, (filename, sha)) in attachments.iter().zip(&t.files) {
            assert_eq!(
                attachment["sha256"],
                sha.as_str(),
                "the bytes of {filename}"
            );
            assert_eq!(
                attachment["filename"],
                brevdue_memo::safe_name::safe_file_name(filename).as_str(),
                "the name (RFC 2231)"
            );
        }
        assert!(m["body"].as_str().unwrap().contains("Fra: "), "{m}");
    }
}

/// Checks the files layout: a folder per message with `message.json` and every file.
fn check_files(dir: &Path, truth: &[Truth]) {
    let mut seen: HashMap<String, Vec<String>> = HashMap::new();
    for mailbox in std::fs::read_dir(dir).unwrap() {
        let mailbox = mailbox.unwrap().path();
        if !mailbox.is_dir() {
            continue;
        }
        for message in std::fs::read_dir(&mailbox).unwrap() {
            let folder = message.unwrap().path();
            let json: Value =
                serde_json::from_slice(&std::fs::read(folder.join("message.json")).unwrap())
                    .unwrap();
            let mut hashes = Vec::new();
            for file in json["files"].as_array().unwrap() {
                let bytes = std::fs::read(folder.join(file["name"].as_str().unwrap())).unwrap();
                assert_eq!(
                    crate::support::sha256(&bytes),
                    file["sha256"].as_str().unwrap()
                );
                hashes.push(crate::support::sha256(&bytes));
            }
            let id = json["id"].as_str().unwrap().to_owned();
            assert!(seen.insert(id.clone(), hashes).is_none(), "{id} twice");
        }
    }
    assert_eq!(seen.len(), truth.len());
    for t in truth {
        let expected: Vec<String> = t.files.iter().map(|(_, sha)| sha.clone()).collect();
        assert_eq!(seen[&t.id], expected, "the files of {}", t.id);
    }
}

fn export(core: &DemoCore, dir: &Path, format: &str) -> Value {
    let run = core.brevdue(&[
        "export",
        "--to",
        dir.to_str().unwrap(),
        "--format",
        format,
        "--json",
    ]);
    run.expect_code(0);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn export_to_each_format_is_complete_byte_identical_and_incremental() {
    in_private_keyring!(export_to_each_format_is_complete_byte_identical_and_incremental);
    let core = DemoCore::start();
    core.sign_in_and_sync();
    let truth = core.truth();
    let files: usize = truth.iter().map(|t| t.files.len()).sum();
    assert!(files > truth.len(), "the demo letters carry documents");
    let out = tempfile::tempdir().unwrap();

    for format in ["maildir", "mbox", "files"] {
        let dir = out.path().join(format);
        let report = export(&core, &dir, format);
        assert_eq!(report["written"], truth.len(), "{format}: {report}");
        assert_eq!(report["files"], files, "{format}: {report}");
        match format {
            "files" => check_files(&dir, &truth),
            kind => check_mail(kind, &dir, &truth),
        }
        // Again: nothing new, nothing touched.
        let before = listing(&dir);
        let report = export(&core, &dir, format);
        assert_eq!(report["written"], 0, "{format}: {report}");
        assert_eq!(report["alreadyExported"], truth.len(), "{format}: {report}");
        assert_eq!(
            listing(&dir),
            before,
            "{format}: a second export writes nothing"
        );
    }

    // New mail: only it is written.
    core.deliver_deadline_letter();
    let truth = core.truth();
    for format in ["maildir", "mbox", "files"] {
        let dir = out.path().join(format);
        let report = export(&core, &dir, format);
        assert_eq!(report["written"], 1, "{format}: {report}");
        match format {
            "files" => check_files(&dir, &truth),
            kind => check_mail(kind, &dir, &truth),
        }
    }

    // A folder holds one format.
    let run = core.brevdue(&[
        "export",
        "--to",
        out.path().join("mbox").to_str().unwrap(),
        "--format",
        "maildir",
    ]);
    run.expect_code(1);
    assert!(run.stderr.contains("mbox export"), "{run:#?}");
}

#[test]
fn an_export_killed_half_way_resumes_without_duplicates() {
    in_private_keyring!(an_export_killed_half_way_resumes_without_duplicates);
    let core = DemoCore::start();
    core.deliver_many(30, 512 * 1024);
    core.sign_in_and_sync();
    let truth = core.truth();
    let out = tempfile::tempdir().unwrap();

    for format in ["maildir", "mbox"] {
        let dir = out.path().join(format);
        let mut child = core
            .command(&[
                "export",
                "--no-sync",
                "--to",
                dir.to_str().unwrap(),
                "--format",
                format,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill it once the first messages are in place and the next one is being written:
        // part of it is in the mbox past the recorded length, or in the Maildir's tmp/.
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if exported_lines(&dir) >= 3 && mid_write(&dir, format) {
                break;
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "{format}: never caught mid-write"
            );
            assert!(Instant::now() < deadline, "{format}: no progress");
            std::thread::yield_now();
        }
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        assert!(!status.success(), "{format}: killed, not finished");
        let at_kill = exported_lines(&dir);
        assert!(
            at_kill < truth.len(),
            "{format}: killed half-way ({at_kill})"
        );

        let report = export(&core, &dir, format);
        assert_eq!(
            report["written"].as_u64().unwrap() + report["alreadyExported"].as_u64().unwrap(),
            truth.len() as u64,
            "{format}: {report}"
        );
        assert!(report["alreadyExported"].as_u64().unwrap() >= at_kill as u64);
        check_mail(format, &dir, &truth);
        let report = export(&core, &dir, format);
        assert_eq!(report["written"], 0, "{format}: {report}");
    }
}

/// Whether a message is being written: bytes past the recorded end of an mbox, or a file in
/// a Maildir's `tmp/`.
fn mid_write(dir: &Path, format: &str) -> bool {
    let Ok(record) = std::fs::read_to_string(dir.join(brevdue_client::export::STATE_FILE)) else {
        return false;
    };
    let lines: Vec<Value> = record
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let Some(name) = lines
        .iter()
        .find(|l| l["kind"] == "mailbox")
        .and_then(|l| l["name"].as_str())
    else {
        return false;
    };
    if format == "mbox" {
        let recorded = lines
            .iter()
            .filter_map(|l| l["mboxEnd"].as_u64())
            .max()
            .unwrap_or(0);
        std::fs::metadata(dir.join(name)).is_ok_and(|m| m.len() > recorded)
    } else {
        std::fs::read_dir(dir.join(name).join("tmp")).is_ok_and(|mut d| d.next().is_some())
    }
}

/// How many messages the export record in `dir` lists.
fn exported_lines(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join(brevdue_client::export::STATE_FILE))
        .map(|s| {
            s.lines()
                .filter(|l| l.contains("\"kind\":\"message\""))
                .count()
        })
        .unwrap_or(0)
}
