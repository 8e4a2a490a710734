//! One rate limiter shared by every request the sink has in flight.
//!
//! Intercom counts requests per app in fixed 10-second windows and says on every authenticated
//! response how many the window allows (`X-RateLimit-Limit`), how many are left
//! (`X-RateLimit-Remaining`) and when it refills (`X-RateLimit-Reset`, Unix seconds); one request
//! too many is a 429 with no `Retry-After`. The pacer therefore combines two rules:
//!
//! - **Even spacing.** The budget is the window's limit (configured, else the last
//!   `X-RateLimit-Limit` seen, else 10,000/min = 1,666 per 10 s) times `share`, and requests start
//!   one *interval* (`window / budget`) apart instead of in a burst at the start of each window.
//!   Spacing is what keeps a steady run at its budget with no 429 at all, and several requests
//!   are in flight at once (up to `max_in_flight`), so latency does not lower the rate. A start
//!   that is late (a timer firing a little after its slot) may take the next slot at once, so
//!   timer lateness does not add up into a lower rate; no more credit than that is saved up.
//! - **The server's count.** Within a window the pacer never starts a request unless
//!   `Remaining` is larger than the number of requests in flight (each of them may already have
//!   been counted, or may be about to be). When nothing is left, every request waits for the
//!   reset. A 429 sets `Remaining` to 0 until the reset it names, so one refusal stops all
//!   requests rather than each finding out on its own. When a reset passes with no newer response,
//!   the pacer assumes the next window has started with the full limit.
//!
//! Until the first response arrives, only one request is in flight: the first answer tells the
//! real limit, and a burst sent before it could already overrun a small window.
//!
//! Waiting requests queue in a fair (first come, first served) line and only the head of the
//! line watches the clock, so a thousand waiting tasks cost no more than one.
//!
//! The arithmetic lives in [`PacerState`], a plain state machine over `Instant`s that the tests
//! drive with a fake clock; [`Pacer`] adds the sleeping and waking.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use tokio::sync::Notify;

/// Intercom's default for a private app, per 10-second window: 10,000 a minute.
pub const DEFAULT_WINDOW_LIMIT: u32 = 1_666;

/// Intercom's rate-limit window.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(10);

/// How fast to send.
#[derive(Clone, Debug, PartialEq)]
pub struct PacerConfig {
    /// Requests allowed per window. `None`: take `X-RateLimit-Limit` from the responses (and
    /// [`DEFAULT_WINDOW_LIMIT`] before the first one). When both are known the smaller wins.
    pub limit: Option<u32>,
    /// The part of the limit this run may use, in `(0, 1]`; the rest is left to other apps and
    /// people working in the same workspace.
    pub share: f64,
    /// Length of the server's rate-limit window.
    pub window: Duration,
    /// Most requests in flight at once.
    pub max_in_flight: u32,
}

impl Default for PacerConfig {
    fn default() -> Self {
        Self { limit: None, share: 1.0, window: DEFAULT_WINDOW, max_in_flight: 64 }
    }
}

/// The rate-limit headers of one response; each is `None` when absent or unreadable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u32>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u32>,
    /// `X-RateLimit-Reset`: Unix time (seconds) when the window refills.
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Read the three headers.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        fn number<T: std::str::FromStr>(headers: &HeaderMap, name: &str) -> Option<T> {
            headers.get(name)?.to_str().ok()?.trim().parse().ok()
        }
        Self {
            limit: number(headers, "x-ratelimit-limit"),
            remaining: number(headers, "x-ratelimit-remaining"),
            reset: number(headers, "x-ratelimit-reset"),
        }
    }
}

/// What the pacer currently believes, for progress displays and tests.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PacerStatus {
    /// The window's limit in use (configured, learned or default).
    pub limit: u32,
    /// Requests this run may send per window: `limit × share`.
    pub budget: u32,
    /// Time between two request starts.
    pub interval: Duration,
    /// Requests started and not yet answered.
    pub in_flight: u32,
    /// Requests left in the server's current window, when known.
    pub remaining: Option<u32>,
}

