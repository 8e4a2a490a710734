//! TOPdesk: REST resources, one file per resource, nested references flattened.
//!
//! Ids are UUID-shaped (see the module documentation of `generate`). Customers are persons
//! (companies become branches, the service desk's own branch is the first one); agents are
//! operators in three operator groups. An incident's conversation is its progress trail: the
//! request and caller replies are person memos, agent answers are operator memos (sometimes
//! followed by the e-mail sent), internal notes are memos invisible for the caller, and every file
//! is an attachment entry whose id is also its row in `attachments`. Changes (with their
//! activities), assets (with parent/child links, one cycle among them), knowledge items (in
//! folders, some with translations), operational activities and reservations (of meeting-room
//! locations, two by two at the same start) scale with the ticket count but are otherwise
//! independent of incidents.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use super::decl::{binary, boolean, date, datetime, enumeration, float, html, int, many, rel, text};
use super::text::{self, Lang, Topic};
use super::{
    CONTRACTS, Case, Channel, Customer, DAY, HOUR, Kind, PRODUCTS, Status, Table, Ticket, WINDOW_END, WINDOW_START,
    World, combine, object, tag, uuid,
};

const BRANCH: u64 = tag(b"topdesk branch");
const PERSON: u64 = tag(b"topdesk person");
const OPERATOR: u64 = tag(b"topdesk operator");
const GROUP: u64 = tag(b"topdesk group");
const INCIDENT: u64 = tag(b"topdesk incident");
const TRAIL: u64 = tag(b"topdesk trail");
const CHANGE: u64 = tag(b"topdesk change");
const ASSET: u64 = tag(b"topdesk asset");
const KNOWLEDGE: u64 = tag(b"topdesk knowledge");
const LOCATION: u64 = tag(b"topdesk location");
const ACTIVITY: u64 = tag(b"topdesk change activity");
const ASSET_LINK: u64 = tag(b"topdesk asset link");
const FOLDER: u64 = tag(b"topdesk knowledge folder");
const TRANSLATION: u64 = tag(b"topdesk knowledge translation");
const OPERATIONAL: u64 = tag(b"topdesk operational activity");
const RESERVATION: u64 = tag(b"topdesk reservation");

const GROUPS: [&str; 3] = ["Service Desk", "Billing & Finance", "2nd line IT"];
const ZONES: [&str; 8] = [
    "Europe/Berlin",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "UTC",
    "Europe/Amsterdam",
    "Asia/Tokyo",
    "Australia/Sydney",
];
const CALL_TYPES: [&str; 5] = ["Complaint", "Question", "Request for information", "Malfunction", "Request for change"];
const ENTRY_TYPES: [&str; 4] = ["E-mail", "Telephone", "Self Service Portal", "Walk-in"];
const CATEGORIES: [&str; 5] = ["Software", "Finance", "Hardware", "Account", "Facilities"];
const SUBCATEGORIES: [&str; 8] = ["Webshop", "ERP", "Invoice", "Refund", "Printer", "Laptop", "Password", "Access"];
const IMPACTS: [&str; 4] = ["Person", "Department", "Branch", "Organisation"];
const URGENCIES: [&str; 4] = ["Low", "Normal", "High", "Critical"];
const PRIORITIES: [&str; 4] = ["P4", "P3", "P2", "P1"];
const PROCESSING: [&str; 7] = [
    "Registered",
    "In progress",
    "Waiting for user",
    "Waiting for supplier",
    "Parked – awaiting parts",
    "Completed",
    "Closed",
];
const CLOSURE_CODES: [&str; 5] = ["Solved", "Workaround", "Cancelled by user", "Duplicate", "No response"];
const STATUSES: [&str; 6] =
    ["firstLine", "secondLine", "partial", "firstLineArchived", "secondLineArchived", "partialArchived"];
const DEPARTMENTS: [&str; 6] = ["Finance", "Sales", "Logistics", "IT", "HR", "Management"];
const LANGUAGES: [&str; 7] = ["EN", "DE", "FR", "EL", "RU", "JA", "AR"];
const TEMPLATES: [&str; 5] = ["Laptop", "Desktop", "Printer", "Mobile phone", "Monitor"];
const FOLDERS: [&str; 4] = ["Account and access", "Printing", "Invoices and payments", "Getting started"];
/// Sub-folders of the knowledge base: (name, index of the parent in [`FOLDERS`]).
const SUBFOLDERS: [(&str, usize); 2] = [("Two-factor sign-in", 0), ("Network printers", 1)];
const ACTIVITY_STATUSES: [&str; 7] =
    ["waiting", "ready_to_start", "in_progress", "finished", "skipped", "authorized", "rejected"];
const OPERATIONAL_TYPES: [&str; 3] = ["Maintenance", "Backup check", "Inspection"];
const OPERATIONAL_STATUSES: [&str; 3] = ["Planned", "In progress", "Done"];
const RESERVATION_STATUSES: [&str; 6] =
    ["request", "rejectedRequest", "planned", "cancelled", "conflictingPlanned", "conflictingRequest"];
const SERVICE_DESK: &str = "servicedesk@yourcompany.example";

fn pairs<'a>(values: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    values.iter().map(|v| (*v, *v)).collect()
}

