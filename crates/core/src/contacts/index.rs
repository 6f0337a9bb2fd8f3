//! The in-memory search index over the visible contact points, and keeping it fresh.
//!
//! Why in memory: with the words in an SQL token table (prefix range scans intersected per
//! word, then sorted by name), searches over 50,000 contact points took 9-150 ms at p50 and up to
//! 430 ms at p99 for short, broad words (see the report of `benches/contact_search.rs`). Here the
//! contact points sit in name order, each word's prefix range of the sorted token list is OR-ed
//! into a bitset, the words' bitsets are AND-ed, and the set bits read in order are the result
//! in name order: well under a millisecond even when most contact points match.
//!
//! Freshness: the database holds a version that every changing import increments in its
//! transaction. Before each search the version is read (one primary key lookup); an index built
//! from an older version is rebuilt from `contact_points` (one search at a time rebuilds, the
//! others wait for it). So every server process, and every `ContactPoints` value, sees imports
//! made by any other.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use brevdue_api::contacts::{self as wire, Audience, AuthorityType};

use super::model::{Authority, ContactPoint};
use super::search::{sort_key, words};
use super::store::{self, StoreError};
use crate::db::Db;

/// One visible contact point, as the index knows it.
#[derive(Debug)]
struct Entry {
    /// What a search answers with.
    point: Arc<wire::ContactPoint>,
    sort_key: String,
    /// Bit 0 citizens, bit 1 companies, bit 2 authorities.
    audiences: u8,
    /// Index into `SearchIndex::authorities`.
    authority: u32,
    authority_type: AuthorityType,
}

fn audience_bit(audience: Audience) -> u8 {
    match audience {
        Audience::Citizen => 1,
        Audience::Company => 2,
        Audience::Authority => 4,
    }
}

/// What a search asks the index: folded words (every one must be a prefix of some token) and
/// filters.
#[derive(Debug, Default)]
pub(crate) struct IndexQuery<'a> {
    pub words: &'a [String],
    /// The whole term folded like a name: entries whose name equals it come first.
    pub exact: &'a str,
    pub audience: Option<Audience>,
    pub authority_type: Option<AuthorityType>,
    pub authority_id: Option<&'a str>,
    pub offset: u64,
    pub limit: u32,
}

/// The visible contact points in name order, and for each token the entries holding it.
#[derive(Debug)]
pub(crate) struct SearchIndex {
    version: i64,
    entries: Vec<Entry>,
    /// Sorted by token; each list of entry numbers ascending.
    tokens: Vec<(String, Vec<u32>)>,
    authorities: HashMap<String, u32>,
}

impl SearchIndex {
    fn empty() -> SearchIndex {
        SearchIndex {
            version: -1,
            entries: Vec::new(),
            tokens: Vec::new(),
            authorities: HashMap::new(),
        }
    }

    /// Builds the index of `points` (the visible contact points) at `version`.
    pub(crate) fn build(
        version: i64,
        points: Vec<(ContactPoint, Authority)>,
    ) -> Result<SearchIndex, StoreError> {
        let mut authorities: HashMap<String, u32> = HashMap::new();
        let mut prepared: Vec<(Entry, Vec<String>)> = Vec::with_capacity(points.len());
        for (point, authority) in points {
            let next = u32::try_from(authorities.len()).unwrap_or(u32::MAX);
            let authority_number = *authorities.entry(authority.id.clone()).or_insert(next);
            let mut tokens = words(&point.name);
            for word in &point.search_words {
                tokens.extend(words(word));
            }
            tokens.sort_unstable();
            tokens.dedup();
            let audiences = point
                .audiences
                .iter()
                .fold(0, |bits, a| bits | audience_bit(*a));
            let entry = Entry {
                sort_key: sort_key(&point.name),
                audiences,
                authority: authority_number,
                authority_type: authority.authority_type,
                point: Arc::new(point.to_wire(&authority)),
            };
            prepared.push((entry, tokens));
        }
        prepared.sort_unstable_by(|(a, _), (b, _)| {
            a.sort_key
                .cmp(&b.sort_key)
                .then_with(|| a.point.id.cmp(&b.point.id))
        });

        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        let mut entries = Vec::with_capacity(prepared.len());
        for (n, (entry, tokens)) in prepared.into_iter().enumerate() {
            let n = u32::try_from(n).map_err(|_| {
                StoreError::Corrupt(entry.point.id.clone(), "too many contact points".into())
            })?;
            for token in tokens {
                postings.entry(token).or_default().push(n);
            }
            entries.push(entry);
        }
        let mut tokens: Vec<(String, Vec<u32>)> = postings.into_iter().collect();
        tokens.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Ok(SearchIndex {
            version,
            entries,
            tokens,
            authorities,
        })
    }

