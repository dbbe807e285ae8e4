//! Helpers of the import tests: content files read back for comparison,
//! an issue of a site described as JSON for `tests/support/write_documents.py`,
//! and the third-party writers (python-docx, LibreOffice) run for real.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

/// A report (or `_issue.md`) as the comparison sees it.
#[derive(Debug, PartialEq, Clone)]
pub struct Report {
    pub fields: BTreeMap<String, String>,
    pub paragraphs: Vec<String>,
}

pub fn read_report(path: &Path) -> Report {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut parts = text.splitn(3, "---\n");
    parts.next();
    let front = parts.next().unwrap();
    let body = parts.next().unwrap_or("");
    let fields = front
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()))
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
pub fn reports_in(dir: &Path) -> Vec<Report> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_issue.md"))
        .collect();
    files.sort();
    files.iter().map(|p| read_report(p)).collect()
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What a comparison leaves out.
#[derive(Clone, Default)]
pub struct Leniency {
    /// `**`: a PDF keeps no weight.
    pub bold: bool,
    /// Spaces between Chinese and figures: a word processor's automatic
    /// spacing there cannot be told from a typed space in its PDF.
    pub figure_spaces: bool,
    /// The line breaks of a PDF, as (end of a line, start of the next): a
    /// space between two Chinese characters that fell at a break leaves no
    /// trace in the PDF. Every other space must come back.
    pub breaks: Vec<(String, String)>,
}

impl Leniency {
    pub fn bold() -> Leniency {
        Leniency {
            bold: true,
            ..Leniency::default()
        }
    }

    /// The breaks of `pdf`'s lines, from poppler's plain text.
    pub fn breaks_of(mut self, pdf: &Path) -> Leniency {
        let output = Command::new("pdftotext")
            .arg(pdf)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils)");
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        for pair in lines.windows(2) {
            let tail: String = pair[0]
                .chars()
                .rev()
                .take(3)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let head: String = pair[1].chars().take(3).collect();
            self.breaks.push((tail, head));
        }
        self
    }
}

fn is_han(c: Option<&char>) -> bool {
    c.is_some_and(|c| *c as u32 >= 0x3400)
}

fn tidy(text: &str, leniency: &Leniency) -> String {
    let mut text = text.to_string();
    if leniency.bold {
        text = text.replace("**", "");
    }
    let chars: Vec<char> = text.chars().collect();
    let figure = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let at_break = |i: usize| {
        let before: String = chars[..i].iter().collect();
        let after: String = chars[i + 1..].iter().collect();
        leniency
            .breaks
            .iter()
            .any(|(tail, head)| before.ends_with(tail.as_str()) && after.starts_with(head.as_str()))
    };
    chars
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            let (before, after) = (
                i.checked_sub(1).and_then(|j| chars.get(j)),
                chars.get(i + 1),
            );
            let mixed = (is_han(before) && figure(after)) || (figure(before) && is_han(after));
            let han = is_han(before) && is_han(after);
            !(**c == ' ' && ((leniency.figure_spaces && mixed) || (han && at_break(*i))))
        })
        .map(|(_, c)| *c)
        .collect()
}

/// Asserts that the issue imported into `imported` (a content folder of
/// one issue) is the issue in `expected`, file by file, field by field,
/// paragraph by paragraph.
pub fn assert_same_issue(imported: &Path, expected: &Path, leniency: &Leniency) {
    let issue = |dir: &Path| std::fs::read_to_string(dir.join("_issue.md")).unwrap();
    assert_eq!(
        issue(imported),
        issue(expected),
        "_issue.md of {}",
        expected.display()
    );
    let got = reports_in(imported);
    let want = reports_in(expected);
    assert_eq!(got.len(), want.len(), "number of reports");
    for (got, want) in got.iter().zip(&want) {
        assert_eq!(got.fields, want.fields, "fields");
        for (i, (g, w)) in got.paragraphs.iter().zip(&want.paragraphs).enumerate() {
            assert_eq!(
                tidy(g, leniency),
                tidy(w, leniency),
                "paragraph {} of {}",
                i + 1,
                want.fields["title"]
            );
        }
        assert_eq!(
            got.paragraphs.len(),
            want.paragraphs.len(),
            "paragraphs of {}",
            want.fields["title"]
        );
    }
}

