//! Help center collections and articles, and custom object instances.

use serde_json::{Map, Value, json};

use super::body::{Body, numeric_id};
use super::error::{ApiError, ApiResult};
use super::ids::Kind;
use super::routes::QueryParams;
use super::state::{Article, Collection, CustomObjectInstance, State};
use super::workspace::merge_attributes;

impl State {
    /// `POST /help_center/collections`: `{name, description?, parent_id?, help_center_id?,
    /// translated_content?}`; a collection with a parent is a section.
    pub(crate) fn create_collection(&mut self, body: Body) -> ApiResult {
        let name = body.required_str("name", ApiError::missing("Name is a required parameter.").with_field("name"))?;
        let parent_id = match body.id("parent_id")? {
            None => None,
            Some(parent) => {
                Some(numeric_id(&parent).filter(|parent| self.collections.contains_key(parent)).ok_or_else(|| {
                    ApiError::invalid(format!("parent_id '{parent}' is not a collection")).with_field("parent_id")
                })?)
            }
        };
        if let Some(help_center) = body.int("help_center_id")?
            && u64::try_from(help_center).ok() != Some(self.help_center_id)
        {
            return Err(ApiError::resource_not_found());
        }
        let translated_content = body.map("translated_content")?.map(|map| Value::Object(map.clone()));
        let order = self.collections.values().filter(|collection| collection.parent_id == parent_id).count() as u64 + 1;
        let collection = Collection {
            id: self.ids.next(Kind::Collection),
            name: name.to_string(),
            description: body.str("description")?.map(str::to_string),
            parent_id,
            translated_content,
            order,
            created_at: self.now,
            updated_at: self.now,
        };
        let rendered = self.render_collection(&collection);
        self.collections.insert(collection.id, collection);
        Ok(Some(rendered))
    }

    /// `DELETE /help_center/collections/{id}`: sections under it become top-level collections and
    /// its articles lose that parent.
    pub(crate) fn delete_collection(&mut self, id: &str) -> ApiResult {
        let id =
            numeric_id(id).filter(|id| self.collections.contains_key(id)).ok_or_else(ApiError::resource_not_found)?;
        self.collections.remove(&id);
        for collection in self.collections.values_mut() {
            if collection.parent_id == Some(id) {
                collection.parent_id = None;
            }
        }
        for article in self.articles.values_mut() {
            if article.parent_id == Some(id) {
                article.parent_id = None;
                article.parent_type = None;
            }
        }
        self.record_deleted("collections", id.to_string());
        Ok(Some(json!({ "id": id.to_string(), "object": "collection", "deleted": true })))
    }

    /// `POST /articles`: `{title, author_id, description?, body? | body_markdown?, state?,
    /// parent_id?, parent_type?, translated_content?}`; title and author may come from the
    /// default locale (`en`) of `translated_content`.
    pub(crate) fn create_article(&mut self, body: Body) -> ApiResult {
        let default_locale = body.object("translated_content")?.object("en")?;
        let title = match body.str("title")? {
            Some(title) => Some(title),
            None => default_locale.str("title")?,
        }
        .filter(|title| !title.trim().is_empty())
        .ok_or_else(|| {
            ApiError::missing("title must be in the main body or default locale translated_content object")
        })?;
        let author = match body.id("author_id")? {
            Some(author) => Some(author),
            None => default_locale.id("author_id")?,
        }
        .ok_or_else(|| {
            ApiError::missing("author_id must be in the main body or default locale translated_content object")
        })?;
        let author_id = self.admin(&author).map(|admin| admin.id).ok_or_else(|| {
            ApiError::invalid(format!("author_id {author} is not a teammate")).with_field("author_id")
        })?;
        let state = match body.str("state")? {
            None => "draft",
            Some(state @ ("published" | "draft")) => state,
            Some(other) => {
                return Err(
                    ApiError::invalid(format!("state '{other}' must be published or draft")).with_field("state")
                );
            }
        };
        let parent_type = match body.str("parent_type")? {
            None | Some("collection" | "section") => body.str("parent_type")?.map(str::to_string),
            Some(other) => {
                return Err(ApiError::invalid(format!("parent_type '{other}' must be collection or section"))
                    .with_field("parent_type"));
            }
        };
        let parent_id = match body.id("parent_id")? {
            None => None,
            Some(parent) => {
                Some(numeric_id(&parent).filter(|parent| self.collections.contains_key(parent)).ok_or_else(|| {
                    ApiError::invalid(format!("parent_id '{parent}' is not a collection")).with_field("parent_id")
                })?)
            }
        };
        let article = Article {
            id: self.ids.next(Kind::Article),
            title: title.to_string(),
            description: body.str("description")?.map(str::to_string),
            body: body.str("body")?.map(str::to_string),
            body_markdown: body.str("body_markdown")?.map(str::to_string),
            author_id,
            state: state.to_string(),
            parent_type: parent_id.map(|_| parent_type.unwrap_or_else(|| "collection".to_string())),
            parent_id,
            translated_content: body.map("translated_content")?.map(|map| Value::Object(map.clone())),
            created_at: self.now,
            updated_at: self.now,
        };
        let rendered = self.render_article(&article);
        self.articles.insert(article.id, article);
        Ok(Some(rendered))
    }

