//! The pieces of the bulletin's frame read from one line each: the issue
//! number (第 27 期, 第二十七期, 总第 301 期), dates in figures or Chinese
//! numerals, page numbers, supplier credits, the issuing line.

use chrono::NaiveDate;

pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// 二十七 → 27, 三百零一 → 301, 二〇二四 → 2024; figures as they are.
pub fn number_value(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    if text.chars().all(|c| c.is_ascii_digit()) {
        return text.parse().ok().filter(|_| text.len() <= 6);
    }
    let digit = |c: char| {
        "〇零一二三四五六七八九".find(c).map(|i| {
            // 〇 and 零 are three bytes each, like the rest.
            let i = i / 3;
            if i <= 1 {
                0
            } else {
                i as u32 - 1
            }
        })
    };
    if !text.contains(['十', '百']) {
        // Digit by digit: 二〇二四.
        return text
            .chars()
            .try_fold(0u32, |n, c| Some(n.checked_mul(10)? + digit(c)?));
    }
    let mut total = 0;
    let mut current = 0;
    for c in text.chars() {
        match c {
            '百' => {
                total += current.max(1) * 100;
                current = 0;
            }
            '十' => {
                total += current.max(1) * 10;
                current = 0;
            }
            c => current = digit(c)?,
        }
    }
    Some(total + current)
}

/// `第 27 期`, `第二十七期`, `第27期（总第301期）`, `2024年第27期`: the
/// number and, if given, the running total.
pub fn parse_number(text: &str) -> Option<(u32, Option<u32>)> {
    let squeezed = squeeze(text);
    let squeezed = match squeezed.find('年') {
        Some(i) if squeezed[..i].chars().all(|c| c.is_ascii_digit()) => &squeezed[i + 3..],
        _ => &squeezed,
    };
    let rest = squeezed.strip_prefix('第')?;
    let (number, rest) = rest.split_once('期')?;
    let number = number_value(number)?;
    let rest = rest.trim_matches(|c| matches!(c, '（' | '）' | '(' | ')'));
    if rest.is_empty() {
        return Some((number, None));
    }
    let total = rest.strip_prefix("总第")?.strip_suffix('期')?;
    Some((number, Some(number_value(total)?)))
}

/// A date alone on its line: `2024 年 7 月 15 日`, `二〇二四年七月十五日`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let squeezed = squeeze(text);
    if !(squeezed.contains('年') && squeezed.contains('月') && squeezed.ends_with('日'))
        || char_len(&squeezed) > 12
    {
        return None;
    }
    let (year, rest) = squeezed.split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let day = rest.strip_suffix('日')?;
    let year = number_value(year)? as i32;
    if !(1900..=2200).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, number_value(month)?, number_value(day)?)
}

/// A line that ends in a date, as a masthead set in one line (publisher
/// on the left, date on the right): the text before it and the date.
pub fn split_trailing_date(text: &str) -> Option<(String, NaiveDate)> {
    let text = text.trim();
    if !text.ends_with('日') {
        return None;
    }
    // The date starts at the earliest position from which the rest reads
    // as one.
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    for &start in &starts {
        if let Some(date) = parse_date(&text[start..]) {
            return Some((text[..start].trim().to_string(), date));
        }
    }
    None
}

pub fn is_page_number(line: &str) -> bool {
    let squeezed = squeeze(line);
    let core = squeezed.trim_matches(|c| matches!(c, '-' | '—' | '–' | '－' | '·'));
    (!core.is_empty()
        && core.chars().all(|c| c.is_ascii_digit())
        && core.len() <= 3
        && squeezed != core)
        || (squeezed.starts_with('第')
            && squeezed.ends_with('页')
            && char_len(&squeezed) <= 12
            && squeezed.chars().filter(|c| c.is_ascii_digit()).count() > 0)
}

/// `（驻马店市人大常委会代表工委供稿）` → the supplier.
pub fn credit(text: &str) -> Option<String> {
    let inner = text
        .trim()
        .strip_prefix(['（', '('])?
        .strip_suffix(['）', ')'])?;
    inner
        .strip_suffix("供稿")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The issuing line of the 版记: `…印发` with the print run (`共印 70
/// 份`) and sometimes the date beside it.
pub struct IssuingLine {
    pub printer: String,
    pub copies: Option<u32>,
    pub date: Option<NaiveDate>,
}

pub fn issuing_line(text: &str) -> Option<IssuingLine> {
    let (before, after) = text.split_once("印发")?;
    if char_len(text) > 80 {
        return None;
    }
    let (printer, date) = match split_trailing_date(before) {
        Some((printer, date)) => (printer, Some(date)),
        None => (before.trim().to_string(), None),
    };
    if printer.is_empty() {
        return None;
    }
    Some(IssuingLine {
        printer,
        copies: print_run(after),
        date,
    })
}

/// `共印 70 份` (or `印数：70 份`) anywhere in `text`.
pub fn print_run(text: &str) -> Option<u32> {
    let squeezed = squeeze(text);
    let start = squeezed.find("共印").map(|i| i + "共印".len())?;
    let digits: String = squeezed[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_in_figures_or_words() {
        assert_eq!(parse_number("第 27 期"), Some((27, None)));
        assert_eq!(parse_number("第二十七期"), Some((27, None)));
        assert_eq!(parse_number("第27期（总第301期）"), Some((27, Some(301))));
        assert_eq!(parse_number("2024年第3期"), Some((3, None)));
        assert_eq!(parse_number("第三百零一期"), Some((301, None)));
        assert_eq!(parse_number("第一次会议"), None);
        let date = NaiveDate::from_ymd_opt(2024, 7, 15);
        assert_eq!(parse_date("2024 年 7 月 15 日"), date);
        assert_eq!(parse_date("二〇二四年七月十五日"), date);
        assert_eq!(
            split_trailing_date("河南省人大常委会代表工作委员会\t\t2024年7月15日"),
            Some(("河南省人大常委会代表工作委员会".into(), date.unwrap()))
        );
        let line = issuing_line("河南省人大常委会代表工作委员会印发 共印 70 份").unwrap();
        assert_eq!(line.printer, "河南省人大常委会代表工作委员会");
        assert_eq!(line.copies, Some(70));
        let line = issuing_line("河南省人大常委会代表工作委员会 2024年7月15日印发").unwrap();
        assert_eq!(line.date, date);
        assert!(is_page_number("— 12 —"));
        assert!(is_page_number("第 3 页"));
        assert!(!is_page_number("2024"));
    }
}
