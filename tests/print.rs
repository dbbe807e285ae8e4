//! `jianbao pdf`: the repository's sample archive printed to PDF with the
//! real headless Chromium, and the PDFs read back with poppler-utils
//! (pdfinfo, pdffonts, pdftotext, pdftoppm) run as processes.
//!
//! Printing takes seconds, so the whole archive is printed once per test
//! binary (`printed()`), and every check reads that one output. That copy
//! has no `themes/` folder: it prints with the theme built into the binary,
//! as a new site does.
//!
//! Measures are in PDF points (1/72 in); pdftotext and pdftoppm put y = 0 at
//! the top of the page. The type area (版心) is A4 less the margins of
//! print.css: 37 mm at the top, 35 mm at the foot, 28 mm left, 26 mm right.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use common::{
    attribute_values, copy_dir, jianbao, jianbao_in, percent_decode, read_output, shared_temp_dir,
    temp_dir, Run,
};
use tempfile::TempDir;

const MM: f64 = 72.0 / 25.4;
const A4_WIDTH: f64 = 595.0;
const A4_HEIGHT: f64 = 842.0;
/// Top of the type area: 37 mm = 104.9 pt.
const TYPE_TOP: f64 = 37.0 * MM;
/// Foot of the type area: 842 − 35 mm = 742.7 pt.
const TYPE_BOTTOM: f64 = 841.92 - 35.0 * MM;
/// The page's vertical centre line: numbers of odd pages lie right of it,
/// those of even pages left of it.
const MIDDLE: f64 = 297.0;
/// Grid lines of a full page.
const LINES_PER_PAGE: usize = 22;

const PUBLISHER: &str = "河南省人大常委会代表工作委员会";

/// What the sample archive says about each issue.
struct Issue {
    year: i32,
    number: u32,
    date: &'static str,
    /// The issuing line's unit, “……印发”.
    issuer: &'static str,
    copies: Option<&'static str>,
}

const ISSUES: [Issue; 2] = [
    Issue {
        year: 2024,
        number: 13,
        date: "2024年5月14日",
        issuer: "河南省人大常委会选举任免代表联络工作委员会印发",
        copies: Some("共印 60 份"),
    },
    Issue {
        year: 2024,
        number: 27,
        date: "2024年7月15日",
        issuer: "河南省人大常委会代表工作委员会印发",
        copies: None,
    },
];

impl Issue {
    fn label(&self) -> String {
        format!("{}/{:02}", self.year, self.number)
    }

    fn folder(&self) -> String {
        format!("{}/{:02}", self.year, self.number)
    }

    fn pdf_name(&self) -> String {
        format!("代表工作-{}-第{:02}期.pdf", self.year, self.number)
    }

    /// “第 13 期” with the white space squeezed out, as compared.
    fn number_label(&self) -> String {
        format!("第{}期", self.number)
    }
}

/// The sample archive, printed by `jianbao pdf --all`.
struct Printed {
    dir: TempDir,
    run: Run,
}

impl Printed {
    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn pdf(&self, issue: &Issue) -> PathBuf {
        self.out().join(issue.folder()).join(issue.pdf_name())
    }

    fn print_page(&self, issue: &Issue) -> PathBuf {
        self.out().join(issue.folder()).join("print.html")
    }
}

static PRINTED: OnceLock<Printed> = OnceLock::new();

/// Copies the repository's `site.toml` and `content/`, without `themes/`
/// (the binary's built-in theme prints it, as for any new site), to
/// `<dir>/site`, so that nothing touches the repository itself.
fn copy_sample(dir: &Path) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = dir.join("site");
    copy_dir(&repo.join("content"), &root.join("content"));
    std::fs::copy(repo.join("site.toml"), root.join("site.toml")).unwrap();
    root
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn printed() -> &'static Printed {
    PRINTED.get_or_init(|| {
        let dir = shared_temp_dir();
        copy_sample(dir.path());
        let run = jianbao_in(
            dir.path(),
            &args(&["pdf", "--root", "site", "--out", "out", "--all"]),
        );
        run.expect_code(0);
        Printed { dir, run }
    })
}

// ---------------------------------------------------------------------------
// Running the tools

/// Runs a tool to completion; its standard output, or a panic naming the
/// command and what it wrote to standard error.
fn output_of(command: &mut Command) -> Vec<u8> {
    let shown = format!("{command:?}");
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|err| panic!("cannot run {shown} (is poppler-utils installed?): {err}"));
    assert!(
        output.status.success(),
        "{shown} failed ({})\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn text_of(command: &mut Command) -> String {
    String::from_utf8(output_of(command)).expect("tool output is UTF-8")
}

fn poppler<I, S>(tool: &str, args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    text_of(Command::new(tool).args(args))
}

/// `pdfinfo`'s “Pages:”.
fn page_count(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", [pdf]);
    info.lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo shows no page count:\n{info}"))
}

/// Each page's number, width and height, from `pdfinfo -f 1 -l N`.
fn page_sizes(pdf: &Path, pages: usize) -> Vec<(usize, f64, f64)> {
    let last = pages.to_string();
    let info = poppler(
        "pdfinfo",
        [
            OsStr::new("-f"),
            OsStr::new("1"),
            OsStr::new("-l"),
            OsStr::new(&last),
            pdf.as_os_str(),
        ],
    );
    info.lines()
        .filter_map(|line| {
            // "Page    1 size:  594.96 x 841.92 pts (A4)"
            let (page, size) = line.strip_prefix("Page")?.split_once("size:")?;
            let page: usize = page.trim().parse().ok()?;
            let mut words = size.split_whitespace();
            let width: f64 = words.next()?.parse().ok()?;
            words.next().filter(|x| *x == "x")?;
            let height: f64 = words.next()?.parse().ok()?;
            Some((page, width, height))
        })
        .collect()
}

/// `pdftotext -enc UTF-8` of pages `first..=last` (all when `None`).
fn pdf_text(pdf: &Path, pages: Option<(usize, usize)>) -> String {
    let mut command = Command::new("pdftotext");
    command.args(["-enc", "UTF-8"]);
    if let Some((first, last)) = pages {
        command.args(["-f", &first.to_string(), "-l", &last.to_string()]);
    }
    text_of(command.arg(pdf).arg("-"))
}

fn page_text(pdf: &Path, page: usize) -> String {
    pdf_text(pdf, Some((page, page)))
}

/// The text without any white space.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `— 7 —` (however spaced) → 7.
fn page_number_in(text: &str) -> Option<usize> {
    let text = squeeze(text);
    let inner = text.strip_prefix('—')?.strip_suffix('—')?;
    if inner.is_empty() || !inner.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    inner.parse().ok()
}

/// A text's white space and page-number lines removed.
fn body_text(text: &str) -> String {
    text.lines()
        .filter(|line| page_number_in(line).is_none())
        .map(squeeze)
        .collect()
}

/// One line of `pdftotext -bbox-layout`, or several merged.
#[derive(Clone, Debug)]
struct Line {
    x_min: f64,
    y_min: f64,
    x_max: f64,
    y_max: f64,
    text: String,
}

impl Line {
    fn centre(&self) -> f64 {
        (self.y_min + self.y_max) / 2.0
    }

    fn squeezed(&self) -> String {
        squeeze(&self.text)
    }
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "x {:.1}…{:.1} y {:.1}…{:.1} (centre {:.1}) {}",
            self.x_min,
            self.x_max,
            self.y_min,
            self.y_max,
            self.centre(),
            self.text
        )
    }
}

