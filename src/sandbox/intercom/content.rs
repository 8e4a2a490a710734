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

    /// `GET /help_center/collections?page=&per_page=`: every collection and section, most
    /// recently updated first, a page at a time (`per_page` 1–150, default 20), with page
    /// numbers in `pages` as the 2.16 examples show them.
    pub(crate) fn list_collections(&self, query: &QueryParams) -> ApiResult {
        let mut collections: Vec<&Collection> = self.collections.values().collect();
        collections.sort_by_key(|collection| std::cmp::Reverse((collection.updated_at, collection.id)));
        let items = collections.into_iter().map(|collection| self.render_collection(collection)).collect();
        paged(items, query, 20).map(Some)
    }

    /// `GET /help_center/collections/{id}`.
    pub(crate) fn get_collection(&self, id: &str) -> ApiResult {
        let collection = self.collection(id)?;
        Ok(Some(self.render_collection(collection)))
    }

    /// `PUT /help_center/collections/{id}`: `{name?, description?, parent_id?, translated_content?}`;
    /// only the fields sent change (`parent_id: null` makes it a top-level collection). A
    /// collection cannot go under itself or one of its own sections.
    pub(crate) fn update_collection(&mut self, id: &str, body: Body) -> ApiResult {
        let id = self.collection(id)?.id;
        let name = match body.str("name")? {
            Some(name) if name.trim().is_empty() => {
                return Err(ApiError::invalid("Name can't be blank").with_field("name"));
            }
            name => name.map(str::to_string),
        };
        let description = body.str("description")?.map(str::to_string);
        let parent_id = match body.id("parent_id")? {
            None => None,
            Some(parent) => {
                let parent =
                    numeric_id(&parent).filter(|parent| self.collections.contains_key(parent)).ok_or_else(|| {
                        ApiError::invalid(format!("parent_id '{parent}' is not a collection")).with_field("parent_id")
                    })?;
                let mut ancestor = Some(parent);
                while let Some(above) = ancestor {
                    if above == id {
                        return Err(ApiError::invalid(format!(
                            "parent_id '{parent}' is this collection or one of its sections"
                        ))
                        .with_field("parent_id"));
                    }
                    ancestor = self.collections.get(&above).and_then(|collection| collection.parent_id);
                }
                Some(parent)
            }
        };
        let translated_content = body.map("translated_content")?.map(|map| Value::Object(map.clone()));
        let now = self.now;
        let collection = self.collections.get_mut(&id).ok_or_else(ApiError::resource_not_found)?;
        if let Some(name) = name {
            collection.name = name;
        }
        if body.has("description") {
            collection.description = description;
        }
        if body.has("parent_id") {
            collection.parent_id = parent_id;
        }
        if body.has("translated_content") {
            collection.translated_content = translated_content;
        }
        collection.updated_at = now;
        let collection = collection.clone();
        Ok(Some(self.render_collection(&collection)))
    }

    /// `DELETE /help_center/collections/{id}`: sections under it become top-level collections and
    /// its articles lose that parent.
    pub(crate) fn delete_collection(&mut self, id: &str) -> ApiResult {
        let id = self.collection(id)?.id;
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

    /// `GET /articles?page=&per_page=`: every article, most recently updated first, a page at a
    /// time (`per_page` 1–150, default 25), with page numbers in `pages` as the 2.16 examples
    /// show them.
    pub(crate) fn list_articles(&self, query: &QueryParams) -> ApiResult {
        let mut articles: Vec<&Article> = self.articles.values().collect();
        articles.sort_by_key(|article| std::cmp::Reverse((article.updated_at, article.id)));
        let items = articles
            .into_iter()
            .map(|article| {
                let mut item = self.render_article(article);
                // List items are `article_list_item`s: no statistics.
                if let Some(item) = item.as_object_mut() {
                    item.remove("statistics");
                }
                item
            })
            .collect();
        paged(items, query, 25).map(Some)
    }

    /// `GET /articles/{id}`.
    pub(crate) fn get_article(&self, id: &str) -> ApiResult {
        let article = self.article(id)?;
        Ok(Some(self.render_article(article)))
    }

    /// `PUT /articles/{id}`: the fields of `POST /articles`, each optional; only the fields sent
    /// change (`state` left out keeps the state; `parent_id: null` makes it stand alone).
    pub(crate) fn update_article(&mut self, id: &str, body: Body) -> ApiResult {
        let id = self.article(id)?.id;
        let title = match body.str("title")? {
            Some(title) if title.trim().is_empty() => {
                return Err(ApiError::invalid("title can't be blank").with_field("title"));
            }
            title => title.map(str::to_string),
        };
        let author_id = match body.id("author_id")? {
            None => None,
            Some(author) => Some(self.admin(&author).map(|admin| admin.id).ok_or_else(|| {
                ApiError::invalid(format!("author_id {author} is not a teammate")).with_field("author_id")
            })?),
        };
        let state = match body.str("state")? {
            None => None,
            Some(state @ ("published" | "draft")) => Some(state.to_string()),
            Some(other) => {
                return Err(
                    ApiError::invalid(format!("state '{other}' must be published or draft")).with_field("state")
                );
            }
        };
        let parent_type = match body.str("parent_type")? {
            None => None,
            Some(kind @ ("collection" | "section")) => Some(kind.to_string()),
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
        let description = body.str("description")?.map(str::to_string);
        let text = body.str("body")?.map(str::to_string);
        let markdown = body.str("body_markdown")?.map(str::to_string);
        let translated_content = body.map("translated_content")?.map(|map| Value::Object(map.clone()));
        let now = self.now;
        let article = self.articles.get_mut(&id).ok_or_else(ApiError::resource_not_found)?;
        if let Some(title) = title {
            article.title = title;
        }
        if let Some(author_id) = author_id {
            article.author_id = author_id;
        }
        if body.has("description") {
            article.description = description;
        }
        if body.has("body") {
            article.body = text;
        }
        if body.has("body_markdown") {
            article.body_markdown = markdown;
        }
        if let Some(state) = state {
            article.state = state;
        }
        if body.has("parent_id") {
            article.parent_type = parent_id.map(|_| parent_type.unwrap_or_else(|| "collection".to_string()));
            article.parent_id = parent_id;
        }
        if body.has("translated_content") {
            article.translated_content = translated_content;
        }
        article.updated_at = now;
        let article = article.clone();
        Ok(Some(self.render_article(&article)))
    }

    /// `DELETE /articles/{id}`.
    pub(crate) fn delete_article(&mut self, id: &str) -> ApiResult {
        let id = self.article(id)?.id;
        self.articles.remove(&id);
        self.record_deleted("articles", id.to_string());
        Ok(Some(json!({ "id": id.to_string(), "object": "article", "deleted": true })))
    }

    /// `POST /custom_object_instances/{type}`: creates the instance, or updates the one of that
    /// type with the same `external_id`. The type must be one the workspace defines (types are
    /// defined in the Intercom UI, not through the API).
    pub(crate) fn upsert_custom_object(&mut self, kind: &str, body: Body) -> ApiResult {
        self.custom_object_type(kind)?;
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
        self.custom_object_type(kind)?;
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
        paged(items, query, 20).map(Some)
    }

    /// `DELETE /custom_object_instances/{type}?external_id=`.
    pub(crate) fn delete_custom_object(&mut self, kind: &str, query: &QueryParams) -> ApiResult {
        self.custom_object_type(kind)?;
        let external_id =
            query.get("external_id").ok_or_else(|| ApiError::missing("external_id is a required parameter"))?;
        let id = self.custom_object(kind, external_id)?.id;
        self.custom_objects.remove(&id);
        self.record_deleted("custom_object_instances", id.to_string());
        Ok(Some(json!({ "id": id.to_string(), "object": kind, "deleted": true })))
    }

    /// A collection by id text, or 404 `not_found` "Resource Not Found".
    fn collection(&self, id: &str) -> Result<&Collection, ApiError> {
        numeric_id(id).and_then(|id| self.collections.get(&id)).ok_or_else(ApiError::resource_not_found)
    }

    /// An article by id text, or 404 `not_found` "Resource Not Found".
    fn article(&self, id: &str) -> Result<&Article, ApiError> {
        numeric_id(id).and_then(|id| self.articles.get(&id)).ok_or_else(ApiError::resource_not_found)
    }

    /// `Ok` when the workspace defines the custom object type, else Intercom's 404 `not_found`
    /// "Custom object type `X` not found".
    fn custom_object_type(&self, kind: &str) -> Result<(), ApiError> {
        if self.custom_object_types.contains(kind) {
            return Ok(());
        }
        Err(ApiError::not_found("not_found", format!("Custom object type `{kind}` not found")))
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

/// One page of `items` as a page-numbered list: `page` (from 1) and `per_page` (1–150, default
/// `default_per_page`) from the query, `{type: "list", pages: {type, page, per_page,
/// total_pages}, total_count, data}`. A page past the end is empty.
fn paged(items: Vec<Value>, query: &QueryParams, default_per_page: usize) -> Result<Value, ApiError> {
    let number =
        |name: &str, default: usize, max: usize| match query.get(name) {
            None => Ok(default),
            Some(text) => text.parse::<usize>().ok().filter(|n| (1..=max).contains(n)).ok_or_else(|| {
                ApiError::invalid(format!("{name} must be an integer from 1 to {max}")).with_field(name)
            }),
        };
    let per_page = number("per_page", default_per_page, 150)?;
    let page = number("page", 1, usize::MAX)?;
    let total = items.len();
    let data: Vec<Value> = items.into_iter().skip((page - 1).saturating_mul(per_page)).take(per_page).collect();
    Ok(json!({
        "type": "list",
        "pages": { "type": "pages", "page": page, "per_page": per_page, "total_pages": total.div_ceil(per_page) },
        "total_count": total,
        "data": data,
    }))
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
