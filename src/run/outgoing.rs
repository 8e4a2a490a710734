//! From a mapped record to an [`Outgoing`] one: `ref(...)` values resolved against the ledger,
//! JSON values, and the checksum that tells a changed record from an unchanged one.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};

use crate::drivers::{Outgoing, value_to_json};
use crate::run::interpreter::IdKey;
use crate::run::value::Value;
use crate::state::{RecordRow, Status};

/// A referenced record: `(spec object, source id as text)`.
pub type RefKey = (Arc<str>, String);

/// A source id as the ledger keeps it: decimal for numbers, the text itself otherwise.
pub fn id_text(value: &Value) -> Option<String> {
    match IdKey::of(value)? {
        IdKey::Int(n) => Some(n.to_string()),
        IdKey::Text(text) => Some(text.to_string()),
    }
}

/// Every reference in the fields, added to `into`.
pub fn collect_refs(fields: &[(String, Value)], into: &mut HashSet<RefKey>) {
    fn walk(value: &Value, into: &mut HashSet<RefKey>) {
        match value {
            Value::Ref(reference) => {
                if let Some(key) = id_text(&reference.key) {
                    into.insert((reference.object.clone(), key));
                }
            }
            Value::List(items) => items.iter().for_each(|item| walk(item, into)),
            _ => {}
        }
    }
    fields.iter().for_each(|(_, value)| walk(value, into));
}

/// Why a record cannot be written yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// A referenced record is not in the destination yet but may be on a later run (an agent to
    /// invite, a contact that failed): the record waits in the reconciliation queue.
    Waiting(String),
    /// A referenced record will not migrate as the spec stands (flagged, skipped, missing in the
    /// source): the record fails with this reason.
    Broken(String),
}

/// Resolve the references in `fields` with the ledger rows of the referenced records (`rows`,
/// `None` for records the ledger has never seen) and turn every value into JSON; nulls are left
/// out.
pub fn resolve(
    kind: &str,
    fields: &[(String, Value)],
    parent: Option<String>,
    rows: &HashMap<RefKey, RecordRow>,
) -> Result<Outgoing, Blocked> {
    let mut out = Map::new();
    for (field, value) in fields {
        let json = to_json(field, value, rows)?;
        if !json.is_null() {
            out.insert(field.clone(), json);
        }
    }
    Ok(Outgoing { kind: kind.to_owned(), fields: out, parent })
}

fn to_json(field: &str, value: &Value, rows: &HashMap<RefKey, RecordRow>) -> Result<Json, Blocked> {
    match value {
        Value::Ref(reference) => {
            let Some(key) = id_text(&reference.key) else { return Ok(Json::Null) };
            let object = &reference.object;
            match rows.get(&(object.clone(), key.clone())) {
                Some(row) if row.in_destination() => {
                    Ok(serde_json::json!({ "kind": row.kind, "id": row.dest_id.as_deref().unwrap_or_default() }))
                }
                Some(row) => Err(blocked_by(field, object, &key, row)),
                None => Err(Blocked::Waiting(format!(
                    "`{field}` refers to {object} {key}, which has not been migrated (run `{object}` first, or check \
                     that the source record exists)"
                ))),
            }
        }
        Value::List(items) => {
            let items = items.iter().map(|item| to_json(field, item, rows)).collect::<Result<Vec<_>, _>>()?;
            Ok(Json::Array(items.into_iter().filter(|item| !item.is_null()).collect()))
        }
        other => Ok(value_to_json(other)),
    }
}

fn blocked_by(field: &str, object: &str, key: &str, row: &RecordRow) -> Blocked {
    let why = row.reason.as_deref().unwrap_or("no reason recorded");
    let what = format!("`{field}` refers to {object} {key}, which");
    match row.status {
        Status::Queued => Blocked::Waiting(format!("{what} waits in the reconciliation queue: {why}")),
        Status::Failed => Blocked::Waiting(format!("{what} failed: {why}")),
        Status::Intent | Status::Written => Blocked::Waiting(format!("{what} is not finished yet")),
        Status::Flagged => Blocked::Broken(format!("{what} was flagged: {why}")),
        Status::Skipped => Blocked::Broken(format!("{what} was skipped: {why}")),
        Status::RolledBack => Blocked::Waiting(format!("{what} was rolled back")),
        Status::Done => Blocked::Waiting(format!("{what} has no destination id")),
    }
}

