//! Figures of the real desktop app (release build), measured the way a user meets it:
//!
//! 1. **Start to interactive inbox from the local cache with 10,000 cached letters**: the time
//!    from starting the `brevdue-desktop` process (without WebDriver, as a user starts it) to
//!    the app's log line that says the window drew its first list of letters (the window
//!    reports it after the frame that shows the rows; the log is polled every 2 ms, so the
//!    figure is an upper bound). The cache is made by signing in once through the app, then
//!    adding 10,000 copies of real demo letters (their details included) to the account's
//!    cache with `brevdue-client`'s own cache API. Several starts, each ended by closing the
//!    window as a user does (so each start opens a cleanly closed cache); each figure is
//!    printed, with the app's own clocks from the same line: since `main` began, and the
//!    page's since it began to load.
//! 2. **Idle memory of the app's process tree**: the PSS of `brevdue-desktop` and of every
//!    process under it (WebKit's web and network processes), and their sum, after the inbox
//!    has been shown and the app (started without WebDriver, which alone makes WebKit's web
//!    process larger) has been left alone for 15 seconds; measured after each of
//!    the last three starts, and the median of each printed. USS (private memory) and RSS are
//!    printed beside it: PSS shares a library's pages among all processes mapping it, so it
//!    falls by tens of MB while another WebKitGTK app runs on the machine (the bench says
//!    when one does), and USS with it. Each process's PSS is also split by what holds it
//!    (`/proc/<pid>/smaps`): shared libraries, Brevdue's own program, heap and other
//!    anonymous memory, other files; the libraries' part is the floor the app cannot go
//!    below with the system's WebKitGTK and Mesa.
//! 3. **A letter with a 10 MB PDF: first page visible**: a letter whose PDF is a 10 MB scan
//!    (one page, an uncompressed 1,800 × 1,900 image) is sent to the signed-in citizen through
//!    the core's routing; the app is started, the letter clicked, and the time from the click
//!    to pdf.js having drawn the first page (`data-drawn` on the PDF view) is taken: once
//!    straight from the core (download included), then twice from the local cache.
//!
//! Run with `scripts/e2e-bench` (or build `ui/dist` and `cargo build --release -p
//! brevdue-desktop`, then `cargo bench -p brevdue-e2e --bench desktop`).

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use brevdue_api::FolderType;
use brevdue_client::cache::{Cache, ListQuery};
use chrono::Utc;
use support::{
    Display, Driver, Tools, app_args, desktop_binary, element, element_with_text, process_tree,
};

/// How many letters the cache holds for the start-up figure.
const LETTERS: usize = 10_000;
/// How many starts are timed.
const STARTS: usize = 7;
/// After how many of the last starts the idle memory is measured.
const IDLE_SAMPLES: usize = 3;
/// How long the app is left alone after its inbox showed before its memory is measured.
const IDLE: Duration = Duration::from_secs(15);

