//! The objects the OTRS driver offers a spec, built from the tables the database really has.
//!
//! An object is a table with the columns found in `information_schema`, typed by their SQL type
//! and by what OTRS stores in them, plus fields the driver assembles so a spec can say what it
//! means without joining tables itself:
//!
//! - `article` carries its headers and plain body from `article_data_mime` (`a_from`, `a_subject`,
//!   `a_body`, …), the HTML body (`body_html`, the `file-1`/`file-2` text/html part stored as an
//!   attachment) and its files (`attachment_ids`, from the database or the article directory);
//! - `users` carries `email` (the `UserEmail` preference, else a login that is an address) and
//!   `language`;
//! - `ticket`, `article`, `customer_user` and `customer_company` carry one
//!   `DynamicField_<Name>` per dynamic field of their object type, typed by the field type
//!   (multiselect as a list, dropdown keys with their labels);
//! - `customer_user` is keyed by `login` and `customer_company` by `customer_id`, the strings
//!   tickets hold, so `ticket.customer_user_id` and `ticket.customer_id` are relations;
//! - epoch-second columns (`until_time`, `escalation_*`, `incoming_time`) read as date-times, 0
//!   as empty; 1/0 flags (`is_visible_for_customer`, `archive_flag`) as booleans;
//! - `text_issues` lists, per record, text that OTRS stored damaged (4-byte characters replaced
//!   by U+FFFD) or that the driver repaired (UTF-8 stored twice through latin1).
//!
//! Password columns are never offered.

use std::collections::BTreeMap;

use crate::check::schema::{EnumValue, FieldSchema, FieldType};

/// How a column's stored value becomes a field value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conv {
    /// An integer (or an id).
    Int,
    /// A decimal number.
    Float,
    /// Text (bytes read as UTF-8).
    Text,
    /// 1/0 as true/false.
    Bool,
    /// A naive date-time in OTRS's time zone.
    Datetime,
    /// Epoch seconds, 0 meaning none.
    Epoch,
    /// File content: base64 text on PostgreSQL, bytes on MySQL; offered as base64.
    Binary,
}

/// What a dynamic field is.
#[derive(Clone, Debug, PartialEq)]
pub struct DynamicField {
    /// `dynamic_field.id`.
    pub id: i64,
    /// Its name (the field is `DynamicField_<name>`).
    pub name: String,
    /// Its label.
    pub label: String,
    /// `Text`, `Dropdown`, `Multiselect`, `Date`, …
    pub field_type: String,
    /// `Ticket`, `Article`, `CustomerUser`, `CustomerCompany`.
    pub object_type: String,
    /// Dropdown/multiselect keys with their display values, in the configuration's order.
    pub options: Vec<(String, String)>,
    /// Whether the field is valid (in use).
    pub valid: bool,
    /// A system field (process management).
    pub internal: bool,
}

impl DynamicField {
    /// The field's name on its object.
    pub fn field_name(&self) -> String {
        format!("DynamicField_{}", self.name)
    }

    /// Whether a record may hold several values (several rows).
    pub fn many(&self) -> bool {
        self.field_type.contains("Multiselect")
    }

    /// The lock type.
    pub fn lock_type(&self) -> FieldType {
        match self.field_type.as_str() {
            "Checkbox" => FieldType::Bool,
            "Date" => FieldType::Date,
            "DateTime" => FieldType::Datetime,
            t if t.contains("Dropdown") || t.contains("Multiselect") => FieldType::Enum,
            _ => FieldType::Text,
        }
    }
}

/// Fields the driver computes per batch of records.
#[derive(Clone, Debug, PartialEq)]
pub enum Virtual {
    /// `article.body_html`.
    BodyHtml,
    /// `article.attachment_ids`.
    AttachmentIds,
    /// `users.email`.
    Email,
    /// `users.language`.
    Language,
    /// A dynamic field's value(s).
    Dynamic(DynamicField),
    /// Damaged or repaired text of this record.
    TextIssues,
    /// `customer_company.config_items`: the CMDB items that belong to the company.
    ConfigItems,
    /// `queue.parent_id`, `service.parent_id`: the record named by the name before the last `::`.
    Parent,
    /// `queue.top_id`, `service.top_id`: the record named by the name before the first `::`.
    Top,
    /// `service.sla_ids`: the SLAs the service offers (`service_sla`).
    ServiceSlas,
    /// `article.chat`: the lines of a chat article (`article_data_otrs_chat`).
    Chat,
    /// `ticket.parent_ticket_id`: the ticket a valid ParentChild link makes this one's parent
    /// (for a merged ticket, the ticket it was merged into).
    ParentTicket,
}

