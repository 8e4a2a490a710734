//! Typed Intercom operations: one method on [`Client`] per API call the migration makes, each
//! taking typed input and returning the destination id (or the object, for lookups and verify).
//!
//! Request shapes follow the 2.16 description (`reference/intercom-openapi.yaml`): ids go out as
//! strings (admin ids too, except where the spec types them as integers: article `author_id`,
//! and `parent_id` on create but not on update), timestamps as Unix seconds, and
//! `skip_notifications: true` wherever the API offers it (admin replies, ticket create, ticket
//! replies, ticket updates) so a migration does not mail customers about history. Responses are read leniently: ids may come back as strings or
//! numbers, and fields the migration does not need are ignored.
//!
//! Lookups that find nothing return `Ok(None)` (a 404 is an answer, not an error); deletes return
//! `Ok(false)` when the object was already gone, so a rollback can be run twice.

use std::collections::HashSet;
use std::fmt;

use reqwest::{Method, Url};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value, json};

use super::client::{Answer, Client};
use super::error::SinkError;
use crate::check::schema::FieldType;

/// Most attachments one message may carry, as URLs and as files alike.
pub const MAX_ATTACHMENTS: usize = 10;

/// Results per search page (the API's maximum).
const SEARCH_PAGE: u32 = 150;

/// Pages a search or list may walk before giving up (150 × 1,000 = 150,000 results).
const MAX_SEARCH_PAGES: usize = 1_000;

/// Results asked for per page of `GET /articles` and `GET /help_center/collections` (their
/// largest page size is not documented; 50 is within every limit Intercom documents for lists).
pub const LIST_PAGE: usize = 50;

/// Every API call the sink makes, for request counts and for the retry rule.
///
/// # The retry rule
///
/// A 429, a 5xx, a timeout or a broken connection is passing trouble, and what may be sent again
/// depends on what a repeat would do:
///
/// - **Safe to repeat** ([`is_idempotent`](Self::is_idempotent)): reads (`GET`, searches), `PUT`,
///   `DELETE`, and the `POST`s that are upserts or converge to the same state: company upsert
///   (keyed by `company_id`), tag find-or-create (by name), custom object upsert (by
///   `external_id`), data attribute create (a second create of the name is refused, never
///   duplicated), contact create with an email or external id (a repeat gets a 409 carrying the
///   existing id), tag applications, company attachment, contact archive, and conversation
///   assign/close/open/snooze (the state converges; a repeat may add one more event to the
///   timeline). These are retried up to [`RetryPolicy::retries`](super::retry::RetryPolicy)
///   times with capped exponential backoff and full jitter, then returned as
///   [`SinkError::Exhausted`] with the last status and body.
/// - **Not safe to repeat**: conversation create, conversation and ticket replies, contact notes,
///   ticket create, ticket type and ticket type attribute create, conversation attribute create
///   (names are not unique), collection and article create, and a contact create with neither
///   email nor external id (leads are not checked for duplicates). When Intercom may have
///   applied one (a timeout, a reset after sending, a 5xx, a response cut short) it is **not**
///   sent again: the client returns [`SinkError::Ambiguous`] and the runner settles it by a
///   lookup (for a conversation, [`Client::find_created_conversation`]).
/// - **Always safe**: a 429 (refused before any work, and the pacer then holds every request
///   until the window resets) and a connection that was never made are retried for every
///   operation.
/// - **Never retried**: other 4xx. They carry Intercom's code and message
///   ([`SinkError::Rejected`]); a 409 on contact create carries the existing id
///   ([`SinkError::Conflict`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `GET /me`
    Me,
    /// `GET /admins`
    ListAdmins,
    /// `GET /teams`
    ListTeams,
    /// `POST /contacts` for a user with an email or external id (a repeat gets a 409)
    CreateContact,
    /// `POST /contacts` for a lead, or a user with neither email nor external id (not safe to
    /// repeat: nothing makes it unique)
    CreateContactUnkeyed,
    /// `GET /contacts/find_by_external_id/{external_id}`
    FindContactByExternalId,
    /// `GET /contacts/{id}`
    GetContact,
    /// `POST /contacts/search`
    SearchContacts,
    /// `PUT /contacts/{id}`
    UpdateContact,
    /// `POST /contacts/{id}/archive`
    ArchiveContact,
    /// `DELETE /contacts/{id}`
    DeleteContact,
    /// `POST /contacts/{id}/notes` (not safe to repeat)
    AddContactNote,
    /// `GET /contacts/{id}/notes`
    ListContactNotes,
    /// `POST /contacts/{id}/tags`
    TagContact,
    /// `POST /contacts/{id}/companies`
    AttachCompany,
    /// `POST /companies`
    UpsertCompany,
    /// `GET /companies?company_id={company_id}`
    FindCompany,
    /// `GET /companies/{id}`
    GetCompany,
    /// `DELETE /companies/{id}`
    DeleteCompany,
    /// `GET /data_attributes?model={model}`
    ListDataAttributes,
    /// `POST /data_attributes`
    CreateDataAttribute,
    /// `GET /conversations/attributes`
    ListConversationAttributes,
    /// `POST /conversations/attributes` (not safe to repeat)
    CreateConversationAttribute,
    /// `DELETE /conversations/attributes/{id}`
    ArchiveConversationAttribute,
    /// `GET /tags`
    ListTags,
    /// `POST /tags`
    FindOrCreateTag,
    /// `DELETE /tags/{id}`
    DeleteTag,
    /// `POST /conversations/{id}/tags`
    TagConversation,
    /// `DELETE /conversations/{id}/tags/{tag_id}`
    UntagConversation,
    /// `POST /tickets/{id}/tags`
    TagTicket,
    /// `POST /conversations` (not safe to repeat)
    CreateConversation,
    /// `POST /conversations/{id}/reply` (not safe to repeat)
    ReplyConversation,
    /// `PUT /conversations/{id}`
    UpdateConversation,
    /// `POST /conversations/{id}/parts`
    AssignConversation,
    /// `POST /conversations/{id}/parts`
    CloseConversation,
    /// `POST /conversations/{id}/parts`
    OpenConversation,
    /// `POST /conversations/{id}/parts`
    SnoozeConversation,
    /// `GET /conversations/{id}`
    GetConversation,
    /// `POST /conversations/search`
    SearchConversations,
    /// `DELETE /conversations/{id}`
    DeleteConversation,
    /// `GET /ticket_types`
    ListTicketTypes,
    /// `POST /ticket_types` (not safe to repeat)
    CreateTicketType,
    /// `POST /ticket_types/{id}/attributes` (not safe to repeat)
    CreateTicketTypeAttribute,
    /// `GET /ticket_states`
    ListTicketStates,
    /// `POST /tickets` (not safe to repeat)
    CreateTicket,
    /// `POST /tickets/{id}/reply` (not safe to repeat)
    ReplyTicket,
    /// `PUT /tickets/{id}`
    UpdateTicket,
    /// `DELETE /tickets/{id}`
    DeleteTicket,
    /// `GET /help_center/collections` (page by page)
    ListCollections,
    /// `GET /help_center/collections/{id}`
    GetCollection,
    /// `POST /help_center/collections` (not safe to repeat)
    CreateCollection,
    /// `PUT /help_center/collections/{id}`
    UpdateCollection,
    /// `DELETE /help_center/collections/{id}`
    DeleteCollection,
    /// `GET /articles` (page by page)
    ListArticles,
    /// `GET /articles/{id}`
    GetArticle,
    /// `POST /articles` (not safe to repeat)
    CreateArticle,
    /// `PUT /articles/{id}`
    UpdateArticle,
    /// `DELETE /articles/{id}`
    DeleteArticle,
    /// `POST /custom_object_instances/{type}`
    UpsertCustomObject,
    /// `GET /custom_object_instances/{type}?external_id={external_id}`
    GetCustomObject,
    /// `DELETE /custom_object_instances/{type}?external_id={external_id}`
    DeleteCustomObject,
    /// `GET /custom_object_instances/{type}` (one page: whether the type exists)
    ListCustomObjects,
}

impl Operation {
    /// Every operation, in declaration order (`ALL[op as usize] == op`).
    pub const ALL: [Operation; 62] = {
        use Operation::*;
        [
            Me,
            ListAdmins,
            ListTeams,
            CreateContact,
            CreateContactUnkeyed,
            FindContactByExternalId,
            GetContact,
            SearchContacts,
            UpdateContact,
            ArchiveContact,
            DeleteContact,
            AddContactNote,
            ListContactNotes,
            TagContact,
            AttachCompany,
            UpsertCompany,
            FindCompany,
            GetCompany,
            DeleteCompany,
            ListDataAttributes,
            CreateDataAttribute,
            ListConversationAttributes,
            CreateConversationAttribute,
            ArchiveConversationAttribute,
            ListTags,
            FindOrCreateTag,
            DeleteTag,
            TagConversation,
            UntagConversation,
            TagTicket,
            CreateConversation,
            ReplyConversation,
            UpdateConversation,
            AssignConversation,
            CloseConversation,
            OpenConversation,
            SnoozeConversation,
            GetConversation,
            SearchConversations,
            DeleteConversation,
            ListTicketTypes,
            CreateTicketType,
            CreateTicketTypeAttribute,
            ListTicketStates,
            CreateTicket,
            ReplyTicket,
            UpdateTicket,
            DeleteTicket,
            ListCollections,
            GetCollection,
            CreateCollection,
            UpdateCollection,
            DeleteCollection,
            ListArticles,
            GetArticle,
            CreateArticle,
            UpdateArticle,
            DeleteArticle,
            UpsertCustomObject,
            GetCustomObject,
            DeleteCustomObject,
            ListCustomObjects,
        ]
    };

    /// The operation's name in counts and messages (`create_conversation`).
    pub fn name(self) -> &'static str {
        self.describe().0
    }

    /// The HTTP method.
    pub fn method(self) -> Method {
        self.describe().1
    }

    /// The path template (`/conversations/{id}/reply`), for documentation and reports.
    pub fn path(self) -> &'static str {
        self.describe().2
    }

    /// Whether the request may be sent again when its outcome is unknown (see the rule above).
    pub fn is_idempotent(self) -> bool {
        self.describe().3
    }

    fn describe(self) -> (&'static str, Method, &'static str, bool) {
        use Operation::*;
        let (get, post, put, delete) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);
        match self {
            Me => ("me", get, "/me", true),
            ListAdmins => ("list_admins", get, "/admins", true),
            ListTeams => ("list_teams", get, "/teams", true),
            CreateContact => ("create_contact", post, "/contacts", true),
            CreateContactUnkeyed => ("create_contact_unkeyed", post, "/contacts", false),
            FindContactByExternalId => {
                ("find_contact_by_external_id", get, "/contacts/find_by_external_id/{external_id}", true)
            }
            GetContact => ("get_contact", get, "/contacts/{id}", true),
            SearchContacts => ("search_contacts", post, "/contacts/search", true),
            UpdateContact => ("update_contact", put, "/contacts/{id}", true),
            ArchiveContact => ("archive_contact", post, "/contacts/{id}/archive", true),
            DeleteContact => ("delete_contact", delete, "/contacts/{id}", true),
            AddContactNote => ("add_contact_note", post, "/contacts/{id}/notes", false),
            ListContactNotes => ("list_contact_notes", get, "/contacts/{id}/notes", true),
            TagContact => ("tag_contact", post, "/contacts/{id}/tags", true),
            AttachCompany => ("attach_company", post, "/contacts/{id}/companies", true),
            UpsertCompany => ("upsert_company", post, "/companies", true),
            FindCompany => ("find_company", get, "/companies?company_id={company_id}", true),
            GetCompany => ("get_company", get, "/companies/{id}", true),
            DeleteCompany => ("delete_company", delete, "/companies/{id}", true),
            ListDataAttributes => ("list_data_attributes", get, "/data_attributes?model={model}", true),
            CreateDataAttribute => ("create_data_attribute", post, "/data_attributes", true),
            ListConversationAttributes => ("list_conversation_attributes", get, "/conversations/attributes", true),
            CreateConversationAttribute => ("create_conversation_attribute", post, "/conversations/attributes", false),
            ArchiveConversationAttribute => {
                ("archive_conversation_attribute", delete, "/conversations/attributes/{id}", true)
            }
            ListTags => ("list_tags", get, "/tags", true),
            FindOrCreateTag => ("find_or_create_tag", post, "/tags", true),
            DeleteTag => ("delete_tag", delete, "/tags/{id}", true),
            TagConversation => ("tag_conversation", post, "/conversations/{id}/tags", true),
            UntagConversation => ("untag_conversation", delete, "/conversations/{id}/tags/{tag_id}", true),
            TagTicket => ("tag_ticket", post, "/tickets/{id}/tags", true),
            CreateConversation => ("create_conversation", post, "/conversations", false),
            ReplyConversation => ("reply_conversation", post, "/conversations/{id}/reply", false),
            UpdateConversation => ("update_conversation", put, "/conversations/{id}", true),
            AssignConversation => ("assign_conversation", post, "/conversations/{id}/parts", true),
            CloseConversation => ("close_conversation", post, "/conversations/{id}/parts", true),
            OpenConversation => ("open_conversation", post, "/conversations/{id}/parts", true),
            SnoozeConversation => ("snooze_conversation", post, "/conversations/{id}/parts", true),
            GetConversation => ("get_conversation", get, "/conversations/{id}", true),
            SearchConversations => ("search_conversations", post, "/conversations/search", true),
            DeleteConversation => ("delete_conversation", delete, "/conversations/{id}", true),
            ListTicketTypes => ("list_ticket_types", get, "/ticket_types", true),
            CreateTicketType => ("create_ticket_type", post, "/ticket_types", false),
            CreateTicketTypeAttribute => ("create_ticket_type_attribute", post, "/ticket_types/{id}/attributes", false),
            ListTicketStates => ("list_ticket_states", get, "/ticket_states", true),
            CreateTicket => ("create_ticket", post, "/tickets", false),
            ReplyTicket => ("reply_ticket", post, "/tickets/{id}/reply", false),
            UpdateTicket => ("update_ticket", put, "/tickets/{id}", true),
            DeleteTicket => ("delete_ticket", delete, "/tickets/{id}", true),
            ListCollections => ("list_collections", get, "/help_center/collections", true),
            GetCollection => ("get_collection", get, "/help_center/collections/{id}", true),
            CreateCollection => ("create_collection", post, "/help_center/collections", false),
            UpdateCollection => ("update_collection", put, "/help_center/collections/{id}", true),
            DeleteCollection => ("delete_collection", delete, "/help_center/collections/{id}", true),
            ListArticles => ("list_articles", get, "/articles", true),
            GetArticle => ("get_article", get, "/articles/{id}", true),
            CreateArticle => ("create_article", post, "/articles", false),
            UpdateArticle => ("update_article", put, "/articles/{id}", true),
            DeleteArticle => ("delete_article", delete, "/articles/{id}", true),
            UpsertCustomObject => ("upsert_custom_object", post, "/custom_object_instances/{type}", true),
            GetCustomObject => {
                ("get_custom_object", get, "/custom_object_instances/{type}?external_id={external_id}", true)
            }
            DeleteCustomObject => {
                ("delete_custom_object", delete, "/custom_object_instances/{type}?external_id={external_id}", true)
            }
            ListCustomObjects => ("list_custom_objects", get, "/custom_object_instances/{type}", true),
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ---------------------------------------------------------------------------------------------
// Request economy

/// Where a helpdesk ticket lands in Intercom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketTarget {
    /// A conversation: create, then replies, then title/attributes, tags, assignment and state
    /// each in calls of their own.
    Conversation,
    /// A ticket: title, attributes and assignment ride on the create call.
    Ticket,
}

