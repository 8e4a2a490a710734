//! Odoo 17 Help Desk: models and fields exactly as `specs/schemas/odoo-17.lock.yaml` lists them.
//!
//! Ids: `res.company` 1 (not exported) has partner 1; user 1 is `__system__` (partner 2, OdooBot,
//! inactive); user 2 is the administrator (partner 3); agent `i` is user `3 + i` with partner
//! `4 + i`; customer `j` is partner `4 + agents + j`; a few customers are portal users (shared
//! users after the agents). Stages 1–5 are New, In Progress, On Hold, Solved, Cancelled (Solved
//! and Cancelled folded); teams, tags, types and SLA policies use the lock's names in its order.
//! Three automated actions (one archived) with four server actions, and a mail alias per team
//! (`support@`, `billing@`, `tech@help.example.com`) plus an unused one, are what the inventory
//! lists to rebuild by hand.

use std::io;
use std::path::Path;

use super::text::{self, File, FileKind};
use super::{
    CONTRACTS, Case, Channel, Customer, CustomerCase, DAY, HOUR, Kind, MINUTE, Message, Status, TEAMS, TICKET_TYPES,
    Table, Ticket, WINDOW_END, WINDOW_START, World, combine, json_str, messy_email, sha1_hex, tag,
};
use crate::check::schema::{ObjectSchema, SchemaLock};
use crate::source::SourceMap;

/// The lock the bundled spec is checked against; the generated data follows it field for field.
const BASE_LOCK: &str = include_str!("../../specs/schemas/odoo-17.lock.yaml");

/// The base lock, parsed.
pub(super) fn base_lock() -> SchemaLock {
    let mut sources = SourceMap::new();
    let id = sources.add("<specs/schemas/odoo-17.lock.yaml>", None, BASE_LOCK);
    crate::spec::load_source(&sources, id).expect("the bundled Odoo 17 lock is a valid lock")
}

/// An object of the base lock with its counts cleared (they are refilled from the data).
fn schema(base: &SchemaLock, name: &str) -> ObjectSchema {
    let mut object = base.objects.get(name).cloned().unwrap_or_else(|| panic!("{name} is not in the Odoo lock"));
    object.count = None;
    for field in object.fields.values_mut() {
        for value in &mut field.values {
            value.count = None;
        }
    }
    object
}

const STAGES: [(&str, bool); 5] =
    [("New", false), ("In Progress", false), ("On Hold", false), ("Solved", true), ("Cancelled", true)];
const TAGS: [&str; 7] = ["Bug", "Billing", "Hardware", "Login", "Feature Request", "Refund", "VIP"];
/// SLA policies: name, team index, minimum priority, working hours, stage to reach.
const SLAS: [(&str, usize, &str, f64, i64); 4] = [
    ("Standard response (3 days)", 0, "0", 24.0, 2),
    ("Billing response (2 days)", 1, "0", 16.0, 2),
    ("Technical response (1 day)", 2, "0", 8.0, 2),
    ("Urgent tickets (4 working hours)", 0, "3", 4.0, 4),
];
/// Message subtypes: name, internal, model, description.
const SUBTYPES: [(&str, bool, Option<&str>, Option<&str>); 6] = [
    ("Discussions", false, None, None),
    ("Note", true, None, None),
    ("Activities", false, None, None),
    ("Ticket Created", false, Some("helpdesk.ticket"), Some("Ticket created")),
    ("Stage Changed", false, Some("helpdesk.ticket"), Some("Stage changed")),
    ("Ticket Rated", false, Some("helpdesk.ticket"), Some("Ticket rated")),
];
const SUBTYPE_DISCUSSION: i64 = 1;
const SUBTYPE_NOTE: i64 = 2;
const SUBTYPE_ACTIVITY: i64 = 3;
const SUBTYPE_CREATED: i64 = 4;
const SUBTYPE_STAGE: i64 = 5;
const SUBTYPE_RATED: i64 = 6;
const PORTAL_USERS: u64 = 5;
/// `ir.model` id of helpdesk.ticket (for `rating.rating.res_model_id`).
const TICKET_MODEL_ID: i64 = 412;
/// `ir.model` id of helpdesk.team (the aliases' parent model).
const TEAM_MODEL_ID: i64 = 411;
/// Automated actions: name, trigger, active, server actions (ids into `SERVER_ACTIONS`, from 1),
/// domain.
const AUTOMATIONS: [(&str, &str, bool, &[i64], &str); 3] = [
    ("Acknowledge new tickets", "on_create", true, &[1], "[]"),
    ("Escalate urgent tickets", "on_priority_set", true, &[2, 3], "[(\"priority\", \"=\", \"3\")]"),
    ("Remind about stale tickets", "on_time", false, &[4], "[(\"stage_id.fold\", \"=\", False)]"),
];
/// Server actions: name, type.
const SERVER_ACTIONS: [(&str, &str); 4] = [
    ("Send the acknowledgement email", "mail_post"),
    ("Assign to the team lead", "object_write"),
    ("Add the support manager as follower", "followers"),
    ("Schedule a follow-up call", "next_activity"),
];
/// Who may write to each team's alias.
const ALIAS_CONTACTS: [&str; 3] = ["everyone", "partners", "everyone"];
/// The aliases' domain.
const ALIAS_DOMAIN: &str = "help.example.com";
const COMPANY_PARTNER: i64 = 1;
const ODOOBOT_PARTNER: i64 = 2;

struct Tables {
    ticket: Table,
    stage: Table,
    team: Table,
    tag: Table,
    ticket_type: Table,
    sla: Table,
    sla_status: Table,
    partner: Table,
    users: Table,
    message: Table,
    subtype: Table,
    attachment: Table,
    rating: Table,
    automation: Table,
    server_action: Table,
    model: Table,
    alias: Table,
}

/// Id counters for the per-ticket objects.
#[derive(Default)]
struct Next {
    message: i64,
    attachment: i64,
    sla_status: i64,
    rating: i64,
}

struct Odoo<'a> {
    world: &'a World,
    /// Customers with a portal user: `(customer index, user id)`.
    portal: Vec<(u64, i64)>,
}

