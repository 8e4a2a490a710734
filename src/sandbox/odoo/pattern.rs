//! [`LikePattern`]: a SQL `LIKE`/`ILIKE` pattern (`%` any run, `_` one character, `\` escapes).

/// A compiled `LIKE` pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LikePattern {
    items: Vec<PatternItem>,
    case_insensitive: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum PatternItem {
    Literal(char),
    AnyOne,
    AnyRun,
}

impl LikePattern {
    /// Compile `pattern`; `case_insensitive` for `ILIKE`.
    pub fn new(pattern: &str, case_insensitive: bool) -> LikePattern {
        let mut items = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            items.push(match c {
                '%' => PatternItem::AnyRun,
                '_' => PatternItem::AnyOne,
                '\\' => PatternItem::Literal(fold(chars.next().unwrap_or('\\'), case_insensitive)),
                other => PatternItem::Literal(fold(other, case_insensitive)),
            });
        }
        LikePattern { items, case_insensitive }
    }

    /// Whether `text` matches the whole pattern.
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().map(|c| fold(c, self.case_insensitive)).collect();
        // reachable[j]: the pattern so far can end just before text[j].
        let mut reachable = vec![false; text.len() + 1];
        reachable[0] = true;
        for item in &self.items {
            let mut next = vec![false; text.len() + 1];
            match item {
                PatternItem::AnyRun => {
                    let mut seen = false;
                    for j in 0..=text.len() {
                        seen |= reachable[j];
                        next[j] = seen;
                    }
                }
                PatternItem::AnyOne => next[1..].copy_from_slice(&reachable[..text.len()]),
                PatternItem::Literal(c) => {
                    for j in 0..text.len() {
                        next[j + 1] = reachable[j] && text[j] == *c;
                    }
                }
            }
            reachable = next;
        }
        reachable[text.len()]
    }
}

fn fold(c: char, case_insensitive: bool) -> char {
    if case_insensitive { c.to_lowercase().next().unwrap_or(c) } else { c }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_match_like_sql() {
        assert!(LikePattern::new("%print%", false).matches("Printer printing"));
        assert!(!LikePattern::new("%Print%", false).matches("my printer"));
        assert!(LikePattern::new("%PRINT%", true).matches("my printer"));
        assert!(LikePattern::new("a_c", false).matches("abc"));
        assert!(!LikePattern::new("a_c", false).matches("abbc"));
        assert!(LikePattern::new("100\\%", false).matches("100%"));
        assert!(!LikePattern::new("100\\%", false).matches("1000"));
        assert!(LikePattern::new("%", false).matches(""));
    }
}
