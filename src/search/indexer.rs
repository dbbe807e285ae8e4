//! Builds the search index from the archive: the corpus of searchable
//! documents, then the postings of the static index (document lists of
//! characters and pairs, the pairs' contexts, phrase lists for costly
//! frequent words, jieba keyword lists).

use std::collections::HashMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::data::*;
use super::grams::{pair_key, pair_lists, unigram_lists, Coded, PairAcc, Scratch};
use super::normalize::{fold, is_break};
use super::postings::{self, DocEntry, Pair, Plan};
use crate::content::Archive;
use crate::render::links::{self, Links};

/// A word of three or more characters gets its own document list when
/// matching it from the pairs' contexts would fetch more bytes than this.
const PHRASE_COST: usize = 24 * 1024;

const USER_DICT: &str = include_str!("../../data/jieba_user_dict.txt");

/// The searchable text of a report: title line (the title zone), subtitle,
/// supplier, body. Returns the text and where the body starts.
pub fn search_text(
    full_title: &str,
    subtitle: Option<&str>,
    supplier: &str,
    body: &str,
) -> (String, u32) {
    let mut text = String::with_capacity(full_title.len() + supplier.len() + body.len() + 8);
    text.push_str(full_title);
    text.push('\n');
    if let Some(subtitle) = subtitle {
        text.push_str(subtitle);
        text.push('\n');
    }
    text.push_str(supplier);
    text.push('\n');
    let body_start = text.chars().count() as u32;
    text.push_str(body);
    (text, body_start)
}

/// The published reports as searchable documents, in archive order.
pub fn corpus(archive: &Archive, links: &Links) -> Corpus {
    let mut corpus = Corpus::default();
    let mut place_ids: HashMap<String, u16> = HashMap::new();
    let mut series_ids: HashMap<String, u16> = HashMap::new();
    for report in archive.reports.iter().filter(|r| r.issue.is_some()) {
        let issue = &archive.issues[report.issue.expect("published")];
        let (text, body_start) = search_text(
            &report.full_title(),
            report.subtitle.as_deref(),
            &report.supplier,
            &report.plain_text,
        );
        if let Some(prefecture) = &report.place.prefecture {
            if !corpus.names.prefectures.contains(prefecture) {
                corpus.names.prefectures.push(prefecture.clone());
            }
        }
        let full = report.place.full_name();
        let next = place_ids.len().min(65534) as u16;
        let place = *place_ids.entry(full.clone()).or_insert_with(|| {
            corpus.names.places.push(PlaceEntry {
                full: full.clone(),
                name: report.place.name.clone(),
                prefecture: report.place.prefecture.clone().unwrap_or_default(),
            });
            next
        });
        let series = match issue.series() {
            Some(name) => {
                let next = series_ids.len().min(65534) as u16;
                *series_ids.entry(name.clone()).or_insert_with(|| {
                    corpus.names.series.push(name.clone());
                    next
                })
            }
            None => NONE16,
        };
        let mut keywords: Vec<String> = Vec::new();
        for keyword in &report.keywords {
            let key: String = keyword.chars().map(fold).collect();
            if !keywords.contains(&key) {
                keywords.push(key);
            }
        }
        corpus.keywords.push(keywords);
        corpus.docs.push(Doc {
            record: DocRecord {
                path: report.source.clone(),
                url: links.href(&links::report_path(archive, report)),
                issue: format!("{}年第{}期", issue.year, issue.number),
                date: issue.date.to_string(),
                county: report.county.clone(),
            },
            text,
            body_start,
            facets: Facets {
                year: issue.year.clamp(0, 65535) as u16,
                place,
                series,
            },
        });
    }
    corpus
}

/// A pair's encoded postings: the pair, its entry (context lengths and
/// document list), its left contexts, its right contexts.
pub type PairPostings = (String, Vec<u8>, Vec<u8>, Vec<u8>);

/// Encoded postings of every kind, keyed.
#[derive(Default)]
pub struct Postings {
    /// One character → document list.
    pub unigrams: Vec<(String, Vec<u8>)>,
    /// A pair → its entry (context lengths, document list), and its left
    /// and right contexts.
    pub pairs: Vec<PairPostings>,
    /// A frequent costly word → document list.
    pub phrases: Vec<(String, Vec<u8>)>,
    /// A jieba keyword → its documents.
    pub keywords: Vec<(String, Vec<u8>)>,
}

