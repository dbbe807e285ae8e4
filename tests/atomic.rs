//! The build is atomic: a failed build leaves the previous output exactly
//! as it was and no staging folder behind; a successful one replaces it
//! whole. The output may never be put where replacing it would destroy the
//! site's sources.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{names_in, snapshot, Site, Snapshot};

/// Builds the basic site into `<tmp>/public` and returns the site with a
/// snapshot of that output.
fn built_once() -> (Site, PathBuf, Snapshot) {
    let site = Site::copy("basic");
    let out = site.path("public");
    site.build(&out, &[]).expect_code(0);
    let before = snapshot(&out);
    assert!(before.contains_key("2024/01/index.html"));
    (site, out, before)
}

/// Nothing but the site and its output beside each other: no
/// `.public.building-*` (or other) folder left behind.
fn assert_no_litter(site: &Site) {
    assert_eq!(names_in(site.dir.path()), ["public", "site"]);
}

#[test]
fn content_error_leaves_the_previous_output_untouched() {
    let (site, out, before) = built_once();
    site.write(
        "content/2024/01/04-new.md",
        "---\nissue: 1\ncountyy: 新蔡县\ntitle: 新报告\nsupplier: 驻马店市人大常委会代表工委\n---\n\n正文。\n",
    );
    site.build(&out, &[])
        .expect_code(1)
        .expect_stderr("content/2024/01/04-new.md:3: 错误：未知字段“countyy”")
        .expect_stderr("原有的输出保持不变");
    assert_eq!(
        snapshot(&out),
        before,
        "the failed build changed the output"
    );
    assert_no_litter(&site);
}

#[test]
fn template_syntax_error_leaves_the_previous_output_untouched() {
    let (site, out, before) = built_once();
    site.write(
        "templates/report.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% if %}\n",
    );
    site.build(&out, &[])
        .expect_code(1)
        .expect_stderr("templates/report.html:")
        .expect_stderr("模板语法有误");
    assert_eq!(snapshot(&out), before);
    assert_no_litter(&site);
}

#[test]
fn template_rendering_error_leaves_the_previous_output_untouched() {
    let (site, out, before) = built_once();
    site.write(
        "templates/report.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ report.no_such_field.title }}</h1>\n{% endblock content %}\n",
    );
    site.build(&out, &[])
        .expect_code(1)
        .expect_stderr("templates/report.html:")
        .expect_stderr("模板渲染失败")
        .expect_hint_after("模板渲染失败");
    assert_eq!(snapshot(&out), before);
    assert_no_litter(&site);
}

#[test]
fn failure_while_writing_leaves_the_previous_output_untouched() {
    let (site, out, before) = built_once();
    // An image where a report's folder must go (the report `05-pic.png.md`
    // is published at `05-pic.png/`): the write stage fails.
    site.write(
        "content/2024/01/05-pic.png.md",
        "---\nissue: 1\ncounty: 新蔡县\ntitle: 图片说明\nsupplier: 驻马店市人大常委会代表工委\n---\n\n正文。\n",
    );
    std::fs::copy(
        site.file("content/2024/01/photo.png"),
        site.file("content/2024/01/05-pic.png"),
    )
    .unwrap();
    let run = site.build(&out, &[]);
    assert!(run.code != 0 && run.code != 2, "{run:?}");
    assert!(run.stderr.contains("错误"), "{}", run.stderr);
    assert_eq!(snapshot(&out), before);
    assert_no_litter(&site);
}

#[test]
fn successful_rebuild_replaces_the_whole_output() {
    let (site, out, before) = built_once();
    std::fs::remove_file(site.file("content/2024/01/03-html.md")).unwrap();
    site.build(&out, &[])
        .expect_code(0)
        .expect_stdout("构建完成：3 期，6 篇报告");
    let after = snapshot(&out);
    assert!(before.contains_key("2024/01/03-html/index.html"));
    assert!(
        !after.contains_key("2024/01/03-html/index.html"),
        "a removed report's page stayed"
    );
    assert_ne!(after["2024/01/index.html"], before["2024/01/index.html"]);
    // The previous output is removed in the background; it must go soon.
    let deadline = Instant::now() + Duration::from_secs(20);
    while names_in(site.dir.path()) != ["public", "site"] && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_no_litter(&site);
}

fn assert_refused(site: &Site, out: &Path, words: &str) {
    let before = snapshot(&site.root);
    site.build(out, &[])
        .expect_code(3)
        .expect_stderr("错误：")
        .expect_stderr(words);
    assert_eq!(
        snapshot(&site.root),
        before,
        "the site's files were touched"
    );
}

#[test]
fn output_may_not_replace_the_site_itself() {
    let site = Site::copy("basic");
    assert_refused(&site, &site.root, "包含了网站文件夹本身");
    assert_refused(&site, site.dir.path(), "包含了网站文件夹本身");
    assert_eq!(names_in(site.dir.path()), ["site"]);
}

#[test]
fn output_may_not_go_into_the_site_sources() {
    let site = Site::copy("basic");
    assert_refused(&site, &site.file("content"), "输出文件夹不能放在");
    assert_refused(&site, &site.file("content/public"), "输出文件夹不能放在");
    assert_refused(&site, &site.file("site.toml"), "输出文件夹不能放在");
}

/// Word's "save as web page" leaves an `index.html` beside the reports:
/// it is left out with a warning and never takes the issue page's place.
#[test]
fn a_page_saved_as_html_beside_the_reports_never_replaces_the_generated_one() {
    let site = Site::copy("basic");
    site.write(
        "content/2024/01/index.html",
        "<html><body>另存为网页的 Word 文档<script>alert(1)</script></body></html>",
    );
    let out = site.path("public");
    site.build(&out, &[])
        .expect_code(0)
        .expect_stderr("content/2024/01/index.html: 警告：.html 文件可以含有浏览器会运行的脚本");
    let page = common::read_output(&out, "2024/01/index.html");
    assert!(!page.contains("另存为网页"), "{page}");
    assert!(page.contains("第 1 期"), "{page}");
}
