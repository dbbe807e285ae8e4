//! The search index as data: what the builder produces, what the files
//! under `public/search/` hold, and what the query engine (here and in
//! `search.js`) reads. One layout, documented in `docs/search-index.md`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Index layout version; `search.js` refuses files of another version.
pub const VERSION: u32 = 2;
/// Documents per record block file (`docs/<block>.json`).
pub const DOC_BLOCK: u32 = 64;
/// BM25 parameters.
pub const K1: f64 = 1.2;
pub const B: f64 = 0.75;

/// A searchable report, in chronological order: a higher id is newer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocRecord {
    /// Source file relative to `content/`.
    pub path: String,
    pub url: String,
    pub title: String,
    /// 2024年第27期
    pub issue: String,
    pub date: String,
    pub county: String,
    /// Official place name (安阳市北关区), or the county as written.
    pub place: String,
}

/// Per document: what ranking needs for every candidate.
#[derive(Debug, Clone, Copy, Default)]
pub struct RankInfo {
    /// Length of the title zone (`county：title`) in characters, capped.
    pub zone_end: u8,
    /// floor(sqrt(length in characters)), capped: a coarse length that
    /// both engines square the same way.
    pub length_root: u8,
}

impl RankInfo {
    pub fn length(&self) -> f64 {
        let root = f64::from(self.length_root);
        root * root
    }
}

/// Per document: what filters need.
#[derive(Debug, Clone, Copy)]
pub struct Facets {
    pub year: u16,
    /// Index into `Meta::prefectures`, or `NONE8`.
    pub prefecture: u8,
    /// Index into `Meta::places`.
    pub place: u16,
    /// Index into `Meta::series`, or `NONE16`.
    pub series: u16,
}

pub const NONE8: u8 = u8::MAX;
pub const NONE16: u16 = u16::MAX;

/// One document's match of one term: how often, whether in the title
/// zone, and where the best occurrence for a snippet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrences {
    pub doc: u32,
    pub count: u32,
    pub in_zone: bool,
    pub best: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlaceEntry {
    /// 安阳市北关区
    pub full: String,
    /// 北关区
    pub name: String,
    pub prefecture: String,
}

/// `search/meta.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub version: u32,
    pub docs: u32,
    pub average_length: f64,
    pub k1: f64,
    pub b: f64,
    pub doc_block: u32,
    /// Number of shard files of each posting kind: `u`, `b`, `p`, `k`.
    pub shards: std::collections::BTreeMap<String, u32>,
    pub years: Vec<u16>,
    /// Changes with every build: lets caches and `jianbao search` tell a
    /// stale index.
    pub build: String,
}

/// `search/filters.json`: the names filters choose among, indexed by the
/// numbers in `facets.bin`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FilterNames {
    pub prefectures: Vec<String>,
    pub places: Vec<PlaceEntry>,
    pub series: Vec<String>,
}

/// Everything the engine needs, in memory.
#[derive(Debug, Default)]
pub struct IndexData {
    pub records: Vec<DocRecord>,
    /// The searchable text of each document (original characters).
    pub texts: Vec<String>,
    pub rank: Vec<RankInfo>,
    pub facets: Vec<Facets>,
    pub unigrams: HashMap<char, Vec<Occurrences>>,
    /// Bigram → flat list: doc, n, then n positions, repeated.
    pub bigrams: HashMap<(char, char), Vec<u32>>,
    pub phrases: HashMap<String, Vec<Occurrences>>,
    pub keywords: HashMap<String, Vec<u32>>,
    pub average_length: f64,
    pub prefectures: Vec<String>,
    pub places: Vec<PlaceEntry>,
    pub series: Vec<String>,
}

/// FNV-1a over UTF-8 bytes: the shard of a key, in both engines.
pub fn shard_of(key: &str, shards: u32) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in key.as_bytes() {
        hash ^= u32::from(*byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % shards.max(1)
}
