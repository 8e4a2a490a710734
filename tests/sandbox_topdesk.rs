//! The TOPdesk emulator over real HTTP: authentication, each endpoint family's envelope and
//! status codes, paging edge cases, FIQL, fields, sorting, date formats, access modes, slowness
//! and the request log, checked against the generated tables it serves.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use base64::Engine;
use cutover::sandbox::topdesk::{
    Access, HiddenRecord, Module, PERSONS_V2, SlowAnswer, Slowness, TopdeskConfig, UnlicensedAnswer, list_id,
};
use serde_json::Value;

use crate::support::topdesk::{Served, dataset, rows};

fn data() -> &'static Path {
    dataset("topdesk-sandbox", 120, 3)
}

fn config() -> TopdeskConfig {
    TopdeskConfig::new(data(), "api", "secret-app-password")
}

fn serve() -> Served {
    Served::serve(config())
}

fn default_lines(dir: &Path) -> Vec<Value> {
    rows(dir, "incidents")
        .into_iter()
        .filter(|incident| matches!(incident["status"].as_str(), Some("firstLine" | "secondLine")))
        .collect()
}

fn ids(body: &Value) -> Vec<String> {
    body.as_array().expect("an array").iter().map(|record| record["id"].as_str().unwrap().to_owned()).collect()
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

#[test]
fn basic_auth_and_version_probes() {
    let operators = rows(data(), "operators");
    let login = operators[3]["loginName"].as_str().unwrap();
    let served = Served::serve(TopdeskConfig::new(data(), login, "app-password"));
    assert_eq!(served.get_as("/tas/api/version", None, None).status, 401);
    let wrong = served.get_as("/tas/api/version", Some((login, "wrong")), None);
    assert_eq!(wrong.status, 401);
    assert!(wrong.header("www-authenticate").unwrap().starts_with("Basic"));
    assert_eq!(served.get_as("/tas/api/incidents", Some(("someone", "app-password")), None).status, 401);
    assert_eq!(served.get("/tas/api/version").json(), serde_json::json!({"version": "3.8.5"}));
    let product = served.get("/tas/api/productVersion").json();
    assert!(product["major"].is_u64() && product["minor"].is_u64() && product["patch"].is_u64());
    let current = served.get("/tas/api/operators/current").json();
    assert_eq!(current["id"], operators[3]["id"]);
    assert_eq!(current["loginName"], login);
    let log = served.requests();
    assert_eq!(log.iter().map(|request| request.status).collect::<Vec<_>>(), [401, 401, 401, 200, 200, 200]);
    assert_eq!(log[2].path, "/tas/api/incidents");
}

#[test]
fn incident_pages_end_with_206_then_204() {
    let served = serve();
    let expected = default_lines(data());
    let total = expected.len();
    let first = served.get("/tas/api/incidents");
    assert_eq!(first.status, 206);
    assert_eq!(ids(&first.json()).len(), 10, "default page size");
    assert!(first.header("x-next-page-url").unwrap().contains("pageStart=10"));
    // Exactly one full page: 206, then 204.
    let whole = served.get(&format!("/tas/api/incidents?pageSize={total}"));
    assert_eq!(whole.status, 206);
    let whole_ids = ids(&whole.json());
    let expected_ids: Vec<String> = expected.iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(whole_ids, expected_ids, "first and second line only, in id order");
    assert_eq!(served.get(&format!("/tas/api/incidents?pageSize={total}&pageStart={total}")).status, 204);
    // A page larger than what is left: 200.
    let rest = served.get(&format!("/tas/api/incidents?pageSize=1000&pageStart={}", total - 3));
    assert_eq!((rest.status, ids(&rest.json()).len()), (200, 3));
    // Paging with a page size that does not divide the total visits every record once.
    let mut seen = Vec::new();
    let mut start = 0;
    loop {
        let page = served.get(&format!("/tas/api/incidents?pageSize=7&pageStart={start}"));
        if page.status == 204 {
            break;
        }
        seen.extend(ids(&page.json()));
        start += 7;
        if page.status == 200 {
            break;
        }
    }
    assert_eq!(seen, expected_ids);
    let all = rows(data(), "incidents");
    let everything = served.get("/tas/api/incidents?all=true&pageSize=10000");
    assert_eq!(ids(&everything.json()).len(), all.len(), "all=true adds partial and archived incidents");
    for bad in ["pageSize=10001", "pageSize=0", "pageSize=ten", "pageStart=-1"] {
        let answer = served.get(&format!("/tas/api/incidents?{bad}"));
        assert_eq!(answer.status, 400, "{bad}");
        assert!(answer.json()[0]["message"].is_string());
    }
}

#[test]
fn exact_paging_when_the_full_page_quirk_is_off() {
    let mut config = config();
    config.quirks.full_page_is_partial = false;
    let served = Served::serve(config);
    let total = default_lines(data()).len();
    assert_eq!(served.get(&format!("/tas/api/incidents?pageSize={total}")).status, 200);
    assert_eq!(served.get(&format!("/tas/api/incidents?pageSize={}", total - 1)).status, 206);
}

#[test]
fn fiql_filters_by_path_date_and_list() {
    let served = serve();
    let incidents = default_lines(data());
    let caller = incidents.iter().find_map(|i| i["caller"].as_str()).unwrap();
    let answer =
        served.get(&format!("/tas/api/incidents?pageSize=1000&query={}", encode(&format!("caller.id=={caller}"))));
    let expected: Vec<&str> =
        incidents.iter().filter(|i| i["caller"] == caller).map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids(&answer.json()), expected);
    // A half-open modification window, in three date spellings that mean the same instants.
    let (from, to) = ("2023-03-01T00:00:00", "2023-09-01T00:00:00");
    let inside: Vec<&str> = incidents
        .iter()
        .filter(|i| {
            let modified = i["modificationDate"].as_str().unwrap();
            ("2023-03-01T00:00:00Z".."2023-09-01T00:00:00Z").contains(&modified)
        })
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(!inside.is_empty() && inside.len() < incidents.len());
    for (low, high) in [
        (format!("{from}Z"), format!("{to}Z")),
        ("2023-03-01T01:00:00+0100".to_owned(), "2023-09-01T02:00:00.000+02:00".to_owned()),
    ] {
        let query = format!("modificationDate=ge={low};modificationDate=lt={high}");
        let answer = served.get(&format!("/tas/api/incidents?pageSize=1000&query={}", encode(&query)));
        assert_eq!(ids(&answer.json()), inside, "{query}");
    }
    // Or, in, null, grouping.
    let query = "(processingStatus.name=in=(Closed,Completed),operator==null);status==secondLine";
    let answer = served.get(&format!("/tas/api/incidents?pageSize=1000&query={}", encode(query)));
    let expected: Vec<&str> = incidents
        .iter()
        .filter(|i| {
            (matches!(i["processingStatus"].as_str(), Some("Closed" | "Completed")) || i["operator"].is_null())
                && i["status"] == "secondLine"
        })
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids(&answer.json()), expected);
    for bad in ["caller.id==", "status=like=x", "(status==firstLine", "nosuchfield==1"] {
        let answer = served.get(&format!("/tas/api/incidents?query={}", encode(bad)));
        assert_eq!(answer.status, 400, "{bad}");
        assert!(answer.json()[0]["message"].as_str().unwrap().contains("Error parsing query"), "{bad}");
    }
}

