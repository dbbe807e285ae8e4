//! What each page shows: for every kind of job, its template, its section
//! and the data its template sees, each piece read through an accessor
//! that notes it (`reads`).

use serde::Serialize;
use tera::Context;

use super::links;
use super::reads::{Input, Reads};
use super::related;
use super::taxonomy::{MemberGroup, StatsView, TermKind, TermPage};
use super::views::{IssueLink, KeywordLink, ReportLink, ReportView};
use super::{Job, Renderer};
use crate::content::gazetteer::Gazetteer;
use crate::theme::Template;

/// The part of the site a page belongs to, for the navigation's current
/// item (templates see `home`, `issues`, …; none for 404 and the feed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Section {
    Home,
    Issues,
    Counties,
    Suppliers,
    Series,
    Keywords,
    Stats,
    Search,
    #[serde(rename = "")]
    None,
}

/// A page before its template runs.
pub(super) struct Page {
    pub(super) template: Template,
    pub(super) section: Section,
    /// The page's own data; `render_job` adds what every page has.
    pub(super) context: Context,
}

impl Page {
    fn new(template: Template, section: Section) -> Page {
        Page {
            template,
            section,
            context: Context::new(),
        }
    }

    fn with(mut self, key: &'static str, value: &impl Serialize) -> Page {
        self.context.insert(key, value);
        self
    }

