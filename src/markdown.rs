//! Markdown to safe HTML. Editors paste from word processors, so raw HTML
//! is allowed in and then sanitised: formatting survives, scripts, event
//! handlers and foreign frames do not.

use std::sync::OnceLock;

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// The text without markup, one paragraph per line.
    pub plain: String,
}

pub fn render(markdown: &str) -> Rendered {
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
    html::push_html(&mut raw_html, events.into_iter());
    Rendered {
        html: sanitizer().clean(&raw_html).to_string(),
        plain: plain.trim_end().to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_paragraphs_get_a_run_in_lead() {
        let out =
            render("一、运行机制求规范。一是统一编组进站。\n\n（二）第二层。正文。\n\n普通段落。");
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
        let out = render("<script>alert(1)</script>\n\n<a href=\"javascript:alert(1)\" onclick=\"x()\">链接</a> <iframe src=\"https://evil.example/\"></iframe> <b>加粗</b>");
        assert!(!out.html.contains("<script"), "{}", out.html);
        assert!(!out.html.contains("javascript:"), "{}", out.html);
        assert!(!out.html.contains("onclick"), "{}", out.html);
        assert!(!out.html.contains("<iframe"), "{}", out.html);
        assert!(out.html.contains("<b>加粗</b>"), "{}", out.html);
    }

    #[test]
    fn soft_breaks_add_no_space_between_chinese_lines() {
        assert_eq!(render("代表\n联络站").html.trim(), "<p>代表联络站</p>");
    }

    #[test]
    fn tables_and_footnotes_render() {
        let out = render("| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n正文[^1]\n\n[^1]: 注释");
        assert!(out.html.contains("<table>"));
        assert!(out.html.contains("footnote"));
    }
}
