//! The TOPdesk objects a spec reads: where each list lives, how it pages, and how every flat
//! column is found in the nested JSON.
//!
//! Object and column names are the ones `cutover generate --platform topdesk` writes, so a spec
//! written against a generated lock reads the same names from a live TOPdesk. A column is declared
//! as `name:type@path|path…` ([`columns`]): the type is the lock type the driver reports in
//! `describe` (text when left out), and the paths are where the value may sit, tried in order, so
//! one declaration reads every documented variant (a change's assignee at `assignee` or at
//! `simple.assignee`, an asset's name at `name` or at the grid's `text`). Without paths a column
//! is read at its own name, then with its first `_` as a dot (`caller_email` at `caller.email`,
//! `optionalFields1_text1` at `optionalFields1.text1`). A path starting with `/` is a request of
//! its own per record (`{id}` is the record's id), for values no list carries (an operator's
//! groups). A path `=JSON` is the value TOPdesk means when it leaves the field out (`=false`).
//!
//! A type ending in `!` marks a column TOPdesk always fills (numbers, names), reported as
//! required. A type ending in `?` marks a free field (`optionalFields1_text1:text?`): TOPdesk shows an
//! unset one as `""` or `0`, indistinguishable from a value someone entered, so those read as null.
//!
//! Values are flattened by type: a relation keeps the referenced object's `id`, any other column
//! holding an object keeps its `name` (lookup lists: `category`, `priority`, `processingStatus`),
//! or `groupName`/`dynamicName`/`text` where TOPdesk names it so.

use std::sync::OnceLock;

use crate::check::schema::{FieldSchema, FieldType, ObjectSchema};

use super::paging::Envelope;

/// How a list pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    /// Offset paging with the endpoint's own parameter names and largest page.
    Offset {
        /// The offset parameter (`pageStart`, `start`).
        start: &'static str,
        /// The page size parameter (`pageSize`, `page_size`).
        size: &'static str,
        /// The largest page the endpoint accepts.
        max: usize,
    },
    /// `$top` pages ordered by `field`, continued from the last date read (reservations).
    Seek {
        /// The date the list is ordered by.
        field: &'static str,
        /// The largest `$top`.
        max: usize,
    },
    /// One answer holds the whole list (branches, departments).
    Whole,
}

/// One readable object.
#[derive(Debug)]
pub struct Endpoint {
    /// The object's name (`incidents`).
    pub name: &'static str,
    /// The lock label.
    pub label: &'static str,
    /// The list path; `{parent}` is the parent's id for a child object.
    pub path: &'static str,
    /// The list's envelope.
    pub envelope: Envelope,
    /// How it pages.
    pub paging: Paging,
    /// The `Accept` media type, when the endpoint needs its own.
    pub accept: Option<&'static str>,
    /// Fixed parameters (`all=true`: archived and partial incidents too).
    pub extra: &'static str,
    /// The FIQL filter that includes archived records where the list hides them by default.
    pub archived: Option<&'static str>,
    /// The parameter that trims the answer to the fields read, where it is documented.
    pub fields_param: Option<&'static str>,
    /// The date field of FIQL windows, for lists read in windows.
    pub window: Option<&'static str>,
    /// The single-record path (`{id}`), asked when a list row lacks a column the spec reads.
    pub detail: Option<&'static str>,
    /// For a child object: its parent object and the column that holds the parent's id.
    pub parent: Option<(&'static str, &'static str)>,
    /// A count endpoint and the member holding the number.
    pub count: Option<(&'static str, &'static str)>,
    /// A second list of the same parent whose entries the first may lack (the trail and the
    /// caller's requests, digest §6), merged in by id, with its largest page.
    pub also: Option<(&'static str, usize)>,
    /// The older form of the list, for a TOPdesk that answers 406 to `accept`.
    pub legacy: Option<(Envelope, Paging)>,
    /// Only list entries whose field (first) has this value (second) are records.
    pub keep: Option<(&'static str, &'static str)>,
    /// The columns, declared as described in the module documentation.
    pub spec: &'static str,
}

/// One flat column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The column name.
    pub name: &'static str,
    /// Its lock type.
    pub field_type: FieldType,
    /// A list of values.
    pub many: bool,
    /// For a relation, the object it points to.
    pub target: Option<&'static str>,
    /// Where the value may sit, in order.
    pub paths: Vec<String>,
    /// A free field, whose `""` and `0` mean unset.
    pub free: bool,
    /// Always filled by TOPdesk (`!`).
    pub required: bool,
}

