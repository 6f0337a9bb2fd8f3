//! Strict validation of a MeMo message against the rules of the MeMo XSDs, and a few domain
//! rules on top of them (a CPR number is 10 digits, a CVR number 8).
//!
//! It streams: the message is read once through [`crate::xml`], with a stack of one frame per
//! open element, and nothing grows with the size of a file's content (base64 is checked as it
//! passes, by the same decoder the reader uses). Every broken rule becomes a [`Violation`] with
//! its line and column, and checking goes on, so one run reports them all. Only input that
//! cannot be checked at all is an error: not well-formed XML, a DTD, an unknown entity, not
//! UTF-8, or a failing read.
//!
//! The schemas are tables in [`schema`]; the simple types and their checks are in [`types`].
//!
//! How a broken content model is reported (each broken rule once):
//! - an element the parent does not allow: "is not allowed in", with what was expected;
//! - an allowed element in the wrong place: "is out of order", then it is checked as usual;
//! - one too many: "may occur at most";
//! - a required element never seen: "is missing", at the parent's start tag, after the
//!   parent's end, so that an element that was only out of order is not also "missing".
//!
//! Known differences from xmllint (libxml2 2.9.14), where this module follows the XSD
//! specification and libxml2 does not: libxml2 does not collapse white space around an
//! `xs:date`, `xs:long` (`memoGLNType`, `memoPNumberType`) value and so rejects
//! `<doNotDeliverUntilDate> 2026-12-10 </doNotDeliverUntilDate>`; and it accepts an empty
//! `xs:long` and an empty `xs:language`, which are not in their lexical spaces. The tests
//! hold a sample of each. Also beyond the XSD: the root must be `Message` (the XSD would take
//! any global element as a root), `memoVersion` must name a known version, and the CPR/CVR
//! digit rules.

mod schema;
mod types;
mod uri;

use std::io::Read;
use std::path::Path;

use crate::b64;
use crate::error::{Error, ErrorKind, Position, Result};
use crate::xml::{self, Element, Event, Parser, ns};

use schema::{Content, Decl, Model, UNBOUNDED, Version};
use types::{Collector, SimpleType, quote_str};

/// One rule of the schema that a message breaks, and where.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    pub position: Position,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.position.line, self.position.column, self.message
        )
    }
}

/// Every rule of the MeMo schemas that the message in `input` breaks, in the order of their
/// positions. An empty list means the message is valid.
///
/// `Err` only when the input cannot be validated at all: it is not well-formed XML (or not
/// UTF-8), has a DTD or an unknown entity, or cannot be read.
pub fn validate<R: Read>(input: R) -> Result<Vec<Violation>> {
    let mut parser = Parser::new(input)?;
    let mut walker = Walker::new();
    loop {
        let event = parser.next_at(&mut |pos, chunk| walker.text(pos, chunk))?;
        if walker.utf8.len > 0 {
            return Err(Error::at(not_utf8(), walker.utf8.at));
        }
        if let Some(run) = walker.stray.take() {
            run.report(&mut walker.report);
        }
        match event {
            Event::Start(e) => walker.start(e)?,
            Event::End(_) => walker.end(),
            Event::Eof(pos) => {
                if !walker.root_done {
                    return Err(Error::at(ErrorKind::UnexpectedEof, pos));
                }
                break;
            }
        }
    }
    Ok(walker.report.finish())
}

/// [`validate`] for the file at `path`.
pub fn validate_file(path: impl AsRef<Path>) -> Result<Vec<Violation>> {
    let file = std::fs::File::open(path).map_err(|e| Error::from(ErrorKind::Io(e)))?;
    validate(file)
}

/// MeMo nests elements 8 deep; the walker's own stack stops far beyond that (an unknown
/// element's content is not stacked at all).
const MAX_DEPTH: usize = 64;

/// More violations than this are counted, not listed: a hostile message must not make the
/// list grow without end.
const MAX_VIOLATIONS: usize = 10_000;

