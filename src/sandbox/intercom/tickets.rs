//! Ticket types, their attributes, tickets and ticket replies.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::body::{Body, numeric_id};
use super::error::{ApiError, ApiResult};
use super::ids::Kind;
use super::routes::list;
use super::state::{Applied, Author, Part, Stamp, State, Ticket, TicketType, TicketTypeAttribute};
use super::workspace::merge_attributes;

/// Ticket type categories.
const CATEGORIES: [&str; 3] = ["Customer", "Back-office", "Tracker"];
/// Data types of ticket type attributes.
const ATTRIBUTE_TYPES: [&str; 7] = ["string", "list", "integer", "decimal", "boolean", "datetime", "files"];

impl State {
    /// A ticket by path id, or 404 `ticket_not_found`.
    fn ticket_id(&self, id: &str) -> Result<u64, ApiError> {
        numeric_id(id)
            .filter(|id| self.tickets.contains_key(id))
            .ok_or_else(|| ApiError::not_found("ticket_not_found", "Ticket not found"))
    }

    /// `GET /ticket_types`.
    pub(crate) fn list_ticket_types(&mut self) -> ApiResult {
        Ok(Some(list(self.ticket_types.values().map(|ticket_type| self.render_ticket_type(ticket_type)).collect())))
    }

    /// `POST /ticket_types`: created with the default attributes `_default_title_` and
    /// `_default_description_`.
    pub(crate) fn create_ticket_type(&mut self, body: Body) -> ApiResult {
        let name = body.required_str("name", ApiError::missing("name is a required parameter").with_field("name"))?;
        let category = body.str("category")?.unwrap_or("Customer");
        if !CATEGORIES.contains(&category) {
            return Err(ApiError::invalid("category must be Customer, Back-office or Tracker").with_field("category"));
        }
        let id = self.ids.next(Kind::TicketType);
        let mut attributes = Vec::new();
        for (order, (name, multiline)) in
            [("_default_title_", false), ("_default_description_", true)].into_iter().enumerate()
        {
            attributes.push(TicketTypeAttribute {
                id: self.ids.next(Kind::TicketTypeAttribute),
                name: name.to_string(),
                description: String::new(),
                data_type: "string".to_string(),
                input_options: json!({ "multiline": multiline }),
                order: order as u64,
                required_to_create: false,
                required_to_create_for_contacts: false,
                visible_on_create: true,
                visible_to_contacts: true,
                default: true,
                archived: false,
                created_at: self.now,
                updated_at: self.now,
            });
        }
        let ticket_type = TicketType {
            id,
            name: name.to_string(),
            description: body.str("description")?.unwrap_or_default().to_string(),
            category: category.to_string(),
            icon: body.str("icon")?.unwrap_or("\u{1f39f}\u{fe0f}").to_string(),
            is_internal: body.bool("is_internal")?.unwrap_or(false),
            archived: false,
            attributes,
            created_at: self.now,
            updated_at: self.now,
        };
        let rendered = self.render_ticket_type(&ticket_type);
        self.ticket_types.insert(id, ticket_type);
        Ok(Some(rendered))
    }

