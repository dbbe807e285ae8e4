//! Query evaluation: the exact set, the ranking, the page of hits, related
//! results. `search.js` implements the same steps on the same data, so the
//! site's static search and the server agree result for result.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::data::*;
use super::exact::ExactIndex;
use super::indexer::cover_offsets;
use super::normalize::query_terms;
use super::snippet;

/// Longer queries are refused with a message rather than evaluated.
pub const MAX_QUERY_CHARS: usize = 1000;
pub const MAX_TERMS: usize = 32;
pub const RELATED_LIMIT: usize = 20;

#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub year_from: Option<u16>,
    pub year_to: Option<u16>,
    /// A prefecture (安阳市), a county (北关区) or a place (安阳市北关区).
    pub place: Option<String>,
    pub series: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub path: String,
    pub url: String,
    pub title: String,
    pub issue: String,
    pub date: String,
    pub county: String,
    pub snippet: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// 相关结果: only when there is no exact result.
    pub related: Vec<Hit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Results {
    fn empty(message: Option<String>) -> Results {
        Results {
            total: 0,
            hits: Vec::new(),
            related: Vec::new(),
            message,
        }
    }
}

/// One term's matches: borrowed from the index when it keeps them whole
/// (single characters, frequent phrases), else computed or shared from
/// the term cache.
#[derive(Clone)]
pub enum Matches<'i> {
    Borrowed(&'i [Occurrences]),
    Shared(Arc<[Occurrences]>),
}

impl std::ops::Deref for Matches<'_> {
    type Target = [Occurrences];
    fn deref(&self) -> &[Occurrences] {
        match self {
            Matches::Borrowed(list) => list,
            Matches::Shared(list) => list,
        }
    }
}

/// How many occurrences (16 bytes each) the term cache holds at most.
const TERM_CACHE_OCCURRENCES: usize = 1 << 20;

/// The matches of terms asked recently. Queries are new far more often
/// than their words are: 代表 or 联络站 recur in query after query, and
/// aligning their positions over every report is most of a query's cost.
/// Dropped with the index when the site is rebuilt.
#[derive(Default)]
pub struct TermCache {
    lists: Mutex<TermLists>,
}

#[derive(Default)]
struct TermLists {
    by_term: rustc_hash::FxHashMap<Vec<char>, Arc<[Occurrences]>>,
    occurrences: usize,
}

impl TermCache {
    fn matches<'i>(&self, index: &'i IndexData, term: &[char]) -> Matches<'i> {
        if let Some(list) = self.lists.lock().expect("term cache").by_term.get(term) {
            return Matches::Shared(list.clone());
        }
        let found = term_matches(index, term);
        let Matches::Shared(list) = &found else {
            return found;
        };
        let mut lists = self.lists.lock().expect("term cache");
        // Full: start again rather than track which terms are oldest.
        if lists.occurrences + list.len() > TERM_CACHE_OCCURRENCES {
            lists.by_term.clear();
            lists.occurrences = 0;
        }
        if list.len() <= TERM_CACHE_OCCURRENCES
            && lists.by_term.insert(term.to_vec(), list.clone()).is_none()
        {
            lists.occurrences += list.len();
        }
        found
    }
}

/// The documents containing one term, with counts, in document order.
pub fn term_matches<'i>(index: &'i IndexData, term: &[char]) -> Matches<'i> {
    match term.len() {
        0 => Matches::Borrowed(&[]),
        1 => index
            .unigrams
            .get(&term[0])
            .map_or(Matches::Borrowed(&[]), |list| Matches::Borrowed(list)),
        _ => {
            let key: String = term.iter().collect();
            if let Some(list) = index.phrases.get(&key) {
                return Matches::Borrowed(list);
            }
            let mut postings = Vec::new();
            for offset in cover_offsets(term.len()) {
                match index.bigrams.get(&(term[offset], term[offset + 1])) {
                    Some(list) => postings.push((offset as u32, decode_positions(list))),
                    None => return Matches::Borrowed(&[]),
                }
            }
            Matches::Shared(align(&postings, &index.rank).into())
        }
    }
}

