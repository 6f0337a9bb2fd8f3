//! The streaming XML layer shared by the reader and the validator.
//!
//! quick-xml parses the markup (tags, attributes, namespaces, comments, declarations); all
//! character data is scanned here instead, straight out of our own buffer, and handed to a
//! callback in chunks. That is what keeps memory flat: a `content` element holding 130 MB of
//! base64 never becomes one string. Doing it here also gives exact line and column numbers for
//! every element, since we own the buffer and count as bytes are consumed.
//!
//! Security: a `<!DOCTYPE` is refused outright, so no entity can be declared, fetched or
//! expanded; the only references resolved are the five predefined entities and character
//! references.

use std::io::{self, BufRead, Read};

use quick_xml::NsReader;
use quick_xml::events::Event as QEvent;
use quick_xml::name::{Namespace, NamespaceResolver, ResolveResult};

use crate::error::{Error, ErrorKind, Position, Result};

/// The MeMo namespace, for use in constants outside this module.
pub(crate) const fn ns_memo() -> &'static str {
    ns::MEMO
}

/// The namespace URIs a MeMo message uses.
pub(crate) mod ns {
    pub(crate) const MEMO: &str = "https://DigitalPost.dk/MeMo-1";
    pub(crate) const GRD: &str = "https://data.gov.dk/model/core/";
    pub(crate) const KLE: &str = "http://kle-online.dk/";
    pub(crate) const FORM: &str = "http://www.form-online.dk/";
    pub(crate) const DMV: &str = "https://motorregister.skat.dk/";
    pub(crate) const GLN: &str =
        "https://www.gs1.dk/gs1-standarder/identifikation/gln-global-location-number/";
    pub(crate) const SOR: &str = "https://services.nsi.dk/en/Services/SOR";
    pub(crate) const UDD: &str = "https://www.dst.dk/da/TilSalg/Forskningsservice/Dokumentation/hoejkvalitetsvariable/elevregister-2/udd#";
}

/// An element's start tag, with its namespace resolved.
#[derive(Debug, Clone)]
pub(crate) struct Element {
    /// The namespace URI, or `None` when the name is in no namespace.
    pub(crate) ns: Option<String>,
    pub(crate) local: String,
    /// Attributes other than namespace declarations, values unescaped and normalized.
    pub(crate) attrs: Vec<Attribute>,
    /// Where the `<` of the start tag is.
    pub(crate) pos: Position,
}

impl Element {
    /// Is this element `local` in namespace `ns`?
    pub(crate) fn is(&self, ns: &str, local: &str) -> bool {
        self.local == local && self.ns.as_deref() == Some(ns)
    }

    /// The value of the attribute `name` in no namespace.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_none() && a.local == name)
            .map(|a| a.value.as_str())
    }

    /// `{ns}local`, for messages.
    pub(crate) fn display_name(&self) -> String {
        match &self.ns {
            Some(ns) if ns == ns::MEMO => self.local.clone(),
            Some(ns) => format!("{{{ns}}}{}", self.local),
            None => self.local.clone(),
        }
    }
}

/// One attribute of a start tag.
#[derive(Debug, Clone)]
pub(crate) struct Attribute {
    /// The namespace URI when the name has a prefix; `None` for an unprefixed name.
    pub(crate) ns: Option<String>,
    pub(crate) local: String,
    pub(crate) value: String,
}

/// A markup event; character data goes to the callback given to [`Parser::next`].
#[derive(Debug)]
pub(crate) enum Event {
    Start(Element),
    End(Position),
    Eof(Position),
}

/// The streaming parser. See the module documentation.
pub(crate) struct Parser<R: Read> {
    xml: NsReader<Tracked<R>>,
    buf: Vec<u8>,
    /// An `<a/>` is reported as a start followed by this end.
    pending_end: Option<Position>,
}

impl<R: Read> std::fmt::Debug for Parser<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parser")
            .field("position", &self.position())
            .finish_non_exhaustive()
    }
}

