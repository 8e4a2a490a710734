//! The reconciliation report (`cutover report`, and the end of every run): per object, where every
//! source record went, the reason for every record that did not migrate, the reconciliation queue
//! with what a person must do, and whether anything is unaccounted for.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde::Serialize;

use crate::state::{Action, Ledger, RecordRow, RunInfo, StateError, Status};

/// Records per reason listed by id in the terminal table (all of them in Markdown and JSON).
const IDS_SHOWN: usize = 10;

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Reconciliation {
    /// The runs so far, oldest first.
    pub runs: Vec<RunLine>,
    /// Per object, by name.
    pub objects: Vec<ObjectLine>,
    /// What a person must do, grouped.
    pub queue: Vec<QueueGroup>,
    /// Custom attributes the migration created `(kind, name)`.
    pub attributes: Vec<(String, String)>,
    /// Records not accounted for, over all objects.
    pub unaccounted: i64,
}

/// One run.
#[derive(Clone, Debug, Serialize)]
pub struct RunLine {
    /// Id.
    pub id: i64,
    /// The command.
    pub command: String,
    /// `finished`, `interrupted`, …
    pub status: String,
    /// Start, RFC 3339.
    pub started: String,
}

/// One object's counts.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ObjectLine {
    /// The spec's object name.
    pub object: String,
    /// Records in the source at the latest complete pass (`None`: no complete pass yet).
    pub in_source: Option<i64>,
    /// Records the ledger has a row for.
    pub recorded: i64,
    /// Count per outcome: `created`, `matched`, `merged`, `updated`, `unchanged`, `edited`,
    /// `stale`, `deleted_in_source`, `skipped`, `flagged`, `failed`, `queued`, `in_flight`,
    /// `rolled_back`.
    pub outcomes: BTreeMap<String, i64>,
    /// Records in the source without a row, plus creates whose outcome is still unknown.
    pub unaccounted: i64,
    /// Every record that did not migrate (or needs attention), grouped by reason.
    pub reasons: Vec<ReasonGroup>,
}

/// Records that share an outcome and a reason.
#[derive(Clone, Debug, Serialize)]
pub struct ReasonGroup {
    /// The outcome (`flagged`, `failed`, `edited`, …).
    pub outcome: String,
    /// The field or rule, when known.
    pub field: Option<String>,
    /// The reason.
    pub reason: String,
    /// The source ids.
    pub ids: Vec<String>,
}

/// A group of the reconciliation queue.
#[derive(Clone, Debug, Serialize)]
pub struct QueueGroup {
    /// What to do (`Invite these 3 teammates, then run again`).
    pub action: String,
    /// The object whose records wait.
    pub object: String,
    /// The items (emails, names, ids with reasons).
    pub items: Vec<String>,
}

/// The outcome a row counts under.
pub fn outcome(row: &RecordRow) -> &'static str {
    match (row.status, row.action) {
        (Status::Done, Some(action)) => match action {
            Action::DeletedInSource => "deleted_in_source",
            other => other.as_str(),
        },
        (Status::Done, None) => "unchanged",
        (Status::Intent | Status::Written, _) => "in_flight",
        (status, _) => status.as_str(),
    }
}

