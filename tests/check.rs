//! Every broken fixture under `tests/fixtures/broken/`: `build` refuses it
//! with exit code 1 and writes nothing; `check` reports the same problems
//! without writing anything. Each message names the file (and line), says
//! what is wrong in Chinese and what to do about it (处理办法).

mod common;

use common::{names_in, snapshot, Run, Site};

/// Runs `build` and `check` on `tests/fixtures/broken/<case>` and checks
/// what both must do for any broken site: exit 1, name `errors` errors,
/// print every fragment of `expected`, and write nothing at all.
/// Returns the `build` and `check` runs for further assertions.
fn rejected(case: &str, errors: usize, expected: &[&str]) -> (Run, Run) {
    let site = Site::copy(&format!("broken/{case}"));
    let before = snapshot(&site.root);
    let out = site.path("out");

    let build = site.build(&out, &[]);
    build.expect_code(1).expect_stderr(&format!(
        "发现 {errors} 处错误，没有生成网站（原有的输出保持不变）"
    ));
    assert!(!out.exists(), "a failed build wrote {}", out.display());
    assert_eq!(
        names_in(site.dir.path()),
        ["site"],
        "a failed build left files behind"
    );

    let check = site.check(&[]);
    check
        .expect_code(1)
        .expect_stderr(&format!("检查未通过：{errors} 处错误，"));
    assert!(check.stdout.is_empty(), "{}", check.stdout);
    assert_eq!(
        names_in(site.dir.path()),
        ["site"],
        "check wrote beside the site"
    );
    assert_eq!(snapshot(&site.root), before, "check changed the site");

    for run in [&build, &check] {
        for fragment in expected {
            run.expect_stderr(fragment);
        }
    }
    (build, check)
}

/// A misspelt required key is one mistake: the unknown key, with the
/// right name; not also a missing field, and its issue is not said to
/// have no report when its only report merely failed to read.
#[test]
fn unknown_field_is_named_with_a_suggestion_and_counted_once() {
    let (build, check) = rejected(
        "unknown-field",
        1,
        &[
            "content/2024/01/01-a.md:3: 错误：未知字段“countyy”",
            "是不是想写“county”（县区）？",
        ],
    );
    for run in [&build, &check] {
        run.expect_hint_after("未知字段“countyy”");
        assert!(!run.stderr.contains("缺少必填字段"), "{}", run.stderr);
        assert!(!run.stderr.contains("还没有报告"), "{}", run.stderr);
    }
}

#[test]
fn missing_required_field() {
    let (build, _) = rejected(
        "missing-field",
        1,
        &[
            "content/2024/01/01-a.md:1: 错误：缺少必填字段“title”（标题）",
            "“标题: …”",
        ],
    );
    build.expect_hint_after("缺少必填字段“title”");
}

#[test]
fn issue_number_disagreeing_with_the_folder() {
    let (build, _) = rejected(
        "issue-mismatch",
        1,
        &["content/2024/01/01-a.md:2: 错误：报告写的期号是第 2 期，但它放在第 1 期的文件夹 content/2024/01/ 中"],
    );
    build
        .expect_hint_after("报告写的期号是第 2 期")
        .expect_stderr("请把文件移到 content/2024/02/；否则把期号改为 1");
}

#[test]
fn two_folders_for_one_issue_number() {
    let (build, _) = rejected(
        "duplicate-number",
        1,
        &["content/2024/7: 错误：2024 年有两个第 7 期的文件夹：content/2024/07/ 和 content/2024/7/"],
    );
    build.expect_hint_after("有两个第 7 期的文件夹");
}

#[test]
fn report_directly_in_content() {
    let (build, _) = rejected(
        "report-outside-issue",
        1,
        &[
            "content/xincai.md: 错误：报告不在任何一期的文件夹中",
            "content/drafts/",
        ],
    );
    build.expect_hint_after("报告不在任何一期的文件夹中");
}

#[test]
fn folder_name_that_is_not_a_number() {
    let (build, _) = rejected(
        "folder-not-number",
        1,
        &["content/2024/第二期/01-b.md: 错误：文件夹名“第二期”不是期号"],
    );
    build.expect_hint_after("不是期号");
}