    /// `POST /ticket_types/{id}/attributes`.
    pub(crate) fn create_ticket_type_attribute(&mut self, id: &str, body: Body) -> ApiResult {
        let type_id =
            numeric_id(id).filter(|id| self.ticket_types.contains_key(id)).ok_or_else(ApiError::resource_not_found)?;
        let name = body.required_str("name", ApiError::missing("name is a required parameter").with_field("name"))?;
        let description = body
            .str("description")?
            .ok_or_else(|| ApiError::missing("description is a required parameter").with_field("description"))?;
        let data_type = body.str("data_type")?.unwrap_or_default();
        if !ATTRIBUTE_TYPES.contains(&data_type) {
            return Err(ApiError::invalid(format!("data_type '{data_type}' is not valid")).with_field("data_type"));
        }
        if self.ticket_types[&type_id].attributes.iter().any(|attribute| !attribute.archived && attribute.name == name)
        {
            return Err(ApiError::invalid(format!("An attribute named '{name}' already exists on this ticket type"))
                .with_field("name"));
        }
        let input_options = match data_type {
            "string" => json!({ "multiline": body.bool("multiline")?.unwrap_or(false) }),
            "list" => {
                let items = body.str("list_items")?.unwrap_or_default();
                let labels: Vec<&str> = items.split(',').map(str::trim).filter(|label| !label.is_empty()).collect();
                if labels.is_empty() {
                    return Err(
                        ApiError::invalid("list_items is required for a list attribute").with_field("list_items")
                    );
                }
                let options: Vec<Value> = labels
                    .iter()
                    .map(|label| {
                        let id = self.ids.next(Kind::TicketTypeAttribute).to_string();
                        json!({ "id": id, "label": label, "archived": false })
                    })
                    .collect();
                json!({ "list_options": options })
            }
            "files" => json!({ "allow_multiple_values": body.bool("allow_multiple_values")?.unwrap_or(false) }),
            _ => Value::Null,
        };
        let now = self.now;
        let attribute = TicketTypeAttribute {
            id: self.ids.next(Kind::TicketTypeAttribute),
            name: name.to_string(),
            description: description.to_string(),
            data_type: data_type.to_string(),
            input_options,
            order: self.ticket_types[&type_id].attributes.len() as u64,
            required_to_create: body.bool("required_to_create")?.unwrap_or(false),
            required_to_create_for_contacts: body.bool("required_to_create_for_contacts")?.unwrap_or(false),
            visible_on_create: body.bool("visible_on_create")?.unwrap_or(true),
            visible_to_contacts: body.bool("visible_to_contacts")?.unwrap_or(true),
            default: false,
            archived: false,
            created_at: now,
            updated_at: now,
        };
        let rendered = render_ticket_type_attribute(&attribute, type_id, &self.workspace_id);
        let ticket_type = self.ticket_types.get_mut(&type_id).ok_or_else(ApiError::resource_not_found)?;
        ticket_type.attributes.push(attribute);
        ticket_type.updated_at = now;
        Ok(Some(rendered))
    }

    /// `POST /tickets`: one contact (`{id}`, `{external_id}` or `{email}`; an unknown email
    /// creates a lead), attributes of the ticket type, optional assignment and `created_at`. New
    /// tickets are in the `submitted` state.
    pub(crate) fn create_ticket(&mut self, body: Body) -> ApiResult {
        let type_id = body
            .id("ticket_type_id")?
            .ok_or_else(|| ApiError::missing("ticket_type_id is a required parameter").with_field("ticket_type_id"))?;
        let type_id = numeric_id(&type_id)
            .filter(|id| self.ticket_types.get(id).is_some_and(|ticket_type| !ticket_type.archived))
            .ok_or_else(|| {
                ApiError::invalid(format!("ticket_type_id '{type_id}' is not a ticket type"))
                    .with_field("ticket_type_id")
            })?;
        let contacts = body.array("contacts")?.ok_or_else(|| ApiError::missing("contacts is a required parameter"))?;
        let [contact] = contacts.as_slice() else {
            return Err(ApiError::invalid("A ticket takes exactly one contact").with_field("contacts"));
        };
        let contact = Body::new(Some(contact))?;
        let attributes = body.map("ticket_attributes")?.cloned().unwrap_or_default();
        self.check_ticket_attributes(type_id, &attributes, true)?;
        let assignment = body.object("assignment")?;
        let admin_assignee = self.assignee(assignment.id("admin_assignee_id")?, true)?;
        let team_assignee = self.assignee(assignment.id("team_assignee_id")?, false)?;
        let company_id = match body.str("company_id")? {
            Some(company) => Some(
                self.live_company(company)
                    .map(|company| company.id.clone())
                    .ok_or_else(|| ApiError::not_found("company_not_found", "Company Not Found"))?,
            ),
            None => None,
        };
        let not_found = || ApiError::new(400, "data_invalid", "Contact not found or could not be created");
        let contact_id = if let Some(id) = contact.str("id")? {
            self.contacts
                .get(id)
                .filter(|contact| !contact.archived)
                .map(|contact| contact.id.clone())
                .ok_or_else(not_found)?
        } else if let Some(external_id) = contact.str("external_id")? {
            self.contacts
                .values()
                .find(|contact| !contact.archived && contact.external_id.as_deref() == Some(external_id))
                .map(|contact| contact.id.clone())
                .ok_or_else(not_found)?
        } else if let Some(email) = contact.str("email")? {
            let lower = email.to_lowercase();
            let existing = self
                .contacts
                .values()
                .filter(|contact| {
                    !contact.archived && contact.email.as_ref().is_some_and(|e| e.to_lowercase() == lower)
                })
                .min_by_key(|contact| (contact.role != "user", contact.ordinal))
                .map(|contact| contact.id.clone());
            match existing {
                Some(id) => id,
                None => self.create_lead_for_email(email),
            }
        } else {
            return Err(not_found());
        };
        let submitted =
            self.ticket_states.iter().find(|state| state.category == "submitted").map_or(0, |state| state.id);
        let id = self.ids.next(Kind::Ticket);
        let ticket = Ticket {
            id,
            ticket_number: self.ids.next(Kind::TicketNumber),
            ticket_type_id: type_id,
            contacts: vec![contact_id],
            attributes,
            state_id: submitted,
            previous_state_id: None,
            admin_assignee_id: admin_assignee.unwrap_or(0),
            team_assignee_id: team_assignee.unwrap_or(0),
            open: true,
            snoozed_until: None,
            is_shared: self.ticket_types[&type_id].category == "Customer",
            company_id,
            created_at: Stamp::new(body.int("created_at")?, self.now),
            updated_at: self.now,
            parts: Vec::new(),
            tags: BTreeMap::new(),
        };
        let rendered = self.render_ticket(&ticket);
        self.tickets.insert(id, ticket);
        Ok(Some(rendered))
    }

