//! What each fuzz target does with one input, and the properties it checks.
//! Shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`) and by the
//! regression test (`tests/fuzz_regressions.rs`), so a kept input goes
//! through exactly the code that found it. Every function panics when a
//! property fails; errors for the editor are fine, but they must be
//! complaints in Chinese that point inside the file.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Component, Path};

use jianbao::config::SiteConfig;
use jianbao::content::front_matter::{self, FieldError, FieldSpec, Fields};
use jianbao::content::gazetteer::Gazetteer;
use jianbao::content::source;
use jianbao::content::{self, fields, Location, SourceFile};
use jianbao::import::{self, ImportOptions, ImportedIssue};
use serde_yaml::Value;

/// A complaint the loader or importer would show an editor.
#[derive(Debug, Clone)]
pub struct Complaint {
    pub line: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl From<FieldError> for Complaint {
    fn from(err: FieldError) -> Self {
        Complaint {
            line: err.line,
            message: err.message,
            hint: err.hint,
        }
    }
}

fn has_han(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Messages and hints are Chinese sentences; lines are inside the file.
fn check_complaints(complaints: &[Complaint], line_count: usize) {
    for complaint in complaints {
        assert!(
            has_han(&complaint.message),
            "a message without Chinese: {complaint:?}"
        );
        if let Some(hint) = &complaint.hint {
            assert!(has_han(hint), "a hint without Chinese: {complaint:?}");
        }
        if let Some(line) = complaint.line {
            assert!(
                (1..=line_count.max(1)).contains(&line),
                "line {line} outside a file of {line_count} lines: {complaint:?}"
            );
        }
    }
}

fn decode_problem(problem: &source::DecodeProblem) -> Complaint {
    Complaint {
        line: None,
        message: problem.message(),
        hint: Some(problem.hint()),
    }
}

// ---------------------------------------------------------------- front_matter

/// One content file's bytes, read as the loader reads `_issue.md` and a
/// report: decode, split, then the loader's own reading of the front
/// matter and every field. Returns the complaints (issue reading first).
pub fn front_matter(bytes: &[u8]) -> Vec<Complaint> {
    let decoded = match source::decode(bytes) {
        Ok(decoded) => decoded,
        Err(problem) => {
            let complaints = vec![decode_problem(&problem)];
            check_complaints(&complaints, 0);
            return complaints;
        }
    };
    let text = decoded.text.as_str();
    assert!(!text.contains('\r'), "line ends are normalised");
    assert!(!text.starts_with('\u{feff}'), "the BOM is dropped");
    if let Some(note) = decoded.encoding.note() {
        assert!(has_han(note));
    }
    let line_count = text.lines().count();
    let mut complaints = Vec::new();
    let split = match front_matter::split(text) {
        Ok(split) => split,
        Err(err) => {
            complaints.push(Complaint::from(err));
            check_complaints(&complaints, line_count);
            return complaints;
        }
    };
    assert!(
        text.ends_with(split.body),
        "the body is the end of the file"
    );
    if !split.body.is_empty() {
        let before = &text[..text.len() - split.body.len()];
        assert_eq!(
            before.matches('\n').count() + 1,
            split.body_line,
            "body_line is the line the body starts on"
        );
    }
    // Read as the loader reads it, once as `_issue.md` and once as a report.
    for (relative, location) in [
        (
            "2024/01/_issue.md",
            Location::Issue {
                year: 2024,
                number: 1,
            },
        ),
        (
            "2024/01/01-report.md",
            Location::Report {
                year: 2024,
                number: 1,
            },
        ),
    ] {
        let file = SourceFile {
            path: Path::new("content").join(relative),
            display: format!("content/{relative}"),
            relative: relative.to_string(),
            location,
        };
        complaints.extend(content::check_text(text, &file).iter().map(|d| {
            assert_eq!(d.path, file.display, "the complaint names the file");
            Complaint {
                line: d.line,
                message: d.message.clone(),
                hint: d.hint.clone(),
            }
        }));
    }
    // Texts come trimmed; places are resolved later, when the archive is
    // assembled.
    if let Ok((fields, _)) = Fields::parse(split.yaml, 1, fields::REPORT_FIELDS) {
        for spec in [&fields::COUNTY, &fields::TITLE, &fields::SUPPLIER] {
            if let Ok(Some(value)) = fields.text(spec) {
                assert!(!value.is_empty() && value.trim() == value);
                if spec.name == fields::COUNTY.name {
                    let _ = Gazetteer::henan().resolve(&value);
                }
            }
        }
    }
    check_complaints(&complaints, line_count);
    complaints
}

// ---------------------------------------------------------------------- import

/// One input of `jianbao import`: decode and parse it, then plan the files
/// (with and without `--issue`/`--date`) and read each planned file back
/// the way `jianbao build` will. What the importer writes must load, with
/// the values it meant to write, and the files must not overwrite each
/// other or leave `content/`.
pub fn import(bytes: &[u8]) -> Option<ImportedIssue> {
    let issue = match import::read_issue(bytes) {
        Ok(issue) => issue,
        Err(problem) => {
            check_complaints(&[decode_problem(&problem)], 0);
            return None;
        }
    };
    check_imported(&issue);
    Some(issue)
}

/// One input as the `document.xml` of a Word file (put into a real zip
/// package, so the fuzzer works on the XML rather than on checksums),
/// read by the Word reader and then checked as `import` checks a text:
/// an error is a Chinese sentence, and what would be written loads back.
pub fn docx(document_xml: &[u8]) -> Option<ImportedIssue> {
    let package = word_package(document_xml);
    match import::read_docx(&package) {
        Ok(issue) => {
            check_imported(&issue);
            Some(issue)
        }
        Err(err) => {
            let message = err.to_string();
            assert!(has_han(&message), "an error without Chinese: {message}");
            None
        }
    }
}

/// The smallest package Word's readers accept around `document_xml`.
fn word_package(document_xml: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 3] = [
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", document_xml),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, options).expect("a part starts");
        zip.write_all(bytes).expect("a part is written");
    }
    zip.finish().expect("the package closes").into_inner()
}

/// What `jianbao import` would write from `issue` loads back the way
/// `jianbao build` reads it, with the values it meant.
fn check_imported(issue: &ImportedIssue) {
    for doubt in &issue.doubts {
        assert!(has_han(doubt), "a doubt without Chinese: {doubt}");
    }
    let config = SiteConfig::parse("").expect("the defaults are valid");
    let date = chrono::NaiveDate::from_ymd_opt(2024, 7, 15);
    for options in [
        ImportOptions {
            issue: None,
            date: None,
            force: false,
        },
        ImportOptions {
            issue: Some((2024, 7)),
            date,
            force: false,
        },
    ] {
        let planned = import::files_for(issue, &config, &options);
        let mut paths = BTreeSet::new();
        let mut reports = issue.reports.iter();
        for (path, text) in &planned {
            check_planned_path(path);
            assert!(
                paths.insert(path.clone()),
                "two planned files at {}",
                path.display()
            );
            if path.ends_with("_issue.md") {
                check_issue_file(text, issue, &options);
            } else {
                let report = reports.next().expect("one file per report");
                check_report_file(text, report);
            }
        }
        assert!(reports.next().is_none(), "every report has a file");
    }
}

fn check_planned_path(path: &Path) {
    assert!(
        path.components().all(|c| matches!(c, Component::Normal(_))),
        "{} must stay inside the site",
        path.display()
    );
    assert!(path.starts_with("content"), "{}", path.display());
    assert_eq!(
        path.extension().and_then(|e| e.to_str()),
        Some("md"),
        "{}",
        path.display()
    );
    let name = path.file_name().unwrap().to_string_lossy();
    assert!(
        !name.starts_with(['.', '~']),
        "{name} would be ignored by the loader"
    );
}

/// Splits a planned file and parses its front matter with `specs`; the
/// importer must write nothing the loader rejects as YAML or as unknown.
fn planned_fields<'a>(text: &'a str, specs: &[FieldSpec]) -> Fields<'a> {
    let decoded = source::decode(text.as_bytes()).expect("the importer writes UTF-8");
    assert_eq!(decoded.text, text, "the importer writes plain \\n text");
    let split = front_matter::split(text)
        .unwrap_or_else(|err| panic!("planned file does not split: {err:?}\n{text}"));
    let (fields, unknown) = Fields::parse(split.yaml, 1, specs)
        .unwrap_or_else(|err| panic!("planned front matter does not parse: {err:?}\n{text}"));
    assert!(unknown.is_empty(), "unknown fields {unknown:?}\n{text}");
    fields
}

