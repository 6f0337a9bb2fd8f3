//! `brevdue memo inspect`: the JSON contract, field by field.

use serde_json::{Value, json};

use crate::support::*;

fn inspect(name: &str) -> Value {
    let run = brevdue(&["memo", "inspect", arg(&data(name))]);
    run.expect_code(0);
    assert_eq!(run.stderr, "", "nothing on stderr when all is well");
    serde_json::from_str(&run.stdout).expect("stdout is exactly one JSON value")
}

/// Every key the contract names is present (absent values are `null`, not missing).
#[track_caller]
fn assert_keys(v: &Value, keys: &[&str]) {
    let object = v.as_object().expect("an object");
    for key in keys {
        assert!(object.contains_key(*key), "missing key {key} in {v:#}");
    }
}

#[track_caller]
fn assert_file(v: &Value, filename: &str, format: &str, bytes: &[u8]) {
    assert_keys(
        v,
        &["filename", "encodingFormat", "language", "size", "sha256"],
    );
    assert_eq!(v["filename"], filename);
    assert_eq!(v["encodingFormat"], format);
    assert_eq!(v["language"], "da");
    assert_eq!(
        v["size"],
        bytes.len() as u64,
        "size is of the decoded bytes"
    );
    assert_eq!(v["sha256"], sha256(bytes), "sha256 is of the decoded bytes");
}

