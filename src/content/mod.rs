//! The load stage: walk `content/`, read every file into typed, validated
//! front matter, and assemble the archive model. Problems are collected,
//! not thrown: one run lists every mistake.

mod attachments;
mod files;
pub mod front_matter;
pub mod gazetteer;
mod messages;
pub mod model;
pub mod placeholders;
pub mod source;
mod validate;
mod yaml_mistakes;

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
pub use files::report_source;
use front_matter::{FieldError, FieldSpec, Fields};
use gazetteer::{Gazetteer, Place, Resolution};
use messages::{date_problem, folder_of, issue_mismatch, nesting_error, note_placeholders};
pub use model::{Archive, Asset, Distribution, Issue, Report};

pub const CONTENT_DIR: &str = "content";
pub const DRAFTS_DIR: &str = "drafts";
pub const ISSUE_FILE: &str = "_issue.md";

#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Publish reports marked as drafts and those under `content/drafts/`.
    pub drafts: bool,
}

pub mod fields {
    use super::FieldSpec;

    pub const DATE: FieldSpec = FieldSpec {
        name: "date",
        aliases: &["日期"],
        label: "日期",
    };
    pub const ALBUM: FieldSpec = FieldSpec {
        name: "album",
        aliases: &["专辑", "系列"],
        label: "专辑名称",
    };
    pub const TOTAL: FieldSpec = FieldSpec {
        name: "total",
        aliases: &["总期号", "总第"],
        label: "总期号",
    };
    pub const COPIES: FieldSpec = FieldSpec {
        name: "copies",
        aliases: &["印数", "共印"],
        label: "印数",
    };
    pub const PUBLISHER: FieldSpec = FieldSpec {
        name: "publisher",
        aliases: &["编印单位", "编印"],
        label: "编印单位",
    };
    pub const PRINTER: FieldSpec = FieldSpec {
        name: "printer",
        aliases: &["印发单位"],
        label: "印发单位",
    };
    pub const DISTRIBUTION: FieldSpec = FieldSpec {
        name: "distribution",
        aliases: &["分送", "发送范围"],
        label: "分送范围",
    };
    pub const NUMBER: FieldSpec = FieldSpec {
        name: "number",
        aliases: &["期数"],
        label: "期号",
    };
    pub const ISSUE_FIELDS: &[FieldSpec] = &[
        DATE,
        ALBUM,
        TOTAL,
        COPIES,
        PUBLISHER,
        PRINTER,
        DISTRIBUTION,
        NUMBER,
    ];

    pub const ISSUE: FieldSpec = FieldSpec {
        name: "issue",
        aliases: &["期号", "期"],
        label: "期号",
    };
    pub const COUNTY: FieldSpec = FieldSpec {
        name: "county",
        aliases: &["县区", "区县", "县", "地区"],
        label: "县区",
    };
    pub const TITLE: FieldSpec = FieldSpec {
        name: "title",
        aliases: &["标题", "题目"],
        label: "标题",
    };
    pub const SUPPLIER: FieldSpec = FieldSpec {
        name: "supplier",
        aliases: &["供稿", "供稿单位"],
        label: "供稿单位",
    };
    pub const SUBTITLE: FieldSpec = FieldSpec {
        name: "subtitle",
        aliases: &["副标题"],
        label: "副标题",
    };
    pub const ORDER: FieldSpec = FieldSpec {
        name: "order",
        aliases: &["顺序", "排序"],
        label: "排列顺序",
    };
    pub const TAGS: FieldSpec = FieldSpec {
        name: "tags",
        aliases: &["关键词", "标签"],
        label: "关键词",
    };
    pub const DRAFT: FieldSpec = FieldSpec {
        name: "draft",
        aliases: &["草稿"],
        label: "草稿",
    };
    pub const REPORT_FIELDS: &[FieldSpec] = &[
        ISSUE,
        COUNTY,
        TITLE,
        SUPPLIER,
        SUBTITLE,
        ORDER,
        TAGS,
        DISTRIBUTION,
        DRAFT,
    ];

    pub const TO: FieldSpec = FieldSpec {
        name: "to",
        aliases: &["送"],
        label: "送",
    };
    pub const CC: FieldSpec = FieldSpec {
        name: "cc",
        aliases: &["发"],
        label: "发",
    };
    pub const DISTRIBUTION_FIELDS: &[FieldSpec] = &[TO, CC];
}

