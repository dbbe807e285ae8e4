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
