//! Bad input: every command that reads the message exits 1 with `error: line L, column C:`
//! and a reason, prints no partial result (extract lists only the files it completed), and
//! never panics.

use std::fs;

use crate::support::*;

/// Runs every reading command on `input`; each must fail with a positioned error whose
/// text contains `expected`. Returns the runs (inspect, ics, extract) for more checks.
#[track_caller]
fn refused(input: &[u8], expected: &str) -> Vec<Run> {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    let mut runs = Vec::new();
    for args in [
        &["memo", "inspect", "-"][..],
        &["memo", "ics", "-"],
        &["memo", "extract", "-", "--out", arg(out)],
    ] {
        let run = brevdue_with_stdin(args, input);
        run.expect_positioned_error();
        assert!(
            run.stderr.contains(expected),
            "{args:?}: expected {expected:?} in {}",
            run.stderr
        );
        if args[1] != "extract" {
            assert_eq!(run.stdout, "", "{args:?}: no partial output");
        } else if !run.stdout.is_empty() {
            // extract lists the files it completed before the error, and says so.
            assert!(
                run.stderr.contains("written completely before the error"),
                "{}",
                run.stderr
            );
        }
        runs.push(run);
    }
    runs
}

fn sample() -> String {
    fs::read_to_string(data("v12_default_ns.xml")).unwrap()
}

#[test]
fn empty_input() {
    refused(b"", "the input ends before the message does");
    refused(b"  \n\n", "the input ends before the message does");
}

#[test]
fn truncated_input() {
    let xml = sample();
    for cut in [10, xml.len() / 3, xml.len() / 2, xml.len() - 5] {
        refused(&xml.as_bytes()[..cut], "ends before");
    }
}

#[test]
fn not_xml() {
    refused(b"hello world\n", "not XML");
    refused(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "");
    refused(b"{\"messageUUID\": \"x\"}", "");
}

#[test]
fn random_input() {
    for seed in 1..=20 {
        let bytes = random_bytes(3000, seed);
        let runs = refused(&bytes, "");
        for run in runs {
            // Hostile bytes may be quoted, but never raw control characters.
            assert!(
                !run.stderr.chars().any(|c| c.is_control() && c != '\n'),
                "{:?}",
                run.stderr
            );
        }
    }
}

#[test]
fn random_bytes_inside_a_message() {
    let xml = sample();
    let (head, tail) = xml.split_at(xml.find("<label>").unwrap());
    for seed in 1..=10 {
        let mut bytes = head.as_bytes().to_vec();
        bytes.extend(random_bytes(500, seed));
        bytes.extend(tail.as_bytes());
        refused(&bytes, "");
    }
}

#[test]
fn wrong_namespace() {
    let xml = sample().replace(
        "https://DigitalPost.dk/MeMo-1",
        "https://DigitalPost.dk/MeMo-2",
    );
    refused(xml.as_bytes(), "not a MeMo message");
    let xml = sample().replace(" xmlns=\"https://DigitalPost.dk/MeMo-1\"", "");
    refused(xml.as_bytes(), "not a MeMo message");
}

#[test]
fn other_encodings_are_refused() {
    let xml = sample().replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    refused(xml.as_bytes(), "ISO-8859-1");
}

#[test]
fn doctype_with_an_internal_entity() {
    let xml = sample().replacen(
        "<Message ",
        "<!DOCTYPE Message [<!ENTITY boom \"ha ha ha ha\">]>\n<Message ",
        1,
    );
    let xml = xml.replacen("<label>Indkaldelse", "<label>&boom;Indkaldelse", 1);
    refused(xml.as_bytes(), "DTD");
}

#[test]
fn external_entity_is_never_read() {
    let tmp = tempfile::tempdir().unwrap();
    let secret = tmp.path().join("secret.txt");
    fs::write(&secret, "TOP-SECRET-7d1f").unwrap();
    let doctype = format!(
        "<!DOCTYPE Message [<!ENTITY leak SYSTEM \"file://{}\">]>\n<Message ",
        secret.display()
    );
    let xml = sample().replacen("<Message ", &doctype, 1).replacen(
        "<label>Indkaldelse",
        "<label>&leak;Indkaldelse",
        1,
    );
    for run in refused(xml.as_bytes(), "DTD") {
        assert!(!run.stderr.contains("TOP-SECRET"), "{}", run.stderr);
    }
    let run = brevdue_with_stdin(&["memo", "validate", "-"], xml.as_bytes());
    run.expect_code(1);
    assert!(
        !run.stdout.contains("TOP-SECRET") && !run.stderr.contains("TOP-SECRET"),
        "{run:#?}"
    );
    // The same without the DOCTYPE: an undeclared entity.
    let xml = sample().replacen("<label>Indkaldelse", "<label>&leak;Indkaldelse", 1);
    refused(xml.as_bytes(), "&leak;");
}

#[test]
fn invalid_base64_names_the_file() {
    let xml = sample().replacen("S8OmcmUgS2FyZW4KCkR1", "S8Om*mUgS2FyZW4KCkR1", 1);
    let runs = refused(xml.as_bytes(), "base64");
    for run in runs {
        // The * is the 5th character of line 73.
        assert!(
            run.stderr.starts_with(
                "error: line 73, column 5: the content of file \"indkaldelse.txt\" is not valid \
                 base64: '*' is not a base64 character"
            ),
            "{}",
            run.stderr
        );
    }
    // A group cut short at the end of the content.
    let xml = sample().replacen(
        "eyJzYWciOiJSTS0yMDI2LTAwNDIiLCJ2ZXJzaW9uIjoxfQo=",
        "eyJzY",
        1,
    );
    let runs = refused(xml.as_bytes(), "base64");
    assert!(
        runs[0].stderr.contains("\"sag.json\""),
        "{}",
        runs[0].stderr
    );
}

#[test]
fn values_the_reader_must_understand() {
    let xml = sample().replacen("3F2504E0-4F89-41D3-9A0C-0305E82C3301", "not-a-uuid", 1);
    refused(xml.as_bytes(), "messageUUID \"not-a-uuid\" is not valid");
    let xml = sample().replacen("<reply>true</reply>", "<reply>ja</reply>", 1);
    refused(xml.as_bytes(), "expected true or false");
    let xml = sample().replacen("2026-12-10T12:00:00Z", "next tuesday", 1);
    refused(xml.as_bytes(), "replyByDateTime");
}

#[test]
fn invalid_base64_deep_in_a_large_file_is_placed_exactly() {
    // 20,000 lines of base64 (1.5 MB, many read buffers); one bad character on line 15,000.
    let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0";
    let mut lines: Vec<String> = vec![line.to_owned(); 20_000];
    lines[14_999].replace_range(40..41, "!");
    let xml = sample().replacen(
        "JVBERi0xLjQK",
        &format!("\n{}\nJVBERi0xLjQK", lines.join("\n")),
        1,
    );
    // Where the content starts in the sample: the line after it is the first base64 line.
    let first = xml.lines().position(|l| l.ends_with(line)).unwrap() + 1;
    let expected = format!("error: line {}, column 41: ", first + 14_999);
    for run in refused(xml.as_bytes(), "'!' is not a base64 character") {
        assert!(
            run.stderr.starts_with(&expected),
            "{expected} in {}",
            run.stderr
        );
        assert!(run.stderr.contains("\"indkaldelse.pdf\""), "{}", run.stderr);
    }
}
