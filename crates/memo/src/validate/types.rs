//! The simple types of the MeMo schemas (`MeMo_dataTypes.xsd` and the XSD built-ins they use)
//! and the checks of a value against them.
//!
//! White space (XSD Part 2, `whiteSpace` facet): the types derived from `xs:string` keep
//! their value as written ("preserve"), so leading and trailing spaces and line breaks count
//! towards `maxLength` and break a pattern or an enumeration. All other types ("collapse")
//! drop leading and trailing white space and turn each inner run into one space before
//! anything is checked. [`Collector`] applies this while the text streams in.
//!
//! Lengths count characters (Unicode scalar values), not bytes. Line ends are counted after
//! XML's end-of-line handling, so CR LF is one character.

use super::uri;

/// A simple type an element or attribute of MeMo has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SimpleType {
    /// `memoTextType`: xs:string, at most 256 characters.
    Text,
    /// `memoCommentType`: xs:string, at most 512 characters.
    Comment,
    /// `memoNotificationType`: xs:string, at most 150 characters. Another public copy of
    /// `MeMo_dataTypes.xsd` says 160; we follow the copy in this repository's schema folder.
    Notification,
    /// `memoLicenseNumberType`: xs:string, at most 7 characters.
    LicenseNumber,
    /// `memoMessageType`: DIGITALPOST or NEMSMS.
    MessageType,
    /// `memoUuidType`: the version 4 UUID pattern (either case).
    Uuid,
    /// `memoDateTimeType`: an xs:dateTime that ends in Z.
    DateTime,
    /// xs:date.
    Date,
    /// xs:boolean.
    Boolean,
    /// `memoLanguageType`: xs:language, at most 2 characters.
    Language,
    /// `memoUriType`: xs:anyURI, at most 256 characters.
    Uri,
    /// `memoGLNType`: xs:long, at most 9999999999999.
    Gln,
    /// `memoPNumberType`: xs:long, at most 9999999999.
    PNumber,
    /// xs:base64Binary (file content; streamed, never collected).
    Base64,
    /// xs:decimal (`memoVersion`).
    Decimal,
    /// `grd:cprNumber`: memoTextType, and by the domain rule 10 digits.
    Cpr,
    /// `grd:cvrNumber`: memoTextType, and by the domain rule 8 digits.
    Cvr,
}

impl SimpleType {
    /// Does the type collapse white space (rather than preserve it)?
    pub(crate) fn collapses(self) -> bool {
        !matches!(
            self,
            SimpleType::Text
                | SimpleType::Comment
                | SimpleType::Notification
                | SimpleType::LicenseNumber
                | SimpleType::MessageType
                | SimpleType::Uuid
                | SimpleType::Cpr
                | SimpleType::Cvr
        )
    }

    /// The `maxLength` facet and the type's name, where there is one.
    fn max_length(self) -> Option<(u64, &'static str)> {
        Some(match self {
            SimpleType::Text | SimpleType::Cpr | SimpleType::Cvr => (256, "memoTextType"),
            SimpleType::Comment => (512, "memoCommentType"),
            SimpleType::Notification => (150, "memoNotificationType"),
            SimpleType::LicenseNumber => (7, "memoLicenseNumberType"),
            SimpleType::Language => (2, "memoLanguageType"),
            SimpleType::Uri => (256, "memoUriType"),
            _ => return None,
        })
    }

