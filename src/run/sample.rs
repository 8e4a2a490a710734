//! Choosing the records a review snapshot shows.
//!
//! One streaming pass over an object keeps, for each reason a record can be interesting for,
//! the best record so far: the first record, one record per value of every enumeration the
//! object reads, the record with the most null outputs, the longest list output, the most child
//! records (parts of a conversation), the first with non-ASCII text, one per flag reason, the
//! first skipped and the first failed record, the record with the most attachment files and one
//! per rule that flags a file, plus ids the spec or the command line names. Memory
//! stays bounded by the number of reasons, not the number of records.

use std::collections::{BTreeMap, HashMap};

use crate::check::SchemaLock;
use crate::check::schema::FieldType;
use crate::drivers::{DriverError, Record, Source};
use crate::plan::Plan;
use crate::run::attachments::{self, Attachment, Verdict};
use crate::run::batch::{map_batch, prefetch};
use crate::run::interpreter::{Context, IdKey, LookupCache, Mapped};
use crate::run::value::Value;

/// Records per page while sampling.
const PAGE: usize = 500;
/// At most this many values of one enumeration get a record each.
const VALUES_PER_ENUM: usize = 20;

/// A chosen record with why it was chosen.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The source record.
    pub record: Record,
    /// What mapping gave.
    pub mapped: Mapped,
    /// Why it is in the snapshot.
    pub reasons: Vec<String>,
    /// Its attachment files and what happens to each (`attachments:`).
    pub attachments: Vec<Attachment>,
}

struct Candidate {
    record: Record,
    mapped: Mapped,
    attachments: Vec<Attachment>,
    score: u64,
}

/// Pick the samples of object `index`.
pub fn pick(
    plan: &Plan,
    index: usize,
    source: &mut dyn Source,
    lock: &SchemaLock,
    explicit: &[Value],
) -> Result<Vec<Sample>, DriverError> {
    let object = &plan.objects[index];
    let children = count_children(plan, index, source)?;
    let enums: Vec<(usize, &str)> = lock
        .object(&object.source)
        .map(|schema| {
            object
                .fields
                .iter()
                .enumerate()
                .filter(|(_, name)| {
                    schema.field(name).is_some_and(|f| f.field_type == FieldType::Enum || !f.values.is_empty())
                })
                .map(|(slot, name)| (slot, name.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let explicit: Vec<IdKey> = explicit.iter().filter_map(IdKey::of).collect();
    let mut best: BTreeMap<String, Candidate> = BTreeMap::new();
    let mut cache = LookupCache::new(plan);
    let mut cursor = None;
    loop {
        let batch = source.read(&object.source, &object.fields, cursor.as_ref(), PAGE)?;
        prefetch(plan, object, &batch.records, source, &mut cache)?;
        let mapped = map_batch(plan, object, &batch.records, &cache);
        for (record, mapped) in batch.records.iter().zip(&mapped) {
            let key = IdKey::of(&record.id);
            let files = match &object.attachments {
                Some(block) => attachments::collect(block, &record.values, &Context { plan, cache: &cache }),
                None => Vec::new(),
            };
            let offer =
                |best: &mut BTreeMap<String, Candidate>, reason: String, record: &Record, mapped: &Mapped, score| {
                    offer(best, reason, record, mapped, &files, score)
                };
            for file in &files {
                if let Verdict::Flag { rule, .. } = &file.verdict {
                    offer(&mut best, format!("attachment flagged by its {rule}"), record, mapped, 1);
                }
            }
            if files.len() > 1 {
                offer(&mut best, "most attachments".to_owned(), record, mapped, files.len() as u64);
            }
            // Scores prefer the earliest record among equals: later records must beat, not tie.
            offer(&mut best, "first record".to_owned(), record, mapped, 1);
            if key.as_ref().is_some_and(|k| explicit.contains(k)) {
                offer(
                    &mut best,
                    format!("named in the spec or on the command line ({})", record.id),
                    record,
                    mapped,
                    1,
                );
            }
            for (slot, name) in &enums {
                let value = record.values.get(*slot).cloned().unwrap_or_default();
                let reason =
                    format!("{name} = {}", if value.is_null() { "null".to_owned() } else { value.to_string() });
                let seen_values = best.keys().filter(|k| k.starts_with(&format!("{name} = "))).count();
                if best.contains_key(&reason) || seen_values < VALUES_PER_ENUM {
                    offer(&mut best, reason, record, mapped, 1);
                }
            }
            match mapped {
                Mapped::Record(fields) => {
                    let nulls = fields.iter().filter(|(_, v)| v.is_null()).count() as u64;
                    if nulls > 0 {
                        offer(&mut best, "most null outputs".to_owned(), record, mapped, nulls + 1);
                    }
                    let longest =
                        fields.iter().map(|(_, v)| if let Value::List(items) = v { items.len() } else { 0 }).max();
                    if let Some(longest) = longest.filter(|&n| n > 1) {
                        offer(&mut best, "longest list output".to_owned(), record, mapped, longest as u64);
                    }
                    let non_ascii = fields.iter().any(|(_, v)| !v.to_string().is_ascii());
                    if non_ascii {
                        offer(&mut best, "non-ASCII text".to_owned(), record, mapped, 1);
                    }
                }
                Mapped::Flagged(reason) => offer(&mut best, format!("flagged: {reason}"), record, mapped, 1),
                Mapped::Skipped => offer(&mut best, "skipped by where".to_owned(), record, mapped, 1),
                Mapped::Failed { field, .. } => offer(&mut best, format!("failed at {field}"), record, mapped, 1),
            }
            if let Some(count) = key.and_then(|k| children.get(&k)).copied().filter(|&n| n > 0) {
                offer(&mut best, "most child records".to_owned(), record, mapped, count + 1);
            }
        }
        match batch.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let mut by_id: BTreeMap<IdKey, Sample> = BTreeMap::new();
    for (reason, candidate) in best {
        let Some(key) = IdKey::of(&candidate.record.id) else { continue };
        by_id
            .entry(key)
            .or_insert_with(|| Sample {
                record: candidate.record,
                mapped: candidate.mapped,
                reasons: Vec::new(),
                attachments: candidate.attachments,
            })
            .reasons
            .push(reason);
    }
    Ok(by_id.into_values().collect())
}

/// Keep `record` for `reason` when it scores higher than the record kept so far.
fn offer(
    best: &mut BTreeMap<String, Candidate>,
    reason: String,
    record: &Record,
    mapped: &Mapped,
    files: &[Attachment],
    score: u64,
) {
    match best.get(&reason) {
        Some(existing) if existing.score >= score => {}
        _ => {
            best.insert(
                reason,
                Candidate { record: record.clone(), mapped: mapped.clone(), attachments: files.to_vec(), score },
            );
        }
    }
}

/// Children per parent id, for objects that are some other object's parent.
fn count_children(plan: &Plan, index: usize, source: &mut dyn Source) -> Result<HashMap<IdKey, u64>, DriverError> {
    let mut counts = HashMap::new();
    for child in plan.objects.iter().filter(|o| o.parent.is_some_and(|(p, _)| p == index)) {
        let (_, slot) = child.parent.expect("filtered on parent");
        let link = vec![child.fields[slot as usize].clone()];
        let mut cursor = None;
        loop {
            let batch = source.read(&child.source, &link, cursor.as_ref(), PAGE * 4)?;
            for record in &batch.records {
                if let Some(key) = record.values.first().and_then(IdKey::of) {
                    *counts.entry(key).or_insert(0) += 1;
                }
            }
            match batch.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    Ok(counts)
}
