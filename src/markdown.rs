//! Markdown to safe HTML. Editors paste from word processors, so raw HTML
//! is allowed in and then sanitised: formatting survives, scripts, event
//! handlers and foreign frames do not.

use std::sync::OnceLock;

mod depth;

pub use depth::{too_deep, TooDeep, MAX_BLOCKS, MAX_HTML};

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// The text without markup, one paragraph per line.
    pub plain: String,
}

/// Renders `markdown`; `scope` (a report's slug) goes before the ids of
/// its footnotes, since an issue page shows several reports whose notes
/// would otherwise all be `#1`, `#2`.
pub fn render(markdown: &str, scope: &str) -> Rendered {
    // The loader refuses such text with its line; any other caller gets
    // it back as plain text rather than minutes of parsing.
    if too_deep(markdown).is_some() {
        return Rendered {
            html: format!("<pre>{}</pre>", ammonia::clean_text(markdown)),
            plain: markdown.to_string(),
        };
    }
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut plain = String::new();
    let mut events: Vec<Event> = Vec::new();
    let mut paragraph_start: Option<usize> = None;
    let mut raw_text = RawHtmlText::default();
    for event in Parser::new_ext(markdown, options) {
        match &event {
            Event::Text(text) | Event::Code(text) => plain.push_str(text),
            Event::SoftBreak => {}
            Event::HardBreak
            | Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Heading(_))
            | Event::End(TagEnd::Item)
            | Event::End(TagEnd::TableCell) => plain.push('\n'),
            Event::Html(raw) | Event::InlineHtml(raw) => raw_text.feed(raw, &mut plain),
            _ => {}
        }
        match event {
            Event::Start(Tag::Paragraph) => {
                paragraph_start = Some(events.len());
                events.push(event);
            }
            // Chinese has no spaces between lines: a soft break inside a
            // paragraph would show as a stray space.
            Event::SoftBreak => {}
            Event::Text(text) if paragraph_start == Some(events.len().wrapping_sub(1)) => {
                paragraph_start = None;
                mark_section_lead(&mut events, text);
            }
            other => {
                if !matches!(other, Event::Start(_)) {
                    paragraph_start = None;
                }
                events.push(other)
            }
        }
    }
    let mut raw_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(
        &mut raw_html,
        Footnotes::new(scope).arrange(events).into_iter(),
    );
    Rendered {
        html: without_rel_on_placeholders(&sanitizer().clean(&raw_html).to_string()),
        plain: plain.trim_end().to_string(),
    }
}

/// Footnote marks and notes as HTML with ids of their own scope. Notes
/// are numbered in the order they are first referred to and gathered at
/// the end of the text in that order, wherever the editor wrote them.
struct Footnotes {
    scope: String,
    numbers: rustc_hash::FxHashMap<String, usize>,
    /// How often each note has been referred to so far: a second mark
    /// needs an id of its own.
    seen: rustc_hash::FxHashMap<usize, usize>,
}

impl Footnotes {
    fn new(scope: &str) -> Footnotes {
        // Slugs come from file names: anything that could end an attribute
        // or split an id becomes a hyphen.
        let scope: String = scope
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        Footnotes {
            scope: if scope.is_empty() {
                "note".into()
            } else {
                scope
            },
            numbers: Default::default(),
            seen: Default::default(),
        }
    }

