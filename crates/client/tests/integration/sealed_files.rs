//! The cache's files sealed at rest, against a real core on loopback: a document downloaded
//! (with its message, on demand, and a download cut half-way) leaves no byte of its plaintext
//! in any file of the cache folder; it reads back whole; a byte flipped, a file cut off or
//! another key read as a clear error, and the client fetches such a file again; the plain
//! files of a cache from before files were sealed are sealed when it is opened and still read
//! offline.

use brevdue_client::cache::{Cache, FILES_DIR, ListQuery};
use brevdue_client::credentials::CacheKey;
use brevdue_client::{Client, ErrorKind};
use sha2::{Digest, Sha256};

use crate::in_private_keyring;
use crate::support::core::{ANNA, ANNA_CPR, TestCore, letter};
use crate::support::proxy::Proxy;
use crate::support::{cache_dir, cache_key, files_containing, open_client};

/// The marker in the small letter (fetched with its message).
const SMALL_MARKER: &str = "HEMMELIG-MARKOER-0815";
/// The marker in the large letter (over 2 MB: fetched on demand).
const LARGE_MARKER: &str = "HEMMELIG-MARKOER-4711";

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The ids of the inbox's messages by label.
async fn message_id(client: &Client, label: &str) -> String {
    let mailbox = client.mailboxes().await.unwrap()[0].id.clone();
    client
        .messages(&ListQuery {
            mailbox_id: mailbox,
            size: 100,
            ..ListQuery::default()
        })
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.label == label)
        .unwrap()
        .id
}

#[tokio::test]
async fn downloaded_documents_are_sealed_and_damage_reads_as_an_error() {
    in_private_keyring!(downloaded_documents_are_sealed_and_damage_reads_as_an_error);
    let core = TestCore::start().await;
    let small = format!("Din aarsopgoerelse. {SMALL_MARKER} Venlig hilsen Skat.");
    core.deliver(&letter(ANNA_CPR, "Aarsopgoerelse", &small, None))
        .await;
    let size = 3 * 1024 * 1024;
    let large: String = format!("{LARGE_MARKER} Kaere Anna. ")
        .repeat(size / 20 + 1)
        .chars()
        .take(size)
        .collect();
    core.deliver(&letter(ANNA_CPR, "Stort brev", &large, None))
        .await;
    let proxy = Proxy::start(core.addr).await;
    let data = tempfile::tempdir().unwrap();
    let client = open_client(proxy.url(), data.path()).await;
    client.sign_in_demo(ANNA).await.unwrap();
    client.sync(None).await.unwrap();
    let dir = cache_dir(data.path());
    let files = dir.join(FILES_DIR);
    assert!(
        files.join(sha(small.as_bytes())).is_file(),
        "fetched with its message"
    );

    // A download cut half-way keeps its part sealed too.
    let large_id = message_id(&client, "Stort brev").await;
    proxy.cut_answer_to("GET */content HTTP", 1_000_000);
    let cut = client.file_content(&large_id, 0, 0).await.unwrap_err();
    assert_eq!(cut.kind(), ErrorKind::Offline, "{cut}");
    let part = files.join(format!(".part-{}", sha(large.as_bytes())));
    assert!(std::fs::metadata(&part).unwrap().len() > 900_000);
    assert!(files_containing(&dir, LARGE_MARKER).is_empty());

    // Read back whole, the rest fetched with `Range`.
    let got = client.file_content(&large_id, 0, 0).await.unwrap();
    assert!(got == large.as_bytes(), "the large letter reads back whole");
    let small_id = message_id(&client, "Aarsopgoerelse").await;
    assert_eq!(
        client.file_content(&small_id, 0, 0).await.unwrap(),
        small.as_bytes()
    );
    assert!(!part.exists());
    // No byte of either in any file of the cache folder (the database, the files, the parts).
    for marker in [SMALL_MARKER, LARGE_MARKER] {
        assert!(
            files_containing(&dir, marker).is_empty(),
            "{marker} in {:?}",
            files_containing(&dir, marker)
        );
    }

    // Damaged behind the client's back: it fetches the file again from the core.
    let small_path = files.join(sha(small.as_bytes()));
    let sealed = std::fs::read(&small_path).unwrap();
    let mut flipped = sealed.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x20;
    std::fs::write(&small_path, &flipped).unwrap();
    let served = proxy.content_bytes();
    assert_eq!(
        client.file_content(&small_id, 0, 0).await.unwrap(),
        small.as_bytes()
    );
    assert!(proxy.content_bytes() > served, "fetched again");
    assert!(files_containing(&dir, SMALL_MARKER).is_empty());

    // The cache itself says what is wrong: a flipped byte, a file cut off, another key.
    let key = cache_key(&client).await;
    client.close().await;
    let cache = Cache::open(&dir, &key).await.unwrap();
    let sealed = std::fs::read(&small_path).unwrap();
    assert_eq!(
        cache.read_file(&sha(small.as_bytes())).await.unwrap(),
        small.as_bytes()
    );
    std::fs::write(&small_path, &flipped).unwrap();
    let error = cache.read_file(&sha(small.as_bytes())).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Cache);
    assert!(error.message().contains("cannot be decrypted"), "{error}");
    std::fs::write(&small_path, &sealed[..sealed.len() - 10]).unwrap();
    let error = cache.read_file(&sha(small.as_bytes())).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Cache);
    assert!(error.message().contains("cut off"), "{error}");
    cache.close().await;

    let other_dir = tempfile::tempdir().unwrap();
    let other = Cache::open(other_dir.path(), &CacheKey::generate())
        .await
        .unwrap();
    std::fs::write(
        other_dir.path().join(FILES_DIR).join(sha(small.as_bytes())),
        &sealed,
    )
    .unwrap();
    let error = other.read_file(&sha(small.as_bytes())).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Cache);
    assert!(error.message().contains("another key"), "{error}");
    other.close().await;
}

