//! `jianbao import`: Word, PDF and plain-text files of past issues (or of
//! single reports) turned into content files.
//!
//! One pipeline for every format: a reader per format (`text`, `docx`,
//! `pdf` with `layout`, `convert` for `.doc`/`.wps` through LibreOffice)
//! produces a format-neutral `Document`; `recognize` reads it as an issue —
//! masthead, series line, contents, reports with their credits, the 版记 —
//! and accounts for every line: written, skipped for a stated reason, or
//! listed under 存疑; `plan` says which files that makes. Nothing is
//! invented: without a masthead or flags the reports go to drafts.

mod convert;
pub mod document;
mod docx;
mod docx_xml;
mod layout;
mod markup;
mod masthead;
mod pdf;
mod plan;
mod recognize;
pub mod repair;
pub mod source;
mod text;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;

use crate::config::SiteConfig;
use crate::content::source::DecodeProblem;
pub use document::Skipped;
pub use plan::{files_for, ImportOptions};
pub use source::{Format, ReadError};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportedReport {
    pub county: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub supplier: Option<String>,
    /// Markdown paragraphs; footnote definitions last.
    pub paragraphs: Vec<String>,
}

/// Where the lines of the source went.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Account {
    /// Non-empty lines of the source (a Word file's paragraphs, table rows
    /// and footnotes).
    pub source_lines: usize,
    pub report_lines: usize,
    /// Masthead, series line, editor's note, 版记.
    pub issue_lines: usize,
    pub skipped: Vec<Skipped>,
    /// Lines quoted under 存疑 and not written.
    pub doubtful_lines: usize,
}

impl Account {
    pub fn skipped_lines(&self) -> usize {
        self.skipped.iter().map(|s| s.lines).sum()
    }

    /// Lines that went nowhere: zero unless the importer has a bug.
    pub fn unaccounted(&self) -> isize {
        self.source_lines as isize
            - (self.report_lines + self.issue_lines + self.skipped_lines() + self.doubtful_lines)
                as isize
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportedIssue {
    pub number: Option<u32>,
    pub total: Option<u32>,
    pub date: Option<NaiveDate>,
    pub publisher: Option<String>,
    pub album: Option<String>,
    pub printer: Option<String>,
    pub copies: Option<u32>,
    pub to: Option<String>,
    pub cc: Option<String>,
    /// The editor's note (编者按): the body of `_issue.md`.
    pub editor_note: Vec<String>,
    pub reports: Vec<ImportedReport>,
    pub repairs: Vec<&'static str>,
    pub doubts: Vec<String>,
    pub account: Account,
}

/// The bulletin's name on the masthead when the site does not say.
const MASTHEAD: &str = "代表工作";

/// Reads one issue kept as text.
pub fn parse(text: &str) -> ImportedIssue {
    recognize::recognize(text::read(text), MASTHEAD)
}

/// Reads one text file's bytes (UTF-8, GBK or UTF-16) as an issue. Pure,
/// so it can be fuzzed.
pub fn read_issue(bytes: &[u8]) -> Result<ImportedIssue, DecodeProblem> {
    let decoded = crate::content::source::decode(bytes)?;
    Ok(parse(&decoded.text))
}

/// Reads a `.docx` file's bytes as an issue. Pure, so it can be fuzzed.
pub fn read_docx(bytes: &[u8]) -> Result<ImportedIssue, ReadError> {
    Ok(recognize::recognize(docx::read(bytes)?, MASTHEAD))
}

/// Reads any input file as an issue: the format from its content, each
/// size capped before it is read. `masthead` is the bulletin's name.
pub fn read_file(path: &Path, masthead: &str) -> Result<(Format, ImportedIssue), ReadError> {
    let bytes = source::read_capped(path)?;
    let format = source::detect(path, &bytes)?;
    let document = match format {
        Format::Text => {
            if bytes.len() as u64 > source::MAX_TEXT_BYTES {
                return Err(ReadError::TooLarge {
                    size: bytes.len() as u64,
                    limit: source::MAX_TEXT_BYTES,
                });
            }
            let decoded = crate::content::source::decode(&bytes).map_err(ReadError::Text)?;
            text::read(&decoded.text)
        }
        Format::Docx => docx::read(&bytes)?,
        Format::Pdf => {
            drop(bytes);
            pdf::read(path)?
        }
        Format::Legacy => {
            let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("doc");
            docx::read(&convert::to_docx(&bytes, extension)?)?
        }
        Format::EncryptedOffice => return Err(ReadError::Encrypted),
    };
    Ok((format, recognize::recognize(document, masthead)))
}

/// Masthead and 版记 lines of an issue imported as drafts.
const UNWRITTEN_FRAME: &str = "报头和版记";

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Text => "文本",
        Format::Docx => "Word 文档",
        Format::Pdf => "PDF",
        Format::Legacy => "旧版 Word/WPS 文档（经 LibreOffice 转换）",
        Format::EncryptedOffice => "加密的 Office 文档",
    }
}

