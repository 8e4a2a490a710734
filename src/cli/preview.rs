//! `cutover preview`: source records through the mapping, printed as YAML; nothing is written.
//! Also the record form of `cutover explain SPEC --object NAME --id ID`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::cli::prepared::{Prepared, prepare};
use crate::cli::{COULD_NOT_RUN, RenderColor, Stream, emit};
use crate::drivers::Record;
use crate::plan::{Op, Plan, PlanObject};
use crate::report::yaml::{render_fields, scalar_text};
use crate::run::attachments::{self, Attachment, Verdict};
use crate::run::batch::{map_batch, prefetch};
use crate::run::interpreter::{Context, LookupCache, Mapped, eval};
use crate::run::value::Value;

/// Map source records with the spec and print the destination records as YAML.
#[derive(Debug, Args)]
pub struct Preview {
    /// The spec file.
    spec: PathBuf,
    /// The object of the spec to preview (a key under `objects:`).
    #[arg(long)]
    object: String,
    /// How many records, from the start of the source object.
    #[arg(long, default_value_t = 5)]
    limit: usize,
    /// Preview these source ids instead (repeatable).
    #[arg(long = "id", value_name = "ID")]
    ids: Vec<String>,
    #[command(flatten)]
    color: RenderColor,
}

impl Preview {
    /// Print the mapped records on stdout.
    pub fn execute(self) -> ExitCode {
        let prepared = match prepare(&self.spec, self.color.style()) {
            Ok(prepared) => prepared,
            Err(code) => return code,
        };
        let (object, records, cache) = match read(&prepared, &self.object, &self.ids, self.limit) {
            Ok(read) => read,
            Err(message) => return fail(&message),
        };
        let object = &prepared.plan.objects[object];
        let mapped = map_batch(&prepared.plan, object, &records, &cache);
        let context = Context { plan: &prepared.plan, cache: &cache };
        let mut out = String::new();
        for (i, (record, mapped)) in records.iter().zip(&mapped).enumerate() {
            if i > 0 {
                out.push_str("---\n");
            }
            let files = match &object.attachments {
                Some(block) => attachments::collect(block, &record.values, &context),
                None => Vec::new(),
            };
            out.push_str(&render_mapped(&prepared, object, record, mapped, &files));
        }
        if records.is_empty() {
            out.push_str(&format!("# no records of `{}` found\n", object.source));
        }
        emit(Stream::Stdout, &out).err().unwrap_or(ExitCode::SUCCESS)
    }
}

fn fail(message: &str) -> ExitCode {
    let _ = emit(Stream::Stderr, &format!("error: {message}\n"));
    ExitCode::from(COULD_NOT_RUN)
}

/// Read the requested records of an object and prefetch what its expressions follow.
pub(crate) fn read(
    prepared: &Prepared,
    name: &str,
    ids: &[String],
    limit: usize,
) -> Result<(usize, Vec<Record>, LookupCache), String> {
    let plan = &prepared.plan;
    let Some((index, object)) = plan.object(name) else {
        let names: Vec<&str> = plan.objects.iter().map(|o| &*o.name).collect();
        let hint = crate::suggest::did_you_mean(name, names.iter().copied())
            .unwrap_or_else(|| format!("objects: {}", names.join(", ")));
        return Err(format!("the spec has no object `{name}`; {hint}"));
    };
    let mut source = prepared.open_source()?;
    let records = if ids.is_empty() {
        source.read(&object.source, &object.fields, None, limit).map_err(|e| e.to_string())?.records
    } else {
        let wanted: Vec<Value> =
            ids.iter().map(|id| id.parse().map_or_else(|_| Value::text(id.as_str()), Value::Int)).collect();
        let mut found = source.read_by_ids(&object.source, &object.fields, &wanted).map_err(|e| e.to_string())?;
        found.sort_by(|a, b| a.id.compare(&b.id).unwrap_or(std::cmp::Ordering::Equal));
        if let Some(missing) = wanted.iter().find(|id| !found.iter().any(|r| r.id.equals(id))) {
            return Err(format!("`{}` has no record with id {missing}", object.source));
        }
        found
    };
    let mut cache = LookupCache::new(plan);
    prefetch(plan, object, &records, source.as_mut(), &mut cache).map_err(|e| e.to_string())?;
    Ok((index, records, cache))
}

