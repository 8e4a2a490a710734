//! Benchmark: validate a 2,000-line spec against a 500-field schema lock.
//!
//! Run with `cargo bench --bench validate`. The spec and lock are generated into a temporary
//! directory (deterministically), then `check::validate` (load, parse every expression, type
//! check, order) runs repeatedly; the figure printed is the median wall time of one validation.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use cutover::source::SourceMap;

const FIELDS: usize = 500;
const OBJECTS: usize = 100;

fn lock() -> String {
    let mut out = String::from(
        "lock: 1\nsystem: odoo\nversion: \"17.0\"\nobjects:\n  helpdesk.ticket:\n    count: 100000\n    fields:\n",
    );
    out.push_str(
        "      id: { type: int, required: true }\n      partner_id: { type: relation, target: res.partner }\n",
    );
    out.push_str("      priority:\n        type: enum\n        values:\n");
    for v in 0..4 {
        writeln!(out, "          - {{ value: \"{v}\", label: P{v}, count: {} }}", 1000 * (v + 1)).unwrap();
    }
    let types = ["text", "int", "float", "bool", "date", "datetime", "html"];
    for i in 0..FIELDS - 3 {
        writeln!(
            out,
            "      x_studio_field_{i}: {{ type: {}, label: Field {i}, custom: true }}",
            types[i % types.len()]
        )
        .unwrap();
    }
    out.push_str("  res.partner:\n    fields:\n      id: { type: int, required: true }\n      email: { type: text }\n      name: { type: text }\n");
    out
}

fn spec() -> String {
    let mut out = String::from(
        "cutover: 1\nname: bench\nsource: { driver: file, path: data, schema: bench.lock.yaml }\nsink: { driver: file, path: out }\n\
         tables:\n  priority: { \"0\": low, \"1\": normal, \"2\": high, \"3\": urgent }\nobjects:\n  contact:\n    from: res.partner\n    to: contact\n    key: normalize_email(email)\n    fields:\n      email: normalize_email(email)\n      name: name ?? \"(unknown)\"\n",
    );
    let mut field = 0;
    for o in 0..OBJECTS {
        write!(out, "  conversation_{o}:\n    from: helpdesk.ticket\n    to: conversation\n    where: partner_id != null\n    fields:\n").unwrap();
        out.push_str("      from: ref(contact, partner_id)\n      body: '\"(imported)\"'\n      custom_attributes.priority: tables.priority[priority]\n");
        out.push_str("      state: |\n        match priority {\n          \"0\" | \"1\" | null => \"open\",\n          \"2\" => \"snoozed\",\n          \"3\" => \"closed\",\n        }\n");
        for _ in 0..10 {
            let i = field % (FIELDS - 3);
            field += 1;
            let expression = match i % 7 {
                0 => format!("upper(trim(x_studio_field_{i})) ?? \"\""),
                1 => format!("x_studio_field_{i} * 2 + 1"),
                2 => format!("round(x_studio_field_{i}, 2)"),
                3 => format!("if x_studio_field_{i} then \"yes\" else \"no\""),
                4 => format!("to_datetime(x_studio_field_{i})"),
                5 => format!("x_studio_field_{i}"),
                _ => format!("html_to_text(x_studio_field_{i})"),
            };
            writeln!(out, "      custom_attributes.f{i}_{o}: {expression}").unwrap();
        }
    }
    out
}

fn main() {
    let dir = std::env::temp_dir().join(format!("cutover-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("bench.lock.yaml"), lock()).expect("write lock");
    let spec_text = spec();
    std::fs::write(dir.join("bench.yaml"), &spec_text).expect("write spec");
    let path = dir.join("bench.yaml");
    let lines = spec_text.lines().count();

    let check = |path: &Path| {
        let mut sources = SourceMap::new();
        let found = cutover::check::validate(&mut sources, path);
        assert!(!found.has_errors(), "the benchmark spec must be valid: {:?}", found.iter().next());
    };
    check(&path);
    let mut times: Vec<Duration> = Vec::new();
    let started = Instant::now();
    while times.len() < 10 || (started.elapsed() < Duration::from_secs(3) && times.len() < 200) {
        let t = Instant::now();
        check(&path);
        times.push(t.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "validate: {lines}-line spec, {FIELDS}-field lock: median {:.2} ms over {} runs (min {:.2} ms, max {:.2} ms)",
        median.as_secs_f64() * 1e3,
        times.len(),
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
    );
    let _ = std::fs::remove_dir_all(&dir);
}
