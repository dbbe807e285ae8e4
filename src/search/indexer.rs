//! Builds the search index from the archive: exact positional bigrams,
//! unigram lists, a phrase list for expensive frequent words, and the
//! jieba keywords for ranking and related results.

use std::collections::HashMap;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::data::*;
use super::normalize::{fold, is_break};
use crate::content::Archive;
use crate::render::links::{self, Links};

/// A word goes to the phrase list when evaluating it from bigram
/// positions would touch more positions than this.
const PHRASE_COST: usize = 4096;

const USER_DICT: &str = include_str!("../../data/jieba_user_dict.txt");

/// The searchable text of a report: title line (the title zone), subtitle,
/// supplier, body. Returns the text and the title zone's length.
pub fn search_text(
    full_title: &str,
    subtitle: Option<&str>,
    supplier: &str,
    body: &str,
) -> (String, usize) {
    let mut text = String::with_capacity(full_title.len() + supplier.len() + body.len() + 8);
    text.push_str(full_title);
    text.push('\n');
    if let Some(subtitle) = subtitle {
        text.push_str(subtitle);
        text.push('\n');
    }
    text.push_str(supplier);
    text.push('\n');
    text.push_str(body);
    (text, full_title.chars().count())
}

/// One document's grams with their positions, sorted by gram.
struct DocGrams {
    singles: Vec<(char, u32)>,
    pairs: Vec<(u64, u32)>,
}

pub fn build(archive: &Archive, links: &Links) -> IndexData {
    let published: Vec<usize> = (0..archive.reports.len())
        .filter(|&i| archive.reports[i].issue.is_some())
        .collect();
    let mut data = IndexData::default();
    let mut prefecture_ids: HashMap<String, u8> = HashMap::new();
    let mut place_ids: HashMap<String, u16> = HashMap::new();
    let mut series_ids: HashMap<String, u16> = HashMap::new();
    for &r in &published {
        let report = &archive.reports[r];
        let issue = &archive.issues[report.issue.expect("published")];
        let (text, zone_end) = search_text(
            &report.full_title(),
            report.subtitle.as_deref(),
            &report.supplier,
            &report.plain_text,
        );
        data.records.push(DocRecord {
            path: report.source.clone(),
            url: links.href(&links::report_path(archive, report)),
            title: report.full_title(),
            issue: format!("{}年第{}期", issue.year, issue.number),
            date: issue.date.to_string(),
            county: report.county.clone(),
            place: report.place.full_name(),
        });
        data.rank.push(RankInfo {
            zone_end: zone_end.min(255) as u8,
            length_root: ((text.chars().count() as f64).sqrt() as usize).min(255) as u8,
        });
        let prefecture = match &report.place.prefecture {
            Some(name) => {
                let next = prefecture_ids.len().min(254) as u8;
                *prefecture_ids.entry(name.clone()).or_insert_with(|| {
                    data.prefectures.push(name.clone());
                    next
                })
            }
            None => NONE8,
        };
        let full = report.place.full_name();
        let next = place_ids.len().min(65534) as u16;
        let place = *place_ids.entry(full.clone()).or_insert_with(|| {
            data.places.push(PlaceEntry {
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
                    data.series.push(name.clone());
                    next
                })
            }
            None => NONE16,
        };
        data.facets.push(Facets {
            year: issue.year.clamp(0, 65535) as u16,
            prefecture,
            place,
            series,
        });
        data.texts.push(text);
    }

    let folded: Vec<Vec<char>> = data
        .texts
        .par_iter()
        .map(|t| t.chars().map(fold).collect())
        .collect();
    let mut total_length = 0usize;
    let mut unigrams: FxHashMap<char, Vec<Occurrences>> = FxHashMap::default();
    let mut bigrams: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    // Chunks bound the memory of the per-document sort buffers.
    for (chunk_index, chunk) in folded.chunks(512).enumerate() {
        let first = chunk_index * 512;
        let grams: Vec<DocGrams> = chunk
            .par_iter()
            .enumerate()
            .map(|(i, chars)| doc_grams(chars, usize::from(data.rank[first + i].zone_end)))
            .collect();
        for (i, doc_grams) in grams.into_iter().enumerate() {
            let doc = (first + i) as u32;
            total_length += data.rank[doc as usize].length() as usize;
            let zone_end = usize::from(data.rank[doc as usize].zone_end);
            for group in doc_grams.singles.chunk_by(|a, b| a.0 == b.0) {
                let positions: Vec<u32> = group.iter().map(|(_, p)| *p).collect();
                unigrams
                    .entry(group[0].0)
                    .or_default()
                    .push(occurrences(doc, &positions, zone_end));
            }
            for group in doc_grams.pairs.chunk_by(|a, b| a.0 == b.0) {
                let list = bigrams.entry(group[0].0).or_default();
                list.push(doc);
                list.push(group.len() as u32);
                list.extend(group.iter().map(|(_, p)| *p));
            }
        }
    }
    data.average_length = if data.records.is_empty() {
        1.0
    } else {
        total_length as f64 / data.records.len() as f64
    };

    data.phrases = phrase_list(archive, &published, &folded, &data.rank, &bigrams);
    data.unigrams = unigrams.into_iter().collect();
    data.bigrams = bigrams
        .into_iter()
        .map(|(key, list)| (split_key(key), list))
        .collect();
    for (doc, &r) in published.iter().enumerate() {
        for keyword in &archive.reports[r].keywords {
            let key: String = keyword.chars().map(fold).collect();
            let list = data.keywords.entry(key).or_default();
            if list.last() != Some(&(doc as u32)) {
                list.push(doc as u32);
            }
        }
    }
    data
}