#[test]
fn fields_sort_and_date_formats() {
    let served = serve();
    let answer = served.get("/tas/api/incidents?pageSize=50&fields=number,modificationDate&sort=modificationDate:desc");
    let body = answer.json();
    let records = body.as_array().unwrap();
    for record in records {
        let keys: BTreeSet<&str> = record.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, BTreeSet::from(["id", "number", "modificationDate"]));
        let date = record["modificationDate"].as_str().unwrap();
        assert!(date.ends_with(".000+0000") && date.len() == 28, "{date}");
    }
    let dates: Vec<&str> = records.iter().map(|r| r["modificationDate"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|pair| pair[0] >= pair[1]), "descending");
    let iso = served.get("/tas/api/incidents?pageSize=5&dateFormat=iso8601&fields=callDate").json();
    let date = iso[0]["callDate"].as_str().unwrap();
    assert!(date.ends_with('Z') && date.len() == 20, "{date}");
    assert_eq!(served.get("/tas/api/incidents?sort=nosuch:asc").status, 400);
}

#[test]
fn single_incidents_are_nested_and_reference_lists_agree() {
    let served = serve();
    let incidents = rows(data(), "incidents");
    let persons = rows(data(), "persons");
    let incident = incidents.iter().find(|i| i["caller"].is_string() && i["operator"].is_string()).unwrap();
    let id = incident["id"].as_str().unwrap();
    let by_id = served.get(&format!("/tas/api/incidents/id/{id}")).json();
    let number = incident["number"].as_str().unwrap();
    assert!(number.contains(' '));
    let by_number = served.get(&format!("/tas/api/incidents/number/{}", encode(number))).json();
    assert_eq!(by_id, by_number);
    assert_eq!(by_id["caller"]["id"], incident["caller"]);
    assert_eq!(by_id["caller"]["dynamicName"], incident["caller_dynamicName"]);
    assert_eq!(by_id["caller"]["email"], incident["caller_email"]);
    if let Some(person) = persons.iter().find(|p| p["id"] == incident["caller"]) {
        assert_eq!(by_id["caller"]["branch"]["id"], person["branch"]);
    }
    assert_eq!(by_id["operator"]["id"], incident["operator"]);
    assert!(by_id["operator"]["status"].as_str().unwrap().starts_with("operator"));
    assert_eq!(by_id["category"]["name"], incident["category"]);
    assert_eq!(by_id["requests"], format!("/tas/api/incidents/id/{id}/requests"));
    assert_eq!(by_id["optionalFields1"]["boolean1"], incident["optionalFields1_boolean1"]);
    let categories = served.get("/tas/api/incidents/categories").json();
    let hardware = categories.as_array().unwrap().iter().find(|c| c["name"] == incident["category"]).unwrap();
    assert_eq!(hardware["id"], by_id["category"]["id"]);
    assert_eq!(hardware["id"], list_id("categories", incident["category"].as_str().unwrap()));
    let subcategories = served.get("/tas/api/incidents/subcategories").json();
    let sub = subcategories.as_array().unwrap().iter().find(|s| s["name"] == incident["subcategory"]).unwrap();
    assert_eq!(sub["category"]["name"], incident["category"]);
    for list in ["call_types", "entry_types", "impacts", "urgencies", "priorities", "statuses", "closure_codes"] {
        let entries = served.get(&format!("/tas/api/incidents/{list}")).json();
        assert!(entries.as_array().unwrap().iter().all(|e| e["id"].is_string() && e["name"].is_string()), "{list}");
    }
    let query = format!("category.id=={}", hardware["id"].as_str().unwrap());
    let filtered = served.get(&format!("/tas/api/incidents?all=true&pageSize=1000&query={}", encode(&query))).json();
    let expected = incidents.iter().filter(|i| i["category"] == incident["category"]).count();
    assert_eq!(filtered.as_array().unwrap().len(), expected);
    assert_eq!(served.get("/tas/api/incidents/id/00000000-0000-4000-8000-000000000000").status, 404);
    assert_eq!(served.get(&format!("/tas/api/incidents/number/{}", encode("I 9999 999"))).status, 404);
}