#[test]
fn malformed_yaml() {
    let (build, _) = rejected(
        "malformed-yaml",
        1,
        &["content/2024/01/01-a.md:4: 错误：元数据（YAML）写法有误：这一行的引号 \" 在值的中间就结束了，后面还有文字"],
    );
    build
        .expect_hint_after("元数据（YAML）写法有误")
        .expect_stderr("整个值都要放在一对引号之中");
}

/// A quote left open is named where it opens, as a quote: not at the
/// block's closing `---`, where the parser noticed.
#[test]
fn unclosed_quote_is_named_where_it_opens() {
    let (build, _) = rejected(
        "unclosed-quote",
        1,
        &["content/2024/01/01-a.md:4: 错误：元数据（YAML）写法有误：这一行的值以英文引号 \" 开始，却没有配对的结束引号"],
    );
    build
        .expect_hint_after("没有配对的结束引号")
        .expect_stderr("请在值的末尾补上 \"");
}

#[test]
fn yaml_with_a_chinese_colon() {
    let (build, _) = rejected(
        "chinese-colon",
        1,
        &[
            "content/2024/01/01-a.md:",
            "错误：元数据（YAML）写法有误",
            "第 4 行用了中文冒号“：”",
        ],
    );
    build.expect_hint_after("元数据（YAML）写法有误");
}

#[test]

fn chinese_colon_error_points_at_the_line_with_the_colon() {
    rejected(
        "chinese-colon",
        1,
        &["content/2024/01/01-a.md:4: 错误：元数据（YAML）写法有误"],
    );
}

/// No message carries the parsers' English ("at line 3 column 8",
/// "expected", "while scanning"): editors read Chinese.
#[test]
fn no_message_carries_parser_english() {
    let cases = [
        "malformed-yaml",
        "unclosed-quote",
        "chinese-colon",
        "site-toml-unknown-key",
        "base-url-without-scheme",
        "word-renamed-md",
        "bad-month",
    ];
    for case in cases {
        let (build, check) = rejected(case, 1, &[]);
        for run in [&build, &check] {
            let english: Vec<&str> = run
                .stderr
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() > 2)
                .filter(|w| {
                    ![
                        "content", "site", "toml", "TOML", "README", "YAML", "title", "titel",
                        "base", "url", "http", "https", "www", "example", "org", "daibiao", "Word",
                        "word", "docx", "doc", "wps", "jianbao", "import", "Markdown", "pdf",
                        "issue", "YYYY",
                    ]
                    .contains(w)
                })
                .collect();
            assert!(english.is_empty(), "{case}: {english:?}\n{}", run.stderr);
        }
    }
}

#[test]
fn front_matter_not_closed() {
    let (build, _) = rejected(
        "unclosed-front-matter",
        1,
        &[
            "content/2024/01/01-a.md:1: 错误：元数据块没有结束",
            "写上 ---",
        ],
    );
    build.expect_hint_after("元数据块没有结束");
}

#[test]
fn empty_file() {
    let (build, _) = rejected(
        "empty-file",
        1,
        &["content/2024/01/02-empty.md:1: 错误：文件是空的"],
    );
    build.expect_hint_after("错误：文件是空的");
}

#[test]
fn binary_file_named_md() {
    let (build, _) = rejected(
        "binary-md",
        1,
        &["content/2024/01/02-photo.md: 错误：这不是文本文件（含有二进制数据），无法读取"],
    );
    build.expect_hint_after("这不是文本文件");
}

#[test]
fn field_of_the_wrong_type() {
    rejected(
        "wrong-type",
        1,
        &["content/2024/01/_issue.md:3: 错误：字段“copies”（印数）的值 “很多” 不是正整数"],
    );
}

#[test]

fn field_of_the_wrong_type_says_what_to_fix() {
    let (build, check) = rejected("wrong-type", 1, &["不是正整数"]);
    build.expect_hint_after("不是正整数");
    check.expect_hint_after("不是正整数");
}

#[test]
fn date_that_is_not_a_date() {
    let (build, _) = rejected(
        "bad-date",
        1,
        &[
            "content/2024/01/_issue.md:2: 错误：日期“2024-13-45”无法识别：月份 13 不对，月份应在 1 到 12 之间",
            "YYYY-MM-DD",
        ],
    );
    build.expect_hint_after("无法识别");
}

#[test]
fn issue_folder_without_issue_file() {
    let (build, _) = rejected(
        "missing-issue-file",
        1,
        &[
            "content/2024/01/_issue.md: 错误：2024 年第 1 期的文件夹中没有 _issue.md",
            "date: 2024-01-01",
        ],
    );
    build.expect_hint_after("没有 _issue.md");
}

