//! "Did you mean": the closest name in scope to a misspelt one.

/// The candidate closest to `name`, if it is close enough to be a plausible typo.
///
/// Closeness is Damerau–Levenshtein distance on lower-cased names, accepted when it is at most a
/// third of the longer name's length (at least 1); a candidate that differs only by case, or that
/// contains the name or is contained by it after removing `_`, also counts.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let squashed = lower.replace(['_', '-', '.'], "");
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let candidate_lower = candidate.to_lowercase();
        let distance = strsim::damerau_levenshtein(&lower, &candidate_lower);
        let limit = (lower.chars().count().max(candidate_lower.chars().count()) / 3).max(1);
        let candidate_squashed = candidate_lower.replace(['_', '-', '.'], "");
        let related = squashed.len() >= 3
            && candidate_squashed.len() >= 3
            && (candidate_squashed == squashed
                || (squashed.len() * 2 >= candidate_squashed.len() && candidate_squashed.contains(&squashed)));
        let score = if distance <= limit {
            distance
        } else if related {
            limit + 1
        } else {
            continue;
        };
        if best.is_none_or(|(b, name)| score < b || (score == b && candidate < name)) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, name)| name)
}

/// `did you mean `x`?` for a help line, when there is a suggestion.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    suggest(name, candidates).map(|s| format!("did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_and_far_ones_are_not() {
        assert_eq!(suggest("emial", ["email", "name", "phone"]), Some("email"));
        assert_eq!(suggest("form", ["from", "to", "fields"]), Some("from"));
        assert_eq!(suggest("partner", ["partner_id", "user_id"]), Some("partner_id"));
        assert_eq!(suggest("zzz", ["email", "name"]), None);
        assert_eq!(suggest("Email", ["email"]), Some("email"));
    }
}
