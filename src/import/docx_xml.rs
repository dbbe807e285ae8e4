//! WordprocessingML read as events (quick-xml): styles and numbering
//! definitions, then a body or a footnotes part into paragraphs of runs
//! and tables. Streaming, with no recursion, so nesting depth costs
//! nothing; what is deleted (tracked changes), hidden, a field's code or a
//! fallback copy of a text box is left out.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::document::{Block, Content, Hints, Run};
use super::source::ReadError;

const W_NAMESPACES: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];

/// Element and attribute names of WordprocessingML, under the prefix the
/// part binds its namespace to (`w` by every writer seen, but only by
/// custom).
struct Names {
    prefix: String,
}

impl Names {
    fn from_root(root: &BytesStart) -> Names {
        let prefix = root
            .attributes()
            .with_checks(false)
            .flatten()
            .find_map(|a| {
                let key = a.key.as_ref().to_string();
                let value = a.value.as_ref();
                (W_NAMESPACES.contains(&value))
                    .then(|| key.strip_prefix("xmlns:").map(str::to_string))
                    .flatten()
            })
            .unwrap_or_else(|| "w".into());
        Names { prefix }
    }

    /// The local name of a WordprocessingML element; other namespaces'
    /// elements answer with their full name (`mc:Fallback`, `a:t`).
    fn local<'a>(&self, qname: &'a str) -> &'a str {
        match qname.split_once(':') {
            Some((p, local)) if p == self.prefix => local,
            _ => qname,
        }
    }

    fn attr(&self, e: &BytesStart, name: &str) -> Option<String> {
        let key = format!("{}:{name}", self.prefix);
        e.try_get_attribute(key.as_str())
            .ok()
            .flatten()
            .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
            .map(|v| v.into_owned())
    }

    /// `w:val` read as a switch (`<w:b/>`, `<w:b w:val="0"/>`).
    fn on(&self, e: &BytesStart) -> bool {
        !matches!(
            self.attr(e, "val").as_deref(),
            Some("0" | "false" | "off" | "none")
        )
    }
}

fn xml_error(part: &str, err: impl std::fmt::Display) -> ReadError {
    ReadError::Corrupt(format!("{part} 的 XML 有误：{err}"))
}

