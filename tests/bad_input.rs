//! Broken and hostile input, case by case: every one ends in a message
//! that names the file (and the line where there is one) and says what to
//! do, never in a panic; a failed build leaves the previous output exactly
//! as it was; `check` reports every problem of a site in one run.
//!
//! `tests/check.rs` pins the exact wording for the fixtures under
//! `tests/fixtures/broken/`; this file runs every one of those fixtures
//! against a previous output, and adds the cases that are easier to make
//! in code than to keep as bytes in git (50 MB, symbolic links, UTF-16
//! without a BOM, undecodable bytes, bare CR line ends, a YAML bomb).

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{copy_dir, fixture, names_in, snapshot, Built, Run, Site, Snapshot};

const REPORT: &str =
    "---\nissue: 1\ncounty: 新蔡县\ntitle: 测试报告\nsupplier: 驻马店市人大常委会代表工委\n---\n\n正文。\n";

/// A good site's output, built once: copied in as the "previous output"
/// every broken build must leave alone.
fn good_output() -> &'static Path {
    static BUILT: OnceLock<Built> = OnceLock::new();
    &common::shared_build(&BUILT, "basic", &[]).out
}

/// `<tmp>/out` holding a copy of a good build, and its snapshot.
fn previous_output(site: &Site) -> (PathBuf, Snapshot) {
    let out = site.path("out");
    copy_dir(good_output(), &out);
    let before = snapshot(&out);
    assert!(before.contains_key("index.html"));
    (out, before)
}

/// The `N` of `发现 N 处错误` (build) or `检查未通过：N 处错误` (check).
fn error_count(run: &Run) -> usize {
    let text = &run.stderr;
    let at = text
        .find(" 处错误")
        .unwrap_or_else(|| panic!("no error count in:\n{text}"));
    let digits: String = text[..at]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.chars().rev().collect::<String>().parse().unwrap()
}

/// The diagnostic lines (`<place>: 错误：…`), without the summary.
fn error_lines(run: &Run) -> Vec<String> {
    run.stderr
        .lines()
        .filter(|l| l.contains(": 错误："))
        .map(str::to_string)
        .collect()
}

/// What any rejected run must look like: exit code 1 (a panic exits with
/// 101), no panic text, and every error line starting with the place it
/// is about (a file of the site, with `:<line>` where there is one) and
/// followed by its `处理办法：` line.
fn assert_explained(run: &Run, what: &str) {
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "{what}: panic\n{}",
        run.stderr
    );
    run.expect_code(1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    let errors = error_lines(run);
    assert!(!errors.is_empty(), "{what}: no error line\n{}", run.stderr);
    assert_eq!(errors.len(), error_count(run), "{what}: {}", run.stderr);
    for (at, line) in lines.iter().enumerate() {
        if !line.contains(": 错误：") {
            continue;
        }
        let place = line.split(": 错误：").next().unwrap();
        let file = place.split(':').next().unwrap();
        assert!(
            ["content/", "templates/", "themes/", "static/"]
                .iter()
                .any(|p| file.starts_with(p))
                || file == "site.toml",
            "{what}: the error does not name a file of the site: {line}"
        );
        if let Some(number) = place.split(':').nth(1) {
            assert!(
                number.parse::<usize>().is_ok_and(|n| n > 0),
                "{what}: bad line number in {line}"
            );
        }
        assert!(
            lines
                .get(at + 1)
                .is_some_and(|next| next.starts_with("    处理办法：")),
            "{what}: no 处理办法 after {line}\n{}",
            run.stderr
        );
    }
}

/// Builds `site` over a previous output and checks it: both refuse with
/// explained errors, the output is byte for byte as before, nothing is left
/// beside it, and `check` names the same problems as `build`. Returns the
/// `check` run.
fn refused(site: &Site, what: &str, expected: &[&str]) -> Run {
    let (out, before) = previous_output(site);
    let build = site.build(&out, &[]);
    assert_explained(&build, what);
    build.expect_stderr("原有的输出保持不变");
    assert_eq!(
        snapshot(&out),
        before,
        "{what}: the failed build changed the previous output"
    );
    assert_eq!(
        names_in(site.dir.path()),
        ["out", "site"],
        "{what}: the failed build left files behind"
    );

    let sources = snapshot(&site.root);
    let check = site.check(&[]);
    assert_explained(&check, what);
    assert_eq!(
        snapshot(&site.root),
        sources,
        "{what}: check changed the site"
    );
    assert_eq!(
        error_lines(&check),
        error_lines(&build),
        "{what}: check and build disagree"
    );
    for fragment in expected {
        build.expect_stderr(fragment);
        check.expect_stderr(fragment);
    }
    check
}