impl<R: Read> Parser<R> {
    pub(crate) fn new(input: R) -> Result<Self> {
        let mut tracked = Tracked::new(input);
        tracked
            .skip_bom()
            .map_err(|e| tracked.error(ErrorKind::Io(e)))?;
        let mut xml = NsReader::from_reader(tracked);
        let config = xml.config_mut();
        config.trim_text_start = false;
        config.trim_text_end = false;
        config.expand_empty_elements = false;
        config.check_end_names = true;
        Ok(Self {
            xml,
            buf: Vec::with_capacity(1024),
            pending_end: None,
        })
    }

    /// Where the parser is now.
    pub(crate) fn position(&self) -> Position {
        self.xml.get_ref().position()
    }

    /// An error at the current position.
    pub(crate) fn error(&self, kind: ErrorKind) -> Error {
        Error::at(kind, self.position())
    }

    /// Reads up to the next start tag, end tag or the end of input. The character data before
    /// it (with references resolved and CDATA sections unwrapped, comments and processing
    /// instructions left out) goes to `text` in chunks.
    pub(crate) fn next(&mut self, text: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<Event> {
        self.next_at(&mut |_, chunk| text(chunk))
    }

    /// [`Parser::next`], giving `text` the position of each chunk as well.
    pub(crate) fn next_at(
        &mut self,
        text: &mut dyn FnMut(Position, &[u8]) -> Result<()>,
    ) -> Result<Event> {
        if let Some(pos) = self.pending_end.take() {
            return Ok(Event::End(pos));
        }
        loop {
            self.xml.get_mut().scan_text(text)?;
            let pos = self.position();
            self.buf.clear();
            let (resolved, event) = match self.xml.read_resolved_event_into(&mut self.buf) {
                Ok(x) => x,
                Err(e) => {
                    let at_eof = self.xml.get_ref().at_eof();
                    return Err(syntax(e, self.position(), at_eof));
                }
            };
            let ns = namespace(resolved, pos);
            match event {
                QEvent::Start(start) => {
                    let element = element(self.xml.resolver(), ns?, &start, pos)?;
                    return Ok(Event::Start(element));
                }
                QEvent::Empty(start) => {
                    let element = element(self.xml.resolver(), ns?, &start, pos)?;
                    self.pending_end = Some(self.xml.get_ref().position());
                    return Ok(Event::Start(element));
                }
                QEvent::End(_) => return Ok(Event::End(pos)),
                QEvent::Eof => return Ok(Event::Eof(pos)),
                QEvent::DocType(_) => return Err(Error::at(ErrorKind::Dtd, pos)),
                QEvent::Decl(decl) => {
                    if let Some(enc) = decl.encoding() {
                        let enc =
                            enc.map_err(|e| Error::at(ErrorKind::Syntax(e.to_string()), pos))?;
                        let normal = enc.trim().to_ascii_lowercase();
                        if normal != "utf-8" && normal != "utf8" {
                            return Err(Error::at(ErrorKind::Encoding(enc.into_owned()), pos));
                        }
                    }
                }
                QEvent::Comment(_) | QEvent::PI(_) => {}
                // Character data never reaches quick-xml: `scan_text` stops only at markup.
                QEvent::Text(_) | QEvent::CData(_) | QEvent::GeneralRef(_) => {
                    return Err(Error::at(
                        ErrorKind::Syntax("unexpected character data".into()),
                        pos,
                    ));
                }
            }
        }
    }
}

/// A resolved name's namespace URI; an undeclared prefix is an error.
fn namespace(resolved: ResolveResult<'_>, pos: Position) -> Result<Option<String>> {
    match resolved {
        ResolveResult::Bound(Namespace(uri)) => Ok(Some(uri.to_owned())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(prefix) => Err(Error::at(
            ErrorKind::Syntax(format!("the namespace prefix {prefix:?} is not declared")),
            pos,
        )),
    }
}

/// The start tag `start` as an [`Element`] in namespace `ns`.
fn element(
    resolver: &NamespaceResolver,
    ns: Option<String>,
    start: &quick_xml::events::BytesStart<'_>,
    pos: Position,
) -> Result<Element> {
    let local = start.local_name().into_inner().to_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| Error::at(ErrorKind::Syntax(e.to_string()), pos))?;
        let key = attr.key;
        if key.as_namespace_binding().is_some() {
            continue;
        }
        let (resolved, local) = resolver.resolve_attribute(key);
        let ns = namespace(resolved, pos)?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| syntax(e, pos, false))?;
        attrs.push(Attribute {
            ns,
            local: local.into_inner().to_owned(),
            value: value.into_owned(),
        });
    }
    Ok(Element {
        ns,
        local,
        attrs,
        pos,
    })
}