pub fn bigram_key(a: char, b: char) -> u64 {
    (u64::from(a as u32) << 32) | u64::from(b as u32)
}

fn split_key(key: u64) -> (char, char) {
    (
        char::from_u32((key >> 32) as u32).unwrap_or('\u{FFFD}'),
        char::from_u32(key as u32).unwrap_or('\u{FFFD}'),
    )
}

fn doc_grams(chars: &[char], _zone_end: usize) -> DocGrams {
    let mut singles: Vec<(char, u32)> = Vec::with_capacity(chars.len());
    let mut pairs: Vec<(u64, u32)> = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        if is_break(c) {
            continue;
        }
        singles.push((c, i as u32));
        if let Some(&next) = chars.get(i + 1) {
            if !is_break(next) {
                pairs.push((bigram_key(c, next), i as u32));
            }
        }
    }
    singles.sort_unstable();
    pairs.sort_unstable();
    DocGrams { singles, pairs }
}

/// Sums up a document's sorted occurrence positions of one term.
pub fn occurrences(doc: u32, positions: &[u32], zone_end: usize) -> Occurrences {
    let zone_end = zone_end as u32;
    Occurrences {
        doc,
        count: positions.len() as u32,
        in_zone: positions.first().is_some_and(|&p| p < zone_end),
        best: positions
            .iter()
            .copied()
            .find(|&p| p >= zone_end)
            .or(positions.first().copied())
            .unwrap_or(0),
    }
}

/// Frequent words whose bigram evaluation would be expensive get their
/// exact document list precomputed: 代表联络站 in a large archive costs a
/// few kilobytes this way instead of hundreds of thousands of positions.
fn phrase_list(
    archive: &Archive,
    published: &[usize],
    folded: &[Vec<char>],
    rank: &[RankInfo],
    bigrams: &FxHashMap<u64, Vec<u32>>,
) -> HashMap<String, Vec<Occurrences>> {
    let mut candidates: Vec<String> = USER_DICT
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(|word| word.chars().map(fold).collect::<String>())
        .collect();
    for &r in published {
        for keyword in &archive.reports[r].keywords {
            candidates.push(keyword.chars().map(fold).collect());
        }
    }
    candidates.retain(|word| word.chars().count() >= 3 && !word.chars().any(is_break));
    candidates.sort();
    candidates.dedup();
    let expensive: Vec<String> = candidates
        .into_iter()
        .filter(|word| {
            let chars: Vec<char> = word.chars().collect();
            cover_offsets(chars.len())
                .iter()
                .map(|&o| {
                    bigrams
                        .get(&bigram_key(chars[o], chars[o + 1]))
                        .map_or(0, |list| list.len())
                })
                .sum::<usize>()
                > PHRASE_COST
        })
        .collect();
    if expensive.is_empty() {
        return HashMap::new();
    }
    let matcher = AhoCorasick::new(&expensive).expect("phrase patterns are plain strings");
    let per_doc: Vec<Vec<(usize, Occurrences)>> = folded
        .par_iter()
        .enumerate()
        .map(|(doc, chars)| {
            let text: String = chars.iter().collect();
            // Byte offset → character offset, for positions in characters.
            let mut char_at = vec![0u32; text.len() + 1];
            for (index, (byte, _)) in text.char_indices().enumerate() {
                char_at[byte] = index as u32;
            }
            let mut found: Vec<(usize, u32)> = matcher
                .find_overlapping_iter(&text)
                .map(|m| (m.pattern().as_usize(), char_at[m.start()]))
                .collect();
            found.sort_unstable();
            found
                .chunk_by(|a, b| a.0 == b.0)
                .map(|group| {
                    let positions: Vec<u32> = group.iter().map(|(_, p)| *p).collect();
                    (
                        group[0].0,
                        occurrences(doc as u32, &positions, usize::from(rank[doc].zone_end)),
                    )
                })
                .collect()
        })
        .collect();
    let mut phrases: HashMap<String, Vec<Occurrences>> = HashMap::new();
    for doc_matches in per_doc {
        for (pattern, occurrence) in doc_matches {
            phrases
                .entry(expensive[pattern].clone())
                .or_default()
                .push(occurrence);
        }
    }
    phrases
}

/// Offsets of the bigrams that cover a term of `length` characters: every
/// second one, and the last. A term occurs at p exactly when each of these
/// bigrams occurs at p + offset.
pub fn cover_offsets(length: usize) -> Vec<usize> {
    if length < 2 {
        return Vec::new();
    }
    let mut offsets: Vec<usize> = (0..=length - 2).step_by(2).collect();
    if offsets.last() != Some(&(length - 2)) {
        offsets.push(length - 2);
    }
    offsets
}
