//! The load stage: walk `content/` (`files`), read every file into typed,
//! validated front matter (`fields`, `front_matter`, `parse`), and
//! assemble the archive model (`assemble`, `model`); `reload` reads one
//! report again for the preview. Problems are collected, not thrown: one
//! run lists every mistake.

mod assemble;
mod attachments;
pub mod fields;
mod files;
pub mod front_matter;
pub mod gazetteer;
mod messages;
pub mod model;
mod parse;
pub mod placeholders;
mod reload;
mod validate;
mod yaml_mistakes;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostics;
use assemble::assemble;
pub use files::report_source;
pub use model::{Archive, Asset, Distribution, Issue, Report};
pub use parse::check_text;
use parse::{parse_file, Parsed};
pub use reload::{check_archive, reload_report, Reloaded};

pub const CONTENT_DIR: &str = "content";
pub const DRAFTS_DIR: &str = "drafts";
pub const ISSUE_FILE: &str = "_issue.md";

#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Publish reports marked as drafts and those under `content/drafts/`.
    pub drafts: bool,
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