    /// What is wrong with `value` as a value of this type, as a sentence about `name` (the
    /// element or attribute); `None` when it is valid. Base64 is checked elsewhere.
    pub(crate) fn check(self, name: &str, value: &Value) -> Option<String> {
        let q = quote(value);
        let v = value.text.as_str();
        // A value too long to keep whole is longer than any type here allows.
        let whole = value.complete;
        match self {
            SimpleType::Base64 => return None,
            SimpleType::MessageType => {
                if !(whole && (v == "DIGITALPOST" || v == "NEMSMS")) {
                    return Some(format!(
                        "{name} {q} is not DIGITALPOST or NEMSMS{}",
                        blank_hint(value, |t| t == "DIGITALPOST" || t == "NEMSMS")
                    ));
                }
            }
            SimpleType::Uuid => {
                if !(whole && is_uuid_v4(v)) {
                    return Some(format!(
                        "{name} {q} does not match the UUID version 4 pattern{}",
                        blank_hint(value, is_uuid_v4)
                    ));
                }
            }
            SimpleType::DateTime => match whole.then(|| date_time(v)).flatten() {
                None => {
                    return Some(format!(
                        "{name} {q} is not a valid xs:dateTime (such as 2026-12-10T12:00:00Z)"
                    ));
                }
                Some(zone) if zone != Zone::Utc => {
                    return Some(format!(
                        "{name} {q} is not in UTC: memoDateTimeType must end in Z"
                    ));
                }
                Some(_) => {}
            },
            SimpleType::Date => {
                if !(whole && date(v)) {
                    return Some(format!(
                        "{name} {q} is not a valid xs:date (such as 2026-12-10)"
                    ));
                }
            }
            SimpleType::Boolean => {
                if !(whole && matches!(v, "true" | "false" | "1" | "0")) {
                    return Some(format!(
                        "{name} {q} is not a valid xs:boolean: use true, false, 1 or 0"
                    ));
                }
            }
            SimpleType::Language => {
                if !(whole && is_language(v)) {
                    return Some(format!("{name} {q} is not a valid xs:language code"));
                }
            }
            SimpleType::Uri => {
                if !(whole && uri::is_uri_reference(v)) {
                    return Some(format!("{name} {q} is not a valid URI (xs:anyURI)"));
                }
            }
            SimpleType::Gln | SimpleType::PNumber => {
                let (max, type_name) = if self == SimpleType::Gln {
                    (9_999_999_999_999, "memoGLNType")
                } else {
                    (9_999_999_999, "memoPNumberType")
                };
                match whole.then(|| long(v)).flatten() {
                    None => {
                        return Some(format!(
                            "{name} {q} is not a valid xs:long (a whole number)"
                        ));
                    }
                    Some(n) if n > max => {
                        return Some(format!(
                            "{name} {q} is larger than {max}, the most {type_name} allows"
                        ));
                    }
                    Some(_) => {}
                }
            }
            SimpleType::Decimal => {
                if !(whole && is_decimal(v)) {
                    return Some(format!("{name} {q} is not a valid xs:decimal"));
                }
            }
            SimpleType::Text
            | SimpleType::Comment
            | SimpleType::Notification
            | SimpleType::LicenseNumber
            | SimpleType::Cpr
            | SimpleType::Cvr => {}
        }
        if let Some((max, type_name)) = self.max_length()
            && value.chars > max
        {
            return Some(format!(
                "{name} is {} characters long; {type_name} allows at most {max}",
                value.chars
            ));
        }
        let (digits, what) = match self {
            SimpleType::Cpr => (10, "CPR"),
            SimpleType::Cvr => (8, "CVR"),
            _ => return None,
        };
        if !(whole && is_digits(v, digits)) {
            return Some(format!(
                "{name} {q} is not a {what} number: it must be {digits} digits"
            ));
        }
        None
    }
}

/// Is `s` exactly `n` ASCII digits?
pub(crate) fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// A hint when a preserved value would be valid without its surrounding white space.
fn blank_hint(value: &Value, valid: impl Fn(&str) -> bool) -> &'static str {
    let trimmed = value.text.trim_matches(is_xml_space);
    if value.complete && trimmed != value.text && valid(trimmed) {
        " (the white space around it counts: the type is a string)"
    } else {
        ""
    }
}

/// The value in quotes for a message, cut short when long.
pub(crate) fn quote(value: &Value) -> String {
    quote_str(&value.text, !value.complete)
}