    /// An assignee id: `None` or `"0"` for nobody, else an existing admin (or team).
    fn assignee(&self, id: Option<String>, admin: bool) -> Result<Option<u64>, ApiError> {
        match id {
            None => Ok(None),
            Some(id) if id == "0" => Ok(Some(0)),
            Some(id) => {
                let found = if admin { self.admin(&id).map(|a| a.id) } else { self.team(&id).map(|t| t.id) };
                found.map(Some).ok_or_else(|| ApiError::not_found("assignee_not_found", "Assignee not found"))
            }
        }
    }

    /// Ticket attribute values must name live attributes of the type and suit their types; on
    /// creation, attributes `required_to_create` must be present.
    fn check_ticket_attributes(
        &self,
        type_id: u64,
        values: &Map<String, Value>,
        creating: bool,
    ) -> Result<(), ApiError> {
        let ticket_type = &self.ticket_types[&type_id];
        let live: Vec<&TicketTypeAttribute> = ticket_type.attributes.iter().filter(|a| !a.archived).collect();
        let unknown: Vec<&str> =
            values.keys().filter(|key| !live.iter().any(|a| &a.name == *key)).map(String::as_str).collect();
        if !unknown.is_empty() {
            return Err(ApiError::invalid(format!(
                "Extra attributes provided that are not found on ticket type: {}",
                unknown.join(", ")
            )));
        }
        if creating && live.iter().any(|a| a.required_to_create && values.get(&a.name).is_none_or(Value::is_null)) {
            return Err(ApiError::invalid("Missing required ticket attributes"));
        }
        for attribute in live {
            let Some(value) = values.get(&attribute.name).filter(|value| !value.is_null()) else { continue };
            let fits = match attribute.data_type.as_str() {
                "string" | "list" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "decimal" => value.is_number(),
                "boolean" => value.is_boolean(),
                "datetime" => value.is_i64() || value.is_string(),
                _ => true,
            };
            if !fits {
                return Err(ApiError::invalid(format!(
                    "Ticket attribute '{}' is of type {}; the value does not match",
                    attribute.name, attribute.data_type
                )));
            }
        }
        Ok(())
    }

    /// `GET /tickets/{id}`.
    pub(crate) fn get_ticket(&mut self, id: &str) -> ApiResult {
        let id = self.ticket_id(id)?;
        Ok(Some(self.render_ticket(&self.tickets[&id])))
    }

