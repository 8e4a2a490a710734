//! FIQL time windows for the big lists (incidents, changes).
//!
//! Offset paging over a whole incident list is neither fast (TOPdesk counts from the start for
//! every page) nor stable (nothing pins the result set between pages). The driver reads these
//! lists in half-open windows of [`TopdeskConfig::window_days`](super::TopdeskConfig) days on
//! the **creation date**, sorted by creation date and id, counting each window first.
//!
//! Why the creation date: it never changes, so a record can never move from one window to
//! another while a run is under way, and records created during the run land at the end of the
//! last window, which is open-ended (`creationDate=ge=…` only). Windows on `modificationDate`
//! would let an incident edited mid-run jump into a window already read (read twice) or out of
//! the one being read (shifting every later offset, so one record is skipped); they suit a delta
//! pass, which asks for one window (`modificationDate=ge=<last run>`) and reads it once.
//!
//! A plan is fixed when reading starts (origin, size and number of windows go into the cursor),
//! so a resumed run, even in another process, reads the same windows as the run it continues.

use jiff::{SignedDuration, Timestamp};

use super::dates::fiql_datetime;

/// The windows of one read: window `k` covers `[origin + k·days, origin + (k+1)·days)`, except
/// that the first has no start and the last no end, so every record falls in exactly one window
/// even when the probe for the earliest and latest record was off (a server that ignored `sort`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowPlan {
    /// The start of the first window (midnight UTC at or before the earliest record).
    pub origin: Timestamp,
    /// Days per window.
    pub days: u32,
    /// How many windows; at least one.
    pub windows: u32,
}

impl WindowPlan {
    /// Windows of `days` days from midnight UTC before `earliest` up to and including `latest`.
    pub fn new(earliest: Timestamp, latest: Timestamp, days: u32) -> WindowPlan {
        let days = days.max(1);
        let day = 86_400;
        let origin_seconds = earliest.as_second().div_euclid(day) * day;
        let origin = Timestamp::from_second(origin_seconds).unwrap_or(earliest);
        let span = i64::from(days) * day;
        let covered = (latest.as_second() - origin_seconds).max(0) / span + 1;
        WindowPlan { origin, days, windows: u32::try_from(covered).unwrap_or(u32::MAX) }
    }

    /// Where window `k` starts, unless it is the first, and where the next one starts, unless it
    /// is the last.
    pub fn bounds(&self, k: u32) -> (Option<Timestamp>, Option<Timestamp>) {
        ((k > 0).then(|| self.at(k)), (k + 1 < self.windows).then(|| self.at(k + 1)))
    }

    fn at(&self, k: u32) -> Timestamp {
        let seconds = i64::from(k) * i64::from(self.days) * 86_400;
        self.origin.checked_add(SignedDuration::from_secs(seconds)).unwrap_or(self.origin)
    }

    /// The FIQL condition selecting window `k` on `field`.
    pub fn fiql(&self, field: &str, k: u32) -> String {
        let (start, end) = self.bounds(k);
        let start = start.map(|start| format!("{field}=ge={}", fiql_datetime(start)));
        let end = end.map(|end| format!("{field}=lt={}", fiql_datetime(end)));
        start.into_iter().chain(end).collect::<Vec<_>>().join(";")
    }

    /// Whether `time` falls in window `k`.
    pub fn contains(&self, k: u32, time: Timestamp) -> bool {
        let (start, end) = self.bounds(k);
        start.is_none_or(|start| time >= start) && end.is_none_or(|end| time < end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn windows_cover_the_records_and_the_last_is_open() {
        let plan = WindowPlan::new(at("2023-01-08T11:14:17Z"), at("2023-07-10T00:00:00Z"), 90);
        assert_eq!(plan.origin, at("2023-01-08T00:00:00Z"));
        assert_eq!(plan.windows, 3);
        assert_eq!(plan.fiql("creationDate", 0), "creationDate=lt=2023-04-08T00:00:00Z");
        assert_eq!(
            plan.fiql("creationDate", 1),
            "creationDate=ge=2023-04-08T00:00:00Z;creationDate=lt=2023-07-07T00:00:00Z"
        );
        assert_eq!(plan.fiql("creationDate", 2), "creationDate=ge=2023-07-07T00:00:00Z");
        assert!(plan.contains(0, at("2023-04-07T23:59:59Z")));
        assert!(!plan.contains(0, at("2023-04-08T00:00:00Z")));
        assert!(plan.contains(0, at("2001-01-01T00:00:00Z")), "records before the probe's earliest");
        assert!(plan.contains(2, at("2030-01-01T00:00:00Z")));
    }

    #[test]
    fn one_record_is_one_unbounded_window() {
        let plan = WindowPlan::new(at("2024-02-29T12:00:00Z"), at("2024-02-29T12:00:00Z"), 1);
        assert_eq!(plan.windows, 1);
        assert_eq!(plan.fiql("callDate", 0), "");
    }
}
