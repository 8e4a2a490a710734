//! Date and time built-ins, with jiff and its bundled time zone database.

use jiff::civil::{Date, DateTime};
use jiff::fmt::strtime::{self, BrokenDownTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use super::{argument, int_argument, text_argument, trim_text, wrong_kind};
use crate::run::value::Value;

/// `parse_date(text, format)`: the date the text gives by the strftime format; null when it does
/// not match.
pub fn parse_date(args: &[Value]) -> Result<Value, String> {
    let (Value::Text(text), Value::Text(format)) = (argument(args, 0)?, argument(args, 1)?) else {
        return nulls_or_kinds(args, &["text", "format"]);
    };
    match strtime::parse(&**format, trim_text(text)).and_then(|parsed| parsed.to_date()) {
        Ok(date) => Ok(Value::Date(date)),
        Err(_) => not_matched(format),
    }
}

/// `parse_datetime(text, format, time zone)`: the instant the text gives as local time in the
/// zone (an offset or `%s` in the format wins over the zone); null when it does not match.
pub fn parse_datetime(args: &[Value]) -> Result<Value, String> {
    // The zone first: a misspelt zone is a mistake in the spec, also for records without a time.
    let zone = match argument(args, 2)? {
        Value::Null => return Ok(Value::Null),
        _ => time_zone(text_argument(args, 2, "time zone")?)?,
    };
    let (Value::Text(text), Value::Text(format)) = (argument(args, 0)?, argument(args, 1)?) else {
        return nulls_or_kinds(args, &["text", "format"]);
    };
    let Ok(parsed) = strtime::parse(&**format, trim_text(text)) else {
        return not_matched(format);
    };
    let instant = if parsed.offset().is_some() || parsed.timestamp().is_some() {
        parsed.to_timestamp().ok()
    } else {
        parsed.to_datetime().ok().map(|local| in_zone(local, &zone)).transpose()?
    };
    instant.map_or_else(|| not_matched(format), |instant| Ok(Value::DateTime(instant)))
}

/// `local_datetime(value, time zone)`: a datetime stored as naive local time (its UTC reading is
/// the local wall clock), or a date's midnight, as the instant it is in the zone.
pub fn local_datetime(args: &[Value]) -> Result<Value, String> {
    let zone = time_zone(text_argument(args, 1, "time zone")?)?;
    let local = match argument(args, 0)? {
        Value::DateTime(stored) => stored.to_zoned(TimeZone::UTC).datetime(),
        Value::Date(date) => date.to_datetime(jiff::civil::Time::midnight()),
        other => return Err(wrong_kind("value", "a date or datetime", other)),
    };
    Ok(Value::DateTime(in_zone(local, &zone)?))
}

/// `to_date(value)`: the UTC calendar date of a datetime; a date stays itself.
pub fn to_date(args: &[Value]) -> Result<Value, String> {
    match argument(args, 0)? {
        Value::Date(date) => Ok(Value::Date(*date)),
        Value::DateTime(instant) => Ok(Value::Date(instant.to_zoned(TimeZone::UTC).date())),
        other => Err(wrong_kind("value", "a date or datetime", other)),
    }
}

/// `to_datetime(value)`: a date as midnight UTC; a datetime stays itself.
pub fn to_datetime(args: &[Value]) -> Result<Value, String> {
    Ok(Value::DateTime(instant_argument(args, 0)?))
}

/// `format_date(value, format)`: a date, or a datetime in UTC, formatted with strftime.
pub fn format_date(args: &[Value]) -> Result<Value, String> {
    let format = text_argument(args, 1, "format")?;
    let formatted = match argument(args, 0)? {
        Value::Date(date) => strtime::format(format, *date),
        Value::DateTime(instant) => strtime::format(format, &instant.to_zoned(TimeZone::UTC)),
        other => return Err(wrong_kind("value", "a date or datetime", other)),
    };
    formatted.map(Value::text).map_err(|error| format!("cannot format with `{format}`: {error}"))
}

/// `unix_seconds(value)`: seconds since 1970-01-01T00:00:00Z (a date at midnight UTC).
pub fn unix_seconds(args: &[Value]) -> Result<Value, String> {
    Ok(Value::Int(instant_argument(args, 0)?.as_second()))
}

/// `from_unix_seconds(seconds)`: the instant that many seconds after 1970-01-01T00:00:00Z.
pub fn from_unix_seconds(args: &[Value]) -> Result<Value, String> {
    let seconds = int_argument(args, 0, "number of seconds")?;
    Timestamp::from_second(seconds)
        .map(Value::DateTime)
        .map_err(|_| format!("{seconds} seconds since 1970 is outside the supported years -9999 to 9999"))
}

/// The time zone called `name` in the bundled IANA database.
fn time_zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|_| format!("unknown time zone `{name}` (expected an IANA name like `Europe/Berlin`)"))
}