const INCIDENT_FIELDS: &str = "id number:text! status:enum briefDescription request caller:rel=persons \
    caller_dynamicName caller_email callerBranch:rel=branches callType:enum entryType:enum category:enum \
    subcategory:enum impact:enum urgency:enum priority:enum operator:rel=operators \
    operatorGroup:rel=operatorgroups processingStatus:enum completed:bool completedDate:datetime closed:bool \
    closedDate:datetime closureCode:enum targetDate:datetime callDate:datetime onHold:bool onHoldDate:datetime \
    creator:rel=operators creationDate:datetime modifier:rel=operators modificationDate:datetime majorCall:bool \
    mainIncident:rel=incidents asset:rel=assets externalNumber feedbackRating:int feedbackMessage \
    timeSpent:float? optionalFields1_boolean1:bool optionalFields1_number1:float? optionalFields1_date1:datetime \
    optionalFields1_text1:text? optionalFields1_memo1:text? optionalFields1_searchlist1:enum \
    optionalFields2_number1:float? optionalFields2_date1:datetime optionalFields2_searchlist1:enum";

// E-mail and attachment entries carry neither a flag nor a visibility nor a creation date, and
// request entries no visibility: TOPdesk shows those as unflagged, visible and entered when made.
const TRAIL_FIELDS: &str = "id incident:rel=incidents entryDate:datetime operator:rel=operators@operator|user \
    person:rel=persons memoText:html plainText invisibleForCaller:bool@invisibleForCaller|=false \
    flag:int@flag|=0 fileName downloadUrl size:int title sender creationDate:datetime@creationDate|entryDate \
    attachment_ids:rels=attachments";

const ATTACHMENT_FIELDS: &str = "id incident:rel=incidents fileName:text! downloadUrl size:int description \
    invisibleForCaller:bool entryDate:datetime operator:rel=operators person:rel=persons contentType \
    content:binary";

// `noEmail` is the driver's own flag (computed from `email`, see `source.rs`): a person without a
// usable address is flagged rather than given a made-up one, and the spec decides what to do.
const PERSON_FIELDS: &str = "id firstName surName:text! dynamicName email noEmail:bool@=false phoneNumber mobileNumber jobTitle \
    department:enum branch:rel=branches language:enum tasLoginName networkLoginName employeeNumber \
    hasSspAccess:bool archived:bool creationDate:datetime modificationDate:datetime";

const OPERATOR_FIELDS: &str = "id loginName dynamicName firstName surName email jobTitle branch:rel=branches \
    operatorGroups:rels=operatorgroups@operatorGroups|/tas/api/operators/id/{id}/operatorgroups \
    firstLineCallOperator:bool secondLineCallOperator:bool changeCoordinator:bool knowledgeBaseManager:bool \
    archived:bool creationDate:datetime modificationDate:datetime";

const GROUP_FIELDS: &str = "id groupName:text! branch:rel=branches email@email|contact.email archived:bool creationDate:datetime \
    modificationDate:datetime";

const BRANCH_FIELDS: &str = "id name:text! clientReferenceNumber timeZone:enum phone email city@city|address.city \
    country@country|address.country branchType:enum headBranch:rel=branches archived:bool creationDate:datetime \
    modificationDate:datetime";

// A simple change keeps its dates and assignee under `simple`; an extensive one has a
// coordinator and phases (the progress phase's planned and actual end are its implementation).
const CHANGE_FIELDS: &str = "id number:text! briefDescription request:html changeType:enum processingStatus:enum \
    requester:rel=persons assignee:rel=operators@assignee|simple.assignee|coordinator category:enum impact:enum \
    plannedImplementationDate:datetime@plannedImplementationDate|simple.plannedImplementationDate|phases.progress.plannedEndDate \
    implementationDate:datetime@implementationDate|simple.implementationDate|phases.progress.endDate \
    closedDate:datetime@closedDate|simple.closedDate|phases.evaluation.endDate creationDate:datetime \
    modificationDate:datetime@modificationDate|lastModificationDate";

// `parents` and `ancestors` are the driver's own (see `source.rs`): the asset links resolved, with
// cycles stopped.
const ASSET_FIELDS: &str = "id name:text!@name|text templateName:enum@templateName|type status:enum@status|@status \
    serialNumber purchaseDate:date warrantyExpiry:date assignedPerson:rel=persons branch:rel=branches \
    archived:bool creationDate:datetime modificationDate:datetime parents:rels=assets ancestors:rels=assets";

