//! The agenda and its iCalendar, from MeMo files read end to end. The iCalendar is read back
//! with the `ical` crate's own parser.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use brevdue_memo::{ActionCode, AgendaItem, AgendaKind, Discard, Message, agenda, ics::to_ics};
use chrono::{DateTime, TimeZone, Utc};
use ical::parser::ical::component::{IcalAlarm, IcalCalendar, IcalEvent};
use ical::property::Property;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn read(name: &str) -> Message {
    match brevdue_memo::read_file(data(name), &mut Discard) {
        Ok(m) => m,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn utc(s: &str) -> DateTime<Utc> {
    match DateTime::parse_from_rfc3339(s) {
        Ok(t) => t.with_timezone(&Utc),
        Err(e) => panic!("{s}: {e}"),
    }
}

fn stamp() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 21, 7, 5, 0).unwrap()
}

/// The one calendar in `text`, parsed by `ical`.
fn parse(text: &str) -> IcalCalendar {
    let mut calendars: Vec<IcalCalendar> = ical::IcalParser::new(text.as_bytes())
        .map(|c| c.unwrap_or_else(|e| panic!("{e}\n{text}")))
        .collect();
    assert_eq!(calendars.len(), 1, "{text}");
    calendars.remove(0)
}

fn find<'p>(properties: &'p [Property], name: &str) -> &'p Property {
    let found: Vec<&Property> = properties.iter().filter(|p| p.name == name).collect();
    assert_eq!(found.len(), 1, "{name} in {properties:?}");
    found[0]
}

fn has(properties: &[Property], name: &str) -> bool {
    properties.iter().any(|p| p.name == name)
}

/// The raw value of property `name`.
fn raw<'p>(properties: &'p [Property], name: &str) -> &'p str {
    find(properties, name).value.as_deref().unwrap_or_default()
}

/// The TEXT value of property `name`, unescaped (RFC 5545 3.3.11).
fn text(properties: &[Property], name: &str) -> String {
    let mut out = String::new();
    let mut chars = raw(properties, name).chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => panic!("a lone backslash ends {name}"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn triggers(alarms: &[IcalAlarm]) -> Vec<&str> {
    alarms
        .iter()
        .map(|a| {
            assert_eq!(raw(&a.properties, "ACTION"), "DISPLAY");
            assert!(!text(&a.properties, "DESCRIPTION").is_empty());
            raw(&a.properties, "TRIGGER")
        })
        .collect()
}

fn event<'c>(calendar: &'c IcalCalendar, uid: &str) -> &'c IcalEvent {
    let found: Vec<&IcalEvent> = calendar
        .events
        .iter()
        .filter(|e| raw(&e.properties, "UID") == uid)
        .collect();
    assert_eq!(found.len(), 1, "events with UID {uid}");
    found[0]
}

/// CRLF line ends only, and no physical line over 75 octets.
fn assert_wire_form(ics: &str) {
    assert!(ics.ends_with("\r\n"));
    for (i, line) in ics.split("\r\n").enumerate() {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "line {i}: {line:?}"
        );
        assert!(
            line.len() <= 75,
            "line {i} has {} octets: {line:?}",
            line.len()
        );
    }
}

fn summary(items: &[AgendaItem]) -> Vec<(AgendaKind, &str, DateTime<Utc>, &str)> {
    items
        .iter()
        .map(|i| (i.kind, i.uid.as_str(), i.start, i.title.as_str()))
        .collect()
}

#[test]
fn a_hospital_summons_gives_the_booked_appointment_and_both_deadlines() {
    let m = read("agenda_hospital.xml");
    let items = agenda(&m);
    assert_eq!(
        summary(&items),
        vec![
            (
                AgendaKind::ReplyDeadline,
                "3f2504e0-4f89-41d3-9a0c-0305e82c3301-reply-deadline",
                utc("2027-02-10T11:00:00Z"),
                "Indkaldelse til forundersøgelse, knæoperation",
            ),
            (
                AgendaKind::ActionDeadline,
                "3f2504e0-4f89-41d3-9a0c-0305e82c3301-action-0-1-deadline",
                utc("2027-02-12T22:59:59Z"),
                "Betal for parkering",
            ),
            (
                AgendaKind::Appointment,
                "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                // The Reservation's 08:30, not the Action's 07:00.
                utc("2027-02-15T08:30:00Z"),
                "Forundersøgelse før knæoperation",
            ),
        ]
    );
    let appointment = &items[2];
    assert_eq!(appointment.end, Some(utc("2027-02-15T09:15:00Z")));
    assert_eq!(
        appointment.location.as_deref(),
        Some("Indgang J, Palle Juul-Jensens Boulevard 99, 8200 Aarhus N")
    );
    assert_eq!(
        appointment.description.as_deref(),
        Some("Mød fastende.\nTag din medicinliste med.")
    );
    assert_eq!(
        appointment.organizer_name.as_deref(),
        Some("Ortopædkirurgisk Ambulatorium, Sektion Øst")
    );
    assert_eq!(
        appointment.organizer_mail.as_deref(),
        Some("ortopaedi@auh.example")
    );
    assert_eq!(appointment.sender_label, "Aarhus Universitetshospital");
    let payment = &items[1];
    assert_eq!(payment.action_code, Some(ActionCode::Betaling));
    assert_eq!(
        payment.entry_point.as_deref(),
        Some("https://betaling.example/auh/4711")
    );
    assert_eq!(payment.end, None);
}

