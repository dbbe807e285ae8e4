//! The Word reader: a `.docx` (Word 2007+, WPS, LibreOffice) is a zip of
//! XML parts. The main part gives paragraphs (runs, bold, alignment, size,
//! heading styles, automatic numbering such as 一、), tables and footnote
//! references; `styles.xml`, `numbering.xml`, `footnotes.xml` and
//! `endnotes.xml` complete them. Every part is read with a cap on its
//! decompressed size, so a zip bomb costs little.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use zip::result::ZipError;
use zip::ZipArchive;

use super::document::{Block, Content, Document, Run};
use super::docx_xml::{self, Numbering, Parsed, Styles};
use super::source::ReadError;

/// No part of a bulletin comes near this once decompressed.
pub const MAX_PART_BYTES: u64 = 32 * 1024 * 1024;
/// All parts read, together.
const MAX_TOTAL_BYTES: u64 = 96 * 1024 * 1024;
const MAX_ENTRIES: usize = 20_000;

struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    read: u64,
}

fn zip_error(err: ZipError) -> ReadError {
    match err {
        ZipError::UnsupportedArchive(what) if what.to_lowercase().contains("password") => {
            ReadError::Encrypted
        }
        ZipError::InvalidPassword => ReadError::Encrypted,
        other => ReadError::Corrupt(format!("压缩包结构有误：{other}")),
    }
}

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8]) -> Result<Package<'a>, ReadError> {
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
        if archive.len() > MAX_ENTRIES {
            return Err(ReadError::Corrupt(format!(
                "压缩包中有 {} 个文件，不像 Word 文档",
                archive.len()
            )));
        }
        Ok(Package { archive, read: 0 })
    }

    /// The part's text, `None` when the package has no such part.
    fn part(&mut self, name: &str) -> Result<Option<String>, ReadError> {
        let mut file = match self.archive.by_name(name) {
            Ok(file) => file,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(err) => return Err(zip_error(err)),
        };
        let limit = MAX_PART_BYTES.min(MAX_TOTAL_BYTES.saturating_sub(self.read));
        let oversized = || ReadError::Oversized {
            part: name.to_string(),
            limit: MAX_PART_BYTES,
        };
        if file.size() > limit {
            return Err(oversized());
        }
        // The declared size may lie: read no more than the cap whatever it says.
        let mut bytes = Vec::new();
        (&mut file)
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| match e.to_string().to_lowercase() {
                m if m.contains("password") || m.contains("encrypt") => ReadError::Encrypted,
                m => ReadError::Corrupt(format!("{name} 解压失败：{m}")),
            })?;
        if bytes.len() as u64 > limit {
            return Err(oversized());
        }
        self.read += bytes.len() as u64;
        let text = decode_xml(&bytes)
            .ok_or_else(|| ReadError::Corrupt(format!("{name} 不是 UTF-8 或 UTF-16 编码的 XML")))?;
        Ok(Some(text))
    }
}

fn decode_xml(bytes: &[u8]) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).ok();
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let encoding = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _, errors) = encoding.decode(bytes);
        return (!errors).then(|| text.into_owned());
    }
    String::from_utf8(bytes.to_vec()).ok()
}

