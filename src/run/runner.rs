//! [`Runner`]: executes a plan against a source and a destination, phase by phase, with the
//! ledger as the single record of what happened.
//!
//! # Order
//!
//! 1. **Settle.** Rows left by an interrupted run are settled first: an open intent (a create
//!    sent, or about to be, whose outcome was never recorded) is looked up in the destination by
//!    its natural key ([`Destination::find`]); a record written but not finished gets its
//!    follow-up calls ([`Destination::complete`]). Nothing is sent twice.
//! 2. **Schema.** Custom attributes the spec needs are created.
//! 3. **Objects**, in dependency order. An object's pages are read, mapped and written with
//!    several writes in flight; the cursor advances only when every record of a page is settled,
//!    so a resumed run starts at the first unsettled page and skips what the ledger shows done.
//!    Child objects (conversation parts) are grouped by parent and written one parent at a
//!    time in `order:` order, many parents at once; a part that fails, or waits in the queue for
//!    a record it refers to, holds back the later parts of its conversation, so nothing lands
//!    out of order.
//!
//! # Exactly once
//!
//! Every create is recorded as an intent (with the outgoing record) before it is sent and as done
//! after; an ambiguous failure is settled by a lookup before any retry. A record whose mapped
//! output is unchanged (same checksum) is not sent again; a changed one is updated unless a person
//! edited it in the destination after the import, which is reported instead. A record's
//! attachment files are read from the source only while it is created, one file at a time; the
//! intent and the checksum cover their references, never their content (`run::attachments`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::StreamExt;
use futures_util::stream;
use serde_json::Value as Json;

use crate::drivers::{Batch, Cursor, Destination, Outgoing, Record, Source, WriteError, WriteMode};
use crate::plan::{Plan, PlanObject};
use crate::run::attachments::{self, Attachment, LoadError, Verdict};
use crate::run::batch::prefetch;
use crate::run::interpreter::{Context, LookupCache, Mapped, eval, map_record};
use crate::run::outgoing::{Blocked, RefKey, checksum, collect_refs, from_payload, id_text, resolve, to_payload};
use crate::run::progress::Progress;
use crate::run::scope::Scope;
use crate::run::value::Value;
use crate::span::Span;
use crate::state::{Action, Counts, Ledger, Origin, RecordRow, StateError, Status};

/// Creates tried per record when each attempt's outcome is unknown and the lookup finds nothing.
const CREATE_ATTEMPTS: usize = 3;

/// Parents whose children are read at once (the messages of 50 tickets per request).
pub const PARENTS_PER_READ: usize = 50;

/// A source id as the ledger keeps it, back as a value: a whole number or text.
fn source_id_value(id: &str) -> Value {
    id.parse::<i64>().map_or_else(|_| Value::text(id), Value::Int)
}

/// A run could not go on.
#[derive(Debug)]
pub struct RunError {
    /// What went wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<StateError> for RunError {
    fn from(error: StateError) -> Self {
        RunError { message: error.message }
    }
}

/// How to run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The command as the runs table and reports show it (`run --delta`).
    pub command: String,
    /// SHA-256 of the spec, its base specs and locks.
    pub spec_hash: String,
    /// Only records changed since the last run (by source change time) are mapped again.
    pub delta: bool,
    /// Migrate a consistent subgraph of this many root records (tickets) only.
    pub sample: Option<usize>,
    /// Only these objects (spec names); empty: all.
    pub only: Vec<String>,
    /// Records per source page.
    pub batch: usize,
    /// Writes in flight at once.
    pub concurrency: usize,
    /// Objects whose unmatched records are skipped instead of queued (`unmatched: skip`).
    pub skip_unmatched: HashSet<String>,
    /// Per object (plan index): the source field holding the record's change time, if any.
    pub change_fields: Vec<Option<String>>,
    /// Every custom attribute the spec writes, with its type: the workspace may lack ones its
    /// lock lists (a fresh or rehearsal workspace), so the schema phase makes sure of all.
    pub attributes: Vec<crate::check::NewAttribute>,
}

/// What a run did.
#[derive(Clone, Debug, Default)]
pub struct RunSummary {
    /// The run's id.
    pub run: i64,
    /// Per object, in the order processed.
    pub counts: Vec<(String, Counts)>,
    /// Custom attributes created.
    pub attributes: Vec<String>,
    /// Stopped early by Ctrl-C or a fatal destination error.
    pub interrupted: bool,
    /// The fatal destination error, if one stopped the run.
    pub fatal: Option<String>,
    /// Intents settled at start: found in the destination, not found.
    pub settled: (usize, usize),
}

