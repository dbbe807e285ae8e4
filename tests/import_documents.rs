//! `jianbao import` on documents written by real third-party programs from
//! the sample archive (`content/`) and from `tests/fixtures/import-family/`
//! (an issue with what the family of documents holds: an editor's note, a
//! subtitle, 一、（一） structure, bold leads, a table, footnotes, a
//! distribution of its own): Word files by python-docx and by LibreOffice,
//! a `.doc` by LibreOffice, PDFs exported by LibreOffice and printed by
//! `jianbao pdf`. Each import is compared with the source field by field and
//! paragraph by paragraph, and its account of the lines must add up.
//!
//! Needs python-docx (tests/support/requirements.txt), LibreOffice
//! (`soffice`, Debian libreoffice-writer-nogui), poppler-utils and
//! Chromium; `bash .ci/run` installs them.

mod common;
mod import_support;

use std::path::PathBuf;

use common::{empty_site, import_into, jianbao_in, Site};
use import_support::{
    accounts, assert_same_issue, issue_spec, libreoffice, read_report, repo, report_only_spec,
    reports_in, write_document, Leniency,
};

fn family() -> PathBuf {
    repo().join("tests/fixtures/import-family")
}

/// Imports `files` into a new site; returns the site's folder and stdout.
fn import_all(files: &[PathBuf], extra: &[&str]) -> (tempfile::TempDir, String) {
    let dir = empty_site();
    let run = import_into(dir.path(), files, extra);
    run.expect_code(0);
    for account in accounts(&run.stdout) {
        assert_eq!(account[4], 0, "nothing left doubtful\n{}", run.stdout);
    }
    assert_eq!(
        accounts(&run.stdout).len(),
        files.len(),
        "one account per input\n{}",
        run.stdout
    );
    assert!(!run.stdout.contains("去向不明"), "{}", run.stdout);
    (dir, run.stdout)
}

#[test]
fn word_files_written_by_python_docx_import_as_the_sample_archive() {
    let work = common::temp_dir();
    let thirteen = work.path().join("第13期.docx");
    let twenty_seven = work.path().join("第27期.docx");
    // Leads set bold as editors do (the section leads the renderer sets
    // bold by itself; 一是…。 leads become **…**), and a masthead set in a
    // borderless table in the other.
    write_document(&issue_spec(&repo(), 2024, 13), &thirteen, &["--bold-leads"]);
    write_document(
        &issue_spec(&repo(), 2024, 27),
        &twenty_seven,
        &["--masthead-table"],
    );
    let (dir, stdout) = import_all(&[thirteen, twenty_seven], &[]);
    assert!(stdout.contains("报头：第 13 期，2024年5月14日"), "{stdout}");
    assert!(stdout.contains("跳过：目录 2 行"), "{stdout}");
    let imported = dir.path().join("site/content/2024");
    assert_same_issue(
        &imported.join("27"),
        &repo().join("content/2024/27"),
        &Leniency::default(),
    );
    // Only to compare with the source, which has no bold: checked below.
    assert_same_issue(
        &imported.join("13"),
        &repo().join("content/2024/13"),
        &Leniency::bold(),
    );
    let bold: Vec<String> = reports_in(&imported.join("13"))
        .into_iter()
        .flat_map(|r| r.paragraphs)
        .filter(|p| p.contains("**"))
        .collect();
    assert!(
        bold.iter().any(|p| p.contains("**一是科学布局**。")),
        "一是 leads stay bold: {bold:?}"
    );
    assert!(
        bold.iter().all(|p| !p.starts_with("**一、")),
        "section leads are left to the renderer: {bold:?}"
    );
    // The imported site builds.
    jianbao_in(dir.path(), &["check", "--root", "site"].map(String::from)).expect_code(0);
}

#[test]
fn a_word_file_of_one_report_becomes_a_draft() {
    let work = common::temp_dir();
    let file = work.path().join("桐柏县来稿.docx");
    write_document(
        &report_only_spec(&repo().join("content/drafts/tongbai.md")),
        &file,
        &[],
    );
    let (dir, stdout) = import_all(&[file], &[]);
    assert!(stdout.contains("报告放入草稿"), "{stdout}");
    let draft = read_report(&dir.path().join("site/content/drafts/桐柏县.md"));
    assert_eq!(
        draft,
        read_report(&repo().join("content/drafts/tongbai.md"))
    );
}

#[test]
fn word_files_written_by_libreoffice_keep_tables_footnotes_and_subtitles() {
    let work = common::temp_dir();
    let html = work.path().join("第30期.html");
    write_document(&issue_spec(&family(), 2024, 30), &html, &[]);
    let docx = libreoffice(&html, "docx:MS Word 2007 XML", work.path());
    let doc_dir = work.path().join("doc");
    std::fs::create_dir(&doc_dir).unwrap();
    // The same issue saved by LibreOffice as Word 97 (.doc), which the
    // import converts back through LibreOffice.
    let doc = libreoffice(&docx, "doc:MS Word 97", &doc_dir);
    for file in [docx, doc] {
        let (dir, stdout) = import_all(std::slice::from_ref(&file), &[]);
        assert!(stdout.contains("报头：第 30 期"), "{stdout}");
        assert_same_issue(
            &dir.path().join("site/content/2024/30"),
            &family().join("content/2024/30"),
            &Leniency::default(),
        );
    }
}

