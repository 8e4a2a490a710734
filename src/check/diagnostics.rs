//! Constructors for the type checker's diagnostics.

use crate::check::types::Type;
use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::suggest::did_you_mean;

fn help_or(suggestion: Option<String>, otherwise: impl Into<String>) -> String {
    suggestion.unwrap_or_else(|| otherwise.into())
}

pub(crate) fn unknown_driver(side: &str, name: &str, at: Span, known: &[&str]) -> Diagnostic {
    Diagnostic::error(Code::UnknownDriver, format!("unknown {side} driver `{name}`"))
        .primary(at, "no such driver")
        .help(help_or(did_you_mean(name, known.iter().copied()), format!("{side} drivers: {}", known.join(", "))))
}

pub(crate) fn missing_setting(driver: &str, setting: &str, at: Span, why: &str) -> Diagnostic {
    Diagnostic::error(Code::MissingSetting, format!("the {driver} driver needs `{setting}`"))
        .primary(at, format!("`{setting}` is missing here"))
        .help(why.to_owned())
}

pub(crate) fn setting_not_for_driver(driver: &str, setting: &str, at: Span) -> Diagnostic {
    Diagnostic::error(Code::SettingNotForDriver, format!("the {driver} driver does not use `{setting}`"))
        .primary(at, "not used by this driver")
        .help("remove the setting")
}

pub(crate) fn invalid_setting(driver: &str, setting: &str, problem: &str, at: Span, help: &str) -> Diagnostic {
    Diagnostic::error(Code::InvalidSetting, format!("`{setting}` of the `{driver}` driver {problem}"))
        .primary(at, "invalid value")
        .help(help.to_owned())
}

pub(crate) fn invalid_lock(message: String, at: Span) -> Diagnostic {
    Diagnostic::error(Code::InvalidLock, message)
        .primary(at, "this lock")
        .help("regenerate it with `cutover discover`, or fix it by hand following README's lock format")
}

pub(crate) fn unknown_source_object(name: &str, at: Span, candidates: &[&str]) -> Diagnostic {
    Diagnostic::error(Code::UnknownSourceObject, format!("the source has no object `{name}`"))
        .primary(at, "not in the source's schema lock")
        .help(help_or(
            did_you_mean(name, candidates.iter().copied()),
            "use an object's technical name from the source lock",
        ))
}

pub(crate) fn relation_target_missing(field: &str, target: &str, at: Span) -> Diagnostic {
    Diagnostic::error(
        Code::UnknownSourceObject,
        format!("`{field}` points to `{target}`, which the source lock does not describe"),
    )
    .primary(at, "cannot follow this relation")
    .help(format!("rerun `cutover discover` so the lock includes `{target}`"))
}

pub(crate) fn unknown_destination_object(name: &str, at: Span, candidates: &[&str]) -> Diagnostic {
    Diagnostic::error(Code::UnknownDestinationObject, format!("the destination has no kind `{name}`"))
        .primary(at, "not a destination kind")
        .help(help_or(
            did_you_mean(name, candidates.iter().copied()),
            format!("destination kinds: {}", candidates.join(", ")),
        ))
}

/// `fold` read on an Odoo stage whose lock also has `is_close` (13–15), where only `is_close`
/// means closed.
pub(crate) fn close_flag(walked: &str, at: Span) -> Diagnostic {
    let suggestion = match walked.strip_suffix("fold") {
        Some(prefix) => format!("{prefix}is_close"),
        None => "is_close".to_owned(),
    };
    Diagnostic::warning(
        Code::CloseFlag,
        format!("`{walked}` only says whether the stage's kanban column is folded on this Odoo version"),
    )
    .primary(at, "not the closing flag before Odoo 16")
    .help(format!(
        "the source lock has `is_close` (Odoo 13–15): a stage closes tickets when `is_close` is set; use \
         `{suggestion}` (from 16 on `fold` is the closing flag)"
    ))
}

