//! An authority's contact structure from a CSV file: validated whole, then written whole.
//!
//! # The file
//! One UTF-8 file (a byte-order mark is fine) holds rows for contact groups and contact points.
//! The first row names the columns; their order is free, names are case-insensitive, and only
//! `type`, `id` and `name` must be there. Cells are separated by `;` (what a Danish spreadsheet
//! writes), `,` or a tab: whichever the header row uses most. Lists inside a cell are separated
//! by `|`. Rows whose cells are all empty are skipped. At most 2000 data rows per file; an
//! authority with more splits its structure over several files (importing one file never
//! deletes what another file created). `tests/data/contacts_example.csv` is an example.
//!
//! | column | group row | contact point row |
//! |---|---|---|
//! | `type` | `KONTAKTGRUPPE` (or `GROUP`) | `KONTAKTPUNKT` (or `CONTACT_POINT`) |
//! | `id` | required: letters, digits, `.`, `_`, `-`; at most 64 | the same; unique across all authorities (a UUID is a good choice) |
//! | `parent_id` | the id of the group it sits in; empty at the top | (not used) |
//! | `name` | required, at most 150 characters, no `/` | required, at most 150 characters |
//! | `description` | at most 500 characters | at most 500 characters |
//! | `info_text` | | at most 4000 characters; line breaks allowed |
//! | `search_words` | | `pas\|pasfornyelse\|rejse`; at most 50, each at most 100 characters |
//! | `audiences` | | required: `CITIZEN\|COMPANY\|AUTHORITY` (or `BORGER`, `VIRKSOMHED`, `MYNDIGHED`) |
//! | `visibility` | | required: `VISIBLE` or `HIDDEN` (or `SYNLIG`, `SKJULT`) |
//! | `self_service_url` | | an `https://` URL without user name or password |
//! | `groups` | | ids of the groups it sits in, `ID\|PAS` |
//! | `extra_field_1`, `extra_field_1_help`, `extra_field_2`, `extra_field_2_help` | | up to 2 extra fields (label at most 100, help text at most 300 characters); never mandatory |
//! | `kle_codes` | | `05.04.02 Pas\|05.04.00 Pas og rejsedokumenter`: a KLE number (2, 4 or 6 digits in pairs with dots) then its label |
//! | `form_codes` | | the same with FORM numbers (1 to 5 groups of 1-3 digits with dots) |
//! | `location_type`, `location_code` | | `GLN` (or `EAN`): 13 digits with a valid GS1 check digit; `SOR`: 1-18 digits |
//! | `max_attachments` | | a whole number 0-1000 |
//! | `max_attachment_mb` | | MB (1,000,000 bytes), e.g. `25` or `99,5`; at most 99.5 |
//! | `recipient_system_id` | | a recipient system of the authority; empty: its default recipient system |
//!
//! A value in a column that does not apply to the row's type is an error: a group is never a
//! contact point. A contact point sits in groups through `groups`, a group in its parent through
//! `parent_id`.
//!
//! # Checks and outcome
//! Every row is checked before anything is written, also against what is stored (parents and
//! groups may be in the file or already imported; ids may not belong to another authority; the
//! parent chains may not loop; groups nest at most 10 deep). Every problem is reported with its
//! row number as a spreadsheet counts it (the header is row 1); if there is one, nothing is
//! written. Otherwise every row is compared with what is stored under its id and only what
//! changed is written, in one transaction; the report counts created, updated and unchanged
//! rows. Nesting deeper than the recommended 3 levels is accepted with a warning.

use std::collections::{HashMap, HashSet};

use brevdue_api::contacts::{
    ABSOLUTE_MAX_MESSAGE_BYTES, Audience, ClassificationCode, CodeKind, ExtraField, ImportCounts,
    ImportProblem, ImportProblemCode as Code, ImportRejected, ImportReport, LocationCode,
    LocationCodeType,
};

use super::ContactsError;
use super::model::{ContactGroup, ContactPoint, MAX_EXTRA_FIELDS};
use super::store::{self, StoreError};
use crate::db::Db;

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 2000;
/// Groups nested deeper than this get a warning.
pub const RECOMMENDED_GROUP_DEPTH: usize = 3;
/// Groups nested deeper than this are refused.
pub const MAX_GROUP_DEPTH: usize = 10;

const MAX_ID: usize = 64;
const MAX_NAME: usize = 150;
const MAX_DESCRIPTION: usize = 500;
const MAX_INFO_TEXT: usize = 4000;
const MAX_SEARCH_WORDS: usize = 50;
const MAX_SEARCH_WORD: usize = 100;
const MAX_LABEL: usize = 100;
const MAX_HELP: usize = 300;
const MAX_URL: usize = 2000;
const MAX_CODES: usize = 20;
const MAX_CODE_LABEL: usize = 256;
const MAX_GROUPS_PER_POINT: usize = 50;
const MAX_ATTACHMENTS: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Type,
    Id,
    ParentId,
    Name,
    Description,
    InfoText,
    SearchWords,
    Audiences,
    Visibility,
    SelfServiceUrl,
    Groups,
    ExtraField1,
    ExtraField1Help,
    ExtraField2,
    ExtraField2Help,
    KleCodes,
    FormCodes,
    LocationType,
    LocationCode,
    MaxAttachments,
    MaxAttachmentMb,
    RecipientSystemId,
}

impl Column {
    const ALL: [Column; 22] = [
        Column::Type,
        Column::Id,
        Column::ParentId,
        Column::Name,
        Column::Description,
        Column::InfoText,
        Column::SearchWords,
        Column::Audiences,
        Column::Visibility,
        Column::SelfServiceUrl,
        Column::Groups,
        Column::ExtraField1,
        Column::ExtraField1Help,
        Column::ExtraField2,
        Column::ExtraField2Help,
        Column::KleCodes,
        Column::FormCodes,
        Column::LocationType,
        Column::LocationCode,
        Column::MaxAttachments,
        Column::MaxAttachmentMb,
        Column::RecipientSystemId,
    ];

