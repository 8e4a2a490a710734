//! Contacts (with their notes, tags and companies) and companies.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::body::{Body, numeric_id};
use super::error::{ApiError, ApiResult};
use super::ids::Kind;
use super::search::{DateRules, FieldType, FieldValues, Query, paginate};
use super::state::{Applied, Company, Contact, Note, State};
use super::workspace::{merge_attributes, render_admin};

/// Contact fields the sandbox never learns (devices, browsers, activity): always `null`.
const UNKNOWN_FIELDS: [&str; 21] = [
    "last_replied_at",
    "last_contacted_at",
    "last_email_opened_at",
    "last_email_clicked_at",
    "language_override",
    "browser",
    "browser_version",
    "browser_language",
    "os",
    "android_app_name",
    "android_app_version",
    "android_device",
    "android_os_version",
    "android_sdk_version",
    "android_last_seen_at",
    "ios_app_name",
    "ios_app_version",
    "ios_device",
    "ios_os_version",
    "ios_sdk_version",
    "ios_last_seen_at",
];

/// Most companies one contact can belong to.
const COMPANY_LIMIT: usize = 1000;

impl State {
    /// A contact by id, or 404 "User Not Found".
    fn contact_or_404(&self, id: &str) -> Result<&Contact, ApiError> {
        self.contacts.get(id).ok_or_else(ApiError::user_not_found)
    }

    /// The user (not lead) other than `except` that has this email or external id, if any.
    fn duplicate_user(&self, except: Option<&str>, email: Option<&str>, external_id: Option<&str>) -> Option<&Contact> {
        let email = email.map(str::to_lowercase);
        self.contacts.values().find(|contact| {
            contact.role == "user"
                && Some(contact.id.as_str()) != except
                && ((email.is_some() && contact.email.as_ref().map(|e| e.to_lowercase()) == email)
                    || (external_id.is_some() && contact.external_id.as_deref() == external_id))
        })
    }

    /// 409 `conflict` when a user with the same email or external id exists.
    fn check_unique(
        &self,
        except: Option<&str>,
        role: &str,
        email: Option<&str>,
        external_id: Option<&str>,
    ) -> Result<(), ApiError> {
        if role != "user" {
            return Ok(());
        }
        match self.duplicate_user(except, email, external_id) {
            Some(existing) if existing.archived => Err(ApiError::new(
                409,
                "conflict",
                format!("An archived contact matching those details already exists with id={}", existing.id),
            )),
            Some(existing) => Err(ApiError::new(
                409,
                "conflict",
                format!("A contact matching those details already exists with id={}", existing.id),
            )),
            None => Ok(()),
        }
    }

    /// `POST /contacts`.
    pub(crate) fn create_contact(&mut self, body: Body) -> ApiResult {
        if !(body.has("email") || body.has("external_id") || body.has("role")) {
            return Err(ApiError::invalid("Provide at least one of email, external_id or role"));
        }
        let role = role(body)?.unwrap_or("user").to_string();
        let email = body.str("email")?.map(str::to_string);
        let external_id = body.str("external_id")?.map(str::to_string);
        self.check_unique(None, &role, email.as_deref(), external_id.as_deref())?;
        let mut contact = self.new_contact(&role);
        self.apply_contact_fields(&mut contact, body)?;
        let rendered = self.render_contact(&contact);
        self.contacts.insert(contact.id.clone(), contact);
        Ok(Some(rendered))
    }

    /// A contact with a fresh id and nothing set, searchable after the search lag.
    fn new_contact(&mut self, role: &str) -> Contact {
        self.contact_ordinal += 1;
        let mut contact = blank_contact(self.ids.next_hex(), role);
        contact.ordinal = self.contact_ordinal;
        contact.created_at = self.now;
        contact.updated_at = self.now;
        contact.searchable_from = self.seq + u64::from(self.search_lag) + 1;
        contact
    }

