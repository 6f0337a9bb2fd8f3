//! `brevdue serve-calendar`: every coming appointment and deadline as a calendar feed
//! (`text/calendar`) on a loopback address, for a calendar program to subscribe to. A
//! background sync keeps the cache current, and the feed is made anew after each sync.
//!
//! Only loopback addresses are accepted, and only requests that name a loopback host in their
//! `Host` header are answered (a web page cannot read the feed through DNS rebinding).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use brevdue_client::sync::SyncEvent;
use clap::Args;
use tokio::sync::RwLock;

use crate::session::{ClientArgs, client_error};
use crate::{Failure, Outcome, output};

/// The arguments of `brevdue serve-calendar`.
#[derive(Debug, Args)]
pub(crate) struct ServeCalendarArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// The loopback address to listen on (port 0 picks a free one).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8788")]
    listen: SocketAddr,
    /// Seconds between syncs.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    interval: u64,
}

/// The feed as last made.
type Feed = Arc<RwLock<String>>;

pub(crate) fn run(args: ServeCalendarArgs) -> Result<Outcome, Failure> {
    if !args.listen.ip().is_loopback() {
        return Err(Failure::usage(format!(
            "{} is not a loopback address: the calendar is served only to this machine \
             (use 127.0.0.1)",
            args.listen
        )));
    }
    crate::session::run(async move {
        let client = Arc::new(args.client.signed_in().await?);
        let feed: Feed = Arc::new(RwLock::new(crate::agenda::calendar(&client).await?));
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let addr = listener.local_addr().context("the listening address")?;
        output::print(&format!("Calendar feed: http://{addr}/calendar.ics\n"))?;

        let (events_tx, mut events) = tokio::sync::mpsc::channel(64);
        let _sync = client
            .start_background_sync(Duration::from_secs(args.interval.max(5)), events_tx)
            .await
            .map_err(|e| Failure::Failed(client_error(e)))?;
        let refresh = {
            let (client, feed) = (client.clone(), feed.clone());
            tokio::spawn(async move {
                while let Some(event) = events.recv().await {
                    match event {
                        SyncEvent::Done(_) => match crate::agenda::calendar(&client).await {
                            Ok(ics) => *feed.write().await = ics,
                            Err(error) => tracing::warn!(?error, "the feed could not be made"),
                        },
                        SyncEvent::Failed(error) => {
                            tracing::warn!(kind = %error.kind(), "sync failed; the feed stays");
                        }
                        _ => {}
                    }
                }
            })
        };
        let app = Router::new()
            .route("/calendar.ics", get(serve_feed))
            .route("/", get(serve_feed))
            .with_state((feed, addr.port()));
        axum::serve(listener, app)
            .with_graceful_shutdown(stopped())
            .await
            .context("the calendar feed stopped")?;
        refresh.abort();
        Ok(Outcome::Success)
    })
}

async fn serve_feed(State((feed, port)): State<(Feed, u16)>, headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let allowed = [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ];
    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(host)) {
        return (StatusCode::FORBIDDEN, "only for this machine\n").into_response();
    }
    let body = feed.read().await.clone();
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
async fn stopped() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
