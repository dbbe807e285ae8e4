//! Recognition: the blocks of a document, whatever format they came from,
//! read as one issue — masthead, series line, contents, reports (title,
//! subtitle, body, credit), the 版记 — with every block accounted for:
//! written to a report or the issue file, skipped for a stated reason, or
//! listed under 存疑.

use std::collections::VecDeque;

use super::document::{add_skipped, runs_text, Block, Content, Document, Hints, Run};
use super::markup;
use super::masthead::{
    char_len, credit, issuing_line, parse_date, parse_number, print_run, split_trailing_date,
    squeeze,
};
use super::{ImportedIssue, ImportedReport};
use crate::content::gazetteer::{Gazetteer, Level, Resolution};

pub const FINAL: &str = "。！？";
/// Longer than any title the bulletin prints: a title line (at most 70
/// characters with the county) and a continuation (at most 30).
const MAX_TITLE_CHARS: usize = 100;
/// How much of a doubtful text the account quotes.
const QUOTE_CHARS: usize = 60;

pub fn is_section_start(text: &str) -> bool {
    crate::markdown::section_level(text).is_some()
}

pub fn is_contents_entry(text: &str) -> bool {
    text.starts_with(['*', '◇', '•', '●', '·', '◆', '□', '■'])
}

/// `县区：标题` where the part before the colon is a place.
pub fn title_parts(text: &str) -> Option<(String, String)> {
    let text = text.trim_start_matches('#').trim();
    if char_len(text) > 70 || text.ends_with(|c| FINAL.contains(c)) || is_contents_entry(text) {
        return None;
    }
    let (county, title) = text.split_once('：')?;
    let county = county.trim();
    if char_len(county) < 2 || char_len(county) > 14 {
        return None;
    }
    let known = matches!(Gazetteer::henan().resolve(county), Resolution::Found(_));
    if !known && !county.ends_with(['县', '区', '市']) {
        return None;
    }
    Some((county.to_string(), title.trim().to_string()))
}

fn starts_list(p: &str) -> Option<(List, &str)> {
    p.strip_prefix("送：")
        .map(|rest| (List::To, rest))
        .or_else(|| p.strip_prefix("发：").map(|rest| (List::Cc, rest)))
}

fn quote(text: &str) -> String {
    crate::text::excerpt(text, QUOTE_CHARS)
}

#[derive(Clone, Copy, PartialEq)]
enum List {
    To,
    Cc,
}

struct State {
    issue: ImportedIssue,
    report: Option<ImportedReport>,
    /// The open report's title may still continue on the next block.
    title_open: Option<Hints>,
    /// Inside the 版记: the list a wrapped line continues.
    list: Option<List>,
    in_masthead: bool,
    after_contents_entry: bool,
    /// The contents entries, for the spaces a title lost at a line break,
    /// each with where it had a space or a line break (counted in
    /// characters other than white space).
    contents: Vec<(String, Vec<usize>)>,
    /// Where each report's title (`县区：标题`) was broken without a space,
    /// counted the same way; the open report's last.
    title_breaks: Vec<Vec<usize>>,
    in_editor_note: bool,
    publisher_parts: Vec<String>,
    /// Footnote labels each report refers to, in order.
    notes_of: Vec<Vec<String>>,
    open_notes: Vec<String>,
}

impl State {
    fn count_in_report(&mut self, lines: usize) {
        self.issue.account.report_lines += lines;
    }

    fn count_in_issue(&mut self, lines: usize) {
        self.issue.account.issue_lines += lines;
    }

    fn skip(&mut self, reason: &'static str, lines: usize) {
        add_skipped(&mut self.issue.account.skipped, reason, lines);
    }

    fn doubt(&mut self, message: String, lines: usize) {
        self.issue.doubts.push(message);
        self.issue.account.doubtful_lines += lines;
    }

    fn close_report(&mut self) {
        if let Some(r) = self.report.take() {
            if r.supplier.is_none() {
                self.issue
                    .doubts
                    .push(format!("报告“{}：{}”没有找到供稿说明", r.county, r.title));
            }
            self.issue.reports.push(r);
            self.notes_of.push(std::mem::take(&mut self.open_notes));
        }
        self.title_open = None;
    }
}

