//! OTRS administration data beside the tickets: system addresses per queue, roles and their
//! permissions, service–SLA pairs, link lookups, one process-management definition, two stats
//! definitions and a small CMDB (GeneralCatalog and ITSM configuration items).
//!
//! Ids: the lookups here are numbered from 1 in the order of their constants; configuration item
//! `k` is `configitem` `k` (1-based), its versions follow one another in `configitem_version`.

use std::io;

use super::super::decl::{datetime, enumeration, float, int, rel, text};
use super::super::{DAY, HOUR, WINDOW_END, WINDOW_START, World, object, tag};
use super::{GROUPS, ROOT, SET_UP, Tables, agent_id, audit, audit_columns, audited, customer_id};
use crate::check::schema::ObjectSchema;

/// `link_object` ids.
pub(super) const LINK_TICKET: i64 = 1;
pub(super) const LINK_CONFIG_ITEM: i64 = 2;
/// `link_type` ids.
pub(super) const LINK_PARENT_CHILD: i64 = 2;
pub(super) const LINK_RELEVANT_TO: i64 = 3;
/// `link_state` id of valid links.
pub(super) const LINK_VALID: i64 = 1;

/// Dynamic field ids (see `DYNAMIC_FIELDS`).
pub(super) const FIELD_PROCESS: i64 = 9;
pub(super) const FIELD_ACTIVITY: i64 = 10;
pub(super) const FIELD_SEGMENT: i64 = 11;
pub(super) const FIELD_KEY_ACCOUNT: i64 = 12;
pub(super) const FIELD_SENTIMENT: i64 = 13;

/// System addresses: address, display name, queue id, valid id.
const ADDRESSES: [(&str, &str, i64, i64); 5] = [
    (super::SYSTEM_ADDRESS, "Helpdesk", 5, 1),
    ("billing@helpdesk.example", "Helpdesk Billing", 6, 1),
    ("technical@helpdesk.example", "Technical Support", 7, 1),
    ("hardware@helpdesk.example", "Hardware Desk", 8, 1),
    ("old-support@helpdesk.example", "Helpdesk (old address)", 4, 2),
];

/// The system address a queue sends from.
pub(super) fn queue_address(queue: i64) -> i64 {
    ADDRESSES.iter().position(|(_, _, q, valid)| *q == queue && *valid == 1).map_or(1, |k| k as i64 + 1)
}

/// Service–SLA pairs: (service id, sla id).
const SERVICE_SLA: [(i64, i64); 4] = [(1, 1), (2, 1), (2, 2), (3, 2)];

/// The SLAs offered for a service.
pub(super) fn slas_of(service: i64) -> Vec<i64> {
    SERVICE_SLA.iter().filter(|(s, _)| *s == service).map(|(_, sla)| *sla).collect()
}

/// Roles: name, valid id.
const ROLES: [(&str, i64); 4] = [("Support Agents", 1), ("Billing Agents", 1), ("Supervisors", 1), ("Former Staff", 2)];
/// Role permissions: role id, group id, permission key, permission value.
const GROUP_ROLES: [(i64, i64, &str, i64); 10] = [
    (1, 1, "ro", 1),
    (1, 4, "rw", 1),
    (2, 1, "ro", 1),
    (2, 5, "rw", 1),
    (2, 4, "ro", 1),
    (3, 4, "rw", 1),
    (3, 5, "rw", 1),
    (3, 3, "ro", 1),
    (4, 4, "rw", 0),
    (4, 1, "ro", 0),
];