#[tokio::main]
async fn main() -> Result<()> {
    let tools = Tools::find()?;
    let app = desktop_binary()?;
    let work = tempfile::tempdir()?;
    let (core, _) = support::demo_core(&work.path().join("core")).await?;
    let display = Display::start()?;
    let home = work.path().join("home");
    let driver = Driver::start(&tools, &display, &home)?;
    let data = work.path().join("app");
    let args = app_args(core.url(), work.path());

    // Sign in once; the first sync fills the cache with Karen's real letters.
    let c = driver.launch(&app, &args).await?;
    element_with_text(&c, "button", "Log ind som Karen Holm")
        .await?
        .click()
        .await?;
    element(&c, "[data-testid=message-list] .mrow").await?;
    c.close().await?;
    tokio::time::sleep(Duration::from_secs(1)).await;

    let (cached, inbox) = fill_cache(&data, &home, LETTERS).await?;
    println!("cache: {cached} letters, {inbox} in the inbox");

    let mut times = Vec::new();
    let mut idle = Vec::new();
    let mut full = 0;
    for run in 1..=STARTS {
        // Started as a user starts it: no WebDriver, which slows WebKit's start by setting up
        // its automation session.
        let log = work.path().join(format!("start-{run}.log"));
        let spawned = Instant::now();
        let app_process = driver.spawn_app(&app, &args, &log)?;
        let line = shown_line(&log, spawned).await?;
        let ms = spawned.elapsed().as_secs_f64() * 1000.0;
        let field = |key: &str| -> Option<u64> {
            let rest = &line[line.find(&format!("{key}="))? + key.len() + 1..];
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        };
        let (since_main, page, shown_letters) =
            (field("since_start_ms"), field("page_ms"), field("letters"));
        ensure!(
            shown_letters == Some(inbox),
            "the first list held {shown_letters:?} letters, not the inbox's {inbox}"
        );
        println!(
            "start {run}: the inbox's {inbox} letters shown after {ms:.0} ms (from exec to main              {:.0} ms; the app's own clock from main {}; the page's clock from its start {})",
            since_main.map_or(f64::NAN, |m| ms - m as f64),
            since_main.map_or("?".into(), |m| format!("{m} ms")),
            page.map_or("?".into(), |m| format!("{m} ms")),
        );
        times.push(ms);
        let pid = app_process.pid();
        if run > STARTS - IDLE_SAMPLES {
            tokio::time::sleep(IDLE).await;
            let sample = tree_memory(pid);
            for p in &sample {
                println!(
                    "  {:>16}: PSS {:.1} MB, USS {:.1} MB, RSS {:.1} MB; PSS in shared \
                     libraries {:.1} MB, Brevdue's program {:.1} MB, heap and other anonymous \
                     {:.1} MB, other files {:.1} MB",
                    p.name,
                    mb(p.pss),
                    mb(p.uss),
                    mb(p.rss),
                    mb(p.split.libraries),
                    mb(p.split.program),
                    mb(p.split.anonymous),
                    mb(p.split.other)
                );
            }
            let libraries: u64 = sample.iter().map(|p| p.split.libraries).sum();
            println!(
                "  of the tree's PSS, shared libraries hold {:.1} MB",
                mb(libraries)
            );
            let others = other_web_processes(pid);
            if others > 0 {
                println!(
                    "  note: {others} other WebKit web processes run on this machine; they \
                     share libraries' pages with this tree, which lowers its PSS and USS"
                );
            }
            let total: u64 = sample.iter().map(|p| p.pss).sum();
            println!(
                "idle memory of the app's process tree ({} processes): PSS {:.1} MB",
                sample.len(),
                mb(total)
            );
            idle.push(sample);
        }
        // Quit the way a user does (the window closed), so that the next start is the usual
        // one: the cache closed cleanly, opened without the whole-file check.
        let window = support::window_named(&tools, &display, "^Brevdue").await?;
        support::close_window(&display, &window)?;
        support::wait_gone(pid, Duration::from_secs(60)).await?;
        drop(app_process);
        full += std::fs::read_to_string(&log)?
            .lines()
            .filter(|l| l.contains("the cache is open") && l.contains("checked_in_full=true"))
            .count();
    }
    println!("starts that checked the whole cache file (after an unclean end): {full}");
    print_idle_medians(&idle);
    times.sort_by(f64::total_cmp);
    println!(
        "start to interactive inbox with {cached} cached letters: median {:.0} ms, best {:.0} ms, \
         worst {:.0} ms ({STARTS} starts)",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );

    big_pdf_letter(core.state()).await?;
    let c = driver.launch(&app, &args).await?;
    let mut opens = Vec::new();
    for (n, from) in ["the core", "the cache", "the cache"].iter().enumerate() {
        let clicked = click_row(&c, BIG_LABEL).await?;
        let drawn = wait_for_first_page(&c).await?;
        let ms = drawn.duration_since(clicked).as_secs_f64() * 1000.0;
        println!(
            "10 MB PDF, open {} (from {from}): first page drawn after {ms:.0} ms",
            n + 1
        );
        opens.push(ms);
        // Away to another letter, so the next click opens it afresh.
        click_row(&c, "Vejarbejde").await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    c.close().await?;
    println!(
        "10 MB PDF, click to first page: {:.0} ms from the core, then {:.0} ms and {:.0} ms \
         from the cache",
        opens[0], opens[1], opens[2]
    );
    drop(driver);
    core.shutdown().await?;
    Ok(())
}

/// Clicks the list's row holding `text`; when the list redrew between finding the row and
/// clicking it (the row is gone), finds it again. The moment of the click that landed.
async fn click_row(c: &fantoccini::Client, text: &str) -> Result<std::time::Instant> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let row = element_with_text(c, "[data-testid=message-list] .mrow", text).await?;
        let clicked = std::time::Instant::now();
        match row.click().await {
            Ok(_) => return Ok(clicked),
            Err(error) if attempt < 5 => println!("  (the row {text:?} was redrawn: {error})"),
            Err(error) => return Err(error.into()),
        }
    }
}

