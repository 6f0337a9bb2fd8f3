//! Tests of the demo world (`brevdue_core::demo`).
//!
//! Contents:
//! - the cast: people, grants, companies, authorities, systems;
//! - fictional numbers: every CPR and CVR number anywhere in the world;
//! - contact structures: depth, search, the passport contact point, invisible, extra fields;
//! - letters: every kind the demo promises, deadlines relative to `now`, determinism;
//! - MeMo: every message written, validated and read back to the same model and bytes;
//! - PDF: every PDF opens with poppler's `pdftotext`/`pdfinfo` and holds its text;
//! - seeding a real SQLite file, twice.

// The helpers below are test code too; clippy's test allowances reach only `#[test]` functions.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "support/postgres.rs"]
mod postgres;

use std::collections::HashSet;
use std::process::Command;

use brevdue_core::demo::contacts::{self, ContactPoint, ContactStructure};
use brevdue_core::demo::world::{self, MailboxOwner, SystemRole};
use brevdue_core::demo::{self, DemoLetter, danish};
use brevdue_memo::{ActionCode, DocumentKind, MemorySink, MessageType};
use chrono::{DateTime, Duration, TimeZone, Utc};

/// A few moments to build the world at: an ordinary weekday, a Saturday night around the
/// change to summer time, New Year, and a leap day.
fn nows() -> Vec<DateTime<Utc>> {
    vec![
        Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2027, 3, 27, 23, 30, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 12, 31, 23, 45, 0).unwrap(),
        Utc.with_ymd_and_hms(2028, 2, 29, 4, 10, 0).unwrap(),
    ]
}

fn now() -> DateTime<Utc> {
    nows()[0]
}

fn build(now: DateTime<Utc>) -> (world::World, Vec<DemoLetter>) {
    let w = demo::world(now);
    let letters = demo::letters(&w, now);
    (w, letters)
}

// --- The cast -----------------------------------------------------------------------------

#[test]
fn the_cast_has_a_representative_a_second_citizen_and_an_employee_of_two_companies() {
    let w = demo::world(now());
    assert!(w.persons.len() >= 4);
    let ids: HashSet<_> = w.persons.iter().map(|p| p.id).collect();
    assert_eq!(ids.len(), w.persons.len(), "person ids are unique");
    for p in &w.persons {
        assert!(!p.name.is_empty() && !p.description.is_empty(), "{}", p.id);
    }

    // A citizen who reads a parent's whole mailbox.
    let parent = w
        .grants
        .iter()
        .find(|g| g.owner == MailboxOwner::Person(world::KAREN) && g.holder_id == world::ANDERS)
        .expect("Anders reads Karen's post");
    assert_eq!(parent.folder, None);
    // A grant limited to a folder and with an expiry in the future.
    let limited = w
        .grants
        .iter()
        .find(|g| g.folder.is_some() && g.expires.is_some())
        .expect("a limited grant");
    assert!(limited.expires.unwrap() > now());
    for g in &w.grants {
        assert!(w.person(g.holder_id).is_some());
        match g.owner {
            MailboxOwner::Person(id) => assert!(w.person(id).is_some() && id != g.holder_id),
            MailboxOwner::Company(cvr) => assert!(w.company(cvr).is_some()),
        }
    }

    // An employee with rights in two companies.
    let jens: Vec<_> = w
        .company_rights
        .iter()
        .filter(|r| r.person_id == world::JENS)
        .collect();
    assert_eq!(jens.len(), 2);
    for r in &w.company_rights {
        assert!(w.company(r.cvr).is_some() && w.person(r.person_id).is_some());
    }
}

