//! OTRS 6 / Znuny 7: database tables, one file per table, columns as in the schema.
//!
//! Ids: user 1 is `root@localhost`, agent `i` is user `2 + i`; customer `j` is `customer_user`
//! `j + 1` and its company is `customer_company` `j / 10 + 1`; ticket `index` is ticket
//! `index + 1`. Seed rows (states, state types, priorities, sender types, channels, valid) keep
//! the ids of a fresh install; custom states follow them. Times are naive, in `OTRSTimeZone`
//! (UTC). Epoch-second columns (`until_time`, `escalation_*`, `incoming_time`) are integers.
//! Attachment content is base64, as PostgreSQL stores it. Text that a utf8mb3 MySQL database
//! cannot hold (four-byte characters) is stored as U+FFFD in columns; attachments keep the bytes.
//! A merged ticket's articles carry the id of the ticket it was merged into, so article ids of
//! one ticket need not be contiguous. The administration tables (roles, system addresses, process
//! management, stats, CMDB) are written by the `admin` submodule.

use std::borrow::Cow;
use std::io;
use std::path::Path;

use super::decl::{datetime, enumeration, int, rel, text};
use super::text::{Body, File, FileKind};
use super::{
    CONTRACTS, Case, Channel, Customer, DAY, Kind, PRODUCTS, Status, Table, Ticket, WINDOW_START, World, combine,
    object, other_case, tag,
};
use crate::check::schema::ObjectSchema;

#[path = "otrs_admin.rs"]
mod admin;

const SEED: [(&str, &str); 3] =
    [("valid", "valid"), ("invalid", "invalid"), ("invalid-temporarily", "invalid-temporarily")];
const STATE_TYPES: [&str; 7] = ["new", "open", "closed", "pending reminder", "pending auto", "removed", "merged"];
/// States: name, state type id.
const STATES: [(&str, i64); 12] = [
    ("new", 1),
    ("closed successful", 3),
    ("closed unsuccessful", 3),
    ("open", 2),
    ("removed", 6),
    ("pending reminder", 4),
    ("pending auto close+", 5),
    ("pending auto close-", 5),
    ("merged", 7),
    ("waiting for customer", 4),
    ("In Bearbeitung", 2),
    ("resolved – confirmed by customer", 3),
];
const PRIORITIES: [&str; 5] = ["1 very low", "2 low", "3 normal", "4 high", "5 very high"];
const TYPES: [&str; 5] = ["Unclassified", "Incident", "Service Request", "Problem", "Question"];
const LOCKS: [&str; 3] = ["unlock", "lock", "tmp_lock"];
const SENDERS: [&str; 3] = ["agent", "system", "customer"];
const CHANNELS: [(&str, &str); 4] = [
    ("Email", "Kernel::System::CommunicationChannel::Email"),
    ("Phone", "Kernel::System::CommunicationChannel::Phone"),
    ("Internal", "Kernel::System::CommunicationChannel::Internal"),
    ("Chat", "Kernel::System::CommunicationChannel::Chat"),
];
/// Queues: name, group id, first response / update / solution minutes.
const QUEUES: [(&str, i64, Option<i64>); 8] = [
    ("Postmaster", 1, None),
    ("Raw", 1, None),
    ("Junk", 1, None),
    ("Misc", 1, None),
    ("Support", 4, Some(60)),
    ("Support::Billing", 5, Some(240)),
    ("Support::Technical", 4, Some(120)),
    ("Support::Technical::Hardware", 4, Some(480)),
];
const GROUPS: [&str; 5] = ["users", "admin", "stats", "support", "billing"];
const SERVICES: [&str; 3] = ["IT", "IT::Printing", "Billing"];
/// History types used, with the ids of the seed list's order.
const HISTORY_TYPES: [(i64, &str); 16] = [
    (1, "NewTicket"),
    (2, "FollowUp"),
    (4, "SendAutoReply"),
    (8, "SendAnswer"),
    (12, "EmailCustomer"),
    (14, "PhoneCallCustomer"),
    (15, "AddNote"),
    (20, "TimeAccounting"),
    (23, "OwnerUpdate"),
    (25, "Misc"),
    (26, "SetPendingTime"),
    (27, "StateUpdate"),
    (28, "TicketDynamicFieldUpdate"),
    (29, "WebRequestCustomer"),
    (30, "TicketLinkAdd"),
    (33, "Merged"),
];
/// Dynamic fields: name, label, type, object type (ids in this order; see `admin::FIELD_*`).
const DYNAMIC_FIELDS: [(&str, &str, &str, &str); 13] = [
    ("CustomerReference", "Customer reference", "Text", "Ticket"),
    ("InternalNotes", "Internal notes", "TextArea", "Ticket"),
    ("Escalated", "Escalated", "Checkbox", "Ticket"),
    ("ContractType", "Contract type", "Dropdown", "Ticket"),
    ("AffectedProducts", "Affected products", "Multiselect", "Ticket"),
    ("DueDate", "Due date", "Date", "Ticket"),
    ("FollowUpAt", "Follow-up at", "DateTime", "Ticket"),
    ("HoursSpent", "Hours spent", "Text", "Ticket"),
    ("ProcessManagementProcessID", "Process", "ProcessID", "Ticket"),
    ("ProcessManagementActivityID", "Activity", "ActivityID", "Ticket"),
    ("CustomerSegment", "Customer segment", "Dropdown", "CustomerUser"),
    ("KeyAccount", "Key account", "Checkbox", "CustomerUser"),
    ("Sentiment", "Sentiment", "Dropdown", "Article"),
];
/// Customer segments (the CustomerSegment dropdown's keys and labels).
const SEGMENTS: [(&str, &str); 3] =
    [("smb", "Small business"), ("enterprise", "Enterprise"), ("public", "Public sector")];
const ROOT: i64 = 1;
const SENDER_AGENT: i64 = 1;
const SENDER_SYSTEM: i64 = 2;
const SENDER_CUSTOMER: i64 = 3;
const CHANNEL_EMAIL: i64 = 1;
const CHANNEL_PHONE: i64 = 2;
const CHANNEL_INTERNAL: i64 = 3;
pub(super) const SYSTEM_ADDRESS: &str = "support@helpdesk.example";

fn audit_columns(fields: &mut Vec<(&'static str, super::Decl)>) {
    fields.push(("create_time", datetime("Created").note("Naive, in OTRSTimeZone (UTC here)")));
    fields.push(("create_by", rel("users", "Created by")));
    fields.push(("change_time", datetime("Changed").note("Naive, in OTRSTimeZone (UTC here)")));
    fields.push(("change_by", rel("users", "Changed by")));
}

fn names<'a>(values: &[&'a str]) -> Vec<(&'a str, Option<&'a str>)> {
    values.iter().map(|v| (*v, None)).collect()
}

