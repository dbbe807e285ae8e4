//! The searchable archive as data: one document per published report,
//! with what ranking, filters and snippets need. The indexer makes it from
//! the archive, the static files carry it (`files.rs`), and every front end
//! reads it back. One layout, documented in `docs/search-index.md`.

use serde::{Deserialize, Serialize};

/// Index layout version; readers refuse files of another version.
pub const VERSION: u32 = 3;
/// Documents per text file (`text/<n>.bin`): each hit shown fetches one.
pub const TEXT_BLOCK: u32 = 1;
/// BM25 parameters.
pub const K1: f64 = 1.2;
pub const B: f64 = 0.75;

/// What a hit shows of its report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocRecord {
    /// Source file relative to `content/`.
    pub path: String,
    pub url: String,
    /// 2024年第27期
    pub issue: String,
    pub date: String,
    pub county: String,
}

/// A searchable report, in archive order: a higher id is newer.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub record: DocRecord,
    /// `<county>：<title>\n[<subtitle>\n]<supplier>\n<body>`, paragraphs of
    /// the body joined by `\n`. Its first line is the title zone.
    pub text: String,
    /// Characters before the body (title, subtitle and supplier lines).
    pub body_start: u32,
    pub facets: Facets,
}

impl Doc {
    /// `county：title`, the first line.
    pub fn title(&self) -> &str {
        self.text.split('\n').next().unwrap_or("")
    }

    /// Characters of the title zone.
    pub fn zone_len(&self) -> usize {
        self.title().chars().count()
    }

    /// floor(√length), capped: the coarse length BM25 uses, the same in
    /// every reader.
    pub fn length_root(&self) -> u8 {
        length_root(self.text.chars().count())
    }
}

pub fn length_root(chars: usize) -> u8 {
    ((chars as f64).sqrt() as usize).min(255) as u8
}

/// Per document: what filters need, as indexes into `FilterNames`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facets {
    pub year: u16,
    /// Index into `FilterNames::places`.
    pub place: u16,
    /// Index into `FilterNames::series`, or `NONE16`.
    pub series: u16,
}

pub const NONE16: u16 = u16::MAX;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceEntry {
    /// 安阳市北关区
    pub full: String,
    /// 北关区
    pub name: String,
    /// 安阳市, or empty
    pub prefecture: String,
}

/// `search/filters.json`: the names filters choose among, indexed by the
/// numbers in `facets.bin`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterNames {
    pub prefectures: Vec<String>,
    pub places: Vec<PlaceEntry>,
    pub series: Vec<String>,
}

/// The archive's searchable documents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Corpus {
    pub docs: Vec<Doc>,
    /// Each document's jieba keywords (folded), for ranking and related
    /// results.
    pub keywords: Vec<Vec<String>>,
    pub names: FilterNames,
}

impl Corpus {
    /// Mean of the squared length roots: the average length BM25 uses.
    pub fn average_length(&self) -> f64 {
        if self.docs.is_empty() {
            return 1.0;
        }
        let total: f64 = self
            .docs
            .iter()
            .map(|d| {
                let root = f64::from(d.length_root());
                root * root
            })
            .sum();
        total / self.docs.len() as f64
    }

    pub fn years(&self) -> Vec<u16> {
        let mut years: Vec<u16> = self.docs.iter().map(|d| d.facets.year).collect();
        years.sort_unstable();
        years.dedup();
        years
    }
}

/// `search/meta.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub version: u32,
    pub docs: u32,
    pub average_length: f64,
    pub k1: f64,
    pub b: f64,
    pub text_block: u32,
    /// Shard files of each posting kind (`u`, `b`, `l`, `r`, `p`, `k`).
    pub shards: std::collections::BTreeMap<String, u32>,
    /// Per kind, the keys whose payload is in a file of its own (not in a
    /// shard), so a reader fetches that file at once.
    pub solo: std::collections::BTreeMap<String, Vec<String>>,
    /// Every phrase with a document list of its own (`p`).
    pub phrases: Vec<String>,
    /// Years with reports, ascending; `facets.bin` counts in this list.
    pub years: Vec<u16>,
    /// Bits per document in `facets.bin`: year, place, series.
    pub facet_bits: [u32; 3],
    /// The texts' character code: the characters, ascending, as a string.
    pub chars: String,
    /// Their code lengths, one character per length (`a` = 1 bit …).
    pub lengths: String,
    /// Changes with every build: lets caches tell a stale index.
    pub build: String,
}

/// One document's match of one term: how often, and whether the title
/// zone has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermMatch {
    pub doc: u32,
    pub count: u32,
    pub in_zone: bool,
}