#[test]
fn every_authority_has_a_sender_system_and_a_default_recipient_system_of_its_own() {
    let w = demo::world(now());
    let types: HashSet<_> = w.authorities.iter().map(|a| a.authority_type).collect();
    assert!(types.contains(&world::AuthorityType::Municipality));
    assert!(types.contains(&world::AuthorityType::Region));
    assert!(types.contains(&world::AuthorityType::State));
    assert!(w.authorities.len() >= 5);
    let system_ids: HashSet<_> = w.systems.iter().map(|s| s.id).collect();
    assert_eq!(system_ids.len(), w.systems.len(), "system ids are unique");
    for a in &w.authorities {
        assert!(w.sender_system(a.id).is_some(), "{} sends", a.id);
        let (_, default) = w
            .default_recipients
            .iter()
            .find(|(auth, _)| *auth == a.id)
            .unwrap_or_else(|| panic!("{} has a default recipient", a.id));
        let system = w.systems.iter().find(|s| s.id == *default).unwrap();
        assert_eq!(system.authority_id, a.id);
        assert_eq!(system.role, SystemRole::Recipient);
    }
}

#[test]
fn the_identities_table_lists_every_person_with_cpr_and_what_they_show() {
    let w = demo::world(now());
    let md = w.identities_markdown();
    let lines: Vec<_> = md.lines().collect();
    assert_eq!(lines.len(), 2 + w.persons.len());
    assert!(lines[0].contains("CPR"));
    for p in &w.persons {
        let row = lines.iter().find(|l| l.contains(p.id)).unwrap();
        assert!(row.contains(p.name));
        assert!(row.contains(&danish::cpr(p.cpr)));
        assert!(row.contains(p.description));
    }
    let jens = lines.iter().find(|l| l.contains(world::JENS)).unwrap();
    assert!(jens.contains("Lyngbakken VVS ApS") && jens.contains("Café Havnekanten I/S"));
}

// --- Fictional numbers --------------------------------------------------------------------

#[test]
fn every_cpr_and_cvr_number_is_fictional() {
    let (w, letters) = build(now());
    for cpr in w.cpr_numbers() {
        assert!(world::is_fictional_cpr(cpr), "{cpr}");
    }
    for cvr in w
        .companies
        .iter()
        .map(|c| c.cvr)
        .chain(w.authorities.iter().map(|a| a.cvr))
    {
        assert!(world::is_fictional_cvr(cvr), "{cvr}");
    }
    // Any CPR-shaped number in any message or file text belongs to the world.
    let known: HashSet<String> = w.cpr_numbers().iter().map(|c| c.to_string()).collect();
    let mut seen = 0;
    for l in &letters {
        let mut text = serde_json::to_string(&l.message).unwrap();
        for f in &l.files {
            text.push(' ');
            text.push_str(&f.text);
        }
        for number in cpr_shaped(&text) {
            assert!(
                known.contains(&number),
                "{}: {number} is not a demo CPR",
                l.key
            );
            seen += 1;
        }
    }
    assert!(seen > 10, "the letters do carry CPR numbers ({seen})");
}

/// Every word of exactly 10 digits, or 6 digits, a hyphen and 4 digits, without the hyphen
/// (digits inside a hash or UUID are not words).
fn cpr_shaped(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = String::new();
        while j < chars.len()
            && (chars[j].is_ascii_digit() || (chars[j] == '-' && digits.len() == 6))
        {
            if chars[j] != '-' {
                digits.push(chars[j]);
            }
            j += 1;
        }
        let boundary = chars.get(j).is_none_or(|c| !c.is_ascii_alphanumeric());
        if digits.len() == 10 && boundary {
            found.push(digits);
        }
        i = j.max(i + 1);
    }
    found
}

// --- Contact structures -------------------------------------------------------------------

/// Search as a viewing client must: name and search words, case-insensitive, every word of
/// the query must match, invisible contact points are never found.
fn search<'a>(s: &'a ContactStructure, query: &str) -> Vec<&'a ContactPoint> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    s.points
        .iter()
        .filter(|p| p.visible)
        .filter(|p| {
            let hay: Vec<String> = std::iter::once(p.name)
                .chain(p.search_words.iter().copied())
                .map(str::to_lowercase)
                .collect();
            words
                .iter()
                .all(|w| hay.iter().any(|h| h.contains(w.as_str())))
        })
        .collect()
}