/// What evaluating a term costs, roughly: the length of its shortest
/// list. Terms are evaluated cheapest first, and a term found nowhere
/// ends the query before the costly ones are looked at.
fn term_cost(index: &IndexData, term: &[char]) -> usize {
    match term.len() {
        0 => 0,
        1 => index.unigrams.get(&term[0]).map_or(0, Vec::len),
        _ => {
            let key: String = term.iter().collect();
            if let Some(list) = index.phrases.get(&key) {
                return list.len();
            }
            cover_offsets(term.len())
                .into_iter()
                .map(|offset| {
                    index
                        .bigrams
                        .get(&(term[offset], term[offset + 1]))
                        .map_or(0, Vec::len)
                })
                .min()
                .unwrap_or(0)
        }
    }
}

/// One bigram's documents, each with its sorted positions.
pub type DocPositions<'a> = Vec<(u32, &'a [u32])>;

/// doc → sorted positions, from the flat `doc, n, positions…` layout.
fn decode_positions(flat: &[u32]) -> DocPositions<'_> {
    // Each document takes at least three numbers.
    let mut out = Vec::with_capacity(flat.len() / 3);
    let mut i = 0;
    while i + 1 < flat.len() {
        let (doc, n) = (flat[i], flat[i + 1] as usize);
        out.push((doc, &flat[i + 2..i + 2 + n]));
        i += 2 + n;
    }
    out
}

/// Documents where every covering bigram sits at its offset from a common
/// start: exactly the documents containing the term. The bigram found in
/// the fewest documents leads; the others are walked alongside it.
pub fn align(postings: &[(u32, DocPositions)], rank: &[RankInfo]) -> Vec<Occurrences> {
    let Some(lead) = (0..postings.len()).min_by_key(|&k| postings[k].1.len()) else {
        return Vec::new();
    };
    let lead_offset = postings[lead].0;
    let mut cursors = vec![0usize; postings.len()];
    let mut out = Vec::new();
    // Reused from document to document: a common bigram leads thousands.
    let mut lists: Vec<(u32, &[u32])> = Vec::with_capacity(postings.len());
    let mut found: Vec<u32> = Vec::new();
    'docs: for &(doc, positions) in &postings[lead].1 {
        lists.clear();
        for (k, (offset, list)) in postings.iter().enumerate() {
            if k == lead {
                continue;
            }
            while cursors[k] < list.len() && list[cursors[k]].0 < doc {
                cursors[k] += 1;
            }
            match list.get(cursors[k]) {
                Some(&(d, positions)) if d == doc => lists.push((*offset, positions)),
                _ => continue 'docs,
            }
        }
        found.clear();
        found.extend(
            positions
                .iter()
                .filter(|&&p| p >= lead_offset)
                .map(|&p| p - lead_offset)
                .filter(|&start| {
                    lists.iter().all(|(offset, positions)| {
                        positions.binary_search(&(start + offset)).is_ok()
                    })
                }),
        );
        if !found.is_empty() {
            out.push(super::indexer::occurrences(
                doc,
                &found,
                usize::from(rank[doc as usize].zone_end),
            ));
        }
    }
    out
}

pub fn idf(documents: usize, df: usize) -> f64 {
    let (n, df) = (documents as f64, df as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

fn tf_norm(count: u32, length: f64, average: f64) -> f64 {
    let tf = f64::from(count);
    tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / average))
}

/// Scores are compared at a millionth so that the last bits of `ln` in
/// different maths libraries cannot reorder results.
fn score_key(score: f64) -> i64 {
    (score * 1e6).round() as i64
}

