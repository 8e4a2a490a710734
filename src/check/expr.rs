//! Typing one expression in the scope of one object.

use std::collections::{BTreeSet, HashSet};

use crate::check::diagnostics;
use crate::check::functions::{self, FUNCTIONS, Param};
use crate::check::schema::{ObjectSchema, SchemaLock};
use crate::check::types::{Enumeration, Kind, Type};
use crate::codes::Code;
use crate::diagnostic::Diagnostics;
use crate::expr::ast::{BinaryOp, Expr, ExprKind, Literal, MatchArm, Pattern, UnaryOp};
use crate::span::{Span, Spanned};
use crate::spec::Entries;
use crate::spec::model::Scalar;

/// An object of the spec as other objects' expressions see it.
#[derive(Clone, Debug)]
pub struct ObjectInfo {
    /// The object's name.
    pub name: String,
    /// Its destination kind (empty when unknown).
    pub kind: String,
    /// The span of its `to:` value.
    pub to_span: Span,
}

/// What an expression can see.
pub struct Scope<'a> {
    /// The source lock, when it loaded.
    pub source: Option<&'a SchemaLock>,
    /// The object whose records the expression reads (name, schema); `None` types paths as any.
    pub object: Option<(&'a str, &'a ObjectSchema)>,
    /// The objects of the spec.
    pub objects: &'a [ObjectInfo],
    /// The spec's tables.
    pub tables: &'a Entries<Spanned<String>, Entries<Spanned<String>, Spanned<Scalar>>>,
    /// Paths known not to be null here (narrowed by `flag:`, `where:` and the enclosing `if`s).
    pub non_null: &'a HashSet<String>,
    /// Sets of paths of which at least one is not null: a flag rule `when: a == null and b ==
    /// null` holds back the records where both are, so in a branch where `a` is null, `b` is not.
    pub facts: &'a [BTreeSet<String>],
}

/// Types expressions and records what they use.
pub struct ExprChecker<'a, 'd> {
    scope: &'a Scope<'a>,
    diagnostics: &'d mut Diagnostics,
    /// Tables looked up.
    pub used_tables: BTreeSet<String>,
    /// Objects referenced with `ref(…)`, with the span of the name.
    pub refs: Vec<(String, Span)>,
    /// Inside the left side of `??`, where a table's missing keys are handled.
    in_fallback: bool,
}

impl<'a, 'd> ExprChecker<'a, 'd> {
    /// A checker writing into `diagnostics`.
    pub fn new(scope: &'a Scope<'a>, diagnostics: &'d mut Diagnostics) -> Self {
        Self { scope, diagnostics, used_tables: BTreeSet::new(), refs: Vec::new(), in_fallback: false }
    }

    /// The type of `expr`; errors are reported and typed as `any`.
    pub fn check(&mut self, expr: &Expr) -> Type {
        match &expr.kind {
            ExprKind::Literal(literal) => literal_type(literal, expr.span),
            ExprKind::List(items) => self.list(items),
            ExprKind::Path(segments) => self.path(segments),
            ExprKind::TableLookup { table, key } => self.table(table, key),
            ExprKind::Unary { op, operand } => self.unary(op, operand),
            ExprKind::Binary { op, lhs, rhs } => self.binary(op, lhs, rhs),
            ExprKind::If { condition, then, otherwise } => self.conditional(condition, then, otherwise),
            ExprKind::Match { subject, arms } => self.match_expression(subject, arms, expr.span),
            ExprKind::Call { function, arguments } => self.call(function, arguments, expr.span),
        }
    }

    fn list(&mut self, items: &[Expr]) -> Type {
        let mut item_type: Option<(Type, Span)> = None;
        for item in items {
            let ty = self.check(item);
            item_type = Some(match item_type {
                None => (ty, item.span),
                Some((so_far, first)) => match so_far.join(&ty) {
                    Some(joined) => (joined, first),
                    None => {
                        self.diagnostics.push(diagnostics::arm_type_mismatch(&so_far, &ty, item.span, first));
                        (Type::any(), first)
                    }
                },
            });
        }
        let item = item_type.map_or_else(Type::any, |(t, _)| t);
        Type::of(Kind::List(Box::new(item)))
    }