fn attribute(tag: &str, name: &str) -> f64 {
    let needle = format!(" {name}=\"");
    let start = tag
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        + needle.len();
    let end = tag[start..].find('"').unwrap() + start;
    tag[start..end]
        .parse()
        .unwrap_or_else(|_| panic!("{name} of {tag} is not a number"))
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The `<line>`s of one page of `pdftotext -bbox-layout`, as pdftotext
/// cut them.
fn raw_lines(pdf: &Path, page: usize) -> Vec<Line> {
    let page = page.to_string();
    let xml = poppler(
        "pdftotext",
        [
            OsStr::new("-enc"),
            OsStr::new("UTF-8"),
            OsStr::new("-bbox-layout"),
            OsStr::new("-f"),
            OsStr::new(&page),
            OsStr::new("-l"),
            OsStr::new(&page),
            pdf.as_os_str(),
            OsStr::new("-"),
        ],
    );
    let mut lines = Vec::new();
    let mut rest = xml.as_str();
    while let Some(start) = rest.find("<line ") {
        let after = &rest[start..];
        let tag_end = after.find('>').expect("end of <line>");
        let tag = &after[..tag_end];
        let close = after.find("</line>").expect("</line>");
        let mut words = Vec::new();
        let mut inner = &after[tag_end..close];
        while let Some(word) = inner.find("<word ") {
            let word_tag = &inner[word..];
            let open = word_tag.find('>').unwrap() + 1;
            let end = word_tag.find("</word>").unwrap();
            words.push(unescape(&word_tag[open..end]));
            inner = &word_tag[end..];
        }
        lines.push(Line {
            x_min: attribute(tag, "xMin"),
            y_min: attribute(tag, "yMin"),
            x_max: attribute(tag, "xMax"),
            y_max: attribute(tag, "yMax"),
            text: words.join(" "),
        });
        rest = &after[close..];
    }
    lines
}

/// The page's lines, top to bottom, pdftotext's lines merged when their
/// vertical centres lie within 5 pt of each other (it may cut one printed
/// line into several).
fn lines(pdf: &Path, page: usize) -> Vec<Line> {
    let mut raw = raw_lines(pdf, page);
    raw.sort_by(|a, b| a.centre().total_cmp(&b.centre()));
    let mut groups: Vec<Vec<Line>> = Vec::new();
    for line in raw {
        match groups.last_mut() {
            Some(group) if (line.centre() - group.last().unwrap().centre()).abs() <= 5.0 => {
                group.push(line)
            }
            _ => groups.push(vec![line]),
        }
    }
    groups
        .into_iter()
        .map(|mut group| {
            group.sort_by(|a, b| a.x_min.total_cmp(&b.x_min));
            Line {
                x_min: group.iter().map(|l| l.x_min).fold(f64::INFINITY, f64::min),
                y_min: group.iter().map(|l| l.y_min).fold(f64::INFINITY, f64::min),
                x_max: group
                    .iter()
                    .map(|l| l.x_max)
                    .fold(f64::NEG_INFINITY, f64::max),
                y_max: group
                    .iter()
                    .map(|l| l.y_max)
                    .fold(f64::NEG_INFINITY, f64::max),
                text: group
                    .iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            }
        })
        .collect()
}

fn show(lines: &[Line]) -> String {
    lines.iter().map(|l| format!("  {l}\n")).collect::<String>()
}

/// Lines whose vertical centre lies in the type area. (pdftotext's boxes
/// may be taller than the glyphs, so a first line's yMin can lie above the
/// type area: the centre is what tells where a line stands.)
fn lines_in_type_area(lines: &[Line]) -> Vec<Line> {
    lines
        .iter()
        .filter(|l| (TYPE_TOP..=TYPE_BOTTOM).contains(&l.centre()))
        .cloned()
        .collect()
}

/// The print page's own prediction: `data-pages` and `data-lines` of its
/// `<html>` once print.js has run, from Chromium's `--dump-dom`.
fn spawn_dump_dom(html: &Path, profile: &Path) -> std::process::Child {
    let html = html.canonicalize().unwrap();
    common::headless_chromium(profile)
        .arg("--virtual-time-budget=5000")
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run chromium")
}

fn html_attribute(dom: &str, name: &str) -> Option<u32> {
    let start = dom.find("<html")?;
    let end = dom[start..].find('>')? + start;
    let tag = &dom[start..end];
    let needle = format!(" {name}=\"");
    let at = tag.find(&needle)? + needle.len();
    let value = &tag[at..];
    value[..value.find('"')?].parse().ok()
}

/// (data-pages, data-lines) of every sample issue, in `ISSUES`' order.
fn predictions() -> &'static Vec<(u32, u32)> {
    static PREDICTIONS: OnceLock<Vec<(u32, u32)>> = OnceLock::new();
    PREDICTIONS.get_or_init(|| {
        let printed = printed();
        let profiles: Vec<TempDir> = ISSUES.iter().map(|_| temp_dir()).collect();
        let children: Vec<_> = ISSUES
            .iter()
            .zip(&profiles)
            .map(|(issue, profile)| spawn_dump_dom(&printed.print_page(issue), profile.path()))
            .collect();
        children
            .into_iter()
            .zip(&ISSUES)
            .map(|(child, issue)| {
                let output = child.wait_with_output().expect("chromium --dump-dom");
                let dom = String::from_utf8_lossy(&output.stdout);
                let pages = html_attribute(&dom, "data-pages");
                let lines = html_attribute(&dom, "data-lines");
                match (pages, lines) {
                    (Some(pages), Some(lines)) => (pages, lines),
                    _ => panic!(
                        "{}: no data-pages/data-lines on <html> after print.js ran ({})\n{}\n{}",
                        issue.label(),
                        output.status,
                        dom.chars().take(400).collect::<String>(),
                        String::from_utf8_lossy(&output.stderr)
                    ),
                }
            })
            .collect()
    })
}

/// A binary PPM (P6) image: width, height, and RGB bytes row by row.
struct Image {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Image {
    fn parse(bytes: &[u8]) -> Image {
        let mut at = 0;
        let mut fields = Vec::new();
        while fields.len() < 4 {
            while bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            if bytes[at] == b'#' {
                while bytes[at] != b'\n' {
                    at += 1;
                }
                continue;
            }
            let start = at;
            while !bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
        }
        at += 1; // the one white-space byte after the maximum value
        assert_eq!(fields[0], "P6", "not a binary PPM");
        assert_eq!(fields[3], "255", "not 8 bits a channel");
        let width: usize = fields[1].parse().unwrap();
        let height: usize = fields[2].parse().unwrap();
        let pixels = bytes[at..].to_vec();
        assert_eq!(pixels.len(), width * height * 3, "truncated PPM");
        Image {
            width,
            height,
            pixels,
        }
    }

    fn rgb(&self, x: usize, y: usize) -> (u8, u8, u8) {
        let i = (y * self.width + x) * 3;
        (self.pixels[i], self.pixels[i + 1], self.pixels[i + 2])
    }
}

/// Page `page` rendered at 72 dpi, one pixel a point.
fn render(pdf: &Path, page: usize) -> Image {
    let page = page.to_string();
    let bytes = output_of(
        Command::new("pdftoppm")
            .args(["-r", "72", "-f", &page, "-l", &page, "-singlefile"])
            .arg(pdf),
    );
    Image::parse(&bytes)
}

// ---------------------------------------------------------------------------
// The source reports

struct Report {
    file: String,
    county: String,
    title: String,
    supplier: String,
    paragraphs: Vec<String>,
}

impl Report {
    fn full_title(&self) -> String {
        format!("{}：{}", self.county, self.title)
    }

    fn credit(&self) -> String {
        format!("（{}供稿）", self.supplier)
    }
}

/// The reports of an issue as written in `content/<year>/<nn>/*.md`, in
/// file-name order: their front matter and their paragraphs (separated by
/// blank lines), white space squeezed out.
fn reports(root: &Path, issue: &Issue) -> Vec<Report> {
    let folder = root.join("content").join(issue.folder());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension() == Some(OsStr::new("md"))
                && !p.file_name().unwrap().to_string_lossy().starts_with('_')
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no reports in {}", folder.display());
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap().replace("\r\n", "\n");
            let (front, body) = text
                .strip_prefix("---\n")
                .and_then(|t| t.split_once("\n---\n"))
                .unwrap_or_else(|| panic!("no front matter in {}", path.display()));
            let field = |key: &str| -> String {
                front
                    .lines()
                    .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
                    .map(|v| v.trim().trim_matches('"').trim_matches('\'').to_string())
                    .unwrap_or_else(|| panic!("no {key} in {}", path.display()))
            };
            let mut paragraphs = Vec::new();
            let mut current = String::new();
            for line in body.lines() {
                if line.trim().is_empty() {
                    if !current.is_empty() {
                        paragraphs.push(std::mem::take(&mut current));
                    }
                } else {
                    current.push_str(&squeeze(line));
                }
            }
            if !current.is_empty() {
                paragraphs.push(current);
            }
            Report {
                file: path.file_name().unwrap().to_string_lossy().into_owned(),
                county: field("county"),
                title: field("title"),
                supplier: field("supplier"),
                paragraphs,
            }
        })
        .collect()
}

