//! The writer: a [`Message`] as MeMo 1.2 XML, in the element order of the 1.2 schema.
//!
//! File contents come from a [`ContentSource`] and are base64-encoded as they are copied, so a
//! large attachment is never held in memory. Whatever the model's `memoVersion`, the output is
//! MeMo 1.2; fields 1.2 lacks (`memoSchVersion`) are left out.

use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};

use crate::b64;
use crate::error::{Error, ErrorKind, Result};
use crate::model::*;
use crate::sink::ContentSource;
use crate::xml::ns;

/// Writes `message` as MeMo 1.2 to `out`, taking each file's bytes from `contents`.
///
/// Each file's `size` and `sha256` in the model are not consulted: the bytes written are what
/// `contents` gives.
pub fn write(message: &Message, out: impl Write, contents: &mut dyn ContentSource) -> Result<()> {
    let mut w = Writer {
        out: io::BufWriter::with_capacity(64 * 1024, out),
    };
    w.message(message, contents)?;
    w.out.flush().map_err(|e| Error::from(ErrorKind::Write(e)))
}

/// Writes `message` as MeMo 1.2 into a byte vector; see [`write`].
pub fn to_vec(message: &Message, contents: &mut dyn ContentSource) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write(message, &mut out, contents)?;
    Ok(out)
}

struct Writer<W: Write> {
    out: W,
}

fn io_err(e: io::Error) -> Error {
    Error::from(ErrorKind::Write(e))
}

fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl<W: Write> Writer<W> {
    fn raw(&mut self, s: &str) -> Result<()> {
        self.out.write_all(s.as_bytes()).map_err(io_err)
    }

    fn open(&mut self, name: &str) -> Result<()> {
        self.raw("<")?;
        self.raw(name)?;
        self.raw(">")
    }

    fn close(&mut self, name: &str) -> Result<()> {
        self.raw("</")?;
        self.raw(name)?;
        self.raw(">")
    }

    fn el(&mut self, name: &str, value: &str) -> Result<()> {
        self.open(name)?;
        self.raw(&escape(value))?;
        self.close(name)
    }

    fn opt(&mut self, name: &str, value: &Option<String>) -> Result<()> {
        match value {
            Some(v) => self.el(name, v),
            None => Ok(()),
        }
    }

    fn message(&mut self, m: &Message, contents: &mut dyn ContentSource) -> Result<()> {
        self.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
        self.raw(&format!(
            "<Message xmlns=\"{}\" xmlns:grd=\"{}\" xmlns:kle=\"{}\" xmlns:form=\"{}\" \
             xmlns:dmv=\"{}\" xmlns:gln=\"{}\" xmlns:sor=\"{}\" xmlns:udd=\"{}\" memoVersion=\"1.2\">",
            ns::MEMO,
            ns::GRD,
            ns::KLE,
            ns::FORM,
            ns::DMV,
            ns::GLN,
            ns::SOR,
            ns::UDD
        ))?;
        self.header(m)?;
        if !m.documents.is_empty() {
            self.body(m, contents)?;
        }
        self.raw("</Message>\n")
    }

    fn header(&mut self, m: &Message) -> Result<()> {
        self.open("MessageHeader")?;
        self.el("messageType", m.message_type.as_str())?;
        self.el("messageUUID", &m.message_uuid.to_string())?;
        self.opt("messageID", &m.message_id)?;
        self.opt("messageCode", &m.message_code)?;
        self.el("label", &m.label)?;
        self.opt("notification", &m.notification)?;
        self.opt("additionalNotification", &m.additional_notification)?;
        self.el("reply", bool_str(m.reply))?;
        if let Some(t) = &m.reply_by_date_time {
            self.el("replyByDateTime", &time(t))?;
        }
        if let Some(d) = &m.do_not_deliver_until_date {
            self.el("doNotDeliverUntilDate", &d.format("%Y-%m-%d").to_string())?;
        }
        self.el("mandatory", bool_str(m.mandatory))?;
        self.el("legalNotification", bool_str(m.legal_notification))?;
        self.opt("postType", &m.post_type)?;
        self.sender(&m.sender)?;
        self.recipient(&m.recipient)?;
        if let Some(c) = &m.content_data {
            self.content_data(c)?;
        }
        if let Some(f) = &m.forward_data {
            self.forward_data(f)?;
        }
        for r in &m.reply_data {
            self.reply_data(r)?;
        }
        self.close("MessageHeader")
    }

    fn sender(&mut self, s: &Sender) -> Result<()> {
        self.open("Sender")?;
        self.el("senderID", &s.id)?;
        self.el("idType", &s.id_type)?;
        self.opt("idTypeLabel", &s.id_type_label)?;
        self.el("label", &s.label)?;
        if let Some(a) = &s.attention_data {
            self.attention_data(a)?;
        }
        if let Some(c) = &s.contact_point {
            self.contact_point(c)?;
        }
        if let Some(r) = &s.representative {
            self.open("Representative")?;
            self.opt("representativeID", &r.representative_id)?;
            self.opt("idType", &r.id_type)?;
            self.opt("idTypeLabel", &r.id_type_label)?;
            self.opt("label", &r.label)?;
            self.close("Representative")?;
        }
        self.close("Sender")
    }

    fn recipient(&mut self, s: &Recipient) -> Result<()> {
        self.open("Recipient")?;
        self.el("recipientID", &s.id)?;
        self.el("idType", &s.id_type)?;
        self.opt("idTypeLabel", &s.id_type_label)?;
        self.opt("label", &s.label)?;
        if let Some(a) = &s.attention_data {
            self.attention_data(a)?;
        }
        if let Some(c) = &s.contact_point {
            self.contact_point(c)?;
        }
        self.close("Recipient")
    }

    fn contact_point(&mut self, c: &ContactPoint) -> Result<()> {
        self.open("ContactPoint")?;
        self.opt("contactGroup", &c.contact_group)?;
        self.el("contactPointID", &c.contact_point_id)?;
        self.opt("label", &c.label)?;
        for info in &c.contact_info {
            self.open("ContactInfo")?;
            self.el("label", &info.label)?;
            self.el("value", &info.value)?;
            self.close("ContactInfo")?;
        }
        self.close("ContactPoint")
    }

    fn attention_data(&mut self, a: &AttentionData) -> Result<()> {
        self.open("AttentionData")?;
        if let Some(p) = &a.attention_person {
            self.open("AttentionPerson")?;
            self.opt("personID", &p.person_id)?;
            self.opt("label", &p.label)?;
            self.close("AttentionPerson")?;
        }
        if let Some(p) = &a.production_unit {
            self.production_unit(p)?;
        }
        if let Some(g) = &a.global_location_number {
            self.open("gln:GlobalLocationNumber")?;
            self.el("gln:globalLocationNumber", &g.global_location_number)?;
            self.opt("gln:location", &g.location)?;
            self.close("gln:GlobalLocationNumber")?;
        }
        if let Some(e) = &a.email {
            self.open("EMail")?;
            self.el("emailAddress", &e.email_address)?;
            self.opt("relatedAgent", &e.related_agent)?;
            self.close("EMail")?;
        }
        if let Some(s) = &a.se_number {
            self.open("grd:SEnumber")?;
            self.el("grd:seNumber", &s.se_number)?;
            self.opt("grd:companyName", &s.company_name)?;
            self.close("grd:SEnumber")?;
        }
        if let Some(t) = &a.telephone {
            self.open("Telephone")?;
            self.el("telephoneNumber", &t.telephone_number)?;
            self.opt("relatedAgent", &t.related_agent)?;
            self.close("Telephone")?;
        }
        if let Some(e) = &a.eid {
            self.open("grd:EID")?;
            self.el("grd:eID", &e.eid)?;
            self.opt("grd:label", &e.label)?;
            self.close("grd:EID")?;
        }
        if let Some(c) = &a.content_responsible {
            self.open("ContentResponsible")?;
            self.opt("contentResponsibleID", &c.content_responsible_id)?;
            self.opt("label", &c.label)?;
            self.close("ContentResponsible")?;
        }
        if let Some(g) = &a.generating_system {
            self.open("GeneratingSystem")?;
            self.el("generatingSystemID", &g.generating_system_id)?;
            self.opt("label", &g.label)?;
            self.close("GeneratingSystem")?;
        }
        if let Some(s) = &a.sor_data {
            self.open("sor:SORdata")?;
            self.el("sor:sorIdentifier", &s.sor_identifier)?;
            self.opt("sor:entryName", &s.entry_name)?;
            self.close("sor:SORdata")?;
        }
        if let Some(addr) = &a.address {
            self.address(addr)?;
        }
        self.unstructured_address(&a.unstructured_address)?;
        self.close("AttentionData")
    }

    fn production_unit(&mut self, p: &ProductionUnit) -> Result<()> {
        self.open("grd:ProductionUnit")?;
        self.el("grd:productionUnitNumber", &p.production_unit_number)?;
        self.opt("grd:productionUnitName", &p.production_unit_name)?;
        self.close("grd:ProductionUnit")
    }

    fn address(&mut self, a: &Address) -> Result<()> {
        self.open("grd:Address")?;
        self.opt("grd:id", &a.id)?;
        self.opt("grd:addressLabel", &a.address_label)?;
        self.opt("grd:houseNumber", &a.house_number)?;
        self.opt("grd:door", &a.door)?;
        self.opt("grd:floor", &a.floor)?;
        self.opt("grd:co", &a.co)?;
        self.opt("grd:zipCode", &a.zip_code)?;
        self.opt("grd:city", &a.city)?;
        self.opt("grd:country", &a.country)?;
        if let Some(p) = &a.address_point {
            self.open("grd:AddressPoint")?;
            self.opt(
                "grd:geographicEastingMeasure",
                &p.geographic_easting_measure,
            )?;
            self.opt(
                "grd:geographicNorthingMeasure",
                &p.geographic_northing_measure,
            )?;
            self.opt("grd:geographicHeightMeasure", &p.geographic_height_measure)?;
            self.close("grd:AddressPoint")?;
        }
        self.close("grd:Address")
    }

    fn unstructured_address(&mut self, u: &Option<String>) -> Result<()> {
        if let Some(u) = u {
            self.open("grd:UnstructuredAddress")?;
            self.el("grd:unstructured", u)?;
            self.close("grd:UnstructuredAddress")?;
        }
        Ok(())
    }

    fn content_data(&mut self, c: &ContentData) -> Result<()> {
        self.open("ContentData")?;
        if let Some(d) = &c.cpr_data {
            self.open("grd:CPRdata")?;
            self.el("grd:cprNumber", &d.cpr_number)?;
            self.opt("grd:name", &d.name)?;
            self.close("grd:CPRdata")?;
        }
        if let Some(d) = &c.cvr_data {
            self.open("grd:CVRdata")?;
            self.el("grd:cvrNumber", &d.cvr_number)?;
            self.opt("grd:companyName", &d.company_name)?;
            self.close("grd:CVRdata")?;
        }
        if let Some(d) = &c.motor_vehicle {
            self.open("dmv:MotorVehicle")?;
            self.el("dmv:licenseNumber", &d.license_number)?;
            self.opt("dmv:chassisNumber", &d.chassis_number)?;
            self.close("dmv:MotorVehicle")?;
        }
        if let Some(p) = &c.property_number {
            self.open("grd:PropertyNumber")?;
            self.el("grd:propertyNumber", p)?;
            self.close("grd:PropertyNumber")?;
        }
        if let Some(d) = &c.case_id {
            self.open("CaseID")?;
            self.el("caseID", &d.case_id)?;
            self.el("caseSystem", &d.case_system)?;
            self.close("CaseID")?;
        }
        if let Some(d) = &c.kle_data {
            self.open("kle:KLEdata")?;
            self.el("kle:subjectKey", &d.subject_key)?;
            self.el("kle:version", &d.version)?;
            self.opt("kle:activityFacet", &d.activity_facet)?;
            self.el("kle:label", &d.label)?;
            self.close("kle:KLEdata")?;
        }
        if let Some(d) = &c.form_data {
            self.open("form:FORMdata")?;
            self.el("form:taskKey", &d.task_key)?;
            self.el("form:version", &d.version)?;
            self.opt("form:activityFacet", &d.activity_facet)?;
            self.el("form:label", &d.label)?;
            self.close("form:FORMdata")?;
        }
        if let Some(p) = &c.production_unit {
            self.production_unit(p)?;
        }
        if let Some(d) = &c.education {
            self.open("udd:Education")?;
            self.el("udd:educationCode", &d.education_code)?;
            self.opt("udd:educationName", &d.education_name)?;
            self.close("udd:Education")?;
        }
        if let Some(a) = &c.address {
            self.address(a)?;
        }
        self.unstructured_address(&c.unstructured_address)?;
        for d in &c.additional_content_data {
            self.open("AdditionalContentData")?;
            self.opt("contentDataType", &d.content_data_type)?;
            self.el("contentDataName", &d.content_data_name)?;
            self.el("contentDataValue", &d.content_data_value)?;
            self.close("AdditionalContentData")?;
        }
        self.close("ContentData")
    }

    fn forward_data(&mut self, f: &ForwardData) -> Result<()> {
        self.open("ForwardData")?;
        self.el("messageUUID", &f.message_uuid.to_string())?;
        let original = f.original_message_date_time.ok_or_else(|| {
            Error::from(ErrorKind::Unwritable(
                "ForwardData needs originalMessageDateTime".into(),
            ))
        })?;
        self.el("originalMessageDateTime", &time(&original))?;
        self.el("originalSender", &f.original_sender)?;
        self.opt(
            "originalContentResponsible",
            &f.original_content_responsible,
        )?;
        self.opt("originalRepresentative", &f.original_representative)?;
        self.opt("contactPointID", &f.contact_point_id)?;
        self.opt("comment", &f.comment)?;
        self.close("ForwardData")
    }

    fn reply_data(&mut self, r: &ReplyData) -> Result<()> {
        self.open("ReplyData")?;
        self.opt("messageID", &r.message_id)?;
        self.el("messageUUID", &r.message_uuid.to_string())?;
        if let Some(u) = &r.reply_uuid {
            self.el("replyUUID", &u.to_string())?;
        }
        self.opt("senderID", &r.sender_id)?;
        self.opt("recipientID", &r.recipient_id)?;
        self.opt("caseID", &r.case_id)?;
        self.opt("contactPointID", &r.contact_point_id)?;
        self.opt("generatingSystemID", &r.generating_system_id)?;
        self.opt("comment", &r.comment)?;
        for a in &r.additional_reply_data {
            self.open("AdditionalReplyData")?;
            self.el("label", &a.label)?;
            self.el("value", &a.value)?;
            self.close("AdditionalReplyData")?;
        }
        self.close("ReplyData")
    }

    fn body(&mut self, m: &Message, contents: &mut dyn ContentSource) -> Result<()> {
        let created = m.created_date_time.ok_or_else(|| {
            Error::from(ErrorKind::Unwritable(
                "a message with documents needs createdDateTime".into(),
            ))
        })?;
        if m.documents.first().map(|d| d.kind) != Some(DocumentKind::Main)
            || m.documents
                .iter()
                .filter(|d| d.kind == DocumentKind::Main)
                .count()
                != 1
        {
            return Err(ErrorKind::Unwritable(
                "the documents must start with the one main document".into(),
            )
            .into());
        }
        self.open("MessageBody")?;
        self.el("createdDateTime", &time(&created))?;
        // The schema orders additional before technical documents; the model keeps the
        // message's order, so write them in the schema's order. File ids stay the model's.
        let order = [
            DocumentKind::Main,
            DocumentKind::Additional,
            DocumentKind::Technical,
        ];
        for kind in order {
            for (index, doc) in m
                .documents
                .iter()
                .enumerate()
                .filter(|(_, d)| d.kind == kind)
            {
                self.document(index, doc, contents)?;
            }
        }
        self.close("MessageBody")
    }

    fn document(
        &mut self,
        index: usize,
        d: &Document,
        contents: &mut dyn ContentSource,
    ) -> Result<()> {
        let (element, id_element) = match d.kind {
            DocumentKind::Main => ("MainDocument", "mainDocumentID"),
            DocumentKind::Additional => ("AdditionalDocument", "additionalDocumentID"),
            DocumentKind::Technical => ("TechnicalDocument", "technicalDocumentID"),
        };
        if d.files.is_empty() {
            return Err(ErrorKind::Unwritable(format!("{element} needs at least one File")).into());
        }
        self.open(element)?;
        self.opt(id_element, &d.id)?;
        self.opt("label", &d.label)?;
        for (f, file) in d.files.iter().enumerate() {
            let id = FileId {
                document: index,
                file: f,
            };
            self.open("File")?;
            self.el("encodingFormat", &file.encoding_format)?;
            self.el("filename", &file.filename)?;
            self.el("language", &file.language)?;
            self.raw("<content>")?;
            let mut input = contents.open(id).map_err(|source| {
                Error::from(ErrorKind::Sink {
                    filename: file.filename.clone(),
                    source,
                })
            })?;
            b64::encode_lines(&mut input, &mut self.out).map_err(io_err)?;
            self.raw("</content>")?;
            self.close("File")?;
        }
        if d.kind != DocumentKind::Technical {
            for a in &d.actions {
                self.action(a)?;
            }
        }
        self.close(element)
    }

    fn action(&mut self, a: &Action) -> Result<()> {
        self.open("Action")?;
        self.el("label", &a.label)?;
        self.el("actionCode", a.action_code.as_str())?;
        if let Some(t) = &a.start_date_time {
            self.el("startDateTime", &time(t))?;
        }
        if let Some(t) = &a.end_date_time {
            self.el("endDateTime", &time(t))?;
        }
        if let Some(r) = &a.reservation {
            self.open("Reservation")?;
            self.el("description", &r.description)?;
            self.el("reservationUUID", &r.reservation_uuid.to_string())?;
            self.el("abstract", &r.abstract_)?;
            self.el("location", &r.location)?;
            self.el("startDateTime", &time(&r.start_date_time))?;
            self.el("endDateTime", &time(&r.end_date_time))?;
            self.opt("organizerMail", &r.organizer_mail)?;
            self.opt("organizerName", &r.organizer_name)?;
            self.close("Reservation")?;
        } else if let Some(url) = &a.entry_point {
            self.open("EntryPoint")?;
            self.el("url", url)?;
            self.close("EntryPoint")?;
        }
        self.close("Action")
    }
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// Escapes text for element content. Characters XML 1.0 cannot carry (most C0 controls) are
/// dropped rather than written into a message no reader would accept.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
