//! Small text helpers shared by the stages: Chinese dates and numerals,
//! URL path segments, full-width forms, excerpts, edit distances.

use chrono::{Datelike, NaiveDate};

/// `2024年7月15日`, the way the bulletin prints dates.
pub fn chinese_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// Parses the date forms editors type: 2024-07-15, 2024/7/15, 2024.7.15,
/// 2024年7月15日 (full-width digits too).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let folded: String = raw.trim().chars().map(fold_width).collect();
    let parts: Vec<&str> = folded
        .split(|c: char| matches!(c, '-' | '/' | '.' | '年' | '月' | '日') || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 {
        return None;
    }
    let year = parts[0].parse().ok()?;
    let month = parts[1].parse().ok()?;
    let day = parts[2].parse().ok()?;
    if !(1900..=2200).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Full-width ASCII forms (ＡＢ１２) and the ideographic space to their
/// half-width equivalents; everything else unchanged.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// 1 → 一, 21 → 二十一 (numbers below 100, as series numbers are written).
pub fn chinese_numeral(n: u32) -> String {
    if n < 10 {
        return DIGITS[n as usize].to_string();
    }
    if n >= 100 {
        return n.to_string();
    }
    let (tens, ones) = (n / 10, n % 10);
    let mut out = String::new();
    if tens > 1 {
        out.push_str(DIGITS[tens as usize]);
    }
    out.push('十');
    if ones > 0 {
        out.push_str(DIGITS[ones as usize]);
    }
    out
}

/// A name made safe to be one path segment of a URL and of a file name on
/// every common file system, keeping Chinese characters readable.
pub fn path_segment(name: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '/' | '\\' | '?' | '#' | '%' | ':' | '*' | '"' | '<' | '>' | '|' | '&' | '+' => '-',
            c if c.is_whitespace() || c.is_control() => '-',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c| c == '-' || c == '.');
    if trimmed.is_empty() {
        "-".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Percent-encodes a URL path (keeps `/`), for links and feeds.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The first `max` characters of `text` without white space, with an
/// ellipsis when cut. Reads only as much of `text` as it needs.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(max * 3 + 3);
    for (taken, c) in text.chars().filter(|c| !c.is_whitespace()).enumerate() {
        if taken == max {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out
}

/// `%E5%AE%89` → `安`; `None` for a broken escape or bytes that are not
/// UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Edits (insertions, deletions, substitutions of a character) that
/// turn `a` into `b`: how a misspelt key is matched to the one meant.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_date_forms_editors_type() {
        let expected = NaiveDate::from_ymd_opt(2024, 7, 15);
        for raw in [
            "2024-07-15",
            "2024/7/15",
            "2024.7.15",
            "2024年7月15日",
            "２０２４年７月１５日",
        ] {
            assert_eq!(parse_date(raw), expected, "{raw}");
        }
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(parse_date("七月"), None);
    }

    #[test]
    fn writes_chinese_numerals() {
        assert_eq!(chinese_numeral(7), "七");
        assert_eq!(chinese_numeral(10), "十");
        assert_eq!(chinese_numeral(21), "二十一");
        assert_eq!(chinese_numeral(30), "三十");
    }

    #[test]
    fn path_segments_keep_chinese_and_drop_separators() {
        assert_eq!(path_segment("安阳市/北关区"), "安阳市-北关区");
        assert_eq!(path_segment(" 营商环境 "), "营商环境");
        assert_eq!(path_segment("../"), "-");
        assert_eq!(encode_path("/a/代表/"), "/a/%E4%BB%A3%E8%A1%A8/");
    }

    #[test]
    fn excerpts_drop_white_space_and_mark_cuts() {
        assert_eq!(excerpt("代表 联络\n站", 5), "代表联络站");
        assert_eq!(excerpt("代表联络站建设", 4), "代表联络…");
    }
}
