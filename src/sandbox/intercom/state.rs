//! The sandbox's data model: one workspace, everything the emulated endpoints create or read.
//!
//! Endpoints are `impl State` blocks in their own files (`contacts.rs`, `conversations.rs`, …);
//! this file holds the records, the lookups they share, and [`State::dump`].

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::body::{Body, numeric_id};
use super::error::ApiError;
use super::ids::{IdGen, Kind};

/// One Intercom workspace in memory.
#[derive(Debug)]
pub(crate) struct State {
    /// Id source.
    pub ids: IdGen,
    /// The workspace id (`app.id_code`, `workspace_id` on objects).
    pub workspace_id: String,
    /// Largest attachment file accepted, in bytes (decoded).
    pub attachment_max_bytes: u64,
    /// Identifiers of the custom object types defined in the workspace (types are defined in
    /// Intercom's settings, never through the API).
    pub custom_object_types: BTreeSet<String>,
    /// The id of the one help center.
    pub help_center_id: u64,
    /// Teammates, in configuration order; the first owns the access token (`GET /me`).
    pub admins: Vec<Admin>,
    /// Teams, in configuration order.
    pub teams: Vec<Team>,
    /// Contacts by id.
    pub contacts: BTreeMap<String, Contact>,
    /// Companies by Intercom id (archived ones stay, flagged).
    pub companies: BTreeMap<String, Company>,
    /// Custom contact and company data attributes by id.
    pub data_attributes: BTreeMap<u64, DataAttribute>,
    /// Conversation custom attributes by id.
    pub conversation_attributes: BTreeMap<u64, ConversationAttribute>,
    /// Tags by id.
    pub tags: BTreeMap<u64, Tag>,
    /// Conversations by id.
    pub conversations: BTreeMap<u64, Conversation>,
    /// Tickets by id.
    pub tickets: BTreeMap<u64, Ticket>,
    /// Ticket types by id.
    pub ticket_types: BTreeMap<u64, TicketType>,
    /// The workspace's ticket states (shared by every ticket type).
    pub ticket_states: Vec<TicketState>,
    /// Help center collections by id.
    pub collections: BTreeMap<u64, Collection>,
    /// Articles by id.
    pub articles: BTreeMap<u64, Article>,
    /// Custom object instances by id.
    pub custom_objects: BTreeMap<u64, CustomObjectInstance>,
    /// Contact notes by id.
    pub notes: BTreeMap<u64, Note>,
    /// Ids of deleted objects, by kind (`contacts`, `conversations`, …), in deletion order.
    pub deleted: BTreeMap<&'static str, Vec<String>>,
    /// The sequence number of the request being served (1 for the first request).
    pub seq: u64,
    /// How many further requests a new contact stays invisible to search.
    pub search_lag: u32,
    /// The Unix time of the request being served.
    pub now: i64,
    /// Creation counter for contacts (search results come in creation order).
    pub contact_ordinal: u64,
}

/// A teammate.
#[derive(Clone, Debug)]
pub(crate) struct Admin {
    pub id: u64,
    pub email: String,
    pub name: String,
}

/// A team.
#[derive(Clone, Debug)]
pub(crate) struct Team {
    pub id: u64,
    pub name: String,
}

/// A time that the client may have set (`created_at` on conversations, parts, tickets) or that the
/// sandbox took from its clock. Only client-set times appear in the dump, which keeps it
/// independent of when a run happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub at: i64,
    pub given: bool,
}

impl Stamp {
    /// `given`, or `now` when absent.
    pub(crate) fn new(given: Option<i64>, now: i64) -> Stamp {
        match given {
            Some(at) => Stamp { at, given: true },
            None => Stamp { at: now, given: false },
        }
    }

    /// The dump's view: the time when the client set it, `null` for import time.
    fn dump(self) -> Value {
        if self.given { json!(self.at) } else { Value::Null }
    }
}

