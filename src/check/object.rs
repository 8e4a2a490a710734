//! Checking one object mapping: its source and destination, rules, fields and expansions.

use std::collections::{BTreeMap, HashSet};

use crate::check::diagnostics;
use crate::check::expr::{ExprChecker, ObjectInfo, Scope, null_fact, null_tested_paths};
use crate::check::graph::Edge;
use crate::check::locks::Schemas;
use crate::check::schema::{FieldSchema, FieldType, ObjectSchema};
use crate::check::types::{Kind, Type};
use crate::diagnostic::Diagnostics;
use crate::expr::ast::Expr;
use crate::scalar::ScalarText;
use crate::span::{Span, Spanned};
use crate::spec::model::{ObjectSpec, Spec};

/// A destination field and the typed expression that fills it.
#[derive(Clone, Debug)]
pub struct CheckedField {
    /// The destination field (`title`, `custom_attributes.priority`).
    pub destination: Spanned<String>,
    /// The expression, parsed.
    pub expr: Expr,
    /// Its type.
    pub ty: Type,
}

/// The kind whose custom attributes `kind`'s `custom_attributes.NAME` fields are: a contact
/// note's are its contact's data attributes (set on the contact when the note is written);
/// every other kind's are its own.
pub fn attributes_home(kind: &str) -> &str {
    match kind {
        "note" => "contact",
        other => other,
    }
}

/// A custom attribute the sink must create before records are written.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAttribute {
    /// Destination kind whose attribute it is (`contact`, `conversation`; a note's attributes
    /// are its contact's, see [`attributes_home`]).
    pub kind: String,
    /// Attribute name (without `custom_attributes.`).
    pub name: String,
    /// Its type.
    pub field_type: FieldType,
    /// The values of a list (enum) attribute, when known (Intercom creates list attributes only
    /// with their options).
    pub options: Vec<String>,
    /// Where the mapping that needs it is written.
    pub span: Span,
}

/// One object after checking.
#[derive(Clone, Debug)]
pub struct CheckedObject {
    /// The object's name in the spec.
    pub name: Spanned<String>,
    /// Source object.
    pub source: String,
    /// Destination kind.
    pub destination: String,
    /// Filter.
    pub filter: Option<Expr>,
    /// Destination identity.
    pub key: Option<Expr>,
    /// Match expression (matched-only objects).
    pub match_key: Option<Expr>,
    /// Ordering within the parent.
    pub order: Option<Expr>,
    /// `(parent object index, link field)`.
    pub parent: Option<(usize, String)>,
    /// Flag rules.
    pub flags: Vec<(Expr, Spanned<String>)>,
    /// Mapped fields, `each:` expansions included.
    pub fields: Vec<CheckedField>,
    /// The files sent with each record.
    pub attachments: Option<CheckedAttachments>,
}

/// An object's `attachments:` block after checking; expressions read the attachment model.
#[derive(Clone, Debug)]
pub struct CheckedAttachments {
    /// The to-many relation of the object's source that lists the attachments.
    pub from: String,
    /// The attachment model (the relation's target).
    pub model: String,
    /// Which attachments are sent.
    pub filter: Option<Expr>,
    /// The file name.
    pub name: Expr,
    /// The MIME type.
    pub content_type: Expr,
    /// The size in bytes as the source reports it.
    pub size: Option<Expr>,
    /// The field holding the base64 content.
    pub data: String,
}

/// Destination kinds whose records carry attachment files (`{content_type, data, name}`):
/// replies and notes. A conversation's first message takes image URLs only.
pub const ATTACHMENT_KINDS: &[&str] = &["conversation_part", "ticket_part"];

/// What checking all objects produces besides diagnostics.
pub(crate) struct ObjectResults {
    pub objects: Vec<Option<CheckedObject>>,
    pub edges: Vec<Edge>,
    pub attributes: Vec<NewAttribute>,
    pub used_tables: HashSet<String>,
}

pub(crate) fn check_objects(
    spec: &Spec,
    schemas: &Schemas,
    infos: &[ObjectInfo],
    found: &mut Diagnostics,
) -> ObjectResults {
    let mut results =
        ObjectResults { objects: Vec::new(), edges: Vec::new(), attributes: Vec::new(), used_tables: HashSet::new() };
    for (index, (name, object)) in spec.objects.iter().enumerate() {
        let checked =
            ObjectCheck { spec, schemas, infos, index, name, object, found: &mut *found, results: &mut results }.run();
        results.objects.push(checked);
    }
    results
}

struct ObjectCheck<'a> {
    spec: &'a Spec,
    schemas: &'a Schemas,
    infos: &'a [ObjectInfo],
    index: usize,
    name: &'a Spanned<String>,
    object: &'a ObjectSpec,
    found: &'a mut Diagnostics,
    results: &'a mut ObjectResults,
}