/// Read the ledger into a report.
pub async fn reconcile(ledger: &Ledger) -> Result<Reconciliation, StateError> {
    let runs: Vec<RunInfo> = ledger.runs().await?;
    let totals = ledger.source_totals().await?;
    let rows = ledger.all().await?;
    let mut by_object: BTreeMap<String, Vec<RecordRow>> = BTreeMap::new();
    for row in rows {
        by_object.entry(row.object.clone()).or_default().push(row);
    }
    for object in totals.keys() {
        by_object.entry(object.clone()).or_default();
    }
    let mut objects = Vec::new();
    let mut queue = Vec::new();
    for (object, rows) in &by_object {
        let mut line =
            ObjectLine { object: object.clone(), in_source: totals.get(object).copied(), ..ObjectLine::default() };
        line.recorded = rows.len() as i64;
        let mut reasons: BTreeMap<(String, Option<String>, String), Vec<String>> = BTreeMap::new();
        for row in rows {
            let outcome = outcome(row);
            *line.outcomes.entry(outcome.to_owned()).or_default() += 1;
            let attention =
                !matches!(outcome, "created" | "matched" | "merged" | "updated" | "unchanged" | "rolled_back");
            if attention {
                let reason = row.reason.clone().unwrap_or_else(|| "no reason recorded".to_owned());
                reasons.entry((outcome.to_owned(), row.field.clone(), reason)).or_default().push(row.source_id.clone());
            }
        }
        let in_flight = line.outcomes.get("in_flight").copied().unwrap_or(0);
        let missing = line.in_source.map_or(0, |total| (total - line.recorded).max(0));
        line.unaccounted = missing + in_flight;
        let mut groups: Vec<ReasonGroup> = reasons
            .into_iter()
            .map(|((outcome, field, reason), ids)| ReasonGroup { outcome, field, reason, ids })
            .collect();
        groups.sort_by(|a, b| b.ids.len().cmp(&a.ids.len()).then(a.reason.cmp(&b.reason)));
        line.reasons = groups;
        queue.extend(queue_groups(object, rows));
        objects.push(line);
    }
    let attributes = ledger.attributes().await?.into_iter().map(|(kind, name, _)| (kind, name)).collect();
    let unaccounted = objects.iter().map(|o| o.unaccounted).sum();
    let runs = runs
        .into_iter()
        .map(|run| RunLine {
            id: run.id,
            command: run.command,
            status: run.status,
            started: jiff::Timestamp::from_second(run.started_at)
                .map_or_else(|_| run.started_at.to_string(), |t| t.to_string()),
        })
        .collect();
    Ok(Reconciliation { runs, objects, queue, attributes, unaccounted })
}

/// The queue of one object: matched kinds list what to invite or create; other records list
/// what they wait for.
fn queue_groups(object: &str, rows: &[RecordRow]) -> Vec<QueueGroup> {
    let queued: Vec<&RecordRow> = rows.iter().filter(|r| r.status == Status::Queued).collect();
    if queued.is_empty() {
        return Vec::new();
    }
    let unmatched: Vec<&RecordRow> = queued.iter().copied().filter(|r| r.field.as_deref() == Some("match")).collect();
    let mut groups = Vec::new();
    if !unmatched.is_empty() {
        let kind = unmatched[0].kind.as_str();
        let items: Vec<String> = unmatched
            .iter()
            .map(|r| format!("{} {}: {}", object, r.source_id, r.reason.as_deref().unwrap_or("")))
            .collect();
        let action = match kind {
            "admin" => format!(
                "Invite these {} teammates in Intercom (Settings > Teammates) with the email they have in the \
                 source, then run again; what is assigned to them or written by them waits until then",
                items.len()
            ),
            "team" => format!("Create these {} teams in Intercom, then run again", items.len()),
            other => format!("Create these {} {other} records in Intercom, then run again", items.len()),
        };
        groups.push(QueueGroup { action, object: object.to_owned(), items });
    }
    // Records waiting for others, counted by what they ultimately wait for (the innermost
    // reference in the chain: a part waits for its conversation, which waits for a teammate).
    let mut causes: BTreeMap<String, usize> = BTreeMap::new();
    let mut waiting = 0;
    for row in queued.iter().filter(|r| r.field.as_deref() != Some("match")) {
        waiting += 1;
        *causes.entry(root_cause(row.reason.as_deref().unwrap_or("no reason recorded"))).or_default() += 1;
    }
    if waiting > 0 {
        let mut items: Vec<(String, usize)> = causes.into_iter().collect();
        items.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        groups.push(QueueGroup {
            action: format!(
                "{waiting} {object} records wait for records above; they migrate on the next run once those do"
            ),
            object: object.to_owned(),
            items: items.into_iter().map(|(cause, n)| format!("{n} wait for {cause}")).collect(),
        });
    }
    groups
}

