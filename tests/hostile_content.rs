//! Hostile report content on every surface: `<script>`, `javascript:`
//! links, event handlers, frames and template syntax, in the title,
//! subtitle, supplier, keywords and body, end up as inert text or
//! sanitised HTML on the report, issue, index, term and print pages, in the
//! Atom feed, in the search index files, in `/api/search` snippets and on
//! the static search page as a real browser renders it.

mod common;

use std::sync::OnceLock;

use common::server::{http_get, serve, Running};
use common::{dump_dom, percent_encode, Built, Site};

/// Running `onerror=document.title=1337` would rename the tab.
const PWNED: &str = "1337";

const REPORT: &str = r#"---
issue: 1
county: 新蔡县
title: "<script>alert(1)</script><img src=x onerror=document.title=1337>恶意标题 {{ site.title }} {% if true %}注入{% endif %}"
subtitle: "<iframe src=javascript:alert(2)></iframe>副标题"
supplier: "<img src=x onerror=document.title=1337>驻马店市人大常委会代表工委"
tags: ["<script>alert(3)</script>", "代表联络站"]
---

恶意代码示例：`<img src=x onerror=document.title=1337>` 与 \<script>alert(4)\</script> 都应原样显示。

<script>alert(5)</script>
<img src=x onerror=document.title=1337>
<svg onload=document.title=1337><circle r=1 /></svg>
<p onmouseover="document.title=1337" style="background:url(javascript:alert(6))">悬停</p>
<iframe src="https://evil.example/frame"></iframe>
<object data="x.swf"></object><embed src="x.swf">
<form action="javascript:alert(7)"><button formaction="javascript:alert(8)">提交</button></form>
<meta http-equiv="refresh" content="0;url=javascript:alert(9)">
<base href="https://evil.example/">
<style>body{display:none}</style>
<a href="javascript:alert(10)">甲</a> <a href="JaVaScRiPt:alert(11)">乙</a> <a href="&#106;avascript:alert(12)">丙</a> <a href=" javascript:alert(13)">丁</a> <a href="java&#x09;script:alert(14)">戊</a> <a href="data:text/html,<script>alert(15)</script>">己</a> <a href="vbscript:msgbox(16)">庚</a>

[链接一](javascript:alert(17)) [链接二](<javascript:alert(18)>) ![图](javascript:alert(19)) <javascript:alert(20)>

正文里的 {{ page_title }} 与 {% raw %} 也照原样。
"#;

/// The basic fixture plus the hostile report, built once.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let site = Site::copy("basic");
        site.write("content/2024/01/09-xss.md", REPORT);
        let out = site.path("out");
        let run = site.build(&out, &[]);
        run.expect_code(0);
        Built { site, out, run }
    })
}