/// The first `chars` characters of a text, for messages.
fn start_of(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// Where `needle` next occurs in `text` from byte `from`, skipping
/// occurrences `skip` rejects; on failure, a message saying how much of
/// the needle's start is there.
fn find_from(
    text: &str,
    from: usize,
    needle: &str,
    skip: impl Fn(usize) -> bool,
) -> Result<usize, String> {
    let mut cursor = from;
    while let Some(at) = text[cursor..].find(needle) {
        let at = cursor + at;
        if !skip(at) {
            return Ok(at);
        }
        cursor = at + needle.len();
    }
    let chars: Vec<char> = needle.chars().collect();
    let mut longest = 0;
    for n in 1..=chars.len() {
        let prefix: String = chars[..n].iter().collect();
        if text[from..].contains(&prefix) {
            longest = n;
        } else {
            break;
        }
    }
    let matched: String = chars[..longest].iter().collect();
    let context = text[from..]
        .find(&matched)
        .map(|at| start_of(&text[from + at + matched.len()..], 20))
        .unwrap_or_default();
    Err(format!(
        "only its first {longest} of {} characters occur in order (then the PDF has {context:?}, the source {:?}); anywhere in the PDF: {}",
        chars.len(),
        chars[longest..].iter().take(20).collect::<String>(),
        text.contains(needle)
    ))
}

/// Fails with every problem found, issue by issue.
fn assert_no_problems(problems: Vec<String>) {
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// The tests

#[test]
fn pdf_all_prints_every_issue_beside_its_pages() {
    let printed = printed();
    for issue in &ISSUES {
        let pdf = printed.pdf(issue);
        printed.run.expect_stdout(&format!(
            "已生成：out/{}/{}",
            issue.folder(),
            issue.pdf_name()
        ));
        let bytes = std::fs::read(&pdf).unwrap_or_else(|err| {
            panic!(
                "no {}: {err}\n{}",
                pdf.display(),
                common::names_in(pdf.parent().unwrap()).join("\n")
            )
        });
        assert!(bytes.starts_with(b"%PDF-"), "{} is no PDF", pdf.display());
        assert!(
            !pdf.with_extension("pdf.part").exists(),
            "a partial file is left beside {}",
            pdf.display()
        );
    }
}

#[test]
fn every_page_is_a4() {
    let printed = printed();
    let mut problems = Vec::new();
    for issue in &ISSUES {
        let pdf = printed.pdf(issue);
        let pages = page_count(&pdf);
        let sizes = page_sizes(&pdf, pages);
        assert_eq!(
            sizes.iter().map(|s| s.0).collect::<Vec<_>>(),
            (1..=pages).collect::<Vec<_>>(),
            "{}: pdfinfo -f 1 -l {pages} lists other pages",
            issue.label()
        );
        for (page, width, height) in sizes {
            if (width - A4_WIDTH).abs() > 1.0 || (height - A4_HEIGHT).abs() > 1.0 {
                problems.push(format!(
                    "{} page {page}: {width} × {height} pt, not A4 (595 × 842 ± 1)",
                    issue.label()
                ));
            }
        }
    }
    assert_no_problems(problems);
}

#[test]
fn page_count_is_the_print_pages_own_prediction() {
    let printed = printed();
    let mut problems = Vec::new();
    for (issue, (predicted, lines)) in ISSUES.iter().zip(predictions()) {
        let pages = page_count(&printed.pdf(issue));
        if pages != *predicted as usize {
            problems.push(format!(
                "{}: the PDF has {pages} pages, print.js predicted data-pages={predicted} (data-lines={lines})",
                issue.label()
            ));
        }
    }
    assert_no_problems(problems);
}

/// The theme's fonts (themes/default/static/fonts/) by the PostScript
/// names the PDF gives them: on a machine without the official Windows
/// fonts, as CI, they are all a PDF may use.
const THEME_FONTS: [&str; 6] = [
    "FandolFang-Regular",
    "FandolHei-Regular",
    "FandolKai-Regular",
    "FandolSong-Bold",
    "FandolSong-Regular",
    "jianbaoPlaceNamesKai",
];

/// One row of `pdffonts`.
#[derive(Debug)]
struct FontRow {
    /// Without the subset tag: `AAAAAA+FandolFang-Regular` → `FandolFang-Regular`.
    name: String,
    kind: String,
    embedded: bool,
    row: String,
}

/// `pdffonts`' rows, cut where the dashes under its header end (the type
/// column holds spaces: “CID TrueType”).
fn pdf_fonts(pdf: &Path) -> Vec<FontRow> {
    let listing = poppler("pdffonts", [pdf]);
    let mut lines = listing.lines().skip_while(|l| !l.starts_with("---"));
    let dashes = lines
        .next()
        .unwrap_or_else(|| panic!("no header:\n{listing}"));
    let mut columns = Vec::new();
    let mut at = 0;
    for group in dashes.split(' ') {
        columns.push(at..at + group.len());
        at += group.len() + 1;
    }
    let cell = |row: &str, i: usize| -> String {
        let range = columns[i].clone();
        let end = if i + 1 == columns.len() {
            row.len()
        } else {
            range.end.min(row.len())
        };
        row.get(range.start.min(row.len())..end)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|row| {
            let name = cell(row, 0);
            let name = match name.split_once('+') {
                Some((tag, rest)) if tag.len() == 6 => rest.to_string(),
                _ => name,
            };
            FontRow {
                name,
                kind: cell(row, 1),
                embedded: cell(row, 3) == "yes",
                row: row.to_string(),
            }
        })
        .collect()
}

/// Place names with characters Fandol lacks (浉河区, 瀍河回族区) print with
/// the theme's place-name font: still no Type 3 font, and no warning.
#[test]
fn place_names_fandol_lacks_print_in_truetype_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/warnings/print-font-gaps"),
        &root,
    );
    // The other report holds characters no theme font has, on purpose.
    std::fs::remove_file(root.join("content/2024/05/02-yanling.md")).unwrap();
    let run = jianbao_in(
        dir.path(),
        &args(&["pdf", "--root", "site", "--out", "out", "2024/5"]),
    );
    run.expect_code(0);
    assert!(!run.stderr.contains("印刷版的字体中没有"), "{}", run.stderr);
    let pdf = dir.path().join("out/2024/05/代表工作-2024-第05期.pdf");
    let fonts = pdf_fonts(&pdf);
    for font in &fonts {
        assert!(
            font.kind.contains("TrueType") && !font.kind.contains("Type 3") && font.embedded,
            "{}",
            font.row
        );
        assert!(THEME_FONTS.contains(&font.name.as_str()), "{}", font.row);
    }
    assert!(
        fonts.iter().any(|f| f.name == "jianbaoPlaceNamesKai"),
        "{fonts:#?}"
    );
    let text: String = pdf_text(&pdf, None).split_whitespace().collect();
    assert!(
        text.contains("浉河区") && text.contains("瀍河回族区"),
        "{text}"
    );
}