#[test]
fn template_with_a_syntax_error() {
    let (build, check) = rejected("template-syntax", 1, &["错误：模板语法有误"]);
    for run in [&build, &check] {
        let line = run
            .stderr
            .lines()
            .find(|l| l.contains("模板语法有误"))
            .unwrap();
        let location = line.split(": 错误").next().unwrap();
        let number = location.strip_prefix("templates/issue.html:");
        assert!(
            number.is_some_and(|n| n.parse::<usize>().is_ok_and(|n| (4..=6).contains(&n))),
            "expected templates/issue.html:<line 4–6>, got {line}"
        );
        run.expect_hint_after("模板语法有误");
    }
}

/// Tera's English stays out of the message: the usual mistakes are said
/// in Chinese, with the line.
#[test]
fn template_messages_are_in_chinese() {
    let (build, check) = rejected(
        "template-unknown-filter",
        1,
        &["templates/issue.html:5: 错误：模板语法有误：没有名为 upcase 的过滤器"],
    );
    let (syntax, _) = rejected("template-syntax", 1, &["还没有结束"]);
    for run in [&build, &check, &syntax] {
        for english in ["Found", "expected", "Unknown", "error:", "-->"] {
            assert!(!run.stderr.contains(english), "{english}: {}", run.stderr);
        }
    }
}

#[test]
fn theme_that_does_not_exist() {
    let (build, _) = rejected(
        "unknown-theme",
        1,
        &["site.toml: 错误：找不到主题“qingshu”（应在 themes/qingshu/ 中）"],
    );
    build.expect_hint_after("找不到主题");
}

#[test]
fn site_toml_missing() {
    let (build, _) = rejected(
        "missing-site-toml",
        1,
        &["site.toml: 错误：找不到网站设置文件"],
    );
    build.expect_hint_after("找不到网站设置文件");
}

#[test]
fn site_toml_with_an_unknown_key() {
    let (build, _) = rejected(
        "site-toml-unknown-key",
        1,
        &["site.toml:2: 错误：site.toml 写法有误", "titel"],
    );
    build.expect_hint_after("site.toml 写法有误");
}

#[test]

fn site_toml_unknown_key_is_explained_in_chinese() {
    let (build, _) = rejected("site-toml-unknown-key", 1, &["site.toml:2: 错误："]);
    let line = build
        .stderr
        .lines()
        .find(|l| l.starts_with("site.toml:2:"))
        .unwrap();
    assert!(line.contains("未知") && line.contains("titel"), "{line}");
    assert!(!line.contains("unknown field"), "{line}");
    build.expect_stderr("是不是想写“title”");
}

#[test]
fn check_lists_every_error_of_a_site_in_one_run() {
    let (build, check) = rejected(
        "several-errors",
        6,
        &[
            "content/2024/01/01-a.md:4: 错误：未知字段“titel”",
            "content/2024/01/02-b.md:2: 错误：报告写的期号是第 3 期",
            "content/2024/01/03-c.md:1: 错误：缺少必填字段“supplier”（供稿单位）",
            "content/2024/01/04-d.md:3: 警告：县区“火星县”不在河南省行政区划名录中",
            "content/2024/02/_issue.md:2: 错误：日期“2024-02-30”无法识别：2024 年 2 月只有 29 天，没有 30 日",
            "content/2024/02/_issue.md:3: 错误：字段“copies”（印数）的值 “很多” 不是正整数",
            "content/stray.md: 错误：报告不在任何一期的文件夹中",
        ],
    );
    check.expect_stderr("检查未通过：6 处错误，1 处警告。");
    // Listed file by file, line by line, like a to-do list.
    for run in [&build, &check] {
        let located: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.starts_with("content/"))
            .collect();
        let mut sorted = located.clone();
        sorted.sort_by_key(|l| {
            let mut parts = l.splitn(3, ':');
            let path = parts.next().unwrap().to_string();
            let line: usize = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
            (path, line)
        });
        assert_eq!(
            located, sorted,
            "diagnostics are not in file and line order"
        );
    }
}

#[test]

fn check_lists_site_toml_and_content_errors_together() {
    rejected(
        "config-and-content",
        2,
        &[
            "site.toml:2: 错误：site.toml 写法有误",
            "content/2024/01/01-a.md:2: 错误：报告写的期号是第 2 期",
        ],
    );
}

