//! The lenient streaming reader: MeMo 1.0, 1.1 and 1.2 into a [`Message`].
//!
//! Lenient means it accepts what real senders produce: the default namespace or any prefix
//! (elements are matched on namespace URI and local name), a byte-order mark, no XML
//! declaration, upper-case UUIDs, 1.0's `documentID`, elements in another order, and unknown
//! elements from newer versions (skipped). Strictness is [`validate`](crate::validate)'s job.
//! What the reader cannot do without is still an error: the root must be a MeMo `Message`, the
//! message must carry a valid `messageUUID`, a sender and a recipient; a value the model types
//! (times, dates, booleans, UUIDs) must parse.
//!
//! File contents are decoded from base64 while they are scanned and given to a [`Sink`]; the
//! reader records each file's size and SHA-256.

use std::io::Read;
use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::b64;
use crate::error::{Error, ErrorKind, Position, Result};
use crate::model::*;
use crate::sink::{FileMeta, Sink};
use crate::xml::{self, Element, Event, Parser, TextCollector, ns};

/// The longest text value the reader keeps (any text other than file content). The schema
/// allows 512 characters at most; this leaves room for lenient reading but not for abuse.
const MAX_TEXT: usize = 64 * 1024;

/// Reads a MeMo message from `input`, streaming each file's decoded content into `sink`.
pub fn read<R: Read>(input: R, sink: &mut dyn Sink) -> Result<Message> {
    let mut reader = Reader {
        p: Parser::new(input)?,
        sink,
        documents: 0,
    };
    reader.message()
}

/// Reads the MeMo message in the file at `path`; see [`read`].
pub fn read_file(path: impl AsRef<Path>, sink: &mut dyn Sink) -> Result<Message> {
    let file = std::fs::File::open(path).map_err(|e| Error::from(ErrorKind::Io(e)))?;
    read(file, sink)
}

struct Reader<'s, R: Read> {
    p: Parser<R>,
    sink: &'s mut dyn Sink,
    /// Documents started so far: the index of the next one in `Message::documents`.
    documents: usize,
}

/// Fields of `Message` gathered while reading, checked at the end.
#[derive(Default)]
struct Header {
    message_type: Option<String>,
    message_uuid: Option<(String, Position)>,
    message_id: Option<String>,
    message_code: Option<String>,
    label: Option<String>,
    notification: Option<String>,
    additional_notification: Option<String>,
    reply: bool,
    reply_by_date_time: Option<DateTime<Utc>>,
    do_not_deliver_until_date: Option<NaiveDate>,
    mandatory: bool,
    legal_notification: bool,
    post_type: Option<String>,
    sender: Option<Sender>,
    recipient: Option<Recipient>,
    content_data: Option<ContentData>,
    forward_data: Option<ForwardData>,
    reply_data: Vec<ReplyData>,
}

