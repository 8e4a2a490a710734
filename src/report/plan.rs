//! The plan as people and tools read it: phases, preflight checklist, predicted losses and the
//! request estimate, as text, Markdown, JSON and a Mermaid graph.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use crate::check::Schemas;
use crate::plan::estimate::{duration_seconds, requests_per_record};
use crate::plan::object_types::{ObjectTypeNeed, describe, object_types_needed};
use crate::plan::{Op, Plan};
use crate::spec::Spec;

/// Everything `cutover plan` reports.
#[derive(Clone, Debug, Serialize)]
pub struct PlanReport {
    /// The spec's name.
    pub name: String,
    /// Phases in the order they run.
    pub phases: Vec<Phase>,
    /// Custom attributes created before any record.
    pub schema_changes: Vec<String>,
    /// What a person must do in Intercom before `run`.
    pub preflight: Vec<String>,
    /// What will not arrive as it is in the source.
    pub predicted_losses: Vec<String>,
    /// Requests in all.
    pub requests: f64,
    /// The request budget per minute used for the estimate.
    pub budget_per_minute: f64,
    /// Estimated wall time in seconds.
    pub seconds: f64,
}

/// One object's phase.
#[derive(Clone, Debug, Serialize)]
pub struct Phase {
    /// The spec object.
    pub object: String,
    /// Source object.
    pub source: String,
    /// Destination kind.
    pub destination: String,
    /// `create`, or `match` for kinds the API cannot create.
    pub action: String,
    /// Records in the source, when the lock knows.
    pub records: Option<u64>,
    /// Objects that must be done first.
    pub after: Vec<String>,
    /// Estimated requests per record.
    pub requests_per_record: f64,
    /// Estimated requests in all.
    pub requests: f64,
}

/// Build the report.
pub fn plan_report(spec: &Spec, schemas: &Schemas, plan: &Plan) -> PlanReport {
    let source = schemas.source.clone().unwrap_or_default();
    let budget = budget(spec);
    let average_tags = 1.0;
    let mut phases = Vec::new();
    for &index in &plan.order {
        let object = &plan.objects[index];
        let records = source.object(&object.source).and_then(|o| o.count);
        let per_record = if object.creatable { requests_per_record(object, average_tags) } else { 0.0 };
        let fixed = if object.creatable { 0.0 } else { 1.0 };
        let after = dependencies(plan, index).into_iter().map(|i| plan.objects[i].name.to_string()).collect();
        phases.push(Phase {
            object: object.name.to_string(),
            source: object.source.clone(),
            destination: object.destination.clone(),
            action: if object.creatable { "create".to_owned() } else { "match".to_owned() },
            records,
            after,
            requests_per_record: per_record,
            requests: fixed + per_record * records.unwrap_or(0) as f64,
        });
    }
    let schema_changes: Vec<String> = plan
        .attributes
        .iter()
        // A custom object type's attributes come with the type (see the preflight), never by API.
        .filter(|a| a.kind != "custom_object_instance")
        .map(|a| format!("{}.custom_attributes.{} ({})", a.kind, a.name, a.field_type.as_str()))
        .collect();
    let requests = phases.iter().map(|p| p.requests).sum::<f64>() + schema_changes.len() as f64;
    PlanReport {
        name: spec.name.as_ref().map_or_else(|| spec.origin.path.display().to_string(), |n| n.value.clone()),
        preflight: preflight(plan, &schema_changes, &source, &schemas.sink),
        predicted_losses: predicted_losses(plan, schemas),
        schema_changes,
        requests,
        budget_per_minute: budget,
        seconds: duration_seconds(requests, budget),
        phases,
    }
}

/// Requests per minute from `sink.rate` (`10000/min`, `166/10s`) times `share`; the API's
/// default budget when absent.
fn budget(spec: &Spec) -> f64 {
    let rate = spec.sink.rate.as_ref().and_then(|rate| {
        let (count, per) = rate.value.split_once('/')?;
        let count: f64 = count.trim().replace('_', "").parse().ok()?;
        let seconds = match per.trim() {
            "min" | "minute" | "1min" => 60.0,
            "s" | "sec" | "second" => 1.0,
            "10s" => 10.0,
            "h" | "hour" => 3600.0,
            _ => return None,
        };
        Some(count * 60.0 / seconds)
    });
    rate.unwrap_or(10_000.0) * spec.sink.share.as_ref().map_or(1.0, |s| s.value)
}

