//! Which pages show a report: what `serve` re-renders after an edit to one
//! report, instead of the whole site.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::{links, related, Job, Renderer};
use crate::content::{Archive, Report};

/// Report → the reports its page lists as related.
pub type RelatedLists = HashMap<usize, Vec<usize>>;

/// What must be known of the site as it was before an edit, to tell which
/// pages the edit changes. Taken from the renderer of the previous build.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// Every term page's path, in job order: an edit that adds or removes
    /// one shifts the others, and only a full render is right then.
    term_paths: Vec<String>,
    /// What every page shows in its header and footer.
    site: String,
}

impl Renderer<'_> {
    pub fn shape(&self) -> Shape {
        Shape {
            term_paths: self
                .taxonomies()
                .pages
                .iter()
                .map(|p| p.path.clone())
                .collect(),
            site: serde_json::to_string(&self.site).unwrap_or_default(),
        }
    }

    /// Whether report `index` shows differently in lists (title, excerpt,
    /// county...) than `before` did: then every list of it changes.
    pub fn link_changed(&self, index: usize, before: &Report) -> bool {
        self.views.make_report_link(before) != self.views.report_link_at(index)
    }

    /// The pages to render again after report `index` changed from `before`
    /// to what the archive now holds. `related` holds, when the report's
    /// keywords or its link changed, the related lists around it before and
    /// after the edit (`related_around`). `None` when the edit changes
    /// which pages exist or what every page shows: then only a full render
    /// is right.
    pub fn pages_touched_by(
        &self,
        index: usize,
        before: &Report,
        shape_before: &Shape,
        related: Option<(&RelatedLists, &RelatedLists)>,
    ) -> Option<Vec<Job>> {
        let archive = self.archive;
        let after = &archive.reports[index];
        let terms_changed = before.place != after.place
            || before.supplier != after.supplier
            || before.keywords != after.keywords;
        if terms_changed && self.shape() != *shape_before {
            return None;
        }
        // The report's own page, and the pages that carry its body.
        let mut jobs: BTreeSet<Job> = BTreeSet::new();
        jobs.insert(Job::Report(index));
        if let Some(issue) = after.issue {
            jobs.insert(Job::Issue(issue));
            jobs.insert(Job::Print(issue));
            jobs.insert(Job::Feed);
            if issue + 1 == archive.issues.len() {
                jobs.insert(Job::Home);
            }
        }
        // The lists that link to it, when the link reads differently.
        if terms_changed || self.link_changed(index, before) {
            if let Some(issue) = after.issue {
                jobs.insert(Job::AllIssues);
                jobs.insert(Job::Year(archive.issues[issue].year));
            } else {
                jobs.insert(Job::Drafts);
            }
            let by_path: HashMap<&str, usize> = self
                .taxonomies()
                .pages
                .iter()
                .enumerate()
                .map(|(i, page)| (page.path.as_str(), i))
                .collect();
            for path in term_paths(archive, before)
                .into_iter()
                .chain(term_paths(archive, after))
            {
                if let Some(&page) = by_path.get(path.as_str()) {
                    jobs.insert(Job::Term(page));
                }
            }
        }
        // A report shows the titles of its related reports.
        if let Some((related_before, related_after)) = related {
            let neighbours: HashSet<usize> = related_before
                .keys()
                .chain(related_after.keys())
                .copied()
                .collect();
            for other in neighbours {
                let old = related_before.get(&other);
                let new = related_after.get(&other);
                let shows = |list: Option<&Vec<usize>>| list.is_some_and(|l| l.contains(&index));
                if old != new || shows(old) || shows(new) {
                    jobs.insert(Job::Report(other));
                }
            }
        }
        // The term indexes, the overview and the search filters count and
        // name terms: only a change of terms touches them.
        if terms_changed {
            jobs.extend((0..self.taxonomies().indexes.len()).map(Job::TermIndex));
            jobs.insert(Job::Stats);
            jobs.insert(Job::Search);
        }
        Some(jobs.into_iter().collect())
    }
}

/// The term pages that may list `report`, by path.
fn term_paths(archive: &Archive, report: &Report) -> Vec<String> {
    let mut paths = vec![
        links::place_path(&report.place),
        links::prefecture_path(links::prefecture_name(&report.place)),
        links::supplier_path(&report.supplier),
    ];
    if let Some(album) = report
        .issue
        .and_then(|i| archive.issues.get(i))
        .and_then(|issue| issue.album.as_deref())
    {
        paths.push(links::series_path(&links::series_of(album)));
    }
    paths.extend(report.keywords.iter().map(|k| links::keyword_path(k)));
    paths
}

/// The related lists of every report that shares a keyword with report
/// `index` or carries one of `extra` (its keywords before an edit): the
/// only lists an edit to that report can change.
pub fn related_around(archive: &Archive, index: usize, extra: &[String]) -> RelatedLists {
    use rayon::prelude::*;
    let postings = related::keyword_postings(archive);
    let mut candidates: HashSet<usize> = HashSet::new();
    for keyword in archive.reports[index].keywords.iter().chain(extra) {
        if let Some(list) = postings.get(keyword.as_str()) {
            if list.len() <= related::MAX_POSTINGS {
                candidates.extend(list.iter().copied());
            }
        }
    }
    candidates.remove(&index);
    candidates
        .into_par_iter()
        .map(|other| {
            (
                other,
                related::related(archive, &postings, other, related::SHOWN),
            )
        })
        .collect()
}
