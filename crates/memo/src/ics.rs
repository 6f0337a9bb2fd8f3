//! iCalendar (RFC 5545) for agenda items, so that a citizen can put the appointments and
//! deadlines of a letter in the calendar they already use.
//!
//! The calendar is assembled as the `ical` crate's types ([`IcalCalendar`], [`IcalEvent`],
//! [`IcalAlarm`], [`Property`]; the calendar head with its [`IcalCalendarBuilder`]) and
//! written out by `emit` here, not by the crate's `Emitter`. Measured on ical 0.11, that
//! emitter does not escape TEXT values (a newline in a subject ends the line), folds after 75
//! characters rather than 75 octets (a line of `æ` comes out at 142 octets), and its parameter
//! quoting indexes strings by character count as if it were a byte offset, so a CN such as
//! `Økonomiforvaltningen` panics and `"Økonomi, Aarhus"` comes out as `Økonomi, Aarhu\s`.
//! Letters are hostile input and Danish names are not ASCII, so the writing is done here.
//!
//! Property values in the model are held in their wire form (TEXT already escaped by
//! `escape_text`), as `ical`'s parser returns them; parameter values are held as plain text
//! and quoted when written.
//!
//! The texts are Danish: the product is Danish first.

use chrono::{DateTime, Utc};
use ical::generator::{IcalCalendar, IcalCalendarBuilder, IcalEvent, Property};
use ical::parser::ical::component::IcalAlarm;

use crate::agenda::{AgendaItem, AgendaKind};

/// Who made the calendar (RFC 5545 3.7.3).
pub const PRODID: &str = "-//Brevdue//Brevdue Digital Post//DA";

/// The longest content line in octets, without its CRLF (RFC 5545 3.1).
const MAX_LINE: usize = 75;

/// An iCalendar document with one component per item; `stamp` is the DTSTAMP (when the
/// calendar was made).
///
/// Every item is a VEVENT with a stable UID, so importing the same letter twice updates the
/// calendar instead of doubling it. With no items the calendar has no components, which
/// RFC 5545 does not allow; do not offer an export then.
pub fn to_ics(items: &[AgendaItem], stamp: DateTime<Utc>) -> String {
    emit(&calendar(items, stamp))
}

/// The calendar of `items` as `ical`'s types, values in wire form.
fn calendar(items: &[AgendaItem], stamp: DateTime<Utc>) -> IcalCalendar {
    let mut calendar = IcalCalendarBuilder::version("2.0")
        .gregorian()
        .prodid(PRODID)
        .set(property("METHOD", "PUBLISH"))
        .build();
    calendar.events = items.iter().map(|item| event(item, stamp)).collect();
    calendar
}

/// One VEVENT. Deadlines are VEVENTs too, not VTODOs: most people in Denmark keep their
/// calendar in Outlook, Google Calendar or on an iPhone, and none of them shows a VTODO from
/// an imported file (Outlook and Google import events only; Apple puts tasks in Reminders,
/// and only over CalDAV). A deadline as a VTODO would be lost without a word, which is the
/// one thing the agenda must never do. A deadline is an event of no duration at the deadline
/// (no DTEND: RFC 5545 3.6.1 reads that as ending when it starts), transparent so it does not
/// show the user as busy, with an alarm two days before, when there is still time to act.
fn event(item: &AgendaItem, stamp: DateTime<Utc>) -> IcalEvent {
    let summary = match item.kind {
        AgendaKind::Appointment => item.title.clone(),
        AgendaKind::ReplyDeadline => format!("Svarfrist: {}", item.title),
        AgendaKind::ActionDeadline => format!("Frist: {}", item.title),
    };
    let mut event = IcalEvent::new();
    let p = &mut event.properties;
    p.push(property("UID", &escape_text(&item.uid)));
    p.push(property("DTSTAMP", &utc(stamp)));
    p.push(property("DTSTART", &utc(item.start)));
    if let Some(end) = item.end.filter(|end| *end > item.start) {
        p.push(property("DTEND", &utc(end)));
    }
    p.push(property("SUMMARY", &escape_text(&summary)));
    if let Some(location) = &item.location {
        p.push(property("LOCATION", &escape_text(location)));
    }
    let organizer = organizer(item);
    p.push(property(
        "DESCRIPTION",
        &escape_text(&description(item, organizer.is_some())),
    ));
    if let Some(organizer) = organizer {
        p.push(organizer);
    }
    // Letters from the public sector are personal: keep them out of shared calendars' view.
    p.push(property("CLASS", "PRIVATE"));
    let deadline = item.kind != AgendaKind::Appointment;
    p.push(property(
        "TRANSP",
        if deadline { "TRANSPARENT" } else { "OPAQUE" },
    ));
    // Outlook has one reminder per event and takes it from the first alarm, so the most useful
    // comes first: the day before an appointment (to plan the trip), two days before a
    // deadline (to still act). Google Calendar ignores alarms in imported files and uses the
    // user's own default reminders.
    let triggers: &[&str] = if deadline {
        &["-P2D"]
    } else {
        &["-P1D", "-PT2H"]
    };
    event.alarms = triggers
        .iter()
        .map(|trigger| alarm(trigger, &summary))
        .collect();
    event
}

