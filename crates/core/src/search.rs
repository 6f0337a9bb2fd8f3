//! Free-text search of messages (the `any` parameter): subject, sender and the text of the
//! documents. Everything about full-text search is in this module, in one version per
//! database, with the same rules: every word of `any` must match (AND), each as the beginning
//! of a word of the message, case- and accent-insensitive (`å` finds `a`; `ø` and `æ` are
//! letters of their own), and no search syntax is ever interpreted.
//!
//! - SQLite: FTS5, a contentless table whose rowid is the message's `seq`
//!   (`unicode61 remove_diacritics 2`).
//! - PostgreSQL: `message_search (seq, document tsvector)` with a GIN index. The text is
//!   folded here first, the way FTS5 folds it (lower case, combining marks removed, every
//!   character that is not a letter or digit a space), then indexed twice: with the `danish`
//!   configuration (Snowball stemming: `skatten` finds `skat`) and with `simple` (the word as
//!   written, so that a prefix finds what it finds on SQLite). Positions are stripped: nothing
//!   ranks by them, and a stripped vector stays small for a long letter.

use unicode_normalization::UnicodeNormalization;

use crate::db::{Backend, Conn, Sql};

/// The most document text indexed per message.
pub(crate) const MAX_INDEXED_TEXT: usize = 1 << 20;

/// At most this many words of `any` are searched for.
const MAX_WORDS: usize = 16;

/// Indexes a message's text under its `seq`.
pub(crate) async fn index(
    conn: &mut Conn,
    seq: i64,
    label: &str,
    sender: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    match Backend::of_conn(conn) {
        Backend::Sqlite => {
            sqlx::query(
                "INSERT INTO message_search (rowid, label, sender, body) VALUES ($1, $2, $3, $4)",
            )
            .bind(seq)
            .bind(label)
            .bind(sender)
            .bind(body)
            .execute(conn)
            .await?;
        }
        Backend::Postgres => {
            let text = fold(&format!("{label} {sender} {body}"));
            sqlx::query(
                "INSERT INTO message_search (seq, document) VALUES ($1, \
                 strip(to_tsvector('danish', $2) || to_tsvector('simple', $2)))",
            )
            .bind(seq)
            .bind(text)
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}

/// Forgets the text of the message `seq`.
pub(crate) async fn remove(conn: &mut Conn, seq: i64) -> Result<(), sqlx::Error> {
    let sql = match Backend::of_conn(conn) {
        Backend::Sqlite => "DELETE FROM message_search WHERE rowid = $1",
        Backend::Postgres => "DELETE FROM message_search WHERE seq = $1",
    };
    sqlx::query(sql).bind(seq).execute(conn).await?;
    Ok(())
}

/// Narrows a query over `messages` (aliased `alias`, WHERE clause open) to those matching
/// every word of `any` (case- and accent-insensitive, each word also as a prefix). Words are
/// letters and digits; an `any` without any adds nothing.
pub(crate) fn push_filter(q: &mut Sql<'_>, backend: Backend, alias: &str, any: &str) {
    let words = words(any);
    if words.is_empty() {
        return;
    }
    match backend {
        Backend::Sqlite => {
            q.push(format!(
                " AND {alias}.seq IN (SELECT rowid FROM message_search WHERE message_search MATCH "
            ));
            q.push_bind(fts_query(&words));
            q.push(")");
        }
        Backend::Postgres => {
            q.push(format!(
                " AND {alias}.seq IN (SELECT seq FROM message_search WHERE document @@ ("
            ));
            for (i, word) in words.iter().enumerate() {
                if i > 0 {
                    q.push(" && ");
                }
                // A word is letters and digits only, so `word:*` is a prefix and nothing else;
                // a Danish stop word makes the first half empty, and the second still counts.
                let prefix = format!("{}:*", fold(word));
                q.push("(to_tsquery('danish', ");
                q.push_bind(prefix.clone());
                q.push(") || to_tsquery('simple', ");
                q.push_bind(prefix);
                q.push("))");
            }
            q.push("))");
        }
    }
}

/// The words of `any`: runs of letters and digits, at most [`MAX_WORDS`].
fn words(any: &str) -> Vec<&str> {
    any.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .collect()
}

/// The FTS5 query for `words`: each word quoted (so no word is read as an operator) and made a
/// prefix; all must match.
fn fts_query(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text as FTS5's `unicode61 remove_diacritics 2` sees it: lower case, combining marks
/// removed (`å` is `a` and a ring, `ø` is a letter of its own), and every character that is
/// not a letter or a digit a space.
fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect()
}

fn is_combining_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_quoted_prefixes() {
        assert_eq!(
            fts_query(&words("Skat  årsopgørelse")),
            "\"Skat\"* \"årsopgørelse\"*"
        );
        assert_eq!(
            fts_query(&words("a\" OR b NEAR(c)")),
            "\"a\"* \"OR\"* \"b\"* \"NEAR\"* \"c\"*"
        );
        assert!(words(" -*- ").is_empty());
    }

    #[test]
    fn folding_removes_accents_but_keeps_danish_letters() {
        assert_eq!(fold("ÅRSOPGØRELSE"), "arsopgørelse");
        assert_eq!(fold("Tandlæge: brev.pdf"), "tandlæge  brev pdf");
        assert_eq!(fold("café"), "cafe");
    }
}