impl TicketTarget {
    /// The fewest requests that migrate one helpdesk ticket with `parts` messages (the first one
    /// included), `tags` tags, an assigned teammate and/or team, closed or not; contacts, admins,
    /// tags and attributes are resolved beforehand (digest §10).
    ///
    /// - Conversation: 1 create (message 1) + `parts − 1` replies + 1 update (title, custom
    ///   attributes) + one call per tag + one assignment call each for teammate and team + 1 close.
    ///   With one assignee and closed: `parts + tags + 3`.
    /// - Ticket: 1 create (with assignment, and message 1 as `_default_description_`) +
    ///   `parts − 1` replies + one call per tag + 1 state update when closed: `parts + tags + 1`
    ///   when closed.
    pub fn requests_per_ticket(
        self,
        parts: u32,
        tags: u32,
        assigned_admin: bool,
        assigned_team: bool,
        closed: bool,
    ) -> u32 {
        // Message 1 rides on the create either way.
        let replies = parts.saturating_sub(1);
        let closed = u32::from(closed);
        match self {
            TicketTarget::Conversation => {
                1 + replies + 1 + tags + u32::from(assigned_admin) + u32::from(assigned_team) + closed
            }
            TicketTarget::Ticket => 1 + replies + tags + closed,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Types of attributes

/// The type of a contact or company data attribute (`POST /data_attributes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DataAttributeType {
    /// `string`
    String,
    /// `integer`
    Integer,
    /// `float`
    Float,
    /// `boolean`
    Boolean,
    /// `date`
    Date,
    /// `datetime`
    Datetime,
    /// `options` (a list of allowed values)
    Options,
}

impl DataAttributeType {
    /// The attribute type for a lock field type; `None` for types a data attribute cannot hold.
    pub fn from_lock(field: FieldType) -> Option<Self> {
        Some(match field {
            FieldType::Text => Self::String,
            FieldType::Int => Self::Integer,
            FieldType::Float => Self::Float,
            FieldType::Bool => Self::Boolean,
            FieldType::Date => Self::Date,
            FieldType::Datetime => Self::Datetime,
            FieldType::Enum => Self::Options,
            _ => return None,
        })
    }
}

/// The type of a conversation attribute (`POST /conversations/attributes`, 2.16) or of a ticket
/// type attribute (`POST /ticket_types/{id}/attributes`): both use these names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConversationAttributeType {
    /// `string`
    String,
    /// `integer`
    Integer,
    /// `decimal`
    Decimal,
    /// `boolean`
    Boolean,
    /// `datetime`
    Datetime,
    /// `list` (options)
    List,
}

impl ConversationAttributeType {
    /// The attribute type for a lock field type; `None` for types a conversation attribute cannot
    /// hold (dates without time among them).
    pub fn from_lock(field: FieldType) -> Option<Self> {
        Some(match field {
            FieldType::Text => Self::String,
            FieldType::Int => Self::Integer,
            FieldType::Float => Self::Decimal,
            FieldType::Bool => Self::Boolean,
            FieldType::Datetime => Self::Datetime,
            FieldType::Enum => Self::List,
            _ => return None,
        })
    }
}

/// Which objects a data attribute belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AttributeModel {
    /// Contacts (users and leads).
    Contact,
    /// Companies.
    Company,
}

impl AttributeModel {
    fn as_str(self) -> &'static str {
        match self {
            AttributeModel::Contact => "contact",
            AttributeModel::Company => "company",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Responses

/// The token's admin and workspace (`GET /me`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Me {
    /// Admin id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Admin email.
    #[serde(default)]
    pub email: Option<String>,
    /// Admin name.
    #[serde(default)]
    pub name: Option<String>,
    /// The workspace.
    #[serde(default)]
    pub app: Option<App>,
}

/// A workspace, as `GET /me` describes it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct App {
    /// Workspace id.
    #[serde(default)]
    pub id_code: Option<String>,
    /// Workspace name.
    #[serde(default)]
    pub name: Option<String>,
    /// `US`, `EU` or `AU`.
    #[serde(default)]
    pub region: Option<String>,
    /// IANA time zone (search matches dates by day in it).
    #[serde(default)]
    pub timezone: Option<String>,
}

/// A teammate.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Admin {
    /// Admin id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Email, as Intercom has it.
    #[serde(default)]
    pub email: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Teams the admin is in.
    #[serde(default, deserialize_with = "ids")]
    pub team_ids: Vec<String>,
}

/// A team.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Team {
    /// Team id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Name.
    pub name: String,
    /// Its admins.
    #[serde(default, deserialize_with = "ids")]
    pub admin_ids: Vec<String>,
}

/// A contact (user or lead).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Contact {
    /// Contact id (24 hex digits).
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// `user` or `lead`.
    #[serde(default)]
    pub role: Option<String>,
    /// External id.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Avatar image URL (Intercom nests it as `avatar.image_url`).
    #[serde(default, deserialize_with = "avatar_url")]
    pub avatar: Option<String>,
    /// Owner (an admin id).
    #[serde(default, deserialize_with = "optional_id")]
    pub owner_id: Option<String>,
    /// Signed up (Unix seconds).
    #[serde(default)]
    pub signed_up_at: Option<i64>,
    /// Last seen (Unix seconds).
    #[serde(default)]
    pub last_seen_at: Option<i64>,
    /// Unsubscribed from emails.
    #[serde(default)]
    pub unsubscribed_from_emails: Option<bool>,
    /// Created in Intercom (Unix seconds).
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Last changed in Intercom (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// Applied tags, as the contact object lists them (ids only, at most 10).
    #[serde(default)]
    pub tags: Option<Listed>,
    /// Attached companies, as the contact object lists them (ids only, at most 10).
    #[serde(default)]
    pub companies: Option<Listed>,
    /// Custom attributes.
    #[serde(default, deserialize_with = "object")]
    pub custom_attributes: Map<String, Value>,
}

/// The first few related objects an object lists inline (`{data: [{id}], total_count}`), as a
/// contact lists its tags and companies.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Listed {
    /// Their ids (at most 10 on a contact).
    #[serde(default, rename = "data", deserialize_with = "listed_ids")]
    pub ids: Vec<String>,
    /// How many there are in all.
    #[serde(default)]
    pub total_count: Option<u64>,
}

impl Listed {
    /// Whether `ids` holds all of them (nothing beyond the inline page).
    pub fn is_complete(&self) -> bool {
        self.total_count.is_none_or(|total| total as usize <= self.ids.len())
    }
}

/// A company.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Company {
    /// Intercom's id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Our id (the upsert key).
    #[serde(default, deserialize_with = "optional_id")]
    pub company_id: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Plan name (Intercom nests it as `plan.name`).
    #[serde(default, deserialize_with = "plan_name")]
    pub plan: Option<String>,
    /// Employees.
    #[serde(default)]
    pub size: Option<i64>,
    /// Website.
    #[serde(default)]
    pub website: Option<String>,
    /// Industry.
    #[serde(default)]
    pub industry: Option<String>,
    /// Monthly spend.
    #[serde(default)]
    pub monthly_spend: Option<i64>,
    /// Created, in our system (Unix seconds).
    #[serde(default)]
    pub remote_created_at: Option<i64>,
    /// Last changed in Intercom (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// Custom attributes.
    #[serde(default, deserialize_with = "object")]
    pub custom_attributes: Map<String, Value>,
}

/// A note on a contact.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Note {
    /// Note id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Body (HTML).
    #[serde(default)]
    pub body: Option<String>,
    /// The teammate who wrote it.
    #[serde(default)]
    pub author: Option<Author>,
    /// When it was written (Unix seconds; always the time of the request).
    #[serde(default)]
    pub created_at: Option<i64>,
}

/// A contact or company data attribute.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct DataAttribute {
    /// Id (custom attributes only).
    #[serde(default, deserialize_with = "optional_id")]
    pub id: Option<String>,
    /// Name (`plan`).
    pub name: String,
    /// Full name (`custom_attributes.plan`).
    #[serde(default)]
    pub full_name: Option<String>,
    /// `contact` or `company`.
    #[serde(default)]
    pub model: Option<String>,
    /// `string`, `integer`, `float`, `boolean`, `date`, `datetime`, `options`.
    #[serde(default)]
    pub data_type: Option<String>,
    /// Allowed values of an `options` attribute.
    #[serde(default, deserialize_with = "strings")]
    pub options: Vec<String>,
    /// A custom (not built-in) attribute.
    #[serde(default)]
    pub custom: bool,
    /// Archived.
    #[serde(default)]
    pub archived: bool,
}

/// A conversation attribute (2.16).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ConversationAttribute {
    /// Id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Name.
    pub name: String,
    /// `string`, `integer`, `list`, `decimal`, `boolean`, `datetime`, `relationship`, `files`.
    #[serde(default)]
    pub data_type: Option<String>,
    /// Options of a `list` attribute.
    #[serde(default)]
    pub options: Vec<AttributeOption>,
    /// Archived.
    #[serde(default)]
    pub archived: bool,
}

/// An option of a list conversation attribute.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AttributeOption {
    /// Option id.
    #[serde(default, deserialize_with = "optional_id")]
    pub id: Option<String>,
    /// Label.
    pub label: String,
    /// Archived.
    #[serde(default)]
    pub archived: bool,
}

/// A tag.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Tag {
    /// Tag id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Name.
    pub name: String,
}

/// Who wrote a message or a part.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Author {
    /// `user`, `lead`, `admin`, `bot`, `team`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Their id.
    #[serde(default, deserialize_with = "optional_id")]
    pub id: Option<String>,
}

/// The message that opened a conversation.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ConversationSource {
    /// Message id.
    #[serde(default, deserialize_with = "optional_id")]
    pub id: Option<String>,
    /// Body.
    #[serde(default)]
    pub body: Option<String>,
    /// Author.
    #[serde(default)]
    pub author: Option<Author>,
}