/// `s` in quotes with control characters escaped, cut to 60 characters.
pub(crate) fn quote_str(s: &str, cut: bool) -> String {
    const MAX: usize = 60;
    let mut short: String = s.chars().take(MAX).collect();
    let cut = cut || short.len() < s.len();
    if cut {
        short.push('…');
    }
    format!("{short:?}")
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// The longest value kept for checking, in bytes. Every valid value of a checked type is
/// shorter; longer text is only counted.
const MAX_KEPT: usize = 2048;

/// A value as the schema sees it, after white-space processing.
#[derive(Debug, Default)]
pub(crate) struct Value {
    /// The value, or its first [`MAX_KEPT`] bytes.
    pub(crate) text: String,
    /// The whole value is in `text`.
    pub(crate) complete: bool,
    /// Its length in characters.
    pub(crate) chars: u64,
}

/// Builds a [`Value`] from text given in chunks, applying the type's white-space rule.
#[derive(Debug)]
pub(crate) struct Collector {
    collapse: bool,
    value: Value,
    /// Preserve: the last character was CR, so an LF right after it is part of the same line
    /// end.
    after_cr: bool,
    /// Collapse: white space was seen after the last non-space character.
    space_pending: bool,
}

impl Collector {
    pub(crate) fn new(ty: SimpleType) -> Self {
        Self {
            collapse: ty.collapses(),
            value: Value {
                complete: true,
                ..Value::default()
            },
            after_cr: false,
            space_pending: false,
        }
    }

    pub(crate) fn push(&mut self, chunk: &str) {
        for c in chunk.chars() {
            if self.collapse {
                if is_xml_space(c) {
                    self.space_pending = self.value.chars > 0;
                    continue;
                }
                if self.space_pending {
                    self.space_pending = false;
                    self.keep(' ');
                }
                self.keep(c);
            } else {
                let after_cr = std::mem::replace(&mut self.after_cr, c == '\r');
                match c {
                    '\n' if after_cr => {}
                    '\r' => self.keep('\n'),
                    c => self.keep(c),
                }
            }
        }
    }

    fn keep(&mut self, c: char) {
        self.value.chars += 1;
        if self.value.complete {
            if self.value.text.len() + c.len_utf8() <= MAX_KEPT {
                self.value.text.push(c);
            } else {
                self.value.complete = false;
            }
        }
    }

    pub(crate) fn finish(self) -> Value {
        self.value
    }
}

/// The UUID version 4 pattern of `memoUuidType`:
/// `[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-4[a-fA-F0-9]{3}-[aAbB89][a-fA-F0-9]{3}-[a-fA-F0-9]{12}`.
pub(crate) fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            14 => *c == b'4',
            19 => matches!(c, b'a' | b'A' | b'b' | b'B' | b'8' | b'9'),
            _ => c.is_ascii_hexdigit(),
        })
}

/// xs:language: `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*`.
fn is_language(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or_default();
    (1..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// xs:decimal: `(\+|-)?([0-9]+(\.[0-9]*)?|\.[0-9]+)`.
pub(crate) fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    digits(int)
        && frac.is_none_or(digits)
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()))
}

/// xs:long: an optional sign and digits, within the range of a 64-bit integer.
fn long(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // `i64::from_str` accepts the same sign and any leading zeros.
    let trimmed = digits.trim_start_matches('0');
    if trimmed.len() > 19 {
        return None;
    }
    let negative = s.starts_with('-');
    let magnitude: i128 = if trimmed.is_empty() {
        0
    } else {
        trimmed.parse().ok()?
    };
    let n = if negative { -magnitude } else { magnitude };
    i64::try_from(n).ok()
}

/// The time zone of a date or time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    None,
    Utc,
    Offset,
}

/// Reads `n` ASCII digits at the front of `s`.
fn digits(s: &mut &str, n: usize) -> Option<u32> {
    let head = s.get(..n)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    *s = &s[n..];
    head.parse().ok()
}

fn expect(s: &mut &str, c: char) -> Option<()> {
    *s = s.strip_prefix(c)?;
    Some(())
}

/// `-?YYYY-MM-DD` at the front of `s`: at least 4 year digits, no leading zero in a longer
/// year, no year 0000, a day that exists in the month.
fn date_part(s: &mut &str) -> Option<()> {
    let negative = s.starts_with('-');
    if negative {
        *s = &s[1..];
    }
    let year_len = s.bytes().take_while(u8::is_ascii_digit).count();
    if year_len < 4 || (year_len > 4 && s.starts_with('0')) {
        return None;
    }
    let year: i64 = s[..year_len].parse().ok()?;
    *s = &s[year_len..];
    if year == 0 {
        return None;
    }
    let year = if negative { -year } else { year };
    expect(s, '-')?;
    let month = digits(s, 2)?;
    expect(s, '-')?;
    let day = digits(s, 2)?;
    // Leap years by the usual rule applied to the year as written; for the (never seen) years
    // before 1 this is what libxml2 does too.
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then_some(())
}

/// An optional zone at the end: `Z` or `(+|-)hh:mm` with at most 14:00.
fn zone(s: &str) -> Option<Zone> {
    if s.is_empty() {
        return Some(Zone::None);
    }
    if s == "Z" {
        return Some(Zone::Utc);
    }
    let mut rest = s.strip_prefix(['+', '-'])?;
    let h = digits(&mut rest, 2)?;
    expect(&mut rest, ':')?;
    let m = digits(&mut rest, 2)?;
    let ok = rest.is_empty() && m <= 59 && (h < 14 || (h == 14 && m == 0));
    ok.then_some(Zone::Offset)
}

/// xs:date; its zone is allowed but not required.
fn date(s: &str) -> bool {
    let mut rest = s;
    date_part(&mut rest).is_some() && zone(rest).is_some()
}

