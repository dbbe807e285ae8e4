//! The server's exact matcher, in tantivy: every character and every pair
//! of adjacent characters indexed with its position, so a term is a phrase
//! query over the bigrams that cover it (or one unigram). `jianbao serve`
//! and `jianbao search` take the exact set from here; ranking and snippets
//! come from the same data the static site's script reads, so all three
//! front ends order results alike.

use std::path::Path;

use anyhow::{Context, Result};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexReader, Searcher, TantivyDocument, Term};

use super::data::IndexData;
use super::indexer::cover_offsets;
use super::normalize::{fold, is_break};

pub struct ExactIndex {
    index: Index,
    searcher: Searcher,
    /// Per segment, tantivy's document number → our document id.
    ids: Vec<Vec<u32>>,
    unigrams: Field,
    bigrams: Field,
}

/// Characters (n = 1) or pairs of adjacent characters (n = 2) of the folded
/// text, each at its character position; white space breaks pairs.
#[derive(Clone)]
struct GramTokenizer {
    n: usize,
    token: Token,
}

struct GramStream<'a> {
    chars: Vec<(usize, char)>,
    text: &'a str,
    at: usize,
    n: usize,
    token: &'a mut Token,
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = GramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramStream<'a> {
        self.token.reset();
        GramStream {
            chars: text.char_indices().collect(),
            text,
            at: 0,
            n: self.n,
            token: &mut self.token,
        }
    }
}