    fn path(&mut self, segments: &[Spanned<String>]) -> Type {
        let (Some(source), Some((mut owner, mut object))) = (self.scope.source, self.scope.object) else {
            return Type::any();
        };
        let mut current: Option<Type> = None;
        let mut nullable = false;
        let mut many = false;
        let mut walked = String::new();
        let mut previous_span = Span::detached();
        for segment in segments {
            if let Some(ty) = &current {
                let target = match &ty.kind {
                    Kind::Record(target) => target.clone(),
                    Kind::List(item) if matches!(item.kind, Kind::Record(_)) => {
                        many = true;
                        let Kind::Record(target) = &item.kind else { unreachable!() };
                        target.clone()
                    }
                    Kind::Any => return Type::any(),
                    _ => {
                        self.diagnostics.push(diagnostics::not_a_relation(&walked, ty, previous_span, segment.span));
                        return Type::any();
                    }
                };
                match source.object(&target) {
                    Some(next) => {
                        owner = source.objects.get_key_value(&target).map_or(owner, |(k, _)| k.as_str());
                        object = next;
                    }
                    None => {
                        self.diagnostics.push(diagnostics::relation_target_missing(&walked, &target, previous_span));
                        return Type::any();
                    }
                }
            }
            let Some(field) = object.field(&segment.value) else {
                let names: Vec<&str> = object.fields.keys().map(String::as_str).collect();
                self.diagnostics.push(diagnostics::unknown_field(owner, &segment.value, segment.span, &names));
                return Type::any();
            };
            if !walked.is_empty() {
                walked.push('.');
            }
            walked.push_str(&segment.value);
            if segment.value == "fold"
                && source.system == "odoo"
                && owner == "helpdesk.stage"
                && object.field("is_close").is_some()
            {
                self.diagnostics.push(diagnostics::close_flag(&walked, segment.span));
            }
            let ty = Type::of_field(owner, &segment.value, field);
            nullable |= ty.nullable && !self.scope.non_null.contains(&walked);
            previous_span = segment.span;
            current = Some(ty);
        }
        let mut ty = current.unwrap_or_else(Type::any);
        ty.nullable = nullable && !self.scope.non_null.contains(&walked);
        if many && !matches!(ty.kind, Kind::List(_)) {
            // Following a to-many relation gives one value per related record.
            ty = Type::of(Kind::List(Box::new(ty.nullable(false))));
        }
        ty
    }

