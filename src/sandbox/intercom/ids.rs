//! Deterministic identifiers in Intercom's formats.

/// The kinds of numeric ids, each with its own sequence (Intercom numbers objects per type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Admin,
    Team,
    Tag,
    Note,
    DataAttribute,
    ConversationAttribute,
    Conversation,
    Message,
    Part,
    Ticket,
    TicketNumber,
    TicketType,
    TicketTypeAttribute,
    TicketState,
    HelpCenter,
    Collection,
    Article,
    CustomObject,
}

const KINDS: usize = Kind::CustomObject as usize + 1;

/// Hands out ids from a seed and per-kind counters: the same seed and the same sequence of calls
/// give the same ids. Numeric ids start at a seed-dependent base per kind (so ids of different
/// kinds rarely coincide, as in Intercom); hex ids are 24 hex digits like Intercom's contact and
/// company ids.
#[derive(Debug)]
pub(crate) struct IdGen {
    seed: u64,
    counters: [u64; KINDS],
    hex_counter: u64,
    uuid_counter: u64,
}

impl IdGen {
    /// A generator for `seed`.
    pub(crate) fn new(seed: u64) -> IdGen {
        IdGen { seed, counters: [0; KINDS], hex_counter: 0, uuid_counter: 0 }
    }

    /// The next numeric id of `kind`.
    pub(crate) fn next(&mut self, kind: Kind) -> u64 {
        let index = kind as usize;
        self.counters[index] += 1;
        let base = match kind {
            // Inbox ticket numbers are small and count from 1 in every workspace.
            Kind::TicketNumber => 0,
            // Attribute ids are small integers in Intercom's examples.
            Kind::DataAttribute | Kind::ConversationAttribute => 10 + mix(self.seed, index as u64) % 90,
            _ => 100_000 + mix(self.seed, index as u64) % 900_000,
        };
        base + self.counters[index]
    }

    /// The next 24-hex-digit id (contacts, companies).
    pub(crate) fn next_hex(&mut self) -> String {
        self.hex_counter += 1;
        let prefix = 0x6762_0000 | (mix(self.seed, 0x4845_5821) & 0xffff);
        let middle = mix(self.seed, self.hex_counter) & 0xffff_ffff;
        format!("{prefix:08x}{middle:08x}{:08x}", 0x1bb6_0000 + self.hex_counter)
    }

    /// The next request id, formatted as a UUID.
    pub(crate) fn next_request_id(&mut self) -> String {
        self.uuid_counter += 1;
        let high = mix(self.seed ^ 0x5245_5155, self.uuid_counter);
        let low = mix(self.seed ^ 0x4553_5421, self.uuid_counter);
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xffff,
            high & 0x0fff,
            0x8000 | ((low >> 48) & 0x3fff),
            low & 0xffff_ffff_ffff
        )
    }
}

/// A 64-bit mix of a seed and a value (SplitMix64 finalizer).
pub(crate) fn mix(seed: u64, value: u64) -> u64 {
    let mut z = seed ^ value.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a of a text, for stable ids derived from names and contents.
pub(crate) fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_intercom_formats_and_repeat_for_a_seed() {
        let mut first = IdGen::new(7);
        let mut second = IdGen::new(7);
        let hex = first.next_hex();
        assert_eq!(hex.len(), 24);
        assert!(hex.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(hex, second.next_hex());
        assert_ne!(first.next_hex(), hex);
        let conversation = first.next(Kind::Conversation);
        assert_eq!(first.next(Kind::Conversation), conversation + 1);
        assert_eq!(first.next(Kind::TicketNumber), 1);
        let uuid = first.next_request_id();
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.matches('-').count(), 4);
    }
}
