//! A small PDF writer for the demo world's letters.
//!
//! It lays out one letter on A4 pages: a letterhead with the sender's name, a recipient block,
//! a date and reference column, a title, paragraphs, headings, bullet lists and boxed facts
//! (amount, due date, place), a closing, and a footer with page numbers. Text is set in the
//! standard Helvetica and Helvetica-Bold fonts with WinAnsiEncoding, so Danish letters (æøå)
//! show in every reader without embedding a font; characters WinAnsi lacks become `?`.
//!
//! The output is a plain PDF 1.4 file with uncompressed content streams, a cross-reference
//! table and a trailer. It is deterministic: the same letter gives the same bytes.
//!
//! Not for: anything but the demo's own, trusted text. It reads no PDF and embeds no images.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// A4 in points.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const LEFT: f32 = 72.0;
const RIGHT: f32 = PAGE_WIDTH - 72.0;
/// Body text never goes below this line: the footer lives underneath.
const BOTTOM: f32 = 78.0;
/// Where body text starts on pages after the first.
const CONTINUATION_TOP: f32 = 752.0;

const BODY_SIZE: f32 = 10.5;
const BODY_LEADING: f32 = 14.5;
const PARAGRAPH_GAP: f32 = 7.0;

const TEXT_COLOUR: [f32; 3] = [0.13, 0.13, 0.13];
const GREY: [f32; 3] = [0.42, 0.42, 0.42];

/// The sender as it appears at the top of every letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    /// The authority's name, e.g. "Fjordmark Kommune".
    pub name: String,
    /// The unit that writes, e.g. "Borgerservice".
    pub unit: String,
    /// Address, telephone, web: shown small at the top right.
    pub contact_lines: Vec<String>,
    /// The authority's colour (RGB) for the mark and the rule under the letterhead.
    pub colour: [u8; 3],
}

/// One piece of a letter's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A short bold heading.
    Heading(String),
    /// A paragraph, wrapped to the page; a `\n` forces a line break.
    Paragraph(String),
    /// Label and value pairs in a tinted box, e.g. "Beløb" / "1.234,00 kr.".
    Facts(Vec<(String, String)>),
    /// A bulleted list.
    Bullets(Vec<String>),
}

/// Everything on a letter, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub letterhead: Letterhead,
    /// The recipient's name and address, one line each.
    pub recipient: Vec<String>,
    /// Date, case number, contact: label and value, shown beside the recipient.
    pub meta: Vec<(String, String)>,
    pub title: String,
    pub body: Vec<Block>,
    /// "Med venlig hilsen" and the signature, one line each.
    pub closing: Vec<String>,
    /// One line at the bottom of every page.
    pub footer: String,
    /// Recorded as the file's creation date.
    pub created: DateTime<Utc>,
}

/// Lays `letter` out and writes it as a PDF file.
pub fn render(letter: &Letter) -> Vec<u8> {
    let pages = Layout::new(letter).run(letter);
    serialize(letter, &pages)
}

/// The two fonts a letter uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
        }
    }
}

/// A drawing operation on a page.
#[derive(Debug, Clone)]
enum Op {
    Text {
        font: Font,
        size: f32,
        x: f32,
        y: f32,
        colour: [f32; 3],
        bytes: Vec<u8>,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: [f32; 3],
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        colour: [f32; 3],
    },
}

struct Layout {
    pages: Vec<Vec<Op>>,
    /// The baseline of the next line of body text on the current page.
    y: f32,
    colour: [f32; 3],
    tint: [f32; 3],
}

impl Layout {
    fn new(letter: &Letter) -> Self {
        let [r, g, b] = letter.letterhead.colour;
        let colour = [
            f32::from(r) / 255.0,
            f32::from(g) / 255.0,
            f32::from(b) / 255.0,
        ];
        let tint = colour.map(|c| 0.92 + 0.08 * c);
        Self {
            pages: vec![Vec::new()],
            y: 0.0,
            colour,
            tint,
        }
    }

