//! Which pages an edit touches, derived from what rendering read: every
//! page's inputs were recorded as it was rendered (`reads`), so the pages
//! to render again after an edit are those that read an input whose value
//! the edit changed. `jianbao serve` renders only those.

use std::collections::{HashMap, HashSet};

use super::reads::Input;
use super::{related, Job, Rendered, Renderer};

/// What the preview keeps of the pages it last wrote.
pub(crate) struct PageRecords {
    /// Every page's output path, in job order: an edit that changes which
    /// pages there are (a term page added or gone) needs a full render.
    paths: Vec<String>,
    /// What each page read when it was last rendered.
    reads: HashMap<Job, Vec<Input>>,
    /// The site-wide inputs' fingerprints, as those pages saw them.
    sitewide: Vec<(Input, u64)>,
}

impl PageRecords {
    /// The records of a render of the whole site by `renderer`.
    pub(crate) fn of(renderer: &Renderer, rendered: Rendered) -> PageRecords {
        PageRecords {
            paths: renderer.page_paths(),
            reads: rendered.reads.into_iter().collect(),
            sitewide: renderer.sitewide_fingerprints(),
        }
    }

    /// Takes in the pages `renderer` rendered again.
    pub(crate) fn update(&mut self, renderer: &Renderer, rendered: Rendered) {
        self.reads.extend(rendered.reads);
        self.sitewide = renderer.sitewide_fingerprints();
    }

    /// The pages to render again now that the archive is `after`'s:
    /// those that read an input whose fingerprint differs from `before`
    /// (the inputs `report_inputs` names, taken before the edit) or from
    /// the site-wide ones recorded. `None` when the edit changes which
    /// pages there are.
    pub(crate) fn touched_by(&self, after: &Renderer, before: &[(Input, u64)]) -> Option<Vec<Job>> {
        if after.page_paths() != self.paths {
            return None;
        }
        let changed: HashSet<Input> = before
            .iter()
            .chain(&self.sitewide)
            .filter(|(input, fingerprint)| after.fingerprint(*input) != *fingerprint)
            .map(|(input, _)| *input)
            .collect();
        let mut jobs: Vec<Job> = self
            .reads
            .iter()
            .filter(|(_, inputs)| inputs.iter().any(|input| changed.contains(input)))
            .map(|(job, _)| *job)
            .collect();
        jobs.sort_unstable();
        Some(jobs)
    }
}

/// The inputs of single reports an edit to report `index` can change, with
/// their fingerprints in `before` (the archive as it was): the report's
/// own, and the related lists and keyword links of every report sharing a
/// keyword it gains or loses (`keywords_after`), whose weight changes with
/// it. Site-wide inputs are in the `PageRecords`.
pub(crate) fn report_inputs(
    before: &Renderer,
    index: usize,
    keywords_after: &[String],
) -> Vec<(Input, u64)> {
    let report = &before.archive.reports[index];
    let mut inputs = vec![
        Input::ReportLink(index),
        Input::ReportBody(index),
        Input::ReportKeywords(index),
        Input::Related(index),
    ];
    if report.issue.is_some() {
        inputs.push(Input::FeedEntry(index));
    }
    let gained_or_lost = report
        .keywords
        .iter()
        .filter(|k| !keywords_after.contains(k))
        .chain(
            keywords_after
                .iter()
                .filter(|k| !report.keywords.contains(k)),
        );
    let mut neighbours: HashSet<usize> = HashSet::new();
    for keyword in gained_or_lost {
        match before.postings.get(keyword.as_str()) {
            // Past the cap before and after the edit: it weighs nothing.
            Some(list) if list.len() > related::MAX_POSTINGS + 1 => {}
            Some(list) => neighbours.extend(list.iter().copied()),
            None => {}
        }
    }
    neighbours.remove(&index);
    for other in neighbours {
        inputs.push(Input::Related(other));
        inputs.push(Input::ReportKeywords(other));
    }
    use rayon::prelude::*;
    inputs
        .into_par_iter()
        .map(|input| (input, before.fingerprint(input)))
        .collect()
}
