//! Inputs that once made the reader or the validator misbehave (most found by `fuzz/run.sh`),
//! kept in `tests/fuzz_regressions/` and run through both: each must end in a message or an
//! error with a position, never a panic or a hang. Add the file when fixing what it found.
//!
//! | file | what it found | fix |
//! |---|---|---|
//! | `entity-name-runs-on.xml` | an `&` without a near `;` put up to 64 KiB of raw bytes into the error text | `xml.rs`: a reference is looked for within 40 bytes, and a name that is not an XML name is a syntax error |

// Helpers outside #[test] functions may panic too: this is a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use brevdue_memo::{Discard, MemorySink};

fn inputs() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    inputs.sort();
    assert!(
        !inputs.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    inputs
}

#[test]
fn every_regression_input_reads_to_a_message_or_a_positioned_error() {
    for (path, bytes) in inputs() {
        for result in [
            brevdue_memo::read(bytes.as_slice(), &mut Discard),
            brevdue_memo::read(bytes.as_slice(), &mut MemorySink::with_limit(1 << 20)),
        ] {
            if let Err(e) = result {
                assert!(e.position().is_some(), "{}: {e}", path.display());
                let text = e.to_string();
                assert!(
                    text.len() < 1024,
                    "{}: an error of {} bytes",
                    path.display(),
                    text.len()
                );
            }
        }
    }
}

#[test]
fn every_regression_input_validates_to_violations_or_an_error() {
    for (path, bytes) in inputs() {
        match brevdue_memo::validate(bytes.as_slice()) {
            Ok(violations) => {
                for v in violations {
                    assert!(v.position.line >= 1, "{}: {v}", path.display());
                }
            }
            Err(e) => assert!(e.position().is_some(), "{}: {e}", path.display()),
        }
    }
}

#[test]
fn an_unterminated_reference_is_a_short_syntax_error() {
    let bytes = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fuzz_regressions/entity-name-runs-on.xml"),
    )
    .unwrap();
    let e = brevdue_memo::read(bytes.as_slice(), &mut Discard).unwrap_err();
    assert!(
        matches!(e.kind(), brevdue_memo::ErrorKind::Syntax(_)),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "line 2, column 88: not well-formed XML: an & is not followed by a reference ending in ;"
    );
    // A real undeclared entity still names itself.
    let e = brevdue_memo::read(
        &b"<Message xmlns=\"https://DigitalPost.dk/MeMo-1\" memoVersion=\"1.2\">&nbsp;</Message>"[..],
        &mut Discard,
    )
    .unwrap_err();
    assert!(
        matches!(e.kind(), brevdue_memo::ErrorKind::Entity(n) if n == "nbsp"),
        "{e:?}"
    );
}