/// The instant at which the wall clock in `zone` shows `local`: a time skipped by a DST gap is
/// moved forward by the gap, a time shown twice is the earlier instant (jiff's "compatible").
fn in_zone(local: DateTime, zone: &TimeZone) -> Result<Timestamp, String> {
    zone.to_ambiguous_timestamp(local).compatible().map_err(|error| format!("{local} in {zone:?}: {error}"))
}

/// A date or datetime argument as an instant, a date at midnight UTC.
fn instant_argument(args: &[Value], index: usize) -> Result<Timestamp, String> {
    match argument(args, index)? {
        Value::DateTime(instant) => Ok(*instant),
        Value::Date(date) => midnight_utc(*date),
        other => Err(wrong_kind("value", "a date or datetime", other)),
    }
}

fn midnight_utc(date: Date) -> Result<Timestamp, String> {
    date.to_zoned(TimeZone::UTC).map(|zoned| zoned.timestamp()).map_err(|error| format!("{date}: {error}"))
}

/// Null when the text did not match a valid format; an error when the format itself is invalid.
fn not_matched(format: &str) -> Result<Value, String> {
    // Formatting a value that has every field shows whether each directive is known.
    let probe: Zoned = Timestamp::UNIX_EPOCH.to_zoned(TimeZone::UTC);
    match BrokenDownTime::from(&probe).to_string(format) {
        Ok(_) => Ok(Value::Null),
        Err(error) => Err(format!("invalid date format `{format}`: {error}")),
    }
}