/// When and by whom a tag was applied.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Applied {
    pub at: i64,
    pub by: u64,
}

/// A contact (user or lead).
#[derive(Clone, Debug)]
pub(crate) struct Contact {
    pub id: String,
    pub ordinal: u64,
    pub role: String,
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub phone: Option<String>,
    pub name: Option<String>,
    pub avatar: Option<String>,
    pub owner_id: Option<u64>,
    pub signed_up_at: Option<i64>,
    pub last_seen_at: Option<i64>,
    pub unsubscribed_from_emails: bool,
    pub custom_attributes: Map<String, Value>,
    pub tags: BTreeMap<u64, Applied>,
    /// Attached companies, in attachment order.
    pub companies: Vec<String>,
    pub archived: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// Search sees the contact from the request with this sequence number on.
    pub searchable_from: u64,
}

/// A company.
#[derive(Clone, Debug)]
pub(crate) struct Company {
    pub id: String,
    pub company_id: Option<String>,
    pub name: Option<String>,
    pub plan: Option<String>,
    pub plan_id: Option<u64>,
    pub size: Option<i64>,
    pub website: Option<String>,
    pub industry: Option<String>,
    pub monthly_spend: Option<i64>,
    pub remote_created_at: Option<i64>,
    pub custom_attributes: Map<String, Value>,
    pub tags: BTreeMap<u64, Applied>,
    pub archived: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A custom data attribute of contacts or companies.
#[derive(Clone, Debug)]
pub(crate) struct DataAttribute {
    pub id: u64,
    pub model: String,
    pub name: String,
    pub data_type: String,
    pub description: Option<String>,
    pub options: Vec<String>,
    pub messenger_writable: bool,
    pub archived: bool,
    pub admin_id: u64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A conversation custom attribute (2.16).
#[derive(Clone, Debug)]
pub(crate) struct ConversationAttribute {
    pub id: u64,
    pub name: String,
    pub data_type: String,
    pub description: Option<String>,
    pub required: bool,
    pub visible_to_team_ids: Vec<String>,
    pub multiline: Option<bool>,
    pub options: Vec<AttributeOption>,
    pub reference: Option<Value>,
    pub archived: bool,
    pub admin_id: u64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An option of a list conversation attribute.
#[derive(Clone, Debug)]
pub(crate) struct AttributeOption {
    pub id: String,
    pub label: String,
    pub archived: bool,
}

/// A tag.
#[derive(Clone, Debug)]
pub(crate) struct Tag {
    pub id: u64,
    pub name: String,
}

/// Who wrote a part or started a conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Author {
    Admin(u64),
    Contact(String),
}

/// A file on a part: from `attachment_urls` or `attachment_files`.
#[derive(Clone, Debug)]
pub(crate) struct Attachment {
    pub name: String,
    pub url: String,
    pub content_type: String,
    pub filesize: Option<u64>,
    /// SHA-256 of the decoded content (hex), for files sent with `attachment_files`.
    pub sha256: Option<String>,
}

/// Conversation state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConversationState {
    Open,
    Closed,
    Snoozed,
}

impl ConversationState {
    /// The API name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ConversationState::Open => "open",
            ConversationState::Closed => "closed",
            ConversationState::Snoozed => "snoozed",
        }
    }
}

/// A conversation part or a ticket part.
#[derive(Clone, Debug)]
pub(crate) struct Part {
    pub id: u64,
    pub part_type: String,
    pub body: Option<String>,
    pub created_at: Stamp,
    pub author: Author,
    pub attachments: Vec<Attachment>,
    /// `(type, id)` of the new assignee on assignment parts.
    pub assigned_to: Option<(String, String)>,
    /// Conversation state after the part (conversations) or ticket state category (tickets).
    pub state: Option<String>,
    pub previous_state: Option<String>,
}

/// The first message of a conversation.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    pub message_id: u64,
    pub subject: String,
    pub body: String,
    pub author: Author,
    pub attachments: Vec<Attachment>,
}

