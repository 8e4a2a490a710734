//! Workspace-wide endpoints: the token's admin, teammates, teams, tags and data attributes.

use serde_json::{Map, Value, json};

use super::body::{Body, numeric_id};
use super::error::{ApiError, ApiResult};
use super::ids::Kind;
use super::routes::{QueryParams, list};
use super::state::{Admin, Applied, DataAttribute, State, Tag, Team};

/// Built-in contact attributes listed by `GET /data_attributes`: (name, data type).
const CONTACT_STANDARD: [(&str, &str); 10] = [
    ("name", "string"),
    ("email", "string"),
    ("phone", "string"),
    ("external_id", "string"),
    ("role", "string"),
    ("owner_id", "integer"),
    ("signed_up_at", "date"),
    ("last_seen_at", "date"),
    ("unsubscribed_from_emails", "boolean"),
    ("created_at", "date"),
];

/// Built-in company attributes listed by `GET /data_attributes`.
const COMPANY_STANDARD: [(&str, &str); 8] = [
    ("name", "string"),
    ("company_id", "string"),
    ("plan", "string"),
    ("size", "integer"),
    ("website", "string"),
    ("industry", "string"),
    ("monthly_spend", "float"),
    ("remote_created_at", "date"),
];

/// Data types of `POST /data_attributes`.
const DATA_TYPES: [&str; 7] = ["string", "integer", "float", "boolean", "datetime", "date", "options"];

impl State {
    /// `GET /me`: the token's admin with the workspace.
    pub(crate) fn me(&mut self) -> ApiResult {
        let admin = self.token_admin();
        Ok(Some(json!({
            "type": "admin",
            "id": admin.id.to_string(),
            "email": admin.email,
            "name": admin.name,
            "email_verified": true,
            "app": {
                "type": "app",
                "id_code": self.workspace_id,
                "name": "Cutover Sandbox",
                "created_at": 1_700_000_000,
                "secure": false,
                "identity_verification": false,
                "timezone": "Etc/UTC",
                "region": "US",
            },
            "avatar": { "type": "avatar", "image_url": null },
            "has_inbox_seat": true,
        })))
    }

    /// `GET /admins`.
    pub(crate) fn list_admins(&mut self) -> ApiResult {
        let admins: Vec<Value> = self.admins.iter().map(render_admin).collect();
        Ok(Some(json!({ "type": "admin.list", "admins": admins })))
    }

    /// `GET /admins/{id}`.
    pub(crate) fn get_admin(&mut self, id: &str) -> ApiResult {
        let admin = self.admin(id).ok_or_else(ApiError::admin_not_found)?;
        Ok(Some(render_admin(admin)))
    }

    /// `GET /teams`.
    pub(crate) fn list_teams(&mut self) -> ApiResult {
        let teams: Vec<Value> = self.teams.iter().map(render_team).collect();
        Ok(Some(json!({ "type": "team.list", "teams": teams })))
    }

    /// `GET /teams/{id}`.
    pub(crate) fn get_team(&mut self, id: &str) -> ApiResult {
        let team = self.team(id).ok_or_else(|| ApiError::not_found("team_not_found", "Team not found"))?;
        Ok(Some(render_team(team)))
    }

    /// `GET /tags`.
    pub(crate) fn list_tags(&mut self) -> ApiResult {
        Ok(Some(list(self.tags.values().map(render_tag).collect())))
    }

    /// `POST /tags`: `{name}` creates the tag or returns the one with that name in any case;
    /// `{id, name}` renames; `users: [{id}]` tags contacts and `companies: [{id | company_id,
    /// untag?}]` tags or untags companies.
    pub(crate) fn create_tag(&mut self, body: Body) -> ApiResult {
        let name = body.required_str("name", ApiError::invalid("invalid tag parameters").with_field("name"))?.trim();
        let id = match body.id("id")? {
            Some(id) => {
                let tag =
                    numeric_id(&id).and_then(|id| self.tags.get_mut(&id)).ok_or_else(ApiError::resource_not_found)?;
                tag.name = name.to_string();
                tag.id
            }
            None => match self.tags.values().find(|tag| tag.name.to_lowercase() == name.to_lowercase()) {
                Some(tag) => tag.id,
                None => {
                    let id = self.ids.next(Kind::Tag);
                    self.tags.insert(id, Tag { id, name: name.to_string() });
                    id
                }
            },
        };
        let applied = Applied { at: self.now, by: self.token_admin().id };
        if let Some(users) = body.array("users")? {
            let ids = users
                .iter()
                .map(|user| {
                    let user = Body::new(Some(user))?;
                    user.str("id")?
                        .filter(|id| self.contacts.contains_key(*id))
                        .map(str::to_string)
                        .ok_or_else(ApiError::user_not_found)
                })
                .collect::<Result<Vec<_>, _>>()?;
            for contact in ids {
                if let Some(contact) = self.contacts.get_mut(&contact) {
                    contact.tags.entry(id).or_insert(applied);
                }
            }
        }
        if let Some(companies) = body.array("companies")? {
            let mut changes = Vec::new();
            for company in companies {
                let company = Body::new(Some(company))?;
                let found = match (company.str("id")?, company.str("company_id")?) {
                    (Some(intercom_id), _) => self.live_company(intercom_id).map(|company| company.id.clone()),
                    (None, Some(company_id)) => self
                        .companies
                        .values()
                        .find(|company| !company.archived && company.company_id.as_deref() == Some(company_id))
                        .map(|company| company.id.clone()),
                    (None, None) => return Err(ApiError::missing("company not specified")),
                };
                let found = found.ok_or_else(|| ApiError::not_found("company_not_found", "Company Not Found"))?;
                changes.push((found, company.bool("untag")?.unwrap_or(false)));
            }
            for (company, untag) in changes {
                if let Some(company) = self.companies.get_mut(&company) {
                    if untag {
                        company.tags.remove(&id);
                    } else {
                        company.tags.entry(id).or_insert(applied);
                    }
                }
            }
        }
        Ok(Some(render_tag(&self.tags[&id])))
    }

