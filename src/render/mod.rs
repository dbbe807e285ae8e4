//! The render stage: pure functions from the archive model and the theme to
//! the files of the site. Nothing here touches the disk.

pub mod charts;
pub mod dependents;
pub mod links;
mod related;
mod relative;
mod taxonomy;
mod template_errors;
pub mod templates;
pub mod views;

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::content::Archive;
use crate::diagnostics::Diagnostic;
use links::Links;
use taxonomy::{MemberGroup, Taxonomies, TermPage};
use templates::{Origin, Theme};
use views::{IssueLink, ReportLink, ReportView, ViewBuilder};

const ROBOTS: &str = "robots.txt";

/// Where rendered files go: the staging folder of a build, or nowhere for
/// `check`.
pub type Sink<'s> = dyn Fn(OutputFile) -> anyhow::Result<()> + Sync + 's;

enum Failure {
    Template(Diagnostic),
    Io(anyhow::Error),
}

fn content_errors(problems: Vec<Diagnostic>) -> anyhow::Error {
    let mut diagnostics = crate::diagnostics::Diagnostics::default();
    for problem in problems {
        diagnostics.push(problem);
    }
    crate::diagnostics::ContentErrors(diagnostics).into()
}

/// One file of the output, by its path relative to the output root.
pub struct OutputFile {
    pub path: String,
    pub contents: Contents,
}

pub enum Contents {
    Text(String),
    Bytes(Vec<u8>),
    Copy(Origin),
    /// A file of the previous output kept as it is (a PDF): hard-linked
    /// when the file system allows, copied otherwise.
    Keep(std::path::PathBuf),
}

/// A page to render: which template, at which path, with which data.
/// Indexes are into the archive and the taxonomies of one `Renderer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    Home,
    Issue(usize),
    Print(usize),
    Report(usize),
    AllIssues,
    Year(i32),
    Drafts,
    TermIndex(usize),
    Term(usize),
    Stats,
    Search,
    NotFound,
    Feed,
}

pub struct Renderer<'a> {
    archive: &'a Archive,
    theme: &'a Theme,
    links: &'a Links,
    views: ViewBuilder<'a>,
    site: views::SiteView,
    /// Built on first use: rendering one report's pages after an edit
    /// rarely needs the term pages.
    taxonomies: std::sync::OnceLock<Taxonomies>,
    postings: HashMap<&'a str, Vec<usize>>,
    /// Issues whose PDF is in the output: their pages link to it.
    pdfs: std::collections::HashSet<usize>,
}

