//! Where every page lives. One place decides URLs so pages, feeds and the
//! sitemap never disagree.

use crate::content::gazetteer::Place;
use crate::content::{Archive, Issue, Report};
use crate::text::{encode_path, path_segment};

/// Prefecture folder for counties the gazetteer does not know.
pub const UNKNOWN_PREFECTURE: &str = "未识别";

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
    pub fn new(base: String, absolute_prefix: String) -> Links {
        Links {
            base,
            absolute_prefix,
            relative: false,
        }
    }

    /// Pages of this site link relatively (see `relative.rs`).
    pub fn with_relative(mut self, relative: bool) -> Links {
        self.relative = relative;
        self
    }

    pub fn is_relative(&self) -> bool {
        self.relative
    }

    /// The links the search index carries. With relative links they are
    /// relative to the site's root (`2024/27/xinxian/`), which the search
    /// script resolves against the index's own address: the site then
    /// searches wherever it is served from.
    pub fn for_search_index(&self) -> Links {
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
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.base, encode_path(path))
    }

    /// An absolute URL for feeds and the sitemap.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.absolute_prefix, self.href(path))
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Whether `base_url` is a full address: feeds and sitemaps need one.
    pub fn is_absolute(&self) -> bool {
        !self.absolute_prefix.is_empty()
    }

    /// A permanent identifier for an Atom entry: the page's address when the
    /// site's is known, a tag URI otherwise (Atom ids must be absolute).
    pub fn feed_id(&self, path: &str) -> String {
        if self.is_absolute() {
            self.absolute(path)
        } else {
            format!("tag:jianbao,2000:{}", self.href(path))
        }
    }
}

pub fn issue_path(issue: &Issue) -> String {
    issue.path()
}

pub fn report_path(archive: &Archive, report: &Report) -> String {
    match report.issue {
        Some(issue) => format!("{}{}/", archive.issues[issue].path(), report.slug),
        None => format!("drafts/{}/", report.slug),
    }
}

pub fn prefecture_name(place: &Place) -> &str {
    place.prefecture.as_deref().unwrap_or(UNKNOWN_PREFECTURE)
}

pub fn prefecture_path(prefecture: &str) -> String {
    format!("counties/{}/", path_segment(prefecture))
}

/// A county's page; a report about a prefecture as a whole (市本级) gets the
/// prefecture's own page.
pub fn place_path(place: &Place) -> String {
    let prefecture = prefecture_name(place);
    if place.prefecture.as_deref() == Some(place.name.as_str()) {
        prefecture_path(prefecture)
    } else {
        format!(
            "{}{}/",
            prefecture_path(prefecture),
            path_segment(&place.name)
        )
    }
}

pub fn supplier_path(supplier: &str) -> String {
    format!("suppliers/{}/", path_segment(supplier))
}

pub fn series_path(series: &str) -> String {
    format!("series/{}/", path_segment(series))
}

pub fn keyword_path(keyword: &str) -> String {
    format!("keywords/{}/", path_segment(keyword))
}

/// The series an album line belongs to: the album without its trailing
/// number, “…主题活动专辑（二十一）” → “…主题活动专辑”.
pub fn series_of(album: &str) -> String {
    let trimmed = album.trim();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_drops_the_album_number() {
        assert_eq!(
            series_of("“为人民履职”主题活动专辑（二十一）"),
            "“为人民履职”主题活动专辑"
        );
        assert_eq!(series_of("专辑(7)"), "专辑");
        assert_eq!(series_of("乡村振兴专辑"), "乡村振兴专辑");
    }

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