/// The line `共 N 行：写入报告 a 行，写入本期信息 b 行，跳过 c 行，存疑未写入 d
/// 行` of each input, as (N, a, b, c, d); asserts that they add up.
pub fn accounts(stdout: &str) -> Vec<[usize; 5]> {
    stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("共 "))
        .map(|line| {
            let numbers: Vec<usize> = line
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap())
                .collect();
            let [total, reports, issue, skipped, doubtful] = numbers[..] else {
                panic!("not an account: {line}")
            };
            assert_eq!(
                total,
                reports + issue + skipped + doubtful,
                "every line accounted for: {line}"
            );
            [total, reports, issue, skipped, doubtful]
        })
        .collect()
}

// ------------------------------------------------------------------ the spec

fn site_defaults(site: &Path) -> toml::Value {
    let text = std::fs::read_to_string(site.join("site.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

fn strings(value: Option<&toml::Value>) -> Vec<String> {
    value
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// A Markdown body paragraph as runs (`**bold**`, `[^n]` references
/// resolved to their note text) or a table.
fn paragraph_spec(paragraph: &str, notes: &BTreeMap<String, String>) -> Value {
    if paragraph.starts_with('|') {
        let rows: Vec<Vec<String>> = paragraph
            .lines()
            .filter(|l| !l.contains("---"))
            .map(|l| {
                l.trim()
                    .trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_string())
                    .collect()
            })
            .collect();
        return json!({ "table": rows });
    }
    let mut runs = Vec::new();
    let mut bold = false;
    let mut rest = paragraph;
    while !rest.is_empty() {
        let next_bold = rest.find("**");
        let next_note = rest.find("[^");
        let cut = [next_bold, next_note].into_iter().flatten().min();
        let Some(cut) = cut else {
            runs.push(json!({ "text": rest, "bold": bold }));
            break;
        };
        if cut > 0 {
            runs.push(json!({ "text": &rest[..cut], "bold": bold }));
        }
        rest = &rest[cut..];
        if let Some(after) = rest.strip_prefix("**") {
            bold = !bold;
            rest = after;
        } else {
            let end = rest.find(']').unwrap();
            let label = &rest[2..end];
            runs.push(json!({ "note": notes[label] }));
            rest = &rest[end + 1..];
        }
    }
    json!({ "runs": runs })
}

fn report_spec(report: &Report) -> Value {
    let mut notes = BTreeMap::new();
    let mut body = Vec::new();
    for p in &report.paragraphs {
        if let Some(definition) = p.strip_prefix("[^") {
            let (label, text) = definition.split_once("]: ").unwrap();
            notes.insert(label.to_string(), text.to_string());
        } else {
            body.push(p.clone());
        }
    }
    json!({
        "title": format!("{}：{}", report.fields["county"], report.fields["title"]),
        "subtitle": report.fields.get("subtitle"),
        "supplier": report.fields["supplier"],
        "paragraphs": body.iter().map(|p| paragraph_spec(p, &notes)).collect::<Vec<_>>(),
    })
}

fn chinese_date(date: &str) -> String {
    let parts: Vec<u32> = date.split('-').map(|p| p.parse().unwrap()).collect();
    format!("{}年{}月{}日", parts[0], parts[1], parts[2])
}

/// The issue in `site`'s `content/<year>/<number>` as the JSON spec of
/// `write_documents.py`, the way the committee sets it.
pub fn issue_spec(site: &Path, year: u32, number: u32) -> Value {
    let folder = site.join(format!("content/{year}/{number:02}"));
    let issue = read_report(&folder.join("_issue.md"));
    let reports = reports_in(&folder);
    let config = site_defaults(site);
    let publisher = issue
        .fields
        .get("publisher")
        .cloned()
        .unwrap_or_else(|| config["publisher"].as_str().unwrap().to_string());
    let printer = issue
        .fields
        .get("printer")
        .cloned()
        .or_else(|| {
            config
                .get("printer")
                .and_then(|p| p.as_str())
                .map(String::from)
        })
        .unwrap_or_else(|| publisher.clone());
    let distribution = config.get("distribution");
    let to = issue
        .fields
        .get("送")
        .cloned()
        .unwrap_or_else(|| strings(distribution.and_then(|d| d.get("送"))).join("，"));
    let cc = issue
        .fields
        .get("发")
        .cloned()
        .unwrap_or_else(|| strings(distribution.and_then(|d| d.get("发"))).join("，"));
    let number_line = match issue.fields.get("total") {
        Some(total) => format!("第 {number} 期（总第 {total} 期）"),
        None => format!("第 {number} 期"),
    };
    json!({
        "masthead": {
            "title": config["title"].as_str().unwrap(),
            "number": number_line,
            "publisher": publisher,
            "date": chinese_date(&issue.fields["date"]),
        },
        "album": issue.fields.get("album"),
        "editor_note": issue.paragraphs,
        "contents": if reports.len() > 1 {
            reports
                .iter()
                .map(|r| format!("{}：{}", r.fields["county"], r.fields["title"]))
                .collect::<Vec<_>>()
        } else {
            Vec::new()
        },
        "reports": reports.iter().map(report_spec).collect::<Vec<_>>(),
        "footer": {
            "to": to,
            "cc": cc,
            "issuer": printer,
            "copies": issue.fields.get("copies").map(|c| c.parse::<u32>().unwrap()),
        },
    })
}

/// One report alone, as an editor sends it in: no masthead, no 版记.
pub fn report_only_spec(path: &Path) -> Value {
    json!({ "reports": [report_spec(&read_report(path))] })
}

// ------------------------------------------------------------- the writers

/// With `JIANBAO_TEST_KEEP=<folder>`, a copy of each document a test makes
/// is kept there, to open by hand when a comparison fails.
pub fn keep(path: &Path) {
    if let Some(dir) = std::env::var_os("JIANBAO_TEST_KEEP") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(path, dir.join(path.file_name().unwrap())).unwrap();
    }
}

fn run(command: &mut Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e} (bash .ci/run installs it)"));
    assert!(
        output.status.success(),
        "{what} failed\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `write_documents.py SPEC OUT flags…`: a `.docx` by python-docx, or HTML.
pub fn write_document(spec: &Value, out: &Path, flags: &[&str]) {
    let spec_path = out.with_extension("json");
    std::fs::write(&spec_path, serde_json::to_string_pretty(spec).unwrap()).unwrap();
    run(
        Command::new("python3")
            .arg(repo().join("tests/support/write_documents.py"))
            .arg(&spec_path)
            .arg(out)
            .args(flags),
        "python3 tests/support/write_documents.py (python-docx)",
    );
    assert!(out.is_file(), "{} was not written", out.display());
    keep(out);
    keep(&spec_path);
}

/// LibreOffice converts `input` to `filter` (`docx:MS Word 2007 XML`,
/// `pdf:writer_pdf_Export`, `doc:MS Word 97`…) into `dir`, with a profile
/// of its own so that tests running at once do not share one.
pub fn libreoffice(input: &Path, filter: &str, dir: &Path) -> PathBuf {
    let profile = tempfile::tempdir().unwrap();
    run(
        Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.path().display()
            ))
            .args([
                "--headless",
                "--norestore",
                "--convert-to",
                filter,
                "--outdir",
            ])
            .arg(dir)
            .arg(input),
        "soffice (Debian libreoffice-writer-nogui)",
    );
    let extension = filter.split(':').next().unwrap();
    let out = dir
        .join(input.file_stem().unwrap())
        .with_extension(extension);
    assert!(out.is_file(), "LibreOffice wrote no {}", out.display());
    keep(&out);
    out
}