/// A reply, note or event of a conversation (or ticket).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Part {
    /// Part id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// `comment`, `note`, `close`, `assignment`, …
    #[serde(default)]
    pub part_type: Option<String>,
    /// Body.
    #[serde(default)]
    pub body: Option<String>,
    /// When it was written (Unix seconds).
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Author.
    #[serde(default)]
    pub author: Option<Author>,
    /// The files on the part.
    #[serde(default)]
    pub attachments: Vec<PartAttachment>,
}

/// A file on a part, as Intercom lists it (rehosted under its own URL).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PartAttachment {
    /// File name.
    #[serde(default)]
    pub name: Option<String>,
    /// MIME type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Size in bytes.
    #[serde(default)]
    pub filesize: Option<u64>,
}

/// A conversation as `GET /conversations/{id}` or a search returns it.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversation {
    /// Conversation id.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// Creation time (Unix seconds).
    pub created_at: Option<i64>,
    /// Last change (Unix seconds): a reply, an update, an assignment, a state change, a tag.
    pub updated_at: Option<i64>,
    /// `open`, `closed` or `snoozed`.
    pub state: Option<String>,
    /// Open.
    pub open: Option<bool>,
    /// Assigned teammate (`None` when unassigned).
    pub admin_assignee_id: Option<String>,
    /// Assigned team (`None` when unassigned).
    pub team_assignee_id: Option<String>,
    /// Snoozed until (Unix seconds).
    pub snoozed_until: Option<i64>,
    /// Applied tags.
    pub tags: Vec<Tag>,
    /// Conversation attributes.
    pub custom_attributes: Map<String, Value>,
    /// The company it is about (Intercom's company id).
    pub company_id: Option<String>,
    /// The opening message.
    pub source: Option<ConversationSource>,
    /// Contacts in the conversation.
    pub contact_ids: Vec<String>,
    /// Parts (at most the 500 most recent); empty in search results.
    pub parts: Vec<Part>,
    /// All parts, beyond the 500 returned.
    pub parts_total: Option<u64>,
}

impl<'de> Deserialize<'de> for Conversation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(deserialize_with = "id")]
            id: String,
            #[serde(default)]
            title: Option<String>,
            #[serde(default)]
            created_at: Option<i64>,
            #[serde(default)]
            updated_at: Option<i64>,
            #[serde(default)]
            state: Option<String>,
            #[serde(default)]
            open: Option<bool>,
            #[serde(default, deserialize_with = "optional_id")]
            admin_assignee_id: Option<String>,
            #[serde(default, deserialize_with = "optional_id")]
            team_assignee_id: Option<String>,
            #[serde(default)]
            snoozed_until: Option<i64>,
            #[serde(default)]
            tags: Option<Tags>,
            #[serde(default, deserialize_with = "object")]
            custom_attributes: Map<String, Value>,
            #[serde(default)]
            company: Option<Reference>,
            #[serde(default)]
            source: Option<ConversationSource>,
            #[serde(default)]
            contacts: Option<Contacts>,
            #[serde(default)]
            conversation_parts: Option<Parts>,
        }
        #[derive(Deserialize)]
        struct Tags {
            #[serde(default)]
            tags: Vec<Tag>,
        }
        #[derive(Deserialize)]
        struct Contacts {
            #[serde(default)]
            contacts: Vec<Reference>,
        }
        #[derive(Deserialize)]
        struct Parts {
            #[serde(default)]
            conversation_parts: Vec<Part>,
            #[serde(default)]
            total_count: Option<u64>,
        }
        let raw = Raw::deserialize(deserializer)?;
        // Intercom writes "no assignee" as 0 or null.
        let assignee = |id: Option<String>| id.filter(|id| id != "0");
        Ok(Conversation {
            id: raw.id,
            title: raw.title,
            created_at: raw.created_at,
            updated_at: raw.updated_at,
            state: raw.state,
            open: raw.open,
            admin_assignee_id: assignee(raw.admin_assignee_id),
            team_assignee_id: assignee(raw.team_assignee_id),
            snoozed_until: raw.snoozed_until,
            tags: raw.tags.map(|tags| tags.tags).unwrap_or_default(),
            custom_attributes: raw.custom_attributes,
            company_id: raw.company.map(|company| company.id),
            source: raw.source,
            contact_ids: raw.contacts.map(|list| list.contacts.into_iter().map(|c| c.id).collect()).unwrap_or_default(),
            parts_total: raw.conversation_parts.as_ref().and_then(|parts| parts.total_count),
            parts: raw.conversation_parts.map(|parts| parts.conversation_parts).unwrap_or_default(),
        })
    }
}

/// What creating a conversation returns: the message and the conversation it opened.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CreatedConversation {
    /// The conversation id (store this).
    #[serde(deserialize_with = "id")]
    pub conversation_id: String,
    /// The opening message's id.
    #[serde(default, rename = "id", deserialize_with = "optional_id")]
    pub message_id: Option<String>,
}

/// What a reply returns: the conversation or ticket and, when it can be told, the new part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedPart {
    /// The conversation or ticket replied to.
    pub parent_id: String,
    /// The new part's id, when the response shows it.
    pub part_id: Option<String>,
}

/// A ticket type with its attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketType {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `Customer`, `Back-office` or `Tracker`.
    pub category: Option<String>,
    /// Archived.
    pub archived: bool,
    /// Attributes (`_default_title_`, `_default_description_` and custom ones).
    pub attributes: Vec<TicketTypeAttribute>,
    /// States tickets of this type can be in.
    pub states: Vec<TicketState>,
}

impl<'de> Deserialize<'de> for TicketType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(deserialize_with = "id")]
            id: String,
            name: String,
            #[serde(default)]
            category: Option<String>,
            #[serde(default)]
            archived: bool,
            #[serde(default)]
            ticket_type_attributes: Option<Attributes>,
            #[serde(default)]
            ticket_states: Option<States>,
        }
        // The spec's schema names the list `ticket_type_attributes`, its examples `data`.
        #[derive(Deserialize)]
        struct Attributes {
            #[serde(default, alias = "data")]
            ticket_type_attributes: Vec<TicketTypeAttribute>,
        }
        #[derive(Deserialize)]
        struct States {
            #[serde(default)]
            data: Vec<TicketState>,
        }
        let raw = Raw::deserialize(deserializer)?;
        Ok(TicketType {
            id: raw.id,
            name: raw.name,
            category: raw.category,
            archived: raw.archived,
            attributes: raw.ticket_type_attributes.map(|list| list.ticket_type_attributes).unwrap_or_default(),
            states: raw.ticket_states.map(|list| list.data).unwrap_or_default(),
        })
    }
}

/// An attribute of a ticket type.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TicketTypeAttribute {
    /// Id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Name (the key in `ticket_attributes`).
    pub name: String,
    /// `string`, `list`, `integer`, `decimal`, `boolean`, `datetime`, `files`.
    #[serde(default)]
    pub data_type: Option<String>,
    /// Archived.
    #[serde(default)]
    pub archived: bool,
}

/// A ticket state.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TicketState {
    /// Id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// `submitted`, `in_progress`, `waiting_on_customer`, `resolved`.
    #[serde(default)]
    pub category: Option<String>,
    /// Label teammates see.
    #[serde(default)]
    pub internal_label: Option<String>,
    /// Label customers see.
    #[serde(default)]
    pub external_label: Option<String>,
}

/// A ticket, as created.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticket {
    /// Id (store this; not `ticket_id`).
    pub id: String,
    /// The inbox number.
    pub ticket_id: Option<String>,
    /// Its state.
    pub state: Option<TicketState>,
    /// Open.
    pub open: Option<bool>,
}

impl<'de> Deserialize<'de> for Ticket {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(deserialize_with = "id")]
            id: String,
            #[serde(default, deserialize_with = "optional_id")]
            ticket_id: Option<String>,
            #[serde(default)]
            ticket_state: Option<TicketState>,
            #[serde(default)]
            open: Option<bool>,
        }
        let raw = Raw::deserialize(deserializer)?;
        Ok(Ticket { id: raw.id, ticket_id: raw.ticket_id, state: raw.ticket_state, open: raw.open })
    }
}

/// A custom object instance.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CustomObjectInstance {
    /// Intercom's id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Our id (the upsert key).
    #[serde(default, deserialize_with = "optional_id")]
    pub external_id: Option<String>,
    /// Created, in our system (Unix seconds).
    #[serde(default)]
    pub external_created_at: Option<i64>,
    /// Updated, in our system (Unix seconds).
    #[serde(default)]
    pub external_updated_at: Option<i64>,
    /// Custom attributes.
    #[serde(default, deserialize_with = "object")]
    pub custom_attributes: Map<String, Value>,
    /// Last changed in Intercom (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<i64>,
}

/// A help center collection; a section when it has a parent collection.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Collection {
    /// Collection id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Name (the default language's).
    #[serde(default)]
    pub name: Option<String>,
    /// Description; Intercom answers `""` or null when there is none.
    #[serde(default)]
    pub description: Option<String>,
    /// The parent collection; `None` for a top-level collection.
    #[serde(default, deserialize_with = "optional_id")]
    pub parent_id: Option<String>,
    /// Created (Unix seconds).
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Last changed (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<i64>,
}

/// A help center article.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Article {
    /// Article id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Title (the default language's).
    #[serde(default)]
    pub title: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Body, HTML as Intercom stores it (it may add markup to what was sent).
    #[serde(default)]
    pub body: Option<String>,
    /// The teammate who wrote it.
    #[serde(default, deserialize_with = "optional_id")]
    pub author_id: Option<String>,
    /// `published` or `draft`.
    #[serde(default)]
    pub state: Option<String>,
    /// The collections and sections it is in; empty for an article that stands alone.
    #[serde(default, deserialize_with = "ids")]
    pub parent_ids: Vec<String>,
    /// Its direct parent, where the answer names one (older versions do; 2.16 lists only
    /// `parent_ids`).
    #[serde(default, deserialize_with = "optional_id")]
    pub parent_id: Option<String>,
    /// Created (Unix seconds).
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Last changed (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<i64>,
}

impl Article {
    /// Whether the article is in collection (or section) `collection`: its direct parent when
    /// the answer names one, else any of `parent_ids` (which may also hold the collection a
    /// section belongs to).
    pub fn is_in(&self, collection: &str) -> bool {
        match &self.parent_id {
            Some(parent) => parent == collection,
            None => self.parent_ids.iter().any(|id| id == collection),
        }
    }
}

/// Something created that is known by its id only (a note).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
struct Created {
    #[serde(deserialize_with = "id")]
    id: String,
}

// ---------------------------------------------------------------------------------------------
// Requests

/// A contact's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactRole {
    /// A user: unique by email and external id.
    User,
    /// A lead: not checked for duplicates.
    Lead,
}

/// The fields of a contact create or update; `None` fields are left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ContactFields {
    /// `user` or `lead`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<ContactRole>,
    /// External id (unique for users).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Email (unique for users).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Avatar image URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// Signed up (Unix seconds): the only settable "created" time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_up_at: Option<i64>,
    /// Last seen (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<i64>,
    /// Owner (an admin id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// Unsubscribed from emails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsubscribed_from_emails: Option<bool>,
    /// Custom attributes (created beforehand as data attributes).
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub custom_attributes: Map<String, Value>,
}

impl ContactFields {
    /// Whether Intercom keeps this contact unique, so a repeated create gets a 409 instead of a
    /// second contact: a user (not a lead) with an email or an external id.
    pub fn is_keyed(&self) -> bool {
        self.role != Some(ContactRole::Lead) && (self.email.is_some() || self.external_id.is_some())
    }
}

/// The fields of a company upsert; `company_id` is the key.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CompanyFields {
    /// Our id for the company (immutable once created).
    pub company_id: String,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Employees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    /// Website.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Industry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// Monthly spend (whole number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_spend: Option<i64>,
    /// Created, in our system (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_created_at: Option<i64>,
    /// Custom attributes.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub custom_attributes: Map<String, Value>,
}

/// A data attribute to create.
#[derive(Clone, Debug, PartialEq)]
pub struct DataAttributeDraft {
    /// Name (keep to `[a-z0-9_]`).
    pub name: String,
    /// Contact or company.
    pub model: AttributeModel,
    /// Type (cannot be changed later).
    pub data_type: DataAttributeType,
    /// Description shown in Intercom.
    pub description: Option<String>,
    /// Allowed values, for [`DataAttributeType::Options`] (at least two).
    pub options: Vec<String>,
}

