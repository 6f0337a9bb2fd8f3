//! Contact points and contact groups: where a citizen, a company or an authority can write to a
//! public authority ("Skriv til det offentlige").
//!
//! Resources: `GET contact-points?searchTerm=…` ([`ContactPointPage`]),
//! `GET contact-points/{id}` ([`ContactPoint`]), `GET contact-groups` ([`ContactGroupList`]),
//! `GET contact-groups/{id}/contact-points` ([`ContactPointPage`]) and, for an authority,
//! `POST contact-structure` (a CSV file) answered by [`ImportReport`] or [`ImportRejected`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most a message may carry, attachments included: 99.5 MB (decimal megabytes).
pub const ABSOLUTE_MAX_MESSAGE_BYTES: u64 = 99_500_000;

/// Who a contact point is meant for; a contact point names one or more.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Audience {
    Citizen,
    Company,
    Authority,
}

impl Audience {
    /// Every audience, in the order they are listed.
    pub const ALL: [Audience; 3] = [Audience::Citizen, Audience::Company, Audience::Authority];

    /// The wire name, e.g. `CITIZEN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Citizen => "CITIZEN",
            Audience::Company => "COMPANY",
            Audience::Authority => "AUTHORITY",
        }
    }
}

/// Whether a contact point can be found by searching. A hidden contact point is still reachable
/// by its id (e.g. as the return contact point of a letter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Visibility {
    Visible,
    Hidden,
}

/// The kind of public authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthorityType {
    State,
    Region,
    Municipality,
    Other,
}

impl AuthorityType {
    /// The wire name, e.g. `MUNICIPALITY`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorityType::State => "STATE",
            AuthorityType::Region => "REGION",
            AuthorityType::Municipality => "MUNICIPALITY",
            AuthorityType::Other => "OTHER",
        }
    }

    /// Reads a wire name; `None` for anything else.
    pub fn parse(s: &str) -> Option<AuthorityType> {
        match s {
            "STATE" => Some(AuthorityType::State),
            "REGION" => Some(AuthorityType::Region),
            "MUNICIPALITY" => Some(AuthorityType::Municipality),
            "OTHER" => Some(AuthorityType::Other),
            _ => None,
        }
    }
}

/// The classification a code belongs to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CodeKind {
    /// KLE: the public subject classification (e.g. `05.04.02`).
    Kle,
    /// FORM: the public task classification.
    Form,
}

/// A KLE or FORM code with its label. When a citizen or company writes to the contact point
/// through a viewing client, the core adds these codes to the message's `ContentData`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ClassificationCode {
    pub kind: CodeKind,
    pub code: String,
    pub label: String,
}

/// The kind of location code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LocationCodeType {
    /// EAN/GLN: a 13-digit GS1 Global Location Number.
    Gln,
    /// SOR: an id from the Danish health sector's organisation register.
    Sor,
}

/// Where the contact point is, as a code senders can look it up by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct LocationCode {
    #[serde(rename = "type")]
    pub code_type: LocationCodeType,
    pub code: String,
}

/// An extra field the writer is asked to fill in (e.g. the child's CPR number). Never mandatory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ExtraField {
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_text: Option<String>,
}

/// What a message to the contact point may carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct AttachmentLimits {
    /// At most this many attachments; absent: no limit of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_count: Option<u32>,
    /// The message with its attachments may be at most this big (never above
    /// [`ABSOLUTE_MAX_MESSAGE_BYTES`]).
    pub max_total_bytes: u64,
}

/// A contact point: somewhere an authority can be written to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ContactPoint {
    /// The id the authority gave it.
    pub id: String,
    pub authority_id: String,
    pub authority_name: String,
    /// The authority's CVR number: a message to the contact point is addressed to it.
    pub authority_cvr: String,
    pub authority_type: AuthorityType,
    pub name: String,
    pub description: String,
    /// Shown before the user writes; may hold several paragraphs (separated by blank lines).
    pub info_text: String,
    pub search_words: Vec<String>,
    pub audiences: Vec<Audience>,
    pub visibility: Visibility,
    /// Shown clearly before the user writes; it never stops them from writing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_service_url: Option<String>,
    /// At most 2.
    pub extra_fields: Vec<ExtraField>,
    pub codes: Vec<ClassificationCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_code: Option<LocationCode>,
    pub attachment_limits: AttachmentLimits,
    /// The contact groups it sits in.
    pub group_ids: Vec<String>,
}