    fn table(&mut self, table: &Spanned<String>, key: &Expr) -> Type {
        let in_fallback = std::mem::replace(&mut self.in_fallback, false);
        let key_type = self.check(key);
        let Some((defined, entries)) = self.scope.tables.get_entry(&table.value) else {
            let names: Vec<&str> = self.scope.tables.keys().map(|k| k.value.as_str()).collect();
            // The table the user most likely meant is not "unused" as well.
            if let Some(meant) = crate::suggest::suggest(&table.value, names.iter().copied()) {
                self.used_tables.insert(meant.to_owned());
            }
            self.diagnostics.push(diagnostics::unknown_table(&table.value, table.span, &names));
            return Type::any();
        };
        self.used_tables.insert(table.value.clone());
        let mut result: Option<Type> = None;
        for (_, value) in entries.iter() {
            let ty = scalar_type(value);
            result = Some(match result {
                None => ty,
                Some(so_far) => so_far.join(&ty).unwrap_or_else(Type::any),
            });
        }
        let mut result = result.unwrap_or_else(Type::null);
        if let Kind::Enum(enumeration) = &key_type.kind {
            let keys: Vec<&str> = entries.keys().map(|k| k.value.as_str()).collect();
            for (key_name, _) in entries.iter() {
                if !enumeration.values.iter().any(|v| v.value == key_name.value) {
                    let values: Vec<&str> = enumeration.values.iter().map(|v| v.value.as_str()).collect();
                    self.diagnostics.push(diagnostics::unknown_enum_value(
                        &key_name.value,
                        &enumeration.field,
                        key_name.span,
                        &values,
                        false,
                    ));
                }
            }
            let missing = missing_values(enumeration, |v| keys.contains(&v));
            if !missing.is_empty() {
                result.nullable = true;
                if !in_fallback {
                    self.diagnostics.push(
                        diagnostics::not_exhaustive(
                            Code::TableNotExhaustive,
                            &format!("table `{}`", table.value),
                            &missing,
                            key.span,
                            "add the missing keys to the table, or give a fallback with `??`",
                        )
                        .context(
                            defined.span,
                            format!("keys of `{}` are values of `{}`", table.value, enumeration.field),
                        ),
                    );
                }
            }
        } else if !key_type.is_any() {
            // Keys of other types cannot be checked for coverage: a missing key gives null.
            result.nullable = true;
        }
        result.nullable |= key_type.nullable;
        result
    }

    fn unary(&mut self, op: &Spanned<UnaryOp>, operand: &Expr) -> Type {
        let ty = self.check(operand);
        match op.value {
            UnaryOp::Not => {
                self.expect(&ty, |k| matches!(k, Kind::Bool), "a boolean", operand.span, "`not` needs a boolean");
                Type::of(Kind::Bool).nullable(ty.nullable)
            }
            UnaryOp::Negate => {
                self.expect(&ty, Kind::is_numeric, "a number", operand.span, "`-` needs a number");
                Type::of(if matches!(ty.kind, Kind::Int) { Kind::Int } else { Kind::Float }).nullable(ty.nullable)
            }
        }
    }

    fn expect(&mut self, ty: &Type, ok: impl Fn(&Kind) -> bool, expected: &str, at: Span, help: &str) -> bool {
        if ty.is_any() || ok(&ty.kind) {
            return true;
        }
        self.diagnostics.push(diagnostics::type_mismatch(
            format!("expected {expected}, found {ty}"),
            at,
            format!("this is {ty}"),
            Some(help.to_owned()),
        ));
        false
    }

