//! [`IntercomDestination`]: the runner's [`Destination`] over a connected [`IntercomSink`].
//!
//! # Kinds
//!
//! | kind | create | find (after an ambiguous create) | complete | delete |
//! | --- | --- | --- | --- | --- |
//! | `contact` | `POST /contacts`, then companies and tags | external id, then search by external id and email | `PUT`, companies, tags | `DELETE` (refused while it has conversations) |
//! | `company` | upsert by `company_id` (an existing one is matched) | `company_id` | upsert | `DELETE` (archives) |
//! | `conversation` | contact-initiated create, then tags, title and attributes, assignment, state | the contact's conversations created at `created_at` with the same first message | the follow-ups that differ | `DELETE` |
//! | `conversation_part` | reply (comment or note), backdated | the parent's parts by author, time and body | — (parts cannot be edited) | impossible alone |
//! | `note` | contact note, then its custom attributes on the contact (`PUT`) | the contact's notes by body | the contact's attributes again | impossible |
//! | `tag` | find-or-create by name | name | — | `DELETE` |
//! | `help_center_collection` | `POST /help_center/collections` in the default help center; `parent` makes it a section | the listed collections by name, parent and description | `PUT` what differs | `DELETE` (refused while it holds sections or articles) |
//! | `article` | `POST /articles`, in its collection or section; the token's own admin is the author when none is mapped | the listed articles by title, parent, author, body and description | `PUT` what differs | `DELETE` |
//! | `custom_object_instance` | upsert by `external_id` into the type `type` names (an existing one is matched) | `GET` by type and external id | upsert | `DELETE` by type and external id |
//! | `admin`, `team` | matched only, by email / name | | | |
//!
//! Tickets and ticket parts are [`WriteMode::Unsupported`]: see
//! [`IntercomDestination::capability`] for why.
//!
//! # Custom object instances
//!
//! A record names its custom object type in the field `type` (`type: "'Change'"`), its key in
//! `external_id`, and its attributes as `custom_attributes.NAME`, sent as text (the API takes
//! string values only). Its destination id is `TYPE:EXTERNAL_ID` (`Change:CH-0042`): every 2.16
//! instance endpoint addresses an instance by type and external id, and `updated_at` and
//! `delete` are given nothing but the id. The create is an upsert, so a resent one cannot make a
//! second instance; when no attempt was answered, `find` reads the external id back. Intercom
//! links instances to contacts and conversations only (a relationship attribute on them), not to
//! each other through this API, so an instance refers to another (an asset's parent) by a custom
//! attribute holding the other's external id. Types and their attributes are defined in Intercom's
//! settings only: the runner asks [`Destination::missing_object_types`] before writing, and an
//! instance of a type that is missing anyway is refused with what to do.
//!
//! # Help center content
//!
//! Collections and articles have no key Intercom keeps unique, so an unclear create is settled
//! by listing them all (`GET /help_center/collections`, `GET /articles`) and looking for the one
//! the create would have made: same name (title) and parent, and the same description, body and
//! author where the record has them, so an article someone else wrote under the same title is
//! not claimed. One this destination already tied to a record (created, found or completed
//! since it connected) is skipped, so two records alike never share one; when several are left,
//! `find` refuses rather than guess. A rollback deletes newest first, so an article
//! goes before its section and a section before its collection; a collection that still holds
//! anything is not deleted (see [`Client::delete_collection`]).
//!
//! # Exactly once
//!
//! The client never sends a create again once it may have been applied; it returns
//! [`SinkError::Ambiguous`], which becomes [`WriteError::Ambiguous`] here, and the runner settles
//! it with [`Destination::find`]. Follow-up calls after a create (tags, `PUT`, assignment, state,
//! companies) are idempotent: when one fails the record is reported
//! [`WriteError::Incomplete`] with its id, and [`Destination::complete`] finishes it. `complete`
//! reads the record first and only sends what differs, so calling it twice adds nothing to a
//! conversation's timeline. Fields the mapping left out (null) are left as they are in Intercom:
//! `complete` never clears a title, unassigns, or removes a tag someone added.
//!
//! # Search lag
//!
//! Intercom's search lags behind writes (a new contact can take minutes to show up; the sandbox
//! models it as `search_lag` requests). A `find` that finds nothing through a search therefore
//! tries again a few times with a pause ([`IntercomDestination::with_search_patience`]) before
//! answering `None`, because `None` tells the runner to create the record again: a premature
//! `None` is a duplicate. Direct lookups (`find_by_external_id`, `company_id`, a conversation's
//! parts, a contact's notes) do not lag and are not repeated.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value as Json};

use super::comparison::Comparison;
use super::operations::{
    Article, ArticleDraft, ArticleUpdate, Assignee, AttachmentFile, AttributeDraft, AttributeModel, Collection,
    CollectionDraft, CompanyFields, ContactFields, ContactRole, Conversation, ConversationAttributeType,
    ConversationUpdate, CustomObjectFields, CustomObjectInstance, DataAttributeDraft, DataAttributeType,
    NewConversation, Part, Reply, ReplyAuthor, ReplyKind, plain_text,
};
use super::record_fields::RecordFields;
use super::{Client, ClientConfig, IntercomSink, SinkError};
use crate::check::NewAttribute;
use crate::drivers::{Capability, Deletion, Destination, Mismatch, Outgoing, WriteError, WriteMode, Written};

/// How long before our own first attempt a contact must have been created to count as one that
/// existed before the call, when a retried create ran into it (clocks of two machines differ).
const CLOCK_MARGIN: i64 = 300;

/// The Intercom destination: typed operations on a connected workspace, with the state the
/// exactly-once protocol needs (contact roles, attribute types, search patience).
#[derive(Debug)]
pub struct IntercomDestination {
    sink: IntercomSink,
    /// Roles of contacts created or read (a conversation's `from.type` needs it).
    roles: Mutex<HashMap<String, ContactRole>>,
    /// Custom attribute types by kind (`contact`, `company`, `conversation`) and name, loaded
    /// once per kind.
    attribute_types: tokio::sync::Mutex<HashMap<String, HashMap<String, String>>>,
    /// The parents of help center collections written or read (`None`: top level), to tell a
    /// section from a collection when an article goes in one.
    collection_parents: Mutex<HashMap<String, Option<String>>>,
    /// Collections and articles tied to a record by this destination (created, found or
    /// completed), by kind and id: an unclear create is never settled to one of them.
    claimed: Mutex<HashSet<(&'static str, String)>>,
    search_attempts: u32,
    search_pause: Duration,
}

/// A help center collection record, read and checked before any request.
struct CollectionPlan {
    name: String,
    description: Option<String>,
    parent: Option<String>,
}

/// An article record, read and checked before any request.
struct ArticlePlan {
    title: String,
    /// The mapped author; `None`: the token's own admin.
    author: Option<String>,
    description: Option<String>,
    body: Option<String>,
    /// `Some(true)`: published, `Some(false)`: draft, `None`: not mapped (created as a draft).
    published: Option<bool>,
    parent: Option<String>,
}

/// A conversation record, read and checked before any request.
struct ConversationPlan {
    contact_id: String,
    body: String,
    created_at: Option<i64>,
    attachment_urls: Vec<String>,
    title: Option<String>,
    custom_attributes: Map<String, Json>,
    company_id: Option<String>,
    admin_assignee: Option<String>,
    team_assignee: Option<String>,
    state: Option<TargetState>,
    tags: Vec<String>,
}

/// The state a conversation should end in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TargetState {
    Open,
    Closed,
    Snoozed(i64),
}

/// A custom object instance record, read and checked before any request.
struct InstancePlan {
    /// The custom object type's identifier (`Change`).
    object_type: String,
    fields: CustomObjectFields,
}

/// A contact record, read and checked before any request.
struct ContactPlan {
    fields: ContactFields,
    companies: Vec<String>,
    tags: Vec<String>,
}

impl IntercomDestination {
    /// A destination over a connected workspace. A search that finds nothing is tried 5 times,
    /// a second apart, before `find` answers `None`.
    pub fn new(sink: IntercomSink) -> Self {
        Self {
            sink,
            roles: Mutex::new(HashMap::new()),
            attribute_types: tokio::sync::Mutex::new(HashMap::new()),
            collection_parents: Mutex::new(HashMap::new()),
            claimed: Mutex::new(HashSet::new()),
            search_attempts: 5,
            search_pause: Duration::from_secs(1),
        }
    }

    /// Connect to the workspace `config` names (`GET /me`, `/admins`, `/teams`, `/tags`).
    pub async fn connect(config: ClientConfig) -> Result<Self, WriteError> {
        let client = Client::new(config).map_err(write_error)?;
        Ok(Self::new(IntercomSink::connect(client).await.map_err(write_error)?))
    }

    /// How often (`attempts`, at least 1) and how far apart a search that finds nothing is tried
    /// before `find` concludes the record does not exist (see the module doc on search lag).
    pub fn with_search_patience(mut self, attempts: u32, pause: Duration) -> Self {
        self.search_attempts = attempts.max(1);
        self.search_pause = pause;
        self
    }

    /// The connected workspace.
    pub fn sink(&self) -> &IntercomSink {
        &self.sink
    }

    fn client(&self) -> &Client {
        self.sink.client()
    }

    fn me(&self) -> &str {
        &self.sink.me().id
    }

    fn remember_role(&self, contact_id: &str, role: Option<&str>) {
        let role = match role {
            Some("lead") => ContactRole::Lead,
            _ => ContactRole::User,
        };
        self.roles.lock().unwrap_or_else(PoisonError::into_inner).insert(contact_id.to_owned(), role);
    }

    /// The contact's role: remembered, or read with `GET /contacts/{id}`.
    async fn role_of(&self, contact_id: &str) -> Result<ContactRole, WriteError> {
        if let Some(role) = self.roles.lock().unwrap_or_else(PoisonError::into_inner).get(contact_id) {
            return Ok(*role);
        }
        let contact = self.client().get_contact(contact_id).await.map_err(write_error)?.ok_or_else(|| {
            WriteError::Rejected(format!(
                "the contact {contact_id} the conversation is from does not exist in Intercom (deleted or merged?); \
                 migrate the contact again or drop the conversation"
            ))
        })?;
        self.remember_role(contact_id, contact.role.as_deref());
        Ok(if contact.role.as_deref() == Some("lead") { ContactRole::Lead } else { ContactRole::User })
    }

