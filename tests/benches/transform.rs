//! Transform throughput: tickets through the mapping on one core, against a hand-written
//! serde_json program computing the same fields (the practical limit of any interpreter).
//!
//! `cargo bench --bench transform -- cutover DATA_DIR` runs cutover's pipeline (file driver,
//! batched relation prefetch, interpreter, JSON output) over `helpdesk.ticket` of a helpdesk
//! generated with `cutover generate --platform odoo`; `... -- baseline DATA_DIR` runs the
//! hand-written program. Each prints records, seconds, records per second and peak resident
//! memory (VmHWM). `tests/benches/transform.sh` runs both and jq at two sizes.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use serde_json::{Map, Value as Json, json};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let (Some(mode), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: cargo bench --bench transform -- cutover|baseline DATA_DIR");
        return;
    };
    let dir = Path::new(dir);
    let started = Instant::now();
    let records = match mode.as_str() {
        "cutover" => cutover(dir),
        "baseline" => baseline(dir),
        other => panic!("unknown mode {other}"),
    };
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{mode}: {records} records in {seconds:.2} s = {:.0} records/s, peak memory {} KiB",
        records as f64 / seconds,
        peak_kib()
    );
}

/// Peak resident set size of this process.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn cutover(dir: &Path) -> u64 {
    use cutover::check::{check, load_schemas};
    use cutover::drivers::{FileSource, Source, value_to_json};
    use cutover::run::batch::{map_batch, prefetch};
    use cutover::run::interpreter::{LookupCache, Mapped};

    // SAFETY: set before any thread starts; the spec reads the data directory from it.
    unsafe { std::env::set_var("CUTOVER_BENCH_DATA", dir) };
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/benches/transform.yaml");
    let mut sources = cutover::source::SourceMap::new();
    let spec = cutover::spec::load(&mut sources, &spec_path).expect("the benchmark spec loads");
    let (schemas, _) = load_schemas(&spec, &mut sources);
    let (checked, found) = check(&spec, &schemas);
    let checked = checked.unwrap_or_else(|| panic!("the benchmark spec checks: {:?}", found.iter().next()));
    let plan = cutover::plan::compile(&spec, &checked, &schemas);
    let (index, object) = plan.object("conversation").expect("conversation");
    let _ = index;
    let mut source = FileSource::with_lock(dir, schemas.source.clone().unwrap_or_default()).expect("data dir");
    let mut out = BufWriter::new(std::io::sink());
    let mut cache = LookupCache::new(&plan);
    let mut cursor = None;
    let mut count = 0;
    loop {
        let batch = source.read(&object.source, &object.fields, cursor.as_ref(), 500).expect("read");
        prefetch(&plan, object, &batch.records, &mut source, &mut cache).expect("prefetch");
        for mapped in map_batch(&plan, object, &batch.records, &cache) {
            if let Mapped::Record(fields) = mapped {
                let record: Map<String, Json> = fields.iter().map(|(k, v)| (k.clone(), value_to_json(v))).collect();
                serde_json::to_writer(&mut out, &record).expect("write");
                out.write_all(b"\n").expect("write");
            }
            count += 1;
        }
        match batch.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    out.flush().expect("flush");
    count
}

fn lines(path: &Path) -> impl Iterator<Item = Json> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    BufReader::new(file).lines().map(|line| serde_json::from_str(&line.expect("read")).expect("json"))
}

/// The same mapping written by hand: what a migration script without an interpreter does.
fn baseline(dir: &Path) -> u64 {
    let fold: HashMap<i64, bool> = lines(&dir.join("helpdesk.stage.ndjson"))
        .map(|s| (s["id"].as_i64().unwrap_or(0), s["fold"].as_bool().unwrap_or(false)))
        .collect();
    let tags: HashMap<i64, String> = lines(&dir.join("helpdesk.tag.ndjson"))
        .map(|t| (t["id"].as_i64().unwrap_or(0), t["name"].as_str().unwrap_or("").to_owned()))
        .collect();
    let priority = |p: &Json| match p.as_str() {
        Some("0") => "low",
        Some("2") => "high",
        Some("3") => "urgent",
        _ => "normal",
    };
    let mut out = BufWriter::new(std::io::sink());
    let mut count = 0;
    for ticket in lines(&dir.join("helpdesk.ticket.ndjson")) {
        count += 1;
        if ticket["partner_id"].is_null() {
            continue;
        }
        let tag_names: Vec<Json> = ticket["tag_ids"]
            .as_array()
            .map(|ids| ids.iter().filter_map(|id| tags.get(&id.as_i64()?)).map(|n| json!(n)).collect())
            .unwrap_or_default();
        let closed = ticket["stage_id"].as_i64().and_then(|id| fold.get(&id)).copied().unwrap_or(false);
        let record = json!({
            "from": {"ref": "contact", "key": ticket["partner_id"]},
            "title": ticket["name"].as_str().unwrap_or("").trim(),
            "body": ticket["description"].as_str().unwrap_or("(no description)"),
            "created_at": ticket["create_date"],
            "state": if closed { "closed" } else { "open" },
            "tags": tag_names,
            "custom_attributes.priority": priority(&ticket["priority"]),
            "custom_attributes.original_ticket_id__c": ticket["id"],
            "custom_attributes.customer_ref": ticket["x_studio_customer_ref"].as_str().map(|s| s.trim().to_lowercase()).unwrap_or_default(),
        });
        serde_json::to_writer(&mut out, &record).expect("write");
        out.write_all(b"\n").expect("write");
    }
    out.flush().expect("flush");
    count
}
