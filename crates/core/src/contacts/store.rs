//! Every SQL statement about contact points and contact groups: get, list, upsert, and what the
//! search index is built from. Callers pass a connection (or a transaction) so that an import can read and write in
//! one transaction.

use std::collections::HashMap;

use crate::db::{Conn, Flag, Sql};
use brevdue_api::contacts::{
    Audience, AuthorityType, ClassificationCode, CodeKind, ExtraField, LocationCode,
    LocationCodeType,
};

use super::model::{Authority, ContactGroup, ContactPoint};
use super::search;

/// How many values one `IN (...)` list binds at most.
const CHUNK: usize = 500;

/// A failure reading or writing the contact tables.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("the stored row of {0} is not valid: {1}")]
    Corrupt(String, String),
    #[error("{0} belongs to another authority")]
    OtherAuthority(String),
}

#[derive(sqlx::FromRow)]
struct PointRow {
    id: String,
    authority_id: String,
    name: String,
    description: String,
    info_text: String,
    search_words: String,
    #[sqlx(try_from = "Flag")]
    for_citizens: bool,
    #[sqlx(try_from = "Flag")]
    for_companies: bool,
    #[sqlx(try_from = "Flag")]
    for_authorities: bool,
    #[sqlx(try_from = "Flag")]
    visible: bool,
    self_service_url: Option<String>,
    extra_field_1_label: Option<String>,
    extra_field_1_help: Option<String>,
    extra_field_2_label: Option<String>,
    extra_field_2_help: Option<String>,
    location_code_type: Option<String>,
    location_code: Option<String>,
    max_attachments: Option<i64>,
    max_attachment_bytes: Option<i64>,
    recipient_system_id: Option<String>,
    authority_name: String,
    authority_cvr: String,
    authority_type: String,
}

const POINT_COLUMNS: &str = "cp.id, cp.authority_id, cp.name, cp.description, cp.info_text, cp.search_words, \
     CAST(cp.for_citizens AS INTEGER) AS for_citizens, \
     CAST(cp.for_companies AS INTEGER) AS for_companies, \
     CAST(cp.for_authorities AS INTEGER) AS for_authorities, \
     CAST(cp.visible AS INTEGER) AS visible, cp.self_service_url, \
     cp.extra_field_1_label, cp.extra_field_1_help, cp.extra_field_2_label, cp.extra_field_2_help, \
     cp.location_code_type, cp.location_code, cp.max_attachments, cp.max_attachment_bytes, \
     cp.recipient_system_id, a.name AS authority_name, a.cvr AS authority_cvr, a.authority_type";

fn corrupt(id: &str, what: impl Into<String>) -> StoreError {
    StoreError::Corrupt(id.to_owned(), what.into())
}

impl PointRow {
    fn into_model(self) -> Result<(ContactPoint, Authority), StoreError> {
        let id = self.id;
        let search_words: Vec<String> = serde_json::from_str(&self.search_words)
            .map_err(|e| corrupt(&id, format!("search_words: {e}")))?;
        let mut audiences = Vec::new();
        for (on, audience) in [
            (self.for_citizens, Audience::Citizen),
            (self.for_companies, Audience::Company),
            (self.for_authorities, Audience::Authority),
        ] {
            if on {
                audiences.push(audience);
            }
        }
        let mut extra_fields = Vec::new();
        for (label, help_text) in [
            (self.extra_field_1_label, self.extra_field_1_help),
            (self.extra_field_2_label, self.extra_field_2_help),
        ] {
            if let Some(label) = label {
                extra_fields.push(ExtraField { label, help_text });
            }
        }
        let location_code = match (self.location_code_type.as_deref(), self.location_code) {
            (Some("GLN"), Some(code)) => Some(LocationCode {
                code_type: LocationCodeType::Gln,
                code,
            }),
            (Some("SOR"), Some(code)) => Some(LocationCode {
                code_type: LocationCodeType::Sor,
                code,
            }),
            (None, None) => None,
            _ => return Err(corrupt(&id, "location code")),
        };
        let max_attachments = self
            .max_attachments
            .map(u32::try_from)
            .transpose()
            .map_err(|_| corrupt(&id, "max_attachments"))?;
        let max_attachment_bytes = self
            .max_attachment_bytes
            .map(u64::try_from)
            .transpose()
            .map_err(|_| corrupt(&id, "max_attachment_bytes"))?;
        let authority_type = AuthorityType::parse(&self.authority_type)
            .ok_or_else(|| corrupt(&id, "authority_type"))?;
        let authority = Authority {
            id: self.authority_id.clone(),
            name: self.authority_name,
            cvr: self.authority_cvr,
            authority_type,
        };
        let point = ContactPoint {
            id,
            authority_id: self.authority_id,
            name: self.name,
            description: self.description,
            info_text: self.info_text,
            search_words,
            audiences,
            visible: self.visible,
            self_service_url: self.self_service_url,
            extra_fields,
            codes: Vec::new(),
            location_code,
            max_attachments,
            max_attachment_bytes,
            recipient_system_id: self.recipient_system_id,
            group_ids: Vec::new(),
        };
        Ok((point, authority))
    }
}

