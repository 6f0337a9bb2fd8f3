//! Contact points and groups through the real router over HTTP on loopback, on a SQLite file in
//! a temporary folder.
//!
//! Contents:
//! - the example file: import, paths, re-import unchanged, dry run;
//! - search: each rule of `domain.md` ("PAS"/"pas", narrowing, name without search word,
//!   hidden never found, audience, æøå, authority type), ordering and paging, bad parameters;
//! - groups: tree with paths, narrowed by the kind of authority, a contact point in several
//!   groups, group members;
//! - get by id and the recipient system mapping;
//! - import errors: every kind with its row number, nothing written; re-import updating only
//!   what changed; the 2000-row limit; ids of another authority; who may import.

// Test helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/postgres.rs"]
mod postgres;

use axum::extract::Request;
use axum::middleware::Next;
use brevdue_api::contacts::{
    Audience, AuthorityType, ContactGroupList, ContactPoint, ContactPointPage, ContactsErrorBody,
    ImportProblemCode as Code, ImportRejected, ImportReport, Visibility,
};
use brevdue_core::contacts::{CallerAuthority, ContactPoints, SearchQuery, router};
use brevdue_core::db::Db;
use reqwest::StatusCode;

const EXAMPLE: &str = include_str!("data/contacts_example.csv");
const HEADER: &str = "type;id;parent_id;name;description;info_text;search_words;audiences;visibility;self_service_url;groups;extra_field_1;extra_field_1_help;extra_field_2;extra_field_2_help;kle_codes;form_codes;location_type;location_code;max_attachments;max_attachment_mb;recipient_system_id";

/// A core with three authorities, serving the contact routes on loopback. The stand-in for the
/// server's sign-in layer turns an `x-test-authority` header into a [`CallerAuthority`].
struct Core {
    _dir: tempfile::TempDir,
    db: Db,
    base: String,
    http: reqwest::Client,
}