    /// Creates a lead with just an email (tickets created for an unknown email).
    pub(crate) fn create_lead_for_email(&mut self, email: &str) -> String {
        let mut contact = self.new_contact("lead");
        contact.email = Some(email.to_string());
        let id = contact.id.clone();
        self.contacts.insert(id.clone(), contact);
        id
    }

    /// Validates the writable fields of a create or update body and sets them on `contact`.
    fn apply_contact_fields(&self, contact: &mut Contact, body: Body) -> Result<(), ApiError> {
        if body.get("email_verified").is_some() && body.str("email")?.is_none() && contact.email.is_none() {
            return Err(
                ApiError::invalid("email_verified can only be set together with email").with_field("email_verified")
            );
        }
        let owner_id = match body.id("owner_id")? {
            Some(owner) => Some(self.admin(&owner).map(|admin| admin.id).ok_or_else(|| {
                ApiError::invalid(format!("owner_id '{owner}' is not a teammate")).with_field("owner_id")
            })?),
            None => None,
        };
        let custom = body.map("custom_attributes")?;
        if let Some(custom) = custom {
            self.check_data_attributes("contact", custom)?;
        }
        let text = |key: &str, current: &mut Option<String>| -> Result<(), ApiError> {
            if body.has(key) {
                *current = body.str(key)?.map(str::to_string);
            }
            Ok(())
        };
        text("external_id", &mut contact.external_id)?;
        text("email", &mut contact.email)?;
        text("phone", &mut contact.phone)?;
        text("name", &mut contact.name)?;
        text("avatar", &mut contact.avatar)?;
        if let Some(role) = role(body)? {
            contact.role = role.to_string();
        }
        if body.has("email_verified") {
            contact.email_verified = body.bool("email_verified")?;
        }
        if body.has("owner_id") {
            contact.owner_id = owner_id;
        }
        if body.has("signed_up_at") {
            contact.signed_up_at = body.int("signed_up_at")?;
        }
        if body.has("last_seen_at") {
            contact.last_seen_at = body.int("last_seen_at")?;
        }
        if let Some(flag) = body.bool("unsubscribed_from_emails")? {
            contact.unsubscribed_from_emails = flag;
        }
        if let Some(custom) = custom {
            merge_attributes(&mut contact.custom_attributes, custom);
        }
        Ok(())
    }

    /// `GET /contacts/{id}`.
    pub(crate) fn get_contact(&mut self, id: &str) -> ApiResult {
        let contact = self.contact_or_404(id)?;
        Ok(Some(self.render_contact(contact)))
    }

    /// `PUT /contacts/{id}`: the fields given change; users stay unique by email and external id.
    pub(crate) fn update_contact(&mut self, id: &str, body: Body) -> ApiResult {
        let mut contact = self.contact_or_404(id)?.clone();
        self.apply_contact_fields(&mut contact, body)?;
        self.check_unique(Some(id), &contact.role, contact.email.as_deref(), contact.external_id.as_deref())?;
        contact.updated_at = self.now;
        let rendered = self.render_contact(&contact);
        self.contacts.insert(id.to_string(), contact);
        Ok(Some(rendered))
    }

    /// `DELETE /contacts/{id}`: permanent, and takes the contact's conversations, tickets and notes
    /// with it.
    pub(crate) fn delete_contact(&mut self, id: &str) -> ApiResult {
        let contact = self.contacts.remove(id).ok_or_else(ApiError::user_not_found)?;
        let conversations: Vec<u64> = self
            .conversations
            .values()
            .filter(|conversation| conversation.contacts.iter().any(|c| c == id))
            .map(|conversation| conversation.id)
            .collect();
        for conversation in conversations {
            self.conversations.remove(&conversation);
            self.record_deleted("conversations", conversation.to_string());
        }
        let tickets: Vec<u64> = self
            .tickets
            .values()
            .filter(|ticket| ticket.contacts.iter().any(|c| c == id))
            .map(|ticket| ticket.id)
            .collect();
        for ticket in tickets {
            self.tickets.remove(&ticket);
            self.record_deleted("tickets", ticket.to_string());
        }
        let notes: Vec<u64> = self.notes.values().filter(|note| note.contact_id == id).map(|note| note.id).collect();
        for note in notes {
            self.notes.remove(&note);
            self.record_deleted("notes", note.to_string());
        }
        self.record_deleted("contacts", id.to_string());
        Ok(Some(json!({ "id": id, "external_id": contact.external_id, "type": "contact", "deleted": true })))
    }

