//! Comparing what a record says with what Intercom holds, for `verify`: both sides are brought
//! to one comparable form first (timestamps as Unix seconds, bodies as the plain text the API
//! renders, tag names as a sorted, lower-cased set, refs as ids), so only real differences are
//! reported.

use serde_json::{Value as Json, json};

use super::operations::plain_text;
use super::record_fields::unix_seconds;
use crate::drivers::Mismatch;

/// The mismatches found so far for one record.
#[derive(Debug, Default)]
pub struct Comparison {
    mismatches: Vec<Mismatch>,
}

impl Comparison {
    /// An empty comparison.
    pub fn new() -> Self {
        Self::default()
    }

    /// The one mismatch of a record that no longer exists: `id` expected, `null` found.
    pub fn missing(id: &str) -> Vec<Mismatch> {
        vec![Mismatch { field: "id".into(), expected: json!(id), actual: Json::Null }]
    }

    /// Compare values already in comparable form.
    pub fn values(&mut self, field: &str, expected: Json, actual: Json) {
        if expected != actual {
            self.mismatches.push(Mismatch { field: field.to_owned(), expected, actual });
        }
    }

    /// Compare text exactly (the API returns it as written).
    pub fn text(&mut self, field: &str, expected: Option<&str>, actual: Option<&str>) {
        self.values(field, json!(expected), json!(actual.filter(|text| !text.is_empty())));
    }

    /// Compare text case-insensitively and without surrounding whitespace (emails).
    pub fn text_ignoring_case(&mut self, field: &str, expected: Option<&str>, actual: Option<&str>) {
        let fold = |text: Option<&str>| text.map(|text| text.trim().to_lowercase()).filter(|text| !text.is_empty());
        self.values(field, json!(fold(expected)), json!(fold(actual)));
    }

    /// Compare message bodies as the API renders them: markup removed, entities decoded,
    /// whitespace collapsed on both sides.
    pub fn body(&mut self, field: &str, expected: Option<&str>, actual: Option<&str>) {
        let render = |text: Option<&str>| text.map(plain_text).filter(|text| !text.is_empty());
        self.values(field, json!(render(expected)), json!(render(actual)));
    }

    /// Compare points in time as Unix seconds.
    pub fn time(&mut self, field: &str, expected: Option<i64>, actual: Option<i64>) {
        self.values(field, json!(expected), json!(actual));
    }

    /// Compare tag names as sets, case-insensitively (Intercom's tag names are).
    pub fn tag_names(&mut self, field: &str, expected: &[String], actual: &[String]) {
        let set = |names: &[String]| {
            let mut names: Vec<String> = names.iter().map(|name| name.trim().to_lowercase()).collect();
            names.sort();
            names.dedup();
            json!(names)
        };
        self.values(field, set(expected), set(actual));
    }

    /// Compare id sets (order does not matter).
    pub fn id_set(&mut self, field: &str, expected: &[String], actual: &[String]) {
        let set = |ids: &[String]| {
            let mut ids = ids.to_vec();
            ids.sort();
            ids.dedup();
            json!(ids)
        };
        self.values(field, set(expected), set(actual));
    }

    /// Compare a custom attribute: times as Unix seconds when the attribute holds times
    /// (`is_time`), numbers by value, anything else as JSON.
    pub fn attribute(&mut self, field: &str, expected: &Json, actual: Option<&Json>, is_time: bool) {
        let actual = actual.cloned().unwrap_or(Json::Null);
        let (expected, actual) = if is_time {
            (json!(unix_seconds(expected)), json!(unix_seconds(&actual)))
        } else if let (Some(left), Some(right)) = (expected.as_f64(), actual.as_f64()) {
            // 4 and 4.0 are the same number.
            if left == right { (actual.clone(), actual) } else { (expected.clone(), actual) }
        } else {
            (expected.clone(), actual)
        };
        self.values(field, expected, actual);
    }

    /// The mismatches, in the order the fields were compared.
    pub fn finish(self) -> Vec<Mismatch> {
        self.mismatches
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_are_normalised_before_comparing() {
        let mut comparison = Comparison::new();
        comparison.body("body", Some("Fish &amp; chips"), Some("<p>Fish &amp; chips</p>"));
        comparison.text_ignoring_case("email", Some("Ann@Example.com "), Some("ann@example.com"));
        comparison.tag_names("tags", &["VIP".into(), "billing".into()], &["billing".into(), "vip".into()]);
        comparison.attribute(
            "custom_attributes.due",
            &json!("2020-09-13T12:26:40Z"),
            Some(&json!(1_600_000_000)),
            true,
        );
        comparison.attribute("custom_attributes.score", &json!(4), Some(&json!(4.0)), false);
        assert_eq!(comparison.finish(), []);
        let mut comparison = Comparison::new();
        comparison.text("title", Some("Printer fire"), Some("Printer"));
        comparison.time("created_at", Some(1), None);
        let mismatches = comparison.finish();
        assert_eq!(mismatches.len(), 2);
        assert_eq!(
            mismatches[0],
            Mismatch { field: "title".into(), expected: json!("Printer fire"), actual: json!("Printer") }
        );
        assert_eq!(mismatches[1].actual, Json::Null);
    }
}
