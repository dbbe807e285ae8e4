//! The archive as the render stage sees it: validated, resolved, ordered.

use chrono::NaiveDate;

use crate::config::SiteConfig;
use crate::content::gazetteer::Place;

#[derive(Debug, Clone)]
pub struct Archive {
    pub config: SiteConfig,
    /// Sorted by year, then number.
    pub issues: Vec<Issue>,
    /// Reports of every issue in issue and contents order, then drafts.
    pub reports: Vec<Report>,
    /// Non-Markdown files under `content/` (images, attachments), copied as
    /// they are.
    pub assets: Vec<Asset>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Distribution {
    /// 送
    pub to: Vec<String>,
    /// 发
    pub cc: Vec<String>,
}

impl Distribution {
    /// Appends recipients not already listed.
    pub fn add(&mut self, other: &Distribution) {
        for item in &other.to {
            if !self.to.contains(item) {
                self.to.push(item.clone());
            }
        }
        for item in &other.cc {
            if !self.cc.contains(item) {
                self.cc.push(item.clone());
            }
        }
    }
}

#[derive(Debug, Clone, Hash)]
pub struct Issue {
    pub year: i32,
    pub number: u32,
    /// Path of `_issue.md` relative to the site root.
    pub source: String,
    pub date: NaiveDate,
    /// The series line (专辑), as the issue prints it:
    /// “…主题活动专辑（二十一）”. The front matter calls it `album`.
    pub series_line: Option<String>,
    /// 总第 N 期
    pub total: Option<u32>,
    /// 共印 N 份
    pub copies: Option<u32>,
    pub publisher: String,
    pub printer: String,
    /// The issue's own list plus what its reports add.
    pub distribution: Distribution,
    /// 编者按, rendered.
    pub editor_note_html: Option<String>,
    /// Indexes into `Archive::reports`, in contents order.
    pub reports: Vec<usize>,
}

impl Issue {
    /// The series the issue belongs to: its series line without the
    /// trailing number.
    pub fn series(&self) -> Option<String> {
        self.series_line.as_deref().map(series_name)
    }
}

/// The series a series line belongs to: the line without its trailing
/// number, “…主题活动专辑（二十一）” → “…主题活动专辑”.
pub fn series_name(line: &str) -> String {
    let trimmed = line.trim();
    if let Some(open) = trimmed.rfind(['（', '(']) {
        let inner = &trimmed[open..];
        let numeral = inner
            .trim_start_matches(['（', '('])
            .trim_end_matches(['）', ')']);
        let is_number = !numeral.is_empty()
            && numeral
                .chars()
                .all(|c| "一二三四五六七八九十百零〇0123456789".contains(c));
        if is_number && (inner.ends_with('）') || inner.ends_with(')')) {
            return trimmed[..open].trim().to_string();
        }
    }
    trimmed.to_string()
}

#[derive(Debug, Clone)]
pub struct Report {
    /// The file's name without `.md`; the last part of its URL.
    pub slug: String,
    /// Path relative to `content/`, e.g. `2024/27/02-xincai.md`.
    pub source: String,
    /// Index into `Archive::issues`; `None` for drafts.
    pub issue: Option<usize>,
    /// The county as the editor wrote it (新蔡县, 安阳北关区).
    pub county: String,
    pub place: Place,
    pub title: String,
    pub subtitle: Option<String>,
    pub supplier: String,
    pub order: Option<i64>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub body_html: String,
    /// The body as plain text, paragraphs separated by `\n`.
    pub plain_text: String,
    /// Tags first, then jieba TF-IDF keywords.
    pub keywords: Vec<String>,
    pub added_distribution: Distribution,
}

impl Report {
    /// The title as the bulletin prints it: 新蔡县：依托代表联络站点 扎实开展主题活动.
    pub fn full_title(&self) -> String {
        format!("{}：{}", self.county, self.title)
    }
}

#[derive(Debug, Clone)]
pub struct Asset {
    pub source: std::path::PathBuf,
    /// Path relative to the site root, for messages.
    pub display: String,
    /// Kept beside drafts: published only with `--drafts`.
    pub draft: bool,
    /// The issue whose folder holds it (year, number), if any.
    pub issue: Option<(i32, u32)>,
    /// Its path inside that folder, or inside `content/` when it is in
    /// no issue's folder; `/`-separated.
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_is_its_line_without_the_number() {
        assert_eq!(
            series_name("“为人民履职”主题活动专辑（二十一）"),
            "“为人民履职”主题活动专辑"
        );
        assert_eq!(series_name("专辑(7)"), "专辑");
        assert_eq!(series_name("乡村振兴专辑"), "乡村振兴专辑");
    }
}
