//! Builds the search index from the archive: the corpus of searchable
//! documents, then the postings of the static index (document lists of
//! characters and pairs, the pairs' contexts, phrase lists for costly
//! frequent words, jieba keyword lists).

use std::collections::HashMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::data::*;
use super::normalize::{fold, is_break};
use super::postings::{self, DocEntry, Pair, Plan, BREAK};
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
        let series = match &issue.album {
            Some(album) => {
                let name = links::series_of(album);
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

/// A pair's occurrences while indexing.
#[derive(Default)]
struct PairAcc {
    docs: Vec<DocEntry>,
    left: Vec<u32>,
    right: Vec<u32>,
}

/// Everything one document adds: its characters' and pairs' counts, and
/// each pair occurrence's contexts, grouped by key in text order.
struct DocGrams {
    /// (character, count, zone count)
    singles: Vec<(char, u32, u32)>,
    /// (pair key, zone count, end of its contexts in `contexts`)
    pairs: Vec<(u64, u32, u32)>,
    /// (left, right) of every pair occurrence, grouped by pair, in text
    /// order within a pair.
    contexts: Vec<(u32, u32)>,
}

fn pair_key(a: char, b: char) -> u64 {
    (u64::from(a as u32) << 32) | u64::from(b as u32)
}

fn pair_string(key: u64) -> String {
    let a = char::from_u32((key >> 32) as u32).unwrap_or('\u{FFFD}');
    let b = char::from_u32(key as u32).unwrap_or('\u{FFFD}');
    [a, b].into_iter().collect()
}

fn doc_grams(chars: &[char], zone_end: usize) -> DocGrams {
    let symbol = |i: Option<usize>| match i.and_then(|i| chars.get(i)) {
        Some(&c) if !is_break(c) => c as u32,
        _ => BREAK,
    };
    let mut singles: Vec<(char, u32)> = Vec::with_capacity(chars.len());
    let mut pairs: Vec<(u64, u32, u32, u32)> = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        if is_break(c) {
            continue;
        }
        singles.push((c, i as u32));
        if let Some(&next) = chars.get(i + 1) {
            if !is_break(next) {
                let left = symbol(i.checked_sub(1));
                let right = symbol(Some(i + 2));
                pairs.push((pair_key(c, next), i as u32, left, right));
            }
        }
    }
    singles.sort_unstable();
    pairs.sort_unstable_by_key(|p| (p.0, p.1));
    let zone = zone_end as u32;
    let singles = singles
        .chunk_by(|a, b| a.0 == b.0)
        .map(|g| {
            let in_zone = g.iter().filter(|(_, p)| *p < zone).count() as u32;
            (g[0].0, g.len() as u32, in_zone)
        })
        .collect();
    let contexts = pairs.iter().map(|p| (p.2, p.3)).collect();
    let mut end = 0u32;
    let pairs = pairs
        .chunk_by(|a, b| a.0 == b.0)
        .map(|g| {
            let in_zone = g.iter().filter(|p| p.1 < zone).count() as u32;
            end += g.len() as u32;
            (g[0].0, in_zone, end)
        })
        .collect();
    DocGrams {
        singles,
        pairs,
        contexts,
    }
}

pub fn postings(corpus: &Corpus) -> Postings {
    let mut unigrams: FxHashMap<char, Vec<DocEntry>> = FxHashMap::default();
    let mut pairs: FxHashMap<u64, PairAcc> = FxHashMap::default();
    // Chunks bound the memory of the per-document buffers.
    for (chunk_index, chunk) in corpus.docs.chunks(256).enumerate() {
        let first = chunk_index * 256;
        let grams: Vec<DocGrams> = chunk
            .par_iter()
            .map(|doc| {
                let chars: Vec<char> = doc.text.chars().map(fold).collect();
                doc_grams(&chars, doc.zone_len())
            })
            .collect();
        for (i, grams) in grams.into_iter().enumerate() {
            let doc = (first + i) as u32;
            for (c, count, zone) in grams.singles {
                unigrams
                    .entry(c)
                    .or_default()
                    .push(DocEntry { doc, count, zone });
            }
            let mut start = 0usize;
            for (key, zone, end) in grams.pairs {
                let contexts = &grams.contexts[start..end as usize];
                start = end as usize;
                let acc = pairs.entry(key).or_default();
                acc.docs.push(DocEntry {
                    doc,
                    count: contexts.len() as u32,
                    zone,
                });
                acc.left.extend(contexts.iter().map(|c| c.0));
                acc.right.extend(contexts.iter().map(|c| c.1));
            }
        }
    }
    let mut out = Postings {
        unigrams: unigrams
            .par_iter()
            .map(|(c, list)| (c.to_string(), postings::encode_doc_list(list)))
            .collect(),
        ..Postings::default()
    };
    out.pairs = pairs
        .par_iter()
        .map(|(&key, acc)| {
            let left = postings::encode_contexts(&acc.left);
            let right = postings::encode_contexts(&acc.right);
            let entry = postings::encode_pair(
                &postings::encode_doc_list(&acc.docs),
                left.len(),
                right.len(),
            );
            (pair_string(key), entry, left, right)
        })
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
    out.phrases = phrase_lists(corpus, &pairs, &sizes);
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
    pairs: &FxHashMap<u64, PairAcc>,
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
            let matches = match_in_memory(word, pairs)?;
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
fn match_in_memory(term: &[char], pairs: &FxHashMap<u64, PairAcc>) -> Option<Vec<TermMatch>> {
    let acc = |i: usize| pairs.get(&pair_key(term[i], term[i + 1]));
    let plan = postings::plan(term.len(), 0, 1);
    let indexes: Vec<usize> = match plan {
        Plan::RightOfFirst => vec![0],
        Plan::LeftOfSecond => vec![1],
        Plan::Middle => (1..=term.len() - 3).collect(),
    };
    let found: Option<Vec<&PairAcc>> = indexes.iter().map(|&i| acc(i)).collect();
    let found = found?;
    let chain: Vec<Pair> = found
        .iter()
        .map(|a| Pair {
            docs: &a.docs,
            left: Some(&a.left),
            right: Some(&a.right),
        })
        .collect();
    postings::match_term(term, plan, &chain).ok()
}