/// Loads and validates the site at `root`. Returns the archive when there
/// are no errors; the diagnostics (warnings at least) in every case.
pub fn load(root: &Path, options: LoadOptions) -> (Option<Archive>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let config = match SiteConfig::load_noting_encoding(root) {
        Ok((config, note)) => {
            if let Some(note) = note {
                diagnostics.push(note);
            }
            Some(config)
        }
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            None
        }
    };
    let found = files::discover(root, &mut diagnostics);

    let parsed: Vec<(Parsed, Diagnostics)> = found
        .sources
        .par_iter()
        .map(|file| parse_file(root, file))
        .collect();
    let mut issue_files = Vec::new();
    let mut report_files = Vec::new();
    // Issues with a report that could not be read: not "without reports".
    let mut unread = std::collections::HashSet::new();
    for ((parsed, file_diagnostics), file) in parsed.into_iter().zip(&found.sources) {
        diagnostics.extend(file_diagnostics);
        match parsed {
            Parsed::Issue(issue) => issue_files.push(*issue),
            Parsed::Report(report) => report_files.push(*report),
            Parsed::Failed => {
                if let Location::Report { year, number } = file.location {
                    unread.insert((year, number));
                }
            }
        }
    }
    // A broken site.toml still lets the content be checked, so one run
    // lists every mistake; the archive is then discarded.
    let config_broken = config.is_none();
    let config = config.unwrap_or_else(|| SiteConfig::parse("").expect("the defaults are valid"));
    let assets = found
        .assets
        .into_iter()
        .filter(|a| options.drafts || !a.draft)
        .collect();
    let assets = attachments::screen(assets, &mut diagnostics);
    let archive = assemble(
        config,
        issue_files,
        report_files,
        assets,
        options,
        &mut diagnostics,
    );
    validate::check_archive(&archive, &unread, &mut diagnostics);
    if diagnostics.has_errors() || config_broken {
        (None, diagnostics)
    } else {
        (Some(archive), diagnostics)
    }
}

/// Where a content file sits, which says what it is.
#[derive(Debug, Clone)]
pub enum Location {
    Issue { year: i32, number: u32 },
    Report { year: i32, number: u32 },
    Draft,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Path relative to the site root, as editors see it.
    pub display: String,
    /// Path relative to `content/`.
    pub relative: String,
    pub location: Location,
}

enum Parsed {
    Issue(Box<IssueFile>),
    Report(Box<ReportFile>),
    Failed,
}

struct IssueFile {
    year: i32,
    number: u32,
    display: String,
    date: NaiveDate,
    album: Option<String>,
    total: Option<u32>,
    copies: Option<u32>,
    publisher: Option<String>,
    printer: Option<String>,
    distribution: Option<Distribution>,
    body: String,
}