/// One contact point with its authority, visible or not.
pub(crate) async fn get_contact_point(
    conn: &mut Conn,
    id: &str,
) -> Result<Option<(ContactPoint, Authority)>, StoreError> {
    let mut found = list_contact_points(conn, &[id.to_owned()]).await?;
    Ok(found.pop())
}

/// The contact points with these ids, in the order of `ids`; ids that do not exist are left out.
pub(crate) async fn list_contact_points(
    conn: &mut Conn,
    ids: &[String],
) -> Result<Vec<(ContactPoint, Authority)>, StoreError> {
    let mut by_id: HashMap<String, (ContactPoint, Authority)> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        load_points(conn, Scope::Ids(chunk), &mut by_id).await?;
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Which contact points `load_points` reads.
#[derive(Clone, Copy)]
enum Scope<'a> {
    Ids(&'a [String]),
    Visible,
}

impl Scope<'_> {
    /// Appends the condition on `column` (a contact point id).
    fn push(self, q: &mut Sql<'_>, column: &str) {
        match self {
            Scope::Ids(ids) => {
                q.push(format!(" WHERE {column} IN ("));
                push_list(q, ids);
                q.push(")");
            }
            Scope::Visible => {
                q.push(format!(
                    " WHERE {column} IN (SELECT id FROM contact_points WHERE visible = "
                ))
                .push_bind(true)
                .push(")");
            }
        }
    }
}

/// Reads the contact points of `scope` with their codes and groups into `by_id`.
async fn load_points(
    conn: &mut Conn,
    scope: Scope<'_>,
    by_id: &mut HashMap<String, (ContactPoint, Authority)>,
) -> Result<(), StoreError> {
    let mut q = Sql::new("SELECT ");
    q.push(POINT_COLUMNS);
    q.push(" FROM contact_points cp JOIN authorities a ON a.id = cp.authority_id");
    scope.push(&mut q, "cp.id");
    let rows: Vec<PointRow> = q.build_query_as().fetch_all(&mut *conn).await?;
    for row in rows {
        let (point, authority) = row.into_model()?;
        by_id.insert(point.id.clone(), (point, authority));
    }

    let mut q = Sql::new("SELECT contact_point_id, kind, code, label FROM contact_point_codes");
    scope.push(&mut q, "contact_point_id");
    q.push(" ORDER BY contact_point_id, position");
    let codes: Vec<(String, String, String, String)> =
        q.build_query_as().fetch_all(&mut *conn).await?;
    for (id, kind, code, label) in codes {
        let kind = match kind.as_str() {
            "KLE" => CodeKind::Kle,
            "FORM" => CodeKind::Form,
            _ => return Err(corrupt(&id, "code kind")),
        };
        if let Some((point, _)) = by_id.get_mut(&id) {
            point.codes.push(ClassificationCode { kind, code, label });
        }
    }

    let mut q = Sql::new("SELECT contact_point_id, group_id FROM contact_group_members");
    scope.push(&mut q, "contact_point_id");
    q.push(" ORDER BY contact_point_id, group_id");
    let members: Vec<(String, String)> = q.build_query_as().fetch_all(&mut *conn).await?;
    for (id, group_id) in members {
        if let Some((point, _)) = by_id.get_mut(&id) {
            point.group_ids.push(group_id);
        }
    }
    Ok(())
}

