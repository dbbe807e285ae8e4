//! Sites under `tests/fixtures/warnings/`: problems an editor should hear
//! about that do not stop publication. `build` prints the warning and
//! succeeds; `check` prints it and passes.

mod common;

use common::{main_of, read_output, Run, Site};

/// Builds and checks `tests/fixtures/warnings/<case>`: both succeed and
/// print `warning`, which is followed by what to do about it.
fn warned(case: &str, warning: &str) -> (Site, std::path::PathBuf, Run) {
    let site = Site::copy(&format!("warnings/{case}"));
    let out = site.path("out");
    let build = site.build(&out, &[]);
    build
        .expect_code(0)
        .expect_stdout("构建完成：")
        .expect_stderr(warning)
        .expect_hint_after(warning);
    assert!(!build.stderr.contains("错误"), "{}", build.stderr);
    assert!(out.join("index.html").is_file());

    let check = site.check(&[]);
    check
        .expect_code(0)
        .expect_stdout("检查通过：")
        .expect_stdout("处警告。")
        .expect_stderr(warning)
        .expect_hint_after(warning);
    (site, out, build)
}

#[test]
fn dates_going_backwards_are_a_warning() {
    let (_site, out, _) = warned(
        "dates-backwards",
        "content/2024/02/_issue.md: 警告：第 2 期的日期 2024-02-01 早于第 1 期的日期 2024-03-01",
    );
    assert!(read_output(&out, "2024/02/index.html").contains("2024年2月1日"));
    assert!(read_output(&out, "2024/01/index.html").contains("2024年3月1日"));
}

#[test]
fn a_gap_in_the_numbering_is_a_warning() {
    let (_site, out, build) = warned(
        "numbering-gap",
        "content/2024: 警告：2024 年的期号不连续，缺少 第 2–3 期（共 2 期）",
    );
    build.expect_stdout("构建完成：2 期，2 篇报告");
    let page = read_output(&out, "2024/04/index.html");
    assert!(page.contains("第 4 期"));
    // The neighbours are the issues that exist.
    assert!(
        page.contains("<a rel=\"prev\" href=\"/2024/01/\">"),
        "{page}"
    );
}

#[test]
fn an_unknown_county_is_a_warning_and_still_published() {
    let (_site, out, build) = warned(
        "unknown-county",
        "content/2024/01/02-mars.md:3: 警告：县区“火星县”不在河南省行政区划名录中",
    );
    build.expect_stdout("构建完成：1 期，2 篇报告");
    let report = read_output(&out, "2024/01/02-mars/index.html");
    assert!(report
        .contains("<h1 class=\"report-title\">火星县：依托代表联络站点 扎实开展主题活动</h1>"));
    let issue = read_output(&out, "2024/01/index.html");
    assert!(issue.contains(">火星县：依托代表联络站点 扎实开展主题活动</a>"));
    // Listed as written, apart from the known prefectures.
    let counties = read_output(&out, "counties/index.html");
    let counties = main_of(&counties);
    assert!(counties.contains(">未识别</a>"), "{counties}");
    assert!(
        counties.contains(">火星县</a> <span class=\"count\">1</span>"),
        "{counties}"
    );
    assert!(
        counties.contains(">新蔡县</a> <span class=\"count\">1</span>"),
        "{counties}"
    );
    assert!(read_output(&out, "counties/未识别/火星县/index.html").contains("火星县"));
}

/// Only images and PDFs of an issue folder are published; every other
/// file is named with a warning and left out, a script-carrying SVG or
/// HTML file and a page renamed `.png` included.
#[test]
fn only_images_and_pdfs_beside_the_reports_are_published() {
    let left_out = [
        (
            "chart.svg",
            ".svg 文件可以含有浏览器会运行的脚本，放在本站上可能被用来冒充本站，不会发布到网站上",
            "图表请另存为 PNG 或 JPEG 图片再引用",
        ),
        (
            "fake.png",
            "文件名是 .png，内容却不是 PNG 图片，不会发布到网站上",
            "请检查文件是否损坏",
        ),
        (
            "page.html",
            ".html 文件可以含有浏览器会运行的脚本，放在本站上可能被用来冒充本站，不会发布到网站上",
            "网页内容请写进报告的 Markdown 正文",
        ),
        (
            "原稿.docx",
            "办公文档（Word、WPS、Excel 等），不会发布到网站上",
            "Word 文档可以用 jianbao import 导入",
        ),
        (
            "备注.txt",
            "纯文本文件，不会发布到网站上",
            "请把扩展名改为 .md",
        ),
        ("材料.zip", "压缩包，不会发布到网站上", "请解压"),
    ];
    let (site, out, build) = warned("attachments", left_out[0].1);
    let check = site.check(&[]);
    check.expect_stdout(&format!("{} 处警告。", left_out.len()));
    for run in [&build, &check] {
        for (file, message, hint) in left_out {
            let line = format!("content/2024/01/{file}: 警告：{message}");
            run.expect_stderr(&line).expect_hint_after(&line);
            run.expect_stderr(hint);
        }
    }
    let published: Vec<String> = common::snapshot(&out.join("2024/01"))
        .into_keys()
        .filter(|path| !path.ends_with(".html"))
        .collect();
    assert_eq!(published, ["photo.png", "scan.pdf"]);
    assert!(!out.join("2024/01/page.html").exists());
    let page = read_output(&out, "2024/01/01-a/index.html");
    assert!(page.contains("src=\"photo.png\""), "{page}");
    // --strict: the same warnings fail the build and the check.
    site.build(&site.path("strict"), &["--strict"])
        .expect_code(1)
        .expect_stderr(
            "发现 6 处警告；按 --strict 的要求，有警告就不生成网站（原有的输出保持不变）",
        );
    assert!(!site.path("strict").exists());
    site.check(&["--strict"])
        .expect_code(1)
        .expect_stderr("检查未通过：0 处错误，6 处警告（按 --strict 的要求，有警告就不通过）。");
}

/// A character the print fonts lack (嵖, 𬌗) is named with the line it is
/// on, once per file; the place names the theme's fallback font adds
/// (浉河区, 瀍河回族区) are not.
#[test]
fn characters_the_print_fonts_lack_are_a_warning() {
    let (_site, out, build) = warned(
        "print-font-gaps",
        "content/2024/05/02-yanling.md:10: 警告：印刷版的字体中没有“嵖”“𬌗”",
    );
    assert_eq!(
        build.stderr.matches("印刷版的字体中没有").count(),
        1,
        "{}",
        build.stderr
    );
    assert!(!build.stderr.contains("“浉”"), "{}", build.stderr);
    // The characters are still printed, and the web pages are unchanged.
    let print = read_output(&out, "2024/05/print.html");
    assert!(print.contains("嵖岈山") && print.contains("浉河区"));
}