impl<'a> ObjectCheck<'a> {
    fn run(mut self) -> Option<CheckedObject> {
        let source_object = self.source_object();
        let destination = self.schemas.sink.objects.get_key_value(&self.object.to.value);
        if destination.is_none() {
            let kinds: Vec<&str> = self.schemas.sink.objects.keys().map(String::as_str).collect();
            self.found.push(diagnostics::unknown_destination_object(
                &self.object.to.value,
                self.object.to.span,
                &kinds,
            ));
        }

        // Parse every expression first; a syntax error poisons only its own expression.
        let filter = self.parse_optional(self.object.filter.as_ref());
        let key = self.parse_optional(self.object.key.as_ref());
        let match_key = self.parse_optional(self.object.match_key.as_ref());
        let order = self.parse_optional(self.object.order.as_ref());
        let flags: Vec<(Option<Expr>, &Spanned<String>)> =
            self.object.flag.iter().map(|rule| (parse(&rule.when, self.found), &rule.reason)).collect();
        let fields: Vec<(&Spanned<String>, Option<Expr>)> =
            self.object.mapped().map(|(dest, text)| (dest, parse(text, self.found))).collect();
        self.confirm_gate(source_object);

        // Flag rules hold back records where a path is null; a filter can exclude them too.
        let mut non_null = HashSet::new();
        let mut facts = Vec::new();
        for (when, _) in &flags {
            if let Some(when) = when {
                null_tested_paths(when, false, &mut non_null);
                facts.extend(null_fact(when));
            }
        }
        let mut filter_non_null = HashSet::new();
        if let Some(filter) = &filter {
            null_tested_paths(filter, true, &mut filter_non_null);
        }
        non_null.extend(filter_non_null);

        let empty = HashSet::new();
        let scope_for_rules = Scope {
            source: self.schemas.source.as_ref(),
            object: source_object,
            objects: self.infos,
            tables: &self.spec.tables,
            non_null: &empty,
            facts: &[],
        };
        let scope = Scope { non_null: &non_null, facts: &facts, ..scope_for_rules };
        let mut typed_fields = Vec::new();
        let mut refs = Vec::new();
        let mut conditions = Vec::new();
        {
            let mut rules = ExprChecker::new(&scope_for_rules, self.found);
            if let Some(filter) = &filter {
                conditions.push((rules.check(filter), filter.span, "`where:`"));
            }
            for (when, _) in &flags {
                if let Some(when) = when {
                    conditions.push((rules.check(when), when.span, "`flag: when:`"));
                }
            }
            self.results.used_tables.extend(rules.used_tables.iter().cloned());
            refs.append(&mut rules.refs);
        }
        for (ty, span, what) in conditions {
            expect_condition(&ty, span, what, self.found);
        }
        {
            let mut checker = ExprChecker::new(&scope, self.found);
            for expr in [&key, &match_key, &order].into_iter().flatten() {
                checker.check(expr);
            }
            for (destination, expr) in &fields {
                if let Some(expr) = expr {
                    let ty = checker.check(expr);
                    typed_fields.push(CheckedField { destination: (*destination).clone(), expr: expr.clone(), ty });
                }
            }
            self.results.used_tables.extend(checker.used_tables.iter().cloned());
            refs.append(&mut checker.refs);
        }
        for (object, span) in refs {
            if let Some(to) = self.infos.iter().position(|o| o.name == object)
                && to != self.index
            {
                self.results.edges.push(Edge { from: self.index, to, span, reason: "refers to" });
            }
        }

        let attachments = self.attachments(source_object, destination.map(|(kind, _)| kind.as_str()));
        let parent = self.parent(source_object);
        self.after();
        self.referenced_by(source_object);

        let mut written: BTreeMap<String, Span> = BTreeMap::new();
        for field in &typed_fields {
            written.insert(field.destination.value.clone(), field.destination.span);
        }
        if let Some((kind, schema)) = destination {
            let has_fields = self.object.mapped().next().is_some() || !self.object.each.is_empty();
            self.rules_for_destination(kind, schema, has_fields);
            for field in &typed_fields {
                self.assign(kind, schema, field);
            }
            let expanded = self.expand_each(kind, schema, source_object, &mut written);
            typed_fields.extend(expanded);
            if schema.creatable && self.object.match_key.is_none() {
                for (field_name, field) in &schema.fields {
                    if field.required && !written.contains_key(field_name) && !self.implied_by_parent(kind, field_name)
                    {
                        self.found.push(diagnostics::missing_required_field(
                            &self.name.value,
                            kind,
                            field_name,
                            self.name.span,
                        ));
                    }
                }
            }
        }

        let (source, destination) = (source_object?, destination?);
        Some(CheckedObject {
            name: self.name.clone(),
            source: source.0.to_owned(),
            destination: destination.0.clone(),
            filter,
            key,
            match_key,
            order,
            parent,
            flags: flags.into_iter().filter_map(|(when, reason)| when.map(|w| (w, reason.clone()))).collect(),
            fields: typed_fields,
            attachments,
        })
    }

