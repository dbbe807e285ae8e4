//! Live preview for `jianbao serve`: watch the site's sources, rebuild on
//! a change, and tell open tabs to reload. A failed rebuild keeps the last
//! good site served and shows the errors over every page until fixed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult};

mod incremental;

pub use incremental::{LiveSite, Plan, Update, WriteHooks};

use crate::diagnostics::ContentErrors;
use crate::serve::PreviewHandle;

/// The changed files, as the terminal lists them.
fn describe(root: &Path, paths: &[PathBuf]) -> String {
    let mut shown: Vec<String> = paths
        .iter()
        .map(|p| crate::diagnostics::display_path(root, p))
        .collect();
    shown.sort();
    shown.dedup();
    let more = if shown.len() > 3 {
        format!(" 等 {} 个文件", shown.len())
    } else {
        String::new()
    };
    shown.truncate(3);
    format!("{}{more}", shown.join("、"))
}

fn relevant(root: &Path, out: &Path, tantivy: &Path, path: &Path) -> bool {
    if path.starts_with(out) || path.starts_with(tantivy) {
        return false;
    }
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let hidden = relative.components().any(|c| {
        c.as_os_str().to_string_lossy().starts_with('.')
            || c.as_os_str().to_string_lossy().starts_with("~$")
    });
    !hidden && crate::sources::kind_of(relative).is_some()
}

/// A failed build's errors, as the overlay lists them.
pub fn error_text(err: &anyhow::Error) -> String {
    match err.downcast_ref::<ContentErrors>() {
        Some(ContentErrors(diagnostics)) => diagnostics
            .sorted()
            .into_iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        None => crate::diagnostics::error_chain(err),
    }
}

/// Rebuilds for a change to `paths`, as little as the change needs, and
/// swaps in what the server answers from; on failure records the errors
/// for the overlay. Returns the lines for the terminal, none when the
/// change did not concern the site.
fn rebuild(server: &PreviewHandle, site: &mut LiveSite, paths: &[PathBuf]) -> Vec<String> {
    let plan = site.plan(paths);
    let outcome = match plan {
        Plan::Nothing => return Vec::new(),
        Plan::Reports(reports) => {
            let lifted = AtomicBool::new(false);
            let hooks = WriteHooks {
                before_write: &|| {
                    if server.lift_errors() {
                        lifted.store(true, Ordering::SeqCst);
                    }
                },
                // Lifting the overlay changes every page: all tabs reload.
                on_written: &|written| {
                    if lifted.swap(false, Ordering::SeqCst) {
                        server.reload_all();
                    } else {
                        server.pages_changed(written);
                    }
                },
            };
            match site.update_reports(&reports, &hooks) {
                Ok(Some(update)) => {
                    let mut lines = vec![update.line()];
                    match site.update_search(server) {
                        Ok(Some(line)) if !line.is_empty() => lines.push(line),
                        Ok(_) => {}
                        Err(err) => {
                            lines.push(format!(
                                "检索索引未能增量更新（{}）",
                                crate::diagnostics::error_chain(&err)
                            ));
                            lines.extend(rebuild_fully(server, site, "检索索引需要重建"));
                        }
                    }
                    return lines;
                }
                Ok(None) => {
                    return rebuild_fully(
                        server,
                        site,
                        "修改涉及报告的期号、顺序或分送范围，或增删了页面",
                    )
                }
                Err(err) => Err(err),
            }
        }
        Plan::Render => site.render_again(server),
        Plan::Full(reason) => return rebuild_fully(server, site, &reason),
    };
    show_outcome(server, outcome)
}

fn rebuild_fully(server: &PreviewHandle, site: &mut LiveSite, reason: &str) -> Vec<String> {
    let mut lines = vec![format!("完整重建（{reason}）")];
    lines.extend(show_outcome(
        server,
        site.full_build(server)
            .map(|line| format!("已重新构建（全部）：{line}")),
    ));
    lines
}

/// Lifts the overlay after a rebuild, or shows the rebuild's errors in
/// it; every tab reloads. The line for the terminal.
fn show_outcome(server: &PreviewHandle, outcome: anyhow::Result<String>) -> Vec<String> {
    let line = match outcome {
        // The new pages are already served: the overlay goes with them.
        Ok(line) => {
            server.show_errors(None);
            line
        }
        Err(err) => {
            let text = error_text(&err);
            server.show_errors(Some(text.clone()));
            format!("构建失败，继续提供上一次的网站：\n{text}")
        }
    };
    server.reload_all();
    vec![line]
}

/// Watches `root` and rebuilds on every change, until the process ends.
/// `server` is the running server's handle: all the preview may do to it.
pub fn watch(server: PreviewHandle, mut site: LiveSite) -> Result<()> {
    site.start_search_worker(server.clone());
    let options = site.options().clone();
    let root = options
        .root
        .canonicalize()
        .unwrap_or_else(|_| options.root.clone());
    let out = options
        .out
        .canonicalize()
        .unwrap_or_else(|_| options.out.clone());
    let tantivy = crate::serve::tantivy_dir(&out);
    let (sender, receiver) = std::sync::mpsc::channel::<DebounceEventResult>();
    let mut debouncer =
        new_debouncer(Duration::from_millis(60), None, sender).context("无法监视文件变化")?;
    debouncer
        .watch(&root, RecursiveMode::Recursive)
        .with_context(|| format!("无法监视 {}", root.display()))?;
    std::thread::spawn(move || {
        let _keep = debouncer;
        while let Ok(result) = receiver.recv() {
            let Ok(events) = result else { continue };
            // Reading files (the build itself reads every one) and touching
            // their metadata are not edits.
            let paths: Vec<PathBuf> = events
                .iter()
                .filter(|e| {
                    !matches!(
                        e.kind,
                        EventKind::Access(_)
                            | EventKind::Modify(ModifyKind::Metadata(_))
                            | EventKind::Other
                    )
                })
                .flat_map(|e| e.paths.iter().cloned())
                .filter(|p| relevant(&root, &out, &tantivy, p))
                .collect();
            if paths.is_empty() {
                continue;
            }
            println!("检测到修改：{}", describe(&root, &paths));
            for line in rebuild(&server, &mut site, &paths) {
                println!("{line}");
            }
        }
    });
    Ok(())
}