    /// Run `search` until it finds something or the patience is used up.
    async fn patiently<T, F, Fut>(&self, mut search: F) -> Result<Option<T>, WriteError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>, WriteError>>,
    {
        for attempt in 0..self.search_attempts {
            if attempt > 0 {
                tokio::time::sleep(self.search_pause).await;
            }
            if let Some(found) = search().await? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    // --- Custom attributes ---------------------------------------------------------------------

    /// The types of `kind`'s custom attributes, listed on first use.
    async fn attribute_types(&self, kind: &str) -> Result<HashMap<String, String>, WriteError> {
        let mut cache = self.attribute_types.lock().await;
        if let Some(types) = cache.get(kind) {
            return Ok(types.clone());
        }
        let types: HashMap<String, String> = match kind {
            "contact" | "company" => {
                let model = if kind == "contact" { AttributeModel::Contact } else { AttributeModel::Company };
                self.client()
                    .list_data_attributes(model)
                    .await
                    .map_err(write_error)?
                    .into_iter()
                    .filter(|attribute| !attribute.archived)
                    .map(|attribute| (attribute.name, attribute.data_type.unwrap_or_default()))
                    .collect()
            }
            "conversation" => self
                .client()
                .list_conversation_attributes()
                .await
                .map_err(write_error)?
                .into_iter()
                .filter(|attribute| !attribute.archived)
                .map(|attribute| (attribute.name, attribute.data_type.unwrap_or_default()))
                .collect(),
            _ => HashMap::new(),
        };
        cache.insert(kind.to_owned(), types.clone());
        Ok(types)
    }

    /// A record's custom attributes as Intercom takes them: times as Unix seconds for `date` and
    /// `datetime` attributes, everything else as mapped.
    async fn custom_attributes(&self, record: &RecordFields<'_>, kind: &str) -> Result<Map<String, Json>, WriteError> {
        let attributes = record.custom_attributes();
        if attributes.is_empty() {
            return Ok(Map::new());
        }
        let types = self.attribute_types(kind).await?;
        let mut map = Map::new();
        for (name, value) in attributes {
            let value = if is_time_type(types.get(name)) {
                Json::from(record.time(&format!("custom_attributes.{name}"))?)
            } else {
                value.clone()
            };
            map.insert(name.to_owned(), value);
        }
        Ok(map)
    }

    /// Compare the record's custom attributes with `actual`.
    async fn compare_attributes(
        &self,
        comparison: &mut Comparison,
        record: &RecordFields<'_>,
        kind: &str,
        actual: &Map<String, Json>,
    ) -> Result<(), WriteError> {
        let attributes = record.custom_attributes();
        if attributes.is_empty() {
            return Ok(());
        }
        let types = self.attribute_types(kind).await?;
        for (name, expected) in attributes {
            let field = format!("custom_attributes.{name}");
            comparison.attribute(&field, expected, actual.get(name), is_time_type(types.get(name)));
        }
        Ok(())
    }

    // --- Contacts ------------------------------------------------------------------------------

    async fn contact_plan(&self, record: &Outgoing) -> Result<ContactPlan, WriteError> {
        let fields = RecordFields::new(&record.kind, &record.fields);
        let role = match fields.text("role")?.as_deref() {
            None => None,
            Some("user") => Some(ContactRole::User),
            Some("lead") => Some(ContactRole::Lead),
            Some(other) => return Err(fields.invalid("role", "`user` or `lead`", &Json::from(other))),
        };
        let contact = ContactFields {
            role,
            external_id: fields.text("external_id")?,
            email: fields.text("email")?,
            phone: fields.text("phone")?,
            name: fields.text("name")?,
            avatar: fields.text("avatar")?,
            signed_up_at: fields.time("signed_up_at")?,
            last_seen_at: fields.time("last_seen_at")?,
            owner_id: fields.reference_to("owner", "admin")?.map(|owner| owner.id),
            unsubscribed_from_emails: fields.bool("unsubscribed_from_emails")?,
            custom_attributes: self.custom_attributes(&fields, "contact").await?,
        };
        let companies = fields.references("companies")?.into_iter().map(|company| company.id).collect();
        Ok(ContactPlan { fields: contact, companies, tags: fields.texts("tags")? })
    }

    async fn create_contact(&self, record: &Outgoing) -> Result<Written, WriteError> {
        let plan = self.contact_plan(record).await?;
        if plan.fields.role.is_none() && plan.fields.email.is_none() && plan.fields.external_id.is_none() {
            return Err(WriteError::Rejected(
                "contact has none of `email`, `external_id` and `role`; Intercom needs at least one of them".into(),
            ));
        }
        let started = unix_now();
        let (id, updated_at) = match self.client().create_contact(&plan.fields).await {
            Ok(contact) => {
                self.remember_role(&contact.id, contact.role.as_deref());
                (contact.id, contact.updated_at)
            }
            Err(SinkError::Conflict { existing_id, after_unclear_attempt, .. }) => {
                let existing = self.client().get_contact(&existing_id).await.map_err(write_error)?;
                let existing = existing.ok_or_else(|| {
                    WriteError::Unavailable(format!(
                        "Intercom reported contact {existing_id} as a duplicate but cannot read it; try again later"
                    ))
                })?;
                self.remember_role(&existing.id, existing.role.as_deref());
                // A 409 after an attempt that may have been applied is usually our own contact.
                // A contact created well before this call is someone else's all the same.
                let ours = after_unclear_attempt
                    && existing.created_at.is_none_or(|created| created >= started - CLOCK_MARGIN);
                if !ours {
                    // Matched, not created: left exactly as it is, and never deleted by rollback.
                    return Ok(Written { id: existing.id, updated_at: existing.updated_at, existed: true });
                }
                (existing.id, existing.updated_at)
            }
            Err(error) => return Err(write_error(error)),
        };
        if plan.companies.is_empty() && plan.tags.is_empty() {
            return Ok(Written { id, updated_at, existed: false });
        }
        match self.contact_follow_ups(&id, &plan).await {
            Ok(updated_at) => Ok(Written { id, updated_at, existed: false }),
            Err(error) => Err(WriteError::Incomplete { id, message: error.to_string() }),
        }
    }

    /// Attach companies and apply tags; returns the contact's `updated_at` afterwards.
    async fn contact_follow_ups(&self, id: &str, plan: &ContactPlan) -> Result<Option<i64>, SinkError> {
        for company in &plan.companies {
            self.client().attach_company(id, company).await?;
        }
        for name in &plan.tags {
            let tag = self.sink.tag(name).await?;
            self.client().tag_contact(id, &tag.id).await?;
        }
        // Attaching a company changes `updated_at`; read it after our last write.
        Ok(self.client().get_contact(id).await?.and_then(|contact| contact.updated_at))
    }

    async fn complete_contact(&self, id: &str, record: &Outgoing) -> Result<Written, WriteError> {
        let plan = self.contact_plan(record).await?;
        let updated =
            self.client().update_contact(id, &plan.fields).await.map_err(|error| gone(error, "contact", id))?;
        self.remember_role(id, updated.role.as_deref());
        let updated_at = if plan.companies.is_empty() && plan.tags.is_empty() {
            updated.updated_at
        } else {
            self.contact_follow_ups(id, &plan).await.map_err(write_error)?
        };
        Ok(Written { id: id.to_owned(), updated_at, existed: false })
    }

    async fn find_contact(&self, record: &Outgoing) -> Result<Option<String>, WriteError> {
        let plan = self.contact_plan(record).await?;
        let fields = &plan.fields;
        if fields.email.is_none() && fields.external_id.is_none() {
            return Err(WriteError::Rejected(
                "a contact with neither `email` nor `external_id` cannot be looked up, so an unclear create cannot \
                 be settled; check Intercom by hand, then mark the record created or failed"
                    .into(),
            ));
        }
        if let Some(external_id) = &fields.external_id
            && let Some(contact) = self.client().find_contact_by_external_id(external_id).await.map_err(write_error)?
        {
            self.remember_role(&contact.id, contact.role.as_deref());
            return Ok(Some(contact.id));
        }
        let role = fields.role.map(|role| if role == ContactRole::Lead { "lead" } else { "user" });
        self.patiently(|| async {
            let mut candidates = Vec::new();
            if let Some(external_id) = &fields.external_id {
                candidates = self.client().search_contacts_by_external_id(external_id).await.map_err(write_error)?;
            }
            if candidates.is_empty()
                && let Some(email) = &fields.email
            {
                candidates = self.client().search_contacts_by_email(email).await.map_err(write_error)?;
                // Leads share emails: keep the ones that look like this record.
                candidates.retain(|contact| {
                    role.is_none_or(|role| contact.role.as_deref() == Some(role))
                        && fields.name.as_ref().is_none_or(|name| contact.name.as_ref() == Some(name))
                });
            }
            Ok(candidates.into_iter().next().map(|contact| {
                self.remember_role(&contact.id, contact.role.as_deref());
                contact.id
            }))
        })
        .await
    }

    /// Compared: every field the record carries that the contact object returns (role, external
    /// id, email case-insensitively, phone, name, avatar, signed up and last seen times, owner,
    /// unsubscribed flag, custom attributes), companies as an id set and tags as a name set when
    /// the contact lists all of them (it lists 10 inline).
    async fn verify_contact(&self, id: &str, record: &Outgoing) -> Result<Vec<Mismatch>, WriteError> {
        let Some(contact) = self.client().get_contact(id).await.map_err(write_error)? else {
            return Ok(Comparison::missing(id));
        };
        let plan = self.contact_plan(record).await?;
        let expected = &plan.fields;
        let fields = RecordFields::new(&record.kind, &record.fields);
        let mut comparison = Comparison::new();
        if let Some(role) = expected.role {
            let role = if role == ContactRole::Lead { "lead" } else { "user" };
            comparison.text("role", Some(role), contact.role.as_deref());
        }
        let texts = [
            ("external_id", &expected.external_id, &contact.external_id),
            ("phone", &expected.phone, &contact.phone),
            ("name", &expected.name, &contact.name),
            ("avatar", &expected.avatar, &contact.avatar),
        ];
        for (field, expected, actual) in texts {
            if expected.is_some() {
                comparison.text(field, expected.as_deref(), actual.as_deref());
            }
        }
        if expected.email.is_some() {
            comparison.text_ignoring_case("email", expected.email.as_deref(), contact.email.as_deref());
        }
        if expected.signed_up_at.is_some() {
            comparison.time("signed_up_at", expected.signed_up_at, contact.signed_up_at);
        }
        if expected.last_seen_at.is_some() {
            comparison.time("last_seen_at", expected.last_seen_at, contact.last_seen_at);
        }
        if expected.owner_id.is_some() {
            comparison.text("owner", expected.owner_id.as_deref(), contact.owner_id.as_deref());
        }
        if let Some(flag) = expected.unsubscribed_from_emails {
            comparison.values("unsubscribed_from_emails", flag.into(), contact.unsubscribed_from_emails.into());
        }
        self.compare_attributes(&mut comparison, &fields, "contact", &contact.custom_attributes).await?;
        if !plan.companies.is_empty()
            && let Some(companies) = contact.companies.as_ref().filter(|listed| listed.is_complete())
        {
            comparison.id_set("companies", &plan.companies, &companies.ids);
        }
        if !plan.tags.is_empty()
            && let Some(tags) = contact.tags.as_ref().filter(|listed| listed.is_complete())
        {
            let names = self.tag_names(&tags.ids).await?;
            comparison.tag_names("tags", &plan.tags, &names);
        }
        Ok(comparison.finish())
    }

    /// The names of these tag ids (one `GET /tags`).
    async fn tag_names(&self, ids: &[String]) -> Result<Vec<String>, WriteError> {
        let tags = self.client().list_tags().await.map_err(write_error)?;
        Ok(ids.iter().filter_map(|id| tags.iter().find(|tag| &tag.id == id).map(|tag| tag.name.clone())).collect())
    }

    // --- Companies -----------------------------------------------------------------------------

    async fn company_fields(&self, record: &Outgoing) -> Result<CompanyFields, WriteError> {
        let fields = RecordFields::new(&record.kind, &record.fields);
        Ok(CompanyFields {
            company_id: fields.required_text("company_id", "it is the key Intercom upserts companies by")?,
            name: fields.text("name")?,
            plan: fields.text("plan")?,
            size: fields.int("size")?,
            website: fields.text("website")?,
            industry: fields.text("industry")?,
            monthly_spend: fields.int("monthly_spend")?,
            remote_created_at: fields.time("remote_created_at")?,
            custom_attributes: self.custom_attributes(&fields, "company").await?,
        })
    }

    async fn create_company(&self, record: &Outgoing) -> Result<Written, WriteError> {
        let fields = self.company_fields(record).await?;
        // The create is an upsert: look first, so a company that was there is matched (and left
        // alone by rollback) rather than silently overwritten and claimed.
        if let Some(existing) = self.client().find_company(&fields.company_id).await.map_err(write_error)? {
            let updated_at = self.company_updated_at(&existing.id).await?;
            return Ok(Written { id: existing.id, updated_at, existed: true });
        }
        let company = self.client().upsert_company(&fields).await.map_err(write_error)?;
        Ok(Written { id: company.id, updated_at: company.updated_at, existed: false })
    }

    async fn complete_company(&self, id: &str, record: &Outgoing) -> Result<Written, WriteError> {
        let fields = self.company_fields(record).await?;
        let current =
            self.client().get_company(id).await.map_err(write_error)?.ok_or_else(|| no_longer("company", id))?;
        if current.company_id.as_deref() != Some(fields.company_id.as_str()) {
            return Err(WriteError::Rejected(format!(
                "company {id} has company_id {:?} in Intercom but the record says {:?}; Intercom cannot change a \
                 company_id, so fix the mapping or migrate it as a new company",
                current.company_id.unwrap_or_default(),
                fields.company_id
            )));
        }
        let company = self.client().upsert_company(&fields).await.map_err(write_error)?;
        Ok(Written { id: company.id, updated_at: company.updated_at, existed: false })
    }

    async fn company_updated_at(&self, id: &str) -> Result<Option<i64>, WriteError> {
        let company =
            self.client().get_company(id).await.map_err(write_error)?.ok_or_else(|| no_longer("company", id))?;
        Ok(company.updated_at)
    }

    /// Compared: company id, name, plan, size, website, industry, monthly spend, remote created
    /// time and custom attributes, where the record carries them.
    async fn verify_company(&self, id: &str, record: &Outgoing) -> Result<Vec<Mismatch>, WriteError> {
        let Some(company) = self.client().get_company(id).await.map_err(write_error)? else {
            return Ok(Comparison::missing(id));
        };
        let expected = self.company_fields(record).await?;
        let mut comparison = Comparison::new();
        comparison.text("company_id", Some(&expected.company_id), company.company_id.as_deref());
        for (field, expected, actual) in [
            ("name", &expected.name, &company.name),
            ("plan", &expected.plan, &company.plan),
            ("website", &expected.website, &company.website),
            ("industry", &expected.industry, &company.industry),
        ] {
            if expected.is_some() {
                comparison.text(field, expected.as_deref(), actual.as_deref());
            }
        }
        for (field, expected, actual) in [
            ("size", expected.size, company.size),
            ("monthly_spend", expected.monthly_spend, company.monthly_spend),
            ("remote_created_at", expected.remote_created_at, company.remote_created_at),
        ] {
            if expected.is_some() {
                comparison.time(field, expected, actual);
            }
        }
        let fields = RecordFields::new(&record.kind, &record.fields);
        self.compare_attributes(&mut comparison, &fields, "company", &company.custom_attributes).await?;
        Ok(comparison.finish())
    }

    // --- Tags ----------------------------------------------------------------------------------

    async fn create_tag(&self, record: &Outgoing) -> Result<Written, WriteError> {
        let name = RecordFields::new(&record.kind, &record.fields).required_text("name", "a tag is its name")?;
        if let Some(id) = self.find_tag_named(&name).await? {
            return Ok(Written { id, updated_at: None, existed: true });
        }
        let tag = self.sink.tag(&name).await.map_err(write_error)?;
        Ok(Written { id: tag.id, updated_at: None, existed: false })
    }

    async fn find_tag_named(&self, name: &str) -> Result<Option<String>, WriteError> {
        let folded = name.trim().to_lowercase();
        let tags = self.client().list_tags().await.map_err(write_error)?;
        Ok(tags.into_iter().find(|tag| tag.name.trim().to_lowercase() == folded).map(|tag| tag.id))
    }

    async fn tag_name(&self, id: &str) -> Result<Option<String>, WriteError> {
        let tags = self.client().list_tags().await.map_err(write_error)?;
        Ok(tags.into_iter().find(|tag| tag.id == id).map(|tag| tag.name))
    }

    // --- Notes ---------------------------------------------------------------------------------

    /// `(contact id, body, author admin id)` of a note record; the contact is the `contact` field
    /// or, failing that, the record's parent.
    fn note_parts(record: &Outgoing) -> Result<(String, String, Option<String>), WriteError> {
        let fields = RecordFields::new(&record.kind, &record.fields);
        let contact = match fields.reference_to("contact", "contact")? {
            Some(contact) => contact.id,
            None => record.parent.clone().ok_or_else(|| fields.missing("contact", "a note belongs to a contact"))?,
        };
        let body = fields.required_text("body", "Intercom refuses an empty note")?;
        let author = fields.reference_to("author", "admin")?.map(|author| author.id);
        Ok((contact, body, author))
    }

    /// Set a note's custom attributes, which are its contact's data attributes, on the contact
    /// (only the attributes given change). A contact's notes are written oldest first, so the
    /// latest note's values are the ones that stay.
    async fn apply_note_attributes(&self, contact: &str, record: &Outgoing) -> Result<(), WriteError> {
        let fields = RecordFields::new(&record.kind, &record.fields);
        let attributes = self.custom_attributes(&fields, "contact").await?;
        if attributes.is_empty() {
            return Ok(());
        }
        let update = ContactFields { custom_attributes: attributes, ..ContactFields::default() };
        self.client().update_contact(contact, &update).await.map_err(|error| gone(error, "contact", contact))?;
        Ok(())
    }

    async fn create_note(&self, record: &Outgoing) -> Result<Written, WriteError> {
        let (contact, body, author) = Self::note_parts(record)?;
        let id = self.client().add_contact_note(&contact, &body, author.as_deref()).await.map_err(write_error)?;
        match self.apply_note_attributes(&contact, record).await {
            Ok(()) => Ok(Written { id, updated_at: None, existed: false }),
            Err(error) => Err(WriteError::Incomplete {
                id,
                message: format!("the note is written, its contact's attributes are not: {error}"),
            }),
        }
    }

    /// Compared: body (as rendered), author, and the custom attributes the note sets on its
    /// contact. Notes have no other readable field.
    async fn verify_note(&self, id: &str, record: &Outgoing) -> Result<Vec<Mismatch>, WriteError> {
        let (contact, body, author) = Self::note_parts(record)?;
        let notes = match self.client().list_contact_notes(&contact).await {
            Ok(notes) => notes,
            Err(error) if error.is_not_found() => return Ok(Comparison::missing(id)),
            Err(error) => return Err(write_error(error)),
        };
        let Some(note) = notes.into_iter().find(|note| note.id == id) else {
            return Ok(Comparison::missing(id));
        };
        let mut comparison = Comparison::new();
        comparison.body("body", Some(&body), note.body.as_deref());
        if author.is_some() {
            let actual = note.author.as_ref().and_then(|author| author.id.as_deref());
            comparison.text("author", author.as_deref(), actual);
        }
        let fields = RecordFields::new(&record.kind, &record.fields);
        if !fields.custom_attributes().is_empty() {
            let Some(owner) = self.client().get_contact(&contact).await.map_err(write_error)? else {
                return Ok(Comparison::missing(&contact));
            };
            self.compare_attributes(&mut comparison, &fields, "contact", &owner.custom_attributes).await?;
        }
        Ok(comparison.finish())
    }

    async fn find_note(&self, record: &Outgoing) -> Result<Option<String>, WriteError> {
        let (contact, body, author) = Self::note_parts(record)?;
        let notes = match self.client().list_contact_notes(&contact).await {
            Ok(notes) => notes,
            Err(error) if error.is_not_found() => return Ok(None),
            Err(error) => return Err(write_error(error)),
        };
        let body = plain_text(&body);
        // Newest first: an unclear create is the latest note with this text.
        Ok(notes
            .into_iter()
            .find(|note| {
                note.body.as_deref().map(plain_text).as_deref() == Some(body.as_str())
                    && author.as_ref().is_none_or(|author| {
                        note.author.as_ref().and_then(|a| a.id.as_ref()).is_none_or(|id| id == author)
                    })
            })
            .map(|note| note.id))
    }

    // --- Conversations -------------------------------------------------------------------------

    async fn conversation_plan(&self, record: &Outgoing) -> Result<ConversationPlan, WriteError> {
        let fields = RecordFields::new(&record.kind, &record.fields);
        let contact_id = fields
            .reference_to("from", "contact")?
            .ok_or_else(|| fields.missing("from", "Intercom conversations are opened by a contact"))?
            .id;
        let body = fields.required_text("body", "Intercom needs the first message's text")?;
        let state = match fields.text("state")?.as_deref() {
            None => None,
            Some("open") => Some(TargetState::Open),
            Some("closed") => Some(TargetState::Closed),
            Some("snoozed") => match fields.time("snoozed_until")? {
                Some(until) => Some(TargetState::Snoozed(until)),
                None => return Err(fields.missing("snoozed_until", "the state is `snoozed`")),
            },
            Some(other) => return Err(fields.invalid("state", "`open`, `closed` or `snoozed`", &Json::from(other))),
        };
        let mut attachment_urls = Vec::new();
        for item in fields.list("attachments") {
            match attachment_url(item) {
                Some(url) => attachment_urls.push(url),
                None => {
                    return Err(fields.invalid(
                        "attachments",
                        "image URLs (a conversation's first message cannot carry files)",
                        item,
                    ));
                }
            }
        }
        Ok(ConversationPlan {
            contact_id,
            body,
            created_at: fields.time("created_at")?,
            attachment_urls,
            title: fields.text("title")?,
            custom_attributes: self.custom_attributes(&fields, "conversation").await?,
            company_id: fields.reference_to("company", "company")?.map(|company| company.id),
            admin_assignee: fields.reference_to("admin_assignee", "admin")?.map(|admin| admin.id),
            team_assignee: fields.reference_to("team_assignee", "team")?.map(|team| team.id),
            state,
            tags: fields.texts("tags")?,
        })
    }

    fn new_conversation(plan: &ConversationPlan, role: ContactRole) -> NewConversation {
        NewConversation {
            contact_id: plan.contact_id.clone(),
            contact_role: role,
            body: plan.body.clone(),
            created_at: plan.created_at,
            attachment_urls: plan.attachment_urls.clone(),
        }
    }

    async fn create_conversation(&self, record: &Outgoing) -> Result<Written, WriteError> {
        let plan = self.conversation_plan(record).await?;
        let role = self.role_of(&plan.contact_id).await?;
        let created =
            self.client().create_conversation(&Self::new_conversation(&plan, role)).await.map_err(write_error)?;
        let id = created.conversation_id;
        match self.conversation_follow_ups(&id, &plan, None).await {
            Ok(updated_at) => Ok(Written { id, updated_at, existed: false }),
            Err(error) => Err(WriteError::Incomplete { id, message: error.to_string() }),
        }
    }

    /// Bring conversation `id` from `current` (`None`: as just created — open, unassigned,
    /// untitled, untagged) to the plan: tags, then title/attributes/company, team, teammate and
    /// state, each only when it differs. Returns `updated_at` after the last write.
    async fn conversation_follow_ups(
        &self,
        id: &str,
        plan: &ConversationPlan,
        current: Option<&Conversation>,
    ) -> Result<Option<i64>, SinkError> {
        let client = self.client();
        let me = self.me();
        // The last conversation a call returned, while nothing changed it since.
        let mut last: Option<Conversation> = None;
        let mut wrote = false;
        let applied: HashSet<String> =
            current.map(|c| c.tags.iter().map(|tag| tag.name.trim().to_lowercase()).collect()).unwrap_or_default();
        for name in &plan.tags {
            if applied.contains(&name.trim().to_lowercase()) {
                continue;
            }
            let tag = self.sink.tag(name).await?;
            client.tag_conversation(id, &tag.id, me).await?;
            wrote = true;
        }
        let mut update = ConversationUpdate::default();
        let title_differs = plan.title.is_some() && plan.title != current.and_then(|c| c.title.clone());
        let attributes_differ = plan
            .custom_attributes
            .iter()
            .any(|(name, value)| current.is_none_or(|c| !same_attribute(value, c.custom_attributes.get(name))));
        let company_differs =
            plan.company_id.is_some() && plan.company_id != current.and_then(|c| c.company_id.clone());
        if title_differs || attributes_differ || company_differs {
            update.title = plan.title.clone();
            update.custom_attributes = plan.custom_attributes.clone();
            update.company_id = plan.company_id.clone();
            last = Some(client.update_conversation(id, &update).await?);
        }
        if let Some(team) = &plan.team_assignee
            && current.and_then(|c| c.team_assignee_id.as_ref()) != Some(team)
        {
            last = Some(client.assign_conversation(id, me, &Assignee::Team(team.clone())).await?);
        }
        if let Some(admin) = &plan.admin_assignee
            && current.and_then(|c| c.admin_assignee_id.as_ref()) != Some(admin)
        {
            last = Some(client.assign_conversation(id, me, &Assignee::Admin(admin.clone())).await?);
        }
        let state_now = current.map(current_state).unwrap_or(TargetState::Open);
        match plan.state {
            Some(target) if target != state_now => {
                last = Some(match target {
                    TargetState::Open => client.open_conversation(id, me).await?,
                    TargetState::Closed => client.close_conversation(id, me).await?,
                    TargetState::Snoozed(until) => client.snooze_conversation(id, me, until).await?,
                });
            }
            _ => {}
        }
        if let Some(conversation) = last {
            return Ok(conversation.updated_at);
        }
        if !wrote && let Some(current) = current {
            return Ok(current.updated_at);
        }
        // Only tags were applied (their answer is the tag), or nothing after the create.
        Ok(client.get_conversation(id).await?.and_then(|conversation| conversation.updated_at))
    }

    async fn find_conversation(&self, record: &Outgoing) -> Result<Option<String>, WriteError> {
        let plan = self.conversation_plan(record).await?;
        // The role is not part of the lookup; the remembered one, else `user`.
        let role = self
            .roles
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&plan.contact_id)
            .copied()
            .unwrap_or(ContactRole::User);
        let new = Self::new_conversation(&plan, role);
        if new.created_at.is_some() {
            return self
                .patiently(|| async { self.client().find_created_conversation(&new).await.map_err(write_error) })
                .await;
        }
        // Without a created_at, the contact's conversations with the same first message.
        let body = plain_text(&plan.body);
        self.patiently(|| async {
            let conversations =
                self.client().search_conversations_of_contact(&plan.contact_id).await.map_err(write_error)?;
            let matching: Vec<String> = conversations
                .into_iter()
                .filter(|c| c.source.as_ref().and_then(|s| s.body.as_deref()).map(plain_text).as_deref() == Some(&body))
                .map(|c| c.id)
                .collect();
            match matching.as_slice() {
                [] => Ok(None),
                [id] => Ok(Some(id.clone())),
                several => Err(WriteError::Rejected(format!(
                    "the unclear create cannot be settled: contact {} has {} conversations with this first message \
                     ({}) and the record has no created_at to tell them apart; check them in Intercom by hand",
                    plan.contact_id,
                    several.len(),
                    several.join(", ")
                ))),
            }
        })
        .await
    }

    async fn complete_conversation(&self, id: &str, record: &Outgoing) -> Result<Written, WriteError> {
        let plan = self.conversation_plan(record).await?;
        let current = self
            .client()
            .get_conversation(id)
            .await
            .map_err(write_error)?
            .ok_or_else(|| no_longer("conversation", id))?;
        let updated_at = self.conversation_follow_ups(id, &plan, Some(&current)).await.map_err(write_error)?;
        Ok(Written { id: id.to_owned(), updated_at, existed: false })
    }

    /// Compared: the contact it is from, the first message (as rendered), created time, title,
    /// state (and snoozed-until), assignees, tags (names, case-insensitively), company and custom
    /// attributes, where the record carries them. Not compared: attachments (Intercom rehosts
    /// files under its own URLs).
    async fn verify_conversation(&self, id: &str, record: &Outgoing) -> Result<Vec<Mismatch>, WriteError> {
        let Some(conversation) = self.client().get_conversation(id).await.map_err(write_error)? else {
            return Ok(Comparison::missing(id));
        };
        let plan = self.conversation_plan(record).await?;
        let source = conversation.source.as_ref();
        let mut comparison = Comparison::new();
        let author = source.and_then(|s| s.author.as_ref()).and_then(|a| a.id.as_deref());
        comparison.text("from", Some(&plan.contact_id), author);
        comparison.body("body", Some(&plan.body), source.and_then(|s| s.body.as_deref()));
        if plan.created_at.is_some() {
            comparison.time("created_at", plan.created_at, conversation.created_at);
        }
        if plan.title.is_some() {
            comparison.text("title", plan.title.as_deref(), conversation.title.as_deref());
        }
        if let Some(state) = plan.state {
            let name = |state: TargetState| match state {
                TargetState::Open => "open",
                TargetState::Closed => "closed",
                TargetState::Snoozed(_) => "snoozed",
            };
            comparison.text("state", Some(name(state)), Some(name(current_state(&conversation))));
            if let TargetState::Snoozed(until) = state {
                comparison.time("snoozed_until", Some(until), conversation.snoozed_until);
            }
        }
        if plan.admin_assignee.is_some() {
            comparison.text(
                "admin_assignee",
                plan.admin_assignee.as_deref(),
                conversation.admin_assignee_id.as_deref(),
            );
        }
        if plan.team_assignee.is_some() {
            comparison.text("team_assignee", plan.team_assignee.as_deref(), conversation.team_assignee_id.as_deref());
        }
        if !plan.tags.is_empty() {
            let names: Vec<String> = conversation.tags.iter().map(|tag| tag.name.clone()).collect();
            comparison.tag_names("tags", &plan.tags, &names);
        }
        if plan.company_id.is_some() {
            comparison.text("company", plan.company_id.as_deref(), conversation.company_id.as_deref());
        }
        let fields = RecordFields::new(&record.kind, &record.fields);
        self.compare_attributes(&mut comparison, &fields, "conversation", &conversation.custom_attributes).await?;
        Ok(comparison.finish())
    }

    // --- Conversation parts --------------------------------------------------------------------

    fn reply(record: &Outgoing) -> Result<(String, Reply), WriteError> {
        let fields = RecordFields::new(&record.kind, &record.fields);
        let parent = record.parent.clone().ok_or_else(|| {
            WriteError::Rejected(
                "conversation_part has no parent conversation; map it as a child of a conversation".into(),
            )
        })?;
        let author = fields
            .reference("author")?
            .ok_or_else(|| fields.missing("author", "a reply is written by a contact or a teammate"))?;
        let author = match author.kind.as_str() {
            "admin" => ReplyAuthor::Admin(author.id),
            "contact" | "user" | "lead" => ReplyAuthor::Contact(author.id),
            other => {
                return Err(WriteError::Rejected(format!(
                    "conversation_part field `author` refers to a `{other}` record, but a reply is written by a \
                     `contact` or an `admin`; fix the ref() target of this field"
                )));
            }
        };
        let kind = match fields.text("kind")?.as_deref() {
            None | Some("comment") => ReplyKind::Comment,
            Some("note") => ReplyKind::Note,
            Some(other) => return Err(fields.invalid("kind", "`comment` or `note`", &Json::from(other))),
        };
        if kind == ReplyKind::Note && matches!(author, ReplyAuthor::Contact(_)) {
            return Err(WriteError::Rejected(
                "conversation_part is a note written by a contact; only teammates write notes, so map the author \
                 to an admin or the kind to `comment`"
                    .into(),
            ));
        }
        let mut attachment_urls = Vec::new();
        let mut attachment_files = Vec::new();
        for item in fields.list("attachments") {
            if let Some(url) = attachment_url(item) {
                attachment_urls.push(url);
            } else if let Some(file) = attachment_file(item) {
                attachment_files.push(file);
            } else if attachment_reference(item).is_none() {
                return Err(fields.invalid("attachments", "URLs or files {content_type, data (base64), name}", item));
            }
        }
        let reply = Reply {
            author,
            kind,
            body: fields.required_text("body", "Intercom refuses an empty reply")?,
            created_at: fields.time("created_at")?,
            attachment_urls,
            attachment_files,
        };
        Ok((parent, reply))
    }

    async fn create_part(&self, record: &Outgoing) -> Result<Written, WriteError> {
        let fields = RecordFields::new(&record.kind, &record.fields);
        if let Some(name) = fields.list("attachments").into_iter().find_map(attachment_reference) {
            // The runner reads each file's content before a create; a reference alone is never sent.
            return Err(WriteError::Rejected(format!(
                "conversation_part attachment {name} has no content to send (only its reference)"
            )));
        }
        let (parent, reply) = Self::reply(record)?;
        let created = self.client().reply_conversation(&parent, &reply).await.map_err(write_error)?;
        let id = match created.part_id {
            Some(id) => id,
            // The reply was applied but its part is not in the answer: look it up.
            None => self.find_part(record).await?.ok_or_else(|| {
                WriteError::Ambiguous(format!(
                    "the reply to conversation {parent} was accepted but its part is not in the answer"
                ))
            })?,
        };
        Ok(Written { id, updated_at: None, existed: false })
    }

    /// The last visible part of the parent with the reply's author, time (when it has one) and
    /// body (as rendered): an unclear reply is the newest one that matches.
    async fn find_part(&self, record: &Outgoing) -> Result<Option<String>, WriteError> {
        let (parent, reply) = Self::reply(record)?;
        let Some(conversation) = self.client().get_conversation(&parent).await.map_err(write_error)? else {
            return Ok(None);
        };
        let author = match &reply.author {
            ReplyAuthor::Admin(id) | ReplyAuthor::Contact(id) => id.as_str(),
        };
        let body = plain_text(&reply.body);
        Ok(conversation
            .parts
            .iter()
            .rev()
            .find(|part| {
                part_author(part) == Some(author)
                    && reply.created_at.is_none_or(|at| part.created_at == Some(at))
                    && part.body.as_deref().map(plain_text).as_deref() == Some(body.as_str())
            })
            .map(|part| part.id.clone()))
    }

    /// The part `id` of conversation `parent`, `Err` when it cannot be read back.
    async fn read_part(&self, id: &str, parent: Option<&str>) -> Result<Option<Part>, WriteError> {
        let parent = parent.ok_or_else(|| {
            WriteError::Rejected(format!("conversation part {id} has no parent conversation to read it from"))
        })?;
        let Some(conversation) = self.client().get_conversation(parent).await.map_err(write_error)? else {
            return Ok(None);
        };
        if let Some(part) = conversation.parts.iter().find(|part| part.id == id) {
            return Ok(Some(part.clone()));
        }
        let total = conversation.parts_total.unwrap_or(conversation.parts.len() as u64);
        if total > conversation.parts.len() as u64 {
            return Err(WriteError::Rejected(format!(
                "conversation part {id} is not among the {} most recent parts of conversation {parent}, the only \
                 ones Intercom returns, so it cannot be read back",
                conversation.parts.len()
            )));
        }
        Ok(None)
    }

    /// Compared: author, created time, body (as rendered), kind, and the names of the attached
    /// files when the record lists attachments.
    async fn verify_part(&self, id: &str, record: &Outgoing) -> Result<Vec<Mismatch>, WriteError> {
        let Some(part) = self.read_part(id, record.parent.as_deref()).await? else {
            return Ok(Comparison::missing(id));
        };
        let (_, reply) = Self::reply(record)?;
        let mut comparison = Comparison::new();
        let author = match &reply.author {
            ReplyAuthor::Admin(id) | ReplyAuthor::Contact(id) => id.as_str(),
        };
        comparison.text("author", Some(author), part_author(&part));
        if reply.created_at.is_some() {
            comparison.time("created_at", reply.created_at, part.created_at);
        }
        comparison.body("body", Some(&reply.body), part.body.as_deref());
        let kind = if reply.kind == ReplyKind::Note { "note" } else { "comment" };
        comparison.text("kind", Some(kind), part.part_type.as_deref());
        let fields = RecordFields::new(&record.kind, &record.fields);
        if fields.has("attachments") {
            // Names only: Intercom rehosts the files under its own URLs.
            let expected: Vec<String> = fields.list("attachments").into_iter().filter_map(attachment_name).collect();
            let actual: Vec<String> = part.attachments.iter().filter_map(|a| a.name.clone()).collect();
            comparison.id_set("attachments", &expected, &actual);
        }
        Ok(comparison.finish())
    }

    // --- Help center -------------------------------------------------------------------------

    /// Tie collection or article `id` to a record (see [`IntercomDestination::claimed`]).
    fn claim(&self, kind: &'static str, id: &str) {
        self.claimed.lock().unwrap_or_else(PoisonError::into_inner).insert((kind, id.to_owned()));
    }

    fn is_claimed(&self, kind: &'static str, id: &str) -> bool {
        self.claimed.lock().unwrap_or_else(PoisonError::into_inner).contains(&(kind, id.to_owned()))
    }

    fn remember_collection(&self, collection: &Collection) {
        let mut parents = self.collection_parents.lock().unwrap_or_else(PoisonError::into_inner);
        parents.insert(collection.id.clone(), collection.parent_id.clone());
    }

    /// The one candidate left after skipping the claimed ones, `None` when there is none; several
    /// cannot be told apart, and the record is refused rather than tied to the wrong one.
    fn settle_listed(&self, kind: &'static str, what: &str, ids: Vec<String>) -> Result<Option<String>, WriteError> {
        let ids: Vec<String> = ids.into_iter().filter(|id| !self.is_claimed(kind, id)).collect();
        match ids.as_slice() {
            [] => Ok(None),
            [id] => {
                self.claim(kind, id);
                Ok(Some(id.clone()))
            }
            several => Err(WriteError::Rejected(format!(
                "the unclear create cannot be settled: {} existing {kind} records look like {what} ({}), and nothing \
                 tells which one the create made, if any; check them in Intercom by hand",
                several.len(),
                several.join(", ")
            ))),
        }
    }

    fn collection_plan(record: &Outgoing) -> Result<CollectionPlan, WriteError> {
        let fields = RecordFields::new(&record.kind, &record.fields);
        Ok(CollectionPlan {
            name: fields.required_text("name", "Intercom needs a collection's name")?,
            description: fields.text("description")?.filter(|text| !text.trim().is_empty()),
            parent: match fields.reference_to("parent", "help_center_collection")? {
                Some(parent) => Some(parent.id),
                None => record.parent.clone(),
            },
        })
    }

    fn collection_draft(plan: &CollectionPlan) -> CollectionDraft {
        CollectionDraft {
            name: plan.name.clone(),
            description: plan.description.clone(),
            parent_id: plan.parent.clone(),
        }
    }

    async fn create_collection(&self, record: &Outgoing) -> Result<Written, WriteError> {
        let plan = Self::collection_plan(record)?;
        let collection = self.client().create_collection(&Self::collection_draft(&plan)).await.map_err(write_error)?;
        self.remember_collection(&collection);
        self.claim("help_center_collection", &collection.id);
        Ok(Written { id: collection.id, updated_at: collection.updated_at, existed: false })
    }

    /// A listed collection with the record's name and parent, and its description when the
    /// record has one.
    async fn find_collection(&self, record: &Outgoing) -> Result<Option<String>, WriteError> {
        let plan = Self::collection_plan(record)?;
        let listed = self.client().list_collections().await.map_err(write_error)?;
        let ids = listed
            .into_iter()
            .filter(|collection| {
                same_text(collection.name.as_deref(), Some(&plan.name))
                    && collection.parent_id == plan.parent
                    && (plan.description.is_none()
                        || same_text(collection.description.as_deref(), plan.description.as_deref()))
            })
            .inspect(|collection| self.remember_collection(collection))
            .map(|collection| collection.id)
            .collect();
        let what = match &plan.parent {
            Some(parent) => format!("collection {:?} in {parent}", plan.name),
            None => format!("top-level collection {:?}", plan.name),
        };
        self.settle_listed("help_center_collection", &what, ids)
    }

    /// Bring collection `id` to the record: one `PUT` when its name, or its description or
    /// parent where the record has them, differ.
    async fn complete_collection(&self, id: &str, record: &Outgoing) -> Result<Written, WriteError> {
        let plan = Self::collection_plan(record)?;
        let current = self
            .client()
            .get_collection(id)
            .await
            .map_err(write_error)?
            .ok_or_else(|| no_longer("help center collection", id))?;
        self.claim("help_center_collection", id);
        let differs = !same_text(current.name.as_deref(), Some(&plan.name))
            || (plan.description.is_some() && !same_text(current.description.as_deref(), plan.description.as_deref()))
            || (plan.parent.is_some() && current.parent_id != plan.parent);
        let current = if differs {
            let draft = Self::collection_draft(&plan);
            self.client()
                .update_collection(id, &draft)
                .await
                .map_err(|error| gone(error, "help center collection", id))?
        } else {
            current
        };
        self.remember_collection(&current);
        Ok(Written { id: id.to_owned(), updated_at: current.updated_at, existed: false })
    }

    /// Compared: name, and description and parent where the record has them.
    async fn verify_collection(&self, id: &str, record: &Outgoing) -> Result<Vec<Mismatch>, WriteError> {
        let Some(collection) = self.client().get_collection(id).await.map_err(write_error)? else {
            return Ok(Comparison::missing(id));
        };
        let plan = Self::collection_plan(record)?;
        let mut comparison = Comparison::new();
        comparison.text("name", Some(plan.name.trim()), collection.name.as_deref().map(str::trim));
        if let Some(description) = &plan.description {
            comparison.text("description", Some(description.trim()), collection.description.as_deref().map(str::trim));
        }
        if plan.parent.is_some() {
            comparison.text("parent", plan.parent.as_deref(), collection.parent_id.as_deref());
        }
        Ok(comparison.finish())
    }

    fn article_plan(record: &Outgoing) -> Result<ArticlePlan, WriteError> {
        let fields = RecordFields::new(&record.kind, &record.fields);
        let published = match fields.text("state")?.as_deref() {
            None => None,
            Some("published") => Some(true),
            Some("draft") => Some(false),
            Some(other) => return Err(fields.invalid("state", "`published` or `draft`", &Json::from(other))),
        };
        Ok(ArticlePlan {
            title: fields.required_text("title", "Intercom needs an article's title")?,
            author: fields.reference_to("author", "admin")?.map(|author| author.id),
            description: fields.text("description")?.filter(|text| !text.trim().is_empty()),
            body: fields.text("body")?.filter(|text| !text.trim().is_empty()),
            published,
            parent: match fields.reference_to("parent", "help_center_collection")? {
                Some(parent) => Some(parent.id),
                None => record.parent.clone(),
            },
        })
    }

    /// The article's author: the mapped one, else the token's own admin (the API needs one).
    fn author_of<'a>(&'a self, plan: &'a ArticlePlan) -> &'a str {
        plan.author.as_deref().unwrap_or_else(|| self.me())
    }

    /// The parent of collection `id` (`Some(None)`: top level), remembered or read once;
    /// `None` when there is no such collection.
    async fn collection_parent(&self, id: &str) -> Result<Option<Option<String>>, WriteError> {
        if let Some(parent) = self.collection_parents.lock().unwrap_or_else(PoisonError::into_inner).get(id) {
            return Ok(Some(parent.clone()));
        }
        let Some(collection) = self.client().get_collection(id).await.map_err(write_error)? else {
            return Ok(None);
        };
        self.remember_collection(&collection);
        Ok(Some(collection.parent_id))
    }

    /// Whether collection `id` is a section (has a parent).
    async fn is_section(&self, id: &str) -> Result<bool, WriteError> {
        match self.collection_parent(id).await? {
            Some(parent) => Ok(parent.is_some()),
            None => Err(WriteError::Rejected(format!(
                "article field `parent`: collection {id} does not exist in Intercom (deleted since it was \
                 written?); migrate the collection again or drop the parent"
            ))),
        }
    }

    /// The collections or sections an article is directly in. The 2.16 answer lists
    /// `parent_ids`, which may also hold the collection a section belongs to: an id that is the
    /// parent of another listed one is left out.
    async fn article_parents(&self, article: &Article) -> Result<Vec<String>, WriteError> {
        if let Some(parent) = &article.parent_id {
            return Ok(vec![parent.clone()]);
        }
        if article.parent_ids.len() < 2 {
            return Ok(article.parent_ids.clone());
        }
        let mut above = HashSet::new();
        for id in &article.parent_ids {
            if let Some(Some(parent)) = self.collection_parent(id).await? {
                above.insert(parent);
            }
        }
        Ok(article.parent_ids.iter().filter(|id| !above.contains(*id)).cloned().collect())
    }

    /// Whether the article is directly in `parent` (`None`: stands alone).
    async fn article_is_in(&self, article: &Article, parent: Option<&str>) -> Result<bool, WriteError> {
        let parents = self.article_parents(article).await?;
        Ok(match parent {
            Some(parent) => parents.iter().any(|id| id == parent),
            None => parents.is_empty(),
        })
    }

    async fn create_article(&self, record: &Outgoing) -> Result<Written, WriteError> {
        let plan = Self::article_plan(record)?;
        let in_section = match &plan.parent {
            Some(parent) => self.is_section(parent).await?,
            None => false,
        };
        let draft = ArticleDraft {
            title: plan.title.clone(),
            author_id: self.author_of(&plan).to_owned(),
            description: plan.description.clone(),
            body: plan.body.clone(),
            published: plan.published.unwrap_or(false),
            collection_id: plan.parent.clone(),
            in_section,
        };
        let article = self.client().create_article(&draft).await.map_err(write_error)?;
        self.claim("article", &article.id);
        Ok(Written { id: article.id, updated_at: article.updated_at, existed: false })
    }

    /// A listed article with the record's title, parent and author (the token's admin when none
    /// is mapped), and its body (as rendered) and description where the record has them.
    async fn find_article(&self, record: &Outgoing) -> Result<Option<String>, WriteError> {
        let plan = Self::article_plan(record)?;
        let author = self.author_of(&plan);
        let listed = self.client().list_articles().await.map_err(write_error)?;
        let mut ids = Vec::new();
        for article in listed {
            let alike = same_text(article.title.as_deref(), Some(&plan.title))
                && article.author_id.as_deref().is_none_or(|id| id == author)
                && (plan.body.is_none() || same_body(article.body.as_deref(), plan.body.as_deref()))
                && (plan.description.is_none()
                    || same_text(article.description.as_deref(), plan.description.as_deref()));
            if alike && self.article_is_in(&article, plan.parent.as_deref()).await? {
                ids.push(article.id);
            }
        }
        let what = match &plan.parent {
            Some(parent) => format!("article {:?} in {parent}", plan.title),
            None => format!("article {:?}", plan.title),
        };
        self.settle_listed("article", &what, ids)
    }

    /// Bring article `id` to the record: one `PUT` with the fields that differ (title, and
    /// author, description, body, state and parent where the record has them).
    async fn complete_article(&self, id: &str, record: &Outgoing) -> Result<Written, WriteError> {
        let plan = Self::article_plan(record)?;
        let current =
            self.client().get_article(id).await.map_err(write_error)?.ok_or_else(|| no_longer("article", id))?;
        self.claim("article", id);
        let mut update = ArticleUpdate::default();
        if !same_text(current.title.as_deref(), Some(&plan.title)) {
            update.title = Some(plan.title.clone());
        }
        if plan.author.is_some() && current.author_id != plan.author {
            update.author_id = plan.author.clone();
        }
        if plan.description.is_some() && !same_text(current.description.as_deref(), plan.description.as_deref()) {
            update.description = plan.description.clone();
        }
        if plan.body.is_some() && !same_body(current.body.as_deref(), plan.body.as_deref()) {
            update.body = plan.body.clone();
        }
        if let Some(published) = plan.published
            && current.state.as_deref() != Some(state_name(published))
        {
            update.published = Some(published);
        }
        if let Some(parent) = &plan.parent
            && !self.article_is_in(&current, Some(parent)).await?
        {
            update.in_section = self.is_section(parent).await?;
            update.collection_id = Some(parent.clone());
        }
        if update == ArticleUpdate::default() {
            return Ok(Written { id: id.to_owned(), updated_at: current.updated_at, existed: false });
        }
        let updated = self.client().update_article(id, &update).await.map_err(|error| gone(error, "article", id))?;
        Ok(Written { id: id.to_owned(), updated_at: updated.updated_at, existed: false })
    }

    /// Compared: title, and author, description, body (as rendered), state and parent where the
    /// record has them.
    async fn verify_article(&self, id: &str, record: &Outgoing) -> Result<Vec<Mismatch>, WriteError> {
        let Some(article) = self.client().get_article(id).await.map_err(write_error)? else {
            return Ok(Comparison::missing(id));
        };
        let plan = Self::article_plan(record)?;
        let mut comparison = Comparison::new();
        comparison.text("title", Some(plan.title.trim()), article.title.as_deref().map(str::trim));
        if plan.author.is_some() {
            comparison.text("author", plan.author.as_deref(), article.author_id.as_deref());
        }
        if let Some(description) = &plan.description {
            comparison.text("description", Some(description.trim()), article.description.as_deref().map(str::trim));
        }
        if plan.body.is_some() {
            comparison.body("body", plan.body.as_deref(), article.body.as_deref());
        }
        if let Some(published) = plan.published {
            comparison.text("state", Some(state_name(published)), article.state.as_deref());
        }
        if let Some(parent) = &plan.parent {
            let parents = self.article_parents(&article).await?;
            let actual = parents.iter().find(|id| *id == parent).or(parents.first());
            comparison.text("parent", Some(parent), actual.map(String::as_str));
        }
        Ok(comparison.finish())
    }

    // --- Custom object instances ------------------------------------------------------------

    /// A custom object instance record, read and checked: its type and what the upsert sends.
    fn instance_plan(record: &Outgoing) -> Result<InstancePlan, WriteError> {
        let fields = RecordFields::new(&record.kind, &record.fields);
        let object_type = fields.required_text("type", "it names the custom object type the instance belongs to")?;
        if object_type.trim().is_empty() || object_type.contains([':', '/']) {
            return Err(fields.invalid(
                "type",
                "the identifier of a custom object type (as shown in Intercom's settings)",
                &Json::from(object_type),
            ));
        }
        let mut custom_attributes = Map::new();
        for (name, value) in fields.custom_attributes() {
            let text = match value {
                Json::String(text) => text.clone(),
                Json::Number(_) | Json::Bool(_) => value.to_string(),
                other => {
                    return Err(fields.invalid(&format!("custom_attributes.{name}"), "text", other));
                }
            };
            custom_attributes.insert(name.to_owned(), Json::from(text));
        }
        Ok(InstancePlan {
            object_type,
            fields: CustomObjectFields {
                external_id: fields.required_text("external_id", "Intercom upserts instances by it")?,
                external_created_at: fields.time("external_created_at")?,
                external_updated_at: fields.time("external_updated_at")?,
                custom_attributes,
            },
        })
    }

    /// The instance `id` names, checked against the record: Intercom keys an instance by its type
    /// and external id, so neither can change once it is written.
    fn planned_instance(id: &str, record: &Outgoing) -> Result<InstancePlan, WriteError> {
        let plan = Self::instance_plan(record)?;
        let (object_type, external_id) = instance_key(id)?;
        if object_type != plan.object_type || external_id != plan.fields.external_id {
            return Err(WriteError::Rejected(format!(
                "custom object instance {id} is now mapped as {}; Intercom keys an instance by its type and \
                 external_id and cannot change either, so fix the mapping or migrate it as a new instance",
                instance_id(&plan.object_type, &plan.fields.external_id)
            )));
        }
        Ok(plan)
    }

    async fn create_instance(&self, record: &Outgoing) -> Result<Written, WriteError> {
        let plan = Self::instance_plan(record)?;
        let id = instance_id(&plan.object_type, &plan.fields.external_id);
        // The create is an upsert: look first, so an instance that was there is matched (and left
        // alone by rollback) rather than silently overwritten and claimed.
        let existing = self.client().get_custom_object(&plan.object_type, &plan.fields.external_id).await;
        if let Some(existing) = existing.map_err(write_error)? {
            return Ok(Written { id, updated_at: existing.updated_at, existed: true });
        }
        let instance = match self.client().upsert_custom_object(&plan.object_type, &plan.fields).await {
            Ok(instance) => instance,
            // The client resends an upsert (it cannot duplicate); when its retries run out, an
            // attempt whose answer was lost may have been applied: settled by `find`, not by a
            // later create that would take our own instance for one that was there.
            Err(error @ SinkError::Exhausted { .. }) => return Err(WriteError::Ambiguous(error.to_string())),
            Err(error) => return Err(instance_error(error, &plan.object_type)),
        };
        Ok(Written { id, updated_at: instance.updated_at, existed: false })
    }

    /// The instance with the record's type and external id (the upsert key, read directly: no
    /// search lag).
    async fn find_instance(&self, record: &Outgoing) -> Result<Option<String>, WriteError> {
        let plan = Self::instance_plan(record)?;
        let found = self.client().get_custom_object(&plan.object_type, &plan.fields.external_id).await;
        Ok(found.map_err(write_error)?.map(|_| instance_id(&plan.object_type, &plan.fields.external_id)))
    }

    /// The instance `id`, read back; `None` when it no longer exists.
    async fn read_instance(&self, id: &str) -> Result<Option<CustomObjectInstance>, WriteError> {
        let (object_type, external_id) = instance_key(id)?;
        self.client().get_custom_object(object_type, external_id).await.map_err(write_error)
    }

    /// Upsert the record again onto instance `id` (its attributes merge: one the mapping left
    /// out keeps its value).
    async fn complete_instance(&self, id: &str, record: &Outgoing) -> Result<Written, WriteError> {
        let plan = Self::planned_instance(id, record)?;
        // The upsert would bring back an instance deleted since: check it is still there.
        if self.read_instance(id).await?.is_none() {
            return Err(no_longer("custom object instance", id));
        }
        let instance = self
            .client()
            .upsert_custom_object(&plan.object_type, &plan.fields)
            .await
            .map_err(|error| instance_error(error, &plan.object_type))?;
        Ok(Written { id: id.to_owned(), updated_at: instance.updated_at, existed: false })
    }

    /// Compared: type, external id, the external created and updated times and every custom
    /// attribute the record carries (as the text Intercom stores).
    async fn verify_instance(&self, id: &str, record: &Outgoing) -> Result<Vec<Mismatch>, WriteError> {
        let plan = Self::instance_plan(record)?;
        let Some(instance) = self.read_instance(id).await? else {
            return Ok(Comparison::missing(id));
        };
        let expected = &plan.fields;
        let mut comparison = Comparison::new();
        comparison.text("type", Some(&plan.object_type), Some(instance_key(id)?.0));
        comparison.text("external_id", Some(&expected.external_id), instance.external_id.as_deref());
        if expected.external_created_at.is_some() {
            comparison.time("external_created_at", expected.external_created_at, instance.external_created_at);
        }
        if expected.external_updated_at.is_some() {
            comparison.time("external_updated_at", expected.external_updated_at, instance.external_updated_at);
        }
        for (name, value) in &expected.custom_attributes {
            let actual = instance.custom_attributes.get(name).and_then(|actual| match actual {
                Json::String(text) => Some(text.clone()),
                Json::Null => None,
                other => Some(other.to_string()),
            });
            comparison.text(&format!("custom_attributes.{name}"), value.as_str(), actual.as_deref());
        }
        Ok(comparison.finish())
    }

    // --- Attributes ----------------------------------------------------------------------------

    async fn prepare_data_attribute(
        &self,
        attribute: &NewAttribute,
        model: AttributeModel,
        existing: &HashMap<String, String>,
    ) -> Result<bool, WriteError> {
        let wanted = DataAttributeType::from_lock(attribute.field_type).ok_or_else(|| unsupported_type(attribute))?;
        let wanted_name = type_name(&wanted);
        if let Some(found) = existing.get(&attribute.name) {
            return compatible(attribute, found, &wanted_name).map(|()| false);
        }
        if wanted == DataAttributeType::Options && attribute.options.len() < 2 {
            return Err(needs_options(attribute));
        }
        let draft = DataAttributeDraft {
            name: attribute.name.clone(),
            model,
            data_type: wanted,
            description: Some("Created by cutover".into()),
            options: attribute.options.clone(),
        };
        match self.client().create_data_attribute(&draft).await {
            Ok(_) => Ok(true),
            // Names are unique, so the client repeats a create whose outcome was unclear; when
            // the first attempt was applied, the repeat is refused as a taken name. Settle by
            // listing: the attribute is there now (it was not before), so it is ours.
            Err(error) => {
                let listed = self.client().list_data_attributes(model).await.map_err(write_error)?;
                match listed.iter().find(|found| !found.archived && found.name == attribute.name) {
                    Some(found) => compatible(attribute, found.data_type.as_deref().unwrap_or_default(), &wanted_name)
                        .map(|()| true),
                    None => Err(attribute_error(attribute, error)),
                }
            }
        }
    }

    async fn prepare_conversation_attribute(
        &self,
        attribute: &NewAttribute,
        existing: &HashMap<String, String>,
    ) -> Result<bool, WriteError> {
        let wanted =
            ConversationAttributeType::from_lock(attribute.field_type).ok_or_else(|| unsupported_type(attribute))?;
        let wanted_name = type_name(&wanted);
        if let Some(found) = existing.get(&attribute.name) {
            return compatible(attribute, found, &wanted_name).map(|()| false);
        }
        if wanted == ConversationAttributeType::List && attribute.options.is_empty() {
            return Err(needs_options(attribute));
        }
        let draft = AttributeDraft {
            name: attribute.name.clone(),
            data_type: wanted,
            description: Some("Created by cutover".into()),
            options: attribute.options.clone(),
        };
        match self.client().create_conversation_attribute(&draft).await {
            Ok(_) => Ok(true),
            // Not safe to repeat (names are not unique): settle by listing instead.
            Err(error) if error.is_ambiguous() => {
                let listed = self.client().list_conversation_attributes().await.map_err(write_error)?;
                if listed.iter().any(|found| !found.archived && found.name == attribute.name) {
                    Ok(true)
                } else {
                    Err(write_error(error))
                }
            }
            Err(error) => Err(attribute_error(attribute, error)),
        }
    }
}

impl Destination for IntercomDestination {
    fn capability(&self, kind: &str) -> Capability {
        let create = |updatable, deletable: Result<(), &str>| Capability {
            mode: WriteMode::Create,
            updatable,
            deletable: deletable.map_err(str::to_owned),
        };
        let unsupported = |reason: &str| Capability {
            mode: WriteMode::Unsupported(reason.to_owned()),
            updatable: false,
            deletable: Err(reason.to_owned()),
        };
        match kind {
            "contact"
            | "company"
            | "conversation"
            | "help_center_collection"
            | "article"
            | "custom_object_instance" => create(true, Ok(())),
            "tag" => create(false, Ok(())),
            "conversation_part" => create(
                false,
                Err("a conversation part cannot be deleted on its own through the Intercom API; it is deleted with \
                     its conversation"),
            ),
            "note" => create(
                false,
                Err("contact notes cannot be deleted through the Intercom API; they go only with their contact"),
            ),
            "admin" | "team" => Capability {
                mode: WriteMode::Match,
                updatable: false,
                deletable: Err(format!("{kind}s are matched, never created, so a rollback leaves them")),
            },
            "ticket" | "ticket_part" => unsupported(
                "tickets are not written by the Intercom destination yet: a ticket needs its ticket type and \
                 states resolved first, and an unclear ticket create needs a ticket-type attribute holding the \
                 source id to be settled; migrate them as conversations for now",
            ),
            "data_attribute" | "ticket_type" => unsupported(
                "attributes and ticket types are created by the schema phase (prepare_attributes), not as records",
            ),
            other => {
                unsupported(&format!("`{other}` is not a kind of the Intercom model (see `cutover schema intercom`)"))
            }
        }
    }

