//! The reader's leniency and errors, and the writer's round trip.
//!
//! Contents:
//! - `full_message`: a message using every element group of MeMo 1.2, built in Rust.
//! - round trips: written then read gives the same model and the same bytes.
//! - leniency: BOM, default or prefixed namespace, no declaration, upper-case UUIDs, 1.0's
//!   `documentID`, unknown elements, input arriving one byte at a time.
//! - errors: empty, truncated, not XML, wrong namespace, DTD and entities, bad base64, sink
//!   failures, oversized text; each with a position, none a panic.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{self, Read};

use brevdue_memo::*;
use chrono::{TimeZone, Utc};
use uuid::Uuid;

fn t(h: u32, m: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap()
}

fn file(name: &str, format: &str) -> File {
    File {
        filename: name.into(),
        encoding_format: format.into(),
        language: "da".into(),
        size: 0,
        sha256: String::new(),
    }
}

fn address() -> Address {
    Address {
        id: Some("0a3f50a0-4660-32b8-e044-0003ba298018".into()),
        address_label: Some("Ågade".into()),
        house_number: Some("12".into()),
        door: Some("tv".into()),
        floor: Some("2".into()),
        co: Some("c/o Hansen".into()),
        zip_code: Some("8000".into()),
        city: Some("Aarhus C".into()),
        country: Some("DK".into()),
        address_point: Some(AddressPoint {
            geographic_easting_measure: Some("575000".into()),
            geographic_northing_measure: Some("6225000".into()),
            geographic_height_measure: Some("12".into()),
        }),
    }
}