    fn binary(&mut self, op: &Spanned<BinaryOp>, lhs: &Expr, rhs: &Expr) -> Type {
        if op.value == BinaryOp::Coalesce {
            let outer = std::mem::replace(&mut self.in_fallback, true);
            let left = self.check(lhs);
            self.in_fallback = outer;
            let right = self.check(rhs);
            return match left.clone().nullable(false).join(&right) {
                Some(joined) => joined.nullable(right.nullable),
                None => {
                    self.diagnostics.push(diagnostics::arm_type_mismatch(&left, &right, rhs.span, lhs.span));
                    Type::any()
                }
            };
        }
        let left = self.check(lhs);
        let right = self.check(rhs);
        let nullable = left.nullable || right.nullable;
        match op.value {
            BinaryOp::And | BinaryOp::Or => {
                let help = format!("`{}` joins two conditions", op.value.symbol());
                self.expect(&left, |k| matches!(k, Kind::Bool), "a boolean", lhs.span, &help);
                self.expect(&right, |k| matches!(k, Kind::Bool), "a boolean", rhs.span, &help);
                Type::of(Kind::Bool)
            }
            BinaryOp::Eq | BinaryOp::NotEq => {
                self.comparable(&left, &right, lhs, rhs, op.span);
                Type::of(Kind::Bool)
            }
            BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => {
                let ordered = (left.kind.is_numeric() && right.kind.is_numeric())
                    || (left.kind.is_temporal() && right.kind.is_temporal())
                    || (left.kind.is_textual() && right.kind.is_textual());
                if !ordered {
                    self.diagnostics.push(diagnostics::type_mismatch(
                        format!("cannot order {left} against {right}"),
                        op.span,
                        "compares values of different kinds".to_owned(),
                        Some("compare numbers with numbers, dates with dates, text with text".to_owned()),
                    ));
                }
                Type::of(Kind::Bool).nullable(nullable)
            }
            BinaryOp::In | BinaryOp::NotIn => {
                match &right.kind {
                    Kind::List(item) => {
                        self.comparable(&left, item, lhs, rhs, op.span);
                        if let (Kind::Enum(enumeration), ExprKind::List(items)) = (&left.kind, &rhs.kind) {
                            for item in items {
                                self.enum_literal(enumeration, item);
                            }
                        }
                    }
                    Kind::Text | Kind::Any => {}
                    _ => {
                        self.expect(&right, |_| false, "a list", rhs.span, "`in` looks a value up in a list");
                    }
                }
                Type::of(Kind::Bool)
            }
            BinaryOp::Add => {
                let kind = match (&left.kind, &right.kind) {
                    (Kind::Any, _) | (_, Kind::Any) => Kind::Any,
                    (Kind::Int, Kind::Int) => Kind::Int,
                    (a, b) if a.is_numeric() && b.is_numeric() => Kind::Float,
                    (a, b) if a.is_textual() && b.is_textual() => Kind::Text,
                    (Kind::Html, b) | (b, Kind::Html) if b.is_textual() || matches!(b, Kind::Html) => Kind::Html,
                    (Kind::List(a), Kind::List(b)) => Kind::List(Box::new(a.join(b).unwrap_or_else(Type::any))),
                    _ => {
                        self.diagnostics.push(diagnostics::type_mismatch(
                            format!("cannot add {left} and {right}"),
                            op.span,
                            "mixes kinds".to_owned(),
                            Some("convert first, e.g. `to_text(x) + \" \" + y` or `concat(x, y)`".to_owned()),
                        ));
                        Kind::Any
                    }
                };
                Type::of(kind).nullable(nullable)
            }
            BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                let help = format!("`{}` works on numbers", op.value.symbol());
                let ok_left = self.expect(&left, Kind::is_numeric, "a number", lhs.span, &help);
                let ok_right = self.expect(&right, Kind::is_numeric, "a number", rhs.span, &help);
                let kind = if !(ok_left && ok_right) {
                    Kind::Any
                } else if op.value != BinaryOp::Div && left.kind == Kind::Int && right.kind == Kind::Int {
                    Kind::Int
                } else {
                    Kind::Float
                };
                Type::of(kind).nullable(nullable)
            }
            BinaryOp::Coalesce => unreachable!("handled above"),
        }
    }

    fn comparable(&mut self, left: &Type, right: &Type, lhs: &Expr, rhs: &Expr, op: Span) {
        if left.join(right).is_none() && !matches!(left.kind, Kind::Record(_)) && !matches!(right.kind, Kind::Record(_))
        {
            self.diagnostics.push(diagnostics::type_mismatch(
                format!("comparing {left} with {right} is never true"),
                op,
                "compares values of different kinds".to_owned(),
                Some("convert one side first (`to_text`, `to_int`)".to_owned()),
            ));
        }
        if let Kind::Enum(enumeration) = &left.kind {
            self.enum_literal(enumeration, rhs);
        }
        if let Kind::Enum(enumeration) = &right.kind {
            self.enum_literal(enumeration, lhs);
        }
    }

    fn enum_literal(&mut self, enumeration: &Enumeration, expr: &Expr) {
        if enumeration.values.is_empty() {
            return;
        }
        if let ExprKind::Literal(literal) = &expr.kind
            && let Some(text) = literal_text(literal)
            && !enumeration.values.iter().any(|v| v.value == text)
        {
            let values: Vec<&str> = enumeration.values.iter().map(|v| v.value.as_str()).collect();
            self.diagnostics.push(diagnostics::unknown_enum_value(
                &text,
                &enumeration.field,
                expr.span,
                &values,
                false,
            ));
        }
    }

    fn conditional(&mut self, condition: &Expr, then: &Expr, otherwise: &Expr) -> Type {
        let ty = self.check(condition);
        self.expect(
            &ty,
            |k| matches!(k, Kind::Bool),
            "a boolean",
            condition.span,
            "`if` needs a condition; null counts as false",
        );
        let a = self.narrowed(condition, true, then);
        let b = self.narrowed(condition, false, otherwise);
        match a.join(&b) {
            Some(joined) => joined,
            None => {
                self.diagnostics.push(diagnostics::arm_type_mismatch(&a, &b, otherwise.span, then.span));
                Type::any()
            }
        }
    }

    /// The type of `branch`, taken where `condition` is `holds`: the paths it tests against null
    /// are narrowed there (`if x != null then ref(contact, x) else …` needs no fallback), and so
    /// are the paths a flag fact leaves as the only ones that can be set.
    fn narrowed(&mut self, condition: &Expr, holds: bool, branch: &Expr) -> Type {
        let mut non_null = self.scope.non_null.clone();
        null_tested_paths(condition, holds, &mut non_null);
        let mut null = HashSet::new();
        null_paths(condition, holds, &mut null);
        for fact in self.scope.facts {
            let mut open = fact.iter().filter(|path| !null.contains(*path));
            if let (Some(only), None) = (open.next(), open.next()) {
                non_null.insert(only.clone());
            }
        }
        if non_null.len() == self.scope.non_null.len() {
            return self.check(branch);
        }
        let scope = Scope { non_null: &non_null, ..*self.scope };
        let mut inner = ExprChecker::new(&scope, self.diagnostics);
        inner.in_fallback = self.in_fallback;
        let ty = inner.check(branch);
        let (tables, refs) = (inner.used_tables, inner.refs);
        self.used_tables.extend(tables);
        self.refs.extend(refs);
        ty
    }

    fn match_expression(&mut self, subject: &Expr, arms: &[MatchArm], span: Span) -> Type {
        let subject_type = self.check(subject);
        let mut covered: Vec<String> = Vec::new();
        let mut wildcard = false;
        let mut null_arm = false;
        let mut result: Option<(Type, Span)> = None;
        for arm in arms {
            match &arm.pattern {
                Pattern::Wildcard(_) => wildcard = true,
                Pattern::Literals(literals) => {
                    for literal in literals {
                        let pattern_type = literal_type(&literal.value, literal.span);
                        if matches!(literal.value, Literal::Null) {
                            null_arm = true;
                            continue;
                        }
                        if subject_type.join(&pattern_type).is_none() {
                            self.diagnostics.push(diagnostics::type_mismatch(
                                format!("this arm matches {pattern_type}, but the subject is {subject_type}"),
                                literal.span,
                                "never matches".to_owned(),
                                Some("write patterns of the subject's type".to_owned()),
                            ));
                        }
                        if let Some(text) = literal_text(&literal.value) {
                            if let Kind::Enum(enumeration) = &subject_type.kind
                                && !enumeration.values.is_empty()
                                && !enumeration.values.iter().any(|v| v.value == text)
                            {
                                let values: Vec<&str> = enumeration.values.iter().map(|v| v.value.as_str()).collect();
                                self.diagnostics.push(diagnostics::unknown_enum_value(
                                    &text,
                                    &enumeration.field,
                                    literal.span,
                                    &values,
                                    false,
                                ));
                            }
                            covered.push(text);
                        }
                    }
                }
            }
            let body = self.check(&arm.body);
            result = Some(match result {
                None => (body, arm.body.span),
                Some((so_far, first)) => match so_far.join(&body) {
                    Some(joined) => (joined, first),
                    None => {
                        self.diagnostics.push(diagnostics::arm_type_mismatch(&so_far, &body, arm.body.span, first));
                        (Type::any(), first)
                    }
                },
            });
        }
        if !wildcard && !subject_type.is_any() {
            let mut missing = match &subject_type.kind {
                Kind::Enum(enumeration) if !enumeration.values.is_empty() => {
                    missing_values(enumeration, |v| covered.iter().any(|c| c == v))
                }
                Kind::Bool => ["true", "false"]
                    .into_iter()
                    .filter(|v| !covered.iter().any(|c| c == v))
                    .map(|v| format!("`{v}`"))
                    .collect(),
                _ => vec![format!("any other {}", subject_type.kind)],
            };
            if subject_type.nullable && !null_arm {
                missing.push("`null`".to_owned());
            }
            if !missing.is_empty() {
                let help = match &subject_type.kind {
                    Kind::Enum(_) | Kind::Bool => "add an arm for each missing value, or a `_` arm",
                    _ => "only enumerations and booleans can be covered value by value: add a `_` arm",
                };
                let mut diagnostic =
                    diagnostics::not_exhaustive(Code::MatchNotExhaustive, "this match", &missing, subject.span, help);
                if let Kind::Enum(enumeration) = &subject_type.kind {
                    // On the `match` keyword alone, so the label does not enclose the primary one.
                    let keyword = Span::new(span.source, span.start, (span.start + 5).min(span.end));
                    diagnostic = diagnostic
                        .context(keyword, format!("values come from `{}` in the schema lock", enumeration.field));
                }
                self.diagnostics.push(diagnostic);
            }
        }
        result.map_or_else(Type::any, |(t, _)| t)
    }

    fn call(&mut self, name: &Spanned<String>, arguments: &[Expr], span: Span) -> Type {
        let Some(function) = functions::find(&name.value) else {
            let names: Vec<&str> = FUNCTIONS.iter().map(|f| f.name).collect();
            self.diagnostics.push(diagnostics::unknown_function(&name.value, name.span, &names));
            for argument in arguments {
                if !matches!(&argument.kind, ExprKind::Path(p) if p.len() == 1 && self.scope.objects.iter().any(|o| o.name == p[0].value))
                {
                    self.check(argument);
                }
            }
            return Type::any();
        };
        let arity_ok = if function.variadic.is_some() {
            arguments.len() >= function.params.len()
        } else {
            arguments.len() == function.params.len()
        };
        if !arity_ok {
            self.diagnostics.push(diagnostics::wrong_arity(
                function.name,
                &function.signature(),
                arguments.len(),
                span,
            ));
            return Type::any();
        }
        let mut types = Vec::with_capacity(arguments.len());
        let mut referenced: Option<&ObjectInfo> = None;
        for (i, argument) in arguments.iter().enumerate() {
            let param = function.params.get(i).copied().or(function.variadic).unwrap_or(Param::Any);
            if param == Param::Object {
                referenced = self.object_argument(argument);
                types.push(Type::any());
                continue;
            }
            let ty = self.check(argument);
            if !ty.is_any() && !param.accepts(&ty.kind) {
                let help = match (&ty.kind, param) {
                    (Kind::Html, _) => {
                        format!("convert with `html_to_text(…)` first; {} is {}", function.name, function.signature())
                    }
                    (Kind::Int | Kind::Float | Kind::Date | Kind::DateTime, Param::Text) => {
                        format!("convert with `to_text(…)` first; {} is {}", function.name, function.signature())
                    }
                    _ => format!("{} is {}", function.name, function.signature()),
                };
                self.diagnostics.push(diagnostics::argument_type(
                    function.name,
                    param.describe(),
                    &ty,
                    argument.span,
                    help,
                ));
                types.push(Type::any());
            } else {
                if let ExprKind::Literal(Literal::String(text)) = &argument.kind {
                    self.constant_argument(function.name, i, text, argument.span);
                }
                types.push(ty);
            }
        }
        if function.name == "ref" {
            let Some(object) = referenced else {
                return Type::any().nullable(types.get(1).is_some_and(|t| t.nullable));
            };
            return Type::of(Kind::Ref { object: object.name.clone(), kind: object.kind.clone() })
                .nullable(types.get(1).is_some_and(|t| t.nullable));
        }
        function.result(&types)
    }

    /// Check settings written as constants (patterns, time zones) once, here, instead of failing
    /// on the first record at run time.
    fn constant_argument(&mut self, function: &str, position: usize, text: &str, at: Span) {
        let problem = match (function, position) {
            ("regex_match" | "regex_replace" | "regex_extract", 1) => regex::Regex::new(text).err().map(|e| {
                let detail = first_line(&e.to_string()).trim_start_matches("error: ").to_owned();
                format!("invalid regular expression: {detail}")
            }),
            ("parse_datetime", 2) | ("local_datetime", 1) => jiff::tz::TimeZone::get(text).err().map(|_| {
                let names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
                match crate::suggest::suggest(text, names.iter().map(String::as_str)) {
                    Some(name) => format!("`{text}` is not a time zone; did you mean `{name}`?"),
                    None => format!("`{text}` is not a time zone of the IANA database (e.g. `Europe/Berlin`)"),
                }
            }),
            _ => None,
        };
        if let Some(problem) = problem {
            self.diagnostics.push(diagnostics::invalid_argument(function, problem, at));
        }
    }

    fn object_argument(&mut self, argument: &Expr) -> Option<&'a ObjectInfo> {
        let name = match &argument.kind {
            ExprKind::Path(segments) if segments.len() == 1 => &segments[0],
            _ => {
                self.diagnostics.push(diagnostics::type_mismatch(
                    "`ref` takes an object name first".to_owned(),
                    argument.span,
                    "not an object name".to_owned(),
                    Some("write `ref(OBJECT, key)`, e.g. `ref(contact, partner_id)`".to_owned()),
                ));
                return None;
            }
        };
        match self.scope.objects.iter().find(|o| o.name == name.value) {
            Some(object) => {
                self.refs.push((object.name.clone(), name.span));
                Some(object)
            }
            None => {
                let names: Vec<&str> = self.scope.objects.iter().map(|o| o.name.as_str()).collect();
                self.diagnostics.push(diagnostics::unknown_ref_object(&name.value, name.span, &names));
                None
            }
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(text).trim()
}