#[test]
fn progress_trail_requests_actions_and_attachments() {
    let served = serve();
    let trail = rows(data(), "progresstrail");
    let attachments = rows(data(), "attachments");
    let with_files = attachments[0]["incident"].as_str().unwrap();
    let entries: Vec<&Value> = trail.iter().filter(|e| e["incident"] == with_files).collect();
    let base = format!("/tas/api/incidents/id/{with_files}");
    assert_eq!(served.get(&format!("{base}/progresstrail/count")).json()["count"], entries.len());
    let mut seen = Vec::new();
    let mut start = 0;
    loop {
        let page = served.get(&format!("{base}/progresstrail?start={start}&page_size=3"));
        if page.status == 204 {
            break;
        }
        assert!(page.status == 206 || page.status == 200);
        seen.extend(ids(&page.json()));
        start += 3;
    }
    let mut expected: Vec<String> = entries.iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    expected.reverse();
    assert_eq!(seen, expected, "newest first, every entry once");
    assert_eq!(served.get(&format!("{base}/progresstrail?page_size=101")).status, 400);
    let requests = served.get(&format!("{base}/requests")).json();
    assert!(
        requests
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["person"]["id"].is_string() && r.get("invisibleForCaller").is_none())
    );
    assert_eq!(served.get(&format!("{base}/requests?page_size=11")).status, 400);
    // Internal notes come through actions with invisibleForCaller.
    let noted = trail.iter().find(|e| e["invisibleForCaller"] == true && e["memoText"].is_string()).unwrap();
    let noted_incident = noted["incident"].as_str().unwrap();
    let mut actions = Vec::new();
    let mut start = 0;
    loop {
        let page = served.get(&format!("/tas/api/incidents/id/{noted_incident}/actions?start={start}&page_size=100"));
        if page.status == 204 {
            break;
        }
        actions.extend(page.json().as_array().unwrap().clone());
        start += 100;
    }
    let action = actions.iter().find(|a| a["id"] == noted["id"]).expect("the note is an action");
    assert_eq!(action["invisibleForCaller"], true);
    assert_eq!(action["memoText"], noted["memoText"]);
    // Attachments: listed with the relative download URL, downloaded as the stored bytes.
    let files: Vec<&Value> = attachments.iter().filter(|a| a["incident"] == with_files).collect();
    let listed = served.get(&format!("{base}/attachments?page_size=10"));
    let listed_body = listed.json();
    let first = &listed_body[0];
    let stored = files.iter().find(|f| f["id"] == first["id"]).unwrap();
    assert_eq!(first["downloadUrl"], format!("{base}/attachments/{}/download", first["id"].as_str().unwrap()));
    let download = served.get(first["downloadUrl"].as_str().unwrap());
    assert_eq!(download.status, 200);
    let bytes = base64::engine::general_purpose::STANDARD.decode(stored["content"].as_str().unwrap()).unwrap();
    assert_eq!(download.body, bytes);
    assert_eq!(download.header("content-type").unwrap(), stored["contentType"].as_str().unwrap());
    assert!(download.header("content-disposition").unwrap().contains("filename="));
    assert_eq!(served.get(&format!("{base}/attachments?page_size=11")).status, 400);
    assert_eq!(served.get(&format!("{base}/attachments/{}/download", noted["id"].as_str().unwrap())).status, 404);
}

