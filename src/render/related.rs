//! Related reports: those sharing the most distinctive keywords.

use std::collections::HashMap;

use crate::content::Archive;

/// Keywords carried by more reports than this say little about any one of
/// them and would make the computation quadratic.
pub(super) const MAX_POSTINGS: usize = 400;

/// How many related reports a report's page shows.
pub(super) const SHOWN: usize = 5;

/// keyword → published reports carrying it, in archive order.
pub(super) fn keyword_postings(archive: &Archive) -> HashMap<&str, Vec<usize>> {
    let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, report) in archive.reports.iter().enumerate() {
        if report.issue.is_none() {
            continue;
        }
        for keyword in &report.keywords {
            postings.entry(keyword.as_str()).or_default().push(index);
        }
    }
    postings
}

/// Up to `limit` reports sharing keywords with `report`, best first:
/// each shared keyword counts by how rare it is; newer reports win ties.
pub(super) fn related(
    archive: &Archive,
    postings: &HashMap<&str, Vec<usize>>,
    report: usize,
    limit: usize,
) -> Vec<usize> {
    let mut scores: HashMap<usize, f64> = HashMap::new();
    for keyword in &archive.reports[report].keywords {
        let Some(list) = postings.get(keyword.as_str()) else {
            continue;
        };
        if list.len() < 2 || list.len() > MAX_POSTINGS {
            continue;
        }
        let weight = 1.0 / (list.len() as f64).ln_1p();
        for &other in list {
            if other != report {
                *scores.entry(other).or_default() += weight;
            }
        }
    }
    let mut ranked: Vec<(usize, f64)> = scores.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
    ranked
        .into_iter()
        .take(limit)
        .map(|(index, _)| index)
        .collect()
}