struct ReportFile {
    file: SourceFile,
    slug: String,
    issue_field: Option<(u32, Option<usize>)>,
    county: String,
    county_line: Option<usize>,
    title: String,
    subtitle: Option<String>,
    supplier: String,
    order: Option<i64>,
    tags: Vec<String>,
    draft: bool,
    distribution: Distribution,
    body: String,
    /// Placeholder text left in a draft: a warning when it is published.
    placeholders: Vec<(usize, &'static str)>,
}

fn parse_file(root: &Path, file: &SourceFile) -> (Parsed, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let Some(text) = files::read_text(root, file, &mut diagnostics) else {
        return (Parsed::Failed, diagnostics);
    };
    let (parsed, problems) = parse_text(&text, file);
    diagnostics.extend(problems);
    (parsed, diagnostics)
}

/// What the loader says of a content file's decoded text, read as the
/// file at `file`'s place in the archive (front matter, fields and their
/// values), without touching the disk. Public for the fuzz targets, which
/// feed it any text.
pub fn check_text(text: &str, file: &SourceFile) -> Diagnostics {
    parse_text(text, file).1
}

fn parse_text(text: &str, file: &SourceFile) -> (Parsed, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let report = |diagnostics: &mut Diagnostics, err: FieldError| {
        let mut diagnostic = Diagnostic::error(file.display.clone(), err.line, err.message);
        diagnostic.hint = err.hint;
        diagnostics.push(diagnostic);
    };
    let split = match front_matter::split(text) {
        Ok(split) => split,
        Err(err) => {
            report(&mut diagnostics, err);
            return (Parsed::Failed, diagnostics);
        }
    };
    let specs = match file.location {
        Location::Issue { .. } => fields::ISSUE_FIELDS,
        _ => fields::REPORT_FIELDS,
    };
    let (fields, unknown) = match Fields::parse(split.yaml, 1, specs) {
        Ok(parsed) => parsed,
        Err(err) => {
            report(&mut diagnostics, err);
            return (Parsed::Failed, diagnostics);
        }
    };
    for err in unknown {
        report(&mut diagnostics, err);
    }
    let mut errors = Vec::new();
    // What `init` and `new` wrote to be replaced never goes out: in a
    // file that would be published it is an error.
    let draft = matches!(file.location, Location::Draft)
        || matches!(
            fields.raw(fields::DRAFT.name),
            Some(serde_yaml::Value::Bool(true))
        );
    if let Some(err) = nesting_error(split.body, split.body_line) {
        errors.push(err);
    }
    let unfinished = placeholders::find(text, split.body_line);
    if !draft {
        for (line, phrase) in &unfinished {
            errors.push(FieldError {
                line: Some(*line),
                message: placeholders::message(phrase),
                hint: Some(placeholders::HINT.into()),
            });
        }
    }
    let mut parsed = match file.location {
        Location::Issue { year, number } => {
            parse_issue(&fields, &mut errors, year, number, file, split.body)
        }
        _ => parse_report(&fields, &mut errors, file, split.body),
    };
    if let Parsed::Report(report) = &mut parsed {
        report.placeholders = unfinished;
    }
    for err in errors {
        report(&mut diagnostics, err);
    }
    if diagnostics.has_errors() {
        (Parsed::Failed, diagnostics)
    } else {
        (parsed, diagnostics)
    }
}

/// Collects a field's error and yields its value (or nothing).
fn take<T>(errors: &mut Vec<FieldError>, result: Result<Option<T>, FieldError>) -> Option<T> {
    result.unwrap_or_else(|err| {
        errors.push(err);
        None
    })
}

fn parse_issue(
    fields: &Fields,
    errors: &mut Vec<FieldError>,
    year: i32,
    number: u32,
    file: &SourceFile,
    body: &str,
) -> Parsed {
    let date = match fields.raw(fields::DATE.name) {
        None => {
            errors.extend(fields.missing(&fields::DATE));
            None
        }
        Some(value) => {
            let raw = match value {
                serde_yaml::Value::String(s) => s.clone(),
                other => serde_yaml::to_string(other).unwrap_or_default(),
            };
            let line = fields.line_of(fields::DATE.name);
            let date = crate::text::parse_date(&raw);
            match date {
                None => errors.push(FieldError {
                    line,
                    message: match date_problem(&raw) {
                        Some(why) => format!("日期“{}”无法识别：{why}", raw.trim()),
                        None => format!("日期“{}”无法识别", raw.trim()),
                    },
                    hint: Some("请写成 YYYY-MM-DD，例如 2024-07-15".into()),
                }),
                // Checked here, where the date's line is known.
                Some(date) if date.year() != year => errors.push(FieldError {
                    line,
                    message: format!(
                        "日期 {date} 不在 {year} 年，但这一期放在 {year} 年的文件夹 {} 中",
                        folder_of(&file.display)
                    ),
                    hint: Some(format!(
                        "请改正日期（须在 {year} 年内），或把这一期移到 content/{}/ 中",
                        date.year()
                    )),
                }),
                Some(_) => {}
            }
            date
        }
    };
    let album = take(errors, fields.text(&fields::ALBUM));
    let total = take(errors, fields.get::<u32>(&fields::TOTAL, "正整数"));
    let copies = take(
        errors,
        fields.get::<u32>(&fields::COPIES, "正整数（印数，如 70）"),
    );
    let publisher = take(errors, fields.text(&fields::PUBLISHER));
    let printer = take(errors, fields.text(&fields::PRINTER));
    let distribution = parse_distribution(fields, errors);
    if let Some(stated) = take(errors, number_field(fields, &fields::NUMBER)) {
        if stated != number {
            errors.push(FieldError {
                line: fields.line_of(fields::NUMBER.name),
                message: format!("元数据写的是第 {stated} 期，但文件夹是第 {number} 期"),
                hint: Some(format!(
                    "请改正其中之一：文件夹 {} 对应第 {number} 期",
                    folder_of(&file.display)
                )),
            });
        }
    }
    match date {
        Some(date) if errors.is_empty() => Parsed::Issue(Box::new(IssueFile {
            year,
            number,
            display: file.display.clone(),
            date,
            album,
            total,
            copies,
            publisher,
            printer,
            distribution: fields.raw(fields::DISTRIBUTION.name).map(|_| distribution),
            body: body.to_string(),
        })),
        _ => Parsed::Failed,
    }
}

/// An issue number: `27`, `"27"`, `"第27期"` or `"第 27 期"`.
fn number_field(fields: &Fields, spec: &FieldSpec) -> Result<Option<u32>, FieldError> {
    let Some(value) = fields.raw(spec.name) else {
        return Ok(None);
    };
    let text = match value {
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::String(s) => s.clone(),
        _ => String::new(),
    };
    let digits: String = text
        .chars()
        .map(crate::text::fold_width)
        .filter(|c| !matches!(c, '第' | '期' | ' '))
        .collect();
    match digits.parse::<u32>() {
        Ok(n) if n > 0 => Ok(Some(n)),
        _ => Err(FieldError {
            line: fields.line_of(spec.name),
            message: format!(
                "字段“{}”（{}）的值 {} 不是期号",
                spec.name,
                spec.label,
                front_matter::show_value(value)
            ),
            hint: Some("期号写数字即可，例如 27".into()),
        }),
    }
}

fn parse_distribution(fields: &Fields, errors: &mut Vec<FieldError>) -> Distribution {
    let Some(value) = fields.raw(fields::DISTRIBUTION.name) else {
        return Distribution::default();
    };
    let line = fields.line_of(fields::DISTRIBUTION.name);
    let serde_yaml::Value::Mapping(mapping) = value else {
        errors.push(FieldError {
            line,
            message: "分送范围（distribution）应当分“送”和“发”两项".into(),
            hint: Some(
                "写成：\ndistribution:\n  送: [省人大常委会主任、副主任、秘书长]\n  发: [……]"
                    .into(),
            ),
        });
        return Distribution::default();
    };
    let mut distribution = Distribution::default();
    for (key, value) in mapping {
        let key = key.as_str().unwrap_or_default().trim();
        let target = if fields::TO.name == key || fields::TO.aliases.contains(&key) {
            &mut distribution.to
        } else if fields::CC.name == key || fields::CC.aliases.contains(&key) {
            &mut distribution.cc
        } else {
            errors.push(FieldError {
                line,
                message: format!("分送范围中有未知的项“{key}”"),
                hint: Some("分送范围只有“送”（to）和“发”（cc）两项".into()),
            });
            continue;
        };
        match value {
            serde_yaml::Value::String(s) => target.push(s.trim().to_string()),
            other => match front_matter::list_of_texts(Some(other)) {
                Ok(items) => target.extend(items),
                Err(shown) => errors.push(FieldError {
                    line,
                    message: format!("分送范围“{key}”应当是文字或文字列表，却写成了 {shown}"),
                    hint: None,
                }),
            },
        }
    }
    distribution
}

fn parse_report(
    fields: &Fields,
    errors: &mut Vec<FieldError>,
    file: &SourceFile,
    body: &str,
) -> Parsed {
    let required = |errors: &mut Vec<FieldError>, spec: &FieldSpec| -> Option<String> {
        match fields.text(spec) {
            Ok(Some(value)) => Some(value),
            Ok(None) => {
                errors.extend(fields.missing(spec));
                None
            }
            Err(err) => {
                errors.push(err);
                None
            }
        }
    };
    let issue_field = take(errors, number_field(fields, &fields::ISSUE))
        .map(|n| (n, fields.line_of(fields::ISSUE.name)));
    if matches!(file.location, Location::Report { .. })
        && issue_field.is_none()
        && fields.raw(fields::ISSUE.name).is_none()
    {
        errors.extend(fields.missing(&fields::ISSUE));
    }
    let county = required(errors, &fields::COUNTY);
    let title = required(errors, &fields::TITLE);
    let supplier = required(errors, &fields::SUPPLIER);
    let subtitle = take(errors, fields.text(&fields::SUBTITLE));
    let order = take(errors, fields.get::<i64>(&fields::ORDER, "整数"));
    let tags = fields.text_list(&fields::TAGS).unwrap_or_else(|err| {
        errors.push(err);
        Vec::new()
    });
    let draft = take(errors, fields.get::<bool>(&fields::DRAFT, "true 或 false")).unwrap_or(false);
    let distribution = parse_distribution(fields, errors);
    let slug = Path::new(&file.relative)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match (county, title, supplier) {
        (Some(county), Some(title), Some(supplier)) if errors.is_empty() => {
            Parsed::Report(Box::new(ReportFile {
                file: file.clone(),
                slug,
                issue_field,
                county_line: fields.line_of(fields::COUNTY.name),
                county,
                title,
                subtitle,
                supplier: strip_credit(&supplier),
                order,
                tags,
                draft,
                distribution,
                body: body.to_string(),
                placeholders: Vec::new(),
            }))
        }
        _ => Parsed::Failed,
    }
}

/// Editors sometimes copy the whole credit line: （驻马店市人大常委会代表工委供稿）.
fn strip_credit(supplier: &str) -> String {
    let trimmed = supplier
        .trim()
        .trim_start_matches(['（', '('])
        .trim_end_matches(['）', ')']);
    trimmed
        .strip_suffix("供稿")
        .unwrap_or(trimmed)
        .trim()
        .to_string()
}

fn assemble(
    config: SiteConfig,
    issue_files: Vec<IssueFile>,
    mut report_files: Vec<ReportFile>,
    assets: Vec<Asset>,
    options: LoadOptions,
    diagnostics: &mut Diagnostics,
) -> Archive {
    let mut issues: Vec<Issue> = issue_files
        .into_iter()
        .map(|file| {
            let mut distribution = file.distribution.clone().unwrap_or_else(|| Distribution {
                to: config.distribution.to.clone(),
                cc: config.distribution.cc.clone(),
            });
            distribution.to.retain(|s| !s.is_empty());
            let note = file.body.trim();
            Issue {
                year: file.year,
                number: file.number,
                source: file.display,
                date: file.date,
                album: file.album,
                total: file.total,
                copies: file.copies,
                publisher: file.publisher.unwrap_or_else(|| config.publisher.clone()),
                printer: file.printer.unwrap_or_else(|| config.printer().to_string()),
                distribution,
                editor_note_html: (!note.is_empty())
                    .then(|| crate::markdown::render(note, "editor-note").html),
                reports: Vec::new(),
            }
        })
        .collect();
    issues.sort_by_key(|issue| (issue.year, issue.number));

    // Contents order: `order` first, then file name.
    report_files.sort_by(|a, b| {
        let key = |r: &ReportFile| match r.file.location {
            Location::Report { year, number } => (0, year, number),
            _ => (1, 0, 0),
        };
        key(a)
            .cmp(&key(b))
            .then(
                a.order
                    .unwrap_or(i64::MAX)
                    .cmp(&b.order.unwrap_or(i64::MAX)),
            )
            .then(a.file.relative.cmp(&b.file.relative))
    });

    let gazetteer = Gazetteer::henan();
    let mut reports = Vec::new();
    for file in report_files {
        let in_drafts_folder = matches!(file.file.location, Location::Draft);
        if (file.draft || in_drafts_folder) && !options.drafts {
            continue;
        }
        note_placeholders(&file, diagnostics);
        let issue = match file.file.location {
            Location::Report { year, number } => {
                let index = issues
                    .iter()
                    .position(|i| i.year == year && i.number == number);
                if let Some((stated, line)) = file.issue_field {
                    if stated != number {
                        diagnostics.push(issue_mismatch(
                            &file.file, line, stated, year, number, &issues,
                        ));
                    }
                }
                if index.is_none() {
                    // The missing _issue.md is reported by validate.
                    continue;
                }
                index
            }
            _ => None,
        };
        let place = resolve_place(gazetteer, &file, diagnostics);
        reports.push((file, issue, place));
    }

    let rendered: Vec<Report> = reports
        .into_par_iter()
        .map(|(file, issue, place)| finish_report(file, issue, place, &config))
        .collect();
    for (index, report) in rendered.iter().enumerate() {
        if let Some(issue) = report.issue {
            issues[issue].reports.push(index);
            let added = report.added_distribution.clone();
            issues[issue].distribution.add(&added);
        }
    }
    Archive {
        config,
        issues,
        reports: rendered,
        assets,
    }
}

/// The report as templates see it: its body rendered and its keywords
/// drawn (the costly part of loading).
fn finish_report(
    file: ReportFile,
    issue: Option<usize>,
    place: Place,
    config: &SiteConfig,
) -> Report {
    let body = crate::markdown::render(&file.body, &file.slug);
    let keywords = crate::keywords::extract(
        &file.title,
        &body.plain,
        &file.tags,
        config.keywords_per_report,
    );
    Report {
        slug: file.slug,
        source: file.file.relative,
        issue,
        county: file.county,
        place,
        title: file.title,
        subtitle: file.subtitle,
        supplier: file.supplier,
        order: file.order,
        tags: file.tags,
        draft: file.draft || matches!(file.file.location, Location::Draft),
        body_html: body.html,
        plain_text: body.plain,
        keywords,
        added_distribution: file.distribution,
    }
}

/// A report file read again after an edit (`serve`).
pub enum Reloaded {
    /// The report as a full load would make it, for the same place in the
    /// archive; with the file's warnings.
    Report(Box<Report>, Diagnostics),
    /// The file has errors.
    Failed(Diagnostics),
    /// The edit moves the report (another issue, order or draft state) or
    /// changes its issue's distribution: only a full load is right.
    NeedsFullLoad,
}

/// Reads report `index` of `archive` again from `file`.
pub fn reload_report(
    root: &Path,
    archive: &Archive,
    index: usize,
    file: &SourceFile,
    options: LoadOptions,
) -> Reloaded {
    let (parsed, mut diagnostics) = parse_file(root, file);
    let report_file = match parsed {
        Parsed::Report(report_file) => *report_file,
        Parsed::Failed => return Reloaded::Failed(diagnostics),
        Parsed::Issue(_) => return Reloaded::NeedsFullLoad,
    };
    let before = &archive.reports[index];
    let draft = report_file.draft || matches!(file.location, Location::Draft);
    let issue = match file.location {
        Location::Report { year, number } => {
            if let Some((stated, line)) = report_file.issue_field {
                if stated != number {
                    diagnostics.push(issue_mismatch(
                        file,
                        line,
                        stated,
                        year,
                        number,
                        &archive.issues,
                    ));
                    return Reloaded::Failed(diagnostics);
                }
            }
            archive
                .issues
                .iter()
                .position(|i| i.year == year && i.number == number)
        }
        Location::Draft | Location::Issue { .. } => None,
    };
    if issue != before.issue
        || draft != before.draft
        || (draft && !options.drafts)
        || report_file.order != before.order
        || report_file.distribution != before.added_distribution
    {
        return Reloaded::NeedsFullLoad;
    }
    note_placeholders(&report_file, &mut diagnostics);
    let place = resolve_place(Gazetteer::henan(), &report_file, &mut diagnostics);
    let report = finish_report(report_file, issue, place, &archive.config);
    Reloaded::Report(Box::new(report), diagnostics)
}

/// The archive's own checks, for an archive changed in place.
pub fn check_archive(archive: &Archive, diagnostics: &mut Diagnostics) {
    validate::check_archive(archive, &Default::default(), diagnostics);
}

fn resolve_place(gazetteer: &Gazetteer, file: &ReportFile, diagnostics: &mut Diagnostics) -> Place {
    let unknown = Place {
        code: None,
        name: file.county.clone(),
        prefecture: None,
    };
    match gazetteer.resolve(&file.county) {
        Resolution::Found(place) => place,
        Resolution::Ambiguous(candidates) => {
            diagnostics.push(
                Diagnostic::warning(
                    file.file.display.clone(),
                    file.county_line,
                    format!("县区“{}”可能是：{}", file.county, candidates.join("、")),
                )
                .hint("请在县区前加上省辖市名，如“安阳市北关区”；报告仍会按原写法发布"),
            );
            unknown
        }
        Resolution::Unknown => {
            diagnostics.push(
                Diagnostic::warning(
                    file.file.display.clone(),
                    file.county_line,
                    format!("县区“{}”不在河南省行政区划名录中", file.county),
                )
                .hint(
                    "请检查县区名是否写错（可写作“安阳市北关区”或“北关区”）；报告仍会按原写法发布",
                ),
            );
            unknown
        }
    }
}
