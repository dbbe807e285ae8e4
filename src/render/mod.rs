//! The render stage: pure functions from the archive model and a loaded
//! theme to the files of the site. Nothing here touches the disk: static
//! files are handed on by where they come from (`Contents::Copy`), and
//! what the previous output holds is the site layer's to look at.
//!
//! `pages` says what each page shows, `feeds` makes the feed, sitemap and
//! robots.txt, `links` decides every address. While a page is rendered it
//! notes what it reads (`reads`), so that `dependents` can tell which
//! pages an edit touches.

mod charts;
pub(crate) mod dependents;
mod feeds;
pub(crate) mod links;
mod pages;
pub(crate) mod print_fonts;
pub(crate) mod reads;
mod related;
mod relative;
mod taxonomy;
mod views;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use tera::Context;

use crate::content::Archive;
use crate::diagnostics::{ContentErrors, Diagnostic, Diagnostics};
use crate::theme::{Origin, Template, Theme};
use links::Links;
use reads::{Input, Reads};
use taxonomy::Taxonomies;
use views::ViewBuilder;

/// Where rendered files go: the staging folder of a build, or nowhere for
/// `check`.
pub(crate) type Sink<'s> = dyn Fn(OutputFile) -> anyhow::Result<()> + Sync + 's;

/// One file of the output, by its path relative to the output root.
pub struct OutputFile {
    pub path: String,
    pub contents: Contents,
}

pub enum Contents {
    Text(String),
    Bytes(Vec<u8>),
    Copy(Origin),
    /// A file of the previous output kept as it is (a PDF): hard-linked
    /// when the file system allows, copied otherwise.
    Keep(std::path::PathBuf),
}

/// A page to render: which template, at which path, with which data.
/// Indexes are into the archive and the taxonomies of one `Renderer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Job {
    Home,
    Issue(usize),
    Print(usize),
    Report(usize),
    AllIssues,
    Year(i32),
    Drafts,
    TermIndex(usize),
    Term(usize),
    Stats,
    Search,
    NotFound,
    Feed,
}

/// Why a page was not made: its template failed (the editor's to fix,
/// collected with the others), or the sink could not take it.
enum JobError {
    Template(Diagnostic),
    Sink(anyhow::Error),
}

/// What a render made: every file's path, and what each page read.
pub(crate) struct Rendered {
    pub(crate) paths: Vec<String>,
    pub(crate) reads: Vec<(Job, Vec<Input>)>,
}

pub(crate) struct Renderer<'a> {
    archive: &'a Archive,
    theme: &'a Theme,
    links: &'a Links,
    views: ViewBuilder<'a>,
    site: views::SiteView,
    /// Built on first use: rendering one report's pages after an edit
    /// rarely needs the term pages.
    taxonomies: std::sync::OnceLock<Taxonomies>,
    postings: HashMap<&'a str, Vec<usize>>,
    /// Issues whose PDF is in the output: their pages link to it.
    pdfs: HashSet<usize>,
}