/// SHA-256 of the outgoing record (kind, parent and fields), hex.
pub fn checksum(record: &Outgoing) -> String {
    let mut hasher = Sha256::new();
    hasher.update(record.kind.as_bytes());
    hasher.update([0]);
    hasher.update(record.parent.as_deref().unwrap_or_default().as_bytes());
    hasher.update([0]);
    let mut fields: Vec<(&String, &Json)> = record.fields.iter().collect();
    fields.sort_by(|a, b| a.0.cmp(b.0));
    for (name, value) in fields {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(value.to_string().as_bytes());
        hasher.update([0]);
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The outgoing record as stored in the ledger while its create is unsettled.
pub fn to_payload(record: &Outgoing) -> String {
    serde_json::json!({ "kind": record.kind, "parent": record.parent, "fields": record.fields }).to_string()
}

/// The outgoing record back from a ledger payload.
pub fn from_payload(payload: &str) -> Option<Outgoing> {
    let json: Json = serde_json::from_str(payload).ok()?;
    Some(Outgoing {
        kind: json.get("kind")?.as_str()?.to_owned(),
        fields: json.get("fields")?.as_object()?.clone(),
        parent: json.get("parent").and_then(Json::as_str).map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: Status, dest: Option<&str>) -> RecordRow {
        let mut row = RecordRow::new("contact", "19", "contact", 1, 1);
        row.status = status;
        row.dest_id = dest.map(str::to_owned);
        row.reason = Some("partner has no usable email address".into());
        row
    }

    fn reference(key: i64) -> Value {
        Value::Ref(Arc::new(crate::run::value::Reference { object: "contact".into(), key: Value::Int(key) }))
    }

    #[test]
    fn references_resolve_to_destination_ids_or_say_why_not() {
        let fields = vec![("from".to_owned(), reference(19)), ("title".to_owned(), Value::text("Hi"))];
        let key: RefKey = ("contact".into(), "19".into());
        let done = HashMap::from([(key.clone(), row(Status::Done, Some("c-1")))]);
        let out = resolve("conversation", &fields, None, &done).unwrap();
        assert_eq!(out.fields["from"], serde_json::json!({"kind": "contact", "id": "c-1"}));

        let flagged = HashMap::from([(key.clone(), row(Status::Flagged, None))]);
        let Err(Blocked::Broken(why)) = resolve("conversation", &fields, None, &flagged) else { panic!() };
        assert!(why.contains("contact 19, which was flagged: partner has no usable email address"), "{why}");

        let queued = HashMap::from([(key, row(Status::Queued, None))]);
        assert!(matches!(resolve("conversation", &fields, None, &queued), Err(Blocked::Waiting(_))));
        assert!(matches!(resolve("conversation", &fields, None, &HashMap::new()), Err(Blocked::Waiting(_))));
    }

    #[test]
    fn the_checksum_ignores_field_order_and_sees_every_change() {
        let mut a = Outgoing { kind: "contact".into(), fields: Map::new(), parent: None };
        a.fields.insert("name".into(), "Greta".into());
        a.fields.insert("email".into(), "g@example.net".into());
        let mut b = Outgoing { kind: "contact".into(), fields: Map::new(), parent: None };
        b.fields.insert("email".into(), "g@example.net".into());
        b.fields.insert("name".into(), "Greta".into());
        assert_eq!(checksum(&a), checksum(&b));
        b.fields.insert("name".into(), "Greta S.".into());
        assert_ne!(checksum(&a), checksum(&b));
        assert_eq!(from_payload(&to_payload(&a)), Some(a));
    }
}
