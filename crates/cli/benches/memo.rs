//! Memory and speed of `brevdue memo extract` and `brevdue memo inspect` on a message at
//! Digital Post's size limit, against `base64 -d` of the same payload on the same machine.
//!
//! Run it (release build; takes about a minute and ~500 MB of temporary disk):
//!
//! ```text
//! cargo bench -p brevdue-cli --bench memo
//! ```
//!
//! It writes a 99 MB MeMo message carrying one 70 MiB attachment (random bytes, base64 in
//! 76-character lines) into a temporary folder (`BREVDUE_BENCH_DIR`, else the system's),
//! checks once that extract reproduces the attachment exactly, then runs each command 5 times
//! (taking turns) and prints the median wall time, the throughput over its input, the median
//! CPU time (user + system; steadier than wall time on a machine busy with other work) and the
//! peak resident memory (GNU time's `%M`, i.e. the child's `getrusage` maximum RSS;
//! `/usr/bin/time` comes with Debian's `time` package). The files are in the page cache for every run, so
//! this measures CPU and memory, not the disk.
//!
//! Targets: extract at most 1.5x the time of `base64 -d`; extract and inspect at most
//! 64 MiB peak RSS. A missed target is printed as `MISSED` and the process exits with 1.

// A measuring tool run by hand on its own generated input: stopping at the first surprise is
// what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use sha2::{Digest, Sha256};