/// A conversation attribute or ticket type attribute to create.
#[derive(Clone, Debug, PartialEq)]
pub struct AttributeDraft {
    /// Name.
    pub name: String,
    /// Type.
    pub data_type: ConversationAttributeType,
    /// Description (ticket type attributes require one; the name is used when absent).
    pub description: Option<String>,
    /// Options, for [`ConversationAttributeType::List`].
    pub options: Vec<String>,
}

/// A file attached inline, base64-encoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttachmentFile {
    /// MIME type.
    pub content_type: String,
    /// The bytes, base64-encoded.
    pub data: String,
    /// File name.
    pub name: String,
}

/// A new conversation, opened by a contact.
#[derive(Clone, Debug, PartialEq)]
pub struct NewConversation {
    /// The contact's Intercom id.
    pub contact_id: String,
    /// The contact's role (the API's `from.type`).
    pub contact_role: ContactRole,
    /// The first message, plain text.
    pub body: String,
    /// When it was written (Unix seconds): backdates the conversation.
    pub created_at: Option<i64>,
    /// Image URLs (at most 10).
    pub attachment_urls: Vec<String>,
}

/// Who writes a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplyAuthor {
    /// A teammate, by admin id.
    Admin(String),
    /// A contact, by Intercom contact id.
    Contact(String),
}

/// Whether a reply is visible to the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyKind {
    /// A reply the customer sees.
    Comment,
    /// An internal note (teammates only).
    Note,
}

/// A reply to a conversation or a ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// Who writes it.
    pub author: ReplyAuthor,
    /// Comment or note (contacts write comments only).
    pub kind: ReplyKind,
    /// Body (notes accept some HTML).
    pub body: String,
    /// When it was written (Unix seconds): backdates the part.
    pub created_at: Option<i64>,
    /// Attachment URLs (at most 10).
    pub attachment_urls: Vec<String>,
    /// Inline attachments (at most 10).
    pub attachment_files: Vec<AttachmentFile>,
}

/// Changes to a conversation after create; `None` and empty fields are left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ConversationUpdate {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Conversation attributes.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub custom_attributes: Map<String, Value>,
    /// The company the conversation is about (Intercom's company id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
}

/// Who a conversation is assigned to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assignee {
    /// A teammate, by admin id.
    Admin(String),
    /// A team, by team id.
    Team(String),
    /// Nobody: removes the teammate assignment.
    Nobody,
}

/// A query for the search endpoints: one condition, or conditions joined by AND/OR (at most two
/// levels, 15 conditions per group).
#[derive(Clone, Debug, PartialEq)]
pub enum SearchQuery {
    /// `field operator value`.
    Condition {
        /// The field (`email`, `contact_ids`, `custom_attributes.plan`).
        field: String,
        /// `=`, `!=`, `IN`, `NIN`, `<`, `>`, `~`, `!~`, `^`, `$`.
        operator: String,
        /// The value.
        value: Value,
    },
    /// All of these.
    And(Vec<SearchQuery>),
    /// Any of these.
    Or(Vec<SearchQuery>),
}

impl SearchQuery {
    /// `field = value`.
    pub fn equals(field: impl Into<String>, value: impl Into<Value>) -> Self {
        SearchQuery::Condition { field: field.into(), operator: "=".into(), value: value.into() }
    }

    /// The query as the API takes it.
    pub fn to_json(&self) -> Value {
        match self {
            SearchQuery::Condition { field, operator, value } => {
                json!({"field": field, "operator": operator, "value": value})
            }
            SearchQuery::And(queries) => {
                json!({"operator": "AND", "value": queries.iter().map(Self::to_json).collect::<Vec<_>>()})
            }
            SearchQuery::Or(queries) => {
                json!({"operator": "OR", "value": queries.iter().map(Self::to_json).collect::<Vec<_>>()})
            }
        }
    }
}

/// A ticket type to create.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TicketTypeDraft {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `Customer`, `Back-office` or `Tracker` (contact replies need `Customer`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// An emoji.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
}

/// A new ticket.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewTicket {
    /// Its type.
    pub ticket_type_id: String,
    /// The one contact it is about, by Intercom id.
    pub contact_id: String,
    /// When it was opened (Unix seconds).
    pub created_at: Option<i64>,
    /// Attributes: `_default_title_`, `_default_description_` and the type's own.
    pub attributes: Map<String, Value>,
    /// Assigned teammate.
    pub admin_assignee_id: Option<String>,
    /// Assigned team.
    pub team_assignee_id: Option<String>,
    /// Company, by Intercom id.
    pub company_id: Option<String>,
}

/// Changes to a ticket; `None` and empty fields are left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TicketUpdate {
    /// New state (must belong to the ticket's type).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_state_id: Option<String>,
    /// `false` closes the ticket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
    /// Attributes to change.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub ticket_attributes: Map<String, Value>,
    /// New assignee (admin or team id; `"0"` unassigns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<String>,
}

/// A help center collection to create.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CollectionDraft {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Parent collection (makes this a section).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

/// An article to create.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleDraft {
    /// Title.
    pub title: String,
    /// Author (an admin id).
    pub author_id: String,
    /// Description.
    pub description: Option<String>,
    /// Body, HTML.
    pub body: Option<String>,
    /// Published (else draft).
    pub published: bool,
    /// The collection or section it goes in.
    pub collection_id: Option<String>,
    /// `collection_id` is a section (a collection with a parent): sent as `parent_type:
    /// section`, else `collection`.
    pub in_section: bool,
}

/// Changes to an article; `None` fields are left as they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArticleUpdate {
    /// Title.
    pub title: Option<String>,
    /// Author (an admin id).
    pub author_id: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Body, HTML.
    pub body: Option<String>,
    /// Published (`true`) or draft (`false`); `None` keeps the state.
    pub published: Option<bool>,
    /// Move it into this collection or section.
    pub collection_id: Option<String>,
    /// `collection_id` is a section.
    pub in_section: bool,
}

/// A custom object instance to upsert; `external_id` is the key.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CustomObjectFields {
    /// Our id.
    pub external_id: String,
    /// Created, in our system (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_created_at: Option<i64>,
    /// Updated, in our system (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_updated_at: Option<i64>,
    /// Custom attributes.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub custom_attributes: Map<String, Value>,
}

// ---------------------------------------------------------------------------------------------
// The operations

impl Client {
    // --- Workspace ----------------------------------------------------------------------------

    /// `GET /me`: the token's admin and workspace (preflight and region check).
    pub async fn me(&self) -> Result<Me, SinkError> {
        self.call(Operation::Me, &["me"], &[], None).await?.json()
    }

    /// `GET /admins`: all teammates.
    pub async fn list_admins(&self) -> Result<Vec<Admin>, SinkError> {
        #[derive(Deserialize)]
        struct List {
            #[serde(default)]
            admins: Vec<Admin>,
        }
        Ok(self.call(Operation::ListAdmins, &["admins"], &[], None).await?.json::<List>()?.admins)
    }

    /// `GET /teams`: all teams.
    pub async fn list_teams(&self) -> Result<Vec<Team>, SinkError> {
        #[derive(Deserialize)]
        struct List {
            #[serde(default)]
            teams: Vec<Team>,
        }
        Ok(self.call(Operation::ListTeams, &["teams"], &[], None).await?.json::<List>()?.teams)
    }

    // --- Contacts ------------------------------------------------------------------------------

    /// `POST /contacts`. A 409 (a user with this email or external id exists) is
    /// [`SinkError::Conflict`] with the existing id. Retried when the contact is keyed
    /// ([`ContactFields::is_keyed`]); otherwise an unknown outcome is [`SinkError::Ambiguous`].
    pub async fn create_contact(&self, fields: &ContactFields) -> Result<Contact, SinkError> {
        let operation = if fields.is_keyed() { Operation::CreateContact } else { Operation::CreateContactUnkeyed };
        self.call(operation, &["contacts"], &[], Some(&to_json(fields))).await?.json()
    }

    /// `GET /contacts/find_by_external_id/{external_id}`; users only (leads are not found).
    pub async fn find_contact_by_external_id(&self, external_id: &str) -> Result<Option<Contact>, SinkError> {
        let path = ["contacts", "find_by_external_id", external_id];
        found(self.call(Operation::FindContactByExternalId, &path, &[], None).await)?.map(|a| a.json()).transpose()
    }

    /// `POST /contacts/search`, every page. New contacts may take minutes to show up.
    pub async fn search_contacts(&self, query: &SearchQuery) -> Result<Vec<Contact>, SinkError> {
        self.search_all(Operation::SearchContacts, &["contacts", "search"], query, "data").await
    }

    /// Contacts with this email (compared as Intercom does, case-insensitively).
    pub async fn search_contacts_by_email(&self, email: &str) -> Result<Vec<Contact>, SinkError> {
        self.search_contacts(&SearchQuery::equals("email", email)).await
    }

    /// Contacts with this external id (leads included, unlike `find_contact_by_external_id`).
    pub async fn search_contacts_by_external_id(&self, external_id: &str) -> Result<Vec<Contact>, SinkError> {
        self.search_contacts(&SearchQuery::equals("external_id", external_id)).await
    }

    /// Contacts whose custom attribute `name` equals `value` (a source id kept on leads).
    pub async fn search_contacts_by_attribute(
        &self,
        name: &str,
        value: impl Into<Value>,
    ) -> Result<Vec<Contact>, SinkError> {
        self.search_contacts(&SearchQuery::equals(format!("custom_attributes.{name}"), value)).await
    }

    /// `GET /contacts/{id}`; `None` when there is no such contact.
    pub async fn get_contact(&self, contact_id: &str) -> Result<Option<Contact>, SinkError> {
        found(self.call(Operation::GetContact, &["contacts", contact_id], &[], None).await)?
            .map(|a| a.json())
            .transpose()
    }

    /// `PUT /contacts/{id}`.
    pub async fn update_contact(&self, contact_id: &str, fields: &ContactFields) -> Result<Contact, SinkError> {
        self.call(Operation::UpdateContact, &["contacts", contact_id], &[], Some(&to_json(fields))).await?.json()
    }

    /// `POST /contacts/{id}/archive`: a reversible soft delete.
    pub async fn archive_contact(&self, contact_id: &str) -> Result<(), SinkError> {
        self.call(Operation::ArchiveContact, &["contacts", contact_id, "archive"], &[], None).await?;
        Ok(())
    }

    /// `DELETE /contacts/{id}`, which also deletes every conversation of the contact. Refused
    /// ([`SinkError::Refused`]) when the contact has a conversation that is not in `owned` (the
    /// conversations this migration created): after go-live those are real customer
    /// conversations. The check searches the contact's conversations first; conversations a few
    /// minutes old may not be searchable yet. `Ok(false)` when the contact was already gone.
    pub async fn delete_contact(&self, contact_id: &str, owned: &HashSet<String>) -> Result<bool, SinkError> {
        let conversations = self.search_conversations_of_contact(contact_id).await?;
        let foreign: Vec<&str> = conversations
            .iter()
            .map(|conversation| conversation.id.as_str())
            .filter(|id| !owned.contains(*id))
            .collect();
        if !foreign.is_empty() {
            let shown: Vec<&str> = foreign.iter().take(5).copied().collect();
            let more = if foreign.len() > shown.len() { ", …" } else { "" };
            return Err(SinkError::Refused {
                operation: Operation::DeleteContact,
                reason: format!(
                    "contact {contact_id} still has {} conversation(s) ({}{more}) that are not being deleted (not \
                     created by this migration, or kept because people edited them); deleting the contact would \
                     delete them too, so archive it or remove it in Intercom by hand",
                    foreign.len(),
                    shown.join(", ")
                ),
            });
        }
        deleted(self.call(Operation::DeleteContact, &["contacts", contact_id], &[], None).await)
    }

    /// `POST /contacts/{id}/notes`; returns the note id. Notes cannot be deleted or backdated.
    pub async fn add_contact_note(
        &self,
        contact_id: &str,
        body: &str,
        admin_id: Option<&str>,
    ) -> Result<String, SinkError> {
        let mut request = json!({"body": body});
        if let Some(admin_id) = admin_id {
            request["admin_id"] = json!(admin_id);
        }
        let path = ["contacts", contact_id, "notes"];
        Ok(self.call(Operation::AddContactNote, &path, &[], Some(&request)).await?.json::<Created>()?.id)
    }

    /// `GET /contacts/{id}/notes`: the contact's notes, newest first (every page).
    pub async fn list_contact_notes(&self, contact_id: &str) -> Result<Vec<Note>, SinkError> {
        let path = ["contacts", contact_id, "notes"];
        let mut notes = Vec::new();
        let mut page = String::from("1");
        for _ in 0..MAX_SEARCH_PAGES {
            let answer = self.call(Operation::ListContactNotes, &path, &[("page", page.as_str())], None).await?;
            let list: NotePage = answer.json()?;
            let count = list.data.len();
            notes.extend(list.data);
            let total_pages = list.pages.and_then(|pages| pages.total_pages).unwrap_or(1);
            let current: u64 = page.parse().unwrap_or(1);
            if count == 0 || current >= total_pages {
                break;
            }
            page = (current + 1).to_string();
        }
        Ok(notes)
    }