fn dependencies(plan: &Plan, index: usize) -> Vec<usize> {
    let object = &plan.objects[index];
    let mut found = BTreeSet::new();
    if let Some((parent, _)) = object.parent {
        found.insert(parent);
    }
    let ops =
        object.outputs.iter().map(|o| &o.op).chain(object.filter.iter()).chain(object.flags.iter().map(|(op, _)| op));
    for op in ops {
        refs(op, &mut |name| {
            if let Some((i, _)) = plan.object(name)
                && i != index
            {
                found.insert(i);
            }
        });
    }
    found.into_iter().collect()
}

fn refs(op: &Op, found: &mut impl FnMut(&str)) {
    match op {
        Op::Ref { object, key } => {
            found(object);
            refs(key, found);
        }
        Op::Const(_) | Op::Field(_) | Op::Path { .. } => {}
        Op::List(items) => items.iter().for_each(|i| refs(i, found)),
        Op::Table { key, .. } | Op::Unary { operand: key, .. } => refs(key, found),
        Op::Binary { lhs, rhs, .. } => {
            refs(lhs, found);
            refs(rhs, found);
        }
        Op::If { condition, then, otherwise } => [condition, then, otherwise].into_iter().for_each(|p| refs(p, found)),
        Op::Match { subject, arms } => {
            refs(subject, found);
            arms.iter().for_each(|(_, body)| refs(body, found));
        }
        Op::Call { arguments, .. } => arguments.iter().for_each(|a| refs(a, found)),
    }
}

fn preflight(
    plan: &Plan,
    schema_changes: &[String],
    source: &crate::check::SchemaLock,
    sink: &crate::check::SchemaLock,
) -> Vec<String> {
    let needs = object_types_needed(plan, &plan.order);
    let constant_types: BTreeSet<&str> =
        needs.iter().flat_map(|need| need.objects.iter().map(String::as_str)).collect();
    let mut items = object_type_items(&needs, sink);
    for object in &plan.objects {
        let count = source.object(&object.source).and_then(|o| o.count);
        let count = count.map_or_else(String::new, |n| format!(" ({n} in the source)"));
        match object.destination.as_str() {
            "admin" => items.push(format!(
                "Invite the teammates that `{}` matches{count}: admins cannot be created through the API; unmatched ones wait in the reconciliation queue with the records assigned to them",
                object.name
            )),
            "team" => items.push(format!(
                "Create the teams that `{}` matches{count} in Intercom: teams cannot be created through the API",
                object.name
            )),
            // A constant type is listed by `object_type_items`.
            "custom_object_instance" if !constant_types.contains(&*object.name) => items.push(format!(
                "Create the custom object types `{}` writes to in Intercom settings first: types cannot be created \
                 through the API, and an instance of a missing type fails",
                object.name
            )),
            _ => {}
        }
        if object.outputs.iter().any(|o| o.field == "attachments") || object.attachments.is_some() {
            items.push(
                "Check the workspace's attachment settings: file types outside the allow-list are not downloadable"
                    .to_owned(),
            );
        }
    }
    if !schema_changes.is_empty() {
        items.push(format!(
            "{} custom attribute(s) will be created first; the workspace holds at most 250 custom attributes",
            schema_changes.len()
        ));
    }
    if plan.objects.iter().any(|o| matches!(o.destination.as_str(), "conversation" | "conversation_part" | "ticket")) {
        items.push(
            "Before importing history, switch off workflows and automations that react to new conversations, \
             auto-replies and CSAT surveys, SLA policies, and assignment rules; importing while the Messenger or \
             email channel is live can message customers"
                .to_owned(),
        );
    }
    items.dedup();
    items
}