/// General catalog rows: class, name (ids in this order).
const CATALOG: [(&str, &str); 15] = [
    ("ITSM::ConfigItem::Class", "Computer"),
    ("ITSM::ConfigItem::Class", "Hardware"),
    ("ITSM::ConfigItem::Class", "Location"),
    ("ITSM::ConfigItem::Class", "Network"),
    ("ITSM::ConfigItem::Class", "Software"),
    ("ITSM::ConfigItem::DeploymentState", "Planned"),
    ("ITSM::ConfigItem::DeploymentState", "Production"),
    ("ITSM::ConfigItem::DeploymentState", "Maintenance"),
    ("ITSM::ConfigItem::DeploymentState", "Retired"),
    ("ITSM::Core::IncidentState", "Operational"),
    ("ITSM::Core::IncidentState", "Warning"),
    ("ITSM::Core::IncidentState", "Incident"),
    ("ITSM::ConfigItem::Computer::Type", "Desktop"),
    ("ITSM::ConfigItem::Computer::Type", "Laptop"),
    ("ITSM::ConfigItem::Computer::Type", "Server"),
];
const CLASS_COMPUTER: i64 = 1;
const CLASS_HARDWARE: i64 = 2;

/// Configuration items: 10 plus one per 50 tickets, at most 400.
pub(super) fn configitem_count(world: &World) -> u64 {
    (10 + world.tickets / 50).min(400)
}

/// The entity ids of the process definition.
pub(super) struct Entities {
    pub process: String,
    pub activities: [String; 2],
    pub dialog: String,
    pub transitions: [String; 2],
    pub action: String,
}

/// The process definition's entity ids (random hex, fixed by the seed).
pub(super) fn process_entities(world: &World) -> Entities {
    let mut rng = world.rng(tag(b"otrs process entities"), 0);
    let mut id = |kind: &str| format!("{kind}-{}", rng.hex(32));
    Entities {
        process: id("Process"),
        activities: [id("Activity"), id("Activity")],
        dialog: id("ActivityDialog"),
        transitions: [id("Transition"), id("Transition")],
        action: id("TransitionAction"),
    }
}

