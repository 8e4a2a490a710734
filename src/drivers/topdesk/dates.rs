//! TOPdesk's date-time spellings, read into the runtime's point in time, and the one spelling
//! written into FIQL queries.
//!
//! One tenant answers in several styles at once (digest §14): the incident and supporting-files
//! APIs write `2020-10-01T14:10:00.000+0000` (an offset without a colon), the change API the same
//! without milliseconds, the newer APIs RFC 3339 with `Z`, and asset `@etag`s carry no zone at
//! all. Every style is accepted here, so the driver never has to know which API a value came
//! from; a zone-less value is read as UTC, as the asset API documents for its `$filter` dates.

use jiff::Timestamp;

use crate::drivers::records::timestamp_from_text;

/// A TOPdesk date-time: `Z`, `±hhmm` or `±hh:mm`, with or without fractions of a second, or no
/// zone at all (read as UTC). `None` for anything else, including a bare date.
pub fn parse_datetime(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    match colonless_offset(text) {
        Some(split) => {
            let (local, offset) = text.split_at(split);
            timestamp_from_text(&format!("{local}{}:{}", &offset[..3], &offset[3..]))
        }
        None => timestamp_from_text(text),
    }
}

/// Where an offset written `+hhmm`/`-hhmm` starts, when the text ends with one after a time.
fn colonless_offset(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // `YYYY-MM-DDTHH:MM:SS` before the offset at least, so the date's own dashes never count.
    let start = bytes.len().checked_sub(5).filter(|start| *start >= 19)?;
    let after_time = matches!(bytes[10], b'T' | b' ') && bytes[start - 1].is_ascii_digit();
    let offset = &bytes[start..];
    (after_time && matches!(offset[0], b'+' | b'-') && offset[1..].iter().all(u8::is_ascii_digit)).then_some(start)
}

/// A point in time as FIQL's date literal: `2024-01-01T00:00:00Z` (whole seconds, UTC).
pub fn fiql_datetime(time: Timestamp) -> String {
    time.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> String {
        parse_datetime(text).map_or_else(|| "none".to_owned(), |time| time.to_string())
    }

    #[test]
    fn every_documented_spelling_reads_as_the_same_instant() {
        assert_eq!(read("2020-10-01T14:10:00.000+0000"), "2020-10-01T14:10:00Z");
        assert_eq!(read("2020-10-01T16:10:00.000+0200"), "2020-10-01T14:10:00Z");
        assert_eq!(read("2020-10-01T09:10:00-0500"), "2020-10-01T14:10:00Z");
        assert_eq!(read("2020-10-01T16:10:00+02:00"), "2020-10-01T14:10:00Z");
        assert_eq!(read("2020-10-01T14:10:00Z"), "2020-10-01T14:10:00Z");
        assert_eq!(read("2020-10-01T14:10:00.5Z"), "2020-10-01T14:10:00.5Z");
        assert_eq!(read("2018-04-23T10:09:47.863+0000"), "2018-04-23T10:09:47.863Z");
        assert_eq!(read("2022-04-11T08:20:42.409"), "2022-04-11T08:20:42.409Z");
        assert_eq!(read("2022-04-11T08:20:42"), "2022-04-11T08:20:42Z");
    }

    #[test]
    fn other_text_is_not_a_date_time() {
        assert_eq!(read("2020-10-01"), "none");
        assert_eq!(read("soon"), "none");
        assert_eq!(read(""), "none");
    }

    #[test]
    fn fiql_literals_are_whole_utc_seconds() {
        let time = parse_datetime("2024-01-01T01:00:00.750+0100").unwrap();
        assert_eq!(fiql_datetime(time), "2024-01-01T00:00:00Z");
    }
}
