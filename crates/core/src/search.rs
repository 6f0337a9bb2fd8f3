//! Free-text search of messages (the `any` parameter): subject, sender and the text of the
//! documents. Everything about full-text search is in this module, on SQLite FTS5 (a
//! contentless table whose rowid is the message's `seq`), so PostgreSQL full text can take its
//! place by changing only these functions.

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

/// The most document text indexed per message.
pub(crate) const MAX_INDEXED_TEXT: usize = 1 << 20;

/// Indexes a message's text under its `seq`.
pub(crate) async fn index(
    conn: &mut SqliteConnection,
    seq: i64,
    label: &str,
    sender: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO message_search (rowid, label, sender, body) VALUES (?, ?, ?, ?)")
        .bind(seq)
        .bind(label)
        .bind(sender)
        .bind(body)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets the text of the message `seq`.
pub(crate) async fn remove(conn: &mut SqliteConnection, seq: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM message_search WHERE rowid = ?")
        .bind(seq)
        .execute(conn)
        .await?;
    Ok(())
}

/// Narrows a query over `messages` (aliased `alias`, WHERE clause open) to those matching
/// every word of `any` (case- and accent-insensitive, each word also as a prefix). Words are
/// letters and digits; an `any` without any adds nothing.
pub(crate) fn push_filter(q: &mut QueryBuilder<'_, Sqlite>, alias: &str, any: &str) {
    let query = fts_query(any);
    if query.is_empty() {
        return;
    }
    q.push(format!(
        " AND {alias}.seq IN (SELECT rowid FROM message_search WHERE message_search MATCH "
    ));
    q.push_bind(query);
    q.push(")");
}

/// The FTS5 query for the words of `any`: each word quoted (so no word is read as an
/// operator) and made a prefix; all must match.
fn fts_query(any: &str) -> String {
    any.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_quoted_prefixes() {
        assert_eq!(
            fts_query("Skat  årsopgørelse"),
            "\"Skat\"* \"årsopgørelse\"*"
        );
        assert_eq!(
            fts_query("a\" OR b NEAR(c)"),
            "\"a\"* \"OR\"* \"b\"* \"NEAR\"* \"c\"*"
        );
        assert_eq!(fts_query(" -*- "), "");
    }
}