    async fn prepare_attributes(&self, attributes: &[NewAttribute]) -> Result<Vec<String>, WriteError> {
        let mut created = Vec::new();
        let mut seen = HashSet::new();
        for attribute in attributes {
            // A custom object type's attributes are defined with the type in Intercom's settings
            // (no API creates either); the preflight names them with their missing type.
            if attribute.kind == "custom_object_instance"
                || !seen.insert((attribute.kind.clone(), attribute.name.clone()))
            {
                continue;
            }
            let existing = match attribute.kind.as_str() {
                "contact" | "company" | "conversation" => self.attribute_types(&attribute.kind).await?,
                other => {
                    return Err(WriteError::Fatal(format!(
                        "custom attribute `{}` of `{other}`: the Intercom destination prepares custom attributes of \
                         contacts, companies and conversations only; remove the mapping or create it in Intercom",
                        attribute.name
                    )));
                }
            };
            let was_created = match attribute.kind.as_str() {
                "contact" => self.prepare_data_attribute(attribute, AttributeModel::Contact, &existing).await?,
                "company" => self.prepare_data_attribute(attribute, AttributeModel::Company, &existing).await?,
                _ => self.prepare_conversation_attribute(attribute, &existing).await?,
            };
            if was_created {
                let wanted = match attribute.kind.as_str() {
                    "conversation" => ConversationAttributeType::from_lock(attribute.field_type).map(|t| type_name(&t)),
                    _ => DataAttributeType::from_lock(attribute.field_type).map(|t| type_name(&t)),
                };
                self.attribute_types
                    .lock()
                    .await
                    .entry(attribute.kind.clone())
                    .or_default()
                    .insert(attribute.name.clone(), wanted.unwrap_or_default());
                created.push(attribute.name.clone());
            }
        }
        Ok(created)
    }