/// xs:dateTime: `-?YYYY-MM-DDThh:mm:ss(.s+)?(zone)?`; 24:00:00 is allowed (as midnight at the
/// end of the day). Returns the zone.
fn date_time(s: &str) -> Option<Zone> {
    let mut rest = s;
    date_part(&mut rest)?;
    expect(&mut rest, 'T')?;
    let h = digits(&mut rest, 2)?;
    expect(&mut rest, ':')?;
    let m = digits(&mut rest, 2)?;
    expect(&mut rest, ':')?;
    let sec = digits(&mut rest, 2)?;
    let mut fraction_zero = true;
    if let Some(after) = rest.strip_prefix('.') {
        let n = after.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        fraction_zero = after[..n].bytes().all(|b| b == b'0');
        rest = &after[n..];
    }
    let time_ok = if h == 24 {
        m == 0 && sec == 0 && fraction_zero
    } else {
        h <= 23 && m <= 59 && sec <= 59
    };
    if !time_ok {
        return None;
    }
    zone(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(ty: SimpleType, chunks: &[&str]) -> Value {
        let mut c = Collector::new(ty);
        for ch in chunks {
            c.push(ch);
        }
        c.finish()
    }

    fn check(ty: SimpleType, s: &str) -> Option<String> {
        ty.check("x", &value(ty, &[s]))
    }

    #[test]
    fn white_space_is_preserved_or_collapsed_by_type() {
        let v = value(SimpleType::Text, &["  a\r\n", "b\r", "\nc\rd "]);
        assert_eq!(v.text, "  a\nb\nc\nd ");
        assert_eq!(v.chars, 10);
        let v = value(SimpleType::Uri, &["  http://a", "  \n\t b ", "  "]);
        assert_eq!(v.text, "http://a b");
        assert_eq!(v.chars, 10);
        let v = value(SimpleType::Date, &["   ", " "]);
        assert_eq!(v.text, "");
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let s = "æ".repeat(256);
        assert_eq!(check(SimpleType::Text, &s), None);
        let s = "æ".repeat(257);
        assert_eq!(
            check(SimpleType::Text, &s).as_deref(),
            Some("x is 257 characters long; memoTextType allows at most 256")
        );
        assert!(check(SimpleType::Notification, &"n".repeat(150)).is_none());
        assert!(check(SimpleType::Notification, &"n".repeat(151)).is_some());
        assert!(check(SimpleType::Comment, &"n".repeat(512)).is_none());
        assert!(check(SimpleType::Comment, &"n".repeat(513)).is_some());
        assert!(check(SimpleType::LicenseNumber, "AB12345").is_none());
        assert!(check(SimpleType::LicenseNumber, "AB123456").is_some());
        // A huge value is counted, not kept.
        let v = value(SimpleType::Text, &[&"a".repeat(1_000_000)]);
        assert_eq!(v.chars, 1_000_000);
        assert!(!v.complete);
        assert!(v.text.len() <= MAX_KEPT);
    }

    #[test]
    fn uuid_pattern() {
        assert!(is_uuid_v4("8c2ea15d-61fb-4ba9-9366-42f8b194c114"));
        assert!(is_uuid_v4("8C2EA15D-61FB-4BA9-9366-42F8B194C114"));
        assert!(is_uuid_v4("8c2ea15d-61fb-4ba9-b366-42f8b194c114"));
        assert!(
            !is_uuid_v4("8c2ea15d-61fb-1ba9-9366-42f8b194c114"),
            "version 1"
        );
        assert!(
            !is_uuid_v4("8c2ea15d-61fb-4ba9-c366-42f8b194c114"),
            "variant"
        );
        assert!(!is_uuid_v4("8c2ea15d61fb4ba9936642f8b194c114"));
        assert!(!is_uuid_v4(" 8c2ea15d-61fb-4ba9-9366-42f8b194c114"));
        assert!(!is_uuid_v4("8c2ea15d-61fb-4ba9-9366-42f8b194c11g"));
        assert_eq!(
            check(SimpleType::Uuid, " 8c2ea15d-61fb-4ba9-9366-42f8b194c114").as_deref(),
            Some(
                "x \" 8c2ea15d-61fb-4ba9-9366-42f8b194c114\" does not match the UUID version 4 \
                 pattern (the white space around it counts: the type is a string)"
            )
        );
    }

    #[test]
    fn date_times_as_libxml2_and_the_xsd_spec_agree() {
        for ok in [
            "2026-12-10T12:00:00Z",
            "2026-12-10T24:00:00Z",
            "2024-02-29T00:00:00Z",
            "12026-01-01T00:00:00Z",
            "-2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00.000Z",
            "2026-12-10T23:59:59.999999999999Z",
            "0001-01-01T00:00:00Z",
        ] {
            assert_eq!(date_time(ok), Some(Zone::Utc), "{ok}");
        }
        for bad in [
            "2026-12-10T24:00:01Z",
            "2026-12-10T24:30:00Z",
            "0000-01-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "02026-01-01T00:00:00Z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00Z",
            "2026-01-01T00:00:60Z",
            "2026-01-01T00:00:00z",
            "2026-1-01T00:00:00Z",
            "2026-12-10T12:00:00Z Z",
            "",
        ] {
            assert_eq!(date_time(bad), None, "{bad}");
        }
        assert_eq!(date_time("2026-01-01T00:00:00+00:00"), Some(Zone::Offset));
        assert_eq!(date_time("2026-01-01T00:00:00"), Some(Zone::None));
        assert_eq!(
            check(SimpleType::DateTime, "2026-01-01T01:00:00+01:00").as_deref(),
            Some("x \"2026-01-01T01:00:00+01:00\" is not in UTC: memoDateTimeType must end in Z")
        );
        assert_eq!(
            check(SimpleType::DateTime, " 2026-01-01T00:00:00Z \n"),
            None
        );
    }

    #[test]
    fn dates() {
        for ok in [
            "2026-12-10",
            "2026-12-10Z",
            "2026-12-10+14:00",
            "2026-12-10-00:00",
        ] {
            assert!(date(ok), "{ok}");
        }
        for bad in [
            "2026-12-10+14:01",
            "2026-12-10+15:00",
            "2026-12-10T",
            "2026-12-10+1:00",
            "2026-02-30",
            "",
        ] {
            assert!(!date(bad), "{bad}");
        }
        assert_eq!(check(SimpleType::Date, " 2026-12-10 "), None, "collapsed");
    }

    #[test]
    fn numbers_booleans_languages() {
        assert_eq!(long("9223372036854775807"), Some(i64::MAX));
        assert_eq!(long("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(long("9223372036854775808"), None);
        assert_eq!(long("00000000000000000000000000001"), Some(1));
        assert_eq!(long("+5"), Some(5));
        assert_eq!(long("+"), None);
        assert_eq!(long("5.0"), None);
        assert_eq!(long(""), None);
        assert!(check(SimpleType::PNumber, "9999999999").is_none());
        assert_eq!(
            check(SimpleType::PNumber, "10000000000").as_deref(),
            Some("x \"10000000000\" is larger than 9999999999, the most memoPNumberType allows")
        );
        assert!(check(SimpleType::Gln, "9999999999999").is_none());
        assert!(check(SimpleType::Gln, "10000000000000").is_some());
        assert!(
            check(SimpleType::Gln, " 5790000000000 ").is_none(),
            "collapsed"
        );
        for ok in ["1.2", "1.20", "01.2", "1.", ".5", "+1.2", "-0", "1"] {
            assert!(is_decimal(ok), "{ok}");
        }
        for bad in ["1,2", "", "1e2", ".", "+", "1.2.3"] {
            assert!(!is_decimal(bad), "{bad}");
        }
        for ok in ["true", "false", "1", "0", " true "] {
            assert!(check(SimpleType::Boolean, ok).is_none(), "{ok}");
        }
        for bad in ["TRUE", "yes", ""] {
            assert!(check(SimpleType::Boolean, bad).is_some(), "{bad}");
        }
        for ok in ["da", "DA", "d", " da "] {
            assert!(check(SimpleType::Language, ok).is_none(), "{ok}");
        }
        assert!(check(SimpleType::Language, "d1").is_some());
        assert!(check(SimpleType::Language, "").is_some());
        assert!(check(SimpleType::Language, "da-").is_some());
        assert_eq!(
            check(SimpleType::Language, "dan").as_deref(),
            Some("x is 3 characters long; memoLanguageType allows at most 2")
        );
        assert!(check(SimpleType::MessageType, "NEMSMS").is_none());
        assert!(check(SimpleType::MessageType, " NEMSMS").is_some());
    }

    #[test]
    fn cpr_and_cvr_digits() {
        assert!(check(SimpleType::Cpr, "3102701234").is_none());
        assert_eq!(
            check(SimpleType::Cpr, "010170-1234").as_deref(),
            Some("x \"010170-1234\" is not a CPR number: it must be 10 digits")
        );
        assert!(check(SimpleType::Cvr, "11223344").is_none());
        assert!(check(SimpleType::Cvr, "2919092").is_some());
        assert!(
            check(SimpleType::Cvr, " 11223344").is_some(),
            "a string keeps its spaces"
        );
    }
}