/// A message with every element group of MeMo 1.2, and its file contents.
fn full_message() -> (Message, MemorySink) {
    let attention = AttentionData {
        attention_person: Some(AttentionPerson {
            person_id: Some("0101709995".into()),
            label: Some("Sagsbehandler Søren".into()),
        }),
        production_unit: Some(ProductionUnit {
            production_unit_number: "1003388394".into(),
            production_unit_name: Some("Hovedkontoret".into()),
        }),
        global_location_number: Some(GlobalLocationNumber {
            global_location_number: "5798000012345".into(),
            location: Some("Lager".into()),
        }),
        email: Some(EMail {
            email_address: "post@egebjerg.example".into(),
            related_agent: Some("Borgerservice".into()),
        }),
        se_number: Some(SeNumber {
            se_number: "12345678".into(),
            company_name: Some("Egebjerg Kommune".into()),
        }),
        telephone: Some(Telephone {
            telephone_number: "+45 70 00 00 00".into(),
            related_agent: Some("Omstilling".into()),
        }),
        eid: Some(Eid {
            eid: "eid-1".into(),
            label: Some("Medarbejder".into()),
        }),
        content_responsible: Some(ContentResponsible {
            content_responsible_id: Some("12345678".into()),
            label: Some("Familieafdelingen".into()),
        }),
        generating_system: Some(GeneratingSystem {
            generating_system_id: "sys-7".into(),
            label: Some("Sagssystem".into()),
        }),
        sor_data: Some(SorData {
            sor_identifier: "123456789012345".into(),
            entry_name: Some("Tandplejen".into()),
        }),
        address: Some(address()),
        unstructured_address: Some("Rådhuspladsen 1, 9999 Egebjerg".into()),
    };
    let message = Message {
        memo_version: "1.2".into(),
        memo_sch_version: None,
        message_type: MessageType::DigitalPost,
        message_uuid: Uuid::parse_str("6c9e4a4e-7f0b-4c1e-9d3a-2b8f5e0c1a77").unwrap(),
        message_id: Some("MSG-1".into()),
        message_code: Some("KODE-1".into()),
        label: "Indkaldelse <vigtigt> & \"svar\"".into(),
        notification: Some("Du har fået post".into()),
        additional_notification: Some("Læs den i dag".into()),
        reply: true,
        reply_by_date_time: Some(t(12, 0)),
        do_not_deliver_until_date: Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()),
        mandatory: true,
        legal_notification: true,
        post_type: Some("MYNDIGHEDSPOST".into()),
        sender: Sender {
            id: "12345678".into(),
            id_type: "CVR".into(),
            id_type_label: Some("CVR-nummer".into()),
            label: "Egebjerg Kommune".into(),
            attention_data: Some(attention.clone()),
            contact_point: Some(ContactPoint {
                contact_group: Some("Borgerservice".into()),
                contact_point_id: "egebjerg-pas".into(),
                label: Some("Pas".into()),
                contact_info: vec![
                    ContactInfo {
                        label: "Barnets CPR-nummer".into(),
                        value: "0101209990".into(),
                    },
                    ContactInfo {
                        label: "Nummerplade".into(),
                        value: "AB 12 345".into(),
                    },
                ],
            }),
            representative: Some(Representative {
                representative_id: Some("87654321".into()),
                id_type: Some("CVR".into()),
                id_type_label: Some("CVR-nummer".into()),
                label: Some("Udbetalingskontoret".into()),
            }),
        },
        recipient: Recipient {
            id: "0101709995".into(),
            id_type: "CPR".into(),
            id_type_label: Some("CPR-nummer".into()),
            label: Some("Karen Demo".into()),
            attention_data: Some(attention),
            contact_point: None,
        },
        content_data: Some(ContentData {
            cpr_data: Some(CprData {
                cpr_number: "0101709995".into(),
                name: Some("Karen Demo".into()),
            }),
            cvr_data: Some(CvrData {
                cvr_number: "12345678".into(),
                company_name: Some("Demo ApS".into()),
            }),
            motor_vehicle: Some(MotorVehicle {
                license_number: "AB12345".into(),
                chassis_number: Some("VF1ABC".into()),
            }),
            property_number: Some("123456".into()),
            case_id: Some(CaseId {
                case_id: "2026-123".into(),
                case_system: "ESDH".into(),
            }),
            kle_data: Some(KleData {
                subject_key: "05.04.02".into(),
                version: "2.1".into(),
                activity_facet: Some("G01".into()),
                label: "Pas".into(),
            }),
            form_data: Some(FormData {
                task_key: "25.01.10".into(),
                version: "1".into(),
                activity_facet: Some("A".into()),
                label: "Udstedelse af pas".into(),
            }),
            production_unit: Some(ProductionUnit {
                production_unit_number: "1003388394".into(),
                production_unit_name: None,
            }),
            education: Some(Education {
                education_code: "5080".into(),
                education_name: Some("Folkeskole".into()),
            }),
            address: Some(address()),
            unstructured_address: Some("Et sted i Danmark".into()),
            additional_content_data: vec![AdditionalContentData {
                content_data_type: Some("tekst".into()),
                content_data_name: "Skoleår".into(),
                content_data_value: "2026/27".into(),
            }],
        }),
        forward_data: Some(ForwardData {
            message_uuid: Uuid::parse_str("0f2a6f64-4a0e-4f56-8a3c-9a1c9a6b2d11").unwrap(),
            original_message_date_time: Some(t(8, 0)),
            original_sender: "Region Demo".into(),
            original_content_responsible: Some("Afdeling X".into()),
            original_representative: Some("Repræsentant".into()),
            contact_point_id: Some("cp-1".into()),
            comment: Some("Videresendt til dig".into()),
        }),
        reply_data: vec![ReplyData {
            message_id: Some("MSG-0".into()),
            message_uuid: Uuid::parse_str("2b5a1a3c-7d4e-4f5a-9b6c-1d2e3f4a5b6c").unwrap(),
            reply_uuid: Some(Uuid::parse_str("3c6b2b4d-8e5f-4a6b-8c7d-2e3f4a5b6c7d").unwrap()),
            sender_id: Some("12345678".into()),
            recipient_id: Some("0101709995".into()),
            case_id: Some("2026-123".into()),
            contact_point_id: Some("egebjerg-pas".into()),
            generating_system_id: Some("sys-7".into()),
            comment: Some("Svar på din henvendelse".into()),
            additional_reply_data: vec![AdditionalReplyData {
                label: "Journalnummer".into(),
                value: "J-42".into(),
            }],
        }],
        created_date_time: Some(t(7, 30)),
        documents: vec![
            Document {
                kind: DocumentKind::Main,
                id: Some("main-1".into()),
                label: Some("Brev".into()),
                files: vec![
                    file("brev.pdf", "application/pdf"),
                    file("brev.txt", "text/plain"),
                ],
                actions: vec![
                    Action {
                        label: "Scanning".into(),
                        action_code: ActionCode::Aftale,
                        start_date_time: Some(t(8, 0)),
                        end_date_time: Some(t(9, 0)),
                        reservation: Some(Reservation {
                            reservation_uuid: Uuid::parse_str(
                                "1f0c2e4a-9b3d-4c5e-8f7a-6b5c4d3e2f1a",
                            )
                            .unwrap(),
                            abstract_: "MR-scanning".into(),
                            description: "Mød fastende".into(),
                            location: "Hospitalet, indgang 3".into(),
                            start_date_time: t(9, 30),
                            end_date_time: t(10, 15),
                            organizer_mail: Some("scanning@region.example".into()),
                            organizer_name: Some("Billeddiagnostik".into()),
                        }),
                        entry_point: None,
                    },
                    Action {
                        label: "Betal".into(),
                        action_code: ActionCode::Betaling,
                        start_date_time: None,
                        end_date_time: Some(t(22, 59)),
                        reservation: None,
                        entry_point: Some("https://betal.example/x?a=1&b=2".into()),
                    },
                    Action {
                        label: "Noget nyt".into(),
                        action_code: ActionCode::Other("FREMTIDIG".into()),
                        start_date_time: None,
                        end_date_time: None,
                        reservation: None,
                        entry_point: None,
                    },
                ],
            },
            Document {
                kind: DocumentKind::Additional,
                id: Some("bilag-1".into()),
                label: Some("Bilag".into()),
                files: vec![file("bilag.html", "text/html")],
                actions: vec![Action {
                    label: "Underskriv".into(),
                    action_code: ActionCode::Underskriv,
                    start_date_time: None,
                    end_date_time: Some(t(23, 0)),
                    reservation: None,
                    entry_point: Some("https://signer.example/".into()),
                }],
            },
            Document {
                kind: DocumentKind::Technical,
                id: Some("tek-1".into()),
                label: None,
                files: vec![file("data.json", "application/json")],
                actions: vec![],
            },
        ],
    };
    let mut contents = MemorySink::with_limit(1 << 20);
    let fid = |document, file| FileId { document, file };
    contents.insert(fid(0, 0), b"%PDF-1.4 fake".to_vec());
    contents.insert(fid(0, 1), "Kære Karen,\nDu har en tid.".as_bytes().to_vec());
    contents.insert(fid(1, 0), b"<p>Hej<script>alert(1)</script></p>".to_vec());
    contents.insert(fid(2, 0), (0..=255u8).collect());
    (message, contents)
}