#[test]
fn every_font_is_named_embedded_truetype_from_the_theme() {
    let printed = printed();
    let mut problems = Vec::new();
    for issue in &ISSUES {
        let label = issue.label();
        let fonts = pdf_fonts(&printed.pdf(issue));
        assert!(!fonts.is_empty(), "{label}: pdffonts lists no font");
        for font in &fonts {
            if font.kind.contains("Type 3") || !font.kind.contains("TrueType") {
                problems.push(format!("{label}: not a TrueType font: {}", font.row));
            }
            if !font.embedded {
                problems.push(format!("{label}: not embedded: {}", font.row));
            }
            if !THEME_FONTS.contains(&font.name.as_str()) {
                problems.push(format!(
                    "{label}: {:?} is none of the theme's fonts {THEME_FONTS:?}: {}",
                    font.name, font.row
                ));
            }
        }
        // Body (仿宋), masthead and titles, page numbers.
        for wanted in [
            "FandolFang-Regular",
            "FandolSong-Bold",
            "FandolSong-Regular",
        ] {
            if !fonts.iter().any(|f| f.name == wanted) {
                problems.push(format!("{label}: {wanted} is not embedded: {fonts:#?}"));
            }
        }
    }
    assert_no_problems(problems);
}

/// The text of a PDF by the font it is set in, from `pdftohtml -xml`
/// (which names a font's family without its style, `FandolSong`, and
/// marks bold text with `<b>`): (family, bold) → the pieces in reading
/// order, white space squeezed out, each page's pieces after the last's.
fn text_by_font(pdf: &Path) -> std::collections::BTreeMap<(String, bool), String> {
    let xml = poppler(
        "pdftohtml",
        [
            OsStr::new("-xml"),
            OsStr::new("-i"),
            OsStr::new("-q"),
            OsStr::new("-stdout"),
            pdf.as_os_str(),
        ],
    );
    let mut families = std::collections::HashMap::new();
    let mut by_font = std::collections::BTreeMap::<(String, bool), String>::new();
    for line in xml.lines() {
        let line = line.trim();
        if line.starts_with("<fontspec ") {
            let value = |name: &str| {
                let needle = format!(" {name}=\"");
                let start = line.find(&needle).unwrap() + needle.len();
                line[start..start + line[start..].find('"').unwrap()].to_string()
            };
            let family = value("family");
            let family = match family.split_once('+') {
                Some((tag, rest)) if tag.len() == 6 => rest.to_string(),
                _ => family,
            };
            families.insert(value("id"), family);
        } else if let Some(rest) = line.strip_prefix("<text ") {
            let font_at = rest.find(" font=\"").unwrap() + 7;
            let id = &rest[font_at..font_at + rest[font_at..].find('"').unwrap()];
            let inner = &rest[rest.find('>').unwrap() + 1..rest.rfind("</text>").unwrap()];
            let bold = inner.contains("<b>");
            let mut text = String::new();
            let mut in_tag = false;
            for c in inner.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            by_font
                .entry((families[id].clone(), bold))
                .or_default()
                .push_str(&squeeze(&unescape(&text)));
        }
    }
    by_font
}

/// Each part of the bulletin in its face: body and credits in 仿宋
/// (FandolFang), masthead and titles in the heavy FandolSong Bold, the
/// page numbers in 宋体 (FandolSong); and the text reads as written
/// (every glyph names its own character: no Kangxi radical ⼈⼤ for 人大).
#[test]
fn body_titles_and_page_numbers_are_set_in_their_faces() {
    let printed = printed();
    let mut problems = Vec::new();
    let fang = ("FandolFang".to_string(), false);
    let song_bold = ("FandolSong".to_string(), true);
    let song = ("FandolSong".to_string(), false);
    let hei = ("FandolHei".to_string(), false);
    for issue in &ISSUES {
        let label = issue.label();
        let by_font = text_by_font(&printed.pdf(issue));
        let text_in = |face: &(String, bool)| by_font.get(face).cloned().unwrap_or_default();
        let mut expect = |face: &(String, bool), what: &str, needle: &str| {
            if !text_in(face).contains(needle) {
                problems.push(format!(
                    "{label}: {what} {needle:?} is not set in {face:?}; the PDF's faces: {:#?}",
                    by_font
                        .iter()
                        .map(|(face, text)| (face, start_of(text, 40)))
                        .collect::<Vec<_>>()
                ));
            }
        };
        expect(&song_bold, "the masthead", "代表工作");
        expect(&song, "the page number", "—1—");
        for report in reports(&printed.root(), issue) {
            expect(&song_bold, "the title", &squeeze(&report.full_title()));
            expect(&fang, "the credit", &squeeze(&report.credit()));
            // A paragraph that opens with a heading (一、…) has it in 黑体.
            let plain = report
                .paragraphs
                .iter()
                .filter(|p| !p.starts_with(['一', '二', '三', '四', '五', '六', '（']))
                .collect::<Vec<_>>();
            assert!(
                !plain.is_empty(),
                "{label} {}: no plain paragraph",
                report.file
            );
            for paragraph in plain {
                expect(&fang, "the paragraph", paragraph);
            }
            for paragraph in &report.paragraphs {
                let heading = ['一', '二', '三', '四', '五', '六']
                    .iter()
                    .any(|n| paragraph.starts_with(&format!("{n}、")));
                if let (true, Some(end)) = (heading, paragraph.find('。')) {
                    expect(&hei, "the heading", &paragraph[..end + '。'.len_utf8()]);
                }
            }
        }
        for (face, text) in &by_font {
            if let Some(c) = text.chars().find(|c| ('\u{2E80}'..='\u{2FDF}').contains(c)) {
                problems.push(format!(
                    "{label}: {face:?} text holds the radical {c:?} (U+{:04X}) where an ideograph was written",
                    c as u32
                ));
            }
        }
    }
    assert_no_problems(problems);
}

#[test]
fn text_holds_every_paragraph_title_and_credit_in_order() {
    let printed = printed();
    let mut problems = Vec::new();
    for issue in &ISSUES {
        let raw = pdf_text(&printed.pdf(issue), None);
        if let Some(line) = raw.lines().find(|l| l.contains('\u{FFFD}')) {
            problems.push(format!(
                "{}: U+FFFD replacement character in {line:?}",
                issue.label()
            ));
        }
        let text = body_text(&raw);
        let mut cursor = 0;
        for report in reports(&printed.root(), issue) {
            let title = squeeze(&report.full_title());
            // The contents on page 1 list the title after “◇”: the heading
            // is the occurrence without it.
            match find_from(&text, cursor, &title, |at| text[..at].ends_with('◇')) {
                Ok(at) => cursor = at + title.len(),
                Err(why) => {
                    problems.push(format!(
                        "{} {}: title {title:?} not found after byte {cursor}: {why}",
                        issue.label(),
                        report.file
                    ));
                    continue;
                }
            }
            let parts = report
                .paragraphs
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("paragraph {}", i + 1), p.clone()))
                .chain([("credit".to_string(), squeeze(&report.credit()))]);
            for (what, needle) in parts {
                match find_from(&text, cursor, &needle, |_| false) {
                    Ok(at) => cursor = at + needle.len(),
                    Err(why) => problems.push(format!(
                        "{} {}: {what} ({:?}…) not found after byte {cursor}: {why}",
                        issue.label(),
                        report.file,
                        start_of(&needle, 20)
                    )),
                }
            }
        }
    }
    assert_no_problems(problems);
}

#[test]
fn masthead_is_on_page_one_only() {
    let printed = printed();
    let mut problems = Vec::new();
    for issue in &ISSUES {
        let pdf = printed.pdf(issue);
        let pages = page_count(&pdf);
        let whole = squeeze(&pdf_text(&pdf, None));
        if !whole.starts_with("代表工作") {
            problems.push(format!(
                "{}: the text opens with {:?}, not 代表工作",
                issue.label(),
                start_of(&whole, 20)
            ));
        }
        let first = squeeze(&page_text(&pdf, 1));
        for wanted in [
            "代表工作".to_string(),
            issue.number_label(),
            PUBLISHER.to_string(),
            issue.date.to_string(),
        ] {
            if !first.contains(&wanted) {
                problems.push(format!("{}: page 1 lacks {wanted:?}", issue.label()));
            }
        }
        for page in 2..=pages {
            let text = squeeze(&page_text(&pdf, page));
            for unwanted in [issue.number_label(), issue.date.to_string()] {
                if text.contains(&unwanted) {
                    problems.push(format!(
                        "{}: page {page} repeats the masthead's {unwanted:?}",
                        issue.label()
                    ));
                }
            }
            // The publisher may stand in the issuing line “……印发” only.
            if text.replace(&squeeze(issue.issuer), "").contains(PUBLISHER) {
                problems.push(format!(
                    "{}: page {page} repeats the masthead's publisher",
                    issue.label()
                ));
            }
        }
    }
    assert_no_problems(problems);
}