impl<'a> Renderer<'a> {
    pub fn new(archive: &'a Archive, theme: &'a Theme, links: &'a Links) -> Renderer<'a> {
        let views = ViewBuilder::new(archive, links);
        let postings = related::keyword_postings(archive);
        let mut site = views.site();
        site.fingerprint(&theme.fingerprints);
        Renderer {
            archive,
            theme,
            links,
            site,
            views,
            taxonomies: Default::default(),
            postings,
            pdfs: Default::default(),
        }
    }

    fn taxonomies(&self) -> &Taxonomies {
        self.taxonomies
            .get_or_init(|| Taxonomies::build(self.archive, &self.views, &self.postings))
    }

    /// Keywords shared by two reports or more have a page of their own.
    fn keyword_has_page(&self, keyword: &str) -> bool {
        self.postings
            .get(keyword)
            .is_some_and(|list| list.len() >= 2)
    }

    /// Marks the issues whose PDF the output will hold.
    pub fn with_pdfs(mut self, pdfs: std::collections::HashSet<usize>) -> Self {
        self.pdfs = pdfs;
        self
    }

    /// The bytes this build copies to output file `path` (a static file or
    /// one of the content's own files), `None` for pages and unknown paths.
    pub fn copied_bytes(&self, path: &str) -> Option<std::io::Result<Vec<u8>>> {
        let origin = match self.theme.static_files.get(path) {
            Some(origin) => origin.clone(),
            None => Origin::File(
                self.archive
                    .assets
                    .iter()
                    .find(|asset| asset.target == path)?
                    .source
                    .clone(),
            ),
        };
        Some(match origin {
            Origin::Builtin(bytes) => Ok(bytes.to_vec()),
            Origin::File(file) => std::fs::read(file),
        })
    }

    /// One issue's print page, alone: to tell whether a PDF made from the
    /// previous one still matches.
    pub fn print_page(&self, index: usize) -> Result<String, Diagnostic> {
        match self.render_job(&Job::Print(index))?.contents {
            Contents::Text(text) => Ok(text),
            _ => unreachable!("pages are text"),
        }
    }

    /// Every file of the site, each handed to `sink` as soon as it is
    /// made (so writing overlaps rendering and the pages are never all in
    /// memory at once). Returns the paths made. Template errors are
    /// collected and returned together as `ContentErrors`.
    pub fn render_all(&self, sink: &Sink) -> anyhow::Result<Vec<String>> {
        let mut paths = self.render_jobs(&self.jobs(), sink)?;
        paths.reserve(self.theme.static_files.len() + self.archive.assets.len() + 1);
        self.finish(paths, sink)
    }

    /// The given pages, rendered in parallel and handed to `sink`. Template
    /// errors are collected and returned together as `ContentErrors`.
    pub fn render_jobs(&self, jobs: &[Job], sink: &Sink) -> anyhow::Result<Vec<String>> {
        let results: Vec<Result<String, Failure>> = jobs
            .par_iter()
            .map(|job| {
                let file = self.render_job(job).map_err(Failure::Template)?;
                let path = file.path.clone();
                sink(file).map_err(Failure::Io)?;
                Ok(path)
            })
            .collect();
        let mut paths = Vec::with_capacity(results.len());
        let mut problems: Vec<Diagnostic> = Vec::new();
        for result in results {
            match result {
                Ok(path) => paths.push(path),
                Err(Failure::Io(err)) => return Err(err),
                Err(Failure::Template(problem)) => {
                    if !problems.iter().any(|p| p.message == problem.message) {
                        problems.push(problem)
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(content_errors(problems));
        }
        Ok(paths)
    }

    /// After the pages: the sitemap, the theme's static files and the
    /// content's own files.
    fn finish(&self, mut paths: Vec<String>, sink: &Sink) -> anyhow::Result<Vec<String>> {
        // A sitemap lists full addresses; without one in base_url there is none.
        if self.links.is_absolute() {
            let sitemap = self.sitemap(&paths).map_err(content_errors)?;
            paths.push(sitemap.path.clone());
            sink(sitemap)?;
        }
        // A site's own static/robots.txt is copied instead.
        if !self.theme.static_files.contains_key(ROBOTS) {
            paths.push(ROBOTS.into());
            sink(OutputFile {
                path: ROBOTS.into(),
                contents: Contents::Text(self.robots()),
            })?;
        }
        for (path, origin) in &self.theme.static_files {
            paths.push(path.clone());
            sink(OutputFile {
                path: path.clone(),
                contents: Contents::Copy(origin.clone()),
            })?;
        }
        let generated: std::collections::HashSet<&String> = paths.iter().collect();
        let clashes: Vec<Diagnostic> = self
            .archive
            .assets
            .iter()
            .filter(|asset| generated.contains(&asset.target))
            .map(|asset| {
                Diagnostic::error(
                    asset.display.clone(),
                    None,
                    format!("这个文件与生成的页面 {} 同名，会把页面覆盖", asset.target),
                )
                .hint("请给它改名或移出 content/（如 Word“另存为网页”得到的文件不应放在这里）")
            })
            .collect();
        if !clashes.is_empty() {
            return Err(content_errors(clashes));
        }
        for asset in &self.archive.assets {
            paths.push(asset.target.clone());
            sink(OutputFile {
                path: asset.target.clone(),
                contents: Contents::Copy(Origin::File(asset.source.clone())),
            })?;
        }
        Ok(paths)
    }

    pub fn jobs(&self) -> Vec<Job> {
        let archive = self.archive;
        let mut jobs = vec![
            Job::Home,
            Job::AllIssues,
            Job::Search,
            Job::Stats,
            Job::NotFound,
            Job::Feed,
        ];
        for index in 0..archive.issues.len() {
            jobs.push(Job::Issue(index));
            jobs.push(Job::Print(index));
        }
        let mut years: Vec<i32> = archive.issues.iter().map(|i| i.year).collect();
        years.dedup();
        jobs.extend(years.into_iter().map(Job::Year));
        jobs.extend((0..archive.reports.len()).map(Job::Report));
        if archive.reports.iter().any(|r| r.issue.is_none()) {
            jobs.push(Job::Drafts);
        }
        jobs.extend((0..self.taxonomies().indexes.len()).map(Job::TermIndex));
        jobs.extend((0..self.taxonomies().pages.len()).map(Job::Term));
        jobs
    }

    fn render_job(&self, job: &Job) -> Result<OutputFile, Diagnostic> {
        let archive = self.archive;
        let mut context = Context::new();
        context.insert("site", &self.site);
        let (path, template, section) = match job {
            Job::Home => {
                context.insert(
                    "latest",
                    &archive
                        .issues
                        .len()
                        .checked_sub(1)
                        .map(|i| self.views.issue(i, None)),
                );
                let recent: Vec<IssueLink> = (0..archive.issues.len())
                    .rev()
                    .take(archive.config.recent_issues)
                    .map(|i| self.views.issue_link_at(i))
                    .collect();
                context.insert("recent", &recent);
                ("index.html".to_string(), "index.html", "home")
            }
            Job::Issue(index) | Job::Print(index) => {
                let issue = &archive.issues[*index];
                let pdf_url = self.pdfs.contains(index).then(|| {
                    self.links.href(&format!(
                        "{}{}",
                        issue.path(),
                        crate::pdf::file_name(issue.year, issue.number)
                    ))
                });
                let view = self.views.issue(*index, pdf_url);
                context.insert("issue", &view);
                context.insert("page_title", &view.link.label);
                match job {
                    Job::Print(_) => (
                        format!("{}print.html", issue.path()),
                        "print.html",
                        "issues",
                    ),
                    _ => (
                        format!("{}index.html", issue.path()),
                        "issue.html",
                        "issues",
                    ),
                }
            }
            Job::Report(index) => {
                let report = &archive.reports[*index];
                let view = ReportView {
                    link: self.views.report_link_at(*index),
                    body_html: report.body_html.clone(),
                    keywords: report
                        .keywords
                        .iter()
                        .map(|k| views::KeywordLink {
                            name: k.clone(),
                            url: if self.keyword_has_page(k) {
                                self.links.href(&links::keyword_path(k))
                            } else {
                                String::new()
                            },
                        })
                        .collect(),
                    related: related::related(archive, &self.postings, *index, related::SHOWN)
                        .into_iter()
                        .map(|r| self.views.report_link_at(r))
                        .collect(),
                };
                context.insert("page_title", &view.link.full_title);
                context.insert("report", &view);
                (
                    format!("{}index.html", links::report_path(archive, report)),
                    "report.html",
                    "issues",
                )
            }
            Job::AllIssues | Job::Year(_) => {
                let year_filter = match job {
                    Job::Year(year) => Some(*year),
                    _ => None,
                };
                let mut years: Vec<YearGroup> = Vec::new();
                for (position, issue) in archive.issues.iter().enumerate().rev() {
                    if year_filter.is_some_and(|y| y != issue.year) {
                        continue;
                    }
                    if years.last().map(|g| g.year) != Some(issue.year) {
                        years.push(YearGroup {
                            year: issue.year,
                            url: self.links.href(&format!("{}/", issue.year)),
                            issues: Vec::new(),
                        });
                    }
                    let reports = issue
                        .reports
                        .iter()
                        .map(|&r| self.views.report_link_at(r))
                        .collect();
                    years
                        .last_mut()
                        .expect("pushed above")
                        .issues
                        .push(IssueWithReports {
                            link: self.views.issue_link_at(position),
                            reports,
                        });
                }
                let title = match year_filter {
                    Some(year) => format!("{year}年各期"),
                    None => "历年各期".to_string(),
                };
                context.insert("page_title", &title);
                context.insert("years", &years);
                let path = match year_filter {
                    Some(year) => format!("{year}/index.html"),
                    None => "issues/index.html".to_string(),
                };
                (path, "issues.html", "issues")
            }
            Job::Drafts => {
                let drafts: Vec<usize> = (0..archive.reports.len())
                    .filter(|&r| archive.reports[r].issue.is_none())
                    .collect();
                let page = TermPage {
                    path: "drafts/".into(),
                    kind: "草稿".into(),
                    name: "尚未编入某期的报告".into(),
                    description: "这些报告在 content/drafts/ 中，只在加 --drafts 构建时发布。"
                        .into(),
                    groups: vec![MemberGroup {
                        heading: String::new(),
                        url: String::new(),
                        reports: drafts,
                    }],
                    section: "issues",
                };
                context.insert("page_title", &page.name);
                context.insert("term", &page.view(&self.views));
                ("drafts/index.html".to_string(), "term.html", "issues")
            }
            Job::TermIndex(index) => {
                let page = &self.taxonomies().indexes[*index];
                context.insert("page_title", &page.title);
                context.insert("index", page);
                (
                    format!("{}index.html", page.path),
                    "terms.html",
                    page.section,
                )
            }
            Job::Term(index) => {
                let page = &self.taxonomies().pages[*index];
                context.insert("page_title", &format!("{}：{}", page.kind, page.name));
                context.insert("term", &page.view(&self.views));
                (
                    format!("{}index.html", page.path),
                    "term.html",
                    page.section,
                )
            }
            Job::Stats => {
                let stats = self.taxonomies().stats(archive, self.links);
                context.insert("page_title", "档案概览");
                context.insert("stats", &stats);
                ("stats/index.html".to_string(), "stats.html", "stats")
            }
            Job::Search => {
                context.insert("page_title", "全文检索");
                context.insert("search", &self.search_options());
                ("search/index.html".to_string(), "search.html", "search")
            }
            Job::NotFound => {
                context.insert("page_title", "找不到页面");
                ("404.html".to_string(), "404.html", "")
            }
            Job::Feed => {
                context.insert("feed", &self.feed());
                ("atom.xml".to_string(), "atom.xml", "")
            }
        };
        context.insert("section", section);
        let folder = path.trim_end_matches("index.html");
        context.insert("page_url", &self.links.href(folder));
        // Search engines take one address per page: the full one.
        let canonical = match job {
            Job::NotFound | Job::Feed => String::new(),
            _ if self.links.is_absolute() => self.links.absolute(folder),
            _ => String::new(),
        };
        context.insert("canonical_url", &canonical);
        let text = self
            .theme
            .tera
            .render(template, &context)
            .map_err(|err| self.render_error(template, &err))?;
        // Print pages are opened from the disk by `jianbao pdf`: relative
        // whatever the site's setting.
        let relative = self.links.is_relative() || matches!(job, Job::Print(_));
        let text = if relative && path.ends_with(".html") {
            relative::relativize(&text, &path, self.links.base())
        } else {
            text
        };
        Ok(OutputFile {
            path,
            contents: Contents::Text(text),
        })
    }

    /// `robots.txt`: everything may be crawled; the sitemap, when there
    /// is one, is named (crawlers read robots.txt at the host's root only:
    /// under a subpath, IT staff copy the line into the host's own).
    fn robots(&self) -> String {
        let mut text = String::from("User-agent: *\nAllow: /\n");
        if self.links.is_absolute() {
            text.push_str(&format!(
                "Sitemap: {}\n",
                self.links.absolute("sitemap.xml")
            ));
        }
        text
    }

    fn render_error(&self, template: &str, err: &tera::Error) -> Diagnostic {
        let origin = self
            .theme
            .template_sources
            .get(template)
            .cloned()
            .unwrap_or_else(|| template.to_string());
        let explained = template_errors::explain_error(err);
        let line = explained.first().and_then(|e| e.line);
        let message = explained
            .into_iter()
            .map(|e| e.message)
            .collect::<Vec<_>>()
            .join("；");
        Diagnostic::error(origin, line, format!("模板渲染失败：{message}"))
            .hint("模板中用到的变量须存在；可用 {% if x %} 判断可选的值。可用的变量见 README")
    }

    /// The choices of the search page's filters.
    fn search_options(&self) -> SearchOptions {
        let archive = self.archive;
        let mut years: Vec<i32> = archive.issues.iter().map(|i| i.year).collect();
        years.dedup();
        years.reverse();
        let gazetteer = crate::content::gazetteer::Gazetteer::henan();
        let mut places: Vec<(usize, String, String)> = archive
            .reports
            .iter()
            .filter(|r| r.issue.is_some())
            .flat_map(|r| {
                let prefecture = links::prefecture_name(&r.place).to_string();
                let rank = gazetteer.prefecture_rank(&prefecture);
                [
                    (rank, prefecture.clone(), String::new()),
                    (rank, prefecture, r.place.full_name()),
                ]
            })
            .collect();
        places.sort();
        places.dedup();
        let mut series: Vec<String> = archive
            .issues
            .iter()
            .filter_map(|i| i.album.as_deref().map(links::series_of))
            .collect();
        series.sort();
        series.dedup();
        SearchOptions {
            years,
            places: places
                .into_iter()
                .map(|(_, prefecture, place)| if place.is_empty() { prefecture } else { place })
                .collect(),
            series,
        }
    }

    fn feed(&self) -> FeedView {
        let archive = self.archive;
        let mut published: Vec<usize> = (0..archive.reports.len())
            .filter(|&i| archive.reports[i].issue.is_some())
            .collect();
        published.sort_by_key(|&i| {
            let issue = &archive.issues[archive.reports[i].issue.expect("filtered")];
            std::cmp::Reverse((issue.date, issue.number, usize::MAX - i))
        });
        let entries: Vec<FeedEntry> = published
            .into_iter()
            .take(archive.config.feed_limit)
            .map(|i| {
                let report = &archive.reports[i];
                let issue = &archive.issues[report.issue.expect("filtered")];
                FeedEntry {
                    id: self.links.feed_id(&links::report_path(archive, report)),
                    link: self.links.absolute(&links::report_path(archive, report)),
                    title: report.full_title(),
                    updated: format!("{}T00:00:00+08:00", issue.date),
                    author: report.supplier.clone(),
                    summary: crate::text::excerpt(&report.plain_text, 120),
                    content_html: report.body_html.clone(),
                    issue_label: format!("{}年第{}期", issue.year, issue.number),
                }
            })
            .collect();
        FeedView {
            id: self.links.feed_id(""),
            home: self.links.absolute(""),
            self_url: self.links.absolute("atom.xml"),
            updated: entries
                .first()
                .map(|e| e.updated.clone())
                .unwrap_or_else(|| "2000-01-01T00:00:00+08:00".into()),
            entries,
        }
    }

    fn sitemap(&self, paths: &[String]) -> Result<OutputFile, Vec<Diagnostic>> {
        let mut urls: Vec<SitemapUrl> = paths
            .iter()
            // Print pages repeat their issue page: not for search engines.
            .filter(|p| p.ends_with(".html") && *p != "404.html" && !p.ends_with("/print.html"))
            .map(|p| SitemapUrl {
                loc: self.links.absolute(p.trim_end_matches("index.html")),
            })
            .collect();
        urls.sort_by(|a, b| a.loc.cmp(&b.loc));
        let mut context = Context::new();
        context.insert("site", &self.site);
        context.insert("urls", &urls);
        self.theme
            .tera
            .render("sitemap.xml", &context)
            .map(|text| OutputFile {
                path: "sitemap.xml".into(),
                contents: Contents::Text(text),
            })
            .map_err(|err| vec![self.render_error("sitemap.xml", &err)])
    }
}

#[derive(Serialize)]
struct YearGroup {
    year: i32,
    url: String,
    issues: Vec<IssueWithReports>,
}

#[derive(Serialize)]
struct IssueWithReports {
    link: IssueLink,
    reports: Vec<ReportLink>,
}

#[derive(Serialize)]
struct FeedView {
    id: String,
    home: String,
    self_url: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

#[derive(Serialize)]
struct FeedEntry {
    id: String,
    link: String,
    title: String,
    updated: String,
    author: String,
    summary: String,
    content_html: String,
    issue_label: String,
}

#[derive(Serialize)]
struct SearchOptions {
    years: Vec<i32>,
    places: Vec<String>,
    series: Vec<String>,
}

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
}
