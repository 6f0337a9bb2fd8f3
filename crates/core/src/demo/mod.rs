//! The demo world of `brevdue serve --demo` and the desktop app's first run: a fictional but
//! believable Danish world of people, companies, authorities with contact structures, and a
//! year of post, all made relative to a given `now` and the same for the same `now`.
//!
//! - [`world`]: who is who (people, companies, authorities, systems, read-access grants).
//! - [`contacts`]: each authority's contact groups and contact points.
//! - [`letters`]: the messages, as MeMo models with real PDF letters ([`pdf`]).
//! - [`seed`]: puts it all into a database, sending every message through the core's routing
//!   as a sender system would.
//!
//! Not for: anything real. Every CPR and CVR number is fictional by construction (see
//! [`world`]), and every letter says in its footer that it is a demo letter.

pub mod contacts;
pub mod danish;
pub mod letters;
pub mod pdf;
pub mod world;

use chrono::{DateTime, Duration, SecondsFormat, Utc};

use crate::clock::Clock;
use crate::db::Db;
use crate::error::ApiError;
use crate::state::AppState;
use crate::{folders, mailboxes, messages, representatives, routing};

pub use letters::{DemoFile, DemoLetter, letters};
pub use world::{World, world};

/// What went wrong while seeding.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the database refused the demo data: {0}")]
    Db(#[from] sqlx::Error),
    #[error("demo message {key} could not be written as MeMo: {source}")]
    Memo {
        key: &'static str,
        source: brevdue_memo::Error,
    },
    #[error("the core did not route demo message {key}: {source}")]
    Route { key: &'static str, source: ApiError },
    #[error("the core refused a demo grant: {0}")]
    Grant(ApiError),
    #[error("the demo world is inconsistent: {0}")]
    World(String),
}

/// What [`seed`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// False when the database already held the demo world and nothing was done.
    pub seeded: bool,
    /// Rows added: people, companies, company rights, authorities, systems, default recipients.
    pub identities: u64,
    pub contact_points: u64,
    /// Messages the core accepted and routed now (those routed before are skipped).
    pub messages: usize,
    pub grants: usize,
}

/// The `secret_hash` of the demo's systems: not a hash of anything, so no secret matches it.
/// The demo sends its post through [`routing::accept_bytes`], not over HTTP.
const NO_SECRET: &str = "!demo-system-without-secret";

/// Letters older than this are marked read, as a real mailbox would have them.
const READ_AFTER_DAYS: i64 = 21;

/// Fills the core's database with the demo world as it stands at `now`: identities,
/// authorities and their systems, contact points, then every letter sent through
/// [`routing::accept_bytes`] by its authority's sender system, as it would be over
/// `POST /apis/v1/memos`, at the time the letter was written (so received times span the
/// year), and last the read-access grants.
///
/// Seeding a database that already holds the demo world does nothing. A seeding that stopped
/// half-way is finished by the next: every step skips what is already there.
///
/// Deadlines lie ahead of the `now` the world was made for, so a demo database seeded weeks
/// ago shows them passed: `brevdue serve --demo` should seed a fresh data folder (or the caller
/// compare [`seeded_for`] with the time and start over). Typical use, after
/// [`open_state`](crate::open_state): `demo::seed(&state, Utc::now()).await?`.
pub async fn seed(state: &AppState, now: DateTime<Utc>) -> Result<SeedReport, SeedError> {
    if seeded_for(&state.db).await?.is_some() {
        return Ok(SeedReport::default());
    }
    let world = world::world(now);
    let mut report = SeedReport {
        seeded: true,
        identities: insert_identities(&state.db, &world).await?,
        contact_points: import_contact_points(&state.db).await?,
        ..SeedReport::default()
    };

    // Route at the time each letter is sent, on a clock of our own.
    let routing_state = AppState {
        clock: Clock::manual(now),
        ..state.clone()
    };
    for letter in letters::letters(&world, now) {
        if route(&routing_state, &world, &letter, now).await? {
            report.messages += 1;
        }
    }

    let mut tx = crate::db::begin_write(&state.db).await?;
    for grant in &world.grants {
        let mailbox = match grant.owner {
            world::MailboxOwner::Person(id) => {
                mailboxes::ensure_for_person(&mut tx, id, now).await?
            }
            world::MailboxOwner::Company(cvr) => {
                mailboxes::ensure_for_company(&mut tx, cvr, now).await?
            }
        };
        let folders = match grant.folder {
            Some(name) => Some(vec![
                folders::ensure_user_folder(&mut tx, &mailbox, name, now).await?,
            ]),
            None => None,
        };
        representatives::grant(
            &mut tx,
            &mailbox,
            grant.holder_id,
            folders,
            grant.expires,
            now,
        )
        .await
        .map_err(SeedError::Grant)?;
        report.grants += 1;
    }
    sqlx::query("INSERT INTO demo_seed (id, world_now, seeded_at) VALUES (1, $1, $2)")
        .bind(rfc3339(now))
        .bind(rfc3339(Utc::now()))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(
        messages = report.messages,
        contact_points = report.contact_points,
        "demo world seeded"
    );
    Ok(report)
}

