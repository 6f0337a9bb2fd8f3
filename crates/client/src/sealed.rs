//! The cache's files sealed at rest: the ONLY code that reads or writes the files in the
//! cache's `files/` folder (downloaded documents and attachments, files queued to be sent, and
//! the `.part-…` files of downloads and imports under way).
//!
//! The SQLite file is encrypted by SQLCipher; a lost laptop must not give away the letters'
//! PDFs beside it either. Each file is sealed with XChaCha20-Poly1305 in records of at most
//! [`CHUNK`] bytes of plaintext, so that a file is read and written in one pass without
//! holding more than a record besides its content, and every record is authenticated:
//!
//! ```text
//! header   "BRVDSEAL" | version (1) | nonce prefix (19 random bytes)
//! record   mark: u32 little-endian (bit 31: the last record; bits 0-30: plaintext length)
//!          ciphertext | Poly1305 tag (16)
//! ```
//!
//! Record `i`'s nonce is the file's prefix, `i` (u32 big-endian) and a byte that is 1 for the
//! last record only (the STREAM construction): records cannot be reordered, dropped or moved
//! to another file, and a file cut off after any record fails because its last record is
//! missing. Every record authenticates the header; the last one also the file's name, the
//! SHA-256 of its plaintext, so a sealed file renamed to another content's name fails too. The
//! name stays the plaintext's SHA-256 (files are found by it): that hash is visible on disk,
//! the content is not.
//!
//! The key is derived from the cache key ([`CacheKey`], SQLCipher's key) with HKDF-SHA256 and
//! the label [`KEY_LABEL`], so the SQLCipher key is not used for a second purpose. A file
//! that was changed, cut off or sealed with another key (the cache key was lost and made
//! anew) reads as a [`ErrorKind::Cache`] error saying so, never as other bytes.
//!
//! Files of a cache from before this format (plain) are sealed the first time the cache is
//! opened ([`FileStore::seal_plain_files`]).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::credentials::CacheKey;
use crate::error::{ClientError, ErrorKind, Result};

/// The most plaintext in one record.
pub(crate) const CHUNK: usize = 64 * 1024;
/// The HKDF label of the files' key.
pub(crate) const KEY_LABEL: &[u8] = b"brevdue cache files v1";
const MAGIC: [u8; 8] = *b"BRVDSEAL";
const VERSION: u8 = 1;
const PREFIX_LEN: usize = 19;
/// The length of a sealed file's header.
pub(crate) const HEADER_LEN: usize = MAGIC.len() + 1 + PREFIX_LEN;
const TAG_LEN: usize = 16;
const MARK_LEN: usize = 4;
const LAST: u32 = 1 << 31;
/// Written in the files folder once every file in it is sealed (see
/// [`FileStore::seal_plain_files`]).
const ALL_SEALED: &str = ".sealed-v1";
/// The prefix of a file being written (a download kept for resuming, an import).
const PART_PREFIX: &str = ".part-";

type Header = [u8; HEADER_LEN];

/// The cache's `files/` folder and the key its files are sealed with.
#[derive(Clone)]
pub(crate) struct FileStore {
    dir: PathBuf,
    cipher: Arc<XChaCha20Poly1305>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

fn damaged() -> ClientError {
    ClientError::new(
        ErrorKind::Cache,
        "a cached file cannot be decrypted: it was changed, or sealed with another key",
    )
}

fn cut_off() -> ClientError {
    ClientError::new(ErrorKind::Cache, "a cached file is cut off")
}

fn not_sealed() -> ClientError {
    ClientError::new(
        ErrorKind::Cache,
        "a cached file is not sealed (it is not in the cache's format)",
    )
}

fn io_error(error: std::io::Error) -> ClientError {
    ClientError::cache("a cached file cannot be read or written", error)
}

fn missing() -> ClientError {
    ClientError::new(ErrorKind::NotFound, "the file is not in the cache")
}

/// Whether `text` can name a file: 64 lower-case hex digits.
pub(crate) fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl FileStore {
    /// The store in folder `dir` (the cache's `files/`), its key derived from `key`.
    pub(crate) fn new(dir: PathBuf, key: &CacheKey) -> Result<Self> {
        let mut derived = [0u8; 32];
        Hkdf::<Sha256>::new(None, key.bytes())
            .expand(KEY_LABEL, &mut derived)
            .map_err(|_| ClientError::new(ErrorKind::Cache, "the files' key cannot be derived"))?;
        let cipher = XChaCha20Poly1305::new(&derived.into());
        derived.fill(0);
        Ok(FileStore {
            dir,
            cipher: Arc::new(cipher),
        })
    }

    fn path(&self, sha256: &str) -> Option<PathBuf> {
        is_sha256(sha256).then(|| self.dir.join(sha256))
    }

    fn part_path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{PART_PREFIX}{sha256}"))
    }