#[test]
fn every_authority_has_a_contact_structure_two_or_three_levels_deep() {
    let w = demo::world(now());
    let structures = contacts::structures();
    let mut total = 0;
    for a in &w.authorities {
        let s = structures
            .iter()
            .find(|s| s.authority_id == a.id)
            .unwrap_or_else(|| panic!("{} has contact points", a.id));
        assert!(
            (2..=3).contains(&s.depth()),
            "{}: depth {}",
            a.id,
            s.depth()
        );
        let keys: HashSet<_> = s.points.iter().map(|p| p.key).collect();
        assert_eq!(keys.len(), s.points.len(), "{}: unique keys", a.id);
        for p in &s.points {
            assert!(!p.groups.is_empty(), "{}", p.key);
            for g in p.groups {
                assert!(s.group_path(g).is_some(), "{}: group {g}", p.key);
            }
            assert!(!p.search_words.is_empty(), "{}", p.key);
            assert!(p.extra_fields.len() <= 2, "{}", p.key);
            assert!(p.audiences.citizens || p.audiences.companies || p.audiences.authorities);
            if let Some(system) = p.recipient_system {
                let sys = w.systems.iter().find(|x| x.id == system).unwrap();
                assert_eq!((sys.authority_id, sys.role), (a.id, SystemRole::Recipient));
            }
        }
        total += s.points.len();
    }
    assert!(total >= 36, "dozens of contact points ({total})");
    assert!(structures.iter().any(|s| s.depth() == 3));
}

#[test]
fn the_passport_contact_point_is_found_by_pas_in_any_case_under_borgerservice() {
    let kommune = contacts::structure(world::KOMMUNE).unwrap();
    for query in ["pas", "PAS", "Pas", "nyt PAS"] {
        let hits = search(&kommune, query);
        let pas = hits
            .iter()
            .find(|p| p.key == "pas")
            .unwrap_or_else(|| panic!("{query}"));
        let paths: Vec<_> = pas
            .groups
            .iter()
            .filter_map(|g| kommune.group_path(g))
            .collect();
        assert!(paths.contains(&"Borgerservice/Pas og kørekort".to_owned()));
    }
    // Several words narrow the search.
    assert!(search(&kommune, "pas fingeraftryk").is_empty());
    assert!(
        search(&kommune, "mistet pas")
            .iter()
            .all(|p| p.key == "pas")
    );
}

#[test]
fn contact_points_show_each_feature_somewhere() {
    let all: Vec<(ContactStructure, ContactPoint)> = contacts::structures()
        .into_iter()
        .flat_map(|s| s.points.clone().into_iter().map(move |p| (s.clone(), p)))
        .collect();
    let invisible: Vec<_> = all.iter().filter(|(_, p)| !p.visible).collect();
    assert!(!invisible.is_empty());
    for (s, p) in &invisible {
        for word in p.search_words.iter().chain([&p.name]) {
            assert!(
                search(s, word).iter().all(|q| q.key != p.key),
                "{} is found",
                p.key
            );
        }
    }
    assert!(all.iter().any(|(_, p)| p.self_service_url.is_some()));
    assert!(
        all.iter()
            .any(|(_, p)| p.extra_fields.contains(&"Barnets CPR-nummer"))
    );
    assert!(
        all.iter()
            .any(|(_, p)| p.extra_fields.contains(&"Registreringsnummer"))
    );
    assert!(all.iter().any(|(_, p)| p.extra_fields.len() == 2));
    assert!(all.iter().any(|(_, p)| p.kle.is_some()));
    assert!(all.iter().any(|(_, p)| p.form.is_some()));
    assert!(all.iter().any(|(_, p)| {
        p.audiences.authorities && !p.audiences.citizens && !p.audiences.companies
    }));
    assert!(
        all.iter()
            .any(|(_, p)| p.audiences.companies && !p.audiences.citizens)
    );
    for (_, p) in &all {
        if let Some(url) = p.self_service_url {
            assert!(
                url.starts_with("https://") && url.contains(".example"),
                "{url}"
            );
        }
    }
}

// --- Letters ------------------------------------------------------------------------------

