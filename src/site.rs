//! The pipeline, stage by stage: load → render → write. Each stage is
//! timed so a slow build says where its time went.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::config::SiteConfig;
use crate::content::{self, Archive, LoadOptions};
use crate::diagnostics::{ContentErrors, Diagnostics};
use crate::output::{self, Staging};
use crate::render::links::{self, Links};
use crate::render::{Contents, OutputFile, Rendered, Renderer, Sink};
use crate::search;
use crate::theme::Theme;
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

impl BuildOptions {
    /// A plain build of the site at `root` into `out`: no drafts, the
    /// site's own base path, with the search index, refusing an output
    /// folder jianbao did not write.
    pub fn new(root: PathBuf, out: PathBuf) -> BuildOptions {
        BuildOptions {
            root,
            out,
            drafts: false,
            base_path: None,
            search_index: true,
            replace_out: false,
            strict: false,
        }
    }
}

/// Where a site is written unless told otherwise: `public/` beside its
/// sources.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
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

/// Renders the whole site, handing every file to `sink`: pages, feeds,
/// static files and the search index are all renderers of one archive.
/// `previous`, the output folder of the last build, lets an issue's PDF
/// made from a print page that has not changed be kept (and its page link
/// to it). Template errors come back as `ContentErrors`.
pub(crate) fn render(
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
        .map(|out| crate::pdf::freshness::kept_pdfs(&renderer, archive, out))
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
    let mut rendered = pages?;
    if let Some(result) = search {
        rendered.paths.extend(result?);
    }
    for (index, pdf) in kept {
        let path = links::pdf_path(&archive.issues[index]);
        rendered.paths.push(path.clone());
        sink(OutputFile {
            path,
            contents: Contents::Keep(pdf),
        })?;
    }
    Ok(rendered)
}

/// Renders the site in memory and throws it away: `check` finds the
/// template errors a build would.
pub fn check_render(root: &Path, archive: &Archive) -> Result<()> {
    render(root, archive, None, false, None, &|_| Ok(())).map(|_| ())
}

/// Characters of the print pages the print fonts lack, as warnings (none
/// when the theme does not load: rendering reports that).
pub fn print_font_warnings(root: &Path, archive: &Archive) -> Diagnostics {
    let Some(coverage) = Theme::load(root, &archive.config.theme)
        .ok()
        .and_then(|theme| theme.print_font_coverage())
    else {
        return Diagnostics::default();
    };
    let content = root.join("content");
    let source_text = |source: &str| -> Option<String> {
        let bytes = std::fs::read(content.join(source)).ok()?;
        crate::encoding::decode(&bytes)
            .ok()
            .map(|decoded| decoded.text)
    };
    to_diagnostics(crate::render::print_fonts::warnings(
        archive,
        &coverage,
        &source_text,
    ))
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

/// The stages of a build, as `progress` hears of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and checking the content.
    Load,
    /// Rendering the site into a staging folder.
    Render,
    /// The new output is complete and about to replace the old.
    Swap,
}

impl Stage {
    /// What the terminal shows while the stage runs.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Load => "读取内容",
            Stage::Render => "渲染并写出页面",
            Stage::Swap => "替换原有输出",
        }
    }
}

/// The full build: load, render, then swap the new output in atomically.
/// On any error the previous output is left untouched.
pub fn build(options: &BuildOptions, progress: &dyn Fn(Stage)) -> Result<BuildSummary> {
    build_for_preview(options, progress).map(|built| built.summary)
}

/// A full build as the preview keeps it: with the archive it was built
/// from and what each page read, for incremental rebuilds.
pub(crate) struct PreviewBuild {
    pub(crate) summary: BuildSummary,
    pub(crate) archive: Archive,
    pub(crate) rendered: Rendered,
}

/// The full build, handing back what the preview keeps of it.
pub(crate) fn build_for_preview(
    options: &BuildOptions,
    progress: &dyn Fn(Stage),
) -> Result<PreviewBuild> {
    let started = Instant::now();
    output::check_output_location(&options.root, &options.out)?;
    // Before the minutes of a large load: the swap checks again, since
    // files may be put into the output while the site is rendered.
    if !options.replace_out {
        output::check_ownership(&options.out)?;
    }
    progress(Stage::Load);
    let (archive, mut diagnostics) = load(&options.root, options.drafts);
    let Some(archive) = archive else {
        diagnostics.extend(check_templates(&options.root));
        return Err(ContentErrors(diagnostics).into());
    };
    diagnostics.extend(print_font_warnings(&options.root, &archive));
    // Warnings alone fail a strict build; the templates are checked too,
    // so that one run lists everything.
    if options.strict && !diagnostics.is_empty() {
        diagnostics.extend(check_templates(&options.root));
        return Err(ContentErrors(diagnostics).into());
    }
    let load_time = started.elapsed();
    let (mut summary, rendered) = write_site(options, &archive, diagnostics, progress)?;
    summary.load = load_time;
    summary.total = started.elapsed();
    Ok(PreviewBuild {
        summary,
        archive,
        rendered,
    })
}

/// Render and swap stages for an archive already loaded: after a template
/// edit, `serve` renders again without reading the content again.
pub(crate) fn write_site(
    options: &BuildOptions,
    archive: &Archive,
    diagnostics: Diagnostics,
    progress: &dyn Fn(Stage),
) -> Result<(BuildSummary, Rendered)> {
    let started = Instant::now();
    progress(Stage::Render);
    let staging = Staging::create(&options.out, options.replace_out)?;
    let rendered = match render(
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

    progress(Stage::Swap);
    let write_started = Instant::now();
    let swapped = staging.commit()?;
    let write_time = write_started.elapsed();
    let paths = &rendered.paths;
    let summary = BuildSummary {
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
    };
    Ok((summary, rendered))
}
