//! Posting payloads and exact term matching without positions.
//!
//! A key (a character, a pair of adjacent characters, a frequent phrase)
//! has a *document list*: the documents holding it, how often, and how
//! often in the title zone. A pair also has two *context lists*: for each
//! of its occurrences, in document then text order, the character before
//! it (`l`) and the character after it (`r`), Huffman-coded per pair.
//!
//! A term of three or more characters is found from the contexts alone:
//! an occurrence of `t0 t1 t2 … tn` is an occurrence of the pair `t1 t2`
//! with `t0` before and `t3` after, linked to the occurrence of `t2 t3`
//! with `t1` before, and so on. The links need no positions: the
//! occurrences of `t1 t2` followed by `t3` and the occurrences of `t2 t3`
//! preceded by `t1` are the same occurrences of `t1 t2 t3`, in the same
//! order. So the term is matched exactly, and a common phrase costs what
//! its contexts' entropy costs (little: 表联 is nearly always followed by
//! 络). `search.js` implements `match_term` the same way.

use anyhow::{bail, Result};

use super::codec::{rice_parameter, Alphabet, BitReader, BitWriter, Bytes, ReadAlphabet};
use super::data::TermMatch;

/// The context symbol for "no character": the text's start or end, or
/// white space.
pub const BREAK: u32 = 0x11_0000;

/// One document of a key's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocEntry {
    pub doc: u32,
    pub count: u32,
    /// Occurrences in the title zone; they come first in text order.
    pub zone: u32,
}

/// A document list: `n`, then (bits) the Rice parameters of gaps, counts
/// and zone gaps (5 bits each), the `n` document gaps, the `n` counts less
/// one, the number of documents with zone occurrences (Rice), and for each
/// of those its gap in list order and its zone count (gamma).
pub fn encode_doc_list(entries: &[DocEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    super::codec::put_varint(&mut out, entries.len() as u64);
    let mut previous: i64 = -1;
    let gaps: Vec<u32> = entries
        .iter()
        .map(|e| {
            let gap = (i64::from(e.doc) - previous - 1) as u32;
            previous = i64::from(e.doc);
            gap
        })
        .collect();
    let counts: Vec<u32> = entries.iter().map(|e| e.count - 1).collect();
    let zoned: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].zone > 0)
        .collect();
    let mut last: i64 = -1;
    let zone_gaps: Vec<u32> = zoned
        .iter()
        .map(|&i| {
            let gap = (i as i64 - last - 1) as u32;
            last = i as i64;
            gap
        })
        .collect();
    let sum = |v: &[u32]| v.iter().map(|&x| u64::from(x)).sum::<u64>();
    let kg = rice_parameter(sum(&gaps), gaps.len());
    let kc = rice_parameter(sum(&counts), counts.len());
    let kz = rice_parameter(sum(&zone_gaps), zone_gaps.len());
    let mut bits = BitWriter::new();
    bits.bits(u64::from(kg), 5);
    bits.bits(u64::from(kc), 5);
    bits.bits(u64::from(kz), 5);
    for &g in &gaps {
        bits.rice(g, kg);
    }
    for &c in &counts {
        bits.rice(c, kc);
    }
    bits.rice(zoned.len() as u32, 4);
    for (g, &i) in zone_gaps.iter().zip(&zoned) {
        bits.rice(*g, kz);
        bits.gamma(entries[i].zone);
    }
    out.extend(bits.finish());
    out
}

pub fn decode_doc_list(payload: &[u8]) -> Result<Vec<DocEntry>> {
    let mut bytes = Bytes::new(payload);
    let n = bytes.varint()? as usize;
    if n > payload.len() * 8 {
        bail!("索引文件已损坏（文档表）");
    }
    let mut bits = BitReader::new(bytes.rest());
    let (kg, kc, kz) = (bits.bits(5)?, bits.bits(5)?, bits.bits(5)?);
    let mut entries = Vec::with_capacity(n);
    let mut doc: i64 = -1;
    for _ in 0..n {
        doc += i64::from(bits.rice(kg)?) + 1;
        entries.push(DocEntry {
            doc: u32::try_from(doc).map_err(|_| anyhow::anyhow!("索引文件已损坏（文档号）"))?,
            count: 0,
            zone: 0,
        });
    }
    for entry in &mut entries {
        entry.count = bits.rice(kc)? + 1;
    }
    let zoned = bits.rice(4)? as usize;
    let mut at: i64 = -1;
    for _ in 0..zoned {
        at += i64::from(bits.rice(kz)?) + 1;
        let Some(entry) = entries.get_mut(at as usize) else {
            bail!("索引文件已损坏（标题区）");
        };
        entry.zone = bits.gamma()?;
    }
    Ok(entries)
}

