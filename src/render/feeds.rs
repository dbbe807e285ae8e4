//! The files for programs rather than readers: the Atom feed, the sitemap
//! and robots.txt.

use serde::Serialize;
use tera::Context;

use super::links;
use super::reads::{Input, Reads};
use super::{Contents, OutputFile, Renderer};
use crate::diagnostics::Diagnostic;
use crate::theme::Template;

#[derive(Serialize)]
pub(super) struct FeedView {
    id: String,
    home: String,
    self_url: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

#[derive(Hash, Serialize)]
pub(super) struct FeedEntry {
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
struct SitemapUrl {
    loc: String,
}

impl Renderer<'_> {
    /// The newest published reports, newest first.
    pub(super) fn feed(&self, reads: &Reads) -> FeedView {
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
            .map(|i| self.feed_entry(i, reads))
            .collect();
        FeedView {
            id: self.links.feed_id(""),
            home: self.links.absolute(""),
            self_url: self.links.absolute(links::FEED),
            updated: entries
                .first()
                .map(|e| e.updated.clone())
                .unwrap_or_else(|| "2000-01-01T00:00:00+08:00".into()),
            entries,
        }
    }

    /// Published report `index` as the feed carries it.
    pub(super) fn feed_entry(&self, index: usize, reads: &Reads) -> FeedEntry {
        reads.note(Input::FeedEntry(index));
        let archive = self.archive;
        let report = &archive.reports[index];
        let issue = &archive.issues[report.issue.expect("published")];
        let path = links::report_path(archive, report);
        FeedEntry {
            id: self.links.feed_id(&path),
            link: self.links.absolute(&path),
            title: report.full_title(),
            updated: format!("{}T00:00:00+08:00", issue.date),
            author: report.supplier.clone(),
            summary: crate::text::excerpt(&report.plain_text, 120),
            content_html: report.body_html.clone(),
            issue_label: format!("{}年第{}期", issue.year, issue.number),
        }
    }

    /// The sitemap of the pages among `paths`.
    pub(super) fn sitemap(&self, paths: &[String]) -> Result<OutputFile, Vec<Diagnostic>> {
        let mut urls: Vec<SitemapUrl> = paths
            .iter()
            // Print pages repeat their issue page: not for search engines.
            .filter(|p| {
                p.ends_with(".html") && *p != links::NOT_FOUND && !p.ends_with("/print.html")
            })
            .map(|p| SitemapUrl {
                loc: self.links.absolute(p.trim_end_matches("index.html")),
            })
            .collect();
        urls.sort_by(|a, b| a.loc.cmp(&b.loc));
        let mut context = Context::new();
        context.insert("site", &self.site);
        context.insert("urls", &urls);
        self.render_template(Template::Sitemap, &context)
            .map(|text| OutputFile {
                path: links::SITEMAP.into(),
                contents: Contents::Text(text),
            })
            .map_err(|problem| vec![problem])
    }

    /// `robots.txt`: everything may be crawled; the sitemap, when there
    /// is one, is named (crawlers read robots.txt at the host's root only:
    /// under a subpath, IT staff copy the line into the host's own).
    pub(super) fn robots(&self) -> OutputFile {
        let mut text = String::from("User-agent: *\nAllow: /\n");
        if self.links.is_absolute() {
            text.push_str(&format!(
                "Sitemap: {}\n",
                self.links.absolute(links::SITEMAP)
            ));
        }
        OutputFile {
            path: links::ROBOTS.into(),
            contents: Contents::Text(text),
        }
    }
}