    /// `DELETE /articles/{id}`.
    pub(crate) fn delete_article(&mut self, id: &str) -> ApiResult {
        let id = numeric_id(id).filter(|id| self.articles.contains_key(id)).ok_or_else(ApiError::resource_not_found)?;
        self.articles.remove(&id);
        self.record_deleted("articles", id.to_string());
        Ok(Some(json!({ "id": id.to_string(), "object": "article", "deleted": true })))
    }

    /// `POST /custom_object_instances/{type}`: creates the instance, or updates the one of that
    /// type with the same `external_id`. Any type identifier is accepted (types are defined in
    /// the Intercom UI, not through the API).
    pub(crate) fn upsert_custom_object(&mut self, kind: &str, body: Body) -> ApiResult {
        let external_id = body.str("external_id")?.map(str::to_string);
        let custom = body.map("custom_attributes")?;
        let existing = external_id.as_ref().and_then(|external_id| {
            self.custom_objects
                .values()
                .find(|instance| instance.type_identifier == kind && instance.external_id.as_ref() == Some(external_id))
                .map(|instance| instance.id)
        });
        let id = existing.unwrap_or_else(|| self.ids.next(Kind::CustomObject));
        let now = self.now;
        let instance = self.custom_objects.entry(id).or_insert_with(|| CustomObjectInstance {
            id,
            type_identifier: kind.to_string(),
            external_id,
            external_created_at: None,
            external_updated_at: None,
            custom_attributes: Map::new(),
            created_at: now,
            updated_at: now,
        });
        if body.has("external_created_at") {
            instance.external_created_at = body.int("external_created_at")?;
        }
        if body.has("external_updated_at") {
            instance.external_updated_at = body.int("external_updated_at")?;
        }
        if let Some(custom) = custom {
            merge_attributes(&mut instance.custom_attributes, custom);
        }
        instance.updated_at = now;
        Ok(Some(render_custom_object(instance)))
    }

    /// `GET /custom_object_instances/{type}?external_id=`: the instance; without `external_id`, a
    /// page of all instances of the type (`page`, `per_page` ≤ 150).
    pub(crate) fn find_custom_objects(&mut self, kind: &str, query: &QueryParams) -> ApiResult {
        if let Some(external_id) = query.get("external_id") {
            let instance = self.custom_object(kind, external_id)?;
            return Ok(Some(render_custom_object(instance)));
        }
        let items: Vec<Value> = self
            .custom_objects
            .values()
            .filter(|instance| instance.type_identifier == kind)
            .map(render_custom_object)
            .collect();
        let number = |name: &str, default: usize, max: usize| match query.get(name) {
            None => Ok(default),
            Some(text) => text.parse::<usize>().ok().filter(|n| (1..=max).contains(n)).ok_or_else(|| {
                ApiError::invalid(format!("{name} must be an integer from 1 to {max}")).with_field(name)
            }),
        };
        let per_page = number("per_page", 20, 150)?;
        let page = number("page", 1, usize::MAX)?;
        let total = items.len();
        let data: Vec<Value> = items.into_iter().skip((page - 1).saturating_mul(per_page)).take(per_page).collect();
        Ok(Some(json!({
            "type": "list",
            "pages": { "type": "pages", "page": page, "per_page": per_page, "total_pages": total.div_ceil(per_page) },
            "total_count": total,
            "data": data,
        })))
    }

