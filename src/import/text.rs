//! The plain-text reader: a past issue kept as text (extracted from a PDF
//! or typed), UTF-8, GBK or UTF-16. Each line is repaired, page-number
//! lines are set aside, and lines are joined into paragraphs — by width
//! when the text was wrapped at a fixed width, by sentence ends otherwise.

use super::document::{Block, Document};
use super::masthead::{char_len, credit, is_page_number};
use super::recognize::{is_contents_entry, is_section_start, title_parts, FINAL};
use super::repair::repair_line;

pub fn read(text: &str) -> Document {
    let mut doc = Document {
        extracted: true,
        markdown: true,
        ..Document::default()
    };
    let mut lines = Vec::new();
    for line in text.lines() {
        let repaired = repair_line(line, &mut doc.repairs);
        if repaired.is_empty() {
            continue;
        }
        doc.source_lines += 1;
        if is_page_number(&repaired) {
            doc.skip("页码", 1);
            continue;
        }
        lines.push(repaired);
    }
    doc.blocks = paragraphs(&lines)
        .into_iter()
        .map(|(text, lines)| Block::plain(text, lines))
        .collect();
    doc
}

/// Joins the lines of the text into paragraphs, each with the number of
/// lines it took.
fn paragraphs(lines: &[String]) -> Vec<(String, usize)> {
    let lengths: Vec<usize> = lines
        .iter()
        .map(|l| char_len(l))
        .filter(|&n| n >= 15)
        .collect();
    let mut counts = std::collections::HashMap::new();
    for &n in &lengths {
        *counts.entry(n).or_insert(0usize) += 1;
    }
    let mode = counts
        .iter()
        .max_by_key(|(n, c)| (**c, **n))
        .map(|(n, _)| *n)
        .unwrap_or(0);
    let near = lengths
        .iter()
        .filter(|&&n| n + 2 >= mode && n <= mode + 2)
        .count();
    // Text wrapped at a fixed width (as PDF extraction leaves it): only a
    // paragraph's last line is short.
    let wrapped = mode > 0 && mode <= 60 && near * 2 >= lengths.len();
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut current = String::new();
    let mut taken = 0;
    for line in lines {
        let starts_new = is_section_start(line)
            || is_contents_entry(line)
            || (line.contains("印发") && char_len(line) < 60)
            || line.starts_with("送：")
            || line.starts_with("发：")
            || credit(line).is_some()
            || title_parts(line).is_some();
        if starts_new && !current.is_empty() {
            out.push((std::mem::take(&mut current), taken));
            taken = 0;
        }
        current.push_str(line);
        taken += 1;
        let ends_final = line.ends_with(|c| FINAL.contains(c))
            || (line.ends_with(['”', '）', '」'])
                && line.chars().rev().nth(1).is_some_and(|c| FINAL.contains(c)));
        let ends = if wrapped {
            char_len(line) + 2 < mode || credit(line).is_some() || title_parts(line).is_some()
        } else {
            ends_final
                || char_len(line) < 30
                || credit(line).is_some()
                || title_parts(line).is_some()
        };
        if ends {
            out.push((std::mem::take(&mut current), taken));
            taken = 0;
        }
    }
    if !current.is_empty() {
        out.push((current, taken));
    }
    out
}