#[test]
fn persons_v1_and_v2() {
    let served = serve();
    let persons = rows(data(), "persons");
    let archived = persons.iter().filter(|p| p["archived"] == true).count();
    assert!(archived > 0);
    // v2: {item, size, next} with absolute next links, archived persons included.
    let mut url = "/tas/api/persons?pageSize=7".to_owned();
    let mut seen = BTreeSet::new();
    loop {
        let page = served.get_accept(&url, PERSONS_V2);
        let body = page.json();
        let items = body["item"].as_array().unwrap();
        assert_eq!(body["size"], items.len());
        seen.extend(items.iter().map(|p| p["id"].as_str().unwrap().to_owned()));
        match body["next"].as_str() {
            Some(next) => {
                assert_eq!(page.status, 206);
                assert!(next.starts_with(&served.url()), "{next}");
                url = next.to_owned();
            }
            None => {
                assert_eq!(page.status, 200);
                break;
            }
        }
    }
    assert_eq!(seen.len(), persons.len());
    let active =
        served.get_accept(&format!("/tas/api/persons?pageSize=5000&query={}", encode("archived==false")), PERSONS_V2);
    assert_eq!(active.json()["item"].as_array().unwrap().len(), persons.len() - archived);
    assert_eq!(served.get_accept("/tas/api/persons?pageSize=5001", PERSONS_V2).status, 400);
    assert_eq!(served.get_accept("/tas/api/persons", "application/x.topdesk-collection-person-v9+json").status, 406);
    // v1: a bare array, active persons only without a query.
    let v1 = served.get("/tas/api/persons?page_size=100").json();
    assert!(v1.as_array().unwrap().iter().all(|p| p["status"] == "person"));
    assert_eq!(served.get("/tas/api/persons?page_size=101").status, 400);
    assert_eq!(served.get("/tas/api/persons/count").json()["numberOfPersons"], persons.len());
}