    /// `POST /contacts/{id}/tags`.
    pub async fn tag_contact(&self, contact_id: &str, tag_id: &str) -> Result<(), SinkError> {
        let path = ["contacts", contact_id, "tags"];
        self.call(Operation::TagContact, &path, &[], Some(&json!({"id": tag_id}))).await?;
        Ok(())
    }

    /// `POST /contacts/{id}/companies` (the company's Intercom id).
    pub async fn attach_company(&self, contact_id: &str, company_id: &str) -> Result<(), SinkError> {
        let path = ["contacts", contact_id, "companies"];
        self.call(Operation::AttachCompany, &path, &[], Some(&json!({"id": company_id}))).await?;
        Ok(())
    }

    // --- Companies -----------------------------------------------------------------------------

    /// `POST /companies`: create or update by `company_id`.
    pub async fn upsert_company(&self, fields: &CompanyFields) -> Result<Company, SinkError> {
        self.call(Operation::UpsertCompany, &["companies"], &[], Some(&to_json(fields))).await?.json()
    }

    /// `GET /companies?company_id=…`.
    pub async fn find_company(&self, company_id: &str) -> Result<Option<Company>, SinkError> {
        let answer =
            found(self.call(Operation::FindCompany, &["companies"], &[("company_id", company_id)], None).await)?;
        let Some(answer) = answer else { return Ok(None) };
        // The spec types the answer as a list; Intercom's examples show the company itself.
        let value: Value = answer.json()?;
        let company = match value.get("data") {
            Some(Value::Array(list)) => match list.first() {
                Some(first) => first.clone(),
                None => return Ok(None),
            },
            _ => value,
        };
        serde_json::from_value(company).map(Some).map_err(|error| answer.unexpected(error.to_string()))
    }

    /// `GET /companies/{id}` (Intercom's id); `None` when there is no such company.
    pub async fn get_company(&self, company_id: &str) -> Result<Option<Company>, SinkError> {
        found(self.call(Operation::GetCompany, &["companies", company_id], &[], None).await)?
            .map(|a| a.json())
            .transpose()
    }

    /// `DELETE /companies/{id}` (Intercom archives it asynchronously and detaches its contacts).
    pub async fn delete_company(&self, company_id: &str) -> Result<bool, SinkError> {
        deleted(self.call(Operation::DeleteCompany, &["companies", company_id], &[], None).await)
    }

    // --- Data attributes -----------------------------------------------------------------------

    /// `GET /data_attributes?model=…`: built-in and custom attributes of contacts or companies.
    pub async fn list_data_attributes(&self, model: AttributeModel) -> Result<Vec<DataAttribute>, SinkError> {
        let query = [("model", model.as_str())];
        Ok(self.call(Operation::ListDataAttributes, &["data_attributes"], &query, None).await?.json::<List<_>>()?.data)
    }

    /// `POST /data_attributes`. An options attribute needs at least two options.
    pub async fn create_data_attribute(&self, draft: &DataAttributeDraft) -> Result<DataAttribute, SinkError> {
        let mut request = json!({"name": draft.name, "model": draft.model, "data_type": draft.data_type});
        if let Some(description) = &draft.description {
            request["description"] = json!(description);
        }
        if draft.data_type == DataAttributeType::Options {
            if draft.options.len() < 2 {
                return Err(SinkError::Refused {
                    operation: Operation::CreateDataAttribute,
                    reason: format!("the options attribute `{}` needs at least two options", draft.name),
                });
            }
            request["options"] = draft.options.iter().map(|value| json!({"value": value})).collect();
        }
        self.call(Operation::CreateDataAttribute, &["data_attributes"], &[], Some(&request)).await?.json()
    }

    // --- Conversation attributes (2.16) --------------------------------------------------------

    /// `GET /conversations/attributes`.
    pub async fn list_conversation_attributes(&self) -> Result<Vec<ConversationAttribute>, SinkError> {
        let path = ["conversations", "attributes"];
        Ok(self.call(Operation::ListConversationAttributes, &path, &[], None).await?.json::<List<_>>()?.data)
    }

    /// `POST /conversations/attributes`.
    pub async fn create_conversation_attribute(
        &self,
        draft: &AttributeDraft,
    ) -> Result<ConversationAttribute, SinkError> {
        let mut request = json!({"name": draft.name, "data_type": draft.data_type});
        if let Some(description) = &draft.description {
            request["description"] = json!(description);
        }
        if draft.data_type == ConversationAttributeType::List {
            request["options"] = draft.options.iter().map(|label| json!({"label": label})).collect();
        }
        let path = ["conversations", "attributes"];
        self.call(Operation::CreateConversationAttribute, &path, &[], Some(&request)).await?.json()
    }

    /// `DELETE /conversations/attributes/{id}`: archives it (attributes are never deleted).
    pub async fn archive_conversation_attribute(&self, attribute_id: &str) -> Result<bool, SinkError> {
        let path = ["conversations", "attributes", attribute_id];
        deleted(self.call(Operation::ArchiveConversationAttribute, &path, &[], None).await)
    }

    // --- Tags ----------------------------------------------------------------------------------

    /// `GET /tags`.
    pub async fn list_tags(&self) -> Result<Vec<Tag>, SinkError> {
        Ok(self.call(Operation::ListTags, &["tags"], &[], None).await?.json::<List<_>>()?.data)
    }

    /// `POST /tags {name}`: the tag with this name, compared case-insensitively, created if
    /// missing.
    pub async fn find_or_create_tag(&self, name: &str) -> Result<Tag, SinkError> {
        self.call(Operation::FindOrCreateTag, &["tags"], &[], Some(&json!({"name": name}))).await?.json()
    }

    /// `DELETE /tags/{id}`; refused by Intercom (400) while a segment uses the tag.
    pub async fn delete_tag(&self, tag_id: &str) -> Result<bool, SinkError> {
        deleted(self.call(Operation::DeleteTag, &["tags", tag_id], &[], None).await)
    }

    /// `POST /conversations/{id}/tags`, applied by `admin_id`.
    pub async fn tag_conversation(&self, conversation_id: &str, tag_id: &str, admin_id: &str) -> Result<(), SinkError> {
        let path = ["conversations", conversation_id, "tags"];
        let request = json!({"id": tag_id, "admin_id": admin_id});
        self.call(Operation::TagConversation, &path, &[], Some(&request)).await?;
        Ok(())
    }

    /// `DELETE /conversations/{id}/tags/{tag_id}`, removed by `admin_id`.
    pub async fn untag_conversation(
        &self,
        conversation_id: &str,
        tag_id: &str,
        admin_id: &str,
    ) -> Result<bool, SinkError> {
        let path = ["conversations", conversation_id, "tags", tag_id];
        deleted(self.call(Operation::UntagConversation, &path, &[], Some(&json!({"admin_id": admin_id}))).await)
    }

    /// `POST /tickets/{id}/tags`, applied by `admin_id`.
    pub async fn tag_ticket(&self, ticket_id: &str, tag_id: &str, admin_id: &str) -> Result<(), SinkError> {
        let path = ["tickets", ticket_id, "tags"];
        self.call(Operation::TagTicket, &path, &[], Some(&json!({"id": tag_id, "admin_id": admin_id}))).await?;
        Ok(())
    }

    // --- Conversations -------------------------------------------------------------------------

    /// `POST /conversations`: a conversation opened by a contact, backdated to `created_at`.
    /// Never retried once it may have been applied (see [`Operation`]); settle an
    /// [`SinkError::Ambiguous`] with [`find_created_conversation`](Self::find_created_conversation).
    pub async fn create_conversation(&self, new: &NewConversation) -> Result<CreatedConversation, SinkError> {
        check_attachments(Operation::CreateConversation, new.attachment_urls.len(), 0)?;
        let mut request = json!({
            "from": {"type": new.contact_role, "id": new.contact_id},
            "body": new.body,
        });
        if let Some(created_at) = new.created_at {
            request["created_at"] = json!(created_at);
        }
        if !new.attachment_urls.is_empty() {
            request["attachment_urls"] = json!(new.attachment_urls);
        }
        self.call(Operation::CreateConversation, &["conversations"], &[], Some(&request)).await?.json()
    }

    /// `POST /conversations/{id}/reply`: a backdated comment or note by a teammate (without
    /// notifications) or a comment by a contact.
    pub async fn reply_conversation(&self, conversation_id: &str, reply: &Reply) -> Result<CreatedPart, SinkError> {
        let request = reply_body(Operation::ReplyConversation, reply, true)?;
        let path = ["conversations", conversation_id, "reply"];
        let conversation: Conversation =
            self.call(Operation::ReplyConversation, &path, &[], Some(&request)).await?.json()?;
        let part_id = newest_part(&conversation.parts, reply);
        Ok(CreatedPart { parent_id: conversation.id, part_id })
    }

    /// `PUT /conversations/{id}`: title and conversation attributes; returns the conversation as
    /// updated.
    pub async fn update_conversation(
        &self,
        conversation_id: &str,
        update: &ConversationUpdate,
    ) -> Result<Conversation, SinkError> {
        let path = ["conversations", conversation_id];
        self.call(Operation::UpdateConversation, &path, &[], Some(&to_json(update))).await?.json()
    }

    /// `POST /conversations/{id}/parts` assignment, performed by `admin_id`. Teammate and team are
    /// separate calls. Like the other part calls, returns the conversation after it.
    pub async fn assign_conversation(
        &self,
        conversation_id: &str,
        admin_id: &str,
        assignee: &Assignee,
    ) -> Result<Conversation, SinkError> {
        let (kind, assignee_id) = match assignee {
            Assignee::Admin(id) => ("admin", id.as_str()),
            Assignee::Team(id) => ("team", id.as_str()),
            Assignee::Nobody => ("admin", "0"),
        };
        let request =
            json!({"message_type": "assignment", "type": kind, "admin_id": admin_id, "assignee_id": assignee_id});
        self.conversation_part(Operation::AssignConversation, conversation_id, &request).await
    }

    /// `POST /conversations/{id}/parts` close, by `admin_id` (carries the import time).
    pub async fn close_conversation(&self, conversation_id: &str, admin_id: &str) -> Result<Conversation, SinkError> {
        let request = json!({"message_type": "close", "type": "admin", "admin_id": admin_id});
        self.conversation_part(Operation::CloseConversation, conversation_id, &request).await
    }

    /// `POST /conversations/{id}/parts` open, by `admin_id`.
    pub async fn open_conversation(&self, conversation_id: &str, admin_id: &str) -> Result<Conversation, SinkError> {
        let request = json!({"message_type": "open", "admin_id": admin_id});
        self.conversation_part(Operation::OpenConversation, conversation_id, &request).await
    }

    /// `POST /conversations/{id}/parts` snooze until `until` (Unix seconds), by `admin_id`.
    pub async fn snooze_conversation(
        &self,
        conversation_id: &str,
        admin_id: &str,
        until: i64,
    ) -> Result<Conversation, SinkError> {
        let request = json!({"message_type": "snoozed", "admin_id": admin_id, "snoozed_until": until});
        self.conversation_part(Operation::SnoozeConversation, conversation_id, &request).await
    }

    /// `GET /conversations/{id}` with its parts as plain text (for verify).
    pub async fn get_conversation(&self, conversation_id: &str) -> Result<Option<Conversation>, SinkError> {
        let path = ["conversations", conversation_id];
        let query = [("display_as", "plaintext")];
        found(self.call(Operation::GetConversation, &path, &query, None).await)?.map(|a| a.json()).transpose()
    }

    /// `POST /conversations/search`, every page.
    pub async fn search_conversations(&self, query: &SearchQuery) -> Result<Vec<Conversation>, SinkError> {
        self.search_all(Operation::SearchConversations, &["conversations", "search"], query, "conversations").await
    }

    /// The conversations a contact takes part in.
    pub async fn search_conversations_of_contact(&self, contact_id: &str) -> Result<Vec<Conversation>, SinkError> {
        self.search_conversations(&SearchQuery::equals("contact_ids", contact_id)).await
    }

    /// The conversations of a contact created on the day of `created_at` (Intercom compares
    /// dates by day in the workspace's time zone).
    pub async fn search_conversations_of_contact_on_day(
        &self,
        contact_id: &str,
        created_at: i64,
    ) -> Result<Vec<Conversation>, SinkError> {
        let query = SearchQuery::And(vec![
            SearchQuery::equals("contact_ids", contact_id),
            SearchQuery::equals("created_at", created_at),
        ]);
        self.search_conversations(&query).await
    }

