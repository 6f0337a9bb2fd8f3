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
//! `mainDocumentID`, `additionalDocumentID` and `technicalDocumentID`). That is the one
//! difference of 1.0 this project knows of (`docs/domain.md`), and the one the lenient reader
//! accepts. Should 1.0 differ in more, a valid 1.0 message could be reported as breaking a
//! 1.1 rule.

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
/// `{urn:other}foo`, or `foo` when in no namespace. A hostile URI is cut short.
pub(super) fn display(uri: Option<&str>, name: &str) -> String {
    match uri {
        None => name.to_owned(),
        Some(uri) => match prefix(uri) {
            Some(p) => format!("{p}{name}"),
            None => format!("{{{}}}{name}", short(uri)),
        },
    }
}

/// At most 80 characters of `name`.
pub(super) fn short(name: &str) -> &str {
    name.char_indices()
        .nth(80)
        .map_or(name, |(i, _)| &name[..i])
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

#[cfg(test)]
mod tests {
    //! The tables against the XSDs themselves: every content model reachable from `Message`
    //! must list the same elements, in the same order, with the same occurrences, types and
    //! defaults as the XSD of its version. The XSDs are read from `MEMO_XSD_DIR`, or the
    //! copy in `crates/memo/xsd/`.

    use std::collections::{BTreeMap, HashMap};
    use std::path::PathBuf;

    use quick_xml::events::Event;

    use super::*;

    /// A parsed XSD element: local name, attributes, children.
    #[derive(Debug)]
    struct Node {
        name: String,
        attrs: HashMap<String, String>,
        children: Vec<Node>,
    }

    impl Node {
        fn attr(&self, name: &str) -> Option<&str> {
            self.attrs.get(name).map(String::as_str)
        }
    }

    fn parse(path: &PathBuf) -> Node {
        let text = std::fs::read_to_string(path).unwrap();
        let mut reader = quick_xml::Reader::from_str(&text);
        let mut stack: Vec<Node> = vec![Node {
            name: String::new(),
            attrs: HashMap::new(),
            children: Vec::new(),
        }];
        loop {
            let event = reader.read_event().unwrap();
            let (start, empty) = match &event {
                Event::Start(s) => (Some(s.clone()), false),
                Event::Empty(s) => (Some(s.clone()), true),
                Event::End(_) => {
                    let done = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(done);
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let Some(s) = start else { continue };
            let attrs = s
                .attributes()
                .map(|a| {
                    let a = a.unwrap();
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap();
                    (a.key.as_ref().to_owned(), value.into_owned())
                })
                .collect();
            let node = Node {
                name: s.local_name().into_inner().to_owned(),
                attrs,
                children: Vec::new(),
            };
            if empty {
                stack.last_mut().unwrap().children.push(node);
            } else {
                stack.push(node);
            }
        }
        stack.pop().unwrap().children.pop().unwrap()
    }

    /// The XSDs of one version: global elements by (namespace, name), and the prefixes.
    struct Xsds {
        globals: HashMap<(String, String), (Node, HashMap<String, String>)>,
    }

    fn xsd_dir() -> PathBuf {
        std::env::var_os("MEMO_XSD_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/xsd")))
    }

    fn load(core: &str) -> Xsds {
        let dir = xsd_dir();
        let mut files: Vec<PathBuf> = [
            "MeMo_grd.xsd",
            "MeMo_kle.xsd",
            "MeMo_form.xsd",
            "MeMo_dmv.xsd",
            "MeMo_gln.xsd",
            "MeMo_sor.xsd",
            "MeMo_udd.xsd",
        ]
        .iter()
        .map(|f| dir.join(f))
        .collect();
        files.push(dir.join(core));
        let mut globals = HashMap::new();
        for path in files {
            let schema = parse(&path);
            let target = schema.attr("targetNamespace").unwrap().to_owned();
            let prefixes: HashMap<String, String> = schema
                .attrs
                .iter()
                .filter_map(|(k, v)| k.strip_prefix("xmlns:").map(|p| (p.to_owned(), v.clone())))
                .collect();
            for el in schema.children {
                if el.name == "element" {
                    let name = el.attr("name").unwrap().to_owned();
                    globals.insert((target.clone(), name), (el, prefixes.clone()));
                }
            }
        }
        Xsds { globals }
    }

    fn occurs(node: &Node) -> (u32, u32) {
        let min = node.attr("minOccurs").map_or(1, |v| v.parse().unwrap());
        let max = match node.attr("maxOccurs") {
            None => 1,
            Some("unbounded") => UNBOUNDED,
            Some(v) => v.parse().unwrap(),
        };
        (min, max)
    }

    impl Xsds {
        /// One particle as text: `{ns}name type` for each element, `|` between the elements
        /// of a choice, then `min..max` and `default` when there is one.
        fn particles(&self, ns: &str, name: &str) -> Option<Vec<String>> {
            let (el, prefixes) = self.globals.get(&(ns.to_owned(), name.to_owned()))?;
            let complex = el.children.iter().find(|c| c.name == "complexType")?;
            let sequence = complex
                .children
                .iter()
                .find(|c| c.name == "sequence")
                .unwrap();
            let mut out = Vec::new();
            self.flatten(sequence, ns, prefixes, &mut out);
            Some(out)
        }

        fn element(&self, node: &Node, ns: &str, prefixes: &HashMap<String, String>) -> String {
            if let Some(r) = node.attr("ref") {
                let (uri, local) = match r.split_once(':') {
                    Some((p, l)) => (prefixes[p].clone(), l.to_owned()),
                    None => (ns.to_owned(), r.to_owned()),
                };
                let (global, _) = &self.globals[&(uri.clone(), local.clone())];
                let ty = global
                    .attr("type")
                    .map_or("complex", |t| t.rsplit(':').next().unwrap());
                format!("{{{uri}}}{local} {ty}")
            } else {
                let ty = node.attr("type").unwrap().rsplit(':').next().unwrap();
                format!("{{{ns}}}{} {ty}", node.attr("name").unwrap())
            }
        }

        fn flatten(
            &self,
            group: &Node,
            ns: &str,
            prefixes: &HashMap<String, String>,
            out: &mut Vec<String>,
        ) {
            for child in &group.children {
                match child.name.as_str() {
                    "element" => {
                        let (min, max) = occurs(child);
                        let default = child
                            .attr("default")
                            .map_or(String::new(), |d| format!(" default={d}"));
                        out.push(format!(
                            "{} {min}..{max}{default}",
                            self.element(child, ns, prefixes)
                        ));
                    }
                    // The nested choice of Action: a choice of one sequence is that sequence;
                    // a choice of optional elements is one optional particle.
                    "choice" if child.children.len() == 1 => {
                        self.flatten(&child.children[0], ns, prefixes, out)
                    }
                    "choice" => {
                        let names: Vec<String> = child
                            .children
                            .iter()
                            .map(|c| self.element(c, ns, prefixes))
                            .collect();
                        let min = child.children.iter().map(|c| occurs(c).0).min().unwrap();
                        out.push(format!("{} {min}..1", names.join("|")));
                    }
                    other => panic!("unexpected {other} in a content model"),
                }
            }
        }
    }

    /// The XSD name of a simple type.
    fn type_name(ty: SimpleType) -> &'static str {
        match ty {
            SimpleType::Text | SimpleType::Cpr | SimpleType::Cvr => "memoTextType",
            SimpleType::Comment => "memoCommentType",
            SimpleType::Notification => "memoNotificationType",
            SimpleType::LicenseNumber => "memoLicenseNumberType",
            SimpleType::MessageType => "memoMessageType",
            SimpleType::Uuid => "memoUuidType",
            SimpleType::DateTime => "memoDateTimeType",
            SimpleType::Date => "date",
            SimpleType::Boolean => "boolean",
            SimpleType::Language => "memoLanguageType",
            SimpleType::Uri => "memoUriType",
            SimpleType::Gln => "memoGLNType",
            SimpleType::PNumber => "memoPNumberType",
            SimpleType::Base64 => "base64Binary",
            SimpleType::Decimal => "decimal",
        }
    }

    /// Our tables in the same text form, for every model reachable from `Message`.
    fn ours(version: Version) -> BTreeMap<(String, String), Vec<String>> {
        let mut all = BTreeMap::new();
        let mut todo = vec![&MESSAGE];
        while let Some(decl) = todo.pop() {
            let Content::Elements(model) = decl.content else {
                continue;
            };
            let mut particles = Vec::new();
            for p in model.particles.iter().filter(|p| p.is_in(version)) {
                let names: Vec<String> = p
                    .elements()
                    .iter()
                    .map(|d| {
                        let ty = match d.content {
                            Content::Simple(t) => type_name(t),
                            Content::Elements(_) => "complex",
                        };
                        format!("{{{}}}{} {ty}", d.ns, d.name)
                    })
                    .collect();
                let default = if p.elements()[0].has_default {
                    " default=false"
                } else {
                    ""
                };
                let max = if p.is_choice() { 1 } else { p.max };
                particles.push(format!("{} {}..{max}{default}", names.join("|"), p.min));
                todo.extend(p.elements().iter());
            }
            all.insert((decl.ns.to_owned(), decl.name.to_owned()), particles);
        }
        all
    }

    fn compare(version: Version, core: &str) {
        let xsds = load(core);
        let ours = ours(version);
        assert!(ours.len() > 35, "{}", ours.len());
        for ((ns, name), particles) in &ours {
            let theirs = xsds
                .particles(ns, name)
                .unwrap_or_else(|| panic!("{name} is not a complex global element of the XSD"));
            assert_eq!(particles, &theirs, "{name} in MeMo {}", version.name());
        }
    }

    #[test]
    fn the_tables_are_the_xsds_of_1_1() {
        compare(Version::V11, "MeMo_core.xsd");
    }

    #[test]
    fn the_tables_are_the_xsds_of_1_2() {
        compare(Version::V12, "Version1.2/MeMo_core.xsd");
    }

    #[test]
    fn the_tables_of_1_0_are_1_1_with_document_id() {
        let v10 = ours(Version::V10);
        let v11 = ours(Version::V11);
        assert_eq!(v10.len(), v11.len());
        for (key, particles) in &v11 {
            let renamed: Vec<String> = particles
                .iter()
                .map(|p| {
                    [
                        "mainDocumentID",
                        "additionalDocumentID",
                        "technicalDocumentID",
                    ]
                    .iter()
                    .fold(p.clone(), |p, n| {
                        p.replace(&format!("}}{n} "), "}documentID ")
                    })
                })
                .collect();
            assert_eq!(v10[key], renamed, "{}", key.1);
        }
    }
}
