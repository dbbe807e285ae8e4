//! `jianbao serve` as an editor uses it: edits are rebuilt and served, a
//! broken file keeps the last good pages under an error overlay until it is
//! fixed, open tabs reload by themselves, and requests that try to leave
//! the output folder are refused.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::copy_fixture;
use common::server::{http_get, serve};

fn wait_for(port: u16, target: &str, what: &str, condition: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let (_, body) = http_get(port, target);
        if condition(&body) {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

const REPORT: &str = "content/2023/44/01-beiguan.md";
const PAGE: &str = "/2023/44/01-beiguan/";

#[test]
fn edits_are_served_and_a_broken_file_shows_an_overlay_over_the_last_good_site() {
    let site = copy_fixture("search");
    let (_server, port) = serve(site.path(), None);
    let page = wait_for(port, PAGE, "the first build", |b| {
        b.contains("建好代表联络站")
    });
    assert!(
        page.contains("/__jianbao/live"),
        "pages carry the live-reload script"
    );
    assert!(!page.contains("jianbao-error"));

    // Asked once before the edit: the server keeps this term's matches.
    let old_term = "/api/search?q=%E5%BB%BA%E5%A5%BD%E4%BB%A3%E8%A1%A8%E8%81%94%E7%BB%9C%E7%AB%99";
    assert!(http_get(port, old_term).1.contains("01-beiguan"));

    let path = site.path().join(REPORT);
    let source = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, source.replace("建好代表联络站", "用好代表联络站")).unwrap();
    wait_for(port, PAGE, "the edit", |b| b.contains("用好代表联络站"));
    wait_for(
        port,
        "/api/search?q=%E7%94%A8%E5%A5%BD",
        "the search index to follow the edit",
        |b| b.contains("01-beiguan"),
    );
    // Asked again in another form (not a cached answer): the old words are
    // gone from the report, whatever the server remembered of them.
    let (_, again) = http_get(port, &format!("{old_term}&limit=7"));
    assert!(
        again.starts_with("{\"total\":0,\"hits\":[]"),
        "the edited report still matches its old words: {again}"
    );

    // Front matter left open: the old page stays, the overlay says why.
    std::fs::write(&path, "---\nissue: 44\ncounty: 安阳北关区\n\n正文").unwrap();
    let broken = wait_for(port, PAGE, "the overlay", |b| b.contains("jianbao-error"));
    assert!(
        broken.contains("用好代表联络站"),
        "the last good page is still served"
    );
    assert!(
        broken.contains("content/2023/44/01-beiguan.md:1:"),
        "the overlay names file and line"
    );
    assert!(
        broken.contains("元数据块没有结束"),
        "the overlay says what is wrong in Chinese"
    );
    let (_, other) = http_get(port, "/");
    assert!(
        other.contains("jianbao-error"),
        "every page shows the overlay"
    );

    std::fs::write(&path, source.replace("建好代表联络站", "管好代表联络站")).unwrap();
    expect_mended(port, PAGE, "管好代表联络站");
}

/// The first answer for `page` that shows `text`, polling without pause,
/// so that what the server shows at the moment the new page arrives is
/// caught, not what it shows a little later.
fn first_showing(port: u16, page: &str, text: &str) -> String {
    let started = Instant::now();
    loop {
        let (_, body) = http_get(port, page);
        if body.contains(text) {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {text:?} on {page}"
        );
    }
}

/// The overlay must go no later than the pages it was about: no answer
/// shows the mended page still under it.
fn expect_mended(port: u16, page: &str, mended: &str) {
    assert!(
        !first_showing(port, page, mended).contains("jianbao-error"),
        "a mended page was served under the overlay"
    );
}

#[test]
fn a_broken_template_shows_the_overlay_until_a_full_build_mends_it() {
    let site = copy_fixture("search");
    let (_server, port) = serve(site.path(), None);
    wait_for(port, PAGE, "the first build", |b| {
        b.contains("建好代表联络站")
    });
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let override_path = templates.join("report.html");
    std::fs::write(
        &override_path,
        "{% extends \"base.html\" %}{% block content %}{{ report.title ",
    )
    .unwrap();
    let broken = wait_for(port, PAGE, "the overlay", |b| b.contains("jianbao-error"));
    assert!(
        broken.contains("templates/report.html"),
        "the overlay names the template"
    );
    assert!(
        broken.contains("建好代表联络站"),
        "the last good page stays"
    );

    // The next change after a failed template is a full build.
    let template = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/report.html"),
    )
    .unwrap();
    std::fs::write(
        &override_path,
        template.replacen("</h1>", "</h1><p>模板已修好</p>", 1),
    )
    .unwrap();
    expect_mended(port, PAGE, "模板已修好");
}