/// A tag found in HTML: its name and attributes (name, value), lowercased
/// names, values as written.
#[derive(Debug)]
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// Every start tag of `html`. Text cannot hold a raw `<` followed by a
/// letter in escaped output, so whatever this finds is real markup.
fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' || !bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-' || bytes[j] == b':')
        {
            j += 1;
        }
        let name = html[i + 1..j].to_ascii_lowercase();
        let mut attributes = Vec::new();
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let start = j;
            while j < bytes.len() && !bytes[j].is_ascii_whitespace() && !b"=>/".contains(&bytes[j])
            {
                j += 1;
            }
            let attribute = html[start..j].to_ascii_lowercase();
            let mut value = String::new();
            if bytes.get(j) == Some(&b'=') {
                j += 1;
                match bytes.get(j) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let end = html[j + 1..]
                            .find(q as char)
                            .map_or(bytes.len(), |e| j + 1 + e);
                        value = html[j + 1..end].to_string();
                        j = end + 1;
                    }
                    _ => {
                        let start = j;
                        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>'
                        {
                            j += 1;
                        }
                        value = html[start..j].to_string();
                    }
                }
            }
            if attribute.is_empty() {
                j += 1;
            } else {
                attributes.push((attribute, value));
            }
        }
        found.push(Tag { name, attributes });
        i = j;
    }
    found
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// What a browser would run or load from `html`, described; empty when the
/// markup is inert. `own_scripts` are the site's own script addresses.
fn live_markup(html: &str, own_scripts: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for tag in tags(html) {
        let attr = |name: &str| {
            tag.attributes
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        match tag.name.as_str() {
            "script" => {
                let src = attr("src").unwrap_or("");
                // Own scripts carry a content hash: `/search.js?h=…`.
                let file = src.split('?').next().unwrap_or(src);
                if !own_scripts.iter().any(|own| file.ends_with(own)) {
                    problems.push(format!("script {src:?}"));
                }
            }
            "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "base" => {
                problems.push(format!("<{}>", tag.name))
            }
            "meta" if attr("http-equiv").is_some() => problems.push("meta http-equiv".into()),
            "style" if !html.contains("<title>") => problems.push("<style> in a fragment".into()),
            _ => {}
        }
        for (name, value) in &tag.attributes {
            if name.starts_with("on") {
                problems.push(format!("<{} {name}=…>", tag.name));
            }
            let squeezed: String = unescape(value)
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if [
                "href",
                "src",
                "action",
                "formaction",
                "xlink:href",
                "data",
                "poster",
                "srcdoc",
            ]
            .contains(&name.as_str())
                && (squeezed.starts_with("javascript:")
                    || squeezed.starts_with("vbscript:")
                    || squeezed.starts_with("data:text")
                    || squeezed.contains("&#"))
            {
                problems.push(format!("<{} {name}={value:?}>", tag.name));
            }
            if name == "style"
                && (squeezed.contains("javascript:") || squeezed.contains("expression("))
            {
                problems.push(format!("<{} style={value:?}>", tag.name));
            }
            if (name == "href" || name == "src") && squeezed.contains("evil.example") {
                problems.push(format!("<{} {name}={value:?}>", tag.name));
            }
        }
    }
    problems
}

const OWN_SCRIPTS: &[&str] = &["/search.js", "print.js"];

#[test]
fn the_checker_sees_live_markup() {
    assert!(live_markup("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", OWN_SCRIPTS).is_empty());
    for bad in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href='java&#x09;script:x'>x</a>",
        "<iframe src=x></iframe>",
        "<p style=\"background:url(javascript:x)\">",
        "<svg onload=x>",
    ] {
        assert!(!live_markup(bad, OWN_SCRIPTS).is_empty(), "{bad}");
    }
}

#[test]
fn no_page_or_feed_carries_live_markup_from_the_report() {
    let built = built();
    let mut checked = 0;
    for file in built.files() {
        let text = match file.rsplit('.').next() {
            Some("html") => built.read(&file),
            // The feed as XML, then each HTML-typed element's text, which
            // a reader unescapes once and renders as HTML.
            Some("xml") => {
                let feed = built.read(&file);
                let mut text = feed.clone();
                for part in feed.split("<content type=\"html\">").skip(1) {
                    text.push_str(&unescape(part.split("</content>").next().unwrap()));
                }
                text
            }
            _ => continue,
        };
        let problems = live_markup(&text, OWN_SCRIPTS);
        assert!(problems.is_empty(), "{file}: {problems:?}");
        for word in ["alert(", "evil.example", "onerror=document", "msgbox"] {
            // The words may appear as text, never inside a tag.
            for tag in tags(&text) {
                for (_, value) in &tag.attributes {
                    assert!(!value.contains(word), "{file}: {tag:?}");
                }
            }
        }
        checked += 1;
    }
    assert!(checked > 40, "only {checked} files checked");
}

