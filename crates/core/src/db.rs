//! The database: opening it, and the migrations that shape it.
//!
//! SQLite in a data folder by default (WAL, foreign keys on). Every query of the core lives in
//! a module named for the entity it is about; SQL is kept portable where that costs nothing, so
//! that PostgreSQL can take SQLite's place.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The connection pool every part of the core shares.
pub type Db = sqlx::SqlitePool;

/// Opens (creating if needed) the database file `brevdue.sqlite3` in `data_dir` and brings its
/// schema up to date.
pub async fn open(data_dir: &Path) -> Result<Db, sqlx::Error> {
    std::fs::create_dir_all(data_dir).map_err(sqlx::Error::Io)?;
    let options = SqliteConnectOptions::new()
        .filename(data_dir.join("brevdue.sqlite3"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    connect(options).await
}

/// A private in-memory database, for tests of one module.
pub async fn open_in_memory() -> Result<Db, sqlx::Error> {
    let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
    connect(options).await
}

async fn connect(options: SqliteConnectOptions) -> Result<Db, sqlx::Error> {
    let in_memory = options.get_filename() == Path::new(":memory:");
    let pool = SqlitePoolOptions::new()
        // An in-memory database exists per connection: keep exactly one.
        .max_connections(if in_memory { 1 } else { 8 })
        .min_connections(if in_memory { 1 } else { 0 })
        .idle_timeout(if in_memory {
            None
        } else {
            Some(Duration::from_secs(600))
        })
        .max_lifetime(if in_memory {
            None
        } else {
            Some(Duration::from_secs(3600))
        })
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}
