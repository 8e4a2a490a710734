//! Conversations: creation, replies, state changes, tags, custom attributes, search; and the
//! conversation attributes of 2.16.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{Map, Value, json};
use sha2::Digest as _;

use super::body::{Body, numeric_id};
use super::error::{ApiError, ApiResult};
use super::ids::{Kind, fnv};
use super::routes::{QueryParams, list};
use super::search::{DateRules, FieldType, FieldValues, Query, paginate};
use super::state::{
    Applied, Attachment, AttributeOption, Author, Conversation, ConversationAttribute, ConversationState, Part, Source,
    Stamp, State, tag_not_found,
};
use super::workspace::merge_attributes;

/// Parts `GET /conversations/{id}` returns: the most recent ones.
const VISIBLE_PARTS: usize = 500;
/// Most attachment URLs or files on one message.
const MAX_ATTACHMENTS: usize = 10;
/// Data types of `POST /conversations/attributes`.
const ATTRIBUTE_TYPES: [&str; 8] =
    ["string", "integer", "list", "decimal", "boolean", "datetime", "relationship", "files"];

/// A parsed reply (`POST /conversations/{id}/reply`, `POST /tickets/{id}/reply`).
#[derive(Clone, Debug)]
pub(crate) struct Reply {
    pub author: Author,
    pub message_type: String,
    pub body: Option<String>,
    pub created_at: Option<i64>,
    pub attachments: Vec<Attachment>,
}

impl State {
    /// A conversation by path id, or 404 `not_found`.
    fn conversation_id(&self, id: &str, message: &str) -> Result<u64, ApiError> {
        numeric_id(id)
            .filter(|id| self.conversations.contains_key(id))
            .ok_or_else(|| ApiError::not_found("not_found", message.to_string()))
    }

    /// `POST /conversations`: a conversation started by a contact, returned as the message.
    pub(crate) fn create_conversation(&mut self, body: Body) -> ApiResult {
        let from = body.object("from")?;
        match from.str("type")? {
            Some("user" | "lead" | "contact") => {}
            _ => return Err(ApiError::invalid("from.type must be user, lead or contact").with_field("from")),
        }
        let contact = from
            .str("id")?
            .filter(|id| self.contacts.get(*id).is_some_and(|contact| !contact.archived))
            .ok_or_else(ApiError::user_not_found)?
            .to_string();
        let text = body.required_str("body", ApiError::invalid("Body is required").with_field("body"))?.to_string();
        let attachments = self.parse_attachments(body, false)?;
        let created_at = Stamp::new(body.int("created_at")?, self.now);
        let id = self.ids.next(Kind::Conversation);
        let message_id = self.ids.next(Kind::Message);
        let conversation = Conversation {
            id,
            created_at,
            updated_at: self.now,
            source: Source {
                message_id,
                subject: body.str("subject")?.unwrap_or_default().to_string(),
                body: text.clone(),
                author: Author::Contact(contact.clone()),
                attachments,
            },
            contacts: vec![contact],
            parts: Vec::new(),
            state: ConversationState::Open,
            read: false,
            snoozed_until: None,
            waiting_since: Some(created_at.at),
            admin_assignee_id: 0,
            team_assignee_id: 0,
            title: None,
            custom_attributes: Map::new(),
            tags: BTreeMap::new(),
            company_id: None,
        };
        self.conversations.insert(id, conversation);
        Ok(Some(json!({
            "type": "user_message",
            "id": message_id.to_string(),
            "created_at": created_at.at,
            "body": text,
            "message_type": "inapp",
            "conversation_id": id.to_string(),
        })))
    }

    /// `GET /conversations/{id}`: with the 500 most recent parts; `total_count` counts them all.
    pub(crate) fn get_conversation(&mut self, id: &str) -> ApiResult {
        let id = self.conversation_id(id, "Resource Not Found")?;
        Ok(Some(self.render_conversation(&self.conversations[&id], true)))
    }

