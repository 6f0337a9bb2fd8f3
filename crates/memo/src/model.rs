//! The MeMo message model: what a message says, without its file bytes.
//!
//! One struct per element group of the XSD (`MeMo_core.xsd` and the supporting schemas),
//! with the field names of the XSD in camelCase when serialized. The same model serves
//! MeMo 1.0, 1.1 and 1.2; fields that a version lacks stay empty.
//!
//! File contents are not part of the model: the reader streams them into a
//! [`Sink`](crate::Sink) and records their size and SHA-256 here; the writer takes them from a
//! [`ContentSource`](crate::ContentSource).

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A whole MeMo message: the header fields, then the documents of the body.
///
/// Serialized, this is the JSON contract of `brevdue memo inspect` (without `agenda`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// The `memoVersion` attribute as written, e.g. `"1.2"`.
    pub memo_version: String,
    /// `memoSchVersion` (MeMo 1.1 only).
    pub memo_sch_version: Option<String>,
    pub message_type: MessageType,
    #[serde(rename = "messageUUID")]
    pub message_uuid: Uuid,
    #[serde(rename = "messageID")]
    pub message_id: Option<String>,
    pub message_code: Option<String>,
    /// The subject.
    pub label: String,
    pub notification: Option<String>,
    pub additional_notification: Option<String>,
    /// May the recipient reply?
    pub reply: bool,
    pub reply_by_date_time: Option<DateTime<Utc>>,
    /// Value date: not delivered before this day (Danish time).
    pub do_not_deliver_until_date: Option<NaiveDate>,
    pub mandatory: bool,
    pub legal_notification: bool,
    pub post_type: Option<String>,
    pub sender: Sender,
    pub recipient: Recipient,
    pub content_data: Option<ContentData>,
    pub forward_data: Option<ForwardData>,
    pub reply_data: Vec<ReplyData>,
    /// `MessageBody/createdDateTime`; `None` when the message has no body (NemSMS).
    pub created_date_time: Option<DateTime<Utc>>,
    /// The documents in the order of the message: the main document first in a valid one,
    /// then additional and technical documents. [`FileId::document`] indexes this list.
    pub documents: Vec<Document>,
}

impl Message {
    /// The main document, if the message has a body.
    pub fn main_document(&self) -> Option<&Document> {
        self.documents.iter().find(|d| d.kind == DocumentKind::Main)
    }

    /// Every action of every document, in document order.
    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        self.documents.iter().flat_map(|d| d.actions.iter())
    }

    /// The file at `id`, if there is one.
    pub fn file(&self, id: FileId) -> Option<&File> {
        self.documents.get(id.document)?.files.get(id.file)
    }

    /// Every file with its position, in document order.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &File)> {
        self.documents.iter().enumerate().flat_map(|(d, doc)| {
            doc.files.iter().enumerate().map(move |(f, file)| {
                (
                    FileId {
                        document: d,
                        file: f,
                    },
                    file,
                )
            })
        })
    }
}

/// `messageType`: DIGITALPOST or NEMSMS; anything else is kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(
        export,
        export_to = "memo/",
        type = "'DIGITALPOST' | 'NEMSMS' | (string & {})"
    )
)]
pub enum MessageType {
    DigitalPost,
    NemSms,
    Other(String),
}

impl MessageType {
    pub fn as_str(&self) -> &str {
        match self {
            Self::DigitalPost => "DIGITALPOST",
            Self::NemSms => "NEMSMS",
            Self::Other(s) => s,
        }
    }
}

impl From<&str> for MessageType {
    fn from(s: &str) -> Self {
        match s {
            "DIGITALPOST" => Self::DigitalPost,
            "NEMSMS" => Self::NemSms,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for MessageType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for MessageType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Self::from(s.as_str()))
    }
}

/// `Sender`. The optional `ContactPoint` is flattened into `contactPoint*` fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct Sender {
    /// `senderID`
    pub id: String,
    /// `idType`, e.g. CVR, CPR.
    pub id_type: String,
    pub id_type_label: Option<String>,
    pub label: String,
    pub attention_data: Option<AttentionData>,
    pub contact_point: Option<ContactPoint>,
    /// MeMo 1.2 only.
    pub representative: Option<Representative>,
}