fn text_of(fields: &Fields, spec: &FieldSpec, file: &str) -> Option<String> {
    fields
        .text(spec)
        .unwrap_or_else(|err| panic!("{} is not text: {err:?}\n{file}", spec.name))
}

fn non_empty(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|s| !s.is_empty())
}

fn check_issue_file(text: &str, issue: &ImportedIssue, options: &ImportOptions) {
    let fields = planned_fields(text, fields::ISSUE_FIELDS);
    let date = match fields.raw(fields::DATE.name) {
        Some(Value::String(s)) => s.clone(),
        other => panic!("date is not text: {other:?}\n{text}"),
    };
    assert_eq!(
        jianbao::text::parse_date(&date),
        options.date.or(issue.date),
        "{text}"
    );
    if let Some(album) = &issue.album {
        assert_eq!(
            text_of(&fields, &fields::ALBUM, text),
            non_empty(album),
            "{text}"
        );
    }
    let copies = fields
        .get::<u32>(&fields::COPIES, "正整数")
        .unwrap_or_else(|err| panic!("copies: {err:?}\n{text}"));
    assert_eq!(copies, issue.copies, "{text}");
    for (spec, value) in [
        (&fields::PUBLISHER, &issue.publisher),
        (&fields::PRINTER, &issue.printer),
    ] {
        if let Some(written) = text_of(&fields, spec, text) {
            assert_eq!(
                Some(written),
                value.as_deref().and_then(non_empty),
                "{text}"
            );
        }
    }
    if let Some(Value::Mapping(distribution)) = fields.raw(fields::DISTRIBUTION.name) {
        for (key, value) in distribution {
            let written = match value {
                Value::String(s) => s.trim().to_string(),
                other => panic!("distribution {key:?} is not text: {other:?}\n{text}"),
            };
            let meant = match key.as_str() {
                Some("送") => issue.to.clone(),
                Some("发") => issue.cc.clone(),
                other => panic!("distribution key {other:?}\n{text}"),
            };
            if let Some(meant) = meant {
                assert_eq!(written, meant.trim(), "{text}");
            }
        }
    }
}