    /// `DELETE /custom_object_instances/{type}?external_id=`.
    pub(crate) fn delete_custom_object(&mut self, kind: &str, query: &QueryParams) -> ApiResult {
        let external_id =
            query.get("external_id").ok_or_else(|| ApiError::missing("external_id is a required parameter"))?;
        let id = self.custom_object(kind, external_id)?.id;
        self.custom_objects.remove(&id);
        self.record_deleted("custom_object_instances", id.to_string());
        Ok(Some(json!({ "id": id.to_string(), "object": kind, "deleted": true })))
    }

    fn custom_object(&self, kind: &str, external_id: &str) -> Result<&CustomObjectInstance, ApiError> {
        self.custom_objects
            .values()
            .find(|instance| instance.type_identifier == kind && instance.external_id.as_deref() == Some(external_id))
            .ok_or_else(|| ApiError::not_found("not_found", "Custom object instance not found"))
    }

    fn render_collection(&self, collection: &Collection) -> Value {
        json!({
            "type": "collection",
            "id": collection.id.to_string(),
            "workspace_id": self.workspace_id,
            "name": collection.name,
            "description": collection.description.clone().unwrap_or_default(),
            "created_at": collection.created_at,
            "updated_at": collection.updated_at,
            "url": format!("https://help.sandbox.invalid/{}/collections/{}", self.workspace_id, collection.id),
            "icon": "book-bookmark",
            "order": collection.order,
            "default_locale": "en",
            "translated_content": collection.translated_content,
            "parent_id": collection.parent_id.map(|id| id.to_string()),
            "help_center_id": self.help_center_id,
        })
    }

    fn render_article(&self, article: &Article) -> Value {
        let mut parent_ids = Vec::new();
        let mut parent = article.parent_id;
        while let Some(id) = parent.filter(|id| !parent_ids.contains(id)) {
            parent_ids.push(id);
            parent = self.collections.get(&id).and_then(|collection| collection.parent_id);
        }
        json!({
            "type": "article",
            "id": article.id.to_string(),
            "workspace_id": self.workspace_id,
            "title": article.title,
            "description": article.description,
            "body": article.body,
            "body_markdown": article.body_markdown,
            "author_id": article.author_id,
            "state": article.state,
            "created_at": article.created_at,
            "updated_at": article.updated_at,
            "url": format!("https://help.sandbox.invalid/{}/articles/{}", self.workspace_id, article.id),
            "parent_id": article.parent_id,
            "parent_type": article.parent_type,
            "parent_ids": parent_ids,
            "default_locale": "en",
            "translated_content": article.translated_content,
            "statistics": {
                "type": "article_statistics", "views": 0, "conversions": 0, "reactions": 0,
                "happy_reaction_percentage": 0, "neutral_reaction_percentage": 0, "sad_reaction_percentage": 0,
            },
            "tags": { "type": "tag.list", "tags": [] },
        })
    }
}

fn render_custom_object(instance: &CustomObjectInstance) -> Value {
    json!({
        "id": instance.id.to_string(),
        "type": instance.type_identifier,
        "custom_attributes": instance.custom_attributes,
        "external_id": instance.external_id,
        "external_created_at": instance.external_created_at,
        "external_updated_at": instance.external_updated_at,
        "created_at": instance.created_at,
        "updated_at": instance.updated_at,
    })
}
