//! The MeMo schemas as tables: one content model per element, transcribed from
//! `MeMo_core.xsd` (1.1 and 1.2) and the supporting schemas (grd, kle, form, dmv, gln, sor,
//! udd). The walker in the parent module interprets them; nothing here knows about parsing.
//!
//! Every content model of MeMo is a sequence of elements, each with a minimum and maximum
//! number of occurrences. The one exception is `Action`, whose `Reservation` or `EntryPoint`
//! is a choice; a [`Particle`] with more than one element is such a choice (one of them,
//! `min..=max` times).
//!
//! The three versions share one table: a particle that exists in some versions only says so
//! with [`Particle::only`].
//!
//! MeMo 1.0: there is no 1.0 XSD in the repository. 1.0 is validated with the 1.1 rules,
//! except that the document id elements are 1.0's `documentID` (where 1.1 has
//! `mainDocumentID`, `additionalDocumentID` and `technicalDocumentID`): that is the one 1.0
//! difference the public MeMo documentation and real 1.0 messages show, and what the lenient
//! reader accepts too. Anything else 1.0 may have allowed is reported as if it were 1.1.

use super::types::SimpleType;
use crate::xml::ns;

/// A set of MeMo versions, one bit each.
pub(super) type Versions = u8;
pub(super) const V10: Versions = 1;
pub(super) const V11: Versions = 2;
pub(super) const V12: Versions = 4;
const ALL: Versions = V10 | V11 | V12;

/// The MeMo version a message is validated as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Version {
    V10,
    V11,
    V12,
}

impl Version {
    pub(super) fn bit(self) -> Versions {
        match self {
            Version::V10 => V10,
            Version::V11 => V11,
            Version::V12 => V12,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Version::V10 => "1.0",
            Version::V11 => "1.1",
            Version::V12 => "1.2",
        }
    }
}

/// The versions in `set`, for messages: "1.2", "1.0 and 1.1".
pub(super) fn version_names(set: Versions) -> String {
    let names: Vec<&str> = [Version::V10, Version::V11, Version::V12]
        .into_iter()
        .filter(|v| set & v.bit() != 0)
        .map(Version::name)
        .collect();
    names.join(" and ")
}

/// An element declaration: its name and what it may hold.
#[derive(Debug)]
pub(super) struct Decl {
    pub(super) ns: &'static str,
    pub(super) name: &'static str,
    pub(super) content: Content,
    /// The element has a default value (`default="false"`), so it may be empty.
    pub(super) has_default: bool,
}

/// What an element holds.
#[derive(Debug, Clone, Copy)]
pub(super) enum Content {
    /// Text of a simple type.
    Simple(SimpleType),
    /// Child elements only (white space between them is allowed).
    Elements(&'static Model),
}

/// The content model of an element with element-only content.
#[derive(Debug)]
pub(super) struct Model {
    pub(super) particles: &'static [Particle],
    /// For `Sender`, `Recipient` and `Representative`: the child holding the id whose form
    /// the `idType` child fixes (CPR: 10 digits, CVR: 8). A domain rule beyond the XSD.
    pub(super) party_id: Option<&'static str>,
}

/// One step of a sequence: one of its elements, `min..=max` times, in the versions `versions`.
#[derive(Debug)]
pub(super) struct Particle {
    term: Term,
    pub(super) min: u32,
    pub(super) max: u32,
    pub(super) versions: Versions,
}

#[derive(Debug)]
enum Term {
    One(Decl),
    Choice(&'static [Decl]),
}

/// `maxOccurs="unbounded"`.
pub(super) const UNBOUNDED: u32 = u32::MAX;

impl Particle {
    const fn new(term: Term) -> Self {
        Particle {
            term,
            min: 1,
            max: 1,
            versions: ALL,
        }
    }

    /// `minOccurs="0"`.
    const fn optional(mut self) -> Self {
        self.min = 0;
        self
    }

    /// `maxOccurs`.
    const fn max(mut self, max: u32) -> Self {
        self.max = max;
        self
    }