/// The model as the reader will see it: sizes and hashes filled in from the contents.
fn with_digests(mut m: Message, contents: &MemorySink) -> Message {
    use sha2::Digest;
    for (d, doc) in m.documents.iter_mut().enumerate() {
        for (f, file) in doc.files.iter_mut().enumerate() {
            let bytes = contents
                .get(FileId {
                    document: d,
                    file: f,
                })
                .unwrap();
            file.size = bytes.len() as u64;
            file.sha256 = hex::encode(sha2::Sha256::digest(bytes));
        }
    }
    m
}

#[test]
fn written_then_read_gives_the_same_model_and_contents() {
    let (message, mut contents) = full_message();
    let xml = to_vec(&message, &mut contents).unwrap();
    let mut read_back = MemorySink::with_limit(1 << 20);
    let again = read(xml.as_slice(), &mut read_back).unwrap();
    assert_eq!(again, with_digests(message, &contents));
    assert_eq!(read_back, contents_only(&contents));
}

fn contents_only(m: &MemorySink) -> MemorySink {
    let mut out = MemorySink::with_limit(1 << 20);
    for (id, bytes) in m.clone().into_files() {
        out.insert(id, bytes);
    }
    out
}

#[test]
fn what_is_written_validates() {
    let (message, mut contents) = full_message();
    let xml = to_vec(&message, &mut contents).unwrap();
    let violations = validate(xml.as_slice()).unwrap();
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn writing_is_stable() {
    let (message, mut contents) = full_message();
    let first = to_vec(&message, &mut contents).unwrap();
    let mut sink = MemorySink::with_limit(1 << 20);
    let read_back = read(first.as_slice(), &mut sink).unwrap();
    let second = to_vec(&read_back, &mut sink).unwrap();
    assert_eq!(first, second, "write(read(write(m))) == write(m)");
}

#[test]
fn writer_refuses_a_body_without_a_main_document() {
    let (mut message, mut contents) = full_message();
    message.documents.remove(0);
    let err = to_vec(&message, &mut contents).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unwritable(_)), "{err}");
}

