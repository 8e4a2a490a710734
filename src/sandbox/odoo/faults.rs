//! Constructors for the faults the emulator answers, one per problem, with Odoo's codes and
//! message shapes (digest section 4).
//!
//! Code 1 carries a Python traceback whose last line is `ExceptionType: message` (clients read
//! that line); codes 2, 3 and 4 carry the message only.

use super::version::OdooVersion;
use crate::drivers::odoo::{Fault, XmlRpcValue};

/// Code 1: a Python exception, as a traceback ending in `kind: message`.
pub fn python_error(kind: &str, message: &str) -> Fault {
    let string = format!(
        "Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/odoo/addons/base/controllers/rpc.py\", \
         line 150, in xmlrpc_2\n    response = self._xmlrpc(service)\n  File \
         \"/usr/lib/python3/dist-packages/odoo/service/model.py\", line 40, in dispatch\n    res = \
         execute_kw(db, uid, *params[3:])\n{kind}: {message}\n"
    );
    Fault { code: 1, string }
}

/// Code 3 on a bad database user, password or API key (`Access Denied`; 13 writes `Access denied`).
pub fn access_denied(version: OdooVersion) -> Fault {
    let string = if version.major() <= 13 { "Access denied" } else { "Access Denied" };
    Fault { code: 3, string: string.to_owned() }
}

/// Code 1 on an unknown database (PostgreSQL's error, as `authenticate` and `execute_kw` see it).
pub fn unknown_database(database: &str) -> Fault {
    python_error(
        "psycopg2.OperationalError",
        &format!(
            "connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database \"{database}\" does not exist"
        ),
    )
}

/// Code 2 for a model that is not installed.
pub fn missing_model(model: &str) -> Fault {
    Fault { code: 2, string: format!("Object {model} doesn't exist") }
}

/// Code 4 when ACLs refuse reading a model (15+ wording, with the groups that may).
pub fn access_error(label: &str, model: &str, groups: &[String]) -> Fault {
    let mut string = format!("You are not allowed to access '{label}' ({model}) records.");
    if groups.is_empty() {
        string.push_str("\n\nNo group currently allows this operation.");
    } else {
        string.push_str("\n\nThis operation is allowed for the following groups:");
        for group in groups {
            string.push_str(&format!("\n\t- {group}"));
        }
    }
    string.push_str("\n\nContact your administrator to request access if necessary.");
    Fault { code: 4, string }
}

/// Code 4 for a method whose name starts with `_`.
pub fn private_method(method: &str) -> Fault {
    Fault { code: 4, string: format!("Private methods (such as {method}) cannot be called remotely.") }
}

/// Code 1 for a method the model does not have.
pub fn unknown_method(model: &str, method: &str) -> Fault {
    python_error("AttributeError", &format!("The method '{method}' does not exist on the model '{model}'"))
}

/// Code 1 for a method the read-only emulator does not implement (`write`, `create`, …).
pub fn not_emulated(model: &str, method: &str) -> Fault {
    python_error("NotImplementedError", &format!("the Odoo emulator does not implement {model}.{method}"))
}

/// Code 1 for an unknown name in a `fields` list.
pub fn invalid_field(model: &str, field: &str) -> Fault {
    python_error("ValueError", &format!("Invalid field {field:?} on model {model:?}").replace('"', "'"))
}

/// Code 1 for an unknown field in a domain leaf.
pub fn invalid_leaf_field(model: &str, field: &str, leaf: &XmlRpcValue) -> Fault {
    python_error("ValueError", &format!("Invalid field {model}.{field} in leaf {}", python_leaf(leaf)))
}

/// Code 1 for a domain leaf on a computed field that is neither stored nor searchable.
pub fn unsearchable_field(model: &str, field: &str) -> Fault {
    python_error("ValueError", &format!("Non-stored field {model}.{field} cannot be searched."))
}