fn with_audit(mut fields: Vec<(&'static str, super::super::Decl)>) -> Vec<(&'static str, super::super::Decl)> {
    audit_columns(&mut fields);
    fields
}

fn surrogate() -> super::super::Decl {
    int("ID").required().note("Surrogate key of the newest Znuny; older versions have none")
}

/// The schemas of the tables written here (and of the per-ticket tables added with them).
pub(super) fn schemas() -> Vec<(&'static str, ObjectSchema)> {
    let entity = |label: &str, extra: Vec<(&'static str, super::super::Decl)>| {
        let mut fields = vec![
            ("id", int("ID").required()),
            ("entity_id", text("Entity ID").required()),
            ("name", text("Name").required()),
        ];
        fields.extend(extra);
        fields.push(("config", text("Configuration (YAML)")));
        object(label, with_audit(fields))
    };
    vec![
        (
            "system_address",
            object(
                "System address (a queue's sender and recipient address)",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("value0", text("E-mail address").required()),
                    ("value1", text("Display name").required()),
                    ("queue_id", rel("queue", "Queue").required()),
                    ("comments", text("Comments")),
                    ("valid_id", rel("valid", "Validity")),
                ]),
            ),
        ),
        (
            "roles",
            object(
                "Role",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("name", text("Name").required()),
                    ("comments", text("Comments")),
                    ("valid_id", rel("valid", "Validity")),
                ]),
            ),
        ),
        (
            "role_user",
            object(
                "Agent in a role",
                with_audit(vec![
                    ("id", surrogate()),
                    ("user_id", rel("users", "Agent").required()),
                    ("role_id", rel("roles", "Role").required()),
                ]),
            ),
        ),
        (
            "group_role",
            object(
                "Role permission on a group (permission_value 1 = granted, 0 = explicitly not)",
                with_audit(vec![
                    ("id", surrogate()),
                    ("role_id", rel("roles", "Role").required()),
                    ("group_id", rel("permission_groups", "Group").required()),
                    ("permission_key", enumeration("Permission", &[("ro", "Read only"), ("rw", "Read/write")])),
                    ("permission_value", int("Granted (1/0)")),
                ]),
            ),
        ),
        (
            "group_user",
            object(
                "Direct agent permission on a group",
                with_audit(vec![
                    ("id", surrogate()),
                    ("user_id", rel("users", "Agent").required()),
                    ("group_id", rel("permission_groups", "Group").required()),
                    ("permission_key", enumeration("Permission", &[("ro", "Read only"), ("rw", "Read/write")])),
                ]),
            ),
        ),
        (
            "service_sla",
            object(
                "SLA offered for a service",
                vec![
                    ("id", surrogate()),
                    ("service_id", rel("service", "Service").required()),
                    ("sla_id", rel("sla", "SLA").required()),
                ],
            ),
        ),
        ("link_object", object("Linkable object type", vec![("id", int("ID").required()), ("name", text("Name"))])),
        (
            "link_type",
            object(
                "Link type",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("name", text("Name").required()),
                    ("valid_id", rel("valid", "Validity")),
                ]),
            ),
        ),
        (
            "link_state",
            object(
                "Link state",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("name", text("Name").required()),
                    ("valid_id", rel("valid", "Validity")),
                ]),
            ),
        ),
        (
            "link_relation",
            object(
                "Link between two objects (keys are ids as text; ParentChild: source is the parent)",
                vec![
                    ("id", surrogate()),
                    ("source_object_id", rel("link_object", "Source object type").required()),
                    ("source_key", text("Source id").required()),
                    ("target_object_id", rel("link_object", "Target object type").required()),
                    ("target_key", text("Target id").required()),
                    ("type_id", rel("link_type", "Type").required()),
                    ("state_id", rel("link_state", "State").required()),
                    ("create_time", datetime("Created").note("Naive, in OTRSTimeZone (UTC here)")),
                    ("create_by", rel("users", "Created by")),
                ],
            ),
        ),
        (
            "time_accounting",
            object(
                "Time accounted on a ticket (units as the installation decided; minutes here)",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("ticket_id", rel("ticket", "Ticket").required()),
                    ("article_id", rel("article", "Article")),
                    ("time_unit", float("Time units")),
                ]),
            ),
        ),
        (
            "dynamic_field_obj_id_name",
            object(
                "Object id of a customer user or company for its dynamic field values",
                vec![
                    ("id", int("Row number").required().note("The same as object_id")),
                    ("object_id", int("Object id").required()),
                    ("object_name", text("Login or customer ID").required()),
                    ("object_type", enumeration("Object type", &[("CustomerUser", "Customer user")])),
                ],
            ),
        ),
        (
            "customer_user_customer",
            object(
                "Further company a customer user acts for",
                with_audit(vec![
                    ("id", surrogate()),
                    ("user_id", text("Customer login").required()),
                    ("customer_id", text("Customer ID").required()),
                ]),
            ),
        ),
        (
            "pm_process",
            entity(
                "Process definition",
                vec![
                    ("state_entity_id", text("State (S1 active, S2 inactive, S3 fade away)")),
                    ("layout", text("Layout (YAML)")),
                ],
            ),
        ),
        ("pm_activity", entity("Process activity", vec![])),
        ("pm_activity_dialog", entity("Process activity dialog", vec![])),
        ("pm_transition", entity("Process transition (conditions in config)", vec![])),
        ("pm_transition_action", entity("Process transition action", vec![])),
        (
            "xml_storage",
            object(
                "XML storage: one row per leaf (stats definitions, configuration item attributes)",
                vec![
                    ("id", surrogate()),
                    ("xml_type", text("Type").required()),
                    ("xml_key", text("Key").required()),
                    ("xml_content_key", text("Path").required()),
                    ("xml_content_value", text("Value")),
                ],
            ),
        ),
        (
            "general_catalog",
            object(
                "General catalog entry (configuration item classes, states, types)",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("general_catalog_class", text("Class").required()),
                    ("name", text("Name").required()),
                    ("valid_id", rel("valid", "Validity")),
                    ("comments", text("Comments")),
                ]),
            ),
        ),
        (
            "configitem_definition",
            object(
                "Configuration item class definition (YAML list of attributes)",
                vec![
                    ("id", int("ID").required()),
                    ("class_id", rel("general_catalog", "Class").required()),
                    ("configitem_definition", text("Definition (YAML)").required()),
                    ("version", int("Version")),
                    ("create_time", datetime("Created").note("Naive, in OTRSTimeZone (UTC here)")),
                    ("create_by", rel("users", "Created by")),
                ],
            ),
        ),
        (
            "configitem",
            object(
                "Configuration item",
                with_audit(vec![
                    ("id", int("ID").required()),
                    ("configitem_number", text("Number").required()),
                    ("class_id", rel("general_catalog", "Class").required()),
                    ("last_version_id", rel("configitem_version", "Current version")),
                    ("cur_depl_state_id", rel("general_catalog", "Deployment state")),
                    ("cur_inci_state_id", rel("general_catalog", "Incident state")),
                ]),
            ),
        ),
        (
            "configitem_version",
            object(
                "Configuration item version (attributes in xml_storage under its id)",
                vec![
                    ("id", int("ID").required()),
                    ("configitem_id", rel("configitem", "Configuration item").required()),
                    ("name", text("Name").required()),
                    ("definition_id", rel("configitem_definition", "Definition").required()),
                    ("depl_state_id", rel("general_catalog", "Deployment state").required()),
                    ("inci_state_id", rel("general_catalog", "Incident state")),
                    ("create_time", datetime("Created").note("Naive, in OTRSTimeZone (UTC here)")),
                    ("create_by", rel("users", "Created by")),
                ],
            ),
        ),
    ]
}