fn schemas() -> Vec<(&'static str, crate::check::schema::ObjectSchema)> {
    let id = || text("ID (UUID)").required();
    vec![
        (
            "branches",
            object(
                "Branch (customer companies; the first is the service desk's own)",
                vec![
                    ("id", id()),
                    ("name", text("Name").required()),
                    ("clientReferenceNumber", text("Client reference number")),
                    ("timeZone", enumeration("Time zone", &pairs(&ZONES))),
                    ("phone", text("Phone")),
                    ("email", text("E-mail")),
                    ("city", text("City")),
                    ("country", text("Country")),
                    (
                        "branchType",
                        enumeration(
                            "Branch type",
                            &[
                                ("independentBranch", "Independent"),
                                ("hasAHeadBranch", "Has a head branch"),
                                ("isAHeadBranch", "Is a head branch"),
                            ],
                        ),
                    ),
                    ("headBranch", rel("branches", "Head branch")),
                    ("archived", boolean("Archived")),
                    ("creationDate", datetime("Created")),
                    ("modificationDate", datetime("Modified")),
                ],
            ),
        ),
        (
            "persons",
            object(
                "Person (caller)",
                vec![
                    ("id", id()),
                    ("firstName", text("First name")),
                    ("surName", text("Surname").required()),
                    ("dynamicName", text("Name")),
                    ("email", text("E-mail")),
                    ("phoneNumber", text("Phone")),
                    ("mobileNumber", text("Mobile")),
                    ("jobTitle", text("Job title")),
                    ("department", enumeration("Department", &pairs(&DEPARTMENTS))),
                    ("branch", rel("branches", "Branch").required()),
                    ("language", enumeration("Language", &pairs(&LANGUAGES))),
                    ("tasLoginName", text("Self-service login")),
                    ("networkLoginName", text("Network login")),
                    ("employeeNumber", text("Employee number")),
                    ("hasSspAccess", boolean("Self-service access")),
                    ("archived", boolean("Archived")),
                    ("creationDate", datetime("Created")),
                    ("modificationDate", datetime("Modified")),
                ],
            ),
        ),
        (
            "operatorgroups",
            object(
                "Operator group",
                vec![
                    ("id", id()),
                    ("groupName", text("Group name").required()),
                    ("branch", rel("branches", "Branch")),
                    ("email", text("E-mail")),
                    ("archived", boolean("Archived")),
                    ("creationDate", datetime("Created")),
                    ("modificationDate", datetime("Modified")),
                ],
            ),
        ),
        (
            "operators",
            object(
                "Operator (agent)",
                vec![
                    ("id", id()),
                    ("loginName", text("Login name")),
                    ("dynamicName", text("Name")),
                    ("firstName", text("First name")),
                    ("surName", text("Surname")),
                    ("email", text("E-mail")),
                    ("jobTitle", text("Job title")),
                    ("branch", rel("branches", "Branch")),
                    ("operatorGroups", many("operatorgroups", "Operator groups")),
                    ("firstLineCallOperator", boolean("First-line incidents")),
                    ("secondLineCallOperator", boolean("Second-line incidents")),
                    ("changeCoordinator", boolean("Change coordinator")),
                    ("knowledgeBaseManager", boolean("Knowledge base manager")),
                    ("archived", boolean("Archived")),
                    ("creationDate", datetime("Created")),
                    ("modificationDate", datetime("Modified")),
                ],
            ),
        ),
        (
            "incidents",
            object(
                "Incident",
                vec![
                    ("id", id()),
                    ("number", text("Number").required()),
                    ("status", enumeration("Line", &pairs(&STATUSES))),
                    ("briefDescription", text("Brief description").note("At most 80 characters")),
                    ("request", text("Request (plain text of the first request memo)")),
                    ("caller", rel("persons", "Caller").note("Null for callers who are not registered persons")),
                    ("caller_dynamicName", text("Caller name (as entered on the incident)")),
                    ("caller_email", text("Caller e-mail (as entered on the incident)")),
                    ("callerBranch", rel("branches", "Caller branch")),
                    ("callType", enumeration("Call type", &pairs(&CALL_TYPES))),
                    ("entryType", enumeration("Entry type", &pairs(&ENTRY_TYPES))),
                    ("category", enumeration("Category", &pairs(&CATEGORIES))),
                    ("subcategory", enumeration("Subcategory", &pairs(&SUBCATEGORIES))),
                    ("impact", enumeration("Impact", &pairs(&IMPACTS))),
                    ("urgency", enumeration("Urgency", &pairs(&URGENCIES))),
                    ("priority", enumeration("Priority", &pairs(&PRIORITIES))),
                    ("operator", rel("operators", "Operator")),
                    ("operatorGroup", rel("operatorgroups", "Operator group")),
                    (
                        "processingStatus",
                        enumeration("Processing status", &pairs(&PROCESSING))
                            .note("Customisable list; `Parked – awaiting parts` is a custom on-hold status"),
                    ),
                    ("completed", boolean("Completed")),
                    ("completedDate", datetime("Completed on")),
                    ("closed", boolean("Closed")),
                    ("closedDate", datetime("Closed on")),
                    ("closureCode", enumeration("Closure code", &pairs(&CLOSURE_CODES))),
                    ("targetDate", datetime("Target date")),
                    ("callDate", datetime("Call date")),
                    ("onHold", boolean("On hold")),
                    ("onHoldDate", datetime("On hold since")),
                    ("creator", rel("operators", "Created by")),
                    ("creationDate", datetime("Created")),
                    ("modifier", rel("operators", "Modified by")),
                    ("modificationDate", datetime("Modified")),
                    ("majorCall", boolean("Major call")),
                    ("mainIncident", rel("incidents", "Main incident (for partial incidents)")),
                    ("asset", rel("assets", "Asset")),
                    ("externalNumber", text("External number")),
                    ("feedbackRating", int("Feedback rating (1–5)")),
                    ("feedbackMessage", text("Feedback message")),
                    ("timeSpent", float("Time spent (minutes)")),
                    ("optionalFields1_boolean1", boolean("Escalated").custom()),
                    ("optionalFields1_number1", float("Hours spent").custom()),
                    ("optionalFields1_date1", datetime("Due date").custom()),
                    ("optionalFields1_text1", text("Customer reference").custom()),
                    ("optionalFields1_memo1", text("Internal notes").custom()),
                    (
                        "optionalFields1_searchlist1",
                        enumeration("Contract type", &CONTRACTS.map(|(_, label)| (label, label))).custom(),
                    ),
                    ("optionalFields2_number1", float("Affected users").custom()),
                    ("optionalFields2_date1", datetime("Follow-up at").custom()),
                    ("optionalFields2_searchlist1", enumeration("Product", &pairs(&PRODUCTS)).custom()),
                ],
            ),
        ),
        (
            "progresstrail",
            object(
                "Progress trail entry: a memo (memoText), an attachment (fileName) or a sent e-mail (title)",
                vec![
                    ("id", id()),
                    ("incident", rel("incidents", "Incident").required()),
                    ("entryDate", datetime("Entry date")),
                    ("operator", rel("operators", "Operator")),
                    ("person", rel("persons", "Person")),
                    ("memoText", html("Memo (HTML)")),
                    ("plainText", text("Memo (plain text)")),
                    ("invisibleForCaller", boolean("Invisible for caller")),
                    ("flag", int("Flag")),
                    ("fileName", text("File name")),
                    ("downloadUrl", text("Download URL")),
                    ("size", int("Size (bytes)")),
                    ("title", text("E-mail subject")),
                    ("sender", text("E-mail sender")),
                    ("creationDate", datetime("Created")),
                    (
                        "attachment_ids",
                        many("attachments", "The entry's file (a file entry is its own row in attachments)"),
                    ),
                ],
            ),
        ),
        (
            "attachments",
            object(
                "Incident attachment (same id as its progress-trail entry)",
                vec![
                    ("id", id()),
                    ("incident", rel("incidents", "Incident").required()),
                    ("fileName", text("File name").required()),
                    ("downloadUrl", text("Download URL")),
                    ("size", int("Size (bytes)").note("The oversized case claims 30 MiB and stores a placeholder")),
                    ("description", text("Description")),
                    ("invisibleForCaller", boolean("Invisible for caller")),
                    ("entryDate", datetime("Entry date")),
                    ("operator", rel("operators", "Operator")),
                    ("person", rel("persons", "Person")),
                    ("contentType", text("Content type")),
                    ("content", binary("Content (base64)")),
                ],
            ),
        ),
        (
            "changes",
            object(
                "Change (operatorChanges)",
                vec![
                    ("id", id()),
                    ("number", text("Number").required()),
                    ("briefDescription", text("Brief description")),
                    ("request", html("Request")),
                    ("changeType", enumeration("Type", &[("simple", "Simple"), ("extensive", "Extensive")])),
                    (
                        "processingStatus",
                        enumeration(
                            "Processing status",
                            &pairs(&[
                                "rfc",
                                "rejected",
                                "simple_inProgress",
                                "simple_done",
                                "simple_closed",
                                "extensive_inProgress",
                                "extensive_done",
                                "extensive_closed",
                                "extensive_cancelled",
                            ]),
                        ),
                    ),
                    ("requester", rel("persons", "Requester")),
                    ("assignee", rel("operators", "Assignee")),
                    ("category", enumeration("Category", &pairs(&CATEGORIES))),
                    ("impact", enumeration("Impact", &pairs(&IMPACTS))),
                    ("plannedImplementationDate", datetime("Planned implementation")),
                    ("implementationDate", datetime("Implemented")),
                    ("closedDate", datetime("Closed")),
                    ("creationDate", datetime("Created")),
                    ("modificationDate", datetime("Modified")),
                ],
            ),
        ),
        (
            "assets",
            object(
                "Asset",
                vec![
                    ("id", id()),
                    ("name", text("Name").required()),
                    ("templateName", enumeration("Template", &pairs(&TEMPLATES))),
                    ("status", enumeration("Status", &[("OPERATIONAL", "Operational"), ("IMPACTED", "Impacted")])),
                    ("serialNumber", text("Serial number")),
                    ("purchaseDate", date("Purchase date")),
                    ("warrantyExpiry", date("Warranty expiry")),
                    ("assignedPerson", rel("persons", "Assigned person")),
                    ("branch", rel("branches", "Branch")),
                    ("archived", boolean("Archived")),
                    ("creationDate", datetime("Created")),
                    ("modificationDate", datetime("Modified")),
                ],
            ),
        ),
        (
            "knowledgeItems",
            object(
                "Knowledge item (one language version)",
                vec![
                    ("id", id()),
                    ("number", text("Number").required()),
                    ("parent", rel("knowledgeFolders", "Folder")),
                    ("language", enumeration("Language", &[("en", "English"), ("de", "German"), ("nl", "Dutch")])),
                    ("title", text("Title")),
                    ("description", html("Description")),
                    ("content", html("Content")),
                    ("commentsForOperators", text("Comments for operators")),
                    ("keywords", text("Keywords")),
                    (
                        "status",
                        enumeration(
                            "Status",
                            &[("Published", "Published"), ("Draft", "Draft"), ("Archived", "Archived")],
                        ),
                    ),
                    (
                        "sspVisibility",
                        enumeration(
                            "Self-service visibility",
                            &[
                                ("NOT_VISIBLE", "Not visible"),
                                ("VISIBLE", "Visible"),
                                ("VISIBLE_IN_PERIOD", "Visible in period"),
                            ],
                        ),
                    ),
                    ("sspVisibleFrom", datetime("Visible from")),
                    ("sspVisibleUntil", datetime("Visible until")),
                    ("news", boolean("News")),
                    ("availableTranslations", text("Available translations").many()),
                    ("creationDate", datetime("Created")),
                    ("modificationDate", datetime("Modified")),
                ],
            ),
        ),
        (
            "locations",
            object(
                "Location (a building or room of a branch)",
                vec![
                    ("id", id()),
                    ("name", text("Name").required()),
                    ("roomNumber", text("Room number")),
                    ("branch", rel("branches", "Branch").required()),
                    ("type", enumeration("Type", &pairs(&["Building", "Meeting room"]))),
                    ("archived", boolean("Archived")),
                    ("creationDate", datetime("Created")),
                    ("modificationDate", datetime("Modified")),
                ],
            ),
        ),
        (
            "changeActivities",
            object(
                "Change activity (operatorChangeActivities)",
                vec![
                    ("id", id()),
                    ("number", text("Number").required()),
                    ("change", rel("changes", "Change").required()),
                    ("briefDescription", text("Brief description")),
                    ("plannedChangePhase", enumeration("Phase", &pairs(&["rfc", "progress", "evaluation"]))),
                    ("activityType", enumeration("Type", &pairs(&["normal", "authorization"]))),
                    ("processingStatus", enumeration("Processing status", &pairs(&ACTIVITY_STATUSES))),
                    ("assignee", rel("operators", "Assignee")),
                    ("plannedStartDate", datetime("Planned start")),
                    ("plannedFinalDate", datetime("Planned end")),
                    ("finalDate", datetime("Finished")),
                    ("creationDate", datetime("Created")),
                    ("modificationDate", datetime("Modified")),
                ],
            ),
        ),
        (
            "assetLinks",
            object(
                "Parent/child link between assets (the parent is the source; one cycle on purpose)",
                vec![
                    ("id", id()),
                    ("parent", rel("assets", "Parent asset").required()),
                    ("child", rel("assets", "Child asset").required()),
                ],
            ),
        ),
        (
            "knowledgeFolders",
            object(
                "Knowledge base folder (a tree)",
                vec![
                    ("id", id()),
                    ("name", text("Name").required()),
                    ("parent", rel("knowledgeFolders", "Parent folder")),
                    ("creationDate", datetime("Created")),
                    ("modificationDate", datetime("Modified")),
                ],
            ),
        ),
        (
            "knowledgeTranslations",
            object(
                "Knowledge item content in a language other than the item's own",
                vec![
                    ("id", id()),
                    ("item", rel("knowledgeItems", "Knowledge item").required()),
                    ("language", enumeration("Language", &[("en", "English"), ("de", "German"), ("nl", "Dutch")])),
                    ("title", text("Title")),
                    ("description", html("Description")),
                    ("content", html("Content")),
                    ("commentsForOperators", text("Comments for operators")),
                    ("keywords", text("Keywords")),
                ],
            ),
        ),
        (
            "operationalActivities",
            object(
                "Operational activity (operations management)",
                vec![
                    ("id", id()),
                    ("number", text("Number").required()),
                    ("briefDescription", text("Brief description")),
                    ("type", enumeration("Type", &pairs(&OPERATIONAL_TYPES))),
                    ("status", enumeration("Status", &pairs(&OPERATIONAL_STATUSES))),
                    ("operator", rel("operators", "Operator")),
                    ("operatorGroup", rel("operatorgroups", "Operator group")),
                    ("plannedStartDate", datetime("Planned start")),
                    ("plannedEndDate", datetime("Planned end")),
                    ("resolved", boolean("Resolved")),
                    ("skipped", boolean("Skipped")),
                    ("archived", boolean("Archived")),
                    ("creationDate", datetime("Created")),
                    ("modificationDate", datetime("Modified")),
                ],
            ),
        ),
        (
            "reservations",
            object(
                "Reservation of a location (facility management)",
                vec![
                    ("id", id()),
                    ("number", text("Number").required()),
                    ("briefDescription", text("Brief description")),
                    ("status", enumeration("Status", &pairs(&RESERVATION_STATUSES))),
                    ("requester", rel("persons", "Requester")),
                    ("operator", rel("operators", "Operator")),
                    ("location", rel("locations", "Reserved location")),
                    ("numberOfPersons", int("Number of persons")),
                    ("plannedStartDate", datetime("Planned start").note("Several reservations share a start")),
                    ("plannedEndDate", datetime("Planned end")),
                    ("archived", boolean("Archived")),
                    ("modificationDate", datetime("Modified")),
                ],
            ),
        ),
    ]
}

