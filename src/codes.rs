//! The registry of diagnostic codes.
//!
//! Every diagnostic carries one of these codes. A code's name is stable across releases: never
//! rename or reuse one; retire it instead. `cutover explain CODE` prints the entry, and the test
//! suite checks that every code has a fixture under `tests/fixtures/` that produces it.

macro_rules! codes {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $name:literal {
            summary: $summary:literal,
            example: $example:literal,
            fix: $fix:literal $(,)?
        }
    )*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in registry order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable path-like name, e.g. `cutover::check::unknown_field`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => concat!("cutover::", $name)),* }
            }

            /// One sentence saying what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary),* }
            }

            /// A spec excerpt that produces the diagnostic.
            pub fn example(self) -> &'static str {
                match self { $(Code::$variant => $example),* }
            }

            /// How such a problem is usually fixed.
            pub fn fix(self) -> &'static str {
                match self { $(Code::$variant => $fix),* }
            }
        }
    };
}

impl Code {
    /// Find a code by its full name (`cutover::check::unknown_field`), its name without the
    /// `cutover::` prefix, or its last segment when that is unambiguous.
    pub fn from_name(name: &str) -> Option<Code> {
        let name = name.trim();
        let name = name.strip_prefix("cutover::").unwrap_or(name);
        if let Some(code) = Code::ALL.iter().find(|c| &c.name()["cutover::".len()..] == name) {
            return Some(*code);
        }
        let mut tail = Code::ALL.iter().filter(|c| c.name().rsplit("::").next() == Some(name));
        match (tail.next(), tail.next()) {
            (Some(code), None) => Some(*code),
            _ => None,
        }
    }

    /// The stage that reports this code (`spec`, `expr`, `check`, ...).
    pub fn stage(self) -> &'static str {
        self.name().split("::").nth(1).unwrap_or("")
    }

    /// The last segment of the name, used as the fixture file name.
    pub fn short_name(self) -> &'static str {
        self.name().rsplit("::").next().unwrap_or("")
    }
}