    /// Whether the content with this SHA-256 is stored (not whether it reads well).
    pub(crate) fn contains(&self, sha256: &str) -> bool {
        self.address(sha256).is_some()
    }

    /// The SHA-256 of the stored file at `path`, if `path` is one (a draft's attachment
    /// forwarded from a message points at the file in the cache).
    pub(crate) fn stored_at(&self, path: &Path) -> Option<String> {
        let name = path.file_name()?.to_str()?;
        (path.parent() == Some(self.dir.as_path()) && is_sha256(name)).then(|| name.to_owned())
    }

    /// Where the content with this SHA-256 is stored (for [`Self::stored_at`]); `None` when
    /// it is not.
    pub(crate) fn address(&self, sha256: &str) -> Option<PathBuf> {
        self.path(sha256).filter(|p| p.is_file())
    }

    /// The content with this SHA-256, read from disk once and decrypted record by record into
    /// one buffer (a 10 MB PDF is one read and one pass).
    pub(crate) async fn read(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.path(sha256).ok_or_else(missing)?;
        let sealed = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(missing()),
            Err(e) => return Err(io_error(e)),
        };
        let store = self.clone();
        let name = sha256.to_owned();
        tokio::task::spawn_blocking(move || store.open_all(&name, &sealed))
            .await
            .map_err(|e| ClientError::cache("a background task failed", e))?
    }

    /// Decrypts a whole sealed file held in memory.
    fn open_all(&self, sha256: &str, sealed: &[u8]) -> Result<Vec<u8>> {
        let mut reader = SealedReader::new(self.cipher.clone(), sha256, sealed)?;
        let mut out = Vec::with_capacity(sealed.len());
        while reader.next_record()? {
            out.extend_from_slice(&reader.record);
        }
        Ok(out)
    }

    /// A reader of the content with this SHA-256 that decrypts as it goes (for writing a
    /// MeMo to send). Errors of the content come as `InvalidData` holding the
    /// [`ClientError`].
    pub(crate) fn reader(&self, sha256: &str) -> Result<impl Read + Send + use<>> {
        let path = self.path(sha256).ok_or_else(missing)?;
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(missing()),
            Err(e) => return Err(io_error(e)),
        };
        SealedReader::new(
            self.cipher.clone(),
            sha256,
            std::io::BufReader::with_capacity(CHUNK + 64, file),
        )
    }

    /// Removes the content with this SHA-256 (a file that no longer reads, to be fetched
    /// again).
    pub(crate) async fn remove(&self, sha256: &str) {
        if let Some(path) = self.path(sha256) {
            let _ = tokio::fs::remove_file(path).await;
        }
    }

    /// Copies `input` into the store under its SHA-256, sealed (at most `limit` bytes, else
    /// [`ErrorKind::TooLarge`]); returns the SHA-256 and the size. Blocking.
    pub(crate) fn import(&self, input: &mut dyn Read, limit: u64) -> Result<(String, u64)> {
        std::fs::create_dir_all(&self.dir).map_err(io_error)?;
        let temp = self
            .dir
            .join(format!("{PART_PREFIX}{}", uuid::Uuid::new_v4()));
        let result = (|| {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&temp).map_err(io_error)?);
            let mut sealer = Sealer::new(self.cipher.clone());
            let mut sealed = sealer.header.to_vec();
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = match input.read(&mut buf) {
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(read_error(e)),
                };
                if n == 0 {
                    break;
                }
                size += n as u64;
                if size > limit {
                    return Err(ClientError::new(
                        ErrorKind::TooLarge,
                        "the message with its attachments is larger than allowed",
                    ));
                }
                hasher.update(&buf[..n]);
                sealer.push(&buf[..n], &mut sealed)?;
                out.write_all(&sealed).map_err(io_error)?;
                sealed.clear();
            }
            let sha = hex::encode(hasher.finalize());
            sealer.finish(&sha, &mut sealed)?;
            out.write_all(&sealed).map_err(io_error)?;
            let file = out.into_inner().map_err(|e| io_error(e.into_error()))?;
            file.sync_all().map_err(io_error)?;
            Ok((sha, size))
        })();
        match result {
            Ok((sha, size)) => {
                std::fs::rename(&temp, self.dir.join(&sha)).map_err(io_error)?;
                Ok((sha, size))
            }
            Err(error) => {
                let _ = std::fs::remove_file(&temp);
                Err(error)
            }
        }
    }

    /// How many bytes of the content with this SHA-256 a download that broke off has kept (0
    /// when none, or when the part kept does not decrypt: it is removed).
    ///
    /// The part is decrypted and hashed here, and once more when the download goes on
    /// ([`Self::begin_part`]), rather than its hash state being kept on disk: the bytes on disk
    /// are checked before a single byte is added to them, sha2 keeps no state that can be
    /// saved, and a kept part is read twice at disk speed, which a download over the network
    /// does not notice.
    pub(crate) async fn kept_len(&self, sha256: &str) -> u64 {
        if !is_sha256(sha256) {
            return 0;
        }
        match self.check_part(sha256).await {
            Ok(Some(kept)) => kept.len,
            Ok(None) => 0,
            Err(error) => {
                tracing::warn!(%error, "a kept part of a download is dropped");
                let _ = tokio::fs::remove_file(self.part_path(sha256)).await;
                0
            }
        }
    }

    async fn check_part(&self, sha256: &str) -> Result<Option<KeptPart>> {
        let path = self.part_path(sha256);
        let cipher = self.cipher.clone();
        let name = sha256.to_owned();
        tokio::task::spawn_blocking(move || {
            let file = match std::fs::File::open(&path) {
                Ok(file) => file,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(io_error(e)),
            };
            let mut reader = SealedReader::new(
                cipher,
                &name,
                std::io::BufReader::with_capacity(CHUNK + 64, file),
            )?;
            reader.part = true;
            let mut hasher = Sha256::new();
            let mut len = 0u64;
            while reader.next_record()? {
                hasher.update(&reader.record);
                len += reader.record.len() as u64;
            }
            Ok(Some(KeptPart {
                header: reader.header,
                records: reader.index,
                hasher,
                len,
                sealed_len: reader.consumed,
            }))
        })
        .await
        .map_err(|e| ClientError::cache("a background task failed", e))?
    }

    /// Starts writing the content with this SHA-256: afresh (`from` 0) or after the `from`
    /// bytes a download that broke off kept ([`Self::kept_len`]).
    pub(crate) async fn begin_part(&self, sha256: &str, from: u64) -> Result<PartWriter> {
        if !is_sha256(sha256) {
            return Err(ClientError::protocol(
                "a file's SHA-256 is not 64 hex digits",
            ));
        }
        let path = self.part_path(sha256);
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(io_error)?;
        if from == 0 {
            let sealer = Sealer::new(self.cipher.clone());
            let mut file = tokio::fs::File::create(&path).await.map_err(io_error)?;
            file.write_all(&sealer.header).await.map_err(io_error)?;
            return Ok(PartWriter::new(
                self,
                sha256,
                file,
                sealer,
                Sha256::new(),
                0,
            ));
        }
        let kept = match self.check_part(sha256).await {
            Ok(Some(kept)) if kept.len == from => kept,
            Ok(_) => {
                return Err(ClientError::protocol(
                    "a download was resumed from a part that is not kept",
                ));
            }
            Err(error) => {
                let _ = tokio::fs::remove_file(&path).await;
                return Err(error);
            }
        };
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .await
            .map_err(io_error)?;
        // A record cut off when the last run stopped is dropped.
        file.set_len(kept.sealed_len).await.map_err(io_error)?;
        tokio::io::AsyncSeekExt::seek(&mut file, std::io::SeekFrom::End(0))
            .await
            .map_err(io_error)?;
        let sealer = Sealer {
            cipher: self.cipher.clone(),
            header: kept.header,
            index: kept.records,
            pending: Vec::with_capacity(CHUNK),
        };
        Ok(PartWriter::new(
            self,
            sha256,
            file,
            sealer,
            kept.hasher,
            kept.len,
        ))
    }

    /// Seals the files of a cache from before files were sealed, once: a plain file whose
    /// bytes match its name is sealed in place, one that does not is removed, and a plain
    /// `.part-` is removed (its download starts again). Done when [`ALL_SEALED`] is there.
    /// A file that cannot be sealed now (the disk full, a file not readable) is left for the
    /// next open and never stops the cache from opening: read meanwhile, it is "not sealed"
    /// and fetched again. Blocking.
    pub(crate) fn seal_plain_files(&self) {
        let marker = self.dir.join(ALL_SEALED);
        if marker.exists() {
            return;
        }
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(error) => {
                tracing::warn!(%error, "the cache's files cannot be listed to be sealed");
                return;
            }
        };
        let (mut sealed, mut failed) = (0u64, 0u64);
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if !entry.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            match self.seal_plain_file(&name, &path) {
                Ok(true) => sealed += 1,
                Ok(false) => {}
                Err(error) => {
                    failed += 1;
                    tracing::warn!(%error, "a plain file of an older cache could not be sealed");
                }
            }
        }
        if sealed > 0 {
            tracing::info!(sealed, "the plain files of an older cache were sealed");
        }
        if failed == 0
            && let Err(error) = std::fs::write(&marker, b"")
        {
            tracing::warn!(%error, "the mark that the cache's files are sealed cannot be written");
        }
    }

    /// Seals one file of [`Self::seal_plain_files`]; `true` when it was sealed.
    fn seal_plain_file(&self, name: &str, path: &Path) -> Result<bool> {
        if is_sealed(path)? {
            return Ok(false);
        }
        if name.starts_with(PART_PREFIX) {
            std::fs::remove_file(path).map_err(io_error)?;
            return Ok(false);
        }
        if !is_sha256(name) {
            return Ok(false);
        }
        let mut plain = std::fs::File::open(path).map_err(io_error)?;
        let (sha, _) = self.import(&mut plain, u64::MAX)?;
        if sha == name {
            return Ok(true);
        }
        // Not the content its name says: neither copy is kept.
        let _ = std::fs::remove_file(self.dir.join(sha));
        std::fs::remove_file(path).map_err(io_error)?;
        Ok(false)
    }
}

