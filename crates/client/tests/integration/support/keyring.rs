//! A private secret store for each test: a D-Bus session of its own with GNOME Keyring in it.
//!
//! A test that touches the secret store starts with [`crate::in_private_keyring!`]. Outside
//! such a session the macro runs the same test again in a child process under
//! `dbus-run-session`, after starting `gnome-keyring-daemon` unlocked with a random password,
//! with `HOME` and the XDG folders in a temporary folder; it then checks that the child ran
//! exactly that one test and passed, and the outer call returns. Inside the session the test
//! body runs. So tests never touch a developer's own keyring, and run from a bare shell (CI
//! runs headless as root without a session bus) with `cargo nextest run -p brevdue-client`
//! or `cargo test -p brevdue-client`. It needs `dbus-run-session` and `gnome-keyring-daemon`
//! (Debian: `dbus`, `gnome-keyring`; `scripts/setup` installs them).
//!
//! The whole-system tests (`tests/e2e`, `support::keyring`) include this file as it is: it
//! must keep needing nothing of this test crate but `in_private_keyring!`'s own path.

use std::process::Command;

/// Set in the child: the test runs inside its private session.
const INSIDE: &str = "BREVDUE_TEST_IN_KEYRING_SESSION";

/// Runs the current test in a private keyring session; see the module doc.
#[macro_export]
macro_rules! in_private_keyring {
    ($test:ident) => {
        if !$crate::support::keyring::enter(module_path!(), stringify!($test)) {
            return;
        }
    };
}

/// `true` when the caller is inside a private session and should run its body; otherwise
/// runs the test `module::test` in one and returns `false`.
pub fn enter(module: &str, test: &str) -> bool {
    if std::env::var_os(INSIDE).is_some() {
        return true;
    }
    // module_path!() starts with the test binary's crate name, which libtest leaves out.
    let path = match module.split_once("::") {
        Some((_, rest)) => format!("{rest}::{test}"),
        None => test.to_owned(),
    };
    let home = tempfile::tempdir().expect("temporary HOME");
    let runtime = home.path().join("run");
    std::fs::create_dir_all(&runtime).expect("runtime dir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700))
            .expect("runtime dir mode");
    }
    let password = format!("{:032x}", rand::random::<u128>());
    let exe = std::env::current_exe().expect("test binary");
    // gnome-keyring creates and unlocks the login keyring only for a non-empty password.
    let script = r#"printf %s "$BREVDUE_TEST_KEYRING_PASSWORD" \
        | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 97
unset BREVDUE_TEST_KEYRING_PASSWORD
exec "$@""#;
    let output = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script, "sh"])
        .arg(&exe)
        .args(["--exact", &path, "--nocapture", "--test-threads=1"])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("BREVDUE_TEST_KEYRING_PASSWORD", &password)
        .env(INSIDE, "1")
        .output()
        .expect("dbus-run-session must be installed (Debian: dbus, gnome-keyring)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        output.status.success(),
        "{path} failed in its keyring session ({})",
        output.status
    );
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "{path} did not run in its keyring session"
    );
    false
}
