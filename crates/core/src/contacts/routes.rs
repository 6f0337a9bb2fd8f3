//! The HTTP face of contact points and groups, mounted by the server:
//!
//! | route | answer |
//! |---|---|
//! | `GET /apis/v1/contact-points?searchTerm=&audience=&authorityType=&authorityId=&page=&size=` | `ContactPointPage` |
//! | `GET /apis/v1/contact-points/{id}` | `ContactPoint` (also a hidden one: it may be a reply address) |
//! | `GET /apis/v1/contact-groups?authorityId=&authorityType=` | `ContactGroupList` |
//! | `GET /apis/v1/contact-groups/{id}/contact-points?audience=&page=&size=` | `ContactPointPage` |
//! | `POST /apis/v1/contact-structure?dryRun=true` (body `text/csv`) | `ImportReport`, or 422 `ImportRejected` |
//!
//! Errors are JSON `ContactsErrorBody` (`{code, message}`) with 400, 401, 403, 404, 415 or 500.
//! The import needs a [`CallerAuthority`] request extension, which the server's sign-in layer
//! puts there; without it the answer is 401.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use brevdue_api::contacts::{
    AuthorityType, ContactGroupList, ContactPoint, ContactPointPage, ContactsErrorBody,
    ImportRejected, ImportReport,
};
use serde::Deserialize;

use super::search::{SearchParams, parse_audience, parse_paging};
use super::{ContactPoints, ContactsError};
use crate::db::Db;

/// The largest contact structure file accepted (2000 rows of long texts fit easily).
pub const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

/// The authority a request acts for, as established by sign-in. The server's authentication
/// layer inserts it into the request extensions; the import endpoint refuses requests without.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerAuthority(pub String);

/// The contact routes with their state.
pub fn router(db: Db) -> Router {
    Router::new()
        .route("/apis/v1/contact-points", get(search_contact_points))
        .route("/apis/v1/contact-points/{id}", get(get_contact_point))
        .route("/apis/v1/contact-groups", get(list_contact_groups))
        .route(
            "/apis/v1/contact-groups/{id}/contact-points",
            get(list_group_contact_points),
        )
        .route(
            "/apis/v1/contact-structure",
            post(import_contact_structure).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .with_state(ContactPoints::new(db))
}

impl IntoResponse for ContactsError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            ContactsError::BadRequest(_) => (StatusCode::BAD_REQUEST, "BAD_REQUEST"),
            ContactsError::NotFound(_) => (StatusCode::NOT_FOUND, "NOT_FOUND"),
            ContactsError::NoAuthority => (StatusCode::UNAUTHORIZED, "UNAUTHORIZED"),
            ContactsError::UnknownAuthority => (StatusCode::FORBIDDEN, "FORBIDDEN"),
            ContactsError::Rejected(rejected) => {
                return (StatusCode::UNPROCESSABLE_ENTITY, Json(rejected.clone())).into_response();
            }
            ContactsError::Store(e) => {
                tracing::error!(error = %e, "contact store failed");
                let body = ContactsErrorBody {
                    code: "INTERNAL".into(),
                    message: "the database failed".into(),
                };
                return (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response();
            }
        };
        (
            status,
            Json(ContactsErrorBody {
                code: code.into(),
                message: self.to_string(),
            }),
        )
            .into_response()
    }
}

fn bad_query(rejection: QueryRejection) -> ContactsError {
    ContactsError::BadRequest(format!(
        "the query string cannot be read: {}",
        rejection.body_text()
    ))
}

/// Searches visible contact points: every word of `searchTerm` must begin a word of the
/// name or of a search word, without regard to case.
#[utoipa::path(get, path = "/apis/v1/contact-points", tag = "contact points",
    params(
        ("searchTerm" = Option<String>, Query, description = "Words that must all match"),
        ("audience" = Option<String>, Query, description = "CITIZEN, COMPANY or AUTHORITY"),
        ("authorityType" = Option<String>, Query, description = "STATE, REGION, MUNICIPALITY or OTHER"),
        ("authorityId" = Option<String>, Query),
        ("page" = Option<u32>, Query), ("size" = Option<u32>, Query),
    ),
    responses((status = 200, body = ContactPointPage), (status = 400, body = ContactsErrorBody)))]
pub(crate) async fn search_contact_points(
    State(contacts): State<ContactPoints>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<ContactPointPage>, ContactsError> {
    let Query(params) = params.map_err(bad_query)?;
    Ok(Json(contacts.search(&params.into_query()?).await?))
}

/// One contact point by id (also a hidden one: it may be a reply address).
#[utoipa::path(get, path = "/apis/v1/contact-points/{id}", tag = "contact points",
    params(("id" = String, Path)),
    responses((status = 200, body = ContactPoint), (status = 404, body = ContactsErrorBody)))]