    /// `DELETE /tags/{id}`: removes the tag from everything; 200 with an empty body.
    pub(crate) fn delete_tag(&mut self, id: &str) -> ApiResult {
        let id = numeric_id(id).filter(|id| self.tags.contains_key(id)).ok_or_else(ApiError::resource_not_found)?;
        self.tags.remove(&id);
        for contact in self.contacts.values_mut() {
            contact.tags.remove(&id);
        }
        for company in self.companies.values_mut() {
            company.tags.remove(&id);
        }
        for conversation in self.conversations.values_mut() {
            conversation.tags.remove(&id);
        }
        for ticket in self.tickets.values_mut() {
            ticket.tags.remove(&id);
        }
        self.record_deleted("tags", id.to_string());
        Ok(None)
    }

    /// `GET /data_attributes?model=contact|company&include_archived=true`: built-in and custom
    /// attributes.
    pub(crate) fn list_data_attributes(&mut self, query: &QueryParams) -> ApiResult {
        let model = query.get("model").map(String::as_str);
        match model {
            None | Some("contact" | "company") => {}
            Some("conversation") => {
                return Err(ApiError::new(
                    422,
                    "parameter_invalid",
                    "model=conversation is no longer supported. Use GET /conversations/attributes instead",
                ));
            }
            Some(_) => {
                return Err(ApiError::invalid("The Data Attribute model field must be either contact or company"));
            }
        }
        let include_archived = query.get("include_archived").is_some_and(|flag| flag == "true");
        let mut data = Vec::new();
        for (each_model, standard) in [("contact", &CONTACT_STANDARD[..]), ("company", &COMPANY_STANDARD[..])] {
            if model.is_some_and(|model| model != each_model) {
                continue;
            }
            for (name, data_type) in standard {
                data.push(json!({
                    "type": "data_attribute",
                    "model": each_model,
                    "name": name,
                    "full_name": name,
                    "label": name,
                    "description": "",
                    "data_type": data_type,
                    "api_writable": true,
                    "ui_writable": true,
                    "messenger_writable": false,
                    "custom": false,
                    "archived": false,
                }));
            }
            for attribute in self.data_attributes.values() {
                if attribute.model == each_model && (include_archived || !attribute.archived) {
                    data.push(render_data_attribute(attribute));
                }
            }
        }
        Ok(Some(list(data)))
    }