    /// Each type is probed with a one-instance page (no endpoint lists the types).
    async fn missing_object_types(&self, types: &[String]) -> Result<Vec<String>, WriteError> {
        let mut missing = Vec::new();
        for object_type in types {
            if !self.client().custom_object_type_exists(object_type).await.map_err(write_error)? {
                missing.push(object_type.clone());
            }
        }
        Ok(missing)
    }

    async fn match_existing(&self, kind: &str, key: &Json) -> Result<Option<String>, WriteError> {
        let Some(key) = key.as_str() else {
            return Err(WriteError::Rejected(format!("the key of a `{kind}` match must be text, found {key}")));
        };
        match kind {
            "admin" => Ok(self.sink.admin_by_email(key).map(|admin| admin.id.clone())),
            "team" => Ok(self.sink.team_by_name(key).map(|team| team.id.clone())),
            other => Err(WriteError::Rejected(format!(
                "`{other}` records are created, not matched; only admins (by email) and teams (by name) are matched"
            ))),
        }
    }

    async fn create(&self, record: &Outgoing) -> Result<Written, WriteError> {
        match record.kind.as_str() {
            "contact" => self.create_contact(record).await,
            "company" => self.create_company(record).await,
            "conversation" => self.create_conversation(record).await,
            "conversation_part" => self.create_part(record).await,
            "tag" => self.create_tag(record).await,
            "note" => self.create_note(record).await,
            "help_center_collection" => self.create_collection(record).await,
            "article" => self.create_article(record).await,
            "custom_object_instance" => self.create_instance(record).await,
            other => Err(not_written(&self.capability(other), other)),
        }
    }