/// `Recipient`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    /// `recipientID`
    pub id: String,
    /// `idType`, e.g. CPR, CVR.
    pub id_type: String,
    pub id_type_label: Option<String>,
    pub label: Option<String>,
    pub attention_data: Option<AttentionData>,
    pub contact_point: Option<ContactPoint>,
}

/// `Representative` (MeMo 1.2, inside `Sender`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct Representative {
    #[serde(rename = "representativeID")]
    pub representative_id: Option<String>,
    pub id_type: Option<String>,
    pub id_type_label: Option<String>,
    pub label: Option<String>,
}

/// `ContactPoint` of a sender or recipient.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct ContactPoint {
    pub contact_group: Option<String>,
    #[serde(rename = "contactPointID")]
    pub contact_point_id: String,
    pub label: Option<String>,
    /// At most 2 by the schema.
    pub contact_info: Vec<ContactInfo>,
}

/// `ContactInfo`: one extra field of a contact point (label and value).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct ContactInfo {
    pub label: String,
    pub value: String,
}

/// `AttentionData`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct AttentionData {
    pub attention_person: Option<AttentionPerson>,
    pub production_unit: Option<ProductionUnit>,
    pub global_location_number: Option<GlobalLocationNumber>,
    pub email: Option<EMail>,
    pub se_number: Option<SeNumber>,
    pub telephone: Option<Telephone>,
    pub eid: Option<Eid>,
    pub content_responsible: Option<ContentResponsible>,
    pub generating_system: Option<GeneratingSystem>,
    pub sor_data: Option<SorData>,
    pub address: Option<Address>,
    pub unstructured_address: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct AttentionPerson {
    #[serde(rename = "personID")]
    pub person_id: Option<String>,
    pub label: Option<String>,
}

/// `grd:ProductionUnit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct ProductionUnit {
    pub production_unit_number: String,
    pub production_unit_name: Option<String>,
}

/// `gln:GlobalLocationNumber`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct GlobalLocationNumber {
    pub global_location_number: String,
    pub location: Option<String>,
}

/// `EMail`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct EMail {
    pub email_address: String,
    pub related_agent: Option<String>,
}

/// `grd:SEnumber`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct SeNumber {
    pub se_number: String,
    pub company_name: Option<String>,
}

/// `Telephone`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct Telephone {
    pub telephone_number: String,
    pub related_agent: Option<String>,
}

/// `grd:EID`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct Eid {
    pub eid: String,
    pub label: Option<String>,
}

/// `ContentResponsible`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct ContentResponsible {
    #[serde(rename = "contentResponsibleID")]
    pub content_responsible_id: Option<String>,
    pub label: Option<String>,
}

/// `GeneratingSystem`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct GeneratingSystem {
    #[serde(rename = "generatingSystemID")]
    pub generating_system_id: String,
    pub label: Option<String>,
}

/// `sor:SORdata`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct SorData {
    pub sor_identifier: String,
    pub entry_name: Option<String>,
}

/// `grd:Address`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub id: Option<String>,
    pub address_label: Option<String>,
    pub house_number: Option<String>,
    pub door: Option<String>,
    pub floor: Option<String>,
    pub co: Option<String>,
    pub zip_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub address_point: Option<AddressPoint>,
}

/// `grd:AddressPoint`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct AddressPoint {
    pub geographic_easting_measure: Option<String>,
    pub geographic_northing_measure: Option<String>,
    pub geographic_height_measure: Option<String>,
}

/// `ContentData`: structured facts the message is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct ContentData {
    pub cpr_data: Option<CprData>,
    pub cvr_data: Option<CvrData>,
    pub motor_vehicle: Option<MotorVehicle>,
    pub property_number: Option<String>,
    #[serde(rename = "caseID")]
    pub case_id: Option<CaseId>,
    pub kle_data: Option<KleData>,
    pub form_data: Option<FormData>,
    pub production_unit: Option<ProductionUnit>,
    pub education: Option<Education>,
    pub address: Option<Address>,
    pub unstructured_address: Option<String>,
    /// At most 10 by the schema.
    pub additional_content_data: Vec<AdditionalContentData>,
}