    /// `PUT /conversations/{id}`: `title`, `custom_attributes` (existing conversation attributes
    /// only), `read`, `company_id`.
    pub(crate) fn update_conversation(&mut self, id: &str, body: Body) -> ApiResult {
        let id = self.conversation_id(id, "Resource Not Found")?;
        let custom = body.map("custom_attributes")?;
        if let Some(custom) = custom {
            self.check_conversation_attributes(custom)?;
        }
        let company = match body.str("company_id")? {
            Some(company) => Some(
                self.live_company(company)
                    .map(|company| company.id.clone())
                    .ok_or_else(|| ApiError::not_found("company_not_found", "Company Not Found"))?,
            ),
            None => None,
        };
        let title = body.str("title")?.map(str::to_string);
        let read = body.bool("read")?;
        let now = self.now;
        let conversation = self.conversations.get_mut(&id).ok_or_else(ApiError::resource_not_found)?;
        if body.has("title") {
            conversation.title = title;
        }
        if let Some(read) = read {
            conversation.read = read;
        }
        if body.has("company_id") {
            conversation.company_id = company;
        }
        if let Some(custom) = custom {
            merge_attributes(&mut conversation.custom_attributes, custom);
        }
        conversation.updated_at = now;
        Ok(Some(self.render_conversation(&self.conversations[&id], true)))
    }

    /// `DELETE /conversations/{id}`.
    pub(crate) fn delete_conversation(&mut self, id: &str) -> ApiResult {
        let id = self.conversation_id(id, "Resource Not Found")?;
        self.conversations.remove(&id);
        self.record_deleted("conversations", id.to_string());
        Ok(Some(json!({ "id": id.to_string(), "object": "conversation", "deleted": true })))
    }

    /// `POST /conversations/{id}/reply`: an admin comment, note or quick reply, or a contact
    /// comment; `{id}` may be `last` for a contact's latest conversation.
    pub(crate) fn reply_conversation(&mut self, id: &str, body: Body) -> ApiResult {
        let reply = self.parse_reply(body, true)?;
        let id = match (id, &reply.author) {
            ("last", Author::Contact(contact)) => self
                .conversations
                .values()
                .filter(|conversation| conversation.contacts.contains(contact))
                .max_by_key(|conversation| (conversation.created_at.at, conversation.id))
                .map(|conversation| conversation.id)
                .ok_or_else(ApiError::resource_not_found)?,
            _ => self.conversation_id(id, "Resource Not Found")?,
        };
        let part_id = self.ids.next(Kind::Part);
        let now = self.now;
        let conversation = self.conversations.get_mut(&id).ok_or_else(ApiError::resource_not_found)?;
        let created_at = Stamp::new(reply.created_at, now);
        match &reply.author {
            Author::Contact(contact) => {
                if conversation.state != ConversationState::Open {
                    conversation.state = ConversationState::Open;
                    conversation.snoozed_until = None;
                }
                if conversation.waiting_since.is_none() {
                    conversation.waiting_since = Some(created_at.at);
                }
                if !conversation.contacts.contains(contact) {
                    conversation.contacts.push(contact.clone());
                }
            }
            Author::Admin(_) if reply.message_type != "note" => conversation.waiting_since = None,
            Author::Admin(_) => {}
        }
        conversation.parts.push(Part {
            id: part_id,
            part_type: reply.message_type,
            body: reply.body,
            created_at,
            author: reply.author,
            attachments: reply.attachments,
            assigned_to: None,
            state: Some(conversation.state.name().to_string()),
            previous_state: None,
        });
        conversation.updated_at = now;
        Ok(Some(self.render_conversation(&self.conversations[&id], true)))
    }

