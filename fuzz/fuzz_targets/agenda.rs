//! Fuzzes what `brevdue memo inspect` and `ics` do after reading: the agenda of any message
//! the reader accepts, and its iCalendar, must come out without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = brevdue_memo::read(data, &mut brevdue_memo::Discard) {
        let items = brevdue_memo::agenda(&message);
        let ics = brevdue_memo::ics::to_ics(&items, chrono::DateTime::UNIX_EPOCH);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    }
});