/// A conversation.
#[derive(Clone, Debug)]
pub(crate) struct Conversation {
    pub id: u64,
    pub created_at: Stamp,
    pub updated_at: i64,
    pub source: Source,
    pub contacts: Vec<String>,
    pub parts: Vec<Part>,
    pub state: ConversationState,
    pub read: bool,
    pub snoozed_until: Option<i64>,
    pub waiting_since: Option<i64>,
    pub admin_assignee_id: u64,
    pub team_assignee_id: u64,
    pub title: Option<String>,
    pub custom_attributes: Map<String, Value>,
    pub tags: BTreeMap<u64, Applied>,
    pub company_id: Option<String>,
}

/// A ticket type.
#[derive(Clone, Debug)]
pub(crate) struct TicketType {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub category: String,
    pub icon: String,
    pub is_internal: bool,
    pub archived: bool,
    pub attributes: Vec<TicketTypeAttribute>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An attribute of a ticket type.
#[derive(Clone, Debug)]
pub(crate) struct TicketTypeAttribute {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub data_type: String,
    pub input_options: Value,
    pub order: u64,
    pub required_to_create: bool,
    pub required_to_create_for_contacts: bool,
    pub visible_on_create: bool,
    pub visible_to_contacts: bool,
    pub default: bool,
    pub archived: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A ticket state.
#[derive(Clone, Debug)]
pub(crate) struct TicketState {
    pub id: u64,
    pub category: &'static str,
    pub internal_label: &'static str,
    pub external_label: &'static str,
}

/// A ticket.
#[derive(Clone, Debug)]
pub(crate) struct Ticket {
    pub id: u64,
    pub ticket_number: u64,
    pub ticket_type_id: u64,
    pub contacts: Vec<String>,
    pub attributes: Map<String, Value>,
    pub state_id: u64,
    pub previous_state_id: Option<u64>,
    pub admin_assignee_id: u64,
    pub team_assignee_id: u64,
    pub open: bool,
    pub snoozed_until: Option<i64>,
    pub is_shared: bool,
    pub company_id: Option<String>,
    pub created_at: Stamp,
    pub updated_at: i64,
    pub parts: Vec<Part>,
    pub tags: BTreeMap<u64, Applied>,
}

/// A help center collection (a section when it has a parent).
#[derive(Clone, Debug)]
pub(crate) struct Collection {
    pub id: u64,
    pub name: String,
    pub description: Option<String>,
    pub parent_id: Option<u64>,
    pub translated_content: Option<Value>,
    pub order: u64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A help center article.
#[derive(Clone, Debug)]
pub(crate) struct Article {
    pub id: u64,
    pub title: String,
    pub description: Option<String>,
    pub body: Option<String>,
    pub body_markdown: Option<String>,
    pub author_id: u64,
    pub state: String,
    pub parent_id: Option<u64>,
    pub parent_type: Option<String>,
    pub translated_content: Option<Value>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An instance of a custom object type.
#[derive(Clone, Debug)]
pub(crate) struct CustomObjectInstance {
    pub id: u64,
    pub type_identifier: String,
    pub external_id: Option<String>,
    pub external_created_at: Option<i64>,
    pub external_updated_at: Option<i64>,
    pub custom_attributes: Map<String, Value>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A note on a contact.
#[derive(Clone, Debug)]
pub(crate) struct Note {
    pub id: u64,
    pub contact_id: String,
    pub author_id: u64,
    pub body: String,
    pub created_at: i64,
}

/// The four ticket states every workspace starts with: (category, internal label, external label).
const TICKET_STATES: [(&str, &str, &str); 4] = [
    ("submitted", "Submitted", "Submitted"),
    ("in_progress", "In progress", "In progress"),
    ("waiting_on_customer", "Waiting on customer", "Waiting on you"),
    ("resolved", "Resolved", "Resolved"),
];

impl State {
    /// A workspace with the given teammates and teams and nothing else.
    pub(crate) fn new(seed: u64, search_lag: u32, admins: &[(String, String)], teams: &[String]) -> State {
        let mut ids = IdGen::new(seed);
        let mut admins: Vec<Admin> = admins
            .iter()
            .map(|(email, name)| Admin { id: ids.next(Kind::Admin), email: email.clone(), name: name.clone() })
            .collect();
        if admins.is_empty() {
            // The token belongs to someone: a workspace always has at least one teammate.
            let id = ids.next(Kind::Admin);
            admins.push(Admin { id, email: "operator@sandbox.invalid".into(), name: "Sandbox Operator".into() });
        }
        let teams = teams.iter().map(|name| Team { id: ids.next(Kind::Team), name: name.clone() }).collect();
        let ticket_states = TICKET_STATES
            .iter()
            .map(|&(category, internal_label, external_label)| TicketState {
                id: ids.next(Kind::TicketState),
                category,
                internal_label,
                external_label,
            })
            .collect();
        let help_center_id = ids.next(Kind::HelpCenter);
        let workspace_id = format!("{:08x}", super::ids::mix(seed, 0x5753) & 0xffff_ffff);
        State {
            ids,
            workspace_id,
            attachment_max_bytes: super::DEFAULT_ATTACHMENT_MAX_BYTES,
            custom_object_types: BTreeSet::new(),
            help_center_id,
            admins,
            teams,
            contacts: BTreeMap::new(),
            companies: BTreeMap::new(),
            data_attributes: BTreeMap::new(),
            conversation_attributes: BTreeMap::new(),
            tags: BTreeMap::new(),
            conversations: BTreeMap::new(),
            tickets: BTreeMap::new(),
            ticket_types: BTreeMap::new(),
            ticket_states,
            collections: BTreeMap::new(),
            articles: BTreeMap::new(),
            custom_objects: BTreeMap::new(),
            notes: BTreeMap::new(),
            deleted: BTreeMap::new(),
            seq: 0,
            search_lag,
            now: 0,
            contact_ordinal: 0,
        }
    }

