//! [`OdooVersion`]: which Odoo major the emulator plays, and what changes with it.

/// The Odoo major version the emulator answers as (16, 17 or 18).
///
/// Everything version-dependent asks this type, so the rules can be read in one place; each
/// method names the digest row it follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OdooVersion {
    major: u32,
}

/// The majors the emulator knows the helpdesk schema of.
pub const SUPPORTED_MAJORS: [u32; 3] = [16, 17, 18];

impl OdooVersion {
    /// Odoo 16.0.
    pub const V16: OdooVersion = OdooVersion { major: 16 };
    /// Odoo 17.0 (the version the generated data follows).
    pub const V17: OdooVersion = OdooVersion { major: 17 };
    /// Odoo 18.0.
    pub const V18: OdooVersion = OdooVersion { major: 18 };

    /// A supported major (`16`, `17`, `18`), or `None`.
    pub fn new(major: u32) -> Option<OdooVersion> {
        SUPPORTED_MAJORS.contains(&major).then_some(OdooVersion { major })
    }

    /// The major number.
    pub fn major(self) -> u32 {
        self.major
    }

    /// `server_serie` as `version()` reports it (`"17.0"`).
    pub fn serie(self) -> String {
        format!("{}.0", self.major)
    }

    /// `name_get` is callable over RPC up to 17 (deprecated there) and removed in 18 [PR#122085].
    pub fn has_name_get(self) -> bool {
        self.major <= 17
    }

    /// The `__last_update` pseudo-field exists up to 16 and is gone from 17 [PR#105739].
    pub fn has_last_update(self) -> bool {
        self.major <= 16
    }

    /// `fields_get` knows the `groupable` attribute from 17 on (digest section 6.1).
    pub fn has_groupable_attribute(self) -> bool {
        self.major >= 17
    }

    /// `mail.message.message_type` has `auto_comment` and `email_outgoing` from 17 on [OU-MAIL 17].
    pub fn has_new_message_types(self) -> bool {
        self.major >= 17
    }

    /// `search` still takes the `count` argument (removed from the signature in 17).
    pub fn search_takes_count(self) -> bool {
        self.major <= 16
    }
}

impl Default for OdooVersion {
    /// Odoo 17, the version the generator writes.
    fn default() -> Self {
        OdooVersion::V17
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_known_majors_are_supported() {
        assert_eq!(OdooVersion::new(16), Some(OdooVersion::V16));
        assert_eq!(OdooVersion::new(15), None);
        assert_eq!(OdooVersion::V18.serie(), "18.0");
        assert!(OdooVersion::V17.has_name_get() && !OdooVersion::V18.has_name_get());
        assert!(OdooVersion::V16.has_last_update() && !OdooVersion::V17.has_last_update());
    }
}