pub(crate) fn unknown_field(object: &str, name: &str, at: Span, candidates: &[&str]) -> Diagnostic {
    if name == "is_close" && candidates.contains(&"fold") {
        return Diagnostic::error(Code::UnknownField, format!("`{object}` has no field `{name}`"))
            .primary(at, "unknown field")
            .help(
                "Odoo 16 dropped `is_close`: from 16 on a folded stage is a closing stage, so use `fold` in its place \
                 (e.g. `stage_id.fold`)",
            );
    }
    Diagnostic::error(Code::UnknownField, format!("`{object}` has no field `{name}`"))
        .primary(at, "unknown field")
        .help(help_or(
            did_you_mean(name, candidates.iter().copied()),
            format!("`{object}` is described by the source lock; `cutover discover` refreshes it"),
        ))
}

pub(crate) fn unknown_destination_field(
    kind: &str,
    name: &str,
    at: Span,
    candidates: &[&str],
    custom: bool,
) -> Diagnostic {
    let otherwise = if custom {
        format!("custom attributes are written as `custom_attributes.{name}`")
    } else {
        format!("`{kind}` takes no custom attributes; its fields are: {}", candidates.join(", "))
    };
    Diagnostic::error(Code::UnknownDestinationField, format!("`{kind}` has no field `{name}`"))
        .primary(at, "unknown destination field")
        .help(help_or(did_you_mean(name, candidates.iter().copied()), otherwise))
}

pub(crate) fn not_a_relation(field: &str, ty: &Type, at: Span, next: Span) -> Diagnostic {
    Diagnostic::error(Code::NotARelation, format!("`{field}` is {ty}, not a relation, so it has no fields"))
        .primary(next, "cannot follow")
        .context(at, format!("this is {ty}"))
        .help("only relational fields (many2one, many2many, links) can be followed with `.`")
}

pub(crate) fn type_mismatch(message: String, at: Span, label: String, help: Option<String>) -> Diagnostic {
    Diagnostic::error(Code::TypeMismatch, message).primary(at, label).maybe_help(help)
}

pub(crate) fn nullable_into_required(object: &str, field: &str, ty: &Type, at: Span, destination: Span) -> Diagnostic {
    let help = match ty.kind {
        crate::check::types::Kind::Ref { .. } => {
            "add a `flag:` rule for records whose key is null (e.g. `when: partner_id == null`), or a fallback `ref(…) ?? ref(…)`"
        }
        crate::check::types::Kind::Text | crate::check::types::Kind::Html => {
            "give a fallback with `??` (e.g. `… ?? \"(none)\"`), or add a `flag:` rule for records where it is null"
        }
        _ => "give a fallback with `??`, or add a `flag:` rule for records where it is null",
    };
    Diagnostic::error(Code::NullableIntoRequired, format!("`{field}` is required, but this value may be null"))
        .primary(at, format!("{ty} may be null"))
        .context(destination, format!("`{field}` is required by `{object}`"))
        .help(help)
}

pub(crate) fn missing_required_field(object: &str, kind: &str, field: &str, at: Span) -> Diagnostic {
    Diagnostic::error(Code::MissingRequiredField, format!("`{kind}` requires `{field}`, which `{object}` does not map"))
        .primary(at, format!("`{field}` is not mapped"))
        .help(format!("add `{field}: <expression>` under `fields:`"))
}

pub(crate) fn not_exhaustive(code: Code, what: &str, missing: &[String], at: Span, help: &str) -> Diagnostic {
    let list = missing.join(", ");
    Diagnostic::error(
        code,
        format!("{what} misses {} value{}: {list}", missing.len(), if missing.len() == 1 { "" } else { "s" }),
    )
    .primary(at, "not every value is covered")
    .help(help.to_owned())
}

pub(crate) fn unknown_enum_value(value: &str, field: &str, at: Span, candidates: &[&str], error: bool) -> Diagnostic {
    let message = format!("`{value}` is not a value of `{field}`");
    let diagnostic = if error {
        Diagnostic::error(Code::UnknownEnumValue, message)
    } else {
        Diagnostic::warning(Code::UnknownEnumValue, message)
    };
    diagnostic
        .primary(at, "unknown value")
        .help(help_or(did_you_mean(value, candidates.iter().copied()), format!("values: {}", candidates.join(", "))))
}