#[test]
fn distribution_block_is_on_the_last_page_only_at_its_foot() {
    let printed = printed();
    let mut problems = Vec::new();
    for issue in &ISSUES {
        let label = issue.label();
        let pdf = printed.pdf(issue);
        let pages = page_count(&pdf);
        let mut marks = vec![
            "送：".to_string(),
            "发：".to_string(),
            squeeze(issue.issuer),
        ];
        if let Some(copies) = issue.copies {
            marks.push(squeeze(copies));
        }
        let whole = squeeze(&pdf_text(&pdf, None));
        if issue.copies.is_none() && whole.contains("共印") {
            problems.push(format!("{label}: states a number of copies (共印)"));
        }
        for page in 1..=pages {
            let text = squeeze(&page_text(&pdf, page));
            for mark in &marks {
                match (page == pages, text.contains(mark.as_str())) {
                    (true, false) => {
                        problems.push(format!("{label}: the last page ({page}) lacks {mark:?}"))
                    }
                    (false, true) => {
                        problems.push(format!("{label}: page {page} of {pages} holds {mark:?}"))
                    }
                    _ => {}
                }
            }
        }

        let lines = lines(&pdf, pages);
        let Some(first) = lines.iter().position(|l| l.squeezed().starts_with("送：")) else {
            problems.push(format!(
                "{label}: no 送： line on the last page\n{}",
                show(&lines)
            ));
            continue;
        };
        let number = lines.iter().find(|l| page_number_in(&l.text).is_some());
        let block: Vec<&Line> = lines[first..]
            .iter()
            .filter(|l| page_number_in(&l.text).is_none())
            .collect();
        let lowest = block
            .iter()
            .max_by(|a, b| a.y_max.total_cmp(&b.y_max))
            .unwrap();
        let issuing = lowest.squeezed();
        let ends = issue
            .copies
            .map(squeeze)
            .unwrap_or_else(|| squeeze(issue.issuer));
        if !issuing.contains(&squeeze(issue.issuer)) || !issuing.ends_with(&ends) {
            problems.push(format!(
                "{label}: the block's lowest line is not the issuing line ending in {ends:?}: {lowest}"
            ));
        }
        if (lowest.y_max - TYPE_BOTTOM).abs() > 12.0 {
            problems.push(format!(
                "{label}: the issuing line ends at y = {:.1} pt, {:.1} pt from the foot of the type area ({TYPE_BOTTOM:.1}); at most 12 allowed\n{}",
                lowest.y_max,
                lowest.y_max - TYPE_BOTTOM,
                show(&lines)
            ));
        }
        if let Some(number) = number {
            // Both boxes are far taller than their 14 pt glyphs: centres
            // 14 pt apart keep the glyphs apart.
            if number.centre() - lowest.centre() < 14.0 {
                problems.push(format!(
                    "{label}: the issuing line is not above the page number:\n  {lowest}\n  {number}"
                ));
            }
        }
    }
    assert_no_problems(problems);
}

/// Checks every page's number: pages `1..first_bare` show their own,
/// below the type area, odd ones right and even ones left; the pages from
/// `first_bare` on (a blank page, the page of the distribution block
/// alone) show none.
fn page_number_problems(label: &str, pdf: &Path, first_bare: usize) -> Vec<String> {
    let mut problems = Vec::new();
    let pages = page_count(pdf);
    for page in 1..=pages {
        let lines = lines(pdf, page);
        let numbers: Vec<(usize, &Line)> = lines
            .iter()
            .filter_map(|l| Some((page_number_in(&l.text)?, l)))
            .collect();
        if page >= first_bare {
            if !numbers.is_empty() {
                problems.push(format!(
                    "{label}: page {page} of {pages} is numbered, it should not be\n{}",
                    show(&lines)
                ));
            }
            continue;
        }
        let Some(&(shown, line)) = numbers.first() else {
            problems.push(format!(
                "{label}: page {page} of {pages} has no page number\n{}",
                show(&lines)
            ));
            continue;
        };
        if numbers.len() > 1 {
            problems.push(format!("{label}: page {page} has several page numbers"));
        }
        if shown != page {
            problems.push(format!("{label}: page {page} is numbered {shown}: {line}"));
        }
        if line.y_min <= 742.0 {
            problems.push(format!(
                "{label}: page {page}'s number is not below the type area (yMin {:.1} ≤ 742): {line}",
                line.y_min
            ));
        }
        if page % 2 == 1 && line.x_min <= MIDDLE {
            problems.push(format!(
                "{label}: odd page {page}'s number is not at the right (xMin {:.1} ≤ {MIDDLE}): {line}",
                line.x_min
            ));
        }
        if page % 2 == 0 && line.x_max >= MIDDLE {
            problems.push(format!(
                "{label}: even page {page}'s number is not at the left (xMax {:.1} ≥ {MIDDLE}): {line}",
                line.x_max
            ));
        }
    }
    problems
}

/// Whether the page holds the distribution block and nothing else.
fn holds_only_the_block(pdf: &Path, page: usize) -> bool {
    body_text(&page_text(pdf, page)).starts_with("送：")
}

#[test]
fn every_page_shows_its_number_outside_the_type_area() {
    let printed = printed();
    let mut problems = Vec::new();
    for issue in &ISSUES {
        let pdf = printed.pdf(issue);
        let pages = page_count(&pdf);
        // Only a page holding nothing but the distribution block goes
        // unnumbered (none in the sample issues).
        let first_bare = if holds_only_the_block(&pdf, pages) {
            pages
        } else {
            pages + 1
        };
        problems.extend(page_number_problems(&issue.label(), &pdf, first_bare));
    }
    assert_no_problems(problems);
}

/// The lines of the PDF that hold `title` (a report's full title, its
/// parts between spaces) from its start, as printed: on the first page
/// where consecutive lines, the first one opening with `lead` (“◇” in the
/// contents, nothing for the heading), read the title and nothing more.
fn title_lines(pdf: &Path, lead: &str, title: &str) -> Option<Vec<Line>> {
    let wanted = format!("{lead}{}", squeeze(title));
    for page in 1..=page_count(pdf) {
        let lines = lines(pdf, page);
        for start in 0..lines.len() {
            let first = lines[start].squeezed();
            if !first.starts_with(lead) || (lead.is_empty() && first.starts_with('◇')) {
                continue;
            }
            let mut read = String::new();
            for end in start..lines.len() {
                read.push_str(&lines[end].squeezed());
                if read == wanted {
                    return Some(lines[start..=end].to_vec());
                }
                if !wanted.starts_with(&read) {
                    break;
                }
            }
        }
    }
    None
}