/// A contact point as a search or a group lists it: the whole contact point, so that compose
/// can show it without asking again.
pub type ContactPointSummary = ContactPoint;

/// The deep link that opens compose for a contact point in a viewing client:
/// `brevdue://contact-point/<id>`, the id percent-encoded beyond letters, digits and `-._~`
/// (ids imported by the core hold only letters, digits, `.`, `_` and `-`).
pub fn deep_link(contact_point_id: &str) -> String {
    let mut link = String::from(DEEP_LINK_PREFIX);
    for b in contact_point_id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            link.push(char::from(b));
        } else {
            link.push_str(&format!("%{b:02X}"));
        }
    }
    link
}

/// The contact point id of a deep link, or `None` when `link` is not one: only ids the core
/// can import are accepted (1 to 64 letters, digits, `.`, `_`, `-`), nothing before or after.
pub fn parse_deep_link(link: &str) -> Option<&str> {
    let id = link.trim().strip_prefix(DEEP_LINK_PREFIX)?;
    let id = id.strip_suffix('/').unwrap_or(id);
    let valid = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    valid.then_some(id)
}

/// What every contact point's deep link starts with; the id follows.
pub const DEEP_LINK_PREFIX: &str = "brevdue://contact-point/";

/// One page of contact points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ContactPointPage {
    pub items: Vec<ContactPoint>,
    /// 0-based.
    pub page: u32,
    pub size: u32,
    /// How many match in all pages.
    pub total_count: u64,
}

/// A contact group: a folder of contact points. A group is never itself a contact point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ContactGroup {
    pub id: String,
    pub authority_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    pub name: String,
    pub description: String,
    /// The names from the top group down, joined by `/`, e.g. `ID/Pas`.
    pub path: String,
    /// 1 for a top group.
    pub depth: u32,
}

/// Contact groups, parents before their children, ordered by authority and path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ContactGroupList {
    pub items: Vec<ContactGroup>,
}

/// Counts of one kind of record in an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ImportCounts {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
}

/// The outcome of an accepted contact structure import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// True when the file was only checked (`dryRun=true`): nothing was written.
    pub dry_run: bool,
    pub contact_points: ImportCounts,
    pub contact_groups: ImportCounts,
    /// Things allowed but worth a look (e.g. groups nested deeper than recommended).
    pub warnings: Vec<ImportProblem>,
}

/// What is wrong with one row (or the whole file, row 1 being the header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ImportProblem {
    /// The row as a spreadsheet counts it: the header is row 1, the first data row row 2.
    pub row: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub code: ImportProblemCode,
    /// In English; show a translation of `code` where one exists.
    pub message: String,
}

/// Why a row was rejected (or warned about).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportProblemCode {
    /// The file is not UTF-8 text, or is not CSV.
    NotReadable,
    /// The file has no header row, or a data row before the header.
    MissingHeader,
    /// A header names a column that does not exist (or twice).
    UnknownColumn,
    /// A column every file must have is missing.
    MissingColumn,
    /// More than 2000 data rows.
    TooManyRows,
    /// A row has more cells than the header.
    TooManyCells,
    /// A value that must be given is empty.
    Required,
    /// A value is longer than allowed.
    TooLong,
    /// An id has characters other than letters, digits, `.`, `_`, `-`, or is too long.
    InvalidId,
    /// The same id appears on two rows.
    DuplicateId,
    /// The id already belongs to another authority.
    IdTaken,
    /// The id is a group where the row is a contact point, or the other way round.
    KindChanged,
    /// The row type is neither a group nor a contact point.
    InvalidType,
    /// A value is filled in that does not apply to this type of row.
    NotApplicable,
    /// A parent id names no group of this authority.
    UnknownParent,
    /// A group is its own ancestor.
    Cycle,
    /// Groups nest deeper than allowed (error) or recommended (warning).
    TooDeep,
    /// A group id in the groups column names no group of this authority.
    UnknownGroup,
    /// An audience value is not CITIZEN, COMPANY or AUTHORITY.
    InvalidAudience,
    /// A visibility value is not VISIBLE or HIDDEN.
    InvalidVisibility,
    /// The self-service link is not an https URL.
    InvalidUrl,
    /// A KLE, FORM or location code is not well-formed.
    InvalidCode,
    /// A number is not a number, or out of range.
    InvalidNumber,
    /// More than 2 extra fields, or a help text without a field.
    InvalidExtraField,
    /// The recipient system is not a recipient system of this authority.
    UnknownSystem,
    /// A group name holds `/`, which separates the parts of a path.
    InvalidName,
    /// A text holds control characters (line breaks are allowed only in the info text).
    InvalidText,
}