    /// Parses a reply body; `contact_files` allows `attachment_files` on contact replies (true on
    /// conversations, false on tickets).
    pub(crate) fn parse_reply(&mut self, body: Body, contact_files: bool) -> Result<Reply, ApiError> {
        let message_type = body
            .str("message_type")?
            .ok_or_else(|| ApiError::missing("message_type is a required parameter").with_field("message_type"))?
            .to_string();
        match body.str("type")? {
            Some("admin") => {
                if !["comment", "note", "quick_reply"].contains(&message_type.as_str()) {
                    return Err(ApiError::invalid("message_type must be comment, note or quick_reply")
                        .with_field("message_type"));
                }
                let admin =
                    body.id("admin_id")?.ok_or_else(|| ApiError::missing("admin_id is a required parameter"))?;
                let admin = self.require_admin(&admin)?;
                let text = body.str("body")?.map(str::to_string);
                if message_type != "quick_reply" && text.as_deref().is_none_or(|text| text.trim().is_empty()) {
                    return Err(ApiError::invalid("Body is required").with_field("body"));
                }
                if message_type == "quick_reply" && body.array("reply_options")?.is_none_or(Vec::is_empty) {
                    return Err(
                        ApiError::invalid("reply_options are required for a quick_reply").with_field("reply_options")
                    );
                }
                let attachments = self.parse_attachments(body, true)?;
                Ok(Reply {
                    author: Author::Admin(admin),
                    message_type,
                    body: text,
                    created_at: body.int("created_at")?,
                    attachments,
                })
            }
            Some("user" | "contact") => {
                if message_type != "comment" {
                    return Err(ApiError::invalid("A contact can only reply with message_type comment")
                        .with_field("message_type"));
                }
                let text =
                    body.required_str("body", ApiError::invalid("Body is required").with_field("body"))?.to_string();
                let contact = self.replying_contact(body)?;
                let attachments = self.parse_attachments(body, contact_files)?;
                Ok(Reply {
                    author: Author::Contact(contact),
                    message_type,
                    body: Some(text),
                    created_at: body.int("created_at")?,
                    attachments,
                })
            }
            _ => Err(ApiError::invalid("type must be admin or user").with_field("type")),
        }
    }

    /// The contact a contact reply names with `intercom_user_id`, `user_id` (external id) or
    /// `email`.
    fn replying_contact(&self, body: Body) -> Result<String, ApiError> {
        let found = if let Some(id) = body.str("intercom_user_id")? {
            self.contacts.get(id)
        } else if let Some(external_id) = body.str("user_id")? {
            self.contacts.values().find(|contact| contact.external_id.as_deref() == Some(external_id))
        } else if let Some(email) = body.str("email")? {
            let email = email.to_lowercase();
            self.contacts.values().find(|contact| contact.email.as_ref().is_some_and(|e| e.to_lowercase() == email))
        } else {
            return Err(ApiError::missing("One of intercom_user_id, user_id or email is required"));
        };
        found.filter(|contact| !contact.archived).map(|contact| contact.id.clone()).ok_or_else(ApiError::user_not_found)
    }