/// One authority, if it exists.
pub(crate) async fn get_authority(
    conn: &mut Conn,
    id: &str,
) -> Result<Option<Authority>, StoreError> {
    let row: Option<(String, String, String, String)> =
        sqlx::query_as("SELECT id, name, cvr, authority_type FROM authorities WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|(id, name, cvr, t)| {
        let authority_type =
            AuthorityType::parse(&t).ok_or_else(|| corrupt(&id, "authority_type"))?;
        Ok(Authority {
            id,
            name,
            cvr,
            authority_type,
        })
    })
    .transpose()
}

/// The ids of the recipient systems of an authority.
pub(crate) async fn list_recipient_systems(
    conn: &mut Conn,
    authority_id: &str,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM systems WHERE authority_id = $1 AND role = 'RECIPIENT' ORDER BY id",
    )
    .bind(authority_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The system that receives mail for a contact point: its own mapping, else its authority's
/// default recipient system. `None` when neither exists or the contact point does not.
pub(crate) async fn get_recipient_system(
    conn: &mut Conn,
    contact_point_id: &str,
) -> Result<Option<String>, StoreError> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT COALESCE(cp.recipient_system_id, d.system_id) FROM contact_points cp \
         LEFT JOIN authority_default_recipients d ON d.authority_id = cp.authority_id WHERE cp.id = $1",
    )
    .bind(contact_point_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.and_then(|(system,)| system))
}

/// Groups of one authority, or of all; in no particular order.
pub(crate) async fn list_groups(
    conn: &mut Conn,
    authority_id: Option<&str>,
    authority_type: Option<AuthorityType>,
) -> Result<Vec<ContactGroup>, StoreError> {
    let mut q = Sql::new(
        "SELECT g.id, g.authority_id, g.parent_id, g.name, g.description FROM contact_groups g \
         JOIN authorities a ON a.id = g.authority_id WHERE 1 = 1",
    );
    if let Some(authority_id) = authority_id {
        q.push(" AND g.authority_id = ").push_bind(authority_id);
    }
    if let Some(authority_type) = authority_type {
        q.push(" AND a.authority_type = ")
            .push_bind(authority_type.as_str());
    }
    let rows: Vec<(String, String, Option<String>, String, String)> =
        q.build_query_as().fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, authority_id, parent_id, name, description)| ContactGroup {
                id,
                authority_id,
                parent_id,
                name,
                description,
            },
        )
        .collect())
}

/// The groups with these ids, of any authority.
pub(crate) async fn list_groups_by_id(
    conn: &mut Conn,
    ids: &[String],
) -> Result<Vec<ContactGroup>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let mut q = Sql::new(
            "SELECT id, authority_id, parent_id, name, description FROM contact_groups WHERE id IN (",
        );
        push_list(&mut q, chunk);
        q.push(")");
        let rows: Vec<(String, String, Option<String>, String, String)> =
            q.build_query_as().fetch_all(&mut *conn).await?;
        out.extend(
            rows.into_iter().map(
                |(id, authority_id, parent_id, name, description)| ContactGroup {
                    id,
                    authority_id,
                    parent_id,
                    name,
                    description,
                },
            ),
        );
    }
    Ok(out)
}

/// The ids (with their authority) of contact points among `ids`.
pub(crate) async fn list_contact_point_owners(
    conn: &mut Conn,
    ids: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let mut q = Sql::new("SELECT id, authority_id FROM contact_points WHERE id IN (");
        push_list(&mut q, chunk);
        q.push(")");
        let rows: Vec<(String, String)> = q.build_query_as().fetch_all(&mut *conn).await?;
        out.extend(rows);
    }
    Ok(out)
}

