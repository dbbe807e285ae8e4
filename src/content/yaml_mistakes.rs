//! Telling editors what is wrong with front matter that the YAML parser
//! refuses, and refusing what it would take seconds over: the parser's
//! own words are English and name its states ("while scanning a quoted
//! scalar"), and its line is often where it noticed rather than where
//! the editor slipped. The mistakes editors make (an open or early-closed
//! quote, a Chinese colon, no space after the colon, a tab) are found
//! here by looking at the lines themselves.

use super::front_matter::FieldError;

/// Flow collections (`[…]`, `{…}`) one inside another. A distribution
/// needs two; the YAML parser takes seconds to refuse 100,000.
pub const MAX_DEPTH: usize = 16;

/// The first line (0-based) where the front matter's brackets nest past
/// `MAX_DEPTH`, with the depth, in one pass before the parser. Brackets
/// count where YAML reads them as such: at the start of a value, or
/// inside a bracket; not in quotes, comments or plain text (`第[1]期`).
pub(super) fn too_deep(yaml: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (index, line) in yaml.lines().enumerate() {
        // Where a value may start: after indentation, `- `, `? ` or `: `.
        let mut value_start = true;
        let mut previous = ' ';
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match quote {
                Some('"') if c == '\\' => {
                    chars.next();
                }
                Some(q) if c == q => {
                    // '' inside single quotes is a quote, not the end.
                    if q == '\'' && chars.peek() == Some(&'\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                Some(_) => {}
                None => match c {
                    '#' if previous == ' ' || previous == '\t' => break,
                    '"' | '\''
                        if value_start
                            || depth > 0 && matches!(previous, '[' | '{' | ',' | ' ' | ':') =>
                    {
                        quote = Some(c);
                    }
                    '[' | '{' if value_start || depth > 0 => {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            return Some((index, depth));
                        }
                    }
                    ']' | '}' if depth > 0 => depth -= 1,
                    _ => {}
                },
            }
            value_start = quote.is_none()
                && (c == ' ' || c == '\t')
                && (value_start || matches!(previous, ':' | '-' | '?'));
            previous = c;
        }
    }
    None
}

/// The front matter did not parse: which line, and why, in Chinese.
pub(super) fn explain(yaml: &str, first_line: usize, err: &serde_yaml::Error) -> FieldError {
    // A quote left open swallows the lines after it, and the parser
    // complains where the block ends: the line where it opened is the
    // one to name.
    if let Some((index, mistake)) = quote_mistake(yaml) {
        let line = Some(first_line + 1 + index);
        return match mistake {
            QuoteMistake::Unclosed(quote) => FieldError::new(
                line,
                format!("元数据（YAML）写法有误：这一行的值以英文引号 {quote} 开始，却没有配对的结束引号"),
                Some(format!(
                    "请在值的末尾补上 {quote}，让整个值在一对引号之中；值中要用引号时，请用中文引号“”"
                )),
            ),
            QuoteMistake::TextAfter(quote) => FieldError::new(
                line,
                format!("元数据（YAML）写法有误：这一行的引号 {quote} 在值的中间就结束了，后面还有文字"),
                Some(format!(
                    "整个值都要放在一对引号之中，如 标题: {quote}依托代表联络站点 扎实开展主题活动{quote}；值中要用引号时，请用中文引号“”"
                )),
            ),
        };
    }
    // The parser's own position is relative to the front matter and often
    // one line after the mistake; a line we can point at wins. Its words
    // are English and name parser states, so they are not passed on.
    let culprit = culprit_line(yaml, first_line);
    // The parser also counts U+0085, U+2028 and U+2029 as line breaks,
    // which editors do not: its line may lie past the block's end.
    let last_line = first_line + yaml.lines().count() + 1;
    let line = culprit.or_else(|| {
        err.location()
            .map(|loc| (first_line + loc.line()).min(last_line))
    });
    let hint = if yaml.lines().any(|l| l.starts_with('\t')) {
        "YAML 不允许用 Tab 缩进，请改用空格".to_string()
    } else {
        colon_hint(yaml, first_line)
    };
    FieldError::new(line, "元数据（YAML）写法有误", Some(hint))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteMistake {
    Unclosed(char),
    TextAfter(char),
}

/// The line (0-based) of a quoted value that never closes, or closes
/// with text after it (`title: "甲" 乙`). A quote may span lines, as YAML
/// allows; one still open at the end of the block was never closed.
fn quote_mistake(yaml: &str) -> Option<(usize, QuoteMistake)> {
    let mut open: Option<(usize, char)> = None;
    for (index, line) in yaml.lines().enumerate() {
        let mut rest = match open {
            Some((_, quote)) => match closing(line, quote) {
                Some(after) => {
                    open = None;
                    after
                }
                None => continue,
            },
            None => line,
        };
        loop {
            if open.is_some() {
                break;
            }
            let Some(value) = value_start(rest) else {
                break;
            };
            let quote = match value.chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => break,
            };
            match closing(&value[1..], quote) {
                None => open = Some((index, quote)),
                Some(after) => {
                    let after = after.trim_start();
                    if !(after.is_empty() || after.starts_with('#')) {
                        return Some((index, QuoteMistake::TextAfter(quote)));
                    }
                    rest = "";
                }
            }
        }
    }
    open.map(|(index, quote)| (index, QuoteMistake::Unclosed(quote)))
}

