//! The grams stage of the indexer: every character's and every pair's
//! document list, and each pair occurrence's contexts (the characters
//! before and after it), counted in one ordered scan over the archive's
//! texts as dense character ids. Lists come out in document then position
//! order, so nothing is sorted and nothing is hashed per character.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::codec;
use super::data::{Corpus, Doc};
use super::normalize::{fold, is_break};
use super::postings::{DocEntry, BREAK};

/// A pair's occurrences while indexing; contexts as character ids.
#[derive(Default)]
pub(crate) struct PairAcc {
    pub docs: Vec<DocEntry>,
    /// (left, right) of each occurrence, interleaved: one stream to
    /// write per pair.
    pub contexts: Vec<[u32; 2]>,
}

/// The id of white space (a break) in `Coded::ids`.
const NO_CHAR: u32 = u32::MAX;

/// Every document's folded characters as dense ids, so that counting
/// needs no hashing per character.
pub(crate) struct Coded {
    ids: Vec<Vec<u32>>,
    zones: Vec<usize>,
    /// Character by id.
    pub chars: Vec<char>,
}

impl Coded {
    pub(crate) fn new(corpus: &Corpus) -> Coded {
        // Folded code points (NO_CHAR for white space), in parallel; then
        // each becomes a dense id, in place.
        let mut ids: Vec<Vec<u32>> = corpus
            .docs
            .par_iter()
            .map(|doc| {
                doc.text
                    .chars()
                    .map(|c| {
                        let c = fold(c);
                        if is_break(c) {
                            NO_CHAR
                        } else {
                            c as u32
                        }
                    })
                    .collect()
            })
            .collect();
        let mut bmp = vec![NO_CHAR; 0x1_0000];
        let mut other: FxHashMap<u32, u32> = FxHashMap::default();
        let mut chars: Vec<char> = Vec::new();
        for text in &mut ids {
            for code in text.iter_mut() {
                if *code == NO_CHAR {
                    continue;
                }
                let slot = match bmp.get_mut(*code as usize) {
                    Some(slot) => slot,
                    None => other.entry(*code).or_insert(NO_CHAR),
                };
                if *slot == NO_CHAR {
                    *slot = chars.len() as u32;
                    chars.push(char::from_u32(*code).unwrap_or('\u{FFFD}'));
                }
                *code = *slot;
            }
        }
        Coded {
            ids,
            zones: corpus.docs.iter().map(Doc::zone_len).collect(),
            chars,
        }
    }

    /// The context symbol of an id: its code point, or `BREAK`.
    pub(crate) fn symbol(&self, id: u32) -> u32 {
        if id == NO_CHAR {
            BREAK
        } else {
            self.chars[id as usize] as u32
        }
    }
}

/// Counts and codes a context list of ids without hashing: counts and
/// alphabet indexes by id, reset after each list.
pub(crate) struct Scratch {
    counts: Vec<u64>,
    index: Vec<u32>,
    touched: Vec<u32>,
}

impl Scratch {
    pub(crate) fn new(chars: usize) -> Scratch {
        // One more slot: NO_CHAR counts at `chars`.
        Scratch {
            counts: vec![0; chars + 1],
            index: vec![0; chars + 1],
            touched: Vec::new(),
        }
    }

    /// The same bytes as `postings::encode_contexts` of the symbols.
    pub(crate) fn encode(
        &mut self,
        ids: impl Iterator<Item = u32> + Clone,
        coded: &Coded,
    ) -> Vec<u8> {
        let slot = |id: u32| {
            if id == NO_CHAR {
                coded.chars.len()
            } else {
                id as usize
            }
        };
        for id in ids.clone() {
            let s = slot(id);
            if self.counts[s] == 0 {
                self.touched.push(id);
            }
            self.counts[s] += 1;
        }
        let mut counted: Vec<(u32, u64)> = self
            .touched
            .iter()
            .map(|&id| (coded.symbol(id), self.counts[slot(id)]))
            .collect();
        counted.sort_unstable();
        let alphabet = codec::Alphabet::from_counts(&counted);
        for &id in &self.touched {
            self.index[slot(id)] = alphabet.index(coded.symbol(id)) as u32;
        }
        let mut out = Vec::new();
        alphabet.write_table(&mut out);
        let mut bits = codec::BitWriter::new();
        for id in ids {
            alphabet.write(&mut bits, self.index[slot(id)] as usize);
        }
        out.extend(bits.finish());
        for &id in &self.touched {
            self.counts[slot(id)] = 0;
        }
        self.touched.clear();
        out
    }
}

