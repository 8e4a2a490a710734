//! `rollback`: delete what runs created, newest first, so children go before their parents.
//!
//! Only records the migration created are touched (never one it matched or merged). A record a
//! person edited in the destination after the import is kept and listed unless `force`. Kinds
//! the API cannot delete (notes, conversation parts) are listed for manual cleanup, except parts
//! and notes whose conversation or contact is deleted in the same rollback: they go with it. Each deletion is written
//! to the ledger as it happens, so an interrupted rollback resumes where it stopped.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::drivers::{Deletion, Destination, WriteError};
use crate::run::progress::Progress;
use crate::run::runner::RunError;
use crate::state::{Ledger, RecordRow, Status};

/// What a rollback did (or, with `dry_run`, would do).
#[derive(Clone, Debug, Default)]
pub struct RollbackReport {
    /// Deleted (or already gone): (object, source id, kind, destination id).
    pub deleted: Vec<(String, String, String, String)>,
    /// Gone with their deleted parent.
    pub with_parent: Vec<(String, String)>,
    /// Kept because a person edited them after the import: (object, source id, destination id).
    pub kept_edited: Vec<(String, String, String)>,
    /// To clean up by hand: (object, source id, destination id, why).
    pub manual: Vec<(String, String, String, String)>,
    /// Could not be deleted now (retried on the next rollback): (object, source id, why).
    pub failed: Vec<(String, String, String)>,
    /// Custom attributes created by the migration (they can only be archived, by hand).
    pub attributes: Vec<(String, String)>,
    /// Whether nothing was changed.
    pub dry_run: bool,
}

impl RollbackReport {
    /// A summary for people.
    pub fn to_text(&self) -> String {
        let verb = if self.dry_run { "would delete" } else { "deleted" };
        let mut out = format!("{verb} {} records", self.deleted.len());
        if !self.with_parent.is_empty() {
            // Parts go with their conversations, notes with their contacts.
            let mut per_object: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
            for (object, _) in &self.with_parent {
                *per_object.entry(object.as_str()).or_default() += 1;
            }
            let counts: Vec<String> = per_object.iter().map(|(object, n)| format!("{n} {object}")).collect();
            out.push_str(&format!(" (and with them {})", counts.join(", ")));
        }
        out.push('\n');
        if !self.kept_edited.is_empty() {
            out.push_str(&format!(
                "kept {} records edited in the destination after the import (use --force to delete them too):\n",
                self.kept_edited.len()
            ));
            for (object, source, dest) in &self.kept_edited {
                out.push_str(&format!("  {object} {source} → {dest}\n"));
            }
        }
        if !self.manual.is_empty() {
            out.push_str(&format!(
                "{} records cannot be deleted through the API; remove them by hand:\n",
                self.manual.len()
            ));
            for (object, source, dest, why) in &self.manual {
                out.push_str(&format!("  {object} {source} → {dest}: {why}\n"));
            }
        }
        if !self.attributes.is_empty() {
            out.push_str(
                "custom attributes the migration created (archive them by hand if unwanted; they cannot be deleted):\n",
            );
            for (kind, name) in &self.attributes {
                out.push_str(&format!("  {kind}: {name}\n"));
            }
        }
        if !self.failed.is_empty() {
            out.push_str(&format!("{} deletions failed; run rollback again:\n", self.failed.len()));
            for (object, source, why) in &self.failed {
                out.push_str(&format!("  {object} {source}: {why}\n"));
            }
        }
        out
    }
}