/// Reads a document as an issue. `masthead_title` is the bulletin's name
/// as printed on the masthead (`代表工作`).
pub fn recognize(mut doc: Document, masthead_title: &str) -> ImportedIssue {
    let fallback = fallback_title(&doc.blocks);
    let mut state = State {
        issue: ImportedIssue {
            repairs: doc.repairs.clone(),
            ..ImportedIssue::default()
        },
        report: None,
        title_open: None,
        list: None,
        in_masthead: false,
        after_contents_entry: false,
        contents: Vec::new(),
        title_breaks: Vec::new(),
        in_editor_note: false,
        publisher_parts: Vec::new(),
        notes_of: Vec::new(),
        open_notes: Vec::new(),
    };
    state.issue.account.source_lines = doc.source_lines;
    state.issue.doubts.extend(doc.notes.iter().cloned());
    for s in &doc.skipped {
        state.skip(s.reason, s.lines);
    }
    let masthead_title = squeeze(masthead_title);
    let blocks = std::mem::take(&mut doc.blocks);
    let mut queue: VecDeque<(usize, Block)> = blocks.into_iter().enumerate().collect();
    while let Some((index, block)) = queue.pop_front() {
        if let Content::Table(rows) = &block.content {
            if state.report.is_none() || rows.len() == 1 && rows[0].len() == 1 {
                // A layout table (a masthead set in cells, a boxed text):
                // its paragraphs one by one.
                let mut front = Vec::new();
                for row in rows {
                    let mut lines = 1;
                    for paragraph in row.iter().flatten() {
                        if runs_text(paragraph).trim().is_empty() {
                            continue;
                        }
                        front.push((
                            index,
                            Block::paragraph(paragraph.clone(), lines, block.hints),
                        ));
                        lines = 0;
                    }
                }
                for item in front.into_iter().rev() {
                    queue.push_front(item);
                }
                continue;
            }
            state.title_open = None;
            let table = markup::table(rows, doc.extracted, &mut state.open_notes);
            state.count_in_report(block.lines);
            state
                .report
                .as_mut()
                .expect("checked")
                .paragraphs
                .push(table);
            continue;
        }
        let Content::Paragraph(runs) = &block.content else {
            unreachable!("tables handled above")
        };
        let text = markup::plain(runs);
        let p = text.trim();
        if p.is_empty() {
            state.skip("空白", block.lines);
            continue;
        }
        if fallback == Some(index) {
            start_fallback_report(&mut state, p, &queue);
            state.count_in_report(block.lines);
            continue;
        }
        recognize_paragraph(&mut state, &block, runs, p, &queue, &masthead_title, &doc);
    }
    state.close_report();
    if doc.extracted {
        restore_title_spaces(&mut state);
    }
    finish(state, std::mem::take(&mut doc.footnotes))
}

fn recognize_paragraph(
    state: &mut State,
    block: &Block,
    runs: &[Run],
    p: &str,
    queue: &VecDeque<(usize, Block)>,
    masthead_title: &str,
    doc: &Document,
) {
    let lines = block.lines;
    // The 版记: 送/发 lists, wrapped over several lines, then the issuing line.
    if let Some((which, rest)) = starts_list(p) {
        state.close_report();
        let rest = rest.trim().to_string();
        let target = match which {
            List::To => &mut state.issue.to,
            List::Cc => &mut state.issue.cc,
        };
        if target.is_some() {
            state.issue.doubts.push(format!(
                "版记中“{}：”出现了两次，后一处取代了前一处",
                if which == List::To { "送" } else { "发" }
            ));
        }
        *target = Some(rest);
        state.list = Some(which);
        state.count_in_issue(lines);
        return;
    }
    if state.report.is_none() || state.list.is_some() {
        if let Some(line) = issuing_line(p) {
            state.close_report();
            if let (Some(found), Some(date)) = (state.issue.date, line.date) {
                if found != date {
                    state.issue.doubts.push(format!(
                        "版记中的日期 {date} 与报头的日期 {found} 不同，用的是报头的"
                    ));
                }
            }
            state.issue.date = state.issue.date.or(line.date);
            state.issue.printer = Some(line.printer);
            state.issue.copies = line.copies.or(state.issue.copies);
            state.list = None;
            state.count_in_issue(lines);
            return;
        }
        if let Some(copies) = print_run(p).filter(|_| char_len(p) <= 12) {
            state.issue.copies = Some(copies);
            state.count_in_issue(lines);
            return;
        }
    }
    if let Some(which) = state.list {
        // A list wrapped at the margin: the line continues it.
        if credit(p).is_none() && title_parts(p).is_none() {
            let target = match which {
                List::To => &mut state.issue.to,
                List::Cc => &mut state.issue.cc,
            };
            target.get_or_insert_with(String::new).push_str(p);
            state.count_in_issue(lines);
            return;
        }
        state.list = None;
    }
    if let Some(supplier) = credit(p) {
        match state.report.as_mut() {
            Some(r) => {
                r.supplier = Some(supplier);
                state.count_in_report(lines);
            }
            None => state.doubt(format!("供稿说明“{p}”前面没有报告，未写入"), lines),
        }
        state.close_report();
        return;
    }
    if let Some((county, title)) = title_parts(p) {
        // A contents entry is a title followed by another title.
        let next_is_body = queue.front().is_some_and(|(_, n)| {
            let n = n.text();
            let n = n.trim();
            title_parts(n).is_none() && !is_contents_entry(n) && char_len(n) > 0
        });
        if state.report.is_none() && !next_is_body && state.issue.reports.is_empty() {
            state.skip("目录", lines);
            state.after_contents_entry = true;
            return;
        }
        state.close_report();
        state.report = Some(ImportedReport {
            county,
            title: markup::title_text(&title, doc.extracted),
            ..ImportedReport::default()
        });
        state.title_breaks.push(gaps(&runs_text(runs), 0));
        state.title_open = Some(block.hints);
        state.in_editor_note = false;
        state.count_in_report(lines);
        return;
    }
    if state.report.is_some() {
        report_paragraph(state, block, runs, p, doc);
        return;
    }
    if state.issue.reports.is_empty() {
        front_matter(state, block, p, masthead_title, doc);
    } else {
        state.doubt(
            format!("“{}”不属于任何报告（在供稿说明之后），未写入", quote(p)),
            lines,
        );
    }
}