/// Where a line's value starts: after `key: `, or after `- ` of a list.
fn value_start(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return None;
    }
    if let Some(item) = trimmed.strip_prefix("- ") {
        return Some(item.trim_start());
    }
    // A key may itself be quoted (`"送": …`).
    let key_end = if let Some(quoted) = trimmed.strip_prefix(['"', '\'']) {
        let quote = trimmed.chars().next()?;
        1 + quoted.find(quote)? + 1
    } else {
        0
    };
    let colon = trimmed[key_end..].find(": ")? + key_end;
    Some(trimmed[colon + 2..].trim_start())
}

/// The text after the quote that closes a value begun with `quote`.
fn closing(text: &str, quote: char) -> Option<&str> {
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            // '' inside single quotes stands for one quote.
            if quote == '\'' && chars.peek().is_some_and(|(_, next)| *next == '\'') {
                chars.next();
                continue;
            }
            return Some(&text[at + 1..]);
        }
    }
    None
}

#[derive(Clone, Copy)]
enum ColonMistake {
    Chinese,
    NoSpace,
}

/// The first line with a Chinese colon instead of `:`, or a `:` with no
/// space after it: the two mistakes editors make most.
fn colon_mistake(yaml: &str, first_line: usize) -> Option<(usize, ColonMistake)> {
    yaml.lines().enumerate().find_map(|(index, line)| {
        let content = line.trim();
        if content.is_empty() || content.starts_with('#') || content.starts_with('-') {
            return None;
        }
        let line = first_line + 1 + index;
        if !content.contains(':') && content.contains('：') {
            return Some((line, ColonMistake::Chinese));
        }
        let after = &content[content.find(':')? + 1..];
        (!after.is_empty() && !after.starts_with(' ') && !content.starts_with('"'))
            .then_some((line, ColonMistake::NoSpace))
    })
}

fn culprit_line(yaml: &str, first_line: usize) -> Option<usize> {
    colon_mistake(yaml, first_line).map(|(line, _)| line)
}

pub(super) fn colon_hint(yaml: &str, first_line: usize) -> String {
    match colon_mistake(yaml, first_line) {
        Some((line, ColonMistake::Chinese)) => {
            format!("第 {line} 行用了中文冒号“：”：字段名后面要用英文冒号加空格，如“标题: …”")
        }
        Some((line, ColonMistake::NoSpace)) => {
            format!("第 {line} 行的冒号后面缺少空格：应写成“字段: 值”")
        }
        None => {
            "每个字段写成“字段: 值”（英文冒号后加一个空格）；值中有冒号或井号时用英文双引号括起来"
                .into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracket_depth_counts_flow_collections_only() {
        assert_eq!(too_deep("分送:\n  送: [甲, 乙]\n  发: {a: [b]}\n"), None);
        assert_eq!(too_deep("标题: 第[1期\n".repeat(40).as_str()), None);
        assert_eq!(too_deep(&format!("标题: \"{}\"\n", "[".repeat(40))), None);
        assert_eq!(too_deep(&format!("# {}\n", "[".repeat(40))), None);
        let deep = format!("issue: 1\ncounty: {}\n", "[".repeat(100_000));
        assert_eq!(too_deep(&deep), Some((1, MAX_DEPTH + 1)));
        let braces = format!("county: {}\n", "{a: ".repeat(100));
        assert_eq!(too_deep(&braces), Some((0, MAX_DEPTH + 1)));
    }

    #[test]
    fn quotes_left_open_or_closed_too_early_are_found_on_their_line() {
        let open = "issue: 1\ntitle: \"依托代表联络站点\nsupplier: 甲\n";
        assert_eq!(quote_mistake(open), Some((1, QuoteMistake::Unclosed('"'))));
        let early = "title: \"依托\" 站点\n";
        assert_eq!(
            quote_mistake(early),
            Some((0, QuoteMistake::TextAfter('"')))
        );
        let fine = "title: \"他说\\\"好\\\"\" # 注\n送: ['甲''乙', \"丙\"]\nsubtitle: \"两行\n  的值\"\n\"送\": \"丁\"\n";
        assert_eq!(quote_mistake(fine), None);
    }
}
