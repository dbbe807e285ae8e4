//! The snippet of a hit: about 80 characters of the report's body (never
//! its title, subtitle or supplier credit) around the best occurrence, as
//! plain text with the spans of every exact occurrence of a term.
//! `search.js` builds the same string and spans from the same inputs.

use super::normalize::fold;

/// Characters shown before the best occurrence, at most.
const BEFORE: usize = 20;
/// Characters in a snippet.
const LENGTH: usize = 80;

/// Ends of sentences and clauses a snippet may start after.
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '\n')
}

/// `body`: the report's body; `terms`: folded query terms. Returns the
/// snippet and its highlight spans.
pub fn make(body: &str, terms: &[Vec<char>]) -> (String, Vec<[u32; 2]>) {
    let chars: Vec<char> = body.chars().collect();
    let folded: Vec<char> = chars.iter().map(|&c| fold(c)).collect();
    let at = |i: usize, t: &[char]| i + t.len() <= folded.len() && folded[i..i + t.len()] == *t;
    // Every occurrence: (position, term).
    let mut found: Vec<(usize, usize)> = Vec::new();
    for i in 0..folded.len() {
        for (k, t) in terms.iter().enumerate() {
            if !t.is_empty() && at(i, t) {
                found.push((i, k));
            }
        }
    }
    // The best occurrence: the one after which the most distinct terms
    // appear within the snippet, the earliest of those.
    let reach = LENGTH - BEFORE;
    let mut best: Option<(usize, usize)> = None;
    let mut seen = vec![false; terms.len()];
    for (start, &(position, _)) in found.iter().enumerate() {
        seen.iter_mut().for_each(|s| *s = false);
        let mut distinct = 0;
        for &(p, k) in &found[start..] {
            if p + terms[k].len() > position + reach {
                if p >= position + reach {
                    break;
                }
                continue;
            }
            if !seen[k] {
                seen[k] = true;
                distinct += 1;
            }
        }
        if best.is_none_or(|(_, d)| distinct > d) {
            best = Some((position, distinct));
        }
    }
    let start = match best {
        None => 0,
        Some((anchor, _)) if anchor <= BEFORE => 0,
        Some((anchor, _)) => {
            // Start after the end of a sentence shortly before, if any.
            (anchor - BEFORE..anchor)
                .rev()
                .find(|&i| ends_sentence(chars[i - 1]))
                .unwrap_or(anchor - BEFORE)
        }
    };
    let end = (start + LENGTH).min(chars.len());
    let mut snippet = String::new();
    let mut highlights = Vec::new();
    let mut length = 0u32;
    if start > 0 {
        snippet.push('…');
        length += 1;
    }
    let mut i = start;
    while i < end {
        let longest = terms
            .iter()
            .filter(|t| !t.is_empty() && i + t.len() <= end && at(i, t))
            .map(|t| t.len())
            .max();
        let take = longest.unwrap_or(1);
        if longest.is_some() {
            highlights.push([length, length + take as u32]);
        }
        for &c in &chars[i..i + take] {
            snippet.push(if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            });
        }
        length += take as u32;
        i += take;
    }
    if end < chars.len() {
        snippet.push('…');
    }
    (snippet, highlights)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> Vec<Vec<char>> {
        words.iter().map(|w| w.chars().collect()).collect()
    }

    #[test]
    fn marks_every_occurrence_in_the_body() {
        let body = "正文开头。依托代表联络站开展活动，代表联络站很好<b>。";
        let (snippet, spans) = make(body, &terms(&["代表联络站"]));
        assert_eq!(snippet, body);
        assert_eq!(spans, vec![[7, 12], [17, 22]]);
    }

    #[test]
    fn starts_after_a_sentence_before_a_late_occurrence() {
        let body = format!("{}。第二句话里有票决制度。", "甲".repeat(60));
        let (snippet, spans) = make(&body, &terms(&["票决"]));
        assert!(snippet.starts_with("…第二句话里有票决"), "{snippet}");
        assert_eq!(spans, vec![[7, 9]]);
    }

    #[test]
    fn prefers_a_place_with_more_terms_and_folds_width() {
        let body = format!("代表在先。{}代表ＡＢ同在。", "乙".repeat(90));
        let (snippet, spans) = make(&body, &terms(&["代表", "ab"]));
        assert!(snippet.contains("代表ＡＢ同在"), "{snippet}");
        assert_eq!(spans.len(), 2);
        let (plain, none) = make("正文", &[]);
        assert_eq!((plain.as_str(), none.len()), ("正文", 0));
    }
}