/// The subject of the letter with the 10 MB PDF.
const BIG_LABEL: &str = "Scannet brev med bilag";

/// Sends Karen a copy of a demo letter whose PDF is replaced by a 10 MB scan, through the
/// core's own routing, as its authority's sender system would.
async fn big_pdf_letter(state: &brevdue_core::AppState) -> Result<()> {
    let now = Utc::now();
    let world = brevdue_core::demo::world(now);
    let mut letter = brevdue_core::demo::letters(&world, now)
        .into_iter()
        .find(|l| l.key == "kommune-visitation-besoeg")
        .context("no demo letter kommune-visitation-besoeg")?;
    let main = letter
        .files
        .iter_mut()
        .find(|f| f.bytes.starts_with(b"%PDF"))
        .context("the demo letter has no PDF")?;
    main.bytes = scanned_pdf();
    ensure!(main.bytes.len() >= 10_000_000, "the PDF is under 10 MB");
    letter.message.message_uuid = uuid::Uuid::new_v4();
    letter.message.label = BIG_LABEL.to_owned();
    letter.message.created_date_time = Some(now);
    let xml = letter.to_memo()?;
    let system = world
        .sender_system(letter.authority_id)
        .context("no sender system")?;
    let accepted = brevdue_core::routing::accept_bytes(state, system.id, &xml)
        .await
        .map_err(|e| anyhow::anyhow!("the core refused the letter: {e:?}"))?;
    ensure!(accepted.created, "the letter was not delivered");
    Ok(())
}

