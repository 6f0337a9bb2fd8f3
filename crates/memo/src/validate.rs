//! Strict validation against the MeMo XSDs. PLACEHOLDER: being written.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, ErrorKind, Position, Result};

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

/// Every rule of the MeMo schemas that the message in `input` breaks.
pub fn validate<R: Read>(input: R) -> Result<Vec<Violation>> {
    let _ = input;
    Ok(Vec::new())
}

/// [`validate`] for the file at `path`.
pub fn validate_file(path: impl AsRef<Path>) -> Result<Vec<Violation>> {
    let file = std::fs::File::open(path).map_err(|e| Error::from(ErrorKind::Io(e)))?;
    validate(file)
}