pub(crate) fn pair_key(a: char, b: char) -> u64 {
    (u64::from(a as u32) << 32) | u64::from(b as u32)
}

/// Counts one occurrence in a key's document list, which grows in
/// document order.
fn count(list: &mut Vec<DocEntry>, doc: u32, in_zone: bool) {
    match list.last_mut() {
        Some(last) if last.doc == doc => {
            last.count += 1;
            last.zone += u32::from(in_zone);
        }
        _ => list.push(DocEntry {
            doc,
            count: 1,
            zone: u32::from(in_zone),
        }),
    }
}

/// Every character's document list (by id), in one pass in text order.
pub(crate) fn unigram_lists(coded: &Coded) -> Vec<Vec<DocEntry>> {
    let mut lists: Vec<Vec<DocEntry>> = vec![Vec::new(); coded.chars.len()];
    for (doc, ids) in coded.ids.iter().enumerate() {
        let zone = coded.zones[doc];
        for (i, &id) in ids.iter().enumerate() {
            if id != NO_CHAR {
                count(&mut lists[id as usize], doc as u32, i < zone);
            }
        }
    }
    lists
}

/// Every pair's document list and contexts, in text order: the contexts
/// come out in document then position order, as readers expect them. A
/// counting sort: one pass numbers each occurrence's pair, the next puts
/// every occurrence in its place, so no list grows by reallocation. Keys
/// are pairs of ids.
pub(crate) fn pair_lists(coded: &Coded) -> Vec<((u32, u32), PairAcc)> {
    // Pairs of the commonest characters (ids below DIRECT, by first
    // appearance) are numbered through a table; the rest through a map.
    const DIRECT: usize = 2048;
    let direct_size = coded.chars.len().min(DIRECT);
    let mut table = vec![NO_CHAR; direct_size * direct_size];
    let mut index: FxHashMap<u64, u32> = FxHashMap::default();
    let mut keys: Vec<(u32, u32)> = Vec::new();
    let mut totals: Vec<usize> = Vec::new();
    let mut number = |a: u32, b: u32| -> u32 {
        let slot = if (a as usize) < direct_size && (b as usize) < direct_size {
            &mut table[a as usize * direct_size + b as usize]
        } else {
            index
                .entry((u64::from(a) << 32) | u64::from(b))
                .or_insert(NO_CHAR)
        };
        if *slot == NO_CHAR {
            *slot = keys.len() as u32;
            keys.push((a, b));
            totals.push(0);
        }
        totals[*slot as usize] += 1;
        *slot
    };
    let numbered: Vec<Vec<u32>> = coded
        .ids
        .iter()
        .map(|ids| {
            (0..ids.len().saturating_sub(1))
                .map(|i| {
                    let (a, b) = (ids[i], ids[i + 1]);
                    if a == NO_CHAR || b == NO_CHAR {
                        NO_CHAR
                    } else {
                        number(a, b)
                    }
                })
                .collect()
        })
        .collect();
    let mut pairs: Vec<((u32, u32), PairAcc)> = keys
        .into_iter()
        .zip(&totals)
        .map(|(key, &n)| {
            (
                key,
                PairAcc {
                    docs: Vec::new(),
                    contexts: vec![[NO_CHAR; 2]; n],
                },
            )
        })
        .collect();
    let mut filled = vec![0usize; pairs.len()];
    for (doc, (ids, numbers)) in coded.ids.iter().zip(&numbered).enumerate() {
        let zone = coded.zones[doc];
        for (i, &at) in numbers.iter().enumerate() {
            if at == NO_CHAR {
                continue;
            }
            let acc = &mut pairs[at as usize].1;
            let slot = &mut filled[at as usize];
            acc.contexts[*slot] = [
                if i > 0 { ids[i - 1] } else { NO_CHAR },
                ids.get(i + 2).copied().unwrap_or(NO_CHAR),
            ];
            *slot += 1;
            count(&mut acc.docs, doc as u32, i < zone);
        }
    }
    pairs
}