    /// Check the `attachments:` block: the destination takes files, the relation is to-many and
    /// its target is in the lock, the content field exists, and each expression types in the
    /// scope of the attachment model.
    fn attachments(
        &mut self,
        source_object: Option<(&'a str, &'a ObjectSchema)>,
        kind: Option<&str>,
    ) -> Option<CheckedAttachments> {
        let spec = self.object.attachments.as_ref()?;
        if let Some(kind) = kind
            && !ATTACHMENT_KINDS.contains(&kind)
        {
            self.found.push(diagnostics::invalid_object_rule(
                format!(
                    "`{kind}` records cannot carry attachment files, so `{}` cannot have `attachments:`",
                    self.name.value
                ),
                spec.from.span,
                "files ride on replies and notes: put the block on an object with `to: conversation_part` (or \
                 `ticket_part`)",
            ));
        }
        if let Some((written, _)) = self.object.mapped().find(|(key, _)| key.value == "attachments") {
            self.found.push(diagnostics::duplicate_destination_field("attachments", spec.from.span, written.span));
        }
        let parsed_filter = spec.filter.as_ref().and_then(|text| parse(text, self.found));
        let parsed_name = parse(&spec.name, self.found);
        let parsed_type = parse(&spec.content_type, self.found);
        let parsed_size = spec.size.as_ref().and_then(|text| parse(text, self.found));
        let (owner, schema) = source_object?;
        let lock = self.schemas.source.as_ref()?;
        let Some(relation) = schema.field(&spec.from.value) else {
            let names: Vec<&str> = schema.fields.keys().map(String::as_str).collect();
            self.found.push(diagnostics::unknown_field(owner, &spec.from.value, spec.from.span, &names));
            return None;
        };
        let target = match (&relation.field_type, relation.many, &relation.target) {
            (FieldType::Relation, true, Some(target)) => target,
            _ => {
                let many: Vec<&str> = schema
                    .fields
                    .iter()
                    .filter(|(_, f)| f.field_type == FieldType::Relation && f.many)
                    .map(|(name, _)| name.as_str())
                    .collect();
                let help = if many.is_empty() {
                    format!("`{owner}` has no to-many relation in the lock")
                } else {
                    format!("name a to-many relation of `{owner}`: {}", many.join(", "))
                };
                self.found.push(diagnostics::invalid_object_rule(
                    format!("`{owner}.{}` is not a to-many relation, so it cannot list attachments", spec.from.value),
                    spec.from.span,
                    &help,
                ));
                return None;
            }
        };
        let Some((model, attachment)) = lock.objects.get_key_value(target) else {
            self.found.push(diagnostics::relation_target_missing(&spec.from.value, target, spec.from.span));
            return None;
        };
        match attachment.field(&spec.data.value) {
            None => {
                let names: Vec<&str> = attachment.fields.keys().map(String::as_str).collect();
                self.found.push(diagnostics::unknown_field(model, &spec.data.value, spec.data.span, &names));
            }
            Some(field) if !matches!(field.field_type, FieldType::Binary | FieldType::Text) => {
                self.found.push(diagnostics::type_mismatch(
                    format!(
                        "`attachments: data:` needs the field with the file's base64 content, but `{model}.{}` is {}",
                        spec.data.value,
                        field.field_type.as_str()
                    ),
                    spec.data.span,
                    format!("this is {}", field.field_type.as_str()),
                    Some("name a binary field, e.g. `datas` on `ir.attachment`".to_owned()),
                ));
            }
            Some(_) => {}
        }
        let empty = HashSet::new();
        let scope = Scope {
            source: Some(lock),
            object: Some((model.as_str(), attachment)),
            objects: self.infos,
            tables: &self.spec.tables,
            non_null: &empty,
            facts: &[],
        };
        let mut typed = Vec::new();
        {
            let mut checker = ExprChecker::new(&scope, self.found);
            for (expr, what) in [
                (&parsed_filter, "where"),
                (&parsed_name, "name"),
                (&parsed_type, "content_type"),
                (&parsed_size, "size"),
            ] {
                if let Some(expr) = expr {
                    typed.push((checker.check(expr), expr.span, what));
                }
            }
            self.results.used_tables.extend(checker.used_tables.iter().cloned());
        }
        for (ty, at, what) in typed {
            let fits = match what {
                "where" => {
                    expect_condition(&ty, at, "`attachments: where:`", self.found);
                    true
                }
                "size" => matches!(ty.kind, Kind::Int | Kind::Float),
                _ => matches!(ty.kind, Kind::Text | Kind::Enum(_)),
            };
            if !ty.is_any() && !fits {
                let wanted = if what == "size" { "a number of bytes" } else { "text" };
                self.found.push(diagnostics::type_mismatch(
                    format!("`attachments: {what}:` takes {wanted}, found {ty}"),
                    at,
                    format!("this is {ty}"),
                    Some(if what == "size" {
                        "give the size field, e.g. `file_size`".to_owned()
                    } else {
                        "convert with `to_text(…)`".to_owned()
                    }),
                ));
            }
        }
        Some(CheckedAttachments {
            from: spec.from.value.clone(),
            model: model.clone(),
            filter: parsed_filter,
            name: parsed_name?,
            content_type: parsed_type?,
            size: parsed_size,
            data: spec.data.value.clone(),
        })
    }