#[test]
fn operators_groups_and_branches() {
    let served = serve();
    let operators = rows(data(), "operators");
    let active: Vec<&str> =
        operators.iter().filter(|o| o["archived"] == false).map(|o| o["id"].as_str().unwrap()).collect();
    assert!(active.len() < operators.len());
    let listed = served.get("/tas/api/operators?page_size=100");
    assert_eq!(ids(&listed.json()), active);
    let archived = served.get(&format!("/tas/api/operators?page_size=100&query={}", encode("archived==true")));
    assert_eq!(ids(&archived.json()).len(), operators.len() - active.len());
    let groups = rows(data(), "operatorgroups");
    let group = groups[1]["id"].as_str().unwrap();
    let members = served.get(&format!("/tas/api/operatorgroups/id/{group}/operators")).json();
    let expected: Vec<&str> = operators
        .iter()
        .filter(|o| o["operatorGroups"].as_array().unwrap().iter().any(|g| g == group))
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids(&members), expected);
    assert_eq!(served.get("/tas/api/operatorgroups").json()[0]["groupName"], groups[0]["groupName"]);
    let branches = served.get("/tas/api/branches").json();
    let keys: BTreeSet<&str> = branches[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["id", "name"]));
    let wider = served.get("/tas/api/branches?$fields=id,name,timeZone").json();
    assert!(wider[0]["timeZone"].is_string());
    assert!(!served.get("/tas/api/departments").json().as_array().unwrap().is_empty());
}

#[test]
fn module_access_modes() {
    let incident = default_lines(data())[0]["id"].as_str().unwrap().to_owned();
    let forbidden = Served::serve(config().with_access(Module::Incidents, Access::Forbidden));
    let answer = forbidden.get("/tas/api/incidents");
    assert_eq!(answer.status, 403);
    assert!(answer.json()[0]["message"].is_string());
    assert_eq!(forbidden.get(&format!("/tas/api/incidents/id/{incident}")).status, 403);
    assert_eq!(forbidden.get("/tas/api/operators").status, 206, "other modules stay readable");
    let unlicensed =
        Served::serve(config().with_access(Module::Incidents, Access::Unlicensed(UnlicensedAnswer::NotFound)));
    assert_eq!(unlicensed.get("/tas/api/incidents").status, 404);
    let empty = Served::serve(config().with_access(Module::Persons, Access::Unlicensed(UnlicensedAnswer::Empty)));
    assert_eq!(empty.get("/tas/api/persons").status, 204);
    let filtered = Served::serve(config().with_access(Module::Incidents, Access::Filtered(HiddenRecord::NotFound)));
    assert_eq!(filtered.get("/tas/api/incidents?all=true").status, 204);
    assert_eq!(filtered.get(&format!("/tas/api/incidents/id/{incident}")).status, 404);
    assert_eq!(filtered.get("/tas/api/incidents/categories").status, 200, "lookup lists are not records");
    let refused = Served::serve(config().with_access(Module::Incidents, Access::Filtered(HiddenRecord::Forbidden)));
    assert_eq!(refused.get(&format!("/tas/api/incidents/id/{incident}/progresstrail")).status, 403);
}

#[test]
fn large_pages_are_slow_and_every_request_is_logged() {
    let mut config = config();
    config.slowness = Slowness {
        delay: Duration::ZERO,
        large_page_over: Some(50),
        large_page: SlowAnswer::Timeout(Duration::from_millis(300)),
    };
    let served = Served::serve(config);
    let started = std::time::Instant::now();
    assert_eq!(served.get("/tas/api/incidents?pageSize=51").status, 504);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(served.get("/tas/api/incidents?pageSize=50").status, 206);
    let mut config = self::config();
    config.slowness = Slowness {
        delay: Duration::from_millis(50),
        large_page_over: Some(10),
        large_page: SlowAnswer::Delayed(Duration::from_millis(250)),
    };
    let delayed = Served::serve(config);
    let started = std::time::Instant::now();
    assert_eq!(delayed.get("/tas/api/incidents?pageSize=20").status, 206);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let log = served.requests();
    assert_eq!(log.len(), 2);
    assert_eq!((log[0].query.as_str(), log[0].status), ("pageSize=51", 504));
    assert_eq!((log[1].path.as_str(), log[1].status), ("/tas/api/incidents", 206));
}