/// A VALARM that shows `text` at `trigger` (a duration before the start).
fn alarm(trigger: &str, text: &str) -> IcalAlarm {
    let mut alarm = IcalAlarm::new();
    alarm.properties = vec![
        property("ACTION", "DISPLAY"),
        property("TRIGGER", trigger),
        property("DESCRIPTION", &escape_text(text)),
    ];
    alarm
}

/// `ORGANIZER;CN=name:mailto:mail`, when the organizer has a usable mail address (the value
/// must be a URI, so a name alone goes into the description instead).
fn organizer(item: &AgendaItem) -> Option<Property> {
    let mail = item
        .organizer_mail
        .as_deref()
        .filter(|m| is_plain_mail(m))?;
    Some(Property {
        name: "ORGANIZER".to_owned(),
        params: item
            .organizer_name
            .as_ref()
            .map(|name| vec![("CN".to_owned(), vec![name.clone()])]),
        value: Some(format!("mailto:{mail}")),
    })
}

/// Whether `mail` can stand in a `mailto:` URI as it is: one `@` between two non-empty parts,
/// printable ASCII only, nothing that a URI or the content line would read as a delimiter.
fn is_plain_mail(mail: &str) -> bool {
    const FORBIDDEN: &str = "\"<>\\,;:()[]%?#&";
    let parts: Vec<&str> = mail.split('@').collect();
    mail.len() <= 254
        && parts.len() == 2
        && parts.iter().all(|p| !p.is_empty())
        && mail
            .chars()
            .all(|c| c.is_ascii_graphic() && !FORBIDDEN.contains(c))
}

/// The event's description, in Danish: the item's own description, then who sent which
/// letter, so the event still makes sense when the letter is far away.
fn description(item: &AgendaItem, organizer_written: bool) -> String {
    let mut lines = Vec::new();
    if let Some(description) = &item.description {
        lines.push(description.clone());
    }
    if !organizer_written && let Some(name) = &item.organizer_name {
        lines.push(format!("Arrangør: {name}"));
    }
    if let Some(mail) = item.organizer_mail.as_deref().filter(|m| !is_plain_mail(m)) {
        lines.push(format!("Arrangørens e-mail: {mail}"));
    }
    lines.push(format!("Afsender: {}", item.sender_label.trim()));
    lines.push(format!("Besked: {}", item.message_label.trim()));
    if let Some(url) = item.entry_point.as_deref().filter(|u| is_https(u)) {
        lines.push(format!("Link: {url}"));
    }
    lines.push("Se hele beskeden i Digital Post.".to_owned());
    lines.join("\n")
}