    fn source_object(&mut self) -> Option<(&'a str, &'a ObjectSchema)> {
        let lock = self.schemas.source.as_ref()?;
        match lock.objects.get_key_value(&self.object.from.value) {
            Some((name, schema)) => Some((name.as_str(), schema)),
            None => {
                let names: Vec<&str> = lock.objects.keys().map(String::as_str).collect();
                self.found.push(diagnostics::unknown_source_object(
                    &self.object.from.value,
                    self.object.from.span,
                    &names,
                ));
                None
            }
        }
    }

    /// The confirm gate: every `proposed:` entry and every open `decide:` entry is reported, so
    /// `run` (which refuses to start on errors) cannot move a record on a guess. A proposal that
    /// also appears in `fields:` is a duplicate; a decision must name a field of the source.
    fn confirm_gate(&mut self, source_object: Option<(&str, &ObjectSchema)>) {
        for (field, _) in self.object.proposed.iter() {
            if let Some((first, _)) = self.object.fields.get_entry(&field.value) {
                self.found.push(diagnostics::duplicate_destination_field(&field.value, field.span, first.span));
            }
            self.found.push(diagnostics::unconfirmed_proposal(&self.name.value, &field.value, field.span));
        }
        for (field, _) in self.object.decide.iter() {
            if let Some((owner, schema)) = source_object
                && schema.field(&field.value).is_none()
            {
                let names: Vec<&str> = schema.fields.keys().map(String::as_str).collect();
                self.found.push(diagnostics::unknown_field(owner, &field.value, field.span, &names));
                continue;
            }
            self.found.push(diagnostics::undecided_field(
                &self.name.value,
                &self.object.from.value,
                &field.value,
                field.span,
            ));
        }
    }

    fn parse_optional(&mut self, text: Option<&ScalarText>) -> Option<Expr> {
        text.and_then(|t| parse(t, self.found))
    }

    /// The parent's link is written by the runner, not by a field mapping.
    fn implied_by_parent(&self, kind: &str, field: &str) -> bool {
        self.object.parent.is_some() && matches!((kind, field), ("note", "contact"))
    }

    fn rules_for_destination(&mut self, kind: &str, schema: &ObjectSchema, has_fields: bool) {
        if !schema.creatable {
            if self.object.match_key.is_none() {
                self.found.push(diagnostics::invalid_object_rule(
                    format!("`{kind}` records cannot be created through the API, so `{}` needs `match:`", self.name.value),
                    self.object.to.span,
                    "add `match: <expression>` (e.g. `match: lower(email)`); unmatched records go to the reconciliation queue",
                ));
            }
            if has_fields {
                let at = self.object.mapped().next().map_or(self.object.to.span, |(k, _)| k.span);
                self.found.push(diagnostics::invalid_object_rule(
                    format!(
                        "`{kind}` records are only matched, never written, so `{}` cannot map fields",
                        self.name.value
                    ),
                    at,
                    "remove `fields:` and `each:`; admins and teams are invited or created in Intercom by a person",
                ));
            }
        } else if self.object.unmatched.is_some() && self.object.match_key.is_none() {
            let at = self.object.unmatched.as_ref().map_or(self.name.span, |u| u.span);
            self.found.push(diagnostics::invalid_object_rule(
                format!("`unmatched:` needs `match:` on `{}`", self.name.value),
                at,
                "add `match:` or remove `unmatched:`",
            ));
        }
        let needs_parent = matches!(kind, "conversation_part" | "ticket_part");
        if needs_parent && self.object.parent.is_none() {
            self.found.push(diagnostics::invalid_object_rule(
                format!("`{kind}` records belong to a parent, so `{}` needs `parent:`", self.name.value),
                self.object.to.span,
                "add `parent: OBJECT via FIELD`, e.g. `parent: conversation via res_id`",
            ));
        }
    }