fn schemas() -> Vec<(&'static str, ObjectSchema)> {
    let with_audit = |mut fields: Vec<(&'static str, super::Decl)>| {
        audit_columns(&mut fields);
        fields
    };
    let lookup = |label: &str, extra: Vec<(&'static str, super::Decl)>| {
        let mut fields = vec![("id", int("ID").required()), ("name", text("Name").required())];
        fields.extend(extra);
        object(label, with_audit(fields))
    };
    let state_names: Vec<&str> = STATES.iter().map(|(n, _)| *n).collect();
    let queue_names: Vec<&str> = QUEUES.iter().map(|(n, _, _)| *n).collect();
    let with_values = |label: &str, values: &[&str], note: &str, extra: Vec<(&'static str, super::Decl)>| {
        let mut fields =
            vec![("id", int("ID").required()), ("name", text("Name").required().values(&names(values)).note(note))];
        fields.extend(extra);
        object(label, with_audit(fields))
    };
    vec![
        ("valid", lookup("Validity (1 valid, 2 invalid, 3 invalid-temporarily)", vec![])),
        (
            "users",
            object(
                "Agent",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("login", text("Login").required()),
                    ("title", text("Title")),
                    ("first_name", text("First name")),
                    ("last_name", text("Last name")),
                    ("valid_id", rel("valid", "Validity")),
                ]),
            ),
        ),
        (
            "user_preferences",
            object(
                "Agent preference (the agent e-mail is the UserEmail key)",
                vec![
                    ("id", int("ID").required().note("Surrogate key of the newest Znuny; older versions have none")),
                    ("user_id", rel("users", "Agent").required()),
                    (
                        "preferences_key",
                        enumeration(
                            "Key",
                            &[("UserEmail", "E-mail"), ("UserLanguage", "Language"), ("UserTimeZone", "Time zone")],
                        ),
                    ),
                    ("preferences_value", text("Value")),
                ],
            ),
        ),
        (
            "permission_groups",
            lookup("Group", vec![("comments", text("Comments")), ("valid_id", rel("valid", "Validity"))]),
        ),
        (
            "queue",
            with_values(
                "Queue (`::` separates parent and child)",
                &queue_names,
                "Counts are tickets in each queue",
                vec![
                    ("group_id", rel("permission_groups", "Group").required()),
                    ("unlock_timeout", int("Unlock timeout (minutes)")),
                    ("first_response_time", int("First response time (minutes)")),
                    ("first_response_notify", int("First response notify (percent)")),
                    ("update_time", int("Update time (minutes)")),
                    ("update_notify", int("Update notify (percent)")),
                    ("solution_time", int("Solution time (minutes)")),
                    ("solution_notify", int("Solution notify (percent)")),
                    ("system_address_id", rel("system_address", "System address")),
                    ("calendar_name", text("Calendar")),
                    ("salutation_id", rel("salutation", "Salutation")),
                    ("signature_id", rel("signature", "Signature")),
                    ("follow_up_id", rel("follow_up_possible", "Follow up possible")),
                    ("follow_up_lock", int("Follow up lock")),
                    ("comments", text("Comments")),
                    ("valid_id", rel("valid", "Validity")),
                ],
            ),
        ),
        (
            "ticket_state_type",
            with_values(
                "Ticket state type",
                &STATE_TYPES,
                "Counts are tickets in states of this type",
                vec![("comments", text("Comments"))],
            ),
        ),
        (
            "ticket_state",
            with_values(
                "Ticket state (classify by its type, not by name)",
                &state_names,
                "Counts are tickets in each state",
                vec![
                    ("comments", text("Comments")),
                    ("type_id", rel("ticket_state_type", "State type").required()),
                    ("valid_id", rel("valid", "Validity")),
                    ("color", text("Color")),
                ],
            ),
        ),
        (
            "ticket_priority",
            with_values(
                "Ticket priority",
                &PRIORITIES,
                "Counts are tickets with each priority",
                vec![("valid_id", rel("valid", "Validity")), ("color", text("Color"))],
            ),
        ),
        (
            "ticket_type",
            with_values(
                "Ticket type",
                &TYPES,
                "Counts are tickets of each type",
                vec![("valid_id", rel("valid", "Validity"))],
            ),
        ),
        ("ticket_lock_type", lookup("Ticket lock", vec![("valid_id", rel("valid", "Validity"))])),
        ("article_sender_type", lookup("Article sender type", vec![("valid_id", rel("valid", "Validity"))])),
        (
            "communication_channel",
            lookup(
                "Communication channel",
                vec![
                    ("module", text("Module")),
                    ("package_name", text("Package")),
                    ("valid_id", rel("valid", "Validity")),
                ],
            ),
        ),
        ("service", lookup("Service", vec![("comments", text("Comments")), ("valid_id", rel("valid", "Validity"))])),
        (
            "sla",
            lookup(
                "SLA (times in minutes)",
                vec![
                    ("calendar_name", text("Calendar")),
                    ("first_response_time", int("First response time (minutes)")),
                    ("update_time", int("Update time (minutes)")),
                    ("solution_time", int("Solution time (minutes)")),
                    ("comments", text("Comments")),
                    ("valid_id", rel("valid", "Validity")),
                ],
            ),
        ),
        ("ticket_history_type", lookup("History type", vec![("valid_id", rel("valid", "Validity"))])),
        (
            "customer_company",
            object(
                "Customer company",
                with_audit(vec![
                    ("id", int("Row number").required().note("Not in the database: the key is customer_id")),
                    ("customer_id", text("Customer ID").required()),
                    ("name", text("Name").required()),
                    ("street", text("Street")),
                    ("zip", text("Zip")),
                    ("city", text("City")),
                    ("country", text("Country")),
                    ("url", text("URL")),
                    ("comments", text("Comments")),
                    ("valid_id", rel("valid", "Validity")),
                ]),
            ),
        ),
        (
            "customer_user",
            object(
                "Customer user (tickets reference the login, not the id)",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("login", text("Login").required()),
                    ("email", text("E-mail").note("NOT NULL in the schema; empty here when missing, not unique")),
                    ("customer_id", text("Customer ID").required()),
                    ("title", text("Title")),
                    ("first_name", text("First name")),
                    ("last_name", text("Last name")),
                    ("phone", text("Phone")),
                    ("fax", text("Fax")),
                    ("mobile", text("Mobile")),
                    ("street", text("Street")),
                    ("zip", text("Zip")),
                    ("city", text("City")),
                    ("country", text("Country")),
                    ("comments", text("Comments")),
                    ("valid_id", rel("valid", "Validity")),
                ]),
            ),
        ),
        (
            "customer_preferences",
            object(
                "Customer preference",
                vec![
                    ("id", int("ID").required().note("Surrogate key of the newest Znuny; older versions have none")),
                    ("user_id", text("Customer login").required()),
                    (
                        "preferences_key",
                        enumeration("Key", &[("UserLanguage", "Language"), ("UserTimeZone", "Time zone")]),
                    ),
                    ("preferences_value", text("Value")),
                ],
            ),
        ),
        (
            "ticket",
            object(
                "Ticket",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("tn", text("Ticket number").required()),
                    ("title", text("Title")),
                    ("queue_id", rel("queue", "Queue").required()),
                    ("ticket_lock_id", rel("ticket_lock_type", "Lock").required()),
                    ("type_id", rel("ticket_type", "Type")),
                    ("service_id", rel("service", "Service")),
                    ("sla_id", rel("sla", "SLA")),
                    ("user_id", rel("users", "Owner").required()),
                    ("responsible_user_id", rel("users", "Responsible").required()),
                    ("ticket_priority_id", rel("ticket_priority", "Priority").required()),
                    ("ticket_state_id", rel("ticket_state", "State").required()),
                    ("customer_id", text("Customer ID").note("Company key as text, no foreign key")),
                    (
                        "customer_user_id",
                        text("Customer user")
                            .note("A customer login (compare case-insensitively) or an e-mail address"),
                    ),
                    ("timeout", int("Unlock timeout (epoch seconds)")),
                    ("until_time", int("Pending until (epoch seconds, 0 = not pending)")),
                    ("escalation_time", int("Escalation (epoch seconds)")),
                    ("escalation_update_time", int("Update escalation (epoch seconds)")),
                    ("escalation_response_time", int("Response escalation (epoch seconds)")),
                    ("escalation_solution_time", int("Solution escalation (epoch seconds)")),
                    ("archive_flag", int("Archived (1)")),
                ]),
            ),
        ),
        (
            "article",
            object(
                "Article (message metadata)",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("ticket_id", rel("ticket", "Ticket").required()),
                    ("article_sender_type_id", rel("article_sender_type", "Sender type").required()),
                    ("communication_channel_id", rel("communication_channel", "Channel").required()),
                    ("is_visible_for_customer", int("Visible for customer (1/0)")),
                    ("search_index_needs_rebuild", int("Search index needs rebuild")),
                    ("insert_fingerprint", text("Insert fingerprint")),
                ]),
            ),
        ),
        (
            "article_data_mime",
            object(
                "Article headers and plain body",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("article_id", rel("article", "Article").required()),
                    ("a_from", text("From")),
                    ("a_reply_to", text("Reply-To")),
                    ("a_to", text("To")),
                    ("a_cc", text("Cc")),
                    ("a_bcc", text("Bcc")),
                    ("a_subject", text("Subject")),
                    ("a_message_id", text("Message-ID")),
                    ("a_in_reply_to", text("In-Reply-To")),
                    ("a_references", text("References")),
                    ("a_content_type", text("Content type")),
                    ("a_body", text("Body").note("Plain text; an HTML original is the attachment file-2")),
                    ("incoming_time", int("Incoming time (epoch seconds)")),
                    ("content_path", text("Content path (YYYY/MM/DD)")),
                ]),
            ),
        ),
        (
            "article_data_mime_attachment",
            object(
                "Article attachment (file-2 with text/html is the HTML body)",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("article_id", rel("article", "Article").required()),
                    ("filename", text("File name")),
                    ("content_size", text("Size in bytes, as text")),
                    ("content_type", text("Content type")),
                    ("content_id", text("Content-ID (in angle brackets)")),
                    ("content_alternative", text("Content alternative")),
                    ("disposition", text("Disposition")),
                    ("content", super::decl::binary("Content (base64, as PostgreSQL stores it)")),
                ]),
            ),
        ),
        (
            "dynamic_field",
            object(
                "Dynamic field definition",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("internal_field", int("Internal (1)")),
                    ("name", text("Name").required()),
                    ("label", text("Label")),
                    ("field_order", int("Order")),
                    (
                        "field_type",
                        enumeration(
                            "Type",
                            &[
                                ("Text", "Text"),
                                ("TextArea", "Textarea"),
                                ("Checkbox", "Checkbox"),
                                ("Dropdown", "Dropdown"),
                                ("Multiselect", "Multiselect"),
                                ("Date", "Date"),
                                ("DateTime", "Date / Time"),
                                ("ProcessID", "Process (internal)"),
                                ("ActivityID", "Activity (internal)"),
                            ],
                        ),
                    ),
                    (
                        "object_type",
                        enumeration(
                            "Object",
                            &[("Ticket", "Ticket"), ("Article", "Article"), ("CustomerUser", "Customer user")],
                        ),
                    ),
                    ("config", text("Configuration (YAML)")),
                    ("valid_id", rel("valid", "Validity")),
                ]),
            ),
        ),
        (
            "dynamic_field_value",
            object(
                "Dynamic field value (a multiselect has one row per selected key)",
                vec![
                    ("id", int("ID").required()),
                    ("field_id", rel("dynamic_field", "Field").required()),
                    (
                        "object_id",
                        int("Object")
                            .required()
                            .note("ticket.id, article.id, or dynamic_field_obj_id_name.object_id for customer users"),
                    ),
                    ("value_text", text("Text value")),
                    ("value_date", datetime("Date value").note("Naive; dates at 00:00:00")),
                    ("value_int", int("Integer value")),
                ],
            ),
        ),
        (
            "ticket_history",
            object(
                "Ticket history (a snapshot per event)",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("name", text("Event parameters")),
                    ("history_type_id", rel("ticket_history_type", "History type").required()),
                    ("ticket_id", rel("ticket", "Ticket").required()),
                    ("article_id", rel("article", "Article")),
                    ("type_id", rel("ticket_type", "Type")),
                    ("queue_id", rel("queue", "Queue")),
                    ("owner_id", rel("users", "Owner")),
                    ("priority_id", rel("ticket_priority", "Priority")),
                    ("state_id", rel("ticket_state", "State")),
                ]),
            ),
        ),
    ]
}