const KNOWLEDGE_FIELDS: &str = "id number:text! parent:rel=knowledgeFolders language:enum@language|translation.language \
    title@title|translation.content.title description:html@description|translation.content.description \
    content:html@content|translation.content.content \
    commentsForOperators@commentsForOperators|translation.content.commentsForOperators \
    keywords@keywords|translation.content.keywords status:enum \
    sspVisibility:enum@sspVisibility|visibility.sspVisibility \
    sspVisibleFrom:datetime@sspVisibleFrom|visibility.sspVisibleFrom \
    sspVisibleUntil:datetime@sspVisibleUntil|visibility.sspVisibleUntil news:bool availableTranslations:texts \
    creationDate:datetime modificationDate:datetime";

const CHANGE_ACTIVITY_FIELDS: &str = "id number:text! briefDescription change:rel=changes plannedChangePhase:enum \
    activityType:enum processingStatus:enum assignee:rel=operators plannedStartDate:datetime \
    plannedFinalDate:datetime finalDate:datetime creationDate:datetime \
    modificationDate:datetime@modificationDate|lastModificationDate";

// A link appears under both its assets; read under the parent, where it is a `child` link.
const ASSET_LINK_FIELDS: &str = "id@linkId|id parent:rel=assets child:rel=assets@assetId";

const LOCATION_FIELDS: &str = "id name:text! roomNumber branch:rel=branches type:enum archived:bool \
    creationDate:datetime modificationDate:datetime";

const FOLDER_FIELDS: &str = "id name:text! parent:rel=knowledgeFolders creationDate:datetime modificationDate:datetime";

// One language version of an item other than its own, read with `language=`; TOPdesk gives a
// translation no id of its own, so its id is `ITEM/LANGUAGE`.
const TRANSLATION_FIELDS: &str = "id item:rel=knowledgeItems language:enum@translation.language \
    title@translation.content.title description:html@translation.content.description \
    content:html@translation.content.content commentsForOperators@translation.content.commentsForOperators \
    keywords@translation.content.keywords";

const OPERATIONAL_FIELDS: &str = "id number:text! briefDescription type:enum status:enum operator:rel=operators \
    operatorGroup:rel=operatorgroups plannedStartDate:datetime plannedEndDate:datetime resolved:bool \
    skipped:bool archived:bool creationDate:datetime modificationDate:datetime";

const RESERVATION_FIELDS: &str = "id number:text! briefDescription status:enum requester:rel=persons \
    operator:rel=operators location:rel=locations@location|reservedFacilities.0.location numberOfPersons:int \
    plannedStartDate:datetime plannedEndDate:datetime archived:bool modificationDate:datetime";

/// The knowledge base returns an item's content only when asked for it, on lists and single
/// items alike.
macro_rules! knowledge_fields {
    () => {
        "fields=id,number,parent,status,visibility,news,availableTranslations,archived,creationDate,\
         modificationDate,title,description,content,commentsForOperators,keywords"
    };
}

const ARRAY_START: Paging = Paging::Offset { start: "start", size: "page_size", max: 100 };

