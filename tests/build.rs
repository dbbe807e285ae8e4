//! `jianbao build` on the basic fixture site: the issue and report pages,
//! drafts, encodings, sanitised HTML and links under the base path.

mod common;

use std::sync::OnceLock;

use common::{attribute_values, count, main_of, percent_decode, position, shared_build, Built};

static BASIC: OnceLock<Built> = OnceLock::new();
static WITH_DRAFTS: OnceLock<Built> = OnceLock::new();

fn basic() -> &'static Built {
    shared_build(&BASIC, "basic", &[])
}

fn with_drafts() -> &'static Built {
    shared_build(&WITH_DRAFTS, "basic", &["--drafts"])
}

const BASE: &str = "/daibiao/";

#[test]
fn build_succeeds_with_a_summary_and_only_warnings() {
    let run = &basic().run;
    run.expect_stdout("构建完成：3 期，7 篇报告，")
        .expect_stdout("输出：")
        .expect_stderr("content/2024/02/02-gbk.md: 警告：文件以 GBK/GB18030 编码保存，已自动转换")
        .expect_hint_after("02-gbk.md: 警告")
        .expect_stderr("content/2023: 警告：2023 年的期号不连续，缺少 第 1–44 期");
    assert!(!run.stderr.contains("错误"), "{}", run.stderr);
}

#[test]
fn issue_page_has_masthead_series_line_and_note() {
    let page = basic().read("2024/01/index.html");
    let main = main_of(&page);
    assert!(
        main.contains("<h1 class=\"masthead-title\">代表工作<span class=\"visually-hidden\"> 2024年第1期</span></h1>"),
        "{main}"
    );
    assert!(main.contains("第 1 期（总第 301 期）"), "{main}");
    // The issue's own publisher, not the site's.
    assert!(main.contains("<span class=\"publisher\">河南省人大常委会代表工作委员会办公室</span>"));
    assert!(main.contains("<time datetime=\"2024-01-15\">2024年1月15日</time>"));
    let album = "“为人民履职、为中原添彩·人大代表在行动”主题活动专辑（二）</a></p>";
    assert!(main.contains(album), "{main}");
    assert!(main.contains("<p class=\"album\"><a href=\"/daibiao/series/"));
    assert!(main.contains("<h2>编者按</h2><p>本期编发安阳、驻马店两地开展主题活动的做法"));
}

#[test]
fn issue_contents_follow_the_order_field() {
    let page = basic().read("2024/01/index.html");
    let contents = &page[position(&page, "<nav class=\"contents\"")..];
    let first = position(contents, "北关区：代表专业小组参与重点建议督办");
    let second = position(contents, "安阳市北关区：代表专业小组进站接待选民");
    let third = position(contents, "新蔡县：依托代表联络站点 扎实开展主题活动");
    assert!(first < second && second < third, "{contents}");
    // The reports themselves follow the same order.
    let title =
        |slug: &str| format!("<h2 class=\"report-title\"><a href=\"/daibiao/2024/01/{slug}/\">");
    let one = position(&page, &title("02-chinese-keys"));
    let two = position(&page, &title("01-beiguan-zhuanye"));
    let three = position(&page, &title("03-html"));
    assert!(one < two && two < three);
}

/// Two reports of one issue both have a note `[^1]`; on the issue page,
/// as on every other, no id repeats and every `#…` link finds its target.
#[test]
fn ids_are_unique_on_every_page_and_in_page_links_resolve() {
    let built = basic();
    let issue = built.read("2024/01/index.html");
    assert!(
        count(&issue, "class=\"footnote-definition\"") >= 2,
        "{issue}"
    );
    for file in built.files().iter().filter(|f| f.ends_with(".html")) {
        let page = built.read(file);
        let ids = attribute_values(&page, "id");
        let mut seen = std::collections::HashSet::new();
        for id in &ids {
            assert!(seen.insert(id.as_str()), "{file}: id {id:?} repeats");
        }
        for href in attribute_values(&page, "href") {
            if let Some(fragment) = href.strip_prefix('#') {
                assert!(
                    seen.contains(fragment),
                    "{file}: link #{fragment} has no target"
                );
            }
        }
    }
    // The note links back to where it was referred to.
    let report = built.read("2024/01/01-beiguan-zhuanye/index.html");
    assert!(
        report.contains("href=\"#01-beiguan-zhuanye-ref1\""),
        "{report}"
    );
    assert!(report.contains("每月第一个星期六进站。"));
}

