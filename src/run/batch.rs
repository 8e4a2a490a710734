//! Mapping a batch of records: prefetch the relations the plan follows, then map each record.

use std::collections::BTreeSet;

use crate::drivers::{DriverError, Record, Source};
use crate::plan::{IdSource, Plan, PlanObject};
use crate::run::interpreter::{Context, IdKey, LookupCache, Mapped, map_record};
use crate::run::value::Value;

/// Read the related records a batch needs into the cache, one batched read per lookup.
pub fn prefetch(
    plan: &Plan,
    object: &PlanObject,
    records: &[Record],
    source: &mut dyn Source,
    cache: &mut LookupCache,
) -> Result<(), DriverError> {
    for step in &object.prefetch {
        let into = step.into as usize;
        let mut wanted: BTreeSet<IdKey> = BTreeSet::new();
        let mut add = |value: &Value| match value {
            Value::List(items) => items.iter().filter_map(IdKey::of).for_each(|k| {
                wanted.insert(k);
            }),
            other => {
                if let Some(key) = IdKey::of(other) {
                    wanted.insert(key);
                }
            }
        };
        match step.from {
            IdSource::Record(slot) => records.iter().filter_map(|r| r.values.get(slot as usize)).for_each(&mut add),
            IdSource::Lookup { lookup, slot } => cache.records[lookup as usize]
                .values()
                .filter_map(|values| values.get(slot as usize))
                .for_each(&mut add),
        }
        wanted.retain(|key| !cache.records[into].contains_key(key));
        if wanted.is_empty() {
            continue;
        }
        let ids: Vec<Value> = wanted
            .into_iter()
            .map(|key| match key {
                IdKey::Int(n) => Value::Int(n),
                IdKey::Text(t) => Value::Text(t),
            })
            .collect();
        let lookup = &plan.lookups[into];
        for record in source.read_by_ids(&lookup.object, &lookup.fields, &ids)? {
            if let Some(key) = IdKey::of(&record.id) {
                cache.records[into].insert(key, record.values.into());
            }
        }
    }
    Ok(())
}

/// Map every record of a batch (after `prefetch`).
pub fn map_batch(plan: &Plan, object: &PlanObject, records: &[Record], cache: &LookupCache) -> Vec<Mapped> {
    let context = Context { plan, cache };
    records.iter().map(|record| map_record(object, &record.values, &context)).collect()
}
