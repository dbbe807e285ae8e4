//! Which characters a set of fonts can draw, read from their `cmap` tables,
//! so that a build can say in advance which characters of an issue the
//! print fonts lack. Chromium draws such a character with some other font
//! of the computer (for Chinese, usually a CFF-based Noto font, which it
//! embeds as a Type 3 font) in a different style from its neighbours.
//!
//! Reads TrueType/OpenType files and WOFF2 (the theme's format). A WOFF2
//! file is one Brotli stream of the font's tables in directory order;
//! `cmap` is never transformed, so it is found by adding up the lengths
//! before it, without rebuilding the font.

use std::collections::HashSet;
use std::io::Read;

/// More than any real font's tables: a font file that unpacks to more is
/// refused rather than read into memory.
const MAX_UNPACKED_BYTES: u64 = 128 * 1024 * 1024;

/// The characters every one of a set of fonts has.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    chars: HashSet<char>,
}

/// Why a font file's characters could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FontError {
    /// Neither TrueType/OpenType nor WOFF2, or damaged.
    Unreadable(&'static str),
    /// No Unicode `cmap` subtable.
    NoUnicodeMap,
}

impl std::fmt::Display for FontError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FontError::Unreadable(why) => write!(f, "无法读取字体文件（{why}）"),
            FontError::NoUnicodeMap => write!(f, "字体文件中没有 Unicode 字符表"),
        }
    }
}

impl Coverage {
    /// The characters all of `fonts` (file contents) have.
    pub fn of_all(fonts: &[&[u8]]) -> Result<Coverage, FontError> {
        let mut common: Option<HashSet<char>> = None;
        for font in fonts {
            let chars = font_chars(font)?;
            common = Some(match common {
                None => chars,
                Some(so_far) => so_far.intersection(&chars).copied().collect(),
            });
        }
        Ok(Coverage {
            chars: common.unwrap_or_default(),
        })
    }

    /// Also the characters of `font`: a fallback the stylesheet names after
    /// all of the others.
    pub fn and_fallback(mut self, font: &[u8]) -> Result<Coverage, FontError> {
        self.chars.extend(font_chars(font)?);
        Ok(self)
    }

    /// Whether the fonts draw `c` themselves. Spaces and control
    /// characters take no glyph, and ASCII comes from the Latin fonts the
    /// print stylesheet names first, so only the rest is looked up.
    pub fn draws(&self, c: char) -> bool {
        c.is_ascii() || c.is_whitespace() || c.is_control() || self.chars.contains(&c)
    }

    /// The characters of `text` the fonts lack, each once, in order of
    /// first appearance.
    pub fn missing_in(&self, text: &str) -> Vec<char> {
        let mut seen = HashSet::new();
        text.chars()
            .filter(|&c| !self.draws(c) && seen.insert(c))
            .collect()
    }
}

fn font_chars(font: &[u8]) -> Result<HashSet<char>, FontError> {
    if font.starts_with(b"wOF2") {
        let cmap = woff2_cmap(font)?;
        return cmap_chars(&cmap);
    }
    let face = ttf_parser::RawFace::parse(font, 0)
        .map_err(|_| FontError::Unreadable("不是 TrueType、OpenType 或 WOFF2 字体"))?;
    let cmap = face
        .table(ttf_parser::Tag::from_bytes(b"cmap"))
        .ok_or(FontError::NoUnicodeMap)?;
    cmap_chars(cmap)
}

fn cmap_chars(cmap: &[u8]) -> Result<HashSet<char>, FontError> {
    let table = ttf_parser::cmap::Table::parse(cmap).ok_or(FontError::NoUnicodeMap)?;
    let mut chars = HashSet::new();
    let mut unicode = false;
    for subtable in table.subtables {
        if !subtable.is_unicode() {
            continue;
        }
        unicode = true;
        subtable.codepoints(|code| {
            let has_glyph = subtable.glyph_index(code).is_some_and(|g| g.0 != 0);
            if let (true, Some(c)) = (has_glyph, char::from_u32(code)) {
                chars.insert(c);
            }
        });
    }
    if unicode {
        Ok(chars)
    } else {
        Err(FontError::NoUnicodeMap)
    }
}