impl Core {
    async fn start() -> Core {
        let dir = tempfile::tempdir().unwrap();
        let db = postgres::open_test_db(dir.path()).await;
        for (id, cvr, name, kind) in [
            ("nordby", "29189900", "Nordby Kommune", "MUNICIPALITY"),
            ("sydregion", "29190000", "Region Syd-Eksempel", "REGION"),
            ("styrelsen", "29190100", "Eksempelstyrelsen", "STATE"),
        ] {
            sqlx::query(
                "INSERT INTO authorities (id, cvr, name, authority_type) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(cvr)
            .bind(name)
            .bind(kind)
            .execute(&db)
            .await
            .unwrap();
        }
        for (id, authority, role) in [
            ("nordby-sager", "nordby", "RECIPIENT"),
            ("nordby-post", "nordby", "RECIPIENT"),
            ("nordby-afsender", "nordby", "SENDER"),
            ("syd-post", "sydregion", "RECIPIENT"),
        ] {
            sqlx::query("INSERT INTO systems (id, authority_id, role, name, secret_hash) VALUES ($1, $2, $3, $4, 'x')")
                .bind(id)
                .bind(authority)
                .bind(role)
                .bind(id)
                .execute(&db)
                .await
                .unwrap();
        }
        sqlx::query("INSERT INTO authority_default_recipients (authority_id, system_id) VALUES ('nordby', 'nordby-post')")
            .execute(&db)
            .await
            .unwrap();

        let app = router(db.clone()).layer(axum::middleware::from_fn(
            |mut req: Request, next: Next| async move {
                let caller = req
                    .headers()
                    .get("x-test-authority")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                if let Some(authority) = caller {
                    req.extensions_mut().insert(CallerAuthority(authority));
                }
                next.run(req).await
            },
        ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Core {
            _dir: dir,
            db,
            base: format!("http://{addr}"),
            http: reqwest::Client::new(),
        }
    }

    /// The example file imported for Nordby.
    async fn with_example() -> Core {
        let core = Core::start().await;
        let (status, _) = core.import("nordby", EXAMPLE).await;
        assert_eq!(status, StatusCode::OK);
        core
    }

    async fn import_raw(
        &self,
        authority: Option<&str>,
        content_type: &str,
        body: &str,
        query: &str,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}/apis/v1/contact-structure{query}", self.base))
            .header("content-type", content_type)
            .body(body.to_owned());
        if let Some(a) = authority {
            request = request.header("x-test-authority", a);
        }
        request.send().await.unwrap()
    }

    async fn import(&self, authority: &str, csv: &str) -> (StatusCode, serde_json::Value) {
        let response = self
            .import_raw(Some(authority), "text/csv; charset=utf-8", csv, "")
            .await;
        (response.status(), response.json().await.unwrap())
    }

    async fn import_ok(&self, authority: &str, csv: &str) -> ImportReport {
        let (status, body) = self.import(authority, csv).await;
        assert_eq!(status, StatusCode::OK, "{body:#}");
        serde_json::from_value(body).unwrap()
    }

    async fn import_rejected(&self, authority: &str, csv: &str) -> ImportRejected {
        let (status, body) = self.import(authority, csv).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body:#}");
        serde_json::from_value(body).unwrap()
    }

    async fn get(&self, path_and_query: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path_and_query}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn search_with(&self, params: &[(&str, &str)]) -> ContactPointPage {
        let response = self
            .http
            .get(format!("{}/apis/v1/contact-points", self.base))
            .query(params)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// The ids found for a search term, in order.
    async fn search(&self, term: &str) -> Vec<String> {
        ids(&self.search_with(&[("searchTerm", term)]).await)
    }

    async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.db)
            .await
            .unwrap();
        n
    }
}

fn ids(page: &ContactPointPage) -> Vec<String> {
    page.items.iter().map(|c| c.id.clone()).collect()
}

/// A file of the standard header and these rows.
fn csv(rows: &[&str]) -> String {
    let mut out = format!("{HEADER}\n");
    for row in rows {
        out.push_str(row);
        out.push('\n');
    }
    out
}

/// A contact point row: id, name, search words, audiences, visibility; the other cells empty.
fn point(id: &str, name: &str, words: &str, audiences: &str, visibility: &str) -> String {
    format!("KONTAKTPUNKT;{id};;{name};;;{words};{audiences};{visibility};;;;;;;;;;;;;")
}

fn group(id: &str, parent: &str, name: &str) -> String {
    format!("KONTAKTGRUPPE;{id};{parent};{name};;;;;;;;;;;;;;;;;;")
}

// ---------------------------------------------------------------------------------------------
// The example file

#[tokio::test]
async fn example_file_imports_and_reimporting_it_changes_nothing() {
    let core = Core::start().await;
    let first = core.import_ok("nordby", EXAMPLE).await;
    assert!(!first.dry_run);
    assert_eq!(
        (
            first.contact_groups.created,
            first.contact_groups.updated,
            first.contact_groups.unchanged
        ),
        (5, 0, 0)
    );
    assert_eq!(
        (
            first.contact_points.created,
            first.contact_points.updated,
            first.contact_points.unchanged
        ),
        (6, 0, 0)
    );
    assert!(first.warnings.is_empty());

    let again = core.import_ok("nordby", EXAMPLE).await;
    assert_eq!(
        (
            again.contact_groups.created,
            again.contact_groups.updated,
            again.contact_groups.unchanged
        ),
        (0, 0, 5)
    );
    assert_eq!(
        (
            again.contact_points.created,
            again.contact_points.updated,
            again.contact_points.unchanged
        ),
        (0, 0, 6)
    );

    // Every field of a contact point survives the round trip.
    let response = core.get("/apis/v1/contact-points/nordby-kp-byggesag").await;
    assert_eq!(response.status(), StatusCode::OK);
    let byg: ContactPoint = response.json().await.unwrap();
    assert_eq!(byg.name, "Byggesag");
    assert_eq!(byg.authority_name, "Nordby Kommune");
    assert_eq!(byg.audiences, [Audience::Citizen, Audience::Company]);
    assert_eq!(
        byg.self_service_url.as_deref(),
        Some("https://byg.nordby.example/ansoeg")
    );
    assert_eq!(byg.extra_fields.len(), 2);
    assert_eq!(byg.extra_fields[1].label, "Sagsnummer");
    assert_eq!(
        byg.extra_fields[0].help_text.as_deref(),
        Some("Står på din ejendomsvurdering")
    );
    let codes: Vec<(String, String)> = byg
        .codes
        .iter()
        .map(|c| (c.code.clone(), c.label.clone()))
        .collect();
    assert_eq!(
        codes,
        [
            ("02.00.00".into(), "Byggeri".into()),
            ("4.1.2".into(), "Byggesagsbehandling".into())
        ]
    );
    assert_eq!(
        byg.location_code.as_ref().map(|l| l.code.as_str()),
        Some("5790000000005")
    );
    assert_eq!(byg.attachment_limits.max_count, Some(10));
    assert_eq!(byg.attachment_limits.max_total_bytes, 50_000_000);
    assert_eq!(byg.group_ids, ["nordby-bolig"]);

    let pas: ContactPoint = core
        .get("/apis/v1/contact-points/nordby-kp-pas")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        pas.info_text,
        "Bestil tid i Borgerservice, før du kommer.\n\nVi svarer inden for 5 hverdage."
    );
    assert_eq!(
        pas.search_words,
        ["pas", "pasfornyelse", "rejsedokument", "bortkommet pas"]
    );
    // No limit of its own: the absolute one.
    let aeldre: ContactPoint = core
        .get("/apis/v1/contact-points/nordby-kp-aeldre")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(aeldre.attachment_limits.max_total_bytes, 99_500_000);
    assert_eq!(aeldre.attachment_limits.max_count, None);
}

#[tokio::test]
async fn dry_run_checks_but_writes_nothing() {
    let core = Core::start().await;
    let response = core
        .import_raw(Some("nordby"), "text/csv", EXAMPLE, "?dryRun=true")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let report: ImportReport = response.json().await.unwrap();
    assert!(report.dry_run);
    assert_eq!(report.contact_points.created, 6);
    assert_eq!(core.count("contact_points").await, 0);
    assert_eq!(core.count("contact_groups").await, 0);
}

// ---------------------------------------------------------------------------------------------
// Search rules

#[tokio::test]
async fn pas_and_upper_case_pas_both_find_the_passport_contact_point() {
    let core = Core::with_example().await;
    for term in ["pas", "PAS", "Pas", "pAs"] {
        assert_eq!(core.search(term).await, ["nordby-kp-pas"], "{term}");
    }
    // A prefix of a search word ("pasforn" of "pasfornyelse") finds it too; an infix does not.
    assert_eq!(core.search("pasforn").await, ["nordby-kp-pas"]);
    assert!(core.search("fornyelse").await.is_empty());
}

