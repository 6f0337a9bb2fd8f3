//! A TCP forwarder on loopback between the client and a core process, which stops at a chosen
//! moment of one request so that the test can kill the core exactly then: in the middle of
//! the request's upload (the core has part of it), when the core starts answering (it has
//! done the work; the answer is held back and never reaches the client), or in the middle of
//! the answer (a download half-way). It records the
//! first line of every answer the core began, held back or not, so a test can see what the
//! core answered (`201` for a message stored, `200` for one it already had).
//!
//! It works on the raw byte streams (HTTP/1.1 over keep-alive connections): a chunk from the
//! client that starts with the armed request line's beginning starts that request.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// Where the armed request stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// After this many bytes of the request (head included) have gone to the core: nothing
    /// more is forwarded.
    MidUpload(u64),
    /// When the core starts answering: the answer is held back.
    AtAnswer,
    /// After this many bytes of the answer (head included) have gone to the client: the rest
    /// is held back (a download half-way).
    MidAnswer(u64),
}

#[derive(Default)]
struct Shared {
    /// The armed stop: the start of the request line it is for, and where. Used once.
    armed: Mutex<Option<(String, Stop)>>,
    /// Whether the armed request has stopped.
    stopped: Mutex<bool>,
    stopped_now: Notify,
    /// Each answer the core began, in order: (the request's first line, the answer's).
    answers: Mutex<Vec<(String, String)>>,
}

pub(crate) struct Proxy {
    pub(crate) addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    /// A forwarder on a free loopback port to `upstream` (which may be down for a while).
    pub(crate) async fn start(upstream: SocketAddr) -> anyhow::Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let state = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(forward(client, upstream, state.clone()));
            }
        });
        Ok(Proxy { addr, shared, task })
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the next request whose first line starts with `request` at `stop`.
    pub(crate) fn arm(&self, request: &str, stop: Stop) {
        *lock(&self.shared.armed) = Some((request.to_owned(), stop));
        *lock(&self.shared.stopped) = false;
    }

    /// Waits until the armed request has stopped.
    pub(crate) async fn stopped(&self) {
        loop {
            let notified = self.shared.stopped_now.notified();
            if *lock(&self.shared.stopped) {
                return;
            }
            notified.await;
        }
    }

    /// Each answer the core began (held back or not), in order: the request's first line and
    /// the answer's (`HTTP/1.1 201 Created`).
    pub(crate) fn answers(&self) -> Vec<(String, String)> {
        lock(&self.shared.answers).clone()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    fn stop(&self) {
        *lock(&self.stopped) = true;
        self.stopped_now.notify_waiters();
    }
}

/// Forwards one connection both ways until either side closes.
async fn forward(client: TcpStream, upstream: SocketAddr, shared: Arc<Shared>) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return; // the client sees its connection closed, as with the core down
    };
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    // The stop that this connection's current request carries, if it is the armed one.
    let this: Arc<Mutex<Option<Stop>>> = Arc::default();
    // The first line of this connection's current request.
    let request: Arc<Mutex<String>> = Arc::default();

    let up = {
        let (shared, this, request) = (shared.clone(), this.clone(), request.clone());
        async move {
            let mut buf = vec![0u8; 64 * 1024];
            let mut sent_of_request = 0u64;
            loop {
                let n = match from_client.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                let chunk = &buf[..n];
                if [
                    &b"GET "[..],
                    b"POST ",
                    b"PATCH ",
                    b"PUT ",
                    b"DELETE ",
                    b"HEAD ",
                ]
                .iter()
                .any(|m| chunk.starts_with(m))
                {
                    *lock(&request) = first_line(chunk);
                }
                {
                    let mut armed = lock(&shared.armed);
                    let hit = armed
                        .as_ref()
                        .is_some_and(|(line, _)| chunk.starts_with(line.as_bytes()));
                    if hit && let Some((_, stop)) = armed.take() {
                        *lock(&this) = Some(stop);
                        sent_of_request = 0;
                    }
                }
                let mut take = n;
                let stop_here = match *lock(&this) {
                    Some(Stop::MidUpload(after)) => {
                        let room = after.saturating_sub(sent_of_request);
                        take = take.min(usize::try_from(room).unwrap_or(usize::MAX));
                        sent_of_request + n as u64 >= after
                    }
                    _ => false,
                };
                if to_server.write_all(&chunk[..take]).await.is_err() {
                    return;
                }
                sent_of_request += take as u64;
                if stop_here {
                    shared.stop();
                    // Nothing more goes up; the connection ends when the core's side does.
                    std::future::pending::<()>().await;
                }
            }
        }
    };
    let down = async move {
        let mut buf = vec![0u8; 64 * 1024];
        let mut sent_of_answer = 0u64;
        loop {
            let n = match from_server.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let chunk = &buf[..n];
            if chunk.starts_with(b"HTTP/1.1 ") {
                let asked = lock(&request).clone();
                lock(&shared.answers).push((asked, first_line(chunk)));
                sent_of_answer = 0;
            }
            let take = match *lock(&this) {
                Some(Stop::AtAnswer) => 0,
                Some(Stop::MidAnswer(after)) => {
                    usize::try_from(after.saturating_sub(sent_of_answer))
                        .map_or(n, |room| room.min(n))
                }
                _ => n,
            };
            if to_client.write_all(&chunk[..take]).await.is_err() {
                return;
            }
            sent_of_answer += take as u64;
            if take < n {
                shared.stop();
                // Held back: read and dropped until the core's side closes.
                while matches!(from_server.read(&mut buf).await, Ok(n) if n > 0) {}
                return;
            }
        }
    };
    tokio::select! {
        () = up => {}
        () = down => {}
    }
}

fn first_line(chunk: &[u8]) -> String {
    let line = chunk.split(|b| *b == b'\r').next().unwrap_or_default();
    String::from_utf8_lossy(line).into_owned()
}