    /// Labels match regardless of case, as in CommonMark.
    fn number(&mut self, label: &str) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry(label.to_lowercase()).or_insert(next)
    }

    fn arrange<'a>(mut self, events: Vec<Event<'a>>) -> Vec<Event<'a>> {
        for event in &events {
            if let Event::FootnoteReference(label) = event {
                self.number(label);
            }
        }
        // Notes numbered so far are referred to; later ones are not, and
        // get no link back to a mark that is not there.
        let referenced = self.numbers.len();
        let scope = self.scope.clone();
        let mut body = Vec::with_capacity(events.len());
        let mut notes: Vec<(usize, Vec<Event<'a>>)> = Vec::new();
        let mut defined = rustc_hash::FxHashSet::default();
        // A note may be written inside another (in its quote or list).
        let mut open: Vec<(usize, Vec<Event<'a>>)> = Vec::new();
        for event in events {
            let event = match event {
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let n = self.number(&label);
                    // A label defined twice: the second text stays, without
                    // a second element of the same id.
                    let id = if defined.insert(n) {
                        format!(" id=\"{scope}-fn{n}\"")
                    } else {
                        String::new()
                    };
                    let label = if n <= referenced {
                        format!("<a href=\"#{scope}-ref{n}\">{n}</a>")
                    } else {
                        n.to_string()
                    };
                    let start = format!("<div class=\"footnote-definition\"{id}><sup class=\"footnote-definition-label\">{label}</sup>");
                    open.push((n, vec![Event::Html(start.into())]));
                    continue;
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    if let Some((n, mut inner)) = open.pop() {
                        inner.push(Event::Html("</div>\n".into()));
                        notes.push((n, inner));
                    }
                    continue;
                }
                Event::FootnoteReference(label) => {
                    let n = self.number(&label);
                    let times = self.seen.entry(n).or_default();
                    *times += 1;
                    let id = match *times {
                        1 => format!("{scope}-ref{n}"),
                        k => format!("{scope}-ref{n}-{k}"),
                    };
                    Event::InlineHtml(format!("<sup class=\"footnote-reference\"><a href=\"#{scope}-fn{n}\" id=\"{id}\">{n}</a></sup>").into())
                }
                other => other,
            };
            match open.last_mut() {
                Some((_, inner)) => inner.push(event),
                None => body.push(event),
            }
        }
        if !notes.is_empty() {
            // Stable: a label's second text follows its first.
            notes.sort_by_key(|(n, _)| *n);
            body.push(Event::Html("<div class=\"footnotes\">\n".into()));
            body.extend(notes.into_iter().flat_map(|(_, inner)| inner));
            body.push(Event::Html("</div>\n".into()));
        }
        body
    }
}

/// A paragraph opening with 一、 or （一） is a section: its lead sentence is
/// a heading run in (黑体 and 楷体 in print), as the bulletin sets it.
fn mark_section_lead<'a>(events: &mut Vec<Event<'a>>, text: CowStr<'a>) {
    let level = section_level(&text);
    let Some(level) = level else {
        events.push(Event::Text(text));
        return;
    };
    let start = events.len() - 1;
    events[start] = Event::Html(format!("<p class=\"section section-{level}\">").into());
    let split_at = text
        .char_indices()
        .find(|(_, c)| *c == '。')
        .map(|(i, c)| i + c.len_utf8());
    match split_at {
        Some(end) if end < text.len() => {
            events.push(Event::Html(
                format!("<strong class=\"lead lead-{level}\">").into(),
            ));
            events.push(Event::Text(text[..end].to_string().into()));
            events.push(Event::Html("</strong>".into()));
            events.push(Event::Text(text[end..].to_string().into()));
        }
        _ => {
            events.push(Event::Html(
                format!("<strong class=\"lead lead-{level}\">").into(),
            ));
            events.push(Event::Text(text));
            events.push(Event::Html("</strong>".into()));
        }
    }
}

/// 1 for 一、, 2 for （一）.
pub fn section_level(text: &str) -> Option<u8> {
    const NUMERALS: &str = "一二三四五六七八九十";
    let mut chars = text.chars();
    let first = chars.next()?;
    if NUMERALS.contains(first) {
        let rest: String = chars.take_while(|c| NUMERALS.contains(*c)).collect();
        let after = text[first.len_utf8() + rest.len()..].chars().next();
        return (after == Some('、')).then_some(1);
    }
    if first == '（' || first == '(' {
        let inner: String = chars
            .clone()
            .take_while(|c| NUMERALS.contains(*c))
            .collect();
        if inner.is_empty() {
            return None;
        }
        let after = text[first.len_utf8() + inner.len()..].chars().next();
        return matches!(after, Some('）' | ')')).then_some(2);
    }
    None
}