/// What a waiting record ultimately waits for: the last `refers to OBJECT ID` in its reason
/// (`admin 4`), or the reason itself.
fn root_cause(reason: &str) -> String {
    // A file waits with the part it rides on.
    if let Some(part) = reason.strip_prefix("waits with ") {
        return part.to_owned();
    }
    if let Some(rest) = reason.strip_prefix("waits for the earlier ") {
        let (record, why) = rest.split_once(" of the same parent: ").unwrap_or((rest, ""));
        return format!("the earlier {record} of the same parent, which did not migrate: {why}");
    }
    match reason.rfind("refers to ") {
        Some(at) => {
            let rest = &reason[at + "refers to ".len()..];
            rest.split(", which").next().unwrap_or(rest).to_owned()
        }
        None => reason.to_owned(),
    }
}

/// The order outcome columns are shown in.
const COLUMNS: [&str; 14] = [
    "created",
    "matched",
    "merged",
    "updated",
    "unchanged",
    "edited",
    "stale",
    "deleted_in_source",
    "skipped",
    "flagged",
    "failed",
    "queued",
    "in_flight",
    "rolled_back",
];

impl Reconciliation {
    /// The columns that have a non-zero count somewhere.
    fn columns(&self) -> Vec<&'static str> {
        COLUMNS
            .iter()
            .copied()
            .filter(|c| self.objects.iter().any(|o| o.outcomes.get(*c).copied().unwrap_or(0) > 0))
            .collect()
    }

    /// A table for the terminal, reasons grouped with their first ids.
    pub fn to_text(&self) -> String {
        let columns = self.columns();
        let mut header = vec!["object".to_owned(), "in source".to_owned(), "recorded".to_owned()];
        header.extend(columns.iter().map(|c| c.replace('_', " ")));
        header.push("unaccounted".to_owned());
        let mut table = vec![header];
        for object in &self.objects {
            let mut line = vec![
                object.object.clone(),
                object.in_source.map_or("?".into(), |n| n.to_string()),
                object.recorded.to_string(),
            ];
            line.extend(columns.iter().map(|c| object.outcomes.get(*c).copied().unwrap_or(0).to_string()));
            line.push(object.unaccounted.to_string());
            table.push(line);
        }
        let widths: Vec<usize> =
            (0..table[0].len()).map(|i| table.iter().map(|l| l[i].chars().count()).max().unwrap_or(0)).collect();
        let mut out = String::new();
        for (n, line) in table.iter().enumerate() {
            let cells: Vec<String> =
                line.iter()
                    .enumerate()
                    .map(|(i, cell)| {
                        if i == 0 { format!("{cell:<w$}", w = widths[i]) } else { format!("{cell:>w$}", w = widths[i]) }
                    })
                    .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
            if n == 0 {
                out.push_str(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
                out.push('\n');
            }
        }
        for object in &self.objects {
            for group in &object.reasons {
                let shown: Vec<&str> = group.ids.iter().take(IDS_SHOWN).map(String::as_str).collect();
                let more = if group.ids.len() > IDS_SHOWN {
                    format!(" and {} more", group.ids.len() - IDS_SHOWN)
                } else {
                    String::new()
                };
                let field = group.field.as_deref().map(|f| format!(" [{f}]")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "\n{} {} {}{field}: {}\n  ids: {}{more}",
                    group.ids.len(),
                    object.object,
                    group.outcome.replace('_', " "),
                    group.reason,
                    shown.join(", ")
                );
            }
        }
        if !self.queue.is_empty() {
            out.push_str("\nReconciliation queue:\n");
            for group in &self.queue {
                let _ = writeln!(out, "- {}", group.action);
                for item in group.items.iter().take(IDS_SHOWN) {
                    let _ = writeln!(out, "    {item}");
                }
                if group.items.len() > IDS_SHOWN {
                    let _ = writeln!(
                        out,
                        "    … and {} more (cutover report --format markdown lists all)",
                        group.items.len() - IDS_SHOWN
                    );
                }
            }
        }
        let _ = writeln!(out, "\n{}", self.verdict());
        out
    }

    /// The closing sentence.
    pub fn verdict(&self) -> String {
        if self.unaccounted == 0 {
            "Every record is accounted for.".to_owned()
        } else {
            format!(
                "{} records are unaccounted for (not read in a complete pass, or a create whose outcome is still \
                 unknown): run again to settle them.",
                self.unaccounted
            )
        }
    }

    /// Markdown with every id.
    pub fn to_markdown(&self) -> String {
        let columns = self.columns();
        let mut out = String::from(
            "# Migration reconciliation\n\n## Runs\n\n| run | command | status | started |\n| --- | --- | --- | --- |\n",
        );
        for run in &self.runs {
            let _ = writeln!(out, "| {} | `{}` | {} | {} |", run.id, run.command, run.status, run.started);
        }
        out.push_str("\n## Records\n\n| object | in source | recorded |");
        for column in &columns {
            let _ = write!(out, " {} |", column.replace('_', " "));
        }
        out.push_str(" unaccounted |\n| --- | ---: | ---: |");
        out.push_str(&" ---: |".repeat(columns.len() + 1));
        out.push('\n');
        for object in &self.objects {
            let _ = write!(
                out,
                "| {} | {} | {} |",
                object.object,
                object.in_source.map_or("?".into(), |n| n.to_string()),
                object.recorded
            );
            for column in &columns {
                let _ = write!(out, " {} |", object.outcomes.get(*column).copied().unwrap_or(0));
            }
            let _ = writeln!(out, " {} |", object.unaccounted);
        }
        if self.objects.iter().any(|o| !o.reasons.is_empty()) {
            out.push_str("\n## Records that did not migrate, or need attention\n");
            for object in &self.objects {
                for group in &object.reasons {
                    let field = group.field.as_deref().map(|f| format!(" (`{f}`)")).unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "\n- **{} {} {}**{field}: {}\n  - ids: {}",
                        group.ids.len(),
                        object.object,
                        group.outcome.replace('_', " "),
                        escape(&group.reason),
                        group.ids.join(", ")
                    );
                }
            }
        }
        if !self.queue.is_empty() {
            out.push_str("\n## Reconciliation queue\n");
            for group in &self.queue {
                let _ = writeln!(out, "\n### {}\n", group.action);
                for item in &group.items {
                    let _ = writeln!(out, "- {}", escape(item));
                }
            }
        }
        if !self.attributes.is_empty() {
            out.push_str("\n## Custom attributes created\n\n");
            for (kind, name) in &self.attributes {
                let _ = writeln!(out, "- {kind}: `{name}`");
            }
        }
        let _ = writeln!(out, "\n{}", self.verdict());
        out
    }

    /// JSON for tools.
    pub fn to_json(&self) -> String {
        let mut document = serde_json::to_value(self).unwrap_or_default();
        document["version"] = serde_json::json!(1);
        serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
    }
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Counts per outcome of one object, for tests and summaries.
pub fn outcomes_of(report: &Reconciliation, object: &str) -> HashMap<String, i64> {
    report
        .objects
        .iter()
        .find(|o| o.object == object)
        .map(|o| o.outcomes.clone().into_iter().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::root_cause;

    #[test]
    fn waiting_records_are_counted_by_what_they_ultimately_wait_for() {
        let part = "its conversation 1 is queued: `admin_assignee` refers to admin 4, which waits in the \
                    reconciliation queue: no teammate with the email a@b.example";
        assert_eq!(root_cause(part), "admin 4");
        let held = "waits for the earlier part 7 of the same parent: rejected: notes are written by teammates";
        assert_eq!(
            root_cause(held),
            "the earlier part 7 of the same parent, which did not migrate: rejected: notes are written by teammates"
        );
        assert_eq!(root_cause("waits with its part 12"), "its part 12", "a file waits with its part");
        assert_eq!(root_cause("something else"), "something else");
    }
}
