//! Inputs kept from fuzzing (see fuzz/README.md), in
//! `tests/fixtures/fuzz/<target>/`. Each goes through the code of the fuzz
//! target it belongs to (`fuzz/drivers.rs`, shared with the targets), which
//! checks the same properties: no panic, every complaint a Chinese sentence
//! that points inside the file, and what `jianbao import` plans to write
//! loads back with the values it meant. The importer's two findings are
//! also run through the real binary.

mod common;
#[path = "../fuzz/drivers.rs"]
mod drivers;

use std::path::{Path, PathBuf};

use common::{empty_site, import_into, jianbao_in};

fn kept(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no kept inputs in {}", dir.display());
    files
}

/// Runs every kept input of `target`; names each one that fails.
fn run_kept<T>(target: &str, drive: fn(&[u8]) -> T) -> Vec<(PathBuf, T)> {
    let mut failed = Vec::new();
    let mut results = Vec::new();
    for path in kept(target) {
        let bytes = std::fs::read(&path).unwrap();
        match std::panic::catch_unwind(|| drive(&bytes)) {
            Ok(result) => results.push((path, result)),
            Err(_) => failed.push(path.display().to_string()),
        }
    }
    assert!(failed.is_empty(), "{target}: failed on {failed:?}");
    results
}

#[test]
fn kept_front_matter_inputs() {
    for (path, complaints) in run_kept("front_matter", drivers::front_matter) {
        let name = path.file_name().unwrap().to_string_lossy();
        // Inputs named `ok-*` are valid files for one of the two kinds.
        if name.starts_with("ok-") {
            assert!(
                complaints.iter().any(|c| c.message.contains("未知字段")),
                "{name}: read as the other kind, a valid file has unknown fields"
            );
        }
    }
}

#[test]
fn kept_import_inputs() {
    let results = run_kept("import", drivers::import);
    assert!(results.iter().any(|(_, issue)| issue.is_some()));
}

#[test]
fn kept_docx_inputs() {
    let results = run_kept("docx", drivers::docx);
    let written = results
        .iter()
        .find(|(path, _)| path.ends_with("python-docx-issue.xml"))
        .and_then(|(_, issue)| issue.as_ref())
        .expect("python-docx's document.xml reads as an issue");
    assert!(
        written.reports.len() >= 2,
        "{} reports",
        written.reports.len()
    );
}

/// Word's XML nested 100,000 levels deep (tables in cells, or runs never
/// closed) is read without recursion: no stack overflow, a Chinese error
/// or an issue, as for any other input.
#[test]
fn deeply_nested_word_xml() {
    let head = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#;
    let depth = 100_000;
    let tables = format!(
        "{head}{}<w:p><w:r><w:t>深</w:t></w:r></w:p>{}</w:body></w:document>",
        "<w:tbl><w:tr><w:tc>".repeat(depth),
        "</w:tc></w:tr></w:tbl>".repeat(depth)
    );
    let unclosed = format!("{head}{}", "<w:p><w:r><w:t>代表".repeat(depth));
    for xml in [tables, unclosed] {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || drivers::docx(xml.as_bytes()).is_some())
            .unwrap()
            .join()
            .expect("read on a small stack without panicking");
    }
}

#[test]
fn kept_markdown_inputs() {
    run_kept("markdown", drivers::markdown);
}

fn kept_file(target: &str, name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target)
        .join(name);
    assert!(path.is_file(), "{}", path.display());
    path
}

/// Found by the fuzzer: two reports from one county in a text without a
/// masthead both went to `content/drafts/桐柏县.md`, the second overwriting
/// the first.
#[test]
fn reports_from_one_county_become_two_drafts() {
    let dir = empty_site();
    let input = kept_file("import", "drafts-same-county-gbk.txt");
    import_into(dir.path(), std::slice::from_ref(&input), &[]).expect_code(0);
    let drafts = dir.path().join("site/content/drafts");
    assert!(drafts.join("桐柏县.md").is_file());
    assert!(drafts.join("桐柏县-2.md").is_file());

    // The same text twice in one run: the second input's reports get new
    // names too, instead of overwriting the first's.
    let dir = empty_site();
    import_into(dir.path(), &[input.clone(), input], &[]).expect_code(0);
    let drafts = dir.path().join("site/content/drafts");
    for name in ["桐柏县.md", "桐柏县-2.md", "桐柏县-3.md", "桐柏县-4.md"] {
        assert!(drafts.join(name).is_file(), "{name}");
    }
}