fn check_report_file(text: &str, report: &import::ImportedReport) {
    let fields = planned_fields(text, fields::REPORT_FIELDS);
    assert_eq!(
        text_of(&fields, &fields::COUNTY, text),
        non_empty(&report.county),
        "{text}"
    );
    assert_eq!(
        text_of(&fields, &fields::TITLE, text),
        non_empty(&report.title),
        "{text}"
    );
    if let Some(supplier) = &report.supplier {
        assert_eq!(
            text_of(&fields, &fields::SUPPLIER, text),
            non_empty(supplier),
            "{text}"
        );
    }
}

// -------------------------------------------------------------------- markdown

/// A body as the loader renders it: decoded, Markdown to sanitised HTML,
/// plain text, keywords.
pub fn markdown(bytes: &[u8]) -> Option<String> {
    let decoded = source::decode(bytes).ok()?;
    let rendered = jianbao::markdown::render(&decoded.text, "fuzz");
    // Text is escaped, so every `<` opens a tag; `javascript:` in the text
    // itself is harmless.
    for tag in rendered.html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("").to_ascii_lowercase();
        let banned = tag.starts_with("script")
            || tag.starts_with("iframe")
            || tag.contains("href=\"javascript:")
            || tag.contains("src=\"javascript:");
        assert!(!banned, "<{tag}> survived: {}", rendered.html);
    }
    let title: String = rendered
        .plain
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(40)
        .collect();
    let keywords = jianbao::keywords::extract(&title, &rendered.plain, &[], 8);
    assert!(keywords.len() <= 8);
    Some(rendered.html)
}