    async fn find(&self, record: &Outgoing) -> Result<Option<String>, WriteError> {
        match record.kind.as_str() {
            "contact" => self.find_contact(record).await,
            "company" => {
                let fields = self.company_fields(record).await?;
                Ok(self.client().find_company(&fields.company_id).await.map_err(write_error)?.map(|c| c.id))
            }
            "conversation" => self.find_conversation(record).await,
            "conversation_part" => self.find_part(record).await,
            "tag" => {
                let name =
                    RecordFields::new(&record.kind, &record.fields).required_text("name", "a tag is its name")?;
                self.find_tag_named(&name).await
            }
            "note" => self.find_note(record).await,
            "help_center_collection" => self.find_collection(record).await,
            "article" => self.find_article(record).await,
            "custom_object_instance" => self.find_instance(record).await,
            other => Err(not_written(&self.capability(other), other)),
        }
    }

    async fn complete(&self, id: &str, record: &Outgoing) -> Result<Written, WriteError> {
        let unchanged = |updated_at| Ok(Written { id: id.to_owned(), updated_at, existed: false });
        match record.kind.as_str() {
            "contact" => self.complete_contact(id, record).await,
            "company" => self.complete_company(id, record).await,
            "conversation" => self.complete_conversation(id, record).await,
            // Not updatable: nothing to finish once created; only check that it is still there.
            "conversation_part" => match self.read_part(id, record.parent.as_deref()).await? {
                Some(_) => unchanged(None),
                None => Err(no_longer("conversation part", id)),
            },
            "tag" => match self.tag_name(id).await? {
                Some(_) => unchanged(None),
                None => Err(no_longer("tag", id)),
            },
            "note" => {
                let (contact, ..) = Self::note_parts(record)?;
                let notes =
                    self.client().list_contact_notes(&contact).await.map_err(|e| gone(e, "contact", &contact))?;
                if !notes.iter().any(|note| note.id == id) {
                    return Err(no_longer("note", id));
                }
                self.apply_note_attributes(&contact, record).await?;
                unchanged(None)
            }
            "help_center_collection" => self.complete_collection(id, record).await,
            "article" => self.complete_article(id, record).await,
            "custom_object_instance" => self.complete_instance(id, record).await,
            other => Err(not_written(&self.capability(other), other)),
        }
    }