struct Next {
    article: i64,
    attachment: i64,
    value: i64,
    history: i64,
    preference: i64,
    link: i64,
    accounting: i64,
    /// dynamic_field_obj_id_name
    object: i64,
}

/// Write every OTRS table into `dir`.
pub(super) fn generate(world: &World, dir: &Path) -> io::Result<(&'static str, Vec<Table>)> {
    let mut tables: Vec<Table> = Vec::new();
    for (name, schema) in schemas().into_iter().chain(admin::schemas()) {
        tables.push(Table::create(dir, name, schema)?);
    }
    let mut t = Tables(tables);
    let mut next =
        Next { article: 1, attachment: 1, value: 1, history: 1, preference: 1, link: 1, accounting: 1, object: 1 };
    write_lookups(&mut t)?;
    write_agents(world, &mut t)?;
    write_customers(world, &mut t, &mut next)?;
    admin::write(world, &mut t)?;
    for index in 0..world.tickets {
        write_ticket(world, &mut t, &mut next, &world.ticket(index))?;
    }
    Ok(("Znuny 7.0", t.0))
}

/// The tables by name.
struct Tables(Vec<Table>);

impl Tables {
    fn get(&mut self, name: &str) -> &mut Table {
        let position = self.0.iter().position(|t| t.name == name).unwrap_or_else(|| panic!("no table {name}"));
        &mut self.0[position]
    }
}

/// When the system was installed: the time of the seed rows.
pub(super) const SET_UP: i64 = WINDOW_START - 500 * DAY;

