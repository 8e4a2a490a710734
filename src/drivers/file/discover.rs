//! Inferring a schema lock from NDJSON data.
//!
//! Discovery reads each file twice, keeping little: a first pass collects every object's ids (for
//! relations), a second gathers per-field statistics (how often present and null, which JSON kinds
//! occur, how many strings look like dates, date-times or HTML, and up to 13 distinct strings with
//! their counts). Types are then decided per field:
//!
//! - **Kinds.** Only booleans: `bool`. Only numbers: `int`, or `float` if any number has a fraction
//!   or exponent. Any JSON object: `json`. Arrays: `many: true` with the item type inferred the same
//!   way (arrays mixed with other values: `json`). Strings of mixed kinds with numbers: `text`.
//! - **Strings.** All `YYYY-MM-DD`: `date`. All RFC 3339 or naive `YYYY-MM-DD HH:MM:SS`:
//!   `datetime`. More than half containing a common HTML tag (`<p>`, `<br>`, `<div>`, …): `html`. At
//!   most 12 distinct values over at least 20 values: `enum`, with each value and its count, sorted
//!   by value. Otherwise `text`.
//! - **Required.** Present and non-null in every record.
//! - **Relations.** A field named `<stem>_id` or `<stem>_ids` whose values (or items) are whole
//!   numbers or strings becomes `type: relation` when at least 90% of its values are ids of one
//!   object. When several objects qualify, the one whose name matches the stem wins: the name is
//!   `<stem>` or ends with `.<stem>`, allowing a plural (`user_id` → `res.users`) and counting `_`
//!   and `.` alike (`ticket_type_id` → `helpdesk.ticket.type`). The object itself is a candidate,
//!   for `parent_id`.
//!
//! The relation heuristic has limits worth knowing when reviewing a discovered lock. Whole-number
//! ids overlap between objects (every table has a record 1), so values alone rarely single out a
//! target: a field is only linked when exactly one candidate remains, and when several remain the
//! field stays `int` with a note listing them. Conversely a number field that merely happens to
//! be named `*_id` (an external reference) is linked if its values fall inside exactly one
//! object's ids. Fields not named `*_id`/`*_ids` (Odoo's `message_partner_ids` is fine, TOPdesk's
//! `caller` is not) are never linked. Binary fields are not recognised: base64 reads as `text`.
//! Discovery describes the data it sees, so a field that is empty today is `text` with a note.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::{LineReader, RecordId, list_objects};
use crate::check::schema::{EnumValue, FieldSchema, FieldType, LOCK_VERSION, ObjectSchema, SchemaLock};
use crate::drivers::DriverError;
use crate::drivers::records::{date_from_text, timestamp_from_text};

/// An enum has at most this many distinct values…
const ENUM_MAX_VALUES: usize = 12;
/// …over at least this many values.
const ENUM_MIN_VALUES: u64 = 20;
/// A relation's values are ids of its target at least this often, in percent.
const RELATION_MIN_PERCENT: u64 = 90;

/// Tags that make a string look like HTML.
const HTML_TAGS: &[&str] = &[
    "a",
    "b",
    "blockquote",
    "body",
    "br",
    "code",
    "div",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "html",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "table",
    "td",
    "th",
    "tr",
    "u",
    "ul",
];

/// Infer a lock (`system: file`) from the `*.ndjson` files in `dir`.
pub fn discover(dir: &Path) -> Result<SchemaLock, DriverError> {
    discover_objects(&list_objects(dir)?)
}

/// Infer a lock from these object files.
pub(super) fn discover_objects(objects: &BTreeMap<String, PathBuf>) -> Result<SchemaLock, DriverError> {
    let ids = objects.values().map(|path| collect_ids(path)).collect::<Result<Vec<_>, _>>()?;
    let names: Vec<&str> = objects.keys().map(String::as_str).collect();
    let mut lock =
        SchemaLock { lock: LOCK_VERSION, system: "file".to_owned(), version: None, objects: BTreeMap::new() };
    for (name, path) in objects {
        let stats = ObjectStats::gather(path, &ids)?;
        lock.objects.insert(name.clone(), stats.infer(&names));
    }
    Ok(lock)
}

