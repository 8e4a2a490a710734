//! Attachments: the files of a record (a conversation part's `ir.attachment`s), judged against
//! what the destination accepts, sent with the record, and each accounted for in the ledger.
//!
//! An object's `attachments:` block lists related attachment records. Their metadata (name,
//! type, size) is prefetched with each page like any relation; their content is never read with
//! the page. While a part is written, each accepted file's content is read on its own
//! ([`load`]), so a part holds at most its own files in memory. The outgoing record as
//! checksummed and kept in the ledger carries [`references`] (ids, names, types, sizes), never
//! the content: a resend reads the content again.
//!
//! Every attachment gets its own ledger row under [`object_name`] (`part.attachments`), with the
//! part as parent: `done` (with the part's destination id) when it rode on the part, `flagged`
//! with the reason when a limit held it back, `skipped` when the block's `where:` left it out.

use std::collections::HashMap;

use base64::Engine as _;
use serde_json::{Value as Json, json};

use crate::drivers::{DriverError, Source};
use crate::plan::PlanAttachments;
use crate::run::interpreter::{Context, IdKey, eval};
use crate::run::outgoing::id_text;
use crate::run::value::Value;
use crate::spec::model::Endpoint;
use crate::state::{Action, RecordRow, Status};

/// The destination kind of attachment rows in the ledger.
pub const KIND: &str = "attachment";

/// File name extensions not sent unless the spec says otherwise: programs and scripts, which
/// Intercom and mail filters refuse or strip.
pub const DEFAULT_BLOCKED: &[&str] = &[
    "exe", "bat", "cmd", "com", "msi", "msp", "scr", "pif", "cpl", "js", "jse", "vbs", "vbe", "wsf", "wsh", "hta",
    "ps1", "psm1", "jar", "reg", "lnk", "dll",
];

/// Most files on one reply by default (Intercom's documented cap).
pub const DEFAULT_MAX_FILES: usize = 10;

/// Largest file sent by default, in MiB.
pub const DEFAULT_MAX_MB: f64 = 25.0;

/// What the destination accepts: set in `sink:` (`attachment_max_files`, `attachment_max_mb`,
/// `attachment_blocked_types`), with Intercom's defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Most files on one record.
    pub max_files: usize,
    /// Largest file, in bytes.
    pub max_bytes: u64,
    /// Blocked extensions, lower case, without the dot.
    pub blocked: Vec<String>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_files: DEFAULT_MAX_FILES,
            max_bytes: mib_to_bytes(DEFAULT_MAX_MB),
            blocked: DEFAULT_BLOCKED.iter().map(|e| (*e).to_owned()).collect(),
        }
    }
}

fn mib_to_bytes(mib: f64) -> u64 {
    (mib * 1024.0 * 1024.0).round() as u64
}

impl Limits {
    /// The limits a sink's settings give (defaults for what it leaves out).
    pub fn from_endpoint(sink: &Endpoint) -> Limits {
        let mut limits = Limits::default();
        if let Some(files) = &sink.attachment_max_files {
            limits.max_files = files.value.max(1) as usize;
        }
        if let Some(mb) = &sink.attachment_max_mb
            && mb.value.is_finite()
            && mb.value > 0.0
        {
            limits.max_bytes = mib_to_bytes(mb.value);
        }
        if let Some(blocked) = &sink.attachment_blocked_types {
            limits.blocked = blocked
                .iter()
                .map(|e| e.value.trim().trim_start_matches('.').to_ascii_lowercase())
                .filter(|e| !e.is_empty())
                .collect();
        }
        limits
    }

    /// The blocked extension of a file name, if it has one.
    pub fn blocked_extension(&self, name: &str) -> Option<String> {
        let (_, extension) = name.trim().rsplit_once('.')?;
        let extension = extension.to_ascii_lowercase();
        self.blocked.contains(&extension).then_some(extension)
    }
}

