//! The PDF reader: poppler's `pdftotext -bbox-layout` (Debian package
//! `poppler-utils`) extracts every word with its box, through each font's
//! ToUnicode map — the reference extractor for CJK text. The boxes go to
//! `layout`, which rebuilds the lines into paragraphs. Nothing here knows
//! font names: the printing fonts may change.

use std::path::Path;
use std::process::Command;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::document::Document;
use super::layout::{self, Line, Page, Word};
use super::source::{run_tool, ReadError};

const INSTALL: &str = "请安装 poppler-utils（Debian/Ubuntu：sudo apt-get install poppler-utils；\
     Windows 可从 poppler 官方发布页下载，把 pdftotext 所在文件夹加入 PATH），\
     或设置环境变量 JIANBAO_PDFTOTEXT 指明 pdftotext 的位置";

fn pdftotext() -> std::ffi::OsString {
    std::env::var_os("JIANBAO_PDFTOTEXT").unwrap_or_else(|| "pdftotext".into())
}

pub fn read(path: &Path) -> Result<Document, ReadError> {
    let scratch = tempfile::tempdir()
        .map_err(|e| ReadError::Unreadable(crate::diagnostics::io_reason(&e)))?;
    let out = scratch.path().join("words.html");
    let mut command = Command::new(pdftotext());
    command
        .args(["-bbox-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg(&out);
    let (status, stderr) = run_tool(command, scratch.path(), "pdftotext", INSTALL)?;
    let lower = stderr.to_lowercase();
    if !status.success() {
        if lower.contains("password") || lower.contains("encrypt") {
            return Err(ReadError::Encrypted);
        }
        if status.code() == Some(3) || lower.contains("permission") {
            return Err(ReadError::CopyForbidden);
        }
        let detail = stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("pdftotext 没有说明原因")
            .trim()
            .to_string();
        return Err(ReadError::Corrupt(detail));
    }
    let xml = std::fs::read_to_string(&out).map_err(|e| ReadError::ToolFailed {
        program: "pdftotext",
        detail: crate::diagnostics::io_reason(&e),
    })?;
    let pages = parse(&xml)?;
    let words: usize = pages
        .iter()
        .map(|p| p.lines.iter().map(|l| l.words.len()).sum::<usize>())
        .sum();
    if words == 0 {
        return Err(ReadError::NoText { pages: pages.len() });
    }
    Ok(layout::rebuild(pages))
}

fn number(e: &BytesStart, name: &str) -> f32 {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.value.parse().ok())
        .unwrap_or(0.0)
}

/// The pages, lines and words of `pdftotext -bbox-layout` output.
fn parse(xml: &str) -> Result<Vec<Page>, ReadError> {
    let mut reader = Reader::from_str(xml);
    let mut pages: Vec<Page> = Vec::new();
    let mut word: Option<Word> = None;
    let corrupt = |e: quick_xml::Error| ReadError::ToolFailed {
        program: "pdftotext",
        detail: format!("输出无法解析：{e}"),
    };
    loop {
        match reader.read_event().map_err(corrupt)? {
            Event::Start(e) => match e.local_name().as_ref() {
                "page" => pages.push(Page {
                    height: number(&e, "height"),
                    lines: Vec::new(),
                }),
                "line" => {
                    if let Some(page) = pages.last_mut() {
                        page.lines.push(Line {
                            x0: number(&e, "xMin"),
                            y0: number(&e, "yMin"),
                            x1: number(&e, "xMax"),
                            y1: number(&e, "yMax"),
                            words: Vec::new(),
                        });
                    }
                }
                "word" => {
                    word = Some(Word {
                        x0: number(&e, "xMin"),
                        x1: number(&e, "xMax"),
                        text: String::new(),
                    })
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some(w) = word.as_mut() {
                    w.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(w) = word.as_mut() {
                    let text = if r.is_char_ref() {
                        r.resolve_char_ref().ok().flatten().map(String::from)
                    } else {
                        quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                            .map(str::to_string)
                    };
                    w.text.push_str(&text.unwrap_or_default());
                }
            }
            Event::End(e) if e.local_name().as_ref() == "word" => {
                if let (Some(w), Some(line)) = (
                    word.take(),
                    pages.last_mut().and_then(|p| p.lines.last_mut()),
                ) {
                    if !w.text.trim().is_empty() {
                        line.words.push(w);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(pages)
}
