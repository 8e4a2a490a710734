//! [`Scope`]: which source records of each object a run considers — all of them, only those
//! some other object references (`referenced_by:`), or the consistent subgraph of a
//! `--sample N` run (N tickets with their parts and every record they refer to).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::plan::Plan;
use crate::run::interpreter::{Mapped, eval, map_record};
use crate::run::outgoing::{RefKey, collect_refs, id_text};
use crate::run::runner::{Reader, RunError};

/// The records each object may migrate in this run.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Per object (plan index): `None` for every record; `Some(ids)` for these source ids only.
    pub allowed: Vec<Option<HashSet<String>>>,
    /// Per object: why a record outside `allowed` is left out (`None` in a sample run: records
    /// outside the sample are not read at all).
    pub outside: Vec<Option<String>>,
    /// Whether this is a sample run.
    pub sample: bool,
}

impl Scope {
    /// Every record of every object, apart from `referenced_by:` restrictions.
    pub fn full(plan: &Plan, reader: &Reader<'_>) -> Result<Scope, RunError> {
        let mut scope =
            Scope { allowed: vec![None; plan.objects.len()], outside: vec![None; plan.objects.len()], sample: false };
        // The ids of parent objects, read once each (only the id) for the children that scope.
        let mut parent_ids: HashMap<usize, Vec<String>> = HashMap::new();
        for (index, object) in plan.objects.iter().enumerate() {
            if object.referenced_by.is_empty() {
                continue;
            }
            let mut ids = HashSet::new();
            for referenced in &object.referenced_by {
                let other = referenced.object;
                let mut visit = |record: &crate::drivers::Record, context: &crate::run::interpreter::Context<'_>| {
                    let passes = match &plan.objects[other].filter {
                        Some(filter) => eval(filter, &record.values, context).is_ok_and(|v| v.is_true()),
                        None => true,
                    };
                    if passes && let Ok(value) = eval(&referenced.ids, &record.values, context) {
                        add_ids(Some(&value), &mut ids);
                    }
                };
                // Only the link and what the filter reads; a child object (message parts) only
                // for its parents, a batch of parents at a time.
                let mut slots = std::collections::BTreeSet::new();
                referenced.ids.slots(&mut slots);
                if let Some(filter) = &plan.objects[other].filter {
                    filter.slots(&mut slots);
                }
                match plan.objects[other].parent {
                    Some((parent, link)) => {
                        slots.insert(link);
                        if let std::collections::hash_map::Entry::Vacant(entry) = parent_ids.entry(parent) {
                            entry.insert(reader.ids(parent)?);
                        }
                        reader.each_narrow(other, &slots, Some(&parent_ids[&parent]), &mut visit)?;
                    }
                    None => reader.each_narrow(other, &slots, None, &mut visit)?,
                }
            }
            let names: Vec<&str> = object.referenced_by.iter().map(|r| r.label.as_str()).collect();
            scope.allowed[index] = Some(ids);
            scope.outside[index] = Some(format!("not referenced by {}", names.join(" or ")));
        }
        Ok(scope)
    }

    /// The first `n` records of each root object (conversations, tickets: objects nothing else
    /// refers to and that have no parent) that map, their children, and, transitively, every
    /// record they refer to; then the children of those referenced records (a sampled contact's
    /// rating notes) and what they refer to.
    pub fn sample(plan: &Plan, reader: &Reader<'_>, n: usize) -> Result<Scope, RunError> {
        let count = plan.objects.len();
        let mut allowed: Vec<HashSet<String>> = vec![HashSet::new(); count];
        let referenced: HashSet<&str> = referenced_objects(plan);
        let roots: Vec<usize> = (0..count)
            .filter(|&i| plan.objects[i].parent.is_none() && !referenced.contains(&*plan.objects[i].name))
            .filter(|&i| plan.objects[i].creatable)
            .collect();
        let mut refs: HashSet<RefKey> = HashSet::new();
        for &root in &roots {
            let mut taken = 0;
            reader.each_until(root, |record, context| {
                if let Mapped::Record(fields) = map_record(&plan.objects[root], &record.values, context)
                    && let Some(id) = id_text(&record.id)
                {
                    allowed[root].insert(id);
                    collect_refs(&fields, &mut refs);
                    taken += 1;
                }
                taken < n
            })?;
        }
        // Children of sampled parents, in dependency order (parts of conversations).
        let is_root_child =
            |index: usize| plan.objects[index].parent.is_some_and(|(p, _)| !referenced_or_child(plan, &referenced, p));
        for &index in plan.order.iter().filter(|&&i| is_root_child(i)) {
            children_of_allowed(plan, reader, index, &mut allowed, &mut refs)?;
        }
        // Referenced records, and what they refer to in turn.
        close_over_refs(plan, reader, &mut allowed, refs)?;
        // Children of referenced records (a contact's rating notes), and what they refer to.
        let mut refs: HashSet<RefKey> = HashSet::new();
        for &index in plan.order.iter().filter(|&&i| plan.objects[i].parent.is_some() && !is_root_child(i)) {
            children_of_allowed(plan, reader, index, &mut allowed, &mut refs)?;
        }
        close_over_refs(plan, reader, &mut allowed, refs)?;
        Ok(Scope { allowed: allowed.into_iter().map(Some).collect(), outside: vec![None; count], sample: true })
    }

    /// Whether `id` of object `index` is in scope.
    pub fn contains(&self, index: usize, id: &str) -> bool {
        self.allowed[index].as_ref().is_none_or(|ids| ids.contains(id))
    }
}