/// Evaluates a query. With `exact`, the set of matching reports comes from
/// tantivy (the server and the command line); without, from the same
/// bigram data the static site's script reads. Ranking is the same.
pub fn search(
    index: &IndexData,
    exact: Option<&ExactIndex>,
    query: &str,
    filters: &Filters,
    offset: usize,
    limit: usize,
    cache: Option<&TermCache>,
) -> Results {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Results::empty(Some(format!("查询太长：最多 {MAX_QUERY_CHARS} 个字")));
    }
    let terms = query_terms(query);
    if terms.is_empty() {
        return Results::empty(None);
    }
    if terms.len() > MAX_TERMS {
        return Results::empty(Some(format!("查询词太多：最多 {MAX_TERMS} 个")));
    }
    let allowed = allowed_docs(index, filters);
    let documents = index.records.len();
    // Cheapest term first; a term found nowhere means no report has them
    // all, and the costlier terms need not be looked at.
    let mut order: Vec<usize> = (0..terms.len()).collect();
    order.sort_by_cached_key(|&i| term_cost(index, &terms[i]));
    let mut evaluated: Vec<Option<Matches>> = vec![None; terms.len()];
    for &i in &order {
        let list = match cache {
            Some(cache) => cache.matches(index, &terms[i]),
            None => term_matches(index, &terms[i]),
        };
        if list.is_empty() {
            return Results {
                total: 0,
                hits: Vec::new(),
                related: related(index, &terms, allowed.as_ref()),
                message: None,
            };
        }
        evaluated[i] = Some(list);
    }
    let matches: Vec<Matches> = evaluated.into_iter().flatten().collect();
    // Rarest first makes the intersection cheap.
    order.sort_by_key(|&i| matches[i].len());
    let mut candidates: Vec<u32> = match exact.map(|e| e.documents_with_all(&terms)) {
        Some(Ok(docs)) => docs,
        _ => {
            let mut docs: Vec<u32> = matches[order[0]].iter().map(|o| o.doc).collect();
            for &i in &order[1..] {
                let found: HashSet<u32> = matches[i].iter().map(|o| o.doc).collect();
                docs.retain(|d| found.contains(d));
            }
            docs
        }
    };
    if let Some(allowed) = &allowed {
        candidates.retain(|d| allowed.contains(d));
    }
    // Match lists and keyword lists are sorted by document: binary search
    // finds a candidate's entry without building a map per query.
    let empty: Vec<u32> = Vec::new();
    let keyword_docs: Vec<&Vec<u32>> = terms
        .iter()
        .map(|t| {
            let key: String = t.iter().collect();
            index.keywords.get(&key).unwrap_or(&empty)
        })
        .collect();
    let find = |list: &[Occurrences], doc: u32| -> Option<Occurrences> {
        list.binary_search_by_key(&doc, |o| o.doc)
            .ok()
            .map(|i| list[i])
    };
    // Both matchers are exact, so they agree; a report one of them missed
    // is left out rather than ranked on made-up counts. Candidates and
    // match lists are in document order: one cursor per term walks along.
    candidates.sort_unstable();
    candidates.dedup();
    // An id past the records would be a stale tantivy index: drop it
    // rather than fail the request.
    candidates.retain(|&doc| (doc as usize) < index.rank.len());
    let idfs: Vec<f64> = matches.iter().map(|l| idf(documents, l.len())).collect();
    let mut cursors = vec![0usize; matches.len()];
    let mut ranked: Vec<(usize, i64, u32)> = Vec::with_capacity(candidates.len());
    'candidates: for &doc in &candidates {
        let length = index.rank[doc as usize].length();
        let mut tier = 0;
        let mut score = 0.0;
        for (t, list) in matches.iter().enumerate() {
            // Every list holds every candidate, so stepping along costs
            // at most the list's length over the whole walk.
            let cursor = &mut cursors[t];
            while list.get(*cursor).is_some_and(|o| o.doc < doc) {
                *cursor += 1;
            }
            let occurrence = match list.get(*cursor) {
                Some(occurrence) if occurrence.doc == doc => occurrence,
                _ => continue 'candidates,
            };
            if occurrence.in_zone {
                tier += 1;
            }
            let word = if keyword_docs[t].binary_search(&doc).is_ok() {
                1.0
            } else {
                0.0
            };
            score += idfs[t] * (tf_norm(occurrence.count, length, index.average_length) + word);
        }
        ranked.push((tier, score_key(score), doc));
    }
    // Only the page asked for needs its order: pick it out, then sort it.
    // Document ids break ties, so the order is total and the same as a
    // full sort's.
    let order = |a: &(usize, i64, u32), b: &(usize, i64, u32)| {
        b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2))
    };
    let total = ranked.len();
    let end = offset.saturating_add(limit).min(total);
    if end == 0 {
        ranked.clear();
    } else if end < total {
        ranked.select_nth_unstable_by(end - 1, order);
        ranked.truncate(end);
    }
    ranked.sort_unstable_by(order);
    let hits = ranked
        .iter()
        .skip(offset)
        .take(limit)
        .map(|&(_, _, doc)| {
            let best: Vec<u32> = matches
                .iter()
                .map(|l| find(l, doc).expect("kept above").best)
                .collect();
            hit(index, doc, &terms, &best)
        })
        .collect();
    let related = if total == 0 {
        related(index, &terms, allowed.as_ref())
    } else {
        Vec::new()
    };
    Results {
        total,
        hits,
        related,
        message: None,
    }
}