/// One record's header comment and fields.
pub(crate) fn render_mapped(
    prepared: &Prepared,
    object: &PlanObject,
    record: &Record,
    mapped: &Mapped,
    files: &[Attachment],
) -> String {
    let header = format!("# {} · {} {}", object.name, object.source, record.id);
    let mut out = match mapped {
        Mapped::Record(fields) => format!("{header}\n{}", render_fields(fields, 0)),
        Mapped::Skipped => return format!("{header}: skipped by `where:`\n"),
        Mapped::Flagged(reason) => format!("{header}: flagged: {reason}\n"),
        Mapped::Failed { field, error } => {
            format!("{header}: failed at `{field}`: {} ({})\n", error.message, prepared.sources.locate(error.span))
        }
    };
    if !files.is_empty() {
        out.push_str("attachments:\n");
        for file in files {
            let _ = writeln!(out, "  - name: {}", scalar_text(&file.name));
            match &file.verdict {
                Verdict::Send => {
                    let _ = writeln!(out, "    content_type: {}", scalar_text(&file.content_type));
                    if let Some(size) = file.size {
                        let _ = writeln!(out, "    size: {size}");
                    }
                }
                Verdict::Flag { reason, .. } => {
                    let _ = writeln!(out, "    flagged: {}", scalar_text(reason));
                }
                Verdict::Skip => out.push_str("    skipped: by `attachments: where:`\n"),
            }
        }
    }
    out
}

/// `explain SPEC --object NAME --id ID`: every destination field with its expression, the source
/// values it read, and its result.
pub(crate) fn explain_record(spec: PathBuf, name: &str, id: &str, color: &RenderColor) -> ExitCode {
    let prepared = match prepare(&spec, color.style()) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let (index, records, cache) = match read(&prepared, name, &[id.to_owned()], 1) {
        Ok(read) => read,
        Err(message) => return fail(&message),
    };
    let plan = &prepared.plan;
    let object = &plan.objects[index];
    let record = &records[0];
    let context = Context { plan, cache: &cache };
    let mut out = format!("# {} · {} {}\n", object.name, object.source, record.id);
    let rules = object
        .filter
        .iter()
        .map(|op| ("where".to_owned(), op))
        .chain(object.flags.iter().map(|(op, reason)| (format!("flag ({reason})"), op)));
    for (label, op) in rules {
        let _ = writeln!(out, "{}:", scalar_text(&label));
        explain_op(&mut out, plan, object, op, None, &record.values, &context, &prepared);
    }
    for output in &object.outputs {
        let _ = writeln!(out, "{}:", scalar_text(&output.field));
        explain_op(&mut out, plan, object, &output.op, Some(output.span), &record.values, &context, &prepared);
    }
    emit(Stream::Stdout, &out).err().unwrap_or(ExitCode::SUCCESS)
}

#[allow(clippy::too_many_arguments)]
fn explain_op(
    out: &mut String,
    plan: &Plan,
    object: &PlanObject,
    op: &Op,
    span: Option<crate::span::Span>,
    record: &[Value],
    context: &Context<'_>,
    prepared: &Prepared,
) {
    if let Some(span) = span {
        let text = prepared.sources.slice(span).trim().replace('\n', " ");
        let _ = writeln!(out, "  expression: {}", scalar_text(&text));
        let _ = writeln!(out, "  at: {}", prepared.sources.locate(span));
    }
    let mut reads = Vec::new();
    collect_reads(op, plan, object, &mut reads);
    if !reads.is_empty() {
        let _ = writeln!(out, "  reads:");
        for (name, read) in reads {
            let value = eval(&read, record, context).unwrap_or_default();
            out.push_str(&render_fields(&[(name, value)], 4));
        }
    }
    match eval(op, record, context) {
        Ok(value) => out.push_str(&render_fields(&[("result".to_owned(), value)], 2)),
        Err(error) => {
            let _ = writeln!(out, "  error: {} ({})", scalar_text(&error.message), prepared.sources.locate(error.span));
        }
    }
}

/// The source fields and relation paths an expression reads, with a compiled op for each.
fn collect_reads(op: &Op, plan: &Plan, object: &PlanObject, out: &mut Vec<(String, Op)>) {
    let mut add = |name: String, op: Op| {
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, op));
        }
    };
    match op {
        Op::Field(slot) => add(object.fields[*slot as usize].clone(), op.clone()),
        Op::Path { slot, steps } => {
            let mut name = object.fields[*slot as usize].clone();
            for step in steps.iter() {
                name.push('.');
                name.push_str(&plan.lookups[step.lookup as usize].fields[step.slot as usize]);
            }
            add(name, op.clone());
        }
        Op::Const(_) => {}
        Op::List(items) => items.iter().for_each(|i| collect_reads(i, plan, object, out)),
        Op::Table { key, .. } | Op::Unary { operand: key, .. } | Op::Ref { key, .. } => {
            collect_reads(key, plan, object, out)
        }
        Op::Binary { lhs, rhs, .. } => {
            collect_reads(lhs, plan, object, out);
            collect_reads(rhs, plan, object, out);
        }
        Op::If { condition, then, otherwise } => {
            for part in [condition, then, otherwise] {
                collect_reads(part, plan, object, out);
            }
        }
        Op::Match { subject, arms } => {
            collect_reads(subject, plan, object, out);
            arms.iter().for_each(|(_, body)| collect_reads(body, plan, object, out));
        }
        Op::Call { arguments, .. } => arguments.iter().for_each(|a| collect_reads(a, plan, object, out)),
    }
}
