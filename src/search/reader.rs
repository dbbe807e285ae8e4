//! Reads the static index under `search/` the way the browser does: a
//! query opens only the files its terms need (a shard per key, a key's own
//! file when it is large, the text file of each hit shown). `jianbao
//! search` answers from here; `jianbao serve` reads the whole corpus back
//! with `load_corpus` to index it in tantivy.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use super::codec::{fnv1a, BitReader, Bytes, Decoder};
use super::data::*;
use super::engine::Source;
use super::files::solo_path;
use super::postings::{self, Pair, Plan};

/// A shard read: key → payload.
type Shard = Arc<HashMap<String, Arc<[u8]>>>;

pub struct StaticIndex {
    dir: PathBuf,
    pub meta: Meta,
    text_code: (Vec<char>, Decoder),
    solo: HashMap<String, std::collections::HashSet<String>>,
    shards: Mutex<HashMap<(String, u32), Shard>>,
    roots: OnceLock<Vec<u8>>,
    facets: OnceLock<Vec<Facets>>,
    names: OnceLock<FilterNames>,
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("无法读取检索索引文件 {}", path.display()))
}

impl StaticIndex {
    /// Opens `<out>/search`: reads `meta.json` only.
    pub fn open(dir: &Path) -> Result<StaticIndex> {
        let meta_path = dir.join("meta.json");
        let meta: Meta = serde_json::from_slice(
            &std::fs::read(&meta_path)
                .with_context(|| format!("找不到检索索引 {}", meta_path.display()))?,
        )
        .with_context(|| {
            format!(
                "检索索引已损坏或版本不符：{}（请重新构建网站）",
                meta_path.display()
            )
        })?;
        if meta.version != VERSION {
            bail!(
                "检索索引版本不符（{} ≠ {}）：请重新构建网站",
                meta.version,
                VERSION
            );
        }
        let chars: Vec<char> = meta.chars.chars().collect();
        let lengths: Vec<u8> = meta.lengths.bytes().map(|b| b.wrapping_sub(b'@')).collect();
        if chars.len() != lengths.len() || chars.is_empty() {
            bail!("检索索引已损坏：{}", meta_path.display());
        }
        let decoder = Decoder::new(&lengths)?;
        let solo = meta
            .solo
            .iter()
            .map(|(kind, keys)| (kind.clone(), keys.iter().cloned().collect()))
            .collect();
        Ok(StaticIndex {
            dir: dir.to_path_buf(),
            meta,
            text_code: (chars, decoder),
            solo,
            shards: Mutex::new(HashMap::new()),
            roots: OnceLock::new(),
            facets: OnceLock::new(),
            names: OnceLock::new(),
        })
    }

    fn shard(&self, kind: &str, number: u32) -> Result<Shard> {
        let key = (kind.to_string(), number);
        if let Some(shard) = self.shards.lock().expect("shards").get(&key) {
            return Ok(shard.clone());
        }
        let raw = read(&self.dir.join(kind).join(format!("{number}.bin")))?;
        let mut bytes = Bytes::new(&raw);
        let mut entries = HashMap::new();
        while !bytes.done() {
            let key_len = bytes.varint()? as usize;
            let key =
                String::from_utf8(bytes.take(key_len)?.to_vec()).context("检索索引已损坏（键）")?;
            let len = bytes.varint()? as usize;
            entries.insert(key, bytes.take(len)?.into());
        }
        let shard = Arc::new(entries);
        self.shards
            .lock()
            .expect("shards")
            .insert(key, shard.clone());
        Ok(shard)
    }

    /// A key's payload of one kind, or `None` when the key is nowhere.
    pub fn lookup(&self, kind: &str, key: &str) -> Result<Option<Arc<[u8]>>> {
        if self.solo.get(kind).is_some_and(|keys| keys.contains(key)) {
            return Ok(Some(read(&self.dir.join(solo_path(kind, key)))?.into()));
        }
        if kind == "p"
            && self
                .meta
                .phrases
                .binary_search_by(|p| p.as_str().cmp(key))
                .is_err()
        {
            return Ok(None);
        }
        let count = self.meta.shards.get(kind).copied().unwrap_or(0);
        if count == 0 {
            return Ok(None);
        }
        let shard = self.shard(kind, fnv1a(key) % count)?;
        Ok(shard.get(key).cloned())
    }