    fn run(mut self, letter: &Letter) -> Vec<Vec<Op>> {
        self.first_page_head(letter);
        for block in &letter.body {
            self.block(block, letter);
        }
        self.closing(letter);
        self.finish(letter)
    }

    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn text(&mut self, font: Font, size: f32, x: f32, y: f32, colour: [f32; 3], s: &str) {
        let bytes = win_ansi(s);
        self.page().push(Op::Text {
            font,
            size,
            x,
            y,
            colour,
            bytes,
        });
    }

    fn text_right(&mut self, font: Font, size: f32, right: f32, y: f32, colour: [f32; 3], s: &str) {
        let w = width(&win_ansi(s), font, size);
        self.text(font, size, right - w, y, colour, s);
    }

    fn first_page_head(&mut self, letter: &Letter) {
        let head = &letter.letterhead;
        let colour = self.colour;
        // The mark: a coloured square with the name's first letter.
        self.page().push(Op::Rect {
            x: LEFT,
            y: 768.0,
            w: 30.0,
            h: 30.0,
            colour,
        });
        let initial: String = head.name.chars().take(1).collect();
        let iw = width(&win_ansi(&initial), Font::Bold, 18.0);
        self.text(
            Font::Bold,
            18.0,
            LEFT + 15.0 - iw / 2.0,
            776.5,
            [1.0, 1.0, 1.0],
            &initial,
        );
        self.text(
            Font::Bold,
            15.0,
            LEFT + 40.0,
            786.0,
            TEXT_COLOUR,
            &head.name,
        );
        self.text(Font::Regular, 9.5, LEFT + 40.0, 771.0, GREY, &head.unit);
        let mut y = 792.0;
        for line in &head.contact_lines {
            self.text_right(Font::Regular, 8.0, RIGHT, y, GREY, line);
            y -= 10.5;
        }
        self.page().push(Op::Line {
            x1: LEFT,
            y1: 756.0,
            x2: RIGHT,
            y2: 756.0,
            width: 1.2,
            colour,
        });

        // The recipient, where a window envelope would show it.
        let mut ry = 706.0;
        for line in &letter.recipient {
            self.text(Font::Regular, 10.5, LEFT, ry, TEXT_COLOUR, line);
            ry -= 14.0;
        }
        // Date, case number and contact beside it.
        let mut my = 706.0;
        let label_x = 340.0;
        let value_x = 412.0;
        for (label, value) in &letter.meta {
            self.text(Font::Regular, 8.5, label_x, my, GREY, label);
            for line in wrap(value, Font::Regular, 8.5, RIGHT - value_x) {
                self.text(Font::Regular, 8.5, value_x, my, TEXT_COLOUR, &line);
                my -= 11.5;
            }
            my -= 1.5;
        }

        // An attachment has neither: its title goes straight under the letterhead.
        let mut y = if letter.recipient.is_empty() && letter.meta.is_empty() {
            722.0
        } else {
            ry.min(my) - 34.0
        };
        for line in wrap(&letter.title, Font::Bold, 14.0, RIGHT - LEFT) {
            self.text(Font::Bold, 14.0, LEFT, y, TEXT_COLOUR, &line);
            y -= 18.0;
        }
        self.y = y - 8.0;
    }