/// The server's current window as the last responses described it.
#[derive(Clone, Copy, Debug)]
struct ServerWindow {
    limit: u32,
    remaining: u32,
    /// The window's `X-RateLimit-Reset`, which also identifies it.
    reset: u64,
    /// `reset` on the local monotonic clock.
    reset_at: Instant,
    /// Whether a response described this window. After the pacer assumes on its own clock that
    /// a new window began, only one request goes out until a response confirms it: the server's
    /// window may start later than the local estimate (a window that begins at its first
    /// request, a reset rounded to whole seconds), and sending a full window's worth into the
    /// old one would earn a 429.
    confirmed: bool,
}

/// The pacer's arithmetic: a state machine advanced with explicit times, so it is tested with a
/// fake clock. Times are monotonic `Instant`s; the wall clock (`wall`, Unix seconds) is only
/// used to turn `X-RateLimit-Reset` into an `Instant`.
#[derive(Debug)]
pub struct PacerState {
    config: PacerConfig,
    learned_limit: Option<u32>,
    window: Option<ServerWindow>,
    in_flight: u32,
    next_start: Option<Instant>,
    answered: bool,
}

impl PacerState {
    /// A pacer that has sent nothing yet.
    pub fn new(config: PacerConfig) -> Self {
        Self { config, learned_limit: None, window: None, in_flight: 0, next_start: None, answered: false }
    }

    /// The limit in use: the smaller of the configured and the learned one, else either, else the
    /// default.
    pub fn limit(&self) -> u32 {
        match (self.config.limit, self.learned_limit) {
            (Some(configured), Some(learned)) => configured.min(learned),
            (Some(limit), None) | (None, Some(limit)) => limit,
            (None, None) => DEFAULT_WINDOW_LIMIT,
        }
    }

    /// Requests per window this run may send: `limit × share`, at least 1.
    pub fn budget(&self) -> u32 {
        let share = if self.config.share.is_finite() { self.config.share.clamp(0.0, 1.0) } else { 1.0 };
        // The product is at most `limit`, a u32, so the conversion back cannot overflow.
        ((f64::from(self.limit()) * share).floor() as u32).max(1)
    }

    /// Time between two request starts.
    pub fn interval(&self) -> Duration {
        self.config.window / self.budget()
    }

    /// Current beliefs, after rolling the server window forward to `now`.
    pub fn status(&mut self, now: Instant) -> PacerStatus {
        self.roll(now);
        PacerStatus {
            limit: self.limit(),
            budget: self.budget(),
            interval: self.interval(),
            in_flight: self.in_flight,
            remaining: self.window.map(|window| window.remaining),
        }
    }

    /// Try to start a request at `now`. `Ok` counts it as in flight (end it with
    /// [`finish`](Self::finish)); `Err(Some(t))` means try again at `t` or when a response comes
    /// back, whichever is first; `Err(None)` means wait for a response.
    pub fn try_start(&mut self, now: Instant) -> Result<(), Option<Instant>> {
        let probing = !self.answered && self.in_flight > 0;
        if probing || self.in_flight >= self.config.max_in_flight.max(1) {
            return Err(None);
        }
        self.roll(now);
        if let Some(window) = self.window {
            if window.remaining <= self.in_flight {
                return Err(Some(window.reset_at));
            }
            if !window.confirmed && self.in_flight > 0 {
                return Err(None);
            }
        }
        let interval = self.interval();
        if let Some(next) = self.next_start
            && now < next
        {
            return Err(Some(next));
        }
        // A late start takes its own slot, not `now`'s, so lateness does not lower the rate; it
        // never reaches back further than one interval, so idle time is not saved up as a burst.
        let earliest = now.checked_sub(interval).unwrap_or(now);
        let start = self.next_start.map_or(now, |next| next.max(earliest));
        self.next_start = Some(start + interval);
        self.in_flight += 1;
        Ok(())
    }