    /// `POST /contacts/{id}/archive`.
    pub(crate) fn archive_contact(&mut self, id: &str) -> ApiResult {
        let contact = self.contacts.get_mut(id).ok_or_else(ApiError::user_not_found)?;
        contact.archived = true;
        contact.updated_at = self.now;
        Ok(Some(json!({ "type": "contact", "id": id, "external_id": contact.external_id, "archived": true })))
    }

    /// `GET /contacts/find_by_external_id/{external_id}`: users only, not leads.
    pub(crate) fn find_contact_by_external_id(&mut self, external_id: &str) -> ApiResult {
        let contact = self
            .contacts
            .values()
            .find(|contact| {
                contact.role == "user" && !contact.archived && contact.external_id.as_deref() == Some(external_id)
            })
            .ok_or_else(ApiError::user_not_found)?;
        Ok(Some(self.render_contact(contact)))
    }

    /// `POST /contacts/search`: contacts created at least `search_lag` requests ago, archived
    /// ones excluded, in creation order unless `sort` says otherwise; 50 a page, at most 150.
    pub(crate) fn search_contacts(&mut self, body: Body) -> ApiResult {
        let query = Query::parse(body.get("query"))?;
        let sort = body.object("sort")?;
        let descending = match sort.str("order")? {
            None | Some("descending") => true,
            Some("ascending") => false,
            Some(other) => {
                return Err(ApiError::new(
                    400,
                    "invalid_sort_order",
                    format!("Invalid sort order '{other}'. Must be one of: ascending, descending"),
                ));
            }
        };
        let sort_field = sort.str("field")?;
        let probe = blank_contact(String::new(), "user");
        query.validate(&|field| self.contact_field(&probe, field), DateRules::Strict)?;
        let mut found = Vec::new();
        for contact in self.contacts.values() {
            if contact.archived || self.seq < contact.searchable_from {
                continue;
            }
            if query.matches(&|field| self.contact_field(contact, field), DateRules::Strict)? {
                found.push(contact);
            }
        }
        found.sort_by_key(|contact| contact.ordinal);
        if let Some(field) = sort_field {
            self.contact_field(&probe, field)?;
            let key = |contact: &Contact| {
                self.contact_field(contact, field)
                    .ok()
                    .and_then(|values| values.values.into_iter().next())
                    .map(|v| v.to_string())
            };
            found.sort_by_cached_key(|contact| key(contact));
            if descending {
                found.reverse();
            }
        }
        let items = found.iter().map(|contact| self.render_contact(contact)).collect();
        let page = paginate(items, body.get("pagination"), 50, 150)?;
        Ok(Some(json!({
            "type": "list",
            "data": page.items,
            "total_count": page.total_count,
            "pages": page.pages,
        })))
    }

