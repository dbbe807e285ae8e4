//! Repairs of what extraction from PDF breaks in Chinese text, one line at
//! a time: half-width punctuation, full-width digits, «», private-use
//! glyphs standing for ·, stray spaces, straight quotes, escape debris.

/// Han characters and the full-width punctuation that lives among them.
pub fn is_chinese(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
        || "，。、；：！？“”‘’《》（）【】—…·".contains(c)
}

/// Repairs one line; `notes` collects what was changed, once per kind.
pub fn repair_line(line: &str, notes: &mut Vec<&'static str>) -> String {
    let mut note = |text: &'static str| {
        if !notes.contains(&text) {
            notes.push(text);
        }
    };
    let mut chars: Vec<char> = Vec::with_capacity(line.len());
    let mut previous_backslash = false;
    for c in line.chars() {
        let mapped = match c {
            '０'..='９' => {
                note("全角数字改为半角");
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '«' => {
                note("«» 改为《》");
                '《'
            }
            '»' => {
                note("«» 改为《》");
                '》'
            }
            '\u{E000}'..='\u{F8FF}' => {
                note("私用区字符改为 ·");
                '·'
            }
            '＋' => '+',
            '\u{3000}' | '\u{00A0}' => ' ',
            c => c,
        };
        if previous_backslash && matches!(mapped, '*' | '_' | '#' | '[' | ']' | '-' | '.' | '`') {
            chars.pop();
            note("去掉 Markdown 转义残留");
        }
        previous_backslash = mapped == '\\';
        chars.push(mapped);
    }
    // Half-width punctuation between Chinese characters.
    let neighbour_chinese = |chars: &[char], i: usize| {
        let before = chars[..i].iter().rev().find(|c| **c != ' ').copied();
        let after = chars[i + 1..].iter().find(|c| **c != ' ').copied();
        before.is_some_and(is_chinese) || after.is_some_and(is_chinese)
    };
    let digits_around = |chars: &[char], i: usize| {
        i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())
    };
    for i in 0..chars.len() {
        let replacement = match chars[i] {
            '.' if !digits_around(&chars, i) => Some('。'),
            ',' if !digits_around(&chars, i) => Some('，'),
            ':' if !digits_around(&chars, i) => Some('：'),
            ';' => Some('；'),
            '(' => Some('（'),
            ')' => Some('）'),
            '?' => Some('？'),
            '!' => Some('！'),
            _ => None,
        };
        if let Some(replacement) = replacement {
            if neighbour_chinese(&chars, i) {
                chars[i] = replacement;
                note("半角标点改为全角");
            }
        }
    }
    // Straight double quotes in Chinese text open and close in turn.
    if chars.contains(&'"') && chars.iter().any(|&c| is_chinese(c)) {
        let mut open = true;
        for c in chars.iter_mut() {
            if *c == '"' {
                *c = if open { '“' } else { '”' };
                open = !open;
            }
        }
        note("直引号改为中文引号");
    }
    // Spaces between Chinese characters or Chinese punctuation.
    let out = drop_space_runs(&chars, |before, after| {
        let joins_punctuation =
            |c: Option<char>| c.is_some_and(|c| "，。、；：！？“”‘’《》（）".contains(c));
        let both_chinese = before.is_some_and(is_chinese) && after.is_some_and(is_chinese);
        // Between two characters the space may be meant (a title in two
        // halves); `collapse_spaces` removes those in body text.
        let drop = both_chinese && (joins_punctuation(before) || joins_punctuation(after));
        if drop {
            note("去掉汉字之间多余的空格");
        }
        drop
    });
    out.trim().to_string()
}

/// `chars` as a string without the runs of spaces that `drop` (given the
/// characters either side of a run) says to drop. Linear: a line of a
/// million spaces (a broken extraction) is no slower than any other.
fn drop_space_runs(
    chars: &[char],
    mut drop: impl FnMut(Option<char>, Option<char>) -> bool,
) -> String {
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != ' ' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let end = chars[i..]
            .iter()
            .position(|c| *c != ' ')
            .map_or(chars.len(), |n| i + n);
        let before = i.checked_sub(1).map(|j| chars[j]);
        if !drop(before, chars.get(end).copied()) {
            out.extend(&chars[i..end]);
        }
        i = end;
    }
    out
}

/// Spaces between two Han characters in body text are extraction debris.
pub fn collapse_spaces(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let han = |c: Option<char>| {
        c.is_some_and(|c| is_chinese(c) && !"，。、；：！？“”‘’《》（）".contains(c))
    };
    drop_space_runs(&chars, |before, after| han(before) && han(after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_what_pdf_extraction_breaks() {
        let mut notes = Vec::new();
        assert_eq!(
            repair_line("坚持落实落细 “三个三”开展活动,保障了精准履职.", &mut notes),
            "坚持落实落细“三个三”开展活动，保障了精准履职。"
        );
        assert_eq!(repair_line("２０２３年５月份", &mut notes), "2023年5月份");
        assert_eq!(
            repair_line("出台了 «关于成立代表专业小组»,", &mut notes),
            "出台了《关于成立代表专业小组》，"
        );
        assert_eq!(repair_line("4.5万老年人", &mut notes), "4.5万老年人");
        assert_eq!(repair_line("街道 (镇)全部", &mut notes), "街道（镇）全部");
        assert_eq!(
            repair_line("已有 326 名人大代表", &mut notes),
            "已有 326 名人大代表"
        );
        assert_eq!(repair_line("\\*重点\\*", &mut notes), "*重点*");
        assert_eq!(
            repair_line("所谓\"全链模式\"的做法", &mut notes),
            "所谓“全链模式”的做法"
        );
        assert!(notes.contains(&"半角标点改为全角"));
    }
}