struct Tables {
    branches: Table,
    persons: Table,
    groups: Table,
    operators: Table,
    incidents: Table,
    trail: Table,
    attachments: Table,
    changes: Table,
    assets: Table,
    knowledge: Table,
    locations: Table,
    activities: Table,
    asset_links: Table,
    folders: Table,
    translations: Table,
    operational: Table,
    reservations: Table,
}

/// Write every TOPdesk resource into `dir`.
pub(super) fn generate(world: &World, dir: &Path) -> io::Result<(&'static str, Vec<Table>)> {
    let mut created: BTreeMap<&str, Table> = BTreeMap::new();
    for (name, schema) in schemas() {
        created.insert(name, Table::create(dir, name, schema)?);
    }
    let mut take = |name: &str| created.remove(name).expect("declared above");
    let mut t = Tables {
        branches: take("branches"),
        persons: take("persons"),
        groups: take("operatorgroups"),
        operators: take("operators"),
        incidents: take("incidents"),
        trail: take("progresstrail"),
        attachments: take("attachments"),
        changes: take("changes"),
        assets: take("assets"),
        knowledge: take("knowledgeItems"),
        locations: take("locations"),
        activities: take("changeActivities"),
        asset_links: take("assetLinks"),
        folders: take("knowledgeFolders"),
        translations: take("knowledgeTranslations"),
        operational: take("operationalActivities"),
        reservations: take("reservations"),
    };
    let td = Topdesk::new(world);
    write_branches(&td, &mut t)?;
    write_persons(&td, &mut t)?;
    write_operators(&td, &mut t)?;
    let mut trail_counter = 0;
    let mut months = MonthlyNumbers::default();
    for index in 0..world.tickets {
        write_incident(&td, &mut t, &mut trail_counter, &mut months, &world.ticket(index))?;
    }
    write_changes(&td, &mut t)?;
    write_assets(&td, &mut t)?;
    write_knowledge(&td, &mut t)?;
    write_locations(&td, &mut t)?;
    write_change_activities(&td, &mut t)?;
    write_asset_links(&td, &mut t)?;
    write_operational(&td, &mut t)?;
    write_reservations(&td, &mut t)?;
    Ok((
        "REST API 3.8.5",
        vec![
            t.branches,
            t.persons,
            t.groups,
            t.operators,
            t.incidents,
            t.trail,
            t.attachments,
            t.changes,
            t.assets,
            t.knowledge,
            t.locations,
            t.activities,
            t.asset_links,
            t.folders,
            t.translations,
            t.operational,
            t.reservations,
        ],
    ))
}