fn write_lookups(t: &mut Tables) -> io::Result<()> {
    for (k, (name, _)) in SEED.iter().enumerate() {
        audited(t.get("valid").row(k as i64 + 1).text("name", Some(name)), SET_UP).finish()?;
    }
    for (k, name) in GROUPS.iter().enumerate() {
        audited(
            t.get("permission_groups")
                .row(k as i64 + 1)
                .text("name", Some(name))
                .text("comments", None)
                .rel("valid_id", Some(1)),
            SET_UP,
        )
        .finish()?;
    }
    for (k, (name, group, minutes)) in QUEUES.iter().enumerate() {
        audited(
            t.get("queue")
                .row(k as i64 + 1)
                .text("name", Some(name))
                .rel("group_id", Some(*group))
                .int("unlock_timeout", 0)
                .int_opt("first_response_time", *minutes)
                .int_opt("first_response_notify", minutes.map(|_| 80))
                .int_opt("update_time", minutes.map(|m| m * 4))
                .int_opt("update_notify", None)
                .int_opt("solution_time", minutes.map(|m| m * 24))
                .int_opt("solution_notify", minutes.map(|_| 90))
                .rel("system_address_id", Some(admin::queue_address(k as i64 + 1)))
                .text("calendar_name", (k == 5).then_some("2"))
                .rel("salutation_id", Some(1))
                .rel("signature_id", Some(1))
                .rel("follow_up_id", Some(1))
                .int("follow_up_lock", 0)
                .text("comments", (k < 4).then_some("Seed queue"))
                .rel("valid_id", Some(1)),
            SET_UP,
        )
        .finish()?;
    }
    for (k, name) in STATE_TYPES.iter().enumerate() {
        audited(t.get("ticket_state_type").row(k as i64 + 1).text("name", Some(name)).text("comments", None), SET_UP)
            .finish()?;
    }
    for (k, (name, type_id)) in STATES.iter().enumerate() {
        let custom = k >= 9;
        audited(
            t.get("ticket_state")
                .row(k as i64 + 1)
                .text("name", Some(name))
                .text("comments", custom.then_some("Added by the administrator"))
                .rel("type_id", Some(*type_id))
                .rel("valid_id", Some(1))
                .text("color", Some(["#50B5FF", "#3DD598", "#FC5A5A", "#FFC542", "#8B8B8B"][(*type_id as usize) % 5])),
            if custom { SET_UP + 90 * DAY } else { SET_UP },
        )
        .finish()?;
    }
    for (k, name) in PRIORITIES.iter().enumerate() {
        audited(
            t.get("ticket_priority")
                .row(k as i64 + 1)
                .text("name", Some(name))
                .rel("valid_id", Some(1))
                .text("color", Some(["#03C4F0", "#83BFC8", "#CDCDCD", "#FFAAAA", "#FF505E"][k])),
            SET_UP,
        )
        .finish()?;
    }
    for (k, name) in TYPES.iter().enumerate() {
        audited(t.get("ticket_type").row(k as i64 + 1).text("name", Some(name)).rel("valid_id", Some(1)), SET_UP)
            .finish()?;
    }
    for (k, name) in LOCKS.iter().enumerate() {
        audited(t.get("ticket_lock_type").row(k as i64 + 1).text("name", Some(name)).rel("valid_id", Some(1)), SET_UP)
            .finish()?;
    }
    for (k, name) in SENDERS.iter().enumerate() {
        audited(
            t.get("article_sender_type").row(k as i64 + 1).text("name", Some(name)).rel("valid_id", Some(1)),
            SET_UP,
        )
        .finish()?;
    }
    for (k, (name, module)) in CHANNELS.iter().enumerate() {
        audited(
            t.get("communication_channel")
                .row(k as i64 + 1)
                .text("name", Some(name))
                .text("module", Some(module))
                .text("package_name", Some("Framework"))
                .rel("valid_id", Some(1)),
            SET_UP,
        )
        .finish()?;
    }
    for (k, name) in SERVICES.iter().enumerate() {
        audited(
            t.get("service").row(k as i64 + 1).text("name", Some(name)).text("comments", None).rel("valid_id", Some(1)),
            SET_UP,
        )
        .finish()?;
    }
    for (k, name) in ["Standard", "Premium"].iter().enumerate() {
        audited(
            t.get("sla")
                .row(k as i64 + 1)
                .text("name", Some(name))
                .text("calendar_name", (k == 1).then_some("1"))
                .int("first_response_time", [240, 60][k])
                .int("update_time", [1440, 480][k])
                .int("solution_time", [4320, 1440][k])
                .text("comments", None)
                .rel("valid_id", Some(1)),
            SET_UP,
        )
        .finish()?;
    }
    for (id, name) in HISTORY_TYPES {
        audited(t.get("ticket_history_type").row(id).text("name", Some(name)).rel("valid_id", Some(1)), SET_UP)
            .finish()?;
    }
    for (k, (name, label, kind, object)) in DYNAMIC_FIELDS.iter().enumerate() {
        let dropdown = |pairs: &[(&str, &str)]| {
            format!(
                "---\nDefaultValue: ''\nPossibleNone: '1'\nPossibleValues:\n{}TranslatableValues: '0'\n",
                pairs.iter().map(|(key, label)| format!("  {key}: {label}\n")).collect::<String>()
            )
        };
        let config = match *name {
            "CustomerSegment" => dropdown(&SEGMENTS),
            "Sentiment" => dropdown(&[("positive", "Positive"), ("neutral", "Neutral"), ("negative", "Negative")]),
            _ => match *kind {
            "ProcessID" | "ActivityID" => "--- {}\n".to_owned(),
            "Dropdown" => dropdown(&CONTRACTS),
            "Multiselect" => format!(
                "---\nDefaultValue: ~\nPossibleNone: '0'\nPossibleValues:\n{}TranslatableValues: '0'\n",
                PRODUCTS.iter().map(|p| format!("  {}: {p}\n", p.to_lowercase().replace(' ', "-"))).collect::<String>()
            ),
            "Date" | "DateTime" => {
                "---\nDateRestriction: ''\nDefaultValue: '0'\nYearsInFuture: '5'\nYearsInPast: '5'\nYearsPeriod: '0'\n"
                    .to_owned()
            }
            "Checkbox" => "---\nDefaultValue: '0'\n".to_owned(),
            "TextArea" => "---\nCols: '60'\nDefaultValue: ''\nRegExList: []\nRows: '7'\n".to_owned(),
            _ => "---\nDefaultValue: ''\nLink: ''\nRegExList: []\n".to_owned(),
            },
        };
        let internal = matches!(*kind, "ProcessID" | "ActivityID");
        audited(
            t.get("dynamic_field")
                .row(k as i64 + 1)
                .int("internal_field", i64::from(internal))
                .text("name", Some(name))
                .text("label", Some(label))
                .int("field_order", (k as i64 + 1) * 10)
                .enumeration("field_type", Some(kind))
                .enumeration("object_type", Some(object))
                .text("config", Some(&config))
                .rel("valid_id", Some(if *name == "HoursSpent" { 2 } else { 1 })),
            SET_UP + 30 * DAY,
        )
        .finish()?;
    }
    Ok(())
}

/// Audit columns with the same time for creation and change.
fn audited<'a, 'b>(row: &'a mut super::Row<'b>, at: i64) -> &'a mut super::Row<'b> {
    audit(row, at, at)
}

/// Audit columns, by the system user.
fn audit<'a, 'b>(row: &'a mut super::Row<'b>, created: i64, changed: i64) -> &'a mut super::Row<'b> {
    row.naive("create_time", Some(created))
        .rel("create_by", Some(ROOT))
        .naive("change_time", Some(changed))
        .rel("change_by", Some(ROOT))
}

fn agent_id(i: u64) -> i64 {
    2 + i as i64
}

fn write_agents(world: &World, t: &mut Tables) -> io::Result<()> {
    let mut preference = 1;
    let mut prefs: Vec<(i64, &str, String)> =
        vec![(ROOT, "UserEmail", "root@localhost".to_owned()), (ROOT, "UserLanguage", "en".to_owned())];
    audited(
        t.get("users")
            .row(ROOT)
            .text("login", Some("root@localhost"))
            .text("title", None)
            .text("first_name", Some("Admin"))
            .text("last_name", Some("OTRS"))
            .rel("valid_id", Some(1)),
        SET_UP,
    )
    .finish()?;
    for agent in world.agents() {
        let id = agent_id(agent.i);
        audited(
            t.get("users")
                .row(id)
                .text("login", Some(&agent.login))
                .text("title", None)
                .text("first_name", Some(agent.first))
                .text("last_name", Some(agent.last))
                .rel("valid_id", Some(if agent.active { 1 } else { 2 })),
            agent.created,
        )
        .finish()?;
        if let Some(email) = &agent.email {
            prefs.push((id, "UserEmail", email.clone()));
        }
        prefs.push((id, "UserLanguage", agent.lang.short_code().to_owned()));
        prefs.push((id, "UserTimeZone", agent.tz.to_owned()));
    }
    for (user, key, value) in prefs {
        t.get("user_preferences")
            .row(preference)
            .rel("user_id", Some(user))
            .enumeration("preferences_key", Some(key))
            .text("preferences_value", Some(&value))
            .finish()?;
        preference += 1;
    }
    Ok(())
}