/// A block inside a report: the title's second line, the subtitle, or body.
fn report_paragraph(state: &mut State, block: &Block, runs: &[Run], p: &str, doc: &Document) {
    let r = state.report.as_mut().expect("a report is open");
    if let Some(title_hints) = state.title_open {
        if r.paragraphs.is_empty() && r.subtitle.is_none() {
            if let Some(subtitle) = p
                .strip_prefix("——")
                .or_else(|| p.strip_prefix("--"))
                .or_else(|| p.strip_prefix('—'))
            {
                r.subtitle = Some(subtitle.trim().to_string());
                state.count_in_report(block.lines);
                return;
            }
        }
        // A title runs over two lines at most: a limit keeps a column of
        // short lines from growing one endless title. Where the reader
        // knows the layout, the second line is set like the first.
        let set_alike = title_hints == Hints::default()
            || (title_hints.centered == block.hints.centered
                && title_hints.looks_like_title() == block.hints.looks_like_title());
        let continues_title = r.paragraphs.is_empty()
            && r.subtitle.is_none()
            && set_alike
            && char_len(p) <= 30
            && char_len(&r.title) + char_len(p) <= MAX_TITLE_CHARS
            && !p.ends_with(|c| FINAL.contains(c))
            && !is_section_start(p);
        if continues_title {
            if !r.title.is_empty() {
                r.title.push(' ');
            }
            r.title.push_str(&markup::title_text(p, doc.extracted));
            state.count_in_report(block.lines);
            return;
        }
    }
    state.title_open = None;
    let paragraph = if doc.markdown {
        if doc.extracted {
            super::repair::drop_debris_spaces(p, false)
        } else {
            p.to_string()
        }
    } else {
        markup::paragraph(runs, doc.extracted, &mut state.open_notes)
    };
    if paragraph != p && doc.markdown && !state.issue.repairs.contains(&"去掉汉字之间多余的空格")
    {
        state.issue.repairs.push("去掉汉字之间多余的空格");
    }
    let r = state.report.as_mut().expect("a report is open");
    r.paragraphs.push(paragraph);
    state.count_in_report(block.lines);
}

