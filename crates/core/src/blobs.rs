//! The content-addressed file store: raw MeMo messages and file contents, named by SHA-256.
//!
//! Bytes never sit in table rows. A blob is written to a temporary file in the store's own
//! `tmp/` folder (same file system), then renamed into place as `blobs/ab/abcdef…`, so a
//! reader never sees half a blob. Writing the same content twice stores it once. Only this
//! module knows the layout, so an S3-like store can take its place later.
//!
//! Blobs are written before the database transaction that refers to them; an error between
//! the two leaves at most an unreferenced blob, never a row without its bytes.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tempfile::NamedTempFile;

/// How long a temporary file stays untouched before a starting instance takes it for a
/// leftover (a request spools for minutes at most).
pub const LEFTOVER_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// The store: a folder of blobs and a folder of temporary files beside it.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: Arc<PathBuf>,
    tmp: Arc<PathBuf>,
}

impl BlobStore {
    /// Opens the store in `root` (creating it) with its temporary files in `tmp`, which must be
    /// on the same file system. Leftover temporary files of an earlier run are removed: those
    /// untouched for [`LEFTOVER_AGE`], since several instances may share one store, and a
    /// younger file may be another instance's request in flight.
    pub fn open(root: &Path, tmp: &Path) -> io::Result<Self> {
        std::fs::create_dir_all(root)?;
        std::fs::create_dir_all(tmp)?;
        for entry in std::fs::read_dir(tmp)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            let old = meta
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age >= LEFTOVER_AGE);
            if meta.is_file() && old {
                // A leftover of a run that stopped mid-request: never referenced.
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(Self {
            root: Arc::new(root.to_path_buf()),
            tmp: Arc::new(tmp.to_path_buf()),
        })
    }

    /// A new temporary file, deleted when dropped unless it is [`put`](Self::put).
    pub fn temp_file(&self) -> io::Result<NamedTempFile> {
        tempfile::Builder::new()
            .prefix("spool-")
            .tempfile_in(self.tmp.as_path())
    }

    /// The folder of temporary files.
    pub fn tmp_dir(&self) -> &Path {
        &self.tmp
    }

    /// Moves a finished temporary file into the store as the blob `sha256` (lower-case hex of
    /// its bytes, which the caller computed). If the blob exists, the temporary file is dropped.
    pub fn put(&self, file: NamedTempFile, sha256: &str) -> io::Result<()> {
        let path = self.path(sha256)?;
        if path.exists() {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        file.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Opens the blob `sha256` for reading.
    pub fn open_blob(&self, sha256: &str) -> io::Result<std::fs::File> {
        std::fs::File::open(self.path(sha256)?)
    }

    /// Whether the blob `sha256` is stored.
    pub fn contains(&self, sha256: &str) -> bool {
        self.path(sha256).map(|p| p.is_file()).unwrap_or(false)
    }

    /// Where the blob `sha256` lives; only 64 lower-case hex digits name a blob.
    fn path(&self, sha256: &str) -> io::Result<PathBuf> {
        let valid = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !valid {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a blob is named by 64 lower-case hex digits",
            ));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use sha2::{Digest, Sha256};

    use super::*;

    #[test]
    fn put_then_read_and_put_twice() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(&dir.path().join("blobs"), &dir.path().join("tmp")).unwrap();
        let sha = hex::encode(Sha256::digest(b"hello"));
        for _ in 0..2 {
            let mut t = store.temp_file().unwrap();
            t.write_all(b"hello").unwrap();
            store.put(t, &sha).unwrap();
        }
        let mut s = String::new();
        store
            .open_blob(&sha)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "hello");
        assert!(store.contains(&sha));
        assert_eq!(std::fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
        assert!(store.open_blob("../../etc/passwd").is_err());
    }

    #[test]
    fn opening_removes_old_leftovers_and_keeps_another_instances_spool() {
        let dir = tempfile::tempdir().unwrap();
        let (root, tmp) = (dir.path().join("blobs"), dir.path().join("tmp"));
        let store = BlobStore::open(&root, &tmp).unwrap();
        let in_flight = store.temp_file().unwrap();
        let (old, old_path) = store.temp_file().unwrap().keep().unwrap();
        let long_ago = std::time::SystemTime::now() - LEFTOVER_AGE * 2;
        old.set_modified(long_ago).unwrap();
        drop(old);
        BlobStore::open(&root, &tmp).unwrap(); // a second instance starts
        assert!(
            in_flight.path().exists(),
            "a request in flight keeps its spool file"
        );
        assert!(!old_path.exists(), "an old leftover is removed");
    }
}
