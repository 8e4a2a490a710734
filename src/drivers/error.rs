//! What can go wrong talking to a source or a destination.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::suggest::did_you_mean;

/// A driver failure, with the file and line or the object it concerns.
#[derive(Debug)]
pub enum DriverError {
    /// A file could not be opened, read or written (a data directory that does not exist).
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A line that is not a record: `{"id": 1, "name": ` cut short, `[1, 2]`, a record without
    /// `id`, or an id that does not follow the one before it.
    Malformed {
        /// The file.
        path: PathBuf,
        /// The line, counted from 1.
        line: u64,
        /// What is wrong with it.
        message: String,
    },
    /// An object the source does not have (`tickets` when the directory holds `ticket.ndjson`).
    UnknownObject {
        /// The name asked for.
        object: String,
        /// The objects there are, sorted.
        known: Vec<String>,
    },
    /// A cursor the data no longer matches (the file was regenerated since the cursor was saved)
    /// or text that is not a cursor of this driver.
    StaleCursor {
        /// The object being read.
        object: String,
        /// The cursor as given.
        cursor: String,
        /// What did not match.
        reason: String,
    },
    /// A remote system failed or refused a call (Odoo: wrong credentials, a model the user may
    /// not read, a page that outran the server's time limit); the message says what to do.
    Remote {
        /// The system (`odoo`).
        system: String,
        /// What went wrong and what to do, never holding a credential.
        message: String,
    },
    /// A record the sink cannot write (a mapped field named `_object`, a kind named `../x`).
    Rejected {
        /// The destination kind.
        kind: String,
        /// Why.
        message: String,
    },
}

impl DriverError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        DriverError::Io { path: path.into(), source }
    }

    /// A malformed line `line` of `path`.
    pub fn malformed(path: impl Into<PathBuf>, line: u64, message: impl Into<String>) -> Self {
        DriverError::Malformed { path: path.into(), line, message: message.into() }
    }
}

impl fmt::Display for DriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriverError::Io { path, source } => write!(f, "cannot access `{}`: {source}", path.display()),
            DriverError::Malformed { path, line, message } => {
                write!(f, "{}, line {line}: {message}", path.display())
            }
            DriverError::UnknownObject { object, known } => {
                write!(f, "unknown object `{object}`")?;
                if let Some(suggestion) = did_you_mean(object, known.iter().map(String::as_str)) {
                    write!(f, "; {suggestion}")?;
                }
                if known.is_empty() {
                    f.write_str(" (the source has no objects)")
                } else {
                    write!(f, " (objects: {})", known.join(", "))
                }
            }
            DriverError::StaleCursor { object, cursor, reason } => write!(
                f,
                "cannot resume reading `{object}` from cursor `{cursor}`: {reason}; the data changed since the \
                 cursor was saved, so restart reading `{object}` from the beginning"
            ),
            DriverError::Remote { system, message } => write!(f, "{system}: {message}"),
            DriverError::Rejected { kind, message } => write!(f, "cannot write a `{kind}` record: {message}"),
        }
    }
}

impl std::error::Error for DriverError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DriverError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_place_and_suggest_objects() {
        let error = DriverError::malformed("data/ticket.ndjson", 3, "expected `,` or `}` at column 9");
        assert_eq!(error.to_string(), "data/ticket.ndjson, line 3: expected `,` or `}` at column 9");
        let error =
            DriverError::UnknownObject { object: "tickets".into(), known: vec!["team".into(), "ticket".into()] };
        assert_eq!(error.to_string(), "unknown object `tickets`; did you mean `ticket`? (objects: team, ticket)");
    }
}
