//! The bit-level codes of the static index: LEB128 varints for headers,
//! Rice codes for gaps and counts, Elias-gamma for rare values, canonical
//! Huffman codes for characters. Bits are written least significant first
//! into bytes; a Huffman code is written from its first (most significant)
//! bit. `search.js` reads exactly these codes; nothing here needs a
//! decompressor, so any static host can serve the files as they are.

use anyhow::{bail, Result};

/// Rice codes send a quotient of 16 or more as an escape: 16 one bits,
/// then the value's bit length less one in 5 bits and the value itself.
const RICE_ESCAPE: u32 = 16;
/// Longest Huffman code: decoders build codes up to this many bits.
pub const MAX_CODE_BITS: u8 = 24;

pub fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads varints and byte strings from the front of a payload.
pub struct Bytes<'a> {
    pub bytes: &'a [u8],
    pub at: usize,
}

impl<'a> Bytes<'a> {
    pub fn new(bytes: &'a [u8]) -> Bytes<'a> {
        Bytes { bytes, at: 0 }
    }

    pub fn varint(&mut self) -> Result<u64> {
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

    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.bytes.len() - self.at {
            bail!("索引文件已损坏（数据提前结束）");
        }
        let slice = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(slice)
    }

    pub fn rest(&self) -> &'a [u8] {
        &self.bytes[self.at..]
    }

    pub fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }
}

#[derive(Default)]
pub struct BitWriter {
    pub bytes: Vec<u8>,
    /// Bits not yet written out, lowest first.
    pending: u64,
    count: u32,
}

impl BitWriter {
    pub fn new() -> BitWriter {
        BitWriter::default()
    }

    /// The low `n` bits of `value`, lowest first (`n` ≤ 56).
    pub fn bits(&mut self, value: u64, n: u32) {
        debug_assert!(n <= 56);
        if n == 0 {
            return;
        }
        self.pending |= (value & ((1u64 << n) - 1)) << self.count;
        self.count += n;
        while self.count >= 8 {
            self.bytes.push(self.pending as u8);
            self.pending >>= 8;
            self.count -= 8;
        }
    }

    fn ones(&mut self, mut n: u32) {
        while n > 0 {
            let take = n.min(32);
            self.bits((1u64 << take) - 1, take);
            n -= take;
        }
    }

    /// `value` >> `k` in unary (one bits closed by a zero), then the low
    /// `k` bits; large quotients escape.
    pub fn rice(&mut self, value: u32, k: u32) {
        let quotient = value >> k;
        if quotient < RICE_ESCAPE {
            // quotient ones, a zero, the low k bits: at most 16 + 1 + 24.
            let low = u64::from(value) & ((1u64 << k) - 1);
            self.bits(
                ((1u64 << quotient) - 1) | (low << (quotient + 1)),
                quotient + 1 + k,
            );
        } else {
            self.ones(RICE_ESCAPE);
            let length = 32 - value.leading_zeros();
            self.bits(u64::from(length - 1), 5);
            self.bits(u64::from(value), length);
        }
    }

    /// `value` ≥ 1: its bit length less one in unary, then its bits below
    /// the top one.
    pub fn gamma(&mut self, value: u32) {
        debug_assert!(value >= 1);
        let top = 31 - value.leading_zeros();
        self.ones(top);
        self.bits(0, 1);
        self.bits(u64::from(value), top);
    }

    pub fn finish(mut self) -> Vec<u8> {
        if self.count > 0 {
            self.bytes.push(self.pending as u8);
        }
        self.bytes
    }
}

pub struct BitReader<'a> {
    bytes: &'a [u8],
    /// Bit position.
    at: usize,
}

