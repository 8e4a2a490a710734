//! What an OTRS system is configured to do that no migrated record carries, read from its
//! database for `cutover inventory`: who may work each queue (roles and direct grants), process
//! management definitions (activities, transitions with their conditions, actions), statistics
//! definitions (from `xml_storage`), and the configuration items of the CMDB that belong to no
//! customer company (those that do are on their company, `config_items`).
//!
//! Everything is read by name, never by a seed id, and a module whose tables are missing is
//! simply not listed.

use std::collections::{BTreeMap, HashMap};

use crate::drivers::DriverError;
use crate::report::inventory::Document;
use crate::spec::yaml::{self, Node, NodeKind};

use super::db::Cell;
use super::source::{OtrsSource, placeholders};

/// One configuration item's current version.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigItem {
    /// `configitem.id`.
    pub id: i64,
    /// Its number.
    pub number: String,
    /// The current version's name.
    pub name: String,
    /// The class (`Computer`).
    pub class: String,
    /// Deployment state.
    pub deployment: String,
    /// Incident state.
    pub incident: String,
    /// The customer companies an attribute of type CustomerCompany names.
    pub companies: Vec<String>,
    /// `Key: value` of every other attribute, in path order.
    pub attributes: Vec<String>,
    /// Ticket numbers linked to it.
    pub tickets: Vec<String>,
}

impl ConfigItem {
    /// How a company lists it: `1001000001 PC-0001 (Computer)`.
    pub fn label(&self) -> String {
        format!("{} {} ({})", self.number, self.name, self.class)
    }
}

/// An `xml_storage` path as names and indexes.
type Path = Vec<(String, u32)>;

/// The leaves of one `xml_storage` key: path and value.
type Leaves = Vec<(Path, String)>;

fn text(cell: &Cell) -> String {
    cell.text().unwrap_or_default()
}

/// The names and indexes of an `xml_storage` path: `[1]{'Version'}[1]{'NIC'}[2]{'Content'}` →
/// `[("Version", 1), ("NIC", 2), ("Content", 0)]` (a trailing name has no index).
fn path_segments(path: &str) -> Path {
    let mut out: Vec<(String, u32)> = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find("{'") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("'}") else { break };
        let name = after[..end].to_owned();
        rest = &after[end + 2..];
        let index =
            rest.strip_prefix('[').and_then(|r| r.split_once(']')).and_then(|(n, _)| n.parse().ok()).unwrap_or(0);
        out.push((name, index));
    }
    out
}

fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.kind {
        NodeKind::Map(entries) => entries.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v),
        _ => None,
    }
}

fn entries(node: &Node) -> Vec<(String, &Node)> {
    match &node.kind {
        NodeKind::Map(entries) => entries.iter().map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), v)).collect(),
        NodeKind::Seq(items) => items.iter().enumerate().map(|(i, v)| ((i + 1).to_string(), v)).collect(),
        NodeKind::Scalar(_) => Vec::new(),
    }
}

fn scalar(node: Option<&Node>) -> String {
    node.and_then(Node::as_str).unwrap_or_default().to_owned()
}

fn parse(config: &str) -> Option<Node> {
    yaml::parse(crate::source::SourceId::DETACHED, config).ok()
}

/// A transition's conditions in words: `DynamicField_ContractType is 'premium'`.
fn conditions(config: &Node) -> String {
    let Some(conditions) = get(config, "Condition") else { return String::new() };
    let linking = scalar(get(config, "ConditionLinking"));
    let mut groups = Vec::new();
    for (_, condition) in entries(conditions) {
        let inner = scalar(get(condition, "Type"));
        let mut tests = Vec::new();
        if let Some(fields) = get(condition, "Fields") {
            for (field, test) in entries(fields) {
                let kind = scalar(get(test, "Type"));
                let pattern = scalar(get(test, "Match"));
                let verb = match kind.as_str() {
                    "Regexp" => "matches",
                    "Module" => "passes the module",
                    _ => "is",
                };
                tests.push(format!("{field} {verb} '{pattern}'"));
            }
        }
        let joined = tests.join(&format!(" {} ", if inner.is_empty() { "and" } else { inner.as_str() }));
        groups.push(if tests.len() > 1 { format!("({joined})") } else { joined });
    }
    groups.join(&format!(" {} ", if linking.is_empty() { "and" } else { linking.as_str() }))
}