/// Whether the file at `path` starts like a sealed file.
fn is_sealed(path: &Path) -> Result<bool> {
    let mut head = [0u8; MAGIC.len()];
    let mut file = std::fs::File::open(path).map_err(io_error)?;
    match file.read_exact(&mut head) {
        Ok(()) => Ok(head == MAGIC),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(io_error(e)),
    }
}

/// An error reading what is imported: the cause, when it is a sealed file's, else the file
/// the user picked cannot be read.
fn read_error(error: std::io::Error) -> ClientError {
    match error
        .get_ref()
        .and_then(|e| e.downcast_ref::<ClientError>())
    {
        Some(inner) => ClientError::new(inner.kind(), inner.message().to_owned()),
        None => ClientError::cache("a file could not be copied into the cache", error),
    }
}

/// What a kept part of a download holds, checked.
struct KeptPart {
    header: Header,
    records: u32,
    hasher: Sha256,
    len: u64,
    /// Its bytes up to its last whole record.
    sealed_len: u64,
}

/// A download being written to its `.part-` file, sealed as it arrives.
pub(crate) struct PartWriter {
    file: tokio::fs::File,
    path: PathBuf,
    target: PathBuf,
    sealer: Sealer,
    hasher: Sha256,
    written: u64,
    out: Vec<u8>,
}