    /// The admin who owns the token.
    pub(crate) fn token_admin(&self) -> &Admin {
        &self.admins[0]
    }

    /// An admin by id text.
    pub(crate) fn admin(&self, id: &str) -> Option<&Admin> {
        let id = numeric_id(id)?;
        self.admins.iter().find(|admin| admin.id == id)
    }

    /// An admin by id text, or 404 `admin_not_found`.
    pub(crate) fn require_admin(&self, id: &str) -> Result<u64, ApiError> {
        self.admin(id).map(|admin| admin.id).ok_or_else(ApiError::admin_not_found)
    }

    /// A team by id text.
    pub(crate) fn team(&self, id: &str) -> Option<&Team> {
        let id = numeric_id(id)?;
        self.teams.iter().find(|team| team.id == id)
    }

    /// A live (not deleted) company by Intercom id.
    pub(crate) fn live_company(&self, id: &str) -> Option<&Company> {
        self.companies.get(id).filter(|company| !company.archived)
    }

    /// Remembers a deleted id.
    pub(crate) fn record_deleted(&mut self, kind: &'static str, id: String) {
        self.deleted.entry(kind).or_default().push(id);
    }

    /// The JSON form of an author: `{type, id, name, email}`; `email` (an email address when
    /// present) is left out for an author who has none.
    pub(crate) fn render_author(&self, author: &Author) -> Value {
        let (kind, id, name, email) = match author {
            Author::Admin(id) => match self.admins.iter().find(|admin| admin.id == *id) {
                Some(admin) => ("admin", id.to_string(), Some(admin.name.as_str()), Some(admin.email.as_str())),
                None => ("admin", id.to_string(), None, None),
            },
            Author::Contact(id) => match self.contacts.get(id) {
                Some(contact) => (contact.role.as_str(), id.clone(), contact.name.as_deref(), contact.email.as_deref()),
                None => ("user", id.clone(), None, None),
            },
        };
        let mut rendered = json!({ "type": kind, "id": id, "name": name });
        if let Some(email) = email {
            rendered["email"] = json!(email);
        }
        rendered
    }

