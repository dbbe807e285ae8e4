//! The index as static files under `search/`, gzip-compressed and sharded
//! by key so a browser fetches only the pieces a query needs, and loading
//! them back for `jianbao search` and `jianbao serve`.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use rayon::prelude::*;

use super::data::*;
use crate::render::{Contents, OutputFile};

/// Raw bytes aimed at per shard file before compression: a query fetches
/// one shard per term from the small kinds (phrases, keywords), so those
/// are cut finer.
fn shard_target_bytes(kind: &str) -> usize {
    match kind {
        "p" | "k" => 4 * 1024,
        _ => 24 * 1024,
    }
}

pub const DIR: &str = "search";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(
        Vec::with_capacity(bytes.len() / 2 + 64),
        Compression::new(2),
    );
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        GzDecoder::new(bytes).read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(bytes.to_vec())
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let Some(&byte) = self.bytes.get(self.at) else {
                bail!("索引文件已损坏（数据提前结束）");
            };
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
            shift += 7;
            if shift > 63 {
                bail!("索引文件已损坏（数值过长）");
            }
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.at + n > self.bytes.len() {
            bail!("索引文件已损坏（数据提前结束）");
        }
        let slice = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(slice)
    }

    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }
}

fn encode_occurrences(list: &[Occurrences]) -> Vec<u8> {
    let mut out = Vec::with_capacity(list.len() * 4 + 4);
    put_varint(&mut out, list.len() as u64);
    let mut previous = 0u32;
    for o in list {
        put_varint(&mut out, u64::from(o.doc - previous));
        put_varint(&mut out, (u64::from(o.count) << 1) | u64::from(o.in_zone));
        put_varint(&mut out, u64::from(o.best));
        previous = o.doc;
    }
    out
}

fn decode_occurrences(payload: &[u8]) -> Result<Vec<Occurrences>> {
    let mut reader = Reader {
        bytes: payload,
        at: 0,
    };
    let n = reader.varint()? as usize;
    let mut out = Vec::with_capacity(n.min(1 << 20));
    let mut doc = 0u32;
    for _ in 0..n {
        doc += reader.varint()? as u32;
        let packed = reader.varint()?;
        let best = reader.varint()? as u32;
        out.push(Occurrences {
            doc,
            count: (packed >> 1) as u32,
            in_zone: packed & 1 == 1,
            best,
        });
    }
    Ok(out)
}

fn encode_positions(flat: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(flat.len() * 2);
    let mut entries = Vec::new();
    let mut i = 0;
    while i + 1 < flat.len() {
        let n = flat[i + 1] as usize;
        entries.push((flat[i], &flat[i + 2..i + 2 + n]));
        i += 2 + n;
    }
    put_varint(&mut out, entries.len() as u64);
    let mut previous_doc = 0u32;
    for (doc, positions) in entries {
        put_varint(&mut out, u64::from(doc - previous_doc));
        put_varint(&mut out, positions.len() as u64);
        let mut previous = 0u32;
        for &p in positions {
            put_varint(&mut out, u64::from(p - previous));
            previous = p;
        }
        previous_doc = doc;
    }
    out
}

fn decode_positions(payload: &[u8]) -> Result<Vec<u32>> {
    let mut reader = Reader {
        bytes: payload,
        at: 0,
    };
    let n = reader.varint()? as usize;
    let mut flat = Vec::new();
    let mut doc = 0u32;
    for _ in 0..n {
        doc += reader.varint()? as u32;
        let count = reader.varint()? as usize;
        flat.push(doc);
        flat.push(count as u32);
        let mut position = 0u32;
        for _ in 0..count {
            position += reader.varint()? as u32;
            flat.push(position);
        }
    }
    Ok(flat)
}

fn encode_docs(list: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(list.len() + 4);
    put_varint(&mut out, list.len() as u64);
    let mut previous = 0u32;
    for &doc in list {
        put_varint(&mut out, u64::from(doc - previous));
        previous = doc;
    }
    out
}

fn decode_docs(payload: &[u8]) -> Result<Vec<u32>> {
    let mut reader = Reader {
        bytes: payload,
        at: 0,
    };
    let n = reader.varint()? as usize;
    let mut doc = 0u32;
    let mut out = Vec::with_capacity(n.min(1 << 20));
    for _ in 0..n {
        doc += reader.varint()? as u32;
        out.push(doc);
    }
    Ok(out)
}

