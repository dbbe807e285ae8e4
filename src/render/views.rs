//! What templates see: plain serialisable views of the model, with every
//! label already in Chinese and every link already resolved.

use serde::Serialize;

use super::links::{self, Links};
use super::reads::{Input, Reads};
use crate::content::{Archive, Issue, Report};
use crate::text::{chinese_date, excerpt};

#[derive(Debug, Clone, Hash, Serialize)]
pub(crate) struct SiteView {
    pub(crate) title: String,
    pub(crate) description: String,
    /// Base path for links: `/` or `/daibiao/`.
    pub(crate) base: String,
    pub(crate) issue_count: usize,
    pub(crate) report_count: usize,
    pub(crate) county_count: usize,
    pub(crate) year_first: Option<i32>,
    pub(crate) year_last: Option<i32>,
    pub(crate) search_url: String,
    pub(crate) feed_url: String,
    /// Static files by content-hashed address (`style.css?h=…`).
    pub(crate) css_url: String,
    /// Print pages lay out for double-sided printing (site.toml
    /// `[print] duplex`).
    pub(crate) print_duplex: bool,
    pub(crate) search_js_url: String,
    pub(crate) favicon_url: String,
    pub(crate) footer: FooterView,
}

/// What a government site's footer shows (国务院办公厅《政府网站发展指引》),
/// each empty when `site.toml` does not give it.
#[derive(Debug, Clone, Hash, Serialize)]
pub(crate) struct FooterView {
    pub(crate) organizer: String,
    pub(crate) contact: String,
    pub(crate) icp_record: String,
    /// The MIIT record site, where every ICP number is looked up.
    pub(crate) icp_url: String,
    pub(crate) police_record: String,
    /// The public-security record of this site.
    pub(crate) police_url: String,
    pub(crate) site_code: String,
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
    pub(crate) fn fingerprint(
        &mut self,
        fingerprints: &std::collections::BTreeMap<String, String>,
    ) {
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

#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub(crate) struct IssueLink {
    pub(crate) url: String,
    pub(crate) year: i32,
    pub(crate) number: u32,
    /// 第 27 期
    pub(crate) number_label: String,
    /// 2024年第27期
    pub(crate) label: String,
    pub(crate) date: String,
    /// 2024年7月15日
    pub(crate) date_label: String,
    /// The series line (front matter `album`).
    pub(crate) album: Option<String>,
    pub(crate) report_count: usize,
}

#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub(crate) struct ReportLink {
    pub(crate) url: String,
    /// 新蔡县：依托代表联络站点 扎实开展主题活动
    pub(crate) full_title: String,
    pub(crate) title: String,
    pub(crate) subtitle: Option<String>,
    /// As written in the report.
    pub(crate) county: String,
    /// 驻马店市新蔡县
    pub(crate) place: String,
    pub(crate) place_url: String,
    pub(crate) prefecture: String,
    pub(crate) supplier: String,
    pub(crate) supplier_url: String,
    pub(crate) issue: Option<IssueLink>,
    pub(crate) excerpt: String,
    pub(crate) draft: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct DistributionView {
    /// The 送 line without its label.
    pub(crate) to: String,
    pub(crate) cc: String,
    /// 河南省人大常委会代表工作委员会印发
    pub(crate) issuer_line: String,
    /// 共印 70 份, or empty.
    pub(crate) copies_line: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReportInIssue {
    pub(crate) link: ReportLink,
    /// Anchor on the issue page.
    pub(crate) anchor: String,
    pub(crate) body_html: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct IssueView {
    pub(crate) link: IssueLink,
    pub(crate) total: Option<u32>,
    pub(crate) copies: Option<u32>,
    pub(crate) publisher: String,
    pub(crate) distribution: DistributionView,
    pub(crate) editor_note_html: Option<String>,
    pub(crate) reports: Vec<ReportInIssue>,
    pub(crate) previous: Option<IssueLink>,
    pub(crate) next: Option<IssueLink>,
    pub(crate) print_url: String,
    pub(crate) pdf_url: Option<String>,
    pub(crate) series_url: Option<String>,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub(crate) struct KeywordLink {
    pub(crate) name: String,
    /// Empty when the keyword has no page of its own (only one report).
    pub(crate) url: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReportView {
    pub(crate) link: ReportLink,
    pub(crate) body_html: String,
    pub(crate) keywords: Vec<KeywordLink>,
    pub(crate) related: Vec<ReportLink>,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub(crate) struct TermLink {
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) count: usize,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub(crate) struct TermGroup {
    pub(crate) heading: String,
    pub(crate) url: String,
    pub(crate) count: usize,
    pub(crate) terms: Vec<TermLink>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReportGroup {
    pub(crate) heading: String,
    pub(crate) url: String,
    pub(crate) reports: Vec<ReportLink>,
}

pub(crate) struct ViewBuilder<'a> {
    pub(crate) archive: &'a Archive,
    pub(crate) links: &'a Links,
    /// Built once: every list of reports reuses them.
    issue_links: Vec<IssueLink>,
    /// Made on first use: an edit's few pages need only a few.
    report_links: Vec<std::sync::OnceLock<ReportLink>>,
}

impl<'a> ViewBuilder<'a> {
    pub(crate) fn new(archive: &'a Archive, links: &'a Links) -> ViewBuilder<'a> {
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

    pub(crate) fn issue_link(&self, index: usize, reads: &Reads) -> IssueLink {
        reads.note(Input::IssueLink(index));
        self.issue_links[index].clone()
    }

    pub(crate) fn report_link(&self, index: usize, reads: &Reads) -> ReportLink {
        reads.note(Input::ReportLink(index));
        self.report_links[index]
            .get_or_init(|| self.make_report_link(&self.archive.reports[index]))
            .clone()
    }

    pub(crate) fn report_body(&self, index: usize, reads: &Reads) -> String {
        reads.note(Input::ReportBody(index));
        self.archive.reports[index].body_html.clone()
    }

    pub(crate) fn site(&self) -> SiteView {
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
            search_url: self.links.href(links::SEARCH),
            feed_url: self.links.href(links::FEED),
            css_url: self.links.href(links::STYLE),
            print_duplex: archive.config.print.duplex,
            search_js_url: self.links.href(links::SEARCH_SCRIPT),
            favicon_url: self.links.href(links::FAVICON),
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
            album: issue.series_line.clone(),
            report_count: issue.reports.len(),
        }
    }

    fn make_report_link(&self, report: &Report) -> ReportLink {
        let archive = self.archive;
        ReportLink {
            url: self.links.href(&links::report_path(archive, report)),
            full_title: report.full_title(),
            title: report.title.clone(),
            subtitle: report.subtitle.clone(),
            county: report.county.clone(),
            place: report.place.full_name(),
            place_url: self.links.href(&links::place_path(&report.place)),
            prefecture: report.place.prefecture_name().to_string(),
            supplier: report.supplier.clone(),
            supplier_url: self.links.href(&links::supplier_path(&report.supplier)),
            issue: report.issue.map(|i| self.issue_links[i].clone()),
            excerpt: excerpt(&report.plain_text, 90),
            draft: report.draft,
        }
    }

    fn distribution(&self, issue: &Issue) -> DistributionView {
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

    /// An issue as its page, its print page and the home page show it.
    pub(crate) fn issue(&self, index: usize, pdf_url: Option<String>, reads: &Reads) -> IssueView {
        reads.note(Input::Issue(index));
        let archive = self.archive;
        let issue = &archive.issues[index];
        let reports = issue
            .reports
            .iter()
            .enumerate()
            .map(|(position, &r)| ReportInIssue {
                link: self.report_link(r, reads),
                anchor: format!("report-{}", position + 1),
                body_html: self.report_body(r, reads),
            })
            .collect();
        IssueView {
            link: self.issue_link(index, reads),
            total: issue.total,
            copies: issue.copies,
            publisher: issue.publisher.clone(),
            distribution: self.distribution(issue),
            editor_note_html: issue.editor_note_html.clone(),
            reports,
            previous: index.checked_sub(1).map(|i| self.issue_link(i, reads)),
            next: (index + 1 < archive.issues.len()).then(|| self.issue_link(index + 1, reads)),
            print_url: self.links.href(&links::print_path(issue)),
            pdf_url,
            series_url: issue
                .series()
                .map(|series| self.links.href(&links::series_path(&series))),
        }
    }
}
