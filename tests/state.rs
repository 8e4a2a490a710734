//! The state store on SQLite and PostgreSQL: the same migrations, the same answers.

use cutover::state::{Action, Counts, Ledger, Origin, RecordRow, Status};

use crate::support::state::both;

fn row(ledger: &Ledger, object: &str, id: &str, status: Status, run: i64) -> RecordRow {
    let mut row = RecordRow::new(object, id, "contact", run, ledger.next_seq());
    row.status = status;
    row
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ledger_behaves_the_same_on_sqlite_and_postgres() {
    let dir = tempfile::tempdir().unwrap();
    for (backend, url) in both(dir.path()).await {
        let ledger = Ledger::open(&url, dir.path()).await.unwrap_or_else(|e| panic!("{backend}: {e}"));
        let run = ledger.begin_run("run", "abc", "{}").await.unwrap();
        assert_eq!(run, 1, "{backend}");

        let mut done = row(&ledger, "contact", "19", Status::Done, run);
        done.origin = Some(Origin::Created);
        done.action = Some(Action::Created);
        done.dest_id = Some("c-1".into());
        done.dedupe_key = Some("greta@example.net".into());
        done.checksum = Some("ff".into());
        done.source_changed = Some(1_700_000_000);
        let mut intent = row(&ledger, "contact", "20", Status::Intent, run);
        intent.payload = Some(r#"{"kind":"contact"}"#.into());
        let mut flagged = row(&ledger, "contact", "21", Status::Flagged, run);
        flagged.reason = Some("partner has no usable email address — «ß»".into());
        ledger.put_many(&[done.clone(), intent.clone(), flagged.clone()]).await.unwrap();

        assert_eq!(ledger.get("contact", "19").await.unwrap(), Some(done.clone()), "{backend}");
        assert_eq!(ledger.get("contact", "99").await.unwrap(), None, "{backend}");
        let many = ledger.get_many("contact", &["19".into(), "21".into(), "404".into()]).await.unwrap();
        assert_eq!(many.len(), 2, "{backend}");
        assert_eq!(many["21"].reason, flagged.reason, "{backend}");
        assert_eq!(
            ledger.by_key("contact", "greta@example.net").await.unwrap().map(|r| r.source_id),
            Some("19".into())
        );
        assert_eq!(ledger.with_status(Status::Intent).await.unwrap(), vec![intent.clone()], "{backend}");

        // An upsert replaces the row; the first run stays.
        let run2 = ledger.begin_run("run", "abc", "{}").await.unwrap();
        let mut settled = intent.clone();
        settled.status = Status::Done;
        settled.origin = Some(Origin::Created);
        settled.dest_id = Some("c-2".into());
        settled.payload = None;
        settled.last_run = run2;
        settled.seq = ledger.next_seq();
        ledger.put(&settled).await.unwrap();
        let read = ledger.get("contact", "20").await.unwrap().unwrap();
        assert_eq!((read.status, read.first_run, read.last_run), (Status::Done, 1, 2), "{backend}");
        let created: Vec<String> = ledger.created(None).await.unwrap().into_iter().map(|r| r.source_id).collect();
        assert_eq!(created, vec!["20", "19"], "{backend}: newest first");
        assert_eq!(ledger.created(Some(run2)).await.unwrap().len(), 0, "{backend}: first run decides");

        ledger.set_cursor("contact", run2, Some("500")).await.unwrap();
        assert_eq!(ledger.cursor("contact").await.unwrap(), Some(Some("500".into())), "{backend}");
        ledger.clear_cursor("contact").await.unwrap();
        assert_eq!(ledger.cursor("contact").await.unwrap(), None, "{backend}");
        ledger.set_high_water("contact", 10).await.unwrap();
        ledger.set_high_water("contact", 12).await.unwrap();
        assert_eq!(ledger.high_water("contact").await.unwrap(), Some(12), "{backend}");

        let counts =
            Counts { complete: true, in_source: Some(3), read: 3, created: 2, flagged: 1, ..Counts::default() };
        ledger.save_counts(run2, "contact", &counts).await.unwrap();
        assert_eq!(ledger.counts(run2).await.unwrap(), vec![("contact".to_owned(), counts)], "{backend}");
        assert_eq!(ledger.source_totals().await.unwrap().get("contact"), Some(&3), "{backend}");
        ledger.finish_run(run2, "finished").await.unwrap();
        assert_eq!(ledger.runs().await.unwrap()[1].status, "finished", "{backend}");
        ledger.close().await;

        // Reopening keeps everything and continues the write order.
        let reopened = Ledger::open(&url, dir.path()).await.unwrap();
        assert!(reopened.next_seq() > settled.seq, "{backend}");
        assert_eq!(reopened.all().await.unwrap().len(), 3, "{backend}");
        reopened.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_state_setting_that_is_not_a_database_says_what_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let error = Ledger::open("mysql://root:hunter2@localhost/x", dir.path()).await.unwrap_err();
    assert!(error.message.contains("sqlite:cutover.db"), "{error}");
    assert!(!error.message.contains("hunter2"), "{error}");
}
