//! The pipeline, stage by stage: load → render → write. Each stage is
//! timed so a slow build says where its time went.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::config::SiteConfig;
use crate::content::{self, Archive, LoadOptions};
use crate::diagnostics::{ContentErrors, Diagnostics};
use crate::output::{self, Staging};
use crate::render::links::Links;
use crate::render::templates::Theme;
use crate::render::{OutputFile, Renderer, Sink};
use crate::search;
use rayon::prelude::*;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub drafts: bool,
    /// Overrides the base path from `site.toml` (used by `serve`).
    pub base_path: Option<String>,
    /// Build the search index (`search/`); off only to measure its cost.
    pub search_index: bool,
    /// Replace the output folder even when it holds files jianbao did not
    /// write (`--replace-out`); otherwise such a folder is refused.
    pub replace_out: bool,
    /// Any warning fails the build like an error (`--strict`).
    pub strict: bool,
}

#[derive(Debug, Default, Clone)]
pub struct BuildSummary {
    pub issues: usize,
    pub reports: usize,
    pub pages: usize,
    pub files: usize,
    pub load: Duration,
    pub render: Duration,
    pub write: Duration,
    pub total: Duration,
    pub diagnostics: Diagnostics,
    /// Files of the output that jianbao had not written, replaced because
    /// `replace_out` said so.
    pub replaced_foreign: usize,
}

impl BuildSummary {
    /// One line for the end of a build.
    pub fn line(&self) -> String {
        format!(
            "构建完成：{} 期，{} 篇报告，{} 个页面（共 {} 个文件），用时 {:.2} 秒（读取 {:.2}，渲染并写出 {:.2}，替换 {:.2}）",
            self.issues,
            self.reports,
            self.pages,
            self.files,
            self.total.as_secs_f64(),
            self.load.as_secs_f64(),
            self.render.as_secs_f64(),
            self.write.as_secs_f64()
        )
    }
}

/// Reads and validates the site: the `check` command and the first stage
/// of a build.
pub fn load(root: &Path, drafts: bool) -> (Option<Archive>, Diagnostics) {
    content::load(root, LoadOptions { drafts })
}

/// What a render made: the paths of its files, all handed to the sink.
pub struct Rendered {
    pub paths: Vec<String>,
}

/// Renders the whole site, handing every file to `sink`: pages, feeds,
/// static files and the search index are all renderers of one archive.
/// Template errors come back as `ContentErrors`.
pub fn render(
    root: &Path,
    archive: &Archive,
    base_path: Option<&str>,
    with_search: bool,
    sink: &Sink,
) -> Result<Rendered> {
    render_over(root, archive, base_path, with_search, None, sink)
}

/// Renders with the previous output in view: an issue's PDF made from a
/// print page that has not changed is kept, and its page links to it.
pub fn render_over(
    root: &Path,
    archive: &Archive,
    base_path: Option<&str>,
    with_search: bool,
    previous: Option<&Path>,
    sink: &Sink,
) -> Result<Rendered> {
    let theme = load_theme(root, archive)?;
    let links = links_for(archive, base_path);
    let renderer = Renderer::new(archive, &theme, &links);
    let kept = previous
        .map(|out| kept_pdfs(&renderer, archive, out))
        .unwrap_or_default();
    let renderer = renderer.with_pdfs(kept.iter().map(|(index, _)| *index).collect());
    let (pages, search) = rayon::join(
        || renderer.render_all(sink),
        || {
            with_search.then(|| {
                let files = search::index_files(archive, &links.for_search_index(), &build_id());
                let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
                files.into_par_iter().try_for_each(sink).map(|_| paths)
            })
        },
    );
    let mut paths = pages?;
    if let Some(result) = search {
        paths.extend(result?);
    }
    for (index, pdf) in kept {
        let issue = &archive.issues[index];
        let path = format!(
            "{}{}",
            issue.path(),
            crate::pdf::file_name(issue.year, issue.number)
        );
        paths.push(path.clone());
        sink(OutputFile {
            path,
            contents: crate::render::Contents::Keep(pdf),
        })?;
    }
    Ok(Rendered { paths })
}

/// The theme the site names; its template errors as `ContentErrors`.
pub fn load_theme(root: &Path, archive: &Archive) -> Result<Theme> {
    Theme::load(root, &archive.config.theme)
        .map_err(|problems| ContentErrors(to_diagnostics(problems)).into())
}