/// One checklist item per custom object type the plan writes: create it (with its attributes)
/// in Intercom settings first. When the workspace lock lists the types it holds
/// (`custom_object_instance.type` values), a type it holds only needs its attributes checked.
fn object_type_items(needs: &[ObjectTypeNeed], sink: &crate::check::SchemaLock) -> Vec<String> {
    let listed: Option<Vec<&str>> = sink
        .object("custom_object_instance")
        .and_then(|object| object.fields.get("type"))
        .filter(|field| !field.values.is_empty())
        .map(|field| field.values.iter().map(|value| value.value.as_str()).collect());
    needs
        .iter()
        .map(|need| match &listed {
            Some(listed) if listed.contains(&need.identifier.as_str()) => format!(
                "Check that the custom object type {} has these attributes in Intercom settings (the workspace \
                 lock lists the type): attributes cannot be created through the API",
                describe(need)
            ),
            _ => format!(
                "Create the custom object type {} in Intercom settings first: types and their attributes cannot be \
                 created through the API, and `run` refuses to start while it is missing",
                describe(need)
            ),
        })
        .collect()
}

fn predicted_losses(plan: &Plan, schemas: &Schemas) -> Vec<String> {
    let mut items = Vec::new();
    let Some(source) = &schemas.source else { return items };
    for object in &plan.objects {
        let Some(schema) = source.object(&object.source) else { continue };
        let read: BTreeSet<&str> = object.fields.iter().map(String::as_str).collect();
        let unread: Vec<&str> = schema.fields.keys().map(String::as_str).filter(|f| !read.contains(f)).collect();
        if !unread.is_empty() && object.creatable {
            let shown: Vec<&str> = unread.iter().copied().take(12).collect();
            let more = if unread.len() > shown.len() {
                format!(" and {} more", unread.len() - shown.len())
            } else {
                String::new()
            };
            items.push(format!(
                "`{}`: {} field(s) of `{}` are mapped to nothing: {}{more}",
                object.name,
                unread.len(),
                object.source,
                shown.join(", ")
            ));
        }
        if let Some(block) = &object.attachments {
            let limits = &block.limits;
            items.push(format!(
                "`{}`: attachments over {} or of blocked types ({}) are flagged with their reason instead of being \
                 sent, and so is every file past the {} one part carries (see `{}` in the report)",
                object.name,
                crate::run::attachments::human_size(limits.max_bytes),
                limits.blocked.iter().take(6).map(|e| format!(".{e}")).collect::<Vec<_>>().join(", ") + ", …",
                limits.max_files,
                crate::run::attachments::object_name(&object.name),
            ));
        } else if object.outputs.iter().any(|o| o.field == "attachments") {
            items.push(format!(
                "`{}`: attachments over Intercom's size limit or of blocked types (.exe, .bat, .js, …) are flagged \
                 with their reason instead of being sent; at most 10 attachments ride on one part",
                object.name
            ));
        }
        for output in &object.outputs {
            let limit = schemas
                .sink
                .object(&object.destination)
                .and_then(|o| o.field(&output.field))
                .and_then(|f| f.max_length);
            if let Some(limit) = limit {
                items.push(format!("`{}`: `{}` is cut to {limit} characters when longer", object.name, output.field));
            }
        }
        if object.destination == "conversation_part" {
            items.push(format!(
                "`{}`: conversations keep at most 500 parts; longer threads lose their oldest parts in Intercom's view",
                object.name
            ));
        }
        for (reason, _) in object.flags.iter().map(|(op, reason)| (reason, op)) {
            items.push(format!("`{}`: records flagged \"{reason}\" wait in the reconciliation queue", object.name));
        }
    }
    items
}

/// The report as plain text.
pub fn render_text(report: &PlanReport) -> String {
    let mut out = format!("Plan: {}\n\nPhases, in order:\n", report.name);
    for (i, phase) in report.phases.iter().enumerate() {
        let records = phase.records.map_or_else(|| "? records".to_owned(), |n| format!("{n} records"));
        let after =
            if phase.after.is_empty() { String::new() } else { format!(" — after {}", phase.after.join(", ")) };
        let requests = match phase.records {
            None if phase.requests_per_record > 0.0 => format!("~{:.1} requests per record", phase.requests_per_record),
            _ => format!("~{:.0} requests", phase.requests),
        };
        let _ = writeln!(
            out,
            "  {}. {} ({} {} → {}): {records}, {requests}{after}",
            i + 1,
            phase.object,
            phase.action,
            phase.source,
            phase.destination,
        );
    }
    section(&mut out, "Schema changes first", &report.schema_changes);
    section(&mut out, "Preflight checklist", &report.preflight);
    section(&mut out, "Predicted losses", &report.predicted_losses);
    let _ = writeln!(
        out,
        "\nEstimate: ~{:.0} requests at {:.0}/min ≈ {}",
        report.requests,
        report.budget_per_minute,
        human_duration(report.seconds)
    );
    out
}

