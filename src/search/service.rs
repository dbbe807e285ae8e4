//! What `jianbao serve` answers `/api/search` from: tantivy decides each
//! term's matches (once: recent terms' matches are kept), and the
//! documents' ranking data, facets and texts are held in memory beside it
//! for the engine to rank and cut snippets.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Result;
use rustc_hash::FxHashMap;

use super::api::{Filters, Request, Results};
use super::data::*;
use super::engine::{self, Source};
use super::reader::StaticIndex;
use super::tantivy_index::TantivyIndex;

/// `<parent>/.<name>.tantivy` for the output folder `<parent>/<name>`:
/// beside the site, never published.
pub fn tantivy_dir(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.parent()
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.tantivy"))
}

pub struct Searchable {
    docs: Vec<Arc<Doc>>,
    keywords: Vec<Vec<String>>,
    names: FilterNames,
    roots: Vec<u8>,
    facets: Vec<Facets>,
    average_length: f64,
    pub exact: TantivyIndex,
    /// The build the static index files carry (`meta.json`).
    pub build: String,
    /// Recent answers: readers repeat the same few queries, and a query
    /// matching thousands of reports costs a fraction of a millisecond to
    /// rank. Dropped with the whole `Searchable` when the site is rebuilt.
    answers: Mutex<Recent<Request, Arc<Results>>>,
    /// Recent terms' matches and keyword lists: new queries mostly reuse
    /// old words.
    terms: Mutex<Recent<Vec<char>, Arc<[TermMatch]>>>,
    keyword_lists: Mutex<Recent<String, Arc<[u32]>>>,
}

/// A bounded map, emptied when full (cheaper than tracking which entry is
/// oldest, and recent entries come back at once).
struct Recent<K, V> {
    map: FxHashMap<K, V>,
    weight: usize,
    limit: usize,
}

impl<K: std::hash::Hash + Eq, V: Clone> Recent<K, V> {
    fn new(limit: usize) -> Self {
        Recent {
            map: FxHashMap::default(),
            weight: 0,
            limit,
        }
    }

    fn get(&self, key: &K) -> Option<V> {
        self.map.get(key).cloned()
    }

    fn put(&mut self, key: K, value: V, weight: usize) {
        if weight > self.limit {
            return;
        }
        if self.weight + weight > self.limit {
            self.map.clear();
            self.weight = 0;
        }
        if self.map.insert(key, value).is_none() {
            self.weight += weight;
        }
    }
}

/// Answers kept, and matches kept (12 bytes each: 16 MB).
const ANSWERS: usize = 1024;
const TERM_MATCHES: usize = 1 << 20;

impl Searchable {
    /// Loads a built site's index (`<out>/search`) and its tantivy index,
    /// kept beside the output folder and made anew when the reports changed.
    pub fn load(out: &Path) -> Result<Searchable> {
        let index = StaticIndex::open(&out.join(super::files::DIR))?;
        let build = index.meta.build.clone();
        let corpus = index.load_corpus()?;
        let exact = TantivyIndex::open_or_build(&tantivy_dir(out), &corpus)?;
        Ok(Searchable::new(corpus, exact, build))
    }

    pub fn new(corpus: Corpus, exact: TantivyIndex, build: String) -> Searchable {
        Searchable {
            roots: corpus.docs.iter().map(Doc::length_root).collect(),
            facets: corpus.docs.iter().map(|d| d.facets).collect(),
            average_length: corpus.average_length(),
            docs: corpus.docs.into_iter().map(Arc::new).collect(),
            keywords: corpus.keywords,
            names: corpus.names,
            exact,
            build,
            answers: Mutex::new(Recent::new(ANSWERS)),
            terms: Mutex::new(Recent::new(TERM_MATCHES)),
            keyword_lists: Mutex::new(Recent::new(TERM_MATCHES)),
        }
    }

    /// The same search with a new corpus of as many documents: those whose
    /// text or keywords changed are indexed again. Returns it and how many
    /// were.
    pub fn updated(&self, corpus: Corpus, build: String) -> Result<(Searchable, usize)> {
        let changed: Vec<(u32, &Doc, &[String])> = corpus
            .docs
            .iter()
            .zip(&corpus.keywords)
            .enumerate()
            .filter(|(i, (doc, keywords))| {
                self.docs[*i].text != doc.text || &&self.keywords[*i] != keywords
            })
            .map(|(i, (doc, keywords))| (i as u32, doc, keywords.as_slice()))
            .collect();
        let count = changed.len();
        let exact = if changed.is_empty() {
            self.exact.replace(&[])?
        } else {
            self.exact.replace(&changed)?
        };
        Ok((Searchable::new(corpus, exact, build), count))
    }

    /// Reports searched.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    pub fn search(
        &self,
        query: &str,
        filters: &Filters,
        offset: usize,
        limit: usize,
    ) -> Arc<Results> {
        let request = Request {
            query: query.to_string(),
            filters: filters.clone(),
            offset,
            limit,
        };
        if let Some(answer) = self.answers.lock().expect("cache").get(&request) {
            return answer;
        }
        let answer = Arc::new(engine::search(self, &request).unwrap_or_else(|err| {
            Results::empty(Some(format!(
                "检索出错：{}",
                crate::diagnostics::error_chain(&err)
            )))
        }));
        self.answers
            .lock()
            .expect("cache")
            .put(request, answer.clone(), 1);
        answer
    }
}

impl Source for Searchable {
    fn doc_count(&self) -> usize {
        self.docs.len()
    }

    fn average_length(&self) -> f64 {
        self.average_length
    }

    fn term(&self, term: &[char]) -> Result<Arc<[TermMatch]>> {
        if let Some(list) = self.terms.lock().expect("cache").get(&term.to_vec()) {
            return Ok(list);
        }
        let list: Arc<[TermMatch]> = self.exact.match_term(term)?.into();
        let weight = list.len().max(1);
        self.terms
            .lock()
            .expect("cache")
            .put(term.to_vec(), list.clone(), weight);
        Ok(list)
    }

    fn keyword_docs(&self, word: &str) -> Result<Arc<[u32]>> {
        if let Some(list) = self
            .keyword_lists
            .lock()
            .expect("cache")
            .get(&word.to_string())
        {
            return Ok(list);
        }
        let list: Arc<[u32]> = self.exact.keyword_docs(word)?.into();
        let weight = list.len().max(1);
        self.keyword_lists
            .lock()
            .expect("cache")
            .put(word.to_string(), list.clone(), weight);
        Ok(list)
    }

    fn length_roots(&self) -> Result<&[u8]> {
        Ok(&self.roots)
    }

    fn facets(&self) -> Result<&[Facets]> {
        Ok(&self.facets)
    }

    fn names(&self) -> Result<&FilterNames> {
        Ok(&self.names)
    }

    fn document(&self, doc: u32) -> Result<Arc<Doc>> {
        self.docs
            .get(doc as usize)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("检索索引不完整"))
    }
}
