//! Running the binary, and what the sample messages in `tests/data/` carry.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sha2::Digest;

/// What one run of `brevdue` did.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// Fails the test, showing the run, unless the exit code is `code`; and never a panic.
    #[track_caller]
    pub(crate) fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code: {self:#?}");
        self.no_panic()
    }

    #[track_caller]
    pub(crate) fn no_panic(&self) -> &Self {
        assert!(
            !self.stderr.contains("panicked"),
            "the binary panicked: {self:#?}"
        );
        self
    }

    /// Asserts the run failed with a message that says where in the input: the
    /// `error: line N, column M: ...` form.
    #[track_caller]
    pub(crate) fn expect_positioned_error(&self) -> &Self {
        self.expect_code(1);
        let first = self.stderr.lines().next().unwrap_or("");
        let rest = first
            .strip_prefix("error: line ")
            .unwrap_or_else(|| panic!("no positioned error: {self:#?}"));
        let (line, rest) = rest.split_once(", column ").expect("a column");
        let (column, message) = rest.split_once(": ").expect("a message after the position");
        assert!(line.parse::<u64>().unwrap() >= 1, "{self:#?}");
        assert!(column.parse::<u64>().unwrap() >= 1, "{self:#?}");
        assert!(message.len() > 10, "the message says too little: {self:#?}");
        self
    }
}

/// Runs `brevdue` with `args`.
pub(crate) fn brevdue(args: &[&str]) -> Run {
    brevdue_with_stdin(args, b"")
}

/// Runs `brevdue` with `args`, giving it `stdin`.
pub(crate) fn brevdue_with_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_brevdue"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start brevdue");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    // Fed from a thread so that a large input cannot deadlock against a full stdout pipe.
    let feeder = std::thread::spawn(move || {
        // The binary may stop reading early (an error); a broken pipe is fine then.
        let _ = input.write_all(&stdin);
    });
    let out = child.wait_with_output().expect("wait for brevdue");
    feeder.join().unwrap();
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// The path of a sample message.
pub(crate) fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The path of a sample message as a `&str` argument.
pub(crate) fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// Lower-case hex SHA-256.
pub(crate) fn sha256(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

// The bytes the sample messages carry, base64-encoded into them (see `tests/data/README.md`).

/// `indkaldelse.pdf` in `v12_default_ns.xml`, `afgørelse.pdf` in `v11_prefixed_bom.xml`.
pub(crate) const PDF: &[u8] = b"%PDF-1.4\n% Brevdue test document\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
/// `indkaldelse.txt` in `v12_default_ns.xml` (CR LF line breaks in its base64),
/// `aarsopgoerelse.txt` in `v10_document_id.xml`.
pub(crate) const TXT: &str = "Kære Karen\n\nDu har fået en tid til MR-scanning på Aarhus Universitetshospital.\nMed venlig hilsen\nBilleddiagnostisk Afdeling\n";
/// `vejledning.txt` in `v12_default_ns.xml`, `bilag.txt` in `v10_document_id.xml`.
pub(crate) const BILAG: &str = "Vejledning: mød op 15 minutter før. Husk sygesikringsbevis.\n";
/// `sag.json` in `v12_default_ns.xml`.
pub(crate) const JSON: &[u8] = b"{\"sag\":\"RM-2026-0042\",\"version\":1}\n";

/// The file names in `hostile_names.xml`, in order; file `i` holds `file {i}: {name}`.
pub(crate) const HOSTILE_NAMES: [&str; 10] = [
    "../../x",
    "/etc/passwd",
    "CON",
    "a\\b",
    "",
    "brev.pdf",
    "brev.pdf",
    "BREV.pdf",
    "..",
    "nul.txt",
];

/// A reproducible stream of bytes that are not text.
pub(crate) fn random_bytes(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}