/// Where a field's value comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// An SQL expression over the object's table (alias `t`) or the article's headers (`m`).
    Sql(String, Conv),
    /// Computed by the driver.
    Virtual(Virtual),
}

/// One field of an object.
#[derive(Clone, Debug)]
pub struct Field {
    /// The name a spec uses.
    pub name: String,
    /// Where it comes from.
    pub origin: Origin,
    /// How it reads in the lock.
    pub schema: FieldSchema,
}

/// One object: a table and its fields.
#[derive(Clone, Debug)]
pub struct Object {
    /// The name a spec uses (`ticket`, `permission_groups`).
    pub name: String,
    /// The table read (`groups` for `permission_groups` on OTRS 6).
    pub table: String,
    /// The key column (`id`, `login`, `customer_id`).
    pub key: String,
    /// Whether the key is text.
    pub text_key: bool,
    /// Label for the lock.
    pub label: String,
    /// Fields by name.
    pub fields: BTreeMap<String, Field>,
}

impl Object {
    /// The SQL expression of the key.
    pub fn key_sql(&self) -> String {
        format!("t.{}", self.key)
    }
}

/// What an object is made of before the database is asked which columns exist.
struct Blueprint {
    name: &'static str,
    tables: &'static [&'static str],
    key: &'static str,
    label: &'static str,
    relations: &'static [(&'static str, &'static str)],
}

const AUDIT: [(&str, &str); 3] = [("create_by", "users"), ("change_by", "users"), ("valid_id", "valid")];

