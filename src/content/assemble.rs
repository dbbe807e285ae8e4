//! Assembling the archive from the files read: issues in order, each
//! report placed in its issue (contents order: `order`, then file name),
//! its county resolved, its body converted and its keywords drawn.

use rayon::prelude::*;

use super::gazetteer::{Gazetteer, Place, Resolution};
use super::messages::{issue_mismatch, note_placeholders};
use super::parse::{IssueFile, ReportFile};
use super::{Archive, Asset, Distribution, Issue, LoadOptions, Location, Report};
use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};

pub(super) fn assemble(
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
                series_line: file.series_line,
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
        if file.is_draft() && !options.drafts {
            continue;
        }
        note_placeholders(&file, diagnostics);
        let issue = match file.file.location {
            Location::Report { year, number } => {
                let index = issue_index(&issues, year, number);
                if let Some(mismatch) = folder_mismatch(&file, year, number, &issues) {
                    diagnostics.push(mismatch);
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
        .map(|(file, issue, place)| build_report(file, issue, place, &config))
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

/// The report as the model holds it: its body as HTML and plain text,
/// and its keywords drawn (the costly part of loading).
pub(super) fn build_report(
    file: ReportFile,
    issue: Option<usize>,
    place: Place,
    config: &SiteConfig,
) -> Report {
    let draft = file.is_draft();
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
        draft,
        body_html: body.html,
        plain_text: body.plain,
        keywords,
        added_distribution: file.distribution,
    }
}

pub(super) fn resolve_place(
    gazetteer: &Gazetteer,
    file: &ReportFile,
    diagnostics: &mut Diagnostics,
) -> Place {
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

/// The position of issue `number` of `year` in `issues`.
pub(super) fn issue_index(issues: &[Issue], year: i32, number: u32) -> Option<usize> {
    issues
        .iter()
        .position(|i| i.year == year && i.number == number)
}

/// A report whose own `issue:` field names another issue than the folder
/// it is in (`year`/`number`).
pub(super) fn folder_mismatch(
    file: &ReportFile,
    year: i32,
    number: u32,
    issues: &[Issue],
) -> Option<Diagnostic> {
    let (stated, line) = file.issue_field?;
    (stated != number).then(|| issue_mismatch(&file.file, line, stated, year, number, issues))
}