/// What happens to one attachment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Sent with its record.
    Send,
    /// Held back for a person: the rule (`type`, `size`, `count`, `data`, `mapping`, `edit`) and the reason.
    Flag {
        /// Which check held it back.
        rule: &'static str,
        /// Why, naming the file.
        reason: String,
    },
    /// Left out by the block's `where:`.
    Skip,
}

/// One attachment of a record, from its prefetched metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    /// The attachment's source id.
    pub id: String,
    /// The file name.
    pub name: String,
    /// The MIME type.
    pub content_type: String,
    /// The size in bytes the source reports.
    pub size: Option<u64>,
    /// What happens to it.
    pub verdict: Verdict,
}

/// `part` → `part.attachments`: the ledger object of an object's attachments.
pub fn object_name(object: &str) -> String {
    format!("{object}.attachments")
}

/// A size for people: `30.0 MiB`, `812 KiB`, `12 bytes`.
pub fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= KIB {
        format!("{} KiB", bytes.div_ceil(KIB))
    } else {
        format!("{bytes} bytes")
    }
}

fn too_large(name: &str, size: u64, limits: &Limits) -> String {
    format!("{name}: {} is over the {} limit; attach it by hand", human_size(size), human_size(limits.max_bytes))
}

/// The attachments of one record, from the metadata prefetched into the block's lookup, judged
/// against `limits` (in relation order: the first `max_files` accepted files are sent).
pub fn collect(block: &PlanAttachments, record: &[Value], context: &Context<'_>) -> Vec<Attachment> {
    let ids: Vec<&Value> = match record.get(block.relation as usize) {
        Some(Value::List(items)) => items.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    };
    let metadata = &context.cache.records[block.lookup as usize];
    let mut attachments: Vec<Attachment> = ids
        .into_iter()
        .filter_map(|value| {
            let id = id_text(value)?;
            let Some(values) = IdKey::of(value).and_then(|key| metadata.get(&key)) else {
                return Some(Attachment {
                    name: format!("attachment {id}"),
                    content_type: String::new(),
                    size: None,
                    verdict: Verdict::Flag {
                        rule: "data",
                        reason: format!("attachment {id} is listed but not in the source; attach it by hand"),
                    },
                    id,
                });
            };
            Some(describe(block, id, values, context))
        })
        .collect();
    judge(&mut attachments, &block.limits);
    attachments
}

/// One attachment's metadata; an expression that fails flags the file with the error.
fn describe(block: &PlanAttachments, id: String, values: &[Value], context: &Context<'_>) -> Attachment {
    let mut attachment = Attachment {
        name: format!("attachment-{id}"),
        content_type: "application/octet-stream".to_owned(),
        size: None,
        verdict: Verdict::Send,
        id,
    };
    let failed = |what: &str, message: String, attachment: &mut Attachment| {
        attachment.verdict = Verdict::Flag {
            rule: "mapping",
            reason: format!("attachment {}: `attachments: {what}:` failed: {message}", attachment.id),
        };
    };
    if let Some(filter) = &block.filter {
        match eval(filter, values, context) {
            Ok(value) if value.is_true() => {}
            Ok(_) => {
                attachment.verdict = Verdict::Skip;
                return attachment;
            }
            Err(error) => {
                failed("where", error.message, &mut attachment);
                return attachment;
            }
        }
    }
    match eval(&block.name, values, context) {
        Ok(Value::Null) => {}
        Ok(value) => {
            let name = value.to_string();
            if !name.trim().is_empty() {
                attachment.name = name;
            }
        }
        Err(error) => failed("name", error.message, &mut attachment),
    }
    match eval(&block.content_type, values, context) {
        Ok(Value::Null) => {}
        Ok(value) => {
            let content_type = value.to_string();
            if !content_type.trim().is_empty() {
                attachment.content_type = content_type;
            }
        }
        Err(error) => failed("content_type", error.message, &mut attachment),
    }
    if let Some(size) = &block.size {
        match eval(size, values, context) {
            Ok(Value::Int(n)) if n > 0 => attachment.size = Some(n as u64),
            Ok(Value::Float(f)) if f > 0.0 => attachment.size = Some(f as u64),
            Ok(_) => {}
            Err(error) => failed("size", error.message, &mut attachment),
        }
    }
    attachment
}

