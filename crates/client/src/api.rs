//! A typed client of the core's REST API (`/apis/v1`), with the wire types of `brevdue-api`.
//!
//! Every request carries the session's access token; when the server answers 401 the session
//! refreshes once and the request is sent again. Errors become a [`ClientError`] whose kind
//! follows the API's error code (412 is [`ErrorKind::Stale`], 404 [`ErrorKind::NotFound`], a
//! connection failure [`ErrorKind::Offline`], ...).
//!
//! Paths are built from ids segment by segment (percent-encoded), never by pasting strings the
//! server sent, so no id can point a request elsewhere.

use brevdue_api::contacts::{
    Audience, AuthorityType, ContactGroupList, ContactPoint, ContactPointPage,
};
use brevdue_api::{
    AccessLogEntry, ChangeFeed, ErrorBody, ErrorCode, Folder, Mailbox, MessageDetail, MessagePatch,
    MessageSent, MessageSummary, Page,
};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use url::Url;

use crate::auth::Session;
use crate::credentials::Secret;
use crate::error::{ClientError, ErrorKind, Result};
use crate::http::{read_json, read_limited};

/// The parameters of a list of messages (NgDP's paging, sorting and free text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessagesQuery {
    pub folder_id: Option<String>,
    pub page: u32,
    pub size: u32,
    /// Free text (`any`).
    pub any: Option<String>,
    pub read: Option<bool>,
    /// e.g. `receivedDateTime,desc`.
    pub sort_fields: Option<String>,
}

/// The core's API for one signed-in session.
#[derive(Debug, Clone)]
pub struct Api {
    http: reqwest::Client,
    base: Url,
    session: Session,
}

impl Api {
    /// The API of the server `session` is signed in to.
    pub fn new(http: reqwest::Client, session: Session) -> Self {
        let base = session.server().clone();
        Api {
            http,
            base,
            session,
        }
    }

    /// The session the API uses.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// `GET /apis/v1/mailboxes`.
    pub async fn mailboxes(&self) -> Result<Vec<Mailbox>> {
        let url = self.url(&["mailboxes"])?;
        self.get_json(url, "listing the mailboxes").await
    }

    /// `GET /apis/v1/mailboxes/{m}/folders`.
    pub async fn folders(&self, mailbox_id: &str) -> Result<Vec<Folder>> {
        let url = self.url(&["mailboxes", mailbox_id, "folders"])?;
        self.get_json(url, "listing the folders").await
    }

    /// `POST /apis/v1/mailboxes/{m}/folders`: a user folder named `name`.
    pub async fn create_folder(&self, mailbox_id: &str, name: &str) -> Result<Folder> {
        let url = self.url(&["mailboxes", mailbox_id, "folders"])?;
        let what = "making a folder";
        let body = brevdue_api::CreateFolder {
            name: name.to_owned(),
        };
        let response = self
            .send(what, |http, token| {
                http.post(url.clone())
                    .bearer_auth(token.expose())
                    .json(&body)
            })
            .await?;
        read_json(response, what).await
    }

