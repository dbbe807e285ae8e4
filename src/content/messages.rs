//! The load stage's messages that need more than a line to build: where
//! a report sits against what it says, why a date is none, text nested
//! too deeply, placeholders left in a draft. Folders are cited as the
//! editor wrote them (`content/2024/3/`), never as the site's addresses
//! write them (`2024/03/`).

use chrono::NaiveDate;

use super::front_matter::FieldError;
use super::model::Issue;
use super::{placeholders, ReportFile, SourceFile};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The folder of a file as the editor wrote it: `content/2024/3/`.
pub(super) fn folder_of(display: &str) -> String {
    match display.rsplit_once('/') {
        Some((folder, _)) => format!("{folder}/"),
        None => String::new(),
    }
}

/// Why a date that looks like one is none: the month or the day is out
/// of range (`2024年13月1日`, `2024-02-30`).
pub(super) fn date_problem(raw: &str) -> Option<String> {
    let folded: String = raw.trim().chars().map(crate::text::fold_width).collect();
    let parts: Vec<u32> = folded
        .split(|c: char| matches!(c, '-' | '/' | '.' | '年' | '月' | '日') || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [year, month, day] = parts[..] else {
        return None;
    };
    if !(1900..=2200).contains(&year) {
        return Some(format!("年份 {year} 不对"));
    }
    if !(1..=12).contains(&month) {
        return Some(format!("月份 {month} 不对，月份应在 1 到 12 之间"));
    }
    let days = (28..=31)
        .rev()
        .find(|d| NaiveDate::from_ymd_opt(year as i32, month, *d).is_some())?;
    (day == 0 || day > days).then(|| format!("{year} 年 {month} 月只有 {days} 天，没有 {day} 日"))
}

/// The mistake of a report whose `issue` field names another issue than
/// its folder, with the folders as the editor wrote them.
pub(super) fn issue_mismatch(
    file: &SourceFile,
    line: Option<usize>,
    stated: u32,
    year: i32,
    number: u32,
    issues: &[Issue],
) -> Diagnostic {
    let target = issues
        .iter()
        .find(|i| i.year == year && i.number == stated)
        .map(|i| folder_of(&i.source))
        .unwrap_or_else(|| format!("content/{year}/{stated:02}/"));
    Diagnostic::error(
        file.display.clone(),
        line,
        format!(
            "报告写的期号是第 {stated} 期，但它放在第 {number} 期的文件夹 {} 中",
            folder_of(&file.display)
        ),
    )
    .hint(format!(
        "如果它属于第 {stated} 期，请把文件移到 {target}；否则把期号改为 {number}"
    ))
}

/// Block quotes, lists or HTML nested past what the Markdown and HTML
/// parsers handle cheaply (see `markdown::too_deep`), with the line.
pub(super) fn nesting_error(body: &str, body_line: usize) -> Option<FieldError> {
    use crate::markdown::{TooDeep, MAX_BLOCKS, MAX_HTML};
    Some(match crate::markdown::too_deep(body)? {
        TooDeep::Blocks { line, depth } => FieldError {
            line: Some(body_line + line),
            message: format!(
                "正文的引用（>）或列表（-、*、1.）嵌套太深：这一行有 {depth} 层，最多 {MAX_BLOCKS} 层"
            ),
            hint: Some("报告用不着这么多层：多半是粘贴时混进了成串的“>”或“-”，请删去多余的符号".into()),
        },
        TooDeep::Html { line } => FieldError {
            line: Some(body_line + line),
            message: format!("正文中的 HTML 标签嵌套太深：到这一行已有 {MAX_HTML} 层以上没有结束"),
            hint: Some("多半是粘贴了残缺的网页代码（只有开始标签，没有结束标签），请删去或补全".into()),
        },
    })
}

/// A draft published with `--drafts` may still hold placeholder text;
/// the editor hears of each place (non-drafts never get this far).
pub(super) fn note_placeholders(file: &ReportFile, diagnostics: &mut Diagnostics) {
    for (line, phrase) in &file.placeholders {
        diagnostics.push(
            Diagnostic::warning(
                file.file.display.clone(),
                Some(*line),
                placeholders::message(phrase),
            )
            .hint("这是草稿，照常预览；发布前请换成实际的内容"),
        );
    }
}
