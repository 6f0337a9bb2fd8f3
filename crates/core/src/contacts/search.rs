//! Finding contact points: `GET /apis/v1/contact-points?searchTerm=…&audience=…&authorityType=…`.
//!
//! The rules (from the public NgDP Q&A, see `domain.md`) and how they are met:
//! - **What is searched**: the contact point's name *and* its search words. Both are cut into
//!   words at every character that is not a letter or a digit; these words are the tokens of
//!   the in-memory index (`index` module, where the choice of an in-memory index is explained).
//! - **Case-insensitive**: text is put in Unicode NFC form and lower-cased with Unicode rules,
//!   so `PAS`, `Pas` and `pas` are one word, and so are `ÆBLE`/`æble`, `ØRE`/`øre`, `ÅR`/`år`
//!   (whether `å` arrives as one character or as `a` plus a combining ring).
//! - **One word matches** when it is the beginning (a prefix) of some word of the name or of a
//!   search word: `pas` finds a contact point named "Pas og rejsedokumenter" and one whose
//!   search word is `pasfornyelse`; `fornyelse` does not find `pasfornyelse` (no infix match:
//!   an authority that wants it adds the search word).
//! - **Several words narrow**: every word of the search term must match (AND); they may match
//!   in the name, in search words, or some in each.
//! - **A contact point that is not visible is never found**, whatever the search.
//! - **Filters**: `audience` keeps contact points meant for that audience; `authorityType` and
//!   `authorityId` keep those of such authorities. An empty search term lists every visible
//!   contact point the filters keep.
//! - **Order**: contact points whose whole name equals the search term (after folding) first,
//!   then by name in Danish alphabetical order (æ, ø, å after z), then by id. Pages are 0-based
//!   (`page`, `size` 1..=100, default 20) and carry the total count.
//!
//! Limits: a search term holds at most 200 characters and 10 words; more is a bad request.

use brevdue_api::contacts::{Audience, AuthorityType, ContactPointPage};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use super::ContactsError;
use super::index::{IndexCache, IndexQuery};
use super::store;
use crate::db::Db;

/// The longest search term accepted, in characters.
pub const MAX_TERM_CHARS: usize = 200;
/// The most words a search term may hold.
pub const MAX_TERM_WORDS: usize = 10;
/// The page size when none is asked for.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// The largest page size.
pub const MAX_PAGE_SIZE: u32 = 100;

/// A search for contact points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub search_term: String,
    pub audience: Option<Audience>,
    pub authority_type: Option<AuthorityType>,
    pub authority_id: Option<String>,
    /// 0-based.
    pub page: u32,
    pub size: u32,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            search_term: String::new(),
            audience: None,
            authority_type: None,
            authority_id: None,
            page: 0,
            size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl SearchQuery {
    /// A search for `term` with no filters, first page.
    pub fn term(term: &str) -> SearchQuery {
        SearchQuery {
            search_term: term.to_owned(),
            ..SearchQuery::default()
        }
    }
}

/// The query string of the search endpoint, read as text so that every bad value gets a clear
/// error of our own.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchParams {
    search_term: Option<String>,
    audience: Option<String>,
    authority_type: Option<String>,
    authority_id: Option<String>,
    page: Option<String>,
    size: Option<String>,
}

impl SearchParams {
    pub(crate) fn into_query(self) -> Result<SearchQuery, ContactsError> {
        let (page, size) = parse_paging(self.page.as_deref(), self.size.as_deref())?;
        Ok(SearchQuery {
            search_term: self.search_term.unwrap_or_default(),
            audience: self
                .audience
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(parse_audience)
                .transpose()?,
            authority_type: self
                .authority_type
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| {
                    AuthorityType::parse(s).ok_or_else(|| {
                        ContactsError::BadRequest(format!(
                            "authorityType must be STATE, REGION, MUNICIPALITY or OTHER, not {:?}",
                            truncate(s)
                        ))
                    })
                })
                .transpose()?,
            authority_id: self.authority_id.filter(|s| !s.is_empty()),
            page,
            size,
        })
    }
}

/// Reads `audience` (`CITIZEN`, `COMPANY` or `AUTHORITY`).
pub(crate) fn parse_audience(s: &str) -> Result<Audience, ContactsError> {
    Audience::ALL
        .into_iter()
        .find(|a| a.as_str() == s)
        .ok_or_else(|| {
            ContactsError::BadRequest(format!(
                "audience must be CITIZEN, COMPANY or AUTHORITY, not {:?}",
                truncate(s)
            ))
        })
}

