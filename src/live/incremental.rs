//! Incremental rebuilds for `jianbao serve`. The preview keeps the archive
//! it built in memory; an edit to one report reads that file alone,
//! renders only the pages that show the report, and rewrites only the
//! output files whose bytes changed. A template edit renders again from
//! the archive in memory. Anything else (site.toml, an issue file, a file
//! added, removed or moved) is a full build, and the terminal says so.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result};

use crate::content::{self, Archive, LoadOptions, Reloaded};
use crate::diagnostics::{display_path, ContentErrors, Diagnostics};
use crate::output;
use crate::render::dependents::{self, PageRecords};
use crate::render::{Job, OutputFile, Renderer};
use crate::serve::{PreviewHandle, Searchable};
use crate::site::{self, BuildOptions, PreviewBuild, Stage};
use crate::sources::Source;

/// What a set of changed paths asks for.
#[derive(Debug, PartialEq)]
pub enum Plan {
    /// These reports' files changed, and nothing else.
    Reports(Vec<PathBuf>),
    /// Templates or static files changed: render again, content as it is.
    Render,
    /// Read everything again.
    Full(String),
    /// Nothing that affects the site (an editor's temporary file).
    Nothing,
}

/// The site as `serve` last built it.
pub struct LiveSite {
    options: BuildOptions,
    /// `options.root`, canonical: watcher events carry canonical paths.
    root: PathBuf,
    /// Shared with the search worker, which indexes a snapshot while the
    /// next edit is applied (copy on write).
    archive: Option<Arc<Archive>>,
    /// What each page of the output read when it was last rendered.
    records: Option<PageRecords>,
    search: Option<SearchWorker>,
    /// The report file whose error the overlay shows, when the last rebuild
    /// failed on that file alone; after any other failure the next change
    /// gets a full build.
    failed: Option<BrokenBy>,
}

/// What the last failed rebuild failed on.
#[derive(Debug, Clone, PartialEq)]
enum BrokenBy {
    /// This report's file alone: mending it is an incremental rebuild.
    Report(PathBuf),
    /// Anything else: the next change gets a full build.
    Site,
}