#[test]
fn every_rule_at_once_in_one_message() {
    let items = agenda(&read("agenda_rules.xml"));
    let m = "9b2c6a1e-5f3d-4e8a-b7c9-0d1e2f3a4b5c";
    let uid = |s: &str| format!("{m}-{s}");
    let got = summary(&items);
    let want = [
        (
            AgendaKind::ActionDeadline,
            uid("action-1-1-deadline"),
            utc("2027-02-20T12:00:00Z"),
            "Udfyld skemaet",
        ),
        // An unknown code asks something of the reader: a deadline.
        (
            AgendaKind::ActionDeadline,
            uid("action-0-3-deadline"),
            utc("2027-03-01T22:59:59Z"),
            "Indsend dine lønsedler",
        ),
        // AFTALE without a Reservation: the action's own times.
        (
            AgendaKind::Appointment,
            uid("action-0-1-appointment"),
            utc("2027-03-02T09:00:00Z"),
            "Samtale på jobcentret",
        ),
        // Same start as the appointment: ordered by uid.
        (
            AgendaKind::ActionDeadline,
            uid("action-0-6-deadline"),
            utc("2027-03-02T09:00:00Z"),
            "Bekræft at du kommer",
        ),
        // TILMELDING with a Reservation: the appointment only, from the first of the two
        // actions that carry the same reservationUUID.
        (
            AgendaKind::Appointment,
            "c56a4180-65aa-42ec-a945-5fd21dec0538".to_owned(),
            utc("2027-03-10T08:00:00Z"),
            "Jobsøgningskursus",
        ),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(k, u, t, title)| (*k, u.as_str(), *t, *title))
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        items[1].action_code,
        Some(ActionCode::Other("INDSEND".into()))
    );
    assert_eq!(items[2].end, Some(utc("2027-03-02T10:00:00Z")));
    assert_eq!(
        items[2].entry_point.as_deref(),
        Some("https://jobcenter.example/samtale/flyt")
    );
    assert_eq!(items[4].action_code, Some(ActionCode::Tilmelding));
    assert_eq!(
        items[4].location.as_deref(),
        Some("Jobcenter Aarhus, Værkmestergade 1")
    );
}

#[test]
fn a_message_without_dates_has_an_empty_agenda_and_an_empty_calendar() {
    let items = agenda(&read("agenda_no_dates.xml"));
    assert!(items.is_empty(), "{items:?}");
    let ics = to_ics(&items, stamp());
    assert_wire_form(&ics);
    let calendar = parse(&ics);
    assert!(calendar.events.is_empty() && calendar.todos.is_empty());
    assert_eq!(raw(&calendar.properties, "VERSION"), "2.0");
}

#[test]
fn a_nemsms_without_body_has_its_reply_deadline() {
    let m = read("agenda_nemsms.xml");
    assert!(m.documents.is_empty() && m.created_date_time.is_none());
    let items = agenda(&m);
    assert_eq!(
        summary(&items),
        vec![(
            AgendaKind::ReplyDeadline,
            "5a1f3c2d-7b8e-4f9a-a1b2-c3d4e5f60718-reply-deadline",
            utc("2027-04-01T16:00:00Z"),
            "Bekræft din tid hos tandlægen",
        )]
    );
    let calendar = parse(&to_ics(&items, stamp()));
    assert_eq!(calendar.events.len(), 1);
    assert_eq!(
        text(&calendar.events[0].properties, "SUMMARY"),
        "Svarfrist: Bekræft din tid hos tandlægen"
    );
}