    fn name(self) -> &'static str {
        match self {
            Column::Type => "type",
            Column::Id => "id",
            Column::ParentId => "parent_id",
            Column::Name => "name",
            Column::Description => "description",
            Column::InfoText => "info_text",
            Column::SearchWords => "search_words",
            Column::Audiences => "audiences",
            Column::Visibility => "visibility",
            Column::SelfServiceUrl => "self_service_url",
            Column::Groups => "groups",
            Column::ExtraField1 => "extra_field_1",
            Column::ExtraField1Help => "extra_field_1_help",
            Column::ExtraField2 => "extra_field_2",
            Column::ExtraField2Help => "extra_field_2_help",
            Column::KleCodes => "kle_codes",
            Column::FormCodes => "form_codes",
            Column::LocationType => "location_type",
            Column::LocationCode => "location_code",
            Column::MaxAttachments => "max_attachments",
            Column::MaxAttachmentMb => "max_attachment_mb",
            Column::RecipientSystemId => "recipient_system_id",
        }
    }

    /// Columns a group row may fill in.
    fn applies_to_groups(self) -> bool {
        matches!(
            self,
            Column::Type | Column::Id | Column::ParentId | Column::Name | Column::Description
        )
    }
}

/// The problems found so far.
#[derive(Debug, Default)]
struct Problems(Vec<ImportProblem>);

impl Problems {
    fn add(&mut self, row: u32, column: Option<Column>, code: Code, message: impl Into<String>) {
        self.0.push(ImportProblem {
            row,
            column: column.map(|c| c.name().to_owned()),
            code,
            message: message.into(),
        });
    }
}

/// A parsed group row.
#[derive(Debug)]
struct GroupRow {
    row: u32,
    group: ContactGroup,
}

/// A parsed contact point row.
#[derive(Debug)]
struct PointRow {
    row: u32,
    point: ContactPoint,
}

/// What a file says, every row valid on its own.
#[derive(Debug, Default)]
struct Parsed {
    groups: Vec<GroupRow>,
    points: Vec<PointRow>,
}