#[tokio::test]
async fn a_second_word_narrows_the_search() {
    let core = Core::with_example().await;
    core.import_ok(
        "sydregion",
        &csv(&[&point(
            "syd-pas",
            "Pas til sygehuspersonale",
            "pas|personale",
            "CITIZEN",
            "VISIBLE",
        )]),
    )
    .await;
    let one_word = core.search("pas").await;
    assert_eq!(one_word, ["nordby-kp-pas", "syd-pas"]);
    // "rejsedokument" is only Nordby's search word; "personale" only the region's name.
    assert_eq!(core.search("pas rejsedokument").await, ["nordby-kp-pas"]);
    assert_eq!(core.search("PAS sygehus").await, ["syd-pas"]);
    // Words may match in name and search words alike, in any order.
    assert_eq!(
        core.search("rejsedokumenter bortkommet").await,
        ["nordby-kp-pas"]
    );
    assert!(core.search("pas carport").await.is_empty());
}

#[tokio::test]
async fn the_name_is_searched_without_a_matching_search_word() {
    let core = Core::with_example().await;
    // "Samarbejde med myndigheder": "med" is in no search word, only in the name.
    assert_eq!(core.search("med").await, ["nordby-kp-myndighed"]);
    // "Byggesag" has no search word "byggesag"; its name finds it.
    assert_eq!(core.search("byggesag").await, ["nordby-kp-byggesag"]);
}

#[tokio::test]
async fn a_hidden_contact_point_is_never_found() {
    let core = Core::with_example().await;
    // "Svar til Borgerservice" is hidden; its name and its search word find nothing.
    assert!(core.search("svar").await.is_empty());
    assert!(core.search("borgerservice").await.is_empty());
    assert!(core.search("Svar til Borgerservice").await.is_empty());
    let all = core.search_with(&[("size", "100")]).await;
    assert_eq!(all.total_count, 5);
    assert!(!ids(&all).contains(&"nordby-kp-retur".to_owned()));
    // It is still reachable by its id, as a reply address.
    let retur: ContactPoint = core
        .get("/apis/v1/contact-points/nordby-kp-retur")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(retur.visibility, Visibility::Hidden);
}

#[tokio::test]
async fn the_audience_filter_keeps_contact_points_for_that_audience() {
    let core = Core::with_example().await;
    let by = |audience: &'static str| {
        let core = &core;
        async move {
            ids(&core
                .search_with(&[("audience", audience), ("size", "100")])
                .await)
        }
    };
    assert_eq!(by("COMPANY").await, ["nordby-kp-byggesag"]);
    assert_eq!(by("AUTHORITY").await, ["nordby-kp-myndighed"]);
    // Danish order: Byggesag, Kørekort, Pas og rejsedokumenter, Ældrepleje og hjemmehjælp.
    assert_eq!(
        by("CITIZEN").await,
        [
            "nordby-kp-byggesag",
            "nordby-kp-koerekort",
            "nordby-kp-pas",
            "nordby-kp-aeldre"
        ]
    );
    // Combined with a term.
    assert!(
        ids(&core
            .search_with(&[("searchTerm", "byggetilladelse"), ("audience", "AUTHORITY")])
            .await)
        .is_empty()
    );
    assert_eq!(
        ids(&core
            .search_with(&[("searchTerm", "byggetilladelse"), ("audience", "COMPANY")])
            .await),
        ["nordby-kp-byggesag"]
    );
}

#[tokio::test]
async fn danish_letters_fold_case() {
    let core = Core::with_example().await;
    for term in ["ældre", "ÆLDRE", "Ældre", "æLDRE"] {
        assert_eq!(core.search(term).await, ["nordby-kp-aeldre"], "{term}");
    }
    for term in ["KØREKORT", "kørekort", "FØRERRET", "Førerret"] {
        assert_eq!(core.search(term).await, ["nordby-kp-koerekort"], "{term}");
    }
    // "Å" written as A + combining ring matches a precomposed "å" in a name.
    core.import_ok(
        "styrelsen",
        &csv(&[&point("st-aa", "Åbningstider", "", "CITIZEN", "VISIBLE")]),
    )
    .await;
    assert_eq!(core.search("A\u{30a}BNING").await, ["st-aa"]);
    assert_eq!(core.search("åbning").await, ["st-aa"]);
    // "o" does not find "ø", nor "a" "æ".
    assert!(core.search("korekort").await.is_empty());
    assert!(core.search("aeldre").await.is_empty());
}

#[tokio::test]
async fn the_authority_type_filter_keeps_contact_points_of_such_authorities() {
    let core = Core::with_example().await;
    core.import_ok(
        "sydregion",
        &csv(&[&point(
            "syd-pas",
            "Pas til personale",
            "pas",
            "CITIZEN",
            "VISIBLE",
        )]),
    )
    .await;
    let of = |t: &'static str| {
        let core = &core;
        async move {
            ids(&core
                .search_with(&[("searchTerm", "pas"), ("authorityType", t)])
                .await)
        }
    };
    assert_eq!(of("REGION").await, ["syd-pas"]);
    assert_eq!(of("MUNICIPALITY").await, ["nordby-kp-pas"]);
    assert!(of("STATE").await.is_empty());
    let only_nordby = core
        .search_with(&[("searchTerm", "pas"), ("authorityId", "nordby")])
        .await;
    assert_eq!(ids(&only_nordby), ["nordby-kp-pas"]);
}