    /// The values of a searchable contact field.
    fn contact_field(&self, contact: &Contact, field: &str) -> Result<FieldValues, ApiError> {
        let text = |value: &Option<String>| value.iter().map(|text| json!(text)).collect::<Vec<_>>();
        let exact = FieldType::Text { exact_case: true };
        let (field_type, values) = match field {
            "id" => (exact, vec![json!(contact.id)]),
            "role" => (exact, vec![json!(contact.role)]),
            "email" => (FieldType::Text { exact_case: false }, text(&contact.email)),
            "email_domain" => (
                FieldType::Text { exact_case: false },
                contact
                    .email
                    .iter()
                    .filter_map(|email| email.split_once('@'))
                    .map(|(_, domain)| json!(domain))
                    .collect(),
            ),
            "external_id" => (exact, text(&contact.external_id)),
            "phone" => (exact, text(&contact.phone)),
            "name" => (exact, text(&contact.name)),
            "owner_id" => (FieldType::Integer, contact.owner_id.iter().map(|id| json!(id)).collect()),
            "created_at" => (FieldType::Date, vec![json!(contact.created_at)]),
            "updated_at" => (FieldType::Date, vec![json!(contact.updated_at)]),
            "signed_up_at" => (FieldType::Date, contact.signed_up_at.iter().map(|at| json!(at)).collect()),
            "last_seen_at" => (FieldType::Date, contact.last_seen_at.iter().map(|at| json!(at)).collect()),
            "unsubscribed_from_emails" => (FieldType::Boolean, vec![json!(contact.unsubscribed_from_emails)]),
            "tag_id" => (exact, contact.tags.keys().map(|id| json!(id.to_string())).collect()),
            "company_id" => (exact, contact.companies.iter().map(|id| json!(id)).collect()),
            _ => {
                let Some(name) = field.strip_prefix("custom_attributes.") else {
                    return Err(
                        ApiError::invalid(format!("'{field}' is not a searchable contact field")).with_field(field)
                    );
                };
                let attribute = self
                    .data_attributes
                    .values()
                    .find(|attribute| attribute.model == "contact" && attribute.name == name && !attribute.archived)
                    .ok_or_else(|| {
                        ApiError::invalid(format!("Custom attribute '{name}' does not exist")).with_field(field)
                    })?;
                let field_type = match attribute.data_type.as_str() {
                    "integer" => FieldType::Integer,
                    "float" => FieldType::Float,
                    "boolean" => FieldType::Boolean,
                    "date" | "datetime" => FieldType::Date,
                    _ => exact,
                };
                (
                    field_type,
                    contact.custom_attributes.get(name).filter(|v| !v.is_null()).cloned().into_iter().collect(),
                )
            }
        };
        Ok(FieldValues { field_type, values })
    }

    /// `POST /contacts/{id}/notes`: `{body, admin_id?}` (the token's admin by default).
    pub(crate) fn create_note(&mut self, id: &str, body: Body) -> ApiResult {
        self.contact_or_404(id)?;
        let text = body.required_str("body", ApiError::missing("body is a required parameter").with_field("body"))?;
        let author_id = match body.id("admin_id")? {
            Some(admin) => self.require_admin(&admin)?,
            None => self.token_admin().id,
        };
        let note = Note {
            id: self.ids.next(Kind::Note),
            contact_id: id.to_string(),
            author_id,
            body: text.to_string(),
            created_at: self.now,
        };
        let rendered = self.render_note(&note);
        self.notes.insert(note.id, note);
        Ok(Some(rendered))
    }

    /// `GET /contacts/{id}/notes`: newest first.
    pub(crate) fn list_notes(&mut self, id: &str) -> ApiResult {
        self.contact_or_404(id)?;
        let notes: Vec<Value> =
            self.notes.values().rev().filter(|note| note.contact_id == id).map(|note| self.render_note(note)).collect();
        let total = notes.len();
        Ok(Some(json!({
            "type": "list",
            "data": notes,
            "total_count": total,
            "pages": { "type": "pages", "next": null, "page": 1, "per_page": 50, "total_pages": 1 },
        })))
    }

    fn render_note(&self, note: &Note) -> Value {
        let author = self.admins.iter().find(|admin| admin.id == note.author_id).map(render_admin);
        json!({
            "type": "note",
            "id": note.id.to_string(),
            "created_at": note.created_at,
            "contact": { "type": "contact", "id": note.contact_id },
            "author": author,
            "body": note.body,
        })
    }

