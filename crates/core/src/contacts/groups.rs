//! The group tree: the path (`ID/Pas`) and depth of every group, parents before children.

use std::collections::HashMap;

use brevdue_api::contacts as wire;

use super::model::ContactGroup;
use super::search::sort_key;

/// No stored tree is deeper (the import refuses more than 10 levels); a guard against loops.
const MAX_WALK: usize = 64;

/// The groups with their paths, ordered by authority and then by path (Danish alphabetical
/// order of the names on the way), so that every parent comes before its children.
pub(crate) fn with_paths(groups: Vec<ContactGroup>) -> Vec<wire::ContactGroup> {
    let by_id: HashMap<&str, &ContactGroup> = groups.iter().map(|g| (g.id.as_str(), g)).collect();
    let mut out: Vec<(Vec<String>, wire::ContactGroup)> = groups
        .iter()
        .map(|g| {
            let mut names = vec![g.name.as_str()];
            let mut current = g;
            while let Some(parent) = current.parent_id.as_deref().and_then(|p| by_id.get(p)) {
                if names.len() >= MAX_WALK {
                    tracing::warn!(group = %g.id, "contact group parents loop or nest too deep");
                    break;
                }
                names.push(parent.name.as_str());
                current = parent;
            }
            names.reverse();
            let mut key: Vec<String> = vec![g.authority_id.clone()];
            key.extend(names.iter().map(|n| sort_key(n)));
            let group = wire::ContactGroup {
                id: g.id.clone(),
                authority_id: g.authority_id.clone(),
                parent_id: g.parent_id.clone(),
                name: g.name.clone(),
                description: g.description.clone(),
                path: names.join("/"),
                depth: u32::try_from(names.len()).unwrap_or(u32::MAX),
            };
            (key, group)
        })
        .collect();
    out.sort_by(|(a, ga), (b, gb)| a.cmp(b).then_with(|| ga.id.cmp(&gb.id)));
    out.into_iter().map(|(_, g)| g).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(id: &str, parent: Option<&str>, name: &str) -> ContactGroup {
        ContactGroup {
            id: id.into(),
            authority_id: "a".into(),
            parent_id: parent.map(Into::into),
            name: name.into(),
            description: String::new(),
        }
    }

    #[test]
    fn paths_join_names_from_the_top_and_parents_come_first() {
        let tree = with_paths(vec![
            group("pas", Some("id"), "Pas"),
            group("ovr", None, "Øvrige"),
            group("id", None, "ID"),
            group("kk", Some("id"), "Kørekort"),
            group("nyt", Some("pas"), "Nyt pas"),
        ]);
        let paths: Vec<(&str, u32)> = tree.iter().map(|g| (g.path.as_str(), g.depth)).collect();
        assert_eq!(
            paths,
            [
                ("ID", 1),
                ("ID/Kørekort", 2),
                ("ID/Pas", 2),
                ("ID/Pas/Nyt pas", 3),
                ("Øvrige", 1)
            ]
        );
    }

    #[test]
    fn a_loop_ends_the_walk_instead_of_hanging() {
        let tree = with_paths(vec![group("a", Some("b"), "A"), group("b", Some("a"), "B")]);
        assert_eq!(tree.len(), 2);
        assert!(tree.iter().all(|g| g.depth as usize == MAX_WALK));
    }
}