    fn parent(&mut self, source_object: Option<(&str, &ObjectSchema)>) -> Option<(usize, String)> {
        let parent = self.object.parent.as_ref()?;
        let Some((object, field)) = parent.value.split_once(" via ") else {
            self.found.push(diagnostics::unknown_parent(
                format!("`{}` is not of the form `OBJECT via FIELD`", parent.value),
                parent.span,
                "write e.g. `parent: conversation via res_id`".to_owned(),
            ));
            return None;
        };
        let (object, field) = (object.trim(), field.trim());
        let Some(index) = self.infos.iter().position(|o| o.name == object) else {
            let names: Vec<&str> = self.infos.iter().map(|o| o.name.as_str()).collect();
            self.found.push(diagnostics::unknown_parent(
                format!("`{object}` is not an object of this spec"),
                parent.span,
                crate::suggest::did_you_mean(object, names.iter().copied())
                    .unwrap_or_else(|| "name an object from `objects:`".to_owned()),
            ));
            return None;
        };
        if let Some((owner, schema)) = source_object
            && schema.field(field).is_none()
        {
            let names: Vec<&str> = schema.fields.keys().map(String::as_str).collect();
            self.found.push(diagnostics::unknown_parent(
                format!("`{owner}` has no field `{field}` to find the parent by"),
                parent.span,
                crate::suggest::did_you_mean(field, names.iter().copied())
                    .unwrap_or_else(|| "name a field of this object's source".to_owned()),
            ));
        }
        let expected = match self.object.to.value.as_str() {
            "conversation_part" => Some("conversation"),
            "ticket_part" => Some("ticket"),
            _ => None,
        };
        let parent_kind = &self.infos[index].kind;
        if let Some(expected) = expected
            && !parent_kind.is_empty()
            && parent_kind != expected
        {
            self.found.push(diagnostics::ref_wrong_kind(
                "parent",
                expected,
                object,
                parent_kind,
                parent.span,
                self.infos[index].to_span,
            ));
        }
        if index != self.index {
            self.results.edges.push(Edge { from: self.index, to: index, span: parent.span, reason: "is a child of" });
        }
        Some((index, field.to_owned()))
    }

    fn after(&mut self) {
        for after in &self.object.after {
            match self.infos.iter().position(|o| o.name == after.value) {
                Some(to) => {
                    self.results.edges.push(Edge { from: self.index, to, span: after.span, reason: "runs after" })
                }
                None => {
                    let names: Vec<&str> = self.infos.iter().map(|o| o.name.as_str()).collect();
                    self.found.push(diagnostics::unknown_object(&after.value, after.span, &names));
                }
            }
        }
    }

    fn referenced_by(&mut self, source_object: Option<(&str, &ObjectSchema)>) {
        for entry in &self.object.referenced_by {
            let Some((object, field)) = entry.value.split_once('.') else {
                self.found.push(diagnostics::invalid_object_rule(
                    format!("`{}` is not of the form `OBJECT.FIELD`", entry.value),
                    entry.span,
                    "write e.g. `referenced_by: [conversation.partner_id]`",
                ));
                continue;
            };
            let Some(other) = self.spec.objects.get(object) else {
                let names: Vec<&str> = self.infos.iter().map(|o| o.name.as_str()).collect();
                self.found.push(diagnostics::unknown_object(object, entry.span, &names));
                continue;
            };
            let (Some(lock), Some((own_name, _))) = (self.schemas.source.as_ref(), source_object) else {
                continue;
            };
            // `OBJECT.FIELD`, or a path through relations (`part.author_id.user_ids`) whose last
            // field points at this object's records.
            let mut model = other.from.value.clone();
            let segments: Vec<&str> = field.split('.').collect();
            for (position, segment) in segments.iter().enumerate() {
                let last = position + 1 == segments.len();
                let Some(schema) = lock.object(&model) else { break };
                match schema.field(segment) {
                    None => {
                        let names: Vec<&str> = schema.fields.keys().map(String::as_str).collect();
                        self.found.push(diagnostics::unknown_field(&model, segment, entry.span, &names));
                        break;
                    }
                    Some(f)
                        if last && (f.field_type != FieldType::Relation || f.target.as_deref() != Some(own_name)) =>
                    {
                        self.found.push(diagnostics::type_mismatch(
                            format!("`{model}.{segment}` does not point to `{own_name}`"),
                            entry.span,
                            "not a relation to this object's records".to_owned(),
                            Some(format!("name a field of `{model}` whose target is `{own_name}`")),
                        ));
                    }
                    Some(f) if !last && f.field_type != FieldType::Relation => {
                        self.found.push(diagnostics::type_mismatch(
                            format!("`{model}.{segment}` is not a relation, so the path cannot go on"),
                            entry.span,
                            "not a relation".to_owned(),
                            Some("every field of the path but the last must be a relation".to_owned()),
                        ));
                        break;
                    }
                    Some(f) => model = f.target.clone().unwrap_or_default(),
                }
            }
        }
    }

