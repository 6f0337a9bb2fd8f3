//! File content: bytes as sent, types, hostile types as attachments, Range requests.

use brevdue_memo::DocumentKind;
use reqwest::StatusCode;

use crate::common::*;

/// Delivers `memo` to Alice and returns (token, path of document `d` file 0's content).
async fn file_path(w: &World, memo: &MemoSpec, d: usize) -> (String, String) {
    w.deliver(memo).await;
    let mb = w.mailbox_of(ALICE).await;
    let alice = w.token(ALICE).await;
    let (_, page) = w
        .get(&alice, &format!("/apis/v1/mailboxes/{mb}/messages"))
        .await;
    let id = page["content"][0]["id"].as_str().unwrap();
    (
        alice,
        format!("/apis/v1/mailboxes/{mb}/messages/{id}/documents/{d}/files/0/content"),
    )
}

#[tokio::test]
async fn content_is_the_bytes_sent_with_ranges() {
    let w = World::new().await;
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let memo = MemoSpec::to_cpr(ALICE_CPR, "Stor fil").with_file(
        DocumentKind::Additional,
        "rapport.pdf",
        "application/pdf",
        &bytes,
    );
    let (alice, path) = file_path(&w, &memo, 1).await;
    let get = |range: Option<&str>| {
        let mut r = w.http.get(w.url(&path)).bearer_auth(&alice);
        if let Some(range) = range {
            r = r.header("Range", range);
        }
        r.send()
    };
    let r = get(None).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["content-length"], "300000");
    assert_eq!(r.headers()["accept-ranges"], "bytes");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline; filename=\"rapport.pdf\"")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let r = get(Some("bytes=1000-1999")).await.unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.headers()["content-range"], "bytes 1000-1999/300000");
    assert_eq!(r.headers()["content-length"], "1000");
    assert_eq!(r.bytes().await.unwrap().as_ref(), &bytes[1000..2000]);

    let r = get(Some("bytes=-10")).await.unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &bytes[299_990..]);

    let r = get(Some("bytes=299999-")).await.unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &bytes[299_999..]);

    let r = get(Some("bytes=300000-")).await.unwrap();
    assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(r.headers()["content-range"], "bytes */300000");

    let r = get(Some("bytes=0-1,5-6")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "several ranges: the whole file");

    // Documents and files that do not exist.
    for bad in [
        "/documents/7/files/0/content",
        "/documents/1/files/3/content",
        "/documents/x/files/0/content",
    ] {
        let p = path.replace("/documents/1/files/0/content", bad);
        let r = w
            .http
            .get(w.url(&p))
            .bearer_auth(&alice)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn html_svg_and_odd_types_are_never_served_inline() {
    let w = World::new().await;
    let memo = MemoSpec::to_cpr(ALICE_CPR, "Farlige filer")
        .main_file("brev.html", "text/html", b"<script>alert(1)</script>")
        .with_file(
            DocumentKind::Additional,
            "billede.svg",
            "image/svg+xml",
            b"<svg onload='x'/>",
        )
        .with_file(
            DocumentKind::Additional,
            "../../\"evil\r\n.txt",
            "text/plain\r\nX-Evil: 1",
            b"hej",
        )
        .with_file(
            DocumentKind::Additional,
            "note.txt",
            "text/plain; charset=iso-8859-1",
            b"hej",
        );
    let (alice, html) = file_path(&w, &memo, 0).await;
    let expect = |d: usize, ctype: &'static str, inline: bool| {
        let path = html.replace("/documents/0/", &format!("/documents/{d}/"));
        let w = &w;
        let alice = alice.clone();
        async move {
            let r = w
                .http
                .get(w.url(&path))
                .bearer_auth(&alice)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(r.headers()["content-type"], ctype, "document {d}");
            let disp = r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .to_owned();
            assert_eq!(disp.starts_with("inline"), inline, "{disp}");
            assert!(!disp.contains(".."), "{disp}");
            assert_eq!(r.headers()["x-content-type-options"], "nosniff");
            assert!(
                r.headers()["content-security-policy"]
                    .to_str()
                    .unwrap()
                    .contains("sandbox")
            );
            assert!(r.headers().get("x-evil").is_none());
        }
    };
    expect(0, "text/html", false).await;
    expect(1, "image/svg+xml", false).await;
    expect(2, "application/octet-stream", false).await;
    expect(3, "text/plain; charset=utf-8", true).await;
}