/// Groups `(key, payload)` into hash shards and compresses each shard.
fn shard_files(kind: &str, entries: Vec<(String, Vec<u8>)>) -> (u32, Vec<OutputFile>) {
    let total: usize = entries.iter().map(|(k, p)| k.len() + p.len() + 6).sum();
    let shards = (total / shard_target_bytes(kind))
        .max(1)
        .next_power_of_two() as u32;
    let mut buckets: Vec<Vec<(String, Vec<u8>)>> = (0..shards).map(|_| Vec::new()).collect();
    for (key, payload) in entries {
        buckets[shard_of(&key, shards) as usize].push((key, payload));
    }
    let files = buckets
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
                contents: Contents::Bytes(gzip(&raw)),
            }
        })
        .collect();
    (shards, files)
}

/// Every file of the static index.
pub fn to_files(index: &IndexData, build: &str) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let mut shards = HashMap::new();

    let unigrams: Vec<(String, Vec<u8>)> = index
        .unigrams
        .par_iter()
        .map(|(c, list)| (c.to_string(), encode_occurrences(list)))
        .collect();
    let bigrams: Vec<(String, Vec<u8>)> = index
        .bigrams
        .par_iter()
        .map(|((a, b), flat)| (format!("{a}{b}"), encode_positions(flat)))
        .collect();
    let phrases: Vec<(String, Vec<u8>)> = index
        .phrases
        .iter()
        .map(|(k, list)| (k.clone(), encode_occurrences(list)))
        .collect();
    let keywords: Vec<(String, Vec<u8>)> = index
        .keywords
        .iter()
        .map(|(k, list)| (k.clone(), encode_docs(list)))
        .collect();
    for (kind, entries) in [
        ("u", unigrams),
        ("b", bigrams),
        ("p", phrases),
        ("k", keywords),
    ] {
        let (count, kind_files) = shard_files(kind, entries);
        shards.insert(kind.to_string(), count);
        files.extend(kind_files);
    }

    let mut rank = Vec::with_capacity(index.rank.len() * 2);
    for info in &index.rank {
        rank.push(info.zone_end);
        rank.push(info.length_root);
    }
    files.push(OutputFile {
        path: format!("{DIR}/rank.bin"),
        contents: Contents::Bytes(gzip(&rank)),
    });
    let mut facets = Vec::with_capacity(index.facets.len() * 7);
    for f in &index.facets {
        facets.extend_from_slice(&f.year.to_le_bytes());
        facets.push(f.prefecture);
        facets.extend_from_slice(&f.place.to_le_bytes());
        facets.extend_from_slice(&f.series.to_le_bytes());
    }
    files.push(OutputFile {
        path: format!("{DIR}/facets.bin"),
        contents: Contents::Bytes(gzip(&facets)),
    });
    let blocks: Vec<OutputFile> = index
        .records
        .par_chunks(DOC_BLOCK as usize)
        .enumerate()
        .map(|(block, records)| OutputFile {
            path: format!("{DIR}/docs/{block}.bin"),
            contents: Contents::Bytes(gzip(
                &serde_json::to_vec(records).expect("records serialise"),
            )),
        })
        .collect();
    files.extend(blocks);
    let texts: Vec<OutputFile> = index
        .texts
        .par_iter()
        .enumerate()
        .map(|(doc, text)| OutputFile {
            path: format!("{DIR}/text/{doc}.bin"),
            contents: Contents::Bytes(gzip(text.as_bytes())),
        })
        .collect();
    files.extend(texts);

    let mut years: Vec<u16> = index.facets.iter().map(|f| f.year).collect();
    years.sort_unstable();
    years.dedup();
    let meta = Meta {
        version: VERSION,
        docs: index.records.len() as u32,
        average_length: index.average_length,
        k1: K1,
        b: B,
        doc_block: DOC_BLOCK,
        shards: shards.into_iter().collect(),
        years,
        build: build.to_string(),
    };
    // What filters need goes apart: most queries use no filter.
    let filters = FilterNames {
        prefectures: index.prefectures.clone(),
        places: index.places.clone(),
        series: index.series.clone(),
    };
    files.push(OutputFile {
        path: format!("{DIR}/filters.json"),
        contents: Contents::Text(serde_json::to_string(&filters).expect("filters serialise")),
    });
    files.push(OutputFile {
        path: format!("{DIR}/meta.json"),
        contents: Contents::Text(serde_json::to_string(&meta).expect("meta serialises")),
    });
    files
}