#[test]
fn issue_page_carries_every_report_in_full_with_its_credit() {
    let page = basic().read("2024/01/index.html");
    for body in [
        "代表专业小组参与了6件议案和重点建议的督办工作",
        "推动解决了机动车、非机动车停放问题。",
        "新增中小学学位11670个。",
        "全县1976名四级人大代表全部编入联络站点。",
        "上半年共提出基层立法修改建议168条",
    ] {
        assert!(page.contains(body), "issue page lacks {body:?}");
    }
    assert_eq!(count(&page, "<p class=\"credit\">（<a href="), 3);
    assert_eq!(count(&page, ">安阳市人大常委会选工委</a>供稿）</p>"), 2);
    // A supplier written as a whole credit line is not doubled.
    assert!(page.contains(">驻马店市人大常委会代表工委</a>供稿）</p>"));
    assert!(!page.contains("供稿供稿") && !page.contains("（（"));
}

#[test]
fn issue_page_has_the_distribution_block_with_a_report_s_recipient() {
    let page = basic().read("2024/01/index.html");
    let footer = &page[position(&page, "<footer class=\"distribution\">")..];
    // The issue's own list replaces the site's …
    assert!(
        footer.contains("送：</span>省人大常委会主任、副主任</p>"),
        "{footer}"
    );
    assert!(!footer.contains("秘书长"));
    // … and a report adds its own recipient to it.
    assert!(footer.contains("发：</span>各省辖市人大常委会，安阳市北关区人大常委会</p>"));
    assert!(footer
        .contains("<span class=\"issuer\">河南省人大常委会选举任免代表联络工作委员会印发</span>"));
    assert!(footer.contains("<span class=\"copies\">共印 70 份</span>"));
}

#[test]
fn issue_without_overrides_uses_the_site_settings() {
    let page = basic().read("2023/45/index.html");
    let main = main_of(&page);
    assert!(
        main.contains("<p class=\"masthead-number\">第 45 期</p>"),
        "{main}"
    );
    assert!(main.contains("<span class=\"publisher\">河南省人大常委会代表工作委员会</span>"));
    assert!(main.contains("2023年12月20日"));
    assert!(!main.contains("class=\"album\""));
    assert!(main.contains("送：</span>省人大常委会主任、副主任、秘书长</p>"));
    assert!(
        main.contains("发：</span>省人大各专门委员会，各省辖市人大常委会、济源示范区人大工委</p>")
    );
    assert!(main.contains("<span class=\"issuer\">河南省人大常委会代表工作委员会印发</span>"));
    assert!(!main.contains("共印"));
}

#[test]
fn issue_pages_link_to_neighbours_across_years_and_to_print() {
    let first = basic().read("2023/45/index.html");
    assert!(!first.contains("rel=\"prev\""));
    assert!(first.contains("<a rel=\"next\" href=\"/daibiao/2024/01/\">下一期：2024年第1期"));
    let middle = basic().read("2024/01/index.html");
    assert!(middle.contains("<a rel=\"prev\" href=\"/daibiao/2023/45/\">← 上一期：2023年第45期"));
    assert!(middle.contains("<a rel=\"next\" href=\"/daibiao/2024/02/\">"));
    assert!(middle.contains("<a href=\"/daibiao/2024/01/print.html\">印刷版</a>"));
    let print = basic().read("2024/01/print.html");
    assert!(print.contains("<html lang=\"zh-CN\">"));
    for text in [
        "第 1 期",
        "2024年1月15日",
        "主题活动专辑（二）",
        // Each part of a title between spaces is a box a line break cannot enter.
        "<h2 class=\"report-title\"><span class=\"title-part\">北关区：代表专业小组参与重点建议督办</span></h2>",
        "新增中小学学位11670个。",
        "（驻马店市人大常委会代表工委供稿）",
        "发：各省辖市人大常委会，安阳市北关区人大常委会",
        "共印 70 份",
    ] {
        assert!(print.contains(text), "print page lacks {text:?}");
    }
}

