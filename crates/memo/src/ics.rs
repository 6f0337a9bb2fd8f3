//! iCalendar (RFC 5545) for agenda items. PLACEHOLDER: being written.

use crate::agenda::AgendaItem;

/// An iCalendar document with the given items.
pub fn to_ics(items: &[AgendaItem]) -> String {
    let _ = items;
    String::new()
}
