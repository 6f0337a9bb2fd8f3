//! Danish time and Danish formatting for the demo's letters: dates ("torsdag den
//! 3. december 2026"), times ("kl. 09.40"), amounts ("1.234,50 kr.") and the moments of the
//! demo world, given in Danish time and stored in UTC.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Copenhagen;

const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

/// The day in Denmark at `t`.
pub fn danish_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Copenhagen).date_naive()
}

/// `day` at `hour:minute` Danish time, in UTC. A time that does not exist on a spring-forward
/// night is read one hour later; an ambiguous one as the earlier.
pub fn at(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour.min(23), minute.min(59), 0).unwrap_or(NaiveTime::MIN);
    let naive = day.and_time(time);
    match Copenhagen.from_local_datetime(&naive).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => Utc.from_utc_datetime(&naive) - Duration::hours(1),
    }
}

/// The day `days` after (or before, when negative) the Danish day of `now`.
pub fn day_offset(now: DateTime<Utc>, days: i64) -> NaiveDate {
    let today = danish_date(now);
    let shifted = if days >= 0 {
        today.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        today.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    shifted.unwrap_or(today)
}

/// Whether Danish offices are closed on `day`: a weekend, New Year's Day, 24 to 26 or 31
/// December. (Movable holidays such as Easter are not counted.)
pub fn is_closed(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
        || matches!((day.month(), day.day()), (1, 1) | (12, 24..=26) | (12, 31))
}

/// `day`, or the first working day after it (see [`is_closed`]).
pub fn weekday_on_or_after(day: NaiveDate) -> NaiveDate {
    let mut d = day;
    while is_closed(d) {
        match d.checked_add_days(Days::new(1)) {
            Some(next) => d = next,
            None => return day,
        }
    }
    d
}

/// `day`, or the last working day before it (see [`is_closed`]).
pub fn weekday_on_or_before(day: NaiveDate) -> NaiveDate {
    let mut d = day;
    while is_closed(d) {
        match d.checked_sub_days(Days::new(1)) {
            Some(prev) => d = prev,
            None => return day,
        }
    }
    d
}

fn weekday_name(day: NaiveDate) -> &'static str {
    match day.weekday() {
        Weekday::Mon => "mandag",
        Weekday::Tue => "tirsdag",
        Weekday::Wed => "onsdag",
        Weekday::Thu => "torsdag",
        Weekday::Fri => "fredag",
        Weekday::Sat => "lørdag",
        Weekday::Sun => "søndag",
    }
}

fn month_name(month: u32) -> &'static str {
    MONTHS
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("")
}

/// "3. december 2026"
pub fn date(day: NaiveDate) -> String {
    format!("{}. {} {}", day.day(), month_name(day.month()), day.year())
}

/// "torsdag den 3. december 2026"
pub fn weekday_date(day: NaiveDate) -> String {
    format!("{} den {}", weekday_name(day), date(day))
}

/// "december 2026"
pub fn month_year(day: NaiveDate) -> String {
    format!("{} {}", month_name(day.month()), day.year())
}

/// "kl. 09.40", in Danish time.
pub fn time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Copenhagen).format("kl. %H.%M").to_string()
}

/// "torsdag den 3. december 2026 kl. 09.40", in Danish time.
pub fn weekday_date_time(t: DateTime<Utc>) -> String {
    format!("{} {}", weekday_date(danish_date(t)), time(t))
}

/// An amount in øre as Danish kroner: "1.234,50 kr.".
pub fn kroner(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let ore = ore.unsigned_abs();
    let whole = (ore / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped},{:02} kr.", ore % 100)
}

/// A CPR number as it is written: "300279-1357".
pub fn cpr(cpr: &str) -> String {
    match (cpr.get(..6), cpr.get(6..)) {
        (Some(a), Some(b)) if cpr.len() == 10 => format!("{a}-{b}"),
        _ => cpr.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_time_is_converted_to_utc_in_winter_and_summer() {
        let winter = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(at(winter, 9, 40).to_rfc3339(), "2026-12-03T08:40:00+00:00");
        let summer = NaiveDate::from_ymd_opt(2026, 6, 3).unwrap();
        assert_eq!(at(summer, 9, 40).to_rfc3339(), "2026-06-03T07:40:00+00:00");
        // 02.30 does not exist on the last Sunday of March.
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        assert_eq!(at(spring, 2, 30).to_rfc3339(), "2026-03-29T01:30:00+00:00");
    }

    #[test]
    fn dates_times_and_amounts_read_as_danish() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(weekday_date(day), "torsdag den 3. december 2026");
        assert_eq!(time(at(day, 9, 5)), "kl. 09.05");
        assert_eq!(kroner(123_450), "1.234,50 kr.");
        assert_eq!(kroner(5), "0,05 kr.");
        assert_eq!(kroner(-100_000_000), "-1.000.000,00 kr.");
        assert_eq!(cpr("3002791357"), "300279-1357");
    }

    #[test]
    fn weekends_and_holidays_move_to_a_working_day() {
        let saturday = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(weekday_on_or_after(saturday).weekday(), Weekday::Mon);
        assert_eq!(weekday_on_or_before(saturday).weekday(), Weekday::Fri);
        let christmas_eve = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
        assert_eq!(
            weekday_on_or_after(christmas_eve),
            NaiveDate::from_ymd_opt(2026, 12, 28).unwrap()
        );
        let new_year = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(
            weekday_on_or_before(new_year),
            NaiveDate::from_ymd_opt(2025, 12, 30).unwrap()
        );
        let tuesday = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(weekday_on_or_after(tuesday), tuesday);
    }
}