    /// Settle an ambiguous [`create_conversation`](Self::create_conversation): the id of the
    /// contact's conversation created at exactly `new.created_at` whose first message has the
    /// same text, if there is one. Needs `created_at` (without it nothing identifies the
    /// conversation, and `None` is returned without a request).
    pub async fn find_created_conversation(&self, new: &NewConversation) -> Result<Option<String>, SinkError> {
        let Some(created_at) = new.created_at else { return Ok(None) };
        let candidates = self.search_conversations_of_contact_on_day(&new.contact_id, created_at).await?;
        let body = plain_text(&new.body);
        Ok(candidates
            .into_iter()
            .find(|conversation| {
                conversation.created_at == Some(created_at)
                    && conversation.source.as_ref().and_then(|source| source.body.as_deref()).map(plain_text)
                        == Some(body.clone())
            })
            .map(|conversation| conversation.id))
    }

    /// `DELETE /conversations/{id}` (irreversible; reporting keeps its metrics).
    pub async fn delete_conversation(&self, conversation_id: &str) -> Result<bool, SinkError> {
        deleted(self.call(Operation::DeleteConversation, &["conversations", conversation_id], &[], None).await)
    }

    // --- Tickets -------------------------------------------------------------------------------

    /// `GET /ticket_types`.
    pub async fn list_ticket_types(&self) -> Result<Vec<TicketType>, SinkError> {
        Ok(self.call(Operation::ListTicketTypes, &["ticket_types"], &[], None).await?.json::<List<_>>()?.data)
    }

    /// `POST /ticket_types`; it comes with `_default_title_` and `_default_description_`.
    pub async fn create_ticket_type(&self, draft: &TicketTypeDraft) -> Result<TicketType, SinkError> {
        self.call(Operation::CreateTicketType, &["ticket_types"], &[], Some(&to_json(draft))).await?.json()
    }

    /// `POST /ticket_types/{id}/attributes`. List options go out as Intercom's comma-separated
    /// `list_items`, so an option cannot contain a comma.
    pub async fn create_ticket_type_attribute(
        &self,
        ticket_type_id: &str,
        draft: &AttributeDraft,
    ) -> Result<TicketTypeAttribute, SinkError> {
        let description = draft.description.as_deref().unwrap_or(&draft.name);
        let mut request = json!({"name": draft.name, "description": description, "data_type": draft.data_type});
        if draft.data_type == ConversationAttributeType::List {
            if let Some(option) = draft.options.iter().find(|option| option.contains(',')) {
                return Err(SinkError::Refused {
                    operation: Operation::CreateTicketTypeAttribute,
                    reason: format!("list option `{option}` contains a comma, which separates options in `list_items`"),
                });
            }
            request["list_items"] = json!(draft.options.join(","));
        }
        let path = ["ticket_types", ticket_type_id, "attributes"];
        self.call(Operation::CreateTicketTypeAttribute, &path, &[], Some(&request)).await?.json()
    }

    /// `GET /ticket_states`.
    pub async fn list_ticket_states(&self) -> Result<Vec<TicketState>, SinkError> {
        Ok(self.call(Operation::ListTicketStates, &["ticket_states"], &[], None).await?.json::<List<_>>()?.data)
    }

    /// `POST /tickets`: backdated, with attributes and assignment, without notifications.
    pub async fn create_ticket(&self, new: &NewTicket) -> Result<Ticket, SinkError> {
        let mut request = json!({
            "ticket_type_id": new.ticket_type_id,
            "contacts": [{"id": new.contact_id}],
            "skip_notifications": true,
        });
        if let Some(created_at) = new.created_at {
            request["created_at"] = json!(created_at);
        }
        if !new.attributes.is_empty() {
            request["ticket_attributes"] = Value::Object(new.attributes.clone());
        }
        let mut assignment = Map::new();
        if let Some(admin) = &new.admin_assignee_id {
            assignment.insert("admin_assignee_id".into(), json!(admin));
        }
        if let Some(team) = &new.team_assignee_id {
            assignment.insert("team_assignee_id".into(), json!(team));
        }
        if !assignment.is_empty() {
            request["assignment"] = Value::Object(assignment);
        }
        if let Some(company) = &new.company_id {
            request["company_id"] = json!(company);
        }
        self.call(Operation::CreateTicket, &["tickets"], &[], Some(&request)).await?.json()
    }

    /// `POST /tickets/{id}/reply`: a backdated comment or note, without notifications. Contacts
    /// may attach URLs only.
    pub async fn reply_ticket(&self, ticket_id: &str, reply: &Reply) -> Result<CreatedPart, SinkError> {
        let mut request = reply_body(Operation::ReplyTicket, reply, false)?;
        request["skip_notifications"] = json!(true);
        let path = ["tickets", ticket_id, "reply"];
        let part: Created = self.call(Operation::ReplyTicket, &path, &[], Some(&request)).await?.json()?;
        Ok(CreatedPart { parent_id: ticket_id.to_owned(), part_id: Some(part.id) })
    }

    /// `PUT /tickets/{id}`, without notifications (state changes carry the import time).
    pub async fn update_ticket(&self, ticket_id: &str, update: &TicketUpdate) -> Result<Ticket, SinkError> {
        let mut request = to_json(update);
        request["skip_notifications"] = json!(true);
        self.call(Operation::UpdateTicket, &["tickets", ticket_id], &[], Some(&request)).await?.json()
    }

    /// `DELETE /tickets/{id}` (irreversible).
    pub async fn delete_ticket(&self, ticket_id: &str) -> Result<bool, SinkError> {
        deleted(self.call(Operation::DeleteTicket, &["tickets", ticket_id], &[], None).await)
    }

    // --- Help center ---------------------------------------------------------------------------

    /// `GET /help_center/collections`: every collection and section of the workspace (all help
    /// centers), every page, each once.
    pub async fn list_collections(&self) -> Result<Vec<Collection>, SinkError> {
        let collections: Vec<Collection> =
            self.list_pages(Operation::ListCollections, &["help_center", "collections"]).await?;
        let mut seen = HashSet::new();
        Ok(collections.into_iter().filter(|collection| seen.insert(collection.id.clone())).collect())
    }

    /// `GET /help_center/collections/{id}`; `None` when there is no such collection.
    pub async fn get_collection(&self, collection_id: &str) -> Result<Option<Collection>, SinkError> {
        let path = ["help_center", "collections", collection_id];
        found(self.call(Operation::GetCollection, &path, &[], None).await)?.map(|a| a.json()).transpose()
    }

    /// `POST /help_center/collections` (in the default help center).
    pub async fn create_collection(&self, draft: &CollectionDraft) -> Result<Collection, SinkError> {
        let path = ["help_center", "collections"];
        self.call(Operation::CreateCollection, &path, &[], Some(&to_json(draft))).await?.json()
    }

    /// `PUT /help_center/collections/{id}`: name, and the description and parent where given
    /// (`None` leaves them as they are).
    pub async fn update_collection(
        &self,
        collection_id: &str,
        draft: &CollectionDraft,
    ) -> Result<Collection, SinkError> {
        let path = ["help_center", "collections", collection_id];
        self.call(Operation::UpdateCollection, &path, &[], Some(&to_json(draft))).await?.json()
    }

    /// `DELETE /help_center/collections/{id}`. Refused ([`SinkError::Refused`]) while the
    /// collection still has sections or articles: a rollback deletes a collection's migrated
    /// content first (newest first), so whatever is left in it was not created by the migration,
    /// or was kept because people edited it, and must not be deleted or orphaned with it. The
    /// check lists every collection and article first. `Ok(false)` when it was already gone.
    pub async fn delete_collection(&self, collection_id: &str) -> Result<bool, SinkError> {
        let sections: Vec<String> = self
            .list_collections()
            .await?
            .into_iter()
            .filter(|collection| collection.parent_id.as_deref() == Some(collection_id))
            .map(|collection| collection.id)
            .collect();
        let articles: Vec<String> = self
            .list_articles()
            .await?
            .into_iter()
            .filter(|article| article.is_in(collection_id) || article.parent_ids.iter().any(|id| id == collection_id))
            .map(|article| article.id)
            .collect();
        if !sections.is_empty() || !articles.is_empty() {
            let listed = |what: &str, ids: &[String]| {
                let shown: Vec<&str> = ids.iter().take(5).map(String::as_str).collect();
                let more = if ids.len() > shown.len() { ", …" } else { "" };
                format!("{} {what} ({}{more})", ids.len(), shown.join(", "))
            };
            let mut held = Vec::new();
            if !sections.is_empty() {
                held.push(listed("section(s)", &sections));
            }
            if !articles.is_empty() {
                held.push(listed("article(s)", &articles));
            }
            return Err(SinkError::Refused {
                operation: Operation::DeleteCollection,
                reason: format!(
                    "collection {collection_id} still holds {} that are not being deleted (not created by this \
                     migration, or kept because people edited them); move or delete them in Intercom, then run \
                     rollback again",
                    held.join(" and ")
                ),
            });
        }
        let path = ["help_center", "collections", collection_id];
        deleted(self.call(Operation::DeleteCollection, &path, &[], None).await)
    }

    /// `GET /articles`: every article of the workspace, every page, each once.
    pub async fn list_articles(&self) -> Result<Vec<Article>, SinkError> {
        let articles: Vec<Article> = self.list_pages(Operation::ListArticles, &["articles"]).await?;
        let mut seen = HashSet::new();
        Ok(articles.into_iter().filter(|article| seen.insert(article.id.clone())).collect())
    }

    /// `GET /articles/{id}`; `None` when there is no such article.
    pub async fn get_article(&self, article_id: &str) -> Result<Option<Article>, SinkError> {
        found(self.call(Operation::GetArticle, &["articles", article_id], &[], None).await)?
            .map(|a| a.json())
            .transpose()
    }

    /// `POST /articles`. The API types `author_id` and `parent_id` as integers here, so both
    /// must be numeric ids.
    pub async fn create_article(&self, draft: &ArticleDraft) -> Result<Article, SinkError> {
        let operation = Operation::CreateArticle;
        let mut request = json!({
            "title": draft.title,
            "author_id": numeric_id(operation, "author id", &draft.author_id)?,
            "state": if draft.published { "published" } else { "draft" },
        });
        if let Some(description) = &draft.description {
            request["description"] = json!(description);
        }
        if let Some(body) = &draft.body {
            request["body"] = json!(body);
        }
        if let Some(collection) = &draft.collection_id {
            request["parent_id"] = json!(numeric_id(operation, "collection id", collection)?);
            request["parent_type"] = json!(if draft.in_section { "section" } else { "collection" });
        }
        self.call(operation, &["articles"], &[], Some(&request)).await?.json()
    }

    /// `PUT /articles/{id}`: the fields given. `author_id` must be numeric (an integer in the
    /// API); `parent_id` goes out as a string, as the API types it here.
    pub async fn update_article(&self, article_id: &str, update: &ArticleUpdate) -> Result<Article, SinkError> {
        let operation = Operation::UpdateArticle;
        let mut request = json!({});
        if let Some(title) = &update.title {
            request["title"] = json!(title);
        }
        if let Some(author) = &update.author_id {
            request["author_id"] = json!(numeric_id(operation, "author id", author)?);
        }
        if let Some(description) = &update.description {
            request["description"] = json!(description);
        }
        if let Some(body) = &update.body {
            request["body"] = json!(body);
        }
        if let Some(published) = update.published {
            request["state"] = json!(if published { "published" } else { "draft" });
        }
        if let Some(collection) = &update.collection_id {
            numeric_id(operation, "collection id", collection)?;
            request["parent_id"] = json!(collection);
            request["parent_type"] = json!(if update.in_section { "section" } else { "collection" });
        }
        self.call(operation, &["articles", article_id], &[], Some(&request)).await?.json()
    }

    /// `DELETE /articles/{id}`.
    pub async fn delete_article(&self, article_id: &str) -> Result<bool, SinkError> {
        deleted(self.call(Operation::DeleteArticle, &["articles", article_id], &[], None).await)
    }

    // --- Custom object instances ---------------------------------------------------------------

    /// `POST /custom_object_instances/{type}`: create or update by `external_id` (the type must
    /// exist in the workspace).
    pub async fn upsert_custom_object(
        &self,
        object_type: &str,
        fields: &CustomObjectFields,
    ) -> Result<CustomObjectInstance, SinkError> {
        let path = ["custom_object_instances", object_type];
        self.call(Operation::UpsertCustomObject, &path, &[], Some(&to_json(fields))).await?.json()
    }