/// How pages link to each other: under the site's base path, or under
/// `base_path` when `serve` overrides it.
pub fn links_for(archive: &Archive, base_path: Option<&str>) -> Links {
    let base = base_path
        .map(String::from)
        .unwrap_or_else(|| archive.config.base_path());
    // `serve` links from `/` whatever the site says: it is a server.
    let relative = base_path.is_none() && archive.config.relative_links;
    Links::new(base, archive.config.absolute_prefix()).with_relative(relative)
}

/// Issues whose PDF in the previous output was printed from exactly the
/// print page this build makes, with the same styles, scripts and images,
/// and the same fonts and images its stylesheets load.
fn kept_pdfs(renderer: &Renderer, archive: &Archive, out: &Path) -> Vec<(usize, PathBuf)> {
    // Every print page loads the same stylesheet and fonts: each file is
    // compared once (the fonts are megabytes).
    let mut unchanged: std::collections::HashMap<String, bool> = Default::default();
    let mut is_unchanged = |file: &String| {
        *unchanged
            .entry(file.clone())
            .or_insert_with(|| match renderer.copied_bytes(file) {
                Some(Ok(bytes)) => std::fs::read(out.join(file)).is_ok_and(|old| old == bytes),
                Some(Err(_)) => false,
                // A page or a file from elsewhere: not ours to compare.
                None => true,
            })
    };
    archive
        .issues
        .iter()
        .enumerate()
        .filter_map(|(index, issue)| {
            let folder = out.join(issue.path());
            let pdf = folder.join(crate::pdf::file_name(issue.year, issue.number));
            if !pdf.is_file() {
                return None;
            }
            let old = std::fs::read_to_string(folder.join("print.html")).ok()?;
            let new = renderer.print_page(index).ok()?;
            if old != new {
                return None;
            }
            let mut files = loaded_files(&new, &issue.path());
            let styles: Vec<String> = files
                .iter()
                .filter(|f| f.ends_with(".css"))
                .cloned()
                .collect();
            for style in styles {
                if let Some(Ok(bytes)) = renderer.copied_bytes(&style) {
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

/// The output paths of the files a page in `folder` loads by relative
/// address: every `src`, and the `href` of `<link>` (styles, fonts). A
/// theme's own print template may write tags in any case and quote
/// attributes either way.
fn loaded_files(page: &str, folder: &str) -> Vec<String> {
    let mut addresses = Vec::new();
    let mut rest = page;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let end = tag_end(rest);
        let tag = &rest[..end];
        rest = &rest[end..];
        let name_end = tag
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tag.len());
        if name_end == 0 {
            continue;
        }
        let is_link = tag[..name_end].eq_ignore_ascii_case("link");
        for (attribute, value) in attributes(&tag[name_end..]) {
            if attribute == "src" || (is_link && attribute == "href") {
                addresses.push(unescape_attribute(value));
            }
        }
    }
    addresses
        .iter()
        .filter_map(|address| resolve_relative(folder, address))
        .collect()
}

/// Where a tag ends: the first `>` outside quotes.
fn tag_end(text: &str) -> usize {
    let mut quote = None;
    for (i, byte) in text.bytes().enumerate() {
        match (quote, byte) {
            (None, b'>') => return i,
            (None, b'"' | b'\'') => quote = Some(byte),
            (Some(q), b) if b == q => quote = None,
            _ => {}
        }
    }
    text.len()
}

/// `name="value"`, `name='value'`, `name=value` and bare `name` pairs of
/// a tag's inside, names lowercased.
fn attributes(inside: &str) -> Vec<(String, &str)> {
    let bytes = inside.as_bytes();
    let mut pairs = Vec::new();
    let mut i = 0;
    let skip_space = |mut i: usize| {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        i
    };
    loop {
        i = skip_space(i);
        if i >= bytes.len() {
            return pairs;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'/')
        {
            i += 1;
        }
        let name = inside[start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = "";
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&quote) if quote == b'"' || quote == b'\'' => {
                    let from = i + 1;
                    let to = inside[from..]
                        .find(quote as char)
                        .map_or(bytes.len(), |n| from + n);
                    value = &inside[from..to];
                    i = (to + 1).min(bytes.len());
                }
                _ => {
                    let from = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    value = &inside[from..i];
                }
            }
        }
        if name.is_empty() {
            // A stray `=`: step over it.
            i += 1;
        } else {
            pairs.push((name, value));
        }
    }
}

/// `a&amp;b.png` as written in HTML is the file `a&b.png`.
fn unescape_attribute(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
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

/// Different for every build, so caches and `jianbao search` can tell.
fn build_id() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}-{}", now.as_millis(), std::process::id())
}

