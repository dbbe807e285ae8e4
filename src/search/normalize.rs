//! The one normalisation every search front end applies, character for
//! character (so positions in normalised text are positions in the
//! original): full-width forms to half-width, ASCII letters to lower case.
//! `themes/default/static/search.js` implements the same `fold`; a test
//! checks they agree.

/// Folds one character. 1:1, so offsets survive.
pub fn fold(c: char) -> char {
    crate::text::fold_width(c).to_ascii_lowercase()
}

pub fn fold_str(text: &str) -> String {
    text.chars().map(fold).collect()
}

/// Characters that never belong to a search term: terms are split on them,
/// and index grams never span them.
pub fn is_break(c: char) -> bool {
    c.is_whitespace()
}

/// A query split on white space into folded terms, duplicates removed,
/// order kept.
pub fn query_terms(query: &str) -> Vec<Vec<char>> {
    let mut terms: Vec<Vec<char>> = Vec::new();
    for raw in query.split(|c: char| is_break(fold(c))) {
        let term: Vec<char> = raw.chars().map(fold).collect();
        if !term.is_empty() && !terms.contains(&term) {
            terms.push(term);
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_and_case_one_to_one() {
        assert_eq!(fold_str("５Ｇ网络ＡＢc２０２３年"), "5g网络abc2023年");
        assert_eq!(fold_str("代表　联络站").chars().count(), 6);
    }

    #[test]
    fn splits_queries_on_any_white_space() {
        let terms = query_terms(" 代表联络站\u{3000}票决  代表联络站 ");
        let terms: Vec<String> = terms.into_iter().map(|t| t.into_iter().collect()).collect();
        assert_eq!(terms, vec!["代表联络站", "票决"]);
    }
}