impl Odoo<'_> {
    fn agent_uid(&self, i: u64) -> i64 {
        3 + i as i64
    }

    fn agent_partner(&self, i: u64) -> i64 {
        4 + i as i64
    }

    fn customer_partner(&self, j: u64) -> i64 {
        4 + self.world.agents as i64 + j as i64
    }

    fn portal_uid(&self, j: u64) -> Option<i64> {
        self.portal.iter().find(|(pj, _)| *pj == j).map(|(_, uid)| *uid)
    }
}

/// Write every Odoo object into `dir`.
pub(super) fn generate(world: &World, dir: &Path) -> io::Result<(&'static str, Vec<Table>)> {
    let base = base_lock();
    let table = |name: &str| Table::create(dir, name, schema(&base, name));
    let mut t = Tables {
        ticket: table("helpdesk.ticket")?,
        stage: table("helpdesk.stage")?,
        team: table("helpdesk.team")?,
        tag: table("helpdesk.tag")?,
        ticket_type: table("helpdesk.ticket.type")?,
        sla: table("helpdesk.sla")?,
        sla_status: table("helpdesk.sla.status")?,
        partner: table("res.partner")?,
        users: table("res.users")?,
        message: table("mail.message")?,
        subtype: table("mail.message.subtype")?,
        attachment: table("ir.attachment")?,
        rating: table("rating.rating")?,
        automation: table("base.automation")?,
        server_action: table("ir.actions.server")?,
        model: table("ir.model")?,
        alias: table("mail.alias")?,
    };
    let mut odoo = Odoo { world, portal: Vec::new() };
    let first_portal = 3 + world.agents as i64;
    let mut j = 1;
    while (odoo.portal.len() as u64) < PORTAL_USERS && j < world.customers {
        let customer = world.customer(j);
        if !customer.company && customer.case == CustomerCase::Plain {
            odoo.portal.push((j, first_portal + odoo.portal.len() as i64));
        }
        j += 1;
    }
    write_settings(&odoo, &mut t)?;
    write_automations(&mut t)?;
    write_users(&odoo, &mut t)?;
    write_partners(&odoo, &mut t)?;
    let mut next = Next { message: 1, attachment: 1, sla_status: 1, rating: 1 };
    for index in 0..world.tickets {
        write_ticket(&odoo, &mut t, &mut next, &world.ticket(index))?;
    }
    let Tables {
        ticket,
        stage,
        team,
        tag,
        ticket_type,
        sla,
        sla_status,
        partner,
        users,
        message,
        subtype,
        attachment,
        rating,
        automation,
        server_action,
        model,
        alias,
    } = t;
    Ok((
        "17.0",
        vec![
            ticket,
            stage,
            team,
            tag,
            ticket_type,
            sla,
            sla_status,
            partner,
            users,
            message,
            subtype,
            attachment,
            rating,
            automation,
            server_action,
            model,
            alias,
        ],
    ))
}

/// Stages, teams, tags, types, SLA policies and message subtypes.
fn write_settings(odoo: &Odoo, t: &mut Tables) -> io::Result<()> {
    let world = odoo.world;
    let set_up = WINDOW_START - 400 * DAY;
    for (k, (name, fold)) in STAGES.iter().enumerate() {
        t.stage
            .row(k as i64 + 1)
            .text("name", Some(name))
            .text("description", (k == 2).then_some("Waiting for the customer or a supplier"))
            .int("sequence", k as i64 * 10)
            .bool("fold", *fold)
            .many("team_ids", 1..=3)
            .rel("template_id", (k == 3).then_some(27))
            .text("legend_normal", Some("In Progress"))
            .text("legend_done", Some("Ready"))
            .text("legend_blocked", Some("Blocked"))
            .bool("active", true)
            .datetime("create_date", Some(set_up))
            .datetime("write_date", Some(set_up + (k as i64 + 1) * DAY))
            .finish()?;
    }
    let definitions = r#"[{"name":"3f1c2a9e7b5d4c60","type":"char","string":"Serial number"},{"name":"8a7e6d5c4b3a2910","type":"selection","string":"Operating system","selection":[["win","Windows"],["mac","macOS"],["linux","Linux"]]}]"#;
    for (k, name) in TEAMS.iter().enumerate() {
        let members: Vec<i64> = world.agents().iter().filter(|a| a.team == k).map(|a| odoo.agent_uid(a.i)).collect();
        t.team
            .row(k as i64 + 1)
            .text("name", Some(name))
            .html("description", Some(&format!("<p>{name}: questions from customers.</p>")))
            .bool("active", true)
            .int("sequence", k as i64 + 1)
            .int("color", [1, 4, 10][k])
            .rel("company_id", Some(1))
            .many("member_ids", members)
            .many("stage_ids", 1..=5)
            .bool("use_sla", true)
            .bool("use_rating", k != 1)
            .text("alias_name", Some(["support", "billing", "tech"][k]))
            .rel("resource_calendar_id", Some(1))
            .enumeration("assign_method", Some(["randomly", "randomly", "balanced"][k]))
            .bool("auto_assignment", k != 1)
            .enumeration("privacy_visibility", Some(["portal", "internal", "internal"][k]))
            .bool("allow_portal_ticket_closing", k == 0)
            .bool("auto_close_ticket", k != 1)
            .int("auto_close_day", [7, 0, 14][k])
            .rel("to_stage_id", (k != 1).then_some(4))
            .many("from_stage_ids", if k != 1 { vec![3] } else { vec![] })
            .json("ticket_properties", if k == 2 { definitions } else { "[]" })
            .bool("portal_show_rating", k == 0)
            .datetime("create_date", Some(set_up))
            .datetime("write_date", Some(set_up + 3 * DAY))
            .finish()?;
    }
    for (k, name) in TAGS.iter().enumerate() {
        t.tag
            .row(k as i64 + 1)
            .text("name", Some(name))
            .int("color", k as i64 + 1)
            .datetime("create_date", Some(set_up))
            .datetime("write_date", Some(set_up))
            .finish()?;
    }
    for (k, name) in TICKET_TYPES.iter().enumerate() {
        t.ticket_type
            .row(k as i64 + 1)
            .text("name", Some(name))
            .int("sequence", k as i64 * 10)
            .datetime("create_date", Some(set_up))
            .datetime("write_date", Some(set_up))
            .finish()?;
    }
    for (k, (name, team, priority, hours, stage)) in SLAS.iter().enumerate() {
        t.sla
            .row(k as i64 + 1)
            .text("name", Some(name))
            .html("description", Some(&format!("<p>Answer within {hours} working hours.</p>")))
            .bool("active", true)
            .rel("team_id", Some(*team as i64 + 1))
            .enumeration("priority", Some(priority))
            .rel("stage_id", Some(*stage))
            .many("exclude_stage_ids", [3])
            .many("tag_ids", [])
            .many("ticket_type_ids", [])
            .many("partner_ids", [])
            .float("time", *hours)
            .rel("company_id", Some(1))
            .datetime("create_date", Some(set_up))
            .datetime("write_date", Some(set_up))
            .finish()?;
    }
    for (k, (name, internal, model, description)) in SUBTYPES.iter().enumerate() {
        t.subtype
            .row(k as i64 + 1)
            .text("name", Some(name))
            .bool("internal", *internal)
            .text("res_model", *model)
            .text("description", *description)
            .datetime("create_date", Some(set_up))
            .datetime("write_date", Some(set_up))
            .finish()?;
    }
    Ok(())
}