/// `Target`s of a relationships part by the last segment of their type.
fn relationships(xml: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    while let Ok(event) = reader.read_event() {
        match event {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                if e.local_name().as_ref() != "Relationship" {
                    continue;
                }
                let attr = |name: &str| {
                    e.try_get_attribute(name)
                        .ok()
                        .flatten()
                        .map(|a| a.value.into_owned())
                };
                if let (Some(kind), Some(target)) = (attr("Type"), attr("Target")) {
                    let kind = kind.rsplit('/').next().unwrap_or("").to_string();
                    out.entry(kind).or_insert(target);
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// `target` of a relationship of the part in `folder`, as a package path.
fn resolve(folder: &str, target: &str) -> String {
    if let Some(absolute) = target.strip_prefix('/') {
        return absolute.to_string();
    }
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for segment in target.split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

pub fn read(bytes: &[u8]) -> Result<Document, ReadError> {
    let mut package = Package::open(bytes)?;
    let main = package
        .part("_rels/.rels")?
        .and_then(|rels| relationships(&rels).get("officeDocument").cloned())
        .map(|target| resolve("", &target))
        .unwrap_or_else(|| "word/document.xml".into());
    let Some(document_xml) = package.part(&main)? else {
        return Err(ReadError::NotWord);
    };
    let folder = main.rsplit_once('/').map_or("", |(f, _)| f).to_string();
    let rels_name = format!(
        "{folder}/_rels/{}.rels",
        main.rsplit('/').next().unwrap_or("")
    );
    let rels = package
        .part(&rels_name)?
        .map(|x| relationships(&x))
        .unwrap_or_default();
    let mut related = |kind: &str, default: &str| -> Result<Option<String>, ReadError> {
        let name = rels
            .get(kind)
            .map(|t| resolve(&folder, t))
            .unwrap_or_else(|| format!("{folder}/{default}"));
        package.part(&name)
    };
    let styles = related("styles", "styles.xml")?
        .map(|x| Styles::parse(&x))
        .transpose()?
        .unwrap_or_default();
    let numbering = related("numbering", "numbering.xml")?
        .map(|x| Numbering::parse(&x))
        .transpose()?
        .unwrap_or_default();
    let footnotes = related("footnotes", "footnotes.xml")?;
    let endnotes = related("endnotes", "endnotes.xml")?;

    let body = docx_xml::parse(&document_xml, &styles, &numbering, "")?;
    let mut doc = Document::default();
    let mut notes: Vec<(String, Vec<Run>)> = Vec::new();
    for (xml, prefix) in [(footnotes, ""), (endnotes, "e")] {
        if let Some(xml) = xml {
            notes.extend(docx_xml::parse(&xml, &styles, &numbering, prefix)?.notes);
        }
    }
    // Only the notes the text refers to count as lines of the source;
    // Word keeps separator pseudo-notes that are no text.
    let mut body = body;
    let referred: Vec<String> = body
        .blocks
        .iter()
        .flat_map(|(b, _)| note_labels(b))
        .map(str::to_string)
        .collect();
    notes.retain(|(label, runs)| {
        referred.contains(label) && !super::document::runs_text(runs).trim().is_empty()
    });
    // Labels become 1, 2, 3… in order of reference, as an editor numbers
    // them (Word's ids start anywhere).
    let mut order: Vec<String> = Vec::new();
    for label in referred {
        if !order.contains(&label) {
            order.push(label);
        }
    }
    let renumber = |label: &str| {
        order
            .iter()
            .position(|l| l == label)
            .map_or_else(|| label.to_string(), |i| (i + 1).to_string())
    };
    for (block, _) in body.blocks.iter_mut() {
        let runs: Vec<&mut Run> = match &mut block.content {
            Content::Paragraph(runs) => runs.iter_mut().collect(),
            Content::Table(rows) => rows.iter_mut().flatten().flatten().flatten().collect(),
        };
        for run in runs.into_iter().filter(|r| r.note) {
            run.text = renumber(&run.text);
        }
    }
    for (label, _) in notes.iter_mut() {
        *label = renumber(label);
    }
    finish(&mut doc, body, &styles);
    doc.source_lines += notes.len();
    doc.footnotes = notes;
    Ok(doc)
}

fn note_labels(block: &Block) -> Vec<&str> {
    let runs: Vec<&Run> = match &block.content {
        Content::Paragraph(runs) => runs.iter().collect(),
        Content::Table(rows) => rows.iter().flatten().flatten().flatten().collect(),
    };
    runs.into_iter()
        .filter(|r| r.note)
        .map(|r| r.text.as_str())
        .collect()
}

/// The body's blocks, with each paragraph's size relative to the body
/// text (the size most of the text is set in).
fn finish(doc: &mut Document, body: Parsed, styles: &Styles) {
    let mut weight: HashMap<u32, usize> = HashMap::new();
    for (block, size) in &body.blocks {
        if let Content::Paragraph(runs) = &block.content {
            *weight.entry(*size).or_default() += super::document::runs_text(runs).chars().count();
        }
    }
    let body_size = weight
        .iter()
        .max_by_key(|(size, count)| (**count, **size))
        .map(|(size, _)| *size)
        .unwrap_or(styles.default_size);
    for (mut block, size) in body.blocks {
        if body_size > 0 && size > 0 {
            block.hints.size = size as f32 / body_size as f32;
        }
        doc.source_lines += block.lines;
        doc.blocks.push(block);
    }
}
