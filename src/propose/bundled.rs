//! What the bundled spec for a platform does: one of the proposer's reasons.
//!
//! `specs/odoo-helpdesk-to-intercom.yaml` and `specs/otrs-to-intercom.yaml` are compiled in. When
//! the lock being proposed for has a source object a bundled spec maps, its kind, rules and field
//! expressions are offered as guesses; ones that do not check against the lock (a renamed field,
//! another version) are dropped by the repair pass like any other guess.

use crate::source::SourceMap;
use crate::spec::Spec;
use crate::spec::model::ObjectSpec;

const ODOO: &str = include_str!("../../specs/odoo-helpdesk-to-intercom.yaml");
const OTRS: &str = include_str!("../../specs/otrs-to-intercom.yaml");

/// A bundled spec, read.
pub struct Bundled {
    /// Its file name, for reasons.
    pub name: &'static str,
    /// The spec.
    pub spec: Spec,
}

/// The bundled spec for a lock's `system:`, if there is one.
pub fn for_system(system: &str) -> Option<Bundled> {
    let (name, text) = match system {
        "odoo" => ("odoo-helpdesk-to-intercom.yaml", ODOO),
        "otrs" => ("otrs-to-intercom.yaml", OTRS),
        _ => return None,
    };
    let mut sources = SourceMap::new();
    let id = sources.add(name, None, text);
    let spec = crate::spec::load_source(&sources, id).ok()?;
    Some(Bundled { name, spec })
}

impl Bundled {
    /// The bundled object mappings reading `source` (a spec may map one source object twice,
    /// e.g. OTRS services as collections and as articles).
    pub fn objects_from<'a>(&'a self, source: &'a str) -> impl Iterator<Item = (&'a str, &'a ObjectSpec)> {
        self.spec.objects.iter().filter(move |(_, o)| o.from.value == source).map(|(n, o)| (n.value.as_str(), o))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bundled_specs_are_read() {
        let odoo = for_system("odoo").expect("odoo");
        assert_eq!(odoo.objects_from("helpdesk.ticket").next().map(|(n, _)| n), Some("conversation"));
        let otrs = for_system("otrs").expect("otrs");
        assert_eq!(otrs.objects_from("service").count(), 2);
        assert!(for_system("topdesk").is_none());
    }
}