/// The values of `enumeration` that `covered` does not accept, each with its label and count.
fn missing_values(enumeration: &Enumeration, covered: impl Fn(&str) -> bool) -> Vec<String> {
    enumeration
        .values
        .iter()
        .filter(|v| !covered(&v.value))
        .map(|v| {
            let mut text = format!("`{}`", v.value);
            match (&v.label, v.count) {
                (Some(label), Some(count)) => text.push_str(&format!(" ({label}, {count} records)")),
                (Some(label), None) => text.push_str(&format!(" ({label})")),
                (None, Some(count)) => text.push_str(&format!(" ({count} records)")),
                (None, None) => {}
            }
            text
        })
        .collect()
}

fn literal_type(literal: &Literal, span: Span) -> Type {
    match literal {
        Literal::Null => Type::null(),
        Literal::Bool(_) => Type::of(Kind::Bool),
        Literal::Int(_) => Type::of(Kind::Int),
        Literal::Float(_) => Type::of(Kind::Float),
        Literal::String(text) => Type::text_constant(text, span),
    }
}

/// The text form a literal is compared with enumeration values in.
fn literal_text(literal: &Literal) -> Option<String> {
    match literal {
        Literal::String(text) => Some(text.clone()),
        Literal::Int(n) => Some(n.to_string()),
        Literal::Bool(b) => Some(b.to_string()),
        Literal::Float(_) | Literal::Null => None,
    }
}

