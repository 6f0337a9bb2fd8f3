//! The database: opening it, the migrations that shape it, and the few things that differ
//! between the two databases the core runs on.
//!
//! SQLite in a data folder by default (WAL, foreign keys on); PostgreSQL when `--database`
//! names a `postgres://` URL. Both go through sqlx's `Any` driver, so every query of the core is
//! written once, in SQL both accept: numbered parameters (`$1`), `TRUE`/`FALSE` for flags,
//! `CAST(… AS BIGINT)` around sums. What cannot be written once (full-text search, the
//! writer's lock, case-insensitive ordering) asks [`Backend`]. Each database has its own
//! migrations (`migrations/sqlite`, `migrations/postgres`) that end in the same tables.

use std::path::Path;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, Arguments, Executor, Transaction};

/// The connection pool every part of the core shares.
pub type Db = sqlx::AnyPool;

/// One connection of [`Db`] (also what a transaction dereferences to).
pub type Conn = AnyConnection;

/// Which database is underneath.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The database a pool talks to.
    pub fn of(db: &Db) -> Self {
        Self::from_scheme(db.connect_options().database_url.scheme())
    }

    /// The database a connection talks to.
    pub fn of_conn(conn: &Conn) -> Self {
        if conn.backend_name() == "PostgreSQL" {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }

    fn from_scheme(scheme: &str) -> Self {
        if scheme.starts_with("postgres") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }
}

/// What went wrong opening a database named by a URL.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("unsupported database URL (use postgres://… or sqlite://…)")]
    Unsupported,
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<OpenError> for sqlx::Error {
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::Sql(e) => e,
            OpenError::Migrate(e) => sqlx::Error::Migrate(Box::new(e)),
            other => sqlx::Error::Configuration(other.to_string().into()),
        }
    }
}

/// Opens (creating if needed) the database file `brevdue.sqlite3` in `data_dir` and brings its
/// schema up to date.
pub async fn open(data_dir: &Path) -> Result<Db, sqlx::Error> {
    std::fs::create_dir_all(data_dir).map_err(sqlx::Error::Io)?;
    let file = std::path::absolute(data_dir.join("brevdue.sqlite3")).map_err(sqlx::Error::Io)?;
    Ok(connect_sqlite(&sqlite_url(&file), false).await?)
}

/// The `sqlite://` URL of a file (the Any driver opens SQLite by URL): every byte of the path
/// but letters, digits and `/-_.~` percent-encoded, as sqlx decodes it again.
fn sqlite_url(file: &Path) -> String {
    let mut url = String::from("sqlite://");
    for b in file.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url.push_str("?mode=rwc");
    url
}

/// A private in-memory SQLite database, for tests of one module.
pub async fn open_in_memory() -> Result<Db, sqlx::Error> {
    Ok(connect_sqlite("sqlite::memory:", true).await?)
}

/// Opens the database a URL names (`postgres://…` or `sqlite://…`) and brings its schema up to
/// date. Several core processes may open the same PostgreSQL database at once.
pub async fn open_url(url: &str) -> Result<Db, OpenError> {
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        "postgres" | "postgresql" => connect_postgres(url).await,
        "sqlite" => connect_sqlite(url, url.contains(":memory:")).await,
        _ => Err(OpenError::Unsupported),
    }
}