fn basic_with(what: &str, change: impl FnOnce(&Site)) -> (Site, String) {
    let site = Site::copy("basic");
    change(&site);
    (site, what.to_string())
}

#[test]
fn every_broken_fixture_keeps_the_previous_output_and_explains_itself() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixture("broken"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "{cases:?}");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let site = Site::copy_from(&case);
        refused(&site, &name, &[]);
    }
}

#[test]
fn a_50_mb_report_is_named_by_check_too() {
    let (site, what) = basic_with("50 MB", |site| {
        let mut text = String::from(REPORT);
        let line = "代表联络站开展活动。".repeat(100) + "\n\n";
        while text.len() < 50 * 1024 * 1024 {
            text.push_str(&line);
        }
        site.write("content/2024/01/09-huge.md", &text);
    });
    refused(
        &site,
        &what,
        &["content/2024/01/09-huge.md: 错误：文件太大（50.0 MB）"],
    );
}

#[test]
fn utf16_without_a_bom_is_refused_with_its_name() {
    let (site, what) = basic_with("UTF-16 without BOM", |site| {
        let bytes: Vec<u8> = REPORT
            .encode_utf16()
            .flat_map(|unit| unit.to_le_bytes())
            .collect();
        std::fs::write(site.file("content/2024/01/09-utf16.md"), bytes).unwrap();
    });
    refused(&site, &what, &["content/2024/01/09-utf16.md: 错误："]);
}

#[test]
fn bytes_in_no_known_encoding_are_refused() {
    let (site, what) = basic_with("undecodable", |site| {
        let mut bytes = REPORT.replace("测试报告", "caf").into_bytes();
        bytes.extend_from_slice(b"\xe9 \xff\xfe\xfd\n\x80\x81\n");
        std::fs::write(site.file("content/2024/01/09-latin1.md"), bytes).unwrap();
    });
    refused(
        &site,
        &what,
        &["content/2024/01/09-latin1.md: 错误：文件编码无法识别：既不是 UTF-8，也不是 GBK/GB18030"],
    );
}

#[test]
fn toml_front_matter_is_refused_at_line_1() {
    let (site, what) = basic_with("TOML front matter", |site| {
        site.write(
            "content/2024/01/09-toml.md",
            "+++\ntitle = \"测试\"\n+++\n\n正文。\n",
        );
    });
    refused(
        &site,
        &what,
        &["content/2024/01/09-toml.md:1: 错误：元数据块使用了 TOML（+++），本工具只接受 YAML"],
    );
}

#[test]
fn an_empty_issue_file_is_refused() {
    let (site, what) = basic_with("empty _issue.md", |site| {
        site.write("content/2024/01/_issue.md", "");
    });
    refused(
        &site,
        &what,
        &["content/2024/01/_issue.md:1: 错误：文件是空的"],
    );
}

#[test]
fn two_reports_with_one_address_md_and_markdown() {
    let (site, what) = basic_with("one slug, two extensions", |site| {
        site.write("content/2024/01/09-same.md", REPORT);
        site.write("content/2024/01/09-same.markdown", REPORT);
    });
    refused(
        &site,
        &what,
        &["content/2024/01/09-same.md: 错误：这篇报告与 content/2024/01/09-same.markdown 的网址相同"],
    );
}