/// Write the administration tables (before the tickets, which reference them).
pub(super) fn write(world: &World, t: &mut Tables) -> io::Result<()> {
    for (k, (address, name, queue, valid)) in ADDRESSES.iter().enumerate() {
        audited(
            t.get("system_address")
                .row(k as i64 + 1)
                .text("value0", Some(address))
                .text("value1", Some(name))
                .rel("queue_id", Some(*queue))
                .text("comments", (*valid != 1).then_some("Replaced by support@helpdesk.example"))
                .rel("valid_id", Some(*valid)),
            SET_UP,
        )
        .finish()?;
    }
    write_permissions(world, t)?;
    for (k, (service, sla)) in SERVICE_SLA.iter().enumerate() {
        t.get("service_sla").row(k as i64 + 1).rel("service_id", Some(*service)).rel("sla_id", Some(*sla)).finish()?;
    }
    for (k, name) in ["Ticket", "ITSMConfigItem"].iter().enumerate() {
        t.get("link_object").row(k as i64 + 1).text("name", Some(name)).finish()?;
    }
    for (k, name) in ["Normal", "ParentChild", "RelevantTo"].iter().enumerate() {
        audited(t.get("link_type").row(k as i64 + 1).text("name", Some(name)).rel("valid_id", Some(1)), SET_UP)
            .finish()?;
    }
    for (k, name) in ["Valid", "Temporary"].iter().enumerate() {
        audited(t.get("link_state").row(k as i64 + 1).text("name", Some(name)).rel("valid_id", Some(1)), SET_UP)
            .finish()?;
    }
    write_process(world, t)?;
    let mut xml = 1;
    write_stats(t, &mut xml)?;
    write_cmdb(world, t, &mut xml)
}

fn write_permissions(world: &World, t: &mut Tables) -> io::Result<()> {
    for (k, (name, valid)) in ROLES.iter().enumerate() {
        audited(
            t.get("roles")
                .row(k as i64 + 1)
                .text("name", Some(name))
                .text("comments", (*valid != 1).then_some("Agents who left; kept for their tickets"))
                .rel("valid_id", Some(*valid)),
            SET_UP,
        )
        .finish()?;
    }
    let mut row_id = 1;
    for agent in world.agents() {
        let mut roles = vec![if !agent.active {
            4
        } else if agent.team == 1 {
            2
        } else {
            1
        }];
        if agent.i == 0 {
            roles.push(3);
        }
        for role in roles {
            audited(
                t.get("role_user").row(row_id).rel("user_id", Some(agent_id(agent.i))).rel("role_id", Some(role)),
                agent.created,
            )
            .finish()?;
            row_id += 1;
        }
    }
    for (k, (role, group, key, value)) in GROUP_ROLES.iter().enumerate() {
        audited(
            t.get("group_role")
                .row(k as i64 + 1)
                .rel("role_id", Some(*role))
                .rel("group_id", Some(*group))
                .enumeration("permission_key", Some(key))
                .int("permission_value", *value),
            SET_UP,
        )
        .finish()?;
    }
    // Direct grants: the admin everywhere, and the first agent of each team read-only on billing.
    let mut grants: Vec<(i64, i64, &str)> = (1..=GROUPS.len() as i64).map(|g| (ROOT, g, "rw")).collect();
    for team in 0..3 {
        if let Some(agent) = world.agents().iter().find(|a| a.team == team && a.active) {
            grants.push((agent_id(agent.i), 5, "ro"));
        }
    }
    for (k, (user, group, key)) in grants.iter().enumerate() {
        audited(
            t.get("group_user")
                .row(k as i64 + 1)
                .rel("user_id", Some(*user))
                .rel("group_id", Some(*group))
                .enumeration("permission_key", Some(key)),
            SET_UP,
        )
        .finish()?;
    }
    Ok(())
}