/// The company key of a customer: the company's, or the login for private customers.
fn customer_id(customer: &Customer) -> String {
    if customer.with_company || customer.company {
        let slug: String = customer.domain.split('.').next().unwrap_or("").to_uppercase();
        slug
    } else {
        customer.login.clone()
    }
}

fn write_customers(world: &World, t: &mut Tables, next: &mut Next) -> io::Result<()> {
    // Company names are unique in Znuny; a name used twice gets the company key added, as an
    // administrator would do.
    let mut company_names = std::collections::HashSet::new();
    let mut multi = 1;
    for j in 0..world.customers {
        let customer = world.customer(j);
        if customer.deleted() {
            continue;
        }
        let (city, zip, country, _) = super::text::CITIES[customer.city];
        let valid = if customer.archived() { 2 } else { 1 };
        if customer.company {
            let key = customer_id(&customer);
            let name = if company_names.insert(customer.name.clone()) {
                customer.name.clone()
            } else {
                format!("{} ({key})", customer.name)
            };
            let mut row = t.get("customer_company").row((j / 10 + 1) as i64);
            row.text("customer_id", Some(&key))
                .text("name", Some(&name))
                .text("street", Some(&customer.street))
                .text("zip", Some(zip))
                .text("city", Some(city))
                .text("country", Some(super::text::country_name(country)))
                .text("url", Some(&format!("https://www.{}", customer.domain)))
                .text("comments", None)
                .rel("valid_id", Some(valid));
            audit(&mut row, customer.created, customer.updated);
            row.finish()?;
            continue;
        }
        let mut rng = world.rng(tag(b"otrs customer"), j);
        let mut row = t.get("customer_user").row(j as i64 + 1);
        row.text("login", Some(&customer.login))
            .text("email", customer.email.as_deref())
            .text("customer_id", Some(&customer_id(&customer)))
            .text("title", rng.percent(20).then(|| *rng.pick(&["Mr.", "Ms.", "Dr.", "Prof. Dr."])))
            .text("first_name", Some(&customer.first))
            .text("last_name", Some(&customer.last))
            .text("phone", customer.phone.as_deref())
            .text("fax", None)
            .text("mobile", customer.mobile.as_deref())
            .text("street", Some(&customer.street))
            .text("zip", Some(zip))
            .text("city", Some(city))
            .text("country", Some(super::text::country_name(country)))
            .text("comments", customer.job)
            .rel("valid_id", Some(valid));
        audit(&mut row, customer.created, customer.updated);
        row.finish()?;
        let mut prefs = vec![("UserLanguage", customer.lang.short_code())];
        if let Some(tz) = customer.tz {
            prefs.push(("UserTimeZone", tz));
        }
        for (key, value) in prefs {
            t.get("customer_preferences")
                .row(next.preference)
                .text("user_id", Some(&customer.login))
                .enumeration("preferences_key", Some(key))
                .text("preferences_value", Some(value))
                .finish()?;
            next.preference += 1;
        }
        // Customer-user dynamic fields: values keyed through dynamic_field_obj_id_name.
        let mut drng = world.rng(tag(b"otrs customer fields"), j);
        let segment = drng.percent(70).then(|| SEGMENTS[drng.index(SEGMENTS.len())].0);
        let key_account = drng.percent(30).then(|| i64::from(drng.percent(40)));
        if segment.is_some() || key_account.is_some() {
            let object = next.object;
            next.object += 1;
            t.get("dynamic_field_obj_id_name")
                .row(object)
                .int("object_id", object)
                .text("object_name", Some(&customer.login))
                .enumeration("object_type", Some("CustomerUser"))
                .finish()?;
            if let Some(segment) = segment {
                write_value(t, next, admin::FIELD_SEGMENT, object, Some(segment), None, None)?;
            }
            if key_account.is_some() {
                write_value(t, next, admin::FIELD_KEY_ACCOUNT, object, None, None, key_account)?;
            }
        }
        // Some customer users also act for the next company (multi-company).
        let other = customer.company_j + 10;
        if customer.with_company && other < world.customers && drng.percent(8) {
            let mut row = t.get("customer_user_customer").row(multi);
            row.text("user_id", Some(&customer.login)).text("customer_id", Some(&customer_id(&world.customer(other))));
            audit(&mut row, customer.updated, customer.updated);
            row.finish()?;
            multi += 1;
        }
    }
    Ok(())
}

/// Text as a utf8mb3 MySQL column holds it: four-byte characters become U+FFFD.
fn mb3(text: &str) -> Cow<'_, str> {
    if text.chars().all(|c| (c as u32) < 0x10000) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().map(|c| if (c as u32) < 0x10000 { c } else { '\u{fffd}' }).collect())
    }
}

fn mailbox(name: &str, address: &str) -> String {
    format!("\"{}\" <{}>", name.replace('"', "'"), address.trim())
}

/// A dynamic field value row: field id, text, date, integer.
type ValueRow = (i64, Option<String>, Option<i64>, Option<i64>);

/// An attachment row: file name, content type, content id, disposition, bytes, claimed size.
type Part<'a> = (String, String, Option<String>, &'a str, Vec<u8>, u64);

/// The ticket state `merged`.
const MERGED: i64 = 9;

/// The queue and state of a ticket, drawn from its `otrs ticket` stream. Only plain tickets with
/// an earlier ticket and a short thread are merged; others cancelled that way are closed instead.
fn queue_and_state(world: &World, ticket: &Ticket, rng: &mut super::rng::Rng) -> (i64, i64) {
    let queue: i64 = match ticket.team {
        _ if ticket.status == Status::New && rng.percent(3) => 2,
        0 => 5,
        1 => 6,
        _ if ticket.topic == super::text::Topic::Hardware => 8,
        _ => 7,
    };
    let state: i64 = match (ticket.status, ticket.case) {
        (Status::InProgress, Case::CustomOpen) => 11,
        (Status::OnHold, Case::CustomPending) => 10,
        _ => match ticket.status {
            Status::New => 1,
            Status::InProgress => *rng.weighted(&[(4, 70), (11, 30)]),
            Status::OnHold => *rng.weighted(&[(6, 40), (10, 45), (7, 15)]),
            Status::Solved => *rng.weighted(&[(2, 70), (12, 30)]),
            Status::Cancelled => *rng.weighted(&[(3, 45), (5, 10), (MERGED, 45)]),
        },
    };
    let mergeable = ticket.index > 0 && ticket.case == Case::Plain && !world.long_threads.contains(&ticket.index);
    (queue, if state == MERGED && !mergeable { 3 } else { state })
}

/// The index of the ticket a merged ticket went into: the closest earlier ticket not merged itself.
fn merge_target(world: &World, index: u64) -> u64 {
    let mut k = index.saturating_sub(1);
    while k > 0 {
        let mut rng = world.rng(tag(b"otrs ticket"), k);
        if queue_and_state(world, &world.ticket(k), &mut rng).1 != MERGED {
            break;
        }
        k -= 1;
    }
    k
}