#[test]
fn reports_in_no_issue_folder_say_where_they_belong() {
    let (site, what) = basic_with("misplaced reports", |site| {
        site.write("content/2024/09-in-year.md", REPORT);
        site.write("content/2024/01/extra/09-too-deep.md", REPORT);
        site.write("content/misc/09-stray.md", REPORT);
        site.write("content/drafts/old/09-draft.md", REPORT);
    });
    let check = refused(
        &site,
        &what,
        &[
            "content/2024/09-in-year.md: 错误：报告直接放在了年份文件夹 content/2024/ 中，不在任何一期的文件夹中",
            "content/2024/01/extra/09-too-deep.md: 错误：报告放在了期文件夹 content/2024/01/ 的子文件夹“extra”中",
            "请把文件直接移到 content/2024/01/ 中",
            "content/misc/09-stray.md: 错误：文件夹“misc”不是年份，也不是 drafts",
            "content/drafts/old/09-draft.md: 错误：草稿放在了 content/drafts/ 的子文件夹“old”中",
        ],
    );
    assert_eq!(error_count(&check), 4);
    // A folder name that is a valid issue number is never blamed.
    assert!(!check.stderr.contains("“01”不是期号"), "{}", check.stderr);
}

#[test]
fn a_broken_site_toml_is_named_with_its_line() {
    for (what, text, expected) in [
        (
            "TOML syntax",
            "title = \"代表工作\nbase_url = \"/\"\n",
            "site.toml:1: 错误：site.toml 写法有误",
        ),
        (
            "wrong type",
            "title = 3\n",
            "site.toml:1: 错误：site.toml 写法有误：设置的值类型不对",
        ),
        (
            "binary",
            "\u{0}\u{1}\u{2}PNG\u{0}\u{0}",
            "site.toml: 错误：这不是文本文件",
        ),
    ] {
        let (site, what) = basic_with(what, |site| site.write("site.toml", text));
        refused(&site, &what, &[expected]);
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_site_are_refused_by_check_too() {
    let (site, what) = basic_with("symlinks", |site| {
        // A file, a folder and a dangling link, each pointing outside.
        let outside = site.path("outside");
        std::fs::create_dir_all(outside.join("05")).unwrap();
        std::fs::write(outside.join("secret.md"), REPORT).unwrap();
        std::fs::write(outside.join("05/_issue.md"), "---\ndate: 2024-05-01\n---\n").unwrap();
        let link = |target: &Path, at: &str| {
            std::os::unix::fs::symlink(target, site.file(at)).unwrap();
        };
        link(&outside.join("secret.md"), "content/2024/01/09-file.md");
        link(&outside.join("05"), "content/2024/05");
        link(
            Path::new("/nonexistent/jianbao"),
            "content/2024/01/09-gone.md",
        );
    });
    // The outside folder sits beside the site, so `refused`'s "nothing
    // beside the site" comparison does not apply; the rest is the same.
    let (out, before) = previous_output(&site);
    let build = site.build(&out, &[]);
    assert_explained(&build, &what);
    assert_eq!(snapshot(&out), before);
    let check = site.check(&[]);
    assert_explained(&check, &what);
    assert_eq!(error_lines(&check), error_lines(&build));
    for file in [
        "content/2024/01/09-file.md",
        "content/2024/05",
        "content/2024/01/09-gone.md",
    ] {
        check.expect_stderr(&format!("{file}: 错误：符号链接指向网站文件夹之外"));
    }
    assert!(!check.stderr.contains("2024-05-01"));
}

#[test]
fn line_numbers_survive_bom_crlf_gbk_utf16_and_bare_cr() {
    // Each file has an unknown field on line 3 of the file.
    let text = "---\nissue: 1\n备注: 新蔡县\ntitle: 测试\nsupplier: 驻马店市人大常委会代表工委\n---\n\n正文。\n";
    let (site, what) = basic_with("encodings", |site| {
        let dir = site.file("content/2024/01");
        let mut bom_crlf = b"\xEF\xBB\xBF".to_vec();
        bom_crlf.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
        std::fs::write(dir.join("09-bom-crlf.md"), bom_crlf).unwrap();
        let (gbk, _, bad) = encoding_rs::GBK.encode(text);
        assert!(!bad);
        std::fs::write(dir.join("10-gbk.md"), gbk).unwrap();
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        std::fs::write(dir.join("11-utf16.md"), utf16).unwrap();
        let mut utf16be = vec![0xFE, 0xFF];
        utf16be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
        std::fs::write(dir.join("12-utf16be.md"), utf16be).unwrap();
        std::fs::write(dir.join("13-cr.md"), text.replace('\n', "\r")).unwrap();
    });
    let check = refused(&site, &what, &[]);
    for name in ["09-bom-crlf", "10-gbk", "11-utf16", "12-utf16be", "13-cr"] {
        check
            .expect_stderr(&format!(
                "content/2024/01/{name}.md:3: 错误：未知字段“备注”"
            ))
            .expect_stderr(&format!(
                "content/2024/01/{name}.md:1: 错误：缺少必填字段“county”"
            ));
    }
    check
        .expect_stderr("content/2024/01/10-gbk.md: 警告：文件以 GBK/GB18030 编码保存")
        .expect_stderr("content/2024/01/11-utf16.md: 警告：文件以 UTF-16 编码保存")
        .expect_stderr("content/2024/01/12-utf16be.md: 警告：文件以 UTF-16 编码保存");
}

/// Notepad on a Chinese Windows saves site.toml in GBK: it is read right,
/// and the editor is told, as for reports.
#[test]
fn a_gbk_site_toml_is_read_with_a_warning() {
    let site = Site::copy("basic");
    let toml = std::fs::read_to_string(site.file("site.toml"))
        .unwrap()
        .replacen("title = \"代表工作\"", "title = \"豫人大代表工作简讯\"", 1);
    assert!(toml.contains("简讯"), "the fixture's title line moved");
    let (gbk, _, bad) = encoding_rs::GBK.encode(&toml);
    assert!(!bad);
    std::fs::write(site.file("site.toml"), gbk).unwrap();
    let out = site.path("out");
    site.build(&out, &[])
        .expect_code(0)
        .expect_stderr("site.toml: 警告：文件以 GBK/GB18030 编码保存，已自动转换")
        .expect_hint_after("site.toml: 警告");
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains("豫人大代表工作简讯"),
        "the title was not read right"
    );
}

#[test]
fn a_yaml_bomb_is_refused_not_expanded() {
    let (site, what) = basic_with("billion laughs", |site| {
        let mut yaml = String::from(
            "---\nissue: 1\ncounty: &a 新蔡县\ntitle: 测试\nsupplier: 驻马店市人大常委会代表工委\n",
        );
        let mut previous = "a".to_string();
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            let list = vec![format!("*{previous}"); 9].join(",");
            yaml.push_str(&format!("x{name}: &{name} [{list}]\n"));
            previous = name.to_string();
        }
        yaml.push_str("---\n\n正文。\n");
        site.write("content/2024/01/09-bomb.md", &yaml);
    });
    refused(
        &site,
        &what,
        &["content/2024/01/09-bomb.md: 错误：元数据（YAML）写法有误"],
    );
}

