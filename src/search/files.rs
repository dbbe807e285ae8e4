//! The index as static files under `search/`, sharded by key so a reader
//! fetches only the pieces a query needs. No file is compressed with gzip:
//! the codes of `codec.rs` are compact already, so any host can serve the
//! files as they are and no browser needs a decompressor (a host that
//! compresses them anyway is transparent to readers). The layout is in
//! `docs/search-index.md`; `reader.rs` and `search.js` read it.

use rayon::prelude::*;

use super::codec::{fnv1a, put_varint, Alphabet, BitWriter};
use super::data::*;
use super::indexer::Postings;
use crate::render::{Contents, OutputFile};

pub const DIR: &str = "search";

/// Shard sizes aimed at, per kind, in bytes. A query fetches one shard per
/// key it needs (and a key's own file when its payload is large), so
/// shards are kept small; their number is rounded up to a multiple of 16
/// so that an edit rarely moves keys between shards.
pub fn shard_target(kind: &str) -> usize {
    match kind {
        "b" => 6 * 1024,
        "p" | "k" => 2 * 1024,
        _ => 4 * 1024,
    }
}

/// A payload larger than this gets its own file, `<kind>/x<hex of the
/// key's UTF-8>.bin`, named in `meta.json`'s `solo` lists.
pub fn solo_threshold(kind: &str) -> usize {
    shard_target(kind) / 2
}

pub fn solo_path(kind: &str, key: &str) -> String {
    let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{kind}/x{hex}.bin")
}

/// Shard entries: `varint key length, key, varint payload length,
/// payload`. Payloads above the threshold go to files of their own instead,
/// listed in `meta.json`. Returns the shard count, the solo keys (sorted)
/// and the files.
fn shard_files(kind: &str, entries: Vec<(String, Vec<u8>)>) -> (u32, Vec<String>, Vec<OutputFile>) {
    let threshold = solo_threshold(kind);
    let (big, small): (Vec<_>, Vec<_>) =
        entries.into_iter().partition(|(_, p)| p.len() > threshold);
    let inline: usize = small.iter().map(|(k, p)| k.len() + p.len() + 4).sum();
    let shards = (inline.div_ceil(shard_target(kind)).max(1).div_ceil(16) * 16) as u32;
    let mut buckets: Vec<Vec<(String, Vec<u8>)>> = (0..shards).map(|_| Vec::new()).collect();
    for (key, payload) in small {
        buckets[(fnv1a(&key) % shards) as usize].push((key, payload));
    }
    let mut files: Vec<OutputFile> = buckets
        .into_par_iter()
        .enumerate()
        .map(|(shard, mut entries)| {
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut raw = Vec::new();
            for (key, payload) in entries {
                put_varint(&mut raw, key.len() as u64);
                raw.extend_from_slice(key.as_bytes());
                put_varint(&mut raw, payload.len() as u64);
                raw.extend_from_slice(&payload);
            }
            OutputFile {
                path: format!("{DIR}/{kind}/{shard}.bin"),
                contents: Contents::Bytes(raw),
            }
        })
        .collect();
    let mut solo: Vec<String> = big.iter().map(|(k, _)| k.clone()).collect();
    solo.sort();
    files.extend(big.into_iter().map(|(key, payload)| OutputFile {
        path: format!("{DIR}/{}", solo_path(kind, &key)),
        contents: Contents::Bytes(payload),
    }));
    (shards, solo, files)
}

/// The characters of a document as the text files hold them: its record
/// fields and its searchable text.
fn fields(doc: &Doc) -> [&str; 6] {
    let r = &doc.record;
    [&r.path, &r.url, &r.issue, &r.date, &r.county, &doc.text]
}

/// The Huffman code of every character the text files hold.
pub fn text_alphabet(corpus: &Corpus) -> Alphabet {
    let counts = corpus
        .docs
        .par_iter()
        .fold(
            rustc_hash::FxHashMap::<u32, u64>::default,
            |mut counts, doc| {
                for field in fields(doc) {
                    for c in field.chars() {
                        *counts.entry(c as u32).or_default() += 1;
                    }
                }
                counts
            },
        )
        .reduce(rustc_hash::FxHashMap::default, |mut a, b| {
            for (c, n) in b {
                *a.entry(c).or_default() += n;
            }
            a
        });
    let mut counted: Vec<(u32, u64)> = counts.into_iter().collect();
    counted.sort_unstable();
    if counted.is_empty() {
        counted.push((u32::from(' '), 1));
    }
    Alphabet::from_counts(&counted)
}