/// Before the first report: masthead, series line, contents, editor's note.
fn front_matter(state: &mut State, block: &Block, p: &str, masthead_title: &str, doc: &Document) {
    let lines = block.lines;
    let squeezed = squeeze(p);
    if squeezed == masthead_title || squeezed == "代表工作" {
        state.in_masthead = true;
        state.count_in_issue(lines);
        return;
    }
    if let Some((number, total)) = parse_number(p) {
        state.issue.number = Some(number);
        state.issue.total = total.or(state.issue.total);
        state.count_in_issue(lines);
        return;
    }
    if let Some(date) = parse_date(p) {
        state.issue.date = Some(date);
        state.in_masthead = false;
        state.count_in_issue(lines);
        return;
    }
    if state.in_masthead {
        if let Some((publisher, date)) = split_trailing_date(p) {
            state.publisher_parts.push(publisher);
            state.issue.date = Some(date);
            state.in_masthead = false;
            state.count_in_issue(lines);
            return;
        }
    }
    // Only the block right after a contents entry can be its second line.
    let after_entry = std::mem::take(&mut state.after_contents_entry);
    if let Some(note) = squeezed.strip_prefix("编者按").map(|_| {
        p.trim_start_matches("编者按")
            .trim_start_matches(['：', ':'])
    }) {
        state.in_editor_note = true;
        if !note.trim().is_empty() {
            state.issue.editor_note.push(note.trim().to_string());
        }
        state.count_in_issue(lines);
        return;
    }
    if squeezed == "目录" || is_contents_entry(p) {
        state.skip("目录", lines);
        state.after_contents_entry = true;
        state.in_editor_note = false;
        if squeezed != "目录" {
            let raw = runs_text(block_runs(block));
            let entry = raw.trim_start_matches(|c: char| is_contents_entry(&c.to_string()));
            let marks = gaps(entry, 0);
            state
                .contents
                .push((markup::plain(&[Run::text(entry)]).trim().to_string(), marks));
        }
        return;
    }
    if after_entry && char_len(p) <= 40 && !p.ends_with(|c| FINAL.contains(c)) {
        // The second line of a contents entry that wrapped.
        state.skip("目录", lines);
        state.after_contents_entry = true;
        if let Some((entry, marks)) = state.contents.last_mut() {
            let at = squeeze(entry).chars().count();
            marks.push(at);
            marks.extend(gaps(&runs_text(block_runs(block)), at));
            entry.push_str(p);
        }
        return;
    }
    if state.in_editor_note {
        let text = if doc.extracted {
            super::repair::drop_debris_spaces(p, false)
        } else {
            p.to_string()
        };
        state.issue.editor_note.push(text);
        state.count_in_issue(lines);
        return;
    }
    let album_like = ["专辑", "专刊", "特刊"].iter().any(|w| p.contains(w));
    if album_like && state.issue.album.is_none() {
        state.issue.album = Some(p.to_string());
        state.count_in_issue(lines);
        return;
    }
    if let Some(album) = state.issue.album.as_mut() {
        // The series number wrapped onto a line of its own: `（二十一）`
        // after the name, or `十一）` after `…专辑（二`.
        let short = char_len(p) <= 8 && p.ends_with('）');
        let open = album
            .rfind('（')
            .is_some_and(|at| !album[at..].contains('）'));
        if short && (open || (p.starts_with('（') && !album.ends_with('）'))) {
            album.push_str(p);
            state.count_in_issue(lines);
            return;
        }
    }
    if state.in_masthead && state.issue.number.is_some() && state.issue.date.is_none() {
        state.publisher_parts.push(p.to_string());
        state.count_in_issue(lines);
        return;
    }
    state.doubt(
        format!("报头部分有一段没有识别：“{}”，未写入", quote(p)),
        lines,
    );
}

/// A document none of whose blocks reads as `县区：标题`: a single report
/// typed without its county. Its first block set like a title (bigger, a
/// heading, centred) and followed by body text becomes the title.
fn fallback_title(blocks: &[Block]) -> Option<usize> {
    let paragraphs: Vec<(usize, String, Hints)> = blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match &b.content {
            Content::Paragraph(runs) => Some((i, runs_text(runs).trim().to_string(), b.hints)),
            Content::Table(_) => None,
        })
        .filter(|(_, t, _)| !t.is_empty())
        .collect();
    if paragraphs.iter().any(|(_, t, _)| title_parts(t).is_some()) {
        return None;
    }
    if paragraphs.iter().any(|(_, t, _)| parse_number(t).is_some()) {
        return None;
    }
    let (position, (index, text, _)) = paragraphs.iter().enumerate().find(|(_, (_, t, h))| {
        (h.looks_like_title() || h.centered)
            && char_len(t) <= 70
            && !t.ends_with(|c| FINAL.contains(c))
            && credit(t).is_none()
    })?;
    let followed_by_body = paragraphs
        .get(position + 1)
        .is_some_and(|(_, t, _)| char_len(t) > 30);
    (followed_by_body && !text.is_empty()).then_some(*index)
}

fn start_fallback_report(state: &mut State, title: &str, queue: &VecDeque<(usize, Block)>) {
    let body: String = queue.iter().take(3).map(|(_, b)| b.text()).collect();
    let county = find_county(&body);
    let message = match &county {
        Some(c) => format!("标题“{title}”前面没有县区，按正文取为“{c}”，请核对"),
        None => format!("标题“{title}”前面没有县区，正文中也没有找到，请在报告中填写 county"),
    };
    state.issue.doubts.push(message);
    state.title_breaks.push(Vec::new());
    state.report = Some(ImportedReport {
        county: county.unwrap_or_else(|| "（请填写县区）".into()),
        title: title.to_string(),
        ..ImportedReport::default()
    });
    state.title_open = Some(Hints {
        centered: true,
        ..Hints::default()
    });
}

