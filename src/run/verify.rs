//! `verify`: read migrated records back from the destination and compare them field by field
//! with what the spec produces from the source now.
//!
//! The sample is seeded and stratified: the same seed picks the same records, and every object
//! with migrated records gets its share (at least one record each). Records known to differ —
//! edited by a person in the destination, stale parts, deleted in the source — are not sampled;
//! the reconciliation report lists them.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::drivers::{Destination, Mismatch, WriteError};
use crate::generate::rng::Rng;
use crate::plan::Plan;
use crate::run::attachments::{self, Attachment};
use crate::run::interpreter::Mapped;
use crate::run::interpreter::map_record;
use crate::run::outgoing::{RefKey, collect_refs, id_text, resolve};
use crate::run::runner::{Reader, RunError};
use crate::state::{Action, Ledger, Origin, RecordRow, Status};

/// What `verify` found.
#[derive(Clone, Debug, Default)]
pub struct Verification {
    /// Records compared, per object.
    pub checked: BTreeMap<String, usize>,
    /// Records with at least one differing field: (object, source id, destination id, fields).
    pub mismatched: Vec<(String, String, String, Vec<Mismatch>)>,
    /// Sampled records that could not be compared, with the reason (gone from the source, no
    /// longer mapping).
    pub uncomparable: Vec<(String, String, String)>,
    /// Sampled notes whose custom attributes (their contact's) were not compared because a
    /// later note of the same contact set them since: (object, source id, the later source id).
    pub superseded: Vec<(String, String, String)>,
}

impl Verification {
    /// Whether every compared field matched. Records that could not be compared (gone from the
    /// source, beyond the 500 parts Intercom returns) are listed but are not mismatches.
    pub fn passed(&self) -> bool {
        self.mismatched.is_empty()
    }

    /// Every mismatch with both values, then a summary line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (object, source_id, dest_id, mismatches) in &self.mismatched {
            out.push_str(&format!("{object} {source_id} → {dest_id}:\n"));
            for mismatch in mismatches {
                out.push_str(&format!(
                    "  {}: expected {} but the destination has {}\n",
                    mismatch.field, mismatch.expected, mismatch.actual
                ));
            }
        }
        for (object, source_id, reason) in &self.uncomparable {
            out.push_str(&format!("{object} {source_id}: not compared: {reason}\n"));
        }
        for (object, source_id, later) in &self.superseded {
            out.push_str(&format!(
                "{object} {source_id}: body compared; its contact's attributes are not, the later {object} {later} \
                 of the same contact set them\n"
            ));
        }
        let checked: usize = self.checked.values().sum();
        let per_object: Vec<String> = self.checked.iter().map(|(o, n)| format!("{o} {n}")).collect();
        out.push_str(&format!(
            "{checked} records compared ({}): {} with mismatches, {} not comparable\n",
            per_object.join(", "),
            self.mismatched.len(),
            self.uncomparable.len()
        ));
        out
    }
}

