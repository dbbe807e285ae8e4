//! The placeholder text `jianbao init` and `jianbao new` write (and that
//! earlier versions wrote), so that none of it is ever published: left in
//! a report or issue that is not a draft, it is an error naming the line;
//! in a draft published with `--drafts`, a warning. `scaffold` writes
//! these very constants, so the two cannot drift apart.

/// A new report's title until the editor gives one.
pub const TITLE: &str = "请填写标题";
/// A new report's supplier when the county says nothing about it.
pub const SUPPLIER: &str = "请填写供稿单位";
/// The first line of a new report's body.
pub const BODY: &str = "正文从这里开始";
/// The sample report's section leads.
pub const SECTION: &str = "第一部分的标题句";

/// Every phrase that marks unfinished text, older versions' included.
const ALL: &[&str] = &[
    TITLE,
    SUPPLIER,
    BODY,
    SECTION,
    "这里可以写编者按",
    "这里写报告正文",
];

/// Lines (1-based) of `text` holding a placeholder, with the phrase.
/// Comment lines of the front matter (before line `body_line`) are not
/// published and do not count.
pub fn find(text: &str, body_line: usize) -> Vec<(usize, &'static str)> {
    text.lines()
        .enumerate()
        .filter(|(index, line)| index + 1 >= body_line || !line.trim_start().starts_with('#'))
        .filter_map(|(index, line)| {
            ALL.iter()
                .find(|phrase| line.contains(*phrase))
                .map(|phrase| (index + 1, *phrase))
        })
        .collect()
}

pub fn message(phrase: &str) -> String {
    format!("“{phrase}”是新建稿件时留下的占位文字，还没有改写")
}

pub const HINT: &str =
    "请换成实际的内容；还没写完的报告请在元数据块中加一行 draft: true（草稿不会发布）";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_outside_front_matter_comments() {
        let text = "---\n# title: 请填写标题\ntitle: 请填写标题\n---\n\n正文从这里开始。\n";
        assert_eq!(find(text, 5), [(3, TITLE), (6, BODY)]);
        assert!(find("---\ntitle: 甲\n---\n\n真正的正文。\n", 4).is_empty());
    }
}
