//! Where file contents go when a message is read, and where they come from when it is written.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::model::FileId;
use crate::safe_name::NameAllocator;

/// What is known of a file when its content begins: the fields before `content` in the XSD's
/// order (a sender that writes them after `content` leaves them empty here).
#[derive(Debug, Clone, Copy)]
pub struct FileMeta<'a> {
    pub filename: &'a str,
    pub encoding_format: &'a str,
    pub language: &'a str,
}

/// Receives the decoded bytes of each file while a message is read.
///
/// For each `File` the reader calls `begin`, then `write` any number of times, then `end`.
/// An error from any of them stops the reading with [`ErrorKind::Sink`](crate::ErrorKind::Sink).
pub trait Sink {
    fn begin(&mut self, id: FileId, meta: FileMeta<'_>) -> io::Result<()>;
    fn write(&mut self, decoded: &[u8]) -> io::Result<()>;
    fn end(&mut self) -> io::Result<()>;
}

/// Drops the bytes: for reading the model only (sizes and SHA-256 are still computed).
#[derive(Debug, Clone, Copy, Default)]
pub struct Discard;

impl Sink for Discard {
    fn begin(&mut self, _: FileId, _: FileMeta<'_>) -> io::Result<()> {
        Ok(())
    }
    fn write(&mut self, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn end(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Keeps every file in memory, refusing any file larger than a limit: for small messages,
/// tests, and messages being composed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemorySink {
    limit: u64,
    files: BTreeMap<FileId, Vec<u8>>,
    current: Option<FileId>,
}

impl MemorySink {
    /// A sink that refuses any file of more than `limit` bytes.
    pub fn with_limit(limit: u64) -> Self {
        Self {
            limit,
            ..Self::default()
        }
    }

    /// The bytes of the file at `id`.
    pub fn get(&self, id: FileId) -> Option<&[u8]> {
        self.files.get(&id).map(Vec::as_slice)
    }

    /// Sets the bytes of the file at `id` (for composing a message to write).
    pub fn insert(&mut self, id: FileId, bytes: Vec<u8>) {
        self.files.insert(id, bytes);
    }

    /// Every file, in document order.
    pub fn into_files(self) -> BTreeMap<FileId, Vec<u8>> {
        self.files
    }
}

impl Sink for MemorySink {
    fn begin(&mut self, id: FileId, _: FileMeta<'_>) -> io::Result<()> {
        self.files.insert(id, Vec::new());
        self.current = Some(id);
        Ok(())
    }

    fn write(&mut self, decoded: &[u8]) -> io::Result<()> {
        let limit = self.limit;
        let file = self
            .current
            .and_then(|id| self.files.get_mut(&id))
            .ok_or_else(|| io::Error::other("write outside a file"))?;
        if file.len() as u64 + decoded.len() as u64 > limit {
            return Err(io::Error::other(format!(
                "the file is larger than the {limit} bytes allowed in memory"
            )));
        }
        file.extend_from_slice(decoded);
        Ok(())
    }

    fn end(&mut self) -> io::Result<()> {
        self.current = None;
        Ok(())
    }
}

/// Writes each file into a directory under a safe, unique name (see [`crate::safe_name`]).
#[derive(Debug)]
pub struct DirSink {
    dir: PathBuf,
    names: NameAllocator,
    current: Option<io::BufWriter<std::fs::File>>,
    written: Vec<(FileId, PathBuf)>,
}

impl DirSink {
    /// Files will be created in `dir`, which must exist. Existing files are never overwritten:
    /// a clash gets a number.
    pub fn new(dir: impl AsRef<Path>) -> Self {
        Self {
            dir: dir.as_ref().to_path_buf(),
            names: NameAllocator::default(),
            current: None,
            written: Vec::new(),
        }
    }

    /// The paths written, in the order of the message.
    pub fn written(&self) -> &[(FileId, PathBuf)] {
        &self.written
    }
}

impl Sink for DirSink {
    fn begin(&mut self, id: FileId, meta: FileMeta<'_>) -> io::Result<()> {
        loop {
            let name = self.names.allocate(meta.filename);
            let path = self.dir.join(&name);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(f) => {
                    self.current = Some(io::BufWriter::with_capacity(256 * 1024, f));
                    self.written.push((id, path));
                    return Ok(());
                }
                // Taken by a file that was there before: try the next number.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn write(&mut self, decoded: &[u8]) -> io::Result<()> {
        match &mut self.current {
            Some(f) => f.write_all(decoded),
            None => Err(io::Error::other("write outside a file")),
        }
    }

    fn end(&mut self) -> io::Result<()> {
        if let Some(mut f) = self.current.take() {
            f.flush()?;
        }
        Ok(())
    }
}

/// Gives the writer the bytes of each file of the message being written.
pub trait ContentSource {
    fn open(&mut self, id: FileId) -> io::Result<Box<dyn Read + '_>>;
}

impl ContentSource for MemorySink {
    fn open(&mut self, id: FileId) -> io::Result<Box<dyn Read + '_>> {
        match self.files.get(&id) {
            Some(bytes) => Ok(Box::new(bytes.as_slice())),
            None => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no content for document {} file {}", id.document, id.file),
            )),
        }
    }
}

impl<F> ContentSource for F
where
    F: FnMut(FileId) -> io::Result<Box<dyn Read>>,
{
    fn open(&mut self, id: FileId) -> io::Result<Box<dyn Read + '_>> {
        self(id)
    }
}