    /// `POST /contacts/{id}/tags`: `{id}` of an existing tag.
    pub(crate) fn tag_contact(&mut self, id: &str, body: Body) -> ApiResult {
        self.contact_or_404(id)?;
        let tag_id = body.id("id")?.ok_or_else(|| ApiError::missing("id is a required parameter").with_field("id"))?;
        let tag_id =
            numeric_id(&tag_id).filter(|tag| self.tags.contains_key(tag)).ok_or_else(ApiError::resource_not_found)?;
        let applied = Applied { at: self.now, by: self.token_admin().id };
        let contact = self.contacts.get_mut(id).ok_or_else(ApiError::user_not_found)?;
        let applied = *contact.tags.entry(tag_id).or_insert(applied);
        Ok(Some(json!({
            "type": "tag",
            "id": tag_id.to_string(),
            "name": self.tags[&tag_id].name,
            "applied_at": applied.at,
            "applied_by": { "type": "admin", "id": applied.by.to_string() },
        })))
    }

    /// `POST /contacts/{id}/companies`: `{id}` of a company (Intercom's id).
    pub(crate) fn attach_company(&mut self, id: &str, body: Body) -> ApiResult {
        self.contact_or_404(id)?;
        let company_id = body.id("id")?.ok_or_else(|| ApiError::missing("company not specified"))?;
        if self.live_company(&company_id).is_none() {
            return Err(ApiError::not_found("company_not_found", "Company Not Found"));
        }
        let contact = self.contacts.get_mut(id).ok_or_else(ApiError::user_not_found)?;
        if !contact.companies.contains(&company_id) {
            if contact.companies.len() >= COMPANY_LIMIT {
                return Err(ApiError::new(
                    400,
                    "contact_company_limit_exceeded",
                    "Contact has reached the maximum of 1000 company associations",
                ));
            }
            contact.companies.push(company_id.clone());
            contact.updated_at = self.now;
        }
        Ok(Some(self.render_company(&self.companies[&company_id])))
    }

    /// `POST /companies`: creates the company, or updates the live one with the same
    /// `company_id`.
    pub(crate) fn upsert_company(&mut self, body: Body) -> ApiResult {
        let company_id = body.str("company_id")?.map(str::to_string);
        if company_id.is_none() && body.str("name")?.is_none() {
            return Err(ApiError::missing("company_id or name is required"));
        }
        let monthly_spend = match body.get("monthly_spend") {
            None => None,
            Some(value) => match value.as_f64() {
                Some(spend) if spend.trunc() <= f64::from(i32::MAX) => Some(spend.trunc() as i64),
                Some(_) => {
                    return Err(
                        ApiError::invalid("monthly_spend must be at most 2147483647").with_field("monthly_spend")
                    );
                }
                None => return Err(ApiError::invalid("monthly_spend must be a number").with_field("monthly_spend")),
            },
        };
        let custom = body.map("custom_attributes")?;
        if let Some(custom) = custom {
            self.check_data_attributes("company", custom)?;
        }
        let existing = company_id.as_deref().and_then(|key| {
            self.companies.values().find(|company| !company.archived && company.company_id.as_deref() == Some(key))
        });
        let mut company = match existing {
            Some(company) => company.clone(),
            None => Company {
                id: self.ids.next_hex(),
                company_id,
                name: None,
                plan: None,
                plan_id: None,
                size: None,
                website: None,
                industry: None,
                monthly_spend: None,
                remote_created_at: None,
                custom_attributes: Map::new(),
                tags: BTreeMap::new(),
                archived: false,
                created_at: self.now,
                updated_at: self.now,
            },
        };
        for (key, slot) in [
            ("name", &mut company.name),
            ("plan", &mut company.plan),
            ("website", &mut company.website),
            ("industry", &mut company.industry),
        ] {
            if let Some(value) = body.str(key)? {
                *slot = Some(value.to_string());
            }
        }
        if let Some(size) = body.int("size")? {
            company.size = Some(size);
        }
        if let Some(at) = body.int("remote_created_at")? {
            company.remote_created_at = Some(at);
        }
        if monthly_spend.is_some() {
            company.monthly_spend = monthly_spend;
        }
        if let Some(plan) = &company.plan {
            company.plan_id = Some(100_000 + super::ids::fnv(plan) % 900_000);
        }
        if let Some(custom) = custom {
            merge_attributes(&mut company.custom_attributes, custom);
        }
        company.updated_at = self.now;
        let rendered = self.render_company(&company);
        self.companies.insert(company.id.clone(), company);
        Ok(Some(rendered))
    }