/// The ids of one object.
#[derive(Debug, Default)]
struct IdSet {
    ints: HashSet<i64>,
    texts: HashSet<Box<str>>,
}

impl IdSet {
    fn contains(&self, json: &Json) -> bool {
        match json {
            Json::Number(number) => number.as_i64().is_some_and(|n| self.ints.contains(&n)),
            Json::String(text) => self.texts.contains(text.as_str()),
            _ => false,
        }
    }
}

fn collect_ids(path: &Path) -> Result<IdSet, DriverError> {
    let mut ids = IdSet::default();
    let mut reader = LineReader::open(path, 0)?;
    let mut previous = None;
    while let Some(line) = reader.next_line()? {
        let id = reader.parse_id(&line)?;
        reader.check_order(&line, previous.as_ref(), &id)?;
        match &id {
            RecordId::Int(n) => ids.ints.insert(*n),
            RecordId::Text(text) => ids.texts.insert(text.clone()),
        };
        previous = Some(id);
    }
    Ok(ids)
}

/// What one pass over an object's file saw.
#[derive(Debug, Default)]
struct ObjectStats {
    records: u64,
    fields: BTreeMap<String, FieldStats>,
}

/// What was seen of one field.
#[derive(Debug, Default)]
struct FieldStats {
    /// Records with the key.
    present: u64,
    /// Records with the key set to null.
    nulls: u64,
    /// The non-null values.
    values: ValueStats,
    /// The items of array values.
    items: ValueStats,
    /// For `*_id`/`*_ids` fields: how many of the values are ids of each object.
    references: Option<References>,
}

/// Kinds and string shapes of a set of values.
#[derive(Debug, Default)]
struct ValueStats {
    bools: u64,
    ints: u64,
    floats: u64,
    strings: u64,
    arrays: u64,
    objects: u64,
    dates: u64,
    datetimes: u64,
    html: u64,
    /// Distinct strings and their counts, until there are more than an enum may have.
    distinct: BTreeMap<String, u64>,
    too_many: bool,
}

/// Id-like values of a field and, per object (in name order), how many of them are its ids.
#[derive(Debug)]
struct References {
    stem: String,
    values: u64,
    hits: Vec<u64>,
}

impl ObjectStats {
    fn gather(path: &Path, ids: &[IdSet]) -> Result<ObjectStats, DriverError> {
        let mut stats = ObjectStats::default();
        let mut reader = LineReader::open(path, 0)?;
        while let Some(line) = reader.next_line()? {
            let (_, record) = reader.parse_record(&line)?;
            stats.records += 1;
            for (name, value) in &record {
                let field = stats.fields.entry(name.clone()).or_insert_with(|| FieldStats::new(name, ids.len()));
                field.observe(value, ids);
            }
        }
        Ok(stats)
    }

    fn infer(&self, names: &[&str]) -> ObjectSchema {
        let fields = self.fields.iter().map(|(name, stats)| (name.clone(), stats.infer(self.records, names))).collect();
        ObjectSchema { count: Some(self.records), fields, ..ObjectSchema::default() }
    }
}

impl FieldStats {
    fn new(name: &str, objects: usize) -> FieldStats {
        let stem = name.strip_suffix("_ids").or_else(|| name.strip_suffix("_id")).filter(|stem| !stem.is_empty());
        let references = stem.map(|stem| References { stem: stem.to_owned(), values: 0, hits: vec![0; objects] });
        FieldStats { references, ..FieldStats::default() }
    }