#[test]
fn v12_default_namespace_header() {
    let v = inspect("v12_default_ns.xml");
    assert_keys(
        &v,
        &[
            "memoVersion",
            "messageType",
            "messageUUID",
            "label",
            "notification",
            "reply",
            "replyByDateTime",
            "doNotDeliverUntilDate",
            "mandatory",
            "legalNotification",
            "postType",
            "sender",
            "recipient",
            "contentData",
            "replyData",
            "forwardData",
            "documents",
            "agenda",
        ],
    );
    assert_eq!(v["memoVersion"], "1.2");
    assert_eq!(v["messageType"], "DIGITALPOST");
    // Upper case in the message; the contract allows lower case.
    assert_eq!(v["messageUUID"], "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    assert_eq!(
        v["label"], "Indkaldelse til MR-scanning & samtale",
        "entities resolved"
    );
    assert_eq!(v["notification"], "Du har fået post fra Region Midtjylland");
    assert_eq!(v["reply"], true);
    assert_eq!(v["replyByDateTime"], "2026-12-10T12:00:00Z");
    assert_eq!(v["doNotDeliverUntilDate"], "2026-11-28");
    assert_eq!(v["mandatory"], true);
    assert_eq!(v["legalNotification"], false);
    assert_eq!(v["postType"], "MYNDIGHEDSPOST");
    assert_eq!(v["forwardData"], Value::Null);

    let sender = &v["sender"];
    assert_keys(sender, &["id", "idType", "label", "contactPointId"]);
    assert_eq!(sender["id"], "11223344");
    assert_eq!(sender["idType"], "CVR");
    assert_eq!(sender["label"], "Region Midtjylland", "trimmed");
    assert_eq!(sender["contactPointId"], "rm-billeddiagnostik");
    assert_eq!(sender["contactPoint"]["contactGroup"], "Sundhed");
    assert_eq!(
        sender["contactPoint"]["contactInfo"],
        json!([{"label": "Telefon", "value": "78 45 00 00"}])
    );

    let recipient = &v["recipient"];
    assert_keys(recipient, &["id", "idType", "label", "contactPointId"]);
    assert_eq!(recipient["id"], "3102701234");
    assert_eq!(recipient["idType"], "CPR");
    assert_eq!(recipient["label"], Value::Null);
    assert_eq!(recipient["contactPointId"], Value::Null);

    let content = &v["contentData"];
    assert_eq!(
        content["cprData"],
        json!({"cprNumber": "3102701234", "name": "Karen Jensen"})
    );
    assert_eq!(
        content["caseID"],
        json!({"caseID": "RM-2026-0042", "caseSystem": "SundhedsPlatformen"})
    );
    assert_eq!(content["kleData"]["subjectKey"], "29.09.00");
    assert_eq!(content["kleData"]["label"], "Sygehusbehandling");

    let replies = v["replyData"].as_array().expect("replyData is a list");
    assert_eq!(replies.len(), 1);
    assert_eq!(
        replies[0]["messageUUID"],
        "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    );
    assert_eq!(replies[0]["senderID"], "3102701234");
    assert_eq!(replies[0]["comment"], "Svar på din henvendelse");
}

#[test]
fn v12_default_namespace_documents_files_and_actions() {
    let v = inspect("v12_default_ns.xml");
    let docs = v["documents"].as_array().expect("documents is a list");
    assert_eq!(docs.len(), 3);
    for d in docs {
        assert_keys(d, &["kind", "id", "label", "files", "actions"]);
    }

    let main = &docs[0];
    assert_eq!(main["kind"], "main");
    assert_eq!(main["id"], "indkaldelse-1");
    assert_eq!(main["label"], "Indkaldelse");
    let files = main["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_file(&files[0], "indkaldelse.pdf", "application/pdf", PDF);
    // Its base64 is wrapped in CR LF lines with white space around it.
    assert_file(&files[1], "indkaldelse.txt", "text/plain", TXT.as_bytes());

    let actions = main["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 2);
    for a in actions {
        assert_keys(
            a,
            &[
                "label",
                "actionCode",
                "startDateTime",
                "endDateTime",
                "reservation",
                "entryPoint",
            ],
        );
    }
    assert_eq!(actions[0]["label"], "MR-scanning");
    assert_eq!(actions[0]["actionCode"], "AFTALE");
    assert_eq!(actions[0]["startDateTime"], Value::Null);
    assert_eq!(actions[0]["endDateTime"], Value::Null);
    assert_eq!(actions[0]["entryPoint"], Value::Null);
    assert_eq!(
        actions[0]["reservation"],
        json!({
            "reservationUUID": "1f0c2e4a-9b3d-4c5e-8f7a-6b5c4d3e2f1a",
            "abstract": "MR-scanning",
            "description": "MR-scanning af venstre knæ",
            "location": "Aarhus Universitetshospital, Palle Juul-Jensens Boulevard 99, 8200 Aarhus N",
            "startDateTime": "2026-12-01T09:30:00Z",
            "endDateTime": "2026-12-01T10:15:00Z",
            "organizerMail": "billeddiagnostik@rm.example",
            "organizerName": "Billeddiagnostisk Afdeling"
        })
    );
    assert_eq!(actions[1]["label"], "Betal egenbetaling");
    assert_eq!(actions[1]["actionCode"], "BETALING");
    assert_eq!(actions[1]["startDateTime"], Value::Null);
    assert_eq!(actions[1]["endDateTime"], "2026-12-05T22:59:59Z");
    assert_eq!(actions[1]["reservation"], Value::Null);
    assert_eq!(actions[1]["entryPoint"], "https://betaling.example/rm/42");

    let additional = &docs[1];
    assert_eq!(additional["kind"], "additional");
    assert_eq!(additional["id"], "vejledning");
    assert_file(
        &additional["files"][0],
        "vejledning.txt",
        "text/plain",
        BILAG.as_bytes(),
    );
    assert_eq!(additional["actions"], json!([]));

    let technical = &docs[2];
    assert_eq!(technical["kind"], "technical");
    assert_eq!(technical["id"], "sag");
    assert_eq!(technical["label"], "Sagsdata");
    assert_file(&technical["files"][0], "sag.json", "application/json", JSON);
}

#[test]
fn v12_agenda_lists_the_appointment_and_deadlines_in_time_order() {
    let v = inspect("v12_default_ns.xml");
    let agenda = v["agenda"].as_array().expect("agenda is a list");
    let kinds: Vec<&str> = agenda.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["appointment", "actionDeadline", "replyDeadline"],
        "{agenda:#?}"
    );
    let appointment = &agenda[0];
    assert_eq!(
        appointment["uid"].as_str().unwrap().to_lowercase(),
        "1f0c2e4a-9b3d-4c5e-8f7a-6b5c4d3e2f1a"
    );
    assert_eq!(appointment["title"], "MR-scanning");
    assert_eq!(appointment["start"], "2026-12-01T09:30:00Z");
    assert_eq!(appointment["end"], "2026-12-01T10:15:00Z");
    assert_eq!(
        appointment["location"],
        "Aarhus Universitetshospital, Palle Juul-Jensens Boulevard 99, 8200 Aarhus N"
    );
    assert_eq!(
        appointment["messageUUID"],
        "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    );
    assert_eq!(agenda[1]["start"], "2026-12-05T22:59:59Z");
    assert_eq!(agenda[1]["actionCode"], "BETALING");
    assert_eq!(agenda[1]["entryPoint"], "https://betaling.example/rm/42");
    assert_eq!(agenda[2]["start"], "2026-12-10T12:00:00Z");
}

#[test]
fn v11_prefixed_namespace_with_byte_order_mark_and_no_declaration() {
    let v = inspect("v11_prefixed_bom.xml");
    assert_eq!(v["memoVersion"], "1.1");
    assert_eq!(v["messageUUID"], "d3f1b2c4-5a6e-4f70-8b9c-0d1e2f3a4b5c");
    assert_eq!(v["label"], "Din ansøgning om byggetilladelse");
    assert_eq!(v["notification"], Value::Null);
    assert_eq!(v["reply"], false, "a missing boolean is false");
    assert_eq!(v["replyByDateTime"], Value::Null);
    assert_eq!(v["doNotDeliverUntilDate"], Value::Null);
    assert_eq!(v["mandatory"], false);
    assert_eq!(v["legalNotification"], true);
    assert_eq!(v["postType"], Value::Null);
    assert_eq!(v["contentData"], Value::Null);
    assert_eq!(v["replyData"], json!([]));
    assert_eq!(v["sender"]["contactPointId"], Value::Null);
    assert_eq!(v["recipient"]["label"], "Tømrer Hansen ApS");
    assert_eq!(v["recipient"]["contactPointId"], "hansen-byg");
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["kind"], "main");
    assert_eq!(docs[0]["id"], Value::Null);
    assert_eq!(docs[0]["label"], Value::Null);
    // Its base64 is wrapped at 64 characters.
    assert_file(
        &docs[0]["files"][0],
        "afgørelse.pdf",
        "application/pdf",
        PDF,
    );
    assert_eq!(v["agenda"], json!([]), "no actions, no reply deadline");
}

#[test]
fn v10_document_id() {
    let v = inspect("v10_document_id.xml");
    assert_eq!(v["memoVersion"], "1.0");
    assert_eq!(v["label"], "Årsopgørelse");
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["kind"], "main");
    assert_eq!(docs[0]["id"], "aarsopgoerelse-2025", "1.0's documentID");
    assert_eq!(docs[1]["kind"], "additional");
    assert_eq!(docs[1]["id"], "bilag-1");
    assert_file(
        &docs[0]["files"][0],
        "aarsopgoerelse.txt",
        "text/plain",
        TXT.as_bytes(),
    );
    assert_file(
        &docs[1]["files"][0],
        "bilag.txt",
        "text/plain",
        BILAG.as_bytes(),
    );
}

#[test]
fn nemsms_has_no_documents() {
    let v = inspect("nemsms.xml");
    assert_eq!(v["messageType"], "NEMSMS");
    assert_eq!(
        v["notification"],
        "Husk din tid hos tandlægen i morgen kl. 9."
    );
    assert_eq!(v["documents"], json!([]));
}

#[test]
fn reads_standard_input() {
    let bytes = std::fs::read(data("v11_prefixed_bom.xml")).unwrap();
    let run = brevdue_with_stdin(&["memo", "inspect", "-"], &bytes);
    run.expect_code(0);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v, inspect("v11_prefixed_bom.xml"));
}

#[test]
fn a_closed_pipe_is_not_a_panic() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_brevdue"))
        .args(["memo", "inspect", arg(&data("v12_default_ns.xml"))])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before anything is written
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