    /// `GET /apis/v1/mailboxes/{m}/messages`.
    pub async fn messages(
        &self,
        mailbox_id: &str,
        query: &MessagesQuery,
    ) -> Result<Page<MessageSummary>> {
        let mut url = self.url(&["mailboxes", mailbox_id, "messages"])?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("page", &query.page.to_string());
            q.append_pair("size", &query.size.max(1).to_string());
            if let Some(folder) = &query.folder_id {
                q.append_pair("folderId", folder);
            }
            if let Some(any) = &query.any {
                q.append_pair("any", any);
            }
            if let Some(read) = query.read {
                q.append_pair("read", if read { "true" } else { "false" });
            }
            if let Some(sort) = &query.sort_fields {
                q.append_pair("sortFields", sort);
            }
        }
        self.get_json(url, "listing messages").await
    }

    /// `GET /apis/v1/mailboxes/{m}/messages/{id}`.
    pub async fn message(&self, mailbox_id: &str, message_id: &str) -> Result<MessageDetail> {
        let url = self.url(&["mailboxes", mailbox_id, "messages", message_id])?;
        self.get_json(url, "fetching a message").await
    }

    /// `PATCH /apis/v1/mailboxes/{m}/messages/{id}` with `If-Match: "{version}"`: the new
    /// state, or [`ErrorKind::Stale`] when the version is no longer current.
    pub async fn patch_message(
        &self,
        mailbox_id: &str,
        message_id: &str,
        version: i64,
        patch: &MessagePatch,
    ) -> Result<MessageSummary> {
        let url = self.url(&["mailboxes", mailbox_id, "messages", message_id])?;
        let what = "changing a message";
        let response = self
            .send(what, |http, token| {
                http.request(Method::PATCH, url.clone())
                    .bearer_auth(token.expose())
                    .header(reqwest::header::IF_MATCH, format!("\"{version}\""))
                    .json(patch)
            })
            .await?;
        read_json(response, what).await
    }

    /// `DELETE /apis/v1/mailboxes/{m}/messages/{id}`: moves the message to DELETED, or purges
    /// it from there; `If-Match` when `version` is given.
    pub async fn delete_message(
        &self,
        mailbox_id: &str,
        message_id: &str,
        version: Option<i64>,
    ) -> Result<()> {
        let url = self.url(&["mailboxes", mailbox_id, "messages", message_id])?;
        self.send("deleting a message", |http, token| {
            let request = http
                .request(Method::DELETE, url.clone())
                .bearer_auth(token.expose());
            match version {
                Some(v) => request.header(reqwest::header::IF_MATCH, format!("\"{v}\"")),
                None => request,
            }
        })
        .await?;
        Ok(())
    }

    /// `GET /apis/v1/mailboxes/{m}/changes?since={cursor}`.
    pub async fn changes(&self, mailbox_id: &str, since: &str, limit: u32) -> Result<ChangeFeed> {
        let mut url = self.url(&["mailboxes", mailbox_id, "changes"])?;
        url.query_pairs_mut()
            .append_pair("since", since)
            .append_pair("limit", &limit.to_string());
        self.get_json(url, "reading the change feed").await
    }

    /// `GET .../documents/{d}/files/{f}/content`, optionally a byte range `start..=end`: the
    /// response, for the caller to stream.
    pub async fn file_content(
        &self,
        mailbox_id: &str,
        message_id: &str,
        document_id: &str,
        file_id: &str,
        range: Option<(u64, Option<u64>)>,
    ) -> Result<Response> {
        let url = self.url(&[
            "mailboxes",
            mailbox_id,
            "messages",
            message_id,
            "documents",
            document_id,
            "files",
            file_id,
            "content",
        ])?;
        self.send("fetching a file", |http, token| {
            let request = http.get(url.clone()).bearer_auth(token.expose());
            match range {
                Some((start, Some(end))) => {
                    request.header(reqwest::header::RANGE, format!("bytes={start}-{end}"))
                }
                Some((start, None)) => {
                    request.header(reqwest::header::RANGE, format!("bytes={start}-"))
                }
                None => request,
            }
        })
        .await
    }

    // ---- contact points (writing to the public sector) ----

    /// `GET /apis/v1/contact-points?searchTerm=&authorityType=&audience=&page=&size=`.
    pub async fn search_contact_points(
        &self,
        term: &str,
        authority_type: Option<AuthorityType>,
        audience: Option<Audience>,
        page: u32,
        size: u32,
    ) -> Result<ContactPointPage> {
        let mut url = self.url(&["contact-points"])?;
        {
            let mut q = url.query_pairs_mut();
            if !term.trim().is_empty() {
                q.append_pair("searchTerm", term);
            }
            if let Some(t) = authority_type {
                q.append_pair("authorityType", t.as_str());
            }
            if let Some(a) = audience {
                q.append_pair("audience", a.as_str());
            }
            q.append_pair("page", &page.to_string());
            q.append_pair("size", &size.max(1).to_string());
        }
        self.get_json(url, "searching contact points").await
    }

    /// `GET /apis/v1/contact-points/{id}`.
    pub async fn contact_point(&self, id: &str) -> Result<ContactPoint> {
        let url = self.url(&["contact-points", id])?;
        self.get_json(url, "fetching a contact point").await
    }

    /// `GET /apis/v1/contact-groups?authorityId=`.
    pub async fn contact_groups(
        &self,
        authority_id: Option<&str>,
        authority_type: Option<AuthorityType>,
    ) -> Result<ContactGroupList> {
        let mut url = self.url(&["contact-groups"])?;
        if let Some(a) = authority_id {
            url.query_pairs_mut().append_pair("authorityId", a);
        }
        if let Some(t) = authority_type {
            url.query_pairs_mut()
                .append_pair("authorityType", t.as_str());
        }
        self.get_json(url, "listing contact groups").await
    }

    /// `GET /apis/v1/contact-groups/{id}/contact-points?page=&size=`.
    pub async fn group_contact_points(
        &self,
        group_id: &str,
        page: u32,
        size: u32,
    ) -> Result<ContactPointPage> {
        let mut url = self.url(&["contact-groups", group_id, "contact-points"])?;
        url.query_pairs_mut()
            .append_pair("page", &page.to_string())
            .append_pair("size", &size.max(1).to_string());
        self.get_json(url, "listing a contact group").await
    }

    /// `POST /apis/v1/mailboxes/{m}/messages` with the MeMo in the file at `memo` (streamed).
    /// The same messageUUID sent again gets the first answer.
    pub async fn send_message(
        &self,
        mailbox_id: &str,
        memo: &std::path::Path,
        size: u64,
    ) -> Result<MessageSent> {
        let url = self.url(&["mailboxes", mailbox_id, "messages"])?;
        let what = "sending a message";
        let response = self
            .send(what, |http, token| {
                let request = http
                    .post(url.clone())
                    .bearer_auth(token.expose())
                    .header(reqwest::header::CONTENT_TYPE, "application/xml")
                    .header(reqwest::header::CONTENT_LENGTH, size);
                match std::fs::File::open(memo) {
                    Ok(file) => {
                        let stream = tokio_util::io::ReaderStream::with_capacity(
                            tokio::fs::File::from_std(file),
                            64 * 1024,
                        );
                        request.body(reqwest::Body::wrap_stream(stream))
                    }
                    // The request then fails on its own; the entry stays queued.
                    Err(_) => request.body(Vec::new()),
                }
            })
            .await?;
        read_json(response, what).await
    }

    /// `GET /apis/v1/mailboxes/{m}/access-log`: what representatives read there, newest
    /// first (the owner only; a representative gets [`ErrorKind::Forbidden`]).
    pub async fn access_log(
        &self,
        mailbox_id: &str,
        page: u32,
        size: u32,
    ) -> Result<Page<AccessLogEntry>> {
        let mut url = self.url(&["mailboxes", mailbox_id, "access-log"])?;
        url.query_pairs_mut()
            .append_pair("page", &page.to_string())
            .append_pair("size", &size.max(1).to_string());
        self.get_json(url, "fetching the access log").await
    }

    /// `{base}/apis/v1/{segments...}`, each segment percent-encoded.
    fn url(&self, segments: &[&str]) -> Result<Url> {
        let mut url = self.base.clone();
        {
            let mut path = url.path_segments_mut().map_err(|()| {
                ClientError::invalid_input("the server address cannot take a path")
            })?;
            path.pop_if_empty().extend(["apis", "v1"]).extend(segments);
        }
        Ok(url)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: Url, what: &str) -> Result<T> {
        let response = self
            .send(what, |http, token| {
                http.get(url.clone()).bearer_auth(token.expose())
            })
            .await?;
        read_json(response, what).await
    }

    /// Sends a request built by `build` with the current access token; after a 401, once more
    /// with a refreshed one. Any answer but 2xx (and 206) becomes an error.
    async fn send(
        &self,
        what: &str,
        build: impl Fn(&reqwest::Client, &Secret) -> RequestBuilder,
    ) -> Result<Response> {
        let token = self.session.access_token().await?;
        let response = build(&self.http, &token)
            .send()
            .await
            .map_err(|e| ClientError::http(what, e))?;
        let response = if response.status() == StatusCode::UNAUTHORIZED {
            let token = self.session.access_token_after_rejection(&token).await?;
            build(&self.http, &token)
                .send()
                .await
                .map_err(|e| ClientError::http(what, e))?
        } else {
            response
        };
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(error_of(response, what).await)
        }
    }
}

