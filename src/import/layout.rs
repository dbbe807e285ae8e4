//! Rebuilding paragraphs from positioned lines (a PDF's): page numbers and
//! running heads set aside, lines broken at the right margin joined,
//! paragraphs split where the first-line indent, a change of size or a
//! wider gap says. Everything is measured against the page's own body
//! text — its usual character size, left and right edges and line pitch —
//! so no font, page size or margin is assumed.

use std::collections::HashMap;

use super::document::{Block, Document, Hints, Run, SOFT_BREAK};
use super::masthead::{is_page_number, squeeze};
use super::repair::repair_line;

#[derive(Debug, Clone)]
pub struct Word {
    pub x0: f32,
    pub x1: f32,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Line {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub words: Vec<Word>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub height: f32,
    pub lines: Vec<Line>,
}

/// A line with its text and measures.
#[derive(Debug, Clone)]
struct Placed {
    page: usize,
    text: String,
    x0: f32,
    x1: f32,
    y: f32,
    /// Character size: the width of a Chinese character in this line
    /// (more where justification stretched the line).
    em: f32,
    /// The line box's height, which justification does not stretch.
    height: f32,
}

/// Width of a character in ems: Chinese and full-width forms one, the
/// rest about half.
fn width(c: char) -> f32 {
    if (c as u32) >= 0x2E80 || "“”‘’—…".contains(c) {
        1.0
    } else {
        0.5
    }
}

fn em_of(line: &Line) -> f32 {
    let (ink, chars) = line.words.iter().fold((0.0, 0.0), |(ink, chars), w| {
        (
            ink + (w.x1 - w.x0).max(0.0),
            chars + w.text.chars().map(width).sum::<f32>(),
        )
    });
    if chars > 0.0 {
        ink / chars
    } else {
        0.0
    }
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// A boundary between Chinese and Latin letters or figures (`投资1500`).
fn mixed(a: char, b: char) -> bool {
    (is_han(a) && b.is_ascii_alphanumeric()) || (a.is_ascii_alphanumeric() && is_han(b))
}

/// Whether the document was set with automatic spacing between Chinese
/// and figures (Word, WPS and LibreOffice add it by default): then nearly
/// every such boundary shows a gap, typed space or not, and a gap there
/// says nothing. Where most boundaries touch, a gap is a typed space.
fn autospaced(pages: &[Page]) -> bool {
    let (mut gaps, mut touching) = (0usize, 0usize);
    for line in pages.iter().flat_map(|p| &p.lines) {
        let em = em_of(line);
        for pair in line.words.windows(2) {
            let (Some(a), Some(b)) = (pair[0].text.chars().last(), pair[1].text.chars().next())
            else {
                continue;
            };
            if mixed(a, b) && pair[1].x0 - pair[0].x1 > 0.2 * em {
                gaps += 1;
            }
        }
        for word in &line.words {
            let chars: Vec<char> = word.text.chars().collect();
            touching += chars.windows(2).filter(|w| mixed(w[0], w[1])).count();
        }
    }
    gaps >= 5 && touching * 10 <= gaps
}

/// The line's words joined: a space where the gap between two words is
/// wider than letter spacing (but not the automatic one beside figures).
fn line_text(line: &Line, em: f32, autospaced: bool) -> String {
    let mut text = String::new();
    let mut previous: Option<f32> = None;
    for word in &line.words {
        if let Some(end) = previous {
            let automatic = autospaced
                && text
                    .chars()
                    .last()
                    .zip(word.text.chars().next())
                    .is_some_and(|(a, b)| mixed(a, b));
            if word.x0 - end > 0.2 * em && !automatic {
                text.push(' ');
            }
        }
        text.push_str(&word.text);
        previous = Some(word.x1);
    }
    text
}

/// A row's lines with the pieces of one line put together: pdftotext
/// splits a line where a change of font or squeezed punctuation makes
/// glyphs overlap (`郑州管城回族区：` `以` `“两亮三评五争当”`). Pieces far
/// apart (a publisher on the left, a date on the right) stay apart.
fn merge_row(row: &[&Line]) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for line in row {
        let em = em_of(line);
        match out.last_mut() {
            Some(last) if line.x0 - last.x1 < 1.5 * em.max(em_of(last)) => {
                last.x1 = last.x1.max(line.x1);
                last.y0 = last.y0.min(line.y0);
                last.y1 = last.y1.max(line.y1);
                last.words.extend(line.words.iter().cloned());
            }
            _ => out.push((*line).clone()),
        }
    }
    out
}

/// The most common value, rounded to `step`, weighted.
fn mode(values: impl Iterator<Item = (f32, usize)>, step: f32) -> Option<f32> {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for (value, weight) in values {
        *counts.entry((value / step).round() as i64).or_default() += weight;
    }
    counts
        .into_iter()
        .max_by_key(|(key, count)| (*count, -key))
        .map(|(key, _)| key as f32 * step)
}

struct Body {
    em: f32,
    height: f32,
    left: f32,
    right: f32,
    pitch: f32,
}

fn measure(lines: &[Placed]) -> Body {
    let em = mode(lines.iter().map(|l| (l.em, l.text.chars().count())), 0.25)
        .unwrap_or(12.0)
        .max(1.0);
    let body: Vec<&Placed> = lines
        .iter()
        .filter(|l| (l.em - em).abs() < 0.1 * em && l.text.chars().count() >= 8)
        .collect();
    let height = mode(body.iter().map(|l| (l.height, 1)), 0.5).unwrap_or(em);
    let left = mode(body.iter().map(|l| (l.x0, 1)), 1.0).unwrap_or(0.0);
    let right = mode(body.iter().map(|l| (l.x1, 1)), 1.0).unwrap_or(left + 30.0 * em);
    let pitch = mode(
        body.windows(2)
            .filter(|w| w[0].page == w[1].page && w[1].y > w[0].y)
            .map(|w| (w[1].y - w[0].y, 1)),
        0.5,
    )
    .unwrap_or(1.8 * em);
    Body {
        em,
        height,
        left,
        right,
        pitch,
    }
}

pub fn rebuild(pages: Vec<Page>) -> Document {
    let mut doc = Document {
        extracted: true,
        ..Document::default()
    };
    // Lines in reading order, repaired; page numbers and running heads out.
    let mut placed: Vec<Placed> = Vec::new();
    let mut margins: Vec<(usize, String, usize)> = Vec::new();
    let mut empty_pages = Vec::new();
    let autospaced = autospaced(&pages);
    for (index, page) in pages.iter().enumerate() {
        let mut lines: Vec<&Line> = page.lines.iter().filter(|l| !l.words.is_empty()).collect();
        if lines.is_empty() {
            empty_pages.push(index + 1);
            continue;
        }
        // Rows top to bottom (lines whose middles are close share a row),
        // left to right within a row.
        lines.sort_by(|a, b| (a.y0 + a.y1).total_cmp(&(b.y0 + b.y1)));
        let mut rows: Vec<Vec<&Line>> = Vec::new();
        for line in lines {
            let middle = (line.y0 + line.y1) / 2.0;
            let height = (line.y1 - line.y0).max(1.0);
            match rows.last_mut() {
                Some(row) if (middle - (row[0].y0 + row[0].y1) / 2.0).abs() < 0.3 * height => {
                    row.push(line)
                }
                _ => rows.push(vec![line]),
            }
        }
        for mut row in rows {
            row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            for line in &merge_row(&row) {
                let em = em_of(line);
                let text = repair_line(&line_text(line, em, autospaced), &mut doc.repairs);
                if text.is_empty() {
                    continue;
                }
                doc.source_lines += 1;
                let middle = (line.y0 + line.y1) / 2.0;
                let in_margin = page.height > 0.0
                    && (middle < 0.12 * page.height || middle > 0.85 * page.height);
                if in_margin && is_page_number(&text)
                    || in_margin && text.chars().all(|c| c.is_ascii_digit()) && text.len() <= 3
                {
                    doc.skip("页码", 1);
                    continue;
                }
                if in_margin {
                    let key: String = squeeze(&text)
                        .chars()
                        .filter(|c| !c.is_ascii_digit())
                        .collect();
                    margins.push((index, key, placed.len()));
                }
                placed.push(Placed {
                    page: index,
                    text,
                    x0: line.x0,
                    x1: line.x1,
                    y: line.y0,
                    em,
                    height: line.y1 - line.y0,
                });
            }
        }
    }
    if !empty_pages.is_empty() && empty_pages.len() < pages.len() {
        doc.notes.push(format!(
            "第 {} 页没有文字层（扫描的图片？），这些页的内容没有导入",
            empty_pages
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    // A running head or foot: the same text (page numbers aside) in the
    // margin of several pages.
    let mut pages_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (page, key, _) in &margins {
        pages_of.entry(key.as_str()).or_default().push(*page);
    }
    let mut running: Vec<usize> = margins
        .iter()
        .filter(|(_, key, _)| {
            let seen = &pages_of[key.as_str()];
            !key.is_empty() && seen.len() >= 2 && (seen.len() * 2 >= pages.len() || seen.len() >= 3)
        })
        .map(|(_, _, at)| *at)
        .collect();
    running.sort_unstable();
    for at in running.iter().rev() {
        placed.remove(*at);
        doc.skip("页眉页脚", 1);
    }
    let body = measure(&placed);
    doc.blocks = paragraphs(&placed, &body);
    doc
}

/// Whether two lines joined at a break need a space between them: two
/// words of Latin letters or figures; and a figure the writer set off with
/// spaces (`共有 216 名`) whose space before it fell at the break — the
/// space after it says so.
fn needs_space(before: &str, after: &str) -> bool {
    let last = before.chars().last();
    let first = after.chars().next();
    if last.is_some_and(|c| c.is_ascii_alphanumeric())
        && first.is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return true;
    }
    let spaced_after = |text: &str| {
        let rest = text.trim_start_matches(|c: char| c.is_ascii_digit());
        rest.len() < text.len() && rest.starts_with(' ')
    };
    let spaced_before = |text: &str| {
        let rest = text.trim_end_matches(|c: char| c.is_ascii_digit());
        rest.len() < text.len() && rest.ends_with(' ')
    };
    (last.is_some_and(is_han) && spaced_after(after))
        || (first.is_some_and(is_han) && spaced_before(before))
}

/// The line's size against the body text's: 1 when its height says it
/// is body text, however justification stretched it.
fn relative_size(line: &Placed, body: &Body) -> f32 {
    if (line.height - body.height).abs() <= 0.12 * body.height {
        1.0
    } else {
        line.em / body.em
    }
}

fn paragraphs(lines: &[Placed], body: &Body) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, usize, Hints, f32)> = None;
    let centre = (body.left + body.right) / 2.0;
    let centered = |l: &Placed| {
        l.x0 > body.left + 0.8 * l.em && ((l.x0 + l.x1) / 2.0 - centre).abs() < 1.0 * l.em
    };
    let full = |l: &Placed| l.x1 >= body.right - 1.0 * l.em;
    let mut previous: Option<&Placed> = None;
    for line in lines {
        let continues = previous.is_some_and(|p| {
            // A size change shows in both measures: width alone also
            // changes where justification stretched a line, height alone
            // where figures in another font sit in it.
            let same_size = (line.em - p.em).abs() <= 0.12 * p.em.max(line.em)
                || (line.height - p.height).abs() <= 0.12 * p.height.max(line.height);
            let close = line.page != p.page || line.y - p.y <= 1.6 * body.pitch.max(p.em);
            let indented = line.x0 > body.left + 0.8 * line.em;
            let title_wrap = centered(line) && (centered(p) || relative_size(p, body) >= 1.15);
            // Text set flush right (a date, a credit) ends where it ends.
            let flush_right = !centered(p) && p.x0 > body.left + 3.0 * p.em;
            same_size && close && full(p) && !flush_right && (!indented || title_wrap)
        });
        if !continues {
            if let Some((text, lines, hints, _)) = current.take() {
                blocks.push(Block::paragraph(vec![Run::text(text)], lines, hints));
            }
            let right_aligned =
                !centered(line) && full(line) && line.x0 > body.left + 3.0 * line.em;
            current = Some((
                String::new(),
                0,
                Hints {
                    centered: centered(line),
                    right_aligned,
                    size: relative_size(line, body),
                    heading: false,
                },
                line.em,
            ));
        }
        let (text, count, _, _) = current.as_mut().expect("a paragraph is open");
        if !text.is_empty() {
            // A break that needs no space is kept as a soft break, for
            // recognition to judge in a title.
            text.push(if needs_space(text, &line.text) {
                ' '
            } else {
                SOFT_BREAK
            });
        }
        text.push_str(&line.text);
        *count += 1;
        previous = Some(line);
    }
    if let Some((text, lines, hints, _)) = current {
        blocks.push(Block::paragraph(vec![Run::text(text)], lines, hints));
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of `text` at `x`, one character `em` wide each.
    fn line(x: f32, y: f32, em: f32, text: &str) -> Line {
        let width: f32 = text.chars().map(super::width).sum::<f32>() * em;
        Line {
            x0: x,
            y0: y,
            x1: x + width,
            y1: y + em,
            words: vec![Word {
                x0: x,
                x1: x + width,
                text: text.into(),
            }],
        }
    }

    #[test]
    fn lines_become_paragraphs() {
        let em = 10.0;
        let full = "一二三四五六七八九十一二三四五六七八九十";
        let page = |lines| Page {
            height: 400.0,
            lines,
        };
        let pages = vec![
            page(vec![
                line(70.0, 20.0, em, "— 1 —"),
                line(50.0, 100.0, 14.0, "新蔡县：依托代表联络站点扎实"),
                line(136.0, 118.0, 14.0, "开展"),
                line(70.0, 140.0, em, "近年来一二三四五六七八九十一二三四五"),
                line(50.0, 158.0, em, full),
                line(50.0, 176.0, em, "短的末行。"),
                line(70.0, 194.0, em, "一、第二段六七八九十一二三四五六七八"),
                line(50.0, 212.0, em, full),
                line(140.0, 380.0, em, "— 1 —"),
            ]),
            page(vec![
                line(50.0, 100.0, em, "接着上一页的段落。"),
                line(140.0, 380.0, em, "— 2 —"),
            ]),
        ];
        let doc = rebuild(pages);
        let texts: Vec<String> = doc.blocks.iter().map(|b| b.text()).collect();
        assert_eq!(
            texts,
            vec![
                "新蔡县：依托代表联络站点扎实开展".to_string(),
                format!("近年来一二三四五六七八九十一二三四五{full}短的末行。"),
                format!("一、第二段六七八九十一二三四五六七八{full}接着上一页的段落。"),
            ]
        );
        assert_eq!(doc.source_lines, 11);
        assert_eq!(doc.skipped[0].lines, 3, "{:?}", doc.skipped);
    }
}