const PAYLOAD_BYTES: usize = 70 * 1024 * 1024;
const RUNS: usize = 5;
const RSS_LIMIT_KIB: u64 = 64 * 1024;
const TIME_FACTOR: f64 = 1.5;

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; nothing else is understood.
    let base = std::env::var_os("BREVDUE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::Builder::new()
        .prefix("brevdue-bench-")
        .tempdir_in(base)
        .expect("a temporary folder");
    let dir = dir.path();
    let brevdue = env!("CARGO_BIN_EXE_brevdue");
    let time = Path::new("/usr/bin/time");
    assert!(
        time.exists(),
        "/usr/bin/time is needed (Debian package `time`)"
    );

    eprintln!("writing the message into {} ...", dir.display());
    let (message, b64, digest) = generate(dir);
    let message_bytes = fs::metadata(&message).unwrap().len();
    let b64_bytes = fs::metadata(&b64).unwrap().len();
    eprintln!(
        "message {:.1} MB, attachment {} MiB, its base64 {:.1} MB",
        mb(message_bytes),
        PAYLOAD_BYTES >> 20,
        mb(b64_bytes)
    );

    // Once: extract must reproduce the attachment.
    let check = dir.join("check");
    fs::create_dir(&check).unwrap();
    let status = Command::new(brevdue)
        .args(["memo", "extract"])
        .arg(&message)
        .arg("--out")
        .arg(&check)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "extract failed");
    let extracted = fs::read(check.join("bilag.bin")).unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(&extracted)),
        digest,
        "extract's bytes differ"
    );
    drop(extracted);
    fs::remove_dir_all(&check).unwrap();

    // The runs take turns (base64, extract, inspect, base64, ...) so that a machine busy
    // with other work slows each command alike.
    let mut makers: [Maker<'_>; 3] = [
        Box::new(|i| {
            let mut c = Command::new("base64");
            c.arg("-d").arg(&b64);
            (c, Some(dir.join(format!("b64-{i}.bin"))), None)
        }),
        Box::new(|i| {
            let out = dir.join(format!("extract-{i}"));
            fs::create_dir(&out).unwrap();
            let mut c = Command::new(brevdue);
            c.args(["memo", "extract"])
                .arg(&message)
                .arg("--out")
                .arg(&out);
            (c, None, Some(out))
        }),
        Box::new(|_| {
            let mut c = Command::new(brevdue);
            c.args(["memo", "inspect"]).arg(&message);
            (c, None, None)
        }),
    ];
    let mut runs: [Vec<Run>; 3] = Default::default();
    for i in 0..RUNS {
        for (make, runs) in makers.iter_mut().zip(runs.iter_mut()) {
            runs.push(run_once(time, dir, make(i)));
        }
    }
    let [base64_d, extract, inspect] = runs.map(summarize);

    println!();
    println!(
        "| command | input | median wall (of {RUNS}) | throughput | median CPU (user+sys) | peak RSS |"
    );
    println!("|---|---|---|---|---|---|");
    row("base64 -d", b64_bytes, &base64_d);
    row("brevdue memo extract", message_bytes, &extract);
    row("brevdue memo inspect", message_bytes, &inspect);
    println!();

    let ratio = extract.median.as_secs_f64() / base64_d.median.as_secs_f64();
    let checks = [
        (
            format!("extract time {ratio:.2}x base64 -d (target <= {TIME_FACTOR}x)"),
            ratio <= TIME_FACTOR,
        ),
        (
            format!(
                "extract peak RSS {:.1} MiB (target <= 64 MiB)",
                mib(extract.max_rss_kib)
            ),
            extract.max_rss_kib <= RSS_LIMIT_KIB,
        ),
        (
            format!(
                "inspect peak RSS {:.1} MiB (target <= 64 MiB)",
                mib(inspect.max_rss_kib)
            ),
            inspect.max_rss_kib <= RSS_LIMIT_KIB,
        ),
    ];
    let mut ok = true;
    for (what, met) in checks {
        println!("{} {what}", if met { "met   " } else { "MISSED" });
        ok &= met;
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Makes the `i`th run of a command: the command, a file for its stdout (else none), and a
/// folder to remove afterwards.
type Maker<'a> = Box<dyn FnMut(usize) -> (Command, Option<PathBuf>, Option<PathBuf>) + 'a>;

/// One run: wall time, CPU time (user + system), peak RSS.
struct Run {
    wall: Duration,
    cpu: Duration,
    rss_kib: u64,
}

/// Median wall and CPU time and the largest peak RSS of the runs of one command.
struct Measured {
    median: Duration,
    median_cpu: Duration,
    max_rss_kib: u64,
}

fn summarize(mut runs: Vec<Run>) -> Measured {
    let max_rss_kib = runs.iter().map(|r| r.rss_kib).max().unwrap_or(0);
    runs.sort_by_key(|r| r.cpu);
    let median_cpu = runs[runs.len() / 2].cpu;
    runs.sort_by_key(|r| r.wall);
    Measured {
        median: runs[runs.len() / 2].wall,
        median_cpu,
        max_rss_kib,
    }
}

/// Runs a command once under `/usr/bin/time`.
fn run_once(
    time: &Path,
    dir: &Path,
    (command, stdout_file, cleanup): (Command, Option<PathBuf>, Option<PathBuf>),
) -> Run {
    let report = dir.join("time.txt");
    let mut timed = Command::new(time);
    timed
        .arg("-f")
        .arg("%M %U %S")
        .arg("-o")
        .arg(&report)
        .arg(command.get_program())
        .args(command.get_args());
    match &stdout_file {
        Some(f) => timed.stdout(fs::File::create(f).unwrap()),
        None => timed.stdout(Stdio::null()),
    };
    let start = Instant::now();
    let status = timed.status().unwrap();
    let wall = start.elapsed();
    assert!(status.success(), "{:?} failed", command.get_program());
    let report = fs::read_to_string(&report).unwrap();
    let fields: Vec<&str> = report.split_whitespace().collect();
    let rss_kib: u64 = fields[0].parse().unwrap();
    let cpu: f64 = fields[1].parse::<f64>().unwrap() + fields[2].parse::<f64>().unwrap();
    if let Some(f) = stdout_file {
        fs::remove_file(f).unwrap();
    }
    if let Some(d) = cleanup {
        fs::remove_dir_all(d).unwrap();
    }
    Run {
        wall,
        cpu: Duration::from_secs_f64(cpu),
        rss_kib,
    }
}

fn row(name: &str, input_bytes: u64, m: &Measured) {
    let secs = m.median.as_secs_f64();
    println!(
        "| {name} | {:.1} MB | {:.3} s | {:.0} MB/s | {:.2} s | {:.1} MiB |",
        mb(input_bytes),
        secs,
        mb(input_bytes) / secs,
        m.median_cpu.as_secs_f64(),
        mib(m.max_rss_kib)
    );
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Writes `message.xml` (a MeMo 1.2 message with one 70 MiB attachment) and `payload.b64`
/// (the same base64 text alone); returns their paths and the attachment's SHA-256.
fn generate(dir: &Path) -> (PathBuf, PathBuf, String) {
    let message = dir.join("message.xml");
    let b64 = dir.join("payload.b64");
    let mut xml = BufWriter::new(fs::File::create(&message).unwrap());
    let mut text = BufWriter::new(fs::File::create(&b64).unwrap());
    xml.write_all(HEAD.as_bytes()).unwrap();

    let mut hasher = Sha256::new();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    // 57 bytes make one 76-character line; chunks of whole lines.
    let mut chunk = vec![0u8; 57 * 4096];
    let mut line = [0u8; 76];
    let mut left = PAYLOAD_BYTES;
    while left > 0 {
        let n = left.min(chunk.len());
        for b in chunk[..n].chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            b.copy_from_slice(&state.to_le_bytes()[..b.len()]);
        }
        hasher.update(&chunk[..n]);
        for piece in chunk[..n].chunks(57) {
            let k = base64::engine::general_purpose::STANDARD
                .encode_slice(piece, &mut line)
                .unwrap();
            for out in [&mut xml, &mut text] {
                out.write_all(&line[..k]).unwrap();
                out.write_all(b"\n").unwrap();
            }
        }
        left -= n;
    }
    xml.write_all(TAIL.as_bytes()).unwrap();
    xml.flush().unwrap();
    text.flush().unwrap();
    (message, b64, hex::encode(hasher.finalize()))
}

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Message xmlns="https://DigitalPost.dk/MeMo-1" memoVersion="1.2">
  <MessageHeader>
    <messageType>DIGITALPOST</messageType>
    <messageUUID>6c9e4a4e-7f0b-4c1e-9d3a-2b8f5e0c1a77</messageUUID>
    <label>Stort bilag</label>
    <Sender>
      <senderID>11223344</senderID>
      <idType>CVR</idType>
      <label>Region Midtjylland</label>
    </Sender>
    <Recipient>
      <recipientID>3102701234</recipientID>
      <idType>CPR</idType>
    </Recipient>
  </MessageHeader>
  <MessageBody>
    <createdDateTime>2026-11-27T12:00:00Z</createdDateTime>
    <MainDocument>
      <File>
        <encodingFormat>application/octet-stream</encodingFormat>
        <filename>bilag.bin</filename>
        <language>da</language>
        <content>
"#;

const TAIL: &str = r#"</content>
      </File>
    </MainDocument>
  </MessageBody>
</Message>
"#;
