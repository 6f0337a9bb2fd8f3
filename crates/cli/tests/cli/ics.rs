//! `brevdue memo ics`: the message's agenda as iCalendar.

use crate::support::*;

/// The content lines of an iCalendar text, unfolded (RFC 5545 section 3.1).
fn unfold(ics: &str) -> Vec<String> {
    ics.replace("\r\n ", "")
        .replace("\r\n\t", "")
        .split("\r\n")
        .map(str::to_owned)
        .collect()
}

#[test]
fn appointment_and_deadlines() {
    let run = brevdue(&["memo", "ics", arg(&data("v12_default_ns.xml"))]);
    run.expect_code(0);
    let ics = &run.stdout;
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.ends_with("END:VCALENDAR\r\n"), "{ics}");
    assert!(
        ics.split("\r\n").all(|l| !l.contains('\n')),
        "every line ends in CR LF: {ics:?}"
    );
    let lines = unfold(ics);
    let has = |want: &str| lines.iter().any(|l| l == want);
    assert!(has("VERSION:2.0"), "{ics}");
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")), "{ics}");
    assert!(has("BEGIN:VEVENT"), "{ics}");
    assert!(has("DTSTART:20261201T093000Z"), "{ics}");
    assert!(has("DTEND:20261201T101500Z"), "{ics}");
    assert!(has("SUMMARY:MR-scanning"), "{ics}");
    assert!(
        has(
            "LOCATION:Aarhus Universitetshospital\\, Palle Juul-Jensens Boulevard 99\\, 8200 Aarhus N"
        ),
        "commas escaped: {ics}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("UID:")
            && l.to_lowercase()
                .contains("1f0c2e4a-9b3d-4c5e-8f7a-6b5c4d3e2f1a")),
        "{ics}"
    );
    // The payment deadline and the reply deadline are in the calendar too.
    assert!(ics.contains("20261205T225959Z"), "{ics}");
    assert!(ics.contains("20261210T120000Z"), "{ics}");
    let items = lines
        .iter()
        .filter(|l| *l == "BEGIN:VEVENT" || *l == "BEGIN:VTODO");
    assert_eq!(items.count(), 3, "one per agenda item: {ics}");
}

#[test]
fn no_agenda_gives_an_empty_calendar() {
    let run = brevdue(&["memo", "ics", arg(&data("nemsms.xml"))]);
    run.expect_code(0);
    assert!(
        run.stdout.starts_with("BEGIN:VCALENDAR\r\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("BEGIN:VEVENT"), "{}", run.stdout);
    assert!(
        run.stderr.contains("no appointments or deadlines"),
        "{}",
        run.stderr
    );
}