/// Found while writing the import target's round-trip property: county
/// and supplier were written unquoted, so `&甲县`, `@乙县` or a supplier
/// `true` gave files that `jianbao check` refused.
#[test]
fn imported_values_load_whatever_they_hold() {
    let dir = empty_site();
    let input = kept_file("import", "yaml-indicators-in-values.txt");
    import_into(dir.path(), &[input], &[]).expect_code(0);
    let check = jianbao_in(
        dir.path(),
        &["check", "--root", "site", "--drafts"].map(String::from),
    );
    check.expect_code(0);
    let text = std::fs::read_to_string(dir.path().join("site/content/drafts/@乙县.md")).unwrap();
    assert!(text.contains("county: \"@乙县\"\n"), "{text}");
    assert!(text.contains("supplier: \"1e3\"\n"), "{text}");
}

/// Two inputs that are the same issue would write the same files: refused,
/// with a Chinese explanation, before anything is written.
#[test]
fn one_issue_imported_twice_in_one_run_is_refused() {
    let dir = empty_site();
    // Lines of three lengths, so the text is not taken for a fixed-width
    // wrap (which would join the masthead lines).
    let text = "代表工作\n第 7 期\n河南省人大常委会代表工作委员会编印\n2024年7月15日\n\n甲县：平台建设\n甲县人大常委会搭建代表履职平台，组织代表开展视察调研和集中接待选民活动，成效明显。\n代表联络站每月开展一次接待活动，听取意见。\n（甲县人大常委会供稿）\n";
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    std::fs::write(&a, text).unwrap();
    std::fs::write(&b, text).unwrap();
    let run = import_into(dir.path(), &[a, b], &[]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("同一期只能导入一次"), "{}", run.stderr);
    assert!(!dir.path().join("site/content").exists());
}

// Inputs too big for the fuzzer's default length (a few KB) that took time
// growing with the square of their size; generated here rather than kept.

/// A line of 300,000 spaces (as a broken PDF extraction leaves): each space
/// looked for its neighbours across the whole run, minutes of work.
#[test]
fn a_long_run_of_spaces_is_read_in_one_pass() {
    let mut text = String::from("甲县：标题\n甲");
    text.push_str(&" ".repeat(300_000));
    text.push_str("乙。\n");
    let issue = drivers::import(text.as_bytes()).expect("UTF-8 text");
    let paragraphs = &issue.reports[0].paragraphs;
    assert_eq!(paragraphs.len(), 1);
    // Spaces between two characters of running text are extraction debris.
    assert_eq!(paragraphs[0], "甲乙。");
    // Inside quotes a space between two words may be meant: jieba looks at
    // a few characters either side, not at the whole run.
    let mut text = String::from("甲县：标题\n“人口老龄化");
    text.push_str(&" ".repeat(300_000));
    text.push_str("加快发展”。\n");
    let issue = drivers::import(text.as_bytes()).expect("UTF-8 text");
    assert_eq!(
        issue.reports[0].paragraphs[0].chars().count(),
        300_000 + 12,
        "a space between two quoted words is kept"
    );
}

/// A title followed by a column of short lines: each line was appended to
/// the title, copying it each time, into a title of hundreds of KB.
#[test]
fn a_title_does_not_swallow_a_column_of_short_lines() {
    let mut text = String::from("甲县：标题\n");
    text.push_str(&"续\n".repeat(100_000));
    let issue = drivers::import(text.as_bytes()).expect("UTF-8 text");
    let report = &issue.reports[0];
    assert!(report.title.chars().count() <= 100, "{}", report.title);
    assert!(report.paragraphs.len() > 99_000);
}

/// Front matter with 20,000 unknown keys: each was looked up line by line
/// (seconds per file; hours at the 8 MB a file may have), and each gave its
/// own error. Now 20 are listed and the rest counted.
#[test]
fn thousands_of_unknown_fields_are_counted_not_listed() {
    let mut text = String::from("---\n");
    for i in 0..20_000 {
        text.push_str(&format!("k{i}: v\n"));
    }
    text.push_str("---\n正文\n");
    let complaints = drivers::front_matter(text.as_bytes());
    let listed = complaints
        .iter()
        .filter(|c| c.message.starts_with("未知字段"))
        .count();
    assert_eq!(listed, 2 * 20, "20 for each reading (issue, report)");
    let summary = complaints
        .iter()
        .find(|c| c.message.contains("另有 19980 个未知字段"))
        .expect("a count of the rest");
    assert_eq!(summary.line, Some(1));
}

/// YAML aliases that would expand exponentially ("billion laughs"): the
/// file is read (and complained about) without filling the memory.
#[test]
fn exponential_yaml_aliases_do_not_fill_the_memory() {
    let mut text = String::from("---\na0: &a0 [\"哈\", \"哈\"]\n");
    for i in 1..40 {
        let p = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    text.push_str("---\n");
    let complaints = drivers::front_matter(text.as_bytes());
    assert!(!complaints.is_empty());
}