    /// `attachment_urls` (http(s) URLs) and, when `files` allows, `attachment_files`
    /// (`{content_type, data (base64), name}`), at most ten each; files win over URLs.
    pub(crate) fn parse_attachments(&self, body: Body, files: bool) -> Result<Vec<Attachment>, ApiError> {
        if files && let Some(items) = body.array("attachment_files")? {
            if items.len() > MAX_ATTACHMENTS {
                return Err(
                    ApiError::invalid("attachment_files can hold at most 10 files").with_field("attachment_files")
                );
            }
            return items
                .iter()
                .map(|item| {
                    let file = Body::new(Some(item))?;
                    let missing = || {
                        ApiError::invalid("Each attachment file needs content_type, data and name")
                            .with_field("attachment_files")
                    };
                    let name = file.str("name")?.ok_or_else(missing)?;
                    let content_type = file.str("content_type")?.ok_or_else(missing)?;
                    let data = file.str("data")?.ok_or_else(missing)?;
                    let size = base64_len(data).ok_or_else(|| {
                        ApiError::invalid("attachment file data must be base64").with_field("attachment_files")
                    })?;
                    if size > self.attachment_max_bytes {
                        return Err(ApiError::invalid(format!(
                            "Attachment {name} is {size} bytes, larger than the {} bytes allowed",
                            self.attachment_max_bytes
                        ))
                        .with_field("attachment_files"));
                    }
                    let compact: Vec<u8> = data.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
                    let sha256 = base64::engine::general_purpose::STANDARD
                        .decode(&compact)
                        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(&compact))
                        .ok()
                        .map(|bytes| sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect());
                    Ok(Attachment {
                        name: name.to_string(),
                        url: format!(
                            "https://downloads.sandbox.invalid/{}/{:016x}/{name}",
                            self.workspace_id,
                            fnv(data)
                        ),
                        content_type: content_type.to_string(),
                        filesize: Some(size),
                        sha256,
                    })
                })
                .collect();
        }
        let Some(urls) = body.array("attachment_urls")? else { return Ok(Vec::new()) };
        if urls.len() > MAX_ATTACHMENTS {
            return Err(ApiError::invalid("attachment_urls can hold at most 10 URLs").with_field("attachment_urls"));
        }
        urls.iter()
            .map(|url| match url.as_str() {
                Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                    let path = url.split(['?', '#']).next().unwrap_or(url);
                    let name = path.rsplit('/').next().filter(|name| !name.is_empty()).unwrap_or("attachment");
                    Ok(Attachment {
                        name: name.to_string(),
                        url: url.to_string(),
                        content_type: content_type(name).to_string(),
                        filesize: None,
                        sha256: None,
                    })
                }
                _ => Err(ApiError::invalid("attachment_urls must be http(s) URLs").with_field("attachment_urls")),
            })
            .collect()
    }

    /// `POST /conversations/{id}/parts`: close, open, snooze or assign. The ids are strings, as
    /// the description types them; parts carry the current time (no `created_at`).
    pub(crate) fn conversation_part(&mut self, id: &str, body: Body) -> ApiResult {
        let id = self.conversation_id(id, "Resource Not Found")?;
        let message_type = body
            .str("message_type")?
            .ok_or_else(|| ApiError::missing("message_type is a required parameter").with_field("message_type"))?;
        let admin = body.string_id("admin_id")?.ok_or_else(|| ApiError::missing("admin_id is a required parameter"))?;
        let admin = self.require_admin(&admin)?;
        let text = body.str("body")?.map(str::to_string);
        let mut snooze = None;
        let (state, assignment) = match message_type {
            "close" => {
                require_admin_type(body)?;
                (Some(ConversationState::Closed), None)
            }
            "open" => (Some(ConversationState::Open), None),
            "snoozed" => {
                snooze = Some(
                    body.int("snoozed_until")?
                        .ok_or_else(|| ApiError::missing("snoozed_until is a required parameter"))?,
                );
                (Some(ConversationState::Snoozed), None)
            }
            "assignment" => {
                let kind = match body.str("type")? {
                    Some(kind @ ("admin" | "team")) => kind,
                    _ => return Err(ApiError::invalid("type must be admin or team").with_field("type")),
                };
                let assignee = body
                    .string_id("assignee_id")?
                    .ok_or_else(|| ApiError::missing("assignee_id is a required parameter"))?;
                let known = match kind {
                    _ if assignee == "0" => true,
                    "admin" => self.admin(&assignee).is_some(),
                    _ => self.team(&assignee).is_some(),
                };
                if !known {
                    return Err(ApiError::not_found("assignee_not_found", "Assignee not found"));
                }
                (None, Some((kind.to_string(), assignee)))
            }
            other => {
                return Err(ApiError::invalid(format!(
                    "message_type '{other}' must be close, open, snoozed or assignment"
                ))
                .with_field("message_type"));
            }
        };
        let part_id = self.ids.next(Kind::Part);
        let now = self.now;
        let conversation = self.conversations.get_mut(&id).ok_or_else(ApiError::resource_not_found)?;
        let previous = conversation.state;
        if let Some(state) = state {
            conversation.state = state;
            conversation.snoozed_until = snooze;
        }
        if let Some((kind, assignee)) = &assignment {
            let assignee = assignee.parse().unwrap_or(0);
            if kind == "admin" {
                conversation.admin_assignee_id = assignee;
            } else {
                conversation.team_assignee_id = assignee;
            }
        }
        conversation.parts.push(Part {
            id: part_id,
            part_type: message_type.to_string(),
            body: text,
            created_at: Stamp::new(None, now),
            author: Author::Admin(admin),
            attachments: Vec::new(),
            assigned_to: assignment,
            state: Some(conversation.state.name().to_string()),
            previous_state: Some(previous.name().to_string()),
        });
        conversation.updated_at = now;
        Ok(Some(self.render_conversation(&self.conversations[&id], true)))
    }

    /// `POST /conversations/{id}/tags`: `{id, admin_id}`; applying a tag again keeps the first
    /// application.
    pub(crate) fn tag_conversation(&mut self, id: &str, body: Body) -> ApiResult {
        let id = self.conversation_id(id, "Conversation not found")?;
        let (tag, admin) = self.tag_application(body)?;
        let now = self.now;
        let conversation = self.conversations.get_mut(&id).ok_or_else(ApiError::resource_not_found)?;
        let applied = *conversation.tags.entry(tag).or_insert(Applied { at: now, by: admin });
        conversation.updated_at = now;
        Ok(self.render_applied_tag(tag, applied))
    }

    /// `DELETE /conversations/{id}/tags/{tag_id}` with `{admin_id}` (required): removes the tag
    /// and returns it as it was applied. A tag that does not exist, or is not on the
    /// conversation, is a 404 `tag_not_found` (so removing twice tells the second time that
    /// nothing was removed).
    pub(crate) fn untag_conversation(&mut self, id: &str, tag: &str, body: Body) -> ApiResult {
        let id = self.conversation_id(id, "Conversation not found")?;
        let admin = body.id("admin_id")?.ok_or_else(|| ApiError::missing("admin_id is a required parameter"))?;
        self.require_admin(&admin)?;
        let tag = numeric_id(tag).filter(|tag| self.tags.contains_key(tag)).ok_or_else(tag_not_found)?;
        let now = self.now;
        let conversation = self.conversations.get_mut(&id).ok_or_else(ApiError::resource_not_found)?;
        let applied = conversation.tags.remove(&tag).ok_or_else(tag_not_found)?;
        conversation.updated_at = now;
        Ok(self.render_applied_tag(tag, applied))
    }

    /// `POST /conversations/search`: 20 a page, at most 150, in creation order.
    pub(crate) fn search_conversations(&mut self, body: Body) -> ApiResult {
        let query = Query::parse(body.get("query"))?;
        if let Some(probe) = self.conversations.values().next() {
            query.validate(&|field| conversation_field(probe, field), DateRules::Lenient)?;
        }
        let mut found = Vec::new();
        for conversation in self.conversations.values() {
            if query.matches(&|field| conversation_field(conversation, field), DateRules::Lenient)? {
                found.push(self.render_conversation(conversation, false));
            }
        }
        let page = paginate(found, body.get("pagination"), 20, 150)?;
        Ok(Some(json!({
            "type": "conversation.list",
            "pages": page.pages,
            "total_count": page.total_count,
            "conversations": page.items,
        })))
    }

    /// A conversation object; `with_parts` adds `conversation_parts` (`GET`, replies, updates).
    pub(crate) fn render_conversation(&self, conversation: &Conversation, with_parts: bool) -> Value {
        let contacts: Vec<Value> = conversation
            .contacts
            .iter()
            .map(|id| {
                let external_id = self.contacts.get(id).and_then(|contact| contact.external_id.clone());
                json!({ "type": "contact", "id": id, "external_id": external_id })
            })
            .collect();
        let mut teammates: Vec<u64> = Vec::new();
        for part in &conversation.parts {
            if let Author::Admin(id) = part.author
                && !teammates.contains(&id)
            {
                teammates.push(id);
            }
        }
        let first_contact_reply = match &conversation.source.author {
            Author::Contact(_) => {
                json!({ "created_at": conversation.created_at.at, "type": "conversation", "url": null })
            }
            Author::Admin(_) => Value::Null,
        };
        let company =
            conversation.company_id.as_ref().and_then(|id| self.companies.get(id)).map(|c| self.render_company(c));
        let admins: Vec<Value> = teammates.iter().map(|id| json!({ "type": "admin", "id": id.to_string() })).collect();
        let mut rendered = json!({
            "type": "conversation",
            "id": conversation.id.to_string(),
            "title": conversation.title,
            "created_at": conversation.created_at.at,
            "updated_at": conversation.updated_at,
            "waiting_since": conversation.waiting_since,
            "snoozed_until": conversation.snoozed_until,
            "source": {
                "type": "conversation",
                "id": conversation.source.message_id.to_string(),
                "delivered_as": "customer_initiated",
                "subject": conversation.source.subject,
                "body": conversation.source.body,
                "author": self.render_author(&conversation.source.author),
                "attachments": State::render_attachments(&conversation.source.attachments),
                "url": null,
                "redacted": false,
            },
            "contacts": { "type": "contact.list", "contacts": contacts },
            "first_contact_reply": first_contact_reply,
            "admin_assignee_id": conversation.admin_assignee_id,
            "team_assignee_id": conversation.team_assignee_id,
            "open": conversation.state != ConversationState::Closed,
            "state": conversation.state.name(),
            "read": conversation.read,
            "tags": { "type": "tag.list", "tags": self.render_applied_tags(&conversation.tags) },
            "priority": "none",
            "sla_applied": null,
            "statistics": null,
            "conversation_rating": null,
            "teammates": {
                "type": "admin.list",
                "admins": admins,
            },
            "company": company,
            "custom_attributes": conversation.custom_attributes,
            "topics": {},
            "ticket": null,
            "linked_objects": { "type": "list", "data": [], "total_count": 0, "has_more": false },
            "ai_agent": null,
            "ai_agent_participated": false,
        });
        if with_parts {
            let skip = conversation.parts.len().saturating_sub(VISIBLE_PARTS);
            let parts: Vec<Value> =
                conversation.parts[skip..].iter().map(|part| self.render_part(part, "conversation_part")).collect();
            rendered["conversation_parts"] = json!({
                "type": "conversation_part.list",
                "conversation_parts": parts,
                "total_count": conversation.parts.len(),
            });
        }
        rendered
    }

    /// A conversation part (`kind` "conversation_part") or ticket part ("ticket_part").
    pub(crate) fn render_part(&self, part: &Part, kind: &str) -> Value {
        let mut rendered = json!({
            "type": kind,
            "id": part.id.to_string(),
            "part_type": part.part_type,
            "body": part.body,
            "created_at": part.created_at.at,
            "updated_at": part.created_at.at,
            "notified_at": part.created_at.at,
            "assigned_to": part.assigned_to.as_ref().map(|(kind, id)| json!({ "type": kind, "id": id })),
            "author": self.render_author(&part.author),
            "attachments": State::render_attachments(&part.attachments),
            "external_id": null,
            "redacted": false,
        });
        if kind == "conversation_part" {
            rendered["state"] = json!(part.state);
            rendered["tags"] = json!([]);
            rendered["email_message_metadata"] = Value::Null;
            rendered["event_details"] = Value::Null;
            rendered["app_package_code"] = Value::Null;
        } else {
            // Only state changes name the states, as in the description's examples.
            if let Some(state) = &part.state {
                rendered["ticket_state"] = json!(state);
            }
            if let Some(previous) = &part.previous_state {
                rendered["previous_ticket_state"] = json!(previous);
            }
        }
        rendered
    }

    /// `GET /conversations/attributes?include_archived=true`.
    pub(crate) fn list_conversation_attributes(&mut self, query: &QueryParams) -> ApiResult {
        let include_archived = query.get("include_archived").is_some_and(|flag| flag == "true");
        let data = self
            .conversation_attributes
            .values()
            .filter(|attribute| include_archived || !attribute.archived)
            .map(render_conversation_attribute)
            .collect();
        Ok(Some(list(data)))
    }

    /// `POST /conversations/attributes` (2.16). Names are not checked for uniqueness here: a
    /// workspace can hold duplicates, which `PUT /conversations/{id}` then refuses to write.
    pub(crate) fn create_conversation_attribute(&mut self, body: Body) -> ApiResult {
        let invalid = |message: String| ApiError::new(422, "parameter_invalid", message);
        let name = body
            .str("name")?
            .filter(|name| !name.trim().is_empty())
            .ok_or_else(|| invalid("name is required".into()))?;
        let data_type = body.str("data_type")?.unwrap_or_default();
        if !ATTRIBUTE_TYPES.contains(&data_type) {
            return Err(invalid(format!(
                "data_type '{data_type}' is not valid. Allowed types: {}",
                ATTRIBUTE_TYPES.join(", ")
            )));
        }
        let mut options = Vec::new();
        if data_type == "list" {
            for option in body.array("options")?.map(Vec::as_slice).unwrap_or_default() {
                match option.get("label") {
                    Some(Value::String(label)) if !label.trim().is_empty() => options.push(AttributeOption {
                        id: self.ids.next_request_id(),
                        label: label.clone(),
                        archived: false,
                    }),
                    _ => return Err(invalid("label must be a string".into())),
                }
            }
            if options.len() < 2 {
                return Err(invalid("A list attribute must have at least 2 active options".into()));
            }
        }
        let reference = if data_type == "relationship" {
            let reference = body.object("reference")?;
            match reference.str("type")? {
                Some("one" | "many") => {}
                _ => return Err(invalid("reference.type must be one or many".into())),
            }
            Some(Value::Object(reference.fields().clone()))
        } else {
            None
        };
        let visible_to_team_ids = match body.array("visible_to_team_ids")? {
            None => Vec::new(),
            Some(ids) => ids
                .iter()
                .map(|id| match id {
                    Value::String(id) => Ok(id.clone()),
                    Value::Number(id) => Ok(id.to_string()),
                    _ => Err(invalid("visible_to_team_ids must hold team ids".into())),
                })
                .collect::<Result<_, _>>()?,
        };
        let id = self.ids.next(Kind::ConversationAttribute);
        let attribute = ConversationAttribute {
            id,
            name: name.to_string(),
            data_type: data_type.to_string(),
            description: body.str("description")?.map(str::to_string),
            required: body.bool("required")?.unwrap_or(false),
            visible_to_team_ids,
            multiline: (data_type == "string").then_some(body.bool("multiline")?.unwrap_or(false)),
            options,
            reference,
            archived: false,
            admin_id: self.token_admin().id,
            created_at: self.now,
            updated_at: self.now,
        };
        let rendered = render_conversation_attribute(&attribute);
        self.conversation_attributes.insert(id, attribute);
        Ok(Some(rendered))
    }

    /// `DELETE /conversations/attributes/{id}`: archives, returns the attribute.
    pub(crate) fn archive_conversation_attribute(&mut self, id: &str) -> ApiResult {
        let now = self.now;
        let attribute = numeric_id(id).and_then(|id| self.conversation_attributes.get_mut(&id)).ok_or_else(|| {
            ApiError::not_found("conversation_attribute_not_found", "Conversation attribute not found")
        })?;
        attribute.archived = true;
        attribute.updated_at = now;
        Ok(Some(render_conversation_attribute(attribute)))
    }

    /// Checks conversation `custom_attributes`: each key must name exactly one live conversation
    /// attribute, and values must suit its type (`null` clears).
    fn check_conversation_attributes(&self, values: &Map<String, Value>) -> Result<(), ApiError> {
        for (key, value) in values {
            let matching: Vec<&ConversationAttribute> =
                self.conversation_attributes.values().filter(|a| !a.archived && &a.name == key).collect();
            let attribute = match matching.as_slice() {
                [] => {
                    return Err(
                        ApiError::invalid(format!("Conversation attribute '{key}' does not exist")).with_field(key)
                    );
                }
                [attribute] => attribute,
                _ => {
                    return Err(ApiError::invalid(format!(
                        "Several conversation attributes are named '{key}'; rename or archive the duplicates"
                    ))
                    .with_field(key));
                }
            };
            let fits = match attribute.data_type.as_str() {
                _ if value.is_null() => true,
                "string" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "decimal" => value.is_number(),
                "boolean" => value.is_boolean(),
                "datetime" => value.is_i64() || value.is_string(),
                "list" => value.as_str().is_some_and(|text| {
                    attribute
                        .options
                        .iter()
                        .any(|option| !option.archived && (option.label == text || option.id == text))
                }),
                "relationship" => value.is_object() || value.is_array(),
                _ => true,
            };
            if !fits {
                return Err(ApiError::invalid(format!(
                    "Conversation attribute '{key}' is of type {}; the value does not match",
                    attribute.data_type
                ))
                .with_field(key));
            }
        }
        Ok(())
    }
}