/// Automated actions with their server actions, the two `ir.model` rows they name, and one mail
/// alias per team (the alias name the team carries) plus an unused one.
fn write_automations(t: &mut Tables) -> io::Result<()> {
    let set_up = WINDOW_START - 400 * DAY;
    for (id, name, model) in
        [(TEAM_MODEL_ID, "Helpdesk Team", "helpdesk.team"), (TICKET_MODEL_ID, "Helpdesk Ticket", "helpdesk.ticket")]
    {
        t.model.row(id).text("name", Some(name)).text("model", Some(model)).finish()?;
    }
    for (k, (name, state)) in SERVER_ACTIONS.iter().enumerate() {
        t.server_action
            .row(k as i64 + 1)
            .text("name", Some(name))
            .enumeration("state", Some(state))
            .rel("model_id", Some(TICKET_MODEL_ID))
            .text("model_name", Some("helpdesk.ticket"))
            .datetime("create_date", Some(set_up))
            .datetime("write_date", Some(set_up + DAY))
            .finish()?;
    }
    for (k, (name, trigger, active, actions, domain)) in AUTOMATIONS.iter().enumerate() {
        t.automation
            .row(k as i64 + 1)
            .text("name", Some(name))
            .rel("model_id", Some(TICKET_MODEL_ID))
            .text("model_name", Some("helpdesk.ticket"))
            .enumeration("trigger", Some(trigger))
            .bool("active", *active)
            .many("action_server_ids", actions.iter().copied())
            .text("filter_domain", Some(domain))
            .datetime("create_date", Some(set_up))
            .datetime("write_date", Some(set_up + DAY))
            .finish()?;
    }
    for (k, name) in ["support", "billing", "tech"].iter().enumerate() {
        let team = k as i64 + 1;
        let defaults = format!("{{'team_id': {team}}}");
        t.alias
            .row(team)
            .text("alias_name", Some(name))
            .text("alias_domain", Some(ALIAS_DOMAIN))
            .text("alias_full_name", Some(&format!("{name}@{ALIAS_DOMAIN}")))
            .rel("alias_model_id", Some(TICKET_MODEL_ID))
            .text("alias_defaults", Some(&defaults))
            .int("alias_force_thread_id", 0)
            .rel("alias_parent_model_id", Some(TEAM_MODEL_ID))
            .int("alias_parent_thread_id", team)
            .enumeration("alias_contact", Some(ALIAS_CONTACTS[k]))
            .enumeration("alias_status", Some("valid"))
            .datetime("create_date", Some(set_up))
            .datetime("write_date", Some(set_up + 3 * DAY))
            .finish()?;
    }
    t.alias
        .row(4)
        .text("alias_name", None)
        .text("alias_domain", Some(ALIAS_DOMAIN))
        .text("alias_full_name", None)
        .rel("alias_model_id", Some(TICKET_MODEL_ID))
        .text("alias_defaults", Some("{}"))
        .int("alias_force_thread_id", 0)
        .rel("alias_parent_model_id", None)
        .int("alias_parent_thread_id", 0)
        .enumeration("alias_contact", Some("everyone"))
        .enumeration("alias_status", Some("not_tested"))
        .datetime("create_date", Some(set_up))
        .datetime("write_date", Some(set_up))
        .finish()?;
    Ok(())
}

