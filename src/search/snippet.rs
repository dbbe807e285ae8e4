//! The snippet of a hit: about 80 characters of the report around its
//! best occurrence, every exact occurrence of a term marked. `search.js`
//! builds the same string from the same inputs.

/// Characters shown before the best occurrence.
const BEFORE: usize = 20;
/// Characters in a snippet.
const LENGTH: usize = 80;

/// `text`: the document's searchable text; `terms`: folded query terms;
/// `best`: each term's best position; `zone_end`: the title zone's length.
pub fn make(text: &str, terms: &[Vec<char>], best: &[u32], zone_end: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = chars.iter().map(|&c| super::normalize::fold(c)).collect();
    let body_start = (zone_end + 1).min(chars.len());
    let anchor = best
        .iter()
        .map(|&p| p as usize)
        .filter(|&p| p >= body_start)
        .min();
    let start = match anchor {
        Some(anchor) => anchor.saturating_sub(BEFORE).max(body_start),
        None => body_start,
    };
    let end = (start + LENGTH).min(chars.len());
    let mut out = String::new();
    if start > body_start {
        out.push('…');
    }
    let mut i = start;
    while i < end {
        let longest = terms
            .iter()
            .filter(|t| !t.is_empty() && i + t.len() <= end && folded[i..i + t.len()] == t[..])
            .map(|t| t.len())
            .max();
        match longest {
            Some(length) => {
                out.push_str("<mark>");
                for &c in &chars[i..i + length] {
                    push_escaped(&mut out, c);
                }
                out.push_str("</mark>");
                i += length;
            }
            None => {
                push_escaped(&mut out, chars[i]);
                i += 1;
            }
        }
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        '\n' | '\r' | '\t' => out.push(' '),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_every_occurrence_around_the_best_one() {
        let text = "标题\n正文开头。依托代表联络站开展活动，代表联络站很好<b>。";
        let terms = vec!["代表联络站".chars().collect::<Vec<char>>()];
        let snippet = make(text, &terms, &[9], 2);
        assert_eq!(
            snippet,
            "正文开头。依托<mark>代表联络站</mark>开展活动，<mark>代表联络站</mark>很好&lt;b&gt;。"
        );
    }

    #[test]
    fn marks_folded_matches_in_original_characters() {
        let snippet = make("题\nＡＢ网络", &[vec!['a', 'b']], &[2], 1);
        assert_eq!(snippet, "<mark>ＡＢ</mark>网络");
    }
}