/// The templates' syntax alone, for runs whose content already failed:
/// one run lists every mistake.
pub fn check_templates(root: &Path) -> Diagnostics {
    let theme = SiteConfig::load(root)
        .map(|config| config.theme)
        .unwrap_or_else(|_| "default".into());
    match Theme::load(root, &theme) {
        Ok(_) => Diagnostics::default(),
        Err(problems) => to_diagnostics(problems),
    }
}

fn to_diagnostics(list: Vec<crate::diagnostics::Diagnostic>) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    for item in list {
        diagnostics.push(item);
    }
    diagnostics
}

/// The last stage reported to `progress`: the new output is complete and
/// about to replace the old.
pub const SWAP_STAGE: &str = "替换原有输出";

/// The full build: load, render, then swap the new output in atomically.
/// On any error the previous output is left untouched.
pub fn build(options: &BuildOptions, progress: &dyn Fn(&str)) -> Result<BuildSummary> {
    build_keeping(options, progress).map(|(summary, _)| summary)
}

/// The full build, handing back the archive it built from (`serve` keeps
/// it for incremental rebuilds).
pub fn build_keeping(
    options: &BuildOptions,
    progress: &dyn Fn(&str),
) -> Result<(BuildSummary, Archive)> {
    let started = Instant::now();
    output::check_output_location(&options.root, &options.out)?;
    // Before the minutes of a large load: the swap checks again, since
    // files may be put into the output while the site is rendered.
    if !options.replace_out {
        output::check_ownership(&options.out)?;
    }
    progress("读取内容");
    let (archive, mut diagnostics) = load(&options.root, options.drafts);
    let Some(archive) = archive else {
        diagnostics.extend(check_templates(&options.root));
        return Err(ContentErrors(diagnostics).into());
    };
    // Warnings alone fail a strict build; the templates are checked too,
    // so that one run lists everything.
    if options.strict && !diagnostics.is_empty() {
        diagnostics.extend(check_templates(&options.root));
        return Err(ContentErrors(diagnostics).into());
    }
    let load_time = started.elapsed();
    let mut summary = write_site(options, &archive, diagnostics, progress)?;
    summary.load = load_time;
    summary.total = started.elapsed();
    Ok((summary, archive))
}

/// Render and swap stages for an archive already loaded: after a template
/// edit, `serve` renders again without reading the content again.
pub fn write_site(
    options: &BuildOptions,
    archive: &Archive,
    diagnostics: Diagnostics,
    progress: &dyn Fn(&str),
) -> Result<BuildSummary> {
    let started = Instant::now();
    progress("渲染并写出页面");
    let staging = Staging::create(&options.out, options.replace_out)?;
    let rendered = match render_over(
        &options.root,
        archive,
        options.base_path.as_deref(),
        options.search_index,
        Some(&options.out),
        &|file| staging.write(&file),
    ) {
        Ok(rendered) => rendered,
        Err(err) => {
            // The staging folder goes with `staging`: the old output stays.
            return Err(match err.downcast::<ContentErrors>() {
                Ok(ContentErrors(mut problems)) => {
                    problems.extend(diagnostics);
                    ContentErrors(problems).into()
                }
                Err(other) => other,
            });
        }
    };
    let render_time = started.elapsed();

    progress(SWAP_STAGE);
    let write_started = Instant::now();
    let swapped = staging.commit()?;
    let write_time = write_started.elapsed();
    let paths = rendered.paths;

    Ok(BuildSummary {
        issues: archive.issues.len(),
        reports: archive.reports.len(),
        pages: paths.iter().filter(|p| p.ends_with(".html")).count(),
        files: paths.len(),
        load: Duration::ZERO,
        render: render_time,
        write: write_time,
        total: started.elapsed(),
        diagnostics,
        replaced_foreign: swapped.replaced_foreign,
    })
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
