//! The archive's ways in besides issue order: by county (under its
//! prefecture), by supplier, by series and by keyword, and the overview.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::charts::{self, Bar};
use super::links::{self, Links};
use super::pages::Section;
use super::reads::Reads;
use super::views::{ReportGroup, TermGroup, TermLink, ViewBuilder};
use crate::content::gazetteer::Gazetteer;
use crate::content::Archive;

/// (division code, county name) → reports, for one prefecture.
type CountyReports = BTreeMap<(String, String), Vec<usize>>;

/// The keyword index lists at most this many keywords.
const KEYWORD_INDEX_LIMIT: usize = 600;

#[derive(Debug, Hash, Serialize)]
pub(crate) struct TermIndexPage {
    pub(crate) path: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) groups: Vec<TermGroup>,
    #[serde(skip)]
    pub(crate) section: Section,
}

/// What a term page is a page of; templates see its Chinese name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum TermKind {
    County,
    Prefecture,
    Supplier,
    Series,
    Keyword,
    /// Not a term: the page of the reports in `content/drafts/`, laid out
    /// as one.
    Drafts,
}

impl TermKind {
    pub(crate) fn label(self) -> &'static str {
        match self {
            TermKind::County => "县区",
            TermKind::Prefecture => "省辖市",
            TermKind::Supplier => "供稿单位",
            TermKind::Series => "专辑",
            TermKind::Keyword => "关键词",
            TermKind::Drafts => "草稿",
        }
    }
}

/// A term's page: its reports by index, turned into links only when the
/// page is rendered (so building every term page stays cheap enough to
/// redo on each edit in `serve`).
#[derive(Debug, Hash)]
pub(crate) struct TermPage {
    pub(crate) path: String,
    pub(crate) kind: TermKind,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) groups: Vec<MemberGroup>,
    pub(crate) section: Section,
}

#[derive(Debug, Hash)]
pub(crate) struct MemberGroup {
    pub(crate) heading: String,
    pub(crate) url: String,
    pub(crate) reports: Vec<usize>,
}

/// What `term.html` sees.
#[derive(Serialize)]
pub(crate) struct TermPageView<'p> {
    path: &'p str,
    kind: &'static str,
    name: &'p str,
    description: &'p str,
    groups: Vec<ReportGroup>,
}