#[test]
fn report_page_links_county_supplier_issue_and_related_reports() {
    let page = basic().read("2024/01/02-chinese-keys/index.html");
    let main = main_of(&page);
    assert!(page.contains("<title>北关区：代表专业小组参与重点建议督办 - 代表工作</title>"));
    assert!(main.contains("<h1 class=\"report-title\">北关区：代表专业小组参与重点建议督办</h1>"));
    assert!(
        main.contains("<a href=\"/daibiao/2024/01/\">2024年第1期</a>"),
        "{main}"
    );
    let county = "/daibiao/counties/%E5%AE%89%E9%98%B3%E5%B8%82/%E5%8C%97%E5%85%B3%E5%8C%BA/";
    assert!(
        main.contains(&format!("<dd><a href=\"{county}\">安阳市北关区</a></dd>")),
        "{main}"
    );
    assert!(main.contains(">安阳市人大常委会选工委</a></dd>"));
    assert!(main.contains("<p class=\"credit\">（安阳市人大常委会选工委供稿）</p>"));
    assert!(main.contains("推动解决了机动车、非机动车停放问题。"));
    let related = &main[position(main, "<h2>相关报告</h2>")..];
    assert!(
        related.contains("href=\"/daibiao/2024/01/01-beiguan-zhuanye/\""),
        "{related}"
    );
    assert!(
        related.contains("href=\"/daibiao/2023/45/01-beiguan/\""),
        "{related}"
    );
    assert!(
        !related.contains("02-chinese-keys"),
        "a report is not related to itself"
    );
}

#[test]
fn raw_html_is_made_harmless_and_formatting_survives() {
    let built = basic();
    for file in built.files() {
        if !(file.ends_with(".html") || file.ends_with(".xml")) {
            continue;
        }
        let text = built.read(&file).to_lowercase();
        for bad in ["javascript:", "onclick", "<iframe", "evil.example"] {
            assert!(!text.contains(bad), "{file} contains {bad:?}");
        }
        if file.ends_with(".html") {
            assert!(!text.contains("alert(") && !text.contains("窃取"), "{file}");
        }
        // The only scripts are the site's own files (the search page's),
        // never inline code and never from a report.
        for script in text.split("<script").skip(1) {
            // Print pages link their script relatively, so that they also
            // print from a file:// copy on an office PC.
            let own = script.starts_with(&format!(" src=\"{BASE}"))
                || (file.ends_with("print.html") && script.starts_with(" src=\"../../print.js\""));
            assert!(
                own,
                "{file} has a script that is not the site's own: <script{}",
                &script[..script.len().min(80)]
            );
        }
        // Reading needs no script: only search and the print layout use one.
        if file.ends_with(".html") && !file.starts_with("search/") && !file.ends_with("print.html")
        {
            assert!(!text.contains("<script"), "{file} has a script");
        }
    }
    for page in ["2024/01/index.html", "2024/01/03-html/index.html"] {
        let html = built.read(page);
        assert!(html.contains("<b>扎实开展主题活动</b>"), "{page}");
        assert!(html.contains("<table><thead><tr><th>站点</th><th>数量</th></tr></thead>"));
        assert!(html.contains("<td>代表联络点</td><td>76</td>"));
        assert!(html.contains("class=\"footnote-definition\""), "{page}");
        assert!(html.contains("数据截至2024年6月底。"));
        assert!(
            html.contains(">点此查看详情</a>"),
            "the link text stays, its script goes"
        );
    }
}

#[test]

fn script_source_stays_out_of_summaries() {
    let feed = basic().read("atom.xml");
    for summary in feed.split("<summary>").skip(1) {
        let summary = summary.split("</summary>").next().unwrap();
        assert!(
            !summary.contains("alert(") && !summary.contains("窃取"),
            "{summary}"
        );
    }
}