/// Apply the limits before any content is read: blocked types and files whose reported size is
/// over the limit are flagged, and so is every accepted file past the per-record cap.
pub fn judge(attachments: &mut [Attachment], limits: &Limits) {
    let mut accepted = 0;
    for attachment in attachments.iter_mut() {
        if attachment.verdict != Verdict::Send {
            continue;
        }
        if let Some(extension) = limits.blocked_extension(&attachment.name) {
            attachment.verdict = Verdict::Flag {
                rule: "type",
                reason: format!("{}: blocked file type .{extension}; attach it by hand", attachment.name),
            };
        } else if let Some(size) = attachment.size.filter(|&size| size > limits.max_bytes) {
            attachment.verdict = Verdict::Flag { rule: "size", reason: too_large(&attachment.name, size, limits) };
        } else if accepted == limits.max_files {
            attachment.verdict = Verdict::Flag {
                rule: "count",
                reason: format!(
                    "{}: over the {} files one reply can carry; attach it by hand",
                    attachment.name, limits.max_files
                ),
            };
        } else {
            accepted += 1;
        }
    }
}

/// The accepted files as the outgoing record keeps them: references without content, so the
/// checksum covers ids, names, types and sizes, and no ledger payload holds file content.
pub fn references(attachments: &[Attachment]) -> Json {
    Json::Array(
        attachments
            .iter()
            .filter(|a| a.verdict == Verdict::Send)
            .map(|a| json!({ "source_id": a.id, "name": a.name, "content_type": a.content_type, "size": a.size }))
            .collect(),
    )
}

/// Why one file's content could not be sent.
#[derive(Debug)]
pub enum LoadError {
    /// The file is held back for a person (too large once read, no content, not base64).
    Refused(String),
    /// The source could not be read; the record is retried on the next run.
    Source(DriverError),
}

/// Read the content of one referenced file (one record, one field) and check its real size:
/// the file as the destination takes it, `{content_type, data (base64), name}`.
pub fn load(
    source: &mut dyn Source,
    block: &PlanAttachments,
    reference: &Json,
    limits: &Limits,
) -> Result<Json, LoadError> {
    let id = reference.get("source_id").and_then(Json::as_str).unwrap_or_default();
    let name = reference.get("name").and_then(Json::as_str).unwrap_or(id);
    let key = id.parse::<i64>().map_or_else(|_| Value::text(id), Value::Int);
    let records =
        source.read_by_ids(&block.model, std::slice::from_ref(&block.data), &[key]).map_err(LoadError::Source)?;
    let Some(record) = records.into_iter().next() else {
        return Err(LoadError::Refused(format!("{name}: no longer in the source; attach it by hand")));
    };
    let data: String = match record.values.first() {
        Some(Value::Text(text)) => text.chars().filter(|c| !c.is_ascii_whitespace()).collect(),
        _ => String::new(),
    };
    if data.is_empty() {
        return Err(LoadError::Refused(format!("{name}: the source has no content for this file; attach it by hand")));
    }
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(data.as_bytes()) else {
        return Err(LoadError::Refused(format!(
            "{name}: the content in `{}` is not base64; attach it by hand",
            block.data
        )));
    };
    if bytes.len() as u64 > limits.max_bytes {
        return Err(LoadError::Refused(too_large(name, bytes.len() as u64, limits)));
    }
    Ok(json!({
        "name": name,
        "content_type": reference.get("content_type").cloned().unwrap_or_else(|| json!("application/octet-stream")),
        "data": data,
    }))
}