#[tokio::test]
async fn plain_files_of_an_older_cache_are_sealed_and_read_offline() {
    in_private_keyring!(plain_files_of_an_older_cache_are_sealed_and_read_offline);
    let mut core = TestCore::start().await;
    let text = format!("Et gammelt brev. {SMALL_MARKER}");
    core.deliver(&letter(ANNA_CPR, "Gammelt brev", &text, None))
        .await;
    let data = tempfile::tempdir().unwrap();
    let client = open_client(core.url(), data.path()).await;
    client.sign_in_demo(ANNA).await.unwrap();
    client.sync(None).await.unwrap();
    let id = message_id(&client, "Gammelt brev").await;
    client.close().await;
    drop(client);

    // As a cache from before files were sealed left it: the file plain, no mark that all
    // are sealed, and a plain part of a download.
    let files = cache_dir(data.path()).join(FILES_DIR);
    let path = files.join(sha(text.as_bytes()));
    std::fs::write(&path, text.as_bytes()).unwrap();
    std::fs::remove_file(files.join(".sealed-v1")).unwrap();
    let plain_part = files.join(format!(".part-{}", "ab".repeat(32)));
    std::fs::write(&plain_part, format!("halvt {LARGE_MARKER}")).unwrap();
    assert_eq!(files_containing(&files, SMALL_MARKER), vec![path.clone()]);

    // Opened offline: the file is sealed in place and reads as before, nothing fetched.
    core.stop().await;
    let client = open_client(core.url(), data.path()).await;
    assert!(files_containing(&files, SMALL_MARKER).is_empty());
    assert!(files_containing(&files, LARGE_MARKER).is_empty());
    assert!(!plain_part.exists(), "a plain part is dropped");
    assert_eq!(
        client.file_content(&id, 0, 0).await.unwrap(),
        text.as_bytes()
    );
    client.close().await;
}