/// A reader that hands out one byte at a time, as a slow network might.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() || buf.is_empty() {
            return Ok(0);
        }
        buf[0] = self.0[0];
        self.0 = &self.0[1..];
        Ok(1)
    }
}

#[test]
fn input_arriving_byte_by_byte_reads_the_same() {
    let (message, mut contents) = full_message();
    let xml = to_vec(&message, &mut contents).unwrap();
    let whole = read(xml.as_slice(), &mut Discard).unwrap();
    let trickled = read(Trickle(&xml), &mut Discard).unwrap();
    assert_eq!(whole, trickled);
}

const NS: &str = "https://DigitalPost.dk/MeMo-1";

/// A minimal message; `prefix` is "" for the default namespace or e.g. "memo:".
fn minimal(prefix: &str, version: &str, body: &str) -> String {
    let decl = if prefix.is_empty() {
        format!("xmlns=\"{NS}\"")
    } else {
        format!("xmlns:{}=\"{NS}\"", prefix.trim_end_matches(':'))
    };
    let p = prefix;
    format!(
        "<{p}Message {decl} memoVersion=\"{version}\">\
         <{p}MessageHeader><{p}messageType>DIGITALPOST</{p}messageType>\
         <{p}messageUUID>8C2EA15D-61FB-4BA9-9366-42F8B194C114</{p}messageUUID>\
         <{p}label>Hej</{p}label>\
         <{p}Sender><{p}senderID>12345678</{p}senderID><{p}idType>CVR</{p}idType><{p}label>Kommunen</{p}label></{p}Sender>\
         <{p}Recipient><{p}recipientID>0101709995</{p}recipientID><{p}idType>CPR</{p}idType></{p}Recipient>\
         </{p}MessageHeader>{body}</{p}Message>"
    )
}

fn body(p: &str, id_element: &str) -> String {
    format!(
        "<{p}MessageBody><{p}createdDateTime>2026-11-01T10:00:00Z</{p}createdDateTime>\
         <{p}MainDocument><{p}{id_element}>D1</{p}{id_element}>\
         <{p}File><{p}encodingFormat>text/plain</{p}encodingFormat><{p}filename>a.txt</{p}filename>\
         <{p}language>da</{p}language><{p}content>SGVq</{p}content></{p}File>\
         </{p}MainDocument></{p}MessageBody>"
    )
}

#[test]
fn reads_default_and_prefixed_namespaces_alike() {
    let a = read(
        minimal("", "1.2", &body("", "mainDocumentID")).as_bytes(),
        &mut Discard,
    )
    .unwrap();
    let b = read(
        minimal("m:", "1.2", &body("m:", "mainDocumentID")).as_bytes(),
        &mut Discard,
    )
    .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.label, "Hej");
    assert_eq!(
        a.message_uuid.to_string(),
        "8c2ea15d-61fb-4ba9-9366-42f8b194c114",
        "upper-case UUIDs are read"
    );
    assert_eq!(a.documents[0].files[0].size, 3);
}