/// Roll back what `run` created (every run when `None`).
#[allow(clippy::too_many_arguments)]
pub async fn rollback<D: Destination>(
    destination: &D,
    ledger: &Ledger,
    run: Option<i64>,
    force: bool,
    dry_run: bool,
    progress: &Progress,
    stop: &AtomicBool,
) -> Result<RollbackReport, RunError> {
    let rows = ledger.created(run).await?;
    let mut report = RollbackReport { dry_run, ..RollbackReport::default() };
    report.attributes = ledger
        .attributes()
        .await?
        .into_iter()
        .filter(|(_, _, created_by)| run.is_none_or(|r| r == *created_by))
        .map(|(kind, name, _)| (kind, name))
        .collect();
    // Parents to delete, by destination record: a child's parent may be a record merged by
    // `key:` into the one that is deleted (a partner sharing a contact's email).
    let deleting: HashSet<(String, String)> = rows
        .iter()
        .filter(|r| destination.capability(&r.kind).deletable.is_ok())
        .filter_map(|r| Some((r.object.clone(), r.dest_id.clone()?)))
        .collect();
    let command = match run {
        Some(id) => format!("rollback --run {id}"),
        None => "rollback".to_owned(),
    };
    let this_run = if dry_run { None } else { Some(ledger.begin_run(&command, "", "{}").await?) };
    progress.start("rollback", Some(rows.len() as u64));
    let mut waiting_for_parent: Vec<RecordRow> = Vec::new();
    for mut row in rows {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        progress.advance(1);
        let dest_id = row.dest_id.clone().unwrap_or_default();
        if let Err(why) = destination.capability(&row.kind).deletable {
            let parent = row.parent_object.clone().zip(row.parent_dest_id.clone());
            match parent {
                Some(parent) if deleting.contains(&parent) => waiting_for_parent.push(row),
                _ => report.manual.push((row.object.clone(), row.source_id.clone(), dest_id, why)),
            }
            continue;
        }
        if !force {
            match destination.updated_at(&row.kind, &dest_id, row.parent_dest_id.as_deref()).await {
                Ok(Some(now)) if row.dest_updated.is_some_and(|ours| now > ours) => {
                    report.kept_edited.push((row.object.clone(), row.source_id.clone(), dest_id));
                    continue;
                }
                Ok(_) | Err(WriteError::Rejected(_)) => {}
                Err(error) => {
                    report.failed.push((row.object.clone(), row.source_id.clone(), error.to_string()));
                    continue;
                }
            }
        }
        if dry_run {
            report.deleted.push((row.object.clone(), row.source_id.clone(), row.kind.clone(), dest_id));
            continue;
        }
        match destination.delete(&row.kind, &dest_id, row.parent_dest_id.as_deref()).await {
            Ok(Deletion::Deleted | Deletion::AlreadyGone) => {
                report.deleted.push((row.object.clone(), row.source_id.clone(), row.kind.clone(), dest_id));
                row.status = Status::RolledBack;
                row.action = None;
                row.reason = Some(format!("deleted by {command}"));
                row.last_run = this_run.unwrap_or(row.last_run);
                ledger.put(&row).await?;
                let parent = (row.object.clone(), row.dest_id.clone().unwrap_or_default());
                for mut child in waiting_for_parent.extract_if(.., |c| {
                    c.parent_object.as_ref() == Some(&parent.0) && c.parent_dest_id.as_ref() == Some(&parent.1)
                }) {
                    child.status = Status::RolledBack;
                    child.action = None;
                    child.reason = Some(format!("deleted with its {} by {command}", parent.0));
                    ledger.put(&child).await?;
                    report.with_parent.push((child.object.clone(), child.source_id.clone()));
                }
            }
            Ok(Deletion::Impossible(why)) => {
                report.manual.push((row.object.clone(), row.source_id.clone(), dest_id, why))
            }
            Err(error) => {
                if let WriteError::Fatal(_) = error {
                    stop.store(true, Ordering::SeqCst);
                }
                report.failed.push((row.object.clone(), row.source_id.clone(), error.to_string()));
            }
        }
    }
    if dry_run {
        report.with_parent = waiting_for_parent.iter().map(|c| (c.object.clone(), c.source_id.clone())).collect();
    }
    progress.finish(&format!("{} deleted", report.deleted.len()));
    if let Some(id) = this_run {
        // Attachment files went with their parts.
        let mut gone = Vec::new();
        for mut file in ledger.all().await? {
            if file.kind != crate::run::attachments::KIND || file.status != Status::Done {
                continue;
            }
            let (Some(object), Some(source_id)) = (file.parent_object.clone(), file.parent_source_id.clone()) else {
                continue;
            };
            if ledger.get(&object, &source_id).await?.is_some_and(|part| part.status == Status::RolledBack) {
                file.status = Status::RolledBack;
                file.action = None;
                file.reason = Some(format!("deleted with its {object} {source_id} by {command}"));
                file.last_run = id;
                gone.push(file);
            }
        }
        ledger.put_many(&gone).await?;
        let status = if stop.load(Ordering::SeqCst) { "interrupted" } else { "finished" };
        ledger.finish_run(id, status).await?;
    }
    Ok(report)
}