/// Every object, in the order `describe` lists them.
pub static ENDPOINTS: [Endpoint; 17] = [
    Endpoint {
        name: "incidents",
        label: "Incident",
        path: "/tas/api/incidents",
        envelope: Envelope::Array,
        paging: Paging::Offset { start: "pageStart", size: "pageSize", max: 10_000 },
        accept: None,
        extra: "all=true&dateFormat=iso8601",
        archived: None,
        fields_param: Some("fields"),
        window: Some("creationDate"),
        detail: Some("/tas/api/incidents/id/{id}"),
        parent: None,
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: INCIDENT_FIELDS,
    },
    Endpoint {
        name: "progresstrail",
        label: "Progress trail entry: a memo (memoText), an attachment (fileName) or a sent e-mail (title)",
        path: "/tas/api/incidents/id/{parent}/progresstrail",
        envelope: Envelope::Array,
        paging: ARRAY_START,
        accept: None,
        extra: "",
        archived: None,
        fields_param: None,
        window: None,
        detail: None,
        parent: Some(("incidents", "incident")),
        count: Some(("/tas/api/incidents/id/{parent}/progresstrail/count", "count")),
        legacy: None,
        also: Some(("/tas/api/incidents/id/{parent}/requests", 10)),
        keep: None,
        spec: TRAIL_FIELDS,
    },
    Endpoint {
        name: "attachments",
        label: "Incident attachment (same id as its progress-trail entry)",
        path: "/tas/api/incidents/id/{parent}/attachments",
        envelope: Envelope::Array,
        // 10 is the 3.8.5 maximum; 4.2.6 allows 100, and a smaller page works on both.
        paging: Paging::Offset { start: "start", size: "page_size", max: 10 },
        accept: None,
        extra: "",
        archived: None,
        fields_param: None,
        window: None,
        detail: None,
        parent: Some(("incidents", "incident")),
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: ATTACHMENT_FIELDS,
    },
    Endpoint {
        name: "persons",
        label: "Person (caller)",
        path: "/tas/api/persons",
        envelope: Envelope::ItemNext,
        paging: Paging::Offset { start: "pageStart", size: "pageSize", max: 5000 },
        accept: Some("application/x.topdesk-collection-person-v2+json"),
        extra: "fields=all",
        archived: None,
        fields_param: None,
        window: None,
        detail: Some("/tas/api/persons/id/{id}"),
        parent: None,
        count: Some(("/tas/api/persons/count", "numberOfPersons")),
        legacy: Some((Envelope::Array, ARRAY_START)),
        also: None,
        keep: None,
        spec: PERSON_FIELDS,
    },
    Endpoint {
        name: "operators",
        label: "Operator (agent)",
        path: "/tas/api/operators",
        envelope: Envelope::Array,
        paging: ARRAY_START,
        accept: None,
        extra: "",
        archived: Some("archived=in=(true,false)"),
        fields_param: None,
        window: None,
        detail: Some("/tas/api/operators/id/{id}"),
        parent: None,
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: OPERATOR_FIELDS,
    },
    Endpoint {
        name: "operatorgroups",
        label: "Operator group",
        path: "/tas/api/operatorgroups",
        envelope: Envelope::Array,
        paging: ARRAY_START,
        accept: None,
        extra: "",
        archived: Some("archived=in=(true,false)"),
        fields_param: None,
        window: None,
        detail: Some("/tas/api/operatorgroups/id/{id}"),
        parent: None,
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: GROUP_FIELDS,
    },
    Endpoint {
        name: "branches",
        label: "Branch",
        path: "/tas/api/branches",
        envelope: Envelope::Array,
        paging: Paging::Whole,
        accept: None,
        extra: "$fields=*",
        archived: Some("archived=in=(true,false)"),
        fields_param: None,
        window: None,
        detail: Some("/tas/api/branches/id/{id}"),
        parent: None,
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: BRANCH_FIELDS,
    },
    Endpoint {
        name: "changes",
        label: "Change (operatorChanges)",
        path: "/tas/api/operatorChanges",
        envelope: Envelope::Results,
        paging: Paging::Offset { start: "pageStart", size: "pageSize", max: 1000 },
        accept: None,
        extra: "",
        archived: None,
        fields_param: None,
        window: Some("creationDate"),
        detail: Some("/tas/api/operatorChanges/{id}"),
        parent: None,
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: CHANGE_FIELDS,
    },
    Endpoint {
        name: "assets",
        label: "Asset",
        path: "/tas/api/assetmgmt/assets",
        envelope: Envelope::Grid,
        paging: Paging::Offset { start: "pageStart", size: "pageSize", max: 1000 },
        accept: Some("application/x.topdesk-am-assets-v2+json"),
        extra: "",
        archived: None,
        fields_param: None,
        window: None,
        detail: Some("/tas/api/assetmgmt/assets/{id}"),
        parent: None,
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: ASSET_FIELDS,
    },
    Endpoint {
        name: "knowledgeItems",
        label: "Knowledge item (one language version)",
        path: "/services/knowledge-base-v1/knowledgeItems",
        envelope: Envelope::ItemNext,
        paging: Paging::Offset { start: "start", size: "page_size", max: 1000 },
        accept: Some("application/x.topdesk-kb-ki-list-v1+json"),
        extra: knowledge_fields!(),
        archived: None,
        fields_param: None,
        window: None,
        detail: Some(concat!("/services/knowledge-base-v1/knowledgeItems/{id}?", knowledge_fields!())),
        parent: None,
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: KNOWLEDGE_FIELDS,
    },
    Endpoint {
        name: "changeActivities",
        label: "Change activity",
        path: "/tas/api/operatorChangeActivities?change={parent}",
        envelope: Envelope::Results,
        paging: Paging::Offset { start: "pageStart", size: "pageSize", max: 1000 },
        accept: None,
        extra: "",
        archived: None,
        fields_param: None,
        window: None,
        detail: Some("/tas/api/operatorChangeActivities/{id}"),
        parent: Some(("changes", "change")),
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: CHANGE_ACTIVITY_FIELDS,
    },
    Endpoint {
        name: "assetLinks",
        label: "Asset parent-child link",
        path: "/tas/api/assetmgmt/assetLinks?sourceId={parent}",
        envelope: Envelope::Array,
        paging: Paging::Whole,
        accept: None,
        extra: "",
        archived: None,
        fields_param: None,
        window: None,
        detail: None,
        parent: Some(("assets", "parent")),
        count: None,
        legacy: None,
        also: None,
        keep: Some(("linkType", "child")),
        spec: ASSET_LINK_FIELDS,
    },
    Endpoint {
        name: "locations",
        label: "Location",
        path: "/tas/api/locations",
        envelope: Envelope::Array,
        paging: Paging::Whole,
        accept: None,
        extra: "$fields=id,name,roomNumber,branch,type,archived,creationDate,modificationDate",
        archived: Some("archived=in=(true,false)"),
        fields_param: None,
        window: None,
        detail: None,
        parent: None,
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: LOCATION_FIELDS,
    },
    Endpoint {
        name: "knowledgeFolders",
        label: "Knowledge base folder",
        path: "/services/knowledge-base-v1/folders",
        envelope: Envelope::ItemNext,
        paging: Paging::Offset { start: "start", size: "page_size", max: 1000 },
        accept: None,
        extra: "",
        archived: None,
        fields_param: None,
        window: None,
        detail: None,
        parent: None,
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: FOLDER_FIELDS,
    },
    Endpoint {
        name: "knowledgeTranslations",
        label: "Knowledge item translation (a language other than the item's own)",
        path: "/services/knowledge-base-v1/knowledgeItems/{parent}",
        envelope: Envelope::Array,
        paging: Paging::Whole,
        accept: Some("application/x.topdesk-kb-ki-v1+json"),
        extra: "fields=title,description,content,commentsForOperators,keywords",
        archived: None,
        fields_param: None,
        window: None,
        detail: None,
        parent: Some(("knowledgeItems", "item")),
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: TRANSLATION_FIELDS,
    },
    Endpoint {
        name: "operationalActivities",
        label: "Operational activity",
        path: "/tas/api/operationalActivities",
        envelope: Envelope::ItemNext,
        paging: Paging::Offset { start: "pageStart", size: "pageSize", max: 1000 },
        accept: Some("application/x.topdesk-collection-om-activity-v1+json"),
        extra: "fields=all&sort=creationDate:asc",
        archived: None,
        fields_param: None,
        window: None,
        detail: Some("/tas/api/operationalActivities/{id}"),
        parent: None,
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: OPERATIONAL_FIELDS,
    },
    Endpoint {
        name: "reservations",
        label: "Reservation",
        path: "/tas/api/reservations",
        envelope: Envelope::Results,
        paging: Paging::Seek { field: "plannedStartDate", max: 10_000 },
        accept: None,
        extra: "",
        archived: None,
        fields_param: None,
        window: None,
        detail: Some("/tas/api/reservations/{id}"),
        parent: None,
        count: None,
        legacy: None,
        also: None,
        keep: None,
        spec: RESERVATION_FIELDS,
    },
];
/// The endpoint of `object`.
pub fn endpoint(object: &str) -> Option<&'static Endpoint> {
    ENDPOINTS.iter().find(|endpoint| endpoint.name == object)
}