    /// Check that a typed field fits its destination field.
    fn assign(&mut self, kind: &str, schema: &ObjectSchema, field: &CheckedField) {
        let destination = &field.destination;
        if let Some(name) = destination.value.strip_prefix("custom_attributes.") {
            self.custom_attribute(kind, schema, name, field);
            return;
        }
        let Some(target) = schema.field(&destination.value) else {
            let names: Vec<&str> =
                schema.fields.keys().filter(|n| !n.starts_with("custom_attributes.")).map(String::as_str).collect();
            self.found.push(diagnostics::unknown_destination_field(
                kind,
                &destination.value,
                destination.span,
                &names,
                schema.custom_attributes.is_some(),
            ));
            return;
        };
        check_assignment(
            kind,
            &destination.value,
            target,
            &field.ty,
            field.expr.span,
            destination.span,
            self.infos,
            self.found,
        );
    }

    fn custom_attribute(&mut self, kind: &str, schema: &ObjectSchema, name: &str, field: &CheckedField) {
        let Some(allowed) = &schema.custom_attributes else {
            let names: Vec<&str> = schema.fields.keys().map(String::as_str).collect();
            self.found.push(diagnostics::unknown_destination_field(
                kind,
                &field.destination.value,
                field.destination.span,
                &names,
                false,
            ));
            return;
        };
        let home = attributes_home(kind);
        let existing = match self.schemas.sink.objects.get(home) {
            Some(home_schema) if home != kind => home_schema.field(&field.destination.value),
            _ => schema.field(&field.destination.value),
        };
        if let Some(existing) = existing {
            if !field.ty.is_any() && !fits(&field.ty, existing) {
                self.found.push(diagnostics::attribute_type_conflict(
                    &field.destination.value,
                    existing.field_type.as_str(),
                    &field.ty,
                    field.expr.span,
                ));
            } else {
                check_constants(
                    &format!("{kind}.{}", field.destination.value),
                    existing,
                    &field.ty,
                    field.expr.span,
                    self.found,
                );
            }
            return;
        }
        if field.ty.is_any() {
            return;
        }
        match attribute_type(&field.ty.kind, allowed) {
            Ok(field_type) => self.results.attributes.push(NewAttribute {
                kind: home.to_owned(),
                name: name.to_owned(),
                field_type,
                options: enum_options(&field.ty.kind),
                span: field.destination.span,
            }),
            Err(help) => self.found.push(diagnostics::type_mismatch(
                format!("a `{kind}` custom attribute cannot hold {}", field.ty),
                field.expr.span,
                format!("this is {}", field.ty),
                Some(help),
            )),
        }
    }

    fn expand_each(
        &mut self,
        kind: &str,
        schema: &ObjectSchema,
        source_object: Option<(&str, &ObjectSchema)>,
        written: &mut BTreeMap<String, Span>,
    ) -> Vec<CheckedField> {
        let mut expanded = Vec::new();
        // Duplicates among hand-written fields are caught by the YAML loader; here, between
        // fields and expansions.
        for (field, _) in self.object.mapped() {
            written.entry(field.value.clone()).or_insert(field.span);
        }
        let Some((owner, source)) = source_object else {
            return expanded;
        };
        for rule in &self.object.each {
            let mut matched = 0;
            for (field_name, field) in &source.fields {
                if !glob(&rule.fields.value, field_name) || rule.except.iter().any(|e| e.value == *field_name) {
                    continue;
                }
                matched += 1;
                let destination = rule.to.value.replace("{name}", field_name);
                if let Some(first) = written.get(&destination) {
                    self.found.push(diagnostics::duplicate_destination_field(&destination, rule.to.span, *first));
                    continue;
                }
                written.insert(destination.clone(), rule.to.span);
                let ty = Type::of_field(owner, field_name, field);
                let expr = Expr::new(
                    crate::expr::ast::ExprKind::Path(vec![Spanned::new(field_name.clone(), rule.fields.span)]),
                    rule.fields.span,
                );
                let checked = CheckedField { destination: Spanned::new(destination.clone(), rule.to.span), expr, ty };
                if let Some(name) = destination.strip_prefix("custom_attributes.") {
                    let Some(allowed) = &schema.custom_attributes else {
                        let names: Vec<&str> = schema.fields.keys().map(String::as_str).collect();
                        self.found.push(diagnostics::unknown_destination_field(
                            kind,
                            &destination,
                            rule.to.span,
                            &names,
                            false,
                        ));
                        break;
                    };
                    if schema.field(&destination).is_none() {
                        match attribute_type(&checked.ty.kind, allowed) {
                            Ok(field_type) => self.results.attributes.push(NewAttribute {
                                kind: attributes_home(kind).to_owned(),
                                name: name.to_owned(),
                                field_type,
                                options: enum_options(&checked.ty.kind),
                                span: rule.to.span,
                            }),
                            Err(_) => {
                                self.found.push(diagnostics::each_unmappable_type(
                                    field_name,
                                    &checked.ty.kind.to_string(),
                                    rule.to.span,
                                    rule.fields.span,
                                ));
                                continue;
                            }
                        }
                    } else {
                        self.custom_attribute(kind, schema, name, &checked);
                    }
                } else {
                    self.assign(kind, schema, &checked);
                }
                expanded.push(checked);
            }
            if matched == 0 {
                self.found.push(diagnostics::each_matches_nothing(&rule.fields.value, owner, rule.fields.span));
            }
        }
        expanded
    }
}

