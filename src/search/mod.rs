//! Chinese full-text search with exact matching. The index is built from
//! the archive (`indexer`) and written as static files (`files`): document
//! lists of characters and of pairs of adjacent characters, the pairs'
//! contexts (which let a longer term be matched without positions), phrase
//! lists for costly frequent words, jieba keyword lists and the reports'
//! texts. The browser (`search.js`) and `jianbao search` (`reader`) read
//! only the files a query needs; `jianbao serve` matches with tantivy
//! (`tantivy_index`, `service`). All of them rank and cut snippets the
//! same way (`engine`, `snippet`) and speak the same API (`api`).

pub mod api;
pub mod codec;
pub mod data;
pub mod engine;
pub mod files;
mod grams;
pub mod indexer;
pub mod normalize;
mod params;
pub mod postings;
pub mod reader;
pub mod service;
pub mod snippet;
pub mod tantivy_index;

use crate::content::Archive;
use crate::render::links::Links;
use crate::render::OutputFile;

/// The static index of an archive: every file under `search/`.
pub fn index_files(archive: &Archive, links: &Links, build: &str) -> Vec<OutputFile> {
    let corpus = indexer::corpus(archive, links);
    let postings = indexer::postings(&corpus);
    files::to_files(&corpus, postings, build)
}