fn scalar_type(scalar: &Spanned<Scalar>) -> Type {
    match &scalar.value {
        Scalar::Null => Type::null(),
        Scalar::Bool(_) => Type::of(Kind::Bool),
        Scalar::Int(_) => Type::of(Kind::Int),
        Scalar::Float(_) => Type::of(Kind::Float),
        Scalar::Text(text) => Type::text_constant(text, scalar.span),
    }
}

/// Paths an expression shows to be null when it evaluates to `when_true` (the mirror of
/// [`null_tested_paths`]): `x == null` when true, `x != null` when false.
pub fn null_paths(expr: &Expr, when_true: bool, out: &mut HashSet<String>) {
    match &expr.kind {
        ExprKind::Binary { op, lhs, rhs } => match (op.value, when_true) {
            (BinaryOp::Or, false) | (BinaryOp::And, true) => {
                null_paths(lhs, when_true, out);
                null_paths(rhs, when_true, out);
            }
            (BinaryOp::Eq, true) | (BinaryOp::NotEq, false) => {
                if let Some(path) = null_test(lhs, rhs) {
                    out.insert(path);
                }
            }
            _ => {}
        },
        ExprKind::Unary { op, operand } if op.value == UnaryOp::Not => null_paths(operand, !when_true, out),
        _ => {}
    }
}