/// A context list: the alphabet of its symbols, then each occurrence's
/// symbol Huffman-coded.
pub fn encode_contexts(symbols: &[u32]) -> Vec<u8> {
    let mut counts: rustc_hash::FxHashMap<u32, u64> = rustc_hash::FxHashMap::default();
    for &s in symbols {
        *counts.entry(s).or_default() += 1;
    }
    let mut counted: Vec<(u32, u64)> = counts.into_iter().collect();
    counted.sort_unstable();
    let alphabet = Alphabet::from_counts(&counted);
    let mut out = Vec::new();
    alphabet.write_table(&mut out);
    let mut bits = BitWriter::new();
    for &s in symbols {
        alphabet.write(&mut bits, alphabet.index(s));
    }
    out.extend(bits.finish());
    out
}

/// `n` symbols of a context list.
pub fn decode_contexts(payload: &[u8], n: usize) -> Result<Vec<u32>> {
    let mut bytes = Bytes::new(payload);
    let alphabet = ReadAlphabet::read(&mut bytes)?;
    let mut bits = BitReader::new(bytes.rest());
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(alphabet.decode(&mut bits)?);
    }
    Ok(out)
}

/// A pair's entry in a `b` shard: the byte lengths of its `l` and `r`
/// lists (so a reader can pick the cheaper), then its document list.
pub fn encode_pair(list: &[u8], left: usize, right: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(list.len() + 6);
    super::codec::put_varint(&mut out, left as u64);
    super::codec::put_varint(&mut out, right as u64);
    out.extend_from_slice(list);
    out
}

/// (left length, right length, document list).
pub fn decode_pair(payload: &[u8]) -> Result<(usize, usize, Vec<DocEntry>)> {
    let mut bytes = Bytes::new(payload);
    let left = bytes.varint()? as usize;
    let right = bytes.varint()? as usize;
    Ok((left, right, decode_doc_list(bytes.rest())?))
}

/// A plain document list (keywords): `n`, the Rice parameter, the gaps.
pub fn encode_docs(docs: &[u32]) -> Vec<u8> {
    let mut out = Vec::new();
    super::codec::put_varint(&mut out, docs.len() as u64);
    let mut previous: i64 = -1;
    let gaps: Vec<u32> = docs
        .iter()
        .map(|&d| {
            let gap = (i64::from(d) - previous - 1) as u32;
            previous = i64::from(d);
            gap
        })
        .collect();
    let k = rice_parameter(gaps.iter().map(|&g| u64::from(g)).sum(), gaps.len());
    let mut bits = BitWriter::new();
    bits.bits(u64::from(k), 5);
    for &g in &gaps {
        bits.rice(g, k);
    }
    out.extend(bits.finish());
    out
}

pub fn decode_docs(payload: &[u8]) -> Result<Vec<u32>> {
    let mut bytes = Bytes::new(payload);
    let n = bytes.varint()? as usize;
    if n > payload.len() * 8 {
        bail!("索引文件已损坏（文档表）");
    }
    let mut bits = BitReader::new(bytes.rest());
    let k = bits.bits(5)?;
    let mut doc: i64 = -1;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        doc += i64::from(bits.rice(k)?) + 1;
        out.push(doc as u32);
    }
    Ok(out)
}

/// A pair as matching needs it: its documents and the contexts asked for.
pub struct Pair<'a> {
    pub docs: &'a [DocEntry],
    pub left: Option<&'a [u32]>,
    pub right: Option<&'a [u32]>,
}

/// The contexts a term of `length` ≥ 3 characters needs, by pair index
/// (pair i = characters i, i+1): for three characters, the right context
/// of pair 0 or the left context of pair 1 (`Three`); for more, both
/// contexts of every pair but the first and the last (`Middle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Pair 0 followed by the third character.
    RightOfFirst,
    /// Pair 1 preceded by the first character.
    LeftOfSecond,
    /// Pairs 1 ..= length-3, both contexts.
    Middle,
}

pub fn plan(length: usize, right_of_first: usize, left_of_second: usize) -> Plan {
    if length == 3 {
        if right_of_first <= left_of_second {
            Plan::RightOfFirst
        } else {
            Plan::LeftOfSecond
        }
    } else {
        Plan::Middle
    }
}