/// Every kind of bad input in one site: `check` lists them all in one run,
/// file by file, and so does the refused `build`.
#[test]
fn check_reports_every_kind_of_bad_input_in_one_run() {
    let broken =
        |case: &str, file: &str| std::fs::read(fixture(&format!("broken/{case}/{file}"))).unwrap();
    let (site, what) = basic_with("everything at once", |site| {
        let put = |at: &str, bytes: &[u8]| {
            let path = site.file(at);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        };
        let one = "content/2024/01";
        put(
            &format!("{one}/10-yaml.md"),
            &broken("malformed-yaml", "content/2024/01/01-a.md"),
        );
        put(
            &format!("{one}/11-open.md"),
            &broken("unclosed-front-matter", "content/2024/01/01-a.md"),
        );
        put(
            &format!("{one}/12-empty.md"),
            &broken("empty-file", "content/2024/01/02-empty.md"),
        );
        put(
            &format!("{one}/13-photo.md"),
            &broken("binary-md", "content/2024/01/02-photo.md"),
        );
        put(&format!("{one}/14-same.md"), REPORT.as_bytes());
        put(&format!("{one}/14-same.markdown"), REPORT.as_bytes());
        put(
            "content/2024/02/_issue.md",
            "---\ndate: 2024-02-15\ncopies: 很多\n---\n".as_bytes(),
        );
        put("content/stray.md", REPORT.as_bytes());
        let mut huge = String::from(REPORT);
        while huge.len() < 50 * 1024 * 1024 {
            huge.push_str(&"代表联络站开展活动。".repeat(1000));
        }
        put(&format!("{one}/15-huge.md"), huge.as_bytes());
        put(
            "templates/issue.html",
            &broken("template-syntax", "templates/issue.html"),
        );
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", site.file(&format!("{one}/16-link.md"))).unwrap();
        let toml = std::fs::read_to_string(site.file("site.toml")).unwrap();
        put("site.toml", toml.replacen("title", "titel", 1).as_bytes());
    });
    let check = refused(
        &site,
        &what,
        &[
            "site.toml:2: 错误：site.toml 写法有误",
            "content/2024/01/10-yaml.md:4: 错误：元数据（YAML）写法有误",
            "content/2024/01/11-open.md:1: 错误：元数据块没有结束",
            "content/2024/01/12-empty.md:1: 错误：文件是空的",
            "content/2024/01/13-photo.md: 错误：这不是文本文件",
            "content/2024/01/14-same.md: 错误：这篇报告与 content/2024/01/14-same.markdown 的网址相同",
            "content/2024/01/15-huge.md: 错误：文件太大",
            "content/2024/02/_issue.md:3: 错误：字段“copies”（印数）的值 “很多” 不是正整数",
            "content/stray.md: 错误：报告不在任何一期的文件夹中",
            "templates/issue.html:",
            "错误：模板语法有误",
        ],
    );
    #[cfg(unix)]
    check.expect_stderr("content/2024/01/16-link.md: 错误：符号链接指向网站文件夹之外");
    let expected = if cfg!(unix) { 11 } else { 10 };
    assert_eq!(error_count(&check), expected, "{}", check.stderr);
}