fn read_gz(path: &Path) -> Result<Vec<u8>> {
    let bytes =
        std::fs::read(path).with_context(|| format!("无法读取检索索引文件 {}", path.display()))?;
    gunzip(&bytes).with_context(|| format!("检索索引文件已损坏：{}", path.display()))
}

/// A key and its encoded postings.
type Entry = (String, Vec<u8>);

fn read_shards(dir: &Path, kind: &str, count: u32) -> Result<Vec<Entry>> {
    let parts: Vec<Result<Vec<Entry>>> = (0..count)
        .into_par_iter()
        .map(|shard| {
            let raw = read_gz(&dir.join(kind).join(format!("{shard}.bin")))?;
            let mut reader = Reader { bytes: &raw, at: 0 };
            let mut entries = Vec::new();
            while !reader.done() {
                let key_len = reader.varint()? as usize;
                let key = String::from_utf8(reader.take(key_len)?.to_vec())?;
                let len = reader.varint()? as usize;
                entries.push((key, reader.take(len)?.to_vec()));
            }
            Ok(entries)
        })
        .collect();
    let mut all = Vec::new();
    for part in parts {
        all.extend(part?);
    }
    Ok(all)
}

/// Reads a built static index (`<out>/search/`) back into memory.
pub fn load(dir: &Path) -> Result<(Meta, IndexData)> {
    let meta_path = dir.join("meta.json");
    let meta: Meta = serde_json::from_slice(
        &std::fs::read(&meta_path)
            .with_context(|| format!("找不到检索索引 {}", meta_path.display()))?,
    )
    .with_context(|| format!("检索索引已损坏：{}", meta_path.display()))?;
    if meta.version != VERSION {
        bail!(
            "检索索引版本不符（{} ≠ {}）：请重新构建网站",
            meta.version,
            VERSION
        );
    }
    let shard_count = |kind: &str| meta.shards.get(kind).copied().unwrap_or(0);
    let filters_path = dir.join("filters.json");
    let filters: FilterNames = serde_json::from_slice(
        &std::fs::read(&filters_path)
            .with_context(|| format!("找不到检索索引 {}", filters_path.display()))?,
    )
    .with_context(|| format!("检索索引已损坏：{}", filters_path.display()))?;
    let mut data = IndexData {
        average_length: meta.average_length,
        prefectures: filters.prefectures,
        places: filters.places,
        series: filters.series,
        ..IndexData::default()
    };
    for (key, payload) in read_shards(dir, "u", shard_count("u"))? {
        if let Some(c) = key.chars().next() {
            data.unigrams.insert(c, decode_occurrences(&payload)?);
        }
    }
    for (key, payload) in read_shards(dir, "b", shard_count("b"))? {
        let mut chars = key.chars();
        if let (Some(a), Some(b)) = (chars.next(), chars.next()) {
            data.bigrams.insert((a, b), decode_positions(&payload)?);
        }
    }
    for (key, payload) in read_shards(dir, "p", shard_count("p"))? {
        data.phrases.insert(key, decode_occurrences(&payload)?);
    }
    for (key, payload) in read_shards(dir, "k", shard_count("k"))? {
        data.keywords.insert(key, decode_docs(&payload)?);
    }
    let rank = read_gz(&dir.join("rank.bin"))?;
    data.rank = rank
        .chunks_exact(2)
        .map(|pair| RankInfo {
            zone_end: pair[0],
            length_root: pair[1],
        })
        .collect();
    let facets = read_gz(&dir.join("facets.bin"))?;
    data.facets = facets
        .chunks_exact(7)
        .map(|f| Facets {
            year: u16::from_le_bytes([f[0], f[1]]),
            prefecture: f[2],
            place: u16::from_le_bytes([f[3], f[4]]),
            series: u16::from_le_bytes([f[5], f[6]]),
        })
        .collect();
    let blocks = (meta.docs as usize).div_ceil(DOC_BLOCK as usize);
    for block in 0..blocks {
        let raw = read_gz(&dir.join("docs").join(format!("{block}.bin")))?;
        let records: Vec<DocRecord> = serde_json::from_slice(&raw)?;
        data.records.extend(records);
    }
    let texts: Result<Vec<String>> = (0..meta.docs)
        .into_par_iter()
        .map(|doc| {
            Ok(String::from_utf8(read_gz(
                &dir.join("text").join(format!("{doc}.bin")),
            )?)?)
        })
        .collect();
    data.texts = texts?;
    if data.records.len() != meta.docs as usize || data.rank.len() != data.records.len() {
        bail!("检索索引不完整：请重新构建网站");
    }
    Ok((meta, data))
}
