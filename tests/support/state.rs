//! State databases for tests: a SQLite file in a temporary directory, and a fresh PostgreSQL
//! database on the server CI starts (127.0.0.1:5432, trust auth; `CUTOVER_TEST_POSTGRES`
//! overrides the server URL).

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

/// The PostgreSQL server the tests use (a URL without a database name).
pub fn postgres_server() -> String {
    std::env::var("CUTOVER_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// A `state:` URL for a new, empty PostgreSQL database, created now.
pub async fn fresh_postgres() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let server = postgres_server();
    let name = format!("cutover_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres")).await.unwrap_or_else(|error| {
        panic!(
            "these tests need PostgreSQL at {server} (CI starts it; set CUTOVER_TEST_POSTGRES to use another): {error}"
        )
    });
    // Databases left by test processes that are gone go, once per process; those of test
    // processes still running (another test binary, a second checkout) stay.
    static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    SWEPT
        .get_or_init(|| async {
            let names: Vec<(String,)> =
                sqlx::query_as(r"SELECT datname FROM pg_database WHERE datname LIKE 'cutover\_test\_%'")
                    .fetch_all(&mut admin)
                    .await
                    .unwrap_or_default();
            let gone = |name: &str| {
                let pid = name.trim_start_matches("cutover_test_").split('_').next().unwrap_or_default();
                pid.parse::<u32>().map_or(true, |pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
            };
            for (stale,) in names.into_iter().filter(|(n,)| gone(n)) {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {stale} WITH (FORCE)")).execute(&mut admin).await;
            }
        })
        .await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin).await.expect("drop");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create database");
    format!("{server}/{name}")
}

/// The two backends, as `state:` URLs: a SQLite file in `dir` and a fresh PostgreSQL database.
pub async fn both(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    vec![("sqlite", format!("sqlite:{}", dir.join("state.db").display())), ("postgres", fresh_postgres().await)]
}