    fn observe(&mut self, value: &Json, ids: &[IdSet]) {
        self.present += 1;
        match value {
            Json::Null => self.nulls += 1,
            Json::Array(items) => {
                self.values.observe(value);
                for item in items {
                    self.items.observe(item);
                    if let Some(references) = &mut self.references {
                        references.observe(item, ids);
                    }
                }
            }
            _ => {
                self.values.observe(value);
                if let Some(references) = &mut self.references {
                    references.observe(value, ids);
                }
            }
        }
    }

    fn infer(&self, records: u64, names: &[&str]) -> FieldSchema {
        let mut field = FieldSchema {
            required: records > 0 && self.present == records && self.nulls == 0,
            ..FieldSchema::default()
        };
        let values = if self.values.arrays > 0 && self.values.arrays == self.values.count() {
            field.many = true;
            &self.items
        } else {
            &self.values
        };
        let (field_type, enum_values, note) = values.infer();
        (field.field_type, field.values, field.note) = (field_type, enum_values, note);
        let id_like = matches!(field.field_type, FieldType::Int | FieldType::Text | FieldType::Enum);
        if let Some(references) = &self.references
            && id_like
        {
            match references.target(names) {
                Ok(Some(target)) => {
                    field.field_type = FieldType::Relation;
                    field.target = Some(target.to_owned());
                    field.values.clear();
                    field.note = None;
                }
                Ok(None) => {}
                Err(note) => field.note = Some(note),
            }
        }
        field
    }
}

impl ValueStats {
    fn observe(&mut self, value: &Json) {
        match value {
            Json::Null => {}
            Json::Bool(_) => self.bools += 1,
            Json::Number(number) if number.is_i64() => self.ints += 1,
            Json::Number(_) => self.floats += 1,
            Json::Array(_) => self.arrays += 1,
            Json::Object(_) => self.objects += 1,
            Json::String(text) => {
                self.strings += 1;
                if date_from_text(text).is_some() {
                    self.dates += 1;
                } else if timestamp_from_text(text).is_some() {
                    self.datetimes += 1;
                }
                if looks_like_html(text) {
                    self.html += 1;
                }
                if !self.too_many {
                    *self.distinct.entry(text.clone()).or_default() += 1;
                    if self.distinct.len() > ENUM_MAX_VALUES {
                        self.too_many = true;
                        self.distinct = BTreeMap::new();
                    }
                }
            }
        }
    }

    /// Non-null values seen.
    fn count(&self) -> u64 {
        self.bools + self.ints + self.floats + self.strings + self.arrays + self.objects
    }

    /// The type, enum values and a note for a reviewer.
    fn infer(&self) -> (FieldType, Vec<EnumValue>, Option<String>) {
        let count = self.count();
        let numbers = self.ints + self.floats;
        let plain = |field_type| (field_type, Vec::new(), None);
        if count == 0 {
            (FieldType::Text, Vec::new(), Some("no values to infer a type from".to_owned()))
        } else if self.arrays > 0 || self.objects > 0 {
            plain(FieldType::Json)
        } else if self.bools == count {
            plain(FieldType::Bool)
        } else if numbers == count {
            plain(if self.floats > 0 { FieldType::Float } else { FieldType::Int })
        } else if self.strings < count {
            (FieldType::Text, Vec::new(), Some("values of mixed kinds, read as text".to_owned()))
        } else if self.dates == count {
            plain(FieldType::Date)
        } else if self.datetimes == count {
            plain(FieldType::Datetime)
        } else if self.html * 2 > count {
            plain(FieldType::Html)
        } else if !self.too_many && count >= ENUM_MIN_VALUES {
            let values = self
                .distinct
                .iter()
                .map(|(value, count)| EnumValue { value: value.clone(), label: None, count: Some(*count) })
                .collect();
            (FieldType::Enum, values, None)
        } else {
            plain(FieldType::Text)
        }
    }
}

