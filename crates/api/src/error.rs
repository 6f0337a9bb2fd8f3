//! The one error shape of the API: a stable code and a human message.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What went wrong, as a stable code a client can match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The request itself is wrong (a bad parameter, an unreadable JSON body).
    BadRequest,
    /// The MeMo is not well-formed or not readable as MeMo; `position` says where.
    MalformedMemo,
    /// The MeMo breaks a rule of the MeMo schemas; `position` says where.
    InvalidMemo,
    /// The recipient (CPR, CVR or contact point) is not known.
    UnknownRecipient,
    /// No person has the CPR number given (e.g. granting read access).
    UnknownPerson,
    /// `Sender/senderID` is not the CVR number of the sending system's authority.
    SenderMismatch,
    /// `doNotDeliverUntilDate` is in the past or more than 5 days ahead.
    InvalidValueDate,
    /// The MeMo could be read but cannot be routed for another reason.
    Unroutable,
    /// The body is larger than allowed (99.5 MB for a MeMo).
    PayloadTooLarge,
    /// No valid token: missing, expired or revoked.
    Unauthorized,
    /// The caller knows the resource but may not do this to it.
    Forbidden,
    /// No such resource, or none the caller may know of.
    NotFound,
    /// The request conflicts with the resource's state (e.g. a recall after the value date).
    Conflict,
    /// `If-Match` names a version that is no longer current.
    PreconditionFailed,
    /// `If-Match` is required and was not given.
    PreconditionRequired,
    /// The `Range` cannot be satisfied.
    RangeNotSatisfiable,
    /// The server failed; nothing was changed.
    Internal,
    /// A reply to a message whose sender does not allow replies (`reply` is false).
    ReplyNotAllowed,
    /// A reply after the original's `replyByDateTime`.
    ReplyDeadlinePassed,
    /// `ReplyData` or `ForwardData` names a message that is not in the mailbox written from.
    UnknownOriginal,
    /// More attachments than the contact point accepts.
    TooManyAttachments,
    /// The files are larger in all than the contact point accepts.
    AttachmentsTooLarge,
    /// The contact point is not meant for the writer (e.g. one for companies, written to from a
    /// citizen's mailbox): its audiences do not include the writer's.
    WrongAudience,
}

/// A place in a MeMo document: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ErrorPosition {
    pub line: u64,
    pub column: u64,
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    /// Where in the MeMo, for `MALFORMED_MEMO` and `INVALID_MEMO`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<ErrorPosition>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_screaming_snake_case() {
        let body = ErrorBody {
            code: ErrorCode::PreconditionFailed,
            message: "stale".into(),
            position: None,
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["code"], "PRECONDITION_FAILED");
        assert!(json.get("position").is_none());
    }
}
