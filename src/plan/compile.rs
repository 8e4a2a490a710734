//! Lowering checked expressions to slots and ids.

use std::collections::HashMap;
use std::sync::Arc;

use crate::check::functions;
use crate::check::locks::Schemas;
use crate::check::schema::{FieldType, SchemaLock};
use crate::check::{CheckedObject, CheckedSpec};
use crate::expr::ast::{BinaryOp, Expr, ExprKind, Literal, Pattern};
use crate::plan::compiled::{CompiledTable, FunctionRef, Lookup, Op, Step};
use crate::plan::{
    Condition, ConditionOp, IdSource, Output, Plan, PlanAttachments, PlanObject, Prefetch, ReferencedBy,
};
use crate::run::attachments::Limits;
use crate::run::value::Value;
use crate::span::Spanned;
use crate::spec::Spec;
use crate::spec::model::Scalar;

/// Compile a checked spec into a plan.
pub fn compile(spec: &Spec, checked: &CheckedSpec, schemas: &Schemas) -> Plan {
    let source = schemas.source.clone().unwrap_or_default();
    let tables: Vec<CompiledTable> = spec
        .tables
        .iter()
        .map(|(name, entries)| CompiledTable {
            name: name.value.clone(),
            entries: entries.iter().map(|(key, value)| (key.value.clone(), scalar_value(&value.value))).collect(),
        })
        .collect();
    let mut compiler = Compiler { source: &source, tables: &tables, lookups: Vec::new(), lookup_index: HashMap::new() };
    let mut objects: Vec<PlanObject> = checked.objects.iter().map(|object| compiler.object(object, schemas)).collect();
    let limits = Limits::from_endpoint(&spec.sink);
    for attachments in objects.iter_mut().filter_map(|o| o.attachments.as_mut()) {
        attachments.limits = limits.clone();
    }
    // `referenced_by: [conversation.partner_id]` reads a field of another object: add it to that
    // object's projection now that every projection exists.
    // A path (`part.author_id.user_ids`) follows relations through lookups, prefetched with the
    // other object's pages.
    for (index, (_, object_spec)) in spec.objects.iter().enumerate() {
        for entry in &object_spec.referenced_by {
            let Some((other, path)) = entry.value.split_once('.') else { continue };
            let Some(other_index) = objects.iter().position(|o| &*o.name == other) else { continue };
            let segments = path.split('.').map(|segment| Spanned::new(segment.to_owned(), entry.span)).collect();
            let expr = Expr::new(ExprKind::Path(segments), entry.span);
            let owner = objects[other_index].source.clone();
            let ids = compiler.expr(&expr, &owner, &mut objects[other_index].fields);
            collect_prefetch(&ids, &mut objects[other_index].prefetch);
            objects[index].referenced_by.push(ReferencedBy { object: other_index, ids, label: entry.value.clone() });
        }
    }
    Plan {
        objects,
        order: checked.order.clone(),
        lookups: compiler.lookups,
        tables,
        attributes: checked.attributes.clone(),
    }
}

/// Compile a spec's `inventory:` sections into a plan of their own: one object per section
/// (named after it, `destination` "inventory"), its `where:` as the filter and one output per
/// column, named by the column's text. Call it on a spec that passed `check`.
pub fn compile_inventory(spec: &Spec, schemas: &Schemas) -> Plan {
    let source = schemas.source.clone().unwrap_or_default();
    let tables: Vec<CompiledTable> = spec
        .tables
        .iter()
        .map(|(name, entries)| CompiledTable {
            name: name.value.clone(),
            entries: entries.iter().map(|(key, value)| (key.value.clone(), scalar_value(&value.value))).collect(),
        })
        .collect();
    let mut compiler = Compiler { source: &source, tables: &tables, lookups: Vec::new(), lookup_index: HashMap::new() };
    let mut objects = Vec::new();
    for (name, section) in spec.inventory.iter() {
        let owner = section.from.value.clone();
        let mut fields = vec!["id".to_owned()];
        let filter = section
            .filter
            .as_ref()
            .and_then(|text| crate::expr::parse(text).ok())
            .map(|expr| compiler.expr(&expr, &owner, &mut fields));
        let outputs: Vec<Output> = section
            .columns
            .iter()
            .filter_map(|text| {
                let expr = crate::expr::parse(text).ok()?;
                Some(Output {
                    field: text.text.trim().to_owned(),
                    op: compiler.expr(&expr, &owner, &mut fields),
                    span: expr.span,
                })
            })
            .collect();
        let mut prefetch = Vec::new();
        for op in filter.iter().chain(outputs_ops(&outputs)) {
            collect_prefetch(op, &mut prefetch);
        }
        objects.push(PlanObject {
            name: Arc::from(name.value.as_str()),
            source: owner,
            destination: "inventory".to_owned(),
            creatable: false,
            fields,
            pushdown: Vec::new(),
            filter,
            key: None,
            match_key: None,
            order: None,
            parent: None,
            referenced_by: Vec::new(),
            flags: Vec::new(),
            outputs,
            prefetch,
            attachments: None,
        });
    }
    let order = (0..objects.len()).collect();
    Plan { objects, order, lookups: compiler.lookups, tables, attributes: Vec::new() }
}