impl PartWriter {
    fn new(
        store: &FileStore,
        sha256: &str,
        file: tokio::fs::File,
        sealer: Sealer,
        hasher: Sha256,
        written: u64,
    ) -> Self {
        PartWriter {
            file,
            path: store.part_path(sha256),
            target: store.dir.join(sha256),
            sealer,
            hasher,
            written,
            out: Vec::with_capacity(CHUNK + 64),
        }
    }

    /// The bytes of plaintext written so far (those kept before included).
    pub(crate) fn written(&self) -> u64 {
        self.written
    }

    /// Adds bytes of the content; full records go to disk at once.
    pub(crate) async fn push(&mut self, data: &[u8]) -> Result<()> {
        self.hasher.update(data);
        self.written += data.len() as u64;
        self.sealer.push(data, &mut self.out)?;
        if !self.out.is_empty() {
            self.file.write_all(&self.out).await.map_err(io_error)?;
            self.out.clear();
        }
        Ok(())
    }

    /// The download broke off: what waits is sealed as a record of its own, so that every
    /// byte that arrived is kept for the next attempt.
    pub(crate) async fn keep(mut self) -> Result<()> {
        self.sealer.flush(&mut self.out)?;
        self.file.write_all(&self.out).await.map_err(io_error)?;
        self.file.flush().await.map_err(io_error)?;
        self.file.sync_all().await.map_err(io_error)
    }