/// The occurrences of `term` (folded, ≥ 3 characters), per document.
/// `pairs[k]` is pair `first + k` of the term, where `first` is 0 for
/// `RightOfFirst` and 1 otherwise, and each carries the contexts the plan
/// names.
pub fn match_term(term: &[char], plan: Plan, pairs: &[Pair]) -> Result<Vec<TermMatch>> {
    let t: Vec<u32> = term.iter().map(|&c| c as u32).collect();
    let n = t.len();
    // The chain: first pair index in the term, and the tests on each end.
    let (first, chain) = match plan {
        Plan::RightOfFirst => (0usize, 1usize),
        Plan::LeftOfSecond => (1, 1),
        Plan::Middle => (1, n - 3),
    };
    if pairs.len() != chain {
        bail!("内部错误：词语与字对数目不符");
    }
    // Walk the documents all chain pairs share, with each pair's offset
    // into its contexts.
    let mut cursors = vec![0usize; chain];
    let mut offsets = vec![0usize; chain];
    let mut out = Vec::new();
    let mut alive: Vec<bool> = Vec::new();
    let mut carried: Vec<bool> = Vec::new();
    'docs: for lead in 0..pairs[0].docs.len() {
        let doc = pairs[0].docs[lead].doc;
        for k in 1..chain {
            let list = pairs[k].docs;
            while cursors[k] < list.len() && list[cursors[k]].doc < doc {
                offsets[k] += list[cursors[k]].count as usize;
                cursors[k] += 1;
            }
            if cursors[k] >= list.len() || list[cursors[k]].doc != doc {
                offsets[0] += pairs[0].docs[lead].count as usize;
                continue 'docs;
            }
        }
        cursors[0] = lead;
        // Occurrences of the first chain pair that can start the term.
        let entry = pairs[0].docs[lead];
        let range = offsets[0]..offsets[0] + entry.count as usize;
        alive.clear();
        match plan {
            Plan::RightOfFirst => {
                let right = contexts(pairs[0].right, &range)?;
                alive.extend(right.iter().map(|&s| s == t[2]));
            }
            _ => {
                let left = contexts(pairs[0].left, &range)?;
                alive.extend(left.iter().map(|&s| s == t[0]));
            }
        }
        if plan == Plan::Middle {
            for k in 0..chain {
                let pair_index = first + k;
                let entry = pairs[k].docs[cursors[k]];
                let range = offsets[k]..offsets[k] + entry.count as usize;
                let right = contexts(pairs[k].right, &range)?;
                if k + 1 == chain {
                    // The last pair of the chain: the term's last character
                    // follows it.
                    for (a, &s) in alive.iter_mut().zip(right) {
                        *a &= s == t[n - 1];
                    }
                    break;
                }
                // Link to the next pair through the triple
                // t[i] t[i+1] t[i+2] (i = pair_index).
                carried.clear();
                carried.extend(
                    alive
                        .iter()
                        .zip(right)
                        .filter(|(_, &s)| s == t[pair_index + 2])
                        .map(|(&a, _)| a),
                );
                let next = pairs[k + 1].docs[cursors[k + 1]];
                let next_range = offsets[k + 1]..offsets[k + 1] + next.count as usize;
                let left = contexts(pairs[k + 1].left, &next_range)?;
                let mut taken = carried.iter();
                alive.clear();
                for &s in left {
                    if s == t[pair_index] {
                        match taken.next() {
                            Some(&a) => alive.push(a),
                            None => bail!("索引文件已损坏（上下文不一致）"),
                        }
                    } else {
                        alive.push(false);
                    }
                }
                if taken.next().is_some() {
                    bail!("索引文件已损坏（上下文不一致）");
                }
            }
        }
        // The zone is judged on the chain's last pair, whose list `alive`
        // now indexes.
        let last = pairs[chain - 1].docs[cursors[chain - 1]];
        let count = alive.iter().filter(|&&a| a).count() as u32;
        if count > 0 {
            let in_zone = alive.iter().take(last.zone as usize).any(|&a| a);
            out.push(TermMatch {
                doc,
                count,
                in_zone,
            });
        }
        offsets[0] += entry.count as usize;
    }
    Ok(out)
}

fn contexts<'a>(list: Option<&'a [u32]>, range: &std::ops::Range<usize>) -> Result<&'a [u32]> {
    match list.and_then(|l| l.get(range.clone())) {
        Some(slice) => Ok(slice),
        None => bail!("索引文件已损坏（上下文不足）"),
    }
}

/// A document list as term matches.
pub fn matches_of(entries: &[DocEntry]) -> Vec<TermMatch> {
    entries
        .iter()
        .map(|e| TermMatch {
            doc: e.doc,
            count: e.count,
            in_zone: e.zone > 0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_lists_read_back() {
        let entries = vec![
            DocEntry {
                doc: 0,
                count: 1,
                zone: 0,
            },
            DocEntry {
                doc: 5,
                count: 40,
                zone: 2,
            },
            DocEntry {
                doc: 70_000,
                count: 3,
                zone: 0,
            },
            DocEntry {
                doc: 70_001,
                count: 1,
                zone: 1,
            },
        ];
        assert_eq!(
            decode_doc_list(&encode_doc_list(&entries)).unwrap(),
            entries
        );
        assert!(decode_doc_list(&encode_doc_list(&[])).unwrap().is_empty());
        let docs = vec![3, 4, 90, 1000];
        assert_eq!(decode_docs(&encode_docs(&docs)).unwrap(), docs);
        let symbols = vec![BREAK, 20320, 20320, 30, 20320];
        assert_eq!(
            decode_contexts(&encode_contexts(&symbols), 5).unwrap(),
            symbols
        );
    }
}