/// The readable text of raw HTML, across the several events one block
/// arrives in: tags dropped, and nothing of `<script>` or `<style>`
/// (which the sanitiser removes from the page as well).
#[derive(Default)]
struct RawHtmlText {
    in_tag: bool,
    tag: String,
    hidden: Option<&'static str>,
}

impl RawHtmlText {
    fn feed(&mut self, raw: &str, out: &mut String) {
        for c in raw.chars() {
            if self.in_tag {
                if c == '>' {
                    self.in_tag = false;
                    let name: String = self
                        .tag
                        .trim_start()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
                        .collect::<String>()
                        .to_ascii_lowercase();
                    match (self.hidden, name.as_str()) {
                        (None, "script") => self.hidden = Some("/script"),
                        (None, "style") => self.hidden = Some("/style"),
                        (Some(end), name) if name == end => self.hidden = None,
                        _ => {}
                    }
                } else {
                    self.tag.push(c);
                }
            } else if c == '<' {
                self.in_tag = true;
                self.tag.clear();
            } else if self.hidden.is_none() && c != '\n' {
                out.push(c);
            }
        }
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .add_tags(["mark", "figure", "figcaption"])
            .add_generic_attributes(["id", "class"])
            .add_tag_attributes("td", ["colspan", "rowspan", "align"])
            .add_tag_attributes("th", ["colspan", "rowspan", "align"])
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some("noopener noreferrer"));
        builder
    })
}