/// The error an answer of the API stands for.
async fn error_of(response: Response, what: &str) -> ClientError {
    let status = response.status();
    let body = read_limited(response, 64 * 1024, what).await.ok();
    let parsed: Option<ErrorBody> = body.and_then(|b| serde_json::from_slice(&b).ok());
    let kind = match (status, parsed.as_ref().map(|b| b.code)) {
        (_, Some(ErrorCode::PreconditionFailed)) | (StatusCode::PRECONDITION_FAILED, _) => {
            ErrorKind::Stale
        }
        (_, Some(ErrorCode::NotFound)) | (StatusCode::NOT_FOUND, _) => ErrorKind::NotFound,
        (_, Some(ErrorCode::Forbidden)) | (StatusCode::FORBIDDEN, _) => ErrorKind::Forbidden,
        (_, Some(ErrorCode::Unauthorized)) | (StatusCode::UNAUTHORIZED, _) => {
            ErrorKind::SignInRequired
        }
        (_, Some(ErrorCode::Conflict)) | (StatusCode::CONFLICT, _) => ErrorKind::Conflict,
        (_, Some(ErrorCode::ReplyNotAllowed)) => ErrorKind::ReplyNotAllowed,
        (_, Some(ErrorCode::ReplyDeadlinePassed)) => ErrorKind::ReplyDeadlinePassed,
        (_, Some(ErrorCode::TooManyAttachments)) => ErrorKind::TooManyAttachments,
        (_, Some(ErrorCode::AttachmentsTooLarge | ErrorCode::PayloadTooLarge))
        | (StatusCode::PAYLOAD_TOO_LARGE, _) => ErrorKind::TooLarge,
        (status, _) if status.is_client_error() => ErrorKind::InvalidInput,
        _ => ErrorKind::Server,
    };
    // The server's message is shown only in logs; it is text from the network, so it is
    // reduced to one short printable line.
    let detail: String = parsed
        .map(|b| b.message)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    ClientError::new(
        kind,
        format!("{what}: the server answered {status} {detail}"),
    )
}
