//! What each page read of the model while it was rendered. Every piece of
//! the archive a page shows is taken through a `ViewBuilder` or `Renderer`
//! accessor that notes it here, and `fingerprint` gives the value each
//! such input held, by the very accessor the page used. `dependents`
//! compares fingerprints before and after an edit and renders again the
//! pages whose records name an input that changed: no list of what each
//! page shows is kept by hand, so none can fall behind the templates' data.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};

use super::Renderer;

/// One piece of the archive as pages show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Input {
    /// What every page shows in its header and footer (`SiteView`).
    Site,
    /// An issue as lists show it (`IssueLink`).
    IssueLink(usize),
    /// An issue's own data: masthead, distribution, editor's note and
    /// which reports it holds, in order.
    Issue(usize),
    /// A report as lists show it (`ReportLink`).
    ReportLink(usize),
    /// A report's body.
    ReportBody(usize),
    /// A report's keywords, each with its page if it has one.
    ReportKeywords(usize),
    /// The reports a report's page lists as related.
    Related(usize),
    /// A report as the Atom feed carries it.
    FeedEntry(usize),
    /// Which reports a term page lists, under which headings.
    Term(usize),
    /// The terms a term index lists, with their counts.
    TermIndex(usize),
    /// The overview's figures.
    Stats,
    /// The choices of the search page's filters.
    SearchFilters,
}

/// The inputs one page has read so far. A page is rendered on one thread,
/// so a `RefCell` does.
#[derive(Debug, Default)]
pub(crate) struct Reads(RefCell<Vec<Input>>);

impl Reads {
    pub(crate) fn note(&self, input: Input) {
        self.0.borrow_mut().push(input);
    }

    /// Every input read, each once.
    pub(crate) fn into_inputs(self) -> Vec<Input> {
        let mut inputs = self.0.into_inner();
        inputs.sort_unstable();
        inputs.dedup();
        inputs
    }
}

impl Renderer<'_> {
    /// The value `input` holds in this renderer's archive, hashed: equal
    /// fingerprints, equal pages. Taken through the accessors pages use.
    pub(crate) fn fingerprint(&self, input: Input) -> u64 {
        let unrecorded = Reads::default();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        match input {
            Input::Site => self.site.hash(&mut hasher),
            Input::IssueLink(i) => self.views.issue_link(i, &unrecorded).hash(&mut hasher),
            Input::Issue(i) => self.archive.issues[i].hash(&mut hasher),
            Input::ReportLink(r) => self.views.report_link(r, &unrecorded).hash(&mut hasher),
            Input::ReportBody(r) => self.views.report_body(r, &unrecorded).hash(&mut hasher),
            Input::ReportKeywords(r) => self.keyword_links(r, &unrecorded).hash(&mut hasher),
            Input::Related(r) => self.related(r, &unrecorded).hash(&mut hasher),
            Input::FeedEntry(r) => self.feed_entry(r, &unrecorded).hash(&mut hasher),
            Input::Term(i) => self.taxonomies().pages[i].hash(&mut hasher),
            Input::TermIndex(i) => self.taxonomies().indexes[i].hash(&mut hasher),
            Input::Stats => self.stats(&unrecorded).hash(&mut hasher),
            Input::SearchFilters => self.search_filters(&unrecorded).hash(&mut hasher),
        }
        hasher.finish()
    }

    /// The inputs that hold for the whole site rather than one report,
    /// each with its fingerprint: what an edit is compared against.
    pub(crate) fn sitewide_fingerprints(&self) -> Vec<(Input, u64)> {
        let taxonomies = self.taxonomies();
        let inputs = [Input::Site, Input::Stats, Input::SearchFilters]
            .into_iter()
            .chain(
                (0..self.archive.issues.len()).flat_map(|i| [Input::IssueLink(i), Input::Issue(i)]),
            )
            .chain((0..taxonomies.pages.len()).map(Input::Term))
            .chain((0..taxonomies.indexes.len()).map(Input::TermIndex));
        inputs
            .map(|input| (input, self.fingerprint(input)))
            .collect()
    }
}