pub(crate) fn unknown_table(name: &str, at: Span, candidates: &[&str]) -> Diagnostic {
    Diagnostic::error(Code::UnknownTable, format!("there is no table `{name}`"))
        .primary(at, "unknown table")
        .help(help_or(did_you_mean(name, candidates.iter().copied()), "define it under `tables:`"))
}

pub(crate) fn unused_table(name: &str, at: Span) -> Diagnostic {
    Diagnostic::warning(Code::UnusedTable, format!("table `{name}` is never used"))
        .primary(at, "defined here")
        .help(format!("remove it, or look it up with `tables.{name}[key]`"))
}

pub(crate) fn unknown_function(name: &str, at: Span, candidates: &[&str]) -> Diagnostic {
    Diagnostic::error(Code::UnknownFunction, format!("there is no function `{name}`"))
        .primary(at, "unknown function")
        .help(help_or(
            did_you_mean(name, candidates.iter().copied()),
            "`cutover functions` lists the built-in functions",
        ))
}

pub(crate) fn wrong_arity(name: &str, signature: &str, given: usize, at: Span) -> Diagnostic {
    Diagnostic::error(
        Code::WrongArity,
        format!("`{name}` called with {given} argument{}", if given == 1 { "" } else { "s" }),
    )
    .primary(at, format!("expected {signature}"))
    .help(format!("call it as {signature}"))
}

pub(crate) fn argument_type(function: &str, expected: &str, ty: &Type, at: Span, help: String) -> Diagnostic {
    Diagnostic::error(Code::ArgumentType, format!("`{function}` expects {expected}, found {ty}"))
        .primary(at, format!("this is {ty}"))
        .help(help)
}

pub(crate) fn unknown_ref_object(name: &str, at: Span, candidates: &[&str]) -> Diagnostic {
    Diagnostic::error(Code::UnknownRefObject, format!("`ref` names `{name}`, which is not an object of this spec"))
        .primary(at, "not an object")
        .help(help_or(did_you_mean(name, candidates.iter().copied()), "name an object defined under `objects:`"))
}

pub(crate) fn ref_wrong_kind(
    field: &str,
    expected: &str,
    object: &str,
    kind: &str,
    at: Span,
    object_to: Span,
) -> Diagnostic {
    Diagnostic::error(
        Code::RefWrongKind,
        format!("`{field}` needs {}, but `{object}` migrates to {kind}", article(expected)),
    )
    .primary(at, format!("a reference to {}", article(kind)))
    .context(object_to, format!("`{object}` maps to `{kind}` here"))
    .help(format!("reference an object whose `to:` is `{expected}`"))
}

/// `a contact`, `an admin`.
fn article(noun: &str) -> String {
    let vowel = noun.chars().next().is_some_and(|c| "aeiou".contains(c));
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

pub(crate) fn dependency_cycle(cycle: &[String], at: Span, others: &[(Span, String)]) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(
        Code::DependencyCycle,
        format!("objects depend on each other in a cycle: {}", cycle.join(" → ")),
    )
    .primary(at, "this dependency closes the cycle");
    for (span, label) in others {
        diagnostic = diagnostic.context(*span, label.clone());
    }
    diagnostic.help("remove one of these dependencies so an order exists")
}

pub(crate) fn unconfirmed_proposal(object: &str, field: &str, at: Span) -> Diagnostic {
    Diagnostic::error(Code::UnconfirmedProposal, format!("`{object}.{field}` is only proposed"))
        .primary(at, "a guess of `cutover propose`, not confirmed")
        .help("check the score and reasons beside it, then move the entry to `fields:` (or fix or delete it); `run` refuses to start while a proposal remains")
}