/// TOPdesk's human numbers: a prefix, the year and month, and a count within that month
/// (`I 2401 003`, `CA 2401 0003`).
#[derive(Default)]
struct MonthlyNumbers(BTreeMap<(i64, i64), u64>);

impl MonthlyNumbers {
    /// The next number of `prefix` for the month of `at`, the count `width` digits wide.
    fn next(&mut self, prefix: &str, at: i64, width: usize) -> String {
        let (y, m, _) = super::ymd(at);
        let count = self.0.entry((y, m)).or_insert(0);
        *count += 1;
        format!("{prefix} {:02}{m:02} {count:0width$}", y % 100)
    }
}

struct Topdesk<'a> {
    world: &'a World,
    assets: u64,
    changes: u64,
    knowledge: u64,
}

impl<'a> Topdesk<'a> {
    fn new(world: &'a World) -> Topdesk<'a> {
        Topdesk {
            world,
            assets: world.tickets / 10 + 5,
            changes: world.tickets / 20 + 2,
            knowledge: (10 + world.tickets / 200).min(2000),
        }
    }

    fn id(&self, stream: u64, n: u64) -> String {
        uuid(self.world.seed, stream, n)
    }

    /// The branch of customer company `company_j` (branch 0 is the service desk).
    fn branch(&self, company_j: u64) -> String {
        self.id(BRANCH, company_j / 10 + 1)
    }

    fn person(&self, j: u64) -> String {
        self.id(PERSON, j)
    }

    fn operator(&self, i: u64) -> String {
        self.id(OPERATOR, i)
    }

    fn group(&self, team: usize) -> String {
        self.id(GROUP, team as u64)
    }
}

fn write_branches(td: &Topdesk, t: &mut Tables) -> io::Result<()> {
    let world = td.world;
    let set_up = WINDOW_START - 600 * DAY;
    t.branches
        .row_text(&td.id(BRANCH, 0))
        .text("name", Some("YourCompany Service Desk"))
        .text("clientReferenceNumber", Some("HQ"))
        .enumeration("timeZone", Some("Europe/Amsterdam"))
        .text("phone", Some("+31 20 555 0100"))
        .text("email", Some(SERVICE_DESK))
        .text("city", Some("Amsterdam"))
        .text("country", Some("Netherlands"))
        .enumeration("branchType", Some("isAHeadBranch"))
        .rel_text("headBranch", None)
        .bool("archived", false)
        .datetime("creationDate", Some(set_up))
        .datetime("modificationDate", Some(set_up))
        .finish()?;
    let mut j = 0;
    while j < world.customers {
        let company = world.customer(j);
        j += 10;
        if company.deleted() {
            continue;
        }
        let mut rng = world.rng(tag(b"topdesk branch row"), company.j);
        let zone = company.tz.unwrap_or_else(|| *rng.pick(&ZONES[5..]));
        let (city, _, country, _) = text::CITIES[company.city];
        let head = rng.percent(15);
        t.branches
            .row_text(&td.branch(company.j))
            .text("name", Some(&company.name))
            .text("clientReferenceNumber", Some(&format!("CR-{:05}", company.j / 10 + 1)))
            .enumeration("timeZone", Some(zone))
            .text("phone", company.phone.as_deref())
            .text("email", company.email.as_deref())
            .text("city", Some(city))
            .text("country", Some(text::country_name(country)))
            .enumeration("branchType", Some(if head { "hasAHeadBranch" } else { "independentBranch" }))
            .rel_text("headBranch", head.then(|| td.id(BRANCH, 0)).as_deref())
            .bool("archived", company.archived())
            .datetime("creationDate", Some(company.created))
            .datetime("modificationDate", Some(company.updated))
            .finish()?;
    }
    Ok(())
}

fn language(lang: Lang) -> &'static str {
    match lang {
        Lang::English => "EN",
        Lang::German => "DE",
        Lang::French => "FR",
        Lang::Greek => "EL",
        Lang::Russian => "RU",
        Lang::Japanese => "JA",
        Lang::Arabic => "AR",
    }
}

fn write_persons(td: &Topdesk, t: &mut Tables) -> io::Result<()> {
    let world = td.world;
    for j in 0..world.customers {
        let customer = world.customer(j);
        if customer.company || customer.deleted() {
            continue;
        }
        let mut rng = world.rng(tag(b"topdesk person row"), j);
        t.persons
            .row_text(&td.person(j))
            .text("firstName", Some(&customer.first))
            .text("surName", Some(&customer.last))
            .text("dynamicName", Some(&customer.name))
            .text("email", customer.email.as_deref())
            .text("phoneNumber", customer.phone.as_deref())
            .text("mobileNumber", customer.mobile.as_deref())
            .text("jobTitle", customer.job)
            .enumeration("department", rng.percent(80).then(|| *rng.pick(&DEPARTMENTS)))
            .rel_text("branch", Some(&td.branch(customer.company_j)))
            .enumeration("language", Some(language(customer.lang)))
            .text("tasLoginName", Some(&customer.login))
            .text("networkLoginName", rng.percent(60).then(|| format!("CORP\\{}", customer.login)).as_deref())
            .text("employeeNumber", rng.percent(50).then(|| format!("E{:06}", j)).as_deref())
            .bool("hasSspAccess", rng.percent(70))
            .bool("archived", customer.archived())
            .datetime("creationDate", Some(customer.created))
            .datetime("modificationDate", Some(customer.updated))
            .finish()?;
    }
    Ok(())
}

fn write_operators(td: &Topdesk, t: &mut Tables) -> io::Result<()> {
    let world = td.world;
    let set_up = WINDOW_START - 600 * DAY;
    for (k, name) in GROUPS.iter().enumerate() {
        t.groups
            .row_text(&td.group(k))
            .text("groupName", Some(name))
            .rel_text("branch", Some(&td.id(BRANCH, 0)))
            .text(
                "email",
                Some(["servicedesk@yourcompany.example", "billing@yourcompany.example", "it@yourcompany.example"][k]),
            )
            .bool("archived", false)
            .datetime("creationDate", Some(set_up))
            .datetime("modificationDate", Some(set_up + DAY))
            .finish()?;
    }
    for agent in world.agents() {
        let mut groups = vec![td.group(agent.team)];
        if agent.i % 5 == 0 && agent.team != 0 {
            groups.insert(0, td.group(0));
        }
        t.operators
            .row_text(&td.operator(agent.i))
            .text("loginName", Some(&agent.login))
            .text("dynamicName", Some(&agent.name))
            .text("firstName", Some(agent.first))
            .text("surName", Some(agent.last))
            .text("email", agent.email.as_deref())
            .text("jobTitle", Some(if agent.team == 2 { "IT specialist" } else { "Service desk agent" }))
            .rel_text("branch", Some(&td.id(BRANCH, 0)))
            .many_text("operatorGroups", &groups)
            .bool("firstLineCallOperator", true)
            .bool("secondLineCallOperator", agent.team != 0 || agent.i % 4 == 0)
            .bool("changeCoordinator", agent.i % 6 == 1)
            .bool("knowledgeBaseManager", agent.i % 5 == 2)
            .bool("archived", !agent.active)
            .datetime("creationDate", Some(agent.created))
            .datetime("modificationDate", Some(agent.created + 20 * DAY))
            .finish()?;
    }
    Ok(())
}

