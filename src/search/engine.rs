//! Query evaluation over any source of matches: the exact set (the
//! intersection of the terms' matches), the filters, the ranking, the page
//! of hits with their snippets, related results. The command line reads
//! its matches from the static files (`reader.rs`), the server from
//! tantivy (`service.rs`); each decides a query's set once. `search.js`
//! implements the same steps on the static files, so all front ends agree
//! result for result.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Result;

use super::api::*;
use super::data::*;
use super::normalize::query_terms;
use super::snippet;

/// Where the engine gets what a query needs.
pub trait Source {
    fn doc_count(&self) -> usize;
    fn average_length(&self) -> f64;
    /// The documents containing `term` (folded), in id order.
    fn term(&self, term: &[char]) -> Result<Arc<[TermMatch]>>;
    /// The documents having `word` (folded) among their jieba keywords, in
    /// id order.
    fn keyword_docs(&self, word: &str) -> Result<Arc<[u32]>>;
    /// floor(√length) of every document.
    fn length_roots(&self) -> Result<&[u8]>;
    fn facets(&self) -> Result<&[Facets]>;
    fn names(&self) -> Result<&FilterNames>;
    fn document(&self, doc: u32) -> Result<Arc<Doc>>;
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

/// Evaluates a query.
pub fn search(source: &dyn Source, request: &Request) -> Result<Results> {
    if request.query.chars().count() > MAX_QUERY_CHARS {
        return Ok(Results::empty(Some(format!(
            "查询太长：最多 {MAX_QUERY_CHARS} 个字"
        ))));
    }
    let terms = query_terms(&request.query);
    if terms.is_empty() {
        return Ok(Results::empty(None));
    }
    if terms.len() > MAX_TERMS {
        return Ok(Results::empty(Some(format!(
            "查询词太多：最多 {MAX_TERMS} 个"
        ))));
    }
    let allowed = allowed_docs(source, &request.filters)?;
    let documents = source.doc_count();
    let mut matches: Vec<Arc<[TermMatch]>> = Vec::with_capacity(terms.len());
    for term in &terms {
        let list = source.term(term)?;
        if list.is_empty() {
            return Ok(Results {
                total: 0,
                hits: Vec::new(),
                related: related(source, &terms, allowed.as_deref())?,
                message: None,
            });
        }
        matches.push(list);
    }
    // Rarest first makes the intersection cheap.
    let mut order: Vec<usize> = (0..terms.len()).collect();
    order.sort_by_key(|&i| matches[i].len());
    let mut candidates: Vec<u32> = matches[order[0]].iter().map(|m| m.doc).collect();
    for &i in &order[1..] {
        let list = &matches[i];
        let mut at = 0;
        candidates.retain(|&doc| {
            while at < list.len() && list[at].doc < doc {
                at += 1;
            }
            at < list.len() && list[at].doc == doc
        });
    }
    if let Some(allowed) = &allowed {
        candidates.retain(|&d| allowed.get(d as usize).copied().unwrap_or(false));
    }
    // A document past the table would be a stale index: drop it rather
    // than fail the request.
    let roots = source.length_roots()?;
    candidates.retain(|&doc| (doc as usize) < roots.len());
    let keyword_docs: Vec<Arc<[u32]>> = terms
        .iter()
        .map(|t| source.keyword_docs(&t.iter().collect::<String>()))
        .collect::<Result<_>>()?;
    let idfs: Vec<f64> = matches.iter().map(|l| idf(documents, l.len())).collect();
    let average = source.average_length();
    // Candidates and match lists are in document order: one cursor per
    // term walks along.
    let mut cursors = vec![0usize; matches.len()];
    let mut keyword_cursors = vec![0usize; matches.len()];
    let mut ranked: Vec<(usize, i64, u32)> = Vec::with_capacity(candidates.len());
    for &doc in &candidates {
        let root = f64::from(roots[doc as usize]);
        let length = root * root;
        let mut tier = 0;
        let mut score = 0.0;
        for (t, list) in matches.iter().enumerate() {
            let cursor = &mut cursors[t];
            while list[*cursor].doc < doc {
                *cursor += 1;
            }
            let found = list[*cursor];
            if found.in_zone {
                tier += 1;
            }
            let keywords = &keyword_docs[t];
            let at = &mut keyword_cursors[t];
            while *at < keywords.len() && keywords[*at] < doc {
                *at += 1;
            }
            let word = if keywords.get(*at) == Some(&doc) {
                1.0
            } else {
                0.0
            };
            score += idfs[t] * (tf_norm(found.count, length, average) + word);
        }
        ranked.push((tier, score_key(score), doc));
    }
    // Only the page asked for needs its order: pick it out, then sort it.
    // Document ids break ties, so the order is total and the same as a
    // full sort's.
    let by_rank = |a: &(usize, i64, u32), b: &(usize, i64, u32)| {
        b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2))
    };
    let total = ranked.len();
    let end = request.offset.saturating_add(request.limit).min(total);
    if end == 0 {
        ranked.clear();
    } else if end < total {
        ranked.select_nth_unstable_by(end - 1, by_rank);
        ranked.truncate(end);
    }
    ranked.sort_unstable_by(by_rank);
    let hits = ranked
        .iter()
        .skip(request.offset)
        .take(request.limit)
        .map(|&(_, _, doc)| hit(source, doc, &terms))
        .collect::<Result<Vec<Hit>>>()?;
    let related = if total == 0 {
        related(source, &terms, allowed.as_deref())?
    } else {
        Vec::new()
    };
    Ok(Results {
        total,
        hits,
        related,
        message: None,
    })
}

