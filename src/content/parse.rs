//! Reading one content file: its front matter checked field by field
//! against the schema (`fields`), into an issue's or a report's fields.
//! Every problem is collected with its line; nothing here looks at other
//! files.

use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::front_matter::{self, FieldError, FieldSpec, Fields};
use super::messages::{date_problem, folder_of, nesting_error};
use super::{fields, files, placeholders, Distribution, Location, SourceFile};
use crate::diagnostics::{Diagnostic, Diagnostics};

pub(super) enum Parsed {
    Issue(Box<IssueFile>),
    Report(Box<ReportFile>),
    Failed,
}

pub(super) struct IssueFile {
    pub(super) year: i32,
    pub(super) number: u32,
    pub(super) display: String,
    pub(super) date: NaiveDate,
    pub(super) series_line: Option<String>,
    pub(super) total: Option<u32>,
    pub(super) copies: Option<u32>,
    pub(super) publisher: Option<String>,
    pub(super) printer: Option<String>,
    pub(super) distribution: Option<Distribution>,
    pub(super) body: String,
}

pub(super) struct ReportFile {
    pub(super) file: SourceFile,
    pub(super) slug: String,
    pub(super) issue_field: Option<(u32, Option<usize>)>,
    pub(super) county: String,
    pub(super) county_line: Option<usize>,
    pub(super) title: String,
    pub(super) subtitle: Option<String>,
    pub(super) supplier: String,
    pub(super) order: Option<i64>,
    pub(super) tags: Vec<String>,
    pub(super) draft: bool,
    pub(super) distribution: Distribution,
    pub(super) body: String,
    /// Placeholder text left in a draft: a warning when it is published.
    pub(super) placeholders: Vec<(usize, &'static str)>,
}

impl ReportFile {
    /// A draft: marked `draft: true`, or in `content/drafts/`.
    pub(super) fn is_draft(&self) -> bool {
        self.draft || matches!(self.file.location, Location::Draft)
    }
}

pub(super) fn parse_file(root: &Path, file: &SourceFile) -> (Parsed, Diagnostics) {
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
fn field_value<T>(
    errors: &mut Vec<FieldError>,
    result: Result<Option<T>, FieldError>,
) -> Option<T> {
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
    let series_line = field_value(errors, fields.text(&fields::ALBUM));
    let total = field_value(errors, fields.get::<u32>(&fields::TOTAL, "正整数"));
    let copies = field_value(
        errors,
        fields.get::<u32>(&fields::COPIES, "正整数（印数，如 70）"),
    );
    let publisher = field_value(errors, fields.text(&fields::PUBLISHER));
    let printer = field_value(errors, fields.text(&fields::PRINTER));
    let distribution = parse_distribution(fields, errors);
    if let Some(stated) = field_value(errors, number_field(fields, &fields::NUMBER)) {
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
            series_line,
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
    let issue_field = field_value(errors, number_field(fields, &fields::ISSUE))
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
    let subtitle = field_value(errors, fields.text(&fields::SUBTITLE));
    let order = field_value(errors, fields.get::<i64>(&fields::ORDER, "整数"));
    let tags = fields.text_list(&fields::TAGS).unwrap_or_else(|err| {
        errors.push(err);
        Vec::new()
    });
    let draft =
        field_value(errors, fields.get::<bool>(&fields::DRAFT, "true 或 false")).unwrap_or(false);
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
