//! Contact point search latency over 50,000 contact points (target: p99 <= 10 ms at the server).
//!
//! Builds a SQLite file in a temporary folder through the real CSV import (about 160
//! authorities), then runs a fixed, seeded mix of searches twice: in-process through
//! `ContactPoints::search` (the handler's work without HTTP: the query plus loading the page)
//! and over HTTP on loopback against the real router. Prints p50/p95/p99 per query class.
//!
//! Run: `cargo bench -p brevdue-core --bench contact_search` (optionally `-- 50000 3000`:
//! contact points, searches per class).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use brevdue_core::contacts::{ContactPoints, SearchQuery, router};

// `BREVDUE_TEST_DATABASE=postgres scripts/with-postgres cargo bench …` runs on PostgreSQL.
#[path = "../tests/support/postgres.rs"]
mod postgres;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

/// Everyday topics, shared by many authorities (so many contact points share a name).
const TOPICS: &[&str] = &[
    "Pas",
    "Kørekort",
    "Borgerservice",
    "Byggesag",
    "Affald",
    "Genbrugsplads",
    "Skat",
    "Ejendomsskat",
    "Pension",
    "Folkepension",
    "Boligstøtte",
    "Børnepasning",
    "Dagpleje",
    "Vuggestue",
    "Skole",
    "Skolebestyrelse",
    "SFO",
    "Ældrepleje",
    "Hjemmehjælp",
    "Hjælpemidler",
    "Sygedagpenge",
    "Kontanthjælp",
    "Jobcenter",
    "Beskæftigelse",
    "Integration",
    "Sundhed",
    "Tandpleje",
    "Genoptræning",
    "Handicap",
    "Vej",
    "Parkering",
    "Vinterberedskab",
    "Natur",
    "Miljø",
    "Spildevand",
    "Vandforsyning",
    "Kultur",
    "Bibliotek",
    "Idræt",
    "Forening",
    "Borgmester",
    "Klage",
    "Aktindsigt",
    "Persondata",
    "Valg",
    "Flytning",
    "Navneændring",
    "Vielse",
    "Begravelse",
    "Udbetaling",
];
const QUALIFIERS: &[&str] = &[
    "ansøgning",
    "fornyelse",
    "klage",
    "spørgsmål",
    "tilskud",
    "refusion",
    "tilladelse",
    "dispensation",
    "afmelding",
    "tilmelding",
    "vejledning",
    "opkrævning",
    "betaling",
    "bevilling",
    "visitation",
    "tilsyn",
];
const SYLLABLES: &[&str] = &[
    "mo", "ved", "sk", "ov", "bak", "ke", "lund", "by", "holm", "strand", "rup", "sø", "bjerg",
    "dal", "høj", "kær", "næs", "vig", "borg", "toft", "gård", "hus", "mark", "skov", "å", "ø",
    "æ", "an", "er", "il",
];

/// A made-up Danish-sounding word: 2-4 syllables.
fn made_up_word(rng: &mut StdRng) -> String {
    let n = rng.random_range(2..=4);
    (0..n)
        .map(|_| *SYLLABLES.choose(rng).unwrap_or(&"a"))
        .collect()
}

struct World {
    /// Every word that occurs, to draw queries from.
    vocabulary: Vec<String>,
    csv_by_authority: Vec<(String, String)>,
    total_points: usize,
}