/// Text of at most `max` characters (TOPdesk's brief description holds 80).
fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn write_incident(
    td: &Topdesk,
    t: &mut Tables,
    trail_counter: &mut u64,
    months: &mut MonthlyNumbers,
    ticket: &Ticket,
) -> io::Result<()> {
    let world = td.world;
    let mut rng = world.rng(tag(b"topdesk incident"), ticket.index);
    let id = td.id(INCIDENT, ticket.index);
    let customer: Option<Customer> = ticket.customer.map(|j| world.customer(j));
    let caller = ticket.customer.map(|j| td.person(j));
    let caller_email = match (&customer, ticket.case) {
        (Some(c), Case::MessyEmail) => Some(super::messy_email(&c.clean_email, &mut rng)),
        (Some(c), _) => c.email.clone(),
        (None, _) => ticket.sender_email.clone(),
    };
    let caller_name = customer.as_ref().map_or_else(|| caller_email.clone().unwrap_or_default(), |c| c.name.clone());
    let number = months.next("I", ticket.created, 3);
    let partial = ticket.index > 0 && !world.long_threads.contains(&ticket.index) && rng.percent(3);
    let archived = ticket.status.closed() && ticket.created < WINDOW_END - 365 * DAY && rng.percent(15);
    let line = if partial {
        2
    } else if ticket.status == Status::New || rng.percent(40) {
        0
    } else {
        1
    };
    let status = STATUSES[line + if archived { 3 } else { 0 }];
    let processing = match ticket.status {
        Status::OnHold if ticket.case == Case::CustomPending => "Parked – awaiting parts",
        Status::New => "Registered",
        Status::InProgress => "In progress",
        Status::OnHold => {
            *rng.weighted(&[("Waiting for user", 45), ("Waiting for supplier", 20), ("Parked – awaiting parts", 35)])
        }
        Status::Solved => *rng.weighted(&[("Completed", 40), ("Closed", 60)]),
        Status::Cancelled => "Closed",
    };
    let closed = processing == "Closed";
    let completed = matches!(processing, "Completed" | "Closed");
    let (category, subcategory) = match ticket.topic {
        Topic::Bug => ("Software", *rng.pick(&["Webshop", "ERP"])),
        Topic::Billing => ("Finance", "Invoice"),
        Topic::Refund => ("Finance", "Refund"),
        Topic::Hardware => ("Hardware", *rng.pick(&["Printer", "Laptop"])),
        Topic::Login => ("Account", *rng.pick(&["Password", "Access"])),
        Topic::Feature => ("Software", "Webshop"),
    };
    let entry = match ticket.channel {
        Channel::Email => "E-mail",
        Channel::Web => "Self Service Portal",
        Channel::Phone => *rng.weighted(&[("Telephone", 85), ("Walk-in", 15)]),
    };
    let operator = ticket.agent.map(|a| td.operator(a));
    let creator = match ticket.channel {
        Channel::Phone => Some(operator.clone().unwrap_or_else(|| td.operator(0))),
        _ => None,
    };
    let on_hold = ticket.status == Status::OnHold;
    let feedback = ticket.rating.filter(|&r| r > 0).map(|r| i64::from(r.min(5)));
    let asset = (ticket.topic == Topic::Hardware && rng.percent(50)).then(|| td.id(ASSET, rng.below(td.assets)));
    let request = world.body(ticket, &ticket.messages[0], customer.as_ref(), None, None);
    let custom = &ticket.custom;
    let memo = custom.notes.as_ref().map(|n| {
        n.replace("<li>", "- ")
            .replace("</li>", "\n")
            .replace("<p>", "")
            .replace("</p>", "\n")
            .replace("<b>", "")
            .replace("</b>", "")
            .replace("<ul>", "")
            .replace("</ul>", "")
    });
    t.incidents
        .row_text(&id)
        .text("number", Some(&number))
        .enumeration("status", Some(status))
        .text("briefDescription", Some(&clip(&ticket.subject, 80)))
        .text("request", request.text.as_deref())
        .rel_text("caller", caller.as_deref())
        .text("caller_dynamicName", Some(&caller_name))
        .text("caller_email", caller_email.as_deref())
        .rel_text("callerBranch", customer.as_ref().map(|c| td.branch(c.company_j)).as_deref())
        .enumeration(
            "callType",
            Some(match ticket.topic {
                Topic::Feature => "Request for change",
                Topic::Bug | Topic::Hardware => "Malfunction",
                Topic::Refund => "Complaint",
                _ => *rng.pick(&["Question", "Request for information"]),
            }),
        )
        .enumeration("entryType", Some(entry))
        .enumeration("category", Some(category))
        .enumeration("subcategory", Some(subcategory))
        .enumeration(
            "impact",
            Some(*rng.weighted(&[("Person", 70), ("Department", 20), ("Branch", 8), ("Organisation", 2)])),
        )
        .enumeration("urgency", Some(URGENCIES[ticket.priority as usize]))
        .enumeration("priority", Some(PRIORITIES[ticket.priority as usize]))
        .rel_text("operator", operator.as_deref())
        .rel_text("operatorGroup", Some(&td.group(ticket.team)))
        .enumeration("processingStatus", Some(processing))
        .bool("completed", completed)
        .datetime("completedDate", ticket.closed_at.filter(|_| completed))
        .bool("closed", closed)
        .datetime("closedDate", ticket.closed_at.filter(|_| closed))
        .enumeration(
            "closureCode",
            match ticket.status {
                Status::Solved => Some(*rng.weighted(&[("Solved", 80), ("Workaround", 20)])),
                Status::Cancelled => Some(*rng.pick(&["Cancelled by user", "Duplicate", "No response"])),
                _ => None,
            },
        )
        .datetime("targetDate", Some(ticket.created + [5 * DAY, 3 * DAY, DAY, 4 * HOUR][ticket.priority as usize]))
        .datetime("callDate", Some(ticket.created))
        .bool("onHold", on_hold)
        .datetime("onHoldDate", on_hold.then_some(ticket.last_stage_change))
        .rel_text("creator", creator.as_deref())
        .datetime("creationDate", Some(ticket.created))
        .rel_text("modifier", operator.as_deref())
        .datetime("modificationDate", Some(ticket.updated))
        .bool("majorCall", ticket.priority == 3 && rng.percent(30))
        .rel_text(
            "mainIncident",
            partial.then(|| td.id(INCIDENT, ticket.index - 1 - rng.below(ticket.index.min(20)))).as_deref(),
        )
        .rel_text("asset", asset.as_deref())
        .text("externalNumber", rng.percent(5).then(|| format!("EXT-{}", rng.range(10_000, 99_999))).as_deref())
        .int_opt("feedbackRating", feedback)
        .text("feedbackMessage", feedback.filter(|&r| r <= 3).map(|_| "Took too long."))
        .float_opt("timeSpent", custom.hours.map(|h| h * 60.0))
        .bool("optionalFields1_boolean1", custom.escalated)
        .float_opt("optionalFields1_number1", custom.hours)
        .datetime("optionalFields1_date1", custom.due)
        .text("optionalFields1_text1", custom.customer_ref.as_deref())
        .text("optionalFields1_memo1", memo.as_deref())
        .enumeration("optionalFields1_searchlist1", custom.contract.map(|k| CONTRACTS[k].1))
        .float_opt("optionalFields2_number1", custom.count.map(|n| n as f64))
        .datetime("optionalFields2_date1", custom.follow_up)
        .enumeration("optionalFields2_searchlist1", custom.products.first().map(|&k| PRODUCTS[k]))
        .finish()?;

    // The progress trail.
    for message in &ticket.messages {
        let mut mrng = world.rng(tag(b"topdesk trail"), combine(ticket.index, message.ordinal as u64));
        let person = match message.kind {
            Kind::Request | Kind::CustomerReply => caller.clone(),
            _ => None,
        };
        let writer = match message.kind {
            Kind::AgentReply | Kind::Note => message.agent.or(ticket.agent).map(|a| td.operator(a)),
            Kind::Request if ticket.channel == Channel::Phone => creator.clone(),
            _ => None,
        };
        let image_url = (message.ordinal == 0 && ticket.case == Case::UrlImage)
            .then(|| format!("/tas/api/incidents/id/{id}/images/image001.png"));
        let mut files = world.files(ticket, message);
        if image_url.is_some() {
            let mut frng = world.rng(tag(b"topdesk inline"), ticket.index);
            let mut image = text::file(text::FileKind::InlineImage, &mut frng, 0);
            image.content_id = None;
            files.push(image);
        }
        let cid = files.iter().find_map(|f| f.content_id.clone());
        let body = world.body(ticket, message, customer.as_ref(), cid.as_deref(), image_url.as_deref());
        let entry_id = |counter: &mut u64| {
            let id = td.id(TRAIL, *counter);
            *counter += 1;
            id
        };
        match message.kind {
            Kind::Stage(_) => continue,
            Kind::AutoAck => {
                t.trail
                    .row_text(&entry_id(trail_counter))
                    .rel_text("incident", Some(&id))
                    .datetime("entryDate", Some(message.at))
                    .rel_text("operator", None)
                    .rel_text("person", None)
                    .html("memoText", None)
                    .text("plainText", None)
                    .bool("invisibleForCaller", false)
                    .int("flag", 0)
                    .text("fileName", None)
                    .text("downloadUrl", None)
                    .int_opt("size", None)
                    .text("title", Some(&format!("Your call {number} has been registered")))
                    .text("sender", Some(SERVICE_DESK))
                    .datetime("creationDate", Some(message.at))
                    .many_text::<&str>("attachment_ids", &[])
                    .finish()?;
            }
            _ => {
                let invisible = message.kind == Kind::Note;
                t.trail
                    .row_text(&entry_id(trail_counter))
                    .rel_text("incident", Some(&id))
                    .datetime("entryDate", Some(message.at))
                    .rel_text("operator", writer.as_deref())
                    .rel_text("person", person.as_deref())
                    .html("memoText", body.html.as_deref())
                    .text("plainText", body.text.as_deref())
                    .bool("invisibleForCaller", invisible)
                    .int("flag", i64::from(invisible && mrng.percent(10)))
                    .text("fileName", None)
                    .text("downloadUrl", None)
                    .int_opt("size", None)
                    .text("title", None)
                    .text("sender", None)
                    .datetime("creationDate", Some(message.at))
                    .many_text::<&str>("attachment_ids", &[])
                    .finish()?;
                if message.kind == Kind::AgentReply && mrng.percent(30) {
                    t.trail
                        .row_text(&entry_id(trail_counter))
                        .rel_text("incident", Some(&id))
                        .datetime("entryDate", Some(message.at + 1))
                        .rel_text("operator", writer.as_deref())
                        .rel_text("person", None)
                        .html("memoText", None)
                        .text("plainText", None)
                        .bool("invisibleForCaller", false)
                        .int("flag", 0)
                        .text("fileName", None)
                        .text("downloadUrl", None)
                        .int_opt("size", None)
                        .text("title", Some(&format!("RE: {} ({number})", clip(&ticket.subject, 80))))
                        .text("sender", Some(SERVICE_DESK))
                        .datetime("creationDate", Some(message.at + 1))
                        .many_text::<&str>("attachment_ids", &[])
                        .finish()?;
                }
            }
        }
        for file in &files {
            let entry = entry_id(trail_counter);
            let url = format!("/tas/api/incidents/id/{id}/attachments/{entry}/download");
            let invisible = message.kind == Kind::Note;
            t.trail
                .row_text(&entry)
                .rel_text("incident", Some(&id))
                .datetime("entryDate", Some(message.at))
                .rel_text("operator", writer.as_deref())
                .rel_text("person", person.as_deref())
                .html("memoText", None)
                .text("plainText", None)
                .bool("invisibleForCaller", invisible)
                .int("flag", 0)
                .text("fileName", Some(&file.name))
                .text("downloadUrl", Some(&url))
                .int("size", file.size as i64)
                .text("title", None)
                .text("sender", None)
                .datetime("creationDate", Some(message.at))
                .many_text("attachment_ids", &[entry.as_str()])
                .finish()?;
            let oversized = file.size != file.content.len() as u64;
            t.attachments
                .row_text(&entry)
                .rel_text("incident", Some(&id))
                .text("fileName", Some(&file.name))
                .text("downloadUrl", Some(&url))
                .int("size", file.size as i64)
                .text("description", oversized.then_some("Placeholder content: the original file is larger"))
                .bool("invisibleForCaller", invisible)
                .datetime("entryDate", Some(message.at))
                .rel_text("operator", writer.as_deref())
                .rel_text("person", person.as_deref())
                .text("contentType", Some(file.mime))
                .binary("content", Some(&file.content))
                .finish()?;
        }
    }
    Ok(())
}