const BLUEPRINTS: &[Blueprint] = &[
    Blueprint {
        name: "ticket",
        tables: &["ticket"],
        key: "id",
        label: "Ticket",
        relations: &[
            ("queue_id", "queue"),
            ("ticket_lock_id", "ticket_lock_type"),
            ("type_id", "ticket_type"),
            ("service_id", "service"),
            ("sla_id", "sla"),
            ("user_id", "users"),
            ("responsible_user_id", "users"),
            ("ticket_priority_id", "ticket_priority"),
            ("ticket_state_id", "ticket_state"),
            ("customer_user_id", "customer_user"),
            ("customer_id", "customer_company"),
        ],
    },
    Blueprint {
        name: "article",
        tables: &["article"],
        key: "id",
        label: "Article (message or note) with its headers, plain and HTML body and files",
        relations: &[
            ("ticket_id", "ticket"),
            ("article_sender_type_id", "article_sender_type"),
            ("communication_channel_id", "communication_channel"),
        ],
    },
    Blueprint {
        name: "article_data_mime_attachment",
        tables: &["article_data_mime_attachment"],
        key: "id",
        label: "Article file (from the database or the article directory)",
        relations: &[("article_id", "article")],
    },
    Blueprint { name: "users", tables: &["users"], key: "id", label: "Agent", relations: &[] },
    Blueprint {
        name: "customer_user",
        tables: &["customer_user"],
        key: "login",
        label: "Customer user (keyed by login: tickets hold the login)",
        relations: &[("customer_id", "customer_company")],
    },
    Blueprint {
        name: "customer_company",
        tables: &["customer_company"],
        key: "customer_id",
        label: "Customer company (keyed by customer_id)",
        relations: &[],
    },
    Blueprint {
        name: "queue",
        tables: &["queue"],
        key: "id",
        label: "Queue (`::` separates parent and child)",
        relations: &[("group_id", "permission_groups"), ("system_address_id", "system_address")],
    },
    Blueprint {
        name: "ticket_state",
        tables: &["ticket_state"],
        key: "id",
        label: "Ticket state (classify by its type, not its name)",
        relations: &[("type_id", "ticket_state_type")],
    },
    Blueprint {
        name: "ticket_state_type",
        tables: &["ticket_state_type"],
        key: "id",
        label: "Ticket state type",
        relations: &[],
    },
    Blueprint {
        name: "ticket_priority",
        tables: &["ticket_priority"],
        key: "id",
        label: "Ticket priority",
        relations: &[],
    },
    Blueprint { name: "ticket_type", tables: &["ticket_type"], key: "id", label: "Ticket type", relations: &[] },
    Blueprint {
        name: "ticket_lock_type",
        tables: &["ticket_lock_type"],
        key: "id",
        label: "Ticket lock",
        relations: &[],
    },
    Blueprint {
        name: "article_sender_type",
        tables: &["article_sender_type"],
        key: "id",
        label: "Article sender type",
        relations: &[],
    },
    Blueprint {
        name: "communication_channel",
        tables: &["communication_channel"],
        key: "id",
        label: "Communication channel",
        relations: &[],
    },
    Blueprint {
        name: "service",
        tables: &["service"],
        key: "id",
        label: "Service (`::` separates parent and child)",
        relations: &[],
    },
    Blueprint { name: "sla", tables: &["sla"], key: "id", label: "SLA (times in minutes)", relations: &[] },
    Blueprint { name: "valid", tables: &["valid"], key: "id", label: "Validity (1 valid)", relations: &[] },
    Blueprint {
        name: "permission_groups",
        tables: &["permission_groups", "groups", "groups_table"],
        key: "id",
        label: "Group",
        relations: &[],
    },
    Blueprint {
        name: "system_address",
        tables: &["system_address"],
        key: "id",
        label: "System address (value0 is the address, value1 the name)",
        relations: &[("queue_id", "queue")],
    },
    Blueprint { name: "roles", tables: &["roles"], key: "id", label: "Role", relations: &[] },
    Blueprint {
        name: "dynamic_field",
        tables: &["dynamic_field"],
        key: "id",
        label: "Dynamic field definition",
        relations: &[],
    },
    Blueprint {
        name: "ticket_history",
        tables: &["ticket_history"],
        key: "id",
        label: "Ticket history (a snapshot per event)",
        relations: &[
            ("history_type_id", "ticket_history_type"),
            ("ticket_id", "ticket"),
            ("article_id", "article"),
            ("type_id", "ticket_type"),
            ("queue_id", "queue"),
            ("owner_id", "users"),
            ("priority_id", "ticket_priority"),
            ("state_id", "ticket_state"),
        ],
    },
    Blueprint {
        name: "ticket_history_type",
        tables: &["ticket_history_type"],
        key: "id",
        label: "History type",
        relations: &[],
    },
];

/// Columns never offered (password hashes).
const SECRET_COLUMNS: [&str; 2] = ["pw", "password"];

/// Integer columns holding epoch seconds.
const EPOCH_COLUMNS: [&str; 7] = [
    "until_time",
    "timeout",
    "escalation_time",
    "escalation_update_time",
    "escalation_response_time",
    "escalation_solution_time",
    "incoming_time",
];

/// 1/0 columns read as booleans.
const FLAG_COLUMNS: [&str; 3] = ["is_visible_for_customer", "archive_flag", "internal_field"];

/// The `article_data_mime` columns folded into `article`.
pub const MIME_COLUMNS: [&str; 13] = [
    "a_from",
    "a_reply_to",
    "a_to",
    "a_cc",
    "a_bcc",
    "a_subject",
    "a_message_id",
    "a_in_reply_to",
    "a_references",
    "a_content_type",
    "a_body",
    "incoming_time",
    "content_path",
];

/// One column as `information_schema` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnInfo {
    /// Its name, lower-cased.
    pub name: String,
    /// Its SQL data type (`bigint`, `character varying`, `longblob`).
    pub data_type: String,
    /// Whether it may hold NULL.
    pub nullable: bool,
}

/// Columns per table, in order.
pub type Columns = BTreeMap<String, Vec<ColumnInfo>>;

