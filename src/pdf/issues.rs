//! `jianbao pdf` as one library call: build the site, print the chosen
//! issues' print pages with Chromium, then build again so that their pages
//! link to the new PDFs. The output stays locked throughout, so no other
//! build swaps it while the PDFs are printed into it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;

use super::{find_chromium, print_all, Job};
use crate::render::links;
use crate::site::{self, BuildOptions, BuildSummary};

/// Which issues to print.
pub struct PdfRequest {
    /// Every issue of the archive.
    pub all: bool,
    /// These issues (year, number), besides.
    pub issues: Vec<(i32, u32)>,
    /// How many browsers at once.
    pub parallel: usize,
    /// The first build may replace an output folder jianbao did not write.
    pub replace_out: bool,
}

/// What happens along the way, for the terminal.
pub enum PdfEvent<'a> {
    /// One of the two builds is done.
    Built(&'a BuildSummary),
    /// The `done`-th of `total` issues is printed (or failed).
    Printed {
        done: usize,
        total: usize,
        label: &'a str,
    },
}

/// What was printed, and what failed (one failing does not stop the
/// others).
pub struct PdfOutcome {
    pub printed: Vec<PathBuf>,
    pub failures: Vec<(String, anyhow::Error)>,
}

/// Issues asked for that the archive does not have.
#[derive(Debug)]
pub struct NoSuchIssues(pub Vec<String>);

impl std::fmt::Display for NoSuchIssues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "没有这些期：{}（请检查年份和期号）", self.0.join("、"))
    }
}

impl std::error::Error for NoSuchIssues {}

/// Prints the issues `request` names of the site at `root` into its output
/// folder `out`.
pub fn print_issues(
    root: &Path,
    out: &Path,
    request: &PdfRequest,
    on_event: &(dyn Fn(PdfEvent) + Sync),
) -> Result<PdfOutcome> {
    let chromium = find_chromium()?;
    let _lock = crate::output::lock(out)?;
    let build = |replace_out: bool| -> Result<()> {
        let mut options = BuildOptions::new(root.to_path_buf(), out.to_path_buf());
        options.replace_out = replace_out;
        let summary = site::build(&options, &|_| {})?;
        on_event(PdfEvent::Built(&summary));
        Ok(())
    };
    build(request.replace_out)?;
    let mut wanted: Vec<(i32, u32)> = Vec::new();
    if request.all {
        let (archive, _) = site::load(root, false);
        let archive =
            archive.ok_or_else(|| anyhow::anyhow!("内容有错误，请先运行 jianbao check"))?;
        wanted.extend(archive.issues.iter().map(|i| (i.year, i.number)));
    }
    wanted.extend(request.issues.iter().copied());
    wanted.sort_unstable();
    wanted.dedup();
    let mut jobs = Vec::new();
    let mut missing = Vec::new();
    for (year, number) in wanted {
        let folder = out.join(links::issue_folder(year, number));
        let html = folder.join(links::PRINT_PAGE);
        if html.is_file() {
            jobs.push(Job {
                label: format!("{year}年第{number}期"),
                html,
                pdf: folder.join(links::pdf_file_name(year, number)),
            });
        } else {
            missing.push(format!("{year}/{number:02}"));
        }
    }
    if !missing.is_empty() {
        return Err(NoSuchIssues(missing).into());
    }
    // The PDFs (and Chromium's partial files) are jianbao's: recorded
    // before they are written, so the next build replaces them even when
    // this run is interrupted.
    let printed: Vec<String> = jobs
        .iter()
        .flat_map(|job| {
            let path = job.pdf.strip_prefix(out).unwrap_or(&job.pdf);
            let path = path.to_string_lossy().replace('\\', "/");
            [format!("{path}.part"), path]
        })
        .collect();
    crate::output::add_to_record(out, &printed)?;
    let done = AtomicUsize::new(0);
    let total = jobs.len();
    let failures = print_all(&chromium, &jobs, request.parallel, &|job| {
        let done = done.fetch_add(1, Ordering::SeqCst) + 1;
        on_event(PdfEvent::Printed {
            done,
            total,
            label: &job.label,
        });
    });
    // A second build links the issue pages to their new PDFs.
    build(false)?;
    let printed = jobs
        .into_iter()
        .filter(|job| !failures.iter().any(|(label, _)| label == &job.label))
        .map(|job| job.pdf)
        .collect();
    Ok(PdfOutcome { printed, failures })
}
