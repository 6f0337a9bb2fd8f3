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
//! The schemas are tables in [`schema`], the simple types and their checks in [`types`];
//! [`sequence`] follows a content model child by child, [`base64`] checks file content and
//! [`chars`] character data.
//!
//! How a broken content model is reported (each broken rule once):
//! - an element the parent does not allow: "is not allowed in", with what was expected;
//! - an allowed element in the wrong place: "is out of order", then it is checked as usual;
//! - an allowed element in another namespace: "is in namespace", then checked as the element
//!   it was meant to be;
//! - one too many: "may occur at most";
//! - a required element never seen: "is missing", at the parent's start tag, found at the
//!   parent's end tag, so that an element that was only out of order is not also "missing".
//!
//! Attributes: only `Message` declares any. `xsi:schemaLocation` and
//! `xsi:noNamespaceSchemaLocation` are allowed anywhere, as XSD allows them; any other
//! attribute (`xsi:type` and `xml:lang` included) is a violation.
//!
//! Beyond the XSD: the root must be `Message` (the XSD would take any of its global elements
//! as a root), `memoVersion` must name a version we know, and the CPR/CVR digit rules.
//!
//! Where xmllint (libxml2 2.9.14) differs, this module follows the XSD specification: XSD
//! Part 2 fixes `whiteSpace` to `collapse` for every atomic type not derived from xs:string,
//! but libxml2 does not collapse it around an `xs:date` or an `xs:long` (`memoGLNType`,
//! `memoPNumberType`) and so rejects `<doNotDeliverUntilDate> 2026-12-10
//! </doNotDeliverUntilDate>`, which is valid. And libxml2 skips characters outside the base64
//! alphabet in xs:base64Binary (as a MIME decoder may), where XSD allows none. The tests hold
//! a sample of each.

mod base64;
mod chars;
mod schema;
mod sequence;
mod types;
mod uri;

use std::io::Read;
use std::path::Path;

use crate::error::{Error, ErrorKind, Position, Result};
use crate::xml::{self, Element, Event, Parser, ns};

use base64::Base64Check;
use chars::{Utf8, advance, not_utf8};
use schema::{Content, Decl, Version, short};
use sequence::{Elements, Placed, e_display};
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

/// The deepest nesting accepted, elements inside unknown ones included. MeMo itself nests 8
/// deep; deeper input is refused, since the parser keeps the name of every open element.
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
                check.finish(&mut self.report);
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
            Content::Elements(model) => Kind::Elements(Elements::new(decl, model)),
            Content::Simple(SimpleType::Base64) => Kind::Content(Base64Check::new(filename, pos)),
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
        // An attribute in a namespace is never the unprefixed one of the same name.
        Some(uri) => format!("{{{}}}{}", short(uri), short(&a.local)),
        None => short(&a.local).to_owned(),
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