/// The violations found so far.
#[derive(Debug, Default)]
struct Report {
    list: Vec<Violation>,
    omitted: u64,
}

impl Report {
    fn add(&mut self, position: Position, message: String) {
        if self.list.len() < MAX_VIOLATIONS {
            self.list.push(Violation { position, message });
        } else {
            self.omitted += 1;
        }
    }

    fn finish(mut self) -> Vec<Violation> {
        // Stable: violations at one place keep the order they were found in.
        self.list.sort_by_key(|v| v.position.offset);
        if self.omitted > 0 {
            let position = self.list.last().map(|v| v.position).unwrap_or_default();
            self.list.push(Violation {
                position,
                message: format!(
                    "{} more violations are not listed (at most {MAX_VIOLATIONS} are)",
                    self.omitted
                ),
            });
        }
        self.list
    }
}

/// The state of the validation: the open elements, innermost last.
#[derive(Debug)]
struct Walker {
    version: Version,
    stack: Vec<Frame>,
    report: Report,
    utf8: Utf8,
    root_done: bool,
    /// Non-blank text in element-only content, in the current run of text (between two
    /// tags), reported when the run ends.
    stray: Option<StrayText>,
}

/// One open element.
#[derive(Debug)]
struct Frame {
    pos: Position,
    /// The particle of the parent this element stands for, when it is one.
    slot: Option<usize>,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    /// Element-only content.
    Elements(Elements),
    /// A simple-type value being collected.
    Value {
        decl: &'static Decl,
        ty: SimpleType,
        collector: Collector,
        /// Any character data at all (an element with a default may be empty, not blank).
        has_text: bool,
    },
    /// A file's base64 content being checked.
    Content(Base64Check),
    /// An element that is itself reported: its content is not checked. Holds how many
    /// elements inside it are open (counted, not stacked, so that deep nesting costs nothing).
    Skip(u64),
}

/// Text where only elements may be: where it starts and how it begins, for the message.
#[derive(Debug)]
struct StrayText {
    pos: Position,
    parent: &'static Decl,
    start: String,
    cut: bool,
}

impl StrayText {
    /// How much of the text the message quotes.
    const QUOTE: usize = 60;

    fn new(pos: Position, parent: &'static Decl) -> Self {
        Self {
            pos,
            parent,
            start: String::new(),
            cut: false,
        }
    }

    fn push(&mut self, piece: &str) {
        for c in piece.chars() {
            if self.start.chars().count() >= Self::QUOTE {
                self.cut = true;
                return;
            }
            self.start.push(c);
        }
    }

    fn report(self, report: &mut Report) {
        let text = self.start.trim_end();
        let message = format!(
            "text {} is not allowed in {}, which holds only elements",
            quote_str(text, self.cut),
            self.parent.display()
        );
        report.add(self.pos, message);
    }
}

/// Where a model's sequence has got to.
#[derive(Debug)]
struct Elements {
    decl: &'static Decl,
    model: &'static Model,
    /// The furthest particle reached.
    cursor: usize,
    slots: Vec<Slot>,
}

/// What has been seen of one particle.
#[derive(Debug, Default, Clone)]
struct Slot {
    count: u32,
    /// The element that filled it (for a choice, which one).
    seen: Option<&'static Decl>,
    /// A simple value it held, with where (kept for the domain rules and file names).
    value: Option<(String, Position)>,
}

impl Walker {
    fn new() -> Self {
        Self {
            version: Version::V12,
            stack: Vec::new(),
            report: Report::default(),
            utf8: Utf8::default(),
            root_done: false,
            stray: None,
        }
    }