/// Users: the system user, the administrator, agents, then portal users.
fn write_users(odoo: &Odoo, t: &mut Tables) -> io::Result<()> {
    let world = odoo.world;
    let set_up = WINDOW_START - 400 * DAY;
    t.users
        .row(1)
        .text("login", Some("__system__"))
        .text("name", Some("OdooBot"))
        .text("email", Some("odoobot@example.com"))
        .rel("partner_id", Some(ODOOBOT_PARTNER))
        .bool("active", false)
        .bool("share", false)
        .rel("company_id", Some(1))
        .many("company_ids", [1])
        .many("groups_id", [1, 2])
        .enumeration("tz", Some("UTC"))
        .enumeration("lang", Some("en_US"))
        .datetime("create_date", Some(set_up))
        .datetime("write_date", Some(set_up))
        .finish()?;
    t.users
        .row(2)
        .text("login", Some("admin"))
        .text("name", Some("Administrator"))
        .text("email", Some("admin@yourcompany.example"))
        .rel("partner_id", Some(3))
        .bool("active", true)
        .bool("share", false)
        .rel("company_id", Some(1))
        .many("company_ids", [1])
        .many("groups_id", [1, 2, 50, 51])
        .enumeration("tz", Some("Europe/Berlin"))
        .enumeration("lang", Some("en_US"))
        .datetime("create_date", Some(set_up))
        .datetime("write_date", Some(set_up + DAY))
        .finish()?;
    for agent in world.agents() {
        t.users
            .row(odoo.agent_uid(agent.i))
            .text("login", Some(agent.email.as_deref().map_or(agent.login.clone(), str::to_lowercase).as_str()))
            .text("name", Some(&agent.name))
            .text("email", agent.email.as_deref())
            .rel("partner_id", Some(odoo.agent_partner(agent.i)))
            .bool("active", agent.active)
            .bool("share", false)
            .rel("company_id", Some(1))
            .many("company_ids", [1])
            .many("groups_id", if agent.i % 4 == 0 { vec![1, 50, 51] } else { vec![1, 50] })
            .enumeration("tz", Some(agent.tz))
            .enumeration("lang", Some(agent.lang.odoo_code()))
            .datetime("create_date", Some(agent.created))
            .datetime("write_date", Some(agent.created + 30 * DAY))
            .finish()?;
    }
    for &(j, uid) in &odoo.portal {
        let customer = world.customer(j);
        let tz = customer.tz.filter(|tz| matches!(*tz, "Europe/Berlin" | "Europe/London" | "UTC"));
        t.users
            .row(uid)
            .text("login", Some(&customer.clean_email))
            .text("name", Some(&customer.name))
            .text("email", customer.email.as_deref())
            .rel("partner_id", Some(odoo.customer_partner(j)))
            .bool("active", true)
            .bool("share", true)
            .rel("company_id", Some(1))
            .many("company_ids", [1])
            .many("groups_id", [10])
            .enumeration("tz", tz)
            .enumeration("lang", Some(customer.lang.odoo_code()))
            .datetime("create_date", Some(customer.created + HOUR))
            .datetime("write_date", Some(customer.updated))
            .finish()?;
    }
    Ok(())
}

/// An internal partner: id, name, e-mail, is a company, its user, time zone, language.
type InternalPartner<'a> = (i64, String, Option<String>, bool, Option<i64>, &'a str, &'a str);

/// How a message is stored: type, subtype, author, From, subject, internal, body, recipients.
type MessageShape<'a> =
    (&'a str, Option<i64>, Option<i64>, Option<String>, Option<&'a str>, bool, Option<String>, Vec<i64>);

/// Partners: the company, OdooBot, the administrator, agents, then customers (deleted ones are
/// left out).
fn write_partners(odoo: &Odoo, t: &mut Tables) -> io::Result<()> {
    let world = odoo.world;
    let set_up = WINDOW_START - 400 * DAY;
    let internal: Vec<InternalPartner> = [
        (
            1,
            "YourCompany".to_owned(),
            Some("info@yourcompany.example".to_owned()),
            true,
            None,
            "Europe/Berlin",
            "en_US",
        ),
        (2, "OdooBot".to_owned(), Some("odoobot@example.com".to_owned()), false, Some(1), "UTC", "en_US"),
        (
            3,
            "Administrator".to_owned(),
            Some("admin@yourcompany.example".to_owned()),
            false,
            Some(2),
            "Europe/Berlin",
            "en_US",
        ),
    ]
    .into_iter()
    .chain(world.agents().iter().map(|a| {
        (
            odoo.agent_partner(a.i),
            a.name.clone(),
            a.email.clone(),
            false,
            Some(odoo.agent_uid(a.i)),
            a.tz,
            a.lang.odoo_code(),
        )
    }))
    .collect();
    for (id, name, email, is_company, uid, tz, lang) in internal {
        let display = if is_company || id == 2 { name.clone() } else { format!("YourCompany, {name}") };
        t.partner
            .row(id)
            .text("name", Some(&name))
            .text("display_name", Some(&display))
            .text("email", email.as_deref())
            .text("phone", is_company.then_some("+49 30 1234567"))
            .text("mobile", None)
            .text("street", is_company.then_some("Friedrichstraße 1"))
            .text("street2", None)
            .text("city", is_company.then_some("Berlin"))
            .text("zip", is_company.then_some("10117"))
            .rel("state_id", None)
            .rel("country_id", Some(57))
            .bool("is_company", is_company)
            .enumeration("company_type", Some(if is_company { "company" } else { "person" }))
            .rel("parent_id", (!is_company && id != 2).then_some(COMPANY_PARTNER))
            .rel("commercial_partner_id", Some(if id == 2 { 2 } else { COMPANY_PARTNER }))
            .enumeration("type", Some("contact"))
            .text("function", (id > 3).then_some("Support Agent"))
            .enumeration("lang", Some(lang))
            .enumeration("tz", Some(tz))
            .text("vat", is_company.then_some("DE999999999"))
            .text("website", is_company.then_some("https://www.yourcompany.example"))
            .html("comment", None)
            .bool("active", id != 2 || uid.is_none())
            .many("user_ids", uid)
            .rel("company_id", Some(1))
            .datetime("create_date", Some(set_up))
            .datetime("write_date", Some(set_up + DAY))
            .finish()?;
    }
    for j in 0..world.customers {
        let customer = world.customer(j);
        if customer.deleted() {
            continue;
        }
        let mut rng = world.rng(tag(b"odoo partner"), j);
        let id = odoo.customer_partner(j);
        let company_partner = odoo.customer_partner(customer.company_j);
        let parent = customer.with_company.then_some(company_partner);
        let display = match parent {
            Some(_) => format!("{}, {}", customer.company_name, customer.name),
            None => customer.name.clone(),
        };
        let kind = if parent.is_some() {
            *rng.weighted(&[("contact", 945), ("invoice", 30), ("delivery", 20), ("other", 5)])
        } else {
            "contact"
        };
        let (city, zip, _, country) = text::CITIES[customer.city];
        let comment = rng.percent(10).then_some("<p>Prefers e-mail. <b>Do not call</b> before 10:00.</p>");
        t.partner
            .row(id)
            .text("name", Some(&customer.name))
            .text("display_name", Some(&display))
            .text("email", customer.email.as_deref())
            .text("phone", customer.phone.as_deref())
            .text("mobile", customer.mobile.as_deref())
            .text("street", Some(&customer.street))
            .text("street2", rng.percent(10).then_some("2. OG"))
            .text("city", Some(city))
            .text("zip", Some(zip))
            .rel("state_id", None)
            .rel("country_id", Some(country))
            .bool("is_company", customer.company)
            .enumeration("company_type", Some(if customer.company { "company" } else { "person" }))
            .rel("parent_id", parent)
            .rel("commercial_partner_id", Some(parent.unwrap_or(id)))
            .enumeration("type", Some(kind))
            .text("function", customer.job)
            .enumeration("lang", Some(customer.lang.odoo_code()))
            .enumeration("tz", customer.tz)
            .text(
                "vat",
                (customer.company && rng.percent(60))
                    .then(|| format!("DE{}", rng.range(100_000_000, 999_999_999)))
                    .as_deref(),
            )
            .text("website", customer.company.then(|| format!("https://www.{}", customer.domain)).as_deref())
            .html("comment", comment)
            .bool("active", !customer.archived())
            .many("user_ids", odoo.portal_uid(j))
            .rel("company_id", rng.percent(20).then_some(1))
            .datetime("create_date", Some(customer.created))
            .datetime("write_date", Some(customer.updated))
            .finish()?;
    }
    Ok(())
}