/// Reads the events of `xml`, calling `on` with each start (`Some(true)`
/// for an element with content, `Some(false)` for an empty one), each end
/// (`None` with the element's name) and each piece of text.
fn walk(xml: &str, part: &str, mut on: impl FnMut(&Names, Item<'_>)) -> Result<(), ReadError> {
    let mut reader = Reader::from_str(xml);
    let mut names: Option<Names> = None;
    loop {
        let event = reader.read_event().map_err(|e| xml_error(part, e))?;
        match event {
            Event::Start(e) | Event::Empty(e) if names.is_none() => {
                let n = Names::from_root(&e);
                on(&n, Item::Start(&e, true));
                names = Some(n);
            }
            Event::Start(e) => on(names.as_ref().expect("root"), Item::Start(&e, true)),
            Event::Empty(e) => {
                let n = names.as_ref().expect("root");
                on(n, Item::Start(&e, false));
                let name = e.name();
                on(n, Item::End(n.local(name.as_ref())));
            }
            Event::End(e) => {
                if let Some(n) = names.as_ref() {
                    let name = e.name();
                    on(n, Item::End(n.local(name.as_ref())));
                }
            }
            Event::Text(t) => {
                if let Some(n) = names.as_ref() {
                    on(n, Item::Text(&xml_chars(&t.xml10_content())));
                }
            }
            Event::CData(t) => {
                if let Some(n) = names.as_ref() {
                    on(n, Item::Text(&xml_chars(&t.into_inner())));
                }
            }
            Event::GeneralRef(r) => {
                let text = if r.is_char_ref() {
                    r.resolve_char_ref()
                        .ok()
                        .flatten()
                        .map(String::from)
                        .unwrap_or_default()
                } else {
                    quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                        .unwrap_or("")
                        .to_string()
                };
                if let Some(n) = names.as_ref() {
                    on(n, Item::Text(&xml_chars(&text)));
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// The text without the characters XML 1.0 does not allow (C0 controls
/// other than tab and line breaks, U+FFFE, U+FFFF), which quick-xml passes
/// through: a file some writer let them into would otherwise be imported
/// as one `jianbao build` refuses as binary (a NUL), or carry invisible
/// characters into the site.
fn xml_chars(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    if text.chars().all(allowed) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

enum Item<'a> {
    /// An element opens; `true` when it has content.
    Start(&'a BytesStart<'a>, bool),
    End(&'a str),
    Text(&'a str),
}

// ------------------------------------------------------------------ styles

#[derive(Debug, Clone, Default)]
struct Style {
    based_on: Option<String>,
    bold: Option<bool>,
    size: Option<u32>,
    heading: bool,
    align: Option<String>,
    numbering: Option<(String, usize)>,
}

#[derive(Debug, Default)]
pub struct Styles {
    by_id: HashMap<String, Style>,
    default_paragraph: Option<String>,
    /// Half-points; 21 (10.5 pt, 五号) when the part says nothing.
    pub default_size: u32,
}

impl Styles {
    pub fn parse(xml: &str) -> Result<Styles, ReadError> {
        let mut styles = Styles {
            default_size: 21,
            ..Styles::default()
        };
        let mut current: Option<(String, Style)> = None;
        let mut in_defaults = false;
        walk(xml, "styles.xml", |n, item| match item {
            Item::Start(e, _) => {
                let name = e.name();
                match n.local(name.as_ref()) {
                    "style" => {
                        let id = n.attr(e, "styleId").unwrap_or_default();
                        if n.attr(e, "type").as_deref() == Some("paragraph")
                            && n.attr(e, "default")
                                .is_some_and(|d| d == "1" || d == "true")
                        {
                            styles.default_paragraph = Some(id.clone());
                        }
                        current = Some((id, Style::default()));
                    }
                    "rPrDefault" => in_defaults = true,
                    "sz" if in_defaults => {
                        if let Some(size) = n.attr(e, "val").and_then(|v| v.parse().ok()) {
                            styles.default_size = size;
                        }
                    }
                    local => {
                        if let Some((_, style)) = current.as_mut() {
                            match local {
                                "name" => {
                                    let name = n.attr(e, "val").unwrap_or_default().to_lowercase();
                                    style.heading |= name.starts_with("heading")
                                        || name == "title"
                                        || name.starts_with("标题");
                                }
                                "basedOn" => style.based_on = n.attr(e, "val"),
                                "outlineLvl" => {
                                    style.heading |= n
                                        .attr(e, "val")
                                        .and_then(|v| v.parse::<u32>().ok())
                                        .is_some_and(|l| l < 9)
                                }
                                "b" => style.bold = Some(n.on(e)),
                                "sz" => style.size = n.attr(e, "val").and_then(|v| v.parse().ok()),
                                "jc" => style.align = n.attr(e, "val"),
                                "numId" => {
                                    let level = style.numbering.as_ref().map_or(0, |(_, l)| *l);
                                    style.numbering = n.attr(e, "val").map(|id| (id, level));
                                }
                                "ilvl" => {
                                    if let Some(level) =
                                        n.attr(e, "val").and_then(|v| v.parse().ok())
                                    {
                                        let id = style.numbering.take().map(|(id, _)| id);
                                        style.numbering = Some((id.unwrap_or_default(), level));
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
            Item::End("style") => {
                if let Some((id, style)) = current.take() {
                    styles.by_id.insert(id, style);
                }
            }
            Item::End("rPrDefault") => in_defaults = false,
            _ => {}
        })?;
        Ok(styles)
    }

    /// A style with what it inherits filled in.
    fn resolved(&self, id: Option<&str>) -> Style {
        let mut out = Style::default();
        let mut next = id
            .map(str::to_string)
            .or_else(|| self.default_paragraph.clone());
        for _ in 0..16 {
            let Some(style) = next.as_ref().and_then(|id| self.by_id.get(id)) else {
                break;
            };
            out.bold = out.bold.or(style.bold);
            out.size = out.size.or(style.size);
            out.heading |= style.heading;
            out.align = out.align.or_else(|| style.align.clone());
            out.numbering = out.numbering.or_else(|| style.numbering.clone());
            next = style.based_on.clone();
        }
        out
    }
}

// --------------------------------------------------------------- numbering

#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

#[derive(Debug, Default)]
pub struct Numbering {
    abstracts: HashMap<String, HashMap<usize, Level>>,
    /// numId → (abstractNumId, start overrides by level).
    nums: HashMap<String, (String, HashMap<usize, u32>)>,
}

impl Numbering {
    pub fn parse(xml: &str) -> Result<Numbering, ReadError> {
        let mut numbering = Numbering::default();
        let mut abstract_id: Option<String> = None;
        let mut level: Option<(usize, Level)> = None;
        let mut num: Option<(String, String, HashMap<usize, u32>)> = None;
        let mut override_level: Option<usize> = None;
        walk(xml, "numbering.xml", |n, item| match item {
            Item::Start(e, _) => {
                let name = e.name();
                let value = || n.attr(e, "val").unwrap_or_default();
                match n.local(name.as_ref()) {
                    "abstractNum" => abstract_id = n.attr(e, "abstractNumId"),
                    "lvl" if num.is_none() => {
                        let ilvl = n.attr(e, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                        level = Some((
                            ilvl,
                            Level {
                                start: 1,
                                ..Level::default()
                            },
                        ));
                    }
                    "start" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.start = value().parse().unwrap_or(1);
                        }
                    }
                    "numFmt" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.format = value();
                        }
                    }
                    "lvlText" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.text = value();
                        }
                    }
                    "num" => {
                        num = Some((
                            n.attr(e, "numId").unwrap_or_default(),
                            String::new(),
                            HashMap::new(),
                        ))
                    }
                    "abstractNumId" => {
                        if let Some((_, a, _)) = num.as_mut() {
                            *a = value();
                        }
                    }
                    "lvlOverride" => {
                        override_level = n.attr(e, "ilvl").and_then(|v| v.parse().ok())
                    }
                    "startOverride" => {
                        if let (Some((_, _, overrides)), Some(l)) = (num.as_mut(), override_level) {
                            overrides.insert(l, value().parse().unwrap_or(1));
                        }
                    }
                    _ => {}
                }
            }
            Item::End("lvl") => {
                if let (Some(id), Some((ilvl, l))) = (abstract_id.as_ref(), level.take()) {
                    numbering
                        .abstracts
                        .entry(id.clone())
                        .or_default()
                        .insert(ilvl, l);
                }
            }
            Item::End("num") => {
                if let Some((id, a, overrides)) = num.take() {
                    numbering.nums.insert(id, (a, overrides));
                }
            }
            _ => {}
        })?;
        Ok(numbering)
    }

    fn level(&self, num: &str, ilvl: usize) -> Option<(&Level, Option<u32>)> {
        let (abstract_id, overrides) = self.nums.get(num)?;
        let level = self.abstracts.get(abstract_id)?.get(&ilvl)?;
        Some((level, overrides.get(&ilvl).copied()))
    }
}

fn format_number(n: u32, format: &str) -> String {
    const GAN: [&str; 10] = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];
    let letters = |base: u8| -> String {
        let count = (n.max(1) - 1) / 26 + 1;
        let letter = (base + ((n.max(1) - 1) % 26) as u8) as char;
        std::iter::repeat_n(letter, count as usize).collect()
    };
    match format {
        f if f.contains("Counting") || f == "ideographDigital" => crate::text::chinese_numeral(n),
        "ideographTraditional" => GAN[((n.max(1) - 1) % 10) as usize].to_string(),
        f if f.starts_with("decimalEnclosedCircle") && (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1)
                .map(String::from)
                .unwrap_or_default()
        }
        "upperLetter" => letters(b'A'),
        "lowerLetter" => letters(b'a'),
        "upperRoman" | "lowerRoman" => {
            let mut out = String::new();
            let mut rest = n;
            for (value, digits) in [
                (1000, "M"),
                (900, "CM"),
                (500, "D"),
                (400, "CD"),
                (100, "C"),
                (90, "XC"),
                (50, "L"),
                (40, "XL"),
                (10, "X"),
                (9, "IX"),
                (5, "V"),
                (4, "IV"),
                (1, "I"),
            ] {
                while rest >= value {
                    out.push_str(digits);
                    rest -= value;
                }
            }
            if format == "lowerRoman" {
                out.to_lowercase()
            } else {
                out
            }
        }
        _ => n.to_string(),
    }
}

/// The label automatic numbering puts before paragraphs, counted in
/// document order.
#[derive(Default)]
struct Counters {
    by_num: HashMap<String, [Option<u32>; 9]>,
}

impl Counters {
    fn label(&mut self, numbering: &Numbering, num: &str, ilvl: usize) -> Option<String> {
        let ilvl = ilvl.min(8);
        let (level, start_override) = numbering.level(num, ilvl)?;
        if matches!(level.format.as_str(), "bullet" | "none") {
            return None;
        }
        let counters = self.by_num.entry(num.to_string()).or_default();
        let start = start_override.unwrap_or(level.start);
        counters[ilvl] = Some(counters[ilvl].map_or(start, |c| c + 1));
        for deeper in counters.iter_mut().skip(ilvl + 1) {
            *deeper = None;
        }
        let values = *counters;
        let mut text = level.text.clone();
        for k in (1..=9).rev() {
            let placeholder = format!("%{k}");
            if text.contains(&placeholder) {
                let value = values[k - 1].unwrap_or(1);
                let format = numbering
                    .level(num, k - 1)
                    .map_or("decimal", |(l, _)| l.format.as_str());
                text = text.replace(&placeholder, &format_number(value, format));
            }
        }
        Some(text)
    }
}

// -------------------------------------------------------------------- body

#[derive(Default)]
struct RunState {
    bold: Option<bool>,
    style: Option<String>,
    size: Option<u32>,
    hidden: bool,
    text: String,
    in_properties: bool,
}

#[derive(Default)]
struct ParagraphState {
    style: Option<String>,
    align: Option<String>,
    numbering: (Option<String>, Option<usize>),
    heading: bool,
    in_properties: bool,
    runs: Vec<Run>,
    /// Characters set in each size (half-points).
    sizes: HashMap<u32, usize>,
    run: Option<RunState>,
}

#[derive(Default)]
struct TableState {
    rows: Vec<Vec<Vec<Vec<Run>>>>,
    row: Option<Vec<Vec<Vec<Run>>>>,
    cell: Option<Vec<Vec<Run>>>,
    sizes: HashMap<u32, usize>,
}

/// What a part holds: blocks with the size (half-points) most of their
/// text is set in, and notes by label.
#[derive(Default)]
pub struct Parsed {
    pub blocks: Vec<(Block, u32)>,
    pub notes: Vec<(String, Vec<Run>)>,
}

/// Parses a body (`document.xml`) or a notes part; `note_prefix` is put
/// before the notes' labels (endnotes are `e1`, `e2`…).
pub fn parse(
    xml: &str,
    styles: &Styles,
    numbering: &Numbering,
    note_prefix: &str,
) -> Result<Parsed, ReadError> {
    let mut out = Parsed::default();
    let mut paragraphs: Vec<ParagraphState> = Vec::new();
    let mut tables: Vec<TableState> = Vec::new();
    let mut counters = Counters::default();
    let mut in_text = false;
    // Depth inside an element whose content is left out.
    let mut skipping = 0usize;
    let mut note: Option<(String, Vec<Run>)> = None;
    walk(xml, "document.xml", |n, item| {
        match item {
            Item::Start(e, has_content) => {
                let name = e.name();
                let local = n.local(name.as_ref());
                // An empty element's end comes too: count every start.
                let _ = has_content;
                if skipping > 0 {
                    skipping += 1;
                    return;
                }
                let skipped = matches!(
                    local,
                    "del" | "moveFrom" | "instrText" | "delText" | "footnoteRef" | "endnoteRef"
                ) || local.ends_with(":Fallback");
                if skipped {
                    skipping = 1;
                    return;
                }
                start(
                    n,
                    e,
                    local,
                    &mut paragraphs,
                    &mut tables,
                    &mut note,
                    &mut in_text,
                    note_prefix,
                );
            }
            Item::End(local) => {
                if skipping > 0 {
                    skipping -= 1;
                    return;
                }
                end(
                    local,
                    styles,
                    numbering,
                    &mut counters,
                    &mut paragraphs,
                    &mut tables,
                    &mut note,
                    &mut in_text,
                    &mut out,
                );
            }
            Item::Text(text) => {
                if skipping == 0 && in_text {
                    if let Some(run) = paragraphs.last_mut().and_then(|p| p.run.as_mut()) {
                        run.text.push_str(text);
                    }
                }
            }
        }
    })?;
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn start(
    n: &Names,
    e: &BytesStart,
    local: &str,
    paragraphs: &mut Vec<ParagraphState>,
    tables: &mut Vec<TableState>,
    note: &mut Option<(String, Vec<Run>)>,
    in_text: &mut bool,
    note_prefix: &str,
) {
    match local {
        "p" => paragraphs.push(ParagraphState::default()),
        "tbl" => tables.push(TableState::default()),
        "tr" => {
            if let Some(t) = tables.last_mut() {
                t.row = Some(Vec::new());
            }
        }
        "tc" => {
            if let Some(t) = tables.last_mut() {
                t.cell = Some(Vec::new());
            }
        }
        "footnote" | "endnote" => {
            let kind = n.attr(e, "type").unwrap_or_default();
            if kind.is_empty() || kind == "normal" {
                let id = n.attr(e, "id").unwrap_or_default();
                *note = Some((format!("{note_prefix}{id}"), Vec::new()));
            }
        }
        _ => {}
    }
    let Some(p) = paragraphs.last_mut() else {
        return;
    };
    if let Some(run) = p.run.as_mut() {
        match local {
            "rPr" => run.in_properties = true,
            "b" if run.in_properties => run.bold = Some(n.on(e)),
            "rStyle" if run.in_properties => run.style = n.attr(e, "val"),
            "sz" if run.in_properties => run.size = n.attr(e, "val").and_then(|v| v.parse().ok()),
            "vanish" | "specVanish" if run.in_properties => run.hidden = n.on(e),
            "t" => *in_text = true,
            "tab" if !run.in_properties => run.text.push('\t'),
            "br" | "cr" => run.text.push('\n'),
            "noBreakHyphen" => run.text.push('-'),
            "sym" => {
                if let Some(c) = n
                    .attr(e, "char")
                    .and_then(|h| u32::from_str_radix(&h, 16).ok())
                    .and_then(char::from_u32)
                {
                    run.text.push(c);
                }
            }
            "footnoteReference" | "endnoteReference" => {
                let prefix = if local == "endnoteReference" { "e" } else { "" };
                let id = n.attr(e, "id").unwrap_or_default();
                let bold = run.bold.unwrap_or(false);
                flush_run(p, None);
                p.runs.push(Run {
                    text: format!("{prefix}{id}"),
                    bold,
                    note: true,
                });
                p.run = Some(RunState::default());
            }
            _ => {}
        }
        return;
    }
    match local {
        "pPr" => p.in_properties = true,
        "r" => p.run = Some(RunState::default()),
        "pStyle" if p.in_properties => p.style = n.attr(e, "val"),
        "jc" if p.in_properties => p.align = n.attr(e, "val"),
        "numId" if p.in_properties => p.numbering.0 = n.attr(e, "val"),
        "ilvl" if p.in_properties => p.numbering.1 = n.attr(e, "val").and_then(|v| v.parse().ok()),
        "outlineLvl" if p.in_properties => {
            p.heading |= n
                .attr(e, "val")
                .and_then(|v| v.parse::<u32>().ok())
                .is_some_and(|l| l < 9)
        }
        _ => {}
    }
}

/// Ends the paragraph's open run, resolving its weight through styles.
fn flush_run(p: &mut ParagraphState, styles: Option<&Styles>) {
    let Some(run) = p.run.take() else {
        return;
    };
    if run.hidden || run.text.is_empty() {
        return;
    }
    let (style_bold, style_size) = match styles {
        Some(styles) => {
            let character = run.style.as_deref().map(|s| styles.resolved(Some(s)));
            let paragraph = styles.resolved(p.style.as_deref());
            (
                character.as_ref().and_then(|c| c.bold).or(paragraph.bold),
                character.and_then(|c| c.size).or(paragraph.size),
            )
        }
        None => (None, None),
    };
    let bold = run.bold.or(style_bold).unwrap_or(false);
    let size = run.size.or(style_size).unwrap_or(0);
    *p.sizes.entry(size).or_default() += run.text.chars().count();
    match p.runs.last_mut() {
        Some(last) if !last.note && last.bold == bold => last.text.push_str(&run.text),
        _ => p.runs.push(Run {
            text: run.text,
            bold,
            note: false,
        }),
    }
}

fn dominant(sizes: &HashMap<u32, usize>) -> u32 {
    sizes
        .iter()
        .max_by_key(|(size, count)| (**count, **size))
        .map_or(0, |(size, _)| *size)
}

#[allow(clippy::too_many_arguments)]
fn end(
    local: &str,
    styles: &Styles,
    numbering: &Numbering,
    counters: &mut Counters,
    paragraphs: &mut Vec<ParagraphState>,
    tables: &mut Vec<TableState>,
    note: &mut Option<(String, Vec<Run>)>,
    in_text: &mut bool,
    out: &mut Parsed,
) {
    match local {
        "t" => *in_text = false,
        "rPr" => {
            if let Some(run) = paragraphs.last_mut().and_then(|p| p.run.as_mut()) {
                run.in_properties = false;
            }
        }
        "pPr" => {
            if let Some(p) = paragraphs.last_mut() {
                p.in_properties = false;
            }
        }
        "r" => {
            if let Some(p) = paragraphs.last_mut() {
                flush_run(p, Some(styles));
            }
        }
        "p" => {
            let Some(mut p) = paragraphs.pop() else {
                return;
            };
            flush_run(&mut p, Some(styles));
            let style = styles.resolved(p.style.as_deref());
            let numbered = match (&p.numbering.0, &style.numbering) {
                (Some(id), _) => Some((id.clone(), p.numbering.1.unwrap_or(0))),
                (None, Some((id, level))) => Some((id.clone(), p.numbering.1.unwrap_or(*level))),
                _ => None,
            };
            if let Some(label) = numbered
                .filter(|(id, _)| id != "0")
                .and_then(|(id, level)| counters.label(numbering, &id, level))
            {
                let bold = p.runs.first().is_some_and(|r| r.bold);
                p.runs.insert(
                    0,
                    Run {
                        text: label,
                        bold,
                        note: false,
                    },
                );
            }
            let align = p.align.clone().or(style.align);
            let hints = Hints {
                centered: align.as_deref() == Some("center"),
                right_aligned: matches!(align.as_deref(), Some("right" | "end")),
                size: 0.0,
                heading: p.heading || style.heading,
            };
            let has_text = p.runs.iter().any(|r| !r.text.trim().is_empty() || r.note);
            if let Some((_, runs)) = note.as_mut() {
                if has_text {
                    if !runs.is_empty() {
                        runs.push(Run::text(" "));
                    }
                    runs.extend(p.runs);
                }
            } else if let Some(table) = tables.last_mut().filter(|t| t.cell.is_some()) {
                if has_text {
                    for (size, count) in p.sizes {
                        *table.sizes.entry(size).or_default() += count;
                    }
                    table.cell.as_mut().expect("checked").push(p.runs);
                }
            } else if has_text {
                let size = dominant(&p.sizes);
                out.blocks.push((Block::paragraph(p.runs, 1, hints), size));
            }
        }
        "tc" => {
            if let Some(t) = tables.last_mut() {
                if let (Some(cell), Some(row)) = (t.cell.take(), t.row.as_mut()) {
                    row.push(cell);
                }
            }
        }
        "tr" => {
            if let Some(t) = tables.last_mut() {
                if let Some(row) = t.row.take() {
                    t.rows.push(row);
                }
            }
        }
        "tbl" => {
            let Some(table) = tables.pop() else {
                return;
            };
            let filled = |row: &Vec<Vec<Vec<Run>>>| {
                row.iter()
                    .flatten()
                    .any(|p| p.iter().any(|r| !r.text.trim().is_empty()))
            };
            if let Some(outer) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                // A table inside a cell: its paragraphs join the cell.
                outer.extend(table.rows.into_iter().flatten().flatten());
                return;
            }
            let lines = table.rows.iter().filter(|r| filled(r)).count();
            if lines > 0 {
                let size = dominant(&table.sizes);
                out.blocks.push((
                    Block {
                        content: Content::Table(table.rows),
                        lines,
                        hints: Hints::default(),
                    },
                    size,
                ));
            }
        }
        "footnote" | "endnote" => {
            if let Some(done) = note.take() {
                out.notes.push(done);
            }
        }
        _ => {}
    }
}