impl LiveSite {
    pub fn new(options: BuildOptions) -> LiveSite {
        let root = options
            .root
            .canonicalize()
            .unwrap_or_else(|_| options.root.clone());
        LiveSite {
            options,
            root,
            archive: None,
            records: None,
            search: None,
            failed: None,
        }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// Decides how to rebuild for `paths` (canonical, under the root).
    pub fn plan(&self, paths: &[PathBuf]) -> Plan {
        let Some(archive) = &self.archive else {
            return Plan::Full("尚无成功的构建".into());
        };
        if self.failed == Some(BrokenBy::Site) {
            return Plan::Full("上一次构建失败".into());
        }
        let mut reports = Vec::new();
        let mut render = false;
        let mut full: Option<String> = None;
        for path in paths {
            let relative = path.strip_prefix(&self.root).unwrap_or(path);
            match crate::sources::kind_of(relative) {
                Some(Source::Theme) => render = true,
                Some(Source::Content) => {
                    let known = content::report_source(&self.root, path)
                        .filter(|file| archive.reports.iter().any(|r| r.source == file.relative));
                    match known {
                        Some(_) => reports.push(path.clone()),
                        // Editors save through temporary files that are
                        // gone again by now (vim's 4913, Word's ~WRL0001.tmp).
                        None if !path.exists() && !is_markdown(path) => {}
                        None => {
                            full.get_or_insert_with(|| {
                                format!("{} 不是已有的报告", display_path(&self.root, path))
                            });
                        }
                    }
                }
                Some(Source::Config) | None => {
                    full.get_or_insert_with(|| {
                        format!("{} 已修改", display_path(&self.root, path))
                    });
                }
            }
        }
        if let Some(BrokenBy::Report(broken)) = &self.failed {
            if !reports.contains(broken) {
                return Plan::Full("上一次构建失败".into());
            }
        }
        if let Some(reason) = full {
            return Plan::Full(reason);
        }
        match (render, reports.is_empty()) {
            (true, _) => Plan::Render,
            (false, false) => {
                reports.sort();
                reports.dedup();
                Plan::Reports(reports)
            }
            (false, true) => Plan::Nothing,
        }
    }

    /// The build `serve` starts with, before the server has any state.
    pub fn first_build(&mut self) -> Result<site::BuildSummary> {
        let result = site::build_for_preview(&self.options, &|_| {});
        let built = self.note_outcome(result)?;
        self.keep_build(built)
    }

    /// The first build, or any full one: read everything, write the site
    /// anew and swap it in.
    pub fn full_build(&mut self, server: &PreviewHandle) -> Result<String> {
        let started = Instant::now();
        let gate = self.search_gate();
        let _quiet = gate.as_ref().map(pause);
        let result = site::build_for_preview(&self.options, &|stage| lift_overlay(server, stage));
        let built = self.note_outcome(result)?;
        let summary = self.keep_build(built)?;
        self.reload_search(server)?;
        Ok(format!(
            "{}；检索索引已载入（共 {:.2} 秒）",
            summary.line(),
            started.elapsed().as_secs_f64()
        ))
    }

    /// Templates or static files changed: render every page again from the
    /// archive in memory.
    pub fn render_again(&mut self, server: &PreviewHandle) -> Result<String> {
        let archive = self.archive.clone().context("尚无成功的构建")?;
        let gate = self.search_gate();
        let _quiet = gate.as_ref().map(pause);
        let result = site::write_site(&self.options, &archive, Diagnostics::default(), &|stage| {
            lift_overlay(server, stage)
        });
        // What pages read is the model's, whatever the templates make of
        // it: the records still hold.
        let (summary, _) = self.note_outcome(result)?;
        self.reload_search(server)?;
        Ok(format!(
            "重新渲染全部页面（模板或样式已修改，内容未重新读取）：{} 个页面，用时 {:.2} 秒",
            summary.pages,
            summary.render.as_secs_f64() + summary.write.as_secs_f64()
        ))
    }

    /// Reports edited: each is read again and only the pages that show it
    /// are rendered. Returns `Ok(None)` when an edit needs a full build.
    pub fn update_reports(
        &mut self,
        paths: &[PathBuf],
        hooks: &WriteHooks,
    ) -> Result<Option<Update>> {
        let started = Instant::now();
        let mut update = Update::default();
        // Each report is read once, before any is written. Saved
        // together, the overlay may go only if each of them now reads,
        // lest it go with the first one's pages and come back with the
        // next one's error.
        let reloaded: Vec<Option<(usize, Reloaded)>> =
            paths.iter().map(|path| self.reload(path)).collect();
        let quiet = WriteHooks {
            before_write: &|| {},
            on_written: hooks.on_written,
        };
        let hooks = if reloaded
            .iter()
            .any(|r| matches!(r, Some((_, Reloaded::Failed(_)))))
        {
            &quiet
        } else {
            hooks
        };
        for (path, reloaded) in paths.iter().zip(reloaded) {
            // Each failure records itself: a broken report as that
            // report's, anything after the archive took the edit as the
            // site's.
            let Some((index, reloaded)) = reloaded else {
                return Ok(None);
            };
            match self.update_report(path, index, reloaded, hooks)? {
                Some(written) => update.written.extend(written),
                None => return Ok(None),
            }
        }
        update.written.sort();
        update.written.dedup();
        update.reports = paths.iter().map(|p| display_path(&self.root, p)).collect();
        update.elapsed = started.elapsed();
        self.failed = None;
        Ok(Some(update))
    }

    /// The report at `path` read again, with its place in the archive;
    /// `None` when it is no report the archive knows (a full build's
    /// matter). Reports keep their places until a full build, so what is
    /// read before a batch's first write still holds at its last.
    fn reload(&self, path: &Path) -> Option<(usize, Reloaded)> {
        let archive = self.archive.as_deref()?;
        let file = content::report_source(&self.root, path)?;
        let index = archive
            .reports
            .iter()
            .position(|r| r.source == file.relative)?;
        let options = LoadOptions {
            drafts: self.options.drafts,
        };
        Some((
            index,
            content::reload_report(&self.root, archive, index, &file, options),
        ))
    }

    fn update_report(
        &mut self,
        path: &Path,
        index: usize,
        reloaded: Reloaded,
        hooks: &WriteHooks,
    ) -> Result<Option<Vec<String>>> {
        let report = match reloaded {
            Reloaded::Report(report, _warnings) => *report,
            Reloaded::NeedsFullLoad => return Ok(None),
            Reloaded::Failed(diagnostics) => {
                self.failed = Some(BrokenBy::Report(path.to_path_buf()));
                return Err(ContentErrors(diagnostics).into());
            }
        };
        let archive = Arc::make_mut(self.archive.as_mut().context("尚无成功的构建")?);
        let theme = site::load_theme(&self.options.root, archive)?;
        let links = site::links_for(archive, self.options.base_path.as_deref());
        // What the report's pages and its neighbours' showed before.
        let before = dependents::report_inputs(
            &Renderer::new(archive, &theme, &links),
            index,
            &report.keywords,
        );
        let replaced = std::mem::replace(&mut archive.reports[index], report);
        let mut problems = Diagnostics::default();
        content::check_archive(archive, &mut problems);
        if problems.has_errors() {
            archive.reports[index] = replaced;
            self.failed = Some(BrokenBy::Report(path.to_path_buf()));
            return Err(ContentErrors(problems).into());
        }
        // The archive now holds the edit. Should rendering or writing fail
        // from here, the pages lag behind it and only a full build brings
        // them level, whatever failed before.
        self.failed = Some(BrokenBy::Site);
        let archive = self.archive.as_ref().expect("present above");
        let renderer = Renderer::new(archive, &theme, &links);
        let records = self.records.as_mut().context("尚无成功的构建")?;
        let Some(jobs) = records.touched_by(&renderer, &before) else {
            return Ok(None);
        };
        // Issue pages link the PDFs that still match their print pages;
        // the others are removed once the new print pages are written.
        let print_jobs = jobs
            .iter()
            .filter_map(|job| match job {
                Job::Print(issue) => Some(*issue),
                _ => None,
            })
            .collect();
        let (with_pdfs, stale_pdfs) = crate::pdf::freshness::pdfs_after_edit(
            &renderer,
            archive,
            &self.options.out,
            &print_jobs,
        );
        let renderer = renderer.with_pdfs(with_pdfs);
        // The pages the editor is looking at first, then the lists.
        let (first, rest): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|job| {
            matches!(*job, Job::Report(r) if r == index)
                || matches!(job, Job::Issue(_) | Job::Print(_))
        });
        let mut written = Vec::new();
        for wave in [first, rest] {
            let rendered: Mutex<Vec<OutputFile>> = Mutex::new(Vec::with_capacity(wave.len()));
            let reads = renderer.render_jobs(&wave, &|file| {
                rendered.lock().expect("render lock").push(file);
                Ok(())
            })?;
            records.update(&renderer, reads);
            let files = rendered.into_inner().expect("render lock");
            (hooks.before_write)();
            let changed = output::update_in_place(&self.options.out, &files)?;
            (hooks.on_written)(&changed);
            written.extend(changed);
        }
        for pdf in stale_pdfs {
            match std::fs::remove_file(&pdf) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => {
                    return Err(anyhow::Error::new(err)
                        .context(format!("无法删除已过时的 PDF {}", pdf.display())))
                }
            }
        }
        Ok(Some(written))
    }

    /// Hands the archive as it now stands to the search worker; without
    /// one, brings the index up to date at once. Returns a line for the
    /// terminal when done at once.
    pub fn update_search(&self, server: &PreviewHandle) -> Result<Option<String>> {
        let archive = self.archive.clone().context("尚无成功的构建")?;
        match &self.search {
            Some(worker) => {
                let generation = worker.generation.load(Ordering::SeqCst);
                worker.sender.send((generation, archive)).ok();
                Ok(None)
            }
            None => update_search(&self.options, &archive, server).map(Some),
        }
    }

    /// Indexes in the background from now on: the page of an edit is served
    /// without waiting for the search index.
    pub fn start_search_worker(&mut self, server: PreviewHandle) {
        let (sender, receiver) = std::sync::mpsc::channel::<(u64, Arc<Archive>)>();
        let worker = SearchWorker {
            sender,
            generation: Arc::new(AtomicU64::new(0)),
            busy: Arc::new(Mutex::new(())),
        };
        let generation = worker.generation.clone();
        let busy = worker.busy.clone();
        let options = self.options.clone();
        std::thread::spawn(move || {
            while let Ok(mut job) = receiver.recv() {
                // Only the newest archive matters.
                while let Ok(newer) = receiver.try_recv() {
                    job = newer;
                }
                let _busy = busy.lock().expect("search lock");
                // A full build since then has indexed everything itself.
                if job.0 != generation.load(Ordering::SeqCst) {
                    continue;
                }
                match update_search(&options, &job.1, &server) {
                    Ok(line) if line.is_empty() => {}
                    Ok(line) => println!("{line}"),
                    Err(err) => println!(
                        "检索索引未能更新：{}（下次完整重建时会重新生成）",
                        crate::diagnostics::error_chain(&err)
                    ),
                }
            }
        });
        self.search = Some(worker);
    }

    fn search_gate(&self) -> Option<(Arc<Mutex<()>>, Arc<AtomicU64>)> {
        let worker = self.search.as_ref()?;
        Some((worker.busy.clone(), worker.generation.clone()))
    }

    fn reload_search(&self, server: &PreviewHandle) -> Result<()> {
        let index = Searchable::load(&self.options.out).context("检索索引无法读取")?;
        server.replace_search_index(index);
        Ok(())
    }

    /// Records a failure as the whole site's, or passes a success on.
    fn note_outcome<T>(&mut self, result: Result<T>) -> Result<T> {
        self.failed = result.is_err().then_some(BrokenBy::Site);
        result
    }

    /// Keeps what incremental rebuilds start from: the archive, and what
    /// each page read.
    fn keep_build(&mut self, built: PreviewBuild) -> Result<site::BuildSummary> {
        let PreviewBuild {
            summary,
            archive,
            rendered,
        } = built;
        let theme = site::load_theme(&self.options.root, &archive)?;
        let links = site::links_for(&archive, self.options.base_path.as_deref());
        let renderer = Renderer::new(&archive, &theme, &links);
        self.records = Some(PageRecords::of(&renderer, rendered));
        drop(renderer);
        self.archive = Some(Arc::new(archive));
        Ok(summary)
    }
}