/// `grd:CPRdata`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct CprData {
    pub cpr_number: String,
    pub name: Option<String>,
}

/// `grd:CVRdata`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct CvrData {
    pub cvr_number: String,
    pub company_name: Option<String>,
}

/// `dmv:MotorVehicle`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct MotorVehicle {
    pub license_number: String,
    pub chassis_number: Option<String>,
}

/// `CaseID`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct CaseId {
    #[serde(rename = "caseID")]
    pub case_id: String,
    pub case_system: String,
}

/// `kle:KLEdata`: a KLE subject classification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct KleData {
    pub subject_key: String,
    pub version: String,
    pub activity_facet: Option<String>,
    pub label: String,
}

/// `form:FORMdata`: a FORM task classification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct FormData {
    pub task_key: String,
    pub version: String,
    pub activity_facet: Option<String>,
    pub label: String,
}

/// `udd:Education`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct Education {
    pub education_code: String,
    pub education_name: Option<String>,
}

/// `AdditionalContentData`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct AdditionalContentData {
    pub content_data_type: Option<String>,
    pub content_data_name: String,
    pub content_data_value: String,
}

/// `ForwardData`: this message forwards another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct ForwardData {
    #[serde(rename = "messageUUID")]
    pub message_uuid: Uuid,
    pub original_message_date_time: Option<DateTime<Utc>>,
    pub original_sender: String,
    pub original_content_responsible: Option<String>,
    /// MeMo 1.2 only.
    pub original_representative: Option<String>,
    #[serde(rename = "contactPointID")]
    pub contact_point_id: Option<String>,
    pub comment: Option<String>,
}

/// `ReplyData`: links a message to the conversation it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct ReplyData {
    #[serde(rename = "messageID")]
    pub message_id: Option<String>,
    #[serde(rename = "messageUUID")]
    pub message_uuid: Uuid,
    #[serde(rename = "replyUUID")]
    pub reply_uuid: Option<Uuid>,
    #[serde(rename = "senderID")]
    pub sender_id: Option<String>,
    #[serde(rename = "recipientID")]
    pub recipient_id: Option<String>,
    #[serde(rename = "caseID")]
    pub case_id: Option<String>,
    #[serde(rename = "contactPointID")]
    pub contact_point_id: Option<String>,
    #[serde(rename = "generatingSystemID")]
    pub generating_system_id: Option<String>,
    pub comment: Option<String>,
    /// At most 4 by the schema.
    pub additional_reply_data: Vec<AdditionalReplyData>,
}

/// `AdditionalReplyData`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct AdditionalReplyData {
    pub label: String,
    pub value: String,
}

/// Which of the three document elements a [`Document`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    /// `MainDocument`: exactly one per body.
    Main,
    /// `AdditionalDocument`: attachments meant for the reader.
    Additional,
    /// `TechnicalDocument`: data for systems, not for the reader.
    Technical,
}

/// `MainDocument`, `AdditionalDocument` or `TechnicalDocument`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub kind: DocumentKind,
    /// `mainDocumentID` etc.; MeMo 1.0's `documentID`.
    pub id: Option<String>,
    pub label: Option<String>,
    /// Several files are renditions of the same document (e.g. PDF and plain text).
    pub files: Vec<File>,
    /// Technical documents carry no actions.
    pub actions: Vec<Action>,
}

/// `File`: metadata and a fingerprint of the decoded content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct File {
    pub filename: String,
    /// The MIME type, e.g. `application/pdf`.
    pub encoding_format: String,
    pub language: String,
    /// Decoded size in bytes.
    pub size: u64,
    /// Lower-case hex SHA-256 of the decoded bytes.
    pub sha256: String,
}