fn write_changes(td: &Topdesk, t: &mut Tables) -> io::Result<()> {
    let world = td.world;
    let span = WINDOW_END - WINDOW_START - 30 * DAY;
    let mut months = MonthlyNumbers::default();
    for n in 0..td.changes {
        let mut rng = world.rng(CHANGE, n);
        let created =
            WINDOW_START + (i128::from(n) * i128::from(span) / i128::from(td.changes)) as i64 + rng.range(0, DAY);
        let number = months.next("C", created, 3);
        let simple = rng.percent(70);
        let status = if simple {
            *rng.weighted(&[
                ("simple_closed", 60),
                ("simple_done", 15),
                ("simple_inProgress", 15),
                ("rfc", 5),
                ("rejected", 5),
            ])
        } else {
            *rng.weighted(&[
                ("extensive_closed", 50),
                ("extensive_done", 15),
                ("extensive_inProgress", 20),
                ("extensive_cancelled", 10),
                ("rfc", 5),
            ])
        };
        let planned = created + rng.range(2 * DAY, 30 * DAY);
        let done = status.ends_with("done") || status.ends_with("closed");
        let implemented = done.then(|| (planned + rng.range(-DAY, 2 * DAY)).min(WINDOW_END - 1));
        let closed = status
            .ends_with("closed")
            .then(|| (implemented.unwrap_or(planned) + rng.range(HOUR, 5 * DAY)).min(WINDOW_END - 1));
        let requester = world.customer(rng.below(world.customers) / 10 * 10 + 1);
        let subject = *rng.pick(&[
            "Replace the printers on the 2nd floor",
            "Upgrade the ERP to the new release",
            "New laptop for a new colleague",
            "Grant access to the finance share",
            "Move the webshop to the new payment provider",
        ]);
        let mut request = format!("<p>{}</p>", text::escape_html(subject));
        if n % 7 == 3 {
            request.push_str("<p><img src=\"data:image/png;base64,");
            request.push_str(&super::base64(text::PIXEL_PNG));
            request.push_str("\"></p>");
        }
        t.changes
            .row_text(&td.id(CHANGE, n))
            .text("number", Some(&number))
            .text("briefDescription", Some(subject))
            .html("request", Some(&request))
            .enumeration("changeType", Some(if simple { "simple" } else { "extensive" }))
            .enumeration("processingStatus", Some(status))
            .rel_text("requester", Some(&td.person(requester.j)))
            .rel_text("assignee", Some(&td.operator(rng.below(world.agents))))
            .enumeration("category", Some(*rng.pick(&CATEGORIES)))
            .enumeration("impact", Some(*rng.pick(&IMPACTS)))
            .datetime("plannedImplementationDate", Some(planned.min(WINDOW_END - 1)))
            .datetime("implementationDate", implemented)
            .datetime("closedDate", closed)
            .datetime("creationDate", Some(created))
            .datetime("modificationDate", Some(closed.or(implemented).unwrap_or(created + HOUR)))
            .finish()?;
    }
    Ok(())
}