    /// A started request ended, with or without a response.
    pub fn finish(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// A response arrived at `now` (`wall`: the Unix time then) with these headers.
    pub fn observe(&mut self, now: Instant, wall: f64, rate: RateLimit) {
        self.answered = true;
        if let Some(limit) = rate.limit {
            self.learned_limit = Some(limit.max(1));
        }
        let (Some(limit), Some(remaining), Some(reset)) = (rate.limit, rate.remaining, rate.reset) else {
            return;
        };
        let reset_at = now + self.until_reset(reset, wall);
        match &mut self.window {
            // The pacer assumed a new window too early: the server is still in the old one.
            Some(window) if reset < window.reset && !window.confirmed => {
                *window = ServerWindow { limit, remaining, reset, reset_at, confirmed: true };
            }
            // An answer from a window that has since been replaced: it tells nothing new.
            Some(window) if reset < window.reset => {}
            // Responses can arrive out of order; within one window the count only goes down. A
            // window the pacer assumed on its own ends no earlier than the server now says.
            Some(window) if reset == window.reset => {
                if window.confirmed {
                    window.remaining = window.remaining.min(remaining);
                } else {
                    window.remaining = remaining;
                    window.reset_at = window.reset_at.max(reset_at);
                    window.confirmed = true;
                }
                window.limit = limit;
            }
            _ => {
                self.window = Some(ServerWindow { limit, remaining, reset, reset_at, confirmed: true });
            }
        }
    }

    /// A response at `now` was a 429: nothing more may start until the window it names resets
    /// (or, without headers, for a tenth of a window).
    pub fn throttle(&mut self, now: Instant, wall: f64, rate: RateLimit) {
        self.observe(now, wall, rate);
        // Even when the server's reset looks already past (a clock ahead of the server's), wait
        // a little before asking again.
        let floor = now + self.config.window / 10;
        match (&mut self.window, rate.reset) {
            (Some(window), Some(reset)) if reset < window.reset => {}
            (Some(window), _) => {
                window.remaining = 0;
                window.reset_at = window.reset_at.max(floor);
            }
            (None, _) => {
                let reset = (wall + self.config.window.as_secs_f64()).ceil() as u64;
                let limit = self.limit();
                self.window = Some(ServerWindow { limit, remaining: 0, reset, reset_at: floor, confirmed: true });
            }
        }
    }

    /// Time from `wall` until the Unix time `reset`, kept within one window so a skewed clock
    /// cannot make the pacer wait longer than a window.
    fn until_reset(&self, reset: u64, wall: f64) -> Duration {
        let seconds = (reset as f64 - wall).clamp(0.0, self.config.window.as_secs_f64());
        Duration::from_secs_f64(seconds)
    }

    /// When the known window has reset with no newer response, assume the next one has started
    /// with the full limit.
    fn roll(&mut self, now: Instant) {
        let length = self.config.window.max(Duration::from_secs(1));
        if let Some(window) = &mut self.window
            && now >= window.reset_at
        {
            let behind = now.duration_since(window.reset_at).as_nanos() / length.as_nanos();
            let windows = u32::try_from(behind + 1).unwrap_or(u32::MAX);
            window.reset_at += length * windows;
            window.reset += length.as_secs() * u64::from(windows);
            window.remaining = window.limit;
            window.confirmed = false;
        }
    }
}

/// The shared limiter: `acquire` before each request, then tell the [`Permit`] what came back.
#[derive(Debug)]
pub struct Pacer {
    state: Mutex<PacerState>,
    changed: Notify,
    line: tokio::sync::Mutex<()>,
}

impl Pacer {
    /// A limiter with this configuration; share it as `Arc<Pacer>`.
    pub fn new(config: PacerConfig) -> Self {
        Self { state: Mutex::new(PacerState::new(config)), changed: Notify::new(), line: tokio::sync::Mutex::new(()) }
    }

    /// Wait for the turn to send one request.
    pub async fn acquire(self: &Arc<Self>) -> Permit {
        let _turn = self.line.lock().await;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            // Registered before the state is read, so a response in between is not missed.
            changed.as_mut().enable();
            let decision = self.lock().try_start(Instant::now());
            match decision {
                Ok(()) => return Permit { pacer: Arc::clone(self) },
                Err(None) => changed.await,
                Err(Some(at)) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(tokio::time::Instant::from_std(at)) => {}
                        () = &mut changed => {}
                    }
                }
            }
        }
    }

    /// What the pacer currently believes.
    pub fn status(&self) -> PacerStatus {
        self.lock().status(Instant::now())
    }

    fn lock(&self) -> MutexGuard<'_, PacerState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The right to have one request in flight; dropping it ends the request for the pacer.