/// Checks `csv` as `authority_id`'s contact structure and, unless `dry_run`, writes it.
pub(crate) async fn import(
    db: &Db,
    authority_id: &str,
    csv: &[u8],
    dry_run: bool,
) -> Result<ImportReport, ContactsError> {
    let mut problems = Problems::default();
    let parsed = parse(authority_id, csv, &mut problems);

    // Reads and writes in one write transaction, so that what was checked is what is changed.
    let mut tx = crate::db::begin_write(db).await.map_err(StoreError::from)?;
    if store::get_authority(&mut tx, authority_id).await?.is_none() {
        return Err(ContactsError::UnknownAuthority);
    }
    let mut report = ImportReport {
        dry_run,
        contact_points: ImportCounts::default(),
        contact_groups: ImportCounts::default(),
        warnings: Vec::new(),
    };
    let Some(parsed) = parsed else {
        return Err(rejected(problems));
    };
    let existing = check_against_store(
        &mut tx,
        authority_id,
        &parsed,
        &mut problems,
        &mut report.warnings,
    )
    .await?;
    if !problems.0.is_empty() {
        return Err(rejected(problems));
    }

    let mut changed_groups = Vec::new();
    for g in &parsed.groups {
        match existing.groups.get(&g.group.id) {
            None => report.contact_groups.created += 1,
            Some(old) if *old == g.group => {
                report.contact_groups.unchanged += 1;
                continue;
            }
            Some(_) => report.contact_groups.updated += 1,
        }
        changed_groups.push(&g.group);
    }
    let mut changed_points = Vec::new();
    for p in &parsed.points {
        match existing.points.get(&p.point.id) {
            None => report.contact_points.created += 1,
            Some(old) if *old == p.point => {
                report.contact_points.unchanged += 1;
                continue;
            }
            Some(_) => report.contact_points.updated += 1,
        }
        changed_points.push(&p.point);
    }
    if dry_run {
        tx.rollback().await.map_err(StoreError::from)?;
        return Ok(report);
    }
    let changed = !changed_groups.is_empty() || !changed_points.is_empty();
    for group in changed_groups {
        store::upsert_group(&mut tx, group).await?;
    }
    for point in changed_points {
        store::upsert_contact_point(&mut tx, point).await?;
    }
    if changed {
        store::bump_version(&mut tx).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(
        authority_id,
        points_created = report.contact_points.created,
        points_updated = report.contact_points.updated,
        groups_created = report.contact_groups.created,
        groups_updated = report.contact_groups.updated,
        "contact structure imported"
    );
    Ok(report)
}

fn rejected(mut problems: Problems) -> ContactsError {
    problems.0.sort_by_key(|p| p.row);
    let n = problems.0.len();
    ContactsError::Rejected(ImportRejected {
        message: format!(
            "nothing was imported: the file has {n} problem{}",
            if n == 1 { "" } else { "s" }
        ),
        problems: problems.0,
    })
}

/// What is stored under the ids of the file, for comparing.
#[derive(Debug, Default)]
struct Existing {
    groups: HashMap<String, ContactGroup>,
    points: HashMap<String, ContactPoint>,
}

/// The checks that need the database: ownership of ids, parents, groups, recipient systems,
/// loops and depth. Returns what is stored of this authority under the file's ids.
async fn check_against_store(
    conn: &mut crate::db::Conn,
    authority_id: &str,
    parsed: &Parsed,
    problems: &mut Problems,
    warnings: &mut Vec<ImportProblem>,
) -> Result<Existing, StoreError> {
    let all_ids: Vec<String> = parsed
        .groups
        .iter()
        .map(|g| g.group.id.clone())
        .chain(parsed.points.iter().map(|p| p.point.id.clone()))
        .collect();
    let stored_groups: HashMap<String, ContactGroup> =
        store::list_groups(conn, Some(authority_id), None)
            .await?
            .into_iter()
            .map(|g| (g.id.clone(), g))
            .collect();
    let foreign_groups: HashSet<String> = store::list_groups_by_id(conn, &all_ids)
        .await?
        .into_iter()
        .filter(|g| g.authority_id != authority_id)
        .map(|g| g.id)
        .collect();
    let point_owners: HashMap<String, String> = store::list_contact_point_owners(conn, &all_ids)
        .await?
        .into_iter()
        .collect();
    let systems: HashSet<String> = store::list_recipient_systems(conn, authority_id)
        .await?
        .into_iter()
        .collect();

    let file_groups: HashMap<&str, &GroupRow> = parsed
        .groups
        .iter()
        .map(|g| (g.group.id.as_str(), g))
        .collect();
    let is_group = |id: &str| file_groups.contains_key(id) || stored_groups.contains_key(id);

    for g in &parsed.groups {
        let (row, id) = (g.row, g.group.id.as_str());
        if foreign_groups.contains(id)
            || point_owners
                .get(id)
                .is_some_and(|owner| owner != authority_id)
        {
            problems.add(
                row,
                Some(Column::Id),
                Code::IdTaken,
                format!("id {id:?} already belongs to another authority"),
            );
        } else if point_owners.contains_key(id) {
            problems.add(
                row,
                Some(Column::Type),
                Code::KindChanged,
                format!(
                    "id {id:?} is a contact point; a contact group can never be a contact point"
                ),
            );
        }
        if let Some(parent) = &g.group.parent_id
            && !is_group(parent)
        {
            let why = if point_owners
                .get(parent.as_str())
                .is_some_and(|o| o == authority_id)
                || parsed.points.iter().any(|p| p.point.id == *parent)
            {
                "is a contact point, and only a group can hold groups"
            } else {
                "is not a contact group of this authority, in the file or already imported"
            };
            problems.add(
                row,
                Some(Column::ParentId),
                Code::UnknownParent,
                format!("parent_id {parent:?} {why}"),
            );
        }
    }
    for p in &parsed.points {
        let (row, id) = (p.row, p.point.id.as_str());
        if foreign_groups.contains(id)
            || point_owners
                .get(id)
                .is_some_and(|owner| owner != authority_id)
        {
            problems.add(
                row,
                Some(Column::Id),
                Code::IdTaken,
                format!("id {id:?} already belongs to another authority"),
            );
        } else if stored_groups.contains_key(id) {
            problems.add(
                row,
                Some(Column::Type),
                Code::KindChanged,
                format!(
                    "id {id:?} is a contact group; a contact group can never be a contact point"
                ),
            );
        }
        for group in &p.point.group_ids {
            if !is_group(group) {
                problems.add(
                    row,
                    Some(Column::Groups),
                    Code::UnknownGroup,
                    format!("group {group:?} is not a contact group of this authority, in the file or already imported"),
                );
            }
        }
        if let Some(system) = &p.point.recipient_system_id
            && !systems.contains(system)
        {
            problems.add(
                row,
                Some(Column::RecipientSystemId),
                Code::UnknownSystem,
                format!("{system:?} is not a recipient system of this authority"),
            );
        }
    }
    check_nesting(parsed, &stored_groups, problems, warnings);

    let mut existing = Existing::default();
    for g in &parsed.groups {
        if let Some(old) = stored_groups.get(&g.group.id) {
            existing.groups.insert(old.id.clone(), old.clone());
        }
    }
    let own_point_ids: Vec<String> = parsed
        .points
        .iter()
        .filter(|p| {
            point_owners
                .get(&p.point.id)
                .is_some_and(|o| o == authority_id)
        })
        .map(|p| p.point.id.clone())
        .collect();
    for (point, _) in store::list_contact_points(conn, &own_point_ids).await? {
        existing.points.insert(point.id.clone(), point);
    }
    Ok(existing)
}

/// Loops and depth of the groups as they will be: the stored groups of the authority with the
/// file's groups in place of those with the same id.
fn check_nesting(
    parsed: &Parsed,
    stored: &HashMap<String, ContactGroup>,
    problems: &mut Problems,
    warnings: &mut Vec<ImportProblem>,
) {
    let mut parent_of: HashMap<&str, Option<&str>> = stored
        .values()
        .map(|g| (g.id.as_str(), g.parent_id.as_deref()))
        .collect();
    let mut row_of: HashMap<&str, u32> = HashMap::new();
    for g in &parsed.groups {
        parent_of.insert(g.group.id.as_str(), g.group.parent_id.as_deref());
        row_of.insert(g.group.id.as_str(), g.row);
    }
    let mut too_deep_reported: HashSet<u32> = HashSet::new();
    let mut ids: Vec<&str> = parent_of.keys().copied().collect();
    ids.sort_unstable();
    for id in ids {
        // Walk up; `chain` holds the groups from `id` towards the top.
        let mut chain = vec![id];
        let mut on_loop = false;
        let mut into_loop = false;
        let mut current = id;
        while let Some(Some(parent)) = parent_of.get(current) {
            if *parent == id {
                on_loop = true;
                chain.push(parent);
                break;
            }
            if chain.contains(parent) {
                into_loop = true;
                break;
            }
            chain.push(parent);
            current = parent;
        }
        if on_loop {
            // Stored groups had no loops, so every loop holds a group of the file.
            if let Some(row) = row_of.get(id) {
                problems.add(
                    *row,
                    Some(Column::ParentId),
                    Code::Cycle,
                    format!("the parent chain loops: {}", chain.join(" → ")),
                );
            }
            continue;
        }
        if into_loop {
            continue; // reported on the groups of the loop
        }
        // A depth problem belongs to the nearest group of the file on the way up.
        let Some(row) = chain.iter().find_map(|g| row_of.get(g).copied()) else {
            continue;
        };
        let depth = chain.len();
        if depth > MAX_GROUP_DEPTH {
            if too_deep_reported.insert(row) {
                problems.add(
                    row,
                    Some(Column::ParentId),
                    Code::TooDeep,
                    format!("group {id:?} would sit {depth} levels deep; at most {MAX_GROUP_DEPTH} are allowed"),
                );
            }
        } else if depth > RECOMMENDED_GROUP_DEPTH && row_of.get(id) == Some(&row) {
            warnings.push(ImportProblem {
                row,
                column: Some(Column::ParentId.name().to_owned()),
                code: Code::TooDeep,
                message: format!(
                    "group {id:?} sits {depth} levels deep; at most {RECOMMENDED_GROUP_DEPTH} are recommended"
                ),
            });
        }
    }
}

/// Reads the file and checks every row on its own and against the other rows. `None` when the
/// rows cannot be read at all (the problems say why).
fn parse(authority_id: &str, csv: &[u8], problems: &mut Problems) -> Option<Parsed> {
    let csv = csv.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(csv);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(csv))
        .has_headers(false)
        .flexible(true)
        .from_reader(csv);
    let mut records = reader.byte_records();

    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            problems.add(
                1,
                None,
                Code::NotReadable,
                format!("the header row cannot be read: {e}"),
            );
            return None;
        }
        None => {
            problems.add(
                1,
                None,
                Code::MissingHeader,
                "the file is empty; it needs a header row naming the columns",
            );
            return None;
        }
    };
    let columns = read_header(&header, problems)?;

    let mut parsed = Parsed::default();
    let mut data_rows = 0usize;
    let mut first_row_of: HashMap<String, u32> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let row = e.position().map_or(0, |p| row_number(p.record()));
                problems.add(
                    row,
                    None,
                    Code::NotReadable,
                    format!("the row cannot be read as CSV: {e}"),
                );
                return None;
            }
        };
        let row = row_number(record.position().map_or(0, csv::Position::record));
        if record
            .iter()
            .all(|cell| cell.iter().all(u8::is_ascii_whitespace))
        {
            continue;
        }
        data_rows += 1;
        if data_rows > MAX_ROWS {
            problems.add(
                row,
                None,
                Code::TooManyRows,
                format!("a file may hold at most {MAX_ROWS} rows; split the structure over several files"),
            );
            return None;
        }
        if record.len() > columns.len() {
            problems.add(
                row,
                None,
                Code::TooManyCells,
                format!(
                    "the row has {} cells but the header names {} columns",
                    record.len(),
                    columns.len()
                ),
            );
            continue;
        }
        let mut cells: HashMap<Column, &str> = HashMap::new();
        let mut readable = true;
        for (i, raw) in record.iter().enumerate() {
            let Some(column) = columns.get(i) else {
                continue;
            };
            match std::str::from_utf8(raw) {
                Ok(text) => {
                    cells.insert(*column, text.trim());
                }
                Err(_) => {
                    problems.add(
                        row,
                        Some(*column),
                        Code::NotReadable,
                        "the cell is not UTF-8 text; save the file as \"CSV UTF-8\"",
                    );
                    readable = false;
                }
            }
        }
        if !readable {
            continue;
        }
        let cells = Cells { row, cells };
        let id = cells.get(Column::Id);
        if !id.is_empty() {
            if let Some(first) = first_row_of.get(id) {
                problems.add(
                    row,
                    Some(Column::Id),
                    Code::DuplicateId,
                    format!("id {id:?} is also used on row {first}"),
                );
            } else {
                first_row_of.insert(id.to_owned(), row);
            }
        }
        match parse_type(&cells, problems) {
            Some(RowType::Group) => {
                if let Some(group) = parse_group(authority_id, &cells, problems) {
                    parsed.groups.push(GroupRow { row, group });
                }
            }
            Some(RowType::Point) => {
                if let Some(point) = parse_point(authority_id, &cells, problems) {
                    parsed.points.push(PointRow { row, point });
                }
            }
            None => {}
        }
    }
    Some(parsed)
}