fn write_assets(td: &Topdesk, t: &mut Tables) -> io::Result<()> {
    let world = td.world;
    for n in 0..td.assets {
        let mut rng = world.rng(ASSET, n);
        let template =
            *rng.weighted(&[("Laptop", 40), ("Desktop", 15), ("Printer", 15), ("Mobile phone", 20), ("Monitor", 10)]);
        let prefix = match template {
            "Laptop" => "LT",
            "Desktop" => "PC",
            "Printer" => "PR",
            "Mobile phone" => "MP",
            _ => "MO",
        };
        let purchased = WINDOW_START - 700 * DAY + rng.range(0, 1200) * DAY;
        let person = rng.percent(80).then(|| {
            let j = rng.below(world.customers);
            if j.is_multiple_of(10) { j + 1 } else { j }
        });
        let branch = person.map_or_else(|| td.id(BRANCH, 0), |j| td.branch(j / 10 * 10));
        t.assets
            .row_text(&td.id(ASSET, n))
            .text("name", Some(&format!("{prefix}-{:05}", n + 1)))
            .enumeration("templateName", Some(template))
            .enumeration("status", Some(if rng.percent(95) { "OPERATIONAL" } else { "IMPACTED" }))
            .text("serialNumber", Some(&rng.hex(10).to_uppercase()))
            .date("purchaseDate", Some(purchased))
            .date("warrantyExpiry", rng.percent(80).then_some(purchased + 3 * 365 * DAY))
            .rel_text("assignedPerson", person.map(|j| td.person(j)).as_deref())
            .rel_text("branch", Some(&branch))
            .bool("archived", rng.percent(8))
            .datetime("creationDate", Some(purchased.max(WINDOW_START - 700 * DAY)))
            .datetime("modificationDate", Some((purchased + rng.range(0, 300) * DAY).min(WINDOW_END - 1)))
            .finish()?;
    }
    Ok(())
}

fn write_knowledge(td: &Topdesk, t: &mut Tables) -> io::Result<()> {
    let world = td.world;
    let set_up = WINDOW_START - 300 * DAY;
    for (k, name) in FOLDERS.iter().enumerate() {
        t.folders
            .row_text(&td.id(FOLDER, k as u64))
            .text("name", Some(name))
            .rel_text("parent", None)
            .datetime("creationDate", Some(set_up))
            .datetime("modificationDate", Some(set_up + k as i64 * DAY))
            .finish()?;
    }
    for (k, (name, parent)) in SUBFOLDERS.iter().enumerate() {
        t.folders
            .row_text(&td.id(FOLDER, (FOLDERS.len() + k) as u64))
            .text("name", Some(name))
            .rel_text("parent", Some(&td.id(FOLDER, *parent as u64)))
            .datetime("creationDate", Some(set_up + 10 * DAY))
            .datetime("modificationDate", Some(set_up + 20 * DAY))
            .finish()?;
    }
    let mut translation = 0;
    let span = WINDOW_END - WINDOW_START - 10 * DAY;
    for n in 0..td.knowledge {
        let mut rng = world.rng(KNOWLEDGE, n);
        let created =
            WINDOW_START + (i128::from(n) * i128::from(span) / i128::from(td.knowledge)) as i64 + rng.range(0, DAY);
        let language = *rng.weighted(&[("en", 70), ("de", 20), ("nl", 10)]);
        let name = *rng.pick(&FOLDERS);
        let folder = td.id(FOLDER, FOLDERS.iter().position(|folder| *folder == name).unwrap_or_default() as u64);
        let title = match (language, n % 4) {
            ("de", _) => "Passwort zurücksetzen",
            ("nl", _) => "Wachtwoord opnieuw instellen",
            (_, 0) => "Reset your password",
            (_, 1) => "Add a network printer",
            (_, 2) => "Download an invoice copy",
            _ => "Set up two-factor sign-in",
        };
        let mut content = format!("<h2>{title}</h2><ol><li>Open the portal.</li><li>Follow the steps.</li></ol>");
        match n % 9 {
            2 => {
                content.push_str("<p><img src=\"data:image/png;base64,");
                content.push_str(&super::base64(text::PIXEL_PNG));
                content.push_str("\"></p>");
            }
            5 => content.push_str("<script>document.location='https://attacker.example/'</script>"),
            7 => content.push_str("<p>ログインできない場合は管理者に連絡してください。</p>"),
            _ => {}
        }
        let visibility = *rng.weighted(&[("VISIBLE", 60), ("NOT_VISIBLE", 25), ("VISIBLE_IN_PERIOD", 15)]);
        let (from, until) = if visibility == "VISIBLE_IN_PERIOD" {
            (Some(created), Some((created + rng.range(30, 365) * DAY).min(WINDOW_END - 1)))
        } else {
            (None, None)
        };
        let mut translations = vec![language];
        if rng.percent(30) {
            translations.push(if language == "en" { "de" } else { "en" });
        }
        translations.sort_unstable();
        t.knowledge
            .row_text(&td.id(KNOWLEDGE, n))
            .text("number", Some(&format!("KI {:04}", n + 1)))
            .rel_text("parent", Some(&folder))
            .enumeration("language", Some(language))
            .text("title", Some(title))
            .html("description", Some(&format!("<p>{}</p>", text::escape_html(title))))
            .html("content", if n % 11 == 10 { None } else { Some(content.as_str()) })
            .text("commentsForOperators", rng.percent(20).then_some("Check the licence first."))
            .text("keywords", Some(&text::slug(title).replace('-', " ")))
            .enumeration("status", Some(*rng.weighted(&[("Published", 75), ("Draft", 15), ("Archived", 10)])))
            .enumeration("sspVisibility", Some(visibility))
            .datetime("sspVisibleFrom", from)
            .datetime("sspVisibleUntil", until)
            .bool("news", rng.percent(5))
            .texts("availableTranslations", &translations)
            .datetime("creationDate", Some(created))
            .datetime("modificationDate", Some((created + rng.range(0, 200) * DAY).min(WINDOW_END - 1)))
            .finish()?;
        for other in translations.iter().filter(|other| **other != language) {
            let title = match *other {
                "de" => format!("Anleitung: {title}"),
                "nl" => format!("Handleiding: {title}"),
                _ => format!("Guide: {title}"),
            };
            t.translations
                .row_text(&td.id(TRANSLATION, translation))
                .rel_text("item", Some(&td.id(KNOWLEDGE, n)))
                .enumeration("language", Some(other))
                .text("title", Some(&title))
                .html("description", Some(&format!("<p>{}</p>", text::escape_html(&title))))
                .html("content", Some(&format!("<h2>{}</h2><p>1. 2. 3.</p>", text::escape_html(&title))))
                .text("commentsForOperators", None)
                .text("keywords", Some(&text::slug(&title).replace('-', " ")))
                .finish()?;
            translation += 1;
        }
    }
    Ok(())
}