/// `"Name" <address>` as a mail header shows it.
fn mailbox(name: &str, address: &str) -> String {
    format!("\"{}\" <{}>", name.replace('"', "'"), address.trim())
}

/// One ticket, its messages, attachments, SLA rows and rating.
fn write_ticket(odoo: &Odoo, t: &mut Tables, next: &mut Next, ticket: &Ticket) -> io::Result<()> {
    let world = odoo.world;
    let mut rng = world.rng(tag(b"odoo ticket"), ticket.index);
    let id = ticket.index as i64 + 1;
    let customer: Option<Customer> = ticket.customer.map(|j| world.customer(j));
    let partner = ticket.customer.map(|j| odoo.customer_partner(j));
    let customer_email = match (&customer, ticket.case) {
        (Some(c), Case::MessyEmail) => Some(messy_email(&c.clean_email, &mut rng)),
        (Some(c), _) => c.email.clone(),
        (None, _) => ticket.sender_email.clone(),
    };
    let assignee_uid = ticket.agent.map(|a| odoo.agent_uid(a));
    let stage = match ticket.status {
        Status::New => 1,
        Status::InProgress => 2,
        Status::OnHold => 3,
        Status::Solved => 4,
        Status::Cancelled => 5,
    };
    t.stage.tally("name", STAGES[stage as usize - 1].0);
    t.team.tally("name", TEAMS[ticket.team]);
    for &k in &ticket.tags {
        t.tag.tally("name", TAGS[k]);
    }
    if let Some(k) = ticket.ticket_type {
        t.ticket_type.tally("name", TICKET_TYPES[k]);
    }

    // Ratings only where the team asks for them (Billing does not).
    let rating = ticket.rating.filter(|_| ticket.team != 1);
    // Messages: plan the ids first (the ticket lists them), then write them after the ticket.
    let rating_messages = match rating {
        Some(0) => 1,
        Some(_) => 2,
        None => 0,
    };
    let first_message = next.message;
    let message_count = ticket.messages.len() as i64 + rating_messages;
    next.message += message_count;

    // SLA rows.
    let applicable: Vec<usize> = SLAS
        .iter()
        .enumerate()
        .filter(|(_, (_, team, priority, _, _))| {
            *team == ticket.team && (*priority == "0" || ticket.priority.to_string() == *priority)
        })
        .map(|(k, _)| k)
        .collect();
    struct SlaRow {
        sla: usize,
        deadline: i64,
        reached: Option<i64>,
        status: &'static str,
        exceeded: f64,
    }
    let mut sla_rows = Vec::new();
    for &k in &applicable {
        let (_, _, _, hours, reach_stage) = SLAS[k];
        let deadline = ticket.created + (hours / 8.0 * DAY as f64) as i64;
        let reached = if reach_stage == 2 {
            ticket.assigned_at.filter(|_| ticket.status != Status::New)
        } else {
            ticket.closed_at.filter(|_| ticket.status == Status::Solved)
        };
        let status = match reached {
            Some(at) if at <= deadline => "reached",
            Some(_) => "failed",
            None if deadline < WINDOW_END && ticket.status.closed() => "failed",
            None if deadline < WINDOW_END - DAY => "failed",
            None => "ongoing",
        };
        let exceeded = ((reached.unwrap_or(WINDOW_END) - deadline) as f64 / HOUR as f64 * 100.0).round() / 100.0;
        sla_rows.push(SlaRow { sla: k, deadline, reached, status, exceeded });
    }
    let first_sla = next.sla_status;
    next.sla_status += sla_rows.len() as i64;

    // Rating.
    let rating_id = rating.map(|_| {
        let id = next.rating;
        next.rating += 1;
        id
    });
    let feedback = match rating {
        Some(5) => rng.percent(40).then_some("Quick and friendly, thanks!"),
        Some(3) => rng.percent(60).then_some("Solved, but it took a while."),
        Some(1) => Some("Nobody read my messages properly."),
        _ => None,
    };
    let rating_value = rating.map_or(0.0, f64::from);

    let request = &ticket.messages[0];
    let request_files = message_files(world, ticket, request);
    let token = inline_token(world, ticket);
    let inline_url = inline_url(ticket, request, &request_files, next.attachment, &token);
    let request_cid = request_files.iter().find_map(|f| f.content_id.clone());
    let description = world.body(ticket, request, customer.as_ref(), request_cid.as_deref(), inline_url.as_deref());
    let (create_uid, write_uid) = match ticket.channel {
        Channel::Email => (1, assignee_uid.unwrap_or(1)),
        Channel::Web => (ticket.customer.and_then(|j| odoo.portal_uid(j)).unwrap_or(1), assignee_uid.unwrap_or(1)),
        Channel::Phone => (assignee_uid.unwrap_or(2), assignee_uid.unwrap_or(2)),
    };
    let properties = if ticket.team == 2 {
        let os = *rng.pick(&["win", "mac", "linux"]);
        format!(
            r#"[{{"name":"3f1c2a9e7b5d4c60","type":"char","string":"Serial number","value":{}}},{{"name":"8a7e6d5c4b3a2910","type":"selection","string":"Operating system","selection":[["win","Windows"],["mac","macOS"],["linux","Linux"]],"value":"{os}"}}]"#,
            json_str(&format!("SN-{}", rng.range(100_000, 999_999)))
        )
    } else {
        "[]".to_owned()
    };
    let email_cc = rng.percent(8).then(|| match &customer {
        Some(c) => format!("accounting@{}, \"Boss\" <boss@{}>", c.domain, c.domain),
        None => "someone@mail.example.org".to_owned(),
    });
    let custom = &ticket.custom;
    let hours = |from: i64, to: Option<i64>| to.map(|to| (to - from) / HOUR);
    t.ticket
        .row(id)
        .text("name", Some(&ticket.subject))
        .html("description", description.html.as_deref())
        .text("ticket_ref", Some(&id.to_string()))
        .rel("partner_id", partner)
        .text("partner_name", customer.as_ref().map(|c| c.name.as_str()))
        .text("partner_email", customer_email.as_deref())
        .text("partner_phone", customer.as_ref().and_then(|c| c.phone.as_deref()))
        .rel(
            "commercial_partner_id",
            customer
                .as_ref()
                .map(|c| if c.with_company { odoo.customer_partner(c.company_j) } else { odoo.customer_partner(c.j) }),
        )
        .text("email_cc", email_cc.as_deref())
        .rel("user_id", assignee_uid)
        .rel("team_id", Some(ticket.team as i64 + 1))
        .rel("stage_id", Some(stage))
        .enumeration("priority", Some(&ticket.priority.to_string()))
        .many("tag_ids", ticket.tags.iter().map(|&k| k as i64 + 1))
        .rel("ticket_type_id", ticket.ticket_type.map(|k| k as i64 + 1))
        .enumeration("kanban_state", Some(["normal", "done", "blocked"][ticket.kanban]))
        .bool("active", !ticket.archived)
        .rel("company_id", Some(1))
        .datetime("date_last_stage_update", Some(ticket.last_stage_change))
        .datetime("assign_date", ticket.assigned_at)
        .int_opt("assign_hours", hours(ticket.created, ticket.assigned_at))
        .datetime("close_date", ticket.closed_at)
        .int_opt("close_hours", hours(ticket.created, ticket.closed_at))
        .bool("closed_by_partner", ticket.closed_by_customer)
        .many("sla_ids", applicable.iter().map(|&k| k as i64 + 1))
        .many("sla_status_ids", first_sla..first_sla + sla_rows.len() as i64)
        .datetime("sla_deadline", sla_rows.iter().filter(|r| r.status == "ongoing").map(|r| r.deadline).min())
        .bool("sla_reached_late", sla_rows.iter().any(|r| r.reached.is_some_and(|at| at > r.deadline)))
        .bool("sla_reached", sla_rows.iter().any(|r| r.reached.is_some()))
        .bool("sla_fail", sla_rows.iter().any(|r| r.status == "failed"))
        .many("rating_ids", rating_id)
        .float("rating_last_value", rating_value)
        .text("rating_last_feedback", feedback)
        .int("rating_count", i64::from(rating.is_some_and(|r| r > 0)))
        .float("rating_avg", rating_value)
        .many("message_ids", first_message..first_message + message_count)
        .json("properties", &properties)
        .datetime("create_date", Some(ticket.created))
        .rel("create_uid", Some(create_uid))
        .datetime("write_date", Some(ticket.updated))
        .rel("write_uid", Some(write_uid))
        .text("x_studio_customer_ref", custom.customer_ref.as_deref())
        .date("x_studio_due_date", custom.due)
        .bool("x_studio_escalated", custom.escalated)
        .float_opt("x_studio_hours_spent", custom.hours)
        .enumeration("x_studio_contract_type", custom.contract.map(|k| CONTRACTS[k].0))
        .html("x_studio_internal_notes", custom.notes.as_deref())
        .finish()?;

    // SLA status rows.
    for (k, row) in sla_rows.iter().enumerate() {
        let (name, _, _, _, reach_stage) = SLAS[row.sla];
        t.sla.tally("name", name);
        t.sla_status
            .row(first_sla + k as i64)
            .rel("ticket_id", Some(id))
            .rel("sla_id", Some(row.sla as i64 + 1))
            .rel("sla_stage_id", Some(reach_stage))
            .datetime("deadline", Some(row.deadline))
            .datetime("reached_datetime", row.reached)
            .enumeration("status", Some(row.status))
            .float("exceeded_hours", row.exceeded)
            .datetime("create_date", Some(ticket.created))
            .datetime("write_date", Some(row.reached.unwrap_or(ticket.created)))
            .finish()?;
    }

    // Messages and their attachments.
    let customer_name = customer.as_ref().map_or_else(|| "Unknown sender".to_owned(), |c| c.name.clone());
    let customer_address = customer_email.clone().unwrap_or_else(|| "unknown@mail.example.org".to_owned());
    let mut message_id = first_message;
    for message in &ticket.messages {
        let files = if message.ordinal == 0 { request_files.clone() } else { message_files(world, ticket, message) };
        let url = if message.ordinal == 0 { inline_url.clone() } else { None };
        let cid = files.iter().find_map(|f| f.content_id.clone());
        let body = world.body(ticket, message, customer.as_ref(), cid.as_deref(), url.as_deref());
        let first_file = next.attachment;
        let mut mrng = world.rng(tag(b"odoo message"), combine(ticket.index, message.ordinal as u64));
        let agent_partner = message.agent.map(|a| odoo.agent_partner(a));
        let agent_from = message.agent.map(|a| {
            let agent = world.agent(a);
            mailbox(&agent.name, agent.email.as_deref().unwrap_or("support@yourcompany.example"))
        });
        let reply_subject = format!("Re: {}", ticket.subject);
        let (message_type, subtype, author, from, subject, internal, body_html, recipients): MessageShape =
            match message.kind {
                Kind::Request => match ticket.channel {
                    Channel::Email => (
                        "email",
                        Some(SUBTYPE_DISCUSSION),
                        partner,
                        Some(mailbox(&customer_name, &customer_address)),
                        Some(ticket.subject.as_str()),
                        false,
                        body.html,
                        vec![],
                    ),
                    Channel::Web => (
                        "comment",
                        Some(SUBTYPE_DISCUSSION),
                        partner,
                        Some(mailbox(&customer_name, &customer_address)),
                        None,
                        false,
                        body.html,
                        vec![],
                    ),
                    Channel::Phone => (
                        "notification",
                        Some(SUBTYPE_CREATED),
                        Some(agent_partner.unwrap_or(3)),
                        agent_from.clone(),
                        None,
                        false,
                        None,
                        vec![],
                    ),
                },
                Kind::AutoAck => (
                    "auto_comment",
                    Some(SUBTYPE_DISCUSSION),
                    Some(COMPANY_PARTNER),
                    Some(mailbox("YourCompany", "support@yourcompany.example")),
                    Some(reply_subject.as_str()),
                    false,
                    body.html,
                    partner.into_iter().collect(),
                ),
                Kind::CustomerReply => (
                    "email",
                    Some(SUBTYPE_DISCUSSION),
                    partner,
                    Some(mailbox(&customer_name, &customer_address)),
                    mrng.percent(70).then_some(reply_subject.as_str()),
                    false,
                    body.html,
                    vec![],
                ),
                Kind::AgentReply => (
                    "comment",
                    Some(SUBTYPE_DISCUSSION),
                    agent_partner,
                    agent_from.clone(),
                    None,
                    false,
                    body.html,
                    partner.into_iter().collect(),
                ),
                Kind::Note if mrng.percent(5) => (
                    "user_notification",
                    Some(SUBTYPE_ACTIVITY),
                    agent_partner,
                    agent_from.clone(),
                    Some("You have been assigned"),
                    true,
                    body.html,
                    ticket.agent.map(|a| odoo.agent_partner(a)).into_iter().collect(),
                ),
                Kind::Note => {
                    ("comment", Some(SUBTYPE_NOTE), agent_partner, agent_from.clone(), None, true, body.html, vec![])
                }
                Kind::Stage(status) => {
                    let by_customer = status.closed() && ticket.closed_by_customer;
                    (
                        "notification",
                        Some(SUBTYPE_STAGE),
                        if by_customer { partner } else { Some(agent_partner.unwrap_or(ODOOBOT_PARTNER)) },
                        if by_customer { Some(mailbox(&customer_name, &customer_address)) } else { agent_from.clone() },
                        None,
                        false,
                        None,
                        vec![],
                    )
                }
            };
        let create_uid = match message.kind {
            Kind::AgentReply | Kind::Note | Kind::Stage(_) => message.agent.map_or(1, |a| odoo.agent_uid(a)),
            Kind::Request if ticket.channel == Channel::Phone => ticket.agent.map_or(2, |a| odoo.agent_uid(a)),
            _ => 1,
        };
        let is_email = matches!(message_type, "email" | "auto_comment");
        t.message
            .row(message_id)
            .datetime("date", Some(message.at))
            .text("subject", subject)
            .html("body", body_html.as_deref())
            .rel("author_id", author)
            .text("email_from", from.as_deref())
            .enumeration("message_type", Some(message_type))
            .rel("subtype_id", subtype)
            .text("model", Some("helpdesk.ticket"))
            .int("res_id", id)
            .rel("parent_id", (message.ordinal > 0).then_some(first_message))
            .many("attachment_ids", first_file..first_file + files.len() as i64)
            .many("partner_ids", recipients)
            .many("tracking_value_ids", [])
            .bool("is_internal", internal)
            .text(
                "message_id",
                Some(&if is_email {
                    format!(
                        "<{}.{}@{}>",
                        mrng.hex(16),
                        message.at,
                        customer.as_ref().map_or("mail.example.org", |c| c.domain.as_str())
                    )
                } else {
                    format!("<{}-openerp-{id}-helpdesk.ticket@yourcompany.example>", mrng.hex(12))
                }),
            )
            .text("reply_to", is_email.then_some("\"YourCompany\" <support@yourcompany.example>"))
            .rel("create_uid", Some(create_uid))
            .datetime("create_date", Some(message.at))
            .datetime("write_date", Some(message.at))
            .finish()?;
        write_attachments(odoo, t, next, ticket, message, &files)?;
        message_id += 1;
    }

    // The rating request and the answer.
    if let (Some(value), Some(rated_at), Some(closed)) = (rating, ticket.rated_at, ticket.closed_at) {
        let request_at = (closed + MINUTE).min(WINDOW_END - 1);
        let request_id = message_id;
        t.message
            .row(request_id)
            .datetime("date", Some(request_at))
            .text("subject", Some(&format!("Rate our service: {}", ticket.subject)))
            .html("body", Some("<p>How would you rate our service? Click a smiley to answer.</p>"))
            .rel("author_id", Some(COMPANY_PARTNER))
            .text("email_from", Some(&mailbox("YourCompany", "support@yourcompany.example")))
            .enumeration("message_type", Some("email_outgoing"))
            .rel("subtype_id", None)
            .text("model", Some("helpdesk.ticket"))
            .int("res_id", id)
            .rel("parent_id", Some(first_message))
            .many("attachment_ids", [])
            .many("partner_ids", partner)
            .many("tracking_value_ids", [])
            .bool("is_internal", false)
            .text("message_id", Some(&format!("<rating-{}@yourcompany.example>", rng.hex(16))))
            .text("reply_to", Some("\"YourCompany\" <support@yourcompany.example>"))
            .rel("create_uid", Some(1))
            .datetime("create_date", Some(request_at))
            .datetime("write_date", Some(request_at))
            .finish()?;
        let mut rating_message = request_id;
        if value > 0 {
            rating_message = request_id + 1;
            let body = format!(
                "<img src=\"/rating/static/src/img/rating_{value}.png\" alt=\":{value}/5\" style=\"width:18px;height:18px\">{}",
                feedback.map(|f| format!("<br>{}", text::escape_html(f))).unwrap_or_default()
            );
            t.message
                .row(rating_message)
                .datetime("date", Some(rated_at))
                .text("subject", None)
                .html("body", Some(&body))
                .rel("author_id", partner)
                .text("email_from", Some(&mailbox(&customer_name, &customer_address)))
                .enumeration("message_type", Some("notification"))
                .rel("subtype_id", Some(SUBTYPE_RATED))
                .text("model", Some("helpdesk.ticket"))
                .int("res_id", id)
                .rel("parent_id", Some(first_message))
                .many("attachment_ids", [])
                .many("partner_ids", [])
                .many("tracking_value_ids", [])
                .bool("is_internal", false)
                .text("message_id", Some(&format!("<rated-{}@yourcompany.example>", rng.hex(16))))
                .text("reply_to", None)
                .rel("create_uid", Some(1))
                .datetime("create_date", Some(rated_at))
                .datetime("write_date", Some(rated_at))
                .finish()?;
        }
        let rating_text = match value {
            5 => "top",
            3 => "ok",
            1 => "ko",
            _ => "none",
        };
        t.rating
            .row(rating_id.unwrap_or_default())
            .float("rating", f64::from(value))
            .enumeration("rating_text", Some(rating_text))
            .text("feedback", feedback)
            .text("res_model", Some("helpdesk.ticket"))
            .int("res_id", id)
            .rel("res_model_id", Some(TICKET_MODEL_ID))
            .text("res_name", Some(&ticket.subject))
            .text("parent_res_model", Some("helpdesk.team"))
            .int("parent_res_id", ticket.team as i64 + 1)
            .rel("partner_id", partner)
            .rel("rated_partner_id", ticket.agent.map(|a| odoo.agent_partner(a)))
            .bool("consumed", value > 0)
            .rel("message_id", Some(rating_message))
            .bool("is_internal", false)
            .text("access_token", Some(&rng.hex(32)))
            .datetime("create_date", Some(request_at))
            .datetime("write_date", Some(if value > 0 { rated_at } else { request_at }))
            .finish()?;
    }
    debug_assert_eq!(next.message, first_message + message_count);
    Ok(())
}