impl<'a> BitReader<'a> {
    pub fn new(bytes: &'a [u8]) -> BitReader<'a> {
        BitReader { bytes, at: 0 }
    }

    pub fn bit(&mut self) -> Result<u32> {
        let Some(&byte) = self.bytes.get(self.at >> 3) else {
            bail!("索引文件已损坏（位数据提前结束）");
        };
        let bit = (byte >> (self.at & 7)) & 1;
        self.at += 1;
        Ok(u32::from(bit))
    }

    pub fn bits(&mut self, n: u32) -> Result<u32> {
        let mut value = 0u32;
        for i in 0..n {
            value |= self.bit()? << i;
        }
        Ok(value)
    }

    fn unary(&mut self, limit: u32) -> Result<u32> {
        let mut n = 0;
        while n < limit && self.bit()? == 1 {
            n += 1;
        }
        Ok(n)
    }

    pub fn rice(&mut self, k: u32) -> Result<u32> {
        let quotient = self.unary(RICE_ESCAPE)?;
        if quotient < RICE_ESCAPE {
            Ok((quotient << k) | self.bits(k)?)
        } else {
            let length = self.bits(5)? + 1;
            self.bits(length)
        }
    }

    pub fn gamma(&mut self) -> Result<u32> {
        let top = self.unary(32)?;
        if top >= 32 {
            bail!("索引文件已损坏（数值过长）");
        }
        Ok((1 << top) | self.bits(top)?)
    }
}

/// The Rice parameter for values averaging `mean`: about log2 of it.
pub fn rice_parameter(total: u64, count: usize) -> u32 {
    if count == 0 {
        return 0;
    }
    let mean = total as f64 / count as f64;
    if mean < 1.5 {
        0
    } else {
        ((mean * 0.69).log2().floor().max(0.0) as u32).min(24)
    }
}

/// Huffman code lengths for symbols with these frequencies (all > 0), at
/// most `MAX_CODE_BITS` long; a single symbol gets length 0 (it takes no
/// bits at all). Ties break by symbol order, so the result depends on the
/// frequencies alone.
pub fn code_lengths(frequencies: &[u64]) -> Vec<u8> {
    let n = frequencies.len();
    if n <= 1 {
        return vec![0; n];
    }
    let mut weights: Vec<u64> = frequencies.iter().map(|&f| f.max(1)).collect();
    loop {
        let lengths = huffman(&weights);
        if lengths.iter().all(|&l| l <= MAX_CODE_BITS) {
            return lengths;
        }
        // Flatten the distribution until the deepest code fits.
        for w in &mut weights {
            *w = w.div_ceil(2);
        }
    }
}

fn huffman(weights: &[u64]) -> Vec<u8> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let n = weights.len();
    // Nodes 0..n are leaves; parents follow.
    let mut parent = vec![usize::MAX; 2 * n];
    let mut heap: BinaryHeap<Reverse<(u64, usize)>> = weights
        .iter()
        .enumerate()
        .map(|(i, &w)| Reverse((w, i)))
        .collect();
    let mut next = n;
    while heap.len() > 1 {
        let Reverse((wa, a)) = heap.pop().expect("two nodes");
        let Reverse((wb, b)) = heap.pop().expect("two nodes");
        parent[a] = next;
        parent[b] = next;
        heap.push(Reverse((wa + wb, next)));
        next += 1;
    }
    (0..n)
        .map(|leaf| {
            let mut depth = 0u32;
            let mut node = leaf;
            while parent[node] != usize::MAX {
                node = parent[node];
                depth += 1;
            }
            depth.min(255) as u8
        })
        .collect()
}