pub(crate) fn undecided_field(object: &str, source: &str, field: &str, at: Span) -> Diagnostic {
    Diagnostic::error(Code::UnconfirmedProposal, format!("no decision yet for `{source}.{field}` (object `{object}`)"))
        .primary(at, "`cutover propose` found no good destination")
        .help("map it in `fields:`, list it in `inventory:`, or delete this entry to leave it behind; `run` refuses to start while a decision is open")
}

pub(crate) fn duplicate_destination_field(field: &str, at: Span, first: Span) -> Diagnostic {
    Diagnostic::error(Code::DuplicateDestinationField, format!("`{field}` is written twice"))
        .primary(at, "written again here")
        .context(first, "first written here")
        .help("keep one mapping per destination field; combine values with `??` or `if`")
}

pub(crate) fn attribute_type_conflict(name: &str, existing: &str, ty: &Type, at: Span) -> Diagnostic {
    Diagnostic::error(
        Code::AttributeTypeConflict,
        format!("`{name}` already exists in the workspace as {existing}, but this value is {ty}"),
    )
    .primary(at, format!("this is {ty}"))
    .help(format!("convert the value to {existing}, or write it to a new attribute name"))
}

pub(crate) fn attribute_name_taken(name: &str, kind: &str, other: &str, at: Span, earlier: Option<Span>) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        Code::AttributeNameTaken,
        format!("`{name}` would be a new {kind} attribute, but Intercom already has or gets it as a {other} attribute"),
    )
    .primary(at, format!("a new {kind} attribute"))
    .help(format!(
        "contact and company attributes share one set of names in Intercom: rename one of them (e.g. `{kind}_{name}`)"
    ));
    match earlier {
        Some(earlier) => diagnostic.context(earlier, format!("the {other} attribute of the same name")),
        None => diagnostic,
    }
}

pub(crate) fn each_unmappable_type(field: &str, ty: &str, at: Span, rule: Span) -> Diagnostic {
    Diagnostic::error(Code::EachUnmappableType, format!("`{field}` is {ty}, which has no destination attribute type"))
        .primary(rule, format!("matches `{field}`"))
        .context(at, "expanded to this destination")
        .help(format!("add `{field}` to `except:` and map it by hand with a conversion"))
}

pub(crate) fn each_matches_nothing(pattern: &str, object: &str, at: Span) -> Diagnostic {
    Diagnostic::warning(Code::EachMatchesNothing, format!("`{pattern}` matches no field of `{object}`"))
        .primary(at, "matches nothing")
        .help("fix the pattern, or remove the rule")
}

pub(crate) fn unknown_parent(message: String, at: Span, help: String) -> Diagnostic {
    Diagnostic::error(Code::UnknownParent, message).primary(at, "here").help(help)
}

pub(crate) fn arm_type_mismatch(first: &Type, other: &Type, at: Span, first_at: Span) -> Diagnostic {
    Diagnostic::error(Code::ArmTypeMismatch, format!("branches give different types: {first} and {other}"))
        .primary(at, format!("this is {other}"))
        .context(first_at, format!("this is {first}"))
        .help("make every branch give the same type (convert with `to_text`, `to_int`, …)")
}

pub(crate) fn unknown_object(name: &str, at: Span, candidates: &[&str]) -> Diagnostic {
    Diagnostic::error(Code::UnknownObject, format!("`{name}` is not an object of this spec"))
        .primary(at, "not an object")
        .help(help_or(did_you_mean(name, candidates.iter().copied()), "use a name from `objects:`"))
}

pub(crate) fn invalid_object_rule(message: String, at: Span, help: &str) -> Diagnostic {
    Diagnostic::error(Code::InvalidObjectRule, message).primary(at, "here").help(help.to_owned())
}

pub(crate) fn invalid_argument(function: &str, problem: String, at: Span) -> Diagnostic {
    Diagnostic::error(Code::InvalidArgument, format!("`{function}`: {problem}"))
        .primary(at, "invalid setting")
        .help("fix the constant; it would fail on every record at run time")
}