/// An action in words: `TicketQueueSet (Queue: Support::Technical::Hardware)`.
fn action(config: &Node) -> String {
    let module = scalar(get(config, "Module"));
    let short = module.rsplit("::").next().unwrap_or(&module).to_owned();
    let settings: Vec<String> = get(config, "Config")
        .map(|c| entries(c).into_iter().map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or("…"))).collect())
        .unwrap_or_default();
    if settings.is_empty() { short } else { format!("{short} ({})", settings.join(", ")) }
}

impl OtrsSource {
    fn has(&self, table: &str) -> bool {
        self.columns.contains_key(table)
    }

    /// The inventory documents this database has data for.
    pub fn documents(&self) -> Result<Vec<Document>, DriverError> {
        let mut out = Vec::new();
        if self.has("queue") {
            out.push(self.queue_access()?);
        }
        if self.has("pm_process") {
            out.push(self.processes()?);
        }
        if self.has("xml_storage") {
            out.push(self.statistics()?);
        }
        if self.has("configitem") && self.has("xml_storage") {
            let items = self.config_items()?;
            let on_companies = items.iter().filter(|i| !i.companies.is_empty()).count();
            out.push(Document {
                key: "config_items".to_owned(),
                title: "Configuration items without a customer company".to_owned(),
                intro: format!(
                    "ITSM CMDB items (current version) that belong to no customer company, to rebuild as Intercom \
                     custom objects or keep in an asset tool. The {on_companies} items that belong to a company are \
                     on that company in Intercom (`config_items`)."
                ),
                columns: [
                    "Number",
                    "Name",
                    "Class",
                    "Deployment state",
                    "Incident state",
                    "Attributes",
                    "Linked tickets",
                ]
                .map(str::to_owned)
                .to_vec(),
                rows: items
                    .iter()
                    .filter(|i| i.companies.is_empty())
                    .map(|i| {
                        vec![
                            i.number.clone(),
                            i.name.clone(),
                            i.class.clone(),
                            i.deployment.clone(),
                            i.incident.clone(),
                            i.attributes.join("\n"),
                            i.tickets.join(", "),
                        ]
                    })
                    .collect(),
                notes: Vec::new(),
            });
        }
        Ok(out)
    }