/// Code 1 for an operator Odoo does not know.
pub fn invalid_operator(operator: &str, leaf: &XmlRpcValue) -> Fault {
    python_error(
        "ValueError",
        &format!(
            "Invalid operator {} in domain term {}",
            python_repr(&XmlRpcValue::String(operator.to_owned())),
            python_leaf(leaf)
        ),
    )
}

/// Code 1 for a domain item that is neither a leaf nor a connector, or connectors without
/// enough operands.
pub fn invalid_domain(domain: &XmlRpcValue) -> Fault {
    python_error("ValueError", &format!("Invalid domain {}", python_repr(domain)))
}

/// Code 1 for an `order` naming an unknown field or direction.
pub fn invalid_order(order: &str) -> Fault {
    python_error(
        "ValueError",
        &format!(
            "Invalid \"order\" specified ({order}). A valid \"order\" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)"
        ),
    )
}

/// Code 2 when `read` names ids that do not exist.
pub fn missing_record(model: &str, ids: &[i64], uid: i64) -> Fault {
    let listed: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let tuple = if ids.len() == 1 { format!("{},", listed[0]) } else { listed.join(", ") };
    Fault {
        code: 2,
        string: format!("Record does not exist or has been deleted.\n(Record: {model}({tuple}), User: {uid})"),
    }
}

/// Code 1 for a call Python would refuse: wrong arity, unexpected keyword, wrong type.
pub fn type_error(message: &str) -> Fault {
    python_error("TypeError", message)
}

/// A leaf as Python prints it in messages: a tuple.
fn python_leaf(leaf: &XmlRpcValue) -> String {
    match leaf {
        XmlRpcValue::Array(items) => format!("({})", items.iter().map(python_repr).collect::<Vec<_>>().join(", ")),
        other => python_repr(other),
    }
}

/// A value as Python's `repr` prints it.
pub fn python_repr(value: &XmlRpcValue) -> String {
    match value {
        XmlRpcValue::Int(int) => int.to_string(),
        XmlRpcValue::Bool(true) => "True".to_owned(),
        XmlRpcValue::Bool(false) => "False".to_owned(),
        XmlRpcValue::String(text) | XmlRpcValue::DateTime(text) => {
            if text.contains('\'') && !text.contains('"') {
                format!("\"{text}\"")
            } else {
                format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
            }
        }
        XmlRpcValue::Double(double) if double.fract() == 0.0 && double.abs() < 1e16 => format!("{double:.1}"),
        XmlRpcValue::Double(double) => double.to_string(),
        XmlRpcValue::Base64(bytes) => format!("b'<{} bytes>'", bytes.len()),
        XmlRpcValue::Struct(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(key, value)| format!(
                    "{}: {}",
                    python_repr(&XmlRpcValue::String(key.clone())),
                    python_repr(value)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        XmlRpcValue::Array(items) => format!("[{}]", items.iter().map(python_repr).collect::<Vec<_>>().join(", ")),
        XmlRpcValue::Nil => "None".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_odoo_shapes() {
        let leaf = XmlRpcValue::Array(vec![
            XmlRpcValue::String("foo".to_owned()),
            XmlRpcValue::String("=".to_owned()),
            XmlRpcValue::Int(1),
        ]);
        let fault = invalid_leaf_field("helpdesk.ticket", "foo", &leaf);
        assert_eq!(fault.code, 1);
        assert!(fault.string.ends_with("ValueError: Invalid field helpdesk.ticket.foo in leaf ('foo', '=', 1)\n"));
        assert!(
            invalid_field("helpdesk.ticket", "x")
                .string
                .ends_with("ValueError: Invalid field 'x' on model 'helpdesk.ticket'\n")
        );
        assert_eq!(
            missing_record("helpdesk.ticket", &[99], 2).string,
            "Record does not exist or has been deleted.\n(Record: helpdesk.ticket(99,), User: 2)"
        );
        assert_eq!(python_repr(&XmlRpcValue::Double(2.0)), "2.0");
        assert_eq!(python_repr(&XmlRpcValue::String("it's".to_owned())), "\"it's\"");
    }
}
