//! The generator's randomness: a seeded xoshiro256** stream, per-record streams derived from the
//! seed, and slot schedules for the ugly cases.
//!
//! Every record draws from its own stream, derived from `(seed, stream tag, index)`, so a record
//! does not depend on how many numbers earlier records drew: adding a field to one object does not
//! shift the values of another, and any record can be recomputed on its own (a ticket recomputes
//! the partner it references instead of keeping every partner in memory).

/// splitmix64's finaliser: a bijective 64-bit mix.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Combine two values into one well-mixed value (order matters).
pub fn combine(a: u64, b: u64) -> u64 {
    mix64(a.wrapping_add(0x9e37_79b9_7f4a_7c15).rotate_left(17) ^ mix64(b))
}

/// A stream tag from a short ASCII name (`b"ticket"`), so streams are named, not numbered.
pub const fn tag(name: &[u8]) -> u64 {
    // FNV-1a, usable in constants.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < name.len() {
        hash ^= name[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// xoshiro256**, seeded through splitmix64.
#[derive(Clone, Debug)]
pub struct Rng {
    state: [u64; 4],
}

impl Rng {
    /// A stream from one 64-bit seed.
    pub fn new(seed: u64) -> Rng {
        let mut z = seed;
        let mut next = || {
            z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
            mix64(z)
        };
        let state = [next(), next(), next(), next()];
        Rng { state }
    }

    /// The stream of record `index` of kind `stream` under `seed`.
    pub fn derive(seed: u64, stream: u64, index: u64) -> Rng {
        Rng::new(combine(combine(seed, stream), index))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform number in `0..n` (`n > 0`), without modulo bias (Lemire's method).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0, "below(0)");
        let threshold = n.wrapping_neg() % n;
        loop {
            let product = u128::from(self.next_u64()) * u128::from(n);
            if (product as u64) >= threshold {
                return (product >> 64) as u64;
            }
        }
    }

    /// A uniform index into a collection of `len` items.
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// A uniform number in `low..=high`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        debug_assert!(low <= high);
        low + self.below((high - low) as u64 + 1) as i64
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u32) -> bool {
        self.below(100) < u64::from(percent)
    }

    /// True with probability `per_mille` / 1000.
    pub fn per_mille(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }

    /// One item, uniformly.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// One item with probability proportional to its weight.
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut roll = self.below(total);
        for (item, weight) in items {
            if roll < u64::from(*weight) {
                return item;
            }
            roll -= u64::from(*weight);
        }
        &items[items.len() - 1].0
    }

    /// `n` lowercase hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        (0..n).map(|_| DIGITS[self.index(16)] as char).collect()
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(len);
        out
    }
}

/// A seed-stable slot schedule: record `index` falls in slot `(index + phase) % period`, so each
/// slot recurs exactly every `period` records and the phase moves with the seed. Ugly cases own
/// slots, so their rates are exact (slots / period), they never collide, and every case shows up
/// in any `period` consecutive records.
#[derive(Clone, Copy, Debug)]
pub struct Slots {
    period: u64,
    phase: u64,
}

impl Slots {
    /// The schedule of `stream` under `seed`.
    pub fn new(seed: u64, stream: u64, period: u64) -> Slots {
        Slots { period, phase: combine(seed, stream) % period }
    }

    /// The slot of record `index`.
    pub fn slot(&self, index: u64) -> u64 {
        (index + self.phase) % self.period
    }

    /// The smallest index at or after `from` that falls in `slot`.
    pub fn next_in(&self, slot: u64, from: u64) -> u64 {
        let current = self.slot(from);
        from + (slot + self.period - current) % self.period
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let a: Vec<u64> = (0..4).map(|_| Rng::derive(1, tag(b"ticket"), 7).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::derive(1, tag(b"ticket"), 7).next_u64(), Rng::derive(1, tag(b"ticket"), 8).next_u64());
        assert_ne!(Rng::derive(1, tag(b"ticket"), 7).next_u64(), Rng::derive(2, tag(b"ticket"), 7).next_u64());
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = Rng::new(42);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            let n = rng.below(7) as usize;
            seen[n] = true;
        }
        assert!(seen.iter().all(|&s| s));
        for _ in 0..1000 {
            let n = rng.range(-3, 3);
            assert!((-3..=3).contains(&n));
        }
    }

    #[test]
    fn slots_recur_every_period() {
        let slots = Slots::new(9, tag(b"case"), 10);
        let hits: Vec<u64> = (0..40).filter(|&i| slots.slot(i) == 3).collect();
        assert_eq!(hits.len(), 4);
        assert!(hits.windows(2).all(|w| w[1] - w[0] == 10));
        assert_eq!(slots.next_in(3, 0), hits[0]);
        assert_eq!(slots.next_in(3, hits[0]), hits[0]);
        assert_eq!(slots.next_in(3, hits[0] + 1), hits[1]);
    }
}