    /// The JSON form of attachments. `filesize`, `width` and `height` are integers when known;
    /// the sandbox knows the size of uploaded files only, and no image dimensions, so the rest
    /// are left out.
    pub(crate) fn render_attachments(attachments: &[Attachment]) -> Value {
        attachments
            .iter()
            .map(|attachment| {
                let mut rendered = json!({
                    "type": "upload",
                    "name": attachment.name,
                    "url": attachment.url,
                    "content_type": attachment.content_type,
                });
                if let Some(size) = attachment.filesize {
                    rendered["filesize"] = json!(size);
                }
                rendered
            })
            .collect()
    }

    /// Tags applied to an object, as `tag` objects with `applied_at`/`applied_by`.
    pub(crate) fn render_applied_tags(&self, tags: &BTreeMap<u64, Applied>) -> Vec<Value> {
        tags.iter().filter_map(|(id, applied)| self.render_applied_tag(*id, *applied)).collect()
    }

    /// One applied tag: `{type: "tag", id, name, applied_at, applied_by}`; `None` for an unknown
    /// tag.
    pub(crate) fn render_applied_tag(&self, id: u64, applied: Applied) -> Option<Value> {
        let tag = self.tags.get(&id)?;
        Some(json!({
            "type": "tag",
            "id": id.to_string(),
            "name": tag.name,
            "applied_at": applied.at,
            "applied_by": { "type": "admin", "id": applied.by.to_string() },
        }))
    }

    /// The tag and admin of a tag application (`POST /conversations/{id}/tags`,
    /// `POST /tickets/{id}/tags`): `{id, admin_id}`, both required, the tag and the admin must
    /// exist.
    pub(crate) fn tag_application(&self, body: Body) -> Result<(u64, u64), ApiError> {
        let tag = body.id("id")?.ok_or_else(|| ApiError::missing("id is a required parameter").with_field("id"))?;
        let admin = body.id("admin_id")?.ok_or_else(|| ApiError::missing("admin_id is a required parameter"))?;
        let admin = self.require_admin(&admin)?;
        let tag = numeric_id(&tag).filter(|tag| self.tags.contains_key(tag)).ok_or_else(tag_not_found)?;
        Ok((tag, admin))
    }

