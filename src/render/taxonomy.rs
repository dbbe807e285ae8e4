//! The archive's ways in besides issue order: by county (under its
//! prefecture), by supplier, by series and by keyword, and the overview.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::charts::{self, Bar};
use super::links::{self, Links};
use super::views::{ReportGroup, TermGroup, TermLink, ViewBuilder};
use crate::content::gazetteer::Gazetteer;
use crate::content::Archive;

/// (division code, county name) → reports, for one prefecture.
type CountyReports = BTreeMap<(String, String), Vec<usize>>;

/// The keyword index lists at most this many keywords.
const KEYWORD_INDEX_LIMIT: usize = 600;

#[derive(Debug, Serialize)]
pub struct TermIndexPage {
    pub path: String,
    pub title: String,
    pub description: String,
    pub groups: Vec<TermGroup>,
    #[serde(skip)]
    pub section: &'static str,
}

/// A term's page: its reports by index, turned into links only when the
/// page is rendered (so building every term page stays cheap enough to
/// redo on each edit in `serve`).
#[derive(Debug)]
pub struct TermPage {
    pub path: String,
    /// What kind of term: 县区, 供稿单位, 专辑, 关键词.
    pub kind: String,
    pub name: String,
    pub description: String,
    pub groups: Vec<MemberGroup>,
    pub section: &'static str,
}

#[derive(Debug)]
pub struct MemberGroup {
    pub heading: String,
    pub url: String,
    pub reports: Vec<usize>,
}

/// What `term.html` sees.
#[derive(Serialize)]
pub struct TermPageView<'p> {
    pub path: &'p str,
    pub kind: &'p str,
    pub name: &'p str,
    pub description: &'p str,
    pub groups: Vec<ReportGroup>,
}

impl TermPage {
    pub fn view(&self, views: &ViewBuilder) -> TermPageView<'_> {
        TermPageView {
            path: &self.path,
            kind: &self.kind,
            name: &self.name,
            description: &self.description,
            groups: self
                .groups
                .iter()
                .map(|g| ReportGroup {
                    heading: g.heading.clone(),
                    url: g.url.clone(),
                    reports: g.reports.iter().map(|&r| views.report_link_at(r)).collect(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct StatsView {
    pub by_prefecture_svg: String,
    pub by_year_svg: String,
    pub by_prefecture: Vec<TermLink>,
    pub by_year: Vec<TermLink>,
}

pub struct Taxonomies {
    pub indexes: Vec<TermIndexPage>,
    pub pages: Vec<TermPage>,
    by_prefecture: Vec<(String, usize)>,
    by_year: Vec<(i32, usize)>,
}

impl Taxonomies {
    pub fn build(
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
                        url: links.href(&format!("{year}/")),
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
            let prefecture = links::prefecture_name(place).to_string();
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
                let is_prefecture_itself = place.prefecture.as_deref() == Some(county.as_str());
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
                        kind: "县区".into(),
                        name: place.full_name(),
                        description: format!("{} 篇报告", reports.len()),
                        groups: by_year_groups(reports),
                        section: "counties",
                    });
                }
            }
            pages.push(TermPage {
                path: links::prefecture_path(prefecture),
                kind: "省辖市".into(),
                name: prefecture.clone(),
                description: format!("{} 个县区，{} 篇报告", counties.len(), all.len()),
                groups: prefecture_groups,
                section: "counties",
            });
            county_groups.push(TermGroup {
                heading: prefecture.clone(),
                url: links.href(&links::prefecture_path(prefecture)),
                count: all.len(),
                terms,
            });
        }
        indexes.push(TermIndexPage {
            path: "counties/".into(),
            title: "各县区".into(),
            description: "按省辖市分组；同一县区的不同写法已合并。".into(),
            groups: county_groups,
            section: "counties",
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
                kind: "供稿单位".into(),
                name: supplier.to_string(),
                description: format!("{} 篇报告", reports.len()),
                groups: by_year_groups(reports),
                section: "suppliers",
            });
        }
        supplier_terms.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
        indexes.push(TermIndexPage {
            path: "suppliers/".into(),
            title: "供稿单位".into(),
            description: String::new(),
            groups: vec![TermGroup {
                heading: String::new(),
                url: String::new(),
                count: published.len(),
                terms: supplier_terms,
            }],
            section: "suppliers",
        });

        // Series: issues sharing an album line without its number.
        let mut series: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, issue) in archive.issues.iter().enumerate() {
            if let Some(album) = &issue.album {
                series
                    .entry(links::series_of(album))
                    .or_default()
                    .push(index);
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
                    let link = views.issue_link_at(i);
                    MemberGroup {
                        heading: format!(
                            "{} {}",
                            link.label,
                            issue.album.clone().unwrap_or_default()
                        ),
                        url: link.url,
                        reports: issue.reports.clone(),
                    }
                })
                .collect();
            pages.push(TermPage {
                path,
                kind: "专辑".into(),
                name: name.clone(),
                description: format!("共 {} 期", issues.len()),
                groups,
                section: "series",
            });
        }
        indexes.push(TermIndexPage {
            path: "series/".into(),
            title: "专辑".into(),
            description: "同一主题活动的各期专辑。".into(),
            groups: vec![TermGroup {
                heading: String::new(),
                url: String::new(),
                count: series.len(),
                terms: series_terms,
            }],
            section: "series",
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
                kind: "关键词".into(),
                name: keyword.to_string(),
                description: format!("{} 篇报告", reports.len()),
                groups: by_year_groups(reports),
                section: "keywords",
            });
        }
        indexes.push(TermIndexPage {
            path: "keywords/".into(),
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
            section: "keywords",
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

    pub fn stats(&self, _archive: &Archive, links: &Links) -> StatsView {
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
                href: Some(links.href(&format!("{year}/"))),
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