    /// Removes the part (its content is wrong, or the disk failed).
    pub(crate) async fn discard(self) {
        drop(self.file);
        let _ = tokio::fs::remove_file(&self.path).await;
    }

    /// The content is complete: checked against `sha256` and `size`, sealed to its end and
    /// moved into place. On any error the part is removed: content that does not match is no
    /// good to keep, nor is a part the disk failed to write.
    pub(crate) async fn finish(mut self, sha256: &str, size: u64) -> Result<()> {
        let hash = hex::encode(std::mem::take(&mut self.hasher).finalize());
        if self.written != size || hash != sha256 {
            self.discard().await;
            return Err(ClientError::protocol(
                "a file's content does not match its size and SHA-256",
            ));
        }
        let done: Result<()> = async {
            self.sealer.finish(sha256, &mut self.out)?;
            self.file.write_all(&self.out).await.map_err(io_error)?;
            self.file.flush().await.map_err(io_error)?;
            self.file.sync_all().await.map_err(io_error)?;
            tokio::fs::rename(&self.path, &self.target)
                .await
                .map_err(io_error)
        }
        .await;
        if done.is_err() {
            self.discard().await;
        }
        done
    }
}

/// Record `index`'s nonce: the file's prefix, the index, and whether it is the last.
fn nonce(header: &Header, index: u32, last: bool) -> XNonce {
    let mut n = [0u8; 24];
    n[..PREFIX_LEN].copy_from_slice(&header[HEADER_LEN - PREFIX_LEN..]);
    n[PREFIX_LEN..PREFIX_LEN + 4].copy_from_slice(&index.to_be_bytes());
    n[23] = u8::from(last);
    XNonce::from(n)
}

/// What a record authenticates besides itself: the header, and for the last record the
/// file's name (the plaintext's SHA-256).
fn associated(header: &Header, last: Option<&str>) -> Vec<u8> {
    let mut aad = header.to_vec();
    if let Some(sha256) = last {
        aad.extend_from_slice(sha256.as_bytes());
    }
    aad
}

/// Seals plaintext into records (no I/O: the caller writes what it appends to `out`).
struct Sealer {
    cipher: Arc<XChaCha20Poly1305>,
    header: Header,
    index: u32,
    pending: Vec<u8>,
}

impl Sealer {
    fn new(cipher: Arc<XChaCha20Poly1305>) -> Self {
        let prefix: [u8; PREFIX_LEN] = rand::random();
        let mut header = [0u8; HEADER_LEN];
        header[..MAGIC.len()].copy_from_slice(&MAGIC);
        header[MAGIC.len()] = VERSION;
        header[MAGIC.len() + 1..].copy_from_slice(&prefix);
        Sealer {
            cipher,
            header,
            index: 0,
            pending: Vec::with_capacity(CHUNK),
        }
    }

    /// Adds plaintext; each full record is sealed into `out`.
    fn push(&mut self, mut data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        while !data.is_empty() {
            let take = (CHUNK - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.pending.len() == CHUNK {
                self.seal_pending(None, out)?;
            }
        }
        Ok(())
    }

    /// Seals what waits as a record of its own (not the last).
    fn flush(&mut self, out: &mut Vec<u8>) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.seal_pending(None, out)
    }

    /// Seals the last record (what waits, perhaps nothing), bound to the file's name.
    fn finish(&mut self, sha256: &str, out: &mut Vec<u8>) -> Result<()> {
        self.seal_pending(Some(sha256), out)
    }