fn write_process(world: &World, t: &mut Tables) -> io::Result<()> {
    let e = process_entities(world);
    let at = WINDOW_START + 40 * DAY;
    let [first, second] = &e.activities;
    let [premium, other] = &e.transitions;
    let config = format!(
        "---\nDescription: Replacement of broken hardware, from the report to the delivery.\nPath:\n  {first}:\n    \
         {premium}:\n      ActivityEntityID: {second}\n      TransitionAction:\n      - {action}\n    {other}:\n      \
         ActivityEntityID: {second}\n  {second}: {{}}\nStartActivity: {first}\nStartActivityDialog: {dialog}\n",
        action = e.action,
        dialog = e.dialog,
    );
    let layout = format!("---\n{first}:\n  left: '172'\n  top: '63'\n{second}:\n  left: '480'\n  top: '63'\n");
    let mut row = t.get("pm_process").row(1);
    row.text("entity_id", Some(&e.process))
        .text("name", Some("Hardware replacement"))
        .text("state_entity_id", Some("S1"))
        .text("layout", Some(&layout))
        .text("config", Some(&config));
    audited(&mut row, at).finish()?;
    let activities = [
        (first, "Assess the device", format!("---\nActivityDialog:\n  '1': {}\n", e.dialog)),
        (second, "Replacement delivered", "---\nActivityDialog: {}\n".to_owned()),
    ];
    for (k, (entity, name, config)) in activities.iter().enumerate() {
        let mut row = t.get("pm_activity").row(k as i64 + 1);
        row.text("entity_id", Some(entity)).text("name", Some(name)).text("config", Some(config));
        audited(&mut row, at).finish()?;
    }
    let dialog = "---\nDescriptionLong: ''\nDescriptionShort: Describe the fault and the device\nFieldOrder:\n- Article\n\
                  - DynamicField_ContractType\nFields:\n  Article:\n    Config:\n      CommunicationChannel: Internal\n      \
                  IsVisibleForCustomer: '0'\n      LabelBody: ''\n      LabelSubject: ''\n    DefaultValue: ''\n    \
                  DescriptionLong: ''\n    DescriptionShort: ''\n    Display: '1'\n  DynamicField_ContractType:\n    \
                  DefaultValue: ''\n    DescriptionLong: ''\n    DescriptionShort: ''\n    Display: '1'\nInterface:\n- \
                  AgentInterface\nPermission: ''\nRequiredLock: '0'\nSubmitAdviceText: ''\nSubmitButtonText: ''\n";
    let mut row = t.get("pm_activity_dialog").row(1);
    row.text("entity_id", Some(&e.dialog)).text("name", Some("Describe the fault")).text("config", Some(dialog));
    audited(&mut row, at).finish()?;
    let condition = |kind: &str, pattern: &str| {
        format!(
            "---\nCondition:\n  '1':\n    Fields:\n      DynamicField_ContractType:\n        Match: '{pattern}'\n        \
             Type: {kind}\n    Type: and\nConditionLinking: and\n"
        )
    };
    let transitions = [
        (premium, "Premium contract", condition("String", "premium")),
        (other, "Other contract", condition("Regexp", "^(basic|enterprise)$")),
    ];
    for (k, (entity, name, config)) in transitions.iter().enumerate() {
        let mut row = t.get("pm_transition").row(k as i64 + 1);
        row.text("entity_id", Some(entity)).text("name", Some(name)).text("config", Some(config));
        audited(&mut row, at).finish()?;
    }
    let action = "---\nConfig:\n  Queue: Support::Technical::Hardware\n\
                  Module: Kernel::System::ProcessManagement::TransitionAction::TicketQueueSet\n";
    let mut row = t.get("pm_transition_action").row(1);
    row.text("entity_id", Some(&e.action))
        .text("name", Some("Move to the hardware queue"))
        .text("config", Some(action));
    audited(&mut row, at).finish()
}