/// The names of every object.
pub fn object_names() -> Vec<String> {
    ENDPOINTS.iter().map(|endpoint| endpoint.name.to_owned()).collect()
}

impl Endpoint {
    /// The endpoint's columns, parsed once.
    pub fn columns(&self) -> &'static [Column] {
        static PARSED: OnceLock<Vec<Vec<Column>>> = OnceLock::new();
        let all = PARSED.get_or_init(|| ENDPOINTS.iter().map(|endpoint| columns(endpoint.spec)).collect());
        let index = ENDPOINTS.iter().position(|endpoint| std::ptr::eq(endpoint, self)).unwrap_or(0);
        &all[index]
    }

    /// The column `name`.
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns().iter().find(|column| column.name == name)
    }

    /// The top-level API fields that hold `columns` (for `fields=`): every path's first segment,
    /// leaving out flat names (`caller_email`), requests and defaults.
    pub fn api_fields(&self, columns: &[String]) -> Vec<String> {
        let mut names = vec!["id".to_owned()];
        names.extend(self.window.map(str::to_owned));
        for column in columns.iter().filter_map(|name| self.column(name)) {
            for path in &column.paths {
                let head = path.split('.').next().unwrap_or(path);
                if path.starts_with(['/', '=']) || head.contains('_') || names.iter().any(|n| n == head) {
                    continue;
                }
                names.push(head.to_owned());
            }
        }
        names
    }

    /// The object as the lock describes it, without counts or values.
    pub fn schema(&self) -> ObjectSchema {
        let fields = self
            .columns()
            .iter()
            .map(|column| {
                let field = FieldSchema {
                    field_type: column.field_type,
                    many: column.many,
                    target: column.target.map(str::to_owned),
                    required: column.required
                        || column.name == "id"
                        || self.parent.is_some_and(|(_, link)| link == column.name),
                    // The free fields (optional tabs 1 and 2) are the customer's own.
                    custom: column.name.starts_with("optionalFields"),
                    ..FieldSchema::default()
                };
                (column.name.to_owned(), field)
            })
            .collect();
        ObjectSchema { label: Some(self.label.to_owned()), fields, ..ObjectSchema::default() }
    }
}