    /// `POST /data_attributes`: a custom contact or company attribute; names are unique across
    /// both models and the built-in attributes.
    pub(crate) fn create_data_attribute(&mut self, body: Body) -> ApiResult {
        let name = body.required_str("name", ApiError::invalid("Name is required").with_field("name"))?.to_string();
        let model = match body.str("model")? {
            Some(model @ ("contact" | "company")) => model.to_string(),
            _ => {
                return Err(ApiError::invalid("The Data Attribute model field must be either contact or company")
                    .with_field("model"));
            }
        };
        let data_type = match body.str("data_type")? {
            Some(data_type) if DATA_TYPES.contains(&data_type) => data_type.to_string(),
            _ => return Err(ApiError::invalid("Data Type isn't an option").with_field("data_type")),
        };
        let valid_name = name.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '_' | '-') || matches!(c, '$' | '€' | '£' | '¥' | '₹' | '¢')
        });
        if !valid_name || name.trim() != name {
            return Err(ApiError::invalid(
                "Your name for this attribute must only contain alphanumeric characters, currency symbols, and hyphens",
            )
            .with_field("name"));
        }
        let people = |model: &str| if model == "contact" { "people" } else { "company" };
        let standard = if model == "contact" { &CONTACT_STANDARD[..] } else { &COMPANY_STANDARD[..] };
        let existing = self
            .data_attributes
            .values()
            .find(|attribute| attribute.name.to_lowercase() == name.to_lowercase())
            .map(|attribute| attribute.model.clone())
            .or_else(|| standard.iter().any(|(built_in, _)| *built_in == name).then(|| model.clone()));
        if let Some(existing) = existing {
            return Err(ApiError::invalid(format!(
                "You already have '{name}' in your {} data. To save this as new {} data, use a different name.",
                people(&existing),
                people(&model),
            ))
            .with_field("name"));
        }
        let options = match (data_type.as_str(), body.array("options")?) {
            ("options", Some(options)) if options.len() >= 2 => options
                .iter()
                .map(|option| match option.get("value") {
                    Some(Value::String(value)) => Ok(value.clone()),
                    _ => Err(ApiError::invalid("Each option needs a string value").with_field("options")),
                })
                .collect::<Result<Vec<_>, _>>()?,
            ("options", _) => {
                return Err(ApiError::invalid("A list attribute needs at least two options").with_field("options"));
            }
            _ => Vec::new(),
        };
        let id = self.ids.next(Kind::DataAttribute);
        let attribute = DataAttribute {
            id,
            model,
            name,
            data_type,
            description: body.str("description")?.map(str::to_string),
            options,
            messenger_writable: body.bool("messenger_writable")?.unwrap_or(false),
            archived: false,
            admin_id: self.token_admin().id,
            created_at: self.now,
            updated_at: self.now,
        };
        let rendered = render_data_attribute(&attribute);
        self.data_attributes.insert(id, attribute);
        Ok(Some(rendered))
    }

    /// Checks `custom_attributes` of a contact or company: every key must be a live custom
    /// attribute of `model`, and values must suit its type (`null` clears a value).
    pub(crate) fn check_data_attributes(&self, model: &str, values: &Map<String, Value>) -> Result<(), ApiError> {
        for (key, value) in values {
            let Some(attribute) = self
                .data_attributes
                .values()
                .find(|attribute| attribute.model == model && &attribute.name == key && !attribute.archived)
            else {
                return Err(ApiError::invalid(format!("Custom attribute '{key}' does not exist")).with_field(key));
            };
            let fits = match attribute.data_type.as_str() {
                _ if value.is_null() => true,
                "string" | "options" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "float" => value.is_number(),
                "boolean" => value.is_boolean(),
                _ => value.is_i64() || value.is_string(),
            };
            if !fits {
                return Err(ApiError::invalid(format!(
                    "Custom attribute '{key}' is of type {}; the value does not match",
                    attribute.data_type
                ))
                .with_field(key));
            }
        }
        Ok(())
    }
}

/// Merges custom attribute values: `null` removes a key.
pub(crate) fn merge_attributes(target: &mut Map<String, Value>, values: &Map<String, Value>) {
    for (key, value) in values {
        if value.is_null() {
            target.remove(key);
        } else {
            target.insert(key.clone(), value.clone());
        }
    }
}

/// An admin object. Teammates without a job title have no `job_title` (a string when present),
/// as in the description's example of `GET /admins`.
pub(crate) fn render_admin(admin: &Admin) -> Value {
    json!({
        "type": "admin",
        "id": admin.id.to_string(),
        "name": admin.name,
        "email": admin.email,
        "away_mode_enabled": false,
        "away_mode_reassign": false,
        "away_status_reason_id": null,
        "has_inbox_seat": true,
        "team_ids": [],
    })
}

fn render_team(team: &Team) -> Value {
    json!({
        "type": "team",
        "id": team.id.to_string(),
        "name": team.name,
        "admin_ids": [],
        "admin_priority_level": null,
        "assignment_limit": null,
        "distribution_method": "round_robin",
    })
}

/// A tag object without application details.
pub(crate) fn render_tag(tag: &Tag) -> Value {
    json!({ "type": "tag", "id": tag.id.to_string(), "name": tag.name })
}

/// A custom data attribute. Its `data_type` is one of the five types attributes are read back
/// with (`string`, `integer`, `float`, `boolean`, `date`): a list of `options` reads back as a
/// `string` with its `options`, a `datetime` as a `date`.
fn render_data_attribute(attribute: &DataAttribute) -> Value {
    let data_type = match attribute.data_type.as_str() {
        "options" => "string",
        "datetime" => "date",
        other => other,
    };
    let mut rendered = json!({
        "type": "data_attribute",
        "id": attribute.id,
        "model": attribute.model,
        "name": attribute.name,
        "full_name": format!("custom_attributes.{}", attribute.name),
        "label": attribute.name,
        "description": attribute.description.clone().unwrap_or_default(),
        "data_type": data_type,
        "api_writable": true,
        "ui_writable": true,
        "messenger_writable": attribute.messenger_writable,
        "custom": true,
        "archived": attribute.archived,
        "created_at": attribute.created_at,
        "updated_at": attribute.updated_at,
        "admin_id": attribute.admin_id.to_string(),
    });
    if !attribute.options.is_empty() {
        rendered["options"] = json!(attribute.options);
    }
    rendered
}