/// Keeps the search worker from writing while the whole output is
/// replaced, and makes what it had queued obsolete.
fn pause(gate: &(Arc<Mutex<()>>, Arc<AtomicU64>)) -> std::sync::MutexGuard<'_, ()> {
    let guard = gate.0.lock().expect("search lock");
    gate.1.fetch_add(1, Ordering::SeqCst);
    guard
}

struct SearchWorker {
    sender: std::sync::mpsc::Sender<(u64, Arc<Archive>)>,
    /// Raised by every full build and full render.
    generation: Arc<AtomicU64>,
    /// Held while the worker writes index files, and by full builds.
    busy: Arc<Mutex<()>>,
}

/// The static search index and the server's matcher, brought up to date
/// with `archive`: only index files whose bytes changed are written, and
/// only changed documents are indexed again.
fn update_search(
    options: &BuildOptions,
    archive: &Archive,
    server: &PreviewHandle,
) -> Result<String> {
    if !options.search_index {
        return Ok(String::new());
    }
    let started = Instant::now();
    let links = site::links_for(archive, options.base_path.as_deref());
    let corpus = crate::search::indexer::corpus(archive, &links);
    let current = server.search_index();
    if corpus.docs.len() != current.len() {
        anyhow::bail!("检索索引的文档数变了，需要完整重建");
    }
    let postings = crate::search::indexer::postings(&corpus);
    let files = crate::search::files::to_files(&corpus, postings, &current.build);
    let written = output::update_in_place(&options.out, &files)?;
    let (searchable, documents) = current.updated(corpus, current.build.clone())?;
    server.replace_search_index(searchable);
    Ok(format!(
        "检索索引已更新：{documents} 篇报告重新索引，改写 {} 个索引文件，用时 {:.2} 秒",
        written.len(),
        started.elapsed().as_secs_f64()
    ))
}