fn parse(text: &ScalarText, found: &mut Diagnostics) -> Option<Expr> {
    match crate::expr::parse(text) {
        Ok(expr) => Some(expr),
        Err(errors) => {
            found.append(errors);
            None
        }
    }
}

fn expect_condition(ty: &Type, at: Span, what: &str, found: &mut Diagnostics) {
    if !ty.is_any() && !matches!(ty.kind, Kind::Bool) {
        found.push(diagnostics::type_mismatch(
            format!("{what} needs a condition, found {ty}"),
            at,
            format!("this is {ty}"),
            Some("write a comparison such as `email != null`".to_owned()),
        ));
    }
}

/// Whether a value of type `ty` can be written to a field declared as `field`.
fn fits(ty: &Type, field: &FieldSchema) -> bool {
    let target = Kind::of_destination(field.field_type);
    let value = match (&ty.kind, field.many) {
        (Kind::List(item), true) => &item.kind,
        (Kind::List(_), false) => return false,
        (kind, _) => kind,
    };
    kind_fits(value, &target)
}

fn kind_fits(value: &Kind, target: &Kind) -> bool {
    matches!(
        (value, target),
        (Kind::Any, _)
            | (_, Kind::Any)
            | (Kind::Null, _)
            | (_, Kind::Json)
            | (Kind::Text | Kind::Enum(_), Kind::Text | Kind::Enum(_))
            | (Kind::Text | Kind::Enum(_) | Kind::Html, Kind::Html)
            | (Kind::Int, Kind::Int | Kind::Float)
            | (Kind::Record(_), Kind::Int)
            | (Kind::Float, Kind::Float)
            | (Kind::Bool, Kind::Bool)
            | (Kind::Date, Kind::Date | Kind::DateTime)
            | (Kind::DateTime, Kind::DateTime)
            | (Kind::Ref { .. }, Kind::Ref { .. })
    )
}

/// Check a value against a built-in destination field and report what does not fit.
#[allow(clippy::too_many_arguments)]
fn check_assignment(
    kind: &str,
    name: &str,
    field: &FieldSchema,
    ty: &Type,
    at: Span,
    destination: Span,
    infos: &[ObjectInfo],
    found: &mut Diagnostics,
) {
    if ty.is_any() {
        return;
    }
    if !fits(ty, field) {
        let target = if field.many {
            format!("list<{}>", Kind::of_destination(field.field_type))
        } else {
            Kind::of_destination(field.field_type).to_string()
        };
        let help = conversion_help(&ty.kind, field);
        found.push(
            diagnostics::type_mismatch(
                format!("`{kind}.{name}` takes {target}, found {ty}"),
                at,
                format!("this is {ty}"),
                help,
            )
            .context(destination, format!("`{name}` is {target}")),
        );
        return;
    }
    if let (Kind::Ref { object, kind: referenced }, FieldType::Ref) = (&ty.kind, field.field_type) {
        let targets: Vec<&str> = field.targets().collect();
        let all_fit = referenced.split('|').all(|k| k.is_empty() || targets.contains(&k));
        if !all_fit {
            let first_object = object.split('|').next().unwrap_or_default();
            let to_span = infos.iter().find(|o| o.name == first_object).map_or(Span::detached(), |o| o.to_span);
            found.push(diagnostics::ref_wrong_kind(name, &targets.join(" or "), object, referenced, at, to_span));
            return;
        }
    }
    if field.required && ty.nullable {
        found.push(diagnostics::nullable_into_required(kind, name, ty, at, destination));
    }
    check_constants(&format!("{kind}.{name}"), field, ty, at, found);
}

