//! Where every page and file of the output lives, and how pages link to
//! each other. One place decides URLs so pages, feeds and the sitemap
//! never disagree; the model knows none of them.

use crate::content::gazetteer::Place;
use crate::content::{Archive, Asset, Issue, Report};
use crate::text::{encode_path, path_segment};

/// The folders of the site's own pages, and its single files.
pub(crate) const ALL_ISSUES: &str = "issues/";
pub(crate) const DRAFTS: &str = "drafts/";
pub(crate) const COUNTIES: &str = "counties/";
pub(crate) const SUPPLIERS: &str = "suppliers/";
pub(crate) const SERIES: &str = "series/";
pub(crate) const KEYWORDS: &str = "keywords/";
pub(crate) const STATS: &str = "stats/";
pub(crate) const SEARCH: &str = "search/";
pub(crate) const FEED: &str = "atom.xml";
pub(crate) const SITEMAP: &str = "sitemap.xml";
pub(crate) const NOT_FOUND: &str = "404.html";
pub(crate) const ROBOTS: &str = "robots.txt";
pub(crate) const STYLE: &str = "style.css";
pub(crate) const SEARCH_SCRIPT: &str = "search.js";
pub(crate) const FAVICON: &str = "favicon.svg";

#[derive(Debug, Clone)]
pub struct Links {
    /// The site's base path: `/` or `/daibiao/`.
    base: String,
    /// `https://example.org` (no trailing slash), or empty.
    absolute_prefix: String,
    /// `relative_links = true`: pages are rewritten with relative links.
    relative: bool,
}

impl Links {
    pub(crate) fn new(base: String, absolute_prefix: String) -> Links {
        Links {
            base,
            absolute_prefix,
            relative: false,
        }
    }

    /// Pages of this site link relatively (see `relative.rs`).
    pub(crate) fn with_relative(mut self, relative: bool) -> Links {
        self.relative = relative;
        self
    }

    pub(crate) fn is_relative(&self) -> bool {
        self.relative
    }

    /// The links the search index carries. With relative links they are
    /// relative to the site's root (`2024/27/xinxian/`), which the search
    /// script resolves against the index's own address: the site then
    /// searches wherever it is served from.
    pub(crate) fn for_search_index(&self) -> Links {
        if self.relative {
            Links {
                base: String::new(),
                ..self.clone()
            }
        } else {
            self.clone()
        }
    }

    /// An href for a site-relative path such as `2024/27/`.
    pub(crate) fn href(&self, path: &str) -> String {
        format!("{}{}", self.base, encode_path(path))
    }

    /// An absolute URL for feeds and the sitemap.
    pub(crate) fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.absolute_prefix, self.href(path))
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// Whether `base_url` is a full address: feeds and sitemaps need one.
    pub(crate) fn is_absolute(&self) -> bool {
        !self.absolute_prefix.is_empty()
    }

    /// A permanent identifier for an Atom entry: the page's address when the
    /// site's is known, a tag URI otherwise (Atom ids must be absolute).
    pub(crate) fn feed_id(&self, path: &str) -> String {
        if self.is_absolute() {
            self.absolute(path)
        } else {
            format!("tag:jianbao,2000:{}", self.href(path))
        }
    }
}

/// The page file of a folder: `2024/27/` → `2024/27/index.html`.
pub(crate) fn index_file(folder: &str) -> String {
    format!("{folder}index.html")
}

/// An issue's folder: `2024/27/` (numbers below ten as `2024/07/`).
pub(crate) fn issue_path(issue: &Issue) -> String {
    issue_folder(issue.year, issue.number)
}

/// The folder of issue `number` of `year`.
pub(crate) fn issue_folder(year: i32, number: u32) -> String {
    format!("{year}/{number:02}/")
}

/// The file name of an issue's print page, which `jianbao pdf` prints.
pub(crate) const PRINT_PAGE: &str = "print.html";

/// An issue's print page.
pub(crate) fn print_path(issue: &Issue) -> String {
    format!("{}{PRINT_PAGE}", issue_path(issue))
}

/// The PDF of an issue, beside its pages.
pub(crate) fn pdf_path(issue: &Issue) -> String {
    format!(
        "{}{}",
        issue_path(issue),
        pdf_file_name(issue.year, issue.number)
    )
}

/// The PDF's file name: `代表工作-2024-第27期.pdf`.
pub fn pdf_file_name(year: i32, number: u32) -> String {
    format!("代表工作-{year}-第{number:02}期.pdf")
}

pub(crate) fn year_path(year: i32) -> String {
    format!("{year}/")
}

pub(crate) fn report_path(archive: &Archive, report: &Report) -> String {
    match report.issue {
        Some(issue) => format!("{}{}/", issue_path(&archive.issues[issue]), report.slug),
        None => format!("{DRAFTS}{}/", report.slug),
    }
}

/// Where a file of `content/` is copied: beside its issue's pages.
pub(crate) fn asset_path(asset: &Asset) -> String {
    match asset.issue {
        Some((year, number)) => format!("{}{}", issue_folder(year, number), asset.name),
        None => asset.name.clone(),
    }
}

pub(crate) fn prefecture_path(prefecture: &str) -> String {
    format!("{COUNTIES}{}/", path_segment(prefecture))
}

/// A county's page; a report about a prefecture as a whole (市本级) gets the
/// prefecture's own page.
pub(crate) fn place_path(place: &Place) -> String {
    let prefecture = prefecture_path(place.prefecture_name());
    if place.is_prefecture_itself() {
        prefecture
    } else {
        format!("{prefecture}{}/", path_segment(&place.name))
    }
}

pub(crate) fn supplier_path(supplier: &str) -> String {
    format!("{SUPPLIERS}{}/", path_segment(supplier))
}

pub(crate) fn series_path(series: &str) -> String {
    format!("{SERIES}{}/", path_segment(series))
}

pub(crate) fn keyword_path(keyword: &str) -> String {
    format!("{KEYWORDS}{}/", path_segment(keyword))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_ids_are_absolute_even_without_a_full_base_url() {
        let relative = Links::new("/".into(), String::new());
        assert!(!relative.is_absolute());
        assert_eq!(relative.feed_id("2024/27/"), "tag:jianbao,2000:/2024/27/");
        let full = Links::new("/d/".into(), "https://example.org".into());
        assert_eq!(full.feed_id("2024/27/"), "https://example.org/d/2024/27/");
    }

    #[test]
    fn hrefs_are_encoded_under_the_base() {
        let links = Links::new("/daibiao/".into(), "https://example.org".into());
        assert_eq!(links.href("2024/27/"), "/daibiao/2024/27/");
        assert_eq!(
            links.absolute("keywords/票决/"),
            "https://example.org/daibiao/keywords/%E7%A5%A8%E5%86%B3/"
        );
    }
}