/// Compare a seeded, stratified sample of `size` migrated records.
pub async fn verify<D: Destination>(
    plan: &Plan,
    reader: &Reader<'_>,
    destination: &D,
    ledger: &Ledger,
    size: usize,
    seed: u64,
) -> Result<Verification, RunError> {
    let mut candidates: BTreeMap<String, Vec<RecordRow>> = BTreeMap::new();
    for row in ledger.all().await? {
        let comparable = row.status == Status::Done
            && row.dest_id.is_some()
            && row.origin == Some(Origin::Created)
            && !matches!(row.action, Some(Action::Edited | Action::Stale | Action::DeletedInSource));
        if comparable {
            candidates.entry(row.object.clone()).or_default().push(row);
        }
    }
    let picked = stratified(candidates, size, seed);
    let mut result = Verification::default();
    for (object_name, rows) in picked {
        let Some((index, object)) = plan.object(&object_name) else { continue };
        let latest = if object.destination == "note" && object.parent.is_some() {
            latest_of_parents(ledger, &object_name).await?
        } else {
            HashMap::new()
        };
        let ids: Vec<String> = rows.iter().map(|r| r.source_id.clone()).collect();
        let mut mapped: HashMap<String, Mapped> = HashMap::new();
        let mut files: HashMap<String, Vec<Attachment>> = HashMap::new();
        let parents: Vec<String> = rows
            .iter()
            .filter_map(|r| r.parent_source_id.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        reader.by_ids_under(index, &ids, &parents, |record, context| {
            if let Some(id) = id_text(&record.id) {
                if let Some(block) = &object.attachments {
                    files.insert(id.clone(), attachments::collect(block, &record.values, context));
                }
                mapped.insert(id, map_record(object, &record.values, context));
            }
        })?;
        // Files refused once their content was read went without their part.
        let refused: HashSet<String> = if object.attachments.is_some() {
            let file_ids: Vec<String> = files.values().flatten().map(|a| a.id.clone()).collect();
            ledger
                .get_many(&attachments::object_name(&object_name), &file_ids)
                .await?
                .into_iter()
                .filter(|(_, row)| row.status == Status::Flagged)
                .map(|(id, _)| id)
                .collect()
        } else {
            HashSet::new()
        };
        let mut wanted = std::collections::HashSet::new();
        for fields in mapped.values().filter_map(|m| if let Mapped::Record(f) = m { Some(f) } else { None }) {
            collect_refs(fields, &mut wanted);
        }
        let mut referenced: HashMap<RefKey, RecordRow> = HashMap::new();
        let mut by_object: BTreeMap<std::sync::Arc<str>, Vec<String>> = BTreeMap::new();
        for (object, key) in wanted {
            by_object.entry(object).or_default().push(key);
        }
        for (object, keys) in by_object {
            for (key, row) in ledger.get_many(&object, &keys).await? {
                referenced.insert((object.clone(), key), row);
            }
        }
        for row in rows {
            *result.checked.entry(object_name.clone()).or_default() += 1;
            let dest_id = row.dest_id.clone().unwrap_or_default();
            let fields = match mapped.get(&row.source_id) {
                Some(Mapped::Record(fields)) => fields,
                Some(other) => {
                    let why = match other {
                        Mapped::Skipped => "the spec now leaves it out (`where:`)".to_owned(),
                        Mapped::Flagged(reason) => format!("the spec now flags it: {reason}"),
                        Mapped::Failed { field, error } => format!("mapping `{field}` fails now: {}", error.message),
                        Mapped::Record(_) => unreachable!("handled above"),
                    };
                    result.uncomparable.push((object_name.clone(), row.source_id.clone(), why));
                    continue;
                }
                None => {
                    let why = "no longer in the source".to_owned();
                    result.uncomparable.push((object_name.clone(), row.source_id.clone(), why));
                    continue;
                }
            };
            let mut record = match resolve(&object.destination, fields, row.parent_dest_id.clone(), &referenced) {
                Ok(mut record) => {
                    // A note's attributes are its contact's: only the contact's latest note's stay.
                    if let Some(later) = row.parent_dest_id.as_ref().and_then(|parent| latest.get(parent))
                        && *later != row.source_id
                        && record.fields.keys().any(|field| field.starts_with("custom_attributes."))
                    {
                        record.fields.retain(|field, _| !field.starts_with("custom_attributes."));
                        result.superseded.push((object_name.clone(), row.source_id.clone(), later.clone()));
                    }
                    record
                }
                Err(blocked) => {
                    let why = format!("{blocked:?}");
                    result.uncomparable.push((object_name.clone(), row.source_id.clone(), why));
                    continue;
                }
            };
            if object.attachments.is_some() {
                let sent: Vec<Attachment> = files
                    .get(&row.source_id)
                    .into_iter()
                    .flatten()
                    .filter(|a| !refused.contains(&a.id))
                    .cloned()
                    .collect();
                record.fields.insert("attachments".to_owned(), attachments::references(&sent));
            }
            let mismatches = match destination.verify(&dest_id, &record).await {
                Ok(mismatches) => mismatches,
                Err(WriteError::Fatal(message)) => {
                    return Err(RunError {
                        message: format!("reading {object_name} {} back: {message}", row.source_id),
                    });
                }
                Err(error) => {
                    let why = format!("could not be read back ({dest_id}): {error}");
                    result.uncomparable.push((object_name.clone(), row.source_id.clone(), why));
                    continue;
                }
            };
            if !mismatches.is_empty() {
                result.mismatched.push((object_name.clone(), row.source_id.clone(), dest_id, mismatches));
            }
        }
    }
    Ok(result)
}

/// Per parent destination record, the child of `object` written last (the ledger's write order),
/// among those in the destination: the one whose values the parent keeps. By destination id, so
/// the notes of partners merged into one contact count together.
async fn latest_of_parents(ledger: &Ledger, object: &str) -> Result<HashMap<String, String>, RunError> {
    let mut latest: HashMap<String, (i64, String)> = HashMap::new();
    for row in ledger.of_object(object).await? {
        let Some(parent) = row.parent_dest_id.clone() else { continue };
        if !row.in_destination() {
            continue;
        }
        let entry = latest.entry(parent).or_insert((row.seq, row.source_id.clone()));
        if row.seq > entry.0 {
            *entry = (row.seq, row.source_id.clone());
        }
    }
    Ok(latest.into_iter().map(|(parent, (_, id))| (parent, id)).collect())
}

/// Up to `size` rows spread over the objects (at least one per object with rows), each object's
/// share drawn with a seeded shuffle.
fn stratified(
    candidates: BTreeMap<String, Vec<RecordRow>>,
    size: usize,
    seed: u64,
) -> BTreeMap<String, Vec<RecordRow>> {
    let objects = candidates.len().max(1);
    let share = size.div_ceil(objects).max(1);
    let mut rng = Rng::new(seed);
    candidates
        .into_iter()
        .map(|(object, mut rows)| {
            for i in (1..rows.len()).rev() {
                let j = rng.index(i + 1);
                rows.swap(i, j);
            }
            rows.truncate(share);
            (object, rows)
        })
        .collect()
}