    /// The whole state, for tests to compare. Deterministic for a given seed and request
    /// sequence: objects sorted by id, map keys sorted, and times the sandbox took from its clock
    /// (creation and update times, tag application times) left out or `null`.
    pub(crate) fn dump(&self) -> Value {
        let mut deleted = Map::new();
        for (kind, ids) in &self.deleted {
            let mut ids = ids.clone();
            ids.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
            deleted.insert((*kind).to_string(), json!(ids));
        }
        json!({
            "contacts": self.contacts.values().map(dump_contact).collect::<Vec<_>>(),
            "companies": self.companies.values().map(dump_company).collect::<Vec<_>>(),
            "data_attributes": self.data_attributes.values().map(dump_data_attribute).collect::<Vec<_>>(),
            "conversation_attributes":
                self.conversation_attributes.values().map(dump_conversation_attribute).collect::<Vec<_>>(),
            "tags": self.tags.values().map(|tag| json!({ "id": tag.id.to_string(), "name": tag.name }))
                .collect::<Vec<_>>(),
            "conversations": self.conversations.values().map(dump_conversation).collect::<Vec<_>>(),
            "tickets": self.tickets.values().map(dump_ticket).collect::<Vec<_>>(),
            "ticket_types": self.ticket_types.values().map(dump_ticket_type).collect::<Vec<_>>(),
            "collections": self.collections.values().map(dump_collection).collect::<Vec<_>>(),
            "articles": self.articles.values().map(dump_article).collect::<Vec<_>>(),
            "custom_object_instances": self.custom_objects.values().map(dump_custom_object).collect::<Vec<_>>(),
            "notes": self.notes.values().map(dump_note).collect::<Vec<_>>(),
            "deleted": deleted,
        })
    }
}

/// 404 `tag_not_found`: an unknown tag, or one not applied to the object it is removed from.
pub(crate) fn tag_not_found() -> ApiError {
    ApiError::not_found("tag_not_found", "Tag not found")
}

fn tag_ids(tags: &BTreeMap<u64, Applied>) -> Vec<String> {
    tags.keys().map(u64::to_string).collect()
}

fn dump_author(author: &Author) -> Value {
    match author {
        Author::Admin(id) => json!({ "type": "admin", "id": id.to_string() }),
        Author::Contact(id) => json!({ "type": "contact", "id": id }),
    }
}

fn dump_attachments(attachments: &[Attachment]) -> Value {
    attachments
        .iter()
        .map(|a| {
            json!({
                "name": a.name, "url": a.url, "content_type": a.content_type, "filesize": a.filesize,
                "sha256": a.sha256,
            })
        })
        .collect()
}

fn dump_part(part: &Part) -> Value {
    json!({
        "id": part.id.to_string(),
        "part_type": part.part_type,
        "body": part.body,
        "created_at": part.created_at.dump(),
        "author": dump_author(&part.author),
        "attachments": dump_attachments(&part.attachments),
        "assigned_to": part.assigned_to.as_ref().map(|(kind, id)| json!({ "type": kind, "id": id })),
    })
}

fn dump_contact(contact: &Contact) -> Value {
    json!({
        "id": contact.id,
        "role": contact.role,
        "external_id": contact.external_id,
        "email": contact.email,
        "email_verified": contact.email_verified,
        "phone": contact.phone,
        "name": contact.name,
        "avatar": contact.avatar,
        "owner_id": contact.owner_id.map(|id| id.to_string()),
        "signed_up_at": contact.signed_up_at,
        "last_seen_at": contact.last_seen_at,
        "unsubscribed_from_emails": contact.unsubscribed_from_emails,
        "custom_attributes": contact.custom_attributes,
        "tags": tag_ids(&contact.tags),
        "companies": contact.companies,
        "archived": contact.archived,
    })
}

fn dump_company(company: &Company) -> Value {
    json!({
        "id": company.id,
        "company_id": company.company_id,
        "name": company.name,
        "plan": company.plan,
        "size": company.size,
        "website": company.website,
        "industry": company.industry,
        "monthly_spend": company.monthly_spend,
        "remote_created_at": company.remote_created_at,
        "custom_attributes": company.custom_attributes,
        "tags": tag_ids(&company.tags),
        "archived": company.archived,
    })
}

fn dump_data_attribute(attribute: &DataAttribute) -> Value {
    json!({
        "id": attribute.id,
        "model": attribute.model,
        "name": attribute.name,
        "data_type": attribute.data_type,
        "description": attribute.description,
        "options": attribute.options,
        "messenger_writable": attribute.messenger_writable,
        "archived": attribute.archived,
    })
}

fn dump_conversation_attribute(attribute: &ConversationAttribute) -> Value {
    json!({
        "id": attribute.id,
        "name": attribute.name,
        "data_type": attribute.data_type,
        "description": attribute.description,
        "required": attribute.required,
        "multiline": attribute.multiline,
        "options": attribute.options.iter()
            .map(|option| json!({ "id": option.id, "label": option.label, "archived": option.archived }))
            .collect::<Vec<_>>(),
        "reference": attribute.reference,
        "archived": attribute.archived,
    })
}

fn dump_conversation(conversation: &Conversation) -> Value {
    json!({
        "id": conversation.id.to_string(),
        "created_at": conversation.created_at.dump(),
        "contacts": conversation.contacts,
        "source": {
            "id": conversation.source.message_id.to_string(),
            "subject": conversation.source.subject,
            "body": conversation.source.body,
            "author": dump_author(&conversation.source.author),
            "attachments": dump_attachments(&conversation.source.attachments),
        },
        "parts": conversation.parts.iter().map(dump_part).collect::<Vec<_>>(),
        "state": conversation.state.name(),
        "open": conversation.state != ConversationState::Closed,
        "read": conversation.read,
        "snoozed_until": conversation.snoozed_until,
        "admin_assignee_id": conversation.admin_assignee_id.to_string(),
        "team_assignee_id": conversation.team_assignee_id.to_string(),
        "title": conversation.title,
        "custom_attributes": conversation.custom_attributes,
        "tags": tag_ids(&conversation.tags),
        "company_id": conversation.company_id,
    })
}

fn dump_ticket(ticket: &Ticket) -> Value {
    json!({
        "id": ticket.id.to_string(),
        "ticket_id": ticket.ticket_number.to_string(),
        "ticket_type_id": ticket.ticket_type_id.to_string(),
        "created_at": ticket.created_at.dump(),
        "contacts": ticket.contacts,
        "ticket_attributes": ticket.attributes,
        "ticket_state_id": ticket.state_id.to_string(),
        "open": ticket.open,
        "snoozed_until": ticket.snoozed_until,
        "is_shared": ticket.is_shared,
        "admin_assignee_id": ticket.admin_assignee_id.to_string(),
        "team_assignee_id": ticket.team_assignee_id.to_string(),
        "company_id": ticket.company_id,
        "parts": ticket.parts.iter().map(dump_part).collect::<Vec<_>>(),
        "tags": tag_ids(&ticket.tags),
    })
}

fn dump_ticket_type(ticket_type: &TicketType) -> Value {
    json!({
        "id": ticket_type.id.to_string(),
        "name": ticket_type.name,
        "description": ticket_type.description,
        "category": ticket_type.category,
        "icon": ticket_type.icon,
        "is_internal": ticket_type.is_internal,
        "archived": ticket_type.archived,
        "attributes": ticket_type.attributes.iter().map(|attribute| json!({
            "id": attribute.id.to_string(),
            "name": attribute.name,
            "description": attribute.description,
            "data_type": attribute.data_type,
            "input_options": attribute.input_options,
            "required_to_create": attribute.required_to_create,
            "required_to_create_for_contacts": attribute.required_to_create_for_contacts,
            "visible_on_create": attribute.visible_on_create,
            "visible_to_contacts": attribute.visible_to_contacts,
            "default": attribute.default,
            "archived": attribute.archived,
        })).collect::<Vec<_>>(),
    })
}

fn dump_collection(collection: &Collection) -> Value {
    json!({
        "id": collection.id.to_string(),
        "name": collection.name,
        "description": collection.description,
        "parent_id": collection.parent_id.map(|id| id.to_string()),
        "translated_content": collection.translated_content,
    })
}

fn dump_article(article: &Article) -> Value {
    json!({
        "id": article.id.to_string(),
        "title": article.title,
        "description": article.description,
        "body": article.body,
        "body_markdown": article.body_markdown,
        "author_id": article.author_id,
        "state": article.state,
        "parent_id": article.parent_id,
        "parent_type": article.parent_type,
        "translated_content": article.translated_content,
    })
}

fn dump_custom_object(instance: &CustomObjectInstance) -> Value {
    json!({
        "id": instance.id.to_string(),
        "type": instance.type_identifier,
        "external_id": instance.external_id,
        "external_created_at": instance.external_created_at,
        "external_updated_at": instance.external_updated_at,
        "custom_attributes": instance.custom_attributes,
    })
}

fn dump_note(note: &Note) -> Value {
    json!({
        "id": note.id.to_string(),
        "contact_id": note.contact_id,
        "author_id": note.author_id.to_string(),
        "body": note.body,
    })
}