    /// Who may work each valid queue: roles (with their members) and agents granted the
    /// queue's group directly.
    fn queue_access(&self) -> Result<Document, DriverError> {
        let groups = self.object("permission_groups").map(|o| o.table.clone()).ok();
        let mut notes = Vec::new();
        let group_name = match &groups {
            Some(table) => format!("LEFT JOIN {table} g ON g.id = q.group_id"),
            None => {
                notes.push("no groups table: queue groups are not named".to_owned());
                String::new()
            }
        };
        let group_column = if groups.is_some() { "g.name" } else { "NULL" };
        let queues = self.query(
            &format!(
                "SELECT q.name, q.group_id, {group_column} FROM queue q {group_name} WHERE q.valid_id = 1 ORDER BY q.name"
            ),
            vec![],
        )?;
        let mut by_group: HashMap<i64, Vec<String>> = HashMap::new();
        if self.has("group_role") && self.has("roles") {
            let members: HashMap<i64, i64> = if self.has("role_user") {
                self.query("SELECT role_id, COUNT(*) FROM role_user GROUP BY role_id", vec![])?
                    .into_iter()
                    .filter_map(|r| Some((r[0].int()?, r[1].int()?)))
                    .collect()
            } else {
                HashMap::new()
            };
            let mut grants: BTreeMap<(i64, String, i64, bool), Vec<String>> = BTreeMap::new();
            for row in self.query(
                "SELECT gr.group_id, r.name, r.id, r.valid_id, gr.permission_key FROM group_role gr JOIN roles r ON \
                 r.id = gr.role_id WHERE gr.permission_value = 1 ORDER BY r.name, gr.permission_key",
                vec![],
            )? {
                let (Some(group), Some(role)) = (row[0].int(), row[2].int()) else { continue };
                grants.entry((group, text(&row[1]), role, row[3].int() == Some(1))).or_default().push(text(&row[4]));
            }
            for ((group, name, role, valid), keys) in grants {
                let count = members.get(&role).copied().unwrap_or(0);
                let invalid = if valid { "" } else { ", role invalid" };
                by_group.entry(group).or_default().push(format!(
                    "role {name} ({}; {count} agent{}{invalid})",
                    keys.join(", "),
                    if count == 1 { "" } else { "s" }
                ));
            }
        }
        if self.has("group_user") {
            let mut direct: BTreeMap<(i64, String), Vec<String>> = BTreeMap::new();
            for row in self.query(
                "SELECT gu.group_id, u.login, gu.permission_key FROM group_user gu JOIN users u ON u.id = gu.user_id \
                 WHERE u.id <> 1 AND u.valid_id = 1 ORDER BY u.login, gu.permission_key",
                vec![],
            )? {
                let Some(group) = row[0].int() else { continue };
                direct.entry((group, text(&row[1]))).or_default().push(text(&row[2]));
            }
            for ((group, login), keys) in direct {
                by_group.entry(group).or_default().push(format!("agent {login} ({})", keys.join(", ")));
            }
        }
        Ok(Document {
            key: "queue_access".to_owned(),
            title: "Queue access by role".to_owned(),
            intro: "Who may work each queue, through roles (permissions granted to the queue's group) or granted \
                    directly: rebuild it as Intercom team membership and inbox access. The built-in admin is left out."
                .to_owned(),
            columns: ["Queue", "Group", "Access"].map(str::to_owned).to_vec(),
            rows: queues
                .iter()
                .map(|q| {
                    let access = q[1].int().and_then(|g| by_group.get(&g)).map(|a| a.join("\n")).unwrap_or_default();
                    vec![text(&q[0]), text(&q[2]), access]
                })
                .collect(),
            notes,
        })
    }