/// The ticket number: creation date, system id 10, counter.
fn ticket_number(ticket: &Ticket) -> String {
    let (y, m, d) = super::ymd(ticket.created);
    format!("{y:04}{m:02}{d:02}10{:06}", ticket.index + 1)
}

fn write_ticket(world: &World, t: &mut Tables, next: &mut Next, ticket: &Ticket) -> io::Result<()> {
    let mut rng = world.rng(tag(b"otrs ticket"), ticket.index);
    let id = ticket.index as i64 + 1;
    let customer = ticket.customer.map(|j| world.customer(j));
    let (cust_id, cust_user) = match &customer {
        Some(c) => {
            let login = if ticket.case == Case::MessyEmail { other_case(&c.login) } else { c.login.clone() };
            (Some(customer_id(c)), Some(login))
        }
        None => {
            let email = ticket.sender_email.clone().unwrap_or_default();
            (email.split('@').nth(1).map(str::to_owned), Some(email))
        }
    };
    let customer_address = match &customer {
        Some(c) => c.email.clone().unwrap_or_else(|| c.clean_email.clone()),
        None => ticket.sender_email.clone().unwrap_or_default(),
    };
    let customer_name = customer.as_ref().map_or_else(|| customer_address.clone(), |c| c.name.clone());
    let (queue, state) = queue_and_state(world, ticket, &mut rng);
    let merged = state == MERGED;
    // A merged ticket's articles (and the history rows and time accounting of those articles)
    // were moved to the ticket it was merged into.
    let main = merged.then(|| merge_target(world, ticket.index));
    let main_id = main.map_or(id, |k| k as i64 + 1);
    let priority: i64 = match ticket.priority {
        0 => *rng.weighted(&[(3, 60), (2, 30), (1, 10)]),
        1 => 3,
        2 => 4,
        _ => 5,
    };
    let type_id = match ticket.ticket_type {
        Some(0) => 5,
        Some(k) => k as i64 + 1,
        None => 1,
    };
    let owner = ticket.agent.map_or(ROOT, agent_id);
    let tn = ticket_number(ticket);
    let last_at = ticket.messages.last().map_or(ticket.created, |m| m.at);
    let pending = STATES[state as usize - 1].1 == 4 || STATES[state as usize - 1].1 == 5;
    let until = if pending { last_at + rng.range(DAY, 10 * DAY) } else { 0 };
    let open = matches!(ticket.status, Status::New | Status::InProgress);
    let queue_minutes = QUEUES[queue as usize - 1].2;
    let escalation = |factor: i64| -> i64 {
        match queue_minutes {
            Some(m) if open => ticket.created + m * factor * 60,
            _ => 0,
        }
    };
    let archived = ticket.status.closed() && ticket.created < WINDOW_START + 400 * DAY && rng.percent(25);
    for (table, name) in [
        ("queue", QUEUES[queue as usize - 1].0),
        ("ticket_state", STATES[state as usize - 1].0),
        ("ticket_state_type", STATE_TYPES[STATES[state as usize - 1].1 as usize - 1]),
        ("ticket_priority", PRIORITIES[priority as usize - 1]),
        ("ticket_type", TYPES[type_id as usize - 1]),
    ] {
        t.get(table).tally("name", name);
    }
    // Znuny cuts the title to the column's 255 characters (the articles keep the whole subject).
    let title: String = mb3(&ticket.subject).chars().take(255).collect();
    // An SLA only with a service it is offered for (service_sla).
    let service = rng.percent(25).then(|| rng.range(1, SERVICES.len() as i64));
    let sla = service.and_then(|s| {
        let slas = admin::slas_of(s);
        (!slas.is_empty() && rng.percent(70)).then(|| slas[rng.index(slas.len())])
    });
    let mut row = t.get("ticket").row(id);
    row.text("tn", Some(&tn))
        .text("title", Some(&title))
        .rel("queue_id", Some(queue))
        .rel("ticket_lock_id", Some(if open && ticket.agent.is_some() { 2 } else { 1 }))
        .rel("type_id", Some(type_id))
        .rel("service_id", service)
        .rel("sla_id", sla)
        .rel("user_id", Some(owner))
        .rel("responsible_user_id", Some(if rng.percent(80) { owner } else { ROOT }))
        .rel("ticket_priority_id", Some(priority))
        .rel("ticket_state_id", Some(state))
        .text("customer_id", cust_id.as_deref())
        .text("customer_user_id", cust_user.as_deref())
        .int("timeout", if open && ticket.agent.is_some() { ticket.assigned_at.unwrap_or(ticket.created) } else { 0 })
        .int("until_time", until)
        .int("escalation_time", escalation(1))
        .int("escalation_update_time", escalation(4))
        .int("escalation_response_time", escalation(1))
        .int("escalation_solution_time", escalation(24))
        .int("archive_flag", i64::from(archived))
        .naive("create_time", Some(ticket.created))
        .rel("create_by", Some(if ticket.channel == Channel::Phone { owner } else { ROOT }))
        .naive("change_time", Some(ticket.updated))
        .rel("change_by", Some(owner));
    row.finish()?;

    // Dynamic field values.
    let custom = &ticket.custom;
    let mut values: Vec<ValueRow> = Vec::new();
    if let Some(reference) = &custom.customer_ref {
        values.push((1, Some(reference.clone()), None, None));
    }
    if let Some(notes) = &custom.notes {
        values.push((
            2,
            Some(
                notes
                    .replace("<p>", "")
                    .replace("</p>", "\n")
                    .replace("<li>", "- ")
                    .replace("</li>", "\n")
                    .replace("<ul>", "")
                    .replace("</ul>", "")
                    .replace("<b>", "")
                    .replace("</b>", ""),
            ),
            None,
            None,
        ));
    }
    if custom.escalated || rng.percent(40) {
        values.push((3, None, None, Some(i64::from(custom.escalated))));
    }
    if let Some(k) = custom.contract {
        values.push((4, Some(CONTRACTS[k].0.to_owned()), None, None));
    }
    for &k in &custom.products {
        values.push((5, Some(PRODUCTS[k].to_lowercase().replace(' ', "-")), None, None));
    }
    if let Some(due) = custom.due {
        values.push((6, None, Some(due), None));
    }
    if let Some(at) = custom.follow_up {
        values.push((7, None, Some(at), None));
    }
    if let Some(hours) = custom.hours {
        let text = if rng.percent(30) { format!("{hours}").replace('.', ",") } else { format!("{hours}") };
        values.push((8, Some(text), None, None));
    }
    // Technical tickets: some run in the hardware-replacement process (its internal dynamic fields
    // hold the process and activity entity ids); many are linked to the configuration item
    // concerned, as are a few others.
    let mut prng = world.rng(tag(b"otrs process"), ticket.index);
    let technical = matches!(queue, 7 | 8);
    if technical && prng.percent(40) {
        let process = admin::process_entities(world);
        let activity = if ticket.status.closed() { &process.activities[1] } else { &process.activities[0] };
        values.push((admin::FIELD_PROCESS, Some(process.process.clone()), None, None));
        values.push((admin::FIELD_ACTIVITY, Some(activity.clone()), None, None));
    }
    for (field, text_value, date, integer) in values {
        write_value(t, next, field, id, text_value.as_deref(), date, integer)?;
    }
    if (technical && prng.percent(50)) || prng.percent(5) {
        let item = 1 + prng.below(admin::configitem_count(world)) as i64;
        link(
            t,
            next,
            admin::LINK_TICKET,
            id,
            admin::LINK_CONFIG_ITEM,
            item,
            admin::LINK_RELEVANT_TO,
            ticket.created,
            owner,
        )?;
    }

    // History: creation.
    let history = |t: &mut Tables,
                   next: &mut Next,
                   on: i64,
                   name: &str,
                   kind: &str,
                   article: Option<i64>,
                   state_now: i64,
                   at: i64,
                   by: i64|
     -> io::Result<()> {
        let type_id_h = HISTORY_TYPES.iter().find(|(_, n)| *n == kind).map(|(id, _)| *id).unwrap_or(25);
        let mut row = t.get("ticket_history").row(next.history);
        row.text("name", Some(name))
            .rel("history_type_id", Some(type_id_h))
            .rel("ticket_id", Some(on))
            .rel("article_id", article)
            .rel("type_id", Some(type_id))
            .rel("queue_id", Some(queue))
            .rel("owner_id", Some(owner))
            .rel("priority_id", Some(priority))
            .rel("state_id", Some(state_now))
            .naive("create_time", Some(at))
            .rel("create_by", Some(by))
            .naive("change_time", Some(at))
            .rel("change_by", Some(by));
        row.finish()?;
        next.history += 1;
        Ok(())
    };
    history(
        t,
        next,
        id,
        &format!("%%{tn}%%{}%%3 normal%%new%%{id}", QUEUES[queue as usize - 1].0),
        "NewTicket",
        None,
        1,
        ticket.created,
        ROOT,
    )?;

    // Articles.
    let mut current_state = 1;
    let mut first_message_id: Option<String> = None;
    for message in &ticket.messages {
        let at = message.at;
        if let Kind::Stage(status) = message.kind {
            let by = message.agent.map_or(ROOT, agent_id);
            let new_state = if status == Status::InProgress && ticket.status != Status::InProgress {
                4
            } else if status == ticket.status || status == Status::InProgress {
                state
            } else {
                4
            };
            if status == Status::InProgress && ticket.agent.is_some() {
                history(
                    t,
                    next,
                    id,
                    &format!("%%{}%%{owner}", world.agent(ticket.agent.unwrap_or(0)).login),
                    "OwnerUpdate",
                    None,
                    current_state,
                    at,
                    by,
                )?;
            }
            history(
                t,
                next,
                id,
                &format!("%%{}%%{}%%", STATES[current_state as usize - 1].0, STATES[new_state as usize - 1].0),
                "StateUpdate",
                None,
                new_state,
                at,
                by,
            )?;
            current_state = new_state;
            if pending && status == ticket.status {
                history(
                    t,
                    next,
                    id,
                    &format!("%%{}", super::rfc3339(until).replace('T', " ").trim_end_matches('Z')),
                    "SetPendingTime",
                    None,
                    current_state,
                    at,
                    by,
                )?;
            }
            if let Some(main) = main.filter(|_| status == ticket.status) {
                let main_tn = ticket_number(&world.ticket(main));
                history(
                    t,
                    next,
                    id,
                    &format!("%%{tn}%%{id}%%{main_tn}%%{main_id}"),
                    "Merged",
                    None,
                    current_state,
                    at,
                    by,
                )?;
                // The note TicketMerge adds to the merged ticket, and the link from the main ticket.
                let note = next.article;
                next.article += 1;
                let from = mailbox(&world.agent(ticket.agent.unwrap_or(0)).name, SYSTEM_ADDRESS);
                write_article(t, note, id, (SENDER_AGENT, CHANNEL_INTERNAL, 1), None, at, by)?;
                let body = format!("Merged Ticket {tn} to {main_tn}.");
                write_mime(t, note, &from, "", "Ticket Merged", None, None, Some(&body), at, by)?;
                history(t, next, id, "%%", "AddNote", Some(note), current_state, at, by)?;
                link(t, next, admin::LINK_TICKET, main_id, admin::LINK_TICKET, id, admin::LINK_PARENT_CHILD, at, by)?;
            }
            continue;
        }
        let article = next.article;
        next.article += 1;
        let (sender, channel, visible, history_kind) = match message.kind {
            Kind::Request => match ticket.channel {
                Channel::Email => (SENDER_CUSTOMER, CHANNEL_EMAIL, 1, "EmailCustomer"),
                Channel::Web => (SENDER_CUSTOMER, CHANNEL_INTERNAL, 1, "WebRequestCustomer"),
                Channel::Phone => (SENDER_AGENT, CHANNEL_PHONE, 1, "PhoneCallCustomer"),
            },
            Kind::AutoAck => (SENDER_SYSTEM, CHANNEL_EMAIL, 1, "SendAutoReply"),
            Kind::CustomerReply => (SENDER_CUSTOMER, CHANNEL_EMAIL, 1, "FollowUp"),
            Kind::AgentReply => (SENDER_AGENT, CHANNEL_EMAIL, 1, "SendAnswer"),
            _ => (SENDER_AGENT, CHANNEL_INTERNAL, 0, "AddNote"),
        };
        let by = match sender {
            SENDER_AGENT => message.agent.or(ticket.agent).map_or(ROOT, agent_id),
            _ => ROOT,
        };
        let mut arng = world.rng(tag(b"otrs article"), combine(ticket.index, message.ordinal as u64));
        // Files: the URL-image case becomes a cid: image here, as OTRS stores inline images.
        let mut files = world.files(ticket, message);
        if message.ordinal == 0 && ticket.case == Case::UrlImage {
            let mut frng = world.rng(tag(b"otrs inline"), ticket.index);
            files.push(super::text::file(FileKind::InlineImage, &mut frng, 0));
        }
        let cid = files.iter().find_map(|f| f.content_id.clone());
        let body = world.body(ticket, message, customer.as_ref(), cid.as_deref(), None);
        let rich = message.ordinal == 0
            && matches!(ticket.case, Case::DataImage | Case::CidImage | Case::UrlImage | Case::Script)
            || match message.kind {
                Kind::Request | Kind::CustomerReply => arng.percent(60),
                Kind::AgentReply => arng.percent(85),
                Kind::Note => arng.percent(60),
                _ => false,
            };
        let agent = message.agent.or(ticket.agent).map(|a| world.agent(a));
        let agent_from = agent.map_or_else(
            || mailbox("Helpdesk", SYSTEM_ADDRESS),
            |a| mailbox(&format!("{} via Helpdesk", a.name), SYSTEM_ADDRESS),
        );
        let subject_base = mb3(&ticket.subject).into_owned();
        let (from, to, subject) = match message.kind {
            Kind::Request | Kind::CustomerReply => (
                mailbox(&customer_name, &customer_address),
                SYSTEM_ADDRESS.to_owned(),
                if message.ordinal == 0 { subject_base.clone() } else { format!("RE: [Ticket#{tn}] {subject_base}") },
            ),
            Kind::AutoAck => (
                mailbox("Helpdesk", SYSTEM_ADDRESS),
                mailbox(&customer_name, &customer_address),
                format!("[Ticket#{tn}] Auto reply: {subject_base}"),
            ),
            Kind::AgentReply => (
                agent_from.clone(),
                mailbox(&customer_name, &customer_address),
                format!("[Ticket#{tn}] RE: {subject_base}"),
            ),
            _ => (agent_from.clone(), String::new(), "Note".to_owned()),
        };
        let message_header = format!(
            "<{}.{}@{}>",
            arng.hex(20),
            at,
            if sender == SENDER_CUSTOMER { "mail.customer.example" } else { "helpdesk.example" }
        );
        let first_header = first_message_id.get_or_insert_with(|| message_header.clone()).clone();
        let plain = body.text.as_deref().map(|t| mb3(t).into_owned());
        let fingerprint = (sender == SENDER_CUSTOMER).then(|| arng.hex(32));
        write_article(t, article, main_id, (sender, channel, visible), fingerprint.as_deref(), at, by)?;
        let cc = (message.ordinal == 0 && arng.percent(5)).then_some("\"Team Lead\" <lead@helpdesk.example>");
        let ids = (channel == CHANNEL_EMAIL)
            .then(|| (message_header.as_str(), (message.ordinal > 0).then_some(first_header.as_str())));
        write_mime(t, article, &from, &to, &subject, cc, ids, plain.as_deref(), at, by)?;
        write_attachments(t, next, article, at, by, rich, &body, &files)?;
        history(
            t,
            next,
            main_id,
            &format!("%%{}", if sender == SENDER_CUSTOMER { customer_address.trim() } else { "" }),
            history_kind,
            Some(article),
            current_state,
            at,
            by,
        )?;
        let ordinal = combine(ticket.index, message.ordinal as u64);
        if matches!(message.kind, Kind::AgentReply | Kind::Note) {
            let mut trng = world.rng(tag(b"otrs time"), ordinal);
            if trng.percent(35) {
                let units = trng.range(1, 12) * 5;
                t.get("time_accounting")
                    .row(next.accounting)
                    .rel("ticket_id", Some(main_id))
                    .rel("article_id", Some(article))
                    .float("time_unit", units as f64)
                    .naive("create_time", Some(at))
                    .rel("create_by", Some(by))
                    .naive("change_time", Some(at))
                    .rel("change_by", Some(by))
                    .finish()?;
                next.accounting += 1;
                history(
                    t,
                    next,
                    main_id,
                    &format!("%%{units}"),
                    "TimeAccounting",
                    Some(article),
                    current_state,
                    at,
                    by,
                )?;
            }
        }
        if matches!(message.kind, Kind::Request | Kind::CustomerReply) {
            let mut srng = world.rng(tag(b"otrs sentiment"), ordinal);
            if srng.percent(30) {
                let value = *srng.weighted(&[("positive", 30), ("neutral", 50), ("negative", 20)]);
                write_value(t, next, admin::FIELD_SENTIMENT, article, Some(value), None, None)?;
            }
        }
    }
    Ok(())
}