#[test]
fn there_are_over_fifty_letters_with_unique_keys_and_ids_dated_over_the_past_year() {
    for now in nows() {
        let (w, letters) = build(now);
        assert!(letters.len() >= 50, "{}", letters.len());
        let keys: HashSet<_> = letters.iter().map(|l| l.key).collect();
        assert_eq!(keys.len(), letters.len());
        let ids: HashSet<_> = letters.iter().map(|l| l.message.message_uuid).collect();
        assert_eq!(ids.len(), letters.len());
        let mut oldest = now;
        for l in &letters {
            let m = &l.message;
            if let Some(created) = m.created_date_time {
                assert!(created < now, "{} is created in the future", l.key);
                assert!(created > now - Duration::days(366), "{} is too old", l.key);
                oldest = oldest.min(created);
            }
            let a = w.authority(l.authority_id).unwrap();
            assert_eq!(
                (m.sender.id.as_str(), m.sender.label.as_str()),
                (a.cvr, a.name)
            );
            assert!(
                m.sender.contact_point.is_some(),
                "{} names a return contact point",
                l.key
            );
        }
        assert!(
            oldest < now - Duration::days(270),
            "the post spans the year"
        );
        // Every mailbox has post.
        for p in &w.persons {
            assert!(
                letters.iter().any(|l| l.message.recipient.id == p.cpr),
                "{}",
                p.id
            );
        }
        for c in &w.companies {
            assert!(
                letters.iter().any(|l| l.message.recipient.id == c.cvr),
                "{}",
                c.name
            );
        }
    }
}

#[test]
fn the_letters_hold_every_kind_of_message_the_demo_promises() {
    let (w, letters) = build(now());
    let msgs = || letters.iter().map(|l| &l.message);

    let reservations: Vec<_> = msgs()
        .flat_map(|m| m.actions())
        .filter(|a| a.reservation.is_some())
        .collect();
    assert!(reservations.len() >= 4, "appointments");
    let contradicting = reservations
        .iter()
        .filter(|a| {
            let r = a.reservation.as_ref().unwrap();
            a.start_date_time != Some(r.start_date_time) || a.end_date_time != Some(r.end_date_time)
        })
        .count();
    assert!(
        contradicting >= 2,
        "appointments whose action times disagree with the reservation"
    );
    assert!(
        msgs()
            .flat_map(|m| m.actions())
            .any(|a| a.action_code == ActionCode::Betaling && a.end_date_time.is_some())
    );
    assert!(
        msgs().any(|m| m.reply && m.reply_by_date_time.is_some()),
        "a reply deadline"
    );
    assert!(
        msgs().any(|m| m.reply && m.reply_by_date_time.is_none()),
        "a reply without deadline"
    );
    assert!(msgs().any(|m| m.legal_notification));
    assert!(msgs().any(|m| m.mandatory));
    assert!(
        msgs().any(|m| !m.reply_data.is_empty()),
        "a letter in reply to one"
    );

    // Company post: to a CVR number, marked as such.
    let company_post: Vec<_> = msgs().filter(|m| m.recipient.id_type == "CVR").collect();
    assert!(company_post.len() >= 4);
    for m in &company_post {
        assert!(w.company(&m.recipient.id).is_some());
        assert_eq!(m.post_type.as_deref(), Some(demo::letters::COMPANY_POST));
    }

    // NemSMS: no body, a short text.
    let sms: Vec<_> = msgs()
        .filter(|m| m.message_type == MessageType::NemSms)
        .collect();
    assert!(!sms.is_empty());
    for m in sms {
        assert!(m.documents.is_empty() && m.created_date_time.is_none());
        let text = m.notification.as_deref().unwrap();
        assert!(!text.is_empty() && text.chars().count() <= 150, "{text}");
    }

    // Additional documents, and a plain-text rendition beside a PDF.
    assert!(
        msgs()
            .filter(|m| m
                .documents
                .iter()
                .any(|d| d.kind == DocumentKind::Additional))
            .count()
            >= 5
    );
    assert!(msgs().any(|m| {
        let main = m.main_document().unwrap_or(&m.documents[0]);
        let types: Vec<_> = main
            .files
            .iter()
            .map(|f| f.encoding_format.as_str())
            .collect();
        types == ["application/pdf", "text/plain"]
    }));

    // Data about a child, a vehicle, a KLE code.
    assert!(msgs().any(|m| {
        m.content_data
            .as_ref()
            .and_then(|c| c.cpr_data.as_ref())
            .is_some()
    }));
    assert!(msgs().any(|m| {
        m.content_data
            .as_ref()
            .and_then(|c| c.motor_vehicle.as_ref())
            .is_some()
    }));
    assert!(msgs().any(|m| {
        m.content_data
            .as_ref()
            .and_then(|c| c.kle_data.as_ref())
            .is_some()
    }));

    // One HTML letter with hostile markup.
    let html: Vec<_> = letters
        .iter()
        .flat_map(|l| l.files.iter().map(move |f| (l, f)))
        .filter(|(l, f)| l.message.file(f.id).unwrap().encoding_format == "text/html")
        .collect();
    assert_eq!(html.len(), 1);
    let source = String::from_utf8(html[0].1.bytes.clone()).unwrap();
    assert!(source.contains("<script>"));
    assert!(source.contains("onerror="));
    assert!(source.contains("<img src=\"https://"));
    assert!(source.contains("javascript:"));
    assert!(source.contains("Ny genbrugsplads åbner"));
}

