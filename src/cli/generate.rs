//! `cutover generate`: a deterministic synthetic helpdesk as NDJSON files and a schema lock.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::cli::{COULD_NOT_RUN, Stream, emit};
use crate::generate::otrs_sql::{self, ArticleStorage, Engine, SqlOptions};
use crate::generate::{self, Platform};

/// Write a synthetic helpdesk (tickets, messages, customers, agents, attachments and the ugly
/// cases real exports contain) as one NDJSON file per source object, plus the schema lock that
/// describes it. The same platform, ticket count and seed always give byte-identical files.
#[derive(Debug, Args)]
pub struct Generate {
    /// Which helpdesk's objects and field names to produce.
    #[arg(long, value_enum)]
    platform: PlatformChoice,
    /// How many tickets to generate; customers, agents and messages scale with it.
    #[arg(long, default_value_t = 1000)]
    tickets: u64,
    /// Seed of the random streams; the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Directory to write into (created if missing; files of the same names are replaced).
    #[arg(long)]
    out: PathBuf,
    /// OTRS only: also write the helpdesk as one SQL file for this database engine (Znuny 7.0
    /// tables, the data, then the foreign keys): `otrs.mysql.sql` or `otrs.postgresql.sql`.
    #[arg(long, value_enum)]
    sql: Option<SqlChoice>,
    /// With --sql: where attachments are kept: in the database (default), as files under
    /// OUT/article (the file-system backend), or mixed (odd ticket ids in the database, even ones
    /// on disk, as after a switch).
    #[arg(long, value_enum)]
    article_storage: Option<StorageChoice>,
    /// With --sql: the OTRSTimeZone the database's naive times are written in (default UTC).
    #[arg(long, value_name = "ZONE")]
    otrs_time_zone: Option<String>,
}

/// The `--sql` choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SqlChoice {
    /// MySQL or MariaDB.
    Mysql,
    /// PostgreSQL.
    Postgres,
}

/// The `--article-storage` choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum StorageChoice {
    /// In article_data_mime_attachment (ArticleStorageDB).
    Db,
    /// As files under OUT/article (ArticleStorageFS).
    Fs,
    /// Odd ticket ids in the database, even ones on disk.
    Mixed,
}

/// The `--platform` choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum PlatformChoice {
    /// Odoo 17 Help Desk: `helpdesk.ticket`, `res.partner`, `mail.message`, …
    Odoo,
    /// OTRS 6 / Znuny 7 tables: `ticket`, `article`, `customer_user`, …
    Otrs,
    /// TOPdesk REST resources: `incidents`, `persons`, `operators`, …
    Topdesk,
}

impl From<PlatformChoice> for Platform {
    fn from(choice: PlatformChoice) -> Platform {
        match choice {
            PlatformChoice::Odoo => Platform::Odoo,
            PlatformChoice::Otrs => Platform::Otrs,
            PlatformChoice::Topdesk => Platform::Topdesk,
        }
    }
}

impl Generate {
    /// Generate, then print one line per object with its record count.
    pub fn execute(self) -> ExitCode {
        let platform = Platform::from(self.platform);
        let sql = match self.sql_options(platform) {
            Ok(sql) => sql,
            Err(message) => {
                let _ = emit(Stream::Stderr, &format!("error: {message}\n"));
                return ExitCode::from(COULD_NOT_RUN);
            }
        };
        let summary = match generate::generate(platform, self.tickets, self.seed, &self.out) {
            Ok(summary) => summary,
            Err(error) => {
                let message = format!("error: could not write to `{}`: {error}\n", self.out.display());
                let _ = emit(Stream::Stderr, &message);
                return ExitCode::from(COULD_NOT_RUN);
            }
        };
        let width = summary.objects.keys().map(|name| name.len() + ".ndjson".len()).max().unwrap_or(0).max(5);
        let mut out = format!(
            "Generated {} {platform} tickets (seed {}) in {}\n\n",
            summary.tickets,
            summary.seed,
            self.out.display()
        );
        let _ = writeln!(out, "{:<width$}  {:>12}", "file", "records");
        let mut total = 0;
        for (name, count) in &summary.objects {
            let _ = writeln!(out, "{:<width$}  {count:>12}", format!("{name}.ndjson"));
            total += count;
        }
        let _ = writeln!(out, "{:<width$}  {total:>12}", "total");
        let _ = writeln!(out, "\n{} bytes of NDJSON; schema lock: {}", summary.bytes, summary.lock.display());
        if let Some(options) = sql {
            match otrs_sql::write_sql(&self.out, &options) {
                Ok(written) => {
                    let rows: u64 = written.rows.values().sum();
                    let _ = writeln!(
                        out,
                        "{} SQL: {} ({rows} rows in {} tables; article storage {}; OTRSTimeZone {})",
                        options.engine,
                        written.path.display(),
                        written.rows.len(),
                        options.storage.as_str(),
                        options.time_zone
                    );
                    if let Some(dir) = &written.article_dir {
                        let _ = writeln!(out, "attachments on disk: {} files under {}", written.files, dir.display());
                    }
                }
                Err(error) => {
                    let _ = emit(Stream::Stdout, &out);
                    let message =
                        format!("error: could not write the SQL file into `{}`: {error}\n", self.out.display());
                    let _ = emit(Stream::Stderr, &message);
                    return ExitCode::from(COULD_NOT_RUN);
                }
            }
        }
        emit(Stream::Stdout, &out).err().unwrap_or(ExitCode::SUCCESS)
    }

    /// The SQL options, if `--sql` was given; the other SQL flags need it, and only OTRS has it.
    fn sql_options(&self, platform: Platform) -> Result<Option<SqlOptions>, String> {
        let Some(choice) = self.sql else {
            if self.article_storage.is_some() || self.otrs_time_zone.is_some() {
                return Err("--article-storage and --otrs-time-zone go with --sql".to_owned());
            }
            return Ok(None);
        };
        if platform != Platform::Otrs {
            return Err(format!(
                "--sql writes an OTRS database; the {platform} platform has none (use --platform otrs)"
            ));
        }
        let engine = match choice {
            SqlChoice::Mysql => Engine::MySql,
            SqlChoice::Postgres => Engine::Postgres,
        };
        let storage = match self.article_storage.unwrap_or(StorageChoice::Db) {
            StorageChoice::Db => ArticleStorage::Db,
            StorageChoice::Fs => ArticleStorage::Fs,
            StorageChoice::Mixed => ArticleStorage::Mixed,
        };
        let time_zone = self.otrs_time_zone.clone().unwrap_or_else(|| "UTC".to_owned());
        if let Err(error) = jiff::tz::TimeZone::get(&time_zone) {
            return Err(format!("--otrs-time-zone `{time_zone}` is not a known time zone: {error}"));
        }
        Ok(Some(SqlOptions { engine, storage, time_zone }))
    }
}