    fn titled(self, title: &str) -> Page {
        self.with("page_title", &title)
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

/// The choices of the search page's filters.
#[derive(Hash, Serialize)]
pub(super) struct SearchFilters {
    years: Vec<i32>,
    places: Vec<String>,
    series: Vec<String>,
}

impl Renderer<'_> {
    /// Where `job`'s page goes.
    pub(super) fn path_of(&self, job: Job) -> String {
        let archive = self.archive;
        match job {
            Job::Home => links::index_file(""),
            Job::Issue(i) => links::index_file(&links::issue_path(&archive.issues[i])),
            Job::Print(i) => links::print_path(&archive.issues[i]),
            Job::Report(r) => links::index_file(&links::report_path(archive, &archive.reports[r])),
            Job::AllIssues => links::index_file(links::ALL_ISSUES),
            Job::Year(year) => links::index_file(&links::year_path(year)),
            Job::Drafts => links::index_file(links::DRAFTS),
            Job::TermIndex(i) => links::index_file(&self.taxonomies().indexes[i].path),
            Job::Term(i) => links::index_file(&self.taxonomies().pages[i].path),
            Job::Stats => links::index_file(links::STATS),
            Job::Search => links::index_file(links::SEARCH),
            Job::NotFound => links::NOT_FOUND.to_string(),
            Job::Feed => links::FEED.to_string(),
        }
    }

    pub(super) fn page(&self, job: Job, reads: &Reads) -> Page {
        match job {
            Job::Home => self.home(reads),
            Job::Issue(index) | Job::Print(index) => self.issue_page(job, index, reads),
            Job::Report(index) => self.report_page(index, reads),
            Job::AllIssues => self.issue_lists(None, reads),
            Job::Year(year) => self.issue_lists(Some(year), reads),
            Job::Drafts => self.drafts_page(reads),
            Job::TermIndex(index) => {
                reads.note(Input::TermIndex(index));
                let index_page = &self.taxonomies().indexes[index];
                Page::new(Template::Terms, index_page.section)
                    .titled(&index_page.title)
                    .with("index", index_page)
            }
            Job::Term(index) => {
                reads.note(Input::Term(index));
                let page = &self.taxonomies().pages[index];
                Page::new(Template::Term, page.section)
                    .titled(&format!("{}：{}", page.kind.label(), page.name))
                    .with("term", &page.view(&self.views, reads))
            }
            Job::Stats => Page::new(Template::Stats, Section::Stats)
                .titled("档案概览")
                .with("stats", &self.stats(reads)),
            Job::Search => Page::new(Template::Search, Section::Search)
                .titled("全文检索")
                .with("search", &self.search_filters(reads)),
            Job::NotFound => Page::new(Template::NotFound, Section::None).titled("找不到页面"),
            Job::Feed => Page::new(Template::Feed, Section::None).with("feed", &self.feed(reads)),
        }
    }

    fn home(&self, reads: &Reads) -> Page {
        let issues = self.archive.issues.len();
        let latest = issues
            .checked_sub(1)
            .map(|i| self.views.issue(i, None, reads));
        let recent: Vec<IssueLink> = (0..issues)
            .rev()
            .take(self.archive.config.recent_issues)
            .map(|i| self.views.issue_link(i, reads))
            .collect();
        Page::new(Template::Home, Section::Home)
            .with("latest", &latest)
            .with("recent", &recent)
    }

    /// An issue's page, or its print page.
    fn issue_page(&self, job: Job, index: usize, reads: &Reads) -> Page {
        let issue = &self.archive.issues[index];
        let pdf_url = self
            .pdfs
            .contains(&index)
            .then(|| self.links.href(&links::pdf_path(issue)));
        let view = self.views.issue(index, pdf_url, reads);
        let template = match job {
            Job::Print(_) => Template::Print,
            _ => Template::Issue,
        };
        Page::new(template, Section::Issues)
            .titled(&view.link.label)
            .with("issue", &view)
    }

    fn report_page(&self, index: usize, reads: &Reads) -> Page {
        let view = ReportView {
            link: self.views.report_link(index, reads),
            body_html: self.views.report_body(index, reads),
            keywords: self.keyword_links(index, reads),
            related: self
                .related(index, reads)
                .into_iter()
                .map(|r| self.views.report_link(r, reads))
                .collect(),
        };
        Page::new(Template::Report, Section::Issues)
            .titled(&view.link.full_title)
            .with("report", &view)
    }

    /// A report's keywords; those shared by two reports or more have a
    /// page of their own and link to it.
    pub(super) fn keyword_links(&self, index: usize, reads: &Reads) -> Vec<KeywordLink> {
        reads.note(Input::ReportKeywords(index));
        self.archive.reports[index]
            .keywords
            .iter()
            .map(|keyword| KeywordLink {
                name: keyword.clone(),
                url: match self.postings.get(keyword.as_str()) {
                    Some(list) if list.len() >= 2 => self.links.href(&links::keyword_path(keyword)),
                    _ => String::new(),
                },
            })
            .collect()
    }

    /// The reports report `index`'s page lists as related.
    pub(super) fn related(&self, index: usize, reads: &Reads) -> Vec<usize> {
        reads.note(Input::Related(index));
        related::related(self.archive, &self.postings, index, related::SHOWN)
    }

    /// Every issue by year, newest first, or one year's.
    fn issue_lists(&self, year: Option<i32>, reads: &Reads) -> Page {
        let archive = self.archive;
        let mut years: Vec<YearGroup> = Vec::new();
        for (position, issue) in archive.issues.iter().enumerate().rev() {
            if year.is_some_and(|y| y != issue.year) {
                continue;
            }
            reads.note(Input::Issue(position));
            if years.last().map(|g| g.year) != Some(issue.year) {
                years.push(YearGroup {
                    year: issue.year,
                    url: self.links.href(&links::year_path(issue.year)),
                    issues: Vec::new(),
                });
            }
            let reports = issue
                .reports
                .iter()
                .map(|&r| self.views.report_link(r, reads))
                .collect();
            years
                .last_mut()
                .expect("pushed above")
                .issues
                .push(IssueWithReports {
                    link: self.views.issue_link(position, reads),
                    reports,
                });
        }
        let title = match year {
            Some(year) => format!("{year}年各期"),
            None => "历年各期".to_string(),
        };
        Page::new(Template::Issues, Section::Issues)
            .titled(&title)
            .with("years", &years)
    }

    /// The reports not yet in an issue, laid out as a term page.
    fn drafts_page(&self, reads: &Reads) -> Page {
        let archive = self.archive;
        let drafts: Vec<usize> = (0..archive.reports.len())
            .filter(|&r| archive.reports[r].issue.is_none())
            .collect();
        let page = TermPage {
            path: links::DRAFTS.into(),
            kind: TermKind::Drafts,
            name: "尚未编入某期的报告".into(),
            description: "这些报告在 content/drafts/ 中，只在加 --drafts 构建时发布。".into(),
            groups: vec![MemberGroup {
                heading: String::new(),
                url: String::new(),
                reports: drafts,
            }],
            section: Section::Issues,
        };
        Page::new(Template::Term, Section::Issues)
            .titled(&page.name)
            .with("term", &page.view(&self.views, reads))
    }

    pub(super) fn stats(&self, reads: &Reads) -> StatsView {
        reads.note(Input::Stats);
        self.taxonomies().stats(self.links)
    }

    pub(super) fn search_filters(&self, reads: &Reads) -> SearchFilters {
        reads.note(Input::SearchFilters);
        let archive = self.archive;
        let mut years: Vec<i32> = archive.issues.iter().map(|i| i.year).collect();
        years.dedup();
        years.reverse();
        let gazetteer = Gazetteer::henan();
        let mut places: Vec<(usize, String, String)> = archive
            .reports
            .iter()
            .filter(|r| r.issue.is_some())
            .flat_map(|r| {
                let prefecture = r.place.prefecture_name().to_string();
                let rank = gazetteer.prefecture_rank(&prefecture);
                [
                    (rank, prefecture.clone(), String::new()),
                    (rank, prefecture, r.place.full_name()),
                ]
            })
            .collect();
        places.sort();
        places.dedup();
        let mut series: Vec<String> = archive.issues.iter().filter_map(|i| i.series()).collect();
        series.sort();
        series.dedup();
        SearchFilters {
            years,
            places: places
                .into_iter()
                .map(|(_, prefecture, place)| if place.is_empty() { prefecture } else { place })
                .collect(),
            series,
        }
    }
}