impl TermPage {
    /// The page as `term.html` sees it; the caller notes which page.
    pub(crate) fn view(&self, views: &ViewBuilder, reads: &Reads) -> TermPageView<'_> {
        TermPageView {
            path: &self.path,
            kind: self.kind.label(),
            name: &self.name,
            description: &self.description,
            groups: self
                .groups
                .iter()
                .map(|g| ReportGroup {
                    heading: g.heading.clone(),
                    url: g.url.clone(),
                    reports: g
                        .reports
                        .iter()
                        .map(|&r| views.report_link(r, reads))
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Hash, Serialize)]
pub(crate) struct StatsView {
    by_prefecture_svg: String,
    by_year_svg: String,
    by_prefecture: Vec<TermLink>,
    by_year: Vec<TermLink>,
}

pub(crate) struct Taxonomies {
    pub(crate) indexes: Vec<TermIndexPage>,
    pub(crate) pages: Vec<TermPage>,
    by_prefecture: Vec<(String, usize)>,
    by_year: Vec<(i32, usize)>,
}

impl Taxonomies {
    /// Every term page and index of `archive`; `views` gives the issues'
    /// labels (what the pages read of them is in their fingerprints).
    pub(crate) fn build(
        archive: &Archive,
        views: &ViewBuilder,
        postings: &HashMap<&str, Vec<usize>>,
    ) -> Taxonomies {
        let links = views.links;
        let published: Vec<usize> = (0..archive.reports.len())
            .filter(|&i| archive.reports[i].issue.is_some())
            .collect();
        let by_year_groups = |reports: &[usize]| -> Vec<MemberGroup> {
            let mut groups: Vec<MemberGroup> = Vec::new();
            for &r in reports.iter().rev() {
                let year = archive.issues[archive.reports[r].issue.expect("published")].year;
                let heading = format!("{year}年");
                if groups.last().map(|g| &g.heading) != Some(&heading) {
                    groups.push(MemberGroup {
                        heading,
                        url: links.href(&links::year_path(year)),
                        reports: Vec::new(),
                    });
                }
                groups.last_mut().expect("pushed above").reports.push(r);
            }
            groups
        };
        let mut indexes = Vec::new();
        let mut pages = Vec::new();

        // Counties under prefectures, prefectures in official code order.
        let gazetteer = Gazetteer::henan();
        let mut places: BTreeMap<(usize, String), CountyReports> = BTreeMap::new();
        for &r in &published {
            let place = &archive.reports[r].place;
            let prefecture = place.prefecture_name().to_string();
            let rank = gazetteer.prefecture_rank(&prefecture);
            let county_key = (
                place.code.clone().unwrap_or_else(|| "999999".into()),
                place.name.clone(),
            );
            places
                .entry((rank, prefecture))
                .or_default()
                .entry(county_key)
                .or_default()
                .push(r);
        }
        let mut county_groups = Vec::new();
        let mut by_prefecture = Vec::new();
        for ((_, prefecture), counties) in &places {
            let all: Vec<usize> = {
                let mut all: Vec<usize> = counties.values().flatten().copied().collect();
                all.sort_unstable();
                all
            };
            by_prefecture.push((prefecture.clone(), all.len()));
            let mut terms = Vec::new();
            let mut prefecture_groups = Vec::new();
            for ((_, county), reports) in counties {
                let place = &archive.reports[reports[0]].place;
                let path = links::place_path(place);
                let is_prefecture_itself = place.is_prefecture_itself();
                let label = if is_prefecture_itself {
                    format!("{county}（市本级）")
                } else {
                    county.clone()
                };
                terms.push(TermLink {
                    name: label.clone(),
                    url: links.href(&path),
                    count: reports.len(),
                });
                prefecture_groups.push(MemberGroup {
                    heading: label,
                    url: links.href(&path),
                    reports: reports.iter().rev().copied().collect(),
                });
                if !is_prefecture_itself {
                    pages.push(TermPage {
                        path,
                        kind: TermKind::County,
                        name: place.full_name(),
                        description: format!("{} 篇报告", reports.len()),
                        groups: by_year_groups(reports),
                        section: Section::Counties,
                    });
                }
            }
            pages.push(TermPage {
                path: links::prefecture_path(prefecture),
                kind: TermKind::Prefecture,
                name: prefecture.clone(),
                description: format!("{} 个县区，{} 篇报告", counties.len(), all.len()),
                groups: prefecture_groups,
                section: Section::Counties,
            });
            county_groups.push(TermGroup {
                heading: prefecture.clone(),
                url: links.href(&links::prefecture_path(prefecture)),
                count: all.len(),
                terms,
            });
        }
        indexes.push(TermIndexPage {
            path: links::COUNTIES.into(),
            title: "各县区".into(),
            description: "按省辖市分组；同一县区的不同写法已合并。".into(),
            groups: county_groups,
            section: Section::Counties,
        });

        // Suppliers.
        let mut suppliers: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for &r in &published {
            suppliers
                .entry(archive.reports[r].supplier.as_str())
                .or_default()
                .push(r);
        }
        let mut supplier_terms = Vec::new();
        for (supplier, reports) in &suppliers {
            let path = links::supplier_path(supplier);
            supplier_terms.push(TermLink {
                name: supplier.to_string(),
                url: links.href(&path),
                count: reports.len(),
            });
            pages.push(TermPage {
                path,
                kind: TermKind::Supplier,
                name: supplier.to_string(),
                description: format!("{} 篇报告", reports.len()),
                groups: by_year_groups(reports),
                section: Section::Suppliers,
            });
        }
        supplier_terms.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
        indexes.push(TermIndexPage {
            path: links::SUPPLIERS.into(),
            title: "供稿单位".into(),
            description: String::new(),
            groups: vec![TermGroup {
                heading: String::new(),
                url: String::new(),
                count: published.len(),
                terms: supplier_terms,
            }],
            section: Section::Suppliers,
        });

        // Series: issues whose series lines differ only by their numbers.
        let mut series: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, issue) in archive.issues.iter().enumerate() {
            if let Some(name) = issue.series() {
                series.entry(name).or_default().push(index);
            }
        }
        let mut series_terms = Vec::new();
        for (name, issues) in &series {
            let path = links::series_path(name);
            series_terms.push(TermLink {
                name: name.clone(),
                url: links.href(&path),
                count: issues.len(),
            });
            let groups = issues
                .iter()
                .rev()
                .map(|&i| {
                    let issue = &archive.issues[i];
                    let link = views.issue_link(i, &Reads::default());
                    MemberGroup {
                        heading: format!(
                            "{} {}",
                            link.label,
                            issue.series_line.clone().unwrap_or_default()
                        ),
                        url: link.url,
                        reports: issue.reports.clone(),
                    }
                })
                .collect();
            pages.push(TermPage {
                path,
                kind: TermKind::Series,
                name: name.clone(),
                description: format!("共 {} 期", issues.len()),
                groups,
                section: Section::Series,
            });
        }
        indexes.push(TermIndexPage {
            path: links::SERIES.into(),
            title: "专辑".into(),
            description: "同一主题活动的各期专辑。".into(),
            groups: vec![TermGroup {
                heading: String::new(),
                url: String::new(),
                count: series.len(),
                terms: series_terms,
            }],
            section: Section::Series,
        });

        // Keywords shared by two reports or more get a page.
        let mut keyword_terms: Vec<(&str, &Vec<usize>)> = postings
            .iter()
            .filter(|(_, list)| list.len() >= 2)
            .map(|(k, v)| (*k, v))
            .collect();
        keyword_terms.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
        for (keyword, reports) in &keyword_terms {
            pages.push(TermPage {
                path: links::keyword_path(keyword),
                kind: TermKind::Keyword,
                name: keyword.to_string(),
                description: format!("{} 篇报告", reports.len()),
                groups: by_year_groups(reports),
                section: Section::Keywords,
            });
        }
        indexes.push(TermIndexPage {
            path: links::KEYWORDS.into(),
            title: "关键词".into(),
            description: "从报告的标题和正文中提取，按报告数排列。".into(),
            groups: vec![TermGroup {
                heading: String::new(),
                url: String::new(),
                count: keyword_terms.len(),
                terms: keyword_terms
                    .iter()
                    .take(KEYWORD_INDEX_LIMIT)
                    .map(|(k, list)| TermLink {
                        name: k.to_string(),
                        url: links.href(&links::keyword_path(k)),
                        count: list.len(),
                    })
                    .collect(),
            }],
            section: Section::Keywords,
        });

        let mut years: BTreeMap<i32, usize> = BTreeMap::new();
        for &r in &published {
            *years
                .entry(archive.issues[archive.reports[r].issue.expect("published")].year)
                .or_default() += 1;
        }
        Taxonomies {
            indexes,
            pages,
            by_prefecture,
            by_year: years.into_iter().collect(),
        }
    }

    pub(crate) fn stats(&self, links: &Links) -> StatsView {
        let prefecture_bars: Vec<Bar> = self
            .by_prefecture
            .iter()
            .map(|(name, count)| Bar {
                label: name.clone(),
                value: *count,
                href: Some(links.href(&links::prefecture_path(name))),
            })
            .collect();
        let year_bars: Vec<Bar> = self
            .by_year
            .iter()
            .map(|(year, count)| Bar {
                label: year.to_string(),
                value: *count,
                href: Some(links.href(&links::year_path(*year))),
            })
            .collect();
        let table = |bars: &[Bar]| -> Vec<TermLink> {
            bars.iter()
                .map(|b| TermLink {
                    name: b.label.clone(),
                    url: b.href.clone().unwrap_or_default(),
                    count: b.value,
                })
                .collect()
        };
        StatsView {
            by_prefecture_svg: charts::horizontal("各省辖市报告数", &prefecture_bars),
            by_year_svg: charts::vertical("各年报告数", &year_bars),
            by_prefecture: table(&prefecture_bars),
            by_year: table(&year_bars),
        }
    }
}