/// `close` needs `type: "admin"`.
fn require_admin_type(body: Body) -> Result<(), ApiError> {
    match body.str("type")? {
        Some("admin") => Ok(()),
        _ => Err(ApiError::invalid("type must be admin").with_field("type")),
    }
}

/// The values of a searchable conversation field.
fn conversation_field(conversation: &Conversation, field: &str) -> Result<FieldValues, ApiError> {
    let exact = FieldType::Text { exact_case: true };
    let one = |value: Value| vec![value];
    let maybe = |value: Option<i64>| value.iter().map(|v| json!(v)).collect::<Vec<_>>();
    let author = &conversation.source.author;
    let (field_type, values) = match field {
        "id" => (exact, one(json!(conversation.id.to_string()))),
        "created_at" => (FieldType::Date, one(json!(conversation.created_at.at))),
        "updated_at" => (FieldType::Date, one(json!(conversation.updated_at))),
        "waiting_since" => (FieldType::Date, maybe(conversation.waiting_since)),
        "snoozed_until" => (FieldType::Date, maybe(conversation.snoozed_until)),
        "contact_ids" => (exact, conversation.contacts.iter().map(|id| json!(id)).collect()),
        "teammate_ids" => (
            exact,
            conversation
                .parts
                .iter()
                .filter_map(|part| match part.author {
                    Author::Admin(id) => Some(json!(id.to_string())),
                    Author::Contact(_) => None,
                })
                .collect(),
        ),
        "admin_assignee_id" => (FieldType::Integer, one(json!(conversation.admin_assignee_id))),
        "team_assignee_id" => (FieldType::Integer, one(json!(conversation.team_assignee_id))),
        "open" => (FieldType::Boolean, one(json!(conversation.state != ConversationState::Closed))),
        "read" => (FieldType::Boolean, one(json!(conversation.read))),
        "state" => (exact, one(json!(conversation.state.name()))),
        "tag_ids" => (exact, conversation.tags.keys().map(|id| json!(id.to_string())).collect()),
        "source.type" => (exact, one(json!("conversation"))),
        "source.id" => (exact, one(json!(conversation.source.message_id.to_string()))),
        "source.delivered_as" => (exact, one(json!("customer_initiated"))),
        "source.subject" => (exact, one(json!(conversation.source.subject))),
        "source.body" => (FieldType::Words, one(json!(conversation.source.body))),
        "source.author.id" => (
            exact,
            one(match author {
                Author::Admin(id) => json!(id.to_string()),
                Author::Contact(id) => json!(id),
            }),
        ),
        "source.author.type" => (exact, one(json!(if matches!(author, Author::Admin(_)) { "admin" } else { "user" }))),
        _ => {
            return Err(
                ApiError::invalid(format!("'{field}' is not a searchable conversation field")).with_field(field)
            );
        }
    };
    Ok(FieldValues { field_type, values })
}