struct Compiler<'a> {
    source: &'a SchemaLock,
    tables: &'a [CompiledTable],
    lookups: Vec<Lookup>,
    lookup_index: HashMap<String, usize>,
}

/// The slot of `field` in a projection, adding it when new.
fn slot_in(fields: &mut Vec<String>, field: &str) -> u32 {
    match fields.iter().position(|f| f == field) {
        Some(i) => i as u32,
        None => {
            fields.push(field.to_owned());
            (fields.len() - 1) as u32
        }
    }
}

impl Compiler<'_> {
    fn object(&mut self, object: &CheckedObject, schemas: &Schemas) -> PlanObject {
        let mut fields = vec!["id".to_owned()];
        let owner = object.source.clone();
        let mut compile = |expr: &Expr, fields: &mut Vec<String>| self.expr(expr, &owner, fields);
        let filter = object.filter.as_ref().map(|e| compile(e, &mut fields));
        let key = object.key.as_ref().map(|e| compile(e, &mut fields));
        let match_key = object.match_key.as_ref().map(|e| compile(e, &mut fields));
        let order = object.order.as_ref().map(|e| compile(e, &mut fields));
        let flags: Vec<(Op, String)> =
            object.flags.iter().map(|(when, reason)| (compile(when, &mut fields), reason.value.clone())).collect();
        let outputs: Vec<Output> = object
            .fields
            .iter()
            .map(|field| Output {
                field: field.destination.value.clone(),
                op: compile(&field.expr, &mut fields),
                span: field.expr.span,
            })
            .collect();
        let parent = object.parent.as_ref().map(|(index, field)| (*index, slot_in(&mut fields, field)));
        let pushdown = object.filter.as_ref().map(pushdown_conditions).unwrap_or_default();
        let creatable = schemas.sink.object(&object.destination).is_none_or(|o| o.creatable);
        let mut prefetch = Vec::new();
        let ops = filter
            .iter()
            .chain(&key)
            .chain(&match_key)
            .chain(&order)
            .chain(flags_ops(&flags))
            .chain(outputs_ops(&outputs));
        for op in ops {
            collect_prefetch(op, &mut prefetch);
        }
        let attachments = object.attachments.as_ref().map(|checked| {
            let relation = slot_in(&mut fields, &checked.from);
            // A lookup of its own: the content field never joins a shared projection.
            self.lookups.push(Lookup { object: checked.model.clone(), fields: vec!["id".to_owned()] });
            let lookup = self.lookups.len() - 1;
            let mut projection = vec!["id".to_owned()];
            let model = checked.model.clone();
            let mut compile = |expr: &Expr, projection: &mut Vec<String>| self.expr(expr, &model, projection);
            let compiled = PlanAttachments {
                relation,
                model: checked.model.clone(),
                lookup: lookup as u32,
                filter: checked.filter.as_ref().map(|e| compile(e, &mut projection)),
                name: compile(&checked.name, &mut projection),
                content_type: compile(&checked.content_type, &mut projection),
                size: checked.size.as_ref().map(|e| compile(e, &mut projection)),
                data: checked.data.clone(),
                limits: Limits::default(),
            };
            self.lookups[lookup].fields = projection;
            let into = lookup as u32;
            let step = Prefetch { from: IdSource::Record(relation), into };
            if !prefetch.contains(&step) {
                prefetch.push(step);
            }
            for op in compiled.filter.iter().chain([&compiled.name, &compiled.content_type]).chain(&compiled.size) {
                collect_prefetch_from(op, &mut prefetch, Some(into));
            }
            compiled
        });
        PlanObject {
            name: Arc::from(object.name.value.as_str()),
            source: object.source.clone(),
            destination: object.destination.clone(),
            creatable,
            fields,
            pushdown,
            filter,
            key,
            match_key,
            order,
            parent,
            referenced_by: Vec::new(),
            flags,
            outputs,
            prefetch,
            attachments,
        }
    }

    fn lookup(&mut self, object: &str) -> usize {
        if let Some(&index) = self.lookup_index.get(object) {
            return index;
        }
        self.lookups.push(Lookup { object: object.to_owned(), fields: vec!["id".to_owned()] });
        self.lookup_index.insert(object.to_owned(), self.lookups.len() - 1);
        self.lookups.len() - 1
    }

    fn target(&self, object: &str, field: &str) -> Option<String> {
        let field = self.source.object(object)?.field(field)?;
        (field.field_type == FieldType::Relation).then(|| field.target.clone()).flatten()
    }

    fn expr(&mut self, expr: &Expr, owner: &str, fields: &mut Vec<String>) -> Op {
        match &expr.kind {
            ExprKind::Literal(literal) => Op::Const(literal_value(literal)),
            ExprKind::List(items) => {
                let items: Vec<Op> = items.iter().map(|item| self.expr(item, owner, fields)).collect();
                match items
                    .iter()
                    .map(|op| if let Op::Const(v) = op { Some(v.clone()) } else { None })
                    .collect::<Option<Vec<Value>>>()
                {
                    Some(values) => Op::Const(Value::list(values)),
                    None => Op::List(items.into()),
                }
            }
            ExprKind::Path(segments) => {
                let slot = slot_in(fields, &segments[0].value);
                let mut steps = Vec::new();
                let mut current_object = owner.to_owned();
                let mut current_field = segments[0].value.clone();
                for segment in &segments[1..] {
                    let Some(target) = self.target(&current_object, &current_field) else { break };
                    let lookup = self.lookup(&target);
                    let slot = slot_in(&mut self.lookups[lookup].fields, &segment.value);
                    steps.push(Step { lookup: lookup as u32, slot });
                    current_object = target;
                    current_field = segment.value.clone();
                }
                if steps.is_empty() { Op::Field(slot) } else { Op::Path { slot, steps: steps.into() } }
            }
            ExprKind::TableLookup { table, key } => {
                let index = self.tables.iter().position(|t| t.name == table.value).unwrap_or(0);
                Op::Table { table: index as u32, key: Box::new(self.expr(key, owner, fields)) }
            }
            ExprKind::Unary { op, operand } => {
                Op::Unary { op: op.value, operand: Box::new(self.expr(operand, owner, fields)) }
            }
            ExprKind::Binary { op, lhs, rhs } => Op::Binary {
                op: op.value,
                lhs: Box::new(self.expr(lhs, owner, fields)),
                rhs: Box::new(self.expr(rhs, owner, fields)),
                span: op.span,
            },
            ExprKind::If { condition, then, otherwise } => Op::If {
                condition: Box::new(self.expr(condition, owner, fields)),
                then: Box::new(self.expr(then, owner, fields)),
                otherwise: Box::new(self.expr(otherwise, owner, fields)),
            },
            ExprKind::Match { subject, arms } => Op::Match {
                subject: Box::new(self.expr(subject, owner, fields)),
                arms: arms
                    .iter()
                    .map(|arm| {
                        let pattern = match &arm.pattern {
                            Pattern::Wildcard(_) => None,
                            Pattern::Literals(literals) => {
                                Some(literals.iter().map(|l| literal_value(&l.value)).collect())
                            }
                        };
                        (pattern, self.expr(&arm.body, owner, fields))
                    })
                    .collect(),
            },
            ExprKind::Call { function, arguments } if function.value == "ref" => {
                let object = match arguments.first().map(|a| &a.kind) {
                    Some(ExprKind::Path(segments)) => segments[0].value.clone(),
                    _ => String::new(),
                };
                let key = arguments.get(1).map_or(Op::Const(Value::Null), |key| self.expr(key, owner, fields));
                Op::Ref { object: Arc::from(object.as_str()), key: Box::new(key) }
            }
            ExprKind::Call { function, arguments } => {
                let declaration = functions::find(&function.value).expect("the checker accepted only known functions");
                Op::Call {
                    function: FunctionRef(declaration),
                    arguments: arguments.iter().map(|a| self.expr(a, owner, fields)).collect(),
                    span: expr.span,
                }
            }
        }
    }
}