    async fn updated_at(&self, kind: &str, id: &str, parent: Option<&str>) -> Result<Option<i64>, WriteError> {
        match kind {
            "contact" => {
                let contact = self
                    .client()
                    .get_contact(id)
                    .await
                    .map_err(write_error)?
                    .ok_or_else(|| no_longer("contact", id))?;
                Ok(contact.updated_at)
            }
            "company" => self.company_updated_at(id).await,
            "conversation" => {
                let conversation = self
                    .client()
                    .get_conversation(id)
                    .await
                    .map_err(write_error)?
                    .ok_or_else(|| no_longer("conversation", id))?;
                Ok(conversation.updated_at)
            }
            // Parts cannot be edited through the API and tags have no change time.
            "conversation_part" => match self.read_part(id, parent).await? {
                Some(_) => Ok(None),
                None => Err(no_longer("conversation part", id)),
            },
            "tag" => match self.tag_name(id).await? {
                Some(_) => Ok(None),
                None => Err(no_longer("tag", id)),
            },
            // Notes have no change time (and no update endpoint).
            "note" => Ok(None),
            "help_center_collection" => {
                let collection = self
                    .client()
                    .get_collection(id)
                    .await
                    .map_err(write_error)?
                    .ok_or_else(|| no_longer("help center collection", id))?;
                Ok(collection.updated_at)
            }
            "article" => {
                let article = self
                    .client()
                    .get_article(id)
                    .await
                    .map_err(write_error)?
                    .ok_or_else(|| no_longer("article", id))?;
                Ok(article.updated_at)
            }
            "custom_object_instance" => match self.read_instance(id).await? {
                Some(instance) => Ok(instance.updated_at),
                None => Err(no_longer("custom object instance", id)),
            },
            other => Err(not_written(&self.capability(other), other)),
        }
    }