/// What `import` prints about one input: what was found, repaired,
/// skipped and doubted, and where every line went.
fn describe(
    input: &Path,
    format: Format,
    issue: &ImportedIssue,
    config: &SiteConfig,
    has_issue_file: bool,
    say: &mut dyn FnMut(String),
) {
    say(format!("{}（{}）：", input.display(), format_name(format)));
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
    let account = &issue.account;
    let mut skipped = account.skipped.clone();
    if !has_issue_file && account.issue_lines > 0 {
        document::add_skipped(&mut skipped, UNWRITTEN_FRAME, account.issue_lines);
    }
    if !skipped.is_empty() {
        let parts: Vec<String> = skipped
            .iter()
            .map(|s| match s.reason {
                UNWRITTEN_FRAME => {
                    format!("{} {} 行（没有期号和日期，无处写入）", s.reason, s.lines)
                }
                reason => format!("{reason} {} 行", s.lines),
            })
            .collect();
        say(format!("  跳过：{}", parts.join("；")));
    }
    for doubt in &issue.doubts {
        say(format!("  存疑：{doubt}"));
    }
    if has_issue_file {
        let defaults = [
            ("送", &issue.to, config.distribution.to.join("，")),
            ("发", &issue.cc, config.distribution.cc.join("，")),
        ];
        for (key, found, default) in defaults {
            if let Some(found) = found.as_ref().filter(|f| **f != default) {
                say(format!(
                    "  存疑：“{key}”与 site.toml 中的默认分送范围不同，已写入 _issue.md，请核对：{found}"
                ));
            }
        }
    }
    if account.unaccounted() != 0 {
        say(format!(
            "  存疑：有 {} 行去向不明（这是本工具的错误，请连同原文件报告）",
            account.unaccounted()
        ));
    }
    let (issue_written, issue_skipped) = if has_issue_file {
        (account.issue_lines, 0)
    } else {
        (0, account.issue_lines)
    };
    say(format!(
        "  共 {} 行：写入报告 {} 行，写入本期信息 {} 行，跳过 {} 行，存疑未写入 {} 行",
        account.source_lines,
        account.report_lines,
        issue_written,
        account.skipped_lines() + issue_skipped,
        account.doubtful_lines
    ));
}

/// Imports files into the site at `root`, printing what was found. Every
/// input is read and checked before anything is written.
pub fn import(
    root: &Path,
    inputs: &[PathBuf],
    options: &ImportOptions,
    say: &mut dyn FnMut(String),
) -> Result<Vec<PathBuf>> {
    let config = SiteConfig::load(root).map_err(|d| anyhow::anyhow!("{d}"))?;
    let mut planned: Vec<(PathBuf, String)> = Vec::new();
    for input in inputs {
        let (format, issue) = read_file(input, &config.title)
            .map_err(|err| anyhow::anyhow!("{}：{err}（没有写入任何文件）", input.display()))?;
        let files = plan::plan(&issue, &config, options, &planned);
        let has_issue_file = files.iter().any(|(p, _)| p.ends_with("_issue.md"));
        describe(input, format, &issue, &config, has_issue_file, say);
        if issue.reports.is_empty() {
            say("  没有找到报告（“县区：标题”一行和其后的正文）".into());
        }
        if !has_issue_file && !issue.reports.is_empty() {
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