    fn new_page(&mut self, letter: &Letter) {
        self.pages.push(Vec::new());
        let colour = self.colour;
        self.text(
            Font::Bold,
            10.0,
            LEFT,
            800.0,
            TEXT_COLOUR,
            &letter.letterhead.name,
        );
        let title: String = letter.title.chars().take(70).collect();
        self.text_right(Font::Regular, 8.5, RIGHT, 800.0, GREY, &title);
        self.page().push(Op::Line {
            x1: LEFT,
            y1: 790.0,
            x2: RIGHT,
            y2: 790.0,
            width: 0.8,
            colour,
        });
        self.y = CONTINUATION_TOP;
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn ensure(&mut self, height: f32, letter: &Letter) {
        if self.y - height < BOTTOM {
            self.new_page(letter);
        }
    }

    fn lines(&mut self, lines: &[String], font: Font, x: f32, letter: &Letter) {
        for line in lines {
            self.ensure(BODY_LEADING - 4.0, letter);
            self.text(font, BODY_SIZE, x, self.y, TEXT_COLOUR, line);
            self.y -= BODY_LEADING;
        }
    }

    fn block(&mut self, block: &Block, letter: &Letter) {
        let width_all = RIGHT - LEFT;
        match block {
            Block::Heading(text) => {
                let lines = wrap(text, Font::Bold, 11.0, width_all);
                // Keep a heading with at least two lines of what follows.
                self.ensure(6.0 + 16.0 * lines.len() as f32 + 2.0 * BODY_LEADING, letter);
                self.y -= 6.0;
                for line in lines {
                    self.text(Font::Bold, 11.0, LEFT, self.y, TEXT_COLOUR, &line);
                    self.y -= 16.0;
                }
            }
            Block::Paragraph(text) => {
                let lines = wrap(text, Font::Regular, BODY_SIZE, width_all);
                // Avoid a lone first line at the foot of a page.
                if lines.len() > 1 {
                    self.ensure(2.0 * BODY_LEADING - 4.0, letter);
                }
                self.lines(&lines, Font::Regular, LEFT, letter);
                self.y -= PARAGRAPH_GAP;
            }
            Block::Bullets(items) => {
                for item in items {
                    let lines = wrap(item, Font::Regular, BODY_SIZE, width_all - 18.0);
                    self.ensure(BODY_LEADING - 4.0, letter);
                    self.text(
                        Font::Regular,
                        BODY_SIZE,
                        LEFT + 4.0,
                        self.y,
                        TEXT_COLOUR,
                        "•",
                    );
                    self.lines(&lines, Font::Regular, LEFT + 18.0, letter);
                    self.y -= 2.0;
                }
                self.y -= PARAGRAPH_GAP;
            }
            Block::Facts(pairs) => self.facts(pairs, letter),
        }
    }

    fn facts(&mut self, pairs: &[(String, String)], letter: &Letter) {
        let pad = 9.0;
        let label_w = 150.0;
        let value_x = LEFT + pad + label_w;
        let value_w = RIGHT - pad - value_x;
        let rows: Vec<(Vec<String>, Vec<String>)> = pairs
            .iter()
            .map(|(l, v)| {
                (
                    wrap(l, Font::Bold, BODY_SIZE, label_w - 8.0),
                    wrap(v, Font::Regular, BODY_SIZE, value_w),
                )
            })
            .collect();
        let line_count: usize = rows.iter().map(|(l, v)| l.len().max(v.len())).sum();
        // From the top of the first line's capitals to below the last line's descenders.
        let height = line_count.saturating_sub(1) as f32 * BODY_LEADING + 11.0 + 2.0 * pad;
        // A facts box is never split; one taller than a page simply runs on.
        if height < CONTINUATION_TOP - BOTTOM {
            self.ensure(height, letter);
        }
        let top = self.y + 8.0;
        let bottom = top - height;
        let tint = self.tint;
        let colour = self.colour;
        self.page().push(Op::Rect {
            x: LEFT,
            y: bottom,
            w: RIGHT - LEFT,
            h: height,
            colour: tint,
        });
        self.page().push(Op::Rect {
            x: LEFT,
            y: bottom,
            w: 3.0,
            h: height,
            colour,
        });
        self.y -= pad;
        for (label, value) in rows {
            let start = self.y;
            for (i, line) in label.iter().enumerate() {
                let y = start - i as f32 * BODY_LEADING;
                self.text(Font::Bold, BODY_SIZE, LEFT + pad, y, TEXT_COLOUR, line);
            }
            for (i, line) in value.iter().enumerate() {
                let y = start - i as f32 * BODY_LEADING;
                self.text(Font::Regular, BODY_SIZE, value_x, y, TEXT_COLOUR, line);
            }
            self.y = start - label.len().max(value.len()) as f32 * BODY_LEADING;
        }
        self.y = bottom - PARAGRAPH_GAP - 11.0;
    }

    fn closing(&mut self, letter: &Letter) {
        if letter.closing.is_empty() {
            return;
        }
        self.y -= 6.0;
        self.ensure(letter.closing.len() as f32 * BODY_LEADING, letter);
        for line in &letter.closing {
            self.text(Font::Regular, BODY_SIZE, LEFT, self.y, TEXT_COLOUR, line);
            self.y -= BODY_LEADING;
        }
    }

    /// Adds the footer, now that the number of pages is known.
    fn finish(mut self, letter: &Letter) -> Vec<Vec<Op>> {
        let total = self.pages.len();
        let colour = self.colour;
        for n in 0..total {
            let ops = footer(&letter.footer, n + 1, total, colour);
            self.pages[n].extend(ops);
        }
        self.pages
    }
}

fn footer(text: &str, page: usize, total: usize, colour: [f32; 3]) -> Vec<Op> {
    let number = format!("Side {page} af {total}");
    let number_bytes = win_ansi(&number);
    let number_w = width(&number_bytes, Font::Regular, 8.0);
    let room = RIGHT - LEFT - number_w - 16.0;
    let mut line = win_ansi(text);
    while width(&line, Font::Regular, 8.0) > room && !line.is_empty() {
        line.pop();
    }
    vec![
        Op::Line {
            x1: LEFT,
            y1: 54.0,
            x2: RIGHT,
            y2: 54.0,
            width: 0.5,
            colour,
        },
        Op::Text {
            font: Font::Regular,
            size: 8.0,
            x: LEFT,
            y: 42.0,
            colour: GREY,
            bytes: line,
        },
        Op::Text {
            font: Font::Regular,
            size: 8.0,
            x: RIGHT - number_w,
            y: 42.0,
            colour: GREY,
            bytes: number_bytes,
        },
    ]
}

/// Breaks `text` into lines no wider than `max` points; a `\n` forces a break and a word
/// longer than a line is split.
fn wrap(text: &str, font: Font, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for hard in text.split('\n') {
        let mut line = String::new();
        for word in hard.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, font, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: split it if it is wider than a line.
            for c in word.chars() {
                let mut next = line.clone();
                next.push(c);
                if !line.is_empty() && text_width(&next, font, size) > max {
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                } else {
                    line = next;
                }
            }
        }
        lines.push(line);
    }
    lines
}