#[tokio::test]
async fn exact_name_matches_come_first_then_names_in_danish_order_with_paging() {
    let core = Core::start().await;
    core.import_ok(
        "styrelsen",
        &csv(&[
            &point("c", "Øresundsbroen", "bro", "CITIZEN", "VISIBLE"),
            &point("a", "Broafgift", "bro", "CITIZEN", "VISIBLE"),
            &point("e", "Bro", "", "CITIZEN", "VISIBLE"),
            &point("d", "Åben bro", "bro", "CITIZEN", "VISIBLE"),
            &point("b", "Ændringer af bro", "bro", "CITIZEN", "VISIBLE"),
            &point("f", "Zebra", "bro", "CITIZEN", "VISIBLE"),
        ]),
    )
    .await;
    // "Bro" equals the term: first. Then by name: B, Z, Æ, Ø, Å.
    assert_eq!(core.search("BRO").await, ["e", "a", "f", "b", "c", "d"]);
    let page0 = core
        .search_with(&[("searchTerm", "bro"), ("size", "4")])
        .await;
    let page1 = core
        .search_with(&[("searchTerm", "bro"), ("size", "4"), ("page", "1")])
        .await;
    let page9 = core
        .search_with(&[("searchTerm", "bro"), ("size", "4"), ("page", "9")])
        .await;
    assert_eq!(
        (ids(&page0), page0.total_count, page0.page, page0.size),
        (
            vec!["e".into(), "a".into(), "f".into(), "b".into()],
            6,
            0,
            4
        )
    );
    assert_eq!(
        (ids(&page1), page1.total_count),
        (vec!["c".into(), "d".into()], 6)
    );
    assert_eq!((page9.items.len(), page9.total_count), (0, 6));
}

#[tokio::test]
async fn bad_search_parameters_get_a_clear_json_error() {
    let core = Core::with_example().await;
    for query in [
        "audience=citizens",
        "authorityType=KOMMUNE",
        "size=0",
        "size=101",
        "page=-1",
        "page=abc",
    ] {
        let response = core.get(&format!("/apis/v1/contact-points?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: ContactsErrorBody = response.json().await.unwrap();
        assert_eq!(body.code, "BAD_REQUEST");
        assert!(!body.message.is_empty());
    }
    let long: Vec<String> = (0..11).map(|i| format!("ord{i}")).collect();
    let long = long.join(" ");
    let response = core
        .http
        .get(format!("{}/apis/v1/contact-points", core.base))
        .query(&[("searchTerm", long)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = core
        .http
        .get(format!("{}/apis/v1/contact-points", core.base))
        .query(&[("searchTerm", "x".repeat(201))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // Punctuation alone is an empty search: everything visible.
    assert_eq!(
        core.search_with(&[("searchTerm", " -/- ")])
            .await
            .total_count,
        5
    );
}

#[tokio::test]
async fn the_rust_api_searches_like_the_endpoint() {
    let core = Core::with_example().await;
    let contacts = ContactPoints::new(core.db.clone());
    let page = contacts.search(&SearchQuery::term("PAS")).await.unwrap();
    assert_eq!(ids(&page), ["nordby-kp-pas"]);
    let mut q = SearchQuery::term("");
    q.audience = Some(Audience::Authority);
    assert_eq!(
        ids(&contacts.search(&q).await.unwrap()),
        ["nordby-kp-myndighed"]
    );
}

// ---------------------------------------------------------------------------------------------
// Groups

#[tokio::test]
async fn groups_form_a_tree_with_paths() {
    let core = Core::with_example().await;
    core.import_ok("sydregion", &csv(&[&group("syd-top", "", "Sygehuse")]))
        .await;
    let response = core.get("/apis/v1/contact-groups?authorityId=nordby").await;
    assert_eq!(response.status(), StatusCode::OK);
    let list: ContactGroupList = response.json().await.unwrap();
    let paths: Vec<(&str, &str, u32)> = list
        .items
        .iter()
        .map(|g| (g.id.as_str(), g.path.as_str(), g.depth))
        .collect();
    assert_eq!(
        paths,
        [
            ("nordby-bolig", "Bolig og byggeri", 1),
            ("nordby-id", "ID", 1),
            ("nordby-id-koerekort", "ID/Kørekort", 2),
            ("nordby-id-pas", "ID/Pas", 2),
            ("nordby-omsorg", "Ældre og omsorg", 1),
        ]
    );
    assert_eq!(list.items[3].parent_id.as_deref(), Some("nordby-id"));
    let all: ContactGroupList = core
        .get("/apis/v1/contact-groups")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.items.len(), 6);
}

/// Browsing is narrowed by the kind of authority chosen first, as search is: a region's groups
/// only for REGION, the municipality's only for MUNICIPALITY, none for a kind with no groups;
/// an unknown kind is a 400 that says which are known.
#[tokio::test]
async fn groups_are_narrowed_by_the_kind_of_authority() {
    let core = Core::with_example().await;
    core.import_ok("sydregion", &csv(&[&group("syd-top", "", "Sygehuse")]))
        .await;
    let authorities = |kind: &'static str| {
        let core = &core;
        async move {
            let list: ContactGroupList = core
                .get(&format!("/apis/v1/contact-groups?authorityType={kind}"))
                .await
                .json()
                .await
                .unwrap();
            let mut found: Vec<String> = list.items.into_iter().map(|g| g.authority_id).collect();
            let count = found.len();
            found.dedup();
            (found, count)
        }
    };
    assert_eq!(authorities("REGION").await, (vec!["sydregion".into()], 1));
    assert_eq!(
        authorities("MUNICIPALITY").await,
        (vec!["nordby".into()], 5)
    );
    assert_eq!(authorities("STATE").await, (vec![], 0));
    // With an authority as well: both narrow.
    let none: ContactGroupList = core
        .get("/apis/v1/contact-groups?authorityId=nordby&authorityType=REGION")
        .await
        .json()
        .await
        .unwrap();
    assert!(none.items.is_empty());

    let response = core
        .get("/apis/v1/contact-groups?authorityType=KOMMUNE")
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: ContactsErrorBody = response.json().await.unwrap();
    assert_eq!(body.code, "BAD_REQUEST");
    assert!(body.message.contains("MUNICIPALITY"), "{}", body.message);
    // The Rust API narrows the same way.
    let contacts = ContactPoints::new(core.db.clone());
    let regions = contacts
        .groups(None, Some(AuthorityType::Region))
        .await
        .unwrap();
    assert_eq!(regions.items.len(), 1);
    assert_eq!(regions.items[0].path, "Sygehuse");
}

#[tokio::test]
async fn a_contact_point_sits_in_several_groups_and_groups_list_their_visible_points() {
    let core = Core::with_example().await;
    let pas: ContactPoint = core
        .get("/apis/v1/contact-points/nordby-kp-pas")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pas.group_ids, ["nordby-id", "nordby-id-pas"]);

    let in_id: ContactPointPage = core
        .get("/apis/v1/contact-groups/nordby-id/contact-points")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&in_id), ["nordby-kp-koerekort", "nordby-kp-pas"]);
    let in_bolig: ContactPointPage = core
        .get("/apis/v1/contact-groups/nordby-bolig/contact-points")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        ids(&in_bolig),
        ["nordby-kp-byggesag", "nordby-kp-myndighed"]
    );
    let for_companies: ContactPointPage = core
        .get("/apis/v1/contact-groups/nordby-bolig/contact-points?audience=COMPANY")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&for_companies), ["nordby-kp-byggesag"]);

    // Hidden contact points do not show in a group either.
    core.import_ok(
        "nordby",
        &csv(&["KONTAKTPUNKT;nordby-kp-skjult;;Skjult byggesag;;;;CITIZEN;HIDDEN;;nordby-bolig;;;;;;;;;;;"]),
    )
    .await;
    let in_bolig: ContactPointPage = core
        .get("/apis/v1/contact-groups/nordby-bolig/contact-points")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(in_bolig.total_count, 2);

    let response = core
        .get("/apis/v1/contact-groups/findes-ikke/contact-points")
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------
// Get by id and routing

