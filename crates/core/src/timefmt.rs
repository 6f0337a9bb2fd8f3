//! Times as the database stores them: UTC text of one fixed width, so that text order is time
//! order and SQL can compare them.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Copenhagen;

const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// `t` as stored, e.g. `2026-11-27T09:00:00.000000Z`.
pub(crate) fn to_db(t: DateTime<Utc>) -> String {
    t.format(FORMAT).to_string()
}

/// A stored time back; `None` if it is not one (which only a damaged database holds).
pub(crate) fn from_db(s: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(s, FORMAT)
        .ok()
        .map(|t| t.and_utc())
}

/// The instant the day `date` begins in Danish time (Europe/Copenhagen).
pub(crate) fn start_of_danish_day(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    match Copenhagen.from_local_datetime(&midnight).earliest() {
        Some(t) => t.with_timezone(&Utc),
        // Denmark never skips midnight; if a zone rule ever did, the day begins at its UTC
        // midnight minus the standard offset.
        None => midnight.and_utc() - chrono::Duration::hours(1),
    }
}

/// The date it is in Denmark at `t`.
pub(crate) fn danish_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Copenhagen).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_order() {
        let a = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let b = a + chrono::Duration::microseconds(1);
        assert_eq!(from_db(&to_db(a)), Some(a));
        assert!(to_db(a) < to_db(b));
        assert_eq!(to_db(a).len(), to_db(b).len());
    }

    #[test]
    fn danish_midnight_in_winter_and_summer() {
        let winter = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(
            start_of_danish_day(winter),
            Utc.with_ymd_and_hms(2026, 11, 29, 23, 0, 0).unwrap()
        );
        let summer = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert_eq!(
            start_of_danish_day(summer),
            Utc.with_ymd_and_hms(2026, 6, 30, 22, 0, 0).unwrap()
        );
        assert_eq!(
            danish_date(Utc.with_ymd_and_hms(2026, 6, 30, 22, 30, 0).unwrap()),
            summer
        );
    }
}
