//! What the whole-system test stands on: the display (Xvfb), a private D-Bus session with
//! GNOME Keyring in which `tauri-driver` (and so WebKitWebDriver and the app) runs, a real core
//! with the demo world on loopback, and the WebDriver session that launches the real
//! `brevdue-desktop` binary. Everything is stopped when dropped.

// Shared by the test and the bench (`benches/desktop.rs`); each uses part of it.
#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use fantoccini::{Client, ClientBuilder, Locator};

pub(crate) mod proxy;

/// A private secret store for a test that runs the client in its own process: the client's
/// integration tests' helper, used as it is (one copy), with its `in_private_keyring!`.
#[path = "../../../../crates/client/tests/integration/support/keyring.rs"]
#[allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]
pub(crate) mod keyring;

/// The programs the test needs; an error naming each one that is not installed.
pub(crate) struct Tools {
    pub(crate) tauri_driver: PathBuf,
    pub(crate) xdotool: PathBuf,
}

impl Tools {
    pub(crate) fn find() -> Result<Tools> {
        let mut missing = Vec::new();
        for tool in [
            "Xvfb",
            "WebKitWebDriver",
            "dbus-run-session",
            "gnome-keyring-daemon",
            "xdotool",
            "import",
        ] {
            if which(tool).is_none() {
                missing.push(tool);
            }
        }
        let tauri_driver = which("tauri-driver").or_else(|| {
            let home = std::env::var_os("HOME")?;
            let path = Path::new(&home).join(".cargo/bin/tauri-driver");
            path.is_file().then_some(path)
        });
        if tauri_driver.is_none() {
            missing.push("tauri-driver");
        }
        match (tauri_driver, which("xdotool")) {
            (Some(tauri_driver), Some(xdotool)) if missing.is_empty() => Ok(Tools {
                tauri_driver,
                xdotool,
            }),
            _ => bail!(
                "the whole-system test needs {} (scripts/setup installs them)",
                missing.join(", ")
            ),
        }
    }
}

fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
}

/// The workspace's root folder.
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `brevdue-desktop` binary: `BREVDUE_DESKTOP_BIN`, else the one cargo built next to
/// this test (`scripts/e2e` builds it first).
pub(crate) fn desktop_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("BREVDUE_DESKTOP_BIN") {
        return Ok(PathBuf::from(path));
    }
    // target/<profile>/deps/<this test> -> target/<profile>/brevdue-desktop
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .context("the test binary is not in target/<profile>/deps")?;
    let bin = profile_dir.join("brevdue-desktop");
    if !bin.is_file() {
        bail!(
            "{} is missing: build it first (`cargo build -p brevdue-desktop`, or run scripts/e2e)",
            bin.display()
        );
    }
    Ok(bin)
}

/// A child process that is killed when dropped, with everything it started: it runs in a
/// process group of its own (e.g. `dbus-run-session` → `tauri-driver` → `WebKitWebDriver` →
/// the app), and the whole group is killed.
pub(crate) struct Process {
    name: &'static str,
    child: Child,
}

impl Process {
    pub(crate) fn spawn(name: &'static str, command: &mut Command) -> Result<Process> {
        use std::os::unix::process::CommandExt;
        let child = command
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {name}"))?;
        Ok(Process { name, child })
    }

