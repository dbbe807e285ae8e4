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
            // Glyphs without a Unicode value that extraction mapped to
            // private use, in the BMP and in planes 15–16.
            '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFF}' => {
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
    let out = drop_space_runs(&chars, |run| {
        let (before, after) = (run.before, run.after);
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

/// A run of spaces in `chars[start..end]`, with the characters either side.
struct SpaceRun {
    start: usize,
    end: usize,
    before: Option<char>,
    after: Option<char>,
}

/// `chars` as a string without the runs of spaces that `drop` says to
/// drop. Linear: a line of a million spaces (a broken extraction) is no
/// slower than any other.
fn drop_space_runs(chars: &[char], mut drop: impl FnMut(&SpaceRun) -> bool) -> String {
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
        let run = SpaceRun {
            start: i,
            end,
            before: i.checked_sub(1).map(|j| chars[j]),
            after: chars.get(end).copied(),
        };
        if !drop(&run) {
            out.extend(&chars[i..end]);
        }
        i = end;
    }
    out
}

fn is_han(c: char) -> bool {
    is_chinese(c) && !"，。、；：！？“”‘’《》（）【】—…·".contains(c)
}

/// Spaces between two Han characters in text extracted from a layout
/// (PDF) are debris — “办 理工作”, “推动高 质量” — except the one a writer
/// puts between two phrases of a quoted title or slogan (“应对人口老龄化
/// 加快发展养老服务”). So a space survives only between two words (as
/// jieba cuts them) and, in body text, only inside quotes or 《》. A title
/// (`in_title`) keeps every space between words.
pub fn drop_debris_spaces(text: &str, in_title: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    // Quote depth before each character.
    let mut quoted = Vec::with_capacity(chars.len());
    let mut depth = 0i32;
    for &c in &chars {
        quoted.push(depth > 0);
        match c {
            '“' | '《' | '「' | '‘' => depth += 1,
            '”' | '》' | '」' | '’' => depth = (depth - 1).max(0),
            _ => {}
        }
    }
    drop_space_runs(&chars, |run| {
        let between_han = run.before.is_some_and(is_han) && run.after.is_some_and(is_han);
        let keep = !between_han
            || ((in_title || quoted[run.start])
                && is_word_boundary(&chars[..run.start], &chars[run.end..]));
        !keep
    })
}

/// Whether jieba, cutting the Han characters either side of a space
/// written together, puts a word boundary where the space was.
fn is_word_boundary(before: &[char], after: &[char]) -> bool {
    let left: String = before
        .iter()
        .rev()
        .take_while(|c| is_han(**c))
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let right: String = after.iter().take_while(|c| is_han(**c)).take(8).collect();
    let joined = format!("{left}{right}");
    let mut offset = 0;
    for word in crate::keywords::jieba().cut(&joined, false) {
        offset += word.word.len();
        if offset == left.len() {
            return true;
        }
        if offset > left.len() {
            return false;
        }
    }
    true
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
        assert_eq!(
            repair_line("添彩\u{F0041}人大代表\u{10FFFD}在行动", &mut notes),
            "添彩·人大代表·在行动"
        );
    }

    #[test]
    fn debris_spaces_go_and_meant_ones_stay() {
        assert_eq!(
            drop_debris_spaces("是办 理工作的基础环节", false),
            "是办理工作的基础环节"
        );
        assert_eq!(
            drop_debris_spaces("以高质量提推动高 质量办理", false),
            "以高质量提推动高质量办理"
        );
        assert_eq!(
            drop_debris_spaces("结合“应对人口老龄化 加快发展养老服务”联动监督", false),
            "结合“应对人口老龄化 加快发展养老服务”联动监督"
        );
        assert_eq!(
            drop_debris_spaces("代表联络站 建设取得成效", false),
            "代表联络站建设取得成效"
        );
        assert_eq!(
            drop_debris_spaces("依托代表联络站点 扎实开展主题活动", true),
            "依托代表联络站点 扎实开展主题活动"
        );
        assert_eq!(
            drop_debris_spaces("已有 326 名代表", false),
            "已有 326 名代表"
        );
    }
}
