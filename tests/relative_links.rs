//! `相对链接 = true`: the output works opened from a folder or a USB stick.
//! Every internal address in every page is relative and names a file on
//! disk (folder links end in index.html), and Chromium opening
//! file:///…/index.html shows the styled page; the search page says it
//! needs a web server.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::json;

/// The basic fixture (base_url `https://example.org/daibiao/`) with
/// relative links, built once.
fn relative_site() -> &'static Built {
    static CELL: std::sync::OnceLock<Built> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        let site = Site::copy("basic");
        let toml = std::fs::read_to_string(site.file("site.toml")).unwrap();
        site.write(
            "site.toml",
            &toml.replacen("[distribution]", "\"相对链接\" = true\n\n[distribution]", 1),
        );
        let out = site.path("out");
        let run = site.build(&out, &[]);
        run.expect_code(0);
        Built { site, out, run }
    })
}

const ADDRESS_ATTRIBUTES: &[&str] = &["href", "src", "action", "data-index"];

/// Where `address`, written in the page at `page`, points on disk; `None`
/// for other sites, fragments and `mailto:`.
fn target_of(out: &Path, page: &str, address: &str) -> Option<PathBuf> {
    if address.contains("://") || address.starts_with('#') || address.starts_with("mailto:") {
        return None;
    }
    let path = address.split(['?', '#']).next().unwrap();
    let mut parts: Vec<String> = page.split('/').map(String::from).collect();
    parts.pop();
    for part in percent_decode(path).split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop().expect("address stays inside the site");
            }
            part => parts.push(part.to_string()),
        }
    }
    Some(out.join(parts.join("/")))
}

#[test]
fn every_internal_address_is_relative_and_names_a_file() {
    let built = relative_site();
    let pages: Vec<String> = built
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() > 40, "{pages:?}");
    let mut checked = 0;
    for page in &pages {
        let html = built.read(page);
        for attr in ADDRESS_ATTRIBUTES {
            for address in attribute_values(&html, attr) {
                assert!(
                    !address.starts_with('/'),
                    "{page}: {attr}=\"{address}\" is not relative"
                );
                let Some(target) = target_of(&built.out, page, &address) else {
                    continue;
                };
                checked += 1;
                if *attr == "data-index" {
                    // The search index's folder, which the script reads from.
                    assert!(target.join("meta.json").is_file(), "{page}: {address}");
                } else {
                    assert!(
                        target.is_file(),
                        "{page}: {attr}=\"{address}\" names no file ({})",
                        target.display()
                    );
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} addresses checked");
    // Feeds and the sitemap still carry full addresses.
    assert!(built.read("atom.xml").contains(
        "<link rel=\"alternate\" type=\"text/html\" href=\"https://example.org/daibiao/2024/"
    ));
    assert!(built
        .read("robots.txt")
        .contains("Sitemap: https://example.org/daibiao/sitemap.xml"));
}

#[test]
fn chromium_shows_the_styled_site_from_a_folder_and_the_search_page_asks_for_a_server() {
    let Some(support) = browser_test_packages() else {
        return;
    };
    let built = relative_site();
    let url = |page: &str| {
        let encoded: Vec<String> = page.split('/').map(percent_encode).collect();
        format!("file://{}/{}", built.out.display(), encoded.join("/"))
    };
    let pages = [
        json!({ "url": url("index.html") }),
        json!({ "url": url("2024/01/01-beiguan-zhuanye/index.html") }),
        json!({ "url": url("counties/安阳市/北关区/index.html") }),
        json!({ "url": url("search/index.html") }),
    ];
    let lines = audit(&support, &pages, &[1280]);
    for line in &lines[..3] {
        assert_eq!(line["stylesApplied"], true, "{line}");
        assert_eq!(line["violations"], json!([]), "{line}");
        assert_eq!(line["consoleErrors"], json!([]), "{line}");
    }
    let search = &lines[3];
    assert_eq!(search["stylesApplied"], true, "{search}");
    assert!(
        search["status"]
            .as_str()
            .unwrap()
            .contains("需要通过网页服务器打开本网站"),
        "{search}"
    );
}

#[test]
fn relative_links_need_no_base_url_and_serve_keeps_links_from_the_root() {
    let site = Site::copy("basic");
    let toml = std::fs::read_to_string(site.file("site.toml")).unwrap();
    let toml = toml
        .replace("base_url = \"https://example.org/daibiao/\"\n", "")
        .replacen(
            "[distribution]",
            "relative_links = true\n\n[distribution]",
            1,
        );
    site.write("site.toml", &toml);
    let out = site.path("out");
    site.build(&out, &[]).expect_code(0);
    let home = read_output(&out, "index.html");
    assert!(home.contains("href=\"issues/index.html\""), "{home}");
    assert!(!home.contains("rel=\"canonical\""), "{home}");
    let report = read_output(&out, "2024/01/01-beiguan-zhuanye/index.html");
    assert!(report.contains("href=\"../../../style.css?h="), "{report}");
    // `serve` is a web server: its pages link from the root.
    let (_server, port) = server::serve(&site.root, Some(&site.path("served")));
    let (status, page) = server::http_get(port, "/");
    assert_eq!(status, 200);
    assert!(page.contains("href=\"/issues/\""), "{page}");
}