/// The authorities and one CSV file each, with `target` contact points in all.
fn build_world(target: usize, rng: &mut StdRng) -> World {
    let place_names: Vec<String> = (0..400).map(|_| made_up_word(rng)).collect();
    let rare_words: Vec<String> = (0..4000).map(|_| made_up_word(rng)).collect();
    let mut vocabulary: Vec<String> = TOPICS
        .iter()
        .chain(QUALIFIERS)
        .map(|w| w.to_lowercase())
        .collect();
    vocabulary.extend(rare_words.iter().cloned());

    let authority_count = 160;
    let per_authority = target.div_ceil(authority_count);
    let mut csv_by_authority = Vec::new();
    let mut total_points = 0;
    for a in 0..authority_count {
        let authority_id = format!("auth-{a:03}");
        let place = &place_names[a % place_names.len()];
        let mut csv = String::from(
            "type;id;parent_id;name;description;search_words;audiences;visibility;groups;kle_codes\n",
        );
        for (g, t) in TOPICS.iter().take(20).enumerate() {
            let _ = writeln!(csv, "KONTAKTGRUPPE;{authority_id}-g-{g};;{t};;;;;;");
        }
        let n = per_authority.min(target - total_points);
        for i in 0..n {
            let topic = TOPICS[(i * 7 + a) % TOPICS.len()];
            let qualifier = QUALIFIERS[(i / TOPICS.len() + a) % QUALIFIERS.len()];
            let name = match rng.random_range(0..4) {
                0 => topic.to_owned(),
                1 => format!("{topic} - {qualifier}"),
                2 => format!("{topic}, {} {}", capitalise(place), rng.random_range(1..50)),
                _ => format!(
                    "{topic} {}",
                    rare_words.choose(rng).map_or("", String::as_str)
                ),
            };
            let mut words = vec![topic.to_lowercase(), qualifier.to_owned()];
            for _ in 0..rng.random_range(1..6) {
                words.push(rare_words.choose(rng).cloned().unwrap_or_default());
            }
            let audiences = [
                "CITIZEN",
                "COMPANY",
                "CITIZEN|COMPANY",
                "AUTHORITY",
                "CITIZEN|COMPANY|AUTHORITY",
            ]
            .choose(rng)
            .copied()
            .unwrap_or("CITIZEN");
            let visibility = if rng.random_range(0..20) == 0 {
                "HIDDEN"
            } else {
                "VISIBLE"
            };
            let group = rng.random_range(0..20);
            let _ = writeln!(
                csv,
                "KONTAKTPUNKT;{authority_id}-kp-{i};;{name};Henvendelser om {topic};{};{audiences};{visibility};{authority_id}-g-{group};05.04.02 Pas",
                words.join("|"),
                topic = topic.to_lowercase(),
            );
        }
        total_points += n;
        csv_by_authority.push((authority_id, csv));
        if total_points >= target {
            break;
        }
    }
    World {
        vocabulary,
        csv_by_authority,
        total_points,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A prefix of a word, at least 2 characters (or the whole word when shorter).
fn prefix_of(word: &str, rng: &mut StdRng) -> String {
    let chars: Vec<char> = word.chars().collect();
    let len = rng.random_range(2.min(chars.len())..=chars.len());
    chars[..len].iter().collect()
}

/// Makes one query of a class.
type Generator = fn(&World, &mut StdRng) -> SearchQuery;

/// The query classes measured: name, generator.
fn query_classes() -> Vec<(&'static str, Generator)> {
    vec![
        ("1 word (prefix of any word)", |w, rng| {
            let word = w
                .vocabulary
                .choose(rng)
                .map_or("pas".to_owned(), |v| prefix_of(v, rng));
            SearchQuery::term(&word)
        }),
        ("2 words, audience filter", |w, rng| {
            let a = w
                .vocabulary
                .choose(rng)
                .map_or("pas".to_owned(), |v| prefix_of(v, rng));
            let b = w
                .vocabulary
                .choose(rng)
                .map_or("ans".to_owned(), |v| prefix_of(v, rng));
            let mut q = SearchQuery::term(&format!("{a} {b}"));
            q.audience = Some(brevdue_api::contacts::Audience::Citizen);
            q
        }),
        ("common topic word (~2% of points)", |_, rng| {
            let t = TOPICS.choose(rng).copied().unwrap_or("Pas");
            SearchQuery::term(&t.to_uppercase())
        }),
        ("broad: 1-2 letters (worst case)", |_, rng| {
            let t = ["a", "s", "b", "k", "sk", "bo", "ø", "å"]
                .choose(rng)
                .copied()
                .unwrap_or("a");
            SearchQuery::term(t)
        }),
        ("empty term, page 5 (browse all)", |_, _| {
            let mut q = SearchQuery::term("");
            q.page = 5;
            q
        }),
    ]
}

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration, Duration, Duration) {
    samples.sort();
    let at = |p: f64| {
        let i = ((samples.len() as f64 * p).ceil() as usize)
            .saturating_sub(1)
            .min(samples.len() - 1);
        samples[i]
    };
    (at(0.50), at(0.95), at(0.99), samples[samples.len() - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let target: usize = args
        .first()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(50_000);
    let per_class: usize = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(2_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(target, per_class))
}

async fn run(target: usize, per_class: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let pool = postgres::open_test_db(dir.path()).await;
    println!("database: {:?}", brevdue_core::db::Backend::of(&pool));
    let mut rng = StdRng::seed_from_u64(20261127);
    let world = build_world(target, &mut rng);
    for (i, (id, _)) in world.csv_by_authority.iter().enumerate() {
        let kind = ["MUNICIPALITY", "REGION", "STATE", "OTHER"][i % 4];
        sqlx::query(
            "INSERT INTO authorities (id, cvr, name, authority_type) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(format!("{:08}", 29_000_000 + i))
        .bind(format!("Myndighed {i}"))
        .bind(kind)
        .execute(&pool)
        .await?;
    }
    let contacts = ContactPoints::new(pool.clone());
    let started = Instant::now();
    for (id, csv) in &world.csv_by_authority {
        contacts
            .import_csv(id, csv.as_bytes(), false)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))
            .with_context(|| format!("import of {id}"))?;
    }
    let import_time = started.elapsed();
    // Fresh statistics for the planner, as a running core has them.
    let analyze = match brevdue_core::db::Backend::of(&pool) {
        brevdue_core::db::Backend::Sqlite => "PRAGMA optimize",
        brevdue_core::db::Backend::Postgres => "ANALYZE",
    };
    sqlx::query(analyze).execute(&pool).await?;
    println!(
        "{} contact points of {} authorities imported in {:.1} s ({} files)",
        world.total_points,
        world.csv_by_authority.len(),
        import_time.as_secs_f64(),
        world.csv_by_authority.len()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = router(pool.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();

    println!("\n{per_class} searches per class, latency in ms (page size 20)");
    println!(
        "{:<38} {:>9} | {:>7} {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7} {:>7}",
        "query class", "avg hits", "p50", "p95", "p99", "max", "p50", "p95", "p99", "max"
    );
    println!(
        "{:<38} {:>9} | {:^31} | {:^31}",
        "", "", "in-process (ContactPoints::search)", "over HTTP (loopback, reqwest)"
    );
    for (name, generate) in query_classes() {
        let mut qrng = StdRng::seed_from_u64(7);
        let queries: Vec<SearchQuery> = (0..per_class)
            .map(|_| generate(&world, &mut qrng))
            .collect();
        // Warm up the page cache and the pool.
        for q in queries.iter().take(50) {
            contacts
                .search(q)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        let mut local = Vec::with_capacity(queries.len());
        let mut hits = 0u64;
        for q in &queries {
            let t = Instant::now();
            let page = contacts
                .search(q)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            local.push(t.elapsed());
            hits += page.total_count;
        }
        let mut remote = Vec::with_capacity(queries.len());
        for q in &queries {
            let mut params = vec![
                ("searchTerm", q.search_term.clone()),
                ("page", q.page.to_string()),
            ];
            if let Some(a) = q.audience {
                params.push(("audience", a.as_str().to_owned()));
            }
            let t = Instant::now();
            let response = client
                .get(format!("http://{addr}/apis/v1/contact-points"))
                .query(&params)
                .send()
                .await?;
            if !response.status().is_success() {
                bail!("search {:?} answered {}", q.search_term, response.status());
            }
            let body = response.bytes().await?;
            remote.push(t.elapsed());
            if body.is_empty() {
                bail!("empty answer");
            }
        }
        let (l50, l95, l99, lmax) = percentiles(local);
        let (r50, r95, r99, rmax) = percentiles(remote);
        println!(
            "{:<38} {:>9} | {:>7} {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7} {:>7}",
            name,
            hits / per_class as u64,
            ms(l50),
            ms(l95),
            ms(l99),
            ms(lmax),
            ms(r50),
            ms(r95),
            ms(r99),
            ms(rmax)
        );
    }
    Ok(())
}