#[test]
fn the_calendar_of_a_summons_reads_back_with_ical() {
    let items = agenda(&read("agenda_hospital.xml"));
    let ics = to_ics(&items, stamp());
    assert_wire_form(&ics);
    let calendar = parse(&ics);

    let head = &calendar.properties;
    assert_eq!(raw(head, "VERSION"), "2.0");
    assert_eq!(raw(head, "PRODID"), brevdue_memo::ics::PRODID);
    assert!(raw(head, "PRODID").contains("Brevdue"));
    assert_eq!(raw(head, "CALSCALE"), "GREGORIAN");
    assert_eq!(raw(head, "METHOD"), "PUBLISH");
    assert_eq!(calendar.events.len(), 3);
    assert!(calendar.todos.is_empty());

    let e = &event(&calendar, "7c9e6679-7425-40de-944b-e07fc1f90ae7").properties;
    assert_eq!(raw(e, "DTSTAMP"), "20270121T070500Z");
    assert_eq!(raw(e, "DTSTART"), "20270215T083000Z");
    assert_eq!(raw(e, "DTEND"), "20270215T091500Z");
    assert!(find(e, "DTSTART").params.is_none(), "UTC needs no TZID");
    assert_eq!(text(e, "SUMMARY"), "Forundersøgelse før knæoperation");
    assert_eq!(
        text(e, "LOCATION"),
        "Indgang J, Palle Juul-Jensens Boulevard 99, 8200 Aarhus N"
    );
    let description = text(e, "DESCRIPTION");
    assert!(description.starts_with("Mød fastende.\nTag din medicinliste med.\n"));
    assert!(description.contains("Afsender: Aarhus Universitetshospital"));
    assert!(description.contains("Besked: Indkaldelse til forundersøgelse, knæoperation"));
    let organizer = find(e, "ORGANIZER");
    assert_eq!(
        organizer.value.as_deref(),
        Some("mailto:ortopaedi@auh.example")
    );
    assert_eq!(
        organizer.params,
        Some(vec![(
            "CN".to_owned(),
            vec!["Ortopædkirurgisk Ambulatorium, Sektion Øst".to_owned()]
        )])
    );
    assert_eq!(raw(e, "TRANSP"), "OPAQUE");
    let alarms = &event(&calendar, "7c9e6679-7425-40de-944b-e07fc1f90ae7").alarms;
    assert_eq!(triggers(alarms), vec!["-P1D", "-PT2H"]);

    let reply = event(
        &calendar,
        "3f2504e0-4f89-41d3-9a0c-0305e82c3301-reply-deadline",
    );
    let r = &reply.properties;
    assert_eq!(raw(r, "DTSTART"), "20270210T110000Z");
    assert!(!has(r, "DTEND"), "a deadline has no duration");
    assert_eq!(
        text(r, "SUMMARY"),
        "Svarfrist: Indkaldelse til forundersøgelse, knæoperation"
    );
    assert!(!has(r, "LOCATION") && !has(r, "ORGANIZER"));
    assert_eq!(raw(r, "TRANSP"), "TRANSPARENT");
    assert_eq!(triggers(&reply.alarms), vec!["-P2D"]);

    let payment = event(
        &calendar,
        "3f2504e0-4f89-41d3-9a0c-0305e82c3301-action-0-1-deadline",
    );
    let p = &payment.properties;
    assert_eq!(raw(p, "DTSTART"), "20270212T225959Z");
    assert_eq!(text(p, "SUMMARY"), "Frist: Betal for parkering");
    let description = text(p, "DESCRIPTION");
    assert!(description.contains("Link: https://betaling.example/auh/4711"));
    assert!(description.contains("Afsender: Aarhus Universitetshospital"));
    assert_eq!(triggers(&payment.alarms), vec!["-P2D"]);
}

