//! Schema locks written as reviewable YAML (`cutover discover`).
//!
//! Simple fields go on one line in flow style, fields with values get a block; objects and
//! fields are sorted (the lock's maps are ordered), so rediscovering unchanged data gives the
//! same file and a changed schema gives a small diff.

use std::fmt::Write as _;

use crate::check::schema::{EnumValue, FieldSchema, SchemaLock};
use crate::report::yaml::scalar_text;

/// The lock as YAML, with `header` as a comment on top.
pub fn lock_to_yaml(lock: &SchemaLock, header: &str) -> String {
    let mut out = String::new();
    for line in header.lines() {
        let _ = writeln!(out, "# {line}");
    }
    let _ = writeln!(out, "lock: {}", lock.lock);
    let _ = writeln!(out, "system: {}", scalar_text(&lock.system));
    if let Some(version) = &lock.version {
        let _ = writeln!(out, "version: {}", quoted(version));
    }
    out.push_str("objects:\n");
    for (name, object) in &lock.objects {
        let _ = writeln!(out, "  {}:", scalar_text(name));
        if let Some(label) = &object.label {
            let _ = writeln!(out, "    label: {}", scalar_text(label));
        }
        if let Some(count) = object.count {
            let _ = writeln!(out, "    count: {count}");
        }
        if !object.creatable {
            out.push_str("    creatable: false\n");
        }
        if let Some(types) = &object.custom_attributes {
            let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
            let _ = writeln!(out, "    custom_attributes: [{}]", names.join(", "));
        }
        out.push_str("    fields:\n");
        for (field_name, field) in &object.fields {
            write_field(&mut out, field_name, field);
        }
    }
    out
}

fn write_field(out: &mut String, name: &str, field: &FieldSchema) {
    let mut parts = vec![format!("type: {}", field.field_type.as_str())];
    if let Some(label) = &field.label {
        parts.push(format!("label: {}", quoted(label)));
    }
    if field.required {
        parts.push("required: true".to_owned());
    }
    if field.many {
        parts.push("many: true".to_owned());
    }
    if let Some(target) = &field.target {
        parts.push(format!("target: {}", scalar_text(target)));
    }
    if field.custom {
        parts.push("custom: true".to_owned());
    }
    if let Some(n) = field.max_length {
        parts.push(format!("max_length: {n}"));
    }
    if let Some(n) = field.max_items {
        parts.push(format!("max_items: {n}"));
    }
    if let Some(note) = &field.note {
        parts.push(format!("note: {}", quoted(note)));
    }
    if field.values.is_empty() {
        let _ = writeln!(out, "      {}: {{ {} }}", scalar_text(name), parts.join(", "));
        return;
    }
    let _ = writeln!(out, "      {}:", scalar_text(name));
    for part in parts {
        let _ = writeln!(out, "        {part}");
    }
    out.push_str("        values:\n");
    for value in &field.values {
        let _ = writeln!(out, "          - {}", enum_value(value));
    }
}

fn enum_value(value: &EnumValue) -> String {
    let mut parts = vec![format!("value: {}", quoted(&value.value))];
    if let Some(label) = &value.label {
        parts.push(format!("label: {}", quoted(label)));
    }
    if let Some(count) = value.count {
        parts.push(format!("count: {count}"));
    }
    format!("{{ {} }}", parts.join(", "))
}

/// Always double-quoted (JSON escapes are valid YAML double-quoted escapes).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    #[test]
    fn a_written_lock_reads_back_the_same() {
        let mut sources = SourceMap::new();
        let model = crate::check::locks::intercom_model(&mut sources);
        let text = lock_to_yaml(&model, "round trip");
        let id = sources.add("written.lock.yaml", None, text);
        let back: SchemaLock = crate::spec::load_source(&sources, id).expect("the written lock loads");
        assert_eq!(back, model);
    }
}
