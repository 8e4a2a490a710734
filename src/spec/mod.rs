//! Loading specs: YAML with spans, `extends:` overlays, `${VAR}` templates, the typed model.
//!
//! A spec file is parsed into a spanned YAML tree (`yaml`), merged over the base specs it
//! `extends:` (`load::merge`: maps merge, scalars and lists replace, `null` deletes), and then
//! deserialized with serde into the model (`model`) by a deserializer that gives every value its
//! span (`de`). Each value keeps the span of the file that set it, so a diagnostic about a value
//! inherited from a base spec points into the base spec.

mod de;
mod diagnostics;
pub mod entries;
pub mod load;
pub mod model;

mod schema;
pub mod template;
pub mod yaml;

pub use diagnostics::unset_variable;
pub use entries::Entries;
pub use load::{Origin, load, load_file, load_source};
pub use model::Spec;
pub use schema::json_schema;
pub use template::Template;

/// The spec format version this build reads.
pub const SPEC_VERSION: u32 = 1;