    async fn verify(&self, id: &str, record: &Outgoing) -> Result<Vec<Mismatch>, WriteError> {
        match record.kind.as_str() {
            "contact" => self.verify_contact(id, record).await,
            "company" => self.verify_company(id, record).await,
            "conversation" => self.verify_conversation(id, record).await,
            "conversation_part" => self.verify_part(id, record).await,
            "tag" => {
                let Some(name) = self.tag_name(id).await? else { return Ok(Comparison::missing(id)) };
                let expected =
                    RecordFields::new(&record.kind, &record.fields).required_text("name", "a tag is its name")?;
                let mut comparison = Comparison::new();
                comparison.text_ignoring_case("name", Some(&expected), Some(&name));
                Ok(comparison.finish())
            }
            "note" => self.verify_note(id, record).await,
            "help_center_collection" => self.verify_collection(id, record).await,
            "article" => self.verify_article(id, record).await,
            "custom_object_instance" => self.verify_instance(id, record).await,
            other => Err(not_written(&self.capability(other), other)),
        }
    }

    async fn delete(&self, kind: &str, id: &str, _parent: Option<&str>) -> Result<Deletion, WriteError> {
        let client = self.client();
        let deleted = match kind {
            // Deleting a contact deletes its conversations too. Rollback deletes the migrated
            // conversations first, so any conversation still there is not ours: `delete_contact`
            // refuses then (an empty owned set), and the refusal goes to the manual cleanup list.
            "contact" => client.delete_contact(id, &HashSet::new()).await,
            "company" => client.delete_company(id).await,
            "conversation" => client.delete_conversation(id).await,
            "tag" => client.delete_tag(id).await,
            // Rollback deletes newest first: articles, then sections, then their collections.
            // A collection still holding anything is refused (not ours, or kept as edited).
            "article" => client.delete_article(id).await,
            "help_center_collection" => client.delete_collection(id).await,
            "custom_object_instance" => {
                let (object_type, external_id) = instance_key(id)?;
                client.delete_custom_object(object_type, external_id).await
            }
            // Notes, parts, matched and unsupported kinds: the reason goes to the cleanup list.
            other => {
                let reason = self.capability(other).deletable.err();
                return Ok(Deletion::Impossible(reason.unwrap_or_else(|| format!("`{other}` cannot be deleted"))));
            }
        };
        match deleted.map_err(write_error)? {
            true => Ok(Deletion::Deleted),
            false => Ok(Deletion::AlreadyGone),
        }
    }
}

/// The runner's view of a failed Intercom request: an unknown outcome stays
/// [`WriteError::Ambiguous`]; a rejected or unscoped token stops the run; other 4xx fail the
/// record with Intercom's code and message; exhausted retries and broken connections leave it for
/// the next run.
pub fn write_error(error: SinkError) -> WriteError {
    match &error {
        SinkError::Ambiguous { .. } => WriteError::Ambiguous(error.to_string()),
        SinkError::Rejected { status: 401, call, .. } => WriteError::Fatal(format!(
            "Intercom rejected the access token ({call} got HTTP 401): it is wrong, revoked, or for another region's \
             workspace; set a valid token and run again"
        )),
        SinkError::Rejected { status: 403, call, .. } => WriteError::Fatal(format!(
            "the access token may not do this ({call} got HTTP 403{}): give the Intercom app the missing permission \
             or scope, or a paid plan's API access, and run again",
            error.api_message().map(|message| format!(": {message}")).unwrap_or_default()
        )),
        SinkError::Rejected { .. } | SinkError::Conflict { .. } | SinkError::Refused { .. } => {
            WriteError::Rejected(error.to_string())
        }
        SinkError::Exhausted { .. } => WriteError::Unavailable(error.to_string()),
        // A 2xx that could not be read: a create may have been applied.
        SinkError::Unexpected { call, .. } if call.operation.method() == reqwest::Method::POST => {
            WriteError::Ambiguous(error.to_string())
        }
        SinkError::Unexpected { .. } => WriteError::Unavailable(error.to_string()),
        SinkError::Setup { .. } => WriteError::Fatal(error.to_string()),
    }
}

/// A 404 on `kind` `id` as "no longer exists", anything else as usual.
fn gone(error: SinkError, kind: &str, id: &str) -> WriteError {
    if error.is_not_found() { no_longer(kind, id) } else { write_error(error) }
}

/// The record was deleted in Intercom since it was written.
fn no_longer(kind: &str, id: &str) -> WriteError {
    WriteError::Rejected(format!(
        "{kind} {id} no longer exists in Intercom (deleted since it was written?); forget it in the ledger to \
         migrate it again"
    ))
}

/// The error for a kind this destination does not write.
fn not_written(capability: &Capability, kind: &str) -> WriteError {
    match &capability.mode {
        WriteMode::Unsupported(reason) => WriteError::Rejected(format!("`{kind}` is not supported: {reason}")),
        WriteMode::Match => {
            WriteError::Rejected(format!("`{kind}` records are matched with match_existing, not written"))
        }
        WriteMode::Create => WriteError::Rejected(format!("`{kind}` cannot be written this way")),
    }
}

/// The destination id of a custom object instance: its type and external id
/// (`Change:CH-0042`). Every 2.16 endpoint addresses an instance by these two, and `updated_at`
/// and `delete` are given only the id.
fn instance_id(object_type: &str, external_id: &str) -> String {
    format!("{object_type}:{external_id}")
}

/// The type and external id in a custom object instance's destination id (the type holds no
/// `:`, the external id may).
fn instance_key(id: &str) -> Result<(&str, &str), WriteError> {
    id.split_once(':')
        .filter(|(object_type, _)| !object_type.is_empty())
        .ok_or_else(|| WriteError::Rejected(format!("`{id}` is not a custom object instance id (TYPE:EXTERNAL_ID)")))
}

/// A failed instance upsert: a 404 is a type the workspace does not define.
fn instance_error(error: SinkError, object_type: &str) -> WriteError {
    if error.is_not_found() {
        return WriteError::Rejected(format!(
            "the custom object type `{object_type}` does not exist in the Intercom workspace ({error}); create it \
             in Intercom's settings (types cannot be created through the API) and run again"
        ));
    }
    write_error(error)
}

/// Whether two texts are the same but for surrounding whitespace (an absent or empty text is
/// none).
fn same_text(actual: Option<&str>, expected: Option<&str>) -> bool {
    fn trimmed(text: Option<&str>) -> Option<&str> {
        text.map(str::trim).filter(|text| !text.is_empty())
    }
    trimmed(actual) == trimmed(expected)
}

/// Whether two HTML bodies render to the same text (Intercom adds markup to what it is sent).
fn same_body(actual: Option<&str>, expected: Option<&str>) -> bool {
    let rendered = |text: Option<&str>| text.map(plain_text).filter(|text| !text.is_empty());
    rendered(actual) == rendered(expected)
}

/// An article state's name.
fn state_name(published: bool) -> &'static str {
    if published { "published" } else { "draft" }
}

