//! A real PostgreSQL for tests, and which database a test runs on.
//!
//! `BREVDUE_TEST_DATABASE=postgres` runs the tests that build their core through
//! [`test_database_url`] on PostgreSQL; unset (or `sqlite`), on SQLite. The server is
//! `BREVDUE_TEST_POSTGRES` (a URL of a role that may create databases, as
//! `scripts/with-postgres` exports it for a whole test run), or else a cluster this process
//! starts itself: `initdb` into a temporary folder, `postgres` on a free loopback port (as the
//! `postgres` user when run as root, since PostgreSQL refuses to run as root), watched by a
//! shell that stops it and removes the folder when this process is gone. Each test gets a
//! database of its own.

#![allow(dead_code)]
// Test support: a failure to start the test database fails the test, loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Whether this run's tests use PostgreSQL.
pub(crate) fn on_postgres() -> bool {
    std::env::var("BREVDUE_TEST_DATABASE").is_ok_and(|v| v.eq_ignore_ascii_case("postgres"))
}

/// A fresh, empty database for one test on this run's database: `None` for SQLite (the core
/// then keeps it in its data folder), else a PostgreSQL URL.
pub(crate) fn test_database_url() -> Option<String> {
    on_postgres().then(fresh_postgres_database)
}

/// Opens this run's database for one test: SQLite in `dir`, or a fresh PostgreSQL database.
pub(crate) async fn open_test_db(dir: &Path) -> brevdue_core::db::Db {
    match test_database_url() {
        Some(url) => brevdue_core::db::open_url(&url)
            .await
            .expect("PostgreSQL opens"),
        None => brevdue_core::db::open(dir).await.expect("SQLite opens"),
    }
}

/// A new, empty PostgreSQL database, as a URL.
pub(crate) fn fresh_postgres_database() -> String {
    let server = server_url();
    let name = format!("brevdue_test_{}", uuid::Uuid::new_v4().simple());
    let out = Command::new(psql())
        .arg(server)
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-c"])
        .arg(format!("CREATE DATABASE {name}"))
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "creating a test database failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut url = url::Url::parse(server).expect("a valid PostgreSQL URL");
    url.set_path(&name);
    url.to_string()
}

/// The URL of the PostgreSQL server the tests use (its `postgres` database).
pub(crate) fn server_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("BREVDUE_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => url,
        _ => start_cluster(),
    })
}

/// The folder with PostgreSQL's programs: `PG_BIN`, else the newest
/// `/usr/lib/postgresql/<version>/bin` (Debian and Ubuntu), else whatever `PATH` finds.
pub(crate) fn bin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn program(name: &str) -> PathBuf {
    bin_dir().map_or_else(|| PathBuf::from(name), |dir| dir.join(name))
}

fn psql() -> PathBuf {
    program("psql")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// `cmd` as the `postgres` user when this process is root, else as is.
fn as_owner(cmd: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(cmd);
        c
    } else {
        Command::new(cmd)
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("an address").port()
}

/// Starts a cluster for this process and returns its URL.
fn start_cluster() -> String {
    let dir = tempfile::Builder::new()
        .prefix("brevdue-pg-")
        .tempdir()
        .expect("a temporary folder")
        .keep();
    if is_root() {
        let chown = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()
            .expect("chown runs");
        assert!(
            chown.success(),
            "the postgres user must exist (apt-get install postgresql)"
        );
    }
    let data = dir.join("data");
    let initdb = as_owner(&program("initdb"))
        .arg("-D")
        .arg(&data)
        .args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ])
        .output()
        .unwrap_or_else(|e| panic!("initdb could not run ({e}): apt-get install postgresql"));
    assert!(
        initdb.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&initdb.stderr)
    );
    let port = free_port();
    let postgres = program("postgres");
    let owner = if is_root() {
        "runuser -u postgres -- "
    } else {
        ""
    };
    // The watcher: runs the server, stops it when this test process is gone, then tidies up.
    // pg_ctl signals the postmaster itself (runuser would not pass a signal on).
    let script = format!(
        "{owner}'{postgres}' -D '{data}' -p {port} -k '{dir}' -c listen_addresses=127.0.0.1 \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
         -c max_connections=200 >'{dir}/log' 2>&1 & pg=$!; \
         while kill -0 {me} 2>/dev/null && kill -0 $pg 2>/dev/null; do sleep 0.5; done; \
         {owner}'{pg_ctl}' -D '{data}' -m fast -w stop >/dev/null 2>&1; wait $pg; rm -rf '{dir}'",
        postgres = postgres.display(),
        pg_ctl = program("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
        me = std::process::id(),
    );
    // The watcher outlives this process by design (it notices the end of it): never waited for.
    #[allow(clippy::zombie_processes)]
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("sh runs");
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let started = Instant::now();
    loop {
        let ready = Command::new(psql())
            .arg(&url)
            .args(["-q", "-c", "SELECT 1"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ready {
            return url;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "PostgreSQL did not start: {}",
            std::fs::read_to_string(dir.join("log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
