//! `relative_links = true`: a rendered page's internal addresses rewritten
//! relative to the page itself, folder addresses ending in `index.html`,
//! so the output works opened from a folder or a USB stick (`file://`
//! has no server to find a folder's index page).
//!
//! Pages are rendered with root-relative links under the site's base path
//! as usual (templates, views and the search index never know about this
//! mode) and rewritten afterwards, attribute by attribute, as Hugo's
//! `relativeURLs` does: an editor's own `<a href="/2024/27/">` in a report
//! is rewritten like the theme's links.

use crate::text::encode_path;

/// Attributes that hold an address the browser loads or follows.
const ADDRESS_ATTRIBUTES: &[&str] = &["href", "src", "action", "poster", "data-index"];

/// `html` (the page at output path `page`, e.g. `2024/27/index.html`) with
/// every address under `base` (`/` or `/daibiao/`) made relative.
pub fn relativize(html: &str, page: &str, base: &str) -> String {
    let folder: Vec<String> = {
        let encoded = encode_path(page);
        let mut parts: Vec<String> = encoded.split('/').map(String::from).collect();
        parts.pop();
        parts.retain(|p| !p.is_empty());
        parts
    };
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut copied = 0;
    for (attribute, start, end) in address_spans(html) {
        let value = (attribute, &html[start..end]);
        let (attribute, value) = value;
        // A page's folder is opened by its index page; the search index's
        // folder is a prefix the script adds file names to.
        let folder_page = attribute != "data-index";
        if let Some(relative) = relative_address(value, &folder, base, folder_page) {
            out.push_str(&html[copied..start]);
            out.push_str(&relative);
            copied = end;
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// `value` relative to a page in `folder`, or `None` when it is not an
/// address under `base` (another site, a fragment, a `mailto:`).
fn relative_address(
    value: &str,
    folder: &[String],
    base: &str,
    folder_page: bool,
) -> Option<String> {
    if value.starts_with("//") {
        return None;
    }
    let rest = value.strip_prefix(base).or_else(|| {
        // `/daibiao` itself, without its slash, is the home page too.
        (value == base.trim_end_matches('/') && base != "/").then_some("")
    })?;
    let cut = rest.find(['?', '#']).unwrap_or(rest.len());
    let (path, suffix) = rest.split_at(cut);
    let mut target: Vec<&str> = path.split('/').collect();
    if folder_page && target.last().is_some_and(|last| last.is_empty()) {
        target.pop();
        target.push("index.html");
    }
    let directories = &target[..target.len() - 1];
    let common = folder
        .iter()
        .zip(directories)
        .take_while(|(a, b)| a.as_str() == **b)
        .count();
    let mut relative = "../".repeat(folder.len() - common);
    relative.push_str(&target[common..].join("/"));
    if relative.is_empty() {
        relative.push_str("./");
    }
    relative.push_str(suffix);
    Some(relative)
}

/// Byte ranges of the values of address attributes, in order. Tags are
/// read as browsers do: quoted values may hold `>`, comments and the text
/// of `<script>` and `<style>` are skipped.
fn address_spans(html: &str) -> Vec<(&'static str, usize, usize)> {
    let bytes = html.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        i += offset + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |n| i + n + 3);
            continue;
        }
        let name_end = i + html[i..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(html.len() - i);
        if name_end == i {
            continue;
        }
        let name = html[i..name_end].to_ascii_lowercase();
        i = name_end;
        // Attributes up to the tag's `>`.
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let attribute_start = i;
            while i < bytes.len()
                && !bytes[i].is_ascii_whitespace()
                && !matches!(bytes[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let attribute = html[attribute_start..i].to_ascii_lowercase();
            if i == attribute_start {
                // A stray `=` or the like: step over it.
                i += 1;
                continue;
            }
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if bytes.get(j) != Some(&b'=') {
                continue;
            }
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let (start, end) = match bytes.get(j) {
                Some(&quote) if quote == b'"' || quote == b'\'' => {
                    let start = j + 1;
                    let end = html[start..]
                        .find(quote as char)
                        .map_or(bytes.len(), |n| start + n);
                    i = (end + 1).min(bytes.len());
                    (start, end)
                }
                _ => {
                    let start = j;
                    let mut end = j;
                    while end < bytes.len()
                        && !bytes[end].is_ascii_whitespace()
                        && bytes[end] != b'>'
                    {
                        end += 1;
                    }
                    i = end;
                    (start, end)
                }
            };
            if let Some(known) = ADDRESS_ATTRIBUTES.iter().find(|a| **a == attribute) {
                spans.push((*known, start, end));
            }
        }
        if name == "script" || name == "style" {
            let closing = format!("</{name}");
            let lower = html[i..].to_ascii_lowercase();
            i = lower.find(&closing).map_or(bytes.len(), |n| i + n);
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_relative_to_the_page_and_folders_end_in_index_html() {
        let page = r##"<link rel="stylesheet" href="/d/style.css?h=ab12"><a href="/d/">首页</a>
<a href='/d/2024/27/#report-1'>一期</a><a href=/d/counties/%E5%AE%89/>县</a>
<form action="/d/search/"><script src="/d/search.js" data-index="/d/search/"></script>
<a href="https://example.org/d/x/">外</a><a href="#main">跳</a><a href="//cdn/x">c</a>
<!-- <a href="/d/no/"> --><script>var a = "<a href='/d/no/'>";</script><img alt="a > b" src="/d/2024/27/p.png">"##;
        let relative = relativize(page, "2024/27/xinyang/index.html", "/d/");
        assert_eq!(
            relative,
            r##"<link rel="stylesheet" href="../../../style.css?h=ab12"><a href="../../../index.html">首页</a>
<a href='../index.html#report-1'>一期</a><a href=../../../counties/%E5%AE%89/index.html>县</a>
<form action="../../../search/index.html"><script src="../../../search.js" data-index="../../../search/"></script>
<a href="https://example.org/d/x/">外</a><a href="#main">跳</a><a href="//cdn/x">c</a>
<!-- <a href="/d/no/"> --><script>var a = "<a href='/d/no/'>";</script><img alt="a > b" src="../p.png">"##
        );
    }

    #[test]
    fn pages_at_the_root_and_in_chinese_folders() {
        assert_eq!(
            relativize(r#"<a href="/issues/">各期</a>"#, "index.html", "/"),
            r#"<a href="issues/index.html">各期</a>"#
        );
        assert_eq!(
            relativize(
                r#"<a href="/counties/%E5%AE%89%E9%98%B3%E5%B8%82/">x</a>"#,
                "counties/安阳市/北关区/index.html",
                "/"
            ),
            r#"<a href="../index.html">x</a>"#
        );
        assert_eq!(
            relativize(
                r#"<script data-index="/search/">"#,
                "search/index.html",
                "/"
            ),
            r#"<script data-index="./">"#
        );
    }
}