/// The `cmap` table of a WOFF2 file (WOFF2 §4–5).
fn woff2_cmap(file: &[u8]) -> Result<Vec<u8>, FontError> {
    let damaged = FontError::Unreadable("WOFF2 文件不完整");
    let mut reader = Bytes { data: file, at: 0 };
    reader.skip(4)?; // signature
    let flavor = reader.u32()?;
    if flavor == u32::from_be_bytes(*b"ttcf") {
        return Err(FontError::Unreadable("字体集（TTC）"));
    }
    reader.skip(4)?; // length
    let tables = reader.u16()?;
    reader.skip(2 + 4)?; // reserved, totalSfntSize
    let compressed_size = reader.u32()? as usize;
    reader.skip(48 - reader.at)?;

    // Where cmap lies in the unpacked stream: every table before it is
    // there at its stored length, with no padding between tables.
    let mut offset = 0u64;
    let mut found = None;
    for _ in 0..tables {
        let flags = reader.u8()?;
        let tag_index = flags & 0x3f;
        let tag = if tag_index == 0x3f {
            reader.u32()?.to_be_bytes()
        } else {
            known_tag(tag_index)
        };
        let transform = flags >> 6;
        let original = reader.base128()?;
        // glyf and loca are transformed under version 0, the others
        // under any version but 0.
        let transformed = if matches!(&tag, b"glyf" | b"loca") {
            transform == 0
        } else {
            transform != 0
        };
        let stored = if transformed {
            reader.base128()?
        } else {
            original
        };
        if &tag == b"cmap" && !transformed {
            found = Some((offset, original));
        }
        offset = offset.checked_add(stored).ok_or(damaged.clone())?;
    }
    let (start, length) = found.ok_or(FontError::NoUnicodeMap)?;
    let end = start.checked_add(length).ok_or(damaged.clone())?;
    if end > MAX_UNPACKED_BYTES {
        return Err(FontError::Unreadable("字体文件过大"));
    }
    let compressed = file
        .get(reader.at..reader.at.saturating_add(compressed_size))
        .ok_or(damaged.clone())?;
    let mut unpacked = Vec::new();
    brotli_decompressor::Decompressor::new(compressed, 64 * 1024)
        .take(end)
        .read_to_end(&mut unpacked)
        .map_err(|_| FontError::Unreadable("WOFF2 文件的压缩数据损坏"))?;
    unpacked
        .get(start as usize..end as usize)
        .map(<[u8]>::to_vec)
        .ok_or(damaged)
}

/// The tags WOFF2 numbers (its table of known tags, first entries).
fn known_tag(index: u8) -> [u8; 4] {
    const KNOWN: [&[u8; 4]; 14] = [
        b"cmap", b"head", b"hhea", b"hmtx", b"maxp", b"name", b"OS/2", b"post", b"cvt ", b"fpgm",
        b"glyf", b"loca", b"prep", b"CFF ",
    ];
    // Tags past these are never cmap, glyf or loca: any placeholder does.
    KNOWN.get(index as usize).map_or(*b"????", |tag| **tag)
}

struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl Bytes<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], FontError> {
        let bytes = self
            .data
            .get(self.at..self.at.saturating_add(n))
            .ok_or(FontError::Unreadable("WOFF2 文件不完整"))?;
        self.at += n;
        Ok(bytes)
    }

    fn skip(&mut self, n: usize) -> Result<(), FontError> {
        self.take(n).map(|_| ())
    }

    fn u8(&mut self) -> Result<u8, FontError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, FontError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, FontError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// UIntBase128: up to five bytes, seven bits each, no leading zeros.
    fn base128(&mut self) -> Result<u64, FontError> {
        let mut value = 0u64;
        for i in 0..5 {
            let byte = self.u8()?;
            if i == 0 && byte == 0x80 {
                break;
            }
            value = (value << 7) | u64::from(byte & 0x7f);
            if byte & 0x80 == 0 {
                return if value > u64::from(u32::MAX) {
                    break;
                } else {
                    Ok(value)
                };
            }
        }
        Err(FontError::Unreadable("WOFF2 文件的长度字段损坏"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FANG: &[u8] = include_bytes!("../themes/default/static/fonts/FandolFang-Regular.woff2");
    const HEI: &[u8] = include_bytes!("../themes/default/static/fonts/FandolHei-Regular.woff2");
    const PLACE_NAMES: &[u8] =
        include_bytes!("../themes/default/static/fonts/PlaceNames-Kai.woff2");

    #[test]
    fn the_theme_fonts_have_the_common_characters_and_lack_some_place_names() {
        let coverage = Coverage::of_all(&[FANG, HEI]).unwrap();
        assert!(coverage.chars.len() > 9_000, "{}", coverage.chars.len());
        for c in
            "新蔡县：依托代表联络站点，扎实开展主题活动。（驻马店市人大常委会代表工委供稿）“”、—…·"
                .chars()
        {
            assert!(coverage.draws(c), "{c}");
        }
        // 信阳市浉河区: 浉 is outside GB 2312, which Fandol covers; the
        // place-name fallback has it.
        assert_eq!(coverage.missing_in("信阳市浉河区浉河港镇"), vec!['浉']);
        assert_eq!(coverage.missing_in("嵖岈山𬌗"), vec!['嵖', '𬌗']);
        let coverage = coverage.and_fallback(PLACE_NAMES).unwrap();
        assert!(coverage.missing_in("浉河区、瀍河回族区").is_empty());
        assert_eq!(coverage.missing_in("嵖岈山𬌗"), vec!['嵖', '𬌗']);
    }

    #[test]
    fn damaged_fonts_are_errors_not_panics() {
        for bytes in [
            &b""[..],
            b"wOF2",
            &FANG[..100],
            &FANG[..FANG.len() / 2],
            b"\x00\x01\x00\x00garbage",
        ] {
            assert!(Coverage::of_all(&[bytes]).is_err());
        }
        let mut header_only = FANG[..48].to_vec();
        header_only[12] = 0xff; // many tables, none present
        assert!(Coverage::of_all(&[&header_only]).is_err());
    }

    #[test]
    fn base128_rejects_leading_zeros_and_overflow() {
        let read = |bytes: &[u8]| Bytes { data: bytes, at: 0 }.base128();
        assert_eq!(read(&[0x3f]), Ok(63));
        assert_eq!(read(&[0x81, 0x00]), Ok(128));
        assert!(read(&[0x80, 0x01]).is_err());
        assert!(read(&[0x90, 0x80, 0x80, 0x80, 0x00]).is_err());
        assert!(read(&[0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
    }
}