/// Reads `page` and `size`.
pub(crate) fn parse_paging(
    page: Option<&str>,
    size: Option<&str>,
) -> Result<(u32, u32), ContactsError> {
    let page = match page.filter(|s| !s.is_empty()) {
        None => 0,
        Some(s) => s.parse::<u32>().map_err(|_| {
            ContactsError::BadRequest(format!(
                "page must be a number from 0, not {:?}",
                truncate(s)
            ))
        })?,
    };
    let size = match size.filter(|s| !s.is_empty()) {
        None => DEFAULT_PAGE_SIZE,
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
            .ok_or_else(|| {
                ContactsError::BadRequest(format!(
                    "size must be a number from 1 to {MAX_PAGE_SIZE}, not {:?}",
                    truncate(s)
                ))
            })?,
    };
    Ok((page, size))
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Runs a search against the index (made fresh first).
pub(crate) async fn search(
    db: &Db,
    cache: &IndexCache,
    query: &SearchQuery,
) -> Result<ContactPointPage, ContactsError> {
    if query.search_term.chars().count() > MAX_TERM_CHARS {
        return Err(ContactsError::BadRequest(format!(
            "searchTerm may hold at most {MAX_TERM_CHARS} characters"
        )));
    }
    if !(1..=MAX_PAGE_SIZE).contains(&query.size) {
        return Err(ContactsError::BadRequest(format!(
            "size must be from 1 to {MAX_PAGE_SIZE}"
        )));
    }
    let mut words = words(&query.search_term);
    if words.len() > MAX_TERM_WORDS {
        return Err(ContactsError::BadRequest(format!(
            "searchTerm may hold at most {MAX_TERM_WORDS} words"
        )));
    }
    // A word that is the prefix of another word of the term adds nothing.
    words.sort();
    words.dedup();
    let words: Vec<String> = words
        .iter()
        .filter(|w| !words.iter().any(|o| o != *w && o.starts_with(w.as_str())))
        .cloned()
        .collect();
    let exact = sort_key(&query.search_term);
    let index = cache.fresh(db).await?;
    let (found, total_count) = index.search(&IndexQuery {
        words: &words,
        exact: &exact,
        audience: query.audience,
        authority_type: query.authority_type,
        authority_id: query.authority_id.as_deref(),
        offset: u64::from(query.page) * u64::from(query.size),
        limit: query.size,
    });
    let items = found.iter().map(|point| point.as_ref().clone()).collect();
    Ok(ContactPointPage {
        items,
        page: query.page,
        size: query.size,
        total_count,
    })
}

/// The contact points of `ids` as a page, leaving out any that is hidden.
pub(crate) async fn load_page(
    db: &Db,
    ids: &[String],
    total_count: u64,
    page: u32,
    size: u32,
) -> Result<ContactPointPage, ContactsError> {
    let mut conn = db.acquire().await.map_err(store::StoreError::from)?;
    let items = store::list_contact_points(&mut conn, ids)
        .await?
        .iter()
        .filter(|(point, _)| point.visible)
        .map(|(point, authority)| point.to_wire(authority))
        .collect();
    Ok(ContactPointPage {
        items,
        page,
        size,
        total_count,
    })
}

/// Text folded for comparison: Unicode NFC, lower case.
pub(crate) fn fold(text: &str) -> String {
    text.nfc().flat_map(char::to_lowercase).collect()
}

/// The folded words of a text: runs of letters and digits.
pub(crate) fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The key a name sorts by and is compared with for an exact match: its folded words joined by
/// one space, with æ, ø, å (and ä, ö) moved after z as in the Danish alphabet.
pub(crate) fn sort_key(name: &str) -> String {
    words(name)
        .join(" ")
        .chars()
        .map(|c| match c {
            'æ' | 'ä' => '{',
            'ø' | 'ö' => '|',
            'å' => '}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_handles_danish_letters_and_decomposed_forms() {
        assert_eq!(words("PAS og Kørekort"), ["pas", "og", "kørekort"]);
        assert_eq!(words("ÆBLE ØRE ÅR"), ["æble", "øre", "år"]);
        // "Å" as A + combining ring above (NFD) is the same word as precomposed "å".
        assert_eq!(words("A\u{30a}RHUS"), words("Århus"));
        assert_eq!(
            words("  byggesag/bygge-tilladelse, 2024 "),
            ["byggesag", "bygge", "tilladelse", "2024"]
        );
        assert!(words(" -- ").is_empty());
    }

    #[test]
    fn sort_key_puts_danish_letters_after_z() {
        let mut names = vec!["Åben skole", "Zoneplan", "Ældrepleje", "Øresund", "Affald"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            ["Affald", "Zoneplan", "Ældrepleje", "Øresund", "Åben skole"]
        );
        assert_eq!(sort_key("Pas  og   Kørekort"), sort_key("pas og kørekort"));
    }

    #[test]
    fn paging_and_audience_are_checked() {
        assert_eq!(parse_paging(None, None).unwrap(), (0, DEFAULT_PAGE_SIZE));
        assert_eq!(parse_paging(Some("3"), Some("100")).unwrap(), (3, 100));
        assert!(parse_paging(Some("-1"), None).is_err());
        assert!(parse_paging(None, Some("0")).is_err());
        assert!(parse_paging(None, Some("101")).is_err());
        assert_eq!(parse_audience("COMPANY").unwrap(), Audience::Company);
        assert!(parse_audience("company").is_err());
    }
}
