//! How deeply a text nests, measured in one pass before any parser sees
//! it. pulldown-cmark and html5ever (inside ammonia) take time growing
//! with the square of the nesting depth: 200 KB of `>` or `- ` kept a
//! build busy for minutes. No report nests block quotes and lists more
//! than a handful of levels, nor HTML more than a few dozen, so text past
//! the caps is refused (by the loader, with its line) instead of parsed.

/// Block quotes and list items, one inside another (markdown-it stops at
/// 100 as well).
pub const MAX_BLOCKS: usize = 100;
/// Open HTML elements, one inside another.
pub const MAX_HTML: usize = 200;

/// Where a text first nests too deeply; lines count from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooDeep {
    /// Block quotes and lists on this line.
    Blocks { line: usize, depth: usize },
    /// HTML elements open at this line.
    Html { line: usize },
}

pub fn too_deep(markdown: &str) -> Option<TooDeep> {
    let mut html = HtmlDepth::default();
    for (index, line) in markdown.lines().enumerate() {
        let depth = block_depth(line);
        if depth > MAX_BLOCKS {
            return Some(TooDeep::Blocks { line: index, depth });
        }
        if line.contains('<') && html.feed(line) > MAX_HTML {
            return Some(TooDeep::Html { line: index });
        }
    }
    None
}

/// Container markers at the start of a line: `>`, `-`, `*`, `+`, `1.`,
/// `1)`, each may follow spaces. Indentation before a marker nests lists
/// too (two columns a level at the least), so it counts as well.
fn block_depth(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut depth = 0;
    let mut i = 0;
    loop {
        let start = i;
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        let indent = i - start;
        let marker = match bytes.get(i) {
            Some(b'>') => Some(1),
            Some(b'-' | b'*' | b'+') if matches!(bytes.get(i + 1), None | Some(b' ' | b'\t')) => {
                Some(1)
            }
            Some(b'0'..=b'9') => {
                let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                let after = i + digits;
                (digits <= 9
                    && matches!(bytes.get(after), Some(b'.' | b')'))
                    && matches!(bytes.get(after + 1), None | Some(b' ' | b'\t')))
                .then_some(digits + 1)
            }
            _ => None,
        };
        let Some(width) = marker else {
            return depth;
        };
        // `* * *` and `- - -` alone are a rule, not lists.
        if depth == 0
            && bytes
                .iter()
                .all(|b| matches!(b, b'-' | b'*' | b'_' | b' ' | b'\t'))
        {
            return 0;
        }
        depth += 1 + indent / 2;
        i += width;
    }
}

/// Elements opened and not closed, across the lines of a text. Elements
/// whose end tag HTML lets one leave out (`<p>`, `<li>`, `<td>` …) and
/// void ones (`<br>`, `<img>` …) do not nest when written that way, and
/// are not counted: pasted word-processor HTML is full of them.
#[derive(Default)]
struct HtmlDepth {
    depth: usize,
}

impl HtmlDepth {
    fn feed(&mut self, line: &str) -> usize {
        let mut rest = line;
        while let Some(open) = rest.find('<') {
            rest = &rest[open + 1..];
            let closing = rest.starts_with('/');
            let name_start = usize::from(closing);
            let name: String = rest[name_start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                continue;
            }
            let tag_end = rest.find('>');
            let self_closing = tag_end.is_some_and(|end| rest[..end].ends_with('/'));
            if is_void_or_optional(&name) || self_closing {
                continue;
            }
            if closing {
                self.depth = self.depth.saturating_sub(1);
            } else {
                self.depth += 1;
                if self.depth > MAX_HTML {
                    return self.depth;
                }
            }
        }
        self.depth
    }
}

fn is_void_or_optional(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "option"
            | "optgroup"
            | "rb"
            | "rt"
            | "rtc"
            | "rp"
            | "colgroup"
            | "caption"
            | "html"
            | "head"
            | "body"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_is_shallow() {
        let text = "一、标题。\n\n> 引文\n> > 引文中的引文\n\n- 甲\n  - 乙\n    1. 丙\n\n* * *\n\n<p>段落<p>又一段<br><img src=a.png></p>\n";
        assert_eq!(too_deep(text), None);
        assert_eq!(block_depth("> > - 1. 甲"), 4);
        assert_eq!(block_depth("    - 乙"), 3);
        assert_eq!(block_depth("- - -"), 0);
        assert_eq!(block_depth("-1 不是列表"), 0);
    }

    #[test]
    fn deep_quotes_lists_and_elements_are_found_with_their_line() {
        let quotes = format!("正文\n{}甲\n", ">".repeat(MAX_BLOCKS + 1));
        assert_eq!(
            too_deep(&quotes),
            Some(TooDeep::Blocks {
                line: 1,
                depth: MAX_BLOCKS + 1
            })
        );
        let dashes = format!("{}甲", "- ".repeat(100_000));
        assert!(matches!(
            too_deep(&dashes),
            Some(TooDeep::Blocks { line: 0, .. })
        ));
        let divs = format!("甲\n\n{}乙", "<div>".repeat(100_000));
        assert_eq!(too_deep(&divs), Some(TooDeep::Html { line: 2 }));
        let closed = "<div>甲</div>\n".repeat(10_000);
        assert_eq!(too_deep(&closed), None);
    }
}