#[test]
fn gbk_and_bom_crlf_reports_are_read_as_chinese() {
    // The fixtures really are what they claim (see tests/.gitattributes).
    let raw = |name: &str| {
        std::fs::read(common::fixture(&format!("basic/content/2024/02/{name}"))).unwrap()
    };
    let bom = raw("01-bom-crlf.md");
    assert!(
        bom.starts_with(b"\xEF\xBB\xBF---\r\n")
            && !bom.windows(2).any(|w| w[0] != b'\r' && w[1] == b'\n')
    );
    assert!(
        String::from_utf8(raw("02-gbk.md")).is_err(),
        "02-gbk.md must hold GBK bytes"
    );

    let built = basic();
    let gbk = built.read("2024/02/02-gbk/index.html");
    assert!(
        gbk.contains("<h1 class=\"report-title\">桐柏县：建“三茶”代表联络站 助力县域经济发展</h1>")
    );
    assert!(gbk.contains("联络站联系全县规模以上茶企32家，联系茶农1900余户。"));
    assert!(gbk.contains(">南阳市桐柏县</a>"));
    let bom = built.read("2024/02/01-bom-crlf/index.html");
    assert!(bom
        .contains("<h1 class=\"report-title\">信阳市息县：探索产业代表联络站 建设“全链模式”</h1>"));
    assert!(bom.contains(">信阳市人大常委会选工委</a>"));
    assert!(bom.contains("<strong class=\"lead lead-1\">一、科学布局。</strong>"));
    for page in [
        "2024/02/index.html",
        "2024/02/01-bom-crlf/index.html",
        "atom.xml",
    ] {
        let text = built.read(page);
        assert!(!text.contains('\r') && !text.contains('\u{feff}'), "{page}");
    }
}

#[test]
fn drafts_are_left_out_without_the_flag() {
    let built = basic();
    assert!(!built.exists("drafts"));
    assert!(!built.exists("2024/02/03-draft"));
    for file in built.files() {
        let bytes = std::fs::read(built.out.join(&file)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for draft in [
            "尚未定稿的辉县报告",
            "新乡县代表联络站建设",
            "03-draft",
            "xinxiang",
        ] {
            assert!(!text.contains(draft), "{file} mentions the draft {draft:?}");
        }
    }
}

#[test]
fn drafts_are_published_with_the_flag() {
    let built = with_drafts();
    built.run.expect_stdout("构建完成：3 期，");
    let draft = built.read("drafts/xinxiang/index.html");
    assert!(draft.contains("草稿：尚未编入某期"));
    assert!(draft.contains("<h1 class=\"report-title\">新乡县：草稿：新乡县代表联络站建设</h1>"));
    assert!(built
        .read("drafts/index.html")
        .contains("href=\"/daibiao/drafts/xinxiang/\""));
    let marked = built.read("2024/02/03-draft/index.html");
    assert!(marked.contains("辉县市人大常委会探索代表联络站“六个一”工作法"));
    let issue = built.read("2024/02/index.html");
    assert!(
        issue.contains("<a href=\"#report-3\">辉县：尚未定稿的辉县报告</a>"),
        "{issue}"
    );
}

#[test]

fn files_beside_drafts_stay_unpublished_without_the_flag() {
    let site = common::Site::copy("basic");
    let image = std::fs::read(site.file("content/2024/01/photo.png")).unwrap();
    std::fs::write(site.file("content/drafts/xinxiang-photo.png"), image).unwrap();
    let out = site.path("out");
    site.build(&out, &[]).expect_code(0);
    assert!(!out.join("drafts").exists(), "drafts/ was published");
    site.build(&out, &["--drafts"]).expect_code(0);
    assert!(out.join("drafts/xinxiang-photo.png").is_file());
}

#[test]
fn an_image_beside_the_reports_is_copied() {
    let copied = std::fs::read(basic().out.join("2024/01/photo.png")).unwrap();
    let original = std::fs::read(common::fixture("basic/content/2024/01/photo.png")).unwrap();
    assert_eq!(copied, original);
}

#[test]
fn every_page_is_chinese_and_every_link_is_under_the_base_path() {
    let built = basic();
    let pages: Vec<String> = built
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() >= 40, "{pages:?}");
    for page in &pages {
        let html = built.read(page);
        assert!(html.contains("<html lang=\"zh-CN\">"), "{page}");
        for attr in ["href", "src", "action"] {
            for value in attribute_values(&html, attr) {
                // Print pages are opened from the disk: relative throughout.
                let relative_print_asset =
                    page.ends_with("print.html") && value.starts_with("../../");
                // The canonical address is the full one.
                let canonical = value.starts_with(&format!("https://example.org{BASE}"));
                assert!(
                    value.starts_with(BASE)
                        || value.starts_with('#')
                        || relative_print_asset
                        || canonical,
                    "{page}: {attr}=\"{value}\" is not under {BASE}"
                );
            }
        }
    }
}

