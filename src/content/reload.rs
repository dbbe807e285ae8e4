//! The preview's reload API: one report file read again after an edit,
//! as a full load would make it, or word that only a full load will do.

use std::path::Path;

use super::assemble::{build_report, folder_mismatch, issue_index, resolve_place};
use super::gazetteer::Gazetteer;
use super::messages::note_placeholders;
use super::parse::{parse_file, Parsed};
use super::{validate, Archive, LoadOptions, Location, Report, SourceFile};
use crate::diagnostics::Diagnostics;

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
    let draft = report_file.is_draft();
    let issue = match file.location {
        Location::Report { year, number } => {
            if let Some(mismatch) = folder_mismatch(&report_file, year, number, &archive.issues) {
                diagnostics.push(mismatch);
                return Reloaded::Failed(diagnostics);
            }
            issue_index(&archive.issues, year, number)
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
    let report = build_report(report_file, issue, place, &archive.config);
    Reloaded::Report(Box::new(report), diagnostics)
}

/// The archive's own checks, for an archive changed in place.
pub fn check_archive(archive: &Archive, diagnostics: &mut Diagnostics) {
    validate::check_archive(archive, &Default::default(), diagnostics);
}
