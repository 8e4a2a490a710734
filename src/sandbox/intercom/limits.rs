//! Rate-limit windows and fault selection.

use std::collections::VecDeque;
use std::time::Duration;

use super::ids::mix;
use super::{FaultConfig, FaultKind};

/// The rate limiter and the fault picker of one sandbox.
///
/// Rate limiting: a window opens with the first request after the previous one ended and lasts
/// the configured length (Intercom's is ten seconds); within it at most `limit` requests are
/// answered, the rest get a 429. Anchoring the window on the first request (rather than on
/// wall-clock multiples of the length) keeps tests that send a few quick requests independent of
/// when they start.
///
/// Faults: every write request draws from a generator seeded with the sandbox seed, so the same
/// request sequence meets the same faults.
#[derive(Debug)]
pub(crate) struct Limits {
    limit: u32,
    /// Length of a window in milliseconds, at least 1.
    window_ms: i64,
    window: Option<Window>,
    faults: FaultConfig,
    seed: u64,
    draws: u64,
    /// Faults for the next write requests, before any drawn from `faults`.
    queued: VecDeque<FaultKind>,
}

/// The current window: when it ends and how many requests it has seen.
#[derive(Clone, Copy, Debug)]
struct Window {
    ends_at_ms: i64,
    count: u32,
}

/// The outcome of counting a request, with the values of the `X-RateLimit-*` headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Admission {
    /// Whether the request may proceed (false: answer 429).
    pub allowed: bool,
    /// `X-RateLimit-Limit`: requests allowed per window.
    pub limit: u32,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: u32,
    /// `X-RateLimit-Reset`: Unix seconds when the window ends.
    pub reset: i64,
}

