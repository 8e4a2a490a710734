//! [`Arguments`]: a method call's positional and keyword arguments bound to its Python
//! signature, with Python's `TypeError` messages when they do not fit.

use std::collections::BTreeMap;

use super::faults;
use crate::drivers::odoo::{Fault, XmlRpcValue};

/// A Python method signature: its name and parameters (after `self`).
#[derive(Clone, Copy, Debug)]
pub struct Signature {
    /// The method name, as Python prints it (`search`).
    pub name: &'static str,
    /// Positional-or-keyword parameters, in order.
    pub parameters: &'static [&'static str],
    /// How many leading parameters have no default.
    pub required: usize,
    /// Keyword-only parameters (`**read_kwargs` that Odoo accepts, such as `load`).
    pub keyword_only: &'static [&'static str],
    /// Whether Python counts a bound `self` in its messages (methods do, functions do not).
    pub bound: bool,
}

/// Arguments bound to parameter names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Arguments {
    values: BTreeMap<&'static str, XmlRpcValue>,
}

impl Arguments {
    /// Bind `positional` and `keywords` to `signature`, as Python would, or fail with its
    /// `TypeError`.
    pub fn bind(
        signature: &Signature,
        positional: Vec<XmlRpcValue>,
        keywords: Vec<(String, XmlRpcValue)>,
    ) -> Result<Arguments, Fault> {
        let name = signature.name;
        let offset = usize::from(signature.bound);
        if positional.len() > signature.parameters.len() {
            let (least, most) = (signature.required + offset, signature.parameters.len() + offset);
            let takes = if least == most {
                format!("{most} positional argument{}", if most == 1 { "" } else { "s" })
            } else {
                format!("from {least} to {most} positional arguments")
            };
            let given = positional.len() + offset;
            let verb = if given == 1 { "was" } else { "were" };
            return Err(faults::type_error(&format!("{name}() takes {takes} but {given} {verb} given")));
        }
        let mut values = BTreeMap::new();
        for (parameter, value) in signature.parameters.iter().zip(positional) {
            values.insert(*parameter, value);
        }
        for (key, value) in keywords {
            let parameter =
                signature.parameters.iter().chain(signature.keyword_only).find(|parameter| **parameter == key);
            let Some(parameter) = parameter else {
                return Err(faults::type_error(&format!("{name}() got an unexpected keyword argument '{key}'")));
            };
            if values.insert(*parameter, value).is_some() {
                return Err(faults::type_error(&format!("{name}() got multiple values for argument '{key}'")));
            }
        }
        let missing: Vec<String> = signature.parameters[..signature.required]
            .iter()
            .filter(|parameter| !values.contains_key(*parameter))
            .map(|parameter| format!("'{parameter}'"))
            .collect();
        if !missing.is_empty() {
            let listed = match missing.as_slice() {
                [one] => one.clone(),
                [first @ .., last] => format!("{} and {last}", first.join(", ")),
                [] => String::new(),
            };
            let plural = if missing.len() == 1 { "argument" } else { "arguments" };
            return Err(faults::type_error(&format!(
                "{name}() missing {} required positional {plural}: {listed}",
                missing.len()
            )));
        }
        Ok(Arguments { values })
    }

    /// The argument bound to `parameter`, if given.
    pub fn get(&self, parameter: &str) -> Option<&XmlRpcValue> {
        self.values.get(parameter)
    }

    /// The argument bound to `parameter`, unless absent, `False` or `None` (Python's falsy
    /// "not given" values for optional parameters).
    pub fn given(&self, parameter: &str) -> Option<&XmlRpcValue> {
        self.get(parameter).filter(|value| !matches!(value, XmlRpcValue::Bool(false) | XmlRpcValue::Nil))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEARCH: Signature = Signature {
        name: "search",
        parameters: &["domain", "offset", "limit", "order"],
        required: 1,
        keyword_only: &[],
        bound: true,
    };

    fn message(fault: Fault) -> String {
        fault.string.lines().last().unwrap_or_default().to_owned()
    }

    #[test]
    fn arity_errors_read_like_python() {
        let int = XmlRpcValue::Int(1);
        let too_many = Arguments::bind(&SEARCH, vec![int.clone(); 5], Vec::new()).unwrap_err();
        assert_eq!(message(too_many), "TypeError: search() takes from 2 to 5 positional arguments but 6 were given");
        let missing = Arguments::bind(&SEARCH, Vec::new(), Vec::new()).unwrap_err();
        assert_eq!(message(missing), "TypeError: search() missing 1 required positional argument: 'domain'");
        let unexpected =
            Arguments::bind(&SEARCH, vec![int.clone()], vec![("foo".to_owned(), int.clone())]).unwrap_err();
        assert_eq!(message(unexpected), "TypeError: search() got an unexpected keyword argument 'foo'");
        let twice = Arguments::bind(&SEARCH, vec![int.clone(), int.clone()], vec![("offset".to_owned(), int.clone())])
            .unwrap_err();
        assert_eq!(message(twice), "TypeError: search() got multiple values for argument 'offset'");
        let bound = Arguments::bind(&SEARCH, vec![int.clone()], vec![("limit".to_owned(), int)]).unwrap();
        assert_eq!(bound.get("limit"), Some(&XmlRpcValue::Int(1)));
        assert_eq!(bound.given("order"), None);
    }
}