/// Titles, as headings and in the contents, break only where the title
/// has a space: every line holds whole parts. The lines follow the grid.
#[test]
fn titles_break_at_their_spaces() {
    let printed = printed();
    let mut problems = Vec::new();
    let line_pitch = 10.2 * MM;
    for issue in &ISSUES {
        let label = issue.label();
        let pdf = printed.pdf(issue);
        let reports = reports(&printed.root(), issue);
        for report in &reports {
            let title = report.full_title();
            let parts: Vec<String> = title
                .split(' ')
                .filter(|p| !p.is_empty())
                .map(squeeze)
                .collect();
            let places: Vec<&str> = if reports.len() > 1 {
                vec!["", "◇"]
            } else {
                vec![""]
            };
            for lead in places {
                let where_ = if lead.is_empty() {
                    "heading"
                } else {
                    "contents"
                };
                let Some(lines) = title_lines(&pdf, lead, &title) else {
                    problems.push(format!(
                        "{label}: the {where_} {title:?} is not found on consecutive lines"
                    ));
                    continue;
                };
                // Each line must be a run of whole parts.
                let mut next = 0;
                for line in &lines {
                    let mut text = line.squeezed();
                    if next == 0 {
                        text = text[lead.len()..].to_string();
                    }
                    let mut joined = String::new();
                    while joined.len() < text.len() && next < parts.len() {
                        joined.push_str(&parts[next]);
                        next += 1;
                    }
                    if joined != text {
                        problems.push(format!(
                            "{label}: the {where_} {title:?} breaks inside a part (at {:?}):\n{}",
                            text,
                            show(&lines)
                        ));
                        break;
                    }
                }
                for pair in lines.windows(2) {
                    let step = pair[1].centre() - pair[0].centre();
                    if (step - line_pitch).abs() > 1.5 {
                        problems.push(format!(
                            "{label}: the {where_} {title:?}'s lines are {step:.1} pt apart, not one grid line ({line_pitch:.1} pt):\n{}",
                            show(&lines)
                        ));
                    }
                }
            }
        }
    }
    // The title that broke inside “全链模式” before: two lines, at its space.
    let pdf = printed.pdf(&ISSUES[0]);
    let heading = title_lines(&pdf, "", "信阳市息县：探索产业代表联络站 建设“全链模式”")
        .expect("the heading of 2024/13's first report");
    let texts: Vec<String> = heading.iter().map(Line::squeezed).collect();
    assert_eq!(
        texts,
        ["信阳市息县：探索产业代表联络站", "建设“全链模式”"],
        "\n{}",
        show(&heading)
    );
    assert_no_problems(problems);
}

/// A part of a title longer than a line (no space to break at) wraps
/// inside the type area instead of running off the page.
#[test]
fn a_title_without_spaces_longer_than_a_line_stays_in_the_type_area() {
    let dir = temp_dir();
    let root = copy_sample(dir.path());
    let report = root.join("content/2024/27/01-guancheng.md");
    let text = std::fs::read_to_string(&report).unwrap();
    let long = "以两亮三评五争当为抓手持续有力推动主题活动开展再创佳绩";
    let title_line = text.lines().find(|l| l.starts_with("title:")).unwrap();
    std::fs::write(
        &report,
        text.replace(title_line, &format!("title: \"{long}\"")),
    )
    .unwrap();
    jianbao_in(
        dir.path(),
        &args(&["pdf", "2024/27", "--root", "site", "--out", "out"]),
    )
    .expect_code(0);
    let pdf = dir.path().join("out/2024/27").join(ISSUES[1].pdf_name());
    let county = reports(&root, &ISSUES[1])[0].county.clone();
    let full = format!("{county}：{long}");
    let lines = title_lines(&pdf, "", &full).expect("the long title on consecutive lines");
    assert!(lines.len() >= 2, "it fits one line?\n{}", show(&lines));
    let (left, right) = (28.0 * MM, A4_WIDTH - 26.0 * MM);
    for line in &lines {
        assert!(
            line.x_min >= left - 1.0 && line.x_max <= right + 1.0,
            "a line of the title leaves the type area ({left:.1}…{right:.1} pt):\n{}",
            show(&lines)
        );
    }
}

#[test]
fn page_one_has_a_red_rule_across_the_type_area() {
    let printed = printed();
    let mut problems = Vec::new();
    // 28 mm from the left edge to 182 mm (the type area is 156 mm wide).
    let (left, right) = (79usize, 516usize);
    for issue in &ISSUES {
        let image = render(&printed.pdf(issue), 1);
        if image.width < 595 || image.height < 842 {
            problems.push(format!(
                "{}: page 1 rendered at 72 dpi is {} × {} pixels, not 595 × 842",
                issue.label(),
                image.width,
                image.height
            ));
            continue;
        }
        let span = right - left + 1;
        let best = (100..=400)
            .map(|y| {
                let red = (left..=right)
                    .filter(|&x| {
                        let (r, g, b) = image.rgb(x, y);
                        r > 180 && g < 120 && b < 120
                    })
                    .count();
                (red, y)
            })
            .max()
            .unwrap();
        if best.0 * 10 < span * 9 {
            problems.push(format!(
                "{}: no row between y = 100 and 400 is red over 90% of x = {left}…{right}; the reddest, y = {}, has {} of {span} red pixels",
                issue.label(),
                best.1,
                best.0
            ));
        }
    }
    assert_no_problems(problems);
}

#[test]
fn a_full_page_holds_22_lines() {
    let printed = printed();
    let mut problems = Vec::new();
    for issue in &ISSUES {
        let pdf = printed.pdf(issue);
        let pages = page_count(&pdf);
        for page in 2..=pages {
            let all = lines(&pdf, page);
            let body = lines_in_type_area(&all);
            // Page 2 is full in both sample issues; no page holds more.
            let wrong = if page == 2 {
                body.len() != LINES_PER_PAGE
            } else {
                body.len() > LINES_PER_PAGE
            };
            if wrong {
                problems.push(format!(
                    "{}: page {page} has {} lines in the type area ({TYPE_TOP:.1}…{TYPE_BOTTOM:.1} pt), {} expected\n{}",
                    issue.label(),
                    body.len(),
                    if page == 2 { "22" } else { "at most 22" },
                    show(&all)
                ));
            }
        }
    }
    assert_no_problems(problems);
}

#[test]
fn issue_pages_link_to_their_pdfs() {
    let printed = printed();
    for issue in &ISSUES {
        let page = read_output(&printed.out(), &format!("{}/index.html", issue.folder()));
        let links: Vec<String> = attribute_values(&page, "href")
            .into_iter()
            .filter(|href| href.ends_with(".pdf"))
            .map(|href| percent_decode(&href))
            .collect();
        assert_eq!(
            links,
            vec![format!("/{}/{}", issue.folder(), issue.pdf_name())],
            "{}: the issue page's links to PDFs",
            issue.label()
        );
    }
}

/// A rebuild keeps a PDF whose print page is unchanged, with the link to
/// it, and drops both once a report of the issue or the print stylesheet
/// changes; the web stylesheet does not concern it.
#[test]
fn rebuild_keeps_the_pdf_until_its_print_page_or_stylesheet_changes() {
    let printed = printed();
    // A copy of the printed site, so the shared one stays as it was.
    let dir = temp_dir();
    copy_dir(&printed.root(), &dir.path().join("site"));
    copy_dir(&printed.out(), &dir.path().join("out"));
    let out = dir.path().join("out");
    let build = || {
        jianbao_in(
            dir.path(),
            &args(&["build", "--root", "site", "--out", "out"]),
        )
    };
    let [thirteen, twenty_seven] = &ISSUES;
    let pdf_of = |issue: &Issue| out.join(issue.folder()).join(issue.pdf_name());
    let page_of = |issue: &Issue| read_output(&out, &format!("{}/index.html", issue.folder()));
    let print_of = |issue: &Issue| read_output(&out, &format!("{}/print.html", issue.folder()));
    let links_pdf = |issue: &Issue| {
        attribute_values(&page_of(issue), "href")
            .iter()
            .any(|href| href.ends_with(".pdf"))
    };
    let printed_pdf = std::fs::read(pdf_of(twenty_seven)).unwrap();
    let print_page = print_of(twenty_seven);

    build().expect_code(0);
    assert_eq!(print_of(twenty_seven), print_page, "the print page changed");
    assert_eq!(
        std::fs::read(pdf_of(twenty_seven)).ok(),
        Some(printed_pdf),
        "the rebuild did not keep the PDF of 2024/27 as it was"
    );
    assert!(
        links_pdf(twenty_seven),
        "the rebuild dropped the link to the PDF"
    );

    let report = dir.path().join("site/content/2024/27/02-xincai.md");
    let mut text = std::fs::read_to_string(&report).unwrap();
    text.push_str("\n新增的一段文字，印刷版因此改变。\n");
    std::fs::write(&report, text).unwrap();
    build().expect_code(0);
    assert!(
        print_of(twenty_seven).contains("新增的一段文字"),
        "the print page lacks the edit"
    );
    assert!(
        !pdf_of(twenty_seven).exists(),
        "the outdated PDF of 2024/27 is still there"
    );
    assert!(
        !links_pdf(twenty_seven),
        "the issue page still links to the outdated PDF"
    );
    // The other issue did not change: its PDF stays.
    assert!(pdf_of(thirteen).is_file(), "the PDF of 2024/13 was dropped");
    assert!(
        links_pdf(thirteen),
        "the link to the PDF of 2024/13 was dropped"
    );

    let static_dir = dir.path().join("site/static");
    std::fs::create_dir_all(&static_dir).unwrap();
    let builtin = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static");
    let restyle = |name: &str| {
        let css = std::fs::read_to_string(builtin.join(name)).unwrap();
        std::fs::write(
            static_dir.join(name),
            css + "\nbody { letter-spacing: 0.01em; }\n",
        )
        .unwrap();
    };
    restyle("style.css");
    build().expect_code(0);
    assert!(
        pdf_of(thirteen).is_file(),
        "a change to the web stylesheet dropped the PDF of 2024/13"
    );
    restyle("print.css");
    build().expect_code(0);
    assert!(
        !pdf_of(thirteen).exists(),
        "the PDF of 2024/13 outlived a change to the print stylesheet"
    );
    assert!(
        !links_pdf(thirteen),
        "the issue page still links to a PDF printed with the old stylesheet"
    );
}