/// Writes a contact group. Fails with [`StoreError::OtherAuthority`] if the id is another
/// authority's.
pub(crate) async fn upsert_group(conn: &mut Conn, group: &ContactGroup) -> Result<(), StoreError> {
    let done = sqlx::query(
        "INSERT INTO contact_groups (id, authority_id, parent_id, name, sort_key, description) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, name = excluded.name, \
         sort_key = excluded.sort_key, description = excluded.description \
         WHERE contact_groups.authority_id = excluded.authority_id",
    )
    .bind(&group.id)
    .bind(&group.authority_id)
    .bind(&group.parent_id)
    .bind(&group.name)
    .bind(search::sort_key(&group.name))
    .bind(&group.description)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::OtherAuthority(group.id.clone()));
    }
    Ok(())
}

/// Writes a contact point with its codes and group memberships. Fails with
/// [`StoreError::OtherAuthority`] if the id is another authority's.
pub(crate) async fn upsert_contact_point(
    conn: &mut Conn,
    point: &ContactPoint,
) -> Result<(), StoreError> {
    let search_words = serde_json::to_string(&point.search_words)
        .map_err(|e| corrupt(&point.id, e.to_string()))?;
    let field = |i: usize| point.extra_fields.get(i);
    let (location_type, location_code) = match &point.location_code {
        Some(l) => (
            Some(match l.code_type {
                LocationCodeType::Gln => "GLN",
                LocationCodeType::Sor => "SOR",
            }),
            Some(l.code.as_str()),
        ),
        None => (None, None),
    };
    let max_bytes = point
        .max_attachment_bytes
        .map(i64::try_from)
        .transpose()
        .map_err(|_| corrupt(&point.id, "max_attachment_bytes"))?;
    let done = sqlx::query(
        "INSERT INTO contact_points (id, authority_id, name, sort_key, description, info_text, search_words, \
         for_citizens, for_companies, for_authorities, visible, self_service_url, \
         extra_field_1_label, extra_field_1_help, extra_field_2_label, extra_field_2_help, \
         location_code_type, location_code, max_attachments, max_attachment_bytes, recipient_system_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, sort_key = excluded.sort_key, \
         description = excluded.description, info_text = excluded.info_text, search_words = excluded.search_words, \
         for_citizens = excluded.for_citizens, for_companies = excluded.for_companies, \
         for_authorities = excluded.for_authorities, visible = excluded.visible, \
         self_service_url = excluded.self_service_url, \
         extra_field_1_label = excluded.extra_field_1_label, extra_field_1_help = excluded.extra_field_1_help, \
         extra_field_2_label = excluded.extra_field_2_label, extra_field_2_help = excluded.extra_field_2_help, \
         location_code_type = excluded.location_code_type, location_code = excluded.location_code, \
         max_attachments = excluded.max_attachments, max_attachment_bytes = excluded.max_attachment_bytes, \
         recipient_system_id = excluded.recipient_system_id \
         WHERE contact_points.authority_id = excluded.authority_id",
    )
    .bind(&point.id)
    .bind(&point.authority_id)
    .bind(&point.name)
    .bind(search::sort_key(&point.name))
    .bind(&point.description)
    .bind(&point.info_text)
    .bind(search_words)
    .bind(point.audiences.contains(&Audience::Citizen))
    .bind(point.audiences.contains(&Audience::Company))
    .bind(point.audiences.contains(&Audience::Authority))
    .bind(point.visible)
    .bind(&point.self_service_url)
    .bind(field(0).map(|f| f.label.as_str()))
    .bind(field(0).and_then(|f| f.help_text.as_deref()))
    .bind(field(1).map(|f| f.label.as_str()))
    .bind(field(1).and_then(|f| f.help_text.as_deref()))
    .bind(location_type)
    .bind(location_code)
    .bind(point.max_attachments.map(i64::from))
    .bind(max_bytes)
    .bind(&point.recipient_system_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::OtherAuthority(point.id.clone()));
    }

    for table in ["contact_point_codes", "contact_group_members"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE contact_point_id = $1"))
            .bind(&point.id)
            .execute(&mut *conn)
            .await?;
    }
    if !point.codes.is_empty() {
        let mut q = Sql::new(
            "INSERT INTO contact_point_codes (contact_point_id, kind, code, label, position) ",
        );
        q.push("VALUES ");
        for (i, c) in point.codes.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.push_bind(&point.id)
                .push(", ")
                .push_bind(match c.kind {
                    CodeKind::Kle => "KLE",
                    CodeKind::Form => "FORM",
                })
                .push(", ")
                .push_bind(&c.code)
                .push(", ")
                .push_bind(&c.label)
                .push(", ")
                .push_bind(i64::try_from(i).unwrap_or(i64::MAX))
                .push(")");
        }
        q.build().execute(&mut *conn).await?;
    }
    if !point.group_ids.is_empty() {
        let mut q = Sql::new("INSERT INTO contact_group_members (group_id, contact_point_id) ");
        q.push("VALUES ");
        for (i, g) in point.group_ids.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.push_bind(g).push(", ").push_bind(&point.id).push(")");
        }
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The version of the contact structure: it grows with every import that changes something.
pub(crate) async fn get_version(conn: &mut Conn) -> Result<i64, StoreError> {
    let (version,): (i64,) =
        sqlx::query_as("SELECT version FROM contact_structure_version WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
    Ok(version)
}

/// Marks the contact structure as changed (inside the import's transaction).
pub(crate) async fn bump_version(conn: &mut Conn) -> Result<(), StoreError> {
    sqlx::query("UPDATE contact_structure_version SET version = version + 1 WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The version and every visible contact point, read in one transaction so that they match.
pub(crate) async fn list_visible_contact_points(
    db: &crate::db::Db,
) -> Result<(i64, Vec<(ContactPoint, Authority)>), StoreError> {
    let mut tx = db.begin().await?;
    let version = get_version(&mut tx).await?;
    let mut by_id = HashMap::new();
    load_points(&mut tx, Scope::Visible, &mut by_id).await?;
    tx.commit().await?;
    Ok((version, by_id.into_values().collect()))
}

/// One page of the ids of the visible contact points directly in a group, by name, with the
/// count of all of them.
pub(crate) async fn list_group_member_ids(
    conn: &mut Conn,
    group_id: &str,
    audience: Option<Audience>,
    offset: u64,
    limit: u32,
) -> Result<(Vec<String>, u64), StoreError> {
    let filter = |q: &mut Sql<'_>| {
        q.push(
            " FROM contact_group_members m JOIN contact_points cp ON cp.id = m.contact_point_id \
             WHERE m.group_id = ",
        )
        .push_bind(group_id.to_owned())
        .push(" AND cp.visible = ")
        .push_bind(true);
        match audience {
            Some(Audience::Citizen) => q.push(" AND cp.for_citizens = ").push_bind(true),
            Some(Audience::Company) => q.push(" AND cp.for_companies = ").push_bind(true),
            Some(Audience::Authority) => q.push(" AND cp.for_authorities = ").push_bind(true),
            None => q,
        };
    };
    let mut q = Sql::new("SELECT COUNT(*)");
    filter(&mut q);
    let (total,): (i64,) = q.build_query_as().fetch_one(&mut *conn).await?;
    let mut q = Sql::new("SELECT cp.id");
    filter(&mut q);
    q.push(" ORDER BY cp.sort_key, cp.id LIMIT ")
        .push_bind(i64::from(limit));
    q.push(" OFFSET ")
        .push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
    let ids: Vec<(String,)> = q.build_query_as().fetch_all(&mut *conn).await?;
    Ok((
        ids.into_iter().map(|(id,)| id).collect(),
        u64::try_from(total).unwrap_or(0),
    ))
}

fn push_list(q: &mut Sql<'_>, ids: &[String]) {
    q.push_bind_list(ids.iter().cloned());
}
