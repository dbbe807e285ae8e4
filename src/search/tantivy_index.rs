//! The server's matcher, in tantivy: every character and every pair of
//! adjacent characters of a report indexed with its position, the title
//! zone apart, the jieba keywords as raw terms. A one- or two-character
//! term is one posting list (its frequency is the count); a longer term is
//! a phrase of the pairs that cover it: the documents holding them all are
//! found on tantivy's skip lists, and its occurrences on their positions.
//! The index lives beside the output folder, memory-mapped, and takes an
//! edited report in place.

use std::hash::{Hash, Hasher};
use std::path::Path;

use anyhow::{Context, Result};
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STRING,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{
    DocSet, Index, IndexReader, Searcher, SegmentReader, TantivyDocument, Term, TERMINATED,
};

use super::data::{Corpus, Doc, TermMatch};
use super::normalize::{fold, is_break};

/// Raised when the schema or tokenizers change: an index kept from an
/// older binary is built again.
const SCHEMA: u32 = 2;

pub struct TantivyIndex {
    index: Index,
    searcher: Searcher,
    /// Per segment, tantivy's document number → our document id.
    ids: Vec<Vec<u32>>,
    fields: Fields,
}

#[derive(Clone, Copy)]
struct Fields {
    unigrams: Field,
    bigrams: Field,
    zone_unigrams: Field,
    zone_bigrams: Field,
    keywords: Field,
    id: Field,
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

/// What the index was made from: its stamp.
pub fn fingerprint(corpus: &Corpus) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    SCHEMA.hash(&mut hasher);
    for (doc, keywords) in corpus.docs.iter().zip(&corpus.keywords) {
        doc.text.hash(&mut hasher);
        keywords.hash(&mut hasher);
    }
    format!("{SCHEMA}-{}-{:016x}", corpus.docs.len(), hasher.finish())
}

/// Offsets of the pairs that cover a term of `length` characters: every
/// second one, and the last. A term occurs at p exactly when each of these
/// pairs occurs at p + offset.
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