/// How a column of SQL type `data_type` reads.
fn conv_of(table: &str, column: &str, data_type: &str) -> Conv {
    let t = data_type.to_ascii_lowercase();
    if (table == "article_data_mime_attachment" && column == "content")
        || (table == "article_data_mime_plain" && column == "body")
    {
        return Conv::Binary;
    }
    if EPOCH_COLUMNS.contains(&column) && t.contains("int") {
        return Conv::Epoch;
    }
    if FLAG_COLUMNS.contains(&column) {
        return Conv::Bool;
    }
    if column == "content_size" {
        return Conv::Int;
    }
    if t.contains("int") || t == "serial" || t == "bigserial" {
        Conv::Int
    } else if t.contains("timestamp") || t.contains("datetime") || t == "date" {
        Conv::Datetime
    } else if t.contains("numeric")
        || t.contains("decimal")
        || t.contains("double")
        || t.contains("float")
        || t == "real"
    {
        Conv::Float
    } else {
        Conv::Text
    }
}

fn lock_type(conv: Conv) -> FieldType {
    match conv {
        Conv::Int => FieldType::Int,
        Conv::Float => FieldType::Float,
        Conv::Text => FieldType::Text,
        Conv::Bool => FieldType::Bool,
        Conv::Datetime | Conv::Epoch => FieldType::Datetime,
        Conv::Binary => FieldType::Binary,
    }
}

fn note_of(column: &str, conv: Conv) -> Option<String> {
    match conv {
        Conv::Epoch => Some("Epoch seconds in the database; 0 reads as empty".to_owned()),
        Conv::Datetime => Some("Stored without a zone; read in OTRSTimeZone".to_owned()),
        Conv::Binary => Some("Base64 of the bytes (raw on MySQL, base64 text on PostgreSQL)".to_owned()),
        _ if column == "a_body" => Some("Plain text; the HTML original is `body_html`".to_owned()),
        _ => None,
    }
}