/// Whether records of object `index` enter a sample only as references (contacts, teammates),
/// directly or as the parent of such a record, rather than as sampled roots and their children.
fn referenced_or_child(plan: &Plan, referenced: &HashSet<&str>, index: usize) -> bool {
    if referenced.contains(&*plan.objects[index].name) {
        return true;
    }
    plan.objects[index].parent.is_some_and(|(parent, _)| referenced_or_child(plan, referenced, parent))
}

/// Add the records of child object `index` whose parent is allowed, collecting their refs.
fn children_of_allowed(
    plan: &Plan,
    reader: &Reader<'_>,
    index: usize,
    allowed: &mut [HashSet<String>],
    refs: &mut HashSet<RefKey>,
) -> Result<(), RunError> {
    let Some((parent, slot)) = plan.objects[index].parent else { return Ok(()) };
    let mut parents: Vec<String> = allowed[parent].iter().cloned().collect();
    parents.sort();
    reader.each_child(index, &parents, |record, context| {
        let belongs = record.values.get(slot as usize).and_then(id_text).is_some();
        if belongs && let Some(id) = id_text(&record.id) {
            if let Mapped::Record(fields) = map_record(&plan.objects[index], &record.values, context) {
                collect_refs(&fields, refs);
            }
            allowed[index].insert(id);
        }
    })
}

/// Allow the referenced records, and what they refer to in turn.
fn close_over_refs(
    plan: &Plan,
    reader: &Reader<'_>,
    allowed: &mut [HashSet<String>],
    refs: HashSet<RefKey>,
) -> Result<(), RunError> {
    let by_name: HashMap<Arc<str>, usize> = plan.objects.iter().enumerate().map(|(i, o)| (o.name.clone(), i)).collect();
    let mut pending: Vec<RefKey> = refs.into_iter().collect();
    while !pending.is_empty() {
        let mut wanted: HashMap<usize, Vec<String>> = HashMap::new();
        for (object, key) in pending.drain(..) {
            let Some(&index) = by_name.get(&object) else { continue };
            if allowed[index].insert(key.clone()) {
                wanted.entry(index).or_default().push(key);
            }
        }
        for (index, ids) in wanted {
            let mut more = HashSet::new();
            reader.by_ids(index, &ids, |record, context| {
                if let Mapped::Record(fields) = map_record(&plan.objects[index], &record.values, context) {
                    collect_refs(&fields, &mut more);
                }
            })?;
            pending.extend(more);
        }
    }
    Ok(())
}

fn referenced_objects(plan: &Plan) -> HashSet<&str> {
    fn walk<'p>(op: &'p crate::plan::Op, into: &mut HashSet<&'p str>) {
        use crate::plan::Op;
        match op {
            Op::Ref { object, key } => {
                into.insert(object);
                walk(key, into);
            }
            Op::List(items) => items.iter().for_each(|i| walk(i, into)),
            Op::Table { key, .. } => walk(key, into),
            Op::Unary { operand, .. } => walk(operand, into),
            Op::Binary { lhs, rhs, .. } => {
                walk(lhs, into);
                walk(rhs, into);
            }
            Op::If { condition, then, otherwise } => {
                walk(condition, into);
                walk(then, into);
                walk(otherwise, into);
            }
            Op::Match { subject, arms } => {
                walk(subject, into);
                arms.iter().for_each(|(_, body)| walk(body, into));
            }
            Op::Call { arguments, .. } => arguments.iter().for_each(|a| walk(a, into)),
            Op::Const(_) | Op::Field(_) | Op::Path { .. } => {}
        }
    }
    let mut names = HashSet::new();
    for object in &plan.objects {
        object.outputs.iter().for_each(|output| walk(&output.op, &mut names));
    }
    names
}

fn add_ids(value: Option<&crate::run::value::Value>, into: &mut HashSet<String>) {
    match value {
        Some(crate::run::value::Value::List(items)) => items.iter().filter_map(id_text).for_each(|id| {
            into.insert(id);
        }),
        Some(value) => {
            if let Some(id) = id_text(value) {
                into.insert(id);
            }
        }
        None => {}
    }
}
