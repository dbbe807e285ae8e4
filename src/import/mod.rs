//! `jianbao import`: a past issue kept as plain text (extracted from PDF or
//! typed) turned into content files. The layout is read for what it is —
//! masthead, contents, reports with their credits, the distribution block —
//! and what extraction broke is repaired, line by line and paragraph by
//! paragraph. Nothing is invented: without a masthead or flags the reports
//! go to drafts.

pub mod repair;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};

use crate::config::SiteConfig;
use crate::content::gazetteer::{Gazetteer, Resolution};
use crate::content::source::DecodeProblem;
use repair::repair_line;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportedReport {
    pub county: String,
    pub title: String,
    pub supplier: Option<String>,
    pub paragraphs: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ImportedIssue {
    pub number: Option<u32>,
    pub date: Option<NaiveDate>,
    pub publisher: Option<String>,
    pub album: Option<String>,
    pub printer: Option<String>,
    pub copies: Option<u32>,
    pub to: Option<String>,
    pub cc: Option<String>,
    pub reports: Vec<ImportedReport>,
    pub repairs: Vec<&'static str>,
    pub doubts: Vec<String>,
}

const FINAL: &str = "。！？";
/// Longer than any title the bulletin prints: a title line (at most 70
/// characters with the county) and a continuation (at most 30).
const MAX_TITLE_CHARS: usize = 100;

fn char_len(text: &str) -> usize {
    text.chars().count()
}

fn is_page_number(line: &str) -> bool {
    let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let core = squeezed.trim_matches(|c| matches!(c, '-' | '—' | '–' | '－'));
    (!core.is_empty()
        && core.chars().all(|c| c.is_ascii_digit())
        && core.len() <= 3
        && squeezed != core)
        || (squeezed.starts_with('第')
            && squeezed.ends_with('页')
            && squeezed.chars().filter(|c| c.is_ascii_digit()).count() > 0)
}

fn is_section_start(text: &str) -> bool {
    crate::markdown::section_level(text).is_some()
}

fn is_contents_entry(text: &str) -> bool {
    text.starts_with(['*', '◇', '•', '●', '·'])
}

fn credit(text: &str) -> Option<String> {
    let inner = text.strip_prefix(['（', '('])?.strip_suffix(['）', ')'])?;
    inner.strip_suffix("供稿").map(|s| s.trim().to_string())
}

/// `县区：标题` where the part before the colon is a place.
fn title_parts(text: &str) -> Option<(String, String)> {
    let text = text.trim_start_matches('#').trim();
    if char_len(text) > 70 || text.ends_with(|c| FINAL.contains(c)) || is_contents_entry(text) {
        return None;
    }
    let (county, title) = text.split_once('：')?;
    let county = county.trim();
    if char_len(county) < 2 || char_len(county) > 14 {
        return None;
    }
    let known = matches!(Gazetteer::henan().resolve(county), Resolution::Found(_));
    if !known && !county.ends_with(['县', '区', '市']) {
        return None;
    }
    Some((county.to_string(), title.trim().to_string()))
}

/// Joins the lines of the text into paragraphs; says whether the text was
/// wrapped at a fixed width (extracted from PDF) rather than a line a
/// paragraph.
fn paragraphs(lines: &[String]) -> (Vec<String>, bool) {
    let lengths: Vec<usize> = lines
        .iter()
        .map(|l| char_len(l))
        .filter(|&n| n >= 15)
        .collect();
    let mut counts = std::collections::HashMap::new();
    for &n in &lengths {
        *counts.entry(n).or_insert(0usize) += 1;
    }
    let mode = counts
        .iter()
        .max_by_key(|(n, c)| (**c, **n))
        .map(|(n, _)| *n)
        .unwrap_or(0);
    let near = lengths
        .iter()
        .filter(|&&n| n + 2 >= mode && n <= mode + 2)
        .count();
    // Text wrapped at a fixed width (as PDF extraction leaves it): only a
    // paragraph's last line is short.
    let wrapped = mode > 0 && mode <= 60 && near * 2 >= lengths.len();
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in lines {
        let starts_new = is_section_start(line)
            || is_contents_entry(line)
            || (line.contains("印发") && char_len(line) < 60)
            || line.starts_with("送：")
            || line.starts_with("发：")
            || credit(line).is_some()
            || title_parts(line).is_some();
        if starts_new && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.push_str(line);
        let ends_final = line.ends_with(|c| FINAL.contains(c))
            || (line.ends_with(['”', '）', '」'])
                && line.chars().rev().nth(1).is_some_and(|c| FINAL.contains(c)));
        let ends = if wrapped {
            char_len(line) + 2 < mode || credit(line).is_some() || title_parts(line).is_some()
        } else {
            ends_final
                || char_len(line) < 30
                || credit(line).is_some()
                || title_parts(line).is_some()
        };
        if ends {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    (out, wrapped)
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !(squeezed.contains('年') && squeezed.contains('月') && squeezed.ends_with('日'))
        || char_len(&squeezed) > 12
    {
        return None;
    }
    crate::text::parse_date(&squeezed)
}

fn parse_number(text: &str) -> Option<u32> {
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed
        .strip_prefix('第')?
        .strip_suffix('期')?
        .parse()
        .ok()
}

/// Reads one issue's text.
pub fn parse(text: &str) -> ImportedIssue {
    let mut issue = ImportedIssue::default();
    let lines: Vec<String> = text
        .lines()
        .map(|l| repair_line(l, &mut issue.repairs))
        .filter(|l| !l.is_empty() && !is_page_number(l))
        .collect();
    let (paragraphs, wrapped) = paragraphs(&lines);
    let mut publisher_parts: Vec<String> = Vec::new();
    let mut in_masthead = false;
    let mut report: Option<ImportedReport> = None;
    let mut title_open = false;
    let mut i = 0;
    while i < paragraphs.len() {
        let p = paragraphs[i].trim().to_string();
        i += 1;
        if let Some(supplier) = credit(&p) {
            match report.as_mut() {
                Some(r) => r.supplier = Some(supplier),
                None => issue.doubts.push(format!("供稿说明“{p}”前面没有报告")),
            }
            if let Some(r) = report.take() {
                issue.reports.push(r);
            }
            continue;
        }
        if let Some(rest) = p.strip_prefix("送：") {
            issue.to = Some(rest.trim().to_string());
            continue;
        }
        if let Some(rest) = p.strip_prefix("发：") {
            issue.cc = Some(rest.trim().to_string());
            continue;
        }
        if p.contains("印发") && report.is_none() && char_len(&p) < 60 {
            let (printer, rest) = p.split_once("印发").expect("contains 印发");
            issue.printer = Some(printer.trim().to_string());
            let digits: String = rest.chars().filter(|c| c.is_ascii_digit()).collect();
            issue.copies = digits.parse().ok();
            continue;
        }
        if let Some((county, title)) = title_parts(&p) {
            // A contents entry is a title followed by another title.
            let next_is_body = paragraphs.get(i).is_some_and(|n| {
                title_parts(n).is_none() && !is_contents_entry(n) && char_len(n) > 0
            });
            if report.is_none() && !next_is_body && issue.reports.is_empty() {
                continue;
            }
            if let Some(r) = report.take() {
                issue
                    .doubts
                    .push(format!("报告“{}：{}”没有找到供稿说明", r.county, r.title));
                issue.reports.push(r);
            }
            report = Some(ImportedReport {
                county,
                title,
                ..ImportedReport::default()
            });
            title_open = true;
            continue;
        }
        if let Some(r) = report.as_mut() {
            // A title runs over two lines at most: a limit keeps a column
            // of short lines from growing one endless title.
            let continues_title = title_open
                && r.paragraphs.is_empty()
                && char_len(&p) <= 30
                && char_len(&r.title) + char_len(&p) <= MAX_TITLE_CHARS
                && !p.ends_with(|c| FINAL.contains(c));
            if continues_title {
                r.title.push(' ');
                r.title.push_str(&p);
            } else {
                // Only extraction puts spaces between characters; typed text
                // may mean them (a quoted title in two halves).
                let collapsed = if wrapped {
                    repair::collapse_spaces(&p)
                } else {
                    p.clone()
                };
                if collapsed != p && !issue.repairs.contains(&"去掉汉字之间多余的空格") {
                    issue.repairs.push("去掉汉字之间多余的空格");
                }
                r.paragraphs.push(collapsed);
                title_open = false;
            }
            continue;
        }
        // Before the first report: masthead, series line, contents.
        if p == "代表工作" {
            in_masthead = true;
        } else if let Some(n) = parse_number(&p) {
            issue.number = Some(n);
        } else if let Some(date) = parse_date(&p) {
            issue.date = Some(date);
            in_masthead = false;
        } else if p.contains("专辑") && !is_contents_entry(&p) {
            issue.album = Some(p.clone());
        } else if in_masthead && issue.number.is_some() && issue.date.is_none() {
            publisher_parts.push(p.clone());
        }
    }
    if let Some(r) = report.take() {
        issue
            .doubts
            .push(format!("报告“{}：{}”没有找到供稿说明", r.county, r.title));
        issue.reports.push(r);
    }
    if !publisher_parts.is_empty() {
        issue.publisher = Some(publisher_parts.concat());
    }
    if issue.number.is_none() || issue.date.is_none() {
        issue.doubts.push("没有找到报头（期号和日期）".into());
    }
    issue
}

/// Reads one input file's bytes (UTF-8, GBK or UTF-16) as an issue: what
/// `import` does with each file before planning what to write. Pure, so it
/// can be fuzzed.
pub fn read_issue(bytes: &[u8]) -> Result<ImportedIssue, DecodeProblem> {
    let decoded = crate::content::source::decode(bytes)?;
    Ok(parse(&decoded.text))
}

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
fn plan(
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
        let text = format!(
            "---\n{issue_line}county: {}\ntitle: {}\nsupplier: {}\n---\n\n{}\n",
            yaml_value(&report.county),
            quoted(&report.title),
            yaml_value(&supplier),
            report.paragraphs.join("\n\n")
        );
        files.push((path, text));
    }
    files
}

/// Imports files into the site at `root`, printing what was found.
pub fn import(
    root: &Path,
    inputs: &[PathBuf],
    options: &ImportOptions,
    say: &mut dyn FnMut(String),
) -> Result<Vec<PathBuf>> {
    let config = SiteConfig::load(root).map_err(|d| anyhow::anyhow!("{d}"))?;
    let mut planned: Vec<(PathBuf, String)> = Vec::new();
    for input in inputs {
        let bytes =
            std::fs::read(input).with_context(|| format!("无法读取 {}", input.display()))?;
        let issue = read_issue(&bytes)
            .map_err(|problem| anyhow::anyhow!("{}：{}", input.display(), problem.message()))?;
        say(format!("{}：", input.display()));
        match (issue.number, issue.date) {
            (Some(n), Some(d)) => say(format!(
                "  报头：第 {n} 期，{}",
                crate::text::chinese_date(d)
            )),
            _ => say("  报头：没有找到".into()),
        }
        for report in &issue.reports {
            say(format!(
                "  报告：{}：{}（{} 段，供稿：{}）",
                report.county,
                report.title,
                report.paragraphs.len(),
                report.supplier.as_deref().unwrap_or("未找到")
            ));
        }
        if !issue.repairs.is_empty() {
            say(format!("  修复：{}", issue.repairs.join("；")));
        }
        for doubt in &issue.doubts {
            say(format!("  存疑：{doubt}"));
        }
        let files = plan(&issue, &config, options, &planned);
        if files.iter().all(|(p, _)| !p.ends_with("_issue.md")) {
            say("  没有期号和日期：报告放入草稿（content/drafts/）；知道期号时可用 --issue 年/期号 --date 日期 重新导入".into());
        }
        if let Some((path, _)) = files
            .iter()
            .find(|(path, _)| planned.iter().any(|(q, _)| q == path))
        {
            bail!(
                "{} 与前面的输入文件都要写入 {}：同一期只能导入一次（期号不对时可分别用 --issue 年/期号 导入）",
                input.display(),
                path.display()
            );
        }
        planned.extend(files);
    }
    let existing: Vec<String> = planned
        .iter()
        .filter(|(p, _)| root.join(p).exists())
        .map(|(p, _)| p.display().to_string())
        .collect();
    if !existing.is_empty() && !options.force {
        bail!(
            "这些文件已经存在，没有改动：{}（确需覆盖时加 --force）",
            existing.join("、")
        );
    }
    let mut written = Vec::new();
    for (path, text) in planned {
        let target = root.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("无法创建 {}", parent.display()))?;
        }
        std::fs::write(&target, text).with_context(|| format!("无法写入 {}", target.display()))?;
        written.push(path);
    }
    Ok(written)
}