fn humanize(column: &str) -> String {
    let text = column.trim_end_matches("_id").replace('_', " ");
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

fn field(name: &str, origin: Origin, schema: FieldSchema) -> (String, Field) {
    (name.to_owned(), Field { name: name.to_owned(), origin, schema })
}

fn virtual_field(name: &str, what: Virtual, field_type: FieldType, label: &str, note: &str) -> (String, Field) {
    let schema = FieldSchema {
        field_type,
        label: Some(label.to_owned()),
        note: Some(note.to_owned()),
        ..FieldSchema::default()
    };
    field(name, Origin::Virtual(what), schema)
}

/// Build the objects from the tables found and the dynamic fields defined.
pub fn build(columns: &Columns, dynamic: &[DynamicField]) -> BTreeMap<String, Object> {
    let mut objects = BTreeMap::new();
    let offered: Vec<(&Blueprint, &str)> = BLUEPRINTS
        .iter()
        .filter_map(|b| b.tables.iter().find(|t| columns.contains_key(**t)).map(|t| (b, *t)))
        .collect();
    let offered_names: Vec<&str> = offered.iter().map(|(b, _)| b.name).collect();
    for (blueprint, table) in &offered {
        let mut fields = BTreeMap::new();
        let relation_of = |column: &str| {
            blueprint
                .relations
                .iter()
                .chain(AUDIT.iter())
                .find(|(c, _)| *c == column)
                .map(|(_, target)| *target)
                .filter(|target| offered_names.contains(target))
        };
        for ColumnInfo { name: column, data_type, nullable } in &columns[*table] {
            if SECRET_COLUMNS.contains(&column.as_str()) {
                continue;
            }
            let conv = conv_of(table, column, data_type);
            let mut schema = FieldSchema {
                field_type: lock_type(conv),
                label: Some(humanize(column)),
                note: note_of(column, conv),
                // NOT NULL columns always hold a value, except epoch seconds (0 reads as empty) and
                // text keys of other records ('' reads as no reference).
                required: !(*nullable
                    || matches!(conv, Conv::Epoch | Conv::Binary)
                    || (conv == Conv::Text && relation_of(column).is_some())),
                ..FieldSchema::default()
            };
            if let Some(target) = relation_of(column) {
                schema.field_type = FieldType::Relation;
                schema.target = Some(target.to_owned());
            }
            let origin = Origin::Sql(format!("t.{column}"), conv);
            // The key reads as `id` too, so every object has one.
            if *column == blueprint.key && blueprint.key != "id" {
                let id_schema = FieldSchema {
                    field_type: FieldType::Text,
                    label: Some(format!("ID (the {column})")),
                    required: true,
                    ..FieldSchema::default()
                };
                fields.extend([field("id", origin.clone(), id_schema)]);
            }
            if column == "id" && blueprint.key != "id" {
                // The surrogate number of a table keyed by a string: not what tickets refer to.
                let renamed = FieldSchema { label: Some("Row number".to_owned()), ..schema };
                fields.extend([field("row_id", origin, renamed)]);
                continue;
            }
            if column == "id" || *column == blueprint.key {
                schema.required = true;
            }
            fields.extend([field(column, origin, schema)]);
        }
        match blueprint.name {
            "article" => add_article_fields(&mut fields, columns),
            "users" => {
                fields.extend([
                    virtual_field(
                        "email",
                        Virtual::Email,
                        FieldType::Text,
                        "E-mail",
                        "The UserEmail preference; else the login when it is an address",
                    ),
                    virtual_field(
                        "language",
                        Virtual::Language,
                        FieldType::Text,
                        "Language",
                        "The UserLanguage preference",
                    ),
                ]);
            }
            "article_data_mime_attachment" => add_attachment_fields(&mut fields),
            "queue" | "service" => {
                let what = if blueprint.name == "queue" { "queue" } else { "service" };
                for (name, origin, label, note) in [
                    (
                        "parent_id",
                        Virtual::Parent,
                        "Parent",
                        format!("The {what} whose name is this one's up to the last `::`"),
                    ),
                    (
                        "top_id",
                        Virtual::Top,
                        "Top level",
                        format!("The {what} whose name is this one's up to the first `::` (itself at the top)"),
                    ),
                ] {
                    let mut relation = virtual_field(name, origin, FieldType::Relation, label, &note);
                    relation.1.schema.target = Some(blueprint.name.to_owned());
                    fields.extend([relation]);
                }
                if blueprint.name == "service" && columns.contains_key("service_sla") && offered_names.contains(&"sla")
                {
                    let mut slas = virtual_field(
                        "sla_ids",
                        Virtual::ServiceSlas,
                        FieldType::Relation,
                        "SLAs",
                        "The SLAs this service offers (service_sla)",
                    );
                    slas.1.schema.target = Some("sla".to_owned());
                    slas.1.schema.many = true;
                    fields.extend([slas]);
                }
            }
            "customer_company" if columns.contains_key("configitem") && columns.contains_key("xml_storage") => {
                let mut items = virtual_field(
                    "config_items",
                    Virtual::ConfigItems,
                    FieldType::Text,
                    "Configuration items",
                    "CMDB items whose current version names this company (`NUMBER NAME (CLASS)`)",
                );
                items.1.schema.many = true;
                fields.extend([items]);
            }
            _ => {}
        }
        if blueprint.name == "ticket"
            && ["link_relation", "link_object", "link_type"].iter().all(|t| columns.contains_key(*t))
        {
            let mut parent = virtual_field(
                "parent_ticket_id",
                Virtual::ParentTicket,
                FieldType::Relation,
                "Parent ticket",
                "The parent by a valid ParentChild link: for a merged ticket, the ticket it was merged into",
            );
            parent.1.schema.target = Some("ticket".to_owned());
            fields.extend([parent]);
        }
        if let Some(object_type) = dynamic_object_type(blueprint.name) {
            for df in dynamic.iter().filter(|df| df.object_type == object_type) {
                fields.extend([dynamic_field(df)]);
            }
        }
        if matches!(blueprint.name, "ticket" | "article" | "customer_user" | "customer_company" | "users") {
            fields.extend([virtual_field(
                "text_issues",
                Virtual::TextIssues,
                FieldType::Text,
                "Text issues",
                "Fields of this record whose text OTRS stored damaged (4-byte characters replaced by U+FFFD) or \
                 stored twice encoded (repaired); empty when clean",
            )]);
        }
        let object = Object {
            name: blueprint.name.to_owned(),
            table: (*table).to_owned(),
            key: blueprint.key.to_owned(),
            text_key: blueprint.key != "id" || blueprint.name == "article_data_mime_attachment",
            label: blueprint.label.to_owned(),
            fields,
        };
        objects.insert(blueprint.name.to_owned(), object);
    }
    objects
}

/// The dynamic field object type of an object.
pub fn dynamic_object_type(object: &str) -> Option<&'static str> {
    match object {
        "ticket" => Some("Ticket"),
        "article" => Some("Article"),
        "customer_user" => Some("CustomerUser"),
        "customer_company" => Some("CustomerCompany"),
        _ => None,
    }
}