#[test]
fn no_page_requests_another_host() {
    let built = basic();
    for file in built.files() {
        if !(file.ends_with(".html") || file.ends_with(".css")) {
            continue;
        }
        let text = built.read(&file);
        for attr in ["src", "href", "action", "srcset", "poster", "data"] {
            for value in attribute_values(&text, attr) {
                let foreign = value.starts_with("//")
                    || (value.contains("://")
                        && !value.starts_with("https://example.org/daibiao/"));
                assert!(
                    !foreign,
                    "{file}: {attr}=\"{value}\" points at another host"
                );
            }
        }
        assert!(
            !text.contains("url(http") && !text.contains("url(//"),
            "{file}"
        );
        assert!(!text.contains("@import"), "{file}");
    }
}

#[test]
fn every_link_to_the_site_reaches_a_file() {
    let built = basic();
    for page in built.files().into_iter().filter(|f| f.ends_with(".html")) {
        let html = built.read(&page);
        for value in attribute_values(&html, "href")
            .into_iter()
            .chain(attribute_values(&html, "src"))
        {
            let Some(path) = value.strip_prefix(BASE) else {
                continue;
            };
            let path = percent_decode(path.split(['#', '?']).next().unwrap());
            let file = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path
            };
            assert!(
                built.exists(&file),
                "{page} links to {value}, but {file} was not written"
            );
        }
    }
}

#[test]
fn robots_txt_names_the_sitemap_and_every_page_its_canonical_address() {
    let built = basic();
    assert_eq!(
        built.read("robots.txt"),
        "User-agent: *\nAllow: /\nSitemap: https://example.org/daibiao/sitemap.xml\n"
    );
    for page in built.files().iter().filter(|f| f.ends_with("index.html")) {
        let html = built.read(page);
        let folder = page.trim_end_matches("index.html");
        let canonical: Vec<String> = html
            .split("<link rel=\"canonical\" href=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect();
        assert_eq!(canonical.len(), 1, "{page}: {canonical:?}");
        assert_eq!(
            percent_decode(&canonical[0]),
            format!("https://example.org/daibiao/{folder}"),
            "{page}"
        );
    }
    assert!(!built.read("404.html").contains("rel=\"canonical\""));
}

#[test]
fn every_page_has_a_favicon_and_content_hashed_styles_and_scripts() {
    let built = basic();
    assert!(built.exists("favicon.svg") && built.exists("favicon.ico"));
    let home = built.read("index.html");
    let css = attribute_values(&home, "href")
        .into_iter()
        .find(|h| h.contains("style.css"))
        .unwrap();
    let hash = css.strip_prefix("/daibiao/style.css?h=").expect(&css);
    assert_eq!(hash.len(), 10, "{css}");
    for page in built.files().iter().filter(|f| f.ends_with(".html")) {
        let html = built.read(page);
        assert!(html.contains("<link rel=\"icon\" href=\""), "{page}");
        if !page.ends_with("print.html") {
            assert!(html.contains(&css), "{page} links another style sheet");
        }
    }
    let search = built.read("search/index.html");
    assert!(
        search.contains("<script src=\"/daibiao/search.js?h="),
        "{search}"
    );

    // Another style sheet, another address; the same bytes, the same one.
    let site = common::Site::copy("basic");
    site.write("static/style.css", "body { color: #000; }\n");
    let out = site.path("out");
    site.build(&out, &[]).expect_code(0);
    let restyled = common::read_output(&out, "index.html");
    assert!(restyled.contains("/daibiao/style.css?h="), "{restyled}");
    assert!(!restyled.contains(&css), "{restyled}");
    let again = site.path("again");
    site.build(&again, &[]).expect_code(0);
    assert_eq!(restyled, common::read_output(&again, "index.html"));
}

#[test]
fn without_a_full_base_url_robots_txt_names_no_sitemap_and_pages_no_canonical() {
    let site = common::Site::copy("basic");
    let toml = std::fs::read_to_string(site.file("site.toml")).unwrap();
    site.write(
        "site.toml",
        &toml.replace("https://example.org/daibiao/", "/daibiao/"),
    );
    let out = site.path("out");
    site.build(&out, &[]).expect_code(0);
    assert_eq!(
        common::read_output(&out, "robots.txt"),
        "User-agent: *\nAllow: /\n"
    );
    assert!(!common::read_output(&out, "index.html").contains("canonical"));
    // A site's own robots.txt wins.
    site.write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    site.build(&out, &[]).expect_code(0);
    assert_eq!(
        common::read_output(&out, "robots.txt"),
        "User-agent: *\nDisallow: /\n"
    );
}
