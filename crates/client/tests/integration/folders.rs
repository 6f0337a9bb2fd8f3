//! Creating a folder: it reaches the server and shows in the cache at once.

use brevdue_api::FolderType;
use brevdue_client::auth::CLIENT_ID_DESKTOP;
use brevdue_client::{Client, ClientConfig, ErrorKind};

use crate::in_private_keyring;
use crate::support::core::{ANNA, ANNA_CPR, TestCore, letter};

#[tokio::test]
async fn a_new_folder_reaches_the_server_and_the_cache() {
    in_private_keyring!(a_new_folder_reaches_the_server_and_the_cache);
    let core = TestCore::start().await;
    core.deliver(&letter(ANNA_CPR, "Velkommen", "Hej", None))
        .await;
    let data = tempfile::tempdir().unwrap();
    let client = Client::open(ClientConfig {
        data_dir: data.path().to_path_buf(),
        server: core.url(),
        client_id: CLIENT_ID_DESKTOP.into(),
    })
    .await
    .unwrap();
    client.sign_in_demo(ANNA).await.unwrap();
    client.sync(None).await.unwrap();
    let mailbox = client.mailboxes().await.unwrap()[0].id.clone();

    let folder = client.create_folder(&mailbox, "Skat 2026").await.unwrap();
    assert_eq!(folder.name, "Skat 2026");
    assert_eq!(folder.folder_type, FolderType::UserDefined);
    assert_eq!(folder.total_count, 0);
    let cached = client.folders(&mailbox).await.unwrap();
    assert!(cached.iter().any(|f| f.id == folder.id));

    // The server has it: a second client of the same person sees it after its sync.
    let other = tempfile::tempdir().unwrap();
    let second = Client::open(ClientConfig {
        data_dir: other.path().to_path_buf(),
        server: core.url(),
        client_id: CLIENT_ID_DESKTOP.into(),
    })
    .await
    .unwrap();
    second.sign_in_demo(ANNA).await.unwrap();
    second.sync(None).await.unwrap();
    let seen = second.folders(&mailbox).await.unwrap();
    assert!(
        seen.iter()
            .any(|f| f.id == folder.id && f.name == "Skat 2026")
    );

    // A mailbox that is not the account's is refused by the server.
    let error = client
        .create_folder("no-such-mailbox", "X")
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::NotFound | ErrorKind::Forbidden),
        "{error:?}"
    );
}