/// Only an `https` link without white space or control characters goes into a calendar,
/// where the calendar program, not Brevdue, decides how to open it.
fn is_https(url: &str) -> bool {
    url.len() <= 2048
        && url
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        && url.len() > 8
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn property(name: &str, value: &str) -> Property {
    Property {
        name: name.to_owned(),
        params: None,
        value: Some(value.to_owned()),
    }
}

/// A UTC DATE-TIME in the `…Z` form (RFC 5545 3.3.5, form 2).
fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// `s` as an RFC 5545 TEXT value (3.3.11): backslash, semicolon and comma escaped, every
/// line break (CRLF, CR or LF) as `\n`; other control characters, which TEXT does not allow,
/// become spaces (tab is allowed and kept).
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\t' => out.push('\t'),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A parameter value, always as a quoted string (RFC 5545 3.1): a quoted string cannot hold
/// a double quote or a control character, so those become `'` and a space.
fn quote_param(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    out.extend(s.chars().map(|c| match c {
        '"' => '\'',
        c if c.is_control() => ' ',
        c => c,
    }));
    out.push('"');
    out
}

/// The calendar as text: CRLF line ends, every content line folded to 75 octets.
fn emit(calendar: &IcalCalendar) -> String {
    let mut out = String::new();
    out.push_str("BEGIN:VCALENDAR\r\n");
    emit_properties(&mut out, &calendar.properties);
    for event in &calendar.events {
        out.push_str("BEGIN:VEVENT\r\n");
        emit_properties(&mut out, &event.properties);
        for alarm in &event.alarms {
            out.push_str("BEGIN:VALARM\r\n");
            emit_properties(&mut out, &alarm.properties);
            out.push_str("END:VALARM\r\n");
        }
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

fn emit_properties(out: &mut String, properties: &[Property]) {
    for p in properties {
        let mut line = p.name.clone();
        for (name, values) in p.params.iter().flatten() {
            line.push(';');
            line.push_str(name);
            line.push('=');
            let quoted: Vec<String> = values.iter().map(|v| quote_param(v)).collect();
            line.push_str(&quoted.join(","));
        }
        line.push(':');
        line.push_str(p.value.as_deref().unwrap_or_default());
        fold(out, &line);
    }
}

/// Appends `line` to `out` folded (RFC 5545 3.1): no physical line longer than 75 octets,
/// continuation lines starting with one space, never inside a UTF-8 character. Where it can,
/// it folds before white space rather than after it, because some readers (`ical`'s among
/// them) trim the end of each physical line and would lose a space left there.
fn fold(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = MAX_LINE;
    while rest.len() > limit {
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let trimmed = rest[..cut].trim_end_matches([' ', '\t']).len();
        if trimmed > 0 {
            cut = trimmed;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // The leading space of a continuation line counts towards its 75 octets.
        limit = MAX_LINE - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(line: &str) -> String {
        let mut out = String::new();
        fold(&mut out, line);
        out
    }

    #[test]
    fn escapes_the_four_specials_and_line_breaks() {
        assert_eq!(escape_text(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(escape_text("1\n2\r\n3\r4"), r"1\n2\n3\n4");
        assert_eq!(escape_text("tab\there\u{7}bell"), "tab\there bell");
        assert_eq!(escape_text("Kære Åse: 10:30"), "Kære Åse: 10:30");
    }

    #[test]
    fn quotes_parameters_and_drops_what_a_quoted_string_cannot_hold() {
        assert_eq!(quote_param("Økonomi, Aarhus"), "\"Økonomi, Aarhus\"");
        assert_eq!(quote_param("a \"b\";c:d\ne"), "\"a 'b';c:d e\"");
    }

    #[test]
    fn short_lines_are_not_folded() {
        let line = "S".repeat(75);
        assert_eq!(folded(&line), format!("{line}\r\n"));
    }

    #[test]
    fn folds_at_75_octets_and_74_after_the_leading_space() {
        let line = "x".repeat(75 + 74 + 10);
        let out = folded(&line);
        let lines: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].len(), 75);
        assert_eq!(lines[1].len(), 75);
        assert!(lines[1].starts_with(' '));
        assert_eq!(lines[2], format!(" {}", "x".repeat(10)));
    }

    #[test]
    fn never_splits_a_utf8_character() {
        // 'æ' is 2 octets, '€' 3, '🗓' 4: every cut position meets each of them.
        for prefix in 0..4 {
            let line = format!("{}{}", "a".repeat(prefix), "æ€🗓".repeat(40));
            let out = folded(&line);
            for physical in out.split("\r\n") {
                assert!(physical.len() <= MAX_LINE, "{} octets", physical.len());
            }
            assert_eq!(out.replace("\r\n ", ""), format!("{line}\r\n"));
        }
    }

    #[test]
    fn folds_before_white_space_where_it_can() {
        let line = format!("{} {}", "a".repeat(74), "b".repeat(10));
        let out = folded(&line);
        assert_eq!(
            out,
            format!("{}\r\n  {}\r\n", "a".repeat(74), "b".repeat(10))
        );
        // Only spaces: no choice but to cut among them, and nothing is lost.
        let spaces = " ".repeat(200);
        assert_eq!(
            folded(&spaces).replace("\r\n ", ""),
            format!("{spaces}\r\n")
        );
    }

    fn item(kind: AgendaKind, start: DateTime<Utc>, end: Option<DateTime<Utc>>) -> AgendaItem {
        AgendaItem {
            kind,
            uid: "u".into(),
            title: "Samtale".into(),
            start,
            end,
            location: None,
            description: None,
            organizer_name: Some("Jobcenter Øst".into()),
            organizer_mail: None,
            action_code: None,
            entry_point: None,
            message_uuid: uuid::Uuid::nil(),
            message_label: "Besked".into(),
            sender_label: "Jobcenter".into(),
        }
    }

    fn names(event: &IcalEvent) -> Vec<&str> {
        event.properties.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn dtend_only_when_it_is_after_dtstart() {
        use chrono::TimeZone;
        let nine = Utc.with_ymd_and_hms(2027, 3, 2, 9, 0, 0).unwrap();
        let ten = Utc.with_ymd_and_hms(2027, 3, 2, 10, 0, 0).unwrap();
        let appointment = AgendaKind::Appointment;
        assert!(names(&event(&item(appointment, nine, Some(ten)), nine)).contains(&"DTEND"));
        for end in [None, Some(nine), Some(nine - chrono::Duration::hours(1))] {
            let e = event(&item(appointment, nine, end), nine);
            assert!(!names(&e).contains(&"DTEND"), "{end:?}");
        }
    }

    #[test]
    fn an_organizer_without_mail_is_named_in_the_description() {
        use chrono::TimeZone;
        let nine = Utc.with_ymd_and_hms(2027, 3, 2, 9, 0, 0).unwrap();
        let e = event(&item(AgendaKind::Appointment, nine, None), nine);
        assert!(!names(&e).contains(&"ORGANIZER"));
        let description = e.properties.iter().find(|p| p.name == "DESCRIPTION");
        let value = description.and_then(|p| p.value.as_deref()).unwrap_or("");
        assert!(
            value.starts_with("Arrangør: Jobcenter Øst\\nAfsender: Jobcenter\\n"),
            "{value}"
        );
    }

    #[test]
    fn mail_addresses_that_fit_a_mailto_uri() {
        assert!(is_plain_mail("scanning@rm.example"));
        for bad in [
            "",
            "no-at",
            "a@b@c",
            "@b",
            "a@",
            "a b@c",
            "a@b\r\nX:y",
            "å@b.dk",
            "a@b;c",
            "a@b:c",
        ] {
            assert!(!is_plain_mail(bad), "{bad:?}");
        }
    }

    #[test]
    fn only_https_links() {
        assert!(is_https("https://betaling.example/rm/123"));
        assert!(is_https("HTTPS://x.dk"));
        for bad in [
            "http://x.dk",
            "javascript:alert(1)",
            "https://",
            "https://x.dk/a b",
            "https://x.dk/\n",
            "file:///etc/passwd",
            "https:/",
        ] {
            assert!(!is_https(bad), "{bad:?}");
        }
    }
}