fn text_width(s: &str, font: Font, size: f32) -> f32 {
    width(&win_ansi(s), font, size)
}

/// The width in points of WinAnsi-encoded `bytes` in `font` at `size`.
fn width(bytes: &[u8], font: Font, size: f32) -> f32 {
    let units: u32 = bytes.iter().map(|&b| u32::from(glyph_width(b, font))).sum();
    units as f32 * size / 1000.0
}

/// Text in WinAnsiEncoding (Windows code page 1252); a character it lacks becomes `?`.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '\t' => b' ',
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8a,
            '‹' => 0x8b,
            'Œ' => 0x8c,
            'Ž' => 0x8e,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9a,
            '›' => 0x9b,
            'œ' => 0x9c,
            'ž' => 0x9e,
            'Ÿ' => 0x9f,
            _ => b'?',
        })
        .collect()
}

/// Glyph widths of Helvetica and Helvetica-Bold (the standard font metrics), in 1/1000 em,
/// for the printable ASCII characters 32 to 126.
const HELVETICA_ASCII: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // space to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0 to 9
    278, 278, 584, 584, 584, 556, 1015, // : to @
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A to M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N to Z
    278, 278, 278, 469, 556, 333, // [ to `
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a to m
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n to z
    334, 260, 334, 584, // { to ~
];

const HELVETICA_BOLD_ASCII: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278,
    278, // space to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0 to 9
    333, 333, 584, 584, 584, 611, 975, // : to @
    722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, // A to M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N to Z
    333, 278, 333, 584, 556, 333, // [ to `
    556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, // a to m
    611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, // n to z
    389, 280, 389, 584, // { to ~
];