#[tokio::test]
async fn unknown_contact_point_is_404_and_recipient_systems_resolve() {
    let core = Core::with_example().await;
    let response = core.get("/apis/v1/contact-points/findes-ikke").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: ContactsErrorBody = response.json().await.unwrap();
    assert_eq!(body.code, "NOT_FOUND");

    let contacts = ContactPoints::new(core.db.clone());
    // Mapped to its own system.
    assert_eq!(
        contacts
            .recipient_system("nordby-kp-byggesag")
            .await
            .unwrap()
            .as_deref(),
        Some("nordby-sager")
    );
    // No mapping: the authority's default recipient system.
    assert_eq!(
        contacts
            .recipient_system("nordby-kp-pas")
            .await
            .unwrap()
            .as_deref(),
        Some("nordby-post")
    );
    assert_eq!(
        contacts.recipient_system("findes-ikke").await.unwrap(),
        None
    );
    let (point, authority) = contacts.get("nordby-kp-byggesag").await.unwrap().unwrap();
    assert_eq!(point.recipient_system_id.as_deref(), Some("nordby-sager"));
    assert_eq!(authority.name, "Nordby Kommune");
}

// ---------------------------------------------------------------------------------------------
// Import errors

/// Imports `file` for Nordby on top of the example and expects exactly these (row, code)
/// problems, with nothing written.
async fn expect_problems(core: &Core, file: &str, expected: &[(u32, Code)]) {
    let before = (
        core.count("contact_points").await,
        core.count("contact_groups").await,
        core.count("contact_group_members").await,
    );
    let rejected = core.import_rejected("nordby", file).await;
    let found: Vec<(u32, Code)> = rejected.problems.iter().map(|p| (p.row, p.code)).collect();
    assert_eq!(found, expected, "{:#?}", rejected.problems);
    assert!(rejected.problems.iter().all(|p| !p.message.is_empty()));
    assert!(rejected.message.contains("nothing was imported"));
    let after = (
        core.count("contact_points").await,
        core.count("contact_groups").await,
        core.count("contact_group_members").await,
    );
    assert_eq!(before, after, "nothing may be written");
}