fn xml_row(t: &mut Tables, xml: &mut i64, kind: &str, key: &str, path: &str, value: &str) -> io::Result<()> {
    t.get("xml_storage")
        .row(*xml)
        .text("xml_type", Some(kind))
        .text("xml_key", Some(key))
        .text("xml_content_key", Some(path))
        .text("xml_content_value", Some(value))
        .finish()?;
    *xml += 1;
    Ok(())
}

/// A stats definition: title, description, x axis, value series, chart format, selected series values.
type Stat = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static [&'static str]);

/// Two dynamic ticket statistics, stored as Znuny's Stats module does: one xml_storage row per leaf.
fn write_stats(t: &mut Tables, xml: &mut i64) -> io::Result<()> {
    let created = super::super::rfc3339(SET_UP + 200 * DAY).replace('T', " ").replace('Z', "");
    let stats: [Stat; 2] = [
        (
            "Tickets per queue and state",
            "Open and closed tickets of each queue, by state.",
            "QueueIDs",
            "StateIDs",
            "D3::BarChart",
            &["1", "2", "4", "6"],
        ),
        (
            "Tickets per priority",
            "New tickets of the last month by priority and type.",
            "PriorityIDs",
            "TypeIDs",
            "D3::StackedAreaChart",
            &["1", "2", "3"],
        ),
    ];
    for (k, (title, description, x, series, chart, selected)) in stats.iter().enumerate() {
        let key = (k + 1).to_string();
        let base = "[1]{'otrs_stats'}[1]";
        let mut rows: Vec<(String, String)> = vec![
            (format!("{base}{{'Title'}}[1]{{'Content'}}"), (*title).to_owned()),
            (format!("{base}{{'Description'}}[1]{{'Content'}}"), (*description).to_owned()),
            (format!("{base}{{'Object'}}[1]{{'Content'}}"), "Ticket".to_owned()),
            (format!("{base}{{'ObjectModule'}}[1]{{'Content'}}"), "Kernel::System::Stats::Dynamic::Ticket".to_owned()),
            (format!("{base}{{'StatType'}}[1]{{'Content'}}"), "dynamic".to_owned()),
            (format!("{base}{{'StatNumber'}}[1]{{'Content'}}"), format!("{}", 10_001 + k)),
            (format!("{base}{{'Valid'}}[1]{{'Content'}}"), "1".to_owned()),
            (format!("{base}{{'Format'}}[1]{{'Content'}}"), "Print".to_owned()),
            (format!("{base}{{'Format'}}[2]{{'Content'}}"), (*chart).to_owned()),
            (format!("{base}{{'Permission'}}[1]{{'Content'}}"), "3".to_owned()),
            (format!("{base}{{'TimeZone'}}[1]{{'Content'}}"), "UTC".to_owned()),
            (format!("{base}{{'Created'}}[1]{{'Content'}}"), created.clone()),
            (format!("{base}{{'CreatedBy'}}[1]{{'Content'}}"), "1".to_owned()),
            (format!("{base}{{'Changed'}}[1]{{'Content'}}"), created.clone()),
            (format!("{base}{{'ChangedBy'}}[1]{{'Content'}}"), "1".to_owned()),
            (format!("{base}{{'UseAsXvalue'}}[1]{{'Element'}}"), (*x).to_owned()),
            (format!("{base}{{'UseAsXvalue'}}[1]{{'Selected'}}"), "1".to_owned()),
            (format!("{base}{{'UseAsXvalue'}}[1]{{'Fixed'}}"), "1".to_owned()),
            (format!("{base}{{'UseAsValueSeries'}}[1]{{'Element'}}"), (*series).to_owned()),
            (format!("{base}{{'UseAsValueSeries'}}[1]{{'Selected'}}"), "1".to_owned()),
            (format!("{base}{{'UseAsValueSeries'}}[1]{{'Fixed'}}"), "0".to_owned()),
            (format!("{base}{{'UseAsRestriction'}}[1]{{'Element'}}"), "CreateTime".to_owned()),
            (format!("{base}{{'UseAsRestriction'}}[1]{{'Selected'}}"), "1".to_owned()),
            (format!("{base}{{'UseAsRestriction'}}[1]{{'TimeRelativeCount'}}"), "1".to_owned()),
            (format!("{base}{{'UseAsRestriction'}}[1]{{'TimeRelativeUnit'}}"), "Month".to_owned()),
        ];
        for (n, value) in selected.iter().enumerate() {
            rows.push((
                format!("{base}{{'UseAsValueSeries'}}[1]{{'SelectedValues'}}[{}]{{'Content'}}", n + 1),
                (*value).to_owned(),
            ));
        }
        for (path, value) in rows {
            xml_row(t, xml, "Stats", &key, &path, &value)?;
        }
    }
    Ok(())
}

fn write_cmdb(world: &World, t: &mut Tables, xml: &mut i64) -> io::Result<()> {
    for (k, (class, name)) in CATALOG.iter().enumerate() {
        audited(
            t.get("general_catalog")
                .row(k as i64 + 1)
                .text("general_catalog_class", Some(class))
                .text("name", Some(name))
                .rel("valid_id", Some(if *name == "Location" { 2 } else { 1 }))
                .text("comments", None),
            SET_UP,
        )
        .finish()?;
    }
    let attribute = |key: &str, name: &str, extra: &str| {
        format!(
            "- Key: {key}\n  Name: {name}\n  Searchable: 1\n  Input:\n    Type: Text\n    Size: 50\n    MaxLength: 100\n{extra}"
        )
    };
    let company = "- Key: CustomerCompany\n  Name: Customer company\n  Input:\n    Type: CustomerCompany\n";
    let nic = "- Key: NIC\n  Name: Network adapter\n  CountMin: 0\n  CountMax: 4\n  CountDefault: 1\n  Input:\n    Type: Text\n    \
               Size: 30\n  Sub:\n  - Key: IPAddress\n    Name: IP address\n    CountMax: 4\n    Input:\n      Type: Text\n";
    let computer_v1 = format!(
        "---\n{}{}{}{company}",
        attribute("Vendor", "Vendor", ""),
        attribute("Model", "Model", ""),
        attribute("SerialNumber", "Serial number", "")
    );
    let computer_v2 = format!("{computer_v1}{nic}");
    let hardware = format!(
        "---\n{}{}{company}",
        attribute("Vendor", "Vendor", ""),
        attribute("SerialNumber", "Serial number", "")
    );
    let change = WINDOW_START + 300 * DAY;
    let definitions = [
        (CLASS_COMPUTER, computer_v1, 1, SET_UP),
        (CLASS_HARDWARE, hardware, 1, SET_UP),
        (CLASS_COMPUTER, computer_v2, 2, change),
    ];
    for (k, (class, definition, version, at)) in definitions.iter().enumerate() {
        t.get("configitem_definition")
            .row(k as i64 + 1)
            .rel("class_id", Some(*class))
            .text("configitem_definition", Some(definition))
            .int("version", *version)
            .naive("create_time", Some(*at))
            .rel("create_by", Some(ROOT))
            .finish()?;
    }
    let companies: Vec<u64> = (0..world.customers).step_by(10).collect();
    let mut version_id = 1;
    for k in 1..=configitem_count(world) as i64 {
        let mut rng = world.rng(tag(b"otrs configitem"), k as u64);
        let class = if k % 3 == 0 { CLASS_HARDWARE } else { CLASS_COMPUTER };
        let versions = 1 + rng.below(3) as i64;
        let created = WINDOW_START + rng.range(0, 600) * DAY + rng.range(8, 17) * HOUR;
        let (vendor, model) = *rng.pick(&[
            ("Dell", "Latitude 5440"),
            ("Lenovo", "ThinkPad T14"),
            ("HP", "EliteDesk 800"),
            ("Brother", "HL-L5100DN"),
        ]);
        let serial = rng.hex(10).to_uppercase();
        let owner = (!companies.is_empty() && rng.percent(60))
            .then(|| customer_id(&world.customer(companies[rng.index(companies.len())])));
        let name = if class == CLASS_COMPUTER { format!("PC-{k:04}") } else { format!("Printer {k}") };
        let mut times = Vec::new();
        let mut at = created;
        for _ in 0..versions {
            times.push(at);
            at = (at + rng.range(20, 200) * DAY).min(WINDOW_END - DAY);
        }
        let last = version_id + versions - 1;
        let mut depl = 7;
        let mut inci = 10;
        let mut version_rows = Vec::new();
        for (v, when) in times.iter().enumerate() {
            let current = v as i64 == versions - 1;
            depl = if current { *rng.weighted(&[(7, 75), (8, 10), (9, 10), (6, 5)]) } else { 7 };
            inci = if current { *rng.weighted(&[(10, 85), (11, 10), (12, 5)]) } else { 10 };
            let definition = if class == CLASS_HARDWARE {
                2
            } else if *when >= change {
                3
            } else {
                1
            };
            version_rows.push((version_id + v as i64, *when, definition, depl, inci, current));
        }
        let mut row = t.get("configitem").row(k);
        row.text("configitem_number", Some(&format!("10{class:02}{k:06}")))
            .rel("class_id", Some(class))
            .rel("last_version_id", Some(last))
            .rel("cur_depl_state_id", Some(depl))
            .rel("cur_inci_state_id", Some(inci));
        audit(&mut row, created, *times.last().unwrap_or(&created)).finish()?;
        for (id, when, definition, depl, inci, current) in version_rows {
            t.get("configitem_version")
                .row(id)
                .rel("configitem_id", Some(k))
                .text("name", Some(&name))
                .rel("definition_id", Some(definition))
                .rel("depl_state_id", Some(depl))
                .rel("inci_state_id", Some(inci))
                .naive("create_time", Some(when))
                .rel("create_by", Some(ROOT))
                .finish()?;
            // Only the current version's attributes stay under the class; older ones are archived.
            let kind = if current {
                format!("ITSM::ConfigItem::{class}")
            } else {
                format!("ITSM::ConfigItem::Archiv::{class}")
            };
            let key = id.to_string();
            let attr = |name: &str| format!("[1]{{'Version'}}[1]{{'{name}'}}[1]{{'Content'}}");
            xml_row(t, xml, &kind, &key, &attr("Vendor"), vendor)?;
            if class == CLASS_COMPUTER {
                xml_row(t, xml, &kind, &key, &attr("Model"), model)?;
            }
            xml_row(t, xml, &kind, &key, &attr("SerialNumber"), &serial)?;
            if let Some(owner) = &owner {
                xml_row(t, xml, &kind, &key, &attr("CustomerCompany"), owner)?;
            }
            if definition == 3 {
                for n in 1..=(1 + (id % 2)) {
                    let nic = format!("[1]{{'Version'}}[1]{{'NIC'}}[{n}]");
                    xml_row(t, xml, &kind, &key, &format!("{nic}{{'Content'}}"), &format!("eth{}", n - 1))?;
                    let ip = format!("10.{}.{}.{}", class, k % 250, 10 + n + id % 200);
                    xml_row(t, xml, &kind, &key, &format!("{nic}{{'IPAddress'}}[1]{{'Content'}}"), &ip)?;
                }
            }
        }
        version_id = last + 1;
    }
    Ok(())
}