/// A `dynamic_field_value` row.
fn write_value(
    t: &mut Tables,
    next: &mut Next,
    field: i64,
    object: i64,
    text: Option<&str>,
    date: Option<i64>,
    integer: Option<i64>,
) -> io::Result<()> {
    t.get("dynamic_field_value")
        .row(next.value)
        .rel("field_id", Some(field))
        .int("object_id", object)
        .text("value_text", text)
        .naive("value_date", date)
        .int_opt("value_int", integer)
        .finish()?;
    next.value += 1;
    Ok(())
}

/// An `article` row.
fn write_article(
    t: &mut Tables,
    article: i64,
    ticket: i64,
    (sender, channel, visible): (i64, i64, i64),
    fingerprint: Option<&str>,
    at: i64,
    by: i64,
) -> io::Result<()> {
    let mut row = t.get("article").row(article);
    row.rel("ticket_id", Some(ticket))
        .rel("article_sender_type_id", Some(sender))
        .rel("communication_channel_id", Some(channel))
        .int("is_visible_for_customer", visible)
        .int("search_index_needs_rebuild", 0)
        .text("insert_fingerprint", fingerprint)
        .naive("create_time", Some(at))
        .rel("create_by", Some(by))
        .naive("change_time", Some(at))
        .rel("change_by", Some(by));
    row.finish()
}