/// The `now` the database's demo world was made for, if it holds one.
pub async fn seeded_for(db: &Db) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT world_now FROM demo_seed WHERE id = 1")
        .fetch_optional(db)
        .await?;
    Ok(row
        .and_then(|(t,)| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc)))
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Sends one letter through routing, unless it was routed before; files it the way its
/// recipient would have: read when it is old, the plumbers' tax post in their bookkeeping
/// folder. Returns whether it was routed now.
async fn route(
    state: &AppState,
    world: &World,
    letter: &DemoLetter,
    now: DateTime<Utc>,
) -> Result<bool, SeedError> {
    let system = world
        .sender_system(letter.authority_id)
        .ok_or_else(|| SeedError::World(format!("{} has no sender system", letter.authority_id)))?;
    let xml = letter.to_memo().map_err(|source| SeedError::Memo {
        key: letter.key,
        source,
    })?;
    // Handed in a few minutes after it was written.
    state
        .clock
        .set((letter.sent + Duration::minutes(3)).min(now));
    let accepted = routing::accept_bytes(state, system.id, &xml)
        .await
        .map_err(|source| SeedError::Route {
            key: letter.key,
            source,
        })?;
    if !accepted.created {
        return Ok(false);
    }
    let uuid = letter.message.message_uuid.as_hyphenated().to_string();
    let read = letter.sent < now - Duration::days(READ_AFTER_DAYS);
    let bookkeeping =
        letter.authority_id == world::SKAT && letter.message.recipient.id == world::LYNGBAKKEN_VVS;
    if read || bookkeeping {
        let mut tx = crate::db::begin_write(&state.db).await?;
        let folder = if bookkeeping {
            let mailbox =
                mailboxes::ensure_for_company(&mut tx, world::LYNGBAKKEN_VVS, letter.sent).await?;
            Some(
                folders::ensure_user_folder(
                    &mut tx,
                    &mailbox,
                    world::BOOKKEEPING_FOLDER,
                    letter.sent,
                )
                .await?,
            )
        } else {
            None
        };
        messages::set_state(&mut tx, &uuid, read.then_some(true), folder.as_deref()).await?;
        tx.commit().await?;
    }
    Ok(true)
}

/// Puts the world's identities, authorities and systems in the database, skipping rows that
/// are there; returns how many rows were added.
async fn insert_identities(db: &Db, world: &World) -> Result<u64, sqlx::Error> {
    let mut added = 0;
    let mut tx = crate::db::begin_write(db).await?;
    for p in &world.persons {
        added += sqlx::query(
            "INSERT INTO persons (id, cpr, name, description) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(p.id)
        .bind(p.cpr)
        .bind(p.name)
        .bind(p.description)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    for c in &world.companies {
        added +=
            sqlx::query("INSERT INTO companies (cvr, name) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(c.cvr)
                .bind(c.name)
                .execute(&mut *tx)
                .await?
                .rows_affected();
    }
    for r in &world.company_rights {
        added += sqlx::query(
            "INSERT INTO company_rights (person_id, cvr) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(r.person_id)
        .bind(r.cvr)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    for a in &world.authorities {
        added += sqlx::query(
            "INSERT INTO authorities (id, cvr, name, authority_type) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(a.id)
        .bind(a.cvr)
        .bind(a.name)
        .bind(a.authority_type.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    for s in &world.systems {
        added += sqlx::query(
            "INSERT INTO systems (id, authority_id, role, name, secret_hash) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(s.id)
        .bind(s.authority_id)
        .bind(s.role.as_str())
        .bind(s.name)
        .bind(NO_SECRET)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    for (authority, system) in &world.default_recipients {
        added += sqlx::query(
            "INSERT INTO authority_default_recipients (authority_id, system_id) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(authority)
        .bind(system)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    tx.commit().await?;
    Ok(added)
}

/// Makes the authorities' contact points known to routing.
///
/// Imports every authority's contact structure through the contact structure import, as the
/// authority would upload its file. Returns the contact points created.
async fn import_contact_points(db: &Db) -> Result<u64, SeedError> {
    let contacts = crate::contacts::ContactPoints::new(db.clone());
    let mut added = 0;
    for s in contacts::structures() {
        let report = contacts
            .import_csv(s.authority_id, s.to_csv().as_bytes(), false)
            .await
            .map_err(|e| {
                SeedError::World(format!("contact structure of {}: {e}", s.authority_id))
            })?;
        added += u64::from(report.contact_points.created);
    }
    Ok(added)
}