/// Every deadline of a message: its reply deadline and the end of each task action.
fn deadlines(l: &DemoLetter) -> Vec<DateTime<Utc>> {
    let m = &l.message;
    m.reply_by_date_time
        .into_iter()
        .chain(
            m.actions()
                .filter(|a| a.action_code.is_task())
                .filter_map(|a| a.end_date_time),
        )
        .collect()
}

#[test]
fn deadlines_lie_ahead_a_few_within_days_and_exactly_one_passed() {
    for now in nows() {
        let (_, letters) = build(now);
        let all: Vec<_> = letters
            .iter()
            .flat_map(|l| deadlines(l).into_iter().map(move |d| (l.key, d)))
            .collect();
        let passed: Vec<_> = all.iter().filter(|(_, d)| *d <= now).collect();
        assert_eq!(passed.len(), 1, "{now}: {passed:?}");
        assert!(
            passed[0].1 > now - Duration::days(10),
            "the overdue one is recent"
        );
        let soon = all
            .iter()
            .filter(|(_, d)| *d > now && *d <= now + Duration::days(7))
            .count();
        assert!(soon >= 3, "{now}: {soon} deadlines within a week");
        assert!(all.len() >= 8);
        // Appointments of recent letters are still to come.
        for l in &letters {
            let recent = l
                .message
                .created_date_time
                .is_some_and(|c| c > now - Duration::days(35));
            for r in l.message.actions().filter_map(|a| a.reservation.as_ref()) {
                if recent {
                    assert!(r.start_date_time > now, "{now}: {}", l.key);
                }
                assert!(r.end_date_time > r.start_date_time);
            }
        }
    }
}

#[test]
fn one_message_has_a_value_date_within_five_days() {
    for now in nows() {
        let (_, letters) = build(now);
        let dated: Vec<_> = letters
            .iter()
            .filter_map(|l| l.message.do_not_deliver_until_date)
            .collect();
        assert_eq!(dated.len(), 1);
        let days = (dated[0] - danish::danish_date(now)).num_days();
        assert!((1..=5).contains(&days), "{now}: {days}");
    }
}

#[test]
fn the_same_now_gives_the_same_world_and_another_now_moves_only_the_dates() {
    let a = build(now());
    let b = build(now());
    assert_eq!(a, b);
    let later = build(now() + Duration::days(40));
    assert_ne!(a.1, later.1);
    let ids = |l: &[DemoLetter]| {
        l.iter()
            .map(|x| (x.key, x.message.message_uuid))
            .collect::<HashSet<_>>()
    };
    assert_eq!(ids(&a.1), ids(&later.1));
}

// --- MeMo ---------------------------------------------------------------------------------