async fn connect_sqlite(url: &str, in_memory: bool) -> Result<Db, OpenError> {
    sqlx::any::install_default_drivers();
    let options: AnyConnectOptions = url.parse()?;
    let pool = AnyPoolOptions::new()
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
        .after_connect(move |conn, _| {
            Box::pin(async move {
                // The Any driver opens SQLite with sqlx's defaults (foreign keys on); the rest
                // of what the core wants of SQLite is set here, on every connection.
                conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000")
                    .await?;
                if !in_memory {
                    conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
                        .await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
    Ok(pool)
}

async fn connect_postgres(url: &str) -> Result<Db, OpenError> {
    sqlx::any::install_default_drivers();
    let options: AnyConnectOptions = url.parse()?;
    let pool = AnyPoolOptions::new()
        .max_connections(16)
        .idle_timeout(Some(Duration::from_secs(600)))
        .max_lifetime(Some(Duration::from_secs(3600)))
        .connect_with(options)
        .await?;
    // sqlx's migrator takes PostgreSQL's advisory lock: instances starting together migrate once.
    sqlx::migrate!("./migrations/postgres").run(&pool).await?;
    Ok(pool)
}

/// The key of the advisory lock every writing transaction on PostgreSQL holds (any number;
/// only the core uses advisory locks on its database).
const WRITER_LOCK: i64 = 0x0062_7265_7664_7565; // "brevdue"

/// Begins a transaction that writes. Writers take turns, on both databases: on SQLite through
/// `BEGIN IMMEDIATE` (the database's one write lock), on PostgreSQL through one transaction-level
/// advisory lock shared by every instance. So a read-then-write inside it is never raced by
/// another writer, in this process or another, and change numbers commit in their order.
pub async fn begin_write(db: &Db) -> Result<Transaction<'static, Any>, sqlx::Error> {
    match Backend::of(db) {
        Backend::Sqlite => db.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => {
            let mut tx = db.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(WRITER_LOCK)
                .execute(&mut *tx)
                .await?;
            Ok(tx)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sqlite_url_keeps_any_path() {
        assert_eq!(
            sqlite_url(Path::new("/home/a b/50%?#æ")),
            "sqlite:///home/a%20b/50%25%3F%23%C3%A6?mode=rwc"
        );
    }

    #[tokio::test]
    async fn a_data_folder_with_odd_characters_opens() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let odd = dir.path().join("data 50% #1 æ?");
        let db = open(&odd).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Backend::of(&db), Backend::Sqlite);
        db.close().await;
        assert!(odd.join("brevdue.sqlite3").is_file());
    }
}

/// A flag read from either database: SQLite hands back an integer (0 or 1), PostgreSQL a
/// boolean. Read a flag column as `#[sqlx(try_from = "Flag")] bool` or `Flag` and `.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(f: Flag) -> bool {
        f.0
    }
}

impl sqlx::Type<Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <bool as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <bool as sqlx::Type<Any>>::compatible(ty) || <i64 as sqlx::Type<Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        match <bool as sqlx::Decode<Any>>::decode(value.clone()) {
            Ok(b) => Ok(Flag(b)),
            Err(_) => Ok(Flag(<i64 as sqlx::Decode<Any>>::decode(value)? != 0)),
        }
    }
}

/// A query assembled piece by piece, with numbered parameters (`$1`, `$2`, …) that both
/// databases accept (sqlx's `QueryBuilder` writes `?` for the `Any` driver, which PostgreSQL
/// rejects).
pub struct Sql<'q> {
    text: String,
    args: sqlx::any::AnyArguments<'q>,
}

impl std::fmt::Debug for Sql<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sql")
            .field("text", &self.text)
            .finish_non_exhaustive()
    }
}

impl<'q> Sql<'q> {
    pub fn new(start: impl Into<String>) -> Self {
        Self {
            text: start.into(),
            args: Default::default(),
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, text: impl std::fmt::Display) -> &mut Self {
        use std::fmt::Write;
        let _ = write!(self.text, "{text}");
        self
    }

    /// Appends a parameter holding `value`.
    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'q + sqlx::Encode<'q, Any> + sqlx::Type<Any>,
    {
        // Encoding into the Any driver's buffer cannot fail for the types the core binds.
        let _ = self.args.add(value);
        let n = self.args.len();
        self.push(format_args!("${n}"))
    }

    /// Appends `values` as parameters separated by commas.
    pub fn push_bind_list<T>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self
    where
        T: 'q + sqlx::Encode<'q, Any> + sqlx::Type<Any>,
    {
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push_bind(v);
        }
        self
    }

    /// The SQL text so far.
    pub fn sql(&self) -> &str {
        &self.text
    }

    /// The query, to execute once (its parameters move into it).
    pub fn build<'a>(&'a mut self) -> sqlx::query::Query<'a, Any, sqlx::any::AnyArguments<'a>>
    where
        'q: 'a,
    {
        let args: sqlx::any::AnyArguments<'a> = std::mem::take(&mut self.args);
        sqlx::query_with(&self.text, args)
    }

    /// The query, mapping rows to `T`, to execute once (its parameters move into it).
    pub fn build_query_as<'a, T>(
        &'a mut self,
    ) -> sqlx::query::QueryAs<'a, Any, T, sqlx::any::AnyArguments<'a>>
    where
        'q: 'a,
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let args: sqlx::any::AnyArguments<'a> = std::mem::take(&mut self.args);
        sqlx::query_as_with(&self.text, args)
    }
}
