//! The ways into the archive besides issue order, built from the basic
//! fixture: home, issues by year, counties grouped by prefecture,
//! suppliers, series, keywords, the overview, the feed, the sitemap and
//! the not-found page.

mod common;

use std::sync::OnceLock;

use common::{count, main_of, percent_decode, shared_build, Built};

static BASIC: OnceLock<Built> = OnceLock::new();
static WITH_DRAFTS: OnceLock<Built> = OnceLock::new();

fn basic() -> &'static Built {
    shared_build(&BASIC, "basic", &[])
}

const REPORTS: [&str; 7] = [
    "2023/45/01-beiguan/",
    "2023/45/02-zhengzhou/",
    "2024/01/01-beiguan-zhuanye/",
    "2024/01/02-chinese-keys/",
    "2024/01/03-html/",
    "2024/02/01-bom-crlf/",
    "2024/02/02-gbk/",
];

#[test]
fn home_page_shows_the_latest_issue_and_recent_ones() {
    let page = basic().read("index.html");
    let main = main_of(&page);
    assert!(
        main.contains("最新一期：<a href=\"/daibiao/2024/02/\">2024年第2期</a>"),
        "{main}"
    );
    assert!(main.contains("<strong>3</strong> 期") && main.contains("<strong>7</strong> 篇报告"));
    for issue in ["2024/02/", "2024/01/", "2023/45/"] {
        assert!(
            main.contains(&format!("href=\"/daibiao/{issue}\"")),
            "{issue}"
        );
    }
}

#[test]
fn issues_are_listed_by_year() {
    let all = basic().read("issues/index.html");
    let main = main_of(&all);
    let y2024 = main.find("2024年</a>").unwrap();
    let y2023 = main.find("2023年</a>").unwrap();
    assert!(y2024 < y2023, "newest year first");
    for report in REPORTS {
        assert!(
            main.contains(&format!("href=\"/daibiao/{report}\"")),
            "{report}"
        );
    }
    assert!(main.contains("主题活动专辑（二）"));
    let year = basic().read("2024/index.html");
    let main = main_of(&year);
    assert!(main.contains("<h1>2024年各期</h1>"));
    assert!(
        main.contains("href=\"/daibiao/2024/01/\"") && main.contains("href=\"/daibiao/2024/02/\"")
    );
    assert!(!main.contains("2023/45"));
}

#[test]
fn one_county_written_three_ways_is_one_county() {
    let page = basic().read("counties/index.html");
    let main = main_of(&page);
    let anyang = "<h2><a href=\"/daibiao/counties/%E5%AE%89%E9%98%B3%E5%B8%82/\">安阳市</a> <small>3 篇</small></h2>";
    assert!(main.contains(anyang), "{main}");
    assert!(
        main.contains(">北关区</a> <span class=\"count\">3</span>"),
        "{main}"
    );
    assert_eq!(count(main, ">北关区</a>"), 1);
    assert!(!main.contains("安阳北关区") && !main.contains("安阳市北关区"));
    // A report about a prefecture as a whole.
    assert!(
        main.contains(">郑州市（市本级）</a> <span class=\"count\">1</span>"),
        "{main}"
    );
    for county in ["桐柏县", "息县", "新蔡县"] {
        assert!(
            main.contains(&format!(">{county}</a> <span class=\"count\">1</span>")),
            "{county}"
        );
    }

    let county = basic().read("counties/安阳市/北关区/index.html");
    let main = main_of(&county);
    assert!(main.contains("<h1>安阳市北关区</h1>"), "{main}");
    assert!(main.contains("3 篇报告"));
    for report in [
        "2023/45/01-beiguan/",
        "2024/01/01-beiguan-zhuanye/",
        "2024/01/02-chinese-keys/",
    ] {
        assert!(
            main.contains(&format!("href=\"/daibiao/{report}\"")),
            "{report}"
        );
    }
    let prefecture = basic().read("counties/安阳市/index.html");
    assert!(prefecture.contains("<h1>安阳市</h1>"));
    assert!(prefecture.contains("1 个县区，3 篇报告"));
    assert!(basic()
        .read("counties/郑州市/index.html")
        .contains("2023/45/02-zhengzhou/"));
}

#[test]
fn suppliers_have_an_index_and_pages() {
    let page = basic().read("suppliers/index.html");
    let main = main_of(&page);
    assert!(
        main.contains(">安阳市人大常委会选工委</a> <span class=\"count\">3</span>"),
        "{main}"
    );
    // Written as a whole credit line in the report, listed by name.
    assert!(main.contains(">驻马店市人大常委会代表工委</a> <span class=\"count\">1</span>"));
    assert!(
        !main.contains("供稿）") && !main.contains("（驻马店"),
        "{main}"
    );
    let supplier = basic().read("suppliers/安阳市人大常委会选工委/index.html");
    assert!(supplier.contains("<h1>安阳市人大常委会选工委</h1>"));
    assert_eq!(count(main_of(&supplier), "<li>"), 3);
}