fn render_conversation_attribute(attribute: &ConversationAttribute) -> Value {
    let mut rendered = json!({
        "type": "conversation_attribute",
        "id": attribute.id,
        "name": attribute.name,
        "description": attribute.description,
        "data_type": attribute.data_type,
        "required": attribute.required,
        "visible_to_team_ids": attribute.visible_to_team_ids,
        "archived": attribute.archived,
        "created_at": attribute.created_at,
        "updated_at": attribute.updated_at,
        "admin_id": attribute.admin_id.to_string(),
    });
    if let Some(multiline) = attribute.multiline {
        rendered["multiline"] = json!(multiline);
    }
    if attribute.data_type == "list" {
        rendered["options"] = attribute
            .options
            .iter()
            .map(|option| json!({ "id": option.id, "label": option.label, "archived": option.archived }))
            .collect();
    }
    if let Some(reference) = &attribute.reference {
        rendered["reference"] = reference.clone();
    }
    rendered
}

/// The decoded size of base64 text, or `None` when it is not base64.
fn base64_len(data: &str) -> Option<u64> {
    let text: Vec<u8> = data.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let padding = text.iter().rev().take_while(|&&b| b == b'=').count();
    let body = &text[..text.len() - padding];
    let valid = padding <= 2
        && body.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
        && (padding == 0 || text.len().is_multiple_of(4))
        && body.len() % 4 != 1;
    valid.then_some((body.len() * 3 / 4) as u64)
}

/// A content type from a file name's extension.
fn content_type(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, extension)| extension.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_sizes() {
        assert_eq!(base64_len("ewogICJ0ZXN0IjogMQp9"), Some(15));
        assert_eq!(base64_len("aGk="), Some(2));
        assert_eq!(base64_len("not base64!"), None);
        assert_eq!(content_type("Report.PDF"), "application/pdf");
    }
}