#[test]

fn check_lists_content_and_template_errors_together() {
    rejected(
        "content-and-template",
        2,
        &[
            "content/2024/01/01-a.md:2: 错误：报告写的期号是第 2 期",
            "templates/issue.html:",
            "错误：模板语法有误",
        ],
    );
}

/// A date outside its folder's year is named at the date's line.
#[test]
fn date_outside_its_year_is_named_at_its_line() {
    let (build, _) = rejected(
        "date-outside-year",
        1,
        &["content/2024/01/_issue.md:3: 错误：日期 2023-12-30 不在 2024 年，但这一期放在 2024 年的文件夹 content/2024/01/ 中"],
    );
    build
        .expect_hint_after("不在 2024 年")
        .expect_stderr("请改正日期（须在 2024 年内），或把这一期移到 content/2023/ 中");
}

#[test]
fn a_thirteenth_month_is_named_as_such() {
    let (build, _) = rejected(
        "bad-month",
        1,
        &["content/2024/01/_issue.md:3: 错误：日期“2024年13月1日”无法识别：月份 13 不对，月份应在 1 到 12 之间"],
    );
    build.expect_hint_after("月份 13 不对");
}

/// `content/2024/3/` is cited as written, not as `content/2024/03/`.
#[test]
fn a_folder_is_cited_as_written() {
    let (build, _) = rejected(
        "folder-as-written",
        1,
        &["content/2024/3/01-a.md:2: 错误：报告写的期号是第 4 期，但它放在第 3 期的文件夹 content/2024/3/ 中"],
    );
    build
        .expect_hint_after("报告写的期号是第 4 期")
        .expect_stderr("如果它属于第 4 期，请把文件移到 content/2024/04/；否则把期号改为 3");
    assert!(
        !build.stderr.contains("content/2024/03/"),
        "{}",
        build.stderr
    );
}

/// A year out of range is the year's problem, said once for the folder.
#[test]
fn a_year_folder_out_of_range_is_the_year_s_problem() {
    let (build, _) = rejected(
        "year-out-of-range",
        1,
        &["content/1024: 错误：年份文件夹“1024”不对：年份应在 1900 到 2200 之间"],
    );
    build.expect_hint_after("年份文件夹“1024”不对");
    assert!(!build.stderr.contains("不是期号"), "{}", build.stderr);
}

/// Word cannot save Markdown: a `.docx` renamed `.md` is sent to
/// `jianbao import`.
#[test]
fn a_word_file_renamed_md_is_sent_to_import() {
    let (build, _) = rejected(
        "word-renamed-md",
        1,
        &["content/2024/01/02-word.md: 错误：这是一个改了扩展名的 Word 文档（.docx），不是文本文件"],
    );
    build
        .expect_hint_after("改了扩展名的 Word 文档")
        .expect_stderr("Word 不能另存为 Markdown，改扩展名也不行：请用 jianbao import 导入这个 Word 文档（如 jianbao import 原稿.docx），它会写出 .md 文件；然后删去这个文件");
}

#[test]
fn base_url_without_a_scheme_is_named_with_its_line() {
    let (build, _) = rejected(
        "base-url-without-scheme",
        1,
        &["site.toml:3: 错误：网址（base_url）“www.example.org/daibiao/”不是完整的网址：缺少开头的 http:// 或 https://"],
    );
    build
        .expect_hint_after("不是完整的网址")
        .expect_stderr("如 base_url = \"https://www.example.org/daibiao/\"");
}

/// Placeholder text of `init` and `new` (and of earlier versions) left in
/// what would be published: an error at its line, in an issue file too.
#[test]
fn placeholder_text_left_in_a_published_file_is_an_error_at_its_line() {
    let (build, _) = rejected(
        "placeholder-left",
        2,
        &[
            "content/2024/01/01-a.md:5: 错误：“请填写供稿单位”是新建稿件时留下的占位文字，还没有改写",
            "content/2024/01/_issue.md:6: 错误：“这里可以写编者按”是新建稿件时留下的占位文字，还没有改写",
        ],
    );
    build
        .expect_hint_after("“请填写供稿单位”是新建稿件时留下的占位文字")
        .expect_stderr(
            "请换成实际的内容；还没写完的报告请在元数据块中加一行 draft: true（草稿不会发布）",
        );
}