    /// `PUT /tickets/{id}`: attributes, state (one of the type's states), open, snooze, sharing,
    /// assignee (`"0"` unassigns) and company. State changes and assignments add parts stamped
    /// with the current time.
    pub(crate) fn update_ticket(&mut self, id: &str, body: Body) -> ApiResult {
        let id = self.ticket_id(id)?;
        let type_id = self.tickets[&id].ticket_type_id;
        let attributes = body.map("ticket_attributes")?;
        if let Some(attributes) = attributes {
            self.check_ticket_attributes(type_id, attributes, false)?;
        }
        let state = match body.id("ticket_state_id")? {
            None => None,
            Some(state) => Some(
                numeric_id(&state)
                    .and_then(|state| self.ticket_states.iter().find(|candidate| candidate.id == state))
                    .map(|state| (state.id, state.category))
                    .ok_or_else(|| {
                        ApiError::new(
                            400,
                            "ticket_state_id_invalid",
                            "Ticket state id is not valid or is not associated with the ticket type",
                        )
                    })?,
            ),
        };
        let actor = match body.get("admin_id") {
            None => self.token_admin().id,
            Some(value) => {
                let text = value.as_u64().map(|id| id.to_string()).or_else(|| value.as_str().map(str::to_string));
                self.require_admin(&text.unwrap_or_default())?
            }
        };
        let assignee = match body.id("assignee_id")? {
            None => None,
            Some(id) if id == "0" => Some((String::from("admin"), 0)),
            Some(id) => match (self.admin(&id), self.team(&id)) {
                (Some(admin), _) => Some((String::from("admin"), admin.id)),
                (None, Some(team)) => Some((String::from("team"), team.id)),
                (None, None) => return Err(ApiError::not_found("assignee_not_found", "Assignee not found")),
            },
        };
        let company = match body.str("company_id")? {
            Some(company) => Some(
                self.live_company(company)
                    .map(|company| company.id.clone())
                    .ok_or_else(|| ApiError::not_found("company_not_found", "Company Not Found"))?,
            ),
            None => None,
        };
        let open = body.bool("open")?;
        let is_shared = body.bool("is_shared")?;
        let snoozed_until = body.int("snoozed_until")?;
        let previous_category = self.state_category(self.tickets[&id].state_id);
        let state_part = state.map(|(_, category)| (self.ids.next(Kind::Part), category));
        let assignment_part = assignee.as_ref().map(|_| self.ids.next(Kind::Part));
        let now = self.now;
        let ticket =
            self.tickets.get_mut(&id).ok_or_else(|| ApiError::not_found("ticket_not_found", "Ticket not found"))?;
        if let Some(attributes) = attributes {
            merge_attributes(&mut ticket.attributes, attributes);
        }
        if let (Some((state_id, _)), Some((part_id, category))) = (state, state_part) {
            ticket.previous_state_id = Some(ticket.state_id);
            ticket.state_id = state_id;
            ticket.parts.push(Part {
                id: part_id,
                part_type: "ticket_state_updated_by_admin".to_string(),
                body: None,
                created_at: Stamp::new(None, now),
                author: Author::Admin(actor),
                attachments: Vec::new(),
                assigned_to: None,
                state: Some(category.to_string()),
                previous_state: Some(previous_category.to_string()),
            });
        }
        if let (Some((kind, assignee)), Some(part_id)) = (assignee, assignment_part) {
            if kind == "admin" {
                ticket.admin_assignee_id = assignee;
            } else {
                ticket.team_assignee_id = assignee;
            }
            ticket.parts.push(Part {
                id: part_id,
                part_type: "assignment".to_string(),
                body: None,
                created_at: Stamp::new(None, now),
                author: Author::Admin(actor),
                attachments: Vec::new(),
                assigned_to: Some((kind, assignee.to_string())),
                state: None,
                previous_state: None,
            });
        }
        if let Some(open) = open {
            ticket.open = open;
            if !open {
                ticket.snoozed_until = None;
            }
        }
        if let Some(until) = snoozed_until {
            ticket.snoozed_until = Some(until);
        }
        if let Some(shared) = is_shared {
            ticket.is_shared = shared;
        }
        if body.has("company_id") {
            ticket.company_id = company;
        }
        ticket.updated_at = now;
        Ok(Some(self.render_ticket(&self.tickets[&id])))
    }