#[tokio::test]
async fn every_row_problem_is_reported_with_its_row_number_and_nothing_is_imported() {
    let core = Core::with_example().await;
    let good = point("ny-1", "Ny henvendelse", "ny", "CITIZEN", "VISIBLE");
    let file = csv(&[
        /* 2 */ &good,
        /* 3 */ &point("ny-1", "Samme id igen", "", "CITIZEN", "VISIBLE"),
        /* 4 */ &point("ny 2", "Mellemrum i id", "", "CITIZEN", "VISIBLE"),
        /* 5 */ &point("ny-3", "", "", "CITIZEN", "VISIBLE"),
        /* 6 */
        &point(
            "ny-4",
            "Forkert målgruppe",
            "",
            "CITIZEN|BORGERE",
            "VISIBLE",
        ),
        /* 7 */ &point("ny-5", "Ingen målgruppe", "", "", "VISIBLE"),
        /* 8 */ &point("ny-6", "Forkert synlighed", "", "CITIZEN", "MAYBE"),
        /* 9 */
        "KONTAKTPUNKT;ny-7;;Usikkert link;;;;CITIZEN;VISIBLE;http://nordby.example/pas;;;;;;;;;;;;",
        /* 10 */
        "KONTAKTPUNKT;ny-8;;Link med kodeord;;;;CITIZEN;VISIBLE;https://bruger:kode@nordby.example/;;;;;;;;;;;;",
        /* 11 */
        "KONTAKTPUNKT;ny-9;;Ukendt gruppe;;;;CITIZEN;VISIBLE;;findes-ikke;;;;;;;;;;;",
        /* 12 */ "KONTAKTPUNKT;ny-10;;Forkert KLE;;;;CITIZEN;VISIBLE;;;;;;;5.4.2 Pas;;;;;;",
        /* 13 */
        "KONTAKTPUNKT;ny-11;;KLE uden tekst;;;;CITIZEN;VISIBLE;;;;;;;05.04.02;;;;;;",
        /* 14 */
        "KONTAKTPUNKT;ny-12;;Forkert FORM;;;;CITIZEN;VISIBLE;;;;;;;;FORM-1 Noget;;;;;",
        /* 15 */
        "KONTAKTPUNKT;ny-13;;Forkert GLN;;;;CITIZEN;VISIBLE;;;;;;;;;GLN;5790000000004;;;",
        /* 16 */ "KONTAKTPUNKT;ny-14;;Kode uden type;;;;CITIZEN;VISIBLE;;;;;;;;;;123;;;",
        /* 17 */ "KONTAKTPUNKT;ny-15;;For mange MB;;;;CITIZEN;VISIBLE;;;;;;;;;;;;100;",
        /* 18 */ "KONTAKTPUNKT;ny-16;;Negativt antal;;;;CITIZEN;VISIBLE;;;;;;;;;;;-1;;",
        /* 19 */
        "KONTAKTPUNKT;ny-17;;Hjælpetekst uden felt;;;;CITIZEN;VISIBLE;;;;Udfyld dette;;;;;;;;;",
        /* 20 */ "KONTAKTPUNKT;ny-18;;Ukendt system;;;;CITIZEN;VISIBLE;;;;;;;;;;;;;syd-post",
        /* 21 */
        "KONTAKTPUNKT;ny-19;forælder;Punkt med forælder;;;;CITIZEN;VISIBLE;;;;;;;;;;;;;",
        /* 22 */ "KONTAKTGRUPPE;g-1;;Gruppe med målgruppe;;;;CITIZEN;;;;;;;;;;;;;;",
        /* 23 */ &group("g-2", "findes-ikke", "Forældreløs"),
        /* 24 */ &group("g-3", "", "Skrå/streg"),
        /* 25 */ "SKUFFE;g-4;;Ukendt type;;;;;;;;;;;;;;;;;;",
        /* 26 */ &group("g-5", "nordby-kp-pas", "Under et kontaktpunkt"),
        /* 27 */ &point("nordby-id", "Var en gruppe", "", "CITIZEN", "VISIBLE"),
        /* 28 */
        "KONTAKTPUNKT;ny-20;;For mange celler;;;;CITIZEN;VISIBLE;;;;;;;;;;;;;;ekstra",
        /* 29 */ "KONTAKTPUNKT;ny-21;;Styretegn \u{7};;;;CITIZEN;VISIBLE;;;;;;;;;;;;;",
    ]);
    expect_problems(
        &core,
        &file,
        &[
            (3, Code::DuplicateId),
            (4, Code::InvalidId),
            (5, Code::Required),
            (6, Code::InvalidAudience),
            (7, Code::Required),
            (8, Code::InvalidVisibility),
            (9, Code::InvalidUrl),
            (10, Code::InvalidUrl),
            (11, Code::UnknownGroup),
            (12, Code::InvalidCode),
            (13, Code::InvalidCode),
            (14, Code::InvalidCode),
            (15, Code::InvalidCode),
            (16, Code::InvalidCode),
            (17, Code::InvalidNumber),
            (18, Code::InvalidNumber),
            (19, Code::InvalidExtraField),
            (20, Code::UnknownSystem),
            (21, Code::NotApplicable),
            (22, Code::NotApplicable),
            (23, Code::UnknownParent),
            (24, Code::InvalidName),
            (25, Code::InvalidType),
            (26, Code::UnknownParent),
            (27, Code::KindChanged),
            (28, Code::TooManyCells),
            (29, Code::InvalidText),
        ],
    )
    .await;
}

#[tokio::test]
async fn header_problems_are_row_1() {
    let core = Core::with_example().await;
    expect_problems(&core, "", &[(1, Code::MissingHeader)]).await;
    expect_problems(
        &core,
        "type;id;navn\nKONTAKTGRUPPE;x;X\n",
        &[(1, Code::UnknownColumn), (1, Code::MissingColumn)],
    )
    .await;
    expect_problems(&core, "type;id;name;name\n", &[(1, Code::UnknownColumn)]).await;
    // At most 2 extra fields: a third field column is refused.
    expect_problems(
        &core,
        "type;id;name;audiences;visibility;extra_field_1;extra_field_2;extra_field_3\nKONTAKTPUNKT;x;X;CITIZEN;VISIBLE;a;b;c\n",
        &[(1, Code::InvalidExtraField)],
    )
    .await;
}