    fn seal_pending(&mut self, last: Option<&str>, out: &mut Vec<u8>) -> Result<()> {
        let len = self.pending.len() as u32;
        let mark = if last.is_some() { len | LAST } else { len };
        out.extend_from_slice(&mark.to_le_bytes());
        let start = out.len();
        out.extend_from_slice(&self.pending);
        let tag = self
            .cipher
            .encrypt_in_place_detached(
                &nonce(&self.header, self.index, last.is_some()),
                &associated(&self.header, last),
                &mut out[start..],
            )
            .map_err(|_| ClientError::new(ErrorKind::Cache, "a file could not be sealed"))?;
        out.extend_from_slice(&tag);
        self.pending.clear();
        self.index = self
            .index
            .checked_add(1)
            .ok_or_else(|| ClientError::new(ErrorKind::TooLarge, "a file is too large"))?;
        Ok(())
    }
}

/// Reads a sealed file record by record, checking each.
struct SealedReader<R> {
    inner: R,
    cipher: Arc<XChaCha20Poly1305>,
    sha256: String,
    header: Header,
    index: u32,
    /// The plaintext of the record read last.
    record: Vec<u8>,
    /// How far `record` has been handed out by `Read`.
    handed: usize,
    /// The bytes of the file read up to the end of the last whole record.
    consumed: u64,
    ended: bool,
    /// A kept part of a download: records that are not the last, up to the end of the file
    /// or a record cut off when the last run stopped.
    part: bool,
}

impl<R: Read> SealedReader<R> {
    fn new(cipher: Arc<XChaCha20Poly1305>, sha256: &str, mut inner: R) -> Result<Self> {
        let mut header = [0u8; HEADER_LEN];
        let got = read_full(&mut inner, &mut header)?;
        if got < MAGIC.len() || header[..MAGIC.len()] != MAGIC {
            return Err(if got < MAGIC.len() && header[..got] == MAGIC[..got] {
                cut_off()
            } else {
                not_sealed()
            });
        }
        if got < HEADER_LEN {
            return Err(cut_off());
        }
        if header[MAGIC.len()] != VERSION {
            return Err(ClientError::new(
                ErrorKind::Cache,
                "a cached file is sealed in a format this version does not know",
            ));
        }
        Ok(SealedReader {
            inner,
            cipher,
            sha256: sha256.to_owned(),
            header,
            index: 0,
            record: Vec::with_capacity(CHUNK + TAG_LEN),
            handed: 0,
            consumed: HEADER_LEN as u64,
            ended: false,
            part: false,
        })
    }

    /// Reads and opens the next record into `record`; `false` at the end.
    fn next_record(&mut self) -> Result<bool> {
        self.record.clear();
        self.handed = 0;
        if self.ended {
            return Ok(false);
        }
        let mut mark = [0u8; MARK_LEN];
        let got = read_full(&mut self.inner, &mut mark)?;
        if got < MARK_LEN {
            if self.part {
                // A part ends after any record; a mark cut off is dropped.
                self.ended = true;
                return Ok(false);
            }
            return Err(cut_off());
        }
        let mark = u32::from_le_bytes(mark);
        let last = mark & LAST != 0;
        let len = (mark & !LAST) as usize;
        if len > CHUNK || (last && self.part) {
            return Err(damaged());
        }
        self.record.resize(len + TAG_LEN, 0);
        let got = read_full(&mut self.inner, &mut self.record)?;
        if got < len + TAG_LEN {
            self.record.clear();
            if self.part {
                self.ended = true;
                return Ok(false);
            }
            return Err(cut_off());
        }
        let (text, tag) = self.record.split_at_mut(len);
        self.cipher
            .decrypt_in_place_detached(
                &nonce(&self.header, self.index, last),
                &associated(&self.header, last.then_some(self.sha256.as_str())),
                text,
                Tag::from_slice(tag),
            )
            .map_err(|_| damaged())?;
        self.record.truncate(len);
        self.index = self.index.checked_add(1).ok_or_else(damaged)?;
        self.consumed += (MARK_LEN + len + TAG_LEN) as u64;
        if last {
            self.ended = true;
            let mut extra = [0u8; 1];
            if read_full(&mut self.inner, &mut extra)? != 0 {
                return Err(damaged());
            }
        }
        Ok(true)
    }
}

impl<R: Read> Read for SealedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.handed == self.record.len() {
            let more = self
                .next_record()
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            if !more {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.record.len() - self.handed);
        buf[..n].copy_from_slice(&self.record[self.handed..self.handed + n]);
        self.handed += n;
        Ok(n)
    }
}