    /// One page of contact points, exact name matches first and then in name order, with the
    /// count of all matches.
    pub(crate) fn search(&self, q: &IndexQuery<'_>) -> (Vec<Arc<wire::ContactPoint>>, u64) {
        let authority = match q.authority_id {
            Some(id) => match self.authorities.get(id) {
                Some(n) => Some(*n),
                None => return (Vec::new(), 0),
            },
            None => None,
        };
        let blocks = self.entries.len().div_ceil(64);
        let mut matches: Option<Vec<u64>> = None;
        for word in q.words {
            let mut found = vec![0u64; blocks];
            let start = self
                .tokens
                .partition_point(|(t, _)| t.as_str() < word.as_str());
            for (_, list) in self.tokens[start..]
                .iter()
                .take_while(|(t, _)| t.starts_with(word.as_str()))
            {
                for n in list {
                    let n = *n as usize;
                    found[n / 64] |= 1 << (n % 64);
                }
            }
            matches = Some(match matches {
                None => found,
                Some(mut so_far) => {
                    so_far.iter_mut().zip(&found).for_each(|(a, b)| *a &= b);
                    so_far
                }
            });
        }

        let audience = q.audience.map(audience_bit);
        let keep = |e: &Entry| {
            audience.is_none_or(|bit| e.audiences & bit != 0)
                && q.authority_type.is_none_or(|t| e.authority_type == t)
                && authority.is_none_or(|a| e.authority == a)
        };
        let wanted =
            usize::try_from(q.offset.saturating_add(u64::from(q.limit))).unwrap_or(usize::MAX);
        let mut total = 0u64;
        let mut exact: Vec<usize> = Vec::new();
        let mut rest: Vec<usize> = Vec::new();
        let mut visit = |n: usize| {
            let Some(e) = self.entries.get(n) else { return };
            if !keep(e) {
                return;
            }
            total += 1;
            if !q.exact.is_empty() && e.sort_key == q.exact {
                exact.push(n);
            } else if rest.len() < wanted {
                rest.push(n);
            }
        };
        match &matches {
            None => (0..self.entries.len()).for_each(&mut visit),
            Some(bits) => {
                for (block, word) in bits.iter().enumerate() {
                    let mut word = *word;
                    while word != 0 {
                        visit(block * 64 + word.trailing_zeros() as usize);
                        word &= word - 1;
                    }
                }
            }
        }
        let offset = usize::try_from(q.offset).unwrap_or(usize::MAX);
        let page = exact
            .into_iter()
            .chain(rest)
            .skip(offset)
            .take(q.limit as usize)
            .filter_map(|n| self.entries.get(n).map(|e| e.point.clone()))
            .collect();
        (page, total)
    }
}

/// The index of one `ContactPoints`, rebuilt when the stored version moves on.
#[derive(Debug)]
pub(crate) struct IndexCache {
    current: RwLock<Arc<SearchIndex>>,
    rebuilding: tokio::sync::Mutex<()>,
}

impl IndexCache {
    pub(crate) fn new() -> IndexCache {
        IndexCache {
            current: RwLock::new(Arc::new(SearchIndex::empty())),
            rebuilding: tokio::sync::Mutex::new(()),
        }
    }

