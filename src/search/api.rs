//! The search API every front end shares: what a query asks (parameters,
//! filters, page), and what it gets back (hits with their snippet and the
//! spans to highlight in it). The engine returns plain text and spans;
//! each front end renders them: `<mark>` in the web API and the browser,
//! terminal colours or brackets on the command line.

use serde::{Deserialize, Serialize};

/// Longer queries are refused with a message rather than evaluated.
pub const MAX_QUERY_CHARS: usize = 1000;
pub const MAX_TERMS: usize = 32;
pub const RELATED_LIMIT: usize = 20;
pub const DEFAULT_LIMIT: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filters {
    pub year_from: Option<u16>,
    pub year_to: Option<u16>,
    /// A prefecture (安阳市), a county (北关区) or a place (安阳市北关区).
    pub place: Option<String>,
    pub series: Option<String>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.year_from.is_none()
            && self.year_to.is_none()
            && self.place.is_none()
            && self.series.is_none()
    }
}

/// One query, with its filters and the page asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Request {
    pub query: String,
    pub filters: Filters,
    pub offset: usize,
    pub limit: usize,
}

/// The parameters of `/api/search` and of `jianbao search`, as given.
#[derive(Debug, Deserialize, Default)]
pub struct SearchParams {
    pub q: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
    pub year: Option<String>,
    pub year_from: Option<String>,
    pub year_to: Option<String>,
    pub place: Option<String>,
    pub county: Option<String>,
    pub prefecture: Option<String>,
    pub series: Option<String>,
}

/// Parses `2024` or `2020-2024` into a year range.
pub fn year_range(text: &str) -> Option<(u16, u16)> {
    let text = text.trim();
    match text.split_once(['-', '–', '~']) {
        Some((from, to)) => Some((from.trim().parse().ok()?, to.trim().parse().ok()?)),
        None => text.parse().ok().map(|y| (y, y)),
    }
}

impl SearchParams {
    pub fn filters(&self) -> Filters {
        let mut filters = Filters::default();
        if let Some((from, to)) = self.year.as_deref().and_then(year_range) {
            filters.year_from = Some(from);
            filters.year_to = Some(to);
        }
        if let Some(from) = self
            .year_from
            .as_deref()
            .and_then(|y| y.trim().parse().ok())
        {
            filters.year_from = Some(from);
        }
        if let Some(to) = self.year_to.as_deref().and_then(|y| y.trim().parse().ok()) {
            filters.year_to = Some(to);
        }
        filters.place = [&self.place, &self.county, &self.prefecture]
            .into_iter()
            .flatten()
            .map(|s| s.trim().to_string())
            .find(|s| !s.is_empty());
        filters.series = self
            .series
            .as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        filters
    }
}

/// A report found.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Hit {
    pub path: String,
    pub url: String,
    /// `county：title`
    pub title: String,
    pub issue: String,
    pub date: String,
    pub county: String,
    /// About 80 characters of the report's body around its best
    /// occurrence, plain text (`…` where it is cut).
    pub snippet: String,
    /// Spans of `snippet` to highlight: [start, end) in characters
    /// (Unicode scalar values), ascending, not overlapping.
    pub highlights: Vec<[u32; 2]>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// 相关结果: only when there is no exact result.
    pub related: Vec<Hit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Results {
    pub fn empty(message: Option<String>) -> Results {
        Results {
            total: 0,
            hits: Vec::new(),
            related: Vec::new(),
            message,
        }
    }

    /// The answer as the web API sends it: every hit also carries its
    /// snippet as HTML, escaped, the spans in `<mark>`.
    pub fn web(&self) -> WebResults<'_> {
        WebResults {
            total: self.total,
            hits: web_hits(&self.hits),
            related: web_hits(&self.related),
            message: self.message.as_deref(),
        }
    }
}

fn web_hits(hits: &[Hit]) -> Vec<WebHit<'_>> {
    hits.iter()
        .map(|hit| WebHit {
            hit,
            snippet_html: snippet_html(&hit.snippet, &hit.highlights),
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct WebHit<'a> {
    #[serde(flatten)]
    pub hit: &'a Hit,
    pub snippet_html: String,
}

#[derive(Debug, Serialize)]
pub struct WebResults<'a> {
    pub total: usize,
    pub hits: Vec<WebHit<'a>>,
    pub related: Vec<WebHit<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
}

/// `snippet` escaped for HTML, each span in `<mark>`.
pub fn snippet_html(snippet: &str, highlights: &[[u32; 2]]) -> String {
    let mut out = String::with_capacity(snippet.len() + highlights.len() * 13);
    let mut spans = highlights.iter().peekable();
    for (i, c) in snippet.chars().enumerate() {
        let i = i as u32;
        if spans.peek().is_some_and(|s| s[0] == i) {
            out.push_str("<mark>");
        }
        crate::html::push_escaped(&mut out, c);
        if spans.peek().is_some_and(|s| s[1] == i + 1) {
            out.push_str("</mark>");
            spans.next();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_ranges() {
        assert_eq!(year_range("2024"), Some((2024, 2024)));
        assert_eq!(year_range("2020-2024"), Some((2020, 2024)));
        assert_eq!(year_range("x"), None);
    }

    #[test]
    fn snippets_render_as_escaped_html_with_marks() {
        assert_eq!(
            snippet_html("依托代表联络站<b>", &[[2, 7]]),
            "依托<mark>代表联络站</mark>&lt;b&gt;"
        );
    }
}