#[test]
fn pdf_without_issues_is_a_usage_error_in_chinese() {
    let run = jianbao(&["pdf"]);
    run.expect_code(2)
        .expect_stderr("错误：请指明要印的期")
        .expect_stderr("--all");
}

#[test]
fn pdf_of_a_missing_issue_names_it() {
    let dir = temp_dir();
    copy_sample(dir.path());
    let run = jianbao_in(
        dir.path(),
        &args(&["pdf", "2099/01", "--root", "site", "--out", "out"]),
    );
    assert_ne!(run.code, 0, "{run:?}");
    run.expect_stderr("2099/01").expect_stderr("没有这些期");
    assert!(!dir.path().join("out/2099").exists());
}

#[test]
fn a_wrong_jianbao_chromium_is_named_in_chinese() {
    let dir = temp_dir();
    copy_sample(dir.path());
    let output = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(["pdf", "--all", "--root", "site", "--out", "out"])
        .current_dir(dir.path())
        .env("JIANBAO_CHROMIUM", "/nonexistent")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!output.status.success(), "{stderr}");
    for fragment in ["环境变量", "JIANBAO_CHROMIUM", "/nonexistent", "不存在"] {
        assert!(
            stderr.contains(fragment),
            "stderr lacks {fragment:?}:\n{stderr}"
        );
    }
    assert!(
        !dir.path()
            .join("out/2024/27")
            .join(ISSUES[1].pdf_name())
            .exists(),
        "a PDF was printed anyway"
    );
}

/// A site without a `themes/` folder prints with the built-in theme: its
/// print page needs the print stylesheet, script and fonts (with their
/// licence) beside it.
#[test]
fn built_in_theme_ships_the_print_stylesheet_and_script() {
    let dir = temp_dir();
    copy_sample(dir.path());
    jianbao_in(
        dir.path(),
        &args(&["build", "--root", "site", "--out", "out"]),
    )
    .expect_code(0);
    let out = dir.path().join("out");
    let page = read_output(&out, "2024/27/print.html");
    assert!(page.contains("href=\"../../print.css\""), "{page}");
    assert!(page.contains("src=\"../../print.js\""), "{page}");
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static");
    for name in [
        "print.css",
        "print.js",
        "fonts/FandolFang-Regular.woff2",
        "fonts/FandolHei-Regular.woff2",
        "fonts/FandolKai-Regular.woff2",
        "fonts/FandolSong-Bold.woff2",
        "fonts/FandolSong-Regular-digits.woff2",
        "fonts/README.txt",
        "fonts/COPYING",
    ] {
        let built = std::fs::read(out.join(name)).ok();
        assert!(
            built.is_some(),
            "the build wrote no {name}; the output's top folder has:\n{}",
            common::names_in(&out).join("\n")
        );
        assert_eq!(
            built,
            std::fs::read(theme.join(name)).ok(),
            "{name} differs from themes/default/static/{name}"
        );
    }
}