#[test]
fn pdfs_exported_by_libreoffice_import_as_the_sample_archive() {
    let work = common::temp_dir();
    let mut pdfs = Vec::new();
    for (number, flags) in [(13, &["--bold-leads"][..]), (27, &[][..])] {
        let docx = work.path().join(format!("第{number}期.docx"));
        write_document(&issue_spec(&repo(), 2024, number), &docx, flags);
        pdfs.push(libreoffice(&docx, "pdf:writer_pdf_Export", work.path()));
    }
    let (dir, stdout) = import_all(&pdfs, &[]);
    assert!(stdout.contains("（PDF）"), "{stdout}");
    for (number, pdf) in [13, 27].into_iter().zip(&pdfs) {
        let leniency = Leniency {
            bold: true,
            figure_spaces: true,
            ..Leniency::default()
        };
        assert_same_issue(
            &dir.path().join(format!("site/content/2024/{number}")),
            &repo().join(format!("content/2024/{number}")),
            &leniency.breaks_of(pdf),
        );
    }
    // A space inside a line is kept.
    let guancheng = &reports_in(&dir.path().join("site/content/2024/27"))[0];
    assert!(
        guancheng
            .paragraphs
            .iter()
            .any(|p| p.contains("《打造消费新场景 繁荣发展夜经济》")),
        "{guancheng:#?}"
    );
}

/// Prints the issues of `site` with `jianbao pdf` and returns the PDFs.
fn printed(site: &Site, issues: &[&str]) -> Vec<PathBuf> {
    let out = site.path("out");
    let mut args = vec![
        "pdf".to_string(),
        "--root".into(),
        site.root.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(issues.iter().map(|s| s.to_string()));
    jianbao_in(site.dir.path(), &args).expect_code(0);
    let pdfs: Vec<PathBuf> = issues
        .iter()
        .map(|issue| {
            let (year, number) = issue.split_once('/').unwrap();
            let number: u32 = number.parse().unwrap();
            out.join(format!("{year}/{number:02}"))
                .join(jianbao::pdf::file_name(year.parse().unwrap(), number))
        })
        .collect();
    pdfs.iter().for_each(|p| import_support::keep(p));
    pdfs
}

#[test]
fn issues_printed_by_jianbao_pdf_import_back_into_the_same_reports() {
    let site = repo_site();
    let pdfs = printed(&site, &["2024/13", "2024/27"]);
    let (dir, stdout) = import_all(&pdfs, &[]);
    assert!(
        stdout.contains("页码"),
        "page numbers are set aside: {stdout}"
    );
    for (number, pdf) in [13, 27].into_iter().zip(&pdfs) {
        // Exact but for a space that a change of the print layout may one
        // day put at a line break.
        assert_same_issue(
            &dir.path().join(format!("site/content/2024/{number}")),
            &repo().join(format!("content/2024/{number}")),
            &Leniency::default().breaks_of(pdf),
        );
    }
}

/// The repository's own site (site.toml and content/) in a folder of its
/// own, so that printing it writes nothing into the repository.
fn repo_site() -> Site {
    let dir = common::temp_dir();
    let root = dir.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(repo().join("site.toml"), root.join("site.toml")).unwrap();
    common::copy_dir(&repo().join("content"), &root.join("content"));
    Site { dir, root }
}

#[test]
fn a_printed_issue_with_a_subtitle_an_editors_note_and_its_own_distribution_imports_back() {
    let site = Site::copy_from(&family());
    let pdfs = printed(&site, &["2024/30"]);
    let (dir, _) = import_all(&pdfs, &[]);
    let imported = dir.path().join("site/content/2024/30");
    let expected = family().join("content/2024/30");
    assert_eq!(
        std::fs::read_to_string(imported.join("_issue.md")).unwrap(),
        std::fs::read_to_string(expected.join("_issue.md")).unwrap()
    );
    // A PDF keeps no weight, no table structure and no footnote marks:
    // the reports' fields come back whole, and their plain paragraphs.
    let got = reports_in(&imported);
    let want = reports_in(&expected);
    assert_eq!(got.len(), want.len());
    for (got, want) in got.iter().zip(&want) {
        assert_eq!(got.fields, want.fields);
        let plain: Vec<String> = want
            .paragraphs
            .iter()
            .filter(|p| !p.contains('|') && !p.contains("[^"))
            .map(|p| p.replace("**", ""))
            .collect();
        for paragraph in plain {
            assert!(
                got.paragraphs.contains(&paragraph),
                "{paragraph}\nnot among\n{:#?}",
                got.paragraphs
            );
        }
    }
}