/// The answer when a contact structure file is refused: nothing was imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ImportRejected {
    pub message: String,
    /// Every problem found, ordered by row.
    pub problems: Vec<ImportProblem>,
}

/// The error body of the contact endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ContactsErrorBody {
    /// Stable, for programs: `BAD_REQUEST`, `NOT_FOUND`, `UNAUTHORIZED`, `INTERNAL`.
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_links_go_both_ways_and_refuse_anything_else() {
        assert_eq!(deep_link("kp-pas.1"), "brevdue://contact-point/kp-pas.1");
        assert_eq!(deep_link("a/b c"), "brevdue://contact-point/a%2Fb%20c");
        assert_eq!(
            parse_deep_link("brevdue://contact-point/kp-pas.1"),
            Some("kp-pas.1")
        );
        assert_eq!(
            parse_deep_link(" brevdue://contact-point/kp_2/ "),
            Some("kp_2")
        );
        for bad in [
            "brevdue://contact-point/",
            "brevdue://contact-point/a%2Fb",
            "brevdue://contact-point/a/b",
            "brevdue://contact-point/a?x=1",
            "https://contact-point/a",
            "brevdue://contact-point/\u{202e}a",
        ] {
            assert_eq!(parse_deep_link(bad), None, "{bad}");
        }
        assert_eq!(parse_deep_link(&deep_link(&"x".repeat(65))), None);
    }

    #[test]
    fn contact_point_is_camel_case_with_ngdp_enums() {
        let cp = ContactPoint {
            id: "kp-pas".into(),
            authority_id: "a1".into(),
            authority_name: "Nordby Kommune".into(),
            authority_cvr: "29189846".into(),
            authority_type: AuthorityType::Municipality,
            name: "Pas".into(),
            description: String::new(),
            info_text: String::new(),
            search_words: vec!["pas".into()],
            audiences: vec![Audience::Citizen],
            visibility: Visibility::Visible,
            self_service_url: None,
            extra_fields: vec![ExtraField {
                label: "Barnets CPR-nummer".into(),
                help_text: None,
            }],
            codes: vec![ClassificationCode {
                kind: CodeKind::Kle,
                code: "05.04.02".into(),
                label: "Pas".into(),
            }],
            location_code: Some(LocationCode {
                code_type: LocationCodeType::Gln,
                code: "5790000000005".into(),
            }),
            attachment_limits: AttachmentLimits {
                max_count: None,
                max_total_bytes: ABSOLUTE_MAX_MESSAGE_BYTES,
            },
            group_ids: vec![],
        };
        let json = serde_json::to_value(&cp).unwrap();
        assert_eq!(json["authorityType"], "MUNICIPALITY");
        assert_eq!(json["audiences"][0], "CITIZEN");
        assert_eq!(json["visibility"], "VISIBLE");
        assert_eq!(json["codes"][0]["kind"], "KLE");
        assert_eq!(json["locationCode"]["type"], "GLN");
        assert_eq!(json["attachmentLimits"]["maxTotalBytes"], 99_500_000);
        assert!(json.get("selfServiceUrl").is_none());
        let back: ContactPoint = serde_json::from_value(json).unwrap();
        assert_eq!(back, cp);
    }
}
