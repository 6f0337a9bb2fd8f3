//! Safe file names for saving files that a sender named.
//!
//! A sender's `filename` is hostile input: it may hold directories (`../../.bashrc`), absolute
//! paths, device names that Windows treats specially (`CON`, `LPT1.txt`), control and bidi
//! characters that disguise an extension (`invoice\u{202E}fdp.exe`), or nothing at all.
//! [`safe_file_name`] turns any of these into one plain name for one file in one folder, and
//! [`NameAllocator`] numbers names that clash.

use std::collections::HashSet;

/// The longest name we produce, in bytes (file systems allow 255).
const MAX_BYTES: usize = 200;

/// The name used when nothing usable is left.
const FALLBACK: &str = "fil";

/// Turns a sender's file name into a name that is safe to create in a chosen folder: no path
/// separators, no `..`, not absolute, not hidden, no reserved device name, no control or bidi
/// characters, at most 200 bytes (the extension kept).
pub fn safe_file_name(name: &str) -> String {
    // Only the last component of any path, whichever separator it uses.
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut clean: String = last
        .chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' | '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    // Windows drops trailing dots and spaces; leading ones hide the file or confuse tools.
    clean = clean
        .trim_matches(|c: char| c == ' ' || c == '.')
        .to_owned();
    if clean.starts_with('-') {
        clean.insert(0, '_');
    }
    if clean.is_empty() {
        clean = FALLBACK.to_owned();
    }
    if is_reserved(&clean) {
        clean.insert(0, '_');
    }
    truncate_keeping_extension(&clean, MAX_BYTES)
}

/// Characters that change how text is displayed without being seen.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Windows device names, with or without an extension.
fn is_reserved(name: &str) -> bool {
    let stem = name
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_ascii_uppercase();
    matches!(
        stem.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ((stem.starts_with("COM") || stem.starts_with("LPT"))
        && stem.len() == 4
        && stem.as_bytes()[3].is_ascii_digit())
}

fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 && name.len() - i <= 16 => name.split_at(i),
        _ => (name, ""),
    }
}

fn truncate_keeping_extension(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let (stem, ext) = split_extension(name);
    let mut cut = max.saturating_sub(ext.len());
    while cut > 0 && !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{ext}", &stem[..cut])
}

/// Hands out safe names for one folder, numbering clashes: `brev.pdf`, `brev (2).pdf`, ...
/// Names are compared without regard to case, as on the file systems of Windows and macOS.
#[derive(Debug, Default, Clone)]
pub struct NameAllocator {
    taken: HashSet<String>,
}

impl NameAllocator {
    /// A safe name for `name` that this allocator has not handed out before.
    pub fn allocate(&mut self, name: &str) -> String {
        let base = safe_file_name(name);
        if self.taken.insert(base.to_lowercase()) {
            return base;
        }
        let (stem, ext) = split_extension(&base);
        (2u64..)
            .map(|n| {
                let suffix = format!(" ({n}){ext}");
                let mut cut = MAX_BYTES.saturating_sub(suffix.len()).min(stem.len());
                while cut > 0 && !stem.is_char_boundary(cut) {
                    cut -= 1;
                }
                format!("{}{suffix}", &stem[..cut])
            })
            .find(|candidate| self.taken.insert(candidate.to_lowercase()))
            .unwrap_or(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_directories_and_traversal() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("/etc/shadow"), "shadow");
        assert_eq!(
            safe_file_name("C:\\Windows\\system32\\evil.dll"),
            "evil.dll"
        );
        assert_eq!(safe_file_name(".."), "fil");
        assert_eq!(safe_file_name("."), "fil");
        assert_eq!(safe_file_name("dir/"), "fil");
        assert_eq!(safe_file_name(""), "fil");
    }

    #[test]
    fn never_hidden_reserved_or_option_like() {
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name("CON"), "_CON");
        assert_eq!(safe_file_name("lpt1.txt"), "_lpt1.txt");
        assert_eq!(safe_file_name("com9"), "_com9");
        assert_eq!(safe_file_name("COMPUTER.txt"), "COMPUTER.txt");
        assert_eq!(safe_file_name("-rf"), "_-rf");
        assert_eq!(safe_file_name("brev.pdf. . "), "brev.pdf");
    }

    #[test]
    fn removes_control_and_bidi_characters() {
        assert_eq!(safe_file_name("faktura\u{202E}fdp.exe"), "fakturafdp.exe");
        assert_eq!(safe_file_name("a\nb\u{0}c.pdf"), "a_b_c.pdf");
        assert_eq!(safe_file_name("what?<>|*\".txt"), "what______.txt");
        assert_eq!(
            safe_file_name("Årsopgørelse 2026.pdf"),
            "Årsopgørelse 2026.pdf"
        );
    }

    #[test]
    fn long_names_keep_their_extension_and_char_boundaries() {
        let long = format!("{}.pdf", "æ".repeat(300));
        let safe = safe_file_name(&long);
        assert!(safe.len() <= MAX_BYTES);
        assert!(safe.ends_with(".pdf"));
    }

    #[test]
    fn clashes_are_numbered_case_insensitively() {
        let mut names = NameAllocator::default();
        assert_eq!(names.allocate("brev.pdf"), "brev.pdf");
        assert_eq!(names.allocate("BREV.pdf"), "BREV (2).pdf");
        assert_eq!(names.allocate("../brev.pdf"), "brev (3).pdf");
        assert_eq!(names.allocate(""), "fil");
        assert_eq!(names.allocate("/"), "fil (2)");
    }
}