    /// `GET /custom_object_instances/{type}?external_id=…`.
    pub async fn get_custom_object(
        &self,
        object_type: &str,
        external_id: &str,
    ) -> Result<Option<CustomObjectInstance>, SinkError> {
        let path = ["custom_object_instances", object_type];
        let query = [("external_id", external_id)];
        found(self.call(Operation::GetCustomObject, &path, &query, None).await)?.map(|a| a.json()).transpose()
    }

    /// `DELETE /custom_object_instances/{type}?external_id=…`.
    pub async fn delete_custom_object(&self, object_type: &str, external_id: &str) -> Result<bool, SinkError> {
        let path = ["custom_object_instances", object_type];
        deleted(self.call(Operation::DeleteCustomObject, &path, &[("external_id", external_id)], None).await)
    }

    /// Whether the workspace defines custom object type `object_type`: `GET
    /// /custom_object_instances/{type}?per_page=1` answers a page, or a 404 for a type it does
    /// not define (types are defined in Intercom's settings only, and no endpoint lists them).
    pub async fn custom_object_type_exists(&self, object_type: &str) -> Result<bool, SinkError> {
        let path = ["custom_object_instances", object_type];
        let answer = found(self.call(Operation::ListCustomObjects, &path, &[("per_page", "1")], None).await)?;
        Ok(answer.is_some())
    }

    // --- Helpers -------------------------------------------------------------------------------

    /// `POST /conversations/{id}/parts`; returns the conversation after the part.
    async fn conversation_part(
        &self,
        operation: Operation,
        conversation_id: &str,
        request: &Value,
    ) -> Result<Conversation, SinkError> {
        self.call(operation, &["conversations", conversation_id, "parts"], &[], Some(request)).await?.json()
    }

    /// Walk a search's pages (`pages.next.starting_after`, sent in the body) and collect the
    /// items under `key`.
    async fn search_all<T: DeserializeOwned>(
        &self,
        operation: Operation,
        path: &[&str],
        query: &SearchQuery,
        key: &str,
    ) -> Result<Vec<T>, SinkError> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_SEARCH_PAGES {
            let mut pagination = json!({"per_page": SEARCH_PAGE});
            if let Some(cursor) = &cursor {
                pagination["starting_after"] = json!(cursor);
            }
            let request = json!({"query": query.to_json(), "pagination": pagination});
            let answer = self.call(operation, path, &[], Some(&request)).await?;
            let mut page: Value = answer.json()?;
            let list = match page.get_mut(key).map(Value::take) {
                Some(Value::Array(list)) => list,
                Some(Value::Null) | None => Vec::new(),
                Some(_) => return Err(answer.unexpected(format!("`{key}` is not a list"))),
            };
            for item in list {
                items.push(serde_json::from_value(item).map_err(|error| answer.unexpected(error.to_string()))?);
            }
            let next = page.pointer("/pages/next/starting_after").and_then(Value::as_str).map(str::to_owned);
            match next {
                Some(next) if cursor.as_deref() != Some(&next) => cursor = Some(next),
                _ => return Ok(items),
            }
        }
        Ok(items)
    }

    /// Walk a page-numbered list (`GET /articles`, `GET /help_center/collections`) and collect
    /// its `data`. How these lists page is not settled (the 2.16 description lists no
    /// parameters; older versions document `page` and `per_page`), so every answer is read for
    /// both ways: `pages.next` is followed when present ([`next_page`]), else `page` counts up to
    /// `pages.total_pages`. Stops at an empty page or a next page already asked for.
    async fn list_pages<T: DeserializeOwned>(&self, operation: Operation, path: &[&str]) -> Result<Vec<T>, SinkError> {
        let mut items = Vec::new();
        let mut query = vec![("per_page".to_owned(), LIST_PAGE.to_string())];
        let mut asked = HashSet::new();
        for _ in 0..MAX_SEARCH_PAGES {
            let pairs: Vec<(&str, &str)> = query.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
            let answer = self.call(operation, path, &pairs, None).await?;
            let mut page: Value = answer.json()?;
            let list = match page.get_mut("data").map(Value::take) {
                Some(Value::Array(list)) => list,
                Some(Value::Null) | None => Vec::new(),
                Some(_) => return Err(answer.unexpected("`data` is not a list")),
            };
            let count = list.len();
            for item in list {
                items.push(serde_json::from_value(item).map_err(|error| answer.unexpected(error.to_string()))?);
            }
            asked.insert(query.clone());
            match next_page(page.get("pages"), &query) {
                Some(next) if count > 0 && !asked.contains(&next) => query = next,
                _ => return Ok(items),
            }
        }
        Ok(items)
    }
}

/// `{type: "list", data: [...]}`, the shape of most list answers.
#[derive(Deserialize)]
struct List<T> {
    #[serde(default = "Vec::new")]
    data: Vec<T>,
}

/// A page of `GET /contacts/{id}/notes`.
#[derive(Deserialize)]
struct NotePage {
    #[serde(default)]
    data: Vec<Note>,
    #[serde(default)]
    pages: Option<PageNumbers>,
}

/// The `pages` object of a page-numbered list.
#[derive(Deserialize)]
struct PageNumbers {
    #[serde(default)]
    total_pages: Option<u64>,
}

/// `{id}`, a reference to another object.
#[derive(Deserialize)]
struct Reference {
    #[serde(deserialize_with = "id")]
    id: String,
}

/// A request struct as JSON (they hold only strings, numbers, booleans and maps).
fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The query of the page after the one asked for with `current`, from the answer's `pages`
/// object; `None` on the last page. `pages.next` wins when present, in any of the forms Intercom
/// uses: a cursor (`{"starting_after": …}`), a page number (`{"page": 2}`), or the next page's URL
/// (only its query is taken: the host is never followed). Without it, `page` counts up to
/// `total_pages`. `per_page` is kept as asked unless the next page names its own.
fn next_page(pages: Option<&Value>, current: &[(String, String)]) -> Option<Vec<(String, String)>> {
    let pages = pages?;
    let per_page = current.iter().find(|(name, _)| name == "per_page").map(|(_, value)| value.clone());
    let with = |mut pairs: Vec<(String, String)>| {
        if let Some(per_page) = &per_page
            && !pairs.iter().any(|(name, _)| name == "per_page")
        {
            pairs.insert(0, ("per_page".to_owned(), per_page.clone()));
        }
        pairs
    };
    let text = |value: &Value| match value {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    };
    match pages.get("next") {
        Some(Value::Object(next)) => {
            if let Some(cursor) = next.get("starting_after").and_then(text) {
                return Some(with(vec![("starting_after".to_owned(), cursor)]));
            }
            if let Some(page) = next.get("page").and_then(text) {
                return Some(with(vec![("page".to_owned(), page)]));
            }
        }
        Some(Value::String(url)) if !url.is_empty() => {
            let base = Url::parse("https://api.intercom.io/").expect("a valid URL");
            let pairs: Vec<(String, String)> = base
                .join(url)
                .ok()?
                .query_pairs()
                .filter(|(name, _)| matches!(name.as_ref(), "page" | "per_page" | "starting_after"))
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect();
            if pairs.iter().any(|(name, _)| name != "per_page") {
                return Some(with(pairs));
            }
        }
        _ => {}
    }
    let asked = current.iter().find(|(name, _)| name == "page").and_then(|(_, page)| page.parse().ok());
    let page = pages.get("page").and_then(Value::as_u64).or(asked).unwrap_or(1);
    let total = pages.get("total_pages").and_then(Value::as_u64)?;
    (page < total).then(|| with(vec![("page".to_owned(), (page + 1).to_string())]))
}

/// A numeric id for a field the API types as an integer; anything else is refused before
/// sending.
fn numeric_id(operation: Operation, what: &str, id: &str) -> Result<i64, SinkError> {
    id.parse::<i64>().map_err(|_| SinkError::Refused {
        operation,
        reason: format!("the article's {what} `{id}` is not a numeric id"),
    })
}

/// A 404 as `None`.
fn found(result: Result<Answer, SinkError>) -> Result<Option<Answer>, SinkError> {
    match result {
        Ok(answer) => Ok(Some(answer)),
        Err(error) if error.is_not_found() => Ok(None),
        Err(error) => Err(error),
    }
}

/// A delete's result: `true` when deleted now, `false` when it was already gone (404).
fn deleted(result: Result<Answer, SinkError>) -> Result<bool, SinkError> {
    found(result).map(|answer| answer.is_some())
}

/// Refuse more attachments than one message can carry.
fn check_attachments(operation: Operation, urls: usize, files: usize) -> Result<(), SinkError> {
    for (count, kind) in [(urls, "attachment URLs"), (files, "attachment files")] {
        if count > MAX_ATTACHMENTS {
            return Err(SinkError::Refused {
                operation,
                reason: format!("{count} {kind}, more than the {MAX_ATTACHMENTS} one message can carry"),
            });
        }
    }
    Ok(())
}

/// The body of a conversation or ticket reply. `contact_files`: whether a contact may attach
/// files (conversations yes, tickets no).
fn reply_body(operation: Operation, reply: &Reply, contact_files: bool) -> Result<Value, SinkError> {
    check_attachments(operation, reply.attachment_urls.len(), reply.attachment_files.len())?;
    let mut request = match &reply.author {
        ReplyAuthor::Admin(admin_id) => {
            let kind = match reply.kind {
                ReplyKind::Comment => "comment",
                ReplyKind::Note => "note",
            };
            json!({"message_type": kind, "type": "admin", "admin_id": admin_id, "body": reply.body})
        }
        ReplyAuthor::Contact(contact_id) => {
            if reply.kind == ReplyKind::Note {
                return Err(SinkError::Refused {
                    operation,
                    reason: "a contact cannot write an internal note; only teammates can".into(),
                });
            }
            if !contact_files && !reply.attachment_files.is_empty() {
                return Err(SinkError::Refused {
                    operation,
                    reason: "a contact's ticket reply can carry attachment URLs only, not files".into(),
                });
            }
            json!({"message_type": "comment", "type": "user", "intercom_user_id": contact_id, "body": reply.body})
        }
    };
    if matches!(reply.author, ReplyAuthor::Admin(_)) && operation == Operation::ReplyConversation {
        request["skip_notifications"] = json!(true);
    }
    if let Some(created_at) = reply.created_at {
        request["created_at"] = json!(created_at);
    }
    if !reply.attachment_urls.is_empty() {
        request["attachment_urls"] = json!(reply.attachment_urls);
    }
    if !reply.attachment_files.is_empty() {
        request["attachment_files"] = json!(reply.attachment_files);
    }
    Ok(request)
}

/// The id of the part a reply just added: the last part with the reply's `created_at` (when it
/// has one) and author, else the last part.
fn newest_part(parts: &[Part], reply: &Reply) -> Option<String> {
    let author = match &reply.author {
        ReplyAuthor::Admin(id) | ReplyAuthor::Contact(id) => id,
    };
    parts
        .iter()
        .rev()
        .find(|part| {
            reply.created_at.is_none_or(|at| part.created_at == Some(at))
                && part.author.as_ref().and_then(|a| a.id.as_deref()).is_none_or(|id| id == author)
        })
        .or(parts.last())
        .map(|part| part.id.clone())
}

/// Text for comparing message bodies: tags removed, the common character entities decoded,
/// whitespace collapsed (Intercom may wrap a plain-text body in `<p>` and escape `&`, `<`, `>`).
/// Both sides of a comparison go through it, so a body matches however the API rendered it.
pub fn plain_text(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let decoded = plain
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// Lenient id reading: Intercom sends ids as strings in some places and numbers in others.

/// A JSON id as text: a string as is, a number in decimal, null as `None`.
fn id_text<E: serde::de::Error>(value: Value) -> Result<Option<String>, E> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text)),
        Value::Number(number) => Ok(Some(number.to_string())),
        other => Err(E::custom(format!("expected an id (text or number), found {other}"))),
    }
}

/// A required id, text or number.
fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    id_text(Value::deserialize(deserializer)?)?.ok_or_else(|| D::Error::custom("the id is null"))
}

/// An id that may be absent or null.
fn optional_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    id_text(Value::deserialize(deserializer)?)
}

/// A list of ids (nulls skipped; a null list is empty).
fn ids<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items.into_iter().filter_map(|item| id_text(item).transpose()).collect(),
        other => Err(D::Error::custom(format!("expected a list of ids, found {other}"))),
    }
}

/// A list of values read as text, like ids (data attribute options may be numbers).
fn strings<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    ids(deserializer)
}

/// The ids of an inline list's `data` (`[{"type": "tag", "id": "7"}]`); null reads as empty.
fn listed_ids<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| match item {
                Value::Object(mut object) => id_text(object.remove("id").unwrap_or(Value::Null)).transpose(),
                other => id_text(other).transpose(),
            })
            .collect(),
        other => Err(D::Error::custom(format!("expected a list, found {other}"))),
    }
}

