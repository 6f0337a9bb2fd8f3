//! Refresh tokens in the real OS secret store.

use brevdue_client::credentials::{AccountKey, CredentialStore, Secret};

use crate::in_private_keyring;
use crate::support::secret_tool_lookup;

fn key(account: &str, port: u16) -> AccountKey {
    let server = url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
    AccountKey::new("brevdue-cli", &server, account)
}

#[test]
fn tokens_are_stored_replaced_and_deleted_in_the_secret_service() {
    in_private_keyring!(tokens_are_stored_replaced_and_deleted_in_the_secret_service);
    let store = CredentialStore::new();
    let (anna, bo) = (key("p-anna", 8080), key("p-bo", 8080));
    let other_server = key("p-anna", 9090);
    assert_eq!(store.load(&anna).unwrap(), None);

    store.save(&anna, &Secret::new("token-1")).unwrap();
    store.save(&bo, &Secret::new("token-bo")).unwrap();
    assert_eq!(store.load(&anna).unwrap(), Some(Secret::new("token-1")));
    assert_eq!(store.load(&other_server).unwrap(), None);

    // Another program looking in the Secret Service finds the entry: it is in the OS store.
    let user = "brevdue-cli p-anna@http://127.0.0.1:8080";
    assert_eq!(secret_tool_lookup(user).as_deref(), Some("token-1"));

    store.save(&anna, &Secret::new("token-2")).unwrap();
    assert_eq!(store.load(&anna).unwrap(), Some(Secret::new("token-2")));
    assert_eq!(secret_tool_lookup(user).as_deref(), Some("token-2"));

    assert!(store.delete(&anna).unwrap());
    assert!(!store.delete(&anna).unwrap());
    assert_eq!(store.load(&anna).unwrap(), None);
    assert_eq!(secret_tool_lookup(user), None);
    // The other account is untouched.
    assert_eq!(store.load(&bo).unwrap(), Some(Secret::new("token-bo")));
}

#[tokio::test]
async fn the_async_calls_reach_the_same_store() {
    in_private_keyring!(the_async_calls_reach_the_same_store);
    let store = CredentialStore::new();
    let k = key("p-anna", 1);
    store
        .save_async(&k, &Secret::new("æøå-token"))
        .await
        .unwrap();
    assert_eq!(store.load(&k).unwrap(), Some(Secret::new("æøå-token")));
    assert!(store.delete_async(&k).await.unwrap());
    assert_eq!(store.load_async(&k).await.unwrap(), None);
}
