//! Runs of a Word or PDF paragraph written as the Markdown of a report
//! body: text escaped, bold as `**…**` (except a section lead, which the
//! renderer sets bold by itself), footnote references as `[^n]`, tables as
//! pipe tables.

use super::document::{escape_markdown, Run};
use super::repair::drop_debris_spaces;

/// A run's text with its line breaks and tabs made plain: a break inside
/// Chinese text is nothing, elsewhere a space.
fn flatten(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\n' => {
                let before = i.checked_sub(1).map(|j| chars[j]);
                let after = chars.get(i + 1).copied();
                let chinese = |c: Option<char>| c.is_some_and(super::repair::is_chinese);
                if !(chinese(before) || chinese(after)) {
                    out.push(' ');
                }
            }
            '\t' | '\u{3000}' | '\u{00A0}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The paragraph's text for recognition: runs joined, a line break or a
/// tab a space (a title set on two lines, a masthead spaced with tabs).
pub fn plain(runs: &[Run]) -> String {
    runs.iter()
        .filter(|r| !r.note)
        .map(|r| r.text.replace(['\n', '\t', '\u{3000}', '\u{00A0}'], " "))
        .collect()
}

pub fn title_text(text: &str, extracted: bool) -> String {
    if extracted {
        drop_debris_spaces(text, true)
    } else {
        text.to_string()
    }
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || "，。、；：！？“”‘’《》（）【】—…·「」『』〔〕".contains(c)
        || c.is_whitespace()
}

/// A body paragraph as Markdown; the footnote labels it refers to are
/// added to `notes`.
pub fn paragraph(runs: &[Run], extracted: bool, notes: &mut Vec<String>) -> String {
    // Merge neighbours of one kind and flatten their text.
    let mut merged: Vec<Run> = Vec::new();
    for run in runs {
        let text = if run.note {
            run.text.clone()
        } else {
            flatten(&run.text)
        };
        match merged.last_mut() {
            Some(last) if !run.note && !last.note && last.bold == run.bold => {
                last.text.push_str(&text)
            }
            _ => merged.push(Run {
                text,
                bold: run.bold,
                note: run.note,
            }),
        }
    }
    // Leading indentation and trailing spaces are layout, not text.
    if let Some(first) = merged.iter_mut().find(|r| !r.note) {
        first.text = first.text.trim_start().to_string();
    }
    if let Some(last) = merged.iter_mut().rev().find(|r| !r.note) {
        last.text = last.text.trim_end().to_string();
    }
    if extracted {
        for run in merged.iter_mut().filter(|r| !r.note) {
            run.text = drop_debris_spaces(&run.text, false);
        }
    }
    // A section lead (一、…。) is set bold by the renderer: bold that covers
    // no more than the lead is left to it.
    let plain_text: String = merged
        .iter()
        .filter(|r| !r.note)
        .map(|r| r.text.as_str())
        .collect();
    if crate::markdown::section_level(&plain_text).is_some() {
        let lead_end = plain_text
            .find('。')
            .map_or(plain_text.len(), |i| i + '。'.len_utf8());
        let mut at = 0;
        for run in merged.iter_mut().filter(|r| !r.note) {
            let end = at + run.text.len();
            if run.bold && end <= lead_end {
                run.bold = false;
            }
            at = end;
        }
    }
    let mut out = String::new();
    for run in &merged {
        if run.note {
            out.push_str(&format!("[^{}]", run.text));
            notes.push(run.text.clone());
        } else if run.bold {
            out.push_str(&bold(&run.text));
        } else {
            out.push_str(&escape_markdown(&run.text));
        }
    }
    // Escaping is per run; a paragraph-start marker only matters at the start.
    out
}

/// `**text**`, with the punctuation and spaces at its edges outside the
/// markers: CommonMark will not close `**` after `。` when a character
/// follows (`**一是……。**按照` stays literal), nor open it before `“`.
fn bold(text: &str) -> String {
    let start = text
        .char_indices()
        .find(|(_, c)| !is_punctuation(*c))
        .map(|(i, _)| i);
    let Some(start) = start else {
        return escape_markdown(text);
    };
    let end = text
        .char_indices()
        .rev()
        .find(|(_, c)| !is_punctuation(*c))
        .map(|(i, c)| i + c.len_utf8())
        .expect("a character that is not punctuation exists");
    format!(
        "{}**{}**{}",
        escape_markdown(&text[..start]),
        escape_markdown(&text[start..end]),
        escape_markdown(&text[end..])
    )
}

/// A table as a GFM pipe table; the first row is the header. A cell's
/// paragraphs are joined with `<br>`.
pub fn table(rows: &[Vec<Vec<Vec<Run>>>], extracted: bool, notes: &mut Vec<String>) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let mut out = String::new();
    for (index, row) in rows.iter().enumerate() {
        out.push('|');
        for column in 0..width {
            let cell = row
                .get(column)
                .map(|paragraphs| {
                    paragraphs
                        .iter()
                        .map(|p| paragraph(p, extracted, notes))
                        .filter(|p| !p.is_empty())
                        .collect::<Vec<_>>()
                        .join("<br>")
                })
                .unwrap_or_default();
            out.push(' ');
            out.push_str(&cell);
            out.push_str(" |");
        }
        out.push('\n');
        if index == 0 {
            out.push('|');
            out.push_str(&" --- |".repeat(width));
            out.push('\n');
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, bold: bool) -> Run {
        Run {
            text: text.into(),
            bold,
            note: false,
        }
    }

    #[test]
    fn bold_leads_render_bold() {
        let md = paragraph(
            &[
                run("一是统一编组进站。", true),
                run("按照“全员进站”的目标。", false),
            ],
            false,
            &mut Vec::new(),
        );
        assert_eq!(md, "**一是统一编组进站**。按照“全员进站”的目标。");
        let html = crate::markdown::render(&md, "t").html;
        assert!(
            html.contains("<strong>一是统一编组进站</strong>。"),
            "{html}"
        );
        let md = paragraph(
            &[
                run("一、运行机制求规范。", true),
                run("一是统一编组。", false),
            ],
            false,
            &mut Vec::new(),
        );
        assert_eq!(md, "一、运行机制求规范。一是统一编组。");
        let md = paragraph(
            &[
                run("按照", false),
                run("“全员进站”", true),
                run("的目标", false),
            ],
            false,
            &mut Vec::new(),
        );
        let html = crate::markdown::render(&md, "t").html;
        assert!(html.contains("“<strong>全员进站</strong>”"), "{md} {html}");
    }
}