#[test]
fn every_message_is_valid_memo_and_reads_back_to_the_same_model_and_bytes() {
    let (_, letters) = build(now());
    for l in &letters {
        let xml = l.to_memo().unwrap();
        let violations = brevdue_memo::validate(xml.as_slice()).unwrap();
        assert!(violations.is_empty(), "{}: {violations:?}", l.key);
        let mut sink = MemorySink::with_limit(10_000_000);
        let read = brevdue_memo::read(xml.as_slice(), &mut sink).unwrap();
        assert_eq!(read, l.message, "{}", l.key);
        for f in &l.files {
            assert_eq!(
                sink.get(f.id),
                Some(f.bytes.as_slice()),
                "{} {:?}",
                l.key,
                f.id
            );
        }
        assert_eq!(l.files.len(), l.message.files().count());
    }
    // The validator is no rubber stamp: a subject longer than the schema allows is caught.
    let mut broken = letters[0].clone();
    broken.message.label = "x".repeat(300);
    let violations = brevdue_memo::validate(broken.to_memo().unwrap().as_slice()).unwrap();
    assert!(!violations.is_empty());
}

// --- PDF ----------------------------------------------------------------------------------

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed (apt-get install poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Whether every word of `expected` occurs in `actual`, in order (other words may come
/// between: the letterhead and page furniture).
fn words_in_order(expected: &str, actual: &str) -> Result<(), String> {
    let mut actual = actual.split_whitespace();
    for word in expected.split_whitespace() {
        if !actual.any(|a| a == word) {
            return Err(format!("missing or out of order: {word:?}"));
        }
    }
    Ok(())
}

#[test]
fn every_pdf_opens_and_holds_its_text_with_danish_letters() {
    let (_, letters) = build(now());
    let dir = tempfile::tempdir().unwrap();
    let mut pdfs = 0;
    let mut pages_max = 0;
    let mut danish_letters = HashSet::new();
    for l in &letters {
        for f in &l.files {
            if l.message.file(f.id).unwrap().encoding_format != "application/pdf" {
                continue;
            }
            let path = dir
                .path()
                .join(format!("{}-{}-{}.pdf", l.key, f.id.document, f.id.file));
            std::fs::write(&path, &f.bytes).unwrap();
            let p = path.to_str().unwrap();
            let info = poppler("pdfinfo", &[p]);
            assert!(
                info.contains("Page size:       595.28 x 841.89 pts (A4)"),
                "{info}"
            );
            let pages: usize = info
                .lines()
                .find_map(|line| line.strip_prefix("Pages:"))
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            pages_max = pages_max.max(pages);
            let text = poppler("pdftotext", &["-layout", "-enc", "UTF-8", p, "-"]);
            if let Err(e) = words_in_order(&f.text, &text) {
                panic!("{} {:?}: {e}\n{text}", l.key, f.id);
            }
            danish_letters.extend(text.chars().filter(|c| "æøåÆØÅé".contains(*c)));
            pdfs += 1;
        }
    }
    let in_models = letters
        .iter()
        .flat_map(|l| l.message.files())
        .filter(|(_, f)| f.encoding_format == "application/pdf")
        .count();
    assert_eq!(pdfs, in_models);
    assert!(pdfs >= 50, "{pdfs} PDFs");
    assert!(pages_max >= 2, "long letters run over several pages");
    // A page renders to an image (what was looked at by eye when the layout was made).
    let with_pdf = letters
        .iter()
        .find(|l| {
            l.message
                .main_document()
                .and_then(|d| d.files.first())
                .is_some_and(|f| f.encoding_format == "application/pdf")
        })
        .unwrap();
    let first = dir.path().join(format!("{}-0-0.pdf", with_pdf.key));
    let png = dir.path().join("page");
    poppler(
        "pdftoppm",
        &[
            "-r",
            "50",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            first.to_str().unwrap(),
            png.to_str().unwrap(),
        ],
    );
    let rendered = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().ends_with(".png"))
        .expect("pdftoppm wrote a PNG");
    assert!(rendered.metadata().unwrap().len() > 5_000);
    for c in "æøåÆØÅé".chars() {
        assert!(
            danish_letters.contains(&c),
            "{c} survives: {danish_letters:?}"
        );
    }
}

#[test]
fn the_text_check_notices_missing_and_reordered_words() {
    assert!(words_in_order("Kære Karen", "Fjordmark Kære   Karen\nHolm").is_ok());
    assert!(words_in_order("Kære Karen", "Karen Kære").is_err());
    assert!(words_in_order("Kære Karen", "Kære Karin").is_err());
}

// --- Seeding a real SQLite file -----------------------------------------------------------

async fn count(db: &brevdue_core::db::Db, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db).await.unwrap();
    n
}

