//! Exactly-once under crashes and faults: the binary killed with SIGKILL at seeded random points
//! and resumed, and runs against a sandbox that fails a share of writes (429s, 500s, timeouts,
//! resets, writes applied whose response is lost). The final state must equal that of a clean
//! run: no duplicates, nothing missing, parts in order, every record accounted for.
//!
//! Figures (kills that landed mid-run, faults injected, runs needed) are printed with
//! `--nocapture`.

use std::time::{Duration, Instant};

use serde_json::Value;

use cutover::generate::rng::Rng;
use cutover::sandbox::intercom::{FaultConfig, Sandbox};

use crate::support::migration::{
    Rehearsal, differences, duplicates, normalize, records, sandbox_config, show, with_faults,
};
use crate::support::state::fresh_postgres;

/// Kills per backend.
const KILLS: usize = 20;

/// The state a clean, uninterrupted run leaves (fresh sandbox, fresh ledger).
async fn expected(rehearsal: &Rehearsal) -> Value {
    let sandbox = Sandbox::start(sandbox_config(&rehearsal.data)).await.unwrap();
    let spec = rehearsal.spec.clone();
    let saved = std::fs::read_to_string(&spec).ok();
    rehearsal.write_spec(&sandbox.base_url(), Some("sqlite:clean.db"));
    let output = rehearsal.cutover(&["run", "--quiet"]).await;
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", show(&output));
    let state = normalize(&sandbox);
    sandbox.shutdown().await;
    if let Some(saved) = saved {
        std::fs::write(&spec, saved).unwrap();
    }
    state
}