/// The files of a message; the URL-image case adds the image its body points at.
fn message_files(world: &World, ticket: &Ticket, message: &Message) -> Vec<File> {
    let mut files = world.files(ticket, message);
    if message.ordinal == 0 && ticket.case == Case::UrlImage {
        let mut rng = world.rng(tag(b"odoo inline"), ticket.index);
        let mut image = text::file(FileKind::InlineImage, &mut rng, 0);
        image.content_id = None;
        files.push(image);
    }
    files
}

/// Odoo's URL for the inline image of the URL-image case: `/web/image/<attachment id>`.
fn inline_url(
    ticket: &Ticket,
    message: &Message,
    files: &[File],
    first_attachment: i64,
    token: &str,
) -> Option<String> {
    if message.ordinal != 0 || ticket.case != Case::UrlImage {
        return None;
    }
    let position = files.iter().position(|f| f.name == "image001.png")?;
    Some(format!("/web/image/{}?access_token={token}", first_attachment + position as i64))
}

/// The access token of a ticket's inline image (shared by the body's URL and the attachment).
fn inline_token(world: &World, ticket: &Ticket) -> String {
    let mut rng = world.rng(tag(b"odoo token"), ticket.index);
    format!("{}-{}-4{}-a{}-{}", rng.hex(8), rng.hex(4), rng.hex(3), rng.hex(3), rng.hex(12))
}