#[test]
fn series_gather_issues_of_one_album() {
    let index = basic().read("series/index.html");
    let name = "“为人民履职、为中原添彩·人大代表在行动”主题活动专辑";
    assert!(main_of(&index).contains(&format!(">{name}</a> <span class=\"count\">1</span>")));
    let page = basic().read(&format!("series/{name}/index.html"));
    let main = main_of(&page);
    assert!(main.contains(&format!("<h1>{name}</h1>")));
    assert!(main.contains("2024年第1期 “为人民履职、为中原添彩·人大代表在行动”主题活动专辑（二）"));
    assert!(main.contains("href=\"/daibiao/2024/01/03-html/\""));
}

#[test]
fn keywords_shared_by_reports_get_pages() {
    let index = basic().read("keywords/index.html");
    assert!(
        main_of(&index).contains(">代表专业小组</a> <span class=\"count\">3</span>"),
        "{index}"
    );
    let page = basic().read("keywords/代表专业小组/index.html");
    let main = main_of(&page);
    assert!(main.contains("<p class=\"breadcrumb\">关键词</p>"));
    assert_eq!(count(main, "<li>"), 3);
    let report = basic().read("2023/45/01-beiguan/index.html");
    assert!(report.contains("关键词：</span><a href=\"/daibiao/keywords/%E4%BB%A3%E8%A1%A8%E4%B8%93%E4%B8%9A%E5%B0%8F%E7%BB%84/\">代表专业小组</a>"));
}

#[test]
fn overview_has_inline_charts_and_tables() {
    let page = basic().read("stats/index.html");
    let main = main_of(&page);
    assert_eq!(count(main, "<svg class=\"chart\""), 2);
    assert_eq!(count(main, "<table class=\"figures-table\">"), 2);
    assert!(main.contains("共 3 期、7 篇报告"));
    assert!(main.contains(">安阳市</a></td><td>3</td>"), "{main}");
    assert!(main.contains(">2023</a></td><td>2</td>") && main.contains(">2024</a></td><td>5</td>"));
    assert!(main.contains("<title>各省辖市报告数</title>"));
    assert!(!page.contains("<script") && !page.contains("<img"));
}

#[test]

fn overview_county_count_matches_the_counties_page_with_drafts() {
    let built = shared_build(&WITH_DRAFTS, "basic", &["--drafts"]);
    let counties = built.read("counties/index.html");
    let listed = count(main_of(&counties), "<span class=\"count\">");
    let stats = built.read("stats/index.html");
    assert!(
        stats.contains(&format!("涉及 {listed} 个县区")),
        "counties page lists {listed}"
    );
}

#[test]
fn feed_has_absolute_links_and_escaped_content() {
    let feed = basic().read("atom.xml");
    assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">"));
    assert!(feed.contains("<id>https://example.org/daibiao/</id>"));
    assert!(feed.contains("href=\"https://example.org/daibiao/atom.xml\""));
    assert_eq!(count(&feed, "<entry>"), 7);
    for report in REPORTS {
        let url = format!("https://example.org/daibiao/{report}");
        assert!(feed.contains(&format!("<id>{url}</id>")), "{report}");
    }
    for value in common::attribute_values(&feed, "href") {
        assert!(value.starts_with("https://example.org/daibiao/"), "{value}");
    }
    // Newest first.
    assert!(feed.find("2024/02/01-bom-crlf/").unwrap() < feed.find("2023/45/01-beiguan/").unwrap());
    assert!(feed.contains("<updated>2024-02-20T00:00:00+08:00</updated>"));
    assert!(feed.contains("<author><name>驻马店市人大常委会代表工委</name></author>"));
    // Bodies are escaped HTML; no markup leaks into the XML.
    assert!(
        feed.contains("&lt;b&gt;扎实开展主题活动&lt;&#x2F;b&gt;")
            || feed.contains("&lt;b&gt;扎实开展主题活动&lt;/b&gt;"),
        "{feed}"
    );
    for content in feed.split("<content type=\"html\">").skip(1) {
        let content = content.split("</content>").next().unwrap();
        assert!(!content.contains('<'), "unescaped markup in {content}");
    }
    assert!(!feed.contains("<b>") && !feed.contains("<p>") && !feed.contains("<table"));
}

#[test]
fn sitemap_lists_every_page_by_absolute_address() {
    let built = basic();
    let sitemap = built.read("sitemap.xml");
    assert!(sitemap.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    let locs: Vec<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap().to_string())
        .collect();
    let pages: Vec<String> = built
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".html") && f != "404.html" && !f.ends_with("/print.html"))
        .collect();
    assert_eq!(locs.len(), pages.len(), "{locs:#?}");
    // Print pages repeat their issue page.
    assert!(!sitemap.contains("print.html"), "{sitemap}");
    for loc in &locs {
        let path = loc
            .strip_prefix("https://example.org/daibiao/")
            .unwrap_or_else(|| panic!("{loc} is not absolute under the base"));
        let path = percent_decode(path);
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path
        };
        assert!(built.exists(&file), "{loc}");
    }
    for report in REPORTS {
        assert!(
            locs.contains(&format!("https://example.org/daibiao/{report}")),
            "{report}"
        );
    }
    assert!(!sitemap.contains("404"));
}

#[test]
fn not_found_page_is_chinese_and_links_home() {
    let page = basic().read("404.html");
    assert!(page.contains("<html lang=\"zh-CN\">"));
    assert!(page.contains("<h1>找不到页面</h1>"));
    assert!(page.contains("<a href=\"/daibiao/\">返回首页</a>"));
    assert!(page.contains("href=\"/daibiao/style.css?h="));
}