fn glyph_width(b: u8, font: Font) -> u16 {
    let bold = font == Font::Bold;
    let ascii = |c: u8| -> u16 {
        let table = if bold {
            &HELVETICA_BOLD_ASCII
        } else {
            &HELVETICA_ASCII
        };
        table
            .get(usize::from(c.wrapping_sub(32)))
            .copied()
            .unwrap_or(556)
    };
    let pick = |regular: u16, bold_w: u16| if bold { bold_w } else { regular };
    match b {
        32..=126 => ascii(b),
        // Accented letters are as wide as their base letter.
        0xc0..=0xc5 => ascii(b'A'),
        0xc7 => ascii(b'C'),
        0xc8..=0xcb => ascii(b'E'),
        0xcc..=0xcf => 278,
        0xd1 => ascii(b'N'),
        0xd2..=0xd6 | 0xd8 => ascii(b'O'),
        0xd9..=0xdc => ascii(b'U'),
        0xdd => ascii(b'Y'),
        0xe0..=0xe5 => ascii(b'a'),
        0xe7 => ascii(b'c'),
        0xe8..=0xeb => ascii(b'e'),
        0xec..=0xef => 278,
        0xf1 => ascii(b'n'),
        0xf2..=0xf6 => ascii(b'o'),
        0xf9..=0xfc => ascii(b'u'),
        0xfd | 0xff => ascii(b'y'),
        0xc6 => 1000,           // Æ
        0xe6 => 889,            // æ
        0xf8 => 611,            // ø
        0xd0 => 722,            // Ð
        0xde => 667,            // Þ
        0xdf => 611,            // ß
        0xf0 => pick(556, 611), // ð
        0xfe => pick(556, 611), // þ
        0xd7 | 0xf7 => 584,     // × ÷
        0xa0 => 278,            // no-break space
        0xa1 | 0xa8 | 0xad | 0xaf | 0xb2 | 0xb3 | 0xb4 | 0xb8 | 0xb9 => 333,
        0xa6 => pick(260, 280), // ¦
        0xa9 | 0xae => 737,     // © ®
        0xaa => 370,            // ª
        0xac | 0xb1 => 584,     // ¬ ±
        0xb0 => 400,            // °
        0xb5 => pick(556, 611), // µ
        0xb6 => pick(537, 556), // ¶
        0xb7 => 278,            // ·
        0xba => 365,            // º
        0xbc..=0xbe => 834,     // fractions
        0xbf => 611,            // ¿
        0x82 | 0x91 | 0x92 => pick(222, 278),
        0x84 | 0x93 | 0x94 => pick(333, 500),
        0x85 | 0x89 | 0x97 | 0x99 | 0x8c => 1000,
        0x88 | 0x8b | 0x98 | 0x9b => 333,
        0x8a => 667,            // Š
        0x8e => 611,            // Ž
        0x95 => 350,            // •
        0x9a => pick(500, 556), // š
        0x9c => 944,            // œ
        0x9e => 500,            // ž
        0x9f => 667,            // Ÿ
        _ => 556,
    }
}

/// Writes the laid-out pages as a PDF file.
fn serialize(letter: &Letter, pages: &[Vec<Op>]) -> Vec<u8> {
    // Objects: 1 catalog, 2 page tree, 3 and 4 fonts, 5 info, then a page and its content
    // stream for each page.
    let page_obj = |i: usize| 6 + 2 * i;
    let mut objects: Vec<Vec<u8>> = Vec::new();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R /Lang (da-DK) >>".to_vec());
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", page_obj(i)))
        .collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    for base in ["Helvetica", "Helvetica-Bold"] {
        objects.push(
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{base} /Encoding /WinAnsiEncoding >>"
            )
            .into_bytes(),
        );
    }
    let date = letter.created.format("D:%Y%m%d%H%M%SZ").to_string();
    objects.push(
        format!(
            "<< /Title {} /Author {} /Subject {} /Creator (Brevdue demo) /Producer (Brevdue) \
             /CreationDate ({date}) /ModDate ({date}) >>",
            utf16_string(&letter.title),
            utf16_string(&letter.letterhead.name),
            utf16_string("Fiktivt brev fra Brevdues demoverden"),
        )
        .into_bytes(),
    );
    for (i, ops) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
                 /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                page_obj(i) + 1
            )
            .into_bytes(),
        );
        let content = content_stream(ops);
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(&content);
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
    }

    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(xref, "{offset:010} 00000 n ");
    }
    let id = hex::encode(&Sha256::digest(&out)[..16]);
    let _ = write!(
        xref,
        "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref_at}\n%%EOF\n",
        objects.len() + 1
    );
    out.extend_from_slice(xref.as_bytes());
    out
}