/// A quick-xml error as ours.
fn syntax(e: quick_xml::Error, pos: Position, at_eof: bool) -> Error {
    use quick_xml::Error as Q;
    let kind = match e {
        Q::Io(io) => ErrorKind::Io(io::Error::new(io.kind(), io.to_string())),
        Q::Syntax(_) if at_eof => ErrorKind::UnexpectedEof,
        Q::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(_, name)) => {
            ErrorKind::Entity(name)
        }
        other => ErrorKind::Syntax(other.to_string()),
    };
    Error::at(kind, pos)
}

/// Collects character data into a string of at most `max` bytes (an error past that), so a
/// hostile message cannot make a short field hold megabytes.
pub(crate) struct TextCollector {
    pub(crate) text: Vec<u8>,
    max: usize,
}

impl TextCollector {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            text: Vec::new(),
            max,
        }
    }

    pub(crate) fn push(&mut self, chunk: &[u8]) -> std::result::Result<(), ErrorKind> {
        if self.text.len() + chunk.len() > self.max {
            return Err(ErrorKind::Syntax(format!(
                "a text value is longer than {} bytes",
                self.max
            )));
        }
        self.text.extend_from_slice(chunk);
        Ok(())
    }

    /// The text, trimmed of surrounding white space.
    pub(crate) fn into_string(self) -> std::result::Result<String, ErrorKind> {
        let s = String::from_utf8(self.text)
            .map_err(|_| ErrorKind::Syntax("text is not valid UTF-8".into()))?;
        Ok(s.trim().to_owned())
    }
}

