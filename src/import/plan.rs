//! The files an imported issue becomes: `content/<年>/<期号>/_issue.md`
//! and one file per report, or drafts when the issue's number and date are
//! unknown. Pure: `import` decides whether to write them.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use super::ImportedIssue;
use crate::config::SiteConfig;

pub struct ImportOptions {
    pub issue: Option<(i32, u32)>,
    pub date: Option<NaiveDate>,
    pub force: bool,
}

/// A YAML double-quoted scalar that reads back as exactly `text`, whatever
/// it holds: a plain value starting with `[`, `*`, `&`, `!`, `@`, `%`, or
/// holding `: ` or ` #`, or looking like a number, a date, `true` or `null`,
/// would not.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` as a YAML value: as it is when it is all Chinese (nothing in it
/// can mean anything else to YAML), else `quoted`.
fn yaml_value(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().all(|c| {
            !c.is_ascii()
                && !c.is_control()
                && !matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                )
        });
    if plain {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// `content/drafts/<slug>.md`, or `<slug>-2.md`, `<slug>-3.md`… when the
/// name is already `taken`: two reports from one county must not land in
/// one file.
fn draft_path(slug: &str, taken: impl Fn(&Path) -> bool) -> PathBuf {
    let drafts = Path::new("content/drafts");
    let mut path = drafts.join(format!("{slug}.md"));
    let mut n = 2;
    while taken(&path) {
        path = drafts.join(format!("{slug}-{n}.md"));
        n += 1;
    }
    path
}

/// The files an imported issue becomes, as (path relative to the root, text).
pub fn files_for(
    issue: &ImportedIssue,
    config: &SiteConfig,
    options: &ImportOptions,
) -> Vec<(PathBuf, String)> {
    plan(issue, config, options, &[])
}

/// `files_for`, with drafts named apart from the files `before` (those of
/// the inputs imported earlier in the same run).
pub(super) fn plan(
    issue: &ImportedIssue,
    config: &SiteConfig,
    options: &ImportOptions,
    before: &[(PathBuf, String)],
) -> Vec<(PathBuf, String)> {
    let date = options.date.or(issue.date);
    let number = options.issue.map(|(_, n)| n).or(issue.number);
    let year = options.issue.map(|(y, _)| y).or(date.map(|d| d.year()));
    let mut files = Vec::new();
    let folder = match (year, number, date) {
        (Some(year), Some(number), Some(date)) => {
            let folder = PathBuf::from(format!("content/{year}/{number:02}"));
            let mut front = format!("---\ndate: {date}\n");
            if let Some(total) = issue.total {
                front.push_str(&format!("total: {total}\n"));
            }
            if let Some(album) = &issue.album {
                front.push_str(&format!("album: {}\n", quoted(album)));
            }
            if let Some(copies) = issue.copies {
                front.push_str(&format!("copies: {copies}\n"));
            }
            if let Some(publisher) = issue.publisher.as_ref().filter(|p| **p != config.publisher) {
                front.push_str(&format!("publisher: {}\n", yaml_value(publisher)));
            }
            if let Some(printer) = issue
                .printer
                .as_ref()
                .filter(|p| p.as_str() != config.printer())
            {
                front.push_str(&format!("printer: {}\n", yaml_value(printer)));
            }
            let default_to = config.distribution.to.join("，");
            let default_cc = config.distribution.cc.join("，");
            let to = issue.to.clone().unwrap_or_else(|| default_to.clone());
            let cc = issue.cc.clone().unwrap_or_else(|| default_cc.clone());
            if to != default_to || cc != default_cc {
                front.push_str(&format!(
                    "distribution:\n  送: {}\n  发: {}\n",
                    quoted(&to),
                    quoted(&cc)
                ));
            }
            front.push_str("---\n");
            if !issue.editor_note.is_empty() {
                front.push('\n');
                front.push_str(&issue.editor_note.join("\n\n"));
                front.push('\n');
            }
            files.push((folder.join("_issue.md"), front));
            Some((folder, number))
        }
        _ => None,
    };
    let mut drafts: Vec<PathBuf> = Vec::new();
    for (index, report) in issue.reports.iter().enumerate() {
        let slug = crate::text::path_segment(&report.county);
        let (path, issue_line) = match &folder {
            Some((folder, number)) => (
                folder.join(format!("{:02}-{slug}.md", index + 1)),
                format!("issue: {number}\n"),
            ),
            None => {
                let path = draft_path(&slug, |p| {
                    drafts
                        .iter()
                        .chain(before.iter().map(|(q, _)| q))
                        .any(|d| d == p)
                });
                drafts.push(path.clone());
                (path, String::new())
            }
        };
        let supplier = report
            .supplier
            .clone()
            .unwrap_or_else(|| "（请填写供稿单位）".into());
        let subtitle = report
            .subtitle
            .as_ref()
            .map(|s| format!("subtitle: {}\n", quoted(s)))
            .unwrap_or_default();
        let text = format!(
            "---\n{issue_line}county: {}\ntitle: {}\n{subtitle}supplier: {}\n---\n\n{}\n",
            yaml_value(&report.county),
            quoted(&report.title),
            yaml_value(&supplier),
            report.paragraphs.join("\n\n")
        );
        files.push((path, text));
    }
    files
}