    /// Character data at `pos`.
    fn text(&mut self, pos: Position, chunk: &[u8]) -> Result<()> {
        let Self {
            stack,
            report,
            utf8,
            stray,
            ..
        } = self;
        utf8.feed(pos, chunk, &mut |pos, piece| {
            let bytes = piece.as_bytes();
            if let Some(i) = bytes
                .iter()
                .position(|b| *b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            {
                return Err(Error::at(
                    ErrorKind::Syntax(format!(
                        "the character U+{:04X} is not allowed in XML",
                        bytes[i]
                    )),
                    advance(pos, &bytes[..i]),
                ));
            }
            let Some(frame) = stack.last_mut() else {
                if !xml::is_blank(piece.as_bytes()) {
                    return Err(Error::at(
                        ErrorKind::Syntax("text outside the root element".into()),
                        pos,
                    ));
                }
                return Ok(());
            };
            match &mut frame.kind {
                Kind::Elements(el) => match stray {
                    Some(run) => run.push(piece),
                    None => {
                        let rest = piece.trim_start_matches([' ', '\t', '\n', '\r']);
                        if !rest.is_empty() {
                            let at = advance(pos, &bytes[..bytes.len() - rest.len()]);
                            let mut run = StrayText::new(at, el.decl);
                            run.push(rest);
                            *stray = Some(run);
                        }
                    }
                },
                Kind::Value {
                    collector,
                    has_text,
                    ..
                } => {
                    *has_text = true;
                    collector.push(piece);
                }
                Kind::Content(check) => check.push(pos, piece, report),
                Kind::Skip(_) => {}
            }
            Ok(())
        })
    }

    fn start(&mut self, e: Element) -> Result<()> {
        let Some(parent) = self.stack.last_mut() else {
            if self.root_done {
                return Err(Error::at(
                    ErrorKind::Syntax("a second root element".into()),
                    e.pos,
                ));
            }
            self.root(e);
            return Ok(());
        };
        let frame = match &mut parent.kind {
            Kind::Elements(el) => match el.place(&e, self.version) {
                Placed::Child {
                    slot,
                    decl,
                    problem,
                } => {
                    if let Some(problem) = problem {
                        self.report.add(e.pos, problem);
                    }
                    check_attributes(&e, &decl.display(), &mut self.report);
                    let filename = match decl.content {
                        Content::Simple(SimpleType::Base64) => el.value_of("filename"),
                        _ => None,
                    };
                    Frame::new(decl, e.pos, Some(slot), filename)
                }
                Placed::Rejected(problem) => {
                    self.report.add(e.pos, problem);
                    Frame::skip(e.pos)
                }
            },
            Kind::Value { decl, .. } => {
                let message = format!(
                    "element {:?} is not allowed in {}, which holds only text",
                    e_display(&e),
                    decl.display()
                );
                self.report.add(e.pos, message);
                Frame::skip(e.pos)
            }
            Kind::Content(check) => {
                let message = format!(
                    "element {:?} is not allowed in content, which holds only base64 text",
                    e_display(&e)
                );
                check.failed = true;
                self.report.add(e.pos, message);
                Frame::skip(e.pos)
            }
            Kind::Skip(depth) => {
                *depth += 1;
                let open = *depth as usize;
                return self.depth_limit(open, &e);
            }
        };
        self.stack.push(frame);
        self.depth_limit(0, &e)
    }

    /// Refuses nesting deeper than [`MAX_DEPTH`]: no message needs it, and the parser keeps
    /// every open element's name.
    fn depth_limit(&self, skipped: usize, e: &Element) -> Result<()> {
        if self.stack.len().saturating_add(skipped) > MAX_DEPTH {
            return Err(Error::at(
                ErrorKind::NotMemo(format!("elements are nested more than {MAX_DEPTH} deep")),
                e.pos,
            ));
        }
        Ok(())
    }

    /// The root element: `Message`, its attributes, and the version to validate as.
    fn root(&mut self, e: Element) {
        if !e.is(ns::MEMO, "Message") {
            self.report.add(
                e.pos,
                format!(
                    "the root element is {:?}{}; a MeMo message is \"Message\" in namespace {:?}",
                    short(&e.display_name()),
                    if e.ns.is_none() {
                        " in no namespace"
                    } else {
                        ""
                    },
                    ns::MEMO
                ),
            );
            self.stack.push(Frame::skip(e.pos));
            return;
        }
        self.version = self.root_attributes(&e);
        self.stack
            .push(Frame::new(&schema::MESSAGE, e.pos, None, None));
    }

    /// Checks the attributes of `Message` and returns the version to validate as.
    fn root_attributes(&mut self, e: &Element) -> Version {
        let report = &mut self.report;
        let mut version = Version::V12;
        match e.attr("memoVersion") {
            None => report.add(
                e.pos,
                "attribute \"memoVersion\" is missing on Message; validated as MeMo 1.2".into(),
            ),
            Some(raw) => {
                let mut c = Collector::new(SimpleType::Decimal);
                c.push(raw);
                let value = c.finish();
                if let Some(problem) = SimpleType::Decimal.check("memoVersion", &value) {
                    report.add(e.pos, format!("{problem}; validated as MeMo 1.2"));
                } else {
                    match known_version(&value.text) {
                        Some(v) => version = v,
                        None => report.add(
                            e.pos,
                            format!(
                                "memoVersion {} is not a MeMo version this validator knows \
                                 (1.0, 1.1, 1.2); validated as MeMo 1.2",
                                types::quote(&value)
                            ),
                        ),
                    }
                }
            }
        }
        let sch = e.attr("memoSchVersion");
        match (version, sch) {
            (Version::V12, Some(_)) => report.add(
                e.pos,
                "attribute \"memoSchVersion\" is not allowed in MeMo 1.2 (only 1.0 and 1.1 have it)"
                    .into(),
            ),
            (Version::V10 | Version::V11, None) => report.add(
                e.pos,
                format!(
                    "attribute \"memoSchVersion\" is missing on Message (required in MeMo {})",
                    version.name()
                ),
            ),
            (Version::V10 | Version::V11, Some(raw)) => {
                let mut c = Collector::new(SimpleType::Text);
                c.push(raw);
                if let Some(problem) = SimpleType::Text.check("memoSchVersion", &c.finish()) {
                    report.add(e.pos, problem);
                }
            }
            (Version::V12, None) => {}
        }
        for a in &e.attrs {
            let known =
                a.ns.is_none() && matches!(a.local.as_str(), "memoVersion" | "memoSchVersion");
            if !known && !is_schema_hint(a) {
                report.add(e.pos, unknown_attribute(a, "Message"));
            }
        }
        version
    }

    fn end(&mut self) {
        if let Some(Frame {
            kind: Kind::Skip(depth),
            ..
        }) = self.stack.last_mut()
            && *depth > 0
        {
            *depth -= 1;
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        if self.stack.is_empty() {
            self.root_done = true;
        }
        let kept = match frame.kind {
            Kind::Elements(el) => {
                el.finish(frame.pos, self.version, &mut self.report);
                None
            }
            Kind::Value {
                decl,
                ty,
                collector,
                has_text,
            } => {
                let value = collector.finish();
                let problem = if decl.has_default && value.text.is_empty() {
                    // Empty means the default; white space alone is not empty.
                    has_text.then(|| {
                        format!(
                            "{} holds only white space: leave it empty for the default, or \
                             write true or false",
                            decl.display()
                        )
                    })
                } else {
                    ty.check(&decl.display(), &value)
                };
                if let Some(problem) = problem {
                    self.report.add(frame.pos, problem);
                }
                value.complete.then_some((value.text, frame.pos))
            }
            Kind::Content(check) => {
                check.finish(frame.pos, &mut self.report);
                None
            }
            Kind::Skip(_) => None,
        };
        // The parent keeps its children's values, for the domain rules and file names.
        if let (Some(slot), Some(kept)) = (frame.slot, kept)
            && let Some(Frame {
                kind: Kind::Elements(parent),
                ..
            }) = self.stack.last_mut()
            && let Some(s) = parent.slots.get_mut(slot)
        {
            s.value = Some(kept);
        }
    }
}

impl Frame {
    fn new(
        decl: &'static Decl,
        pos: Position,
        slot: Option<usize>,
        filename: Option<String>,
    ) -> Self {
        let kind = match decl.content {
            Content::Elements(model) => Kind::Elements(Elements {
                decl,
                model,
                cursor: 0,
                slots: vec![Slot::default(); model.particles.len()],
            }),
            Content::Simple(SimpleType::Base64) => Kind::Content(Base64Check::new(filename)),
            Content::Simple(ty) => Kind::Value {
                decl,
                ty,
                collector: Collector::new(ty),
                has_text: false,
            },
        };
        Self { pos, slot, kind }
    }

    fn skip(pos: Position) -> Self {
        Self {
            pos,
            slot: None,
            kind: Kind::Skip(0),
        }
    }
}

/// Where a child element goes in its parent's sequence.
enum Placed {
    /// It stands for particle `slot` (with a problem to report when it is out of place, one
    /// too many, or in the wrong namespace): its content is checked as `decl`.
    Child {
        slot: usize,
        decl: &'static Decl,
        problem: Option<String>,
    },
    /// It has no place here; its content is not checked.
    Rejected(String),
}

impl Elements {
    /// The active particles of the model (those of `version`), with their indices.
    fn active(&self, version: Version) -> impl Iterator<Item = (usize, &'static schema::Particle)> {
        let model: &'static Model = self.model;
        model
            .particles
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.is_in(version))
    }

    /// Finds the place of child `e` and records it.
    fn place(&mut self, e: &Element, version: Version) -> Placed {
        let parent = self.decl.display();
        let found = self.find(version, |d| e.is(d.ns, d.name));
        let (index, decl, wrong_ns) = match found {
            Some((i, d)) => (i, d, None),
            None => match self.find(version, |d| d.name == e.local) {
                Some((i, d)) => {
                    let actual = match &e.ns {
                        Some(uri) => format!("in namespace {uri:?}"),
                        None => "in no namespace".to_owned(),
                    };
                    let problem = format!(
                        "element {:?} is {actual}, but {parent} expects {:?} in namespace {:?}",
                        e.local,
                        d.display(),
                        d.ns
                    );
                    (i, d, Some(problem))
                }
                None => return Placed::Rejected(self.rejection(e, version)),
            },
        };
        let slot = &self.slots[index];
        let particle = &self.model.particles[index];
        let name = decl.display();
        let problem = if slot.count >= particle.max {
            Some(match slot.seen {
                Some(seen) if particle.is_choice() && !std::ptr::eq(seen, decl) => format!(
                    "element {name:?} is not allowed after {:?} in {parent}: it may hold {}, not both",
                    seen.display(),
                    particle.names()
                ),
                _ => format!(
                    "element {name:?} may occur at most {} in {parent}",
                    times(particle.max)
                ),
            })
        } else if index < self.cursor {
            let later = self.slots[self.cursor]
                .seen
                .map(Decl::display)
                .unwrap_or_default();
            Some(format!(
                "element {name:?} is out of order in {parent}: it must come before {later:?}"
            ))
        } else {
            None
        };
        let slot = &mut self.slots[index];
        slot.count = slot.count.saturating_add(1);
        slot.seen.get_or_insert(decl);
        if index > self.cursor {
            self.cursor = index;
        }
        Placed::Child {
            slot: index,
            decl,
            problem: wrong_ns.or(problem),
        }
    }

    /// The first active particle with an element accepted by `matches`, looking from the
    /// cursor onward first.
    fn find(
        &self,
        version: Version,
        matches: impl Fn(&Decl) -> bool,
    ) -> Option<(usize, &'static Decl)> {
        let candidates: Vec<(usize, &'static schema::Particle)> = self.active(version).collect();
        let (after, before): (Vec<_>, Vec<_>) =
            candidates.into_iter().partition(|(i, _)| *i >= self.cursor);
        after
            .into_iter()
            .chain(before)
            .find_map(|(i, p)| p.elements().iter().find(|d| matches(d)).map(|d| (i, d)))
    }

    /// The message for child `e` that has no place in this element.
    fn rejection(&self, e: &Element, version: Version) -> String {
        let name = e_display(e);
        let parent = self.decl.display();
        // An element of another MeMo version?
        let other = self
            .model
            .particles
            .iter()
            .find(|p| !p.is_in(version) && p.elements().iter().any(|d| e.is(d.ns, d.name)));
        if let Some(p) = other {
            return format!(
                "element {name:?} is not allowed in {parent} in MeMo {}; it belongs to MeMo {}",
                version.name(),
                schema::version_names(p.versions)
            );
        }
        let expected = self.expected(version);
        if expected.is_empty() {
            format!("element {name:?} is not allowed in {parent}: nothing more may follow here")
        } else {
            format!(
                "element {name:?} is not allowed in {parent} (expected {})",
                expected.join(", ")
            )
        }
    }

    /// The elements that may come next: the current particle if it may repeat, and the
    /// following ones up to and including the first required one.
    fn expected(&self, version: Version) -> Vec<String> {
        let mut names = Vec::new();
        for (i, p) in self.active(version) {
            let count = self.slots[i].count;
            if i < self.cursor || count >= p.max {
                continue;
            }
            names.push(p.names());
            if count < p.min {
                break;
            }
        }
        names
    }

    /// The kept value of the child `name` (in the MeMo namespace), if it had one.
    fn value_of(&self, name: &str) -> Option<String> {
        self.model
            .particles
            .iter()
            .zip(&self.slots)
            .find(|(p, _)| {
                p.elements()
                    .iter()
                    .any(|d| d.name == name && d.ns == ns::MEMO)
            })
            .and_then(|(_, s)| s.value.as_ref().map(|(v, _)| v.clone()))
    }

    /// At the end tag: reports the required elements that never came, and the domain rules.
    fn finish(&self, pos: Position, version: Version, report: &mut Report) {
        let parent = self.decl.display();
        let active: Vec<(usize, &schema::Particle)> = self.active(version).collect();
        for (k, (i, p)) in active.iter().enumerate() {
            let count = self.slots[*i].count;
            if count >= p.min {
                continue;
            }
            if count > 0 {
                report.add(
                    pos,
                    format!(
                        "{parent} holds {count} {}; it must hold at least {}",
                        p.names(),
                        p.min
                    ),
                );
                continue;
            }
            let after = active[..k]
                .iter()
                .rev()
                .find_map(|(j, _)| self.slots[*j].seen);
            let before = active[k + 1..]
                .iter()
                .find_map(|(j, _)| self.slots[*j].seen);
            let place = match (after, before) {
                (Some(a), _) => format!(" (expected after {:?})", a.display()),
                (None, Some(b)) => format!(" (expected before {:?})", b.display()),
                (None, None) => String::new(),
            };
            let what = if p.is_choice() {
                format!("one of {}", p.names())
            } else {
                format!("element {}", p.names())
            };
            report.add(pos, format!("{what} is missing in {parent}{place}"));
        }
        if let Some(id_name) = self.model.party_id {
            self.check_party(id_name, report);
        }
    }

    /// The domain rule of `Sender`, `Recipient` and `Representative`: with `idType` CPR the id
    /// is 10 digits, with CVR 8.
    fn check_party(&self, id_name: &str, report: &mut Report) {
        let Some(id_type) = self.value_of("idType") else {
            return;
        };
        let (digits, what) = match id_type.trim() {
            "CPR" => (10, "CPR"),
            "CVR" => (8, "CVR"),
            _ => return,
        };
        let Some((id, at)) = self
            .model
            .particles
            .iter()
            .zip(&self.slots)
            .find(|(p, _)| p.elements().iter().any(|d| d.name == id_name))
            .and_then(|(_, s)| s.value.clone())
        else {
            return;
        };
        if !types::is_digits(&id, digits) {
            report.add(
                at,
                format!(
                    "{id_name} {} is not a {what} number: with idType {what} it must be {digits} digits",
                    quote_str(&id, false)
                ),
            );
        }
    }
}

/// "once", "4 times".
fn times(n: u32) -> String {
    match n {
        1 => "once".to_owned(),
        UNBOUNDED => "any number of times".to_owned(),
        n => format!("{n} times"),
    }
}

/// The name of `e` for messages (a hostile name is cut short).
fn e_display(e: &Element) -> String {
    schema::display(e.ns.as_deref(), short(&e.local))
}

/// At most 80 characters of `name`.
fn short(name: &str) -> &str {
    name.char_indices()
        .nth(80)
        .map_or(name, |(i, _)| &name[..i])
}

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// `xsi:schemaLocation` and `xsi:noNamespaceSchemaLocation` are hints to a validator that
/// XSD allows on any element.
fn is_schema_hint(a: &xml::Attribute) -> bool {
    a.ns.as_deref() == Some(XSI)
        && matches!(
            a.local.as_str(),
            "schemaLocation" | "noNamespaceSchemaLocation"
        )
}

fn unknown_attribute(a: &xml::Attribute, element: &str) -> String {
    let name = match a.ns.as_deref() {
        Some(XSI) => format!("xsi:{}", short(&a.local)),
        Some("http://www.w3.org/XML/1998/namespace") => format!("xml:{}", short(&a.local)),
        other => schema::display(other, short(&a.local)),
    };
    format!("attribute {name:?} is not allowed on {element}")
}

/// No element below the root declares attributes.
fn check_attributes(e: &Element, name: &str, report: &mut Report) {
    for a in &e.attrs {
        if !is_schema_hint(a) {
            report.add(e.pos, unknown_attribute(a, name));
        }
    }
}

/// The MeMo version a valid xs:decimal `memoVersion` names, by its value: "1.2", "1.20" and
/// "01.2" are all 1.2.
fn known_version(decimal: &str) -> Option<Version> {
    let unsigned = decimal.strip_prefix('+').unwrap_or(decimal);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    match (int, frac) {
        ("1", "") => Some(Version::V10),
        ("1", "1") => Some(Version::V11),
        ("1", "2") => Some(Version::V12),
        _ => None,
    }
}

/// The position after `bytes` that start at `pos`, counted as [`crate::xml`] counts.
fn advance(mut pos: Position, bytes: &[u8]) -> Position {
    for b in bytes {
        if *b == b'\n' {
            pos.line += 1;
            pos.column = 1;
        } else if b & 0xC0 != 0x80 {
            pos.column += 1;
        }
    }
    pos.offset += bytes.len() as u64;
    pos
}

fn not_utf8() -> ErrorKind {
    ErrorKind::Syntax("the text is not valid UTF-8".into())
}

/// Checks that character data is UTF-8 while it arrives in chunks that may split a character.
#[derive(Debug, Default)]
struct Utf8 {
    pending: [u8; 4],
    len: usize,
    /// Where the pending character starts.
    at: Position,
}

impl Utf8 {
    /// Gives `f` the chunk as whole-character pieces, each with its position.
    fn feed(
        &mut self,
        pos: Position,
        chunk: &[u8],
        f: &mut dyn FnMut(Position, &str) -> Result<()>,
    ) -> Result<()> {
        let mut rest = chunk;
        let mut pos = pos;
        while self.len > 0 {
            let Some((&b, tail)) = rest.split_first() else {
                return Ok(());
            };
            self.pending[self.len] = b;
            self.len += 1;
            rest = tail;
            pos.offset += 1;
            match std::str::from_utf8(&self.pending[..self.len]) {
                Ok(s) => {
                    f(self.at, s)?;
                    self.len = 0;
                }
                Err(e) if e.error_len().is_some() || self.len == 4 => {
                    return Err(Error::at(not_utf8(), self.at));
                }
                Err(_) => {}
            }
        }
        match std::str::from_utf8(rest) {
            Ok(s) => f(pos, s),
            Err(e) => {
                let valid = e.valid_up_to();
                let (good, bad) = rest.split_at(valid);
                let good = std::str::from_utf8(good).map_err(|_| Error::at(not_utf8(), pos))?;
                if !good.is_empty() {
                    f(pos, good)?;
                }
                let at = advance(pos, good.as_bytes());
                if e.error_len().is_some() || bad.len() > 3 {
                    return Err(Error::at(not_utf8(), at));
                }
                self.pending[..bad.len()].copy_from_slice(bad);
                self.len = bad.len();
                self.at = at;
                Ok(())
            }
        }
    }
}

/// The check of a `content` element: xs:base64Binary, streamed through [`b64::Decoder`].
#[derive(Debug)]
struct Base64Check {
    decoder: b64::Decoder,
    /// Base64 characters seen (white space not counted): a whole number of groups of 4.
    count: u64,
    failed: bool,
    filename: Option<String>,
}

impl Base64Check {
    fn new(filename: Option<String>) -> Self {
        Self {
            decoder: b64::Decoder::new(),
            count: 0,
            failed: false,
            filename,
        }
    }

    fn problem(&self, reason: &str) -> String {
        match &self.filename {
            Some(f) => format!(
                "content of file {} is not valid base64: {reason}",
                quote_str(f, false)
            ),
            None => format!("content is not valid base64: {reason}"),
        }
    }

    fn push(&mut self, pos: Position, piece: &str, report: &mut Report) {
        if self.failed {
            return;
        }
        let bytes = piece.as_bytes();
        let mut count = 0u64;
        for (i, b) in bytes.iter().enumerate() {
            match BASE64_CLASS[usize::from(*b)] {
                Class::Symbol => count += 1,
                Class::Space => {}
                Class::Other => {
                    self.failed = true;
                    let c = piece[i..].chars().next().unwrap_or_default();
                    let message = self.problem(&format!(
                        "{} is not a base64 character",
                        quote_str(&c.to_string(), false)
                    ));
                    report.add(advance(pos, &bytes[..i]), message);
                    return;
                }
            }
        }
        self.count += count;
        if let Err(b64::DecodeError::Invalid(reason)) = self
            .decoder
            .push(bytes, &mut |_| Ok::<(), std::convert::Infallible>(()))
        {
            self.failed = true;
            report.add(pos, self.problem(&friendly(&reason)));
        }
    }

    fn finish(self, at: Position, report: &mut Report) {
        if self.failed {
            return;
        }
        if !self.count.is_multiple_of(4) {
            let message = self.problem(
                "its length is not a multiple of 4 characters (is the = padding at the end missing?)",
            );
            report.add(at, message);
            return;
        }
        let problem = self.problem("");
        if let Err(b64::DecodeError::Invalid(reason)) = self
            .decoder
            .finish(&mut |_| Ok::<(), std::convert::Infallible>(()))
        {
            report.add(at, format!("{problem}{}", friendly(&reason)));
        }
    }
}

/// What a byte is in xs:base64Binary text.
#[derive(Debug, Clone, Copy)]
enum Class {
    /// A letter of the alphabet, or padding.
    Symbol,
    /// White space, which the value may hold anywhere.
    Space,
    Other,
}

/// [`Class`] by byte, built at compile time.
static BASE64_CLASS: [Class; 256] = {
    let mut table = [Class::Other; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=' {
            table[b] = Class::Symbol;
        } else if c == b' ' || c == b'\t' || c == b'\n' || c == b'\r' {
            table[b] = Class::Space;
        }
        b += 1;
    }
    table
};

/// The decoder's reason in words for a sender's developer.
fn friendly(reason: &str) -> String {
    if reason.contains("padding") && reason.starts_with("text") {
        "there is text after the = padding".to_owned()
    } else {
        "the last group of 4 characters does not decode (the character before the = padding \
         has bits set that padding leaves out, or there is too much padding)"
            .to_owned()
    }
}