/// The row number a spreadsheet shows for a record index (the header is record 0, row 1).
fn row_number(record: u64) -> u32 {
    u32::try_from(record.saturating_add(1)).unwrap_or(u32::MAX)
}

/// The separator the header row uses most: `;`, `,` or tab.
fn sniff_delimiter(csv: &[u8]) -> u8 {
    let first_line = csv.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| first_line.iter().filter(|b| **b == d).count();
    [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| (count(*d), *d == b','))
        .unwrap_or(b',')
}

fn read_header(header: &csv::ByteRecord, problems: &mut Problems) -> Option<Vec<Column>> {
    let mut columns = Vec::with_capacity(header.len());
    let mut ok = true;
    for raw in header {
        let Ok(name) = std::str::from_utf8(raw) else {
            problems.add(
                1,
                None,
                Code::NotReadable,
                "the header row is not UTF-8 text; save the file as \"CSV UTF-8\"",
            );
            return None;
        };
        let name = name.trim().to_lowercase();
        match Column::ALL.iter().find(|c| c.name() == name) {
            Some(c) if columns.contains(c) => {
                problems.add(
                    1,
                    None,
                    Code::UnknownColumn,
                    format!("column {name:?} is named twice"),
                );
                ok = false;
            }
            Some(c) => columns.push(*c),
            None if name.starts_with("extra_field_") => {
                problems.add(
                    1,
                    None,
                    Code::InvalidExtraField,
                    format!("column {name:?}: a contact point has at most {MAX_EXTRA_FIELDS} extra fields"),
                );
                ok = false;
            }
            None => {
                let known: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
                problems.add(
                    1,
                    None,
                    Code::UnknownColumn,
                    format!(
                        "unknown column {:?}; the columns are {}",
                        truncate(&name),
                        known.join(", ")
                    ),
                );
                ok = false;
            }
        }
    }
    for required in [Column::Type, Column::Id, Column::Name] {
        if !columns.contains(&required) {
            problems.add(
                1,
                None,
                Code::MissingColumn,
                format!("the header has no column {:?}", required.name()),
            );
            ok = false;
        }
    }
    ok.then_some(columns)
}