fn write_attachments(
    odoo: &Odoo,
    t: &mut Tables,
    next: &mut Next,
    ticket: &Ticket,
    message: &Message,
    files: &[File],
) -> io::Result<()> {
    let world = odoo.world;
    let id = ticket.index as i64 + 1;
    let token = inline_token(world, ticket);
    for (k, file) in files.iter().enumerate() {
        let mut rng =
            world.rng(tag(b"odoo attachment"), combine(combine(ticket.index, message.ordinal as u64), k as u64));
        let as_url = file.content_id.is_none() && file.name != "image001.png" && rng.percent(2);
        let checksum = sha1_hex(&file.content);
        let inline = file.name == "image001.png";
        let oversized = file.size != file.content.len() as u64;
        let uid = message.agent.map_or(1, |a| odoo.agent_uid(a));
        let row_id = next.attachment;
        next.attachment += 1;
        let mut row = t.attachment.row(row_id);
        row.text("name", Some(&file.name));
        if as_url {
            row.text("mimetype", Some("application/octet-stream"))
                .int("file_size", 0)
                .text("checksum", None)
                .enumeration("type", Some("url"))
                .text("url", Some(&format!("https://drive.example.com/file/d/{}/view", rng.hex(28))))
                .binary("datas", None);
        } else {
            row.text("mimetype", Some(file.mime))
                .int("file_size", file.size as i64)
                .text("checksum", Some(&checksum))
                .enumeration("type", Some("binary"))
                .text("url", None)
                .binary("datas", Some(&file.content));
        }
        row.text("res_model", Some("helpdesk.ticket"))
            .int("res_id", id)
            .text("res_field", None)
            .text("res_name", Some(&ticket.subject))
            .text(
                "description",
                oversized.then_some("Placeholder content: the original file is larger than this generator stores"),
            )
            .bool("public", false)
            .text("access_token", inline.then_some(token.as_str()))
            .text("store_fname", (!as_url).then(|| format!("{}/{}", &checksum[..2], checksum)).as_deref())
            .rel("create_uid", Some(uid))
            .datetime("create_date", Some(message.at))
            .datetime("write_date", Some(message.at))
            .finish()?;
    }
    Ok(())
}