/// The first county of the gazetteer named in `text` (新蔡县 in
/// “驻马店新蔡县人大常委会…”).
fn find_county(text: &str) -> Option<String> {
    Gazetteer::henan()
        .divisions()
        .iter()
        .filter(|d| d.level == Level::County && char_len(&d.name) >= 2)
        .filter_map(|d| text.find(&d.name).map(|at| (at, d.name.clone())))
        .min_by_key(|(at, name)| (*at, usize::MAX - name.len()))
        .map(|(_, name)| name)
}

fn block_runs(block: &Block) -> &[Run] {
    match &block.content {
        Content::Paragraph(runs) => runs,
        Content::Table(_) => &[],
    }
}

/// Where `text` has white space or a soft line break, counted in the
/// other characters, plus `offset`.
fn gaps(text: &str, offset: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut count = offset;
    for c in text.chars() {
        if c.is_whitespace() || c == super::document::SOFT_BREAK {
            if out.last() != Some(&count) {
                out.push(count);
            }
        } else {
            count += 1;
        }
    }
    out
}

/// A space lost at a line break: a title and its contents entry wrap at
/// different places, so where either has a space, the title has one; and
/// where both break at the same place, a space was there (the layout broke
/// both at it).
fn restore_title_spaces(state: &mut State) {
    for (index, report) in state.issue.reports.iter_mut().enumerate() {
        let full = format!("{}：{}", report.county, report.title);
        let Some((entry, entry_marks)) = state
            .contents
            .iter()
            .find(|(e, _)| squeeze(e) == squeeze(&full))
        else {
            continue;
        };
        let title_breaks = state.title_breaks.get(index).cloned().unwrap_or_default();
        let shared: Vec<usize> = title_breaks
            .into_iter()
            .filter(|b| entry_marks.contains(b))
            .collect();
        let entry = with_spaces_at(entry, &shared);
        let merged = merge_spaces(&full, &entry);
        if let Some((_, title)) = merged.split_once('：') {
            report.title = title.trim().to_string();
        }
    }
}

/// `text` with a space before the non-white characters at `positions`.
fn with_spaces_at(text: &str, positions: &[usize]) -> String {
    let mut out = String::with_capacity(text.len() + positions.len());
    let mut count = 0;
    for c in text.chars() {
        if !c.is_whitespace() {
            if positions.contains(&count) && !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            count += 1;
        }
        out.push(c);
    }
    out
}

/// `a` with the spaces of `b` added, where both are the same text but for
/// spaces.
fn merge_spaces(a: &str, b: &str) -> String {
    let mut out = String::with_capacity(a.len() + 8);
    let mut others = b.chars().peekable();
    for c in a.chars() {
        if c.is_whitespace() {
            out.push(c);
            while others.peek().is_some_and(|o| o.is_whitespace()) {
                others.next();
            }
            continue;
        }
        let mut spaced = false;
        while others.peek().is_some_and(|o| o.is_whitespace()) {
            others.next();
            spaced = true;
        }
        if spaced && !out.ends_with(char::is_whitespace) && !out.is_empty() {
            out.push(' ');
        }
        others.next();
        out.push(c);
    }
    out
}

fn finish(mut state: State, footnotes: Vec<(String, Vec<Run>)>) -> ImportedIssue {
    let mut issue = std::mem::take(&mut state.issue);
    if !state.publisher_parts.is_empty() {
        issue.publisher = Some(state.publisher_parts.concat());
    }
    let mut used = vec![false; footnotes.len()];
    for (report, labels) in issue.reports.iter_mut().zip(&state.notes_of) {
        for label in labels {
            if let Some(at) = footnotes.iter().position(|(l, _)| l == label) {
                if !used[at] {
                    used[at] = true;
                    let text = markup::paragraph(&footnotes[at].1, false, &mut Vec::new());
                    report.paragraphs.push(format!("[^{label}]: {text}"));
                    issue.account.report_lines += 1;
                }
            }
        }
    }
    for ((_, runs), used) in footnotes.iter().zip(used) {
        if !used {
            issue.doubts.push(format!(
                "脚注“{}”不在任何报告中，未写入",
                quote(&runs_text(runs))
            ));
            issue.account.doubtful_lines += 1;
        }
    }
    if issue.number.is_none() || issue.date.is_none() {
        issue.doubts.push("没有找到报头（期号和日期）".into());
    }
    issue
}