/// The cells of one row by column; an absent column reads as empty.
struct Cells<'a> {
    row: u32,
    cells: HashMap<Column, &'a str>,
}

impl<'a> Cells<'a> {
    fn get(&self, column: Column) -> &'a str {
        self.cells.get(&column).copied().unwrap_or("")
    }
}

enum RowType {
    Group,
    Point,
}

fn parse_type(cells: &Cells<'_>, problems: &mut Problems) -> Option<RowType> {
    let value = cells.get(Column::Type);
    match value.to_uppercase().as_str() {
        "KONTAKTGRUPPE" | "GRUPPE" | "GROUP" | "CONTACT_GROUP" => Some(RowType::Group),
        "KONTAKTPUNKT" | "CONTACT_POINT" => Some(RowType::Point),
        "" => {
            problems.add(
                cells.row,
                Some(Column::Type),
                Code::Required,
                "type is required: KONTAKTGRUPPE or KONTAKTPUNKT",
            );
            None
        }
        _ => {
            problems.add(
                cells.row,
                Some(Column::Type),
                Code::InvalidType,
                format!(
                    "type must be KONTAKTGRUPPE or KONTAKTPUNKT, not {:?}",
                    truncate(value)
                ),
            );
            None
        }
    }
}

fn parse_group(
    authority_id: &str,
    cells: &Cells<'_>,
    problems: &mut Problems,
) -> Option<ContactGroup> {
    let before = problems.0.len();
    let row = cells.row;
    for column in Column::ALL {
        if !column.applies_to_groups() && !cells.get(column).is_empty() {
            problems.add(
                row,
                Some(column),
                Code::NotApplicable,
                format!(
                    "{} applies to contact points only; a contact group is never a contact point",
                    column.name()
                ),
            );
        }
    }
    let id = parse_id(cells, Column::Id, problems);
    let parent_id = match cells.get(Column::ParentId) {
        "" => None,
        _ => parse_id(cells, Column::ParentId, problems),
    };
    if let (Some(id), Some(parent)) = (&id, &parent_id)
        && id == parent
    {
        problems.add(
            row,
            Some(Column::ParentId),
            Code::Cycle,
            "a group cannot be its own parent",
        );
    }
    let name = required_text(cells, Column::Name, MAX_NAME, problems);
    if let Some(name) = &name
        && name.contains('/')
    {
        problems.add(
            row,
            Some(Column::Name),
            Code::InvalidName,
            "a group name may not hold \"/\": it separates the parts of a path",
        );
    }
    let description = text(cells, Column::Description, MAX_DESCRIPTION, false, problems);
    if problems.0.len() != before {
        return None;
    }
    Some(ContactGroup {
        id: id?,
        authority_id: authority_id.to_owned(),
        parent_id,
        name: name?,
        description: description?,
    })
}

fn parse_point(
    authority_id: &str,
    cells: &Cells<'_>,
    problems: &mut Problems,
) -> Option<ContactPoint> {
    let before = problems.0.len();
    let row = cells.row;
    if !cells.get(Column::ParentId).is_empty() {
        problems.add(
            row,
            Some(Column::ParentId),
            Code::NotApplicable,
            "parent_id is for groups; a contact point sits in groups through the groups column",
        );
    }
    let id = parse_id(cells, Column::Id, problems);
    let name = required_text(cells, Column::Name, MAX_NAME, problems);
    let description = text(cells, Column::Description, MAX_DESCRIPTION, false, problems);
    let info_text = text(cells, Column::InfoText, MAX_INFO_TEXT, true, problems);
    let search_words = parse_search_words(cells, problems);
    let audiences = parse_audiences(cells, problems);
    let visible = parse_visibility(cells, problems);
    let self_service_url = parse_url(cells, problems);
    let group_ids = parse_group_ids(cells, problems);
    let extra_fields = parse_extra_fields(cells, problems);
    let mut codes = parse_codes(cells, Column::KleCodes, CodeKind::Kle, problems);
    codes.extend(parse_codes(
        cells,
        Column::FormCodes,
        CodeKind::Form,
        problems,
    ));
    let location_code = parse_location(cells, problems);
    let max_attachments = parse_max_attachments(cells, problems);
    let max_attachment_bytes = parse_megabytes(cells, problems);
    let recipient_system_id = match cells.get(Column::RecipientSystemId) {
        "" => None,
        _ => parse_id(cells, Column::RecipientSystemId, problems),
    };
    if problems.0.len() != before {
        return None;
    }
    Some(ContactPoint {
        id: id?,
        authority_id: authority_id.to_owned(),
        name: name?,
        description: description?,
        info_text: info_text?,
        search_words,
        audiences: audiences?,
        visible: visible?,
        self_service_url,
        extra_fields,
        codes,
        location_code,
        max_attachments,
        max_attachment_bytes,
        recipient_system_id,
        group_ids,
    })
}

