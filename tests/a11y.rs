//! Every page type of a built site in Debian's Chromium with axe-core (the
//! engine of Lighthouse's accessibility score), at a desktop and a phone
//! width: no violation of any impact, no console error (a missing favicon
//! is one), no sideways scrolling at 390 px, no button label on two lines,
//! no clipped placeholder. The site is the basic fixture with the footer a
//! government site must show, served under a subpath by a plain static
//! server. Also: the search page without JavaScript, and the footer's
//! record links.

mod common;

use common::*;
use serde_json::{json, Value};

const GOV_KEYS: &str = r#""主办单位" = "河南省人大常委会代表工作委员会"
"联系方式" = "郑州市金水区 电话：0371-00000000"
"ICP备案号" = "豫ICP备00000000号-1"
"公安备案号" = "豫公网安备 41010502000000号"
"网站标识码" = "4100000000"
"#;

/// The basic fixture with the government footer keys, built into
/// `<tmp>/host/daibiao` (its base_url's path).
fn gov_site() -> (Site, std::path::PathBuf) {
    let site = Site::copy("basic");
    let toml = std::fs::read_to_string(site.file("site.toml")).unwrap();
    let toml = toml.replacen("[distribution]", &format!("{GOV_KEYS}\n[distribution]"), 1);
    site.write("site.toml", &toml);
    let host = site.path("host");
    site.build(&host.join("daibiao"), &[]).expect_code(0);
    (site, host)
}

/// One path of each page type, as found in the output.
fn page_types(out: &std::path::Path) -> Vec<(&'static str, String)> {
    let files: Vec<String> = snapshot(out).into_keys().collect();
    let first = |what: &str, matches: &dyn Fn(&str) -> bool| -> String {
        files
            .iter()
            .find(|f| matches(f))
            .unwrap_or_else(|| panic!("no {what} page in {files:?}"))
            .trim_end_matches("index.html")
            .to_string()
    };
    let depth = |f: &str| f.matches('/').count();
    vec![
        ("home", String::new()),
        ("issues", "issues/".into()),
        ("year", "2024/".into()),
        ("issue", "2024/01/".into()),
        ("report", "2024/01/01-beiguan-zhuanye/".into()),
        ("print", "2024/01/print.html".into()),
        ("counties", "counties/".into()),
        (
            "prefecture",
            first("prefecture", &|f| {
                f.starts_with("counties/") && depth(f) == 2
            }),
        ),
        (
            "county",
            first("county", &|f| f.starts_with("counties/") && depth(f) == 3),
        ),
        ("suppliers", "suppliers/".into()),
        (
            "supplier",
            first("supplier", &|f| {
                f.starts_with("suppliers/") && depth(f) == 2
            }),
        ),
        ("series index", "series/".into()),
        (
            "one series",
            first("series", &|f| f.starts_with("series/") && depth(f) == 2),
        ),
        ("keywords", "keywords/".into()),
        (
            "keyword",
            first("keyword", &|f| f.starts_with("keywords/") && depth(f) == 2),
        ),
        ("stats", "stats/".into()),
        ("search", "search/".into()),
        ("search with a query", "search/?q=代表".into()),
        ("search finding nothing", "search/?q=不会出现的词语".into()),
        ("404", "404.html".into()),
    ]
}

/// What is wrong with one audited page, in words.
fn problems_of(line: &Value, kind: &str) -> Vec<String> {
    let place = format!("{kind} {} at {} px", line["url"], line["width"]);
    let mut problems = Vec::new();
    if let Some(error) = line["error"].as_str() {
        problems.push(format!("{place}: {error}"));
    }
    for v in line["violations"].as_array().into_iter().flatten() {
        problems.push(format!(
            "{place}: axe {} ({}): {} at {}",
            v["id"], v["impact"], v["help"], v["nodes"]
        ));
    }
    for e in line["consoleErrors"].as_array().into_iter().flatten() {
        problems.push(format!("{place}: console error {e}"));
    }
    if line["width"] == 390 && !line["overflow"].is_null() {
        problems.push(format!("{place}: scrolls sideways {}", line["overflow"]));
    }
    for b in line["wrappedButtons"].as_array().into_iter().flatten() {
        problems.push(format!("{place}: label on two lines or clipped: {b}"));
    }
    if line["stylesApplied"] != true && line["error"].is_null() {
        problems.push(format!("{place}: no style sheet applied"));
    }
    problems
}