impl<R: Read> Reader<'_, R> {
    fn message(&mut self) -> Result<Message> {
        let mut stray = false;
        let root = match self.p.next(&mut |t| {
            stray |= !xml::is_blank(t);
            Ok(())
        })? {
            Event::Start(e) => e,
            Event::End(pos) => {
                return Err(Error::at(
                    ErrorKind::Syntax("unexpected end tag".into()),
                    pos,
                ));
            }
            Event::Eof(pos) if stray => {
                return Err(Error::at(
                    ErrorKind::NotMemo("the input is not XML".into()),
                    pos,
                ));
            }
            Event::Eof(pos) => return Err(Error::at(ErrorKind::UnexpectedEof, pos)),
        };
        if root.local != "Message" || root.ns.as_deref() != Some(ns::MEMO) {
            let ns = root.ns.as_deref().unwrap_or("no namespace");
            return Err(Error::at(
                ErrorKind::NotMemo(format!(
                    "the root element is {} in {ns}, not Message in {}",
                    root.local,
                    ns::MEMO
                )),
                root.pos,
            ));
        }
        let memo_version = root
            .attr("memoVersion")
            .map(|v| v.trim().to_owned())
            .ok_or_else(|| Error::at(ErrorKind::Missing("memoVersion attribute"), root.pos))?;
        let memo_sch_version = root.attr("memoSchVersion").map(|v| v.trim().to_owned());

        let mut header = None;
        let mut body = (None, Vec::new());
        self.children(&root, |r, e| {
            if e.is(ns::MEMO, "MessageHeader") {
                header = Some(r.header(&e)?);
            } else if e.is(ns::MEMO, "MessageBody") {
                body = r.body(&e)?;
            } else {
                r.skip()?;
            }
            Ok(())
        })?;
        self.after_root()?;

        let h = header.ok_or_else(|| Error::at(ErrorKind::Missing("MessageHeader"), root.pos))?;
        let (uuid_text, uuid_pos) = h
            .message_uuid
            .ok_or_else(|| Error::at(ErrorKind::Missing("messageUUID"), root.pos))?;
        let (created_date_time, documents) = body;
        Ok(Message {
            memo_version,
            memo_sch_version,
            message_type: MessageType::from(h.message_type.as_deref().unwrap_or("DIGITALPOST")),
            message_uuid: uuid("messageUUID", &uuid_text, uuid_pos)?,
            message_id: h.message_id,
            message_code: h.message_code,
            label: h.label.unwrap_or_default(),
            notification: h.notification,
            additional_notification: h.additional_notification,
            reply: h.reply,
            reply_by_date_time: h.reply_by_date_time,
            do_not_deliver_until_date: h.do_not_deliver_until_date,
            mandatory: h.mandatory,
            legal_notification: h.legal_notification,
            post_type: h.post_type,
            sender: h
                .sender
                .ok_or_else(|| Error::at(ErrorKind::Missing("Sender"), root.pos))?,
            recipient: h
                .recipient
                .ok_or_else(|| Error::at(ErrorKind::Missing("Recipient"), root.pos))?,
            content_data: h.content_data,
            forward_data: h.forward_data,
            reply_data: h.reply_data,
            created_date_time,
            documents,
        })
    }

    /// After the root element: only white space, comments and processing instructions.
    fn after_root(&mut self) -> Result<()> {
        let mut stray = false;
        match self.p.next(&mut |t| {
            stray |= !xml::is_blank(t);
            Ok(())
        })? {
            Event::Eof(_) if !stray => Ok(()),
            _ => Err(self.p.error(ErrorKind::Syntax(
                "content after the end of the message".into(),
            ))),
        }
    }

    /// Calls `f` for each child element of `parent` (which has just started); `f` must read
    /// the child to its end. Text between children is ignored.
    fn children(
        &mut self,
        _parent: &Element,
        mut f: impl FnMut(&mut Self, Element) -> Result<()>,
    ) -> Result<()> {
        loop {
            match self.p.next(&mut |_| Ok(()))? {
                Event::Start(e) => f(self, e)?,
                Event::End(_) => return Ok(()),
                Event::Eof(_) => return Err(self.p.error(ErrorKind::UnexpectedEof)),
            }
        }
    }

    /// Skips the element that has just started, whatever it holds.
    fn skip(&mut self) -> Result<()> {
        let mut depth = 1usize;
        while depth > 0 {
            match self.p.next(&mut |_| Ok(()))? {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                Event::Eof(_) => return Err(self.p.error(ErrorKind::UnexpectedEof)),
            }
        }
        Ok(())
    }

    /// The trimmed text of the element that has just started; child elements are skipped.
    fn text(&mut self) -> Result<String> {
        let mut collector = TextCollector::new(MAX_TEXT);
        let mut depth = 1usize;
        while depth > 0 {
            let at = self.p.position();
            let event = self.p.next(&mut |t| {
                if depth == 1 {
                    collector.push(t).map_err(|k| Error::at(k, at))?;
                }
                Ok(())
            })?;
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                Event::Eof(_) => return Err(self.p.error(ErrorKind::UnexpectedEof)),
            }
        }
        let at = self.p.position();
        collector.into_string().map_err(|k| Error::at(k, at))
    }

    /// Text that is absent when empty.
    fn opt_text(&mut self) -> Result<Option<String>> {
        let t = self.text()?;
        Ok(if t.is_empty() { None } else { Some(t) })
    }

    fn boolean(&mut self, e: &Element) -> Result<bool> {
        let t = self.text()?;
        match t.as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" | "" => Ok(false),
            _ => Err(Error::at(
                ErrorKind::Invalid {
                    field: field_name(&e.local),
                    value: t,
                    reason: "expected true or false",
                },
                e.pos,
            )),
        }
    }

    fn date_time(&mut self, e: &Element) -> Result<Option<DateTime<Utc>>> {
        let t = self.text()?;
        if t.is_empty() {
            return Ok(None);
        }
        parse_date_time(&t).map(Some).ok_or_else(|| {
            Error::at(
                ErrorKind::Invalid {
                    field: field_name(&e.local),
                    value: t,
                    reason: "expected a date and time such as 2026-11-27T09:00:00Z",
                },
                e.pos,
            )
        })
    }

    fn date(&mut self, e: &Element) -> Result<Option<NaiveDate>> {
        let t = self.text()?;
        if t.is_empty() {
            return Ok(None);
        }
        parse_date(&t).map(Some).ok_or_else(|| {
            Error::at(
                ErrorKind::Invalid {
                    field: field_name(&e.local),
                    value: t,
                    reason: "expected a date such as 2026-11-27",
                },
                e.pos,
            )
        })
    }

    fn uuid(&mut self, e: &Element) -> Result<Uuid> {
        let t = self.text()?;
        uuid(field_name(&e.local), &t, e.pos)
    }

    fn header(&mut self, parent: &Element) -> Result<Header> {
        let mut h = Header::default();
        self.children(parent, |r, e| {
            if e.ns.as_deref() != Some(ns::MEMO) {
                return r.skip();
            }
            match e.local.as_str() {
                "messageType" => h.message_type = r.opt_text()?,
                "messageUUID" => {
                    let t = r.text()?;
                    h.message_uuid = Some((t, e.pos));
                }
                "messageID" => h.message_id = r.opt_text()?,
                "messageCode" => h.message_code = r.opt_text()?,
                "label" => h.label = r.opt_text()?,
                "notification" => h.notification = r.opt_text()?,
                "additionalNotification" => h.additional_notification = r.opt_text()?,
                "reply" => h.reply = r.boolean(&e)?,
                "replyByDateTime" => h.reply_by_date_time = r.date_time(&e)?,
                "doNotDeliverUntilDate" => h.do_not_deliver_until_date = r.date(&e)?,
                "mandatory" => h.mandatory = r.boolean(&e)?,
                "legalNotification" => h.legal_notification = r.boolean(&e)?,
                "postType" => h.post_type = r.opt_text()?,
                "Sender" => h.sender = Some(r.sender(&e)?),
                "Recipient" => h.recipient = Some(r.recipient(&e)?),
                "ContentData" => h.content_data = Some(r.content_data(&e)?),
                "ForwardData" => h.forward_data = Some(r.forward_data(&e)?),
                "ReplyData" => h.reply_data.push(r.reply_data(&e)?),
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(h)
    }

    fn sender(&mut self, parent: &Element) -> Result<Sender> {
        let mut s = Sender::default();
        self.children(parent, |r, e| {
            if e.ns.as_deref() != Some(ns::MEMO) {
                return r.skip();
            }
            match e.local.as_str() {
                "senderID" => s.id = r.text()?,
                "idType" => s.id_type = r.text()?,
                "idTypeLabel" => s.id_type_label = r.opt_text()?,
                "label" => s.label = r.text()?,
                "AttentionData" => s.attention_data = Some(r.attention_data(&e)?),
                "ContactPoint" => s.contact_point = Some(r.contact_point(&e)?),
                "Representative" => s.representative = Some(r.representative(&e)?),
                _ => r.skip()?,
            }
            Ok(())
        })?;
        if s.id.is_empty() {
            return Err(Error::at(ErrorKind::Missing("senderID"), parent.pos));
        }
        Ok(s)
    }

    fn recipient(&mut self, parent: &Element) -> Result<Recipient> {
        let mut s = Recipient::default();
        self.children(parent, |r, e| {
            if e.ns.as_deref() != Some(ns::MEMO) {
                return r.skip();
            }
            match e.local.as_str() {
                "recipientID" => s.id = r.text()?,
                "idType" => s.id_type = r.text()?,
                "idTypeLabel" => s.id_type_label = r.opt_text()?,
                "label" => s.label = r.opt_text()?,
                "AttentionData" => s.attention_data = Some(r.attention_data(&e)?),
                "ContactPoint" => s.contact_point = Some(r.contact_point(&e)?),
                _ => r.skip()?,
            }
            Ok(())
        })?;
        if s.id.is_empty() {
            return Err(Error::at(ErrorKind::Missing("recipientID"), parent.pos));
        }
        Ok(s)
    }

    fn representative(&mut self, parent: &Element) -> Result<Representative> {
        let mut s = Representative::default();
        self.children(parent, |r, e| {
            if e.ns.as_deref() != Some(ns::MEMO) {
                return r.skip();
            }
            match e.local.as_str() {
                "representativeID" => s.representative_id = r.opt_text()?,
                "idType" => s.id_type = r.opt_text()?,
                "idTypeLabel" => s.id_type_label = r.opt_text()?,
                "label" => s.label = r.opt_text()?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(s)
    }

    fn contact_point(&mut self, parent: &Element) -> Result<ContactPoint> {
        let mut s = ContactPoint::default();
        self.children(parent, |r, e| {
            if e.ns.as_deref() != Some(ns::MEMO) {
                return r.skip();
            }
            match e.local.as_str() {
                "contactGroup" => s.contact_group = r.opt_text()?,
                "contactPointID" => s.contact_point_id = r.text()?,
                "label" => s.label = r.opt_text()?,
                "ContactInfo" => {
                    let mut info = ContactInfo::default();
                    r.children(&e, |r, e| {
                        match (e.ns.as_deref() == Some(ns::MEMO), e.local.as_str()) {
                            (true, "label") => info.label = r.text()?,
                            (true, "value") => info.value = r.text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    s.contact_info.push(info);
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(s)
    }

    fn attention_data(&mut self, parent: &Element) -> Result<AttentionData> {
        let mut a = AttentionData::default();
        self.children(parent, |r, e| {
            let memo = e.ns.as_deref() == Some(ns::MEMO);
            match e.local.as_str() {
                "AttentionPerson" if memo => {
                    let mut p = AttentionPerson::default();
                    r.fields(&e, ns::MEMO, |r, name| {
                        match name {
                            "personID" => p.person_id = r.opt_text()?,
                            "label" => p.label = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    a.attention_person = Some(p);
                }
                "EMail" if memo => {
                    let mut m = EMail::default();
                    r.fields(&e, ns::MEMO, |r, name| {
                        match name {
                            "emailAddress" => m.email_address = r.text()?,
                            "relatedAgent" => m.related_agent = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    a.email = Some(m);
                }
                "Telephone" if memo => {
                    let mut t = Telephone::default();
                    r.fields(&e, ns::MEMO, |r, name| {
                        match name {
                            "telephoneNumber" => t.telephone_number = r.text()?,
                            "relatedAgent" => t.related_agent = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    a.telephone = Some(t);
                }
                "ContentResponsible" if memo => {
                    let mut c = ContentResponsible::default();
                    r.fields(&e, ns::MEMO, |r, name| {
                        match name {
                            "contentResponsibleID" => c.content_responsible_id = r.opt_text()?,
                            "label" => c.label = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    a.content_responsible = Some(c);
                }
                "GeneratingSystem" if memo => {
                    let mut g = GeneratingSystem::default();
                    r.fields(&e, ns::MEMO, |r, name| {
                        match name {
                            "generatingSystemID" => g.generating_system_id = r.text()?,
                            "label" => g.label = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    a.generating_system = Some(g);
                }
                "ProductionUnit" if e.ns.as_deref() == Some(ns::GRD) => {
                    a.production_unit = Some(r.production_unit(&e)?);
                }
                "GlobalLocationNumber" if e.ns.as_deref() == Some(ns::GLN) => {
                    let mut g = GlobalLocationNumber::default();
                    r.fields(&e, ns::GLN, |r, name| {
                        match name {
                            "globalLocationNumber" => g.global_location_number = r.text()?,
                            "location" => g.location = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    a.global_location_number = Some(g);
                }
                "SEnumber" if e.ns.as_deref() == Some(ns::GRD) => {
                    let mut s = SeNumber::default();
                    r.fields(&e, ns::GRD, |r, name| {
                        match name {
                            "seNumber" => s.se_number = r.text()?,
                            "companyName" => s.company_name = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    a.se_number = Some(s);
                }
                "EID" if e.ns.as_deref() == Some(ns::GRD) => {
                    let mut s = Eid::default();
                    r.fields(&e, ns::GRD, |r, name| {
                        match name {
                            "eID" => s.eid = r.text()?,
                            "label" => s.label = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    a.eid = Some(s);
                }
                "SORdata" if e.ns.as_deref() == Some(ns::SOR) => {
                    let mut s = SorData::default();
                    r.fields(&e, ns::SOR, |r, name| {
                        match name {
                            "sorIdentifier" => s.sor_identifier = r.text()?,
                            "entryName" => s.entry_name = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    a.sor_data = Some(s);
                }
                "Address" if e.ns.as_deref() == Some(ns::GRD) => {
                    a.address = Some(r.address(&e)?);
                }
                "UnstructuredAddress" if e.ns.as_deref() == Some(ns::GRD) => {
                    a.unstructured_address = r.unstructured_address(&e)?;
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(a)
    }

    /// Reads the children of `parent` that are in namespace `in_ns`, by local name; others are
    /// skipped.
    fn fields(
        &mut self,
        parent: &Element,
        in_ns: &str,
        mut f: impl FnMut(&mut Self, &str) -> Result<()>,
    ) -> Result<()> {
        self.children(parent, |r, e| {
            if e.ns.as_deref() == Some(in_ns) {
                f(r, &e.local)
            } else {
                r.skip()
            }
        })
    }

    fn production_unit(&mut self, parent: &Element) -> Result<ProductionUnit> {
        let mut p = ProductionUnit::default();
        self.fields(parent, ns::GRD, |r, name| {
            match name {
                "productionUnitNumber" => p.production_unit_number = r.text()?,
                "productionUnitName" => p.production_unit_name = r.opt_text()?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(p)
    }

    fn address(&mut self, parent: &Element) -> Result<Address> {
        let mut a = Address::default();
        self.children(parent, |r, e| {
            if e.ns.as_deref() != Some(ns::GRD) {
                return r.skip();
            }
            match e.local.as_str() {
                "id" => a.id = r.opt_text()?,
                "addressLabel" => a.address_label = r.opt_text()?,
                "houseNumber" => a.house_number = r.opt_text()?,
                "door" => a.door = r.opt_text()?,
                "floor" => a.floor = r.opt_text()?,
                "co" => a.co = r.opt_text()?,
                "zipCode" => a.zip_code = r.opt_text()?,
                "city" => a.city = r.opt_text()?,
                "country" => a.country = r.opt_text()?,
                "AddressPoint" => {
                    let mut p = AddressPoint::default();
                    r.fields(&e, ns::GRD, |r, name| {
                        match name {
                            "geographicEastingMeasure" => {
                                p.geographic_easting_measure = r.opt_text()?;
                            }
                            "geographicNorthingMeasure" => {
                                p.geographic_northing_measure = r.opt_text()?;
                            }
                            "geographicHeightMeasure" => {
                                p.geographic_height_measure = r.opt_text()?;
                            }
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    a.address_point = Some(p);
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(a)
    }

    fn unstructured_address(&mut self, parent: &Element) -> Result<Option<String>> {
        let mut u = None;
        self.fields(parent, ns::GRD, |r, name| {
            match name {
                "unstructured" => u = r.opt_text()?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(u)
    }

    fn content_data(&mut self, parent: &Element) -> Result<ContentData> {
        let mut c = ContentData::default();
        self.children(parent, |r, e| {
            let in_ns = |n: &str| e.ns.as_deref() == Some(n);
            match e.local.as_str() {
                "CPRdata" if in_ns(ns::GRD) => {
                    let mut d = CprData::default();
                    r.fields(&e, ns::GRD, |r, name| {
                        match name {
                            "cprNumber" => d.cpr_number = r.text()?,
                            "name" => d.name = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    c.cpr_data = Some(d);
                }
                "CVRdata" if in_ns(ns::GRD) => {
                    let mut d = CvrData::default();
                    r.fields(&e, ns::GRD, |r, name| {
                        match name {
                            "cvrNumber" => d.cvr_number = r.text()?,
                            "companyName" => d.company_name = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    c.cvr_data = Some(d);
                }
                "MotorVehicle" if in_ns(ns::DMV) => {
                    let mut d = MotorVehicle::default();
                    r.fields(&e, ns::DMV, |r, name| {
                        match name {
                            "licenseNumber" => d.license_number = r.text()?,
                            "chassisNumber" => d.chassis_number = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    c.motor_vehicle = Some(d);
                }
                "PropertyNumber" if in_ns(ns::GRD) => {
                    let mut n = None;
                    r.fields(&e, ns::GRD, |r, name| {
                        match name {
                            "propertyNumber" => n = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    c.property_number = n;
                }
                "CaseID" if in_ns(ns::MEMO) => {
                    let mut d = CaseId::default();
                    r.fields(&e, ns::MEMO, |r, name| {
                        match name {
                            "caseID" => d.case_id = r.text()?,
                            "caseSystem" => d.case_system = r.text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    c.case_id = Some(d);
                }
                "KLEdata" if in_ns(ns::KLE) => {
                    let mut d = KleData::default();
                    r.fields(&e, ns::KLE, |r, name| {
                        match name {
                            "subjectKey" => d.subject_key = r.text()?,
                            "version" => d.version = r.text()?,
                            "activityFacet" => d.activity_facet = r.opt_text()?,
                            "label" => d.label = r.text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    c.kle_data = Some(d);
                }
                "FORMdata" if in_ns(ns::FORM) => {
                    let mut d = FormData::default();
                    r.fields(&e, ns::FORM, |r, name| {
                        match name {
                            "taskKey" => d.task_key = r.text()?,
                            "version" => d.version = r.text()?,
                            "activityFacet" => d.activity_facet = r.opt_text()?,
                            "label" => d.label = r.text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    c.form_data = Some(d);
                }
                "ProductionUnit" if in_ns(ns::GRD) => {
                    c.production_unit = Some(r.production_unit(&e)?);
                }
                "Education" if in_ns(ns::UDD) => {
                    let mut d = Education::default();
                    r.fields(&e, ns::UDD, |r, name| {
                        match name {
                            "educationCode" => d.education_code = r.text()?,
                            "educationName" => d.education_name = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    c.education = Some(d);
                }
                "Address" if in_ns(ns::GRD) => c.address = Some(r.address(&e)?),
                "UnstructuredAddress" if in_ns(ns::GRD) => {
                    c.unstructured_address = r.unstructured_address(&e)?;
                }
                "AdditionalContentData" if in_ns(ns::MEMO) => {
                    let mut d = AdditionalContentData::default();
                    r.fields(&e, ns::MEMO, |r, name| {
                        match name {
                            "contentDataType" => d.content_data_type = r.opt_text()?,
                            "contentDataName" => d.content_data_name = r.text()?,
                            "contentDataValue" => d.content_data_value = r.text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    c.additional_content_data.push(d);
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(c)
    }

    fn forward_data(&mut self, parent: &Element) -> Result<ForwardData> {
        let mut uuid_at = None;
        let mut d = ForwardData {
            message_uuid: Uuid::nil(),
            original_message_date_time: None,
            original_sender: String::new(),
            original_content_responsible: None,
            original_representative: None,
            contact_point_id: None,
            comment: None,
        };
        self.children(parent, |r, e| {
            if e.ns.as_deref() != Some(ns::MEMO) {
                return r.skip();
            }
            match e.local.as_str() {
                "messageUUID" => {
                    d.message_uuid = r.uuid(&e)?;
                    uuid_at = Some(e.pos);
                }
                "originalMessageDateTime" => d.original_message_date_time = r.date_time(&e)?,
                "originalSender" => d.original_sender = r.text()?,
                "originalContentResponsible" => d.original_content_responsible = r.opt_text()?,
                "originalRepresentative" => d.original_representative = r.opt_text()?,
                "contactPointID" => d.contact_point_id = r.opt_text()?,
                "comment" => d.comment = r.opt_text()?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        if uuid_at.is_none() {
            return Err(Error::at(
                ErrorKind::Missing("ForwardData/messageUUID"),
                parent.pos,
            ));
        }
        Ok(d)
    }

    fn reply_data(&mut self, parent: &Element) -> Result<ReplyData> {
        let mut seen_uuid = false;
        let mut d = ReplyData {
            message_id: None,
            message_uuid: Uuid::nil(),
            reply_uuid: None,
            sender_id: None,
            recipient_id: None,
            case_id: None,
            contact_point_id: None,
            generating_system_id: None,
            comment: None,
            additional_reply_data: Vec::new(),
        };
        self.children(parent, |r, e| {
            if e.ns.as_deref() != Some(ns::MEMO) {
                return r.skip();
            }
            match e.local.as_str() {
                "messageID" => d.message_id = r.opt_text()?,
                "messageUUID" => {
                    d.message_uuid = r.uuid(&e)?;
                    seen_uuid = true;
                }
                "replyUUID" => {
                    let t = r.text()?;
                    if !t.is_empty() {
                        d.reply_uuid = Some(uuid("replyUUID", &t, e.pos)?);
                    }
                }
                "senderID" => d.sender_id = r.opt_text()?,
                "recipientID" => d.recipient_id = r.opt_text()?,
                "caseID" => d.case_id = r.opt_text()?,
                "contactPointID" => d.contact_point_id = r.opt_text()?,
                "generatingSystemID" => d.generating_system_id = r.opt_text()?,
                "comment" => d.comment = r.opt_text()?,
                "AdditionalReplyData" => {
                    let mut a = AdditionalReplyData::default();
                    r.fields(&e, ns::MEMO, |r, name| {
                        match name {
                            "label" => a.label = r.text()?,
                            "value" => a.value = r.text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    d.additional_reply_data.push(a);
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        if !seen_uuid {
            return Err(Error::at(
                ErrorKind::Missing("ReplyData/messageUUID"),
                parent.pos,
            ));
        }
        Ok(d)
    }

    fn body(&mut self, parent: &Element) -> Result<(Option<DateTime<Utc>>, Vec<Document>)> {
        let mut created = None;
        let mut documents = Vec::new();
        self.children(parent, |r, e| {
            if e.ns.as_deref() != Some(ns::MEMO) {
                return r.skip();
            }
            let kind = match e.local.as_str() {
                "createdDateTime" => {
                    created = r.date_time(&e)?;
                    return Ok(());
                }
                "MainDocument" => DocumentKind::Main,
                "AdditionalDocument" => DocumentKind::Additional,
                "TechnicalDocument" => DocumentKind::Technical,
                _ => return r.skip(),
            };
            documents.push(r.document(&e, kind)?);
            Ok(())
        })?;
        if !documents.iter().any(|d| d.kind == DocumentKind::Main) && !documents.is_empty() {
            return Err(Error::at(ErrorKind::Missing("MainDocument"), parent.pos));
        }
        Ok((created, documents))
    }

    /// Reads a document; documents keep the order of the message, so that a [`FileId`]
    /// given to the sink is the file's place in the finished [`Message`].
    fn document(&mut self, parent: &Element, kind: DocumentKind) -> Result<Document> {
        let index = self.documents;
        self.documents += 1;
        let mut doc = Document {
            kind,
            id: None,
            label: None,
            files: Vec::new(),
            actions: Vec::new(),
        };
        self.children(parent, |r, e| {
            if e.ns.as_deref() != Some(ns::MEMO) {
                return r.skip();
            }
            match e.local.as_str() {
                "mainDocumentID"
                | "additionalDocumentID"
                | "technicalDocumentID"
                | "documentID" => doc.id = r.opt_text()?,
                "label" => doc.label = r.opt_text()?,
                "File" => {
                    let id = FileId {
                        document: index,
                        file: doc.files.len(),
                    };
                    doc.files.push(r.file(&e, id)?);
                }
                "Action" if kind != DocumentKind::Technical => doc.actions.push(r.action(&e)?),
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(doc)
    }

    fn file(&mut self, parent: &Element, id: FileId) -> Result<File> {
        let mut filename = String::new();
        let mut encoding_format = String::new();
        let mut language = String::new();
        let mut digest: Option<(u64, String)> = None;
        self.children(parent, |r, e| {
            if e.ns.as_deref() != Some(ns::MEMO) {
                return r.skip();
            }
            match e.local.as_str() {
                "filename" => filename = r.text()?,
                "encodingFormat" => encoding_format = r.text()?,
                "language" => language = r.text()?,
                // A second content element is ignored: the first is the file.
                "content" if digest.is_none() => {
                    let meta = FileMeta {
                        filename: &filename,
                        encoding_format: &encoding_format,
                        language: &language,
                    };
                    digest = Some(r.content(&e, id, meta)?);
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        let (size, sha256) = match digest {
            Some(d) => d,
            None => {
                // No content: an empty file, so that every file has an entry in the sink.
                let meta = FileMeta {
                    filename: &filename,
                    encoding_format: &encoding_format,
                    language: &language,
                };
                self.sink_call(&filename, parent.pos, |s| s.begin(id, meta))?;
                self.sink_call(&filename, parent.pos, |s| s.end())?;
                (0, hex::encode(Sha256::digest(b"")))
            }
        };
        Ok(File {
            filename,
            encoding_format,
            language,
            size,
            sha256,
        })
    }

    fn sink_call(
        &mut self,
        filename: &str,
        pos: Position,
        f: impl FnOnce(&mut dyn Sink) -> std::io::Result<()>,
    ) -> Result<()> {
        f(self.sink).map_err(|source| {
            Error::at(
                ErrorKind::Sink {
                    filename: filename.to_owned(),
                    source,
                },
                pos,
            )
        })
    }

    /// Streams a `content` element through the base64 decoder into the sink; returns the
    /// decoded size and the hex SHA-256.
    fn content(&mut self, e: &Element, id: FileId, meta: FileMeta<'_>) -> Result<(u64, String)> {
        let filename = meta.filename.to_owned();
        self.sink_call(&filename, e.pos, |s| s.begin(id, meta))?;
        let mut decoder = b64::Decoder::locating();
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let sink = &mut *self.sink;
        let mut depth = 1usize;
        let base64_error = |reason: String| ErrorKind::Base64 {
            filename: filename.clone(),
            reason,
        };
        while depth > 0 {
            let event = self.p.next_at(&mut |at, chunk| {
                if depth > 1 {
                    return Ok(());
                }
                decoder
                    .push(chunk, &mut |bytes: &[u8]| {
                        hasher.update(bytes);
                        size += bytes.len() as u64;
                        sink.write(bytes)
                    })
                    .map_err(|err| match err {
                        b64::DecodeError::Invalid(reason) => {
                            // The character at fault, else the start of its chunk.
                            let at = match decoder.error_index() {
                                Some(i) => at.advanced(&chunk[..i]),
                                None => at,
                            };
                            Error::at(base64_error(reason), at)
                        }
                        b64::DecodeError::Sink(source) => Error::at(
                            ErrorKind::Sink {
                                filename: filename.clone(),
                                source,
                            },
                            at,
                        ),
                    })
            })?;
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                Event::Eof(_) => return Err(self.p.error(ErrorKind::UnexpectedEof)),
            }
        }
        let at = self.p.position();
        decoder
            .finish(&mut |bytes: &[u8]| {
                hasher.update(bytes);
                size += bytes.len() as u64;
                sink.write(bytes)
            })
            .map_err(|err| match err {
                // Something about the end of the text: the end tag.
                b64::DecodeError::Invalid(reason) => Error::at(base64_error(reason), at),
                b64::DecodeError::Sink(source) => Error::at(
                    ErrorKind::Sink {
                        filename: filename.clone(),
                        source,
                    },
                    at,
                ),
            })?;
        sink.end().map_err(|source| {
            Error::at(
                ErrorKind::Sink {
                    filename: filename.clone(),
                    source,
                },
                at,
            )
        })?;
        Ok((size, hex::encode(hasher.finalize())))
    }

    fn action(&mut self, parent: &Element) -> Result<Action> {
        let mut a = Action {
            label: String::new(),
            action_code: ActionCode::Other(String::new()),
            start_date_time: None,
            end_date_time: None,
            reservation: None,
            entry_point: None,
        };
        self.children(parent, |r, e| {
            if e.ns.as_deref() != Some(ns::MEMO) {
                return r.skip();
            }
            match e.local.as_str() {
                "label" => a.label = r.text()?,
                "actionCode" => a.action_code = ActionCode::from(r.text()?.as_str()),
                "startDateTime" => a.start_date_time = r.date_time(&e)?,
                "endDateTime" => a.end_date_time = r.date_time(&e)?,
                "Reservation" => a.reservation = Some(r.reservation(&e)?),
                "EntryPoint" => {
                    let mut url = None;
                    r.fields(&e, ns::MEMO, |r, name| {
                        match name {
                            "url" => url = r.opt_text()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?;
                    a.entry_point = url;
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(a)
    }

    fn reservation(&mut self, parent: &Element) -> Result<Reservation> {
        let mut uuid_value = None;
        let mut abstract_ = String::new();
        let mut description = String::new();
        let mut location = String::new();
        let mut start = None;
        let mut end = None;
        let mut organizer_mail = None;
        let mut organizer_name = None;
        self.children(parent, |r, e| {
            if e.ns.as_deref() != Some(ns::MEMO) {
                return r.skip();
            }
            match e.local.as_str() {
                "description" => description = r.text()?,
                "reservationUUID" => uuid_value = Some(r.uuid(&e)?),
                "abstract" => abstract_ = r.text()?,
                "location" => location = r.text()?,
                "startDateTime" => start = r.date_time(&e)?,
                "endDateTime" => end = r.date_time(&e)?,
                "organizerMail" => organizer_mail = r.opt_text()?,
                "organizerName" => organizer_name = r.opt_text()?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        let missing = |what| Error::at(ErrorKind::Missing(what), parent.pos);
        let start = start.ok_or_else(|| missing("Reservation/startDateTime"))?;
        Ok(Reservation {
            reservation_uuid: uuid_value.ok_or_else(|| missing("Reservation/reservationUUID"))?,
            abstract_,
            description,
            location,
            start_date_time: start,
            // An appointment without an end is read as one that ends when it starts.
            end_date_time: end.unwrap_or(start),
            organizer_mail,
            organizer_name,
        })
    }
}

/// The element name as a `'static` field name for errors.
fn field_name(local: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "messageUUID",
        "replyUUID",
        "reservationUUID",
        "reply",
        "mandatory",
        "legalNotification",
        "replyByDateTime",
        "doNotDeliverUntilDate",
        "createdDateTime",
        "startDateTime",
        "endDateTime",
        "originalMessageDateTime",
    ];
    KNOWN
        .iter()
        .find(|k| **k == local)
        .copied()
        .unwrap_or("value")
}

fn uuid(field: &'static str, text: &str, pos: Position) -> Result<Uuid> {
    Uuid::try_parse(text.trim()).map_err(|_| {
        Error::at(
            ErrorKind::Invalid {
                field,
                value: text.to_owned(),
                reason: "expected a UUID such as 6c9e4a4e-7f0b-4c1e-9d3a-2b8f5e0c1a77",
            },
            pos,
        )
    })
}

/// Parses an `xs:dateTime` leniently: with `Z` or an offset (converted to UTC), or with no
/// zone at all (read as UTC, as MeMo requires all times to be).
pub(crate) fn parse_date_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // RFC 3339 needs seconds; xs:dateTime allows a lower-case z as well as none.
    let s2 = s.strip_suffix('z').map(|b| format!("{b}Z"));
    if let Some(t) = s2
        .as_deref()
        .and_then(|x| DateTime::parse_from_rfc3339(x).ok())
    {
        return Some(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Some(t.and_utc());
        }
    }
    None
}

/// Parses an `xs:date`, ignoring a zone suffix if there is one.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let day = s.get(..10)?;
    let rest = &s[10..];
    if !(rest.is_empty() || rest == "Z" || rest.starts_with('+') || rest.starts_with('-')) {
        return None;
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}