/// 100,000 levels of nesting, where the parsers would take minutes:
/// refused in one pass before they see it, each with its line, and the
/// whole run (build, then check) ends well within a generous limit.
#[test]
fn nesting_100_000_levels_deep_is_refused_at_once_with_its_line() {
    let deep = 100_000;
    let (site, what) = basic_with("deep nesting", |site| {
        let report = |body: &str| format!("{REPORT}\n第二段。\n\n{body}\n");
        let one = "content/2024/01";
        site.write(
            &format!("{one}/20-quotes.md"),
            &report(&format!("{}引文", ">".repeat(deep))),
        );
        site.write(
            &format!("{one}/21-dashes.md"),
            &report(&format!("{}列表", "- ".repeat(deep))),
        );
        site.write(
            &format!("{one}/22-numbers.md"),
            &report(&format!("{}列表", "1. ".repeat(deep))),
        );
        site.write(&format!("{one}/23-divs.md"), &report(&"<div>".repeat(deep)));
        site.write(
            &format!("{one}/24-brackets.md"),
            &format!(
                "---\nissue: 1\ncounty: {}\n---\n\n正文。\n",
                "[".repeat(deep)
            ),
        );
        site.write(
            &format!("{one}/25-braces.md"),
            &format!(
                "---\nissue: 1\ntags: {}\n---\n\n正文。\n",
                "{a: ".repeat(deep)
            ),
        );
    });
    let (done, finished) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        let blocks =
            "错误：正文的引用（>）或列表（-、*、1.）嵌套太深：这一行有 100000 层，最多 100 层";
        let brackets = "错误：元数据中的方括号或花括号嵌套太深（这一行已到 17 层，最多 16 层）";
        let check = refused(
            &site,
            &what,
            &[
                &format!("content/2024/01/20-quotes.md:12: {blocks}"),
                &format!("content/2024/01/21-dashes.md:12: {blocks}"),
                &format!("content/2024/01/22-numbers.md:12: {blocks}"),
                "content/2024/01/23-divs.md:12: 错误：正文中的 HTML 标签嵌套太深：到这一行已有 200 层以上没有结束",
                &format!("content/2024/01/24-brackets.md:3: {brackets}"),
                &format!("content/2024/01/25-braces.md:3: {brackets}"),
            ],
        );
        check.expect_hint_after("嵌套太深");
        assert_eq!(error_count(&check), 6, "{}", check.stderr);
        done.send(()).unwrap();
    });
    if finished
        .recv_timeout(std::time::Duration::from_secs(120))
        .is_err()
    {
        panic!("build and check of 100,000 levels took over two minutes");
    }
    worker.join().unwrap();
}
