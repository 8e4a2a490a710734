//! The compiled plan: what `run`, `preview` and `snapshot` execute.
//!
//! `compile` turns a checked spec into flat, id-indexed data: objects in dependency order, each
//! with the projection of source fields it reads, compiled expressions ([`Op`]) whose names are
//! slots, the relation lookups to prefetch per batch, filters split into what a source can apply
//! itself and what the interpreter applies, and the schema changes the sink must make first.

pub mod compile;
pub mod compiled;
pub mod estimate;
pub mod object_types;

use std::sync::Arc;

use crate::check::NewAttribute;
use crate::span::Span;

pub use compile::{compile, compile_inventory};
pub use compiled::{CompiledTable, Lookup, Op, Step};

/// A plan ready to execute.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Objects, in spec order (an object's id is its index).
    pub objects: Vec<PlanObject>,
    /// Object ids in the order they migrate: dependencies first.
    pub order: Vec<usize>,
    /// Relation lookups shared by all objects.
    pub lookups: Vec<Lookup>,
    /// Tables.
    pub tables: Vec<CompiledTable>,
    /// Custom attributes the sink must create before any record is written.
    pub attributes: Vec<NewAttribute>,
}

/// One object mapping, compiled.
#[derive(Clone, Debug)]
pub struct PlanObject {
    /// The spec's name for it.
    pub name: Arc<str>,
    /// The source object.
    pub source: String,
    /// The destination kind.
    pub destination: String,
    /// Whether records are created (false: only matched, e.g. admins).
    pub creatable: bool,
    /// Source fields read, by slot.
    pub fields: Vec<String>,
    /// Simple conditions a source may apply itself (all of `filter` is still correct to apply).
    pub pushdown: Vec<Condition>,
    /// The whole `where:` filter.
    pub filter: Option<Op>,
    /// Destination identity.
    pub key: Option<Op>,
    /// Match expression.
    pub match_key: Option<Op>,
    /// Order within the parent.
    pub order: Option<Op>,
    /// `(parent object id, slot of the link field)`.
    pub parent: Option<(usize, u32)>,
    /// The relations of other objects whose records select this object's records.
    pub referenced_by: Vec<ReferencedBy>,
    /// Flag rules: condition and reason.
    pub flags: Vec<(Op, String)>,
    /// Destination fields and how to compute them, in spec order.
    pub outputs: Vec<Output>,
    /// Relations to fetch for each batch, in an order where every source is filled first.
    pub prefetch: Vec<Prefetch>,
    /// The files sent with each record (`attachments:`).
    pub attachments: Option<PlanAttachments>,
}

/// An object's attachments, compiled: their metadata is prefetched with each page into a lookup
/// of its own (never with the content), and the content is read one file at a time at write
/// time.
#[derive(Clone, Debug)]
pub struct PlanAttachments {
    /// The slot of the to-many relation in the object's projection.
    pub relation: u32,
    /// The attachment model.
    pub model: String,
    /// The lookup holding the attachments' metadata; the expressions below read its slots.
    pub lookup: u32,
    /// Which attachments are sent.
    pub filter: Option<Op>,
    /// The file name.
    pub name: Op,
    /// The MIME type.
    pub content_type: Op,
    /// The size the source reports.
    pub size: Option<Op>,
    /// The field with the base64 content.
    pub data: String,
    /// What the destination accepts.
    pub limits: crate::run::attachments::Limits,
}

/// `referenced_by: [OBJECT.FIELD…]`: the ids another object's records point at.
#[derive(Clone, Debug)]
pub struct ReferencedBy {
    /// The other object.
    pub object: usize,
    /// The ids, from the other object's record: a field, or a path through relations
    /// (`part.author_id.user_ids`: the users of a message's author).
    pub ids: Op,
    /// `OBJECT.FIELD…` as written.
    pub label: String,
}

/// One batched read of related records: the ids found at `from` are read into `into`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefetch {
    /// Where the ids are.
    pub from: IdSource,
    /// The lookup the related records go into.
    pub into: u32,
}

/// Where a prefetch finds ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdSource {
    /// A slot of the object's own records.
    Record(u32),
    /// A slot of the records of another lookup (a relation followed from a related record).
    Lookup {
        /// The lookup.
        lookup: u32,
        /// The slot.
        slot: u32,
    },
}

/// One destination field.
#[derive(Clone, Debug)]
pub struct Output {
    /// Destination field name (`title`, `custom_attributes.priority`).
    pub field: String,
    /// The compiled expression.
    pub op: Op,
    /// The expression's text in the spec, for runtime errors and `explain`.
    pub span: Span,
}

/// A condition simple enough for a source to evaluate: `field OP literal(s)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// The source field.
    pub field: String,
    /// The comparison.
    pub op: ConditionOp,
    /// The literal(s) compared with.
    pub values: Vec<crate::run::value::Value>,
}

/// Comparisons a source can push down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConditionOp {
    /// `field == v`.
    Eq,
    /// `field != v`.
    NotEq,
    /// `field in [v…]`.
    In,
    /// `field < v`.
    Lt,
    /// `field <= v`.
    LtEq,
    /// `field > v`.
    Gt,
    /// `field >= v`.
    GtEq,
}

impl Plan {
    /// The object with this name.
    pub fn object(&self, name: &str) -> Option<(usize, &PlanObject)> {
        self.objects.iter().enumerate().find(|(_, o)| &*o.name == name)
    }
}
