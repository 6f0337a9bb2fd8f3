//! A TCP proxy on loopback in front of a core, which breaks connections the way a failing
//! network or a dying core does, at a chosen request: the answer to a request lost after the
//! core has done it, or an answer cut after so many bytes. It logs each request's first line
//! and `Range` header and counts the bytes the core served for file contents.
//!
//! It works on the raw byte streams (HTTP/1.1 over keep-alive connections): a chunk from the
//! client that starts with a method begins a request; the fault armed for a pattern in that
//! request line applies to the answer that follows.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What happens to the answer of the next request whose first line contains a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Whole,
    /// The core gets the request and does it; the client gets no answer (the connection
    /// closes when the core starts answering).
    Lost,
    /// The client gets this many bytes of the answer (head included), then the connection
    /// closes.
    Cut(u64),
}

#[derive(Default)]
struct Shared {
    /// Armed faults: (pattern in the request line, what happens), each used once.
    faults: Mutex<Vec<(String, Answer)>>,
    /// Each request's first line, and its `Range` header if any.
    requests: Mutex<Vec<(String, Option<String>)>>,
    /// Bytes the core sent back for requests of file contents (`.../content`), as far as they
    /// reached the client.
    content_bytes: AtomicU64,
}

pub struct Proxy {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    /// A proxy on a free loopback port in front of `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared::default());
        let state = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let state = state.clone();
                tokio::spawn(async move {
                    // A core that is down: the client's connection closes at once.
                    if let Ok(core) = TcpStream::connect(upstream).await {
                        relay(client, core, state).await;
                    }
                });
            }
        });
        Proxy { addr, shared, task }
    }

    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}", self.addr)).unwrap()
    }

    /// The answer to the next request whose first line matches `pattern` (its parts between
    /// `*` in order) is lost.
    pub fn lose_answer_to(&self, pattern: &str) {
        self.shared
            .faults
            .lock()
            .unwrap()
            .push((pattern.to_owned(), Answer::Lost));
    }

    /// The answer to the next request whose first line matches `pattern` stops after
    /// `bytes` bytes.
    pub fn cut_answer_to(&self, pattern: &str, bytes: u64) {
        self.shared
            .faults
            .lock()
            .unwrap()
            .push((pattern.to_owned(), Answer::Cut(bytes)));
    }

    /// Whether every armed fault has been used.
    pub fn faults_used(&self) -> bool {
        self.shared.faults.lock().unwrap().is_empty()
    }

    /// The requests seen so far: first line and `Range` header.
    pub fn requests(&self) -> Vec<(String, Option<String>)> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// Bytes of file-content answers (heads included) that reached the client.
    pub fn content_bytes(&self) -> u64 {
        self.shared.content_bytes.load(Ordering::SeqCst)
    }
}

/// Whether `line` holds the parts of `pattern` (split at `*`) in that order.
fn matches(line: &str, pattern: &str) -> bool {
    let mut rest = line;
    for part in pattern.split('*') {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

const METHODS: [&str; 5] = ["GET ", "POST ", "PUT ", "PATCH ", "DELETE "];

async fn relay(client: TcpStream, core: TcpStream, shared: Arc<Shared>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut core_read, mut core_write) = core.into_split();
    // What the answer to the request in flight on this connection gets, and whether it is a
    // file's content.
    let current: Arc<Mutex<(Answer, bool)>> = Arc::new(Mutex::new((Answer::Whole, false)));
    let upward = {
        let (current, shared) = (current.clone(), shared.clone());
        async move {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match client_read.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let chunk = &buf[..n];
                if METHODS.iter().any(|m| chunk.starts_with(m.as_bytes())) {
                    let head = String::from_utf8_lossy(chunk);
                    let line = head.lines().next().unwrap_or("").to_owned();
                    let range = head
                        .lines()
                        .take_while(|l| !l.is_empty())
                        .find(|l| l.to_ascii_lowercase().starts_with("range:"))
                        .map(|l| l[6..].trim().to_owned());
                    let answer = {
                        let mut faults = shared.faults.lock().unwrap();
                        match faults.iter().position(|(p, _)| matches(&line, p)) {
                            Some(i) => faults.remove(i).1,
                            None => Answer::Whole,
                        }
                    };
                    let content = line.contains("/content");
                    *current.lock().unwrap() = (answer, content);
                    shared.requests.lock().unwrap().push((line, range));
                }
                if core_write.write_all(chunk).await.is_err() {
                    break;
                }
            }
            let _ = core_write.shutdown().await;
        }
    };
    let downward = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match core_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let (answer, content) = *current.lock().unwrap();
            let pass = match answer {
                Answer::Whole => n,
                Answer::Lost => 0,
                Answer::Cut(left) => n.min(left as usize),
            };
            if pass > 0 && client_write.write_all(&buf[..pass]).await.is_err() {
                break;
            }
            if content {
                shared
                    .content_bytes
                    .fetch_add(pass as u64, Ordering::SeqCst);
            }
            match answer {
                Answer::Whole => {}
                Answer::Lost => break,
                Answer::Cut(left) => {
                    let left = left - pass as u64;
                    if left == 0 {
                        break;
                    }
                    current.lock().unwrap().0 = Answer::Cut(left);
                }
            }
        }
        let _ = client_write.shutdown().await;
    };
    // When the answer is lost or cut, closing towards the client ends the connection; the
    // half towards the core ends when the client lets go.
    tokio::join!(upward, downward);
}