#[test]
fn changes_and_change_activities() {
    let served = serve();
    let changes = rows(data(), "changes");
    let mut seen = Vec::new();
    let mut start = 0;
    loop {
        let page = served.get(&format!("/tas/api/operatorChanges?pageStart={start}&pageSize=3"));
        let body = page.json();
        let results = body["results"].as_array().unwrap();
        seen.extend(results.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        for change in results {
            assert!(change.get("modificationDate").is_some() && change.get("lastModificationDate").is_none());
        }
        if page.status == 200 {
            break;
        }
        assert_eq!(page.status, 206);
        start += 3;
    }
    assert_eq!(seen, changes.iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>());
    let change = &changes[1];
    let number = change["number"].as_str().unwrap();
    let detail = served.get(&format!("/tas/api/operatorChanges/{}", encode(number))).json();
    assert_eq!(detail["id"], change["id"]);
    assert!(detail.get("modificationDate").is_none());
    let modified = detail["lastModificationDate"].as_str().unwrap();
    assert!(modified.ends_with("+0000") && modified.len() == 24, "{modified}");
    let activities = rows(data(), "changeActivities");
    let expected: Vec<&str> =
        activities.iter().filter(|a| a["change"] == change["id"]).map(|a| a["id"].as_str().unwrap()).collect();
    assert!(!expected.is_empty());
    for key in [number, change["id"].as_str().unwrap()] {
        let listed = served.get(&format!("/tas/api/operatorChangeActivities?change={}", encode(key))).json();
        let listed: Vec<&str> =
            listed["results"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
        assert_eq!(listed, expected);
    }
    let one = served.get(&format!("/tas/api/operatorChangeActivities/{}", expected[0])).json();
    assert_eq!(one["change"]["number"], number);
    let trail =
        served.get(&format!("/tas/api/operatorChanges/{}/progresstrail", change["id"].as_str().unwrap())).json();
    assert_eq!(trail["results"][0]["memoText"], change["request"]);
    let forbidden = Served::serve(config().with_access(Module::Changes, Access::Forbidden));
    let refused = forbidden.get("/tas/api/operatorChanges");
    assert_eq!(refused.status, 403);
    assert!(refused.json()["errors"][0]["errorMessage"].is_string());
}

#[test]
fn asset_grid_filters_seek_paging_and_links() {
    let served = serve();
    let assets = rows(data(), "assets");
    let first = served.get("/tas/api/assetmgmt/assets?pageSize=4&fetchCount=true&fields=name,serialNumber");
    assert_eq!(first.status, 206);
    let body = first.json();
    assert_eq!(body["count"], assets.len());
    assert_eq!(body["dataSet"].as_array().unwrap().len(), 4);
    let columns: Vec<&str> =
        body["columns"].as_array().unwrap().iter().map(|c| c["fieldName"].as_str().unwrap()).collect();
    assert_eq!(columns, ["name", "serialNumber"]);
    let row = &body["dataSet"][0];
    assert!(row["serialNumber"].is_string() && row["text"].is_string() && row.get("branch").is_none());
    let etag = row["@etag"].as_str().unwrap();
    assert!(etag.len() == 23 && !etag.ends_with('Z'), "{etag}");
    let names: Vec<&str> = body["dataSet"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert!(names.windows(2).all(|pair| pair[0] <= pair[1]), "name asc by default");
    assert_eq!(served.get("/tas/api/assetmgmt/assets?pageSize=1001").status, 400);
    // $filter on modificationDate, any precision.
    let cut = "2023-06-01T00:00:00Z";
    let newer = assets.iter().filter(|a| a["modificationDate"].as_str().unwrap() > cut).count();
    let filter = encode("modificationDate gt '2023-06-01'");
    let filtered = served.get(&format!("/tas/api/assetmgmt/assets?pageSize=1000&fetchCount=true&$filter={filter}"));
    assert_eq!(filtered.json()["count"], newer);
    // Seek paging on modificationDate visits every asset once, in order.
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut url =
        "/tas/api/assetmgmt/assets?pageSize=4&$orderby=modificationDate%20asc&fields=name,modificationDate".to_owned();
    loop {
        let page = served.get(&url);
        let body = page.json();
        let rows = body["dataSet"].as_array().unwrap();
        seen.extend(
            rows.iter()
                .map(|a| (a["modificationDate"].as_str().unwrap().to_owned(), a["name"].as_str().unwrap().to_owned())),
        );
        if page.status == 200 {
            break;
        }
        let (date, name) = seen.last().unwrap();
        url = format!(
            "/tas/api/assetmgmt/assets?pageSize=4&$orderby=modificationDate%20asc&fields=name,modificationDate&lastSeenName={}&lastSeenOrderbyValue={}",
            encode(name),
            encode(date)
        );
    }
    assert_eq!(seen.len(), assets.len());
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
    // Links: 2 → 3 → 4 → 2 is a cycle.
    let id = |n: usize| assets[n]["id"].as_str().unwrap();
    let links = served.get(&format!("/tas/api/assetmgmt/assetLinks?sourceId={}", id(3))).json();
    let mut found: Vec<(String, String)> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["linkType"].as_str().unwrap().to_owned(), l["assetId"].as_str().unwrap().to_owned()))
        .collect();
    found.sort();
    assert_eq!(found, [("child".to_owned(), id(4).to_owned()), ("parent".to_owned(), id(2).to_owned())]);
    let templates = served.get("/tas/api/assetmgmt/templates").json();
    assert!(templates["dataSet"].as_array().unwrap().iter().any(|t| t["text"] == "Laptop"));
}

#[test]
fn knowledge_items_per_language_with_content_on_request() {
    let served = serve();
    let items = rows(data(), "knowledgeItems");
    let plain = served.get("/services/knowledge-base-v1/knowledgeItems").json();
    assert_eq!(plain["item"].as_array().unwrap().len(), items.len());
    assert_eq!(plain["item"][0]["translation"]["content"], serde_json::json!({}));
    let asked = served.get("/services/knowledge-base-v1/knowledgeItems?fields=title,content").json();
    let first = &asked["item"][0];
    let stored = items.iter().find(|i| i["id"] == first["id"]).unwrap();
    assert_eq!(first["translation"]["content"]["title"], stored["title"]);
    assert_eq!(first["translation"]["language"], stored["language"]);
    let translations = rows(data(), "knowledgeTranslations");
    let german: BTreeSet<&str> = items
        .iter()
        .filter(|i| i["language"] == "de")
        .map(|i| i["id"].as_str().unwrap())
        .chain(translations.iter().filter(|t| t["language"] == "de").map(|t| t["item"].as_str().unwrap()))
        .collect();
    let listed = served.get("/services/knowledge-base-v1/knowledgeItems?language=de&fields=title").json();
    let listed: BTreeSet<&str> = listed["item"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(listed, german);
    let paged = served.get("/services/knowledge-base-v1/knowledgeItems?page_size=4");
    assert_eq!(paged.status, 206);
    let next = paged.json()["next"].as_str().unwrap().to_owned();
    assert!(next.starts_with(&served.url()) && next.contains("start=4"));
    assert_eq!(served.get("/services/knowledge-base-v1/knowledgeItems?page_size=1001").status, 400);
    let folders = served.get("/services/knowledge-base-v1/folders").json();
    let folders = folders["item"].as_array().unwrap();
    assert!(folders.iter().any(|f| f["parent"]["name"] == "Account and access"));
    let unlicensed =
        Served::serve(config().with_access(Module::Knowledge, Access::Unlicensed(UnlicensedAnswer::NotFound)));
    assert_eq!(unlicensed.get("/services/knowledge-base-v1/knowledgeItems").status, 404);
}

#[test]
fn operational_activities_and_reservations() {
    let served = serve();
    let activities = rows(data(), "operationalActivities");
    let page = served.get_accept("/tas/api/operationalActivities?pageSize=2", cutover::sandbox::topdesk::ACTIVITIES_V1);
    assert_eq!(page.status, 200);
    let body = page.json();
    let keys: BTreeSet<&str> = body["item"][0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["id", "number"]));
    assert!(body["next"].as_str().unwrap().contains("pageStart=2"));
    let all = served.get("/tas/api/operationalActivities?pageSize=1000&fields=all").json();
    assert_eq!(all["item"].as_array().unwrap().len(), activities.len());
    assert!(all["next"].is_null());
    assert!(all["item"][0]["modificationDate"].as_str().unwrap().ends_with('Z'));
    // Reservations: $top pages ordered by plannedStartDate; continue from the last start and
    // drop what was already seen (starts are shared two by two).
    let reservations = rows(data(), "reservations");
    let mut seen: Vec<String> = Vec::new();
    let mut query = String::new();
    loop {
        let page = served.get(&format!("/tas/api/reservations?$top=3{query}"));
        let body = page.json();
        let results = body["results"].as_array().unwrap();
        for reservation in results {
            let id = reservation["id"].as_str().unwrap().to_owned();
            if !seen.contains(&id) {
                seen.push(id);
            }
        }
        if page.status == 200 {
            break;
        }
        assert_eq!(page.status, 206);
        let last = results.last().unwrap()["plannedStartDate"].as_str().unwrap();
        query = format!("&query={}", encode(&format!("plannedStartDate=ge={last}")));
    }
    assert_eq!(seen.len(), reservations.len());
    assert_eq!(served.get("/tas/api/reservations?$top=10001").status, 400);
}

/// `cutover sandbox topdesk` serves the data on the port it prints, with the password from
/// `TOPDESK_PASSWORD` and the forbidden and slow options it was given.
#[test]
fn the_sandbox_command_serves_with_its_options() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cutover"))
        .args(["sandbox", "topdesk", "--data"])
        .arg(data())
        .args(["--port", "0", "--login", "cli-operator", "--forbid", "changes", "--slow-records", "5000"])
        .env("TOPDESK_PASSWORD", "from-the-environment")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let first = std::io::BufReader::new(stdout).lines().next().expect("a line").expect("utf-8");
    let url = first.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let statuses = runtime.block_on(async {
        let client = reqwest::Client::new();
        let mut statuses = Vec::new();
        for (path, password) in [
            ("/tas/api/version", "from-the-environment"),
            ("/tas/api/version", "wrong"),
            ("/tas/api/operatorChanges", "from-the-environment"),
            ("/tas/api/incidents?pageSize=5", "from-the-environment"),
        ] {
            let response = client
                .get(format!("{url}{path}"))
                .basic_auth("cli-operator", Some(password))
                .send()
                .await
                .expect("answers");
            statuses.push(response.status().as_u16());
        }
        statuses
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(statuses, [200, 401, 403, 206]);
}

#[test]
fn quirks_switch_the_uncertain_behaviour() {
    let trail = rows(data(), "progresstrail");
    let incident = trail[0]["incident"].as_str().unwrap();
    let entries: Vec<&Value> = trail.iter().filter(|e| e["incident"] == incident).collect();
    let requests =
        entries.iter().filter(|e| e["person"].is_string() && e["fileName"].is_null() && e["title"].is_null()).count();
    assert!(requests > 0);
    let mut config = config();
    config.quirks.changes_partial_status = false;
    config.quirks.trail_includes_requests = false;
    config.quirks.attachments_max_page = 100;
    let served = Served::serve(config);
    let changes = served.get("/tas/api/operatorChanges?pageSize=3");
    assert_eq!((changes.status, changes.json()["results"].as_array().unwrap().len()), (200, 3));
    let count = served.get(&format!("/tas/api/incidents/id/{incident}/progresstrail/count")).json();
    assert_eq!(count["count"], entries.len() - requests);
    let answer = served.get(&format!("/tas/api/incidents/id/{incident}/attachments?page_size=100"));
    assert!(answer.status == 200 || answer.status == 204, "{}", answer.status);
    let forbidden =
        Served::serve(self::config().with_access(Module::Assets, Access::Unlicensed(UnlicensedAnswer::Forbidden)));
    let refused = forbidden.get("/tas/api/assetmgmt/assets");
    assert_eq!(refused.status, 403);
    assert!(refused.json()["errors"][0]["errorMessage"].is_string());
}

#[test]
fn unreadable_data_is_refused_with_the_file_and_line() {
    let empty = tempfile::tempdir().unwrap();
    let error =
        cutover::sandbox::topdesk::TopdeskEmulator::new(TopdeskConfig::new(empty.path(), "api", "pw")).unwrap_err();
    assert!(error.contains("topdesk.lock.yaml") && error.contains("cutover generate --platform topdesk"), "{error}");
    let broken = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(data()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, broken.path().join(path.file_name().unwrap())).unwrap();
    }
    let persons = broken.path().join("persons.ndjson");
    let mut text = std::fs::read_to_string(&persons).unwrap();
    text.insert_str(text.find('\n').unwrap() + 1, "{\"id\": \"x\",\n");
    std::fs::write(&persons, text).unwrap();
    let error =
        cutover::sandbox::topdesk::TopdeskEmulator::new(TopdeskConfig::new(broken.path(), "api", "pw")).unwrap_err();
    assert!(error.contains("persons.ndjson:2:"), "{error}");
}