/// A one-page PDF of about 10 MB: a 1,800 × 1,900 RGB image, uncompressed, as a scanner
/// without compression would write it, with a line of text over it.
fn scanned_pdf() -> Vec<u8> {
    let (w, h) = (1800usize, 1900usize);
    let mut image = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            // Paper with faint grain, so nothing compresses it away.
            let grain = ((x * 31 + y * 17) ^ (x * y)) % 23;
            let v = (230 + grain) as u8;
            image.extend_from_slice(&[v, v, v.saturating_sub(6)]);
        }
    }
    let content =
        b"q 595 0 0 842 0 0 cm /Scan Do Q BT /F1 18 Tf 72 760 Td (Scannet brev med bilag) Tj ET";
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |out: &mut Vec<u8>, head: String, stream: Option<&[u8]>| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{head}\n", offsets.len()).as_bytes());
        if let Some(bytes) = stream {
            out.extend_from_slice(b"stream\n");
            out.extend_from_slice(bytes);
            out.extend_from_slice(b"\nendstream\n");
        }
        out.extend_from_slice(b"endobj\n");
    };
    object(&mut out, "<< /Type /Catalog /Pages 2 0 R >>".into(), None);
    object(
        &mut out,
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".into(),
        None,
    );
    object(
        &mut out,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /XObject << /Scan 5 0 R >> /Font << /F1 6 0 R >> >> >>"
            .into(),
        None,
    );
    object(
        &mut out,
        format!("<< /Length {} >>", content.len()),
        Some(content),
    );
    object(
        &mut out,
        format!(
            "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB \
             /BitsPerComponent 8 /Length {} >>",
            image.len()
        ),
        Some(&image),
    );
    object(
        &mut out,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
        None,
    );
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Polls the window until pdf.js has drawn the first page of the letter shown; when it did.
async fn wait_for_first_page(c: &fantoccini::Client) -> Result<std::time::Instant> {
    let end = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let drawn = c
            .execute(
                "const v = document.querySelector('[data-testid=pdf-view]'); \
                 return v ? Number(v.dataset.drawn || 0) : 0;",
                vec![],
            )
            .await;
        if let Ok(n) = drawn
            && n.as_u64().unwrap_or(0) > 0
        {
            return Ok(std::time::Instant::now());
        }
        if std::time::Instant::now() > end {
            bail!("the PDF's first page was never drawn");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Adds copies of the inbox's letters to the one account's cache under `data` until the
/// mailbox holds `letters`; returns how many the cache holds in all and in the inbox.
async fn fill_cache(data: &Path, home: &Path, letters: usize) -> Result<(u64, u64)> {
    let accounts = data.join("client/accounts");
    let dirs: Vec<_> = std::fs::read_dir(&accounts)
        .with_context(|| format!("no {}", accounts.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    ensure!(
        dirs.len() == 1,
        "expected one account's cache, found {dirs:?}"
    );
    let cache = Cache::open(&dirs[0], &support::app_cache_key(data, home)?).await?;
    let mailbox = cache
        .mailboxes()
        .await?
        .into_iter()
        .find(|m| m.access.access_type == brevdue_api::AccessType::Owner)
        .context("no own mailbox")?;
    let inbox = cache
        .system_folder(&mailbox.id, FolderType::Inbox)
        .await?
        .context("no inbox")?;
    let mut templates = Vec::new();
    for item in cache
        .list_messages(&ListQuery {
            mailbox_id: mailbox.id.clone(),
            folder_id: Some(inbox.clone()),
            size: 100,
            ..ListQuery::default()
        })
        .await?
    {
        if let Some(detail) = cache.message(&item.id).await?.and_then(|m| m.detail) {
            templates.push(detail);
        }
    }
    ensure!(!templates.is_empty(), "the first sync cached no letters");
    let now = Utc::now();
    for i in templates.len()..letters {
        let mut copy = templates[i % templates.len()].clone();
        let uuid = uuid::Uuid::new_v4();
        copy.summary.id = format!("bench-{i:05}");
        copy.summary.message_uuid = uuid.to_string();
        copy.memo.message_uuid = uuid;
        copy.summary.label = format!("{} ({i})", copy.summary.label);
        copy.summary.received_date_time = now - chrono::Duration::minutes(i as i64 * 7);
        copy.summary.read = i % 4 != 0;
        cache.put_detail(&copy, "").await?;
    }
    let folders = cache.folders(&mailbox.id).await?;
    let total: u64 = folders.iter().map(|f| f.total_count).sum();
    let in_inbox = folders
        .iter()
        .find(|f| f.id == inbox)
        .map_or(0, |f| f.total_count);
    cache.close().await;
    Ok((total, in_inbox))
}

/// The app's log line that says the window drew its first list of letters
/// (`src-tauri/src/commands/startup.rs`), polled every 2 ms after the start at `spawned`.
async fn shown_line(log: &Path, spawned: Instant) -> Result<String> {
    loop {
        let bytes = std::fs::read(log).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        if let Some(line) = text
            .lines()
            .find(|l| l.contains("the window shows its first list of letters"))
        {
            return Ok(support::without_ansi(line));
        }
        if spawned.elapsed() > Duration::from_secs(60) {
            bail!("the window showed no list within a minute; its log:\n{text}");
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// The memory of one process, in kB.
#[derive(Debug, Clone)]
struct ProcessMemory {
    name: String,
    pss: u64,
    uss: u64,
    rss: u64,
    /// The PSS by what is mapped (see [`PssSplit`]).
    split: PssSplit,
}

/// A process's PSS by what holds it, in kB: what Brevdue can change (its own program's code
/// and data, and the memory it and the libraries allocate) and what it cannot (the pages of
/// shared libraries: WebKit, GTK, Mesa and its LLVM, …).
#[derive(Debug, Clone, Copy, Default)]
struct PssSplit {
    /// `brevdue-desktop`'s own file.
    program: u64,
    /// Shared libraries (`*.so*` files).
    libraries: u64,
    /// Heap, stacks and other anonymous memory.
    anonymous: u64,
    /// Other mapped files (fonts, shared memory, caches).
    other: u64,
}

/// The [`PssSplit`] of process `pid`, from `/proc/<pid>/smaps`.
fn pss_split(pid: u32) -> PssSplit {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let mut split = PssSplit::default();
    let mut path = String::new();
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            // A mapping's header: address, perms, offset, device, inode, then the path.
            path = fields.nth(4).unwrap_or("").to_owned();
        } else if first == "Pss:" {
            let kb: u64 = fields.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            let slot = if path.ends_with("/brevdue-desktop") {
                &mut split.program
            } else if path.contains(".so") {
                &mut split.libraries
            } else if path.is_empty() || path.starts_with('[') {
                &mut split.anonymous
            } else {
                &mut split.other
            };
            *slot += kb;
        }
    }
    split
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// The memory of `root` and each of its descendants, from `/proc/<pid>/smaps_rollup`.
fn tree_memory(root: u32) -> Vec<ProcessMemory> {
    process_tree(root)
        .into_iter()
        .map(|pid| {
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            let rollup =
                std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
            let field = |key: &str| -> u64 {
                rollup
                    .lines()
                    .filter_map(|l| l.strip_prefix(key))
                    .filter_map(|v| v.split_whitespace().next()?.parse::<u64>().ok())
                    .sum()
            };
            ProcessMemory {
                name: name.trim().to_owned(),
                pss: field("Pss:"),
                uss: field("Private_Clean:") + field("Private_Dirty:"),
                rss: field("Rss:"),
                split: pss_split(pid),
            }
        })
        .collect()
}

/// How many WebKit web processes run outside the tree of `root`. A library's pages mapped by
/// them too count only in part to this tree's PSS (and not at all to its USS), so the same app
/// measures tens of MB less while, say, another WebKitGTK app runs.
fn other_web_processes(root: u32) -> usize {
    let tree = process_tree(root);
    std::fs::read_dir("/proc")
        .map(|dir| {
            dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
                .filter(|pid| !tree.contains(pid))
                .filter(|pid| {
                    std::fs::read_to_string(format!("/proc/{pid}/comm"))
                        .is_ok_and(|c| c.trim() == "WebKitWebProces")
                })
                .count()
        })
        .unwrap_or(0)
}

/// Prints the median PSS and USS of each process (by name) and of the tree over the samples.
fn print_idle_medians(samples: &[Vec<ProcessMemory>]) {
    fn median(mut v: Vec<u64>) -> u64 {
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    }
    let mut names: Vec<&str> = samples.iter().flatten().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    println!("idle memory, median of {} samples:", samples.len());
    for name in names {
        let of = |f: fn(&ProcessMemory) -> u64| {
            median(
                samples
                    .iter()
                    .map(|s| s.iter().filter(|p| p.name == name).map(f).sum())
                    .collect(),
            )
        };
        println!(
            "  {name:>16}: PSS {:.1} MB, USS {:.1} MB",
            mb(of(|p| p.pss)),
            mb(of(|p| p.uss))
        );
    }
    let total = median(
        samples
            .iter()
            .map(|s| s.iter().map(|p| p.pss).sum())
            .collect(),
    );
    println!(
        "idle memory of the app's process tree: median PSS {:.1} MB",
        mb(total)
    );
}