    /// Fails if the process has already stopped.
    fn check_running(&mut self) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!("{} stopped: {status}", self.name);
        }
        Ok(())
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the whole process group at once (SIGKILL: no goodbye, nothing flushed) and waits
    /// for the process to be gone.
    pub(crate) fn kill(self) {
        drop(self);
    }

    /// Asks the process alone to stop (SIGTERM, as a logout or shutdown does).
    pub(crate) fn terminate(&self) -> Result<()> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()?;
        ensure!(status.success(), "kill -TERM {} failed", self.name);
        Ok(())
    }

    /// Waits up to `timeout` for the process to end by itself; its exit status.
    pub(crate) async fn wait_exit(
        &mut self,
        timeout: Duration,
    ) -> Result<std::process::ExitStatus> {
        let end = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            if Instant::now() > end {
                bail!("{} did not end within {timeout:?}", self.name);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // The group's id is the child's pid (`process_group(0)`).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An X server of our own.
pub(crate) struct Display {
    pub(crate) name: String,
    number: u32,
    xvfb: Option<Process>,
}

/// The lock file and socket of X display `n`.
fn x_files(n: u32) -> [PathBuf; 2] {
    [
        PathBuf::from(format!("/tmp/.X{n}-lock")),
        PathBuf::from(format!("/tmp/.X11-unix/X{n}")),
    ]
}

/// Whether display `n` is taken: its lock file names a process that is alive. A lock of a
/// process that is gone (an X server killed, which cannot clean up) is stale, and it is
/// removed with its socket; a socket without a lock is stale too.
fn x_display_taken(n: u32) -> bool {
    let [lock, socket] = x_files(n);
    match std::fs::read_to_string(&lock) {
        Ok(text) => {
            let alive = text
                .trim()
                .parse::<u32>()
                .is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
            if alive {
                return true;
            }
            let _ = std::fs::remove_file(&lock);
            let _ = std::fs::remove_file(&socket);
            false
        }
        // A lock being written this moment reads empty or fails: taken, to be safe.
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => true,
        Err(_) => {
            let _ = std::fs::remove_file(&socket);
            false
        }
    }
}

impl Display {
    pub(crate) fn start() -> Result<Display> {
        // A display number nobody uses.
        let number = (90..190)
            .map(|n| n + std::process::id() % 50)
            .find(|&n| !x_display_taken(n))
            .context("no free X display number")?;
        let name = format!(":{number}");
        let mut xvfb = Process::spawn(
            "Xvfb",
            Command::new("Xvfb")
                .args([&name, "-screen", "0", "1400x900x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        let [_, socket] = x_files(number);
        wait_until(Duration::from_secs(10), || socket.exists()).context("Xvfb did not start")?;
        xvfb.check_running()?;
        Ok(Display {
            name,
            number,
            xvfb: Some(xvfb),
        })
    }
}

impl Drop for Display {
    /// Xvfb is killed (it cannot remove its lock file and socket then), so they are removed
    /// here; left behind, they used up the display numbers after a hundred runs.
    fn drop(&mut self) {
        drop(self.xvfb.take());
        for file in x_files(self.number) {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// `tauri-driver` in a private D-Bus session with an unlocked GNOME Keyring, with `HOME` and
/// the XDG folders inside `home`.
pub(crate) struct Driver {
    pub(crate) port: u16,
    process: Process,
    /// Where tauri-driver, WebKitWebDriver and the app write their output.
    log: PathBuf,
    /// The environment tauri-driver runs in (and so the app), for starting the app beside it.
    home: PathBuf,
    display: String,
}

impl Driver {
    pub(crate) fn start(tools: &Tools, display: &Display, home: &Path) -> Result<Driver> {
        Driver::start_with_env(tools, display, home, &[])
    }

    /// As [`Driver::start`], with more environment variables for tauri-driver and so for the
    /// app it launches.
    pub(crate) fn start_with_env(
        tools: &Tools,
        display: &Display,
        home: &Path,
        env: &[(&str, &std::ffi::OsStr)],
    ) -> Result<Driver> {
        let port = free_port()?;
        let native_port = free_port()?;
        let runtime = home.join("run");
        std::fs::create_dir_all(&runtime)?;
        std::fs::create_dir_all(home.join("Downloads"))?;
        std::fs::create_dir_all(home.join("config"))?;
        std::fs::write(
            home.join("config/user-dirs.dirs"),
            "XDG_DOWNLOAD_DIR=\"$HOME/Downloads\"\n",
        )?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700))?;
        }
        let password = format!("{:032x}", rand_u128());
        // gnome-keyring makes and unlocks the login keyring only for a non-empty password.
        let script = r#"printf %s "$BREVDUE_E2E_KEYRING_PASSWORD" \
            | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 97
unset BREVDUE_E2E_KEYRING_PASSWORD
printf %s "$DBUS_SESSION_BUS_ADDRESS" > "$HOME/dbus-address"
exec "$@""#;
        let log_path = home.join("tauri-driver.log");
        let log = std::fs::File::create(&log_path)?;
        let mut command = Command::new("dbus-run-session");
        command.envs(env.iter().copied());
        let process = Process::spawn(
            "tauri-driver",
            command
                .args(["--", "sh", "-c", script, "sh"])
                .arg(&tools.tauri_driver)
                .args(["--port", &port.to_string()])
                .args(["--native-port", &native_port.to_string()])
                .env_remove("DBUS_SESSION_BUS_ADDRESS")
                .env_remove("WAYLAND_DISPLAY")
                .env("DISPLAY", &display.name)
                .env("HOME", home)
                .env("XDG_DATA_HOME", home.join("data"))
                .env("XDG_CONFIG_HOME", home.join("config"))
                .env("XDG_CACHE_HOME", home.join("cache"))
                .env("XDG_RUNTIME_DIR", &runtime)
                .env("BREVDUE_E2E_KEYRING_PASSWORD", &password)
                .env("BREVDUE_LOG", "info,brevdue=debug")
                // Software rendering: Xvfb has no GPU.
                .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
                .env("LIBGL_ALWAYS_SOFTWARE", "1")
                .stdout(log.try_clone()?)
                .stderr(log),
        )?;
        let mut driver = Driver {
            port,
            process,
            log: log_path,
            home: home.to_path_buf(),
            display: display.name.clone(),
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        wait_until(Duration::from_secs(20), || TcpStream::connect(addr).is_ok())
            .context("tauri-driver did not start listening")?;
        driver.process.check_running()?;
        Ok(driver)
    }

    /// After a failed step: a screenshot of the window as `name`, and the app's log on
    /// standard output.
    pub(crate) async fn report_failure(&self, c: &Client, shots: &Screenshots, name: &str) {
        let _ = shots.window(c, name).await;
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        println!("--- the app's log ---\n{log}");
    }

    /// Starts the app through WebDriver with `args`.
    pub(crate) async fn launch(&self, app: &Path, args: &[String]) -> Result<Client> {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app, "args": args }),
        );
        // tauri-driver listens before WebKitWebDriver behind it does: try a few times.
        let mut attempt = 0;
        let client = loop {
            attempt += 1;
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{}", self.port))
                .await
            {
                Ok(client) => break client,
                Err(error) if attempt < 10 => {
                    println!("WebDriver session not started yet ({error}); trying again");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(error) => return Err(error).context("WebDriver could not start the app"),
            }
        };
        Ok(client)
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn rand_u128() -> u128 {
    use std::hash::{BuildHasher, RandomState};
    let a = RandomState::new().hash_one(std::process::id());
    let b = RandomState::new().hash_one(Instant::now());
    (u128::from(a) << 64) | u128::from(b)
}

fn wait_until(timeout: Duration, mut ok: impl FnMut() -> bool) -> Result<()> {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("timed out after {timeout:?}")
}

/// The app's arguments: the core at `server`, and a data folder of its own in `work`.
pub(crate) fn app_args(server: &str, work: &Path) -> Vec<String> {
    vec![
        "--server".to_owned(),
        server.to_owned(),
        "--data-dir".to_owned(),
        work.join("app").display().to_string(),
    ]
}

/// A real core for this test alone, on a loopback port with its data in `data`, test sign-in
/// on and the demo world seeded as of now; and what the seed made.
pub(crate) async fn demo_core(
    data: &Path,
) -> Result<(brevdue_core::RunningServer, brevdue_core::demo::SeedReport)> {
    let mut config = brevdue_core::Config::new(data);
    config.test_provider = true;
    let core = brevdue_core::start(config).await?;
    let seeded = brevdue_core::demo::seed(core.state(), chrono::Utc::now()).await?;
    Ok((core, seeded))
}

/// Waits for the first element matching `css` and returns it.
pub(crate) async fn element(c: &Client, css: &str) -> Result<fantoccini::elements::Element> {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("no element {css}"))
}

/// Waits for an element of `css` whose text (`textContent`) holds `text`.
pub(crate) async fn element_with_text(
    c: &Client,
    css: &str,
    text: &str,
) -> Result<fantoccini::elements::Element> {
    let end = Instant::now() + Duration::from_secs(30);
    loop {
        let found = c
            .execute(
                "return [...document.querySelectorAll(arguments[0])]\
                   .findIndex(e => e.textContent.includes(arguments[1]));",
                vec![css.into(), text.into()],
            )
            .await?;
        if let Some(index) = found.as_u64() {
            let all = c.find_all(Locator::Css(css)).await?;
            if let Some(e) = all.into_iter().nth(index as usize) {
                return Ok(e);
            }
        }
        if Instant::now() > end {
            bail!("no {css} with the text {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The screenshots of the steps, in `target/e2e-screenshots/`.
pub(crate) struct Screenshots {
    dir: PathBuf,
    display: String,
}

impl Screenshots {
    pub(crate) fn new(display: &Display) -> Result<Screenshots> {
        let dir = workspace_root().join("target/e2e-screenshots");
        std::fs::create_dir_all(&dir)?;
        Ok(Screenshots {
            dir,
            display: display.name.clone(),
        })
    }

    /// The app's window, as WebDriver sees it.
    pub(crate) async fn window(&self, c: &Client, name: &str) -> Result<PathBuf> {
        let png = c.screenshot().await?;
        let path = self.dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        println!("screenshot: {}", path.display());
        Ok(path)
    }

    /// The whole X screen (with native dialogs), through ImageMagick's `import`.
    pub(crate) fn screen(&self, name: &str) -> Result<PathBuf> {
        let path = self.dir.join(format!("{name}.png"));
        let status = Command::new("import")
            .args(["-display", &self.display, "-window", "root"])
            .arg(&path)
            .status()?;
        if !status.success() {
            bail!("import failed: {status}");
        }
        println!("screenshot: {}", path.display());
        Ok(path)
    }
}

/// Runs `xdotool` on `display`; its standard output.
pub(crate) fn xdotool(tools: &Tools, display: &Display, args: &[&str]) -> Result<String> {
    let out = Command::new(&tools.xdotool)
        .args(args)
        .env("DISPLAY", &display.name)
        .output()?;
    if !out.status.success() {
        bail!(
            "xdotool {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Waits for a visible window whose title matches `name` (a regular expression); its id.
pub(crate) async fn window_named(tools: &Tools, display: &Display, name: &str) -> Result<String> {
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(out) = xdotool(tools, display, &["search", "--onlyvisible", "--name", name])
            && let Some(id) = out.lines().next()
        {
            return Ok(id.trim().to_owned());
        }
        if Instant::now() > end {
            bail!("no window named {name:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The process ids of `root` and all its descendants. A child belongs to the thread that
/// started it, so every thread's `children` is read, not only the main thread's.
pub(crate) fn process_tree(root: u32) -> Vec<u32> {
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        let threads = std::fs::read_dir(format!("/proc/{parent}/task"))
            .map(|dir| dir.filter_map(|t| t.ok()).collect::<Vec<_>>())
            .unwrap_or_default();
        for thread in threads {
            if let Ok(children) = std::fs::read_to_string(thread.path().join("children")) {
                tree.extend(
                    children
                        .split_whitespace()
                        .filter_map(|p| p.parse::<u32>().ok()),
                );
            }
        }
        i += 1;
    }
    tree
}

impl Driver {
    pub(crate) fn pid(&self) -> u32 {
        self.process.pid()
    }
}

impl Driver {
    /// The file that holds the output of tauri-driver, WebKitWebDriver and the app.
    pub(crate) fn log_path(&self) -> &Path {
        &self.log
    }

    /// Starts the app with `args` as a user does, without WebDriver, in the driver's D-Bus
    /// session (its keyring, so a stored sign-in resumes) and environment; its output goes to
    /// `log`. Killed with its process group when dropped.
    pub(crate) fn spawn_app(&self, app: &Path, args: &[String], log: &Path) -> Result<Process> {
        let bus = std::fs::read_to_string(self.home.join("dbus-address"))
            .context("the driver wrote no D-Bus address")?;
        let log = std::fs::File::create(log)?;
        Process::spawn(
            "brevdue-desktop",
            Command::new(app)
                .args(args)
                .env("DBUS_SESSION_BUS_ADDRESS", bus.trim())
                .env_remove("WAYLAND_DISPLAY")
                .env("DISPLAY", &self.display)
                .env("HOME", &self.home)
                .env("XDG_DATA_HOME", self.home.join("data"))
                .env("XDG_CONFIG_HOME", self.home.join("config"))
                .env("XDG_CACHE_HOME", self.home.join("cache"))
                .env("XDG_RUNTIME_DIR", self.home.join("run"))
                .env("BREVDUE_LOG", "info,brevdue=debug")
                .env("NO_COLOR", "1")
                .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
                .env("LIBGL_ALWAYS_SOFTWARE", "1")
                .stdout(log.try_clone()?)
                .stderr(log),
        )
    }

    /// The process id of the app that WebDriver launched (`brevdue-desktop` under the driver).
    pub(crate) fn app_pid(&self) -> Result<u32> {
        process_tree(self.pid())
            .into_iter()
            .find(|pid| {
                std::fs::read_to_string(format!("/proc/{pid}/comm"))
                    .is_ok_and(|name| name.trim() == "brevdue-desktop")
            })
            .context("no brevdue-desktop process under the driver")
    }
}

/// Closes the window `id` the way a window manager does when the user clicks its close button:
/// a `WM_DELETE_WINDOW` message (xdotool cannot send it, and Xvfb runs no window manager), sent
/// through Xlib by a few lines of Python.
pub(crate) fn close_window(display: &Display, id: &str) -> Result<()> {
    const SCRIPT: &str = r#"
import ctypes, sys
x = ctypes.cdll.LoadLibrary("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XOpenDisplay.argtypes = [ctypes.c_char_p]
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong),
                ("message_type", ctypes.c_ulong), ("format", ctypes.c_int),
                ("l", ctypes.c_long * 5)]
class Event(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                         ctypes.POINTER(Event)]
d = x.XOpenDisplay(None)
if not d:
    sys.exit("no display")
window = int(sys.argv[1])
e = Event()
e.xclient.type = 33  # ClientMessage
e.xclient.window = window
e.xclient.message_type = x.XInternAtom(d, b"WM_PROTOCOLS", 0)
e.xclient.format = 32
e.xclient.l[0] = x.XInternAtom(d, b"WM_DELETE_WINDOW", 0)
e.xclient.l[1] = 0  # CurrentTime
if not x.XSendEvent(d, window, 0, 0, ctypes.byref(e)):
    sys.exit("XSendEvent failed")
x.XCloseDisplay.argtypes = [ctypes.c_void_p]
x.XCloseDisplay(d)
"#;
    let out = Command::new("python3")
        .args(["-c", SCRIPT, id])
        .env("DISPLAY", &display.name)
        .output()
        .context("python3 (closing a window through Xlib)")?;
    ensure!(
        out.status.success(),
        "closing window {id} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// Waits up to `timeout` until process `pid` has ended (gone, or a zombie not yet reaped).
pub(crate) async fn wait_gone(pid: u32, timeout: Duration) -> Result<()> {
    let end = Instant::now() + timeout;
    loop {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return Ok(()),
            // The state follows the command name in parentheses.
            Ok(stat) if stat.rsplit(") ").next().is_some_and(|s| s.starts_with('Z')) => {
                return Ok(());
            }
            Ok(_) => {}
        }
        if Instant::now() > end {
            bail!("process {pid} did not end within {timeout:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits up to `timeout` for a line of the file `log` that holds `text`; that line.
pub(crate) async fn log_line(log: &Path, text: &str, timeout: Duration) -> Result<String> {
    let end = Instant::now() + timeout;
    loop {
        let bytes = std::fs::read(log).unwrap_or_default();
        let all = String::from_utf8_lossy(&bytes);
        if let Some(line) = all.lines().find(|l| l.contains(text)) {
            return Ok(without_ansi(line));
        }
        if Instant::now() > end {
            let tail: Vec<&str> = all.lines().rev().take(40).collect();
            let tail: Vec<String> = tail.into_iter().rev().map(without_ansi).collect();
            bail!(
                "no line with {text:?} in {} within {timeout:?}; its last lines:\n{}",
                log.display(),
                tail.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `text` without ANSI escape sequences (the log's colours).
pub(crate) fn without_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ ... final byte in @..~
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) && c != '[' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What of a session's logs would give someone away: for each of `logs` (and every `*.log`
/// file under `dir`), a line naming the file and what it holds: one of `cprs` (with or
/// without the dash), or an access or refresh token the core issued (any run of 43 base64url
/// characters whose SHA-256 the core keeps). Empty when the logs are clean.
pub(crate) async fn sensitive_in_logs(
    db: &brevdue_core::db::Db,
    logs: &[PathBuf],
    dir: &Path,
    cprs: &[&str],
) -> Result<Vec<String>> {
    use sha2::{Digest, Sha256};
    let hashes: Vec<(String,)> = sqlx::query_as(
        "SELECT token_hash FROM auth_access_tokens UNION SELECT token_hash FROM auth_refresh_tokens",
    )
    .fetch_all(db)
    .await?;
    ensure!(!hashes.is_empty(), "the core issued no tokens to look for");
    let hashes: std::collections::HashSet<String> = hashes.into_iter().map(|(h,)| h).collect();
    let mut files = logs.to_vec();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "log") && !files.contains(&path) {
                files.push(path);
            }
        }
    }
    let is_b64 = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
    let mut found = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).with_context(|| format!("{}", file.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        for cpr in cprs {
            let dashed = format!("{}-{}", &cpr[..6], &cpr[6..]);
            if text.contains(cpr) || text.contains(&dashed) {
                found.push(format!("{}: the CPR number {dashed}", file.display()));
            }
        }
        let token = bytes
            .split(|b| !is_b64(b))
            .filter(|run| run.len() >= 43)
            .any(|run| {
                run.windows(43)
                    .any(|w| hashes.contains(&hex::encode(Sha256::digest(w))))
            });
        if token {
            found.push(format!("{}: a token the core issued", file.display()));
        }
    }
    Ok(found)
}

/// The key of the one account's cache: the app keeps it in the secret store of the driver's
/// private D-Bus session, whose address the driver wrote to `home/dbus-address`.
pub(crate) fn app_cache_key(
    data: &Path,
    home: &Path,
) -> Result<brevdue_client::credentials::CacheKey> {
    let accounts: Vec<brevdue_client::auth::Account> = serde_json::from_slice(
        &std::fs::read(data.join("client/accounts.json")).context("no accounts.json")?,
    )?;
    let a = accounts.first().context("no account signed in")?;
    let bus = std::fs::read_to_string(home.join("dbus-address")).context("no D-Bus address")?;
    let out = std::process::Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            brevdue_client::credentials::CACHE_KEY_SERVICE,
            "username",
        ])
        .arg(format!("{} {}@{}", a.client_id, a.id, a.server))
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .output()
        .context("secret-tool")?;
    ensure!(
        out.status.success(),
        "no cache key in the app's secret store"
    );
    Ok(brevdue_client::credentials::CacheKey::from_hex(
        &String::from_utf8_lossy(&out.stdout),
    )?)
}

/// Answers a GTK file or folder dialog titled `title` by typing `path` into its location bar
/// (ctrl+L) and pressing Return; a screenshot of the screen named `shot` is taken just before.
pub(crate) async fn answer_file_dialog(
    tools: &Tools,
    display: &Display,
    shots: &Screenshots,
    title: &str,
    path: &Path,
    shot: &str,
) -> Result<()> {
    let dialog = window_named(tools, display, title).await?;
    tokio::time::sleep(Duration::from_millis(700)).await;
    xdotool(tools, display, &["windowfocus", "--sync", &dialog])?;
    xdotool(tools, display, &["key", "--clearmodifiers", "ctrl+l"])?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let path = path.display().to_string();
    xdotool(
        tools,
        display,
        &["type", "--clearmodifiers", "--delay", "20", &path],
    )?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    shots.screen(shot)?;
    xdotool(tools, display, &["key", "--clearmodifiers", "Return"])?;
    Ok(())
}

/// The text of each row of the message list now shown.
pub(crate) async fn message_rows(c: &Client) -> Result<Vec<String>> {
    let texts = c
        .execute(
            "return [...document.querySelectorAll('.mrow')].map(e => e.textContent);",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(texts).unwrap_or_default())
}

/// The core as a process of its own (`brevdue serve --test-login`) in a process group of its
/// own, so that it can be killed the way a server dies (SIGKILL to the whole group) and started
/// again on the same port with the same data folder.
pub(crate) struct CoreProcess {
    process: Process,
}

impl CoreProcess {
    /// Starts `brevdue serve` on `addr` with its data in `data`, appending its output to `log`,
    /// and waits until it listens. A port just freed by a killed core may refuse for a moment:
    /// then it is tried again.
    pub(crate) fn start(addr: SocketAddr, data: &Path, log: &Path) -> Result<Self> {
        let end = Instant::now() + Duration::from_secs(60);
        loop {
            let log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)?;
            let mut process = Process::spawn(
                "brevdue serve",
                Command::new(core_binary()?)
                    .args([
                        "serve",
                        "--test-login",
                        "--listen",
                        &addr.to_string(),
                        "--data",
                    ])
                    .arg(data)
                    .env("RUST_LOG", "info")
                    .stdout(log.try_clone()?)
                    .stderr(log),
            )?;
            loop {
                if TcpStream::connect(addr).is_ok() {
                    process.check_running()?;
                    return Ok(CoreProcess { process });
                }
                if let Err(stopped) = process.check_running() {
                    if Instant::now() > end {
                        return Err(stopped.context(format!("brevdue serve on {addr}")));
                    }
                    std::thread::sleep(Duration::from_millis(200));
                    break;
                }
                if Instant::now() > end {
                    bail!("brevdue serve did not listen on {addr}");
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    /// Gone at once (SIGKILL to its process group), as when a server dies or the machine
    /// loses the network: no goodbye to open connections, nothing flushed but what the
    /// database had committed.
    pub(crate) fn kill(self) -> Result<()> {
        self.process.kill();
        Ok(())
    }
}

/// The `brevdue` binary (the command line, with `serve`): `BREVDUE_BIN`, else the one next to
/// `BREVDUE_DESKTOP_BIN` when that is set (an installed package), else the one cargo built
/// next to this test.
pub(crate) fn core_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("BREVDUE_BIN") {
        return Ok(path.into());
    }
    let bin = if let Some(desktop) = std::env::var_os("BREVDUE_DESKTOP_BIN") {
        PathBuf::from(desktop).with_file_name("brevdue")
    } else {
        let exe = std::env::current_exe()?;
        exe.parent()
            .and_then(Path::parent)
            .context("the test binary is not in target/<profile>/deps")?
            .join("brevdue")
    };
    ensure!(
        bin.is_file(),
        "{} is missing: build it first (`cargo build -p brevdue-cli`)",
        bin.display()
    );
    Ok(bin)
}