/// ammonia puts `rel` on every `<a>`, also on one left without `href`
/// (a `javascript:` link it disarmed), and `rel` there is invalid HTML:
/// such placeholders lose it. Attribute values are always double-quoted
/// in ammonia's output; the scan follows quotes all the same.
fn without_rel_on_placeholders(html: &str) -> String {
    const REL: &str = " rel=\"noopener noreferrer\"";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<a ") {
        out.push_str(&rest[..start]);
        let tag = &rest[start..];
        let mut quoted = false;
        let end = tag
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '>' && !quoted
            })
            .map_or(tag.len(), |(i, _)| i + 1);
        let (open, after) = tag.split_at(end);
        if open.contains(" href=\"") {
            out.push_str(open);
        } else {
            out.push_str(&open.replacen(REL, "", 1));
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disarmed_link_keeps_no_rel() {
        let out = render(
            "<a href=\"javascript:alert(1)\" title=\"a>b\">甲</a> 和 <a href=\"https://example.org/\">乙</a>",
            "r",
        );
        assert!(
            out.html.contains("<a title=\"a&gt;b\">甲</a>"),
            "{}",
            out.html
        );
        assert!(
            out.html
                .contains("<a href=\"https://example.org/\" rel=\"noopener noreferrer\">乙</a>"),
            "{}",
            out.html
        );
    }

    #[test]
    fn section_paragraphs_get_a_run_in_lead() {
        let out = render(
            "一、运行机制求规范。一是统一编组进站。\n\n（二）第二层。正文。\n\n普通段落。",
            "r",
        );
        assert!(out.html.contains("<p class=\"section section-1\"><strong class=\"lead lead-1\">一、运行机制求规范。</strong>一是统一编组进站。</p>"), "{}", out.html);
        assert!(
            out.html
                .contains("<strong class=\"lead lead-2\">（二）第二层。</strong>"),
            "{}",
            out.html
        );
        assert!(out.html.contains("<p>普通段落。</p>"));
        assert_eq!(
            out.plain,
            "一、运行机制求规范。一是统一编组进站。\n（二）第二层。正文。\n普通段落。"
        );
    }

    #[test]
    fn hostile_html_is_made_inert() {
        let out = render("<script>alert(1)</script>\n\n<a href=\"javascript:alert(1)\" onclick=\"x()\">链接</a> <iframe src=\"https://evil.example/\"></iframe> <b>加粗</b>", "r");
        assert!(!out.html.contains("<script"), "{}", out.html);
        assert!(!out.html.contains("javascript:"), "{}", out.html);
        assert!(!out.html.contains("onclick"), "{}", out.html);
        assert!(!out.html.contains("<iframe"), "{}", out.html);
        assert!(out.html.contains("<b>加粗</b>"), "{}", out.html);
    }

    #[test]
    fn soft_breaks_add_no_space_between_chinese_lines() {
        assert_eq!(render("代表\n联络站", "r").html.trim(), "<p>代表联络站</p>");
    }

    #[test]
    fn tables_render() {
        let out = render("| 甲 | 乙 |\n|---|---|\n| 1 | 2 |", "r");
        assert!(out.html.contains("<table>"), "{}", out.html);
        assert!(out.html.contains("<td>2</td>"), "{}", out.html);
    }

    #[test]
    fn footnotes_are_numbered_in_order_of_reference_with_ids_of_their_report() {
        let out = render(
            "[^a]: 注释甲\n\n正文[^b]，又见[^a]，再见[^b]。\n\n[^b]: 注释乙",
            "01-beiguan",
        );
        let html = &out.html;
        let mark = |n: u32, id: &str| {
            format!("<sup class=\"footnote-reference\"><a href=\"#01-beiguan-fn{n}\" id=\"{id}\"")
        };
        let first = html.find(&mark(1, "01-beiguan-ref1")).expect(html);
        let second = html.find(&mark(2, "01-beiguan-ref2")).expect(html);
        // The second mark of note 1 has an id of its own.
        let again = html.find(&mark(1, "01-beiguan-ref1-2")).expect(html);
        assert!(first < second && second < again, "{html}");
        // Notes follow the text in the order they were referred to, though
        // [^a] was written first; each links back to its first mark.
        let note_1 = html.find("id=\"01-beiguan-fn1\"").expect(html);
        let note_2 = html.find("id=\"01-beiguan-fn2\"").expect(html);
        assert!(again < note_1 && note_1 < note_2, "{html}");
        assert!(html[note_1..note_2].contains("注释乙"), "{html}");
        assert!(html[note_2..].contains("注释甲"), "{html}");
        assert!(
            html[note_1..].contains("<a href=\"#01-beiguan-ref1\""),
            "{html}"
        );
        // Two reports on one issue page never share a footnote id.
        let other = render("正文[^b]。\n\n[^b]: 注释", "02-wenfeng").html;
        assert!(other.contains("id=\"02-wenfeng-fn1\""), "{other}");
    }

    #[test]
    fn odd_footnotes_lose_no_text_and_make_no_dead_links() {
        // A note inside another, a note never referred to, a label in
        // another case, a label defined twice, a slug with a quote.
        let out = render(
            "正文[^a]，又[^Big]。\n\n[^a]: 甲注。\n    > [^b]: 乙注嵌套。\n\n[^big]: 丙注。\n\n[^big]: 丙注重复。\n\n[^orphan]: 丁注。",
            "05-q\"x",
        );
        let html = &out.html;
        for text in ["甲注。", "乙注嵌套。", "丙注。", "丙注重复。", "丁注。"] {
            assert!(html.contains(text), "{text} lost: {html}");
        }
        let ids: Vec<&str> = html
            .split(" id=\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        let unique: std::collections::HashSet<&&str> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "repeated ids: {html}");
        for href in html.split(" href=\"#").skip(1) {
            let target = &href[..href.find('"').unwrap()];
            assert!(ids.contains(&target), "#{target} has no target: {html}");
        }
        assert!(ids.contains(&"05-q-x-fn2"), "{html}");
    }
}
