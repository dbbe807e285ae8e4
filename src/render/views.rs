//! What templates see: plain serialisable views of the model, with every
//! label already in Chinese and every link already resolved.

use serde::Serialize;

use super::links::{self, Links};
use crate::content::{Archive, Issue, Report};
use crate::text::{chinese_date, excerpt};

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    /// Base path for links: `/` or `/daibiao/`.
    pub base: String,
    pub issue_count: usize,
    pub report_count: usize,
    pub county_count: usize,
    pub year_first: Option<i32>,
    pub year_last: Option<i32>,
    pub search_url: String,
    pub feed_url: String,
    /// Static files by content-hashed address (`style.css?h=…`).
    pub css_url: String,
    /// Print pages lay out for double-sided printing (site.toml
    /// `[print] duplex`).
    pub print_duplex: bool,
    pub search_js_url: String,
    pub favicon_url: String,
    pub footer: FooterView,
}

/// What a government site's footer shows (国务院办公厅《政府网站发展指引》),
/// each empty when `site.toml` does not give it.
#[derive(Debug, Clone, Serialize)]
pub struct FooterView {
    pub organizer: String,
    pub contact: String,
    pub icp_record: String,
    /// The MIIT record site, where every ICP number is looked up.
    pub icp_url: String,
    pub police_record: String,
    /// The public-security record of this site.
    pub police_url: String,
    pub site_code: String,
}

impl FooterView {
    fn of(config: &crate::config::SiteConfig) -> FooterView {
        let icp_record = config.icp_record.trim().to_string();
        let police_record = config.police_record.trim().to_string();
        FooterView {
            organizer: config.organizer.trim().to_string(),
            contact: config.contact.trim().to_string(),
            icp_url: if icp_record.is_empty() {
                String::new()
            } else {
                "https://beian.miit.gov.cn/".into()
            },
            icp_record,
            police_url: config
                .police_record_code()
                .map(|code| {
                    format!("http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={code}")
                })
                .unwrap_or_default(),
            police_record,
            site_code: config.site_code.trim().to_string(),
        }
    }
}