/// A conversation's state as a target state.
fn current_state(conversation: &Conversation) -> TargetState {
    match conversation.state.as_deref() {
        Some("closed") => TargetState::Closed,
        Some("snoozed") => TargetState::Snoozed(conversation.snoozed_until.unwrap_or_default()),
        _ if conversation.open == Some(false) => TargetState::Closed,
        _ => TargetState::Open,
    }
}

/// Whether a wanted attribute value is what the conversation holds (numbers by value).
fn same_attribute(wanted: &Json, actual: Option<&Json>) -> bool {
    match (wanted, actual) {
        (Json::Number(left), Some(Json::Number(right))) => left.as_f64() == right.as_f64(),
        (wanted, Some(actual)) => wanted == actual,
        (_, None) => false,
    }
}

/// Whether an attribute type holds times (sent and compared as Unix seconds).
fn is_time_type(data_type: Option<&String>) -> bool {
    matches!(data_type.map(String::as_str), Some("date" | "datetime"))
}

/// An attachment given as a URL: `"https://…"` or `{"url": "https://…"}`.
fn attachment_url(item: &Json) -> Option<String> {
    match item {
        Json::String(url) => Some(url.clone()),
        Json::Object(object) if !object.contains_key("data") => object.get("url")?.as_str().map(str::to_owned),
        _ => None,
    }
}

/// An attachment given as a file: `{"content_type", "data" (base64), "name"}`.
fn attachment_file(item: &Json) -> Option<AttachmentFile> {
    let object = item.as_object()?;
    let text = |key: &str| object.get(key)?.as_str().map(str::to_owned);
    Some(AttachmentFile { content_type: text("content_type")?, data: text("data")?, name: text("name")? })
}

/// An attachment given as a reference to a source file, `{"source_id", "name", …}` without its
/// content: what the runner checksums and keeps in the ledger. Its name, if it is one.
fn attachment_reference(item: &Json) -> Option<String> {
    let object = item.as_object()?;
    if object.contains_key("data") || object.contains_key("url") || !object.contains_key("source_id") {
        return None;
    }
    object.get("name")?.as_str().map(str::to_owned)
}

/// The file name of an attachment in any of its forms (file, reference, URL).
fn attachment_name(item: &Json) -> Option<String> {
    match item {
        Json::String(url) => url.split(['?', '#']).next()?.rsplit('/').next().map(str::to_owned),
        Json::Object(object) => match object.get("name").and_then(Json::as_str) {
            Some(name) => Some(name.to_owned()),
            None => attachment_url(item)?.split(['?', '#']).next()?.rsplit('/').next().map(str::to_owned),
        },
        _ => None,
    }
}

/// The id of a part's author.
fn part_author(part: &Part) -> Option<&str> {
    part.author.as_ref().and_then(|author| author.id.as_deref())
}

/// The API's name of an attribute type (`string`, `datetime`, …).
fn type_name(data_type: &impl serde::Serialize) -> String {
    serde_json::to_value(data_type).ok().and_then(|value| value.as_str().map(str::to_owned)).unwrap_or_default()
}

/// An existing attribute must have the type the mapping needs.
fn compatible(attribute: &NewAttribute, found: &str, wanted: &str) -> Result<(), WriteError> {
    if found == wanted {
        return Ok(());
    }
    Err(WriteError::Fatal(format!(
        "the {} attribute `{}` exists in Intercom as `{found}`, but the mapping writes {} values, which need \
         `{wanted}`; Intercom cannot change an attribute's type, so map to another attribute name, or archive `{}` \
         in Intercom and run again",
        attribute.kind,
        attribute.name,
        attribute.field_type.as_str(),
        attribute.name
    )))
}

/// A lock type no Intercom attribute can hold.
fn unsupported_type(attribute: &NewAttribute) -> WriteError {
    WriteError::Fatal(format!(
        "the {} attribute `{}` would hold {} values, which no Intercom {} attribute type can; map it to text instead",
        attribute.kind,
        attribute.name,
        attribute.field_type.as_str(),
        attribute.kind
    ))
}

/// A list attribute cannot be created without its options, which the spec does not list.
fn needs_options(attribute: &NewAttribute) -> WriteError {
    WriteError::Fatal(format!(
        "the {} attribute `{}` is a list, and Intercom creates list attributes only with their options, which \
         neither the mapping's type nor the workspace lock lists; create `{}` in Intercom with its options (or map \
         it to text) and run again",
        attribute.kind, attribute.name, attribute.name
    ))
}

/// A failed attribute create: a 4xx names the attribute and stops the run (nothing can be written
/// without it).
fn attribute_error(attribute: &NewAttribute, error: SinkError) -> WriteError {
    match write_error(error) {
        WriteError::Rejected(message) => WriteError::Fatal(format!(
            "the {} attribute `{}` could not be created: {message}; fix or create it in Intercom and run again",
            attribute.kind, attribute.name
        )),
        other => other,
    }
}

/// Now, in Unix seconds.
fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drivers::intercom::{Call, Operation, Transient};

    fn call(operation: Operation) -> Call {
        Call { operation, path: operation.path().to_owned() }
    }

    #[test]
    fn sink_errors_become_the_runners_decisions() {
        let rejected =
            |status, body: &str| SinkError::from_response(call(Operation::CreateConversation), status, body.into());
        let unauthorized = write_error(rejected(401, r#"{"type":"error.list","errors":[{"code":"unauthorized"}]}"#));
        assert!(matches!(&unauthorized, WriteError::Fatal(message) if message.contains("rejected the access token")));
        let forbidden = write_error(rejected(
            403,
            r#"{"type":"error.list","errors":[{"code":"forbidden","message":"Missing scope"}]}"#,
        ));
        assert!(matches!(&forbidden, WriteError::Fatal(message) if message.contains("Missing scope")), "{forbidden}");
        let invalid = write_error(rejected(
            400,
            r#"{"type":"error.list","errors":[{"code":"parameter_invalid","message":"Body is required"}]}"#,
        ));
        assert!(
            matches!(&invalid, WriteError::Rejected(message) if message.contains("parameter_invalid (Body is required)")),
            "{invalid}"
        );
        let ambiguous =
            SinkError::Ambiguous { call: call(Operation::CreateConversation), attempts: 1, last: Transient::Timeout };
        assert!(matches!(write_error(ambiguous), WriteError::Ambiguous(_)));
        let exhausted = SinkError::Exhausted { call: call(Operation::ListTags), attempts: 4, last: Transient::Timeout };
        assert!(matches!(write_error(exhausted), WriteError::Unavailable(_)));
    }

    #[test]
    fn attachments_are_urls_or_files() {
        assert_eq!(attachment_url(&serde_json::json!("https://x/a.png")).as_deref(), Some("https://x/a.png"));
        assert_eq!(attachment_url(&serde_json::json!({"url": "https://x/b.png"})).as_deref(), Some("https://x/b.png"));
        let file = serde_json::json!({"content_type": "text/plain", "data": "aGk=", "name": "a.txt"});
        assert_eq!(attachment_url(&file), None);
        assert_eq!(attachment_file(&file).unwrap().name, "a.txt");
        let reference = serde_json::json!({"source_id": "7", "name": "r.pdf", "content_type": "application/pdf"});
        assert_eq!(attachment_reference(&reference).as_deref(), Some("r.pdf"));
        assert_eq!(attachment_reference(&file), None, "a file with content is not a reference");
        let names: Vec<Option<String>> =
            [&file, &reference, &serde_json::json!("https://x/c.png?v=2")].into_iter().map(attachment_name).collect();
        assert_eq!(names, vec![Some("a.txt".into()), Some("r.pdf".into()), Some("c.png".into())]);
    }

    #[test]
    fn a_reply_lists_references_for_lookups_but_never_sends_them() {
        let record = Outgoing {
            kind: "conversation_part".into(),
            fields: serde_json::json!({
                "author": {"kind": "admin", "id": "5"},
                "body": "<p>see attached</p>",
                "attachments": [{"source_id": "7", "name": "r.pdf", "content_type": "application/pdf", "size": 3}],
            })
            .as_object()
            .cloned()
            .unwrap(),
            parent: Some("c-1".into()),
        };
        let (_, reply) = IntercomDestination::reply(&record).unwrap();
        assert!(reply.attachment_files.is_empty() && reply.attachment_urls.is_empty());
    }
}