/// Two reports saved at once while the overlay shows one of them broken,
/// and that one still is: the other's new page comes under the overlay,
/// which never lifts in between.
#[test]
fn reports_saved_together_keep_the_overlay_while_one_is_still_broken() {
    let site = copy_fixture("search");
    let (_server, port) = serve(site.path(), None);
    wait_for(port, PAGE, "the first build", |b| {
        b.contains("建好代表联络站")
    });
    let broken = site.path().join("content/2024/01/02-guancheng.md");
    std::fs::write(&broken, "---\nissue: 1\ncounty: 郑州管城回族区\n\n正文").unwrap();
    wait_for(port, PAGE, "the overlay", |b| b.contains("jianbao-error"));

    // The good edit sorts first: it is written before the broken one is
    // read again.
    let good = site.path().join(REPORT);
    let source = std::fs::read_to_string(&good).unwrap();
    std::fs::write(&good, source.replace("建好代表联络站", "同时保存的修改")).unwrap();
    std::fs::write(
        &broken,
        "---\nissue: 1\ncounty: 郑州管城回族区\n\n还是没有结束",
    )
    .unwrap();
    assert!(
        first_showing(port, PAGE, "同时保存的修改").contains("jianbao-error"),
        "the overlay lifted while a report is still broken"
    );
    for _ in 0..20 {
        assert!(http_get(port, "/").1.contains("jianbao-error"));
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn an_open_tab_reloads_after_a_rebuild() {
    let site = copy_fixture("search");
    let (_server, port) = serve(site.path(), None);
    wait_for(port, PAGE, "the first build", |b| {
        b.contains("建好代表联络站")
    });
    let chromium = common::chromium();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/reload_tab.mjs");
    let mut tab = Command::new("node")
        .args(["--experimental-websocket", "--no-warnings"])
        .arg(&script)
        .arg(chromium)
        .arg(format!("http://127.0.0.1:{port}{PAGE}"))
        .arg("重新加载测试")
        .stdout(Stdio::piped())
        .spawn()
        .expect("node is installed");
    let mut lines = BufReader::new(tab.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "ready");
    let path = site.path().join(REPORT);
    let source = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, source.replace("建好代表联络站", "重新加载测试")).unwrap();
    let outcome = lines.next().unwrap().unwrap();
    tab.wait().ok();
    assert!(outcome.starts_with("reloaded"), "{outcome}");
    assert!(
        outcome.contains("重新加载测试"),
        "the reloaded tab shows the edit: {outcome}"
    );
}

#[test]
fn requests_that_leave_the_output_are_refused() {
    let site = copy_fixture("search");
    let (_server, port) = serve(site.path(), None);
    wait_for(port, "/", "the first build", |b| b.contains("代表工作"));
    for target in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/2023/..%2F..%2Fsite.toml",
        "/%2F..%2Fsite.toml",
    ] {
        let (status, body) = http_get(port, target);
        assert!((400..500).contains(&status), "{target}: {status}");
        assert!(!body.contains("base_url"), "{target} leaked site.toml");
    }
    let (status, _) = http_get(port, "/no/such/page/");
    assert_eq!(status, 404);
}
