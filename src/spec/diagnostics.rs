//! Constructors for the diagnostics of loading a spec.

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::suggest::did_you_mean;

pub(crate) fn yaml_syntax(info: &str, at: Span) -> Diagnostic {
    Diagnostic::error(Code::YamlSyntax, format!("invalid YAML: {info}"))
        .primary(at, "here")
        .help("fix the YAML at this position; quote values that start with `{`, `[`, `*`, `&`, `!` or contain `: `")
}

pub(crate) fn unsupported_yaml(what: &str, at: Span) -> Diagnostic {
    Diagnostic::error(Code::UnsupportedYaml, what.to_owned())
        .primary(at, "not supported here")
        .help("write plain mappings, lists and scalars")
}

pub(crate) fn duplicate_key(name: &str, at: Span, first: Span) -> Diagnostic {
    Diagnostic::error(Code::DuplicateKey, format!("`{name}` is set twice in this mapping"))
        .primary(at, "set again here")
        .context(first, "first set here")
        .help("remove one of the two entries; YAML would otherwise keep only one silently")
}

pub(crate) fn unknown_key(name: &str, at: Span, expected: &[&str]) -> Diagnostic {
    let help = did_you_mean(name, expected.iter().copied())
        .unwrap_or_else(|| format!("expected one of: {}", expected.join(", ")));
    Diagnostic::error(Code::UnknownKey, format!("unknown key `{name}`"))
        .primary(at, "not a key of this mapping")
        .help(help)
}

pub(crate) fn unknown_value(value: &str, at: Span, expected: &[&str]) -> Diagnostic {
    let help = did_you_mean(value, expected.iter().copied())
        .unwrap_or_else(|| format!("expected one of: {}", expected.join(", ")));
    Diagnostic::error(Code::WrongShape, format!("unknown value `{value}`"))
        .primary(at, "not one of the accepted values")
        .help(help)
}

pub(crate) fn wrong_shape(expected: &str, found: &str, at: Span) -> Diagnostic {
    Diagnostic::error(Code::WrongShape, format!("expected {expected}, found {found}"))
        .primary(at, format!("expected {expected}"))
        .help(format!("write {expected} here; `cutover schema` prints the whole spec format"))
}

pub(crate) fn invalid_value(message: &str, at: Span) -> Diagnostic {
    Diagnostic::error(Code::WrongShape, message.to_owned()).primary(at, "invalid value")
}

pub(crate) fn missing_key(name: &str, at: Span) -> Diagnostic {
    Diagnostic::error(Code::MissingKey, format!("missing key `{name}`"))
        .primary(at, format!("this mapping needs `{name}`"))
        .help(format!("add `{name}:`"))
}

pub(crate) fn unsupported_version(version: u32, at: Span) -> Diagnostic {
    Diagnostic::error(Code::UnsupportedVersion, format!("spec format version {version} is not supported"))
        .primary(at, "this build reads version 1")
        .help("write `cutover: 1`, or use the cutover release that wrote this spec")
}

pub(crate) fn read_failed(path: &str, error: &std::io::Error, at: Span) -> Diagnostic {
    let diagnostic = Diagnostic::error(Code::ReadFailed, format!("cannot read `{path}`: {error}"));
    if at.is_detached() {
        diagnostic.help("check the path")
    } else {
        diagnostic
            .primary(at, "named here")
            .help("relative paths are resolved from the directory of the file that names them")
    }
}

pub(crate) fn extends_cycle(path: &str, at: Span, chain: &[String]) -> Diagnostic {
    Diagnostic::error(Code::ExtendsCycle, format!("`{path}` extends itself through {}", chain.join(" → ")))
        .primary(at, "this closes the cycle")
        .help("remove one `extends:` so the chain ends in a base spec that extends nothing")
}

pub(crate) fn bad_interpolation(message: &str, at: Span) -> Diagnostic {
    Diagnostic::error(Code::BadInterpolation, message.to_owned())
        .primary(at, "here")
        .help("write `${NAME}` with letters, digits and underscores; `$${` is a literal `${`")
}

/// Unset variables are named, never their values (there are none, and secrets never print).
pub fn unset_variable(name: &str, at: Span) -> Diagnostic {
    Diagnostic::warning(Code::UnsetVariable, format!("environment variable `{name}` is not set"))
        .primary(at, "read from the environment when a command connects")
        .help(format!("export {name} before `run`, `discover` or `verify`"))
}