#[test]
fn every_page_type_passes_axe_at_desktop_and_phone_widths() {
    let Some(support) = browser_test_packages() else {
        return;
    };
    let (_site, host) = gov_site();
    let (_server, port) = python_static_host(&host);
    let types = page_types(&host.join("daibiao"));
    let pages: Vec<Value> = types
        .iter()
        .map(|(kind, path)| {
            let url = format!(
                "http://127.0.0.1:{port}/daibiao/{}",
                percent_encode_path(path)
            );
            // Search pages are audited once their results are shown.
            let wait = path.contains("?q=").then_some("body[data-search-done]");
            json!({ "url": url, "wait": wait, "kind": kind })
        })
        .collect();
    let lines = audit(&support, &pages, &[1280, 390]);
    assert_eq!(lines.len(), pages.len() * 2, "{lines:?}");
    let mut problems = Vec::new();
    for line in &lines {
        let kind = pages
            .iter()
            .find(|p| p["url"] == line["url"])
            .and_then(|p| p["kind"].as_str())
            .unwrap_or("?");
        problems.extend(problems_of(line, kind));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The query's results were really shown, not an error.
    let found = lines
        .iter()
        .find(|l| l["url"].as_str().unwrap().contains("?q=%E4%BB%A3"))
        .unwrap();
    assert!(
        found["status"].as_str().unwrap().starts_with("共找到"),
        "{found}"
    );
}

#[test]
fn without_javascript_the_search_page_only_says_what_it_needs() {
    let Some(support) = browser_test_packages() else {
        return;
    };
    let (_site, host) = gov_site();
    let (_server, port) = python_static_host(&host);
    let url = format!(
        "http://127.0.0.1:{port}/daibiao/search/?q={}",
        percent_encode("代表")
    );
    let lines = audit(&support, &[json!({ "url": url, "noscript": true })], &[390]);
    let text = lines[0]["mainText"].as_str().unwrap();
    assert_eq!(
        text.split_whitespace().collect::<Vec<_>>(),
        [
            "全文检索",
            "全文检索需要浏览器启用 JavaScript。也可以按各期、县区、供稿单位、专辑或关键词浏览全部报告。"
        ]
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>(),
        "{}",
        lines[0]
    );
    // The links it names are there and lead to the browse pages.
    let page = read_output(&host.join("daibiao"), "search/index.html");
    let notice = &page[position(&page, "<noscript>")..position(&page, "</noscript>")];
    for folder in ["issues", "counties", "suppliers", "series", "keywords"] {
        assert!(
            notice.contains(&format!("href=\"/daibiao/{folder}/\"")),
            "{notice}"
        );
    }
}

#[test]
fn every_page_shows_the_government_footer_with_record_links() {
    let (_site, host) = gov_site();
    let out = host.join("daibiao");
    let pages: Vec<String> = snapshot(&out)
        .into_keys()
        .filter(|f| f.ends_with(".html") && !f.ends_with("print.html"))
        .collect();
    assert!(pages.len() > 30, "{pages:?}");
    for page in &pages {
        let html = read_output(&out, page);
        let footer = &html[position(&html, "<footer class=\"site-footer\">")..];
        for text in [
            "主办单位：河南省人大常委会代表工作委员会",
            "联系方式：郑州市金水区 电话：0371-00000000",
            "<a href=\"https://beian.miit.gov.cn/\" rel=\"noopener\">豫ICP备00000000号-1</a>",
            "<a href=\"http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=41010502000000\" rel=\"noopener\">豫公网安备 41010502000000号</a>",
            "网站标识码：4100000000",
        ] {
            assert!(footer.contains(text), "{page}: footer lacks {text}\n{footer}");
        }
    }
}

/// `search/?q=代表` with the path's Chinese percent-encoded, `/` and `?=`
/// kept.
fn percent_encode_path(path: &str) -> String {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let encoded: Vec<String> = path.split('/').map(percent_encode).collect();
    let mut url = encoded.join("/");
    if let Some((key, value)) = query.split_once('=') {
        url.push_str(&format!("?{key}={}", percent_encode(value)));
    }
    url
}