/// Where a [`File`] sits in a [`Message`]: indexes into `documents` and then `files`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
pub struct FileId {
    pub document: usize,
    pub file: usize,
}

/// `Action`: something the message asks of, or offers to, the recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct Action {
    pub label: String,
    pub action_code: ActionCode,
    pub start_date_time: Option<DateTime<Utc>>,
    pub end_date_time: Option<DateTime<Utc>>,
    pub reservation: Option<Reservation>,
    /// `EntryPoint/url`, as written; not checked here (see the viewer's rules on opening it).
    pub entry_point: Option<String>,
}

/// `Reservation`: a calendar appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub struct Reservation {
    #[serde(rename = "reservationUUID")]
    pub reservation_uuid: Uuid,
    #[serde(rename = "abstract")]
    pub abstract_: String,
    pub description: String,
    pub location: String,
    pub start_date_time: DateTime<Utc>,
    pub end_date_time: DateTime<Utc>,
    pub organizer_mail: Option<String>,
    pub organizer_name: Option<String>,
}

/// `actionCode`: the known codes, and any other kept as written so it can still be shown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(
        export,
        export_to = "memo/",
        type = "'AFTALE' | 'BETALING' | 'SELVBETJENING' | 'INFORMATION' | 'UNDERSKRIV' | 'BEKRAEFT' | 'FORBEREDELSE' | 'TILMELDING' | (string & {})"
    )
)]
pub enum ActionCode {
    /// AFTALE: an appointment.
    Aftale,
    /// BETALING: a payment.
    Betaling,
    /// SELVBETJENING: a self-service solution.
    Selvbetjening,
    /// INFORMATION: information only.
    Information,
    /// UNDERSKRIV: something to sign.
    Underskriv,
    /// BEKRAEFT: something to confirm.
    Bekraeft,
    /// FORBEREDELSE: something to prepare.
    Forberedelse,
    /// TILMELDING: something to sign up for.
    Tilmelding,
    /// A code this version of Brevdue does not know, as written.
    Other(String),
}

impl ActionCode {
    /// Every known code, in the order of the MeMo documentation.
    pub const KNOWN: [ActionCode; 8] = [
        Self::Aftale,
        Self::Betaling,
        Self::Selvbetjening,
        Self::Information,
        Self::Underskriv,
        Self::Bekraeft,
        Self::Forberedelse,
        Self::Tilmelding,
    ];

    /// The code as MeMo writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Aftale => "AFTALE",
            Self::Betaling => "BETALING",
            Self::Selvbetjening => "SELVBETJENING",
            Self::Information => "INFORMATION",
            Self::Underskriv => "UNDERSKRIV",
            Self::Bekraeft => "BEKRAEFT",
            Self::Forberedelse => "FORBEREDELSE",
            Self::Tilmelding => "TILMELDING",
            Self::Other(s) => s,
        }
    }

    /// Whether the action asks the recipient to do something, so that its end time is a
    /// deadline. INFORMATION only informs; AFTALE is an appointment, not a task. A code we do
    /// not know is treated as a task: better a deadline too many than one missed.
    pub fn is_task(&self) -> bool {
        !matches!(self, Self::Information | Self::Aftale)
    }
}

impl From<&str> for ActionCode {
    /// Codes are matched without regard to case or surrounding space; `BEKRÆFT` is read as
    /// BEKRAEFT.
    fn from(s: &str) -> Self {
        let t = s.trim();
        match t.to_uppercase().as_str() {
            "AFTALE" => Self::Aftale,
            "BETALING" => Self::Betaling,
            "SELVBETJENING" => Self::Selvbetjening,
            "INFORMATION" => Self::Information,
            "UNDERSKRIV" => Self::Underskriv,
            "BEKRAEFT" | "BEKRÆFT" => Self::Bekraeft,
            "FORBEREDELSE" => Self::Forberedelse,
            "TILMELDING" => Self::Tilmelding,
            _ => Self::Other(t.to_owned()),
        }
    }
}

impl fmt::Display for ActionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ActionCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ActionCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Self::from(s.as_str()))
    }
}