/// Parse a column declaration list: `name[:type][@path|path…]` separated by whitespace, types
/// `text html enum bool int float date datetime binary texts rel=OBJECT rels=OBJECT`.
pub fn columns(spec: &'static str) -> Vec<Column> {
    spec.split_whitespace().map(column).collect()
}

fn column(declaration: &'static str) -> Column {
    let (head, paths) = declaration.split_once('@').map_or((declaration, None), |(head, paths)| (head, Some(paths)));
    let (name, kind) = head.split_once(':').unwrap_or((head, "text"));
    let (kind, required) = kind.strip_suffix('!').map_or((kind, false), |kind| (kind, true));
    let (kind, free) = kind.strip_suffix('?').map_or((kind, false), |kind| (kind, true));
    let (field_type, many, target) = match kind.split_once('=') {
        Some(("rel", target)) => (FieldType::Relation, false, Some(target)),
        Some(("rels", target)) => (FieldType::Relation, true, Some(target)),
        _ => match kind {
            "html" => (FieldType::Html, false, None),
            "enum" => (FieldType::Enum, false, None),
            "bool" => (FieldType::Bool, false, None),
            "int" => (FieldType::Int, false, None),
            "float" => (FieldType::Float, false, None),
            "date" => (FieldType::Date, false, None),
            "datetime" => (FieldType::Datetime, false, None),
            "binary" => (FieldType::Binary, false, None),
            "texts" => (FieldType::Text, true, None),
            _ => (FieldType::Text, false, None),
        },
    };
    let paths = match paths {
        Some(paths) => paths.split('|').map(str::to_owned).collect(),
        None => {
            let mut paths = vec![name.to_owned()];
            if let Some((head, tail)) = name.split_once('_') {
                paths.push(format!("{head}.{tail}"));
            }
            paths
        }
    };
    Column { name, field_type, many, target, paths, free, required }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_give_types_targets_and_paths() {
        let incidents = endpoint("incidents").unwrap();
        let caller = incidents.column("caller").unwrap();
        assert_eq!(
            (caller.field_type, caller.target, caller.paths.clone()),
            (FieldType::Relation, Some("persons"), vec!["caller".to_owned()])
        );
        let email = incidents.column("caller_email").unwrap();
        assert_eq!(email.paths, ["caller_email", "caller.email"]);
        let groups = endpoint("operators").unwrap().column("operatorGroups").unwrap();
        assert!(groups.many);
        assert_eq!(groups.paths, ["operatorGroups", "/tas/api/operators/id/{id}/operatorgroups"]);
        let assignee = endpoint("changes").unwrap().column("assignee").unwrap();
        assert_eq!(assignee.paths, ["assignee", "simple.assignee", "coordinator"]);
        assert!(endpoint("knowledgeItems").unwrap().column("availableTranslations").unwrap().many);
    }

    #[test]
    fn every_object_has_an_id_and_children_their_link() {
        for endpoint in &ENDPOINTS {
            assert_eq!(endpoint.columns()[0].name, "id", "{}", endpoint.name);
            if let Some((parent, link)) = endpoint.parent {
                assert!(self::endpoint(parent).is_some());
                assert_eq!(endpoint.column(link).unwrap().target, Some(parent));
            }
        }
    }
}
