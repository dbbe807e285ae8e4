//! `jianbao init` and `jianbao new`, run as an editor would: nothing they
//! write as a placeholder is ever published, a fresh site builds and shows
//! something sensible, a past year's issue gets a date of that year, and
//! a new issue follows `site.toml`'s distribution rather than freezing it.

mod common;

use std::path::Path;

use common::{jianbao_in, snapshot, temp_dir, Run};

/// Every phrase `init` and `new` leave for the editor to replace.
const PLACEHOLDERS: &[&str] = &[
    "请填写标题",
    "请填写供稿单位",
    "正文从这里开始",
    "第一部分的标题句",
];

fn run(dir: &Path, args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    jianbao_in(dir, &args)
}

/// No output file carries a placeholder phrase.
fn assert_no_placeholder_published(out: &Path) {
    for (path, bytes) in snapshot(out) {
        let text = String::from_utf8_lossy(&bytes);
        for phrase in PLACEHOLDERS {
            assert!(!text.contains(phrase), "{path} publishes “{phrase}”");
        }
    }
}

#[test]
fn a_fresh_site_builds_strictly_and_publishes_no_placeholder() {
    let dir = temp_dir();
    run(dir.path(), &["init", "site"])
        .expect_code(0)
        .expect_stdout("content/drafts/示例.md 是一篇示例报告（草稿，不会发布）");
    let site = dir.path().join("site");
    run(&site, &["check", "--strict"])
        .expect_code(0)
        .expect_stdout("检查通过：0 期，0 篇报告；0 处警告。");
    run(&site, &["build", "--strict"]).expect_code(0);
    let home = common::read_output(&site.join("public"), "index.html");
    assert!(home.contains("还没有任何一期"), "{home}");
    assert_no_placeholder_published(&site.join("public"));
    // The sample is a draft: previewed with --drafts, with a warning for
    // each line still to be written.
    let drafts = run(&site, &["build", "--drafts", "--out", "preview"]);
    drafts
        .expect_code(0)
        .expect_stderr(
            "content/drafts/示例.md:7: 警告：“请填写标题”是新建稿件时留下的占位文字，还没有改写",
        )
        .expect_hint_after("content/drafts/示例.md:7: 警告")
        .expect_stderr(
            "content/drafts/示例.md:12: 警告：“正文从这里开始”是新建稿件时留下的占位文字",
        );
    assert!(site.join("preview/drafts/示例/index.html").is_file());
}

#[test]
fn a_new_report_is_a_draft_and_its_placeholders_stop_publication_once_it_is_not() {
    let dir = temp_dir();
    run(dir.path(), &["init", "site"]).expect_code(0);
    let site = dir.path().join("site");
    run(
        &site,
        &["new", "issue", "--year", "2024", "--date", "2024-07-15"],
    )
    .expect_code(0)
    .expect_stdout("content/2024/01/_issue.md");
    run(&site, &["new", "report", "火星县", "--issue", "2024/1"])
        .expect_code(0)
        .expect_stdout("新报告是草稿（draft: true），不会发布：写完后删去 draft 这一行。");
    let report = site.join("content/2024/01/01-火星县.md");
    let text = std::fs::read_to_string(&report).unwrap();
    assert_eq!(
        text,
        "---\nissue: 1\ncounty: \"火星县\"\ntitle: \"请填写标题\"\nsupplier: \"请填写供稿单位\"\n# 草稿不会发布：写完后删去下面这一行\ndraft: true\n---\n\n正文从这里开始。\n"
    );
    // A draft: the issue builds without it.
    run(&site, &["build"])
        .expect_code(0)
        .expect_stderr("content/2024/01/_issue.md: 警告：2024 年第 1 期还没有报告");
    assert_no_placeholder_published(&site.join("public"));
    // The editor deletes the draft line but forgets the rest.
    std::fs::write(&report, text.replace("draft: true\n", "")).unwrap();
    let before = snapshot(&site.join("public"));
    for args in [&["check"][..], &["build"][..]] {
        let run = run(&site, args);
        run.expect_code(1);
        for (line, phrase) in [
            (4, "请填写标题"),
            (5, "请填写供稿单位"),
            (9, "正文从这里开始"),
        ] {
            let message = format!(
                "content/2024/01/01-火星县.md:{line}: 错误：“{phrase}”是新建稿件时留下的占位文字，还没有改写"
            );
            run.expect_stderr(&message).expect_hint_after(&message);
        }
        run.expect_stderr(
            "请换成实际的内容；还没写完的报告请在元数据块中加一行 draft: true（草稿不会发布）",
        );
    }
    assert_eq!(snapshot(&site.join("public")), before);
    // Written out in full, it is published.
    std::fs::write(
        &report,
        "---\nissue: 1\ncounty: 新蔡县\ntitle: 依托代表联络站点 扎实开展主题活动\nsupplier: 驻马店市人大常委会代表工委\n---\n\n新蔡县人大常委会依托代表联络站开展主题活动。\n",
    )
    .unwrap();
    run(&site, &["build"]).expect_code(0);
    assert_no_placeholder_published(&site.join("public"));
    assert!(site.join("public/2024/01/01-火星县/index.html").is_file());
}

#[test]
fn an_issue_of_a_past_year_needs_a_date_of_that_year() {
    let dir = temp_dir();
    run(dir.path(), &["init", "site"]).expect_code(0);
    let site = dir.path().join("site");
    let refused = run(&site, &["new", "issue", "--year", "2020"]);
    refused
        .expect_code(3)
        .expect_stderr("2020 年的一期不能用今天的日期")
        .expect_stderr("请用 --date 写明这一期的出版日期，如 --date 2020-07-15");
    run(
        &site,
        &["new", "issue", "--year", "2020", "--date", "2021-01-05"],
    )
    .expect_code(3)
    .expect_stderr("日期 2021-01-05 不在 2020 年");
    assert!(!site.join("content/2020").exists());
    run(
        &site,
        &["new", "issue", "--year", "2020", "--date", "2020-12-30"],
    )
    .expect_code(0);
    run(&site, &["check"]).expect_code(0);
}

#[test]
fn a_new_issue_follows_the_distribution_of_site_toml() {
    let dir = temp_dir();
    run(dir.path(), &["init", "site"]).expect_code(0);
    let site = dir.path().join("site");
    run(
        &site,
        &["new", "issue", "--year", "2024", "--date", "2024-03-01"],
    )
    .expect_code(0);
    let issue = std::fs::read_to_string(site.join("content/2024/01/_issue.md")).unwrap();
    // Shown as comments, so the editor sees what the issue gets.
    assert!(
        issue.contains("#     - \"省人大常委会主任、副主任、秘书长\""),
        "{issue}"
    );
    let report = "---\nissue: 1\ncounty: 新蔡县\ntitle: 依托代表联络站点\nsupplier: 驻马店市人大常委会代表工委\n---\n\n正文。\n";
    std::fs::write(site.join("content/2024/01/01-a.md"), report).unwrap();
    let config = std::fs::read_to_string(site.join("site.toml")).unwrap();
    let config = config.replace(
        "\"送\" = [\"省人大常委会主任、副主任、秘书长\"]",
        "\"送\" = [\"新的送达单位\"]",
    );
    std::fs::write(site.join("site.toml"), config).unwrap();
    run(&site, &["build"]).expect_code(0);
    let page = common::read_output(&site.join("public"), "2024/01/index.html");
    assert!(page.contains("新的送达单位"), "{page}");
    assert!(!page.contains("省人大常委会主任、副主任、秘书长"), "{page}");
}