/// The paths of a flag rule made only of `x == null` tests joined by `and`: the records kept have
/// at least one of them set. `None` for any other rule.
pub fn null_fact(when: &Expr) -> Option<BTreeSet<String>> {
    fn collect(expr: &Expr, out: &mut BTreeSet<String>) -> bool {
        match &expr.kind {
            ExprKind::Binary { op, lhs, rhs } if op.value == BinaryOp::And => collect(lhs, out) && collect(rhs, out),
            ExprKind::Binary { op, lhs, rhs } if op.value == BinaryOp::Eq => {
                null_test(lhs, rhs).map(|path| out.insert(path)).is_some()
            }
            _ => false,
        }
    }
    let mut paths = BTreeSet::new();
    (collect(when, &mut paths) && paths.len() > 1).then_some(paths)
}

/// The dotted path of `path == null` / `null == path`.
fn null_test(lhs: &Expr, rhs: &Expr) -> Option<String> {
    match (&lhs.kind, &rhs.kind) {
        (ExprKind::Path(p), ExprKind::Literal(Literal::Null))
        | (ExprKind::Literal(Literal::Null), ExprKind::Path(p)) => {
            Some(p.iter().map(|s| s.value.as_str()).collect::<Vec<_>>().join("."))
        }
        _ => None,
    }
}

/// Paths that an expression proves non-null when it is `false` (a `flag:` condition: records
/// where it is true are held back) or when it is `true` (a `where:` filter).
pub fn null_tested_paths(expr: &Expr, when_true: bool, out: &mut HashSet<String>) {
    match &expr.kind {
        ExprKind::Binary { op, lhs, rhs } => match (op.value, when_true) {
            (BinaryOp::Or, false) | (BinaryOp::And, true) => {
                null_tested_paths(lhs, when_true, out);
                null_tested_paths(rhs, when_true, out);
            }
            (BinaryOp::Eq, false) | (BinaryOp::NotEq, true) => {
                if let Some(path) = null_test(lhs, rhs) {
                    out.insert(path);
                }
            }
            _ => {}
        },
        ExprKind::Call { function, arguments } if function.value == "is_empty" && !when_true => {
            if let Some(ExprKind::Path(p)) = arguments.first().map(|a| &a.kind) {
                out.insert(p.iter().map(|s| s.value.as_str()).collect::<Vec<_>>().join("."));
            }
        }
        ExprKind::Unary { op, operand } if op.value == UnaryOp::Not => null_tested_paths(operand, !when_true, out),
        _ => {}
    }
}