/// Locations: the service desk's building and two meeting rooms (reservations book them), and a
/// building per customer branch.
fn write_locations(td: &Topdesk, t: &mut Tables) -> io::Result<()> {
    let world = td.world;
    let set_up = WINDOW_START - 600 * DAY;
    let mut n = 0;
    let mut location = |t: &mut Tables, branch: &str, name: &str, room: Option<&str>, kind: &str| {
        let row = t
            .locations
            .row_text(&td.id(LOCATION, n))
            .text("name", Some(name))
            .text("roomNumber", room)
            .rel_text("branch", Some(branch))
            .enumeration("type", Some(kind))
            .bool("archived", false)
            .datetime("creationDate", Some(set_up))
            .datetime("modificationDate", Some(set_up + DAY))
            .finish();
        n += 1;
        row
    };
    let desk = td.id(BRANCH, 0);
    location(t, &desk, "Main building", None, "Building")?;
    location(t, &desk, "Meeting room Amstel", Some("1.04"), "Meeting room")?;
    location(t, &desk, "Meeting room IJ", Some("2.11"), "Meeting room")?;
    let mut j = 0;
    while j < world.customers {
        let company = world.customer(j);
        j += 10;
        if company.deleted() {
            continue;
        }
        location(t, &td.branch(company.j), &format!("{} office", company.name), None, "Building")?;
    }
    Ok(())
}

/// One to three activities per change, numbered per month of their change (`CA 2401 0003`).
fn write_change_activities(td: &Topdesk, t: &mut Tables) -> io::Result<()> {
    let world = td.world;
    let mut months = MonthlyNumbers::default();
    let mut counter = 0;
    let span = WINDOW_END - WINDOW_START - 30 * DAY;
    for n in 0..td.changes {
        let mut rng = world.rng(ACTIVITY, n);
        let created = WINDOW_START + (i128::from(n) * i128::from(span) / i128::from(td.changes)) as i64 + HOUR;
        for k in 0..rng.range(1, 4) {
            let number = months.next("CA", created, 4);
            let authorization = k == 0 && rng.percent(30);
            let status = if authorization {
                *rng.pick(&["authorized", "rejected", "waiting"])
            } else {
                *rng.pick(&["waiting", "ready_to_start", "in_progress", "finished", "skipped"])
            };
            let start = created + (k + 1) * DAY;
            let finished = matches!(status, "finished" | "authorized" | "rejected" | "skipped");
            t.activities
                .row_text(&td.id(ACTIVITY, counter))
                .text("number", Some(&number))
                .rel_text("change", Some(&td.id(CHANGE, n)))
                .text(
                    "briefDescription",
                    Some(*rng.pick(&["Order the hardware", "Test on staging", "Inform the users", "Roll out"])),
                )
                .enumeration("plannedChangePhase", Some(if authorization { "rfc" } else { "progress" }))
                .enumeration("activityType", Some(if authorization { "authorization" } else { "normal" }))
                .enumeration("processingStatus", Some(status))
                .rel_text("assignee", Some(&td.operator(rng.below(world.agents))))
                .datetime("plannedStartDate", Some(start.min(WINDOW_END - 1)))
                .datetime("plannedFinalDate", Some((start + 2 * DAY).min(WINDOW_END - 1)))
                .datetime("finalDate", finished.then(|| (start + DAY).min(WINDOW_END - 1)))
                .datetime("creationDate", Some(created))
                .datetime("modificationDate", Some((start + DAY).min(WINDOW_END - 1)))
                .finish()?;
            counter += 1;
        }
    }
    Ok(())
}

/// Parent/child links: assets 2 → 3 → 4 → 2 form a cycle (a migration must not loop on it),
/// and from asset 5 on every fourth asset is the parent of the next two.
fn write_asset_links(td: &Topdesk, t: &mut Tables) -> io::Result<()> {
    let mut links = vec![(2, 3), (3, 4), (4, 2)];
    for n in (5..td.assets).filter(|n| n % 4 == 1) {
        links.extend((n + 1..(n + 3).min(td.assets)).map(|child| (n, child)));
    }
    for (k, (parent, child)) in links.into_iter().enumerate() {
        t.asset_links
            .row_text(&td.id(ASSET_LINK, k as u64))
            .rel_text("parent", Some(&td.id(ASSET, parent)))
            .rel_text("child", Some(&td.id(ASSET, child)))
            .finish()?;
    }
    Ok(())
}

/// Operational activities spread over the window, numbered per month (`OA 2401 003`).
fn write_operational(td: &Topdesk, t: &mut Tables) -> io::Result<()> {
    let world = td.world;
    let count = world.tickets / 20 + 3;
    let span = WINDOW_END - WINDOW_START - 20 * DAY;
    let mut months = MonthlyNumbers::default();
    for n in 0..count {
        let mut rng = world.rng(OPERATIONAL, n);
        let created = WINDOW_START + (i128::from(n) * i128::from(span) / i128::from(count)) as i64 + rng.range(0, DAY);
        let number = months.next("OA", created, 3);
        let start = created + rng.range(DAY, 10 * DAY);
        let status = *rng.pick(&OPERATIONAL_STATUSES);
        t.operational
            .row_text(&td.id(OPERATIONAL, n))
            .text("number", Some(&number))
            .text(
                "briefDescription",
                Some(*rng.pick(&["Check the backups", "Replace the UPS batteries", "Patch the servers"])),
            )
            .enumeration("type", Some(*rng.pick(&OPERATIONAL_TYPES)))
            .enumeration("status", Some(status))
            .rel_text("operator", Some(&td.operator(rng.below(world.agents))))
            .rel_text("operatorGroup", Some(&td.group(2)))
            .datetime("plannedStartDate", Some(start.min(WINDOW_END - 1)))
            .datetime("plannedEndDate", Some((start + 4 * HOUR).min(WINDOW_END - 1)))
            .bool("resolved", status == "Done")
            .bool("skipped", rng.percent(5))
            .bool("archived", rng.percent(5))
            .datetime("creationDate", Some(created))
            .datetime("modificationDate", Some((start + rng.range(0, 3 * DAY)).min(WINDOW_END - 1)))
            .finish()?;
    }
    Ok(())
}

/// Reservations of the two meeting rooms, two by two at the same start (so paging on
/// `plannedStartDate` meets ties), numbered per month (`R 2401 003`).
fn write_reservations(td: &Topdesk, t: &mut Tables) -> io::Result<()> {
    let world = td.world;
    let count = world.tickets / 15 + 4;
    let span = WINDOW_END - WINDOW_START - 10 * DAY;
    let mut months = MonthlyNumbers::default();
    for n in 0..count {
        let mut rng = world.rng(RESERVATION, n);
        let slot = n / 2;
        let start = WINDOW_START + (i128::from(slot) * i128::from(span) / i128::from(count / 2 + 1)) as i64 + 9 * HOUR;
        let number = months.next("R", start, 3);
        let requester = world.customer(rng.below(world.customers) / 10 * 10 + 1);
        t.reservations
            .row_text(&td.id(RESERVATION, n))
            .text("number", Some(&number))
            .text("briefDescription", Some(*rng.pick(&["Team meeting", "Customer visit", "Training", "Interview"])))
            .enumeration(
                "status",
                Some(*rng.weighted(&[
                    ("planned", 60),
                    ("request", 15),
                    ("cancelled", 10),
                    ("rejectedRequest", 5),
                    ("conflictingPlanned", 5),
                    ("conflictingRequest", 5),
                ])),
            )
            .rel_text("requester", Some(&td.person(requester.j)))
            .rel_text("operator", rng.percent(70).then(|| td.operator(rng.below(world.agents))).as_deref())
            .rel_text("location", Some(&td.id(LOCATION, 1 + n % 2)))
            .int("numberOfPersons", rng.range(2, 12))
            .datetime("plannedStartDate", Some(start))
            .datetime("plannedEndDate", Some(start + rng.range(1, 4) * HOUR))
            .bool("archived", start < WINDOW_START + 60 * DAY && rng.percent(30))
            .datetime("modificationDate", Some(start - rng.range(DAY, 20 * DAY)))
            .finish()?;
    }
    Ok(())
}
