//! The custom object types a plan writes instances of, for the preflight.
//!
//! Intercom custom object types (and their attributes) are defined in the workspace's settings;
//! no API creates them. A run that wrote the first hundred instances of a type and then met one
//! the workspace lacks would stop half done, so the runner asks the destination about every type
//! before anything is written, and refuses to start while one is missing, naming each with the
//! attributes the spec gives it, so whoever defines it knows what to add.
//!
//! Only a constant `type:` (`type: "'Change'"`) is known before the records are read; an
//! instance whose type is computed per record is refused on its own when its type is missing.

use crate::plan::Plan;
use crate::plan::compiled::Op;
use crate::run::value::Value;

/// A custom object type the plan writes instances of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectTypeNeed {
    /// The type's identifier (`Change`).
    pub identifier: String,
    /// The spec's objects that write it.
    pub objects: Vec<String>,
    /// The custom attributes they write (without `custom_attributes.`), sorted.
    pub attributes: Vec<String>,
}

/// The custom object types the objects `selected` (plan indexes) write, in order of first use,
/// as far as their `type:` is a constant.
pub fn object_types_needed(plan: &Plan, selected: &[usize]) -> Vec<ObjectTypeNeed> {
    let mut needs: Vec<ObjectTypeNeed> = Vec::new();
    for &index in selected {
        let object = &plan.objects[index];
        if object.destination != "custom_object_instance" {
            continue;
        }
        let identifier =
            object.outputs.iter().find(|output| output.field == "type").and_then(|output| match &output.op {
                Op::Const(Value::Text(text)) => Some(text.to_string()),
                _ => None,
            });
        let Some(identifier) = identifier else { continue };
        let position = match needs.iter().position(|need| need.identifier == identifier) {
            Some(position) => position,
            None => {
                needs.push(ObjectTypeNeed { identifier, objects: Vec::new(), attributes: Vec::new() });
                needs.len() - 1
            }
        };
        let need = &mut needs[position];
        need.objects.push(object.name.to_string());
        for output in &object.outputs {
            if let Some(name) = output.field.strip_prefix("custom_attributes.")
                && !need.attributes.iter().any(|known| known == name)
            {
                need.attributes.push(name.to_owned());
            }
        }
        need.attributes.sort();
    }
    needs
}

/// One line per type for a checklist or an error: `Change` (objects `change`; attributes
/// `number`, `status`).
pub fn describe(need: &ObjectTypeNeed) -> String {
    let quoted = |names: &[String]| names.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ");
    let attributes = if need.attributes.is_empty() {
        "no custom attributes".to_owned()
    } else {
        format!("attributes {}", quoted(&need.attributes))
    };
    let objects = if need.objects.len() == 1 { "object" } else { "objects" };
    format!("`{}` (written by {objects} {}; {attributes})", need.identifier, quoted(&need.objects))
}
