//! `jianbao import` on the seeds in `../shared/seeds/` (the sample archive
//! in `content/` is what they must become) and on variants written here:
//! GBK, a narrow PDF-like wrap with page numbers, `#` headings, half-width
//! credit brackets.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{empty_site, import_into, jianbao_in};

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds")
}

fn seed(name: &str) -> PathBuf {
    let path = seeds().join(name);
    assert!(
        path.is_file(),
        "the seeds are in ../shared/seeds beside the repository: {}",
        path.display()
    );
    path
}

/// A report as the comparison sees it.
#[derive(Debug, PartialEq)]
struct Report {
    fields: BTreeMap<String, String>,
    paragraphs: Vec<String>,
}

fn read_report(path: &Path) -> Report {
    let text = std::fs::read_to_string(path).unwrap();
    let mut parts = text.splitn(3, "---\n");
    parts.next();
    let front = parts.next().unwrap();
    let body = parts.next().unwrap();
    let fields = front
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.trim().trim_matches('"').to_string()))
        .collect();
    let paragraphs = body
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect();
    Report { fields, paragraphs }
}

/// The reports of a folder in file order.
fn reports_in(dir: &Path) -> Vec<Report> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_issue.md"))
        .collect();
    files.sort();
    let mut reports: Vec<Report> = files.iter().map(|p| read_report(p)).collect();
    reports.sort_by(|a, b| {
        a.fields
            .get("issue")
            .cmp(&b.fields.get("issue"))
            .then(std::cmp::Ordering::Equal)
    });
    reports
}

#[test]
fn the_seeds_become_the_sample_archive() {
    let dir = empty_site();
    let seeds: Vec<PathBuf> = [
        "000_50f4040056bf9d0f.txt",
        "001_e7d2d72c62ce8faf.txt",
        "003_f359560d085e0747.txt",
    ]
    .iter()
    .map(|s| seed(s))
    .collect();
    let run = import_into(dir.path(), &seeds, &[]);
    run.expect_code(0)
        .expect_stdout("报头：第 27 期，2024年7月15日")
        .expect_stdout("报头：没有找到")
        .expect_stdout("修复：")
        .expect_stdout("报告放入草稿");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let imported = dir.path().join("site/content");
    for issue in ["2024/13", "2024/27"] {
        assert_eq!(
            std::fs::read_to_string(imported.join(issue).join("_issue.md")).unwrap(),
            std::fs::read_to_string(repo.join(issue).join("_issue.md")).unwrap(),
            "{issue}/_issue.md"
        );
        assert_eq!(
            reports_in(&imported.join(issue)),
            reports_in(&repo.join(issue)),
            "{issue}"
        );
    }
    let mut drafts = reports_in(&imported.join("drafts"));
    let mut expected = reports_in(&repo.join("drafts"));
    drafts.sort_by(|a, b| a.fields["county"].cmp(&b.fields["county"]));
    expected.sort_by(|a, b| a.fields["county"].cmp(&b.fields["county"]));
    assert_eq!(drafts, expected, "drafts");

    // The imported site builds.
    let run = jianbao_in(
        dir.path(),
        &[
            "build".into(),
            "--root".into(),
            "site".into(),
            "--out".into(),
            "out".into(),
        ],
    );
    run.expect_code(0);

    // Nothing is overwritten without --force; with it, the same files again.
    let before = common::snapshot(&imported);
    import_into(dir.path(), &seeds, &[])
        .expect_code(3)
        .expect_stderr("已经存在");
    import_into(dir.path(), &seeds, &["--force"]).expect_code(0);
    assert_eq!(
        common::snapshot(&imported),
        before,
        "importing twice gives the same files"
    );
}

#[test]
fn flags_give_a_masthead_to_an_issue_that_lost_its_first_page() {
    let dir = empty_site();
    import_into(
        dir.path(),
        &[seed("000_50f4040056bf9d0f.txt")],
        &["--issue", "2023/45", "--date", "2023-12-20"],
    )
    .expect_code(0);
    let folder = dir.path().join("site/content/2023/45");
    let issue = std::fs::read_to_string(folder.join("_issue.md")).unwrap();
    assert!(issue.contains("date: 2023-12-20"), "{issue}");
    let reports = reports_in(&folder);
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].fields["issue"], "45");
}

/// Seed 003 re-laid as a PDF extraction would leave it: lines of 20
/// characters with blank lines between them, page numbers between pages,
/// titles marked `#`, credits in half-width brackets, and saved in GBK.
#[test]
fn variants_of_the_layout_import_alike() {
    let original = std::fs::read_to_string(seed("003_f359560d085e0747.txt")).unwrap();
    let mut variant = String::new();
    let mut page_lines = 0;
    let mut page = 1;
    for line in original.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let is_title = line.contains('：')
            && line.chars().count() < 40
            && !line.ends_with('。')
            && !line.starts_with('*');
        if is_title
            || line.starts_with("送")
            || line.starts_with("发")
            || line.chars().count() <= 20
        {
            let line = if line.starts_with('（') && line.ends_with("供稿）") {
                format!("({})", line.trim_start_matches('（').trim_end_matches('）'))
            } else if is_title && !line.contains("专辑") {
                format!("# {line}")
            } else {
                line.to_string()
            };
            variant.push_str(&line);
            variant.push_str("\n\n");
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        for chunk in chars.chunks(20) {
            variant.extend(chunk.iter());
            variant.push_str("\n\n");
            page_lines += 1;
            if page_lines == 22 {
                variant.push_str(&format!("— {page} —\n\n"));
                page += 1;
                page_lines = 0;
            }
        }
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&variant);
    let dir = empty_site();
    let file = dir.path().join("variant.txt");
    std::fs::write(&file, &gbk).unwrap();
    import_into(dir.path(), &[file], &[])
        .expect_code(0)
        .expect_stdout("报头：第 13 期，2024年5月14日");
    let squeeze = |reports: Vec<Report>| -> Vec<(BTreeMap<String, String>, String)> {
        reports
            .into_iter()
            .map(|r| {
                (
                    r.fields,
                    r.paragraphs
                        .concat()
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect(),
                )
            })
            .collect()
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/2024/13");
    assert_eq!(
        squeeze(reports_in(&dir.path().join("site/content/2024/13"))),
        squeeze(reports_in(&repo)),
    );
}