fn content_stream(ops: &[Op]) -> Vec<u8> {
    let mut s = Vec::new();
    for op in ops {
        match op {
            Op::Rect { x, y, w, h, colour } => {
                s.extend_from_slice(
                    format!(
                        "{} rg {} {} {} {} re f\n",
                        rgb(*colour),
                        n(*x),
                        n(*y),
                        n(*w),
                        n(*h)
                    )
                    .as_bytes(),
                );
            }
            Op::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                colour,
            } => {
                s.extend_from_slice(
                    format!(
                        "{} RG {} w {} {} m {} {} l S\n",
                        rgb(*colour),
                        n(*width),
                        n(*x1),
                        n(*y1),
                        n(*x2),
                        n(*y2)
                    )
                    .as_bytes(),
                );
            }
            Op::Text {
                font,
                size,
                x,
                y,
                colour,
                bytes,
            } => {
                s.extend_from_slice(
                    format!(
                        "BT {} rg /{} {} Tf {} {} Td (",
                        rgb(*colour),
                        font.resource(),
                        n(*size),
                        n(*x),
                        n(*y)
                    )
                    .as_bytes(),
                );
                escape_into(bytes, &mut s);
                s.extend_from_slice(b") Tj ET\n");
            }
        }
    }
    s
}

/// A number as PDF writes it: at most two decimals, no exponent.
fn n(v: f32) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

fn rgb(c: [f32; 3]) -> String {
    format!("{} {} {}", n(c[0]), n(c[1]), n(c[2]))
}

/// The bytes of a literal string: delimiters and backslash escaped, anything outside
/// printable ASCII as an octal escape, so the file's text parts stay ASCII.
fn escape_into(bytes: &[u8], out: &mut Vec<u8>) {
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(b);
            }
            32..=126 => out.push(b),
            _ => out.extend_from_slice(format!("\\{b:03o}").as_bytes()),
        }
    }
}

/// A PDF text string in UTF-16BE with a byte-order mark, as a hex string.
fn utf16_string(s: &str) -> String {
    let mut hex = String::from("<FEFF");
    for unit in s.encode_utf16() {
        let _ = write!(hex, "{unit:04X}");
    }
    hex.push('>');
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_letters_map_to_win_ansi() {
        assert_eq!(
            win_ansi("æøåÆØÅé"),
            vec![0xe6, 0xf8, 0xe5, 0xc6, 0xd8, 0xc5, 0xe9]
        );
        assert_eq!(win_ansi("€–•"), vec![0x80, 0x96, 0x95]);
        assert_eq!(win_ansi("→"), b"?".to_vec());
    }

    #[test]
    fn wrapping_respects_the_width_and_keeps_every_word() {
        let text = "Du har fået tilbudt en plads i Børnehuset Solsikken fra den 1. i næste måned. \
                    Svar venligst senest på fredag.";
        let lines = wrap(text, Font::Regular, 10.5, 200.0);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(text_width(line, Font::Regular, 10.5) <= 200.0, "{line}");
        }
        assert_eq!(lines.join(" "), text);
        // A word wider than a line is split, not lost.
        let long = "x".repeat(200);
        let lines = wrap(&long, Font::Regular, 10.5, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), long);
    }

    #[test]
    fn widths_follow_the_helvetica_metrics() {
        assert_eq!(glyph_width(b'i', Font::Regular), 222);
        assert_eq!(glyph_width(b'i', Font::Bold), 278);
        assert_eq!(glyph_width(b'W', Font::Regular), 944);
        assert_eq!(glyph_width(0xe6, Font::Regular), 889);
        assert_eq!(glyph_width(0xc5, Font::Bold), 722);
    }

    #[test]
    fn numbers_are_written_plainly() {
        assert_eq!(n(72.0), "72");
        assert_eq!(n(595.28), "595.28");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(0.5), "0.5");
    }

    #[test]
    fn literal_strings_escape_delimiters_and_high_bytes() {
        let mut out = Vec::new();
        escape_into(b"a(b)c\\", &mut out);
        escape_into(&[0xe6], &mut out);
        assert_eq!(out, b"a\\(b\\)c\\\\\\346".to_vec());
    }
}