impl Limits {
    /// Limits with `limit` requests per `window` (rounded to milliseconds, at least one) and the
    /// given faults.
    pub(crate) fn new(limit: u32, window: Duration, faults: FaultConfig, seed: u64) -> Limits {
        let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX / 2).max(1);
        Limits { limit, window_ms, window: None, faults, seed, draws: 0, queued: VecDeque::new() }
    }

    /// The message of a 429: Intercom's own wording for its 10-second window, the real length
    /// otherwise.
    pub(crate) fn exceeded_message(&self) -> String {
        let limit = self.limit;
        match self.window_ms {
            10_000 => format!("Exceeded rate limit of {limit} in 10_seconds"),
            1_000 => format!("Exceeded rate limit of {limit} in 1 second"),
            ms if ms % 1_000 == 0 => format!("Exceeded rate limit of {limit} in {} seconds", ms / 1_000),
            ms => format!("Exceeded rate limit of {limit} in {ms} milliseconds"),
        }
    }

    /// Counts one authenticated request made at `now_ms` (Unix milliseconds).
    pub(crate) fn admit(&mut self, now_ms: i64) -> Admission {
        let window = match self.window {
            Some(window) if now_ms < window.ends_at_ms => self.window.insert(window),
            _ => self.window.insert(Window { ends_at_ms: now_ms.saturating_add(self.window_ms), count: 0 }),
        };
        window.count = window.count.saturating_add(1);
        let allowed = window.count <= self.limit;
        Admission {
            allowed,
            limit: self.limit,
            remaining: self.limit.saturating_sub(window.count),
            reset: window.ends_at_ms.div_euclid(1000) + i64::from(window.ends_at_ms.rem_euclid(1000) != 0),
        }
    }

    /// The fault to inject into the next write request, if any.
    pub(crate) fn pick_fault(&mut self) -> Option<FaultKind> {
        if let Some(kind) = self.queued.pop_front() {
            return Some(kind);
        }
        if self.faults.kinds.is_empty() || self.faults.rate <= 0.0 {
            return None;
        }
        self.draws += 1;
        let draw = mix(self.seed ^ 0x4641_554c_5453, self.draws);
        let unit = (draw >> 11) as f64 / (1u64 << 53) as f64;
        if unit >= self.faults.rate {
            return None;
        }
        let index = mix(self.seed ^ 0x4b49_4e44, self.draws) % self.faults.kinds.len() as u64;
        Some(self.faults.kinds[index as usize])
    }

    /// Makes the next `count` write requests fail with `kind`, whatever the configured rate.
    pub(crate) fn queue_faults(&mut self, kind: FaultKind, count: usize) {
        self.queued.extend(std::iter::repeat_n(kind, count));
    }

    /// Replaces the fault configuration (the generator keeps its position).
    pub(crate) fn set_faults(&mut self, faults: FaultConfig) {
        self.faults = faults;
    }

    /// How long a `Timeout` fault holds its response.
    pub(crate) fn hold(&self) -> Duration {
        self.faults.hold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_allows_the_limit_then_refuses_until_it_ends() {
        let mut limits = Limits::new(2, Duration::from_secs(10), FaultConfig::default(), 0);
        let first = limits.admit(1_000_500);
        assert_eq!((first.allowed, first.remaining, first.reset), (true, 1, 1011));
        assert!(limits.admit(1_001_000).allowed);
        let third = limits.admit(1_002_000);
        assert_eq!((third.allowed, third.remaining), (false, 0));
        let next = limits.admit(1_010_500);
        assert_eq!((next.allowed, next.remaining, next.reset), (true, 1, 1021));
        assert_eq!(limits.exceeded_message(), "Exceeded rate limit of 2 in 10_seconds");
    }

    #[test]
    fn a_short_window_resets_sooner_and_says_its_length() {
        let mut limits = Limits::new(1, Duration::from_millis(1_500), FaultConfig::default(), 0);
        let first = limits.admit(2_000_000);
        // The window ends at 2001.5 s; the reset is the next whole second.
        assert_eq!((first.allowed, first.reset), (true, 2002));
        assert!(!limits.admit(2_001_499).allowed);
        assert!(limits.admit(2_001_500).allowed, "a new window");
        assert_eq!(limits.exceeded_message(), "Exceeded rate limit of 1 in 1500 milliseconds");
        let message = |ms| Limits::new(20, Duration::from_millis(ms), FaultConfig::default(), 0).exceeded_message();
        assert_eq!(message(1_000), "Exceeded rate limit of 20 in 1 second");
        assert_eq!(message(60_000), "Exceeded rate limit of 20 in 60 seconds");
        let mut zero = Limits::new(1, Duration::ZERO, FaultConfig::default(), 0);
        assert_eq!(zero.admit(5_000).reset, 6, "a zero window lasts one millisecond");
    }

    #[test]
    fn faults_follow_the_rate_and_the_seed() {
        let faults = FaultConfig { rate: 0.5, ..FaultConfig::default() };
        let picks = |seed| {
            let mut limits = Limits::new(10, Duration::from_secs(10), faults.clone(), seed);
            (0..200).map(|_| limits.pick_fault()).collect::<Vec<_>>()
        };
        let first = picks(3);
        assert_eq!(first, picks(3));
        let hits = first.iter().filter(|pick| pick.is_some()).count();
        assert!((60..140).contains(&hits), "{hits} faults in 200 draws at rate 0.5");
        let mut queued = Limits::new(10, Duration::from_secs(10), FaultConfig::default(), 3);
        queued.queue_faults(FaultKind::LostResponse, 2);
        let picks: Vec<_> = (0..3).map(|_| queued.pick_fault()).collect();
        assert_eq!(picks, [Some(FaultKind::LostResponse), Some(FaultKind::LostResponse), None]);
        let mut never = Limits::new(10, Duration::from_secs(10), FaultConfig::default(), 3);
        assert!((0..50).all(|_| never.pick_fault().is_none()));
        let mut always =
            Limits::new(10, Duration::from_secs(10), FaultConfig { rate: 1.0, ..FaultConfig::default() }, 3);
        assert!((0..50).all(|_| always.pick_fault().is_some()));
    }
}