    /// `GET /companies?company_id=` or `?name=`: a list (as the 2.16 description types it),
    /// 404 `company_not_found` when nothing matches; without either, all live companies.
    pub(crate) fn find_companies(&mut self, query: &super::routes::QueryParams) -> ApiResult {
        let company_id = query.get("company_id");
        let name = query.get("name");
        let found: Vec<Value> = self
            .companies
            .values()
            .filter(|company| !company.archived)
            .filter(|company| company_id.is_none_or(|key| company.company_id.as_ref() == Some(key)))
            .filter(|company| name.is_none_or(|name| company.name.as_ref() == Some(name)))
            .map(|company| self.render_company(company))
            .collect();
        if found.is_empty() && (company_id.is_some() || name.is_some()) {
            return Err(ApiError::not_found("company_not_found", "Company Not Found"));
        }
        let total = found.len();
        Ok(Some(json!({
            "type": "list",
            "data": found,
            "pages": { "type": "pages", "next": null, "page": 1, "per_page": total.max(15), "total_pages": 1 },
            "total_count": total,
        })))
    }

    /// `GET /companies/{id}` (Intercom's id): 404 `company_not_found` for an unknown or deleted
    /// (archived) company.
    pub(crate) fn get_company(&mut self, id: &str) -> ApiResult {
        let company =
            self.live_company(id).ok_or_else(|| ApiError::not_found("company_not_found", "Company Not Found"))?;
        Ok(Some(self.render_company(company)))
    }

    /// `DELETE /companies/{id}`: archives the company and detaches its contacts.
    pub(crate) fn delete_company(&mut self, id: &str) -> ApiResult {
        let company = self
            .companies
            .get_mut(id)
            .filter(|company| !company.archived)
            .ok_or_else(|| ApiError::not_found("company_not_found", "Company Not Found"))?;
        company.archived = true;
        company.updated_at = self.now;
        for contact in self.contacts.values_mut() {
            contact.companies.retain(|company| company != id);
        }
        self.record_deleted("companies", id.to_string());
        Ok(Some(json!({ "id": id, "object": "company", "deleted": true })))
    }

