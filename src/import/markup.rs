//! Runs of a Word or PDF paragraph written as the Markdown of a report
//! body: text escaped, bold as `**…**` (except a section lead, which the
//! renderer sets bold by itself), footnote references as `[^n]`, tables as
//! pipe tables.

use super::document::{escape_markdown, Run, SOFT_BREAK};
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
            SOFT_BREAK => {}
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
        .map(|r| {
            r.text
                .replace(SOFT_BREAK, "")
                .replace(['\n', '\t', '\u{3000}', '\u{00A0}'], " ")
        })
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
    // A section lead (一、…。) is set bold by the renderer: bold within the
    // lead is left to it (a bold run that goes on past the lead is cut there).
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
        let mut split: Vec<Run> = Vec::new();
        for run in merged {
            if run.note {
                split.push(run);
                continue;
            }
            let end = at + run.text.len();
            if run.bold && at < lead_end {
                let cut = lead_end.min(end) - at;
                let (lead, rest) = run.text.split_at(cut);
                split.push(Run {
                    text: lead.to_string(),
                    bold: false,
                    note: false,
                });
                if !rest.is_empty() {
                    split.push(Run {
                        text: rest.to_string(),
                        bold: true,
                        note: false,
                    });
                }
            } else {
                split.push(run);
            }
            at = end;
        }
        merged = split;
    }
    let mut out = String::new();
    for (i, run) in merged.iter().enumerate() {
        if run.note {
            out.push_str(&format!("[^{}]", run.text));
            notes.push(run.text.clone());
        } else if run.bold {
            let next = merged[i + 1..].iter().find_map(|r| {
                if r.note {
                    Some('[')
                } else {
                    r.text.chars().next()
                }
            });
            out.push_str(&bold(&run.text, out.chars().last(), next));
        } else {
            out.push_str(&escape_markdown(&run.text));
        }
    }
    out
}

/// `**text**` that CommonMark reads as bold between `before` and `after`:
/// it will not close `**` after punctuation when a letter follows
/// (`**一是……。**按照` stays literal), nor open it before punctuation when
/// a letter precedes (`按照**“全员进站”**`). Such punctuation, and spaces
/// at the edges, are moved outside the markers.
fn bold(text: &str, before: Option<char>, after: Option<char>) -> String {
    let open_ok = |first: char, before: Option<char>| {
        !first.is_whitespace() && (!is_punctuation(first) || before.is_none_or(is_punctuation))
    };
    let close_ok = |last: char, after: Option<char>| {
        !last.is_whitespace() && (!is_punctuation(last) || after.is_none_or(is_punctuation))
    };
    let chars: Vec<char> = text.chars().collect();
    let (mut start, mut end) = (0, chars.len());
    let mut before = before;
    while start < end && !open_ok(chars[start], before) {
        before = Some(chars[start]);
        start += 1;
    }
    let mut after = after;
    while end > start && !close_ok(chars[end - 1], after) {
        after = Some(chars[end - 1]);
        end -= 1;
    }
    let part =
        |range: std::ops::Range<usize>| escape_markdown(&chars[range].iter().collect::<String>());
    if start == end {
        return part(0..chars.len());
    }
    format!(
        "{}**{}**{}",
        part(0..start),
        part(start..end),
        part(end..chars.len())
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