fn parse_db_time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn seeding_a_fresh_database_routes_every_letter_and_a_second_seeding_does_nothing() {
    let now = now();
    let dir = tempfile::tempdir().unwrap();
    let config = brevdue_core::Config {
        clock: brevdue_core::Clock::manual(now),
        database_url: postgres::test_database_url(),
        ..brevdue_core::Config::new(dir.path())
    };
    let state = brevdue_core::open_state(&config, url::Url::parse("http://127.0.0.1/").unwrap())
        .await
        .unwrap();
    let db = &state.db;
    let (w, letters) = build(now);

    let report = demo::seed(&state, now).await.unwrap();
    assert!(report.seeded);
    assert_eq!(report.messages, letters.len());
    assert_eq!(report.grants, w.grants.len());
    let points: usize = contacts::structures().iter().map(|s| s.points.len()).sum();
    assert_eq!(report.contact_points, points as u64);
    assert_eq!(demo::seeded_for(db).await.unwrap(), Some(now));

    assert_eq!(
        count(db, "SELECT COUNT(*) FROM persons").await,
        w.persons.len() as i64
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM systems").await,
        w.systems.len() as i64
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM memos").await,
        letters.len() as i64
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM messages").await,
        letters.len() as i64
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM memos WHERE routed_to <> 'MAILBOX'"
        )
        .await,
        0
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM memos WHERE status = 'SCHEDULED'").await,
        1
    );

    // Each letter in its recipient's mailbox, received when it was sent, read when old.
    for l in &letters {
        let uuid = l.message.message_uuid.to_string();
        let (received, read, folder, sender): (String, brevdue_core::db::Flag, String, String) =
            sqlx::query_as(
                "SELECT m.received_at, m.read, f.name, s.sender_authority_id FROM messages m \
             JOIN folders f ON f.id = m.folder_id JOIN memos s ON s.message_uuid = m.message_uuid \
             WHERE m.message_uuid = $1",
            )
            .bind(&uuid)
            .fetch_one(db)
            .await
            .unwrap();
        let received = parse_db_time(&received);
        if l.message.do_not_deliver_until_date.is_none() {
            assert!(
                received >= l.sent && received <= l.sent + Duration::minutes(5),
                "{}",
                l.key
            );
        }
        assert_eq!(read.0, l.sent < now - Duration::days(21), "{}", l.key);
        assert_eq!(sender, l.authority_id);
        let bookkeeping =
            l.authority_id == world::SKAT && l.message.recipient.id == world::LYNGBAKKEN_VVS;
        assert_eq!(
            folder == world::BOOKKEEPING_FOLDER,
            bookkeeping,
            "{}: {folder}",
            l.key
        );
    }
    let (oldest,): (String,) = sqlx::query_as("SELECT MIN(received_at) FROM messages")
        .fetch_one(db)
        .await
        .unwrap();
    assert!(parse_db_time(&oldest) < now - Duration::days(270));

    // Who sees which mailbox, by the core's own access rules.
    let mut conn = db.acquire().await.unwrap();
    let mailboxes_of = |id: &str| brevdue_core::auth::Caller::Person {
        person_id: id.to_owned(),
        cpr: w.person(id).unwrap().cpr.to_owned(),
        name: w.person(id).unwrap().name.to_owned(),
    };
    let anders = brevdue_core::access::mailboxes(&mut conn, &mailboxes_of(world::ANDERS), now)
        .await
        .unwrap();
    let names: Vec<_> = anders
        .iter()
        .map(|g| g.mailbox.owner_name.as_str())
        .collect();
    assert_eq!(names, ["Anders Holm", "Karen Holm"]);
    assert!(anders[1].representative_id.is_some() && anders[1].folder_ids.is_none());
    let jens = brevdue_core::access::mailboxes(&mut conn, &mailboxes_of(world::JENS), now)
        .await
        .unwrap();
    assert_eq!(jens.len(), 3, "own and two companies");
    let sofie = brevdue_core::access::mailboxes(&mut conn, &mailboxes_of(world::SOFIE), now)
        .await
        .unwrap();
    let bookkeeping = sofie
        .iter()
        .find(|g| g.mailbox.cvr.as_deref() == Some(world::LYNGBAKKEN_VVS))
        .unwrap();
    let folder_ids = bookkeeping.folder_ids.clone().unwrap();
    assert_eq!(folder_ids.len(), 1);
    let (folder_name,): (String,) = sqlx::query_as("SELECT name FROM folders WHERE id = $1")
        .bind(&folder_ids[0])
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(folder_name, world::BOOKKEEPING_FOLDER);
    assert!(bookkeeping.expires_at.unwrap() > now);
    // After the grant expires, Sofie no longer sees the plumbers' post.
    let later = brevdue_core::access::mailboxes(
        &mut conn,
        &mailboxes_of(world::SOFIE),
        now + Duration::days(100),
    )
    .await
    .unwrap();
    assert_eq!(later.len(), 1);
    drop(conn);

    // Seeding again changes nothing.
    let changes = count(db, "SELECT value FROM change_sequence").await;
    let again = demo::seed(&state, now + Duration::days(3)).await.unwrap();
    assert_eq!(again, demo::SeedReport::default());
    assert_eq!(
        count(db, "SELECT value FROM change_sequence").await,
        changes
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM memos").await,
        letters.len() as i64
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM representatives").await,
        w.grants.len() as i64
    );
    assert_eq!(demo::seeded_for(db).await.unwrap(), Some(now));

    // The value-dated letter appears on its day.
    state.clock.set(now + Duration::days(6));
    assert_eq!(brevdue_core::release::release_due(&state).await.unwrap(), 1);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM messages WHERE visible = FALSE").await,
        0
    );
}