impl SiteView {
    /// Gives each linked static file its content-hashed address.
    pub fn fingerprint(&mut self, fingerprints: &std::collections::BTreeMap<String, String>) {
        for url in [
            &mut self.css_url,
            &mut self.search_js_url,
            &mut self.favicon_url,
        ] {
            let name = url.rsplit('/').next().unwrap_or_default();
            if let Some(hash) = fingerprints.get(name) {
                url.push_str("?h=");
                url.push_str(hash);
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueLink {
    pub url: String,
    pub year: i32,
    pub number: u32,
    /// 第 27 期
    pub number_label: String,
    /// 2024年第27期
    pub label: String,
    pub date: String,
    /// 2024年7月15日
    pub date_label: String,
    pub album: Option<String>,
    pub report_count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportLink {
    pub url: String,
    /// 新蔡县：依托代表联络站点 扎实开展主题活动
    pub full_title: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// As written in the report.
    pub county: String,
    /// 驻马店市新蔡县
    pub place: String,
    pub place_url: String,
    pub prefecture: String,
    pub supplier: String,
    pub supplier_url: String,
    pub issue: Option<IssueLink>,
    pub excerpt: String,
    pub draft: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DistributionView {
    /// The 送 line without its label.
    pub to: String,
    pub cc: String,
    /// 河南省人大常委会代表工作委员会印发
    pub issuer_line: String,
    /// 共印 70 份, or empty.
    pub copies_line: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportInIssue {
    pub link: ReportLink,
    /// Anchor on the issue page.
    pub anchor: String,
    pub body_html: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IssueView {
    pub link: IssueLink,
    pub total: Option<u32>,
    pub copies: Option<u32>,
    pub publisher: String,
    pub distribution: DistributionView,
    pub editor_note_html: Option<String>,
    pub reports: Vec<ReportInIssue>,
    pub previous: Option<IssueLink>,
    pub next: Option<IssueLink>,
    pub print_url: String,
    pub pdf_url: Option<String>,
    pub series_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeywordLink {
    pub name: String,
    /// Empty when the keyword has no page of its own (only one report).
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub link: ReportLink,
    pub body_html: String,
    pub keywords: Vec<KeywordLink>,
    pub related: Vec<ReportLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermLink {
    pub name: String,
    pub url: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermGroup {
    pub heading: String,
    pub url: String,
    pub count: usize,
    pub terms: Vec<TermLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportGroup {
    pub heading: String,
    pub url: String,
    pub reports: Vec<ReportLink>,
}

pub struct ViewBuilder<'a> {
    pub archive: &'a Archive,
    pub links: &'a Links,
    /// Built once: every list of reports reuses them.
    issue_links: Vec<IssueLink>,
    /// Made on first use: an edit's few pages need only a few.
    report_links: Vec<std::sync::OnceLock<ReportLink>>,
}

impl<'a> ViewBuilder<'a> {
    pub fn new(archive: &'a Archive, links: &'a Links) -> ViewBuilder<'a> {
        let mut builder = ViewBuilder {
            archive,
            links,
            issue_links: Vec::new(),
            report_links: Vec::new(),
        };
        builder.issue_links = archive
            .issues
            .iter()
            .map(|i| builder.make_issue_link(i))
            .collect();
        builder.report_links = archive.reports.iter().map(|_| Default::default()).collect();
        builder
    }

    pub fn issue_link_at(&self, index: usize) -> IssueLink {
        self.issue_links[index].clone()
    }

    pub fn report_link_at(&self, index: usize) -> ReportLink {
        self.report_links[index]
            .get_or_init(|| self.make_report_link(&self.archive.reports[index]))
            .clone()
    }

    pub fn site(&self) -> SiteView {
        let archive = self.archive;
        let mut places: Vec<String> = archive
            .reports
            .iter()
            .filter(|r| r.issue.is_some())
            .map(|r| r.place.full_name())
            .collect();
        places.sort();
        places.dedup();
        SiteView {
            title: archive.config.title.clone(),
            description: archive.config.description.clone(),
            base: self.links.base().to_string(),
            issue_count: archive.issues.len(),
            report_count: archive.reports.iter().filter(|r| r.issue.is_some()).count(),
            county_count: places.len(),
            year_first: archive.issues.first().map(|i| i.year),
            year_last: archive.issues.last().map(|i| i.year),
            search_url: self.links.href("search/"),
            feed_url: self.links.href("atom.xml"),
            css_url: self.links.href("style.css"),
            print_duplex: archive.config.print.duplex,
            search_js_url: self.links.href("search.js"),
            favicon_url: self.links.href("favicon.svg"),
            footer: FooterView::of(&archive.config),
        }
    }

    fn make_issue_link(&self, issue: &Issue) -> IssueLink {
        IssueLink {
            url: self.links.href(&links::issue_path(issue)),
            year: issue.year,
            number: issue.number,
            number_label: format!("第 {} 期", issue.number),
            label: format!("{}年第{}期", issue.year, issue.number),
            date: issue.date.to_string(),
            date_label: chinese_date(issue.date),
            album: issue.album.clone(),
            report_count: issue.reports.len(),
        }
    }

    /// The link to `report` as it stands, which need not be the archive's
    /// (`serve` compares a report's link before and after an edit).
    pub fn make_report_link(&self, report: &Report) -> ReportLink {
        let archive = self.archive;
        ReportLink {
            url: self.links.href(&links::report_path(archive, report)),
            full_title: report.full_title(),
            title: report.title.clone(),
            subtitle: report.subtitle.clone(),
            county: report.county.clone(),
            place: report.place.full_name(),
            place_url: self.links.href(&links::place_path(&report.place)),
            prefecture: links::prefecture_name(&report.place).to_string(),
            supplier: report.supplier.clone(),
            supplier_url: self.links.href(&links::supplier_path(&report.supplier)),
            issue: report.issue.map(|i| self.issue_links[i].clone()),
            excerpt: excerpt(&report.plain_text, 90),
            draft: report.draft,
        }
    }

    pub fn distribution(&self, issue: &Issue) -> DistributionView {
        DistributionView {
            to: issue.distribution.to.join("，"),
            cc: issue.distribution.cc.join("，"),
            issuer_line: format!("{}印发", issue.printer),
            copies_line: issue
                .copies
                .map(|n| format!("共印 {n} 份"))
                .unwrap_or_default(),
        }
    }

    pub fn issue(&self, index: usize, pdf_url: Option<String>) -> IssueView {
        let archive = self.archive;
        let issue = &archive.issues[index];
        let reports = issue
            .reports
            .iter()
            .enumerate()
            .map(|(position, &r)| ReportInIssue {
                link: self.report_link_at(r),
                anchor: format!("report-{}", position + 1),
                body_html: archive.reports[r].body_html.clone(),
            })
            .collect();
        IssueView {
            link: self.issue_link_at(index),
            total: issue.total,
            copies: issue.copies,
            publisher: issue.publisher.clone(),
            distribution: self.distribution(issue),
            editor_note_html: issue.editor_note_html.clone(),
            reports,
            previous: index.checked_sub(1).map(|i| self.issue_link_at(i)),
            next: (index + 1 < archive.issues.len()).then(|| self.issue_link_at(index + 1)),
            print_url: self.links.href(&format!("{}print.html", issue.path())),
            pdf_url,
            series_url: issue.album.as_deref().map(|album| {
                self.links
                    .href(&links::series_path(&links::series_of(album)))
            }),
        }
    }
}