/// One document in a text file: `varint body start`, the six fields'
/// lengths in characters (varints), the byte length of the code, the code.
fn encode_text(doc: &Doc, alphabet: &Alphabet, out: &mut Vec<u8>) {
    put_varint(out, u64::from(doc.body_start));
    let fields = fields(doc);
    for field in fields {
        put_varint(out, field.chars().count() as u64);
    }
    let mut bits = BitWriter::new();
    for field in fields {
        for c in field.chars() {
            alphabet.write(&mut bits, alphabet.index(c as u32));
        }
    }
    let bits = bits.finish();
    put_varint(out, bits.len() as u64);
    out.extend_from_slice(&bits);
}

/// Fixed-width numbers, lowest bit first: `facets.bin`.
fn facet_bits(values: usize) -> u32 {
    usize::BITS - values.saturating_sub(1).leading_zeros()
}

/// Every file of the static index.
pub fn to_files(corpus: &Corpus, postings: Postings, build: &str) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let mut shards = std::collections::BTreeMap::new();
    let mut solos = std::collections::BTreeMap::new();
    let Postings {
        unigrams,
        pairs,
        phrases,
        keywords,
    } = postings;
    let mut phrase_keys: Vec<String> = phrases.iter().map(|(k, _)| k.clone()).collect();
    phrase_keys.sort();
    let mut pair_entries = Vec::with_capacity(pairs.len());
    let mut lefts = Vec::with_capacity(pairs.len());
    let mut rights = Vec::with_capacity(pairs.len());
    for (key, entry, left, right) in pairs {
        lefts.push((key.clone(), left));
        rights.push((key.clone(), right));
        pair_entries.push((key, entry));
    }
    for (kind, entries) in [
        ("u", unigrams),
        ("b", pair_entries),
        ("l", lefts),
        ("r", rights),
        ("p", phrases),
        ("k", keywords),
    ] {
        let (count, solo, kind_files) = shard_files(kind, entries);
        shards.insert(kind.to_string(), count);
        solos.insert(kind.to_string(), solo);
        files.extend(kind_files);
    }

    let alphabet = text_alphabet(corpus);
    let blocks: Vec<OutputFile> = corpus
        .docs
        .par_chunks(TEXT_BLOCK as usize)
        .enumerate()
        .map(|(block, docs)| {
            let mut raw = Vec::new();
            for doc in docs {
                encode_text(doc, &alphabet, &mut raw);
            }
            OutputFile {
                path: format!("{DIR}/text/{block}.bin"),
                contents: Contents::Bytes(raw),
            }
        })
        .collect();
    files.extend(blocks);

    // Every query ranks with every candidate's length: Huffman-coded.
    let roots: Vec<u32> = corpus
        .docs
        .iter()
        .map(|d| u32::from(d.length_root()))
        .collect();
    files.push(OutputFile {
        path: format!("{DIR}/rank.bin"),
        contents: Contents::Bytes(super::postings::encode_contexts(&roots)),
    });

    let years = corpus.years();
    let widths = [
        facet_bits(years.len()),
        facet_bits(corpus.names.places.len()),
        facet_bits(corpus.names.series.len() + 1),
    ];
    let mut bits = BitWriter::new();
    for doc in &corpus.docs {
        let f = doc.facets;
        let year = years.binary_search(&f.year).unwrap_or(0);
        let series = if f.series == NONE16 {
            0
        } else {
            u64::from(f.series) + 1
        };
        bits.bits(year as u64, widths[0]);
        bits.bits(u64::from(f.place), widths[1]);
        bits.bits(series, widths[2]);
    }
    files.push(OutputFile {
        path: format!("{DIR}/facets.bin"),
        contents: Contents::Bytes(bits.finish()),
    });

    let meta = Meta {
        version: VERSION,
        docs: corpus.docs.len() as u32,
        average_length: corpus.average_length(),
        k1: K1,
        b: B,
        text_block: TEXT_BLOCK,
        shards,
        solo: solos,
        phrases: phrase_keys,
        years,
        facet_bits: widths,
        chars: alphabet
            .symbols
            .iter()
            .map(|&s| char::from_u32(s).unwrap_or('\u{FFFD}'))
            .collect(),
        lengths: alphabet
            .lengths
            .iter()
            .map(|&l| char::from(b'@' + l))
            .collect(),
        build: build.to_string(),
    };
    files.push(OutputFile {
        path: format!("{DIR}/filters.json"),
        contents: Contents::Text(serde_json::to_string(&corpus.names).expect("names serialise")),
    });
    files.push(OutputFile {
        path: format!("{DIR}/meta.json"),
        contents: Contents::Text(serde_json::to_string(&meta).expect("meta serialises")),
    });
    files
}