/// The ledger rows of one record's attachments after the record's own row (`part`) is final.
/// `existing` holds the attachments' rows so far (a file flagged once its content was read stays
/// flagged); `created_now` says whether the part was created by this run, the only time its
/// files are sent (a part cannot be edited, so a file added later is flagged).
pub fn rows(
    part: &RecordRow,
    attachments: &[Attachment],
    existing: &HashMap<String, RecordRow>,
    run: i64,
    mut next_seq: impl FnMut() -> i64,
) -> Vec<RecordRow> {
    let object = object_name(&part.object);
    attachments
        .iter()
        .map(|attachment| {
            let before = existing.get(&attachment.id);
            let mut row =
                before.cloned().unwrap_or_else(|| RecordRow::new(&object, &attachment.id, KIND, run, next_seq()));
            row.last_run = run;
            row.parent_object = Some(part.object.clone());
            row.parent_source_id = Some(part.source_id.clone());
            row.parent_dest_id = part.dest_id.clone();
            row.origin = None;
            row.payload = None;
            let mut set = |status: Status, action: Option<Action>, field: Option<&str>, reason: Option<String>| {
                row.status = status;
                row.action = action;
                row.field = field.map(str::to_owned);
                row.reason = reason;
                row.dest_id = if status == Status::Done { part.dest_id.clone() } else { None };
            };
            match &attachment.verdict {
                Verdict::Skip => {
                    set(Status::Skipped, None, Some("where"), Some("left out by `attachments: where:`".into()))
                }
                Verdict::Flag { rule, reason } => set(Status::Flagged, None, Some(rule), Some(reason.clone())),
                Verdict::Send => match part.status {
                    // Flagged when its content was read: the part went without it.
                    _ if before.is_some_and(|b| b.status == Status::Flagged && b.field.as_deref() == Some("data")) => {
                        set(Status::Flagged, None, Some("data"), before.and_then(|b| b.reason.clone()))
                    }
                    Status::Done | Status::Written => {
                        let created_now = part.action == Some(Action::Created) && part.last_run == run;
                        let sent_before = before.is_some_and(|b| b.status == Status::Done);
                        if created_now {
                            set(Status::Done, Some(Action::Created), None, None);
                        } else if sent_before || part.action == Some(Action::Unchanged) {
                            set(Status::Done, Some(Action::Unchanged), None, None);
                        } else {
                            set(
                                Status::Flagged,
                                None,
                                Some("edit"),
                                Some(format!(
                                    "{}: added after its part was migrated, and parts cannot be edited; attach it by \
                                     hand",
                                    attachment.name
                                )),
                            );
                        }
                    }
                    Status::Queued | Status::Intent => set(
                        Status::Queued,
                        None,
                        None,
                        Some(format!("waits with its {} {}", part.object, part.source_id)),
                    ),
                    Status::Failed => set(
                        Status::Failed,
                        None,
                        None,
                        Some(format!(
                            "its {} {} failed: {}",
                            part.object,
                            part.source_id,
                            part.reason.as_deref().unwrap_or("no reason recorded")
                        )),
                    ),
                    Status::Flagged | Status::Skipped | Status::RolledBack => set(
                        Status::Skipped,
                        None,
                        None,
                        Some(format!(
                            "its {} {} is {}: {}",
                            part.object,
                            part.source_id,
                            part.status,
                            part.reason.as_deref().unwrap_or("no reason recorded")
                        )),
                    ),
                },
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(id: &str, name: &str, size: Option<u64>) -> Attachment {
        Attachment {
            id: id.into(),
            name: name.into(),
            content_type: "application/pdf".into(),
            size,
            verdict: Verdict::Send,
        }
    }

    fn reasons(attachments: &[Attachment]) -> Vec<Option<String>> {
        attachments
            .iter()
            .map(|a| match &a.verdict {
                Verdict::Flag { reason, .. } => Some(reason.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn blocked_types_are_flagged_by_extension_whatever_the_case() {
        let mut files =
            vec![file("1", "report.EXE", Some(10)), file("2", "setup.js", None), file("3", "notes.txt", None)];
        judge(&mut files, &Limits::default());
        assert_eq!(
            reasons(&files),
            vec![
                Some("report.EXE: blocked file type .exe; attach it by hand".into()),
                Some("setup.js: blocked file type .js; attach it by hand".into()),
                None
            ]
        );
    }

    #[test]
    fn the_reported_size_is_checked_before_any_content_is_read() {
        let limits = Limits::default();
        let mut files =
            vec![file("1", "scan.pdf", Some(30 * 1024 * 1024)), file("2", "ok.pdf", Some(limits.max_bytes))];
        judge(&mut files, &limits);
        assert_eq!(
            reasons(&files)[0].as_deref(),
            Some("scan.pdf: 30.0 MiB is over the 25.0 MiB limit; attach it by hand")
        );
        assert_eq!(files[1].verdict, Verdict::Send, "exactly the limit is allowed");
    }

    #[test]
    fn files_past_the_cap_are_flagged_and_rejected_ones_do_not_count() {
        let mut files: Vec<Attachment> = (1..=12).map(|i| file(&i.to_string(), &format!("f{i}.txt"), None)).collect();
        files.insert(0, file("0", "virus.bat", None));
        judge(&mut files, &Limits::default());
        let sent = files.iter().filter(|f| f.verdict == Verdict::Send).count();
        assert_eq!(sent, 10);
        assert!(
            matches!(&files[11].verdict, Verdict::Flag { rule: "count", reason } if reason.starts_with("f11.txt: over the 10 files"))
        );
        assert!(matches!(files[12].verdict, Verdict::Flag { rule: "count", .. }));
    }

    #[test]
    fn settings_replace_the_defaults() {
        let sink: Endpoint = Endpoint {
            attachment_max_mb: Some(crate::span::Spanned::new(0.5, crate::span::Span::detached())),
            attachment_max_files: Some(crate::span::Spanned::new(2, crate::span::Span::detached())),
            attachment_blocked_types: Some(vec![crate::span::Spanned::new(
                ".ZIP".to_owned(),
                crate::span::Span::detached(),
            )]),
            ..Endpoint::default()
        };
        let limits = Limits::from_endpoint(&sink);
        assert_eq!(limits.max_bytes, 512 * 1024);
        assert_eq!(limits.max_files, 2);
        assert_eq!(limits.blocked_extension("a.zip").as_deref(), Some("zip"));
        assert_eq!(limits.blocked_extension("a.exe"), None, "the list replaces the default one");
    }

    #[test]
    fn references_hold_no_content() {
        let mut files = vec![file("7", "a.pdf", Some(3)), file("8", "b.exe", Some(3))];
        judge(&mut files, &Limits::default());
        assert_eq!(
            references(&files),
            json!([{ "source_id": "7", "name": "a.pdf", "content_type": "application/pdf", "size": 3 }])
        );
    }

    /// A source of attachments' content by id, counting what each read asks for.
    struct Contents {
        data: HashMap<i64, Value>,
        reads: Vec<(Vec<String>, usize)>,
    }

    impl Source for Contents {
        fn describe(&mut self) -> Result<crate::check::SchemaLock, DriverError> {
            Ok(crate::check::SchemaLock::default())
        }

        fn read(
            &mut self,
            _: &str,
            _: &[String],
            _: Option<&crate::drivers::Cursor>,
            _: usize,
        ) -> Result<crate::drivers::Batch, DriverError> {
            Ok(crate::drivers::Batch { records: Vec::new(), next: None })
        }

        fn read_by_ids(
            &mut self,
            _: &str,
            fields: &[String],
            ids: &[Value],
        ) -> Result<Vec<crate::drivers::Record>, DriverError> {
            self.reads.push((fields.to_vec(), ids.len()));
            Ok(ids
                .iter()
                .filter_map(|id| {
                    let Value::Int(n) = id else { return None };
                    let value = self.data.get(n)?.clone();
                    Some(crate::drivers::Record { id: id.clone(), values: vec![value] })
                })
                .collect())
        }

        fn count(&mut self, _: &str) -> Result<Option<u64>, DriverError> {
            Ok(None)
        }
    }

    fn block() -> PlanAttachments {
        let field = crate::plan::Op::Field(1);
        PlanAttachments {
            relation: 1,
            model: "ir.attachment".into(),
            lookup: 0,
            filter: None,
            name: field.clone(),
            content_type: field,
            size: None,
            data: "datas".into(),
            limits: Limits { max_bytes: 8, ..Limits::default() },
        }
    }

    #[test]
    fn content_is_read_one_file_at_a_time_and_checked_at_its_real_size() {
        let mut source = Contents {
            data: HashMap::from([
                (1, Value::text("aGVsbG8=")),         // "hello": 5 bytes
                (2, Value::text("aGVsbG8gd29ybGQ=")), // "hello world": 11 bytes
                (3, Value::Null),
                (4, Value::text("not base64!")),
            ]),
            reads: Vec::new(),
        };
        let block = block();
        let reference = |id: &str, name: &str| json!({ "source_id": id, "name": name, "content_type": "text/plain" });
        let file = load(&mut source, &block, &reference("1", "a.txt"), &block.limits).unwrap();
        assert_eq!(file, json!({ "name": "a.txt", "content_type": "text/plain", "data": "aGVsbG8=" }));
        let refused = |source: &mut Contents, id: &str, name: &str| match load(
            source,
            &block,
            &reference(id, name),
            &block.limits,
        ) {
            Err(LoadError::Refused(reason)) => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(refused(&mut source, "2", "b.txt"), "b.txt: 11 bytes is over the 8 bytes limit; attach it by hand");
        assert_eq!(
            refused(&mut source, "3", "c.txt"),
            "c.txt: the source has no content for this file; attach it by hand"
        );
        assert_eq!(
            refused(&mut source, "4", "d.txt"),
            "d.txt: the content in `datas` is not base64; attach it by hand"
        );
        assert_eq!(refused(&mut source, "5", "e.txt"), "e.txt: no longer in the source; attach it by hand");
        assert!(
            source.reads.iter().all(|(fields, ids)| fields == &["datas".to_owned()] && *ids == 1),
            "{:?}",
            source.reads
        );
    }

    #[test]
    fn rows_follow_the_part() {
        let mut part = RecordRow::new("part", "40", "conversation_part", 2, 1);
        part.status = Status::Done;
        part.action = Some(Action::Created);
        part.dest_id = Some("p-9".into());
        let mut files = vec![file("1", "a.pdf", None), file("2", "b.exe", None), file("3", "c.pdf", None)];
        judge(&mut files, &Limits::default());
        files[2].verdict = Verdict::Skip;
        let rows = rows(&part, &files, &HashMap::new(), 2, || 5);
        assert_eq!(rows[0].object, "part.attachments");
        assert_eq!((rows[0].status, rows[0].dest_id.as_deref()), (Status::Done, Some("p-9")));
        assert_eq!(rows[0].parent_source_id.as_deref(), Some("40"));
        assert_eq!(rows[1].status, Status::Flagged);
        assert_eq!(rows[2].status, Status::Skipped);

        // A later run: the part is unchanged, the sent file stays done.
        part.action = Some(Action::Unchanged);
        part.last_run = 3;
        let existing: HashMap<String, RecordRow> = rows.iter().map(|r| (r.source_id.clone(), r.clone())).collect();
        let again = super::rows(&part, &files, &existing, 3, || 6);
        assert_eq!((again[0].status, again[0].action), (Status::Done, Some(Action::Unchanged)));

        // The part waits: so do its files.
        part.status = Status::Queued;
        part.dest_id = None;
        let waiting = super::rows(&part, &files, &HashMap::new(), 3, || 7);
        assert_eq!(waiting[0].status, Status::Queued);
        assert_eq!(waiting[1].status, Status::Flagged, "a blocked file is flagged whatever its part does");
    }
}