#[derive(Debug)]
pub struct Permit {
    pacer: Arc<Pacer>,
}

impl Permit {
    /// The response's rate-limit headers.
    pub fn observe(&self, rate: RateLimit) {
        self.pacer.lock().observe(Instant::now(), wall_clock(), rate);
        self.pacer.changed.notify_waiters();
    }

    /// The response was a 429 with these headers: hold every request until the window resets.
    pub fn throttle(&self, rate: RateLimit) {
        self.pacer.lock().throttle(Instant::now(), wall_clock(), rate);
        self.pacer.changed.notify_waiters();
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.pacer.lock().finish();
        self.pacer.changed.notify_waiters();
    }
}

/// Unix time now, in seconds.
fn wall_clock() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |since| since.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake clock: instants at millisecond offsets from one base, and the matching wall time.
    struct Clock {
        base: Instant,
        wall: f64,
    }

    impl Clock {
        fn new() -> Self {
            Self { base: Instant::now(), wall: 1_700_000_000.0 }
        }
        fn at(&self, millis: u64) -> Instant {
            self.base + Duration::from_millis(millis)
        }
        fn wall(&self, millis: u64) -> f64 {
            self.wall + millis as f64 / 1000.0
        }
        fn ms(&self, instant: Instant) -> u64 {
            instant.duration_since(self.base).as_millis() as u64
        }
    }

    fn config(limit: u32) -> PacerConfig {
        PacerConfig { limit: Some(limit), share: 1.0, window: Duration::from_secs(10), max_in_flight: 100 }
    }

    fn headers(limit: u32, remaining: u32, reset: u64) -> RateLimit {
        RateLimit { limit: Some(limit), remaining: Some(remaining), reset: Some(reset) }
    }

    /// Start and finish requests as fast as allowed from `from` ms on for `until` ms, answering
    /// each at once with no headers; returns the start times in ms.
    fn run_unanswered(state: &mut PacerState, clock: &Clock, from: u64, until: u64) -> Vec<u64> {
        let mut starts = Vec::new();
        let mut now = from;
        while now < until {
            match state.try_start(clock.at(now)) {
                Ok(()) => {
                    starts.push(now);
                    state.observe(clock.at(now), clock.wall(now), RateLimit::default());
                    state.finish();
                }
                Err(Some(at)) => now = clock.ms(at).max(now + 1),
                Err(None) => panic!("nothing is in flight"),
            }
        }
        starts
    }

    #[test]
    fn budget_is_limit_times_share_and_spacing_divides_the_window() {
        let mut state = PacerState::new(PacerConfig { share: 0.5, ..config(20) });
        assert_eq!(state.budget(), 10);
        assert_eq!(state.interval(), Duration::from_secs(1));
        // No limit configured or learned: Intercom's default.
        state = PacerState::new(PacerConfig::default());
        assert_eq!(state.limit(), 1_666);
        assert_eq!(state.interval(), Duration::from_nanos(6_002_400));
        // A share of 0 still lets one request through per window.
        state = PacerState::new(PacerConfig { share: 0.0, ..config(20) });
        assert_eq!(state.budget(), 1);
    }

    #[test]
    fn requests_are_spread_evenly_across_the_window() {
        let clock = Clock::new();
        let mut state = PacerState::new(config(20));
        let starts = run_unanswered(&mut state, &clock, 0, 10_000);
        assert_eq!(starts, (0..20).map(|i| i * 500).collect::<Vec<_>>());
    }

    #[test]
    fn a_late_start_keeps_its_slot_but_idle_time_is_not_saved_up() {
        let clock = Clock::new();
        let mut state = PacerState::new(config(20));
        assert_eq!(state.try_start(clock.at(0)), Ok(()));
        state.finish();
        // Slot at 500 taken 20 ms late: the next slot is still 1000, not 1020.
        assert_eq!(state.try_start(clock.at(520)), Ok(()));
        state.finish();
        assert_eq!(state.try_start(clock.at(999)).map_err(|at| at.map(|at| clock.ms(at))), Err(Some(1000)));
        // After five idle seconds, two requests may start at once, not ten.
        assert_eq!(state.try_start(clock.at(6_000)), Ok(()));
        state.finish();
        assert_eq!(state.try_start(clock.at(6_000)), Ok(()));
        state.finish();
        assert_eq!(state.try_start(clock.at(6_000)).map_err(|at| at.map(|at| clock.ms(at))), Err(Some(6_500)));
    }

    #[test]
    fn only_one_request_is_in_flight_before_the_first_answer() {
        let clock = Clock::new();
        let mut state = PacerState::new(PacerConfig::default());
        assert_eq!(state.try_start(clock.at(0)), Ok(()));
        assert_eq!(state.try_start(clock.at(100)), Err(None));
        // The answer tells the real limit: 20 per window.
        state.observe(clock.at(150), clock.wall(150), headers(20, 19, 1_700_000_010));
        state.finish();
        assert_eq!(state.status(clock.at(150)).interval, Duration::from_millis(500));
        assert_eq!(state.try_start(clock.at(500)), Ok(()));
        assert_eq!(state.try_start(clock.at(1000)), Ok(()), "several in flight once answered");
    }

    #[test]
    fn never_more_in_flight_than_the_window_has_left() {
        let clock = Clock::new();
        let mut state = PacerState::new(PacerConfig { window: Duration::from_secs(10), ..config(1000) });
        state.observe(clock.at(0), clock.wall(0), headers(1000, 2, 1_700_000_004));
        assert_eq!(state.try_start(clock.at(0)), Ok(()));
        assert_eq!(state.try_start(clock.at(10)), Ok(()));
        // Two in flight, two left: the third waits for an answer or for the reset 4 s from now.
        let reset = state.try_start(clock.at(20)).unwrap_err().map(|at| clock.ms(at));
        assert_eq!(reset, Some(4_000));
        // One answer: 1 left, 1 still in flight: still waiting.
        state.observe(clock.at(30), clock.wall(30), headers(1000, 1, 1_700_000_004));
        state.finish();
        assert!(state.try_start(clock.at(40)).is_err());
        state.observe(clock.at(50), clock.wall(50), headers(1000, 0, 1_700_000_004));
        state.finish();
        assert!(state.try_start(clock.at(3_999)).is_err());
        // The reset passed with no newer answer: a fresh window is assumed.
        assert_eq!(state.try_start(clock.at(4_000)), Ok(()));
        assert_eq!(state.status(clock.at(4_000)).remaining, Some(1000));
    }

    #[test]
    fn answers_from_an_older_window_or_out_of_order_do_not_raise_the_count() {
        let clock = Clock::new();
        let mut state = PacerState::new(config(100));
        state.observe(clock.at(0), clock.wall(0), headers(100, 40, 1_700_000_005));
        state.observe(clock.at(1), clock.wall(1), headers(100, 45, 1_700_000_005));
        assert_eq!(state.status(clock.at(1)).remaining, Some(40));
        // A new window replaces the old one; a late answer from the old one is ignored.
        state.observe(clock.at(5_000), clock.wall(5_000), headers(100, 99, 1_700_000_015));
        state.observe(clock.at(5_001), clock.wall(5_001), headers(100, 3, 1_700_000_005));
        assert_eq!(state.status(clock.at(5_001)).remaining, Some(99));
    }

    #[test]
    fn the_server_limit_overrides_a_larger_configured_one() {
        let clock = Clock::new();
        let mut state = PacerState::new(config(1000));
        state.observe(clock.at(0), clock.wall(0), headers(50, 49, 1_700_000_010));
        assert_eq!(state.limit(), 50);
        assert_eq!(state.interval(), Duration::from_millis(200));
    }

    #[test]
    fn a_429_holds_everything_until_the_reset() {
        let clock = Clock::new();
        let mut state = PacerState::new(config(20));
        state.observe(clock.at(0), clock.wall(0), headers(20, 10, 1_700_000_006));
        state.throttle(clock.at(100), clock.wall(100), headers(20, 0, 1_700_000_006));
        let wait = state.try_start(clock.at(200)).unwrap_err().map(|at| clock.ms(at));
        assert_eq!(wait, Some(6_000));
        assert_eq!(state.try_start(clock.at(6_000)), Ok(()));
    }

    #[test]
    fn a_429_without_headers_holds_for_a_tenth_of_a_window() {
        let clock = Clock::new();
        let mut state = PacerState::new(config(20));
        state.throttle(clock.at(100), clock.wall(100), RateLimit::default());
        let wait = state.try_start(clock.at(200)).unwrap_err().map(|at| clock.ms(at));
        assert_eq!(wait, Some(1_100));
    }

    #[test]
    fn a_reset_in_the_past_or_far_future_is_kept_within_one_window() {
        let clock = Clock::new();
        let mut state = PacerState::new(config(20));
        // The server's clock is an hour ahead: wait at most one window, not an hour.
        state.observe(clock.at(0), clock.wall(0), headers(20, 0, 1_700_003_600));
        let wait = state.try_start(clock.at(0)).unwrap_err().map(|at| clock.ms(at));
        assert_eq!(wait, Some(10_000));
    }

    #[test]
    fn several_windows_in_a_row_stay_within_the_limit() {
        // A server with fixed windows [10k s, 10(k+1) s) answering each request at once: the
        // pacer never makes it refuse one, and uses nearly all of the limit.
        let clock = Clock::new();
        let mut state = PacerState::new(PacerConfig { limit: None, ..config(0) });
        let limit = 37;
        let mut used = [0u32; 6];
        let mut now = 0;
        while now < 60_000 {
            match state.try_start(clock.at(now)) {
                Ok(()) => {
                    let window = (now / 10_000) as usize;
                    used[window] += 1;
                    assert!(used[window] <= limit, "window {window} over the limit at {now} ms");
                    let reset = 1_700_000_000 + (window as u64 + 1) * 10;
                    state.observe(clock.at(now), clock.wall(now), headers(limit, limit - used[window], reset));
                    state.finish();
                }
                Err(Some(at)) => now = clock.ms(at).max(now + 1),
                Err(None) => panic!("nothing is in flight"),
            }
        }
        assert!(used.iter().all(|count| *count >= limit - 2), "{used:?}");
    }

    #[test]
    fn after_an_assumed_new_window_one_request_probes_until_the_server_confirms_it() {
        let clock = Clock::new();
        let mut state = PacerState::new(PacerConfig { window: Duration::from_secs(10), ..config(10) });
        state.observe(clock.at(0), clock.wall(0), headers(10, 0, 1_700_000_002));
        // The reset passes: a new window is assumed, but only one request may probe it.
        assert_eq!(state.try_start(clock.at(2_000)), Ok(()));
        assert_eq!(state.try_start(clock.at(3_000)), Err(None));
        // The server is still in the old window (its window began later): the pacer waits again.
        state.observe(clock.at(2_050), clock.wall(2_050), headers(10, 0, 1_700_000_003));
        state.finish();
        let wait = state.try_start(clock.at(2_100)).unwrap_err().map(|at| clock.ms(at));
        assert_eq!(wait, Some(3_000));
        // Then a response from the new window confirms it and requests flow at the usual pace.
        assert_eq!(state.try_start(clock.at(3_001)), Ok(()));
        state.observe(clock.at(3_050), clock.wall(3_050), headers(10, 9, 1_700_000_013));
        state.finish();
        assert_eq!(state.try_start(clock.at(4_001)), Ok(()));
        assert_eq!(state.try_start(clock.at(5_001)), Ok(()), "two in flight once the window is confirmed");
    }

    #[test]
    fn rate_limit_headers_are_read_case_insensitively() {
        let mut map = HeaderMap::new();
        map.insert("X-RateLimit-Limit", "166".parse().unwrap());
        map.insert("x-ratelimit-remaining", " 12 ".parse().unwrap());
        map.insert("X-RATELIMIT-RESET", "1700000010".parse().unwrap());
        assert_eq!(RateLimit::from_headers(&map), headers(166, 12, 1_700_000_010));
        map.insert("x-ratelimit-limit", "lots".parse().unwrap());
        assert_eq!(RateLimit::from_headers(&map).limit, None);
    }
}
