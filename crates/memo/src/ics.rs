//! iCalendar (RFC 5545) for agenda items. PLACEHOLDER: being written.

use chrono::{DateTime, Utc};

use crate::agenda::AgendaItem;

/// An iCalendar document with one component per item; `stamp` is the DTSTAMP (when the
/// calendar was made).
pub fn to_ics(items: &[AgendaItem], stamp: DateTime<Utc>) -> String {
    let _ = (items, stamp);
    String::new()
}