    /// A contact object.
    pub(crate) fn render_contact(&self, contact: &Contact) -> Value {
        let tags: Vec<Value> = contact
            .tags
            .keys()
            .take(10)
            .map(|id| json!({ "type": "tag", "id": id.to_string(), "url": format!("/tags/{id}") }))
            .collect();
        let notes: Vec<&Note> = self.notes.values().rev().filter(|note| note.contact_id == contact.id).collect();
        let companies: Vec<Value> = contact
            .companies
            .iter()
            .take(10)
            .map(|id| json!({ "type": "company", "id": id, "url": format!("/companies/{id}") }))
            .collect();
        let note_refs: Vec<Value> = notes
            .iter()
            .take(10)
            .map(|note| json!({ "type": "note", "id": note.id.to_string(), "url": format!("/notes/{}", note.id) }))
            .collect();
        let addressable = |data: Vec<Value>, total: usize, what: &str| {
            json!({
                "type": "list",
                "data": data,
                "url": format!("/contacts/{}/{what}", contact.id),
                "total_count": total,
                "has_more": total > 10,
            })
        };
        let mut rendered = json!({
            "type": "contact",
            "id": contact.id,
            "workspace_id": self.workspace_id,
            "external_id": contact.external_id,
            "role": contact.role,
            // Strings, never null: a contact without an email has empty ones.
            "email": contact.email.as_deref().unwrap_or_default(),
            "email_domain": contact
                .email
                .as_deref()
                .and_then(|email| email.split_once('@'))
                .map_or("", |(_, domain)| domain),
            "phone": contact.phone,
            "name": contact.name,
            "avatar": contact.avatar.as_ref().map(|url| json!({ "type": "avatar", "image_url": url })),
            "owner_id": contact.owner_id.map(|id| id.to_string()),
            "social_profiles": { "type": "list", "data": [] },
            "has_hard_bounced": false,
            "marked_email_as_spam": false,
            "unsubscribed_from_emails": contact.unsubscribed_from_emails,
            "created_at": contact.created_at,
            "updated_at": contact.updated_at,
            "signed_up_at": contact.signed_up_at,
            "last_seen_at": contact.last_seen_at,
            "custom_attributes": contact.custom_attributes,
            "tags": addressable(tags, contact.tags.len(), "tags"),
            "notes": addressable(note_refs, notes.len(), "notes"),
            "companies": addressable(companies, contact.companies.len(), "companies"),
            "location": {
                "type": "location", "country": null, "region": null, "city": null,
                "country_code": null, "continent_code": null,
            },
        });
        for field in UNKNOWN_FIELDS {
            rendered[field] = Value::Null;
        }
        rendered
    }

    /// A company object.
    pub(crate) fn render_company(&self, company: &Company) -> Value {
        let user_count = self.contacts.values().filter(|contact| contact.companies.contains(&company.id)).count();
        let plan = match (&company.plan, company.plan_id) {
            (Some(name), Some(id)) => json!({ "type": "plan", "id": id.to_string(), "name": name }),
            _ => json!({}),
        };
        let tags: Vec<Value> = company
            .tags
            .keys()
            .filter_map(|id| self.tags.get(id))
            .map(|tag| json!({ "type": "tag", "id": tag.id.to_string(), "name": tag.name }))
            .collect();
        json!({
            "type": "company",
            "company_id": company.company_id,
            "id": company.id,
            "app_id": self.workspace_id,
            "name": company.name,
            "remote_created_at": company.remote_created_at.unwrap_or(company.created_at),
            "created_at": company.created_at,
            "updated_at": company.updated_at,
            "monthly_spend": company.monthly_spend.unwrap_or(0),
            "session_count": 0,
            "user_count": user_count,
            "size": company.size,
            "website": company.website,
            "industry": company.industry,
            "tags": { "type": "tag.list", "tags": tags },
            "segments": { "type": "segment.list", "segments": [] },
            "plan": plan,
            "custom_attributes": company.custom_attributes,
        })
    }
}

/// The `role` field: `user` or `lead`.
fn role<'a>(body: Body<'a>) -> Result<Option<&'a str>, ApiError> {
    match body.str("role")? {
        None => Ok(None),
        Some(role @ ("user" | "lead")) => Ok(Some(role)),
        Some(other) => Err(ApiError::invalid(format!("role '{other}' must be user or lead")).with_field("role")),
    }
}

/// A contact with nothing set.
fn blank_contact(id: String, role: &str) -> Contact {
    Contact {
        id,
        ordinal: 0,
        role: role.to_string(),
        external_id: None,
        email: None,
        email_verified: None,
        phone: None,
        name: None,
        avatar: None,
        owner_id: None,
        signed_up_at: None,
        last_seen_at: None,
        unsubscribed_from_emails: false,
        custom_attributes: Map::new(),
        tags: BTreeMap::new(),
        companies: Vec::new(),
        archived: false,
        created_at: 0,
        updated_at: 0,
        searchable_from: 0,
    }
}