fn truncate(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn parse_id(cells: &Cells<'_>, column: Column, problems: &mut Problems) -> Option<String> {
    let value = cells.get(column);
    if value.is_empty() {
        problems.add(
            cells.row,
            Some(column),
            Code::Required,
            format!("{} is required", column.name()),
        );
        None
    } else if is_valid_id(value) {
        Some(value.to_owned())
    } else {
        problems.add(
            cells.row,
            Some(column),
            Code::InvalidId,
            format!("{:?} is not an id: use at most {MAX_ID} letters a-z, digits, \".\", \"_\" or \"-\"", truncate(value)),
        );
        None
    }
}

/// Characters refused in a text: control characters (but line breaks and tabs where allowed)
/// and the invisible marks that reorder text.
fn bad_char(c: char, multiline: bool) -> bool {
    let allowed_space = multiline && matches!(c, '\n' | '\r' | '\t');
    (c.is_control() && !allowed_space)
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Checks a text against a length and the characters it may hold; `what` names it in messages.
fn check_text(
    row: u32,
    column: Column,
    what: &str,
    value: &str,
    max: usize,
    multiline: bool,
    problems: &mut Problems,
) -> bool {
    let chars = value.chars().count();
    if chars > max {
        problems.add(
            row,
            Some(column),
            Code::TooLong,
            format!("{what} holds {chars} characters; at most {max} are allowed"),
        );
        false
    } else if value.chars().any(|c| bad_char(c, multiline)) {
        let allowed = if multiline {
            " (line breaks are fine)"
        } else {
            " or line breaks"
        };
        problems.add(
            row,
            Some(column),
            Code::InvalidText,
            format!("{what} holds control characters{allowed}"),
        );
        false
    } else {
        true
    }
}

fn text(
    cells: &Cells<'_>,
    column: Column,
    max: usize,
    multiline: bool,
    problems: &mut Problems,
) -> Option<String> {
    let value = cells.get(column);
    check_text(
        cells.row,
        column,
        column.name(),
        value,
        max,
        multiline,
        problems,
    )
    .then(|| value.to_owned())
}

fn required_text(
    cells: &Cells<'_>,
    column: Column,
    max: usize,
    problems: &mut Problems,
) -> Option<String> {
    if cells.get(column).is_empty() {
        problems.add(
            cells.row,
            Some(column),
            Code::Required,
            format!("{} is required", column.name()),
        );
        return None;
    }
    text(cells, column, max, false, problems)
}

/// The non-empty, trimmed entries of a `|`-separated list cell.
fn list(value: &str) -> impl Iterator<Item = &str> {
    value.split('|').map(str::trim).filter(|s| !s.is_empty())
}

fn parse_search_words(cells: &Cells<'_>, problems: &mut Problems) -> Vec<String> {
    let column = Column::SearchWords;
    let mut words: Vec<String> = Vec::new();
    for word in list(cells.get(column)) {
        if check_text(
            cells.row,
            column,
            &format!("search word {:?}", truncate(word)),
            word,
            MAX_SEARCH_WORD,
            false,
            problems,
        ) && !words.iter().any(|w| w == word)
        {
            words.push(word.to_owned());
        }
    }
    if words.len() > MAX_SEARCH_WORDS {
        problems.add(
            cells.row,
            Some(column),
            Code::TooLong,
            format!(
                "{} search words; at most {MAX_SEARCH_WORDS} are allowed",
                words.len()
            ),
        );
    }
    words
}

fn parse_audiences(cells: &Cells<'_>, problems: &mut Problems) -> Option<Vec<Audience>> {
    let column = Column::Audiences;
    let mut audiences = Vec::new();
    let mut ok = true;
    for value in list(cells.get(column)) {
        let audience = match value.to_uppercase().as_str() {
            "CITIZEN" | "BORGER" => Audience::Citizen,
            "COMPANY" | "VIRKSOMHED" => Audience::Company,
            "AUTHORITY" | "MYNDIGHED" => Audience::Authority,
            _ => {
                problems.add(
                    cells.row,
                    Some(column),
                    Code::InvalidAudience,
                    format!(
                        "audience must be CITIZEN, COMPANY or AUTHORITY, not {:?}",
                        truncate(value)
                    ),
                );
                ok = false;
                continue;
            }
        };
        audiences.push(audience);
    }
    if ok && audiences.is_empty() {
        problems.add(
            cells.row,
            Some(column),
            Code::Required,
            "audiences is required: CITIZEN, COMPANY and/or AUTHORITY, separated by |",
        );
        return None;
    }
    audiences.sort();
    audiences.dedup();
    ok.then_some(audiences)
}

fn parse_visibility(cells: &Cells<'_>, problems: &mut Problems) -> Option<bool> {
    let column = Column::Visibility;
    let value = cells.get(column);
    match value.to_uppercase().as_str() {
        "VISIBLE" | "SYNLIG" => Some(true),
        "HIDDEN" | "SKJULT" => Some(false),
        "" => {
            problems.add(
                cells.row,
                Some(column),
                Code::Required,
                "visibility is required: VISIBLE or HIDDEN",
            );
            None
        }
        _ => {
            problems.add(
                cells.row,
                Some(column),
                Code::InvalidVisibility,
                format!(
                    "visibility must be VISIBLE or HIDDEN, not {:?}",
                    truncate(value)
                ),
            );
            None
        }
    }
}

fn parse_url(cells: &Cells<'_>, problems: &mut Problems) -> Option<String> {
    let column = Column::SelfServiceUrl;
    let value = cells.get(column);
    if value.is_empty() {
        return None;
    }
    let bad = |problems: &mut Problems, why: &str| {
        problems.add(
            cells.row,
            Some(column),
            Code::InvalidUrl,
            format!("the self-service link {why}"),
        );
        None
    };
    if value.len() > MAX_URL {
        return bad(problems, &format!("is longer than {MAX_URL} characters"));
    }
    match url::Url::parse(value) {
        Err(e) => bad(problems, &format!("is not a URL ({e})")),
        Ok(u) if u.scheme() != "https" => bad(
            problems,
            &format!("must start with https://, not {}:", truncate(u.scheme())),
        ),
        Ok(u) if u.host_str().is_none_or(str::is_empty) => bad(problems, "has no host name"),
        Ok(u) if !u.username().is_empty() || u.password().is_some() => {
            bad(problems, "may not hold a user name or password")
        }
        Ok(u) => Some(u.to_string()),
    }
}

fn parse_group_ids(cells: &Cells<'_>, problems: &mut Problems) -> Vec<String> {
    let column = Column::Groups;
    let mut ids = Vec::new();
    for id in list(cells.get(column)) {
        if is_valid_id(id) {
            ids.push(id.to_owned());
        } else {
            problems.add(
                cells.row,
                Some(column),
                Code::InvalidId,
                format!("{:?} is not a group id", truncate(id)),
            );
        }
    }
    ids.sort();
    ids.dedup();
    if ids.len() > MAX_GROUPS_PER_POINT {
        problems.add(
            cells.row,
            Some(column),
            Code::TooLong,
            format!(
                "{} groups; a contact point may sit in at most {MAX_GROUPS_PER_POINT}",
                ids.len()
            ),
        );
    }
    ids
}

fn parse_extra_fields(cells: &Cells<'_>, problems: &mut Problems) -> Vec<ExtraField> {
    let mut fields = Vec::new();
    for (label_column, help_column) in [
        (Column::ExtraField1, Column::ExtraField1Help),
        (Column::ExtraField2, Column::ExtraField2Help),
    ] {
        let label = cells.get(label_column);
        let help = cells.get(help_column);
        if label.is_empty() {
            if !help.is_empty() {
                problems.add(
                    cells.row,
                    Some(help_column),
                    Code::InvalidExtraField,
                    format!(
                        "a help text needs its field: {} is empty",
                        label_column.name()
                    ),
                );
            }
            continue;
        }
        let label_ok = check_text(
            cells.row,
            label_column,
            label_column.name(),
            label,
            MAX_LABEL,
            false,
            problems,
        );
        let help_ok = check_text(
            cells.row,
            help_column,
            help_column.name(),
            help,
            MAX_HELP,
            false,
            problems,
        );
        if label_ok && help_ok {
            fields.push(ExtraField {
                label: label.to_owned(),
                help_text: (!help.is_empty()).then(|| help.to_owned()),
            });
        }
    }
    fields
}

/// KLE: two digits, optionally followed by `.NN` once or twice (`05`, `05.04`, `05.04.02`).
fn is_kle(code: &str) -> bool {
    let parts: Vec<&str> = code.split('.').collect();
    (1..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// FORM: 1 to 5 groups of 1-3 digits separated by dots.
fn is_form(code: &str) -> bool {
    let parts: Vec<&str> = code.split('.').collect();
    (1..=5).contains(&parts.len())
        && parts
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

fn parse_codes(
    cells: &Cells<'_>,
    column: Column,
    kind: CodeKind,
    problems: &mut Problems,
) -> Vec<ClassificationCode> {
    let (name, well_formed, shape): (&str, fn(&str) -> bool, &str) = match kind {
        CodeKind::Kle => (
            "KLE",
            is_kle,
            "two digits in up to three dotted pairs, e.g. 05.04.02",
        ),
        CodeKind::Form => (
            "FORM",
            is_form,
            "1 to 5 dotted groups of 1-3 digits, e.g. 1.2.3",
        ),
    };
    let mut codes: Vec<ClassificationCode> = Vec::new();
    for entry in list(cells.get(column)) {
        let (code, label) = match entry.split_once(char::is_whitespace) {
            Some((code, label)) => (code, label.trim()),
            None => (entry, ""),
        };
        if !well_formed(code) {
            problems.add(
                cells.row,
                Some(column),
                Code::InvalidCode,
                format!("{:?} is not a {name} number: {shape}", truncate(code)),
            );
            continue;
        }
        if label.is_empty() {
            problems.add(
                cells.row,
                Some(column),
                Code::InvalidCode,
                format!("{name} {code} needs a label after the number, e.g. \"{code} Pas\""),
            );
            continue;
        }
        if !check_text(
            cells.row,
            column,
            &format!("the label of {name} {code}"),
            label,
            MAX_CODE_LABEL,
            false,
            problems,
        ) {
            continue;
        }
        if codes.iter().any(|c| c.code == code) {
            problems.add(
                cells.row,
                Some(column),
                Code::InvalidCode,
                format!("{name} {code} is given twice"),
            );
            continue;
        }
        codes.push(ClassificationCode {
            kind,
            code: code.to_owned(),
            label: label.to_owned(),
        });
    }
    if codes.len() > MAX_CODES {
        problems.add(
            cells.row,
            Some(column),
            Code::TooLong,
            format!(
                "{} {name} codes; at most {MAX_CODES} are allowed",
                codes.len()
            ),
        );
    }
    codes
}

/// Whether 13 digits end in the right GS1 check digit.
fn is_gln(code: &str) -> bool {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    if code.len() != 13 || digits.len() != 13 {
        return false;
    }
    let sum: u32 = digits[..12]
        .iter()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 })
        .sum();
    (10 - sum % 10) % 10 == digits[12]
}

fn parse_location(cells: &Cells<'_>, problems: &mut Problems) -> Option<LocationCode> {
    let (type_value, code) = (
        cells.get(Column::LocationType),
        cells.get(Column::LocationCode),
    );
    let bad = |problems: &mut Problems, column: Column, message: String| {
        problems.add(cells.row, Some(column), Code::InvalidCode, message);
        None
    };
    match (type_value.to_uppercase().as_str(), code) {
        ("", "") => None,
        ("", _) => bad(
            problems,
            Column::LocationType,
            "location_type is needed with a location code: GLN or SOR".into(),
        ),
        (_, "") => bad(
            problems,
            Column::LocationCode,
            "location_code is needed with a location type".into(),
        ),
        ("GLN" | "EAN" | "EAN/GLN", code) => {
            if is_gln(code) {
                Some(LocationCode {
                    code_type: LocationCodeType::Gln,
                    code: code.to_owned(),
                })
            } else {
                bad(
                    problems,
                    Column::LocationCode,
                    format!(
                        "{:?} is not an EAN/GLN number: 13 digits ending in the GS1 check digit",
                        truncate(code)
                    ),
                )
            }
        }
        ("SOR", code) => {
            if (1..=18).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()) {
                Some(LocationCode {
                    code_type: LocationCodeType::Sor,
                    code: code.to_owned(),
                })
            } else {
                bad(
                    problems,
                    Column::LocationCode,
                    format!("{:?} is not a SOR code: 1 to 18 digits", truncate(code)),
                )
            }
        }
        (_, _) => bad(
            problems,
            Column::LocationType,
            format!(
                "location_type must be GLN (or EAN) or SOR, not {:?}",
                truncate(type_value)
            ),
        ),
    }
}

fn parse_max_attachments(cells: &Cells<'_>, problems: &mut Problems) -> Option<u32> {
    let value = cells.get(Column::MaxAttachments);
    if value.is_empty() {
        return None;
    }
    match value.parse::<u32>() {
        Ok(n) if n <= MAX_ATTACHMENTS => Some(n),
        _ => {
            problems.add(
                cells.row,
                Some(Column::MaxAttachments),
                Code::InvalidNumber,
                format!(
                    "max_attachments must be a whole number from 0 to {MAX_ATTACHMENTS}, not {:?}",
                    truncate(value)
                ),
            );
            None
        }
    }
}

/// Megabytes (10^6 bytes) written with `.` or `,` as the decimal mark, as bytes.
fn megabytes_to_bytes(value: &str) -> Option<u64> {
    let (whole, fraction) = match value.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (value, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 3
        || fraction.len() > 6
        || !digits(whole)
        || !digits(fraction)
    {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let fraction: u64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<6}").parse().ok()?
    };
    Some(whole * 1_000_000 + fraction)
}

fn parse_megabytes(cells: &Cells<'_>, problems: &mut Problems) -> Option<u64> {
    let value = cells.get(Column::MaxAttachmentMb);
    if value.is_empty() {
        return None;
    }
    match megabytes_to_bytes(value) {
        Some(b) if b > 0 && b <= ABSOLUTE_MAX_MESSAGE_BYTES => Some(b),
        _ => {
            problems.add(
                cells.row,
                Some(Column::MaxAttachmentMb),
                Code::InvalidNumber,
                format!(
                    "max_attachment_mb must be a number of MB above 0 and at most 99.5, not {:?}",
                    truncate(value)
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gln_check_digit() {
        assert!(is_gln("5790000000005"));
        assert!(!is_gln("5790000000004"));
        assert!(!is_gln("579000000000"));
        assert!(!is_gln("57900000000a5"));
        assert!(!is_gln("+790000000005"));
    }

    #[test]
    fn kle_and_form_shapes() {
        for ok in ["05", "05.04", "05.04.02"] {
            assert!(is_kle(ok), "{ok}");
        }
        for bad in ["5", "05.4", "05.04.02.01", "05-04", "", "05..04", "٠٥"] {
            assert!(!is_kle(bad), "{bad}");
        }
        for ok in ["1", "1.2.3", "12.345.6.7.8"] {
            assert!(is_form(ok), "{ok}");
        }
        for bad in ["", "1.2.3.4.5.6", "1234", "a.1", "1..2"] {
            assert!(!is_form(bad), "{bad}");
        }
    }

    #[test]
    fn megabytes_with_either_decimal_mark() {
        assert_eq!(megabytes_to_bytes("25"), Some(25_000_000));
        assert_eq!(megabytes_to_bytes("99,5"), Some(99_500_000));
        assert_eq!(megabytes_to_bytes("0.000001"), Some(1));
        assert_eq!(megabytes_to_bytes("1.5"), Some(1_500_000));
        for bad in ["", ",5", "1.2.3", "1e3", "-1", "1000", "0.0000001", " 1"] {
            assert_eq!(megabytes_to_bytes(bad), None, "{bad}");
        }
    }

    #[test]
    fn delimiter_follows_the_header() {
        assert_eq!(sniff_delimiter(b"type;id;name\nKONTAKTPUNKT;a,b;c"), b';');
        assert_eq!(sniff_delimiter(b"type,id,name"), b',');
        assert_eq!(sniff_delimiter(b"type\tid\tname"), b'\t');
        assert_eq!(sniff_delimiter(b""), b',');
    }

    #[test]
    fn text_refuses_control_and_reordering_characters() {
        let mut p = Problems::default();
        assert!(check_text(
            2,
            Column::Name,
            "name",
            "Pas og kørekort",
            150,
            false,
            &mut p
        ));
        assert!(!check_text(
            2,
            Column::Name,
            "name",
            "Pas\nog",
            150,
            false,
            &mut p
        ));
        assert!(check_text(
            2,
            Column::InfoText,
            "info_text",
            "Linje 1\nLinje 2",
            150,
            true,
            &mut p
        ));
        assert!(!check_text(
            2,
            Column::Name,
            "name",
            "evil\u{202E}fdp.exe",
            150,
            false,
            &mut p
        ));
        assert!(!check_text(
            2,
            Column::Name,
            "name",
            &"x".repeat(151),
            150,
            false,
            &mut p
        ));
        assert_eq!(p.0.len(), 3);
        assert_eq!(p.0[2].code, Code::TooLong);
    }
}