fn hit(source: &dyn Source, doc: u32, terms: &[Vec<char>]) -> Result<Hit> {
    let document = source.document(doc)?;
    let body: String = document
        .text
        .chars()
        .skip(document.body_start as usize)
        .collect();
    let (snippet, highlights) = snippet::make(&body, terms);
    let record = &document.record;
    Ok(Hit {
        path: record.path.clone(),
        url: record.url.clone(),
        title: document.title().to_string(),
        issue: record.issue.clone(),
        date: record.date.clone(),
        county: record.county.clone(),
        snippet,
        highlights,
    })
}

/// Documents passing the filters, as a table by id; `None` when no filter
/// is set.
fn allowed_docs(source: &dyn Source, filters: &Filters) -> Result<Option<Vec<bool>>> {
    if filters.is_empty() {
        return Ok(None);
    }
    let names = source.names()?;
    let place = filters
        .place
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let places: Vec<bool> = names
        .places
        .iter()
        .map(|entry| {
            place.is_none_or(|p| entry.full == p || entry.name == p || entry.prefecture == p)
        })
        .collect();
    let series = filters
        .series
        .as_deref()
        .map(|s| names.series.iter().position(|name| name == s.trim()));
    Ok(Some(
        source
            .facets()?
            .iter()
            .map(|facets| {
                filters.year_from.is_none_or(|y| facets.year >= y)
                    && filters.year_to.is_none_or(|y| facets.year <= y)
                    && places
                        .get(usize::from(facets.place))
                        .copied()
                        .unwrap_or(false)
                    && series.is_none_or(|s| s.is_some_and(|s| usize::from(facets.series) == s))
            })
            .collect(),
    ))
}

/// 相关结果: reports whose jieba keywords appear in the query.
fn related(source: &dyn Source, terms: &[Vec<char>], allowed: Option<&[bool]>) -> Result<Vec<Hit>> {
    let mut words: Vec<String> = Vec::new();
    for term in terms {
        for start in 0..term.len() {
            for end in start + 2..=(start + 6).min(term.len()) {
                let word: String = term[start..end].iter().collect();
                if !words.contains(&word) {
                    words.push(word);
                }
            }
        }
    }
    let mut scores: HashMap<u32, f64> = HashMap::new();
    let documents = source.doc_count();
    for word in &words {
        let list = source.keyword_docs(word)?;
        if list.is_empty() {
            continue;
        }
        let weight = idf(documents, list.len());
        for &doc in list.iter() {
            if allowed.is_none_or(|a| a.get(doc as usize).copied().unwrap_or(false)) {
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
        .map(|(_, doc)| hit(source, doc, &[]))
        .collect()
}