impl TokenStream for GramStream<'_> {
    fn advance(&mut self) -> bool {
        while self.at + self.n <= self.chars.len() {
            let i = self.at;
            self.at += 1;
            let gram = &self.chars[i..i + self.n];
            if gram.iter().any(|&(_, c)| is_break(fold(c))) {
                continue;
            }
            let start = gram[0].0;
            let end = self
                .chars
                .get(i + self.n)
                .map_or(self.text.len(), |&(b, _)| b);
            self.token.text.clear();
            self.token.text.extend(gram.iter().map(|&(_, c)| fold(c)));
            self.token.offset_from = start;
            self.token.offset_to = end;
            self.token.position = i;
            self.token.position_length = 1;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

impl ExactIndex {
    /// Opens the index kept in `dir` when it was made from the build
    /// `build`, or indexes `data` there anew.
    pub fn open_or_build(dir: &Path, build: &str, data: &IndexData) -> Result<ExactIndex> {
        let stamp = dir.join("jianbao-build");
        if std::fs::read_to_string(&stamp).ok().as_deref() == Some(build) {
            if let Ok(index) = Index::open_in_dir(dir) {
                if let Ok(exact) = Self::from_index(index) {
                    return Ok(exact);
                }
            }
        }
        if dir.exists() {
            std::fs::remove_dir_all(dir).with_context(|| format!("无法清理 {}", dir.display()))?;
        }
        std::fs::create_dir_all(dir).with_context(|| format!("无法创建 {}", dir.display()))?;
        let index =
            Index::create_in_dir(dir, Self::schema()).context("无法建立检索索引（tantivy）")?;
        let exact = Self::fill(index, data)?;
        std::fs::write(&stamp, build).with_context(|| format!("无法写入 {}", stamp.display()))?;
        Ok(exact)
    }

    /// Indexes every document of `data` in memory.
    pub fn build(data: &IndexData) -> Result<ExactIndex> {
        Self::fill(Index::create_in_ram(Self::schema()), data)
    }

    fn schema() -> Schema {
        let mut schema = Schema::builder();
        let positional = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        schema.add_text_field("unigrams", positional("unigram"));
        schema.add_text_field("bigrams", positional("bigram"));
        schema.add_u64_field("id", INDEXED | FAST);
        schema.build()
    }

    fn register_tokenizers(index: &Index) {
        for (name, n) in [("unigram", 1), ("bigram", 2)] {
            index.tokenizers().register(
                name,
                GramTokenizer {
                    n,
                    token: Token::default(),
                },
            );
        }
    }

    fn from_index(index: Index) -> Result<ExactIndex> {
        Self::register_tokenizers(&index);
        let schema = index.schema();
        let reader: IndexReader = index.reader()?;
        let searcher = reader.searcher();
        let mut ids = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64("id")?;
            ids.push(
                (0..segment.max_doc())
                    .map(|doc| column.first(doc).unwrap_or(u64::MAX) as u32)
                    .collect(),
            );
        }
        Ok(ExactIndex {
            index,
            searcher,
            ids,
            unigrams: schema.get_field("unigrams")?,
            bigrams: schema.get_field("bigrams")?,
        })
    }

    fn fill(index: Index, data: &IndexData) -> Result<ExactIndex> {
        Self::register_tokenizers(&index);
        let schema = index.schema();
        let unigrams = schema.get_field("unigrams")?;
        let bigrams = schema.get_field("bigrams")?;
        let id = schema.get_field("id")?;
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(4);
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(threads, 64_000_000 * threads)
            .context("无法建立检索索引（tantivy）")?;
        for (doc, text) in data.texts.iter().enumerate() {
            let mut document = TantivyDocument::new();
            document.add_text(unigrams, text);
            document.add_text(bigrams, text);
            document.add_u64(id, doc as u64);
            writer.add_document(document)?;
        }
        writer.commit().context("无法建立检索索引（tantivy）")?;
        writer.wait_merging_threads().ok();
        Self::from_index(index)
    }

    /// The same index with documents replaced by their new texts (an edit
    /// in `serve`): written where the index lives, then read anew.
    pub fn replace(&self, documents: &[(u32, &str)]) -> Result<ExactIndex> {
        let schema = self.index.schema();
        let unigrams = schema.get_field("unigrams")?;
        let bigrams = schema.get_field("bigrams")?;
        let id = schema.get_field("id")?;
        let mut writer = self
            .index
            .writer_with_num_threads::<TantivyDocument>(1, 32_000_000)
            .context("无法更新检索索引（tantivy）")?;
        for &(doc, text) in documents {
            writer.delete_term(Term::from_field_u64(id, doc as u64));
            let mut document = TantivyDocument::new();
            document.add_text(unigrams, text);
            document.add_text(bigrams, text);
            document.add_u64(id, doc as u64);
            writer.add_document(document)?;
        }
        writer.commit().context("无法更新检索索引（tantivy）")?;
        drop(writer);
        Self::from_index(self.index.clone())
    }

    fn term_query(&self, term: &[char]) -> Box<dyn Query> {
        if term.len() == 1 {
            let key = Term::from_field_text(self.unigrams, &term[0].to_string());
            return Box::new(TermQuery::new(key, IndexRecordOption::Basic));
        }
        let terms: Vec<(usize, Term)> = cover_offsets(term.len())
            .into_iter()
            .map(|o| {
                let pair: String = term[o..o + 2].iter().collect();
                (o, Term::from_field_text(self.bigrams, &pair))
            })
            .collect();
        if terms.len() == 1 {
            let (_, key) = terms.into_iter().next().expect("one term");
            Box::new(TermQuery::new(key, IndexRecordOption::Basic))
        } else {
            Box::new(PhraseQuery::new_with_offset(terms))
        }
    }

    /// The documents containing every term, in id order.
    pub fn documents_with_all(&self, terms: &[Vec<char>]) -> Result<Vec<u32>> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let query = BooleanQuery::intersection(terms.iter().map(|t| self.term_query(t)).collect());
        let mut docs = self
            .searcher
            .search(&query, &IdCollector { ids: &self.ids })?;
        docs.sort_unstable();
        Ok(docs)
    }
}

/// Collects our document ids straight into a vector (tantivy's own
/// `DocSetCollector` hashes every address).
struct IdCollector<'a> {
    ids: &'a [Vec<u32>],
}

struct SegmentIds {
    ids: Vec<u32>,
    found: Vec<u32>,
}

impl Collector for IdCollector<'_> {
    type Fruit = Vec<u32>;
    type Child = SegmentIds;

    fn for_segment(
        &self,
        segment: tantivy::SegmentOrdinal,
        _: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentIds> {
        Ok(SegmentIds {
            ids: self.ids[segment as usize].clone(),
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u32>>) -> tantivy::Result<Vec<u32>> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for SegmentIds {
    type Fruit = Vec<u32>;

    fn collect(&mut self, doc: tantivy::DocId, _: tantivy::Score) {
        self.found.push(self.ids[doc as usize]);
    }

    fn harvest(self) -> Vec<u32> {
        self.found
    }
}