    fn pair(&self, a: char, b: char) -> Result<Option<(usize, usize, Vec<postings::DocEntry>)>> {
        let key: String = [a, b].into_iter().collect();
        self.lookup("b", &key)?
            .map(|p| postings::decode_pair(&p))
            .transpose()
    }

    fn contexts(&self, kind: &str, a: char, b: char, n: usize) -> Result<Vec<u32>> {
        let key: String = [a, b].into_iter().collect();
        match self.lookup(kind, &key)? {
            Some(payload) => postings::decode_contexts(&payload, n),
            None => bail!("检索索引不完整（缺少 {kind}/{key}）：请重新构建网站"),
        }
    }

    /// The documents containing a folded term.
    pub fn match_term(&self, term: &[char]) -> Result<Vec<TermMatch>> {
        match term.len() {
            0 => Ok(Vec::new()),
            1 => Ok(match self.lookup("u", &term[0].to_string())? {
                Some(p) => postings::matches_of(&postings::decode_doc_list(&p)?),
                None => Vec::new(),
            }),
            2 => Ok(match self.pair(term[0], term[1])? {
                Some((_, _, docs)) => postings::matches_of(&docs),
                None => Vec::new(),
            }),
            n => {
                let key: String = term.iter().collect();
                if let Some(p) = self.lookup("p", &key)? {
                    return Ok(postings::matches_of(&postings::decode_doc_list(&p)?));
                }
                let (plan, first) = if n == 3 {
                    let (Some(a), Some(b)) =
                        (self.pair(term[0], term[1])?, self.pair(term[1], term[2])?)
                    else {
                        return Ok(Vec::new());
                    };
                    match postings::plan(3, a.1, b.0) {
                        Plan::RightOfFirst => (Plan::RightOfFirst, vec![(0, a.2)]),
                        _ => (Plan::LeftOfSecond, vec![(1, b.2)]),
                    }
                } else {
                    let mut pairs = Vec::new();
                    for i in 1..=n - 3 {
                        match self.pair(term[i], term[i + 1])? {
                            Some(p) => pairs.push((i, p.2)),
                            None => return Ok(Vec::new()),
                        }
                    }
                    (Plan::Middle, pairs)
                };
                let mut lefts = Vec::new();
                let mut rights = Vec::new();
                for (i, docs) in &first {
                    let n: usize = docs.iter().map(|d| d.count as usize).sum();
                    let (a, b) = (term[*i], term[*i + 1]);
                    lefts.push(match plan {
                        Plan::RightOfFirst => None,
                        _ => Some(self.contexts("l", a, b, n)?),
                    });
                    rights.push(match plan {
                        Plan::LeftOfSecond => None,
                        _ => Some(self.contexts("r", a, b, n)?),
                    });
                }
                let chain: Vec<Pair> = first
                    .iter()
                    .enumerate()
                    .map(|(k, (_, docs))| Pair {
                        docs,
                        left: lefts[k].as_deref(),
                        right: rights[k].as_deref(),
                    })
                    .collect();
                postings::match_term(term, plan, &chain)
            }
        }
    }

    /// The documents of text file `block`.
    pub fn text_block(&self, block: u32) -> Result<Vec<Doc>> {
        let raw = read(&self.dir.join("text").join(format!("{block}.bin")))?;
        let mut bytes = Bytes::new(&raw);
        let mut docs = Vec::new();
        let (chars, decoder) = &self.text_code;
        while !bytes.done() {
            let body_start = bytes.varint()? as u32;
            let mut lengths = [0usize; 6];
            for length in &mut lengths {
                *length = bytes.varint()? as usize;
            }
            let code_len = bytes.varint()? as usize;
            let mut bits = BitReader::new(bytes.take(code_len)?);
            let mut fields: Vec<String> = Vec::with_capacity(6);
            for length in lengths {
                let mut field = String::with_capacity(length * 3);
                for _ in 0..length {
                    let index = decoder.decode(&mut bits)? as usize;
                    field.push(*chars.get(index).context("检索索引已损坏（字符）")?);
                }
                fields.push(field);
            }
            let mut fields = fields.into_iter();
            let mut next = || fields.next().unwrap_or_default();
            docs.push(Doc {
                record: DocRecord {
                    path: next(),
                    url: next(),
                    issue: next(),
                    date: next(),
                    county: next(),
                },
                text: next(),
                body_start,
                facets: Facets {
                    year: 0,
                    place: 0,
                    series: NONE16,
                },
            });
        }
        Ok(docs)
    }