    /// `POST /tickets/{id}/reply`: like a conversation reply, but returns the new part; contacts
    /// cannot reply on back-office tickets.
    pub(crate) fn reply_ticket(&mut self, id: &str, body: Body) -> ApiResult {
        let id = self.ticket_id(id)?;
        let reply = self.parse_reply(body, false)?;
        let ticket_type = &self.ticket_types[&self.tickets[&id].ticket_type_id];
        if matches!(reply.author, Author::Contact(_)) && ticket_type.category == "Back-office" {
            return Err(ApiError::new(400, "parameter_mismatch", "User replies are not allowed on Backoffice tickets"));
        }
        let part = Part {
            id: self.ids.next(Kind::Part),
            part_type: reply.message_type,
            body: reply.body,
            created_at: Stamp::new(reply.created_at, self.now),
            author: reply.author,
            attachments: reply.attachments,
            assigned_to: None,
            state: None,
            previous_state: None,
        };
        let rendered = json!({
            "type": "ticket_part",
            "id": part.id.to_string(),
            "part_type": part.part_type,
            "body": part.body,
            "created_at": part.created_at.at,
            "updated_at": part.created_at.at,
            "author": self.render_author(&part.author),
            "attachments": State::render_attachments(&part.attachments),
            "redacted": false,
        });
        let now = self.now;
        let ticket =
            self.tickets.get_mut(&id).ok_or_else(|| ApiError::not_found("ticket_not_found", "Ticket not found"))?;
        ticket.parts.push(part);
        ticket.updated_at = now;
        Ok(Some(rendered))
    }

    /// `POST /tickets/{id}/tags`: `{id, admin_id}`, like a conversation's.
    pub(crate) fn tag_ticket(&mut self, id: &str, body: Body) -> ApiResult {
        let id = self.ticket_id(id)?;
        let (tag, admin) = self.tag_application(body)?;
        let now = self.now;
        let ticket =
            self.tickets.get_mut(&id).ok_or_else(|| ApiError::not_found("ticket_not_found", "Ticket not found"))?;
        let applied = *ticket.tags.entry(tag).or_insert(Applied { at: now, by: admin });
        ticket.updated_at = now;
        Ok(self.render_applied_tag(tag, applied))
    }

    /// `GET /ticket_states`: the workspace's states (one per category, shared by every ticket
    /// type), each with the ticket types it belongs to.
    pub(crate) fn list_ticket_states(&mut self) -> ApiResult {
        let ticket_types: Vec<Value> = self
            .ticket_types
            .values()
            .map(|ticket_type| {
                json!({
                    "type": "ticket_type",
                    "id": ticket_type.id.to_string(),
                    "name": ticket_type.name,
                    "description": ticket_type.description,
                    "icon": ticket_type.icon,
                    "archived": ticket_type.archived,
                    "is_internal": ticket_type.is_internal,
                    "category": ticket_type.category,
                })
            })
            .collect();
        let states = self
            .ticket_states
            .iter()
            .map(|state| {
                let mut rendered = self.render_ticket_state(state.id);
                rendered["archived"] = json!(false);
                rendered["ticket_types"] = json!({ "type": "list", "data": ticket_types });
                rendered
            })
            .collect();
        Ok(Some(list(states)))
    }

    /// `DELETE /tickets/{id}`.
    pub(crate) fn delete_ticket(&mut self, id: &str) -> ApiResult {
        let id = self.ticket_id(id)?;
        self.tickets.remove(&id);
        self.record_deleted("tickets", id.to_string());
        Ok(Some(json!({ "id": id.to_string(), "object": "ticket", "deleted": true })))
    }