fn section(out: &mut String, title: &str, items: &[String]) {
    let _ = writeln!(out, "\n{title}:");
    if items.is_empty() {
        out.push_str("  (none)\n");
    }
    for item in items {
        let _ = writeln!(out, "  - {item}");
    }
}

/// The report as Markdown.
pub fn render_markdown(report: &PlanReport) -> String {
    let mut out = format!(
        "# Plan: {}\n\n## Phases\n\n| # | object | action | source → destination | records | requests | after |\n| --- | --- | --- | --- | --- | --- | --- |\n",
        report.name
    );
    for (i, phase) in report.phases.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | `{}` → `{}` | {} | {:.0} | {} |",
            i + 1,
            phase.object,
            phase.action,
            phase.source,
            phase.destination,
            phase.records.map_or_else(|| "?".to_owned(), |n| n.to_string()),
            phase.requests,
            phase.after.join(", ")
        );
    }
    for (title, items) in [
        ("Schema changes first", &report.schema_changes),
        ("Preflight checklist", &report.preflight),
        ("Predicted losses", &report.predicted_losses),
    ] {
        let _ = writeln!(out, "\n## {title}\n");
        if items.is_empty() {
            out.push_str("(none)\n");
        }
        for item in items {
            let _ = writeln!(out, "- [ ] {item}");
        }
    }
    let _ = writeln!(
        out,
        "\n## Estimate\n\n~{:.0} requests at {:.0}/min ≈ {}",
        report.requests,
        report.budget_per_minute,
        human_duration(report.seconds)
    );
    out
}

/// The phase graph as a Mermaid flowchart.
pub fn render_mermaid(report: &PlanReport) -> String {
    let mut out = String::from("flowchart LR\n");
    let id = |name: &str| name.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    for phase in &report.phases {
        let _ =
            writeln!(out, "  {}[\"{}: {} → {}\"]", id(&phase.object), phase.object, phase.source, phase.destination);
    }
    for phase in &report.phases {
        for after in &phase.after {
            let _ = writeln!(out, "  {} --> {}", id(after), id(&phase.object));
        }
    }
    out
}

fn human_duration(seconds: f64) -> String {
    let seconds = seconds.round() as u64;
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min {} s", seconds / 60, seconds % 60),
        _ => format!("{} h {} min", seconds / 3600, seconds % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    #[test]
    fn attachments_mapped_by_an_object_are_a_predicted_loss() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run");
        let text = std::fs::read_to_string(root.join("spec.yaml"))
            .expect("fixture")
            .replace("      kind: '\"comment\"'", "      kind: '\"comment\"'\n      attachments: '[]'");
        let path = root.join("plan_attachments.tmp.yaml");
        std::fs::write(&path, text).expect("write");
        let mut sources = SourceMap::new();
        let spec = crate::spec::load(&mut sources, &path);
        let _ = std::fs::remove_file(&path);
        let spec = spec.expect("loads");
        let (schemas, _) = crate::check::load_schemas(&spec, &mut sources);
        let (checked, found) = crate::check::check(&spec, &schemas);
        let checked = checked.unwrap_or_else(|| panic!("{:?}", found.iter().next()));
        let plan = crate::plan::compile(&spec, &checked, &schemas);
        let report = plan_report(&spec, &schemas, &plan);
        assert!(report.predicted_losses.iter().any(|l| l.starts_with("`part`: attachments over")), "{report:#?}");
        assert!(!report.predicted_losses.iter().any(|l| l.starts_with("`conversation`: attachments")));
    }
}