#[test]
fn hostile_text_is_escaped_folded_and_cannot_inject_properties() {
    let m = read("agenda_hostile.xml");
    let items = agenda(&m);
    assert_eq!(items.len(), 4);
    let ics = to_ics(&items, stamp());
    assert_wire_form(&ics);
    // The long subject is folded over several lines, æøå intact.
    assert!(m.label.len() > 600 && m.label.contains('æ'));
    assert!(ics.lines().filter(|l| l.starts_with(' ')).count() > 20);
    let calendar = parse(&ics);
    assert_eq!(calendar.events.len(), 4, "one event per item, no more");
    for e in &calendar.events {
        assert!(!has(&e.properties, "ATTENDEE"), "{:?}", e.properties);
        assert_eq!(
            e.properties.iter().filter(|p| p.name == "DTSTART").count(),
            1
        );
    }

    let e = &event(&calendar, "e4eaaaf2-d142-41a9-9f7c-b0c5b6f12e3a").properties;
    assert_eq!(text(e, "SUMMARY"), "Møde; med sagsbehandler, om sagen");
    assert_eq!(
        text(e, "LOCATION"),
        "Rådhuset, lokale 3; 1. sal\nIndgang fra gården"
    );
    let description = text(e, "DESCRIPTION");
    assert!(description.starts_with(
        "Linje 1, med komma; og semikolon\nLinje 2: kolon \\ backslash\nEND:VEVENT\nBEGIN:VEVENT\n"
    ));
    assert!(description.contains("Afsender: Kommune; \"Afdeling\", Ø\\Syd"));
    assert!(description.contains(&format!("Besked: {}", m.label)));
    // The mail address carries a line break: no ORGANIZER, the organizer goes in the text.
    assert!(!has(e, "ORGANIZER"));
    assert!(description.contains("Arrangør: Økonomi \"Syd\"; Team 2, Århus"));

    let reply = &event(
        &calendar,
        "d9428888-122b-41e7-8b7a-6f2e9b3c4d5e-reply-deadline",
    )
    .properties;
    assert_eq!(text(reply, "SUMMARY"), format!("Svarfrist: {}", m.label));

    // Links that are not plain https stay out of the calendar.
    for position in ["action-0-1", "action-0-2"] {
        let uid = format!("d9428888-122b-41e7-8b7a-6f2e9b3c4d5e-{position}-deadline");
        let description = text(&event(&calendar, &uid).properties, "DESCRIPTION");
        assert!(!description.contains("Link:"), "{description}");
        assert!(!description.contains("javascript"), "{description}");
    }
}

#[test]
fn an_organizer_name_with_quotes_and_aeoeaa_survives_as_a_parameter() {
    let mut items = agenda(&read("agenda_hostile.xml"));
    let booked = items
        .iter_mut()
        .find(|i| i.kind == AgendaKind::Appointment)
        .unwrap_or_else(|| panic!("no appointment"));
    booked.organizer_mail = Some("sag@kommune.example".into());
    let calendar = parse(&to_ics(&items, stamp()));
    let organizer = find(
        &event(&calendar, "e4eaaaf2-d142-41a9-9f7c-b0c5b6f12e3a").properties,
        "ORGANIZER",
    );
    assert_eq!(
        organizer.value.as_deref(),
        Some("mailto:sag@kommune.example")
    );
    // A quoted parameter cannot hold a double quote: it becomes a single quote.
    assert_eq!(
        organizer.params,
        Some(vec![(
            "CN".to_owned(),
            vec!["Økonomi 'Syd'; Team 2, Århus".to_owned()]
        )])
    );
}

#[test]
fn reading_twice_gives_the_same_uids_and_the_same_calendar() {
    for name in [
        "agenda_hospital.xml",
        "agenda_rules.xml",
        "agenda_hostile.xml",
        "v12_prefixed.xml",
    ] {
        let first = agenda(&read(name));
        let second = agenda(&read(name));
        assert_eq!(first, second, "{name}");
        let mut uids: Vec<&str> = first.iter().map(|i| i.uid.as_str()).collect();
        uids.sort_unstable();
        uids.dedup();
        assert_eq!(uids.len(), first.len(), "{name}: uids not unique");
        assert_eq!(to_ics(&first, stamp()), to_ics(&second, stamp()), "{name}");
    }
}