codes! {
    /// `objects: [a` (unterminated flow sequence)
    YamlSyntax = "spec::yaml_syntax" {
        summary: "The file is not valid YAML.",
        example: "objects:\n  contact: [from: res.partner\n",
        fix: "Fix the YAML at the marked position; quote values that start with `{`, `[`, `*`, `&` or `!`.",
    }
    /// The same key twice in one mapping.
    DuplicateKey = "spec::duplicate_key" {
        summary: "A mapping sets the same key twice; YAML loaders would silently keep only one.",
        example: "fields:\n  email: email\n  email: lower(email)\n",
        fix: "Remove one of the two entries.",
    }
    /// `form: res.partner` instead of `from:`.
    UnknownKey = "spec::unknown_key" {
        summary: "A key that the spec format does not know.",
        example: "objects:\n  contact:\n    form: res.partner\n",
        fix: "Use one of the keys listed in the help line; `cutover schema` prints the whole format.",
    }
    /// `batch: many` where a number is expected.
    WrongShape = "spec::wrong_shape" {
        summary: "A value has the wrong shape: a list where a mapping belongs, text where a number belongs.",
        example: "source:\n  driver: odoo\n  batch: many\n",
        fix: "Write the value in the shape named in the message.",
    }
    /// An object without `to:`.
    MissingKey = "spec::missing_key" {
        summary: "A required key is missing.",
        example: "objects:\n  contact:\n    from: res.partner\n",
        fix: "Add the key named in the message.",
    }
    /// `cutover: 7`.
    UnsupportedVersion = "spec::unsupported_version" {
        summary: "The spec declares a format version this build of cutover does not read.",
        example: "cutover: 7\n",
        fix: "Write `cutover: 1`, or upgrade cutover.",
    }
    /// `extends: base.yaml` where base.yaml does not exist.
    ReadFailed = "spec::read_failed" {
        summary: "A file named by the spec (a base spec or a schema lock) could not be read.",
        example: "extends: ./missing-base.yaml\n",
        fix: "Check the path; relative paths are resolved from the directory of the file that names them.",
    }
    /// a.yaml extends b.yaml which extends a.yaml.
    ExtendsCycle = "spec::extends_cycle" {
        summary: "Base specs extend each other in a cycle.",
        example: "# a.yaml\nextends: b.yaml\n# b.yaml\nextends: a.yaml\n",
        fix: "Remove one `extends:` so the chain ends in a base spec that extends nothing.",
    }
    /// `url: "${ODOO_URL"`.
    BadInterpolation = "spec::bad_interpolation" {
        summary: "A `${VAR}` reference is malformed.",
        example: "source:\n  url: \"${ODOO_URL\"\n",
        fix: "Write `${NAME}` with a name of letters, digits and underscores; write `$${` for a literal `${`.",
    }
    /// `${ODOO_API_KEY}` while that variable is not set.
    UnsetVariable = "spec::unset_variable" {
        summary: "The spec reads an environment variable that is not set now; commands that connect will fail.",
        example: "source:\n  api_key: \"${ODOO_API_KEY}\"\n",
        fix: "Export the variable before `run`, `discover` or `verify`; `validate` only warns.",
    }
    /// Tags, multiple documents or other YAML the spec format does not use.
    UnsupportedYaml = "spec::unsupported_yaml" {
        summary: "The file uses a YAML feature the spec format does not accept (tags, several documents, complex keys).",
        example: "objects: !!map\n  contact: {}\n",
        fix: "Write plain mappings, lists and scalars.",
    }
    /// `lower(email`.
    ExprSyntax = "expr::syntax" {
        summary: "An expression does not parse.",
        example: "fields:\n  email: lower(email\n",
        fix: "See grammar/README.md for the expression syntax.",
    }
    /// `name[0]`.
    IndexNotTable = "expr::index_not_table" {
        summary: "Only tables can be indexed (`tables.priority[priority]`).",
        example: "fields:\n  title: name[0]\n",
        fix: "Use a function such as `first(list)`, or a table lookup `tables.NAME[key]`.",
    }
    /// A schema lock that does not follow the lock format.
    InvalidLock = "check::invalid_lock" {
        summary: "A schema lock file does not follow the lock format.",
        example: "objects:\n  res.partner:\n    fields:\n      email: { type: str }\n",
        fix: "Regenerate the lock with `cutover discover`, or fix it by hand following the lock format in README.",
    }
    /// `driver: zendesk`.
    UnknownDriver = "check::unknown_driver" {
        summary: "The source or sink names a driver cutover does not have.",
        example: "source:\n  driver: zendesk\n",
        fix: "Use one of the drivers listed in the help line.",
    }
    /// An Odoo source without `url:`.
    MissingSetting = "check::missing_setting" {
        summary: "The driver needs a connection setting the spec does not give.",
        example: "source:\n  driver: odoo\n  schema: schemas/odoo.lock.yaml\n",
        fix: "Add the setting, usually as `${VAR}` so the value stays in the environment.",
    }
    /// `database:` on a TOPdesk source.
    SettingNotForDriver = "check::setting_not_for_driver" {
        summary: "A connection setting that the chosen driver does not use.",
        example: "source:\n  driver: topdesk\n  database: prod\n",
        fix: "Remove the setting.",
    }
    /// `attachment_max_mb: 0` on the sink.
    InvalidSetting = "check::invalid_setting" {
        summary: "A driver setting has a value the driver cannot work with.",
        example: "sink:\n  driver: intercom\n  token: \"${INTERCOM_TOKEN}\"\n  attachment_max_mb: 0\n",
        fix: "Give a value in the range the help line names.",
    }
    /// `from: res.partners`.
    UnknownSourceObject = "check::unknown_source_object" {
        summary: "`from:` names an object the source's schema lock does not have.",
        example: "objects:\n  contact:\n    from: res.partners\n    to: contact\n",
        fix: "Use the object's technical name from the source lock.",
    }
    /// `to: contacts`.
    UnknownDestinationObject = "check::unknown_destination_object" {
        summary: "`to:` names an object kind the destination does not have.",
        example: "objects:\n  contact:\n    from: res.partner\n    to: contacts\n",
        fix: "Use one of the destination kinds listed in the help line.",
    }
    /// `email: emial`.
    UnknownField = "check::unknown_field" {
        summary: "An expression reads a field the source object does not have.",
        example: "fields:\n  email: emial\n",
        fix: "Use a field from the source lock; the help line suggests the closest one.",
    }
    /// `emails: email` on a contact.
    UnknownDestinationField = "check::unknown_destination_field" {
        summary: "A mapping writes a destination field the destination object does not have.",
        example: "fields:\n  emails: email\n",
        fix: "Use a destination field of the object, or `custom_attributes.NAME` for a custom attribute.",
    }
    /// `partner_id.email.domain`: `email` is not a relation.
    NotARelation = "check::not_a_relation" {
        summary: "A path follows a field that is not a relation.",
        example: "fields:\n  domain: email.domain\n",
        fix: "Only relational fields (many2one, many2many, links) can be followed with `.`.",
    }
    /// `created_at: name`.
    TypeMismatch = "check::type_mismatch" {
        summary: "A value's type does not fit where it is used.",
        example: "fields:\n  created_at: name\n",
        fix: "Convert the value (see `cutover functions`) or map a field of the right type.",
    }
    /// `body: description` where description may be empty.
    NullableIntoRequired = "check::nullable_into_required" {
        summary: "A value that may be null flows into a destination field that is required.",
        example: "fields:\n  body: description\n",
        fix: "Give a fallback with `??`, or add a `flag:` rule for records where it is null.",
    }
    /// A conversation without `from:`.
    MissingRequiredField = "check::missing_required_field" {
        summary: "A required destination field is not mapped.",
        example: "objects:\n  conversation:\n    from: helpdesk.ticket\n    to: conversation\n    fields:\n      title: name\n",
        fix: "Map the field named in the message.",
    }
    /// A match over `priority` without an arm for "3".
    MatchNotExhaustive = "check::match_not_exhaustive" {
        summary: "A `match` misses values the schema lock lists for its subject.",
        example: "state: match priority { \"0\" => \"low\", \"1\" => \"normal\" }\n",
        fix: "Add an arm for each missing value, or a `_` arm.",
    }
    /// `tables.priority[priority]` where the table lacks "3".
    TableNotExhaustive = "check::table_not_exhaustive" {
        summary: "A table lookup misses keys for values the schema lock lists for its key.",
        example: "tables:\n  priority: { \"0\": low }\nfields:\n  custom_attributes.priority: tables.priority[priority]\n",
        fix: "Add the missing keys to the table, or give a fallback with `??`.",
    }
    /// A match arm "7" on a field whose values are "0".."3".
    UnknownEnumValue = "check::unknown_enum_value" {
        summary: "A match arm or table key names a value the schema lock does not list for the field.",
        example: "state: match priority { \"7\" => \"urgent\", _ => \"normal\" }\n",
        fix: "Use a value from the lock; the help line suggests the closest one.",
    }
    /// `tables.prio[priority]`.
    UnknownTable = "check::unknown_table" {
        summary: "An expression looks up a table the spec does not define.",
        example: "fields:\n  custom_attributes.priority: tables.prio[priority]\n",
        fix: "Define the table under `tables:` or fix the name.",
    }
    /// A table nobody looks up.
    UnusedTable = "check::unused_table" {
        summary: "A table is defined but no expression looks it up.",
        example: "tables:\n  old_priorities: { \"0\": low }\n",
        fix: "Remove the table, or use it.",
    }
    /// `lowercase(email)`.
    UnknownFunction = "check::unknown_function" {
        summary: "An expression calls a function that does not exist.",
        example: "fields:\n  email: lowercase(email)\n",
        fix: "`cutover functions` lists the built-in functions.",
    }
    /// `lower(email, name)`.
    WrongArity = "check::wrong_arity" {
        summary: "A function is called with the wrong number of arguments.",
        example: "fields:\n  email: lower(email, name)\n",
        fix: "Call it with the arguments its signature lists.",
    }
    /// `lower(create_date)`.
    ArgumentType = "check::argument_type" {
        summary: "A function argument has the wrong type.",
        example: "fields:\n  email: lower(create_date)\n",
        fix: "Convert the argument first, or pass a field of the expected type.",
    }
    /// `ref(customer, partner_id)` with no object `customer`.
    UnknownRefObject = "check::unknown_ref_object" {
        summary: "`ref(OBJECT, key)` names an object the spec does not define.",
        example: "fields:\n  from: ref(customer, partner_id)\n",
        fix: "Name an object defined under `objects:`.",
    }
    /// `from: ref(team, team_id)` where `from` needs a contact.
    RefWrongKind = "check::ref_wrong_kind" {
        summary: "A `ref` points at an object that maps to the wrong kind of destination record.",
        example: "fields:\n  from: ref(team, team_id)\n",
        fix: "Reference an object whose `to:` is the kind the destination field expects.",
    }
    /// conversation after part after conversation.
    DependencyCycle = "check::dependency_cycle" {
        summary: "Objects depend on each other in a cycle, so no order can migrate them.",
        example: "objects:\n  a: { after: [b] }\n  b: { after: [a] }\n",
        fix: "Remove one of the dependencies; a `ref` back to a later object can often become a second object.",
    }
    /// `email:` mapped twice, once through `each:`.
    DuplicateDestinationField = "check::duplicate_destination_field" {
        summary: "Two mappings write the same destination field.",
        example: "fields:\n  title: name\neach:\n  - fields: \"x_*\"\n    to: \"{name}\"\n",
        fix: "Keep one mapping per destination field; combine values with `??` or `if`.",
    }
    /// `custom_attributes.tier` as a number while the workspace has `tier` as text.
    AttributeTypeConflict = "check::attribute_type_conflict" {
        summary: "A custom attribute's type conflicts with the attribute that already exists in the workspace.",
        example: "fields:\n  custom_attributes.tier: priority_level\n",
        fix: "Convert the value to the existing attribute's type, or map to a new attribute name.",
    }
    /// `custom_attributes.archived` on a contact and on a company.
    AttributeNameTaken = "check::attribute_name_taken" {
        summary: "A new contact attribute has the name of a company attribute, or the other way round; Intercom refuses it.",
        example: "company:\n  fields:\n    custom_attributes.archived: active\ncontact:\n  fields:\n    custom_attributes.archived: active\n",
        fix: "Give one of the two attributes another name.",
    }
    /// `each` over a binary field into an attribute.
    EachUnmappableType = "check::each_unmappable_type" {
        summary: "An `each:` expansion matches a source field whose type has no destination attribute type.",
        example: "each:\n  - fields: \"x_studio_*\"\n    to: \"custom_attributes.{name}\"\n",
        fix: "Narrow the pattern, add the field to `except:`, or map it by hand with a conversion.",
    }
    /// `each` whose pattern matches no field.
    EachMatchesNothing = "check::each_matches_nothing" {
        summary: "An `each:` pattern matches no field of the source object.",
        example: "each:\n  - fields: \"x_studoi_*\"\n    to: \"custom_attributes.{name}\"\n",
        fix: "Fix the pattern, or remove the rule.",
    }
    /// `parent: conversation via res_idd`.
    UnknownParent = "check::unknown_parent" {
        summary: "`parent:` names an object that is not in the spec, or a link field the source object lacks.",
        example: "parent: conversations via res_id\n",
        fix: "Write `parent: OBJECT via FIELD` with an object from `objects:` and a field of this object's source.",
    }
    /// A `match` whose arms are not all the same type.
    ArmTypeMismatch = "check::arm_type_mismatch" {
        summary: "The branches of an `if` or the arms of a `match` give values of different types.",
        example: "state: if stage_id.is_close then \"closed\" else 0\n",
        fix: "Make every branch give the same type.",
    }
    /// `regex_match(name, "[")`, `parse_datetime(x, "%Y", "Europe/Berlni")`.
    InvalidArgument = "check::invalid_argument" {
        summary: "A function's constant setting is invalid: a regular expression that does not compile, an unknown time zone.",
        example: "fields:\n  created_at: parse_datetime(date, \"%Y-%m-%d %H:%M\", \"Europe/Berlni\")\n",
        fix: "Fix the constant; the help line says what is wrong.",
    }
    /// `after: [contacts]`.
    UnknownObject = "check::unknown_object" {
        summary: "A name that should be an object of this spec is not one.",
        example: "after: [contacts]\n",
        fix: "Use a name from `objects:`.",
    }
    /// `if stage_id.fold then "closed" else "open"` against an Odoo 13–15 lock (which has `is_close`).
    CloseFlag = "check::close_flag" {
        summary: "The spec decides whether a ticket is closed with a stage flag that does not mean closed on this Odoo version.",
        example: "state: if stage_id.fold then \"closed\" else \"open\"\n",
        fix: "Up to Odoo 15 a stage closes tickets when `is_close` is set (`fold` only folds the kanban column): use `stage_id.is_close`. From 16 on `is_close` is gone and `fold` is the closing flag.",
    }
    /// A `proposed:` entry or a `decide:` entry left in a draft written by `cutover propose`.
    UnconfirmedProposal = "check::unconfirmed_proposal" {
        summary: "A guess of `cutover propose` (under `proposed:`) or a decision it left open (under `decide:`) has not been confirmed by a person; `run` refuses to start while any remains.",
        example: "objects:\n  conversation:\n    from: helpdesk.ticket\n    to: conversation\n    proposed:\n      title: name   # 0.92: label Subject ~ title\n",
        fix: "Review the guess and its reasons: move a right one to `fields:` (the diff shows the confirmation), change or delete a wrong one. For a `decide:` entry, map the field in `fields:`, list it in `inventory:`, or delete the entry to drop it.",
    }
    /// `match: lower(email)` on an object that is not matched only.
    InvalidObjectRule = "check::invalid_object_rule" {
        summary: "An object combines rules that do not go together, or uses one its destination does not allow.",
        example: "objects:\n  admin:\n    from: res.users\n    to: admin\n    fields:\n      name: name\n",
        fix: "Admins and teams can only be matched (`match:`), never created; remove `fields:` or change `to:`.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_resolvable() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.name()), "duplicate code name {}", code.name());
            assert_eq!(Code::from_name(code.name()), Some(*code));
            assert!(code.summary().ends_with('.'), "{} summary must be a sentence", code.name());
        }
        assert_eq!(Code::from_name("check::unknown_field"), Some(Code::UnknownField));
        assert_eq!(Code::from_name("unknown_field"), Some(Code::UnknownField));
        assert_eq!(Code::from_name("no_such_code"), None);
    }
}
