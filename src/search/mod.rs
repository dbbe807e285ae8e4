//! Chinese full-text search: an exact substring index (bigram positions,
//! unigram lists, a phrase list), ranked with BM25 and jieba keywords.
//! The same index serves the static site (as sharded files read by
//! `search.js`), `jianbao search` and `jianbao serve`.

pub mod data;
pub mod engine;
pub mod exact;
pub mod files;
pub mod indexer;
pub mod normalize;
pub mod snippet;