    fn state_category(&self, id: u64) -> &'static str {
        self.ticket_states.iter().find(|state| state.id == id).map_or("submitted", |state| state.category)
    }

    fn render_ticket_state(&self, id: u64) -> Value {
        match self.ticket_states.iter().find(|state| state.id == id) {
            Some(state) => json!({
                "type": "ticket_state",
                "id": state.id.to_string(),
                "category": state.category,
                "internal_label": state.internal_label,
                "external_label": state.external_label,
            }),
            None => Value::Null,
        }
    }

    fn render_ticket_type(&self, ticket_type: &TicketType) -> Value {
        let attributes: Vec<Value> = ticket_type
            .attributes
            .iter()
            .map(|attribute| render_ticket_type_attribute(attribute, ticket_type.id, &self.workspace_id))
            .collect();
        let states: Vec<Value> = self.ticket_states.iter().map(|state| self.render_ticket_state(state.id)).collect();
        json!({
            "type": "ticket_type",
            "id": ticket_type.id.to_string(),
            "name": ticket_type.name,
            "description": ticket_type.description,
            "icon": ticket_type.icon,
            "workspace_id": self.workspace_id,
            "archived": ticket_type.archived,
            "created_at": ticket_type.created_at,
            "updated_at": ticket_type.updated_at,
            "is_internal": ticket_type.is_internal,
            "ticket_type_attributes": { "type": "list", "data": attributes },
            "category": ticket_type.category,
            "ticket_states": { "type": "list", "data": states },
        })
    }

    fn render_ticket(&self, ticket: &Ticket) -> Value {
        let ticket_type = &self.ticket_types[&ticket.ticket_type_id];
        let contacts: Vec<Value> = ticket
            .contacts
            .iter()
            .map(|id| {
                let external_id = self.contacts.get(id).and_then(|contact| contact.external_id.clone());
                json!({ "type": "contact", "id": id, "external_id": external_id })
            })
            .collect();
        let skip = ticket.parts.len().saturating_sub(500);
        let parts: Vec<Value> = ticket.parts[skip..].iter().map(|part| self.render_part(part, "ticket_part")).collect();
        let mut rendered = json!({
            "type": "ticket",
            "id": ticket.id.to_string(),
            "ticket_id": ticket.ticket_number.to_string(),
            "category": ticket_type.category,
            "ticket_attributes": ticket.attributes,
            "ticket_state": self.render_ticket_state(ticket.state_id),
            "ticket_type": self.render_ticket_type(ticket_type),
            "contacts": { "type": "contact.list", "contacts": contacts },
            "admin_assignee_id": ticket.admin_assignee_id,
            "team_assignee_id": ticket.team_assignee_id,
            "created_at": ticket.created_at.at,
            "updated_at": ticket.updated_at,
            "open": ticket.open,
            "linked_objects": { "type": "list", "data": [], "total_count": 0, "has_more": false },
            "ticket_parts": { "type": "ticket_part.list", "ticket_parts": parts, "total_count": ticket.parts.len() },
            "is_shared": ticket.is_shared,
            "previous_ticket_state_id": ticket.previous_state_id.map(|id| id.to_string()),
            "tags": { "type": "tag.list", "tags": self.render_applied_tags(&ticket.tags) },
        });
        // An integer when snoozed; absent otherwise, as in the description's examples.
        if let Some(until) = ticket.snoozed_until {
            rendered["snoozed_until"] = json!(until);
        }
        rendered
    }
}

fn render_ticket_type_attribute(attribute: &TicketTypeAttribute, type_id: u64, workspace_id: &str) -> Value {
    json!({
        "type": "ticket_type_attribute",
        "id": attribute.id.to_string(),
        "workspace_id": workspace_id,
        "name": attribute.name,
        "description": attribute.description,
        "data_type": attribute.data_type,
        "input_options": attribute.input_options,
        "order": attribute.order,
        "required_to_create": attribute.required_to_create,
        "required_to_create_for_contacts": attribute.required_to_create_for_contacts,
        "visible_on_create": attribute.visible_on_create,
        "visible_to_contacts": attribute.visible_to_contacts,
        "default": attribute.default,
        "ticket_type_id": type_id,
        "archived": attribute.archived,
        "created_at": attribute.created_at,
        "updated_at": attribute.updated_at,
    })
}