impl TantivyIndex {
    /// Opens the index kept in `dir` when it was made from this corpus, or
    /// indexes the corpus there anew.
    pub fn open_or_build(dir: &Path, corpus: &Corpus) -> Result<TantivyIndex> {
        let stamp = dir.join("jianbao-corpus");
        let print = fingerprint(corpus);
        if std::fs::read_to_string(&stamp).ok().as_deref() == Some(print.as_str()) {
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
        let exact = Self::fill(index, corpus)?;
        std::fs::write(&stamp, print).with_context(|| format!("无法写入 {}", stamp.display()))?;
        Ok(exact)
    }

    /// Indexes the corpus in memory.
    pub fn build(corpus: &Corpus) -> Result<TantivyIndex> {
        Self::fill(Index::create_in_ram(Self::schema()), corpus)
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
        schema.add_text_field("zone_unigrams", positional("unigram"));
        schema.add_text_field("zone_bigrams", positional("bigram"));
        schema.add_text_field("keywords", STRING);
        schema.add_u64_field("id", INDEXED | FAST);
        schema.build()
    }

    fn fields(schema: &Schema) -> Result<Fields> {
        Ok(Fields {
            unigrams: schema.get_field("unigrams")?,
            bigrams: schema.get_field("bigrams")?,
            zone_unigrams: schema.get_field("zone_unigrams")?,
            zone_bigrams: schema.get_field("zone_bigrams")?,
            keywords: schema.get_field("keywords")?,
            id: schema.get_field("id")?,
        })
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

    fn from_index(index: Index) -> Result<TantivyIndex> {
        Self::register_tokenizers(&index);
        let fields = Self::fields(&index.schema())?;
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
        Ok(TantivyIndex {
            index,
            searcher,
            ids,
            fields,
        })
    }

    fn document(fields: &Fields, id: u32, doc: &Doc, keywords: &[String]) -> TantivyDocument {
        let mut document = TantivyDocument::new();
        document.add_text(fields.unigrams, &doc.text);
        document.add_text(fields.bigrams, &doc.text);
        document.add_text(fields.zone_unigrams, doc.title());
        document.add_text(fields.zone_bigrams, doc.title());
        for keyword in keywords {
            document.add_text(fields.keywords, keyword);
        }
        document.add_u64(fields.id, u64::from(id));
        document
    }

    fn fill(index: Index, corpus: &Corpus) -> Result<TantivyIndex> {
        Self::register_tokenizers(&index);
        let fields = Self::fields(&index.schema())?;
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(4);
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(threads, 64_000_000 * threads)
            .context("无法建立检索索引（tantivy）")?;
        for (id, (doc, keywords)) in corpus.docs.iter().zip(&corpus.keywords).enumerate() {
            writer.add_document(Self::document(&fields, id as u32, doc, keywords))?;
        }
        writer.commit().context("无法建立检索索引（tantivy）")?;
        writer.wait_merging_threads().ok();
        Self::from_index(index)
    }

    /// The same index with documents replaced by their new versions (an
    /// edit in `serve`): written where the index lives, then read anew.
    pub fn replace(&self, documents: &[(u32, &Doc, &[String])]) -> Result<TantivyIndex> {
        let mut writer = self
            .index
            .writer_with_num_threads::<TantivyDocument>(1, 32_000_000)
            .context("无法更新检索索引（tantivy）")?;
        for &(id, doc, keywords) in documents {
            writer.delete_term(Term::from_field_u64(self.fields.id, u64::from(id)));
            writer.add_document(Self::document(&self.fields, id, doc, keywords))?;
        }
        writer.commit().context("无法更新检索索引（tantivy）")?;
        drop(writer);
        Self::from_index(self.index.clone())
    }

    /// Per segment doc → (count) of a term in a pair of fields; the zone
    /// field only says whether there is any.
    fn segment_matches(
        segment: &SegmentReader,
        unigrams: Field,
        bigrams: Field,
        term: &[char],
        mut each: impl FnMut(u32, u32),
    ) -> Result<()> {
        let record = IndexRecordOption::WithFreqsAndPositions;
        if term.len() <= 2 {
            let field = if term.len() == 1 { unigrams } else { bigrams };
            let key: String = term.iter().collect();
            let Some(mut postings) = segment.inverted_index(field)?.read_postings(
                &Term::from_field_text(field, &key),
                IndexRecordOption::WithFreqs,
            )?
            else {
                return Ok(());
            };
            while postings.doc() != TERMINATED {
                each(postings.doc(), postings.term_freq());
                postings.advance();
            }
            return Ok(());
        }
        let inverted = segment.inverted_index(bigrams)?;
        let mut lists: Vec<(usize, SegmentPostings)> = Vec::new();
        for offset in cover_offsets(term.len()) {
            let pair: String = term[offset..offset + 2].iter().collect();
            match inverted.read_postings(&Term::from_field_text(bigrams, &pair), record)? {
                Some(postings) => lists.push((offset, postings)),
                None => return Ok(()),
            }
        }
        // The documents all pairs share, found by leapfrogging on tantivy's
        // skip lists; in each, the starts where every pair sits at its
        // offset.
        lists.sort_by_key(|(_, postings)| postings.doc_freq());
        let mut positions: Vec<Vec<u32>> = vec![Vec::new(); lists.len()];
        let mut target = lists[0].1.doc();
        'docs: while target != TERMINATED {
            for (_, postings) in lists.iter_mut() {
                let doc = if postings.doc() >= target {
                    postings.doc()
                } else {
                    postings.seek(target)
                };
                if doc != target {
                    target = doc;
                    continue 'docs;
                }
            }
            for (k, (_, postings)) in lists.iter_mut().enumerate() {
                positions[k].clear();
                postings.positions(&mut positions[k]);
            }
            let lead = (0..lists.len())
                .min_by_key(|&k| positions[k].len())
                .expect("pairs");
            let lead_offset = lists[lead].0 as u32;
            let count = positions[lead]
                .iter()
                .filter(|&&p| p >= lead_offset)
                .filter(|&&p| {
                    let start = p - lead_offset;
                    lists
                        .iter()
                        .zip(&positions)
                        .enumerate()
                        .all(|(k, ((o, _), list))| {
                            k == lead || list.binary_search(&(start + *o as u32)).is_ok()
                        })
                })
                .count() as u32;
            if count > 0 {
                each(target, count);
            }
            target = lists[0].1.advance();
        }
        Ok(())
    }

    /// The documents containing a folded term, with counts and whether the
    /// title zone has it, in id order.
    pub fn match_term(&self, term: &[char]) -> Result<Vec<TermMatch>> {
        let mut out = Vec::new();
        if term.is_empty() {
            return Ok(out);
        }
        let f = self.fields;
        for (ordinal, segment) in self.searcher.segment_readers().iter().enumerate() {
            let ids = &self.ids[ordinal];
            let alive = segment.alive_bitset();
            let mut zone: Vec<u32> = Vec::new();
            Self::segment_matches(segment, f.zone_unigrams, f.zone_bigrams, term, |doc, _| {
                zone.push(doc)
            })?;
            let mut at = 0;
            Self::segment_matches(segment, f.unigrams, f.bigrams, term, |doc, count| {
                if alive.is_some_and(|a| a.is_deleted(doc)) || count == 0 {
                    return;
                }
                while at < zone.len() && zone[at] < doc {
                    at += 1;
                }
                out.push(TermMatch {
                    doc: ids[doc as usize],
                    count,
                    in_zone: zone.get(at) == Some(&doc),
                });
            })?;
        }
        out.sort_unstable_by_key(|m| m.doc);
        Ok(out)
    }

    /// The documents with this jieba keyword, in id order.
    pub fn keyword_docs(&self, word: &str) -> Result<Vec<u32>> {
        let mut out = Vec::new();
        let field = self.fields.keywords;
        for (ordinal, segment) in self.searcher.segment_readers().iter().enumerate() {
            let alive = segment.alive_bitset();
            let Some(mut postings) = segment.inverted_index(field)?.read_postings(
                &Term::from_field_text(field, word),
                IndexRecordOption::Basic,
            )?
            else {
                continue;
            };
            while postings.doc() != TERMINATED {
                let doc = postings.doc();
                if !alive.is_some_and(|a| a.is_deleted(doc)) {
                    out.push(self.ids[ordinal][doc as usize]);
                }
                postings.advance();
            }
        }
        out.sort_unstable();
        Ok(out)
    }
}
