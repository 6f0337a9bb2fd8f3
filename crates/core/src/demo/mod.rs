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

use chrono::{DateTime, Utc};

use crate::db::Db;

pub use letters::{DemoFile, DemoLetter, letters};
pub use world::{World, world};

/// What went wrong while seeding.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the database refused the demo data: {0}")]
    Db(#[from] sqlx::Error),
}

/// What [`seed`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// False when the database already held the demo world and nothing was done.
    pub seeded: bool,
    pub persons: usize,
    pub authorities: usize,
    pub systems: usize,
}

/// The `secret_hash` of the demo's systems: not a hash of anything, so no secret matches it.
/// The demo sends its post through the routing entry point, not over HTTP.
const NO_SECRET: &str = "!demo-system-without-secret";

/// Fills `db` with the demo world as it stands at `now`. Seeding a database that already holds
/// the demo world does nothing.
pub async fn seed(db: &Db, now: DateTime<Utc>) -> Result<SeedReport, SeedError> {
    let world = world::world(now);
    if already_seeded(db, &world).await? {
        return Ok(SeedReport::default());
    }
    let mut tx = db.begin().await?;
    for p in &world.persons {
        sqlx::query(
            "INSERT INTO persons (id, cpr, name, description) VALUES (?, ?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(p.id)
        .bind(p.cpr)
        .bind(p.name)
        .bind(p.description)
        .execute(&mut *tx)
        .await?;
    }
    for c in &world.companies {
        sqlx::query("INSERT INTO companies (cvr, name) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(c.cvr)
            .bind(c.name)
            .execute(&mut *tx)
            .await?;
    }
    for r in &world.company_rights {
        sqlx::query(
            "INSERT INTO company_rights (person_id, cvr) VALUES (?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(r.person_id)
        .bind(r.cvr)
        .execute(&mut *tx)
        .await?;
    }
    for a in &world.authorities {
        sqlx::query(
            "INSERT INTO authorities (id, cvr, name, authority_type) VALUES (?, ?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(a.id)
        .bind(a.cvr)
        .bind(a.name)
        .bind(a.authority_type.as_str())
        .execute(&mut *tx)
        .await?;
    }
    for s in &world.systems {
        sqlx::query(
            "INSERT INTO systems (id, authority_id, role, name, secret_hash) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(s.id)
        .bind(s.authority_id)
        .bind(s.role.as_str())
        .bind(s.name)
        .bind(NO_SECRET)
        .execute(&mut *tx)
        .await?;
    }
    for (authority, system) in &world.default_recipients {
        sqlx::query(
            "INSERT INTO authority_default_recipients (authority_id, system_id) VALUES (?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(authority)
        .bind(system)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(SeedReport {
        seeded: true,
        persons: world.persons.len(),
        authorities: world.authorities.len(),
        systems: world.systems.len(),
    })
}

/// Whether every demo person is already in the database.
async fn already_seeded(db: &Db, world: &World) -> Result<bool, sqlx::Error> {
    let mut found = 0usize;
    for p in &world.persons {
        let row: Option<(String,)> = sqlx::query_as("SELECT id FROM persons WHERE id = ?")
            .bind(p.id)
            .fetch_optional(db)
            .await?;
        found += usize::from(row.is_some());
    }
    Ok(found == world.persons.len())
}