    /// The particle exists in `versions` only.
    const fn only(mut self, versions: Versions) -> Self {
        self.versions = versions;
        self
    }

    /// The elements that may stand here (more than one for a choice).
    pub(super) fn elements(&self) -> &[Decl] {
        match &self.term {
            Term::One(d) => std::slice::from_ref(d),
            Term::Choice(ds) => ds,
        }
    }

    pub(super) fn is_in(&self, version: Version) -> bool {
        self.versions & version.bit() != 0
    }

    pub(super) fn is_choice(&self) -> bool {
        matches!(self.term, Term::Choice(_))
    }

    /// The elements' names, for messages: `"label"`, `"Reservation" or "EntryPoint"`.
    pub(super) fn names(&self) -> String {
        let names: Vec<String> = self
            .elements()
            .iter()
            .map(|d| format!("{:?}", d.display()))
            .collect();
        names.join(" or ")
    }
}

/// The conventional prefix of a MeMo namespace, for messages (`grd:cprNumber`); empty for the
/// MeMo namespace itself.
fn prefix(uri: &str) -> Option<&'static str> {
    Some(match uri {
        ns::MEMO => "",
        ns::GRD => "grd:",
        ns::KLE => "kle:",
        ns::FORM => "form:",
        ns::DMV => "dmv:",
        ns::GLN => "gln:",
        ns::SOR => "sor:",
        ns::UDD => "udd:",
        _ => return None,
    })
}

/// `name` in namespace `uri` as a developer reads it: `Sender`, `grd:cprNumber`,
/// `{urn:other}foo`, or `foo` when in no namespace.
pub(super) fn display(uri: Option<&str>, name: &str) -> String {
    match uri {
        None => name.to_owned(),
        Some(uri) => match prefix(uri) {
            Some(p) => format!("{p}{name}"),
            None => format!("{{{uri}}}{name}"),
        },
    }
}

impl Decl {
    pub(super) fn display(&self) -> String {
        display(Some(self.ns), self.name)
    }
}

// ---- Builders, so that the tables below read like the XSDs. ----

const fn decl(ns: &'static str, name: &'static str, content: Content) -> Decl {
    Decl {
        ns,
        name,
        content,
        has_default: false,
    }
}

/// A required element of simple type.
const fn value(ns: &'static str, name: &'static str, ty: SimpleType) -> Particle {
    Particle::new(Term::One(decl(ns, name, Content::Simple(ty))))
}

/// A required MeMo element of `memoTextType`, the most common kind.
const fn text(name: &'static str) -> Particle {
    value(ns::MEMO, name, SimpleType::Text)
}

/// A required MeMo element of simple type `ty`.
const fn memo(name: &'static str, ty: SimpleType) -> Particle {
    value(ns::MEMO, name, ty)
}

/// A required element holding elements.
const fn node(ns: &'static str, name: &'static str, model: &'static Model) -> Particle {
    Particle::new(Term::One(decl(ns, name, Content::Elements(model))))
}

/// A required MeMo element holding elements.
const fn memo_node(name: &'static str, model: &'static Model) -> Particle {
    node(ns::MEMO, name, model)
}

/// A required `xs:boolean` MeMo element with `default="false"`: it may be empty.
const fn flag(name: &'static str) -> Particle {
    let mut d = decl(ns::MEMO, name, Content::Simple(SimpleType::Boolean));
    d.has_default = true;
    Particle::new(Term::One(d))
}

/// A choice of elements.
const fn choice(elements: &'static [Decl]) -> Particle {
    Particle::new(Term::Choice(elements))
}

const fn model(particles: &'static [Particle]) -> Model {
    Model {
        particles,
        party_id: None,
    }
}

const fn party(particles: &'static [Particle], id: &'static str) -> Model {
    Model {
        particles,
        party_id: Some(id),
    }
}

use SimpleType as T;

// ---- MeMo_core.xsd ----

/// The root element.
pub(super) static MESSAGE: Decl = decl(ns::MEMO, "Message", Content::Elements(&MESSAGE_MODEL));

static MESSAGE_MODEL: Model = model(&[
    memo_node("MessageHeader", &MESSAGE_HEADER),
    memo_node("MessageBody", &MESSAGE_BODY).optional(),
]);

static MESSAGE_HEADER: Model = model(&[
    memo("messageType", T::MessageType),
    memo("messageUUID", T::Uuid),
    text("messageID").optional(),
    text("messageCode").optional(),
    text("label"),
    memo("notification", T::Notification).optional(),
    text("additionalNotification").optional(),
    flag("reply").optional(),
    memo("replyByDateTime", T::DateTime).optional(),
    memo("doNotDeliverUntilDate", T::Date).optional(),
    // Required in 1.1, optional from 1.2.
    flag("mandatory").only(V10 | V11),
    flag("mandatory").optional().only(V12),
    flag("legalNotification").only(V10 | V11),
    flag("legalNotification").optional().only(V12),
    text("postType").optional(),
    memo_node("Sender", &SENDER),
    memo_node("Recipient", &RECIPIENT),
    memo_node("ContentData", &CONTENT_DATA).optional(),
    memo_node("ForwardData", &FORWARD_DATA).optional(),
    memo_node("ReplyData", &REPLY_DATA)
        .optional()
        .max(UNBOUNDED),
]);

static SENDER: Model = party(
    &[
        text("senderID"),
        text("idType"),
        text("idTypeLabel").optional(),
        text("label"),
        memo_node("AttentionData", &ATTENTION_DATA).optional(),
        memo_node("ContactPoint", &CONTACT_POINT).optional(),
        memo_node("Representative", &REPRESENTATIVE)
            .optional()
            .only(V12),
    ],
    "senderID",
);

static REPRESENTATIVE: Model = party(
    &[
        text("representativeID").optional(),
        text("idType").optional(),
        text("idTypeLabel").optional(),
        text("label").optional(),
    ],
    "representativeID",
);

static RECIPIENT: Model = party(
    &[
        text("recipientID"),
        text("idType"),
        text("idTypeLabel").optional(),
        text("label").optional(),
        memo_node("AttentionData", &ATTENTION_DATA).optional(),
        memo_node("ContactPoint", &CONTACT_POINT).optional(),
    ],
    "recipientID",
);

static ATTENTION_DATA: Model = model(&[
    memo_node("AttentionPerson", &ATTENTION_PERSON).optional(),
    node(ns::GRD, "ProductionUnit", &PRODUCTION_UNIT).optional(),
    node(ns::GLN, "GlobalLocationNumber", &GLOBAL_LOCATION_NUMBER).optional(),
    memo_node("EMail", &EMAIL).optional(),
    node(ns::GRD, "SEnumber", &SE_NUMBER).optional(),
    memo_node("Telephone", &TELEPHONE).optional(),
    node(ns::GRD, "EID", &EID).optional(),
    memo_node("ContentResponsible", &CONTENT_RESPONSIBLE).optional(),
    memo_node("GeneratingSystem", &GENERATING_SYSTEM).optional(),
    node(ns::SOR, "SORdata", &SOR_DATA).optional(),
    node(ns::GRD, "Address", &ADDRESS).optional(),
    node(ns::GRD, "UnstructuredAddress", &UNSTRUCTURED_ADDRESS).optional(),
]);

static ATTENTION_PERSON: Model = model(&[text("personID").optional(), text("label").optional()]);

static EMAIL: Model = model(&[text("emailAddress"), text("relatedAgent").optional()]);

static TELEPHONE: Model = model(&[text("telephoneNumber"), text("relatedAgent").optional()]);

static CONTENT_RESPONSIBLE: Model = model(&[
    text("contentResponsibleID").optional(),
    text("label").optional(),
]);

static GENERATING_SYSTEM: Model = model(&[text("generatingSystemID"), text("label").optional()]);

static CONTACT_POINT: Model = model(&[
    text("contactGroup").optional(),
    text("contactPointID"),
    text("label").optional(),
    memo_node("ContactInfo", &CONTACT_INFO).optional().max(2),
]);

static CONTACT_INFO: Model = model(&[text("label"), text("value")]);

static CONTENT_DATA: Model = model(&[
    node(ns::GRD, "CPRdata", &CPR_DATA).optional(),
    node(ns::GRD, "CVRdata", &CVR_DATA).optional(),
    node(ns::DMV, "MotorVehicle", &MOTOR_VEHICLE).optional(),
    node(ns::GRD, "PropertyNumber", &PROPERTY_NUMBER).optional(),
    memo_node("CaseID", &CASE_ID).optional(),
    node(ns::KLE, "KLEdata", &KLE_DATA).optional(),
    node(ns::FORM, "FORMdata", &FORM_DATA).optional(),
    node(ns::GRD, "ProductionUnit", &PRODUCTION_UNIT).optional(),
    node(ns::UDD, "Education", &EDUCATION).optional(),
    node(ns::GRD, "Address", &ADDRESS).optional(),
    node(ns::GRD, "UnstructuredAddress", &UNSTRUCTURED_ADDRESS).optional(),
    memo_node("AdditionalContentData", &ADDITIONAL_CONTENT_DATA)
        .optional()
        .max(10),
]);

static CASE_ID: Model = model(&[text("caseID"), text("caseSystem")]);

static ADDITIONAL_CONTENT_DATA: Model = model(&[
    text("contentDataType").optional(),
    text("contentDataName"),
    text("contentDataValue"),
]);

static FORWARD_DATA: Model = model(&[
    memo("messageUUID", T::Uuid),
    memo("originalMessageDateTime", T::DateTime),
    text("originalSender"),
    text("originalContentResponsible").optional(),
    text("originalRepresentative").optional().only(V12),
    text("contactPointID").optional(),
    memo("comment", T::Comment).optional(),
]);

static REPLY_DATA: Model = model(&[
    text("messageID").optional(),
    memo("messageUUID", T::Uuid),
    memo("replyUUID", T::Uuid).optional(),
    text("senderID").optional(),
    text("recipientID").optional(),
    text("caseID").optional(),
    text("contactPointID").optional(),
    text("generatingSystemID").optional(),
    memo("comment", T::Comment).optional(),
    memo_node("AdditionalReplyData", &ADDITIONAL_REPLY_DATA)
        .optional()
        .max(4),
]);

static ADDITIONAL_REPLY_DATA: Model = model(&[text("label"), text("value")]);

static MESSAGE_BODY: Model = model(&[
    memo("createdDateTime", T::DateTime),
    memo_node("MainDocument", &MAIN_DOCUMENT),
    memo_node("AdditionalDocument", &ADDITIONAL_DOCUMENT)
        .optional()
        .max(UNBOUNDED),
    memo_node("TechnicalDocument", &TECHNICAL_DOCUMENT)
        .optional()
        .max(UNBOUNDED),
]);

static MAIN_DOCUMENT: Model = model(&[
    text("documentID").optional().only(V10),
    text("mainDocumentID").optional().only(V11 | V12),
    text("label").optional(),
    memo_node("File", &FILE).max(UNBOUNDED),
    memo_node("Action", &ACTION).optional().max(UNBOUNDED),
]);

static ADDITIONAL_DOCUMENT: Model = model(&[
    text("documentID").optional().only(V10),
    text("additionalDocumentID").optional().only(V11 | V12),
    text("label").optional(),
    memo_node("File", &FILE).max(UNBOUNDED),
    memo_node("Action", &ACTION).optional().max(UNBOUNDED),
]);

static TECHNICAL_DOCUMENT: Model = model(&[
    text("documentID").optional().only(V10),
    text("technicalDocumentID").optional().only(V11 | V12),
    text("label").optional(),
    memo_node("File", &FILE).max(UNBOUNDED),
]);

static FILE: Model = model(&[
    text("encodingFormat"),
    text("filename"),
    memo("language", T::Language),
    memo("content", T::Base64),
]);

/// The XSD nests a choice of one sequence, `startDateTime?, endDateTime?, (Reservation? |
/// EntryPoint?)`, in the outer sequence: the same language as this flat sequence, whose last
/// particle takes a `Reservation` or an `EntryPoint`, not both, or neither.
static ACTION: Model = model(&[
    text("label"),
    text("actionCode"),
    memo("startDateTime", T::DateTime).optional(),
    memo("endDateTime", T::DateTime).optional(),
    choice(&[
        decl(ns::MEMO, "Reservation", Content::Elements(&RESERVATION)),
        decl(ns::MEMO, "EntryPoint", Content::Elements(&ENTRY_POINT)),
    ])
    .optional(),
]);

static RESERVATION: Model = model(&[
    text("description"),
    memo("reservationUUID", T::Uuid),
    text("abstract"),
    text("location"),
    memo("startDateTime", T::DateTime),
    memo("endDateTime", T::DateTime),
    text("organizerMail").optional(),
    text("organizerName").optional(),
]);

static ENTRY_POINT: Model = model(&[memo("url", T::Uri)]);

// ---- MeMo_grd.xsd: every element is global, so all are in the grd namespace. ----

const fn grd(name: &'static str) -> Particle {
    value(ns::GRD, name, SimpleType::Text)
}

static ADDRESS: Model = model(&[
    grd("id").optional(),
    grd("addressLabel").optional(),
    grd("houseNumber").optional(),
    grd("door").optional(),
    grd("floor").optional(),
    grd("co").optional(),
    grd("zipCode").optional(),
    grd("city").optional(),
    grd("country").optional(),
    node(ns::GRD, "AddressPoint", &ADDRESS_POINT).optional(),
]);

static ADDRESS_POINT: Model = model(&[
    grd("geographicEastingMeasure").optional(),
    grd("geographicNorthingMeasure").optional(),
    grd("geographicHeightMeasure").optional(),
]);

static UNSTRUCTURED_ADDRESS: Model = model(&[grd("unstructured")]);

static CPR_DATA: Model = model(&[value(ns::GRD, "cprNumber", T::Cpr), grd("name").optional()]);

static CVR_DATA: Model = model(&[
    value(ns::GRD, "cvrNumber", T::Cvr),
    grd("companyName").optional(),
]);

static EID: Model = model(&[grd("eID"), grd("label").optional()]);

static PRODUCTION_UNIT: Model = model(&[
    value(ns::GRD, "productionUnitNumber", T::PNumber),
    grd("productionUnitName").optional(),
]);

static SE_NUMBER: Model = model(&[grd("seNumber"), grd("companyName").optional()]);

static PROPERTY_NUMBER: Model = model(&[grd("propertyNumber")]);

// ---- MeMo_kle.xsd, MeMo_form.xsd ----

static KLE_DATA: Model = model(&[
    value(ns::KLE, "subjectKey", T::Text),
    value(ns::KLE, "version", T::Text),
    value(ns::KLE, "activityFacet", T::Text).optional(),
    value(ns::KLE, "label", T::Text),
]);

static FORM_DATA: Model = model(&[
    value(ns::FORM, "taskKey", T::Text),
    value(ns::FORM, "version", T::Text),
    value(ns::FORM, "activityFacet", T::Text).optional(),
    value(ns::FORM, "label", T::Text),
]);

// ---- MeMo_dmv.xsd, MeMo_gln.xsd, MeMo_sor.xsd, MeMo_udd.xsd ----

static MOTOR_VEHICLE: Model = model(&[
    value(ns::DMV, "licenseNumber", T::LicenseNumber),
    value(ns::DMV, "chassisNumber", T::Text).optional(),
]);

static GLOBAL_LOCATION_NUMBER: Model = model(&[
    value(ns::GLN, "globalLocationNumber", T::Gln),
    value(ns::GLN, "location", T::Text).optional(),
]);

static SOR_DATA: Model = model(&[
    value(ns::SOR, "sorIdentifier", T::Text),
    value(ns::SOR, "entryName", T::Text).optional(),
]);

static EDUCATION: Model = model(&[
    value(ns::UDD, "educationCode", T::Text),
    value(ns::UDD, "educationName", T::Text).optional(),
]);
