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

#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

#[derive(Debug, Clone)]
pub struct Issue {
    pub year: i32,
    pub number: u32,
    /// Path of `_issue.md` relative to the site root.
    pub source: String,
    pub date: NaiveDate,
    /// The series line (专辑).
    pub album: Option<String>,
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
    /// The URL path of the issue, relative to the site's base: `2024/27/`.
    pub fn path(&self) -> String {
        format!("{}/{:02}/", self.year, self.number)
    }
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
    /// Output path relative to the output root, `/`-separated.
    pub target: String,
}
