//! "Did you mean": the closest name in scope to a misspelt one.

/// The candidate closest to `name`, if it is close enough to be a plausible typo.
///
/// Names are compared lower-cased, after removing the prefix they share (so `helpdesk.sla` and
/// `helpdesk.stage` are compared as `la` and `tage`, not as two long names that differ a little).
/// A candidate is accepted when the Damerau–Levenshtein distance of what remains is at most a third
/// of its length (at least 1), or when one name contains the other once `_`, `-` and `.` are
/// removed (`prio` and `priority`, `lowercase` and `lower`). One-character names get no
/// suggestion: every other one-character name is one edit away.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let squashed = lower.replace(['_', '-', '.'], "");
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let candidate_lower = candidate.to_lowercase();
        let score = if candidate_lower == lower {
            0
        } else if lower.chars().count() < 2 {
            continue;
        } else {
            let common = lower.chars().zip(candidate_lower.chars()).take_while(|(a, b)| a == b).count();
            let rest: String = lower.chars().skip(common).collect();
            let candidate_rest: String = candidate_lower.chars().skip(common).collect();
            let distance = strsim::damerau_levenshtein(&rest, &candidate_rest);
            let limit = (rest.chars().count().max(candidate_rest.chars().count()) / 3).max(1);
            let candidate_squashed = candidate_lower.replace(['_', '-', '.'], "");
            let (short, long) = if squashed.len() <= candidate_squashed.len() {
                (&squashed, &candidate_squashed)
            } else {
                (&candidate_squashed, &squashed)
            };
            let related = short.len() >= 3 && short.len() * 2 >= long.len() && long.contains(short.as_str());
            if distance <= limit {
                distance
            } else if related {
                limit + 1
            } else {
                continue;
            }
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
        assert_eq!(suggest("lowercase", ["lower", "upper"]), Some("lower"));
        assert_eq!(suggest("prio", ["priority", "stage"]), Some("priority"));
        assert_eq!(suggest("bacth", ["batch", "url"]), Some("batch"));
        assert_eq!(suggest("res.partners", ["res.partner", "res.users"]), Some("res.partner"));
        assert_eq!(suggest("zzz", ["email", "name"]), None);
        assert_eq!(suggest("Email", ["email"]), Some("email"));
    }

    #[test]
    fn short_and_dotted_names_are_not_matched_loosely() {
        assert_eq!(suggest("7", ["0", "1", "2", "3"]), None);
        assert_eq!(suggest("helpdesk.sla", ["helpdesk.stage", "helpdesk.team"]), None);
    }
}