/// Reads until `buf` is full or the end; returns how many bytes were read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_error(e)),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(key: &CacheKey) -> (tempfile::TempDir, FileStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path().to_path_buf(), key).unwrap();
        (dir, store)
    }

    fn sealed(store: &FileStore, plain: &[u8]) -> (String, Vec<u8>) {
        let (sha, size) = store.import(&mut &plain[..], u64::MAX).unwrap();
        assert_eq!(size, plain.len() as u64);
        let bytes = std::fs::read(store.dir.join(&sha)).unwrap();
        (sha, bytes)
    }

    fn content(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    #[test]
    fn round_trips_at_every_record_boundary() {
        let key = CacheKey::generate();
        let (_dir, store) = store(&key);
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
            let plain = content(len);
            let (sha, bytes) = sealed(&store, &plain);
            let records = len / CHUNK + 1;
            assert_eq!(
                bytes.len(),
                HEADER_LEN + len + records * (MARK_LEN + TAG_LEN),
                "{len}"
            );
            assert_eq!(store.open_all(&sha, &bytes).unwrap(), plain, "{len}");
            let mut streamed = Vec::new();
            store
                .reader(&sha)
                .unwrap()
                .read_to_end(&mut streamed)
                .unwrap();
            assert_eq!(streamed, plain, "{len}");
        }
    }

    #[test]
    fn the_same_content_seals_differently_and_shows_none_of_its_bytes() {
        let key = CacheKey::generate();
        let (_dir, store) = store(&key);
        let plain = b"%PDF-1.7 Kaere Anna, din aarsopgoerelse".repeat(100);
        let (sha, first) = sealed(&store, &plain);
        let (_, second) = sealed(&store, &plain);
        assert_ne!(first, second, "a random nonce prefix per file");
        assert!(!first.windows(12).any(|w| w == b"Kaere Anna, "));
        assert_eq!(store.open_all(&sha, &second).unwrap(), plain);
    }

    #[test]
    fn a_changed_byte_anywhere_is_refused() {
        let key = CacheKey::generate();
        let (_dir, store) = store(&key);
        let plain = content(2 * CHUNK + 100);
        let (sha, bytes) = sealed(&store, &plain);
        // The prefix, each record's mark, body and tag, the last record.
        for at in [
            MAGIC.len() + 1,
            HEADER_LEN + 1,
            HEADER_LEN + MARK_LEN + 5,
            HEADER_LEN + MARK_LEN + CHUNK + 3,
            bytes.len() - 50,
            bytes.len() - 1,
        ] {
            let mut bad = bytes.clone();
            bad[at] ^= 0x01;
            let error = store.open_all(&sha, &bad).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Cache, "byte {at}");
        }
        let mut other_version = bytes.clone();
        other_version[MAGIC.len()] = 2;
        assert!(store.open_all(&sha, &other_version).is_err());
    }

    #[test]
    fn a_file_cut_off_anywhere_is_refused() {
        let key = CacheKey::generate();
        let (_dir, store) = store(&key);
        let plain = content(2 * CHUNK + 100);
        let (sha, bytes) = sealed(&store, &plain);
        let first_record_end = HEADER_LEN + MARK_LEN + CHUNK + TAG_LEN;
        for len in [
            0,
            4,
            HEADER_LEN,
            HEADER_LEN + 2,
            first_record_end,
            2 * first_record_end - HEADER_LEN,
            bytes.len() - 1,
        ] {
            let error = store.open_all(&sha, &bytes[..len]).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Cache, "cut at {len}");
            assert!(error.message().contains("cut off"), "{len}: {error}");
        }
        // Bytes added after the last record.
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(store.open_all(&sha, &longer).is_err());
    }

    #[test]
    fn records_cannot_be_reordered_or_dropped() {
        let key = CacheKey::generate();
        let (_dir, store) = store(&key);
        let (sha, bytes) = sealed(&store, &content(3 * CHUNK + 10));
        let record = MARK_LEN + CHUNK + TAG_LEN;
        let (head, rest) = bytes.split_at(HEADER_LEN);
        let swapped = [
            head,
            &rest[record..2 * record],
            &rest[..record],
            &rest[2 * record..],
        ]
        .concat();
        assert!(
            store
                .open_all(&sha, &swapped)
                .unwrap_err()
                .message()
                .contains("cannot be decrypted")
        );
        let dropped = [head, &rest[record..]].concat();
        assert!(store.open_all(&sha, &dropped).is_err());
    }

    #[test]
    fn another_key_or_another_name_is_refused() {
        let (_dir, store) = store(&CacheKey::generate());
        let (sha, bytes) = sealed(&store, b"a letter");
        let (_other_dir, other) = self::store(&CacheKey::generate());
        let error = other.open_all(&sha, &bytes).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Cache);
        assert!(error.message().contains("another key"), "{error}");
        let wrong_name = hex::encode(Sha256::digest(b"another letter"));
        assert!(
            store.open_all(&wrong_name, &bytes).is_err(),
            "bound to its name"
        );
    }

    #[test]
    fn plain_bytes_are_not_taken_for_a_sealed_file() {
        let (_dir, store) = store(&CacheKey::generate());
        let plain = b"%PDF-1.7 not sealed".to_vec();
        let sha = hex::encode(Sha256::digest(&plain));
        let error = store.open_all(&sha, &plain).unwrap_err();
        assert!(error.message().contains("not sealed"), "{error}");
        assert!(store.open_all(&sha, b"").is_err());
    }

    #[test]
    fn plain_files_of_an_older_cache_are_sealed_once() {
        let (dir, store) = store(&CacheKey::generate());
        let plain = b"%PDF-1.7 an old letter".to_vec();
        let sha = hex::encode(Sha256::digest(&plain));
        std::fs::write(dir.path().join(&sha), &plain).unwrap();
        let liar = hex::encode(Sha256::digest(b"something else"));
        std::fs::write(dir.path().join(&liar), b"not what the name says").unwrap();
        std::fs::write(dir.path().join(format!(".part-{sha}")), &plain[..5]).unwrap();
        store.seal_plain_files();
        let on_disk = std::fs::read(dir.path().join(&sha)).unwrap();
        assert!(on_disk.starts_with(&MAGIC));
        assert_eq!(store.open_all(&sha, &on_disk).unwrap(), plain);
        assert!(!dir.path().join(&liar).exists());
        assert!(!dir.path().join(format!(".part-{sha}")).exists());
        assert!(dir.path().join(ALL_SEALED).exists());
        // Once: a plain file put there afterwards is not sealed, and reads as not sealed.
        std::fs::write(dir.path().join(&sha), &plain).unwrap();
        store.seal_plain_files();
        assert_eq!(std::fs::read(dir.path().join(&sha)).unwrap(), plain);
    }

    #[tokio::test]
    async fn a_part_goes_on_where_it_broke_off() {
        let (dir, store) = store(&CacheKey::generate());
        let plain = content(2 * CHUNK + 1000);
        let sha = hex::encode(Sha256::digest(&plain));
        let mut part = store.begin_part(&sha, 0).await.unwrap();
        part.push(&plain[..CHUNK + 10]).await.unwrap();
        part.keep().await.unwrap();
        // Every byte that arrived is kept, the record not yet full included.
        assert_eq!(store.kept_len(&sha).await, CHUNK as u64 + 10);
        // A record cut off (the process stopped while writing) is dropped.
        let part_path = dir.path().join(format!(".part-{sha}"));
        let mut torn = std::fs::read(&part_path).unwrap();
        let whole = torn.len();
        torn.extend_from_slice(&[7, 0, 0, 0, 1, 2]);
        std::fs::write(&part_path, &torn).unwrap();
        assert_eq!(store.kept_len(&sha).await, CHUNK as u64 + 10);
        let mut part = store.begin_part(&sha, CHUNK as u64 + 10).await.unwrap();
        assert_eq!(std::fs::metadata(&part_path).unwrap().len(), whole as u64);
        part.push(&plain[CHUNK + 10..]).await.unwrap();
        part.finish(&sha, plain.len() as u64).await.unwrap();
        assert_eq!(store.read(&sha).await.unwrap(), plain);
        assert!(!part_path.exists());

        // A part that does not decrypt is dropped; a resume from it is refused.
        std::fs::write(&part_path, b"plain bytes").unwrap();
        assert_eq!(store.kept_len(&sha).await, 0);
        assert!(!part_path.exists());
        assert!(store.begin_part(&sha, 5).await.is_err());
    }
}