pub(crate) async fn get_contact_point(
    State(contacts): State<ContactPoints>,
    Path(id): Path<String>,
) -> Result<Json<ContactPoint>, ContactsError> {
    match contacts.get(&id).await? {
        Some((point, authority)) => Ok(Json(point.to_wire(&authority))),
        None => Err(ContactsError::NotFound(format!(
            "contact point {:?}",
            id.chars().take(64).collect::<String>()
        ))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GroupParams {
    authority_id: Option<String>,
    authority_type: Option<String>,
}

/// The contact groups with their paths, optionally of one authority and of one kind of
/// authority (as search narrows by it).
#[utoipa::path(get, path = "/apis/v1/contact-groups", tag = "contact points",
    params(("authorityId" = Option<String>, Query),
        ("authorityType" = Option<String>, Query, description = "STATE, REGION, MUNICIPALITY or OTHER")),
    responses((status = 200, body = ContactGroupList), (status = 400, body = ContactsErrorBody)))]
pub(crate) async fn list_contact_groups(
    State(contacts): State<ContactPoints>,
    params: Result<Query<GroupParams>, QueryRejection>,
) -> Result<Json<ContactGroupList>, ContactsError> {
    let Query(params) = params.map_err(bad_query)?;
    let authority = params.authority_id.filter(|a| !a.is_empty());
    let authority_type = match params.authority_type.as_deref() {
        None | Some("") => None,
        Some(t) => Some(AuthorityType::parse(t).ok_or_else(|| {
            ContactsError::BadRequest(
                "authorityType must be STATE, REGION, MUNICIPALITY or OTHER".into(),
            )
        })?),
    };
    Ok(Json(
        contacts
            .groups(authority.as_deref(), authority_type)
            .await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GroupPointsParams {
    audience: Option<String>,
    page: Option<String>,
    size: Option<String>,
}

/// The visible contact points of one group.
#[utoipa::path(get, path = "/apis/v1/contact-groups/{id}/contact-points", tag = "contact points",
    params(("id" = String, Path), ("audience" = Option<String>, Query),
        ("page" = Option<u32>, Query), ("size" = Option<u32>, Query)),
    responses((status = 200, body = ContactPointPage), (status = 404, body = ContactsErrorBody)))]
pub(crate) async fn list_group_contact_points(
    State(contacts): State<ContactPoints>,
    Path(id): Path<String>,
    params: Result<Query<GroupPointsParams>, QueryRejection>,
) -> Result<Json<ContactPointPage>, ContactsError> {
    let Query(params) = params.map_err(bad_query)?;
    let audience = params
        .audience
        .as_deref()
        .filter(|a| !a.is_empty())
        .map(parse_audience)
        .transpose()?;
    let (page, size) = parse_paging(params.page.as_deref(), params.size.as_deref())?;
    Ok(Json(
        contacts
            .group_contact_points(&id, audience, page, size)
            .await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ImportParams {
    dry_run: Option<String>,
}

/// An authority's import of its contact structure (CSV); nothing is written when a row is bad.
#[utoipa::path(post, path = "/apis/v1/contact-structure", tag = "contact points",
    params(("dryRun" = Option<bool>, Query, description = "Check only; write nothing")),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportReport), (status = 401, body = ContactsErrorBody),
        (status = 415, body = ContactsErrorBody), (status = 422, body = ImportRejected)),
    security(("bearer" = [])))]
pub(crate) async fn import_contact_structure(
    State(contacts): State<ContactPoints>,
    caller: Option<axum::Extension<CallerAuthority>>,
    params: Result<Query<ImportParams>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportReport>, Response> {
    let Some(axum::Extension(CallerAuthority(authority_id))) = caller else {
        return Err(ContactsError::NoAuthority.into_response());
    };
    let Query(params) = params.map_err(|r| bad_query(r).into_response())?;
    let dry_run = match params.dry_run.as_deref() {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(
                ContactsError::BadRequest("dryRun must be true or false".into()).into_response(),
            );
        }
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if content_type.as_deref() != Some("text/csv") {
        let body = ContactsErrorBody {
            code: "UNSUPPORTED_MEDIA_TYPE".into(),
            message: "send the contact structure as text/csv".into(),
        };
        return Err((StatusCode::UNSUPPORTED_MEDIA_TYPE, Json(body)).into_response());
    }
    let body = body.map_err(|r| {
        let body = ContactsErrorBody {
            code: "BAD_BODY".into(),
            message: r.body_text(),
        };
        (r.status(), Json(body)).into_response()
    })?;
    contacts
        .import_csv(&authority_id, &body, dry_run)
        .await
        .map(Json)
        .map_err(IntoResponse::into_response)
}