impl<'a> Renderer<'a> {
    pub(crate) fn new(archive: &'a Archive, theme: &'a Theme, links: &'a Links) -> Renderer<'a> {
        let views = ViewBuilder::new(archive, links);
        let postings = related::keyword_postings(archive);
        let mut site = views.site();
        site.fingerprint(&theme.fingerprints);
        Renderer {
            archive,
            theme,
            links,
            site,
            views,
            taxonomies: Default::default(),
            postings,
            pdfs: Default::default(),
        }
    }

    fn taxonomies(&self) -> &Taxonomies {
        self.taxonomies
            .get_or_init(|| Taxonomies::build(self.archive, &self.views, &self.postings))
    }

    /// Marks the issues whose PDF the output will hold.
    pub(crate) fn with_pdfs(mut self, pdfs: HashSet<usize>) -> Self {
        self.pdfs = pdfs;
        self
    }

    /// Where the file this build copies to output path `path` comes from
    /// (a static file or one of the content's own files); `None` for
    /// pages and paths the build does not make.
    pub(crate) fn origin_of(&self, path: &str) -> Option<Origin> {
        match self.theme.static_files.get(path) {
            Some(origin) => Some(origin.clone()),
            None => self
                .archive
                .assets
                .iter()
                .find(|asset| links::asset_path(asset) == path)
                .map(|asset| Origin::File(asset.source.clone())),
        }
    }

    /// One issue's print page, alone: to tell whether a PDF made from the
    /// previous one still matches.
    pub(crate) fn print_page(&self, index: usize) -> Result<String, Diagnostic> {
        match self
            .render_job(Job::Print(index), &Reads::default())?
            .contents
        {
            Contents::Text(text) => Ok(text),
            _ => unreachable!("pages are text"),
        }
    }

    /// Every file of the site, each handed to `sink` as soon as it is
    /// made (so writing overlaps rendering and the pages are never all in
    /// memory at once). Template errors are collected and returned
    /// together as `ContentErrors`.
    pub(crate) fn render_all(&self, sink: &Sink) -> anyhow::Result<Rendered> {
        let mut rendered = self.render_jobs(&self.jobs(), sink)?;
        rendered
            .paths
            .reserve(self.theme.static_files.len() + self.archive.assets.len() + 2);
        self.add_site_files(&mut rendered.paths, sink)?;
        Ok(rendered)
    }

    /// The given pages, rendered in parallel and handed to `sink`. Template
    /// errors are collected and returned together as `ContentErrors`.
    pub(crate) fn render_jobs(&self, jobs: &[Job], sink: &Sink) -> anyhow::Result<Rendered> {
        let results: Vec<Result<(String, Vec<Input>), JobError>> = jobs
            .par_iter()
            .map(|&job| {
                let reads = Reads::default();
                let file = self.render_job(job, &reads).map_err(JobError::Template)?;
                let path = file.path.clone();
                sink(file).map_err(JobError::Sink)?;
                Ok((path, reads.into_inputs()))
            })
            .collect();
        let mut rendered = Rendered {
            paths: Vec::with_capacity(results.len()),
            reads: Vec::with_capacity(results.len()),
        };
        let mut problems: Vec<Diagnostic> = Vec::new();
        for (job, result) in jobs.iter().zip(results) {
            match result {
                Ok((path, inputs)) => {
                    rendered.paths.push(path);
                    rendered.reads.push((*job, inputs));
                }
                Err(JobError::Sink(err)) => return Err(err),
                Err(JobError::Template(problem)) => {
                    if !problems.iter().any(|p| p.message == problem.message) {
                        problems.push(problem)
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(content_errors(problems));
        }
        Ok(rendered)
    }

    /// After the pages: the sitemap, robots.txt, the theme's static files
    /// and the content's own files.
    fn add_site_files(&self, paths: &mut Vec<String>, sink: &Sink) -> anyhow::Result<()> {
        // A sitemap lists full addresses; without one in base_url there is none.
        if self.links.is_absolute() {
            let sitemap = self.sitemap(paths).map_err(content_errors)?;
            emit(paths, sink, sitemap)?;
        }
        // A site's own static/robots.txt is copied instead.
        if !self.theme.static_files.contains_key(links::ROBOTS) {
            emit(paths, sink, self.robots())?;
        }
        for (path, origin) in &self.theme.static_files {
            let file = OutputFile {
                path: path.clone(),
                contents: Contents::Copy(origin.clone()),
            };
            emit(paths, sink, file)?;
        }
        let generated: HashSet<&String> = paths.iter().collect();
        let clashes: Vec<Diagnostic> = self
            .archive
            .assets
            .iter()
            .map(|asset| (asset, links::asset_path(asset)))
            .filter(|(_, path)| generated.contains(path))
            .map(|(asset, path)| {
                Diagnostic::error(
                    asset.display.clone(),
                    None,
                    format!("这个文件与生成的页面 {path} 同名，会把页面覆盖"),
                )
                .hint("请给它改名或移出 content/（如 Word“另存为网页”得到的文件不应放在这里）")
            })
            .collect();
        if !clashes.is_empty() {
            return Err(content_errors(clashes));
        }
        for asset in &self.archive.assets {
            let file = OutputFile {
                path: links::asset_path(asset),
                contents: Contents::Copy(Origin::File(asset.source.clone())),
            };
            emit(paths, sink, file)?;
        }
        Ok(())
    }

    /// Every page of the site, in a fixed order.
    pub(crate) fn jobs(&self) -> Vec<Job> {
        let archive = self.archive;
        let mut jobs = vec![
            Job::Home,
            Job::AllIssues,
            Job::Search,
            Job::Stats,
            Job::NotFound,
            Job::Feed,
        ];
        for index in 0..archive.issues.len() {
            jobs.push(Job::Issue(index));
            jobs.push(Job::Print(index));
        }
        let mut years: Vec<i32> = archive.issues.iter().map(|i| i.year).collect();
        years.dedup();
        jobs.extend(years.into_iter().map(Job::Year));
        jobs.extend((0..archive.reports.len()).map(Job::Report));
        if archive.reports.iter().any(|r| r.issue.is_none()) {
            jobs.push(Job::Drafts);
        }
        jobs.extend((0..self.taxonomies().indexes.len()).map(Job::TermIndex));
        jobs.extend((0..self.taxonomies().pages.len()).map(Job::Term));
        jobs
    }

    /// Every page's output path, in job order.
    pub(crate) fn page_paths(&self) -> Vec<String> {
        self.jobs()
            .into_iter()
            .map(|job| self.path_of(job))
            .collect()
    }

    fn render_job(&self, job: Job, reads: &Reads) -> Result<OutputFile, Diagnostic> {
        let page = self.page(job, reads);
        let mut context = page.context;
        reads.note(Input::Site);
        context.insert("site", &self.site);
        context.insert("section", &page.section);
        let path = self.path_of(job);
        let folder = path.trim_end_matches("index.html");
        context.insert("page_url", &self.links.href(folder));
        // Search engines take one address per page: the full one.
        let canonical = match job {
            Job::NotFound | Job::Feed => String::new(),
            _ if self.links.is_absolute() => self.links.absolute(folder),
            _ => String::new(),
        };
        context.insert("canonical_url", &canonical);
        let text = self.render_template(page.template, &context)?;
        // Print pages are opened from the disk by `jianbao pdf`: relative
        // whatever the site's setting.
        let relative = self.links.is_relative() || matches!(job, Job::Print(_));
        let text = if relative && path.ends_with(".html") {
            relative::relativize(&text, &path, self.links.base())
        } else {
            text
        };
        Ok(OutputFile {
            path,
            contents: Contents::Text(text),
        })
    }

    fn render_template(&self, template: Template, context: &Context) -> Result<String, Diagnostic> {
        self.theme.render(template, context)
    }
}

/// Hands `file` to `sink`, noting its path.
fn emit(paths: &mut Vec<String>, sink: &Sink, file: OutputFile) -> anyhow::Result<()> {
    paths.push(file.path.clone());
    sink(file)
}

fn content_errors(problems: Vec<Diagnostic>) -> anyhow::Error {
    let mut diagnostics = Diagnostics::default();
    for problem in problems {
        diagnostics.push(problem);
    }
    ContentErrors(diagnostics).into()
}
