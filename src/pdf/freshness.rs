//! Which PDFs of the previous output still match their issue: a PDF is
//! kept when the print page this build makes is the one it was printed
//! from, byte for byte, and so is every file that page loads (styles,
//! scripts, images, and the fonts and images its stylesheets load).
//! Printing is slow; keeping what has not changed spares a minute a build.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, StartTag, Tag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
    TokenizerOpts,
};

use crate::content::Archive;
use crate::render::links;
use crate::render::Renderer;

/// The issues whose PDF in output folder `out` may be kept, with the
/// PDF's path there.
pub(crate) fn kept_pdfs(
    renderer: &Renderer,
    archive: &Archive,
    out: &Path,
) -> Vec<(usize, PathBuf)> {
    // Every print page loads the same stylesheet and fonts: each file is
    // compared once (the fonts are megabytes).
    let mut unchanged: HashMap<String, bool> = HashMap::new();
    let mut is_unchanged = |file: &String| {
        *unchanged.entry(file.clone()).or_insert_with(|| {
            match renderer.origin_of(file).map(|o| o.read()) {
                Some(Ok(bytes)) => std::fs::read(out.join(file)).is_ok_and(|old| *old == *bytes),
                Some(Err(_)) => false,
                // A page or a file from elsewhere: not ours to compare.
                None => true,
            }
        })
    };
    archive
        .issues
        .iter()
        .enumerate()
        .filter_map(|(index, issue)| {
            let pdf = out.join(links::pdf_path(issue));
            if !pdf.is_file() {
                return None;
            }
            let old = std::fs::read_to_string(out.join(links::print_path(issue))).ok()?;
            let new = renderer.print_page(index).ok()?;
            if old != new {
                return None;
            }
            let mut files = loaded_files(&new, &links::issue_path(issue));
            let styles: Vec<String> = files
                .iter()
                .filter(|f| f.ends_with(".css"))
                .cloned()
                .collect();
            for style in styles {
                if let Some(Ok(bytes)) = renderer.origin_of(&style).map(|o| o.read()) {
                    let folder = style.rsplit_once('/').map_or("", |(folder, _)| folder);
                    files.extend(
                        css_urls(&String::from_utf8_lossy(&bytes))
                            .iter()
                            .filter_map(|address| resolve_relative(folder, address)),
                    );
                }
            }
            files.iter().all(&mut is_unchanged).then_some((index, pdf))
        })
        .collect()
}

/// What an edit in the preview does to the PDFs in output folder `out`:
/// the issues that keep theirs (their print page is not among
/// `print_jobs`, the print pages about to be rendered again, or renders as
/// it is), and the PDFs that no longer match their print page. Those must
/// go: a stale PDF would be linked again, and a later full build, finding
/// the print page it is compared with already rewritten, would keep it.
pub(crate) fn pdfs_after_edit(
    renderer: &Renderer,
    archive: &Archive,
    out: &Path,
    print_jobs: &HashSet<usize>,
) -> (HashSet<usize>, Vec<PathBuf>) {
    let mut kept = HashSet::new();
    let mut stale = Vec::new();
    for (index, issue) in archive.issues.iter().enumerate() {
        let pdf = out.join(links::pdf_path(issue));
        if !pdf.is_file() {
            continue;
        }
        let still_matches = !print_jobs.contains(&index)
            || std::fs::read_to_string(out.join(links::print_path(issue)))
                .ok()
                .zip(renderer.print_page(index).ok())
                .is_some_and(|(old, new)| old == new);
        if still_matches {
            kept.insert(index);
        } else {
            stale.push(pdf);
        }
    }
    (kept, stale)
}

/// The addresses of a stylesheet's `url(…)`s (fonts, images), quoted or not.
fn css_urls(css: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = css;
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + 4..];
        let end = rest.find(')').unwrap_or(rest.len());
        let address = rest[..end].trim().trim_matches(|c| c == '"' || c == '\'');
        if !address.is_empty() {
            urls.push(address.to_string());
        }
        rest = &rest[end..];
    }
    urls
}

/// Collects what a page loads: every `src`, and the `href` of `<link>`.
#[derive(Default)]
struct LoadedAddresses(std::cell::RefCell<Vec<String>>);

impl TokenSink for LoadedAddresses {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let TagToken(Tag {
            kind: StartTag,
            name,
            attrs,
            ..
        }) = token
        {
            let is_link = &*name == "link";
            for attribute in attrs {
                let attribute_name = &*attribute.name.local;
                if attribute_name == "src" || (is_link && attribute_name == "href") {
                    self.0.borrow_mut().push(attribute.value.to_string());
                }
            }
        }
        TokenSinkResult::Continue
    }
}

/// The output paths of the files a page in `folder` loads by relative
/// address: every `src`, and the `href` of `<link>` (styles, fonts), as an
/// HTML parser reads them (a theme's own print template may write tags in
/// any case, quote attributes either way and escape characters).
fn loaded_files(page: &str, folder: &str) -> Vec<String> {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(page));
    let tokenizer = Tokenizer::new(LoadedAddresses::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let addresses = tokenizer.sink.0.take();
    addresses
        .iter()
        .filter_map(|address| resolve_relative(folder, address))
        .collect()
}

/// `../../print.css` from `2024/01/` is `print.css`; addresses with a
/// scheme or from the root are left out.
fn resolve_relative(folder: &str, address: &str) -> Option<String> {
    let address = address.split(['?', '#']).next()?;
    // A literal `%` in a file name is no escape.
    let address = crate::text::percent_decode(address).unwrap_or_else(|| address.to_string());
    if address.is_empty() || address.starts_with('/') || address.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in address.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_print_page_loads_its_styles_scripts_and_images_by_relative_address() {
        assert_eq!(
            css_urls("@font-face { src: url(\"fonts/a.woff2\") format(\"woff2\"); }\nb { background: url( img/x.png ) } c { x: url('../y.svg') }"),
            ["fonts/a.woff2", "img/x.png", "../y.svg"]
        );
        let page = r#"<link rel="stylesheet" href="../../print.css"><a href="../../2024/02/">下一期</a>
<img src="%E7%85%A7%E7%89%87.png" alt=""><script src="../../print.js?v=1"></script>
<img src="https://example.org/x.png"><link rel="icon" href="/favicon.ico">
<LINK REL=stylesheet
  HREF='../../fonts.css'><img alt="a > b" src=a&amp;b.png><img src="100%.png">"#;
        assert_eq!(
            loaded_files(page, "2024/01/"),
            [
                "print.css",
                "2024/01/照片.png",
                "print.js",
                "fonts.css",
                "2024/01/a&b.png",
                "2024/01/100%.png"
            ]
        );
        assert_eq!(resolve_relative("2024/01/", "../../../x.css"), None);
    }
}