#[tokio::test]
async fn a_file_that_is_not_utf8_is_refused_with_the_row() {
    let core = Core::with_example().await;
    // "Kørekort" as Windows-1252 (ø = 0xF8) on row 3.
    let mut body = format!(
        "{HEADER}\n{}\n",
        point("ok", "Fint", "", "CITIZEN", "VISIBLE")
    )
    .into_bytes();
    body.extend_from_slice(b"KONTAKTPUNKT;bad;;K\xF8rekort;;;;CITIZEN;VISIBLE;;;;;;;;;;;;;\n");
    let response = core
        .http
        .post(format!("{}/apis/v1/contact-structure", core.base))
        .header("content-type", "text/csv")
        .header("x-test-authority", "nordby")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let rejected: ImportRejected = response.json().await.unwrap();
    assert_eq!(rejected.problems.len(), 1);
    assert_eq!(
        (rejected.problems[0].row, rejected.problems[0].code),
        (3, Code::NotReadable)
    );
    assert_eq!(rejected.problems[0].column.as_deref(), Some("name"));
}

#[tokio::test]
async fn parent_loops_and_depth_are_checked_against_the_stored_tree() {
    let core = Core::with_example().await;
    // A loop inside the file.
    expect_problems(
        &core,
        &csv(&[
            &group("l-a", "l-b", "A"),
            &group("l-b", "l-a", "B"),
            &group("l-c", "l-c", "C"),
        ]),
        &[(2, Code::Cycle), (3, Code::Cycle), (4, Code::Cycle)],
    )
    .await;
    // A loop through a stored group: ID (stored, top) is moved under its own child Pas.
    expect_problems(
        &core,
        &csv(&[&group("nordby-id", "nordby-id-pas", "ID")]),
        &[(2, Code::Cycle)],
    )
    .await;

    // 4 levels (ID/Pas/Tredje/Fjerde): accepted with a warning on the deepest group.
    let report = core
        .import_ok(
            "nordby",
            &csv(&[
                &group("d3", "nordby-id-pas", "Tredje niveau"),
                &group("d4", "d3", "Fjerde niveau"),
            ]),
        )
        .await;
    assert_eq!(report.contact_groups.created, 2);
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(
        (report.warnings[0].row, report.warnings[0].code),
        (3, Code::TooDeep)
    );

    // 11 levels: refused.
    let mut rows = vec![group("z1", "", "Niveau 1")];
    for level in 2..=11 {
        rows.push(group(
            &format!("z{level}"),
            &format!("z{}", level - 1),
            &format!("Niveau {level}"),
        ));
    }
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    expect_problems(&core, &csv(&rows), &[(12, Code::TooDeep)]).await;
}

#[tokio::test]
async fn ids_of_another_authority_cannot_be_taken() {
    let core = Core::with_example().await;
    expect_problems_for(
        &core,
        "sydregion",
        &csv(&[
            &point("nordby-kp-pas", "Kapring", "", "CITIZEN", "VISIBLE"),
            &group("nordby-id", "", "Kapring"),
        ]),
        &[(2, Code::IdTaken), (3, Code::IdTaken)],
    )
    .await;
    // Groups of another authority cannot be used either.
    expect_problems_for(
        &core,
        "sydregion",
        &csv(&["KONTAKTPUNKT;syd-1;;Syd;;;;CITIZEN;VISIBLE;;nordby-id;;;;;;;;;;;"]),
        &[(2, Code::UnknownGroup)],
    )
    .await;
    let pas: ContactPoint = core
        .get("/apis/v1/contact-points/nordby-kp-pas")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pas.authority_id, "nordby");
}

async fn expect_problems_for(core: &Core, authority: &str, file: &str, expected: &[(u32, Code)]) {
    let rejected = core.import_rejected(authority, file).await;
    let found: Vec<(u32, Code)> = rejected.problems.iter().map(|p| (p.row, p.code)).collect();
    assert_eq!(found, expected, "{:#?}", rejected.problems);
}