/// Text constants written into an enumeration must be among its values.
fn check_constants(name: &str, field: &FieldSchema, ty: &Type, at: Span, found: &mut Diagnostics) {
    if field.field_type != FieldType::Enum || field.values.is_empty() {
        return;
    }
    let values: Vec<&str> = field.values.iter().map(|v| v.value.as_str()).collect();
    match (&ty.constants, &ty.kind) {
        (Some(constants), _) => {
            for constant in constants {
                if !values.contains(&constant.value.as_str()) {
                    let span = if constant.span.is_detached() { at } else { constant.span };
                    found.push(diagnostics::unknown_enum_value(&constant.value, name, span, &values, true));
                }
            }
        }
        (None, Kind::Enum(source)) => {
            let missing: Vec<String> = source
                .values
                .iter()
                .filter(|v| !values.contains(&v.value.as_str()))
                .map(|v| match v.count {
                    Some(count) => format!("`{}` ({count} records)", v.value),
                    None => format!("`{}`", v.value),
                })
                .collect();
            if !missing.is_empty() {
                found.push(diagnostics::type_mismatch(
                    format!(
                        "`{name}` takes {}, but `{}` can also be {}",
                        values.join(", "),
                        source.field,
                        missing.join(", ")
                    ),
                    at,
                    format!("values of `{}`", source.field),
                    Some("map the values with `match` (or a table) to the destination's values".to_owned()),
                ));
            }
        }
        (None, Kind::Text) => found.push(diagnostics::type_mismatch(
            format!("`{name}` takes one of {}, but this text can be anything", values.join(", ")),
            at,
            "free text".to_owned(),
            Some("map the values with `match … { \"a\" => \"x\", _ => \"y\" }`".to_owned()),
        )),
        _ => {}
    }
}

fn conversion_help(value: &Kind, field: &FieldSchema) -> Option<String> {
    let target = field.field_type;
    Some(match (value, target) {
        (Kind::Html, FieldType::Text) => "convert with `html_to_text(…)`".to_owned(),
        (Kind::Int | Kind::Float | Kind::Bool | Kind::Date | Kind::DateTime, FieldType::Text) => {
            "convert with `to_text(…)`".to_owned()
        }
        (Kind::Text | Kind::Enum(_), FieldType::Datetime) => {
            "parse it with `parse_datetime(text, format, time_zone)`".to_owned()
        }
        (Kind::Text | Kind::Enum(_), FieldType::Date) => "parse it with `parse_date(text, format)`".to_owned(),
        (Kind::Text | Kind::Enum(_), FieldType::Int) => "convert with `to_int(…)`".to_owned(),
        (Kind::Record(_) | Kind::Int | Kind::Text, FieldType::Ref) => {
            format!(
                "point at a migrated record with `ref(OBJECT, key)`; this field takes a {}",
                field.target.as_deref().unwrap_or("record")
            )
        }
        (Kind::Record(target), _) => format!("this is a link to `{target}`: follow it to a field, e.g. `….name`"),
        (Kind::List(_), _) => "take one item with `first(…)` or join them with `join(…, \", \")`".to_owned(),
        _ => return None,
    })
}

/// The attribute type a new custom attribute gets for values of `kind`.
fn attribute_type(kind: &Kind, allowed: &[FieldType]) -> Result<FieldType, String> {
    let wanted = match kind {
        Kind::Text => FieldType::Text,
        Kind::Enum(enumeration) if allowed.contains(&FieldType::Enum) && enumeration.values.is_empty() => {
            return Err("the schema lock lists no values for it, and Intercom creates a list attribute only with its \
                        options: convert it with `to_text(…)`, or rediscover the lock with its values"
                .to_owned());
        }
        Kind::Enum(_) if allowed.contains(&FieldType::Enum) => FieldType::Enum,
        Kind::Enum(_) => FieldType::Text,
        Kind::Int => FieldType::Int,
        Kind::Float => FieldType::Float,
        Kind::Bool => FieldType::Bool,
        Kind::Date if allowed.contains(&FieldType::Date) => FieldType::Date,
        Kind::Date => FieldType::Datetime,
        Kind::DateTime => FieldType::Datetime,
        Kind::Html => return Err("convert with `html_to_text(…)`: attributes hold plain values".to_owned()),
        Kind::Record(target) => {
            return Err(format!("this is a link to `{target}`: map its id with `….id` or a field such as `….name`"));
        }
        Kind::List(_) => {
            return Err("attributes hold one value: use `join(…, \", \")`, or map the values as tags".to_owned());
        }
        other => return Err(format!("{other} has no attribute type")),
    };
    if allowed.contains(&wanted) {
        Ok(wanted)
    } else {
        let names: Vec<&str> = allowed.iter().map(|t| t.as_str()).collect();
        Err(format!("attributes of this kind are {}; convert the value (e.g. `to_text(…)`)", names.join(", ")))
    }
}

/// `*` matches any run of characters, `?` one character.
pub fn glob(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), name.as_bytes())
}

/// The values of an enumeration type, in lock order; none for other types.
fn enum_options(kind: &crate::check::types::Kind) -> Vec<String> {
    match kind {
        crate::check::types::Kind::Enum(enumeration) => enumeration.values.iter().map(|v| v.value.clone()).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("x_studio_*", "x_studio_due_date"));
        assert!(!glob("x_studio_*", "x_due"));
        assert!(glob("x_?", "x_a"));
        assert!(glob("*", ""));
    }
}