impl References {
    fn observe(&mut self, value: &Json, ids: &[IdSet]) {
        if !(value.is_i64() || value.is_string()) {
            return;
        }
        self.values += 1;
        for (hits, ids) in self.hits.iter_mut().zip(ids) {
            if ids.contains(value) {
                *hits += 1;
            }
        }
    }

    /// The object the values point to; `Err` with a note when several objects fit equally well.
    fn target<'a>(&self, names: &[&'a str]) -> Result<Option<&'a str>, String> {
        if self.values == 0 {
            return Ok(None);
        }
        let candidates: Vec<&str> = (self.hits.iter().zip(names))
            .filter(|(hits, _)| **hits * 100 >= self.values * RELATION_MIN_PERCENT)
            .map(|(_, name)| *name)
            .collect();
        if let [only] = candidates[..] {
            return Ok(Some(only));
        }
        let named: Vec<&str> = candidates.iter().copied().filter(|name| names_stem(name, &self.stem)).collect();
        match named[..] {
            [only] => Ok(Some(only)),
            _ if candidates.is_empty() => Ok(None),
            _ => Err(format!(
                "values are ids of several objects ({}); to link it, set `type: relation` and `target`",
                candidates.join(", ")
            )),
        }
    }
}

/// Whether an object's name is `stem` or ends with `.stem`, plural allowed, `_` and `.` alike.
fn names_stem(object: &str, stem: &str) -> bool {
    let object = object.replace('.', "_");
    let stem = stem.replace('.', "_");
    [stem.clone(), format!("{stem}s"), format!("{stem}es")]
        .iter()
        .any(|form| object == *form || object.strip_suffix(form.as_str()).is_some_and(|rest| rest.ends_with('_')))
}

/// Whether the text contains a common HTML tag (`<p>`, `</div>`, `<br/>`, `<a href=…>`).
fn looks_like_html(text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let name_start = rest.strip_prefix('/').unwrap_or(rest);
        let end = name_start.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(name_start.len());
        let (name, after) = name_start.split_at(end);
        let closed = after.starts_with(['>', '/', ' ', '\t', '\r', '\n']);
        if closed && HTML_TAGS.iter().any(|tag| tag.eq_ignore_ascii_case(name)) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_recognised_by_common_tags() {
        assert!(looks_like_html("<p>Hello</p>"));
        assert!(looks_like_html("line<br/>line"));
        assert!(looks_like_html("x <DIV class=\"a\">y"));
        assert!(looks_like_html("</li>"));
        assert!(!looks_like_html("a < b and c > d"));
        assert!(!looks_like_html("<paragraph>"));
        assert!(!looks_like_html("Re: <no subject>"));
        assert!(!looks_like_html("trailing <"));
    }

    #[test]
    fn object_names_match_stems() {
        assert!(names_stem("helpdesk.stage", "stage"));
        assert!(names_stem("res.users", "user"));
        assert!(names_stem("helpdesk.ticket.type", "ticket_type"));
        assert!(names_stem("ticket", "ticket"));
        assert!(names_stem("res.partner", "partner"));
        assert!(!names_stem("res.partner", "part"));
        assert!(!names_stem("helpdesk.substage", "stage"));
    }

    #[test]
    fn enums_need_enough_values_and_few_distinct_ones() {
        let mut stats = ValueStats::default();
        for i in 0..19 {
            stats.observe(&Json::from(["new", "open", "done"][i % 3]));
        }
        assert_eq!(stats.infer().0, FieldType::Text);
        stats.observe(&Json::from("new"));
        let (field_type, values, _) = stats.infer();
        assert_eq!(field_type, FieldType::Enum);
        let shown: Vec<String> = values.iter().map(|v| format!("{}={}", v.value, v.count.unwrap())).collect();
        assert_eq!(shown, ["done=6", "new=8", "open=6"]);
        for i in 0..13 {
            stats.observe(&Json::from(format!("v{i}")));
        }
        assert_eq!(stats.infer().0, FieldType::Text);
    }
}