#[test]
fn hostile_fields_show_as_text_on_every_page_that_names_the_report() {
    let built = built();
    let title = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=document.title=1337&gt;恶意标题 {{ site.title }} {% if true %}注入{% endif %}";
    for page in [
        "2024/01/09-xss/index.html",
        "2024/01/index.html",
        "2024/01/print.html",
        "counties/驻马店市/新蔡县/index.html",
        "keywords/代表联络站/index.html",
        "atom.xml",
    ] {
        // In the feed the title element holds text, escaped once. The
        // print page sets each part of a title between spaces in a box of
        // its own (so lines break only at the spaces): read it without them.
        let mut text = built.read(page);
        if page.ends_with("print.html") {
            text = text
                .replace("<span class=\"title-part\">", "")
                .replace("</span>", "");
        }
        assert!(text.contains(title), "{page} lacks the title as text");
    }
    let report = built.read("2024/01/09-xss/index.html");
    for text in [
        "——&lt;iframe src=javascript:alert(2)&gt;&lt;/iframe&gt;副标题",
        "&lt;img src=x onerror=document.title=1337&gt;驻马店市人大常委会代表工委",
        "<span>&lt;script&gt;alert(3)&lt;/script&gt;</span>",
        "<code>&lt;img src=x onerror=document.title=1337&gt;</code>",
        "正文里的 {{ page_title }} 与 {% raw %} 也照原样。",
    ] {
        assert!(report.contains(text), "report page lacks {text:?}");
    }
    // The supplier's own page exists under an inert address and shows
    // the name as text.
    let suppliers = built.read("suppliers/index.html");
    assert!(suppliers.contains("&lt;img src=x onerror=document.title=1337&gt;驻马店市"));
    // Feed titles are text, never HTML a reader would run.
    let feed = built.read("atom.xml");
    assert!(
        !feed.contains("<title type=\"html\">"),
        "feed titles typed html"
    );
}

#[test]
fn search_files_hold_the_title_as_data_and_the_api_escapes_snippets() {
    let built = built();
    // The static index: JSON that parses, the title kept as data (the
    // page's script escapes it when it shows it).
    let search = built.out.join("search");
    for entry in walkdir::WalkDir::new(&search) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
        }
    }
    // Records and texts are coded in `search/text/<block>.bin`.
    let corpus = jianbao::search::reader::StaticIndex::open(&search)
        .unwrap()
        .load_corpus()
        .unwrap();
    let found = corpus.docs.iter().any(|d| {
        d.title()
            .contains("<script>alert(1)</script><img src=x onerror=document.title=1337>恶意标题")
    });
    assert!(found, "the search records hold the title as plain data");

    let serve_out = built.site.path("served");
    let (_server, port) = serve(&built.site.root, Some(&serve_out));
    for query in ["恶意代码示例", "恶意标题", "onerror", "script", "alert"] {
        let target = format!("/api/search?q={}", percent_encode(query));
        let (status, body) = http_get(port, &target);
        assert_eq!(status, 200, "{query}: {body}");
        let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
        let hits = answer["hits"].as_array().unwrap();
        assert!(!hits.is_empty(), "{query}: no hit");
        for hit in hits {
            let snippet = hit["snippet_html"].as_str().unwrap();
            let bare = snippet.replace("<mark>", "").replace("</mark>", "");
            assert!(
                !bare.contains('<') && !bare.contains('>'),
                "{query}: {snippet}"
            );
        }
    }
}

/// The search page in headless Chromium: the results show the hostile
/// title and snippet as text; nothing in them runs.
#[test]
fn the_search_page_shows_hostile_hits_as_text() {
    let built = built();
    let serve_out = built.site.path("served-browser");
    let (_server, port): (Running, u16) = serve(&built.site.root, Some(&serve_out));
    for query in [
        "恶意代码示例",
        "恶意标题",
        "<img src=x onerror=document.title=1337>",
    ] {
        let url = format!(
            "http://127.0.0.1:{port}/search/?q={}",
            percent_encode(query)
        );
        let (dom, _) = dump_dom(&url, 15000);
        assert!(
            dom.contains("data-search-done=\"1\""),
            "{query}: the search did not finish\n{dom}"
        );
        let title = dom
            .split("<title>")
            .nth(1)
            .and_then(|t| t.split("</title>").next())
            .unwrap_or("");
        assert_ne!(title, PWNED, "{query}: a payload ran");
        let results = dom
            .split("id=\"search-results\"")
            .nth(1)
            .and_then(|r| r.split("</ol>").next())
            .unwrap_or_else(|| panic!("{query}: no results list\n{dom}"));
        let problems = live_markup(results, &[]);
        assert!(problems.is_empty(), "{query}: {problems:?}\n{results}");
        assert!(
            results.contains("&lt;img src=x onerror=document.title=1337&gt;"),
            "{query}: the payload is not shown as text\n{results}"
        );
    }
}