fn flags_ops(flags: &[(Op, String)]) -> impl Iterator<Item = &Op> {
    flags.iter().map(|(op, _)| op)
}

fn outputs_ops(outputs: &[Output]) -> impl Iterator<Item = &Op> {
    outputs.iter().map(|o| &o.op)
}

/// Add the batched reads a compiled expression needs, each after the one that provides its ids.
fn collect_prefetch(op: &Op, out: &mut Vec<Prefetch>) {
    collect_prefetch_from(op, out, None);
}

/// [`collect_prefetch`] for an expression over the records of lookup `within` (`None`: over the
/// object's own records).
fn collect_prefetch_from(op: &Op, out: &mut Vec<Prefetch>, within: Option<u32>) {
    let collect_prefetch = |op: &Op, out: &mut Vec<Prefetch>| collect_prefetch_from(op, out, within);
    let mut add = |prefetch: Prefetch| {
        if !out.contains(&prefetch) {
            out.push(prefetch);
        }
    };
    match op {
        Op::Path { slot, steps } => {
            let mut from = match within {
                Some(lookup) => IdSource::Lookup { lookup, slot: *slot },
                None => IdSource::Record(*slot),
            };
            for step in steps.iter() {
                add(Prefetch { from, into: step.lookup });
                from = IdSource::Lookup { lookup: step.lookup, slot: step.slot };
            }
        }
        Op::Const(_) | Op::Field(_) => {}
        Op::List(items) => items.iter().for_each(|i| collect_prefetch(i, out)),
        Op::Table { key, .. } => collect_prefetch(key, out),
        Op::Unary { operand, .. } => collect_prefetch(operand, out),
        Op::Binary { lhs, rhs, .. } => {
            collect_prefetch(lhs, out);
            collect_prefetch(rhs, out);
        }
        Op::If { condition, then, otherwise } => {
            collect_prefetch(condition, out);
            collect_prefetch(then, out);
            collect_prefetch(otherwise, out);
        }
        Op::Match { subject, arms } => {
            collect_prefetch(subject, out);
            arms.iter().for_each(|(_, body)| collect_prefetch(body, out));
        }
        Op::Call { arguments, .. } => arguments.iter().for_each(|a| collect_prefetch(a, out)),
        Op::Ref { key, .. } => collect_prefetch(key, out),
    }
}