#[test]
fn reads_a_bom_and_a_declaration_or_none() {
    let plain = minimal("", "1.2", "");
    let with_decl = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{plain}");
    let with_bom = format!("\u{FEFF}{with_decl}");
    let a = read(plain.as_bytes(), &mut Discard).unwrap();
    assert_eq!(a, read(with_decl.as_bytes(), &mut Discard).unwrap());
    assert_eq!(a, read(with_bom.as_bytes(), &mut Discard).unwrap());
    assert!(
        a.documents.is_empty(),
        "a message without a body has no documents"
    );
}

#[test]
fn reads_memo_1_0_document_ids() {
    let m = read(
        minimal("", "1.0", &body("", "documentID")).as_bytes(),
        &mut Discard,
    )
    .unwrap();
    assert_eq!(m.memo_version, "1.0");
    assert_eq!(m.documents[0].id.as_deref(), Some("D1"));
}

#[test]
fn skips_unknown_elements_from_newer_versions() {
    let xml = minimal("", "1.3", &body("", "mainDocumentID"))
        .replace(
            "<label>Hej</label>",
            "<label>Hej</label><futureThing><nested>x</nested></futureThing>",
        )
        .replace(
            "</MainDocument>",
            "<Signature xmlns=\"urn:other\">abc</Signature></MainDocument>",
        );
    let m = read(xml.as_bytes(), &mut Discard).unwrap();
    assert_eq!(m.label, "Hej");
    assert_eq!(m.documents.len(), 1);
}

#[test]
fn text_is_unescaped_and_trimmed_and_cdata_is_text() {
    let xml = minimal("", "1.2", "").replace(
        "<label>Hej</label>",
        "<label>\n  Sk&#230;rm &amp; <![CDATA[<b>tekst</b>]]> &#x1F600;  \n</label>",
    );
    let m = read(xml.as_bytes(), &mut Discard).unwrap();
    assert_eq!(m.label, "Skærm & <b>tekst</b> 😀");
}

fn read_err(xml: &[u8]) -> Error {
    read(xml, &mut Discard).expect_err("must be refused")
}

#[test]
fn empty_truncated_and_random_input_are_clear_errors_with_a_position() {
    let err = read_err(b"");
    assert!(matches!(err.kind(), ErrorKind::UnexpectedEof), "{err}");
    assert!(err.position().is_some());

    let full = minimal("", "1.2", &body("", "mainDocumentID"));
    for cut in [10, full.len() / 2, full.len() - 3] {
        let err = read_err(&full.as_bytes()[..cut]);
        assert!(err.position().is_some(), "cut at {cut}: {err}");
    }

    let err = read_err(b"this is not xml at all");
    assert!(
        err.to_string().contains("not XML") || err.to_string().contains("line 1"),
        "{err}"
    );

    let mut state = 0x2545F491u32;
    for _ in 0..200 {
        let bytes: Vec<u8> = (0..512)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        let err = read_err(&bytes);
        assert!(err.position().is_some(), "{err}");
    }
}

#[test]
fn wrong_namespace_or_root_is_not_memo() {
    let wrong = minimal("", "1.2", "").replace(NS, "https://example.org/other");
    assert!(matches!(
        read_err(wrong.as_bytes()).kind(),
        ErrorKind::NotMemo(_)
    ));
    assert!(matches!(
        read_err(b"<html><body/></html>").kind(),
        ErrorKind::NotMemo(_)
    ));
}

