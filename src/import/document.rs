//! The format-neutral document every reader produces and recognition reads:
//! a sequence of blocks (paragraphs made of runs, tables), the footnotes
//! they refer to, and the reader's own account of what it set aside (page
//! numbers, running heads), so that every line of the source is accounted
//! for.

/// Where a reader joined two lines of a paragraph without a space (a
/// PDF's line broken at the margin): nothing in body text, but a title
/// broken there may have lost a space (see `recognize`).
pub const SOFT_BREAK: char = '\u{2028}';

/// A stretch of text with one weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    /// A footnote reference; `text` is its label.
    pub note: bool,
}

impl Run {
    pub fn text(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            bold: false,
            note: false,
        }
    }
}

/// How a paragraph sat on the page, where the reader knows it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Hints {
    /// Centred (or right-aligned) rather than running from the left margin.
    pub centered: bool,
    pub right_aligned: bool,
    /// Font size relative to the body text (1.0 = body); 0 when unknown.
    pub size: f32,
    /// A Word heading or title style.
    pub heading: bool,
}

impl Hints {
    /// Set apart from the body the way a title is: bigger, or a heading.
    pub fn looks_like_title(&self) -> bool {
        self.heading || self.size >= 1.2
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Paragraph(Vec<Run>),
    /// Rows of cells; each cell its paragraphs.
    Table(Vec<Vec<Vec<Vec<Run>>>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub content: Content,
    /// Lines of the source this block was made of (a PDF's or a text
    /// file's lines, a Word file's paragraphs or table rows).
    pub lines: usize,
    pub hints: Hints,
}

impl Block {
    pub fn paragraph(runs: Vec<Run>, lines: usize, hints: Hints) -> Block {
        Block {
            content: Content::Paragraph(runs),
            lines,
            hints,
        }
    }

    pub fn plain(text: impl Into<String>, lines: usize) -> Block {
        Block::paragraph(vec![Run::text(text)], lines, Hints::default())
    }

    /// The block's text, runs joined; a table's cells one after another.
    pub fn text(&self) -> String {
        let text = match &self.content {
            Content::Paragraph(runs) => runs_text(runs),
            Content::Table(rows) => rows
                .iter()
                .flatten()
                .flatten()
                .map(|p| runs_text(p))
                .collect::<Vec<_>>()
                .join(" "),
        };
        text.replace(SOFT_BREAK, "")
    }
}

pub fn runs_text(runs: &[Run]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

/// Lines a reader set aside, and why (页码, 页眉页脚…).
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub reason: &'static str,
    pub lines: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// Footnotes by the label their reference carries in the text
    /// (`[^label]`), in the order the reader found them.
    pub footnotes: Vec<(String, Vec<Run>)>,
    pub skipped: Vec<Skipped>,
    /// What the reader repaired, once per kind.
    pub repairs: Vec<&'static str>,
    /// Lines the source holds (not counting empty ones).
    pub source_lines: usize,
    /// The text came from a fixed-width layout (a PDF or a text extracted
    /// from one): spaces between Chinese characters are extraction debris.
    pub extracted: bool,
    /// The text is already Markdown (a `.txt` or `.md` file): paragraphs
    /// are written as they are, not escaped.
    pub markdown: bool,
    /// What the reader could not read and the editor should know (pages
    /// without text): listed under 存疑.
    pub notes: Vec<String>,
}

impl Document {
    pub fn skip(&mut self, reason: &'static str, lines: usize) {
        add_skipped(&mut self.skipped, reason, lines);
    }
}

pub fn add_skipped(list: &mut Vec<Skipped>, reason: &'static str, lines: usize) {
    if lines == 0 {
        return;
    }
    match list.iter_mut().find(|s| s.reason == reason) {
        Some(s) => s.lines += lines,
        None => list.push(Skipped { reason, lines }),
    }
}

/// Text as Markdown that reads back as that text: the characters that
/// would start emphasis, code, links, HTML or a list are escaped.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    // A paragraph that starts like a heading, a list item or a rule.
    let starts_block = out.starts_with('#')
        || out.starts_with("- ")
        || out.starts_with("+ ")
        || out.starts_with("---")
        || out.starts_with("===");
    if starts_block {
        out.insert(0, '\\');
    }
    let digits = out.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits < 10 {
        let rest = &out[digits..];
        if rest.starts_with(". ") || rest.starts_with(") ") || rest == "." || rest == ")" {
            out.insert(digits, '\\');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_renders_as_itself() {
        for text in [
            "1. 第一条",
            "# 不是标题",
            "a*b*c 与 [链接](x) 和 <b>",
            "- 列表",
            "2024年",
        ] {
            let html = crate::markdown::render(&escape_markdown(text), "t").html;
            let expected = text.replace('<', "&lt;").replace('>', "&gt;");
            assert!(html.contains(&expected), "{text} → {html}");
            assert!(html.starts_with("<p>"), "{text} → {html}");
        }
    }
}