#[tokio::test]
async fn a_reimport_updates_only_what_changed() {
    let core = Core::with_example().await;
    let changed = EXAMPLE
        .replace(
            "KONTAKTPUNKT;nordby-kp-koerekort;;Kørekort;",
            "KONTAKTPUNKT;nordby-kp-koerekort;;Kørekort og førerbevis;",
        )
        .replace(";Hjælp i hjemmet, plejebolig og madservice;;ældre|hjemmehjælp|plejehjem|madservice;CITIZEN;VISIBLE;",
                 ";Hjælp i hjemmet, plejebolig og madservice;;ældre|hjemmehjælp|plejehjem|madservice;CITIZEN;HIDDEN;")
        .replace("KONTAKTGRUPPE;nordby-bolig;;Bolig og byggeri;", "KONTAKTGRUPPE;nordby-bolig;;Bolig, byggeri og ejendom;")
        + &point("nordby-kp-ny", "Ny kontakt", "helt|ny", "CITIZEN", "VISIBLE")
        + "\n";
    let report = core.import_ok("nordby", &changed).await;
    assert_eq!(
        (
            report.contact_points.created,
            report.contact_points.updated,
            report.contact_points.unchanged
        ),
        (1, 2, 4)
    );
    assert_eq!(
        (
            report.contact_groups.created,
            report.contact_groups.updated,
            report.contact_groups.unchanged
        ),
        (0, 1, 4)
    );

    // The new name is searchable, hidden is hidden, the group path changed.
    assert_eq!(core.search("førerbevis").await, ["nordby-kp-koerekort"]);
    assert!(core.search("hjemmehjælp").await.is_empty());
    assert_eq!(core.search("helt ny").await, ["nordby-kp-ny"]);
    let groups: ContactGroupList = core
        .get("/apis/v1/contact-groups?authorityId=nordby")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        groups
            .items
            .iter()
            .any(|g| g.path == "Bolig, byggeri og ejendom")
    );

    // A file with only some rows leaves the others alone (an authority may split its files).
    let partial = csv(&[&point(
        "nordby-kp-ny",
        "Ny kontakt",
        "ny|anden",
        "CITIZEN",
        "VISIBLE",
    )]);
    let report = core.import_ok("nordby", &partial).await;
    assert_eq!(
        (
            report.contact_points.created,
            report.contact_points.updated,
            report.contact_points.unchanged
        ),
        (0, 1, 0)
    );
    assert_eq!(core.count("contact_points").await, 7);
    assert_eq!(core.search("anden").await, ["nordby-kp-ny"]);
    // The dropped search word finds it no more.
    assert!(core.search("helt").await.is_empty());
}

#[tokio::test]
async fn at_most_2000_rows_per_file() {
    let core = Core::start().await;
    let rows: Vec<String> = (0..2000)
        .map(|i| {
            point(
                &format!("kp-{i}"),
                &format!("Kontakt {i}"),
                "",
                "CITIZEN",
                "VISIBLE",
            )
        })
        .collect();
    let rows_ref: Vec<&str> = rows.iter().map(String::as_str).collect();
    let report = core.import_ok("styrelsen", &csv(&rows_ref)).await;
    assert_eq!(report.contact_points.created, 2000);

    let mut more = rows.clone();
    more.push(point("kp-2000", "En for meget", "", "CITIZEN", "VISIBLE"));
    let more_ref: Vec<&str> = more.iter().map(String::as_str).collect();
    let rejected = core.import_rejected("styrelsen", &csv(&more_ref)).await;
    let found: Vec<(u32, Code)> = rejected.problems.iter().map(|p| (p.row, p.code)).collect();
    assert_eq!(found, [(2002, Code::TooManyRows)]);
    assert!(core.get("/apis/v1/contact-points/kp-2000").await.status() == StatusCode::NOT_FOUND);
    // Blank rows (as a spreadsheet writes them) do not count.
    let mut with_blanks = csv(&rows_ref);
    with_blanks.push_str(&";".repeat(21));
    with_blanks.push('\n');
    core.import_ok("styrelsen", &with_blanks).await;
}

#[tokio::test]
async fn only_a_signed_in_known_authority_may_import_and_only_csv() {
    let core = Core::start().await;
    let response = core.import_raw(None, "text/csv", EXAMPLE, "").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = core
        .import_raw(Some("ukendt"), "text/csv", EXAMPLE, "")
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = core
        .import_raw(Some("nordby"), "application/json", EXAMPLE, "")
        .await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let response = core
        .import_raw(Some("nordby"), "text/csv", EXAMPLE, "?dryRun=maybe")
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(core.count("contact_points").await, 0);
}

#[tokio::test]
async fn comma_separated_files_with_a_byte_order_mark_work_too() {
    let core = Core::start().await;
    let file = "\u{feff}Type,ID,Name,Audiences,Visibility,Search_Words\r\nKONTAKTPUNKT,kp-komma,\"Skat, moms og afgifter\",VIRKSOMHED,synlig,moms|afgift\r\n";
    let report = core.import_ok("styrelsen", file).await;
    assert_eq!(report.contact_points.created, 1);
    assert_eq!(core.search("MOMS").await, ["kp-komma"]);
    let cp: ContactPoint = core
        .get("/apis/v1/contact-points/kp-komma")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cp.name, "Skat, moms og afgifter");
    assert_eq!(cp.audiences, [Audience::Company]);
}

#[tokio::test]
async fn a_search_index_sees_imports_made_through_another_instance() {
    // `contacts` stands for another server process: it has its own index, built here.
    let core = Core::with_example().await;
    let contacts = ContactPoints::new(core.db.clone());
    assert_eq!(
        ids(&contacts.search(&SearchQuery::term("pas")).await.unwrap()),
        ["nordby-kp-pas"]
    );

    // The router's instance imports: a new contact point, and the passport one hidden.
    let changed = EXAMPLE.replace(
        "pas|pasfornyelse|rejsedokument|bortkommet pas;CITIZEN;VISIBLE;",
        "pas|pasfornyelse|rejsedokument|bortkommet pas;CITIZEN;HIDDEN;",
    ) + &point("nordby-kp-pasfoto", "Pasfoto", "", "CITIZEN", "VISIBLE")
        + "\n";
    let report = core.import_ok("nordby", &changed).await;
    assert_eq!(
        (report.contact_points.created, report.contact_points.updated),
        (1, 1)
    );

    assert_eq!(
        ids(&contacts.search(&SearchQuery::term("pas")).await.unwrap()),
        ["nordby-kp-pasfoto"]
    );
    assert_eq!(core.search("pas").await, ["nordby-kp-pasfoto"]);
}