    fn read_facets(&self) -> Result<Vec<Facets>> {
        let raw = read(&self.dir.join("facets.bin"))?;
        let mut bits = BitReader::new(&raw);
        let [wy, wp, ws] = self.meta.facet_bits;
        (0..self.meta.docs)
            .map(|_| {
                let year = bits.bits(wy)? as usize;
                let place = bits.bits(wp)?;
                let series = bits.bits(ws)?;
                Ok(Facets {
                    year: *self
                        .meta
                        .years
                        .get(year)
                        .context("检索索引已损坏（年份）")?,
                    place: place as u16,
                    series: if series == 0 {
                        NONE16
                    } else {
                        (series - 1) as u16
                    },
                })
            })
            .collect()
    }

    fn read_names(&self) -> Result<FilterNames> {
        let path = self.dir.join("filters.json");
        serde_json::from_slice(&read(&path)?)
            .with_context(|| format!("检索索引已损坏：{}", path.display()))
    }

    /// Every document with its facets and keywords: what the server
    /// indexes in tantivy.
    pub fn load_corpus(&self) -> Result<Corpus> {
        let blocks = self.meta.docs.div_ceil(self.meta.text_block.max(1));
        let parts: Vec<Result<Vec<Doc>>> = (0..blocks)
            .into_par_iter()
            .map(|b| self.text_block(b))
            .collect();
        let mut docs = Vec::with_capacity(self.meta.docs as usize);
        for part in parts {
            docs.extend(part?);
        }
        let facets = self.read_facets()?;
        if docs.len() != self.meta.docs as usize || facets.len() != docs.len() {
            bail!("检索索引不完整：请重新构建网站");
        }
        for (doc, f) in docs.iter_mut().zip(facets) {
            doc.facets = f;
        }
        let mut keywords = vec![Vec::new(); docs.len()];
        let mut words: Vec<String> = self.meta.solo.get("k").cloned().unwrap_or_default();
        for number in 0..self.meta.shards.get("k").copied().unwrap_or(0) {
            words.extend(self.shard("k", number)?.keys().cloned());
        }
        words.sort();
        for word in words {
            if let Some(payload) = self.lookup("k", &word)? {
                for doc in postings::decode_docs(&payload)? {
                    if let Some(list) = keywords.get_mut(doc as usize) {
                        list.push(word.clone());
                    }
                }
            }
        }
        Ok(Corpus {
            docs,
            keywords,
            names: self.read_names()?,
        })
    }
}

impl Source for StaticIndex {
    fn doc_count(&self) -> usize {
        self.meta.docs as usize
    }

    fn average_length(&self) -> f64 {
        self.meta.average_length
    }

    fn term(&self, term: &[char]) -> Result<Arc<[TermMatch]>> {
        Ok(self.match_term(term)?.into())
    }

    fn keyword_docs(&self, word: &str) -> Result<Arc<[u32]>> {
        Ok(match self.lookup("k", word)? {
            Some(payload) => postings::decode_docs(&payload)?.into(),
            None => Arc::from(Vec::new()),
        })
    }

    fn length_roots(&self) -> Result<&[u8]> {
        if self.roots.get().is_none() {
            let docs = self.meta.docs as usize;
            let roots = if docs == 0 {
                Vec::new()
            } else {
                postings::decode_contexts(&read(&self.dir.join("rank.bin"))?, docs)?
                    .into_iter()
                    .map(|r| r.min(255) as u8)
                    .collect()
            };
            self.roots.set(roots).ok();
        }
        Ok(self.roots.get().expect("set above"))
    }

    fn facets(&self) -> Result<&[Facets]> {
        if self.facets.get().is_none() {
            let facets = self.read_facets()?;
            self.facets.set(facets).ok();
        }
        Ok(self.facets.get().expect("set above"))
    }

    fn names(&self) -> Result<&FilterNames> {
        if self.names.get().is_none() {
            let names = self.read_names()?;
            self.names.set(names).ok();
        }
        Ok(self.names.get().expect("set above"))
    }

    fn document(&self, doc: u32) -> Result<Arc<Doc>> {
        let block = doc / self.meta.text_block.max(1);
        let docs = self.text_block(block)?;
        docs.into_iter()
            .nth((doc % self.meta.text_block.max(1)) as usize)
            .map(Arc::new)
            .context("检索索引不完整：请重新构建网站")
    }
}