/// A build about to swap in its output has succeeded: the overlay goes
/// now, so that no request sees the new pages still under it. Should the
/// swap itself fail, the overlay comes back with that error.
fn lift_overlay(server: &PreviewHandle, stage: Stage) {
    if stage == Stage::Swap {
        server.lift_errors();
    }
}

/// What the server hears while an edit's pages are written, step by step
/// (the edited page first, then its lists).
pub struct WriteHooks<'a> {
    /// The step's pages rendered without error and are about to replace
    /// the old ones: the time to lift an error overlay, so that no request
    /// sees a mended page still under it.
    pub before_write: &'a dyn Fn(),
    /// The files the step rewrote, so open tabs showing them reload.
    pub on_written: &'a dyn Fn(&[String]),
}

/// What an incremental rebuild did.
#[derive(Debug, Default)]
pub struct Update {
    pub reports: Vec<String>,
    /// Output files rewritten, relative to the output folder.
    pub written: Vec<String>,
    pub elapsed: std::time::Duration,
}

impl Update {
    pub fn line(&self) -> String {
        let mut shown: Vec<&str> = self.written.iter().map(String::as_str).collect();
        let more = shown.len().saturating_sub(6);
        shown.truncate(6);
        format!(
            "增量更新：{}；改写 {} 个页面（{}{}），用时 {:.0} 毫秒",
            self.reports.join("、"),
            self.written.len(),
            shown.join("、"),
            if more > 0 {
                format!(" 等，另有 {more} 个")
            } else {
                String::new()
            },
            self.elapsed.as_secs_f64() * 1000.0
        )
    }
}

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}
