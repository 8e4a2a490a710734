//! Benchmark: records per second read from the Odoo emulator over real XML-RPC through the `odoo`
//! source driver (keyset pages, values converted and typed), by page size.
//!
//! `cargo bench --bench odoo_extract` generates a helpdesk (`CUTOVER_BENCH_TICKETS`, default
//! 2,000 tickets), serves it with `OdooServer` on 127.0.0.1 and reads every ticket and every
//! message with page sizes 100, 500 and 2,000 (`CUTOVER_BENCH_PAGES`, comma-separated), printing
//! one line per model and page size, then the messages as `run` reads them (per batch of 50
//! tickets, the bundled spec's `where:` in the domain). Client, emulator and codec share the
//! machine's two cores, so the figure is a floor for a real Odoo, whose own work dominates there. Without `--bench` (under
//! `cargo test`) it reads 20 tickets once as a smoke run.

use std::time::Instant;

use cutover::check::schema::SchemaLock;
use cutover::drivers::Source;
use cutover::drivers::odoo::{OdooClientConfig, OdooSource};
use cutover::generate::{Platform, generate};
use cutover::plan::{Condition, ConditionOp};
use cutover::run::value::Value;
use cutover::sandbox::odoo::{EmulatorConfig, OdooEmulator, OdooServer};

const KEY: &str = "bench-key";

fn main() {
    let bench = std::env::args().skip(1).any(|arg| arg == "--bench");
    let number = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let tickets = if bench { number("CUTOVER_BENCH_TICKETS", 2000) } else { 20 };
    let pages: Vec<usize> = if bench {
        std::env::var("CUTOVER_BENCH_PAGES")
            .unwrap_or_else(|_| "100,500,2000".to_owned())
            .split(',')
            .filter_map(|p| p.trim().parse().ok())
            .collect()
    } else {
        vec![500]
    };
    let dir = tempfile::tempdir().expect("temp dir");
    generate(Platform::Odoo, tickets, 7, dir.path()).expect("generate");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let config = EmulatorConfig::new(dir.path(), KEY);
    let emulator = OdooEmulator::new(config.clone()).expect("emulator");
    let server = runtime.block_on(OdooServer::start(emulator, 0)).expect("server");
    let url = server.base_url();
    if !bench {
        println!("odoo_extract: smoke run (use `cargo bench --bench odoo_extract` for the measurement)");
    }
    println!("{tickets} generated tickets; model, page size, records, seconds, records/s");
    for model in ["helpdesk.ticket", "mail.message"] {
        for &page in &pages {
            let mut source = OdooSource::connect_with(
                OdooClientConfig::new(url.clone()),
                &config.database,
                &config.login,
                KEY,
                SchemaLock::default(),
            )
            .expect("connect");
            let fields = source.describe().expect("describe").objects[model].fields.keys().cloned().collect::<Vec<_>>();
            let started = Instant::now();
            let mut after = None;
            let mut records = 0usize;
            loop {
                let batch = source.read(model, &fields, after.as_ref(), page).expect("read");
                records += batch.records.len();
                match batch.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            let seconds = started.elapsed().as_secs_f64();
            println!("{model:16} {page:>6} {records:>8} {seconds:>8.2} {:>10.0}", records as f64 / seconds.max(1e-9));
            assert!(records > 0, "{model}: nothing read");
        }
    }
    // Messages the way `run` reads them: per batch of 50 tickets, with the bundled spec's
    // `where:` conditions in the domain (only ticket emails and comments come back).
    let mut source = OdooSource::connect_with(
        OdooClientConfig::new(url.clone()),
        &config.database,
        &config.login,
        KEY,
        SchemaLock::default(),
    )
    .expect("connect");
    let lock = source.describe().expect("describe");
    let fields = lock.objects["mail.message"].fields.keys().cloned().collect::<Vec<_>>();
    let conditions = [
        Condition { field: "model".into(), op: ConditionOp::Eq, values: vec![Value::text("helpdesk.ticket")] },
        Condition {
            field: "message_type".into(),
            op: ConditionOp::In,
            values: vec![Value::text("email"), Value::text("comment")],
        },
    ];
    let ids: Vec<Value> = (1..=tickets as i64).map(Value::Int).collect();
    let started = Instant::now();
    let mut records = 0usize;
    for parents in ids.chunks(cutover::run::runner::PARENTS_PER_READ) {
        let read = source.read_children("mail.message", &fields, "res_id", parents, &conditions).expect("read");
        records += read.expect("the odoo driver reads by parent").len();
    }
    let seconds = started.elapsed().as_secs_f64();
    let per = cutover::run::runner::PARENTS_PER_READ;
    println!(
        "{:16} {:>6} {records:>8} {seconds:>8.2} {:>10.0}",
        "mail.message",
        format!("{per}t"),
        records as f64 / seconds.max(1e-9)
    );
    println!("(`{per}t`: the messages of {per} tickets per request, filtered by the spec's where: in the domain)");
    assert!(records > 0, "mail.message by ticket: nothing read");
    runtime.block_on(server.shutdown());
}