/// When the distribution block does not fit under the text of the last
/// page, it gets a page of its own, at the foot, with no page number.
#[test]
fn a_page_holding_only_the_distribution_block_has_no_number() {
    let dir = temp_dir();
    let root = copy_sample(dir.path());
    let report = root.join("content/2024/13/02-wenfeng.md");
    let original = std::fs::read_to_string(&report).unwrap();
    let out = dir.path().join("out");
    let html = out.join("2024/13/print.html");
    let profile = temp_dir();
    let mut alone = None;
    // Each added paragraph is one line of the grid; somewhere within a
    // page's worth of lines the block stops fitting.
    for extra in 0..=LINES_PER_PAGE {
        let mut text = original.clone();
        for _ in 0..extra {
            text.push_str("\n补充一段，检验版记单独成页。\n");
        }
        std::fs::write(&report, &text).unwrap();
        let run = jianbao_in(
            dir.path(),
            &args(&["build", "--root", "site", "--out", "out"]),
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let dump = spawn_dump_dom(&html, profile.path())
            .wait_with_output()
            .unwrap();
        let dom = String::from_utf8_lossy(&dump.stdout).to_string();
        if dom.contains("class=\"distribution alone\"") {
            alone = Some((extra, html_attribute(&dom, "data-pages").unwrap()));
            break;
        }
    }
    let (extra, predicted) = alone.expect("the block never had to move to a page of its own");
    let run = jianbao_in(
        dir.path(),
        &args(&["pdf", "2024/13", "--root", "site", "--out", "out"]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = out.join("2024/13").join("代表工作-2024-第13期.pdf");
    let pages = page_count(&pdf);
    assert_eq!(pages as u32, predicted, "after {extra} added lines");
    let last = lines(&pdf, pages);
    let text = squeeze(&page_text(&pdf, pages));
    assert!(text.contains("送：") && text.contains("共印60份"), "{text}");
    assert!(
        !text.contains("补充一段"),
        "the last page holds only the block:\n{}",
        show(&last)
    );
    assert!(
        last.iter().all(|l| page_number_in(&l.text).is_none()),
        "the page with only the block has no number:\n{}",
        show(&last)
    );
    let before = lines(&pdf, pages - 1);
    assert!(
        before
            .iter()
            .any(|l| page_number_in(&l.text) == Some(pages - 1)),
        "the page before it keeps its number:\n{}",
        show(&before)
    );
    let foot = last.iter().map(|l| l.y_max).fold(0.0, f64::max);
    assert!(
        (foot - TYPE_BOTTOM).abs() < 12.0,
        "the block ends at the foot of the type area: {foot:.1} against {TYPE_BOTTOM:.1}\n{}",
        show(&last)
    );
}

/// Double-sided printing (`[print] duplex = true`): the distribution
/// block ends every issue on an even page, the back of the last sheet.
/// 2024/13 is lengthened until its text fills an even page exactly, so the
/// block needs a page of its own and a blank page goes before it; neither
/// is numbered (GB/T 9704-2012, 7.5). 2024/27 shows the other case.
#[test]
fn double_sided_printing_ends_on_an_even_page_after_a_blank_page_where_needed() {
    let (_, lines_13) = predictions()[0];
    let single_sided: Vec<usize> = ISSUES
        .iter()
        .map(|issue| page_count(&printed().pdf(issue)))
        .collect();
    let dir = temp_dir();
    let root = copy_sample(dir.path());
    let config = root.join("site.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[print]\nduplex = true\n");
    std::fs::write(&config, text).unwrap();
    // Each added paragraph is one grid line: fill whole pages, an even
    // number of them.
    let two_pages = 2 * LINES_PER_PAGE as u32;
    let extra = (two_pages - lines_13 % two_pages) % two_pages;
    let report = root.join("content/2024/13/02-wenfeng.md");
    let mut text = std::fs::read_to_string(&report).unwrap();
    for _ in 0..extra {
        text.push_str("\n补充一段，检验双面印刷的空白页。\n");
    }
    std::fs::write(&report, text).unwrap();
    jianbao_in(
        dir.path(),
        &args(&["pdf", "--all", "--root", "site", "--out", "out"]),
    )
    .expect_code(0);
    let out = dir.path().join("out");
    let mut problems = Vec::new();
    for (index, issue) in ISSUES.iter().enumerate() {
        let label = issue.label();
        let pdf = out.join(issue.folder()).join(issue.pdf_name());
        let pages = page_count(&pdf);
        let profile = temp_dir();
        let dump = spawn_dump_dom(&out.join(issue.folder()).join("print.html"), profile.path())
            .wait_with_output()
            .unwrap();
        let dom = String::from_utf8_lossy(&dump.stdout).to_string();
        let predicted = html_attribute(&dom, "data-pages");
        let blank = html_attribute(&dom, "data-blank-page").map(|page| page as usize);
        if predicted != Some(pages as u32) {
            problems.push(format!(
                "{label}: {pages} pages, print.js predicted {predicted:?}"
            ));
        }
        if pages % 2 == 1 {
            problems.push(format!(
                "{label}: the block is on page {pages}, an odd page"
            ));
        }
        if !squeeze(&page_text(&pdf, pages)).contains("印发") {
            problems.push(format!("{label}: the last page lacks the issuing line"));
        }
        let alone = holds_only_the_block(&pdf, pages);
        match index {
            0 => {
                // Text on pages 1…n (n even, full): a blank page n + 1, the
                // block on n + 2.
                if blank != Some(pages - 1) {
                    problems.push(format!(
                        "{label}: after {extra} added lines, data-blank-page is {blank:?}, not {}",
                        pages - 1
                    ));
                }
                let text = squeeze(&page_text(&pdf, pages - 1));
                if !text.is_empty() {
                    problems.push(format!(
                        "{label}: the blank page {} holds {text:?}",
                        pages - 1
                    ));
                }
                if !squeeze(&page_text(&pdf, pages - 2)).contains("补充一段") {
                    problems.push(format!("{label}: page {} does not end the text", pages - 2));
                }
                if !alone {
                    problems.push(format!("{label}: the last page holds more than the block"));
                }
                problems.extend(page_number_problems(&label, &pdf, pages - 1));
            }
            _ => {
                // As printed single-sided, plus one page when that ends on
                // an odd page: the block moves to the back, alone, or after
                // a blank page if it was alone already.
                let single = single_sided[index];
                let expected = single + single % 2;
                if pages != expected {
                    problems.push(format!(
                        "{label}: {pages} pages double-sided, {expected} expected ({single} single-sided)"
                    ));
                }
                let first_bare = match (blank, alone) {
                    (Some(page), _) => page,
                    (None, true) => pages,
                    (None, false) => pages + 1,
                };
                if single % 2 == 1 && !alone {
                    problems.push(format!(
                        "{label}: the block did not move to a page of its own"
                    ));
                }
                problems.extend(page_number_problems(&label, &pdf, first_bare));
            }
        }
    }
    assert_no_problems(problems);
}

/// On a phone (390 px) the print page reflows to the screen, with no
/// horizontal scrolling, and shows the note on the browser's print
/// settings; it still measures the A4 layout, so printing from there
/// prints the same pages. The note never prints.
#[test]
fn print_page_reads_on_a_phone_and_prints_the_same() {
    let printed = printed();
    let issue = &ISSUES[1];
    let page = printed.print_page(issue);
    // A copy of the print page beside it, with a probe that reports what
    // the screen shows once print.js has laid it out, shown in a frame of
    // a phone's width (a headless window cannot be made that narrow). The
    // probe posts its figures to the frame's parent, which --dump-dom
    // shows.
    let folder = page.parent().unwrap();
    let probe = folder.join("phone-probe.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let script = r#"<script>
document.fonts.ready.then(function () { setTimeout(function () {
  var root = document.documentElement;
  var note = document.querySelector('.print-note');
  parent.postMessage([
    'scroll-width=' + root.scrollWidth,
    'client-width=' + root.clientWidth,
    'note-height=' + (note ? note.offsetHeight : 0),
    'sheet-width=' + Math.round(document.getElementById('sheet').getBoundingClientRect().width),
    'pages=' + root.getAttribute('data-pages'),
    'lines=' + root.getAttribute('data-lines')
  ].join(' '), '*');
}, 500); });
</script></body>"#;
    std::fs::write(&probe, html.replace("</body>", script)).unwrap();
    let dump = |width: u32| {
        let frame = folder.join(format!("phone-frame-{width}.html"));
        std::fs::write(
            &frame,
            format!(
                r#"<!DOCTYPE html><html><body style="margin:0"><iframe src="phone-probe.html" style="width:{width}px;height:844px;border:0"></iframe>
<script>addEventListener('message', function (e) {{ document.body.setAttribute('data-probe', e.data); }});</script></body></html>"#
            ),
        )
        .unwrap();
        let profile = temp_dir();
        let output = common::headless_chromium(profile.path())
            .args([
                "--hide-scrollbars",
                "--allow-file-access-from-files",
                "--window-size=1400,900",
                "--virtual-time-budget=8000",
            ])
            .arg("--dump-dom")
            .arg(format!(
                "file://{}",
                frame.canonicalize().unwrap().display()
            ))
            .output()
            .unwrap();
        std::fs::remove_file(&frame).ok();
        let dom = String::from_utf8_lossy(&output.stdout).to_string();
        let start = dom.find("data-probe=\"").unwrap_or_else(|| {
            panic!(
                "{width} px: the probe reported nothing:\n{}",
                start_of(&dom, 600)
            )
        }) + "data-probe=\"".len();
        let probe = &dom[start..start + dom[start..].find('"').unwrap()];
        probe
            .split(' ')
            .filter_map(|pair| pair.split_once('='))
            .map(|(key, value)| (key.to_string(), value.parse::<u32>().unwrap_or(u32::MAX)))
            .collect::<std::collections::HashMap<String, u32>>()
    };
    let (pages, lines) = predictions()[1];
    for width in [390u32, 1280] {
        let values = dump(width);
        let value = |name: &str| values[name];
        assert!(
            value("scroll-width") <= value("client-width") && value("client-width") <= width,
            "{width} px: the page scrolls sideways ({} px wide in a {} px window)",
            value("scroll-width"),
            value("client-width")
        );
        assert!(
            value("note-height") > 0,
            "{width} px: the print note is not shown"
        );
        assert_eq!(
            (value("pages"), value("lines")),
            (pages, lines),
            "{width} px: print.js measured another layout than the printed one"
        );
        let sheet = value("sheet-width");
        if width == 390 {
            assert!(
                sheet <= 390,
                "the text column is {sheet} px wide on a 390 px phone"
            );
        } else {
            // 156 mm at 96 px an inch.
            assert!(
                (589..=590).contains(&sheet),
                "the A4 column is {sheet} px wide at {width} px"
            );
        }
    }
    std::fs::remove_file(&probe).ok();
    let text = squeeze(&pdf_text(&printed.pdf(issue), None));
    assert!(!text.contains("页眉和页脚"), "the print note was printed");
}

/// A PDF embeds the fonts print.css loads: a site that replaces one of
/// the theme's fonts gets its PDFs printed anew (the link to the old ones
/// goes), though neither print page nor stylesheet changed.
#[test]
fn rebuild_drops_the_pdfs_when_a_font_of_the_print_stylesheet_changes() {
    let printed = printed();
    let dir = temp_dir();
    copy_dir(&printed.root(), &dir.path().join("site"));
    copy_dir(&printed.out(), &dir.path().join("out"));
    let fonts = dir.path().join("site/static/fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    let name = "FandolKai-Regular.woff2";
    let mut font = std::fs::read(printed.out().join("fonts").join(name)).unwrap();
    font.push(0);
    std::fs::write(fonts.join(name), font).unwrap();
    jianbao_in(
        dir.path(),
        &args(&["build", "--root", "site", "--out", "out"]),
    )
    .expect_code(0);
    for issue in &ISSUES {
        let pdf = dir
            .path()
            .join("out")
            .join(issue.folder())
            .join(issue.pdf_name());
        assert!(
            !pdf.exists(),
            "{}: the PDF outlived a change to a font it embeds",
            issue.label()
        );
    }
}
