//! [`AssetHierarchy`]: the assets' parent-child links resolved into chains, with cycles found
//! and reported instead of followed forever.
//!
//! TOPdesk stores each link once and shows it under both assets (`/assetLinks?sourceId=`); nothing
//! stops an operator from making an asset its own ancestor. The hierarchy reads every link once
//! (as the `assetLinks` object does, under the parent), then walks each asset's parents with the
//! set of assets already on the path: meeting one again closes a cycle, which is recorded once
//! (as its assets, starting from the smallest id) and ends the walk.

use std::collections::{BTreeMap, BTreeSet};

use super::source::TopdeskSource;
use crate::drivers::{Cursor, DriverError, Source};

/// Parent-child links between assets, resolved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssetHierarchy {
    /// Each child's parents, by asset id.
    pub parents: BTreeMap<String, BTreeSet<String>>,
    /// Each cycle once, as its assets in link order from the smallest id.
    pub cycles: Vec<Vec<String>>,
}

impl AssetHierarchy {
    /// Resolve `links` (parent, child).
    pub fn resolve(links: impl IntoIterator<Item = (String, String)>) -> AssetHierarchy {
        let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (parent, child) in links {
            parents.entry(child).or_default().insert(parent);
        }
        let mut cycles: BTreeSet<Vec<String>> = BTreeSet::new();
        for start in parents.keys() {
            let mut path = vec![start.clone()];
            walk(&parents, &mut path, &mut cycles);
        }
        AssetHierarchy { parents, cycles: cycles.into_iter().collect() }
    }

    /// The ancestors of `asset`, nearest first, each once (a cycle stops the walk).
    pub fn ancestors(&self, asset: &str) -> Vec<String> {
        let mut seen = BTreeSet::from([asset.to_owned()]);
        let mut found = Vec::new();
        let mut frontier = vec![asset.to_owned()];
        while let Some(current) = frontier.pop() {
            for parent in self.parents.get(&current).into_iter().flatten() {
                if seen.insert(parent.clone()) {
                    found.push(parent.clone());
                    frontier.push(parent.clone());
                }
            }
        }
        found
    }
}

/// Depth-first up the parents of `path`'s last asset; a parent already on the path closes a cycle.
fn walk(parents: &BTreeMap<String, BTreeSet<String>>, path: &mut Vec<String>, cycles: &mut BTreeSet<Vec<String>>) {
    let current = path.last().cloned().unwrap_or_default();
    for parent in parents.get(&current).into_iter().flatten() {
        if let Some(at) = path.iter().position(|asset| asset == parent) {
            let mut cycle = path[at..].to_vec();
            let smallest = cycle.iter().enumerate().min_by_key(|(_, id)| *id).map_or(0, |(i, _)| i);
            cycle.rotate_left(smallest);
            cycles.insert(cycle);
        } else {
            path.push(parent.clone());
            walk(parents, path, cycles);
            path.pop();
        }
    }
}

impl TopdeskSource {
    /// Read every asset link and resolve them; each cycle is added to the notes.
    pub fn asset_hierarchy(&mut self) -> Result<AssetHierarchy, DriverError> {
        let fields = ["parent".to_owned(), "child".to_owned()];
        let mut links = Vec::new();
        let mut cursor: Option<Cursor> = None;
        loop {
            let batch = self.read("assetLinks", &fields, cursor.as_ref(), 500)?;
            for record in batch.records {
                links.push((record.values[0].to_string(), record.values[1].to_string()));
            }
            match batch.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let hierarchy = AssetHierarchy::resolve(links);
        for cycle in &hierarchy.cycles {
            self.notes.push(format!(
                "assets: the parent-child links form a cycle ({} → {}); each asset's ancestors stop there",
                cycle.join(" → "),
                cycle[0]
            ));
        }
        Ok(hierarchy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(p, c)| ((*p).to_owned(), (*c).to_owned())).collect()
    }

    #[test]
    fn chains_resolve_and_cycles_are_found_once() {
        let hierarchy = AssetHierarchy::resolve(links(&[("a", "b"), ("b", "c"), ("x", "y"), ("y", "z"), ("z", "x")]));
        assert_eq!(hierarchy.ancestors("c"), ["b", "a"]);
        assert_eq!(hierarchy.cycles, vec![vec!["x".to_owned(), "z".to_owned(), "y".to_owned()]]);
        assert_eq!(hierarchy.ancestors("x"), ["z", "y"]);
    }

    #[test]
    fn an_asset_its_own_parent_is_a_cycle() {
        let hierarchy = AssetHierarchy::resolve(links(&[("a", "a")]));
        assert_eq!(hierarchy.cycles, vec![vec!["a".to_owned()]]);
        assert!(hierarchy.ancestors("a").is_empty());
    }
}