fn literal_value(literal: &Literal) -> Value {
    match literal {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(n) => Value::Int(*n),
        Literal::Float(f) => Value::Float(*f),
        Literal::String(s) => Value::text(s.as_str()),
    }
}

fn scalar_value(scalar: &Scalar) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::Int(n) => Value::Int(*n),
        Scalar::Float(f) => Value::Float(*f),
        Scalar::Text(s) => Value::text(s.as_str()),
    }
}

/// The conjuncts of a filter that compare one field with literals.
fn pushdown_conditions(filter: &Expr) -> Vec<Condition> {
    let mut out = Vec::new();
    let mut stack = vec![filter];
    while let Some(expr) = stack.pop() {
        let ExprKind::Binary { op, lhs, rhs } = &expr.kind else { continue };
        if op.value == BinaryOp::And {
            stack.push(rhs);
            stack.push(lhs);
            continue;
        }
        let (field, literal, flipped) = match (&lhs.kind, &rhs.kind) {
            (ExprKind::Path(p), _) if p.len() == 1 => (&p[0].value, rhs, false),
            (_, ExprKind::Path(p)) if p.len() == 1 => (&p[0].value, lhs, true),
            _ => continue,
        };
        let values = match &literal.kind {
            ExprKind::Literal(l) => vec![literal_value(l)],
            ExprKind::List(items) => {
                let literals: Option<Vec<Value>> = items
                    .iter()
                    .map(|item| if let ExprKind::Literal(l) = &item.kind { Some(literal_value(l)) } else { None })
                    .collect();
                match literals {
                    Some(values) => values,
                    None => continue,
                }
            }
            _ => continue,
        };
        let op = match (op.value, flipped) {
            (BinaryOp::Eq, _) => ConditionOp::Eq,
            (BinaryOp::NotEq, _) => ConditionOp::NotEq,
            (BinaryOp::In, false) => ConditionOp::In,
            (BinaryOp::Lt, false) | (BinaryOp::Gt, true) => ConditionOp::Lt,
            (BinaryOp::LtEq, false) | (BinaryOp::GtEq, true) => ConditionOp::LtEq,
            (BinaryOp::Gt, false) | (BinaryOp::Lt, true) => ConditionOp::Gt,
            (BinaryOp::GtEq, false) | (BinaryOp::LtEq, true) => ConditionOp::GtEq,
            _ => continue,
        };
        out.push(Condition { field: field.clone(), op, values });
    }
    out
}