pub fn postings(corpus: &Corpus) -> Postings {
    let coded = Coded::new(corpus);
    let unigrams = unigram_lists(&coded);
    let pairs = pair_lists(&coded);
    let mut out = Postings {
        unigrams: unigrams
            .par_iter()
            .enumerate()
            .filter(|(_, list)| !list.is_empty())
            .map(|(id, list)| (coded.chars[id].to_string(), postings::encode_doc_list(list)))
            .collect(),
        ..Postings::default()
    };
    out.pairs = pairs
        .par_iter()
        .map_init(
            || Scratch::new(coded.chars.len()),
            |scratch, ((a, b), acc)| {
                let left = scratch.encode(acc.contexts.iter().map(|c| c[0]), &coded);
                let right = scratch.encode(acc.contexts.iter().map(|c| c[1]), &coded);
                let entry = postings::encode_pair(
                    &postings::encode_doc_list(&acc.docs),
                    left.len(),
                    right.len(),
                );
                let key: String = [coded.chars[*a as usize], coded.chars[*b as usize]]
                    .into_iter()
                    .collect();
                (key, entry, left, right)
            },
        )
        .collect();
    let sizes: FxHashMap<u64, (usize, usize, usize)> = out
        .pairs
        .iter()
        .map(|(key, entry, left, right)| {
            let mut chars = key.chars();
            let (a, b) = (chars.next().unwrap_or(' '), chars.next().unwrap_or(' '));
            (pair_key(a, b), (entry.len(), left.len(), right.len()))
        })
        .collect();
    let by_key: FxHashMap<u64, &PairAcc> = pairs
        .iter()
        .map(|((a, b), acc)| {
            (
                pair_key(coded.chars[*a as usize], coded.chars[*b as usize]),
                acc,
            )
        })
        .collect();
    out.phrases = phrase_lists(corpus, &coded, &by_key, &sizes);
    let mut keyword_docs: HashMap<&str, Vec<u32>> = HashMap::new();
    for (doc, words) in corpus.keywords.iter().enumerate() {
        for word in words {
            keyword_docs.entry(word).or_default().push(doc as u32);
        }
    }
    out.keywords = keyword_docs
        .into_iter()
        .map(|(word, docs)| (word.to_string(), postings::encode_docs(&docs)))
        .collect();
    out
}

/// Bytes a reader fetches to match `term` from the pairs: document lists
/// and contexts of the pairs its plan uses.
fn match_cost(term: &[char], sizes: &FxHashMap<u64, (usize, usize, usize)>) -> usize {
    let size = |i: usize| sizes.get(&pair_key(term[i], term[i + 1])).copied();
    if term.len() < 3 {
        return 0;
    }
    let (Some(first), Some(second)) = (size(0), size(1)) else {
        return 0;
    };
    match postings::plan(term.len(), first.2, second.1) {
        Plan::RightOfFirst => first.0 + first.2,
        Plan::LeftOfSecond => second.0 + second.1,
        Plan::Middle => (1..=term.len() - 3)
            .map(|i| size(i).map_or(0, |(e, l, r)| e + l + r))
            .sum(),
    }
}

/// Frequent words whose match would be costly get their exact document
/// list precomputed: 代表联络站 in a large archive costs a few kilobytes
/// this way instead of the contexts of three common pairs.
fn phrase_lists(
    corpus: &Corpus,
    coded: &Coded,
    pairs: &FxHashMap<u64, &PairAcc>,
    sizes: &FxHashMap<u64, (usize, usize, usize)>,
) -> Vec<(String, Vec<u8>)> {
    let mut candidates: Vec<Vec<char>> = USER_DICT
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(|word| word.chars().map(fold).collect())
        .collect();
    for words in &corpus.keywords {
        candidates.extend(words.iter().map(|w| w.chars().collect()));
    }
    candidates.retain(|word| word.len() >= 3 && !word.iter().any(|&c| is_break(c)));
    candidates.sort();
    candidates.dedup();
    candidates
        .par_iter()
        .filter(|word| match_cost(word, sizes) > PHRASE_COST)
        .filter_map(|word| {
            let matches = match_in_memory(word, coded, pairs)?;
            if matches.is_empty() {
                return None;
            }
            let entries: Vec<DocEntry> = matches
                .iter()
                .map(|m| DocEntry {
                    doc: m.doc,
                    count: m.count,
                    zone: u32::from(m.in_zone),
                })
                .collect();
            Some((
                word.iter().collect::<String>(),
                postings::encode_doc_list(&entries),
            ))
        })
        .collect()
}

/// Matches a term against the pairs being indexed, the way readers match
/// it against the files.
fn match_in_memory(
    term: &[char],
    coded: &Coded,
    pairs: &FxHashMap<u64, &PairAcc>,
) -> Option<Vec<TermMatch>> {
    let plan = postings::plan(term.len(), 0, 1);
    let indexes: Vec<usize> = match plan {
        Plan::RightOfFirst => vec![0],
        Plan::LeftOfSecond => vec![1],
        Plan::Middle => (1..=term.len() - 3).collect(),
    };
    let found: Vec<&PairAcc> = indexes
        .iter()
        .map(|&i| pairs.get(&pair_key(term[i], term[i + 1])).copied())
        .collect::<Option<_>>()?;
    let symbols = |ids: &[u32]| -> Vec<u32> { ids.iter().map(|&i| coded.symbol(i)).collect() };
    let contexts: Vec<(Vec<u32>, Vec<u32>)> = found
        .iter()
        .map(|a| {
            let left: Vec<u32> = a.contexts.iter().map(|c| c[0]).collect();
            let right: Vec<u32> = a.contexts.iter().map(|c| c[1]).collect();
            (symbols(&left), symbols(&right))
        })
        .collect();
    let chain: Vec<Pair> = found
        .iter()
        .zip(&contexts)
        .map(|(a, (left, right))| Pair {
            docs: &a.docs,
            left: Some(left),
            right: Some(right),
        })
        .collect();
    postings::match_term(term, plan, &chain).ok()
}