/// Null for a null argument (these functions are null whenever one is), else the kind error.
fn nulls_or_kinds(args: &[Value], roles: &[&str]) -> Result<Value, String> {
    for (index, role) in roles.iter().enumerate() {
        match argument(args, index)? {
            Value::Null => return Ok(Value::Null),
            Value::Text(_) => {}
            other => return Err(wrong_kind(role, "text", other)),
        }
    }
    Ok(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Value {
        Value::text(value)
    }

    fn instant(iso: &str) -> Value {
        Value::DateTime(iso.parse().unwrap())
    }

    fn berlin(local: &str) -> Result<Value, String> {
        parse_datetime(&[text(local), text("%Y-%m-%d %H:%M"), text("Europe/Berlin")])
    }

    #[test]
    fn parse_datetime_moves_a_dst_gap_forward() {
        // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST; 02:30 does not exist.
        assert_eq!(berlin("2026-03-29 02:30").unwrap(), instant("2026-03-29T01:30:00Z"));
        assert_eq!(berlin("2026-03-29 01:59").unwrap(), instant("2026-03-29T00:59:00Z"));
        assert_eq!(berlin("2026-03-29 03:00").unwrap(), instant("2026-03-29T01:00:00Z"));
    }

    #[test]
    fn parse_datetime_takes_the_earlier_instant_of_a_fold() {
        // 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET; 02:30 happens twice.
        assert_eq!(berlin("2026-10-25 02:30").unwrap(), instant("2026-10-25T00:30:00Z"));
        assert_eq!(berlin("2026-10-25 03:30").unwrap(), instant("2026-10-25T02:30:00Z"));
    }

    #[test]
    fn parse_datetime_prefers_an_offset_in_the_text() {
        let parsed = parse_datetime(&[
            text("2026-11-21T10:00:00.000+0000"),
            text("%Y-%m-%dT%H:%M:%S%.f%z"),
            text("Europe/Berlin"),
        ]);
        assert_eq!(parsed.unwrap(), instant("2026-11-21T10:00:00Z"));
        let seconds = parse_datetime(&[text("1795263600"), text("%s"), text("Europe/Berlin")]);
        assert_eq!(seconds.unwrap(), instant("2026-11-21T12:20:00Z"));
    }

    #[test]
    fn unknown_time_zones_are_errors_naming_them() {
        let error = berlin_typo().unwrap_err();
        assert!(error.starts_with("unknown time zone `Europe/Berln`"), "{error}");
        let stored = instant("2026-01-01T12:00:00Z");
        let error = local_datetime(&[stored, text("CEST")]).unwrap_err();
        assert!(error.contains("`CEST`"), "{error}");
        // Even for a record without a time: the zone is the spec's mistake.
        assert!(parse_datetime(&[Value::Null, text("%Y"), text("Europe/Berln")]).is_err());
    }

    fn berlin_typo() -> Result<Value, String> {
        parse_datetime(&[text("2026-01-01 10:00"), text("%Y-%m-%d %H:%M"), text("Europe/Berln")])
    }

    #[test]
    fn parsing_is_null_on_mismatch_and_an_error_on_a_bad_format() {
        assert!(parse_date(&[text("31.02.2026"), text("%d.%m.%Y")]).unwrap().is_null());
        assert!(parse_date(&[text("n/a"), text("%d.%m.%Y")]).unwrap().is_null());
        assert!(parse_date(&[text("21.11.2026 extra"), text("%d.%m.%Y")]).unwrap().is_null());
        assert_eq!(
            parse_date(&[text(" 21.11.2026 "), text("%d.%m.%Y")]).unwrap(),
            Value::Date(jiff::civil::date(2026, 11, 21))
        );
        assert!(parse_date(&[Value::Null, text("%d.%m.%Y")]).unwrap().is_null());
        let error = parse_date(&[text("x"), text("%K")]).unwrap_err();
        assert!(error.starts_with("invalid date format `%K`"), "{error}");
        let midnight = parse_datetime(&[text("2026-07-01"), text("%Y-%m-%d"), text("Europe/Berlin")]);
        assert_eq!(midnight.unwrap(), instant("2026-06-30T22:00:00Z"));
    }

    #[test]
    fn local_datetime_reinterprets_naive_time() {
        let stored = instant("2026-01-01T12:00:00Z");
        assert_eq!(local_datetime(&[stored, text("Europe/Berlin")]).unwrap(), instant("2026-01-01T11:00:00Z"));
        let summer = instant("2026-07-01T12:00:00Z");
        assert_eq!(local_datetime(&[summer, text("Europe/Berlin")]).unwrap(), instant("2026-07-01T10:00:00Z"));
        let gap = instant("2026-03-29T02:30:00Z");
        assert_eq!(local_datetime(&[gap, text("Europe/Berlin")]).unwrap(), instant("2026-03-29T01:30:00Z"));
        let date = Value::Date(jiff::civil::date(2026, 11, 21));
        assert_eq!(local_datetime(&[date, text("Europe/Berlin")]).unwrap(), instant("2026-11-20T23:00:00Z"));
    }

    #[test]
    fn utc_conversions() {
        let late = instant("2026-11-21T23:30:00Z");
        assert_eq!(to_date(std::slice::from_ref(&late)).unwrap(), Value::Date(jiff::civil::date(2026, 11, 21)));
        assert_eq!(format_date(&[late.clone(), text("%d.%m.%Y %H:%M %Z")]).unwrap(), text("21.11.2026 23:30 UTC"));
        assert!(format_date(&[Value::Date(jiff::civil::date(2026, 1, 1)), text("%H")]).is_err());
        assert_eq!(unix_seconds(&[Value::Date(jiff::civil::date(1970, 1, 2))]).unwrap(), Value::Int(86_400));
        assert_eq!(from_unix_seconds(&[Value::Int(86_400)]).unwrap(), instant("1970-01-02T00:00:00Z"));
        assert!(from_unix_seconds(&[Value::Int(i64::MAX)]).is_err());
    }
}