/// An `article_data_mime` row; `ids` are the Message-ID and the first message's id (In-Reply-To
/// and References) of a mail.
#[allow(clippy::too_many_arguments)]
fn write_mime(
    t: &mut Tables,
    article: i64,
    from: &str,
    to: &str,
    subject: &str,
    cc: Option<&str>,
    ids: Option<(&str, Option<&str>)>,
    body: Option<&str>,
    at: i64,
    by: i64,
) -> io::Result<()> {
    let (y, m, d) = super::ymd(at);
    let mut row = t.get("article_data_mime").row(article);
    row.rel("article_id", Some(article))
        .text("a_from", Some(&mb3(from)))
        .text("a_reply_to", None)
        .text("a_to", Some(&mb3(to)))
        .text("a_cc", cc)
        .text("a_bcc", None)
        .text("a_subject", Some(subject))
        .text("a_message_id", ids.map(|(id, _)| id))
        .text("a_in_reply_to", ids.and_then(|(_, first)| first))
        .text("a_references", ids.and_then(|(_, first)| first))
        .text("a_content_type", Some("text/plain; charset=utf-8"))
        .text("a_body", body)
        .int("incoming_time", at)
        .text("content_path", Some(&format!("{y:04}/{m:02}/{d:02}")))
        .naive("create_time", Some(at))
        .rel("create_by", Some(by))
        .naive("change_time", Some(at))
        .rel("change_by", Some(by));
    row.finish()
}

/// A `link_relation` row (valid), from `(source object, key)` to `(target object, key)`.
#[allow(clippy::too_many_arguments)]
fn link(
    t: &mut Tables,
    next: &mut Next,
    source_object: i64,
    source: i64,
    target_object: i64,
    target: i64,
    type_id: i64,
    at: i64,
    by: i64,
) -> io::Result<()> {
    t.get("link_relation")
        .row(next.link)
        .rel("source_object_id", Some(source_object))
        .text("source_key", Some(&source.to_string()))
        .rel("target_object_id", Some(target_object))
        .text("target_key", Some(&target.to_string()))
        .rel("type_id", Some(type_id))
        .rel("state_id", Some(admin::LINK_VALID))
        .naive("create_time", Some(at))
        .rel("create_by", Some(by))
        .finish()?;
    next.link += 1;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_attachments(
    t: &mut Tables,
    next: &mut Next,
    article: i64,
    at: i64,
    by: i64,
    rich: bool,
    body: &Body,
    files: &[File],
) -> io::Result<()> {
    let mut rows: Vec<Part> = Vec::new();
    if rich && let Some(html) = &body.html {
        rows.push((
            "file-2".to_owned(),
            "text/html; charset=\"utf-8\"".to_owned(),
            None,
            "inline",
            html.as_bytes().to_vec(),
            html.len() as u64,
        ));
    }
    for file in files {
        let disposition = if file.content_id.is_some() { "inline" } else { "attachment" };
        rows.push((
            file.name.clone(),
            format!("{}; name=\"{}\"", file.mime, file.name),
            file.content_id.as_ref().map(|c| format!("<{c}>")),
            disposition,
            file.content.clone(),
            file.size,
        ));
    }
    // Znuny lists attachments by file name, then id.
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, content_type, content_id, disposition, content, size) in rows {
        let mut row = t.get("article_data_mime_attachment").row(next.attachment);
        row.rel("article_id", Some(article))
            .text("filename", Some(&name))
            .text("content_size", Some(&size.to_string()))
            .text("content_type", Some(&content_type))
            .text("content_id", content_id.as_deref())
            .text("content_alternative", None)
            .text("disposition", Some(disposition))
            .binary("content", Some(&content))
            .naive("create_time", Some(at))
            .rel("create_by", Some(by))
            .naive("change_time", Some(at))
            .rel("change_by", Some(by));
        row.finish()?;
        next.attachment += 1;
    }
    Ok(())
}