/// The object a dynamic field object type belongs to.
pub fn dynamic_object_type_object(object_type: &str) -> Option<&'static str> {
    match object_type {
        "Ticket" => Some("ticket"),
        "Article" => Some("article"),
        "CustomerUser" => Some("customer_user"),
        "CustomerCompany" => Some("customer_company"),
        _ => None,
    }
}

fn dynamic_field(df: &DynamicField) -> (String, Field) {
    let mut note = format!("Dynamic field ({})", df.field_type);
    if !df.valid {
        note.push_str("; invalid in OTRS, its values are still read");
    }
    if df.internal {
        note.push_str("; a system field");
    }
    let schema = FieldSchema {
        field_type: df.lock_type(),
        label: Some(df.label.clone()),
        many: df.many(),
        custom: !df.internal,
        values: df
            .options
            .iter()
            .map(|(key, label)| EnumValue {
                value: key.clone(),
                label: (label != key).then(|| label.clone()),
                count: None,
            })
            .collect(),
        note: Some(note),
        ..FieldSchema::default()
    };
    field(&df.field_name(), Origin::Virtual(Virtual::Dynamic(df.clone())), schema)
}

fn add_article_fields(fields: &mut BTreeMap<String, Field>, columns: &Columns) {
    if columns.contains_key("article_data_otrs_chat") {
        fields.extend([virtual_field(
            "chat",
            Virtual::Chat,
            FieldType::Text,
            "Chat transcript",
            "A chat article's lines, `HH:MM:SS name: message` in time order; empty for other articles",
        )]);
    }
    if let Some(mime) = columns.get("article_data_mime") {
        for ColumnInfo { name: column, data_type, .. } in mime {
            if !MIME_COLUMNS.contains(&column.as_str()) {
                continue;
            }
            let conv = conv_of("article_data_mime", column, data_type);
            let schema = FieldSchema {
                field_type: lock_type(conv),
                label: Some(humanize(column.trim_start_matches("a_"))),
                note: note_of(column, conv),
                ..FieldSchema::default()
            };
            fields.insert(
                column.clone(),
                Field { name: column.clone(), origin: Origin::Sql(format!("m.{column}"), conv), schema },
            );
        }
    }
    fields.extend([
        virtual_field(
            "body_html",
            Virtual::BodyHtml,
            FieldType::Html,
            "HTML body",
            "The text/html part OTRS keeps as the attachment file-1/file-2; empty for plain-text articles",
        ),
        (
            "attachment_ids".to_owned(),
            Field {
                name: "attachment_ids".to_owned(),
                origin: Origin::Virtual(Virtual::AttachmentIds),
                schema: FieldSchema {
                    field_type: FieldType::Relation,
                    many: true,
                    target: Some("article_data_mime_attachment".to_owned()),
                    label: Some("Files".to_owned()),
                    note: Some(
                        "Files of the article from the database, else from the article directory; the HTML body \
                         and the plain body part are not files"
                            .to_owned(),
                    ),
                    ..FieldSchema::default()
                },
            },
        ),
    ]);
}

fn add_attachment_fields(fields: &mut BTreeMap<String, Field>) {
    if let Some(id) = fields.get_mut("id") {
        id.schema.field_type = FieldType::Text;
        id.schema.note = Some("The row id, or ARTICLE/FILENAME for a file in the article directory".to_owned());
    }
    let schema = FieldSchema {
        field_type: FieldType::Text,
        label: Some("Storage".to_owned()),
        note: Some("`database` or `file system`".to_owned()),
        ..FieldSchema::default()
    };
    fields.extend([field("storage", Origin::Sql("'database'".to_owned(), Conv::Text), schema)]);
}