    fn current(&self) -> Arc<SearchIndex> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The index as of the stored version, rebuilt first if needed.
    pub(crate) async fn fresh(&self, db: &Db) -> Result<Arc<SearchIndex>, StoreError> {
        let version = {
            let mut conn = db.acquire().await?;
            store::get_version(&mut conn).await?
        };
        let index = self.current();
        if index.version >= version {
            return Ok(index);
        }
        let _one_at_a_time = self.rebuilding.lock().await;
        let index = self.current();
        if index.version >= version {
            return Ok(index); // another search rebuilt it meanwhile
        }
        let started = std::time::Instant::now();
        let (version, points) = store::list_visible_contact_points(db).await?;
        let index = tokio::task::spawn_blocking(move || SearchIndex::build(version, points))
            .await
            .map_err(|e| StoreError::Corrupt("search index".into(), e.to_string()))??;
        let index = Arc::new(index);
        tracing::info!(
            version,
            contact_points = index.entries.len(),
            tokens = index.tokens.len(),
            millis = started.elapsed().as_millis(),
            "contact search index built"
        );
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = index.clone();
        Ok(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        id: &str,
        authority: &str,
        name: &str,
        words: &[&str],
        audiences: &[Audience],
    ) -> (ContactPoint, Authority) {
        let point = ContactPoint {
            id: id.into(),
            authority_id: authority.into(),
            name: name.into(),
            description: String::new(),
            info_text: String::new(),
            search_words: words.iter().map(|w| (*w).to_owned()).collect(),
            audiences: audiences.to_vec(),
            visible: true,
            self_service_url: None,
            extra_fields: vec![],
            codes: vec![],
            location_code: None,
            max_attachments: None,
            max_attachment_bytes: None,
            recipient_system_id: None,
            group_ids: vec![],
        };
        let authority = Authority {
            id: authority.into(),
            name: authority.into(),
            cvr: "29189846".into(),
            authority_type: AuthorityType::Municipality,
        };
        (point, authority)
    }

    fn found(index: &SearchIndex, q: &IndexQuery<'_>) -> (Vec<String>, u64) {
        let (page, total) = index.search(q);
        (page.iter().map(|p| p.id.clone()).collect(), total)
    }

    fn ids(index: &SearchIndex, term: &str) -> Vec<String> {
        let words = words(term);
        let exact = sort_key(term);
        let q = IndexQuery {
            words: &words,
            exact: &exact,
            limit: 100,
            ..IndexQuery::default()
        };
        found(index, &q).0
    }

    #[test]
    fn every_word_must_be_a_prefix_of_a_token() {
        let citizens = [Audience::Citizen];
        let index = SearchIndex::build(
            1,
            vec![
                row(
                    "pas",
                    "a",
                    "Pas og rejsedokumenter",
                    &["pasfornyelse"],
                    &citizens,
                ),
                row(
                    "byg",
                    "a",
                    "Byggesag",
                    &["carport", "tilbygning"],
                    &citizens,
                ),
            ],
        )
        .unwrap();
        assert_eq!(ids(&index, "PAS"), ["pas"]);
        assert_eq!(ids(&index, "pasforn rejse"), ["pas"]);
        assert!(ids(&index, "pas carport").is_empty());
        assert!(ids(&index, "fornyelse").is_empty());
        assert_eq!(ids(&index, ""), ["byg", "pas"]);
    }

    #[test]
    fn exact_names_first_and_paging_over_many_blocks() {
        let mut rows: Vec<(ContactPoint, Authority)> = (0..300)
            .map(|i| {
                let name = format!("Affald {i:03}");
                row(&format!("x{i:03}"), "a", &name, &[], &[Audience::Citizen])
            })
            .collect();
        rows.push(row("exact", "b", "Affald", &[], &[Audience::Company]));
        let index = SearchIndex::build(1, rows).unwrap();
        let words = words("affald");
        let q = IndexQuery {
            words: &words,
            exact: "affald",
            limit: 3,
            ..IndexQuery::default()
        };
        assert_eq!(
            found(&index, &q),
            (vec!["exact".into(), "x000".into(), "x001".into()], 301)
        );
        let q = IndexQuery {
            words: &words,
            exact: "affald",
            offset: 299,
            limit: 10,
            ..IndexQuery::default()
        };
        assert_eq!(found(&index, &q), (vec!["x298".into(), "x299".into()], 301));
        let company = Some(Audience::Company);
        let q = IndexQuery {
            words: &words,
            audience: company,
            limit: 10,
            ..IndexQuery::default()
        };
        assert_eq!(found(&index, &q), (vec!["exact".into()], 1));
        let nobody = Some("nobody");
        let q = IndexQuery {
            words: &words,
            authority_id: nobody,
            limit: 10,
            ..IndexQuery::default()
        };
        assert_eq!(found(&index, &q), (vec![], 0));
        let b = Some("b");
        let q = IndexQuery {
            words: &[],
            authority_id: b,
            limit: 10,
            ..IndexQuery::default()
        };
        assert_eq!(found(&index, &q), (vec!["exact".into()], 1));
    }
}