/// A contact's avatar URL: `{"type": "avatar", "image_url": URL}`, a bare URL, or null.
fn avatar_url<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(url) => Some(url),
        Value::Object(object) => object.get("image_url").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    })
}

/// A company's plan name: `{"type": "plan", "id": …, "name": NAME}`, `{}` (no plan), or text.
fn plan_name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(name) => Some(name),
        Value::Object(object) => object.get("name").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    })
}

/// A JSON object; null reads as empty.
fn object<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Map<String, Value>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(D::Error::custom(format!("expected an object, found {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_operation_at_its_index() {
        for (index, operation) in Operation::ALL.iter().enumerate() {
            assert_eq!(*operation as usize, index, "{operation:?}");
        }
        let names: HashSet<&str> = Operation::ALL.iter().map(|operation| operation.name()).collect();
        assert_eq!(names.len(), Operation::ALL.len(), "names are unique");
    }

    #[test]
    fn creates_that_cannot_be_found_again_are_not_idempotent() {
        let unsafe_to_repeat: Vec<&str> =
            Operation::ALL.iter().filter(|op| !op.is_idempotent()).map(|op| op.name()).collect();
        assert_eq!(
            unsafe_to_repeat,
            [
                "create_contact_unkeyed",
                "add_contact_note",
                "create_conversation_attribute",
                "create_conversation",
                "reply_conversation",
                "create_ticket_type",
                "create_ticket_type_attribute",
                "create_ticket",
                "reply_ticket",
                "create_collection",
                "create_article",
            ]
        );
        // Every GET, PUT and DELETE is safe to repeat.
        for operation in Operation::ALL {
            if operation.method() != Method::POST {
                assert!(operation.is_idempotent(), "{operation}");
            }
        }
    }

    #[test]
    fn contacts_are_keyed_by_email_or_external_id_unless_leads() {
        let user = ContactFields { email: Some("a@example.com".into()), ..ContactFields::default() };
        assert!(user.is_keyed());
        let lead = ContactFields { role: Some(ContactRole::Lead), ..user.clone() };
        assert!(!lead.is_keyed());
        let bare = ContactFields { role: Some(ContactRole::User), ..ContactFields::default() };
        assert!(!bare.is_keyed());
    }

    #[test]
    fn requests_per_ticket_match_the_digest_minimums() {
        // N = 8 messages, k = 2 tags, one assignee, closed: 13 as a conversation, 11 as a ticket.
        assert_eq!(TicketTarget::Conversation.requests_per_ticket(8, 2, true, false, true), 13);
        assert_eq!(TicketTarget::Ticket.requests_per_ticket(8, 2, true, false, true), 11);
        // Unassigned conversation: N + k + 2; admin and team: N + k + 4.
        assert_eq!(TicketTarget::Conversation.requests_per_ticket(8, 2, false, false, true), 12);
        assert_eq!(TicketTarget::Conversation.requests_per_ticket(8, 2, true, true, true), 14);
        // Assignment rides on the ticket create; an open ticket needs no state update.
        assert_eq!(TicketTarget::Ticket.requests_per_ticket(1, 0, true, true, false), 1);
        assert_eq!(TicketTarget::Conversation.requests_per_ticket(1, 0, false, false, false), 2);
    }

    #[test]
    fn lock_types_map_to_attribute_types() {
        use FieldType::*;
        let data: Vec<_> = [Text, Int, Float, Bool, Date, Datetime, Enum, Html, Json]
            .into_iter()
            .map(|field| DataAttributeType::from_lock(field).map(|t| to_json(&t)))
            .collect();
        let expected = ["string", "integer", "float", "boolean", "date", "datetime", "options"];
        assert_eq!(data[..7], expected.map(|name| Some(json!(name))));
        assert_eq!(data[7..], [None, None]);
        let conversation: Vec<_> = [Text, Int, Float, Bool, Datetime, Enum, Date]
            .into_iter()
            .map(|field| ConversationAttributeType::from_lock(field).map(|t| to_json(&t)))
            .collect();
        let expected = ["string", "integer", "decimal", "boolean", "datetime", "list"];
        assert_eq!(conversation[..6], expected.map(|name| Some(json!(name))));
        assert_eq!(conversation[6], None);
    }

    #[test]
    fn search_queries_nest() {
        let query = SearchQuery::And(vec![
            SearchQuery::equals("contact_ids", "abc"),
            SearchQuery::Or(vec![SearchQuery::equals("created_at", 1_700_000_000), SearchQuery::equals("open", true)]),
        ]);
        assert_eq!(
            query.to_json(),
            json!({"operator": "AND", "value": [
                {"field": "contact_ids", "operator": "=", "value": "abc"},
                {"operator": "OR", "value": [
                    {"field": "created_at", "operator": "=", "value": 1_700_000_000},
                    {"field": "open", "operator": "=", "value": true},
                ]},
            ]})
        );
    }

    #[test]
    fn admin_replies_skip_notifications_and_contacts_cannot_write_notes() {
        let mut reply = Reply {
            author: ReplyAuthor::Admin("7".into()),
            kind: ReplyKind::Note,
            body: "<p>internal</p>".into(),
            created_at: Some(1_600_000_000),
            attachment_urls: vec!["https://example.com/a.png".into()],
            attachment_files: Vec::new(),
        };
        assert_eq!(
            reply_body(Operation::ReplyConversation, &reply, true).unwrap(),
            json!({"message_type": "note", "type": "admin", "admin_id": "7", "body": "<p>internal</p>",
                   "created_at": 1_600_000_000, "attachment_urls": ["https://example.com/a.png"],
                   "skip_notifications": true})
        );
        reply.author = ReplyAuthor::Contact("c1".into());
        let error = reply_body(Operation::ReplyConversation, &reply, true).unwrap_err();
        assert!(matches!(error, SinkError::Refused { .. }), "{error:?}");
        reply.kind = ReplyKind::Comment;
        assert_eq!(reply_body(Operation::ReplyConversation, &reply, true).unwrap()["intercom_user_id"], json!("c1"));
        reply.attachment_urls = vec!["https://example.com/a.png".into(); 11];
        let error = reply_body(Operation::ReplyConversation, &reply, true).unwrap_err();
        assert_eq!(
            error.to_string(),
            "reply_conversation was not sent: 11 attachment URLs, more than the 10 one message can carry"
        );
    }

    #[test]
    fn conversations_read_leniently() {
        let conversation: Conversation = serde_json::from_value(json!({
            "type": "conversation", "id": 123, "title": null, "created_at": 1_600_000_000,
            "state": "closed", "open": false, "admin_assignee_id": 0, "team_assignee_id": "5",
            "tags": {"type": "tag.list", "tags": [{"type": "tag", "id": 9, "name": "vip"}]},
            "custom_attributes": {"priority": "high"},
            "source": {"type": "conversation", "id": "m1", "body": "<p>Hello</p>", "author": {"type": "user", "id": "c1"}},
            "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "c1"}]},
            "conversation_parts": {"type": "conversation_part.list", "total_count": 1, "conversation_parts": [
                {"type": "conversation_part", "id": "p1", "part_type": "comment", "body": "Hi",
                 "created_at": 1_600_000_100, "author": {"type": "admin", "id": 7}}]},
        }))
        .unwrap();
        assert_eq!(conversation.id, "123");
        assert_eq!(conversation.admin_assignee_id, None);
        assert_eq!(conversation.team_assignee_id.as_deref(), Some("5"));
        assert_eq!(conversation.tags, [Tag { id: "9".into(), name: "vip".into() }]);
        assert_eq!(conversation.contact_ids, ["c1"]);
        assert_eq!(conversation.parts[0].author.as_ref().unwrap().id.as_deref(), Some("7"));
        assert_eq!(plain_text(conversation.source.unwrap().body.as_deref().unwrap()), "Hello");
    }

    #[test]
    fn page_numbered_lists_follow_next_in_every_form_else_count_pages() {
        let query =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect::<Vec<_>>();
        let first = query(&[("per_page", "50")]);
        // Page numbers only, as the 2.16 examples show them: count up to total_pages.
        let numbered = json!({"type": "pages", "page": 1, "per_page": 50, "total_pages": 3});
        assert_eq!(next_page(Some(&numbered), &first), Some(query(&[("per_page", "50"), ("page", "2")])));
        let last = json!({"type": "pages", "page": 3, "per_page": 50, "total_pages": 3});
        assert_eq!(next_page(Some(&last), &query(&[("per_page", "50"), ("page", "3")])), None);
        // Without `page` in the answer, the page asked for counts.
        let bare = json!({"total_pages": 2});
        assert_eq!(next_page(Some(&bare), &query(&[("per_page", "50"), ("page", "2")])), None);
        assert_eq!(next_page(Some(&bare), &first), Some(query(&[("per_page", "50"), ("page", "2")])));
        // A cursor wins over the page count.
        let cursor = json!({"page": 1, "total_pages": 1, "next": {"per_page": 50, "starting_after": "WzE3XQ=="}});
        assert_eq!(
            next_page(Some(&cursor), &first),
            Some(query(&[("per_page", "50"), ("starting_after", "WzE3XQ==")]))
        );
        let page = json!({"next": {"page": 4}});
        assert_eq!(next_page(Some(&page), &first), Some(query(&[("per_page", "50"), ("page", "4")])));
        // A URL: only its query is taken, never its host.
        let url = json!({"page": 1, "next": "https://elsewhere.example/articles?page=2&per_page=25&x=1"});
        assert_eq!(next_page(Some(&url), &first), Some(query(&[("page", "2"), ("per_page", "25")])));
        let relative = json!({"next": "/articles?starting_after=abc%3D"});
        assert_eq!(next_page(Some(&relative), &first), Some(query(&[("per_page", "50"), ("starting_after", "abc=")])));
        // No pages object, or a null next on the last page: done.
        assert_eq!(next_page(None, &first), None);
        assert_eq!(next_page(Some(&json!({"next": null, "page": 2, "total_pages": 2})), &first), None);
    }

    #[test]
    fn articles_read_leniently_and_know_their_collections() {
        let article: Article = serde_json::from_value(json!({
            "id": "45", "type": "article", "title": "Fire safety", "description": "", "body": null,
            "author_id": 991_267_502, "state": "published", "parent_ids": [18, "19"], "updated_at": 1_734_537_292,
        }))
        .unwrap();
        assert_eq!(article.author_id.as_deref(), Some("991267502"));
        assert!(article.is_in("18") && article.is_in("19") && !article.is_in("20"));
        // Where the answer names the direct parent, that is the one it is in.
        let direct: Article =
            serde_json::from_value(json!({"id": 46, "parent_id": 19, "parent_ids": [19, 18]})).unwrap();
        assert!(direct.is_in("19") && !direct.is_in("18"));
        let alone: Article = serde_json::from_value(json!({"id": 47, "parent_ids": null})).unwrap();
        assert!(alone.parent_ids.is_empty() && !alone.is_in("18"));
        let collection: Collection =
            serde_json::from_value(json!({"id": "160", "name": "Section", "description": null, "parent_id": 159}))
                .unwrap();
        assert_eq!(collection.parent_id.as_deref(), Some("159"));
    }

    #[test]
    fn ticket_types_accept_both_attribute_list_shapes() {
        for key in ["data", "ticket_type_attributes"] {
            let ticket_type: TicketType = serde_json::from_value(json!({
                "id": "88", "name": "Bug", "category": "Customer",
                "ticket_type_attributes": {"type": "list", key: [{"id": 1, "name": "_default_title_", "data_type": "string"}]},
                "ticket_states": {"type": "list", "data": [{"id": "8481", "category": "submitted"}]},
            }))
            .unwrap();
            assert_eq!(ticket_type.attributes[0].name, "_default_title_");
            assert_eq!(ticket_type.states[0].category.as_deref(), Some("submitted"));
        }
    }

    #[test]
    fn the_newest_part_is_found_by_time_and_author() {
        let part = |id: &str, at: i64, author: &str| Part {
            id: id.into(),
            part_type: Some("comment".into()),
            body: None,
            created_at: Some(at),
            author: Some(Author { kind: Some("admin".into()), id: Some(author.into()) }),
            attachments: Vec::new(),
        };
        let parts = [part("p1", 10, "7"), part("p2", 20, "7"), part("p3", 5, "8")];
        let reply = Reply {
            author: ReplyAuthor::Admin("7".into()),
            kind: ReplyKind::Comment,
            body: String::new(),
            created_at: Some(20),
            attachment_urls: Vec::new(),
            attachment_files: Vec::new(),
        };
        assert_eq!(newest_part(&parts, &reply).as_deref(), Some("p2"));
        assert_eq!(newest_part(&parts, &Reply { created_at: None, ..reply }).as_deref(), Some("p2"));
    }
}