#[test]
fn dtds_and_entities_are_refused_and_nothing_is_fetched() {
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "TOP SECRET").unwrap();
    let external = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE Message [<!ENTITY x SYSTEM \"file://{}\">]>{}",
        secret.path().display(),
        minimal("", "1.2", "").replace("<label>Hej</label>", "<label>&x;</label>")
    );
    let err = read_err(external.as_bytes());
    assert!(matches!(err.kind(), ErrorKind::Dtd), "{err}");
    assert!(!err.to_string().contains("TOP SECRET"));

    let billion = "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>";
    assert!(matches!(
        read_err(billion.as_bytes()).kind(),
        ErrorKind::Dtd
    ));

    let undeclared = minimal("", "1.2", "").replace("<label>Hej</label>", "<label>&nbsp;</label>");
    assert!(
        matches!(read_err(undeclared.as_bytes()).kind(), ErrorKind::Entity(name) if name == "nbsp")
    );
}

#[test]
fn invalid_base64_names_the_file() {
    let xml = minimal("", "1.2", &body("", "mainDocumentID")).replace("SGVq", "SG*q");
    let err = read_err(xml.as_bytes());
    match err.kind() {
        ErrorKind::Base64 { filename, .. } => assert_eq!(filename, "a.txt"),
        other => panic!("expected a base64 error, got {other}"),
    }
    assert!(err.to_string().contains("a.txt"));
}

#[test]
fn a_failing_sink_stops_reading_with_the_file_named() {
    let xml = minimal("", "1.2", &body("", "mainDocumentID"));
    let mut tiny = MemorySink::with_limit(2);
    let err = read(xml.as_bytes(), &mut tiny).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Sink { filename, .. } if filename == "a.txt"),
        "{err}"
    );
}

#[test]
fn an_oversized_text_value_is_refused_not_buffered() {
    let huge = "x".repeat(1 << 20);
    let xml =
        minimal("", "1.2", "").replace("<label>Hej</label>", &format!("<label>{huge}</label>"));
    let err = read_err(xml.as_bytes());
    assert!(err.to_string().contains("longer than"), "{err}");
}

#[test]
fn required_values_that_cannot_be_understood_are_errors() {
    let bad_uuid = minimal("", "1.2", "").replace("8C2EA15D-61FB-4BA9-9366-42F8B194C114", "nope");
    let err = read_err(bad_uuid.as_bytes());
    assert!(err.to_string().contains("messageUUID"), "{err}");
    assert_eq!(err.position().unwrap().line, 1);

    let no_version = minimal("", "1.2", "").replace(" memoVersion=\"1.2\"", "");
    assert!(matches!(
        read_err(no_version.as_bytes()).kind(),
        ErrorKind::Missing(_)
    ));

    let bad_time = minimal("", "1.2", "").replace(
        "<label>Hej</label>",
        "<label>Hej</label><replyByDateTime>i morgen</replyByDateTime>",
    );
    assert!(
        read_err(bad_time.as_bytes())
            .to_string()
            .contains("replyByDateTime")
    );
}

#[test]
fn times_with_offsets_are_converted_to_utc() {
    let xml = minimal("", "1.2", "").replace(
        "<label>Hej</label>",
        "<label>Hej</label><replyByDateTime>2026-12-01T10:00:00+01:00</replyByDateTime>",
    );
    let m = read(xml.as_bytes(), &mut Discard).unwrap();
    assert_eq!(m.reply_by_date_time, Some(t(9, 0)));
}

#[test]
fn errors_point_at_the_right_line_and_column() {
    let xml = "<Message xmlns=\"https://DigitalPost.dk/MeMo-1\" memoVersion=\"1.2\">\n  <MessageHeader>\n    <messageUUID>zzz</messageUUID>";
    let err = read_err(xml.as_bytes());
    assert!(matches!(err.kind(), ErrorKind::UnexpectedEof), "{err}");
    let xml = format!("{}\n", minimal("", "1.2", "")).replace(
        "<label>Hej</label>",
        "<label>Hej</label>\n   <reply>maybe</reply>",
    );
    let err = read_err(xml.as_bytes());
    let pos = err.position().unwrap();
    assert_eq!((pos.line, pos.column), (2, 4), "{err}");
}
