//! When and how long to wait before sending a failed request again.
//!
//! The schedule is capped exponential backoff with *full jitter*: before retry `n` (counted from
//! 0) the client sleeps a uniformly random time in `[0, min(cap, base × 2ⁿ)]`. Full jitter spreads
//! the retries of many concurrent requests that failed together (a 5xx burst) instead of sending
//! them back in lock step. The random numbers come from a small seeded generator ([`Jitter`]), so
//! a test with a fixed seed sees the same schedule every time.
//!
//! Which failures are retried at all is decided by the client (see the retry rule on
//! [`Operation`](super::operations::Operation)); a 429 additionally makes the
//! [`Pacer`](super::pacer::Pacer) hold every request until the rate-limit window resets, so the
//! backoff here is only the floor of that wait.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How often and how patiently a failed request is retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (3: at most four requests in all).
    pub retries: u32,
    /// The ceiling of the first wait; it doubles with each retry.
    pub base: Duration,
    /// The largest ceiling, however many retries came before.
    pub cap: Duration,
    /// Seed of the jitter generator: the same seed gives the same waits.
    pub seed: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { retries: 3, base: Duration::from_millis(500), cap: Duration::from_secs(30), seed: 0x5eed_c0de }
    }
}

impl RetryPolicy {
    /// A policy that never retries (each failure is returned at once).
    pub fn never() -> Self {
        Self { retries: 0, ..Self::default() }
    }

    /// The longest wait before retry `retry` (0 for the first retry): `min(cap, base × 2^retry)`.
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.base.checked_mul(factor).map_or(self.cap, |wait| wait.min(self.cap))
    }

    /// The wait before retry `retry` for a random draw `random` (uniform over `u64`): a point in
    /// `[0, ceiling(retry)]` proportional to `random`.
    pub fn delay(&self, retry: u32, random: u64) -> Duration {
        let ceiling = self.ceiling(retry).as_nanos();
        // 128-bit arithmetic keeps the proportion exact for any ceiling a Duration can hold.
        let nanos = ceiling * u128::from(random) / u128::from(u64::MAX);
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }

    /// The waits before each retry, in order, drawn from a generator seeded with `seed`.
    pub fn schedule(&self) -> Vec<Duration> {
        let jitter = Jitter::new(self.seed);
        (0..self.retries).map(|retry| self.delay(retry, jitter.next())).collect()
    }
}

/// A seeded source of random numbers for jitter, safe to share between tasks.
///
/// SplitMix64: the state is a counter advanced by a fixed odd constant and each output is a mix of
/// the counter, so one atomic add per draw is enough and no lock is needed. Not for cryptography.
#[derive(Debug)]
pub struct Jitter {
    state: AtomicU64,
}

impl Jitter {
    const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: AtomicU64::new(seed) }
    }

    /// The next number of the sequence.
    pub fn next(&self) -> u64 {
        let mut z = self.state.fetch_add(Self::GOLDEN_GAMMA, Ordering::Relaxed).wrapping_add(Self::GOLDEN_GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(seed: u64) -> RetryPolicy {
        RetryPolicy { retries: 8, base: Duration::from_millis(100), cap: Duration::from_secs(2), seed }
    }

    #[test]
    fn ceilings_double_then_stop_at_the_cap() {
        let policy = policy(1);
        let ceilings: Vec<u128> = (0..8).map(|retry| policy.ceiling(retry).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1600, 2000, 2000, 2000]);
        // Far beyond any realistic count, the shift and the multiplication must not overflow.
        assert_eq!(policy.ceiling(64), Duration::from_secs(2));
        assert_eq!(policy.ceiling(u32::MAX), Duration::from_secs(2));
    }

    #[test]
    fn delays_are_proportional_to_the_draw_and_never_exceed_the_ceiling() {
        let policy = policy(1);
        assert_eq!(policy.delay(0, 0), Duration::ZERO);
        assert_eq!(policy.delay(0, u64::MAX), Duration::from_millis(100));
        let half = policy.delay(3, u64::MAX / 2);
        assert!(half <= Duration::from_millis(400) && half > Duration::from_micros(399_990), "{half:?}");
        assert_eq!(policy.delay(20, u64::MAX), Duration::from_secs(2));
    }

    #[test]
    fn the_schedule_is_jittered_within_bounds() {
        let policy = policy(7);
        let schedule = policy.schedule();
        assert_eq!(schedule.len(), 8);
        for (retry, wait) in schedule.iter().enumerate() {
            assert!(*wait <= policy.ceiling(retry as u32), "retry {retry}: {wait:?}");
        }
        // Jittered: not simply the ceilings, and not all the same.
        let ceilings: Vec<Duration> = (0..8).map(|retry| policy.ceiling(retry)).collect();
        assert_ne!(schedule, ceilings);
        assert!(schedule.windows(2).any(|pair| pair[0] != pair[1]));
    }

    #[test]
    fn the_same_seed_gives_the_same_schedule() {
        assert_eq!(policy(42).schedule(), policy(42).schedule());
        assert_ne!(policy(42).schedule(), policy(43).schedule());
    }

    #[test]
    fn full_jitter_covers_the_whole_range() {
        // Over many draws the waits fill [0, ceiling] roughly evenly: each quarter gets some.
        let policy = policy(3);
        let jitter = Jitter::new(3);
        let mut quarters = [0u32; 4];
        for _ in 0..4000 {
            let wait = policy.delay(2, jitter.next()).as_nanos();
            let quarter = (wait * 4 / policy.ceiling(2).as_nanos()).min(3) as usize;
            quarters[quarter] += 1;
        }
        assert!(quarters.iter().all(|count| (800..1200).contains(count)), "{quarters:?}");
    }

    #[test]
    fn never_retries_nothing() {
        assert!(RetryPolicy::never().schedule().is_empty());
    }
}