fn hit(index: &IndexData, doc: u32, terms: &[Vec<char>], best: &[u32]) -> Hit {
    let record = &index.records[doc as usize];
    let zone_end = usize::from(index.rank[doc as usize].zone_end);
    Hit {
        path: record.path.clone(),
        url: record.url.clone(),
        title: record.title.clone(),
        issue: record.issue.clone(),
        date: record.date.clone(),
        county: record.county.clone(),
        snippet: snippet::make(&index.texts[doc as usize], terms, best, zone_end),
    }
}

/// Documents passing the filters; `None` when no filter is set.
fn allowed_docs(index: &IndexData, filters: &Filters) -> Option<HashSet<u32>> {
    if filters.year_from.is_none()
        && filters.year_to.is_none()
        && filters.place.is_none()
        && filters.series.is_none()
    {
        return None;
    }
    let place = filters
        .place
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let prefecture = place.and_then(|p| index.prefectures.iter().position(|name| name == p));
    let places: Vec<usize> = match place {
        Some(p) => (0..index.places.len())
            .filter(|&i| index.places[i].full == p || index.places[i].name == p)
            .collect(),
        None => Vec::new(),
    };
    let series = filters
        .series
        .as_deref()
        .map(|s| index.series.iter().position(|name| name == s.trim()));
    Some(
        (0..index.facets.len() as u32)
            .filter(|&doc| {
                let facets = &index.facets[doc as usize];
                filters.year_from.is_none_or(|y| facets.year >= y)
                    && filters.year_to.is_none_or(|y| facets.year <= y)
                    && place.is_none_or(|_| {
                        prefecture.is_some_and(|p| usize::from(facets.prefecture) == p)
                            || places.contains(&usize::from(facets.place))
                    })
                    && series.is_none_or(|s| s.is_some_and(|s| usize::from(facets.series) == s))
            })
            .collect(),
    )
}

/// 相关结果: reports whose jieba keywords appear in the query.
fn related(index: &IndexData, terms: &[Vec<char>], allowed: Option<&HashSet<u32>>) -> Vec<Hit> {
    let mut words: Vec<String> = Vec::new();
    for term in terms {
        for start in 0..term.len() {
            for end in start + 2..=(start + 6).min(term.len()) {
                let word: String = term[start..end].iter().collect();
                if index.keywords.contains_key(&word) && !words.contains(&word) {
                    words.push(word);
                }
            }
        }
    }
    let mut scores: HashMap<u32, f64> = HashMap::new();
    for word in &words {
        let list = &index.keywords[word];
        let weight = idf(index.records.len(), list.len());
        for &doc in list {
            if allowed.is_none_or(|a| a.contains(&doc)) {
                *scores.entry(doc).or_default() += weight;
            }
        }
    }
    let mut ranked: Vec<(i64, u32)> = scores
        .into_iter()
        .map(|(doc, s)| (score_key(s), doc))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    ranked
        .into_iter()
        .take(RELATED_LIMIT)
        .map(|(_, doc)| hit(index, doc, &[], &[]))
        .collect()
}