/// Canonical codes from lengths: shorter codes first, then by symbol order
/// (the "puff" convention, which `search.js` decodes by counting).
pub fn canonical_codes(lengths: &[u8]) -> Vec<u32> {
    let max = lengths.iter().copied().max().unwrap_or(0) as usize;
    let mut count = vec![0u32; max + 1];
    for &l in lengths {
        if l > 0 {
            count[l as usize] += 1;
        }
    }
    let mut next = vec![0u32; max + 2];
    let mut code = 0u32;
    for bits in 1..=max {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    // count[0] was counted as no codes: start from zero at length 1.
    let mut codes = vec![0u32; lengths.len()];
    for (symbol, &l) in lengths.iter().enumerate() {
        if l > 0 {
            codes[symbol] = next[l as usize];
            next[l as usize] += 1;
        }
    }
    codes
}

/// Decodes canonical Huffman codes by counting codes per length.
pub struct Decoder {
    /// Codes of each length, 1..=MAX_CODE_BITS.
    counts: Vec<u32>,
    /// Symbol indexes ordered by (length, index).
    symbols: Vec<u32>,
    /// The one symbol of a one-symbol alphabet (no bits are read).
    only: Option<u32>,
}

impl Decoder {
    pub fn new(lengths: &[u8]) -> Result<Decoder> {
        if lengths.len() == 1 {
            return Ok(Decoder {
                counts: Vec::new(),
                symbols: Vec::new(),
                only: Some(0),
            });
        }
        let mut counts = vec![0u32; MAX_CODE_BITS as usize + 1];
        for &l in lengths {
            if l == 0 || l > MAX_CODE_BITS {
                bail!("索引文件已损坏（编码长度）");
            }
            counts[l as usize] += 1;
        }
        let mut symbols: Vec<u32> = (0..lengths.len() as u32).collect();
        symbols.sort_by_key(|&s| (lengths[s as usize], s));
        Ok(Decoder {
            counts,
            symbols,
            only: None,
        })
    }

    pub fn decode(&self, bits: &mut BitReader) -> Result<u32> {
        if let Some(only) = self.only {
            return Ok(only);
        }
        let (mut code, mut first, mut index) = (0u32, 0u32, 0u32);
        for length in 1..=MAX_CODE_BITS as usize {
            code |= bits.bit()?;
            let count = self.counts[length];
            if code.wrapping_sub(first) < count {
                return Ok(self.symbols[(index + code - first) as usize]);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        bail!("索引文件已损坏（无效编码）")
    }
}

/// A Huffman code over a set of symbols (code points, or any u32), written
/// as a table before the coded data: count, the symbols ascending as
/// gaps, then one byte per symbol for its code length.
pub struct Alphabet {
    pub symbols: Vec<u32>,
    pub lengths: Vec<u8>,
    /// Each code with its bits reversed, ready to write lowest first.
    reversed: Vec<u32>,
    /// Symbol → index, for large alphabets (small ones are searched).
    lookup: Option<rustc_hash::FxHashMap<u32, u32>>,
}

impl Alphabet {
    /// `counted`: (symbol, frequency), symbols ascending and distinct.
    pub fn from_counts(counted: &[(u32, u64)]) -> Alphabet {
        let symbols: Vec<u32> = counted.iter().map(|&(s, _)| s).collect();
        let frequencies: Vec<u64> = counted.iter().map(|&(_, f)| f).collect();
        let lengths = code_lengths(&frequencies);
        let reversed = canonical_codes(&lengths)
            .iter()
            .zip(&lengths)
            .map(|(&code, &l)| {
                if l == 0 {
                    0
                } else {
                    code.reverse_bits() >> (32 - u32::from(l))
                }
            })
            .collect();
        let lookup = (symbols.len() > 32).then(|| {
            symbols
                .iter()
                .enumerate()
                .map(|(i, &s)| (s, i as u32))
                .collect()
        });
        Alphabet {
            symbols,
            lengths,
            reversed,
            lookup,
        }
    }

    pub fn write_table(&self, out: &mut Vec<u8>) {
        put_varint(out, self.symbols.len() as u64);
        let mut previous = 0u32;
        for (i, &s) in self.symbols.iter().enumerate() {
            let gap = if i == 0 { s } else { s - previous - 1 };
            put_varint(out, u64::from(gap));
            previous = s;
        }
        if self.symbols.len() > 1 {
            out.extend_from_slice(&self.lengths);
        }
    }

    /// Index of `symbol` in the table.
    pub fn index(&self, symbol: u32) -> usize {
        match &self.lookup {
            Some(map) => map[&symbol] as usize,
            None => self
                .symbols
                .binary_search(&symbol)
                .expect("symbol in its alphabet"),
        }
    }

    pub fn write(&self, bits: &mut BitWriter, index: usize) {
        bits.bits(
            u64::from(self.reversed[index]),
            u32::from(self.lengths[index]),
        );
    }

    /// Bits the coded data of these counts takes.
    pub fn cost(&self, counted: &[(u32, u64)]) -> u64 {
        counted
            .iter()
            .zip(&self.lengths)
            .map(|(&(_, f), &l)| f * u64::from(l))
            .sum()
    }
}

/// A table read back: the symbols and a decoder of their indexes.
pub struct ReadAlphabet {
    pub symbols: Vec<u32>,
    pub decoder: Decoder,
}

impl ReadAlphabet {
    pub fn read(bytes: &mut Bytes) -> Result<ReadAlphabet> {
        let n = bytes.varint()? as usize;
        if n == 0 || n > 0x11_0001 {
            bail!("索引文件已损坏（字符表）");
        }
        let mut symbols = Vec::with_capacity(n);
        let mut previous = 0u64;
        for i in 0..n {
            let gap = bytes.varint()?;
            let s = if i == 0 { gap } else { previous + gap + 1 };
            if s > u64::from(u32::MAX) {
                bail!("索引文件已损坏（字符表）");
            }
            symbols.push(s as u32);
            previous = s;
        }
        let lengths = if n > 1 {
            bytes.take(n)?.to_vec()
        } else {
            vec![0]
        };
        Ok(ReadAlphabet {
            symbols,
            decoder: Decoder::new(&lengths)?,
        })
    }

    pub fn decode(&self, bits: &mut BitReader) -> Result<u32> {
        Ok(self.symbols[self.decoder.decode(bits)? as usize])
    }
}

/// FNV-1a over UTF-8 bytes: which shard a key is in, in every reader.
pub fn fnv1a(key: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in key.as_bytes() {
        hash ^= u32::from(*byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rice_gamma_and_bits_read_back() {
        let mut w = BitWriter::new();
        let values = [0u32, 1, 2, 7, 15, 16, 100, 5000, 70_000, u32::MAX];
        for &v in &values {
            w.rice(v, 2);
            w.gamma(v.max(1));
            w.bits(u64::from(v & 0x1f), 5);
        }
        let bytes = w.finish();
        let mut r = BitReader::new(&bytes);
        for &v in &values {
            assert_eq!(r.rice(2).unwrap(), v);
            assert_eq!(r.gamma().unwrap(), v.max(1));
            assert_eq!(r.bits(5).unwrap(), v & 0x1f);
        }
    }

    #[test]
    fn huffman_codes_are_canonical_and_decode() {
        let counted: Vec<(u32, u64)> = [(3u32, 50u64), (10, 20), (11, 20), (40, 5), (1000, 1)]
            .into_iter()
            .collect();
        let alphabet = Alphabet::from_counts(&counted);
        let mut table = Vec::new();
        alphabet.write_table(&mut table);
        let message = [3u32, 1000, 10, 3, 40, 11, 3];
        let mut w = BitWriter::new();
        for &s in &message {
            alphabet.write(&mut w, alphabet.index(s));
        }
        let data = w.finish();
        let mut bytes = Bytes::new(&table);
        let read = ReadAlphabet::read(&mut bytes).unwrap();
        assert!(bytes.done());
        let mut r = BitReader::new(&data);
        for &s in &message {
            assert_eq!(read.decode(&mut r).unwrap(), s);
        }
    }

    #[test]
    fn one_symbol_takes_no_bits_and_long_codes_are_limited() {
        let alphabet = Alphabet::from_counts(&[(7, 1000)]);
        let mut w = BitWriter::new();
        alphabet.write(&mut w, 0);
        assert!(w.finish().is_empty());
        // Fibonacci frequencies make the deepest possible tree.
        let mut fib = vec![1u64, 1];
        while fib.len() < 40 {
            let n = fib[fib.len() - 1] + fib[fib.len() - 2];
            fib.push(n);
        }
        let lengths = code_lengths(&fib);
        assert!(lengths.iter().all(|&l| (1..=MAX_CODE_BITS).contains(&l)));
        let kraft: f64 = lengths.iter().map(|&l| 0.5f64.powi(i32::from(l))).sum();
        assert!(kraft <= 1.0 + 1e-9);
    }
}