/// Reads an object's records through the source, page by page, with relations prefetched.
pub struct Reader<'a> {
    plan: &'a Plan,
    source: Mutex<Box<dyn Source + Send + 'a>>,
    fields: Vec<Vec<String>>,
    batch: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `source` with each object's projection plus its change-time field.
    pub fn new(
        plan: &'a Plan,
        source: Box<dyn Source + Send + 'a>,
        change_fields: &[Option<String>],
        batch: usize,
    ) -> Self {
        let fields = plan
            .objects
            .iter()
            .enumerate()
            .map(|(index, object)| {
                let mut fields = object.fields.clone();
                if let Some(Some(change)) = change_fields.get(index)
                    && !fields.contains(change)
                {
                    fields.push(change.clone());
                }
                fields
            })
            .collect();
        Reader { plan, source: Mutex::new(source), fields, batch: batch.max(1) }
    }

    /// The slot of `field` in object `index`'s projection.
    pub fn slot(&self, index: usize, field: &str) -> Option<usize> {
        self.fields[index].iter().position(|f| f == field)
    }

    fn with_source<T>(&self, work: impl FnOnce(&mut dyn Source) -> T) -> T {
        let call = || {
            let mut source = self.source.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            work(source.as_mut())
        };
        match tokio::runtime::Handle::try_current() {
            Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(call)
            }
            _ => call(),
        }
    }

    /// One page of object `index` after `after`, with the relations its expressions follow.
    pub fn page(&self, index: usize, after: Option<&Cursor>) -> Result<(Batch, LookupCache), RunError> {
        let object = &self.plan.objects[index];
        self.with_source(|source| {
            let batch = source
                .read(&object.source, &self.fields[index], after, self.batch)
                .map_err(|e| RunError { message: format!("reading `{}` ({}): {e}", object.name, object.source) })?;
            let mut cache = LookupCache::new(self.plan);
            prefetch(self.plan, object, &batch.records, source, &mut cache)
                .map_err(|e| RunError { message: format!("reading the records `{}` refers to: {e}", object.name) })?;
            Ok((batch, cache))
        })
    }

    /// Every record of object `index`, in source order.
    pub fn each(&self, index: usize, mut visit: impl FnMut(&Record, &Context<'_>)) -> Result<(), RunError> {
        self.each_until(index, |record, context| {
            visit(record, context);
            true
        })
    }

    /// Records of object `index` in source order until `visit` returns false.
    pub fn each_until(
        &self,
        index: usize,
        mut visit: impl FnMut(&Record, &Context<'_>) -> bool,
    ) -> Result<(), RunError> {
        let mut after: Option<Cursor> = None;
        loop {
            let (batch, cache) = self.page(index, after.as_ref())?;
            let context = Context { plan: self.plan, cache: &cache };
            for record in &batch.records {
                if !visit(record, &context) {
                    return Ok(());
                }
            }
            match batch.next {
                Some(next) => after = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// The records of object `index` with these ids.
    pub fn by_ids(
        &self,
        index: usize,
        ids: &[String],
        mut visit: impl FnMut(&Record, &Context<'_>),
    ) -> Result<(), RunError> {
        let object = &self.plan.objects[index];
        for chunk in ids.chunks(self.batch) {
            let values: Vec<Value> = chunk.iter().map(|id| source_id_value(id)).collect();
            let (records, cache) = self.with_source(|source| {
                let records = source.read_by_ids(&object.source, &self.fields[index], &values).map_err(|e| {
                    RunError { message: format!("reading `{}` ({}) by id: {e}", object.name, object.source) }
                })?;
                let mut cache = LookupCache::new(self.plan);
                prefetch(self.plan, object, &records, source, &mut cache).map_err(|e| RunError {
                    message: format!("reading the records `{}` refers to: {e}", object.name),
                })?;
                Ok::<_, RunError>((records, cache))
            })?;
            let context = Context { plan: self.plan, cache: &cache };
            records.iter().for_each(|record| visit(record, &context));
        }
        Ok(())
    }

    /// The records of object `index` with these ids, where `parents` are the source ids of their
    /// parents (for a child object): read through the parents when the source cannot read that
    /// object by id alone, else as [`by_ids`](Self::by_ids).
    pub fn by_ids_under(
        &self,
        index: usize,
        ids: &[String],
        parents: &[String],
        mut visit: impl FnMut(&Record, &Context<'_>),
    ) -> Result<(), RunError> {
        let object = &self.plan.objects[index];
        if parents.is_empty() || self.with_source(|source| source.reads_by_id(&object.source)) {
            return self.by_ids(index, ids, visit);
        }
        let wanted: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        for chunk in parents.chunks(PARENTS_PER_READ) {
            let Some((records, cache)) = self.children_of(index, chunk)? else {
                return self.by_ids(index, ids, visit);
            };
            let context = Context { plan: self.plan, cache: &cache };
            for record in &records {
                if crate::run::outgoing::id_text(&record.id).is_some_and(|id| wanted.contains(id.as_str())) {
                    visit(record, &context);
                }
            }
        }
        Ok(())
    }

    /// The records of child object `index` that belong to these parents (source ids of its
    /// parent object), with the relations its expressions follow; `None` when the source cannot
    /// select by parent (then read the whole object). The source may apply the `where:`
    /// conditions the plan could push down; the interpreter applies the whole filter anyway.
    pub fn children_of(
        &self,
        index: usize,
        parents: &[String],
    ) -> Result<Option<(Vec<Record>, LookupCache)>, RunError> {
        self.children_read(index, parents, false)
    }

    /// The records of child object `index` whose link is empty or names none of `parents` (all
    /// the parents read), so that they are recorded with why they do not migrate rather than
    /// never read; `None` as for [`children_of`](Self::children_of).
    pub fn children_outside(
        &self,
        index: usize,
        parents: &[String],
    ) -> Result<Option<(Vec<Record>, LookupCache)>, RunError> {
        self.children_read(index, parents, true)
    }

    fn children_read(
        &self,
        index: usize,
        parents: &[String],
        outside: bool,
    ) -> Result<Option<(Vec<Record>, LookupCache)>, RunError> {
        let object = &self.plan.objects[index];
        let Some((_, slot)) = object.parent else { return Ok(None) };
        let link = &object.fields[slot as usize];
        let values: Vec<Value> = parents.iter().map(|id| source_id_value(id)).collect();
        self.with_source(|source| {
            let fields = &self.fields[index];
            let records = if outside {
                source.read_children_outside(&object.source, fields, link, &values, &object.pushdown)
            } else {
                source.read_children(&object.source, fields, link, &values, &object.pushdown)
            };
            let records = records.map_err(|e| RunError {
                message: format!("reading `{}` ({}) by {link}: {e}", object.name, object.source),
            })?;
            let Some(records) = records else { return Ok(None) };
            let mut cache = LookupCache::new(self.plan);
            prefetch(self.plan, object, &records, source, &mut cache)
                .map_err(|e| RunError { message: format!("reading the records `{}` refers to: {e}", object.name) })?;
            Ok(Some((records, cache)))
        })
    }

    /// The records of child object `index` whose parent is one of `parents`, [`PARENTS_PER_READ`]
    /// parents per read where the source can select by parent, else in one pass over the whole
    /// object.
    pub fn each_child(
        &self,
        index: usize,
        parents: &[String],
        mut visit: impl FnMut(&Record, &Context<'_>),
    ) -> Result<(), RunError> {
        let Some((_, slot)) = self.plan.objects[index].parent else { return Ok(()) };
        for (n, chunk) in parents.chunks(PARENTS_PER_READ).enumerate() {
            match self.children_of(index, chunk)? {
                Some((records, cache)) => {
                    let context = Context { plan: self.plan, cache: &cache };
                    records.iter().for_each(|record| visit(record, &context));
                }
                None => {
                    debug_assert_eq!(n, 0, "a source selects by parent for every batch or none");
                    let wanted: HashSet<&str> = parents.iter().map(String::as_str).collect();
                    return self.each(index, |record, context| {
                        let link = record.values.get(slot as usize).and_then(id_text);
                        if link.is_some_and(|parent| wanted.contains(parent.as_str())) {
                            visit(record, context);
                        }
                    });
                }
            }
        }
        Ok(())
    }

    /// The records of object `index` with only the fields at `slots` read (the others are
    /// null) and the relations those fields start prefetched: for scoping passes that need a
    /// link and a filter, not a message body. With `parents`, only the children of those
    /// parents, [`PARENTS_PER_READ`] at a time where the source can select by parent.
    pub fn each_narrow(
        &self,
        index: usize,
        slots: &std::collections::BTreeSet<u32>,
        parents: Option<&[String]>,
        mut visit: impl FnMut(&Record, &Context<'_>),
    ) -> Result<(), RunError> {
        let object = &self.plan.objects[index];
        let width = self.fields[index].len();
        let taken: Vec<usize> = slots.iter().map(|&slot| slot as usize).filter(|&slot| slot < width).collect();
        let names: Vec<String> = taken.iter().map(|&slot| self.fields[index][slot].clone()).collect();
        let widen = |records: Vec<Record>| -> Vec<Record> {
            records
                .into_iter()
                .map(|record| {
                    let mut values = vec![Value::Null; width];
                    for (value, &slot) in record.values.into_iter().zip(&taken) {
                        values[slot] = value;
                    }
                    Record { id: record.id, values }
                })
                .collect()
        };
        let failed = |e: crate::drivers::DriverError| RunError {
            message: format!("reading `{}` ({}) to scope other objects: {e}", object.name, object.source),
        };
        let mut handle = |records: Vec<Record>| -> Result<(), RunError> {
            let records = widen(records);
            let cache = self.with_source(|source| {
                let mut cache = LookupCache::new(self.plan);
                prefetch(self.plan, object, &records, source, &mut cache).map(|()| cache)
            });
            let cache = cache.map_err(failed)?;
            let context = Context { plan: self.plan, cache: &cache };
            records.iter().for_each(|record| visit(record, &context));
            Ok(())
        };
        let link = object.parent.map(|(_, slot)| self.fields[index][slot as usize].clone());
        let wanted: Option<HashSet<&str>> = parents.map(|ids| ids.iter().map(String::as_str).collect());
        if let (Some(parents), Some(link)) = (parents, &link) {
            let mut by_parent = true;
            for chunk in parents.chunks(PARENTS_PER_READ) {
                let values: Vec<Value> = chunk.iter().map(|id| source_id_value(id)).collect();
                let read = self.with_source(|source| {
                    source.read_children(&object.source, &names, link, &values, &object.pushdown)
                });
                match read.map_err(failed)? {
                    Some(records) => handle(records)?,
                    None => {
                        by_parent = false;
                        break;
                    }
                }
            }
            if by_parent {
                return Ok(());
            }
        }
        // The whole object, page by page (children kept only when their parent is wanted).
        let link_position = link.as_ref().and_then(|link| names.iter().position(|name| name == link));
        let mut after: Option<Cursor> = None;
        loop {
            let batch = self
                .with_source(|source| source.read(&object.source, &names, after.as_ref(), self.batch))
                .map_err(failed)?;
            let records: Vec<Record> = match (&wanted, link_position) {
                (Some(wanted), Some(position)) => batch
                    .records
                    .into_iter()
                    .filter(|record| {
                        record.values.get(position).and_then(id_text).is_some_and(|p| wanted.contains(p.as_str()))
                    })
                    .collect(),
                _ => batch.records,
            };
            handle(records)?;
            match batch.next {
                Some(next) => after = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// The source ids of object `index` (only the id is read; no relations).
    pub fn ids(&self, index: usize) -> Result<Vec<String>, RunError> {
        let object = &self.plan.objects[index];
        let only_id = vec!["id".to_owned()];
        let mut ids = Vec::new();
        let mut after: Option<Cursor> = None;
        loop {
            let batch =
                self.with_source(|source| source.read(&object.source, &only_id, after.as_ref(), self.batch)).map_err(
                    |e| RunError { message: format!("reading the ids of `{}` ({}): {e}", object.name, object.source) },
                )?;
            ids.extend(batch.records.iter().filter_map(|record| id_text(&record.id)));
            match batch.next {
                Some(next) => after = Some(next),
                None => return Ok(ids),
            }
        }
    }

    /// Number of records of object `index` in the source, when cheap to know.
    pub fn count(&self, index: usize) -> Option<u64> {
        let object = &self.plan.objects[index].source;
        self.with_source(|source| source.count(object).ok().flatten())
    }
}

/// One source record on its way: what the ledger will say, and what to send.
enum Work {
    /// Nothing to send; the row is final.
    Settled(RecordRow),
    /// Match against the destination by this key.
    Match(RecordRow, Json),
    /// Create it.
    Create(RecordRow, Outgoing),
    /// Bring the existing destination record up to date.
    Complete {
        row: RecordRow,
        record: Outgoing,
        /// Whether to check for edits made in the destination since the import first.
        check_edit: bool,
    },
}

impl Work {
    fn row(&self) -> &RecordRow {
        match self {
            Work::Settled(row) | Work::Match(row, _) | Work::Create(row, _) | Work::Complete { row, .. } => row,
        }
    }
}

/// A page read and mapped ahead of the writes, with where the next one starts.
type MappedPage = Result<(Vec<Mapping>, Option<Cursor>), RunError>;

/// One mapped source record, before the ledger is consulted.
struct Mapping {
    id: String,
    mapped: Mapped,
    key: Option<String>,
    match_key: Option<Json>,
    order: Value,
    parent: Option<String>,
    changed: Option<i64>,
    /// The record's files (`attachments:`), judged; none when its `where:` left it out.
    attachments: Vec<Attachment>,
}

/// Executes a plan.
pub struct Runner<'a, D: Destination> {
    plan: &'a Plan,
    reader: Reader<'a>,
    destination: &'a D,
    ledger: &'a Ledger,
    options: RunOptions,
    progress: &'a Progress,
    stop: &'a AtomicBool,
    locate: &'a (dyn Fn(Span) -> String + Sync),
    run: i64,
    fatal: Mutex<Option<String>>,
    /// Per object (plan index) with `attachments:`, what happened to its files in this pass.
    attachment_counts: Mutex<HashMap<usize, Counts>>,
}

impl<'a, D: Destination> Runner<'a, D> {
    /// A runner; nothing happens until [`Runner::run`].
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        plan: &'a Plan,
        source: Box<dyn Source + Send + 'a>,
        destination: &'a D,
        ledger: &'a Ledger,
        options: RunOptions,
        progress: &'a Progress,
        stop: &'a AtomicBool,
        locate: &'a (dyn Fn(Span) -> String + Sync),
    ) -> Self {
        let reader = Reader::new(plan, source, &options.change_fields, options.batch);
        Runner {
            plan,
            reader,
            destination,
            ledger,
            options,
            progress,
            stop,
            locate,
            run: 0,
            fatal: Mutex::new(None),
            attachment_counts: Mutex::new(HashMap::new()),
        }
    }

    /// The objects this run processes, in dependency order.
    fn selected(&self) -> Result<Vec<usize>, RunError> {
        let known: Vec<&str> = self.plan.objects.iter().map(|o| &*o.name).collect();
        for name in &self.options.only {
            if !known.contains(&name.as_str()) {
                let hint = crate::suggest::did_you_mean(name, known.iter().copied())
                    .unwrap_or_else(|| format!("objects: {}", known.join(", ")));
                return Err(RunError { message: format!("--only {name}: no such object in the spec ({hint})") });
            }
        }
        Ok(self
            .plan
            .order
            .iter()
            .copied()
            .filter(|&i| {
                self.options.only.is_empty() || self.options.only.iter().any(|n| *n == *self.plan.objects[i].name)
            })
            .collect())
    }

    /// Run: settle, schema, then every selected object.
    pub async fn run(mut self) -> Result<RunSummary, RunError> {
        let selected = self.selected()?;
        let unsupported: Vec<String> = selected
            .iter()
            .filter_map(|&i| {
                let object = &self.plan.objects[i];
                match self.destination.capability(&object.destination).mode {
                    WriteMode::Unsupported(why) => Some(format!("`{}` ({}): {why}", object.name, object.destination)),
                    _ => None,
                }
            })
            .collect();
        if !unsupported.is_empty() {
            return Err(RunError {
                message: format!(
                    "the destination cannot write these objects; nothing was written:\n  {}",
                    unsupported.join("\n  ")
                ),
            });
        }
        self.preflight(&selected).await?;
        let options_json = serde_json::json!({
            "delta": self.options.delta, "sample": self.options.sample, "only": self.options.only,
        });
        self.run =
            self.ledger.begin_run(&self.options.command, &self.options.spec_hash, &options_json.to_string()).await?;
        let mut summary = RunSummary { run: self.run, ..RunSummary::default() };
        let outcome = self.run_phases(&selected, &mut summary).await;
        let fatal = self.fatal.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        summary.interrupted = self.stop.load(Ordering::SeqCst) || fatal.is_some();
        summary.fatal = fatal;
        let status = match (&outcome, summary.interrupted) {
            (Err(_), _) => "failed",
            (Ok(()), true) => "interrupted",
            (Ok(()), false) => "finished",
        };
        self.ledger.finish_run(self.run, status).await?;
        outcome.map(|()| summary)
    }

    /// Refuse to start while the destination lacks a custom object type the selected objects
    /// write (see [`object_types`](crate::plan::object_types)).
    async fn preflight(&self, selected: &[usize]) -> Result<(), RunError> {
        let needs = crate::plan::object_types::object_types_needed(self.plan, selected);
        if needs.is_empty() {
            return Ok(());
        }
        let identifiers: Vec<String> = needs.iter().map(|need| need.identifier.clone()).collect();
        let missing = self.destination.missing_object_types(&identifiers).await.map_err(|error| RunError {
            message: format!("checking the custom object types the spec writes: {error}"),
        })?;
        if missing.is_empty() {
            return Ok(());
        }
        let lines: Vec<String> = needs
            .iter()
            .filter(|need| missing.contains(&need.identifier))
            .map(crate::plan::object_types::describe)
            .collect();
        Err(RunError {
            message: format!(
                "the Intercom workspace lacks {} custom object type(s) the spec writes; nothing was written. Create \
                 these custom object types in Intercom settings first (types and their attributes cannot be \
                 created through the API), then run again:\n  {}",
                lines.len(),
                lines.join("\n  ")
            ),
        })
    }

    async fn run_phases(&self, selected: &[usize], summary: &mut RunSummary) -> Result<(), RunError> {
        summary.settled = self.settle().await?;
        if self.stopped() {
            return Ok(());
        }
        let attributes: Vec<_> = self
            .options
            .attributes
            .iter()
            .filter(|a| selected.iter().any(|&i| self.plan.objects[i].destination == a.kind))
            .cloned()
            .collect();
        if !attributes.is_empty() {
            let created = self.destination.prepare_attributes(&attributes).await.map_err(|error| RunError {
                message: format!("creating the custom attributes the spec needs: {error}"),
            })?;
            for name in &created {
                let kind = attributes.iter().find(|a| &a.name == name).map_or("", |a| a.kind.as_str());
                self.ledger.record_attribute(kind, name, self.run).await?;
            }
            self.progress.note(&format!("schema: {} custom attributes created", created.len()));
            summary.attributes = created;
        }
        let scope = match self.options.sample {
            Some(n) => Scope::sample(self.plan, &self.reader, n)?,
            None => Scope::full(self.plan, &self.reader)?,
        };
        for &index in selected {
            if self.stopped() {
                break;
            }
            let counts = if self.plan.objects[index].parent.is_some() {
                self.children(index, &scope).await?
            } else {
                self.object(index, &scope).await?
            };
            self.ledger.save_counts(self.run, &self.plan.objects[index].name, &counts).await?;
            summary.counts.push((self.plan.objects[index].name.to_string(), counts));
        }
        Ok(())
    }

    /// The row of a record the destination now holds as `record`.
    fn applied(&self, row: &mut RecordRow, record: &Outgoing, written: &crate::drivers::Written, action: Action) {
        row.status = Status::Done;
        row.action = Some(action);
        row.dest_updated = written.updated_at;
        row.checksum = Some(checksum(record));
        row.payload = self.kept_payload(&row.object, record);
        row.reason = None;
        row.field = None;
    }

    /// The outgoing record to keep in a done row: only for conversations and tickets with child
    /// objects, whose follow-ups (state, assignment, tags) are applied again after their
    /// children are written (a customer's reply reopens a closed conversation). Other parents
    /// (a contact with notes) are not re-applied: their children do not change them back.
    fn kept_payload(&self, object: &str, record: &Outgoing) -> Option<String> {
        let is_parent = self
            .plan
            .objects
            .iter()
            .any(|child| child.parent.is_some_and(|(parent, _)| *self.plan.objects[parent].name == *object));
        (is_parent && matches!(record.kind.as_str(), "conversation" | "ticket")).then(|| to_payload(record))
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn set_fatal(&self, message: &str) {
        let mut fatal = self.fatal.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        fatal.get_or_insert_with(|| message.to_owned());
        self.stop.store(true, Ordering::SeqCst);
    }

    // --- Settling what an interrupted run left -------------------------------------------------

    /// Settle open intents and finish written records; returns (found, not found).
    async fn settle(&self) -> Result<(usize, usize), RunError> {
        let mut found = 0;
        let mut missing = 0;
        let open = self.ledger.with_status(Status::Intent).await?;
        let unfinished = self.ledger.with_status(Status::Written).await?;
        if open.is_empty() && unfinished.is_empty() {
            return Ok((0, 0));
        }
        self.progress.start("settle", Some((open.len() + unfinished.len()) as u64));
        for mut row in open {
            let Some(record) = row.payload.as_deref().and_then(from_payload) else {
                row.status = Status::Failed;
                row.reason = Some("an interrupted create left no record to settle it with; it is created again".into());
                self.ledger.put(&row).await?;
                continue;
            };
            match self.destination.find(&record).await {
                Ok(Some(id)) => {
                    found += 1;
                    row.dest_id = Some(id.clone());
                    row.status = Status::Written;
                    row.origin = Some(Origin::Created);
                    row.last_run = self.run;
                    self.ledger.put(&row).await?;
                    let row = self.finish(row, &id, &record, Action::Created).await?;
                    self.ledger.put(&row).await?;
                    self.note_parent_change(&row).await?;
                }
                Ok(None) => {
                    missing += 1;
                    row.status = Status::Failed;
                    row.reason =
                        Some("the create was interrupted before the destination applied it; sent again".into());
                    row.last_run = self.run;
                    self.ledger.put(&row).await?;
                }
                Err(error) => {
                    row.reason = Some(format!("outcome of an interrupted create still unknown: {error}"));
                    self.ledger.put(&row).await?;
                    if let WriteError::Fatal(message) = &error {
                        self.set_fatal(message);
                        return Ok((found, missing));
                    }
                }
            }
            self.progress.advance(1);
        }
        for row in unfinished {
            let (Some(id), Some(record)) = (row.dest_id.clone(), row.payload.as_deref().and_then(from_payload)) else {
                continue;
            };
            let action = row.action.unwrap_or(Action::Created);
            let row = self.finish(row, &id, &record, action).await?;
            self.ledger.put(&row).await?;
            self.note_parent_change(&row).await?;
            self.progress.advance(1);
        }
        self.progress.finish(&format!("{found} interrupted creates found in the destination, {missing} not applied"));
        Ok((found, missing))
    }

    /// Complete a written record (its follow-up calls) and return the final row.
    async fn finish(
        &self,
        mut row: RecordRow,
        id: &str,
        record: &Outgoing,
        action: Action,
    ) -> Result<RecordRow, RunError> {
        match self.destination.complete(id, record).await {
            Ok(written) => self.applied(&mut row, record, &written, action),
            Err(error) => {
                row.status = Status::Written;
                row.reason = Some(format!("created, but not finished ({error}); finished on the next run"));
                if let WriteError::Fatal(message) = &error {
                    self.set_fatal(message);
                }
            }
        }
        row.last_run = self.run;
        Ok(row)
    }

    // --- Mapping -------------------------------------------------------------------------------

    fn map(&self, index: usize, record: &Record, context: &Context<'_>) -> Mapping {
        let object = &self.plan.objects[index];
        let id = id_text(&record.id).unwrap_or_default();
        let mut mapped = map_record(object, &record.values, context);
        let mut text_of = |op: &Option<crate::plan::Op>, field: &str| -> Option<Value> {
            let op = op.as_ref()?;
            match eval(op, &record.values, context) {
                Ok(value) => Some(value),
                Err(error) => {
                    if matches!(mapped, Mapped::Record(_)) {
                        mapped = Mapped::Failed { field: field.to_owned(), error };
                    }
                    None
                }
            }
        };
        let key = text_of(&object.key, "key").filter(|v| !v.is_null()).map(|v| v.to_string());
        let match_key = text_of(&object.match_key, "match").map(|v| crate::drivers::value_to_json(&v));
        let order = text_of(&object.order, "order").unwrap_or_default();
        let parent = object.parent.and_then(|(_, slot)| record.values.get(slot as usize).and_then(id_text));
        let changed = self.options.change_fields.get(index).and_then(Option::as_deref).and_then(|field| {
            match record.values.get(self.reader.slot(index, field)?)? {
                Value::DateTime(time) => Some(time.as_second()),
                Value::Int(seconds) => Some(*seconds),
                _ => None,
            }
        });
        let attachments = match (&object.attachments, &mapped) {
            (Some(block), Mapped::Record(_) | Mapped::Flagged(_) | Mapped::Failed { .. }) => {
                attachments::collect(block, &record.values, context)
            }
            _ => Vec::new(),
        };
        Mapping { id, mapped, key, match_key, order, parent, changed, attachments }
    }

    /// The ledger rows of everything these mappings refer to (refs and parents).
    async fn referenced_rows(
        &self,
        index: usize,
        mappings: &[Mapping],
    ) -> Result<HashMap<RefKey, RecordRow>, RunError> {
        let mut wanted: HashSet<RefKey> = HashSet::new();
        for mapping in mappings {
            if let Mapped::Record(fields) = &mapping.mapped {
                collect_refs(fields, &mut wanted);
            }
        }
        if let Some((parent, _)) = self.plan.objects[index].parent {
            let name = self.plan.objects[parent].name.clone();
            wanted.extend(mappings.iter().filter_map(|m| m.parent.clone()).map(|p| (name.clone(), p)));
        }
        let mut by_object: BTreeMap<std::sync::Arc<str>, Vec<String>> = BTreeMap::new();
        for (object, key) in wanted {
            by_object.entry(object).or_default().push(key);
        }
        let mut rows = HashMap::new();
        for (object, keys) in by_object {
            for (key, row) in self.ledger.get_many(&object, &keys).await? {
                rows.insert((object.clone(), key), row);
            }
        }
        Ok(rows)
    }

    /// Decide what to do with one mapped record.
    fn decide(
        &self,
        index: usize,
        scope: &Scope,
        mapping: &Mapping,
        existing: Option<&RecordRow>,
        referenced: &HashMap<RefKey, RecordRow>,
    ) -> Work {
        let object = &self.plan.objects[index];
        let mut row = existing.cloned().unwrap_or_else(|| {
            RecordRow::new(&object.name, &mapping.id, &object.destination, self.run, self.ledger.next_seq())
        });
        row.last_run = self.run;
        row.source_changed = mapping.changed.or(row.source_changed);
        let in_destination = row.in_destination();
        // A record already in the destination keeps its status; that it no longer maps (or
        // waits) is reported as stale, with the reason.
        let settle = |mut row: RecordRow, status: Status, field: Option<&str>, reason: String| {
            if row.in_destination() {
                row.action = Some(Action::Stale);
            } else {
                row.status = status;
                row.action = None;
            }
            row.field = field.map(str::to_owned);
            row.reason = Some(reason);
            Work::Settled(row)
        };
        if !scope.contains(index, &mapping.id) {
            let reason = scope.outside[index].clone().unwrap_or_else(|| "outside the sample".into());
            return settle(row, Status::Skipped, None, reason);
        }
        // --delta: a record unchanged at the source since it was settled is not mapped again.
        if self.options.delta
            && let (Some(changed), Some(existing)) = (mapping.changed, existing)
            && existing.source_changed.is_some_and(|seen| changed <= seen)
            && matches!(existing.status, Status::Done | Status::Skipped | Status::Flagged)
        {
            if existing.status == Status::Done {
                row.action = Some(Action::Unchanged);
            }
            return Work::Settled(row);
        }
        let fields = match &mapping.mapped {
            Mapped::Skipped => return settle(row, Status::Skipped, Some("where"), "left out by `where:`".into()),
            Mapped::Flagged(reason) => return settle(row, Status::Flagged, Some("flag"), reason.clone()),
            Mapped::Failed { field, error } => {
                let reason = format!("{} (at {})", error.message, (self.locate)(error.span));
                return settle(row, Status::Failed, Some(field), reason);
            }
            Mapped::Record(fields) => fields,
        };
        row.dedupe_key = mapping.key.clone();
        let capability = self.destination.capability(&object.destination);
        if capability.mode == WriteMode::Match {
            let key = mapping.match_key.clone().unwrap_or(Json::Null);
            if key.is_null() {
                let reason = format!(
                    "`match:` gave null: nothing to find the {} by; fill in the value `match:` reads in the source \
                     (a user's email), or change `match:`, then run again",
                    object.destination
                );
                return settle(row, Status::Queued, Some("match"), reason);
            }
            return Work::Match(row, key);
        }
        // The parent's destination id.
        let parent = match (object.parent, &mapping.parent) {
            (Some((parent, _)), Some(parent_id)) => {
                let name = self.plan.objects[parent].name.clone();
                row.parent_object = Some(name.to_string());
                row.parent_source_id = Some(parent_id.clone());
                match referenced.get(&(name.clone(), parent_id.clone())) {
                    Some(parent_row) if parent_row.in_destination() => parent_row.dest_id.clone(),
                    Some(parent_row) => {
                        let why = parent_row.reason.as_deref().unwrap_or("no reason recorded");
                        let status = if matches!(parent_row.status, Status::Flagged | Status::Skipped) {
                            Status::Skipped
                        } else {
                            Status::Queued
                        };
                        return settle(
                            row,
                            status,
                            None,
                            format!("its {name} {parent_id} is {}: {why}", parent_row.status),
                        );
                    }
                    None => {
                        return settle(
                            row,
                            Status::Queued,
                            None,
                            format!(
                                "its {name} {parent_id} has not been migrated (not read yet, or missing in the source)"
                            ),
                        );
                    }
                }
            }
            (Some((parent, slot)), None) => {
                let reason = format!(
                    "has no {}: its `{}` is empty (or names a record the source no longer has)",
                    self.plan.objects[parent].name, object.fields[slot as usize]
                );
                return settle(row, Status::Skipped, None, reason);
            }
            (None, _) => None,
        };
        row.parent_dest_id = parent.clone();
        let mut record = match resolve(&object.destination, fields, parent, referenced) {
            Ok(record) => record,
            Err(Blocked::Waiting(reason)) => return settle(row, Status::Queued, None, reason),
            Err(Blocked::Broken(reason)) => return settle(row, Status::Failed, None, reason),
        };
        if mapping.attachments.iter().any(|a| a.verdict == Verdict::Send) {
            record.fields.insert("attachments".to_owned(), attachments::references(&mapping.attachments));
        }
        let sum = checksum(&record);
        match (&row.status, &row.dest_id) {
            (Status::Written, Some(_)) => {
                row.payload = Some(to_payload(&record));
                Work::Complete { row, record, check_edit: false }
            }
            _ if in_destination && row.checksum.as_deref() == Some(sum.as_str()) => {
                row.action = Some(Action::Unchanged);
                row.reason = None;
                row.field = None;
                Work::Settled(row)
            }
            _ if in_destination => Work::Complete { row, record, check_edit: true },
            _ => Work::Create(row, record),
        }
    }

    // --- Writing -------------------------------------------------------------------------------

    async fn execute(&self, work: Work) -> Result<RecordRow, RunError> {
        match work {
            Work::Settled(row) => Ok(row),
            Work::Match(row, key) => self.match_existing(row, &key).await,
            Work::Create(row, record) => self.create(row, &record).await,
            Work::Complete { row, record, check_edit } => self.update(row, &record, check_edit).await,
        }
    }

    async fn match_existing(&self, mut row: RecordRow, key: &Json) -> Result<RecordRow, RunError> {
        let shown = key.as_str().map_or_else(|| key.to_string(), str::to_owned);
        match self.destination.match_existing(&row.kind, key).await {
            Ok(Some(id)) => {
                let same = row.dest_id.as_deref() == Some(id.as_str()) && row.status == Status::Done;
                row.action = Some(if same { Action::Unchanged } else { Action::Matched });
                row.status = Status::Done;
                row.origin = Some(Origin::Matched);
                row.dest_id = Some(id);
                row.reason = None;
                row.field = None;
            }
            Ok(None) if self.options.skip_unmatched.contains(&row.object) => {
                row.status = Status::Skipped;
                row.reason = Some(format!("no {} matches `{shown}` (`unmatched: skip`)", row.kind));
            }
            Ok(None) => {
                row.status = Status::Queued;
                row.dest_id = None;
                row.field = Some("match".into());
                row.reason = Some(match row.kind.as_str() {
                    "admin" => format!(
                        "no teammate with the email {shown} in the workspace: invite them in Intercom (Settings > \
                         Teammates), then run again"
                    ),
                    "team" => format!("no team named {shown} in the workspace: create it in Intercom, then run again"),
                    kind => format!("no {kind} matches {shown} in the workspace: create it, then run again"),
                });
            }
            Err(error) => self.write_failed(&mut row, &error),
        }
        Ok(row)
    }

    /// Record a failed write. The reason kept in the ledger leaves out Intercom's request id
    /// (so equal failures group in the report); the log keeps it for support.
    fn write_failed(&self, row: &mut RecordRow, error: &WriteError) {
        tracing::warn!(object = %row.object, source_id = %row.source_id, "write failed: {error}");
        if let WriteError::Fatal(message) = error {
            self.set_fatal(message);
        }
        if !row.in_destination() {
            row.status = Status::Failed;
        }
        let reason = match error {
            WriteError::Unavailable(message) => format!("{message}; retried on the next run"),
            other => other.to_string(),
        };
        row.reason = Some(without_request_id(&reason));
    }

    /// The record as sent: each referenced file's content read from the source, one file at a
    /// time, and checked again at its real size. Files refused now are flagged in the ledger
    /// before the send (the part goes without them). `Ok(None)`: nothing to read (no files, or a
    /// destination that takes references only); `Ok(Err(reason))`: the source could not be read,
    /// the record is not sent this run.
    async fn with_attachment_files(
        &self,
        row: &RecordRow,
        record: &Outgoing,
    ) -> Result<Result<Option<Outgoing>, String>, RunError> {
        let Some((_, object)) = self.plan.object(&row.object) else { return Ok(Ok(None)) };
        let (Some(block), Some(Json::Array(references))) = (&object.attachments, record.fields.get("attachments"))
        else {
            return Ok(Ok(None));
        };
        if !self.destination.takes_attachment_files() {
            return Ok(Ok(None));
        }
        let mut files = Vec::with_capacity(references.len());
        let mut refused = Vec::new();
        for reference in references {
            match self.reader.with_source(|source| attachments::load(source, block, reference, &block.limits)) {
                Ok(file) => files.push(file),
                Err(LoadError::Refused(reason)) => {
                    let id = reference.get("source_id").and_then(Json::as_str).unwrap_or_default();
                    let object = attachments::object_name(&row.object);
                    let mut flagged = self.ledger.get(&object, id).await?.unwrap_or_else(|| {
                        RecordRow::new(&object, id, attachments::KIND, self.run, self.ledger.next_seq())
                    });
                    flagged.status = Status::Flagged;
                    flagged.action = None;
                    flagged.dest_id = None;
                    flagged.field = Some("data".into());
                    flagged.reason = Some(reason);
                    flagged.parent_object = Some(row.object.clone());
                    flagged.parent_source_id = Some(row.source_id.clone());
                    flagged.last_run = self.run;
                    refused.push(flagged);
                }
                Err(LoadError::Source(error)) => {
                    let name = reference.get("name").and_then(Json::as_str).unwrap_or_default();
                    return Ok(Err(format!(
                        "reading the content of attachment {name}: {error}; retried on the next run"
                    )));
                }
            }
        }
        self.ledger.put_many(&refused).await?;
        let mut sending = record.clone();
        if files.is_empty() {
            sending.fields.remove("attachments");
        } else {
            sending.fields.insert("attachments".to_owned(), Json::Array(files));
        }
        Ok(Ok(Some(sending)))
    }

    /// Record what happened to a record's files now that its own row is final, and count them.
    async fn record_attachments(&self, index: usize, mapping: &Mapping, row: &RecordRow) -> Result<(), RunError> {
        if mapping.attachments.is_empty() {
            return Ok(());
        }
        let object = attachments::object_name(&row.object);
        let ids: Vec<String> = mapping.attachments.iter().map(|a| a.id.clone()).collect();
        let existing = self.ledger.get_many(&object, &ids).await?;
        let rows = attachments::rows(row, &mapping.attachments, &existing, self.run, || self.ledger.next_seq());
        self.ledger.put_many(&rows).await?;
        let mut counts = self.attachment_counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let counts = counts.entry(index).or_default();
        counts.read += rows.len() as i64;
        counts.mapped += rows.len() as i64;
        for row in &rows {
            match (row.status, row.action) {
                (Status::Skipped, _) => counts.skipped += 1,
                (Status::Flagged, _) => counts.flagged += 1,
                (Status::Failed, _) => counts.failed += 1,
                (Status::Queued, _) => counts.queued += 1,
                (_, Some(Action::Created)) => counts.created += 1,
                _ => counts.unchanged += 1,
            }
        }
        Ok(())
    }

    async fn create(&self, mut row: RecordRow, record: &Outgoing) -> Result<RecordRow, RunError> {
        if self.stopped() {
            // Not sent; the next run sends it.
            if !row.in_destination() {
                row.status = Status::Failed;
                row.reason = Some("not sent: the run was stopped first; sent on the next run".into());
            }
            return Ok(row);
        }
        // Records sharing a `key:` share one destination record.
        if let Some(key) = row.dedupe_key.clone()
            && let Some(first) = self.ledger.by_key(&row.object, &key).await?
            && first.source_id != row.source_id
        {
            row.status = Status::Done;
            row.origin = Some(Origin::Merged);
            row.action = Some(Action::Merged);
            row.dest_id = first.dest_id;
            row.checksum = Some(checksum(record));
            row.reason = Some(format!("same key as {} {}", row.object, first.source_id));
            return Ok(row);
        }
        // The files' content, read now, one file at a time; the intent keeps the references only.
        let sending = match self.with_attachment_files(&row, record).await? {
            Ok(sending) => sending,
            Err(reason) => {
                row.status = Status::Failed;
                row.reason = Some(reason);
                return Ok(row);
            }
        };
        let sending = sending.as_ref().unwrap_or(record);
        row.status = Status::Intent;
        row.payload = Some(to_payload(record));
        row.reason = None;
        row.field = None;
        row.seq = self.ledger.next_seq();
        self.ledger.put(&row).await?;
        for _ in 0..CREATE_ATTEMPTS {
            match self.destination.create(sending).await {
                Ok(written) => {
                    let (origin, action) = if written.existed {
                        (Origin::Matched, Action::Matched)
                    } else {
                        (Origin::Created, Action::Created)
                    };
                    row.origin = Some(origin);
                    row.dest_id = Some(written.id.clone());
                    self.applied(&mut row, record, &written, action);
                    self.ledger.put(&row).await?;
                    return Ok(row);
                }
                Err(WriteError::Ambiguous(message)) => match self.destination.find(record).await {
                    Ok(Some(id)) => {
                        tracing::info!(object = %row.object, source_id = %row.source_id, "ambiguous create settled: found {id}");
                        row.dest_id = Some(id.clone());
                        row.origin = Some(Origin::Created);
                        row.status = Status::Written;
                        self.ledger.put(&row).await?;
                        return self.finish(row, &id, record, Action::Created).await;
                    }
                    Ok(None) => {
                        tracing::info!(object = %row.object, source_id = %row.source_id, "ambiguous create not applied ({message}); sent again");
                    }
                    Err(error) => {
                        row.reason = Some(format!(
                            "outcome unknown ({message}); the lookup failed too ({error}): settled on the next run"
                        ));
                        if let WriteError::Fatal(message) = &error {
                            self.set_fatal(message);
                        }
                        return Ok(row);
                    }
                },
                Err(WriteError::Incomplete { id, message }) => {
                    row.dest_id = Some(id.clone());
                    row.origin = Some(Origin::Created);
                    row.status = Status::Written;
                    row.reason = Some(message);
                    self.ledger.put(&row).await?;
                    return self.finish(row, &id, record, Action::Created).await;
                }
                Err(error) => {
                    self.write_failed(&mut row, &error);
                    row.payload = None;
                    return Ok(row);
                }
            }
        }
        row.status = Status::Failed;
        row.payload = None;
        row.reason = Some(format!("the destination gave no answer to {CREATE_ATTEMPTS} creates and none was applied"));
        Ok(row)
    }

    async fn update(&self, mut row: RecordRow, record: &Outgoing, check_edit: bool) -> Result<RecordRow, RunError> {
        let Some(id) = row.dest_id.clone() else { return Ok(row) };
        if !check_edit {
            return self.finish(row, &id, record, Action::Created).await;
        }
        let capability = self.destination.capability(&row.kind);
        if !capability.updatable {
            row.action = Some(Action::Stale);
            row.reason = Some(format!(
                "changed in the source after the import; a {} cannot be edited in the destination",
                row.kind
            ));
            return Ok(row);
        }
        match self.destination.updated_at(&row.kind, &id, row.parent_dest_id.as_deref()).await {
            Ok(Some(now)) if row.dest_updated.is_some_and(|ours| now > ours) => {
                row.action = Some(Action::Edited);
                row.reason = Some(format!(
                    "edited in the destination after the import (at {}); the source changed too: not overwritten, \
                     compare and update it by hand",
                    jiff::Timestamp::from_second(now).map_or_else(|_| now.to_string(), |t| t.to_string())
                ));
                return Ok(row);
            }
            Ok(_) => {}
            Err(error) => {
                row.reason = Some(format!("not updated: {error}; retried on the next run"));
                return Ok(row);
            }
        }
        if self.stopped() {
            return Ok(row);
        }
        match self.destination.complete(&id, record).await {
            Ok(written) => self.applied(&mut row, record, &written, Action::Updated),
            Err(error) => self.write_failed(&mut row, &error),
        }
        Ok(row)
    }

    // --- Phases --------------------------------------------------------------------------------

    /// A top-level object: pages in source order, writes of a page in parallel.
    async fn object(&self, index: usize, scope: &Scope) -> Result<Counts, RunError> {
        let object = &self.plan.objects[index];
        let name = object.name.to_string();
        let resumed = self.ledger.cursor(&name).await?;
        let start = resumed.clone().flatten().map(Cursor);
        let total =
            if scope.sample { scope.allowed[index].as_ref().map(|s| s.len() as u64) } else { self.reader.count(index) };
        self.progress.start(&name, total);
        let mut counts = Counts { in_source: total.map(|t| t as i64), ..Counts::default() };
        let mut seen: HashSet<String> = HashSet::new();
        let mut high_water: Option<i64> = None;
        let mut finished = false;
        // The next page is read and mapped on a thread of its own while this one is written.
        let (pages, mut incoming) = tokio::sync::mpsc::channel::<MappedPage>(1);
        let written: Result<(), RunError> = tokio::task::block_in_place(|| {
            std::thread::scope(|threads| {
                threads.spawn(|| self.read_ahead(index, scope, start, pages));
                tokio::runtime::Handle::current().block_on(async {
                    let outcome = async {
                        while !self.stopped() {
                            let Some(page) = incoming.recv().await else { break };
                            let (mappings, next) = page?;
                            let rows = self.write_page(index, scope, &mappings).await?;
                            for mapping in &mappings {
                                seen.insert(mapping.id.clone());
                                high_water = high_water.max(mapping.changed);
                            }
                            tally(&mut counts, &mappings, &rows);
                            if self.stopped() {
                                break;
                            }
                            match next {
                                Some(next) => self.ledger.set_cursor(&name, self.run, Some(&next.0)).await?,
                                None => {
                                    finished = true;
                                    break;
                                }
                            }
                        }
                        Ok(())
                    }
                    .await;
                    // Let the reader go: its next send fails and it stops.
                    incoming.close();
                    outcome
                })
            })
        });
        written?;
        if finished {
            self.ledger.clear_cursor(&name).await?;
            self.end_pass(&name, &mut counts, !scope.sample && resumed.is_none(), &seen, high_water).await?;
        }
        self.progress.finish(&summary_line(&counts));
        Ok(counts)
    }

    /// Read and map the pages of object `index` from `after` on, handing each to the writer;
    /// stops at the end, on an error (handed over too), or when the writer no longer listens.
    fn read_ahead(
        &self,
        index: usize,
        scope: &Scope,
        mut after: Option<Cursor>,
        pages: tokio::sync::mpsc::Sender<MappedPage>,
    ) {
        loop {
            let page = self.reader.page(index, after.as_ref()).map(|(batch, cache)| {
                let context = Context { plan: self.plan, cache: &cache };
                let mappings: Vec<Mapping> = batch
                    .records
                    .iter()
                    .filter(|record| !scope.sample || id_text(&record.id).is_some_and(|id| scope.contains(index, &id)))
                    .map(|record| self.map(index, record, &context))
                    .collect();
                (mappings, batch.next)
            });
            let next = page.as_ref().ok().and_then(|(_, next)| next.clone());
            if pages.blocking_send(page).is_err() {
                return;
            }
            match next {
                Some(next) => after = Some(next),
                None => return,
            }
        }
    }

    /// A pass over an object read it to the end: a complete pass (the whole object, from the
    /// start) finds records deleted at the source; the high-water mark moves.
    async fn end_pass(
        &self,
        name: &str,
        counts: &mut Counts,
        complete: bool,
        seen: &HashSet<String>,
        high_water: Option<i64>,
    ) -> Result<(), RunError> {
        counts.complete = complete;
        if complete {
            self.mark_deleted_in_source(name, seen).await?;
        }
        if let Some(mark) = high_water {
            self.ledger.set_high_water(name, mark).await?;
        }
        Ok(())
    }

    /// Decide and write one page: records with a `key:` shared by an earlier record of the same
    /// page wait until that one is written, then merge with it.
    async fn write_page(&self, index: usize, scope: &Scope, mappings: &[Mapping]) -> Result<Vec<RecordRow>, RunError> {
        let ids: Vec<String> = mappings.iter().map(|m| m.id.clone()).collect();
        let existing = self.ledger.get_many(&self.plan.objects[index].name, &ids).await?;
        let referenced = self.referenced_rows(index, mappings).await?;
        let mut first_wave = Vec::new();
        let mut second_wave = Vec::new();
        let mut keys: HashSet<String> = HashSet::new();
        for mapping in mappings {
            let work = self.decide(index, scope, mapping, existing.get(&mapping.id), &referenced);
            let follows = matches!(work, Work::Create(..))
                && work.row().dedupe_key.as_ref().is_some_and(|k| !keys.insert(k.clone()));
            if follows { second_wave.push(work) } else { first_wave.push(work) }
        }
        let mut rows = self.execute_all(first_wave).await?;
        rows.extend(self.execute_all(second_wave).await?);
        Ok(rows)
    }

    async fn execute_all(&self, works: Vec<Work>) -> Result<Vec<RecordRow>, RunError> {
        let settled: Vec<RecordRow> =
            works.iter().filter_map(|w| if let Work::Settled(row) = w { Some(row.clone()) } else { None }).collect();
        self.ledger.put_many(&settled).await?;
        self.progress.advance(settled.len() as u64);
        let pending = works.into_iter().filter(|w| !matches!(w, Work::Settled(_)));
        let results: Vec<Result<RecordRow, RunError>> = stream::iter(pending)
            .map(|work| async move {
                let row = self.execute(work).await?;
                self.ledger.put(&row).await?;
                self.progress.advance(1);
                Ok(row)
            })
            .buffer_unordered(self.options.concurrency.max(1))
            .collect()
            .await;
        let mut rows = settled;
        for result in results {
            rows.push(result?);
        }
        Ok(rows)
    }

    /// A child object, [`PARENTS_PER_READ`] parents at a time: the children of the parents the
    /// ledger knows (in id order; in a sample run, the sampled ones) are read, mapped, and
    /// written parent by parent in `order:` order, many parents at once, while the next batch
    /// of parents is read. Only one batch of children is held at a time. A source that cannot
    /// select by parent is read whole instead ([`children_by_scan`](Self::children_by_scan)).
    ///
    /// Children are only read for parents in the ledger: those of a parent that was never
    /// read (outside the parent's `where:`, say) are not read either, and the phase's "in
    /// source" count is the children read, not every record of the source object.
    async fn children(&self, index: usize, scope: &Scope) -> Result<Counts, RunError> {
        let object = &self.plan.objects[index];
        let Some((parent, _)) = object.parent else { return self.children_by_scan(index, scope).await };
        let mut parents = self.ledger.source_ids(&self.plan.objects[parent].name).await?;
        parents.retain(|id| scope.contains(parent, id));
        parents.sort_by(|a, b| natural(a, b));
        let chunks: Vec<&[String]> = parents.chunks(PARENTS_PER_READ).collect();
        let first = match chunks.first() {
            Some(chunk) => match self.reader.children_of(index, chunk)? {
                Some(read) => Some(read),
                None => return self.children_by_scan(index, scope).await,
            },
            None => None,
        };
        let name = object.name.to_string();
        let total = if scope.sample { scope.allowed[index].as_ref().map(|s| s.len() as u64) } else { None };
        self.progress.start(&name, total);
        let mut counts = Counts::default();
        let mut first = first;
        // Every child id read (for records deleted at the source) and the latest change time.
        let tracked: Mutex<(HashSet<String>, Option<i64>)> = Mutex::new((HashSet::new(), None));
        type Written = Result<(Vec<RecordRow>, Vec<Mapping>), RunError>;
        let results: Vec<Written> = stream::iter(chunks)
            .then(|chunk| {
                let read = first.take();
                let tracked = &tracked;
                async move {
                    if self.stopped() {
                        return Ok(Vec::new());
                    }
                    let (records, cache) = match read {
                        Some(read) => read,
                        None => self.reader.children_of(index, chunk)?.unwrap_or_default(),
                    };
                    let context = Context { plan: self.plan, cache: &cache };
                    let mut groups: BTreeMap<String, Vec<Mapping>> = BTreeMap::new();
                    let mut tracked = tracked.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    for record in &records {
                        if scope.sample && !id_text(&record.id).is_some_and(|id| scope.contains(index, &id)) {
                            continue;
                        }
                        let mapping = self.map(index, record, &context);
                        tracked.0.insert(mapping.id.clone());
                        tracked.1 = tracked.1.max(mapping.changed);
                        if let Some(parent) = &mapping.parent {
                            groups.entry(parent.clone()).or_default().push(mapping);
                        }
                    }
                    Ok(groups.into_values().map(sorted_group).collect::<Vec<_>>())
                }
            })
            .map(|groups: Result<Vec<Vec<Mapping>>, RunError>| match groups {
                Ok(groups) => stream::iter(groups.into_iter().map(Ok)).left_stream(),
                Err(error) => stream::once(std::future::ready(Err(error))).right_stream(),
            })
            .flatten()
            .map(|group: Result<Vec<Mapping>, RunError>| async move {
                let group = group?;
                let rows = self.write_group(index, scope, &group).await?;
                Ok((rows, group))
            })
            .buffer_unordered(self.options.concurrency.max(1))
            .collect()
            .await;
        let (mut seen, high_water) = tracked.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        for result in results {
            let (rows, group) = result?;
            tally(&mut counts, &group, &rows);
        }
        // Children of no parent read (an empty link, a rating whose customer was deleted) are
        // recorded with the reason, so the report accounts for them.
        if !scope.sample
            && !self.stopped()
            && let Some((records, cache)) = self.reader.children_outside(index, &parents)?
        {
            let context = Context { plan: self.plan, cache: &cache };
            let orphans: Vec<Mapping> = records.iter().map(|record| self.map(index, record, &context)).collect();
            seen.extend(orphans.iter().map(|m| m.id.clone()));
            let rows = self.write_page(index, scope, &orphans).await?;
            tally(&mut counts, &orphans, &rows);
        }
        counts.in_source = Some(counts.read);
        if !self.stopped() {
            self.end_pass(&name, &mut counts, !scope.sample, &seen, high_water).await?;
        }
        self.save_attachment_counts(index, &name, scope).await?;
        self.progress.finish(&summary_line(&counts));
        Ok(counts)
    }

    /// A child object from a source that cannot select by parent: every record read and mapped
    /// first, then written parent by parent in `order:` order.
    async fn children_by_scan(&self, index: usize, scope: &Scope) -> Result<Counts, RunError> {
        let object = &self.plan.objects[index];
        let name = object.name.to_string();
        let total =
            if scope.sample { scope.allowed[index].as_ref().map(|s| s.len() as u64) } else { self.reader.count(index) };
        self.progress.start(&name, total);
        let mut counts = Counts { in_source: total.map(|t| t as i64), ..Counts::default() };
        let mut groups: BTreeMap<String, Vec<Mapping>> = BTreeMap::new();
        let mut orphans: Vec<Mapping> = Vec::new();
        let mut high_water: Option<i64> = None;
        let mut after: Option<Cursor> = None;
        loop {
            let (batch, cache) = self.reader.page(index, after.as_ref())?;
            let context = Context { plan: self.plan, cache: &cache };
            for record in &batch.records {
                if scope.sample && !id_text(&record.id).is_some_and(|id| scope.contains(index, &id)) {
                    continue;
                }
                let mapping = self.map(index, record, &context);
                high_water = high_water.max(mapping.changed);
                match &mapping.parent {
                    Some(parent) => groups.entry(parent.clone()).or_default().push(mapping),
                    None => orphans.push(mapping),
                }
            }
            match batch.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let seen: HashSet<String> = groups.values().flatten().chain(&orphans).map(|m| m.id.clone()).collect();
        let rows = self.write_page(index, scope, &orphans).await?;
        tally(&mut counts, &orphans, &rows);
        let groups: Vec<Vec<Mapping>> = groups.into_values().map(sorted_group).collect();
        type Written = Result<(Vec<RecordRow>, Vec<Mapping>), RunError>;
        let results: Vec<Written> = stream::iter(groups)
            .map(|group| async move {
                let rows = self.write_group(index, scope, &group).await?;
                Ok((rows, group))
            })
            .buffer_unordered(self.options.concurrency.max(1))
            .collect()
            .await;
        for result in results {
            let (rows, group) = result?;
            tally(&mut counts, &group, &rows);
        }
        if !self.stopped() {
            self.end_pass(&name, &mut counts, !scope.sample, &seen, high_water).await?;
        }
        self.save_attachment_counts(index, &name, scope).await?;
        self.progress.finish(&summary_line(&counts));
        Ok(counts)
    }

    /// Save the counts of the attachments object `index`'s records carried in this run.
    async fn save_attachment_counts(&self, index: usize, name: &str, scope: &Scope) -> Result<(), RunError> {
        let files = self.attachment_counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&index);
        if let Some(mut files) = files {
            files.complete = !scope.sample && !self.stopped();
            files.in_source = Some(files.read);
            self.ledger.save_counts(self.run, &attachments::object_name(name), &files).await?;
            self.progress.note(&format!("{}: {}", attachments::object_name(name), summary_line(&files)));
        }
        Ok(())
    }

    /// The children of one parent, one at a time, in order. A child that does not reach the
    /// destination, or waits in the queue for a record it refers to, holds back the later ones
    /// that would be created after it.
    async fn write_group(&self, index: usize, scope: &Scope, group: &[Mapping]) -> Result<Vec<RecordRow>, RunError> {
        let name = &self.plan.objects[index].name;
        let ids: Vec<String> = group.iter().map(|m| m.id.clone()).collect();
        let existing = self.ledger.get_many(name, &ids).await?;
        let referenced = self.referenced_rows(index, group).await?;
        let mut rows = Vec::with_capacity(group.len());
        let mut held: Option<(String, String)> = None;
        let mut wrote = false;
        let mut parent: Option<(String, String)> = None;
        for mapping in group {
            let work = self.decide(index, scope, mapping, existing.get(&mapping.id), &referenced);
            let row = match (&held, work) {
                (Some((earlier, why)), Work::Create(mut row, _)) => {
                    row.status = Status::Queued;
                    row.reason = Some(format!("waits for the earlier {name} {earlier} of the same parent: {why}"));
                    row
                }
                (_, work) => {
                    let creates = matches!(work, Work::Create(..));
                    let row = self.execute(work).await?;
                    if creates && row.status == Status::Done {
                        wrote = true;
                        parent = row.parent_object.clone().zip(row.parent_source_id.clone());
                    }
                    // A child that was to be created but is not, or that waits for a record it
                    // refers to (an author to invite), holds back the later ones: parts cannot be
                    // reordered once written.
                    let waits = row.status == Status::Queued && !row.in_destination();
                    if ((creates && row.status != Status::Done) || waits) && held.is_none() {
                        held = Some((row.source_id.clone(), row.reason.clone().unwrap_or_default()));
                    }
                    row
                }
            };
            self.ledger.put(&row).await?;
            if scope.contains(index, &mapping.id) {
                self.record_attachments(index, mapping, &row).await?;
            }
            self.progress.advance(1);
            rows.push(row);
        }
        // Replies can reopen a closed conversation and move its change time: apply the parent's
        // state, assignment and tags again, and note the change time our own writes left.
        // Other parents (a contact whose notes set its attributes) only get that change time
        // noted, so a later run does not take our own writes for a person's edit.
        if wrote
            && let Some((parent_object, parent_id)) = parent
            && let Some(mut parent_row) = self.ledger.get(&parent_object, &parent_id).await?
            && let Some(dest) = parent_row.dest_id.clone()
        {
            match parent_row.payload.as_deref().and_then(from_payload) {
                Some(record) => {
                    match self.destination.complete(&dest, &record).await {
                        Ok(written) => parent_row.dest_updated = written.updated_at.or(parent_row.dest_updated),
                        Err(error) => {
                            tracing::warn!(object = %parent_object, source_id = %parent_id, "re-applying state failed: {error}");
                            parent_row.status = Status::Written;
                            parent_row.reason = Some(format!(
                                "replies added, state not re-applied ({error}); finished on the next run"
                            ));
                        }
                    }
                    self.ledger.put(&parent_row).await?;
                }
                None => self.note_change_time(&parent_row, &dest).await?,
            }
        }
        Ok(rows)
    }

    /// A child finished while settling changed its parent too: note the parent's change time,
    /// as after a group of children (conversations are re-applied after their next group).
    async fn note_parent_change(&self, row: &RecordRow) -> Result<(), RunError> {
        let (Some(object), Some(id)) = (&row.parent_object, &row.parent_source_id) else { return Ok(()) };
        if row.status == Status::Done
            && let Some(parent) = self.ledger.get(object, id).await?
            && parent.payload.is_none()
            && let Some(dest) = parent.dest_id.clone()
        {
            self.note_change_time(&parent, &dest).await?;
        }
        Ok(())
    }

    /// After children changed a parent that is not re-applied (a contact whose notes set its
    /// attributes): note the parent's change time on its row and, for a record merged by `key:`,
    /// on the row that created the destination record (the one checked for edits). Merged
    /// parents' children write to one record side by side, so the latest time read wins.
    async fn note_change_time(&self, row: &RecordRow, dest: &str) -> Result<(), RunError> {
        let updated = match self.destination.updated_at(&row.kind, dest, None).await {
            Ok(Some(updated)) => updated,
            Ok(None) => return Ok(()),
            Err(error) => {
                tracing::warn!(object = %row.object, source_id = %row.source_id, "reading the change time failed: {error}");
                return Ok(());
            }
        };
        let mut ids = vec![row.source_id.clone()];
        if row.origin == Some(Origin::Merged) {
            let sharing = self.ledger.sharing(&row.object, dest).await?;
            ids.extend(sharing.into_iter().filter(|r| r.origin != Some(Origin::Merged)).map(|r| r.source_id));
        }
        for id in ids {
            if let Some(mut current) = self.ledger.get(&row.object, &id).await?
                && current.dest_updated.is_none_or(|seen| seen < updated)
            {
                current.dest_updated = Some(updated);
                self.ledger.put(&current).await?;
            }
        }
        Ok(())
    }

    /// Rows in the destination whose source record was not seen in a complete pass.
    async fn mark_deleted_in_source(&self, object: &str, seen: &HashSet<String>) -> Result<(), RunError> {
        let mut gone = Vec::new();
        for mut row in self.ledger.of_object(object).await? {
            if !seen.contains(&row.source_id) && row.in_destination() && row.action != Some(Action::DeletedInSource) {
                row.action = Some(Action::DeletedInSource);
                row.reason = Some("deleted in the source after the import; kept in the destination".into());
                row.last_run = self.run;
                gone.push(row);
            }
        }
        self.ledger.put_many(&gone).await?;
        Ok(())
    }
}

/// `… [request 0271…]` without the bracketed request id.
fn without_request_id(text: &str) -> String {
    match text.find(" [request ") {
        Some(start) => {
            let end = text[start..].find(']').map_or(text.len(), |e| start + e + 1);
            format!("{}{}", &text[..start], &text[end..])
        }
        None => text.to_owned(),
    }
}

/// Every `custom_attributes.NAME` the objects write, typed from the destination lock (or from
/// the checker's list of attributes the lock lacks).
pub fn attributes_needed(plan: &Plan, sink: &crate::check::schema::SchemaLock) -> Vec<crate::check::NewAttribute> {
    let mut needed: Vec<crate::check::NewAttribute> = plan.attributes.clone();
    for object in &plan.objects {
        let home = crate::check::attributes_home(&object.destination);
        for output in &object.outputs {
            let Some(name) = output.field.strip_prefix("custom_attributes.") else { continue };
            if needed.iter().any(|a| a.kind == home && a.name == name) {
                continue;
            }
            let typed = sink.objects.get(home).and_then(|o| o.fields.get(&output.field));
            if let Some(field) = typed {
                needed.push(crate::check::NewAttribute {
                    kind: home.to_owned(),
                    name: name.to_owned(),
                    field_type: field.field_type,
                    options: field.values.iter().map(|v| v.value.clone()).collect(),
                    span: output.span,
                });
            }
        }
    }
    needed
}

/// Ids in numeric order when both are numbers.
/// One parent's children in `order:` order (ties by id).
fn sorted_group(mut group: Vec<Mapping>) -> Vec<Mapping> {
    group.sort_by(|a, b| {
        a.order.compare(&b.order).unwrap_or(std::cmp::Ordering::Equal).then_with(|| natural(&a.id, &b.id))
    });
    group
}

fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<i64>(), b.parse::<i64>()) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        _ => a.cmp(b),
    }
}

fn tally(counts: &mut Counts, mappings: &[Mapping], rows: &[RecordRow]) {
    counts.read += mappings.len() as i64;
    counts.mapped += mappings.iter().filter(|m| matches!(m.mapped, Mapped::Record(_))).count() as i64;
    for row in rows {
        match (row.status, row.action) {
            (Status::Skipped, _) => counts.skipped += 1,
            (Status::Flagged, _) => counts.flagged += 1,
            (Status::Failed | Status::Intent | Status::Written, _) => counts.failed += 1,
            (Status::Queued, _) => counts.queued += 1,
            (_, Some(Action::Created)) => counts.created += 1,
            (_, Some(Action::Matched | Action::Merged)) => counts.matched += 1,
            (_, Some(Action::Updated)) => counts.updated += 1,
            (_, Some(Action::Edited | Action::Stale)) => counts.edited += 1,
            _ => counts.unchanged += 1,
        }
    }
}

/// `120 read: 100 created, 5 matched, …` for the end of a phase.
pub fn summary_line(counts: &Counts) -> String {
    let parts: Vec<String> = [
        ("created", counts.created),
        ("matched", counts.matched),
        ("updated", counts.updated),
        ("unchanged", counts.unchanged),
        ("skipped", counts.skipped),
        ("flagged", counts.flagged),
        ("queued", counts.queued),
        ("failed", counts.failed),
        ("edited or stale", counts.edited),
    ]
    .iter()
    .filter(|(_, n)| *n > 0)
    .map(|(what, n)| format!("{n} {what}"))
    .collect();
    format!("{} read: {}", counts.read, if parts.is_empty() { "nothing to do".to_owned() } else { parts.join(", ") })
}

/// The source field that holds a record's change time, by the source system's convention, when
/// the lock has it as a date-time: Odoo `write_date`, OTRS `change_time`, TOPdesk
/// `modificationDate`.
pub fn change_field(lock: Option<&crate::check::schema::SchemaLock>, object: &PlanObject) -> Option<String> {
    let lock = lock?;
    let fields = lock.objects.get(&object.source)?;
    ["write_date", "change_time", "modificationDate"]
        .into_iter()
        .find(|name| fields.field(name).is_some_and(|f| f.field_type == crate::check::schema::FieldType::Datetime))
        .map(str::to_owned)
}

/// [`change_field`] for every object of the plan.
pub fn change_fields(plan: &Plan, lock: Option<&crate::check::schema::SchemaLock>) -> Vec<Option<String>> {
    plan.objects.iter().map(|object| change_field(lock, object)).collect()
}

#[cfg(test)]
mod tests {
    use super::{natural, without_request_id};

    #[test]
    fn request_ids_stay_out_of_ledger_reasons() {
        assert_eq!(
            without_request_id("rejected: HTTP 400: parameter_invalid [request 0271-ab] in field `x`"),
            "rejected: HTTP 400: parameter_invalid in field `x`"
        );
        assert_eq!(without_request_id("plain"), "plain");
    }

    #[test]
    fn numeric_ids_sort_as_numbers() {
        let mut ids = vec!["10", "9", "b", "100", "a"];
        ids.sort_by(|a, b| natural(a, b));
        assert_eq!(ids, vec!["9", "10", "100", "a", "b"]);
    }
}