#[tokio::test]
async fn a_seeding_that_stopped_half_way_is_finished_by_the_next() {
    let now = now();
    let dir = tempfile::tempdir().unwrap();
    let config = brevdue_core::Config {
        clock: brevdue_core::Clock::manual(now),
        database_url: postgres::test_database_url(),
        ..brevdue_core::Config::new(dir.path())
    };
    let state = brevdue_core::open_state(&config, url::Url::parse("http://127.0.0.1/").unwrap())
        .await
        .unwrap();
    let (w, letters) = build(now);
    demo::seed(&state, now).await.unwrap();
    // Undo the last steps, as if seeding had stopped after routing some of the letters.
    for sql in [
        "DELETE FROM demo_seed",
        "DELETE FROM representatives",
        "DELETE FROM message_search",
    ] {
        sqlx::query(sql).execute(&state.db).await.unwrap();
    }
    let last: Vec<String> = letters
        .iter()
        .rev()
        .take(5)
        .map(|l| l.message.message_uuid.to_string())
        .collect();
    for uuid in &last {
        sqlx::query("DELETE FROM messages WHERE message_uuid = $1")
            .bind(uuid)
            .execute(&state.db)
            .await
            .unwrap();
        sqlx::query("DELETE FROM memos WHERE message_uuid = $1")
            .bind(uuid)
            .execute(&state.db)
            .await
            .unwrap();
    }
    let report = demo::seed(&state, now).await.unwrap();
    assert!(report.seeded);
    assert_eq!(report.identities, 0);
    assert_eq!(report.messages, 5);
    assert_eq!(report.grants, w.grants.len());
    assert_eq!(
        count(&state.db, "SELECT COUNT(*) FROM memos").await,
        letters.len() as i64
    );
}
