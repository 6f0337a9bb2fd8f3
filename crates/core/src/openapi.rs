//! The OpenAPI document of the API, generated from the handlers and wire types (utoipa) and
//! served at `/apis/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::contacts::routes as contacts;
use crate::{
    access_log, changes, files, folders, mailboxes, memos, messages, qr, representatives, writing,
};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Brevdue core",
        description = "An NgDP-shaped REST API: mailboxes, folders and messages for people; \
            memos for sender and recipient systems.\n\n\
            Change feed: every change to a message (delivery, release at its value date, \
            PATCH, delete) gets the next number of one increasing sequence. \
            `GET /apis/v1/mailboxes/{mailboxId}/changes?since=<cursor>` returns the messages \
            changed after the cursor, the ids purged after it, and `nextCursor`; start with 0.\n\n\
            Errors are `{\"code\": ..., \"message\": ...}`; clients match on `code`."
    ),
    paths(
        mailboxes::list,
        representatives::list, representatives::create, representatives::revoke,
        folders::list, folders::create,
        messages::list, messages::get, messages::patch, messages::delete,
        writing::send,
        files::content,
        changes::feed,
        access_log::list,
        memos::create, memos::recall, memos::queue, memos::fetch, memos::receipt,
        contacts::search_contact_points, contacts::get_contact_point,
        contacts::list_contact_groups, contacts::list_group_contact_points,
        contacts::import_contact_structure,
        qr::png, qr::svg,
    ),
    components(schemas(
        brevdue_api::ErrorBody, brevdue_api::ErrorCode, brevdue_api::ErrorPosition,
        brevdue_api::Mailbox, brevdue_api::MailboxAccess, brevdue_api::Permissions,
        brevdue_api::OwnerType, brevdue_api::AccessType,
        brevdue_api::Representative, brevdue_api::GrantRepresentative,
        brevdue_api::Folder, brevdue_api::FolderType, brevdue_api::CreateFolder,
        brevdue_api::MessageSummary, brevdue_api::MessageSender, brevdue_api::MessageDetail,
        brevdue_api::DocumentRef, brevdue_api::FileRef, brevdue_api::MessagePatch,
        brevdue_api::ChangeFeed,
        brevdue_api::AccessLogEntry, brevdue_api::AccessKind,
        brevdue_api::MemoAccepted, brevdue_api::RoutedTo, brevdue_api::MemoStatus,
        brevdue_api::QueuedMemo, brevdue_api::MessageSent,
        brevdue_api::contacts::ContactPoint, brevdue_api::contacts::ContactPointPage,
        brevdue_api::contacts::ContactGroup, brevdue_api::contacts::ContactGroupList,
        brevdue_api::contacts::ImportReport, brevdue_api::contacts::ImportRejected,
        brevdue_api::contacts::ContactsErrorBody,
    )),
    modifiers(&Bearer),
    tags(
        (name = "mailboxes", description = "Mailboxes the caller may use, and representatives"),
        (name = "folders"), (name = "messages"),
        (name = "memos", description = "For sender and recipient systems"),
        (name = "contact points", description = "Where to write to an authority, and its CSV import"),
    )
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// `GET /apis/v1/openapi.json`
pub(crate) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