    /// Process management: one row per step of each process's path.
    fn processes(&self) -> Result<Document, DriverError> {
        let names = |table: &str| -> Result<HashMap<String, (String, Option<Node>)>, DriverError> {
            if !self.has(table) {
                return Ok(HashMap::new());
            }
            Ok(self
                .query(&format!("SELECT entity_id, name, config FROM {table}"), vec![])?
                .into_iter()
                .map(|r| (text(&r[0]), (text(&r[1]), parse(&text(&r[2])))))
                .collect())
        };
        let activities = names("pm_activity")?;
        let dialogs = names("pm_activity_dialog")?;
        let transitions = names("pm_transition")?;
        let actions = names("pm_transition_action")?;
        let name_of = |map: &HashMap<String, (String, Option<Node>)>, id: &str| {
            map.get(id).map_or_else(|| format!("{id} (not found)"), |(name, _)| name.clone())
        };
        let mut rows = Vec::new();
        for process in
            self.query("SELECT entity_id, name, state_entity_id, config FROM pm_process ORDER BY name", vec![])?
        {
            let state = match text(&process[2]).as_str() {
                "S1" => "active",
                "S2" => "inactive",
                "S3" => "fade away",
                other => other,
            }
            .to_owned();
            let title = format!("{} ({state})", text(&process[1]));
            let Some(config) = parse(&text(&process[3])) else {
                rows.push(vec![
                    title,
                    "(configuration not readable)".to_owned(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
                continue;
            };
            let start = scalar(get(&config, "StartActivity"));
            let mut order: Vec<(String, &Node)> = get(&config, "Path").map(entries).unwrap_or_default();
            // The start activity first, then the others as the path lists them.
            order.sort_by_key(|(id, _)| *id != start);
            for (from, steps) in order {
                let dialog_names: Vec<String> = activities
                    .get(&from)
                    .and_then(|(_, c)| c.as_ref())
                    .and_then(|c| get(c, "ActivityDialog"))
                    .map(|d| {
                        entries(d).into_iter().map(|(_, v)| name_of(&dialogs, v.as_str().unwrap_or_default())).collect()
                    })
                    .unwrap_or_default();
                let mut from_label = name_of(&activities, &from);
                if from == start {
                    from_label.push_str(" (start)");
                }
                if !dialog_names.is_empty() {
                    from_label.push_str(&format!("\ndialogs: {}", dialog_names.join(", ")));
                }
                let steps = entries(steps);
                if steps.is_empty() {
                    rows.push(vec![
                        title.clone(),
                        from_label.clone(),
                        "(end)".to_owned(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ]);
                }
                for (transition, step) in steps {
                    let (transition_name, condition) = transitions.get(&transition).map_or_else(
                        || (format!("{transition} (not found)"), String::new()),
                        |(name, c)| (name.clone(), c.as_ref().map(conditions).unwrap_or_default()),
                    );
                    let to = name_of(&activities, &scalar(get(step, "ActivityEntityID")));
                    let done: Vec<String> = get(step, "TransitionAction")
                        .map(|a| {
                            entries(a)
                                .into_iter()
                                .map(|(_, id)| {
                                    let id = id.as_str().unwrap_or_default();
                                    actions.get(id).map_or_else(
                                        || format!("{id} (not found)"),
                                        |(name, c)| format!("{name}: {}", c.as_ref().map(action).unwrap_or_default()),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    rows.push(vec![title.clone(), from_label.clone(), transition_name, condition, to, done.join("\n")]);
                }
            }
        }
        Ok(Document {
            key: "processes".to_owned(),
            title: "Process management".to_owned(),
            intro: "Each process's steps as OTRS runs them: from an activity (and the dialogs agents fill in there), \
                    through a transition when its conditions hold, to the next activity, with the actions the \
                    transition performs. Rebuild them as Intercom workflows; tickets in a process carry its entity id in \
                    the `ProcessManagementProcessID` field."
                .to_owned(),
            columns: ["Process", "From activity", "Transition", "Condition", "To activity", "Actions"].map(str::to_owned).to_vec(),
            rows,
            notes: Vec::new(),
        })
    }

    /// Statistics definitions from `xml_storage` (`xml_type = 'Stats'`).
    fn statistics(&self) -> Result<Document, DriverError> {
        let mut stats: BTreeMap<String, Leaves> = BTreeMap::new();
        for row in self.query(
            "SELECT xml_key, xml_content_key, xml_content_value FROM xml_storage WHERE xml_type = 'Stats'",
            vec![],
        )? {
            stats.entry(text(&row[0])).or_default().push((path_segments(&text(&row[1])), text(&row[2])));
        }
        let group_names: HashMap<String, String> = match self.object("permission_groups") {
            Ok(groups) => self
                .query(&format!("SELECT id, name FROM {}", groups.table), vec![])?
                .into_iter()
                .map(|r| (text(&r[0]), text(&r[1])))
                .collect(),
            Err(_) => HashMap::new(),
        };
        let mut rows = Vec::new();
        let mut keys: Vec<&String> = stats.keys().collect();
        keys.sort_by_key(|k| k.parse::<u64>().unwrap_or(u64::MAX));
        for key in keys {
            let leaves = &stats[key];
            // Values of `{'Name'}[n]{'Content'}` leaves, in index order.
            let all = |name: &str, leaf: &str| -> Vec<String> {
                let mut found: Vec<(u32, String)> = leaves
                    .iter()
                    .filter(|(path, _)| path.len() == 3 && path[1].0 == name && path[2].0 == leaf)
                    .map(|(path, value)| (path[1].1, value.clone()))
                    .collect();
                found.sort();
                found.into_iter().map(|(_, v)| v).collect()
            };
            let one = |name: &str| all(name, "Content").into_iter().next().unwrap_or_default();
            let elements = |name: &str| {
                let selected: Vec<String> = all(name, "Element");
                let flags = all(name, "Selected");
                selected
                    .into_iter()
                    .zip(flags.into_iter().chain(std::iter::repeat("1".to_owned())))
                    .filter(|(_, s)| s == "1")
                    .map(|(e, _)| e)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let permissions: Vec<String> = all("Permission", "Content")
                .into_iter()
                .map(|id| group_names.get(&id).cloned().unwrap_or(id))
                .collect();
            rows.push(vec![
                one("StatNumber"),
                one("Title"),
                one("Description"),
                format!("{} ({})", one("Object"), one("StatType")),
                elements("UseAsXvalue"),
                elements("UseAsValueSeries"),
                elements("UseAsRestriction"),
                all("Format", "Content").join(", "),
                permissions.join(", "),
                if one("Valid") == "1" { "yes" } else { "no" }.to_owned(),
            ]);
        }
        Ok(Document {
            key: "statistics".to_owned(),
            title: "Statistics".to_owned(),
            intro: "The reports defined in OTRS's statistics module: rebuild the ones still used as Intercom \
                    reports. Axes and restrictions name OTRS attributes."
                .to_owned(),
            columns: [
                "Number",
                "Title",
                "Description",
                "Object",
                "X axis",
                "Series",
                "Restrictions",
                "Formats",
                "Groups",
                "Valid",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows,
            notes: Vec::new(),
        })
    }

    /// Every configuration item's current version with its attributes, its customer companies
    /// (attributes whose input type is CustomerCompany) and linked tickets.
    pub fn config_items(&self) -> Result<Vec<ConfigItem>, DriverError> {
        let catalog: HashMap<i64, String> = if self.has("general_catalog") {
            self.query("SELECT id, name FROM general_catalog", vec![])?
                .into_iter()
                .filter_map(|r| Some((r[0].int()?, text(&r[1]))))
                .collect()
        } else {
            HashMap::new()
        };
        // Attribute keys whose input is a customer company, from every class definition.
        let mut company_keys: Vec<String> = Vec::new();
        if self.has("configitem_definition") {
            for row in self.query("SELECT configitem_definition FROM configitem_definition", vec![])? {
                let Some(definition) = parse(&text(&row[0])) else { continue };
                let mut stack: Vec<&Node> = vec![&definition];
                while let Some(node) = stack.pop() {
                    for (_, attribute) in entries(node) {
                        if get(attribute, "Input").map(|i| scalar(get(i, "Type"))).as_deref() == Some("CustomerCompany")
                        {
                            let key = scalar(get(attribute, "Key"));
                            if !company_keys.contains(&key) {
                                company_keys.push(key);
                            }
                        }
                        if let Some(sub) = get(attribute, "Sub") {
                            stack.push(sub);
                        }
                    }
                }
            }
        }
        let items = self.query(
            "SELECT c.id, c.configitem_number, c.class_id, c.last_version_id, c.cur_depl_state_id, \
             c.cur_inci_state_id, v.name FROM configitem c LEFT JOIN configitem_version v ON v.id = \
             c.last_version_id ORDER BY c.id",
            vec![],
        )?;
        let mut attributes: HashMap<String, Leaves> = HashMap::new();
        for row in self.query(
            "SELECT xml_key, xml_content_key, xml_content_value FROM xml_storage WHERE xml_type LIKE \
             'ITSM::ConfigItem::%' AND xml_type NOT LIKE 'ITSM::ConfigItem::Archiv::%'",
            vec![],
        )? {
            attributes.entry(text(&row[0])).or_default().push((path_segments(&text(&row[1])), text(&row[2])));
        }
        let mut links: HashMap<String, Vec<String>> = HashMap::new();
        if self.has("link_relation") && self.has("link_object") {
            let state = if self.has("link_state") {
                " JOIN link_state ls ON ls.id = lr.state_id WHERE ls.name = 'Valid'"
            } else {
                ""
            };
            let rows = self.query(
                &format!(
                    "SELECT a.name, lr.source_key, b.name, lr.target_key FROM link_relation lr JOIN link_object a ON \
                     a.id = lr.source_object_id JOIN link_object b ON b.id = lr.target_object_id{state}"
                ),
                vec![],
            )?;
            let mut pairs: Vec<(String, i64)> = Vec::new();
            for row in rows {
                let (a, ak, b, bk) = (text(&row[0]), text(&row[1]), text(&row[2]), text(&row[3]));
                match (a.as_str(), b.as_str()) {
                    ("ITSMConfigItem", "Ticket") => pairs.extend(bk.parse().ok().map(|t| (ak.clone(), t))),
                    ("Ticket", "ITSMConfigItem") => pairs.extend(ak.parse().ok().map(|t| (bk.clone(), t))),
                    _ => {}
                }
            }
            let ids: Vec<i64> = pairs.iter().map(|(_, t)| *t).collect();
            let mut numbers: HashMap<i64, String> = HashMap::new();
            for chunk in ids.chunks(500) {
                let sql = format!("SELECT id, tn FROM ticket WHERE id IN ({})", placeholders(chunk.len()));
                for row in self.query(&sql, chunk.iter().map(|n| super::db::Param::Int(*n)).collect())? {
                    if let Some(id) = row[0].int() {
                        numbers.insert(id, text(&row[1]));
                    }
                }
            }
            for (item, ticket) in pairs {
                links
                    .entry(item)
                    .or_default()
                    .push(numbers.get(&ticket).cloned().unwrap_or_else(|| format!("ticket id {ticket}")));
            }
        }
        let mut out = Vec::new();
        for row in items {
            let Some(id) = row[0].int() else { continue };
            let version = text(&row[3]);
            let mut leaves = attributes.remove(&version).unwrap_or_default();
            leaves.sort_by(|a, b| a.0.cmp(&b.0));
            let mut companies = Vec::new();
            let mut described = Vec::new();
            for (path, value) in leaves {
                // [1]{'Version'}[1]{'Key'}[n]…{'Content'}: the key path without the Version root.
                let names: Vec<String> = path
                    .iter()
                    .skip(1)
                    .filter(|(name, _)| name != "Content")
                    .map(|(name, index)| if *index > 1 { format!("{name}[{index}]") } else { name.clone() })
                    .collect();
                let key = path.get(1).map(|(name, _)| name.clone()).unwrap_or_default();
                if company_keys.contains(&key) {
                    companies.push(value);
                } else {
                    described.push(format!("{}: {value}", names.join(".")));
                }
            }
            let mut tickets = links.remove(&id.to_string()).unwrap_or_default();
            tickets.sort();
            out.push(ConfigItem {
                id,
                number: text(&row[1]),
                name: text(&row[6]),
                class: row[2].int().and_then(|c| catalog.get(&c).cloned()).unwrap_or_default(),
                deployment: row[4].int().and_then(|c| catalog.get(&c).cloned()).unwrap_or_default(),
                incident: row[5].int().and_then(|c| catalog.get(&c).cloned()).unwrap_or_default(),
                companies,
                attributes: described,
                tickets,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_storage_paths_are_split_into_names_and_indexes() {
        assert_eq!(
            path_segments("[1]{'Version'}[1]{'NIC'}[2]{'IPAddress'}[1]{'Content'}"),
            vec![
                ("Version".to_owned(), 1),
                ("NIC".to_owned(), 2),
                ("IPAddress".to_owned(), 1),
                ("Content".to_owned(), 0)
            ]
        );
        assert_eq!(path_segments("[1]{'otrs_stats'}[1]{'Title'}[1]{'Content'}").len(), 3);
    }

    #[test]
    fn conditions_and_actions_read_as_words() {
        let config = parse(
            "---\nCondition:\n  '1':\n    Fields:\n      DynamicField_ContractType:\n        Match: '^(a|b)$'\n        \
             Type: Regexp\n      Queue:\n        Match: Raw\n        Type: String\n    Type: or\nConditionLinking: and\n",
        )
        .unwrap();
        assert_eq!(conditions(&config), "(DynamicField_ContractType matches '^(a|b)$' or Queue is 'Raw')");
        let config = parse(
            "---\nConfig:\n  Queue: Support\nModule: Kernel::System::ProcessManagement::TransitionAction::TicketQueueSet\n",
        )
        .unwrap();
        assert_eq!(action(&config), "TicketQueueSet (Queue: Support)");
    }
}
