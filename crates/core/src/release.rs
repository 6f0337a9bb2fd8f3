//! Releasing value-dated messages: at the start of its `doNotDeliverUntilDate` (Danish time) a
//! scheduled memo becomes visible in its mailbox (or pullable by its recipient system), and
//! the message gets a new change number so that clients syncing by the change feed see it.
//!
//! Each memo is released exactly once: the flip is `UPDATE memos SET status = 'DELIVERED'
//! WHERE … AND status = 'SCHEDULED'`, and only the caller whose update changed the row touches
//! the message. [`release_due`] runs from a periodic task and, lazily, before anything that
//! lists messages or queues, so nobody sees a stale view between two runs.

use std::time::Duration;

use tokio::sync::watch;

use crate::changes;
use crate::state::AppState;
use crate::timefmt;

/// Releases every scheduled memo whose time has come; returns how many it released.
pub async fn release_due(state: &AppState) -> Result<u64, sqlx::Error> {
    let now = timefmt::to_db(state.clock.now());
    // A cheap read first: most calls find nothing to do and take no write lock.
    let due: Vec<(String,)> = sqlx::query_as(
        "SELECT message_uuid FROM memos WHERE status = 'SCHEDULED' AND visible_from <= $1 \
         ORDER BY visible_from LIMIT 1000",
    )
    .bind(&now)
    .fetch_all(&state.db)
    .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let mut released = 0;
    let mut tx = crate::db::begin_write(&state.db).await?;
    for (uuid,) in due {
        let flipped = sqlx::query(
            "UPDATE memos SET status = 'DELIVERED' WHERE message_uuid = $1 AND status = 'SCHEDULED'",
        )
        .bind(&uuid)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if flipped == 0 {
            continue; // released (or recalled) by someone else meanwhile
        }
        let change = changes::next_seq(&mut tx).await?;
        sqlx::query("UPDATE messages SET visible = TRUE, change_seq = $1 WHERE message_uuid = $2")
            .bind(change)
            .bind(&uuid)
            .execute(&mut *tx)
            .await?;
        released += 1;
    }
    tx.commit().await?;
    if released > 0 {
        tracing::info!(released, "value-dated memos released");
    }
    Ok(released)
}

/// Runs [`release_due`] every `interval` until `stop` turns true; about once an hour it also
/// purges expired sign-in codes and tokens.
pub(crate) async fn periodically(
    state: AppState,
    interval: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_purge = tokio::time::Instant::now();
    loop {
        let stopped = tokio::select! {
            _ = ticker.tick() => false,
            r = stop.wait_for(|s| *s) => { drop(r); true }
        };
        if stopped {
            return;
        }
        if let Err(e) = release_due(&state).await {
            tracing::warn!(error = %e, "releasing value-dated memos failed");
        }
        if last_purge.elapsed() >= PURGE_EVERY {
            last_purge = tokio::time::Instant::now();
            if let Err(e) = state.auth.purge_expired().await {
                tracing::warn!(error = %e, "purging expired sign-ins failed");
            }
        }
    }
}

const PURGE_EVERY: Duration = Duration::from_secs(3600);