fn summary(state: &Value) -> String {
    let count = |key: &str| state[key].as_array().map_or(0, Vec::len);
    let parts: usize = state["conversations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["parts"].as_array().map_or(0, Vec::len))
        .sum();
    format!("{} contacts, {} conversations, {parts} parts", count("contacts"), count("conversations"))
}

async fn killed_and_resumed(state: Option<String>, backend: &str) {
    let rehearsal = Rehearsal::new(100, 31);
    let want = expected(&rehearsal).await;
    let mut config = sandbox_config(&rehearsal.data);
    config.latency = Duration::from_millis(20);
    let sandbox = Sandbox::start(config).await.unwrap();
    rehearsal.write_spec(&sandbox.base_url(), state.as_deref());
    let mut rng = Rng::new(20_261_205);
    let mut landed = 0;
    let started = Instant::now();
    for _ in 0..KILLS {
        let mut child = rehearsal.spawn(&["run", "--quiet", "--concurrency", "4"]);
        let delay = Duration::from_millis(100 + rng.below(500));
        tokio::time::sleep(delay).await;
        if child.try_wait().unwrap().is_none() {
            landed += 1;
        }
        child.kill().await.unwrap(); // SIGKILL
    }
    let mut finals = 0;
    let outcome = loop {
        finals += 1;
        let output = rehearsal.cutover(&["run", "--quiet"]).await;
        if output.status.code() != Some(130) || finals == 3 {
            break output;
        }
    };
    assert!(matches!(outcome.status.code(), Some(0 | 1)), "{}", show(&outcome));
    let got = normalize(&sandbox);
    let dupes = duplicates(&sandbox);
    println!(
        "kill test ({backend}): {landed}/{KILLS} SIGKILLs landed mid-run, then resumed in {finals} run(s), {:.1}s; \
         expected {}; got {}",
        started.elapsed().as_secs_f64(),
        summary(&want),
        summary(&got)
    );
    assert!(dupes.is_empty(), "duplicates after kills: {dupes:?}");
    assert!(landed >= KILLS * 3 / 4, "only {landed} of {KILLS} kills landed while the run was working");
    let differences = differences(&want, &got);
    assert!(
        differences.is_empty(),
        "the state after {landed} kills differs from a clean run:\n{}",
        differences.join("\n")
    );
    let report = rehearsal.cutover(&["report"]).await;
    assert_eq!(report.status.code(), Some(0), "{}", show(&report));
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_kills_then_resume_give_the_clean_state_sqlite() {
    killed_and_resumed(None, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_kills_then_resume_give_the_clean_state_postgres() {
    killed_and_resumed(Some(fresh_postgres().await), "postgres").await;
}

/// Ctrl-C (SIGINT) stops a run cleanly: writes in flight finish and are recorded, the run says
/// how to resume, and resuming gives the clean state.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_cleanly_and_the_run_resumes() {
    let rehearsal = Rehearsal::new(100, 51);
    let want = expected(&rehearsal).await;
    let mut config = sandbox_config(&rehearsal.data);
    config.latency = Duration::from_millis(20);
    let sandbox = Sandbox::start(config).await.unwrap();
    rehearsal.write_spec(&sandbox.base_url(), None);
    let child = rehearsal.spawn_capturing(&["run", "--quiet"]);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pid = child.id().expect("running").to_string();
    let sent = std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(sent.success());
    let output = child.wait_with_output().await.unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", show(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("run the same command again to resume"),
        "{}",
        show(&output)
    );
    let resumed = rehearsal.cutover(&["run", "--quiet"]).await;
    assert!(matches!(resumed.status.code(), Some(0 | 1)), "{}", show(&resumed));
    let differences = differences(&want, &normalize(&sandbox));
    assert!(differences.is_empty(), "after Ctrl-C and resume:\n{}", differences.join("\n"));
    sandbox.shutdown().await;
}

async fn faults(state: Option<String>, backend: &str) {
    let rehearsal = Rehearsal::new(30, 41);
    let want = expected(&rehearsal).await;
    let config = with_faults(sandbox_config(&rehearsal.data), 0.10, Duration::from_millis(1500));
    let sandbox = Sandbox::start(config).await.unwrap();
    rehearsal.write_spec(&sandbox.base_url(), state.as_deref());
    let started = Instant::now();
    let first = rehearsal.cutover(&["run", "--quiet"]).await;
    assert!(matches!(first.status.code(), Some(0 | 1)), "{}", show(&first));
    // Every record is accounted for after the faulty run: migrated, or failed with its reason.
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("Every record is accounted for."), "{}", show(&first));
    let log = sandbox.requests();
    let writes = log.iter().filter(|r| r.method != "GET").count();
    let refused = log.iter().filter(|r| matches!(r.status, 0 | 429 | 500)).count();
    // The faults stop; the next run retries what failed.
    sandbox.set_faults(FaultConfig::default());
    let mut runs = 1;
    loop {
        runs += 1;
        let output = rehearsal.cutover(&["run", "--quiet"]).await;
        assert!(matches!(output.status.code(), Some(0 | 1)), "{}", show(&output));
        if normalize(&sandbox) == want || runs == 4 {
            break;
        }
    }
    let got = normalize(&sandbox);
    println!(
        "fault test ({backend}): {writes} writes in the faulty run, 10% of them faulted ({refused} answered \
         429/500 or reset; timeouts and lost responses are applied writes), {runs} runs, {:.1}s; {}",
        started.elapsed().as_secs_f64(),
        summary(&got)
    );
    assert!(duplicates(&sandbox).is_empty(), "{:?}", duplicates(&sandbox));
    let differences = differences(&want, &got);
    assert!(
        differences.is_empty(),
        "after faults and retry runs the state differs from a clean run:\n{}",
        differences.join("\n")
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_percent_faults_lose_and_duplicate_nothing_sqlite() {
    faults(None, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_percent_faults_lose_and_duplicate_nothing_postgres() {
    faults(Some(fresh_postgres().await), "postgres").await;
}

/// The 2,000-ticket rehearsal: run, verify, report, rollback, with the sandbox's state checked
/// against the dry run of the same spec at each step.
#[tokio::test(flavor = "multi_thread")]
async fn two_thousand_tickets_run_verify_report_and_roll_back() {
    let rehearsal = Rehearsal::new(2000, 2026);
    let sandbox = Sandbox::start(sandbox_config(&rehearsal.data)).await.unwrap();
    rehearsal.write_spec(&sandbox.base_url(), None);
    let started = Instant::now();
    let run = rehearsal.cutover(&["run", "--quiet"]).await;
    let seconds = started.elapsed().as_secs_f64();
    assert!(matches!(run.status.code(), Some(0 | 1)), "{}", show(&run));
    let tickets = records(&rehearsal.data, "helpdesk.ticket").len();
    let got = normalize(&sandbox);
    let requests = sandbox.requests().len();
    println!(
        "2,000-ticket run: {seconds:.1}s for {tickets} tickets, {requests} requests (at Intercom's 10,000 a minute: \
         {:.1} min); {}",
        requests as f64 / 10_000.0,
        summary(&got)
    );
    assert!(duplicates(&sandbox).is_empty(), "{:?}", duplicates(&sandbox));
    // The workspace holds exactly what the ledger says was created, parts in order.
    let report = rehearsal.cutover(&["report", "--format", "json"]).await;
    let report: Value = serde_json::from_slice(&report.stdout).unwrap();
    let created = |object: &str| {
        report["objects"].as_array().unwrap().iter().find(|o| o["object"] == object).unwrap()["outcomes"]["created"]
            .as_u64()
            .unwrap_or(0) as usize
    };
    let dump = sandbox.dump();
    let conversations = dump["conversations"].as_array().unwrap();
    assert_eq!(conversations.len(), created("conversation"), "{report:#}");
    assert_eq!(dump["contacts"].as_array().unwrap().len(), created("contact"), "{report:#}");
    let mut replies = 0;
    for conversation in conversations {
        let times: Vec<i64> = conversation["parts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["part_type"] == "comment" || p["part_type"] == "note")
            .filter_map(|p| p["created_at"].as_i64())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "parts out of order: {times:?}");
        replies += times.len();
    }
    assert_eq!(replies, created("part"), "{report:#}");
    assert!(created("conversation") > tickets / 2, "{report:#}");

    let verify = rehearsal.cutover(&["verify", "--sample", "50"]).await;
    assert_eq!(verify.status.code(), Some(0), "{}", show(&verify));
    let report = rehearsal.cutover(&["report"]).await;
    assert!(String::from_utf8_lossy(&report.stdout).contains("Every record is accounted for."), "{}", show(&report));
    assert_eq!(report.status.code(), Some(0), "{}", show(&report));

    let rollback = rehearsal.cutover(&["rollback", "--quiet"]).await;
    assert_eq!(rollback.status.code(), Some(0), "{}", show(&rollback));
    let after = sandbox.dump();
    assert_eq!(after["contacts"].as_array().unwrap().len(), 0, "{}", show(&rollback));
    assert_eq!(after["conversations"].as_array().unwrap().len(), 0, "{}", show(&rollback));
    sandbox.shutdown().await;
}