/// The whole calendar of the sample message, byte for byte.
#[test]
fn the_sample_message_end_to_end() {
    let items = agenda(&read("v12_prefixed.xml"));
    let ics = to_ics(&items, stamp());
    let want = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "PRODID:-//Brevdue//Brevdue Digital Post//DA",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        "UID:1f0c2e4a-9b3d-4c5e-8f7a-6b5c4d3e2f1a",
        "DTSTAMP:20270121T070500Z",
        "DTSTART:20261201T093000Z",
        "DTEND:20261201T101500Z",
        "SUMMARY:MR-scanning",
        "LOCATION:Aarhus Universitetshospital\\, Palle Juul-Jensens Boulevard 99\\, 82",
        " 00 Aarhus N",
        "DESCRIPTION:MR-scanning af knæ\\nAfsender: Region Midtjylland\\nBesked: Indk",
        " aldelse til scanning & samtale\\nSe hele beskeden i Digital Post.",
        "ORGANIZER;CN=\"Billeddiagnostisk Afdeling\":mailto:scanning@rm.example",
        "CLASS:PRIVATE",
        "TRANSP:OPAQUE",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-P1D",
        "DESCRIPTION:MR-scanning",
        "END:VALARM",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT2H",
        "DESCRIPTION:MR-scanning",
        "END:VALARM",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:8c2ea15d-61fb-4ba9-9366-42f8b194c114-action-0-1-deadline",
        "DTSTAMP:20270121T070500Z",
        "DTSTART:20261205T225959Z",
        "SUMMARY:Frist: Betal egenbetaling",
        "DESCRIPTION:Afsender: Region Midtjylland\\nBesked: Indkaldelse til scanning",
        "  & samtale\\nLink: https://betaling.example/rm/123\\nSe hele beskeden i Digi",
        " tal Post.",
        "CLASS:PRIVATE",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-P2D",
        "DESCRIPTION:Frist: Betal egenbetaling",
        "END:VALARM",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:8c2ea15d-61fb-4ba9-9366-42f8b194c114-reply-deadline",
        "DTSTAMP:20270121T070500Z",
        "DTSTART:20261210T120000Z",
        "SUMMARY:Svarfrist: Indkaldelse til scanning & samtale",
        "DESCRIPTION:Afsender: Region Midtjylland\\nBesked: Indkaldelse til scanning",
        "  & samtale\\nSe hele beskeden i Digital Post.",
        "CLASS:PRIVATE",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-P2D",
        "DESCRIPTION:Svarfrist: Indkaldelse til scanning & samtale",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    .join("\r\n");
    assert_eq!(ics, want);
    assert_wire_form(&ics);
    // And ical reads the folded lines back whole.
    let calendar = parse(&ics);
    let booked = &event(&calendar, "1f0c2e4a-9b3d-4c5e-8f7a-6b5c4d3e2f1a").properties;
    assert_eq!(
        text(booked, "LOCATION"),
        "Aarhus Universitetshospital, Palle Juul-Jensens Boulevard 99, 8200 Aarhus N"
    );
}

/// A small deterministic generator, so that the run below is the same every time.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as usize
    }

    fn text(&mut self) -> String {
        const ALPHABET: [char; 18] = [
            'a', 'Z', ' ', '\t', ',', ';', ':', '\\', '"', '\n', '\r', 'æ', 'ø', 'Å', '€', '🗓',
            '\u{7}', '=',
        ];
        let len = self.next(300);
        (0..len)
            .map(|_| ALPHABET[self.next(ALPHABET.len())])
            .collect()
    }
}

/// What a TEXT value reads back as: line breaks as `\n`, other control characters as spaces,
/// and, because `ical`'s reader trims the end of a line, no white space at the end.
fn as_read_back(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let s: String = s
        .chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    s.trim_end_matches([' ', '\t']).to_owned()
}

#[test]
fn random_hostile_text_round_trips_through_ical() {
    let template = agenda(&read("agenda_hospital.xml"))
        .into_iter()
        .find(|i| i.kind == AgendaKind::Appointment)
        .unwrap();
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for round in 0..300 {
        let mut item = template.clone();
        item.title = format!("x{}", rng.text());
        item.location = Some(format!("x{}", rng.text()));
        item.description = Some(rng.text());
        item.organizer_name = Some(rng.text());
        item.sender_label = rng.text();
        let ics = to_ics(std::slice::from_ref(&item), stamp());
        assert_wire_form(&ics);
        let calendar = parse(&ics);
        assert_eq!(calendar.events.len(), 1, "round {round}: {ics}");
        let e = &calendar.events[0].properties;
        assert_eq!(
            text(e, "SUMMARY"),
            as_read_back(&item.title),
            "round {round}"
        );
        assert_eq!(
            text(e, "LOCATION"),
            as_read_back(item.location.as_deref().unwrap()),
            "round {round}"
        );
        let cn: String = item
            .organizer_name
            .as_deref()
            .unwrap()
            .chars()
            .map(|c| match c {
                '"' => '\'',
                c if c.is_control() => ' ',
                c => c,
            })
            .collect();
        let organizer = find(e, "ORGANIZER");
        assert_eq!(
            organizer.params,
            Some(vec![("CN".to_owned(), vec![cn])]),
            "round {round}"
        );
        assert_eq!(
            organizer.value.as_deref(),
            Some("mailto:ortopaedi@auh.example")
        );
        let description = text(e, "DESCRIPTION");
        let sender = format!("Afsender: {}", as_read_back(item.sender_label.trim()));
        assert!(description.contains(&sender), "round {round}");
    }
}