/// Is every byte XML white space?
pub(crate) fn is_blank(chunk: &[u8]) -> bool {
    chunk
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

const BUFFER: usize = 64 * 1024;

/// A buffered reader that knows the line and column of what it has consumed.
pub(crate) struct Tracked<R> {
    inner: R,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
    pos: Position,
}

impl<R: Read> Tracked<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            buf: vec![0; BUFFER].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            pos: Position {
                line: 1,
                column: 1,
                offset: 0,
            },
        }
    }

    fn position(&self) -> Position {
        self.pos
    }

    fn at_eof(&self) -> bool {
        self.eof && self.start == self.end
    }

    fn error(&self, kind: ErrorKind) -> Error {
        Error::at(kind, self.pos)
    }

    /// Makes at least `n` bytes available if the input has them; returns how many there are.
    fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        while self.end - self.start < n && !self.eof {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            let read = loop {
                match self.inner.read(&mut self.buf[self.end..]) {
                    Ok(r) => break r,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            if read == 0 {
                self.eof = true;
            }
            self.end += read;
        }
        Ok(&self.buf[self.start..self.end])
    }

    fn skip_bom(&mut self) -> io::Result<()> {
        if self.peek(3)?.starts_with(b"\xEF\xBB\xBF") {
            // The BOM is not a character of the document: skip it without counting a column.
            self.start += 3;
            self.pos.offset += 3;
        }
        Ok(())
    }

    /// Scans character data up to the next markup (or the end of input) and gives it to `text`.
    /// CDATA sections are character data too; comments and the rest are left for quick-xml.
    fn scan_text(&mut self, text: &mut dyn FnMut(Position, &[u8]) -> Result<()>) -> Result<()> {
        loop {
            let pos = self.pos;
            let available = self
                .fill_buf()
                .map_err(|e| Error::at(ErrorKind::Io(e), pos))?;
            if available.is_empty() {
                return Ok(());
            }
            match memchr::memchr2(b'<', b'&', available) {
                None => {
                    let n = available.len();
                    text(self.pos, &self.buf[self.start..self.start + n])?;
                    self.consume(n);
                }
                Some(i) => {
                    if i > 0 {
                        text(self.pos, &self.buf[self.start..self.start + i])?;
                        self.consume(i);
                    }
                    if self.buf[self.start] == b'&' {
                        self.reference(text)?;
                    } else {
                        let pos = self.pos;
                        let head = self.peek(9).map_err(|e| Error::at(ErrorKind::Io(e), pos))?;
                        if head.starts_with(b"<![CDATA[") {
                            self.consume(9);
                            self.cdata(text)?;
                        } else {
                            return Ok(());
                        }
                    }
                }
            }
        }
    }

    /// Resolves `&...;` at the current position: the five predefined entities and character
    /// references. Anything else is refused.
    fn reference(&mut self, text: &mut dyn FnMut(Position, &[u8]) -> Result<()>) -> Result<()> {
        let pos = self.pos;
        let head = self
            .peek(40)
            .map_err(|e| Error::at(ErrorKind::Io(e), pos))?;
        // `peek` may return more than asked for: a reference is short, so look no further.
        let head = &head[..head.len().min(40)];
        let Some(semi) = memchr::memchr(b';', head) else {
            return Err(Error::at(
                ErrorKind::Syntax("an & is not followed by a reference ending in ;".into()),
                pos,
            ));
        };
        let name = String::from_utf8_lossy(&head[1..semi]).into_owned();
        let resolved: char = match name.as_str() {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "apos" => '\'',
            "quot" => '"',
            n if n.starts_with("#x") || n.starts_with("#X") => char_ref(&n[2..], 16, pos)?,
            n if n.starts_with('#') => char_ref(&n[1..], 10, pos)?,
            n if !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || "_-.:".contains(c)) => {
                return Err(Error::at(ErrorKind::Entity(name), pos));
            }
            _ => {
                return Err(Error::at(
                    ErrorKind::Syntax("an & is not followed by a reference ending in ;".into()),
                    pos,
                ));
            }
        };
        self.consume(semi + 1);
        let mut utf8 = [0u8; 4];
        text(pos, resolved.encode_utf8(&mut utf8).as_bytes())
    }

    /// Gives the inside of a CDATA section (already past `<![CDATA[`) to `text`.
    fn cdata(&mut self, text: &mut dyn FnMut(Position, &[u8]) -> Result<()>) -> Result<()> {
        loop {
            let pos = self.pos;
            let available = self
                .fill_buf()
                .map_err(|e| Error::at(ErrorKind::Io(e), pos))?;
            if available.is_empty() {
                return Err(self.error(ErrorKind::UnexpectedEof));
            }
            match memchr::memchr(b']', available) {
                None => {
                    let n = available.len();
                    text(self.pos, &self.buf[self.start..self.start + n])?;
                    self.consume(n);
                }
                Some(i) => {
                    if i > 0 {
                        text(self.pos, &self.buf[self.start..self.start + i])?;
                        self.consume(i);
                    }
                    let pos = self.pos;
                    let head = self.peek(3).map_err(|e| Error::at(ErrorKind::Io(e), pos))?;
                    if head.starts_with(b"]]>") {
                        self.consume(3);
                        return Ok(());
                    }
                    if head.len() < 3 && self.eof {
                        return Err(self.error(ErrorKind::UnexpectedEof));
                    }
                    text(self.pos, b"]")?;
                    self.consume(1);
                }
            }
        }
    }
}

fn char_ref(digits: &str, radix: u32, pos: Position) -> Result<char> {
    u32::from_str_radix(digits, radix)
        .ok()
        .and_then(char::from_u32)
        .filter(|c| *c != '\0')
        .ok_or_else(|| {
            Error::at(
                ErrorKind::Syntax(format!("&#{digits}; is not a valid character reference")),
                pos,
            )
        })
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Tracked<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.start == self.end {
            self.peek(1)?;
        }
        Ok(&self.buf[self.start..self.end])
    }

    fn consume(&mut self, n: usize) {
        let n = n.min(self.end - self.start);
        let consumed = &self.buf[self.start..self.start + n];
        let mut newlines = 0;
        let mut last = None;
        for i in memchr::memchr_iter(b'\n', consumed) {
            newlines += 1;
            last = Some(i);
        }
        let tail = match last {
            Some(i) => {
                self.pos.line += newlines;
                self.pos.column = 1;
                &consumed[i + 1..]
            }
            None => consumed,
        };
        // Columns count characters: every byte that does not continue a UTF-8 sequence.
        self.pos.column += tail.iter().filter(|b| (**b & 0xC0) != 0x80).count() as u64;
        self.pos.offset += n as u64;
        self.start += n;
    }
}
