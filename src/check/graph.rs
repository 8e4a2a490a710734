//! Object dependencies: the order objects migrate in, and cycles that make an order impossible.

use crate::check::diagnostics;
use crate::diagnostic::Diagnostics;
use crate::span::Span;

/// One dependency: `from` must migrate after `to`, because of what is written at `span`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The dependent object (index into the spec's objects).
    pub from: usize,
    /// The object it waits for.
    pub to: usize,
    /// Where the dependency is written (`ref(…)`, `parent:`, `after:`).
    pub span: Span,
    /// How it arises, for messages: "refers to", "is a child of", "runs after".
    pub reason: &'static str,
}

/// Objects in dependency order (spec order among independent ones), or the cycles found.
pub fn order(names: &[String], edges: &[Edge], found: &mut Diagnostics) -> Option<Vec<usize>> {
    let count = names.len();
    let mut placed = vec![false; count];
    let mut order = Vec::with_capacity(count);
    while order.len() < count {
        let next = (0..count).find(|&i| !placed[i] && edges.iter().all(|e| e.from != i || e.to == i || placed[e.to]));
        match next {
            Some(i) => {
                placed[i] = true;
                order.push(i);
            }
            None => {
                report_cycle(names, edges, &placed, found);
                return None;
            }
        }
    }
    Some(order)
}

/// Find one cycle among the objects not placed, and report it with every edge on it.
fn report_cycle(names: &[String], edges: &[Edge], placed: &[bool], found: &mut Diagnostics) {
    let start = (0..names.len()).find(|&i| !placed[i]).unwrap_or(0);
    // Walk unplaced dependencies until a node repeats: that node starts a cycle.
    let mut path: Vec<usize> = vec![start];
    let mut via: Vec<&Edge> = Vec::new();
    loop {
        let current = *path.last().expect("path is never empty");
        let Some(edge) = edges.iter().find(|e| e.from == current && e.to != current && !placed[e.to]) else {
            return;
        };
        via.push(edge);
        if let Some(position) = path.iter().position(|&n| n == edge.to) {
            let cycle_edges = &via[position..];
            let mut cycle: Vec<String> = path[position..].iter().map(|&i| names[i].clone()).collect();
            cycle.push(names[edge.to].clone());
            let (last, others) = cycle_edges.split_last().expect("a cycle has an edge");
            let labels: Vec<(Span, String)> = others
                .iter()
                .map(|e| (e.span, format!("`{}` {} `{}`", names[e.from], e.reason, names[e.to])))
                .collect();
            found.push(diagnostics::dependency_cycle(&cycle, last.span, &labels));
            return;
        }
        path.push(edge.to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(from: usize, to: usize) -> Edge {
        Edge { from, to, span: Span::detached(), reason: "refers to" }
    }

    #[test]
    fn dependencies_come_first_and_spec_order_breaks_ties() {
        let names: Vec<String> = ["part", "contact", "conversation"].map(String::from).to_vec();
        let mut found = Diagnostics::new();
        let order = order(&names, &[edge(0, 2), edge(2, 1), edge(2, 2)], &mut found).unwrap();
        assert_eq!(order, [1, 2, 0]);
    }

    #[test]
    fn cycles_are_reported_with_their_path() {
        let names: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let mut found = Diagnostics::new();
        assert!(order(&names, &[edge(0, 1), edge(1, 2), edge(2, 0)], &mut found).is_none());
        assert_eq!(found.iter().next().unwrap().message, "objects depend on each other in a cycle: a → b → c → a");
    }
}
